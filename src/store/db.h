/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQL connection under the store (DESIGN 4): one small interface,
 * two engines (db_sqlite.c, db_pg.c). The store's functions and SQL are
 * written once against it; an engine adds its connection, transactions,
 * schema DDL and what only it can do (snapshots, checkpoints).
 *
 * SQL uses ?N parameters (PostgreSQL's engine turns them into $N).
 * Statements follow SQLite's life cycle: bind, step until DB_DONE,
 * reset (which also unbinds: an unbound parameter is NULL). Strings and
 * blobs read from a row stay valid until the next step or reset.
 * Not for use outside src/store/.
 */
#ifndef CXV_DB_H
#define CXV_DB_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The last migration both engines know (their lists have this length). */
#define DB_SCHEMA_LATEST	22

/* How long cxv_store_shred waits for a rewrite's older transactions. */
#define DB_SHRED_WAIT_MS	60000

/* db_step() results beside the vault's errors (err.h). */
#define DB_ROW		1000
#define DB_DONE		1001

/*
 * Kinds of transaction. A bulk one (an import's batch) gives way to the
 * others: it begins once no other writer waits or writes (or after
 * waiting CXV_DB_BULK_WAIT_MS), and yield_wanted tells it when another
 * writer waits for it to commit.
 */
enum db_txn { DB_TXN_NONE, DB_TXN_WRITE, DB_TXN_READ, DB_TXN_BULK };

/*
 * How a piped statement goes (step_piped): now, after the rows held so
 * far; or held, to go later with the other rows of its own statement
 * (as one statement, for an insert), before any statement that is not
 * held and after any sent meanwhile. Held statements go parents first,
 * then rows, then what comes after rows (a trim of them), each class in
 * the order of its statements' first rows: a held row may refer to rows
 * written before it and to held parents; only what comes after, or a
 * later statement that is not held, may refer to held rows.
 */
enum db_pipe { DB_PIPE_NOW, DB_PIPE_AFTER, DB_PIPE_HELD, DB_PIPE_PARENT };

/* What a column of a row holds (db_column_type()). */
enum db_type { DB_NULL, DB_INTEGER, DB_TEXT, DB_BLOB };

struct db;
struct db_stmt;

struct db_ops {
	const char *(*name)(struct db *);
	void (*close)(struct db *);
	int (*exec)(struct db *, const char *sql);
	int (*prepare)(struct db *, const char *sql, struct db_stmt **out);
	/* A statement whose rows come one by one, not all in memory; the
	 * connection serves nothing else until they have all been read. */
	int (*prepare_scan)(struct db *, const char *sql,
	    struct db_stmt **out);
	void (*finalize)(struct db_stmt *);
	void (*reset)(struct db_stmt *);
	int (*step)(struct db_stmt *);
	void (*bind_int64)(struct db_stmt *, int i, int64_t v);
	void (*bind_text)(struct db_stmt *, int i, const char *v);
	void (*bind_blob)(struct db_stmt *, int i, const void *v, size_t n);
	int64_t (*column_int64)(struct db_stmt *, int i);
	const char *(*column_text)(struct db_stmt *, int i);
	const void *(*column_blob)(struct db_stmt *, int i);
	size_t (*column_bytes)(struct db_stmt *, int i);
	int (*column_null)(struct db_stmt *, int i);
	int (*column_count)(struct db_stmt *);
	const char *(*column_name)(struct db_stmt *, int i);
	enum db_type (*column_type)(struct db_stmt *, int i);
	/* Rows the last INSERT, UPDATE or DELETE changed. */
	int64_t (*changes)(struct db *);
	/* Write (one writer at a time: the audit chain never forks) or read. */
	int (*begin)(struct db *, enum db_txn txn);
	int (*commit)(struct db *, enum db_txn txn);
	void (*rollback)(struct db *, enum db_txn txn);
	/* In a bulk transaction: 1 if another writer waits for it. */
	int (*yield_wanted)(struct db *);
	/*
	 * Run a statement that returns no rows, in a write transaction,
	 * without waiting for its answer, which is read before the next
	 * statement that waits for its own. A piped statement that fails,
	 * or an insert of one that meets a unique key, fails the whole
	 * transaction (its caller went on as if it was done): for writes
	 * that cannot meet one. Reset s after. NULL: no round trip to save.
	 */
	int (*step_piped)(struct db_stmt *, enum db_pipe how);
	int (*version_get)(struct db *, int *v);
	int (*version_set)(struct db *, int v);	/* in the migration's txn */
	/* A consistent copy as an SQLite file at path (backups); NULL:
	 * the store copies the rows itself. */
	int (*snapshot)(struct db *, const char *path);
	/* Give freed space back and make erased rows unreachable (DESIGN 3). */
	int (*checkpoint)(struct db *);
	/*
	 * Where deleted rows outlive their transaction in the files (a
	 * rewrite is needed), doom queues the rewrite that removes subject's
	 * wrapped key, inside the transaction deleting it; shred makes one
	 * pass over the queue without waiting: *done rewrites made, *left
	 * still queued (older transactions may still see the key). NULL:
	 * the key is overwritten inside the transaction.
	 */
	int (*doom)(struct db *, int64_t subject);
	int (*shred)(struct db *, int *done, int *left);
	/* After rows were copied in with their ids: number on from there. */
	int (*copied)(struct db *);
	/* Keep the vault's tables under name and start empty (restore);
	 * NULL: the engine's file is moved aside instead. */
	int (*set_aside)(struct db *, const char *name);
	/*
	 * Bulk load (copies): copy_begin names table and the columns of
	 * src's rows, copy_row sends src's current row, copy_end finishes
	 * (and counts the rows in changes). NULL: inserts one by one.
	 */
	int (*copy_begin)(struct db *, const char *table, struct db_stmt *src);
	int (*copy_row)(struct db *, struct db_stmt *src);
	int (*copy_end)(struct db *);
	/*
	 * Tables, views and schemas in the database the vault did not
	 * make, as a comma list into out ("" if none); NULL: the engine's
	 * file holds the vault alone.
	 */
	int (*foreign)(struct db *, char *out, size_t cap);
	/* migrations[i] takes the schema from version i to i + 1. */
	const char *const *migrations;
	/* How long after an erasure's commit its key may still be in the
	 * database's files, shred and checkpoint included (ms). */
	int64_t shred_bound_ms;
};

struct db {
	const struct db_ops *ops;
};

struct db_stmt {
	struct db *db;
};

/* Open the SQLite file at path; with create, make it (0600, must not exist). */
int db_sqlite_open(const char *path, int create, struct db **out /* OUT */);
/* Connect to PostgreSQL with a libpq connection string or URL. */
int db_pg_open(const char *conninfo, int create, struct db **out /* OUT */);
/* Whether a store location names a PostgreSQL database. */
int db_is_pg(const char *location);

static inline int
db_prepare(struct db *d, const char *sql, struct db_stmt **out)
{
	return d->ops->prepare(d, sql, out);
}

static inline int
db_prepare_scan(struct db *d, const char *sql, struct db_stmt **out)
{
	return d->ops->prepare_scan(d, sql, out);
}

static inline void
db_finalize(struct db_stmt *s)
{
	if (s != NULL)
		s->db->ops->finalize(s);
}

static inline void db_reset(struct db_stmt *s) { s->db->ops->reset(s); }
static inline int db_step(struct db_stmt *s) { return s->db->ops->step(s); }

static inline void
db_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	s->db->ops->bind_int64(s, i, v);
}

