/* SPDX-License-Identifier: Apache-2.0 */
/* Logins, lockout, sessions and API tokens; see auth.h. */
#include "api/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/netaddr.h"
#include "base/util.h"
#include "core/config.h"
#include "core/ident.h"
#include "core/log.h"
#include "core/password.h"
#include "net/ldapauth.h"
#include "records/profile.h"
#include "records/subject.h"
#include "records/user.h"
#include "records/vault.h"
#include "store/store.h"

#define TOKEN_PREFIX	"cxv_"
#define TOKEN_RAW	32
/* A session's idle clock is written at most this often (not per request). */
#define TOUCH_EVERY_MS	30000
#define DAY_MS		86400000LL

/* A user's login, copied out of the store. */
struct account {
	int found;			/* a user with credentials */
	int64_t user_id, subject_id;
	int kind, status;
	int64_t profile_id;
	char pw_hash[CXV_PASSWORD_HASH_MAX], pin_hash[CXV_PASSWORD_HASH_MAX];
	int64_t pw_changed_ms;
	int must_change, failures;
	int64_t locked_until_ms;
	uint8_t name_bidx[CXV_HASH_BYTES];	/* unknown names' counter */
};

static void
hash_token(const char *token, uint8_t out[CXV_HASH_BYTES])
{
	crypto_generichash(out, CXV_HASH_BYTES, (const uint8_t *)token,
	    strlen(token), NULL, 0);
}

static void
new_token(char token[CXV_TOKEN_STR], uint8_t hash[CXV_HASH_BYTES])
{
	uint8_t raw[TOKEN_RAW];

	randombytes_buf(raw, sizeof(raw));
	memcpy(token, TOKEN_PREFIX, sizeof(TOKEN_PREFIX));
	sodium_bin2base64(token + 4, CXV_TOKEN_STR - 4, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	hash_token(token, hash);
}

/* Well-formed: the prefix and exactly 43 base64url characters. */
static int
token_shape(const char *t)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
	    "uvwxyz0123456789-_";

	return strncmp(t, TOKEN_PREFIX, 4) == 0 &&
	    strlen(t) == CXV_TOKEN_STR - 1 &&
	    strspn(t + 4, b64) == CXV_TOKEN_STR - 5;
}

static int
take_user(void *ctx, const struct cxv_user_row *row)
{
	struct account *a = ctx;

	a->user_id = row->id;
	a->subject_id = row->subject_id;
	a->kind = row->kind;
	a->status = row->status;
	return CXV_OK;
}

static int
take_credential(void *ctx, const struct cxv_credential_row *row)
{
	struct account *a = ctx;

	a->profile_id = row->profile_id;
	snprintf(a->pw_hash, sizeof(a->pw_hash), "%s",
	    row->pw_hash != NULL ? row->pw_hash : "");
	snprintf(a->pin_hash, sizeof(a->pin_hash), "%s",
	    row->pin_hash != NULL ? row->pin_hash : "");
	a->pw_changed_ms = row->pw_changed_ms;
	a->must_change = row->must_change;
	a->failures = row->failures;
	a->locked_until_ms = row->locked_until_ms;
	return CXV_OK;
}

/* The user and credentials of user_id; found = 0 if either is missing. */
static int
load_account(struct cxv_vault *v, int64_t user_id, struct account *a)
{
	struct cxv_store *st = cxv_vault_store(v);
	int r;

	a->found = 0;
	if ((r = cxv_store_user_get(st, user_id, take_user, a)) != CXV_OK ||
	    (r = cxv_store_credential_get(st, user_id, take_credential, a))
	    != CXV_OK)
		return r == CXV_ERR_NOT_FOUND ? CXV_OK : r;
	a->found = 1;
	return CXV_OK;
}

static int
take_user_id(void *ctx, const struct cxv_user_row *row)
{
	*(int64_t *)ctx = row->id;
	return CXV_OK;
}

/*
 * The account logging in by name, or by extension; a->found = 0 for one
 * nobody has, whose failures count under a blind index of what was typed.
 */
static int
find_account(struct cxv_vault *v, const struct cxv_login_in *in,
    struct account *a)
{
	struct cxv_ident_input ext = { CXV_IDENT_PHONE, in->extension };
	char typed[CXV_IDENT_MAX + 8];
	const char *why;
	int64_t uid = 0, sid = 0;
	int r;

