/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every handler shares (api_int.h): replies and errors, arguments
 * from the query and the JSON body, permissions, pages of lists.
 */
#include "api/api_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/json_out.h"
#include "base/util.h"
#include "records/cdr.h"
#include "records/interaction.h"
#include "records/vault.h"
#include "core/log.h"

int
api_acquire(struct call *c)
{
	struct cxv_api *api = c->api;
	size_t i;

	pthread_mutex_lock(&api->mu);
	for (i = 0; i < api->n && api->busy[i]; i++)
		;
	if (i < api->n) {
		api->busy[i] = 1;
		c->v = api->v[i];
		c->cdr = &api->cdr[i].c;
	}
	pthread_mutex_unlock(&api->mu);
	if (c->v == NULL) {
		api_error(c, 503, "busy", "the server is busy; try again");
		return 0;
	}
	(void)cxv_vault_set_actor(c->v, c->who.user_id ? c->who.actor :
	    "anonymous");
	return 1;
}

void
api_release(struct call *c)
{
	struct cxv_api *api = c->api;
	size_t i;

	if (c->v == NULL)
		return;
	pthread_mutex_lock(&api->mu);
	for (i = 0; i < api->n; i++)
		if (api->v[i] == c->v)
			api->busy[i] = 0;
	pthread_mutex_unlock(&api->mu);
	c->v = NULL;
	c->cdr = NULL;
}

const char *
api_route_path(const struct call *c)
{
	return c->route->path;
}

void
api_config_changed(struct call *c)
{
	if (c->api->on_config != NULL)
		c->api->on_config(c->api->on_config_ctx);
}

/* doc (taken) as compact JSON, into a buffer of ours; NULL on failure. */
static char *
reply_text(json_t *doc, size_t *len)
{
	struct cxv_buf b;
	char *s = NULL;

	cxv_buf_init(&b, SIZE_MAX / 2);
	if (doc != NULL && cxv_json_write(doc, &b) == CXV_OK) {
		*len = b.len;
		s = cxv_buf_take(&b);
	}
	cxv_buf_free(&b);
	json_decref(doc);
	return s;
}

/* s (taken, len bytes) as the reply; NULL: there was no memory for it. */
static void
reply_owned(struct call *c, unsigned status, char *s, size_t len)
{
	if (s == NULL) {
		api_error(c, 503, "no_memory", "out of memory");
		return;
	}
	cxv_http_respond(c->req, status, "application/json", s, len);
}

void
api_reply(struct call *c, unsigned status, json_t *doc)
{
	size_t len = 0;
	char *s = reply_text(doc, &len);

	reply_owned(c, status, s, len);
}

void
api_reply_buf(struct call *c, unsigned status, struct cxv_buf *b)
{
	size_t len = b->len;

	reply_owned(c, status, cxv_buf_take(b), len);
}

void
api_error(struct call *c, unsigned status, const char *code,
    const char *message)
{
	size_t len = 0;
	char *s = reply_text(json_pack("{s:{s:s, s:s}}", "error", "code", code,
	    "message", message), &len);

	/* Busy or no database for now: worth sending again in a moment. */
	if (status == 503)
		cxv_http_add_header(c->req, "Retry-After", "1");
	cxv_http_respond(c->req, status, "application/json", s, len);
}

static unsigned
status_of(int r)
{
	switch (r) {
	case CXV_ERR_INVALID:
		return 400;
	case CXV_ERR_AUTH:
		return 401;
	case CXV_ERR_DENIED:
		return 403;
	case CXV_ERR_NOT_FOUND:
		return 404;
	case CXV_ERR_EXISTS:
	case CXV_ERR_CONFLICT:
	case CXV_ERR_LIMIT:
	case CXV_ERR_HELD:
		return 409;
	case CXV_ERR_TOO_LARGE:
		return 413;
	case CXV_ERR_LOCKED:
		return 429;
	case CXV_ERR_NOMEM:
	case CXV_ERR_BUSY:
	case CXV_ERR_UNAVAILABLE:
		return 503;
	default:
		return 500;
	}
}

