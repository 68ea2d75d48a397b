/* SPDX-License-Identifier: Apache-2.0 */
/* Data subjects: resolve, find, show, merge; see subject.h. */
#include "records/subject.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "core/keyring.h"
#include "core/log.h"
#include "records/dnc.h"
#include "records/vault.h"
#include "store/store.h"

/* "ident:" id ":" kind ":" 64 hex digits */
#define IDENT_AD_MAX	(6 + 20 + 1 + 4 + 1 + 2 * CXV_HASH_BYTES + 1)
/* "phone,email,chat,account,logon,name" */
#define KINDS_MAX	64

/* An identifier ready to store; norm is personal and wiped after use. */
/* Whom identifiers may resolve to (resolve()). */
enum { RESOLVE_ANY, RESOLVE_NEW, RESOLVE_INTO };

struct prepared {
	enum cxv_ident_kind kind;
	char norm[CXV_IDENT_NORM_MAX];
	uint8_t bidx[CXV_HASH_BYTES];
	int held;	/* by the resolved subject already */
};

static void
ident_ad(int64_t sid, int kind, const uint8_t *bidx, char ad[IDENT_AD_MAX])
{
	char hex[2 * CXV_HASH_BYTES + 1];

	cxv_hex(bidx, CXV_HASH_BYTES, hex);
	snprintf(ad, IDENT_AD_MAX, "ident:%lld:%d:%s", (long long)sid, kind, hex);
}

/* Comma-separated kind names of the bits set in mask. */
static void
kinds_text(unsigned mask, char out[KINDS_MAX])
{
	size_t len = 0;
	int k;

	out[0] = '\0';
	for (k = 0; k < CXV_IDENT__COUNT; k++)
		if (mask & (1u << k))
			len += (size_t)snprintf(out + len, KINDS_MAX - len, "%s%s",
			    len > 0 ? "," : "", cxv_ident_kind_name(k));
}

static int
prepare(struct cxv_vault *v, const struct cxv_ident_input *in,
    struct prepared *p, const char **why)
{
	char form[CXV_IDENT_NORM_MAX];
	const char *kname = cxv_ident_kind_name(in->kind);
	int r;

	if (kname == NULL || in->value == NULL)
		return *why = "unknown identifier kind", CXV_ERR_INVALID;
	p->kind = in->kind;
	r = cxv_ident_normalize(in->kind, in->value,
	    cxv_vault_config(v)->country_code, p->norm, why);
	if (r != CXV_OK)
		return r;
	cxv_ident_index_form(in->kind, p->norm, form);
	cxv_keyring_blind_index(cxv_vault_keyring(v), kname, form, p->bidx);
	sodium_memzero(form, sizeof(form));
	return CXV_OK;
}


static int
create_subject(struct cxv_vault *v, int64_t *sid, struct cxv_subject_key *key)
{
	uint8_t wrapped[CXV_WRAPPED_KEY_BYTES];
	int tries, r = CXV_ERR_INTERNAL;

	/* Random ids: collisions are rare, and retried. */
	for (tries = 0; tries < 8; tries++) {
		*sid = cxv_random_id();
		if ((r = cxv_keyring_new_subject_key(cxv_vault_keyring(v), *sid,
		    key, wrapped)) != CXV_OK)
			return r;
		r = cxv_store_subject_insert(cxv_vault_store(v), *sid, wrapped,
		    sizeof(wrapped), cxv_now_ms());
		if (r != CXV_ERR_EXISTS)
			break;
		cxv_subject_key_wipe(key);
	}
	return r;
}

static int
load_key(struct cxv_vault *v, int64_t sid, struct cxv_subject_key *key,
    int64_t *created_ms)
{
	uint8_t wrapped[CXV_WRAPPED_KEY_BYTES + 1];
	size_t len = 0;
	int64_t created = 0;
	int r;

	r = cxv_store_subject_get(cxv_vault_store(v), sid, wrapped,
	    sizeof(wrapped), &len, &created);
	if (r != CXV_OK)
		return r;
	if (created_ms != NULL)
		*created_ms = created;
	return cxv_keyring_unwrap_subject_key(cxv_vault_keyring(v), sid, wrapped,
	    len, key);
}

