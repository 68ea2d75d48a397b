/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Token buckets by key (a source address, an account): each key may
 * spend `burst` tokens at once and gets one back every `refill_ms`. A
 * fixed table, so a flood of keys costs no memory: when it is full, the
 * bucket that has been quiet longest is taken over (a key that comes
 * back after that starts full again, which errs toward letting in).
 * Thread-safe.
 */
#ifndef CXV_THROTTLE_H
#define CXV_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#define CXV_THROTTLE_KEY_MAX	16	/* bytes of a key (an IPv6 address) */

struct cxv_throttle;

/* A table of slots buckets; NOMEM, or INVALID for a zero parameter. */
int cxv_throttle_new(size_t slots, unsigned burst, int64_t refill_ms,
    struct cxv_throttle **out /* OUT */);
void cxv_throttle_free(struct cxv_throttle *t);

/*
 * Spend one of key's tokens at now_ms: 0 if there was one, else the
 * milliseconds until there is (for Retry-After), nothing spent. Keys
 * are 1 to CXV_THROTTLE_KEY_MAX bytes (longer ones are cut); an empty
 * key is never throttled.
 */
int64_t cxv_throttle_take(struct cxv_throttle *t, const void *key, size_t len,
    int64_t now_ms);

/* Give back a token spent in vain (an attempt that succeeded). */
void cxv_throttle_give(struct cxv_throttle *t, const void *key, size_t len);

#endif
