/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Erasure of a data subject (R6.1-R6.5, R6.8, DESIGN 3): one request
 * removes every record tied to the person in every store (interactions
 * and their trails and items, content files, call-log entries in every
 * agent's log, campaign entries and results, contacts, charges, a user
 * account with its own list and log), the statistics rows of the
 * person's numbers, and the subject with its key, so every copy left in
 * free pages, WAL frames or backups is unreadable (crypto-shredding).
 * The subject id goes into the erasure register with a receipt that
 * holds no personal data; the receipt is returned and audited.
 */
#ifndef CXV_ERASE_H
#define CXV_ERASE_H

#include <stdint.h>

struct cxv_vault;

/*
 * Why a person is erased: a code for a ground of GDPR Art. 17(1), never
 * free text (a receipt must hold no personal data and outlives the
 * person): "no_longer_necessary", "consent_withdrawn", "objection",
 * "unlawful_processing", "legal_obligation", "child_consent",
 * "retention" (the vault's own schedule).
 */
int cxv_erase_ground_valid(const char *ground);
extern const char cxv_erase_grounds_text[];

/*
 * Erase subject id for ground; with add_dnc its phone numbers go on the
 * do-not-call list first (as blind indexes). *receipt is a JSON text the
 * caller frees. NOT_FOUND if there is no such subject (already erased
 * or never there), CXV_ERR_HELD under legal hold (R9.5), INVALID for an
 * unknown ground.
 */
int cxv_subject_erase(struct cxv_vault *v, int64_t id, int add_dnc,
    const char *ground, char **receipt /* OUT */);

/*
 * The same, running also(v, arg, receipt) inside the erasure's
 * transaction (an erasure request records its outcome atomically).
 */
typedef int (*cxv_erase_also_fn)(struct cxv_vault *v, void *arg,
    const char *receipt);
int cxv_subject_erase_also(struct cxv_vault *v, int64_t id, int add_dnc,
    const char *ground, cxv_erase_also_fn also, void *arg,
    char **receipt /* OUT */);

/*
 * After a restore (DESIGN 3): erase subject id again, as the current
 * erasure register says it was, keeping that receipt. Legal holds of
 * back then do not stop it. NOT_FOUND if the backup does not hold it.
 */
int cxv_subject_erase_reapply(struct cxv_vault *v, int64_t id,
    const char *receipt);

/*
 * The server's shredder (PostgreSQL): erasures answer after their
 * commit, and this worker rewrites the erased keys out of the store's
 * files every SHREDDER_MS (cxv_store_shred), well within the receipt's
 * key_destroyed_by; what a restart interrupted stays queued in the
 * store. Sets v's erasures to leave it the work. *out NULL (nothing to
 * do) on SQLite. Stop with cxv_shredder_stop before v is closed.
 */
struct cxv_shredder;
int cxv_shredder_start(struct cxv_vault *v,
    struct cxv_shredder **out /* OUT */);
void cxv_shredder_stop(struct cxv_shredder *s);

#endif
