/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Maintenance of the SQLite store: retention sweeps (policy.h), their
 * archive database, online snapshots for backups, and the lists a
 * restore needs. The table and column names in the SQL built here all
 * come from the constant table below, never from input.
 */
#include "store/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

/* Where a category lives: table, key, time column, content kinds. */
struct ret_table {
	const char *table;
	const char *key;
	const char *ts;
	const char *kinds;		/* content kinds "IN (...)", or NULL */
	int subject;			/* rows belong to a subject (holds) */
};

static const struct ret_table ret_tables[CXV_RET__COUNT] = {
	[CXV_RET_INTERACTIONS] = { "interaction", "id", "started_ms", NULL, 1 },
	[CXV_RET_RECORDINGS] = { "content", "id", "created_ms", "(0)", 1 },
	[CXV_RET_VOICEMAIL] = { "content", "id", "created_ms", "(1)", 1 },
	[CXV_RET_GREETINGS] = { "content", "id", "created_ms", "(2)", 1 },
	[CXV_RET_TRANSCRIPTS] = { "content", "id", "created_ms", "(3, 4)", 1 },
	[CXV_RET_EMAIL] = { "content", "id", "created_ms", "(5)", 1 },
	[CXV_RET_CASE_NOTES] = { "content", "id", "created_ms", "(6)", 1 },
	[CXV_RET_PHOTOS] = { "content", "id", "created_ms", "(7)", 1 },
	[CXV_RET_CALL_LOGS] = { "call_log", "id", "ts_ms", NULL, 1 },
	[CXV_RET_CAMPAIGN_RESULTS] = { "campaign_result", "id", "ts_ms", NULL, 1 },
	[CXV_RET_STATISTICS] = { "traffic_stat", "id", "ts_ms", NULL, 0 },
	[CXV_RET_CHARGES] = { "charge", "id", "ts_ms", NULL, 1 },
	[CXV_RET_AUDIT] = { "audit", "seq", "ts_ms", NULL, 0 },
};

/* Tables an archive holds, with the columns that identify a row. */
static const struct {
	const char *table, *key;
} arch_tables[] = {
	{ "interaction", "id" }, { "interaction_item", "id" }, { "content", "id" },
	{ "call_log", "id" }, { "campaign_result", "id" },
	{ "traffic_stat", "id" }, { "charge", "id" }, { "audit", "seq" },
};

#define SQL_MAX	512

