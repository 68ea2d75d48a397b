/* SPDX-License-Identifier: Apache-2.0 */
/*
 * API routes of the records (R1): users, directory, people, interactions
 * and their items, platform CDR feeds (R10.1), call-accounting export
 * (R10.2), call logs, campaigns, statistics, charges, the audit trail,
 * and self service (R3.4). Reads and writes go through the library,
 * which audits them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/api_int.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/config.h"
#include "ingest/cdr_format.h"
#include "ingest/import.h"
#include "records/campaign.h"
#include "records/cdr.h"
#include "records/charge.h"
#include "records/contact.h"
#include "records/dnc.h"
#include "records/interaction.h"
#include "records/subject.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"
#include "store/store.h"

#define FIELDS_MAX	32

/* The string members of obj other than those in skip, as fields. */
static int
fields_of(struct call *c, json_t *obj, const char *const *skip,
    struct cxv_field *f, size_t *n)
{
	const char *key;
	json_t *val;
	size_t i;

	*n = 0;
	if (obj == NULL)
		return 0;
	if (!json_is_object(obj)) {
		api_error(c, 400, "invalid", "'fields' must be an object");
		return 1;
	}
	json_object_foreach(obj, key, val) {
		for (i = 0; skip != NULL && skip[i] != NULL &&
		    strcmp(skip[i], key) != 0; i++)
			;
		if (skip != NULL && skip[i] != NULL)
			continue;
		if (!json_is_string(val) || *n == FIELDS_MAX) {
			api_error(c, 400, "invalid", "fields are at most 32 "
			    "string members");
			return 1;
		}
		f[(*n)++] = (struct cxv_field){ key, json_string_value(val) };
	}
	return 0;
}

/* 201 {"<what>": id}, or the error. */
static void
created(struct call *c, int r, const char *what, int64_t id, const char *why)
{
	if (r != CXV_OK)
		api_fail(c, r, why);
	else
		api_reply(c, 201, json_pack("{s:I}", what, (json_int_t)id));
}

static int
collect_user(void *ctx, const struct cxv_user_row *row)
{
	return api_collect(ctx, cxv_view_user_row(row));
}

/* GET /v1/users */
void
api_users_list(struct call *c)
{
	struct page p;

	if (api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_user_list(c->v, collect_user, &p));
}

static void
reply_user(struct call *c, int64_t id)
{
	json_t *doc = NULL;
	int r = cxv_view_user(c->v, id, &doc);

	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such user" : NULL);
	else
		api_reply(c, 200, doc);
}

/* GET /v1/users/{id} */
void
api_user_get(struct call *c)
{
	reply_user(c, c->id[0]);
}

/*
 * POST /v1/users: {logon, kind?, subject?, <R1.1 fields>...}. A user is a
 * new person unless "subject" makes it a known one, which only a profile
 * allowed to write persons' data may decide.
 */
void
api_user_create(struct call *c)
{
	static const char *const skip[] = { "logon", "kind", "subject", NULL };
	enum cxv_user_kind kind = CXV_USER_LOCAL;
	struct cxv_field f[FIELDS_MAX];
	const char *logon = NULL, *kname = NULL, *why = NULL;
	long long into = 0;
	int64_t id = 0;
	size_t n = 0;
	int r;

	if (api_str(c, "logon", 1, &logon) || api_str(c, "kind", 0, &kname) ||
	    api_int(c, "subject", 0, 1, (1LL << CXV_ID_BITS) - 1, &into) ||
	    fields_of(c, c->in, skip, f, &n))
		return;
	if (kname != NULL && cxv_user_kind_parse(kname, &kind) != CXV_OK) {
		api_error(c, 400, "invalid", "'kind' is local, remote or api");
		return;
	}
	if (into != 0 && !api_may(c, CXV_PERM_SUBJECTS_WRITE)) {
		api_error(c, 403, "forbidden", "making a user a known person "
		    "needs the subjects.write permission");
		return;
	}
	r = cxv_user_add(c->v, logon, kind, f, n, into, &id, &why);
	if (r == CXV_ERR_CONFLICT)
		api_error(c, 409, "person_exists", why);
	else
		created(c, r, "user", id, why);
}

