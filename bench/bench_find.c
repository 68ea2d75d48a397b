/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench (issue 5 target: find p99 < 5 ms): find a person among ROWS
 * interaction records imported through cxv_import_cdr (CALLERS distinct
 * callers), LOOKUPS times at random, by a number in national spelling:
 *   find     the blind-index lookup of cxv_subject_find, audited
 *   records  find, then every record of the person in every store
 *            (cxv_subject_records: rows, statistics, do-not-call), audited
 * usage: bench_find [ROWS] [CALLERS] [LOOKUPS] (default 10000000 1000000
 * 2000); the vault is left in /tmp for reruns with ROWS 0 and its path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/err.h"
#include "bench.h"
#include "cdr_gen.h"
#include "ingest/import.h"
#include "records/subject.h"
#include "records/vault.h"

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
	printf("%-8s p50 %7.3f ms   p99 %7.3f ms   (%ld lookups)\n", what,
	    lat[n / 2] * 1e3, lat[(n * 99) / 100] * 1e3, n);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cxv-find-XXXXXX", vdir[64], why[512], phone[32];
	long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 10000000;
	long callers = argc > 2 ? strtol(argv[2], NULL, 10) : 1000000;
	long lookups = argc > 3 ? strtol(argv[3], NULL, 10) : 2000;
	struct cxv_ident_input id = { CXV_IDENT_PHONE, phone };
	struct cxv_vault *v = NULL;
	double *find, *all, t;
	int64_t ids[4];
	size_t n;
	long c, recs;

	if (sodium_init() < 0 || callers < 1 || lookups < 2 ||
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
		c = (long)randombytes_uniform((uint32_t)callers);
		/* National spelling: normalization is part of the cost. */
		snprintf(phone, sizeof(phone), "030 %07ld", c);
		t = bench_now();
		if (cxv_subject_find(v, &id, ids, 4, &n, &(const char *){ NULL })
		    != CXV_OK || n != 1)
			abort();
		find[i] = bench_now() - t;
		recs = 0;
		if (cxv_subject_records(v, ids[0], count, &recs) != CXV_OK ||
		    recs < 1)
			abort();
		all[i] = bench_now() - t;
	}
	report("find", find, lookups);
	report("records", all, lookups);
	printf("vault: %s\n", vdir);
	cxv_vault_close(v);
	return 0;
}