static int prepare(struct cxv_store *st, struct db_stmt **s, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static int
prepare(struct cxv_store *st, struct db_stmt **s, const char *fmt, ...)
{
	char sql[SQL_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return CXV_ERR_INTERNAL;
	return db_prepare(cxv_store_db(st), sql, s);
}

/* Run one statement of no result for each id, then finalize it. */
static int
each_id(struct db_stmt *s, const int64_t *ids, size_t n)
{
	size_t i;
	int rc = DB_DONE;

	for (i = 0; i < n && rc == DB_DONE; i++) {
		db_bind_int64(s, 1, ids[i]);
		rc = db_step(s);
		db_reset(s);
	}
	db_finalize(s);
	return rc == DB_DONE ? CXV_OK : db_rc(rc);
}

static const struct ret_table *
ret_table(int cat)
{
	return cat >= 0 && cat < CXV_RET__COUNT ? &ret_tables[cat] : NULL;
}

/* The WHERE clause of a category's expired rows, holds aside. */
static void
expired_where(const struct ret_table *t, char *out, size_t cap)
{
	snprintf(out, cap, "t.%s < ?1%s%s", t->ts, t->kinds ? " AND t.kind IN " :
	    "", t->kinds ? t->kinds : "");
}

int
cxv_store_ret_expired(struct cxv_store *st, int cat, int64_t before_ms,
    int64_t *ids, size_t cap, size_t *n)
{
	const struct ret_table *t = ret_table(cat);
	char where[128];
	struct db_stmt *s = NULL;
	int r, rc;

	*n = 0;
	if (t == NULL)
		return CXV_ERR_INVALID;
	expired_where(t, where, sizeof(where));
	if (cat == CXV_RET_AUDIT)
		/* A prefix of the chain, never its head (the next link). */
		r = prepare(st, &s, "SELECT seq FROM audit WHERE seq <= (SELECT "
		    "max(seq) FROM audit t WHERE %s) AND seq < (SELECT max(seq) "
		    "FROM audit) ORDER BY seq LIMIT ?2", where);
	else if (t->subject)
		r = prepare(st, &s, "SELECT t.%s FROM %s t JOIN subject s ON "
		    "s.id = t.subject_id WHERE %s AND s.hold = 0 ORDER BY t.%s "
		    "LIMIT ?2", t->key, t->table, where, t->ts);
	else
		r = prepare(st, &s, "SELECT t.%s FROM %s t WHERE %s ORDER BY "
		    "t.%s LIMIT ?2", t->key, t->table, where, t->ts);
	if (r != CXV_OK)
		return r;
	db_bind_int64(s, 1, before_ms);
	db_bind_int64(s, 2, (int64_t)cap);
	while ((rc = db_step(s)) == DB_ROW && *n < cap)
		ids[(*n)++] = db_column_int64(s, 0);
	db_finalize(s);
	return rc == DB_ROW || rc == DB_DONE ? CXV_OK : db_rc(rc);
}

/* Step a count(*) query over ?1 = before_ms into *n; finalize it. */
static int
count_run(struct db_stmt *s, int64_t before_ms, int64_t *n)
{
	int rc;

	db_bind_int64(s, 1, before_ms);
	if ((rc = db_step(s)) == DB_ROW)
		*n = db_column_int64(s, 0);
	db_finalize(s);
	return rc == DB_ROW ? CXV_OK : db_rc(rc);
}

int
cxv_store_ret_count(struct cxv_store *st, int cat, int64_t before_ms,
    int64_t *n, int64_t *files, int64_t *held)
{
	const struct ret_table *t = ret_table(cat);
	const char *hold0 = t != NULL && t->subject ? " JOIN subject s ON "
	    "s.id = t.subject_id AND s.hold = 0" : "";
	char where[128];
	struct db_stmt *s = NULL;
	int r;

	*n = *files = *held = 0;
	if (t == NULL)
		return CXV_ERR_INVALID;
	expired_where(t, where, sizeof(where));
	if (cat == CXV_RET_AUDIT) {
		if ((r = prepare(st, &s, "SELECT count(*) FROM audit WHERE seq <= "
		    "(SELECT max(seq) FROM audit t WHERE %s) AND seq < (SELECT "
		    "max(seq) FROM audit)", where)) != CXV_OK)
			return r;
		return count_run(s, before_ms, n);
	}
	if ((r = prepare(st, &s, "SELECT count(*) FROM %s t%s WHERE %s",
	    t->table, hold0, where)) != CXV_OK ||
	    (r = count_run(s, before_ms, n)) != CXV_OK)
		return r;
	if (t->subject && ((r = prepare(st, &s, "SELECT count(*) FROM %s t "
	    "JOIN subject s ON s.id = t.subject_id AND s.hold = 1 WHERE %s",
	    t->table, where)) != CXV_OK ||
	    (r = count_run(s, before_ms, held)) != CXV_OK))
		return r;
	if (cat == CXV_RET_INTERACTIONS) {
		if ((r = prepare(st, &s, "SELECT count(*) FROM content c JOIN "
		    "interaction t ON t.id = c.interaction_id%s WHERE %s", hold0,
		    where)) != CXV_OK)
			return r;
		return count_run(s, before_ms, files);
	}
	if (t->kinds != NULL)
		*files = *n;
	return CXV_OK;
}

int
cxv_store_ret_files(struct cxv_store *st, int cat, const int64_t *ids,
    size_t n, cxv_store_file_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	size_t i;
	int r = CXV_OK, rc;

	if (cat == CXV_RET_INTERACTIONS)
		r = prepare(st, &s, "SELECT file, size FROM content WHERE "
		    "interaction_id = ?1 UNION ALL SELECT original, original_size FROM "
		    "content WHERE interaction_id = ?1 AND original IS NOT NULL");
	else if (ret_table(cat) != NULL && ret_tables[cat].kinds != NULL)
		r = prepare(st, &s, "SELECT file, size FROM content WHERE id = ?1 "
		    "UNION ALL SELECT original, original_size FROM content WHERE id = ?1 "
		    "AND original IS NOT NULL");
	else
		return ret_table(cat) != NULL ? CXV_OK : CXV_ERR_INVALID;
	if (r != CXV_OK)
		return r;
	for (i = 0; i < n && r == CXV_OK; i++) {
		db_bind_int64(s, 1, ids[i]);
		while (r == CXV_OK && (rc = db_step(s)) == DB_ROW)
			r = fn(ctx, db_column_text(s, 0),
			    db_column_int64(s, 1));
		db_reset(s);
		if (r == CXV_OK && rc != DB_DONE)
			r = db_rc(rc);
	}
	db_finalize(s);
	return r;
}

int
cxv_store_ret_delete(struct cxv_store *st, int cat, const int64_t *ids,
    size_t n)
{
	const struct ret_table *t = ret_table(cat);
	struct db_stmt *s = NULL;
	int r;

	if (t == NULL)
		return CXV_ERR_INVALID;
	/* Trails, items and content rows go by ON DELETE CASCADE. */
	if ((r = prepare(st, &s, "DELETE FROM %s WHERE %s = ?1", t->table,
	    t->key)) != CXV_OK)
		return r;
	return each_id(s, ids, n);
}

/* An archive table with table's columns (untyped) and a unique key. */
static int
create_like(struct db *from, struct db *to, const char *table,
    const char *key)
{
	struct db_stmt *s = NULL;
	char sql[SQL_MAX], cols[SQL_MAX];
	int n, r;

	snprintf(sql, sizeof(sql), "SELECT * FROM %s LIMIT 0", table);
	if ((r = db_prepare(from, sql, &s)) != CXV_OK)
		return r;
	(void)db_step(s);	/* PostgreSQL names the columns once run */
	n = db_column_list(s, cols, sizeof(cols));
	db_finalize(s);
	if (n < 0 || snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS "
	    "%s (%s); CREATE UNIQUE INDEX IF NOT EXISTS %s_key ON %s (%s)",
	    table, cols, table, table, key) >= (int)sizeof(sql))
		return CXV_ERR_INTERNAL;
	return db_exec(to, sql);
}

/*
 * The archive is an SQLite file of its own whatever the store's engine,
 * its tables made like the store's (values still sealed).
 */
int
cxv_store_archive_attach(struct cxv_store *st, const char *path)
{
	struct db **arch = cxv_store_archive_db(st);
	size_t i;
	int r;

	if (*arch != NULL)
		return CXV_ERR_INTERNAL;
	if ((r = db_sqlite_open(path, 0, arch)) != CXV_OK)
		return r;
	for (i = 0; r == CXV_OK &&
	    i < sizeof(arch_tables) / sizeof(arch_tables[0]); i++)
		r = create_like(cxv_store_db(st), *arch, arch_tables[i].table,
		    arch_tables[i].key);
	if (r != CXV_OK)
		(void)cxv_store_archive_detach(st);
	return r;
}

int
cxv_store_archive_detach(struct cxv_store *st)
{
	struct db **arch = cxv_store_archive_db(st);

	if (*arch != NULL)
		(*arch)->ops->close(*arch);
	*arch = NULL;
	return CXV_OK;
}

/* Copy the rows of table where col = id into the archive. */
static int
copy_rows(struct cxv_store *st, const char *table, const char *col,
    const int64_t *ids, size_t n)
{
	struct db *arch = *cxv_store_archive_db(st);
	char sql[SQL_MAX];
	int64_t rows;
	size_t i;
	int r;

	if (arch == NULL)
		return CXV_ERR_INTERNAL;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE %s = ?1", table, col);
	/*
	 * One transaction of the archive's own (not the store's writers'
	 * turn, which the caller holds); ignore: a run cut short copied
	 * some rows already.
	 */
	if ((r = db_exec(arch, "BEGIN")) != CXV_OK)
		return r;
	for (i = 0; r == CXV_OK && i < n; i++)
		r = cxv_store_copy_rows(cxv_store_db(st), arch, table, sql,
		    ids[i], 1, &rows);
	if (r == CXV_OK)
		return db_exec(arch, "COMMIT");
	(void)db_exec(arch, "ROLLBACK");
	return r;
}

int
cxv_store_archive_copy(struct cxv_store *st, int cat, const int64_t *ids,
    size_t n)
{
	const struct ret_table *t = ret_table(cat);
	int r;

	if (t == NULL)
		return CXV_ERR_INVALID;
	if ((r = copy_rows(st, t->table, t->key, ids, n)) != CXV_OK ||
	    cat != CXV_RET_INTERACTIONS)
		return r;
	if ((r = copy_rows(st, "interaction_item", "interaction_id", ids, n)) !=
	    CXV_OK)
		return r;
	return copy_rows(st, "content", "interaction_id", ids, n);
}

int
cxv_store_audit_hash(struct cxv_store *st, int64_t seq, uint8_t hash[32])
{
	struct db_stmt *s = NULL;
	int r, rc;

	if ((r = prepare(st, &s, "SELECT hash FROM audit WHERE seq = ?1")) !=
	    CXV_OK)
		return r;
	db_bind_int64(s, 1, seq);
	rc = db_step(s);
	if (rc == DB_ROW && db_column_bytes(s, 0) == 32)
		memcpy(hash, db_column_blob(s, 0), 32);
	else
		r = rc == DB_DONE ? CXV_ERR_NOT_FOUND : rc == DB_ROW ?
		    CXV_ERR_CORRUPT : db_rc(rc);
	db_finalize(s);
	return r;
}

int
cxv_store_content_file_known(struct cxv_store *st, const char *file)
{
	struct db_stmt *s = NULL;
	int r, rc;

	if ((r = prepare(st, &s, "SELECT 1 FROM content WHERE file = ?1 OR "
	    "original = ?1")) != CXV_OK)
		return r;
	db_bind_text(s, 1, file);
	rc = db_step(s);
	db_finalize(s);
	return rc == DB_ROW ? CXV_OK : rc == DB_DONE ? CXV_ERR_NOT_FOUND :
	    db_rc(rc);
}

int
cxv_store_content_files(struct cxv_store *st, cxv_store_file_fn fn,
    void *ctx)
{
	struct db_stmt *s = NULL;
	int r, rc = DB_DONE;

	if ((r = prepare(st, &s, "SELECT file, size FROM content UNION ALL "
	    "SELECT original, original_size FROM content WHERE original IS NOT NULL "
	    "ORDER BY 1")) != CXV_OK)
		return r;
	while (r == CXV_OK && (rc = db_step(s)) == DB_ROW)
		r = fn(ctx, db_column_text(s, 0),
		    db_column_int64(s, 1));
	db_finalize(s);
	return r != CXV_OK ? r : rc == DB_DONE ? CXV_OK : db_rc(rc);
}

int
cxv_store_erasures(struct cxv_store *st, cxv_store_erasure_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int r, rc = DB_DONE;

	if ((r = prepare(st, &s, "SELECT subject_id, erased_ms, receipt FROM "
	    "erasure ORDER BY erased_ms, subject_id")) != CXV_OK)
		return r;
	while (r == CXV_OK && (rc = db_step(s)) == DB_ROW)
		r = fn(ctx, db_column_int64(s, 0), db_column_int64(s, 1),
		    db_column_text(s, 2));
	db_finalize(s);
	return r != CXV_OK ? r : rc == DB_DONE ? CXV_OK : db_rc(rc);
}

int
cxv_store_ret_span(struct cxv_store *st, int cat, int64_t *n,
    int64_t *oldest_ms, int64_t *bytes)
{
	const struct ret_table *t = ret_table(cat);
	struct db_stmt *s = NULL;
	int r, rc;

	*n = *oldest_ms = *bytes = 0;
	if (t == NULL)
		return CXV_ERR_INVALID;
	if ((r = prepare(st, &s, "SELECT count(*), coalesce(min(%s), 0), %s "
	    "FROM %s%s%s", t->ts, t->kinds != NULL ? "coalesce(sum(size), 0)" :
	    "0", t->table, t->kinds != NULL ? " WHERE kind IN " : "",
	    t->kinds != NULL ? t->kinds : "")) != CXV_OK)
		return r;
	if ((rc = db_step(s)) == DB_ROW) {
		*n = db_column_int64(s, 0);
		*oldest_ms = db_column_int64(s, 1);
		*bytes = db_column_int64(s, 2);
	}
	db_finalize(s);
	return rc == DB_ROW ? CXV_OK : db_rc(rc);
}

int
cxv_store_audit_last(struct cxv_store *st, const char *action,
    cxv_store_audit_fn fn, void *ctx)
{
	struct cxv_audit_row row;
	struct db_stmt *s = NULL;
	int r, rc;

	if ((r = prepare(st, &s, "SELECT seq, ts_ms, actor, action, "
	    "object_type, object_id, fields, prev, hash FROM audit WHERE "
	    "action = ?1 ORDER BY seq DESC LIMIT 1")) != CXV_OK)
		return r;
	db_bind_text(s, 1, action);
	if ((rc = db_step(s)) == DB_ROW) {
		row.seq = db_column_int64(s, 0);
		row.ts_ms = db_column_int64(s, 1);
		row.actor = db_column_text(s, 2);
		row.action = db_column_text(s, 3);
		row.object_type = db_column_text(s, 4);
		row.object_id = db_column_text(s, 5);
		row.fields = db_column_text(s, 6);
		row.prev = db_column_blob(s, 7);
		row.hash = db_column_blob(s, 8);
		r = fn(ctx, &row);
	} else
		r = rc == DB_DONE ? CXV_ERR_NOT_FOUND : db_rc(rc);
	db_finalize(s);
	return r;
}
