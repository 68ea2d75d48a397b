/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cxvault.conf: "key = value" lines, '#' comments. Every key has a
 * default; an unknown or repeated key, or a bad value, is an error that
 * names file:line. The config is a plain value object, so its fields are
 * public (like a struct stat).
 */
#ifndef CXV_CONFIG_H
#define CXV_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define CXV_SALT_BYTES	16

enum cxv_key_source {
	CXV_KEY_SOURCE_FILE,		/* master.key in the data directory */
	CXV_KEY_SOURCE_PASSPHRASE,	/* Argon2id of a passphrase + salt */
};

struct cxv_config {
	enum cxv_key_source key_source;
	int has_salt;
	uint8_t salt[CXV_SALT_BYTES];
	unsigned country_code;		/* for national phone numbers */
	int log_level;			/* 1-9 */
	int call_log_size;		/* entries per agent call log */
};

/* Fill *cfg with every default. */
void cxv_config_defaults(struct cxv_config *cfg /* OUT */);

/*
 * Parse len bytes of text (need not be NUL-terminated) into *cfg. name
 * is used in messages. On error returns CXV_ERR_INVALID or
 * CXV_ERR_TOO_LARGE and writes "name:line: reason" into why.
 */
int cxv_config_parse(const char *text, size_t len, const char *name,
    struct cxv_config *cfg /* OUT */, char *why, size_t whylen);

/* Read and parse the file at path; errors as cxv_config_parse(). */
int cxv_config_load(const char *path, struct cxv_config *cfg /* OUT */,
    char *why, size_t whylen);

/*
 * Render cfg as a complete, commented configuration file (every key with
 * its default documented) into a new string the caller frees.
 */
int cxv_config_render(const struct cxv_config *cfg, char **out /* OUT */);

#endif
