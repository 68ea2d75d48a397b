/* SPDX-License-Identifier: Apache-2.0 */
/* Parser and writer of cxvault.conf; see config.h. */
#include "core/config.h"
#include "store/store.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"

enum type {
	T_INT,		/* an int within [min, max] */
	T_LLONG,	/* a long long within [min, max] */
	T_ENUM,		/* one of names, stored as its index (an int) */
	T_SALT,		/* hex, or empty */
	T_STR,		/* printable text, at most CXV_CONFIG_STR_MAX - 1 */
	T_NETS,		/* CIDR list: the text and the parsed list */
	T_POLICY,	/* a retention policy: "none", "30 delete", ... */
	T_TIME,		/* "HH:MM" UTC, as minutes after midnight */
};

/*
 * One key: its type, where it lives, its default (as it is written in
 * the file: cxv_config_defaults() parses it, so there is one source),
 * the complaint about a bad value, and the comment rendered above it.
 */
struct key {
	const char *name;
	enum type type;
	size_t off;
	long long min, max;
	const char *const *names;	/* T_ENUM, NULL-ended */
	const char *def;
	const char *reason;
	const char *doc;
};

static const char *const key_sources[] = { "file", "passphrase", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };
static const char *const session_policies[] = { "refuse_new", "drop_oldest",
    NULL };
static const char *const mask_policies[] = { "masked", "masked_and_original",
    NULL };

#define MASK_POLICY_DOC \
	"'masked': only what the mask leaves is kept. 'masked_and_original':\n" \
	"the original is sealed beside it under a key of its own, readable\n" \
	"only by a profile with content.unmasked, each read audited."


#define F(field)	offsetof(struct cxv_config, field)