/* Contacts of owner (0: the shared directory). */
static void
contacts(struct call *c, int64_t owner)
{
	struct page p;

	if (api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_view_contacts(c->v, owner,
		    api_collect, &p));
}

/* GET /v1/contacts[?owner=USER]: the directory, or one user's list. */
void
api_contacts_list(struct call *c)
{
	long long owner = 0;

	if (api_query_int(c, "owner", 0, (1LL << CXV_ID_BITS) - 1, 0, &owner)
	    == 0)
		contacts(c, owner);
}

static void
contact_create(struct call *c, int64_t owner)
{
	static const char *const skip[] = { "owner", NULL };
	struct cxv_field f[FIELDS_MAX];
	const char *why = NULL;
	int64_t id = 0;
	size_t n = 0;
	int r;

	if (fields_of(c, c->in, skip, f, &n))
		return;
	/* The call first: it sets id and why (arguments are unsequenced). */
	r = cxv_contact_add(c->v, owner, f, n, &id, &why);
	created(c, r, "contact", id, why);
}

/* POST /v1/contacts: {owner?, <R1.2 fields>...}. */
void
api_contact_create(struct call *c)
{
	long long owner = 0;

	if (api_int(c, "owner", 0, 1, (1LL << CXV_ID_BITS) - 1, &owner) == 0)
		contact_create(c, owner);
}

/*
 * The one identifier of a search: ?phone=, ?email=, ?chat=, ?account=,
 * ?logon=, ?name=, ?sip= or ?dialled=. 1 if found; 0 if none; -1 after a 400.
 */
int
api_query_ident(struct call *c, struct cxv_ident_input *id)
{
	int k, found = 0;
	const char *v;

	for (k = 0; k < CXV_IDENT__COUNT; k++) {
		if ((v = api_arg(c, cxv_ident_kind_name(k))) == NULL)
			continue;
		/* A number in JSON would lose its leading zeros: text only. */
		if (c->in != NULL && !json_is_string(json_object_get(c->in,
		    cxv_ident_kind_name(k)))) {
			api_error(c, 400, "invalid", "identifiers are strings");
			return -1;
		}
		if (found++) {
			api_error(c, 400, "invalid", "give one identifier");
			return -1;
		}
		*id = (struct cxv_ident_input){ (enum cxv_ident_kind)k, v };
	}
	return found;
}

/* What a search body may hold (POST /v1/{subjects,interactions}/search). */
const char *const api_search_keys[] = { "phone", "email", "chat", "account",
    "logon", "name", "sip", "dialled", "agent", "since", "until", "limit",
    NULL };

/* A list of interactions; an agent's own ones only without READ (R3.3). */
struct ia_list {
	struct page p;
	int64_t only_agent;		/* 0: every one */
};

static int
collect_interaction(void *ctx, const struct cxv_interaction_row *row)
{
	struct ia_list *l = ctx;

	if (l->only_agent != 0 && row->agent_user_id != l->only_agent)
		return CXV_OK;
	return api_collect(&l->p, cxv_view_interaction_row(row));
}

/* GET /v1/interactions?phone=...|agent=USER [&since&until&limit] */
void
api_interactions_list(struct call *c)
{
	struct cxv_ident_input id;
	struct ia_list l = { { NULL, 0, 0 }, 0 };
	long long agent = 0;
	int64_t since, until;
	const char *why = NULL;
	int got, r;

	if (api_keys(c, api_search_keys) || (got = api_query_ident(c, &id)) < 0 ||
	    api_query_int(c, "agent", 1, (1LL << CXV_ID_BITS) - 1, 0, &agent) ||
	    api_query_time(c, "since", INT64_MIN, &since) ||
	    api_query_time(c, "until", INT64_MAX, &until))
		return;
	if (got + (agent != 0) != 1) {
		api_error(c, 400, "invalid", "give one identifier or agent");
		return;
	}
	if (!api_may(c, CXV_PERM_INTERACTIONS_READ)) {
		if (agent != 0 && agent != c->who.user_id) {
			api_error(c, 403, "forbidden", "agents see only their "
			    "own interactions");
			return;
		}
		l.only_agent = c->who.user_id;
	}
	if (api_page_init(c, &l.p) != 0)
		return;
	r = agent != 0 ? cxv_interaction_list_agent(c->v, agent, since, until,
	    collect_interaction, &l) : cxv_interaction_list(c->v, &id, since,
	    until, collect_interaction, &l, &why);
	if (r == CXV_ERR_INVALID) {
		json_decref(l.p.items);
		api_fail(c, r, why);
		return;
	}
	api_page_reply(c, &l.p, r == CXV_ERR_NOT_FOUND ? CXV_OK : r);
}

