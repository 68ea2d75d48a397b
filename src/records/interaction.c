/* SPDX-License-Identifier: Apache-2.0 */
/* Interactions: store parsed CDRs, list and show them; see interaction.h. */
#include "records/interaction.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/err.h"
#include "base/fields.h"
#include "base/util.h"
#include "core/audit.h"
#include "core/ident.h"
#include "core/keyring.h"
#include "core/log.h"
#include "core/party.h"
#include "records/call_log.h"
#include "records/cdr.h"
#include "records/content.h"
#include "records/vault.h"

#define AD_MAX		48	/* "interaction:" + id */
#define FIELDS_MAX	256	/* comma list of sealed field names */

static struct cxv_id_seq interaction_ids, item_ids;

/* Extensions a batch remembers the agent of (more are looked up). */
#define BATCH_AGENTS	64

/*
 * Parties an import remembers the classification of, so that a caller
 * who calls again is not read by libphonenumber again (8-17 us a
 * number): a day of a large site's distinct callers, in sets of
 * PARTY_WAYS (a direct-mapped table lost a third of its hits to
 * collisions), short values only, in locked memory (4 MiB) wiped when
 * the import ends. An import reads one source, so the value, the region
 * and the side of the call are the whole key.
 */
#define PARTY_SETS	16384
#define PARTY_WAYS	4
#define PARTY_RAW_MAX	32
#define PARTY_NORM_MAX	24

struct party_slot {
	char raw[PARTY_RAW_MAX];	/* "" for a free slot */
	char norm[PARTY_NORM_MAX];
	uint32_t cc;
	uint8_t callee, kind, ident;
};

struct cxv_cdr_batch {
	struct cxv_audit_group *audit;
	struct {
		char ext[CXV_IDENT_NORM_MAX];	/* "" for a free slot */
		int64_t id[2];		/* user, person; 0: nobody holds it */
	} agent[BATCH_AGENTS];
	struct party_slot party[PARTY_SETS][PARTY_WAYS];
};

int
cxv_cdr_batch_new(struct cxv_cdr_batch **out)
{
	struct cxv_cdr_batch *b;

	*out = NULL;
	if ((b = sodium_malloc(sizeof(*b))) == NULL)
		return CXV_ERR_NOMEM;
	memset(b, 0, sizeof(*b));
	if (cxv_audit_group_new(&b->audit) != CXV_OK) {
		sodium_free(b);
		return CXV_ERR_NOMEM;
	}
	*out = b;
	return CXV_OK;
}

void
cxv_cdr_batch_free(struct cxv_cdr_batch *b)
{
	if (b == NULL)
		return;
	cxv_audit_group_free(b->audit);
	sodium_free(b);
}

int
cxv_cdr_batch_end(struct cxv_vault *v, struct cxv_cdr_batch *b)
{
	int r = cxv_vault_audit_flush(v, b->audit);

	sodium_memzero(b->agent, sizeof(b->agent));
	return r;
}

