// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cross-device-release and open-group-swept: a group on device B released
 * right next to device A's releases (A's unbind or remove), while B does
 * not go on to release everything itself, was released by A's teardown
 * (seed 003, the component bug). Info when the group was closed and opened
 * in A's probe (the fixed component.c), warning otherwise; and if the group
 * was never closed, the nodes it swept that were added after the code that
 * opened it returned (in a later run, not by the same probe) are
 * open-group-swept, an error. Both are judged on the same batch, here.
 *
 * In a capture that starts late (the group's grp< not in it), such a
 * release reads like B's own release of everything and stays pending until
 * B shows it stayed bound: a REM, another release with nothing added, or
 * its own unbind uevent only after A's.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

/* A release of everything that may have been a group release. */
struct late_group {
	struct drc_device *other;
	/* the group was in the capture (a release of the whole list as the
	 * capture knew it, read as B's release of everything): its records
	 * say which nodes came late, and whether it was closed */
	bool seen;
	bool intended;                  /* closed, and opened in the other device's probe */
	bool ctx_unknown;               /* seen, but who opened it is not in the capture */
	struct drc_origin group_open;   /* where, when seen */
	struct drc_origin first, last;
	uint64_t uevents_at_end;
	bool other_follows;             /* the other device's releases came right after it */
	uint64_t order_next;            /* the device's, then: nodes added since, a probe may have run */
	struct rel_rec recs[FINDING_NODES_MAX];
	unsigned nrecs;
};

struct cross_dev {
	struct late_group *late;        /* or NULL */
	/* the device's groups released while open, by depth: each entry the
	 * last such release at that depth or above (depth and count rising) */
	uint64_t tr_events;
	uint32_t *st_depth;
	uint64_t *st_at;
	size_t nst, st_cap;
	bool memo_off;                  /* no memory for it: walk the chains */
	bool unsettled;                 /* a group just released is not marked so yet */
};

struct cross_batch {
	unsigned open_groups, closed_groups;
	struct drc_device *group_ctx;   /* the device whose probe opened the first group */
	struct drc_device *group_outer; /* the probe the first group's device probed inside */
	bool group_ctx_unknown;         /* who opened the first group is not in the capture */
	struct drc_origin group_open;
};

/* ---- was the node added after its open group's opener returned? ---- */

static const char no_ctx;               /* the device of a group no other device opened */

/* The chain walked: what the sum stands for. */
static bool node_is_late_walk(const struct drc_node *n)
{
	for (const struct drc_group *g = n->group; g; g = g->parent) {
		if (g->state != DRC_GROUP_RELEASED || !g->was_open)
			continue;
		if (n->run == g->open_run)
			continue;
		if (g->ctx_dev && n->ctx_dev == g->ctx_dev)
			continue;       /* the same probe, after a pause */
		return true;
	}
	return false;
}

static void group_depth(struct drc_group *g)
{
	struct drc_group *h, *list = NULL;

	for (h = g; h && !h->late.has_depth; h = h->parent) {
		h->late.walk = list;
		list = h;
	}
	while (list) {
		struct drc_group *x = list;

		list = x->late.walk;
		x->late.walk = NULL;
		x->late.depth = x->parent ? x->parent->late.depth + 1 : 0;
		x->late.has_depth = true;
	}
}

/* @g was released while open: the sums of it and of what was opened in it change. */
static void memo_released_open(struct drc_ctx *ctx, struct cross_dev *cd, struct drc_group *g)
{
	uint32_t d;

	cd->unsettled = true;
	if (cd->memo_off)
		return;
	group_depth(g);
	d = g->late.depth;
	cd->tr_events++;
	while (cd->nst && cd->st_depth[cd->nst - 1] >= d)
		cd->nst--;
	if (cd->nst == cd->st_cap) {
		size_t ncap = cd->st_cap ? cd->st_cap * 2 : 16;
		uint32_t *nd = rules_realloc(ctx, cd->st_depth, ncap, sizeof(*nd));
		uint64_t *na;

		if (nd)
			cd->st_depth = nd;
		na = nd ? rules_realloc(ctx, cd->st_at, ncap, sizeof(*na)) : NULL;
		if (!na) {
			cd->memo_off = true;
			return;
		}
		cd->st_at = na;
		cd->st_cap = ncap;
	}
	cd->st_depth[cd->nst] = d;
	cd->st_at[cd->nst++] = cd->tr_events;
}

/* The last such release at @depth or above (0: none). */
static uint64_t last_change(const struct cross_dev *cd, uint32_t depth)
{
	size_t lo = 0, hi = cd->nst;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cd->st_depth[mid] <= depth)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? cd->st_at[lo - 1] : 0;
}

