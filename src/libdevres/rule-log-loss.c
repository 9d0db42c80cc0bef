// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * log-loss: the capture itself reports lost messages or events (a trace
 * header's entries-in-buffer/entries-written, [LOST N EVENTS], a kmsg
 * overrun, dropped printk messages, journald's missed kernel messages:
 * rules-core.c counts them), a release of everything left nodes behind
 * (which the kernel cannot do), lines could not be decoded or were cut,
 * the capture ends in the middle of a release batch, or the rules ran out
 * of memory: findings may be incomplete.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"

struct loss_state {
	uint64_t survivors;             /* this boot: nodes a release of everything left */
	struct drc_origin survivor_first;
	struct drc_device *survivor_dev;
};

/* The capture ends (or the input paused) in the middle of a release batch. */
static void judge_cut_during(struct drc_ctx *ctx, struct drc_device *dev, struct drc_batch *b, unsigned pending)
{
	struct finding_store *fs = finding_new(ctx, &rule_log_loss, DRC_SEVERITY_INFO, dev, NULL);
	char a[300];

	if (!fs)
		return;
	finding_evidence(ctx, fs, &b->last);
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: the capture ends during a release of all resources (%u node%s not "
			       "released yet at line %" PRIu64 ")", a, pending, pending == 1 ? "" : "s", b->last.line),
		xstrdup_printf("The last devres lines of the capture are a release batch of %s that had not "
			       "reached the head of the list: the rest of it came after the capture was taken. "
			       "Nothing is missing inside the capture.", dev->name),
		xstrdup_printf("Take the capture after the unbind has finished to judge what it leaves."));
}

static void release_all(struct drc_ctx *ctx, struct loss_state *ls, struct drc_device *dev, struct drc_batch *b,
			unsigned survivors)
{
	/* the last thing the capture holds; or ADDs a release callback may
	 * have made while it ran (model.c takes them into the batch), within
	 * one call's time; or only other devices' releases came after it (a
	 * callback that tears down a child, as a bus driver's does, and the
	 * walk goes on after it): it was cut while the batch ran */
	const struct rules_ctx *rc = ctx->rules;
	bool cut = ctx->settling &&
		   (b->last_seq == ctx->seq ||
		    (b->took_seq == ctx->seq && b->last_ts >= 0 && rc->cur_ts >= 0 &&
		     rc->cur_ts - b->last_ts <= DRC_ONE_CALL_USEC) ||
		    (b->rules && b->rules->quiet_at_end == rc->activity && rc->cur_op == DRC_OP_REL &&
		     b->last_seq == b->took_seq));

	if (!survivors)
		return;
	explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": release of everything on %s left %u node%s of its list: %s",
		b->first.line, b->last.line, dev->name, survivors, survivors == 1 ? "" : "s",
		cut ? "the capture ends there (info)" : "lines are missing (log-loss)");
	if (cut) {
		judge_cut_during(ctx, dev, b, survivors);
		return;
	}
	if (!ls->survivors) {
		ls->survivor_first = b->first;
		ls->survivor_dev = dev;
	}
	ls->survivors += survivors;
}

/*
 * " (kmsg 62376, trace 59313)" when more than one witness lost some; and
 * whether two of them were the kernel log and the trace, the two that print
 * every devres operation: then an operation is missing only where both lost
 * it, and the sum says how much each lost, not how much the capture lacks.
 */
static bool lost_by_text(const struct rules_ctx *rc, char *buf, size_t len)
{
	bool log = false, trace = false;
	size_t n = 0;

	buf[0] = '\0';
	if (rc->nlost_by < 2)
		return false;
	for (unsigned i = 0; i < rc->nlost_by && n < len; i++) {
		const char *w = rc->lost_by[i].witness;

		n += (size_t)snprintf(buf + n, len - n, "%s%s %" PRIu64, i ? ", " : " (", w, rc->lost_by[i].n);
		trace |= strcmp(w, "trace") == 0;
		log |= strcmp(w, "kmsg") == 0 || strcmp(w, "console") == 0;
	}
	if (n < len)
		snprintf(buf + n, len - n, ")");
	return log && trace;
}

#define BOTH_WITNESSES " The kernel log and the trace were both read and each lost some: an " \
	"operation is missing only where both lost it: at most the smaller number, not the sum."

