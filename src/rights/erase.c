/* SPDX-License-Identifier: Apache-2.0 */
/* Erasure of a data subject with a receipt; see erase.h. */
#include "rights/erase.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "base/err.h"
#include "base/util.h"
#include "core/config.h"
#include "core/ident.h"
#include "core/keyring.h"
#include "core/log.h"
#include "records/content.h"
#include "records/dnc.h"
#include "records/subject.h"
#include "records/vault.h"
#include "records/worker.h"
#include "store/store.h"

static const char *const grounds[] = { "no_longer_necessary",
    "consent_withdrawn", "objection", "unlawful_processing",
    "legal_obligation", "child_consent", "retention" };

const char cxv_erase_grounds_text[] = "no_longer_necessary, "
    "consent_withdrawn, objection, unlawful_processing, legal_obligation, "
    "child_consent or retention";

int
cxv_erase_ground_valid(const char *ground)
{
	return ground != NULL && cxv_name_index(grounds,
	    (int)(sizeof(grounds) / sizeof(grounds[0])), ground) >= 0;
}

struct erase {
	int64_t id;
	int add_dnc;
	const char *ground;
	const char *reapply;		/* the register's receipt, on restore */
	char *receipt;
	cxv_erase_also_fn also;
	void *also_arg;
	json_t *stores;
	struct cxv_content_doomed files;
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

static char *
make_receipt(struct cxv_vault *v, const struct erase *e)
{
	char ts[CXV_TIME_STR], gone[CXV_TIME_STR];
	int64_t now = cxv_now_ms();
	json_t *doc;
	char *s;

	/* key_destroyed_by: out of the store's files (the checkpoint after). */
	cxv_time_format(now, ts);
	cxv_time_format(now + cxv_store_shred_bound_ms(cxv_vault_store(v)),
	    gone);
	if ((doc = json_pack("{s:I, s:s, s:s, s:s, s:s, s:O}", "subject",
	    (json_int_t)e->id, "erased_at", ts, "key_destroyed_by", gone,
	    "actor", cxv_vault_actor(v), "ground", e->ground, "erased",
	    e->stores)) == NULL)
		return NULL;
	s = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	return s;
}

/* The writes of an erasure, inside one transaction. */
static int
erase_locked(struct cxv_vault *v, void *arg)
{
	struct erase *e = arg;
	struct numbers pn = { v, e };
	struct cxv_store *st = cxv_vault_store(v);
	char idstr[24];
	int64_t kept = 0;
	int hold = 0, restricted = 0, r;

	if ((r = cxv_store_subject_flags(st, e->id, &hold, &restricted)) !=
	    CXV_OK)
		return r;
	/* A restore re-applies a decided erasure: a hold of back then
	 * was lifted before it happened. */
	if (hold && e->reapply == NULL)
		return CXV_ERR_HELD;
	if ((r = cxv_store_erase_counts(st, e->id, count_store, e)) != CXV_OK ||
	    (r = cxv_store_subject_files(st, e->id, cxv_content_doom, &e->files))
	    != CXV_OK ||
	    (r = cxv_subject_identifiers_tx(v, e->id, per_number, &pn))
	    != CXV_OK)
		return r;
	if (cxv_vault_config(v)->erase_keep_skeletons &&
	    ((r = cxv_store_keep_skeletons(st, e->id, &kept)) != CXV_OK ||
	    json_object_set_new(e->stores, "interactions_kept_as_skeletons",
	    json_integer(kept)) != 0))
		return r != CXV_OK ? r : CXV_ERR_NOMEM;
	if ((r = cxv_store_subject_delete(st, e->id)) != CXV_OK)
		return r;
	if (json_object_set_new(e->stores, "statistics",
	    json_integer(e->stats)) != 0 ||
	    json_object_set_new(e->stores, "content_bytes",
	    json_integer(e->files.bytes)) != 0 ||
	    (e->receipt = e->reapply != NULL ? strdup(e->reapply) :
	    make_receipt(v, e)) == NULL)
		return CXV_ERR_NOMEM;
	/* The register keeps the receipt (R9.4): ids and counts only. */
	if ((r = cxv_store_erasure_insert(st, e->id, cxv_now_ms(), e->receipt))
	    != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)e->id);
	if ((r = cxv_vault_audit(v, e->reapply != NULL ?
	    "subject.erase_reapplied" : "subject.erase", "subject", idstr,
	    e->add_dnc ? "all,dnc" : "all")) != CXV_OK)
		return r;
	return e->also != NULL ? e->also(v, e->also_arg, e->receipt) : CXV_OK;
}

int
cxv_subject_erase(struct cxv_vault *v, int64_t id, int add_dnc,
    const char *ground, char **receipt)
{
	return cxv_subject_erase_also(v, id, add_dnc, ground, NULL, NULL,
	    receipt);
}

