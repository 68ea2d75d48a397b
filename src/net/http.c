/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTPS server on libmicrohttpd; see http.h. */
#include "net/http.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/tls.h"

#define MAX_HEADERS	8

#define REAP_MS		250	/* how often late connections are looked for */

/* BODY_DISCARD: the rest of a body found too large, read and dropped
 * so that the client, still sending, reads the 413 at the end. */
enum body_mode { BODY_NONE, BODY_BUFFER, BODY_STREAM, BODY_DISCARD };

/*
 * A connection. From accept, and from the end of each response, it
 * must deliver a request's headers within the time limit; idle timeouts
 * alone let a client that sends a header line now and then hold it.
 */
struct conn {
	struct conn *prev, *next;
	int fd;
	int idle;		/* between requests (not busy) */
	int waiting;		/* for headers, since since_ms */
	int64_t since_ms;
	/* The client's TLS records as they arrive (see tls_pull()). */
	uint8_t head[5];	/* a record header being read */
	size_t have;		/* bytes of head read */
	size_t left;		/* bytes of the current record to skip */
	int ccs;		/* handshake records since the client's CCS, +1 */
};

struct cxv_http {
	struct MHD_Daemon *d;
	struct cxv_http_app app;
	int64_t time_limit_ms;		/* a whole request, body included */
	size_t head_max;		/* request line and headers, bytes */
	atomic_uint busy;		/* connections but idle keep-alive ones */
	pthread_mutex_t lock;		/* conns and their waiting state */
	struct conn *conns;
	pthread_t reaper;
	pthread_cond_t wake;
	int stopping;
};

struct cxv_http_req {
	struct cxv_http *h;
	struct MHD_Connection *c;
	const char *method, *path;
	enum body_mode mode;
	struct cxv_buf body;
	int64_t started_ms;
	struct MHD_Response *resp;
	unsigned status;
	int queued;
	int deferred;		/* answered later, from another thread */
	char *hname[MAX_HEADERS], *hvalue[MAX_HEADERS];
	size_t nheaders;
	void *data;
};

/* A body to wipe when MHD is done with it. */
struct owned {
	char *p;
	size_t len;
};

static void
free_owned(void *cls)
{
	struct owned *o = cls;

	cxv_freezero(o->p, o->len);
	free(o);
}

/* Headers every response carries (R4.1, and no caching of personal data). */
static const char *const security_headers[][2] = {
	{ "Strict-Transport-Security", "max-age=63072000; includeSubDomains" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cache-Control", "no-store" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
	{ "Permissions-Policy", "camera=(), microphone=(), geolocation=()" },
};

static int
has_header(const struct cxv_http_req *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->hname[i], name) == 0)
			return 1;
	return 0;
}

/* The application's headers, then the security ones it did not set. */
static void
decorate(struct cxv_http_req *r)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++)
		(void)MHD_add_response_header(r->resp, r->hname[i], r->hvalue[i]);
	for (i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]);
	    i++)
		if (!has_header(r, security_headers[i][0]))
			(void)MHD_add_response_header(r->resp,
			    security_headers[i][0], security_headers[i][1]);
	if (!has_header(r, "Content-Security-Policy"))
		(void)MHD_add_response_header(r->resp, "Content-Security-Policy",
		    "default-src 'none'; frame-ancestors 'none'");
}

static void
set_response(struct cxv_http_req *r, unsigned status, struct MHD_Response *resp,
    const char *type)
{
	if (resp == NULL) {
		/* Out of memory: a bare 500 from a static body. */
		resp = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		type = NULL;
	}
	r->resp = resp;
	r->status = status;
	if (resp != NULL && type != NULL)
		(void)MHD_add_response_header(resp, "Content-Type", type);
	if (resp != NULL)
		decorate(r);
}

void
cxv_http_respond(struct cxv_http_req *r, unsigned status, const char *type,
    char *body, size_t len)
{
	struct MHD_Response *resp = NULL;
	struct owned *o;

	if (r->resp != NULL) {
		cxv_freezero(body, len);
		return;
	}
	if ((o = malloc(sizeof(*o))) != NULL) {
		o->p = body;
		o->len = len;
		resp = MHD_create_response_from_buffer_with_free_callback_cls(len,
		    body, free_owned, o);
		if (resp == NULL)
			free(o);
	}
	if (resp == NULL)
		cxv_freezero(body, len);
	set_response(r, status, resp, type);
}

struct stream {
	cxv_http_read_fn read;
	void (*fin)(void *);
	void *cls;
};

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	ssize_t n;

	(void)pos;
	n = s->read(s->cls, buf, max);
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n == 0 ? MHD_CONTENT_READER_END_OF_STREAM : n;
}

