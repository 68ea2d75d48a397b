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

#include "store.h"

struct cxv_keyring;

struct cxv_audit_event {
	const char *actor;		/* "local:alice", later "account:7" */
	const char *action;		/* "subject.create", "subject.read" */
	const char *object_type;	/* "subject" */
	const char *object_id;		/* record id, never a personal value */
	const char *fields;		/* comma-separated field names or "" */
};

/*
 * Append ev to the chain. Must run inside the store transaction of the
 * operation it records, so that the entry commits or rolls back with it.
 * CXV_ERR_INVALID if a text is over CXV_AUDIT_TEXT_MAX or not printable.
 */
int cxv_audit_append(struct cxv_store *st, const struct cxv_keyring *kr,
    const struct cxv_audit_event *ev);

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
