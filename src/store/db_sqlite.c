/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite engine under the store (db.h): one file, WAL mode,
 * secure_delete so freed pages are zeroed (DESIGN 3), foreign keys on,
 * one writer at a time, checkpoints after commits, the schema version in
 * PRAGMA user_version.
 */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/file.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/caps.h"
#include "base/err.h"

/*
 * Forward migrations; migration i takes the schema from version i to i+1.
 * Append only: a shipped migration is never edited. Every change is made
 * in db_pg.c's list too.
 */
static const char *const migrations[DB_SCHEMA_LATEST] = {
	/* 0 -> 1: the foundation. */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
	"CREATE TABLE subject ("
	"  id INTEGER PRIMARY KEY,"
	"  wrapped_key BLOB NOT NULL,"
	"  created_ms INTEGER NOT NULL);"
	"CREATE TABLE subject_ident ("
	"  seq INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL,"
	"  bidx BLOB NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  UNIQUE (subject_id, kind, bidx));"
	"CREATE INDEX subject_ident_bidx ON subject_ident (bidx, kind, subject_id);"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  ts_ms INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object_type TEXT NOT NULL,"
	"  object_id TEXT NOT NULL,"
	"  fields TEXT NOT NULL,"
	"  prev BLOB NOT NULL,"
	"  hash BLOB NOT NULL);"
	"CREATE INDEX audit_ts ON audit (ts_ms);",
	/*
	 * 1 -> 2: interactions (R1.3). Every row carries its subject id so
	 * that a distributed engine can shard by it; personal fields are one
	 * sealed blob; the source reference is a keyed hash (idempotent
	 * imports without storing the platform's id in clear).
	 */
	"CREATE TABLE interaction ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  media INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"
	"  source_ref BLOB NOT NULL,"
	"  started_ms INTEGER NOT NULL,"
	"  answered_ms INTEGER NOT NULL,"
	"  ended_ms INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  UNIQUE (source, started_ms, source_ref));"
	"CREATE INDEX interaction_subject ON interaction (subject_id, started_ms);"
	"CREATE INDEX interaction_started ON interaction (started_ms);"
	"CREATE TABLE interaction_step ("
	"  interaction_id INTEGER NOT NULL"
	"    REFERENCES interaction(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  ts_ms INTEGER NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  PRIMARY KEY (interaction_id, seq)) WITHOUT ROWID;",
	/*
	 * 2 -> 3: personal content (R1.7). The bytes live sealed in files
	 * with random names under DIR/content; the row links them to their
	 * subject and record.
	 */
	"CREATE TABLE content ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  interaction_id INTEGER REFERENCES interaction(id) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL,"
	"  file TEXT NOT NULL UNIQUE,"
	"  size INTEGER NOT NULL,"
	"  created_ms INTEGER NOT NULL);"
	"CREATE INDEX content_subject ON content (subject_id);"
	"CREATE INDEX content_interaction ON content (interaction_id);",
	/*
	 * 3 -> 4: internal users (R1.1) and agents' call logs (R1.5). A
	 * user is also a subject; a call-log entry belongs to the customer's
	 * subject (sealed under its key), so erasing the customer removes it
	 * from every agent's log (R6.5).
	 */
	"CREATE TABLE user_account ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  logon_bidx BLOB NOT NULL UNIQUE,"
	"  kind INTEGER NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  created_ms INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL);"
	"CREATE INDEX user_subject ON user_account (subject_id);"
	"CREATE TABLE call_log ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL"
	"    REFERENCES user_account(id) ON DELETE CASCADE,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  direction INTEGER NOT NULL,"
	"  ts_ms INTEGER NOT NULL,"
	"  duration_s INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL);"
	"CREATE INDEX call_log_user ON call_log (user_id, ts_ms);"
	"CREATE INDEX call_log_subject ON call_log (subject_id);",
	/*
	 * 4 -> 5: outbound campaigns (R1.6). Calling-list entries and
	 * results are separate tables, so clearing a list keeps the results
	 * and the other way round. The do-not-call list holds blind indexes
	 * only (their own key domain, so they do not join to subjects).
	 */
	"CREATE TABLE campaign ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  state INTEGER NOT NULL,"
	"  created_ms INTEGER NOT NULL);"
	"CREATE TABLE campaign_entry ("
	"  id INTEGER PRIMARY KEY,"
	"  campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  created_ms INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL,"
	"  UNIQUE (campaign_id, subject_id));"
	"CREATE INDEX campaign_entry_subject ON campaign_entry (subject_id);"
	"CREATE TABLE campaign_result ("
	"  id INTEGER PRIMARY KEY,"
	"  campaign_id INTEGER NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  ts_ms INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  sealed BLOB NOT NULL);"
	"CREATE INDEX campaign_result_campaign ON campaign_result (campaign_id);"
	"CREATE INDEX campaign_result_subject ON campaign_result (subject_id);"
	"CREATE TABLE dnc (bidx BLOB PRIMARY KEY, created_ms INTEGER NOT NULL)"
	"  WITHOUT ROWID;",
	/*
	 * 5 -> 6: directory contacts and personal contact lists (R1.2); a
	 * contact without owner is in the shared directory.
	 */
	"CREATE TABLE contact ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  owner_user_id INTEGER REFERENCES user_account(id) ON DELETE CASCADE,"
	"  created_ms INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL);"
	"CREATE INDEX contact_subject ON contact (subject_id);"
	"CREATE INDEX contact_owner ON contact (owner_user_id);",
	/*
	 * 6 -> 7: data items of interactions (R1.4), and traffic statistics
	 * (R1.8) that hold a pseudonym instead of a number and no subject.
	 */
	"CREATE TABLE interaction_item ("
	"  id INTEGER PRIMARY KEY,"
	"  interaction_id INTEGER NOT NULL"
	"    REFERENCES interaction(id) ON DELETE CASCADE,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  protected INTEGER NOT NULL,"
	"  destinations INTEGER NOT NULL,"
	"  created_ms INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL);"
	"CREATE INDEX interaction_item_ia ON interaction_item (interaction_id);"
	"CREATE INDEX interaction_item_subject ON interaction_item (subject_id);"
	"CREATE TABLE traffic_stat ("
	"  id INTEGER PRIMARY KEY,"
	"  ts_ms INTEGER NOT NULL,"
	"  duration_s INTEGER NOT NULL,"
	"  answered INTEGER NOT NULL,"
	"  number_ps TEXT NOT NULL);"
	"CREATE INDEX traffic_stat_ts ON traffic_stat (ts_ms);",
	/* 7 -> 8: the agent of an interaction (R1.3, R3.3). */
	"ALTER TABLE interaction ADD COLUMN agent_user_id INTEGER"
	"  REFERENCES user_account(id) ON DELETE SET NULL;"
	"CREATE INDEX interaction_agent ON interaction (agent_user_id, started_ms);",
	/* 8 -> 9: hospitality call charges for guest invoices (R1.9). */
	"CREATE TABLE charge ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  room TEXT NOT NULL,"
	"  ts_ms INTEGER NOT NULL,"
	"  duration_s INTEGER NOT NULL,"
	"  amount_cents INTEGER NOT NULL,"
	"  sealed BLOB NOT NULL);"
	"CREATE INDEX charge_room ON charge (room, ts_ms);"
	"CREATE INDEX charge_subject ON charge (subject_id);",
	/*
	 * 9 -> 10: the erasure register (DESIGN 3): erased subject ids and
	 * their receipts, no personal data; re-applied after a restore.
	 */
	"CREATE TABLE erasure ("
	"  subject_id INTEGER PRIMARY KEY,"
	"  erased_ms INTEGER NOT NULL,"
	"  receipt TEXT NOT NULL);"
	"CREATE INDEX traffic_stat_ps ON traffic_stat (number_ps);",
	/*
	 * 10 -> 11: logins (R2, R3). Credentials belong to users (R1.1);
	 * custom profiles are rows, predefined ones live in code. Sessions
	 * and API tokens are stored by the hash of their secret only.
	 */
	"CREATE TABLE profile ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  perms INTEGER NOT NULL);"
	"CREATE TABLE credential ("
	"  user_id INTEGER PRIMARY KEY"
	"    REFERENCES user_account(id) ON DELETE CASCADE,"
	"  profile_id INTEGER NOT NULL,"
	"  pw_hash TEXT,"
	"  pw_changed_ms INTEGER NOT NULL,"
	"  pin_hash TEXT,"
	"  must_change INTEGER NOT NULL,"
	"  failures INTEGER NOT NULL,"
	"  locked_until_ms INTEGER NOT NULL);"
	"CREATE INDEX credential_profile ON credential (profile_id);"
	"CREATE TABLE password_history ("
	"  user_id INTEGER NOT NULL"
	"    REFERENCES user_account(id) ON DELETE CASCADE,"
	"  hash TEXT NOT NULL,"
	"  changed_ms INTEGER NOT NULL);"
	"CREATE INDEX password_history_user ON password_history (user_id, "
	"  changed_ms);"
	"CREATE TABLE login_failure ("
	"  bidx BLOB PRIMARY KEY,"
	"  failures INTEGER NOT NULL,"
	"  locked_until_ms INTEGER NOT NULL);"
	"CREATE TABLE session ("
	"  token_hash BLOB PRIMARY KEY,"
	"  user_id INTEGER NOT NULL"
	"    REFERENCES user_account(id) ON DELETE CASCADE,"
	"  kind INTEGER NOT NULL,"
	"  scope INTEGER NOT NULL,"
	"  created_ms INTEGER NOT NULL,"
	"  last_ms INTEGER NOT NULL,"
	"  expires_ms INTEGER NOT NULL);"
	"CREATE INDEX session_user ON session (user_id, created_ms);",
	/*
	 * 11 -> 12: data-subject rights (R9). Legal hold and restriction of
	 * processing are flags of the subject (R9.5); erasure requests (R9.4)
	 * keep the subject id without a foreign key, since they outlive it,
	 * and hold codes and receipts only, no personal data.
	 */
	"ALTER TABLE subject ADD COLUMN hold INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE subject ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE erasure_request ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL,"
	"  requester INTEGER NOT NULL,"
	"  filed_ms INTEGER NOT NULL,"
	"  ground TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  decided_by INTEGER NOT NULL,"
	"  decided_ms INTEGER NOT NULL,"
	"  decision TEXT NOT NULL,"
	"  receipt TEXT NOT NULL);"
	"CREATE INDEX erasure_request_status ON erasure_request (status, "
	"  filed_ms);"
	"CREATE INDEX erasure_request_requester ON erasure_request (requester);",
	/*
	 * 12 -> 13: retention (R6.6) finds what expired by time in every
	 * table it sweeps.
	 */
	"CREATE INDEX content_created ON content (created_ms);"
	"CREATE INDEX call_log_ts ON call_log (ts_ms);"
	"CREATE INDEX campaign_result_ts ON campaign_result (ts_ms);"
	"CREATE INDEX charge_ts ON charge (ts_ms);",
	/*
	 * 13 -> 14: voicemail to email (R4.3): a user's choice, and the
	 * outbox of messages to send (ids, times, error codes: nothing
	 * personal; the content id outlives a message deleted once sent).
	 */
	"CREATE TABLE voicemail_mail ("
	"  user_id INTEGER PRIMARY KEY"
	"    REFERENCES user_account(id) ON DELETE CASCADE,"
	"  enabled INTEGER NOT NULL,"
	"  delete_after INTEGER NOT NULL);"
	"CREATE TABLE mail_outbox ("
	"  content_id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES user_account(id) ON DELETE CASCADE,"
	"  queued_ms INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL,"
	"  next_ms INTEGER NOT NULL,"
	"  sent_ms INTEGER NOT NULL,"
	"  last_error TEXT NOT NULL);"
	"CREATE INDEX mail_outbox_due ON mail_outbox (sent_ms, next_ms);"
	"CREATE INDEX mail_outbox_user ON mail_outbox (user_id, queued_ms);",
	/*
	 * 14 -> 15: an interaction's trail is read from its own times (the
	 * steps table held nothing else), and only calls with an agent are
	 * in the agents' index: an import writes one row and fewer index
	 * entries per CDR.
	 */
	"DROP TABLE interaction_step;"
	"DROP INDEX interaction_agent;"
	"CREATE INDEX interaction_agent ON interaction (agent_user_id, started_ms)"
	"  WHERE agent_user_id IS NOT NULL;",
	/*
	 * 15 -> 16: corrections end users ask for (R3.4, R9.3), which staff
	 * confirm: the old and new values sealed under the person's key,
	 * and gone with the decision or the person.
	 */
	"CREATE TABLE correction ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_id INTEGER NOT NULL REFERENCES subject(id) ON DELETE CASCADE,"
	"  requester INTEGER NOT NULL,"
	"  filed_ms INTEGER NOT NULL,"
	"  kind INTEGER NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  decided_by INTEGER NOT NULL,"
	"  decided_ms INTEGER NOT NULL,"
	"  decision TEXT NOT NULL,"
	"  sealed BLOB);"
	"CREATE INDEX correction_status ON correction (status, filed_ms);"
	"CREATE INDEX correction_subject ON correction (subject_id);"
	"CREATE INDEX correction_requester ON correction (requester);",
	/*
	 * 16 -> 17: what was masked in a recording or voicemail (issue 29):
	 * times and kinds, never digits; NULL for content not checked.
	 */
	"ALTER TABLE content ADD COLUMN masking TEXT;",
	/*
	 * 17 -> 18: the original beside what the mask left, where a
	 * category's policy is masked_and_original: its file (or NULL) and
	 * its plaintext size.
	 */
	"ALTER TABLE content ADD COLUMN original TEXT;"
	"ALTER TABLE content ADD COLUMN original_size INTEGER;"
	"CREATE UNIQUE INDEX content_original ON content (original);",
	/*
	 * 18 -> 19: PostgreSQL splits the table of subject keys into
	 * partitions (docs/scaling.md); SQLite's secure_delete already
	 * overwrites an erased key where it lay. Nothing here.
	 */
	"",
	/* 19 -> 20: PostgreSQL's queue of those partitions' rewrites. */
	"",
	/* 20 -> 21: PostgreSQL's foreign keys to a plain table of ids. */
	"",
	/* 21 -> 22: PostgreSQL's count of identifiers changed. */
	"",
};
_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == DB_SCHEMA_LATEST,
    "one migration per schema version");

