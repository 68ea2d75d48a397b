/* SPDX-License-Identifier: Apache-2.0 */
/* Syslog over TLS to a collector; see logfwd.h. */
#include "net/logfwd.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/netaddr.h"
#include "base/util.h"
#include "core/log.h"
#include "net/tls_client.h"

#define QUEUE_LINES	16384		/* bounded: oldest dropped beyond */
#define IO_TIMEOUT_S	10
#define PAUSE_MIN_MS	500
#define PAUSE_MAX_MS	30000
#define FACILITY	16		/* local0 */

struct cxv_logfwd {
	char host[CXV_NET_HOST_MAX], port[6], me[64];
	struct cxv_tls_client *tls;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *q[QUEUE_LINES];		/* ring of framed messages */
	size_t head, n;
	unsigned long long dropped;
	int stop;
	struct timespec deadline;	/* of the final flush */
	/* The thread's own. */
	int fd;
	gnutls_session_t s;
	int failing;
};

/* RFC 5424 severity of a cxvault level. */
static int
severity(int level)
{
	return level <= CXV_LOG_ERROR ? 3 : level == CXV_LOG_WARN ? 4 :
	    level < CXV_LOG_DEBUG ? 6 : 7;
}

/* "LEN <PRI>1 TIMESTAMP HOST cxvault PID - - MSG" (RFC 5425 framing). */
static char *
frame(const struct cxv_logfwd *f, int level, const char *line, size_t len)
{
	const char *sp = memchr(line, ' ', len);
	char head[160], *out;
	size_t tlen = sp != NULL ? (size_t)(sp - line) : 0, hl, ml;
	int n;

	if (sp == NULL || tlen == 0 || tlen > 40)
		return NULL;
	n = snprintf(head, sizeof(head), "<%d>1 %.*s %s cxvault %ld - - ",
	    FACILITY * 8 + severity(level), (int)tlen, line, f->me,
	    (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(head))
		return NULL;
	hl = (size_t)n;
	ml = len - tlen - 1;
	if ((out = malloc(24 + hl + ml)) == NULL)
		return NULL;
	n = snprintf(out, 24, "%zu ", hl + ml);
	memcpy(out + n, head, hl);
	memcpy(out + n + hl, sp + 1, ml);
	out[n + hl + ml] = '\0';
	return out;
}

void
cxv_logfwd_line(void *ctx, int level, const char *line, size_t len)
{
	struct cxv_logfwd *f = ctx;
	char *m = frame(f, level, line, len);

	if (m == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	if (f->n == QUEUE_LINES) {
		cxv_freezero(f->q[f->head], strlen(f->q[f->head]));
		f->head = (f->head + 1) % QUEUE_LINES;
		f->n--;
		f->dropped++;
	}
	f->q[(f->head + f->n++) % QUEUE_LINES] = m;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void
disconnect(struct cxv_logfwd *f)
{
	cxv_tls_client_hang_up(&f->s, &f->fd);
}

/* Connect and verify the collector; why names the failure. */
static int
connect_tls(struct cxv_logfwd *f, const char **why)
{
	int r;

	*why = "cannot connect";
	if ((f->fd = cxv_net_dial(f->host, f->port, IO_TIMEOUT_S * 1000)) <
	    0)
		return CXV_ERR_IO;
	if ((r = cxv_tls_client_connect(f->tls, f->fd, f->host,
	    IO_TIMEOUT_S * 1000, &f->s, why)) != CXV_OK)
		disconnect(f);
	return r;
}

static int
send_all(struct cxv_logfwd *f, const char *m)
{
	size_t len = strlen(m), off = 0;
	ssize_t w;

	while (off < len) {
		w = gnutls_record_send(f->s, m + off, len - off);
		if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
			continue;
		if (w <= 0)
			return CXV_ERR_IO;
		off += (size_t)w;
	}
	return CXV_OK;
}

/* Wait for a line (or the end); NULL when the thread is to finish. */
static char *
next_line(struct cxv_logfwd *f, unsigned long long *dropped)
{
	struct timespec now;
	char *m = NULL;

	pthread_mutex_lock(&f->mu);
	while (!f->stop && f->n == 0)
		pthread_cond_wait(&f->cv, &f->mu);
	clock_gettime(CLOCK_REALTIME, &now);
	if (f->n > 0 && (!f->stop || now.tv_sec < f->deadline.tv_sec ||
	    (now.tv_sec == f->deadline.tv_sec &&
	    now.tv_nsec < f->deadline.tv_nsec))) {
		m = f->q[f->head];
		f->head = (f->head + 1) % QUEUE_LINES;
		f->n--;
	}
	*dropped = f->dropped;
	f->dropped = 0;
	pthread_mutex_unlock(&f->mu);
	return m;
}

/* Sleep ms, or less if stopping. Returns non-zero once stopping. */
static int
pause_ms(struct cxv_logfwd *f, int ms)
{
	struct timespec until = cxv_deadline_ms(ms);
	int stop;

	pthread_mutex_lock(&f->mu);
	if (!f->stop)
		(void)pthread_cond_timedwait(&f->cv, &f->mu, &until);
	stop = f->stop;
	pthread_mutex_unlock(&f->mu);
	return stop;
}

/* Deliver m: connect if needed, once; the caller retries later. */
static int
deliver(struct cxv_logfwd *f, const char *m)
{
	const char *why = NULL;
	int r;

	if (f->s == NULL && (r = connect_tls(f, &why)) != CXV_OK) {
		/* Said once per outage; never under f->mu (the log calls us). */
		if (!f->failing)
			CXV_LOG(CXV_LOG_ERROR, "logfwd.connect", CXV_LF("target",
			    f->host), CXV_LF("result", cxv_errcode(r)),
			    CXV_LF("why", why));
		f->failing = 1;
		return r;
	}
	if ((r = send_all(f, m)) != CXV_OK) {
		disconnect(f);
		return r;
	}
	if (f->failing)
		CXV_LOG(CXV_LOG_INFO, "logfwd.connect", CXV_LF("target", f->host),
		    CXV_LF("result", "ok"));
	f->failing = 0;
	return CXV_OK;
}

static void *
run(void *arg)
{
	struct cxv_logfwd *f = arg;
	unsigned long long dropped = 0, d;
	char *m, count[24];
	int pause = PAUSE_MIN_MS;

	while ((m = next_line(f, &d)) != NULL) {
		dropped += d;
		while (deliver(f, m) != CXV_OK) {
			if (pause_ms(f, pause)) {
				/* Stopping with the collector away: give up. */
				cxv_freezero(m, strlen(m));
				disconnect(f);
				return NULL;
			}
			pause = pause * 2 < PAUSE_MAX_MS ? pause * 2 : PAUSE_MAX_MS;
		}
		pause = PAUSE_MIN_MS;
		cxv_freezero(m, strlen(m));
		if (dropped > 0 && f->s != NULL) {
			snprintf(count, sizeof(count), "%llu", dropped);
			dropped = 0;
			CXV_LOG(CXV_LOG_WARN, "logfwd.dropped", CXV_LF("lines",
			    count));
		}
	}
	disconnect(f);
	return NULL;
}

int
cxv_logfwd_start(const char *target, const char *ca_file,
    struct cxv_logfwd **out, char *why, size_t whylen)
{
	struct cxv_logfwd *f;
	int r;

	*out = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return CXV_ERR_NOMEM;
	f->fd = -1;
	if (cxv_net_hostport_parse(target, f->host, f->port) != CXV_OK) {
		snprintf(why, whylen, "log_forward must be HOST:PORT");
		free(f);
		return CXV_ERR_INVALID;
	}
	if (gethostname(f->me, sizeof(f->me) - 1) != 0 || f->me[0] == '\0')
		snprintf(f->me, sizeof(f->me), "-");
	if ((r = cxv_tls_client_new(ca_file, &f->tls, why, whylen)) != CXV_OK) {
		free(f);
		return r;
	}
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	if (pthread_create(&f->thread, NULL, run, f) != 0) {
		cxv_tls_client_free(f->tls);
		free(f);
		return CXV_ERR_NOMEM;
	}
	*out = f;
	return CXV_OK;
}

void
cxv_logfwd_stop(struct cxv_logfwd *f, int wait_ms)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	f->deadline = cxv_deadline_ms(wait_ms);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	while (f->n > 0) {
		cxv_freezero(f->q[f->head], strlen(f->q[f->head]));
		f->head = (f->head + 1) % QUEUE_LINES;
		f->n--;
	}
	cxv_tls_client_free(f->tls);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f);
}
