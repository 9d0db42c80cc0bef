// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON report (schema in devresctl(8), "JSON OUTPUT"). */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "output.h"
#include "shared/jsonw.h"
#include "shared/macro.h"

#define JSON_SCHEMA_VERSION 1
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

static void jw_origin(struct jw *w, const char *key_source, const char *key_line, struct drc_origin org)
{
	if (!org.line)
		return;
	jw_kstring(w, key_source, org.source);
	jw_kint(w, key_line, (int64_t)org.line);
}

struct json_walk {
	struct drc_ctx *ctx;
	struct jw *w;
};

static void json_node(void *userdata, struct drc_node *n, unsigned depth, struct drc_node *const *stack)
{
	struct json_walk *jw = userdata;
	struct jw *w = jw->w;
	enum drc_node_kind k = drc_node_get_kind(n);
	const char *name = drc_node_get_name(n);
	int64_t size = drc_node_get_size(n);

	jw_object_begin(w);
	jw_kstring(w, "id", drc_node_has_id(n) ? drc_node_get_id_string(n) : NULL);
	jw_kstring(w, "name", name);
	jw_key(w, "size");
	if (size >= 0)
		jw_int(w, size);
	else
		jw_null(w);
	jw_kstring(w, "kind", node_kind_to_string(k));
	jw_kstring(w, "class", drc_ctx_classify(jw->ctx, name));
	jw_kbool(w, "uncertain", drc_node_is_uncertain(n));
	jw_key(w, "group");
	jw_array_begin(w);
	for (unsigned i = 0; i < depth; i++)
		jw_string(w, drc_node_get_id_string(stack[i]));
	jw_array_end(w);
	jw_origin(w, "source", "line", drc_node_get_origin(n));
	if (drc_node_get_ts(n) >= 0)
		jw_kint(w, "ts_usec", drc_node_get_ts(n));
	if (k == DRC_NODE_REALLOC) {
		jw_kstring(w, "replaced_name", drc_node_get_replaced_name(n));
		jw_kint(w, "replaced_size", (int64_t)drc_node_get_replaced_size(n));
	}
	jw_object_end(w);
}

static void json_group(void *userdata, struct drc_node *n, unsigned depth, struct drc_node *const *stack)
{
	struct json_walk *jw = userdata;
	struct jw *w = jw->w;
	struct drc_group *g = drc_node_get_group(n), *p;

	if (drc_node_get_kind(n) != DRC_NODE_GROUP_OPEN || !g)
		return;
	p = drc_group_get_parent(g);
	jw_object_begin(w);
	jw_kstring(w, "id", drc_group_get_id_string(g));
	jw_kstring(w, "state", drc_group_state_to_string(drc_group_get_state(g)));
	jw_kstring(w, "parent", depth ? drc_node_get_id_string(stack[depth - 1]) : NULL);
	jw_kstring(w, "opened_inside", p ? drc_group_get_id_string(p) : NULL);
	jw_origin(w, "source", "open_line", drc_group_get_open_origin(g));
	if (drc_group_get_close_origin(g).line)
		jw_kint(w, "close_line", (int64_t)drc_group_get_close_origin(g).line);
	jw_object_end(w);
}

static void json_batches(struct jw *w, struct drc_device *dev)
{
	jw_array_begin(w);
	for (struct drc_batch *b = drc_device_get_first_batch(dev); b; b = drc_batch_next(b)) {
		jw_object_begin(w);
		jw_kstring(w, "kind", drc_batch_kind_to_string(drc_batch_get_kind(b)));
		jw_origin(w, "source", "first_line", drc_batch_get_first_origin(b));
		jw_kint(w, "last_line", (int64_t)drc_batch_get_last_origin(b).line);
		jw_kint(w, "released", drc_batch_count_released(b));
		jw_kint(w, "groups", drc_batch_count_groups(b));
		jw_kint(w, "unknown", drc_batch_count_unknown(b));
		jw_kint(w, "bytes", (int64_t)drc_batch_get_bytes(b));
		jw_kint(w, "out_of_order", drc_batch_count_out_of_order(b));
		jw_kbool(w, "probe_failure", drc_batch_is_probe_failure(b));
		jw_kstring(w, "group", drc_batch_get_group_id(b));
		jw_object_end(w);
	}
	jw_array_end(w);
}