static void sum_add(struct drc_late_sum *s, uint32_t run, const void *ctx)
{
	bool was_row, was_col, multi_run, multi_ctx;
	unsigned k = 0;

	if (!s->any) {
		*s = (struct drc_late_sum){ .any = true, .run = run, .ctx = ctx };
		return;
	}
	was_row = !s->multi_run;
	was_col = !s->multi_ctx;
	multi_run = s->multi_run || run != s->run;
	multi_ctx = s->multi_ctx || ctx != s->ctx;
	if (!was_row && !was_col) {
		/* the crosses that also cover the new pair */
		for (unsigned i = 0; i < s->ncand; i++)
			if (s->cand_run[i] == run || s->cand_ctx[i] == ctx) {
				s->cand_run[k] = s->cand_run[i];
				s->cand_ctx[k++] = s->cand_ctx[i];
			}
		s->ncand = (uint8_t)k;
	} else if (multi_run && multi_ctx) {
		/* one run (or one device) so far, and a pair off it: the crosses
		 * of that run and its device, or of its run and that device */
		if (was_row) {
			s->cand_run[k] = s->run;
			s->cand_ctx[k++] = ctx;
		}
		if (was_col) {
			s->cand_run[k] = run;
			s->cand_ctx[k++] = s->ctx;
		}
		s->ncand = (uint8_t)k;
	}
	s->multi_run = multi_run;
	s->multi_ctx = multi_ctx;
}

static bool sum_covers(const struct drc_late_sum *s, uint32_t run, const void *ctx)
{
	if (!s->any || (!s->multi_run && s->run == run) || (!s->multi_ctx && s->ctx == ctx))
		return true;
	if (!s->multi_run || !s->multi_ctx)
		return false;
	for (unsigned i = 0; i < s->ncand; i++)
		if (s->cand_run[i] == run && s->cand_ctx[i] == ctx)
			return true;
	return false;
}

/* The sum of @g's chain, from the nearest group up it whose sum still holds. */
static const struct drc_late_sum *late_sum(struct cross_dev *cd, struct drc_group *g)
{
	const struct drc_late_sum *base = NULL;
	struct drc_group *h, *list = NULL;

	group_depth(g);
	for (h = g; h && !(h->late.stamp && last_change(cd, h->late.depth) < h->late.stamp); h = h->parent) {
		h->late.walk = list;
		list = h;
	}
	if (h)
		base = &h->late.sum;
	while (list) {
		struct drc_group *x = list;

		list = x->late.walk;
		x->late.walk = NULL;
		x->late.sum = base ? *base : (struct drc_late_sum){ 0 };
		if (x->state == DRC_GROUP_RELEASED && x->was_open)
			sum_add(&x->late.sum, x->open_run, x->ctx_dev ? (const void *)x->ctx_dev : &no_ctx);
		x->late.stamp = cd->tr_events + 1;
		base = &x->late.sum;
	}
	return &g->late.sum;
}

/*
 * A group being released: was one of the released groups still open, and
 * did this node come after the code that opened it returned? Every group
 * in the node's chain counts. The first few are looked at one by one (most
 * chains end there); the rest of a deep chain is summed once (late_sum()),
 * not walked for every node.
 */
#define LATE_WALK 8

static bool node_is_late(struct cross_dev *cd, const struct drc_node *n)
{
	struct drc_group *g = n->group;

	if (!cd || cd->memo_off || cd->unsettled)
		return node_is_late_walk(n);
	for (unsigned k = 0; g && k < LATE_WALK; g = g->parent, k++)
		if (g->state == DRC_GROUP_RELEASED && g->was_open && n->run != g->open_run &&
		    !(g->ctx_dev && n->ctx_dev == g->ctx_dev))
			return true;
	return g && !sum_covers(late_sum(cd, g), n->run, n->ctx_dev);
}

/* ---- judging ---- */

/* The nodes an open group swept although added after it was opened: each
 * as the finding's evidence, and named in @what for its text. */
static void late_nodes(struct drc_ctx *ctx, struct finding_store *fs, struct drc_device *dev,
		       const struct rel_rec *recs, unsigned n, bool skip_markers, const char *note,
		       struct strbuf *what)
{
	char sz[40];

