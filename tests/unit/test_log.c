/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the logger: personal values masked by level (R8.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/util.h"
#include "core/log.h"

static char logpath[64];

/* Open the test log at level, private data hidden as by default. */
static int
open_at(int level, int hide)
{
	struct cxv_log_opts o = { level, hide, 1 << 20, 3, 0 };

	return cxv_log_open(logpath, &o);
}
static char dir[] = "/tmp/cxv-log-XXXXXX";

static void
fake_pseudonym(void *ctx, const char *value, char *out, size_t cap)
{
	(void)ctx;
	snprintf(out, cap, "ps:%zu", strlen(value));
}

/* The whole log file as a string (caller frees); "" if unreadable. */
static char *
slurp(void)
{
	char *text = NULL;
	size_t len = 0;

	if (cxv_read_file(logpath, 1 << 20, &text, &len) != CXV_OK)
		return strdup("");
	return text;
}

static int
setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(logpath, sizeof(logpath), "%s/t.log", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	cxv_log_close();
	unlink(logpath);
	rmdir(dir);
	return 0;
}

/* R8.1: at the default level a personal value never reaches the file. */
static void
test_default_level_masks(void **state)
{
	char *text;

	(void)state;
	unlink(logpath);
	assert_int_equal(open_at(3, 1), CXV_OK);
	CXV_LOG(CXV_LOG_INFO, "before.unlock",
	    CXV_LF_PERSONAL("phone", "+4930123456789"));
	cxv_log_set_pseudonymizer(fake_pseudonym, NULL);
	CXV_LOG(CXV_LOG_INFO, "subject.create", CXV_LF("subject", "42"),
	    CXV_LF_PERSONAL("phone", "+4930123456789"),
	    CXV_LF_PROTECTED("pin", "1234"));
	CXV_LOG(CXV_LOG_DEBUG, "too.verbose", CXV_LF("x", "1"));
	cxv_log_close();
	text = slurp();
	assert_null(strstr(text, "4930123456789"));
	assert_null(strstr(text, "1234\n"));
	assert_non_null(strstr(text, "event=before.unlock phone=***"));
	assert_non_null(strstr(text, "subject=42 phone=ps:14 pin=[protected]"));
	assert_null(strstr(text, "too.verbose"));
	free(text);
}

/* At 7-9 personal values are allowed; protected ones still are not. */
static void
test_high_level_allows(void **state)
{
	char *text;

	(void)state;
	unlink(logpath);
	assert_int_equal(open_at(7, 0), CXV_OK);
	cxv_log_set_pseudonymizer(fake_pseudonym, NULL);
	CXV_LOG(CXV_LOG_DEBUG, "x", CXV_LF_PERSONAL("email", "a@b.c"),
	    CXV_LF_PROTECTED("card", "4111111111111111"));
	cxv_log_close();
	text = slurp();
	assert_non_null(strstr(text, "email=a@b.c card=[protected]"));
	assert_null(strstr(text, "4111"));
	free(text);
}

/* Values cannot forge fields or lines: quotes, '=', newlines escaped. */
static void
test_escaping(void **state)
{
	char *text;

	(void)state;
	unlink(logpath);
	assert_int_equal(open_at(9, 0), CXV_OK);
	CXV_LOG(CXV_LOG_INFO, "x", CXV_LF("a", "1 level=1\nfake=\"y\""),
	    CXV_LF("b", ""), CXV_LF("c", NULL));
	cxv_log_close();
	text = slurp();
	assert_non_null(strstr(text,
	    "a=\"1 level=1\\x0afake=\\\"y\\\"\" b=\"\" c=-\n"));
	/* One line only: the value's newline was escaped. */
	assert_non_null(strchr(text, '\n'));
	assert_int_equal(strchr(text, '\n')[1], '\0');
	free(text);
}

/* A line never overruns its buffer: it is cut. */
static void
test_long_line(void **state)
{
	char *big = malloc(10000), *text;

	(void)state;
	assert_non_null(big);
	memset(big, 'v', 9999);
	big[9999] = '\0';
	unlink(logpath);
	assert_int_equal(open_at(3, 1), CXV_OK);
	CXV_LOG(CXV_LOG_INFO, "x", CXV_LF("big", big));
	cxv_log_close();
	text = slurp();
	assert_true(strlen(text) <= 2048);
	assert_int_equal(text[strlen(text) - 1], '\n');
	free(text);
	free(big);
}

/*
 * R8.3: with the privacy switch on (the default), level 9 writes no
 * personal value either; R8.4: free text is redacted.
 */
static void
test_switch_and_redaction(void **state)
{
	char *text;

	(void)state;
	unlink(logpath);
	assert_int_equal(open_at(9, 1), CXV_OK);
	cxv_log_set_pseudonymizer(fake_pseudonym, NULL);
	CXV_LOG(CXV_LOG_TRACE, "x", CXV_LF_PERSONAL("phone", "+4930123456789"),
	    CXV_LF_TEXT("error", "bad card 4111 1111 1111 1111 or "
	    "jane@example.org, order 1234567812345678"));
	cxv_log_close();
	text = slurp();
	assert_null(strstr(text, "4930123456789"));
	assert_null(strstr(text, "4111"));
	assert_null(strstr(text, "jane@"));
	assert_non_null(strstr(text, "[card]"));
	assert_non_null(strstr(text, "[email]"));
	assert_non_null(strstr(text, "1234567812345678"));
	free(text);
	/* Off, level 9 writes them for debugging. */
	unlink(logpath);
	assert_int_equal(open_at(9, 0), CXV_OK);
	CXV_LOG(CXV_LOG_TRACE, "x", CXV_LF_TEXT("error", "jane@example.org"));
	cxv_log_close();
	text = slurp();
	assert_non_null(strstr(text, "jane@example.org"));
	free(text);
}

static int
exists(const char *suffix)
{
	char p[96];

	snprintf(p, sizeof(p), "%s%s", logpath, suffix);
	return access(p, F_OK) == 0;
}

/* R8.2: rotation by size keeps max_files; R6.7: purge empties the logs. */
static void
test_rotation_and_purge(void **state)
{
	struct cxv_log_opts o = { 3, 1, 4096, 2, 0 };
	char *text;
	int i;

	(void)state;
	unlink(logpath);
	assert_int_equal(cxv_log_open(logpath, &o), CXV_OK);
	for (i = 0; i < 400; i++)
		CXV_LOG(CXV_LOG_INFO, "line", CXV_LF("n", "0123456789abcdef"));
	assert_true(exists(".1"));
	assert_true(exists(".2"));
	assert_false(exists(".3"));
	text = slurp();
	assert_true(strlen(text) <= 4096);
	free(text);
	assert_int_equal(cxv_log_purge(), CXV_OK);
	assert_false(exists(".1"));
	assert_false(exists(".2"));
	text = slurp();
	assert_string_equal(text, "");
	free(text);
	CXV_LOG(CXV_LOG_INFO, "after", CXV_LF("n", "1"));
	cxv_log_close();
	text = slurp();
	assert_non_null(strstr(text, "event=after"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch_and_redaction),
		cmocka_unit_test(test_rotation_and_purge),
		cmocka_unit_test(test_default_level_masks),
		cmocka_unit_test(test_high_level_allows),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
