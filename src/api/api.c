/* SPDX-License-Identifier: Apache-2.0 */
/* The REST API: routes, authentication, permissions, JSON; see api.h. */
#include "api/api.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/api_int.h"
#include "api/webui.h"
#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/json_out.h"
#include "base/throttle.h"
#include "base/util.h"
#include "core/config.h"
#include "core/log.h"
#include "net/ami.h"
#include "records/cdr.h"
#include "records/vault.h"

#define P(x)	CXV_PERM_##x
#define NONE	(-1)

static void api_health(struct call *c);
static void api_openapi(struct call *c);

/* Every route, with the permission it needs (R3.3); docs/openapi.json. */
static const struct route routes[] = {
	{ "GET", "/v1/health", CXV_API_PUBLIC, NONE, B_NONE, api_health },
	{ "GET", "/v1/openapi.json", CXV_API_PUBLIC, NONE, B_NONE, api_openapi },
	{ "POST", "/v1/sessions", CXV_API_PUBLIC, NONE, B_JSON, api_login },
	{ "GET", "/v1/session", CXV_API_SIGNED, NONE, B_NONE, api_session_get },
	{ "DELETE", "/v1/session", CXV_API_SIGNED, NONE, B_NONE, api_logout },
	{ "POST", "/v1/session/password", CXV_API_SIGNED, NONE, B_JSON,
	  api_password },
	{ "GET", "/v1/profiles", P(ACCOUNTS), NONE, B_NONE, api_profiles_list },
	{ "POST", "/v1/profiles", P(ACCOUNTS), NONE, B_JSON, api_profile_create },
	{ "PUT", "/v1/profiles/{id}", P(ACCOUNTS), NONE, B_JSON,
	  api_profile_update },
	{ "DELETE", "/v1/profiles/{id}", P(ACCOUNTS), NONE, B_NONE,
	  api_profile_delete },
	{ "GET", "/v1/users", P(USERS_READ), NONE, B_NONE, api_users_list },
	{ "POST", "/v1/users", P(USERS_WRITE), NONE, B_JSON, api_user_create },
	{ "GET", "/v1/users/{id}", P(USERS_READ), NONE, B_NONE, api_user_get },
	{ "GET", "/v1/users/{id}/login", P(ACCOUNTS), NONE, B_NONE,
	  api_login_get },
	{ "PUT", "/v1/users/{id}/login", P(ACCOUNTS), NONE, B_JSON,
	  api_login_put },
	{ "PUT", "/v1/users/{id}/status", P(ACCOUNTS), NONE, B_JSON,
	  api_user_status },
	{ "POST", "/v1/users/{id}/unlock", P(ACCOUNTS), NONE, B_NONE,
	  api_unlock },
	{ "POST", "/v1/users/{id}/tokens", P(ACCOUNTS), NONE, B_JSON,
	  api_token_create },
	{ "DELETE", "/v1/users/{id}/sessions", P(ACCOUNTS), NONE, B_NONE,
	  api_sessions_revoke },
	{ "POST", "/v1/users/{id}/anonymize", P(ACCOUNTS), NONE, B_NONE,
	  api_user_anonymize },
	{ "GET", "/v1/users/{id}/calllog", P(CALLLOG_READ), NONE, B_NONE,
	  api_calllog_get },
	{ "GET", "/v1/contacts", P(CONTACTS_READ), NONE, B_NONE,
	  api_contacts_list },
	{ "POST", "/v1/contacts", P(CONTACTS_WRITE), NONE, B_JSON,
	  api_contact_create },
	{ "GET", "/v1/subjects", P(SUBJECTS_READ), NONE, B_NONE,
	  api_subjects_find },
	{ "POST", "/v1/subjects/search", P(SUBJECTS_READ), NONE, B_JSON,
	  api_subjects_find },
	{ "GET", "/v1/subjects/{id}", P(SUBJECTS_READ), NONE, B_NONE,
	  api_subject_get },
	{ "GET", "/v1/subjects/{id}/records", P(SUBJECTS_READ), NONE, B_NONE,
	  api_subject_records },
	{ "POST", "/v1/subjects/{id}/erase", P(SUBJECTS_ERASE), NONE, B_JSON,
	  api_subject_erase },
	{ "PUT", "/v1/subjects/{id}/hold", P(SUBJECTS_ERASE), NONE, B_JSON,
	  api_subject_hold },
	{ "PUT", "/v1/subjects/{id}/restriction", P(SUBJECTS_ERASE), NONE,
	  B_JSON, api_subject_restrict },
	{ "POST", "/v1/subjects/{id}/rectify", P(SUBJECTS_WRITE), NONE, B_JSON,
	  api_subject_rectify },
	{ "POST", "/v1/subjects/{id}/export", P(SUBJECTS_EXPORT), NONE, B_NONE,
	  api_subject_export },
	{ "POST", "/v1/requests", P(SUBJECTS_READ), NONE, B_JSON,
	  api_request_file },
	{ "GET", "/v1/requests", P(SUBJECTS_ERASE), NONE, B_NONE,
	  api_requests_list },
	{ "GET", "/v1/requests/{id}", P(SUBJECTS_ERASE), NONE, B_NONE,
	  api_request_get },
	{ "POST", "/v1/requests/{id}/approve", P(SUBJECTS_ERASE), NONE, B_JSON,
	  api_request_approve },
	{ "POST", "/v1/requests/{id}/reject", P(SUBJECTS_ERASE), NONE, B_JSON,
	  api_request_reject },
	{ "GET", "/v1/reports/processing", P(AUDIT_READ), NONE, B_NONE,
	  api_report_processing },
	{ "GET", "/v1/interactions", P(INTERACTIONS_READ), P(INTERACTIONS_OWN),
	  B_NONE, api_interactions_list },
	{ "POST", "/v1/interactions/search", P(INTERACTIONS_READ),
	  P(INTERACTIONS_OWN), B_JSON, api_interactions_list },
	{ "POST", "/v1/interactions", P(INTERACTIONS_WRITE), NONE, B_JSON,
	  api_interaction_create },
	{ "GET", "/v1/interactions/{id}", P(INTERACTIONS_READ),
	  P(INTERACTIONS_OWN), B_NONE, api_interaction_get },
	{ "POST", "/v1/interactions/{id}/items", P(INTERACTIONS_WRITE), NONE,
	  B_JSON, api_item_create },
	{ "POST", "/v1/interactions/{id}/content", P(CONTENT_WRITE), NONE,
	  B_STREAM, api_content_upload },
	{ "GET", "/v1/content/{id}", P(CONTENT_READ), P(INTERACTIONS_OWN),
	  B_NONE, api_content_get },
	{ "GET", "/v1/content/{id}/original", P(CONTENT_UNMASKED), NONE,
	  B_NONE, api_content_original },
	{ "POST", "/v1/cdr", P(CDR_INGEST), NONE, B_JSON, api_cdr_ingest },
	{ "POST", "/v1/cdr/freeswitch", P(CDR_INGEST), NONE, B_RAW,
	  api_cdr_freeswitch },
	{ "GET", "/v1/cdr/export", P(CDR_EXPORT), NONE, B_NONE, api_cdr_export },
	{ "GET", "/v1/campaigns", P(CAMPAIGNS_READ), NONE, B_NONE,
	  api_campaigns_list },
	{ "POST", "/v1/campaigns", P(CAMPAIGNS_WRITE), NONE, B_JSON,
	  api_campaign_create },
	{ "GET", "/v1/campaigns/{id}", P(CAMPAIGNS_READ), NONE, B_NONE,
	  api_campaign_get },
	{ "POST", "/v1/campaigns/{id}/entries", P(CAMPAIGNS_WRITE), NONE,
	  B_JSON, api_campaign_entry },
	{ "DELETE", "/v1/campaigns/{id}/entries", P(CAMPAIGNS_WRITE), NONE,
	  B_NONE, api_campaign_clear },
	{ "POST", "/v1/campaigns/{id}/import", P(CAMPAIGNS_WRITE), NONE, B_RAW,
	  api_campaign_import },
	{ "POST", "/v1/campaigns/{id}/results", P(CAMPAIGNS_WRITE), NONE,
	  B_JSON, api_campaign_result },
	{ "PUT", "/v1/campaigns/{id}/state", P(CAMPAIGNS_WRITE), NONE, B_JSON,
	  api_campaign_state },
	{ "POST", "/v1/dnc", P(CAMPAIGNS_WRITE), NONE, B_JSON, api_dnc_add },
	{ "GET", "/v1/stats", P(STATS_READ), NONE, B_NONE, api_stats },
	{ "GET", "/v1/charges", P(CHARGES_READ), NONE, B_NONE,
	  api_charges_list },
	{ "POST", "/v1/charges", P(CHARGES_WRITE), NONE, B_JSON,
	  api_charge_create },
	{ "GET", "/v1/audit", P(AUDIT_READ), NONE, B_NONE, api_audit_list },
	{ "GET", "/v1/audit/verify", P(AUDIT_READ), NONE, B_NONE,
	  api_audit_verify },
	{ "GET", "/v1/retention", P(CONFIG), NONE, B_NONE, api_retention_get },
	{ "PUT", "/v1/retention", P(CONFIG), NONE, B_JSON, api_retention_put },
	{ "POST", "/v1/retention/run", P(CONFIG), NONE, B_JSON,
	  api_retention_run },
	{ "POST", "/v1/logs/purge", P(CONFIG), NONE, B_NONE, api_logs_purge },
	{ "GET", "/v1/dashboard", P(AUDIT_READ), P(CONFIG), B_NONE,
	  api_dashboard },
	{ "GET", "/v1/me", P(SELF), NONE, B_NONE, api_me },
	{ "GET", "/v1/me/calllog", P(SELF), NONE, B_NONE, api_me_calllog },
	{ "GET", "/v1/me/contacts", P(SELF), NONE, B_NONE, api_me_contacts },
	{ "POST", "/v1/me/contacts", P(SELF), NONE, B_JSON,
	  api_me_contact_create },
	{ "GET", "/v1/me/requests", P(SELF), NONE, B_NONE, api_me_requests },
	{ "GET", "/v1/me/voicemail", P(SELF), NONE, B_NONE, api_me_voicemail },
	{ "POST", "/v1/me/rectify", P(SELF), NONE, B_JSON, api_me_rectify },
	{ "GET", "/v1/me/corrections", P(SELF), NONE, B_NONE,
	  api_me_corrections },
	{ "GET", "/v1/corrections", P(SUBJECTS_WRITE), NONE, B_NONE,
	  api_corrections_list },
	{ "GET", "/v1/corrections/{id}", P(SUBJECTS_WRITE), NONE, B_NONE,
	  api_correction_get },
	{ "POST", "/v1/corrections/{id}/approve", P(SUBJECTS_WRITE), NONE,
	  B_JSON, api_correction_approve },
	{ "POST", "/v1/corrections/{id}/reject", P(SUBJECTS_WRITE), NONE,
	  B_JSON, api_correction_reject },
	{ "PUT", "/v1/me/voicemail", P(SELF), NONE, B_JSON,
	  api_me_voicemail_put },
	{ "GET", "/v1/users/{id}/voicemail", P(USERS_READ), NONE, B_NONE,
	  api_user_voicemail },
	{ "PUT", "/v1/users/{id}/voicemail", P(USERS_WRITE), NONE, B_JSON,
	  api_user_voicemail_put },
	{ "POST", "/v1/users/{id}/content", P(CONTENT_WRITE), NONE, B_STREAM,
	  api_content_upload },
	{ "POST", "/v1/me/requests", P(SELF), NONE, B_JSON,
	  api_me_request_file },
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

void
cxv_api_on_config(struct cxv_api *api, void (*fn)(void *ctx), void *ctx)
{
	api->on_config = fn;
	api->on_config_ctx = ctx;
}

size_t
cxv_api_route_count(void)
{
	return NROUTES;
}

void
cxv_api_route(size_t i, struct cxv_api_route_info *out)
{
	out->method = routes[i].method;
	out->path = routes[i].path;
	out->perm = routes[i].perm;
	out->alt_perm = routes[i].alt;
}

/*
 * Failed logins by source address (issue 25.5), from the config, and
 * self-service corrections by account (issue 25.6).
 */
static int
gates(struct cxv_api *api, const struct cxv_config *cfg)
{
	int r = cxv_throttle_new(4096, (unsigned)cfg->login_address_burst,
	    1000LL * cfg->login_address_refill_s, &api->login_gate);

	return r != CXV_OK ? r : cxv_throttle_new(4096, CXV_SELF_CORRECTIONS,
	    CXV_SELF_CORRECTION_MS, &api->self_gate);
}

int
cxv_api_new(struct cxv_vault **vaults, size_t n, struct cxv_api **out)
{
	struct cxv_api *api;
	int r;

	*out = NULL;
	if (n == 0 || (api = calloc(1, sizeof(*api))) == NULL)
		return n == 0 ? CXV_ERR_INVALID : CXV_ERR_NOMEM;
	if ((api->busy = calloc(n, sizeof(*api->busy))) == NULL ||
	    (api->cdr = sodium_allocarray(n, sizeof(*api->cdr))) == NULL) {
		free(api->busy);
		free(api);
		return CXV_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++)
		(void)cxv_cdr_own_init(&api->cdr[i]);
	api->v = vaults;
	api->n = n;
	api->body_max = (size_t)cxv_vault_config(vaults[0])->http_body_max;
	pthread_mutex_init(&api->mu, NULL);
	if ((r = gates(api, cxv_vault_config(vaults[0]))) != CXV_OK ||
	    (r = api_defer_start(api)) != CXV_OK) {
		cxv_api_free(api);
		return r;
	}
	*out = api;
	return CXV_OK;
}

void
cxv_api_quiesce(struct cxv_api *api)
{
	if (api != NULL)
		api_defer_stop(api);
}

void
cxv_api_free(struct cxv_api *api)
{
	if (api == NULL)
		return;
	api_defer_free(api);
	cxv_throttle_free(api->login_gate);
	cxv_throttle_free(api->self_gate);
	pthread_mutex_destroy(&api->mu);
	sodium_free(api->cdr);
	free(api->busy);
	free(api);
}

/* A path segment as a record id: 1 if it is one. */
static int
parse_id(const char *s, size_t len, int64_t *id)
{
	char seg[24];
	long long n;

	if (len == 0 || len >= sizeof(seg))
		return 0;
	memcpy(seg, s, len);
	seg[len] = '\0';
	if (cxv_strtonum(seg, 1, (1LL << CXV_ID_BITS) - 1, &n) != CXV_OK)
		return 0;
	*id = n;
	return 1;
}

/*
 * The path against a pattern whose {id} segments take record ids. Every
 * request tries the routes in turn: the characters are compared as they
 * come (most routes differ early), the ids parsed once all matched.
 */
static int
match_path(const char *pattern, const char *path, int64_t id[2])
{
	const char *idseg[2];
	size_t idlen[2], nid = 0, i;

	while (*pattern != '\0') {
		if (*pattern == '{') {		/* "{id}", the only kind */
			if (nid == 2)
				return 0;
			idseg[nid] = path;
			path += strcspn(path, "/");
			idlen[nid] = (size_t)(path - idseg[nid]);
			nid++;
			pattern += sizeof("{id}") - 1;
		} else if (*pattern++ != *path++)
			return 0;
	}
	if (*path != '\0')
		return 0;
	for (i = 0; i < nid; i++)
		if (!parse_id(idseg[i], idlen[i], &id[i]))
			return 0;
	return 1;
}

/* The web console's files (webui.h): 1 if path is one, served. */
static int
serve_asset(struct call *c)
{
	const struct cxv_webui_asset *a;
	char *body;

	if (strcmp(cxv_http_method(c->req), "GET") != 0 ||
	    (a = cxv_webui_find(cxv_http_path(c->req))) == NULL)
		return 0;
	if ((body = malloc(a->len + 1)) == NULL) {
		api_fail(c, CXV_ERR_NOMEM, NULL);
		return 1;
	}
	memcpy(body, a->data, a->len);
	cxv_http_add_header(c->req, "Content-Security-Policy", cxv_webui_csp);
	cxv_http_respond(c->req, 200, a->type, body, a->len);
	return 1;
}

/* The route for the request; else 404, or 405 naming the methods. */
static const struct route *
find_route(struct call *c)
{
	const char *method = cxv_http_method(c->req);
	char allow[64] = "";
	size_t i;

	/* The method first: a request names one (the 405's Allow, below,
	 * needs every route of the path). */
	for (i = 0; i < NROUTES; i++)
		if (strcmp(routes[i].method, method) == 0 &&
		    match_path(routes[i].path, cxv_http_path(c->req), c->id))
			return &routes[i];
	for (i = 0; i < NROUTES; i++) {
		if (!match_path(routes[i].path, cxv_http_path(c->req), c->id))
			continue;
		snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow),
		    "%s%s", *allow ? ", " : "", routes[i].method);
	}
	if (*allow == '\0') {
		if (!serve_asset(c))
			api_error(c, 404, "no_route", "no such resource");
		return NULL;
	}
	cxv_http_add_header(c->req, "Allow", allow);
	api_error(c, 405, "method_not_allowed", "method not allowed here");
	return NULL;
}

