/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Retention (R6.6, R6.9, DESIGN 7): one policy per data category, run
 * by the vault itself. A run deletes what is older than each policy
 * keeps, in small transactions (so requests interleave and a crash
 * loses at most one batch of work, the next run goes on), skipping
 * persons under legal hold (R9.5). Content always goes with its
 * interaction. "backup-and-delete" first copies the expired records
 * (their values still sealed under the subjects' keys, so a later
 * erasure shreds them in the archive too) and their content files into
 * an encrypted archive (archive.h). Audit entries go the same way, and
 * the trail stays verifiable from an authenticated anchor (audit.h).
 * Every run is audited with counts per category, no personal data.
 */
#ifndef CXV_RETENTION_H
#define CXV_RETENTION_H

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/policy.h"

/* What one run did (or, dry, would do) per category. */
struct cxv_ret_count {
	int64_t deleted;		/* records (dry: that would go) */
	int64_t files;			/* content files with them */
	int64_t held;			/* expired, kept for a legal hold */
};
struct cxv_ret_report {
	int dry_run;
	int64_t now_ms;
	struct cxv_ret_count cat[CXV_RET__COUNT];
	int64_t orphans;		/* content files no row names (a crash) */
	char archive[PATH_MAX];		/* written by backup-and-delete, or "" */
};

/*
 * Run every policy of v's configuration once, as of now_ms. dry_run
 * only counts. Stops at the first error, or between batches once
 * *cancel (if not NULL) is set: CXV_ERR_BUSY then. What was committed
 * stays; the next run continues.
 */
struct cxv_vault;
int cxv_retention_run(struct cxv_vault *v, int64_t now_ms, int dry_run,
    const atomic_int *cancel, struct cxv_ret_report *rep /* OUT */);

/*
 * Change one category's policy: cxvault.conf is rewritten (a running
 * server takes it at its next reload) and the change audited.
 */
int cxv_retention_set(struct cxv_vault *v, int cat,
    const struct cxv_ret_policy *p);

/* The policies, start time and archive directory, as JSON text. */
struct cxv_config;
char *cxv_retention_policies_json(const struct cxv_config *cfg);

/* The report as JSON text (the caller frees), as CLI and API show it. */
char *cxv_retention_report_json(const struct cxv_ret_report *rep);

#endif