	memset(a, 0, sizeof(*a));
	snprintf(typed, sizeof(typed), "%s:%s", in->name ? "name" : "ext",
	    in->name ? in->name : in->extension);
	cxv_keyring_blind_index(cxv_vault_keyring(v), "login", typed,
	    a->name_bidx);
	sodium_memzero(typed, sizeof(typed));
	if (in->name != NULL)
		r = cxv_user_lookup(v, in->name, &uid);
	else if ((r = cxv_subject_lookup_tx(v, &ext, &sid, &why)) == CXV_OK)
		r = cxv_store_user_by_subject(cxv_vault_store(v), sid,
		    take_user_id, &uid);
	if (r == CXV_ERR_NOT_FOUND || r == CXV_ERR_INVALID)
		return CXV_OK;
	return r == CXV_OK ? load_account(v, uid, a) : r;
}

/* Audit an authentication event with its source address (R7.2). */
static int
audit_auth(struct cxv_vault *v, const char *action, int64_t user_id,
    const char *source, const char *detail)
{
	char id[24], fields[CXV_AUDIT_TEXT_MAX];

	snprintf(id, sizeof(id), "%lld", (long long)user_id);
	snprintf(fields, sizeof(fields), "source=%s%s%s", source,
	    *detail ? "," : "", detail);
	return cxv_vault_audit(v, action, user_id ? "user" : "login",
	    user_id ? id : "unknown", fields);
}

struct failure {
	const struct account *a;
	const char *source, *reason;
	int64_t until;
	int locked;
};

static int
failure_locked(struct cxv_vault *v, void *arg)
{
	struct failure *f = arg;
	const struct cxv_config *cfg = cxv_vault_config(v);
	int r;

	r = f->a->found ? cxv_store_credential_fail(cxv_vault_store(v),
	    f->a->user_id, cfg->lockout_failures, f->until, &f->locked) :
	    cxv_store_login_failure_add(cxv_vault_store(v), f->a->name_bidx,
	    cfg->lockout_failures, f->until, &f->locked);
	if (r != CXV_OK)
		return r;
	return audit_auth(v, "auth.failure", f->a->user_id, f->source,
	    f->locked ? "locked" : f->reason);
}

/*
 * Count a failed login (R2.4) and audit it. Remote accounts lock for
 * longer; unknown names lock like local accounts. Returns CXV_ERR_AUTH.
 */
static int
record_failure(struct cxv_vault *v, const struct account *a,
    const char *source, const char *reason)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct failure f = { a, source, reason, 0, 0 };
	int r;

	f.until = cxv_now_ms() + 1000LL * (a->found &&
	    a->kind == CXV_USER_REMOTE ? cfg->lockout_remote_s : cfg->lockout_s);
	if ((r = cxv_vault_in_txn(v, failure_locked, &f)) != CXV_OK)
		return r;
	CXV_LOG(CXV_LOG_INFO, "auth.failure", CXV_LF("reason", reason),
	    CXV_LF_PERSONAL("source", source),
	    CXV_LF("locked", f.locked ? "yes" : "no"));
	return CXV_ERR_AUTH;
}

struct refusal {
	int64_t user_id;
	const char *source, *reason;
};

static int
refusal_locked(struct cxv_vault *v, void *arg)
{
	struct refusal *f = arg;

	return audit_auth(v, "auth.refused", f->user_id, f->source, f->reason);
}

/* Audit a refused login that is not a wrong secret; returns r. */
static int
refuse(struct cxv_vault *v, int64_t user_id, const char *source,
    const char *reason, int r)
{
	struct refusal f = { user_id, source, reason };
	int ar = cxv_vault_in_txn(v, refusal_locked, &f);

	CXV_LOG(CXV_LOG_INFO, "auth.refused", CXV_LF("reason", reason),
	    CXV_LF_PERSONAL("source", source));
	return ar != CXV_OK ? ar : r;
}

static int
aged(const struct cxv_config *cfg, const struct account *a)
{
	return cfg->password_max_age_days > 0 && a->pw_hash[0] != '\0' &&
	    a->pw_changed_ms + cfg->password_max_age_days * DAY_MS <
	    cxv_now_ms();
}

struct sessions {
	int n;
	uint8_t oldest[CXV_HASH_BYTES];
};

static int
count_session(void *ctx, const struct cxv_session_row *row)
{
	struct sessions *s = ctx;

	if (s->n++ == 0)
		memcpy(s->oldest, row->token_hash, CXV_HASH_BYTES);
	return CXV_OK;
}

struct start {
	const struct account *a;
	const char *source, *method;
	int limited;			/* R2.5 applies */
	struct cxv_login_out *out;
};

