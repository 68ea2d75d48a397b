/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The storage interface (DESIGN 4). Everything above it speaks in
 * subjects, identifiers and audit rows; SQL stays in src/store/, engine
 * specifics in its engines (db.h: SQLite or PostgreSQL). The store only
 * ever sees sealed values and blind indexes.
 *
 * A store handle is used by one thread at a time (its SQLite connection
 * has no mutex of its own). Writes of one operation go inside
 * cxv_store_begin()/cxv_store_commit(). An insert
 * that meets a unique key answers CXV_ERR_EXISTS and the transaction
 * goes on; after any other error the transaction is to be rolled back
 * (or to a savepoint): PostgreSQL has failed it, and a commit answers
 * CXV_ERR_INTERNAL.
 */
#ifndef CXV_STORE_H
#define CXV_STORE_H

#include <stddef.h>
#include <stdint.h>

struct cxv_store;

/* The engine's name and version ("SQLite 3.40.1"). */
const char *cxv_store_engine(struct cxv_store *st);

/* Highest schema version this build knows (its last migration). */
int cxv_store_schema_latest(void);

/*
 * Open the database at location: an SQLite file, or a PostgreSQL
 * database named by a postgresql:// URL. With create, the file must not
 * exist and is made (mode 0600), or the database must hold no tables
 * (else CXV_ERR_EXISTS), and the schema is migrated to the latest;
 * without, it must hold a vault (else CXV_ERR_NOT_FOUND). Fails with
 * CXV_ERR_VERSION if the schema is newer than this build,
 * CXV_ERR_CORRUPT if it is not a vault database, CXV_ERR_UNAVAILABLE if
 * the server cannot be reached. Does not migrate an existing database:
 * see cxv_store_migrate().
 */
int cxv_store_open(const char *location, int create,
    struct cxv_store **out /* OUT */);

/* Whether a store location names a database server (postgresql://). */
int cxv_store_is_server(const char *location);

/* Close and free; accepts NULL. Rolls back an open transaction. */
void cxv_store_close(struct cxv_store *st);

/* Schema version of the open database. */
int cxv_store_schema_version(struct cxv_store *st, int *version /* OUT */);

/* Apply pending forward migrations, each in its own transaction. */
int cxv_store_migrate(struct cxv_store *st);

/* Write transaction: BEGIN IMMEDIATE, so the audit chain never forks. */
int cxv_store_begin(struct cxv_store *st);
int cxv_store_commit(struct cxv_store *st);
/*
 * How many write transactions this process has committed, on any store:
 * what was read before may have changed since (the server's session
 * cache). Thread-safe.
 */
uint64_t cxv_store_write_epoch(void);
/*
 * st's transactions only append to the audit trail (the journal's
 * mover): they leave the write epoch as it was.
 */
void cxv_store_set_trail_only(struct cxv_store *st);
/* Roll back if a transaction is open; always safe to call. */
void cxv_store_rollback(struct cxv_store *st);

/*
 * A bulk write transaction (an import's batch), committed with
 * cxv_store_commit(). Bulk writers give way to the others, which wait
 * for a whole batch otherwise: it begins once no other writer of the
 * vault waits or writes (at most CXV_DB_BULK_WAIT_MS later), and
 * cxv_store_yield_wanted() says, cheaply, whether one waits for it now;
 * the bulk writer should then commit soon. 0 outside a bulk transaction.
 */
int cxv_store_begin_bulk(struct cxv_store *st);
int cxv_store_yield_wanted(struct cxv_store *st);

/*
 * For the rest of a bulk transaction, where each statement costs a
 * round trip (PostgreSQL; a no-op on SQLite): the rows it adds go
 * without waiting for each answer, and the lookups the last
 * cxv_store_prefetch() read are answered from memory. For a CDR
 * import's writes, which look up what they could clash with first: a
 * write that fails anyway (a random subject id drawn twice) fails the
 * whole transaction at its end instead of returning CXV_ERR_EXISTS.
 */
int cxv_store_pipeline(struct cxv_store *st);
/* Whether the transaction is piped (by cxv_store_pipeline). */
int cxv_store_piped(struct cxv_store *st);

/* What a window of records to come will look up (cxv_store_prefetch). */
struct cxv_store_want_ref {
	int64_t started_ms;
	uint8_t ref[32];		/* source_ref */
};
struct cxv_store_want_ident {
	int kind;
	int key;			/* the holder's wrapped key as well */
	uint8_t bidx[32];
};
struct cxv_store_want {
	const char *source;		/* the refs' */
	const struct cxv_store_want_ref *ref;
	size_t nrefs;
	const struct cxv_store_want_ident *ident;
	size_t nidents;
};

/*
 * In a piped transaction: read, in a few queries, the interactions,
 * identifiers and keys w names, so that the records' own lookups need
 * no round trip (an answer of "none" included: nothing else writes
 * while the transaction holds the writers' lock, and its own writes are
 * added). Replaces the previous window's; a no-op outside one. The
 * identifiers and wrapped keys it reads or the transaction writes are
 * kept after a commit, for the handle's later piped transactions,
 * until another transaction (of any process, or of this handle outside
 * a pipe) adds, moves or deletes an identifier, or deletes or rewraps a
 * key.
 */
