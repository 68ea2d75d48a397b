/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users in the store (store.h): internal accounts' records, their logon
 * index, and anonymizing one (R6.2).
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_US_LOGON_SET, S_US_INSERT, S_US_GET, S_US_BY_LOGON,
	S_US_BY_SUBJECT, S_US_ALL, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_US_LOGON_SET] = "UPDATE user_account SET logon_bidx = ?2 WHERE "
	    "subject_id = ?1",
	[S_US_INSERT] = "INSERT INTO user_account (id, subject_id, logon_bidx, "
	    "kind, status, created_ms, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_US_GET] = "SELECT id, subject_id, kind, status, created_ms, sealed "
	    "FROM user_account WHERE id = ?1",
	[S_US_BY_LOGON] = "SELECT id, subject_id, kind, status, created_ms, "
	    "sealed FROM user_account WHERE logon_bidx = ?1",
	[S_US_BY_SUBJECT] = "SELECT id, subject_id, kind, status, created_ms, "
	    "sealed FROM user_account WHERE subject_id = ?1",
	[S_US_ALL] = "SELECT id, subject_id, kind, status, created_ms, sealed "
	    "FROM user_account ORDER BY created_ms, id",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_USER, stmt_sql, (id), (r))

int
cxv_store_user_set_logon(struct cxv_store *st, int64_t subject_id,
    const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_US_LOGON_SET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_blob(s, 2, bidx, 32);
	return cxv_store_step_done(s);
}

int
cxv_store_user_insert(struct cxv_store *st, const struct cxv_user_row *row,
    const uint8_t logon_bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_US_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_blob(s, 3, logon_bidx, 32);
	db_bind_int64(s, 4, row->kind);
	db_bind_int64(s, 5, row->status);
	db_bind_int64(s, 6, row->created_ms);
	db_bind_blob(s, 7, row->sealed, row->sealed_len);
	return cxv_store_step_done(s);
}

struct us_cb {
	cxv_store_user_fn fn;
	void *ctx;
};

static int
user_row(struct db_stmt *s, void *ctx)
{
	struct us_cb *cb = ctx;
	struct cxv_user_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.kind = (int)db_column_int64(s, 2);
	row.status = (int)db_column_int64(s, 3);
	row.created_ms = db_column_int64(s, 4);
	row.sealed = db_column_blob(s, 5);
	row.sealed_len = (size_t)db_column_bytes(s, 5);
	return cb->fn != NULL ? cb->fn(cb->ctx, &row) : CXV_OK;
}

/* Users selected by one key (id, logon index or subject); NOT_FOUND if none. */
static int
users_by(struct cxv_store *st, enum stmt_id id, int64_t key,
    const uint8_t *bidx, cxv_store_user_fn fn, void *ctx)
{
	struct us_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, id, &r)) == NULL)
		return r;
	if (bidx != NULL)
		db_bind_blob(s, 1, bidx, 32);
	else
		db_bind_int64(s, 1, key);
	return cxv_store_one_row(s, user_row, &cb);
}

int
cxv_store_user_get(struct cxv_store *st, int64_t id, cxv_store_user_fn fn,
    void *ctx)
{
	return users_by(st, S_US_GET, id, NULL, fn, ctx);
}

int
cxv_store_user_by_logon(struct cxv_store *st, const uint8_t bidx[32],
    cxv_store_user_fn fn, void *ctx)
{
	return users_by(st, S_US_BY_LOGON, 0, bidx, fn, ctx);
}

int
cxv_store_user_by_subject(struct cxv_store *st, int64_t subject_id,
    cxv_store_user_fn fn, void *ctx)
{
	return users_by(st, S_US_BY_SUBJECT, subject_id, NULL, fn, ctx);
}

int
cxv_store_user_all(struct cxv_store *st, cxv_store_user_fn fn, void *ctx)
{
	struct us_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_US_ALL, &r)) == NULL)
		return r;
	return cxv_store_each_row(s, user_row, &cb);
}

/*
 * Whether the person of user id holds records beyond the account (a
 * customer's calls, list entries, charges, another agent's call log,
 * another account): ?1 the subject, ?2 the user.
 */
