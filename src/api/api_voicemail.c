/* SPDX-License-Identifier: Apache-2.0 */
/* API routes of voicemail to email (R4.3): a user's choice and state. */
#include "api/api_int.h"
#include "base/err.h"
#include "records/view.h"
#include "records/voicemail.h"

static void
show(struct call *c, int64_t user_id)
{
	json_t *doc = NULL;
	int r;

	if ((r = cxv_view_voicemail(c->v, user_id, &doc)) != CXV_OK)
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such user" : NULL);
	else
		api_reply(c, 200, doc);
}

/* {"mail": bool, "delete_after_send": bool}; what is left out stays. */
static void
change(struct call *c, int64_t user_id)
{
	static const char *const keys[] = { "mail", "delete_after_send", NULL };
	struct cxv_voicemail_settings s;
	int r;

	if (api_keys(c, keys) != 0)
		return;
	if ((r = cxv_voicemail_get(c->v, user_id, &s)) != CXV_OK) {
		api_fail(c, r, r == CXV_ERR_NOT_FOUND ? "no such user" : NULL);
		return;
	}
	if (api_bool(c, "mail", &s.enabled) != 0 ||
	    api_bool(c, "delete_after_send", &s.delete_after) != 0)
		return;
	if ((r = cxv_voicemail_set(c->v, user_id, &s)) != CXV_OK)
		api_fail(c, r, NULL);
	else
		show(c, user_id);
}

/* GET /v1/me/voicemail */
void
api_me_voicemail(struct call *c)
{
	show(c, c->who.user_id);
}

/* PUT /v1/me/voicemail: the end user decides (R4.3). */
void
api_me_voicemail_put(struct call *c)
{
	change(c, c->who.user_id);
}

/* GET /v1/users/{id}/voicemail */
void
api_user_voicemail(struct call *c)
{
	show(c, c->id[0]);
}

/* PUT /v1/users/{id}/voicemail */
void
api_user_voicemail_put(struct call *c)
{
	change(c, c->id[0]);
}