int cxv_store_prefetch(struct cxv_store *st, const struct cxv_store_want *w);

/*
 * A read transaction: the reads between see one snapshot and take the
 * database's locks once (the server's per-request checks). No writes.
 */
int cxv_store_read_begin(struct cxv_store *st);
void cxv_store_read_end(struct cxv_store *st);

/* Named blobs of vault metadata (the wrapped vault root). */
int cxv_store_meta_get(struct cxv_store *st, const char *key, uint8_t *buf,
    size_t cap, size_t *len /* OUT */);
int cxv_store_meta_set(struct cxv_store *st, const char *key,
    const uint8_t *val, size_t len);

/* Subjects: id, wrapped key, creation time. EXISTS if id is taken. */
int cxv_store_subject_insert(struct cxv_store *st, int64_t id,
    const uint8_t *wrapped, size_t len, int64_t created_ms);
/* wrapped has room for cap bytes. NOT_FOUND if no such subject. */
int cxv_store_subject_get(struct cxv_store *st, int64_t id, uint8_t *wrapped,
    size_t cap, size_t *len /* OUT */, int64_t *created_ms /* OUT */);
/*
 * Delete a subject and its identifiers (physically: secure_delete on
 * SQLite; on PostgreSQL the key's rewrite is queued: cxv_store_shred).
 */
int cxv_store_subject_delete(struct cxv_store *st, int64_t id);
int cxv_store_subject_count(struct cxv_store *st, int64_t *n /* OUT */);

/*
 * Replace every subject's wrapped key with fn's output (key rotation).
 * fn writes at most cap bytes to out and sets *outlen; a non-OK return
 * stops and is returned. Call inside a transaction.
 */
typedef int (*cxv_store_rewrap_fn)(void *ctx, int64_t id, const uint8_t *in,
    size_t inlen, uint8_t *out, size_t cap, size_t *outlen);
int cxv_store_subject_rewrap(struct cxv_store *st, cxv_store_rewrap_fn fn,
    void *ctx);

/* Identifiers: sealed value and blind index. EXISTS if already held. */
int cxv_store_ident_insert(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32], const uint8_t *sealed, size_t len);

/* Remove one identifier of a subject; NOT_FOUND if it holds none. */
int cxv_store_ident_delete(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32]);
/* The logon index of the user that is subject_id (a rectified logon). */
int cxv_store_user_set_logon(struct cxv_store *st, int64_t subject_id,
    const uint8_t bidx[32]);

/* OK if the subject holds (kind, bidx), else CXV_ERR_NOT_FOUND. */
int cxv_store_ident_held(struct cxv_store *st, int64_t subject_id, int kind,
    const uint8_t bidx[32]);

/* Call fn for each subject holding (kind, bidx); non-OK from fn stops. */
typedef int (*cxv_store_id_fn)(void *ctx, int64_t subject_id);
int cxv_store_ident_find(struct cxv_store *st, int kind, const uint8_t bidx[32],
    cxv_store_id_fn fn, void *ctx);

/* Call fn for each identifier of a subject, in insertion order. */
typedef int (*cxv_store_ident_fn)(void *ctx, int kind, const uint8_t *bidx,
    const uint8_t *sealed, size_t len);
int cxv_store_ident_list(struct cxv_store *st, int64_t subject_id,
    cxv_store_ident_fn fn, void *ctx);

/* One audit entry; strings valid only during a callback. */
struct cxv_audit_row {
	int64_t seq;
	int64_t ts_ms;
	const char *actor;
	const char *action;
	const char *object_type;
	const char *object_id;
	const char *fields;
	const uint8_t *prev;	/* 32 bytes */
	const uint8_t *hash;	/* 32 bytes */
};

/* Last seq and hash; seq 0 and a zero hash for an empty trail. */
int cxv_store_audit_head(struct cxv_store *st, int64_t *seq /* OUT */,
    uint8_t hash[32] /* OUT */);
int cxv_store_audit_insert(struct cxv_store *st, const struct cxv_audit_row *row);
/* Entries with ts_ms >= since_ms in seq order. */
typedef int (*cxv_store_audit_fn)(void *ctx, const struct cxv_audit_row *row);
int cxv_store_audit_scan(struct cxv_store *st, int64_t since_ms,
    cxv_store_audit_fn fn, void *ctx);

/*
 * Savepoint "rec" inside a transaction: release keeps the record's
 * writes, rollback_savepoint undoes only them.
 */
int cxv_store_savepoint(struct cxv_store *st);
int cxv_store_release(struct cxv_store *st);
void cxv_store_rollback_savepoint(struct cxv_store *st);

/* One interaction (R1.3); strings and sealed valid during a callback. */
struct cxv_interaction_row {
	int64_t id;
	int64_t subject_id;
	int media;
	const char *source;
	const uint8_t *source_ref;	/* 32 bytes, insert only */
	int64_t started_ms, answered_ms, ended_ms;	/* 0: did not happen */
	int64_t agent_user_id;		/* 0: no agent known */
	const char *outcome;
	const uint8_t *sealed;
	size_t sealed_len;
};

/* EXISTS if (source, started, source_ref) or id is already stored. */
int cxv_store_interaction_insert(struct cxv_store *st,
    const struct cxv_interaction_row *row);
