/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the recording mask (issue 29): DTMF tones made by
 * spandsp's generator, in every coding the mask reads, come out silent
 * and no digit decodes from the result; audio with no tone comes out
 * byte for byte; marked spans are silenced to the sample; anything else
 * passes through and is reported unchecked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <spandsp.h>

#include "base/err.h"
#include "core/mask.h"

enum coding { PCM16 = 1, ALAW = 6, ULAW = 7 };

struct wav {
	uint8_t *b;
	size_t len, cap;
};

static void
put(struct wav *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		w->cap = (w->len + n) * 2;
		w->b = realloc(w->b, w->cap);
		assert_non_null(w->b);
	}
	memcpy(w->b + w->len, p, n);
	w->len += n;
}

static void
put32(struct wav *w, uint32_t v)
{
	uint8_t b[4] = { v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24 };

	put(w, b, 4);
}

static void
put16(struct wav *w, unsigned v)
{
	uint8_t b[2] = { v & 0xff, v >> 8 & 0xff };

	put(w, b, 2);
}

/*
 * A WAV of n frames at rate: channel 0 (and 1, if stereo) gets sig[i]
 * (8 kHz samples, repeated at 16 kHz); a LIST chunk before "data".
 */
static struct wav
make_wav(const int16_t *sig, size_t n8k, enum coding coding, unsigned rate,
    unsigned channels)
{
	struct wav w = { NULL, 0, 0 };
	unsigned bytes = coding == PCM16 ? 2 : 1, rep = rate / 8000;
	size_t i, data = n8k * rep * channels * bytes;

	put(&w, "RIFF", 4);
	put32(&w, (uint32_t)(4 + 24 + 16 + 8 + data));
	put(&w, "WAVE", 4);
	put(&w, "fmt ", 4);
	put32(&w, 16);
	put16(&w, coding);
	put16(&w, channels);
	put32(&w, rate);
	put32(&w, rate * channels * bytes);
	put16(&w, channels * bytes);
	put16(&w, bytes * 8);
	put(&w, "LIST", 4);
	put32(&w, 8);
	put(&w, "INFOtest", 8);
	put(&w, "data", 4);
	put32(&w, (uint32_t)data);
	for (i = 0; i < n8k * rep; i++) {
		for (unsigned c = 0; c < channels; c++) {
			int16_t s = c == 0 ? sig[i / rep] : (int16_t)(sig[i / rep] / 3);
			uint8_t b;

			if (coding == PCM16) {
				put16(&w, (uint16_t)s);
				continue;
			}
			b = coding == ALAW ? linear_to_alaw(s) : linear_to_ulaw(s);
			put(&w, &b, 1);
		}
	}
	return w;
}

/* 8 kHz audio: quiet noise, with digits keyed from sample at (if any). */
static int16_t *
make_signal(size_t n, const char *digits, size_t at)
{
	int16_t *s = calloc(n, sizeof(*s));
	dtmf_tx_state_t *tx;
	uint32_t seed = 1;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		s[i] = (int16_t)((int)(seed >> 16 & 0xff) - 128);
	}
	if (digits != NULL) {
		tx = dtmf_tx_init(NULL);
		dtmf_tx_set_timing(tx, 80, 80);
		dtmf_tx_put(tx, digits, -1);
		for (size_t i = at; i < n; i += 160) {
			int16_t t[160];
			int got = dtmf_tx(tx, t, 160);

			for (int k = 0; k < got && i + (size_t)k < n; k++)
				s[i + (size_t)k] = (int16_t)(s[i + (size_t)k] + t[k]);
			if (got < 160)
				break;
		}
		dtmf_tx_free(tx);
	}
	return s;
}

static int
collect(void *ctx, const uint8_t *data, size_t len)
{
	put(ctx, data, len);
	return CXV_OK;
}

