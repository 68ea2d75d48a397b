/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store interface (store.h) over either engine (db.h): the SQL of
 * every table, written once in the dialect both SQLite and PostgreSQL
 * speak, statements prepared once per connection and reused, schema
 * migrations in order.
 */
#include "store/store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "store/store_int.h"

enum stmt_id {
	S_META_GET, S_META_SET,
	S_SUBJ_INSERT, S_SUBJ_GET, S_SUBJ_DELETE, S_SUBJ_COUNT,
	S_SUBJ_ALL, S_SUBJ_REWRAP,
	S_IDENT_INSERT, S_IDENT_FIND, S_IDENT_LIST, S_IDENT_HELD,
	S_AUDIT_HEAD, S_AUDIT_INSERT, S_AUDIT_SCAN,
	S_CT_INSERT, S_CT_GET,
	S_US_INSERT, S_US_GET, S_US_BY_LOGON, S_US_BY_SUBJECT, S_US_ALL,
	S_CL_INSERT, S_CL_TRIM, S_CL_BY_USER,
	S_CP_INSERT, S_CP_BY_NAME, S_CP_ALL, S_CE_INSERT, S_CE_BY_CAMPAIGN,
	S_CE_CLEAR, S_CR_INSERT, S_CR_BY_CAMPAIGN, S_DNC_INSERT, S_DNC_GET,
	S_CO_INSERT, S_CO_BY_OWNER, S_CO_SHARED,
	S_IT_INSERT, S_IT_BY_IA, S_TS_INSERT, S_TS_DAYS, S_CH_INSERT,
	S_CH_BY_ROOM, S_CP_STATE, S_ER_INSERT, S_ER_FILES, S_TS_DELETE,
	S_SUBJ_RECORDS,
	S_IA_INSERT, S_IA_EXISTS, S_IA_COUNT, S_IA_BY_TIME, S_IA_BY_AGENT,
	S_IA_GET, S_IA_SHOW, S_IA_BY_SUBJECT,
	S_PR_INSERT, S_PR_UPDATE, S_PR_DELETE, S_PR_GET, S_PR_BY_NAME, S_PR_ALL,
	S_PR_USERS, S_CRED_PUT, S_CRED_GET, S_CRED_FAIL, S_CRED_LOCK,
	S_CRED_CLEAR, S_LF_GET, S_LF_ADD, S_LF_LOCK, S_PH_LIST, S_PH_INSERT,
	S_PH_TRIM, S_SE_INSERT, S_SE_GET, S_SE_TOUCH, S_SE_DELETE, S_SE_LIVE,
	S_SE_DELETE_USER, S_SE_EXPIRE, S_SUBJ_FLAGS, S_SUBJ_HOLD,
	S_SUBJ_RESTRICT, S_RQ_INSERT, S_RQ_GET, S_RQ_LIST, S_RQ_DECIDE,
	S_IDENT_DELETE, S_US_LOGON_SET, S_CT_BY_SUBJECT, S_CT_BY_IA, S_CP_EXISTS,
	S_TS_COUNT,
	S_TS_ROWS,
	S__COUNT
};

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
	[S_SUBJ_FLAGS] = "SELECT hold, restricted FROM subject WHERE id = ?1",
	[S_CT_BY_SUBJECT] = "SELECT id, subject_id, interaction_id, kind, file, "
	    "size, created_ms FROM content WHERE subject_id = ?1 ORDER BY id",
	[S_CT_BY_IA] = "SELECT id, subject_id, interaction_id, kind, file, "
	    "size, created_ms FROM content WHERE interaction_id = ?1 ORDER BY id",
	[S_TS_COUNT] = "SELECT count(*) FROM traffic_stat WHERE number_ps = ?1",
	[S_IDENT_DELETE] = "DELETE FROM subject_ident WHERE subject_id = ?1 AND "
	    "kind = ?2 AND bidx = ?3",
	[S_US_LOGON_SET] = "UPDATE user_account SET logon_bidx = ?2 WHERE "
	    "subject_id = ?1",
	[S_SUBJ_HOLD] = "UPDATE subject SET hold = ?2 WHERE id = ?1",
	[S_SUBJ_RESTRICT] = "UPDATE subject SET restricted = ?2 WHERE id = ?1",
	[S_RQ_INSERT] = "INSERT INTO erasure_request (id, subject_id, requester, "
	    "filed_ms, ground, status, decided_by, decided_ms, decision, "
	    "receipt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, '', '')",
	[S_RQ_GET] = "SELECT id, subject_id, requester, filed_ms, ground, status, "
	    "decided_by, decided_ms, decision, receipt FROM erasure_request "
	    "WHERE id = ?1",
	[S_RQ_LIST] = "SELECT id, subject_id, requester, filed_ms, ground, "
	    "status, decided_by, decided_ms, decision, receipt FROM "
	    "erasure_request WHERE (CAST(?1 AS BIGINT) < 0 OR status = ?1) AND "
	    "(CAST(?2 AS BIGINT) = 0 OR "
	    "requester = ?2) ORDER BY filed_ms, id",
	[S_RQ_DECIDE] = "UPDATE erasure_request SET status = ?2, decided_by = ?3, "
	    "decided_ms = ?4, decision = ?5, receipt = ?6 WHERE id = ?1 AND "
	    "status = 0",
	[S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[S_META_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	[S_SUBJ_INSERT] = "INSERT INTO subject (id, wrapped_key, created_ms) "
	    "VALUES (?1, ?2, ?3)",
	[S_SUBJ_GET] = "SELECT wrapped_key, created_ms FROM subject WHERE id = ?1",
	[S_SUBJ_DELETE] = "DELETE FROM subject WHERE id = ?1",
	[S_SUBJ_COUNT] = "SELECT count(*) FROM subject WHERE id != 1",
	[S_SUBJ_ALL] = "SELECT id, wrapped_key FROM subject ORDER BY id",
	[S_SUBJ_REWRAP] = "UPDATE subject SET wrapped_key = ?2 WHERE id = ?1",
	[S_IDENT_INSERT] = "INSERT INTO subject_ident "
	    "(subject_id, kind, bidx, sealed) VALUES (?1, ?2, ?3, ?4)",
	[S_IDENT_FIND] = "SELECT DISTINCT subject_id FROM subject_ident "
	    "WHERE bidx = ?1 AND kind = ?2 ORDER BY subject_id",
	[S_IDENT_HELD] = "SELECT 1 FROM subject_ident WHERE subject_id = ?1 "
	    "AND kind = ?2 AND bidx = ?3",
	[S_IDENT_LIST] = "SELECT kind, bidx, sealed FROM subject_ident "
	    "WHERE subject_id = ?1 ORDER BY seq",
	[S_AUDIT_HEAD] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
	[S_AUDIT_INSERT] = "INSERT INTO audit (seq, ts_ms, actor, action, "
	    "object_type, object_id, fields, prev, hash) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_AUDIT_SCAN] = "SELECT seq, ts_ms, actor, action, object_type, "
	    "object_id, fields, prev, hash FROM audit WHERE ts_ms >= ?1 "
	    "ORDER BY seq",
	[S_IA_INSERT] = "INSERT INTO interaction (id, subject_id, media, source, "
	    "source_ref, started_ms, answered_ms, ended_ms, outcome, sealed, "
	    "agent_user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_CT_INSERT] = "INSERT INTO content (id, subject_id, interaction_id, "
	    "kind, file, size, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_CT_GET] = "SELECT id, subject_id, interaction_id, kind, file, size, "
	    "created_ms FROM content WHERE id = ?1",
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
	[S_CL_INSERT] = "INSERT INTO call_log (id, user_id, subject_id, "
	    "direction, ts_ms, duration_s, sealed) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_CL_TRIM] = "DELETE FROM call_log WHERE user_id = ?1 AND id NOT IN "
	    "(SELECT id FROM call_log WHERE user_id = ?1 "
	    "ORDER BY ts_ms DESC, id DESC LIMIT ?2)",
	[S_CL_BY_USER] = "SELECT id, user_id, subject_id, direction, ts_ms, "
	    "duration_s, sealed FROM call_log WHERE user_id = ?1 "
	    "ORDER BY ts_ms DESC, id DESC",
	[S_CP_INSERT] = "INSERT INTO campaign (id, name, state, created_ms) "
	    "VALUES (?1, ?2, ?3, ?4)",
	[S_CP_BY_NAME] = "SELECT id, name, state, created_ms, "
	    "(SELECT count(*) FROM campaign_entry e WHERE e.campaign_id = c.id), "
	    "(SELECT count(*) FROM campaign_result r WHERE r.campaign_id = c.id) "
	    "FROM campaign c WHERE name = ?1",
	[S_CP_ALL] = "SELECT id, name, state, created_ms, "
	    "(SELECT count(*) FROM campaign_entry e WHERE e.campaign_id = c.id), "
	    "(SELECT count(*) FROM campaign_result r WHERE r.campaign_id = c.id) "
	    "FROM campaign c ORDER BY created_ms, id",
	[S_CE_INSERT] = "INSERT INTO campaign_entry (id, campaign_id, "
	    "subject_id, created_ms, sealed) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_CE_BY_CAMPAIGN] = "SELECT id, campaign_id, subject_id, created_ms, "
	    "sealed FROM campaign_entry WHERE campaign_id = ?1 "
	    "ORDER BY created_ms, id",
	[S_CE_CLEAR] = "DELETE FROM campaign_entry WHERE campaign_id = ?1",
	[S_CR_INSERT] = "INSERT INTO campaign_result (id, campaign_id, "
	    "subject_id, ts_ms, outcome, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[S_CR_BY_CAMPAIGN] = "SELECT id, campaign_id, subject_id, ts_ms, "
	    "sealed, outcome FROM campaign_result WHERE campaign_id = ?1 "
	    "ORDER BY ts_ms, id",
	[S_DNC_INSERT] = "INSERT INTO dnc (bidx, created_ms) VALUES (?1, ?2) "
	    "ON CONFLICT (bidx) DO NOTHING",
	[S_DNC_GET] = "SELECT 1 FROM dnc WHERE bidx = ?1",
	[S_CO_INSERT] = "INSERT INTO contact (id, subject_id, owner_user_id, "
	    "created_ms, sealed) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_CO_BY_OWNER] = "SELECT id, subject_id, owner_user_id, created_ms, "
	    "sealed FROM contact WHERE owner_user_id = ?1 ORDER BY created_ms, id",
	[S_CO_SHARED] = "SELECT id, subject_id, owner_user_id, created_ms, "
	    "sealed FROM contact WHERE owner_user_id IS NULL "
	    "ORDER BY created_ms, id",
	[S_IT_INSERT] = "INSERT INTO interaction_item (id, interaction_id, "
	    "subject_id, name, protected, destinations, created_ms, sealed) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[S_IT_BY_IA] = "SELECT id, interaction_id, subject_id, name, protected, "
	    "destinations, created_ms, sealed FROM interaction_item "
	    "WHERE interaction_id = ?1 ORDER BY created_ms, id",
	[S_TS_INSERT] = "INSERT INTO traffic_stat (ts_ms, duration_s, answered, "
	    "number_ps) VALUES (?1, ?2, ?3, ?4)",
	[S_TS_DAYS] = "SELECT ts_ms / 86400000, count(*), sum(answered), "
	    "sum(duration_s), count(DISTINCT number_ps) FROM traffic_stat "
	    "WHERE ts_ms >= ?1 AND ts_ms < ?2 GROUP BY 1 ORDER BY 1",
	[S_SUBJ_RECORDS] =
	    "SELECT 'interaction', id, started_ms, media FROM interaction "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'data_item', i.id, i.created_ms, a.media FROM "
	    "interaction_item i JOIN interaction a ON a.id = i.interaction_id "
	    "WHERE i.subject_id = ?1 "
	    "UNION ALL SELECT 'content', c.id, c.created_ms, a.media FROM "
	    "content c LEFT JOIN interaction a ON a.id = c.interaction_id "
	    "WHERE c.subject_id = ?1 "
	    "UNION ALL SELECT 'user', id, created_ms, NULL FROM user_account "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'call_log', id, ts_ms, NULL FROM call_log "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'contact', id, created_ms, NULL FROM contact "
	    "WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'campaign_entry', id, created_ms, NULL FROM "
	    "campaign_entry WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'campaign_result', id, ts_ms, NULL FROM "
	    "campaign_result WHERE subject_id = ?1 "
	    "UNION ALL SELECT 'charge', id, ts_ms, NULL FROM charge "
	    "WHERE subject_id = ?1 ORDER BY 3, 2",
	[S_TS_ROWS] = "SELECT id, ts_ms FROM traffic_stat WHERE number_ps = ?1 "
	    "ORDER BY ts_ms, id",
	[S_ER_INSERT] = "INSERT INTO erasure (subject_id, erased_ms, receipt) "
	    "VALUES (?1, ?2, ?3)",
	[S_ER_FILES] = "SELECT file, size FROM content WHERE subject_id = ?1",
	[S_TS_DELETE] = "DELETE FROM traffic_stat WHERE number_ps = ?1",
	[S_CP_STATE] = "UPDATE campaign SET state = ?2 WHERE id = ?1",
	[S_CP_EXISTS] = "SELECT 1 FROM campaign WHERE id = ?1",
	[S_CH_INSERT] = "INSERT INTO charge (id, subject_id, room, ts_ms, "
	    "duration_s, amount_cents, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_CH_BY_ROOM] = "SELECT id, subject_id, room, ts_ms, duration_s, "
	    "amount_cents, sealed FROM charge WHERE room = ?1 AND ts_ms >= ?2 "
	    "AND ts_ms < ?3 ORDER BY ts_ms, id",
	[S_IA_COUNT] = "SELECT count(*) FROM interaction",
	[S_IA_BY_AGENT] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id FROM "
	    "interaction WHERE agent_user_id = ?1 AND started_ms >= ?2 AND "
	    "started_ms < ?3 ORDER BY started_ms, id",
	[S_IA_BY_TIME] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id FROM interaction "
	    "WHERE started_ms >= ?1 AND started_ms < ?2 ORDER BY started_ms, id",
	[S_IA_EXISTS] = "SELECT 1 FROM interaction WHERE source = ?1 AND "
	    "started_ms = ?3 AND source_ref = ?2",
	[S_IA_GET] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id "
	    "FROM interaction WHERE id = ?1",
	/* CASE, not a bare EXISTS: PostgreSQL's would be a boolean. */
	[S_IA_SHOW] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id, "
	    "CASE WHEN EXISTS (SELECT 1 FROM interaction_item WHERE "
	    "interaction_id = ?1) THEN 1 ELSE 0 END, "
	    "CASE WHEN EXISTS (SELECT 1 FROM content WHERE "
	    "interaction_id = ?1) THEN 1 ELSE 0 END "
	    "FROM interaction WHERE id = ?1",
	[S_IA_BY_SUBJECT] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id FROM interaction "
	    "WHERE subject_id = ?1 AND started_ms >= ?2 AND started_ms < ?3 "
	    "ORDER BY started_ms, id",
};


struct cxv_store {
	struct db *db;
	struct db_stmt *stmt[S__COUNT];
	enum db_txn in_txn;
	struct db *arch;		/* retention's archive, if attached */
	int trail_only;			/* see cxv_store_set_trail_only() */
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

/*
 * The prepared statement id, reset and unbound, ready for binding; NULL
 * with *r set on failure.
 */
static struct db_stmt *
stmt(struct cxv_store *st, enum stmt_id id, int *r)
{
	if (st->stmt[id] == NULL &&
	    (*r = db_prepare(st->db, stmt_sql[id], &st->stmt[id])) != CXV_OK)
		return NULL;
	db_reset(st->stmt[id]);
	return st->stmt[id];
}

/* Step a statement that returns no rows, then reset it. */
static int
step_done(struct db_stmt *s)
{
	int rc = db_step(s);

	db_reset(s);
	return db_rc(rc);
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
	int i;

	if (st == NULL)
		return;
	(void)cxv_store_archive_detach(st);
	if (st->db != NULL) {
		cxv_store_rollback(st);
		for (i = 0; i < S__COUNT; i++)
			db_finalize(st->stmt[i]);
		st->db->ops->close(st->db);
	}
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
	st->in_txn = DB_TXN_NONE;
	r = st->db->ops->commit(st->db, txn);
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

int
cxv_store_checkpoint(struct cxv_store *st)
{
	return st->db->ops->checkpoint(st->db);
}

/* Copy a blob column into buf (cap bytes); CORRUPT if it does not fit. */
static int
column_blob(struct db_stmt *s, int col, uint8_t *buf, size_t cap, size_t *len)
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

/* step_done(), then NOT_FOUND unless exactly one row changed. */
static int
step_one_change(struct cxv_store *st, struct db_stmt *s)
{
	int r;

	if ((r = step_done(s)) != CXV_OK)
		return r;
	return db_changes(st->db) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}

/* Step a one-row query; NOT_FOUND if it returns none. */
static int
step_row(struct db_stmt *s)
{
	int rc = db_step(s);

	if (rc == DB_DONE)
		return CXV_ERR_NOT_FOUND;
	return rc == DB_ROW ? CXV_OK : db_rc(rc);
}

/*
 * Step s through its rows, calling row() on each; the first non-OK return
 * stops the scan and is returned. s is reset either way.
 */
typedef int (*row_fn)(struct db_stmt *s, void *ctx);

static int
each_row(struct db_stmt *s, row_fn row, void *ctx)
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

/* Step s once: row() on its row, NOT_FOUND without one; s is reset. */
static int
one_row(struct db_stmt *s, row_fn row, void *ctx)
{
	int r;

	if ((r = step_row(s)) == CXV_OK)
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
	if ((s = stmt(st, S_META_GET, &r)) == NULL)
		return r;
	db_bind_text(s, 1, key);
	if ((r = step_row(s)) == CXV_OK)
		r = column_blob(s, 0, buf, cap, len);
	db_reset(s);
	return r;
}

int
cxv_store_meta_set(struct cxv_store *st, const char *key, const uint8_t *val,
    size_t len)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_META_SET, &r)) == NULL)
		return r;
	db_bind_text(s, 1, key);
	db_bind_blob(s, 2, val, len);
	return step_done(s);
}

