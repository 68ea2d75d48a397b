/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of identifier normalization (DESIGN 1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "core/ident.h"

struct ncase {
	enum cxv_ident_kind kind;
	unsigned cc;
	const char *in;
	int r;			/* expected result */
	const char *out;	/* expected normal form when r == CXV_OK */
};

static const struct ncase cases[] = {
	/* Phones: E.164, "00", national "0", separators, "(0)". */
	{ CXV_IDENT_PHONE, 49, "+4930123456789", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 49, "030 123456789", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 49, "0049 30 123456789", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 49, "+49 (0)30 1234-56789", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 49, "0049 (0)30 123456789", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 49, "(030) 123456789", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 49, "  (030) 123.456/789 ", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 44, "020 7946 0958", CXV_OK, "+442079460958" },
	{ CXV_IDENT_PHONE, 1, "714-555-1234", CXV_OK, "+17145551234" },
	{ CXV_IDENT_PHONE, 1, "1 714 555 1234", CXV_OK, "+17145551234" },
	{ CXV_IDENT_PHONE, 39, "06 1234 5678", CXV_OK, "+390612345678" },
	/* Issue 26: each country's own trunk and international prefixes
	 * (libphonenumber): Russia's 8 and 8 10, India's mobiles without 0. */
	{ CXV_IDENT_PHONE, 7, "8 924 123 45 67", CXV_OK, "+79241234567" },
	{ CXV_IDENT_PHONE, 7, "89245555937", CXV_OK, "+79245555937" },
	{ CXV_IDENT_PHONE, 7, "79245555937", CXV_OK, "+79245555937" },
	{ CXV_IDENT_PHONE, 7, "+7 924 555 59 37", CXV_OK, "+79245555937" },
	{ CXV_IDENT_PHONE, 7, "8 10 7 924 651 65 48", CXV_OK, "+79246516548" },
	{ CXV_IDENT_PHONE, 91, "98765 43210", CXV_OK, "+919876543210" },
	{ CXV_IDENT_PHONE, 1, "(214) 555-1234", CXV_OK, "+12145551234" },
	/* Local digits without their area code are no number of the plan. */
	{ CXV_IDENT_PHONE, 49, "123456789", CXV_ERR_INVALID, NULL },
	/* A "possible" number shorter than E.164 allows would not read back
	 * as itself (found by fuzz_ident). */
	{ CXV_IDENT_PHONE, 49, "030 1", CXV_ERR_INVALID, NULL },
	/* Short internal extensions. */
	{ CXV_IDENT_PHONE, 49, "3247", CXV_OK, "ext:3247" },
	{ CXV_IDENT_PHONE, 49, "ext:12", CXV_OK, "ext:12" },
	{ CXV_IDENT_PHONE, 49, "ext:1234567", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "ext:12a", CXV_ERR_INVALID, NULL },
	/* Odd and hostile phone input. */
	{ CXV_IDENT_PHONE, 49, "", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "   ", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "+", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "+49 30 CALL-NOW", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "+0301234567", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "+123456", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "+1234567890123456", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "1234567", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "0", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "12+34", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "030\n123456789", CXV_OK, "+4930123456789" },
	{ CXV_IDENT_PHONE, 49, "030\x01" "123456", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_PHONE, 49, "0301234567890123456789", CXV_ERR_INVALID, NULL },
	/* Emails: lower-cased, trimmed, one address. */
	{ CXV_IDENT_EMAIL, 49, " Jane.Doe@Example.ORG ", CXV_OK,
	    "jane.doe@example.org" },
	{ CXV_IDENT_EMAIL, 49, "a@b.c", CXV_OK, "a@b.c" },
	{ CXV_IDENT_EMAIL, 49, "jane@", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "@example.org", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "a@@b.c", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "a@b@c.d", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "a@localhost", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "a@b..c", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "a@b.", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "a b@c.d", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_EMAIL, 49, "Jane <j@d.e>", CXV_ERR_INVALID, NULL },
	/* Names: trimmed, inner white space collapsed, UTF-8 kept. */
	{ CXV_IDENT_NAME, 49, "  Jane \t Doe ", CXV_OK, "Jane Doe" },
	/* Issue 26: SIP names and dialled digits, each its own kind. */
	{ CXV_IDENT_SIP, 49, "alice", CXV_OK, "sip:alice" },
	{ CXV_IDENT_SIP, 49, "SIPS:Alice@Example.ORG;user=phone", CXV_OK,
	  "sip:Alice@example.org" },
	{ CXV_IDENT_SIP, 49, "sip:alice@example.org", CXV_OK,
	  "sip:alice@example.org" },
	{ CXV_IDENT_SIP, 49, "sip:", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_SIP, 49, "sip:@host", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_SIP, 49, "a@b@c", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_SIP, 49, "Jane Doe", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_DIALLED, 49, "200 123-456", CXV_OK, "200123456" },
	{ CXV_IDENT_DIALLED, 49, "*72*1234#", CXV_OK, "*72*1234#" },
	{ CXV_IDENT_DIALLED, 49, "+1 900", CXV_OK, "+1900" },
	{ CXV_IDENT_DIALLED, 49, "12+3", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_DIALLED, 49, "**", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_DIALLED, 49, "call me", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_NAME, 49, "J\xc3\xbcrgen M\xc3\xbcller", CXV_OK,
	    "J\xc3\xbcrgen M\xc3\xbcller" },
	{ CXV_IDENT_NAME, 49, "bad \xc3(", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_NAME, 49, "overlong \xc0\xaf", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_NAME, 49, "surrogate \xed\xa0\x80", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_NAME, 49, "c1 \xc2\x85", CXV_ERR_INVALID, NULL },
	{ CXV_IDENT_NAME, 49, "del \x7f", CXV_ERR_INVALID, NULL },
	/* Other kinds: trimmed only. */
	{ CXV_IDENT_CHAT, 49, " Bo.Stenlund ", CXV_OK, "Bo.Stenlund" },
	{ CXV_IDENT_ACCOUNT, 49, "DE89 3704", CXV_OK, "DE89 3704" },
	{ CXV_IDENT_LOGON, 49, "A0003", CXV_OK, "A0003" },
};

/* R1.3/DESIGN 1: every case of the table normalizes as stated. */
static void
test_normalize_table(void **state)
{
	char out[CXV_IDENT_NORM_MAX];
	const char *why;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = cxv_ident_normalize(cases[i].kind, cases[i].in, cases[i].cc,
		    out, &why);
		if (r != cases[i].r)
			fail_msg("case %zu: got %d want %d", i, r, cases[i].r);
		if (r == CXV_OK)
			assert_string_equal(out, cases[i].out);
		else
			assert_non_null(why);
	}
}