static void boot_end(struct drc_ctx *ctx, struct loss_state *ls, unsigned boot)
{
	struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;
	char by[160];
	bool both = lost_by_text(rc, by, sizeof(by));

	if (rc->lost || ls->survivors) {
		fs = finding_new(ctx, &rule_log_loss, DRC_SEVERITY_WARNING, ls->survivor_dev, NULL);
		if (fs) {
			fs->f.boot = boot;
			finding_evidence(ctx, fs, &rc->lost_first);
			finding_evidence(ctx, fs, &ls->survivor_first);
			FINDING_TEXT(ctx, fs,
				!ls->survivors ?
				xstrdup_printf("boot %u: %" PRIu64 " message%s or event%s lost%s (line %" PRIu64 ")",
					       boot, rc->lost, rc->lost == 1 ? "" : "s", rc->lost == 1 ? "" : "s",
					       by, rc->lost_first.line) :
				!rc->lost ?
				xstrdup_printf("boot %u: %" PRIu64 " node%s left after a release of all resources",
					       boot, ls->survivors, ls->survivors == 1 ? "" : "s") :
				xstrdup_printf("boot %u: %" PRIu64 " message%s or event%s reported lost%s, %" PRIu64
					       " node%s left after a release of all resources", boot, rc->lost,
					       rc->lost == 1 ? "" : "s", rc->lost == 1 ? "" : "s", by, ls->survivors,
					       ls->survivors == 1 ? "" : "s"),
				!ls->survivors ?
				xstrdup_printf("The capture itself says so (a trace header's entries-in-buffer/"
					       "entries-written, [LOST N EVENTS], a kmsg overrun, dropped printk "
					       "messages, journald's \"Missed N kernel messages\"). Nodes whose ADD or REL fell into the gap are uncertain: "
					       "releases of nodes never seen added are explained by it, and nodes "
					       "still live from before it are not reported as leaks.%s",
					       both ? BOTH_WITNESSES : "") :
				xstrdup_printf("A release of all of a device's resources left nodes behind, which "
					       "the kernel cannot do%s: lines are missing. Findings about these "
					       "devices may be incomplete or wrong.%s",
					       rc->lost ? ", and the capture reports lost messages or events" : "",
					       both ? BOTH_WITNESSES : ""),
				xstrdup_printf("Enlarge the buffers (log_buf_len=, trace_buf_size=) or read them "
					       "faster (devresd), and capture from boot."));
		}
	}
	*ls = (struct loss_state){ 0 };
}

static void finish(struct drc_ctx *ctx)
{
	struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;

	if (ctx->stats.long_lines || ctx->stats.undecoded) {
		fs = finding_new(ctx, &rule_log_loss, DRC_SEVERITY_WARNING, NULL, NULL);
		if (fs) {
			for (unsigned i = 0; i < ctx->ndiags && i < 4; i++)
				finding_evidence(ctx, fs, &ctx->diags[i].origin);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%" PRIu64 " devres line%s could not be decoded, %" PRIu64 " line%s "
					       "were too long and cut", ctx->stats.undecoded,
					       ctx->stats.undecoded == 1 ? "" : "s", ctx->stats.long_lines,
					       ctx->stats.long_lines == 1 ? "" : "s"),
				xstrdup_printf("Lines that looked like devres lines were skipped. The model lacks "
					       "their operations, so findings about those devices may be "
					       "incomplete."),
				xstrdup_printf("Look at the lines listed; if the capture was mangled (wrapped by a "
					       "mail client, truncated), get the original file."));
		}
	}
	if (rc->nomem > rc->nomem_reported) {
		uint64_t n = rc->nomem;

		rc->nomem_reported = n;
		fs = finding_new(ctx, &rule_log_loss, DRC_SEVERITY_WARNING, NULL, NULL);
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("the rules ran out of memory %" PRIu64 " time%s: findings may be missing or "
				       "incomplete", n, n == 1 ? "" : "s"),
			xstrdup_printf("An allocation the rules needed failed, so what they found could not all be "
				       "kept: some findings, their nodes or evidence may be missing."),
			xstrdup_printf("Run again with more memory, or narrow the capture."));
	}
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	switch (e->kind) {
	case DRC_MEV_RELEASE_ALL:
		release_all(c->ctx, c->state, e->dev, e->batch, e->rall.survivors);
		break;
	case DRC_MEV_BOOT_END:
		boot_end(c->ctx, c->state, e->boot);
		break;
	case DRC_MEV_FINISH:
		finish(c->ctx);
		break;
	default:
		break;
	}
}

const struct drc_rule rule_log_loss = {
	.info = { "log-loss", DRC_SEVERITY_WARNING,
		  "lines were dropped or cut: findings may be incomplete" },
	.order = 30,
	.events = RULE_EV(DRC_MEV_RELEASE_ALL) | RULE_EV(DRC_MEV_BOOT_END) | RULE_EV(DRC_MEV_FINISH),
	.ctx_size = sizeof(struct loss_state),
	.handle = handle,
};
