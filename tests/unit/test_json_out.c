/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the reply writer (json_out.h): byte for byte what
 * jansson's json_dumps(doc, JSON_COMPACT) gives, on chosen documents
 * and on random ones, whether written from a tree or as it is built;
 * misuse of the streaming writer is an error, never bad JSON.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json_out.h"

/* doc (taken) written by both; they must agree. */
static void
assert_as_jansson(json_t *doc)
{
	struct cxv_buf b;
	char *want;

	assert_non_null(doc);
	want = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_non_null(want);
	cxv_buf_init(&b, SIZE_MAX / 2);
	assert_int_equal(cxv_json_write(doc, &b), CXV_OK);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.p, want, b.len);
	cxv_buf_free(&b);
	free(want);
	json_decref(doc);
}

static void
test_scalars(void **state)
{
	(void)state;
	assert_as_jansson(json_integer(0));
	assert_as_jansson(json_integer(-1));
	assert_as_jansson(json_integer(9));
	assert_as_jansson(json_integer(10));
	assert_as_jansson(json_integer(LLONG_MAX));
	assert_as_jansson(json_integer(LLONG_MIN));
	assert_as_jansson(json_real(1.0));
	assert_as_jansson(json_real(0.1));
	assert_as_jansson(json_real(-0.0));
	assert_as_jansson(json_real(1e300));
	assert_as_jansson(json_true());
	assert_as_jansson(json_false());
	assert_as_jansson(json_null());
	assert_as_jansson(json_string(""));
	assert_as_jansson(json_object());
	assert_as_jansson(json_array());
}

/* Every byte below 0x80 in a string and in a key; NUL included. */
static void
test_escapes(void **state)
{
	char all[128];
	json_t *doc;
	int i;

	(void)state;
	for (i = 0; i < 128; i++)
		all[i] = (char)i;
	assert_as_jansson(json_stringn(all, sizeof(all)));
	doc = json_object();
	assert_int_equal(json_object_setn_new(doc, all, sizeof(all),
	    json_stringn(all + 1, sizeof(all) - 1)), 0);
	assert_as_jansson(doc);
	/* Non-ASCII passes as it is, as jansson leaves it without
	 * JSON_ENSURE_ASCII; U+2028 too. */
	assert_as_jansson(json_string("M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80"
	    " \xe2\x80\xa8 \"q\" \\ /"));
	assert_as_jansson(json_string("\x1f\x7f\x01 tail"));
}

/*
 * Bytes that are not UTF-8 (a PBX's Latin-1 name, a cut sequence, an
 * overlong form, a surrogate) are written as U+FFFD, key or value.
 */
static void
test_not_utf8(void **state)
{
	static const struct { const char *in, *out; } c[] = {
		{ "Ren\xe9" "e", "\"Ren\xef\xbf\xbd" "e\"" },
		{ "ok \xe2\x82", "\"ok \xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xc3\x28\"", "\"\xef\xbf\xbd(\\\"\"" },
	};
	struct cxv_buf b;
	struct cxv_jw w;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cxv_buf_init(&b, 1024);
		cxv_jw_init(&w, &b);
		cxv_jw_string(&w, NULL, c[i].in);
		assert_int_equal(cxv_jw_end(&w), CXV_OK);
		assert_int_equal(b.len, strlen(c[i].out));
		assert_memory_equal(b.p, c[i].out, b.len);
		cxv_buf_free(&b);
	}
	cxv_buf_init(&b, 1024);
	cxv_jw_init(&w, &b);
	cxv_jw_object(&w, NULL);
	cxv_jw_string(&w, "\xed\xa0\x80", "v");
	cxv_jw_close(&w);
	assert_int_equal(cxv_jw_end(&w), CXV_OK);
	assert_memory_equal(b.p, "{\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\":"
	    "\"v\"}", b.len);
	cxv_buf_free(&b);
}