int cxv_store_interaction_count(struct cxv_store *st, int64_t *n /* OUT */);
/*
 * CXV_OK if (source, started, ref) is stored, NOT_FOUND if not. The start
 * time leads the key so that imports, which run in time order, append to
 * the index instead of touching a random page per record.
 */
int cxv_store_interaction_exists(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32]);

/*
 * CXV_OK if a record (source, ref) has the start, answer and end times
 * and the outcome of times, NOT_FOUND if not: a leg stored under the key
 * of releases before 0.2 (the uniqueid alone).
 */
int cxv_store_interaction_same(struct cxv_store *st, const char *source,
    const uint8_t ref[32], const struct cxv_interaction_row *times);

typedef int (*cxv_store_interaction_fn)(void *ctx,
    const struct cxv_interaction_row *row);
/* NOT_FOUND if no such interaction. */
int cxv_store_interaction_get(struct cxv_store *st, int64_t id,
    cxv_store_interaction_fn fn, void *ctx);
/* What an interaction holds besides its row. */
struct cxv_interaction_has {
	int items;		/* data items */
	int content;		/* stored content: recordings, transcripts */
};
/*
 * cxv_store_interaction_get, and from the same statement what the
 * interaction holds: its view skips the statements of what it has not.
 */
int cxv_store_interaction_show(struct cxv_store *st, int64_t id,
    struct cxv_interaction_has *has /* OUT */, cxv_store_interaction_fn fn,
    void *ctx);
/* A subject's interactions started in [since_ms, until_ms), oldest first. */
int cxv_store_interaction_by_subject(struct cxv_store *st, int64_t subject_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn,
    void *ctx);

/* The interactions agent user_id took part in, started in the range. */
int cxv_store_interaction_by_agent(struct cxv_store *st, int64_t user_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn,
    void *ctx);

/* Every interaction started in [since_ms, until_ms), oldest first. */
int cxv_store_interaction_by_time(struct cxv_store *st, int64_t since_ms,
    int64_t until_ms, cxv_store_interaction_fn fn, void *ctx);

/* One content item (R1.7); file is the sealed blob's name in DIR/content. */
struct cxv_content_row {
	int64_t id;
	int64_t subject_id;
	int64_t interaction_id;		/* 0: not tied to an interaction */
	int kind;
	const char *file;
	int64_t size;			/* plaintext bytes */
	int64_t created_ms;
	const char *masking;		/* JSON (core/mask.h); NULL: not checked */
	const char *original;		/* the unmasked original's file, or NULL */
	int64_t original_size;		/* its plaintext bytes */
};

int cxv_store_content_insert(struct cxv_store *st,
    const struct cxv_content_row *row);
typedef int (*cxv_store_content_fn)(void *ctx,
    const struct cxv_content_row *row);
/* NOT_FOUND if no such content. */
int cxv_store_content_get(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx);
/* Every content item of a subject, or of an interaction, oldest first. */
int cxv_store_content_by_subject(struct cxv_store *st, int64_t subject_id,
    cxv_store_content_fn fn, void *ctx);
int cxv_store_content_by_interaction(struct cxv_store *st, int64_t id,
    cxv_store_content_fn fn, void *ctx);
/* The first item after after_id, created since since_ms, never masked. */
int cxv_store_content_unchecked(struct cxv_store *st, int64_t since_ms,
    int64_t after_id, cxv_store_content_fn fn, void *ctx);
/*
 * Row->id pointed at row->file, size, masking, original; NOT_FOUND unless
 * it names old_file.
 */
int cxv_store_content_remask(struct cxv_store *st,
    const struct cxv_content_row *row, const char *old_file);

/* An internal user's account (R1.1); personal fields sealed. */
struct cxv_user_row {
	int64_t id;
	int64_t subject_id;
	int kind;
	int status;
	int64_t created_ms;
	const uint8_t *sealed;
	size_t sealed_len;
};

/* EXISTS if the logon id (its blind index) or id is taken. */
int cxv_store_user_insert(struct cxv_store *st, const struct cxv_user_row *row,
    const uint8_t logon_bidx[32]);
typedef int (*cxv_store_user_fn)(void *ctx, const struct cxv_user_row *row);
/* One user by id, logon index or subject; NOT_FOUND if none (fn may be NULL). */
int cxv_store_user_get(struct cxv_store *st, int64_t id, cxv_store_user_fn fn,
    void *ctx);
int cxv_store_user_by_logon(struct cxv_store *st, const uint8_t bidx[32],
    cxv_store_user_fn fn, void *ctx);
int cxv_store_user_by_subject(struct cxv_store *st, int64_t subject_id,
    cxv_store_user_fn fn, void *ctx);
int cxv_store_user_all(struct cxv_store *st, cxv_store_user_fn fn, void *ctx);

/* One entry of an agent's call log (R1.5), sealed under the customer's key. */
struct cxv_call_log_row {
	int64_t id;
	int64_t user_id;
	int64_t subject_id;
	int direction;
	int64_t ts_ms;
	int64_t duration_s;
	const uint8_t *sealed;
	size_t sealed_len;
};

/* Insert, then keep only the user's newest keep entries. */
int cxv_store_call_log_insert(struct cxv_store *st,
    const struct cxv_call_log_row *row, int keep);
