/* SPDX-License-Identifier: Apache-2.0 */
/* Parser and writer of cxvault.conf; see config.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "caps.h"
#include "util.h"

enum key_id { K_MASTER_KEY, K_SALT, K_COUNTRY, K_LOG_LEVEL, K_CALL_LOG,
	K__COUNT };

static const char *const key_names[K__COUNT] = {
	[K_MASTER_KEY] = "master_key",
	[K_SALT] = "master_key_salt",
	[K_COUNTRY] = "default_country_code",
	[K_LOG_LEVEL] = "log_level",
	[K_CALL_LOG] = "call_log_size",
};

void
cxv_config_defaults(struct cxv_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->key_source = CXV_KEY_SOURCE_FILE;
	cfg->country_code = 49;
	cfg->log_level = 3;
	cfg->call_log_size = 1000;
}

static int
set_value(struct cxv_config *cfg, enum key_id k, const char *v,
    const char **reason)
{
	long long n;

	switch (k) {
	case K_MASTER_KEY:
		if (strcmp(v, "file") == 0)
			cfg->key_source = CXV_KEY_SOURCE_FILE;
		else if (strcmp(v, "passphrase") == 0)
			cfg->key_source = CXV_KEY_SOURCE_PASSPHRASE;
		else
			return *reason = "must be 'file' or 'passphrase'",
			    CXV_ERR_INVALID;
		return CXV_OK;
	case K_SALT:
		if (*v == '\0')
			return cfg->has_salt = 0, CXV_OK;
		if (cxv_unhex(v, cfg->salt, sizeof(cfg->salt)) != CXV_OK)
			return *reason = "must be 32 hex digits",
			    CXV_ERR_INVALID;
		cfg->has_salt = 1;
		return CXV_OK;
	case K_COUNTRY:
		if (cxv_strtonum(v, 1, 999, &n) != CXV_OK)
			return *reason = "must be a country calling code 1-999",
			    CXV_ERR_INVALID;
		cfg->country_code = (unsigned)n;
		return CXV_OK;
	case K_LOG_LEVEL:
		if (cxv_strtonum(v, 1, 9, &n) != CXV_OK)
			return *reason = "must be 1-9", CXV_ERR_INVALID;
		cfg->log_level = (int)n;
		return CXV_OK;
	case K_CALL_LOG:
		if (cxv_strtonum(v, 1, 100000, &n) != CXV_OK)
			return *reason = "must be 1-100000", CXV_ERR_INVALID;
		cfg->call_log_size = (int)n;
		return CXV_OK;
	case K__COUNT:
		break;
	}
	return CXV_ERR_INTERNAL;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Parse one line (NUL-terminated, no newline); seen[] catches repeats. */
static int
parse_line(struct cxv_config *cfg, char *line, int seen[K__COUNT],
    const char **reason, const char **key)
{
	char *eq, *k, *v;
	int i;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return CXV_OK;
	if ((eq = strchr(line, '=')) == NULL)
		return *reason = "expected 'key = value'", CXV_ERR_INVALID;
	*eq = '\0';
	k = trim(line);
	v = trim(eq + 1);
	for (i = 0; i < K__COUNT; i++)
		if (strcmp(k, key_names[i]) == 0)
			break;
	*key = k;
	if (i == K__COUNT)
		return *reason = "unknown key", CXV_ERR_INVALID;
	if (seen[i]++)
		return *reason = "key given twice", CXV_ERR_INVALID;
	return set_value(cfg, (enum key_id)i, v, reason);
}

static int
check_whole(const struct cxv_config *cfg, const char **reason)
{
	if (cfg->key_source == CXV_KEY_SOURCE_PASSPHRASE && !cfg->has_salt)
		return *reason = "master_key = passphrase needs master_key_salt",
		    CXV_ERR_INVALID;
	return CXV_OK;
}

int
cxv_config_parse(const char *text, size_t len, const char *name,
    struct cxv_config *cfg, char *why, size_t whylen)
{
	char line[CXV_CONFIG_LINE_MAX + 1];
	const char *reason = NULL, *key = NULL, *nl;
	size_t pos = 0, n, lineno = 0;
	int seen[K__COUNT] = { 0 };
	int r = CXV_OK;