/* GET /v1/interactions/{id}[?reveal=true] */
void
api_interaction_get(struct call *c)
{
	struct cxv_buf b;
	int reveal = 0, r;

	if (api_query_bool(c, "reveal", &reveal) ||
	    !api_interaction_allowed(c, c->id[0]))
		return;
	if (reveal && !api_may(c, CXV_PERM_ITEMS_REVEAL)) {
		api_error(c, 403, "forbidden", "revealing protected items needs "
		    "the items.reveal permission");
		return;
	}
	cxv_buf_init(&b, SIZE_MAX / 2);
	if ((r = cxv_view_interaction(c->v, c->id[0], reveal, &b)) != CXV_OK) {
		cxv_buf_free(&b);
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such interaction" :
		    NULL);
	} else
		api_reply_buf(c, 200, &b);
}

/* The customer's identifiers: {"phone": ..., "name": ...}. */
static int
customer_of(struct call *c, struct cxv_ident_input *ids, size_t *n)
{
	json_t *obj = json_object_get(c->in, "customer"), *val;
	enum cxv_ident_kind kind;
	const char *key;
	int k;

	*n = 0;
	if (!json_is_object(obj)) {
		api_error(c, 400, "invalid", "'customer' must be an object of "
		    "identifiers (phone, email, chat, account, logon, name)");
		return 1;
	}
	json_object_foreach(obj, key, val) {
		if (cxv_ident_kind_parse(key, &kind) != CXV_OK ||
		    !json_is_string(val) || *n == 8) {
			api_error(c, 400, "invalid", "'customer' takes up to 8 "
			    "identifiers as strings");
			return 1;
		}
		ids[(*n)++] = (struct cxv_ident_input){ kind,
		    json_string_value(val) };
	}
	/* A number, email or handle first: it names the customer. */
	for (k = 0; k < (int)*n; k++)
		if (ids[k].kind != CXV_IDENT_NAME) {
			struct cxv_ident_input t = ids[0];

			ids[0] = ids[k];
			ids[k] = t;
			break;
		}
	return 0;
}

/* POST /v1/interactions: a session of any media (R1.3). */
void
api_interaction_create(struct call *c)
{
	static const char *const keys[] = { "media", "customer", "start",
	    "answer", "end", "outcome", "fields", NULL };
	struct cxv_ident_input ids[8];
	struct cxv_field f[FIELDS_MAX];
	struct cxv_session_in in;
	const char *media = NULL, *why = NULL;
	int64_t id = 0;
	int r;

	memset(&in, 0, sizeof(in));
	if (api_keys(c, keys) || api_str(c, "media", 1, &media) ||
	    customer_of(c, ids, &in.ncustomer) ||
	    api_time(c, "start", 1, &in.start_ms) ||
	    api_time(c, "answer", 0, &in.answer_ms) ||
	    api_time(c, "end", 0, &in.end_ms) ||
	    api_str(c, "outcome", 1, &in.outcome) ||
	    fields_of(c, json_object_get(c->in, "fields"), NULL, f,
	    &in.nfields))
		return;
	if (cxv_media_parse(media, &in.media) != CXV_OK) {
		api_error(c, 400, "invalid", "'media' is voice, email, chat, sms "
		    "or open_media");
		return;
	}
	in.customer = ids;
	in.fields = f;
	r = cxv_interaction_add(c->v, &in, &id, &why);
	created(c, r, "interaction", id, why);
}

