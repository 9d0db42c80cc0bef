// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The decode/model pipeline: on a capture read after the fact, the stream
 * (reading, transports, decoding) runs on the caller's thread and the model
 * with its rules on a second one, so that the two halves of the work, about
 * equal on a devres-dense capture, use both cores.
 *
 * Only drc_model_apply() crosses: a devres operation is copied into a
 * batch, and full batches go to the model thread in order. Everything else
 * the stream says to the model, the rules, the op-address resolver or the
 * boots (a uevent, a lost-events line, a boot banner, a name learnt, the
 * end of the capture) first waits until the model thread has applied every
 * operation handed over and is idle (drc_pipe_sync(), from the entry points
 * themselves); then it runs on the caller's thread as it would without the
 * pipeline. The model thread therefore sees the operations and everything
 * else in the order of the lines, and the results are those of one thread
 * (tests/cli compares them on every capture). The string pool is the only
 * thing both threads write while both run: it takes a lock then.
 *
 * The pipeline is off whenever something would watch the model while it
 * runs: event, uevent, ref or line callbacks (watch, monitor, devresd),
 * --debug output (its lines must stay in the order of the input), a
 * decode-only context (strip), and ops printed as addresses (the resolver
 * reads the model's lists as the lines come: drc_opres_new() stops it).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "libdevres-private.h"

/* Operations per hand-over, and hand-overs in flight: large enough that the
 * lock is taken once per few hundred lines, small enough to stay in cache
 * (a struct drc_event is about 150 bytes). */
#define PIPE_BATCH 512
#define PIPE_DEPTH 8

struct pipe_batch {
	struct drc_event ev[PIPE_BATCH];
	unsigned n;
};

struct drc_pipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t work;            /* a batch came, or stop */
	pthread_cond_t done;            /* a batch was applied */
	struct pipe_batch batches[PIPE_DEPTH];
	uint64_t produced, consumed;    /* batches handed over and applied */
	struct pipe_batch *filling;     /* the caller's, not yet handed over */
	int err;                        /* the first error of drc_model_apply() */
	bool stop;
	bool busy;                      /* the model thread is applying a batch */
	pthread_mutex_t pool_lock;
};

static _Thread_local bool in_worker;

static void *worker(void *data)
{
	struct drc_ctx *ctx = data;
	struct drc_pipe *p = ctx->pipe;

	in_worker = true;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct pipe_batch *b;

		while (p->consumed == p->produced && !p->stop)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->consumed == p->produced)
			break;
		b = &p->batches[p->consumed % PIPE_DEPTH];
		p->busy = true;
		pthread_mutex_unlock(&p->lock);
		for (unsigned i = 0; i < b->n; i++) {
			int r = drc_model_apply(ctx, &b->ev[i]);

			if (r < 0 && !p->err)
				p->err = r;
		}
		pthread_mutex_lock(&p->lock);
		p->busy = false;
		p->consumed++;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void drc_ctx_set_threads(struct drc_ctx *ctx, unsigned n)
{
	if (n < 2)
		(void)drc_pipe_stop(ctx);
	ctx->threads = n;
}

/* Whether a pipeline may run now: a second thread was asked for, and
 * nothing watches the model while it works. */
static bool pipe_allowed(const struct drc_ctx *ctx)
{
	return ctx->threads > 1 && !ctx->finished && !ctx->decode_only && !ctx->opres &&
	       !ctx->event_fn && !ctx->uevent_fn && !ctx->ref_fn && !ctx->line_fn && !ctx->stream_debug_fn &&
	       !(ctx->log_fn && ctx->log_priority >= LOG_DEBUG);
}

static void pipe_free(struct drc_pipe *p)
{
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->pool_lock);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static int pipe_start(struct drc_ctx *ctx)
{
	struct drc_pipe *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_mutex_init(&p->pool_lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->filling = &p->batches[0];
	ctx->pipe = p;
	if (pthread_create(&p->thread, NULL, worker, ctx) != 0) {
		/* no second thread: the operations are applied here */
		ctx->pipe = NULL;
		pipe_free(p);
		ctx->threads = 1;
	}
	return 0;
}

/* Hand the batch being filled over; wait for a free one. Lock held. */
static void hand_over(struct drc_pipe *p)
{
	if (!p->filling->n)
		return;
	p->produced++;
	pthread_cond_signal(&p->work);
	while (p->produced - p->consumed >= PIPE_DEPTH)
		pthread_cond_wait(&p->done, &p->lock);
	p->filling = &p->batches[p->produced % PIPE_DEPTH];
	p->filling->n = 0;
}

int drc_pipe_apply(struct drc_ctx *ctx, struct drc_event *ev)
{
	struct drc_pipe *p = ctx->pipe;
	int r = 0;

	if (!p) {
		if (!pipe_allowed(ctx))
			return drc_model_apply(ctx, ev);
		r = pipe_start(ctx);
		if (r < 0)
			return r;
		if (!(p = ctx->pipe))
			return drc_model_apply(ctx, ev);
	}
	p->filling->ev[p->filling->n++] = *ev;
	if (p->filling->n == PIPE_BATCH) {
		pthread_mutex_lock(&p->lock);
		hand_over(p);
		r = p->err;
		pthread_mutex_unlock(&p->lock);
	}
	return r;
}

int drc_pipe_sync(struct drc_ctx *ctx)
{
	struct drc_pipe *p = ctx->pipe;
	int r;

	if (!p || in_worker)
		return 0;
	pthread_mutex_lock(&p->lock);
	hand_over(p);
	while (p->consumed != p->produced || p->busy)
		pthread_cond_wait(&p->done, &p->lock);
	r = p->err;
	pthread_mutex_unlock(&p->lock);
	return r;
}

int drc_pipe_stop(struct drc_ctx *ctx)
{
	struct drc_pipe *p = ctx->pipe;
	int r;

	if (!p || in_worker)
		return 0;
	r = drc_pipe_sync(ctx);
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	ctx->pipe = NULL;
	pipe_free(p);
	return r;
}

const char *drc_intern(struct drc_ctx *ctx, const char *s, size_t len)
{
	struct drc_pipe *p = ctx->pipe;
	const char *r;

	if (!p)
		return strpool_intern(&ctx->pool, s, len);
	pthread_mutex_lock(&p->pool_lock);
	r = strpool_intern(&ctx->pool, s, len);
	pthread_mutex_unlock(&p->pool_lock);
	return r;
}
