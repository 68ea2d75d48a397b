/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Token buckets; see throttle.h. Each bucket is one time (GCRA): the
 * moment it is full again. Spending a token moves it refill_ms later;
 * a bucket whose time is more than burst tokens ahead has none left.
 */
#include "base/throttle.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

#define PROBES	8	/* slots a key may live in */

struct slot {
	uint8_t key[CXV_THROTTLE_KEY_MAX];
	uint8_t len;			/* 0: free */
	int64_t full_ms;		/* the bucket is full from then on */
};

struct cxv_throttle {
	pthread_mutex_t mu;
	size_t n;
	int64_t refill_ms, window_ms;	/* window: burst tokens' worth */
	struct slot slot[];
};

int
cxv_throttle_new(size_t slots, unsigned burst, int64_t refill_ms,
    struct cxv_throttle **out)
{
	struct cxv_throttle *t;

	*out = NULL;
	if (slots == 0 || burst == 0 || refill_ms <= 0 ||
	    refill_ms > INT64_MAX / 2 / burst)
		return CXV_ERR_INVALID;
	if ((t = calloc(1, sizeof(*t) + slots * sizeof(t->slot[0]))) == NULL)
		return CXV_ERR_NOMEM;
	pthread_mutex_init(&t->mu, NULL);
	t->n = slots;
	t->refill_ms = refill_ms;
	t->window_ms = refill_ms * (int64_t)burst;
	*out = t;
	return CXV_OK;
}

void
cxv_throttle_free(struct cxv_throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static size_t
hash(const uint8_t *k, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

/*
 * key's slot; with take, a free one or the quietest (earliest full) of
 * its probes if it has none. NULL if it has none and take is 0.
 */
static struct slot *
find(struct cxv_throttle *t, const uint8_t *key, size_t len, int take)
{
	struct slot *s, *best = NULL;
	size_t h = hash(key, len), i;

	for (i = 0; i < PROBES && i < t->n; i++) {
		s = &t->slot[(h + i) % t->n];
		if (s->len == len && memcmp(s->key, key, len) == 0)
			return s;
		if (best == NULL || (best->len != 0 && (s->len == 0 ||
		    s->full_ms < best->full_ms)))
			best = s;
	}
	if (!take)
		return NULL;
	memcpy(best->key, key, len);
	best->len = (uint8_t)len;
	best->full_ms = 0;
	return best;
}

int64_t
cxv_throttle_take(struct cxv_throttle *t, const void *key, size_t len,
    int64_t now_ms)
{
	struct slot *s;
	int64_t at, wait = 0;

	if (len == 0)
		return 0;
	if (len > CXV_THROTTLE_KEY_MAX)
		len = CXV_THROTTLE_KEY_MAX;
	pthread_mutex_lock(&t->mu);
	s = find(t, key, len, 1);
	at = (s->full_ms > now_ms ? s->full_ms : now_ms) + t->refill_ms;
	if (at - now_ms > t->window_ms)
		wait = at - now_ms - t->window_ms;
	else
		s->full_ms = at;
	pthread_mutex_unlock(&t->mu);
	return wait;
}

void
cxv_throttle_give(struct cxv_throttle *t, const void *key, size_t len)
{
	struct slot *s;

	if (len == 0)
		return;
	if (len > CXV_THROTTLE_KEY_MAX)
		len = CXV_THROTTLE_KEY_MAX;
	pthread_mutex_lock(&t->mu);
	if ((s = find(t, key, len, 0)) != NULL)
		s->full_ms -= t->refill_ms;
	pthread_mutex_unlock(&t->mu);
}
