/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API's pool for slow handlers (api_int.h): a login costs an
 * Argon2id hash, and a flood of them on the HTTP threads held every
 * other request behind it (issue 25.5). Such a call is set aside
 * (cxv_http_defer()), queued here, and answered by one of a few
 * threads; the HTTP threads go on serving. The queue is bounded: a
 * full one answers 503 at once.
 */
#include <pthread.h>
#include <stdlib.h>

#include "api/api_int.h"
#include "base/caps.h"
#include "base/err.h"

struct job {
	struct call *c;
	handler_fn fn;
};

struct api_pool {
	pthread_mutex_t mu;
	pthread_cond_t ready;
	struct job q[CXV_API_DEFER_QUEUE];
	size_t head, n;
	int stopping;
	pthread_t thread[CXV_API_DEFER_THREADS];
	size_t nthreads;
};

/* Take the next job; 0 once stopping and nothing is left. */
static int
next(struct api_pool *p, struct job *j)
{
	pthread_mutex_lock(&p->mu);
	while (p->n == 0 && !p->stopping)
		pthread_cond_wait(&p->ready, &p->mu);
	if (p->n == 0) {
		pthread_mutex_unlock(&p->mu);
		return 0;
	}
	*j = p->q[p->head];
	p->head = (p->head + 1) % CXV_API_DEFER_QUEUE;
	p->n--;
	pthread_mutex_unlock(&p->mu);
	return 1;
}

static void *
worker(void *arg)
{
	struct api_pool *p = arg;
	struct job j;

	while (next(p, &j)) {
		if (api_acquire(j.c)) {
			j.fn(j.c);
			api_release(j.c);
		}
		/* The call is the HTTP thread's again from here on. */
		cxv_http_resume(j.c->req);
	}
	return NULL;
}

int
api_defer_start(struct cxv_api *api)
{
	struct api_pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CXV_ERR_NOMEM;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->ready, NULL);
	while (p->nthreads < CXV_API_DEFER_THREADS &&
	    pthread_create(&p->thread[p->nthreads], NULL, worker, p) == 0)
		p->nthreads++;
	api->pool = p;
	if (p->nthreads > 0)
		return CXV_OK;
	api_defer_free(api);
	return CXV_ERR_NOMEM;
}

void
api_defer_stop(struct cxv_api *api)
{
	struct api_pool *p = api->pool;
	size_t i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->ready);
	pthread_mutex_unlock(&p->mu);
	/*
	 * The pool itself stays until api_defer_free(): HTTP threads may
	 * still hand it calls (refused from now on) until the server stops.
	 */
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->thread[i], NULL);
	p->nthreads = 0;
}

void
api_defer_free(struct cxv_api *api)
{
	struct api_pool *p = api->pool;

	if (p == NULL)
		return;
	api_defer_stop(api);
	pthread_cond_destroy(&p->ready);
	pthread_mutex_destroy(&p->mu);
	free(p);
	api->pool = NULL;
}

int
api_defer(struct call *c, handler_fn fn)
{
	struct api_pool *p = c->api->pool;
	int queued = 0;

	if (p == NULL)
		return 0;
	pthread_mutex_lock(&p->mu);
	if (!p->stopping && p->n < CXV_API_DEFER_QUEUE) {
		/* Before a worker can see the call: it is the pool's now. */
		c->deferred = 1;
		api_release(c);
		cxv_http_defer(c->req);
		p->q[(p->head + p->n) % CXV_API_DEFER_QUEUE] =
		    (struct job){ c, fn };
		p->n++;
		queued = 1;
		pthread_cond_signal(&p->ready);
	}
	pthread_mutex_unlock(&p->mu);
	return queued;
}
