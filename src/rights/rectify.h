/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rectification (R9.3): a person's wrong identifier is corrected
 * everywhere it is held, in one transaction: the identifier itself (blind
 * index and sealed value) and every field of every record of the person
 * that holds it (user record, directory entries, interactions, data
 * items, call-log entries, campaign entries and results, charges),
 * each re-sealed. The audit entry names the kind and the fields changed,
 * never the values.
 */
#ifndef CXV_RECTIFY_H
#define CXV_RECTIFY_H

#include <stdint.h>

#include "core/ident.h"

struct cxv_vault;

/*
 * Replace subject id's identifier old (of kind) by fresh. A field
 * counts as holding old when it is equal to it, or, for kinds that
 * normalize (phone, email...), when both normalize to the same. On
 * success *summary is a JSON text naming the records changed per store
 * (the caller frees it). Errors as cxv_subject_replace_ident_tx(), with
 * *why.
 */
int cxv_subject_rectify(struct cxv_vault *v, int64_t id,
    enum cxv_ident_kind kind, const char *old, const char *fresh,
    char **summary /* OUT */, const char **why /* OUT */);

/* The same inside the caller's transaction (a confirmed correction). */
int cxv_subject_rectify_tx(struct cxv_vault *v, int64_t id,
    enum cxv_ident_kind kind, const char *old, const char *fresh,
    char **summary /* OUT */, const char **why /* OUT */);

#endif
