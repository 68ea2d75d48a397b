/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The do-not-call list (R1.6, R6.4): numbers nobody may be called on by
 * a campaign. It holds blind indexes in a key domain of their own
 * ("dnc"), so an entry does not join to a subject and outlives the
 * erasure of the person who asked for it. Below subjects and campaigns:
 * both ask it.
 */
#ifndef CXV_DNC_H
#define CXV_DNC_H

struct cxv_vault;

/* Put a number on the do-not-call list (idempotent); audited. */
int cxv_dnc_add(struct cxv_vault *v, const char *number,
    const char **why /* OUT */);
/* Put a number on the list inside the caller's transaction, unaudited. */
int cxv_dnc_add_tx(struct cxv_vault *v, const char *number,
    const char **why /* OUT */);
/* *listed = 1 if the number is on the do-not-call list; audited. */
int cxv_dnc_check(struct cxv_vault *v, const char *number,
    int *listed /* OUT */, const char **why /* OUT */);

/*
 * Whether number is on the do-not-call list, unaudited (part of a find
 * or of adding a calling-list entry); INVALID (*why) for a bad number.
 */
int cxv_dnc_listed(struct cxv_vault *v, const char *number,
    int *listed /* OUT */, const char **why /* OUT */);

#endif
