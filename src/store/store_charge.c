/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hospitality call charges in the store (store.h).
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_CH_INSERT, S_CH_BY_ROOM, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_CH_INSERT] = "INSERT INTO charge (id, subject_id, room, ts_ms, "
	    "duration_s, amount_cents, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_CH_BY_ROOM] = "SELECT id, subject_id, room, ts_ms, duration_s, "
	    "amount_cents, sealed FROM charge WHERE room = ?1 AND ts_ms >= ?2 "
	    "AND ts_ms < ?3 ORDER BY ts_ms, id",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_CHARGE, stmt_sql, (id), (r))

int
cxv_store_charge_insert(struct cxv_store *st, const struct cxv_charge_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CH_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_text(s, 3, row->room);
	db_bind_int64(s, 4, row->ts_ms);
	db_bind_int64(s, 5, row->duration_s);
	db_bind_int64(s, 6, row->amount_cents);
	db_bind_blob(s, 7, row->sealed, row->sealed_len);
	return cxv_store_step_done(s);
}

struct ch_cb {
	cxv_store_charge_fn fn;
	void *ctx;
};

static int
charge_row(struct db_stmt *s, void *ctx)
{
	struct ch_cb *cb = ctx;
	struct cxv_charge_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.room = cxv_store_column_text(s, 2);
	row.ts_ms = db_column_int64(s, 3);
	row.duration_s = db_column_int64(s, 4);
	row.amount_cents = db_column_int64(s, 5);
	row.sealed = db_column_blob(s, 6);
	row.sealed_len = (size_t)db_column_bytes(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_charges(struct cxv_store *st, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_store_charge_fn fn, void *ctx)
{
	struct ch_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CH_BY_ROOM, &r)) == NULL)
		return r;
	db_bind_text(s, 1, room);
	db_bind_int64(s, 2, since_ms);
	db_bind_int64(s, 3, until_ms);
	return cxv_store_each_row(s, charge_row, &cb);
}
