// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check --format=kcidb: the findings as one submission to the KernelCI
 * database, in its I/O schema (github.com/kernelci/kcidb-io, schema v5.3),
 * so that a lab which reports to KernelCI shows devres results next to its
 * boot tests. What the schema asks for and this file gives:
 *
 *  - every object id is "ORIGIN:LOCAL", ORIGIN the submitting CI system
 *    (^[a-z0-9_]+$); tests need build_id, builds need checkout_id;
 *  - a test's path is dot-separated components of [a-zA-Z0-9_-]: device
 *    names ("0000:00:1f.3") are spelled with '_' there, exactly in misc;
 *  - status is one of FAIL ERROR MISS PASS DONE SKIP: FAIL when a finding
 *    of the test fails the check (reaches --fail-on, neither suppressed nor
 *    in the baseline), PASS otherwise;
 *  - log_excerpt holds at most 16384 characters and no NUL; no property may
 *    be null (absent means unknown), so missing values are left out.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "output-kcidb.h"
#include "shared/jsonw.h"
#include "shared/strbuf.h"
#include "sources/source-file.h"

#define EXCERPT_MAX 16384               /* the schema's maxLength of log_excerpt */
#define EXCERPT_LINE_MAX 1024           /* a longer capture line is cut in the excerpt */

/* ---- options ---- */

static bool origin_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool origin_valid(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!origin_char(*s))
			return false;
	return true;
}

/* The length of an id's "origin:" prefix, 0 when it has none. */
static size_t origin_prefix_len(const char *id)
{
	size_t n = 0;

	while (origin_char(id[n]))
		n++;
	return n && id[n] == ':' ? n + 1 : 0;
}

static bool id_of_origin(const char *id, const char *origin)
{
	size_t n = origin_prefix_len(id);

	return !n || (strlen(origin) == n - 1 && strncmp(id, origin, n - 1) == 0);
}

