/* SPDX-License-Identifier: Apache-2.0 */
/* The program's logger; see log.h. */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "core/redact.h"

static struct {
	pthread_mutex_t mu;
	int fd;
	char path[PATH_MAX - 8];	/* room for ".99" */
	struct cxv_log_opts o;
	cxv_log_pseudonym_fn pseudonym;
	void *pseudonym_ctx;
	cxv_log_sink_fn sink;
	void *sink_ctx;
} lg = { PTHREAD_MUTEX_INITIALIZER, -1, "", { 0, 1, 0, 0, 0 }, NULL, NULL,
    NULL, NULL };

#define ROTATED_MAX	99	/* log.1 .. log.99 */

/* The level in force, readable without the lock: lines above it cost
 * nothing (0: not open). */
static atomic_int level_now;

static int
open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
}

void
cxv_log_set_sink(cxv_log_sink_fn fn, void *ctx)
{
	pthread_mutex_lock(&lg.mu);
	lg.sink = fn;
	lg.sink_ctx = ctx;
	pthread_mutex_unlock(&lg.mu);
}

int
cxv_log_open(const char *path, const struct cxv_log_opts *o)
{
	int fd;

	if (strlen(path) >= sizeof(lg.path) || (fd = open_file(path)) < 0)
		return CXV_ERR_IO;
	pthread_mutex_lock(&lg.mu);
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = fd;
	memcpy(lg.path, path, strlen(path) + 1);
	lg.o = *o;
	atomic_store(&level_now, lg.fd >= 0 ? o->level : 0);
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
	lg.o.level = 0;
	atomic_store(&level_now, 0);
	lg.pseudonym = NULL;
	lg.pseudonym_ctx = NULL;
	pthread_mutex_unlock(&lg.mu);
}

void
cxv_log_set_opts(const struct cxv_log_opts *o)
{
	pthread_mutex_lock(&lg.mu);
	if (lg.fd >= 0)
		lg.o = *o;
	atomic_store(&level_now, lg.fd >= 0 ? o->level : 0);
	pthread_mutex_unlock(&lg.mu);
}

static void
rotated_name(int k, char out[PATH_MAX])
{
	snprintf(out, PATH_MAX, "%s.%u", lg.path, (unsigned)k & 0x7f);
}

/* Rotated files past the count or the age go (R8.2). Called with mu. */
static void
prune(void)
{
	char p[PATH_MAX];
	struct stat sb;
	time_t oldest = time(NULL) - (time_t)lg.o.max_age_days * 86400;
	int k;

	for (k = 1; k <= ROTATED_MAX; k++) {
		rotated_name(k, p);
		if (stat(p, &sb) != 0)
			continue;
		if (k > lg.o.max_files ||
		    (lg.o.max_age_days > 0 && sb.st_mtime < oldest))
			(void)unlink(p);
	}
}

/*
 * Before a line: past max_bytes, log.N -> log.N+1 ... log -> log.1 and
 * a fresh log. Another process may have rotated already (the file at
 * path is not ours any more): then only reopen. Called with mu held.
 */
static void
rotate_if_full(size_t add)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct stat mine, now;
	int k, fd;

	if (lg.o.max_bytes <= 0 || fstat(lg.fd, &mine) != 0 ||
	    mine.st_size + (off_t)add <= lg.o.max_bytes)
		return;
	(void)flock(lg.fd, LOCK_EX);
	if (stat(lg.path, &now) == 0 && now.st_ino == mine.st_ino) {
		for (k = lg.o.max_files; k >= 1; k--) {
			rotated_name(k, to);
			if (k == 1)
				snprintf(from, sizeof(from), "%s", lg.path);
			else
				rotated_name(k - 1, from);
			(void)rename(from, to);
		}
		if (lg.o.max_files == 0)
			(void)unlink(lg.path);
		prune();
	}
	(void)flock(lg.fd, LOCK_UN);
	if ((fd = open_file(lg.path)) >= 0) {
		close(lg.fd);
		lg.fd = fd;
	}
}

int
cxv_log_purge(void)
{
	char p[PATH_MAX];
	int k, r = CXV_OK;

	pthread_mutex_lock(&lg.mu);
	if (lg.fd >= 0 && ftruncate(lg.fd, 0) != 0)
		r = CXV_ERR_IO;
	for (k = 1; lg.fd >= 0 && k <= ROTATED_MAX; k++) {
		rotated_name(k, p);
		if (unlink(p) != 0 && errno != ENOENT)
			r = CXV_ERR_IO;
	}
	pthread_mutex_unlock(&lg.mu);
	return r;
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
	char ps[64], text[CXV_LOG_LINE_MAX];
	int hide = lg.o.hide_private || lg.o.level < CXV_LOG_PERSONAL_LEVEL;

	put(l, " ", 1);
	put(l, f->key, strlen(f->key));
	put(l, "=", 1);
	if (f->value == NULL)
		put(l, "-", 1);
	else if (f->kind == CXV_LOG_PROTECTED)
		put(l, "[protected]", 11);
	else if (f->kind == CXV_LOG_PERSONAL && hide) {
		if (lg.pseudonym != NULL) {
			lg.pseudonym(lg.pseudonym_ctx, f->value, ps, sizeof(ps));
			put_value(l, ps);
		} else
			put(l, "***", 3);
	} else if (f->kind == CXV_LOG_TEXT && hide) {
		(void)cxv_redact(f->value, strlen(f->value), text, sizeof(text));
		put_value(l, text);
		sodium_memzero(text, sizeof(text));
	} else
		put_value(l, f->value);
}

int
cxv_log_wants(int level)
{
	return level <= atomic_load(&level_now);
}

void
cxv_log(int level, const char *event, const struct cxv_log_field *fields,
    size_t n)
{
	struct line l;
	char ts[CXV_TIME_STR], lvl[16];
	size_t i;

	if (!cxv_log_wants(level))
		return;
	l.len = 0;
	cxv_time_format(cxv_now_ms(), ts);
	snprintf(lvl, sizeof(lvl), " level=%d event=", level);
	pthread_mutex_lock(&lg.mu);
	if (lg.fd < 0 || level > lg.o.level) {
		pthread_mutex_unlock(&lg.mu);
		return;
	}
	put(&l, ts, strlen(ts));
	put(&l, lvl, strlen(lvl));
	put_value(&l, event);
	for (i = 0; i < n; i++)
		put_field(&l, &fields[i]);
	l.buf[l.len++] = '\n';
	rotate_if_full(l.len);
	if (lg.sink != NULL)
		lg.sink(lg.sink_ctx, level, l.buf, l.len - 1);
	if (lg.fd >= 0 && write(lg.fd, l.buf, l.len) < 0)
		l.len = 0;	/* a lost log line must not fail the operation */
	pthread_mutex_unlock(&lg.mu);
	/* The line may hold personal values at high levels. */
	sodium_memzero(&l, sizeof(l));
}
