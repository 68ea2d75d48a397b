/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the API: one call's state, the helpers handlers share
 * (api_call.c), and the handlers of each group of routes (api_*.c),
 * which the route table of api.c names.
 * Not for use outside src/api/.
 */
#ifndef CXV_API_INT_H
#define CXV_API_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api/auth.h"
#include "base/buf.h"
#include "core/ident.h"
#include "net/http.h"
#include "records/profile.h"

struct api_pool;
struct call;
struct cxv_cdr;
struct cxv_cdr_own;
struct cxv_throttle;

/* The API over a pool of vault handles (api.h). */
struct cxv_api {
	struct cxv_vault **v;
	/*
	 * A CDR buffer per handle: locked and guarded like any record in
	 * clear, allocated once (sodium_malloc per request costs four
	 * system calls and a TLB shootdown on every core).
	 */
	struct cxv_cdr_own *cdr;
	int *busy;
	size_t n;
	pthread_mutex_t mu;
	size_t body_max;
	void (*on_config)(void *ctx);
	void *on_config_ctx;
	struct cxv_throttle *login_gate;	/* failed logins by address */
	struct cxv_throttle *self_gate;		/* corrections by account */
	struct api_pool *pool;			/* see api_defer() */
};

typedef void (*handler_fn)(struct call *c);

/* What a route's body is: none, a JSON object, bytes, a stream. */
enum body { B_NONE, B_JSON, B_RAW, B_STREAM };

struct route {
	const char *method;
	const char *path;
	int perm, alt;
	enum body body;
	handler_fn fn;
};

/* One request: route, path ids, principal, the vault while it runs. */
struct call {
	struct cxv_api *api;
	struct cxv_http_req *req;
	const struct route *route;
	int64_t id[2];			/* {id} path segments, in order */
	struct cxv_principal who;	/* zero for public routes */
	struct cxv_vault *v;		/* checked out during a callback */
	struct cxv_cdr *cdr;		/* v's scratch record, in locked memory */
	json_t *in;			/* the JSON body, if the route takes one */
	char arg[24];			/* an integer argument as text */
	void *stream;			/* a streamed upload (api_content.c) */
	int64_t started_ms;
	void (*stream_free)(void *stream);
	int deferred;			/* handed to the pool (api_defer()) */
};

/*
 * A free vault handle for the call (c->v, its actor the principal), or
 * 503 and 0; api_release() gives it back (a no-op without one).
 */
int api_acquire(struct call *c);
void api_release(struct call *c);

/*
 * Run fn(c) on the API's small pool of threads instead of this HTTP
 * thread, for what would hold it (a password's Argon2id hash, a
 * directory's bind): the connection is set aside, fn gets a vault
 * handle of its own and responds, then the answer goes out. Called by a
 * handler, which then returns at once. 0 if the pool's queue is full
 * (or stopped): the handler responds itself (503).
 */
int api_defer(struct call *c, handler_fn fn);
/*
 * Start, stop (what is queued runs first; later calls are refused) and
 * free the pool (after the HTTP server stopped).
 */
int api_defer_start(struct cxv_api *api);
void api_defer_stop(struct cxv_api *api);
void api_defer_free(struct cxv_api *api);

/* Responses: the first one set wins; every helper takes its argument. */
void api_reply(struct call *c, unsigned status, json_t *doc);
/* A JSON text already written (cxv_jw); b is emptied. */
void api_reply_buf(struct call *c, unsigned status, struct cxv_buf *b);
void api_error(struct call *c, unsigned status, const char *code,
    const char *message);
/* A vault error: its status and stable code; why (a fixed text) or its text. */
void api_fail(struct call *c, int r, const char *why);

/* The path of the call's route, as the table has it ("/v1/users/{id}"). */
const char *api_route_path(const struct call *c);

/* Whether the principal holds permission p. */
int api_may(const struct call *c, int p);

/*
 * The row check of interaction id (R3.3), the same for reads and writes:
 * a principal with interactions.own but not interactions.read (an agent)
 * reaches only the interactions it handled; others pass. Responds 404
 * itself when not, exactly as for an id that does not exist.
 */
int api_interaction_allowed(struct call *c, int64_t id);

/*
 * An argument of the call: from the query, or, for a route that takes
 * them in a JSON body (the searches by identifier, which keep
 * identifiers out of URLs and so out of proxies' and browsers' logs),
 * the body's member (a string, or an integer as text); NULL if absent.
 */
const char *api_arg(struct call *c, const char *name);

/*
 * Arguments (api_arg()): a time ("since", "until"; default unbounded), a
 * number within bounds, a boolean ("true"/"false"). Each responds 400
 * itself and returns non-zero on a bad value.
 */
int api_query_time(struct call *c, const char *name, int64_t dflt,
    int64_t *out /* OUT */);
int api_query_int(struct call *c, const char *name, long long min,
    long long max, long long dflt, long long *out /* OUT */);
int api_query_bool(struct call *c, const char *name, int *out /* OUT */);
/*
 * The one identifier of a search: ?phone=, ?email=, ?chat=, ?account=,
 * ?logon= or ?name=. 1 if found; 0 if none; -1 after a 400.
 */