/*
 * The token of "Authorization: Bearer <token>", or of "Basic" with the
 * token as the password (what FreeSWITCH's mod_json_cdr can send);
 * into out (CXV_TOKEN_STR bytes), "" if absent or malformed.
 */
static void
credential(struct call *c, char out[CXV_TOKEN_STR])
{
	const char *h = cxv_http_header(c->req, "Authorization");
	char plain[128], *colon;
	size_t len = 0;

	out[0] = '\0';
	if (h != NULL && strncasecmp(h, "Bearer ", 7) == 0 &&
	    strlen(h + 7) < CXV_TOKEN_STR)
		snprintf(out, CXV_TOKEN_STR, "%s", h + 7);
	else if (h != NULL && strncasecmp(h, "Basic ", 6) == 0 &&
	    sodium_base642bin((unsigned char *)plain, sizeof(plain) - 1, h + 6,
	    strlen(h + 6), NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) ==
	    0) {
		plain[len] = '\0';
		if ((colon = strchr(plain, ':')) != NULL &&
		    strlen(colon + 1) < CXV_TOKEN_STR)
			snprintf(out, CXV_TOKEN_STR, "%s", colon + 1);
		sodium_memzero(plain, sizeof(plain));
	}
}

/* Authenticate and authorize (R3.3); responds itself when refused. */
static int
admit(struct call *c)
{
	const struct route *rt = c->route;
	char token[CXV_TOKEN_STR];
	int r;

	if (rt->perm == CXV_API_PUBLIC)
		return 1;
	if (!api_acquire(c))
		return 0;
	credential(c, token);
	r = cxv_auth_check(c->v, token, &c->who);
	sodium_memzero(token, sizeof(token));
	api_release(c);
	if (r == CXV_ERR_AUTH) {
		cxv_http_add_header(c->req, "WWW-Authenticate", "Bearer");
		/* FreeSWITCH's libcurl sends its credentials only for a
		 * scheme it is offered (mod_json_cdr's auth-scheme). */
		if (rt->fn == api_cdr_freeswitch)
			cxv_http_add_header(c->req, "WWW-Authenticate",
			    "Basic realm=\"cxvault\", charset=\"UTF-8\"");
		api_error(c, 401, "unauthorized", "log in first: no valid "
		    "session or token");
		return 0;
	}
	if (r != CXV_OK) {
		api_fail(c, r, NULL);
		return 0;
	}
	if (rt->perm == CXV_API_SIGNED || api_may(c, rt->perm) ||
	    api_may(c, rt->alt))
		return 1;
	if (c->who.must_change)
		api_error(c, 403, "password_change_required", "change your "
		    "password first (POST /v1/session/password)");
	else
		api_error(c, 403, "forbidden", "your profile does not allow "
		    "this");
	return 0;
}

