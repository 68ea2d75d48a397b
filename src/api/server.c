/* SPDX-License-Identifier: Apache-2.0 */
/* The server's life: sockets, threads' vaults, signals; see server.h. */
#include "api/server.h"

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

#include "api/api.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/netaddr.h"
#include "base/util.h"
#include "core/config.h"
#include "core/journal.h"
#include "core/log.h"
#include "core/tls.h"
#include "net/ami.h"
#include "net/http.h"
#include "net/ldapauth.h"
#include "net/logfwd.h"
#include "net/notify.h"
#include "net/sandbox.h"
#include "net/vmmail.h"
#include "records/vault.h"
#include "records/worker.h"
#include "rights/erase.h"
#include "rights/maint.h"
#include "store/store.h"

#define SWEEP_S		60	/* expired sessions are deleted this often */
/*
 * Per connection: request headers, the response's header and the upload
 * buffer; a third of it for the request's line and headers (http.c).
 * libmicrohttpd zeroes all of it after every request, so its size is
 * paid on each one (64 KB: ~15 % of a small GET's instructions).
 */
#define HEADER_MEM	((size_t)32 * 1024)
#define DRAIN_STEP_MS	50	/* a reload looks at the old daemon this often */
#define QUIET_MS	200	/* ... until it has been idle this long */

/*
 * What serves requests: vault handles (clones, one per request at a
 * time), the API over them, the HTTPS daemon. A reload makes a new
 * generation with the new configuration and certificate, then drains
 * the old one: the listening socket is never closed.
 */
struct generation {
	struct cxv_vault **pool;
	size_t npool;
	struct cxv_api *api;
	struct cxv_http *http;
};

struct server {
	struct cxv_vault *v;		/* the caller's: maintenance, clones */
	struct generation *gen;
	int fd;
	struct cxv_maint *maint;
	struct cxv_logfwd *fwd;
	struct cxv_worker *mail;
	struct cxv_shredder *shredder;	/* erased keys out of the files */
	struct cxv_journal *journal;	/* the reads served, DESIGN 5 */
	struct cxv_vault *mover;	/* its handle into the trail */
	struct cxv_ami *ami;		/* the Asterisk feeds (issue 27) */
};

/*
 * The audit journal of the reads served, with a mover of its own. If
 * another server of the vault appends to it, reads are recorded in
 * transactions of their own.
 */
static int
journal_start(struct server *s, char *why, size_t whylen)
{
	char path[PATH_MAX];
	int r;

	if ((r = cxv_vault_path(s->v, CXV_JOURNAL_FILE, path, sizeof(path))) ==
	    CXV_OK && (r = cxv_vault_clone(s->v, &s->mover)) == CXV_OK)
		r = cxv_journal_open(path, cxv_vault_store(s->mover),
		    cxv_vault_keyring(s->mover), &s->journal);
	if (r == CXV_ERR_BUSY) {
		CXV_LOG(CXV_LOG_WARN, "audit.journal", CXV_LF("hint",
		    "another server appends to it: reads audited one by one"));
		return CXV_OK;
	}
	if (r == CXV_OK && (r = cxv_journal_start(s->journal,
	    cxv_vault_store(s->mover))) == CXV_OK) {
		cxv_vault_set_journal(s->v, s->journal);
		return CXV_OK;
	}
	snprintf(why, whylen, "audit journal: %s", cxv_strerror(r));
	return r;
}

/* After the last request: what is left goes into the trail. */
static void
journal_stop(struct server *s)
{
	cxv_vault_set_journal(s->v, NULL);
	cxv_journal_close(s->journal);
	s->journal = NULL;
	cxv_vault_close(s->mover);
	s->mover = NULL;
}

/* R8.5: forward the log to a collector, if configured. */
static int
forward_start(struct server *s, char *why, size_t whylen)
{
	const struct cxv_config *cfg = cxv_vault_config(s->v);
	int r;

	if (cfg->log_forward[0] == '\0')
		return CXV_OK;
	if ((r = cxv_logfwd_start(cfg->log_forward, cfg->tls_client_ca,
	    &s->fwd, why, whylen)) == CXV_OK)
		cxv_log_set_sink(cxv_logfwd_line, s->fwd);
	return r;
}

static void
forward_stop(struct server *s)
{
	if (s->fwd == NULL)
		return;
	cxv_log_set_sink(NULL, NULL);
	cxv_logfwd_stop(s->fwd, 2000);
	s->fwd = NULL;
}

