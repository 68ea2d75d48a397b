/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit trail in the store (store.h): the chain's head, new entries,
 * scans in order.
 */
#include "store/store.h"

#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_AUDIT_HEAD, S_AUDIT_INSERT, S_AUDIT_SCAN, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_AUDIT_HEAD] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
	[S_AUDIT_INSERT] = "INSERT INTO audit (seq, ts_ms, actor, action, "
	    "object_type, object_id, fields, prev, hash) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_AUDIT_SCAN] = "SELECT seq, ts_ms, actor, action, object_type, "
	    "object_id, fields, prev, hash FROM audit WHERE ts_ms >= ?1 "
	    "ORDER BY seq",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_AUDIT, stmt_sql, (id), (r))

int
cxv_store_audit_head(struct cxv_store *st, int64_t *seq, uint8_t hash[32])
{
	struct db_stmt *s;
	size_t len = 0;
	int r;

	if (cxv_store_memo_audit_head(st, seq, hash))
		return CXV_OK;
	*seq = 0;
	memset(hash, 0, 32);
	if ((s = STMT(st, S_AUDIT_HEAD, &r)) == NULL)
		return r;
	if ((r = cxv_store_step_row(s)) == CXV_OK) {
		*seq = db_column_int64(s, 0);
		if ((r = cxv_store_column_blob(s, 1, hash, 32, &len)) ==
		    CXV_OK && len != 32)
			r = CXV_ERR_CORRUPT;
	} else if (r == CXV_ERR_NOT_FOUND)
		r = CXV_OK;
	db_reset(s);
	return r;
}

int
cxv_store_audit_insert(struct cxv_store *st, const struct cxv_audit_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_AUDIT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->seq);
	db_bind_int64(s, 2, row->ts_ms);
	db_bind_text(s, 3, row->actor);
	db_bind_text(s, 4, row->action);
	db_bind_text(s, 5, row->object_type);
	db_bind_text(s, 6, row->object_id);
	db_bind_text(s, 7, row->fields);
	db_bind_blob(s, 8, row->prev, 32);
	db_bind_blob(s, 9, row->hash, 32);
	if ((r = cxv_store_step_piped(st, s, DB_PIPE_HELD)) == CXV_OK)
		cxv_store_memo_audit_set(st, row->seq, row->hash);
	return r;
}

struct audit_cb {
	cxv_store_audit_fn fn;
	void *ctx;
};

/* A wrong-sized hash reads as zeros, which the chain check reports. */
static int
audit_row(struct db_stmt *s, void *ctx)
{
	static const uint8_t zero[32];
	struct audit_cb *cb = ctx;
	struct cxv_audit_row row;

	row.seq = db_column_int64(s, 0);
	row.ts_ms = db_column_int64(s, 1);
	row.actor = cxv_store_column_text(s, 2);
	row.action = cxv_store_column_text(s, 3);
	row.object_type = cxv_store_column_text(s, 4);
	row.object_id = cxv_store_column_text(s, 5);
	row.fields = cxv_store_column_text(s, 6);
	row.prev = db_column_bytes(s, 7) == 32 ?
	    db_column_blob(s, 7) : zero;
	row.hash = db_column_bytes(s, 8) == 32 ?
	    db_column_blob(s, 8) : zero;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_audit_scan(struct cxv_store *st, int64_t since_ms,
    cxv_store_audit_fn fn, void *ctx)
{
	struct audit_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_AUDIT_SCAN, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, since_ms);
	return cxv_store_each_row(s, audit_row, &cb);
}
