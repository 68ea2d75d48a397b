/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Content in the store (store.h): the rows naming sealed recordings,
 * voicemail and transcripts under DIR/content.
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_CT_BY_SUBJECT, S_CT_BY_IA, S_CT_INSERT, S_CT_GET, S_CT_UNCHECKED,
	S_CT_REMASK, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

#define CT_COLS	"id, subject_id, interaction_id, kind, file, size, " \
	"created_ms, masking, original, original_size"

static const char *const stmt_sql[S__COUNT] = {
	[S_CT_BY_SUBJECT] = "SELECT " CT_COLS " FROM content "
	    "WHERE subject_id = ?1 ORDER BY id",
	[S_CT_BY_IA] = "SELECT " CT_COLS " FROM content "
	    "WHERE interaction_id = ?1 ORDER BY id",
	[S_CT_INSERT] = "INSERT INTO content (" CT_COLS ") VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_CT_GET] = "SELECT " CT_COLS " FROM content WHERE id = ?1",
	[S_CT_UNCHECKED] = "SELECT " CT_COLS " FROM content "
	    "WHERE masking IS NULL AND created_ms >= ?1 AND id > ?2 "
	    "ORDER BY id LIMIT 1",
	[S_CT_REMASK] = "UPDATE content SET file = ?2, size = ?3, "
	    "masking = ?4, original = ?6, original_size = ?7 "
	    "WHERE id = ?1 AND file = ?5",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_CONTENT, stmt_sql, (id), (r))

int
cxv_store_content_insert(struct cxv_store *st, const struct cxv_content_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	if (row->interaction_id != 0)
		db_bind_int64(s, 3, row->interaction_id);
	db_bind_int64(s, 4, row->kind);
	db_bind_text(s, 5, row->file);
	db_bind_int64(s, 6, row->size);
	db_bind_int64(s, 7, row->created_ms);
	if (row->masking != NULL)
		db_bind_text(s, 8, row->masking);
	if (row->original != NULL) {
		db_bind_text(s, 9, row->original);
		db_bind_int64(s, 10, row->original_size);
	}
	return cxv_store_step_done(s);
}

struct ct_cb {
	cxv_store_content_fn fn;
	void *ctx;
};

static int
content_row(struct db_stmt *s, void *ctx)
{
	struct ct_cb *cb = ctx;
	struct cxv_content_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.interaction_id = db_column_int64(s, 2);
	row.kind = (int)db_column_int64(s, 3);
	row.file = cxv_store_column_text(s, 4);
	row.size = db_column_int64(s, 5);
	row.created_ms = db_column_int64(s, 6);
	row.masking = db_column_text(s, 7);	/* NULL stays NULL */
	row.original = db_column_text(s, 8);
	row.original_size = db_column_int64(s, 9);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_content_by_subject(struct cxv_store *st, int64_t subject_id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CT_BY_SUBJECT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return cxv_store_each_row(s, content_row, &cb);
}

int
cxv_store_content_by_interaction(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CT_BY_IA, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	return cxv_store_each_row(s, content_row, &cb);
}

int
cxv_store_content_get(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CT_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		r = content_row(s, &cb);
	db_reset(s);
	return r;
}

int
cxv_store_content_unchecked(struct cxv_store *st, int64_t since_ms,
    int64_t after_id, cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CT_UNCHECKED, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, since_ms);
	db_bind_int64(s, 2, after_id);
	return cxv_store_each_row(s, content_row, &cb);
}

int
cxv_store_content_remask(struct cxv_store *st,
    const struct cxv_content_row *row, const char *old_file)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CT_REMASK, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_text(s, 2, row->file);
	db_bind_int64(s, 3, row->size);
	if (row->masking != NULL)
		db_bind_text(s, 4, row->masking);
	db_bind_text(s, 5, old_file);
	if (row->original != NULL) {
		db_bind_text(s, 6, row->original);
		db_bind_int64(s, 7, row->original_size);
	}
	return cxv_store_step_one_change(st, s);
}
