/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Card numbers kept out of recordings (issue 29, GDPR Art. 5(1)(c), PCI
 * DSS): a WAV stream passes through a mask that holds it back by about
 * 0.1 s, and every DTMF tone spandsp's detector finds on either channel,
 * and every span the caller marked (an IVR or agent desktop pausing for
 * a card), comes out as silence on every channel. No other sample
 * changes: audio with no tone and no span comes out byte for byte as it
 * went in. WAV files of 16-bit PCM, A-law or u-law at 8 or 16 kHz, mono
 * or one party per channel of a stereo file, are read; anything else
 * passes through untouched and is reported unchecked (and refused when
 * spans were marked on it, which could then not be kept). Transcripts,
 * emails and notes pass through the same mask as text, redacted line by
 * line as log lines are. Constant memory whatever the length.
 */
#ifndef CXV_MASK_H
#define CXV_MASK_H

#include <stddef.h>
#include <stdint.h>

/* Stored as names ("dtmf", "marked"); never renumber. */
enum cxv_mask_kind { CXV_MASK_DTMF, CXV_MASK_MARKED };

/* A masked span, in milliseconds from the start of the audio. */
struct cxv_mask_span {
	int64_t start_ms, end_ms;
	enum cxv_mask_kind kind;
};

#define CXV_MASK_SPANS_MAX	256	/* marked spans given with one item */

/* Where the masked bytes go, in order; an error stops the mask. */
typedef int (*cxv_mask_out_fn)(void *ctx, const uint8_t *data, size_t len);

struct cxv_mask;

/*
 * What passes through: WAV audio, or text (transcripts, emails, case
 * notes), whose cards, IBANs, email addresses and numbers are masked
 * line by line as the logger's redaction masks them (core/redact.h).
 */
enum cxv_mask_media { CXV_MASK_AUDIO, CXV_MASK_TEXT };

/* A mask writing to out, with the n spans marked (audio only; may be 0). */
int cxv_mask_new(enum cxv_mask_media media, const struct cxv_mask_span *marked,
    size_t n, cxv_mask_out_fn out, void *ctx, struct cxv_mask **m /* OUT */);
/* Pass len bytes through; a part of them is written now, the rest later. */
int cxv_mask_write(struct cxv_mask *m, const uint8_t *data, size_t len);
/*
 * Write what is held back. CXV_ERR_INVALID (*why says why) if spans
 * were marked on audio that could not be read.
 */
int cxv_mask_end(struct cxv_mask *m, const char **why /* OUT */);
/*
 * After end: what was masked, as JSON text the caller frees, shorter
 * than CXV_MASK_SUMMARY_MAX: {"state":"clean"|"masked","spans":[{"kind",
 * "start_ms","end_ms"}...]} (overlapping spans of a kind merged; past 30,
 * "more_spans" counts the rest), for text {"state":"clean"|"masked",
 * "redacted":N}, or {"state":"unchecked","reason":...}. No digit or
 * value is ever recorded.
 */
#define CXV_MASK_SUMMARY_MAX	2048
int cxv_mask_summary(const struct cxv_mask *m, char **json /* OUT */);
void cxv_mask_free(struct cxv_mask *m);

/*
 * Marked spans from text: "START-END[,START-END...]" in seconds with up
 * to three decimals ("12.5-31"). *spans is the caller's to free.
 */
int cxv_mask_spans_parse(const char *text,
    struct cxv_mask_span **spans /* OUT */, size_t *n /* OUT */,
    const char **why /* OUT */);

#endif
