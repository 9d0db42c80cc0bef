// SPDX-License-Identifier: GPL-2.0-or-later
/* The human report: per device, its live list as a tree, then its batches. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "output.h"
#include "shared/macro.h"

struct text_ctx {
	struct drc_ctx *ctx;
	const struct report_view *v;
	FILE *out;
	int width;              /* of the name column with its indentation, for this device */
	const char *src;        /* the boot's capture, named in its header: its lines print as numbers */
};

#define NAME_WIDTH 34          /* two of indentation, then 32 */
#define NAME_WIDTH_MAX 72      /* action names can be long (casts) */

/* The name column fits the device's longest name, nested or not. */
static void measure_node(void *userdata, struct drc_node *n, unsigned depth, struct drc_node *const *stack)
{
	struct text_ctx *t = userdata;
	const char *name = drc_node_get_name(n);
	int w = 2 + (int)depth * 2 + (name ? (int)strlen(name) : 20);

	(void)stack;
	if (drc_node_get_kind(n) != DRC_NODE_GROUP_OPEN && drc_node_get_kind(n) != DRC_NODE_GROUP_CLOSE &&
	    w > t->width)
		t->width = MIN(w, NAME_WIDTH_MAX);
}

#define C(v, code) ((v)->color ? "\033[" code "m" : "")
#define RESET(v) C(v, "0")

static void origin_print(FILE *out, struct drc_origin o)
{
	if (o.line)
		fprintf(out, "%s:%" PRIu64, o.source ? o.source : "?", o.line);
	else
		fputs("-", out);
}

/* a line of the boot's own capture as "line N" (@what "line"), or only
 * its number (@what NULL); another file's as FILE:LINE */
static void origin_short(const struct text_ctx *t, const char *what, struct drc_origin o)
{
	if (o.line && o.source && t->src && strcmp(o.source, t->src) == 0)
		fprintf(t->out, "%s%s%" PRIu64, what ? what : "", what ? " " : "", o.line);
	else
		origin_print(t->out, o);
}

static void text_node(void *userdata, struct drc_node *n, unsigned depth, struct drc_node *const *stack)
{
	struct text_ctx *t = userdata;
	enum drc_node_kind k = drc_node_get_kind(n);
	const char *name = drc_node_get_name(n);
	FILE *out = t->out;

	(void)stack;
	fprintf(out, "  %*s", (int)(depth * 2), "");
	if (k == DRC_NODE_GROUP_OPEN) {
		struct drc_group *g = drc_node_get_group(n);
		bool open = g && drc_group_get_state(g) == DRC_GROUP_OPEN;

		fprintf(out, "%sgroup %s%s ", C(t->v, "1"), drc_node_get_id_string(n), RESET(t->v));
		if (open)
			fprintf(out, "%s(open, never closed)%s", C(t->v, "33"), RESET(t->v));
		else
			fputs("(closed)", out);
		fputs("  opened ", out);
		origin_short(t, "line", drc_node_get_origin(n));
		fputc('\n', out);
		return;
	}
	if (k == DRC_NODE_GROUP_CLOSE) {
		fprintf(out, "end of group  closed ");
		origin_short(t, "line", drc_node_get_origin(n));
		fputc('\n', out);
		return;
	}
	if (k == DRC_NODE_REALLOC && !name) {
		fprintf(out, "%-*s %8s  %-12s %-16s  replaced %s (%" PRIu64 " bytes) at ", t->width - 2 - (int)depth * 2,
			"(devm_krealloc node)", "?", "memory", "?", drc_node_get_replaced_name(n),
			drc_node_get_replaced_size(n));
		origin_short(t, "line", drc_node_get_origin(n));
		fputc('\n', out);
		return;
	}
	fprintf(out, "%-*s %8" PRId64 "  %-12s %-16s  ", t->width - 2 - (int)depth * 2, name, drc_node_get_size(n),
		drc_ctx_classify(t->ctx, name), drc_node_get_id_string(n));
	origin_short(t, "line", drc_node_get_origin(n));
	fputc('\n', out);
}

