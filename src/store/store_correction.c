/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Corrections end users ask for, in the store (store.h): filed, listed,
 * decided; the sealed values go with the decision.
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_CR_INSERT, S_CR_GET, S_CR_LIST, S_CR_DECIDE, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

#define COLUMNS	"id, subject_id, requester, filed_ms, kind, status, " \
		"decided_by, decided_ms, decision, sealed"

static const char *const stmt_sql[S__COUNT] = {
	[S_CR_INSERT] = "INSERT INTO correction (" COLUMNS ") VALUES (?1, ?2, "
	    "?3, ?4, ?5, 0, 0, 0, '', ?6)",
	[S_CR_GET] = "SELECT " COLUMNS " FROM correction WHERE id = ?1",
	[S_CR_LIST] = "SELECT " COLUMNS " FROM correction WHERE "
	    "(CAST(?1 AS BIGINT) < 0 OR status = ?1) AND "
	    "(CAST(?2 AS BIGINT) = 0 OR requester = ?2) ORDER BY filed_ms, id",
	[S_CR_DECIDE] = "UPDATE correction SET status = ?2, decided_by = ?3, "
	    "decided_ms = ?4, decision = ?5, sealed = NULL WHERE id = ?1 AND "
	    "status = 0",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_CORRECTION, stmt_sql, (id), (r))

int
cxv_store_correction_insert(struct cxv_store *st,
    const struct cxv_correction_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CR_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_int64(s, 3, row->requester);
	db_bind_int64(s, 4, row->filed_ms);
	db_bind_int64(s, 5, row->kind);
	db_bind_blob(s, 6, row->sealed, row->sealed_len);
	return cxv_store_step_done(s);
}

struct cr_cb {
	cxv_store_correction_fn fn;
	void *ctx;
};

static int
correction_row(struct db_stmt *s, void *ctx)
{
	struct cr_cb *cb = ctx;
	struct cxv_correction_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.requester = db_column_int64(s, 2);
	row.filed_ms = db_column_int64(s, 3);
	row.kind = (int)db_column_int64(s, 4);
	row.status = (int)db_column_int64(s, 5);
	row.decided_by = db_column_int64(s, 6);
	row.decided_ms = db_column_int64(s, 7);
	row.decision = cxv_store_column_text(s, 8);
	row.sealed = db_column_null(s, 9) ? NULL : db_column_blob(s, 9);
	row.sealed_len = row.sealed != NULL ? db_column_bytes(s, 9) : 0;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_correction_get(struct cxv_store *st, int64_t id,
    cxv_store_correction_fn fn, void *ctx)
{
	struct cr_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CR_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	return cxv_store_one_row(s, correction_row, &cb);
}

int
cxv_store_corrections(struct cxv_store *st, int status, int64_t requester,
    cxv_store_correction_fn fn, void *ctx)
{
	struct cr_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CR_LIST, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, status);
	db_bind_int64(s, 2, requester);
	return cxv_store_each_row(s, correction_row, &cb);
}

int
cxv_store_correction_decide(struct cxv_store *st,
    const struct cxv_correction_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CR_DECIDE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->status);
	db_bind_int64(s, 3, row->decided_by);
	db_bind_int64(s, 4, row->decided_ms);
	db_bind_text(s, 5, row->decision);
	return cxv_store_step_one_change(st, s);
}
