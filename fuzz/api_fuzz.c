/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: request bodies of the REST API, through the real
 * HTTPS server and API over a vault made once in a temporary directory.
 * Input: [route][id][who][body...]: the route (any of the table but the
 * few that would end the fuzzer's own sessions), a record id for its
 * {id}, an administrator's or a DPO's token, and the body as sent. Every
 * answer must be a status below 500, and every refusal JSON with a
 * stable error code.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <jansson.h>

#include "api/api.h"
#include "api/auth.h"
#include "base/caps.h"
#include "base/err.h"
#include "core/tls.h"
#include "net/http.h"
#include "net/tls_client.h"
#include "records/profile.h"
#include "records/user.h"
#include "records/vault.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define POOL	4
#define REPLY_MAX	(1 << 20)

/* Routes that would log the fuzzer out or rewrite its configuration. */
static const char *const spared[] = { "/v1/session", "/v1/session/password",
    "/v1/users/{id}/sessions", "/v1/users/{id}/status",
    "/v1/users/{id}/anonymize", "/v1/users/{id}/login", "/v1/retention",
    "/v1/logs/purge", NULL };

/* Kept for the process's life (and so not leaks). */
static struct cxv_vault *vault;
static struct cxv_api *api;
static struct cxv_http *http;
static struct cxv_tls_client *client;
static char tokens[2][CXV_TOKEN_STR];
static int port;
static size_t routes[128], nroutes;

static void
need(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "api_fuzz: %s\n", what);
		abort();
	}
}

static int
is_spared(const char *path)
{
	size_t i;

	for (i = 0; spared[i] != NULL; i++)
		if (strcmp(spared[i], path) == 0)
			return 1;
	return 0;
}

/* A user with a login of profile, and a token for it. */
static void
make_token(struct cxv_vault *v, const char *logon, int profile,
    char token[CXV_TOKEN_STR])
{
	const char *why = NULL;
	int64_t id = 0, expires = 0;

	need(cxv_user_add(v, logon, CXV_USER_LOCAL, NULL, 0, 0, &id, &why) ==
	    CXV_OK && cxv_auth_grant(v, id, profile) == CXV_OK &&
	    cxv_auth_token_create(v, id, UINT64_MAX, 30, token, &expires) ==
	    CXV_OK, "token");
}

