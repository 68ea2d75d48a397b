/* SPDX-License-Identifier: Apache-2.0 */
/* DTMF tones and marked spans silenced in WAV audio; see mask.h. */
#include "core/mask.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>
#include <spandsp.h>

#include "base/err.h"
#include "core/redact.h"

/*
 * spandsp's detector works on 8 kHz samples in blocks of 102 and
 * confirms a digit, or its end, after two blocks that agree: a tone is
 * reported at most about 3 blocks after it began and its end at most 3
 * blocks after it ended. A span starts LOOKBACK samples before the
 * report and ends PAD after the end's report; the output is held back
 * LOOKBACK so that a span's first sample is still here when it is found.
 */
#define BLOCK		102
#define PAD		320		/* 40 ms at 8 kHz */
#define LOOKBACK	(5 * BLOCK + PAD)
#define HEADER_MAX	65536		/* chunks before "data" */
#define CHANNELS_MAX	2
#define OPEN		INT64_MAX	/* a tone not yet ended */

enum phase { HEADER, DATA, TRAILER, PASS, TEXT };
enum coding { PCM16, ALAW, ULAW };

struct span {
	int64_t start, end;		/* frames; end excluded */
	enum cxv_mask_kind kind;
};

struct detector {
	struct cxv_mask *m;
	dtmf_rx_state_t *rx;
	int16_t block[BLOCK];
	int nblock;
	int32_t half;			/* 16 kHz: the first sample of a pair */
	size_t open;			/* index of this channel's open span + 1 */
};

struct cxv_mask {
	cxv_mask_out_fn out;
	void *ctx;
	enum phase phase;
	const char *why;		/* unchecked: the reason */
	uint8_t *hdr;			/* HEADER: bytes so far */
	size_t hlen;
	enum coding coding;
	unsigned channels, rate, frame;	/* frame: bytes per frame */
	uint64_t data_left;		/* UINT64_MAX: to the end */
	uint8_t *held;			/* frames received, not yet written */
	size_t held_len, held_cap;
	int64_t written, received;	/* frames */
	int64_t detected;		/* 8 kHz samples through the detector */
	struct span *span;
	size_t nspan, capspan, nmarked;
	size_t redacted;		/* TEXT: values masked */
	char *line;			/* TEXT: a redacted line */
	struct detector det[CHANNELS_MAX];
};

static int
add_span(struct cxv_mask *m, int64_t start, int64_t end,
    enum cxv_mask_kind kind)
{
	void *p;

	if (m->nspan == m->capspan) {
		m->capspan = m->capspan ? 2 * m->capspan : 16;
		if ((p = realloc(m->span, m->capspan * sizeof(*m->span))) ==
		    NULL)
			return CXV_ERR_NOMEM;
		m->span = p;
	}
	m->span[m->nspan++] = (struct span){ start < 0 ? 0 : start, end, kind };
	return CXV_OK;
}

/* Frames per 8 kHz sample: 1 or 2. */
static int64_t
ratio(const struct cxv_mask *m)
{
	return m->rate / 8000;
}

/* spandsp's report of a digit starting (code) or ending (0). */
static void
tone(void *user, int code, int level, int delay)
{
	struct detector *d = user;
	struct cxv_mask *m = d->m;
	int64_t at = m->detected * ratio(m);

	(void)level;
	(void)delay;
	if (code != 0 && d->open == 0) {
		/* A failed allocation leaves the tone unmasked: refused at end. */
		if (add_span(m, at - LOOKBACK * ratio(m), OPEN, CXV_MASK_DTMF)
		    == CXV_OK)
			d->open = m->nspan;
		else
			m->why = "out of memory";
	} else if (code == 0 && d->open != 0) {
		m->span[d->open - 1].end = at + PAD * ratio(m);
		d->open = 0;
	}
}

static int16_t
sample(const struct cxv_mask *m, const uint8_t *p)
{
	switch (m->coding) {
	case ALAW:
		return alaw_to_linear(p[0]);
	case ULAW:
		return ulaw_to_linear(p[0]);
	default:
		return (int16_t)(uint16_t)(p[0] | (unsigned)p[1] << 8);
	}
}

