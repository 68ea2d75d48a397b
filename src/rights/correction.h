/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Corrections end users ask for (R3.4, R9.3) as a request staff confirm:
 * a self-service change of a number or address must not tell its
 * requester whether the new value is someone else's (issue 25.6), so it
 * is never applied at once. Filing answers the same whatever the value;
 * a profile with subjects.write sees the old and new values (an audited
 * read) and approves (the rectification runs, rectify.h) or rejects with
 * a code. The values are sealed under the person's key and dropped with
 * the decision, or with the person. Names, which never identify anyone
 * alone, are corrected at once and do not come here.
 */
#ifndef CXV_CORRECTION_H
#define CXV_CORRECTION_H

#include <stdint.h>

#include "core/ident.h"
#include "store/store.h"

struct cxv_vault;
struct json_t;

/*
 * Subject sid's user requester asks that its identifier old (of kind,
 * not a name) become fresh. INVALID (*why) for a malformed value or a
 * name; NOT_FOUND if sid does not exist. Nothing about other people
 * is looked at. Audited.
 */
int cxv_correction_file(struct cxv_vault *v, int64_t sid, int64_t requester,
    enum cxv_ident_kind kind, const char *old, const char *fresh,
    int64_t *id /* OUT */, const char **why /* OUT */);

/*
 * Decide pending correction id as user decider. Approve: the
 * rectification runs in the same transaction (*summary, to free, as
 * cxv_subject_rectify() gives it); its refusals (CONFLICT: the new value
 * is another person's; NOT_FOUND: the old one is no longer held) leave
 * the correction pending, with *why, for the decider to reject. Reject:
 * with a refusal code (cxv_correction_refusal_valid()). NOT_FOUND if no
 * pending correction has that id. Audited.
 */
int cxv_correction_decide(struct cxv_vault *v, int64_t id, int64_t decider,
    int approve, const char *refusal, char **summary /* OUT */,
    const char **why /* OUT */);

/* "identity_not_verified" or "value_not_verified". */
int cxv_correction_refusal_valid(const char *code);

/* By status (-1: any) and requester (0: anyone), oldest first. */
int cxv_correction_list(struct cxv_vault *v, int status, int64_t requester,
    cxv_store_correction_fn fn, void *ctx);

/*
 * Pending correction id with its old and new values, for the decider:
 * an audited read. NOT_FOUND if it does not exist or is decided.
 */
int cxv_correction_show(struct cxv_vault *v, int64_t id,
    struct json_t **out /* OUT */);

/* A correction without its values, as JSON (ids, kind, status, dates). */
struct json_t *cxv_correction_view(const struct cxv_correction_row *row);

#endif
