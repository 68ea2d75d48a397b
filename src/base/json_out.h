/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compact JSON written straight into a buffer, for the API's replies:
 * either as it is built (struct cxv_jw, for the hot replies: no tree to
 * build, walk and wipe), or from a jansson document, byte for byte what
 * json_dumps(doc, JSON_COMPACT) gives (keys in insertion order).
 * jansson's own dumper was a sixth of the instructions of a GET: a
 * snprintf per number and a set of visited containers, keyed by their
 * printed address, against cycles that a document built by the vault
 * cannot have.
 */
#ifndef CXV_JSON_OUT_H
#define CXV_JSON_OUT_H

#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"

/* jansson's parser stops at this depth: what it reads, this writes. */
#define CXV_JSON_DEPTH_MAX	2048
#define CXV_JW_WORDS		((CXV_JSON_DEPTH_MAX + 64) / 64)

/*
 * A document being written. Every value names its member key, or NULL
 * for an array's element and for the document itself; the writer
 * places the commas and closes with the bracket that opened. The first
 * error sticks in r: later calls do nothing and cxv_jw_end() returns
 * it (callbacks that write may return r to stop early). Lives on the
 * caller's stack; the text is in the caller's buffer.
 */
struct cxv_jw {
	struct cxv_buf *b;
	int r;				/* the first error, or CXV_OK */
	int depth;			/* containers open */
	uint64_t more[CXV_JW_WORDS];	/* bit d: level d has a value */
	uint64_t array[CXV_JW_WORDS];	/* bit d: level d is an array */
};

/* Start a document at the end of b. */
void cxv_jw_init(struct cxv_jw *w, struct cxv_buf *b);
void cxv_jw_object(struct cxv_jw *w, const char *key);
void cxv_jw_array(struct cxv_jw *w, const char *key);
/* Close the innermost open container. */
void cxv_jw_close(struct cxv_jw *w);
/* s must be valid UTF-8 (CXV_ERR_INVALID otherwise); NULL writes null. */
void cxv_jw_string(struct cxv_jw *w, const char *key, const char *s);
void cxv_jw_int(struct cxv_jw *w, const char *key, int64_t v);
void cxv_jw_bool(struct cxv_jw *w, const char *key, int v);
void cxv_jw_null(struct cxv_jw *w, const char *key);

/*
 * CXV_OK once one whole value is written. CXV_ERR_INVALID for a key
 * where none belongs (or none where one does), bad UTF-8, nesting past
 * CXV_JSON_DEPTH_MAX or containers left open; the buffer's
 * CXV_ERR_TOO_LARGE or CXV_ERR_NOMEM. After an error b holds a partial
 * document, for the caller to discard.
 */
int cxv_jw_end(const struct cxv_jw *w);

/* Append doc to b; errors as cxv_jw_end(). */
int cxv_json_write(const json_t *doc, struct cxv_buf *b);

#endif