static void
on_begin(void *ctx, struct cxv_http_req *req)
{
	struct call *c = calloc(1, sizeof(*c));

	if (c == NULL) {
		cxv_http_respond(req, 503, NULL, NULL, 0);
		return;
	}
	c->api = ctx;
	c->req = req;
	c->started_ms = cxv_now_ms();
	cxv_http_set_data(req, c);
	if ((c->route = find_route(c)) == NULL || !admit(c))
		return;
	if (c->route->body == B_JSON || c->route->body == B_RAW)
		cxv_http_buffer_body(req, c->api->body_max);
	else if (c->route->body == B_STREAM && api_acquire(c)) {
		if (cxv_http_stream_body(req, (uint64_t)cxv_vault_config(c->v)->
		    upload_max) == CXV_OK)
			api_content_start(c);
		api_release(c);
	}
}

static void
on_piece(void *ctx, struct cxv_http_req *req, const char *data, size_t len)
{
	(void)ctx;
	api_content_piece(cxv_http_data(req), data, len);
}

/* The JSON body as an object; 400 otherwise (never echoing it). */
static int
parse_body(struct call *c)
{
	json_error_t err;
	const char *body;
	char msg[96];
	size_t len;

	body = cxv_http_body(c->req, &len);
	c->in = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (c->in != NULL && json_is_object(c->in))
		return 1;
	snprintf(msg, sizeof(msg), "the body must be a JSON object (line %d, "
	    "column %d)", err.line, err.column);
	api_error(c, 400, "invalid_json", c->in != NULL ?
	    "the body must be a JSON object" : msg);
	return 0;
}

