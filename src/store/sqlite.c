/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite engine of the store interface (store.h). WAL mode,
 * secure_delete so freed pages are zeroed (DESIGN 3), foreign keys on,
 * statements prepared once and reused, schema migrations in order.
 */
#include "store.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "err.h"
#include "caps.h"
#include "sqlite_int.h"

/*
 * Forward migrations; migration i takes the schema from version i to i+1.
 * Append only: a shipped migration is never edited.
 */
static const char *const migrations[] = {
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
};
#define SCHEMA_LATEST ((int)(sizeof(migrations) / sizeof(migrations[0])))

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
	S_IA_INSERT, S_IA_EXISTS, S_IA_COUNT, S_IA_BY_TIME, S_IA_BY_AGENT, S_IA_STEP, S_IA_GET, S_IA_STEPS, S_IA_BY_SUBJECT,
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
	[S_CRED_PUT] = "INSERT OR REPLACE INTO credential (user_id, profile_id, "
	    "pw_hash, pw_changed_ms, pin_hash, must_change, failures, "
	    "locked_until_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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
	    "SET failures = failures + 1 RETURNING failures",
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
	    "erasure_request WHERE (?1 < 0 OR status = ?1) AND (?2 = 0 OR "
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
	[S_IA_STEP] = "INSERT INTO interaction_step (interaction_id, seq, ts_ms, "
	    "kind) VALUES (?1, ?2, ?3, ?4)",
	[S_IA_GET] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id "
	    "FROM interaction WHERE id = ?1",
	[S_IA_STEPS] = "SELECT seq, ts_ms, kind FROM interaction_step "
	    "WHERE interaction_id = ?1 ORDER BY seq",
	[S_IA_BY_SUBJECT] = "SELECT id, subject_id, media, source, started_ms, "
	    "answered_ms, ended_ms, outcome, sealed, agent_user_id FROM interaction "
	    "WHERE subject_id = ?1 AND started_ms >= ?2 AND started_ms < ?3 "
	    "ORDER BY started_ms, id",
};

struct cxv_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S__COUNT];
	int in_txn;
	int wal_frames;			/* in the WAL after the last commit */
};

/* SQLite's own threshold for an automatic checkpoint, in frames. */
#define CHECKPOINT_FRAMES	1000
#define WAL_RESTART_FRAMES	(16 * CHECKPOINT_FRAMES)

static void
checkpoint_passive(struct cxv_store *st)
{
	st->wal_frames = 0;
	(void)sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    NULL, NULL);
}

sqlite3 *
cxv_sqlite_db(struct cxv_store *st)
{
	return st->db;
}

int
cxv_sqlite_prepare(struct cxv_store *st, const char *sql, sqlite3_stmt **s)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, s, NULL);

	return rc == SQLITE_OK ? CXV_OK : cxv_sqlite_rc(rc) != CXV_OK ?
	    cxv_sqlite_rc(rc) : CXV_ERR_INTERNAL;
}

int
cxv_sqlite_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return CXV_OK;
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

/*
 * The prepared statement id, reset and unbound, ready for binding; NULL
 * with *r set on failure.
 */
static sqlite3_stmt *
stmt(struct cxv_store *st, enum stmt_id id, int *r)
{
	int rc;

	if (st->stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->stmt[id], NULL);
		if (rc != SQLITE_OK || st->stmt[id] == NULL) {
			*r = cxv_sqlite_rc(rc) != CXV_OK ? cxv_sqlite_rc(rc) : CXV_ERR_INTERNAL;
			return NULL;
		}
	}
	sqlite3_reset(st->stmt[id]);
	sqlite3_clear_bindings(st->stmt[id]);
	return st->stmt[id];
}

/* Step a statement that returns no rows, then reset it. */
static int
step_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	return rc == SQLITE_DONE ? CXV_OK : cxv_sqlite_rc(rc);
}

static int
exec(struct cxv_store *st, const char *sql)
{
	return cxv_sqlite_rc(sqlite3_exec(st->db, sql, NULL, NULL, NULL));
}

static int
user_version(struct cxv_store *st, int *v)
{
	sqlite3_stmt *s = NULL;
	int rc;

	rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		*v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? CXV_OK : cxv_sqlite_rc(rc);
}

int
cxv_store_schema_latest(void)
{
	return SCHEMA_LATEST;
}

int
cxv_store_schema_version(struct cxv_store *st, int *version)
{
	return user_version(st, version);
}

/* Per-connection settings; journal_mode=WAL is recorded in the file. */
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
	struct cxv_store *st = ctx;

	(void)db;
	(void)name;
	st->wal_frames = frames;
	return SQLITE_OK;
}

static int
configure(struct cxv_store *st)
{
	int r;

	sqlite3_extended_result_codes(st->db, 0);
	if ((r = cxv_sqlite_rc(sqlite3_busy_handler(st->db, busy_wait, NULL))) != CXV_OK)
		return r;
	if ((r = exec(st, "PRAGMA secure_delete = ON;"
	    "PRAGMA cache_size = -32768;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA trusted_schema = OFF;")) != CXV_OK)
		return r;
	(void)sqlite3_wal_hook(st->db, wal_committed, st);
	return CXV_OK;
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

/* The schema version in *v; CXV_ERR_VERSION if newer than this build. */
static int
check_version(struct cxv_store *st, int *v)
{
	int r;

	if ((r = user_version(st, v)) != CXV_OK)
		return r;
	return *v > SCHEMA_LATEST ? CXV_ERR_VERSION : CXV_OK;
}

int
cxv_store_open(const char *path, int create, struct cxv_store **out)
{
	struct cxv_store *st = NULL;
	int r, rc, v = 0;

	*out = NULL;
	if (create && (r = create_file(path)) != CXV_OK)
		return r;
	if (!create && access(path, F_OK) != 0)
		return CXV_ERR_NOT_FOUND;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return CXV_ERR_NOMEM;
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX, NULL);
	if ((r = cxv_sqlite_rc(rc)) != CXV_OK)
		goto fail;
	if ((r = configure(st)) != CXV_OK || (r = check_version(st, &v)) != CXV_OK)
		goto fail;
	if (create && ((r = exec(st, "PRAGMA journal_mode = WAL")) != CXV_OK ||
	    (r = cxv_store_migrate(st)) != CXV_OK))
		goto fail;
	*out = st;
	return CXV_OK;
 fail:
	cxv_store_close(st);
	if (create)
		(void)unlink(path);
	return r;
}