/* Transaction control, prepared once (sqlite3_exec parses every time). */
enum { TX_READ, TX_WRITE, TX_COMMIT, TX_ROLLBACK, TX__COUNT };

static const char *const tx_sql[TX__COUNT] = {
	"BEGIN DEFERRED", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK",
};

struct lite {
	struct db base;
	sqlite3 *db;
	sqlite3_stmt *tx[TX__COUNT];
	int wal_frames;			/* in the WAL after the last commit */
	int turn;			/* the file's directory: writers' turns */
};

struct lite_stmt {
	struct db_stmt base;
	sqlite3_stmt *s;
};

#define LITE(d)		((struct lite *)(void *)(d))
#define LSTMT(st)	(((struct lite_stmt *)(void *)(st))->s)

/* SQLite's own threshold for an automatic checkpoint, in frames. */
#define CHECKPOINT_FRAMES	1000
#define WAL_RESTART_FRAMES	16000

/* An SQLite result code as the vault's error. */
static int
lite_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return CXV_OK;
	case SQLITE_DONE:
		return DB_DONE;
	case SQLITE_ROW:
		return DB_ROW;
	case SQLITE_NOMEM:
		return CXV_ERR_NOMEM;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
		return CXV_ERR_CORRUPT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return CXV_ERR_BUSY;
	case SQLITE_CONSTRAINT:
		return CXV_ERR_EXISTS;
	case SQLITE_TOOBIG:
		return CXV_ERR_TOO_LARGE;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return CXV_ERR_IO;
	default:
		return CXV_ERR_INTERNAL;
	}
}