int
cxv_store_subject_insert(struct cxv_store *st, int64_t id,
    const uint8_t *wrapped, size_t len, int64_t created_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_SUBJ_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	db_bind_blob(s, 2, wrapped, len);
	db_bind_int64(s, 3, created_ms);
	return step_done(s);
}

int
cxv_store_subject_get(struct cxv_store *st, int64_t id, uint8_t *wrapped,
    size_t cap, size_t *len, int64_t *created_ms)
{
	struct db_stmt *s;
	int r;

	*len = 0;
	if ((s = stmt(st, S_SUBJ_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK) {
		r = column_blob(s, 0, wrapped, cap, len);
		*created_ms = db_column_int64(s, 1);
	}
	db_reset(s);
	return r;
}

int
cxv_store_subject_delete(struct cxv_store *st, int64_t id)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_SUBJ_DELETE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = step_done(s)) != CXV_OK)
		return r;
	return db_changes(st->db) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}

/* The single integer a count query returns. */
static int
count(struct cxv_store *st, enum stmt_id id, int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, id, &r)) == NULL)
		return r;
	if ((r = step_row(s)) == CXV_OK)
		*n = db_column_int64(s, 0);
	db_reset(s);
	return r;
}

int
cxv_store_subject_count(struct cxv_store *st, int64_t *n)
{
	return count(st, S_SUBJ_COUNT, n);
}

