/* SPDX-License-Identifier: Apache-2.0 */
/* JSON documents of records for the CLI and the API; see view.h. */
#include "records/view.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/err.h"
#include "base/json_out.h"
#include "base/util.h"
#include "core/keyring.h"
#include "records/call_log.h"
#include "records/campaign.h"
#include "records/charge.h"
#include "records/contact.h"
#include "records/content.h"
#include "records/interaction.h"
#include "records/profile.h"
#include "records/subject.h"
#include "records/user.h"
#include "records/voicemail.h"

/* jansson frees without a size; the allocator knows it. */
static void
wipe_free(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

void
cxv_view_wipe_on_free(void)
{
	json_set_alloc_funcs(malloc, wipe_free);
}

json_t *
cxv_view_time(int64_t ms)
{
	char t[CXV_TIME_STR];

	if (ms == 0)
		return json_null();
	cxv_time_format(ms, t);
	return json_string(t);
}

json_t *
cxv_view_masking(const char *masking)
{
	json_t *m = masking[0] != '\0' ? json_loads(masking, 0, NULL) : NULL;

	return m != NULL ? m : json_null();
}

json_t *
cxv_view_text(const char *s)
{
	char *fixed = NULL;
	json_t *j;

	if (cxv_utf8_repair(s, strlen(s), &fixed) != CXV_OK)
		return NULL;
	j = json_string(fixed != NULL ? fixed : s);
	if (fixed != NULL)
		cxv_freezero(fixed, strlen(fixed) + 1);
	return j;
}

/* Set name to value (a string) in doc; decrypted fields of records. */
static int
set_field(void *ctx, const char *name, const char *value)
{
	json_t *doc = ctx;

	return json_object_set_new(doc, name, cxv_view_text(value)) == 0 ?
	    CXV_OK : CXV_ERR_CORRUPT;
}

json_t *
cxv_view_perms(uint64_t perms)
{
	json_t *a = json_array();
	int p;

	for (p = 0; a != NULL && p < CXV_PERM__COUNT; p++)
		if ((perms & CXV_PERM_BIT(p)) != 0 &&
		    json_array_append_new(a, json_string(cxv_perm_name(p))) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* A time as a string member, null for 0 (did not happen). */
static void
jw_time(struct cxv_jw *w, const char *key, int64_t ms)
{
	char t[CXV_TIME_STR];

	if (ms == 0) {
		cxv_jw_null(w, key);
		return;
	}
	cxv_time_format(ms, t);
	cxv_jw_string(w, key, t);
}

/* The interaction's clear columns, as members of the open object. */
static void
ia_members(struct cxv_jw *w, const struct cxv_interaction_row *row)
{
	cxv_jw_int(w, "interaction", row->id);
	cxv_jw_int(w, "subject", row->subject_id);
	cxv_jw_string(w, "media", cxv_media_name(row->media));
	cxv_jw_string(w, "source", row->source);
	jw_time(w, "started", row->started_ms);
	jw_time(w, "answered", row->answered_ms);
	jw_time(w, "ended", row->ended_ms);
	cxv_jw_string(w, "outcome", row->outcome);
	if (row->agent_user_id != 0)
		cxv_jw_int(w, "agent", row->agent_user_id);
	else
		cxv_jw_null(w, "agent");
}

static int
trail_step(void *ctx, int seq, int64_t ts_ms, int kind)
{
	struct cxv_jw *w = ctx;

	cxv_jw_object(w, NULL);
	cxv_jw_int(w, "seq", seq);
	jw_time(w, "time", ts_ms);
	cxv_jw_string(w, "step", cxv_step_name(kind));
	cxv_jw_close(w);
	return w->r;
}

/* The row's trail as [{"seq", "time", "step"}, ...]. */
static void
ia_trail(struct cxv_jw *w, const char *key,
    const struct cxv_interaction_row *row)
{
	cxv_jw_array(w, key);
	(void)cxv_interaction_trail(row, trail_step, w);	/* errors: in w */
	cxv_jw_close(w);
}

static void
row_doc(struct cxv_jw *w, const struct cxv_interaction_row *row)
{
	cxv_jw_object(w, NULL);
	ia_members(w, row);
	cxv_jw_close(w);
}

static void
trail_doc(struct cxv_jw *w, const struct cxv_interaction_row *row)
{
	ia_trail(w, NULL, row);
}

/*
 * What write writes of row, as a tree for the documents that embed it
 * (lists, exports): one shape, written in one place.
 */
static json_t *
tree_of(void (*write)(struct cxv_jw *, const struct cxv_interaction_row *),
    const struct cxv_interaction_row *row)
{
	struct cxv_buf b;
	struct cxv_jw w;
	json_t *doc = NULL;

	cxv_buf_init(&b, SIZE_MAX / 2);
	cxv_jw_init(&w, &b);
	write(&w, row);
	if (cxv_jw_end(&w) == CXV_OK)
		doc = json_loadb(b.p, b.len, 0, NULL);
	cxv_buf_free(&b);
	return doc;
}

json_t *
cxv_view_interaction_row(const struct cxv_interaction_row *row)
{
	return tree_of(row_doc, row);
}

json_t *
cxv_view_trail(const struct cxv_interaction_row *row)
{
	return tree_of(trail_doc, row);
}

/* The parts of the full view after its clear columns and trail. */
enum ia_part { IA_FIELDS, IA_ITEMS, IA_CONTENT };

struct ia_doc {
	struct cxv_jw w;
	enum ia_part part;	/* the container being filled */
};

/* A stored value that is not UTF-8 is a damaged record, not bad input. */
static int
stored(int r)
{
	return r == CXV_ERR_INVALID ? CXV_ERR_CORRUPT : r;
}

static int
ia_status(const struct ia_doc *d)
{
	return stored(d->w.r);
}

static int
ia_record(void *ctx, const struct cxv_interaction_row *row)
{
	struct ia_doc *d = ctx;

	cxv_jw_object(&d->w, NULL);
	ia_members(&d->w, row);
	ia_trail(&d->w, "trail", row);
	cxv_jw_object(&d->w, "fields");
	return ia_status(d);
}

static int
ia_field(void *ctx, const char *name, const char *value)
{
	struct ia_doc *d = ctx;

	cxv_jw_string(&d->w, name, value);
	return ia_status(d);
}

/* Close the parts before part and open part's array. */
static void
ia_move_to(struct ia_doc *d, enum ia_part part)
{
	static const char *const names[] = { "fields", "items", "content" };

	while (d->part < part) {
		cxv_jw_close(&d->w);
		d->part++;
		cxv_jw_array(&d->w, names[d->part]);
	}
}

static int
ia_item(void *ctx, const struct cxv_item_row *row, const char *value)
{
	struct ia_doc *d = ctx;

	ia_move_to(d, IA_ITEMS);
	cxv_jw_object(&d->w, NULL);
	cxv_jw_int(&d->w, "item", row->id);
	cxv_jw_string(&d->w, "name", row->name);
	cxv_jw_bool(&d->w, "protected", row->protected_);
	cxv_jw_int(&d->w, "destinations", row->destinations);
	cxv_jw_string(&d->w, "value", value != NULL ? value : "[protected]");
	cxv_jw_close(&d->w);
	return ia_status(d);
}

/*
 * What was masked in an item (core/mask.h), rewritten field by field
 * from what the row holds: a row altered on disk cannot put anything
 * but these fields into the document. null if the item was not checked.
 */
static void
jw_masking(struct cxv_jw *w, const char *text)
{
	json_t *m = text[0] != '\0' ? json_loads(text, 0, NULL) : NULL;
	json_t *spans = json_object_get(m, "spans"), *sp;
	size_t i;

	if (!json_is_string(json_object_get(m, "state"))) {
		cxv_jw_null(w, "masking");
		json_decref(m);
		return;
	}
	cxv_jw_object(w, "masking");
	cxv_jw_string(w, "state", json_string_value(json_object_get(m,
	    "state")));
	if (json_is_string(json_object_get(m, "reason")))
		cxv_jw_string(w, "reason", json_string_value(
		    json_object_get(m, "reason")));
	if (json_is_array(spans)) {
		cxv_jw_array(w, "spans");
		json_array_foreach(spans, i, sp) {
			cxv_jw_object(w, NULL);
			cxv_jw_string(w, "kind", json_is_string(json_object_get(sp,
			    "kind")) ? json_string_value(json_object_get(sp,
			    "kind")) : "");
			cxv_jw_int(w, "start_ms", json_integer_value(
			    json_object_get(sp, "start_ms")));
			cxv_jw_int(w, "end_ms", json_integer_value(
			    json_object_get(sp, "end_ms")));
			cxv_jw_close(w);
		}
		cxv_jw_close(w);
	}
	if (json_is_integer(json_object_get(m, "more_spans")))
		cxv_jw_int(w, "more_spans", json_integer_value(
		    json_object_get(m, "more_spans")));
	if (json_is_integer(json_object_get(m, "redacted")))
		cxv_jw_int(w, "redacted", json_integer_value(
		    json_object_get(m, "redacted")));
	cxv_jw_close(w);
	json_decref(m);
}

static int
ia_content(void *ctx, const struct cxv_content_info *info)
{
	struct ia_doc *d = ctx;

	ia_move_to(d, IA_CONTENT);
	cxv_jw_object(&d->w, NULL);
	cxv_jw_int(&d->w, "content", info->id);
	cxv_jw_string(&d->w, "kind", cxv_content_kind_name(info->kind));
	cxv_jw_int(&d->w, "size", info->size);
	jw_time(&d->w, "created", info->created_ms);
	jw_masking(&d->w, info->masking);
	cxv_jw_bool(&d->w, "original_kept", info->original[0] != '\0');
	cxv_jw_close(&d->w);
	return ia_status(d);
}

int
cxv_view_interaction(struct cxv_vault *v, int64_t id, int reveal,
    struct cxv_buf *out)
{
	struct ia_doc d = { .part = IA_FIELDS };
	struct cxv_interaction_view view = { ia_record, ia_field, ia_item,
	    ia_content, &d };
	int r;

	cxv_jw_init(&d.w, out);
	if ((r = cxv_interaction_show(v, id, reveal, &view)) != CXV_OK)
		return r;
	ia_move_to(&d, IA_CONTENT);
	cxv_jw_close(&d.w);		/* content */
	cxv_jw_close(&d.w);		/* the interaction */
	return stored(cxv_jw_end(&d.w));
}

json_t *
cxv_view_user_row(const struct cxv_user_row *row)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:o}", "user",
	    (json_int_t)row->id, "subject", (json_int_t)row->subject_id,
	    "kind", cxv_user_kind_name(row->kind), "status",
	    cxv_user_status_name(row->status), "created",
	    cxv_view_time(row->created_ms));
}

