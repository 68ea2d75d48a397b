/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the cxvault.conf parser and writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/config.h"

static int
parse(const char *text, struct cxv_config *cfg, char *why, size_t whylen)
{
	return cxv_config_parse(text, strlen(text), "t.conf", cfg, why, whylen);
}

/* Every key has a default; an empty file is a valid config. */
static void
test_defaults(void **state)
{
	struct cxv_config cfg;
	char why[256] = "";

	(void)state;
	assert_int_equal(parse("", &cfg, why, sizeof(why)), CXV_OK);
	assert_int_equal(cfg.key_source, CXV_KEY_SOURCE_FILE);
	assert_int_equal(cfg.country_code, 49);
	assert_int_equal(cfg.log_level, 3);
	assert_int_equal(cfg.call_log_size, 1000);
	assert_false(cfg.has_salt);
	/* R2.4, R2.2, R2.5 defaults */
	assert_int_equal(cfg.lockout_failures, 15);
	assert_int_equal(cfg.lockout_s, 600);
	assert_int_equal(cfg.lockout_remote_s, 1800);
	assert_int_equal(cfg.password_min_length, 12);
	assert_int_equal(cfg.password_history, 5);
	assert_int_equal(cfg.config_sessions_max, 2);
	assert_string_equal(cfg.listen, "127.0.0.1:8443");
	assert_int_equal(cfg.trusted_networks.n, 0);
}

static void
test_values(void **state)
{
	struct cxv_config cfg;
	char why[256] = "";

	(void)state;
	assert_int_equal(parse("# comment\n  log_level = 7 \r\n\n"
	    "default_country_code=44\nmaster_key = passphrase\n"
	    "master_key_salt = 000102030405060708090a0b0c0d0e0f\n", &cfg, why,
	    sizeof(why)), CXV_OK);
	assert_int_equal(cfg.log_level, 7);
	assert_int_equal(cfg.country_code, 44);
	assert_int_equal(cfg.key_source, CXV_KEY_SOURCE_PASSPHRASE);
	assert_true(cfg.has_salt);
	assert_int_equal(cfg.salt[15], 15);
}

struct bad {
	const char *text;
	const char *why;	/* expected message */
};

static const struct bad bads[] = {
	/* Issue 26: sources. */
	{ "source.pbx.colour = red\n", "t.conf:1: unknown source key (region, "
	    "zone, extensions, columns, ami, ami_user, ami_secret_file) "
	    "'source.pbx.colour'" },
	/* Issue 27: an Asterisk Manager feed. */
	{ "source.pbx.ami = tcp://192.0.2.1:5038\n", "t.conf:1: ami must be "
	    "tls://HOST:PORT, or tcp://HOST:PORT on loopback (127.0.0.1, "
	    "[::1], localhost) 'source.pbx.ami'" },
	{ "source.pbx.ami = tls://pbx.example.org:5039\n",
	    "t.conf: ami, ami_user and ami_secret_file go together" },
	{ "source.pbx.ami_secret_file = ami.secret\n", "t.conf:1: "
	    "ami_secret_file must be an absolute path "
	    "'source.pbx.ami_secret_file'" },
	{ "source.pbx.zone = UTC\nsource.pbx.zone = UTC\n",
	    "t.conf:2: key given twice 'source.pbx.zone'" },
	{ "source.PBX.zone = UTC\n", "t.conf:1: a source name is 1-31 of a-z, "
	    "0-9, '_', '-' 'source.PBX'" },
	{ "source.pbx = x\n", "t.conf:1: expected source.NAME.KEY 'source.pbx'" },
	{ "source.pbx.region = ZZ\n", "t.conf:1: region must be a country's "
	    "ISO 3166 code (DE, RU, US...) 'source.pbx.region'" },
	{ "log_level = 3\nfrobnicate = 1\n", "t.conf:2: unknown key 'frobnicate'" },
	{ "log_level = 3\nlog_level = 4\n", "t.conf:2: key given twice 'log_level'" },
	{ "log_level = 0\n", "t.conf:1: must be 1-9 'log_level'" },
	{ "log_level = 10\n", "t.conf:1: must be 1-9 'log_level'" },
	{ "log_level = 3x\n", "t.conf:1: must be 1-9 'log_level'" },
	{ "log_level\n", "t.conf:1: expected 'key = value'" },
	{ "default_country_code = 0\n",
	    "t.conf:1: must be a country calling code 1-999 'default_country_code'" },
	{ "master_key = hsm\n",
	    "t.conf:1: must be 'file' or 'passphrase' 'master_key'" },
	{ "master_key_salt = 00zz\n",
	    "t.conf:1: must be 32 hex digits 'master_key_salt'" },
	{ "master_key = passphrase\n",
	    "t.conf: master_key = passphrase needs master_key_salt" },
	{ "\x01\x02 = 3\n", "t.conf:1: unknown key" },
	{ "trusted_networks = 10.0.0.1/8\n", "t.conf:1: must be a "
	    "comma-separated list of ADDR/PREFIX (at most 16) 'trusted_networks'" },
	{ "listen = localhost:8443\n",
	    "t.conf: listen must be ADDR:PORT or [ADDR]:PORT" },
	{ "lockout_failures = 0\n", "t.conf:1: must be 1-1000 'lockout_failures'" },
	{ "config_sessions_policy = random\n", "t.conf:1: must be "
	    "'refuse_new' or 'drop_oldest' 'config_sessions_policy'" },
};