/* POST /v1/interactions/{id}/items: a data item (R1.4). */
void
api_item_create(struct call *c)
{
	static const char *const keys[] = { "name", "value", "protected",
	    "destinations", NULL };
	const char *name = NULL, *value = NULL, *to = NULL, *why = NULL;
	int prot = 0, dest = CXV_ITEM_TO_AGENT | CXV_ITEM_TO_CDR;
	int64_t id = 0;
	int r;

	if (api_keys(c, keys) || api_str(c, "name", 1, &name) ||
	    api_str(c, "value", 1, &value) || api_bool(c, "protected", &prot) ||
	    api_str(c, "destinations", 0, &to))
		return;
	if (to != NULL && cxv_item_dest_parse(to, &dest) != CXV_OK) {
		api_error(c, 400, "invalid", "'destinations' is a comma list of "
		    "agent, cdr, ivr_report");
		return;
	}
	if (!api_interaction_allowed(c, c->id[0]))
		return;
	r = cxv_interaction_add_item(c->v, c->id[0], name, value, prot, dest,
	    &id, &why);
	created(c, r, "item", id, why);
}

struct add_cdr {
	const struct cxv_source *src;
	const struct cxv_cdr *cdr;
	int64_t id;
	enum cxv_cdr_fate fate;
	const char *why;
};

static int
add_cdr_locked(struct cxv_vault *v, void *arg)
{
	struct add_cdr *a = arg;

	return cxv_interaction_add_cdr(v, a->src, a->cdr, NULL, &a->id,
	    &a->fate, &a->why);
}

/*
 * Store a parsed CDR from the source ?source= names (the default one if
 * none): 201 with its id, 200 for one already stored or one with no
 * person among its parties (a service leg), which is said.
 */
static void
store_cdr(struct call *c, const struct cxv_cdr *cdr)
{
	const char *q = cxv_http_query(c->req, "source");
	char name[CXV_SOURCE_NAME_MAX];
	struct add_cdr a = { NULL, cdr, 0, CXV_CDR_STORED, NULL };
	int r;

	/*
	 * mod_json_cdr appends "?uuid=UUID" to its url even after a query
	 * (mod_json_cdr.c process_cdr()), so ?source=fs1 arrives as
	 * "fs1?uuid=...": a source's name ends at '?', which none holds.
	 */
	if (q != NULL && strcspn(q, "?") < sizeof(name))
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(q, "?"), q);
	else if (q != NULL)
		name[0] = '\0';	/* longer than any source's name */
	a.src = cxv_config_source(cxv_vault_config(c->v), q != NULL ? name :
	    NULL);

	if (a.src == NULL) {
		api_error(c, 400, "unknown_source", "no such source in "
		    "cxvault.conf (source.NAME.*)");
		return;
	}
	r = cxv_vault_in_txn(c->v, add_cdr_locked, &a);
	if (r != CXV_OK)
		api_fail(c, r, a.why);
	else if (a.fate == CXV_CDR_DUPLICATE)
		api_reply(c, 200, json_pack("{s:b}", "duplicate", 1));
	else if (cxv_cdr_fate_skip_name(a.fate) != NULL)
		api_reply(c, 200, json_pack("{s:s}", "skipped",
		    cxv_cdr_fate_skip_name(a.fate)));
	else if (cdr->dropped > 0)
		api_reply(c, 201, json_pack("{s:I,s:I}", "interaction",
		    (json_int_t)a.id, "fields_dropped", (json_int_t)cdr->dropped));
	else
		api_reply(c, 201, json_pack("{s:I}", "interaction",
		    (json_int_t)a.id));
}

/* A string member kept in the CDR's own storage; NULL if absent. */
static const char *
cdr_text(struct cxv_cdr *cdr, json_t *obj, const char *name)
{
	json_t *j = json_object_get(obj, name);
	const char *s = json_is_string(j) ? json_string_value(j) : "";

	return cxv_cdr_keep(cdr, s, strlen(s));
}

