/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Data subjects (DESIGN 1): the people the vault holds data about. A
 * subject is an id, a wrapped data key and identifiers, each stored as
 * a blind index (for lookup) and a value sealed under the subject's key
 * with "ident:<subject>:<kind>:<index>" as associated data. Every
 * operation is audited and runs in one transaction.
 */
#ifndef CXV_SUBJECT_H
#define CXV_SUBJECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ident.h"
#include "store/store.h"

struct cxv_vault;

/* One identifier as given by a user or a feed. */
struct cxv_ident_input {
	enum cxv_ident_kind kind;
	const char *value;
};

/*
 * Resolve the identifiers to a subject, creating it if no unique
 * identifier (phone, email, chat, account, logon) is known yet; new
 * identifiers are added to it. n is 1..CXV_SUBJECT_IDENTS_MAX.
 * CXV_ERR_INVALID (and *why, a static text naming no value) for a
 * malformed identifier; CXV_ERR_CONFLICT if they belong to different
 * subjects (merge them first). *created says whether it is new.
 */
int cxv_subject_resolve(struct cxv_vault *v, const struct cxv_ident_input *ids,
    size_t n, int64_t *id /* OUT */, int *created /* OUT */,
    const char **why /* OUT */);

/*
 * Unwrap subject id's data key into *key, which the caller must
 * cxv_subject_key_wipe(). NOT_FOUND if no such subject.
 */
struct cxv_subject_key;
int cxv_subject_key(struct cxv_vault *v, int64_t id,
    struct cxv_subject_key *key /* OUT */);

/*
 * Pack fields and seal them under subject sid's key with ad (the record
 * id): *out (malloc'd, *outlen bytes) is the caller's to free.
 */
struct cxv_field;
int cxv_subject_seal_fields(struct cxv_vault *v, int64_t sid, const char *ad,
    const struct cxv_field *fields, size_t n, uint8_t **out /* OUT */,
    size_t *outlen /* OUT */);

/* Open what cxv_subject_seal_fields() sealed and hand each field to fn. */
int cxv_subject_open_fields(struct cxv_vault *v, int64_t sid, const char *ad,
    const uint8_t *sealed, size_t len,
    int (*fn)(void *ctx, const char *name, const char *value), void *ctx);

/*
 * cxv_subject_resolve() inside the caller's open transaction (imports
 * that batch many records), with the same results.
 */
int cxv_subject_resolve_tx(struct cxv_vault *v,
    const struct cxv_ident_input *ids, size_t n, int64_t *id /* OUT */,
    int *created /* OUT */, const char **why /* OUT */);

/*
 * Identifiers of a new account's person (a user), inside the caller's
 * transaction: never attached to a person already known by one of them
 * unless into names that person (0: a new person). CONFLICT if another
 * person holds one of ids (*why says so without naming who), EXISTS if
 * the logon id is held; NOT_FOUND if into does not exist.
 * *id is the subject. Audited like a resolution.
 */
int cxv_subject_claim_tx(struct cxv_vault *v,
    const struct cxv_ident_input *ids, size_t n, int64_t into,
    int64_t *id /* OUT */, const char **why /* OUT */);

/*
 * The blind index ident is stored and looked up by, for reads made
 * ahead for a batch (cxv_store_prefetch); CXV_ERR_INVALID if malformed.
 */
int cxv_subject_ident_index(struct cxv_vault *v,
    const struct cxv_ident_input *ident, uint8_t bidx[32]);

/*
 * The first subject holding ident, inside the caller's transaction and
 * without an audit entry of its own: for records derived from one being
 * written (an agent's call-log entry of an imported call). NOT_FOUND if
 * none; CXV_ERR_INVALID (and *why) if ident is malformed.
 */
int cxv_subject_lookup_tx(struct cxv_vault *v,
    const struct cxv_ident_input *ident, int64_t *id /* OUT */,
    const char **why /* OUT */);

/*
 * Subjects holding the identifier, through its blind index: ids into
 * out (cap entries), count into *n. Audited as a search.
 */
int cxv_subject_find(struct cxv_vault *v, const struct cxv_ident_input *ident,
    int64_t *out /* OUT */, size_t cap, size_t *n /* OUT */,
    const char **why /* OUT */);

/*
 * Every record held about subject id, in every store (R9.1): its rows
 * oldest first (store name, record id, time, media), then the traffic
 * statistics under the pseudonyms of its identifiers ("statistics") and
 * a "dnc" entry if one of its numbers is on the do-not-call list.
 * Audited as a search.
 */
int cxv_subject_records(struct cxv_vault *v, int64_t id,
    cxv_store_record_fn fn, void *ctx);

/* One decrypted identifier; value is wiped after the callback returns. */
typedef int (*cxv_subject_ident_fn)(void *ctx, enum cxv_ident_kind kind,
    const char *value);

/*
 * Decrypt subject id's identifiers and hand each to fn, with its
 * creation time in *created_ms. Audited as a read of personal data.
 */
int cxv_subject_show(struct cxv_vault *v, int64_t id,
    int64_t *created_ms /* OUT */, cxv_subject_ident_fn fn, void *ctx);

/*
 * Decrypt subject id's identifiers for fn without an audit entry of its
 * own: for an operation that records itself (erasure).
 */
int cxv_subject_identifiers_tx(struct cxv_vault *v, int64_t id,
    cxv_subject_ident_fn fn, void *ctx);

/*
 * Merge subject other into keep (a caller turns out to be a known
 * contact): other's identifiers and records are re-sealed under keep's
 * key and moved to keep, then other and its key are deleted. Refused
 * with CXV_ERR_CONFLICT while other has content (sealed streams are
 * not re-encrypted), or CXV_ERR_EXISTS when both are on one calling
 * list.
 */
int cxv_subject_merge(struct cxv_vault *v, int64_t keep, int64_t other);

/*
 * Re-seal a record's fields (sealed under subject from with associated
 * data ad) under subject to's key (to may equal from), passing each
 * value through edit (NULL: unchanged; it returns the value to keep).
 * *out is the caller's to free(). For merges and rectification.
 */
typedef const char *(*cxv_field_edit_fn)(void *ctx, const char *name,
    const char *value);
int cxv_subject_reseal_fields(struct cxv_vault *v, int64_t from, int64_t to,
    const char *ad, const uint8_t *sealed, size_t len, cxv_field_edit_fn edit,
    void *ctx, uint8_t **out /* OUT */, size_t *outlen /* OUT */);

/*
 * Remove from subject sid those of ids it holds, inside the caller's
 * transaction (what anonymizing an account takes from its person).
 */
int cxv_subject_drop_idents_tx(struct cxv_vault *v, int64_t sid,
    const struct cxv_ident_input *ids, size_t n);

/*
 * Rectification of an identifier (R9.3), inside the caller's transaction:
 * subject sid's old identifier of kind becomes fresh (blind index and
 * sealed value; a logon also moves the user's login name). NOT_FOUND if
 * sid does not hold old, CONFLICT if fresh belongs to someone else,
 * INVALID if either is malformed; *why says which.
 */
int cxv_subject_replace_ident_tx(struct cxv_vault *v, int64_t sid,
    enum cxv_ident_kind kind, const char *old, const char *fresh,
    const char **why /* OUT */);

/*
 * Legal hold (R9.5: no erasure, no retention purge) or, with restricted,
 * restriction of processing: set (on) or clear it; audited.
 */
int cxv_subject_set_flag(struct cxv_vault *v, int64_t id, int restricted,
    int on);
int cxv_subject_flags(struct cxv_vault *v, int64_t id, int *hold /* OUT */,
    int *restricted /* OUT */);

#endif
