/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The server's daily maintenance (DESIGN 7): at retention_time (UTC)
 * retention runs, then, if backup_dir is set, a backup is written there
 * and only the newest backup_keep are kept. Runs go in a thread of
 * their own on a clone of the vault (actor "system:maintenance"), so
 * requests go on; the server's main thread only ticks the schedule.
 */
#ifndef CXV_MAINT_H
#define CXV_MAINT_H

#include <stdint.h>

struct cxv_vault;
struct cxv_maint;

/* A schedule over v (the server's vault; its configuration is read at
 * every tick, so a reload moves the time). */
int cxv_maint_new(struct cxv_vault *v, int64_t now_ms,
    struct cxv_maint **out /* OUT */);

/* Start the run when due; reap a finished one. Main thread only. */
void cxv_maint_tick(struct cxv_maint *m, int64_t now_ms);

/* Ask a running run to stop between batches, wait for it, free m. */
void cxv_maint_free(struct cxv_maint *m);

/* The first time at or after now_ms that is minute at_min of a UTC day. */
int64_t cxv_maint_next(int64_t now_ms, int at_min);

#endif