/* w through a mask in pieces of step bytes; the summary in *summary. */
static struct wav
run_media(enum cxv_mask_media media, const struct wav *w, size_t step,
    const struct cxv_mask_span *marked, size_t nmarked, char **summary,
    int *rc)
{
	struct wav out = { NULL, 0, 0 };
	struct cxv_mask *m;
	const char *why;

	assert_int_equal(cxv_mask_new(media, marked, nmarked, collect, &out, &m),
	    CXV_OK);
	for (size_t i = 0; i < w->len; i += step)
		assert_int_equal(cxv_mask_write(m, w->b + i,
		    w->len - i < step ? w->len - i : step), CXV_OK);
	*rc = cxv_mask_end(m, &why);
	assert_int_equal(cxv_mask_summary(m, summary), CXV_OK);
	cxv_mask_free(m);
	return out;
}

static struct wav
run(const struct wav *w, size_t step, const struct cxv_mask_span *marked,
    size_t nmarked, char **summary, int *rc)
{
	return run_media(CXV_MASK_AUDIO, w, step, marked, nmarked, summary, rc);
}

/* Digits spandsp's detector hears in 8 kHz channel 0 of a PCM16 mono w. */
static size_t
heard(const struct wav *w, size_t hdr, char *digits, size_t cap)
{
	dtmf_rx_state_t *rx = dtmf_rx_init(NULL, NULL, NULL);
	size_t n = (w->len - hdr) / 2, got;
	int16_t *s = malloc(n * sizeof(*s));

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		s[i] = (int16_t)(w->b[hdr + 2 * i] | w->b[hdr + 2 * i + 1] << 8);
	dtmf_rx(rx, s, (int)n);
	got = dtmf_rx_get(rx, digits, (int)cap - 1);
	digits[got] = '\0';
	dtmf_rx_free(rx);
	free(s);
	return got;
}

#define HDR	(12 + 24 + 16 + 8)	/* RIFF, fmt, LIST, data headers */
#define SECONDS(n)	((size_t)(n) * 8000)

/* out is in byte for byte and sum is want; both are freed. */
static void
assert_unchanged(struct wav out, const struct wav *in, char *sum,
    const char *want)
{
	assert_int_equal(out.len, in->len);
	assert_memory_equal(out.b, in->b, in->len);
	assert_string_equal(sum, want);
	free(sum);
	free(out.b);
}

/* Audio with no digit: byte for byte, reported clean. */
static void
test_no_digits_identical(void **state)
{
	int16_t *sig = make_signal(SECONDS(3), NULL, 0);
	struct wav w = make_wav(sig, SECONDS(3), PCM16, 8000, 1), out;
	char *sum;
	int rc;

	(void)state;
	out = run(&w, 4096, NULL, 0, &sum, &rc);
	assert_int_equal(rc, CXV_OK);
	assert_unchanged(out, &w, sum, "{\"state\":\"clean\",\"spans\":[]}");
	free(w.b);
	free(sig);
}

/* Sixteen card digits keyed: none decodes after, the rest is kept. */
static void
test_dtmf_silenced(void **state)
{
	const char *card = "4111111111111111";
	int16_t *sig = make_signal(SECONDS(6), card, SECONDS(1));
	struct wav w = make_wav(sig, SECONDS(6), PCM16, 8000, 1), out;
	char digits[64], *sum;
	int rc;

	(void)state;
	assert_int_equal(heard(&w, HDR, digits, sizeof(digits)), 16);
	assert_string_equal(digits, card);
	out = run(&w, 1000, NULL, 0, &sum, &rc);
	assert_int_equal(rc, CXV_OK);
	assert_int_equal(out.len, w.len);
	assert_int_equal(heard(&out, HDR, digits, sizeof(digits)), 0);
	/* The first second and the last two are the noise as it was. */
	assert_memory_equal(out.b, w.b, HDR + 2 * (SECONDS(1) - 900));
	assert_memory_equal(out.b + HDR + 2 * SECONDS(4),
	    w.b + HDR + 2 * SECONDS(4), 2 * SECONDS(2));
	assert_non_null(strstr(sum, "\"state\":\"masked\""));
	/* The card's sixteen tones (1.00-3.48 s) are one span round them. */
	assert_non_null(strstr(sum, "\"spans\":[{\"kind\":\"dtmf\",\"start_ms\":9"));
	assert_non_null(strstr(sum, "\"end_ms\":35"));
	assert_null(strstr(sum, "},{"));
	assert_null(strstr(sum, "4111"));
	free(sum);
	free(out.b);
	free(w.b);
	free(sig);
}