static inline void
db_bind_text(struct db_stmt *s, int i, const char *v)
{
	s->db->ops->bind_text(s, i, v);
}

static inline void
db_bind_blob(struct db_stmt *s, int i, const void *v, size_t n)
{
	s->db->ops->bind_blob(s, i, v, n);
}

static inline int64_t
db_column_int64(struct db_stmt *s, int i)
{
	return s->db->ops->column_int64(s, i);
}

static inline const char *
db_column_text(struct db_stmt *s, int i)
{
	return s->db->ops->column_text(s, i);
}

static inline const void *
db_column_blob(struct db_stmt *s, int i)
{
	return s->db->ops->column_blob(s, i);
}

static inline size_t
db_column_bytes(struct db_stmt *s, int i)
{
	return s->db->ops->column_bytes(s, i);
}

static inline int
db_column_null(struct db_stmt *s, int i)
{
	return s->db->ops->column_null(s, i);
}

static inline int
db_column_count(struct db_stmt *s)
{
	return s->db->ops->column_count(s);
}

static inline const char *
db_column_name(struct db_stmt *s, int i)
{
	return s->db->ops->column_name(s, i);
}

static inline enum db_type
db_column_type(struct db_stmt *s, int i)
{
	return s->db->ops->column_type(s, i);
}

/*
 * The names of s's columns as "a, b, c" in out (cap bytes), for SQL
 * built around a result's columns; their number, or -1 if there are
 * none or they do not fit.
 */
static inline int
db_column_list(struct db_stmt *s, char *out, size_t cap)
{
	int i, n = db_column_count(s), len = 0;
	size_t at = 0;

	for (i = 0; i < n && at < cap; i++, at += (size_t)len)
		len = snprintf(out + at, cap - at, "%s%s", i ? ", " : "",
		    db_column_name(s, i));
	return n > 0 && len >= 0 && at < cap ? n : -1;
}

static inline int64_t db_changes(struct db *d) { return d->ops->changes(d); }
static inline int db_exec(struct db *d, const char *sql) { return d->ops->exec(d, sql); }

/* A step's result as the vault's error: rows and the end are CXV_OK. */
static inline int
db_rc(int rc)
{
	return rc == DB_ROW || rc == DB_DONE ? 0 : rc;
}

#endif