/* FNV-1a of s, from h. */
static uint32_t
fnv(const char *s, uint32_t h)
{
	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/*
 * The slot of a user's identifier in b (user id, person id): where it
 * is, or free; NULL if full.
 */
static int64_t *
batch_agent(struct cxv_cdr_batch *b, const char *ext, int *known)
{
	uint32_t h = fnv(ext, 2166136261u);
	size_t i, at;

	for (i = 0; i < BATCH_AGENTS; i++) {
		at = (h + i) % BATCH_AGENTS;
		if (b->agent[at].ext[0] == '\0') {
			snprintf(b->agent[at].ext, sizeof(b->agent[at].ext),
			    "%s", ext);
			*known = 0;
			return b->agent[at].id;
		}
		if (strcmp(b->agent[at].ext, ext) == 0) {
			*known = 1;
			return b->agent[at].id;
		}
	}
	return NULL;
}

static const char *const media_names[CXV_MEDIA__COUNT] = {
	"voice", "email", "chat", "sms", "open_media",
};

static const char *const step_names[CXV_STEP__COUNT] = {
	"entered_service", "ivr_data", "queued", "message_played", "routed",
	"alerting", "answered", "clerical_started", "clerical_ended",
	"completed",
};

const char *
cxv_media_name(int media)
{
	return cxv_name_of(media_names, CXV_MEDIA__COUNT, media);
}

int
cxv_media_parse(const char *name, enum cxv_media *media)
{
	int i = cxv_name_index(media_names, CXV_MEDIA__COUNT, name);

	if (i < 0)
		return CXV_ERR_INVALID;
	*media = (enum cxv_media)i;
	return CXV_OK;
}

const char *
cxv_step_name(int step)
{
	return cxv_name_of(step_names, CXV_STEP__COUNT, step);
}

static void
record_ad(int64_t id, char ad[AD_MAX])
{
	(void)cxv_fmt_int(ad, AD_MAX, "interaction:", id);
}

/*
 * The parties of a record and whom it is filed under: the customer (the
 * first party that may be a person and is no user of the vault), else
 * the person of the user who took or made the call.
 */
struct parties {
	struct cxv_party party[2];	/* caller, callee */
	int64_t uid[2], usid[2];	/* each party's user and their person */
	int cust;			/* party index of the customer, -1 */
	int agent;			/* party index of the agent, -1 */
};

static int
take_user(void *ctx, const struct cxv_user_row *row)
{
	*(int64_t *)ctx = row->id;
	return CXV_OK;
}

/* The identifier a party's user would hold: its extension or SIP name. */
static int
user_ident(const struct cxv_party *p, struct cxv_ident_input *id,
    char buf[CXV_IDENT_NORM_MAX])
{
	size_t n = strlen(p->norm);

	if (p->kind == CXV_PARTY_EXTENSION || p->kind == CXV_PARTY_SIP) {
		*id = (struct cxv_ident_input){ p->ident, p->norm };
		return 1;
	}
	/* Known users' extensions count whatever the dial plan says. */
	if (p->kind == CXV_PARTY_DIALLED && n >= CXV_EXT_DIGITS_MIN &&
	    n <= CXV_EXT_DIGITS_MAX && strspn(p->norm, "0123456789") == n) {
		snprintf(buf, CXV_IDENT_NORM_MAX, "ext:%s", p->norm);
		*id = (struct cxv_ident_input){ CXV_IDENT_PHONE, buf };
		return 1;
	}
	return 0;
}

/*
 * The user a party is (*uid 0 if none) and that user's person; an
 * extension or SIP name held by a user is that user, never a customer.
 */
static int
party_user(struct cxv_vault *v, const struct cxv_party *p,
    struct cxv_cdr_batch *b, int64_t *uid, int64_t *sid)
{
	struct cxv_ident_input id;
	char buf[CXV_IDENT_NORM_MAX];
	const char *why;
	int64_t *slot = NULL;
	int known = 0, r;

	*uid = *sid = 0;
	if (!user_ident(p, &id, buf))
		return CXV_OK;
	if (b != NULL && (slot = batch_agent(b, id.value, &known)) != NULL &&
	    known)
		return *uid = slot[0], *sid = slot[1], CXV_OK;
	r = cxv_subject_lookup_tx(v, &id, sid, &why);
	if (r == CXV_OK)
		r = cxv_store_user_by_subject(cxv_vault_store(v), *sid, take_user,
		    uid);
	if (r == CXV_ERR_NOT_FOUND || r == CXV_ERR_INVALID)
		r = CXV_OK;
	if (*uid == 0)
		*sid = 0;
	if (slot != NULL && r == CXV_OK)
		slot[0] = *uid, slot[1] = *sid;
	return r;
}

/* Whether slot holds the classification of value on that side. */
static int
party_held(const struct party_slot *slot, const struct cxv_source *src,
    const char *value, int callee)
{
	return slot->raw[0] != '\0' && slot->cc == src->country_code &&
	    slot->callee == callee && strcmp(slot->raw, value) == 0;
}

/*
 * cxv_party_classify(), through the import's cache when there is one. A
 * hit moves one way up its set, a miss enters at the top and pushes the
 * last way out: values called often stay, a run of new ones passes.
 */
static void
classify(struct cxv_cdr_batch *b, const struct cxv_source *src,
    const char *value, int callee, struct cxv_party *p)
{
	struct party_slot *set, tmp;
	size_t w;

	if (b == NULL || strlen(value) >= PARTY_RAW_MAX) {
		cxv_party_classify(src, value, callee, p);
		return;
	}
	set = b->party[fnv(value, 2166136261u ^ src->country_code ^
	    (uint32_t)callee) % PARTY_SETS];
	for (w = 0; w < PARTY_WAYS && !party_held(&set[w], src, value,
	    callee); w++)
		;
	if (w < PARTY_WAYS) {
		memset(p, 0, sizeof(*p));
		p->kind = (enum cxv_party_kind)set[w].kind;
		p->ident = (enum cxv_ident_kind)set[w].ident;
		memcpy(p->norm, set[w].norm, sizeof(set[w].norm));
		if (w > 0) {
			tmp = set[w - 1];
			set[w - 1] = set[w];
			set[w] = tmp;
			sodium_memzero(&tmp, sizeof(tmp));
		}
		return;
	}
	cxv_party_classify(src, value, callee, p);
	if (*value == '\0' || strlen(p->norm) >= PARTY_NORM_MAX)
		return;
	memmove(&set[1], &set[0], (PARTY_WAYS - 1) * sizeof(set[0]));
	memset(&set[0], 0, sizeof(set[0]));
	memcpy(set[0].raw, value, strlen(value) + 1);
	memcpy(set[0].norm, p->norm, strlen(p->norm) + 1);
	set[0].cc = src->country_code;
	set[0].callee = (uint8_t)callee;
	set[0].kind = (uint8_t)p->kind;
	set[0].ident = (uint8_t)p->ident;
}

/*
 * Classify the record's parties by the source, find the users among
 * them and choose the customer and the agent. CXV_ERR_NOT_FOUND if no
 * party is a person: nothing to file it under.
 */
static int
sort_parties(struct cxv_vault *v, const struct cxv_source *src,
    const struct cxv_cdr *c, struct cxv_cdr_batch *b, struct parties *ps)
{
	int i, r;

	ps->cust = ps->agent = -1;
	classify(b, src, c->caller, 0, &ps->party[0]);
	classify(b, src, c->callee, 1, &ps->party[1]);
	for (i = 0; i < 2; i++)
		if ((r = party_user(v, &ps->party[i], b, &ps->uid[i],
		    &ps->usid[i])) != CXV_OK)
			return r;
	for (i = 1; i >= 0; i--)
		if (ps->uid[i] == 0 && ps->party[i].kind != CXV_PARTY_EXTENSION &&
		    cxv_party_is_person(ps->party[i].kind))
			ps->cust = i;
	/* The agent: the user opposite the customer, else the one called. */
	if (ps->cust >= 0)
		ps->agent = ps->uid[!ps->cust] != 0 ? !ps->cust : -1;
	else
		ps->agent = ps->uid[1] != 0 ? 1 : ps->uid[0] != 0 ? 0 : -1;
	if (ps->cust < 0 && ps->agent < 0)
		return CXV_ERR_NOT_FOUND;
	return CXV_OK;
}

/* Pack the record's columns; *names gets their comma list for the audit. */
static int
pack(const struct cxv_cdr *c, const char *const kinds[2], uint8_t *buf,
    size_t cap, size_t *len, char names[FIELDS_MAX])
{
	size_t i, nl = 0, fl;
	int r;

	const struct cxv_field common[5] = { { "caller", c->caller },
	    { "caller_name", c->caller_name }, { "callee", c->callee },
	    { "caller_kind", kinds[0] }, { "callee_kind", kinds[1] } };

	*len = 0;
	names[0] = '\0';
	/* The parties under platform-neutral names first (exports). */
	for (i = 0; i < 5; i++)
		if (common[i].value != NULL && (r = cxv_fields_put(buf, cap,
		    len, common[i].name, common[i].value)) != CXV_OK)
			return r;
	for (i = 0; i < c->nfields; i++) {
		if ((r = cxv_fields_put(buf, cap, len, c->fields[i].name,
		    c->fields[i].value)) != CXV_OK)
			return r;
		if (!cxv_utf8_printable(c->fields[i].name,
		    strlen(c->fields[i].name)))
			return CXV_ERR_INVALID;
		/* Appended by hand: snprintf was 2 % of an import. */
		fl = strlen(c->fields[i].name);
		if (nl + (nl > 0) + fl >= FIELDS_MAX)
			return CXV_ERR_TOO_LARGE;
		if (nl > 0)
			names[nl++] = ',';
		memcpy(names + nl, c->fields[i].name, fl + 1);
		nl += fl;
	}
	return CXV_OK;
}

/* Seal the packed fields under id and insert the row; retried on id clash. */
static int
insert_row(struct cxv_vault *v, struct cxv_interaction_row *row,
    const struct cxv_subject_key *key, const uint8_t *plain, size_t len)
{
	uint8_t *sealed = malloc(len + CXV_SEAL_OVERHEAD);
	char ad[AD_MAX];
	int tries, r = CXV_ERR_NOMEM;

	for (tries = 0; sealed != NULL && tries < 8; tries++) {
		row->id = cxv_time_id(&interaction_ids);
		record_ad(row->id, ad);
		if ((r = cxv_seal(key, ad, plain, len, sealed)) != CXV_OK)
			break;
		row->sealed = sealed;
		row->sealed_len = len + CXV_SEAL_OVERHEAD;
		r = cxv_store_interaction_insert(cxv_vault_store(v), row);
		if (r != CXV_ERR_EXISTS)
			break;
	}
	free(sealed);
	return r;
}

int
cxv_interaction_trail(const struct cxv_interaction_row *row, cxv_trail_fn fn,
    void *ctx)
{
	const struct { int64_t ts; int kind; } steps[] = {
		{ row->started_ms, CXV_STEP_ENTERED },
		{ row->answered_ms, CXV_STEP_ANSWERED },
		{ row->ended_ms, CXV_STEP_COMPLETED },
	};
	size_t i;
	int seq = 0, r;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].ts != 0 &&
		    (r = fn(ctx, ++seq, steps[i].ts, steps[i].kind)) != CXV_OK)
			return r;
	return CXV_OK;
}

