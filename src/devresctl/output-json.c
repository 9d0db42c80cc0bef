// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON report (schema in devresctl(8), "JSON OUTPUT"). */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "output.h"
#include "shared/macro.h"

#define JSON_SCHEMA_VERSION 1
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

/* Print @o pretty, every line after the first indented by @indent spaces. */
static void json_print_indented(FILE *out, struct json_object *o, int indent)
{
	static const char spaces[] = "                                ";
	const char *s = json_object_to_json_string_ext(o, JSON_FLAGS), *nl;

	/* a line at a time: this prints every device of the report */
	while ((nl = strchr(s, '\n'))) {
		fwrite(s, 1, (size_t)(nl - s) + 1, out);
		fwrite(spaces, 1, (size_t)MIN(indent, (int)sizeof(spaces) - 1), out);
		s = nl + 1;
	}
	fputs(s, out);
}

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void add_origin(struct json_object *o, const char *key_source, const char *key_line,
		       struct drc_origin org)
{
	if (!org.line)
		return;
	json_object_object_add(o, key_source, jstr(org.source));
	json_object_object_add(o, key_line, json_object_new_int64((int64_t)org.line));
}

struct json_walk {
	struct drc_ctx *ctx;
	struct json_object *live;
	struct json_object *groups;
};

static void json_node(void *userdata, struct drc_node *n, unsigned depth, struct drc_node *const *stack)
{
	struct json_walk *w = userdata;
	struct json_object *o = json_object_new_object(), *path = json_object_new_array();
	enum drc_node_kind k = drc_node_get_kind(n);
	const char *name = drc_node_get_name(n);
	int64_t size = drc_node_get_size(n);

	for (unsigned i = 0; i < depth; i++)
		json_object_array_add(path, json_object_new_string(drc_node_get_id_string(stack[i])));
	json_object_object_add(o, "id", drc_node_has_id(n) ? jstr(drc_node_get_id_string(n)) : NULL);
	json_object_object_add(o, "name", jstr(name));
	json_object_object_add(o, "size", size >= 0 ? json_object_new_int64(size) : NULL);
	json_object_object_add(o, "kind", jstr(node_kind_to_string(k)));
	json_object_object_add(o, "class", jstr(drc_ctx_classify(w->ctx, name)));
	json_object_object_add(o, "group", path);
	add_origin(o, "source", "line", drc_node_get_origin(n));
	if (drc_node_get_ts(n) >= 0)
		json_object_object_add(o, "ts_usec", json_object_new_int64(drc_node_get_ts(n)));
	if (k == DRC_NODE_REALLOC) {
		json_object_object_add(o, "replaced_name", jstr(drc_node_get_replaced_name(n)));
		json_object_object_add(o, "replaced_size",
				       json_object_new_int64((int64_t)drc_node_get_replaced_size(n)));
	}
	json_object_array_add(w->live, o);

	if (k == DRC_NODE_GROUP_OPEN && drc_node_get_group(n)) {
		struct drc_group *g = drc_node_get_group(n), *p = drc_group_get_parent(g);
		struct json_object *go = json_object_new_object();

		json_object_object_add(go, "id", jstr(drc_group_get_id_string(g)));
		json_object_object_add(go, "state", jstr(drc_group_state_to_string(drc_group_get_state(g))));
		json_object_object_add(go, "parent", depth ? jstr(drc_node_get_id_string(stack[depth - 1])) : NULL);
		json_object_object_add(go, "opened_inside", p ? jstr(drc_group_get_id_string(p)) : NULL);
		add_origin(go, "source", "open_line", drc_group_get_open_origin(g));
		if (drc_group_get_close_origin(g).line)
			json_object_object_add(go, "close_line",
					       json_object_new_int64((int64_t)drc_group_get_close_origin(g).line));
		json_object_array_add(w->groups, go);
	}
}

static struct json_object *json_batches(struct drc_device *dev)
{
	struct json_object *a = json_object_new_array();

