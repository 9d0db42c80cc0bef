// SPDX-License-Identifier: GPL-2.0-or-later
/* devresctl watch: the state behind the screen (see watch.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "shared/clock.h"
#include "shared/macro.h"
#include "sources/sysfs.h"
#include "watch.h"

/* (a finding of the whole capture, no-devres or log-loss, has no device) */
static uint64_t key_of(const char *s)
{
	s = s ? s : "";
	return hash_bytes(s, strlen(s));
}

static void format_ts(char *buf, size_t len, int64_t ts)
{
	if (ts < 0)
		snprintf(buf, len, "%12s", "-");
	else
		snprintf(buf, len, "%5" PRId64 ".%06" PRId64, ts / 1000000, ts % 1000000);
}

/* The slot for a new entry of a ring: the next free one, or the oldest. */
static unsigned ring_push(unsigned *head, unsigned *n, unsigned cap)
{
	unsigned slot;

	if (*n < cap)
		return (*head + (*n)++) % cap;
	slot = *head;
	*head = (*head + 1) % cap;
	return slot;
}

static struct watch_event *event_push(struct watch_state *w)
{
	struct watch_event *e = &w->events[ring_push(&w->ev_head, &w->ev_n, WATCH_EVENTS_MAX)];

	w->ev_total++;
	w->activity++;
	return e;
}

const struct watch_event *watch_event_get(const struct watch_state *w, unsigned i)
{
	if (i >= w->ev_n)
		return NULL;
	return &w->events[(w->ev_head + i) % WATCH_EVENTS_MAX];
}

bool watch_event_matches(const struct watch_event *e, const char *filter)
{
	return !filter || !*filter || strstr(e->text, filter);
}

static void on_event(void *userdata, const struct drc_event *ev)
{
	struct watch_state *w = userdata;
	struct watch_event *e = event_push(w);
	char ts[24];
	size_t nl;

	if (ev->ts_usec >= 0)
		w->now_ts = ev->ts_usec;
	format_ts(ts, sizeof(ts), ev->ts_usec);
	e->kind = WATCH_EV_DEVRES;
	e->device = ev->device;
	e->op = ev->op;
	e->origin = ev->origin;
	e->size = ev->size;
	snprintf(e->id, sizeof(e->id), "%0*" PRIx64, (int)ev->id_digits, ev->id);
	nl = strlen(ev->name);
	/* a long name (a 6.4+ action's cast expression) keeps its end */
	snprintf(e->name, sizeof(e->name), "%s", nl < sizeof(e->name) ? ev->name : ev->name + nl - (sizeof(e->name) - 1));
	snprintf(e->text, sizeof(e->text), "%s %-20s %-7s %0*" PRIx64 " %-30s %7" PRIu64 "  :%" PRIu64, ts,
		 ev->device, drc_op_to_string(ev->op), (int)ev->id_digits, ev->id, ev->name, ev->size,
		 ev->origin.line);
}

static void on_uevent(void *userdata, const struct drc_uevent *ev)
{
	struct watch_state *w = userdata;
	struct watch_event *e;
	char ts[24];
	bool module = ev->subsystem && strcmp(ev->subsystem, "module") == 0;

	if (ev->from_udev)
		return;         /* the kernel's copy is enough */
	e = event_push(w);
	format_ts(ts, sizeof(ts), ev->ts_usec);
	e->kind = module ? WATCH_EV_MODULE : WATCH_EV_UDEV;
	e->device = module ? NULL : ev->device;
	snprintf(e->text, sizeof(e->text), "%s %-20s %-7s %s %s (%s)%s%s  :%" PRIu64, ts,
		 ev->device ? ev->device : "?", module ? "module" : "udev", ev->action ? ev->action : "?",
		 ev->devpath ? ev->devpath : "?", ev->subsystem ? ev->subsystem : "?",
		 ev->driver ? " driver " : "", ev->driver ? ev->driver : "", ev->origin.line);
	if (!module && ev->device && ev->devpath && !hashmap_get(&w->devpaths, key_of(ev->device))) {
		char *p = strdup(ev->devpath);

		if (p && hashmap_put(&w->devpaths, key_of(ev->device), p) < 0)
			free(p);
	}
}