static int
erase_run(struct cxv_vault *v, struct erase *e, char **receipt)
{
	char idstr[24];
	int r, ck;

	if ((e->stores = json_object()) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_vault_in_txn(v, erase_locked, e)) == CXV_OK) {
		/*
		 * The key out of the store's files at once (SQLite's log is
		 * truncated while an import gives way: until then it holds
		 * the pages from before, the wrapped key among them), or by
		 * the server's shredder, after the answer (PostgreSQL's
		 * partition rewrite). The files go after.
		 */
		if (!cxv_vault_shred_later(v) && (ck = cxv_store_shred(
		    cxv_vault_store(v), 1, NULL)) != CXV_OK)
			CXV_LOG(CXV_LOG_WARN, "subject.erase.checkpoint",
			    CXV_LF("result", cxv_errcode(ck)));
		cxv_content_doomed_unlink(v, &e->files);
		*receipt = e->receipt;
		e->receipt = NULL;
		snprintf(idstr, sizeof(idstr), "%lld", (long long)e->id);
		CXV_LOG(CXV_LOG_INFO, e->reapply != NULL ?
		    "subject.erase_reapplied" : "subject.erase",
		    CXV_LF("subject", idstr), CXV_LF("ground", e->ground));
	}
	free(e->receipt);
	json_decref(e->stores);
	free(e->files.name);
	return r;
}

int
cxv_subject_erase_also(struct cxv_vault *v, int64_t id, int add_dnc,
    const char *ground, cxv_erase_also_fn also, void *arg, char **receipt)
{
	struct erase e;

	*receipt = NULL;
	if (!cxv_erase_ground_valid(ground))
		return CXV_ERR_INVALID;
	memset(&e, 0, sizeof(e));
	e.id = id;
	e.add_dnc = add_dnc;
	e.ground = ground;
	e.also = also;
	e.also_arg = arg;
	return erase_run(v, &e, receipt);
}

int
cxv_subject_erase_reapply(struct cxv_vault *v, int64_t id,
    const char *receipt)
{
	struct erase e;
	char *out = NULL;
	int r;

	memset(&e, 0, sizeof(e));
	e.id = id;
	e.ground = "restore";
	e.reapply = receipt;
	r = erase_run(v, &e, &out);
	free(out);
	return r;
}

/* The shredder's passes: each looks at the queue once, without waiting. */
#define SHREDDER_MS	200
/* A pass failing (or a rewrite held back) this long is logged again. */
#define SHRED_LOG_MS	60000

struct cxv_shredder {
	struct cxv_worker *w;
	struct cxv_vault *v;		/* the server's: its erasures wait no more */
	int64_t failing_since;		/* the worker's: passes not done since */
};

/*
 * A pass that fails is logged at once and then once a minute while it
 * lasts (a database away would otherwise fill the log five lines a
 * second); one held back by older transactions only past a minute,
 * when the receipt's bound is at risk.
 */
static void
shred_pass(struct cxv_vault *v, void *ctx)
{
	struct cxv_shredder *s = ctx;
	int64_t now = cxv_now_ms();
	char n[16];
	int done = 0, r, first;

	r = cxv_store_shred(cxv_vault_store(v), 0, &done);
	if (done > 0) {
		snprintf(n, sizeof(n), "%d", done);
		CXV_LOG(CXV_LOG_INFO, "subject.erase.shred",
		    CXV_LF("partitions", n));
	}
	if (r == CXV_OK) {
		s->failing_since = 0;
		return;
	}
	first = s->failing_since == 0;
	if (first)
		s->failing_since = now;
	if ((first && r != CXV_ERR_BUSY) ||
	    now - s->failing_since >= SHRED_LOG_MS) {
		CXV_LOG(CXV_LOG_WARN, "subject.erase.shred",
		    CXV_LF("result", cxv_errcode(r)));
		if (!first)
			s->failing_since = now;
	}
}

int
cxv_shredder_start(struct cxv_vault *v, struct cxv_shredder **out)
{
	struct cxv_shredder *s;
	int r;

	*out = NULL;
	if (!cxv_store_shreds_later(cxv_vault_store(v)))
		return CXV_OK;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CXV_ERR_NOMEM;
	s->v = v;
	if ((r = cxv_worker_start(v, "system:shredder", SHREDDER_MS,
	    shred_pass, s, &s->w)) != CXV_OK) {
		free(s);
		return r;
	}
	cxv_vault_set_shred_later(v, 1);
	*out = s;
	return CXV_OK;
}

void
cxv_shredder_stop(struct cxv_shredder *s)
{
	if (s == NULL)
		return;
	cxv_vault_set_shred_later(s->v, 0);
	cxv_worker_stop(s->w);
	free(s);
}
