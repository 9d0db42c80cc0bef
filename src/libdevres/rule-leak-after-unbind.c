// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * leak-after-unbind and per-cycle-growth: the nodes a driver's probe put on
 * other devices (the adding context, rules-core.c) that are still there
 * after the driver released everything; each bind adds more, and when what
 * is left after each unbind keeps growing, that is per-cycle-growth. Also,
 * at the end, nodes added to a device while no driver was bound that nobody
 * took back.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define FOREIGN_MAX 256
#define CYCLES_KEPT 8

struct foreign {
	struct drc_device *dev;
	uint64_t id, order;
	bool has_id;
};

struct leak_dev {
	struct foreign *foreign;        /* nodes its probes put on other devices */
	size_t nforeign, foreign_cap;
	/* its foreign nodes still live when its release of everything reached
	 * the head of its list (the batch is judged later, when they may be gone
	 * with the other device's own unbind) */
	const struct drc_batch *left_batch;
	unsigned left_at_end;
	bool leak_reported;
	unsigned left;                  /* still live at its last release of everything judged */
};

struct growth_dev {
	unsigned leftover[CYCLES_KEPT]; /* nodes left behind after each of its last unbinds */
	bool growth_reported;
};

/*
 * Its foreign nodes still live, forgetting the others; with @fs, listed in
 * it; with @b, the release of everything they are judged at. A node a
 * witness printed after the batch's last release was added after the
 * unbind, by a later probe: the model applied it before the batch only
 * because the two witnesses, merged after losses, were far apart. It is no
 * leftover of this unbind (one of its probe is printed before its release
 * in every witness), and it stays on the list for the next. When no
 * witness printed both (each copy's twin lost), their order is not known:
 * uncertain, and counted in @unordered too.
 */
static unsigned foreign_leftovers(struct drc_ctx *ctx, struct leak_dev *ld, struct drc_device *dev,
				  struct finding_store *fs, unsigned *uncertain, unsigned *unordered,
				  const struct drc_origin *until, const struct drc_batch *b)
{
	unsigned left = 0;
	size_t keep = 0;
	enum drc_order order;

	for (size_t i = 0; i < ld->nforeign; i++) {
		struct foreign *f = &ld->foreign[i];
		struct drc_node *n = f->has_id ? hashmap_get(&f->dev->ids, f->id) : NULL;

		if (!n || n->order != f->order || f->dev->boot != dev->boot)
			continue;
		ld->foreign[keep++] = *f;
		if (n->kind == DRC_NODE_GROUP_CLOSE)
			continue;
		order = drc_node_order(n, b);
		if (order == DRC_ORDER_AFTER) {
			if (uncertain)
				explain(ctx, "line %" PRIu64 ": %s on %s was printed after the release at line %" PRIu64
					" by a witness: a later probe's, not left by it", n->origin.line,
					n->name ? n->name : "?", f->dev->name, b->first.line);
			continue;
		}
		left++;
		if (uncertain && (fate_uncertain(ctx->rules, n, until) || order == DRC_ORDER_UNKNOWN))
			++*uncertain;
		if (unordered && order == DRC_ORDER_UNKNOWN)
			++*unordered;
		if (fs)
			finding_live_node(ctx, fs, n, order == DRC_ORDER_UNKNOWN ?
					  "added by this driver's probe or the next: no witness printed both its "
					  "ADD and the unbind" :
					  fate_uncertain(ctx->rules, n, until) ?
					  "added by this driver's probe, before the lost operations" :
					  "added by this driver's probe");
	}
	ld->nforeign = keep;
	return left;
}

/* A node added by another device's probe: that device's, for its unbind. */
static void added(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_device *cx = c->rc->next_ctx;
	struct drc_node *n = e->node;
	struct leak_dev *cl;

	if (!c->dev_state || !cx || n->kind == DRC_NODE_GROUP_CLOSE || !(cl = rule_dev_state(c, cx)))
		return;
	if (cl->nforeign == FOREIGN_MAX) {
		/* forget what is gone; if all is still live, the oldest half */
		foreign_leftovers(c->ctx, cl, cx, NULL, NULL, NULL, NULL, NULL);
		if (cl->nforeign == FOREIGN_MAX) {
			memmove(cl->foreign, cl->foreign + FOREIGN_MAX / 2, (FOREIGN_MAX / 2) * sizeof(*cl->foreign));
			cl->nforeign = FOREIGN_MAX / 2;
		}
	}
	if (cl->nforeign == cl->foreign_cap && cl->foreign_cap < FOREIGN_MAX) {
		size_t ncap = cl->foreign_cap ? cl->foreign_cap * 2 : 16;
		struct foreign *f = rules_realloc(c->ctx, cl->foreign, ncap, sizeof(*f));

		if (f) {
			cl->foreign = f;
			cl->foreign_cap = ncap;
		}
	}
	if (cl->nforeign < cl->foreign_cap)
		cl->foreign[cl->nforeign++] = (struct foreign){
			.dev = e->dev, .id = n->id, .order = n->order, .has_id = n->has_id };
}

