/* SPDX-License-Identifier: Apache-2.0 */
/* Erasure of a data subject with a receipt; see erase.h. */
#include "erase.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "campaign.h"
#include "err.h"
#include "ident.h"
#include "keyring.h"
#include "log.h"
#include "store.h"
#include "subject.h"
#include "util.h"
#include "vault.h"

/* Content files to unlink once the erasure has committed. */
struct files {
	char (*name)[40];
	size_t n, cap;
	int64_t bytes;
};

struct erase {
	int64_t id;
	int add_dnc;
	json_t *stores;
	struct files files;
	int64_t stats;
	const char *why;
};

static int
count_store(void *ctx, const char *store, int64_t n)
{
	struct erase *e = ctx;

	return json_object_set_new(e->stores, store, json_integer(n)) == 0 ?
	    CXV_OK : CXV_ERR_NOMEM;
}

static int
keep_file(void *ctx, const char *file, int64_t size)
{
	struct files *f = ctx;
	void *p;

	if (strlen(file) >= sizeof(f->name[0]))
		return CXV_ERR_CORRUPT;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 16;
		if ((p = realloc(f->name, f->cap * sizeof(f->name[0]))) == NULL)
			return CXV_ERR_NOMEM;
		f->name = p;
	}
	snprintf(f->name[f->n++], sizeof(f->name[0]), "%s", file);
	f->bytes += size;
	return CXV_OK;
}

struct numbers {
	struct cxv_vault *v;
	struct erase *e;
};

/*
 * Per identifier (numbers, emails, chat handles...): drop the statistics
 * rows of its pseudonym; list phone numbers do-not-call if asked.
 */
static int
per_number(void *ctx, enum cxv_ident_kind kind, const char *value)
{
	struct numbers *pn = ctx;
	char ps[CXV_PSEUDONYM_LEN + 1];
	int64_t n = 0;
	int r;

	if (kind == CXV_IDENT_NAME)
		return CXV_OK;
	cxv_keyring_pseudonym(cxv_vault_keyring(pn->v), value, ps);
	if ((r = cxv_store_stat_delete(cxv_vault_store(pn->v), ps, &n))
	    != CXV_OK)
		return r;
	pn->e->stats += n;
	if (pn->e->add_dnc && kind == CXV_IDENT_PHONE &&
	    strncmp(value, "ext:", 4) != 0)
		return cxv_dnc_add_tx(pn->v, value, &pn->e->why);
	return CXV_OK;
}

/* The writes of an erasure, inside one transaction. */
static int
erase_locked(struct cxv_vault *v, void *arg)
{
	struct erase *e = arg;
	struct numbers pn = { v, e };
	struct cxv_store *st = cxv_vault_store(v);
	char *receipt, idstr[24];
	int r;

	if ((r = cxv_store_erase_counts(st, e->id, count_store, e)) != CXV_OK ||
	    (r = cxv_store_subject_files(st, e->id, keep_file, &e->files))
	    != CXV_OK ||
	    (r = cxv_subject_identifiers_tx(v, e->id, per_number, &pn))
	    != CXV_OK ||
	    (r = cxv_store_subject_delete(st, e->id)) != CXV_OK)
		return r;
	if (json_object_set_new(e->stores, "statistics",
	    json_integer(e->stats)) != 0 ||
	    json_object_set_new(e->stores, "content_bytes",
	    json_integer(e->files.bytes)) != 0 ||
	    (receipt = json_dumps(e->stores, JSON_COMPACT | JSON_SORT_KEYS))
	    == NULL)
		return CXV_ERR_NOMEM;
	r = cxv_store_erasure_insert(st, e->id, cxv_now_ms(), receipt);
	free(receipt);
	if (r != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)e->id);
	return cxv_vault_audit(v, "subject.erase", "subject", idstr,
	    e->add_dnc ? "all,dnc" : "all");
}

/* After the commit: the content files go, and the WAL is truncated. */
static void
remove_files(struct cxv_vault *v, const struct files *f)
{
	char rel[64], path[PATH_MAX];
	size_t i;

	for (i = 0; i < f->n; i++) {
		snprintf(rel, sizeof(rel), "content/%s", f->name[i]);
		if (cxv_vault_path(v, rel, path, sizeof(path)) == CXV_OK)
			(void)unlink(path);
	}
	(void)cxv_store_checkpoint(cxv_vault_store(v));
}

static char *
make_receipt(struct cxv_vault *v, const struct erase *e)
{
	char ts[CXV_TIME_STR];

	json_t *doc;
	char *s;

	cxv_time_format(cxv_now_ms(), ts);
	if ((doc = json_pack("{s:I, s:s, s:s, s:O}", "subject",
	    (json_int_t)e->id, "erased_at", ts, "actor", cxv_vault_actor(v),
	    "erased", e->stores)) == NULL)
		return NULL;
	s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	return s;
}

int
cxv_subject_erase(struct cxv_vault *v, int64_t id, int add_dnc,
    char **receipt)
{
	struct erase e;
	char idstr[24];
	int r;

	*receipt = NULL;
	memset(&e, 0, sizeof(e));
	e.id = id;
	e.add_dnc = add_dnc;
	if ((e.stores = json_object()) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_vault_in_txn(v, erase_locked, &e)) == CXV_OK) {
		remove_files(v, &e.files);
		if ((*receipt = make_receipt(v, &e)) == NULL)
			r = CXV_ERR_NOMEM;
		snprintf(idstr, sizeof(idstr), "%lld", (long long)id);
		CXV_LOG(CXV_LOG_INFO, "subject.erase", CXV_LF("subject", idstr));
	}
	json_decref(e.stores);
	free(e.files.name);
	return r;
}
