/* SPDX-License-Identifier: Apache-2.0 */
/* Corrections end users ask for; see correction.h. */
#include "rights/correction.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "core/config.h"
#include "records/subject.h"
#include "records/vault.h"
#include "records/view.h"
#include "rights/rectify.h"
#include "rights/request.h"

#define AD_MAX	40	/* "correction:" + id */

static const char *const refusals[] = { "identity_not_verified",
    "value_not_verified" };

int
cxv_correction_refusal_valid(const char *code)
{
	return code != NULL && cxv_name_index(refusals,
	    (int)(sizeof(refusals) / sizeof(refusals[0])), code) >= 0;
}

static void
correction_ad(int64_t id, char ad[AD_MAX])
{
	(void)cxv_fmt_int(ad, AD_MAX, "correction:", id);
}

static void
id_text(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

struct file {
	struct cxv_correction_row row;
	const char *old, *fresh;
};

static int
file_locked(struct cxv_vault *v, void *arg)
{
	struct file *f = arg;
	const struct cxv_field vals[2] = { { "old", f->old },
	    { "new", f->fresh } };
	char ad[AD_MAX], idstr[24];
	uint8_t *sealed = NULL;
	int tries, r = CXV_ERR_EXISTS;

	for (tries = 0; r == CXV_ERR_EXISTS && tries < 8; tries++) {
		f->row.id = cxv_random_id();
		correction_ad(f->row.id, ad);
		free(sealed);
		sealed = NULL;
		if ((r = cxv_subject_seal_fields(v, f->row.subject_id, ad, vals,
		    2, &sealed, &f->row.sealed_len)) != CXV_OK)
			break;
		f->row.sealed = sealed;
		r = cxv_store_correction_insert(cxv_vault_store(v), &f->row);
	}
	free(sealed);
	if (r != CXV_OK)
		return r;
	id_text(f->row.id, idstr);
	return cxv_vault_audit(v, "correction.file", "correction", idstr,
	    cxv_ident_kind_name(f->row.kind));
}

int
cxv_correction_file(struct cxv_vault *v, int64_t sid, int64_t requester,
    enum cxv_ident_kind kind, const char *old, const char *fresh,
    int64_t *id, const char **why)
{
	struct file f;
	char norm[CXV_IDENT_NORM_MAX];
	unsigned cc = cxv_vault_config(v)->country_code;
	int r;

	*id = 0;
	*why = NULL;
	if (kind == CXV_IDENT_NAME)
		return *why = "names are corrected at once", CXV_ERR_INVALID;
	/* Well-formed values only; whose they are is the decider's to see. */
	if ((r = cxv_ident_normalize(kind, old, cc, norm, why)) != CXV_OK ||
	    (r = cxv_ident_normalize(kind, fresh, cc, norm, why)) != CXV_OK) {
		sodium_memzero(norm, sizeof(norm));
		return r;
	}
	sodium_memzero(norm, sizeof(norm));
	memset(&f, 0, sizeof(f));
	f.row.subject_id = sid;
	f.row.requester = requester;
	f.row.filed_ms = cxv_now_ms();
	f.row.kind = (int)kind;
	f.old = old;
	f.fresh = fresh;
	if ((r = cxv_vault_in_txn(v, file_locked, &f)) == CXV_OK)
		*id = f.row.id;
	return r;
}

/* The pending row, copied out of the store's callback. */
struct pending {
	struct cxv_correction_row row;
	uint8_t *sealed;
};

static int
hold_pending(void *ctx, const struct cxv_correction_row *row)
{
	struct pending *p = ctx;

	if (row->status != CXV_REQUEST_PENDING || row->sealed == NULL)
		return CXV_ERR_NOT_FOUND;
	p->row = *row;
	p->row.decision = "";
	if ((p->sealed = malloc(row->sealed_len)) == NULL)
		return CXV_ERR_NOMEM;
	memcpy(p->sealed, row->sealed, row->sealed_len);
	p->row.sealed = p->sealed;
	return CXV_OK;
}

/* The old and new values, opened (locked memory, wiped by the caller). */
struct values {
	char old[CXV_FIELD_MAX + 1], fresh[CXV_FIELD_MAX + 1];
};

static int
take_value(void *ctx, const char *name, const char *value)
{
	struct values *vals = ctx;
	char *to = strcmp(name, "old") == 0 ? vals->old :
	    strcmp(name, "new") == 0 ? vals->fresh : NULL;

	if (to == NULL || strlen(value) > CXV_FIELD_MAX)
		return CXV_ERR_CORRUPT;
	memcpy(to, value, strlen(value) + 1);
	return CXV_OK;
}

/* Load pending correction id and open its values into *vals. */
static int
open_pending(struct cxv_vault *v, int64_t id, struct pending *p,
    struct values *vals)
{
	char ad[AD_MAX];
	int r;

	memset(p, 0, sizeof(*p));
	if ((r = cxv_store_correction_get(cxv_vault_store(v), id, hold_pending,
	    p)) != CXV_OK)
		return r;
	correction_ad(id, ad);
	vals->old[0] = vals->fresh[0] = '\0';
	return cxv_subject_open_fields(v, p->row.subject_id, ad, p->sealed,
	    p->row.sealed_len, take_value, vals);
}

struct decide {
	int64_t id, decider;
	int approve;
	const char *refusal;
	char **summary;
	const char **why;
	struct values *vals;
};

static int
decide_locked(struct cxv_vault *v, void *arg)
{
	struct decide *d = arg;
	struct pending p;
	char idstr[24];
	int r;

	r = open_pending(v, d->id, &p, d->vals);
	if (r == CXV_OK && d->approve)
		r = cxv_subject_rectify_tx(v, p.row.subject_id,
		    (enum cxv_ident_kind)p.row.kind, d->vals->old,
		    d->vals->fresh, d->summary, d->why);
	free(p.sealed);
	if (r != CXV_OK)
		return r;
	p.row.status = d->approve ? CXV_REQUEST_EXECUTED : CXV_REQUEST_REJECTED;
	p.row.decided_by = d->decider;
	p.row.decided_ms = cxv_now_ms();
	p.row.decision = d->approve ? "" : d->refusal;
	if ((r = cxv_store_correction_decide(cxv_vault_store(v), &p.row)) !=
	    CXV_OK)
		return r;
	id_text(d->id, idstr);
	return cxv_vault_audit(v, d->approve ? "correction.approve" :
	    "correction.reject", "correction", idstr, d->approve ? "" :
	    d->refusal);
}

int
cxv_correction_decide(struct cxv_vault *v, int64_t id, int64_t decider,
    int approve, const char *refusal, char **summary, const char **why)
{
	struct decide d = { id, decider, approve, refusal, summary, why, NULL };
	int r;

	*summary = NULL;
	*why = NULL;
	if (!approve && !cxv_correction_refusal_valid(refusal))
		return *why = "the refusal is identity_not_verified or "
		    "value_not_verified", CXV_ERR_INVALID;
	if ((d.vals = sodium_malloc(sizeof(*d.vals))) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_vault_in_txn(v, decide_locked, &d)) != CXV_OK) {
		free(*summary);
		*summary = NULL;
	}
	sodium_free(d.vals);
	return r;
}

