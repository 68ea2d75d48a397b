/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Erasure requests in the store (store.h): filed, listed, decided.
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_RQ_INSERT, S_RQ_GET, S_RQ_LIST, S_RQ_DECIDE, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_RQ_INSERT] = "INSERT INTO erasure_request (id, subject_id, requester, "
	    "filed_ms, ground, status, decided_by, decided_ms, decision, "
	    "receipt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, '', '')",
	[S_RQ_GET] = "SELECT id, subject_id, requester, filed_ms, ground, status, "
	    "decided_by, decided_ms, decision, receipt FROM erasure_request "
	    "WHERE id = ?1",
	[S_RQ_LIST] = "SELECT id, subject_id, requester, filed_ms, ground, "
	    "status, decided_by, decided_ms, decision, receipt FROM "
	    "erasure_request WHERE (CAST(?1 AS BIGINT) < 0 OR status = ?1) AND "
	    "(CAST(?2 AS BIGINT) = 0 OR "
	    "requester = ?2) ORDER BY filed_ms, id",
	[S_RQ_DECIDE] = "UPDATE erasure_request SET status = ?2, decided_by = ?3, "
	    "decided_ms = ?4, decision = ?5, receipt = ?6 WHERE id = ?1 AND "
	    "status = 0",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_REQUEST, stmt_sql, (id), (r))

int
cxv_store_request_insert(struct cxv_store *st,
    const struct cxv_request_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_RQ_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_int64(s, 3, row->requester);
	db_bind_int64(s, 4, row->filed_ms);
	db_bind_text(s, 5, row->ground);
	db_bind_int64(s, 6, row->status);
	return cxv_store_step_done(s);
}

struct rq_cb {
	cxv_store_request_fn fn;
	void *ctx;
};

static int
request_row(struct db_stmt *s, void *ctx)
{
	struct rq_cb *cb = ctx;
	struct cxv_request_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.requester = db_column_int64(s, 2);
	row.filed_ms = db_column_int64(s, 3);
	row.ground = db_column_text(s, 4);
	row.status = (int)db_column_int64(s, 5);
	row.decided_by = db_column_int64(s, 6);
	row.decided_ms = db_column_int64(s, 7);
	row.decision = db_column_text(s, 8);
	row.receipt = db_column_text(s, 9);
	if (row.ground == NULL || row.decision == NULL || row.receipt == NULL)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_request_get(struct cxv_store *st, int64_t id,
    cxv_store_request_fn fn, void *ctx)
{
	struct rq_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_RQ_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	return cxv_store_one_row(s, request_row, &cb);
}

int
cxv_store_requests(struct cxv_store *st, int status, int64_t requester,
    cxv_store_request_fn fn, void *ctx)
{
	struct rq_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_RQ_LIST, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, status);
	db_bind_int64(s, 2, requester);
	return cxv_store_each_row(s, request_row, &cb);
}

int
cxv_store_request_decide(struct cxv_store *st,
    const struct cxv_request_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_RQ_DECIDE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->status);
	db_bind_int64(s, 3, row->decided_by);
	db_bind_int64(s, 4, row->decided_ms);
	db_bind_text(s, 5, row->decision);
	db_bind_text(s, 6, row->receipt);
	return cxv_store_step_one_change(st, s);
}