/* Seal, insert, audit: the writes of one new interaction. */
static int
store_new(struct cxv_vault *v, const uint8_t *plain, size_t len,
    const char *names, struct cxv_interaction_row *row,
    struct cxv_audit_group *g)
{
	struct cxv_subject_key key;
	int r;

	if ((r = cxv_subject_key(v, row->subject_id, &key)) != CXV_OK)
		return r;
	r = insert_row(v, row, &key, plain, len);
	cxv_subject_key_wipe(&key);
	if (r != CXV_OK)
		return r;
	return cxv_vault_audit_record(v, g, "interaction.create", "interaction",
	    row->id, names);
}

/*
 * The pseudonym of a number's normal form (R5.2): one person, one
 * pseudonym, whatever the platform wrote.
 */
static void
number_pseudonym(struct cxv_vault *v, const char *num,
    char ps[CXV_PSEUDONYM_LEN + 1])
{
	char norm[CXV_IDENT_NORM_MAX];
	const char *why;

	if (cxv_ident_normalize(CXV_IDENT_PHONE, num,
	    cxv_vault_config(v)->country_code, norm, &why) != CXV_OK)
		snprintf(norm, sizeof(norm), "%.*s", CXV_IDENT_MAX, num);
	cxv_keyring_pseudonym(cxv_vault_keyring(v), norm, ps);
	sodium_memzero(norm, sizeof(norm));
}

/*
 * Whether the call was answered: its outcome says (the platform's
 * disposition), not an answer time, which Asterisk also writes for
 * calls it reports BUSY or NO ANSWER (issue 26).
 */
static int
answered(const struct cxv_cdr *c)
{
	return strcmp(c->outcome, "answered") == 0;
}

/*
 * R1.8: the call's statistics row, with a pseudonym (of the customer's
 * normal form, or of what the other party was) and no subject.
 */
static int
traffic_stat(struct cxv_vault *v, const struct cxv_cdr *c, const char *who)
{
	char ps[CXV_PSEUDONYM_LEN + 1];

	cxv_keyring_pseudonym(cxv_vault_keyring(v), who, ps);
	return cxv_store_stat_insert(cxv_vault_store(v), c->start_ms,
	    c->end_ms > c->start_ms ? (c->end_ms - c->start_ms) / 1000 : 0,
	    answered(c), ps);
}

/*
 * R1.5: a call with an agent goes into that agent's call log: incoming,
 * missed, or outgoing; sealed under sid, the customer's subject (or,
 * with none, the agent's own person).
 */
static int
agent_call_log(struct cxv_vault *v, const struct cxv_cdr *c, int caller,
    int64_t uid, int64_t sid, struct cxv_audit_group *g)
{
	struct cxv_call_log_in in;

	if (uid == 0)
		return CXV_OK;
	memset(&in, 0, sizeof(in));
	in.user_id = uid;
	in.subject_id = sid;
	in.dir = !caller ? CXV_CALL_OUT : answered(c) ? CXV_CALL_IN :
	    CXV_CALL_MISSED;
	in.ts_ms = c->start_ms;
	in.duration_s = answered(c) && c->answer_ms && c->end_ms ?
	    (c->end_ms - c->answer_ms) / 1000 : 0;
	in.name = caller ? c->caller_name : "";
	in.number = caller ? c->caller : c->callee;
	return cxv_call_log_add_tx(v, &in, g);
}