static void on_ref(void *userdata, const struct drc_ref *ref)
{
	struct watch_state *w = userdata;
	struct watch_event *e = event_push(w);
	struct watch_ref *r;

	e->kind = WATCH_EV_REF;
	e->device = ref->device;
	snprintf(e->text, sizeof(e->text), "%12s %-20s %-7s pid %" PRIu64 " %s holds %s  :%" PRIu64, "-",
		 ref->device, "ref", ref->pid, ref->comm, ref->path, ref->origin.line);
	r = &w->refs[ring_push(&w->ref_head, &w->ref_n, WATCH_REFS_MAX)];
	r->device = ref->device;
	r->pid = ref->pid;
	snprintf(r->comm, sizeof(r->comm), "%s", ref->comm);
	snprintf(r->path, sizeof(r->path), "%s", ref->path);
	r->origin = ref->origin;
}

int watch_state_init(struct watch_state *w, struct drc_ctx *ctx)
{
	*w = (struct watch_state){ .ctx = ctx, .now_ts = -1, .devpaths = HASHMAP_INIT, .badges = HASHMAP_INIT };
	w->events = calloc(WATCH_EVENTS_MAX, sizeof(*w->events));
	w->refs = calloc(WATCH_REFS_MAX, sizeof(*w->refs));
	if (!w->events || !w->refs) {
		watch_state_done(w);
		return -ENOMEM;
	}
	drc_ctx_set_event_fn(ctx, on_event, w);
	drc_ctx_set_uevent_fn(ctx, on_uevent, w);
	drc_ctx_set_ref_fn(ctx, on_ref, w);
	return 0;
}

void watch_state_done(struct watch_state *w)
{
	if (w->ctx) {
		drc_ctx_set_event_fn(w->ctx, NULL, NULL);
		drc_ctx_set_uevent_fn(w->ctx, NULL, NULL);
		drc_ctx_set_ref_fn(w->ctx, NULL, NULL);
	}
	hashmap_done_free(&w->devpaths);
	hashmap_done(&w->badges);
	free(w->events);
	free(w->refs);
	free(w->rows);
	free(w->forder);
	*w = (struct watch_state){ 0 };
}

/* ---- the clock ages are measured on ---- */

void watch_state_set_live(struct watch_state *w, bool kernel_clock)
{
	w->live = true;
	w->clock_kernel = kernel_clock;
	/* the kernel's log and our trace instance are on CLOCK_MONOTONIC
	 * (printk's local_clock, trace_clock "mono"): now is the clock itself */
	w->clock_set = kernel_clock;
	w->clock_off = 0;
}

void watch_state_clock(struct watch_state *w, uint64_t mono_usec)
{
	int64_t off;

	if (!w->live || w->now_ts < 0)
		return;
	off = (int64_t)mono_usec - w->now_ts;
	if (w->clock_kernel) {
		/* a timestamp ahead of our clock: follow the kernel's */
		if (off < w->clock_off)
			w->clock_off = off;
		return;
	}
	/* another clock (a fake root, a replayed log): time runs on from the
	 * newest timestamp, as it arrived */
	if (!w->clock_set || w->now_ts != w->clock_ts) {
		w->clock_off = off;
		w->clock_ts = w->now_ts;
		w->clock_set = true;
	}
}

int64_t watch_state_now(const struct watch_state *w, uint64_t mono_usec)
{
	if (!w->live || !w->clock_set)
		return w->now_ts;
	return MAX((int64_t)mono_usec - w->clock_off, w->now_ts);
}

/* ---- findings ---- */

/* The order 'report' prints them in (output-findings.c): the worst first,
 * then the order they were found in. */
static bool finding_before(const struct drc_finding *a, const struct drc_finding *b)
{
	if (a->severity != b->severity)
		return a->severity > b->severity;
	return a->seq < b->seq;
}

