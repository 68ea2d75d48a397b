/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Agents' call logs in the store (store.h).
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_CL_INSERT, S_CL_TRIM, S_CL_BY_USER, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_CL_INSERT] = "INSERT INTO call_log (id, user_id, subject_id, "
	    "direction, ts_ms, duration_s, sealed) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_CL_TRIM] = "DELETE FROM call_log WHERE user_id = ?1 AND id NOT IN "
	    "(SELECT id FROM call_log WHERE user_id = ?1 "
	    "ORDER BY ts_ms DESC, id DESC LIMIT ?2)",
	[S_CL_BY_USER] = "SELECT id, user_id, subject_id, direction, ts_ms, "
	    "duration_s, sealed FROM call_log WHERE user_id = ?1 "
	    "ORDER BY ts_ms DESC, id DESC",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_CALL_LOG, stmt_sql, (id), (r))

int
cxv_store_call_log_insert(struct cxv_store *st,
    const struct cxv_call_log_row *row, int keep)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CL_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->user_id);
	db_bind_int64(s, 3, row->subject_id);
	db_bind_int64(s, 4, row->direction);
	db_bind_int64(s, 5, row->ts_ms);
	db_bind_int64(s, 6, row->duration_s);
	db_bind_blob(s, 7, row->sealed, row->sealed_len);
	if ((r = cxv_store_step_new_id(st, STORE_IDS_CALL_LOG, row->id,
	    s)) != CXV_OK || (s = STMT(st, S_CL_TRIM, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->user_id);
	db_bind_int64(s, 2, keep);
	/* After the rows it trims, which may be held. */
	return cxv_store_step_piped(st, s, DB_PIPE_AFTER);
}

struct cl_cb {
	cxv_store_call_log_fn fn;
	void *ctx;
};

static int
call_log_row(struct db_stmt *s, void *ctx)
{
	struct cl_cb *cb = ctx;
	struct cxv_call_log_row row;

	row.id = db_column_int64(s, 0);
	row.user_id = db_column_int64(s, 1);
	row.subject_id = db_column_int64(s, 2);
	row.direction = (int)db_column_int64(s, 3);
	row.ts_ms = db_column_int64(s, 4);
	row.duration_s = db_column_int64(s, 5);
	row.sealed = db_column_blob(s, 6);
	row.sealed_len = (size_t)db_column_bytes(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_call_log_by_user(struct cxv_store *st, int64_t user_id,
    cxv_store_call_log_fn fn, void *ctx)
{
	struct cl_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CL_BY_USER, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	return cxv_store_each_row(s, call_log_row, &cb);
}
