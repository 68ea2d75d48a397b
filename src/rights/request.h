/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Erasure requests as a workflow (R9.4): filed by staff for a person or
 * by an end user for themselves, listed for the data-protection team,
 * approved (the erasure runs at once and its receipt is attached) or
 * rejected with a reason; the requester follows the status. Requests
 * hold ids and codes only, so they can outlive the person.
 */
#ifndef CXV_REQUEST_H
#define CXV_REQUEST_H

#include <stdint.h>

#include "store/store.h"

struct cxv_vault;

enum cxv_request_status {
	CXV_REQUEST_PENDING, CXV_REQUEST_REJECTED, CXV_REQUEST_EXECUTED,
	CXV_REQUEST_STATUS__COUNT
};

const char *cxv_request_status_name(int status);
int cxv_request_status_parse(const char *name, int *status /* OUT */);

/* An erasure request with its decision and receipt, as JSON (R9.4). */
struct json_t;
struct json_t *cxv_request_view(const struct cxv_request_row *row);

/*
 * Why an erasure is refused (GDPR Art. 17(3), and practice):
 * "identity_not_verified", "legal_hold", "legal_obligation",
 * "legal_claims", "public_interest", "archiving", "expression".
 */
int cxv_request_refusal_valid(const char *code);
extern const char cxv_request_refusals_text[];

/*
 * File a request to erase subject_id for ground (erase.h) by user
 * requester (0: the command line). NOT_FOUND if there is no such
 * subject; audited.
 */
int cxv_request_file(struct cxv_vault *v, int64_t subject_id,
    int64_t requester, const char *ground, int64_t *id /* OUT */);

/*
 * Decide pending request id as user decider: approve (erase now, with
 * add_dnc, and attach the receipt) or reject with a refusal code.
 * NOT_FOUND if no such pending request; the erasure's own errors (legal
 * hold: CXV_ERR_HELD) leave it pending. Audited.
 */
int cxv_request_decide(struct cxv_vault *v, int64_t id, int64_t decider,
    int approve, int add_dnc, const char *refusal);

/* Requests by status (-1: any) and requester (0: anyone), oldest first. */
int cxv_request_list(struct cxv_vault *v, int status, int64_t requester,
    cxv_store_request_fn fn, void *ctx);
int cxv_request_get(struct cxv_vault *v, int64_t id, cxv_store_request_fn fn,
    void *ctx);

#endif