	for (unsigned i = 0; i < n; i++) {
		const struct rel_rec *r = &recs[i];

		if (!r->late || (skip_markers && r->marker))
			continue;
		finding_rec(ctx, fs, dev, r, note);
		size_str(sz, sizeof(sz), r->size);
		if (what->len < 400 && strbuf_appendf(what, "%s%s (%s, added at line %" PRIu64 ")",
						      what->len ? ", " : "", r->name, sz, r->added.line) < 0)
			rules_nomem(ctx);
	}
}

/* The batch's group was closed, and opened in @other's probe or in a probe
 * of its own device nested in it: the usual teardown of a component bind. */
static bool bind_intended(const struct cross_batch *cb, const struct drc_device *other)
{
	return !cb->open_groups && (cb->group_ctx == other || (!cb->group_ctx && cb->group_outer == other));
}

static void judge_batch(struct drc_ctx *ctx, struct drc_device *dev, struct drc_batch *b,
			const struct cross_batch *cb)
{
	struct rules_ctx *rc = ctx->rules;
	struct rules_batch *rb = b->rules;
	struct drc_device *other = b->next_dev ? b->next_dev : b->prev_dev;
	struct finding_store *fs;
	char a[300], o[300];
	unsigned late = 0, resources = 0;
	const char *late_class = NULL;
	const struct drc_device *prober;
	bool intended, uncertain;

	if (!other || other == dev || !(cb->open_groups + cb->closed_groups)) {
		if (cb->open_groups + cb->closed_groups)
			explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release declined for %s: its "
				"group release is next to no other device's releases", b->first.line, b->last.line,
				dev->name);
		return;
	}
	/* the device's own teardown continuing right after: it is unbinding too */
	if (rc->cur_dev == dev && rc->cur_op == DRC_OP_REL && rc->activity == rb->quiet_at_end &&
	    !(rc->cur_ts >= 0 && b->last_ts >= 0 && rc->cur_ts - b->last_ts > rules_gap_limit(rc))) {
		explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release declined for %s next to %s: "
			"its own release of everything follows without a pause, so it is unbinding too",
			b->first.line, b->last.line, dev->name, other->name);
		return;
	}
	for (unsigned i = 0; i < rb->nrecs; i++) {
		if (rb->recs[i].marker)
			continue;
		resources++;
		if (rb->recs[i].late) {
			late++;
			if (!late_class)
				late_class = drc_ctx_classify(ctx, rb->recs[i].name);
		}
	}
	dev_label(dev, a, sizeof(a));
	dev_label(other, o, sizeof(o));
	intended = bind_intended(cb, other);
	/* the group's grp< fell into a gap the capture itself reports: who
	 * opened it, and whether it was closed, is not known */
	uncertain = !intended && !cb->group_open.line && rc->lost;
	/* ...or the lines before its grp< in its run are not in the capture
	 * (it starts there, or they were lost): it may have been the other's */
	uncertain = uncertain || (!intended && cb->group_ctx_unknown);
	prober = cb->group_ctx ? cb->group_ctx : intended ? cb->group_outer : NULL;
	explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release on %s inside %s's teardown: group opened "
		"at line %" PRIu64 " by %s%s, %s; %s", b->first.line, b->last.line, dev->name, other->name,
		cb->group_open.line, cb->group_ctx ? cb->group_ctx->name : intended ? dev->name : "an unknown context",
		!cb->group_ctx && intended ? " probing inside the other's probe" : "",
		cb->open_groups ? "never closed" : "closed",
		intended ? "all set up by that probe: info" :
		!uncertain ? "warning" : cb->group_ctx_unknown ? "the lines before it in its run are not in the capture: "
		"info (uncertain)" : "its opening fell into a counted loss: info (uncertain)");

	fs = finding_new(ctx, &rule_cross_device_release,
			 intended || uncertain ? DRC_SEVERITY_INFO : DRC_SEVERITY_WARNING, dev, other);
	if (fs) {
		finding_evidence(ctx, fs, &cb->group_open);
		finding_evidence(ctx, fs, &b->first);
		finding_evidence(ctx, fs, &b->last);
		if (other->rules)
			finding_evidence(ctx, fs, &other->rules->unbind);
		for (unsigned i = 0; i < rb->nrecs; i++) {
			const struct rel_rec *r = &rb->recs[i];

			finding_rec(ctx, fs, dev, r,
				    r->marker ? "group bookkeeping" :
				    r->late ? "added after the group was opened" :
				    r->ctx_dev == other ? "added during the other device's probe" :
				    r->known ? "group member" : "ADD not in the capture");
		}
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("%s: %u node%s released inside %s's teardown while it stays bound",
				       a, resources, resources == 1 ? "" : "s", o),
			xstrdup_printf("devres_release_group() on %s ran next to %s's own releases (lines %" PRIu64
				       "-%" PRIu64 "), so %s's unbind or remove released a group that lives on %s. "
				       "The group was opened at line %" PRIu64 "%s%s and %s. %s",
				       dev->name, o, b->first.line, b->last.line, other->name, dev->name,
				       cb->group_open.line, prober ? ", during the probe of " : "",
				       prober ? prober->name : "",
				       cb->open_groups ? "was never closed" : "had been closed",
				       intended ? "Everything in it was set up by that probe: this is the usual "
						  "teardown of a component or aggregate bind." :
				       uncertain && cb->group_ctx_unknown ?
				       "Uncertain: the capture does not have the lines before the group's opening in "
				       "its run (it starts there, or they were lost), so whose probe opened it, this "
				       "device's or the other's, is not known." :
				       uncertain ? "Uncertain: the group was opened before the operations the "
						   "capture reports lost, so who opened it is not known." :
				       "The device that stays bound may still use what was released."),
			intended ? xstrdup_printf("Nothing to fix if %s keeps no pointer into what the group "
						  "held.", dev->name) :
			xstrdup_printf("Close a group opened on another device's behalf as soon as the bind is "
				       "done (devres_close_group()), so that its release takes only what the bind "
				       "set up."));
	}

	if (!cb->open_groups || !late) {
		explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": open-group-swept declined for %s: %s", b->first.line,
			b->last.line, dev->name, !cb->open_groups ? "the group had been closed" :
			"every node it swept came in the run that opened it, or from the same probe");
		return;
	}
	fs = finding_new(ctx, &rule_open_group_swept, DRC_SEVERITY_ERROR, dev, other);
	if (!fs)
		return;
	finding_evidence(ctx, fs, &cb->group_open);
	finding_evidence(ctx, fs, &b->first);
	if (other->rules)
		finding_evidence(ctx, fs, &other->rules->unbind);
	{
		struct strbuf what = STRBUF_INIT;

		late_nodes(ctx, fs, dev, rb->recs, rb->nrecs, false, "added after the group was opened", &what);
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("open group on %s swept %u node%s added after it was opened, during %s's unbind",
				       a, late, late == 1 ? "" : "s", o),
			xstrdup_printf("The group opened on %s at line %" PRIu64 "%s%s%s was never closed, so every "
				       "node added to the device afterwards joined it. Its release during %s's unbind "
				       "(line %" PRIu64 ") swept %s, added after the group was opened, while %s "
				       "stays bound: %s.",
				       a, cb->group_open.line, cb->group_ctx ? " (during the probe of " : "",
				       cb->group_ctx ? cb->group_ctx->name : "", cb->group_ctx ? ")" : "", o,
				       b->first.line, what.buf ? what.buf : "", a,
				       consequence(late_class ? late_class : "other")),
			xstrdup_printf("Close the group once the code that opened it is done (devres_close_group(), "
				       "as component.c does since \"component: do not leave master devres group "
				       "open after bind\"), so later devm_*() calls on %s stay outside it.", a));
		strbuf_done(&what);
	}
}

