/* SPDX-License-Identifier: Apache-2.0 */
/* Internal users; see user.h. */
#include "records/user.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "core/ident.h"
#include "core/keyring.h"
#include "records/content.h"
#include "records/person.h"
#include "records/subject.h"
#include "records/vault.h"

#define AD_MAX		32

/* R1.1's fields, and the identifier kind each one also is. */
static const struct cxv_field_spec user_fields[] = {
	{ "first_name", CXV_NO_IDENT }, { "middle_name", CXV_NO_IDENT },
	{ "last_name", CXV_NO_IDENT }, { "chat_name", CXV_NO_IDENT },
	{ "extension", CXV_IDENT_PHONE }, { "mobile", CXV_IDENT_PHONE },
	{ "home_phone", CXV_IDENT_PHONE }, { "work_phone", CXV_IDENT_PHONE },
	{ "fax", CXV_IDENT_PHONE }, { "email", CXV_IDENT_EMAIL },
	{ "location", CXV_NO_IDENT }, { "department", CXV_NO_IDENT },
	{ "organisation", CXV_NO_IDENT }, { "title", CXV_NO_IDENT },
	{ "address", CXV_NO_IDENT },
};
#define NFIELDS (sizeof(user_fields) / sizeof(user_fields[0]))
static const struct cxv_person_spec spec = { user_fields, NFIELDS };

static const char *const kind_names[CXV_USER_KIND__COUNT] = {
	"local", "remote", "api",
};
static const char *const status_names[CXV_USER_STATUS__COUNT] = {
	"active", "disabled",
};

const char *
cxv_user_kind_name(int kind)
{
	return cxv_name_of(kind_names, CXV_USER_KIND__COUNT, kind);
}

int
cxv_user_kind_parse(const char *name, enum cxv_user_kind *kind)
{
	int i = cxv_name_index(kind_names, CXV_USER_KIND__COUNT, name);

	if (i < 0)
		return CXV_ERR_INVALID;
	*kind = (enum cxv_user_kind)i;
	return CXV_OK;
}

const char *
cxv_user_status_name(int status)
{
	return cxv_name_of(status_names, CXV_USER_STATUS__COUNT, status);
}

static void
user_ad(int64_t id, char ad[AD_MAX])
{
	snprintf(ad, AD_MAX, "user:%lld", (long long)id);
}

/* The fields' shared checks, and the extension's own. */
static int
check_fields(const struct cxv_field *f, size_t n, unsigned cc,
    const char **why)
{
	char norm[CXV_IDENT_NORM_MAX];
	const char *w;
	size_t i;
	int r;

	if ((r = cxv_person_check(&spec, f, n, why)) != CXV_OK)
		return r;
	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, "extension") == 0 &&
		    (cxv_ident_normalize(CXV_IDENT_PHONE, f[i].value, cc, norm,
		    &w) != CXV_OK || strncmp(norm, "ext:", 4) != 0))
			return *why = "extension must be 2 to 6 digits",
			    CXV_ERR_INVALID;
	return CXV_OK;
}