static void
stream_free(void *cls)
{
	struct stream *s = cls;

	s->fin(s->cls);
	free(s);
}

void
cxv_http_respond_stream(struct cxv_http_req *r, unsigned status,
    const char *type, uint64_t size, cxv_http_read_fn read, void *cls,
    void (*fin)(void *cls))
{
	struct MHD_Response *resp = NULL;
	struct stream *s;

	if (r->resp != NULL || (s = malloc(sizeof(*s))) == NULL) {
		fin(cls);
		if (r->resp == NULL)
			set_response(r, 0, NULL, NULL);
		return;
	}
	*s = (struct stream){ read, fin, cls };
	resp = MHD_create_response_from_callback(size == UINT64_MAX ?
	    MHD_SIZE_UNKNOWN : size, CXV_STREAM_CHUNK, stream_read, s,
	    stream_free);
	if (resp == NULL)
		stream_free(s);
	set_response(r, status, resp, type);
}

void
cxv_http_add_header(struct cxv_http_req *r, const char *name,
    const char *value)
{
	if (r->nheaders == MAX_HEADERS)
		return;
	if ((r->hname[r->nheaders] = strdup(name)) == NULL)
		return;
	if ((r->hvalue[r->nheaders] = strdup(value)) == NULL) {
		free(r->hname[r->nheaders]);
		return;
	}
	r->nheaders++;
}

/* A JSON error from the server itself (limits), before the application. */
static void
refuse(struct cxv_http_req *r, unsigned status, const char *code,
    const char *message)
{
	char *body = NULL;
	int n;

	/* Whatever the client still sends is not read: close after this. */
	cxv_http_add_header(r, "Connection", "close");
	n = asprintf(&body, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
	    code, message);
	if (n < 0)
		set_response(r, 0, NULL, NULL);
	else
		cxv_http_respond(r, status, "application/json", body,
		    (size_t)n);
}

static enum MHD_Result
queue(struct cxv_http_req *r)
{
	enum MHD_Result ok;

	if (r->queued || r->resp == NULL)
		return r->queued ? MHD_YES : MHD_NO;
	r->queued = 1;
	ok = MHD_queue_response(r->c, r->status, r->resp);
	MHD_destroy_response(r->resp);
	r->resp = NULL;
	return ok;
}

/* Content-Length above max: refused before a byte of the body is read. */
static int
length_over(struct cxv_http_req *r, uint64_t max)
{
	const char *cl = cxv_http_header(r, "Content-Length");
	const char *te = cxv_http_header(r, "Transfer-Encoding");
	long long n;

	if (cl != NULL && cxv_strtonum(cl, 0, INT64_MAX, &n) == CXV_OK)
		return (uint64_t)n > max;
	return max == 0 && te != NULL;
}

/*
 * Whether buf (n bytes just read) holds a renegotiation: a second
 * handshake record (type 22) after the client's ChangeCipherSpec (type
 * 20; the one after it is its Finished, or in TLS 1.3 the ClientHello
 * that answers a HelloRetryRequest). Record headers are in clear; in
 * TLS 1.3 a finished handshake sends type 23 only.
 */
static int
renegotiation(struct conn *k, const uint8_t *buf, size_t n)
{
	size_t at = 0, skip;

	while (at < n) {
		if (k->left > 0) {
			skip = k->left < n - at ? k->left : n - at;
			k->left -= skip;
			at += skip;
			continue;
		}
		k->head[k->have++] = buf[at++];
		if (k->have < sizeof(k->head))
			continue;
		k->have = 0;
		k->left = (size_t)k->head[3] << 8 | k->head[4];
		if (k->head[0] == 20 && k->ccs == 0)
			k->ccs = 1;
		else if (k->head[0] == 22 && k->ccs > 0 && ++k->ccs > 2)
			return 1;
	}
	return 0;
}

/*
 * GnuTLS reads the client through here. libmicrohttpd answers a
 * client-initiated renegotiation (a denial-of-service lever, CVE-2011-1473)
 * by closing with close_notify, which scanners take for a server that
 * renegotiates; GnuTLS has no switch to refuse it. So the connection is
 * cut as soon as one arrives, before GnuTLS sees it.
 */
static ssize_t
tls_pull(gnutls_transport_ptr_t p, void *buf, size_t len)
{
	struct conn *k = p;
	ssize_t n = recv(k->fd, buf, len, 0);

	if (n > 0 && renegotiation(k, buf, (size_t)n)) {
		(void)shutdown(k->fd, SHUT_RDWR);
		errno = ECONNRESET;
		return -1;
	}
	return n;
}