int
cxv_subject_key(struct cxv_vault *v, int64_t id, struct cxv_subject_key *key)
{
	return load_key(v, id, key, NULL);
}

int
cxv_subject_seal_fields(struct cxv_vault *v, int64_t sid, const char *ad,
    const struct cxv_field *fields, size_t n, uint8_t **out, size_t *outlen)
{
	uint8_t plain[CXV_RECORD_SEALED_MAX], *sealed = NULL;
	struct cxv_subject_key key;
	size_t len = 0, i;
	int r = CXV_OK;

	*out = NULL;
	*outlen = 0;
	for (i = 0; i < n && r == CXV_OK; i++)
		r = cxv_fields_put(plain, sizeof(plain), &len, fields[i].name,
		    fields[i].value);
	if (r == CXV_OK && (sealed = malloc(len + CXV_SEAL_OVERHEAD)) == NULL)
		r = CXV_ERR_NOMEM;
	if (r == CXV_OK && (r = load_key(v, sid, &key, NULL)) == CXV_OK) {
		r = cxv_seal(&key, ad, plain, len, sealed);
		cxv_subject_key_wipe(&key);
	}
	sodium_memzero(plain, len);
	if (r != CXV_OK) {
		free(sealed);
		return r;
	}
	*out = sealed;
	*outlen = len + CXV_SEAL_OVERHEAD;
	return CXV_OK;
}

int
cxv_subject_open_fields(struct cxv_vault *v, int64_t sid, const char *ad,
    const uint8_t *sealed, size_t len,
    int (*fn)(void *ctx, const char *name, const char *value), void *ctx)
{
	uint8_t plain[CXV_RECORD_SEALED_MAX];
	struct cxv_subject_key key;
	size_t mlen = 0;
	int r;

	if (len < CXV_SEAL_OVERHEAD ||
	    len - CXV_SEAL_OVERHEAD > sizeof(plain))
		return CXV_ERR_CORRUPT;
	if ((r = load_key(v, sid, &key, NULL)) != CXV_OK)
		return r;
	r = cxv_open(&key, ad, sealed, len, plain, &mlen);
	cxv_subject_key_wipe(&key);
	if (r == CXV_OK)
		r = cxv_fields_each(plain, mlen, fn, ctx);
	/* What the opening could have written, not the whole buffer: a
	 * record is a few hundred bytes of its 9 k. */
	sodium_memzero(plain, len - CXV_SEAL_OVERHEAD);
	return r;
}

/* Fields re-packed as they pass through an edit. */
struct repack {
	cxv_field_edit_fn edit;
	void *ctx;
	uint8_t *buf;
	size_t cap, len;
};

static int
repack_one(void *ctx, const char *name, const char *value)
{
	struct repack *rp = ctx;
	const char *v = rp->edit != NULL ? rp->edit(rp->ctx, name, value) :
	    value;

	return cxv_fields_put(rp->buf, rp->cap, &rp->len, name, v);
}

int
cxv_subject_reseal_fields(struct cxv_vault *v, int64_t from, int64_t to,
    const char *ad, const uint8_t *sealed, size_t len, cxv_field_edit_fn edit,
    void *ctx, uint8_t **out, size_t *outlen)
{
	uint8_t plain[CXV_RECORD_SEALED_MAX], fresh[CXV_RECORD_SEALED_MAX];
	struct repack rp = { edit, ctx, fresh, sizeof(fresh), 0 };
	struct cxv_subject_key key;
	size_t mlen = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	if (len < CXV_SEAL_OVERHEAD || len - CXV_SEAL_OVERHEAD > sizeof(plain))
		return CXV_ERR_CORRUPT;
	if ((r = load_key(v, from, &key, NULL)) != CXV_OK)
		return r;
	r = cxv_open(&key, ad, sealed, len, plain, &mlen);
	cxv_subject_key_wipe(&key);
	if (r == CXV_OK)
		r = cxv_fields_each(plain, mlen, repack_one, &rp);
	if (r == CXV_OK && (*out = malloc(rp.len + CXV_SEAL_OVERHEAD)) == NULL)
		r = CXV_ERR_NOMEM;
	if (r == CXV_OK && (r = load_key(v, to, &key, NULL)) == CXV_OK) {
		r = cxv_seal(&key, ad, fresh, rp.len, *out);
		cxv_subject_key_wipe(&key);
	}
	sodium_memzero(plain, sizeof(plain));
	sodium_memzero(fresh, sizeof(fresh));
	if (r != CXV_OK) {
		free(*out);
		*out = NULL;
		return r;
	}
	*outlen = rp.len + CXV_SEAL_OVERHEAD;
	return CXV_OK;
}