void
cxv_store_close(struct cxv_store *st)
{
	int i;

	if (st == NULL)
		return;
	cxv_store_rollback(st);
	for (i = 0; i < S__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	free(st);
}

/*
 * Writers of one process take turns here before SQLite's file lock: a
 * thread that finds the lock taken would otherwise sleep in SQLite's
 * busy handler (milliseconds) while the holder needs microseconds.
 * Other processes still meet the busy timeout.
 */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;

int
cxv_store_begin(struct cxv_store *st)
{
	int r;

	if (st->in_txn)
		return CXV_ERR_INTERNAL;
	pthread_mutex_lock(&writer);
	if ((r = exec(st, "BEGIN IMMEDIATE")) == CXV_OK)
		st->in_txn = 1;
	else
		pthread_mutex_unlock(&writer);
	return r;
}

int
cxv_store_commit(struct cxv_store *st)
{
	int r;

	if (st->in_txn != 1)
		return CXV_ERR_INTERNAL;
	if ((r = exec(st, "COMMIT")) != CXV_OK) {
		cxv_store_rollback(st);
		return r;
	}
	st->in_txn = 0;
	/*
	 * The checkpoint SQLite would run inside COMMIT runs here, after the
	 * writers' turn is passed on, so copying pages back no longer holds
	 * up the next writer of this process. But the log only starts over
	 * when a writer finds it all copied, which a stream of writers can
	 * keep from happening: past WAL_RESTART_FRAMES the checkpoint runs
	 * before the turn is passed on (short: most frames are copied).
	 */
	if (st->wal_frames >= WAL_RESTART_FRAMES)
		checkpoint_passive(st);
	pthread_mutex_unlock(&writer);
	if (st->wal_frames >= CHECKPOINT_FRAMES)
		checkpoint_passive(st);
	return CXV_OK;
}

int
cxv_store_read_begin(struct cxv_store *st)
{
	int r;

	if (st->in_txn)
		return CXV_ERR_INTERNAL;
	if ((r = exec(st, "BEGIN DEFERRED")) == CXV_OK)
		st->in_txn = 2;
	return r;
}

void
cxv_store_read_end(struct cxv_store *st)
{
	if (st->in_txn != 2)
		return;
	(void)exec(st, "COMMIT");
	st->in_txn = 0;
}

void
cxv_store_rollback(struct cxv_store *st)
{
	if (st->in_txn != 1) {
		cxv_store_read_end(st);
		return;
	}
	if (sqlite3_get_autocommit(st->db) == 0)
		(void)exec(st, "ROLLBACK");
	st->in_txn = 0;
	pthread_mutex_unlock(&writer);
}

static int
migrate_one(struct cxv_store *st, int from)
{
	char sql[64];
	int r;

	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", from + 1);
	if ((r = exec(st, migrations[from])) != CXV_OK ||
	    (r = exec(st, sql)) != CXV_OK) {
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
	for (; v < SCHEMA_LATEST; v++)
		if ((r = migrate_one(st, v)) != CXV_OK)
			return r;
	return CXV_OK;
}

/* Copy a blob column into buf (cap bytes); CORRUPT if it does not fit. */
static int
column_blob(sqlite3_stmt *s, int col, uint8_t *buf, size_t cap, size_t *len)
{
	int n = sqlite3_column_bytes(s, col);
	const void *p = sqlite3_column_blob(s, col);

	if (n < 0 || (size_t)n > cap || (p == NULL && n > 0))
		return CXV_ERR_CORRUPT;
	if (n > 0)
		memcpy(buf, p, (size_t)n);
	*len = (size_t)n;
	return CXV_OK;
}

/* step_done(), then NOT_FOUND unless exactly one row changed. */
static int
step_one_change(struct cxv_store *st, sqlite3_stmt *s)
{
	int r;

	if ((r = step_done(s)) != CXV_OK)
		return r;
	return sqlite3_changes(st->db) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}

/* Step a one-row query; NOT_FOUND if it returns none. */
static int
step_row(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_DONE)
		return CXV_ERR_NOT_FOUND;
	return rc == SQLITE_ROW ? CXV_OK : cxv_sqlite_rc(rc);
}

/*
 * Step s through its rows, calling row() on each; the first non-OK return
 * stops the scan and is returned. s is reset either way.
 */
typedef int (*row_fn)(sqlite3_stmt *s, void *ctx);

static int
each_row(sqlite3_stmt *s, row_fn row, void *ctx)
{
	int r = CXV_OK, rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((r = row(s, ctx)) != CXV_OK)
			break;
	if (rc != SQLITE_ROW)
		r = cxv_sqlite_rc(rc);
	sqlite3_reset(s);
	return r;
}

/* Step s once: row() on its row, NOT_FOUND without one; s is reset. */
static int
one_row(sqlite3_stmt *s, row_fn row, void *ctx)
{
	int r;

	if ((r = step_row(s)) == CXV_OK)
		r = row(s, ctx);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_meta_get(struct cxv_store *st, const char *key, uint8_t *buf,
    size_t cap, size_t *len)
{
	sqlite3_stmt *s;
	int r;

	*len = 0;
	if ((s = stmt(st, S_META_GET, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if ((r = step_row(s)) == CXV_OK)
		r = column_blob(s, 0, buf, cap, len);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_meta_set(struct cxv_store *st, const char *key, const uint8_t *val,
    size_t len)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_META_SET, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, val, (int)len, SQLITE_STATIC);
	return step_done(s);
}

int
cxv_store_subject_insert(struct cxv_store *st, int64_t id,
    const uint8_t *wrapped, size_t len, int64_t created_ms)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_SUBJ_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, wrapped, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, created_ms);
	return step_done(s);
}

int
cxv_store_subject_get(struct cxv_store *st, int64_t id, uint8_t *wrapped,
    size_t cap, size_t *len, int64_t *created_ms)
{
	sqlite3_stmt *s;
	int r;

	*len = 0;
	if ((s = stmt(st, S_SUBJ_GET, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK) {
		r = column_blob(s, 0, wrapped, cap, len);
		*created_ms = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return r;
}

int
cxv_store_subject_delete(struct cxv_store *st, int64_t id)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_SUBJ_DELETE, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	if ((r = step_done(s)) != CXV_OK)
		return r;
	return sqlite3_changes(st->db) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}

/* The single integer a count query returns. */
static int
count(struct cxv_store *st, enum stmt_id id, int64_t *n)
{
	sqlite3_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, id, &r)) == NULL)
		return r;
	if ((r = step_row(s)) == CXV_OK)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
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
rewrap_row(sqlite3_stmt *all, void *ctx)
{
	struct rewrap *rw = ctx;
	uint8_t in[128], out[128];
	size_t inlen = 0, outlen = 0;
	sqlite3_stmt *up;
	int64_t id = sqlite3_column_int64(all, 0);
	int r;

	if ((r = column_blob(all, 1, in, sizeof(in), &inlen)) != CXV_OK ||
	    (r = rw->fn(rw->ctx, id, in, inlen, out, sizeof(out), &outlen))
	    != CXV_OK || (up = stmt(rw->st, S_SUBJ_REWRAP, &r)) == NULL)
		return r;
	sqlite3_bind_int64(up, 1, id);
	sqlite3_bind_blob(up, 2, out, (int)outlen, SQLITE_STATIC);
	return step_done(up);
}

int
cxv_store_subject_rewrap(struct cxv_store *st, cxv_store_rewrap_fn fn, void *ctx)
{
	struct rewrap rw = { st, fn, ctx };
	sqlite3_stmt *all;
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
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	sqlite3_bind_int(s, 2, kind);
	sqlite3_bind_blob(s, 3, bidx, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, sealed, (int)len, SQLITE_STATIC);
	return step_done(s);
}

int
cxv_store_ident_held(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32])
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_HELD, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	sqlite3_bind_int(s, 2, kind);
	sqlite3_bind_blob(s, 3, bidx, 32, SQLITE_STATIC);
	r = step_row(s);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_ident_delete(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32])
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_DELETE, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	sqlite3_bind_int(s, 2, kind);
	sqlite3_bind_blob(s, 3, bidx, 32, SQLITE_STATIC);
	return step_one_change(st, s);
}

int
cxv_store_user_set_logon(struct cxv_store *st, int64_t subject_id,
    const uint8_t bidx[32])
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_US_LOGON_SET, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	sqlite3_bind_blob(s, 2, bidx, 32, SQLITE_STATIC);
	return step_done(s);
}

