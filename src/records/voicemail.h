/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Voicemail boxes (R4.3): a user's choice to get each new voicemail
 * message by email (and whether it is deleted once sent), and the outbox
 * of messages waiting to be mailed, with each one's state. A message
 * stored for a user who chose it joins the outbox in the transaction
 * that stores it (content.c); the sender (vmmail.h) empties it.
 */
#ifndef CXV_VOICEMAIL_H
#define CXV_VOICEMAIL_H

#include <stdint.h>

#include "store/store.h"

struct cxv_vault;

#define CXV_VOICEMAIL_ATTEMPTS	12	/* 1 min, doubling to 1 h: ~7 h */

struct cxv_voicemail_settings {
	int enabled;
	int delete_after;		/* delete the message once mailed */
};

/* NOT_FOUND if there is no such user. */
int cxv_voicemail_get(struct cxv_vault *v, int64_t user_id,
    struct cxv_voicemail_settings *out /* OUT */);
/* Audited; NOT_FOUND if there is no such user. */
int cxv_voicemail_set(struct cxv_vault *v, int64_t user_id,
    const struct cxv_voicemail_settings *s);

/* Inside the transaction that stores a user's voicemail message. */
int cxv_voicemail_queue_tx(struct cxv_vault *v, int64_t user_id,
    int64_t content_id);

/* A user's messages and their state, newest first (at most 100). */
int cxv_voicemail_outbox(struct cxv_vault *v, int64_t user_id,
    cxv_store_outbox_fn fn, void *ctx);

#endif