/* R2.5: at most config_sessions_max parallel sessions of such accounts. */
static int
session_limit(struct cxv_vault *v, const struct start *s, int64_t now)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct sessions live = { 0, { 0 } };
	int r;

	if (!s->limited)
		return CXV_OK;
	if ((r = cxv_store_session_live(cxv_vault_store(v), s->a->user_id,
	    CXV_AUTH_SESSION, now, count_session, &live)) != CXV_OK ||
	    live.n < cfg->config_sessions_max)
		return r;
	if (cfg->config_sessions_policy == CXV_SESSIONS_REFUSE_NEW)
		return CXV_ERR_LIMIT;
	if ((r = cxv_store_session_delete(cxv_vault_store(v), live.oldest))
	    != CXV_OK)
		return r;
	return audit_auth(v, "auth.session.drop", s->a->user_id, s->source,
	    "oldest");
}

static int
start_locked(struct cxv_vault *v, void *arg)
{
	struct start *s = arg;
	const struct cxv_config *cfg = cxv_vault_config(v);
	uint8_t hash[CXV_HASH_BYTES];
	struct cxv_session_row row;
	int64_t now = cxv_now_ms();
	char detail[64];
	int r;

	if ((r = session_limit(v, s, now)) != CXV_OK)
		return r;
	new_token(s->out->token, hash);
	row = (struct cxv_session_row){ hash, s->a->user_id, CXV_AUTH_SESSION,
	    CXV_PERMS_ALL, now, now, now + 1000LL * cfg->session_max_s };
	s->out->expires_ms = row.expires_ms;
	snprintf(detail, sizeof(detail), "method=%s", s->method);
	if ((r = cxv_store_session_insert(cxv_vault_store(v), &row)) ==
	    CXV_OK &&
	    (r = cxv_store_credential_clear(cxv_vault_store(v),
	    s->a->user_id)) == CXV_OK)
		r = audit_auth(v, "auth.login", s->a->user_id, s->source,
		    detail);
	if (r != CXV_OK)
		sodium_memzero(s->out->token, sizeof(s->out->token));
	return r;
}

/* The stored hash the secret is checked against; NULL if none. */
static const char *
secret_hash(const struct account *a, const struct cxv_login_in *in)
{
	const char *h = in->extension != NULL ? a->pin_hash : a->pw_hash;

	return a->found && *h != '\0' ? h : NULL;
}

/* After the secret matched: disabled, profile, R2.5, the session. */
static int
start_session(struct cxv_vault *v, const struct account *a,
    const struct cxv_login_in *in, const char *src,
    struct cxv_login_out *out)
{
	struct start s = { a, src, in->extension ? "pin" : "password", 0, out };
	struct cxv_profile prof;
	int r;

	if (a->status != CXV_USER_ACTIVE)
		return refuse(v, a->user_id, src, "disabled", CXV_ERR_DENIED);
	if (cxv_profile_get(v, a->profile_id, &prof) != CXV_OK)
		return refuse(v, a->user_id, src, "no_profile", CXV_ERR_DENIED);
	s.limited = cxv_perms_configure(prof.perms);
	r = cxv_vault_in_txn(v, start_locked, &s);
	if (r == CXV_ERR_LIMIT)
		return refuse(v, a->user_id, src, "sessions", CXV_ERR_LIMIT);
	if (r != CXV_OK)
		return r;
	out->must_change = in->extension == NULL &&
	    (a->must_change || aged(cxv_vault_config(v), a));
	CXV_LOG(CXV_LOG_INFO, "auth.login", CXV_LF("method", s.method));
	return CXV_OK;
}

/* The directory's user as an account: made at the first login (R2.6). */
static int
create_remote(struct cxv_vault *v, const char *name,
    const struct cxv_dir_user *u, int64_t *id)
{
	struct cxv_field f[5];
	const char *why;
	size_t n = 0;
	int r;

	if (u->first_name[0] != '\0')
		f[n++] = (struct cxv_field){ "first_name", u->first_name };
	if (u->last_name[0] != '\0')
		f[n++] = (struct cxv_field){ "last_name", u->last_name };
	if (u->email[0] != '\0')
		f[n++] = (struct cxv_field){ "email", u->email };
	if (u->phone[0] != '\0')
		f[n++] = (struct cxv_field){ "work_phone", u->phone };
	if (u->mobile[0] != '\0')
		f[n++] = (struct cxv_field){ "mobile", u->mobile };
	r = cxv_user_add(v, name, CXV_USER_REMOTE, f, n, 0, id, &why);
	if ((r == CXV_ERR_INVALID || r == CXV_ERR_CONFLICT) && n > 2) {
		/*
		 * A number or address the vault cannot read, or one another
		 * person holds (a login never takes over someone's record):
		 * names only.
		 */
		CXV_LOG(CXV_LOG_WARN, "ldap.provision", CXV_LF("fields",
		    "names only"), CXV_LF("result", cxv_errcode(r)));
		r = cxv_user_add(v, name, CXV_USER_REMOTE, f,
		    u->first_name[0] && u->last_name[0] ? 2 : 1, 0, id, &why);
	}
	return r;
}