/* Puts finding @i in its place among the @n already ordered. */
static int finding_order_insert(struct watch_state *w, unsigned n, unsigned i)
{
	const struct drc_finding *f = drc_ctx_get_finding(w->ctx, i);
	unsigned pos = n;

	if (n == w->forder_cap) {
		unsigned cap = w->forder_cap ? w->forder_cap * 2 : 64;
		unsigned *v = realloc(w->forder, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->forder = v, w->forder_cap = cap;
	}
	/* new findings come last in detection order: look from the end */
	while (pos > 0 && finding_before(f, drc_ctx_get_finding(w->ctx, w->forder[pos - 1])))
		pos--;
	memmove(&w->forder[pos + 1], &w->forder[pos], (n - pos) * sizeof(*w->forder));
	w->forder[pos] = i;
	return 0;
}

const struct drc_finding *watch_finding_get(const struct watch_state *w, unsigned i)
{
	return i < w->findings_shown ? drc_ctx_get_finding(w->ctx, w->forder[i]) : NULL;
}

int watch_finding_index(const struct watch_state *w, uint64_t seq)
{
	for (unsigned i = 0; i < w->findings_shown; i++)
		if (drc_ctx_get_finding(w->ctx, w->forder[i])->seq == seq)
			return (int)i;
	return -1;
}

int watch_state_sync_findings(struct watch_state *w)
{
	unsigned n = drc_ctx_get_finding_count(w->ctx);

	for (; w->findings_seen < n; w->findings_seen++) {
		const struct drc_finding *f = drc_ctx_get_finding(w->ctx, w->findings_seen);
		uint64_t k = key_of(f->device);
		uintptr_t c = (uintptr_t)hashmap_get(&w->badges, k);

		if (w->keep && !w->keep(f, w->keep_data))
			continue;
		if (finding_order_insert(w, w->findings_shown, w->findings_seen) < 0)
			return -ENOMEM;
		w->findings_shown++;
		if (hashmap_put(&w->badges, k, (void *)(c + 1)) < 0)
			return -ENOMEM;
		if (f->severity == DRC_SEVERITY_ERROR)
			w->errors++;
		else if (f->severity == DRC_SEVERITY_WARNING)
			w->warnings++;
		else
			w->infos++;
		w->activity++;
	}
	return 0;
}

unsigned watch_device_findings(const struct watch_state *w, const char *device)
{
	return (unsigned)(uintptr_t)hashmap_get(&w->badges, key_of(device));
}

void watch_mark_finding(struct watch_state *w, const struct drc_finding *f)
{
	w->mark_device = f->device;
	w->nmarks = 0;
	if (!f->device)
		return;
	for (unsigned i = 0; i < f->n_nodes && w->nmarks < WATCH_MARKS_MAX; i++)
		if (strcmp(f->nodes[i].device, f->device) == 0 && strcmp(f->nodes[i].id, "?") != 0)
			snprintf(w->marks[w->nmarks++], sizeof(w->marks[0]), "%s", f->nodes[i].id);
}

static bool marked(const struct watch_state *w, struct drc_device *dev, const char *id)
{
	if (!w->mark_device || strcmp(w->mark_device, drc_device_get_name(dev)) != 0)
		return false;
	for (unsigned i = 0; i < w->nmarks; i++)
		if (strcmp(w->marks[i], id) == 0)
			return true;
	return false;
}

/* ---- device rows ---- */

const char *watch_sort_to_string(enum watch_sort s)
{
	static const char *const names[] = { "name", "live", "bytes", "findings", "state", "driver" };

	return s < _WATCH_SORT_MAX ? names[s] : "?";
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static enum watch_sort sort_key;

static int row_cmp(const void *pa, const void *pb)
{
	const struct watch_row *a = pa, *b = pb;
	int c = 0;

	switch (sort_key) {
	case WATCH_SORT_LIVE:
		c = (drc_device_count_live(b->dev) > drc_device_count_live(a->dev)) -
		    (drc_device_count_live(b->dev) < drc_device_count_live(a->dev));
		break;
	case WATCH_SORT_BYTES:
		c = (drc_device_live_bytes(b->dev) > drc_device_live_bytes(a->dev)) -
		    (drc_device_live_bytes(b->dev) < drc_device_live_bytes(a->dev));
		break;
	case WATCH_SORT_FINDINGS:
		c = (b->findings > a->findings) - (b->findings < a->findings);
		break;
	case WATCH_SORT_STATE:
		c = strcmp(drc_device_state_to_string(drc_device_get_state(a->dev)),
			   drc_device_state_to_string(drc_device_get_state(b->dev)));
		break;
	case WATCH_SORT_DRIVER:
		c = strcmp0(drc_device_get_driver(a->dev), drc_device_get_driver(b->dev));
		break;
	default:
		break;
	}
	if (!c)
		c = strcmp(drc_device_get_name(a->dev), drc_device_get_name(b->dev));
	if (!c)
		c = (drc_device_get_boot(a->dev) > drc_device_get_boot(b->dev)) -
		    (drc_device_get_boot(a->dev) < drc_device_get_boot(b->dev));
	return c;
}

static bool device_matches(struct drc_device *dev, const char *filter)
{
	const char *fields[] = { drc_device_get_name(dev), drc_device_get_driver(dev), drc_device_get_subsystem(dev),
				 drc_device_state_to_string(drc_device_get_state(dev)) };

	if (!*filter)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i] && strstr(fields[i], filter))
			return true;
	return false;
}