struct id_cb {
	cxv_store_id_fn fn;
	void *ctx;
};

static int
id_row(sqlite3_stmt *s, void *ctx)
{
	struct id_cb *cb = ctx;

	return cb->fn(cb->ctx, sqlite3_column_int64(s, 0));
}

int
cxv_store_ident_find(struct cxv_store *st, int kind, const uint8_t bidx[32],
    cxv_store_id_fn fn, void *ctx)
{
	struct id_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_FIND, &r)) == NULL)
		return r;
	sqlite3_bind_blob(s, 1, bidx, 32, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, kind);
	return each_row(s, id_row, &cb);
}

struct ident_cb {
	cxv_store_ident_fn fn;
	void *ctx;
};

static int
ident_row(sqlite3_stmt *s, void *ctx)
{
	struct ident_cb *cb = ctx;

	if (sqlite3_column_bytes(s, 1) != 32)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, sqlite3_column_int(s, 0),
	    sqlite3_column_blob(s, 1), sqlite3_column_blob(s, 2),
	    (size_t)sqlite3_column_bytes(s, 2));
}

int
cxv_store_ident_list(struct cxv_store *st, int64_t subject_id,
    cxv_store_ident_fn fn, void *ctx)
{
	struct ident_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IDENT_LIST, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	return each_row(s, ident_row, &cb);
}

int
cxv_store_audit_head(struct cxv_store *st, int64_t *seq, uint8_t hash[32])
{
	sqlite3_stmt *s;
	size_t len = 0;
	int r;

	*seq = 0;
	memset(hash, 0, 32);
	if ((s = stmt(st, S_AUDIT_HEAD, &r)) == NULL)
		return r;
	if ((r = step_row(s)) == CXV_OK) {
		*seq = sqlite3_column_int64(s, 0);
		if ((r = column_blob(s, 1, hash, 32, &len)) == CXV_OK &&
		    len != 32)
			r = CXV_ERR_CORRUPT;
	} else if (r == CXV_ERR_NOT_FOUND)
		r = CXV_OK;
	sqlite3_reset(s);
	return r;
}

int
cxv_store_audit_insert(struct cxv_store *st, const struct cxv_audit_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_AUDIT_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->seq);
	sqlite3_bind_int64(s, 2, row->ts_ms);
	sqlite3_bind_text(s, 3, row->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, row->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, row->object_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, row->object_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, row->fields, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 8, row->prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 9, row->hash, 32, SQLITE_STATIC);
	return step_done(s);
}

/* Column text, "" for NULL, so that a tampered row cannot crash a reader. */
static const char *
text_or_empty(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return t != NULL ? (const char *)t : "";
}

struct audit_cb {
	cxv_store_audit_fn fn;
	void *ctx;
};

/* A wrong-sized hash reads as zeros, which the chain check reports. */
static int
audit_row(sqlite3_stmt *s, void *ctx)
{
	static const uint8_t zero[32];
	struct audit_cb *cb = ctx;
	struct cxv_audit_row row;

	row.seq = sqlite3_column_int64(s, 0);
	row.ts_ms = sqlite3_column_int64(s, 1);
	row.actor = text_or_empty(s, 2);
	row.action = text_or_empty(s, 3);
	row.object_type = text_or_empty(s, 4);
	row.object_id = text_or_empty(s, 5);
	row.fields = text_or_empty(s, 6);
	row.prev = sqlite3_column_bytes(s, 7) == 32 ?
	    sqlite3_column_blob(s, 7) : zero;
	row.hash = sqlite3_column_bytes(s, 8) == 32 ?
	    sqlite3_column_blob(s, 8) : zero;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_audit_scan(struct cxv_store *st, int64_t since_ms,
    cxv_store_audit_fn fn, void *ctx)
{
	struct audit_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_AUDIT_SCAN, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, since_ms);
	return each_row(s, audit_row, &cb);
}

/* Savepoints: one record of a batch can fail without undoing the batch. */
int
cxv_store_savepoint(struct cxv_store *st)
{
	return exec(st, "SAVEPOINT rec");
}

int
cxv_store_release(struct cxv_store *st)
{
	return exec(st, "RELEASE rec");
}

void
cxv_store_rollback_savepoint(struct cxv_store *st)
{
	(void)exec(st, "ROLLBACK TO rec");
	(void)exec(st, "RELEASE rec");
}

int
cxv_store_interaction_insert(struct cxv_store *st,
    const struct cxv_interaction_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->subject_id);
	sqlite3_bind_int(s, 3, row->media);
	sqlite3_bind_text(s, 4, row->source, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, row->source_ref, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, row->started_ms);
	sqlite3_bind_int64(s, 7, row->answered_ms);
	sqlite3_bind_int64(s, 8, row->ended_ms);
	sqlite3_bind_text(s, 9, row->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 10, row->sealed, (int)row->sealed_len,
	    SQLITE_STATIC);
	if (row->agent_user_id != 0)
		sqlite3_bind_int64(s, 11, row->agent_user_id);
	return step_done(s);
}

int
cxv_store_interaction_exists(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32])
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_EXISTS, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, ref, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, started_ms);
	r = step_row(s);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_interaction_step_insert(struct cxv_store *st, int64_t id, int seq,
    int64_t ts_ms, int kind)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_STEP, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, seq);
	sqlite3_bind_int64(s, 3, ts_ms);
	sqlite3_bind_int(s, 4, kind);
	return step_done(s);
}

struct ia_cb {
	cxv_store_interaction_fn fn;
	void *ctx;
};

static int
interaction_row(sqlite3_stmt *s, void *ctx)
{
	struct ia_cb *cb = ctx;
	struct cxv_interaction_row row;

	memset(&row, 0, sizeof(row));
	row.id = sqlite3_column_int64(s, 0);
	row.subject_id = sqlite3_column_int64(s, 1);
	row.media = sqlite3_column_int(s, 2);
	row.source = text_or_empty(s, 3);
	row.started_ms = sqlite3_column_int64(s, 4);
	row.answered_ms = sqlite3_column_int64(s, 5);
	row.ended_ms = sqlite3_column_int64(s, 6);
	row.outcome = text_or_empty(s, 7);
	row.sealed = sqlite3_column_blob(s, 8);
	row.sealed_len = (size_t)sqlite3_column_bytes(s, 8);
	row.agent_user_id = sqlite3_column_int64(s, 9);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_interaction_get(struct cxv_store *st, int64_t id,
    cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_GET, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK)
		r = interaction_row(s, &cb);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_interaction_by_subject(struct cxv_store *st, int64_t subject_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_BY_SUBJECT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	sqlite3_bind_int64(s, 2, since_ms);
	sqlite3_bind_int64(s, 3, until_ms);
	return each_row(s, interaction_row, &cb);
}

int
cxv_store_interaction_by_agent(struct cxv_store *st, int64_t user_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_BY_AGENT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_int64(s, 2, since_ms);
	sqlite3_bind_int64(s, 3, until_ms);
	return each_row(s, interaction_row, &cb);
}

int
cxv_store_interaction_by_time(struct cxv_store *st, int64_t since_ms,
    int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	struct ia_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_BY_TIME, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, since_ms);
	sqlite3_bind_int64(s, 2, until_ms);
	return each_row(s, interaction_row, &cb);
}