static void
on_end(void *ctx, struct cxv_http_req *req)
{
	struct call *c = cxv_http_data(req);

	(void)ctx;
	if (c == NULL || cxv_http_responded(req))
		return;
	if (c->route->body == B_JSON && !parse_body(c))
		return;
	if (!api_acquire(c))
		return;
	c->route->fn(c);
	if (!c->deferred)
		api_release(c);	/* a deferred call gave it back already */
}

/*
 * One line per request: refused and failed ones at the default level,
 * the others at the debug level (reads of personal data are in the
 * audit trail already; writing every request costs a quarter of the
 * throughput).
 */
static void
access_log(const struct call *c)
{
	unsigned st = cxv_http_status(c->req);
	int level = st >= 400 ? CXV_LOG_INFO : CXV_LOG_DEBUG;
	char status[8], user[24], ms[24];

	if (!cxv_log_wants(level))
		return;
	snprintf(status, sizeof(status), "%u", st);
	snprintf(user, sizeof(user), "%lld", (long long)c->who.user_id);
	snprintf(ms, sizeof(ms), "%lld", (long long)(cxv_now_ms() -
	    c->started_ms));
	/*
	 * The route's template only ("/v1/subjects/{id}"), never the target
	 * a client sent: a path or a query can carry anything, a name or a
	 * token among it, and free-text redaction only knows some shapes.
	 */
	CXV_LOG(level, "http.request", CXV_LF("method", cxv_http_method(c->req)),
	    CXV_LF("route", c->route != NULL ? c->route->path : st == 200 ?
	    "console" : "unknown"), CXV_LF("status", status),
	    CXV_LF("user", user), CXV_LF("ms", ms));
}