int watch_state_rows(struct watch_state *w)
{
	struct drc_device_iter *it;
	struct drc_device *dev;
	int r;

	r = drc_device_iter_new(w->ctx, &it);
	if (r < 0)
		return r;
	w->nrows = 0;
	while ((r = drc_device_iter_next(it, &dev)) > 0) {
		if (!drc_device_count_events(dev) || !device_matches(dev, w->filter))
			continue;
		if (w->nrows == w->rows_cap) {
			unsigned cap = w->rows_cap ? w->rows_cap * 2 : 256;
			struct watch_row *v = realloc(w->rows, cap * sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				break;
			}
			w->rows = v, w->rows_cap = cap;
		}
		w->rows[w->nrows++] = (struct watch_row){ dev, watch_device_findings(w, drc_device_get_name(dev)) };
	}
	drc_device_iter_free(it);
	if (r < 0)
		return r;
	if (!w->nrows)
		return 0;
	sort_key = w->sort;
	qsort(w->rows, w->nrows, sizeof(*w->rows), row_cmp);
	if (w->reverse)
		for (unsigned i = 0, j = w->nrows; i + 1 < j--; i++) {
			struct watch_row t = w->rows[i];

			w->rows[i] = w->rows[j];
			w->rows[j] = t;
		}
	return 0;
}

int watch_row_of(const struct watch_state *w, const struct drc_device *dev)
{
	for (unsigned i = 0; i < w->nrows; i++)
		if (w->rows[i].dev == dev)
			return (int)i;
	return -1;
}

/* ---- lines ---- */

void watch_lines_clear(struct watch_lines *l)
{
	l->n = 0;
}

void watch_lines_done(struct watch_lines *l)
{
	free(l->v);
	*l = (struct watch_lines){ 0 };
}

char *watch_cell(char *buf, size_t len, const char *s, unsigned width, bool keep_end)
{
	size_t n = strlen(s ? s : "");

	s = s ? s : "";
	if (n <= width || width < 4)
		snprintf(buf, len, "%-*.*s", (int)width, (int)width, s);
	else if (keep_end)
		snprintf(buf, len, "...%s", s + n - (width - 3));
	else
		snprintf(buf, len, "%.*s...", (int)width - 3, s);
	return buf;
}

static int _printf_(3, 4) line_add(struct watch_lines *l, enum watch_line_style style, const char *fmt, ...)
{
	va_list ap;

	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 64;
		struct watch_line *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v, l->cap = cap;
	}
	l->v[l->n].style = style;
	va_start(ap, fmt);
	vsnprintf(l->v[l->n].text, sizeof(l->v[0].text), fmt, ap);
	va_end(ap);
	l->n++;
	return 0;
}

/* A paragraph cut at spaces to @width columns, each line after @indent. */
static int line_add_wrapped(struct watch_lines *l, enum watch_line_style style, unsigned indent, const char *text,
			    unsigned width)
{
	unsigned room = width > indent + 20 ? width - indent : 20;

	while (*text) {
		size_t n = strlen(text);
		int r;

		if (n > room) {
			size_t cut = room;

			while (cut > room / 2 && text[cut] != ' ')
				cut--;
			if (text[cut] != ' ')
				cut = room;
			n = cut;
		}
		r = line_add(l, style, "%*s%.*s", (int)indent, "", (int)n, text);
		if (r < 0)
			return r;
		text += n;
		while (*text == ' ')
			text++;
	}
	return 0;
}

static void format_age(char *buf, size_t len, int64_t now, int64_t ts)
{
	if (now < 0 || ts < 0 || ts > now)
		snprintf(buf, len, "-");
	else if (now - ts < 100 * 1000000LL)
		snprintf(buf, len, "%.1fs", (double)(now - ts) / 1e6);
	else
		snprintf(buf, len, "%" PRId64 "s", (now - ts) / 1000000);
}

/* Columns of a node line: the release function gets what the others leave
 * of the width, up to 34 (29 at 80 columns). */
#define NODE_FIXED 51   /* size 6, class 9, id 16, age 6, ":line" after the function */