	cxv_config_defaults(cfg);
	if (len > CXV_CONFIG_MAX) {
		snprintf(why, whylen, "%s: larger than %d bytes", name,
		    CXV_CONFIG_MAX);
		return CXV_ERR_TOO_LARGE;
	}
	while (pos < len && r == CXV_OK) {
		lineno++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		key = NULL;
		if (n > CXV_CONFIG_LINE_MAX)
			reason = "line too long", r = CXV_ERR_TOO_LARGE;
		else if (memchr(text + pos, '\0', n) != NULL)
			reason = "NUL byte in line", r = CXV_ERR_INVALID;
		else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			r = parse_line(cfg, line, seen, &reason, &key);
		}
		pos += n + 1;
	}
	if (r == CXV_OK && (r = check_whole(cfg, &reason)) != CXV_OK) {
		snprintf(why, whylen, "%s: %s", name, reason);
		return r;
	}
	if (r != CXV_OK) {
		/* Keys are echoed only when printable and short: never garbage. */
		if (key != NULL && strlen(key) <= 64 &&
		    cxv_utf8_printable(key, strlen(key)))
			snprintf(why, whylen, "%s:%zu: %s '%s'", name, lineno,
			    reason, key);
		else
			snprintf(why, whylen, "%s:%zu: %s", name, lineno,
			    reason);
	}
	return r;
}

int
cxv_config_load(const char *path, struct cxv_config *cfg, char *why,
    size_t whylen)
{
	char *text = NULL;
	size_t len = 0;
	int r;

	if ((r = cxv_read_file(path, CXV_CONFIG_MAX, &text, &len)) != CXV_OK) {
		snprintf(why, whylen, "%s: %s", path, r == CXV_ERR_NOT_FOUND ?
		    "no configuration file (not a vault directory?)" :
		    cxv_strerror(r));
		return r;
	}
	r = cxv_config_parse(text, len, path, cfg, why, whylen);
	cxv_freezero(text, len + 1);
	return r;
}

int
cxv_config_render(const struct cxv_config *cfg, char **out)
{
	char salt[2 * CXV_SALT_BYTES + 1] = "";
	char *s = NULL;
	int n;

	*out = NULL;
	if (cfg->has_salt)
		cxv_hex(cfg->salt, sizeof(cfg->salt), salt);
	n = asprintf(&s,
	    "# cxvault configuration. Lines are 'key = value'; '#' starts a\n"
	    "# comment. Every key is listed with its default; unknown keys are\n"
	    "# an error.\n"
	    "\n"
	    "# Where the master key comes from: 'file' (master.key beside this\n"
	    "# file, mode 0600) or 'passphrase' (Argon2id of a passphrase read\n"
	    "# on standard input). Default: file\n"
	    "master_key = %s\n"
	    "\n"
	    "# Argon2id salt (32 hex digits), needed when master_key = passphrase.\n"
	    "# Written by 'cxvault init'; changing it makes the vault unopenable.\n"
	    "# Default: empty\n"
	    "master_key_salt = %s\n"
	    "\n"
	    "# Country calling code for national phone numbers: with 49,\n"
	    "# 030 123456 becomes +4930123456. Default: 49\n"
	    "default_country_code = %u\n"
	    "\n"
	    "# Log level 1 (errors only) to 9 (trace). Personal values appear\n"
	    "# in clear only at levels 7-9; below, they are pseudonymized.\n"
	    "# Default: 3\n"
	    "log_level = %d\n"
	    "\n"
	    "# Calls kept in each agent's call log (R1.5); older entries are\n"
	    "# deleted as new ones arrive. Default: 1000\n"
	    "call_log_size = %d\n",
	    cfg->key_source == CXV_KEY_SOURCE_PASSPHRASE ? "passphrase" : "file",
	    salt, cfg->country_code, cfg->log_level, cfg->call_log_size);
	if (n < 0)
		return CXV_ERR_NOMEM;
	*out = s;
	return CXV_OK;
}
