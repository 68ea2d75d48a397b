/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Accounts in the store (store.h): profiles, credentials with their
 * failure counters and locks, failures of unknown names, password
 * history, sessions and API tokens.
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_PR_INSERT, S_PR_UPDATE, S_PR_DELETE, S_PR_GET, S_PR_BY_NAME,
	S_PR_ALL, S_PR_USERS, S_CRED_PUT, S_CRED_GET, S_CRED_FAIL,
	S_CRED_LOCK, S_CRED_CLEAR, S_LF_GET, S_LF_ADD, S_LF_LOCK, S_PH_LIST,
	S_PH_INSERT, S_PH_TRIM, S_SE_INSERT, S_SE_GET, S_SE_TOUCH,
	S_SE_DELETE, S_SE_LIVE, S_SE_DELETE_USER, S_SE_EXPIRE, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	[S_PR_INSERT] = "INSERT INTO profile (id, name, perms) VALUES (?1, ?2, ?3)",
	[S_PR_UPDATE] = "UPDATE profile SET name = ?2, perms = ?3 WHERE id = ?1",
	[S_PR_DELETE] = "DELETE FROM profile WHERE id = ?1",
	[S_PR_GET] = "SELECT id, name, perms FROM profile WHERE id = ?1",
	[S_PR_BY_NAME] = "SELECT id, name, perms FROM profile WHERE name = ?1",
	[S_PR_ALL] = "SELECT id, name, perms FROM profile ORDER BY id",
	[S_PR_USERS] = "SELECT count(*) FROM credential WHERE profile_id = ?1",
	[S_CRED_PUT] = "INSERT INTO credential (user_id, profile_id, pw_hash, "
	    "pw_changed_ms, pin_hash, must_change, failures, locked_until_ms) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (user_id) DO "
	    "UPDATE SET profile_id = excluded.profile_id, pw_hash = "
	    "excluded.pw_hash, pw_changed_ms = excluded.pw_changed_ms, "
	    "pin_hash = excluded.pin_hash, must_change = excluded.must_change, "
	    "failures = excluded.failures, locked_until_ms = "
	    "excluded.locked_until_ms",
	[S_CRED_GET] = "SELECT user_id, profile_id, pw_hash, pw_changed_ms, "
	    "pin_hash, must_change, failures, locked_until_ms FROM credential "
	    "WHERE user_id = ?1",
	[S_CRED_FAIL] = "UPDATE credential SET failures = failures + 1 "
	    "WHERE user_id = ?1 RETURNING failures",
	[S_CRED_LOCK] = "UPDATE credential SET failures = 0, "
	    "locked_until_ms = ?2 WHERE user_id = ?1",
	[S_CRED_CLEAR] = "UPDATE credential SET failures = 0, "
	    "locked_until_ms = 0 WHERE user_id = ?1",
	[S_LF_GET] = "SELECT locked_until_ms FROM login_failure WHERE bidx = ?1",
	[S_LF_ADD] = "INSERT INTO login_failure (bidx, failures, "
	    "locked_until_ms) VALUES (?1, 1, 0) ON CONFLICT (bidx) DO UPDATE "
	    "SET failures = login_failure.failures + 1 RETURNING failures",
	[S_LF_LOCK] = "UPDATE login_failure SET failures = 0, "
	    "locked_until_ms = ?2 WHERE bidx = ?1",
	[S_PH_LIST] = "SELECT hash FROM password_history WHERE user_id = ?1 "
	    "ORDER BY changed_ms DESC, rowid DESC LIMIT ?2",
	[S_PH_INSERT] = "INSERT INTO password_history (user_id, hash, "
	    "changed_ms) VALUES (?1, ?2, ?3)",
	[S_PH_TRIM] = "DELETE FROM password_history WHERE user_id = ?1 AND "
	    "rowid NOT IN (SELECT rowid FROM password_history WHERE "
	    "user_id = ?1 ORDER BY changed_ms DESC, rowid DESC LIMIT ?2)",
	[S_SE_INSERT] = "INSERT INTO session (token_hash, user_id, kind, scope, "
	    "created_ms, last_ms, expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_SE_GET] = "SELECT token_hash, user_id, kind, scope, created_ms, "
	    "last_ms, expires_ms FROM session WHERE token_hash = ?1",
	[S_SE_TOUCH] = "UPDATE session SET last_ms = ?2 WHERE token_hash = ?1",
	[S_SE_DELETE] = "DELETE FROM session WHERE token_hash = ?1",
	[S_SE_LIVE] = "SELECT token_hash, user_id, kind, scope, created_ms, "
	    "last_ms, expires_ms FROM session WHERE user_id = ?1 AND kind = ?2 "
	    "AND expires_ms > ?3 ORDER BY created_ms",
	[S_SE_DELETE_USER] = "DELETE FROM session WHERE user_id = ?1",
	[S_SE_EXPIRE] = "DELETE FROM session WHERE expires_ms <= ?1",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_ACCOUNT, stmt_sql, (id), (r))