/* The vault's own CDR document into cdr (R10.1). */
static int
own_cdr(struct call *c, struct cxv_cdr *cdr)
{
	static const char *const keys[] = { "id", "caller", "caller_name",
	    "callee", "start", "answer", "end", "outcome", "fields", NULL };
	struct cxv_field f[FIELDS_MAX];
	const char *uid = NULL, *why = NULL;
	size_t n = 0, i;

	cxv_cdr_reset(cdr, "api");
	if (api_keys(c, keys) || api_str(c, "id", 1, &uid) ||
	    api_time(c, "start", 1, &cdr->start_ms) ||
	    api_time(c, "answer", 0, &cdr->answer_ms) ||
	    api_time(c, "end", 0, &cdr->end_ms) ||
	    fields_of(c, json_object_get(c->in, "fields"), NULL, f, &n))
		return 1;
	if ((cdr->source_id = cdr_text(cdr, c->in, "id")) == NULL ||
	    (cdr->caller = cdr_text(cdr, c->in, "caller")) == NULL ||
	    (cdr->caller_name = cdr_text(cdr, c->in, "caller_name")) == NULL ||
	    (cdr->callee = cdr_text(cdr, c->in, "callee")) == NULL ||
	    (cdr->outcome = cdr_text(cdr, c->in, "outcome")) == NULL) {
		api_error(c, 413, "too_large", "CDR too large");
		return 1;
	}
	for (i = 0; i < n; i++)
		if (cxv_cdr_add_field(cdr, f[i].name, f[i].value) != CXV_OK) {
			api_error(c, 413, "too_large", "CDR fields too large");
			return 1;
		}
	if (*uid == '\0' || *cdr->outcome == '\0' ||
	    cxv_cdr_check_times(cdr, &why) != CXV_OK) {
		api_error(c, 400, "invalid", why != NULL ? why : "'id' and "
		    "'outcome' must not be empty");
		return 1;
	}
	return 0;
}

/* POST /v1/cdr: the vault's own CDR document. */
void
api_cdr_ingest(struct call *c)
{
	if (own_cdr(c, c->cdr) == 0)
		store_cdr(c, c->cdr);
	cxv_cdr_wipe(c->cdr);
}

/* POST /v1/cdr/freeswitch: a mod_json_cdr document, in any mode. */
void
api_cdr_freeswitch(struct call *c)
{
	size_t len = 0;
	const char *body = cxv_http_body(c->req, &len);
	const char *why = NULL;
	int r;

	r = cxv_cdr_parse_freeswitch(body, len, c->cdr, &why);
	if (r == CXV_ERR_INVALID)
		api_error(c, 400, "invalid", why);
	else if (r != CXV_OK)
		api_fail(c, r, why);
	else
		store_cdr(c, c->cdr);
	cxv_cdr_wipe(c->cdr);
}

static int
collect_export(void *ctx, const struct cxv_interaction_row *row,
    const char *caller, const char *callee)
{
	return api_collect(ctx, cxv_view_export_row(row, caller, callee));
}

/* GET /v1/cdr/export?since&until&pseudonymize (R10.2) */
void
api_cdr_export(struct call *c)
{
	int64_t since, until;
	struct page p;
	int ps = 0;

	if (api_query_time(c, "since", INT64_MIN, &since) ||
	    api_query_time(c, "until", INT64_MAX, &until) ||
	    api_query_bool(c, "pseudonymize", &ps) || api_page_init(c, &p))
		return;
	api_page_reply(c, &p, cxv_interaction_export(c->v, since, until, ps,
	    collect_export, &p));
}

static void
call_log(struct call *c, int64_t user_id)
{
	struct page p;

	if (api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_view_call_log(c->v, user_id,
		    api_collect, &p));
}

/* GET /v1/users/{id}/calllog (R1.5) */
void
api_calllog_get(struct call *c)
{
	call_log(c, c->id[0]);
}

static int
collect_campaign(void *ctx, const struct cxv_campaign_row *row)
{
	return api_collect(ctx, cxv_view_campaign_row(row));
}

/* GET /v1/campaigns */
void
api_campaigns_list(struct call *c)
{
	struct page p;

	if (api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_campaign_list(c->v, collect_campaign,
		    &p));
}

