/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Subjects in the store (store.h): their wrapped keys, identifiers (blind
 * indexes with sealed values), hold and restriction flags, and the
 * generic walk over every sealed record of a person (rectify, export,
 * find).
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_SUBJ_FLAGS, S_IDENT_DELETE, S_SUBJ_HOLD, S_SUBJ_RESTRICT,
	S_SUBJ_INSERT, S_SUBJ_GET, S_SUBJ_DELETE, S_SUBJ_COUNT, S_SUBJ_ALL,
	S_SUBJ_REWRAP, S_IDENT_INSERT, S_IDENT_FIND, S_IDENT_HELD,
	S_IDENT_LIST, S_SUBJ_RECORDS, S_TS_ROWS, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_SUBJ_FLAGS] = "SELECT hold, restricted FROM subject WHERE id = ?1",
	[S_IDENT_DELETE] = "DELETE FROM subject_ident WHERE subject_id = ?1 AND "
	    "kind = ?2 AND bidx = ?3",
	[S_SUBJ_HOLD] = "UPDATE subject SET hold = ?2 WHERE id = ?1",
	[S_SUBJ_RESTRICT] = "UPDATE subject SET restricted = ?2 WHERE id = ?1",
	[S_SUBJ_INSERT] = "INSERT INTO subject (id, wrapped_key, created_ms) "
	    "VALUES (?1, ?2, ?3)",
	[S_SUBJ_GET] = "SELECT wrapped_key, created_ms FROM subject WHERE id = ?1",
	[S_SUBJ_DELETE] = "DELETE FROM subject WHERE id = ?1",
	[S_SUBJ_COUNT] = "SELECT count(*) FROM subject WHERE id != 1",
	[S_SUBJ_ALL] = "SELECT id, wrapped_key FROM subject ORDER BY id",
	[S_SUBJ_REWRAP] = "UPDATE subject SET wrapped_key = ?2 WHERE id = ?1",
	[S_IDENT_INSERT] = "INSERT INTO subject_ident "
	    "(subject_id, kind, bidx, sealed) VALUES (?1, ?2, ?3, ?4)",
	[S_IDENT_FIND] = "SELECT DISTINCT subject_id FROM subject_ident "
	    "WHERE bidx = ?1 AND kind = ?2 ORDER BY subject_id",
	[S_IDENT_HELD] = "SELECT 1 FROM subject_ident WHERE subject_id = ?1 "
	    "AND kind = ?2 AND bidx = ?3",
	[S_IDENT_LIST] = "SELECT kind, bidx, sealed FROM subject_ident "
	    "WHERE subject_id = ?1 ORDER BY seq",
	[S_SUBJ_RECORDS] =
	    "SELECT 'interaction', id, started_ms, media FROM interaction "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'data_item', i.id, i.created_ms, a.media FROM "
	    "interaction_item i JOIN interaction a ON a.id = i.interaction_id "
	    "WHERE i.subject_id = ?1 "
	    "UNION ALL SELECT 'content', c.id, c.created_ms, a.media FROM "
	    "content c LEFT JOIN interaction a ON a.id = c.interaction_id "
	    "WHERE c.subject_id = ?1 "
	    "UNION ALL SELECT 'user', id, created_ms, NULL FROM user_account "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'call_log', id, ts_ms, NULL FROM call_log "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'contact', id, created_ms, NULL FROM contact "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'campaign_entry', id, created_ms, NULL FROM "
	    "campaign_entry WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'campaign_result', id, ts_ms, NULL FROM "
	    "campaign_result WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'charge', id, ts_ms, NULL FROM charge "
	    "WHERE subject_id = ?1 ORDER BY 3, 2",
	[S_TS_ROWS] = "SELECT id, ts_ms FROM traffic_stat WHERE number_ps = ?1 "
	    "ORDER BY ts_ms, id",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_SUBJECT, stmt_sql, (id), (r))