int
cxv_store_interaction_count(struct cxv_store *st, int64_t *n)
{
	return count(st, S_IA_COUNT, n);
}

struct rewrap {
	struct cxv_store *st;
	cxv_store_rewrap_fn fn;
	void *ctx;
};

static int
rewrap_row(struct db_stmt *all, void *ctx)
{
	struct rewrap *rw = ctx;
	uint8_t in[128], out[128];
	size_t inlen = 0, outlen = 0;
	struct db_stmt *up;
	int64_t id = db_column_int64(all, 0);
	int r;

	if ((r = column_blob(all, 1, in, sizeof(in), &inlen)) != CXV_OK ||
	    (r = rw->fn(rw->ctx, id, in, inlen, out, sizeof(out), &outlen))
	    != CXV_OK || (up = stmt(rw->st, S_SUBJ_REWRAP, &r)) == NULL)
		return r;
	db_bind_int64(up, 1, id);
	db_bind_blob(up, 2, out, outlen);
	return step_done(up);
}

int
cxv_store_subject_rewrap(struct cxv_store *st, cxv_store_rewrap_fn fn, void *ctx)
{
	struct rewrap rw = { st, fn, ctx };
	struct db_stmt *all;
	int r;

	if ((all = stmt(st, S_SUBJ_ALL, &r)) == NULL)
		return r;
	/* Updating a non-indexed column while scanning is safe in SQLite. */
	return each_row(all, rewrap_row, &rw);
}

int
cxv_store_ident_insert(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32], const uint8_t *sealed, size_t len)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, kind);
	db_bind_blob(s, 3, bidx, 32);
	db_bind_blob(s, 4, sealed, len);
	return step_done(s);
}

int
cxv_store_ident_held(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_HELD, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, kind);
	db_bind_blob(s, 3, bidx, 32);
	r = step_row(s);
	db_reset(s);
	return r;
}

int
cxv_store_ident_delete(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_DELETE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, kind);
	db_bind_blob(s, 3, bidx, 32);
	return step_one_change(st, s);
}

int
cxv_store_user_set_logon(struct cxv_store *st, int64_t subject_id,
    const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_US_LOGON_SET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_blob(s, 2, bidx, 32);
	return step_done(s);
}

struct id_cb {
	cxv_store_id_fn fn;
	void *ctx;
};

static int
id_row(struct db_stmt *s, void *ctx)
{
	struct id_cb *cb = ctx;

	return cb->fn(cb->ctx, db_column_int64(s, 0));
}

int
cxv_store_ident_find(struct cxv_store *st, int kind, const uint8_t bidx[32],
    cxv_store_id_fn fn, void *ctx)
{
	struct id_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_FIND, &r)) == NULL)
		return r;
	db_bind_blob(s, 1, bidx, 32);
	db_bind_int64(s, 2, kind);
	return each_row(s, id_row, &cb);
}

struct ident_cb {
	cxv_store_ident_fn fn;
	void *ctx;
};

static int
ident_row(struct db_stmt *s, void *ctx)
{
	struct ident_cb *cb = ctx;

	if (db_column_bytes(s, 1) != 32)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, (int)db_column_int64(s, 0),
	    db_column_blob(s, 1), db_column_blob(s, 2),
	    (size_t)db_column_bytes(s, 2));
}