struct step_cb {
	cxv_store_step_fn fn;
	void *ctx;
};

static int
step_row_cb(sqlite3_stmt *s, void *ctx)
{
	struct step_cb *cb = ctx;

	return cb->fn(cb->ctx, sqlite3_column_int(s, 0),
	    sqlite3_column_int64(s, 1), sqlite3_column_int(s, 2));
}

int
cxv_store_interaction_steps(struct cxv_store *st, int64_t id,
    cxv_store_step_fn fn, void *ctx)
{
	struct step_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IA_STEPS, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	return each_row(s, step_row_cb, &cb);
}

int
cxv_store_content_insert(struct cxv_store *st, const struct cxv_content_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->subject_id);
	if (row->interaction_id != 0)
		sqlite3_bind_int64(s, 3, row->interaction_id);
	sqlite3_bind_int(s, 4, row->kind);
	sqlite3_bind_text(s, 5, row->file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, row->size);
	sqlite3_bind_int64(s, 7, row->created_ms);
	return step_done(s);
}

struct ct_cb {
	cxv_store_content_fn fn;
	void *ctx;
};

static int
content_row(sqlite3_stmt *s, void *ctx)
{
	struct ct_cb *cb = ctx;
	struct cxv_content_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.subject_id = sqlite3_column_int64(s, 1);
	row.interaction_id = sqlite3_column_int64(s, 2);
	row.kind = sqlite3_column_int(s, 3);
	row.file = text_or_empty(s, 4);
	row.size = sqlite3_column_int64(s, 5);
	row.created_ms = sqlite3_column_int64(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_content_by_subject(struct cxv_store *st, int64_t subject_id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_BY_SUBJECT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	return each_row(s, content_row, &cb);
}

int
cxv_store_campaign_exists(struct cxv_store *st, int64_t id)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_EXISTS, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	r = step_row(s);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_content_by_interaction(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_BY_IA, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	return each_row(s, content_row, &cb);
}

int
cxv_store_stat_count(struct cxv_store *st, const char *number_ps,
    int64_t *n)
{
	sqlite3_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_TS_COUNT, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, number_ps, -1, SQLITE_STATIC);
	if ((r = step_row(s)) == CXV_OK)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_content_get(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx)
{
	struct ct_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CT_GET, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK)
		r = content_row(s, &cb);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_user_insert(struct cxv_store *st, const struct cxv_user_row *row,
    const uint8_t logon_bidx[32])
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_US_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->subject_id);
	sqlite3_bind_blob(s, 3, logon_bidx, 32, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, row->kind);
	sqlite3_bind_int(s, 5, row->status);
	sqlite3_bind_int64(s, 6, row->created_ms);
	sqlite3_bind_blob(s, 7, row->sealed, (int)row->sealed_len,
	    SQLITE_STATIC);
	return step_done(s);
}

struct us_cb {
	cxv_store_user_fn fn;
	void *ctx;
};

static int
user_row(sqlite3_stmt *s, void *ctx)
{
	struct us_cb *cb = ctx;
	struct cxv_user_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.subject_id = sqlite3_column_int64(s, 1);
	row.kind = sqlite3_column_int(s, 2);
	row.status = sqlite3_column_int(s, 3);
	row.created_ms = sqlite3_column_int64(s, 4);
	row.sealed = sqlite3_column_blob(s, 5);
	row.sealed_len = (size_t)sqlite3_column_bytes(s, 5);
	return cb->fn != NULL ? cb->fn(cb->ctx, &row) : CXV_OK;
}

/* Users selected by one key (id, logon index or subject); NOT_FOUND if none. */
static int
users_by(struct cxv_store *st, enum stmt_id id, int64_t key,
    const uint8_t *bidx, cxv_store_user_fn fn, void *ctx)
{
	struct us_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, id, &r)) == NULL)
		return r;
	if (bidx != NULL)
		sqlite3_bind_blob(s, 1, bidx, 32, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, key);
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
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_US_ALL, &r)) == NULL)
		return r;
	return each_row(s, user_row, &cb);
}

int
cxv_store_call_log_insert(struct cxv_store *st,
    const struct cxv_call_log_row *row, int keep)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CL_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->user_id);
	sqlite3_bind_int64(s, 3, row->subject_id);
	sqlite3_bind_int(s, 4, row->direction);
	sqlite3_bind_int64(s, 5, row->ts_ms);
	sqlite3_bind_int64(s, 6, row->duration_s);
	sqlite3_bind_blob(s, 7, row->sealed, (int)row->sealed_len,
	    SQLITE_STATIC);
	if ((r = step_done(s)) != CXV_OK ||
	    (s = stmt(st, S_CL_TRIM, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->user_id);
	sqlite3_bind_int(s, 2, keep);
	return step_done(s);
}

struct cl_cb {
	cxv_store_call_log_fn fn;
	void *ctx;
};

static int
call_log_row(sqlite3_stmt *s, void *ctx)
{
	struct cl_cb *cb = ctx;
	struct cxv_call_log_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.user_id = sqlite3_column_int64(s, 1);
	row.subject_id = sqlite3_column_int64(s, 2);
	row.direction = sqlite3_column_int(s, 3);
	row.ts_ms = sqlite3_column_int64(s, 4);
	row.duration_s = sqlite3_column_int64(s, 5);
	row.sealed = sqlite3_column_blob(s, 6);
	row.sealed_len = (size_t)sqlite3_column_bytes(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_call_log_by_user(struct cxv_store *st, int64_t user_id,
    cxv_store_call_log_fn fn, void *ctx)
{
	struct cl_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CL_BY_USER, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	return each_row(s, call_log_row, &cb);
}

int
cxv_store_campaign_insert(struct cxv_store *st,
    const struct cxv_campaign_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_text(s, 2, row->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, row->state);
	sqlite3_bind_int64(s, 4, row->created_ms);
	return step_done(s);
}

struct cp_cb {
	cxv_store_campaign_fn fn;
	void *ctx;
};

static int
campaign_row(sqlite3_stmt *s, void *ctx)
{
	struct cp_cb *cb = ctx;
	struct cxv_campaign_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.name = text_or_empty(s, 1);
	row.state = sqlite3_column_int(s, 2);
	row.created_ms = sqlite3_column_int64(s, 3);
	row.entries = sqlite3_column_int64(s, 4);
	row.results = sqlite3_column_int64(s, 5);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_campaign_by_name(struct cxv_store *st, const char *name,
    cxv_store_campaign_fn fn, void *ctx)
{
	struct cp_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_BY_NAME, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((r = step_row(s)) == CXV_OK)
		r = campaign_row(s, &cb);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_campaign_all(struct cxv_store *st, cxv_store_campaign_fn fn,
    void *ctx)
{
	struct cp_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_ALL, &r)) == NULL)
		return r;
	return each_row(s, campaign_row, &cb);
}

int
cxv_store_campaign_item_insert(struct cxv_store *st, int result,
    const struct cxv_campaign_item *it)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, result ? S_CR_INSERT : S_CE_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, it->id);
	sqlite3_bind_int64(s, 2, it->campaign_id);
	sqlite3_bind_int64(s, 3, it->subject_id);
	sqlite3_bind_int64(s, 4, it->ts_ms);
	if (result) {
		sqlite3_bind_text(s, 5, it->outcome, -1, SQLITE_STATIC);
		sqlite3_bind_blob(s, 6, it->sealed, (int)it->sealed_len,
		    SQLITE_STATIC);
	} else
		sqlite3_bind_blob(s, 5, it->sealed, (int)it->sealed_len,
		    SQLITE_STATIC);
	return step_done(s);
}