/* Feed one channel's sample to its detector (8 kHz: pairs averaged). */
static void
detect(struct cxv_mask *m, struct detector *d, int16_t s, int64_t frame)
{
	if (m->rate == 16000 && (frame & 1) == 0) {
		d->half = s;
		return;
	}
	if (m->rate == 16000)
		s = (int16_t)((d->half + s) / 2);
	d->block[d->nblock++] = s;
}

/* Run full blocks through every channel's detector. */
static void
run_blocks(struct cxv_mask *m)
{
	unsigned c;

	if (m->det[0].nblock < BLOCK)
		return;
	m->detected += BLOCK;
	for (c = 0; c < m->channels; c++) {
		dtmf_rx(m->det[c].rx, m->det[c].block, BLOCK);
		m->det[c].nblock = 0;
	}
}

/* The first span holding frame f, or the start of the next one (*next). */
static const struct span *
span_at(const struct cxv_mask *m, int64_t f, int64_t *next)
{
	const struct span *hit = NULL;
	size_t i;

	*next = INT64_MAX;
	for (i = 0; i < m->nspan; i++) {
		const struct span *s = &m->span[i];

		if (s->start <= f && f < s->end &&
		    (hit == NULL || s->end > hit->end))
			hit = s;
		else if (s->start > f && s->start < *next)
			*next = s->start;
	}
	return hit;
}

/* Silence in the file's coding. */
static uint8_t
silence(const struct cxv_mask *m)
{
	return m->coding == ALAW ? 0xd5 : m->coding == ULAW ? 0xff : 0;
}

/* Write the held frames before frame upto, silencing those in a span. */
static int
release(struct cxv_mask *m, int64_t upto)
{
	const struct span *s;
	int64_t next, run;
	size_t bytes, done = 0;
	int r;

	while (m->written < upto) {
		s = span_at(m, m->written, &next);
		run = (s != NULL ? s->end : next) - m->written;
		if (run > upto - m->written)
			run = upto - m->written;
		bytes = (size_t)run * m->frame;
		if (s != NULL)
			memset(m->held + done, silence(m), bytes);
		if ((r = m->out(m->ctx, m->held + done, bytes)) != CXV_OK)
			return r;
		done += bytes;
		m->written += run;
	}
	m->held_len -= done;
	memmove(m->held, m->held + done, m->held_len);
	return CXV_OK;
}

/* Take whole frames of the data chunk: hold, detect, release. */
static int
take_frames(struct cxv_mask *m, const uint8_t *p, size_t len)
{
	size_t i, need = m->held_len + len;
	unsigned c;
	void *q;

	if (need > m->held_cap) {
		if ((q = realloc(m->held, need)) == NULL)
			return CXV_ERR_NOMEM;
		m->held = q;
		m->held_cap = need;
	}
	memcpy(m->held + m->held_len, p, len);
	m->held_len += len;
	for (i = 0; i + m->frame <= len; i += m->frame) {
		for (c = 0; c < m->channels; c++)
			detect(m, &m->det[c], sample(m, p + i + (size_t)c *
			    (m->frame / m->channels)), m->received);
		m->received++;
		run_blocks(m);
	}
	return release(m, m->detected * ratio(m) - LOOKBACK * ratio(m));
}

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static unsigned
le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* The "fmt " chunk's body: a coding this mask reads, or why not. */
static const char *
read_fmt(struct cxv_mask *m, const uint8_t *b, uint32_t len)
{
	unsigned tag, bits;

	if (len < 16)
		return "short fmt chunk";
	tag = le16(b);
	if (tag == 0xfffe && len >= 26)
		tag = le16(b + 24);	/* WAVE_FORMAT_EXTENSIBLE's subformat */
	m->channels = le16(b + 2);
	m->rate = le32(b + 4);
	m->frame = le16(b + 12);
	bits = le16(b + 14);
	if (tag == 1 && bits == 16)
		m->coding = PCM16;
	else if (tag == 6 && bits == 8)
		m->coding = ALAW;
	else if (tag == 7 && bits == 8)
		m->coding = ULAW;
	else
		return "not 16-bit PCM, A-law or u-law";
	if (m->channels < 1 || m->channels > CHANNELS_MAX)
		return "not mono or stereo";
	if (m->rate != 8000 && m->rate != 16000)
		return "not 8 or 16 kHz";
	if (m->frame != m->channels * (bits / 8))
		return "block size does not match the samples";
	return NULL;
}