/*
 * After a record's first write, an error fails the whole transaction:
 * it is no rejection of the record, whatever its code (an import stores
 * its records without a savepoint each; see cxv_interaction_add_cdr()).
 */
static int
after_write(int r)
{
	return r == CXV_ERR_INVALID || r == CXV_ERR_CONFLICT ||
	    r == CXV_ERR_TOO_LARGE || r == CXV_ERR_DENIED ?
	    CXV_ERR_INTERNAL : r;
}

/* Whom a record is filed under and who else it goes to. */
struct filing {
	const struct cxv_ident_input *ids;	/* the customer's; n 0: none */
	size_t n;
	int64_t owner;		/* n 0: the person it is filed under */
	int caller;		/* the agent's other party called */
	int64_t agent, peer;	/* users: who took or made it; the caller */
	int64_t peer_sid;	/* the calling user's person */
	const char *kinds[2];	/* the parties' kinds; NULL for sessions */
	const char *stat;	/* what the statistics pseudonym is of */
};

/*
 * Store c as an interaction of media as f says: subject, row, trail,
 * statistics, call logs. Inside the caller's transaction; every
 * rejection is decided before anything is written.
 */
static int
add_record(struct cxv_vault *v, const struct cxv_cdr *c, int media,
    const struct filing *f, const uint8_t ref[CXV_HASH_BYTES],
    struct cxv_cdr_batch *b, int64_t *id, const char **why)
{
	struct cxv_audit_group *g = b != NULL ? b->audit : NULL;
	/* On the stack and wiped: sodium_malloc per record costs 4 syscalls. */
	uint8_t plain[CXV_RECORD_SEALED_MAX];
	struct cxv_interaction_row row;
	char names[FIELDS_MAX];
	size_t len = 0;
	int created, r = CXV_OK;

	memset(&row, 0, sizeof(row));
	row.subject_id = f->owner;
	if ((r = pack(c, f->kinds, plain, sizeof(plain), &len, names)) !=
	    CXV_OK)
		*why = "fields too long or not printable";
	else if (f->n == 0 || (r = cxv_subject_resolve_tx(v, f->ids, f->n,
	    &row.subject_id, &created, why)) == CXV_OK) {
		row.media = media;
		row.source = c->source;
		row.source_ref = ref;
		row.started_ms = c->start_ms;
		row.answered_ms = c->answer_ms;
		row.ended_ms = c->end_ms;
		row.outcome = c->outcome;
		row.agent_user_id = f->agent;
		if ((r = store_new(v, plain, len, names, &row, g)) == CXV_OK &&
		    (r = traffic_stat(v, c, f->stat)) == CXV_OK &&
		    (r = agent_call_log(v, c, f->caller, f->agent,
		    row.subject_id, g)) == CXV_OK)
			r = agent_call_log(v, c, 0, f->peer, f->peer_sid, g);
		r = after_write(r);
	}
	sodium_memzero(plain, len);
	*id = r == CXV_OK ? row.id : 0;
	return r;
}

/* How the sorted parties file the record. */
static void
file_parties(const struct cxv_cdr *c, const struct parties *ps,
    struct cxv_ident_input ids[2], struct filing *f)
{
	memset(f, 0, sizeof(*f));
	f->kinds[0] = cxv_party_kind_name(ps->party[0].kind);
	f->kinds[1] = cxv_party_kind_name(ps->party[1].kind);
	if (ps->agent >= 0) {
		f->agent = ps->uid[ps->agent];
		f->caller = ps->agent == 1;
	}
	if (ps->cust < 0) {
		/* The agent's own call (sort_parties() found one): another
		 * extension, a withheld number or a service. */
		int a = ps->agent == 1;

		f->owner = ps->usid[a];
		f->peer = a ? ps->uid[0] : 0;
		f->peer_sid = a ? ps->usid[0] : 0;
		f->stat = cxv_party_kind_name(ps->party[!a].kind);
		return;
	}
	ids[f->n++] = (struct cxv_ident_input){ ps->party[ps->cust].ident,
	    ps->party[ps->cust].norm };
	/* A name in another encoding is sealed as written, never indexed. */
	if (ps->cust == 0 && *c->caller_name != '\0' &&
	    cxv_utf8_valid(c->caller_name, strlen(c->caller_name)))
		ids[f->n++] = (struct cxv_ident_input){ CXV_IDENT_NAME,
		    c->caller_name };
	f->ids = ids;
	f->stat = ps->party[ps->cust].norm;
}

/*
 * The record's key as a keyed hash of the platform's id (idempotence).
 * A leg that shares its id with others (the legs of an Asterisk parallel
 * ring share uniqueid and start) is keyed by what it is as well: its
 * channels and durations (c->leg), answer, end and outcome. *legacy is the key releases before
 * 0.2 gave it: the id alone.
 */
static void
cdr_ref(struct cxv_vault *v, const struct cxv_cdr *c,
    uint8_t ref[CXV_HASH_BYTES], uint8_t legacy[CXV_HASH_BYTES])
{
	char kind[32], hex[2 * CXV_HASH_BYTES + 1];
	char leg[2 * CXV_HASH_BYTES + 2 * CXV_FIELD_MAX + 64];

	snprintf(kind, sizeof(kind), "source:%s", c->source);
	cxv_keyring_blind_index(cxv_vault_keyring(v), kind, c->source_id,
	    legacy);
	memcpy(ref, legacy, CXV_HASH_BYTES);
	if (c->leg == NULL)
		return;
	cxv_hex(legacy, CXV_HASH_BYTES, hex);
	snprintf(leg, sizeof(leg), "%s\x1f%s\x1f%lld\x1f%lld\x1f%s", hex,
	    c->leg, (long long)c->answer_ms, (long long)c->end_ms, c->outcome);
	cxv_keyring_blind_index(cxv_vault_keyring(v), kind, leg, ref);
	sodium_memzero(leg, sizeof(leg));
}

