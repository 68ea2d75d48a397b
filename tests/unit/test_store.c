/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the store (DESIGN 3-4) on SQLite, and in the 'pg' suite
 * (CXV_TEST_ENGINE=postgresql) on a new database of the test cluster
 * (CXV_TEST_PG, tests/pg_cluster.sh).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "base/err.h"
#include "base/util.h"
#include "store/store.h"

struct fx {
	char dir[32];
	char path[1024];		/* the file, or the database's URL */
	char db[40];			/* PostgreSQL: the database's name */
	struct cxv_store *st;
};

static int on_pg;

/* The test cluster's URL for database db ("{db}" in CXV_TEST_PG). */
static void
pg_url(const char *db, char *out, size_t cap)
{
	const char *base = getenv("CXV_TEST_PG"), *at = strstr(base, "{db}");

	assert_non_null(at);
	snprintf(out, cap, "%.*s%s%s", (int)(at - base), base, db, at + 4);
}

/* One statement on the cluster's database db, outside the store. */
static void
pg_run(const char *db, const char *sql)
{
	char url[1024];
	PGconn *c;
	PGresult *res;

	pg_url(db, url, sizeof(url));
	c = PQconnectdb(url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	res = PQexec(c, sql);
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char sql[80];

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/cxv-st-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (on_pg) {
		snprintf(f->db, sizeof(f->db), "st_%s", f->dir + 12);
		for (char *p = f->db; *p != '\0'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' :
			    *p);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->db);
		pg_run("postgres", sql);
		pg_url(f->db, f->path, sizeof(f->path));
	} else
		snprintf(f->path, sizeof(f->path), "%s/vault.db", f->dir);
	assert_int_equal(cxv_store_open(f->path, 1, &f->st), CXV_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char p[1100];

	cxv_store_close(f->st);
	if (on_pg) {
		snprintf(p, sizeof(p), "DROP DATABASE %s", f->db);
		pg_run("postgres", p);
	}
	unlink(f->path);
	snprintf(p, sizeof(p), "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* SQL on the store's database behind its back (either engine). */
static void
raw_exec(const struct fx *f, const char *sqlite_sql, const char *pg_sql)
{
	sqlite3 *db = NULL;
	const char *path = f->path, *sql = sqlite_sql;

	if (on_pg) {
		pg_run(f->db, pg_sql);
		return;
	}

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* A new database is at the latest schema; create never overwrites. */
static void
test_create(void **state)
{
	struct fx *f = *state;
	struct cxv_store *again = NULL;
	int v = 0;

	assert_int_equal(cxv_store_schema_version(f->st, &v), CXV_OK);
	assert_int_equal(v, cxv_store_schema_latest());
	assert_int_equal(cxv_store_open(f->path, 1, &again), CXV_ERR_EXISTS);
	assert_null(again);
	assert_int_equal(cxv_store_open("/nonexistent/x.db", 0, &again),
	    CXV_ERR_NOT_FOUND);
}

/* A schema newer than the build is refused, and left untouched. */
static void
test_newer_schema(void **state)
{
	struct fx *f = *state;
	struct cxv_store *st = NULL;

	cxv_store_close(f->st);
	f->st = NULL;
	raw_exec(f, "PRAGMA user_version = 999",
	    "UPDATE cxv_schema SET version = 999");
	assert_int_equal(cxv_store_open(f->path, 0, &st), CXV_ERR_VERSION);
	assert_null(st);
}

/* A file that is not SQLite is CORRUPT, not a crash. */
static void
test_not_a_database(void **state)
{
	struct fx *f = *state;
	struct cxv_store *st = NULL;
	FILE *fp;

	cxv_store_close(f->st);
	f->st = NULL;
	assert_non_null(fp = fopen(f->path, "r+"));
	fputs("this is not a database, not at all..", fp);
	fclose(fp);
	assert_int_equal(cxv_store_open(f->path, 0, &st), CXV_ERR_CORRUPT);
}

static int
count_id(void *ctx, int64_t id)
{
	int64_t *seen = ctx;

	*seen = id;
	return CXV_OK;
}

static int
count_ident(void *ctx, int kind, const uint8_t *bidx, const uint8_t *sealed,
    size_t len)
{
	int *n = ctx;

	(void)kind;
	(void)bidx;
	(void)sealed;
	(void)len;
	(*n)++;
	return CXV_OK;
}

/* Subjects and identifiers: insert, find, list, cascade delete. */
static void
test_subjects(void **state)
{
	struct fx *f = *state;
	uint8_t w[73], bidx[32], buf[128];
	size_t len = 0;
	int64_t created = 0, n = 0, seen = 0;
	int idents = 0;

	memset(w, 7, sizeof(w));
	memset(bidx, 9, sizeof(bidx));
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	assert_int_equal(cxv_store_subject_insert(f->st, 5, w, sizeof(w), 1000),
	    CXV_OK);
	assert_int_equal(cxv_store_subject_insert(f->st, 5, w, sizeof(w), 1000),
	    CXV_ERR_EXISTS);
	assert_int_equal(cxv_store_ident_insert(f->st, 5, 0, bidx, w, 10), CXV_OK);
	assert_int_equal(cxv_store_ident_insert(f->st, 5, 0, bidx, w, 10),
	    CXV_ERR_EXISTS);
	assert_int_equal(cxv_store_ident_insert(f->st, 5, 1, bidx, w, 10), CXV_OK);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	/*
	 * An identifier of a subject that does not exist: refused (and the
	 * transaction is to be rolled back: PostgreSQL failed it).
	 */
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	assert_int_not_equal(cxv_store_ident_insert(f->st, 6, 0, bidx, w, 10),
	    CXV_OK);
	cxv_store_rollback(f->st);
	assert_int_equal(cxv_store_subject_get(f->st, 5, buf, sizeof(buf), &len,
	    &created), CXV_OK);
	assert_int_equal(len, sizeof(w));
	assert_int_equal(created, 1000);
	assert_int_equal(cxv_store_ident_find(f->st, 0, bidx, count_id, &seen),
	    CXV_OK);
	assert_int_equal(seen, 5);
	assert_int_equal(cxv_store_ident_list(f->st, 5, count_ident, &idents),
	    CXV_OK);
	assert_int_equal(idents, 2);
	assert_int_equal(cxv_store_subject_delete(f->st, 5), CXV_OK);
	assert_int_equal(cxv_store_subject_delete(f->st, 5), CXV_ERR_NOT_FOUND);
	idents = 0;
	assert_int_equal(cxv_store_ident_list(f->st, 5, count_ident, &idents),
	    CXV_OK);
	assert_int_equal(idents, 0);
	assert_int_equal(cxv_store_subject_count(f->st, &n), CXV_OK);
	assert_int_equal(n, 0);
}

/* Rolled-back writes leave nothing. */
static void
test_rollback(void **state)
{
	struct fx *f = *state;
	uint8_t w[73] = { 0 };
	int64_t n = -1;

	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	assert_int_equal(cxv_store_begin(f->st), CXV_ERR_INTERNAL);
	assert_int_equal(cxv_store_subject_insert(f->st, 8, w, sizeof(w), 1),
	    CXV_OK);
	cxv_store_rollback(f->st);
	assert_int_equal(cxv_store_subject_count(f->st, &n), CXV_OK);
	assert_int_equal(n, 0);
}

/* A writer of another connection: waits for the bulk writer, then writes. */
static void *
other_writer(void *arg)
{
	struct cxv_store *st = arg;
	uint8_t w[73] = { 0 };

	if (cxv_store_begin(st) != CXV_OK ||
	    cxv_store_subject_insert(st, 9, w, sizeof(w), 1) != CXV_OK ||
	    cxv_store_commit(st) != CXV_OK)
		return "other writer failed";
	return NULL;
}

/* A bulk writer learns that another writer waits for it, and gives way. */
static void
test_bulk_yield(void **state)
{
	struct fx *f = *state;
	struct cxv_store *other = NULL;
	uint8_t w[73] = { 0 };
	pthread_t th;
	void *res = NULL;
	int64_t n = 0;
	int i;

	assert_int_equal(cxv_store_open(f->path, 0, &other), CXV_OK);
	assert_int_equal(cxv_store_yield_wanted(f->st), 0);
	assert_int_equal(cxv_store_begin_bulk(f->st), CXV_OK);
	assert_int_equal(cxv_store_subject_insert(f->st, 8, w, sizeof(w), 1),
	    CXV_OK);
	assert_int_equal(cxv_store_yield_wanted(f->st), 0);
	assert_int_equal(pthread_create(&th, NULL, other_writer, other), 0);
	for (i = 0; i < 5000 && !cxv_store_yield_wanted(f->st); i++)
		usleep(1000);
	assert_true(i < 5000);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);
	assert_int_equal(cxv_store_subject_count(f->st, &n), CXV_OK);
	assert_int_equal(n, 2);
	cxv_store_close(other);
}

static int rewrap_xor(void *ctx, int64_t id, const uint8_t *in, size_t inlen,
    uint8_t *out, size_t cap, size_t *outlen);

/* A piped bulk transaction of st with its memo on, as an import's. */
static void
piped_begin(struct cxv_store *st)
{
	struct cxv_store_want none = { "test", NULL, 0, NULL, 0 };

	assert_int_equal(cxv_store_begin_bulk(st), CXV_OK);
	assert_int_equal(cxv_store_pipeline(st), CXV_OK);
	assert_true(cxv_store_piped(st));
	assert_int_equal(cxv_store_prefetch(st, &none), CXV_OK);
}

/* Subject id's wrapped key, as st reads it in a piped transaction. */
static uint8_t
piped_key(struct cxv_store *st, int64_t id)
{
	uint8_t buf[128];
	size_t len = 0;
	int64_t created;

	piped_begin(st);
	assert_int_equal(cxv_store_subject_get(st, id, buf, sizeof(buf), &len,
	    &created), CXV_OK);
	assert_int_equal(cxv_store_commit(st), CXV_OK);
	assert_int_equal(len, 73);
	return buf[0];
}

/*
 * Issue 28: a piped import keeps the wrapped keys it read or wrote past
 * its commits, and drops them once any process deletes or rewraps a key
 * (the sequence subject_gone), or its own transaction rolls back.
 */
static void
test_piped_keys_kept(void **state)
{
	struct fx *f = *state;
	struct cxv_store *other = NULL;
	uint8_t w[73];

	assert_int_equal(cxv_store_open(f->path, 0, &other), CXV_OK);
	memset(w, 0x11, sizeof(w));
	piped_begin(f->st);
	assert_int_equal(cxv_store_subject_insert(f->st, 5, w, sizeof(w), 1),
	    CXV_OK);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	assert_int_equal(piped_key(f->st, 5), 0x11);
	/* Changed where the triggers do not see it: the kept key is used. */
	pg_run(f->db, "SET session_replication_role = replica; UPDATE "
	    "subject SET wrapped_key = set_byte(wrapped_key, 0, 34) WHERE id = 5");
	assert_int_equal(piped_key(f->st, 5), 0x11);
	/* Rewrapped by another writer: read again. */
	assert_int_equal(cxv_store_begin(other), CXV_OK);
	assert_int_equal(cxv_store_subject_rewrap(other, rewrap_xor, NULL),
	    CXV_OK);
	assert_int_equal(cxv_store_commit(other), CXV_OK);
	assert_int_equal(piped_key(f->st, 5), 0x22 ^ 0xff);
	/* A key written in a transaction rolled back is not kept. */
	memset(w, 0x33, sizeof(w));
	piped_begin(f->st);
	assert_int_equal(cxv_store_subject_insert(f->st, 6, w, sizeof(w), 1),
	    CXV_OK);
	cxv_store_rollback(f->st);
	memset(w, 0x44, sizeof(w));
	assert_int_equal(cxv_store_begin(other), CXV_OK);
	assert_int_equal(cxv_store_subject_insert(other, 6, w, sizeof(w), 1),
	    CXV_OK);
	assert_int_equal(cxv_store_commit(other), CXV_OK);
	assert_int_equal(piped_key(f->st, 6), 0x44);
	/* Deleted and made again by another writer: read again. */
	assert_int_equal(piped_key(f->st, 6), 0x44);
	assert_int_equal(cxv_store_begin(other), CXV_OK);
	assert_int_equal(cxv_store_subject_delete(other, 6), CXV_OK);
	memset(w, 0x55, sizeof(w));
	assert_int_equal(cxv_store_subject_insert(other, 6, w, sizeof(w), 1),
	    CXV_OK);
	assert_int_equal(cxv_store_commit(other), CXV_OK);
	assert_int_equal(piped_key(f->st, 6), 0x55);
	cxv_store_close(other);
}

struct holders {
	int64_t id[8];
	size_t n;
};

static int
add_holder(void *ctx, int64_t id)
{
	struct holders *h = ctx;

	assert_true(h->n < 8);
	h->id[h->n++] = id;
	return CXV_OK;
}

/* The holders of identifier b (kind 1), as st finds them piped. */
static size_t
piped_holders(struct cxv_store *st, uint8_t b, struct holders *h)
{
	struct cxv_store_want_ident want = { 1, 0, { 0 } };
	struct cxv_store_want w = { "test", NULL, 0, &want, 1 };

	memset(want.bidx, b, sizeof(want.bidx));
	h->n = 0;
	assert_int_equal(cxv_store_begin_bulk(st), CXV_OK);
	assert_int_equal(cxv_store_pipeline(st), CXV_OK);
	assert_int_equal(cxv_store_prefetch(st, &w), CXV_OK);
	assert_int_equal(cxv_store_ident_find(st, 1, want.bidx, add_holder, h),
	    CXV_OK);
	assert_int_equal(cxv_store_commit(st), CXV_OK);
	return h->n;
}

/* Identifier b (kind 1) added to subject sid by st, outside a pipe. */
static void
ident_add(struct cxv_store *st, int64_t sid, uint8_t b)
{
	uint8_t bidx[32], sealed[40] = { 0 };

	memset(bidx, b, sizeof(bidx));
	assert_int_equal(cxv_store_begin(st), CXV_OK);
	assert_int_equal(cxv_store_ident_insert(st, sid, 1, bidx, sealed,
	    sizeof(sealed)), CXV_OK);
	assert_int_equal(cxv_store_commit(st), CXV_OK);
}

/*
 * Issue 28: a piped import keeps whom it found for an identifier, or
 * that nobody holds it, past its commits, with its own writes; and asks
 * again once any other transaction (another process, or one of its own
 * outside a pipe) added, moved or deleted an identifier, or its own
 * transaction rolled back.
 */
static void
test_piped_idents_kept(void **state)
{
	struct fx *f = *state;
	struct cxv_store *other = NULL;
	struct holders h;
	uint8_t w[73] = { 0 }, bidx[32], sealed[40] = { 0 };
	int64_t id;

	assert_int_equal(cxv_store_open(f->path, 0, &other), CXV_OK);
	assert_int_equal(cxv_store_begin(other), CXV_OK);
	for (id = 5; id <= 9; id++)
		assert_int_equal(cxv_store_subject_insert(other, id, w,
		    sizeof(w), 1), CXV_OK);
	assert_int_equal(cxv_store_commit(other), CXV_OK);
	/* Nobody holds 0xb1; the import gives it to 5, piped. */
	assert_int_equal(piped_holders(f->st, 0xb1, &h), 0);
	memset(bidx, 0xb1, sizeof(bidx));
	piped_begin(f->st);
	assert_int_equal(cxv_store_ident_insert(f->st, 5, 1, bidx, sealed,
	    sizeof(sealed)), CXV_OK);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	/*
	 * Added where the triggers do not see it: what was kept, with the
	 * import's own write, answers (its commit counted its own change).
	 */
	pg_run(f->db, "SET session_replication_role = replica; INSERT INTO "
	    "subject_ident (subject_id, kind, bidx, sealed) VALUES (6, 1, "
	    "decode(repeat('b1', 32), 'hex'), '\\x00')");
	assert_int_equal(piped_holders(f->st, 0xb1, &h), 1);
	assert_int_equal(h.id[0], 5);
	assert_int_equal(piped_holders(f->st, 0xb1, &h), 1);
	/* Another writer adds a holder: asked again, all three found. */
	ident_add(other, 7, 0xb1);
	assert_int_equal(piped_holders(f->st, 0xb1, &h), 3);
	assert_true(h.id[0] == 5 && h.id[1] == 6 && h.id[2] == 7);
	/* So does the import's own store outside a pipe. */
	ident_add(f->st, 8, 0xb1);
	assert_int_equal(piped_holders(f->st, 0xb1, &h), 4);
	/* A holder added by a transaction rolled back is not kept. */
	piped_begin(f->st);
	assert_int_equal(cxv_store_ident_insert(f->st, 9, 1, bidx, sealed,
	    sizeof(sealed)), CXV_OK);
	cxv_store_rollback(f->st);
	assert_int_equal(piped_holders(f->st, 0xb1, &h), 4);
	assert_int_equal(h.id[3], 8);
	cxv_store_close(other);
}

/* n subjects from id on, piped: a full gang goes out, the pipe is on. */
static void
piped_subjects(struct cxv_store *st, int64_t id, int n)
{
	uint8_t w[73] = { 0 };

	for (int i = 0; i < n; i++)
		assert_int_equal(cxv_store_subject_insert(st, id + i, w,
		    sizeof(w), 1), CXV_OK);
}

/*
 * Issue 28: in a piped transaction the question "does another writer
 * wait?" goes with the writes, and its answer comes with theirs: the
 * next question after they are read says so.
 */
static void
test_piped_yield(void **state)
{
	struct fx *f = *state;
	struct cxv_store *other = NULL;
	pthread_t th;
	void *res = NULL;
	int64_t n = 0;
	int i;

	assert_int_equal(cxv_store_open(f->path, 0, &other), CXV_OK);
	piped_begin(f->st);
	piped_subjects(f->st, 100, 64);
	assert_int_equal(cxv_store_yield_wanted(f->st), 0);
	assert_int_equal(cxv_store_subject_count(f->st, &n), CXV_OK);
	assert_int_equal(pthread_create(&th, NULL, other_writer, other), 0);
	for (i = 0; i < 200; i++) {
		piped_subjects(f->st, 1000 + 64 * i, 64);
		if (cxv_store_yield_wanted(f->st))
			break;
		/* A read: what the pipe owes is read, the answer with it. */
		assert_int_equal(cxv_store_subject_count(f->st, &n), CXV_OK);
		usleep(1000);
	}
	assert_true(i > 0 && i < 200);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	assert_int_equal(pthread_join(th, &res), 0);
	assert_null(res);
	cxv_store_close(other);
}

static int
rewrap_xor(void *ctx, int64_t id, const uint8_t *in, size_t inlen,
    uint8_t *out, size_t cap, size_t *outlen)
{
	(void)ctx;
	(void)id;
	assert_true(inlen <= cap);
	for (size_t i = 0; i < inlen; i++)
		out[i] = in[i] ^ 0xff;
	*outlen = inlen;
	return CXV_OK;
}

static void
test_rewrap(void **state)
{
	struct fx *f = *state;
	uint8_t w[73], buf[128];
	size_t len = 0;
	int64_t created, id;

	memset(w, 0x0f, sizeof(w));
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	for (id = 1; id <= 50; id++)
		assert_int_equal(cxv_store_subject_insert(f->st, id, w,
		    sizeof(w), 1), CXV_OK);
	assert_int_equal(cxv_store_subject_rewrap(f->st, rewrap_xor, NULL),
	    CXV_OK);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	for (id = 1; id <= 50; id++) {
		assert_int_equal(cxv_store_subject_get(f->st, id, buf,
		    sizeof(buf), &len, &created), CXV_OK);
		assert_int_equal(buf[0], 0xf0);
		assert_int_equal(buf[72], 0xf0);
	}
}

/* Whether the file at path contains the bytes needle. */
static int
file_contains(const char *path, const uint8_t *needle, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	int found;

	if (cxv_read_file(path, 64 << 20, &text, &len) != CXV_OK)
		return 0;
	found = memmem(text, len, needle, n) != NULL;
	free(text);
	return found;
}

/* DESIGN 3: deleted rows are zeroed on disk (secure_delete), not freed. */
static void
test_secure_delete(void **state)
{
	struct fx *f = *state;
	uint8_t w[73], mark[300], bidx[32] = { 1 };

	memset(w, 1, sizeof(w));
	memcpy(mark, "SECRET-MARK-", 12);
	memset(mark + 12, 'Q', sizeof(mark) - 12);
	assert_int_equal(cxv_store_begin(f->st), CXV_OK);
	assert_int_equal(cxv_store_subject_insert(f->st, 77, w, sizeof(w), 1),
	    CXV_OK);
	assert_int_equal(cxv_store_ident_insert(f->st, 77, 0, bidx, mark,
	    sizeof(mark)), CXV_OK);
	assert_int_equal(cxv_store_commit(f->st), CXV_OK);
	cxv_store_close(f->st);
	assert_true(file_contains(f->path, mark, sizeof(mark)));
	assert_int_equal(cxv_store_open(f->path, 0, &f->st), CXV_OK);
	assert_int_equal(cxv_store_subject_delete(f->st, 77), CXV_OK);
	cxv_store_close(f->st);
	f->st = NULL;
	assert_false(file_contains(f->path, mark, sizeof(mark)));
	assert_false(file_contains(f->path, mark, 12));
}

static void
test_meta(void **state)
{
	struct fx *f = *state;
	uint8_t buf[8];
	size_t len = 0;

	assert_int_equal(cxv_store_meta_get(f->st, "k", buf, sizeof(buf), &len),
	    CXV_ERR_NOT_FOUND);
	assert_int_equal(cxv_store_meta_set(f->st, "k", (const uint8_t *)"abc",
	    3), CXV_OK);
	assert_int_equal(cxv_store_meta_set(f->st, "k", (const uint8_t *)"abcd",
	    4), CXV_OK);
	assert_int_equal(cxv_store_meta_get(f->st, "k", buf, sizeof(buf), &len),
	    CXV_OK);
	assert_int_equal(len, 4);
	assert_int_equal(cxv_store_meta_get(f->st, "k", buf, 2, &len),
	    CXV_ERR_CORRUPT);
}

int
main(void)
{
	const char *engine = getenv("CXV_TEST_ENGINE");

	on_pg = engine != NULL && strcmp(engine, "postgresql") == 0;
	if (on_pg && (getenv("CXV_TEST_PG") == NULL ||
	    strstr(getenv("CXV_TEST_PG"), "{db}") == NULL)) {
		printf("# SKIP store: no PostgreSQL cluster (tests/pg_cluster.sh "
		    "start DIR, then CXV_TEST_PG=its URL)\n1..0\n");
		return 0;
	}
	const struct CMUnitTest tests[] = {
		/* First: PostgreSQL's only. */
		cmocka_unit_test_setup_teardown(test_piped_keys_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_piped_idents_kept, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_piped_yield, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_subjects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_yield, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rewrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
		/* Last: the file of the SQLite engine. */
		cmocka_unit_test_setup_teardown(test_not_a_database, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_secure_delete, setup,
		    teardown),
	};
	size_t n = sizeof(tests) / sizeof(tests[0]), first = 0;

	if (!on_pg) {
		printf("# SKIP test_piped_keys_kept, test_piped_idents_kept, "
		    "test_piped_yield: PostgreSQL's piped imports only "
		    "(SQLite's statements cost no round trip)\n");
		first = 3;
		n -= 3;
	} else {
		printf("# SKIP test_not_a_database: SQLite's file only\n"
		    "# SKIP test_secure_delete: SQLite's file only (PostgreSQL: "
		    "test_erase scans the database's files)\n");
		n -= 2;
	}
	return _cmocka_run_group_tests("tests", tests + first, n, NULL, NULL);
}