/*
 * After the directory accepted the password: the account exists, with
 * the profile the directory's groups give (created, or its profile
 * brought up to date); a is loaded.
 */
static int
provision(struct cxv_vault *v, const char *name,
    const struct cxv_dir_user *u, struct account *a)
{
	struct cxv_profile prof;
	int64_t id = a->user_id;
	int r;

	if ((r = cxv_profile_by_name(v, u->profile, &prof)) != CXV_OK)
		return r == CXV_ERR_NOT_FOUND ? CXV_ERR_DENIED : r;
	if (!a->found && (r = create_remote(v, name, u, &id)) != CXV_OK)
		return r;
	if ((!a->found || a->profile_id != prof.id) &&
	    (r = cxv_auth_grant(v, id, prof.id)) != CXV_OK)
		return r;
	return load_account(v, id, a);
}

/* Accounts of the directory: not local ones (and none by PIN). */
static int
directory_applies(const struct cxv_config *cfg,
    const struct cxv_login_in *in, const struct account *a)
{
	return cfg->ldap_url[0] != '\0' && in->name != NULL &&
	    (!a->found || a->kind == CXV_USER_REMOTE);
}

static int
directory_login(struct cxv_vault *v, const struct cxv_login_in *in,
    struct account *a, const char *src, struct cxv_login_out *out)
{
	struct cxv_dir_user u;
	const char *why = "";
	int r;

	r = cxv_ldap_login(cxv_vault_config(v), in->name, in->secret,
	    in->secret_len, &u, &why);
	if (r == CXV_ERR_AUTH)
		r = record_failure(v, a, src, a->found ? "bad_password" :
		    "unknown");
	else if (r == CXV_ERR_DENIED)
		r = refuse(v, a->user_id, src, why, CXV_ERR_DENIED);
	else if (r != CXV_OK)
		r = refuse(v, a->user_id, src, "directory_unavailable",
		    CXV_ERR_UNAVAILABLE);
	else if ((r = provision(v, in->name, &u, a)) == CXV_ERR_DENIED)
		r = refuse(v, a->user_id, src, "no_profile", r);
	else if (r == CXV_OK)
		r = start_session(v, a, in, src, out);
	sodium_memzero(&u, sizeof(u));
	return r;
}

int
cxv_auth_login(struct cxv_vault *v, const struct cxv_login_in *in,
    struct cxv_login_out *out)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	char src[CXV_NET_ADDR_STR];
	struct account a;
	int64_t until = 0, now;
	int r;

	memset(out, 0, sizeof(*out));
	cxv_net_addr_text(in->source, src);
	if ((in->name == NULL) == (in->extension == NULL))
		return CXV_ERR_INVALID;
	/* R2.3: PINs only from the trusted local networks. */
	if (in->extension != NULL &&
	    !cxv_netmask_match(&cfg->trusted_networks, in->source))
		return refuse(v, 0, src, "pin_untrusted_network",
		    CXV_ERR_DENIED);
	if ((r = find_account(v, in, &a)) != CXV_OK)
		return r;
	now = cxv_now_ms();
	if (a.found)
		until = a.locked_until_ms;
	else if ((r = cxv_store_login_failure_get(cxv_vault_store(v),
	    a.name_bidx, &until)) != CXV_OK)
		return r;
	if (until > now) {
		out->retry_after_s = (until - now + 999) / 1000;
		r = refuse(v, a.user_id, src, "locked", CXV_ERR_LOCKED);
	} else if (directory_applies(cfg, in, &a))
		r = directory_login(v, in, &a, src, out);
	else if (cxv_password_verify(secret_hash(&a, in), in->secret,
	    in->secret_len) != CXV_OK)
		r = record_failure(v, &a, src, !a.found ? "unknown" :
		    in->extension ? "bad_pin" : "bad_password");
	else
		r = start_session(v, &a, in, src, out);
	sodium_memzero(&a, sizeof(a));
	return r;
}

struct held_session {
	uint8_t hash[CXV_HASH_BYTES];
	int64_t user_id;
	int kind;
	uint64_t scope;
	int64_t last_ms, expires_ms;
};