/* An API request rewrote cxvault.conf: reload as for an operator's HUP. */
static void
request_reload(void *ctx)
{
	(void)ctx;
	(void)kill(getpid(), SIGHUP);
}

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
start_http(struct server *s, struct generation *g, char *why, size_t whylen)
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
	cxv_api_app(g->api, &app);
	r = cxv_http_start(&o, &app, &g->http, why, whylen);
	free(cert);
	cxv_freezero(key, keylen + 1);
	return r;
}

/*
 * Let a quiesced daemon finish its connections' requests, at most
 * timeout seconds. A worker that took the listening socket's event just
 * before the quiesce may still accept one more connection, which the
 * stop would cut in its handshake: the count is trusted once it has
 * stayed at zero for QUIET_MS.
 */
static void
drain(struct cxv_http *h, int timeout_s)
{
	struct timespec ts = { 0, 1000000L * DRAIN_STEP_MS };
	long waited_ms = 0, quiet_ms = 0;

	while (quiet_ms < QUIET_MS && waited_ms < 1000L * timeout_s) {
		nanosleep(&ts, NULL);
		waited_ms += DRAIN_STEP_MS;
		quiet_ms = cxv_http_busy(h) > 0 ? 0 : quiet_ms + DRAIN_STEP_MS;
	}
}

/* Stop a generation's daemon (after draining it) and free it all. */
static void
generation_free(struct generation *g, int timeout_s)
{
	size_t i;

	if (g == NULL)
		return;
	if (g->http != NULL) {
		cxv_http_quiesce(g->http);
		drain(g->http, timeout_s);
		cxv_api_quiesce(g->api);
		cxv_http_stop(g->http);
	}
	cxv_api_free(g->api);
	for (i = 0; g->pool != NULL && i < g->npool; i++)
		cxv_vault_close(g->pool[i]);
	free(g->pool);
	free(g);
}

/* A generation serving s->v's configuration and certificate. */
static int
generation_new(struct server *s, struct generation **out, char *why,
    size_t whylen)
{
	struct generation *g;
	size_t i;
	int r = CXV_ERR_NOMEM;

	*out = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return r;
	g->npool = 2 * (size_t)cxv_vault_config(s->v)->http_workers + 2;
	if ((g->pool = calloc(g->npool, sizeof(struct cxv_vault *))) != NULL)
		for (i = 0, r = CXV_OK; r == CXV_OK && i < g->npool; i++)
			r = cxv_vault_clone(s->v, &g->pool[i]);
	if (r == CXV_OK && (r = cxv_api_new(g->pool, g->npool, &g->api)) ==
	    CXV_OK)
		cxv_api_on_config(g->api, request_reload, NULL);
	if (r != CXV_OK)
		snprintf(why, whylen, "database handles: %s", cxv_strerror(r));
	else
		r = start_http(s, g, why, whylen);
	if (r != CXV_OK) {
		generation_free(g, 0);
		return r;
	}
	*out = g;
	return CXV_OK;
}

/*
 * SIGHUP: cxvault.conf and the certificate again. A listen address or
 * key change needs a restart; a bad file leaves everything as it was.
 */
static void
reload_config(struct server *s)
{
	struct cxv_config old = *cxv_vault_config(s->v), cfg;
	struct generation *fresh = NULL;
	char path[PATH_MAX], why[CXV_WHY_MAX] = "";
	int r;

	if ((r = cxv_vault_path(s->v, "cxvault.conf", path, sizeof(path))) ==
	    CXV_OK && (r = cxv_config_load(path, &cfg, why, sizeof(why))) ==
	    CXV_OK && (r = cxv_ldap_config_check(&cfg, why, sizeof(why))) ==
	    CXV_OK && (r = cxv_vmmail_config_check(&cfg, why, sizeof(why))) ==
	    CXV_OK) {
		cxv_vault_set_config(s->v, &cfg);
		if ((r = generation_new(s, &fresh, why, sizeof(why))) != CXV_OK)
			cxv_vault_set_config(s->v, &old);
	}
	if (r != CXV_OK) {
		CXV_LOG(CXV_LOG_ERROR, "server.reload", CXV_LF("result",
		    cxv_errcode(r)), CXV_LF("why", why));
		return;
	}
	generation_free(s->gen, old.http_timeout_s);
	s->gen = fresh;
	CXV_LOG(CXV_LOG_INFO, "server.reload", CXV_LF("result", "ok"),
	    CXV_LF("listen_changed", strcmp(old.listen, cfg.listen) ?
	    "yes (needs a restart)" : "no"));
}

