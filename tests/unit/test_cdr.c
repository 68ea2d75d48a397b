/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the Asterisk cdr_csv parser and of sealed field packing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/fields.h"
#include "core/source.h"
#include "ingest/cdr_format.h"
#include "records/cdr.h"

static struct cxv_cdr cdr;
static char cdr_text[CXV_CDR_TEXT_MAX];

static int
parse(const char *line, const char **why)
{
	return cxv_cdr_parse_asterisk(line, strlen(line), NULL, &cdr, why);
}

/* R10.1: an 18-column line with a quoted clid. */
static void
test_full_line(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(parse("\"acc\",\"+4930123\",\"100\",\"ctx\","
	    "\"\"\"Jane Doe\"\" <+4930123>\",\"SIP/a\",\"SIP/b\",\"Dial\","
	    "\"SIP/100,30\",\"2026-11-02 09:15:01\",\"2026-11-02 09:15:07\","
	    "\"2026-11-02 09:21:44\",403,397,\"ANSWERED\",\"DOCUMENTATION\","
	    "\"1793610901.1\",\"note\"", &why), CXV_OK);
	assert_string_equal(cdr.caller, "+4930123");
	assert_string_equal(cdr.callee, "100");
	assert_string_equal(cdr.caller_name, "Jane Doe");
	assert_string_equal(cdr.source_id, "1793610901.1");
	assert_string_equal(cdr.outcome, "answered");
	assert_int_equal(cdr.start_ms, INT64_C(1793610901000));
	assert_int_equal(cdr.answer_ms - cdr.start_ms, 6000);
	assert_int_equal(cdr.end_ms - cdr.start_ms, 403000);
	assert_int_equal(cdr.nfields, 11);
	assert_string_equal(cdr.fields[0].name, "accountcode");
	assert_string_equal(cdr.fields[10].name, "userfield");
	assert_string_equal(cdr.fields[10].value, "note");
	/* Issue 26: without sequence, the channels set the leg apart. */
	assert_non_null(cdr.leg);
	assert_string_equal(cdr.leg, "SIP/a\x1fSIP/b\x1f" "403\x1f" "397");
}

/*
 * Issue 26: a name in Latin-1 is kept as its bytes (shown with U+FFFD
 * later); the times of a source's zone; a cdr_custom line in Asterisk's
 * sample mapping.
 */
static void
test_source_and_bytes(void **state)
{
	static const char custom[] = "\"\"\"Jane\"\" <1>\",\"1\",\"2\",\"ctx\","
	    "\"SIP/t-1\",\"SIP/2-1\",\"Dial\",\"x\",\"2024-01-27 15:33:20\",\"\","
	    "\"2024-01-27 15:33:30\",\"10\",\"0\",\"NO ANSWER\",\"DOCUMENTATION\","
	    "\"\",\"c-1\",\"\",\"3\"";
	struct cxv_source msk;
	const char *why;

	(void)state;
	assert_int_equal(parse("\"\",\"1\",\"2\",\"c\",\"\"\"Ren\xe9" "e\"\" <1>\","
	    "\"a\",\"b\",\"Dial\",\"x\",\"2026-11-02 09:15:01\",\"\","
	    "\"2026-11-02 09:15:07\",6,0,\"BUSY\",\"DOCUMENTATION\",\"u\",\"\"",
	    &why), CXV_OK);
	assert_string_equal(cdr.caller_name, "Ren\xe9" "e");
	cxv_source_init(&msk, "msk");
	assert_int_equal(cxv_source_set(&msk, "zone", "Europe/Moscow", &why),
	    CXV_OK);
	assert_int_equal(cxv_cdr_parse_asterisk_custom(custom, strlen(custom),
	    &msk, &cdr, &why), CXV_OK);
	assert_int_equal(cdr.start_ms, INT64_C(1706358800000));
	assert_string_equal(cdr.caller_name, "Jane");
	assert_string_equal(cdr.outcome, "no_answer");
	assert_int_equal(cxv_cdr_parse_asterisk_custom("\"1\",\"2\"", 7, &msk,
	    &cdr, &why), CXV_ERR_INVALID);
	assert_string_equal(why, "fewer columns than the source's mapping");
}