static int
bind_profile(struct cxv_store *st, enum stmt_id id,
    const struct cxv_profile_row *row, struct db_stmt **out)
{
	int r;

	if ((*out = STMT(st, id, &r)) == NULL)
		return r;
	db_bind_int64(*out, 1, row->id);
	db_bind_text(*out, 2, row->name);
	db_bind_int64(*out, 3, (int64_t)row->perms);
	return CXV_OK;
}

int
cxv_store_profile_insert(struct cxv_store *st,
    const struct cxv_profile_row *row)
{
	struct db_stmt *s;
	int r;

	if ((r = bind_profile(st, S_PR_INSERT, row, &s)) != CXV_OK)
		return r;
	return cxv_store_step_done(s);
}

int
cxv_store_profile_update(struct cxv_store *st,
    const struct cxv_profile_row *row)
{
	struct db_stmt *s;
	int r;

	if ((r = bind_profile(st, S_PR_UPDATE, row, &s)) != CXV_OK)
		return r;
	return cxv_store_step_one_change(st, s);
}

int
cxv_store_profile_delete(struct cxv_store *st, int64_t id)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_PR_DELETE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	return cxv_store_step_one_change(st, s);
}

struct pr_cb {
	cxv_store_profile_fn fn;
	void *ctx;
};

static int
profile_row(struct db_stmt *s, void *ctx)
{
	struct pr_cb *cb = ctx;
	struct cxv_profile_row row;

	row.id = db_column_int64(s, 0);
	row.name = db_column_text(s, 1);
	row.perms = (uint64_t)db_column_int64(s, 2);
	if (row.name == NULL)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_profile_get(struct cxv_store *st, int64_t id, const char *name,
    cxv_store_profile_fn fn, void *ctx)
{
	struct pr_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, name != NULL ? S_PR_BY_NAME : S_PR_GET, &r)) == NULL)
		return r;
	if (name != NULL)
		db_bind_text(s, 1, name);
	else
		db_bind_int64(s, 1, id);
	return cxv_store_one_row(s, profile_row, &cb);
}

int
cxv_store_profile_all(struct cxv_store *st, cxv_store_profile_fn fn, void *ctx)
{
	struct pr_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_PR_ALL, &r)) == NULL)
		return r;
	return cxv_store_each_row(s, profile_row, &cb);
}

int
cxv_store_profile_users(struct cxv_store *st, int64_t id, int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = STMT(st, S_PR_USERS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		*n = db_column_int64(s, 0);
	db_reset(s);
	return r;
}

int
cxv_store_credential_put(struct cxv_store *st,
    const struct cxv_credential_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CRED_PUT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->user_id);
	db_bind_int64(s, 2, row->profile_id);
	db_bind_text(s, 3, row->pw_hash);
	db_bind_int64(s, 4, row->pw_changed_ms);
	db_bind_text(s, 5, row->pin_hash);
	db_bind_int64(s, 6, row->must_change);
	db_bind_int64(s, 7, row->failures);
	db_bind_int64(s, 8, row->locked_until_ms);
	return cxv_store_step_done(s);
}