struct ci_cb {
	cxv_store_campaign_item_fn fn;
	void *ctx;
	int result;
};

static int
campaign_item_row(sqlite3_stmt *s, void *ctx)
{
	struct ci_cb *cb = ctx;
	struct cxv_campaign_item it;

	it.id = sqlite3_column_int64(s, 0);
	it.campaign_id = sqlite3_column_int64(s, 1);
	it.subject_id = sqlite3_column_int64(s, 2);
	it.ts_ms = sqlite3_column_int64(s, 3);
	it.sealed = sqlite3_column_blob(s, 4);
	it.sealed_len = (size_t)sqlite3_column_bytes(s, 4);
	it.outcome = cb->result ? text_or_empty(s, 5) : "";
	return cb->fn(cb->ctx, &it);
}

int
cxv_store_campaign_items(struct cxv_store *st, int64_t campaign_id, int result,
    cxv_store_campaign_item_fn fn, void *ctx)
{
	struct ci_cb cb = { fn, ctx, result };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, result ? S_CR_BY_CAMPAIGN : S_CE_BY_CAMPAIGN, &r))
	    == NULL)
		return r;
	sqlite3_bind_int64(s, 1, campaign_id);
	return each_row(s, campaign_item_row, &cb);
}

int
cxv_store_campaign_clear_list(struct cxv_store *st, int64_t campaign_id,
    int64_t *n)
{
	sqlite3_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_CE_CLEAR, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, campaign_id);
	if ((r = step_done(s)) == CXV_OK)
		*n = sqlite3_changes(st->db);
	return r;
}

int
cxv_store_dnc_add(struct cxv_store *st, const uint8_t bidx[32], int64_t ts_ms)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_DNC_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_blob(s, 1, bidx, 32, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ts_ms);
	return step_done(s);
}

int
cxv_store_dnc_has(struct cxv_store *st, const uint8_t bidx[32])
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_DNC_GET, &r)) == NULL)
		return r;
	sqlite3_bind_blob(s, 1, bidx, 32, SQLITE_STATIC);
	r = step_row(s);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_contact_insert(struct cxv_store *st, const struct cxv_contact_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CO_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->subject_id);
	if (row->owner_user_id != 0)
		sqlite3_bind_int64(s, 3, row->owner_user_id);
	sqlite3_bind_int64(s, 4, row->created_ms);
	sqlite3_bind_blob(s, 5, row->sealed, (int)row->sealed_len,
	    SQLITE_STATIC);
	return step_done(s);
}

struct co_cb {
	cxv_store_contact_fn fn;
	void *ctx;
};

static int
contact_row(sqlite3_stmt *s, void *ctx)
{
	struct co_cb *cb = ctx;
	struct cxv_contact_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.subject_id = sqlite3_column_int64(s, 1);
	row.owner_user_id = sqlite3_column_int64(s, 2);
	row.created_ms = sqlite3_column_int64(s, 3);
	row.sealed = sqlite3_column_blob(s, 4);
	row.sealed_len = (size_t)sqlite3_column_bytes(s, 4);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_contacts(struct cxv_store *st, int64_t owner_user_id,
    cxv_store_contact_fn fn, void *ctx)
{
	struct co_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, owner_user_id ? S_CO_BY_OWNER : S_CO_SHARED, &r))
	    == NULL)
		return r;
	if (owner_user_id != 0)
		sqlite3_bind_int64(s, 1, owner_user_id);
	return each_row(s, contact_row, &cb);
}

int
cxv_store_item_insert(struct cxv_store *st, const struct cxv_item_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IT_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->interaction_id);
	sqlite3_bind_int64(s, 3, row->subject_id);
	sqlite3_bind_text(s, 4, row->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, row->protected_);
	sqlite3_bind_int(s, 6, row->destinations);
	sqlite3_bind_int64(s, 7, row->created_ms);
	sqlite3_bind_blob(s, 8, row->sealed, (int)row->sealed_len,
	    SQLITE_STATIC);
	return step_done(s);
}

struct it_cb {
	cxv_store_item_fn fn;
	void *ctx;
};

static int
item_row(sqlite3_stmt *s, void *ctx)
{
	struct it_cb *cb = ctx;
	struct cxv_item_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.interaction_id = sqlite3_column_int64(s, 1);
	row.subject_id = sqlite3_column_int64(s, 2);
	row.name = text_or_empty(s, 3);
	row.protected_ = sqlite3_column_int(s, 4);
	row.destinations = sqlite3_column_int(s, 5);
	row.created_ms = sqlite3_column_int64(s, 6);
	row.sealed = sqlite3_column_blob(s, 7);
	row.sealed_len = (size_t)sqlite3_column_bytes(s, 7);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_items(struct cxv_store *st, int64_t interaction_id,
    cxv_store_item_fn fn, void *ctx)
{
	struct it_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_IT_BY_IA, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, interaction_id);
	return each_row(s, item_row, &cb);
}

int
cxv_store_stat_insert(struct cxv_store *st, int64_t ts_ms, int64_t duration_s,
    int answered, const char *number_ps)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_TS_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, ts_ms);
	sqlite3_bind_int64(s, 2, duration_s);
	sqlite3_bind_int(s, 3, answered);
	sqlite3_bind_text(s, 4, number_ps, -1, SQLITE_STATIC);
	return step_done(s);
}

struct day_cb {
	cxv_store_stat_day_fn fn;
	void *ctx;
};

static int
day_row(sqlite3_stmt *s, void *ctx)
{
	struct day_cb *cb = ctx;
	struct cxv_stat_day d;

	d.day_ms = sqlite3_column_int64(s, 0) * 86400000;
	d.calls = sqlite3_column_int64(s, 1);
	d.answered = sqlite3_column_int64(s, 2);
	d.duration_s = sqlite3_column_int64(s, 3);
	d.numbers = sqlite3_column_int64(s, 4);
	return cb->fn(cb->ctx, &d);
}

int
cxv_store_stat_days(struct cxv_store *st, int64_t since_ms, int64_t until_ms,
    cxv_store_stat_day_fn fn, void *ctx)
{
	struct day_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_TS_DAYS, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, since_ms);
	sqlite3_bind_int64(s, 2, until_ms);
	return each_row(s, day_row, &cb);
}

int
cxv_store_charge_insert(struct cxv_store *st, const struct cxv_charge_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CH_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->subject_id);
	sqlite3_bind_text(s, 3, row->room, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, row->ts_ms);
	sqlite3_bind_int64(s, 5, row->duration_s);
	sqlite3_bind_int64(s, 6, row->amount_cents);
	sqlite3_bind_blob(s, 7, row->sealed, (int)row->sealed_len,
	    SQLITE_STATIC);
	return step_done(s);
}

struct ch_cb {
	cxv_store_charge_fn fn;
	void *ctx;
};