/*
 * Walk the chunks held so far: the offset of the audio once the "data"
 * chunk's header is in (its size in m->data_left), else 0; a reason in
 * m->why if this is no WAV the mask reads.
 */
static size_t
read_header(struct cxv_mask *m)
{
	size_t at = 12;
	uint32_t len;
	bool fmt = false;

	if (m->hlen < 12)
		return 0;
	if (memcmp(m->hdr, "RIFF", 4) != 0 || memcmp(m->hdr + 8, "WAVE", 4) != 0) {
		m->why = "not a WAV file";
		return 0;
	}
	while (at + 8 <= m->hlen) {
		len = le32(m->hdr + at + 4);
		if (memcmp(m->hdr + at, "data", 4) == 0) {
			if (!fmt) {
				m->why = "data before fmt";
				return 0;
			}
			m->data_left = len == 0 || len == UINT32_MAX ?
			    UINT64_MAX : len;
			return at + 8;
		}
		if (at + 8 + (size_t)len > m->hlen)
			return 0;	/* the chunk's body is still to come */
		if (memcmp(m->hdr + at, "fmt ", 4) == 0) {
			if ((m->why = read_fmt(m, m->hdr + at + 8, len)) != NULL)
				return 0;
			fmt = true;
		}
		at += 8 + (size_t)len + (len & 1);
	}
	return 0;
}

static int
start_detectors(struct cxv_mask *m)
{
	unsigned c;

	for (c = 0; c < m->channels; c++) {
		m->det[c].m = m;
		if ((m->det[c].rx = dtmf_rx_init(NULL, NULL, NULL)) == NULL)
			return CXV_ERR_NOMEM;
		dtmf_rx_set_realtime_callback(m->det[c].rx, tone, &m->det[c]);
	}
	return CXV_OK;
}

/* Header bytes: held until "data" begins, then written as they came. */
static int
take_header(struct cxv_mask *m, const uint8_t *p, size_t len, size_t *used)
{
	size_t audio, n = len < HEADER_MAX - m->hlen ? len : HEADER_MAX - m->hlen;
	int r;

	memcpy(m->hdr + m->hlen, p, n);
	m->hlen += n;
	*used = n;
	audio = read_header(m);
	if (audio == 0 && m->why == NULL && m->hlen < HEADER_MAX)
		return CXV_OK;
	if (audio == 0) {
		if (m->why == NULL)
			m->why = "chunks before the audio too large";
		m->phase = PASS;
	} else {
		/* Bytes past the data chunk's header are audio: given back. */
		*used = n - (m->hlen - audio);
		m->hlen = audio;
		if ((r = start_detectors(m)) != CXV_OK)
			return r;
		m->phase = DATA;
	}
	r = m->out(m->ctx, m->hdr, m->hlen);
	m->hlen = 0;
	return r;
}

/* Marked spans in ms become frames now that the rate is known. */
static void
marked_frames(struct cxv_mask *m)
{
	size_t i;

	for (i = 0; i < m->nmarked; i++) {
		m->span[i].start = m->span[i].start * m->rate / 1000;
		m->span[i].end = m->span[i].end * m->rate / 1000;
	}
}

/*
 * TEXT: a line (or HEADER_MAX bytes of one) redacted as log lines are
 * (core/redact.h). Text with a NUL byte is no transcript: it, and all
 * after it, goes out as it came, and the item is reported unchecked.
 */
