/* SPDX-License-Identifier: Apache-2.0 */
/* API routes of logins, sessions, accounts and profiles (R2, R3.2). */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "api/api_int.h"
#include "base/err.h"
#include "base/throttle.h"
#include "base/util.h"
#include "records/profile.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"

/*
 * The key a source address's failed logins count under: IPv4 as it is,
 * IPv6 by its /64 (one host holds a whole /64, and would otherwise get
 * a fresh bucket per address). 0 bytes for another family.
 */
static size_t
address_key(const struct sockaddr *sa, uint8_t key[CXV_THROTTLE_KEY_MAX])
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const
	    void *)sa;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		memcpy(key, &((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, 4);
		return 4;
	}
	if (sa->sa_family != AF_INET6)
		return 0;
	/* An IPv4-mapped address is that IPv4 address. */
	if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		memcpy(key, &s6->sin6_addr.s6_addr[12], 4);
		return 4;
	}
	memcpy(key, &s6->sin6_addr, 8);
	return 8;
}

/* The login itself, on the slow pool: Argon2id or a directory bind. */
static void
login_job(struct call *c)
{
	const char *pw = json_string_value(json_object_get(c->in, "password"));
	const char *pin = json_string_value(json_object_get(c->in, "pin"));
	struct cxv_login_in in = { NULL, NULL, NULL, 0, NULL };
	struct cxv_login_out out;
	uint8_t key[CXV_THROTTLE_KEY_MAX];
	char msg[96], retry[24];
	size_t len;
	int r;

	in.name = json_string_value(json_object_get(c->in, "name"));
	in.extension = json_string_value(json_object_get(c->in, "extension"));
	in.secret = pw != NULL ? pw : pin;
	in.secret_len = strlen(in.secret);
	in.source = cxv_http_client(c->req);
	r = cxv_auth_login(c->v, &in, &out);
	if (r == CXV_OK) {
		/* Only failures count against the address. */
		len = address_key(in.source, key);
		cxv_throttle_give(c->api->login_gate, key, len);
		api_reply(c, 201, json_pack("{s:s, s:o, s:b}", "token", out.token,
		    "expires", cxv_view_time(out.expires_ms),
		    "must_change_password", out.must_change));
	} else if (r == CXV_ERR_LOCKED) {
		snprintf(retry, sizeof(retry), "%lld",
		    (long long)out.retry_after_s);
		cxv_http_add_header(c->req, "Retry-After", retry);
		snprintf(msg, sizeof(msg), "too many failed logins; try again "
		    "in %lld seconds", (long long)out.retry_after_s);
		api_error(c, 429, "account_locked", msg);
	} else if (r == CXV_ERR_DENIED)
		api_error(c, 403, "login_refused", in.extension ? "PIN logins "
		    "are allowed only from the local network, for local "
		    "accounts" : "this account may not log in");
	else if (r == CXV_ERR_LIMIT)
		api_error(c, 409, "too_many_sessions", "this account has its "
		    "parallel sessions already; log out of one first");
	else if (r == CXV_ERR_UNAVAILABLE)
		api_error(c, 503, "directory_unavailable", "the directory "
		    "cannot be reached; try again later");
	else
		api_fail(c, r, r == CXV_ERR_AUTH ? "wrong name or password" :
		    NULL);
	sodium_memzero(&out, sizeof(out));
}

/* 429 with Retry-After: the source address is out of failed logins. */
static void
address_spent(struct call *c, int64_t wait_ms)
{
	char retry[24];

	snprintf(retry, sizeof(retry), "%lld", (long long)(wait_ms + 999) /
	    1000);
	cxv_http_add_header(c->req, "Retry-After", retry);
	api_error(c, 429, "too_many_attempts", "too many failed logins from "
	    "this address; try again later");
}

/*
 * POST /v1/sessions: {name, password} or {extension, pin} (R2.3). The
 * source address spends a token before any hash is computed (issue
 * 25.5), and the hash runs on the slow pool, never on an HTTP thread.
 */