static int
charge_row(sqlite3_stmt *s, void *ctx)
{
	struct ch_cb *cb = ctx;
	struct cxv_charge_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.subject_id = sqlite3_column_int64(s, 1);
	row.room = text_or_empty(s, 2);
	row.ts_ms = sqlite3_column_int64(s, 3);
	row.duration_s = sqlite3_column_int64(s, 4);
	row.amount_cents = sqlite3_column_int64(s, 5);
	row.sealed = sqlite3_column_blob(s, 6);
	row.sealed_len = (size_t)sqlite3_column_bytes(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_charges(struct cxv_store *st, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_store_charge_fn fn, void *ctx)
{
	struct ch_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CH_BY_ROOM, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, room, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, since_ms);
	sqlite3_bind_int64(s, 3, until_ms);
	return each_row(s, charge_row, &cb);
}

int
cxv_store_campaign_set_state(struct cxv_store *st, int64_t id, int state)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CP_STATE, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, state);
	if ((r = step_done(s)) != CXV_OK)
		return r;
	return sqlite3_changes(st->db) == 1 ? CXV_OK : CXV_ERR_NOT_FOUND;
}

/* What erasing one subject removes, table by table (cascades included). */
static const struct {
	const char *store;
	const char *sql;
} erase_counts[] = {
	{ "identifiers", "SELECT count(*) FROM subject_ident WHERE subject_id = ?1" },
	{ "interactions", "SELECT count(*) FROM interaction WHERE subject_id = ?1" },
	{ "interaction_steps", "SELECT count(*) FROM interaction_step s JOIN "
	    "interaction i ON i.id = s.interaction_id WHERE i.subject_id = ?1" },
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
	sqlite3_stmt *s = NULL;
	size_t i;
	int r = CXV_OK, rc;

	for (i = 0; i < sizeof(erase_counts) / sizeof(erase_counts[0]) &&
	    r == CXV_OK; i++) {
		rc = sqlite3_prepare_v2(st->db, erase_counts[i].sql, -1, &s,
		    NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(s, 1, subject_id);
			rc = sqlite3_step(s);
		}
		if (rc == SQLITE_ROW)
			r = fn(ctx, erase_counts[i].store,
			    sqlite3_column_int64(s, 0));
		else
			r = cxv_sqlite_rc(rc) != CXV_OK ? cxv_sqlite_rc(rc) : CXV_ERR_INTERNAL;
		sqlite3_finalize(s);
		s = NULL;
	}
	return r;
}

struct file_cb {
	cxv_store_file_fn fn;
	void *ctx;
};

static int
file_row(sqlite3_stmt *s, void *ctx)
{
	struct file_cb *cb = ctx;

	return cb->fn(cb->ctx, text_or_empty(s, 0), sqlite3_column_int64(s, 1));
}

int
cxv_store_subject_files(struct cxv_store *st, int64_t subject_id,
    cxv_store_file_fn fn, void *ctx)
{
	struct file_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_ER_FILES, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	return each_row(s, file_row, &cb);
}

int
cxv_store_stat_delete(struct cxv_store *st, const char *number_ps, int64_t *n)
{
	sqlite3_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_TS_DELETE, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, number_ps, -1, SQLITE_STATIC);
	if ((r = step_done(s)) == CXV_OK)
		*n = sqlite3_changes(st->db);
	return r;
}

int
cxv_store_erasure_insert(struct cxv_store *st, int64_t subject_id,
    int64_t erased_ms, const char *receipt)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_ER_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	sqlite3_bind_int64(s, 2, erased_ms);
	sqlite3_bind_text(s, 3, receipt, -1, SQLITE_STATIC);
	return step_done(s);
}

/* Bind text, or SQL NULL for a NULL pointer. */
static void
bind_text_or_null(sqlite3_stmt *s, int i, const char *text)
{
	if (text != NULL)
		sqlite3_bind_text(s, i, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static int
bind_profile(struct cxv_store *st, enum stmt_id id,
    const struct cxv_profile_row *row, sqlite3_stmt **out)
{
	int r;

	if ((*out = stmt(st, id, &r)) == NULL)
		return r;
	sqlite3_bind_int64(*out, 1, row->id);
	sqlite3_bind_text(*out, 2, row->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(*out, 3, (int64_t)row->perms);
	return CXV_OK;
}

int
cxv_store_profile_insert(struct cxv_store *st,
    const struct cxv_profile_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((r = bind_profile(st, S_PR_INSERT, row, &s)) != CXV_OK)
		return r;
	return step_done(s);
}

int
cxv_store_profile_update(struct cxv_store *st,
    const struct cxv_profile_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((r = bind_profile(st, S_PR_UPDATE, row, &s)) != CXV_OK)
		return r;
	return step_one_change(st, s);
}

int
cxv_store_profile_delete(struct cxv_store *st, int64_t id)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_PR_DELETE, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	return step_one_change(st, s);
}

struct pr_cb {
	cxv_store_profile_fn fn;
	void *ctx;
};

static int
profile_row(sqlite3_stmt *s, void *ctx)
{
	struct pr_cb *cb = ctx;
	struct cxv_profile_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.name = (const char *)sqlite3_column_text(s, 1);
	row.perms = (uint64_t)sqlite3_column_int64(s, 2);
	if (row.name == NULL)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_profile_get(struct cxv_store *st, int64_t id, const char *name,
    cxv_store_profile_fn fn, void *ctx)
{
	struct pr_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, name != NULL ? S_PR_BY_NAME : S_PR_GET, &r)) == NULL)
		return r;
	if (name != NULL)
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(s, 1, id);
	return one_row(s, profile_row, &cb);
}

int
cxv_store_profile_all(struct cxv_store *st, cxv_store_profile_fn fn, void *ctx)
{
	struct pr_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_PR_ALL, &r)) == NULL)
		return r;
	return each_row(s, profile_row, &cb);
}

int
cxv_store_profile_users(struct cxv_store *st, int64_t id, int64_t *n)
{
	sqlite3_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_PR_USERS, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return r;
}

int
cxv_store_credential_put(struct cxv_store *st,
    const struct cxv_credential_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CRED_PUT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->user_id);
	sqlite3_bind_int64(s, 2, row->profile_id);
	bind_text_or_null(s, 3, row->pw_hash);
	sqlite3_bind_int64(s, 4, row->pw_changed_ms);
	bind_text_or_null(s, 5, row->pin_hash);
	sqlite3_bind_int(s, 6, row->must_change);
	sqlite3_bind_int(s, 7, row->failures);
	sqlite3_bind_int64(s, 8, row->locked_until_ms);
	return step_done(s);
}

struct cred_cb {
	cxv_store_credential_fn fn;
	void *ctx;
};

