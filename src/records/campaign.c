/* SPDX-License-Identifier: Apache-2.0 */
/* Outbound campaigns, calling lists, results; see campaign.h. */
#include "records/campaign.h"

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
#include "records/dnc.h"
#include "records/subject.h"
#include "records/vault.h"

#define AD_MAX		48
#define NAME_MAX_LEN	128

static struct cxv_id_seq item_ids;

static const char *const state_names[CXV_CAMPAIGN_STATE__COUNT] = {
	"future", "ongoing", "completed",
};

const char *
cxv_campaign_state_name(int state)
{
	return cxv_name_of(state_names, CXV_CAMPAIGN_STATE__COUNT, state);
}

int
cxv_campaign_state_parse(const char *name, enum cxv_campaign_state *state)
{
	int i = cxv_name_index(state_names, CXV_CAMPAIGN_STATE__COUNT, name);

	if (i < 0)
		return CXV_ERR_INVALID;
	*state = (enum cxv_campaign_state)i;
	return CXV_OK;
}

static void
item_ad(int result, int64_t id, char ad[AD_MAX])
{
	snprintf(ad, AD_MAX, "%s:%lld", result ? "campaign_result" :
	    "campaign_entry", (long long)id);
}

struct create {
	struct cxv_campaign_row row;
};

static int
create_locked(struct cxv_vault *v, void *arg)
{
	struct create *c = arg;
	char idstr[24];
	int r;

	if ((r = cxv_store_campaign_insert(cxv_vault_store(v), &c->row))
	    != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)c->row.id);
	return cxv_vault_audit(v, "campaign.create", "campaign", idstr,
	    "name,state");
}

int
cxv_campaign_create(struct cxv_vault *v, const char *name,
    enum cxv_campaign_state state, int64_t *id)
{
	struct create c;
	int r;

	*id = 0;
	if (*name == '\0' || strlen(name) > NAME_MAX_LEN ||
	    !cxv_utf8_printable(name, strlen(name)) ||
	    (unsigned)state >= CXV_CAMPAIGN_STATE__COUNT)
		return CXV_ERR_INVALID;
	memset(&c, 0, sizeof(c));
	c.row.id = cxv_random_id();
	c.row.name = name;
	c.row.state = (int)state;
	c.row.created_ms = cxv_now_ms();
	if ((r = cxv_vault_in_txn(v, create_locked, &c)) == CXV_OK)
		*id = c.row.id;
	return r;
}

int
cxv_campaign_find(struct cxv_vault *v, const char *name,
    cxv_store_campaign_fn fn, void *ctx)
{
	return cxv_store_campaign_by_name(cxv_vault_store(v), name, fn, ctx);
}

int
cxv_campaign_list(struct cxv_vault *v, cxv_store_campaign_fn fn, void *ctx)
{
	return cxv_store_campaign_all(cxv_vault_store(v), fn, ctx);
}

/* Seal and insert one entry or result of subject sid. */
static int
put_item(struct cxv_vault *v, int result, struct cxv_campaign_item *it,
    const struct cxv_field *f, size_t n)
{
	char ad[AD_MAX], idstr[24];
	uint8_t *sealed = NULL;
	int r;

	it->id = cxv_time_id(&item_ids);
	item_ad(result, it->id, ad);
	if ((r = cxv_subject_seal_fields(v, it->subject_id, ad, f, n, &sealed,
	    &it->sealed_len)) != CXV_OK)
		return r;
	it->sealed = sealed;
	r = cxv_store_campaign_item_insert(cxv_vault_store(v), result, it);
	free(sealed);
	if (r != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)it->id);
	return cxv_vault_audit(v, result ? "campaign_result.create" :
	    "campaign_entry.create", result ? "campaign_result" :
	    "campaign_entry", idstr, result ? "number,note" : "name,number,custom");
}

int
cxv_campaign_add_entry_tx(struct cxv_vault *v, int64_t campaign_id,
    const char *name, const char *number, const struct cxv_field *custom,
    size_t ncustom, int *duplicate, const char **why)
{
	struct cxv_field f[2 + CXV_CAMPAIGN_CUSTOM_MAX];
	struct cxv_ident_input ids[2] = { { CXV_IDENT_PHONE, number },
	    { CXV_IDENT_NAME, name } };
	struct cxv_campaign_item it;
	int created, listed, r;

	*duplicate = 0;
	*why = NULL;
	if (ncustom > CXV_CAMPAIGN_CUSTOM_MAX)
		return *why = "more than 10 custom fields", CXV_ERR_INVALID;
	/* Before a person is made for it: a list entry of no campaign
	 * would fail its key and pass for a duplicate. */
	if ((r = cxv_store_campaign_exists(cxv_vault_store(v), campaign_id)) !=
	    CXV_OK)
		return r;
	if ((r = cxv_dnc_listed(v, number, &listed, why)) != CXV_OK)
		return r;
	if (listed)
		return *why = "number is on the do-not-call list", CXV_ERR_DENIED;
	memset(&it, 0, sizeof(it));
	if ((r = cxv_subject_resolve_tx(v, ids, *name != '\0' ? 2 : 1,
	    &it.subject_id, &created, why)) != CXV_OK)
		return r;
	f[0] = (struct cxv_field){ "name", name };
	f[1] = (struct cxv_field){ "number", number };
	memcpy(f + 2, custom, ncustom * sizeof(*custom));
	it.campaign_id = campaign_id;
	it.ts_ms = cxv_now_ms();
	r = put_item(v, 0, &it, f, 2 + ncustom);
	if (r == CXV_ERR_EXISTS)
		return *duplicate = 1, CXV_OK;
	return r;
}

