/* SPDX-License-Identifier: Apache-2.0 */
/*
 * API routes of data-subject rights (R9): find a person and every record
 * held about them, export, rectify, hold and restrict, erase with a
 * receipt, erasure requests as a workflow (staff and self service), and
 * the record of processing (R10.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/caps.h"
#include "base/err.h"
#include "base/util.h"
#include "records/interaction.h"
#include "records/subject.h"
#include "records/user.h"
#include "records/vault.h"
#include "records/view.h"
#include "rights/erase.h"
#include "rights/export.h"
#include "rights/rectify.h"
#include "rights/report.h"
#include "rights/request.h"

/*
 * POST /v1/subjects/search {phone: ...}, or GET /v1/subjects?phone=...:
 * the people holding an identifier (R9.1).
 */
void
api_subjects_find(struct call *c)
{
	struct cxv_ident_input id;
	int64_t ids[CXV_FIND_MAX];
	const char *why = NULL;
	struct page p;
	size_t n = 0, i;
	int r, got;

	if (api_keys(c, api_search_keys))
		return;
	if ((got = api_query_ident(c, &id)) <= 0) {
		if (got == 0)
			api_error(c, 400, "invalid", "give one identifier: phone, "
			    "email, chat, account, logon or name");
		return;
	}
	if (api_page_init(c, &p) != 0)
		return;
	r = cxv_subject_find(c->v, &id, ids, CXV_FIND_MAX, &n, &why);
	for (i = 0; r == CXV_OK && i < n; i++)
		r = api_collect(&p, json_pack("{s:I}", "subject",
		    (json_int_t)ids[i]));
	if (r == CXV_ERR_INVALID) {
		json_decref(p.items);
		api_fail(c, r, why);
		return;
	}
	api_page_reply(c, &p, r);
}

/* GET /v1/subjects/{id}: identifiers and flags (an audited read). */
void
api_subject_get(struct call *c)
{
	json_t *doc = NULL;
	int r = cxv_view_subject(c->v, c->id[0], &doc);

	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such subject" : NULL);
	else
		api_reply(c, 200, doc);
}

/* A person's records narrowed by time and media, into a page. */
struct records {
	struct page p;
	int64_t subject, since, until;
	int media;
};

static int
collect_record(void *ctx, const struct cxv_record_ref *ref)
{
	struct records *rs = ctx;

	if ((ref->ts_ms != 0 && (ref->ts_ms < rs->since ||
	    ref->ts_ms >= rs->until)) ||
	    (rs->media >= 0 && ref->media != rs->media))
		return CXV_OK;
	return api_collect(&rs->p, cxv_view_record(rs->subject, ref));
}

/* GET /v1/subjects/{id}/records[?since&until&media] (R9.1) */
void
api_subject_records(struct call *c)
{
	struct records rs = { { NULL, 0, 0 }, c->id[0], 0, 0, -1 };
	const char *m = cxv_http_query(c->req, "media");
	enum cxv_media media;

	if (api_query_time(c, "since", INT64_MIN, &rs.since) ||
	    api_query_time(c, "until", INT64_MAX, &rs.until))
		return;
	if (m != NULL && cxv_media_parse(m, &media) != CXV_OK) {
		api_error(c, 400, "invalid", "media is voice, email, chat, sms or "
		    "open_media");
		return;
	}
	if (m != NULL)
		rs.media = (int)media;
	if (api_page_init(c, &rs.p) == 0)
		api_page_reply(c, &rs.p, cxv_subject_records(c->v, c->id[0],
		    collect_record, &rs));
}

/* The "reason" member: a ground of Art. 17(1); 1 after a 400. */
static int
ground_of(struct call *c, const char **ground)
{
	char msg[256];

	if (api_str(c, "reason", 1, ground))
		return 1;
	if (cxv_erase_ground_valid(*ground))
		return 0;
	snprintf(msg, sizeof(msg), "'reason' is %s", cxv_erase_grounds_text);
	api_error(c, 400, "invalid", msg);
	return 1;
}

/* A receipt (JSON text, taken) as the response. */
static void
reply_text_doc(struct call *c, unsigned status, char *text)
{
	json_error_t err;
	json_t *doc = json_loads(text, 0, &err);

	free(text);
	api_reply(c, status, doc);
}