static int
user_record(void *ctx, const struct cxv_user_row *row)
{
	json_t **doc = ctx;

	return (*doc = cxv_view_user_row(row)) != NULL ? CXV_OK :
	    CXV_ERR_NOMEM;
}

static int
user_field(void *ctx, const char *name, const char *value)
{
	return set_field(*(json_t **)ctx, name, value);
}

int
cxv_view_user(struct cxv_vault *v, int64_t id, json_t **out)
{
	int r;

	*out = NULL;
	if ((r = cxv_user_show(v, id, user_record, user_field, out)) != CXV_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return r;
}

/* Records made of a row and then its fields: each goes out once whole. */
struct each {
	cxv_view_fn fn;
	void *ctx;
	json_t *cur;
};

/* Hand the finished document on; the next one starts. */
static int
each_flush(struct each *e)
{
	json_t *doc = e->cur;

	e->cur = NULL;
	return doc != NULL ? e->fn(e->ctx, doc) : CXV_OK;
}

static int
contact_record(void *ctx, const struct cxv_contact_row *row)
{
	struct each *e = ctx;
	int r;

	if ((r = each_flush(e)) != CXV_OK)
		return r;
	e->cur = json_pack("{s:I, s:I}", "contact", (json_int_t)row->id,
	    "subject", (json_int_t)row->subject_id);
	return e->cur != NULL ? CXV_OK : CXV_ERR_NOMEM;
}

static int
each_field(void *ctx, const char *name, const char *value)
{
	return set_field(((struct each *)ctx)->cur, name, value);
}

int
cxv_view_contacts(struct cxv_vault *v, int64_t owner, cxv_view_fn fn,
    void *ctx)
{
	struct each e = { fn, ctx, NULL };
	int r;

	if ((r = cxv_contact_list(v, owner, contact_record, each_field, &e)) ==
	    CXV_OK)
		return each_flush(&e);
	json_decref(e.cur);
	return r;
}

static int
call_log_entry(void *ctx, const struct cxv_call_log_row *row,
    const char *name, const char *number)
{
	struct each *e = ctx;
	json_t *doc = json_pack("{s:o, s:s, s:o, s:o, s:I, s:I}", "time",
	    cxv_view_time(row->ts_ms), "direction",
	    cxv_call_dir_name(row->direction), "name", cxv_view_text(name),
	    "number", cxv_view_text(number),
	    "duration_s", (json_int_t)row->duration_s, "subject",
	    (json_int_t)row->subject_id);

	return doc != NULL ? e->fn(e->ctx, doc) : CXV_ERR_NOMEM;
}

int
cxv_view_call_log(struct cxv_vault *v, int64_t user_id, cxv_view_fn fn,
    void *ctx)
{
	struct each e = { fn, ctx, NULL };

	return cxv_call_log_show(v, user_id, call_log_entry, &e);
}

struct charges {
	struct each e;
	int64_t calls, cents;
};

static json_t *
money(int64_t cents)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld.%02lld", (long long)(cents / 100),
	    (long long)(cents % 100));
	return json_string(s);
}

