// SPDX-License-Identifier: GPL-2.0-or-later
/* Findings in every form a person or a CI system reads: text, JSON, JUnit, TAP. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"
#include "output.h"
#include "shared/escape.h"
#include "shared/jsonw.h"
#include "shared/log.h"
#include "shared/macro.h"

static int item_cmp(const void *a, const void *b)
{
	const struct drc_finding *x = ((const struct finding_item *)a)->f;
	const struct drc_finding *y = ((const struct finding_item *)b)->f;

	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int findings_collect(struct drc_ctx *ctx, const struct suppressions *sup, struct finding_list *ret)
{
	unsigned n = drc_ctx_get_finding_count(ctx);

	*ret = (struct finding_list){ 0 };
	ret->items = calloc(n ? n : 1, sizeof(*ret->items));
	if (!ret->items)
		return log_oom();
	for (unsigned i = 0; i < n; i++) {
		struct finding_item *it = &ret->items[ret->n++];

		it->f = drc_ctx_get_finding(ctx, i);
		it->suppressed = suppressions_match(sup, it->f);
		finding_fingerprint(it->f, it->fingerprint);
	}
	/* the worst first; within a severity, in the order they were found */
	qsort(ret->items, ret->n, sizeof(*ret->items), item_cmp);
	finding_list_tally(ret);
	return 0;
}

void finding_list_tally(struct finding_list *l)
{
	l->failing = l->suppressed = l->known = 0;
	memset(l->by_severity, 0, sizeof(l->by_severity));
	for (unsigned i = 0; i < l->n; i++) {
		const struct finding_item *it = &l->items[i];

		if (it->suppressed)
			l->suppressed++;
		else
			l->by_severity[it->f->severity]++;
		l->known += it->known;
		l->failing += it->fails;
	}
}

void finding_list_done(struct finding_list *l)
{
	free(l->items);
	*l = (struct finding_list){ 0 };
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (s = s ? s : ""; ; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
		if (!*s)
			return h;
	}
}

