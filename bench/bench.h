/* SPDX-License-Identifier: Apache-2.0 */
/* What the benchmarks share: a monotonic clock and sorting latencies. */
#ifndef CXV_BENCH_H
#define CXV_BENCH_H

#include <stdlib.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort n latencies so that lat[n / 2] is p50 and lat[n * 99 / 100] p99. */
static inline void
bench_sort(double *lat, size_t n)
{
	qsort(lat, n, sizeof(lat[0]), bench_cmp_double);
}

#endif