static int
credential_row(sqlite3_stmt *s, void *ctx)
{
	struct cred_cb *cb = ctx;
	struct cxv_credential_row row;

	row.user_id = sqlite3_column_int64(s, 0);
	row.profile_id = sqlite3_column_int64(s, 1);
	row.pw_hash = (const char *)sqlite3_column_text(s, 2);
	row.pw_changed_ms = sqlite3_column_int64(s, 3);
	row.pin_hash = (const char *)sqlite3_column_text(s, 4);
	row.must_change = sqlite3_column_int(s, 5);
	row.failures = sqlite3_column_int(s, 6);
	row.locked_until_ms = sqlite3_column_int64(s, 7);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_credential_get(struct cxv_store *st, int64_t user_id,
    cxv_store_credential_fn fn, void *ctx)
{
	struct cred_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_CRED_GET, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	return one_row(s, credential_row, &cb);
}

/*
 * Run a "count one more failure ... RETURNING failures" statement s
 * (bound), then, at limit, lock with statement lock(?1 key, ?2 until).
 */
static int
count_failure(struct cxv_store *st, sqlite3_stmt *s, enum stmt_id lock,
    void (*bind_key)(sqlite3_stmt *, const void *), const void *key,
    int limit, int64_t until, int *locked)
{
	int64_t failures = 0;
	int r;

	*locked = 0;
	if ((r = step_row(s)) == CXV_OK)
		failures = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (r != CXV_OK || failures < limit)
		return r;
	if ((s = stmt(st, lock, &r)) == NULL)
		return r;
	bind_key(s, key);
	sqlite3_bind_int64(s, 2, until);
	*locked = 1;
	return step_done(s);
}

static void
bind_user(sqlite3_stmt *s, const void *key)
{
	sqlite3_bind_int64(s, 1, *(const int64_t *)key);
}

static void
bind_bidx(sqlite3_stmt *s, const void *key)
{
	sqlite3_bind_blob(s, 1, key, 32, SQLITE_STATIC);
}

int
cxv_store_credential_fail(struct cxv_store *st, int64_t user_id, int limit,
    int64_t locked_until_ms, int *locked)
{
	sqlite3_stmt *s;
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
	sqlite3_stmt *s;
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
	sqlite3_stmt *s;
	int r;

	*locked_until_ms = 0;
	if ((s = stmt(st, S_LF_GET, &r)) == NULL)
		return r;
	bind_bidx(s, bidx);
	if ((r = step_row(s)) == CXV_OK)
		*locked_until_ms = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return r == CXV_ERR_NOT_FOUND ? CXV_OK : r;
}

int
cxv_store_login_failure_add(struct cxv_store *st, const uint8_t bidx[32],
    int limit, int64_t locked_until_ms, int *locked)
{
	sqlite3_stmt *s;
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
text_row(sqlite3_stmt *s, void *ctx)
{
	struct text_cb *cb = ctx;
	const char *t = (const char *)sqlite3_column_text(s, 0);

	return t != NULL ? cb->fn(cb->ctx, t) : CXV_ERR_CORRUPT;
}

int
cxv_store_password_history(struct cxv_store *st, int64_t user_id, int n,
    cxv_store_text_fn fn, void *ctx)
{
	struct text_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_PH_LIST, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_int(s, 2, n);
	return each_row(s, text_row, &cb);
}

int
cxv_store_password_history_add(struct cxv_store *st, int64_t user_id,
    const char *hash, int64_t changed_ms, int keep)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_PH_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, changed_ms);
	if ((r = step_done(s)) != CXV_OK ||
	    (s = stmt(st, S_PH_TRIM, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_int(s, 2, keep);
	return step_done(s);
}

int
cxv_store_session_insert(struct cxv_store *st,
    const struct cxv_session_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_SE_INSERT, &r)) == NULL)
		return r;
	bind_bidx(s, row->token_hash);
	sqlite3_bind_int64(s, 2, row->user_id);
	sqlite3_bind_int(s, 3, row->kind);
	sqlite3_bind_int64(s, 4, (int64_t)row->scope);
	sqlite3_bind_int64(s, 5, row->created_ms);
	sqlite3_bind_int64(s, 6, row->last_ms);
	sqlite3_bind_int64(s, 7, row->expires_ms);
	return step_done(s);
}

struct se_cb {
	cxv_store_session_fn fn;
	void *ctx;
};

static int
session_row(sqlite3_stmt *s, void *ctx)
{
	struct se_cb *cb = ctx;
	struct cxv_session_row row;

	if (sqlite3_column_bytes(s, 0) != 32)
		return CXV_ERR_CORRUPT;
	row.token_hash = sqlite3_column_blob(s, 0);
	row.user_id = sqlite3_column_int64(s, 1);
	row.kind = sqlite3_column_int(s, 2);
	row.scope = (uint64_t)sqlite3_column_int64(s, 3);
	row.created_ms = sqlite3_column_int64(s, 4);
	row.last_ms = sqlite3_column_int64(s, 5);
	row.expires_ms = sqlite3_column_int64(s, 6);
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_session_get(struct cxv_store *st, const uint8_t hash[32],
    cxv_store_session_fn fn, void *ctx)
{
	struct se_cb cb = { fn, ctx };
	sqlite3_stmt *s;
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
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, id, &r)) == NULL)
		return r;
	bind_bidx(s, hash);
	if (id == S_SE_TOUCH)
		sqlite3_bind_int64(s, 2, last_ms);
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
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_SE_LIVE, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	sqlite3_bind_int(s, 2, kind);
	sqlite3_bind_int64(s, 3, now_ms);
	return each_row(s, session_row, &cb);
}

int
cxv_store_session_delete_user(struct cxv_store *st, int64_t user_id,
    int64_t *n)
{
	sqlite3_stmt *s;
	int r;

	*n = 0;
	if ((s = stmt(st, S_SE_DELETE_USER, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, user_id);
	if ((r = step_done(s)) == CXV_OK)
		*n = sqlite3_changes(st->db);
	return r;
}

int
cxv_store_session_expire(struct cxv_store *st, int64_t now_ms)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_SE_EXPIRE, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, now_ms);
	return step_done(s);
}

int
cxv_store_subject_flags(struct cxv_store *st, int64_t id, int *hold,
    int *restricted)
{
	sqlite3_stmt *s;
	int r;

	*hold = *restricted = 0;
	if ((s = stmt(st, S_SUBJ_FLAGS, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	if ((r = step_row(s)) == CXV_OK) {
		*hold = sqlite3_column_int(s, 0);
		*restricted = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	return r;
}

int
cxv_store_subject_flag_set(struct cxv_store *st, int64_t id, int restricted,
    int on)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, restricted ? S_SUBJ_RESTRICT : S_SUBJ_HOLD, &r)) ==
	    NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, on != 0);
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
	sqlite3_stmt *s = NULL;
	int t, rc, r = CXV_OK;

	for (t = 0; t < CXV_SEALED__COUNT && r == CXV_OK; t++) {
		rc = sqlite3_prepare_v2(st->db, sealed_tables[t].select, -1, &s,
		    NULL);
		if (rc != SQLITE_OK)
			return cxv_sqlite_rc(rc);
		sqlite3_bind_int64(s, 1, subject_id);
		while (r == CXV_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
			r = fn(ctx, t, sealed_tables[t].ad,
			    sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
			    sqlite3_column_blob(s, 2),
			    (size_t)sqlite3_column_bytes(s, 2));
		if (r == CXV_OK && rc != SQLITE_DONE)
			r = cxv_sqlite_rc(rc);
		sqlite3_finalize(s);
	}
	return r;
}

int
cxv_store_sealed_update(struct cxv_store *st, int table, int64_t id,
    int64_t subject_id, const uint8_t *sealed, size_t len)
{
	sqlite3_stmt *s = NULL;
	int rc, r;

	if (table < 0 || table >= CXV_SEALED__COUNT)
		return CXV_ERR_INVALID;
	if ((rc = sqlite3_prepare_v2(st->db, sealed_tables[table].update, -1,
	    &s, NULL)) != SQLITE_OK)
		return cxv_sqlite_rc(rc);
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_blob(s, 2, sealed, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, subject_id);
	r = step_one_change(st, s);
	sqlite3_finalize(s);
	return r;
}

int
cxv_store_request_insert(struct cxv_store *st,
    const struct cxv_request_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_INSERT, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int64(s, 2, row->subject_id);
	sqlite3_bind_int64(s, 3, row->requester);
	sqlite3_bind_int64(s, 4, row->filed_ms);
	sqlite3_bind_text(s, 5, row->ground, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 6, row->status);
	return step_done(s);
}

struct rq_cb {
	cxv_store_request_fn fn;
	void *ctx;
};

static int
request_row(sqlite3_stmt *s, void *ctx)
{
	struct rq_cb *cb = ctx;
	struct cxv_request_row row;

	row.id = sqlite3_column_int64(s, 0);
	row.subject_id = sqlite3_column_int64(s, 1);
	row.requester = sqlite3_column_int64(s, 2);
	row.filed_ms = sqlite3_column_int64(s, 3);
	row.ground = (const char *)sqlite3_column_text(s, 4);
	row.status = sqlite3_column_int(s, 5);
	row.decided_by = sqlite3_column_int64(s, 6);
	row.decided_ms = sqlite3_column_int64(s, 7);
	row.decision = (const char *)sqlite3_column_text(s, 8);
	row.receipt = (const char *)sqlite3_column_text(s, 9);
	if (row.ground == NULL || row.decision == NULL || row.receipt == NULL)
		return CXV_ERR_CORRUPT;
	return cb->fn(cb->ctx, &row);
}

int
cxv_store_request_get(struct cxv_store *st, int64_t id,
    cxv_store_request_fn fn, void *ctx)
{
	struct rq_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_GET, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, id);
	return one_row(s, request_row, &cb);
}