struct flag_set {
	int64_t id;
	int restricted, on;
};

static int
flag_locked(struct cxv_vault *v, void *arg)
{
	struct flag_set *f = arg;
	char idstr[24];
	int r;

	if ((r = cxv_store_subject_flag_set(cxv_vault_store(v), f->id,
	    f->restricted, f->on)) != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)f->id);
	return cxv_vault_audit(v, f->restricted ? (f->on ? "subject.restrict" :
	    "subject.unrestrict") : (f->on ? "subject.hold" : "subject.release"),
	    "subject", idstr, "");
}

int
cxv_subject_set_flag(struct cxv_vault *v, int64_t id, int restricted, int on)
{
	struct flag_set f = { id, restricted, on };

	return cxv_vault_in_txn(v, flag_locked, &f);
}

int
cxv_subject_flags(struct cxv_vault *v, int64_t id, int *hold, int *restricted)
{
	return cxv_store_subject_flags(cxv_vault_store(v), id, hold, restricted);
}

/* Seal and store one identifier; returns CXV_ERR_EXISTS if held already. */
static int
put_ident(struct cxv_vault *v, int64_t sid, const struct cxv_subject_key *key,
    int kind, const uint8_t *bidx, const char *norm)
{
	uint8_t sealed[CXV_IDENT_NORM_MAX + CXV_SEAL_OVERHEAD];
	char ad[IDENT_AD_MAX];
	size_t len = strlen(norm);
	int r;

	ident_ad(sid, kind, bidx, ad);
	if ((r = cxv_seal(key, ad, (const uint8_t *)norm, len, sealed)) != CXV_OK)
		return r;
	return cxv_store_ident_insert(cxv_vault_store(v), sid, kind, bidx,
	    sealed, len + CXV_SEAL_OVERHEAD);
}

struct owner {
	int64_t id;
	int hit;		/* rows found for the identifier being looked up */
};

static int
owner_found(void *ctx, int64_t sid)
{
	struct owner *o = ctx;

	if (o->id != 0 && o->id != sid)
		return CXV_ERR_CONFLICT;
	o->id = sid;
	o->hit = 1;
	return CXV_OK;
}

/*
 * The one subject holding any of the unique identifiers, or 0. A unique
 * identifier found is held by that subject: marked, not asked again.
 */
static int
find_owner(struct cxv_vault *v, struct prepared *p, size_t n, int64_t *sid)
{
	struct owner o = { 0, 0 };
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		if (!cxv_ident_is_unique(p[i].kind))
			continue;
		o.hit = 0;
		r = cxv_store_ident_find(cxv_vault_store(v), (int)p[i].kind,
		    p[i].bidx, owner_found, &o);
		if (r != CXV_OK)
			return r;
		p[i].held = o.hit;
	}
	*sid = o.id;
	return CXV_OK;
}

/*
 * Mark the identifiers sid holds already, so that resolving a known
 * person (every CDR of a repeat caller) neither unwraps its key nor
 * seals anything. Returns the number of identifiers still to add.
 */
static int
mark_held(struct cxv_vault *v, int64_t sid, struct prepared *p, size_t n,
    size_t *missing)
{
	size_t i;
	int r;

	*missing = 0;
	for (i = 0; i < n; i++) {
		if (!p[i].held) {
			r = cxv_store_ident_held(cxv_vault_store(v), sid,
			    (int)p[i].kind, p[i].bidx);
			if (r != CXV_OK && r != CXV_ERR_NOT_FOUND)
				return r;
			p[i].held = r == CXV_OK;
		}
		*missing += !p[i].held;
	}
	return CXV_OK;
}