int
cxv_store_ident_list(struct cxv_store *st, int64_t subject_id,
    cxv_store_ident_fn fn, void *ctx)
{
	struct ident_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_LIST, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return each_row(s, ident_row, &cb);
}

int
cxv_store_audit_head(struct cxv_store *st, int64_t *seq, uint8_t hash[32])
{
	struct db_stmt *s;
	size_t len = 0;
	int r;

	*seq = 0;
	memset(hash, 0, 32);
	if ((s = stmt(st, S_AUDIT_HEAD, &r)) == NULL)
		return r;
	if ((r = step_row(s)) == CXV_OK) {
		*seq = db_column_int64(s, 0);
		if ((r = column_blob(s, 1, hash, 32, &len)) == CXV_OK &&
		    len != 32)
			r = CXV_ERR_CORRUPT;
	} else if (r == CXV_ERR_NOT_FOUND)
		r = CXV_OK;
	db_reset(s);
	return r;
}

int
cxv_store_audit_insert(struct cxv_store *st, const struct cxv_audit_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_AUDIT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->seq);
	db_bind_int64(s, 2, row->ts_ms);
	db_bind_text(s, 3, row->actor);
	db_bind_text(s, 4, row->action);
	db_bind_text(s, 5, row->object_type);
	db_bind_text(s, 6, row->object_id);
	db_bind_text(s, 7, row->fields);
	db_bind_blob(s, 8, row->prev, 32);
	db_bind_blob(s, 9, row->hash, 32);
	return step_done(s);
}

/* Column text, "" for NULL, so that a tampered row cannot crash a reader. */
static const char *
text_or_empty(struct db_stmt *s, int col)
{
	const char *t = db_column_text(s, col);

	return t != NULL ? t : "";
}

struct audit_cb {
	cxv_store_audit_fn fn;
	void *ctx;
};

/* A wrong-sized hash reads as zeros, which the chain check reports. */
static int
audit_row(struct db_stmt *s, void *ctx)
{
	static const uint8_t zero[32];
	struct audit_cb *cb = ctx;
	struct cxv_audit_row row;

	row.seq = db_column_int64(s, 0);
	row.ts_ms = db_column_int64(s, 1);
	row.actor = text_or_empty(s, 2);
	row.action = text_or_empty(s, 3);
	row.object_type = text_or_empty(s, 4);
	row.object_id = text_or_empty(s, 5);
	row.fields = text_or_empty(s, 6);
	row.prev = db_column_bytes(s, 7) == 32 ?
	    db_column_blob(s, 7) : zero;
	row.hash = db_column_bytes(s, 8) == 32 ?
	    db_column_blob(s, 8) : zero;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_audit_scan(struct cxv_store *st, int64_t since_ms,
    cxv_store_audit_fn fn, void *ctx)
{
	struct audit_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_AUDIT_SCAN, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, since_ms);
	return each_row(s, audit_row, &cb);
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
	(void)db_exec(st->db, "ROLLBACK TO rec");
	(void)db_exec(st->db, "RELEASE rec");
}

int
cxv_store_interaction_insert(struct cxv_store *st,
    const struct cxv_interaction_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_int64(s, 3, row->media);
	db_bind_text(s, 4, row->source);
	db_bind_blob(s, 5, row->source_ref, 32);
	db_bind_int64(s, 6, row->started_ms);
	db_bind_int64(s, 7, row->answered_ms);
	db_bind_int64(s, 8, row->ended_ms);
	db_bind_text(s, 9, row->outcome);
	db_bind_blob(s, 10, row->sealed, row->sealed_len);
	if (row->agent_user_id != 0)
		db_bind_int64(s, 11, row->agent_user_id);
	return step_done(s);
}

int
cxv_store_interaction_exists(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32])
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_EXISTS, &r)) == NULL)
		return r;
	db_bind_text(s, 1, source);
	db_bind_blob(s, 2, ref, 32);
	db_bind_int64(s, 3, started_ms);
	r = step_row(s);
	db_reset(s);
	return r;
}

struct ia_cb {
	cxv_store_interaction_fn fn;
	void *ctx;
};

static int
interaction_row(struct db_stmt *s, void *ctx)
{
	struct ia_cb *cb = ctx;
	struct cxv_interaction_row row;

	memset(&row, 0, sizeof(row));
	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.media = (int)db_column_int64(s, 2);
	row.source = text_or_empty(s, 3);
	row.started_ms = db_column_int64(s, 4);
	row.answered_ms = db_column_int64(s, 5);
	row.ended_ms = db_column_int64(s, 6);
	row.outcome = text_or_empty(s, 7);
	row.sealed = db_column_blob(s, 8);
	row.sealed_len = (size_t)db_column_bytes(s, 8);
	row.agent_user_id = db_column_int64(s, 9);
	return cb->fn(cb->ctx, &row);
}

/* One interaction's row; and what it has, unless has is NULL. */
static int
interaction_one(struct cxv_store *st, int64_t id,
    struct cxv_interaction_has *has, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, has != NULL ? S_IA_SHOW : S_IA_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK && has != NULL) {
		has->items = db_column_int64(s, 10) != 0;
		has->content = db_column_int64(s, 11) != 0;
	}
	if (r == CXV_OK)
		r = interaction_row(s, &cb);
	db_reset(s);
	return r;
}

int
cxv_store_interaction_get(struct cxv_store *st, int64_t id,
    cxv_store_interaction_fn fn, void *ctx)
{
	return interaction_one(st, id, NULL, fn, ctx);
}

int
cxv_store_interaction_show(struct cxv_store *st, int64_t id,
    struct cxv_interaction_has *has, cxv_store_interaction_fn fn, void *ctx)
{
	return interaction_one(st, id, has, fn, ctx);
}

int
cxv_store_interaction_by_subject(struct cxv_store *st, int64_t subject_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_BY_SUBJECT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, since_ms);
	db_bind_int64(s, 3, until_ms);
	return each_row(s, interaction_row, &cb);
}

int
cxv_store_interaction_by_agent(struct cxv_store *st, int64_t user_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_BY_AGENT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, since_ms);
	db_bind_int64(s, 3, until_ms);
	return each_row(s, interaction_row, &cb);
}

int
cxv_store_interaction_by_time(struct cxv_store *st, int64_t since_ms,
    int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_BY_TIME, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, since_ms);
	db_bind_int64(s, 2, until_ms);
	return each_row(s, interaction_row, &cb);
}

int
cxv_store_content_insert(struct cxv_store *st, const struct cxv_content_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	if (row->interaction_id != 0)
		db_bind_int64(s, 3, row->interaction_id);
	db_bind_int64(s, 4, row->kind);
	db_bind_text(s, 5, row->file);
	db_bind_int64(s, 6, row->size);
	db_bind_int64(s, 7, row->created_ms);
	return step_done(s);
}

struct ct_cb {
	cxv_store_content_fn fn;
	void *ctx;
};

static int
content_row(struct db_stmt *s, void *ctx)
{
	struct ct_cb *cb = ctx;
	struct cxv_content_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.interaction_id = db_column_int64(s, 2);
	row.kind = (int)db_column_int64(s, 3);
	row.file = text_or_empty(s, 4);
	row.size = db_column_int64(s, 5);
	row.created_ms = db_column_int64(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_content_by_subject(struct cxv_store *st, int64_t subject_id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_BY_SUBJECT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return each_row(s, content_row, &cb);
}

int
cxv_store_campaign_exists(struct cxv_store *st, int64_t id)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_EXISTS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	r = step_row(s);
	db_reset(s);
	return r;
}

int
cxv_store_content_by_interaction(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_BY_IA, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	return each_row(s, content_row, &cb);
}

int
cxv_store_stat_count(struct cxv_store *st, const char *number_ps,
    int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_TS_COUNT, &r)) == NULL)
		return r;
	db_bind_text(s, 1, number_ps);
	if ((r = step_row(s)) == CXV_OK)
		*n = db_column_int64(s, 0);
	db_reset(s);
	return r;
}