/* Over CXV_IDENT_MAX is refused, never truncated. */
static void
test_too_long(void **state)
{
	char in[CXV_IDENT_MAX + 2], out[CXV_IDENT_NORM_MAX];
	const char *why;

	(void)state;
	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(cxv_ident_normalize(CXV_IDENT_NAME, in, 49, out, &why),
	    CXV_ERR_TOO_LARGE);
	in[CXV_IDENT_MAX] = '\0';
	assert_int_equal(cxv_ident_normalize(CXV_IDENT_NAME, in, 49, out, &why),
	    CXV_OK);
	assert_int_equal(strlen(out), CXV_IDENT_MAX);
}

/* Names are indexed case-insensitively; other kinds exactly. */
static void
test_index_form(void **state)
{
	char out[CXV_IDENT_NORM_MAX];

	(void)state;
	cxv_ident_index_form(CXV_IDENT_NAME, "Jane DOE", out);
	assert_string_equal(out, "jane doe");
	cxv_ident_index_form(CXV_IDENT_CHAT, "Bo.Stenlund", out);
	assert_string_equal(out, "Bo.Stenlund");
}

static void
test_kind_names(void **state)
{
	enum cxv_ident_kind k;
	int i;

	(void)state;
	for (i = 0; i < CXV_IDENT__COUNT; i++) {
		assert_int_equal(cxv_ident_kind_parse(
		    cxv_ident_kind_name((enum cxv_ident_kind)i), &k), CXV_OK);
		assert_int_equal((int)k, i);
	}
	assert_int_equal(cxv_ident_kind_parse("ssn", &k), CXV_ERR_INVALID);
	assert_null(cxv_ident_kind_name(CXV_IDENT__COUNT));
	assert_false(cxv_ident_is_unique(CXV_IDENT_NAME));
	assert_true(cxv_ident_is_unique(CXV_IDENT_PHONE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_table),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_index_form),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