static void text_history(struct text_ctx *t, struct drc_device *dev)
{
	FILE *out = t->out;

	for (struct drc_node *n = drc_device_get_first_history(dev); n; n = drc_node_next_history(n)) {
		const char *name = drc_node_get_name(n);

		if (drc_node_get_state(n) == DRC_NODE_LIVE)
			continue;
		fprintf(out, "    %-9s %-32s %8" PRId64 "  %-16s  ", drc_node_state_to_string(drc_node_get_state(n)),
			name ? name : "(devm_krealloc node)", drc_node_get_size(n), drc_node_get_id_string(n));
		origin_short(t, "line", drc_node_get_origin(n));
		fputs(" -> ", out);
		origin_short(t, NULL, drc_node_get_end_origin(n));
		fputc('\n', out);
	}
}

static void text_batches(struct text_ctx *t, struct drc_device *dev)
{
	uint64_t total = drc_device_count_batches(dev), shown = 0;
	FILE *out = t->out;

	if (!total)
		return;
	for (struct drc_batch *b = drc_device_get_first_batch(dev); b; b = drc_batch_next(b))
		shown++;
	fprintf(out, "  released in %" PRIu64 " batch%s%s:\n", total, total == 1 ? "" : "es",
		shown < total ? " (the last ones shown)" : "");
	for (struct drc_batch *b = drc_device_get_first_batch(dev); b; b = drc_batch_next(b)) {
		fprintf(out, "    %-13s ", drc_batch_kind_to_string(drc_batch_get_kind(b)));
		origin_short(t, "lines", drc_batch_get_first_origin(b));
		fprintf(out, "-%" PRIu64 ": %u node%s, %" PRIu64 " bytes", drc_batch_get_last_origin(b).line,
			drc_batch_count_released(b), drc_batch_count_released(b) == 1 ? "" : "s",
			drc_batch_get_bytes(b));
		if (drc_batch_count_groups(b))
			fprintf(out, ", %u group%s", drc_batch_count_groups(b),
				drc_batch_count_groups(b) == 1 ? "" : "s");
		if (drc_batch_get_group_id(b) && drc_batch_get_kind(b) == DRC_BATCH_RELEASE_GROUP)
			fprintf(out, " (group %s)", drc_batch_get_group_id(b));
		if (drc_batch_count_unknown(b))
			fprintf(out, ", %u not seen added", drc_batch_count_unknown(b));
		if (drc_batch_count_out_of_order(b))
			fprintf(out, ", %s%u out of list order%s", C(t->v, "33"),
				drc_batch_count_out_of_order(b), RESET(t->v));
		if (drc_batch_is_probe_failure(b))
			fputs(", after a failed probe", out);
		fputc('\n', out);
	}
}