static int
charge_entry(void *ctx, const struct cxv_charge_row *row, const char *guest,
    const char *dialled)
{
	struct charges *c = ctx;
	json_t *doc = json_pack("{s:s, s:s, s:o, s:s, s:I, s:o}", "room",
	    row->room, "guest", guest, "time", cxv_view_time(row->ts_ms),
	    "dialled", dialled, "duration_s", (json_int_t)row->duration_s,
	    "amount", money(row->amount_cents));

	c->calls++;
	c->cents += row->amount_cents;
	return doc != NULL ? c->e.fn(c->e.ctx, doc) : CXV_ERR_NOMEM;
}

int
cxv_view_charges(struct cxv_vault *v, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_view_fn fn, void *ctx)
{
	struct charges c = { { fn, ctx, NULL }, 0, 0 };
	json_t *total;
	int r;

	if ((r = cxv_charge_list(v, room, since_ms, until_ms, charge_entry, &c))
	    != CXV_OK)
		return r;
	total = json_pack("{s:s, s:I, s:o}", "room", room, "calls",
	    (json_int_t)c.calls, "total", money(c.cents));
	return total != NULL ? fn(ctx, total) : CXV_ERR_NOMEM;
}

json_t *
cxv_view_campaign_row(const struct cxv_campaign_row *row)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:I}", "campaign",
	    (json_int_t)row->id, "name", row->name, "state",
	    cxv_campaign_state_name(row->state), "created",
	    cxv_view_time(row->created_ms), "entries",
	    (json_int_t)row->entries, "results", (json_int_t)row->results);
}