typedef int (*cxv_store_call_log_fn)(void *ctx,
    const struct cxv_call_log_row *row);
/* A user's call log, newest first. */
int cxv_store_call_log_by_user(struct cxv_store *st, int64_t user_id,
    cxv_store_call_log_fn fn, void *ctx);

/* An outbound campaign (R1.6); its name is a business name, in clear. */
struct cxv_campaign_row {
	int64_t id;
	const char *name;
	int state;
	int64_t created_ms;
	int64_t entries, results;	/* counts, on reads */
};

/* EXISTS if the name or id is taken. */
int cxv_store_campaign_insert(struct cxv_store *st,
    const struct cxv_campaign_row *row);
typedef int (*cxv_store_campaign_fn)(void *ctx,
    const struct cxv_campaign_row *row);
/* NOT_FOUND if no campaign has that name. */
int cxv_store_campaign_by_name(struct cxv_store *st, const char *name,
    cxv_store_campaign_fn fn, void *ctx);
int cxv_store_campaign_all(struct cxv_store *st, cxv_store_campaign_fn fn,
    void *ctx);

/* A calling-list entry or a result (result != 0); sealed per subject. */
struct cxv_campaign_item {
	int64_t id;
	int64_t campaign_id;
	int64_t subject_id;
	int64_t ts_ms;
	const char *outcome;		/* results only */
	const uint8_t *sealed;
	size_t sealed_len;
};

/* EXISTS if the subject is already on this calling list. */
int cxv_store_campaign_item_insert(struct cxv_store *st, int result,
    const struct cxv_campaign_item *it);
typedef int (*cxv_store_campaign_item_fn)(void *ctx,
    const struct cxv_campaign_item *it);
int cxv_store_campaign_items(struct cxv_store *st, int64_t campaign_id,
    int result, cxv_store_campaign_item_fn fn, void *ctx);
/* OK if campaign id exists, else NOT_FOUND. */
int cxv_store_campaign_exists(struct cxv_store *st, int64_t id);
/* Change a campaign's state; NOT_FOUND if no such campaign. */
int cxv_store_campaign_set_state(struct cxv_store *st, int64_t id, int state);
/* Delete a campaign's calling list (results stay); *n entries deleted. */
int cxv_store_campaign_clear_list(struct cxv_store *st, int64_t campaign_id,
    int64_t *n /* OUT */);

/* The do-not-call list: blind indexes only. dnc_has: OK or NOT_FOUND. */
int cxv_store_dnc_add(struct cxv_store *st, const uint8_t bidx[32],
    int64_t ts_ms);
int cxv_store_dnc_has(struct cxv_store *st, const uint8_t bidx[32]);

/* A directory contact (R1.2); owner 0: the shared directory. */
struct cxv_contact_row {
	int64_t id;
	int64_t subject_id;
	int64_t owner_user_id;
	int64_t created_ms;
	const uint8_t *sealed;
	size_t sealed_len;
};

int cxv_store_contact_insert(struct cxv_store *st,
    const struct cxv_contact_row *row);
typedef int (*cxv_store_contact_fn)(void *ctx,
    const struct cxv_contact_row *row);
/* The contacts of one owner's list, or of the shared directory (0). */
int cxv_store_contacts(struct cxv_store *st, int64_t owner_user_id,
    cxv_store_contact_fn fn, void *ctx);

/* A data item of an interaction (R1.4): IVR input, tagged values. */
struct cxv_item_row {
	int64_t id;
	int64_t interaction_id;
	int64_t subject_id;
	const char *name;		/* the item's name, in clear */
	int protected_;
	int destinations;		/* bit set of enum cxv_item_dest */
	int64_t created_ms;
	const uint8_t *sealed;		/* the value */
	size_t sealed_len;
};

int cxv_store_item_insert(struct cxv_store *st, const struct cxv_item_row *row);
typedef int (*cxv_store_item_fn)(void *ctx, const struct cxv_item_row *row);
int cxv_store_items(struct cxv_store *st, int64_t interaction_id,
    cxv_store_item_fn fn, void *ctx);

/* Traffic statistics (R1.8): pseudonymized number, time, duration. */
int cxv_store_stat_insert(struct cxv_store *st, int64_t ts_ms,
    int64_t duration_s, int answered, const char *number_ps);

struct cxv_stat_day {
	int64_t day_ms;			/* midnight UTC */
	int64_t calls, answered, duration_s, numbers;
};
typedef int (*cxv_store_stat_day_fn)(void *ctx, const struct cxv_stat_day *d);
/* Per-day totals of the statistics in [since_ms, until_ms). */
int cxv_store_stat_days(struct cxv_store *st, int64_t since_ms,
    int64_t until_ms, cxv_store_stat_day_fn fn, void *ctx);

/* A guest's call charge (R1.9); the room in clear for invoicing. */
struct cxv_charge_row {
	int64_t id;
	int64_t subject_id;
	const char *room;
	int64_t ts_ms;
	int64_t duration_s;
	int64_t amount_cents;
	const uint8_t *sealed;		/* guest name, dialled number */
	size_t sealed_len;
};

int cxv_store_charge_insert(struct cxv_store *st,
    const struct cxv_charge_row *row);
