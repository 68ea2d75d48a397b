/* SPDX-License-Identifier: Apache-2.0 */
/* The server's life: sockets, threads' vaults, signals; see server.h. */
#include "server.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "caps.h"
#include "config.h"
#include "err.h"
#include "http.h"
#include "log.h"
#include "net.h"
#include "store.h"
#include "tls.h"
#include "util.h"
#include "vault.h"

#define SWEEP_S		60	/* expired sessions are deleted this often */
#define HEADER_MEM	((size_t)64 * 1024)	/* per connection: headers fit */

struct server {
	struct cxv_vault *v;		/* the caller's: maintenance */
	struct cxv_vault **pool;	/* clones, one per request at a time */
	size_t npool;
	struct cxv_api *api;
	struct cxv_http *http;
	int fd;
};

static int
listen_on(const char *addr, int *fd, char *why, size_t whylen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	if (cxv_net_listen_parse(addr, &ss, &len) != CXV_OK) {
		snprintf(why, whylen, "listen address must be ADDR:PORT");
		return CXV_ERR_INVALID;
	}
	if ((*fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (ss.ss_family == AF_INET6 && setsockopt(*fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(*fd, (struct sockaddr *)&ss, len) != 0 || listen(*fd, 128) != 0) {
		snprintf(why, whylen, "cannot listen on %s: %s", addr,
		    strerror(errno));
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return CXV_ERR_IO;
	}
	return CXV_OK;
}

/* The configured certificate and key, else the vault's own. */
static int
tls_paths(struct cxv_vault *v, char cert[PATH_MAX], char key[PATH_MAX])
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	int r;

	if (*cfg->tls_cert != '\0')
		snprintf(cert, PATH_MAX, "%s", cfg->tls_cert);
	else if ((r = cxv_vault_path(v, CXV_VAULT_TLS_CERT, cert, PATH_MAX)) !=
	    CXV_OK)
		return r;
	if (*cfg->tls_key != '\0')
		snprintf(key, PATH_MAX, "%s", cfg->tls_key);
	else if ((r = cxv_vault_path(v, CXV_VAULT_TLS_KEY, key, PATH_MAX)) !=
	    CXV_OK)
		return r;
	/* A vault made before HTTPS existed gets its certificate now. */
	if (*cfg->tls_cert == '\0' && access(cert, F_OK) != 0 &&
	    access(key, F_OK) != 0)
		return cxv_tls_make_self_signed(cert, key, NULL, 0);
	return CXV_OK;
}

/* Start an HTTPS daemon on the socket with the current certificate. */
static int
start_http(struct server *s, struct cxv_http **out, char *why, size_t whylen)
{
	const struct cxv_config *cfg = cxv_vault_config(s->v);
	char cert_path[PATH_MAX], key_path[PATH_MAX], *cert = NULL, *key = NULL;
	struct cxv_http_opts o;
	struct cxv_http_app app;
	size_t keylen = 0;
	int r;

	if ((r = tls_paths(s->v, cert_path, key_path)) != CXV_OK) {
		snprintf(why, whylen, "TLS certificate: %s", cxv_strerror(r));
		return r;
	}
	if ((r = cxv_tls_load(cert_path, key_path, &cert, &key, &keylen, why,
	    whylen)) != CXV_OK)
		return r;
	o = (struct cxv_http_opts){ s->fd, cert, key, cfg->http_workers,
	    cfg->http_max_connections, cfg->http_max_connections_per_ip,
	    cfg->http_timeout_s, HEADER_MEM };
	cxv_api_app(s->api, &app);
	r = cxv_http_start(&o, &app, out, why, whylen);
	free(cert);
	cxv_freezero(key, keylen + 1);
	return r;
}

/* Let a quiesced daemon finish its requests, at most timeout seconds. */
static void
drain(struct cxv_http *h, int timeout_s)
{
	struct timespec ts = { 0, 50000000L };
	long waited_ms = 0;

	while (cxv_http_connections(h) > 0 && waited_ms < 1000L * timeout_s) {
		nanosleep(&ts, NULL);
		waited_ms += 50;
	}
}

/* SIGHUP: a new daemon with the new certificate, the old one drained. */
static void
reload(struct server *s)
{
	struct cxv_http *fresh = NULL;
	char why[CXV_WHY_MAX] = "";

	if (start_http(s, &fresh, why, sizeof(why)) != CXV_OK) {
		CXV_LOG(CXV_LOG_ERROR, "server.reload", CXV_LF("result",
		    "failed"), CXV_LF("why", why));
		return;
	}
	cxv_http_quiesce(s->http);
	drain(s->http, cxv_vault_config(s->v)->http_timeout_s);
	cxv_http_stop(s->http);
	s->http = fresh;
	CXV_LOG(CXV_LOG_INFO, "server.reload", CXV_LF("result", "ok"));
}

static int
make_pool(struct server *s)
{
	size_t i;
	int r;

	s->npool = 2 * (size_t)cxv_vault_config(s->v)->http_workers + 2;
	if ((s->pool = calloc(s->npool, sizeof(struct cxv_vault *))) == NULL)
		return CXV_ERR_NOMEM;
	for (i = 0; i < s->npool; i++)
		if ((r = cxv_vault_clone(s->v, &s->pool[i])) != CXV_OK)
			return r;
	return cxv_api_new(s->pool, s->npool, &s->api);
}

static void
free_pool(struct server *s)
{
	size_t i;

	cxv_api_free(s->api);
	for (i = 0; s->pool != NULL && i < s->npool; i++)
		cxv_vault_close(s->pool[i]);
	free(s->pool);
}

/* Wait for signals; sweep expired sessions now and then. */
static void
serve(struct server *s, const sigset_t *set)
{
	struct timespec sweep = { SWEEP_S, 0 };
	int sig;

	for (;;) {
		sig = sigtimedwait(set, NULL, &sweep);
		if (sig == SIGHUP)
			reload(s);
		else if (sig == SIGTERM || sig == SIGINT)
			return;
		else if (sig < 0 && errno == EAGAIN)
			(void)cxv_store_session_expire(cxv_vault_store(s->v),
			    cxv_now_ms());
	}
}

int
cxv_server_run(struct cxv_vault *v, const char *listen, char *why,
    size_t whylen)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct server s = { v, NULL, 0, NULL, NULL, -1 };
	sigset_t set, old;
	int r;

	/* Server threads inherit the mask: only this thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if ((r = make_pool(&s)) != CXV_OK)
		snprintf(why, whylen, "database handles: %s", cxv_strerror(r));
	else if ((r = listen_on(listen ? listen : cfg->listen, &s.fd, why,
	    whylen)) == CXV_OK &&
	    (r = start_http(&s, &s.http, why, whylen)) == CXV_OK) {
		CXV_LOG(CXV_LOG_INFO, "server.start", CXV_LF("listen",
		    listen ? listen : cfg->listen));
		fprintf(stderr, "cxvault: serving https://%s\n",
		    listen ? listen : cfg->listen);
		serve(&s, &set);
		cxv_http_quiesce(s.http);
		drain(s.http, cfg->http_timeout_s);
		cxv_http_stop(s.http);
		(void)cxv_store_checkpoint(cxv_vault_store(v));
		CXV_LOG(CXV_LOG_INFO, "server.stop", CXV_LF("result", "ok"));
	}
	if (s.fd >= 0)
		close(s.fd);
	free_pool(&s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}
