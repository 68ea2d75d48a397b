/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the password policy and hashing (R2.2, R2.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "core/password.h"

static int
check(const char *pw, const char *const *personal, size_t n)
{
	const char *why = NULL;
	int r = cxv_password_check(pw, strlen(pw), 12, personal, n, &why);

	if (r != CXV_OK)
		assert_non_null(why);
	return r;
}

/* R2.2: the list installed with the program has at least 10,000 entries. */
static void
test_list(void **state)
{
	size_t i;

	(void)state;
	assert_true(cxv_common_passwords_n >= 10000);
	for (i = 1; i < cxv_common_passwords_n; i++)
		assert_true(strcmp(cxv_common_passwords[i - 1],
		    cxv_common_passwords[i]) < 0);
}

/* R2.2: length, common passwords (any case), logon id and names. */
static void
test_policy(void **state)
{
	static const char *const who[] = { "A0100", "Anna", "Agent", "Al" };

	(void)state;
	assert_int_equal(check("correct horse battery", who, 4), CXV_OK);
	assert_int_equal(check("short-1", NULL, 0), CXV_ERR_INVALID);
	/* Length counts characters: 6 letters in 12 bytes are too short. */
	assert_int_equal(check("\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
	    "\xc3\xa4", NULL, 0), CXV_ERR_INVALID);
	assert_int_equal(check("qwertyuiop123", NULL, 0), CXV_ERR_INVALID);
	assert_int_equal(check("QwertyUIOP123", NULL, 0), CXV_ERR_INVALID);
	assert_int_equal(check("my-a0100-is-great", who, 4), CXV_ERR_INVALID);
	assert_int_equal(check("i am ANNA the boss", who, 4), CXV_ERR_INVALID);
	/* A personal string under 3 characters does not count. */
	assert_int_equal(check("always allowed here", who, 4), CXV_OK);
	assert_int_equal(check("tab\there and there", NULL, 0),
	    CXV_ERR_INVALID);
}

static void
test_pin(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(cxv_pin_check("4711", 4, &why), CXV_OK);
	assert_int_equal(cxv_pin_check("1234", 4, &why), CXV_ERR_INVALID);
	assert_int_equal(cxv_pin_check("9876", 4, &why), CXV_ERR_INVALID);
	assert_int_equal(cxv_pin_check("0000", 4, &why), CXV_ERR_INVALID);
	assert_int_equal(cxv_pin_check("471", 3, &why), CXV_ERR_INVALID);
	assert_int_equal(cxv_pin_check("47a1", 4, &why), CXV_ERR_INVALID);
}

/* Argon2id round trip; a wrong password and an unknown account fail. */
static void
test_hash(void **state)
{
	char h[CXV_PASSWORD_HASH_MAX];

	(void)state;
	assert_int_equal(cxv_password_hash("correct horse", 13, h), CXV_OK);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_int_equal(cxv_password_verify(h, "correct horse", 13), CXV_OK);
	assert_int_equal(cxv_password_verify(h, "correct horsE", 13),
	    CXV_ERR_DENIED);
	assert_int_equal(cxv_password_verify(NULL, "correct horse", 13),
	    CXV_ERR_DENIED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_pin),
		cmocka_unit_test(test_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