static const char *
lite_name(struct db *d)
{
	(void)d;
	return "SQLite " SQLITE_VERSION;
}

static int
lite_exec(struct db *d, const char *sql)
{
	return lite_rc(sqlite3_exec(LITE(d)->db, sql, NULL, NULL, NULL));
}

/* Run one of the transaction statements. */
static int
tx(struct lite *l, int which)
{
	int rc;

	if (l->tx[which] == NULL && (rc = sqlite3_prepare_v3(l->db,
	    tx_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &l->tx[which],
	    NULL)) != SQLITE_OK)
		return lite_rc(rc);
	rc = sqlite3_step(l->tx[which]);
	sqlite3_reset(l->tx[which]);
	return rc == SQLITE_DONE ? CXV_OK : lite_rc(rc);
}

static int
lite_prepare(struct db *d, const char *sql, struct db_stmt **out)
{
	struct lite_stmt *ls;
	int rc;

	*out = NULL;
	if ((ls = calloc(1, sizeof(*ls))) == NULL)
		return CXV_ERR_NOMEM;
	ls->base.db = d;
	rc = sqlite3_prepare_v3(LITE(d)->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &ls->s, NULL);
	if (rc != SQLITE_OK || ls->s == NULL) {
		sqlite3_finalize(ls->s);
		free(ls);
		return lite_rc(rc) != CXV_OK ? lite_rc(rc) : CXV_ERR_INTERNAL;
	}
	*out = &ls->base;
	return CXV_OK;
}