void finding_fingerprint(const struct drc_finding *f, char buf[static 17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = fnv(h, f->rule);
	h = fnv(h, f->device);
	h = fnv(h, f->driver);
	h = fnv(h, f->other_device);
	h = fnv(h, f->other_driver);
	for (unsigned i = 0; i < f->n_nodes; i++)
		h = fnv(h, f->nodes[i].name);
	snprintf(buf, 17, "%016" PRIx64, h);
}

/* ---- text ---- */

static void origin_text(FILE *out, const struct drc_origin *o)
{
	if (o->line)
		fprintf(out, "%s:%" PRIu64, o->source ? o->source : "?", o->line);
	else
		fputs("-", out);
}

/* a line of the finding's first source prints as its number only */
static void node_line(FILE *out, const char *what, const struct drc_origin *o, const struct drc_finding *f)
{
	if (o->line && f->n_evidence && o->source == f->evidence[0].source)
		fprintf(out, "%s line %" PRIu64, what, o->line);
	else if (o->line) {
		fprintf(out, "%s ", what);
		origin_text(out, o);
	} else
		fprintf(out, "%s -", what);
}

/* "lines 2, 4, 6 of FILE" ("line 5 of FILE" for one), per file, wrapped */
static void evidence_text(FILE *out, const struct drc_finding *f, unsigned width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	FILE *to = m ? m : out;

	for (unsigned j = 0; j < f->n_evidence;) {
		const char *src = f->evidence[j].source;
		unsigned k = j;

		fputs(j ? ";" : f->n_evidence == 1 ? "line" : "lines", to);
		for (; k < f->n_evidence && f->evidence[k].source == src; k++)
			fprintf(to, "%s%" PRIu64, k == j ? " " : ", ", f->evidence[k].line);
		fprintf(to, " of %s", src ? src : "?");
		j = k;
	}
	if (!m) {
		fputc('\n', out);
		return;
	}
	fputs("    ", out);
	if (fclose(m) == 0 && buf)
		text_wrap(out, 4, 6, buf, width);
	else
		fputc('\n', out);
	free(buf);
}

/*
 * A node of a finding: what it is, then where it was added and ended. On
 * one line where it fits the width, else the lines and the role go under
 * it, wrapped.
 */
static void finding_node_text(FILE *out, const struct drc_finding *f, const struct drc_finding_node *n,
			      unsigned width)
{
	char *where = NULL;
	size_t wlen = 0;
	FILE *w = open_memstream(&where, &wlen);
	int head;

	head = fprintf(out, "      %-30s %6" PRId64 "  %-8s %-16s", n->name, n->size, n->class, n->id);
	if (!w) {
		fputc('\n', out);
		return;
	}
	node_line(w, "added", &n->added, f);
	if (n->ended.line)
		node_line(w, "  ended", &n->ended, f);
	if (n->role)
		fprintf(w, "  (%s)", n->role);
	if (fclose(w) != 0 || !where) {
		fputc('\n', out);
		free(where);
		return;
	}
	if (head > 0 && (size_t)head + 2 + wlen <= width) {
		fprintf(out, "  %s\n", where);
	} else {
		fputs("\n        ", out);
		text_wrap(out, 8, 10, where, width);
	}
	free(where);
}

static const char *sev_color(enum drc_severity s)
{
	return s == DRC_SEVERITY_ERROR ? "\033[1;31m" : s == DRC_SEVERITY_WARNING ? "\033[1;33m" : "\033[1;36m";
}

void findings_print_text(FILE *out, const struct finding_list *l, bool color, bool show_suppressed,
			 unsigned width)
{
	for (unsigned i = 0; i < l->n; i++) {
		const struct finding_item *it = &l->items[i];
		const struct drc_finding *f = it->f;

		if (it->suppressed && !show_suppressed)
			continue;
		fprintf(out, "%s%s%s %s: %s", color ? sev_color(f->severity) : "",
			drc_severity_to_string(f->severity), color ? "\033[0m" : "", f->rule, f->summary);
		if (it->suppressed)
			fprintf(out, " [suppressed: %s]", it->suppressed);
		else if (it->known)
			fputs(" [in baseline]", out);
		fputc('\n', out);
		if (f->occurrences > 1) {
			fprintf(out, "    %" PRIu64 " times, first at line %" PRIu64 ", last at line %" PRIu64,
				f->occurrences, f->first.line, f->last.line);
			if (f->device)
				fprintf(out, " (cycles %u to %u)", f->first_cycle + 1, f->last_cycle + 1);
			fputs(": the first is shown\n", out);
		}
		fputs("    ", out);
		text_wrap(out, 4, 4, f->explanation, width);
		if (f->fix && *f->fix) {
			fputs("    fix: ", out);
			text_wrap(out, 9, 9, f->fix, width);
		}
		if (f->n_evidence)
			evidence_text(out, f, width);
		for (unsigned j = 0; j < f->n_nodes; j++)
			finding_node_text(out, f, &f->nodes[j], width);
		fputc('\n', out);
	}
}

/* ---- JSON ---- */

#define jstr json_string_valid

struct json_object *json_string_valid(const char *s)
{
	char *valid;
	struct json_object *j;

	if (!s)
		return NULL;
	/* json-c writes the bytes as they are: make them UTF-8 */
	valid = utf8_valid_dup(s);
	j = json_object_new_string(valid ? valid : s);
	free(valid);
	return j;
}

static struct json_object *jorigin(const struct drc_origin *o)
{
	struct json_object *j;

	if (!o->line)
		return NULL;
	j = json_object_new_object();
	json_object_object_add(j, "source", jstr(o->source));
	json_object_object_add(j, "line", json_object_new_int64((int64_t)o->line));
	return j;
}

struct json_object *findings_to_json(const struct finding_list *l)
{
	struct json_object *arr = json_object_new_array();

	for (unsigned i = 0; i < l->n; i++) {
		const struct finding_item *it = &l->items[i];
		const struct drc_finding *f = it->f;
		struct json_object *o = json_object_new_object(), *ev = json_object_new_array();
		struct json_object *nodes = json_object_new_array();

		json_object_object_add(o, "rule", jstr(f->rule));
		json_object_object_add(o, "severity", jstr(drc_severity_to_string(f->severity)));
		json_object_object_add(o, "fingerprint", jstr(it->fingerprint));
		json_object_object_add(o, "boot", json_object_new_int((int)f->boot));
		json_object_object_add(o, "device", jstr(f->device));
		json_object_object_add(o, "driver", jstr(f->driver));
		json_object_object_add(o, "other_device", jstr(f->other_device));
		json_object_object_add(o, "other_driver", jstr(f->other_driver));
		json_object_object_add(o, "summary", jstr(f->summary));
		json_object_object_add(o, "explanation", jstr(f->explanation));
		json_object_object_add(o, "fix", jstr(f->fix));
		json_object_object_add(o, "occurrences", json_object_new_int64((int64_t)f->occurrences));
		json_object_object_add(o, "first", jorigin(&f->first));
		json_object_object_add(o, "last", jorigin(&f->last));
		json_object_object_add(o, "first_cycle", json_object_new_int((int)f->first_cycle + 1));
		json_object_object_add(o, "last_cycle", json_object_new_int((int)f->last_cycle + 1));
		for (unsigned j = 0; j < f->n_evidence; j++)
			json_object_array_add(ev, jorigin(&f->evidence[j]));
		json_object_object_add(o, "evidence", ev);
		for (unsigned j = 0; j < f->n_nodes; j++) {
			const struct drc_finding_node *n = &f->nodes[j];
			struct json_object *jn = json_object_new_object();

			json_object_object_add(jn, "device", jstr(n->device));
			json_object_object_add(jn, "name", jstr(n->name));
			json_object_object_add(jn, "size", n->size < 0 ? NULL : json_object_new_int64(n->size));
			json_object_object_add(jn, "id", jstr(n->id));
			json_object_object_add(jn, "class", jstr(n->class));
			json_object_object_add(jn, "role", jstr(n->role));
			json_object_object_add(jn, "added", jorigin(&n->added));
			json_object_object_add(jn, "ended", jorigin(&n->ended));
			json_object_array_add(nodes, jn);
		}
		json_object_object_add(o, "nodes", nodes);
		json_object_object_add(o, "suppressed", jstr(it->suppressed));
		json_object_object_add(o, "in_baseline", json_object_new_boolean(it->known));
		json_object_object_add(o, "fails", json_object_new_boolean(it->fails));
		json_object_array_add(arr, o);
	}
	return arr;
}

static void jw_korigin(struct jw *w, const char *key, const struct drc_origin *o)
{
	jw_key(w, key);
	if (!o->line) {
		jw_null(w);
		return;
	}
	jw_object_begin(w);
	jw_kstring(w, "source", o->source);
	jw_kint(w, "line", (int64_t)o->line);
	jw_object_end(w);
}

/* The same array as findings_to_json(), written one finding at a time and
 * flushed to @out after each: no tree of the whole list in memory. */
int findings_write_json(struct jw *w, struct strbuf *sb, FILE *out, const struct finding_list *l)
{
	jw_array_begin(w);
	for (unsigned i = 0; i < l->n; i++) {
		const struct finding_item *it = &l->items[i];
		const struct drc_finding *f = it->f;

		jw_object_begin(w);
		jw_kstring(w, "rule", f->rule);
		jw_kstring(w, "severity", drc_severity_to_string(f->severity));
		jw_kstring(w, "fingerprint", it->fingerprint);
		jw_kint(w, "boot", f->boot);
		jw_kstring(w, "device", f->device);
		jw_kstring(w, "driver", f->driver);
		jw_kstring(w, "other_device", f->other_device);
		jw_kstring(w, "other_driver", f->other_driver);
		jw_kstring(w, "summary", f->summary);
		jw_kstring(w, "explanation", f->explanation);
		jw_kstring(w, "fix", f->fix);
		jw_kint(w, "occurrences", (int64_t)f->occurrences);
		jw_korigin(w, "first", &f->first);
		jw_korigin(w, "last", &f->last);
		jw_kint(w, "first_cycle", (int64_t)f->first_cycle + 1);
		jw_kint(w, "last_cycle", (int64_t)f->last_cycle + 1);
		jw_key(w, "evidence");
		jw_array_begin(w);
		for (unsigned j = 0; j < f->n_evidence; j++) {
			jw_object_begin(w);
			jw_kstring(w, "source", f->evidence[j].source);
			jw_kint(w, "line", (int64_t)f->evidence[j].line);
			jw_object_end(w);
		}
		jw_array_end(w);
		jw_key(w, "nodes");
		jw_array_begin(w);
		for (unsigned j = 0; j < f->n_nodes; j++) {
			const struct drc_finding_node *n = &f->nodes[j];

			jw_object_begin(w);
			jw_kstring(w, "device", n->device);
			jw_kstring(w, "name", n->name);
			jw_key(w, "size");
			if (n->size < 0)
				jw_null(w);
			else
				jw_int(w, n->size);
			jw_kstring(w, "id", n->id);
			jw_kstring(w, "class", n->class);
			jw_kstring(w, "role", n->role);
			jw_korigin(w, "added", &n->added);
			jw_korigin(w, "ended", &n->ended);
			jw_object_end(w);
		}
		jw_array_end(w);
		jw_kstring(w, "suppressed", it->suppressed);
		jw_kbool(w, "in_baseline", it->known);
		jw_kbool(w, "fails", it->fails);
		jw_object_end(w);
		if (jw_error(w))
			return jw_error(w);
		if (out) {
			fwrite(sb->buf, 1, sb->len, out);
			strbuf_clear(sb);
		}
	}
	jw_array_end(w);
	return jw_error(w);
}

/* ---- one test per device: JUnit and TAP ---- */

/* The test cases of a CI report: every selected device, then one named
 * "capture" when some finding is about no device (log loss of the capture). */
static int device_cases(struct drc_ctx *ctx, const struct report_view *v, const struct finding_list *l,
			struct device_case **ret, unsigned *n)
{
	struct case_list cl = { 0 };
	int r = case_list_selected(ctx, v, &cl);

	for (unsigned i = 0; r == 0 && i < l->n; i++) {
		if (!l->items[i].f->device) {
			r = case_list_push(&cl, (struct device_case){ "capture", NULL, l->items[i].f->boot, false });
			break;
		}
	}
	if (r < 0) {
		free(cl.v);
		return r;
	}
	*ret = cl.v;
	*n = (unsigned)cl.n;
	return 0;
}

static bool finding_on(const struct drc_finding *f, const struct device_case *c)
{
	if (!f->device)
		return !c->model && strcmp(c->name, "capture") == 0;
	return f->boot == c->boot && strcmp(f->device, c->name) == 0;
}

static void xml_escaped(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		int n = (unsigned char)*s >= 0x80 ? utf8_sequence((const unsigned char *)s, SIZE_MAX) : 1;

		/* XML is UTF-8 here: U+FFFD for each byte that is not */
		if (n > 1) {
			fwrite(s, 1, (size_t)n, out);
			s += n - 1;
			continue;
		}
		if (n <= 0) {
			fputs("\xef\xbf\xbd", out);
			continue;
		}
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if (((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)
				fputc('?', out);
			else
				fputc(*s, out);
		}
	}
}

static void finding_plain(FILE *out, const struct finding_item *it, void (*esc)(FILE *, const char *),
			  const char *indent)
{
	const struct drc_finding *f = it->f;

	fprintf(out, "%s", indent);
	esc(out, drc_severity_to_string(f->severity));
	fputc(' ', out);
	esc(out, f->rule);
	fputs(": ", out);
	esc(out, f->summary);
	if (f->occurrences > 1) {
		char b[160];

		snprintf(b, sizeof(b), "\n%soccurrences: %" PRIu64 " (first line %" PRIu64 ", last line %" PRIu64
			 ", cycles %u to %u)", indent, f->occurrences, f->first.line, f->last.line,
			 f->first_cycle + 1, f->last_cycle + 1);
		fputs(b, out);
	}
	fprintf(out, "\n%s", indent);
	esc(out, f->explanation);
	fprintf(out, "\n%sfix: ", indent);
	esc(out, f->fix);
	fputc('\n', out);
	if (f->n_evidence) {
		fprintf(out, "%slines:", indent);
		for (unsigned j = 0; j < f->n_evidence; j++) {
			char b[32];

			fputc(' ', out);
			esc(out, f->evidence[j].source);
			snprintf(b, sizeof(b), ":%" PRIu64, f->evidence[j].line);
			fputs(b, out);
		}
		fputc('\n', out);
	}
}

int findings_print_junit(FILE *out, struct drc_ctx *ctx, const struct report_view *v,
			 const struct finding_list *l)
{
	struct device_case *c;
	unsigned n, failures = 0;
	int r = device_cases(ctx, v, l, &c, &n);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < l->n; j++)
			if (l->items[j].fails && finding_on(l->items[j].f, &c[i])) {
				failures++;
				break;
			}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"devresctl\" tests=\"%u\" failures=\"%u\">\n", n, failures);
	fprintf(out, "  <testsuite name=\"devresctl check\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"0\">\n",
		n, failures);
	for (unsigned i = 0; i < n; i++) {
		bool any = false;

		fputs("    <testcase classname=\"devresctl.", out);
		xml_escaped(out, c[i].driver ? c[i].driver : "nodriver");
		fputs("\" name=\"", out);
		if (drc_ctx_get_boot_count(ctx) > 1)
			fprintf(out, "boot %u: ", c[i].boot);
		xml_escaped(out, c[i].name);
		fputs("\">\n", out);
		for (unsigned j = 0; j < l->n; j++) {
			const struct finding_item *it = &l->items[j];

			if (!it->fails || !finding_on(it->f, &c[i]))
				continue;
			fputs("      <failure type=\"", out);
			xml_escaped(out, it->f->rule);
			fputs("\" message=\"", out);
			xml_escaped(out, it->f->summary);
			fputs("\">\n", out);
			finding_plain(out, it, xml_escaped, "");
			fputs("      </failure>\n", out);
		}
		for (unsigned j = 0; j < l->n; j++) {
			const struct finding_item *it = &l->items[j];

			if (it->fails || !finding_on(it->f, &c[i]))
				continue;
			if (!any)
				fputs("      <system-out>\n", out);
			any = true;
			finding_plain(out, it, xml_escaped, "");
			if (it->suppressed) {
				fputs("suppressed: ", out);
				xml_escaped(out, it->suppressed);
				fputc('\n', out);
			} else if (it->known) {
				fputs("in baseline\n", out);
			}
		}
		if (any)
			fputs("      </system-out>\n", out);
		fputs("    </testcase>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	free(c);
	return 0;
}

static void yaml_plain(FILE *out, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\n' ? ' ' : *s, out);
}

static void yaml_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
	fputc('"', out);
}