int
cxv_store_subject_insert(struct cxv_store *st, int64_t id,
    const uint8_t *wrapped, size_t len, int64_t created_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_SUBJ_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	db_bind_blob(s, 2, wrapped, len);
	db_bind_int64(s, 3, created_ms);
	/* Held rows may refer to it: it goes before them. */
	if ((r = cxv_store_step_piped(st, s, DB_PIPE_PARENT)) == CXV_OK)
		cxv_store_memo_key_add(st, id, wrapped, len, created_ms);
	return r;
}

int
cxv_store_subject_get(struct cxv_store *st, int64_t id, uint8_t *wrapped,
    size_t cap, size_t *len, int64_t *created_ms)
{
	struct db_stmt *s;
	int r;

	*len = 0;
	if (cxv_store_memo_key(st, id, wrapped, cap, len, created_ms))
		return CXV_OK;
	if ((s = STMT(st, S_SUBJ_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = cxv_store_step_row(s)) == CXV_OK) {
		r = cxv_store_column_blob(s, 0, wrapped, cap, len);
		*created_ms = db_column_int64(s, 1);
	}
	db_reset(s);
	return r;
}

int
cxv_store_subject_delete(struct cxv_store *st, int64_t id)
{
	struct db *d = cxv_store_db(st);
	struct db_stmt *s;
	int r;

	cxv_store_memo_forget(st, 0);
	if ((s = STMT(st, S_SUBJ_DELETE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = cxv_store_step_done(s)) != CXV_OK)
		return r;
	if (db_changes(d) != 1)
		return CXV_ERR_NOT_FOUND;
	/* The deleted row's bytes stay in the files until a rewrite. */
	return d->ops->doom != NULL ? d->ops->doom(d, id) : CXV_OK;
}

int
cxv_store_subject_count(struct cxv_store *st, int64_t *n)
{
	return cxv_store_count(st, STORE_PART_SUBJECT, stmt_sql,
	    S_SUBJ_COUNT, n);
}

struct rewrap {
	struct cxv_store *st;
	cxv_store_rewrap_fn fn;
	void *ctx;
};

static int
rewrap_row(struct db_stmt *all, void *ctx)
{
	struct rewrap *rw = ctx;
	uint8_t in[128], out[128];
	size_t inlen = 0, outlen = 0;
	struct db_stmt *up;
	int64_t id = db_column_int64(all, 0);
	int r;

	if ((r = cxv_store_column_blob(all, 1, in, sizeof(in), &inlen)) !=
	    CXV_OK ||
	    (r = rw->fn(rw->ctx, id, in, inlen, out, sizeof(out), &outlen))
	    != CXV_OK || (up = STMT(rw->st, S_SUBJ_REWRAP, &r)) == NULL)
		return r;
	db_bind_int64(up, 1, id);
	db_bind_blob(up, 2, out, outlen);
	return cxv_store_step_done(up);
}

int
cxv_store_subject_rewrap(struct cxv_store *st, cxv_store_rewrap_fn fn, void *ctx)
{
	struct rewrap rw = { st, fn, ctx };
	struct db_stmt *all;
	int r;

	if ((all = STMT(st, S_SUBJ_ALL, &r)) == NULL)
		return r;
	/* Updating a non-indexed column while scanning is safe in SQLite. */
	return cxv_store_each_row(all, rewrap_row, &rw);
}

int
cxv_store_ident_insert(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32], const uint8_t *sealed, size_t len)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IDENT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, kind);
	db_bind_blob(s, 3, bidx, 32);
	db_bind_blob(s, 4, sealed, len);
	if ((r = cxv_store_step_piped(st, s, DB_PIPE_HELD)) == CXV_OK)
		cxv_store_memo_ident_add(st, subject_id, kind, bidx);
	return r;
}

