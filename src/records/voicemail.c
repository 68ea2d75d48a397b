/* SPDX-License-Identifier: Apache-2.0 */
/* Voicemail boxes: the mail choice and the outbox; see voicemail.h. */
#include "records/voicemail.h"

#include <stdio.h>

#include "base/err.h"
#include "base/util.h"
#include "records/vault.h"

int
cxv_voicemail_get(struct cxv_vault *v, int64_t user_id,
    struct cxv_voicemail_settings *out)
{
	struct cxv_store *st = cxv_vault_store(v);
	int r;

	out->enabled = out->delete_after = 0;
	if ((r = cxv_store_user_get(st, user_id, NULL, NULL)) != CXV_OK)
		return r;
	return cxv_store_vm_mail_get(st, user_id, &out->enabled,
	    &out->delete_after);
}

struct set_args {
	int64_t user_id;
	const struct cxv_voicemail_settings *s;
};

static int
set_locked(struct cxv_vault *v, void *arg)
{
	const struct set_args *a = arg;
	struct cxv_store *st = cxv_vault_store(v);
	char id[24];
	int r;

	if ((r = cxv_store_user_get(st, a->user_id, NULL, NULL)) != CXV_OK ||
	    (r = cxv_store_vm_mail_set(st, a->user_id, a->s->enabled,
	    a->s->delete_after)) != CXV_OK)
		return r;
	snprintf(id, sizeof(id), "%lld", (long long)a->user_id);
	return cxv_vault_audit(v, "voicemail.mail.set", "user", id,
	    a->s->enabled ? (a->s->delete_after ? "on,delete_after" : "on") :
	    "off");
}

int
cxv_voicemail_set(struct cxv_vault *v, int64_t user_id,
    const struct cxv_voicemail_settings *s)
{
	struct set_args a = { user_id, s };

	return cxv_vault_in_txn(v, set_locked, &a);
}

int
cxv_voicemail_queue_tx(struct cxv_vault *v, int64_t user_id, int64_t content_id)
{
	struct cxv_voicemail_settings s;
	int r;

	if ((r = cxv_voicemail_get(v, user_id, &s)) != CXV_OK || !s.enabled)
		return r;
	return cxv_store_outbox_add(cxv_vault_store(v), content_id, user_id,
	    cxv_now_ms());
}

int
cxv_voicemail_outbox(struct cxv_vault *v, int64_t user_id, cxv_store_outbox_fn fn,
    void *ctx)
{
	return cxv_store_outbox_by_user(cxv_vault_store(v), user_id, 100, fn,
	    ctx);
}
