// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * release-order: a batch releases nodes in reverse list order. Releases out
 * of that order mean lost lines or nodes released singly while the batch
 * ran; and a runtime-PM action (devm_pm_runtime_enable()) released after
 * hardware resources its suspend callback may need means they were
 * acquired after it (the geni SPI release order, seed 09).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "rules.h"

struct order_batch {
	bool late_action;               /* a suspend-capable action was released late */
	unsigned recs_before;           /* the batch's records before it */
	struct rel_rec action;          /* it (it may be past the records kept) */
	unsigned hw_before_suspend;     /* hardware resources released before it */
};

static void judge_suspend_order(struct drc_ctx *ctx, struct drc_device *dev, struct drc_batch *b,
				const struct order_batch *ob)
{
	struct rules_batch *rb = b->rules;
	const struct rel_rec *s = &ob->action;
	struct strbuf used = STRBUF_INIT;
	struct finding_store *fs;
	char a[300];

	fs = finding_new(ctx, &rule_release_order, DRC_SEVERITY_WARNING, dev, NULL);
	if (!fs)
		return;
	for (unsigned i = 0, listed = 0; i < rb->nrecs && i < ob->recs_before; i++) {
		const struct rel_rec *r = &rb->recs[i];

		if (r->marker || !(r->flags & DRC_KB_HW))
			continue;
		/* room is left for the action itself */
		if (++listed < FINDING_NODES_MAX)
			finding_rec(ctx, fs, dev, r, "released before the runtime-PM action");
		if (used.len < 300 && strbuf_appendf(&used, "%s%s", used.len ? ", " : "", r->name) < 0)
			rules_nomem(ctx);
	}
	finding_rec(ctx, fs, dev, s, "runtime-PM action released late");
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %s released after %u hardware resource%s it may need", a, s->name,
			       ob->hw_before_suspend, ob->hw_before_suspend == 1 ? "" : "s"),
		xstrdup_printf("In the %s at lines %" PRIu64 "-%" PRIu64 ", %s ran after %s. Releases run in "
			       "reverse order of acquisition, so runtime PM was enabled before these were "
			       "acquired; the runtime-suspend callback it may run then finds them released "
			       "(warnings such as __icc_enable, clock or regulator underflows).",
			       b->probe_failure || b->kind == DRC_BATCH_RELEASE_ALL ? "release of all resources" :
			       "release", b->first.line, b->last.line, s->name, used.buf ? used.buf : "?"),
		xstrdup_printf("Acquire the resources the runtime-PM callbacks use before "
			       "devm_pm_runtime_enable(), so that the PM action is released first."));
	strbuf_done(&used);
}

static void judge_out_of_order(struct drc_ctx *ctx, struct drc_device *dev, struct drc_batch *b)
{
	const struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;
	char a[300], note[300];
	/*
	 * The list a batch is checked against is the one the capture gave: a
	 * loss it reported before the batch or inside it (kmsg overrun, a lost
	 * trace page) may have taken an ADD or a REL of this device, or joined
	 * the start of one release to the end of a later one, and then the
	 * order as read is not the kernel's. Lines the capture did not report
	 * lost keep it a warning.
	 */
	bool unsure = loss_before(rc, &b->last, false);

	fs = finding_new(ctx, &rule_release_order, unsure ? DRC_SEVERITY_INFO : DRC_SEVERITY_WARNING, dev, NULL);
	if (!fs)
		return;
	finding_evidence(ctx, fs, &b->first);
	finding_evidence(ctx, fs, &b->last);
	dev_label(dev, a, sizeof(a));
	if (unsure)
		snprintf(note, sizeof(note), " Uncertain after %" PRIu64 " lost operation%s (first at line %" PRIu64
			 "): the list it was read against may lack what they did.", rc->lost, rc->lost == 1 ? "" : "s",
			 rc->lost_first.line);
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %u release%s out of list order in lines %" PRIu64 "-%" PRIu64 "%s", a,
			       b->out_of_order, b->out_of_order == 1 ? "" : "s", b->first.line, b->last.line,
			       unsure ? ": uncertain after lost operations" : ""),
		xstrdup_printf("A batch releases nodes in reverse list order; %u release%s did not follow it. "
			       "Either lines are missing from the capture (an ADD or a REL), or something "
			       "released nodes singly (devres_release(), devm_release_action()) while the "
			       "batch ran.%s", b->out_of_order, b->out_of_order == 1 ? "" : "s", unsure ? note : ""),
		xstrdup_printf("Check the capture for dropped lines first; otherwise look for a release "
			       "callback that releases other devres nodes of %s.", dev->name));
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct order_batch *ob = c->batch_state;

	switch (e->kind) {
	case DRC_MEV_RELEASED: {
		unsigned flags = c->rc->cur_kb ? c->rc->cur_kb->flags : 0;

		if (c->rc->cur_marker)
			break;
		if ((flags & DRC_KB_SUSPEND) && !ob->late_action && ob->hw_before_suspend) {
			/* judged with the records before it, kept or not */
			ob->late_action = true;
			ob->recs_before = e->batch->rules->nrecs - (c->rc->cur_rec ? 1 : 0);
			ob->action = *c->rc->cur;
		} else if ((flags & DRC_KB_HW) && !ob->late_action) {
			ob->hw_before_suspend++;
		}
		break;
	}
	case DRC_MEV_BATCH_END:
		if (ob && ob->late_action)
			judge_suspend_order(c->ctx, e->dev, e->batch, ob);
		if (e->batch->out_of_order)
			judge_out_of_order(c->ctx, e->dev, e->batch);
		break;
	default:
		break;
	}
}

const struct drc_rule rule_release_order = {
	.info = { "release-order", DRC_SEVERITY_WARNING,
		  "releases out of list order, or a runtime-PM action released after the resources it uses" },
	.order = 50,
	.events = RULE_EV(DRC_MEV_RELEASED) | RULE_EV(DRC_MEV_BATCH_END),
	.batch_size = sizeof(struct order_batch),
	.handle = handle,
};