static void
lite_finalize(struct db_stmt *s)
{
	sqlite3_finalize(LSTMT(s));
	free(s);
}

static void
lite_reset(struct db_stmt *s)
{
	sqlite3_reset(LSTMT(s));
	sqlite3_clear_bindings(LSTMT(s));
}

static int
lite_step(struct db_stmt *s)
{
	return lite_rc(sqlite3_step(LSTMT(s)));
}

static void
lite_bind_int64(struct db_stmt *s, int i, int64_t v)
{
	sqlite3_bind_int64(LSTMT(s), i, v);
}

static void
lite_bind_text(struct db_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(LSTMT(s), i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(LSTMT(s), i);
}

static void
lite_bind_blob(struct db_stmt *s, int i, const void *v, size_t n)
{
	sqlite3_bind_blob64(LSTMT(s), i, v, n, SQLITE_STATIC);
}

static int64_t
lite_column_int64(struct db_stmt *s, int i)
{
	return sqlite3_column_int64(LSTMT(s), i);
}

static const char *
lite_column_text(struct db_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(LSTMT(s), i);
}

static const void *
lite_column_blob(struct db_stmt *s, int i)
{
	return sqlite3_column_blob(LSTMT(s), i);
}

static size_t
lite_column_bytes(struct db_stmt *s, int i)
{
	int n = sqlite3_column_bytes(LSTMT(s), i);

	return n > 0 ? (size_t)n : 0;
}

static int
lite_column_null(struct db_stmt *s, int i)
{
	return sqlite3_column_type(LSTMT(s), i) == SQLITE_NULL;
}

static int
lite_column_count(struct db_stmt *s)
{
	return sqlite3_column_count(LSTMT(s));
}

static const char *
lite_column_name(struct db_stmt *s, int i)
{
	return sqlite3_column_name(LSTMT(s), i);
}

static enum db_type
lite_column_type(struct db_stmt *s, int i)
{
	switch (sqlite3_column_type(LSTMT(s), i)) {
	case SQLITE_INTEGER:
		return DB_INTEGER;
	case SQLITE_TEXT:
		return DB_TEXT;
	case SQLITE_NULL:
		return DB_NULL;
	default:	/* blobs; no table holds floats */
		return DB_BLOB;
	}
}

/* SQLite numbers rows on from the highest itself. */
static int
lite_copied(struct db *d)
{
	(void)d;
	return CXV_OK;
}

static int64_t
lite_changes(struct db *d)
{
	return sqlite3_changes64(LITE(d)->db);
}

static void
checkpoint_passive(struct lite *l)
{
	l->wal_frames = 0;
	(void)sqlite3_wal_checkpoint_v2(l->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
}

/*
 * Writers of one process take turns here before SQLite's file lock: a
 * thread that finds the lock taken would otherwise sleep in SQLite's
 * busy handler (milliseconds) while the holder needs microseconds.
 * Other processes still meet the busy timeout.
 */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

/*
 * Turns between bulk and other writers, of any process, as flock() on
 * the database's directory (not on a file SQLite locks: closing another
 * descriptor of it would drop SQLite's own POSIX locks). Other writers
 * hold it shared from before they wait for SQLite's lock until they
 * commit; a bulk writer only tries it exclusive: it is free when nobody
 * else waits or writes.
 */
static int
turn(struct lite *l, int op)
{
	int rc;

	while ((rc = flock(l->turn, op)) != 0 && errno == EINTR)
		;
	return rc == 0 ? CXV_OK : errno == EWOULDBLOCK ? CXV_ERR_BUSY :
	    CXV_ERR_IO;
}

/* Until no other writer waits or writes, or CXV_DB_BULK_WAIT_MS. */
static void
bulk_wait(struct lite *l)
{
	for (int waited_us = 0; waited_us < 1000 * CXV_DB_BULK_WAIT_MS;
	    waited_us += 100) {
		if (turn(l, LOCK_EX | LOCK_NB) == CXV_OK) {
			(void)turn(l, LOCK_UN);
			return;
		}
		nanosleep(&(struct timespec){ 0, 100000L }, NULL);
	}
}

static int
lite_yield_wanted(struct db *d)
{
	struct lite *l = LITE(d);

	if (turn(l, LOCK_EX | LOCK_NB) != CXV_OK)
		return 1;
	(void)turn(l, LOCK_UN);
	return 0;
}

static int
lite_begin(struct db *d, enum db_txn txn)
{
	struct lite *l = LITE(d);
	int r;

	if (txn == DB_TXN_READ)
		return tx(l, TX_READ);
	if (txn == DB_TXN_BULK)
		bulk_wait(l);
	else if ((r = turn(l, LOCK_SH)) != CXV_OK)
		return r;
	pthread_mutex_lock(&writer);
	if ((r = tx(l, TX_WRITE)) != CXV_OK) {
		pthread_mutex_unlock(&writer);
		if (txn == DB_TXN_WRITE)
			(void)turn(l, LOCK_UN);
	}
	return r;
}

static void
lite_rollback(struct db *d, enum db_txn txn)
{
	if (sqlite3_get_autocommit(LITE(d)->db) == 0)
		(void)tx(LITE(d), TX_ROLLBACK);
	if (txn == DB_TXN_READ)
		return;
	pthread_mutex_unlock(&writer);
	if (txn == DB_TXN_WRITE)
		(void)turn(LITE(d), LOCK_UN);
}

static int
lite_commit(struct db *d, enum db_txn txn)
{
	struct lite *l = LITE(d);
	int r;

	if ((r = tx(l, TX_COMMIT)) != CXV_OK) {
		lite_rollback(d, txn);
		return r;
	}
	if (txn == DB_TXN_READ)
		return CXV_OK;
	/*
	 * The checkpoint SQLite would run inside COMMIT runs here, after the
	 * writers' turn is passed on, so copying pages back no longer holds
	 * up the next writer of this process. But the log only starts over
	 * when a writer finds it all copied, which a stream of writers can
	 * keep from happening: past WAL_RESTART_FRAMES the checkpoint runs
	 * before the turn is passed on (short: most frames are copied).
	 */
	if (l->wal_frames >= WAL_RESTART_FRAMES)
		checkpoint_passive(l);
	pthread_mutex_unlock(&writer);
	if (txn == DB_TXN_WRITE)
		(void)turn(l, LOCK_UN);
	if (l->wal_frames >= CHECKPOINT_FRAMES)
		checkpoint_passive(l);
	return CXV_OK;
}

static int
lite_version_get(struct db *d, int *v)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(LITE(d)->db, "PRAGMA user_version", -1, &s,
	    NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		*v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? CXV_OK : db_rc(lite_rc(rc));
}

static int
lite_version_set(struct db *d, int v)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v);
	return lite_exec(d, sql);
}