/* Issue 10: the configured user, then the system call filter. */
static int
give_up_privileges(struct cxv_vault *v, char *why, size_t whylen)
{
	char dir[PATH_MAX];
	int r;

	if ((r = cxv_vault_path(v, ".", dir, sizeof(dir))) != CXV_OK ||
	    (r = cxv_sandbox_drop(cxv_vault_config(v)->user, dir, why,
	    whylen)) != CXV_OK)
		return r;
	if (geteuid() == 0)
		CXV_LOG(CXV_LOG_WARN, "server.root", CXV_LF("hint",
		    "serving as root: set 'user' (docs/security.md)"));
	return cxv_sandbox_filter(why, whylen);
}

/* Wait for signals; sweep expired sessions now and then. */
static void
serve(struct server *s, const sigset_t *set)
{
	struct timespec sweep = { SWEEP_S, 0 };
	int sig;

	for (;;) {
		sig = sigtimedwait(set, NULL, &sweep);
		if (sig == SIGHUP) {
			/* systemd's ExecReload waits for READY again. */
			(void)cxv_notify("RELOADING=1");
			reload_config(s);
			(void)cxv_notify("READY=1");
		}
		else if (sig == SIGTERM || sig == SIGINT)
			return;
		else if (sig < 0 && errno == EAGAIN) {
			(void)cxv_store_session_expire(cxv_vault_store(s->v),
			    cxv_now_ms());
			cxv_maint_tick(s->maint, cxv_now_ms());
		}
	}
}

int
cxv_server_run(struct cxv_vault *v, const char *listen, char *why,
    size_t whylen)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	const char *addr = listen != NULL ? listen : cfg->listen;
	struct server s = { v, NULL, -1, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL };
	char beside[512], ready[320];
	sigset_t set, old;
	int r;

	/* Server threads inherit the mask: only this thread takes signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	/*
	 * The socket is bound and the master key read (the vault is open):
	 * privileges go before the first thread, which inherits the filter.
	 */
	/* Issue 27: from a database holding the vault and nothing else. */
	if ((r = cxv_vault_alone(v, beside, sizeof(beside), why, whylen)) ==
	    CXV_OK &&
	    (r = cxv_ldap_config_check(cfg, why, whylen)) == CXV_OK &&
	    (r = cxv_vmmail_config_check(cfg, why, whylen)) == CXV_OK &&
	    (r = listen_on(addr, &s.fd, why, whylen)) == CXV_OK &&
	    (r = cxv_ami_new(v, &s.ami, why, whylen)) == CXV_OK &&
	    (r = give_up_privileges(v, why, whylen)) == CXV_OK &&
	    (r = journal_start(&s, why, whylen)) == CXV_OK &&
	    (r = cxv_vmmail_sender_start(v, &s.mail)) == CXV_OK &&
	    (r = cxv_shredder_start(v, &s.shredder)) == CXV_OK &&
	    (r = forward_start(&s, why, whylen)) == CXV_OK &&
	    (r = cxv_maint_new(v, cxv_now_ms(), &s.maint)) == CXV_OK &&
	    (r = generation_new(&s, &s.gen, why, whylen)) == CXV_OK &&
	    (r = cxv_ami_start(s.ami)) == CXV_OK) {
		CXV_LOG(CXV_LOG_INFO, "server.start", CXV_LF("listen", addr));
		fprintf(stderr, "cxvault: serving https://%s\n", addr);
		/* Under systemd (Type=notify): ready now; no-op elsewhere. */
		snprintf(ready, sizeof(ready), "READY=1\nSTATUS=serving "
		    "https://%.256s", addr);
		(void)cxv_notify(ready);
		serve(&s, &set);
		(void)cxv_notify("STOPPING=1");
		cxv_ami_free(s.ami);
		s.ami = NULL;
		cxv_maint_free(s.maint);
		s.maint = NULL;
		generation_free(s.gen, cxv_vault_config(v)->http_timeout_s);
		cxv_worker_stop(s.mail);
		s.mail = NULL;
		cxv_shredder_stop(s.shredder);
		s.shredder = NULL;
		journal_stop(&s);
		(void)cxv_store_checkpoint(cxv_vault_store(v));
		CXV_LOG(CXV_LOG_INFO, "server.stop", CXV_LF("result", "ok"));
	}
	cxv_ami_free(s.ami);
	cxv_maint_free(s.maint);
	cxv_worker_stop(s.mail);
	cxv_shredder_stop(s.shredder);
	journal_stop(&s);
	forward_stop(&s);
	if (s.fd >= 0)
		close(s.fd);
	/* A HUP sent while starting must not kill us before we say why. */
	while (sigtimedwait(&set, NULL, &(struct timespec){ 0, 0 }) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}