/* The real server on a loopback port, as cxvault serve runs it. */
static void
start_server(const char *dir, struct cxv_vault *v)
{
	static struct cxv_vault *pool[POOL];
	struct sockaddr_in sa;
	struct cxv_http_opts o;
	struct cxv_http_app app;
	socklen_t len = sizeof(sa);
	char cert[256], key[256], why[CXV_WHY_MAX], *pem = NULL, *kpem = NULL;
	size_t keylen = 0, i;
	int fd;

	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	need(cxv_tls_make_self_signed(cert, key, why, sizeof(why)) == CXV_OK &&
	    cxv_tls_load(cert, key, &pem, &kpem, &keylen, why, sizeof(why)) ==
	    CXV_OK, "certificate");
	for (i = 0; i < POOL; i++)
		need(cxv_vault_clone(v, &pool[i]) == CXV_OK, "clone");
	need(cxv_api_new(pool, POOL, &api) == CXV_OK, "api");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	need((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0 &&
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    listen(fd, 16) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0, "listen");
	port = ntohs(sa.sin_port);
	o = (struct cxv_http_opts){ fd, pem, kpem, 2, 64, 64, 10, 65536 };
	cxv_api_app(api, &app);
	need(cxv_http_start(&o, &app, &http, why, sizeof(why)) == CXV_OK,
	    "https");
	free(pem);
	free(kpem);
	need(cxv_tls_client_new(cert, &client, why, sizeof(why)) == CXV_OK,
	    "client");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/cxv-fuzz-api-XXXXXX", sub[64], why[CXV_WHY_MAX];
	struct cxv_api_route_info ri;
	size_t i;

	(void)argc;
	(void)argv;
	need(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(sub, sizeof(sub), "%s/v", dir);
	need(cxv_vault_init(sub, NULL, NULL, NULL, 0, "fuzz", why,
	    sizeof(why)) == CXV_OK &&
	    cxv_vault_open(sub, NULL, 0, "fuzz", &vault, why, sizeof(why)) ==
	    CXV_OK, "vault");
	make_token(vault, "fuzzadmin", CXV_PROFILE_ADMINISTRATOR, tokens[0]);
	make_token(vault, "fuzzdpo", CXV_PROFILE_AUDITOR, tokens[1]);
	start_server(dir, vault);
	for (i = 0; i < cxv_api_route_count() && nroutes < 128; i++) {
		cxv_api_route(i, &ri);
		if (!is_spared(ri.path))
			routes[nroutes++] = i;
	}
	return 0;
}

/* "POST /v1/x/7/y HTTP/1.1" with {id} replaced. */
static void
request_line(const struct cxv_api_route_info *ri, unsigned id, char *out,
    size_t cap)
{
	const char *at = strstr(ri->path, "{id}");

	if (at == NULL)
		snprintf(out, cap, "%s %s", ri->method, ri->path);
	else
		snprintf(out, cap, "%s %.*s%u%s", ri->method,
		    (int)(at - ri->path), ri->path, id, at + 4);
}

/* One keep-alive connection, made again when the server closes it. */
static gnutls_session_t session;
static int session_fd = -1;

static void
hang_up(void)
{
	if (session_fd < 0)
		return;
	gnutls_deinit(session);
	close(session_fd);
	session_fd = -1;
}

static void
dial(void)
{
	struct sockaddr_in sa;
	const char *why = NULL;
	int one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* No Nagle: a request's records must not wait for delayed ACKs. */
	need((session_fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0 &&
	    setsockopt(session_fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one)) == 0 &&
	    connect(session_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
	    "connect");
	need(cxv_tls_client_connect(client, session_fd, "127.0.0.1", 10000,
	    &session, &why) == CXV_OK, "handshake");
}

/* More of the answer into reply[*got...]; 0 at the end of the stream. */
static int
more(char *reply, size_t *got)
{
	ssize_t n;

	if (*got >= REPLY_MAX - 1)
		return 0;
	n = gnutls_record_recv(session, reply + *got, REPLY_MAX - 1 - *got);
	if (n <= 0)
		return 0;
	*got += (size_t)n;
	reply[*got] = '\0';
	return 1;
}

/* Is a chunked body complete from body on? */
static int
chunks_done(const char *body, const char *end)
{
	unsigned long len;
	char *after;

	while (body < end) {
		len = strtoul(body, &after, 16);
		if (after == body || (after = strstr(after, "\r\n")) == NULL)
			return 0;
		if (len == 0)
			return strstr(after, "\r\n\r\n") != NULL ||
			    strncmp(after, "\r\n\r\n", 4) == 0;
		body = after + 2 + len + 2;
	}
	return 0;
}

/* Send the request and read one whole answer (framed, or to the end). */
static void
exchange(const char *head, const uint8_t *body, size_t blen, char *reply)
{
	size_t got = 0, want;
	const char *hdr_end = NULL, *cl;
	int open = 1, chunked;

	if (session_fd < 0)
		dial();
	reply[0] = '\0';
	if (gnutls_record_send(session, head, strlen(head)) <= 0 ||
	    (blen > 0 && gnutls_record_send(session, body, blen) <= 0)) {
		hang_up();	/* refused early: the answer may be lost */
		dial();
		need(gnutls_record_send(session, head, strlen(head)) > 0, "send");
		if (blen > 0)
			(void)gnutls_record_send(session, body, blen);
	}
	while (open && (hdr_end = strstr(reply, "\r\n\r\n")) == NULL)
		open = more(reply, &got);
	if (hdr_end == NULL) {
		hang_up();
		return;
	}
	cl = strcasestr(reply, "\r\ncontent-length:");
	chunked = strcasestr(reply, "\r\ntransfer-encoding: chunked") != NULL;
	if (cl != NULL && cl < hdr_end) {
		want = (size_t)(hdr_end + 4 - reply) + strtoul(cl + 17, NULL, 10);
		while (open && got < want)
			open = more(reply, &got);
	} else if (chunked) {
		while (open && !chunks_done(hdr_end + 4, reply + got))
			open = more(reply, &got);
	} else {
		while (open)
			open = more(reply, &got);
	}
	if (!open || strcasestr(reply, "\r\nconnection: close") != NULL)
		hang_up();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char reply[REPLY_MAX];
	struct cxv_api_route_info ri;
	char line[256], head[768];
	const char *body;
	json_t *doc;
	unsigned status = 0;

	if (size < 3 || size > 65536)
		return 0;
	cxv_api_route(routes[data[0] % nroutes], &ri);
	request_line(&ri, 1u + data[1] % 8u, line, sizeof(line));
	snprintf(head, sizeof(head), "%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\n\r\n", line,
	    tokens[data[2] & 1], data[2] & 2 ? "application/octet-stream" :
	    "application/json", size - 3);
	exchange(head, data + 3, size - 3, reply);
	need(sscanf(reply, "HTTP/1.1 %u", &status) == 1, "no status line");
	if (status >= 500) {
		fprintf(stderr, "api_fuzz: %s answered %u\n", line, status);
		abort();
	}
	body = strstr(reply, "\r\n\r\n");
	if (status >= 400 && body != NULL) {
		doc = json_loads(body + 4, 0, NULL);
		need(json_is_string(json_object_get(json_object_get(doc,
		    "error"), "code")), "a refusal without an error code");
		json_decref(doc);
	}
	return 0;
}
