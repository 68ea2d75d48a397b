/* SPDX-License-Identifier: Apache-2.0 */
/* Compact JSON into a buffer; see json_out.h. */
#include "base/json_out.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/util.h"

static int
bit(const uint64_t *set, int d)
{
	return (int)((set[d / 64] >> (d % 64)) & 1);
}

static void
set_bit(uint64_t *set, int d, int on)
{
	uint64_t m = UINT64_C(1) << (d % 64);

	set[d / 64] = on ? set[d / 64] | m : set[d / 64] & ~m;
}

static void
add(struct cxv_jw *w, const char *p, size_t len)
{
	if (w->r == CXV_OK)
		w->r = cxv_buf_add(w->b, p, len);
}

/*
 * A string's bytes, escaped as jansson escapes them: the quote, the
 * backslash and the control characters; the rest as it is (valid UTF-8,
 * as jansson's strings are).
 */
static void
put_string(struct cxv_jw *w, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[7] = "\\u00";
	size_t i, from = 0, n;

	char *fixed = NULL;

	/* Bytes of another encoding (a PBX's Latin-1 name): U+FFFD each. */
	if (cxv_utf8_repair(s, len, &fixed) != CXV_OK) {
		w->r = w->r == CXV_OK ? CXV_ERR_NOMEM : w->r;
		return;
	}
	if (fixed != NULL) {
		put_string(w, fixed, strlen(fixed));
		cxv_freezero(fixed, strlen(fixed) + 1);
		return;
	}
	add(w, "\"", 1);
	for (i = 0; i < len && w->r == CXV_OK; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		add(w, s + from, i - from);
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
		add(w, esc, n);
	}
	add(w, s + from, len - from);
	add(w, "\"", 1);
}

/*
 * Before a value: the comma and the key. 0 (and the error kept) if the
 * key does not fit where the value goes, or nothing more may go.
 */
static int
lead(struct cxv_jw *w, const char *key, size_t keylen)
{
	int in_object = w->depth > 0 && !bit(w->array, w->depth);

	if (w->r != CXV_OK)
		return 0;
	if ((key != NULL) != in_object || w->depth >= CXV_JSON_DEPTH_MAX ||
	    (w->depth == 0 && bit(w->more, 0))) {
		w->r = CXV_ERR_INVALID;
		return 0;
	}
	if (bit(w->more, w->depth))
		add(w, ",", 1);
	set_bit(w->more, w->depth, 1);
	if (key != NULL) {
		put_string(w, key, keylen);
		add(w, ":", 1);
	}
	return w->r == CXV_OK;
}

static size_t
key_len(const char *key)
{
	return key != NULL ? strlen(key) : 0;
}

static void
open_n(struct cxv_jw *w, const char *key, size_t keylen, int array)
{
	if (!lead(w, key, keylen))
		return;
	add(w, array ? "[" : "{", 1);
	w->depth++;
	set_bit(w->more, w->depth, 0);
	set_bit(w->array, w->depth, array);
}

static void
string_n(struct cxv_jw *w, const char *key, size_t keylen, const char *s,
    size_t len)
{
	if (lead(w, key, keylen))
		put_string(w, s, len);
}

static void
int_n(struct cxv_jw *w, const char *key, size_t keylen, int64_t v)
{
	char d[CXV_INT_STR];

	if (lead(w, key, keylen))
		add(w, d, cxv_fmt_int(d, sizeof(d), "", v));
}

static void
literal_n(struct cxv_jw *w, const char *key, size_t keylen, const char *lit)
{
	if (lead(w, key, keylen))
		add(w, lit, strlen(lit));
}

void
cxv_jw_init(struct cxv_jw *w, struct cxv_buf *b)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
}

void
cxv_jw_object(struct cxv_jw *w, const char *key)
{
	open_n(w, key, key_len(key), 0);
}

void
cxv_jw_array(struct cxv_jw *w, const char *key)
{
	open_n(w, key, key_len(key), 1);
}

void
cxv_jw_close(struct cxv_jw *w)
{
	if (w->r == CXV_OK && w->depth == 0)
		w->r = CXV_ERR_INVALID;
	if (w->r != CXV_OK)
		return;
	add(w, bit(w->array, w->depth) ? "]" : "}", 1);
	w->depth--;
}

void
cxv_jw_string(struct cxv_jw *w, const char *key, const char *s)
{
	if (s == NULL)
		cxv_jw_null(w, key);
	else
		string_n(w, key, key_len(key), s, strlen(s));
}

void
cxv_jw_int(struct cxv_jw *w, const char *key, int64_t v)
{
	int_n(w, key, key_len(key), v);
}

void
cxv_jw_bool(struct cxv_jw *w, const char *key, int v)
{
	literal_n(w, key, key_len(key), v ? "true" : "false");
}

void
cxv_jw_null(struct cxv_jw *w, const char *key)
{
	literal_n(w, key, key_len(key), "null");
}

int
cxv_jw_end(const struct cxv_jw *w)
{
	if (w->r != CXV_OK)
		return w->r;
	return w->depth == 0 && bit(w->more, 0) ? CXV_OK : CXV_ERR_INVALID;
}

static int
add_piece(const char *piece, size_t len, void *arg)
{
	struct cxv_jw *w = arg;

	add(w, piece, len);
	return w->r == CXV_OK ? 0 : -1;
}

/*
 * Reals are rare in replies: jansson's own formatting, not a copy of
 * it, straight into the buffer (no text of its own left unwiped).
 */
static void
real_n(struct cxv_jw *w, const char *key, size_t keylen, const json_t *v)
{
	if (lead(w, key, keylen) && json_dump_callback(v, add_piece, w,
	    JSON_ENCODE_ANY | JSON_COMPACT) != 0 && w->r == CXV_OK)
		w->r = CXV_ERR_NOMEM;
}

static void
tree_value(struct cxv_jw *w, const char *key, size_t keylen, const json_t *v)
{
	void *it;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		open_n(w, key, keylen, 0);
		for (it = json_object_iter((json_t *)v); it != NULL &&
		    w->r == CXV_OK; it = json_object_iter_next((json_t *)v, it))
			tree_value(w, json_object_iter_key(it),
			    json_object_iter_key_len(it),
			    json_object_iter_value(it));
		cxv_jw_close(w);
		break;
	case JSON_ARRAY:
		open_n(w, key, keylen, 1);
		for (i = 0; i < json_array_size(v) && w->r == CXV_OK; i++)
			tree_value(w, NULL, 0, json_array_get(v, i));
		cxv_jw_close(w);
		break;
	case JSON_STRING:
		string_n(w, key, keylen, json_string_value(v),
		    json_string_length(v));
		break;
	case JSON_INTEGER:
		int_n(w, key, keylen, json_integer_value(v));
		break;
	case JSON_REAL:
		real_n(w, key, keylen, v);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		literal_n(w, key, keylen, json_is_true(v) ? "true" : "false");
		break;
	case JSON_NULL:
		literal_n(w, key, keylen, "null");
		break;
	}
}

int
cxv_json_write(const json_t *doc, struct cxv_buf *b)
{
	struct cxv_jw w;

	cxv_jw_init(&w, b);
	tree_value(&w, NULL, 0, doc);
	return cxv_jw_end(&w);
}
