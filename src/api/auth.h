/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authentication (R2): users' login credentials (password, PIN, profile),
 * the lockout after repeated failures (R2.4), login sessions and API
 * tokens (R2.8), password changes and resets with the policy of
 * password.h. Every success and every failure is audited with the
 * source address (R7.2). Secrets given to clients are random tokens
 * stored only as hashes.
 *
 * Functions take a vault handle used by one thread at a time.
 */
#ifndef CXV_AUTH_H
#define CXV_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/keyring.h"

struct cxv_vault;

/* "cxv_" and 43 base64url characters (256 random bits), NUL included. */
#define CXV_TOKEN_STR	48

enum cxv_auth_kind {
	CXV_AUTH_SESSION,	/* a login: idle and absolute expiry */
	CXV_AUTH_TOKEN,		/* an API token: scoped, absolute expiry */
};

/* Who makes a request, once authenticated. */
struct cxv_principal {
	int64_t user_id;
	int64_t subject_id;
	int user_kind;			/* enum cxv_user_kind */
	int64_t profile_id;
	uint64_t perms;			/* what it may do now */
	int must_change;		/* only a password change is allowed */
	int kind;			/* enum cxv_auth_kind */
	uint8_t token_hash[CXV_HASH_BYTES];
	char actor[32];			/* "user:<id>", for the audit trail */
};

/* A login attempt: a logon id and password, or an extension and PIN. */
struct cxv_login_in {
	const char *name;		/* NULL for a PIN login */
	const char *extension;		/* NULL for a password login */
	const char *secret;		/* the password or the PIN */
	size_t secret_len;
	const struct sockaddr *source;
};

struct cxv_login_out {
	char token[CXV_TOKEN_STR];
	int64_t expires_ms;
	int must_change;		/* reset by an administrator, or aged */
	int64_t retry_after_s;		/* with CXV_ERR_LOCKED */
};

/*
 * Log in (R2.2-R2.5). Returns CXV_OK with a new session in *out;
 * CXV_ERR_AUTH for a wrong name, password or PIN (the same for names
 * nobody has, in the same time); CXV_ERR_LOCKED after too many
 * failures (unknown names lock too), with retry_after_s; CXV_ERR_DENIED
 * for a PIN login from outside the trusted networks or by a non-local
 * account, or a disabled account; CXV_ERR_LIMIT when an account that
 * configures the system has its parallel sessions already and the
 * policy refuses new ones.
 */
int cxv_auth_login(struct cxv_vault *v, const struct cxv_login_in *in,
    struct cxv_login_out *out /* OUT */);

/*
 * The principal of a session or API token: CXV_ERR_AUTH if it is
 * unknown, expired, idle too long, or its account is disabled or has
 * lost its login. Refreshes the session's idle clock.
 */
int cxv_auth_check(struct cxv_vault *v, const char *token,
    struct cxv_principal *out /* OUT */);

/* End the principal's session or revoke its token; audited. */
int cxv_auth_logout(struct cxv_vault *v, const struct cxv_principal *p);

/*
 * Change one's own password: the current one must match, the new one
 * meet the policy and differ from the last password_history ones. A
 * session that had to change its password has full rights after.
 * CXV_ERR_AUTH for a wrong current password (counted as a failure),
 * CXV_ERR_INVALID with *why for a new one the policy refuses.
 */
int cxv_auth_change_password(struct cxv_vault *v, const struct cxv_principal *p,
    const char *cur, size_t curlen, const char *pw, size_t pwlen,
    const char **why /* OUT */);

/*
 * Administration (callers check CXV_PERM_ACCOUNTS). Give user_id a
 * login with profile_id (or change its profile); set a password, which
 * must be changed at the next login when must_change (an administrator's
 * reset); set a PIN; unlock; end all sessions and tokens. All audited.
 */
int cxv_auth_grant(struct cxv_vault *v, int64_t user_id, int64_t profile_id);
int cxv_auth_set_password(struct cxv_vault *v, int64_t user_id,
    const char *pw, size_t len, int must_change, const char **why /* OUT */);
int cxv_auth_set_pin(struct cxv_vault *v, int64_t user_id, const char *pin,
    size_t len, const char **why /* OUT */);
int cxv_auth_unlock(struct cxv_vault *v, int64_t user_id);
int cxv_auth_revoke_all(struct cxv_vault *v, int64_t user_id,
    int64_t *n /* OUT */);

/*
 * A new API token for user_id (R2.8), limited to scope (and always to
 * the user's profile), valid for days. Audited; the token is shown once.
 */
int cxv_auth_token_create(struct cxv_vault *v, int64_t user_id,
    uint64_t scope, int days, char token[CXV_TOKEN_STR] /* OUT */,
    int64_t *expires_ms /* OUT */);

/* A user's login state, for administrators' views. */
struct cxv_auth_state {
	int has_login;
	int64_t profile_id;
	int has_password, has_pin, must_change;
	int64_t locked_until_ms;
	int failures;
};
int cxv_auth_state(struct cxv_vault *v, int64_t user_id,
    struct cxv_auth_state *out /* OUT */);

#endif
