// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What every rule reads: the core of the rules sees each event before them
 * (rules.c) and keeps (DESIGN.md section 3):
 *
 *  - the *run*: a stretch of ADD/REM lines with nothing else between them
 *    (no release, no uevent, no boot, no gap longer than the clock allows):
 *    one probe, one bind callback. Each node and each group is given the run
 *    it came in: a node added to a group in a later run than the group's
 *    grp< came after the code that opened the group returned.
 *  - the *adding context*: an ADD on device B that continues a run of ADDs
 *    on device A, while A is probing and B is not, was made by A's probe on
 *    B's list (a component bind, a devm call on the wrong device). Nodes and
 *    groups get that device (ctx_dev).
 *  - releases on two devices back to back (one teardown may have caused the
 *    other), what each release batch released, losses the capture reports,
 *    KUnit results, unbinds.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

struct rules_dev *rules_dev_get(struct drc_ctx *ctx, struct drc_device *dev)
{
	if (!dev->rules)
		dev->rules = rules_calloc(ctx, 1, ctx->rules->dev_block);
	return dev->rules;
}

/* ---- the clock and the console's pace ---- */

/*
 * The bytes a console sends for a devres line: dev_err()'s prefix, device
 * and "DEVRES %3s %p %s (%zu bytes)" (drivers/base/devres.c), after the
 * "[%5lu.%06lu] " time.
 */
/* strlen() of an interned string (the same pointer, the same string),
 * remembered: three per operation */
static unsigned interned_len(struct rules_ctx *rc, const char *s)
{
	unsigned i = (unsigned)(((uintptr_t)s >> 3) % ARRAY_SIZE(rc->len_memo));

	if (rc->len_memo[i].s != s) {
		rc->len_memo[i].s = s;
		rc->len_memo[i].len = (unsigned)strlen(s);
	}
	return rc->len_memo[i].len;
}

static unsigned printed_len(struct rules_ctx *rc, const struct drc_event *ev)
{
	unsigned size_digits = 1;

	for (uint64_t v = ev->size; v >= 10 && ev->size != UINT64_MAX; v /= 10)
		size_digits++;
	return 15 + (ev->prefix ? interned_len(rc, ev->prefix) + 1 : 0) + interned_len(rc, ev->device) + 10 +
	       (ev->id_digits ? ev->id_digits : 16) + 1 + interned_len(rc, ev->name) + 2 + size_digits + 8;
}