/* Store every identifier not held; *added gets a bit per kind added. */
static int
add_idents(struct cxv_vault *v, int64_t sid, const struct cxv_subject_key *key,
    const struct prepared *p, size_t n, unsigned *added)
{
	size_t i;
	int r;

	*added = 0;
	for (i = 0; i < n; i++) {
		if (p[i].held)
			continue;
		r = put_ident(v, sid, key, (int)p[i].kind, p[i].bidx, p[i].norm);
		if (r == CXV_ERR_EXISTS)
			continue;	/* the same identifier given twice */
		if (r != CXV_OK)
			return r;
		*added |= 1u << p[i].kind;
		CXV_LOG(CXV_LOG_DEBUG, "subject.ident.add",
		    CXV_LF("kind", cxv_ident_kind_name(p[i].kind)),
		    CXV_LF_PERSONAL("value", p[i].norm));
	}
	return CXV_OK;
}

/*
 * The subject the identifiers name, by mode: any person holding one of
 * them (or a new one), a new person only (CONFLICT if one is held), or
 * person `into` (CONFLICT if another holds one). *why names the kind of
 * the identifier held, never the person.
 */
static int
owner_by_mode(struct cxv_vault *v, struct prepared *p, size_t n,
    int64_t into, int mode, int64_t *sid, const char **why)
{
	size_t i;
	int r;

	if ((r = find_owner(v, p, n, sid)) != CXV_OK || mode == RESOLVE_ANY ||
	    *sid == 0 || (mode == RESOLVE_INTO && *sid == into)) {
		if (r == CXV_OK && mode == RESOLVE_INTO)
			*sid = into;
		return r;
	}
	for (i = 0; i < n && !p[i].held; i++)
		;
	if (i < n && p[i].kind == CXV_IDENT_LOGON)
		return *why = "logon id already in use", CXV_ERR_EXISTS;
	*why = "a person with one of these numbers or addresses is known "
	    "already";
	return CXV_ERR_CONFLICT;
}

/*
 * The part of resolve that runs inside the transaction. A resolution
 * that changes nothing is audited only when asked for on its own
 * (audit_noop): inside an import it is part of the record's own entry.
 */
static int
resolve_locked(struct cxv_vault *v, struct prepared *p, size_t n,
    int audit_noop, int64_t into, int mode, int64_t *sid, int *created,
    const char **why)
{
	struct cxv_subject_key key;
	char idstr[24], kinds[KINDS_MAX];
	unsigned added = 0;
	size_t missing = n;
	int r;

	if ((r = owner_by_mode(v, p, n, into, mode, sid, why)) != CXV_OK)
		return r;
	*created = *sid == 0;
	if (!*created && (r = mark_held(v, *sid, p, n, &missing)) != CXV_OK)
		return r;
	if (missing > 0) {
		r = *created ? create_subject(v, sid, &key) :
		    load_key(v, *sid, &key, NULL);
		if (r == CXV_OK)
			r = add_idents(v, *sid, &key, p, n, &added);
		cxv_subject_key_wipe(&key);
		if (r != CXV_OK)
			return r;
	}
	if (!*created && !added && !audit_noop)
		return CXV_OK;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)*sid);
	kinds_text(added, kinds);
	r = cxv_vault_audit(v, *created ? "subject.create" : added ?
	    "subject.update" : "subject.resolve", "subject", idstr, kinds);
	if (r == CXV_OK)
		CXV_LOG(CXV_LOG_INFO, *created ? "subject.create" :
		    "subject.resolve", CXV_LF("subject", idstr),
		    CXV_LF("added", kinds));
	return r;
}

/* Resolve, inside a transaction the caller has (txn) or that we open. */
static int
resolve(struct cxv_vault *v, const struct cxv_ident_input *ids, size_t n,
    int txn, int64_t into, int mode, int64_t *id, int *created,
    const char **why)
{
	struct prepared *p = NULL;
	struct cxv_store *st = cxv_vault_store(v);
	size_t i;
	int r = CXV_OK;

	*id = 0;
	*created = 0;
	*why = NULL;
	if (n == 0 || n > CXV_SUBJECT_IDENTS_MAX)
		return *why = "give 1 to 64 identifiers", CXV_ERR_INVALID;
	if ((p = calloc(n, sizeof(*p))) == NULL)
		return CXV_ERR_NOMEM;
	for (i = 0; i < n && r == CXV_OK; i++)
		r = prepare(v, &ids[i], &p[i], why);
	if (r == CXV_OK && (txn || (r = cxv_store_begin(st)) == CXV_OK)) {
		r = resolve_locked(v, p, n, !txn, into, mode, id, created,
		    why);
		if (!txn && r == CXV_OK)
			r = cxv_store_commit(st);
		if (!txn && r != CXV_OK)
			cxv_store_rollback(st);
		if (r != CXV_OK)
			*id = 0;
	}
	cxv_freezero(p, n * sizeof(*p));
	return r;
}