static int
hold_session(void *ctx, const struct cxv_session_row *row)
{
	struct held_session *h = ctx;

	memcpy(h->hash, row->token_hash, CXV_HASH_BYTES);
	h->user_id = row->user_id;
	h->kind = row->kind;
	h->scope = row->scope;
	h->last_ms = row->last_ms;
	h->expires_ms = row->expires_ms;
	return CXV_OK;
}

struct session_write {
	const uint8_t *hash;
	int64_t now;		/* touch to now; 0: delete */
};

static int
session_write_locked(struct cxv_vault *v, void *arg)
{
	struct session_write *w = arg;

	return w->now ? cxv_store_session_touch(cxv_vault_store(v), w->hash,
	    w->now) : cxv_store_session_delete(cxv_vault_store(v), w->hash);
}

static int
session_write(struct cxv_vault *v, const uint8_t *hash, int64_t now)
{
	struct session_write w = { hash, now };

	return cxv_vault_in_txn(v, session_write_locked, &w);
}

/* The principal of a live session: account, profile, restrictions. */
static int
principal(struct cxv_vault *v, const struct held_session *h,
    struct cxv_principal *p)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct cxv_profile prof;
	struct account a;
	int r;

	if ((r = load_account(v, h->user_id, &a)) != CXV_OK)
		return r;
	if (!a.found || a.status != CXV_USER_ACTIVE ||
	    cxv_profile_get(v, a.profile_id, &prof) != CXV_OK) {
		sodium_memzero(&a, sizeof(a));
		return CXV_ERR_AUTH;
	}
	p->user_id = a.user_id;
	p->subject_id = a.subject_id;
	p->user_kind = a.kind;
	p->profile_id = a.profile_id;
	p->kind = h->kind;
	p->must_change = h->kind == CXV_AUTH_SESSION && (a.must_change ||
	    aged(cfg, &a));
	p->perms = p->must_change ? 0 : prof.perms & h->scope;
	memcpy(p->token_hash, h->hash, CXV_HASH_BYTES);
	snprintf(p->actor, sizeof(p->actor), "user:%lld", (long long)a.user_id);
	sodium_memzero(&a, sizeof(a));
	return CXV_OK;
}

/* The session and its principal, inside one read snapshot. */
static int
check_read(struct cxv_vault *v, const uint8_t hash[CXV_HASH_BYTES],
    struct held_session *h, struct cxv_principal *p, int64_t now)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	int r;

	r = cxv_store_session_get(cxv_vault_store(v), hash, hold_session, h);
	if (r != CXV_OK)
		return r == CXV_ERR_NOT_FOUND ? CXV_ERR_AUTH : r;
	if (h->expires_ms <= now || (h->kind == CXV_AUTH_SESSION &&
	    now - h->last_ms > 1000LL * cfg->session_idle_s))
		return CXV_ERR_NOT_FOUND;	/* expired: deleted after */
	return principal(v, h, p);
}

/*
 * Sessions checked lately, the server's every request: a live session's
 * principal serves again for CXV_AUTH_CACHE_MS unless this process has
 * committed a write since (a logout, a disabled account, a changed
 * profile here take effect at once; one made by another process, such
 * as the CLI, within CXV_AUTH_CACHE_MS). Expiry and the idle clock are
 * checked on every use. One slot per token hash, direct-mapped.
 */
#define CACHE_SLOTS	64

static struct checked {
	struct cxv_principal p;
	int64_t checked_ms, last_ms, expires_ms;
	uint64_t epoch;
} cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static struct checked *
cache_slot(const uint8_t hash[CXV_HASH_BYTES])
{
	return &cache[hash[0] % CACHE_SLOTS];
}

/* The cached principal of hash if still good at now; 1 if found. */
static int
cache_get(struct cxv_vault *v, const uint8_t hash[CXV_HASH_BYTES],
    int64_t now, struct cxv_principal *p)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct checked *c = cache_slot(hash);
	int hit;

	pthread_mutex_lock(&cache_mu);
	hit = c->checked_ms != 0 && sodium_memcmp(c->p.token_hash, hash,
	    CXV_HASH_BYTES) == 0 && c->epoch == cxv_store_write_epoch() &&
	    now - c->checked_ms < CXV_AUTH_CACHE_MS && now < c->expires_ms &&
	    (c->p.kind != CXV_AUTH_SESSION || (now - c->last_ms <=
	    1000LL * cfg->session_idle_s && now - c->last_ms <=
	    TOUCH_EVERY_MS));
	if (hit)
		*p = c->p;
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