static int function_width(unsigned width)
{
	return (int)MIN(34u, MAX(20u, width > NODE_FIXED ? width - NODE_FIXED : 0u));
}

struct detail_walk {
	struct watch_state *w;
	struct drc_device *dev;
	struct watch_lines *out;
	int fn_w;
	int64_t now;
	int r;
};

static void detail_node(void *userdata, struct drc_node *n, unsigned depth, struct drc_node *const *stack)
{
	struct detail_walk *d = userdata;
	enum drc_node_kind k = drc_node_get_kind(n);
	const char *name = drc_node_get_name(n);
	struct drc_origin o = drc_node_get_origin(n);
	char age[24], fn[WATCH_TEXT], cls[32];
	int ind = (int)depth * 2, w = MAX(d->fn_w - ind, 8);
	int r;

	(void)stack;
	if (d->r < 0)
		return;
	if (k == DRC_NODE_GROUP_OPEN) {
		struct drc_group *g = drc_node_get_group(n);
		bool open = g && drc_group_get_state(g) == DRC_GROUP_OPEN;

		r = line_add(d->out, open ? WATCH_LINE_OPEN_GROUP : WATCH_LINE_GROUP, "%*sgroup %s  %s  opened :%" PRIu64,
			     ind, "", drc_node_get_id_string(n),
			     open ? "OPEN, never closed" : "closed", o.line);
	} else if (k == DRC_NODE_GROUP_CLOSE) {
		r = line_add(d->out, WATCH_LINE_GROUP, "%*s    end of group %s  closed :%" PRIu64, ind, "",
			     drc_node_get_id_string(n), o.line);
	} else if (k == DRC_NODE_REALLOC && !name) {
		r = line_add(d->out, WATCH_LINE_DIM, "%*s%s %6s  %-9s %-16s  replaced %s :%" PRIu64, ind, "",
			     watch_cell(fn, sizeof(fn), "(devm_krealloc node)", (unsigned)w, false), "?", "memory", "?",
			     drc_node_get_replaced_name(n), o.line);
	} else {
		format_age(age, sizeof(age), d->now, drc_node_get_ts(n));
		/* a long name (a 6.4+ action's cast expression) keeps its end,
		 * where the function is, and the columns their place */
		r = line_add(d->out, marked(d->w, d->dev, drc_node_get_id_string(n)) ? WATCH_LINE_MARKED : WATCH_LINE_PLAIN,
			     "%*s%s %6" PRId64 "  %s %-16s %6s  :%" PRIu64, ind, "",
			     watch_cell(fn, sizeof(fn), name, (unsigned)w, true), drc_node_get_size(n),
			     watch_cell(cls, sizeof(cls), drc_ctx_classify(d->w->ctx, name), 9, false),
			     drc_node_get_id_string(n), age, o.line);
	}
	if (r < 0)
		d->r = r;
}

static bool in_batch(const struct watch_event *e, const char *device, struct drc_origin first, struct drc_origin last)
{
	return e->kind == WATCH_EV_DEVRES && e->op == DRC_OP_REL && e->origin.source == first.source &&
	       e->origin.line >= first.line && e->origin.line <= last.line &&
	       (e->device == device || strcmp(e->device, device) == 0);
}

/*
 * The nodes a batch released, in the order the kernel released them: the
 * REL events of the device in the batch's lines, as long as the Events
 * ring still holds them (the engine keeps counts, not released nodes,
 * unless it keeps the whole history).
 */
static int batch_nodes(struct watch_state *w, struct drc_device *dev, struct drc_batch *b, int fn_w,
		       struct watch_lines *out)
{
	const char *name = drc_device_get_name(dev);
	struct drc_origin first = drc_batch_get_first_origin(b), last = drc_batch_get_last_origin(b);
	unsigned want = drc_batch_count_released(b) + drc_batch_count_groups(b), found = 0;
	char fn[WATCH_TEXT], cls[32];
	int r = 0;

	for (unsigned i = 0; r >= 0 && i < w->ev_n; i++) {
		const struct watch_event *e = watch_event_get(w, i);
		bool marker = strcmp(e->name, "grp<") == 0 || strcmp(e->name, "grp>") == 0;

		if (!in_batch(e, name, first, last))
			continue;
		found++;
		r = line_add(out, marker ? WATCH_LINE_DIM : WATCH_LINE_PLAIN, "    %s %6" PRIu64 "  %s %-16s released :%" PRIu64,
			     watch_cell(fn, sizeof(fn), e->name, (unsigned)MAX(fn_w - 4, 8), true), e->size,
			     watch_cell(cls, sizeof(cls), marker ? "group" : drc_ctx_classify(w->ctx, e->name), 9, false),
			     e->id, e->origin.line);
	}
	if (r >= 0 && found < want)
		r = line_add(out, WATCH_LINE_DIM, "    (%u more, older than the %u events kept)", want - found, WATCH_EVENTS_MAX);
	return r;
}

