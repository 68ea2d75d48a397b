/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of sources and of the classification of a call's parties
 * (issue 26): each party filed as what it is, none forced into a person.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "core/party.h"
#include "core/source.h"
#include "core/zone.h"

struct pcase {
	const char *value;
	int callee;
	enum cxv_party_kind kind;
	const char *norm;	/* "" for no person */
};

static void
check(const struct cxv_source *src, const struct pcase *c, size_t n)
{
	struct cxv_party p;
	size_t i;

	for (i = 0; i < n; i++) {
		cxv_party_classify(src, c[i].value, c[i].callee, &p);
		if (p.kind != c[i].kind || strcmp(p.norm, c[i].norm) != 0)
			fail_msg("'%s': got %s '%s', want %s '%s'", c[i].value,
			    cxv_party_kind_name(p.kind), p.norm,
			    cxv_party_kind_name(c[i].kind), c[i].norm);
	}
}

static void
source(struct cxv_source *src, const char *region, const char *ext)
{
	const char *why;

	cxv_source_init(src, "t");
	assert_int_equal(cxv_source_set(src, "region", region, &why), CXV_OK);
	if (ext != NULL)
		assert_int_equal(cxv_source_set(src, "extensions", ext, &why),
		    CXV_OK);
}

/* Russia, extensions 300-399: the production PBX of the issue. */
static void
test_russian_pbx(void **state)
{
	static const struct pcase c[] = {
		{ "89240000001", 0, CXV_PARTY_NUMBER, "+79240000001" },
		{ "8 924 000 00 01", 1, CXV_PARTY_NUMBER, "+79240000001" },
		{ "+7 924 000 00 01", 0, CXV_PARTY_NUMBER, "+79240000001" },
		{ "301", 0, CXV_PARTY_EXTENSION, "ext:301" },
		/* Outside the plan, no number of Russia: dialled as is. */
		{ "250", 1, CXV_PARTY_DIALLED, "250" },
		{ "200123456", 0, CXV_PARTY_DIALLED, "200123456" },
		{ "anonymous", 0, CXV_PARTY_WITHHELD, "" },
		{ "Unavailable", 0, CXV_PARTY_WITHHELD, "" },
		{ "", 0, CXV_PARTY_WITHHELD, "" },
		{ "", 1, CXV_PARTY_SERVICE, "" },
		{ "s", 1, CXV_PARTY_SERVICE, "" },
		{ "1", 1, CXV_PARTY_SERVICE, "" },
		{ "h", 1, CXV_PARTY_SERVICE, "" },
		{ "*72*1234*8584", 1, CXV_PARTY_SERVICE, "" },
		{ "#31#", 1, CXV_PARTY_SERVICE, "" },
		{ "Local/301@from-queue-0001;2", 0, CXV_PARTY_SERVICE, "" },
		{ "alice", 0, CXV_PARTY_SIP, "sip:alice" },
		{ "sip:Bob@PBX.Example.org;transport=tcp", 0, CXV_PARTY_SIP,
		  "sip:Bob@pbx.example.org" },
		/* A callee called "anonymous" is a SIP name, not withheld. */
		{ "anonymous", 1, CXV_PARTY_SIP, "sip:anonymous" },
		{ "\xff\xfe", 0, CXV_PARTY_WITHHELD, "" },
	};
	struct cxv_source src;

	(void)state;
	source(&src, "RU", "300-399");
	check(&src, c, sizeof(c) / sizeof(c[0]));
}

/* The default dial plan (2-6 digits) and other regions' own rules. */
static void
test_regions(void **state)
{
	static const struct pcase us[] = {
		{ "(214) 555-1234", 0, CXV_PARTY_NUMBER, "+12145551234" },
		{ "1 214 555 1234", 0, CXV_PARTY_NUMBER, "+12145551234" },
		{ "100", 1, CXV_PARTY_EXTENSION, "ext:100" },
		/* An invalid area code is no US number: dialled. */
		{ "190-590-0260", 0, CXV_PARTY_DIALLED, "1905900260" },
	};
	static const struct pcase in[] = {
		{ "98765 43210", 0, CXV_PARTY_NUMBER, "+919876543210" },
		{ "0091 98765 43210", 0, CXV_PARTY_NUMBER, "+919876543210" },
	};
	struct cxv_source src;

	(void)state;
	source(&src, "US", NULL);
	check(&src, us, sizeof(us) / sizeof(us[0]));
	source(&src, "IN", NULL);
	check(&src, in, sizeof(in) / sizeof(in[0]));
}

static void
test_source_keys(void **state)
{
	static const char *const bad[][2] = {
		{ "region", "XX" }, { "region", "Russia" }, { "zone", "Mars/X" },
		{ "zone", "" }, { "extensions", "100-99" },
		{ "extensions", "100-1999" }, { "extensions", "1 digits" },
		{ "extensions", "3-7 digits" }, { "extensions", "abc" },
		{ "extensions", "" }, { "columns", "src;dst" },
		{ "colour", "red" },
	};
	struct cxv_source src;
	const char *why;
	size_t i;

	(void)state;
	cxv_source_init(&src, "t");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (cxv_source_set(&src, bad[i][0], bad[i][1], &why) !=
		    CXV_ERR_INVALID || why == NULL)
			fail_msg("%s = '%s' accepted", bad[i][0], bad[i][1]);
	}
	assert_int_equal(cxv_source_set(&src, "extensions",
	    "3-4 digits, 20000-29999", &why), CXV_OK);
	assert_true(cxv_source_is_extension(&src, "100"));
	assert_true(cxv_source_is_extension(&src, "1000"));
	assert_false(cxv_source_is_extension(&src, "0100"));
	assert_false(cxv_source_is_extension(&src, "10"));
	assert_true(cxv_source_is_extension(&src, "25000"));
	assert_false(cxv_source_is_extension(&src, "35000"));
	assert_false(cxv_source_is_extension(&src, "12a"));
	assert_true(cxv_source_name_ok("pbx-1_b"));
	assert_false(cxv_source_name_ok("PBX"));
	assert_false(cxv_source_name_ok(""));
}

/* Wall-clock times of a zone: a fixed offset, and both DST changes. */
static void
test_zones(void **state)
{
	struct tm tm;
	int64_t ms;

	(void)state;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 124;	/* 2024-01-27 15:33:20 MSK = 12:33:20Z */
	tm.tm_mon = 0;
	tm.tm_mday = 27;
	tm.tm_hour = 15;
	tm.tm_min = 33;
	tm.tm_sec = 20;
	assert_int_equal(cxv_zone_to_utc("Europe/Moscow", &tm, &ms), CXV_OK);
	assert_int_equal(ms, 1706358800000LL);
	assert_int_equal(cxv_zone_to_utc("", &tm, &ms), CXV_OK);
	assert_int_equal(ms, 1706369600000LL);
	/* 2024-10-27 02:30 in Berlin happens twice: the first is CEST. */
	tm.tm_mon = 9;
	tm.tm_mday = 27;
	tm.tm_hour = 2;
	tm.tm_min = 30;
	tm.tm_sec = 0;
	assert_int_equal(cxv_zone_to_utc("Europe/Berlin", &tm, &ms), CXV_OK);
	assert_int_equal(ms, 1729989000000LL);	/* 00:30Z */
	assert_int_equal(cxv_zone_check("Europe/Berlin"), CXV_OK);
	assert_int_equal(cxv_zone_check("Europe/Nowhere"), CXV_ERR_INVALID);
	assert_int_equal(cxv_zone_check("+03:00"), CXV_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_russian_pbx),
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_source_keys),
		cmocka_unit_test(test_zones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
