// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * add-during-release and resources-before-probe. devres_release_all()
 * takes the whole list off the device before it runs the release
 * callbacks, so a devm_*() call from one of them adds to the emptied list:
 * nothing releases those nodes at that unbind (add-during-release), and the
 * next probe finds them (resources-before-probe, as does a probe after
 * someone added nodes while no driver was bound; since v5.12
 * really_probe() refuses it with "Resources present before probing").
 */
#include "config.h"

#include <inttypes.h>

#include "rules.h"

/* the nodes a release callback added during its last release of everything */
struct during_dev {
	uint64_t from, to;              /* list orders [from, to) */
	struct drc_origin at;
};

/* A release callback called devm_*() on the device being torn down. */
static void judge_added_during(struct drc_ctx *ctx, struct during_dev *dd, struct drc_device *dev,
			       struct drc_batch *b, unsigned added)
{
	/* with lost operations, a missing REL (or a copy of the other witness
	 * that could not be matched) can look the same */
	bool unsure = ctx->rules->lost;
	struct finding_store *fs = finding_new(ctx, &rule_add_during_release,
					       unsure ? DRC_SEVERITY_INFO : DRC_SEVERITY_ERROR, dev, NULL);
	struct strbuf what = STRBUF_INIT;
	struct drc_node *first = NULL;
	char a[300], note[200] = "";

	if (!fs)
		return;
	finding_evidence(ctx, fs, &b->first);
	finding_evidence(ctx, fs, &b->last);
	if (dd) {
		dd->from = b->start_order;
		dd->to = b->proven_order;
		dd->at = b->first;
	}
	/* they are at the end of the list (model.c keeps it in order) */
	for (struct drc_node *n = dev->tail; n && n->order >= b->start_order; n = n->prev)
		first = n;
	for (struct drc_node *n = first; n && n->order < b->proven_order; n = n->next) {
		if (n->kind != DRC_NODE_RES && n->kind != DRC_NODE_REALLOC)
			continue;
		finding_live_node(ctx, fs, n, "added while the device's resources were being released");
		if (what.len < 300 && strbuf_appendf(&what, "%s%s (line %" PRIu64 ")", what.len ? ", " : "",
						     n->name ? n->name : "?", n->origin.line) < 0)
			rules_nomem(ctx);
	}
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %u node%s added while its release of all resources ran (lines %" PRIu64
			       "-%" PRIu64 "), left on the unbound device", a, added, added == 1 ? "" : "s",
			       b->first.line, b->last.line),
		xstrdup_printf("devres_release_all() takes the whole list off %s before it runs the release "
			       "callbacks, so a devm_*() call from one of them (%s) adds to the emptied list. "
			       "Nothing releases those nodes at this unbind: they stay on a device with no driver, "
			       "and the next probe of %s fails with \"Resources present before probing\".%s",
			       dev->name, what.buf ? what.buf : "?", dev->name,
			       unsure ? uncertain_note(ctx->rules, sizeof(note), note) : ""),
		xstrdup_printf("Do not call devm_*() from a release callback or a devm action; in teardown "
			       "paths shared with probe, use the plain allocation or check that the driver is "
			       "being removed."));
	strbuf_done(&what);
}

static void during_handle(const struct rule_call *c, const struct drc_model_event *e)
{
	/* only a release callback can have added them (model.c) */
	if (e->rall.added)
		judge_added_during(c->ctx, c->dev_state, e->dev, e->batch, e->rall.added);
}

const struct drc_rule rule_add_during_release = {
	.info = { "add-during-release", DRC_SEVERITY_ERROR,
		  "devres added to a device while its release of everything ran (a release callback calling devm): left on an unbound device" },
	.order = 20,
	.events = RULE_EV(DRC_MEV_RELEASE_ALL),
	.dev_size = sizeof(struct during_dev),
	.handle = during_handle,
};

/* ---- resources-before-probe ---- */

/* @evidence: the kernel's own "Resources present before probing" line, or
 * NULL at the first ADD of a probe */
