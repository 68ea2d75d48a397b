/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store interface (store.h) over either engine (db.h): the
 * connection, transactions, schema migrations in order, the meta table,
 * and the statements every file of the store prepares once per
 * connection and reuses (store_int.h). The SQL of each kind of record is
 * in its own file (store_subject.c, store_interaction.c, ...), written
 * once in the dialect both SQLite and PostgreSQL speak.
 */
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "store/store_int.h"

/* The highest ids, in the order of enum store_ids. */
enum stmt_id {
	S_META_GET, S_META_SET, S_IA_MAX_ID, S_CL_MAX_ID, S__COUNT
};
_Static_assert(S__COUNT <= STORE_PART_STMTS, "STORE_PART_STMTS too small");
_Static_assert(S_CL_MAX_ID - S_IA_MAX_ID == STORE_IDS_CALL_LOG,
    "the max-id statements follow enum store_ids");

static const char *const stmt_sql[S__COUNT] = {
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/* The highest ids of the tables cxv_store_step_new_id() knows. */
	[S_IA_MAX_ID] = "SELECT coalesce(max(id), 0) "
	    "FROM interaction",
	[S_CL_MAX_ID] = "SELECT coalesce(max(id), 0) "
	    "FROM call_log",
};

#define STMT(st, id, r) \
	cxv_store_stmt((st), STORE_PART_CORE, stmt_sql, (id), (r))

struct cxv_store {
	struct db *db;
	struct db_stmt *stmt[STORE_PART__COUNT][STORE_PART_STMTS];
	enum db_txn in_txn;
	struct db *arch;		/* retention's archive, if attached */
	int trail_only;			/* see cxv_store_set_trail_only() */
	int piped;			/* cxv_store_pipeline() */
	int64_t id_floor[STORE_IDS__COUNT];	/* cxv_store_step_new_id() */
	struct store_memo *memo;
};

struct db *
cxv_store_db(struct cxv_store *st)
{
	return st->db;
}

struct db **
cxv_store_archive_db(struct cxv_store *st)
{
	return &st->arch;
}

struct db_stmt *
cxv_store_stmt(struct cxv_store *st, enum store_part part,
    const char *const *sql, int id, int *r)
{
	struct db_stmt **s = &st->stmt[part][id];

	if (*s == NULL && (*r = db_prepare(st->db, sql[id], s)) != CXV_OK)
		return NULL;
	db_reset(*s);
	return *s;
}

int
cxv_store_step_done(struct db_stmt *s)
{
	int rc = db_step(s);

	db_reset(s);
	return db_rc(rc);
}

int
cxv_store_piped(struct cxv_store *st)
{
	return st->piped;
}

struct store_memo **
cxv_store_memo_slot(struct cxv_store *st)
{
	return &st->memo;
}

int
cxv_store_step_piped(struct cxv_store *st, struct db_stmt *s,
    enum db_pipe how)
{
	int r;

	if (!st->piped)
		return cxv_store_step_done(s);
	r = st->db->ops->step_piped(s, how);
	db_reset(s);
	return r;
}

int
cxv_store_step_new_id(struct cxv_store *st, enum store_ids table,
    int64_t id, struct db_stmt *s)
{
	if (st->piped && id > st->id_floor[table])
		return cxv_store_step_piped(st, s, DB_PIPE_HELD);
	return cxv_store_step_done(s);
}

int
cxv_store_pipeline(struct cxv_store *st)
{
	int i, r = CXV_OK;

	if (st->in_txn != DB_TXN_BULK)
		return CXV_ERR_INTERNAL;
	if (st->db->ops->step_piped == NULL)
		return CXV_OK;
	for (i = 0; i < STORE_IDS__COUNT && r == CXV_OK; i++)
		r = cxv_store_count(st, STORE_PART_CORE, stmt_sql,
		    S_IA_MAX_ID + i, &st->id_floor[i]);
	if (r == CXV_OK)
		r = cxv_store_memo_begin(st);
	st->piped = r == CXV_OK;
	return r;
}

