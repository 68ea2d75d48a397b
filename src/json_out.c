/* SPDX-License-Identifier: Apache-2.0 */
/* Compact JSON into a buffer; see json_out.h. */
#include "json_out.h"

#include "err.h"

/* jansson's parser stops at this depth: what it reads, this writes. */
#define DEPTH_MAX	2048

/*
 * A string's bytes, escaped as jansson escapes them: the quote, the
 * backslash and the control characters; the rest as it is (jansson's
 * strings are valid UTF-8: every constructor but the _nocheck ones,
 * which the vault does not use, checks).
 */
static int
write_string(struct cxv_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[7] = "\\u00";
	size_t i, from = 0, n;
	int r = cxv_buf_add(b, "\"", 1);

	for (i = 0; i < len && r == CXV_OK; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		if (i > from && (r = cxv_buf_add(b, s + from, i - from)) !=
		    CXV_OK)
			break;
		from = i + 1;
		n = 2;
		switch (ch) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[4] = hex[ch >> 4];
			esc[5] = hex[ch & 0xf];
			n = 6;
		}
		r = cxv_buf_add(b, esc, n);
	}
	if (r == CXV_OK && len > from)
		r = cxv_buf_add(b, s + from, len - from);
	return r == CXV_OK ? cxv_buf_add(b, "\"", 1) : r;
}

static int
write_integer(struct cxv_buf *b, json_int_t v)
{
	char d[24], *p = d + sizeof(d);
	/* The magnitude unsigned, so that the most negative one has one. */
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m != 0);
	if (v < 0)
		*--p = '-';
	return cxv_buf_add(b, p, (size_t)(d + sizeof(d) - p));
}

struct sink {
	struct cxv_buf *b;
	int r;		/* the buffer's error, if it refused a piece */
};

static int
add_piece(const char *piece, size_t len, void *arg)
{
	struct sink *k = arg;

	return (k->r = cxv_buf_add(k->b, piece, len)) == CXV_OK ? 0 : -1;
}

/*
 * Reals are rare in replies: jansson's own formatting, not a copy of
 * it, straight into b (no text of its own left unwiped).
 */
static int
write_real(struct cxv_buf *b, const json_t *v)
{
	struct sink k = { b, CXV_OK };

	if (json_dump_callback(v, add_piece, &k, JSON_ENCODE_ANY |
	    JSON_COMPACT) == 0)
		return CXV_OK;
	return k.r != CXV_OK ? k.r : CXV_ERR_NOMEM;
}

static int write_value(struct cxv_buf *, const json_t *, int);

static int
write_object(struct cxv_buf *b, const json_t *v, int depth)
{
	void *first = json_object_iter((json_t *)v), *it;
	int r = cxv_buf_add(b, "{", 1);

	for (it = first; it != NULL && r == CXV_OK;
	    it = json_object_iter_next((json_t *)v, it)) {
		if (it != first)
			r = cxv_buf_add(b, ",", 1);
		if (r == CXV_OK)
			r = write_string(b, json_object_iter_key(it),
			    json_object_iter_key_len(it));
		if (r == CXV_OK)
			r = cxv_buf_add(b, ":", 1);
		if (r == CXV_OK)
			r = write_value(b, json_object_iter_value(it), depth);
	}
	return r == CXV_OK ? cxv_buf_add(b, "}", 1) : r;
}

static int
write_array(struct cxv_buf *b, const json_t *v, int depth)
{
	size_t i, n = json_array_size(v);
	int r = cxv_buf_add(b, "[", 1);

	for (i = 0; i < n && r == CXV_OK; i++) {
		if (i > 0)
			r = cxv_buf_add(b, ",", 1);
		if (r == CXV_OK)
			r = write_value(b, json_array_get(v, i), depth);
	}
	return r == CXV_OK ? cxv_buf_add(b, "]", 1) : r;
}

static int
write_value(struct cxv_buf *b, const json_t *v, int depth)
{
	if (depth >= DEPTH_MAX)
		return CXV_ERR_INVALID;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return write_object(b, v, depth + 1);
	case JSON_ARRAY:
		return write_array(b, v, depth + 1);
	case JSON_STRING:
		return write_string(b, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		return write_integer(b, json_integer_value(v));
	case JSON_REAL:
		return write_real(b, v);
	case JSON_TRUE:
		return cxv_buf_add(b, "true", 4);
	case JSON_FALSE:
		return cxv_buf_add(b, "false", 5);
	case JSON_NULL:
		return cxv_buf_add(b, "null", 4);
	}
	return CXV_ERR_INVALID;
}

int
cxv_json_write(const json_t *doc, struct cxv_buf *b)
{
	return write_value(b, doc, 0);
}