static void check_before_probe(struct drc_ctx *ctx, struct drc_device *dev, const struct drc_origin *evidence)
{
	const struct during_dev *dd = rules_dev_state_of(ctx, dev, &rule_add_during_release);
	struct finding_store *fs = NULL;
	unsigned count = 0, during = 0;
	uint64_t bytes = 0;
	char a[300];

	for (struct drc_node *n = dev->head; n; n = n->next) {
		bool cb;

		if (n->kind == DRC_NODE_GROUP_CLOSE || (!evidence && !n->unbound_add))
			continue;
		if (!evidence && n->run == ctx->rules->run)
			continue;
		if (!fs) {
			fs = finding_new(ctx, &rule_resources_before_probe, DRC_SEVERITY_ERROR, dev, NULL);
			if (!fs)
				return;
			finding_evidence(ctx, fs, evidence);
		}
		/* added while a release of everything ran (judged, or still open) */
		cb = (dd && n->order >= dd->from && n->order < dd->to) ||
		     (dev->batch && dev->batch->kind == DRC_BATCH_RELEASE_ALL && n->order >= dev->batch->start_order &&
		      n->order < dev->batch->proven_order);
		during += cb;
		finding_live_node(ctx, fs, n, cb ? "added by a release callback during the last unbind" :
				  n->unbound_add ? "added while no driver was bound" : "on the list before the probe");
		count++;
		if (n->size != UINT64_MAX && n->kind != DRC_NODE_GROUP_OPEN)
			bytes += n->size;
	}
	if (!fs)
		return;
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s had %u devres node%s (%" PRIu64 " bytes) before its driver probed",
			       a, count, count == 1 ? "" : "s", bytes),
		during == count ?
		xstrdup_printf("When a driver probes, the device's devres list should be empty. These nodes were "
			       "added by a release callback while the unbind at line %" PRIu64 " released "
			       "everything (see add-during-release), and stay until device_del(). Since v5.12 "
			       "really_probe() refuses such a probe with -EBUSY (\"Resources present before "
			       "probing\").", dd && dd->at.line ? dd->at.line :
			       dev->batch ? dev->batch->first.line : 0) :
		xstrdup_printf("When a driver probes, the device's devres list should be empty: everything on it "
			       "was added by someone else while no driver was bound (the lines print the bus or "
			       "class, not a driver), and it will only be released at the next unbind or at "
			       "device_del(). Since v5.12 really_probe() refuses such a probe with -EBUSY "
			       "(\"Resources present before probing\")."),
		during == count ?
		xstrdup_printf("Do not call devm_*() from the release callbacks of %s.", dev->name) :
		xstrdup_printf("Find the code that calls devm_*() on %s while it has no driver (often a parent "
			       "or bus driver using the child's struct device) and use its own device, or plain "
			       "allocations it frees itself.", dev->name));
}

static void probe_handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_ctx *ctx = c->ctx;
	struct drc_device *dev = NULL;

	if (e->kind == DRC_MEV_ADDED) {
		const struct drc_node *n = e->node;
		const struct rules_dev *rd = e->dev->rules;

		/* the first ADD of a probe: is the list already populated? */
		if (rd && rd->probe_run == c->rc->run && !n->unbound_add && n->prev && n->prev->run != c->rc->run)
			check_before_probe(ctx, e->dev, NULL);
		return;
	}
	if (e->marker->what != DRC_MARK_RES_BEFORE_PROBE)
		return;
	if (e->marker->device && ctx->nboots)
		drc_ctx_find_device(ctx, e->marker->device, -1, &dev);
	if (dev)
		check_before_probe(ctx, dev, e->marker->origin);
}

const struct drc_rule rule_resources_before_probe = {
	.info = { "resources-before-probe", DRC_SEVERITY_ERROR,
		  "a device already had devres nodes when its driver probed" },
	.order = 140,
	.events = RULE_EV(DRC_MEV_ADDED) | RULE_EV(DRC_MEV_MARKER),
	.handle = probe_handle,
};