int
cxv_store_content_get(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK)
		r = content_row(s, &cb);
	db_reset(s);
	return r;
}

int
cxv_store_user_insert(struct cxv_store *st, const struct cxv_user_row *row,
    const uint8_t logon_bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_US_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_blob(s, 3, logon_bidx, 32);
	db_bind_int64(s, 4, row->kind);
	db_bind_int64(s, 5, row->status);
	db_bind_int64(s, 6, row->created_ms);
	db_bind_blob(s, 7, row->sealed, row->sealed_len);
	return step_done(s);
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

	if ((s = stmt(st, id, &r)) == NULL)
		return r;
	if (bidx != NULL)
		db_bind_blob(s, 1, bidx, 32);
	else
		db_bind_int64(s, 1, key);
	return one_row(s, user_row, &cb);
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

	if ((s = stmt(st, S_US_ALL, &r)) == NULL)
		return r;
	return each_row(s, user_row, &cb);
}

int
cxv_store_call_log_insert(struct cxv_store *st,
    const struct cxv_call_log_row *row, int keep)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CL_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->user_id);
	db_bind_int64(s, 3, row->subject_id);
	db_bind_int64(s, 4, row->direction);
	db_bind_int64(s, 5, row->ts_ms);
	db_bind_int64(s, 6, row->duration_s);
	db_bind_blob(s, 7, row->sealed, row->sealed_len);
	if ((r = step_done(s)) != CXV_OK ||
	    (s = stmt(st, S_CL_TRIM, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->user_id);
	db_bind_int64(s, 2, keep);
	return step_done(s);
}

struct cl_cb {
	cxv_store_call_log_fn fn;
	void *ctx;
};

static int
call_log_row(struct db_stmt *s, void *ctx)
{
	struct cl_cb *cb = ctx;
	struct cxv_call_log_row row;

	row.id = db_column_int64(s, 0);
	row.user_id = db_column_int64(s, 1);
	row.subject_id = db_column_int64(s, 2);
	row.direction = (int)db_column_int64(s, 3);
	row.ts_ms = db_column_int64(s, 4);
	row.duration_s = db_column_int64(s, 5);
	row.sealed = db_column_blob(s, 6);
	row.sealed_len = (size_t)db_column_bytes(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_call_log_by_user(struct cxv_store *st, int64_t user_id,
    cxv_store_call_log_fn fn, void *ctx)
{
	struct cl_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CL_BY_USER, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	return each_row(s, call_log_row, &cb);
}

int
cxv_store_campaign_insert(struct cxv_store *st,
    const struct cxv_campaign_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_text(s, 2, row->name);
	db_bind_int64(s, 3, row->state);
	db_bind_int64(s, 4, row->created_ms);
	return step_done(s);
}

struct cp_cb {
	cxv_store_campaign_fn fn;
	void *ctx;
};

static int
campaign_row(struct db_stmt *s, void *ctx)
{
	struct cp_cb *cb = ctx;
	struct cxv_campaign_row row;

	row.id = db_column_int64(s, 0);
	row.name = text_or_empty(s, 1);
	row.state = (int)db_column_int64(s, 2);
	row.created_ms = db_column_int64(s, 3);
	row.entries = db_column_int64(s, 4);
	row.results = db_column_int64(s, 5);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_campaign_by_name(struct cxv_store *st, const char *name,
    cxv_store_campaign_fn fn, void *ctx)
{
	struct cp_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_BY_NAME, &r)) == NULL)
		return r;
	db_bind_text(s, 1, name);
	if ((r = step_row(s)) == CXV_OK)
		r = campaign_row(s, &cb);
	db_reset(s);
	return r;
}

int
cxv_store_campaign_all(struct cxv_store *st, cxv_store_campaign_fn fn,
    void *ctx)
{
	struct cp_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_ALL, &r)) == NULL)
		return r;
	return each_row(s, campaign_row, &cb);
}

int
cxv_store_campaign_item_insert(struct cxv_store *st, int result,
    const struct cxv_campaign_item *it)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, result ? S_CR_INSERT : S_CE_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, it->id);
	db_bind_int64(s, 2, it->campaign_id);
	db_bind_int64(s, 3, it->subject_id);
	db_bind_int64(s, 4, it->ts_ms);
	if (result) {
		db_bind_text(s, 5, it->outcome);
		db_bind_blob(s, 6, it->sealed, it->sealed_len);
	} else
		db_bind_blob(s, 5, it->sealed, it->sealed_len);
	return step_done(s);
}

struct ci_cb {
	cxv_store_campaign_item_fn fn;
	void *ctx;
	int result;
};

static int
campaign_item_row(struct db_stmt *s, void *ctx)
{
	struct ci_cb *cb = ctx;
	struct cxv_campaign_item it;

	it.id = db_column_int64(s, 0);
	it.campaign_id = db_column_int64(s, 1);
	it.subject_id = db_column_int64(s, 2);
	it.ts_ms = db_column_int64(s, 3);
	it.sealed = db_column_blob(s, 4);
	it.sealed_len = (size_t)db_column_bytes(s, 4);
	it.outcome = cb->result ? text_or_empty(s, 5) : "";
	return cb->fn(cb->ctx, &it);
}

int
cxv_store_campaign_items(struct cxv_store *st, int64_t campaign_id, int result,
    cxv_store_campaign_item_fn fn, void *ctx)
{
	struct ci_cb cb = { fn, ctx, result };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, result ? S_CR_BY_CAMPAIGN : S_CE_BY_CAMPAIGN, &r))
	    == NULL)
		return r;
	db_bind_int64(s, 1, campaign_id);
	return each_row(s, campaign_item_row, &cb);
}

int
cxv_store_campaign_clear_list(struct cxv_store *st, int64_t campaign_id,
    int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_CE_CLEAR, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, campaign_id);
	if ((r = step_done(s)) == CXV_OK)
		*n = db_changes(st->db);
	return r;
}

int
cxv_store_dnc_add(struct cxv_store *st, const uint8_t bidx[32], int64_t ts_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_DNC_INSERT, &r)) == NULL)
		return r;
	db_bind_blob(s, 1, bidx, 32);
	db_bind_int64(s, 2, ts_ms);
	return step_done(s);
}

int
cxv_store_dnc_has(struct cxv_store *st, const uint8_t bidx[32])
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_DNC_GET, &r)) == NULL)
		return r;
	db_bind_blob(s, 1, bidx, 32);
	r = step_row(s);
	db_reset(s);
	return r;
}

int
cxv_store_contact_insert(struct cxv_store *st, const struct cxv_contact_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CO_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	if (row->owner_user_id != 0)
		db_bind_int64(s, 3, row->owner_user_id);
	db_bind_int64(s, 4, row->created_ms);
	db_bind_blob(s, 5, row->sealed, row->sealed_len);
	return step_done(s);
}

struct co_cb {
	cxv_store_contact_fn fn;
	void *ctx;
};

static int
contact_row(struct db_stmt *s, void *ctx)
{
	struct co_cb *cb = ctx;
	struct cxv_contact_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.owner_user_id = db_column_int64(s, 2);
	row.created_ms = db_column_int64(s, 3);
	row.sealed = db_column_blob(s, 4);
	row.sealed_len = (size_t)db_column_bytes(s, 4);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_contacts(struct cxv_store *st, int64_t owner_user_id,
    cxv_store_contact_fn fn, void *ctx)
{
	struct co_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, owner_user_id ? S_CO_BY_OWNER : S_CO_SHARED, &r))
	    == NULL)
		return r;
	if (owner_user_id != 0)
		db_bind_int64(s, 1, owner_user_id);
	return each_row(s, contact_row, &cb);
}

