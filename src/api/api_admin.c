/* SPDX-License-Identifier: Apache-2.0 */
/* API handlers of the administration: retention (R6.6), logs (R6.7). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api/api_int.h"
#include "base/err.h"
#include "base/util.h"
#include "core/log.h"
#include "records/vault.h"
#include "records/view.h"
#include "rights/request.h"
#include "rights/retention.h"
#include "store/store.h"

/* A JSON text made by a library function as the response. */
static void
reply_text(struct call *c, unsigned status, char *text)
{
	json_t *doc = text != NULL ? json_loads(text, 0, NULL) : NULL;

	free(text);
	if (doc == NULL)
		api_fail(c, CXV_ERR_NOMEM, NULL);
	else
		api_reply(c, status, doc);
}

/* GET /v1/retention */
void
api_retention_get(struct call *c)
{
	reply_text(c, 200, cxv_retention_policies_json(cxv_vault_config(c->v)));
}

/* PUT /v1/retention {"category": "interactions", "policy": "30 delete"} */
void
api_retention_put(struct call *c)
{
	static const char *const keys[] = { "category", "policy", NULL };
	struct cxv_ret_policy p;
	const char *cat = NULL, *text = NULL;
	int n, r;

	if (api_keys(c, keys) != 0 || api_str(c, "category", 1, &cat) != 0 ||
	    api_str(c, "policy", 1, &text) != 0)
		return;
	if ((n = cxv_ret_category_parse(cat)) < 0) {
		api_error(c, 400, "invalid", "unknown category");
		return;
	}
	if (cxv_ret_policy_parse(text, &p) != CXV_OK) {
		api_error(c, 400, "invalid", "policy must be 'none', 'DAYS "
		    "delete' or 'DAYS backup-and-delete' with DAYS 1-36500");
		return;
	}
	if ((r = cxv_retention_set(c->v, n, &p)) != CXV_OK) {
		api_fail(c, r, NULL);
		return;
	}
	api_config_changed(c);
	reply_text(c, 200, cxv_retention_policies_json(cxv_vault_config(c->v)));
}

/* POST /v1/retention/run {"dry_run": true} */
void
api_retention_run(struct call *c)
{
	static const char *const keys[] = { "dry_run", NULL };
	struct cxv_ret_report rep;
	int dry = 0, r;

	if (api_keys(c, keys) != 0 || api_bool(c, "dry_run", &dry) != 0)
		return;
	if ((r = cxv_retention_run(c->v, cxv_now_ms(), dry, NULL, &rep)) != CXV_OK)
		api_fail(c, r, NULL);
	else
		reply_text(c, 200, cxv_retention_report_json(&rep));
}

static int
purge_audit(struct cxv_vault *v, void *arg)
{
	(void)arg;
	return cxv_vault_audit(v, "logs.purge", "logs", "-", "all");
}

/* POST /v1/logs/purge (R6.7) */
void
api_logs_purge(struct call *c)
{
	int r;

	if ((r = cxv_log_purge()) == CXV_OK)
		r = cxv_vault_in_txn(c->v, purge_audit, NULL);
	if (r != CXV_OK)
		api_fail(c, r, NULL);
	else
		api_reply(c, 200, json_pack("{s:b}", "purged", 1));
}

static int
take_time(void *ctx, const struct cxv_audit_row *row)
{
	json_t **doc = ctx;

	*doc = json_pack("{s:o, s:s, s:s}", "time", cxv_view_time(row->ts_ms),
	    "actor", row->actor, "summary", row->fields);
	return *doc != NULL ? CXV_OK : CXV_ERR_NOMEM;
}

/* The newest audit entry of action as {time, actor, summary}, or null. */
static json_t *
last_event(struct cxv_store *st, const char *action)
{
	json_t *doc = NULL;

	if (cxv_store_audit_last(st, action, take_time, &doc) != CXV_OK)
		return json_null();
	return doc;
}

static int
count_request(void *ctx, const struct cxv_request_row *row)
{
	(void)row;
	++*(json_int_t *)ctx;
	return CXV_OK;
}

/* Per retention category: records, the oldest, its age against policy. */
static json_t *
inventory(struct cxv_vault *v, int64_t now, json_int_t *bytes)
{
	const struct cxv_config *cfg = cxv_vault_config(v);
	json_t *rows = json_array(), *row;
	int64_t n, oldest, b;
	char pol[48];
	int c;

	for (c = 0; rows != NULL && c < CXV_RET__COUNT; c++) {
		if (cxv_store_ret_span(cxv_vault_store(v), c, &n, &oldest, &b) !=
		    CXV_OK)
			continue;
		*bytes += b;
		cxv_ret_policy_text(&cfg->retention[c], pol);
		row = json_pack("{s:s, s:I, s:o, s:o, s:s, s:o}", "category",
		    cxv_ret_category_name(c), "records", (json_int_t)n,
		    "oldest", cxv_view_time(n > 0 ? oldest : 0), "oldest_days",
		    n > 0 ? json_integer((now - oldest) / 86400000LL) :
		    json_null(), "policy", pol, "keep_days",
		    cfg->retention[c].method != CXV_RET_NONE ?
		    json_integer(cfg->retention[c].days) : json_null());
		if (row == NULL || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			return NULL;
		}
	}
	return rows;
}

/* GET /v1/dashboard: what the vault holds and how it is kept. */
void
api_dashboard(struct call *c)
{
	struct cxv_store *st = cxv_vault_store(c->v);
	json_int_t pending = 0, bytes = 0;
	int64_t subjects = 0;
	json_t *inv;
	int r;

	if ((r = cxv_store_subject_count(st, &subjects)) != CXV_OK ||
	    (r = cxv_store_requests(st, CXV_REQUEST_PENDING, 0, count_request,
	    &pending)) != CXV_OK) {
		api_fail(c, r, NULL);
		return;
	}
	if ((inv = inventory(c->v, cxv_now_ms(), &bytes)) == NULL) {
		api_fail(c, CXV_ERR_NOMEM, NULL);
		return;
	}
	api_reply(c, 200, json_pack("{s:I, s:I, s:o, s:o, s:o, s:I}",
	    "subjects", (json_int_t)subjects, "content_bytes", bytes,
	    "categories", inv, "last_retention_run", last_event(st,
	    "retention.run"), "last_backup", last_event(st, "backup.create"),
	    "pending_requests", pending));
}