int
cxv_subject_resolve(struct cxv_vault *v, const struct cxv_ident_input *ids,
    size_t n, int64_t *id, int *created, const char **why)
{
	return resolve(v, ids, n, 0, 0, RESOLVE_ANY, id, created, why);
}

int
cxv_subject_resolve_tx(struct cxv_vault *v, const struct cxv_ident_input *ids,
    size_t n, int64_t *id, int *created, const char **why)
{
	return resolve(v, ids, n, 1, 0, RESOLVE_ANY, id, created, why);
}

int
cxv_subject_claim_tx(struct cxv_vault *v, const struct cxv_ident_input *ids,
    size_t n, int64_t into, int64_t *id, const char **why)
{
	int created;

	return resolve(v, ids, n, 1, into, into != 0 ? RESOLVE_INTO :
	    RESOLVE_NEW, id, &created, why);
}

int
cxv_subject_ident_index(struct cxv_vault *v,
    const struct cxv_ident_input *ident, uint8_t bidx[CXV_HASH_BYTES])
{
	struct prepared p;
	const char *why;
	int r = prepare(v, ident, &p, &why);

	if (r == CXV_OK)
		memcpy(bidx, p.bidx, CXV_HASH_BYTES);
	sodium_memzero(&p, sizeof(p));
	return r;
}

static int
first_id(void *ctx, int64_t sid)
{
	*(int64_t *)ctx = sid;
	return CXV_ERR_EXISTS;	/* stop at the first */
}

int
cxv_subject_lookup_tx(struct cxv_vault *v, const struct cxv_ident_input *ident,
    int64_t *id, const char **why)
{
	struct prepared p;
	int r;

	*id = 0;
	*why = NULL;
	r = prepare(v, ident, &p, why);
	sodium_memzero(p.norm, sizeof(p.norm));
	if (r != CXV_OK)
		return r;
	r = cxv_store_ident_find(cxv_vault_store(v), (int)p.kind, p.bidx,
	    first_id, id);
	if (r == CXV_ERR_EXISTS)
		return CXV_OK;
	return r == CXV_OK ? CXV_ERR_NOT_FOUND : r;
}

struct collect {
	int64_t *out;
	size_t cap, n;
};

static int
collect_id(void *ctx, int64_t sid)
{
	struct collect *c = ctx;

	if (c->n == c->cap)
		return CXV_ERR_TOO_LARGE;
	c->out[c->n++] = sid;
	return CXV_OK;
}

int
cxv_subject_find(struct cxv_vault *v, const struct cxv_ident_input *ident,
    int64_t *out, size_t cap, size_t *n, const char **why)
{
	struct prepared p;
	struct collect c = { out, cap, 0 };
	struct cxv_store *st = cxv_vault_store(v);
	int r;

	*n = 0;
	*why = NULL;
	r = prepare(v, ident, &p, why);
	sodium_memzero(p.norm, sizeof(p.norm));
	if (r != CXV_OK || (r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((r = cxv_vault_audit(v, "subject.find", "subject", "*",
	    cxv_ident_kind_name(p.kind))) == CXV_OK &&
	    (r = cxv_store_ident_find(st, (int)p.kind, p.bidx, collect_id,
	    &c)) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK) {
		cxv_store_rollback(st);
		return r;
	}
	*n = c.n;
	return CXV_OK;
}

static int
kind_bit(void *ctx, int kind, const uint8_t *bidx, const uint8_t *sealed,
    size_t len)
{
	unsigned *mask = ctx;

	(void)bidx;
	(void)sealed;
	(void)len;
	if (kind < 0 || kind >= CXV_IDENT__COUNT)
		return CXV_ERR_CORRUPT;
	*mask |= 1u << kind;
	return CXV_OK;
}

/* Record the read before anything is revealed. */
static int
audit_read(struct cxv_vault *v, int64_t sid, int64_t *created_ms)
{
	struct cxv_store *st = cxv_vault_store(v);
	uint8_t wrapped[CXV_WRAPPED_KEY_BYTES + 1];
	char idstr[24], kinds[KINDS_MAX];
	unsigned mask = 0;
	size_t len = 0;
	int r;

	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)sid);
	if ((r = cxv_store_subject_get(st, sid, wrapped, sizeof(wrapped), &len,
	    created_ms)) == CXV_OK &&
	    (r = cxv_store_ident_list(st, sid, kind_bit, &mask)) == CXV_OK) {
		kinds_text(mask, kinds);
		if ((r = cxv_vault_audit(v, "subject.read", "subject", idstr,
		    kinds)) == CXV_OK)
			r = cxv_store_commit(st);
	}
	if (r != CXV_OK)
		cxv_store_rollback(st);
	return r;
}

