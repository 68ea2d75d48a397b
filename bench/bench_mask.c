/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bench: the recording mask (core/mask.c, issue 29) on one core, as a
 * multiple of real time: each WAV file given is read into memory and
 * passed through the mask in 64 KiB pieces RUNS times; the output is
 * counted, not kept. Prints the audio's length, the median and range of
 * the runs and the multiple of real time of the median.
 * usage: bench_mask RUNS FILE.wav...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "bench.h"
#include "core/mask.h"

#define PIECE	65536

static int
count(void *ctx, const uint8_t *data, size_t len)
{
	(void)data;
	*(size_t *)ctx += len;
	return CXV_OK;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (b = malloc((size_t)n)) == NULL ||
	    fread(b, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "bench_mask: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Seconds of audio in a WAV file's data chunk (header as the mask reads). */
static double
seconds(const uint8_t *b, size_t len)
{
	size_t at = 12;
	unsigned rate = 0, align = 0;

	while (at + 8 <= len) {
		uint32_t n = b[at + 4] | b[at + 5] << 8 | b[at + 6] << 16 |
		    (uint32_t)b[at + 7] << 24;

		if (memcmp(b + at, "fmt ", 4) == 0 && at + 22 <= len) {
			rate = b[at + 12] | b[at + 13] << 8 | b[at + 14] << 16;
			align = b[at + 20] | b[at + 21] << 8;
		}
		if (memcmp(b + at, "data", 4) == 0)
			return rate && align ? (double)(len - at - 8) / align /
			    rate : 0;
		at += 8 + n + (n & 1);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int runs = argc > 2 ? (int)strtol(argv[1], NULL, 10) : 0;
	double audio = 0, *t;

	if (runs < 1 || (t = calloc((size_t)runs, sizeof(*t))) == NULL) {
		fprintf(stderr, "usage: bench_mask RUNS FILE.wav...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		size_t len;
		uint8_t *b = slurp(argv[i], &len);

		audio += seconds(b, len);
		for (int k = 0; k < runs; k++) {
			struct cxv_mask *m;
			const char *why;
			size_t out = 0;
			double t0 = bench_now();

			if (cxv_mask_new(CXV_MASK_AUDIO, NULL, 0, count, &out, &m) != CXV_OK)
				return 1;
			for (size_t at = 0; at < len; at += PIECE)
				if (cxv_mask_write(m, b + at, len - at < PIECE ?
				    len - at : PIECE) != CXV_OK)
					return 1;
			if (cxv_mask_end(m, &why) != CXV_OK || out != len)
				return 1;
			cxv_mask_free(m);
			t[k] += bench_now() - t0;
		}
		free(b);
	}
	bench_sort(t, (size_t)runs);
	printf("audio %.1f s in %d files; mask median %.3f s (%.3f-%.3f), "
	    "%.0fx real time on one core\n", audio, argc - 2, t[runs / 2], t[0],
	    t[runs - 1], audio / t[runs / 2]);
	free(t);
	return 0;
}
