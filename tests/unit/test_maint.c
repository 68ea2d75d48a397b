/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the server's daily maintenance (DESIGN 7, R5.4): the
 * schedule, and that a due tick runs retention and a backup, keeping
 * backup_keep backups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/err.h"
#include "core/audit.h"
#include "core/config.h"
#include "records/vault.h"
#include "rights/maint.h"

#define DAY	86400000LL

static void
next_times(void **state)
{
	int64_t midnight = 1764028800000LL;	/* 2025-11-25T00:00:00Z */

	(void)state;
	/* 02:00 the same day, exactly then, and the next day after it. */
	assert_int_equal(cxv_maint_next(midnight, 120), midnight + 7200000);
	assert_int_equal(cxv_maint_next(midnight + 7200000, 120),
	    midnight + 7200000);
	assert_int_equal(cxv_maint_next(midnight + 7200001, 120),
	    midnight + DAY + 7200000);
	assert_int_equal(cxv_maint_next(midnight + DAY - 1, 0),
	    midnight + DAY);
	assert_int_equal(cxv_maint_next(midnight + 1, 1439),
	    midnight + DAY - 60000);
}

static int
count_backups(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "cxvault-", 8) == 0 &&
		    strstr(e->d_name, ".cxb.tmp") == NULL)
			n++;
	closedir(d);
	return n;
}

struct seen {
	int runs;
	char actor[64];
};

static int
audit_row(void *ctx, const struct cxv_audit_row *row)
{
	struct seen *s = ctx;

	if (strcmp(row->action, "retention.run") == 0) {
		s->runs++;
		snprintf(s->actor, sizeof(s->actor), "%s", row->actor);
	}
	return CXV_OK;
}

/* Tick at now until a new backup shows up (the run is a thread). */
static void
run_once(struct cxv_maint *m, int64_t now, const char *bk, int want)
{
	struct timespec ts = { 0, 20000000L };
	int i;

	for (i = 0; i < 500 && count_backups(bk) != want; i++) {
		cxv_maint_tick(m, now);
		nanosleep(&ts, NULL);
	}
	assert_int_equal(count_backups(bk), want);
	for (i = 0; i < 50; i++) {	/* reap */
		cxv_maint_tick(m, now);
		nanosleep(&ts, NULL);
	}
}

static void
daily_runs(void **state)
{
	char dir[64], vd[96], bk[96], why[256];
	struct cxv_vault *v = NULL;
	struct cxv_maint *m = NULL;
	struct cxv_config cfg;
	struct seen seen = { 0, "" };
	int64_t now = 1764028800000LL, first;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cxv-mt-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(vd, sizeof(vd), "%s/v", dir);
	snprintf(bk, sizeof(bk), "%s/bk", dir);
	assert_int_equal(mkdir(bk, 0700), 0);
	assert_int_equal(cxv_vault_init(vd, NULL, NULL, NULL, 0, "local:test", why,
	    sizeof(why)), CXV_OK);
	assert_int_equal(cxv_vault_open(vd, NULL, 0, "local:test", &v, why,
	    sizeof(why)), CXV_OK);
	cfg = *cxv_vault_config(v);
	snprintf(cfg.backup_dir, sizeof(cfg.backup_dir), "%s", bk);
	cfg.backup_keep = 2;
	cfg.retention[CXV_RET_STATISTICS].method = CXV_RET_DELETE;
	cfg.retention[CXV_RET_STATISTICS].days = 30;
	assert_int_equal(cxv_vault_save_config(v, &cfg), CXV_OK);

	assert_int_equal(cxv_maint_new(v, now, &m), CXV_OK);
	first = cxv_maint_next(now, cfg.retention_at_min);
	cxv_maint_tick(m, first - 1);		/* not yet */
	sleep(1);
	assert_int_equal(count_backups(bk), 0);
	run_once(m, first, bk, 1);
	run_once(m, first + DAY, bk, 2);
	run_once(m, first + 2 * DAY, bk, 2);	/* the oldest went */
	cxv_maint_free(m);

	assert_int_equal(cxv_audit_scan(cxv_vault_store(v), INT64_MIN,
	    audit_row, &seen), CXV_OK);
	assert_int_equal(seen.runs, 3);
	assert_string_equal(seen.actor, "system:maintenance");
	cxv_vault_close(v);
	assert_int_equal(system("rm -rf /tmp/cxv-mt-*"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(next_times),
		cmocka_unit_test(daily_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