struct cxv_ident_input;
int api_query_ident(struct call *c, struct cxv_ident_input *id /* OUT */);
/* The members a search body may hold. */
extern const char *const api_search_keys[];

/*
 * Members of the JSON body. api_keys() refuses members outside the
 * NULL-ended list; the getters respond 400 and return non-zero for a
 * missing required member or a wrong type; optional ones leave *out.
 */
int api_keys(struct call *c, const char *const *allowed);
int api_str(struct call *c, const char *name, int required,
    const char **out /* OUT */);
int api_int(struct call *c, const char *name, int required, long long min,
    long long max, long long *out /* OUT */);
int api_bool(struct call *c, const char *name, int *out /* OUT */);
/* A time member "YYYY-MM-DDTHH:MM:SSZ". */
int api_time(struct call *c, const char *name, int required,
    int64_t *out /* OUT */);

/* A JSON array of permission names as a mask. */
int api_perm_mask(struct call *c, const char *name, uint64_t *out /* OUT */);

/*
 * A page of a list: documents go into items until limit, then the scan
 * stops (collect returns CXV_ERR_LIMIT, which callers treat as done).
 */
struct page {
	json_t *items;
	size_t limit;
	int more;
};
int api_page_init(struct call *c, struct page *p);
int api_collect(void *ctx, json_t *doc);
/* {"items": [...], "more": bool} as the response, or the error r. */
void api_page_reply(struct call *c, struct page *p, int r);

/* The configuration file changed: the server reloads it. */
void api_config_changed(struct call *c);

/* Handlers, by group. */
void api_retention_get(struct call *c);
void api_retention_put(struct call *c);
void api_retention_run(struct call *c);
void api_logs_purge(struct call *c);
void api_dashboard(struct call *c);
void api_campaign_import(struct call *c);
void api_user_status(struct call *c);
void api_me_rectify(struct call *c);
/* ?status=: pending, rejected or executed (-1: any); 400 otherwise. */
int api_query_status(struct call *c, int *status /* OUT */);
/* A self-service correction of a number or address (api_corrections.c). */
void api_correction_file(struct call *c, enum cxv_ident_kind kind,
    const char *old, const char *fresh);
void api_corrections_list(struct call *c);
void api_correction_get(struct call *c);
void api_correction_approve(struct call *c);
void api_correction_reject(struct call *c);
void api_me_corrections(struct call *c);
void api_me_voicemail(struct call *c);
void api_me_voicemail_put(struct call *c);
void api_user_voicemail(struct call *c);
void api_user_voicemail_put(struct call *c);
void api_login(struct call *c);
void api_session_get(struct call *c);
void api_logout(struct call *c);
void api_password(struct call *c);
void api_profiles_list(struct call *c);
void api_profile_create(struct call *c);
void api_profile_update(struct call *c);
void api_profile_delete(struct call *c);
void api_login_get(struct call *c);
void api_login_put(struct call *c);
void api_unlock(struct call *c);
void api_token_create(struct call *c);
void api_sessions_revoke(struct call *c);

void api_users_list(struct call *c);
void api_user_get(struct call *c);
void api_user_create(struct call *c);
void api_contacts_list(struct call *c);
void api_contact_create(struct call *c);
void api_interactions_list(struct call *c);
void api_interaction_get(struct call *c);
void api_interaction_create(struct call *c);
void api_item_create(struct call *c);
void api_cdr_ingest(struct call *c);
void api_cdr_freeswitch(struct call *c);
void api_cdr_export(struct call *c);
void api_calllog_get(struct call *c);
void api_campaigns_list(struct call *c);
void api_campaign_get(struct call *c);
void api_campaign_create(struct call *c);
void api_campaign_entry(struct call *c);
void api_campaign_clear(struct call *c);
void api_campaign_result(struct call *c);
void api_campaign_state(struct call *c);
void api_dnc_add(struct call *c);
void api_stats(struct call *c);
void api_charges_list(struct call *c);
void api_charge_create(struct call *c);
void api_audit_list(struct call *c);
void api_audit_verify(struct call *c);
void api_me(struct call *c);
void api_me_calllog(struct call *c);
void api_me_contacts(struct call *c);
void api_me_contact_create(struct call *c);

void api_subjects_find(struct call *c);
void api_subject_get(struct call *c);
void api_subject_records(struct call *c);
void api_subject_erase(struct call *c);
void api_subject_hold(struct call *c);
void api_subject_restrict(struct call *c);
void api_subject_rectify(struct call *c);
void api_subject_export(struct call *c);
void api_user_anonymize(struct call *c);
void api_request_file(struct call *c);
void api_requests_list(struct call *c);
void api_request_get(struct call *c);
void api_request_approve(struct call *c);
void api_request_reject(struct call *c);
void api_me_request_file(struct call *c);
void api_me_requests(struct call *c);
void api_report_processing(struct call *c);

/* Streamed routes: start in the header phase, pieces, then the end. */
void api_content_start(struct call *c);
void api_content_piece(struct call *c, const char *data, size_t len);
void api_content_upload(struct call *c);
void api_content_get(struct call *c);
void api_content_original(struct call *c);

#endif