/*
 * The transaction ends: nothing piped outlives it, nothing remembered
 * but the people of one that commits (store_memo.c).
 */
static void
unpipe(struct cxv_store *st, int committing)
{
	st->piped = 0;
	cxv_store_memo_forget(st, committing);
}

int
cxv_store_schema_latest(void)
{
	return DB_SCHEMA_LATEST;
}

int
cxv_store_schema_version(struct cxv_store *st, int *version)
{
	return st->db->ops->version_get(st->db, version);
}

/* The schema version in *v; CXV_ERR_VERSION if newer than this build. */
static int
check_version(struct cxv_store *st, int *v)
{
	int r;

	if ((r = cxv_store_schema_version(st, v)) != CXV_OK)
		return r;
	return *v > DB_SCHEMA_LATEST ? CXV_ERR_VERSION : CXV_OK;
}

int
cxv_store_open(const char *location, int create, struct cxv_store **out)
{
	struct cxv_store *st = NULL;
	int pg = db_is_pg(location), r, v = 0;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return CXV_ERR_NOMEM;
	r = pg ? db_pg_open(location, create, &st->db) :
	    db_sqlite_open(location, create, &st->db);
	if (r == CXV_OK && (r = check_version(st, &v)) == CXV_OK && create)
		r = v != 0 ? CXV_ERR_EXISTS : cxv_store_migrate(st);
	if (r != CXV_OK) {
		cxv_store_close(st);
		/* A new SQLite file is ours; a database is the site's. */
		if (create && !pg && r != CXV_ERR_EXISTS)
			(void)unlink(location);
		return r;
	}
	*out = st;
	return CXV_OK;
}

void
cxv_store_close(struct cxv_store *st)
{
	int p, i;

	if (st == NULL)
		return;
	(void)cxv_store_archive_detach(st);
	if (st->db != NULL) {
		cxv_store_rollback(st);
		for (p = 0; p < STORE_PART__COUNT; p++)
			for (i = 0; i < STORE_PART_STMTS; i++)
				db_finalize(st->stmt[p][i]);
		st->db->ops->close(st->db);
	}
	cxv_store_memo_free(st);
	free(st);
}

int
cxv_store_is_server(const char *location)
{
	return db_is_pg(location);
}

const char *
cxv_store_engine(struct cxv_store *st)
{
	return st->db->ops->name(st->db);
}

static int
begin(struct cxv_store *st, enum db_txn txn)
{
	int r;

	if (st->in_txn != DB_TXN_NONE)
		return CXV_ERR_INTERNAL;
	if ((r = st->db->ops->begin(st->db, txn)) == CXV_OK)
		st->in_txn = txn;
	return r;
}

int
cxv_store_begin(struct cxv_store *st)
{
	return begin(st, DB_TXN_WRITE);
}

int
cxv_store_begin_bulk(struct cxv_store *st)
{
	return begin(st, DB_TXN_BULK);
}

int
cxv_store_yield_wanted(struct cxv_store *st)
{
	return st->in_txn == DB_TXN_BULK && st->db->ops->yield_wanted(st->db);
}

static _Atomic uint64_t write_epoch;

uint64_t
cxv_store_write_epoch(void)
{
	return write_epoch;
}

int
cxv_store_commit(struct cxv_store *st)
{
	enum db_txn txn = st->in_txn;
	int r;

	if (txn != DB_TXN_WRITE && txn != DB_TXN_BULK)
		return CXV_ERR_INTERNAL;
	cxv_store_memo_commit(st);	/* still holding the writers' lock */
	st->in_txn = DB_TXN_NONE;
	unpipe(st, 1);
	if ((r = st->db->ops->commit(st->db, txn)) != CXV_OK)
		cxv_store_memo_forget(st, 0);
	if (!st->trail_only)
		write_epoch++;	/* committed or not: read again to know */
	return r;
}

void
cxv_store_set_trail_only(struct cxv_store *st)
{
	st->trail_only = 1;
}

