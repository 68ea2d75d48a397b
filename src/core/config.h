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

#include "base/netaddr.h"
#include "core/policy.h"
#include "core/source.h"

#define CXV_SALT_BYTES	16

enum cxv_key_source {
	CXV_KEY_SOURCE_FILE,		/* master.key in the data directory */
	CXV_KEY_SOURCE_PASSPHRASE,	/* Argon2id of a passphrase + salt */
};

/* What to do when a third session of a limited account starts (R2.5). */
enum cxv_session_policy {
	CXV_SESSIONS_REFUSE_NEW,	/* the new login is refused */
	CXV_SESSIONS_DROP_OLDEST,	/* the oldest session ends */
};

#define CXV_CONFIG_STR_MAX	1024

/* Content categories with a masking policy (issue 29). */
enum cxv_mask_cat {
	CXV_MASK_CAT_RECORDINGS, CXV_MASK_CAT_VOICEMAIL,
	CXV_MASK_CAT_TRANSCRIPTS, CXV_MASK_CAT_EMAIL, CXV_MASK_CAT_CASE_NOTES,
	CXV_MASK_CAT__COUNT
};

struct cxv_config {
	enum cxv_key_source key_source;
	int has_salt;
	uint8_t salt[CXV_SALT_BYTES];
	unsigned country_code;		/* for national phone numbers */
	int log_level;			/* 1-9 */
	int hide_private_data;		/* R8.3 */
	char log_dir[CXV_CONFIG_STR_MAX];	/* absolute, or in the data dir */
	long long log_max_bytes;	/* R8.2 */
	int log_max_files;
	char log_forward[CXV_CONFIG_STR_MAX];	/* R8.5: HOST:PORT, or "" */
	char tls_client_ca[CXV_CONFIG_STR_MAX];	/* R4.2 */
	/* Directory logins (R2.6), ldapauth.h. */
	char ldap_url[CXV_CONFIG_STR_MAX];
	char ldap_user_dn[CXV_CONFIG_STR_MAX];
	char ldap_base[CXV_CONFIG_STR_MAX];
	char ldap_filter[CXV_CONFIG_STR_MAX];
	char ldap_bind_dn[CXV_CONFIG_STR_MAX];
	char ldap_bind_password_file[CXV_CONFIG_STR_MAX];
	char ldap_groups[CXV_CONFIG_STR_MAX];
	/* Voicemail to email (R4.3), vmmail.h. */
	char smtp_url[CXV_CONFIG_STR_MAX];
	char smtp_from[CXV_CONFIG_STR_MAX];
	char smtp_user[CXV_CONFIG_STR_MAX];
	char smtp_password_file[CXV_CONFIG_STR_MAX];
	int log_max_age_days;
	int call_log_size;		/* entries per agent call log */
	char store[CXV_CONFIG_STR_MAX];	/* "" = vault.db, or postgresql:// */

	/* The HTTPS server (cxvault serve). */
	char listen[CXV_CONFIG_STR_MAX];	/* ADDR:PORT */
	char user[CXV_CONFIG_STR_MAX];		/* run as; "" stays */
	char tls_cert[CXV_CONFIG_STR_MAX];	/* PEM; "" = DIR/tls/cert.pem */
	char tls_key[CXV_CONFIG_STR_MAX];	/* PEM; "" = DIR/tls/key.pem */
	int http_workers;		/* threads, each with a vault handle */
	int http_max_connections;
	int http_max_connections_per_ip;
	int http_timeout_s;		/* a connection idle this long is cut */
	int http_body_max;		/* bytes of a JSON request body */
	long long upload_max;		/* bytes of one content upload */
	/* Issue 29: per category, whether the original is kept beside. */
	int mask_keep_original[CXV_MASK_CAT__COUNT];

	/* Accounts and sessions (R2). */
	char trusted_networks_text[CXV_CONFIG_STR_MAX];
	struct cxv_netmask_list trusted_networks;	/* PIN logins, R2.3 */
	int lockout_failures;		/* R2.4 */
	int lockout_s;
	int lockout_remote_s;
	int login_address_burst;	/* failed logins per source address */
	int login_address_refill_s;	/* one back this often */
	int password_min_length;	/* R2.2, staff accounts */
	int password_history;		/* recent passwords not reused */
	int password_max_age_days;	/* 0: no ageing */
	int session_idle_s;
	int session_max_s;
	int config_sessions_max;	/* R2.5 */
	enum cxv_session_policy config_sessions_policy;

	/* Retention (R6.6): policies, daily start (minutes after 00:00
	 * UTC), archive directory for backup-and-delete. */
	struct cxv_ret_policy retention[CXV_RET__COUNT];
	int retention_at_min;
	char retention_archive_dir[CXV_CONFIG_STR_MAX];
	/* Scheduled backups: directory ("" none), how many are kept. */
	char backup_dir[CXV_CONFIG_STR_MAX];
	int backup_keep;

	/* Erasure: keep the non-personal skeleton of handled calls. */
	int erase_keep_skeletons;

	/* The record of processing (R10.3). */
	char controller[CXV_CONFIG_STR_MAX];
	char dpo_contact[CXV_CONFIG_STR_MAX];

	/* PBXs and feeds ("source.NAME.KEY"); [0] is "default". */
	struct cxv_source sources[CXV_SOURCES_MAX];
	size_t nsources;
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

/* The source called name (NULL: "default"); NULL if there is none. */
const struct cxv_source *cxv_config_source(const struct cxv_config *cfg,
    const char *name);

/*
 * Render cfg as a complete, commented configuration file (every key with
 * its default documented) into a new string the caller frees.
 */
int cxv_config_render(const struct cxv_config *cfg, char **out /* OUT */);

#endif