/* The late-start group release is shown: report it as judge_batch() would. */
static void late_group_fire(struct drc_ctx *ctx, struct cross_dev *cd, struct drc_device *dev, const char *why)
{
	struct late_group *lg = cd->late;
	struct drc_device *other = lg->other;
	const struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;
	struct strbuf what = STRBUF_INIT;
	unsigned resources = 0, late = 0;
	const char *late_class = NULL;
	char a[300], o[300], note[300] = "", opened[64] = "before the capture started";
	/* a loss the capture reported before the release may be where its
	 * grp< went, and the lines that told who added what: not a late start
	 * then, and what it shows is uncertain */
	bool unsure = loss_before(rc, &lg->last, false);

	cd->late = NULL;
	if (unsure)
		uncertain_note(rc, sizeof(note), note);
	for (unsigned i = 0; i < lg->nrecs; i++) {
		struct rel_rec *r = &lg->recs[i];

		if (r->marker)
			continue;
		resources++;
		/* seen added by the device's own code: after the unseen grp< (not
		 * when the lines before its ADD were lost: another device's
		 * probe may have added it); a group in the capture told it */
		if (!lg->seen)
			r->late = r->known && r->ctx_dev != other && !r->ctx_lost;
		if (r->late) {
			late++;
			if (!late_class)
				late_class = drc_ctx_classify(ctx, r->name);
		}
	}
	explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": the release on %s next to %s's was a group release: %s",
		lg->first.line, lg->last.line, dev->name, other->name, why);
	dev_label(dev, a, sizeof(a));
	dev_label(other, o, sizeof(o));
	fs = finding_new(ctx, &rule_cross_device_release,
			 unsure || lg->intended || lg->ctx_unknown ? DRC_SEVERITY_INFO : DRC_SEVERITY_WARNING, dev, other);
	if (fs) {
		finding_evidence(ctx, fs, &lg->first);
		finding_evidence(ctx, fs, &lg->last);
		for (unsigned i = 0; i < lg->nrecs; i++) {
			const struct rel_rec *r = &lg->recs[i];

			finding_rec(ctx, fs, dev, r, r->marker ? (lg->seen ? "group bookkeeping" :
								   "group bookkeeping, opened before the capture") :
				    r->late ? "added by the device itself" :
				    r->ctx_lost ? "added right after lost lines: by whom is not known" :
				    r->known ? "group member" : "ADD not in the capture");
		}
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("%s: %u node%s released inside %s's teardown while it stays bound", a,
				       resources, resources == 1 ? "" : "s", o),
			xstrdup_printf("%s, so the release at lines %" PRIu64 "-%" PRIu64 " reads like a release "
				       "of everything of %s; but it ran next to %s's own releases and %s stayed "
				       "bound: %s. It was a devres_release_group() by %s's unbind or remove, of a "
				       "group that lives on %s. %s%s",
				       lg->seen ? "The capture starts after the device's own probe (the group and "
						  "what followed it are all it shows of the device's list)" :
						  "The capture starts after the group was opened (its grp< is not in it)",
				       lg->first.line, lg->last.line, dev->name, other->name, dev->name, why,
				       other->name, dev->name,
				       lg->intended ? "The group had been closed and was opened in that device's "
						      "probe: the usual teardown of a component or aggregate bind." :
				       lg->ctx_unknown ? "Uncertain: the capture starts in the run that opened the "
							 "group, so whose probe opened it is not known." :
						      "The device that stays bound may still use what was released.",
				       note),
			lg->intended ?
			xstrdup_printf("Nothing to fix if %s keeps no pointer into what the group held.", dev->name) :
			xstrdup_printf("Close a group opened on another device's behalf as soon as the bind is "
				       "done (devres_close_group()), so that its release takes only what the bind "
				       "set up. Capture from boot to see who opened it."));
	}
	if (lg->seen)
		snprintf(opened, sizeof(opened), "at line %" PRIu64, lg->group_open.line);
	if (late) {
		fs = finding_new(ctx, &rule_open_group_swept, unsure ? DRC_SEVERITY_INFO : DRC_SEVERITY_ERROR, dev,
				 other);
		if (fs) {
			finding_evidence(ctx, fs, &lg->first);
			late_nodes(ctx, fs, dev, lg->recs, lg->nrecs, true,
				   "added by the device itself after the group was opened", &what);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("open group on %s swept %u node%s added after it was opened, during "
					       "%s's unbind", a, late, late == 1 ? "" : "s", o),
				xstrdup_printf("A group on %s opened %s was still open when "
					       "%s itself added %s, so they joined it; its release during %s's unbind "
					       "(line %" PRIu64 ") swept them while %s stays bound: %s.%s", a, opened,
					       dev->name, what.buf ? what.buf : "", o, lg->first.line, a,
					       consequence(late_class ? late_class : "other"), note),
				xstrdup_printf("Close the group once the code that opened it is done "
					       "(devres_close_group()), so later devm_*() calls on %s stay outside it.",
					       a));
		}
	}
	strbuf_done(&what);
	free(lg);
}

