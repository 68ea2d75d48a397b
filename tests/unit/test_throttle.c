/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the token buckets (issue 25.5): the burst, the wait
 * until a token is back, refunds, keys apart, and a full table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/throttle.h"

/* Burst tokens at once, then the wait until the next one is back. */
static void
test_burst_then_wait(void **state)
{
	struct cxv_throttle *t = NULL;
	const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };
	int i;

	(void)state;
	assert_int_equal(cxv_throttle_new(64, 3, 1000, &t), CXV_OK);
	for (i = 0; i < 3; i++)
		assert_int_equal(cxv_throttle_take(t, a, 4, 10000), 0);
	assert_int_equal(cxv_throttle_take(t, a, 4, 10000), 1000);
	assert_int_equal(cxv_throttle_take(t, a, 4, 10400), 600);
	/* Refused attempts spend nothing: one token back after 1 s. */
	assert_int_equal(cxv_throttle_take(t, a, 4, 11000), 0);
	assert_int_equal(cxv_throttle_take(t, a, 4, 11000), 1000);
	/* Another key has its own bucket. */
	assert_int_equal(cxv_throttle_take(t, b, 4, 11000), 0);
	/* Quiet long enough, the bucket is full again, not fuller. */
	for (i = 0; i < 3; i++)
		assert_int_equal(cxv_throttle_take(t, a, 4, 60000), 0);
	assert_true(cxv_throttle_take(t, a, 4, 60000) > 0);
	cxv_throttle_free(t);
}

/* A token given back (the attempt succeeded) can be spent again. */
static void
test_give_back(void **state)
{
	struct cxv_throttle *t = NULL;
	const uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	(void)state;
	assert_int_equal(cxv_throttle_new(8, 1, 5000, &t), CXV_OK);
	assert_int_equal(cxv_throttle_take(t, a, 16, 0), 0);
	assert_int_equal(cxv_throttle_take(t, a, 16, 0), 5000);
	cxv_throttle_give(t, a, 16);
	assert_int_equal(cxv_throttle_take(t, a, 16, 0), 0);
	/* Nothing to give back for a key never seen; empty keys pass. */
	cxv_throttle_give(t, "zz", 2);
	assert_int_equal(cxv_throttle_take(t, "", 0, 0), 0);
	assert_int_equal(cxv_throttle_take(t, "", 0, 0), 0);
	cxv_throttle_free(t);
}

/*
 * Many more keys than slots: memory stays fixed, and a key that keeps
 * failing is still held back while quiet ones are taken over.
 */
static void
test_full_table(void **state)
{
	struct cxv_throttle *t = NULL;
	const uint8_t hot[4] = { 10, 0, 0, 1 };
	uint8_t k[4];
	uint32_t i;

	(void)state;
	assert_int_equal(cxv_throttle_new(16, 2, 1000, &t), CXV_OK);
	assert_int_equal(cxv_throttle_take(t, hot, 4, 0), 0);
	assert_int_equal(cxv_throttle_take(t, hot, 4, 0), 0);
	for (i = 0; i < 100000; i++) {
		memcpy(k, &i, 4);
		k[0] |= 0x80;		/* never the hot key */
		(void)cxv_throttle_take(t, k, 4, 500);
		if (i % 64 == 0)
			assert_true(cxv_throttle_take(t, hot, 4, 500) > 0);
	}
	cxv_throttle_free(t);
	assert_int_equal(cxv_throttle_new(0, 2, 1000, &t), CXV_ERR_INVALID);
	assert_int_equal(cxv_throttle_new(4, 0, 1000, &t), CXV_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_wait),
		cmocka_unit_test(test_give_back),
		cmocka_unit_test(test_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