static const char beyond_sql[] =
    "SELECT 1 FROM interaction WHERE subject_id = ?1 "
    "UNION ALL SELECT 1 FROM interaction_item WHERE subject_id = ?1 "
    "UNION ALL SELECT 1 FROM content WHERE subject_id = ?1 AND "
    "interaction_id <> 0 "
    "UNION ALL SELECT 1 FROM call_log WHERE subject_id = ?1 "
    "UNION ALL SELECT 1 FROM contact WHERE subject_id = ?1 "
    "UNION ALL SELECT 1 FROM campaign_entry WHERE subject_id = ?1 "
    "UNION ALL SELECT 1 FROM campaign_result WHERE subject_id = ?1 "
    "UNION ALL SELECT 1 FROM charge WHERE subject_id = ?1 "
    "UNION ALL SELECT 1 FROM user_account WHERE subject_id = ?1 AND "
    "id <> ?2 LIMIT 1";

int
cxv_store_user_person_beyond(struct cxv_store *st, int64_t user_id,
    int64_t subject_id, int *beyond)
{
	struct db_stmt *s = NULL;
	int rc;

	*beyond = 0;
	if ((rc = db_prepare(cxv_store_db(st), beyond_sql, &s)) != CXV_OK)
		return db_rc(rc);
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, user_id);
	rc = db_step(s);
	db_finalize(s);
	*beyond = rc == DB_ROW;
	return rc == DB_ROW || rc == DB_DONE ? CXV_OK : db_rc(rc);
}

/* What anonymizing a user removes (R6.2); ?1 user id, ?2 its subject. */
static const char *const anonymize_sql[] = {
	"DELETE FROM content WHERE subject_id = ?2 AND interaction_id IS NULL",
	"DELETE FROM credential WHERE user_id = ?1",
	"DELETE FROM password_history WHERE user_id = ?1",
	"DELETE FROM session WHERE user_id = ?1",
	"DELETE FROM call_log WHERE user_id = ?1",
	"DELETE FROM contact WHERE owner_user_id = ?1",
};

int
cxv_store_user_anonymize(struct cxv_store *st, int64_t user_id,
    int64_t subject_id, const uint8_t logon_bidx[32], const uint8_t *sealed,
    size_t len, cxv_store_file_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	size_t i;
	int rc, r;

	/*
	 * The user's own content files (no interaction: NULL, as the insert
	 * leaves it), named before their rows go.
	 */
	if ((rc = db_prepare(cxv_store_db(st), "SELECT file, size FROM content "
	    "WHERE subject_id = ?1 AND interaction_id IS NULL UNION ALL SELECT "
	    "original, original_size FROM content WHERE subject_id = ?1 AND "
	    "interaction_id IS NULL AND original IS NOT NULL", &s)) != CXV_OK)
		return db_rc(rc);
	db_bind_int64(s, 1, subject_id);
	r = CXV_OK;
	while (r == CXV_OK && (rc = db_step(s)) == DB_ROW)
		r = fn(ctx, cxv_store_column_text(s, 0), db_column_int64(s, 1));
	if (r == CXV_OK && rc != DB_DONE)
		r = db_rc(rc);
	db_finalize(s);
	for (i = 0; r == CXV_OK && i < sizeof(anonymize_sql) /
	    sizeof(anonymize_sql[0]); i++) {
		if ((rc = db_prepare(cxv_store_db(st), anonymize_sql[i], &s)) !=
		    CXV_OK)
			return db_rc(rc);
		db_bind_int64(s, 1, user_id);
		db_bind_int64(s, 2, subject_id);
		r = cxv_store_step_done(s);
		db_finalize(s);
	}
	if (r != CXV_OK || (r = cxv_store_user_set_logon(st, subject_id,
	    logon_bidx)) != CXV_OK || (r = cxv_store_sealed_update(st,
	    CXV_SEALED_USER, user_id, subject_id, sealed, len)) != CXV_OK)
		return r;
	if ((rc = db_prepare(cxv_store_db(st), "UPDATE user_account SET status = "
	    "1 WHERE id = ?1", &s)) != CXV_OK)
		return db_rc(rc);
	db_bind_int64(s, 1, user_id);
	r = cxv_store_step_done(s);
	db_finalize(s);
	return r;
}