/* RFC 3986: scheme ":" and something, no white space or control character */
static bool url_valid(const char *s)
{
	const char *p = s;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return false;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

bool kcidb_opts_given(const struct kcidb_opts *o)
{
	return o->origin || o->build_id || o->checkout_id || o->run_id || o->log_url;
}

int kcidb_opts_check(const struct kcidb_opts *o, char *msg, size_t len)
{
	if (!o->origin || !o->build_id) {
		snprintf(msg, len, "--format=kcidb needs --kcidb-origin (the lab's KCIDB origin) and "
			 "--kcidb-build-id (the tested kernel build's KCIDB id)");
		return -EINVAL;
	}
	if (!origin_valid(o->origin)) {
		snprintf(msg, len, "invalid --kcidb-origin '%s': an origin is lowercase letters, digits and '_'",
			 o->origin);
		return -EINVAL;
	}
	if (!*o->build_id || (o->checkout_id && !*o->checkout_id) || (o->run_id && !*o->run_id)) {
		snprintf(msg, len, "empty --kcidb-%s", !*o->build_id ? "build-id" :
			 o->run_id && !*o->run_id ? "run-id" : "checkout-id");
		return -EINVAL;
	}
	if (o->checkout_id && (!id_of_origin(o->build_id, o->origin) || !id_of_origin(o->checkout_id, o->origin))) {
		const char *id = id_of_origin(o->build_id, o->origin) ? o->checkout_id : o->build_id;

		snprintf(msg, len, "--kcidb-checkout-id submits the checkout and the build as origin '%s', "
			 "but '%s' is another origin's: leave --kcidb-checkout-id out to submit tests only",
			 o->origin, id);
		return -EINVAL;
	}
	if (o->log_url && !url_valid(o->log_url)) {
		snprintf(msg, len, "invalid --kcidb-log-url '%s': expected an absolute URL such as "
			 "https://lab.example/jobs/42/dmesg.txt", o->log_url);
		return -EINVAL;
	}
	return 0;
}

/* ---- the evidence lines, read again from the captures ---- */

struct wanted_line {
	const char *source;     /* interned by the engine */
	uint64_t line;
	char *text;             /* NULL when it could not be read again */
};

static int wanted_cmp(const void *a, const void *b)
{
	const struct wanted_line *x = a, *y = b;
	int c = strcmp(x->source, y->source);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* the line as an excerpt shows it: no NUL (the schema forbids it), no CR */
static char *line_dup(const char *line, size_t len)
{
	char *s = malloc((len < EXCERPT_LINE_MAX ? len : EXCERPT_LINE_MAX) + 1);
	size_t n = 0;

	if (!s)
		return NULL;
	for (size_t i = 0; i < len && n < EXCERPT_LINE_MAX; i++)
		if (line[i])
			s[n++] = line[i];
	while (n && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	return s;
}

/* Fills the text of @w[0..n), the wanted lines of one source, sorted. Only a
 * capture that is a regular file is read again: standard input, a pipe or a
 * device gave its lines once. */
static int read_lines(const struct report_view *v, struct wanted_line *w, size_t n)
{
	struct source_file *f;
	struct stat st;
	uint64_t lineno = 0;
	size_t i = 0;
	bool input = false;
	int r;

	for (unsigned k = 0; k < v->ninputs && !input; k++)
		input = strcmp(v->inputs[k], w[0].source) == 0;
	if (!input || strcmp(w[0].source, "-") == 0 || stat(w[0].source, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (source_file_open(w[0].source, &f) < 0)
		return 0;       /* gone since: no excerpt, the line numbers stay in misc */
	for (;;) {
		const char *line;
		size_t len;
		bool cut;

		r = source_file_next_line(f, &line, &len, &cut);
		if (r <= 0)
			break;
		lineno++;
		while (i < n && w[i].line < lineno)
			i++;
		if (i == n)
			break;
		if (w[i].line == lineno && !(w[i].text = line_dup(line, len))) {
			r = -ENOMEM;
			break;
		}
	}
	source_file_close(f);
	return r == -ENOMEM ? r : 0;
}

static int wanted_collect(const struct report_view *v, const struct finding_list *l,
			  struct wanted_line **ret, size_t *nret)
{
	struct wanted_line *w;
	size_t n = 0, k = 0;
	int r = 0;

	for (unsigned i = 0; i < l->n; i++)
		n += l->items[i].f->n_evidence;
	*ret = NULL;
	*nret = 0;
	if (!n)
		return 0;
	w = calloc(n, sizeof(*w));
	if (!w)
		return -ENOMEM;
	for (unsigned i = 0; i < l->n; i++) {
		const struct drc_finding *f = l->items[i].f;

		for (unsigned j = 0; j < f->n_evidence; j++)
			if (f->evidence[j].source)
				w[k++] = (struct wanted_line){ f->evidence[j].source, f->evidence[j].line, NULL };
	}
	qsort(w, k, sizeof(*w), wanted_cmp);
	n = 0;
	for (size_t i = 0; i < k; i++)
		if (!n || wanted_cmp(&w[n - 1], &w[i]) != 0)
			w[n++] = w[i];
	for (size_t i = 0; i < n && r == 0;) {
		size_t j = i;

		while (j < n && strcmp(w[j].source, w[i].source) == 0)
			j++;
		r = read_lines(v, w + i, j - i);
		i = j;
	}
	*ret = w;
	*nret = n;
	return r;
}

static void wanted_free(struct wanted_line *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(w[i].text);
	free(w);
}

static const char *wanted_text(const struct wanted_line *w, size_t n, const struct drc_origin *o)
{
	struct wanted_line key = { o->source, o->line, NULL };
	const struct wanted_line *hit;

	if (!o->source || !n)
		return NULL;
	hit = bsearch(&key, w, n, sizeof(*w), wanted_cmp);
	return hit ? hit->text : NULL;
}

/* ---- the tests ---- */

static int kcase_cmp(const void *a, const void *b)
{
	const struct device_case *x = a, *y = b;

	if (x->boot != y->boot)
		return x->boot < y->boot ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* items in the order of their device; the findings about no device first */
static int item_device_cmp(const void *a, const void *b)
{
	const struct finding_item *const *x = a, *const *y = b;
	const struct drc_finding *f = (*x)->f, *g = (*y)->f;

	if (!f->device || !g->device) {
		if (f->device || g->device)
			return f->device ? 1 : -1;
	} else {
		struct device_case cf = { f->device, NULL, f->boot, false }, cg = { g->device, NULL, g->boot, false };
		int c = kcase_cmp(&cf, &cg);

		if (c)
			return c;
	}
	return *x < *y ? -1 : *x > *y;  /* the list's order: the worst first */
}

/* the model's entry of a device before a finding's */
static int kcase_sort_cmp(const void *a, const void *b)
{
	const struct device_case *x = a, *y = b;
	int c = kcase_cmp(a, b);

	return c ? c : (int)y->model - (int)x->model;
}

/* Every selected device, and every device a finding is about (one the
 * model does not list, such as a device that only held files open). */
static int kcases_collect(struct drc_ctx *ctx, const struct report_view *v, const struct finding_list *l,
			  struct device_case **ret, size_t *nret)
{
	struct case_list cl = { 0 };
	struct device_case *c;
	size_t m = 0;
	int r = case_list_selected(ctx, v, &cl);

	for (unsigned i = 0; r == 0 && i < l->n; i++) {
		const struct drc_finding *f = l->items[i].f;

		if (f->device)
			r = case_list_push(&cl, (struct device_case){ f->device, f->driver, f->boot, false });
	}
	if (r < 0) {
		free(cl.v);
		return r;
	}
	/* sorted, one each: the model's driver, a finding's for a device the model lacks */
	c = cl.v;
	if (cl.n)
		qsort(c, cl.n, sizeof(*c), kcase_sort_cmp);
	for (size_t i = 0; i < cl.n; i++)
		if (!m || kcase_cmp(&c[m - 1], &c[i]) != 0)
			c[m++] = c[i];
	*ret = c;
	*nret = m;
	return 0;
}

struct kcidb {
	struct jw w;
	struct strbuf sb;               /* the JSON, flushed after each test */
	struct strbuf tmp;
	FILE *out;
	const struct kcidb_opts *o;
	struct strbuf build_id;         /* with its origin */
	const char *run;
	bool boots;                     /* more than one boot: ids name it */
	struct wanted_line *lines;
	size_t nlines;
	int error;
};

static void k_append(struct kcidb *k, const char *s)
{
	if (!k->error)
		k->error = strbuf_appends(&k->tmp, s);
}

/* a path component: what the schema's pattern takes, '_' for the rest */
static void k_append_component(struct kcidb *k, const char *s)
{
	char c[2] = { 0, 0 };

	if (!*s)
		k_append(k, "_");
	for (; *s; s++) {
		c[0] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		       *s == '_' || *s == '-' ? *s : '_';
		k_append(k, c);
	}
}

/* "devres[.RULE][.DEVICE]": the device's name exact in an id (which takes
 * any character but NUL), a path component in a path */
static void k_append_test(struct kcidb *k, const char *rule, const struct device_case *c, bool path)
{
	k_append(k, "devres");
	if (rule) {
		k_append(k, ".");
		k_append(k, rule);
	}
	if (!c)
		return;
	k_append(k, ".");
	if (path)
		k_append_component(k, c->name);
	else
		k_append(k, c->name);
}

static void k_full_id(struct kcidb *k, struct strbuf *sb, const char *id)
{
	if (!origin_prefix_len(id) && !k->error)
		k->error = strbuf_appendf(sb, "%s:", k->o->origin);
	if (!k->error)
		k->error = strbuf_appends(sb, id);
}

static int k_flush(struct kcidb *k)
{
	if (!k->error)
		k->error = jw_error(&k->w);
	if (k->error)
		return k->error;
	if (k->sb.len && fwrite(k->sb.buf, 1, k->sb.len, k->out) != k->sb.len)
		return k->error = -EIO;
	strbuf_clear(&k->sb);
	return 0;
}

/* The properties every test has: id, origin, build_id, path, status. */
static void k_test_begin(struct kcidb *k, const char *rule, const struct device_case *c, bool fail)
{
	struct jw *w = &k->w;

	jw_object_begin(w);
	strbuf_clear(&k->tmp);
	k_append(k, k->o->origin);
	k_append(k, ":");
	k_append(k, k->run);
	k_append(k, ":");
	if (c && k->boots && !k->error)
		k->error = strbuf_appendf(&k->tmp, "boot%u:", c->boot);
	k_append_test(k, rule, c, /* path= */ false);
	jw_kstring(w, "id", strbuf_str(&k->tmp));
	jw_kstring(w, "origin", k->o->origin);
	jw_kstring(w, "build_id", strbuf_str(&k->build_id));
	strbuf_clear(&k->tmp);
	k_append_test(k, rule, c, /* path= */ true);
	jw_kstring(w, "path", strbuf_str(&k->tmp));
	jw_kstring(w, "status", fail ? "FAIL" : "PASS");
	if (k->o->log_url)
		jw_kstring(w, "log_url", k->o->log_url);
}

/* The lines of each finding, in order, a blank line between findings; cut
 * at a line's end to the schema's limit, saying how many lines were left. */
static void k_excerpt(struct kcidb *k, struct finding_item *const *items, size_t n)
{
	size_t left = 0;
	bool any = false;

	strbuf_clear(&k->tmp);
	for (size_t i = 0; i < n; i++) {
		const struct drc_finding *f = items[i]->f;
		bool first = true;

		for (unsigned j = 0; j < f->n_evidence; j++) {
			const char *t = wanted_text(k->lines, k->nlines, &f->evidence[j]);

			if (!t)
				continue;
			/* room for this line and for the closing note */
			if (left || k->tmp.len + strlen(t) + 3 + 64 > EXCERPT_MAX) {
				left++;
				continue;
			}
			if (first && any)
				k_append(k, "\n");
			k_append(k, t);
			k_append(k, "\n");
			first = false;
			any = true;
		}
	}
	if (left && !k->error)
		k->error = strbuf_appendf(&k->tmp, "[%zu more line%s: see misc.findings]\n", left,
					  left == 1 ? "" : "s");
	if (any)
		jw_kstring(&k->w, "log_excerpt", strbuf_str(&k->tmp));
}

/* One test: a rule on a device (@c), or on the capture as a whole (@c NULL),
 * with the findings @items about it, maybe none. */
static int k_test(struct kcidb *k, const char *rule, const struct device_case *c, struct finding_item *const *items,
		  size_t n, unsigned boot)
{
	struct finding_list sub = { 0 };
	const struct finding_item *head = NULL;
	int r;

	for (size_t i = 0; i < n && !head; i++)
		if (items[i]->fails)
			head = items[i];
	k_test_begin(k, rule, c, head != NULL);
	if (!head && n)
		head = items[0];
	if (head)
		jw_kstring(&k->w, "comment", head->f->summary);
	if (n)
		k_excerpt(k, items, n);
	jw_key(&k->w, "misc");
	jw_object_begin(&k->w);
	jw_kstring(&k->w, "rule", rule);
	if (c) {
		jw_kstring(&k->w, "device", c->name);
		jw_kstring(&k->w, "driver", c->driver);
	}
	jw_kint(&k->w, "boot", boot);
	jw_key(&k->w, "findings");
	sub.items = calloc(n ? n : 1, sizeof(*sub.items));
	if (!sub.items)
		return k->error = -ENOMEM;
	for (size_t i = 0; i < n; i++)
		sub.items[sub.n++] = *items[i];
	r = findings_write_json(&k->w, &k->sb, NULL, &sub);
	free(sub.items);
	if (r < 0 && !k->error)
		k->error = r;
	jw_object_end(&k->w);
	jw_object_end(&k->w);
	return k_flush(k);
}

/* The run as a whole: FAIL when the check fails; the counts in misc. */
static int k_test_run(struct kcidb *k, const struct report_view *v, const struct finding_list *l, int fail_on,
		      size_t ncases)
{
	struct jw *w = &k->w;

	k_test_begin(k, NULL, NULL, l->failing > 0);
	strbuf_clear(&k->tmp);
	if (!k->error)
		k->error = strbuf_appendf(&k->tmp, "devresctl check: %u error%s, %u warning%s, %u info; "
					  "%u at or above --fail-on=%s", l->by_severity[DRC_SEVERITY_ERROR],
					  l->by_severity[DRC_SEVERITY_ERROR] == 1 ? "" : "s",
					  l->by_severity[DRC_SEVERITY_WARNING],
					  l->by_severity[DRC_SEVERITY_WARNING] == 1 ? "" : "s",
					  l->by_severity[DRC_SEVERITY_INFO], l->failing,
					  drc_severity_to_string((enum drc_severity)fail_on));
	jw_kstring(w, "comment", strbuf_str(&k->tmp));
	jw_key(w, "misc");
	jw_object_begin(w);
	jw_kstring(w, "tool", PACKAGE_NAME " " PACKAGE_VERSION);
	jw_key(w, "inputs");
	jw_array_begin(w);
	for (unsigned i = 0; i < v->ninputs; i++)
		jw_string(w, v->inputs[i]);
	jw_array_end(w);
	jw_kstring(w, "fail_on", drc_severity_to_string((enum drc_severity)fail_on));
	jw_kint(w, "devices", (int64_t)ncases);
	jw_kint(w, "errors", l->by_severity[DRC_SEVERITY_ERROR]);
	jw_kint(w, "warnings", l->by_severity[DRC_SEVERITY_WARNING]);
	jw_kint(w, "infos", l->by_severity[DRC_SEVERITY_INFO]);
	jw_kint(w, "suppressed", l->suppressed);
	jw_kint(w, "in_baseline", l->known);
	jw_kint(w, "failing", l->failing);
	jw_object_end(w);
	jw_object_end(w);
	return k_flush(k);
}

/* checkouts[] and builds[], when the lab submits the whole chain itself */
static void k_chain(struct kcidb *k)
{
	struct jw *w = &k->w;

	strbuf_clear(&k->tmp);
	k_full_id(k, &k->tmp, k->o->checkout_id);
	jw_key(w, "checkouts");
	jw_array_begin(w);
	jw_object_begin(w);
	jw_kstring(w, "id", strbuf_str(&k->tmp));
	jw_kstring(w, "origin", k->o->origin);
	jw_object_end(w);
	jw_array_end(w);
	jw_key(w, "builds");
	jw_array_begin(w);
	jw_object_begin(w);
	jw_kstring(w, "id", strbuf_str(&k->build_id));
	jw_kstring(w, "origin", k->o->origin);
	jw_kstring(w, "checkout_id", strbuf_str(&k->tmp));
	jw_object_end(w);
	jw_array_end(w);
}

int findings_print_kcidb(FILE *out, struct drc_ctx *ctx, const struct report_view *v,
			 const struct finding_list *l, const struct kcidb_opts *o, int fail_on)
{
	struct kcidb k = { .sb = STRBUF_INIT, .tmp = STRBUF_INIT, .build_id = STRBUF_INIT, .out = out, .o = o };
	struct finding_item **byd = NULL, **sel = NULL;
	struct device_case *cases = NULL;
	size_t ncases = 0, i = 0;
	int r;

	k.boots = drc_ctx_get_boot_count(ctx) > 1;
	k_full_id(&k, &k.build_id, o->build_id);
	k.run = o->run_id ? o->run_id : o->build_id + origin_prefix_len(o->build_id);
	r = wanted_collect(v, l, &k.lines, &k.nlines);
	if (r == 0)
		r = kcases_collect(ctx, v, l, &cases, &ncases);
	if (r == 0 && (!(byd = calloc(l->n + 1, sizeof(*byd))) || !(sel = calloc(l->n + 1, sizeof(*sel)))))
		r = -ENOMEM;
	if (r < 0)
		goto out;
	for (unsigned j = 0; j < l->n; j++)
		byd[j] = &l->items[j];
	qsort(byd, l->n, sizeof(*byd), item_device_cmp);

	jw_init(&k.w, &k.sb, true, 0);
	jw_object_begin(&k.w);
	jw_key(&k.w, "version");
	jw_object_begin(&k.w);
	jw_kint(&k.w, "major", KCIDB_SCHEMA_MAJOR);
	jw_kint(&k.w, "minor", KCIDB_SCHEMA_MINOR);
	jw_object_end(&k.w);
	if (o->checkout_id)
		k_chain(&k);
	jw_key(&k.w, "tests");
	jw_array_begin(&k.w);
	r = k_test_run(&k, v, l, fail_on, ncases);

	/* the findings about the capture as a whole (no device) come first in byd */
	for (unsigned ri = 0; r == 0 && ri < drc_rule_count(); ri++) {
		const char *rule = drc_rule_get(ri)->id;
		size_t n = 0;

		for (size_t j = 0; j < l->n && !byd[j]->f->device; j++)
			if (strcmp(byd[j]->f->rule, rule) == 0)
				sel[n++] = byd[j];
		if (n)
			r = k_test(&k, rule, NULL, sel, n, sel[0]->f->boot);
	}
	while (i < l->n && !byd[i]->f->device)
		i++;

	/* then every device and rule; byd and cases are in the same order */
	for (size_t c = 0; r == 0 && c < ncases; c++) {
		size_t from, to;

		while (i < l->n) {
			struct device_case fc = { byd[i]->f->device, NULL, byd[i]->f->boot, false };

			if (kcase_cmp(&fc, &cases[c]) >= 0)
				break;
			i++;    /* not reached: every finding's device is a case */
		}
		from = i;
		while (i < l->n) {
			struct device_case fc = { byd[i]->f->device, NULL, byd[i]->f->boot, false };

			if (kcase_cmp(&fc, &cases[c]) != 0)
				break;
			i++;
		}
		to = i;
		for (unsigned ri = 0; r == 0 && ri < drc_rule_count(); ri++) {
			const char *rule = drc_rule_get(ri)->id;
			size_t n = 0;

			for (size_t j = from; j < to; j++)
				if (strcmp(byd[j]->f->rule, rule) == 0)
					sel[n++] = byd[j];
			r = k_test(&k, rule, &cases[c], sel, n, cases[c].boot);
		}
	}
	if (r == 0) {
		jw_array_end(&k.w);
		jw_object_end(&k.w);
		if (!k.error)
			k.error = strbuf_appends(&k.sb, "\n");
		r = k_flush(&k);
	}
out:
	if (r == 0 && k.error)
		r = k.error;
	free(byd);
	free(sel);
	free(cases);
	wanted_free(k.lines, k.nlines);
	strbuf_done(&k.sb);
	strbuf_done(&k.tmp);
	strbuf_done(&k.build_id);
	return r;
}
