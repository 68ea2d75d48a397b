/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interactions (R1.3): one record per customer session, tied to the
 * customer's subject, with an ordered trail of time-stamped steps (from
 * the times the record holds: entered, answered, completed). The
 * platform's columns are sealed as one blob under the subject's key with
 * "interaction:<id>" as associated data; times, media and outcome stay
 * in clear for reporting and retention. Writes and reads are audited.
 */
#ifndef CXV_INTERACTION_H
#define CXV_INTERACTION_H

#include <stddef.h>
#include <stdint.h>

#include "core/source.h"
#include "records/subject.h"
#include "store/store.h"

struct cxv_vault;
struct cxv_cdr;
struct cxv_field;
struct cxv_content_info;

enum cxv_media {
	CXV_MEDIA_VOICE, CXV_MEDIA_EMAIL, CXV_MEDIA_CHAT, CXV_MEDIA_SMS,
	CXV_MEDIA_OPEN, CXV_MEDIA__COUNT
};

/* Trail steps (R1.3). Stored as numbers: never renumber. */
enum cxv_step {
	CXV_STEP_ENTERED, CXV_STEP_IVR_DATA, CXV_STEP_QUEUED,
	CXV_STEP_MESSAGE_PLAYED, CXV_STEP_ROUTED, CXV_STEP_ALERTING,
	CXV_STEP_ANSWERED, CXV_STEP_CLERICAL_STARTED, CXV_STEP_CLERICAL_ENDED,
	CXV_STEP_COMPLETED, CXV_STEP__COUNT
};

/* One step of a trail, numbered from 1. */
typedef int (*cxv_trail_fn)(void *ctx, int seq, int64_t ts_ms, int kind);

/*
 * The trail of row in order: the service entered at its start, answered
 * and completed if it was; fn's error stops it.
 */
int cxv_interaction_trail(const struct cxv_interaction_row *row,
    cxv_trail_fn fn, void *ctx);

/* Stable names ("voice", "answered", ...); "unknown" if out of range. */
const char *cxv_media_name(int media);
const char *cxv_step_name(int step);
int cxv_media_parse(const char *name, enum cxv_media *media /* OUT */);

/*
 * What the CDRs stored in one transaction share: the audit group that
 * names them all (see cxv_vault_audit_record()), and the agents already
 * found by extension, which stay valid while the transaction holds the
 * write lock. Its memory is locked and wiped (extensions). Not
 * thread-safe.
 */
struct cxv_cdr_batch;

int cxv_cdr_batch_new(struct cxv_cdr_batch **out /* OUT */);
void cxv_cdr_batch_free(struct cxv_cdr_batch *b);

/*
 * Before the transaction commits: append the batch's audit entries and
 * start over for the next one.
 */
int cxv_cdr_batch_end(struct cxv_vault *v, struct cxv_cdr_batch *b);

/* What became of a CDR given to cxv_interaction_add_cdr(). */
enum cxv_cdr_fate {
	CXV_CDR_STORED,
	CXV_CDR_DUPLICATE,	/* imported before: nothing written */
	/* No party is a person: nothing written. */
	CXV_CDR_SKIPPED_SERVICE,	/* a service leg (s, h, *72, Local/) */
	CXV_CDR_SKIPPED_NO_PERSON,	/* say, withheld to an unheld ext. */
};

/* "service_leg" or "no_person" for a skipped fate; NULL otherwise. */
const char *cxv_cdr_fate_skip_name(enum cxv_cdr_fate fate);

/*
 * Store a parsed CDR from src (NULL: the default source) as a voice
 * interaction. Its parties are classified by the source (party.h): the
 * customer is the first party that may be a person and is no user (the
 * caller, else the called party), filed under their subject; a call
 * with no customer (between extensions, from a withheld number) is
 * filed under the person of the user who took it, or made it. A user
 * on the other side gets it in their call log, as does the calling user
 * of a call between extensions. Runs inside the caller's transaction,
 * as part of batch b (cxv_cdr_batch_end() before the commit) or, if b
 * is NULL, audited with entries of its own. *fate says if it was stored,
 * a duplicate, or skipped for having no person, and why. A rejection (CXV_ERR_INVALID, CONFLICT or TOO_LARGE,
 * *why static text) is decided before anything is written, so a batch
 * goes on without the record; any other error leaves the transaction to
 * roll back.
 */
int cxv_interaction_add_cdr(struct cxv_vault *v, const struct cxv_source *src,
    const struct cxv_cdr *cdr, struct cxv_cdr_batch *b, int64_t *id /* OUT */,
    enum cxv_cdr_fate *fate /* OUT */, const char **why /* OUT */);