int findings_print_tap(FILE *out, struct drc_ctx *ctx, const struct report_view *v,
		       const struct finding_list *l)
{
	struct device_case *c;
	unsigned n;
	int r = device_cases(ctx, v, l, &c, &n);

	if (r < 0)
		return r;
	fprintf(out, "TAP version 13\n1..%u\n", n);
	for (unsigned i = 0; i < n; i++) {
		bool failed = false, any = false;

		for (unsigned j = 0; j < l->n; j++)
			if (finding_on(l->items[j].f, &c[i])) {
				any = true;
				failed |= l->items[j].fails;
			}
		fprintf(out, "%s %u - ", failed ? "not ok" : "ok", i + 1);
		if (drc_ctx_get_boot_count(ctx) > 1)
			fprintf(out, "boot %u: ", c[i].boot);
		yaml_plain(out, c[i].driver ? c[i].driver : "");
		fprintf(out, "%s", c[i].driver ? " " : "");
		yaml_plain(out, c[i].name);
		fputc('\n', out);
		if (!any)
			continue;
		fputs("  ---\n  findings:\n", out);
		for (unsigned j = 0; j < l->n; j++) {
			const struct finding_item *it = &l->items[j];

			if (!finding_on(it->f, &c[i]))
				continue;
			fputs("    - rule: ", out);
			yaml_plain(out, it->f->rule);
			fputs("\n      severity: ", out);
			yaml_plain(out, drc_severity_to_string(it->f->severity));
			fprintf(out, "\n      fails: %s\n      occurrences: %" PRIu64 "\n      summary: ",
				it->fails ? "true" : "false", it->f->occurrences);
			yaml_quoted(out, it->f->summary);
			if (it->f->occurrences > 1)
				fprintf(out, "\n      first_line: %" PRIu64 "\n      last_line: %" PRIu64
					"\n      first_cycle: %u\n      last_cycle: %u", it->f->first.line,
					it->f->last.line, it->f->first_cycle + 1, it->f->last_cycle + 1);
			if (it->suppressed) {
				fputs("\n      suppressed: ", out);
				yaml_quoted(out, it->suppressed);
			}
			if (it->f->n_evidence) {
				fputs("\n      lines:", out);
				for (unsigned k = 0; k < it->f->n_evidence; k++)
					fprintf(out, "%s%" PRIu64, k ? ", " : " [", it->f->evidence[k].line);
				fputc(']', out);
			}
			fputc('\n', out);
		}
		fputs("  ...\n", out);
	}
	free(c);
	return 0;
}