/*
 * Whether c was stored before: under its key ref, or, in a vault made
 * before 0.2, under its legacy key with the same times and outcome.
 */
static int
stored_before(struct cxv_vault *v, const struct cxv_cdr *c,
    const uint8_t ref[CXV_HASH_BYTES], const uint8_t legacy[CXV_HASH_BYTES])
{
	struct cxv_interaction_row times;
	int r;

	r = cxv_store_interaction_exists(cxv_vault_store(v), c->source,
	    c->start_ms, ref);
	if (r != CXV_ERR_NOT_FOUND || c->leg == NULL ||
	    !cxv_vault_legacy_cdr_keys(v))
		return r;
	memset(&times, 0, sizeof(times));
	times.started_ms = c->start_ms;
	times.answered_ms = c->answer_ms;
	times.ended_ms = c->end_ms;
	times.outcome = c->outcome;
	return cxv_store_interaction_same(cxv_vault_store(v), c->source, legacy,
	    &times);
}

/* What one record of a window will look up (cxv_interaction_prefetch_cdrs). */
static void
want_record(struct cxv_vault *v, const struct cxv_source *src,
    const struct cxv_cdr *c, struct cxv_cdr_batch *b, struct cxv_store_want *w,
    struct cxv_store_want_ref *refs, struct cxv_store_want_ident *ids)
{
	uint8_t legacy[CXV_HASH_BYTES];
	char buf[CXV_IDENT_NORM_MAX];
	struct cxv_ident_input in[3];
	struct cxv_party p[2];
	size_t n = 0, i;

	refs[w->nrefs].started_ms = c->start_ms;
	cdr_ref(v, c, refs[w->nrefs++].ref, legacy);
	classify(b, src, c->caller, 0, &p[0]);
	classify(b, src, c->callee, 1, &p[1]);
	/* Each party as a user's extension, or as a customer (its key). */
	for (i = 0; i < 2; i++) {
		if (user_ident(&p[i], &in[n], buf) &&
		    cxv_subject_ident_index(v, &in[n], ids[w->nidents].bidx) ==
		    CXV_OK) {
			ids[w->nidents].kind = (int)in[n].kind;
			ids[w->nidents++].key = 0;
		}
		if (cxv_party_is_person(p[i].kind) &&
		    p[i].kind != CXV_PARTY_EXTENSION)
			in[n++] = (struct cxv_ident_input){ p[i].ident, p[i].norm };
	}
	if (*c->caller_name != '\0' &&
	    cxv_utf8_valid(c->caller_name, strlen(c->caller_name)))
		in[n++] = (struct cxv_ident_input){ CXV_IDENT_NAME,
		    c->caller_name };
	for (i = 0; i < n; i++)
		if (cxv_subject_ident_index(v, &in[i], ids[w->nidents].bidx) ==
		    CXV_OK) {
			ids[w->nidents].kind = (int)in[i].kind;
			ids[w->nidents++].key = in[i].kind != CXV_IDENT_NAME;
		}
	sodium_memzero(p, sizeof(p));
	sodium_memzero(buf, sizeof(buf));
}

/* Identifiers a record can look up at most: two users, two parties, a name. */
#define WANT_IDENTS	5

int
cxv_interaction_prefetch_cdrs(struct cxv_vault *v, const struct cxv_source *src,
    const struct cxv_cdr *const *cdrs, size_t n, struct cxv_cdr_batch *b)
{
	struct cxv_store_want w = { NULL, NULL, 0, NULL, 0 };
	struct cxv_store_want_ref *refs;
	struct cxv_store_want_ident *ids;
	size_t i;
	int r = CXV_ERR_NOMEM;

	if (n == 0 || !cxv_store_piped(cxv_vault_store(v)))
		return CXV_OK;
	if (src == NULL)
		src = cxv_config_source(cxv_vault_config(v), NULL);
	refs = calloc(n, sizeof(*refs));
	ids = calloc(n * WANT_IDENTS, sizeof(*ids));
	if (refs != NULL && ids != NULL) {
		w.source = cdrs[0]->source;
		w.ref = refs;
		w.ident = ids;
		/* One source to a window, as an import reads one format. */
		for (i = 0; i < n && strcmp(cdrs[i]->source, w.source) == 0; i++)
			want_record(v, src, cdrs[i], b, &w, refs, ids);
		r = cxv_store_prefetch(cxv_vault_store(v), &w);
	}
	free(refs);
	free(ids);
	return r;
}

const char *
cxv_cdr_fate_skip_name(enum cxv_cdr_fate fate)
{
	return fate == CXV_CDR_SKIPPED_SERVICE ? "service_leg" :
	    fate == CXV_CDR_SKIPPED_NO_PERSON ? "no_person" : NULL;
}

int
cxv_interaction_add_cdr(struct cxv_vault *v, const struct cxv_source *src,
    const struct cxv_cdr *c, struct cxv_cdr_batch *b, int64_t *id,
    enum cxv_cdr_fate *fate, const char **why)
{
	struct cxv_ident_input ids[2];
	struct parties ps;
	struct filing f;
	uint8_t ref[CXV_HASH_BYTES], legacy[CXV_HASH_BYTES];
	int r;