void
api_fail(struct call *c, int r, const char *why)
{
	unsigned status = status_of(r);

	if (status == 500) {
		/* No internals to the client; the code reaches the log. */
		CXV_LOG(CXV_LOG_ERROR, "api.error", CXV_LF("route",
		    c->route != NULL ? c->route->path : "?"),
		    CXV_LF("result", cxv_errcode(r)));
		why = "internal error";
	}
	api_error(c, status, cxv_errcode(r), why != NULL ? why :
	    cxv_strerror(r));
}

int
api_may(const struct call *c, int p)
{
	return p >= 0 && (c->who.perms & CXV_PERM_BIT(p)) != 0;
}

const char *
api_arg(struct call *c, const char *name)
{
	json_t *v;

	if (c->in == NULL)
		return cxv_http_query(c->req, name);
	v = json_object_get(c->in, name);
	if (json_is_integer(v)) {
		snprintf(c->arg, sizeof(c->arg), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return c->arg;
	}
	/* Another type reads as a bad value of the right name. */
	return json_is_string(v) ? json_string_value(v) : v != NULL ? "" :
	    NULL;
}

int
api_query_time(struct call *c, const char *name, int64_t dflt, int64_t *out)
{
	const char *s = api_arg(c, name);
	char msg[96];

	*out = dflt;
	if (s == NULL || cxv_time_parse(s, out) == CXV_OK)
		return 0;
	snprintf(msg, sizeof(msg), "%s takes YYYY-MM-DD or "
	    "YYYY-MM-DDTHH:MM:SSZ", name);
	api_error(c, 400, "invalid", msg);
	return 1;
}

int
api_query_int(struct call *c, const char *name, long long min, long long max,
    long long dflt, long long *out)
{
	const char *s = api_arg(c, name);
	char msg[96];

	*out = dflt;
	if (s == NULL || cxv_strtonum(s, min, max, out) == CXV_OK)
		return 0;
	snprintf(msg, sizeof(msg), "%s takes a number from %lld to %lld", name,
	    min, max);
	api_error(c, 400, "invalid", msg);
	return 1;
}

int
api_query_bool(struct call *c, const char *name, int *out)
{
	const char *s = api_arg(c, name);
	char msg[96];

	*out = 0;
	if (s == NULL || strcmp(s, "false") == 0)
		return 0;
	if (strcmp(s, "true") == 0)
		return *out = 1, 0;
	snprintf(msg, sizeof(msg), "%s takes true or false", name);
	api_error(c, 400, "invalid", msg);
	return 1;
}

int
api_keys(struct call *c, const char *const *allowed)
{
	const char *key;
	json_t *val;
	size_t i, at = 0;
	char msg[96];

	json_object_foreach(c->in, key, val) {
		at++;
		for (i = 0; allowed[i] != NULL && strcmp(allowed[i], key) != 0;
		    i++)
			;
		if (allowed[i] != NULL)
			continue;
		/*
		 * By its place, never its name: a client's mistake can put a
		 * value (a number, an address) where a name goes, and the
		 * answer would echo it into the client's logs.
		 */
		snprintf(msg, sizeof(msg), "member %zu of the body is not one "
		    "this route takes", at);
		api_error(c, 400, "invalid", msg);
		return 1;
	}
	return 0;
}

/* 400 naming the member and what it takes. */
static int
bad_member(struct call *c, const char *name, const char *takes)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "'%s' %s", name, takes);
	api_error(c, 400, "invalid", msg);
	return 1;
}

int
api_str(struct call *c, const char *name, int required, const char **out)
{
	json_t *j = json_object_get(c->in, name);

	if (j == NULL || json_is_null(j))
		return required ? bad_member(c, name, "is required") : 0;
	if (!json_is_string(j) || strlen(json_string_value(j)) !=
	    json_string_length(j))
		return bad_member(c, name, "must be a string");
	*out = json_string_value(j);
	return 0;
}

