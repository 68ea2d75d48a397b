/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A server's background job: a thread on its own clone of a vault (its
 * own database handle, actor given) that calls fn every period_ms until
 * stopped. stop waits for the call under way.
 */
#ifndef CXV_WORKER_H
#define CXV_WORKER_H

struct cxv_vault;
struct cxv_worker;

/* ctx is the caller's and must outlive the worker. */
typedef void (*cxv_worker_fn)(struct cxv_vault *v, void *ctx);

int cxv_worker_start(struct cxv_vault *v, const char *actor, int period_ms,
    cxv_worker_fn fn, void *ctx, struct cxv_worker **out /* OUT */);
void cxv_worker_stop(struct cxv_worker *w);

#endif