/* The median of the pace kept: robust to the real pauses among them. */
uint32_t rules_pace_median(const struct rules_ctx *rc)
{
	uint32_t v[PACE_KEPT];
	unsigned n = rc->npace;

	if (n < 3)
		return 0;
	memcpy(v, rc->pace, n * sizeof(v[0]));
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/*
 * How long a silence between two devres lines ends a run. A coarse clock
 * (jiffies) puts one probe across two ticks. A slow console stretches time:
 * with a legacy (synchronous) console, printk() returns only once the line
 * was sent, so at 115200 baud (11520 bytes/s) the next line of the same probe
 * comes len/11520 s later, 5-20 ms. The pace is measured, not assumed: the
 * median time per byte between consecutive lines; a run then ends after one
 * and a half times the previous line's sending time plus the fixed minimum.
 */
static int64_t base_gap_limit(const struct rules_ctx *rc)
{
	return MAX((int64_t)GAP_MIN_USEC, 2 * rc->tick + 1);
}

int64_t rules_gap_limit(const struct rules_ctx *rc)
{
	int64_t limit = base_gap_limit(rc);
	uint32_t pace = rules_pace_median(rc);

	if (pace && rc->last_len)
		limit = MAX(limit, (int64_t)GAP_MIN_USEC + (int64_t)rc->last_len * pace * 3 / 2 / 1024);
	return limit;
}

static void pace_note(struct rules_ctx *rc, const struct drc_event *ev)
{
	if (ev->ts_usec >= 0 && rc->last_ts >= 0 && rc->last_len && ev->ts_usec >= rc->last_ts) {
		uint64_t p = (uint64_t)(ev->ts_usec - rc->last_ts) * 1024 / rc->last_len;

		rc->pace[rc->pace_next] = (uint32_t)MIN(p, (uint64_t)UINT32_MAX);
		rc->pace_next = (rc->pace_next + 1) % PACE_KEPT;
		if (rc->npace < PACE_KEPT)
			rc->npace++;
	}
	rc->last_len = printed_len(rc, ev);
}

/* ---- devres operations ---- */

/*
 * Two operations follow each other in the kernel's order only if one of
 * the witnesses printed them one after the other. With both witnesses read,
 * the model applies an operation when both copies are in, or, after a loss,
 * the copies only one witness kept by their time; the one applied before
 * may then be from elsewhere in the kernel's order, and a run (one probe,
 * one release walk) must not be pieced together from it. With one witness,
 * every operation is the line after the one before.
 */
static bool witness_adjacent(const struct rules_ctx *rc, const struct drc_event *ev)
{
	unsigned w = ev->witness & 1;

	if (!ev->widx)
		return true;    /* not from a stream (a unit's own event) */
	return ev->widx == rc->last_widx[w] + 1 || (ev->twin_widx && ev->twin_widx == rc->last_widx[!w] + 1);
}

/* Before the operation is applied, what the rules read first: adjacency. */
static bool rules_core_op(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	struct rules_ctx *rc = ctx->rules;
	const struct drc_event *ev = e->ev;
	struct drc_device *dev = e->dev;

	if (!rules_dev_get(ctx, dev))
		return false;
	if (ev->ts_usec > 0 && rc->tick != 1) {        /* 1 stays 1 */
		/* the clock's resolution: the greatest common divisor of the
		 * timestamps (10000 on a HZ=100 jiffies clock, 1 with microseconds) */
		int64_t a = ev->ts_usec, b = rc->tick;

		while (b) {
			int64_t t = a % b;

			a = b;
			b = t;
		}
		rc->tick = MIN(a, (int64_t)100000);
	}
	rc->cur_adjacent = rc->last_dev && !rc->run_break && rc->last_dev->boot == dev->boot &&
			   !(ev->ts_usec >= 0 && rc->last_ts >= 0 && ev->ts_usec - rc->last_ts > base_gap_limit(rc) &&
			     ev->ts_usec - rc->last_ts > rules_gap_limit(rc));
	if (rc->cur_adjacent && !witness_adjacent(rc, ev)) {
		explain(ctx, "line %" PRIu64 ": run %u ends: the operation applied before this one is not "
			"the line before it in either witness (two witnesses merged after a loss)",
			ev->origin.line, rc->run);
		rc->cur_adjacent = false;
	}
	rc->last_widx[ev->witness & 1] = ev->widx;
	rc->last_widx[!(ev->witness & 1)] = ev->twin_widx;

	/* releases on two devices back to back: one teardown may have caused the other */
	rc->adj_prev = NULL;
	if (ev->op == DRC_OP_REL && rc->last_op == DRC_OP_REL && rc->cur_adjacent && rc->last_dev != dev) {
		rc->adj_prev = rc->last_dev;
		if (rc->last_batch && rc->last_dev->batch == rc->last_batch && !rc->last_batch->next_dev)
			rc->last_batch->next_dev = dev;
	}
	if (ev->op != DRC_OP_REL)
		rc->activity++;
	return true;
}

/* Then, once the rules have seen it: the run, the probe, the adding context. */
static void rules_core_op_runs(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	struct rules_ctx *rc = ctx->rules;
	const struct drc_event *ev = e->ev;
	struct drc_device *dev = e->dev;
	struct rules_dev *rd = dev->rules;
	bool adjacent = rc->cur_adjacent, new_run;
	char la[300], lo[300];
	bool bound_first = rc->bind_first == dev;

	rc->bind_first = NULL;
	if (ev->op == DRC_OP_REL)
		new_run = rc->last_op != DRC_OP_REL || !adjacent;
	else
		new_run = rc->last_op == DRC_OP_REL || !adjacent || e->op.id_reused;
	if (new_run || !rc->last_dev)
		rc->run++;
	if (!rc->first_run)
		rc->first_run = rc->run;
	if (explaining(ctx) && rc->last_dev && !adjacent && !rc->run_break && rc->last_dev->boot == dev->boot)
		explain(ctx, "line %" PRIu64 ": run %u starts: %" PRId64 " us since the last devres line, more than "
			"the %" PRId64 " us a run allows (clock tick %" PRId64 " us, console pace %u us/KiB)",
			ev->origin.line, rc->run, ev->ts_usec - rc->last_ts, rules_gap_limit(rc), rc->tick,
			rules_pace_median(rc));

	rc->next_ctx = NULL;
	if (ev->op == DRC_OP_ADD || ev->op == DRC_OP_REPLACE) {
		bool driver_prefix = dev->prefix && *dev->prefix && !dev->prefix_is_bus;

		/* a probe starts: the driver's name appears, or, where lines carry no
		 * prefix (the trace), the first ADD after a release of everything
		 * (or the device's first line). After other releases only, such as
		 * a group released by another device, it is not known to be a probe. */
		/* an ADD a walk of nodes never seen took (model.c) may as well be
		 * the next probe's: one if no REL of the walk follows */
		bool tentative = dev->batch && dev->batch->took_adds;

		if ((!e->op.was_bound || bound_first) && rd->probe_run != rc->run && (!dev->batch || tentative) &&
		    (driver_prefix || (!ev->prefix && !dev->prefix && (!rd->probed || tentative) &&
				       (rd->cycles || dev->events == 1 || tentative)))) {
			struct drc_device *up = !new_run && rc->last_dev && rc->last_dev != dev &&
						rc->last_op != DRC_OP_REL ? rc->last_dev : NULL;

			rd->probe_run = rc->run;
			rd->probed = true;
			/* a device created and probed inside another's probe (a bus
			 * driver's ports): the outer probe's context goes on after it */
			rd->probe_outer = NULL;
			if (up && up->rules && up->rules->probe_run == rc->run) {
				rd->probe_outer = up->rules->probe_outer ? up->rules->probe_outer : up;
				explain(ctx, "line %" PRIu64 ": %s probes inside %s's probe (nested)", ev->origin.line,
					dev->name, rd->probe_outer->name);
			}
		}
		if (!new_run && rc->last_op != DRC_OP_REL && rc->last_dev) {
			if (rc->last_dev == dev) {
				rc->next_ctx = rc->last_ctx;
			} else {
				struct drc_device *cand = rc->last_ctx ? rc->last_ctx : rc->last_dev;

				if (cand->rules && cand->rules->probe_run == rc->run && cand->rules->probe_outer &&
				    cand->rules->probe_outer != dev)
					cand = cand->rules->probe_outer;

				if (cand != dev && cand->rules && cand->rules->probe_run == rc->run &&
				    rd->probe_run != rc->run)
					rc->next_ctx = cand;
				if (rc->next_ctx)
					explain(ctx, "line %" PRIu64 ": ADD on %s continues the run of %s's probe: "
						"added by that probe (adding context)", ev->origin.line,
						dev_label(dev, la, sizeof(la)), dev_label(cand, lo, sizeof(lo)));
				else if (cand != dev)
					explain(ctx, "line %" PRIu64 ": ADD on %s follows %s without a break, but "
						"not as its probe's: %s", ev->origin.line, dev_label(dev, la, sizeof(la)),
						dev_label(cand, lo, sizeof(lo)),
						!cand->rules || cand->rules->probe_run != rc->run ?
						"that device is not probing in this run" :
						"this device is probing itself in this run");
			}
		}
	}
	rc->last_ctx = ev->op == DRC_OP_ADD || ev->op == DRC_OP_REPLACE ? rc->next_ctx :
		       rc->last_dev == dev ? rc->last_ctx : NULL;
	rc->last_dev = dev;
	rc->last_op = ev->op;
	pace_note(rc, ev);
	if (ev->ts_usec >= 0)
		rc->last_ts = ev->ts_usec;
	rc->run_break = false;
	rc->cur_dev = dev;
	rc->cur_op = ev->op;
	rc->cur_ts = ev->ts_usec;
	if (ev->op == DRC_OP_ADD)
		rd->ktap_epoch = rc->ktap_epoch;
}

/* A node joined a list: the run and the adding context it came in. */
static void rules_core_added(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	struct rules_ctx *rc = ctx->rules;
	struct drc_node *n = e->node;

	n->run = rc->run;
	n->ctx_dev = rc->next_ctx;
	/* the lines before it in its run may be the lost ones (another
	 * device's probe that added it): its adding context is not known */
	n->ctx_lost = !n->ctx_dev && rc->lost_run && n->run == rc->lost_run;
	if (n->kind == DRC_NODE_GROUP_OPEN && n->group) {
		const struct rules_dev *rd = e->dev->rules;

		n->group->open_run = rc->run;
		n->group->ctx_dev = rc->next_ctx;
		/* its device probing inside another's probe: opened while
		 * that one probed (a component bound on a device the capture
		 * shows first there reads the same) */
		n->group->outer_dev = !n->group->ctx_dev && rd && rd->probe_run == rc->run ? rd->probe_outer : NULL;
		/* opened in the capture's first run of the boot, or right after a
		 * loss: the lines before it in that run, which would say whose
		 * probe opened it, are not in the capture */
		n->group->ctx_unknown = !n->group->ctx_dev && !n->group->outer_dev &&
					(n->ctx_lost || n->run == rc->first_run);
	}
}

/* A release: what the batch released, kept until it is judged. */
static bool rules_core_released(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	struct rules_ctx *rc = ctx->rules;
	const struct drc_event *ev = e->ev;
	struct drc_node *n = e->node;
	struct rules_batch *rb = e->batch->rules;
	const struct kb_entry *kb;
	struct rel_rec *r;
	bool marker = drc_name_is_marker(ctx, ev->name);

	rc->last_batch = e->batch;
	if (!rb)
		return false;
	rb->quiet_at_end = rc->activity;
	rb->uevents_at_end = rc->uevents;
	kb = marker ? NULL : drc_kb_lookup(ctx, ev->name);        /* ev->name is interned */
	if (kb && strcmp(kb->class, "memory") == 0) {
		rb->memory_nodes++;
		rb->memory_bytes += ev->size;
	}
	rc->cur_rec = NULL;
	if (rb->nrecs < BATCH_NODES_MAX && rb->nrecs == rb->cap) {
		unsigned ncap = rb->cap ? rb->cap * 2 : 8;
		struct rel_rec *nr = rules_realloc(ctx, rb->recs, ncap, sizeof(*nr));

		if (nr) {
			rb->recs = nr;
			rb->cap = ncap;
		}
	}
	if (rb->nrecs < rb->cap)
		rc->cur_rec = &rb->recs[rb->nrecs++];
	r = rc->cur_rec ? rc->cur_rec : &rc->cur_spare;
	*r = (struct rel_rec){ .name = ev->name, .size = ev->size, .ended = ev->origin, .flags = kb ? kb->flags : 0,
			       .marker = marker, .id = ev->id, .id_digits = ev->id_digits };
	if (n) {
		r->known = true;
		r->added = n->origin;
		r->ctx_dev = n->ctx_dev;
		r->ctx_lost = n->ctx_lost;
		if (n->kind == DRC_NODE_REALLOC && n->size == UINT64_MAX)
			r->size = ev->size;
	}
	rc->cur = r;
	rc->cur_kb = kb;
	rc->cur_marker = marker;
	return true;
}

void release_mark_set(struct release_mark *m, const struct drc_batch *b)
{
	*m = (struct release_mark){ .end = b->last, .ts = b->last_ts };
	if (b->rules) {
		m->activity = b->rules->quiet_at_end;
		m->memory = b->rules->memory_nodes;
		m->memory_bytes = b->rules->memory_bytes;
	}
}

const struct drc_batch *release_all_in_progress(const struct drc_device *dev)
{
	const struct drc_batch *b = dev->batch;

	return b && b->kind == DRC_BATCH_RELEASE_ALL && !b->probe_failure && b->rules ? b : NULL;
}

/* ---- other inputs ---- */

static void rules_core_uevent(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	struct rules_ctx *rc = ctx->rules;
	const struct drc_uevent *ev = e->uevent;
	bool teardown = strcmp(ev->action, "unbind") == 0 || strcmp(ev->action, "remove") == 0;

	rc->run_break = true;
	rc->uevents++;
	if (!teardown)
		rc->activity++;
	if (e->dev && teardown && rules_dev_get(ctx, e->dev)) {
		e->dev->rules->unbind = ev->origin;
		e->dev->rules->unbind_seq = rc->uevents;
	} else if (e->dev && strcmp(ev->action, "bind") == 0 && rules_dev_get(ctx, e->dev)) {
		e->dev->rules->bind_seq = rc->uevents;
		rc->bind_first = e->dev->live ? NULL : e->dev;
	}
}

static void lost_by_note(struct rules_ctx *rc, const char *witness, uint64_t n)
{
	unsigned i;

	if (!witness)
		witness = "?";
	for (i = 0; i < rc->nlost_by; i++)
		if (strcmp(rc->lost_by[i].witness, witness) == 0)
			break;
	if (i == rc->nlost_by) {
		if (i == LOST_WITNESSES_MAX)
			i--;
		else
			rc->lost_by[rc->nlost_by++].witness = witness;
	}
	rc->lost_by[i].n += n;
}

static void rules_core_marker(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	struct rules_ctx *rc = ctx->rules;
	const struct drc_origin *o = e->marker->origin;

	switch (e->marker->what) {
	case DRC_MARK_KTAP_RESULT:
		rc->ktap_epoch++;
		rc->ktap_last = *o;
		rc->run_break = true;
		rc->activity++;
		break;
	case DRC_MARK_LOST:
		if (!rc->lost)
			rc->lost_first = *o;
		rc->lost_last = *o;
		rc->lost_run = rc->run + 1;     /* the marker breaks the run: the next one */
		rc->lost += e->marker->count ? e->marker->count : 1;
		lost_by_note(rc, e->marker->witness, e->marker->count ? e->marker->count : 1);
		ctx->stats.lost_markers++;
		ctx->stats.lost_events += e->marker->count;
		if (ctx->nboots)
			ctx->boots[ctx->nboots - 1].lost_last = *o;
		rc->run_break = true;
		break;
	case DRC_MARK_RES_BEFORE_PROBE:
		break;
	}
}

/* The boot is over: what the rules read of the stream starts again. */
static void rules_core_boot_end(struct drc_ctx *ctx)
{
	struct rules_ctx *rc = ctx->rules;

	rc->lost = 0;
	rc->nlost_by = 0;
	rc->last_widx[0] = rc->last_widx[1] = 0;
	rc->lost_run = 0;
	rc->first_run = 0;
	rc->lost_first = rc->lost_last = (struct drc_origin){ 0 };
	rc->run_break = true;
	rc->last_dev = NULL;
	rc->last_ctx = NULL;
	rc->last_batch = NULL;
	rc->cur_dev = NULL;
	rc->ktap_epoch = 0;
}

/* ---- losses ---- */

/*
 * A node added before a loss the capture reports, and judged live after it:
 * the line that released or removed it may be among the lost ones, so its
 * staying is no evidence of a leak.
 */
bool fate_uncertain(const struct rules_ctx *rc, const struct drc_node *n, const struct drc_origin *until)
{
	return rc->lost && rc->lost_last.line && n->origin.source == rc->lost_last.source &&
	       n->origin.line < rc->lost_last.line &&
	       (!until || until->source != rc->lost_first.source || loss_before(rc, until, false));
}

bool loss_before(const struct rules_ctx *rc, const struct drc_origin *at, bool inclusive)
{
	return rc->lost && rc->lost_first.line && rc->lost_first.source == at->source &&
	       (inclusive ? rc->lost_first.line <= at->line : rc->lost_first.line < at->line);
}

const char *uncertain_note(const struct rules_ctx *rc, size_t len, char *buf)
{
	snprintf(buf, len, " Uncertain after %" PRIu64 " lost operation%s (line %" PRIu64 "): the nodes were "
		 "added before the loss, and what freed them may be among the lost lines.", rc->lost,
		 rc->lost == 1 ? "" : "s", rc->lost_last.line);
	return buf;
}

/* ---- the one observer: the model tells, the core reads, the rules that asked get it ---- */

static void device_free(struct drc_ctx *ctx, struct drc_device *dev)
{
	struct rules_ctx *rc = ctx->rules;

	if (!dev->rules)
		return;
	for (unsigned i = 0; i < rc->ndone; i++)
		rc->done[i].rule->dev_done((char *)dev->rules + rc->done[i].dev_off);
	free(dev->rules);
	dev->rules = NULL;
}

static void batch_free(struct drc_batch *b)
{
	if (b->rules)
		free(b->rules->recs);
	free(b->rules);
	b->rules = NULL;
}

static void dispatch_to(struct drc_ctx *ctx, const struct drc_model_event *e, const struct rule_sub *s,
			unsigned n)
{
	const struct rule_sub *end = s + n;
	struct rule_call c = { .ctx = ctx, .rc = ctx->rules };

	for (; s < end; s++) {
		char *dev = e->dev ? (char *)e->dev->rules : NULL;
		char *batch = e->batch ? (char *)e->batch->rules : NULL;

		c.rule = s->rule;
		c.state = s->state;
		c.dev_state = dev && s->dev_off ? dev + s->dev_off : NULL;
		c.batch_state = batch && s->batch_off ? batch + s->batch_off : NULL;
		c.dev_off = s->dev_off;
		s->rule->handle(&c, e);
	}
}

/* most events interest no rule, or one: the loop is only entered for some */
static inline void dispatch(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	if (ctx->rules->nsubs[e->kind])
		dispatch_to(ctx, e, ctx->rules->subs[e->kind], ctx->rules->nsubs[e->kind]);
}

/* A release of everything was judged: what it left on the list. */
static void release_all_judged(struct drc_ctx *ctx, struct drc_device *dev, struct drc_batch *b)
{
	unsigned added = 0, since = 0;

	/* The list is in order (model.c): what came since the batch started
	 * is at its end, and the rest are the nodes it left. Only a release
	 * callback can have added a node before the walk's last REL
	 * (proven_order); one after it may as well be the next probe's, after
	 * lost RELs. So a release of everything costs what was added during
	 * it, not the length of the list. */
	for (const struct drc_node *n = dev->tail; n && n->order >= b->start_order; n = n->prev)
		if (n->kind == DRC_NODE_RES || n->kind == DRC_NODE_REALLOC) {
			since++;
			added += n->order < b->proven_order;
		}
	/* what is left from before it; not what came after its last REL */
	dispatch(ctx, &(struct drc_model_event){ .kind = DRC_MEV_RELEASE_ALL, .dev = dev, .batch = b,
						 .rall = { added, dev->live - since } });
	/* one that may have been a group release ends no binding */
	if (dev->rules && !b->group_or_all) {
		dev->rules->probed = false;
		dev->rules->cycles++;
	}
}

/* Each device of the boot is judged, then the boot. */
static void boot_end(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	for (struct drc_device *dev = ctx->devices_head; dev; dev = dev->all_next)
		if (dev->boot == e->boot)
			dispatch(ctx, &(struct drc_model_event){ .kind = DRC_MEV_DEVICE_END, .dev = dev,
								 .boot = e->boot });
	dispatch(ctx, e);
	rules_core_boot_end(ctx);
}

void drc_rules_notify(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	PIPE_SYNC(ctx);     /* the stream's markers */
	drc_rules_notify_model(ctx, e);
}

void drc_rules_notify_model(struct drc_ctx *ctx, const struct drc_model_event *e)
{
	struct rules_ctx *rc = ctx->rules;

	switch (e->kind) {
	case DRC_MEV_OP:
		if (!rules_core_op(ctx, e))
			return;
		if (rc->nop_subs[e->ev->op & 3])
			dispatch_to(ctx, e, rc->op_subs[e->ev->op & 3], rc->nop_subs[e->ev->op & 3]);
		rules_core_op_runs(ctx, e);
		return;
	case DRC_MEV_OP_DONE:
		rc->cur_dev = NULL;
		break;
	case DRC_MEV_ADDED:
		rules_core_added(ctx, e);
		break;
	case DRC_MEV_RELEASED:
		if (!rules_core_released(ctx, e))
			return;
		break;
	case DRC_MEV_UNKNOWN:
	case DRC_MEV_NODE_LOST:
		rules_dev_get(ctx, e->dev);
		break;
	case DRC_MEV_BATCH_START:
		e->batch->prev_dev = rc->adj_prev;
		e->batch->rules = rules_calloc(ctx, 1, rc->batch_block);
		break;
	case DRC_MEV_BATCH_END:
		dispatch(ctx, e);
		if (e->batch->kind == DRC_BATCH_RELEASE_ALL)
			release_all_judged(ctx, e->dev, e->batch);
		batch_free(e->batch);
		return;
	case DRC_MEV_BATCH_FREE:
		batch_free(e->batch);
		return;
	case DRC_MEV_DEVICE_FREE:
		device_free(ctx, e->dev);
		return;
	case DRC_MEV_UEVENT:
		rules_core_uevent(ctx, e);
		break;
	case DRC_MEV_MARKER:
		rules_core_marker(ctx, e);
		break;
	case DRC_MEV_DRM:
		ctx->stats.drm_events++;
		break;
	case DRC_MEV_REFS:
		break;
	case DRC_MEV_BOOT_END:
		boot_end(ctx, e);
		return;
	case DRC_MEV_RELEASE_ALL:
	case DRC_MEV_DEVICE_END:
	case DRC_MEV_FINISH:
	case DRC_MEV_COUNT:
		return;         /* the core's own */
	}
	dispatch(ctx, e);
}

/* public */
int drc_ctx_finish(struct drc_ctx *ctx)
{
	int r = drc_pipe_stop(ctx);

	if (r < 0)
		return r;
	if (ctx->finished)
		return 0;
	ctx->finished = true;
	if (ctx->nboots)
		drc_model_boot_end(ctx, ctx->nboots - 1);
	dispatch(ctx, &(struct drc_model_event){ .kind = DRC_MEV_FINISH });
	return ctx->rules->nomem ? -ENOMEM : 0;
}