/* 16 columns: no uniqueid, so the line's hash keys the record. */
static void
test_sixteen_columns(void **state)
{
	const char *line = "\"\",\"101\",\"102\",\"c\",\"101\",\"a\",\"b\",\"Dial\","
	    "\"x\",\"2026-11-02 11:30:00\",\"\",\"2026-11-02 11:30:02\",2,0,"
	    "\"BUSY\",\"DOCUMENTATION\"";
	char first[64];
	const char *why;

	(void)state;
	assert_int_equal(parse(line, &why), CXV_OK);
	assert_int_equal(cdr.answer_ms, 0);
	assert_string_equal(cdr.caller_name, "");
	assert_int_equal(strncmp(cdr.source_id, "line:", 5), 0);
	snprintf(first, sizeof(first), "%s", cdr.source_id);
	assert_int_equal(parse(line, &why), CXV_OK);
	assert_string_equal(cdr.source_id, first);
}

/*
 * Issue 26: newcdrcolumns' 21 columns, as a production PBX wrote them
 * (layout of mineevburyat/dj-asterisk-cdr's Master.csv, values made up):
 * the two legs of a parallel ring share uniqueid and start, and are told
 * apart by sequence; the extra columns are sealed with the record.
 */
#define LEG	"\"\",\"89240000001\",\"211000\",\"pstn\"," \
	"\"\"\"89240000001\"\" <89240000001>\",\"SIP/211000-00000003\"," \
	"\"SIP/301-00000004\",\"Dial\",\"SIP/301&SIP/200@pbx,60,t\"," \
	"\"2024-01-27 15:33:20\",\"2024-01-27 15:33:20\"," \
	"\"2024-01-27 15:34:20\",60,60,\"NO ANSWER\",\"DOCUMENTATION\"," \
	"\"1706369600.6\",\"\",\"\",\"1706369600.6\",%d"

static void
test_newcdrcolumns(void **state)
{
	char line[512], first[128];
	const char *why;

	(void)state;
	snprintf(line, sizeof(line), LEG, 3);
	assert_int_equal(parse(line, &why), CXV_OK);
	assert_string_equal(cdr.outcome, "no_answer");
	assert_string_equal(cdr.source_id, "1706369600.6/1706369600.6/3");
	assert_string_equal(cdr.fields[cdr.nfields - 1].name, "sequence");
	assert_string_equal(cdr.fields[cdr.nfields - 2].name, "linkedid");
	snprintf(first, sizeof(first), "%s", cdr.source_id);
	snprintf(line, sizeof(line), LEG, 6);
	assert_int_equal(parse(line, &why), CXV_OK);
	assert_string_not_equal(cdr.source_id, first);
}

/* 19 and 20 columns: newcdrcolumns without userfield, or uniqueid. */
static void
test_other_layouts(void **state)
{
	const char *base = "\"\",\"+4930123\",\"100\",\"c\",\"x\",\"a\","
	    "\"b\",\"Dial\",\"x\",\"2026-11-02 11:30:00\",\"\","
	    "\"2026-11-02 11:30:02\",2,0,\"BUSY\",\"DOCUMENTATION\",";
	char line[512];
	const char *why;

	(void)state;
	snprintf(line, sizeof(line), "%s\"u1\",\"\",\"l1\",4", base);
	assert_int_equal(parse(line, &why), CXV_OK);
	assert_string_equal(cdr.source_id, "u1/l1/4");
	snprintf(line, sizeof(line), "%s\"\",\"l1\",4", base);
	assert_int_equal(parse(line, &why), CXV_OK);
	assert_int_equal(strncmp(cdr.source_id, "line:", 5), 0);
}

struct bad {
	const char *line;
	const char *why;
};

