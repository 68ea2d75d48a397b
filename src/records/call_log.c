/* SPDX-License-Identifier: Apache-2.0 */
/* Agents' call logs; see call_log.h. */
#include "records/call_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "records/subject.h"
#include "records/vault.h"

#define AD_MAX	40

static struct cxv_id_seq call_log_ids;

static const char *const dir_names[CXV_CALL_DIR__COUNT] = {
	"incoming", "outgoing", "missed",
};

const char *
cxv_call_dir_name(int dir)
{
	return cxv_name_of(dir_names, CXV_CALL_DIR__COUNT, dir);
}

static void
entry_ad(int64_t id, char ad[AD_MAX])
{
	snprintf(ad, AD_MAX, "call_log:%lld", (long long)id);
}

int
cxv_call_log_add_tx(struct cxv_vault *v, const struct cxv_call_log_in *in,
    struct cxv_audit_group *g)
{
	const struct cxv_field f[2] = { { "name", in->name },
	    { "number", in->number } };
	struct cxv_call_log_row row;
	char ad[AD_MAX];
	uint8_t *sealed = NULL;
	int r;

	memset(&row, 0, sizeof(row));
	row.id = cxv_time_id(&call_log_ids);
	row.user_id = in->user_id;
	row.subject_id = in->subject_id;
	row.direction = (int)in->dir;
	row.ts_ms = in->ts_ms;
	row.duration_s = in->duration_s;
	entry_ad(row.id, ad);
	if ((r = cxv_subject_seal_fields(v, in->subject_id, ad, f, 2, &sealed,
	    &row.sealed_len)) != CXV_OK)
		return r;
	row.sealed = sealed;
	r = cxv_store_call_log_insert(cxv_vault_store(v), &row,
	    cxv_vault_config(v)->call_log_size);
	free(sealed);
	if (r != CXV_OK)
		return r;
	return cxv_vault_audit_record(v, g, "call_log.create", "call_log",
	    row.id, "name,number");
}

/* Rows copied out of the store scan, opened after the audit commits. */
struct held {
	struct cxv_call_log_row *rows;
	uint8_t **blobs;
	size_t n, cap;
};

static int
hold(void *ctx, const struct cxv_call_log_row *row)
{
	struct held *h = ctx;
	void *p;

	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 64;
		if ((p = realloc(h->rows, h->cap * sizeof(*h->rows))) == NULL)
			return CXV_ERR_NOMEM;
		h->rows = p;
		if ((p = realloc(h->blobs, h->cap * sizeof(*h->blobs))) == NULL)
			return CXV_ERR_NOMEM;
		h->blobs = p;
	}
	if ((h->blobs[h->n] = malloc(row->sealed_len + 1)) == NULL)
		return CXV_ERR_NOMEM;
	memcpy(h->blobs[h->n], row->sealed, row->sealed_len);
	h->rows[h->n] = *row;
	h->rows[h->n].sealed = h->blobs[h->n];
	h->n++;
	return CXV_OK;
}

static void
held_free(struct held *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->blobs[i]);
	free(h->blobs);
	free(h->rows);
}

static int
is_user(void *ctx, const struct cxv_user_row *row)
{
	(void)ctx;
	(void)row;
	return CXV_OK;
}

/* Fetch the whole log and record the read before anything is revealed. */
static int
fetch_audited(struct cxv_vault *v, int64_t user_id, struct held *h)
{
	struct cxv_store *st = cxv_vault_store(v);
	char idstr[24];
	int r;

	snprintf(idstr, sizeof(idstr), "%lld", (long long)user_id);
	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((r = cxv_store_user_get(st, user_id, is_user, NULL)) == CXV_OK &&
	    (r = cxv_store_call_log_by_user(st, user_id, hold, h)) == CXV_OK &&
	    (r = cxv_vault_audit(v, "call_log.read", "user", idstr,
	    "name,number")) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK)
		cxv_store_rollback(st);
	return r;
}

struct entry {
	char name[CXV_FIELD_MAX + 1], number[CXV_FIELD_MAX + 1];
};

static int
entry_field(void *ctx, const char *name, const char *value)
{
	struct entry *e = ctx;

	if (strcmp(name, "name") == 0)
		snprintf(e->name, sizeof(e->name), "%s", value);
	else if (strcmp(name, "number") == 0)
		snprintf(e->number, sizeof(e->number), "%s", value);
	return CXV_OK;
}

int
cxv_call_log_show(struct cxv_vault *v, int64_t user_id,
    cxv_call_log_entry_fn fn, void *ctx)
{
	struct held h = { NULL, NULL, 0, 0 };
	struct entry e;
	char ad[AD_MAX];
	size_t i;
	int r;

	if ((r = fetch_audited(v, user_id, &h)) != CXV_OK) {
		held_free(&h);
		return r;
	}
	for (i = 0; i < h.n && r == CXV_OK; i++) {
		memset(&e, 0, sizeof(e));
		entry_ad(h.rows[i].id, ad);
		r = cxv_subject_open_fields(v, h.rows[i].subject_id, ad,
		    h.rows[i].sealed, h.rows[i].sealed_len, entry_field, &e);
		if (r == CXV_OK)
			r = fn(ctx, &h.rows[i], e.name, e.number);
		sodium_memzero(&e, sizeof(e));
	}
	held_free(&h);
	return r;
}
