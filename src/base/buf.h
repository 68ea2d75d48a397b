/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A growable byte buffer with a hard maximum (curl's dynbuf): appending
 * past the maximum fails with CXV_ERR_TOO_LARGE instead of growing
 * without bound. Contents are wiped whenever memory is released, since
 * buffers carry request bodies and responses with personal data.
 * A buffer is used by one thread at a time.
 */
#ifndef CXV_BUF_H
#define CXV_BUF_H

#include <stddef.h>
#include <string.h>

#include "base/err.h"

struct cxv_buf {
	char *p;	/* NUL-terminated while len > 0; NULL when empty */
	size_t len;
	size_t cap;	/* allocated, NUL included */
	size_t max;	/* len never exceeds it */
};

/* An empty buffer that will hold at most max bytes. */
void cxv_buf_init(struct cxv_buf *b, size_t max);

/* cxv_buf_add() when b must grow first (or len is 0). */
int cxv_buf_add_grow(struct cxv_buf *b, const void *data, size_t len);

/*
 * Append len bytes; CXV_ERR_TOO_LARGE or CXV_ERR_NOMEM leave b as it
 * was. Inline while the bytes fit the memory b holds (its cap never
 * passes max + 1): the JSON writer appends a few bytes at a time.
 */
static inline int
cxv_buf_add(struct cxv_buf *b, const void *data, size_t len)
{
	if (len != 0 && len < b->cap - b->len) {
		memcpy(b->p + b->len, data, len);
		b->len += len;
		b->p[b->len] = '\0';
		return CXV_OK;
	}
	return cxv_buf_add_grow(b, data, len);
}

/* Append formatted text; errors as cxv_buf_add(). */
int cxv_buf_printf(struct cxv_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Hand the contents (NUL-terminated, possibly "" when empty) to the
 * caller, who frees them with cxv_freezero(p, len + 1); b is empty
 * after. NULL on no memory.
 */
char *cxv_buf_take(struct cxv_buf *b);

/* Wipe and release; b is empty after. */
void cxv_buf_free(struct cxv_buf *b);

#endif