static const struct bad bads[] = {
	{ "\"a\",\"b", "malformed CSV (quotes)" },
	{ "\"a\",\"b\"x,\"c\"", "malformed CSV (quotes)" },
	{ "1,2,3", "fewer than 16 columns" },
	{ ",,,,,,,,,,,,,,,,,,,,,", "too many columns" },
	{ ",1,2,,,,,,,2026-01-01 00:00:00,,,x,0,ANSWERED,,,",
	    "duration/billsec not numbers (billsec <= duration)" },
	{ ",1,2,,,,,,,2026-01-01 00:00:00,,,5,6,ANSWERED,,,",
	    "duration/billsec not numbers (billsec <= duration)" },
	{ ",1,2,,,,,,,,,,5,5,ANSWERED,,,", "no start time" },
	{ ",1,2,,,,,,,2026-13-01 00:00:00,,,5,5,ANSWERED,,,",
	    "time not 'YYYY-MM-DD HH:MM:SS'" },
	{ ",1,2,,,,,,,2026-01-01 00:00:00,,2025-01-01 00:00:00,5,5,ANSWERED,,,",
	    "times out of order" },
	{ ",1,2,,,,,,,2026-01-01 00:00:00,,,5,5,answered,,,",
	    "unknown disposition" },
	{ ",1\x01,2,,,,,,,2026-01-01 00:00:00,,,5,5,ANSWERED,,,",
	    "field holds control characters" },
};

/* Every malformed line is refused with its reason, never its content. */
static void
test_bad_lines(void **state)
{
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		why = NULL;
		if (parse(bads[i].line, &why) == CXV_OK)
			fail_msg("case %zu accepted", i);
		assert_non_null(why);
		assert_string_equal(why, bads[i].why);
	}
}

static int
parse_fs(const char *doc, const char **why)
{
	return cxv_cdr_parse_freeswitch(doc, strlen(doc), &cdr, why);
}

/* R10.1: a mod_json_cdr document with URL-encoded values. */
static void
test_freeswitch(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(parse_fs("{\"variables\":{\"uuid\":\"u-1\","
	    "\"caller_id_number\":\"%2B4930123\",\"caller_id_name\":"
	    "\"J%C3%BCrgen%20M\",\"destination_number\":\"100\","
	    "\"start_epoch\":\"1793700000\",\"answer_epoch\":\"0\","
	    "\"end_epoch\":\"1793700010\",\"hangup_cause\":\"USER_BUSY\"}}",
	    &why), CXV_OK);
	assert_string_equal(cdr.caller, "+4930123");
	assert_string_equal(cdr.caller_name, "J\xc3\xbcrgen M");
	assert_string_equal(cdr.source_id, "u-1");
	assert_string_equal(cdr.outcome, "busy");
	assert_int_equal(cdr.answer_ms, 0);
	/* The callee comes from callflow when the variables lack it. */
	assert_int_equal(parse_fs("{\"variables\":{\"uuid\":\"u-2\","
	    "\"caller_id_number\":\"5\",\"start_epoch\":\"1\","
	    "\"hangup_cause\":\"X\"},\"callflow\":[{\"caller_profile\":"
	    "{\"destination_number\":\"0301\"}}]}", &why), CXV_OK);
	assert_string_equal(cdr.callee, "0301");
	assert_string_equal(cdr.outcome, "failed");
}

/*
 * Issue 27: encode=true with encode-values=true, made as FreeSWITCH's
 * switch_url_encode() makes it (tests/integration/fsencode.py): values
 * encoded, then the whole text but the %XX in it. A caller name with
 * quotes is read back; a user agent that tries to add a caller number
 * does not decide the caller (the caller profile does), and a value with
 * a tab is dropped and counted, the call kept.
 */