int
cxv_store_read_begin(struct cxv_store *st)
{
	return begin(st, DB_TXN_READ);
}

void
cxv_store_read_end(struct cxv_store *st)
{
	if (st->in_txn != DB_TXN_READ)
		return;
	st->in_txn = DB_TXN_NONE;
	(void)st->db->ops->commit(st->db, DB_TXN_READ);
}

void
cxv_store_rollback(struct cxv_store *st)
{
	if (st->in_txn == DB_TXN_NONE)
		return;
	unpipe(st, 0);
	st->db->ops->rollback(st->db, st->in_txn);
	st->in_txn = DB_TXN_NONE;
}

static int
migrate_one(struct cxv_store *st, int from)
{
	const char *sql = st->db->ops->migrations[from];
	int r;

	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((sql[0] != '\0' && (r = db_exec(st->db, sql)) != CXV_OK) ||
	    (r = st->db->ops->version_set(st->db, from + 1)) != CXV_OK) {
		cxv_store_rollback(st);
		return r;
	}
	return cxv_store_commit(st);
}

int
cxv_store_migrate(struct cxv_store *st)
{
	int v = 0, r;

	if ((r = check_version(st, &v)) != CXV_OK)
		return r;
	for (; v < DB_SCHEMA_LATEST; v++)
		if ((r = migrate_one(st, v)) != CXV_OK)
			return r;
	return CXV_OK;
}

int
cxv_store_snapshot(struct cxv_store *st, const char *path)
{
	struct cxv_store *copy = NULL;
	struct stat sb;
	int r;

	if (st->db->ops->snapshot != NULL)
		return st->db->ops->snapshot(st->db, path);
	/*
	 * An engine without its own: the same rows in a new SQLite file,
	 * made in place of the empty one a caller may have reserved.
	 */
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0)
		(void)unlink(path);
	if ((r = cxv_store_open(path, 1, &copy)) != CXV_OK)
		return r;
	r = cxv_store_copy(st, copy, NULL, NULL);
	cxv_store_close(copy);
	if (r != CXV_OK)
		(void)unlink(path);
	return r;
}

int
cxv_store_foreign(struct cxv_store *st, char *out, size_t cap)
{
	if (cap > 0)
		out[0] = '\0';
	return st->db->ops->foreign == NULL ? CXV_OK :
	    st->db->ops->foreign(st->db, out, cap);
}

int
cxv_store_set_aside(struct cxv_store *st, const char *stamp)
{
	char name[64];
	size_t i, n = 0;

	if (st->db->ops->set_aside == NULL)
		return CXV_ERR_INVALID;
	n = (size_t)snprintf(name, sizeof(name), "replaced_");
	for (i = 0; stamp[i] != '\0' && n + 1 < sizeof(name); i++)
		if (isalnum((unsigned char)stamp[i]))
			name[n++] = (char)tolower((unsigned char)stamp[i]);
	name[n] = '\0';
	return st->db->ops->set_aside(st->db, name);
}

int64_t
cxv_store_shred_bound_ms(struct cxv_store *st)
{
	return st->db->ops->shred_bound_ms;
}

int
cxv_store_checkpoint(struct cxv_store *st)
{
	return st->db->ops->checkpoint(st->db);
}

int
cxv_store_shreds_later(struct cxv_store *st)
{
	return st->db->ops->shred != NULL;
}

/*
 * Passes a few ms apart at first (mostly a commit just ending), then
 * 100 ms apart at most.
 */
int
cxv_store_shred(struct cxv_store *st, int wait, int *done)
{
	const struct db_ops *ops = st->db->ops;
	int r, n = 0, all = 0, left = 0, waited_ms = 0, nap_ms = 5;

	if (done != NULL)
		*done = 0;
	if (ops->shred == NULL)
		return ops->checkpoint(st->db);
	while ((r = ops->shred(st->db, &n, &left)) == CXV_OK) {
		all += n;
		if (left == 0 || !wait || waited_ms >= DB_SHRED_WAIT_MS)
			break;
		nanosleep(&(struct timespec){ 0, nap_ms * 1000000L }, NULL);
		waited_ms += nap_ms;
		nap_ms = nap_ms < 100 ? 2 * nap_ms : nap_ms;
	}
	if (done != NULL)
		*done = all;
	/* CHECKPOINT lets PostgreSQL recycle the log holding the old pages. */
	if (all > 0 && (n = ops->checkpoint(st->db)) != CXV_OK && r == CXV_OK)
		r = n;
	return r == CXV_OK && left > 0 ? CXV_ERR_BUSY : r;
}