void
api_login(struct call *c)
{
	static const char *const keys[] = { "name", "password", "extension",
	    "pin", NULL };
	const char *name = NULL, *pw = NULL, *ext = NULL, *pin = NULL;
	uint8_t key[CXV_THROTTLE_KEY_MAX];
	int64_t wait;
	size_t len;

	if (api_keys(c, keys) || api_str(c, "name", 0, &name) ||
	    api_str(c, "password", 0, &pw) ||
	    api_str(c, "extension", 0, &ext) || api_str(c, "pin", 0, &pin))
		return;
	if (!((name && pw && !ext && !pin) || (ext && pin && !name && !pw))) {
		api_error(c, 400, "invalid", "give name and password, or "
		    "extension and pin");
		return;
	}
	len = address_key(cxv_http_client(c->req), key);
	if ((wait = cxv_throttle_take(c->api->login_gate, key, len,
	    cxv_now_ms())) > 0)
		address_spent(c, wait);
	else if (!api_defer(c, login_job)) {
		cxv_throttle_give(c->api->login_gate, key, len);
		cxv_http_add_header(c->req, "Retry-After", "1");
		api_error(c, 503, "busy", "the server is busy; try again");
	}
}

/* GET /v1/session: who am I, with what. */
void
api_session_get(struct call *c)
{
	struct cxv_profile prof;
	int r;

	if ((r = cxv_profile_get(c->v, c->who.profile_id, &prof)) != CXV_OK) {
		api_fail(c, r, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:I, s:s, s:s, s:o, s:b, s:s}", "user",
	    (json_int_t)c->who.user_id, "kind",
	    cxv_user_kind_name(c->who.user_kind), "profile", prof.name,
	    "permissions", cxv_view_perms(c->who.perms), "must_change_password",
	    c->who.must_change, "auth", c->who.kind == CXV_AUTH_TOKEN ? "token" :
	    "session"));
}

/* DELETE /v1/session: log out (or revoke the token used). */
void
api_logout(struct call *c)
{
	int r = cxv_auth_logout(c->v, &c->who);

	if (r != CXV_OK)
		api_fail(c, r, NULL);
	else
		cxv_http_respond(c->req, 204, NULL, NULL, 0);
}

/* POST /v1/session/password: {current, new}. */
void
api_password(struct call *c)
{
	static const char *const keys[] = { "current", "new", NULL };
	const char *cur = NULL, *pw = NULL, *why = NULL;
	int r;

	if (api_keys(c, keys) || api_str(c, "current", 1, &cur) ||
	    api_str(c, "new", 1, &pw))
		return;
	r = cxv_auth_change_password(c->v, &c->who, cur, strlen(cur), pw,
	    strlen(pw), &why);
	if (r == CXV_OK)
		cxv_http_respond(c->req, 204, NULL, NULL, 0);
	else if (r == CXV_ERR_INVALID)
		api_error(c, 400, "password_policy", why != NULL ? why :
		    "the new password is not allowed");
	else
		api_fail(c, r, r == CXV_ERR_AUTH ? "the current password is "
		    "wrong" : NULL);
}

static json_t *
profile_json(const struct cxv_profile *p)
{
	return json_pack("{s:I, s:s, s:o, s:b}", "profile", (json_int_t)p->id,
	    "name", p->name, "permissions", cxv_view_perms(p->perms),
	    "predefined", p->builtin);
}

static int
collect_profile(void *ctx, const struct cxv_profile *p)
{
	return api_collect(ctx, profile_json(p));
}

/* GET /v1/profiles */
void
api_profiles_list(struct call *c)
{
	struct page p;

	if (api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_profile_list(c->v, collect_profile,
		    &p));
}

/* POST /v1/profiles and PUT /v1/profiles/{id}: {name, permissions}. */
static void
profile_save(struct call *c, int64_t id)
{
	static const char *const keys[] = { "name", "permissions", NULL };
	const char *name = NULL, *why = NULL;
	struct cxv_profile prof;
	uint64_t perms = 0;
	int64_t nid = 0;
	int r;

	if (api_keys(c, keys) || api_str(c, "name", 1, &name) ||
	    api_perm_mask(c, "permissions", &perms))
		return;
	r = cxv_profile_save(c->v, id, name, perms, &nid, &why);
	if (r == CXV_OK)
		r = cxv_profile_get(c->v, nid, &prof);
	if (r != CXV_OK)
		api_fail(c, r, why);
	else
		api_reply(c, id ? 200 : 201, profile_json(&prof));
}

void
api_profile_create(struct call *c)
{
	profile_save(c, 0);
}

void
api_profile_update(struct call *c)
{
	profile_save(c, c->id[0]);
}