static void json_history(struct jw *w, struct drc_device *dev)
{
	jw_array_begin(w);
	for (struct drc_node *n = drc_device_get_first_history(dev); n; n = drc_node_next_history(n)) {
		int64_t size = drc_node_get_size(n);
		struct drc_group *g = drc_node_get_group(n);

		jw_object_begin(w);
		jw_kstring(w, "id", drc_node_has_id(n) ? drc_node_get_id_string(n) : NULL);
		jw_kstring(w, "name", drc_node_get_name(n));
		jw_key(w, "size");
		if (size >= 0)
			jw_int(w, size);
		else
			jw_null(w);
		jw_kstring(w, "kind", node_kind_to_string(drc_node_get_kind(n)));
		jw_kstring(w, "state", drc_node_state_to_string(drc_node_get_state(n)));
		jw_kstring(w, "in_group", g ? drc_group_get_id_string(g) : NULL);
		jw_origin(w, "source", "line", drc_node_get_origin(n));
		if (drc_node_get_end_origin(n).line)
			jw_kint(w, "end_line", (int64_t)drc_node_get_end_origin(n).line);
		jw_object_end(w);
	}
	jw_array_end(w);
}

void report_device_write(struct jw *w, struct drc_ctx *ctx, struct drc_device *dev, bool history)
{
	struct json_walk walk = { ctx, w };

	jw_object_begin(w);
	jw_kint(w, "boot", drc_device_get_boot(dev));
	jw_kstring(w, "device", drc_device_get_name(dev));
	jw_kstring(w, "subsystem", drc_device_get_subsystem(dev));
	jw_kstring(w, "driver", drc_device_get_driver(dev));
	jw_kstring(w, "prefix", drc_device_get_prefix(dev));
	jw_kstring(w, "devkey", drc_device_get_devkey(dev));
	jw_kstring(w, "devpath", drc_device_get_devpath(dev));
	jw_kstring(w, "state", drc_device_state_to_string(drc_device_get_state(dev)));
	jw_kint(w, "live_count", drc_device_count_live(dev));
	jw_kint(w, "live_bytes", (int64_t)drc_device_live_bytes(dev));
	jw_kint(w, "events", (int64_t)drc_device_count_events(dev));
	jw_kint(w, "unknown", (int64_t)drc_device_count_unknown(dev));
	jw_origin(w, "source", "first_line", drc_device_get_first_origin(dev));
	jw_key(w, "live");
	jw_array_begin(w);
	report_walk_live(dev, json_node, &walk);
	jw_array_end(w);
	jw_key(w, "groups");
	jw_array_begin(w);
	report_walk_live(dev, json_group, &walk);
	jw_array_end(w);
	jw_kint(w, "batches_total", (int64_t)drc_device_count_batches(dev));
	jw_key(w, "batches");
	json_batches(w, dev);
	if (history) {
		jw_key(w, "history");
		json_history(w, dev);
	}
	jw_object_end(w);
}

struct json_object *report_device_json(struct drc_ctx *ctx, struct drc_device *dev, bool history)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_object *o = NULL;
	struct jw w;

	jw_init(&w, &sb, false, 0);
	report_device_write(&w, ctx, dev, history);
	if (!jw_error(&w))
		o = json_tokener_parse(strbuf_str(&sb));
	strbuf_done(&sb);
	return o;
}