static int
text_line(struct cxv_mask *m)
{
	size_t cap = 2 * m->hlen + 64;
	int r;

	if (memchr(m->hdr, '\0', m->hlen) != NULL) {
		m->why = "not text";
		m->phase = PASS;
		r = m->out(m->ctx, m->hdr, m->hlen);
	} else {
		m->redacted += cxv_redact((const char *)m->hdr, m->hlen,
		    m->line, cap);
		r = m->out(m->ctx, (const uint8_t *)m->line, strlen(m->line));
		sodium_memzero(m->line, cap);
	}
	m->hlen = 0;
	return r;
}

static int
take_text(struct cxv_mask *m, const uint8_t *p, size_t len, size_t *used)
{
	const uint8_t *nl = memchr(p, '\n', len);
	size_t n = nl != NULL ? (size_t)(nl - p) + 1 : len;

	if (n > HEADER_MAX - m->hlen)
		n = HEADER_MAX - m->hlen;
	memcpy(m->hdr + m->hlen, p, n);
	m->hlen += n;
	*used = n;
	return m->hlen == HEADER_MAX || (nl != NULL && n == (size_t)(nl - p) +
	    1) ? text_line(m) : CXV_OK;
}

/* Every held frame written, then a frame cut short as it came. */
static int
flush(struct cxv_mask *m)
{
	int r = release(m, m->received);

	if (r == CXV_OK && m->hlen > 0)
		r = m->out(m->ctx, m->hdr, m->hlen);
	m->hlen = 0;
	return r;
}

int
cxv_mask_write(struct cxv_mask *m, const uint8_t *p, size_t len)
{
	size_t used, whole, n;
	int r = CXV_OK;

	while (len > 0 && r == CXV_OK) {
		used = 0;
		switch (m->phase) {
		case HEADER:
			r = take_header(m, p, len, &used);
			if (m->phase == DATA)
				marked_frames(m);
			break;
		case DATA:
			n = m->data_left < len ? (size_t)m->data_left : len;
			/* A frame split between writes waits in hdr's place. */
			if (m->hlen > 0 || n < m->frame) {
				used = m->frame - m->hlen < n ?
				    m->frame - m->hlen : n;
				memcpy(m->hdr + m->hlen, p, used);
				m->hlen += used;
				if (m->hlen == m->frame) {
					r = take_frames(m, m->hdr, m->frame);
					m->hlen = 0;
				}
			} else {
				whole = n - n % m->frame;
				used = whole;
				r = take_frames(m, p, whole);
			}
			if (m->data_left != UINT64_MAX)
				m->data_left -= used;
			if (m->data_left == 0)
				m->phase = TRAILER;
			break;
		case TEXT:
			r = take_text(m, p, len, &used);
			break;
		default:
			/* After the audio, the rest goes out as it came. */
			if (m->phase == TRAILER && (r = flush(m)) != CXV_OK)
				break;
			used = len;
			r = m->out(m->ctx, p, len);
			break;
		}
		p += used;
		len -= used;
	}
	return r;
}

int
cxv_mask_end(struct cxv_mask *m, const char **why)
{
	unsigned c;
	int r = CXV_OK;

	*why = NULL;
	if (m->phase == TEXT && m->hlen > 0)
		r = text_line(m);
	if (m->phase == HEADER) {
		if (m->why == NULL)
			m->why = m->hlen == 0 ? "empty" : "not a WAV file";
		m->phase = PASS;
		if (m->hlen > 0)
			r = m->out(m->ctx, m->hdr, m->hlen);
	}
	if (m->phase == DATA || m->phase == TRAILER) {
		/* The last part-block, padded, so a tone at the end is heard. */
		if (m->det[0].nblock > 0) {
			for (c = 0; c < m->channels; c++)
				memset(m->det[c].block + m->det[c].nblock, 0,
				    (size_t)(BLOCK - m->det[c].nblock) *
				    sizeof(int16_t));
			m->det[0].nblock = BLOCK;
			run_blocks(m);
		}
		if (r == CXV_OK)
			r = flush(m);
	}
	if (r == CXV_OK && m->phase == PASS && m->nmarked > 0) {
		*why = "spans were marked on audio the vault cannot read";
		r = CXV_ERR_INVALID;
	}
	if (r == CXV_OK && m->phase != PASS && m->phase != TEXT &&
	    m->why != NULL) {
		*why = m->why;		/* a tone's span could not be kept */
		r = CXV_ERR_NOMEM;
	}
	return r;
}

