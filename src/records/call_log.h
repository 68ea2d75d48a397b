/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Agents' call logs (R1.5): the last call_log_size calls of each agent
 * (incoming, outgoing, missed) with the other party's name and number.
 * Entries are written by the vault itself as calls are imported, belong
 * to the other party's subject (sealed under its key, "call_log:<id>"),
 * and so leave every agent's log when that person is erased (R6.5).
 */
#ifndef CXV_CALL_LOG_H
#define CXV_CALL_LOG_H

#include <stdint.h>

#include "store/store.h"

struct cxv_vault;

/* Stored as numbers: never renumber. */
enum cxv_call_dir { CXV_CALL_IN, CXV_CALL_OUT, CXV_CALL_MISSED,
	CXV_CALL_DIR__COUNT };

const char *cxv_call_dir_name(int dir);

struct cxv_audit_group;

/*
 * One new entry, inside the caller's transaction; trims to the limit.
 * Audited in g (see cxv_vault_audit_record()), or alone if g is NULL.
 */
struct cxv_call_log_in {
	int64_t user_id;	/* the agent */
	int64_t subject_id;	/* the other party */
	enum cxv_call_dir dir;
	int64_t ts_ms;
	int64_t duration_s;
	const char *name;	/* "" if unknown */
	const char *number;
};

int cxv_call_log_add_tx(struct cxv_vault *v, const struct cxv_call_log_in *in,
    struct cxv_audit_group *g);

/* What cxv_call_log_show() hands over for each entry, newest first. */
typedef int (*cxv_call_log_entry_fn)(void *ctx,
    const struct cxv_call_log_row *row, const char *name, const char *number);

/* An agent's call log, opened. Audited read. NOT_FOUND if no such user. */
int cxv_call_log_show(struct cxv_vault *v, int64_t user_id,
    cxv_call_log_entry_fn fn, void *ctx);

#endif