/* the device added nodes since: a probe may have run */
static bool late_added(const struct late_group *lg, const struct drc_device *dev)
{
	return dev->order_next != lg->order_next;
}

static void late_group_decline(struct drc_ctx *ctx, struct cross_dev *cd, struct drc_device *dev, const char *why)
{
	struct late_group *lg = cd->late;

	explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release declined for %s next to %s: %s",
		lg->first.line, lg->last.line, dev->name, lg->other->name, why);
	free(lg);
	cd->late = NULL;
}

/* A release of everything: the late-start group release it may have been. */
static void release_all(struct drc_ctx *ctx, struct cross_dev *cd, struct drc_device *dev, struct drc_batch *b,
			const struct cross_batch *cb)
{
	struct drc_device *other = b->next_dev ? b->next_dev : b->prev_dev;
	struct late_group *lg;

	if (cd->late)
		late_group_decline(ctx, cd, dev, "a later release of everything was judged first");
	if (!cb || b->probe_failure || !b->groups)
		return;
	/* its group not in the capture, or the group and all the capture knew
	 * of the list after it */
	if (!(b->unknown && !(cb->open_groups + cb->closed_groups)) && !b->whole_group)
		return;
	if (!other || other == dev || other->boot != dev->boot || !(lg = rules_calloc(ctx, 1, sizeof(*lg))))
		return;
	lg->other = other;
	lg->seen = cb->open_groups + cb->closed_groups > 0;
	lg->group_open = cb->group_open;
	lg->intended = lg->seen && bind_intended(cb, other);
	lg->ctx_unknown = lg->seen && !lg->intended && cb->group_ctx_unknown;
	lg->other_follows = other == b->next_dev;
	lg->order_next = dev->order_next;
	lg->first = b->first;
	lg->last = b->last;
	lg->uevents_at_end = b->rules->uevents_at_end;
	lg->nrecs = MIN(b->rules->nrecs, (unsigned)FINDING_NODES_MAX);
	memcpy(lg->recs, b->rules->recs, lg->nrecs * sizeof(lg->recs[0]));
	cd->late = lg;
	explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": %s released a group not seen opened, then the rest "
		"of its list, next to %s's releases: a release of everything, or a group release "
		"by %s's teardown; what %s does next decides", b->first.line, b->last.line,
		dev->name, other->name, other->name, dev->name);
}

