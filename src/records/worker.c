/* SPDX-License-Identifier: Apache-2.0 */
/* A periodic job on a vault clone; see worker.h. */
#include "records/worker.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/err.h"
#include "base/util.h"
#include "records/vault.h"

struct cxv_worker {
	struct cxv_vault *v;		/* the clone, the worker's own */
	int period_ms;
	cxv_worker_fn fn;
	void *ctx;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

static void *
work(void *arg)
{
	struct cxv_worker *w = arg;
	struct timespec until;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		pthread_mutex_unlock(&w->mu);
		w->fn(w->v, w->ctx);
		until = cxv_deadline_ms(w->period_ms);
		pthread_mutex_lock(&w->mu);
		if (!w->stop)
			(void)pthread_cond_timedwait(&w->cv, &w->mu, &until);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
cxv_worker_start(struct cxv_vault *v, const char *actor, int period_ms,
    cxv_worker_fn fn, void *ctx, struct cxv_worker **out)
{
	struct cxv_worker *w;
	int r;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return CXV_ERR_NOMEM;
	if ((r = cxv_vault_clone(v, &w->v)) != CXV_OK ||
	    (r = cxv_vault_set_actor(w->v, actor)) != CXV_OK) {
		cxv_vault_close(w->v);
		free(w);
		return r;
	}
	w->period_ms = period_ms;
	w->fn = fn;
	w->ctx = ctx;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, work, w) != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		cxv_vault_close(w->v);
		free(w);
		return CXV_ERR_NOMEM;
	}
	*out = w;
	return CXV_OK;
}

void
cxv_worker_stop(struct cxv_worker *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	cxv_vault_close(w->v);
	free(w);
}
