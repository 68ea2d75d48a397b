/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench (issue 6: retention sweep of 5 M expired records: records/s, and
 * the latency of requests during the sweep vs idle). Takes a vault made
 * by bench_find (rows i started at 1793600000 + 7 i seconds), keeps
 * interactions for 1 day as of the start of row EXPIRE + 1 day, so rows
 * 0..EXPIRE-1 expire, and runs retention. Meanwhile another thread, on
 * its own database handle as an API worker has, does what
 * GET /v1/subjects?phone= does (an audited blind-index find, a write
 * transaction) every 2 ms; the same is measured idle first.
 * usage: bench_retention VAULT_DIR EXPIRE [CALLERS] (the vault is changed:
 * run it on a copy).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/err.h"
#include "bench.h"
#include "core/config.h"
#include "records/subject.h"
#include "records/vault.h"
#include "rights/retention.h"

#define PROBES_MAX	200000

struct probe {
	struct cxv_vault *v;
	long callers;
	atomic_int stop;
	double *lat;
	long n;
};

static void *
probe(void *arg)
{
	struct probe *p = arg;
	struct timespec gap = { 0, 2000000L };
	char phone[32];
	struct cxv_ident_input id = { CXV_IDENT_PHONE, phone };
	int64_t ids[4];
	size_t n;
	double t;

	while (!atomic_load(&p->stop) && p->n < PROBES_MAX) {
		snprintf(phone, sizeof(phone), "030 %07ld",
		    (long)randombytes_uniform((uint32_t)p->callers));
		t = bench_now();
		if (cxv_subject_find(p->v, &id, ids, 4, &n,
		    &(const char *){ NULL }) != CXV_OK)
			abort();
		p->lat[p->n++] = bench_now() - t;
		nanosleep(&gap, NULL);
	}
	return NULL;
}

static void
report(const char *what, struct probe *p)
{
	bench_sort(p->lat, (size_t)p->n);
	printf("%-22s p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms  (%ld)\n",
	    what, p->lat[p->n / 2] * 1e3, p->lat[(p->n * 99) / 100] * 1e3,
	    p->lat[p->n - 1] * 1e3, p->n);
}

/* Probe for secs seconds with nothing else running. */
static void
idle(struct probe *p, double secs)
{
	pthread_t th;
	double t = bench_now();

	p->n = 0;
	atomic_store(&p->stop, 0);
	pthread_create(&th, NULL, probe, p);
	while (bench_now() - t < secs)
		nanosleep(&(struct timespec){ 0, 50000000L }, NULL);
	atomic_store(&p->stop, 1);
	pthread_join(th, NULL);
}

int
main(int argc, char **argv)
{
	struct probe p = { NULL, 0, 0, NULL, 0 };
	struct cxv_vault *v = NULL;
	struct cxv_ret_report rep;
	struct cxv_config cfg;
	char why[512];
	long expire;
	int64_t now;
	pthread_t th;
	double t;

	if (argc < 3 || sodium_init() < 0)
		return fprintf(stderr, "usage: bench_retention DIR EXPIRE "
		    "[CALLERS]\n"), 2;
	expire = strtol(argv[2], NULL, 10);
	p.callers = argc > 3 ? strtol(argv[3], NULL, 10) : 1000000;
	if ((p.lat = calloc(PROBES_MAX, sizeof(double))) == NULL ||
	    cxv_vault_open(argv[1], NULL, 0, "local:bench", &v, why,
	    sizeof(why)) != CXV_OK || cxv_vault_clone(v, &p.v) != CXV_OK)
		return fprintf(stderr, "bench: %s\n", why), 1;
	cfg = *cxv_vault_config(v);
	cfg.retention[CXV_RET_INTERACTIONS].method = CXV_RET_DELETE;
	cfg.retention[CXV_RET_INTERACTIONS].days = 1;
	cxv_vault_set_config(v, &cfg);
	now = (1793600000LL + 7LL * expire) * 1000 + 86400000LL;

	idle(&p, 10.0);
	report("find, idle", &p);

	p.n = 0;
	atomic_store(&p.stop, 0);
	pthread_create(&th, NULL, probe, &p);
	t = bench_now();
	if (cxv_retention_run(v, now, 0, NULL, &rep) != CXV_OK)
		return fprintf(stderr, "bench: retention failed\n"), 1;
	t = bench_now() - t;
	atomic_store(&p.stop, 1);
	pthread_join(th, NULL);
	report("find, during sweep", &p);
	printf("swept %lld interactions in %.1f s: %.0f records/s\n",
	    (long long)rep.cat[CXV_RET_INTERACTIONS].deleted, t,
	    (double)rep.cat[CXV_RET_INTERACTIONS].deleted / t);
	cxv_vault_close(p.v);
	cxv_vault_close(v);
	free(p.lat);
	return 0;
}