int
cxv_store_column_blob(struct db_stmt *s, int col, uint8_t *buf, size_t cap,
    size_t *len)
{
	const void *p = db_column_blob(s, col);
	size_t n = db_column_bytes(s, col);

	if (n > cap || (p == NULL && n > 0))
		return CXV_ERR_CORRUPT;
	if (n > 0)
		memcpy(buf, p, (size_t)n);
	*len = (size_t)n;
	return CXV_OK;
}

int
cxv_store_step_one_change(struct cxv_store *st, struct db_stmt *s)
{
	int r;

	if ((r = cxv_store_step_done(s)) != CXV_OK)
		return r;
	return db_changes(st->db) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}

int
cxv_store_step_row(struct db_stmt *s)
{
	int rc = db_step(s);

	if (rc == DB_DONE)
		return CXV_ERR_NOT_FOUND;
	return rc == DB_ROW ? CXV_OK : db_rc(rc);
}

int
cxv_store_each_row(struct db_stmt *s, cxv_store_row_fn row, void *ctx)
{
	int r = CXV_OK, rc;

	while ((rc = db_step(s)) == DB_ROW)
		if ((r = row(s, ctx)) != CXV_OK)
			break;
	if (rc != DB_ROW)
		r = db_rc(rc);
	db_reset(s);
	return r;
}

int
cxv_store_one_row(struct db_stmt *s, cxv_store_row_fn row, void *ctx)
{
	int r;

	if ((r = cxv_store_step_row(s)) == CXV_OK)
		r = row(s, ctx);
	db_reset(s);
	return r;
}

int
cxv_store_meta_get(struct cxv_store *st, const char *key, uint8_t *buf,
    size_t cap, size_t *len)
{
	struct db_stmt *s;
	int r;

	*len = 0;
	if ((s = STMT(st, S_META_GET, &r)) == NULL)
		return r;
	db_bind_text(s, 1, key);
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		r = cxv_store_column_blob(s, 0, buf, cap, len);
	db_reset(s);
	return r;
}

int
cxv_store_meta_set(struct cxv_store *st, const char *key, const uint8_t *val,
    size_t len)
{
	struct db_stmt *s;
	int r;

	if ((s = STMT(st, S_META_SET, &r)) == NULL)
		return r;
	db_bind_text(s, 1, key);
	db_bind_blob(s, 2, val, len);
	return cxv_store_step_done(s);
}

int
cxv_store_count(struct cxv_store *st, enum store_part part,
    const char *const *sql, int id, int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = cxv_store_stmt(st, part, sql, id, &r)) == NULL)
		return r;
	if ((r = cxv_store_step_row(s)) == CXV_OK)
		*n = db_column_int64(s, 0);
	db_reset(s);
	return r;
}

const char *
cxv_store_column_text(struct db_stmt *s, int col)
{
	const char *t = db_column_text(s, col);

	return t != NULL ? t : "";
}

/* Savepoints: one record of a batch can fail without undoing the batch. */
int
cxv_store_savepoint(struct cxv_store *st)
{
	return db_exec(st->db, "SAVEPOINT rec");
}

int
cxv_store_release(struct cxv_store *st)
{
	return db_exec(st->db, "RELEASE rec");
}

void
cxv_store_rollback_savepoint(struct cxv_store *st)
{
	cxv_store_memo_forget(st, 0);
	(void)db_exec(st->db, "ROLLBACK TO rec");
	(void)db_exec(st->db, "RELEASE rec");
}
