// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * node-reuse: an id added again while still live. A node's address can
 * only come back after it was freed, so the line that freed it is missing;
 * with a gap the capture shows (releases of unknown nodes on any device, a
 * counted loss) that gap is the missing line, and the finding is
 * information: an excerpt or a wrapped ring that starts late is missing
 * lines of every device, not only of the one whose releases show it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "rules.h"

struct reuse_dev {
	uint64_t reused;
	struct drc_origin first;
	const char *name;               /* interned: lives with the context */
	char id[20];
};

static void device_end(struct drc_ctx *ctx, struct drc_device *dev, const struct reuse_dev *ud)
{
	struct finding_store *fs;
	char a[300];

	bool gap = dev->unknown || ctx->stats.unknown_nodes || ctx->rules->lost;

	fs = finding_new(ctx, &rule_node_reuse, gap ? DRC_SEVERITY_INFO : DRC_SEVERITY_WARNING, dev, NULL);
	if (!fs)
		return;
	finding_evidence(ctx, fs, &ud->first);
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %" PRIu64 " id%s added again while still live (first %s %s, "
			       "added at line %" PRIu64 ")", a, ud->reused, ud->reused == 1 ? "" : "s",
			       ud->id, ud->name ? ud->name : "?", ud->first.line),
		xstrdup_printf("A node's address can only come back after it was freed, so the "
			       "line that freed it (REL or REM) is missing: an excerpt, or lost "
			       "messages. The model dropped the old node and kept the new one."),
		xstrdup_printf("Use a complete capture; with both the kernel log and the trace "
			       "event, one fills the other's gaps."));
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct reuse_dev *ud = c->dev_state;
	const struct drc_node *old = e->node;

	if (!ud)
		return;
	if (e->kind == DRC_MEV_DEVICE_END) {
		if (ud->reused)
			device_end(c->ctx, e->dev, ud);
		return;
	}
	if (!ud->reused++) {
		ud->first = old->origin;
		ud->name = old->name;
		snprintf(ud->id, sizeof(ud->id), "%s", old->id_str);
	}
}

const struct drc_rule rule_node_reuse = {
	.info = { "node-reuse", DRC_SEVERITY_WARNING,
		  "an id added again while still live: the line that freed it is missing" },
	.order = 100,
	.events = RULE_EV(DRC_MEV_NODE_LOST) | RULE_EV(DRC_MEV_DEVICE_END),
	.dev_size = sizeof(struct reuse_dev),
	.handle = handle,
};