static void
test_freeswitch_encoded_twice(void **state)
{
	static const char doc[] = "cdr="
	    "%7B%22variables%22%3A%7B%22uuid%22%3A%22u-3%22,%22start_epoc"
	    "h%22%3A%221793700000%22,%22caller_id_name%22%3A%22%22Joe%22%"
	    "20%3C1000%3E%22,%22sip_user_agent%22%3A%22x%22,%22caller_id_"
	    "number%22%3A%22%2B4930999%22,%22last_app%22%3A%22a%09b%22,%2"
	    "2hangup_cause%22%3A%22NORMAL_CLEARING%22%7D,%22callflow%22%3"
	    "A%5B%7B%22caller_profile%22%3A%7B%22caller_id_name%22%3A%22%"
	    "5C%22Joe%5C%22%20%3C1000%3E%22,%22caller_id_number%22%3A%22%"
	    "2B4930123%22,%22destination_number%22%3A%22100%22%7D%7D%5D%7"
	    "D";
	static const char b64[] = "eyJ2YXJpYWJsZXMiOnsidXVpZCI6InUtNCIsInN0Y"
	    "XJ0X2Vwb2NoIjoiNSIsImNhbGxlcl9pZF9udW1iZXIiOiIlMDEifX0=\n";
	const char *why;

	(void)state;
	assert_int_equal(parse_fs(doc, &why), CXV_OK);
	assert_string_equal(cdr.source_id, "u-3");
	assert_string_equal(cdr.caller, "+4930123");
	assert_string_equal(cdr.caller_name, "\"Joe\" <1000>");
	assert_string_equal(cdr.callee, "100");
	assert_int_equal(cdr.dropped, 1);
	/* base64 (encode=base64, as in err-log-dir), with a caller that
	 * cannot be read: kept, the caller left out of the parties and of
	 * the sealed variables, each counted. */
	assert_int_equal(parse_fs(b64, &why), CXV_OK);
	assert_string_equal(cdr.source_id, "u-4");
	assert_string_equal(cdr.caller, "");
	assert_int_equal(cdr.dropped, 2);
}

static const struct bad fs_bads[] = {
	{ "[1]", "not a JSON object" },
	{ "{\"variables\":[]}", "no \"variables\" object" },
	{ "{\"variables\":{\"start_epoch\":\"1\"}}", "no uuid" },
	{ "{\"variables\":{\"uuid\":\"u\",\"start_epoch\":1}}",
	    "start/answer/end_epoch not epoch seconds" },
	{ "{\"variables\":{\"uuid\":\"u\"}}", "no start_epoch" },
	{ "{", "not a mod_json_cdr document (JSON, URL-encoded or base64)" },
	{ "cdr=%7B%zz", "not a mod_json_cdr document (JSON, URL-encoded or "
	    "base64)" },
	{ "@@", "not a mod_json_cdr document (JSON, URL-encoded or base64)" },
};

/* Malformed documents are refused with a reason. */
static void
test_freeswitch_bad(void **state)
{
	const char *why;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(fs_bads) / sizeof(fs_bads[0]); i++) {
		why = NULL;
		if (parse_fs(fs_bads[i].line, &why) == CXV_OK)
			fail_msg("case %zu accepted", i);
		assert_non_null(why);
		assert_string_equal(why, fs_bads[i].why);
	}
}

static int
collect(void *ctx, const char *name, const char *value)
{
	char *out = ctx;
	size_t n = strlen(out);

	snprintf(out + n, 256 - n, "%s=%s;", name, value);
	return CXV_OK;
}

/* Packing round-trips; truncated or overlong buffers are corrupt. */
static void
test_fields(void **state)
{
	uint8_t buf[64];
	char out[256] = "";
	size_t len = 0;

	(void)state;
	assert_int_equal(cxv_fields_put(buf, sizeof(buf), &len, "src", "+49"),
	    CXV_OK);
	assert_int_equal(cxv_fields_put(buf, sizeof(buf), &len, "dst", ""),
	    CXV_OK);
	assert_int_equal(cxv_fields_each(buf, len, collect, out), CXV_OK);
	assert_string_equal(out, "src=+49;dst=;");
	assert_int_equal(cxv_fields_each(buf, len - 1, collect, out),
	    CXV_ERR_CORRUPT);
	assert_int_equal(cxv_fields_put(buf, sizeof(buf), &len, "big",
	    "0123456789012345678901234567890123456789012345678901234567890"),
	    CXV_ERR_TOO_LARGE);
	assert_int_equal(cxv_fields_put(buf, sizeof(buf), &len, "", "x"),
	    CXV_ERR_TOO_LARGE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_source_and_bytes),
		cmocka_unit_test(test_sixteen_columns),
		cmocka_unit_test(test_newcdrcolumns),
		cmocka_unit_test(test_other_layouts),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_freeswitch),
		cmocka_unit_test(test_freeswitch_encoded_twice),
		cmocka_unit_test(test_freeswitch_bad),
	};

	cxv_cdr_init(&cdr, cdr_text, sizeof(cdr_text));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