int
cxv_store_requests(struct cxv_store *st, int status, int64_t requester,
    cxv_store_request_fn fn, void *ctx)
{
	struct rq_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_LIST, &r)) == NULL)
		return r;
	sqlite3_bind_int(s, 1, status);
	sqlite3_bind_int64(s, 2, requester);
	return each_row(s, request_row, &cb);
}

int
cxv_store_request_decide(struct cxv_store *st,
    const struct cxv_request_row *row)
{
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_RQ_DECIDE, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, row->id);
	sqlite3_bind_int(s, 2, row->status);
	sqlite3_bind_int64(s, 3, row->decided_by);
	sqlite3_bind_int64(s, 4, row->decided_ms);
	sqlite3_bind_text(s, 5, row->decision, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, row->receipt, -1, SQLITE_STATIC);
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
	"INSERT OR IGNORE INTO subject (id, wrapped_key, created_ms) "
	"VALUES (1, x'', 0)",
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
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc, r = CXV_OK;

	*n = 0;
	for (i = 0; r == CXV_OK && i < sizeof(skeleton_sql) /
	    sizeof(skeleton_sql[0]); i++) {
		if ((rc = sqlite3_prepare_v2(st->db, skeleton_sql[i], -1, &s,
		    NULL)) != SQLITE_OK)
			return cxv_sqlite_rc(rc);
		if (i > 0)
			sqlite3_bind_int64(s, 1, subject_id);
		if ((r = step_done(s)) == CXV_OK && i == 3)
			*n = sqlite3_changes(st->db);
		sqlite3_finalize(s);
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
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc, r;

	/* The user's own content files, named before their rows go. */
	if ((rc = sqlite3_prepare_v2(st->db, "SELECT file, size FROM content "
	    "WHERE subject_id = ?1 AND interaction_id = 0", -1, &s, NULL)) !=
	    SQLITE_OK)
		return cxv_sqlite_rc(rc);
	sqlite3_bind_int64(s, 1, subject_id);
	r = CXV_OK;
	while (r == CXV_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		r = fn(ctx, text_or_empty(s, 0), sqlite3_column_int64(s, 1));
	if (r == CXV_OK && rc != SQLITE_DONE)
		r = cxv_sqlite_rc(rc);
	sqlite3_finalize(s);
	for (i = 0; r == CXV_OK && i < sizeof(anonymize_sql) /
	    sizeof(anonymize_sql[0]); i++) {
		if ((rc = sqlite3_prepare_v2(st->db, anonymize_sql[i], -1, &s,
		    NULL)) != SQLITE_OK)
			return cxv_sqlite_rc(rc);
		sqlite3_bind_int64(s, 1, user_id);
		sqlite3_bind_int64(s, 2, subject_id);
		r = step_done(s);
		sqlite3_finalize(s);
	}
	if (r != CXV_OK || (r = cxv_store_user_set_logon(st, subject_id,
	    logon_bidx)) != CXV_OK || (r = cxv_store_sealed_update(st,
	    CXV_SEALED_USER, user_id, subject_id, sealed, len)) != CXV_OK)
		return r;
	if ((rc = sqlite3_prepare_v2(st->db, "UPDATE user_account SET status = "
	    "1 WHERE id = ?1", -1, &s, NULL)) != SQLITE_OK)
		return cxv_sqlite_rc(rc);
	sqlite3_bind_int64(s, 1, user_id);
	r = step_done(s);
	sqlite3_finalize(s);
	return r;
}

const char *
cxv_store_engine(void)
{
	return "SQLite " SQLITE_VERSION;
}

int
cxv_store_inventory(struct cxv_store *st, cxv_store_inventory_fn fn,
    void *ctx)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc, r = CXV_OK;

	for (i = 0; i < sizeof(inventory) / sizeof(inventory[0]) &&
	    r == CXV_OK; i++) {
		if ((rc = sqlite3_prepare_v2(st->db, inventory[i].sql, -1, &s,
		    NULL)) != SQLITE_OK)
			return cxv_sqlite_rc(rc);
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			r = fn(ctx, inventory[i].store, sqlite3_column_int64(s, 0),
			    sqlite3_column_int64(s, 1));
		else
			r = cxv_sqlite_rc(rc);
		sqlite3_finalize(s);
	}
	return r;
}

int
cxv_store_checkpoint(struct cxv_store *st)
{
	return exec(st, "PRAGMA wal_checkpoint(TRUNCATE)");
}

struct rec_cb {
	cxv_store_record_fn fn;
	void *ctx;
};

static int
record_row(sqlite3_stmt *s, void *ctx)
{
	struct rec_cb *cb = ctx;
	struct cxv_record_ref ref;

	ref.store = text_or_empty(s, 0);
	ref.id = sqlite3_column_int64(s, 1);
	ref.ts_ms = sqlite3_column_int64(s, 2);
	ref.media = sqlite3_column_type(s, 3) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(s, 3);
	return cb->fn(cb->ctx, &ref);
}

static int
stat_row(sqlite3_stmt *s, void *ctx)
{
	struct rec_cb *cb = ctx;
	struct cxv_record_ref ref = { "statistics", sqlite3_column_int64(s, 0),
	    sqlite3_column_int64(s, 1), -1 };

	return cb->fn(cb->ctx, &ref);
}

int
cxv_store_stat_rows(struct cxv_store *st, const char *number_ps,
    cxv_store_record_fn fn, void *ctx)
{
	struct rec_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_TS_ROWS, &r)) == NULL)
		return r;
	sqlite3_bind_text(s, 1, number_ps, -1, SQLITE_STATIC);
	return each_row(s, stat_row, &cb);
}

int
cxv_store_subject_records(struct cxv_store *st, int64_t subject_id,
    cxv_store_record_fn fn, void *ctx)
{
	struct rec_cb cb = { fn, ctx };
	sqlite3_stmt *s;
	int r;

	if ((s = stmt(st, S_SUBJ_RECORDS, &r)) == NULL)
		return r;
	sqlite3_bind_int64(s, 1, subject_id);
	return each_row(s, record_row, &cb);
}