/*
 * Before the n records cdrs are given to cxv_interaction_add_cdr() in
 * a piped transaction (cxv_store_pipeline): read what they will look
 * up, in a few queries (cxv_store_prefetch). Only speed depends on it.
 */
int cxv_interaction_prefetch_cdrs(struct cxv_vault *v,
    const struct cxv_source *src, const struct cxv_cdr *const *cdrs, size_t n,
    struct cxv_cdr_batch *b);

/* A session entered by hand or by a channel without a CDR feed. */
struct cxv_session_in {
	enum cxv_media media;
	/* customer[0] a number, email, chat handle...; a name may follow */
	const struct cxv_ident_input *customer;
	size_t ncustomer;
	int64_t start_ms, answer_ms, end_ms;	/* 0: did not happen */
	const char *outcome;			/* "answered", "abandoned"... */
	const struct cxv_field *fields;		/* queue, subject line... */
	size_t nfields;
};

/*
 * Store a session of any media (email, chat, SMS, open media, voice)
 * for the customer it names, with its trail, in its own transaction.
 * CXV_ERR_INVALID with *why (static) if malformed.
 */
int cxv_interaction_add(struct cxv_vault *v, const struct cxv_session_in *in,
    int64_t *id /* OUT */, const char **why /* OUT */);

/*
 * Interactions of every subject holding ident, started in [since_ms,
 * until_ms), per subject oldest first. Sealed fields are not opened.
 * Audited as a search.
 */
int cxv_interaction_list(struct cxv_vault *v,
    const struct cxv_ident_input *ident, int64_t since_ms, int64_t until_ms,
    cxv_store_interaction_fn fn, void *ctx, const char **why /* OUT */);

/*
 * Interactions agent user_id took part in, started in [since_ms,
 * until_ms), oldest first (R3.3: what an agent may be limited to).
 * Audited as a listing of that agent's sessions.
 */
int cxv_interaction_list_agent(struct cxv_vault *v, int64_t user_id,
    int64_t since_ms, int64_t until_ms, cxv_store_interaction_fn fn,
    void *ctx);

/* Where a data item may go (R1.4); a bit set. */
enum cxv_item_dest { CXV_ITEM_TO_AGENT = 1, CXV_ITEM_TO_CDR = 2,
	CXV_ITEM_TO_IVR_REPORT = 4 };

/* "agent,cdr,ivr_report" (any subset, comma-separated) into a bit set. */
int cxv_item_dest_parse(const char *s, int *dest /* OUT */);

/*
 * Attach a data item (IVR input, a value tagged by an external system)
 * to interaction id: value sealed under its subject's key. A protected
 * item is never written to any log and is shown only when revealed.
 */
int cxv_interaction_add_item(struct cxv_vault *v, int64_t interaction_id,
    const char *name, const char *value, int protected_, int destinations,
    int64_t *id /* OUT */, const char **why /* OUT */);

/* What cxv_interaction_show() hands over, in this order. */
struct cxv_interaction_view {
	cxv_store_interaction_fn record;	/* the row (sealed unopened) */
	int (*field)(void *ctx, const char *name, const char *value);
	/* value NULL: protected and not revealed */
	int (*item)(void *ctx, const struct cxv_item_row *row,
	    const char *value);
	/* The content linked to it (recordings, transcripts...). */
	int (*content)(void *ctx, const struct cxv_content_info *info);
	void *ctx;
};

/*
 * One interaction with its opened fields, data items and the list of its
 * content, in one snapshot; protected items' values only with reveal.
 * Audited read (naming "protected" when revealed): the view gets the
 * values first and may reveal them only if this returns CXV_OK, which
 * means the read is recorded.
 */
int cxv_interaction_show(struct cxv_vault *v, int64_t id, int reveal,
    const struct cxv_interaction_view *view);

/* One exported CDR: the clear columns and the two parties. */
typedef int (*cxv_interaction_export_fn)(void *ctx,
    const struct cxv_interaction_row *row, const char *caller,
    const char *callee);

/*
 * Every interaction started in [since_ms, until_ms) for an external
 * call-accounting system (R10.2), oldest first. With pseudonymize the
 * numbers are replaced by their keyed pseudonyms (of the normalized
 * number, so one person has one pseudonym across platforms). The export
 * is audited before anything is revealed.
 */
int cxv_interaction_export(struct cxv_vault *v, int64_t since_ms,
    int64_t until_ms, int pseudonymize, cxv_interaction_export_fn fn,
    void *ctx);

/*
 * The agent (user id, 0 if none) of interaction id, unaudited: for
 * deciding whether an agent may see it (R3.3). NOT_FOUND if none.
 */
int cxv_interaction_agent(struct cxv_vault *v, int64_t id,
    int64_t *agent /* OUT */);

#endif