	*id = 0;
	*fate = CXV_CDR_STORED;
	*why = NULL;
	if (src == NULL)
		src = cxv_config_source(cxv_vault_config(v), NULL);
	cdr_ref(v, c, ref, legacy);
	r = stored_before(v, c, ref, legacy);
	if (r == CXV_OK)
		return *fate = CXV_CDR_DUPLICATE, CXV_OK;
	if (r != CXV_ERR_NOT_FOUND)
		return r;
	memset(&ps, 0, sizeof(ps));
	r = sort_parties(v, src, c, b, &ps);
	if (r == CXV_ERR_NOT_FOUND)
		return *fate = ps.party[0].kind == CXV_PARTY_SERVICE ||
		    ps.party[1].kind == CXV_PARTY_SERVICE ?
		    CXV_CDR_SKIPPED_SERVICE : CXV_CDR_SKIPPED_NO_PERSON, CXV_OK;
	if (r != CXV_OK)
		return r;
	file_parties(c, &ps, ids, &f);
	r = add_record(v, c, CXV_MEDIA_VOICE, &f, ref, b, id, why);
	sodium_memzero(&ps, sizeof(ps));
	return r;
}

struct add_session {
	const struct cxv_session_in *in;
	struct cxv_cdr *c;
	int64_t *id;
	const char **why;
};

static int
add_session_locked(struct cxv_vault *v, void *arg)
{
	struct add_session *a = arg;
	uint8_t ref[CXV_HASH_BYTES];

	struct filing f = { a->in->customer, a->in->ncustomer, 0, 1, 0, 0, 0,
	    { NULL, NULL }, a->c->caller };

	/* Entered by hand: a random reference, nothing to de-duplicate. */
	randombytes_buf(ref, sizeof(ref));
	return add_record(v, a->c, (int)a->in->media, &f, ref, NULL, a->id,
	    a->why);
}

/* The session as the record the import path stores. */
static int
session_record(const struct cxv_session_in *in, unsigned cc,
    struct cxv_cdr *c, const char **why)
{
	char norm[CXV_IDENT_NORM_MAX];
	size_t i;

	cxv_cdr_reset(c, "manual");
	/* The normal form, so that statistics pseudonyms match erasure's. */
	if (cxv_ident_normalize(in->customer[0].kind, in->customer[0].value,
	    cc, norm, why) != CXV_OK ||
	    (c->caller = cxv_cdr_keep(c, norm, strlen(norm))) == NULL)
		return CXV_ERR_INVALID;
	for (i = 0; i < in->ncustomer; i++)
		if (in->customer[i].kind == CXV_IDENT_NAME)
			c->caller_name = in->customer[i].value;
	c->start_ms = in->start_ms;
	c->answer_ms = in->answer_ms;
	c->end_ms = in->end_ms;
	c->outcome = in->outcome;
	for (i = 0; i < in->nfields; i++) {
		const struct cxv_field *f = &in->fields[i];
		size_t nl = strlen(f->name), vl = strlen(f->value);

		if (nl == 0 || nl > 64 || !cxv_utf8_printable(f->name, nl) ||
		    vl > CXV_FIELD_MAX || !cxv_utf8_printable(f->value, vl))
			return *why = "field: a name of 1-64 and a value of "
			    "printable text", CXV_ERR_INVALID;
		if (cxv_cdr_add_field(c, f->name, f->value) != CXV_OK)
			return *why = "too many fields", CXV_ERR_TOO_LARGE;
	}
	return cxv_cdr_check_times(c, why);
}

int
cxv_interaction_add(struct cxv_vault *v, const struct cxv_session_in *in,
    int64_t *id, const char **why)
{
	struct add_session a = { in, NULL, id, why };
	struct cxv_cdr_own *own;
	size_t n = strlen(in->outcome);
	int r;

	*id = 0;
	*why = NULL;
	if ((unsigned)in->media >= CXV_MEDIA__COUNT || in->ncustomer == 0 ||
	    in->customer[0].kind == CXV_IDENT_NAME)
		return *why = "a session needs the customer's number, email, "
		    "chat handle, account or logon first", CXV_ERR_INVALID;
	if (in->start_ms == 0 || n == 0 || n > 32 ||
	    strspn(in->outcome, "abcdefghijklmnopqrstuvwxyz_") != n)
		return *why = "a session needs a start time and an outcome "
		    "(lower-case word)", CXV_ERR_INVALID;
	if ((own = sodium_malloc(sizeof(*own))) == NULL)
		return CXV_ERR_NOMEM;
	a.c = cxv_cdr_own_init(own);
	if ((r = session_record(in, cxv_vault_config(v)->country_code, a.c,
	    why)) == CXV_OK)
		r = cxv_vault_in_txn(v, add_session_locked, &a);
	sodium_free(own);
	return r;
}

int
cxv_interaction_list(struct cxv_vault *v, const struct cxv_ident_input *ident,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn,
    void *ctx, const char **why)
{
	struct cxv_store *st = cxv_vault_store(v);
	int64_t ids[CXV_FIND_MAX];
	char idstr[24];
	size_t n = 0, i;
	int r;

	if ((r = cxv_subject_find(v, ident, ids, CXV_FIND_MAX, &n, why))
	    != CXV_OK)
		return r;
	for (i = 0; i < n; i++) {
		snprintf(idstr, sizeof(idstr), "%lld", (long long)ids[i]);
		if ((r = cxv_store_begin(st)) != CXV_OK)
			return r;
		if ((r = cxv_vault_audit(v, "interaction.list", "subject", idstr,
		    "")) != CXV_OK || (r = cxv_store_commit(st)) != CXV_OK) {
			cxv_store_rollback(st);
			return r;
		}
		if ((r = cxv_store_interaction_by_subject(st, ids[i], since_ms,
		    until_ms, fn, ctx)) != CXV_OK)
			return r;
	}
	return CXV_OK;
}

/* A row copied out of the store callback, sealed blob included. */
struct held {
	struct cxv_interaction_row row;
	char source[32], outcome[32];
	uint8_t *sealed;
};