int output_text(struct drc_ctx *ctx, const struct report_view *v, FILE *out)
{
	struct text_ctx t = { ctx, v, out };
	struct drc_device_iter *it;
	struct drc_device *dev;
	struct drc_stats st;
	unsigned quiet = 0, with_live = 0, live = 0;
	uint64_t bytes = 0;
	int r, boot = -1;

	r = drc_device_iter_new(ctx, &it);
	if (r < 0)
		return r;
	while ((r = drc_device_iter_next(it, &dev)) > 0) {
		const char *sub = drc_device_get_subsystem(dev), *drv = drc_device_get_driver(dev);
		enum drc_device_state state = drc_device_get_state(dev);
		unsigned nlive = drc_device_count_live(dev);

		if (!drc_device_count_events(dev))
			continue;
		if (!report_device_selected(v, dev))
			continue;
		live += nlive;
		bytes += drc_device_live_bytes(dev);
		with_live += nlive > 0;
		if (!nlive && !v->all && !drc_device_get_first_node(dev)) {
			quiet++;
			continue;
		}
		if ((int)drc_device_get_boot(dev) != boot) {
			struct drc_origin o = { NULL, 0 };
			const char *k;

			boot = (int)drc_device_get_boot(dev);
			k = drc_ctx_get_boot_kernel(ctx, (unsigned)boot);
			drc_ctx_get_boot_origin(ctx, (unsigned)boot, &o);
			if (!o.line && v->ninputs == 1)
				o = (struct drc_origin){ v->inputs[0], 0 };
			t.src = o.source;
			fprintf(out, "%s== boot %d%s%s", C(v, "1"), boot, k ? ": Linux " : "", k ? k : "");
			if (o.line) {
				fputs(" (", out);
				origin_print(out, o);
				fputc(')', out);
			} else if (o.source) {
				fprintf(out, " (%s)", o.source);
			}
			fprintf(out, " ==%s\n\n", RESET(v));
		}
		fprintf(out, "%s%s%s", C(v, "1"), drc_device_get_name(dev), RESET(v));
		fprintf(out, "  bus %s  driver %s  %s%s%s  %u live, %" PRIu64 " bytes\n",
			sub ? sub : "?", drv ? drv : "-",
			state == DRC_DEVICE_BOUND ? C(v, "32") : nlive ? C(v, "33") : "",
			drc_device_state_to_string(state), RESET(v), nlive, drc_device_live_bytes(dev));
		if (drc_device_count_unknown(dev))
			fprintf(out, "  %" PRIu64 " release%s of nodes added before the capture began\n",
				drc_device_count_unknown(dev), drc_device_count_unknown(dev) == 1 ? "" : "s");
		if (drc_device_get_first_node(dev)) {
			t.width = NAME_WIDTH;
			report_walk_live(dev, measure_node, &t);
			report_walk_live(dev, text_node, &t);
		}
		text_batches(&t, dev);
		if (v->all && drc_device_get_first_history(dev)) {
			fputs("  history:\n", out);
			text_history(&t, dev);
		}
		fputc('\n', out);
	}
	drc_device_iter_free(it);
	if (r < 0)
		return r;

	if (v->findings && v->findings->n) {
		fprintf(out, "%sfindings%s\n\n", C(v, "1"), RESET(v));
		findings_print_text(out, v->findings, v->color, true, v->width ? v->width : 80);
	}
	drc_ctx_get_stats(ctx, &st);
	if (quiet)
		fprintf(out, "%u device%s with nothing live not shown (--all shows them)\n", quiet,
			quiet == 1 ? "" : "s");
	fprintf(out, "%u live node%s (%" PRIu64 " bytes) on %u device%s; %" PRIu64
		" devres events in %" PRIu64 " lines, %" PRIu64 " boot%s",
		live, live == 1 ? "" : "s", bytes, with_live, with_live == 1 ? "" : "s",
		st.devres_events, st.lines, st.boots, st.boots == 1 ? "" : "s");
	if (st.uevents)
		fprintf(out, ", %" PRIu64 " udev events", st.uevents);
	fputc('\n', out);
	if (st.duplicates || st.quoted_duplicates)
		fprintf(out, "%" PRIu64 " operations seen by both kmsg and the trace, %" PRIu64
			" quoted copies: each taken once\n", st.duplicates, st.quoted_duplicates);
	if (st.unknown_nodes)
		fprintf(out, "%" PRIu64 " releases or removals of nodes whose ADD is not in the capture\n",
			st.unknown_nodes);
	if (st.id_reuse)
		fprintf(out, "%" PRIu64 " ids added again while live: lines missing from the capture\n",
			st.id_reuse);
	if (st.unnamed_devices)
		fprintf(out, "%" PRIu64 " events on an unnamed device \"(null)\"\n", st.unnamed_devices);
	if (st.empty_records)
		fprintf(out, "%" PRIu64 " trace record%s of zeros (no event) skipped\n", st.empty_records,
			st.empty_records == 1 ? "" : "s");
	{
		struct drc_op_address a[8];
		size_t n = MIN(drc_ctx_get_op_addresses(ctx, a, ARRAY_SIZE(a)), ARRAY_SIZE(a));

		if (n) {
			fprintf(out, "ops printed as addresses (libtraceevent), read from the list semantics:");
			for (size_t i = 0; i < n; i++)
				fprintf(out, " %s=%" PRIx64 " (%" PRIu64 ")", drc_op_to_string(a[i].op), a[i].address,
					a[i].events);
			fputc('\n', out);
		}
	}
	return 0;
}