static void release_all(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_ctx *ctx = c->ctx;
	struct rules_ctx *rc = c->rc;
	struct leak_dev *ld = c->dev_state;
	struct drc_device *dev = e->dev;
	struct drc_batch *b = e->batch;
	struct rules_dev *rd = dev->rules;
	unsigned left, uncertain = 0, unordered = 0;
	char unsure_buf[200];

	left = foreign_leftovers(ctx, ld, dev, NULL, &uncertain, &unordered, &b->last, b);
	if (ld->nforeign || left)
		explain(ctx, "line %" PRIu64 ": %s released everything; %u of the nodes its probes put on other "
			"devices are still live%s", b->first.line, dev->name, left,
			left && ld->leak_reported ? " (leak-after-unbind already reported)" : "");
	if (left && !ld->leak_reported) {
		bool unsure = uncertain == left;
		struct finding_store *fs = finding_new(ctx, &rule_leak_after_unbind,
						       unsure ? DRC_SEVERITY_INFO : DRC_SEVERITY_ERROR, dev, NULL);
		struct drc_device *where = NULL;
		char a[300];

		if (fs) {
			foreign_leftovers(ctx, ld, dev, fs, NULL, NULL, &b->last, b);
			finding_evidence(ctx, fs, &b->first);
			finding_evidence(ctx, fs, &rd->unbind);
			for (size_t i = 0; i < ld->nforeign && !where; i++)
				where = ld->foreign[i].dev;
			if (where) {
				fs->f.other_device = where->name;
				fs->f.other_driver = where->driver;
			}
			dev_label(dev, a, sizeof(a));
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%s's probe added %u node%s to %s that stay%s after its %s%s", a, left,
					       left == 1 ? "" : "s", where ? where->name : "another device",
					       left == 1 ? "s" : "",
					       b->probe_failure ? "failed probe" : "unbind",
					       unsure ? ": uncertain after lost operations" : ""),
				xstrdup_printf("While %s probed, devres nodes were added to %s's list (the lines "
					       "follow %s's own ADDs without a break). %s's resources were all "
					       "released at line %" PRIu64 ", but these stay until %s itself is "
					       "unbound or removed; every bind of %s adds more.%s",
					       dev->name, where ? where->name : "another device", dev->name, dev->name,
					       b->first.line, where ? where->name : "that device", dev->name,
					       !unsure ? "" : unordered ?
					       " Uncertain: no witness printed both the ADD of these nodes and this "
					       "release, each copy's twin lost, so which came first is not known "
					       "(a later probe's nodes, applied early, look the same)." :
					       uncertain_note(rc, sizeof(unsure_buf), unsure_buf)),
				xstrdup_printf("Pass %s's own struct device to the devm_*() calls (not its parent, "
					       "a sibling or a component master), or undo them in the driver's "
					       "remove().", dev->name));
		}
		/* an uncertain one does not hide a certain one later */
		ld->leak_reported = !unsure;
	}
	if (ld->left_batch == b)
		left = MAX(left, ld->left_at_end);
	ld->left_batch = NULL;
	ld->left = left;
}

