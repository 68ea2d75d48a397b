/* SPDX-License-Identifier: Apache-2.0 */
/* API handlers of the administration: retention (R6.6), logs (R6.7). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "api_int.h"
#include "err.h"
#include "log.h"
#include "retention.h"
#include "util.h"
#include "vault.h"

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
