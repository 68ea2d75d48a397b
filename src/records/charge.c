/* SPDX-License-Identifier: Apache-2.0 */
/* Hospitality call charges; see charge.h. */
#include "records/charge.h"

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

#define AD_MAX		32
#define ROOM_MAX	16

static struct cxv_id_seq charge_ids;

static void
charge_ad(int64_t id, char ad[AD_MAX])
{
	snprintf(ad, AD_MAX, "charge:%lld", (long long)id);
}

struct add {
	const struct cxv_charge_in *in;
	int64_t *id;
	const char **why;
};

static int
add_locked(struct cxv_vault *v, void *arg)
{
	struct add *a = arg;
	const struct cxv_charge_in *in = a->in;
	struct cxv_ident_input ids[2] = { { CXV_IDENT_NAME, in->guest },
	    { CXV_IDENT_PHONE, in->guest_phone } };
	const struct cxv_field f[2] = { { "guest", in->guest },
	    { "dialled", in->dialled } };
	struct cxv_charge_row row;
	char ad[AD_MAX], idstr[24];
	uint8_t *sealed = NULL;
	int created, r;

	memset(&row, 0, sizeof(row));
	if ((r = cxv_subject_resolve_tx(v, ids, *in->guest_phone ? 2 : 1,
	    &row.subject_id, &created, a->why)) != CXV_OK)
		return r;
	row.id = cxv_time_id(&charge_ids);
	row.room = in->room;
	row.ts_ms = in->ts_ms;
	row.duration_s = in->duration_s;
	row.amount_cents = in->amount_cents;
	charge_ad(row.id, ad);
	if ((r = cxv_subject_seal_fields(v, row.subject_id, ad, f, 2, &sealed,
	    &row.sealed_len)) != CXV_OK)
		return r;
	row.sealed = sealed;
	r = cxv_store_charge_insert(cxv_vault_store(v), &row);
	free(sealed);
	if (r != CXV_OK)
		return r;
	*a->id = row.id;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)row.id);
	return cxv_vault_audit(v, "charge.create", "charge", idstr,
	    "guest,dialled");
}

int
cxv_charge_add(struct cxv_vault *v, const struct cxv_charge_in *in,
    int64_t *id, const char **why)
{
	struct add a = { in, id, why };
	size_t n = strlen(in->room);

	*id = 0;
	*why = NULL;
	if (n == 0 || n > ROOM_MAX || !cxv_utf8_printable(in->room, n))
		return *why = "room: 1-16 printable characters", CXV_ERR_INVALID;
	if (*in->dialled == '\0' || strlen(in->dialled) > CXV_IDENT_MAX ||
	    !cxv_utf8_printable(in->dialled, strlen(in->dialled)))
		return *why = "dialled number: printable, at most 254",
		    CXV_ERR_INVALID;
	if (in->duration_s < 0 || in->amount_cents < 0)
		return *why = "duration and amount cannot be negative",
		    CXV_ERR_INVALID;
	return cxv_vault_in_txn(v, add_locked, &a);
}

struct room {
	const char *name;
};

static int
list_audit(struct cxv_vault *v, void *arg)
{
	const struct room *rm = arg;

	return cxv_vault_audit(v, "charge.list", "room", rm->name,
	    "guest,dialled");
}

struct list {
	struct cxv_vault *v;
	cxv_charge_fn fn;
	void *ctx;
	char guest[CXV_FIELD_MAX + 1], dialled[CXV_FIELD_MAX + 1];
};

static int
list_field(void *ctx, const char *name, const char *value)
{
	struct list *l = ctx;

	if (strcmp(name, "guest") == 0)
		snprintf(l->guest, sizeof(l->guest), "%s", value);
	else if (strcmp(name, "dialled") == 0)
		snprintf(l->dialled, sizeof(l->dialled), "%s", value);
	return CXV_OK;
}

static int
list_one(void *ctx, const struct cxv_charge_row *row)
{
	struct list *l = ctx;
	char ad[AD_MAX];
	int r;

	charge_ad(row->id, ad);
	r = cxv_subject_open_fields(l->v, row->subject_id, ad, row->sealed,
	    row->sealed_len, list_field, l);
	if (r == CXV_OK)
		r = l->fn(l->ctx, row, l->guest, l->dialled);
	sodium_memzero(l->guest, sizeof(l->guest));
	sodium_memzero(l->dialled, sizeof(l->dialled));
	return r;
}

int
cxv_charge_list(struct cxv_vault *v, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_charge_fn fn, void *ctx)
{
	struct room rm = { room };
	struct list *l;
	int r;

	if ((r = cxv_vault_in_txn(v, list_audit, &rm)) != CXV_OK)
		return r;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return CXV_ERR_NOMEM;
	l->v = v;
	l->fn = fn;
	l->ctx = ctx;
	r = cxv_store_charges(cxv_vault_store(v), room, since_ms, until_ms,
	    list_one, l);
	cxv_freezero(l, sizeof(*l));
	return r;
}