int watch_detail(struct watch_state *w, struct drc_device *dev, bool batches, unsigned width, struct watch_lines *out)
{
	struct detail_walk d = { w, dev, out, function_width(width), watch_state_now(w, now_usec()), 0 };
	const char *sub = drc_device_get_subsystem(dev), *drv = drc_device_get_driver(dev);
	uint64_t nb = drc_device_count_batches(dev);
	int r;

	watch_lines_clear(out);
	r = line_add(out, WATCH_LINE_TITLE, "%s%s%s  driver %s  %s  %u live, %" PRIu64 " bytes  boot %u",
		     drc_device_get_name(dev), sub ? "  bus " : "", sub ? sub : "", drv ? drv : "-",
		     drc_device_state_to_string(drc_device_get_state(dev)), drc_device_count_live(dev),
		     drc_device_live_bytes(dev), drc_device_get_boot(dev));
	if (r >= 0 && drc_device_count_unknown(dev))
		r = line_add(out, WATCH_LINE_WARNING, "%" PRIu64 " release(s) of nodes added before the capture began",
			     drc_device_count_unknown(dev));
	if (r >= 0)
		r = line_add(out, WATCH_LINE_HEADER, "%-*s %6s  %-9s %-16s %6s  %s", d.fn_w, "RELEASE FUNCTION", "SIZE",
			     "CLASS", "ID", "AGE", "ADDED");
	if (r < 0)
		return r;
	if (!drc_device_get_first_node(dev))
		r = line_add(out, WATCH_LINE_DIM, "(nothing live)");
	else
		report_walk_live(dev, detail_node, &d);
	if (r < 0 || d.r < 0)
		return r < 0 ? r : d.r;
	if (!nb)
		return 0;
	r = line_add(out, WATCH_LINE_HEADER, "%s released in %" PRIu64 " batch%s%s", batches ? "[-]" : "[+]", nb,
		     nb == 1 ? "" : "es", batches ? "" : "  (b shows them)");
	for (struct drc_batch *b = batches ? drc_device_get_first_batch(dev) : NULL; b && r >= 0; b = drc_batch_next(b)) {
		char extra[96] = "";

		if (drc_batch_count_out_of_order(b))
			snprintf(extra, sizeof(extra), ", %u out of list order", drc_batch_count_out_of_order(b));
		r = line_add(out, drc_batch_count_out_of_order(b) ? WATCH_LINE_WARNING : WATCH_LINE_PLAIN,
			     "  %-13s :%" PRIu64 "-%" PRIu64 "  %u node%s, %" PRIu64 " bytes, %u group%s%s%s%s",
			     drc_batch_kind_to_string(drc_batch_get_kind(b)), drc_batch_get_first_origin(b).line,
			     drc_batch_get_last_origin(b).line, drc_batch_count_released(b),
			     drc_batch_count_released(b) == 1 ? "" : "s", drc_batch_get_bytes(b),
			     drc_batch_count_groups(b), drc_batch_count_groups(b) == 1 ? "" : "s", extra,
			     drc_batch_is_probe_failure(b) ? ", after a failed probe" : "",
			     drc_batch_count_unknown(b) ? ", some not seen added" : "");
		if (r >= 0)
			r = batch_nodes(w, dev, b, d.fn_w, out);
	}
	return r;
}