typedef int (*cxv_store_charge_fn)(void *ctx, const struct cxv_charge_row *row);
/* A room's charges in [since_ms, until_ms), oldest first. */
int cxv_store_charges(struct cxv_store *st, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_store_charge_fn fn, void *ctx);

/* Every record of a subject in every store: (store, id, time), by time. */
struct cxv_record_ref {
	const char *store;
	int64_t id;
	int64_t ts_ms;
	int media;			/* of its interaction, or -1 */
};
typedef int (*cxv_store_record_fn)(void *ctx, const struct cxv_record_ref *ref);
int cxv_store_subject_records(struct cxv_store *st, int64_t subject_id,
    cxv_store_record_fn fn, void *ctx);

/* Erasure (DESIGN 3): what a subject's erasure removes, per store. */
typedef int (*cxv_store_count_fn)(void *ctx, const char *store, int64_t n);
int cxv_store_erase_counts(struct cxv_store *st, int64_t subject_id,
    cxv_store_count_fn fn, void *ctx);
/* The content files of a subject, with their plaintext sizes. */
typedef int (*cxv_store_file_fn)(void *ctx, const char *file, int64_t size);
int cxv_store_subject_files(struct cxv_store *st, int64_t subject_id,
    cxv_store_file_fn fn, void *ctx);
/* Statistics rows of one pseudonym, as records of store "statistics". */
int cxv_store_stat_rows(struct cxv_store *st, const char *number_ps,
    cxv_store_record_fn fn, void *ctx);
/* Statistics rows of one pseudonym, into *n. */
int cxv_store_stat_count(struct cxv_store *st, const char *number_ps,
    int64_t *n /* OUT */);
/* Delete the statistics rows of one pseudonym; *n rows deleted. */
int cxv_store_stat_delete(struct cxv_store *st, const char *number_ps,
    int64_t *n /* OUT */);
/*
 * Keep the interactions of subject_id that an agent handled as skeletons
 * (erase_keep_skeletons): moved to the key-less placeholder subject 1,
 * their sealed values, data items and content deleted; *n kept. Call
 * before the subject's rows are deleted, inside its erasure.
 */
int cxv_store_keep_skeletons(struct cxv_store *st, int64_t subject_id,
    int64_t *n /* OUT */);
/* Record an erased subject id and its receipt (EXISTS if recorded). */
int cxv_store_erasure_insert(struct cxv_store *st, int64_t subject_id,
    int64_t erased_ms, const char *receipt);
/* A custom profile (R3.2): predefined ones live in code. */
struct cxv_profile_row {
	int64_t id;
	const char *name;
	uint64_t perms;
};
/* EXISTS if the name is taken. */
int cxv_store_profile_insert(struct cxv_store *st,
    const struct cxv_profile_row *row);
/* NOT_FOUND if no such id, EXISTS if the name is taken. */
int cxv_store_profile_update(struct cxv_store *st,
    const struct cxv_profile_row *row);
int cxv_store_profile_delete(struct cxv_store *st, int64_t id);
typedef int (*cxv_store_profile_fn)(void *ctx,
    const struct cxv_profile_row *row);
/* By id (name NULL) or by name (id 0); NOT_FOUND if none. */
int cxv_store_profile_get(struct cxv_store *st, int64_t id, const char *name,
    cxv_store_profile_fn fn, void *ctx);
int cxv_store_profile_all(struct cxv_store *st, cxv_store_profile_fn fn,
    void *ctx);
/* Accounts holding profile id, into *n. */
int cxv_store_profile_users(struct cxv_store *st, int64_t id,
    int64_t *n /* OUT */);

/* A user's login credentials and lockout state (R2.2-R2.4). */
struct cxv_credential_row {
	int64_t user_id;
	int64_t profile_id;
	const char *pw_hash;		/* NULL: no password */
	int64_t pw_changed_ms;
	const char *pin_hash;		/* NULL: no PIN */
	int must_change;
	int failures;
	int64_t locked_until_ms;
};
/* Insert or replace the whole row. */
int cxv_store_credential_put(struct cxv_store *st,
    const struct cxv_credential_row *row);
typedef int (*cxv_store_credential_fn)(void *ctx,
    const struct cxv_credential_row *row);
/* NOT_FOUND if the user has no credentials. */
int cxv_store_credential_get(struct cxv_store *st, int64_t user_id,
    cxv_store_credential_fn fn, void *ctx);
/*
 * Count one failed login: failures + 1, and when that reaches limit,
 * lock until locked_until_ms and start counting afresh. *locked says
 * whether this failure locked. Atomic against parallel attempts.
 */
int cxv_store_credential_fail(struct cxv_store *st, int64_t user_id,
    int limit, int64_t locked_until_ms, int *locked /* OUT */);
/* A successful login or an unlock: no failures, no lock. */
int cxv_store_credential_clear(struct cxv_store *st, int64_t user_id);

/* Failed logins of names no account has (no enumeration, R2.4). */
int cxv_store_login_failure_get(struct cxv_store *st, const uint8_t bidx[32],
    int64_t *locked_until_ms /* OUT */);
int cxv_store_login_failure_add(struct cxv_store *st, const uint8_t bidx[32],
    int limit, int64_t locked_until_ms, int *locked /* OUT */);

