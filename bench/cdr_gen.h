/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic Asterisk cdr_csv lines for the benchmarks: row i is a call
 * from one of callers (a Berlin number written nationally, "030 5" and 7
 * digits, as a German trunk gives it, so that every caller is read by
 * libphonenumber; named "Caller N") to
 * extension 100-149, 7 s apart, with a unique id. The caller is
 * i % callers (cyclic: every caller in turn, the same order each time
 * round) or drawn at random with a fixed seed (random: as calls come in
 * at a contact center).
 */
#ifndef CXV_BENCH_CDR_GEN_H
#define CXV_BENCH_CDR_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

enum bench_order { BENCH_CYCLIC, BENCH_RANDOM };

/* Row i's caller: splitmix64 of i for the random order. */
static inline long
bench_caller(long i, long callers, enum bench_order order)
{
	uint64_t z = (uint64_t)i + UINT64_C(0x9e3779b97f4a7c15);

	if (order == BENCH_CYCLIC)
		return i % callers;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (long)((z ^ (z >> 31)) % (uint64_t)callers);
}

/* The 18 columns of row i, as the Asterisk line and a raw insert use. */
static inline void
bench_cdr_row(long i, long callers, enum bench_order order, char f[18][64])
{
	long c = bench_caller(i, callers, order), t = 1793600000 + i * 7;
	struct tm tm;
	time_t s;

	snprintf(f[0], 64, "%s", "");
	snprintf(f[1], 64, "030 5%07ld", c);
	snprintf(f[2], 64, "%ld", 100 + i % 50);
	snprintf(f[3], 64, "%s", "from-trunk");
	snprintf(f[4], 64, "\"Caller %ld\" <030 5%07ld>", c, c);
	snprintf(f[5], 64, "PJSIP/trunk-%08lx", i);
	snprintf(f[6], 64, "PJSIP/%ld-%08lx", 100 + i % 50, i);
	snprintf(f[7], 64, "%s", "Dial");
	snprintf(f[8], 64, "PJSIP/%ld,30", 100 + i % 50);
	for (int k = 0; k < 3; k++) {
		s = (time_t)(t + k * 5);
		gmtime_r(&s, &tm);
		strftime(f[9 + k], 64, "%Y-%m-%d %H:%M:%S", &tm);
	}
	snprintf(f[12], 64, "10");
	snprintf(f[13], 64, "5");
	snprintf(f[14], 64, "ANSWERED");
	snprintf(f[15], 64, "DOCUMENTATION");
	snprintf(f[16], 64, "%ld.%ld", t, i);
	snprintf(f[17], 64, "%s", "");
}

/* Rows first..first+rows-1 in a temporary file, rewound; NULL on failure. */
static inline FILE *
bench_cdr_csv(long rows, long callers, long first, enum bench_order order)
{
	char f[18][64];
	FILE *out = tmpfile();

	for (long i = first; out != NULL && i < first + rows; i++) {
		bench_cdr_row(i, callers, order, f);
		for (int k = 0; k < 18; k++) {
			fputc('"', out);
			for (const char *p = f[k]; *p != '\0'; p++) {
				if (*p == '"')
					fputc('"', out);
				fputc(*p, out);
			}
			fputs(k < 17 ? "\"," : "\"\n", out);
		}
	}
	if (out != NULL)
		rewind(out);
	return out;
}


#endif
