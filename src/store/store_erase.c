/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Erasure in the store (store.h): what a person's erasure removes, its
 * content files, statistics by pseudonym, the register, and the
 * skeletons of handled calls kept without the person.
 */
#include "store/store.h"

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_ER_INSERT, S_ER_FILES, S_TS_DELETE, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");

static const char *const stmt_sql[S__COUNT] = {
	/* In parentheses: clang takes a lone split string for a missed comma. */
	[S_ER_INSERT] = ("INSERT INTO erasure (subject_id, erased_ms, receipt) "
	    "VALUES (?1, ?2, ?3)"),
	[S_ER_FILES] = "SELECT file, size FROM content WHERE subject_id = ?1 "
	    "UNION ALL SELECT original, original_size FROM content WHERE subject_id = ?1 "
	    "AND original IS NOT NULL",
	[S_TS_DELETE] = "DELETE FROM traffic_stat WHERE number_ps = ?1",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_ERASE, stmt_sql, (id), (r))

/* What erasing one subject removes, table by table (cascades included). */
static const struct {
	const char *store;
	const char *sql;
} erase_counts[] = {
	{ "identifiers", "SELECT count(*) FROM subject_ident WHERE subject_id = ?1" },
	{ "interactions", "SELECT count(*) FROM interaction WHERE subject_id = ?1" },
	/* The trail's steps: one for each time the call reached. */
	{ "interaction_steps", "SELECT (SELECT count(*) FROM interaction WHERE "
	    "subject_id = ?1 AND started_ms <> 0) + (SELECT count(*) FROM "
	    "interaction WHERE subject_id = ?1 AND answered_ms <> 0) + (SELECT "
	    "count(*) FROM interaction WHERE subject_id = ?1 AND ended_ms <> 0)" },
	{ "data_items", "SELECT count(*) FROM interaction_item WHERE "
	    "subject_id = ?1" },
	{ "content", "SELECT count(*) FROM content WHERE subject_id = ?1" },
	{ "users", "SELECT count(*) FROM user_account WHERE subject_id = ?1" },
	{ "call_log_entries", "SELECT count(*) FROM call_log WHERE "
	    "subject_id = ?1 OR user_id IN (SELECT id FROM user_account "
	    "WHERE subject_id = ?1)" },
	{ "contacts", "SELECT count(*) FROM contact WHERE subject_id = ?1 OR "
	    "owner_user_id IN (SELECT id FROM user_account WHERE "
	    "subject_id = ?1)" },
	{ "campaign_entries", "SELECT count(*) FROM campaign_entry WHERE "
	    "subject_id = ?1" },
	{ "campaign_results", "SELECT count(*) FROM campaign_result WHERE "
	    "subject_id = ?1" },
	{ "charges", "SELECT count(*) FROM charge WHERE subject_id = ?1" },
	{ "corrections", "SELECT count(*) FROM correction WHERE "
	    "subject_id = ?1" },
};

int
cxv_store_erase_counts(struct cxv_store *st, int64_t subject_id,
    cxv_store_count_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	size_t i;
	int r = CXV_OK, rc;

	for (i = 0; i < sizeof(erase_counts) / sizeof(erase_counts[0]) &&
	    r == CXV_OK; i++) {
		rc = db_prepare(cxv_store_db(st), erase_counts[i].sql, &s);
		if (rc == CXV_OK) {
			db_bind_int64(s, 1, subject_id);
			rc = db_step(s);
		}
		if (rc == DB_ROW)
			r = fn(ctx, erase_counts[i].store,
			    db_column_int64(s, 0));
		else
			r = db_rc(rc) != CXV_OK ? db_rc(rc) : CXV_ERR_INTERNAL;
		db_finalize(s);
		s = NULL;
	}
	return r;
}

struct file_cb {
	cxv_store_file_fn fn;
	void *ctx;
};

static int
file_row(struct db_stmt *s, void *ctx)
{
	struct file_cb *cb = ctx;

	return cb->fn(cb->ctx, cxv_store_column_text(s, 0),
	    db_column_int64(s, 1));
}

int
cxv_store_subject_files(struct cxv_store *st, int64_t subject_id,
    cxv_store_file_fn fn, void *ctx)
{
	struct file_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_ER_FILES, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return cxv_store_each_row(s, file_row, &cb);
}

int
cxv_store_stat_delete(struct cxv_store *st, const char *number_ps, int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = STMT(st, S_TS_DELETE, &r)) == NULL)
		return r;
	db_bind_text(s, 1, number_ps);
	if ((r = cxv_store_step_done(s)) == CXV_OK)
		*n = db_changes(cxv_store_db(st));
	return r;
}

int
cxv_store_erasure_insert(struct cxv_store *st, int64_t subject_id,
    int64_t erased_ms, const char *receipt)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_ER_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, erased_ms);
	db_bind_text(s, 3, receipt);
	return cxv_store_step_done(s);
}

/*
 * An erased person's interactions with an agent become skeletons (R6.3):
 * they move to the placeholder subject, which has no key and no
 * identifiers, with no sealed values and no data items left.
 */
static const char *const skeleton_sql[] = {
	"INSERT INTO subject (id, wrapped_key, created_ms) VALUES (1, x'', 0) "
	"ON CONFLICT (id) DO NOTHING",
	"DELETE FROM interaction_item WHERE interaction_id IN (SELECT id "
	"FROM interaction WHERE subject_id = ?1 AND agent_user_id != 0)",
	"DELETE FROM content WHERE interaction_id IN (SELECT id FROM "
	"interaction WHERE subject_id = ?1 AND agent_user_id != 0)",
	"UPDATE interaction SET subject_id = 1, sealed = x'' WHERE "
	"subject_id = ?1 AND agent_user_id != 0",
};

int
cxv_store_keep_skeletons(struct cxv_store *st, int64_t subject_id,
    int64_t *n)
{
	struct db_stmt *s = NULL;
	size_t i;
	int rc, r = CXV_OK;

	*n = 0;
	for (i = 0; r == CXV_OK && i < sizeof(skeleton_sql) /
	    sizeof(skeleton_sql[0]); i++) {
		if ((rc = db_prepare(cxv_store_db(st), skeleton_sql[i], &s)) !=
		    CXV_OK)
			return db_rc(rc);
		if (i > 0)
			db_bind_int64(s, 1, subject_id);
		if ((r = cxv_store_step_done(s)) == CXV_OK && i == 3)
			*n = db_changes(cxv_store_db(st));
		db_finalize(s);
	}
	return r;
}