static void
cache_put(const struct held_session *h, const struct cxv_principal *p,
    int64_t now, uint64_t epoch)
{
	struct checked *c = cache_slot(h->hash);

	pthread_mutex_lock(&cache_mu);
	c->p = *p;
	c->checked_ms = now;
	c->last_ms = h->last_ms;
	c->expires_ms = h->expires_ms;
	c->epoch = epoch;
	pthread_mutex_unlock(&cache_mu);
}

int
cxv_auth_check(struct cxv_vault *v, const char *token, struct cxv_principal *p)
{
	struct held_session h = { { 0 }, 0, 0, 0, 0, 0 };
	uint8_t hash[CXV_HASH_BYTES];
	int64_t now = cxv_now_ms();
	uint64_t epoch;
	int r;

	memset(p, 0, sizeof(*p));
	if (token == NULL || !token_shape(token))
		return CXV_ERR_AUTH;
	hash_token(token, hash);
	if (cache_get(v, hash, now, p))
		return CXV_OK;
	/* Before the read: a write committed meanwhile makes it stale. */
	epoch = cxv_store_write_epoch();
	if ((r = cxv_store_read_begin(cxv_vault_store(v))) != CXV_OK)
		return r;
	r = check_read(v, hash, &h, p, now);
	cxv_store_read_end(cxv_vault_store(v));
	if (r == CXV_ERR_NOT_FOUND) {
		(void)session_write(v, hash, 0);
		return CXV_ERR_AUTH;
	}
	if (r != CXV_OK) {
		memset(p, 0, sizeof(*p));
		return r;
	}
	if (h.kind == CXV_AUTH_SESSION && now - h.last_ms > TOUCH_EVERY_MS)
		(void)session_write(v, hash, now);
	else
		cache_put(&h, p, now, epoch);
	return CXV_OK;
}

static int
logout_locked(struct cxv_vault *v, void *arg)
{
	struct cxv_principal *p = arg;
	int r;

	if ((r = cxv_store_session_delete(cxv_vault_store(v), p->token_hash))
	    != CXV_OK)
		return r;
	return audit_auth(v, p->kind == CXV_AUTH_SESSION ? "auth.logout" :
	    "auth.token.revoke", p->user_id, "api", "");
}

int
cxv_auth_logout(struct cxv_vault *v, const struct cxv_principal *p)
{
	struct cxv_principal copy = *p;
	int r = cxv_vault_in_txn(v, logout_locked, &copy);

	sodium_memzero(&copy, sizeof(copy));
	return r;
}

/* The user's logon id and names: a password may contain none (R2.2). */
struct words {
	char w[8][CXV_IDENT_MAX + 1];
	const char *p[8];
	size_t n;
};

static int
collect_word(void *ctx, const char *name, const char *value)
{
	static const char *const personal[] = { "logon", "first_name",
	    "middle_name", "last_name", "chat_name", "email" };
	struct words *w = ctx;
	size_t i;

	for (i = 0; i < sizeof(personal) / sizeof(personal[0]); i++)
		if (strcmp(name, personal[i]) == 0 && w->n < 8) {
			/* An email's local part is what people reuse. */
			snprintf(w->w[w->n], sizeof(w->w[0]), "%.*s",
			    (int)strcspn(value, "@"), value);
			w->p[w->n] = w->w[w->n];
			w->n++;
		}
	return CXV_OK;
}

struct history {
	const char *pw;
	size_t len;
	int reused;
};

static int
check_history(void *ctx, const char *hash)
{
	struct history *h = ctx;

	h->reused |= cxv_password_verify(hash, h->pw, h->len) == CXV_OK;
	return CXV_OK;
}

/* Policy and history checks, then the Argon2id hash of a new password. */
static int
new_password(struct cxv_vault *v, int64_t user_id, const char *pw,
    size_t len, char hash[CXV_PASSWORD_HASH_MAX], const char **why)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct history hist = { pw, len, 0 };
	struct words w;
	int r;

	memset(&w, 0, sizeof(w));
	r = cxv_user_fields_internal(v, user_id, collect_word, &w);
	if (r == CXV_OK)
		r = cxv_password_check(pw, len, cfg->password_min_length, w.p,
		    w.n, why);
	sodium_memzero(&w, sizeof(w));
	if (r != CXV_OK)
		return r;
	if ((r = cxv_store_password_history(cxv_vault_store(v), user_id,
	    cfg->password_history, check_history, &hist)) != CXV_OK)
		return r;
	if (hist.reused)
		return *why = "password was used recently", CXV_ERR_INVALID;
	return cxv_password_hash(pw, len, hash);
}

struct cred_change {
	int64_t user_id;
	const char *action;
	struct account a;
	const char *pw_hash, *pin_hash;	/* new ones, or NULL to keep */
	int64_t profile_id;		/* new one, or 0 to keep */
	int must_change;
};