/* The writes of cxv_user_add(), inside its transaction. */
static int
add_locked(struct cxv_vault *v, const char *logon, enum cxv_user_kind kind,
    const struct cxv_field *f, size_t n, int64_t into, int64_t *id,
    const char **why)
{
	struct cxv_ident_input ids[NFIELDS + 2];
	struct cxv_field all[NFIELDS + 1];
	struct cxv_user_row row = { 0 };
	char name[2 * CXV_FIELD_MAX + 2], ad[AD_MAX], norm[CXV_IDENT_NORM_MAX];
	char idstr[24];
	uint8_t bidx[CXV_HASH_BYTES], *sealed = NULL;
	int r;

	/* Never someone else's person unless asked for (into). */
	ids[0] = (struct cxv_ident_input){ CXV_IDENT_LOGON, logon };
	r = cxv_subject_claim_tx(v, ids, cxv_person_idents(&spec, f, n, ids,
	    1, NFIELDS + 2, name, sizeof(name)), into, &row.subject_id, why);
	sodium_memzero(name, sizeof(name));
	if (r != CXV_OK)
		return r;
	/* The same blind index the subject's logon identifier has. */
	if ((r = cxv_ident_normalize(CXV_IDENT_LOGON, logon, 0, norm, why))
	    != CXV_OK)
		return r;
	cxv_keyring_blind_index(cxv_vault_keyring(v), "logon", norm, bidx);
	all[0] = (struct cxv_field){ "logon", logon };
	if (n > 0)
		memcpy(all + 1, f, n * sizeof(*f));
	row.id = cxv_random_id();
	user_ad(row.id, ad);
	if ((r = cxv_subject_seal_fields(v, row.subject_id, ad, all, n + 1,
	    &sealed, &row.sealed_len)) != CXV_OK)
		return r;
	row.sealed = sealed;
	row.kind = (int)kind;
	row.status = CXV_USER_ACTIVE;
	row.created_ms = cxv_now_ms();
	r = cxv_store_user_insert(cxv_vault_store(v), &row, bidx);
	free(sealed);
	if (r == CXV_ERR_EXISTS)
		*why = "logon id already in use";
	if (r != CXV_OK)
		return r;
	*id = row.id;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)row.id);
	if ((r = cxv_vault_audit(v, "user.create", "user", idstr, "fields")) !=
	    CXV_OK || into == 0)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)into);
	return cxv_vault_audit(v, "user.attach", "subject", idstr, "user");
}