int
cxv_store_item_insert(struct cxv_store *st, const struct cxv_item_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IT_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->interaction_id);
	db_bind_int64(s, 3, row->subject_id);
	db_bind_text(s, 4, row->name);
	db_bind_int64(s, 5, row->protected_);
	db_bind_int64(s, 6, row->destinations);
	db_bind_int64(s, 7, row->created_ms);
	db_bind_blob(s, 8, row->sealed, row->sealed_len);
	return step_done(s);
}

struct it_cb {
	cxv_store_item_fn fn;
	void *ctx;
};

static int
item_row(struct db_stmt *s, void *ctx)
{
	struct it_cb *cb = ctx;
	struct cxv_item_row row;

	row.id = db_column_int64(s, 0);
	row.interaction_id = db_column_int64(s, 1);
	row.subject_id = db_column_int64(s, 2);
	row.name = text_or_empty(s, 3);
	row.protected_ = (int)db_column_int64(s, 4);
	row.destinations = (int)db_column_int64(s, 5);
	row.created_ms = db_column_int64(s, 6);
	row.sealed = db_column_blob(s, 7);
	row.sealed_len = (size_t)db_column_bytes(s, 7);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_items(struct cxv_store *st, int64_t interaction_id,
    cxv_store_item_fn fn, void *ctx)
{
	struct it_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_IT_BY_IA, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, interaction_id);
	return each_row(s, item_row, &cb);
}

int
cxv_store_stat_insert(struct cxv_store *st, int64_t ts_ms, int64_t duration_s,
    int answered, const char *number_ps)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_TS_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, ts_ms);
	db_bind_int64(s, 2, duration_s);
	db_bind_int64(s, 3, answered);
	db_bind_text(s, 4, number_ps);
	return step_done(s);
}

struct day_cb {
	cxv_store_stat_day_fn fn;
	void *ctx;
};

static int
day_row(struct db_stmt *s, void *ctx)
{
	struct day_cb *cb = ctx;
	struct cxv_stat_day d;

	d.day_ms = db_column_int64(s, 0) * 86400000;
	d.calls = db_column_int64(s, 1);
	d.answered = db_column_int64(s, 2);
	d.duration_s = db_column_int64(s, 3);
	d.numbers = db_column_int64(s, 4);
	return cb->fn(cb->ctx, &d);
}

int
cxv_store_stat_days(struct cxv_store *st, int64_t since_ms, int64_t until_ms,
    cxv_store_stat_day_fn fn, void *ctx)
{
	struct day_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_TS_DAYS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, since_ms);
	db_bind_int64(s, 2, until_ms);
	return each_row(s, day_row, &cb);
}

int
cxv_store_charge_insert(struct cxv_store *st, const struct cxv_charge_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CH_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_text(s, 3, row->room);
	db_bind_int64(s, 4, row->ts_ms);
	db_bind_int64(s, 5, row->duration_s);
	db_bind_int64(s, 6, row->amount_cents);
	db_bind_blob(s, 7, row->sealed, row->sealed_len);
	return step_done(s);
}

struct ch_cb {
	cxv_store_charge_fn fn;
	void *ctx;
};

static int
charge_row(struct db_stmt *s, void *ctx)
{
	struct ch_cb *cb = ctx;
	struct cxv_charge_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.room = text_or_empty(s, 2);
	row.ts_ms = db_column_int64(s, 3);
	row.duration_s = db_column_int64(s, 4);
	row.amount_cents = db_column_int64(s, 5);
	row.sealed = db_column_blob(s, 6);
	row.sealed_len = (size_t)db_column_bytes(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_charges(struct cxv_store *st, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_store_charge_fn fn, void *ctx)
{
	struct ch_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CH_BY_ROOM, &r)) == NULL)
		return r;
	db_bind_text(s, 1, room);
	db_bind_int64(s, 2, since_ms);
	db_bind_int64(s, 3, until_ms);
	return each_row(s, charge_row, &cb);
}

int
cxv_store_campaign_set_state(struct cxv_store *st, int64_t id, int state)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_STATE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, state);
	if ((r = step_done(s)) != CXV_OK)
		return r;
	return db_changes(st->db) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}

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
		rc = db_prepare(st->db, erase_counts[i].sql, &s);
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

	return cb->fn(cb->ctx, text_or_empty(s, 0), db_column_int64(s, 1));
}

int
cxv_store_subject_files(struct cxv_store *st, int64_t subject_id,
    cxv_store_file_fn fn, void *ctx)
{
	struct file_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_ER_FILES, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return each_row(s, file_row, &cb);
}

int
cxv_store_stat_delete(struct cxv_store *st, const char *number_ps, int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_TS_DELETE, &r)) == NULL)
		return r;
	db_bind_text(s, 1, number_ps);
	if ((r = step_done(s)) == CXV_OK)
		*n = db_changes(st->db);
	return r;
}

int
cxv_store_erasure_insert(struct cxv_store *st, int64_t subject_id,
    int64_t erased_ms, const char *receipt)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_ER_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	db_bind_int64(s, 2, erased_ms);
	db_bind_text(s, 3, receipt);
	return step_done(s);
}

static int
bind_profile(struct cxv_store *st, enum stmt_id id,
    const struct cxv_profile_row *row, struct db_stmt **out)
{
	int r;

	if ((*out = stmt(st, id, &r)) == NULL)
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
	return step_done(s);
}

int
cxv_store_profile_update(struct cxv_store *st,
    const struct cxv_profile_row *row)
{
	struct db_stmt *s;
	int r;

	if ((r = bind_profile(st, S_PR_UPDATE, row, &s)) != CXV_OK)
		return r;
	return step_one_change(st, s);
}

int
cxv_store_profile_delete(struct cxv_store *st, int64_t id)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_PR_DELETE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	return step_one_change(st, s);
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

	if ((s = stmt(st, name != NULL ? S_PR_BY_NAME : S_PR_GET, &r)) == NULL)
		return r;
	if (name != NULL)
		db_bind_text(s, 1, name);
	else
		db_bind_int64(s, 1, id);
	return one_row(s, profile_row, &cb);
}

int
cxv_store_profile_all(struct cxv_store *st, cxv_store_profile_fn fn, void *ctx)
{
	struct pr_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_PR_ALL, &r)) == NULL)
		return r;
	return each_row(s, profile_row, &cb);
}

