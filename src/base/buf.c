/* SPDX-License-Identifier: Apache-2.0 */
/* Growable buffers with a maximum; see buf.h. */
#include "base/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"

void
cxv_buf_init(struct cxv_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

/*
 * Room for need more bytes and a NUL; old memory is wiped, not
 * realloc'd. cap never passes max + 1 (cxv_buf_add() counts on it).
 */
static int
reserve(struct cxv_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need > b->max - b->len)
		return CXV_ERR_TOO_LARGE;
	if (b->len + need + 1 <= b->cap)
		return CXV_OK;
	cap = b->cap ? b->cap : 256;
	if (b->max < cap - 1)
		cap = b->max + 1;
	while (cap < b->len + need + 1)
		cap = cap > b->max / 2 + 1 ? b->max + 1 : cap * 2;
	if ((p = malloc(cap)) == NULL)
		return CXV_ERR_NOMEM;
	if (b->len > 0)
		memcpy(p, b->p, b->len + 1);
	cxv_freezero(b->p, b->cap);
	b->p = p;
	b->cap = cap;
	return CXV_OK;
}

int
cxv_buf_add_grow(struct cxv_buf *b, const void *data, size_t len)
{
	int r;

	if (len == 0)
		return CXV_OK;
	if ((r = reserve(b, len)) != CXV_OK)
		return r;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return CXV_OK;
}

int
cxv_buf_printf(struct cxv_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return CXV_ERR_INVALID;
	if (n == 0)
		return CXV_OK;
	if ((r = reserve(b, (size_t)n)) != CXV_OK)
		return r;
	va_start(ap, fmt);
	(void)vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return CXV_OK;
}

char *
cxv_buf_take(struct cxv_buf *b)
{
	char *p = b->p;

	if (p == NULL)
		p = calloc(1, 1);
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
cxv_buf_free(struct cxv_buf *b)
{
	cxv_freezero(b->p, b->cap);
	b->p = NULL;
	b->len = b->cap = 0;
}