/* Added while no driver was bound, and nobody took them back. */
static void device_end(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_ctx *ctx = c->ctx;
	struct drc_device *dev = e->dev;
	struct finding_store *fs = NULL;
	unsigned count = 0;
	char a[300];

	if (!dev->live || (dev->state != DRC_DEVICE_UNBOUND && dev->state != DRC_DEVICE_PROBE_FAILED))
		return;
	for (struct drc_node *n = dev->head; n; n = n->next) {
		if (!n->unbound_add || n->kind == DRC_NODE_GROUP_CLOSE)
			continue;
		if (!fs && !(fs = finding_new(ctx, &rule_leak_after_unbind, DRC_SEVERITY_WARNING, dev, NULL)))
			break;
		finding_live_node(ctx, fs, n, "added while no driver was bound");
		count++;
	}
	if (!fs)
		return;
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %u node%s added while no driver was bound, still live at the end",
			       a, count, count == 1 ? "" : "s"),
		xstrdup_printf("These ADD lines print the bus or class, not a driver: someone added "
			       "devres to %s while it had no driver. They stay until the device is "
			       "removed, and make the next probe fail (\"Resources present before "
			       "probing\").", dev->name),
		xstrdup_printf("Use the struct device of the driver that owns the resource."));
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct leak_dev *ld = c->dev_state;
	const struct drc_node *n = e->node;

	switch (e->kind) {
	case DRC_MEV_ADDED:
		added(c, e);
		break;
	case DRC_MEV_RELEASED:
		/* the walk reached the head of the list */
		if (ld && c->rc->cur_rec && n && !n->prev && e->batch->kind == DRC_BATCH_RELEASE_ALL &&
		    ld->nforeign) {
			ld->left_batch = e->batch;
			ld->left_at_end = foreign_leftovers(c->ctx, ld, e->dev, NULL, NULL, NULL, NULL, e->batch);
		}
		break;
	case DRC_MEV_RELEASE_ALL:
		if (ld)
			release_all(c, e);
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
	struct leak_dev *ld = state;

	free(ld->foreign);
}

const struct drc_rule rule_leak_after_unbind = {
	.info = { "leak-after-unbind", DRC_SEVERITY_ERROR,
		  "nodes still live after the unbind of the driver that added them, or added while no driver was bound" },
	.order = 70,
	.events = RULE_EV(DRC_MEV_ADDED) | RULE_EV(DRC_MEV_RELEASED) | RULE_EV(DRC_MEV_RELEASE_ALL) |
		  RULE_EV(DRC_MEV_DEVICE_END),
	.dev_size = sizeof(struct leak_dev),
	.handle = handle,
	.dev_done = dev_done,
};

/* ---- per-cycle-growth ---- */

static bool growing(const struct growth_dev *gd, unsigned cycles)
{
	unsigned n = MIN(cycles, (unsigned)CYCLES_KEPT);

	if (n < 3)
		return false;
	for (unsigned i = n - 3; i + 1 < n; i++)
		if (gd->leftover[i + 1] <= gd->leftover[i])
			return false;
	return gd->leftover[n - 1] > 0;
}

static void growth_handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_ctx *ctx = c->ctx;
	struct growth_dev *gd = c->dev_state;
	struct drc_device *dev = e->dev;
	const struct leak_dev *ld;
	struct finding_store *fs;
	unsigned cycles, n;
	char a[300];

	if (!gd)
		return;
	cycles = dev->rules->cycles;
	if (e->kind == DRC_MEV_RELEASE_ALL) {
		/* what stays after this unbind: its own list, and its nodes elsewhere */
		ld = rules_dev_state_of(ctx, dev, &rule_leak_after_unbind);
		if (cycles < CYCLES_KEPT) {
			gd->leftover[cycles] = ld->left + dev->live;
		} else {
			memmove(gd->leftover, gd->leftover + 1, (CYCLES_KEPT - 1) * sizeof(gd->leftover[0]));
			gd->leftover[CYCLES_KEPT - 1] = ld->left + dev->live;
		}
		return;
	}
	if (!growing(gd, cycles) || gd->growth_reported)
		return;
	n = MIN(cycles, (unsigned)CYCLES_KEPT);
	fs = finding_new(ctx, &rule_per_cycle_growth, DRC_SEVERITY_WARNING, dev, NULL);
	if (fs) {
		struct strbuf s = STRBUF_INIT;

		for (unsigned i = 0; i < n; i++)
			if (strbuf_appendf(&s, "%s%u", i ? ", " : "", gd->leftover[i]) < 0)
				rules_nomem(ctx);
		dev_label(dev, a, sizeof(a));
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("%s: nodes left behind grow with every unbind (%s)", a, s.buf ? s.buf : ""),
			xstrdup_printf("After each of the last %u unbinds of %s (of %u), the nodes left "
				       "behind by its probes were: %s. Something is added on every bind "
				       "and never released.", n, dev->name, cycles, s.buf ? s.buf : ""),
			xstrdup_printf("See the leak-after-unbind finding for %s for the nodes.", dev->name));
		strbuf_done(&s);
	}
	gd->growth_reported = true;
}

const struct drc_rule rule_per_cycle_growth = {
	.info = { "per-cycle-growth", DRC_SEVERITY_WARNING,
		  "nodes left behind after each bind/unbind cycle keep growing" },
	.order = 110,
	.events = RULE_EV(DRC_MEV_RELEASE_ALL) | RULE_EV(DRC_MEV_DEVICE_END),
	.dev_size = sizeof(struct growth_dev),
	.handle = growth_handle,
};
