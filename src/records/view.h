/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON documents of records, one shape for the command line and the
 * HTTP API. Documents hold decrypted personal values: the program's
 * JSON allocator wipes what it frees (cxv_view_wipe_on_free()).
 *
 * Builders return a new reference (NULL on no memory); functions that
 * read records return a vault error and hand each document to fn, which
 * takes the reference whatever it returns (a non-OK return stops).
 */
#ifndef CXV_VIEW_H
#define CXV_VIEW_H

#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "store/store.h"

struct cxv_vault;

typedef int (*cxv_view_fn)(void *ctx, json_t *doc);

/* Make jansson wipe every block it frees; call once at start-up. */
void cxv_view_wipe_on_free(void);

/* "2026-11-25T03:48:08.123Z", or null for 0 (did not happen). */
json_t *cxv_view_time(int64_t ms);
/* What was masked in a content item (its masking text), or null if unchecked. */
json_t *cxv_view_masking(const char *masking);

/*
 * A decrypted value as a JSON string: bytes a platform wrote in another
 * encoding (a Latin-1 caller name) shown as U+FFFD. NULL if out of
 * memory.
 */
json_t *cxv_view_text(const char *s);

/* Permission names of a mask (profile.h), in order. */
json_t *cxv_view_perms(uint64_t perms);

json_t *cxv_view_interaction_row(const struct cxv_interaction_row *row);
/* The row's trail as [{"seq", "time", "step"}, ...]; NULL: no memory. */
json_t *cxv_view_trail(const struct cxv_interaction_row *row);
/*
 * The interaction with its trail, fields, items and content (audited
 * read), appended to out as compact JSON, written as it is read (the
 * API's hottest reply). out holds decrypted values: the caller wipes it
 * (cxv_buf_free()) or hands it to the reply, which does.
 */
int cxv_view_interaction(struct cxv_vault *v, int64_t id, int reveal,
    struct cxv_buf *out);

json_t *cxv_view_user_row(const struct cxv_user_row *row);
/* The user with decrypted fields (audited read). */
int cxv_view_user(struct cxv_vault *v, int64_t id, json_t **out /* OUT */);

/* Contacts of the shared directory (owner 0) or of one user's list. */
int cxv_view_contacts(struct cxv_vault *v, int64_t owner, cxv_view_fn fn,
    void *ctx);
/* An agent's call log, newest first. */
int cxv_view_call_log(struct cxv_vault *v, int64_t user_id, cxv_view_fn fn,
    void *ctx);
/* A room's call charges in [since, until), with the total at the end. */
int cxv_view_charges(struct cxv_vault *v, const char *room, int64_t since_ms,
    int64_t until_ms, cxv_view_fn fn, void *ctx);

json_t *cxv_view_campaign_row(const struct cxv_campaign_row *row);
/* A campaign's calling list and results, with decrypted fields. */
int cxv_view_campaign(struct cxv_vault *v, int64_t id, json_t **out /* OUT */);

json_t *cxv_view_audit_row(const struct cxv_audit_row *row);


/* One of a person's records (R9.1): store, id, time, media. */
json_t *cxv_view_record(int64_t subject, const struct cxv_record_ref *ref);

/* Seconds from from to to; 0 if either did not happen. */
int64_t cxv_view_secs(int64_t from_ms, int64_t to_ms);
/* A CDR for call accounting (R10.2): caller and callee as exported. */
json_t *cxv_view_export_row(const struct cxv_interaction_row *row,
    const char *caller, const char *callee);
/* One day of traffic statistics (R1.8). */
json_t *cxv_view_stat_day(const struct cxv_stat_day *d);

/* A subject with its identifiers (audited read). */
int cxv_view_subject(struct cxv_vault *v, int64_t id, json_t **out /* OUT */);

/*
 * A user's voicemail to email (R4.3): the choice, and each message's
 * state (queued, attempts, next try, sent, last error code).
 */
int cxv_view_voicemail(struct cxv_vault *v, int64_t user_id,
    json_t **out /* OUT */);

#endif