int output_json(struct drc_ctx *ctx, const struct report_view *v, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct drc_device_iter *it;
	struct drc_device *dev;
	struct drc_stats st;
	struct jw w;
	int r;

	/* written as it goes, flushed after each device: memory stays that of one device */
	jw_init(&w, &sb, true, 0);
	jw_object_begin(&w);
	jw_kint(&w, "schema", JSON_SCHEMA_VERSION);
	jw_kstring(&w, "tool", PACKAGE_NAME " " PACKAGE_VERSION);
	jw_key(&w, "inputs");
	jw_array_begin(&w);
	for (unsigned i = 0; i < v->ninputs; i++)
		jw_string(&w, v->inputs[i]);
	jw_array_end(&w);
	jw_key(&w, "boots");
	jw_array_begin(&w);
	for (unsigned i = 0; i < drc_ctx_get_boot_count(ctx); i++) {
		struct drc_origin o = { NULL, 0 };

		drc_ctx_get_boot_origin(ctx, i, &o);
		jw_object_begin(&w);
		jw_kint(&w, "index", i);
		jw_kstring(&w, "kernel", drc_ctx_get_boot_kernel(ctx, i));
		jw_origin(&w, "source", "line", o);
		jw_object_end(&w);
	}
	jw_array_end(&w);

	jw_key(&w, "devices");
	jw_array_begin(&w);
	r = drc_device_iter_new(ctx, &it);
	if (r < 0) {
		strbuf_done(&sb);
		return r;
	}
	while ((r = drc_device_iter_next(it, &dev)) > 0) {
		if (!drc_device_count_events(dev) || !report_device_selected(v, dev))
			continue;
		report_device_write(&w, ctx, dev, v->all);
		if (jw_error(&w))
			break;
		fwrite(sb.buf, 1, sb.len, out);
		strbuf_clear(&sb);
	}
	drc_device_iter_free(it);
	jw_array_end(&w);

	jw_key(&w, "findings");
	if (v->findings) {
		r = findings_write_json(&w, &sb, out, v->findings);
		if (r < 0) {
			strbuf_done(&sb);
			return r;
		}
	} else {
		jw_array_begin(&w);
		jw_array_end(&w);
	}

	drc_ctx_get_stats(ctx, &st);
	jw_key(&w, "stats");
	jw_object_begin(&w);
#define STAT(n) jw_kint(&w, #n, (int64_t)st.n)
	STAT(lines);
	STAT(devres_events);
	STAT(undecoded);
	STAT(duplicates);
	STAT(quoted_duplicates);
	STAT(uevents);
	STAT(long_lines);
	STAT(unknown_nodes);
	STAT(id_reuse);
	STAT(boots);
	STAT(unnamed_devices);
	STAT(joined_lines);
	STAT(realloc_matched);
	STAT(drm_events);
	STAT(lost_markers);
	STAT(kmsg_seq_breaks);
	STAT(lost_events);
	STAT(empty_records);
#undef STAT
	jw_object_end(&w);
	jw_key(&w, "op_addresses");
	jw_array_begin(&w);
	{
		struct drc_op_address a[8];
		size_t n = MIN(drc_ctx_get_op_addresses(ctx, a, ARRAY_SIZE(a)), ARRAY_SIZE(a));

		for (size_t i = 0; i < n; i++) {
			char hex[20];

			snprintf(hex, sizeof(hex), "%" PRIx64, a[i].address);
			jw_object_begin(&w);
			jw_kstring(&w, "address", hex);
			jw_kstring(&w, "op", drc_op_to_string(a[i].op));
			jw_kint(&w, "events", (int64_t)a[i].events);
			jw_object_end(&w);
		}
	}
	jw_array_end(&w);
	jw_key(&w, "diagnostics");
	jw_array_begin(&w);
	for (unsigned i = 0; i < drc_ctx_get_diag_count(ctx); i++) {
		struct drc_diag dg;

		drc_ctx_get_diag(ctx, i, &dg);
		jw_object_begin(&w);
		jw_origin(&w, "source", "line", dg.origin);
		jw_kstring(&w, "expected", dg.expected);
		jw_kstring(&w, "excerpt", dg.excerpt);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	if (jw_error(&w))
		r = jw_error(&w);
	else
		fprintf(out, "%s\n", strbuf_str(&sb));
	strbuf_done(&sb);
	return r < 0 ? r : 0;
}