/* A release in a batch: the groups it releases, and whether the node came late. */
static void released(const struct rule_call *c, const struct drc_model_event *e)
{
	struct cross_dev *cd = c->dev_state;
	struct cross_batch *cb = c->batch_state;
	struct drc_node *n = e->node;
	struct rel_rec *r = c->rc->cur_rec;

	if (cd)
		cd->unsettled = false;  /* the model marked the last one released */

	if (n && n->kind == DRC_NODE_GROUP_OPEN && n->group) {
		struct drc_group *g = n->group;

		g->was_open = g->state == DRC_GROUP_OPEN;
		if (cb->open_groups + cb->closed_groups == 0) {
			cb->group_ctx = g->ctx_dev;
			cb->group_outer = g->outer_dev;
			cb->group_ctx_unknown = g->ctx_unknown;
			cb->group_open = g->open_origin;
		}
		if (g->was_open) {
			cb->open_groups++;
			if (cd)
				memo_released_open(c->ctx, cd, g);
		} else {
			cb->closed_groups++;
		}
	}
	if (!r || !n || c->rc->cur_marker)
		return;
	r->late = node_is_late(cd, n);
	if (n->group && n->group->state == DRC_GROUP_RELEASED && n->group->was_open)
		explain(c->ctx, "line %" PRIu64 ": %s on %s (added at line %" PRIu64 ", run %u) in the never-closed "
			"group opened at line %" PRIu64 " (run %u): %s", e->ev->origin.line, e->ev->name,
			e->dev->name, n->origin.line, n->run, n->group->open_origin.line, n->group->open_run,
			r->late ? "added after the opener returned" :
			n->run == n->group->open_run ? "same run as the opening" :
			"added by the same probe after a pause");
}

/*
 * The release came right before the other device's own releases, so inside
 * its remove() or before its teardown began. dd.c sends KOBJ_UNBIND only
 * after devres_release_all() returns, and uevents reach a reader in the
 * order the kernel sent them (one socket, one sequence): had this device
 * been unbound inside the other's teardown, or before it, its unbind would
 * come before the other's. When it arrives, the other device having an
 * unbind or remove since its last bind uevent (or no bind in the capture)
 * means the other's teardown ended first: the batch was not this device's
 * unbind. Where the order of a teardown's lines and its uevent cannot be
 * trusted (they come from two sources), only uevents are compared here.
 */