/* Write a credential change, its history entry and its audit entry. */
static int
cred_change_locked(struct cxv_vault *v, void *arg)
{
	struct cred_change *c = arg;
	const struct cxv_config *cfg = cxv_vault_config(v);
	struct cxv_credential_row row;
	char idstr[24];
	int r;

	row = (struct cxv_credential_row){ c->user_id,
	    c->profile_id ? c->profile_id : c->a.profile_id,
	    c->pw_hash ? c->pw_hash : *c->a.pw_hash ? c->a.pw_hash : NULL,
	    c->pw_hash ? cxv_now_ms() : c->a.pw_changed_ms,
	    c->pin_hash ? c->pin_hash : *c->a.pin_hash ? c->a.pin_hash : NULL,
	    c->pw_hash ? c->must_change : c->a.must_change, c->a.failures,
	    c->a.locked_until_ms };
	if ((r = cxv_store_credential_put(cxv_vault_store(v), &row)) != CXV_OK)
		return r;
	if (c->pw_hash != NULL && cfg->password_history > 0 &&
	    (r = cxv_store_password_history_add(cxv_vault_store(v),
	    c->user_id, c->pw_hash, row.pw_changed_ms, cfg->password_history))
	    != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)c->user_id);
	return cxv_vault_audit(v, c->action, "user", idstr,
	    c->pw_hash ? "password" : c->pin_hash ? "pin" : "profile");
}

/* Apply c to a user that has a login already (need_login) or may not. */
static int
cred_change(struct cxv_vault *v, struct cred_change *c, int need_login)
{
	int r;

	if ((r = load_account(v, c->user_id, &c->a)) != CXV_OK)
		return r;
	if (!c->a.found && cxv_store_user_get(cxv_vault_store(v), c->user_id,
	    NULL, NULL) != CXV_OK)
		r = CXV_ERR_NOT_FOUND;
	else if (!c->a.found && need_login)
		r = CXV_ERR_INVALID;
	else
		r = cxv_vault_in_txn(v, cred_change_locked, c);
	sodium_memzero(&c->a, sizeof(c->a));
	return r;
}

int
cxv_auth_change_password(struct cxv_vault *v, const struct cxv_principal *p,
    const char *cur, size_t curlen, const char *pw, size_t pwlen,
    const char **why)
{
	struct cred_change c = { p->user_id, "auth.password.change", { 0 },
	    NULL, NULL, 0, 0 };
	char hash[CXV_PASSWORD_HASH_MAX];
	struct account a;
	int r;

	*why = NULL;
	if ((r = load_account(v, p->user_id, &a)) != CXV_OK)
		return r;
	if (!a.found)
		return CXV_ERR_AUTH;
	if (cxv_password_verify(*a.pw_hash ? a.pw_hash : NULL, cur, curlen) !=
	    CXV_OK)
		r = record_failure(v, &a, "api", "bad_password");
	else if ((r = new_password(v, p->user_id, pw, pwlen, hash, why)) ==
	    CXV_OK) {
		c.pw_hash = hash;
		r = cred_change(v, &c, 1);
	}
	sodium_memzero(&a, sizeof(a));
	sodium_memzero(hash, sizeof(hash));
	return r;
}

int
cxv_auth_grant(struct cxv_vault *v, int64_t user_id, int64_t profile_id)
{
	struct cred_change c = { user_id, "auth.grant", { 0 }, NULL, NULL,
	    profile_id, 0 };
	struct cxv_profile prof;
	int r;

	if ((r = cxv_profile_get(v, profile_id, &prof)) != CXV_OK)
		return r;
	return cred_change(v, &c, 0);
}

int
cxv_auth_set_password(struct cxv_vault *v, int64_t user_id, const char *pw,
    size_t len, int must_change, const char **why)
{
	struct cred_change c = { user_id, "auth.password.reset", { 0 }, NULL,
	    NULL, 0, must_change };
	char hash[CXV_PASSWORD_HASH_MAX];
	int r;

	*why = NULL;
	if ((r = new_password(v, user_id, pw, len, hash, why)) == CXV_OK) {
		c.pw_hash = hash;
		r = cred_change(v, &c, 1);
	}
	sodium_memzero(hash, sizeof(hash));
	if (r == CXV_ERR_INVALID && *why == NULL)
		*why = "the user has no login yet (give it a profile first)";
	return r;
}

