/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Directory contacts and personal contact lists (R1.2): names, numbers,
 * email, organisation, phonetic spelling, keywords, recurring
 * activities. Each contact is a subject (its numbers, email and name
 * find it); its fields are sealed under that subject's key
 * ("contact:<id>"). A contact belongs to the shared directory or to one
 * user's personal list. Writes and reads are audited.
 */
#ifndef CXV_CONTACT_H
#define CXV_CONTACT_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct cxv_vault;
struct cxv_field;

/*
 * Add a contact to the shared directory (owner 0) or to user owner's
 * list. CXV_ERR_INVALID (*why) for a bad field, CXV_ERR_CONFLICT if its
 * identifiers belong to different subjects.
 */
int cxv_contact_add(struct cxv_vault *v, int64_t owner,
    const struct cxv_field *fields, size_t n, int64_t *id /* OUT */,
    const char **why /* OUT */);

/* A list's contacts with their opened fields. Audited read. */
int cxv_contact_list(struct cxv_vault *v, int64_t owner,
    cxv_store_contact_fn record,
    int (*field)(void *ctx, const char *name, const char *value), void *ctx);

#endif