static ssize_t
tls_push(gnutls_transport_ptr_t p, const void *buf, size_t len)
{
	return send(((struct conn *)p)->fd, buf, len, MSG_NOSIGNAL);
}

static int
tls_pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct pollfd pfd = { ((struct conn *)p)->fd, POLLIN, 0 };

	return poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1 : (int)ms);
}

/* The connection's TLS goes through tls_pull() and tls_push(). */
static void
watch_tls(struct MHD_Connection *c, struct conn *k)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t s;

	if (i == NULL || (s = i->tls_session) == NULL)
		return;
	gnutls_transport_set_ptr(s, k);
	gnutls_transport_set_push_function(s, tls_push);
	gnutls_transport_set_pull_function(s, tls_pull);
	gnutls_transport_set_pull_timeout_function(s, tls_pull_timeout);
}

/* The state of connections whose own could not be allocated. */
static struct conn untracked;

/*
 * Busy connections: from accept (the handshake, the first request) to
 * the end of each response; idle ones wait for a next request.
 */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct cxv_http *h = cls;
	struct conn *k = *socket_context;
	const union MHD_ConnectionInfo *i;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&h->busy, 1);
		/* Without its state a connection counts as busy to the end. */
		*socket_context = &untracked;
		i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (i == NULL || (k = calloc(1, sizeof(*k))) == NULL)
			return;
		k->fd = i->connect_fd;
		k->waiting = 1;
		k->since_ms = cxv_now_ms();
		watch_tls(c, k);
		pthread_mutex_lock(&h->lock);
		if ((k->next = h->conns) != NULL)
			k->next->prev = k;
		h->conns = k;
		pthread_mutex_unlock(&h->lock);
		*socket_context = k;
		return;
	}
	if (k == NULL)
		return;		/* closed before it was started */
	if (!k->idle)
		atomic_fetch_sub(&h->busy, 1);
	if (k != &untracked) {
		/* Unlinked before MHD closes the socket: never a stale fd. */
		pthread_mutex_lock(&h->lock);
		if (k->prev != NULL)
			k->prev->next = k->next;
		else
			h->conns = k->next;
		if (k->next != NULL)
			k->next->prev = k->prev;
		pthread_mutex_unlock(&h->lock);
		free(k);
	}
	*socket_context = NULL;
}

/* A request's headers are in (idle 0), or its response is sent. */
static void
conn_set_idle(struct cxv_http *h, struct MHD_Connection *c, int idle)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *k = i != NULL ? i->socket_context : NULL;
	int changed;

	if (k == NULL || k == &untracked)
		return;
	pthread_mutex_lock(&h->lock);
	changed = k->idle != idle;
	k->idle = idle;
	k->waiting = idle;
	k->since_ms = cxv_now_ms();
	pthread_mutex_unlock(&h->lock);
	if (changed && idle)
		atomic_fetch_sub(&h->busy, 1);
	else if (changed)
		atomic_fetch_add(&h->busy, 1);
}

/*
 * Cut connections whose headers are late: shutdown() makes MHD see the
 * end of the stream and close it in its own thread.
 */