int
cxv_user_add(struct cxv_vault *v, const char *logon, enum cxv_user_kind kind,
    const struct cxv_field *f, size_t n, int64_t into, int64_t *id,
    const char **why)
{
	struct cxv_store *st = cxv_vault_store(v);
	int r;

	*id = 0;
	*why = NULL;
	if ((unsigned)kind >= CXV_USER_KIND__COUNT || n > NFIELDS)
		return *why = "bad kind or too many fields", CXV_ERR_INVALID;
	if ((r = check_fields(f, n, cxv_vault_config(v)->country_code, why))
	    != CXV_OK || (r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((r = add_locked(v, logon, kind, f, n, into, id, why)) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK) {
		cxv_store_rollback(st);
		*id = 0;
	}
	return r;
}

static int
take_id(void *ctx, const struct cxv_user_row *row)
{
	*(int64_t *)ctx = row->id;
	return CXV_OK;
}

int
cxv_user_lookup(struct cxv_vault *v, const char *logon, int64_t *id)
{
	char norm[CXV_IDENT_NORM_MAX];
	uint8_t bidx[CXV_HASH_BYTES];
	const char *why;

	*id = 0;
	if (cxv_ident_normalize(CXV_IDENT_LOGON, logon, 0, norm, &why) != CXV_OK)
		return CXV_ERR_NOT_FOUND;
	cxv_keyring_blind_index(cxv_vault_keyring(v), "logon", norm, bidx);
	sodium_memzero(norm, sizeof(norm));
	return cxv_store_user_by_logon(cxv_vault_store(v), bidx, take_id, id);
}

int
cxv_user_list(struct cxv_vault *v, cxv_store_user_fn fn, void *ctx)
{
	return cxv_store_user_all(cxv_vault_store(v), fn, ctx);
}

static int
user_subject_of(void *ctx, const struct cxv_user_row *row)
{
	*(int64_t *)ctx = row->subject_id;
	return CXV_OK;
}

/* A user row copied out of the store callback. */
struct held {
	struct cxv_user_row row;
	uint8_t *sealed;
};

static int
hold(void *ctx, const struct cxv_user_row *row)
{
	struct held *h = ctx;

	h->row = *row;
	if ((h->sealed = malloc(row->sealed_len + 1)) == NULL)
		return CXV_ERR_NOMEM;
	memcpy(h->sealed, row->sealed, row->sealed_len);
	h->row.sealed = h->sealed;
	return CXV_OK;
}

/* The row to record(), then each decrypted field to field(). */
static int
open_user(struct cxv_vault *v, int64_t id, cxv_store_user_fn record,
    int (*field)(void *ctx, const char *name, const char *value), void *ctx)
{
	struct held h = { { 0 }, NULL };
	char ad[AD_MAX];
	int r;

	user_ad(id, ad);
	if ((r = cxv_store_user_get(cxv_vault_store(v), id, hold, &h)) ==
	    CXV_OK && (record == NULL || (r = record(ctx, &h.row)) == CXV_OK))
		r = cxv_subject_open_fields(v, h.row.subject_id, ad, h.sealed,
		    h.row.sealed_len, field, ctx);
	free(h.sealed);
	return r;
}

static int
audit_read(struct cxv_vault *v, void *arg)
{
	char idstr[24];

	snprintf(idstr, sizeof(idstr), "%lld", (long long)*(int64_t *)arg);
	return cxv_vault_audit(v, "user.read", "user", idstr, "fields");
}

int
cxv_user_show(struct cxv_vault *v, int64_t id, cxv_store_user_fn record,
    int (*field)(void *ctx, const char *name, const char *value), void *ctx)
{
	int r;

	/* Recorded before anything is revealed (R7.2). */
	if ((r = cxv_store_user_get(cxv_vault_store(v), id, NULL, NULL)) ==
	    CXV_OK)
		r = cxv_vault_in_txn(v, audit_read, &id);
	return r == CXV_OK ? open_user(v, id, record, field, ctx) : r;
}

int
cxv_user_fields_internal(struct cxv_vault *v, int64_t id,
    int (*field)(void *ctx, const char *name, const char *value), void *ctx)
{
	return open_user(v, id, NULL, field, ctx);
}

struct anonymize {
	int64_t id, subject_id, n;
	int kept;		/* the person's identifiers stay */
	struct cxv_content_doomed files;
};

/*
 * Only what belongs to the account goes (R6.2): never a held person's
 * data, and the identifiers only of a person who is nothing but the
 * account. The rest of a person is erasure's (hold, receipt, register).
 */
static int
anonymize_scope(struct cxv_store *st, struct anonymize *a)
{
	int held = 0, restricted = 0, r;

	if ((r = cxv_store_subject_flags(st, a->subject_id, &held,
	    &restricted)) != CXV_OK)
		return r;
	if (held)
		return CXV_ERR_HELD;
	return cxv_store_user_person_beyond(st, a->id, a->subject_id,
	    &a->kept);
}

/* N of "Deleted User N": a counter in the vault's metadata. */
static int
next_deleted(struct cxv_store *st, int64_t *n)
{
	uint8_t buf[8];
	size_t len = 0;
	int r, i;

	*n = 0;
	r = cxv_store_meta_get(st, "deleted_users", buf, sizeof(buf), &len);
	if (r == CXV_OK && len == sizeof(buf))
		for (i = 0; i < 8; i++)
			*n = *n << 8 | buf[i];
	else if (r != CXV_ERR_NOT_FOUND)
		return r == CXV_OK ? CXV_ERR_CORRUPT : r;
	++*n;
	for (i = 7; i >= 0; i--)
		buf[i] = (uint8_t)(*n >> (8 * (7 - i)));
	return cxv_store_meta_set(st, "deleted_users", buf, sizeof(buf));
}

/* A user's own fields, copied out of the opening (locked memory). */
struct own_fields {
	struct cxv_field f[NFIELDS + 1];
	size_t n, used;
	char text[(NFIELDS + 1) * 2 * (CXV_FIELD_MAX + 1)];
};

static int
keep_field(void *ctx, const char *name, const char *value)
{
	struct own_fields *o = ctx;
	size_t nl = strlen(name) + 1, vl = strlen(value) + 1;

	if (o->n == NFIELDS + 1 || o->used + nl + vl > sizeof(o->text))
		return CXV_ERR_CORRUPT;
	memcpy(o->text + o->used, name, nl);
	memcpy(o->text + o->used + nl, value, vl);
	o->f[o->n++] = (struct cxv_field){ o->text + o->used,
	    o->text + o->used + nl };
	o->used += nl + vl;
	return CXV_OK;
}

/*
 * Take from the person the identifiers the account brought: its logon
 * id, and, unless the person holds records beyond the account (kept),
 * the numbers, addresses and name of its fields. Identifiers the person
 * has from elsewhere stay either way: they are erasure's.
 */
static int
drop_account_idents(struct cxv_vault *v, const struct anonymize *a)
{
	struct cxv_ident_input ids[NFIELDS + 2];
	struct own_fields *o;
	char name[2 * CXV_FIELD_MAX + 2];
	size_t i, n;
	int r;

	if ((o = sodium_malloc(sizeof(*o))) == NULL)
		return CXV_ERR_NOMEM;
	o->n = o->used = 0;
	if ((r = open_user(v, a->id, NULL, keep_field, o)) == CXV_OK) {
		for (i = 0; i < o->n && strcmp(o->f[i].name, "logon") != 0; i++)
			;
		if (i == o->n)
			r = CXV_ERR_CORRUPT;
		else {
			ids[0] = (struct cxv_ident_input){ CXV_IDENT_LOGON,
			    o->f[i].value };
			n = a->kept ? 1 : cxv_person_idents(&spec, o->f, o->n,
			    ids, 1, NFIELDS + 2, name, sizeof(name));
			r = cxv_subject_drop_idents_tx(v, a->subject_id, ids, n);
		}
	}
	sodium_memzero(name, sizeof(name));
	sodium_free(o);
	return r;
}

static int
anonymize_locked(struct cxv_vault *v, void *arg)
{
	struct anonymize *a = arg;
	struct cxv_store *st = cxv_vault_store(v);
	struct cxv_field f[2];
	char logon[40], name[40], ad[AD_MAX], idstr[24];
	uint8_t bidx[CXV_HASH_BYTES], *sealed = NULL;
	size_t len = 0;
	int r;

	if ((r = cxv_store_user_get(st, a->id, user_subject_of,
	    &a->subject_id)) != CXV_OK || (r = anonymize_scope(st, a)) !=
	    CXV_OK || (r = drop_account_idents(v, a)) != CXV_OK ||
	    (r = next_deleted(st, &a->n)) != CXV_OK)
		return r;
	snprintf(logon, sizeof(logon), "deleted-user-%lld", (long long)a->n);
	snprintf(name, sizeof(name), "Deleted User %lld", (long long)a->n);
	f[0] = (struct cxv_field){ "logon", logon };
	f[1] = (struct cxv_field){ "first_name", name };
	cxv_keyring_blind_index(cxv_vault_keyring(v), "logon", logon, bidx);
	user_ad(a->id, ad);
	if ((r = cxv_subject_seal_fields(v, a->subject_id, ad, f, 2, &sealed,
	    &len)) != CXV_OK)
		return r;
	r = cxv_store_user_anonymize(st, a->id, a->subject_id, bidx, sealed,
	    len, cxv_content_doom, &a->files);
	free(sealed);
	if (r != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)a->id);
	return cxv_vault_audit(v, "user.anonymize", "user", idstr, a->kept ?
	    "account" : "all");
}

int
cxv_user_anonymize(struct cxv_vault *v, int64_t id, int64_t *n, int *kept)
{
	struct anonymize a;
	int r;

	memset(&a, 0, sizeof(a));
	a.id = id;
	*n = 0;
	*kept = 0;
	if ((r = cxv_vault_in_txn(v, anonymize_locked, &a)) == CXV_OK) {
		cxv_content_doomed_unlink(v, &a.files);
		(void)cxv_store_checkpoint(cxv_vault_store(v));
		*n = a.n;
		*kept = a.kept;
	}
	free(a.files.name);
	return r;
}

struct status_args {
	int64_t id;
	int status;
};

static int
status_locked(struct cxv_vault *v, void *arg)
{
	const struct status_args *a = arg;
	char id[24];
	int64_t n = 0;
	int r;

	if ((r = cxv_store_user_set_status(cxv_vault_store(v), a->id,
	    a->status)) != CXV_OK)
		return r;
	/* A disabled account's sessions and tokens end with it. */
	if (a->status == CXV_USER_DISABLED &&
	    (r = cxv_store_session_delete_user(cxv_vault_store(v), a->id, &n))
	    != CXV_OK)
		return r;
	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	return cxv_vault_audit(v, a->status == CXV_USER_DISABLED ?
	    "user.disable" : "user.enable", "user", id, "status");
}

int
cxv_user_set_status(struct cxv_vault *v, int64_t id, int status)
{
	struct status_args a = { id, status };

	if (status != CXV_USER_ACTIVE && status != CXV_USER_DISABLED)
		return CXV_ERR_INVALID;
	return cxv_vault_in_txn(v, status_locked, &a);
}
