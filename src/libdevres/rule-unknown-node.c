// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * unknown-node: releases or removals of nodes whose ADD is not in the
 * capture (a late start, a wrapped ring, devres.log switched on at run
 * time). A gap in the capture, not an error: one finding per device, with
 * the first of them, at the end of the boot.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "rules.h"

struct unknown_dev {
	uint64_t unknown;
	uint64_t same_id;               /* of those, ids equal to the one before */
	uint64_t last_id;
	struct drc_origin first;
	const char *name;               /* the first one's (interned: lives with the context) */
};

static void device_end(struct drc_ctx *ctx, struct drc_device *dev, const struct unknown_dev *ud)
{
	struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;
	char a[300], lost_note[200] = "";

	if (loss_before(rc, &ud->first, true))
		snprintf(lost_note, sizeof(lost_note), " The capture itself reports %" PRIu64 " operation%s "
			 "lost before it was read (line %" PRIu64 "), which explains them.", rc->lost,
			 rc->lost == 1 ? "" : "s", rc->lost_first.line);
	fs = finding_new(ctx, &rule_unknown_node, DRC_SEVERITY_INFO, dev, NULL);
	if (!fs)
		return;
	finding_evidence(ctx, fs, &ud->first);
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %" PRIu64 " release%s or removal%s of nodes whose ADD is not in "
			       "the capture (first at line %" PRIu64 ": %s)", a, ud->unknown,
			       ud->unknown == 1 ? "" : "s", ud->unknown == 1 ? "" : "s",
			       ud->first.line, ud->name ? ud->name : "?"),
		xstrdup_printf("The capture starts after these nodes were added (a late start, a "
			       "wrapped ring buffer, devres.log switched on at run time, or an "
			       "excerpt). This is a gap in the capture, not an error.%s%s",
			       ud->same_id * 2 >= ud->unknown && ud->unknown > 2 ?
			       " Nearly all of them carry the same pointer, so ids cannot tell "
			       "the nodes apart here: they were read in order." : "",
			       lost_note),
		xstrdup_printf("Capture from boot (devres.log=1 on the command line, or the "
			       "dev:devres_log trace event) to see where they came from."));
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct unknown_dev *ud = c->dev_state;
	const struct drc_event *ev = e->ev;

	if (!ud)
		return;
	if (e->kind == DRC_MEV_DEVICE_END) {
		if (ud->unknown)
			device_end(c->ctx, e->dev, ud);
		return;
	}
	if (ud->unknown && ev->id == ud->last_id && ev->id_digits)
		ud->same_id++;
	ud->last_id = ev->id;
	if (!ud->unknown++) {
		ud->first = ev->origin;
		ud->name = ev->name;
	}
}

const struct drc_rule rule_unknown_node = {
	.info = { "unknown-node", DRC_SEVERITY_INFO,
		  "releases or removals of nodes whose ADD is not in the capture" },
	.order = 90,
	.events = RULE_EV(DRC_MEV_UNKNOWN) | RULE_EV(DRC_MEV_DEVICE_END),
	.dev_size = sizeof(struct unknown_dev),
	.handle = handle,
};