int
cxv_auth_set_pin(struct cxv_vault *v, int64_t user_id, const char *pin,
    size_t len, const char **why)
{
	struct cred_change c = { user_id, "auth.pin.set", { 0 }, NULL, NULL, 0,
	    0 };
	char hash[CXV_PASSWORD_HASH_MAX];
	struct account a;
	int r;

	*why = NULL;
	if ((r = cxv_pin_check(pin, len, why)) != CXV_OK ||
	    (r = load_account(v, user_id, &a)) != CXV_OK)
		return r;
	if (a.found && a.kind != CXV_USER_LOCAL)
		return *why = "PIN logins are for local accounts only (R2.3)",
		    CXV_ERR_INVALID;
	if ((r = cxv_password_hash(pin, len, hash)) == CXV_OK) {
		c.pin_hash = hash;
		r = cred_change(v, &c, 1);
	}
	sodium_memzero(hash, sizeof(hash));
	if (r == CXV_ERR_INVALID && *why == NULL)
		*why = "the user has no login yet (give it a profile first)";
	return r;
}

struct admin_op {
	int64_t user_id;
	int64_t n;
	int unlock;
};

static int
admin_op_locked(struct cxv_vault *v, void *arg)
{
	struct admin_op *o = arg;
	char idstr[24];
	int r;

	r = o->unlock ? cxv_store_credential_clear(cxv_vault_store(v),
	    o->user_id) : cxv_store_session_delete_user(cxv_vault_store(v),
	    o->user_id, &o->n);
	if (r != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)o->user_id);
	return cxv_vault_audit(v, o->unlock ? "auth.unlock" :
	    "auth.revoke_all", "user", idstr, "");
}

int
cxv_auth_unlock(struct cxv_vault *v, int64_t user_id)
{
	struct admin_op o = { user_id, 0, 1 };
	struct account a;
	int found, r;

	if ((r = load_account(v, user_id, &a)) != CXV_OK)
		return r;
	found = a.found;
	sodium_memzero(&a, sizeof(a));
	return found ? cxv_vault_in_txn(v, admin_op_locked, &o) :
	    CXV_ERR_NOT_FOUND;
}

int
cxv_auth_revoke_all(struct cxv_vault *v, int64_t user_id, int64_t *n)
{
	struct admin_op o = { user_id, 0, 0 };
	int r = cxv_vault_in_txn(v, admin_op_locked, &o);

	*n = o.n;
	return r;
}

struct token_new {
	int64_t user_id;
	uint64_t scope;
	int64_t expires_ms;
	char *token;
};

static int
token_locked(struct cxv_vault *v, void *arg)
{
	struct token_new *t = arg;
	uint8_t hash[CXV_HASH_BYTES];
	struct cxv_session_row row;
	int64_t now = cxv_now_ms();
	char idstr[24];
	int r;

	new_token(t->token, hash);
	row = (struct cxv_session_row){ hash, t->user_id, CXV_AUTH_TOKEN,
	    t->scope, now, now, t->expires_ms };
	if ((r = cxv_store_session_insert(cxv_vault_store(v), &row)) != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)t->user_id);
	return cxv_vault_audit(v, "auth.token.create", "user", idstr, "scope");
}

int
cxv_auth_token_create(struct cxv_vault *v, int64_t user_id, uint64_t scope,
    int days, char token[CXV_TOKEN_STR], int64_t *expires_ms)
{
	struct token_new t = { user_id, scope & CXV_PERMS_ALL, 0, token };
	struct account a;
	int found, r;

	*expires_ms = 0;
	if (days < 1 || days > 3650 || t.scope == 0)
		return CXV_ERR_INVALID;
	if ((r = load_account(v, user_id, &a)) != CXV_OK)
		return r;
	found = a.found;
	sodium_memzero(&a, sizeof(a));
	if (!found)
		return CXV_ERR_NOT_FOUND;
	t.expires_ms = cxv_now_ms() + days * DAY_MS;
	if ((r = cxv_vault_in_txn(v, token_locked, &t)) != CXV_OK)
		sodium_memzero(token, CXV_TOKEN_STR);
	else
		*expires_ms = t.expires_ms;
	return r;
}

int
cxv_auth_state(struct cxv_vault *v, int64_t user_id,
    struct cxv_auth_state *out)
{
	struct account a;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = load_account(v, user_id, &a)) != CXV_OK)
		return r;
	out->has_login = a.found;
	out->profile_id = a.profile_id;
	out->has_password = *a.pw_hash != '\0';
	out->has_pin = *a.pin_hash != '\0';
	out->must_change = a.must_change || aged(cxv_vault_config(v), &a);
	out->locked_until_ms = a.locked_until_ms;
	out->failures = a.failures;
	sodium_memzero(&a, sizeof(a));
	return CXV_OK;
}
