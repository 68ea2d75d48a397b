/* SPDX-License-Identifier: Apache-2.0 */
/*
 * API routes of personal content (R1.7): uploads streamed into the
 * sealed content store as they arrive, downloads streamed out of it,
 * both in constant memory; every read audited (R7.2), agents limited to
 * the content of their own interactions (R3.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "base/caps.h"
#include "base/err.h"
#include "core/config.h"
#include "core/mask.h"
#include "records/content.h"
#include "records/interaction.h"
#include "records/vault.h"
#include "records/view.h"

static void
upload_free(void *up)
{
	cxv_content_upload_abort(up);
}

/*
 * POST /v1/interactions/{id}/content?kind=K, or a user's own item
 * (voicemail messages, greetings, a photo) at POST
 * /v1/users/{id}/content?kind=K: the headers phase.
 */
void
api_content_start(struct call *c)
{
	const char *kname = cxv_http_query(c->req, "kind"), *why = NULL;
	const char *marks = cxv_http_query(c->req, "mask_spans");
	int user = strncmp(api_route_path(c), "/v1/users/", 10) == 0;
	struct cxv_content_upload *up = NULL;
	struct cxv_mask_span *spans = NULL;
	enum cxv_content_kind kind;
	size_t nspans = 0;
	int r;

	if (kname == NULL || cxv_content_kind_parse(kname, &kind) != CXV_OK ||
	    (user && kind != CXV_CONTENT_VOICEMAIL &&
	    kind != CXV_CONTENT_GREETING && kind != CXV_CONTENT_PHOTO)) {
		api_error(c, 400, "invalid", user ? "kind is voicemail, "
		    "greeting or photo" : "kind is recording, voicemail, "
		    "greeting, chat_transcript, sms_transcript, email, case_note "
		    "or photo");
		return;
	}
	if (marks != NULL && (kind != CXV_CONTENT_RECORDING &&
	    kind != CXV_CONTENT_VOICEMAIL ? (why = "mask_spans is for a "
	    "recording or voicemail") != NULL :
	    cxv_mask_spans_parse(marks, &spans, &nspans, &why) != CXV_OK)) {
		api_error(c, 400, "invalid", why);
		return;
	}
	if (!user && !api_interaction_allowed(c, c->id[0])) {
		free(spans);
		return;
	}
	r = cxv_content_upload_begin(c->v, user ? 0 : c->id[0],
	    user ? c->id[0] : 0, kind, spans, nspans,
	    (uint64_t)cxv_vault_config(c->v)->upload_max, &up);
	free(spans);
	if (r != CXV_OK) {
		api_fail(c, r, r != CXV_ERR_NOT_FOUND ? NULL : user ?
		    "no such user" : "no such interaction");
		return;
	}
	c->stream = up;
	c->stream_free = upload_free;
}

/* A piece of the upload, sealed as it comes. */
void
api_content_piece(struct call *c, const char *data, size_t len)
{
	int r;

	if (c->stream == NULL ||
	    (r = cxv_content_upload_write(c->stream, data, len)) == CXV_OK)
		return;
	upload_free(c->stream);
	c->stream = NULL;
	api_fail(c, r, r == CXV_ERR_TOO_LARGE ? "content larger than "
	    "upload_max" : NULL);
}

/* The body is complete: the item is committed and audited. */
void
api_content_upload(struct call *c)
{
	struct cxv_content_info info;
	int64_t id = 0;
	int r;

	if (c->stream == NULL) {
		api_error(c, 500, "internal", "internal error");
		return;
	}
	r = cxv_content_upload_commit(c->v, c->stream, &id);
	c->stream = NULL;	/* commit freed it */
	if (r == CXV_ERR_INVALID)
		api_error(c, 422, "unmaskable", "spans can be masked only in "
		    "a recording or voicemail the vault can read (WAV: 16-bit "
		    "PCM, A-law or u-law, 8 or 16 kHz, mono or stereo); nothing "
		    "was stored");
	else if (r != CXV_OK)
		api_fail(c, r, NULL);
	else if (cxv_content_info(c->v, id, &info) != CXV_OK)
		api_error(c, 500, "internal", "internal error");
	else
		api_reply(c, 201, json_pack("{s:I,s:o}", "content",
		    (json_int_t)id, "masking", cxv_view_masking(info.masking)));
}

static ssize_t
read_content(void *cls, char *buf, size_t max)
{
	size_t got = 0;

	if (cxv_content_read(cls, (uint8_t *)buf, max, &got) != CXV_OK)
		return -1;	/* tampered: the connection is cut */
	return (ssize_t)got;
}

static void
close_content(void *cls)
{
	cxv_content_close(cls);
}

/*
 * Content of an interaction the principal may see; refused exactly as
 * missing content (404), so no answer tells which ids exist.
 */
static int
may_read(struct call *c, const struct cxv_content_info *info)
{
	int64_t agent = 0;

	if (api_may(c, CXV_PERM_CONTENT_READ))
		return 1;
	if (info->interaction_id != 0 && cxv_interaction_agent(c->v,
	    info->interaction_id, &agent) == CXV_OK &&
	    agent == c->who.user_id)
		return 1;
	api_fail(c, CXV_ERR_NOT_FOUND, "no such content");
	return 0;
}

/* The item, or its original, streamed; the read is audited first. */
static void
send_content(struct call *c, int original)
{
	struct cxv_content_reader *rd = NULL;
	struct cxv_content_info info;
	char disp[96];
	int r;

	if ((r = cxv_content_info(c->v, c->id[0], &info)) != CXV_OK) {
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such content" : NULL);
		return;
	}
	if (!original && !may_read(c, &info))
		return;
	r = original ? cxv_content_open_original(c->v, c->id[0], &rd, &info) :
	    cxv_content_open(c->v, c->id[0], &rd, &info);
	if (r != CXV_OK) {
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no original is kept of "
		    "this content" : NULL);
		return;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"content-%lld%s.%s\"",
	    (long long)info.id, original ? "-original" : "",
	    cxv_content_kind_name(info.kind));
	cxv_http_add_header(c->req, "Content-Disposition", disp);
	/* The row holds the masked item's size; the original's is unknown. */
	cxv_http_respond_stream(c->req, 200, "application/octet-stream",
	    original ? UINT64_MAX : (uint64_t)info.size, read_content, rd,
	    close_content);
}

/* GET /v1/content/{id}: the plaintext, streamed; the read is audited. */
void
api_content_get(struct call *c)
{
	send_content(c, 0);
}

/*
 * GET /v1/content/{id}/original: what came in before masking, for a
 * profile with content.unmasked only (issue 29); content.read.original.
 */
void
api_content_original(struct call *c)
{
	send_content(c, 1);
}