struct cred_cb {
	cxv_store_credential_fn fn;
	void *ctx;
};

static int
credential_row(struct db_stmt *s, void *ctx)
{
	struct cred_cb *cb = ctx;
	struct cxv_credential_row row;

	row.user_id = db_column_int64(s, 0);
	row.profile_id = db_column_int64(s, 1);
	row.pw_hash = db_column_text(s, 2);
	row.pw_changed_ms = db_column_int64(s, 3);
	row.pin_hash = db_column_text(s, 4);
	row.must_change = (int)db_column_int64(s, 5);
	row.failures = (int)db_column_int64(s, 6);
	row.locked_until_ms = db_column_int64(s, 7);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_credential_get(struct cxv_store *st, int64_t user_id,
    cxv_store_credential_fn fn, void *ctx)
{
	struct cred_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CRED_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	return cxv_store_one_row(s, credential_row, &cb);
}

/*
 * Run a "count one more failure ... RETURNING failures" statement s
 * (bound), then, at limit, lock with statement lock(?1 key, ?2 until).
 */
static int
count_failure(struct cxv_store *st, struct db_stmt *s, enum stmt_id lock,
    void (*bind_key)(struct db_stmt *, const void *), const void *key,
    int limit, int64_t until, int *locked)
{
	int64_t failures = 0;
	int r;

	*locked = 0;
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		failures = db_column_int64(s, 0);
	db_reset(s);
	if (r != CXV_OK || failures < limit)
		return r;
	if ((s = STMT(st, lock, &r)) == NULL)
		return r;
	bind_key(s, key);
	db_bind_int64(s, 2, until);
	*locked = 1;
	return cxv_store_step_done(s);
}

static void
bind_user(struct db_stmt *s, const void *key)
{
	db_bind_int64(s, 1, *(const int64_t *)key);
}

static void
bind_bidx(struct db_stmt *s, const void *key)
{
	db_bind_blob(s, 1, key, 32);
}

int
cxv_store_credential_fail(struct cxv_store *st, int64_t user_id, int limit,
    int64_t locked_until_ms, int *locked)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CRED_FAIL, &r)) == NULL)
		return r;
	bind_user(s, &user_id);
	return count_failure(st, s, S_CRED_LOCK, bind_user, &user_id, limit,
	    locked_until_ms, locked);
}

int
cxv_store_credential_clear(struct cxv_store *st, int64_t user_id)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_CRED_CLEAR, &r)) == NULL)
		return r;
	bind_user(s, &user_id);
	return cxv_store_step_done(s);
}

int
cxv_store_login_failure_get(struct cxv_store *st, const uint8_t bidx[32],
    int64_t *locked_until_ms)
{
	struct db_stmt *s;
	int r;

	*locked_until_ms = 0;
	if ((s = STMT(st, S_LF_GET, &r)) == NULL)
		return r;
	bind_bidx(s, bidx);
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		*locked_until_ms = db_column_int64(s, 0);
	db_reset(s);
	return r == CXV_ERR_NOT_FOUND ? CXV_OK : r;
}

int
cxv_store_login_failure_add(struct cxv_store *st, const uint8_t bidx[32],
    int limit, int64_t locked_until_ms, int *locked)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_LF_ADD, &r)) == NULL)
		return r;
	bind_bidx(s, bidx);
	return count_failure(st, s, S_LF_LOCK, bind_bidx, bidx, limit,
	    locked_until_ms, locked);
}

struct text_cb {
	cxv_store_text_fn fn;
	void *ctx;
};

static int
text_row(struct db_stmt *s, void *ctx)
{
	struct text_cb *cb = ctx;
	const char *t = db_column_text(s, 0);

	return t != NULL ? cb->fn(cb->ctx, t) : CXV_ERR_CORRUPT;
}

