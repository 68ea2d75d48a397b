/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit trail (R7.1-R7.3, DESIGN 5): one entry per write or read of
 * personal data, naming the actor, the action, the object and the field
 * names touched, never the values. Entries form a keyed hash chain: each
 * stores the previous entry's hash, and a hash keyed by the vault so that
 * an attacker who can write the database cannot forge a consistent chain.
 */
#ifndef CXV_AUDIT_H
#define CXV_AUDIT_H

#include <stdint.h>

#include "store/store.h"

struct cxv_keyring;

struct cxv_audit_event {
	const char *actor;		/* "local:alice", later "account:7" */
	const char *action;		/* "subject.create", "subject.read" */
	const char *object_type;	/* "subject" */
	const char *object_id;		/* record id, never a personal value */
	const char *fields;		/* comma-separated field names or "" */
	int64_t ts_ms;			/* when; 0: now */
};

/*
 * Whether the trail takes ev: every text printable UTF-8 of at most
 * CXV_AUDIT_TEXT_MAX bytes (object_id may be NULL for a group's).
 */
int cxv_audit_event_valid(const struct cxv_audit_event *ev);

/*
 * Append ev to the chain. Must run inside the store transaction of the
 * operation it records, so that the entry commits or rolls back with it.
 * CXV_ERR_INVALID if a text is over CXV_AUDIT_TEXT_MAX or not printable.
 */
int cxv_audit_append(struct cxv_store *st, const struct cxv_keyring *kr,
    const struct cxv_audit_event *ev);

/*
 * The chain's last entry as kept by a caller that appends many entries
 * in one transaction (the journal's mover): read from the store by the
 * first append, advanced by each. Zero it before the first; it is stale
 * once the transaction ends.
 */
struct cxv_audit_tail {
	int64_t seq;
	uint8_t hash[32];		/* CXV_HASH_BYTES */
	int known;
};

/* cxv_audit_append() chained to *tail, which it advances. */
int cxv_audit_append_next(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_tail *tail, const struct cxv_audit_event *ev);

/*
 * Entries for many records of one operation, such as an import batch:
 * records added with the same action, object type and field names are
 * named by one entry, their ids as ranges ("17..42,97": consecutive ids
 * of cxv_time_id() merge). An entry is appended when its id list is
 * full, when a fifth kind of record displaces it, and at flush, which
 * must run inside the transaction before it commits. Not thread-safe.
 */
struct cxv_audit_group;

/* A new empty group; NOMEM. Free with cxv_audit_group_free(). */
int cxv_audit_group_new(struct cxv_audit_group **out /* OUT */);
void cxv_audit_group_free(struct cxv_audit_group *g);

/*
 * Name record id, done by actor, in g (inside the transaction that wrote
 * it). action and object_type must outlive g (string literals); fields
 * is copied. May append an entry; CXV_ERR_INVALID as for append.
 */
int cxv_audit_group_add(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_group *g, const struct cxv_audit_event *ev, int64_t id);

/* Append every pending entry and empty g. */
int cxv_audit_group_flush(struct cxv_store *st, const struct cxv_keyring *kr,
    struct cxv_audit_group *g);

/* Forget the pending entries (their transaction rolled back). */
void cxv_audit_group_discard(struct cxv_audit_group *g);

/*
 * Retention of the trail (R6.6): delete entries seqs[0..n) (a prefix of
 * the chain, ascending, never the last entry) inside a transaction, and
 * record the last one's hash as the authenticated anchor verification
 * starts from.
 */
int cxv_audit_prune(struct cxv_store *st, const struct cxv_keyring *kr,
    const int64_t *seqs, size_t n);

/*
 * Check the whole chain: contiguous sequence numbers from 1 (or from
 * the anchor of a pruned trail), each entry's
 * prev equal to the hash before it, each hash recomputed. *count is the
 * number of entries checked; on CXV_ERR_CORRUPT, *bad_seq names the first
 * broken entry and *why says how it is broken (static text).
 */
int cxv_audit_verify(struct cxv_store *st, const struct cxv_keyring *kr,
    int64_t *count /* OUT */, int64_t *bad_seq /* OUT */,
    const char **why /* OUT */);

/* Call fn for each entry at or after since_ms, in order. */
int cxv_audit_scan(struct cxv_store *st, int64_t since_ms,
    cxv_store_audit_fn fn, void *ctx);

#endif
