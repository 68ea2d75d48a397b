/* SPDX-License-Identifier: Apache-2.0 */
/* Rectification of a person's identifier everywhere; see rectify.h. */
#include "rights/rectify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "base/caps.h"
#include "base/err.h"
#include "core/config.h"
#include "records/subject.h"
#include "records/vault.h"
#include "store/store.h"

struct rectify {
	struct cxv_vault *v;
	int64_t id;
	enum cxv_ident_kind kind;
	char old_norm[CXV_IDENT_NORM_MAX];
	const char *old, *fresh;
	const char *store;		/* of the record being re-sealed */
	int changed;			/* in that record */
	char names[CXV_AUDIT_TEXT_MAX - 16];	/* store.field, ... */
	json_t *counts;
	const char *why;
};

/* Whether value holds the old identifier. */
static int
holds_old(struct rectify *rc, const char *value)
{
	char norm[CXV_IDENT_NORM_MAX];
	const char *why;
	int same;

	if (strcmp(value, rc->old) == 0)
		return 1;
	if (cxv_ident_normalize(rc->kind, value,
	    cxv_vault_config(rc->v)->country_code, norm, &why) != CXV_OK)
		return 0;
	same = rc->kind == CXV_IDENT_NAME ? strcasecmp(norm, rc->old_norm) == 0 :
	    strcmp(norm, rc->old_norm) == 0;
	sodium_memzero(norm, sizeof(norm));
	return same;
}

/* Append "store.field" to the audit list once (cut when it is full). */
static void
note_field(struct rectify *rc, const char *store, const char *field)
{
	char item[96];
	size_t len = strlen(rc->names);

	snprintf(item, sizeof(item), "%s.%s", store, field);
	if (strstr(rc->names, item) != NULL ||
	    len + strlen(item) + 2 >= sizeof(rc->names))
		return;
	snprintf(rc->names + len, sizeof(rc->names) - len, "%s%s",
	    len ? "," : "", item);
}

static const char *
edit_field(void *ctx, const char *name, const char *value)
{
	struct rectify *rc = ctx;

	if (!holds_old(rc, value))
		return value;
	rc->changed = 1;
	note_field(rc, rc->store, name);
	return rc->fresh;
}

/* One record: re-sealed with the new value if a field held the old. */
static int
rectify_record(void *ctx, int table, const char *ad, int64_t id,
    int64_t ts_ms, const uint8_t *sealed, size_t len)
{
	struct rectify *rc = ctx;
	const char *store = cxv_store_sealed_name(table);
	char full[64];
	uint8_t *out = NULL;
	size_t outlen = 0;
	json_t *n;
	int r;

	(void)ts_ms;
	rc->changed = 0;
	rc->store = store;
	snprintf(full, sizeof(full), "%s:%lld", ad, (long long)id);
	r = cxv_subject_reseal_fields(rc->v, rc->id, rc->id, full, sealed, len,
	    edit_field, rc, &out, &outlen);
	if (r == CXV_OK && rc->changed) {
		r = cxv_store_sealed_update(cxv_vault_store(rc->v), table, id,
		    rc->id, out, outlen);
		n = json_object_get(rc->counts, store);
		if (r == CXV_OK && json_object_set_new(rc->counts, store,
		    json_integer(n ? json_integer_value(n) + 1 : 1)) != 0)
			r = CXV_ERR_NOMEM;
	}
	free(out);
	return r;
}

static int
rectify_locked(struct cxv_vault *v, void *arg)
{
	struct rectify *rc = arg;
	char idstr[24], fields[CXV_AUDIT_TEXT_MAX];
	int r;

	if ((r = cxv_subject_replace_ident_tx(v, rc->id, rc->kind, rc->old,
	    rc->fresh, &rc->why)) != CXV_OK)
		return r;
	if ((r = cxv_store_sealed_each(cxv_vault_store(v), rc->id,
	    rectify_record, rc)) != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)rc->id);
	snprintf(fields, sizeof(fields), "%s%s%s",
	    cxv_ident_kind_name(rc->kind), *rc->names ? ":" : "", rc->names);
	return cxv_vault_audit(v, "subject.rectify", "subject", idstr, fields);
}

/* The summary: records changed per store. */
static char *
summary_of(const struct rectify *rc)
{
	json_t *doc = json_pack("{s:I, s:s, s:O}", "subject",
	    (json_int_t)rc->id, "kind", cxv_ident_kind_name(rc->kind), "records",
	    rc->counts);
	char *s = doc != NULL ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) :
	    NULL;

	json_decref(doc);
	return s;
}

int
cxv_subject_rectify_tx(struct cxv_vault *v, int64_t id,
    enum cxv_ident_kind kind, const char *old, const char *fresh,
    char **summary, const char **why)
{
	struct rectify *rc;
	int r;

	*summary = NULL;
	*why = NULL;
	if ((rc = sodium_malloc(sizeof(*rc))) == NULL)
		return CXV_ERR_NOMEM;
	memset(rc, 0, sizeof(*rc));
	rc->v = v;
	rc->id = id;
	rc->kind = kind;
	rc->old = old;
	rc->fresh = fresh;
	if ((r = cxv_ident_normalize(kind, old,
	    cxv_vault_config(v)->country_code, rc->old_norm, why)) == CXV_OK &&
	    (rc->counts = json_object()) == NULL)
		r = CXV_ERR_NOMEM;
	if (r == CXV_OK && (r = rectify_locked(v, rc)) == CXV_OK &&
	    (*summary = summary_of(rc)) == NULL)
		r = CXV_ERR_NOMEM;
	if (r != CXV_OK && *why == NULL)
		*why = rc->why;
	json_decref(rc->counts);
	sodium_free(rc);
	return r;
}

struct rectify_args {
	int64_t id;
	enum cxv_ident_kind kind;
	const char *old, *fresh;
	char **summary;
	const char **why;
};

static int
rectify_txn(struct cxv_vault *v, void *arg)
{
	struct rectify_args *a = arg;

	return cxv_subject_rectify_tx(v, a->id, a->kind, a->old, a->fresh,
	    a->summary, a->why);
}

int
cxv_subject_rectify(struct cxv_vault *v, int64_t id, enum cxv_ident_kind kind,
    const char *old, const char *fresh, char **summary, const char **why)
{
	struct rectify_args a = { id, kind, old, fresh, summary, why };
	int r;

	*summary = NULL;
	*why = NULL;
	if ((r = cxv_vault_in_txn(v, rectify_txn, &a)) != CXV_OK) {
		free(*summary);
		*summary = NULL;
	}
	return r;
}