/* Keys in the order they were set, as the replies list them. */
static void
test_order_and_nesting(void **state)
{
	(void)state;
	assert_as_jansson(json_pack("{s:i, s:s, s:n, s:{s:s}, s:[{s:i}, {s:s}],"
	    " s:[], s:{}, s:b}", "z", 1, "a", "two", "m", "fields", "caller",
	    "+49 30 1234567", "trail", "seq", 1, "step", "completed", "items",
	    "content", "ok", 1));
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random valid UTF-8 string, control characters and quotes often. */
static json_t *
random_string(void)
{
	static const char *const pieces[] = { "\"", "\\", "\n", "\t", "\x01",
	    "\x1f", "/", "a", "Z", " ", "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80", "\x7f", "0" };
	char s[64];
	size_t len = 0, n = next() % 12, p;

	while (n-- > 0) {
		p = next() % (sizeof(pieces) / sizeof(pieces[0]));
		memcpy(s + len, pieces[p], strlen(pieces[p]));
		len += strlen(pieces[p]);
	}
	if (next() % 8 == 0)
		s[len++] = '\0';	/* an embedded NUL */
	return json_stringn(s, len);
}

static json_t *
random_value(int depth)
{
	json_t *v, *s;
	size_t n;

	switch (depth > 4 ? next() % 6 : next() % 8) {
	case 0: return json_integer((json_int_t)next());
	case 1: return json_real((double)(int64_t)next() / 1024.0);
	case 2: return random_string();
	case 3: return json_null();
	case 4: return json_true();
	case 5: return json_false();
	case 6:
		v = json_array();
		for (n = next() % 5; n > 0; n--)
			json_array_append_new(v, random_value(depth + 1));
		return v;
	default:
		v = json_object();
		for (n = next() % 5; n > 0; n--) {
			s = random_string();
			json_object_setn_new(v, json_string_value(s),
			    json_string_length(s), random_value(depth + 1));
			json_decref(s);
		}
		return v;
	}
}

static void
test_random_documents(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < 20000; i++)
		assert_as_jansson(random_value(0));
}

static json_t *
nested(int levels)
{
	json_t *v = json_array();

	while (--levels > 0) {
		json_t *outer = json_array();

		json_array_append_new(outer, v);
		v = outer;
	}
	return v;
}

/* As deep as jansson parses, and no deeper; a full buffer fails. */
static void
test_limits(void **state)
{
	struct cxv_buf b;
	json_t *doc;

	(void)state;
	assert_as_jansson(nested(2048));
	doc = nested(2049);
	cxv_buf_init(&b, SIZE_MAX / 2);
	assert_int_equal(cxv_json_write(doc, &b), CXV_ERR_INVALID);
	cxv_buf_free(&b);
	json_decref(doc);

	doc = json_pack("{s:s}", "caller", "+49 30 1234567");
	cxv_buf_init(&b, 10);
	assert_int_equal(cxv_json_write(doc, &b), CXV_ERR_TOO_LARGE);
	cxv_buf_free(&b);
	json_decref(doc);

	/* A real goes through jansson's own dumper: its refusal too. */
	doc = json_pack("[f]", 0.1);
	cxv_buf_init(&b, 5);
	assert_int_equal(cxv_json_write(doc, &b), CXV_ERR_TOO_LARGE);
	cxv_buf_free(&b);
	json_decref(doc);
}