/* Recent password hashes of a user, newest first, at most n. */
typedef int (*cxv_store_text_fn)(void *ctx, const char *text);
int cxv_store_password_history(struct cxv_store *st, int64_t user_id, int n,
    cxv_store_text_fn fn, void *ctx);
/* Add a hash and keep only the newest keep entries. */
int cxv_store_password_history_add(struct cxv_store *st, int64_t user_id,
    const char *hash, int64_t changed_ms, int keep);

/* Login sessions and API tokens, by the hash of their secret. */
struct cxv_session_row {
	const uint8_t *token_hash;	/* 32 bytes */
	int64_t user_id;
	int kind;			/* enum cxv_auth_kind */
	uint64_t scope;			/* permissions it may use */
	int64_t created_ms, last_ms, expires_ms;
};
int cxv_store_session_insert(struct cxv_store *st,
    const struct cxv_session_row *row);
typedef int (*cxv_store_session_fn)(void *ctx,
    const struct cxv_session_row *row);
int cxv_store_session_get(struct cxv_store *st, const uint8_t hash[32],
    cxv_store_session_fn fn, void *ctx);
int cxv_store_session_touch(struct cxv_store *st, const uint8_t hash[32],
    int64_t last_ms);
int cxv_store_session_delete(struct cxv_store *st, const uint8_t hash[32]);
/* A user's unexpired sessions of kind, oldest first. */
int cxv_store_session_live(struct cxv_store *st, int64_t user_id, int kind,
    int64_t now_ms, cxv_store_session_fn fn, void *ctx);
/* End every session and token of a user; *n ended. */
int cxv_store_session_delete_user(struct cxv_store *st, int64_t user_id,
    int64_t *n /* OUT */);
/* Delete sessions past their absolute expiry. */
int cxv_store_session_expire(struct cxv_store *st, int64_t now_ms);

/* Legal hold (R9.5) and restriction of processing of a subject. */
int cxv_store_subject_flags(struct cxv_store *st, int64_t id,
    int *hold /* OUT */, int *restricted /* OUT */);
/* Set (on) or clear the hold, or with restricted the restriction. */
int cxv_store_subject_flag_set(struct cxv_store *st, int64_t id,
    int restricted, int on);

/*
 * Every sealed record of a subject, table by table, oldest first: its
 * table, the prefix of its associated data ("<ad>:<id>"), id, time and
 * sealed fields (valid during the callback). For rectification (R9.3)
 * and export (R9.2).
 */
enum cxv_sealed_table {
	CXV_SEALED_INTERACTION, CXV_SEALED_ITEM, CXV_SEALED_USER,
	CXV_SEALED_CALL_LOG, CXV_SEALED_CONTACT, CXV_SEALED_CAMPAIGN_ENTRY,
	CXV_SEALED_CAMPAIGN_RESULT, CXV_SEALED_CHARGE, CXV_SEALED_CORRECTION,
	CXV_SEALED__COUNT
};
typedef int (*cxv_store_sealed_fn)(void *ctx, int table, const char *ad,
    int64_t id, int64_t ts_ms, const uint8_t *sealed, size_t len);
int cxv_store_sealed_each(struct cxv_store *st, int64_t subject_id,
    cxv_store_sealed_fn fn, void *ctx);
/*
 * Replace one record's sealed fields and subject (the same one, or
 * another when subjects merge); NOT_FOUND if no such record.
 */
int cxv_store_sealed_update(struct cxv_store *st, int table, int64_t id,
    int64_t subject_id, const uint8_t *sealed, size_t len);
/* The store name of a table ("interaction", "data_item", ...). */
const char *cxv_store_sealed_name(int table);

/* An erasure request (R9.4); codes and ids only. */
struct cxv_request_row {
	int64_t id;
	int64_t subject_id;
	int64_t requester;		/* user id; 0: the command line */
	int64_t filed_ms;
	const char *ground;		/* why erase (GDPR Art. 17(1)) */
	int status;			/* enum cxv_request_status */
	int64_t decided_by, decided_ms;
	const char *decision;		/* why not (Art. 17(3)), or "" */
	const char *receipt;		/* the erasure's, when executed */
};
int cxv_store_request_insert(struct cxv_store *st,
    const struct cxv_request_row *row);
typedef int (*cxv_store_request_fn)(void *ctx,
    const struct cxv_request_row *row);
int cxv_store_request_get(struct cxv_store *st, int64_t id,
    cxv_store_request_fn fn, void *ctx);
/* By status (-1: any) and requester (0: any), oldest first. */
int cxv_store_requests(struct cxv_store *st, int status, int64_t requester,
    cxv_store_request_fn fn, void *ctx);
/* Decide a pending request; NOT_FOUND if none pending has that id. */
int cxv_store_request_decide(struct cxv_store *st,
    const struct cxv_request_row *row);

/*
 * Corrections an end user asked for (R3.4, R9.3), for staff to confirm:
 * the identifier's kind in clear, its old and new values sealed under
 * the person's key (NULL once decided).
 */