struct campaign_doc {
	json_t *entries, *results, *cur;
};

static int
campaign_item(void *ctx, int result, const struct cxv_campaign_item *it)
{
	struct campaign_doc *d = ctx;

	d->cur = result ? json_pack("{s:I, s:o, s:s}", "subject",
	    (json_int_t)it->subject_id, "time", cxv_view_time(it->ts_ms),
	    "outcome", it->outcome) : json_pack("{s:I, s:o}", "subject",
	    (json_int_t)it->subject_id, "added", cxv_view_time(it->ts_ms));
	if (d->cur == NULL || json_array_append_new(result ? d->results :
	    d->entries, d->cur) != 0)
		return CXV_ERR_NOMEM;
	return CXV_OK;
}

static int
campaign_field(void *ctx, const char *name, const char *value)
{
	return set_field(((struct campaign_doc *)ctx)->cur, name, value);
}

int
cxv_view_campaign(struct cxv_vault *v, int64_t id, json_t **out)
{
	struct campaign_doc d = { json_array(), json_array(), NULL };
	struct cxv_campaign_view view = { campaign_item, campaign_field, &d };
	int r;

	*out = NULL;
	r = d.entries && d.results ? cxv_campaign_show(v, id, &view) :
	    CXV_ERR_NOMEM;
	if (r != CXV_OK) {
		json_decref(d.entries);
		json_decref(d.results);
		return r;
	}
	*out = json_pack("{s:I, s:o, s:o}", "campaign", (json_int_t)id,
	    "entries", d.entries, "results", d.results);
	return *out != NULL ? CXV_OK : CXV_ERR_NOMEM;
}

json_t *
cxv_view_record(int64_t subject, const struct cxv_record_ref *ref)
{
	return json_pack("{s:I, s:s, s:I, s:o, s:o}", "subject",
	    (json_int_t)subject, "store", ref->store, "record",
	    (json_int_t)ref->id, "time", cxv_view_time(ref->ts_ms), "media",
	    ref->media >= 0 ? json_string(cxv_media_name(ref->media)) :
	    json_null());
}