int
cxv_correction_list(struct cxv_vault *v, int status, int64_t requester,
    cxv_store_correction_fn fn, void *ctx)
{
	return cxv_store_corrections(cxv_vault_store(v), status, requester, fn,
	    ctx);
}

json_t *
cxv_correction_view(const struct cxv_correction_row *row)
{
	return json_pack("{s:I, s:I, s:I, s:o, s:s, s:s, s:o, s:o, s:s*}",
	    "correction", (json_int_t)row->id, "subject",
	    (json_int_t)row->subject_id, "requester", (json_int_t)row->requester,
	    "filed", cxv_view_time(row->filed_ms), "kind",
	    cxv_ident_kind_name(row->kind), "status",
	    cxv_request_status_name(row->status), "decided_by",
	    row->decided_by ? json_integer(row->decided_by) : json_null(),
	    "decided", cxv_view_time(row->decided_ms), "refusal",
	    *row->decision ? row->decision : NULL);
}

int
cxv_correction_show(struct cxv_vault *v, int64_t id, json_t **out)
{
	struct values *vals;
	struct pending p;
	char idstr[24];
	json_t *doc = NULL;
	int r;

	*out = NULL;
	if ((vals = sodium_malloc(sizeof(*vals))) == NULL)
		return CXV_ERR_NOMEM;
	id_text(id, idstr);
	/* Opened here, revealed only once the read is recorded (R7.2). */
	if ((r = open_pending(v, id, &p, vals)) == CXV_OK &&
	    (r = cxv_vault_audit_read(v, "correction.read", "correction",
	    idstr, "old,new")) == CXV_OK) {
		doc = cxv_correction_view(&p.row);
		if (doc == NULL || json_object_set_new(doc, "old",
		    json_string(vals->old)) != 0 || json_object_set_new(doc,
		    "new", json_string(vals->fresh)) != 0)
			r = CXV_ERR_NOMEM;
	}
	if (r == CXV_OK)
		*out = doc;
	else
		json_decref(doc);
	free(p.sealed);
	sodium_free(vals);
	return r;
}