struct cxv_correction_row {
	int64_t id;
	int64_t subject_id;
	int64_t requester;		/* user id */
	int64_t filed_ms;
	int kind;			/* enum cxv_ident_kind */
	int status;			/* enum cxv_request_status */
	int64_t decided_by, decided_ms;
	const char *decision;		/* why not, or "" */
	const uint8_t *sealed;		/* NULL once decided */
	size_t sealed_len;
};
int cxv_store_correction_insert(struct cxv_store *st,
    const struct cxv_correction_row *row);
typedef int (*cxv_store_correction_fn)(void *ctx,
    const struct cxv_correction_row *row);
int cxv_store_correction_get(struct cxv_store *st, int64_t id,
    cxv_store_correction_fn fn, void *ctx);
/* By status (-1: any) and requester (0: any), oldest first. */
int cxv_store_corrections(struct cxv_store *st, int status,
    int64_t requester, cxv_store_correction_fn fn, void *ctx);
/* Decide a pending one (its values go); NOT_FOUND if none is pending. */
int cxv_store_correction_decide(struct cxv_store *st,
    const struct cxv_correction_row *row);

/*
 * The vault's inventory for the record of processing (R10.3): per store
 * its row count and the time of its oldest row (0 if none or not
 * timed); "erasures" gives the newest instead, "content_bytes" a sum.
 */
typedef int (*cxv_store_inventory_fn)(void *ctx, const char *store, int64_t n,
    int64_t ms);
int cxv_store_inventory(struct cxv_store *st, cxv_store_inventory_fn fn,
    void *ctx);

/*
 * Anonymize a user (R6.2): its own content rows (files named to fn
 * first, to unlink after the commit), login, password history, sessions,
 * call log and personal contacts go; its logon index and sealed fields
 * are replaced, its status disabled. The interactions it handled keep
 * its id; its person's identifiers are the caller's. Inside a
 * transaction.
 */
int cxv_store_user_anonymize(struct cxv_store *st, int64_t user_id,
    int64_t subject_id, const uint8_t logon_bidx[32], const uint8_t *sealed,
    size_t len, cxv_store_file_fn fn, void *ctx);

/*
 * *beyond = 1 if user id's person holds records other than the account
 * (calls as a customer, list entries, charges, entries in other agents'
 * call logs, a contact, another account): what anonymizing the account
 * must leave to the person's erasure.
 */
int cxv_store_user_person_beyond(struct cxv_store *st, int64_t user_id,
    int64_t subject_id, int *beyond /* OUT */);

/*
 * What retention sweeps (policy.h, retention.h): one policy per
 * category, each mapped to its table by the store (store_maint.c).
 */
enum cxv_ret_category {
	CXV_RET_INTERACTIONS,		/* with their trails, items, content */
	CXV_RET_RECORDINGS,		/* content, by kind */
	CXV_RET_VOICEMAIL,
	CXV_RET_GREETINGS,
	CXV_RET_TRANSCRIPTS,		/* chat and SMS */
	CXV_RET_EMAIL,
	CXV_RET_CASE_NOTES,
	CXV_RET_PHOTOS,
	CXV_RET_CALL_LOGS,
	CXV_RET_CAMPAIGN_RESULTS,
	CXV_RET_STATISTICS,		/* R6.9 */
	CXV_RET_CHARGES,
	CXV_RET_AUDIT,
	CXV_RET__COUNT
};

/*
 * Retention (retention.h): the records of category cat (an enum
 * cxv_ret_category) older than before_ms. ret_expired gives up to cap
 * ids, oldest first, of those no legal hold keeps (for the audit trail:
 * a prefix of the chain, never its last entry); ret_count counts them,
 * the content files going with them and the held ones; ret_files names
 * the content files of records; ret_delete deletes records with their
 * trails, items and content rows (the files are the caller's).
 */
int cxv_store_ret_expired(struct cxv_store *st, int cat, int64_t before_ms,
    int64_t *ids /* OUT */, size_t cap, size_t *n /* OUT */);
int cxv_store_ret_count(struct cxv_store *st, int cat, int64_t before_ms,
    int64_t *n /* OUT */, int64_t *files /* OUT */, int64_t *held /* OUT */);
int cxv_store_ret_files(struct cxv_store *st, int cat, const int64_t *ids,
    size_t n, cxv_store_file_fn fn, void *ctx);
int cxv_store_ret_delete(struct cxv_store *st, int cat, const int64_t *ids,
    size_t n);

/*
 * The archive of backup-and-delete: an SQLite file (whatever the store's
 * engine) attached outside any transaction, holding copies of the swept
 * rows (values still sealed under their subjects' keys). archive_copy
 * copies records with their trails, items and content rows, in a
 * transaction of the archive's own; a repeated copy is a no-op.
 */
int cxv_store_archive_attach(struct cxv_store *st, const char *path);
int cxv_store_archive_copy(struct cxv_store *st, int cat, const int64_t *ids,
    size_t n);
int cxv_store_archive_detach(struct cxv_store *st);

/* What a category holds: records, the oldest one's time, content bytes. */
int cxv_store_ret_span(struct cxv_store *st, int cat, int64_t *n /* OUT */,
    int64_t *oldest_ms /* OUT */, int64_t *bytes /* OUT */);

/* The newest audit entry of action; NOT_FOUND if there is none. */
int cxv_store_audit_last(struct cxv_store *st, const char *action,
    cxv_store_audit_fn fn, void *ctx);