/* The same output whatever the pieces the bytes arrive in. */
static void
test_pieces(void **state)
{
	int16_t *sig = make_signal(SECONDS(3), "123#", 4000);
	struct wav w = make_wav(sig, SECONDS(3), PCM16, 8000, 2), a, b;
	char *s1, *s2;
	int rc;

	(void)state;
	a = run(&w, w.len, NULL, 0, &s1, &rc);
	b = run(&w, 3, NULL, 0, &s2, &rc);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.b, b.b, a.len);
	assert_string_equal(s1, s2);
	assert_memory_not_equal(a.b, w.b, w.len);
	free(s1);
	free(s2);
	free(a.b);
	free(b.b);
	free(w.b);
	free(sig);
}

/* Decode a mono 8-bit or 16 kHz result back to 8 kHz PCM16 to listen. */
static struct wav
to_pcm8k(const struct wav *w, enum coding coding, unsigned rate)
{
	struct wav p = { NULL, 0, 0 };
	unsigned bytes = coding == PCM16 ? 2 : 1, rep = rate / 8000;
	size_t n = (w->len - HDR) / bytes;

	put(&p, w->b, HDR);
	for (size_t i = 0; i < n; i += rep) {
		const uint8_t *q = w->b + HDR + i * bytes;
		int16_t s = coding == ALAW ? alaw_to_linear(q[0]) :
		    coding == ULAW ? ulaw_to_linear(q[0]) :
		    (int16_t)(q[0] | q[1] << 8);

		put16(&p, (uint16_t)s);
	}
	return p;
}

/* A-law, u-law and 16 kHz: the digits go, silence in the file's coding. */
static void
test_codings(void **state)
{
	const struct { enum coding c; unsigned rate; } cases[] = {
		{ ALAW, 8000 }, { ULAW, 8000 }, { PCM16, 16000 },
	};
	int16_t *sig = make_signal(SECONDS(4), "5500000000000004", 4000);
	char digits[64], *sum;
	int rc;

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct wav w = make_wav(sig, SECONDS(4), cases[k].c,
		    cases[k].rate, 1), out, in8, out8;

		in8 = to_pcm8k(&w, cases[k].c, cases[k].rate);
		assert_int_equal(heard(&in8, HDR, digits, sizeof(digits)), 16);
		out = run(&w, 777, NULL, 0, &sum, &rc);
		assert_int_equal(rc, CXV_OK);
		out8 = to_pcm8k(&out, cases[k].c, cases[k].rate);
		assert_int_equal(heard(&out8, HDR, digits, sizeof(digits)), 0);
		assert_non_null(strstr(sum, "\"masked\""));
		free(sum);
		free(in8.b);
		free(out8.b);
		free(out.b);
		free(w.b);
	}
	free(sig);
}

/* A marked span is silent to the sample, and only it. */
static void
test_marked(void **state)
{
	int16_t *sig = make_signal(SECONDS(3), NULL, 0);
	struct wav w = make_wav(sig, SECONDS(3), PCM16, 8000, 1), out;
	struct cxv_mask_span *sp;
	size_t n, i;
	const char *why;
	char *sum;
	int rc;

	(void)state;
	assert_int_equal(cxv_mask_spans_parse("0.5-1.25", &sp, &n, &why),
	    CXV_OK);
	out = run(&w, 512, sp, n, &sum, &rc);
	assert_int_equal(rc, CXV_OK);
	for (i = 0; i < SECONDS(3); i++) {
		int16_t s = (int16_t)(out.b[HDR + 2 * i] |
		    out.b[HDR + 2 * i + 1] << 8);

		if (i >= 4000 && i < 10000)
			assert_int_equal(s, 0);
		else
			assert_int_equal(s, sig[i]);
	}
	assert_string_equal(sum, "{\"state\":\"masked\",\"spans\":[{\"kind\":"
	    "\"marked\",\"start_ms\":500,\"end_ms\":1250}]}");
	free(sum);
	free(sp);
	free(out.b);
	free(w.b);
	free(sig);
}