int
cxv_store_ident_held(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	if (cxv_store_memo_ident_held(st, subject_id, kind, bidx, &r))
		return r;
	if ((s = STMT(st, S_IDENT_HELD, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, kind);
	db_bind_blob(s, 3, bidx, 32);
	r = cxv_store_step_row(s);
	db_reset(s);
	return r;
}

int
cxv_store_ident_delete(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	cxv_store_memo_forget(st, 0);
	if ((s = STMT(st, S_IDENT_DELETE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, kind);
	db_bind_blob(s, 3, bidx, 32);
	return cxv_store_step_one_change(st, s);
}

struct id_cb {
	cxv_store_id_fn fn;
	void *ctx;
};

static int
id_row(struct db_stmt *s, void *ctx)
{
	struct id_cb *cb = ctx;

	return cb->fn(cb->ctx, db_column_int64(s, 0));
}

int
cxv_store_ident_find(struct cxv_store *st, int kind, const uint8_t bidx[32],
    cxv_store_id_fn fn, void *ctx)
{
	struct id_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if (cxv_store_memo_ident_find(st, kind, bidx, fn, ctx, &r))
		return r;
	if ((s = STMT(st, S_IDENT_FIND, &r)) == NULL)
		return r;
	db_bind_blob(s, 1, bidx, 32);
	db_bind_int64(s, 2, kind);
	return cxv_store_each_row(s, id_row, &cb);
}

struct ident_cb {
	cxv_store_ident_fn fn;
	void *ctx;
};

static int
ident_row(struct db_stmt *s, void *ctx)
{
	struct ident_cb *cb = ctx;

	if (db_column_bytes(s, 1) != 32)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, (int)db_column_int64(s, 0),
	    db_column_blob(s, 1), db_column_blob(s, 2),
	    (size_t)db_column_bytes(s, 2));
}

int
cxv_store_ident_list(struct cxv_store *st, int64_t subject_id,
    cxv_store_ident_fn fn, void *ctx)
{
	struct ident_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_IDENT_LIST, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return cxv_store_each_row(s, ident_row, &cb);
}

int
cxv_store_subject_flags(struct cxv_store *st, int64_t id, int *hold,
    int *restricted)
{
	struct db_stmt *s;
	int r;

	*hold = *restricted = 0;
	if ((s = STMT(st, S_SUBJ_FLAGS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = cxv_store_step_row(s)) == CXV_OK) {
		*hold = (int)db_column_int64(s, 0);
		*restricted = (int)db_column_int64(s, 1);
	}
	db_reset(s);
	return r;
}

int
cxv_store_subject_flag_set(struct cxv_store *st, int64_t id, int restricted,
    int on)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, restricted ? S_SUBJ_RESTRICT : S_SUBJ_HOLD, &r)) ==
	    NULL)
		return r;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, on != 0);
	return cxv_store_step_one_change(st, s);
}

