/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Campaigns in the store (store.h): campaigns, their calling lists and
 * results, and the do-not-call list.
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_CP_INSERT, S_CP_BY_NAME, S_CP_ALL, S_CE_INSERT, S_CE_BY_CAMPAIGN,
	S_CE_CLEAR, S_CR_INSERT, S_CR_BY_CAMPAIGN, S_DNC_INSERT, S_DNC_GET,
	S_CP_STATE, S_CP_EXISTS, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_CP_INSERT] = "INSERT INTO campaign (id, name, state, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[S_CP_BY_NAME] = "SELECT id, name, state, created_ms, "
	    "(SELECT count(*) FROM campaign_entry e WHERE e.campaign_id = c.id), "
	    "(SELECT count(*) FROM campaign_result r WHERE r.campaign_id = c.id) "
	    "FROM campaign c WHERE name = ?1",
	[S_CP_ALL] = "SELECT id, name, state, created_ms, "
	    "(SELECT count(*) FROM campaign_entry e WHERE e.campaign_id = c.id), "
	    "(SELECT count(*) FROM campaign_result r WHERE r.campaign_id = c.id) "
	    "FROM campaign c ORDER BY created_ms, id",
	[S_CE_INSERT] = "INSERT INTO campaign_entry (id, campaign_id, "
	    "subject_id, created_ms, sealed) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_CE_BY_CAMPAIGN] = "SELECT id, campaign_id, subject_id, created_ms, "
	    "sealed FROM campaign_entry WHERE campaign_id = ?1 "
	    "ORDER BY created_ms, id",
	[S_CE_CLEAR] = "DELETE FROM campaign_entry WHERE campaign_id = ?1",
	[S_CR_INSERT] = "INSERT INTO campaign_result (id, campaign_id, "
	    "subject_id, ts_ms, outcome, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_CR_BY_CAMPAIGN] = "SELECT id, campaign_id, subject_id, ts_ms, "
	    "sealed, outcome FROM campaign_result WHERE campaign_id = ?1 "
	    "ORDER BY ts_ms, id",
	[S_DNC_INSERT] = "INSERT INTO dnc (bidx, created_ms) VALUES (?1, ?2) "
	    "ON CONFLICT (bidx) DO NOTHING",
	[S_DNC_GET] = "SELECT 1 FROM dnc WHERE bidx = ?1",
	[S_CP_STATE] = "UPDATE campaign SET state = ?2 WHERE id = ?1",
	[S_CP_EXISTS] = "SELECT 1 FROM campaign WHERE id = ?1",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_CAMPAIGN, stmt_sql, (id), (r))

int
cxv_store_campaign_exists(struct cxv_store *st, int64_t id)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CP_EXISTS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	r = cxv_store_step_row(s);
	db_reset(s);
	return r;
}

int
cxv_store_campaign_insert(struct cxv_store *st,
    const struct cxv_campaign_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CP_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_text(s, 2, row->name);
	db_bind_int64(s, 3, row->state);
	db_bind_int64(s, 4, row->created_ms);
	return cxv_store_step_done(s);
}

struct cp_cb {
	cxv_store_campaign_fn fn;
	void *ctx;
};

static int
campaign_row(struct db_stmt *s, void *ctx)
{
	struct cp_cb *cb = ctx;
	struct cxv_campaign_row row;

	row.id = db_column_int64(s, 0);
	row.name = cxv_store_column_text(s, 1);
	row.state = (int)db_column_int64(s, 2);
	row.created_ms = db_column_int64(s, 3);
	row.entries = db_column_int64(s, 4);
	row.results = db_column_int64(s, 5);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_campaign_by_name(struct cxv_store *st, const char *name,
    cxv_store_campaign_fn fn, void *ctx)
{
	struct cp_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CP_BY_NAME, &r)) == NULL)
		return r;
	db_bind_text(s, 1, name);
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		r = campaign_row(s, &cb);
	db_reset(s);
	return r;
}

int
cxv_store_campaign_all(struct cxv_store *st, cxv_store_campaign_fn fn,
    void *ctx)
{
	struct cp_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CP_ALL, &r)) == NULL)
		return r;
	return cxv_store_each_row(s, campaign_row, &cb);
}

int
cxv_store_campaign_item_insert(struct cxv_store *st, int result,
    const struct cxv_campaign_item *it)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, result ? S_CR_INSERT : S_CE_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, it->id);
	db_bind_int64(s, 2, it->campaign_id);
	db_bind_int64(s, 3, it->subject_id);
	db_bind_int64(s, 4, it->ts_ms);
	if (result) {
		db_bind_text(s, 5, it->outcome);
		db_bind_blob(s, 6, it->sealed, it->sealed_len);
	} else
		db_bind_blob(s, 5, it->sealed, it->sealed_len);
	return cxv_store_step_done(s);
}

struct ci_cb {
	cxv_store_campaign_item_fn fn;
	void *ctx;
	int result;
};

static int
campaign_item_row(struct db_stmt *s, void *ctx)
{
	struct ci_cb *cb = ctx;
	struct cxv_campaign_item it;

	it.id = db_column_int64(s, 0);
	it.campaign_id = db_column_int64(s, 1);
	it.subject_id = db_column_int64(s, 2);
	it.ts_ms = db_column_int64(s, 3);
	it.sealed = db_column_blob(s, 4);
	it.sealed_len = (size_t)db_column_bytes(s, 4);
	it.outcome = cb->result ? cxv_store_column_text(s, 5) : "";
	return cb->fn(cb->ctx, &it);
}

int
cxv_store_campaign_items(struct cxv_store *st, int64_t campaign_id, int result,
    cxv_store_campaign_item_fn fn, void *ctx)
{
	struct ci_cb cb = { fn, ctx, result };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, result ? S_CR_BY_CAMPAIGN : S_CE_BY_CAMPAIGN, &r))
	    == NULL)
		return r;
	db_bind_int64(s, 1, campaign_id);
	return cxv_store_each_row(s, campaign_item_row, &cb);
}

int
cxv_store_campaign_clear_list(struct cxv_store *st, int64_t campaign_id,
    int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = STMT(st, S_CE_CLEAR, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, campaign_id);
	if ((r = cxv_store_step_done(s)) == CXV_OK)
		*n = db_changes(cxv_store_db(st));
	return r;
}

int
cxv_store_dnc_add(struct cxv_store *st, const uint8_t bidx[32], int64_t ts_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_DNC_INSERT, &r)) == NULL)
		return r;
	db_bind_blob(s, 1, bidx, 32);
	db_bind_int64(s, 2, ts_ms);
	return cxv_store_step_done(s);
}

int
cxv_store_dnc_has(struct cxv_store *st, const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_DNC_GET, &r)) == NULL)
		return r;
	db_bind_blob(s, 1, bidx, 32);
	r = cxv_store_step_row(s);
	db_reset(s);
	return r;
}

int
cxv_store_campaign_set_state(struct cxv_store *st, int64_t id, int state)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CP_STATE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, state);
	if ((r = cxv_store_step_done(s)) != CXV_OK)
		return r;
	return db_changes(cxv_store_db(st)) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}
