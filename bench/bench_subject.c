/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench: subject resolve-or-create rate, and find-by-phone latency
 * (p50/p99) on N subjects, against a raw indexed SQLite lookup of a
 * plaintext table of the same size, in one program.
 * usage: bench_subject [N] (default 1000000); works in a temporary dir.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "base/err.h"
#include "bench.h"
#include "core/ident.h"
#include "core/keyring.h"
#include "records/subject.h"
#include "records/vault.h"
#include "store/store.h"

#define LOOKUPS	20000

static void
report(const char *name, double *lat, size_t n)
{
	bench_sort(lat, n);
	printf("%-34s p50 %7.1f us   p99 %7.1f us\n", name, lat[n / 2] * 1e6,
	    lat[n * 99 / 100] * 1e6);
}

static void
load_vault(struct cxv_vault *v, long n)
{
	struct cxv_ident_input id = { CXV_IDENT_PHONE, NULL };
	char phone[32];
	const char *why;
	int64_t sid;
	int created;
	double t = bench_now();

	id.value = phone;
	for (long i = 0; i < n; i++) {
		snprintf(phone, sizeof(phone), "+49301%07ld", i);
		if (cxv_subject_resolve(v, &id, 1, &sid, &created, &why) != CXV_OK
		    || !created)
			abort();
	}
	t = bench_now() - t;
	printf("%-34s %9.0f subjects/s (%ld in %.1f s)\n",
	    "resolve-or-create (new subjects)", (double)n / t, n, t);
}

static void
find_vault(struct cxv_vault *v, long n, double *lat)
{
	struct cxv_ident_input id = { CXV_IDENT_PHONE, NULL };
	char phone[32];
	const char *why;
	int64_t out[4];
	size_t found;
	double t;

	id.value = phone;
	for (size_t i = 0; i < LOOKUPS; i++) {
		/* National format, so normalization is part of the cost. */
		snprintf(phone, sizeof(phone), "0301 %07ld",
		    (long)randombytes_uniform((uint32_t)n));
		t = bench_now();
		if (cxv_subject_find(v, &id, out, 4, &found, &why) != CXV_OK ||
		    found != 1)
			abort();
		lat[i] = bench_now() - t;
	}
	report("cxvault find --phone (audited)", lat, LOOKUPS);
}

static int
first_id(void *ctx, int64_t sid)
{
	*(int64_t *)ctx = sid;
	return CXV_OK;
}

/*
 * The lookup path of find without its audit entry: normalize, blind
 * index, indexed select. This is what compares with a plaintext lookup.
 */
static void
lookup_vault(struct cxv_vault *v, long n, double *lat)
{
	char phone[32], norm[CXV_IDENT_NORM_MAX];
	uint8_t bidx[CXV_HASH_BYTES];
	const char *why;
	int64_t sid;
	double t;

	for (size_t i = 0; i < LOOKUPS; i++) {
		snprintf(phone, sizeof(phone), "0301 %07ld",
		    (long)randombytes_uniform((uint32_t)n));
		t = bench_now();
		sid = 0;
		if (cxv_ident_normalize(CXV_IDENT_PHONE, phone, 49, norm, &why)
		    != CXV_OK)
			abort();
		cxv_keyring_blind_index(cxv_vault_keyring(v), "phone", norm, bidx);
		if (cxv_store_ident_find(cxv_vault_store(v), CXV_IDENT_PHONE,
		    bidx, first_id, &sid) != CXV_OK || sid == 0)
			abort();
		lat[i] = bench_now() - t;
	}
	report("blind-index lookup (no audit)", lat, LOOKUPS);
}

static void
raw_sqlite(const char *path, long n, double *lat)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *ins = NULL, *sel = NULL;
	char phone[32];
	double t;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
	    "CREATE TABLE t (id INTEGER PRIMARY KEY, phone TEXT NOT NULL);"
	    "CREATE INDEX t_phone ON t (phone); BEGIN", NULL, NULL, NULL)
	    != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO t (phone) VALUES (?1)", -1,
	    &ins, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT id FROM t WHERE phone = ?1", -1,
	    &sel, NULL) != SQLITE_OK)
		abort();
	for (long i = 0; i < n; i++) {
		snprintf(phone, sizeof(phone), "+49301%07ld", i);
		sqlite3_bind_text(ins, 1, phone, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(ins) != SQLITE_DONE)
			abort();
		sqlite3_reset(ins);
	}
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	for (size_t i = 0; i < LOOKUPS; i++) {
		snprintf(phone, sizeof(phone), "+49301%07ld",
		    (long)randombytes_uniform((uint32_t)n));
		t = bench_now();
		sqlite3_bind_text(sel, 1, phone, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(sel) != SQLITE_ROW)
			abort();
		sqlite3_reset(sel);
		lat[i] = bench_now() - t;
	}
	report("raw SQLite indexed lookup", lat, LOOKUPS);
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cxv-bench-XXXXXX", vdir[64], raw[64], why[512];
	struct cxv_vault *v = NULL;
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
	double *lat = calloc(LOOKUPS, sizeof(double));

	if (sodium_init() < 0 || lat == NULL || n < 1 || mkdtemp(dir) == NULL)
		return 1;
	snprintf(vdir, sizeof(vdir), "%s/vault", dir);
	snprintf(raw, sizeof(raw), "%s/raw.db", dir);
	if (cxv_vault_init(vdir, NULL, NULL, NULL, 0, "local:bench", why,
	    sizeof(why)) != CXV_OK ||
	    cxv_vault_open(vdir, NULL, 0, "local:bench", &v, why,
	    sizeof(why)) != CXV_OK) {
		fprintf(stderr, "bench: %s\n", why);
		return 1;
	}
	load_vault(v, n);
	lookup_vault(v, n, lat);
	find_vault(v, n, lat);
	cxv_vault_close(v);
	raw_sqlite(raw, n, lat);
	printf("data left in %s (remove it)\n", dir);
	free(lat);
	return 0;
}