/* GET /v1/campaigns/{id}: calling list and results (R1.6). */
void
api_campaign_get(struct call *c)
{
	json_t *doc = NULL;
	int r = cxv_view_campaign(c->v, c->id[0], &doc);

	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such campaign" : NULL);
	else
		api_reply(c, 200, doc);
}

/* The "state" member; 0 and *state set, or 1 after a 400. */
static int
state_of(struct call *c, int required, enum cxv_campaign_state *state)
{
	const char *s = NULL;

	if (api_str(c, "state", required, &s))
		return 1;
	if (s != NULL && cxv_campaign_state_parse(s, state) != CXV_OK) {
		api_error(c, 400, "invalid", "'state' is future, ongoing or "
		    "completed");
		return 1;
	}
	return 0;
}

/* POST /v1/campaigns: {name, state?} */
void
api_campaign_create(struct call *c)
{
	static const char *const keys[] = { "name", "state", NULL };
	enum cxv_campaign_state state = CXV_CAMPAIGN_FUTURE;
	const char *name = NULL;
	int64_t id = 0;
	int r;

	if (api_keys(c, keys) || api_str(c, "name", 1, &name) ||
	    state_of(c, 0, &state))
		return;
	r = cxv_campaign_create(c->v, name, state, &id);
	created(c, r, "campaign", id, NULL);
}

struct entry {
	int64_t campaign;
	const char *name, *number, *why;
	const struct cxv_field *f;
	size_t n;
	int dup;
};

static int
entry_locked(struct cxv_vault *v, void *arg)
{
	struct entry *e = arg;

	return cxv_campaign_add_entry_tx(v, e->campaign, e->name, e->number,
	    e->f, e->n, &e->dup, &e->why);
}

/* POST /v1/campaigns/{id}/entries: {name, number, fields?}; DNC refused. */
void
api_campaign_entry(struct call *c)
{
	static const char *const keys[] = { "name", "number", "fields", NULL };
	struct cxv_field f[FIELDS_MAX];
	struct entry e = { c->id[0], NULL, NULL, NULL, f, 0, 0 };
	int r;

	if (api_keys(c, keys) || api_str(c, "name", 1, &e.name) ||
	    api_str(c, "number", 1, &e.number) ||
	    fields_of(c, json_object_get(c->in, "fields"), NULL, f, &e.n))
		return;
	r = cxv_vault_in_txn(c->v, entry_locked, &e);
	if (r == CXV_ERR_DENIED)
		api_error(c, 409, "do_not_call", "the number is on the "
		    "do-not-call list");
	else if (r != CXV_OK)
		api_fail(c, r, e.why);
	else
		api_reply(c, e.dup ? 200 : 201, json_pack("{s:b}", "duplicate",
		    e.dup));
}

/* DELETE /v1/campaigns/{id}/entries: the list goes, results stay. */
void
api_campaign_clear(struct call *c)
{
	int64_t n = 0;
	int r = cxv_campaign_clear_list(c->v, c->id[0], &n);

	if (r != CXV_OK)
		api_fail(c, r, NULL);
	else
		api_reply(c, 200, json_pack("{s:I}", "deleted", (json_int_t)n));
}

#define IMPORT_ERRORS_MAX	200	/* per-line errors named in the reply */
#define CSV_WANTED	"a CSV file with a header row naming name and number"

static void
import_reject(void *ctx, uint64_t line, const char *why)
{
	json_t *errors = ctx;

	if (json_array_size(errors) < IMPORT_ERRORS_MAX)
		(void)json_array_append_new(errors, json_pack("{s:I, s:s}",
		    "line", (json_int_t)line, "why", why));
}