static void
on_done(void *ctx, struct cxv_http_req *req)
{
	struct call *c = cxv_http_data(req);

	(void)ctx;
	if (c == NULL)
		return;
	api_release(c);
	access_log(c);
	json_decref(c->in);
	if (c->stream != NULL)
		c->stream_free(c->stream);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

void
cxv_api_app(struct cxv_api *api, struct cxv_http_app *out)
{
	*out = (struct cxv_http_app){ on_begin, on_piece, on_end, on_done, api };
}

/*
 * Up, and each Asterisk feed's state, since when, and how many intervals
 * it may have missed (issue 27; the rest is for `cxvault status`).
 */
static void
api_health(struct call *c)
{
	json_t *feeds = cxv_ami_state(c->v), *ami = json_object(), *f;
	const char *name;

	json_object_foreach(feeds, name, f) {
		json_object_set_new(ami, name, json_pack("{s:O,s:O*,s:I}",
		    "state", json_object_get(f, "state"), "since",
		    json_object_get(f, "since"), "gaps", (json_int_t)
		    json_array_size(json_object_get(f, "gaps"))));
	}
	json_decref(feeds);
	if (json_object_size(ami) == 0) {
		json_decref(ami);
		api_reply(c, 200, json_pack("{s:s}", "status", "ok"));
	} else
		api_reply(c, 200, json_pack("{s:s,s:o}", "status", "ok", "ami",
		    ami));
}

static void
api_openapi(struct call *c)
{
	char *doc = strdup(cxv_openapi_json);

	if (doc == NULL)
		api_error(c, 503, "no_memory", "out of memory");
	else
		cxv_http_respond(c->req, 200, "application/json", doc,
		    strlen(doc));
}