/* Every table holding sealed records of a subject, and their AD prefix. */
static const struct {
	const char *store, *ad, *select, *update;
} sealed_tables[CXV_SEALED__COUNT] = {
	[CXV_SEALED_INTERACTION] = { "interaction", "interaction",
	    "SELECT id, started_ms, sealed FROM interaction WHERE subject_id = ?1 "
	    "ORDER BY started_ms, id",
	    "UPDATE interaction SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_ITEM] = { "data_item", "item",
	    "SELECT id, created_ms, sealed FROM interaction_item WHERE "
	    "subject_id = ?1 ORDER BY created_ms, id",
	    "UPDATE interaction_item SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_USER] = { "user", "user",
	    "SELECT id, created_ms, sealed FROM user_account WHERE "
	    "subject_id = ?1 ORDER BY id",
	    "UPDATE user_account SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CALL_LOG] = { "call_log", "call_log",
	    "SELECT id, ts_ms, sealed FROM call_log WHERE subject_id = ?1 "
	    "ORDER BY ts_ms, id",
	    "UPDATE call_log SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CONTACT] = { "contact", "contact",
	    "SELECT id, created_ms, sealed FROM contact WHERE subject_id = ?1 "
	    "ORDER BY id",
	    "UPDATE contact SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CAMPAIGN_ENTRY] = { "campaign_entry", "campaign_entry",
	    "SELECT id, created_ms, sealed FROM campaign_entry WHERE "
	    "subject_id = ?1 ORDER BY id",
	    "UPDATE campaign_entry SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CAMPAIGN_RESULT] = { "campaign_result", "campaign_result",
	    "SELECT id, ts_ms, sealed FROM campaign_result WHERE "
	    "subject_id = ?1 ORDER BY ts_ms, id",
	    "UPDATE campaign_result SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CHARGE] = { "charge", "charge",
	    "SELECT id, ts_ms, sealed FROM charge WHERE subject_id = ?1 "
	    "ORDER BY ts_ms, id",
	    "UPDATE charge SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	/* Pending ones only: a decided correction holds no values. */
	[CXV_SEALED_CORRECTION] = { "correction", "correction",
	    "SELECT id, filed_ms, sealed FROM correction WHERE subject_id = ?1 "
	    "AND sealed IS NOT NULL ORDER BY filed_ms, id",
	    "UPDATE correction SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
};

const char *
cxv_store_sealed_name(int table)
{
	return table >= 0 && table < CXV_SEALED__COUNT ?
	    sealed_tables[table].store : NULL;
}

int
cxv_store_sealed_each(struct cxv_store *st, int64_t subject_id,
    cxv_store_sealed_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int t, rc, r = CXV_OK;

	for (t = 0; t < CXV_SEALED__COUNT && r == CXV_OK; t++) {
		rc = db_prepare(cxv_store_db(st), sealed_tables[t].select, &s);
		if (rc != CXV_OK)
			return db_rc(rc);
		db_bind_int64(s, 1, subject_id);
		while (r == CXV_OK && (rc = db_step(s)) == DB_ROW)
			r = fn(ctx, t, sealed_tables[t].ad,
			    db_column_int64(s, 0), db_column_int64(s, 1),
			    db_column_blob(s, 2),
			    (size_t)db_column_bytes(s, 2));
		if (r == CXV_OK && rc != DB_DONE)
			r = db_rc(rc);
		db_finalize(s);
	}
	return r;
}

int
cxv_store_sealed_update(struct cxv_store *st, int table, int64_t id,
    int64_t subject_id, const uint8_t *sealed, size_t len)
{
	struct db_stmt *s = NULL;
	int rc, r;

	if (table < 0 || table >= CXV_SEALED__COUNT)
		return CXV_ERR_INVALID;
	if ((rc = db_prepare(cxv_store_db(st), sealed_tables[table].update,
	    &s)) != CXV_OK)
		return db_rc(rc);
	db_bind_int64(s, 1, id);
	db_bind_blob(s, 2, sealed, len);
	db_bind_int64(s, 3, subject_id);
	r = cxv_store_step_one_change(st, s);
	db_finalize(s);
	return r;
}

struct rec_cb {
	cxv_store_record_fn fn;
	void *ctx;
};

static int
record_row(struct db_stmt *s, void *ctx)
{
	struct rec_cb *cb = ctx;
	struct cxv_record_ref ref;

	ref.store = cxv_store_column_text(s, 0);
	ref.id = db_column_int64(s, 1);
	ref.ts_ms = db_column_int64(s, 2);
	ref.media = db_column_null(s, 3) ? -1 :
	    (int)db_column_int64(s, 3);
	return cb->fn(cb->ctx, &ref);
}

static int
stat_row(struct db_stmt *s, void *ctx)
{
	struct rec_cb *cb = ctx;
	struct cxv_record_ref ref = { "statistics", db_column_int64(s, 0),
	    db_column_int64(s, 1), -1 };

	return cb->fn(cb->ctx, &ref);
}

int
cxv_store_stat_rows(struct cxv_store *st, const char *number_ps,
    cxv_store_record_fn fn, void *ctx)
{
	struct rec_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_TS_ROWS, &r)) == NULL)
		return r;
	db_bind_text(s, 1, number_ps);
	return cxv_store_each_row(s, stat_row, &cb);
}

int
cxv_store_subject_records(struct cxv_store *st, int64_t subject_id,
    cxv_store_record_fn fn, void *ctx)
{
	struct rec_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_SUBJ_RECORDS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return cxv_store_each_row(s, record_row, &cb);
}
