/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inside the store: what its files share with store.c (the connection,
 * statements prepared once, stepping through rows). Not for use outside
 * src/store/.
 */
#ifndef CXV_STORE_INT_H
#define CXV_STORE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

struct cxv_store;

/* The connection, for statements prepared outside store.c. */
struct db *cxv_store_db(struct cxv_store *st);

/* The retention archive's connection while one is attached (or NULL). */
struct db **cxv_store_archive_db(struct cxv_store *st);

/*
 * The rows select (?1 bound to id) returns from `from`, inserted into
 * table of `to` column by column by name; with ignore, rows whose key is
 * there already are skipped. *rows counts the rows read.
 */
int cxv_store_copy_rows(struct db *from, struct db *to, const char *table,
    const char *select, int64_t id, int ignore, int64_t *rows);

/*
 * The store's files, each with the statements of its own records: a
 * file names its statements by small numbers and hands cxv_store_stmt()
 * its SQL table, so the SQL stays beside the code that runs it.
 */
enum store_part {
	STORE_PART_CORE, STORE_PART_SUBJECT, STORE_PART_AUDIT,
	STORE_PART_INTERACTION, STORE_PART_CONTENT, STORE_PART_USER,
	STORE_PART_ACCOUNT, STORE_PART_CALL_LOG, STORE_PART_CAMPAIGN,
	STORE_PART_CONTACT, STORE_PART_CHARGE, STORE_PART_ERASE,
	STORE_PART_REQUEST, STORE_PART_REPORT, STORE_PART_CORRECTION,
	STORE_PART_MEMO, STORE_PART__COUNT
};
#define STORE_PART_STMTS	32	/* statements of one file at the most */

/*
 * Statement id of part, prepared from sql[id] the first time and kept
 * for the connection's life; reset and unbound, ready for binding. NULL
 * with *r set on failure.
 */
struct db_stmt *cxv_store_stmt(struct cxv_store *st, enum store_part part,
    const char *const *sql, int id, int *r /* OUT */);

/* Step a statement that returns no rows, then reset it. */
int cxv_store_step_done(struct db_stmt *s);
/*
 * The same for a write that cannot meet a unique key: piped in a piped
 * transaction (cxv_store_pipeline), as how says (db.h), where a failure
 * fails the whole transaction, later.
 */
int cxv_store_step_piped(struct cxv_store *st, struct db_stmt *s,
    enum db_pipe how);
/*
 * The same for an insert of row id into a table whose ids callers pick
 * (cxv_time_id) and retry on a clash: held (DB_PIPE_HELD) only when id
 * is above every id the table held when piping began, where nothing
 * else writes meanwhile; else it waits for its answer (CXV_ERR_EXISTS
 * on a clash).
 */
enum store_ids {
	STORE_IDS_INTERACTION, STORE_IDS_CALL_LOG, STORE_IDS__COUNT
};
int cxv_store_step_new_id(struct cxv_store *st, enum store_ids table,
    int64_t id, struct db_stmt *s);

/*
 * The memo of a piped transaction (store_memo.c): the refs the last
 * cxv_store_prefetch() read, and the identifiers and wrapped keys read
 * since no other transaction changed people, with the transaction's
 * writes added. A lookup returns 1 with *r CXV_OK or CXV_ERR_NOT_FOUND
 * (or fn's result) when the memo knows, 0 when the database must be
 * asked.
 */
struct store_memo **cxv_store_memo_slot(struct cxv_store *st);
/* A piped transaction begins: the people kept are dropped if stale. */
int cxv_store_memo_begin(struct cxv_store *st);
/* It is about to commit: the people it knows may stay past it. */
void cxv_store_memo_commit(struct cxv_store *st);
/* The refs forgotten; the people too, unless people_stay. */
void cxv_store_memo_forget(struct cxv_store *st, int people_stay);
void cxv_store_memo_free(struct cxv_store *st);
int cxv_store_memo_interaction(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32], int *r);
void cxv_store_memo_interaction_add(struct cxv_store *st, const char *source,
    int64_t started_ms, const uint8_t ref[32]);
int cxv_store_memo_ident_find(struct cxv_store *st, int kind,
    const uint8_t bidx[32], int (*fn)(void *, int64_t), void *ctx, int *r);
int cxv_store_memo_ident_held(struct cxv_store *st, int64_t sid, int kind,
    const uint8_t bidx[32], int *r);
void cxv_store_memo_ident_add(struct cxv_store *st, int64_t sid, int kind,
    const uint8_t bidx[32]);
int cxv_store_memo_key(struct cxv_store *st, int64_t sid, uint8_t *wrapped,
    size_t cap, size_t *len, int64_t *created_ms);
void cxv_store_memo_key_add(struct cxv_store *st, int64_t sid,
    const uint8_t *wrapped, size_t len, int64_t created_ms);
int cxv_store_memo_audit_head(struct cxv_store *st, int64_t *seq,
    uint8_t hash[32]);
void cxv_store_memo_audit_set(struct cxv_store *st, int64_t seq,
    const uint8_t hash[32]);
/* cxv_store_step_done(), then NOT_FOUND unless exactly one row changed. */
int cxv_store_step_one_change(struct cxv_store *st, struct db_stmt *s);
/* Step a one-row query; NOT_FOUND if it returns none (not reset). */
int cxv_store_step_row(struct db_stmt *s);

/*
 * Step s through its rows, calling row() on each; the first non-OK return
 * stops the scan and is returned. s is reset either way.
 */
typedef int (*cxv_store_row_fn)(struct db_stmt *s, void *ctx);
int cxv_store_each_row(struct db_stmt *s, cxv_store_row_fn row, void *ctx);
/* Step s once: row() on its row, NOT_FOUND without one; s is reset. */
int cxv_store_one_row(struct db_stmt *s, cxv_store_row_fn row, void *ctx);

/* Copy a blob column into buf (cap bytes); CORRUPT if it does not fit. */
int cxv_store_column_blob(struct db_stmt *s, int col, uint8_t *buf,
    size_t cap, size_t *len /* OUT */);
/* Column text, "" for NULL, so that a tampered row cannot crash a reader. */
const char *cxv_store_column_text(struct db_stmt *s, int col);
/* The single integer statement id of part (a count) returns. */
int cxv_store_count(struct cxv_store *st, enum store_part part,
    const char *const *sql, int id, int64_t *n /* OUT */);

#endif