/* Errors name file:line and never echo garbage. */
static void
test_errors(void **state)
{
	struct cxv_config cfg;
	char why[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		why[0] = '\0';
		assert_int_not_equal(parse(bads[i].text, &cfg, why, sizeof(why)),
		    CXV_OK);
		assert_string_equal(why, bads[i].why);
	}
}

/* Caps: a NUL byte, an over-long line, an over-large file. */
static void
test_caps(void **state)
{
	struct cxv_config cfg;
	char why[256], *big;

	(void)state;
	assert_int_equal(cxv_config_parse("log_level = 3\0x\n", 16, "t.conf",
	    &cfg, why, sizeof(why)), CXV_ERR_INVALID);
	assert_string_equal(why, "t.conf:1: NUL byte in line");
	big = malloc(CXV_CONFIG_MAX + 2);
	assert_non_null(big);
	memset(big, '#', CXV_CONFIG_MAX + 1);
	big[CXV_CONFIG_MAX + 1] = '\0';
	assert_int_equal(parse(big, &cfg, why, sizeof(why)), CXV_ERR_TOO_LARGE);
	big[CXV_CONFIG_LINE_MAX + 1] = '\0';
	assert_int_equal(parse(big, &cfg, why, sizeof(why)), CXV_ERR_TOO_LARGE);
	assert_string_equal(why, "t.conf:1: line too long");
	free(big);
}

/* Sources: the default one always, others as written, at most 16. */
static void
test_sources(void **state)
{
	struct cxv_config cfg, back;
	const struct cxv_source *src;
	char why[256], *text = NULL, many[4096];
	size_t i, n = 0;

	(void)state;
	assert_int_equal(parse("default_country_code = 7\n"
	    "source.msk.region = RU\nsource.msk.zone = Europe/Moscow\n"
	    "source.msk.extensions = 300-399, 4 digits\n"
	    "source.ber.region = DE\n"
	    "source.default.zone = Europe/Berlin\n", &cfg, why, sizeof(why)),
	    CXV_OK);
	assert_int_equal(cfg.nsources, 3);
	src = cxv_config_source(&cfg, NULL);
	assert_non_null(src);
	assert_int_equal(src->country_code, 7);
	assert_string_equal(src->zone, "Europe/Berlin");
	src = cxv_config_source(&cfg, "ber");
	assert_non_null(src);
	assert_int_equal(src->country_code, 49);
	assert_string_equal(src->zone, "");
	src = cxv_config_source(&cfg, "msk");
	assert_non_null(src);
	assert_true(cxv_source_is_extension(src, "301"));
	assert_true(cxv_source_is_extension(src, "4000"));
	assert_false(cxv_source_is_extension(src, "201"));
	assert_null(cxv_config_source(&cfg, "nowhere"));
	assert_int_equal(cxv_config_render(&cfg, &text), CXV_OK);
	assert_int_equal(parse(text, &back, why, sizeof(why)), CXV_OK);
	assert_memory_equal(&cfg, &back, sizeof(cfg));
	free(text);
	for (i = 0; i < 16; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
		    "source.s%zu.zone = UTC\n", i);
	assert_int_equal(parse(many, &cfg, why, sizeof(why)), CXV_ERR_INVALID);
	assert_string_equal(why, "t.conf:16: more than 16 sources 'source.s15'");
}

/* What init writes parses back to the same settings. */
static void
test_render_round_trip(void **state)
{
	struct cxv_config a, b;
	char why[256], *text = NULL;

	(void)state;
	cxv_config_defaults(&a);
	a.key_source = CXV_KEY_SOURCE_PASSPHRASE;
	a.has_salt = 1;
	memset(a.salt, 0xab, sizeof(a.salt));
	a.country_code = 1;
	a.sources[0].country_code = 1;	/* "default" dials as the vault */
	a.config_sessions_policy = CXV_SESSIONS_DROP_OLDEST;
	snprintf(a.trusted_networks_text, sizeof(a.trusted_networks_text),
	    "10.0.0.0/8, ::1");
	assert_int_equal(cxv_netmask_parse(a.trusted_networks_text,
	    &a.trusted_networks), CXV_OK);
	assert_int_equal(cxv_config_render(&a, &text), CXV_OK);
	assert_int_equal(parse(text, &b, why, sizeof(why)), CXV_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_render_round_trip),
		cmocka_unit_test(test_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