	for (struct drc_batch *b = drc_device_get_first_batch(dev); b; b = drc_batch_next(b)) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", jstr(drc_batch_kind_to_string(drc_batch_get_kind(b))));
		add_origin(o, "source", "first_line", drc_batch_get_first_origin(b));
		json_object_object_add(o, "last_line",
				       json_object_new_int64((int64_t)drc_batch_get_last_origin(b).line));
		json_object_object_add(o, "released", json_object_new_int(drc_batch_count_released(b)));
		json_object_object_add(o, "groups", json_object_new_int(drc_batch_count_groups(b)));
		json_object_object_add(o, "unknown", json_object_new_int(drc_batch_count_unknown(b)));
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)drc_batch_get_bytes(b)));
		json_object_object_add(o, "out_of_order", json_object_new_int(drc_batch_count_out_of_order(b)));
		json_object_object_add(o, "probe_failure", json_object_new_boolean(drc_batch_is_probe_failure(b)));
		json_object_object_add(o, "group", jstr(drc_batch_get_group_id(b)));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *json_history(struct drc_device *dev)
{
	struct json_object *a = json_object_new_array();

	for (struct drc_node *n = drc_device_get_first_history(dev); n; n = drc_node_next_history(n)) {
		struct json_object *o = json_object_new_object();
		int64_t size = drc_node_get_size(n);
		struct drc_group *g = drc_node_get_group(n);

		json_object_object_add(o, "id", drc_node_has_id(n) ? jstr(drc_node_get_id_string(n)) : NULL);
		json_object_object_add(o, "name", jstr(drc_node_get_name(n)));
		json_object_object_add(o, "size", size >= 0 ? json_object_new_int64(size) : NULL);
		json_object_object_add(o, "kind", jstr(node_kind_to_string(drc_node_get_kind(n))));
		json_object_object_add(o, "state", jstr(drc_node_state_to_string(drc_node_get_state(n))));
		json_object_object_add(o, "in_group", g ? jstr(drc_group_get_id_string(g)) : NULL);
		add_origin(o, "source", "line", drc_node_get_origin(n));
		if (drc_node_get_end_origin(n).line)
			json_object_object_add(o, "end_line",
					       json_object_new_int64((int64_t)drc_node_get_end_origin(n).line));
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *report_device_json(struct drc_ctx *ctx, struct drc_device *dev, bool history)
{
	struct json_object *d = json_object_new_object();
	struct json_walk w = { ctx, json_object_new_array(), json_object_new_array() };
	enum drc_device_state state = drc_device_get_state(dev);

	json_object_object_add(d, "boot", json_object_new_int((int)drc_device_get_boot(dev)));
	json_object_object_add(d, "device", jstr(drc_device_get_name(dev)));
	json_object_object_add(d, "subsystem", jstr(drc_device_get_subsystem(dev)));
	json_object_object_add(d, "driver", jstr(drc_device_get_driver(dev)));
	json_object_object_add(d, "prefix", jstr(drc_device_get_prefix(dev)));
	json_object_object_add(d, "devkey", jstr(drc_device_get_devkey(dev)));
	json_object_object_add(d, "state", jstr(drc_device_state_to_string(state)));
	json_object_object_add(d, "live_count", json_object_new_int((int)drc_device_count_live(dev)));
	json_object_object_add(d, "live_bytes", json_object_new_int64((int64_t)drc_device_live_bytes(dev)));
	json_object_object_add(d, "events", json_object_new_int64((int64_t)drc_device_count_events(dev)));
	json_object_object_add(d, "unknown", json_object_new_int64((int64_t)drc_device_count_unknown(dev)));
	add_origin(d, "source", "first_line", drc_device_get_first_origin(dev));
	report_walk_live(dev, json_node, &w);
	json_object_object_add(d, "live", w.live);
	json_object_object_add(d, "groups", w.groups);
	json_object_object_add(d, "batches_total", json_object_new_int64((int64_t)drc_device_count_batches(dev)));
	json_object_object_add(d, "batches", json_batches(dev));
	if (history)
		json_object_object_add(d, "history", json_history(dev));
	return d;
}

int output_json(struct drc_ctx *ctx, const struct report_view *v, FILE *out)
{
	struct json_object *root = json_object_new_object(), *devs = json_object_new_array();
	struct json_object *boots = json_object_new_array(), *stats = json_object_new_object();
	struct json_object *inputs = json_object_new_array(), *diags = json_object_new_array();
	struct drc_device_iter *it;
	struct drc_device *dev;
	struct drc_stats st;
	bool first = true;
	int r;

	json_object_object_add(root, "schema", json_object_new_int(JSON_SCHEMA_VERSION));
	json_object_object_add(root, "tool", jstr(PACKAGE_NAME " " PACKAGE_VERSION));
	for (unsigned i = 0; i < v->ninputs; i++)
		json_object_array_add(inputs, json_object_new_string(v->inputs[i]));
	json_object_object_add(root, "inputs", inputs);

	for (unsigned i = 0; i < drc_ctx_get_boot_count(ctx); i++) {
		struct json_object *b = json_object_new_object();
		struct drc_origin o = { NULL, 0 };

		drc_ctx_get_boot_origin(ctx, i, &o);
		json_object_object_add(b, "index", json_object_new_int((int)i));
		json_object_object_add(b, "kernel", jstr(drc_ctx_get_boot_kernel(ctx, i)));
		add_origin(b, "source", "line", o);
		json_object_array_add(boots, b);
	}
	json_object_object_add(root, "boots", boots);

	/* print the head, then one device at a time: memory stays that of one device */
	{
		const char *head = json_object_to_json_string_ext(root, JSON_FLAGS);
		size_t hl = strlen(head);

		/* drop the closing brace: devices[] follows */
		while (hl && head[hl - 1] != '}')
			hl--;
		if (hl)
			hl--;
		while (hl && (head[hl - 1] == ' ' || head[hl - 1] == '\n'))
			hl--;
		fwrite(head, 1, hl, out);
		fputs(",\n  \"devices\": [", out);
	}
	json_object_put(root);
	root = json_object_new_object();

	r = drc_device_iter_new(ctx, &it);
	if (r < 0) {
		json_object_put(root);
		json_object_put(devs);
		return r;
	}
	while ((r = drc_device_iter_next(it, &dev)) > 0) {
		struct json_object *d;

		if (!drc_device_count_events(dev) || !report_device_selected(v, dev))
			continue;
		d = report_device_json(ctx, dev, v->all);
		fputs(first ? "\n    " : ",\n    ", out);
		first = false;
		json_print_indented(out, d, 4);
		json_object_put(d);
	}
	drc_device_iter_free(it);
	json_object_put(devs);
	fputs(first ? "]" : "\n  ]", out);

	drc_ctx_get_stats(ctx, &st);
#define STAT(n) json_object_object_add(stats, #n, json_object_new_int64((int64_t)st.n))
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
#undef STAT
	json_object_object_add(root, "findings", v->findings ? findings_to_json(v->findings) :
			       json_object_new_array());
	json_object_object_add(root, "stats", stats);
	for (unsigned i = 0; i < drc_ctx_get_diag_count(ctx); i++) {
		struct drc_diag dg;
		struct json_object *o = json_object_new_object();

		drc_ctx_get_diag(ctx, i, &dg);
		add_origin(o, "source", "line", dg.origin);
		json_object_object_add(o, "expected", jstr(dg.expected));
		json_object_object_add(o, "excerpt", jstr(dg.excerpt));
		json_object_array_add(diags, o);
	}
	json_object_object_add(root, "diagnostics", diags);

	/* the rest of the keys, after devices[] */
	json_object_object_foreach(root, key, val) {
		fprintf(out, ",\n  \"%s\": ", key);
		json_print_indented(out, val, 2);
	}
	fputs("\n}\n", out);
	json_object_put(root);
	return r < 0 ? r : 0;
}