static const struct key keys[] = {
	{ "master_key", T_ENUM, F(key_source), 0, 0, key_sources, "file",
	  "must be 'file' or 'passphrase'",
	  "Where the master key comes from: 'file' (master.key beside this\n"
	  "file, mode 0600) or 'passphrase' (Argon2id of a passphrase read\n"
	  "on standard input)." },
	{ "master_key_salt", T_SALT, F(salt), 0, 0, NULL, "",
	  "must be 32 hex digits",
	  "Argon2id salt (32 hex digits), needed when master_key = passphrase.\n"
	  "Written by 'cxvault init'; changing it makes the vault unopenable." },
	{ "default_country_code", T_INT, F(country_code), 1, 999, NULL, "49",
	  "must be a country calling code 1-999",
	  "Country calling code for national phone numbers, read as that\n"
	  "country writes them (libphonenumber): with 49, 030 123456 becomes\n"
	  "+4930123456; with 7, 8 916 555 01 23 becomes +79165550123." },
	{ "log_level", T_INT, F(log_level), 1, 9, NULL, "3", "must be 1-9",
	  "Log level 1 (errors only) to 9 (trace). The default writes no\n"
	  "personal data (R8.1)." },
	{ "hide_private_data", T_ENUM, F(hide_private_data), 0, 0, yes_no,
	  "yes", "must be 'no' or 'yes'",
	  "Caller ids, names, emails, IVR data are pseudonymized and free\n"
	  "text is redacted (cards, IBANs, emails, phone numbers) in every\n"
	  "log line whatever the level (R8.3, R8.4). 'no' lets levels 7-9\n"
	  "write them in clear, for debugging." },
	{ "log_dir", T_STR, F(log_dir), 0, 0, NULL, "logs",
	  "must be printable text",
	  "Where the log is written (cxvault.log and its rotations): a\n"
	  "directory, absolute, or relative to the data directory. A\n"
	  "packaged install writes to /var/log/cxvault (systemd's\n"
	  "LogsDirectory)." },
	{ "log_max_bytes", T_LLONG, F(log_max_bytes), 4096, 1LL << 34, NULL,
	  "10485760", "must be 4096-17179869184",
	  "The log rotates when it would grow past this size (R8.2)." },
	{ "log_max_files", T_INT, F(log_max_files), 0, 99, NULL, "10",
	  "must be 0-99", "Rotated log files kept (cxvault.log.1 ...)." },
	{ "log_max_age_days", T_INT, F(log_max_age_days), 0, 3650, NULL, "30",
	  "must be 0-3650",
	  "Rotated log files older than this are deleted; 0: kept." },
	{ "log_forward", T_STR, F(log_forward), 0, 0, NULL, "",
	  "must be printable text",
	  "'cxvault serve' forwards its log lines (as written: pseudonymized,\n"
	  "redacted) to this collector, HOST:PORT, as RFC 5424 syslog over\n"
	  "TLS (RFC 5425). Empty: no forwarding. Needs a restart." },
	{ "tls_client_ca", T_STR, F(tls_client_ca), 0, 0, NULL, "",
	  "must be printable text",
	  "CA certificates (PEM) that every outbound TLS connection (log\n"
	  "collector, directory, mail server) must chain to; the peer must\n"
	  "also carry the name dialled (R4.2). Empty: the system's trust\n"
	  "store. There is no setting that turns the checks off." },
	{ "ldap_url", T_STR, F(ldap_url), 0, 0, NULL, "",
	  "must be printable text",
	  "Directory logins (R2.6): accounts that are not local log in with\n"
	  "their directory password, checked by a bind at ldaps://HOST[:PORT]\n"
	  "or ldap://HOST[:PORT] (then always with StartTLS); the server's\n"
	  "certificate is checked as tls_client_ca says. Empty: none." },
	{ "ldap_user_dn", T_STR, F(ldap_user_dn), 0, 0, NULL, "",
	  "must be printable text",
	  "Bind as this DN, %s the logon name (uid=%s,ou=people,dc=example,\n"
	  "dc=org). Or leave it empty and set ldap_base: the user is found\n"
	  "by a search first." },
	{ "ldap_base", T_STR, F(ldap_base), 0, 0, NULL, "",
	  "must be printable text", "Where users are searched for." },
	{ "ldap_filter", T_STR, F(ldap_filter), 0, 0, NULL,
	  "(&(objectClass=inetOrgPerson)(uid=%s))", "must be printable text",
	  "The search, %s the logon name; exactly one entry must match. It\n"
	  "can leave out disabled accounts; for Active Directory:\n"
	  "(&(sAMAccountName=%s)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))" },
	{ "ldap_bind_dn", T_STR, F(ldap_bind_dn), 0, 0, NULL, "",
	  "must be printable text",
	  "The service account that searches; empty: an anonymous search." },
	{ "ldap_bind_password_file", T_STR, F(ldap_bind_password_file), 0, 0,
	  NULL, "", "must be printable text",
	  "A file (mode 0600) holding the service account's password." },
	{ "ldap_groups", T_STR, F(ldap_groups), 0, 0, NULL, "",
	  "must be printable text",
	  "Directory groups as profiles, the first that holds the user wins:\n"
	  "PROFILE=GROUP DN; PROFILE=GROUP DN (agent=cn=agents,ou=groups,\n"
	  "dc=example,dc=org). A user in none of them may not log in." },
	{ "smtp_url", T_STR, F(smtp_url), 0, 0, NULL, "",
	  "must be printable text",
	  "Voicemail to email (R4.3): the mail server, smtps://HOST[:PORT]\n"
	  "(implicit TLS) or smtp://HOST[:PORT] (then STARTTLS is required);\n"
	  "its certificate is checked as tls_client_ca says. Empty: none." },
	{ "smtp_from", T_STR, F(smtp_from), 0, 0, NULL, "",
	  "must be printable text", "The sender address of the messages." },
	{ "smtp_user", T_STR, F(smtp_user), 0, 0, NULL, "",
	  "must be printable text",
	  "Log in to the mail server as this user (empty: no login)." },
	{ "smtp_password_file", T_STR, F(smtp_password_file), 0, 0, NULL, "",
	  "must be printable text",
	  "A file (mode 0600) holding smtp_user's password." },
	{ "call_log_size", T_INT, F(call_log_size), 1, 100000, NULL, "1000",
	  "must be 1-100000",
	  "Calls kept in each agent's call log (R1.5); older entries are\n"
	  "deleted as new ones arrive." },
	{ "store", T_STR, F(store), 0, 0, NULL, "", "must be printable text",
	  "Where the records are. Empty: vault.db in the data directory\n"
	  "(SQLite). Or a PostgreSQL database of the vault's own, as a libpq\n"
	  "URL: postgresql://HOST/DB?sslmode=verify-full (docs/scaling.md);\n"
	  "the password goes in ~/.pgpass or a passfile=, not here." },
	{ "listen", T_STR, F(listen), 0, 0, NULL, "127.0.0.1:8443",
	  "must be printable text",
	  "Address and port 'cxvault serve' listens on (HTTPS only);\n"
	  "[::1]:8443 for IPv6." },
	{ "user", T_STR, F(user), 0, 0, NULL, "", "must be a user name",
	  "Started as root, 'cxvault serve' binds the socket and reads the\n"
	  "master key, then becomes this user (who must own the data\n"
	  "directory, TLS key and password files). Empty: no switch." },
	{ "tls_cert", T_STR, F(tls_cert), 0, 0, NULL, "",
	  "must be a file path",
	  "Server certificate chain (PEM). Empty: tls/cert.pem in the data\n"
	  "directory, the self-signed one 'cxvault init' made. Reloaded on\n"
	  "SIGHUP." },
	{ "tls_key", T_STR, F(tls_key), 0, 0, NULL, "",
	  "must be a file path",
	  "Private key of tls_cert (PEM, mode 0600). Empty: tls/key.pem." },
	{ "http_workers", T_INT, F(http_workers), 1, 64, NULL, "4",
	  "must be 1-64", "Server threads (each with its own database handle).\n"
	  "A thread waits while its request reads the disk or queues for the\n"
	  "write lock: more than the cores can keep the cores busier." },
	{ "http_max_connections", T_INT, F(http_max_connections), 1, 100000,
	  NULL, "512", "must be 1-100000", "Open connections at most." },
	{ "http_max_connections_per_ip", T_INT,
	  F(http_max_connections_per_ip), 1, 100000, NULL, "64",
	  "must be 1-100000", "Open connections from one address at most." },
	{ "http_timeout_seconds", T_INT, F(http_timeout_s), 1, 3600, NULL, "30",
	  "must be 1-3600",
	  "A connection that sends nothing for this long is closed (slow\n"
	  "clients cannot hold connections)." },
	{ "http_body_max", T_INT, F(http_body_max), 1024, 67108864, NULL,
	  "1048576", "must be 1024-67108864",
	  "Bytes of one JSON request body; larger ones get 413." },
	{ "upload_max", T_LLONG, F(upload_max), 1, 1LL << 40, NULL,
	  "4294967296", "must be 1-1099511627776",
	  "Bytes of one uploaded content item (a recording, a message...)." },
	{ "trusted_networks", T_NETS, F(trusted_networks_text), 0, 0, NULL, "",
	  "must be a comma-separated list of ADDR/PREFIX (at most 16)",
	  "Local networks (ADDR/PREFIX, comma-separated) from which end users\n"
	  "may log in with extension + PIN (R2.3). Empty: PIN logins off." },
	{ "lockout_failures", T_INT, F(lockout_failures), 1, 1000, NULL, "15",
	  "must be 1-1000",
	  "Failed logins in a row that lock an account (R2.4); counted for\n"
	  "unknown names too, so locking reveals nothing." },
	{ "lockout_seconds", T_INT, F(lockout_s), 1, 604800, NULL, "600",
	  "must be 1-604800", "How long a locked account stays locked." },
	{ "lockout_remote_seconds", T_INT, F(lockout_remote_s), 1, 604800, NULL,
	  "1800", "must be 1-604800",
	  "The same for remote (teleworker) accounts." },
	{ "login_address_burst", T_INT, F(login_address_burst), 1, 1000000,
	  NULL, "20", "must be 1-1000000",
	  "Failed logins one source address may make in a row before its\n"
	  "next attempts are refused (429, Retry-After) without a password\n"
	  "being checked, so that one address cannot keep the server hashing\n"
	  "(IPv6 addresses count by their /64). Successful logins cost\n"
	  "nothing. Behind a reverse proxy every client shares its address." },
	{ "login_address_refill_seconds", T_INT, F(login_address_refill_s), 1,
	  3600, NULL, "3", "must be 1-3600",
	  "How often a source address gets one failed login back." },
	{ "password_min_length", T_INT, F(password_min_length), 8, 128, NULL,
	  "12", "must be 8-128",
	  "Shortest password of staff, remote and API accounts (R2.2)." },
	{ "password_history", T_INT, F(password_history), 0, 24, NULL, "5",
	  "must be 0-24", "Recent passwords that may not be used again." },
	{ "password_max_age_days", T_INT, F(password_max_age_days), 0, 3650,
	  NULL, "0", "must be 0-3650",
	  "Days after which a password must be changed; 0: never." },
	{ "session_idle_seconds", T_INT, F(session_idle_s), 60, 86400, NULL,
	  "900", "must be 60-86400", "A session unused this long ends." },
	{ "session_max_seconds", T_INT, F(session_max_s), 60, 604800, NULL,
	  "28800", "must be 60-604800", "A session ends this long after login." },
	{ "config_sessions_max", T_INT, F(config_sessions_max), 1, 100, NULL,
	  "2", "must be 1-100",
	  "Parallel sessions of an account that may change the system\n"
	  "configuration (R2.5)." },
	{ "config_sessions_policy", T_ENUM, F(config_sessions_policy), 0, 0,
	  session_policies, "refuse_new",
	  "must be 'refuse_new' or 'drop_oldest'",
	  "When such an account logs in once more: 'refuse_new' refuses the\n"
	  "login, 'drop_oldest' ends its oldest session." },
	{ "retention_interactions", T_POLICY, F(retention[CXV_RET_INTERACTIONS]),
	  0, 0, NULL, "none",
	  "must be 'none', or days and 'delete' or 'backup-and-delete'",
	  "Retention (R6.6): per category, 'none' (kept) or 'DAYS METHOD':\n"
	  "records older than DAYS go, 'delete' at once, 'backup-and-delete'\n"
	  "into an encrypted archive in retention_archive_dir first. Persons\n"
	  "under legal hold are skipped; content follows its interaction.\n"
	  "Interactions (CDRs, sessions) with trails, items and content:" },
	{ "retention_recordings", T_POLICY, F(retention[CXV_RET_RECORDINGS]), 0,
	  0, NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Call recordings." },
	{ "retention_voicemail", T_POLICY, F(retention[CXV_RET_VOICEMAIL]), 0, 0,
	  NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Voicemail messages." },
	{ "retention_greetings", T_POLICY, F(retention[CXV_RET_GREETINGS]), 0, 0,
	  NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Voicemail greetings." },
	{ "retention_transcripts", T_POLICY, F(retention[CXV_RET_TRANSCRIPTS]),
	  0, 0, NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Chat and SMS transcripts." },
	{ "retention_email", T_POLICY, F(retention[CXV_RET_EMAIL]), 0, 0, NULL,
	  "none", "must be 'none', or days and 'delete' or 'backup-and-delete'",
	  "Email messages." },
	{ "retention_case_notes", T_POLICY, F(retention[CXV_RET_CASE_NOTES]), 0,
	  0, NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Case subjects and notes." },
	{ "retention_photos", T_POLICY, F(retention[CXV_RET_PHOTOS]), 0, 0, NULL,
	  "none", "must be 'none', or days and 'delete' or 'backup-and-delete'",
	  "Users' photos." },
	{ "retention_call_logs", T_POLICY, F(retention[CXV_RET_CALL_LOGS]), 0, 0,
	  NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Call-log entries of agents." },
	{ "retention_campaign_results", T_POLICY,
	  F(retention[CXV_RET_CAMPAIGN_RESULTS]), 0, 0, NULL, "none",
	  "must be 'none', or days and 'delete' or 'backup-and-delete'",
	  "Outbound campaign results." },
	{ "retention_statistics", T_POLICY, F(retention[CXV_RET_STATISTICS]), 0,
	  0, NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Traffic statistics (R6.9)." },
	{ "retention_charges", T_POLICY, F(retention[CXV_RET_CHARGES]), 0, 0,
	  NULL, "none", "must be 'none', or days and 'delete' or "
	  "'backup-and-delete'", "Hospitality call charges." },
	{ "retention_audit", T_POLICY, F(retention[CXV_RET_AUDIT]), 0, 0, NULL,
	  "none", "must be 'none', or days and 'delete' or 'backup-and-delete'",
	  "Audit entries (the chain stays verifiable from an authenticated\n"
	  "anchor)." },
	{ "retention_time", T_TIME, F(retention_at_min), 0, 0, NULL, "02:00",
	  "must be HH:MM",
	  "When 'cxvault serve' runs retention each day (UTC)." },
	{ "retention_archive_dir", T_STR, F(retention_archive_dir), 0, 0, NULL,
	  "", "must be printable text",
	  "Where backup-and-delete writes its encrypted archives. Empty:\n"
	  "archive/ in the data directory." },
	{ "backup_dir", T_STR, F(backup_dir), 0, 0, NULL, "",
	  "must be printable text",
	  "Daily backups (R5.4), taken after retention at retention_time,\n"
	  "into this directory as cxvault-TIME.cxb. Empty: none." },
	{ "backup_keep", T_INT, F(backup_keep), 1, 3650, NULL, "7",
	  "must be 1-3650",
	  "Scheduled backups kept; older ones are deleted." },
	{ "mask_recordings", T_ENUM,
	  F(mask_keep_original[CXV_MASK_CAT_RECORDINGS]), 0, 0, mask_policies,
	  "masked", "must be 'masked' or 'masked_and_original'",
	  "Recordings: DTMF tones and marked spans are silenced before they\n"
	  "are sealed (issue 29). " MASK_POLICY_DOC },
	{ "mask_voicemail", T_ENUM,
	  F(mask_keep_original[CXV_MASK_CAT_VOICEMAIL]), 0, 0, mask_policies,
	  "masked", "must be 'masked' or 'masked_and_original'",
	  "Voicemail, masked as recordings are. " MASK_POLICY_DOC },
	{ "mask_transcripts", T_ENUM,
	  F(mask_keep_original[CXV_MASK_CAT_TRANSCRIPTS]), 0, 0, mask_policies,
	  "masked", "must be 'masked' or 'masked_and_original'",
	  "Chat and SMS transcripts: cards, IBANs, addresses and numbers are\n"
	  "redacted as in log lines. " MASK_POLICY_DOC },
	{ "mask_email", T_ENUM, F(mask_keep_original[CXV_MASK_CAT_EMAIL]), 0, 0,
	  mask_policies, "masked", "must be 'masked' or 'masked_and_original'",
	  "Emails, redacted as transcripts are. " MASK_POLICY_DOC },
	{ "mask_case_notes", T_ENUM,
	  F(mask_keep_original[CXV_MASK_CAT_CASE_NOTES]), 0, 0, mask_policies,
	  "masked", "must be 'masked' or 'masked_and_original'",
	  "Case notes, redacted as transcripts are. " MASK_POLICY_DOC },
	{ "erase_keep_skeletons", T_ENUM, F(erase_keep_skeletons), 0, 0, yes_no,
	  "no", "must be 'no' or 'yes'",
	  "When a person is erased, keep the interactions an agent handled as\n"
	  "skeletons for reporting (times, media, outcome, agent, trail) with\n"
	  "every value of the person gone: 'yes'. 'no' deletes them whole." },
	{ "controller", T_STR, F(controller), 0, 0, NULL, "",
	  "must be printable text",
	  "The controller named in the record of processing (GDPR Art. 30):\n"
	  "the organisation, its address." },
	{ "dpo_contact", T_STR, F(dpo_contact), 0, 0, NULL, "",
	  "must be printable text",
	  "How to reach the data-protection officer (record of processing)." },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* "HH:MM" into minutes after midnight. */
static int
parse_hhmm(const char *v, int *out)
{
	long long h, m;
	char hh[3];

	if (strlen(v) != 5 || v[2] != ':')
		return CXV_ERR_INVALID;
	memcpy(hh, v, 2);
	hh[2] = '\0';
	if (cxv_strtonum(hh, 0, 23, &h) != CXV_OK ||
	    cxv_strtonum(v + 3, 0, 59, &m) != CXV_OK)
		return CXV_ERR_INVALID;
	*out = (int)(h * 60 + m);
	return CXV_OK;
}

/* A T_STR value: printable, short enough. */
static int
set_text(char *p, const char *v)
{
	size_t len = strlen(v);

	if (len >= CXV_CONFIG_STR_MAX || !cxv_utf8_printable(v, len))
		return CXV_ERR_INVALID;
	memcpy(p, v, len + 1);
	return CXV_OK;
}

static int
set_value(struct cxv_config *cfg, const struct key *k, const char *v)
{
	char *p = (char *)cfg + k->off;
	long long n;
	int i;

	switch (k->type) {
	case T_INT:
	case T_LLONG:
		if (cxv_strtonum(v, k->min, k->max, &n) != CXV_OK)
			return CXV_ERR_INVALID;
		if (k->type == T_INT)
			*(int *)(void *)p = (int)n;
		else
			*(long long *)(void *)p = n;
		return CXV_OK;
	case T_ENUM:
		for (i = 0; k->names[i] != NULL; i++)
			if (strcmp(v, k->names[i]) == 0)
				return *(int *)(void *)p = i, CXV_OK;
		return CXV_ERR_INVALID;
	case T_SALT:
		if (*v == '\0')
			return cfg->has_salt = 0, CXV_OK;
		if (cxv_unhex(v, cfg->salt, sizeof(cfg->salt)) != CXV_OK)
			return CXV_ERR_INVALID;
		return cfg->has_salt = 1, CXV_OK;
	case T_NETS:
		if (cxv_netmask_parse(v, &cfg->trusted_networks) != CXV_OK)
			return CXV_ERR_INVALID;
		return set_text(p, v);	/* kept for rendering */
	case T_POLICY:
		return cxv_ret_policy_parse(v, (struct cxv_ret_policy *)(void *)p);
	case T_TIME:
		return parse_hhmm(v, (int *)(void *)p);
	case T_STR:
		return set_text(p, v);
	}
	return CXV_ERR_INTERNAL;
}

void
cxv_config_defaults(struct cxv_config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < NKEYS; i++)
		(void)set_value(cfg, &keys[i], keys[i].def);
	cxv_source_init(&cfg->sources[0], "default");
	cfg->sources[0].country_code = cfg->country_code;
	cfg->nsources = 1;
}

const struct cxv_source *
cxv_config_source(const struct cxv_config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].name, name != NULL ? name :
		    "default") == 0)
			return &cfg->sources[i];
	return NULL;
}

/* "source.NAME.KEY = value": the source, made on its first key. */
static int
parse_source_key(struct cxv_config *cfg, char *k, const char *v,
    unsigned seen[CXV_SOURCES_MAX], const char **reason)
{
	char *name = k + strlen("source."), *sub = strchr(name, '.');
	struct cxv_source *src;
	size_t i;
	int key;

	if (sub == NULL)
		return *reason = "expected source.NAME.KEY", CXV_ERR_INVALID;
	*sub++ = '\0';
	if (!cxv_source_name_ok(name))
		return *reason = "a source name is 1-31 of a-z, 0-9, '_', '-'",
		    CXV_ERR_INVALID;
	for (i = 0; i < cfg->nsources; i++)
		if (strcmp(cfg->sources[i].name, name) == 0)
			break;
	if (i == CXV_SOURCES_MAX)
		return *reason = "more than 16 sources", CXV_ERR_INVALID;
	src = &cfg->sources[i];
	if (i == cfg->nsources) {
		cxv_source_init(src, name);
		cfg->nsources++;
	}
	sub[-1] = '.';		/* messages name the whole key */
	if ((key = cxv_source_key(sub)) >= 0 && seen[i] & (1u << key))
		return *reason = "key given twice", CXV_ERR_INVALID;
	if (key >= 0)
		seen[i] |= 1u << key;
	return cxv_source_set(src, sub, v, reason);
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

/* Keys met so far, for the repeat check. */
struct seen {
	int key[NKEYS];
	unsigned source[CXV_SOURCES_MAX];	/* bits of cxv_source_key() */
};

/* Parse one line (NUL-terminated, no newline); seen catches repeats. */
static int
parse_line(struct cxv_config *cfg, char *line, struct seen *seen,
    const char **reason, const char **key)
{
	char *eq, *k, *v;
	size_t i;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return CXV_OK;
	if ((eq = strchr(line, '=')) == NULL)
		return *reason = "expected 'key = value'", CXV_ERR_INVALID;
	*eq = '\0';
	k = trim(line);
	v = trim(eq + 1);
	*key = k;
	if (strncmp(k, "source.", 7) == 0)
		return parse_source_key(cfg, k, v, seen->source, reason);
	for (i = 0; i < NKEYS; i++)
		if (strcmp(k, keys[i].name) == 0)
			break;
	if (i == NKEYS)
		return *reason = "unknown key", CXV_ERR_INVALID;
	if (seen->key[i]++)
		return *reason = "key given twice", CXV_ERR_INVALID;
	if (set_value(cfg, &keys[i], v) != CXV_OK)
		return *reason = keys[i].reason, CXV_ERR_INVALID;
	return CXV_OK;
}

static int
check_whole(const struct cxv_config *cfg, const char **reason)
{
	struct sockaddr_storage ss;
	socklen_t len;
	size_t i;

	if (cfg->key_source == CXV_KEY_SOURCE_PASSPHRASE && !cfg->has_salt)
		return *reason = "master_key = passphrase needs master_key_salt",
		    CXV_ERR_INVALID;
	if (cfg->store[0] != '\0' && !cxv_store_is_server(cfg->store))
		return *reason = "store must be empty (SQLite) or a "
		    "postgresql:// URL", CXV_ERR_INVALID;
	if (cxv_net_listen_parse(cfg->listen, &ss, &len) != CXV_OK)
		return *reason = "listen must be ADDR:PORT or [ADDR]:PORT",
		    CXV_ERR_INVALID;
	for (i = 0; i < cfg->nsources; i++)
		if (cxv_source_check(&cfg->sources[i], reason) != CXV_OK)
			return CXV_ERR_INVALID;
	return CXV_OK;
}

int
cxv_config_parse(const char *text, size_t len, const char *name,
    struct cxv_config *cfg, char *why, size_t whylen)
{
	char line[CXV_CONFIG_LINE_MAX + 1];
	const char *reason = NULL, *key = NULL, *nl;
	size_t pos = 0, n, lineno = 0;
	struct seen seen;
	int r = CXV_OK;
	size_t i;

	cxv_config_defaults(cfg);
	memset(&seen, 0, sizeof(seen));
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
			r = parse_line(cfg, line, &seen, &reason, &key);
		}
		pos += n + 1;
	}
	/* A source without a region dials in the vault's default country. */
	for (i = 0; i < cfg->nsources; i++)
		if (cfg->sources[i].region[0] == '\0')
			cfg->sources[i].country_code = cfg->country_code;
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
	char *text = NULL, real[PATH_MAX];
	size_t len = 0;
	int r;

	/*
	 * The data directory's cxvault.conf may link to the file an
	 * operator keeps elsewhere ('init --config', /etc/cxvault).
	 */
	if ((r = cxv_read_file(realpath(path, real) != NULL ? real : path,
	    CXV_CONFIG_MAX, &text, &len)) != CXV_OK) {
		snprintf(why, whylen, "%s: %s", path, r == CXV_ERR_NOT_FOUND ?
		    "no configuration file (not a vault directory?)" :
		    cxv_strerror(r));
		return r;
	}
	r = cxv_config_parse(text, len, path, cfg, why, whylen);
	cxv_freezero(text, len + 1);
	return r;
}

/* The current value of k in cfg as the file writes it, into out. */
static void
value_text(const struct cxv_config *cfg, const struct key *k, char *out,
    size_t cap)
{
	const char *p = (const char *)cfg + k->off;

	switch (k->type) {
	case T_INT:
		snprintf(out, cap, "%d", *(const int *)(const void *)p);
		break;
	case T_LLONG:
		snprintf(out, cap, "%lld", *(const long long *)(const void *)p);
		break;
	case T_ENUM:
		snprintf(out, cap, "%s", k->names[*(const int *)(const void *)p]);
		break;
	case T_SALT:
		out[0] = '\0';
		if (cfg->has_salt)
			cxv_hex(cfg->salt, sizeof(cfg->salt), out);
		break;
	case T_NETS:
	case T_STR:
		snprintf(out, cap, "%s", p);
		break;
	case T_POLICY:
		cxv_ret_policy_text((const struct cxv_ret_policy *)(const void *)p,
		    out);
		break;
	case T_TIME:
		snprintf(out, cap, "%02d:%02d", *(const int *)(const void *)p / 60,
		    *(const int *)(const void *)p % 60);
		break;
	}
}

/* Append "# line" for each line of text to b. */
static int
put_comment(struct cxv_buf *b, const char *text)
{
	const char *nl;
	int r = CXV_OK;

	while (r == CXV_OK && *text != '\0') {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		r = cxv_buf_printf(b, "# %.*s\n", (int)(nl - text), text);
		text = *nl ? nl + 1 : nl;
	}
	return r;
}

static const char sources_doc[] =
    "Sources: each PBX or feed records come from, named on import\n"
    "(cxvault import cdr --source NAME). 'default' serves imports that\n"
    "name none: default_country_code, UTC, extensions of 2-6 digits.\n"
    "Each key is optional (docs/import.md):\n"
    "  source.NAME.region = RU       numbers as dialled in this country\n"
    "  source.NAME.zone = Europe/Moscow   the clock its files are written\n"
    "                                in (cdr_csv without usegmtime,\n"
    "                                cdr_custom); default UTC\n"
    "  source.NAME.extensions = 100-199, 2000-2999   or: 3-4 digits\n"
    "  source.NAME.columns = clid,src,dst,...   a cdr_custom file's fields\n"
    "                                (default: Asterisk's sample mapping)\n"
    "  source.NAME.ami = tls://pbx.example.org:5039   'serve' takes the\n"
    "                                PBX's CDRs live over the Asterisk\n"
    "                                Manager Interface (tcp://HOST:PORT\n"
    "                                on loopback only)\n"
    "  source.NAME.ami_user = cxvault   its manager account\n"
    "  source.NAME.ami_secret_file = /etc/cxvault/pbx.secret   the\n"
    "                                account's secret, the file's first\n"
    "                                line (read at start, as root)";

/* The sources' keys that are set, after their comment. */
static int
render_sources(const struct cxv_config *cfg, struct cxv_buf *b)
{
	size_t i, j;
	int r;

	if ((r = cxv_buf_printf(b, "\n")) != CXV_OK ||
	    (r = put_comment(b, sources_doc)) != CXV_OK)
		return r;
	for (i = 0; i < cfg->nsources && r == CXV_OK; i++) {
		const struct cxv_source *s = &cfg->sources[i];

		for (j = 0; j < CXV_SOURCE_KEYS && r == CXV_OK; j++)
			if (*cxv_source_text(s, j) != '\0')
				r = cxv_buf_printf(b, "source.%s.%s = %s\n",
				    s->name, cxv_source_key_name(j),
				    cxv_source_text(s, j));
	}
	return r;
}

/* The values a key takes, for the numbers and the choices. */
static int
put_range(struct cxv_buf *b, const struct key *k)
{
	size_t i;
	int r;

	if (k->type == T_INT || k->type == T_LLONG)
		return cxv_buf_printf(b, "# Range: %lld-%lld\n", k->min, k->max);
	if (k->type != T_ENUM)
		return CXV_OK;
	r = cxv_buf_printf(b, "# One of:");
	for (i = 0; r == CXV_OK && k->names[i] != NULL; i++)
		r = cxv_buf_printf(b, "%s %s", i > 0 ? "," : "", k->names[i]);
	return r == CXV_OK ? cxv_buf_printf(b, "\n") : r;
}

int
cxv_config_render(const struct cxv_config *cfg, char **out)
{
	char val[CXV_CONFIG_STR_MAX];
	struct cxv_buf b;
	size_t i;
	int r;

	*out = NULL;
	cxv_buf_init(&b, CXV_CONFIG_MAX);
	r = cxv_buf_printf(&b, "# cxvault configuration. Lines are 'key = "
	    "value'; '#' starts a\n# comment. Every key is listed with its "
	    "default; unknown keys are\n# an error.\n");
	for (i = 0; i < NKEYS && r == CXV_OK; i++) {
		value_text(cfg, &keys[i], val, sizeof(val));
		if ((r = cxv_buf_printf(&b, "\n")) == CXV_OK &&
		    (r = put_comment(&b, keys[i].doc)) == CXV_OK &&
		    (r = put_range(&b, &keys[i])) == CXV_OK)
			r = cxv_buf_printf(&b, "# Default: %s\n%s = %s\n",
			    *keys[i].def ? keys[i].def : "empty", keys[i].name,
			    val);
	}
	if (r == CXV_OK)
		r = render_sources(cfg, &b);
	if (r != CXV_OK) {
		cxv_buf_free(&b);
		return r;
	}
	*out = cxv_buf_take(&b);
	return CXV_OK;
}