/* POST /v1/subjects/{id}/erase: {reason, dnc?} -> the receipt. */
void
api_subject_erase(struct call *c)
{
	static const char *const keys[] = { "reason", "dnc", NULL };
	const char *ground = NULL;
	char *receipt = NULL;
	int dnc = 0, r;

	if (api_keys(c, keys) || ground_of(c, &ground) ||
	    api_bool(c, "dnc", &dnc))
		return;
	if ((r = cxv_subject_erase(c->v, c->id[0], dnc, ground, &receipt)) !=
	    CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such subject" : NULL);
	else
		reply_text_doc(c, 200, receipt);
}

/* PUT /v1/subjects/{id}/hold and /restriction: {on}. */
static void
set_flag(struct call *c, int restricted)
{
	static const char *const keys[] = { "on", NULL };
	int on = -1, r;

	if (api_keys(c, keys) || api_bool(c, "on", &on))
		return;
	if (on < 0) {
		api_error(c, 400, "invalid", "'on' is required");
		return;
	}
	if ((r = cxv_subject_set_flag(c->v, c->id[0], restricted, on)) !=
	    CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such subject" : NULL);
	else
		api_subject_get(c);
}

void
api_subject_hold(struct call *c)
{
	set_flag(c, 0);
}

void
api_subject_restrict(struct call *c)
{
	set_flag(c, 1);
}

/* {kind, old, new}: the body of a rectification; 0 if it is one. */
static int
rectify_args(struct call *c, enum cxv_ident_kind *kind, const char **old,
    const char **fresh)
{
	static const char *const keys[] = { "kind", "old", "new", NULL };
	const char *kname = NULL;

	if (api_keys(c, keys) || api_str(c, "kind", 1, &kname) ||
	    api_str(c, "old", 1, old) || api_str(c, "new", 1, fresh))
		return 1;
	if (cxv_ident_kind_parse(kname, kind) != CXV_OK) {
		api_error(c, 400, "invalid", "'kind' is phone, email, chat, "
		    "account, logon or name");
		return 1;
	}
	return 0;
}

/* Rectify subject id now (R9.3) and answer with what changed. */
static void
rectify(struct call *c, int64_t id, enum cxv_ident_kind kind,
    const char *old, const char *fresh)
{
	const char *why = NULL;
	char *summary = NULL;
	int r;

	r = cxv_subject_rectify(c->v, id, kind, old, fresh, &summary, &why);
	if (r != CXV_OK)
		api_fail(c, r, why);
	else
		reply_text_doc(c, 200, summary);
}

/* POST /v1/subjects/{id}/rectify */
void
api_subject_rectify(struct call *c)
{
	const char *old = NULL, *fresh = NULL;
	enum cxv_ident_kind kind;

	if (rectify_args(c, &kind, &old, &fresh) == 0)
		rectify(c, c->id[0], kind, old, fresh);
}

/*
 * POST /v1/me/rectify: one's own contact data (R9.3, self service). A
 * name is corrected at once; a number or an address becomes a
 * correction for staff to confirm, so that no answer tells whether the
 * new value is someone else's (issue 25.6).
 */
void
api_me_rectify(struct call *c)
{
	const char *old = NULL, *fresh = NULL;
	enum cxv_ident_kind kind;

	if (rectify_args(c, &kind, &old, &fresh) != 0)
		return;
	if (kind == CXV_IDENT_NAME)
		rectify(c, c->who.subject_id, kind, old, fresh);
	else
		api_correction_file(c, kind, old, fresh);
}

static ssize_t
read_export(void *cls, char *buf, size_t max)
{
	size_t got = 0;

	if (cxv_export_read(cls, (uint8_t *)buf, max, &got) != CXV_OK)
		return -1;	/* a content file failed: cut the archive */
	return (ssize_t)got;
}

static void
close_export(void *cls)
{
	cxv_export_close(cls);
}

/* POST /v1/subjects/{id}/export: the archive, streamed (R9.2). */
void
api_subject_export(struct call *c)
{
	struct cxv_export *x = NULL;
	char disp[96];
	int r;

	if ((r = cxv_export_open(c->v, c->id[0], &x)) != CXV_OK) {
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such subject" : NULL);
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"subject-%lld.tar\"",
	    (long long)c->id[0]);
	cxv_http_add_header(c->req, "Content-Disposition", disp);
	cxv_http_respond_stream(c->req, 200, "application/x-tar",
	    cxv_export_size(x), read_export, x, close_export);
}

/*
 * POST /v1/users/{id}/anonymize: "Deleted User N" (R6.2), the account's
 * data only; "identifiers_kept" when the person has other records.
 */
void
api_user_anonymize(struct call *c)
{
	int64_t n = 0;
	int kept = 0;
	int r = cxv_user_anonymize(c->v, c->id[0], &n, &kept);

	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such user" :
		    r == CXV_ERR_HELD ? "the person is under legal hold" : NULL);
	else
		api_reply(c, 200, json_pack("{s:I, s:I, s:b}", "user",
		    (json_int_t)c->id[0], "deleted_user", (json_int_t)n,
		    "identifiers_kept", kept));
}

static int
collect_request(void *ctx, const struct cxv_request_row *row)
{
	return api_collect(ctx, cxv_request_view(row));
}

static int
take_request(void *ctx, const struct cxv_request_row *row)
{
	return (*(json_t **)ctx = cxv_request_view(row)) != NULL ? CXV_OK :
	    CXV_ERR_NOMEM;
}

static void
reply_request(struct call *c, unsigned status, int64_t id)
{
	json_t *doc = NULL;
	int r = cxv_request_get(c->v, id, take_request, &doc);

	if (r != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such request" : NULL);
	else
		api_reply(c, status, doc);
}

/* File a request for subject sid by the caller. */
static void
file_request(struct call *c, int64_t sid)
{
	const char *ground = NULL;
	int64_t id = 0;
	int r;

	if (ground_of(c, &ground))
		return;
	if ((r = cxv_request_file(c->v, sid, c->who.user_id, ground, &id)) !=
	    CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such subject" : NULL);
	else
		reply_request(c, 201, id);
}

/* POST /v1/requests: {subject, reason} by staff (R9.4). */
void
api_request_file(struct call *c)
{
	static const char *const keys[] = { "subject", "reason", NULL };
	long long sid = 0;

	if (api_keys(c, keys) == 0 && api_int(c, "subject", 1, 1,
	    (1LL << CXV_ID_BITS) - 1, &sid) == 0)
		file_request(c, sid);
}

int
api_query_status(struct call *c, int *status)
{
	const char *s = api_arg(c, "status");

	*status = -1;
	if (s == NULL || cxv_request_status_parse(s, status) == CXV_OK)
		return 0;
	api_error(c, 400, "invalid", "status is pending, rejected or "
	    "executed");
	return 1;
}

/* List requests by status (?status=) and requester (0: all). */
static void
list_requests(struct call *c, int64_t requester)
{
	struct page p;
	int status;

	if (api_query_status(c, &status) == 0 && api_page_init(c, &p) == 0)
		api_page_reply(c, &p, cxv_request_list(c->v, status, requester,
		    collect_request, &p));
}

/* GET /v1/requests?status= (the data-protection team) */
void
api_requests_list(struct call *c)
{
	list_requests(c, 0);
}

/* GET /v1/requests/{id} */
void
api_request_get(struct call *c)
{
	reply_request(c, 200, c->id[0]);
}

/* POST /v1/requests/{id}/approve: {dnc?} -> executed, with receipt. */
void
api_request_approve(struct call *c)
{
	static const char *const keys[] = { "dnc", NULL };
	int dnc = 0, r;

	if (api_keys(c, keys) || api_bool(c, "dnc", &dnc))
		return;
	if ((r = cxv_request_decide(c->v, c->id[0], c->who.user_id, 1, dnc,
	    NULL)) != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such pending request" :
		    NULL);
	else
		reply_request(c, 200, c->id[0]);
}

/* POST /v1/requests/{id}/reject: {reason} (Art. 17(3)). */
void
api_request_reject(struct call *c)
{
	static const char *const keys[] = { "reason", NULL };
	const char *why = NULL;
	char msg[256];
	int r;

	if (api_keys(c, keys) || api_str(c, "reason", 1, &why))
		return;
	if (!cxv_request_refusal_valid(why)) {
		snprintf(msg, sizeof(msg), "'reason' is %s",
		    cxv_request_refusals_text);
		api_error(c, 400, "invalid", msg);
		return;
	}
	if ((r = cxv_request_decide(c->v, c->id[0], c->who.user_id, 0, 0, why))
	    != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such pending request" :
		    NULL);
	else
		reply_request(c, 200, c->id[0]);
}

/* POST /v1/me/requests: {reason}, for oneself (R3.4, R9.4). */
void
api_me_request_file(struct call *c)
{
	static const char *const keys[] = { "reason", NULL };

	if (api_keys(c, keys) == 0)
		file_request(c, c->who.subject_id);
}

/* GET /v1/me/requests: the requests one filed, and their status. */
void
api_me_requests(struct call *c)
{
	list_requests(c, c->who.user_id);
}

/* GET /v1/reports/processing[?format=html] (R10.3) */
void
api_report_processing(struct call *c)
{
	const char *fmt = cxv_http_query(c->req, "format");
	json_t *doc = NULL;
	char *html = NULL;
	int r;

	if (fmt != NULL && strcmp(fmt, "json") != 0 &&
	    strcmp(fmt, "html") != 0) {
		api_error(c, 400, "invalid", "format is json or html");
		return;
	}
	if ((r = cxv_report_processing(c->v, &doc)) != CXV_OK) {
		api_fail(c, r, NULL);
		return;
	}
	if (fmt == NULL || strcmp(fmt, "json") == 0) {
		api_reply(c, 200, doc);
		return;
	}
	r = cxv_report_html(doc, &html);
	json_decref(doc);
	if (r != CXV_OK)
		api_fail(c, r, NULL);
	else
		cxv_http_respond(c->req, 200, "text/html; charset=utf-8", html,
		    strlen(html));
}
