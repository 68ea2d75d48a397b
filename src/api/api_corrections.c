/* SPDX-License-Identifier: Apache-2.0 */
/*
 * API routes of corrections (R3.4, R9.3, issue 25.6): an end user's
 * change of its own number or address is filed for staff to confirm,
 * answered the same whatever the new value, audited, and limited per
 * account; staff with subjects.write see the values and decide.
 */
#include <stdio.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/throttle.h"
#include "base/util.h"
#include "records/vault.h"
#include "rights/correction.h"

/* An attempt that was not filed, in the trail all the same. */
static int
refused_locked(struct cxv_vault *v, void *arg)
{
	return cxv_vault_audit(v, "correction.refused", "correction", "-", arg);
}

void
api_correction_file(struct call *c, enum cxv_ident_kind kind,
    const char *old, const char *fresh)
{
	int64_t uid = c->who.user_id, id = 0, wait;
	const char *why = NULL;
	char retry[24];
	int r;

	wait = cxv_throttle_take(c->api->self_gate, &uid, sizeof(uid),
	    cxv_now_ms());
	if (wait > 0) {
		(void)cxv_vault_in_txn(c->v, refused_locked, "rate");
		snprintf(retry, sizeof(retry), "%lld", (long long)(wait + 999) /
		    1000);
		cxv_http_add_header(c->req, "Retry-After", retry);
		api_error(c, 429, "too_many_attempts", "too many corrections "
		    "asked for; try again later");
		return;
	}
	r = cxv_correction_file(c->v, c->who.subject_id, uid, kind, old,
	    fresh, &id, &why);
	if (r != CXV_OK) {
		(void)cxv_vault_in_txn(c->v, refused_locked, r ==
		    CXV_ERR_INVALID ? "invalid" : "error");
		api_fail(c, r, why);
		return;
	}
	api_reply(c, 202, json_pack("{s:I, s:s}", "correction", (json_int_t)id,
	    "status", "pending"));
}

static int
collect_correction(void *ctx, const struct cxv_correction_row *row)
{
	return api_collect(ctx, cxv_correction_view(row));
}

/* Corrections by status (?status=) and requester (0: all). */
static void
list_corrections(struct call *c, int64_t requester)
{
	struct page p;
	int status;

	if (api_query_status(c, &status) == 0 && api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_correction_list(c->v, status,
		    requester, collect_correction, &p));
}

/* GET /v1/corrections?status= (staff) */
void
api_corrections_list(struct call *c)
{
	list_corrections(c, 0);
}

/* GET /v1/me/corrections: the corrections one asked for. */
void
api_me_corrections(struct call *c)
{
	list_corrections(c, c->who.user_id);
}

/* GET /v1/corrections/{id}: a pending one with its values (audited). */
void
api_correction_get(struct call *c)
{
	json_t *doc = NULL;
	int r = cxv_correction_show(c->v, c->id[0], &doc);

	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such pending "
		    "correction" : NULL);
	else
		api_reply(c, 200, doc);
}

static void
decide(struct call *c, int approve, const char *refusal)
{
	const char *why = NULL;
	char *summary = NULL;
	int r;

	r = cxv_correction_decide(c->v, c->id[0], c->who.user_id, approve,
	    refusal, &summary, &why);
	if (r != CXV_OK)
		api_fail(c, r, why != NULL ? why : r == CXV_ERR_NOT_FOUND ?
		    "no such pending correction" : NULL);
	else
		api_reply(c, 200, json_pack("{s:I, s:s, s:o}", "correction",
		    (json_int_t)c->id[0], "status", approve ? "executed" :
		    "rejected", "rectified", summary != NULL ?
		    json_loads(summary, 0, NULL) : json_null()));
	free(summary);
}

/* POST /v1/corrections/{id}/approve: the rectification runs. */
void
api_correction_approve(struct call *c)
{
	static const char *const keys[] = { NULL };

	if (api_keys(c, keys) == 0)
		decide(c, 1, NULL);
}

/* POST /v1/corrections/{id}/reject: {reason}. */
void
api_correction_reject(struct call *c)
{
	static const char *const keys[] = { "reason", NULL };
	const char *why = NULL;

	if (api_keys(c, keys) == 0 && api_str(c, "reason", 1, &why) == 0)
		decide(c, 0, why);
}
