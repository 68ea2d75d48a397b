/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the safe helpers: numbers, UTF-8, hex, time, files,
 * bounded buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/util.h"

static void
test_strtonum(void **state)
{
	long long v = 0;

	(void)state;
	assert_int_equal(cxv_strtonum("42", 1, 100, &v), CXV_OK);
	assert_int_equal(v, 42);
	assert_int_equal(cxv_strtonum("-5", -10, 10, &v), CXV_OK);
	assert_int_equal(v, -5);
	assert_int_equal(cxv_strtonum("", 0, 10, &v), CXV_ERR_INVALID);
	assert_int_equal(cxv_strtonum(" 1", 0, 10, &v), CXV_ERR_INVALID);
	assert_int_equal(cxv_strtonum("+1", 0, 10, &v), CXV_ERR_INVALID);
	assert_int_equal(cxv_strtonum("1 ", 0, 10, &v), CXV_ERR_INVALID);
	assert_int_equal(cxv_strtonum("0x10", 0, 100, &v), CXV_ERR_INVALID);
	assert_int_equal(cxv_strtonum("11", 0, 10, &v), CXV_ERR_TOO_LARGE);
	assert_int_equal(cxv_strtonum("99999999999999999999", 0, 10, &v),
	    CXV_ERR_TOO_LARGE);
	assert_int_equal(v, -5);
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(cxv_utf8_printable("abc", 3));
	assert_true(cxv_utf8_printable("\xe2\x82\xac", 3));	/* euro */
	assert_true(cxv_utf8_printable("\xf0\x9f\x98\x80", 4));	/* emoji */
	assert_false(cxv_utf8_printable("\xe2\x82", 2));
	assert_false(cxv_utf8_printable("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(cxv_utf8_printable("\xe0\x80\x80", 3));	/* overlong */
	assert_false(cxv_utf8_printable("a\tb", 3));
	assert_false(cxv_utf8_printable("a\0b", 3));
	assert_false(cxv_utf8_printable("\xff", 1));
	/* After a printable ASCII run: each kind of refusal, and leaving. */
	assert_false(cxv_utf8_printable("abc\x7f", 4));
	assert_false(cxv_utf8_printable("abc\x1f", 4));
	assert_false(cxv_utf8_printable("abc\xc2\x85", 5));	/* C1 */
	assert_false(cxv_utf8_printable("abc\xff", 4));
	assert_false(cxv_utf8_printable("abc\xe2\x82", 5));
	assert_true(cxv_utf8_printable("ab\xc2\xa0" "cd \xe2\x82\xac ~", 12));
	assert_true(cxv_utf8_printable("", 0));

	/* Valid UTF-8, controls and NUL allowed (JSON escapes them). */
	assert_true(cxv_utf8_valid("", 0));
	assert_true(cxv_utf8_valid("a\tb\0c\x7f", 6));
	assert_true(cxv_utf8_valid("M\xc3\xbcller \xf0\x9f\x98\x80", 12));
	assert_false(cxv_utf8_valid("ok \xe2\x82", 5));	/* cut short */
	assert_false(cxv_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(cxv_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(cxv_utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(cxv_utf8_valid("abc\x80", 4));		/* lone tail */
}

/* Bytes of another encoding shown as U+FFFD; valid text left alone. */
static void
test_utf8_repair(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(cxv_utf8_repair("M\xc3\xbcller", 7, &out), CXV_OK);
	assert_null(out);
	assert_int_equal(cxv_utf8_repair("M\xfc" "ller \xe2\x82", 10, &out),
	    CXV_OK);
	assert_non_null(out);
	assert_string_equal(out,
	    "M\xef\xbf\xbd" "ller \xef\xbf\xbd\xef\xbf\xbd");
	free(out);
	assert_int_equal(cxv_utf8_repair("\xed\xa0\x80" "a", 4, &out), CXV_OK);
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "a");
	free(out);
}

/* Integers as snprintf prints them, with a prefix; too small: "". */
static void
test_fmt_int(void **state)
{
	static const int64_t edge[] = { 0, 1, -1, 9, 10, -10, 99, 100,
	    INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1 };
	char got[48], want[48];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	size_t i, n;

	(void)state;
	for (i = 0; i < 200000; i++) {
		int64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = i < sizeof(edge) / sizeof(edge[0]) ? edge[i] :
		    (int64_t)(x >> (x % 64));
		if (i % 2 && v != INT64_MIN)
			v = -v;
		n = cxv_fmt_int(got, sizeof(got), i % 3 ? "" : "item:", v);
		snprintf(want, sizeof(want), "%s%lld", i % 3 ? "" : "item:",
		    (long long)v);
		assert_string_equal(got, want);
		assert_int_equal(n, strlen(want));
	}
	assert_int_equal(cxv_fmt_int(got, CXV_INT_STR, "",
	    INT64_MIN), 20);
	assert_int_equal(cxv_fmt_int(got, 4, "ab", 12), 0);
	assert_string_equal(got, "");
	assert_int_equal(cxv_fmt_int(got, 5, "ab", 12), 4);
	assert_string_equal(got, "ab12");
}

/* A buffer never holds more than its maximum, small or not. */
static void
test_buf(void **state)
{
	struct cxv_buf b;
	char big[300];
	size_t i;

	(void)state;
	memset(big, 'x', sizeof(big));
	cxv_buf_init(&b, 10);
	assert_int_equal(cxv_buf_add(&b, "0123456789", 10), CXV_OK);
	assert_int_equal(cxv_buf_add(&b, "a", 1), CXV_ERR_TOO_LARGE);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.p, "0123456789");
	assert_true(b.cap <= b.max + 1);
	cxv_buf_free(&b);

	/* Byte by byte to the maximum, past the first allocation. */
	cxv_buf_init(&b, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(cxv_buf_add(&b, big, 1), CXV_OK);
	assert_int_equal(cxv_buf_add(&b, big, 1), CXV_ERR_TOO_LARGE);
	assert_int_equal(b.len, 1000);
	assert_true(b.cap <= b.max + 1);
	assert_int_equal(cxv_buf_add(&b, big, 0), CXV_OK);
	cxv_buf_free(&b);

	cxv_buf_init(&b, 299);
	assert_int_equal(cxv_buf_add(&b, big, sizeof(big)), CXV_ERR_TOO_LARGE);
	assert_null(b.p);
	assert_int_equal(cxv_buf_printf(&b, "%s-%d", "n", 7), CXV_OK);
	assert_string_equal(b.p, "n-7");
	cxv_buf_free(&b);
}

static void
test_hex(void **state)
{
	const uint8_t in[3] = { 0x00, 0xab, 0xff };
	uint8_t out[3];
	char hex[7];

	(void)state;
	cxv_hex(in, 3, hex);
	assert_string_equal(hex, "00abff");
	assert_int_equal(cxv_unhex("00ABff", out, 3), CXV_OK);
	assert_memory_equal(in, out, 3);
	assert_int_equal(cxv_unhex("00abf", out, 3), CXV_ERR_INVALID);
	assert_int_equal(cxv_unhex("00abfg", out, 3), CXV_ERR_INVALID);
}

static void
test_time(void **state)
{
	char s[CXV_TIME_STR];
	int64_t ms = 0;

	(void)state;
	assert_int_equal(cxv_time_parse("2026-11-25", &ms), CXV_OK);
	assert_int_equal(ms, INT64_C(1795564800000));
	assert_int_equal(cxv_time_parse("2026-11-25T03:48:08Z", &ms), CXV_OK);
	cxv_time_format(ms + 123, s);
	assert_string_equal(s, "2026-11-25T03:48:08.123Z");
	/* What the vault writes reads back (issue 27: a feed's gaps). */
	assert_int_equal(cxv_time_parse(s, &ms), CXV_OK);
	assert_int_equal(ms, INT64_C(1795564800000) + 13688123);
	assert_int_equal(cxv_time_parse("2026-11-25T03:48:08.12Z", &ms),
	    CXV_ERR_INVALID);
	assert_int_equal(cxv_time_parse("2026-11-25T03:48:08", &ms),
	    CXV_ERR_INVALID);
	assert_int_equal(cxv_time_parse("yesterday", &ms), CXV_ERR_INVALID);
	assert_int_equal(cxv_time_parse("2026-11-25x", &ms), CXV_ERR_INVALID);
}

/* Deadlines ms ahead of the clock, nanoseconds carried into seconds. */
static void
test_deadline(void **state)
{
	static const int ms[] = { 0, 1, 200, 999, 1000, 1999, 60000 };
	struct timespec before, d, after;
	int64_t lo, hi, at;

	(void)state;
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		clock_gettime(CLOCK_REALTIME, &before);
		d = cxv_deadline_ms(ms[i]);
		clock_gettime(CLOCK_REALTIME, &after);
		assert_true(d.tv_nsec >= 0 && d.tv_nsec < 1000000000L);
		at = (int64_t)d.tv_sec * 1000000000 + d.tv_nsec;
		lo = (int64_t)before.tv_sec * 1000000000 + before.tv_nsec +
		    (int64_t)ms[i] * 1000000;
		hi = (int64_t)after.tv_sec * 1000000000 + after.tv_nsec +
		    (int64_t)ms[i] * 1000000;
		assert_true(at >= lo && at <= hi);
	}
}

/* The formatter against gmtime_r over the four-digit years. */
static void
test_time_format(void **state)
{
	char s[CXV_TIME_STR], want[CXV_TIME_STR], date[32];
	int64_t ms, span = INT64_C(253402300799999) + INT64_C(62167219200000);
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);	/* xorshift64 state */
	struct tm tm;
	time_t secs;
	int i;

	(void)state;
	cxv_time_format(0, s);
	assert_string_equal(s, "1970-01-01T00:00:00.000Z");
	cxv_time_format(-1, s);
	assert_string_equal(s, "1969-12-31T23:59:59.999Z");
	cxv_time_format(INT64_C(951782400000), s);	/* a leap day */
	assert_string_equal(s, "2000-02-29T00:00:00.000Z");
	cxv_time_format(INT64_C(-62167219200000), s);
	assert_string_equal(s, "0000-01-01T00:00:00.000Z");
	cxv_time_format(INT64_C(253402300799999), s);
	assert_string_equal(s, "9999-12-31T23:59:59.999Z");
	cxv_time_format(INT64_C(253402300800000), s);
	assert_string_equal(s, "invalid-time");
	cxv_time_format(INT64_C(-62167219200001), s);
	assert_string_equal(s, "invalid-time");
	cxv_time_format(INT64_MIN, s);
	assert_string_equal(s, "invalid-time");
	cxv_time_format(INT64_MAX, s);
	assert_string_equal(s, "invalid-time");
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ms = (int64_t)(x % (uint64_t)span) - INT64_C(62167219200000);
		secs = (time_t)((ms - (((ms % 1000) + 1000) % 1000)) / 1000);
		assert_non_null(gmtime_r(&secs, &tm));
		strftime(date, sizeof(date), "%H:%M:%S", &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%s.%03dZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, date,
		    (int)(((ms % 1000) + 1000) % 1000));
		cxv_time_format(ms, s);
		assert_string_equal(s, want);
	}
}

/* Atomic writes leave either the old or the new file, mode as asked. */
static void
test_files(void **state)
{
	char dir[] = "/tmp/cxv-util-XXXXXX", path[64], *text = NULL;
	struct stat st;
	size_t len = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(cxv_read_file(path, 10, &text, &len), CXV_ERR_NOT_FOUND);
	assert_int_equal(cxv_write_file_atomic(path, "hello", 5, 0600, 0), CXV_OK);
	assert_int_equal(cxv_write_file_atomic(path, "x", 1, 0600, 0),
	    CXV_ERR_EXISTS);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(cxv_read_file(path, 4, &text, &len), CXV_ERR_TOO_LARGE);
	assert_int_equal(cxv_read_file(path, 5, &text, &len), CXV_OK);
	assert_string_equal(text, "hello");
	cxv_freezero(text, len + 1);
	assert_int_equal(cxv_write_file_atomic(path, "bye", 3, 0600, 1), CXV_OK);
	assert_int_equal(cxv_read_file(path, 5, &text, &len), CXV_OK);
	assert_string_equal(text, "bye");
	cxv_freezero(text, len + 1);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtonum),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_fmt_int),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