int
cxv_store_profile_users(struct cxv_store *st, int64_t id, int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_PR_USERS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK)
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

	if ((s = stmt(st, S_CRED_PUT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->user_id);
	db_bind_int64(s, 2, row->profile_id);
	db_bind_text(s, 3, row->pw_hash);
	db_bind_int64(s, 4, row->pw_changed_ms);
	db_bind_text(s, 5, row->pin_hash);
	db_bind_int64(s, 6, row->must_change);
	db_bind_int64(s, 7, row->failures);
	db_bind_int64(s, 8, row->locked_until_ms);
	return step_done(s);
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

	if ((s = stmt(st, S_CRED_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	return one_row(s, credential_row, &cb);
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
	if ((r = step_row(s)) == CXV_OK)
		failures = db_column_int64(s, 0);
	db_reset(s);
	if (r != CXV_OK || failures < limit)
		return r;
	if ((s = stmt(st, lock, &r)) == NULL)
		return r;
	bind_key(s, key);
	db_bind_int64(s, 2, until);
	*locked = 1;
	return step_done(s);
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

	if ((s = stmt(st, S_CRED_FAIL, &r)) == NULL)
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

	if ((s = stmt(st, S_CRED_CLEAR, &r)) == NULL)
		return r;
	bind_user(s, &user_id);
	return step_done(s);
}

int
cxv_store_login_failure_get(struct cxv_store *st, const uint8_t bidx[32],
    int64_t *locked_until_ms)
{
	struct db_stmt *s;
	int r;

	*locked_until_ms = 0;
	if ((s = stmt(st, S_LF_GET, &r)) == NULL)
		return r;
	bind_bidx(s, bidx);
	if ((r = step_row(s)) == CXV_OK)
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

	if ((s = stmt(st, S_LF_ADD, &r)) == NULL)
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

	if ((s = stmt(st, S_PH_LIST, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, n);
	return each_row(s, text_row, &cb);
}

int
cxv_store_password_history_add(struct cxv_store *st, int64_t user_id,
    const char *hash, int64_t changed_ms, int keep)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_PH_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_text(s, 2, hash);
	db_bind_int64(s, 3, changed_ms);
	if ((r = step_done(s)) != CXV_OK ||
	    (s = stmt(st, S_PH_TRIM, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, keep);
	return step_done(s);
}

int
cxv_store_session_insert(struct cxv_store *st,
    const struct cxv_session_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_SE_INSERT, &r)) == NULL)
		return r;
	bind_bidx(s, row->token_hash);
	db_bind_int64(s, 2, row->user_id);
	db_bind_int64(s, 3, row->kind);
	db_bind_int64(s, 4, (int64_t)row->scope);
	db_bind_int64(s, 5, row->created_ms);
	db_bind_int64(s, 6, row->last_ms);
	db_bind_int64(s, 7, row->expires_ms);
	return step_done(s);
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

	if ((s = stmt(st, S_SE_GET, &r)) == NULL)
		return r;
	bind_bidx(s, hash);
	return one_row(s, session_row, &cb);
}

/* Run statement id with the token hash as ?1 (and last_ms as ?2). */
static int
session_write(struct cxv_store *st, enum stmt_id id, const uint8_t hash[32],
    int64_t last_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, id, &r)) == NULL)
		return r;
	bind_bidx(s, hash);
	if (id == S_SE_TOUCH)
		db_bind_int64(s, 2, last_ms);
	return step_one_change(st, s);
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

	if ((s = stmt(st, S_SE_LIVE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	db_bind_int64(s, 2, kind);
	db_bind_int64(s, 3, now_ms);
	return each_row(s, session_row, &cb);
}

int
cxv_store_session_delete_user(struct cxv_store *st, int64_t user_id,
    int64_t *n)
{
	struct db_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_SE_DELETE_USER, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, user_id);
	if ((r = step_done(s)) == CXV_OK)
		*n = db_changes(st->db);
	return r;
}

int
cxv_store_session_expire(struct cxv_store *st, int64_t now_ms)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_SE_EXPIRE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, now_ms);
	return step_done(s);
}

int
cxv_store_subject_flags(struct cxv_store *st, int64_t id, int *hold,
    int *restricted)
{
	struct db_stmt *s;
	int r;

	*hold = *restricted = 0;
	if ((s = stmt(st, S_SUBJ_FLAGS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK) {
		*hold = (int)db_column_int64(s, 0);
		*restricted = (int)db_column_int64(s, 1);
	}
	db_reset(s);
	return r;
}

int
cxv_store_subject_flag_set(struct cxv_store *st, int64_t id, int restricted,
    int on)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, restricted ? S_SUBJ_RESTRICT : S_SUBJ_HOLD, &r)) ==
	    NULL)
		return r;
	db_bind_int64(s, 1, id);
	db_bind_int64(s, 2, on != 0);
	return step_one_change(st, s);
}

/* Every table holding sealed records of a subject, and their AD prefix. */
static const struct {
	const char *store, *ad, *select, *update;
} sealed_tables[CXV_SEALED__COUNT] = {
	[CXV_SEALED_INTERACTION] = { "interaction", "interaction",
	    "SELECT id, started_ms, sealed FROM interaction WHERE subject_id = ?1 "
	    "ORDER BY started_ms, id",
	    "UPDATE interaction SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_ITEM] = { "data_item", "item",
	    "SELECT id, created_ms, sealed FROM interaction_item WHERE "
	    "subject_id = ?1 ORDER BY created_ms, id",
	    "UPDATE interaction_item SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_USER] = { "user", "user",
	    "SELECT id, created_ms, sealed FROM user_account WHERE "
	    "subject_id = ?1 ORDER BY id",
	    "UPDATE user_account SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CALL_LOG] = { "call_log", "call_log",
	    "SELECT id, ts_ms, sealed FROM call_log WHERE subject_id = ?1 "
	    "ORDER BY ts_ms, id",
	    "UPDATE call_log SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CONTACT] = { "contact", "contact",
	    "SELECT id, created_ms, sealed FROM contact WHERE subject_id = ?1 "
	    "ORDER BY id",
	    "UPDATE contact SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CAMPAIGN_ENTRY] = { "campaign_entry", "campaign_entry",
	    "SELECT id, created_ms, sealed FROM campaign_entry WHERE "
	    "subject_id = ?1 ORDER BY id",
	    "UPDATE campaign_entry SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CAMPAIGN_RESULT] = { "campaign_result", "campaign_result",
	    "SELECT id, ts_ms, sealed FROM campaign_result WHERE "
	    "subject_id = ?1 ORDER BY ts_ms, id",
	    "UPDATE campaign_result SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
	[CXV_SEALED_CHARGE] = { "charge", "charge",
	    "SELECT id, ts_ms, sealed FROM charge WHERE subject_id = ?1 "
	    "ORDER BY ts_ms, id",
	    "UPDATE charge SET sealed = ?2, subject_id = ?3 WHERE id = ?1" },
};

const char *
cxv_store_sealed_name(int table)
{
	return table >= 0 && table < CXV_SEALED__COUNT ?
	    sealed_tables[table].store : NULL;
}

int
cxv_store_sealed_each(struct cxv_store *st, int64_t subject_id,
    cxv_store_sealed_fn fn, void *ctx)
{
	struct db_stmt *s = NULL;
	int t, rc, r = CXV_OK;

	for (t = 0; t < CXV_SEALED__COUNT && r == CXV_OK; t++) {
		rc = db_prepare(st->db, sealed_tables[t].select, &s);
		if (rc != CXV_OK)
			return db_rc(rc);
		db_bind_int64(s, 1, subject_id);
		while (r == CXV_OK && (rc = db_step(s)) == DB_ROW)
			r = fn(ctx, t, sealed_tables[t].ad,
			    db_column_int64(s, 0), db_column_int64(s, 1),
			    db_column_blob(s, 2),
			    (size_t)db_column_bytes(s, 2));
		if (r == CXV_OK && rc != DB_DONE)
			r = db_rc(rc);
		db_finalize(s);
	}
	return r;
}

int
cxv_store_sealed_update(struct cxv_store *st, int table, int64_t id,
    int64_t subject_id, const uint8_t *sealed, size_t len)
{
	struct db_stmt *s = NULL;
	int rc, r;

	if (table < 0 || table >= CXV_SEALED__COUNT)
		return CXV_ERR_INVALID;
	if ((rc = db_prepare(st->db, sealed_tables[table].update, &s)) != CXV_OK)
		return db_rc(rc);
	db_bind_int64(s, 1, id);
	db_bind_blob(s, 2, sealed, len);
	db_bind_int64(s, 3, subject_id);
	r = step_one_change(st, s);
	db_finalize(s);
	return r;
}

int
cxv_store_request_insert(struct cxv_store *st,
    const struct cxv_request_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_INSERT, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->subject_id);
	db_bind_int64(s, 3, row->requester);
	db_bind_int64(s, 4, row->filed_ms);
	db_bind_text(s, 5, row->ground);
	db_bind_int64(s, 6, row->status);
	return step_done(s);
}

