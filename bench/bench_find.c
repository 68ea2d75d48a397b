/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench (issue 5 target: find p99 < 5 ms): find a person among ROWS
 * interaction records imported through cxv_import_cdr (CALLERS distinct
 * callers), LOOKUPS times at random, by a number in national spelling:
 *   find     the blind-index lookup of cxv_subject_find, audited
 *   records  find, then every record of the person in every store
 *            (cxv_subject_records: rows, statistics, do-not-call), audited
 * usage: bench_find [ROWS] [CALLERS] [LOOKUPS] [DIR [ERASE]] (default
 * 10000000 1000000 2000); the vault is left in /tmp for reruns with ROWS
 * 0 and its path DIR. With ERASE, then the same finds beside a stream of
 * erasures (issue 28): another thread, on its own handle as an API
 * worker has, erases the last ERASE callers one after the other, 50 ms
 * apart, with the server's shredder running; the erasures are timed
 * too, and the shredder's backlog after the last one.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "base/err.h"
#include "bench.h"
#include "cdr_gen.h"
#include "ingest/import.h"
#include "records/subject.h"
#include "records/vault.h"
#include "rights/erase.h"
#include "store/store.h"

#define CHUNK	1000000L	/* CDRs generated per temporary file */

static int
count(void *ctx, const struct cxv_record_ref *ref)
{
	(void)ref;
	++*(long *)ctx;
	return CXV_OK;
}

static void
import_all(struct cxv_vault *v, long rows, long callers)
{
	struct cxv_import_report rep = { NULL, NULL, NULL };
	struct cxv_import_stats st;
	double t = bench_now();
	FILE *csv;

	for (long done = 0; done < rows; done += CHUNK) {
		long n = rows - done < CHUNK ? rows - done : CHUNK;

		if ((csv = bench_cdr_csv(n, callers, done, BENCH_CYCLIC)) == NULL ||
		    cxv_import_cdr(v, "asterisk-csv", NULL, NULL, csv, &rep, &st) != CXV_OK ||
		    st.imported != (uint64_t)n)
			abort();
		fclose(csv);
		fprintf(stderr, "imported %ld of %ld (%.0f rows/s)\n", done + n,
		    rows, (double)(done + n) / (bench_now() - t));
	}
}

static void
report(const char *what, double *lat, long n)
{
	bench_sort(lat, (size_t)n);
	printf("%-8s p50 %7.3f ms   p99 %7.3f ms   max %7.1f ms   (%ld)\n",
	    what, lat[n / 2] * 1e3, lat[(n * 99) / 100] * 1e3, lat[n - 1] * 1e3,
	    n);
}

/* The subject of caller c, found as a find of the API finds it. */
static int64_t
caller_subject(struct cxv_vault *v, long c)
{
	char phone[32];
	struct cxv_ident_input id = { CXV_IDENT_PHONE, phone };
	int64_t ids[4];
	size_t n;

	/* National spelling: normalization is part of the cost. */
	snprintf(phone, sizeof(phone), "030 5%07ld", c);
	if (cxv_subject_find(v, &id, ids, 4, &n, &(const char *){ NULL }) !=
	    CXV_OK || n != 1)
		abort();
	return ids[0];
}

struct eraser {
	struct cxv_vault *v;		/* a clone: a worker's own handle */
	long first, n;			/* the callers erased */
	double *lat;
	atomic_int done;
};

static void *
erase_all(void *arg)
{
	struct eraser *e = arg;
	char *receipt;
	int64_t sid;
	double t;

	for (long i = 0; i < e->n; i++) {
		sid = caller_subject(e->v, e->first + i);
		t = bench_now();
		if (cxv_subject_erase(e->v, sid, 0, "objection", &receipt) !=
		    CXV_OK)
			abort();
		e->lat[i] = bench_now() - t;
		free(receipt);
		nanosleep(&(struct timespec){ 0, 50000000L }, NULL);
	}
	atomic_store(&e->done, 1);
	return NULL;
}

/* Finds of the callers below erase's first beside the erasures. */
static void
beside_erasures(struct cxv_vault *v, long callers, long erase)
{
	struct eraser e = { NULL, callers - erase, erase, NULL, 0 };
	struct cxv_shredder *sh = NULL;
	double *find, t;
	long n = 0, cap = 1 << 20;
	pthread_t th;
	int done = 0;

	if ((e.lat = calloc((size_t)erase, sizeof(double))) == NULL ||
	    (find = calloc((size_t)cap, sizeof(double))) == NULL ||
	    cxv_shredder_start(v, &sh) != CXV_OK ||
	    cxv_vault_clone(v, &e.v) != CXV_OK ||
	    pthread_create(&th, NULL, erase_all, &e) != 0)
		abort();
	while (!atomic_load(&e.done) && n < cap) {
		t = bench_now();
		(void)caller_subject(v, (long)randombytes_uniform(
		    (uint32_t)(callers - erase)));
		find[n++] = bench_now() - t;
	}
	pthread_join(th, NULL);
	/* The shredder's backlog: what is still queued, rewritten now. */
	t = bench_now();
	if (cxv_store_shred(cxv_vault_store(v), 1, &done) != CXV_OK)
		abort();
	printf("backlog  %d partitions left after the last erasure, rewritten "
	    "in %.1f ms\n", done, (bench_now() - t) * 1e3);
	cxv_shredder_stop(sh);
	report("erase", e.lat, erase);
	report("find", find, n);
	cxv_vault_close(e.v);
	free(e.lat);
	free(find);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cxv-find-XXXXXX", vdir[256], why[512];
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 10000000;
	long callers = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
	long lookups = argc > 3 ? strtol(argv[3], NULL, 10) : 2000;
	long erase = argc > 5 ? strtol(argv[5], NULL, 10) : 0;
	struct cxv_vault *v = NULL;
	double *find, *all, t;
	int64_t sid;
	long c, recs;

	if (sodium_init() < 0 || erase < 0 || callers <= erase || lookups < 2 ||
	    (find = calloc((size_t)lookups, sizeof(double))) == NULL ||
	    (all = calloc((size_t)lookups, sizeof(double))) == NULL)
		return 1;
	if (argc > 4)
		snprintf(vdir, sizeof(vdir), "%s", argv[4]);
	else if (mkdtemp(dir) == NULL || (size_t)snprintf(vdir, sizeof(vdir),
	    "%s/vault", dir) >= sizeof(vdir) || cxv_vault_init(vdir, NULL, NULL,
	    NULL, 0, "local:bench", why, sizeof(why)) != CXV_OK)
		return fprintf(stderr, "bench: cannot make a vault\n"), 1;
	if (cxv_vault_open(vdir, NULL, 0, "local:bench", &v, why, sizeof(why)))
		return fprintf(stderr, "bench: %s\n", why), 1;
	import_all(v, rows, callers);
	for (long i = 0; i < lookups; i++) {
		c = (long)randombytes_uniform((uint32_t)(callers - erase));
		t = bench_now();
		sid = caller_subject(v, c);
		find[i] = bench_now() - t;
		recs = 0;
		if (cxv_subject_records(v, sid, count, &recs) != CXV_OK ||
		    recs < 1)
			abort();
		all[i] = bench_now() - t;
	}
	report("find", find, lookups);
	report("records", all, lookups);
	if (erase > 0)
		beside_erasures(v, callers, erase);
	printf("vault: %s\n", vdir);
	cxv_vault_close(v);
	return 0;
}