/* The hash of audit entry seq; NOT_FOUND if it is not there. */
int cxv_store_audit_hash(struct cxv_store *st, int64_t seq,
    uint8_t hash[32] /* OUT */);

/* Whether a row names content file (OK) or none does (NOT_FOUND). */
int cxv_store_content_file_known(struct cxv_store *st, const char *file);
/* Every content file with its plaintext size. */
int cxv_store_content_files(struct cxv_store *st, cxv_store_file_fn fn,
    void *ctx);

/*
 * A consistent copy of the whole database into a new file at path (an
 * online backup: writers are not held up), compacted: an SQLite file
 * for either engine (PostgreSQL's rows copied by cxv_store_copy()).
 */
int cxv_store_snapshot(struct cxv_store *st, const char *path);

/* The erasure register, oldest first. */
typedef int (*cxv_store_erasure_fn)(void *ctx, int64_t subject_id,
    int64_t erased_ms, const char *receipt);
int cxv_store_erasures(struct cxv_store *st, cxv_store_erasure_fn fn,
    void *ctx);

/*
 * Voicemail to email (R4.3): a user's choice (both 0 when never set),
 * and the outbox: a message queued when it arrives, sent, retried.
 */
int cxv_store_vm_mail_get(struct cxv_store *st, int64_t user_id,
    int *enabled /* OUT */, int *delete_after /* OUT */);
int cxv_store_vm_mail_set(struct cxv_store *st, int64_t user_id, int enabled,
    int delete_after);
struct cxv_outbox_row {
	int64_t content_id, user_id;
	int64_t queued_ms, next_ms;
	int64_t sent_ms;		/* 0: not yet */
	int attempts;
	const char *last_error;		/* a code, or "" */
};
typedef int (*cxv_store_outbox_fn)(void *ctx, const struct cxv_outbox_row *r);
int cxv_store_outbox_add(struct cxv_store *st, int64_t content_id,
    int64_t user_id, int64_t now_ms);
/* Unsent messages due by now_ms with fewer than max_attempts tries. */
int cxv_store_outbox_due(struct cxv_store *st, int64_t now_ms, int max_attempts,
    int limit, cxv_store_outbox_fn fn, void *ctx);
/* A user's messages, newest first. */
int cxv_store_outbox_by_user(struct cxv_store *st, int64_t user_id, int limit,
    cxv_store_outbox_fn fn, void *ctx);
int cxv_store_outbox_update(struct cxv_store *st,
    const struct cxv_outbox_row *row);

/* A user's status (enum cxv_user_status); NOT_FOUND if no such user. */
int cxv_store_user_set_status(struct cxv_store *st, int64_t id, int status);

/* Delete one content item's row; its file goes to fn (NOT_FOUND: none). */
int cxv_store_content_delete(struct cxv_store *st, int64_t id,
    cxv_store_file_fn fn, void *ctx);

/*
 * A restore into a database server: the vault's tables kept under the
 * name replaced_STAMP (letters and digits of stamp) and an empty place
 * left for the restored ones. CXV_ERR_INVALID for SQLite, whose file
 * is moved aside instead.
 */
int cxv_store_set_aside(struct cxv_store *st, const char *stamp);

/*
 * What the store's database holds beside the vault (PostgreSQL: tables,
 * views and schemas it did not make, such as a PBX's cdr table), as a
 * comma list into out; "" if nothing (always for SQLite, whose file is
 * the vault's alone).
 */
int cxv_store_foreign(struct cxv_store *st, char *out, size_t cap);

/*
 * Copy every row of from into to, a new, empty store at the latest
 * schema, of either engine (cxvault migrate, snapshots): in one read
 * snapshot of from and one transaction of to, then every table counted
 * again on both sides (CXV_ERR_CORRUPT if a count differs). fn (may be
 * NULL) hears each table and its rows once all is verified.
 */
typedef int (*cxv_store_copy_fn)(void *ctx, const char *table, int64_t rows);
int cxv_store_copy(struct cxv_store *from, struct cxv_store *to,
    cxv_store_copy_fn fn, void *ctx);

/*
 * After deletions: SQLite checkpoints and truncates its write-ahead log,
 * PostgreSQL checkpoints.
 */
int cxv_store_checkpoint(struct cxv_store *st);
/*
 * Remove erased keys from the files (DESIGN 3): on PostgreSQL every
 * deleted subject key queued since (cxv_store_subject_delete) is
 * rewritten out of its partition once no older transaction can see it;
 * with wait, passes are made until none is left or 60 s passed
 * (CXV_ERR_BUSY then: the queue keeps it for the next call),
 * without, one pass; then a checkpoint if anything was rewritten. On
 * SQLite, secure_delete overwrote the key in its transaction: the
 * checkpoint alone. *done (may be NULL): partitions rewritten.
 */
int cxv_store_shred(struct cxv_store *st, int wait, int *done /* OUT */);
/* Whether cxv_store_shred has a queue to work on (PostgreSQL). */
int cxv_store_shreds_later(struct cxv_store *st);
/* The longest an erased key may stay in the files after the commit. */
int64_t cxv_store_shred_bound_ms(struct cxv_store *st);

#endif
