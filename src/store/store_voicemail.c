/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Voicemail to email in the store (store.h): users' choices, the outbox;
 * and a user's status, which the same administration pages change.
 */
#include "store/store.h"

#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

/* Step s with no rows expected; finalize it. */
static int
done(struct db_stmt *s)
{
	int rc = db_step(s);

	db_finalize(s);
	return rc == DB_DONE ? CXV_OK : db_rc(rc);
}

int
cxv_store_vm_mail_get(struct cxv_store *st, int64_t user_id, int *enabled,
    int *delete_after)
{
	struct db_stmt *s = NULL;
	int r, rc;

	*enabled = *delete_after = 0;
	if ((r = db_prepare(cxv_store_db(st), "SELECT enabled, delete_after FROM "
	    "voicemail_mail WHERE user_id = ?1", &s)) != CXV_OK)
		return r;
	db_bind_int64(s, 1, user_id);
	if ((rc = db_step(s)) == DB_ROW) {
		*enabled = (int)db_column_int64(s, 0);
		*delete_after = (int)db_column_int64(s, 1);
	}
	db_finalize(s);
	return rc == DB_ROW || rc == DB_DONE ? CXV_OK : db_rc(rc);
}

int
cxv_store_vm_mail_set(struct cxv_store *st, int64_t user_id, int enabled,
    int delete_after)
{
	struct db_stmt *s = NULL;
	int r;

	if ((r = db_prepare(cxv_store_db(st), "INSERT INTO voicemail_mail "
	    "(user_id, enabled, delete_after) VALUES (?1, ?2, ?3) ON CONFLICT "
	    "(user_id) DO UPDATE SET enabled = excluded.enabled, delete_after "
	    "= excluded.delete_after", &s)) !=
	    CXV_OK)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, enabled != 0);
	db_bind_int64(s, 3, delete_after != 0);
	return done(s);
}

int
cxv_store_outbox_add(struct cxv_store *st, int64_t content_id,
    int64_t user_id, int64_t now_ms)
{
	struct db_stmt *s = NULL;
	int r;

	if ((r = db_prepare(cxv_store_db(st), "INSERT INTO mail_outbox (content_id, "
	    "user_id, queued_ms, attempts, next_ms, sent_ms, last_error) "
	    "VALUES (?1, ?2, ?3, 0, ?3, 0, '')", &s)) != CXV_OK)
		return r;
	db_bind_int64(s, 1, content_id);
	db_bind_int64(s, 2, user_id);
	db_bind_int64(s, 3, now_ms);
	return done(s);
}

static int
each_outbox(struct db_stmt *s, cxv_store_outbox_fn fn, void *ctx)
{
	struct cxv_outbox_row row;
	int r = CXV_OK, rc;

	while ((rc = db_step(s)) == DB_ROW) {
		row.content_id = db_column_int64(s, 0);
		row.user_id = db_column_int64(s, 1);
		row.queued_ms = db_column_int64(s, 2);
		row.attempts = (int)db_column_int64(s, 3);
		row.next_ms = db_column_int64(s, 4);
		row.sent_ms = db_column_int64(s, 5);
		row.last_error = db_column_text(s, 6);
		if (row.last_error == NULL)
			row.last_error = "";
		if ((r = fn(ctx, &row)) != CXV_OK)
			break;
	}
	db_finalize(s);
	if (r != CXV_OK)
		return r;
	return rc == DB_DONE ? CXV_OK : db_rc(rc);
}

#define OUTBOX_COLS	"content_id, user_id, queued_ms, attempts, next_ms, " \
	"sent_ms, last_error"

int
cxv_store_outbox_due(struct cxv_store *st, int64_t now_ms, int max_attempts,
    int limit, cxv_store_outbox_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int r;

	if ((r = db_prepare(cxv_store_db(st), "SELECT " OUTBOX_COLS " FROM "
	    "mail_outbox WHERE sent_ms = 0 AND next_ms <= ?1 AND attempts < ?2 "
	    "ORDER BY next_ms LIMIT ?3", &s)) != CXV_OK)
		return r;
	db_bind_int64(s, 1, now_ms);
	db_bind_int64(s, 2, max_attempts);
	db_bind_int64(s, 3, limit);
	return each_outbox(s, fn, ctx);
}

int
cxv_store_outbox_by_user(struct cxv_store *st, int64_t user_id, int limit,
    cxv_store_outbox_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int r;

	if ((r = db_prepare(cxv_store_db(st), "SELECT " OUTBOX_COLS " FROM "
	    "mail_outbox WHERE user_id = ?1 ORDER BY queued_ms DESC, content_id "
	    "DESC LIMIT ?2", &s)) != CXV_OK)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, limit);
	return each_outbox(s, fn, ctx);
}

int
cxv_store_outbox_update(struct cxv_store *st, const struct cxv_outbox_row *row)
{
	struct db_stmt *s = NULL;
	int r;

	if ((r = db_prepare(cxv_store_db(st), "UPDATE mail_outbox SET attempts = ?2, "
	    "next_ms = ?3, sent_ms = ?4, last_error = ?5 WHERE content_id = ?1",
	    &s)) != CXV_OK)
		return r;
	db_bind_int64(s, 1, row->content_id);
	db_bind_int64(s, 2, row->attempts);
	db_bind_int64(s, 3, row->next_ms);
	db_bind_int64(s, 4, row->sent_ms);
	db_bind_text(s, 5, row->last_error);
	return done(s);
}

int
cxv_store_content_delete(struct cxv_store *st, int64_t id,
    cxv_store_file_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int r, rc;

	if ((r = db_prepare(cxv_store_db(st), "DELETE FROM content WHERE id = ?1 "
	    "RETURNING file, size, original, original_size", &s)) != CXV_OK)
		return r;
	db_bind_int64(s, 1, id);
	rc = db_step(s);
	if (rc != DB_ROW)
		r = rc == DB_DONE ? CXV_ERR_NOT_FOUND : db_rc(rc);
	else if ((r = fn(ctx, db_column_text(s, 0), db_column_int64(s, 1))) ==
	    CXV_OK && db_column_text(s, 2) != NULL)
		r = fn(ctx, db_column_text(s, 2), db_column_int64(s, 3));
	if (r == CXV_OK && (rc = db_step(s)) != DB_DONE)
		r = db_rc(rc);
	db_finalize(s);
	return r;
}

int
cxv_store_user_set_status(struct cxv_store *st, int64_t id, int status)
{
	struct db_stmt *s = NULL;
	int r;

	if ((r = db_prepare(cxv_store_db(st), "UPDATE user_account SET status = ?2 "
	    "WHERE id = ?1", &s)) != CXV_OK)
		return r;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, status);
	if ((r = done(s)) == CXV_OK && db_changes(cxv_store_db(st)) == 0)
		r = CXV_ERR_NOT_FOUND;
	return r;
}