/* DELETE /v1/profiles/{id} */
void
api_profile_delete(struct call *c)
{
	const char *why = NULL;
	int r = cxv_profile_delete(c->v, c->id[0], &why);

	if (r != CXV_OK)
		api_fail(c, r, why);
	else
		cxv_http_respond(c->req, 204, NULL, NULL, 0);
}

/* GET /v1/users/{id}/login: the user's login state, no secrets. */
void
api_login_get(struct call *c)
{
	struct cxv_auth_state st;
	struct cxv_profile prof;
	int r;

	if ((r = cxv_auth_state(c->v, c->id[0], &st)) != CXV_OK) {
		api_fail(c, r, NULL);
		return;
	}
	if (!st.has_login) {
		api_error(c, 404, "not_found", "this user has no login");
		return;
	}
	if (cxv_profile_get(c->v, st.profile_id, &prof) != CXV_OK)
		snprintf(prof.name, sizeof(prof.name), "(deleted)");
	api_reply(c, 200, json_pack("{s:I, s:s, s:b, s:b, s:b, s:o, s:i}",
	    "user", (json_int_t)c->id[0], "profile", prof.name, "password",
	    st.has_password, "pin", st.has_pin, "must_change_password",
	    st.must_change, "locked_until", st.locked_until_ms > cxv_now_ms() ?
	    cxv_view_time(st.locked_until_ms) : json_null(), "failures",
	    st.failures));
}

/*
 * PUT /v1/users/{id}/login: {profile, password?, must_change?, pin?}.
 * An administrator's password is temporary unless must_change is false.
 */
void
api_login_put(struct call *c)
{
	static const char *const keys[] = { "profile", "password",
	    "must_change", "pin", NULL };
	const char *pname = NULL, *pw = NULL, *pin = NULL, *why = NULL;
	struct cxv_profile prof;
	int must = 1, r;

	if (api_keys(c, keys) || api_str(c, "profile", 1, &pname) ||
	    api_str(c, "password", 0, &pw) || api_str(c, "pin", 0, &pin) ||
	    api_bool(c, "must_change", &must))
		return;
	if (cxv_profile_by_name(c->v, pname, &prof) != CXV_OK) {
		api_error(c, 400, "invalid", "no such profile");
		return;
	}
	r = cxv_auth_grant(c->v, c->id[0], prof.id);
	if (r == CXV_OK && pw != NULL)
		r = cxv_auth_set_password(c->v, c->id[0], pw, strlen(pw), must,
		    &why);
	if (r == CXV_OK && pin != NULL)
		r = cxv_auth_set_pin(c->v, c->id[0], pin, strlen(pin), &why);
	if (r == CXV_ERR_INVALID && why != NULL)
		api_error(c, 400, "password_policy", why);
	else if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such user" : NULL);
	else
		api_login_get(c);
}

/* POST /v1/users/{id}/unlock */
void
api_unlock(struct call *c)
{
	int r = cxv_auth_unlock(c->v, c->id[0]);

	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such login" : NULL);
	else
		cxv_http_respond(c->req, 204, NULL, NULL, 0);
}

/* POST /v1/users/{id}/tokens: {permissions, days} -> the token, once. */
void
api_token_create(struct call *c)
{
	static const char *const keys[] = { "permissions", "days", NULL };
	char token[CXV_TOKEN_STR];
	uint64_t scope = 0;
	long long days = 365;
	int64_t expires = 0;
	int r;

	if (api_keys(c, keys) || api_perm_mask(c, "permissions", &scope) ||
	    api_int(c, "days", 0, 1, 3650, &days))
		return;
	if (scope == 0) {
		api_error(c, 400, "invalid", "'permissions' must name at least "
		    "one permission");
		return;
	}
	r = cxv_auth_token_create(c->v, c->id[0], scope, (int)days, token,
	    &expires);
	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such login" : NULL);
	else
		api_reply(c, 201, json_pack("{s:s, s:o, s:o}", "token", token,
		    "expires", cxv_view_time(expires), "permissions",
		    cxv_view_perms(scope)));
	sodium_memzero(token, sizeof(token));
}

/* DELETE /v1/users/{id}/sessions: end every session and token. */
void
api_sessions_revoke(struct call *c)
{
	int64_t n = 0;
	int r = cxv_auth_revoke_all(c->v, c->id[0], &n);

	if (r != CXV_OK)
		api_fail(c, r, NULL);
	else
		api_reply(c, 200, json_pack("{s:I}", "ended", (json_int_t)n));
}
