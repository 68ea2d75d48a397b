/* SPDX-License-Identifier: Apache-2.0 */
/* Daily retention and backups inside the server; see maint.h. */
#include "rights/maint.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "base/util.h"
#include "core/config.h"
#include "core/log.h"
#include "records/vault.h"
#include "rights/backup.h"
#include "rights/retention.h"

#define DAY_MS		86400000LL
#define PREFIX		"cxvault-"
#define SUFFIX		".cxb"

struct cxv_maint {
	struct cxv_vault *v;		/* the server's */
	int64_t next_ms;
	int64_t after_ms;		/* a minute after the last run */
	pthread_t thread;
	int running;
	atomic_int done, cancel;
	struct cxv_vault *run_v;	/* the clone a run uses */
};

int64_t
cxv_maint_next(int64_t now_ms, int at_min)
{
	int64_t day = now_ms - now_ms % DAY_MS;
	int64_t t = day + (int64_t)at_min * 60000;

	return t >= now_ms ? t : t + DAY_MS;
}

int
cxv_maint_new(struct cxv_vault *v, int64_t now_ms, struct cxv_maint **out)
{
	struct cxv_maint *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (m == NULL)
		return CXV_ERR_NOMEM;
	m->v = v;
	m->next_ms = cxv_maint_next(now_ms, cxv_vault_config(v)->retention_at_min);
	*out = m;
	return CXV_OK;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Delete the oldest scheduled backups beyond keep (names sort by time). */
static void
prune_backups(const char *dir, int keep)
{
	char **names = NULL, p[PATH_MAX];
	size_t n = 0, cap = 0, i, pl = strlen(PREFIX), sl = strlen(SUFFIX), l;
	struct dirent *e;
	DIR *d;
	void *np;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		l = strlen(e->d_name);
		if (l <= pl + sl || strncmp(e->d_name, PREFIX, pl) != 0 ||
		    strcmp(e->d_name + l - sl, SUFFIX) != 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((np = realloc(names, cap * sizeof(*names))) == NULL)
				break;
			names = np;
		}
		if ((names[n] = strdup(e->d_name)) != NULL)
			n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (i + (size_t)keep < n && (size_t)snprintf(p, sizeof(p), "%s/%s",
		    dir, names[i]) < sizeof(p))
			(void)unlink(p);
		free(names[i]);
	}
	free(names);
}

static void
scheduled_backup(struct cxv_vault *v)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct cxv_backup_info info;
	char path[PATH_MAX], stamp[CXV_STAMP_STR];
	int r;

	if (cfg->backup_dir[0] == '\0')
		return;
	cxv_time_stamp(cxv_now_ms(), stamp);
	if ((size_t)snprintf(path, sizeof(path), "%s/" PREFIX "%s" SUFFIX,
	    cfg->backup_dir, stamp) >= sizeof(path))
		r = CXV_ERR_TOO_LARGE;
	else
		r = cxv_backup_create(v, path, &info);
	CXV_LOG(r == CXV_OK ? CXV_LOG_INFO : CXV_LOG_ERROR, "backup.scheduled",
	    CXV_LF("result", cxv_errcode(r)));
	if (r == CXV_OK)
		prune_backups(cfg->backup_dir, cfg->backup_keep);
}

static void *
run(void *arg)
{
	struct cxv_maint *m = arg;
	struct cxv_ret_report rep;

	if (cxv_retention_run(m->run_v, cxv_now_ms(), 0, &m->cancel, &rep) ==
	    CXV_OK && !atomic_load(&m->cancel))
		scheduled_backup(m->run_v);
	atomic_store(&m->done, 1);
	return NULL;
}

static void
reap(struct cxv_maint *m)
{
	pthread_join(m->thread, NULL);
	cxv_vault_close(m->run_v);
	m->run_v = NULL;
	m->running = 0;
}

void
cxv_maint_tick(struct cxv_maint *m, int64_t now_ms)
{
	int at = cxv_vault_config(m->v)->retention_at_min;

	if (m->running && atomic_load(&m->done))
		reap(m);
	if (m->running)
		return;
	if (now_ms < m->next_ms) {
		/* A reload may have moved the time. */
		m->next_ms = cxv_maint_next(now_ms > m->after_ms ? now_ms :
		    m->after_ms, at);
		return;
	}
	m->after_ms = now_ms + 60000;
	m->next_ms = cxv_maint_next(m->after_ms, at);
	if (cxv_vault_clone(m->v, &m->run_v) != CXV_OK ||
	    cxv_vault_set_actor(m->run_v, "system:maintenance") != CXV_OK) {
		cxv_vault_close(m->run_v);
		m->run_v = NULL;
		CXV_LOG(CXV_LOG_ERROR, "maintenance", CXV_LF("result",
		    "no database handle"));
		return;
	}
	atomic_store(&m->done, 0);
	atomic_store(&m->cancel, 0);
	if (pthread_create(&m->thread, NULL, run, m) != 0) {
		cxv_vault_close(m->run_v);
		m->run_v = NULL;
		return;
	}
	m->running = 1;
}

void
cxv_maint_free(struct cxv_maint *m)
{
	if (m == NULL)
		return;
	if (m->running) {
		atomic_store(&m->cancel, 1);
		reap(m);
	}
	free(m);
}
