/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The REST API v1 over the HTTPS server (R2, R3, R7.2): a table of
 * routes, each declaring the permission it needs; authentication by
 * session or API token (auth.h); JSON in and out, errors as
 * {"error":{"code":"stable_code","message":"..."}} that never carry a
 * personal value, a secret or an internal detail. Requests run on a
 * pool of vault handles, one per request at a time.
 */
#ifndef CXV_API_H
#define CXV_API_H

#include <stddef.h>
#include <stdint.h>

#include "net/http.h"

struct cxv_vault;
struct cxv_api;

/* Who may call a route: a permission of profile.h, or one of these. */
#define CXV_API_PUBLIC	(-1)	/* anyone, no session */
#define CXV_API_SIGNED	(-2)	/* any session, even one that must change
				 * its password first */

/* A route as the OpenAPI document describes it. */
struct cxv_api_route_info {
	const char *method;
	const char *path;		/* "/v1/interactions/{id}" */
	int perm;			/* permission, or CXV_API_* */
	int alt_perm;			/* one that also grants, or -1 */
};

/* The routes, for the OpenAPI check; i < cxv_api_route_count(). */
size_t cxv_api_route_count(void);
void cxv_api_route(size_t i, struct cxv_api_route_info *out /* OUT */);

/* The OpenAPI document (docs/openapi.json, embedded at build time). */
extern const char cxv_openapi_json[];

/*
 * An API over n vault handles (borrowed; the caller closes them after
 * cxv_api_free()).
 */
int cxv_api_new(struct cxv_vault **vaults, size_t n,
    struct cxv_api **out /* OUT */);
/*
 * Finish the calls set aside for the slow pool (logins) and take no
 * more: before the HTTP server stops, which must not hold a deferred
 * connection. Idempotent; cxv_api_free() does it too.
 */
void cxv_api_quiesce(struct cxv_api *api);
void cxv_api_free(struct cxv_api *api);

/* Call fn(ctx) after a request rewrote cxvault.conf (the server reloads). */
void cxv_api_on_config(struct cxv_api *api, void (*fn)(void *ctx), void *ctx);

/* The callbacks the HTTPS server runs for the API. */
void cxv_api_app(struct cxv_api *api, struct cxv_http_app *out /* OUT */);

#endif
