/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the recording mask (core/mask.c), which reads WAV
 * headers and audio, and transcripts, from uploads, so any bytes. Audio:
 * every byte must come out exactly once and in place (the mask only ever
 * overwrites samples). Both: the output must not depend on the pieces
 * the bytes came in, and what is reported clean must come out unchanged.
 * Input starting with 'S': the rest is a marked-span list for the
 * parser; with 'T': text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "core/mask.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
	uint8_t *b;
	size_t len, cap;
};

static int
collect(void *ctx, const uint8_t *p, size_t n)
{
	struct sink *s = ctx;

	if (s->len + n > s->cap)
		abort();
	memcpy(s->b + s->len, p, n);
	s->len += n;
	return CXV_OK;
}

/* data through a mask in pieces of step (a span marked on odd sizes). */
static void
run(enum cxv_mask_media media, const uint8_t *data, size_t size,
    size_t step, struct sink *out, char **summary)
{
	struct cxv_mask_span sp = { 100, 300, CXV_MASK_MARKED };
	struct cxv_mask *m;
	const char *why;

	out->len = 0;
	if (cxv_mask_new(media, &sp, media == CXV_MASK_AUDIO ? size % 2 : 0,
	    collect, out, &m) != CXV_OK)
		abort();
	for (size_t i = 0; i < size; i += step)
		if (cxv_mask_write(m, data + i, size - i < step ? size - i :
		    step) != CXV_OK)
			abort();
	(void)cxv_mask_end(m, &why);
	if (cxv_mask_summary(m, summary) != CXV_OK)
		abort();
	cxv_mask_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Text grows by a few bytes a mask at most: "[email]" for "a@b.cd". */
	struct sink a = { NULL, 0, 2 * size + 64 }, b = { NULL, 0, 2 * size + 64 };
	enum cxv_mask_media media = size > 0 && data[0] == 'T' ?
	    CXV_MASK_TEXT : CXV_MASK_AUDIO;
	struct cxv_mask_span *spans;
	char *sa, *sb, *text;
	const char *why;
	size_t n;

	if (size > 0 && data[0] == 'S') {
		if ((text = strndup((const char *)data + 1, size - 1)) == NULL)
			return 0;
		if (cxv_mask_spans_parse(text, &spans, &n, &why) == CXV_OK &&
		    (n == 0 || n > CXV_MASK_SPANS_MAX ||
		    spans[0].end_ms <= spans[0].start_ms))
			abort();
		free(spans);
		free(text);
		return 0;
	}
	a.b = malloc(a.cap);
	b.b = malloc(b.cap);
	if (a.b == NULL || b.b == NULL)
		abort();
	run(media, data, size, 1 + size, &a, &sa);
	run(media, data, size, 1 + size % 61, &b, &sb);
	if (a.len != b.len || memcmp(a.b, b.b, a.len) != 0 ||
	    strcmp(sa, sb) != 0 ||
	    (strstr(sa, "\"clean\"") != NULL && (a.len != size ||
	    memcmp(a.b, data, size) != 0)) ||
	    (media == CXV_MASK_AUDIO && (a.len != size ||
	    (strstr(sa, "\"unchecked\"") != NULL &&
	    memcmp(a.b, data, size) != 0))))
		abort();
	free(sa);
	free(sb);
	free(a.b);
	free(b.b);
	return 0;
}