/* POST /v1/campaigns/{id}/import: a calling list as CSV (R1.6). */
void
api_campaign_import(struct call *c)
{
	size_t len0 = 0;
	json_t *errors = json_array();
	struct cxv_import_report rep = { import_reject, NULL, errors };
	struct cxv_import_stats st;
	const char *body = cxv_http_body(c->req, &len0);
	char *copy = NULL;
	FILE *in = NULL;
	int r;

	memset(&st, 0, sizeof(st));
	if (len0 == 0) {
		json_decref(errors);
		api_fail(c, CXV_ERR_INVALID, CSV_WANTED);
		return;
	}
	/* A stream over a copy (personal data: wiped after). */
	if (errors == NULL || (copy = malloc(len0)) == NULL ||
	    (in = fmemopen(memcpy(copy, body, len0), len0, "r")) == NULL) {
		cxv_freezero(copy, copy != NULL ? len0 : 0);
		json_decref(errors);
		api_fail(c, CXV_ERR_NOMEM, NULL);
		return;
	}
	r = cxv_import_campaign(c->v, c->id[0], in, &rep, &st);
	fclose(in);
	cxv_freezero(copy, len0);
	if (r != CXV_OK && st.read == 0) {
		json_decref(errors);
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such campaign" :
		    CSV_WANTED);
		return;
	}
	api_reply(c, 200, json_pack("{s:I, s:I, s:I, s:I, s:I, s:o}", "read",
	    (json_int_t)st.read, "imported", (json_int_t)st.imported,
	    "duplicates", (json_int_t)st.duplicates, "rejected",
	    (json_int_t)st.rejected, "dnc", (json_int_t)st.dnc, "errors",
	    errors));
}

/* POST /v1/campaigns/{id}/results: {number, outcome, note?} */
void
api_campaign_result(struct call *c)
{
	static const char *const keys[] = { "number", "outcome", "note", NULL };
	const char *number = NULL, *outcome = NULL, *note = "", *why = NULL;
	int r;

	if (api_keys(c, keys) || api_str(c, "number", 1, &number) ||
	    api_str(c, "outcome", 1, &outcome) || api_str(c, "note", 0, &note))
		return;
	r = cxv_campaign_add_result(c->v, c->id[0], number, outcome, note,
	    &why);
	if (r != CXV_OK)
		api_fail(c, r, why);
	else
		cxv_http_respond(c->req, 204, NULL, NULL, 0);
}

/* PUT /v1/campaigns/{id}/state: {state} */
void
api_campaign_state(struct call *c)
{
	static const char *const keys[] = { "state", NULL };
	enum cxv_campaign_state state = CXV_CAMPAIGN_FUTURE;
	int r;

	if (api_keys(c, keys) || state_of(c, 1, &state))
		return;
	if ((r = cxv_campaign_set_state(c->v, c->id[0], state)) != CXV_OK)
		api_fail(c, r, NULL);
	else
		cxv_http_respond(c->req, 204, NULL, NULL, 0);
}

/* POST /v1/dnc: {number} onto the do-not-call list. */
void
api_dnc_add(struct call *c)
{
	static const char *const keys[] = { "number", NULL };
	const char *number = NULL, *why = NULL;
	int r;

	if (api_keys(c, keys) || api_str(c, "number", 1, &number))
		return;
	if ((r = cxv_dnc_add(c->v, number, &why)) != CXV_OK)
		api_fail(c, r, why);
	else
		cxv_http_respond(c->req, 204, NULL, NULL, 0);
}

static int
collect_day(void *ctx, const struct cxv_stat_day *d)
{
	return api_collect(ctx, cxv_view_stat_day(d));
}

/* GET /v1/stats?since&until: per day, from pseudonymized rows (R1.8). */
void
api_stats(struct call *c)
{
	int64_t since, until;
	struct page p;

	if (api_query_time(c, "since", INT64_MIN, &since) ||
	    api_query_time(c, "until", INT64_MAX, &until) || api_page_init(c, &p))
		return;
	api_page_reply(c, &p, cxv_store_stat_days(cxv_vault_store(c->v), since,
	    until, collect_day, &p));
}

/* GET /v1/charges?room=R&since&until: a guest invoice's lines (R1.9). */
void
api_charges_list(struct call *c)
{
	const char *room = cxv_http_query(c->req, "room");
	int64_t since, until;
	struct page p;

	if (api_query_time(c, "since", INT64_MIN, &since) ||
	    api_query_time(c, "until", INT64_MAX, &until))
		return;
	if (room == NULL) {
		api_error(c, 400, "invalid", "give room");
		return;
	}
	if (api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_view_charges(c->v, room, since, until,
		    api_collect, &p));
}