struct rq_cb {
	cxv_store_request_fn fn;
	void *ctx;
};

static int
request_row(struct db_stmt *s, void *ctx)
{
	struct rq_cb *cb = ctx;
	struct cxv_request_row row;

	row.id = db_column_int64(s, 0);
	row.subject_id = db_column_int64(s, 1);
	row.requester = db_column_int64(s, 2);
	row.filed_ms = db_column_int64(s, 3);
	row.ground = db_column_text(s, 4);
	row.status = (int)db_column_int64(s, 5);
	row.decided_by = db_column_int64(s, 6);
	row.decided_ms = db_column_int64(s, 7);
	row.decision = db_column_text(s, 8);
	row.receipt = db_column_text(s, 9);
	if (row.ground == NULL || row.decision == NULL || row.receipt == NULL)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_request_get(struct cxv_store *st, int64_t id,
    cxv_store_request_fn fn, void *ctx)
{
	struct rq_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_GET, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, id);
	return one_row(s, request_row, &cb);
}

int
cxv_store_requests(struct cxv_store *st, int status, int64_t requester,
    cxv_store_request_fn fn, void *ctx)
{
	struct rq_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_LIST, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, status);
	db_bind_int64(s, 2, requester);
	return each_row(s, request_row, &cb);
}

int
cxv_store_request_decide(struct cxv_store *st,
    const struct cxv_request_row *row)
{
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_DECIDE, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, row->id);
	db_bind_int64(s, 2, row->status);
	db_bind_int64(s, 3, row->decided_by);
	db_bind_int64(s, 4, row->decided_ms);
	db_bind_text(s, 5, row->decision);
	db_bind_text(s, 6, row->receipt);
	return step_one_change(st, s);
}

/* What the record of processing counts, per store. */
static const struct {
	const char *store, *sql;
} inventory[] = {
	{ "identifiers", "SELECT count(*), 0 FROM subject_ident" },
	{ "interaction", "SELECT count(*), min(started_ms) FROM interaction" },
	{ "data_item", "SELECT count(*), min(created_ms) FROM interaction_item" },
	{ "content", "SELECT count(*), min(created_ms) FROM content" },
	{ "user", "SELECT count(*), min(created_ms) FROM user_account" },
	{ "call_log", "SELECT count(*), min(ts_ms) FROM call_log" },
	{ "contact", "SELECT count(*), min(created_ms) FROM contact" },
	{ "campaign_entry", "SELECT count(*), min(created_ms) FROM "
	    "campaign_entry" },
	{ "campaign_result", "SELECT count(*), min(ts_ms) FROM campaign_result" },
	{ "charge", "SELECT count(*), min(ts_ms) FROM charge" },
	{ "statistics", "SELECT count(*), min(ts_ms) FROM traffic_stat" },
	{ "audit", "SELECT count(*), min(ts_ms) FROM audit" },
	{ "erasures", "SELECT count(*), max(erased_ms) FROM erasure" },
	{ "content_bytes", "SELECT coalesce(sum(size), 0), 0 FROM content" },
	{ "api_tokens", "SELECT count(*), 0 FROM session WHERE kind = 1" },
};

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
		if ((rc = db_prepare(st->db, skeleton_sql[i], &s)) != CXV_OK)
			return db_rc(rc);
		if (i > 0)
			db_bind_int64(s, 1, subject_id);
		if ((r = step_done(s)) == CXV_OK && i == 3)
			*n = db_changes(st->db);
		db_finalize(s);
	}
	return r;
}

/* What anonymizing a user removes (R6.2); ?1 user id, ?2 its subject. */
static const char *const anonymize_sql[] = {
	"DELETE FROM content WHERE subject_id = ?2 AND interaction_id = 0",
	"DELETE FROM subject_ident WHERE subject_id = ?2",
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

	/* The user's own content files, named before their rows go. */
	if ((rc = db_prepare(st->db, "SELECT file, size FROM content "
	    "WHERE subject_id = ?1 AND interaction_id = 0", &s)) !=
	    CXV_OK)
		return db_rc(rc);
	db_bind_int64(s, 1, subject_id);
	r = CXV_OK;
	while (r == CXV_OK && (rc = db_step(s)) == DB_ROW)
		r = fn(ctx, text_or_empty(s, 0), db_column_int64(s, 1));
	if (r == CXV_OK && rc != DB_DONE)
		r = db_rc(rc);
	db_finalize(s);
	for (i = 0; r == CXV_OK && i < sizeof(anonymize_sql) /
	    sizeof(anonymize_sql[0]); i++) {
		if ((rc = db_prepare(st->db, anonymize_sql[i], &s)) != CXV_OK)
			return db_rc(rc);
		db_bind_int64(s, 1, user_id);
		db_bind_int64(s, 2, subject_id);
		r = step_done(s);
		db_finalize(s);
	}
	if (r != CXV_OK || (r = cxv_store_user_set_logon(st, subject_id,
	    logon_bidx)) != CXV_OK || (r = cxv_store_sealed_update(st,
	    CXV_SEALED_USER, user_id, subject_id, sealed, len)) != CXV_OK)
		return r;
	if ((rc = db_prepare(st->db, "UPDATE user_account SET status = "
	    "1 WHERE id = ?1", &s)) != CXV_OK)
		return db_rc(rc);
	db_bind_int64(s, 1, user_id);
	r = step_done(s);
	db_finalize(s);
	return r;
}

int
cxv_store_inventory(struct cxv_store *st, cxv_store_inventory_fn fn,
    void *ctx)
{
	struct db_stmt *s = NULL;
	size_t i;
	int rc, r = CXV_OK;

	for (i = 0; i < sizeof(inventory) / sizeof(inventory[0]) &&
	    r == CXV_OK; i++) {
		if ((rc = db_prepare(st->db, inventory[i].sql, &s)) != CXV_OK)
			return db_rc(rc);
		if ((rc = db_step(s)) == DB_ROW)
			r = fn(ctx, inventory[i].store, db_column_int64(s, 0),
			    db_column_int64(s, 1));
		else
			r = db_rc(rc);
		db_finalize(s);
	}
	return r;
}

struct rec_cb {
	cxv_store_record_fn fn;
	void *ctx;
};

static int
record_row(struct db_stmt *s, void *ctx)
{
	struct rec_cb *cb = ctx;
	struct cxv_record_ref ref;

	ref.store = text_or_empty(s, 0);
	ref.id = db_column_int64(s, 1);
	ref.ts_ms = db_column_int64(s, 2);
	ref.media = db_column_null(s, 3) ? -1 :
	    (int)db_column_int64(s, 3);
	return cb->fn(cb->ctx, &ref);
}

static int
stat_row(struct db_stmt *s, void *ctx)
{
	struct rec_cb *cb = ctx;
	struct cxv_record_ref ref = { "statistics", db_column_int64(s, 0),
	    db_column_int64(s, 1), -1 };

	return cb->fn(cb->ctx, &ref);
}

int
cxv_store_stat_rows(struct cxv_store *st, const char *number_ps,
    cxv_store_record_fn fn, void *ctx)
{
	struct rec_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_TS_ROWS, &r)) == NULL)
		return r;
	db_bind_text(s, 1, number_ps);
	return each_row(s, stat_row, &cb);
}

int
cxv_store_subject_records(struct cxv_store *st, int64_t subject_id,
    cxv_store_record_fn fn, void *ctx)
{
	struct rec_cb cb = { fn, ctx };
	struct db_stmt *s;
	int r;

	if ((s = stmt(st, S_SUBJ_RECORDS, &r)) == NULL)
		return r;
	db_bind_int64(s, 1, subject_id);
	return each_row(s, record_row, &cb);
}
