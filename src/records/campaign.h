/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Outbound campaigns (R1.6): a campaign (name, state), its calling list
 * (name, number, up to 10 custom fields per entry, sealed under the
 * person's subject key) and its results, kept apart from the list so
 * that clearing one leaves the other. Numbers on the do-not-call list
 * (dnc.h) are refused. Writes and reads are audited.
 */
#ifndef CXV_CAMPAIGN_H
#define CXV_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct cxv_vault;
struct cxv_field;

#define CXV_CAMPAIGN_CUSTOM_MAX	10

/* Stored as numbers: never renumber. */
enum cxv_campaign_state { CXV_CAMPAIGN_FUTURE, CXV_CAMPAIGN_ONGOING,
	CXV_CAMPAIGN_COMPLETED, CXV_CAMPAIGN_STATE__COUNT };

const char *cxv_campaign_state_name(int state);
int cxv_campaign_state_parse(const char *name,
    enum cxv_campaign_state *state /* OUT */);

/* New campaign; EXISTS if the name is taken. Names: printable, <= 128. */
int cxv_campaign_create(struct cxv_vault *v, const char *name,
    enum cxv_campaign_state state, int64_t *id /* OUT */);

/* The campaign named name (with counts); NOT_FOUND if none. */
int cxv_campaign_find(struct cxv_vault *v, const char *name,
    cxv_store_campaign_fn fn, void *ctx);
int cxv_campaign_list(struct cxv_vault *v, cxv_store_campaign_fn fn,
    void *ctx);

/*
 * Add one calling-list entry inside the caller's transaction: the person
 * with this number (and name) is resolved to a subject. CXV_ERR_DENIED if
 * the number is on the do-not-call list; *duplicate if the person is on
 * the list already; CXV_ERR_INVALID (*why) for a bad number or field.
 */
int cxv_campaign_add_entry_tx(struct cxv_vault *v, int64_t campaign_id,
    const char *name, const char *number, const struct cxv_field *custom,
    size_t ncustom, int *duplicate /* OUT */, const char **why /* OUT */);

/* Record a result for the person with this number (NOT_FOUND if unknown). */
int cxv_campaign_add_result(struct cxv_vault *v, int64_t campaign_id,
    const char *number, const char *outcome, const char *note,
    const char **why /* OUT */);

/* Move a campaign to another state (future, ongoing, completed). */
int cxv_campaign_set_state(struct cxv_vault *v, int64_t campaign_id,
    enum cxv_campaign_state state);

/* Delete a campaign's calling list; its results stay (R1.6). */
int cxv_campaign_clear_list(struct cxv_vault *v, int64_t campaign_id,
    int64_t *deleted /* OUT */);

/* A campaign's entries then results, opened. Audited read. */
struct cxv_campaign_view {
	int (*item)(void *ctx, int result, const struct cxv_campaign_item *it);
	int (*field)(void *ctx, const char *name, const char *value);
	void *ctx;
};
int cxv_campaign_show(struct cxv_vault *v, int64_t campaign_id,
    const struct cxv_campaign_view *view);

#endif