json_t *
cxv_view_audit_row(const struct cxv_audit_row *row)
{
	char hash[2 * CXV_HASH_BYTES + 1];

	cxv_hex(row->hash, CXV_HASH_BYTES, hash);
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
	    (json_int_t)row->seq, "time", cxv_view_time(row->ts_ms), "actor",
	    row->actor, "action", row->action, "object_type", row->object_type,
	    "object_id", row->object_id, "fields", row->fields, "hash", hash);
}

int64_t
cxv_view_secs(int64_t from, int64_t to)
{
	return from != 0 && to >= from ? (to - from) / 1000 : 0;
}

json_t *
cxv_view_export_row(const struct cxv_interaction_row *row, const char *caller,
    const char *callee)
{
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:I, s:I, s:s, s:s, s:s}",
	    "interaction", (json_int_t)row->id, "source", row->source,
	    "started", cxv_view_time(row->started_ms),
	    "answered", cxv_view_time(row->answered_ms),
	    "ended", cxv_view_time(row->ended_ms),
	    "duration_s", (json_int_t)cxv_view_secs(row->started_ms,
	    row->ended_ms), "billsec_s", (json_int_t)cxv_view_secs(
	    row->answered_ms, row->ended_ms), "outcome", row->outcome,
	    "caller", caller, "callee", callee);
}

json_t *
cxv_view_stat_day(const struct cxv_stat_day *d)
{
	char day[CXV_TIME_STR];

	cxv_time_format(d->day_ms, day);
	day[10] = '\0';
	return json_pack("{s:s, s:I, s:I, s:I, s:I}", "day", day, "calls",
	    (json_int_t)d->calls, "answered", (json_int_t)d->answered,
	    "duration_s", (json_int_t)d->duration_s, "numbers",
	    (json_int_t)d->numbers);
}

static int
subject_ident(void *ctx, enum cxv_ident_kind kind, const char *value)
{
	return json_array_append_new(ctx, json_pack("{s:s, s:s}", "kind",
	    cxv_ident_kind_name(kind), "value", value)) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

int
cxv_view_subject(struct cxv_vault *v, int64_t id, json_t **out)
{
	json_t *list = json_array();
	int64_t created_ms = 0;
	int hold = 0, restricted = 0, r;

	*out = NULL;
	if (list == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_subject_show(v, id, &created_ms, subject_ident, list))
	    != CXV_OK || (r = cxv_subject_flags(v, id, &hold, &restricted)) !=
	    CXV_OK) {
		json_decref(list);
		return r;
	}
	*out = json_pack("{s:I, s:o, s:b, s:b, s:o}", "subject", (json_int_t)id,
	    "created", cxv_view_time(created_ms), "legal_hold", hold,
	    "restricted", restricted, "identifiers", list);
	return *out != NULL ? CXV_OK : CXV_ERR_NOMEM;
}

static int
outbox_doc(void *ctx, const struct cxv_outbox_row *r)
{
	json_t *doc = json_pack("{s:I, s:o, s:i, s:o, s:o, s:s?, s:s}",
	    "content", (json_int_t)r->content_id, "queued",
	    cxv_view_time(r->queued_ms), "attempts", r->attempts, "next_try",
	    r->sent_ms != 0 || r->attempts >= CXV_VOICEMAIL_ATTEMPTS ? json_null() :
	    cxv_view_time(r->next_ms), "sent", cxv_view_time(r->sent_ms),
	    "last_error", r->last_error[0] != '\0' ? r->last_error : NULL,
	    "state", r->sent_ms != 0 ? "sent" : r->attempts >=
	    CXV_VOICEMAIL_ATTEMPTS ? "failed" : r->attempts > 0 ? "retrying" :
	    "queued");

	return doc != NULL && json_array_append_new(ctx, doc) == 0 ? CXV_OK :
	    CXV_ERR_NOMEM;
}

int
cxv_view_voicemail(struct cxv_vault *v, int64_t user_id, json_t **out)
{
	struct cxv_voicemail_settings s;
	json_t *msgs = json_array();
	int r;

	*out = NULL;
	if (msgs == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_voicemail_get(v, user_id, &s)) != CXV_OK ||
	    (r = cxv_voicemail_outbox(v, user_id, outbox_doc, msgs)) != CXV_OK) {
		json_decref(msgs);
		return r;
	}
	if ((*out = json_pack("{s:b, s:b, s:o}", "mail", s.enabled,
	    "delete_after_send", s.delete_after, "messages", msgs)) == NULL)
		return CXV_ERR_NOMEM;
	return CXV_OK;
}
