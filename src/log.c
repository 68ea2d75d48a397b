/* SPDX-License-Identifier: Apache-2.0 */
/* The program's logger; see log.h. */
#include "log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "err.h"
#include "caps.h"
#include "util.h"

static struct {
	pthread_mutex_t mu;
	int fd;
	int level;
	cxv_log_pseudonym_fn pseudonym;
	void *pseudonym_ctx;
} lg = { PTHREAD_MUTEX_INITIALIZER, -1, 0, NULL, NULL };

int
cxv_log_open(const char *path, int level)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);

	if (fd < 0)
		return CXV_ERR_IO;
	pthread_mutex_lock(&lg.mu);
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = fd;
	lg.level = level;
	pthread_mutex_unlock(&lg.mu);
	return CXV_OK;
}

void
cxv_log_set_pseudonymizer(cxv_log_pseudonym_fn fn, void *ctx)
{
	pthread_mutex_lock(&lg.mu);
	lg.pseudonym = fn;
	lg.pseudonym_ctx = ctx;
	pthread_mutex_unlock(&lg.mu);
}

void
cxv_log_close(void)
{
	pthread_mutex_lock(&lg.mu);
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = -1;
	lg.level = 0;
	lg.pseudonym = NULL;
	lg.pseudonym_ctx = NULL;
	pthread_mutex_unlock(&lg.mu);
}

void
cxv_log_set_level(int level)
{
	pthread_mutex_lock(&lg.mu);
	if (lg.fd >= 0)
		lg.level = level;
	pthread_mutex_unlock(&lg.mu);
}

/* A line under construction; overflow truncates, never overruns. */
struct line {
	char buf[CXV_LOG_LINE_MAX];
	size_t len;
};

static void
put(struct line *l, const char *s, size_t n)
{
	if (n > sizeof(l->buf) - 1 - l->len)
		n = sizeof(l->buf) - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* A value, quoted and escaped when it holds anything but plain bytes. */
static void
put_value(struct line *l, const char *v)
{
	char esc[8];
	const char *p;
	int quote = *v == '\0';

	for (p = v; *p != '\0' && !quote; p++)
		quote = (unsigned char)*p <= ' ' || *p == '"' || *p == '=' ||
		    *p == '\\' || *p == 0x7f;
	if (!quote) {
		put(l, v, strlen(v));
		return;
	}
	put(l, "\"", 1);
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			put(l, "\\", 1);
			put(l, p, 1);
		} else if ((unsigned char)*p < ' ' || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)*p);
			put(l, esc, 4);
		} else
			put(l, p, 1);
	}
	put(l, "\"", 1);
}

/* Called with lg.mu held. */
static void
put_field(struct line *l, const struct cxv_log_field *f)
{
	char ps[64];

	put(l, " ", 1);
	put(l, f->key, strlen(f->key));
	put(l, "=", 1);
	if (f->value == NULL)
		put(l, "-", 1);
	else if (f->kind == CXV_LOG_PROTECTED)
		put(l, "[protected]", 11);
	else if (f->kind == CXV_LOG_PERSONAL &&
	    lg.level < CXV_LOG_PERSONAL_LEVEL) {
		if (lg.pseudonym != NULL) {
			lg.pseudonym(lg.pseudonym_ctx, f->value, ps, sizeof(ps));
			put_value(l, ps);
		} else
			put(l, "***", 3);
	} else
		put_value(l, f->value);
}

void
cxv_log(int level, const char *event, const struct cxv_log_field *fields,
    size_t n)
{
	struct line l;
	char ts[CXV_TIME_STR], lvl[16];
	size_t i;

	l.len = 0;
	cxv_time_format(cxv_now_ms(), ts);
	snprintf(lvl, sizeof(lvl), " level=%d event=", level);
	pthread_mutex_lock(&lg.mu);
	if (lg.fd < 0 || level > lg.level) {
		pthread_mutex_unlock(&lg.mu);
		return;
	}
	put(&l, ts, strlen(ts));
	put(&l, lvl, strlen(lvl));
	put_value(&l, event);
	for (i = 0; i < n; i++)
		put_field(&l, &fields[i]);
	l.buf[l.len++] = '\n';
	if (lg.fd >= 0 && write(lg.fd, l.buf, l.len) < 0)
		l.len = 0;	/* a lost log line must not fail the operation */
	pthread_mutex_unlock(&lg.mu);
	/* The line may hold personal values at high levels. */
	sodium_memzero(&l, sizeof(l));
}
