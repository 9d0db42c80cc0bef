// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * no-devres: the capture holds no devres operation at all (a kernel booted
 * without devres.log=1, an empty file). A CI gate that passes on nothing
 * passes forever, so it is an error unless --allow-empty.
 */
#include "config.h"

#include <inttypes.h>

#include "rules.h"

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_ctx *ctx = c->ctx;
	struct finding_store *fs;

	(void)e;
	if (ctx->stats.devres_events || ctx->stats.undecoded || ctx->stats.drm_events)
		return;
	fs = finding_new(ctx, &rule_no_devres, DRC_SEVERITY_ERROR, NULL, NULL);
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("no devres operations in the capture (%" PRIu64 " line%s read): nothing "
			       "was judged", ctx->reader_lines.n, ctx->reader_lines.n == 1 ? "" : "s"),
		xstrdup_printf("The capture holds no DEVRES line and no dev:devres_log trace event. The "
			       "kernel prints DEVRES lines only with CONFIG_DEBUG_DEVRES=y and devres.log=1 "
			       "(kernel command line, or /sys/module/devres/parameters/log at run time); the "
			       "dev:devres_log trace event (since v5.14) needs it enabled in tracefs."),
		xstrdup_printf("Boot with devres.log=1 on a CONFIG_DEBUG_DEVRES kernel, or record with "
			       "'devresctl record' (it enables the trace event); pass --allow-empty to "
			       "accept a capture with nothing in it."));
}

const struct drc_rule rule_no_devres = {
	.info = { "no-devres", DRC_SEVERITY_ERROR,
		  "the capture holds no devres operation: nothing was judged" },
	.order = 10,
	.events = RULE_EV(DRC_MEV_FINISH),
	.handle = handle,
};
