/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the record of processing counts in the store (store.h), per
 * store.
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

/* What the record of processing counts, per store. */
static const struct {
	const char *store, *sql;
} inventory[] = {
	{ "identifiers", "SELECT count(*), 0 FROM subject_ident" },
	{ "interaction", "SELECT count(*), min(started_ms) FROM interaction" },
	{ "data_item", "SELECT count(*), min(created_ms) FROM interaction_item" },
	{ "content", "SELECT count(*), min(created_ms) FROM content" },
	{ "user", "SELECT count(*), min(created_ms) FROM user_account" },
	{ "call_log", "SELECT count(*), min(ts_ms) FROM call_log" },
	{ "contact", "SELECT count(*), min(created_ms) FROM contact" },
	{ "campaign_entry", "SELECT count(*), min(created_ms) FROM "
	    "campaign_entry" },
	{ "campaign_result", "SELECT count(*), min(ts_ms) FROM campaign_result" },
	{ "charge", "SELECT count(*), min(ts_ms) FROM charge" },
	{ "correction", "SELECT count(*), min(filed_ms) FROM correction WHERE "
	    "sealed IS NOT NULL" },
	{ "statistics", "SELECT count(*), min(ts_ms) FROM traffic_stat" },
	{ "audit", "SELECT count(*), min(ts_ms) FROM audit" },
	{ "erasures", "SELECT count(*), max(erased_ms) FROM erasure" },
	{ "content_bytes", "SELECT coalesce(sum(size), 0), 0 FROM content" },
	{ "api_tokens", "SELECT count(*), 0 FROM session WHERE kind = 1" },
};

int
cxv_store_inventory(struct cxv_store *st, cxv_store_inventory_fn fn,
    void *ctx)
{
	struct db_stmt *s = NULL;
	size_t i;
	int rc, r = CXV_OK;

	for (i = 0; i < sizeof(inventory) / sizeof(inventory[0]) &&
	    r == CXV_OK; i++) {
		if ((rc = db_prepare(cxv_store_db(st), inventory[i].sql, &s)) !=
		    CXV_OK)
			return db_rc(rc);
		if ((rc = db_step(s)) == DB_ROW)
			r = fn(ctx, inventory[i].store, db_column_int64(s, 0),
			    db_column_int64(s, 1));
		else
			r = db_rc(rc);
		db_finalize(s);
	}
	return r;
}
