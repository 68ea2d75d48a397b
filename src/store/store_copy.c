/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copying a whole store into another, of either engine (store.h,
 * cxv_store_copy): a vault moved from SQLite to PostgreSQL, a snapshot
 * of PostgreSQL as an SQLite file. Rows go over as they are (sealed
 * values stay sealed), column by column by name, so the engines' column
 * order does not matter. The table names below are constants, never
 * input.
 */
#include "store/store.h"

#include <stdio.h>
#include <string.h>

#include "base/err.h"
#include "store/store_int.h"

/* Every table, parents before the rows that refer to them. */
static const char *const tables[] = {
	"meta", "subject", "subject_ident", "audit", "user_account",
	"interaction", "content", "call_log", "campaign",
	"campaign_entry", "campaign_result", "dnc", "contact",
	"interaction_item", "traffic_stat", "charge", "erasure", "profile",
	"credential", "password_history", "login_failure", "session",
	"erasure_request", "voicemail_mail", "mail_outbox", "correction",
};

#define SQL_MAX	1024

/*
 * "INSERT INTO table (a, b) VALUES (?1, ?2)" for the columns of src,
 * with ignore "... ON CONFLICT DO NOTHING".
 */
static int
insert_sql(struct db_stmt *src, const char *table, int ignore, char *sql,
    size_t cap)
{
	char cols[SQL_MAX];
	int i, n = db_column_list(src, cols, sizeof(cols)), len;
	size_t at;

	if (n < 0)
		return CXV_ERR_INTERNAL;
	len = snprintf(sql, cap, "INSERT INTO %s (%s) VALUES (", table, cols);
	for (i = 0, at = (size_t)len; i < n && at < cap; i++, at += (size_t)len)
		len = snprintf(sql + at, cap - at, "%s?%d", i ? ", " : "", i + 1);
	if (at < cap)
		at += (size_t)snprintf(sql + at, cap - at, ")%s", ignore ?
		    " ON CONFLICT DO NOTHING" : "");
	return at < cap ? CXV_OK : CXV_ERR_INTERNAL;
}

/* The current row of src, bound to ins and inserted. */
static int
copy_row(struct db_stmt *src, struct db_stmt *ins)
{
	int i, n = db_column_count(src), rc;

	db_reset(ins);
	for (i = 0; i < n; i++)
		switch (db_column_type(src, i)) {
		case DB_INTEGER:
			db_bind_int64(ins, i + 1, db_column_int64(src, i));
			break;
		case DB_TEXT:
			db_bind_text(ins, i + 1, db_column_text(src, i));
			break;
		case DB_BLOB:
			db_bind_blob(ins, i + 1, db_column_blob(src, i),
			    db_column_bytes(src, i));
			break;
		case DB_NULL:
			break;
		}
	rc = db_step(ins);
	db_reset(ins);
	return db_rc(rc);
}

/* The rows of src into table through the engine's bulk load (COPY). */
static int
copy_bulk(struct db_stmt *src, struct db *to, const char *table,
    int64_t *rows)
{
	int r = CXV_OK, rc, begun = 0;

	while ((rc = db_step(src)) == DB_ROW) {
		if (!begun && (r = to->ops->copy_begin(to, table, src)) != CXV_OK)
			break;
		begun = 1;
		if ((r = to->ops->copy_row(to, src)) != CXV_OK)
			break;
		(*rows)++;
	}
	if (r == CXV_OK)
		r = db_rc(rc);
	if (begun && (rc = to->ops->copy_end(to)) != CXV_OK && r == CXV_OK)
		r = rc;
	return r;
}

/* The rows of src into table, one prepared insert each. */
static int
copy_each(struct db_stmt *src, struct db *to, const char *table, int ignore,
    int64_t *rows)
{
	struct db_stmt *ins = NULL;
	char sql[SQL_MAX];
	int r = CXV_OK, rc;

	while ((rc = db_step(src)) == DB_ROW) {
		if (ins == NULL && ((r = insert_sql(src, table, ignore, sql,
		    sizeof(sql))) != CXV_OK || (r = db_prepare(to, sql, &ins)) !=
		    CXV_OK))
			break;
		if ((r = copy_row(src, ins)) != CXV_OK)
			break;
		(*rows)++;
	}
	if (r == CXV_OK)
		r = db_rc(rc);
	db_finalize(ins);
	return r;
}

int
cxv_store_copy_rows(struct db *from, struct db *to, const char *table,
    const char *select, int64_t id, int ignore, int64_t *rows)
{
	struct db_stmt *src = NULL;
	int r;

	*rows = 0;
	if ((r = db_prepare_scan(from, select, &src)) != CXV_OK)
		return r;
	db_bind_int64(src, 1, id);
	/* A bulk load cannot skip rows that are there already. */
	r = !ignore && to->ops->copy_begin != NULL ?
	    copy_bulk(src, to, table, rows) :
	    copy_each(src, to, table, ignore, rows);
	db_finalize(src);
	return r;
}

static int
count_rows(struct db *d, const char *table, int64_t *n)
{
	struct db_stmt *s = NULL;
	char sql[128];
	int r, rc;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if ((r = db_prepare(d, sql, &s)) != CXV_OK)
		return r;
	if ((rc = db_step(s)) == DB_ROW)
		*n = db_column_int64(s, 0);
	else
		r = rc == DB_DONE ? CXV_ERR_INTERNAL : rc;
	db_finalize(s);
	return r;
}

/* Every table's rows copied in one transaction of to. */
static int
copy_all(struct cxv_store *from, struct cxv_store *to, int64_t *rows)
{
	size_t i;
	int r;

	if ((r = cxv_store_begin(to)) != CXV_OK)
		return r;
	for (i = 0; r == CXV_OK && i < sizeof(tables) / sizeof(tables[0]);
	    i++) {
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT * FROM %s", tables[i]);
		r = cxv_store_copy_rows(cxv_store_db(from), cxv_store_db(to),
		    tables[i], sql, 0, 0, &rows[i]);
	}
	if (r == CXV_OK)
		r = cxv_store_db(to)->ops->copied(cxv_store_db(to));
	if (r != CXV_OK) {
		cxv_store_rollback(to);
		return r;
	}
	return cxv_store_commit(to);
}

int
cxv_store_copy(struct cxv_store *from, struct cxv_store *to,
    cxv_store_copy_fn fn, void *ctx)
{
	int64_t rows[sizeof(tables) / sizeof(tables[0])] = { 0 }, n = 0;
	size_t i;
	int r;

	/* One snapshot of the source: writers there go on (WAL, MVCC). */
	if ((r = cxv_store_read_begin(from)) != CXV_OK)
		return r;
	r = copy_all(from, to, rows);
	/* Counted again on both sides, the source still in its snapshot. */
	for (i = 0; r == CXV_OK && i < sizeof(tables) / sizeof(tables[0]); i++)
		if ((r = count_rows(cxv_store_db(from), tables[i], &n)) ==
		    CXV_OK && n != rows[i])
			r = CXV_ERR_CORRUPT;
	cxv_store_read_end(from);
	for (i = 0; r == CXV_OK && i < sizeof(tables) / sizeof(tables[0]); i++)
		if ((r = count_rows(cxv_store_db(to), tables[i], &n)) ==
		    CXV_OK && n != rows[i])
			r = CXV_ERR_CORRUPT;
	for (i = 0; r == CXV_OK && fn != NULL &&
	    i < sizeof(tables) / sizeof(tables[0]); i++)
		r = fn(ctx, tables[i], rows[i]);
	return r;
}