/*
 * Open one sealed identifier of subject sid into plain (NUL-terminated).
 * The caller wipes plain.
 */
static int
open_ident(const struct cxv_subject_key *key, int64_t sid, int kind,
    const uint8_t *bidx, const uint8_t *sealed, size_t len,
    uint8_t plain[CXV_IDENT_NORM_MAX])
{
	char ad[IDENT_AD_MAX];
	size_t mlen = 0;
	int r;

	if (kind < 0 || kind >= CXV_IDENT__COUNT ||
	    len > CXV_IDENT_MAX + CXV_SEAL_OVERHEAD)
		return CXV_ERR_CORRUPT;
	ident_ad(sid, kind, bidx, ad);
	if ((r = cxv_open(key, ad, sealed, len, plain, &mlen)) == CXV_OK)
		plain[mlen] = '\0';
	return r;
}

struct reveal {
	int64_t sid;
	const struct cxv_subject_key *key;
	cxv_subject_ident_fn fn;
	void *ctx;
};

static int
reveal_one(void *ctx, int kind, const uint8_t *bidx, const uint8_t *sealed,
    size_t len)
{
	struct reveal *rv = ctx;
	uint8_t plain[CXV_IDENT_NORM_MAX];
	int r;

	r = open_ident(rv->key, rv->sid, kind, bidx, sealed, len, plain);
	if (r == CXV_OK)
		r = rv->fn(rv->ctx, (enum cxv_ident_kind)kind,
		    (const char *)plain);
	sodium_memzero(plain, sizeof(plain));
	return r;
}

int
cxv_subject_identifiers_tx(struct cxv_vault *v, int64_t id,
    cxv_subject_ident_fn fn, void *ctx)
{
	struct cxv_subject_key key;
	struct reveal rv = { id, &key, fn, ctx };
	int r;

	if ((r = load_key(v, id, &key, NULL)) == CXV_OK)
		r = cxv_store_ident_list(cxv_vault_store(v), id, reveal_one, &rv);
	cxv_subject_key_wipe(&key);
	return r;
}

int
cxv_subject_show(struct cxv_vault *v, int64_t id, int64_t *created_ms,
    cxv_subject_ident_fn fn, void *ctx)
{
	int r;

	*created_ms = 0;
	if ((r = audit_read(v, id, created_ms)) != CXV_OK)
		return r;
	return cxv_subject_identifiers_tx(v, id, fn, ctx);
}