int watch_finding_detail(const struct drc_finding *f, unsigned width, struct watch_lines *out)
{
	int r;

	watch_lines_clear(out);
	r = line_add(out, f->severity == DRC_SEVERITY_ERROR ? WATCH_LINE_ERROR :
			  f->severity == DRC_SEVERITY_WARNING ? WATCH_LINE_WARNING : WATCH_LINE_DIM, "%s %s  boot %u",
		     drc_severity_to_string(f->severity), f->rule, f->boot);
	if (r >= 0 && f->occurrences > 1)
		r = line_add(out, WATCH_LINE_PLAIN, "%" PRIu64 " times, first at line %" PRIu64 ", last at line %" PRIu64
			     " (cycles %u to %u): the first is shown", f->occurrences, f->first.line, f->last.line,
			     f->first_cycle + 1, f->last_cycle + 1);
	if (r >= 0)
		r = line_add_wrapped(out, WATCH_LINE_TITLE, 0, f->summary, width);
	if (r >= 0)
		r = line_add_wrapped(out, WATCH_LINE_PLAIN, 2, f->explanation, width);
	if (r >= 0 && f->fix) {
		r = line_add(out, WATCH_LINE_HEADER, "fix:");
		if (r >= 0)
			r = line_add_wrapped(out, WATCH_LINE_PLAIN, 2, f->fix, width);
	}
	if (r >= 0 && f->n_evidence) {
		char buf[WATCH_TEXT];
		size_t len = 0;

		for (unsigned i = 0; i < f->n_evidence && len + 24 < sizeof(buf); i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%" PRIu64, i ? ", " : "",
						f->evidence[i].line);
		r = line_add(out, WATCH_LINE_HEADER, "evidence: lines %s of %s", buf,
			     f->evidence[0].source ? f->evidence[0].source : "?");
	}
	for (unsigned i = 0; r >= 0 && i < f->n_nodes; i++) {
		const struct drc_finding_node *n = &f->nodes[i];
		/* device 16..20, function 16..30: the id and line stay on screen */
		unsigned dev_w = width >= 100 ? 20 : 16, fn_w = MIN(30u, MAX(16u, width > 61 ? width - 61 : 0u));
		char dev[32], fn[WATCH_TEXT];

		r = line_add(out, WATCH_LINE_MARKED, "  %s %s %7" PRId64 "  %-8s %-16s :%" PRIu64 "%s%s%s",
			     watch_cell(dev, sizeof(dev), n->device, dev_w, true),
			     watch_cell(fn, sizeof(fn), n->name, fn_w, true), n->size, n->class ? n->class : "", n->id,
			     n->added.line, n->role ? "  (" : "", n->role ? n->role : "", n->role ? ")" : "");
	}
	return r;
}

static int children(struct watch_state *w, struct drc_device *dev, struct watch_lines *out)
{
	const char *path = hashmap_get(&w->devpaths, key_of(drc_device_get_name(dev)));
	size_t pos = 0, plen;
	unsigned n = 0;
	uint64_t k;
	void *v;
	int r = 0;

	if (!path)
		return line_add(out, WATCH_LINE_DIM, "  (no udev event placed it in sysfs)");
	plen = strlen(path);
	while (r >= 0 && hashmap_next(&w->devpaths, &pos, &k, &v)) {
		const char *p = v;

		if (strncmp(p, path, plen) == 0 && p[plen] == '/') {
			r = line_add(out, WATCH_LINE_PLAIN, "  %s", p);
			n++;
		}
	}
	if (r >= 0 && !n)
		r = line_add(out, WATCH_LINE_DIM, "  (none seen below %s)", path);
	return r;
}

struct live_refs {
	struct watch_lines *out;
	int r;
};

static int live_ref_line(void *userdata, const struct proc_ref *ref)
{
	struct live_refs *l = userdata;
	char fd[16];

	if (ref->fd >= 0)
		snprintf(fd, sizeof(fd), "fd %d", ref->fd);
	else
		snprintf(fd, sizeof(fd), "mmap");
	if (l->r >= 0)
		l->r = line_add(l->out, WATCH_LINE_WARNING, "  pid %-7" PRIu64 " %-16s %-6s %s  (now)", ref->pid,
				ref->comm, fd, ref->path);
	return l->r;
}

static int live_link_line(void *userdata, const char *kind, const char *name)
{
	struct live_refs *l = userdata;

	if (l->r >= 0)
		l->r = line_add(l->out, WATCH_LINE_PLAIN, "  %-9s %s", kind, name);
	return l->r;
}

static int live_component_line(void *userdata, const char *role, const char *other, const char *status)
{
	struct live_refs *l = userdata;

	if (l->r >= 0)
		l->r = line_add(l->out, WATCH_LINE_PLAIN, "  %-10s %s (%s)", strcmp(role, "aggregate") == 0 ?
				"aggregates" : "part of", other, status);
	return l->r;
}