static int
hold_row(void *ctx, const struct cxv_interaction_row *row)
{
	struct held *h = ctx;

	h->row = *row;
	snprintf(h->source, sizeof(h->source), "%s", row->source);
	snprintf(h->outcome, sizeof(h->outcome), "%s", row->outcome);
	h->row.source = h->source;
	h->row.outcome = h->outcome;
	/* Empty: the skeleton of an erased person's call. */
	if (row->sealed_len > CXV_RECORD_SEALED_MAX + CXV_SEAL_OVERHEAD ||
	    (row->sealed_len < CXV_SEAL_OVERHEAD && row->sealed_len != 0))
		return CXV_ERR_CORRUPT;
	if ((h->sealed = malloc(row->sealed_len + 1)) == NULL)
		return CXV_ERR_NOMEM;
	if (row->sealed_len > 0)	/* a skeleton's is NULL */
		memcpy(h->sealed, row->sealed, row->sealed_len);
	h->row.sealed = h->sealed;
	return CXV_OK;
}

struct items {
	struct cxv_vault *v;
	const struct cxv_interaction_view *view;
	int reveal;
	char value[CXV_FIELD_MAX + 1];
};

static int
item_value(void *ctx, const char *name, const char *value)
{
	struct items *it = ctx;

	if (strcmp(name, "value") == 0)
		snprintf(it->value, sizeof(it->value), "%s", value);
	return CXV_OK;
}

static int
show_item(void *ctx, const struct cxv_item_row *row)
{
	struct items *it = ctx;
	char ad[AD_MAX];
	int r;

	if (row->protected_ && !it->reveal)
		return it->view->item(it->view->ctx, row, NULL);
	snprintf(ad, sizeof(ad), "item:%lld", (long long)row->id);
	r = cxv_subject_open_fields(it->v, row->subject_id, ad, row->sealed,
	    row->sealed_len, item_value, it);
	if (r == CXV_OK)
		r = it->view->item(it->view->ctx, row, it->value);
	sodium_memzero(it->value, sizeof(it->value));
	return r;
}

struct show {
	int64_t id;
	struct held h;
	int reveal;
	const struct cxv_interaction_view *view;
};

/* The row, its fields, items and content to the view, in one snapshot. */
static int
show_reads(struct cxv_vault *v, struct show *sh)
{
	const struct cxv_interaction_view *view = sh->view;
	struct items it = { v, view, sh->reveal, "" };
	struct cxv_interaction_has has = { 0, 0 };
	char ad[AD_MAX];
	int r;

	record_ad(sh->id, ad);
	if ((r = cxv_store_interaction_show(cxv_vault_store(v), sh->id, &has,
	    hold_row, &sh->h)) == CXV_OK &&
	    (r = view->record(view->ctx, &sh->h.row)) == CXV_OK &&
	    /* A skeleton of an erased person's call has no values left. */
	    (sh->h.row.sealed_len == 0 || (r = cxv_subject_open_fields(v,
	    sh->h.row.subject_id, ad, sh->h.sealed, sh->h.row.sealed_len,
	    view->field, view->ctx)) == CXV_OK) && has.items)
		r = cxv_store_items(cxv_vault_store(v), sh->id, show_item, &it);
	if (r == CXV_OK && has.content)
		r = cxv_content_list_interaction(v, sh->id, view->content,
		    view->ctx);
	return r;
}

int
cxv_interaction_show(struct cxv_vault *v, int64_t id, int reveal,
    const struct cxv_interaction_view *view)
{
	struct show sh;
	char idstr[24];
	int r;

	memset(&sh, 0, sizeof(sh));
	sh.id = id;
	sh.reveal = reveal;
	sh.view = view;
	if ((r = cxv_store_read_begin(cxv_vault_store(v))) != CXV_OK)
		return r;
	r = show_reads(v, &sh);
	cxv_store_read_end(cxv_vault_store(v));
	free(sh.h.sealed);
	if (r != CXV_OK)
		return r;
	/* The view keeps the values until the read is recorded (R7.2). */
	(void)cxv_fmt_int(idstr, sizeof(idstr), "", id);
	return cxv_vault_audit_read(v, "interaction.read", "interaction", idstr,
	    reveal ? "fields,trail,items,protected" : "fields,trail,items");
}

struct export {
	struct cxv_vault *v;
	int pseudonymize;
	cxv_interaction_export_fn fn;
	void *ctx;
	char caller[CXV_FIELD_MAX + 1], callee[CXV_FIELD_MAX + 1];
};

static int
export_field(void *ctx, const char *name, const char *value)
{
	struct export *ex = ctx;

	if (strcmp(name, "caller") == 0)
		snprintf(ex->caller, sizeof(ex->caller), "%s", value);
	else if (strcmp(name, "callee") == 0)
		snprintf(ex->callee, sizeof(ex->callee), "%s", value);
	return CXV_OK;
}

/* Replace a number by the pseudonym of its normal form, in place. */
static void
pseudonymize(struct cxv_vault *v, char *num, size_t cap)
{
	char ps[CXV_PSEUDONYM_LEN + 1];

	if (*num == '\0')
		return;
	number_pseudonym(v, num, ps);
	snprintf(num, cap, "%s", ps);
}

static int
export_row(void *ctx, const struct cxv_interaction_row *row)
{
	struct export *ex = ctx;
	char ad[AD_MAX];
	int r;

	ex->caller[0] = ex->callee[0] = '\0';
	record_ad(row->id, ad);
	/* A skeleton (an erased person's call) exports without parties. */
	r = row->sealed_len == 0 ? CXV_OK : cxv_subject_open_fields(ex->v,
	    row->subject_id, ad, row->sealed, row->sealed_len, export_field, ex);
	if (r == CXV_OK && ex->pseudonymize) {
		pseudonymize(ex->v, ex->caller, sizeof(ex->caller));
		pseudonymize(ex->v, ex->callee, sizeof(ex->callee));
	}
	if (r == CXV_OK)
		r = ex->fn(ex->ctx, row, ex->caller, ex->callee);
	sodium_memzero(ex->caller, sizeof(ex->caller));
	sodium_memzero(ex->callee, sizeof(ex->callee));
	return r;
}

