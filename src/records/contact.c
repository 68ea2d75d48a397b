/* SPDX-License-Identifier: Apache-2.0 */
/* Directory contacts and personal contact lists; see contact.h. */
#include "records/contact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "records/person.h"
#include "records/subject.h"
#include "records/vault.h"

#define AD_MAX	32

static const struct cxv_field_spec contact_fields[] = {
	{ "first_name", CXV_NO_IDENT }, { "last_name", CXV_NO_IDENT },
	{ "phone", CXV_IDENT_PHONE }, { "mobile", CXV_IDENT_PHONE },
	{ "email", CXV_IDENT_EMAIL }, { "organisation", CXV_NO_IDENT },
	{ "phonetic", CXV_NO_IDENT }, { "keywords", CXV_NO_IDENT },
	{ "activities", CXV_NO_IDENT },
};
#define NFIELDS (sizeof(contact_fields) / sizeof(contact_fields[0]))
static const struct cxv_person_spec spec = { contact_fields, NFIELDS };

static void
contact_ad(int64_t id, char ad[AD_MAX])
{
	snprintf(ad, AD_MAX, "contact:%lld", (long long)id);
}

static int
add_locked(struct cxv_vault *v, struct cxv_contact_row *row,
    const struct cxv_field *f, size_t n, const char **why)
{
	struct cxv_ident_input ids[NFIELDS + 1];
	char name[2 * CXV_FIELD_MAX + 2], ad[AD_MAX], idstr[24];
	uint8_t *sealed = NULL;
	size_t k;
	int created, r;

	k = cxv_person_idents(&spec, f, n, ids, 0, NFIELDS + 1, name,
	    sizeof(name));
	if (k == 0)
		return *why = "a contact needs a name, number or email",
		    CXV_ERR_INVALID;
	r = cxv_subject_resolve_tx(v, ids, k, &row->subject_id, &created, why);
	sodium_memzero(name, sizeof(name));
	if (r != CXV_OK)
		return r;
	row->id = cxv_random_id();
	row->created_ms = cxv_now_ms();
	contact_ad(row->id, ad);
	if ((r = cxv_subject_seal_fields(v, row->subject_id, ad, f, n, &sealed,
	    &row->sealed_len)) != CXV_OK)
		return r;
	row->sealed = sealed;
	r = cxv_store_contact_insert(cxv_vault_store(v), row);
	free(sealed);
	if (r != CXV_OK)
		return r == CXV_ERR_EXISTS ? CXV_ERR_NOT_FOUND : r; /* owner */
	snprintf(idstr, sizeof(idstr), "%lld", (long long)row->id);
	return cxv_vault_audit(v, "contact.create", "contact", idstr, "fields");
}

int
cxv_contact_add(struct cxv_vault *v, int64_t owner,
    const struct cxv_field *f, size_t n, int64_t *id, const char **why)
{
	struct cxv_store *st = cxv_vault_store(v);
	struct cxv_contact_row row;
	int r;

	*id = 0;
	*why = NULL;
	if (n > NFIELDS)
		return *why = "too many fields", CXV_ERR_INVALID;
	if ((r = cxv_person_check(&spec, f, n, why)) != CXV_OK ||
	    (r = cxv_store_begin(st)) != CXV_OK)
		return r;
	memset(&row, 0, sizeof(row));
	row.owner_user_id = owner;
	if ((r = add_locked(v, &row, f, n, why)) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK)
		cxv_store_rollback(st);
	else
		*id = row.id;
	return r;
}

static int
read_audit(struct cxv_vault *v, int64_t owner)
{
	struct cxv_store *st = cxv_vault_store(v);
	char idstr[24];
	int r;

	snprintf(idstr, sizeof(idstr), "%lld", (long long)owner);
	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((r = cxv_vault_audit(v, "contact.list", owner ? "user" : "directory",
	    owner ? idstr : "shared", "fields")) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK)
		cxv_store_rollback(st);
	return r;
}

struct list {
	struct cxv_vault *v;
	cxv_store_contact_fn record;
	int (*field)(void *ctx, const char *name, const char *value);
	void *ctx;
};

static int
list_one(void *ctx, const struct cxv_contact_row *row)
{
	struct list *l = ctx;
	char ad[AD_MAX];
	int r;

	if ((r = l->record(l->ctx, row)) != CXV_OK)
		return r;
	contact_ad(row->id, ad);
	return cxv_subject_open_fields(l->v, row->subject_id, ad, row->sealed,
	    row->sealed_len, l->field, l->ctx);
}

int
cxv_contact_list(struct cxv_vault *v, int64_t owner,
    cxv_store_contact_fn record,
    int (*field)(void *ctx, const char *name, const char *value), void *ctx)
{
	struct list l = { v, record, field, ctx };
	int r;

	if ((r = read_audit(v, owner)) != CXV_OK)
		return r;
	return cxv_store_contacts(cxv_vault_store(v), owner, list_one, &l);
}