struct result {
	int64_t campaign_id;
	const char *number, *outcome, *note;
	const char **why;
};

static int
result_locked(struct cxv_vault *v, void *arg)
{
	struct result *rs = arg;
	struct cxv_ident_input id = { CXV_IDENT_PHONE, rs->number };
	const struct cxv_field f[2] = { { "number", rs->number },
	    { "note", rs->note } };
	struct cxv_campaign_item it;
	int r;

	memset(&it, 0, sizeof(it));
	if ((r = cxv_store_campaign_exists(cxv_vault_store(v),
	    rs->campaign_id)) != CXV_OK ||
	    (r = cxv_subject_lookup_tx(v, &id, &it.subject_id, rs->why))
	    != CXV_OK)
		return r;
	it.campaign_id = rs->campaign_id;
	it.ts_ms = cxv_now_ms();
	it.outcome = rs->outcome;
	return put_item(v, 1, &it, f, 2);
}

int
cxv_campaign_add_result(struct cxv_vault *v, int64_t campaign_id,
    const char *number, const char *outcome, const char *note,
    const char **why)
{
	struct result rs = { campaign_id, number, outcome, note, why };

	*why = NULL;
	if (*outcome == '\0' || strlen(outcome) > 64 ||
	    !cxv_utf8_printable(outcome, strlen(outcome)) ||
	    strlen(note) > CXV_FIELD_MAX)
		return *why = "outcome: 1-64 printable characters", CXV_ERR_INVALID;
	return cxv_vault_in_txn(v, result_locked, &rs);
}

struct state {
	int64_t id;
	int state;
};

static int
state_locked(struct cxv_vault *v, void *arg)
{
	struct state *s = arg;
	char idstr[24];
	int r;

	if ((r = cxv_store_campaign_set_state(cxv_vault_store(v), s->id,
	    s->state)) != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)s->id);
	return cxv_vault_audit(v, "campaign.update", "campaign", idstr,
	    "state");
}

int
cxv_campaign_set_state(struct cxv_vault *v, int64_t campaign_id,
    enum cxv_campaign_state state)
{
	struct state s = { campaign_id, (int)state };

	if ((unsigned)state >= CXV_CAMPAIGN_STATE__COUNT)
		return CXV_ERR_INVALID;
	return cxv_vault_in_txn(v, state_locked, &s);
}

struct clear {
	int64_t campaign_id, deleted;
};

static int
clear_locked(struct cxv_vault *v, void *arg)
{
	struct clear *c = arg;
	char idstr[24];
	int r;

	if ((r = cxv_store_campaign_clear_list(cxv_vault_store(v),
	    c->campaign_id, &c->deleted)) != CXV_OK)
		return r;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)c->campaign_id);
	return cxv_vault_audit(v, "campaign.clear_list", "campaign", idstr,
	    "entries");
}

int
cxv_campaign_clear_list(struct cxv_vault *v, int64_t campaign_id,
    int64_t *deleted)
{
	struct clear c = { campaign_id, 0 };
	int r;

	r = cxv_vault_in_txn(v, clear_locked, &c);
	*deleted = r == CXV_OK ? c.deleted : 0;
	return r;
}

static int
read_locked(struct cxv_vault *v, void *arg)
{
	char idstr[24];

	snprintf(idstr, sizeof(idstr), "%lld", (long long)*(int64_t *)arg);
	return cxv_vault_audit(v, "campaign.read", "campaign", idstr,
	    "entries,results");
}

struct show {
	struct cxv_vault *v;
	const struct cxv_campaign_view *view;
	int result;
};

static int
show_item(void *ctx, const struct cxv_campaign_item *it)
{
	struct show *sh = ctx;
	char ad[AD_MAX];
	int r;

	if ((r = sh->view->item(sh->view->ctx, sh->result, it)) != CXV_OK)
		return r;
	item_ad(sh->result, it->id, ad);
	return cxv_subject_open_fields(sh->v, it->subject_id, ad, it->sealed,
	    it->sealed_len, sh->view->field, sh->view->ctx);
}

int
cxv_campaign_show(struct cxv_vault *v, int64_t campaign_id,
    const struct cxv_campaign_view *view)
{
	struct show sh = { v, view, 0 };
	int r;

	/* The read is recorded before anything is revealed. */
	if ((r = cxv_vault_in_txn(v, read_locked, &campaign_id)) != CXV_OK ||
	    (r = cxv_store_campaign_items(cxv_vault_store(v), campaign_id, 0,
	    show_item, &sh)) != CXV_OK)
		return r;
	sh.result = 1;
	return cxv_store_campaign_items(cxv_vault_store(v), campaign_id, 1,
	    show_item, &sh);
}