int
cxv_interaction_export(struct cxv_vault *v, int64_t since_ms, int64_t until_ms,
    int pseudo, cxv_interaction_export_fn fn, void *ctx)
{
	struct cxv_store *st = cxv_vault_store(v);
	struct export *ex;
	int r;

	if ((r = cxv_store_begin(st)) != CXV_OK)
		return r;
	if ((r = cxv_vault_audit(v, "interaction.export", "interaction", "*",
	    pseudo ? "pseudonyms" : "caller,callee")) == CXV_OK)
		r = cxv_store_commit(st);
	if (r != CXV_OK) {
		cxv_store_rollback(st);
		return r;
	}
	if ((ex = calloc(1, sizeof(*ex))) == NULL)
		return CXV_ERR_NOMEM;
	ex->v = v;
	ex->pseudonymize = pseudo;
	ex->fn = fn;
	ex->ctx = ctx;
	r = cxv_store_interaction_by_time(st, since_ms, until_ms, export_row, ex);
	cxv_freezero(ex, sizeof(*ex));
	return r;
}

int
cxv_item_dest_parse(const char *s, int *dest)
{
	static const struct { const char *name; int bit; } d[] = {
		{ "agent", CXV_ITEM_TO_AGENT }, { "cdr", CXV_ITEM_TO_CDR },
		{ "ivr_report", CXV_ITEM_TO_IVR_REPORT },
	};
	size_t i, n;

	*dest = 0;
	while (*s != '\0') {
		n = strcspn(s, ",");
		for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
			if (strlen(d[i].name) == n && strncmp(s, d[i].name, n) == 0)
				break;
		if (i == sizeof(d) / sizeof(d[0]))
			return CXV_ERR_INVALID;
		*dest |= d[i].bit;
		s += n + (s[n] == ',');
	}
	return CXV_OK;
}

struct add_item {
	struct cxv_item_row row;
	const char *value;
	int64_t *id;
};

static int
take_subject(void *ctx, const struct cxv_interaction_row *row)
{
	*(int64_t *)ctx = row->subject_id;
	return CXV_OK;
}

static int
add_item_locked(struct cxv_vault *v, void *arg)
{
	struct add_item *a = arg;
	const struct cxv_field f = { "value", a->value };
	char ad[AD_MAX], idstr[24];
	uint8_t *sealed = NULL;
	int r;

	if ((r = cxv_store_interaction_get(cxv_vault_store(v),
	    a->row.interaction_id, take_subject, &a->row.subject_id)) != CXV_OK)
		return r;
	a->row.id = cxv_time_id(&item_ids);
	a->row.created_ms = cxv_now_ms();
	snprintf(ad, sizeof(ad), "item:%lld", (long long)a->row.id);
	if ((r = cxv_subject_seal_fields(v, a->row.subject_id, ad, &f, 1,
	    &sealed, &a->row.sealed_len)) != CXV_OK)
		return r;
	a->row.sealed = sealed;
	r = cxv_store_item_insert(cxv_vault_store(v), &a->row);
	free(sealed);
	if (r != CXV_OK)
		return r;
	*a->id = a->row.id;
	snprintf(idstr, sizeof(idstr), "%lld", (long long)a->row.id);
	/* R5.3: a protected value is typed so, and never reaches a log. */
	if (a->row.protected_)
		CXV_LOG(CXV_LOG_DEBUG, "interaction.item.add",
		    CXV_LF("item", idstr), CXV_LF_PROTECTED("value", a->value));
	else
		CXV_LOG(CXV_LOG_DEBUG, "interaction.item.add",
		    CXV_LF("item", idstr), CXV_LF_PERSONAL("value", a->value));
	return cxv_vault_audit(v, "interaction_item.create", "interaction_item",
	    idstr, "value");
}

int
cxv_interaction_add_item(struct cxv_vault *v, int64_t interaction_id,
    const char *name, const char *value, int protected_, int destinations,
    int64_t *id, const char **why)
{
	struct add_item a;

	*id = 0;
	*why = NULL;
	if (*name == '\0' || strlen(name) > 64 ||
	    !cxv_utf8_printable(name, strlen(name)))
		return *why = "item name: 1-64 printable characters",
		    CXV_ERR_INVALID;
	if (strlen(value) > CXV_FIELD_MAX ||
	    !cxv_utf8_printable(value, strlen(value)))
		return *why = "item value: printable text", CXV_ERR_INVALID;
	memset(&a, 0, sizeof(a));
	a.row.interaction_id = interaction_id;
	a.row.name = name;
	a.row.protected_ = protected_ != 0;
	a.row.destinations = destinations;
	a.value = value;
	a.id = id;
	return cxv_vault_in_txn(v, add_item_locked, &a);
}

static int
agent_list_audit(struct cxv_vault *v, void *arg)
{
	char idstr[24];

	snprintf(idstr, sizeof(idstr), "%lld", (long long)*(int64_t *)arg);
	return cxv_vault_audit(v, "interaction.list", "user", idstr, "agent");
}

int
cxv_interaction_list_agent(struct cxv_vault *v, int64_t user_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn, void *ctx)
{
	int r;

	if ((r = cxv_vault_in_txn(v, agent_list_audit, &user_id)) != CXV_OK)
		return r;
	return cxv_store_interaction_by_agent(cxv_vault_store(v), user_id,
	    since_ms, until_ms, fn, ctx);
}

static int
take_agent(void *ctx, const struct cxv_interaction_row *row)
{
	*(int64_t *)ctx = row->agent_user_id;
	return CXV_OK;
}

int
cxv_interaction_agent(struct cxv_vault *v, int64_t id, int64_t *agent)
{
	*agent = 0;
	return cxv_store_interaction_get(cxv_vault_store(v), id, take_agent,
	    agent);
}