static void *
reaper(void *arg)
{
	struct cxv_http *h = arg;
	struct timespec until;
	struct conn *k;
	int64_t now;

	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		now = cxv_now_ms();
		for (k = h->conns; k != NULL; k = k->next)
			if (k->waiting && now - k->since_ms > h->time_limit_ms) {
				(void)shutdown(k->fd, SHUT_RDWR);
				k->waiting = 0;
			}
		until = cxv_deadline_ms(REAP_MS);
		(void)pthread_cond_timedwait(&h->wake, &h->lock, &until);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

static struct cxv_http_req *
req_new(struct cxv_http *h, struct MHD_Connection *c, const char *url,
    const char *method)
{
	struct cxv_http_req *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->h = h;
	r->c = c;
	r->path = url;
	r->method = method;
	r->started_ms = cxv_now_ms();
	cxv_buf_init(&r->body, 0);
	conn_set_idle(h, c, 0);
	return r;
}

static enum MHD_Result
add_len(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	size_t *n = cls;

	(void)kind;
	*n += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/*
 * Whether the request's line and headers take more than their share of
 * the connection's memory. libmicrohttpd answers 431 or 414 only when
 * they do not fit at all; a request that fits with too little room left
 * for the reply's headers would have its connection closed without an
 * answer. Arguments count three times: they arrive percent-encoded.
 */
static int
head_over(struct cxv_http *h, struct cxv_http_req *r)
{
	size_t head = strlen(r->method) + strlen(r->path), args = 0;

	MHD_get_connection_values(r->c, MHD_HEADER_KIND, add_len, &head);
	MHD_get_connection_values(r->c, MHD_GET_ARGUMENT_KIND, add_len, &args);
	return head + 3 * args > h->head_max;
}

struct framing {
	unsigned length, host, chunked;
};

static enum MHD_Result
count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing *f = cls;

	(void)kind;
	(void)value;
	f->length += strcasecmp(key, "Content-Length") == 0;
	f->host += strcasecmp(key, "Host") == 0;
	f->chunked += strcasecmp(key, "Transfer-Encoding") == 0;
	return MHD_YES;
}

/*
 * Whether the request's framing is ambiguous: two lengths (the first
 * would win and the rest of the body be read as a next request), a
 * length beside a transfer coding, or two hosts. Such a request is what
 * request smuggling is made of: refused, and the connection closed.
 */
static int
framing_ambiguous(struct cxv_http_req *r)
{
	struct framing f = { 0, 0, 0 };

	MHD_get_connection_values(r->c, MHD_HEADER_KIND, count_framing, &f);
	return f.length > 1 || f.host > 1 || f.chunked > 1 ||
	    (f.length > 0 && f.chunked > 0);
}

/* The first call: headers only. */
static enum MHD_Result
on_headers(struct cxv_http *h, struct cxv_http_req *r)
{
	if (framing_ambiguous(r)) {
		refuse(r, MHD_HTTP_BAD_REQUEST, "bad_request", "duplicate or "
		    "conflicting Content-Length, Transfer-Encoding or Host");
		return queue(r);
	}
	if (head_over(h, r)) {
		refuse(r, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE,
		    "headers_too_large", "request line and headers too large");
		return queue(r);
	}
	h->app.begin(h->app.ctx, r);
	if (r->resp == NULL && r->mode != BODY_STREAM &&
	    length_over(r, r->body.max))
		refuse(r, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
		    r->mode == BODY_NONE ? "this request takes no body" :
		    "request body too large");
	return r->resp != NULL ? queue(r) : MHD_YES;
}

/* A piece of the body. */
static enum MHD_Result
on_piece(struct cxv_http *h, struct cxv_http_req *r, const char *data,
    size_t len)
{
	int rc;

	if (r->queued || r->resp != NULL)
		return queue(r);
	if (cxv_now_ms() - r->started_ms > h->time_limit_ms)
		refuse(r, MHD_HTTP_REQUEST_TIMEOUT, "timeout",
		    "request body too slow");
	else if (r->mode == BODY_STREAM)
		h->app.piece(h->app.ctx, r, data, len);
	else if (r->mode == BODY_DISCARD)
		;
	else if ((rc = cxv_buf_add(&r->body, data, len)) == CXV_ERR_TOO_LARGE) {
		cxv_buf_free(&r->body);
		r->mode = BODY_DISCARD;
	} else if (rc != CXV_OK)
		refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, cxv_errcode(rc),
		    "out of memory");
	return r->resp != NULL ? queue(r) : MHD_YES;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct cxv_http *h = cls;
	struct cxv_http_req *r = *con_cls;
	size_t n;

	(void)version;
	if (r == NULL) {
		if ((r = req_new(h, c, url, method)) == NULL)
			return MHD_NO;
		*con_cls = r;
		return on_headers(h, r);
	}
	if (*upload_size > 0) {
		n = *upload_size;
		*upload_size = 0;
		return on_piece(h, r, upload, n);
	}
	if (r->queued)
		return MHD_YES;
	/* Deferred: here again once resumed, its response set. */
	if (r->deferred)
		return r->resp != NULL ? queue(r) : MHD_YES;
	if (r->resp == NULL && r->mode == BODY_DISCARD)
		refuse(r, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
		    "request body too large");
	if (r->resp == NULL)
		h->app.end(h->app.ctx, r);
	if (r->deferred)
		return MHD_YES;	/* the response is another thread's to set */
	if (r->resp == NULL)
		refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "no response");
	return queue(r);
}

void
cxv_http_defer(struct cxv_http_req *r)
{
	r->deferred = 1;
	MHD_suspend_connection(r->c);
}

void
cxv_http_resume(struct cxv_http_req *r)
{
	if (r->resp == NULL)
		refuse(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
		    "no response");
	MHD_resume_connection(r->c);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct cxv_http *h = cls;
	struct cxv_http_req *r = *con_cls;
	size_t i;

	(void)toe;
	if (r == NULL)
		return;
	h->app.done(h->app.ctx, r);
	if (r->resp != NULL)
		MHD_destroy_response(r->resp);
	for (i = 0; i < r->nheaders; i++) {
		free(r->hname[i]);
		free(r->hvalue[i]);
	}
	cxv_buf_free(&r->body);
	free(r);
	*con_cls = NULL;
	conn_set_idle(h, c, 1);
}

