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
	struct json_object *root = json_object_new_object(), *devs = json_object_new_array();
	struct json_object *boots = json_object_new_array(), *stats = json_object_new_object();
	struct json_object *inputs = json_object_new_array(), *diags = json_object_new_array();
	struct drc_device_iter *it;
	struct drc_device *dev;
	struct drc_stats st;
	struct strbuf sb = STRBUF_INIT;
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
		struct jw w;

		if (!drc_device_count_events(dev) || !report_device_selected(v, dev))
			continue;
		strbuf_clear(&sb);
		strbuf_appends(&sb, first ? "\n    " : ",\n    ");
		first = false;
		jw_init(&w, &sb, true, 4);
		report_device_write(&w, ctx, dev, v->all);
		if (jw_error(&w)) {
			r = -ENOMEM;
			break;
		}
		fwrite(sb.buf, 1, sb.len, out);
	}
	strbuf_done(&sb);
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