static int
by_kind_start(const void *a, const void *b)
{
	const struct cxv_mask_span *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->start_ms < y->start_ms ? -1 : x->start_ms > y->start_ms;
}

static int
by_start(const void *a, const void *b)
{
	const struct cxv_mask_span *x = a, *y = b;

	return x->start_ms < y->start_ms ? -1 : x->start_ms > y->start_ms;
}

/*
 * The spans in ms, clipped to the audio, overlapping ones of a kind
 * merged (a card's sixteen tones are one span), in time order; at most
 * SUMMARY_SPANS listed, so the text fits CXV_MASK_SUMMARY_MAX, and
 * *more counts the rest.
 */
#define SUMMARY_SPANS	30

static json_t *
spans_json(const struct cxv_mask *m, size_t *more)
{
	struct cxv_mask_span *ms;
	json_t *a;
	size_t i, w, n = 0;

	*more = 0;
	if ((ms = calloc(m->nspan + 1, sizeof(*ms))) == NULL ||
	    (a = json_array()) == NULL) {
		free(ms);
		return NULL;
	}
	for (i = 0; i < m->nspan; i++) {
		int64_t e = m->span[i].end > m->received ? m->received :
		    m->span[i].end;

		if (m->span[i].start >= e)
			continue;
		ms[n].kind = m->span[i].kind;
		ms[n].start_ms = m->span[i].start * 1000 / m->rate;
		ms[n++].end_ms = (e * 1000 + m->rate - 1) / m->rate;
	}
	qsort(ms, n, sizeof(*ms), by_kind_start);
	for (i = 1, w = 0; i < n; i++) {
		if (ms[i].kind == ms[w].kind && ms[i].start_ms <= ms[w].end_ms) {
			if (ms[i].end_ms > ms[w].end_ms)
				ms[w].end_ms = ms[i].end_ms;
		} else
			ms[++w] = ms[i];
	}
	n = n > 0 ? w + 1 : 0;
	qsort(ms, n, sizeof(*ms), by_start);
	*more = n > SUMMARY_SPANS ? n - SUMMARY_SPANS : 0;
	for (i = 0; i < n - *more; i++)
		if (json_array_append_new(a, json_pack("{s:s,s:I,s:I}", "kind",
		    ms[i].kind == CXV_MASK_DTMF ? "dtmf" : "marked",
		    "start_ms", (json_int_t)ms[i].start_ms, "end_ms",
		    (json_int_t)ms[i].end_ms)) != 0) {
			json_decref(a);
			a = NULL;
			break;
		}
	free(ms);
	return a;
}