static bool other_unbound_first(const struct late_group *lg)
{
	const struct rules_dev *od = lg->other->rules;

	return lg->other_follows && od && od->unbind_seq && od->unbind_seq > od->bind_seq;
}

static void uevent(const struct rule_call *c, const struct drc_model_event *e)
{
	struct cross_dev *cd = c->dev_state;
	const char *action = e->uevent->action;
	struct late_group *lg;

	if (!cd || !(lg = cd->late) || (strcmp(action, "unbind") != 0 && strcmp(action, "remove") != 0))
		return;
	if (lg->other->rules && lg->other->rules->unbind_seq > lg->uevents_at_end)
		late_group_fire(c->ctx, cd, e->dev, "its own unbind came only after the other device's");
	else if (other_unbound_first(lg))
		late_group_fire(c->ctx, cd, e->dev, "its own unbind came after the unbind of the other device, "
				"whose teardown held the release: an unbind nested in that teardown sends its "
				"own uevent first");
	else
		late_group_decline(c->ctx, cd, e->dev, "its own unbind followed the release");
}

static void device_end(const struct rule_call *c, const struct drc_model_event *e)
{
	struct cross_dev *cd = c->dev_state;
	struct drc_device *dev = e->dev;
	const struct late_group *lg = cd ? cd->late : NULL;

	if (!lg)
		return;
	if (c->rc->uevents && lg->other->rules && lg->other->rules->unbind_seq > lg->uevents_at_end &&
	    dev->rules->unbind_seq <= lg->uevents_at_end)
		late_group_fire(c->ctx, cd, dev, "the capture holds uevents, the other device's unbind among them, "
				"and none of its own after the release");
	else
		late_group_decline(c->ctx, cd, dev, "nothing after it shows whether it stayed bound");
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct cross_dev *cd = c->dev_state;

	switch (e->kind) {
	case DRC_MEV_OP:        /* a REM */
		if (cd && cd->late && !late_added(cd->late, e->dev))
			late_group_fire(c->ctx, cd, e->dev, "a removal from its list follows, with no probe in between");
		break;
	case DRC_MEV_BATCH_START:
		if (cd && cd->late && !late_added(cd->late, e->dev))
			late_group_fire(c->ctx, cd, e->dev, "it released again later with nothing added in between");
		break;
	case DRC_MEV_RELEASED:
		released(c, e);
		break;
	case DRC_MEV_BATCH_END:
		if (c->batch_state && e->batch->kind != DRC_BATCH_RELEASE_ALL && !e->batch->probe_failure)
			judge_batch(c->ctx, e->dev, e->batch, c->batch_state);
		break;
	case DRC_MEV_RELEASE_ALL:
		if (cd)
			release_all(c->ctx, cd, e->dev, e->batch, c->batch_state);
		break;
	case DRC_MEV_UEVENT:
		uevent(c, e);
		break;
	case DRC_MEV_DEVICE_END:
		device_end(c, e);
		break;
	default:
		break;
	}
}

static void dev_done(void *state)
{
	struct cross_dev *cd = state;

	free(cd->late);
	free(cd->st_depth);
	free(cd->st_at);
}

const struct drc_rule rule_cross_device_release = {
	.info = { "cross-device-release", DRC_SEVERITY_WARNING,
		  "a group on one device released inside another device's unbind while the first stays bound" },
	.order = 40,
	.events = RULE_EV(DRC_MEV_OP) | RULE_EV(DRC_MEV_BATCH_START) |
		  RULE_EV(DRC_MEV_RELEASED) | RULE_EV(DRC_MEV_BATCH_END) | RULE_EV(DRC_MEV_RELEASE_ALL) |
		  RULE_EV(DRC_MEV_UEVENT) | RULE_EV(DRC_MEV_DEVICE_END),
	.ops = RULE_OP(DRC_OP_REM),
	.dev_size = sizeof(struct cross_dev),
	.batch_size = sizeof(struct cross_batch),
	.handle = handle,
	.dev_done = dev_done,
};

/* judged with cross-device-release, above */
const struct drc_rule rule_open_group_swept = {
	.info = { "open-group-swept", DRC_SEVERITY_ERROR,
		  "the release of a never-closed group swept nodes added after the code that opened it returned" },
};
