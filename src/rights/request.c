/* SPDX-License-Identifier: Apache-2.0 */
/* Erasure requests; see request.h. */
#include "rights/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/err.h"
#include "base/util.h"
#include "records/vault.h"
#include "records/view.h"
#include "rights/erase.h"

static const char *const status_names[CXV_REQUEST_STATUS__COUNT] = {
	"pending", "rejected", "executed",
};

static const char *const refusals[] = { "identity_not_verified",
    "legal_hold", "legal_obligation", "legal_claims", "public_interest",
    "archiving", "expression" };

const char cxv_request_refusals_text[] = "identity_not_verified, "
    "legal_hold, legal_obligation, legal_claims, public_interest, "
    "archiving or expression";

const char *
cxv_request_status_name(int status)
{
	return cxv_name_of(status_names, CXV_REQUEST_STATUS__COUNT, status);
}

int
cxv_request_status_parse(const char *name, int *status)
{
	int i = cxv_name_index(status_names, CXV_REQUEST_STATUS__COUNT, name);

	if (i < 0)
		return CXV_ERR_INVALID;
	*status = i;
	return CXV_OK;
}

int
cxv_request_refusal_valid(const char *code)
{
	return code != NULL && cxv_name_index(refusals,
	    (int)(sizeof(refusals) / sizeof(refusals[0])), code) >= 0;
}

static void
id_text(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

struct file {
	struct cxv_request_row row;
};

static int
file_locked(struct cxv_vault *v, void *arg)
{
	struct file *f = arg;
	char idstr[24];
	int tries, r = CXV_ERR_EXISTS;

	if ((r = cxv_store_subject_flags(cxv_vault_store(v), f->row.subject_id,
	    &(int){ 0 }, &(int){ 0 })) != CXV_OK)
		return r;
	for (tries = 0, r = CXV_ERR_EXISTS; r == CXV_ERR_EXISTS && tries < 8;
	    tries++) {
		f->row.id = cxv_random_id();
		r = cxv_store_request_insert(cxv_vault_store(v), &f->row);
	}
	if (r != CXV_OK)
		return r;
	id_text(f->row.id, idstr);
	return cxv_vault_audit(v, "request.file", "erasure_request", idstr,
	    f->row.ground);
}

int
cxv_request_file(struct cxv_vault *v, int64_t subject_id, int64_t requester,
    const char *ground, int64_t *id)
{
	struct file f;
	int r;

	*id = 0;
	if (!cxv_erase_ground_valid(ground))
		return CXV_ERR_INVALID;
	memset(&f, 0, sizeof(f));
	f.row.subject_id = subject_id;
	f.row.requester = requester;
	f.row.filed_ms = cxv_now_ms();
	f.row.ground = ground;
	f.row.status = CXV_REQUEST_PENDING;
	if ((r = cxv_vault_in_txn(v, file_locked, &f)) == CXV_OK)
		*id = f.row.id;
	return r;
}

/* A request copied out of the store (ground and status are enough). */
struct held {
	int64_t subject_id;
	int status;
	char ground[32];
};

static int
hold_request(void *ctx, const struct cxv_request_row *row)
{
	struct held *h = ctx;

	h->subject_id = row->subject_id;
	h->status = row->status;
	snprintf(h->ground, sizeof(h->ground), "%s", row->ground);
	return CXV_OK;
}

/* Record the decision, inside the erasure's transaction if approved. */
static int
decide_locked(struct cxv_vault *v, void *arg, const char *receipt)
{
	struct cxv_request_row *row = arg;
	char idstr[24];
	int r;

	row->receipt = receipt != NULL ? receipt : "";
	if ((r = cxv_store_request_decide(cxv_vault_store(v), row)) != CXV_OK)
		return r;
	id_text(row->id, idstr);
	return cxv_vault_audit(v, row->status == CXV_REQUEST_EXECUTED ?
	    "request.approve" : "request.reject", "erasure_request", idstr,
	    row->decision);
}

static int
reject_locked(struct cxv_vault *v, void *arg)
{
	return decide_locked(v, arg, NULL);
}

int
cxv_request_decide(struct cxv_vault *v, int64_t id, int64_t decider,
    int approve, int add_dnc, const char *refusal)
{
	struct cxv_request_row row;
	struct held h;
	char *receipt = NULL;
	int r;

	if (!approve && !cxv_request_refusal_valid(refusal))
		return CXV_ERR_INVALID;
	memset(&h, 0, sizeof(h));
	if ((r = cxv_store_request_get(cxv_vault_store(v), id, hold_request,
	    &h)) != CXV_OK)
		return r;
	if (h.status != CXV_REQUEST_PENDING)
		return CXV_ERR_NOT_FOUND;
	memset(&row, 0, sizeof(row));
	row.id = id;
	row.status = approve ? CXV_REQUEST_EXECUTED : CXV_REQUEST_REJECTED;
	row.decided_by = decider;
	row.decided_ms = cxv_now_ms();
	row.decision = approve ? "" : refusal;
	if (!approve)
		return cxv_vault_in_txn(v, reject_locked, &row);
	/* The erasure and the request's outcome commit together. */
	r = cxv_subject_erase_also(v, h.subject_id, add_dnc, h.ground,
	    decide_locked, &row, &receipt);
	free(receipt);
	return r;
}

int
cxv_request_list(struct cxv_vault *v, int status, int64_t requester,
    cxv_store_request_fn fn, void *ctx)
{
	return cxv_store_requests(cxv_vault_store(v), status, requester, fn,
	    ctx);
}

int
cxv_request_get(struct cxv_vault *v, int64_t id, cxv_store_request_fn fn,
    void *ctx)
{
	return cxv_store_request_get(cxv_vault_store(v), id, fn, ctx);
}

json_t *
cxv_request_view(const struct cxv_request_row *row)
{
	json_error_t err;
	json_t *receipt = *row->receipt ? json_loads(row->receipt, 0, &err) :
	    json_null();

	return json_pack("{s:I, s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:s*, s:o}",
	    "request", (json_int_t)row->id, "subject",
	    (json_int_t)row->subject_id, "requester", (json_int_t)row->requester,
	    "filed", cxv_view_time(row->filed_ms), "reason", row->ground,
	    "status", cxv_request_status_name(row->status), "decided_by",
	    row->decided_by ? json_integer(row->decided_by) : json_null(),
	    "decided", cxv_view_time(row->decided_ms), "refusal",
	    *row->decision ? row->decision : NULL, "receipt",
	    receipt != NULL ? receipt : json_null());
}