/* The shape of an interaction reply, written as it is built. */
static void
test_streamed(void **state)
{
	struct cxv_buf b;
	struct cxv_jw w;
	json_t *want;
	char *text;

	(void)state;
	cxv_buf_init(&b, SIZE_MAX / 2);
	cxv_jw_init(&w, &b);
	cxv_jw_object(&w, NULL);
	cxv_jw_int(&w, "interaction", INT64_MAX);
	cxv_jw_int(&w, "delta", INT64_MIN);
	cxv_jw_string(&w, "media", "voice");
	cxv_jw_null(&w, "answered");
	cxv_jw_string(&w, "agent", NULL);
	cxv_jw_array(&w, "trail");
	cxv_jw_object(&w, NULL);
	cxv_jw_int(&w, "seq", 1);
	cxv_jw_string(&w, "step", "entered_service");
	cxv_jw_close(&w);
	cxv_jw_close(&w);
	cxv_jw_object(&w, "fields");
	cxv_jw_string(&w, "caller_name", "M\xc3\xbcller \"Q\"\n\x01");
	cxv_jw_close(&w);
	cxv_jw_array(&w, "items");
	cxv_jw_bool(&w, NULL, 1);
	cxv_jw_bool(&w, NULL, 0);
	cxv_jw_array(&w, NULL);
	cxv_jw_close(&w);
	cxv_jw_close(&w);
	cxv_jw_object(&w, "");
	cxv_jw_close(&w);
	cxv_jw_close(&w);
	assert_int_equal(cxv_jw_end(&w), CXV_OK);

	want = json_object();
	json_object_set_new(want, "interaction", json_integer(INT64_MAX));
	json_object_set_new(want, "delta", json_integer(INT64_MIN));
	json_object_set_new(want, "media", json_string("voice"));
	json_object_set_new(want, "answered", json_null());
	json_object_set_new(want, "agent", json_null());
	json_object_set_new(want, "trail", json_pack("[{s:i, s:s}]", "seq", 1,
	    "step", "entered_service"));
	json_object_set_new(want, "fields", json_pack("{s:s}", "caller_name",
	    "M\xc3\xbcller \"Q\"\n\x01"));
	json_object_set_new(want, "items", json_pack("[b, b, []]", 1, 0));
	json_object_set_new(want, "", json_object());
	text = json_dumps(want, JSON_COMPACT);
	assert_non_null(text);
	assert_int_equal(b.len, strlen(text));
	assert_memory_equal(b.p, text, b.len);
	free(text);
	json_decref(want);
	cxv_buf_free(&b);
}

/* Each misuse: the error sticks and nothing more is written. */
static int
misuse(void (*write)(struct cxv_jw *))
{
	struct cxv_buf b;
	struct cxv_jw w;
	size_t len;
	int r;

	cxv_buf_init(&b, SIZE_MAX / 2);
	cxv_jw_init(&w, &b);
	write(&w);
	len = b.len;
	cxv_jw_string(&w, NULL, "more");
	cxv_jw_close(&w);
	assert_int_equal(b.len, len);
	r = cxv_jw_end(&w);
	cxv_buf_free(&b);
	return r;
}

static void key_in_array(struct cxv_jw *w)
{ cxv_jw_array(w, NULL); cxv_jw_int(w, "k", 1); }
static void no_key_in_object(struct cxv_jw *w)
{ cxv_jw_object(w, NULL); cxv_jw_int(w, NULL, 1); }
static void key_at_top(struct cxv_jw *w)
{ cxv_jw_int(w, "k", 1); }
static void two_documents(struct cxv_jw *w)
{ cxv_jw_int(w, NULL, 1); cxv_jw_int(w, NULL, 2); }
static void close_at_top(struct cxv_jw *w)
{ cxv_jw_close(w); }
static void left_open(struct cxv_jw *w)
{ cxv_jw_object(w, NULL); cxv_jw_array(w, "a"); cxv_jw_close(w); }
static void too_deep(struct cxv_jw *w)
{
	int i;

	for (i = 0; i <= CXV_JSON_DEPTH_MAX; i++)
		cxv_jw_array(w, NULL);
}

static void
test_misuse(void **state)
{
	struct cxv_buf b;
	struct cxv_jw w;

	(void)state;
	/* No value at all is no document. */
	cxv_buf_init(&b, 16);
	cxv_jw_init(&w, &b);
	assert_int_equal(cxv_jw_end(&w), CXV_ERR_INVALID);
	assert_int_equal(misuse(key_in_array), CXV_ERR_INVALID);
	assert_int_equal(misuse(no_key_in_object), CXV_ERR_INVALID);
	assert_int_equal(misuse(key_at_top), CXV_ERR_INVALID);
	assert_int_equal(misuse(two_documents), CXV_ERR_INVALID);
	assert_int_equal(misuse(close_at_top), CXV_ERR_INVALID);
	assert_int_equal(misuse(left_open), CXV_ERR_INVALID);
	assert_int_equal(misuse(too_deep), CXV_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_order_and_nesting),
		cmocka_unit_test(test_random_documents),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_streamed),
		cmocka_unit_test(test_misuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