int
api_int(struct call *c, const char *name, int required, long long min,
    long long max, long long *out)
{
	json_t *j = json_object_get(c->in, name);
	char takes[96];

	if (j == NULL || json_is_null(j))
		return required ? bad_member(c, name, "is required") : 0;
	if (!json_is_integer(j) || json_integer_value(j) < min ||
	    json_integer_value(j) > max) {
		snprintf(takes, sizeof(takes), "must be a whole number from "
		    "%lld to %lld", min, max);
		return bad_member(c, name, takes);
	}
	*out = json_integer_value(j);
	return 0;
}

int
api_bool(struct call *c, const char *name, int *out)
{
	json_t *j = json_object_get(c->in, name);

	if (j == NULL || json_is_null(j))
		return 0;
	if (!json_is_boolean(j))
		return bad_member(c, name, "must be true or false");
	*out = json_is_true(j);
	return 0;
}

int
api_time(struct call *c, const char *name, int required, int64_t *out)
{
	const char *s = NULL;

	if (api_str(c, name, required, &s) != 0)
		return 1;
	if (s != NULL && cxv_time_parse(s, out) != CXV_OK)
		return bad_member(c, name, "must be YYYY-MM-DDTHH:MM:SSZ");
	return 0;
}

int
api_perm_mask(struct call *c, const char *name, uint64_t *out)
{
	json_t *a = json_object_get(c->in, name), *e;
	size_t i;
	int p;

	*out = 0;
	if (!json_is_array(a))
		return bad_member(c, name, "must be a list of permission names");
	json_array_foreach(a, i, e) {
		if (!json_is_string(e) ||
		    (p = cxv_perm_parse(json_string_value(e))) < 0)
			return bad_member(c, name, "names an unknown permission");
		*out |= CXV_PERM_BIT(p);
	}
	return 0;
}

int
api_page_init(struct call *c, struct page *p)
{
	long long limit = 0;

	p->more = 0;
	p->items = NULL;
	if (api_query_int(c, "limit", 1, CXV_API_PAGE_MAX, 100, &limit) != 0)
		return 1;
	p->limit = (size_t)limit;
	if ((p->items = json_array()) == NULL) {
		api_error(c, 503, "no_memory", "out of memory");
		return 1;
	}
	return 0;
}

int
api_collect(void *ctx, json_t *doc)
{
	struct page *p = ctx;

	if (doc == NULL)
		return CXV_ERR_NOMEM;
	if (json_array_size(p->items) == p->limit) {
		json_decref(doc);
		p->more = 1;
		return CXV_ERR_LIMIT;
	}
	return json_array_append_new(p->items, doc) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

void
api_page_reply(struct call *c, struct page *p, int r)
{
	if (r != CXV_OK && r != CXV_ERR_LIMIT) {
		json_decref(p->items);
		api_fail(c, r, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:o, s:b}", "items", p->items, "more",
	    p->more));
}

int
api_interaction_allowed(struct call *c, int64_t id)
{
	int64_t agent = 0;
	int r;

	/* Rows are limited for profiles held to their own (agents); a feed
	 * that may only write adds to the interactions it was given. */
	if (api_may(c, CXV_PERM_INTERACTIONS_READ) ||
	    !api_may(c, CXV_PERM_INTERACTIONS_OWN))
		return 1;
	if ((r = cxv_interaction_agent(c->v, id, &agent)) == CXV_OK &&
	    agent == c->who.user_id)
		return 1;
	/* Refused exactly as missing: no answer tells which ids exist. */
	api_fail(c, r == CXV_OK ? CXV_ERR_NOT_FOUND : r,
	    r == CXV_OK || r == CXV_ERR_NOT_FOUND ? "no such interaction" : NULL);
	return 0;
}