static int live_child_line(void *userdata, const char *devpath)
{
	struct live_refs *l = userdata;

	if (l->r >= 0)
		l->r = line_add(l->out, WATCH_LINE_PLAIN, "  %s", devpath);
	return l->r;
}

/* What sysfs and /proc say about the device now. */
static int live_references(struct drc_device *dev, struct watch_lines *out)
{
	struct sysfs_device d;
	struct module_info m;
	struct live_refs l = { out, 0 };
	unsigned denied = 0, before;
	int r;

	if (sysfs_device_find(drc_device_get_name(dev), &d) < 0)
		return line_add(out, WATCH_LINE_DIM, "  (not in sysfs now)");
	r = line_add(out, WATCH_LINE_PLAIN, "  %s  driver %s", d.devpath, d.driver[0] ? d.driver : "- (unbound)");
	if (r >= 0 && d.module[0] && sysfs_module_info(d.module, &m) == 0)
		r = line_add(out, WATCH_LINE_PLAIN, "  module %s: %s, refcount %ld%s%s", d.module,
			     m.state[0] ? m.state : "?", m.refcnt, m.holders[0] ? ", held by " : "", m.holders);
	if (r < 0)
		return r;
	before = out->n;
	sysfs_for_each_link(d.devpath, live_link_line, &l);
	if (l.r >= 0 && out->n == before)
		l.r = line_add(out, WATCH_LINE_DIM, "  (no device links)");
	if (l.r >= 0) {
		char reason[512];

		if (sysfs_deferred_reason(d.name, reason, sizeof(reason)) == 1)
			l.r = line_add(out, WATCH_LINE_WARNING, "  deferred probe: %s", reason[0] ? reason : "(no reason)");
	}
	if (l.r >= 0)
		sysfs_for_each_component(d.name, live_component_line, &l);
	before = out->n;
	if (l.r >= 0)
		sysfs_for_each_descendant(d.devpath, live_child_line, &l);
	if (l.r >= 0 && out->n == before)
		l.r = line_add(out, WATCH_LINE_DIM, "  (no child devices)");
	if (l.r >= 0)
		l.r = line_add(out, WATCH_LINE_HEADER, "Holding its nodes now");
	before = out->n;
	if (l.r >= 0)
		sysfs_device_refs(d.devpath, live_ref_line, &l, &denied);
	if (l.r >= 0 && out->n == before)
		l.r = line_add(out, WATCH_LINE_DIM, "  (nobody)");
	if (l.r >= 0 && denied)
		l.r = line_add(out, WATCH_LINE_WARNING, "  %u processes could not be read (needs root: CAP_SYS_PTRACE)",
			       denied);
	return l.r;
}

int watch_references(struct watch_state *w, struct drc_device *dev, bool live, struct watch_lines *out)
{
	const char *name = drc_device_get_name(dev), *drv = drc_device_get_driver(dev);
	unsigned n = 0;
	int r;

	watch_lines_clear(out);
	r = line_add(out, WATCH_LINE_TITLE, "%s  driver %s  %s", name, drv ? drv : "-",
		     drc_device_state_to_string(drc_device_get_state(dev)));
	if (r >= 0)
		r = line_add(out, WATCH_LINE_HEADER, "Processes holding its device nodes");
	for (unsigned i = 0; r >= 0 && i < w->ref_n; i++) {
		const struct watch_ref *ref = &w->refs[(w->ref_head + i) % WATCH_REFS_MAX];

		if (ref->device != name && strcmp(ref->device, name) != 0)
			continue;
		r = line_add(out, WATCH_LINE_WARNING, "  pid %-7" PRIu64 " %-16s %s  :%" PRIu64, ref->pid, ref->comm,
			     ref->path, ref->origin.line);
		n++;
	}
	if (r >= 0 && !n)
		r = line_add(out, WATCH_LINE_DIM, "  (none recorded)");
	/* live, sysfs lists the children below; a capture has only what udev said */
	if (r >= 0 && !live)
		r = line_add(out, WATCH_LINE_HEADER, "Child devices");
	if (r >= 0 && !live)
		r = children(w, dev, out);
	if (r >= 0)
		r = line_add(out, WATCH_LINE_HEADER, live ? "In sysfs now: driver, module, links, children" :
			     "Device links and module references");
	if (r >= 0 && live)
		r = live_references(dev, out);
	else if (r >= 0)
		r = line_add(out, WATCH_LINE_DIM, "  (read from sysfs on a live system; a capture does not hold them)");
	return r;
}