/* Swap the prepared old identifier of sid for the new one. */
static int
swap_ident(struct cxv_vault *v, int64_t sid, struct prepared p[2],
    const char **why)
{
	struct cxv_store *st = cxv_vault_store(v);
	struct cxv_subject_key key;
	int64_t owner = 0;
	int r;

	if ((r = cxv_store_ident_held(st, sid, (int)p[0].kind, p[0].bidx)) !=
	    CXV_OK)
		return *why = r == CXV_ERR_NOT_FOUND ? "the person does not hold "
		    "that identifier" : NULL, r;
	if ((r = find_owner(v, &p[1], 1, &owner)) != CXV_OK)
		return r;
	if (owner != 0 && owner != sid)
		return *why = "the new value belongs to another person; merge "
		    "them first", CXV_ERR_CONFLICT;
	if ((r = cxv_store_ident_delete(st, sid, (int)p[0].kind, p[0].bidx)) !=
	    CXV_OK || (r = load_key(v, sid, &key, NULL)) != CXV_OK)
		return r;
	r = put_ident(v, sid, &key, (int)p[1].kind, p[1].bidx, p[1].norm);
	cxv_subject_key_wipe(&key);
	if (r != CXV_OK && r != CXV_ERR_EXISTS)
		return r;
	/* A user's logon index follows its logon identifier. */
	return p[1].kind == CXV_IDENT_LOGON ?
	    cxv_store_user_set_logon(st, sid, p[1].bidx) : CXV_OK;
}

int
cxv_subject_drop_idents_tx(struct cxv_vault *v, int64_t sid,
    const struct cxv_ident_input *ids, size_t n)
{
	struct prepared p;
	const char *why;
	size_t i;
	int r = CXV_OK;

	for (i = 0; i < n && r == CXV_OK; i++) {
		/* A value that does not parse was never an identifier. */
		if (prepare(v, &ids[i], &p, &why) != CXV_OK)
			continue;
		r = cxv_store_ident_delete(cxv_vault_store(v), sid, (int)p.kind,
		    p.bidx);
		if (r == CXV_ERR_NOT_FOUND)
			r = CXV_OK;
	}
	sodium_memzero(&p, sizeof(p));
	return r;
}

int
cxv_subject_replace_ident_tx(struct cxv_vault *v, int64_t sid,
    enum cxv_ident_kind kind, const char *old, const char *fresh,
    const char **why)
{
	struct cxv_ident_input in[2] = { { kind, old }, { kind, fresh } };
	struct prepared *p;
	int r;

	*why = NULL;
	if ((p = calloc(2, sizeof(*p))) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = prepare(v, &in[0], &p[0], why)) == CXV_OK &&
	    (r = prepare(v, &in[1], &p[1], why)) == CXV_OK)
		r = swap_ident(v, sid, p, why);
	cxv_freezero(p, 2 * sizeof(*p));
	return r;
}

struct move {
	struct cxv_vault *v;
	int64_t from, to;
	const struct cxv_subject_key *kfrom, *kto;
	unsigned moved;
};

/* Re-seal one identifier of "from" under "to"'s key and id. */
static int
move_one(void *ctx, int kind, const uint8_t *bidx, const uint8_t *sealed,
    size_t len)
{
	struct move *m = ctx;
	uint8_t plain[CXV_IDENT_NORM_MAX];
	int r;

	r = open_ident(m->kfrom, m->from, kind, bidx, sealed, len, plain);
	if (r == CXV_OK) {
		/* New rows carry "to"'s id, outside the range being scanned. */
		r = put_ident(m->v, m->to, m->kto, kind, bidx,
		    (const char *)plain);
		if (r == CXV_OK)
			m->moved |= 1u << kind;
		if (r == CXV_ERR_EXISTS)
			r = CXV_OK;
	}
	sodium_memzero(plain, sizeof(plain));
	return r;
}

/* One record of the merged subject, re-sealed under the kept one. */
static int
move_record(void *ctx, int table, const char *ad, int64_t id, int64_t ts_ms,
    const uint8_t *sealed, size_t len)
{
	struct move *m = ctx;
	char full[64];
	uint8_t *out = NULL;
	size_t outlen = 0;
	int r;

	(void)ts_ms;
	snprintf(full, sizeof(full), "%s:%lld", ad, (long long)id);
	if ((r = cxv_subject_reseal_fields(m->v, m->from, m->to, full, sealed,
	    len, NULL, NULL, &out, &outlen)) == CXV_OK)
		r = cxv_store_sealed_update(cxv_vault_store(m->v), table, id,
		    m->to, out, outlen);
	free(out);
	return r;
}

static int
count_file(void *ctx, const char *file, int64_t size)
{
	(void)file;
	(void)size;
	++*(int *)ctx;
	return CXV_OK;
}