int
cxv_mask_summary(const struct cxv_mask *m, char **json)
{
	json_t *o, *a = NULL;
	size_t more = 0;

	*json = NULL;
	if (m->phase == PASS)
		o = json_pack("{s:s,s:s}", "state", "unchecked", "reason",
		    m->why);
	else if (m->phase == TEXT)
		o = json_pack("{s:s,s:I}", "state", m->redacted > 0 ? "masked" :
		    "clean", "redacted", (json_int_t)m->redacted);
	else if ((a = spans_json(m, &more)) == NULL)
		return CXV_ERR_NOMEM;
	else
		o = json_pack("{s:s,s:o}", "state", json_array_size(a) > 0 ?
		    "masked" : "clean", "spans", a);
	if (o != NULL && more > 0 &&
	    json_object_set_new(o, "more_spans", json_integer((json_int_t)more))
	    != 0) {
		json_decref(o);
		o = NULL;
	}
	if (o == NULL || (*json = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return CXV_ERR_NOMEM;
	}
	json_decref(o);
	return CXV_OK;
}

int
cxv_mask_new(enum cxv_mask_media media, const struct cxv_mask_span *marked,
    size_t n, cxv_mask_out_fn out, void *ctx, struct cxv_mask **mp)
{
	struct cxv_mask *m;
	size_t i;

	*mp = NULL;
	if (n > CXV_MASK_SPANS_MAX)
		return CXV_ERR_TOO_LARGE;
	if (media == CXV_MASK_TEXT && n > 0)
		return CXV_ERR_INVALID;
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->hdr = malloc(HEADER_MAX)) == NULL ||
	    (media == CXV_MASK_TEXT &&
	    (m->line = malloc(2 * HEADER_MAX + 64)) == NULL)) {
		if (m != NULL)
			free(m->hdr);
		free(m);
		return CXV_ERR_NOMEM;
	}
	m->phase = media == CXV_MASK_TEXT ? TEXT : HEADER;
	m->out = out;
	m->ctx = ctx;
	for (i = 0; i < n; i++)
		if (add_span(m, marked[i].start_ms, marked[i].end_ms,
		    CXV_MASK_MARKED) != CXV_OK) {
			cxv_mask_free(m);
			return CXV_ERR_NOMEM;
		}
	m->nmarked = n;
	*mp = m;
	return CXV_OK;
}

void
cxv_mask_free(struct cxv_mask *m)
{
	unsigned c;

	if (m == NULL)
		return;
	for (c = 0; c < CHANNELS_MAX; c++)
		if (m->det[c].rx != NULL)
			dtmf_rx_free(m->det[c].rx);
	/* Held audio and header bytes are a person's voice: wiped. */
	if (m->held != NULL)
		sodium_memzero(m->held, m->held_cap);
	sodium_memzero(m->hdr, HEADER_MAX);
	sodium_memzero(m->det, sizeof(m->det));
	free(m->held);
	free(m->hdr);
	free(m->line);
	free(m->span);
	free(m);
}

/* Seconds with up to three decimals, as ms; -1 if not that. */
static int64_t
seconds_ms(const char *s, const char *end)
{
	int64_t ms = 0, scale = 1000;
	const char *p = s;

	if (p == end)
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (ms > INT64_C(86400000) * 7)
			return -1;	/* a week of audio at most */
		ms = ms * 10 + (int64_t)(*p - '0') * 1000;
	}
	if (p == s)
		return -1;
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9' && scale > 1; p++)
			ms += (int64_t)(*p - '0') * (scale /= 10);
	}
	return p == end ? ms : -1;
}

int
cxv_mask_spans_parse(const char *text, struct cxv_mask_span **spans,
    size_t *n, const char **why)
{
	const char *p = text, *comma, *dash;
	struct cxv_mask_span *out;
	size_t k = 0;

	*spans = NULL;
	*n = 0;
	*why = NULL;
	if ((out = calloc(CXV_MASK_SPANS_MAX, sizeof(*out))) == NULL)
		return CXV_ERR_NOMEM;
	while (*p != '\0') {
		if (k == CXV_MASK_SPANS_MAX) {
			*why = "at most 256 spans";
			break;
		}
		if ((comma = strchr(p, ',')) == NULL)
			comma = p + strlen(p);
		dash = memchr(p, '-', (size_t)(comma - p));
		if (dash == NULL ||
		    (out[k].start_ms = seconds_ms(p, dash)) < 0 ||
		    (out[k].end_ms = seconds_ms(dash + 1, comma)) < 0 ||
		    out[k].end_ms <= out[k].start_ms ||
		    (*comma == ',' && comma[1] == '\0')) {
			*why = "spans are START-END in seconds, START < END, "
			    "separated by commas";
			break;
		}
		out[k++].kind = CXV_MASK_MARKED;
		p = *comma == ',' ? comma + 1 : comma;
	}
	if (*why == NULL && k == 0)
		*why = "no span given";
	if (*why != NULL) {
		free(out);
		return CXV_ERR_INVALID;
	}
	*spans = out;
	*n = k;
	return CXV_OK;
}