/* Not a WAV the mask reads: passed through, unchecked; refused if marked. */
static void
test_unchecked(void **state)
{
	int16_t *sig = make_signal(8000, NULL, 0);
	struct wav w = make_wav(sig, 8000, PCM16, 11025, 1), out;
	struct wav text = { (uint8_t *)"just a transcript\n", 18, 0 };
	struct cxv_mask_span sp = { 0, 100, CXV_MASK_MARKED };
	char *sum;
	int rc;

	(void)state;
	out = run(&w, 100, NULL, 0, &sum, &rc);
	assert_int_equal(rc, CXV_OK);
	assert_unchanged(out, &w, sum, "{\"state\":\"unchecked\",\"reason\":"
	    "\"not 8 or 16 kHz\"}");
	out = run(&text, 5, NULL, 0, &sum, &rc);
	assert_int_equal(rc, CXV_OK);
	assert_unchanged(out, &text, sum, "{\"state\":\"unchecked\",\"reason\":"
	    "\"not a WAV file\"}");
	out = run(&text, 5, &sp, 1, &sum, &rc);
	assert_int_equal(rc, CXV_ERR_INVALID);
	free(sum);
	free(out.b);
	free(w.b);
	free(sig);
}

/* Text: cards and the rest redacted line by line, clean text as it was. */
static void
test_text(void **state)
{
	const char *chat = "agent: how would you like to pay?\n"
	    "customer: card 4111 1111 1111 1111, expiry 04/29\n"
	    "customer: and mail me at jane.doe@example.org\n"
	    "agent: thank you";
	const char *plain = "agent: hello\ncustomer: my order is late\n";
	struct wav in = { (uint8_t *)(uintptr_t)chat, strlen(chat), 0 }, out;
	struct wav bin = { (uint8_t *)"line one\nbin\0ary 4111111111111111\n",
	    34, 0 };
	char *sum;
	int rc;

	(void)state;
	for (size_t step = 1; step <= in.len; step += in.len - 1) {
		out = run_media(CXV_MASK_TEXT, &in, step, NULL, 0, &sum, &rc);
		assert_int_equal(rc, CXV_OK);
		put(&out, "", 1);
		assert_string_equal((char *)out.b, "agent: how would you like to "
		    "pay?\ncustomer: card [card], expiry 04/29\ncustomer: and "
		    "mail me at [email]\nagent: thank you");
		assert_string_equal(sum, "{\"state\":\"masked\",\"redacted\":2}");
		free(sum);
		free(out.b);
	}
	in.b = (uint8_t *)(uintptr_t)plain;
	in.len = strlen(plain);
	out = run_media(CXV_MASK_TEXT, &in, in.len, NULL, 0, &sum, &rc);
	assert_int_equal(rc, CXV_OK);
	assert_unchanged(out, &in, sum, "{\"state\":\"clean\",\"redacted\":0}");
	/* A NUL byte: no text; the rest goes out as it came. */
	out = run_media(CXV_MASK_TEXT, &bin, bin.len, NULL, 0, &sum, &rc);
	assert_int_equal(rc, CXV_OK);
	assert_unchanged(out, &bin, sum, "{\"state\":\"unchecked\",\"reason\":"
	    "\"not text\"}");
}

static void
test_spans_parse(void **state)
{
	struct cxv_mask_span *sp;
	size_t n;
	const char *why;
	const char *bad[] = { "", "1", "2-1", "1-1", "a-2", "1-2,", "-1-2",
	    "1.2.3-4", "1 - 2", "1-2,,3-4" };

	(void)state;
	assert_int_equal(cxv_mask_spans_parse("0-1.5,12.125-31", &sp, &n, &why),
	    CXV_OK);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].start_ms, 0);
	assert_int_equal(sp[0].end_ms, 1500);
	assert_int_equal(sp[1].start_ms, 12125);
	assert_int_equal(sp[1].end_ms, 31000);
	free(sp);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cxv_mask_spans_parse(bad[i], &sp, &n, &why),
		    CXV_ERR_INVALID);
		assert_non_null(why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_digits_identical),
		cmocka_unit_test(test_dtmf_silenced),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_codings),
		cmocka_unit_test(test_marked),
		cmocka_unit_test(test_unchecked),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_spans_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