static int
merge_locked(struct cxv_vault *v, struct move *m)
{
	char keep[24], other[24], kinds[KINDS_MAX];
	int files = 0, r;

	/* Content is sealed under other's key in streams: not moved here. */
	if ((r = cxv_store_subject_files(cxv_vault_store(v), m->from,
	    count_file, &files)) != CXV_OK)
		return r;
	if (files > 0)
		return CXV_ERR_CONFLICT;
	if ((r = cxv_store_sealed_each(cxv_vault_store(v), m->from, move_record,
	    m)) != CXV_OK ||
	    (r = cxv_store_ident_list(cxv_vault_store(v), m->from, move_one,
	    m)) != CXV_OK ||
	    (r = cxv_store_subject_delete(cxv_vault_store(v), m->from)) != CXV_OK)
		return r;
	snprintf(keep, sizeof(keep), "%lld", (long long)m->to);
	snprintf(other, sizeof(other), "%lld", (long long)m->from);
	kinds_text(m->moved, kinds);
	if ((r = cxv_vault_audit(v, "subject.merge", "subject", keep,
	    kinds)) != CXV_OK)
		return r;
	return cxv_vault_audit(v, "subject.delete", "subject", other,
	    "merged");
}

int
cxv_subject_merge(struct cxv_vault *v, int64_t keep, int64_t other)
{
	struct cxv_subject_key kkeep, kother;
	struct move m = { v, other, keep, &kother, &kkeep, 0 };
	struct cxv_store *st = cxv_vault_store(v);
	int r;

	if (keep == other)
		return CXV_ERR_INVALID;
	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((r = load_key(v, keep, &kkeep, NULL)) == CXV_OK &&
	    (r = load_key(v, other, &kother, NULL)) == CXV_OK &&
	    (r = merge_locked(v, &m)) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK)
		cxv_store_rollback(st);
	cxv_subject_key_wipe(&kkeep);
	cxv_subject_key_wipe(&kother);
	if (r == CXV_OK) {
		char idstr[24];

		snprintf(idstr, sizeof(idstr), "%lld", (long long)keep);
		CXV_LOG(CXV_LOG_INFO, "subject.merge", CXV_LF("subject", idstr));
	}
	return r;
}

static int
records_audit(struct cxv_vault *v, void *arg)
{
	char idstr[24];

	snprintf(idstr, sizeof(idstr), "%lld", (long long)*(int64_t *)arg);
	return cxv_vault_audit(v, "subject.records", "subject", idstr, "");
}

struct records {
	struct cxv_vault *v;
	cxv_store_record_fn fn;
	void *ctx;
};

/* Beyond the subject's rows: statistics by pseudonym, the DNC list. */
static int
by_identifier(void *ctx, enum cxv_ident_kind kind, const char *value)
{
	struct records *rc = ctx;
	struct cxv_record_ref dnc = { "dnc", 0, 0, -1 };
	char ps[CXV_PSEUDONYM_LEN + 1];
	const char *why;
	int listed = 0, r;

	if (kind == CXV_IDENT_NAME)
		return CXV_OK;
	cxv_keyring_pseudonym(cxv_vault_keyring(rc->v), value, ps);
	if ((r = cxv_store_stat_rows(cxv_vault_store(rc->v), ps, rc->fn,
	    rc->ctx)) != CXV_OK)
		return r;
	if (kind != CXV_IDENT_PHONE || strncmp(value, "ext:", 4) == 0)
		return CXV_OK;
	if ((r = cxv_dnc_listed(rc->v, value, &listed, &why)) != CXV_OK)
		return r;
	return listed ? rc->fn(rc->ctx, &dnc) : CXV_OK;
}

int
cxv_subject_records(struct cxv_vault *v, int64_t id, cxv_store_record_fn fn,
    void *ctx)
{
	struct records rc = { v, fn, ctx };
	int hold = 0, restricted = 0, r;

	if ((r = cxv_store_subject_flags(cxv_vault_store(v), id, &hold,
	    &restricted)) != CXV_OK ||
	    (r = cxv_vault_in_txn(v, records_audit, &id)) != CXV_OK ||
	    (r = cxv_store_subject_records(cxv_vault_store(v), id, fn, ctx)) !=
	    CXV_OK)
		return r;
	return cxv_subject_identifiers_tx(v, id, by_identifier, &rc);
}