static int
lite_snapshot(struct db *d, const char *path)
{
	sqlite3_stmt *s = NULL;
	int rc;

	/* One read transaction: consistent, and writers go on (WAL). */
	rc = sqlite3_prepare_v2(LITE(d)->db, "VACUUM INTO ?1", -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? CXV_OK : lite_rc(rc) != CXV_OK ?
	    lite_rc(rc) : CXV_ERR_IO;
}

/*
 * Copy the whole log back and truncate it, as a writer: a bulk writer
 * gives way, so the checkpoint does not wait for its batch. Another
 * connection's checkpoint (after its commit) holds the checkpoint lock
 * without a busy handler to wait through: poll until it is done, within
 * CXV_DB_BUSY_MS. BUSY if the log could not be truncated.
 */
static int
lite_checkpoint(struct db *d)
{
	struct lite *l = LITE(d);
	int r, log = 0, done = 0, waited_us = 0;

	if ((r = turn(l, LOCK_SH)) != CXV_OK)
		return r;
	while ((r = lite_rc(sqlite3_wal_checkpoint_v2(l->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &log, &done))) == CXV_ERR_BUSY &&
	    waited_us < 1000 * CXV_DB_BUSY_MS) {
		nanosleep(&(struct timespec){ 0, 100000L }, NULL);
		waited_us += 100;
	}
	(void)turn(l, LOCK_UN);
	return r == CXV_OK && done < log ? CXV_ERR_BUSY : r;
}

static void
lite_close(struct db *d)
{
	struct lite *l = LITE(d);

	for (int i = 0; i < TX__COUNT; i++)
		sqlite3_finalize(l->tx[i]);
	sqlite3_close(l->db);
	if (l->turn >= 0)
		close(l->turn);
	free(d);
}

static const struct db_ops lite_ops = {
	lite_name, lite_close, lite_exec, lite_prepare, lite_prepare,
	lite_finalize,
	lite_reset, lite_step, lite_bind_int64, lite_bind_text, lite_bind_blob,
	lite_column_int64, lite_column_text, lite_column_blob,
	lite_column_bytes, lite_column_null, lite_column_count,
	lite_column_name, lite_column_type, lite_changes, lite_begin,
	lite_commit, lite_rollback, lite_yield_wanted, NULL, lite_version_get,
	lite_version_set,
	lite_snapshot, lite_checkpoint, NULL, NULL, lite_copied, NULL, NULL,
	NULL, NULL, NULL, migrations,
	0,	/* secure_delete: the key overwritten inside the transaction */
};

/*
 * SQLite's own busy timeout sleeps in steps of up to 100 ms, so a writer
 * waiting on another process that commits a batch and at once starts the
 * next (an import) can miss every gap for seconds. Polling every 100 us,
 * then every millisecond, catches the gap; CXV_DB_BUSY_MS still bounds
 * the wait.
 */
static int
busy_wait(void *ctx, int tries)
{
	struct timespec ts = { 0, tries < 200 ? 100000L : 1000000L };
	long waited_us = tries < 200 ? 100L * tries :
	    20000L + 1000L * (tries - 200);

	(void)ctx;
	if (waited_us >= 1000L * CXV_DB_BUSY_MS)
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

/* After each commit in WAL mode (replaces the automatic checkpoint). */
static int
wal_committed(void *ctx, sqlite3 *db, const char *name, int frames)
{
	struct lite *l = ctx;

	(void)db;
	(void)name;
	l->wal_frames = frames;
	return SQLITE_OK;
}

/* Per-connection settings; journal_mode=WAL is recorded in the file. */
static int
configure(struct lite *l)
{
	int r;

	sqlite3_extended_result_codes(l->db, 0);
	if ((r = lite_rc(sqlite3_busy_handler(l->db, busy_wait, NULL))) !=
	    CXV_OK)
		return r;
	if ((r = lite_exec(&l->base, "PRAGMA secure_delete = ON;"
	    "PRAGMA cache_size = -32768;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA trusted_schema = OFF;"
	    "PRAGMA temp_store = MEMORY;")) != CXV_OK)
		return r;
	(void)sqlite3_wal_hook(l->db, wal_committed, l);
	return CXV_OK;
}

/*
 * Before SQLite starts: no allocation statistics, whose global mutex
 * every allocation of every connection took (the server's threads queued
 * on it). MISUSE if the program used SQLite already: then it keeps them.
 */
static void
lite_setup(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The directory holding path, opened for the writers' turns. */
static int
open_turn(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];

	if (slash == NULL)
		return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if ((size_t)(slash - path) >= sizeof(dir))
		return -1;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 :
	    (int)(slash - path), path);
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* Create the file ourselves so that it is 0600 from its first byte. */
static int
create_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);

	if (fd < 0)
		return CXV_ERR_EXISTS;
	close(fd);
	return CXV_OK;
}

int
db_sqlite_open(const char *path, int create, struct db **out)
{
	struct lite *l;
	int r, rc;

	static pthread_once_t once = PTHREAD_ONCE_INIT;

	*out = NULL;
	(void)pthread_once(&once, lite_setup);
	if (create && (r = create_file(path)) != CXV_OK)
		return r;
	if (!create && access(path, F_OK) != 0)
		return CXV_ERR_NOT_FOUND;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return CXV_ERR_NOMEM;
	l->base.ops = &lite_ops;
	if ((l->turn = open_turn(path)) < 0) {
		free(l);
		return CXV_ERR_IO;
	}
	rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL);
	if ((r = lite_rc(rc)) == CXV_OK && (r = configure(l)) == CXV_OK &&
	    create)
		r = lite_exec(&l->base, "PRAGMA journal_mode = WAL");
	if (r != CXV_OK) {
		lite_close(&l->base);
		return r;
	}
	*out = &l->base;
	return CXV_OK;
}