static void
reaper_stop(struct cxv_http *h)
{
	pthread_mutex_lock(&h->lock);
	h->stopping = 1;
	pthread_cond_signal(&h->wake);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->reaper, NULL);
	pthread_cond_destroy(&h->wake);
}

int
cxv_http_start(const struct cxv_http_opts *o, const struct cxv_http_app *app,
    struct cxv_http **out, char *why, size_t whylen)
{
	struct cxv_http *h;

	*out = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return CXV_ERR_NOMEM;
	h->app = *app;
	h->time_limit_ms = 4000LL * o->timeout_s;
	h->head_max = o->header_mem / 3;
	if (pthread_mutex_init(&h->lock, NULL) != 0) {
		free(h);
		return CXV_ERR_NOMEM;
	}
	if (pthread_cond_init(&h->wake, NULL) != 0) {
		pthread_mutex_destroy(&h->lock);
		free(h);
		return CXV_ERR_NOMEM;
	}
	if (pthread_create(&h->reaper, NULL, reaper, h) != 0) {
		snprintf(why, whylen, "cannot start the HTTPS server's timer");
		pthread_cond_destroy(&h->wake);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return CXV_ERR_NOMEM;
	}
	/* poll(), not epoll: with MHD_USE_EPOLL, libmicrohttpd 0.9.75
	 * spins on a TLS handshake whose client stalls (see
	 * docs/architecture.md). */
	h->d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC |
	    MHD_USE_TLS | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_LISTEN_SOCKET, o->listen_fd,
	    MHD_OPTION_HTTPS_MEM_CERT, o->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, o->key,
	    MHD_OPTION_HTTPS_PRIORITIES, cxv_tls_priorities,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->workers,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)o->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->header_mem,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
#if MHD_VERSION >= 0x01000000
	    /* Bare LF line ends and folded headers refused too (1.0 on). */
	    MHD_OPTION_CLIENT_DISCIPLINE_LVL, 2,
#endif
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(why, whylen, "cannot start the HTTPS server (TLS "
		    "certificate and key, or options)");
		reaper_stop(h);
		pthread_mutex_destroy(&h->lock);
		free(h);
		return CXV_ERR_INVALID;
	}
	*out = h;
	return CXV_OK;
}

void
cxv_http_quiesce(struct cxv_http *h)
{
	(void)MHD_quiesce_daemon(h->d);
}

unsigned
cxv_http_busy(struct cxv_http *h)
{
	return atomic_load(&h->busy);
}

void
cxv_http_stop(struct cxv_http *h)
{
	if (h == NULL)
		return;
	reaper_stop(h);
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

const char *
cxv_http_method(const struct cxv_http_req *r)
{
	return r->method;
}

const char *
cxv_http_path(const struct cxv_http_req *r)
{
	return r->path;
}

unsigned
cxv_http_status(const struct cxv_http_req *r)
{
	return r->status;
}

const char *
cxv_http_query(struct cxv_http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->c, MHD_GET_ARGUMENT_KIND, name);
}

const char *
cxv_http_header(struct cxv_http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->c, MHD_HEADER_KIND, name);
}

const struct sockaddr *
cxv_http_client(struct cxv_http_req *r)
{
	const union MHD_ConnectionInfo *i = MHD_get_connection_info(r->c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	return i != NULL ? i->client_addr : NULL;
}

void
cxv_http_set_data(struct cxv_http_req *r, void *data)
{
	r->data = data;
}

void *
cxv_http_data(struct cxv_http_req *r)
{
	return r->data;
}

void
cxv_http_buffer_body(struct cxv_http_req *r, size_t max)
{
	r->mode = BODY_BUFFER;
	cxv_buf_init(&r->body, max);
}

int
cxv_http_stream_body(struct cxv_http_req *r, uint64_t max)
{
	if (length_over(r, max)) {
		refuse(r, MHD_HTTP_CONTENT_TOO_LARGE, "too_large",
		    "request body too large");
		return CXV_ERR_TOO_LARGE;
	}
	r->mode = BODY_STREAM;
	return CXV_OK;
}

const char *
cxv_http_body(struct cxv_http_req *r, size_t *len)
{
	*len = r->body.len;
	return r->body.p != NULL ? r->body.p : "";
}

int
cxv_http_responded(const struct cxv_http_req *r)
{
	return r->resp != NULL || r->queued;
}
