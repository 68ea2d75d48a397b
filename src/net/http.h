/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTPS server (R4.1) on libmicrohttpd with GnuTLS: TLS 1.2 and 1.3
 * only (tls.h), limits on connections, header memory, body size and
 * time, security headers on every response, quiescing for graceful
 * shutdown and certificate reloads. It knows nothing of the vault: an
 * application's callbacks see requests and give responses, in the
 * server's threads (one request at a time per thread).
 */
#ifndef CXV_HTTP_H
#define CXV_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct cxv_http;
struct cxv_http_req;

/* What the application does with requests. */
struct cxv_http_app {
	/*
	 * Headers are in. Either respond (to refuse), or choose how the
	 * body is taken: cxv_http_buffer_body() or cxv_http_stream_body();
	 * without either, a request with a body gets 413.
	 */
	void (*begin)(void *ctx, struct cxv_http_req *req);
	/* A piece of a streamed body; respond to stop it. */
	void (*piece)(void *ctx, struct cxv_http_req *req, const char *data,
	    size_t len);
	/* The body is complete: respond. */
	void (*end)(void *ctx, struct cxv_http_req *req);
	/* The exchange is over (sent, or the client left): free its data. */
	void (*done)(void *ctx, struct cxv_http_req *req);
	void *ctx;
};

struct cxv_http_opts {
	int listen_fd;			/* bound and listening; stays the caller's */
	const char *cert, *key;		/* PEM, copied at start */
	int workers;
	int max_connections, max_connections_per_ip;
	int timeout_s;			/* idle connections are closed */
	size_t header_mem;		/* per connection, for request headers */
};

/* Start serving; why says what failed. */
int cxv_http_start(const struct cxv_http_opts *o, const struct cxv_http_app *app,
    struct cxv_http **out /* OUT */, char *why, size_t whylen);
/* Stop accepting new connections; those open go on. */
void cxv_http_quiesce(struct cxv_http *h);
/*
 * Connections in a handshake or a request. Idle keep-alive ones do not
 * count: stopping closes them.
 */
unsigned cxv_http_busy(struct cxv_http *h);
/* Close every connection and free; accepts NULL. */
void cxv_http_stop(struct cxv_http *h);

/* The request: method, path (decoded), query arguments, headers. */
const char *cxv_http_method(const struct cxv_http_req *r);
const char *cxv_http_path(const struct cxv_http_req *r);
const char *cxv_http_query(struct cxv_http_req *r, const char *name);
/* The status of the response set, 0 before one is. */
unsigned cxv_http_status(const struct cxv_http_req *r);
const char *cxv_http_header(struct cxv_http_req *r, const char *name);
const struct sockaddr *cxv_http_client(struct cxv_http_req *r);

/* The application's own data of a request, freed in done(). */
void cxv_http_set_data(struct cxv_http_req *r, void *data);
void *cxv_http_data(struct cxv_http_req *r);

/*
 * Take the body whole, at most max bytes (else 413), or in pieces: a
 * length declared above max is refused at once (413, before "100
 * Continue"), CXV_ERR_TOO_LARGE; pieces past it are the app's to stop.
 */
void cxv_http_buffer_body(struct cxv_http_req *r, size_t max);
int cxv_http_stream_body(struct cxv_http_req *r, uint64_t max);
/* The buffered body, NUL-terminated; "" with *len 0 if none. */
const char *cxv_http_body(struct cxv_http_req *r, size_t *len /* OUT */);

/*
 * Answer later, from another thread: called in end() instead of
 * responding, it sets the connection aside, so no server thread waits
 * for the answer (a password's hash, a directory's bind). Another
 * thread then responds and calls cxv_http_resume() exactly once (a
 * bare 500 if it set no response). A deferred request stays busy for
 * cxv_http_busy(); every one must be resumed before cxv_http_stop().
 */
void cxv_http_defer(struct cxv_http_req *r);
void cxv_http_resume(struct cxv_http_req *r);

/* Whether a response is set (the first one set wins). */
int cxv_http_responded(const struct cxv_http_req *r);

/* An extra response header (before responding); at most 8. */
void cxv_http_add_header(struct cxv_http_req *r, const char *name,
    const char *value);

/*
 * Respond with len bytes of body of content type type; the body is
 * the server's from now on (wiped and freed after sending; NULL for
 * none). On no memory the client gets a bare 500.
 */
void cxv_http_respond(struct cxv_http_req *r, unsigned status,
    const char *type, char *body, size_t len);

/*
 * Respond with a body produced by read(cls, buf, max): bytes written,
 * 0 at the end, -1 on a failure (the connection is then cut, so a
 * truncated body is never mistaken for a whole one). fin(cls) runs
 * when the response is freed. size is the length if known, else
 * UINT64_MAX.
 */
typedef ssize_t (*cxv_http_read_fn)(void *cls, char *buf, size_t max);
void cxv_http_respond_stream(struct cxv_http_req *r, unsigned status,
    const char *type, uint64_t size, cxv_http_read_fn read, void *cls,
    void (*fin)(void *cls));

#endif