int
cxv_store_password_history(struct cxv_store *st, int64_t user_id, int n,
    cxv_store_text_fn fn, void *ctx)
{
	struct text_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_PH_LIST, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, n);
	return cxv_store_each_row(s, text_row, &cb);
}

int
cxv_store_password_history_add(struct cxv_store *st, int64_t user_id,
    const char *hash, int64_t changed_ms, int keep)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_PH_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_text(s, 2, hash);
	db_bind_int64(s, 3, changed_ms);
	if ((r = cxv_store_step_done(s)) != CXV_OK ||
	    (s = STMT(st, S_PH_TRIM, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, keep);
	return cxv_store_step_done(s);
}

int
cxv_store_session_insert(struct cxv_store *st,
    const struct cxv_session_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_SE_INSERT, &r)) == NULL)
		return r;
	bind_bidx(s, row->token_hash);
	db_bind_int64(s, 2, row->user_id);
	db_bind_int64(s, 3, row->kind);
	db_bind_int64(s, 4, (int64_t)row->scope);
	db_bind_int64(s, 5, row->created_ms);
	db_bind_int64(s, 6, row->last_ms);
	db_bind_int64(s, 7, row->expires_ms);
	return cxv_store_step_done(s);
}

struct se_cb {
	cxv_store_session_fn fn;
	void *ctx;
};

static int
session_row(struct db_stmt *s, void *ctx)
{
	struct se_cb *cb = ctx;
	struct cxv_session_row row;

	if (db_column_bytes(s, 0) != 32)
		return CXV_ERR_CORRUPT;
	row.token_hash = db_column_blob(s, 0);
	row.user_id = db_column_int64(s, 1);
	row.kind = (int)db_column_int64(s, 2);
	row.scope = (uint64_t)db_column_int64(s, 3);
	row.created_ms = db_column_int64(s, 4);
	row.last_ms = db_column_int64(s, 5);
	row.expires_ms = db_column_int64(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_session_get(struct cxv_store *st, const uint8_t hash[32],
    cxv_store_session_fn fn, void *ctx)
{
	struct se_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_SE_GET, &r)) == NULL)
		return r;
	bind_bidx(s, hash);
	return cxv_store_one_row(s, session_row, &cb);
}

/* Run statement id with the token hash as ?1 (and last_ms as ?2). */
static int
session_write(struct cxv_store *st, enum stmt_id id, const uint8_t hash[32],
    int64_t last_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, id, &r)) == NULL)
		return r;
	bind_bidx(s, hash);
	if (id == S_SE_TOUCH)
		db_bind_int64(s, 2, last_ms);
	return cxv_store_step_one_change(st, s);
}

int
cxv_store_session_touch(struct cxv_store *st, const uint8_t hash[32],
    int64_t last_ms)
{
	return session_write(st, S_SE_TOUCH, hash, last_ms);
}

int
cxv_store_session_delete(struct cxv_store *st, const uint8_t hash[32])
{
	return session_write(st, S_SE_DELETE, hash, 0);
}

int
cxv_store_session_live(struct cxv_store *st, int64_t user_id, int kind,
    int64_t now_ms, cxv_store_session_fn fn, void *ctx)
{
	struct se_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_SE_LIVE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, kind);
	db_bind_int64(s, 3, now_ms);
	return cxv_store_each_row(s, session_row, &cb);
}

int
cxv_store_session_delete_user(struct cxv_store *st, int64_t user_id,
    int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = STMT(st, S_SE_DELETE_USER, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	if ((r = cxv_store_step_done(s)) == CXV_OK)
		*n = db_changes(cxv_store_db(st));
	return r;
}

int
cxv_store_session_expire(struct cxv_store *st, int64_t now_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_SE_EXPIRE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, now_ms);
	return cxv_store_step_done(s);
}