/* POST /v1/charges: {room, guest, guest_phone?, dialled, time, ...} */
void
api_charge_create(struct call *c)
{
	static const char *const keys[] = { "room", "guest", "guest_phone",
	    "dialled", "time", "duration_s", "amount_cents", NULL };
	struct cxv_charge_in in = { NULL, NULL, "", NULL, 0, 0, 0 };
	long long dur = 0, cents = 0;
	const char *why = NULL;
	int64_t id = 0;
	int r;

	if (api_keys(c, keys) || api_str(c, "room", 1, &in.room) ||
	    api_str(c, "guest", 1, &in.guest) ||
	    api_str(c, "guest_phone", 0, &in.guest_phone) ||
	    api_str(c, "dialled", 1, &in.dialled) ||
	    api_time(c, "time", 1, &in.ts_ms) ||
	    api_int(c, "duration_s", 1, 0, 604800, &dur) ||
	    api_int(c, "amount_cents", 1, 0, 100000000, &cents))
		return;
	in.duration_s = dur;
	in.amount_cents = cents;
	r = cxv_charge_add(c->v, &in, &id, &why);
	created(c, r, "charge", id, why);
}

static int
collect_audit(void *ctx, const struct cxv_audit_row *row)
{
	return api_collect(ctx, cxv_view_audit_row(row));
}

/* GET /v1/audit?since: the trail (R7.4). */
void
api_audit_list(struct call *c)
{
	int64_t since;
	struct page p;

	if (api_query_time(c, "since", INT64_MIN, &since) || api_page_init(c, &p))
		return;
	api_page_reply(c, &p, cxv_vault_audit_scan(c->v, since, collect_audit,
	    &p));
}

/* GET /v1/audit/verify: the hash chain (R7.3). */
void
api_audit_verify(struct call *c)
{
	int64_t count = 0, bad = 0;
	const char *why = NULL;
	int r = cxv_vault_audit_verify(c->v, &count, &bad, &why);

	if (r == CXV_OK)
		api_reply(c, 200, json_pack("{s:b, s:I}", "intact", 1, "entries",
		    (json_int_t)count));
	else if (r == CXV_ERR_CORRUPT)
		api_reply(c, 200, json_pack("{s:b, s:I, s:I, s:s}", "intact", 0,
		    "entries", (json_int_t)count, "first_bad", (json_int_t)bad,
		    "why", why != NULL ? why : "broken"));
	else
		api_fail(c, r, NULL);
}

/* GET /v1/me: one's own user record (R3.4). */
void
api_me(struct call *c)
{
	reply_user(c, c->who.user_id);
}

/* GET /v1/me/calllog */
void
api_me_calllog(struct call *c)
{
	call_log(c, c->who.user_id);
}

/* GET /v1/me/contacts: one's personal contact list. */
void
api_me_contacts(struct call *c)
{
	contacts(c, c->who.user_id);
}

/* POST /v1/me/contacts */
void
api_me_contact_create(struct call *c)
{
	if (json_object_get(c->in, "owner") != NULL) {
		api_error(c, 400, "invalid", "unknown member 'owner'");
		return;
	}
	contact_create(c, c->who.user_id);
}

/* PUT /v1/users/{id}/status: {"status": "active" | "disabled"} */
void
api_user_status(struct call *c)
{
	static const char *const keys[] = { "status", NULL };
	const char *status = NULL;
	int r;

	if (api_keys(c, keys) || api_str(c, "status", 1, &status))
		return;
	if (strcmp(status, "active") != 0 && strcmp(status, "disabled") != 0) {
		api_error(c, 400, "invalid", "'status' is active or disabled");
		return;
	}
	r = cxv_user_set_status(c->v, c->id[0], strcmp(status, "active") == 0 ?
	    CXV_USER_ACTIVE : CXV_USER_DISABLED);
	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such user" : NULL);
	else
		reply_user(c, c->id[0]);
}
