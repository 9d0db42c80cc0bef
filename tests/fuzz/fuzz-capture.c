// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The line decoders and the model: the input is a capture (any of the
 * transports the engine reads), fed through the public engine API, then
 * finished and walked: every device's live list, history, groups and
 * batches, every finding, the op addresses and diagnostics; and written by
 * the report and findings writers, as `report` and `check` would.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devresctl/output.h"
#include "fuzz.h"
#include "libdevres/libdevres.h"

static FILE *devnull;
static const char *kb;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	devnull = fopen("/dev/null", "we");
	kb = fuzz_kb_path();
	return devnull ? 0 : 1;
}

static volatile uint64_t sink;

static void walk_node(struct drc_node *n)
{
	struct drc_group *g = drc_node_get_group(n);
	struct drc_origin o = drc_node_get_origin(n), e = drc_node_get_end_origin(n);
	const char *name = drc_node_get_name(n), *rn = drc_node_get_replaced_name(n);

	sink += o.line + e.line + (uint64_t)drc_node_get_size(n) + (uint64_t)drc_node_get_ts(n);
	sink += strlen(drc_node_get_id_string(n)) + (name ? strlen(name) : 0) + (rn ? strlen(rn) : 0);
	sink += drc_node_get_kind(n) + drc_node_get_state(n) + drc_node_has_id(n) + drc_node_get_replaced_size(n);
	sink += strlen(drc_node_state_to_string(drc_node_get_state(n)));
	if (drc_node_get_batch(n))
		sink += drc_batch_count_released(drc_node_get_batch(n));
	/* up the group nesting: it must end */
	for (unsigned depth = 0; g && depth < 1000000; g = drc_group_get_parent(g), depth++) {
		struct drc_node *open = drc_group_get_open_node(g);

		sink += strlen(drc_group_get_id_string(g)) + drc_group_get_state(g) +
			drc_group_get_open_origin(g).line + drc_group_get_close_origin(g).line;
		sink += strlen(drc_group_state_to_string(drc_group_get_state(g)));
		if (open)
			sink += drc_node_get_kind(open);
	}
}

static void walk(struct drc_ctx *ctx)
{
	struct drc_device_iter *it;
	struct drc_device *dev;
	struct drc_stats st;
	struct drc_op_address ops[8];

	if (drc_device_iter_new(ctx, &it) < 0)
		return;
	while (drc_device_iter_next(it, &dev) > 0) {
		const char *s;

		sink += strlen(drc_device_get_name(dev)) + drc_device_get_boot(dev) + drc_device_count_live(dev);
		sink += drc_device_live_bytes(dev) + drc_device_count_events(dev) + drc_device_count_unknown(dev);
		sink += drc_device_count_batches(dev) + drc_device_get_first_origin(dev).line;
		sink += strlen(drc_device_state_to_string(drc_device_get_state(dev)));
		if ((s = drc_device_get_driver(dev)))
			sink += strlen(s);
		if ((s = drc_device_get_subsystem(dev)))
			sink += strlen(s);
		if ((s = drc_device_get_prefix(dev)))
			sink += strlen(s);
		if ((s = drc_device_get_devkey(dev)))
			sink += strlen(s);
		for (struct drc_node *n = drc_device_get_first_node(dev); n; n = drc_node_next(n))
			walk_node(n);
		for (struct drc_node *n = drc_device_get_first_history(dev); n; n = drc_node_next_history(n))
			walk_node(n);
		for (struct drc_batch *b = drc_device_get_first_batch(dev); b; b = drc_batch_next(b)) {
			const char *gid = drc_batch_get_group_id(b);

			sink += drc_batch_get_kind(b) + drc_batch_get_first_origin(b).line + drc_batch_get_last_origin(b).line;
			sink += (uint64_t)drc_batch_get_ts(b) + drc_batch_count_released(b) + drc_batch_count_groups(b);
			sink += drc_batch_count_unknown(b) + drc_batch_get_bytes(b) + drc_batch_count_out_of_order(b);
			sink += drc_batch_is_probe_failure(b) + (gid ? strlen(gid) : 0);
			sink += strlen(drc_batch_kind_to_string(drc_batch_get_kind(b)));
		}
	}
	drc_device_iter_free(it);
	for (unsigned i = 0; i < drc_ctx_get_finding_count(ctx); i++) {
		const struct drc_finding *f = drc_ctx_get_finding(ctx, i);

		sink += strlen(f->rule) + strlen(f->summary) + strlen(f->explanation) + strlen(f->fix) + f->seq;
		for (unsigned k = 0; k < f->n_evidence; k++)
			sink += f->evidence[k].line;
		for (unsigned k = 0; k < f->n_nodes; k++)
			sink += strlen(f->nodes[k].device) + strlen(f->nodes[k].name) + strlen(f->nodes[k].id) +
				strlen(f->nodes[k].class) + strlen(f->nodes[k].role) + f->nodes[k].added.line;
	}
	drc_ctx_get_stats(ctx, &st);
	sink += st.lines + st.undecoded + drc_ctx_get_findings_dropped(ctx);
	sink += drc_ctx_get_op_addresses(ctx, ops, 8);
	for (unsigned i = 0; i < drc_ctx_get_diag_count(ctx); i++) {
		struct drc_diag d;

		if (drc_ctx_get_diag(ctx, i, &d) == 0)
			sink += strlen(d.expected) + strlen(d.excerpt);
	}
	for (unsigned i = 0; i < drc_ctx_get_boot_count(ctx); i++) {
		const char *k = drc_ctx_get_boot_kernel(ctx, i);

		sink += k ? strlen(k) : 0;
	}
}

static void write_reports(struct drc_ctx *ctx)
{
	struct report_view v = { .all = true };
	struct finding_list l;
	struct json_object *j;

	output_text(ctx, &v, devnull);
	output_json(ctx, &v, devnull);
	if (findings_collect(ctx, NULL, &l) < 0)
		return;
	v.findings = &l;
	findings_print_text(devnull, &l, false, true, 80);
	j = findings_to_json(&l);
	sink += j != NULL;
	json_object_put(j);
	findings_print_junit(devnull, ctx, &v, &l);
	findings_print_tap(devnull, ctx, &v, &l);
	finding_list_done(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drc_ctx *ctx;
	struct drc_stream *s;

	if (drc_ctx_new(&ctx) < 0)
		return 0;
	drc_ctx_set_keep_history(ctx, true);
	if (kb)
		drc_ctx_load_kb(ctx, kb, &(unsigned){ 0 });
	if (drc_stream_new(ctx, "fuzz", &s) == 0) {
		drc_stream_feed(s, (const char *)data, size);
		drc_stream_finish(s);
		drc_stream_free(s);
	}
	drc_ctx_finish(ctx);
	walk(ctx);
	write_reports(ctx);
	drc_ctx_unref(ctx);
	return 0;
}
