/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory contacts and personal contact lists in the store (store.h).
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_CO_INSERT, S_CO_BY_OWNER, S_CO_SHARED, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_CO_INSERT] = "INSERT INTO contact (id, subject_id, owner_user_id, "
	    "created_ms, sealed) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_CO_BY_OWNER] = "SELECT id, subject_id, owner_user_id, created_ms, "
	    "sealed FROM contact WHERE owner_user_id = ?1 ORDER BY created_ms, id",
	[S_CO_SHARED] = "SELECT id, subject_id, owner_user_id, created_ms, "
	    "sealed FROM contact WHERE owner_user_id IS NULL "
	    "ORDER BY created_ms, id",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_CONTACT, stmt_sql, (id), (r))

int
cxv_store_contact_insert(struct cxv_store *st, const struct cxv_contact_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CO_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	if (row->owner_user_id != 0)
		db_bind_int64(s, 3, row->owner_user_id);
	db_bind_int64(s, 4, row->created_ms);
	db_bind_blob(s, 5, row->sealed, row->sealed_len);
	return cxv_store_step_done(s);
}

struct co_cb {
	cxv_store_contact_fn fn;
	void *ctx;
};

static int
contact_row(struct db_stmt *s, void *ctx)
{
	struct co_cb *cb = ctx;
	struct cxv_contact_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.owner_user_id = db_column_int64(s, 2);
	row.created_ms = db_column_int64(s, 3);
	row.sealed = db_column_blob(s, 4);
	row.sealed_len = (size_t)db_column_bytes(s, 4);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_contacts(struct cxv_store *st, int64_t owner_user_id,
    cxv_store_contact_fn fn, void *ctx)
{
	struct co_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, owner_user_id ? S_CO_BY_OWNER : S_CO_SHARED, &r))
	    == NULL)
		return r;
	if (owner_user_id != 0)
		db_bind_int64(s, 1, owner_user_id);
	return cxv_store_each_row(s, contact_row, &cb);
}
