// SPDX-License-Identifier: GPL-2.0-or-later
/* Uevents among the /dev/kmsg records in the kernel's order (uevent-order.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "shared/strbuf.h"
#include "source-udev.h"
#include "uevent-order.h"

enum op { OP_NONE, OP_ADD, OP_REL, OP_OTHER };

/* what a uevent follows and what it comes before */
enum kind {
	K_HERE,         /* no device, or an action devres does not tell: where it came */
	K_RELEASED,     /* unbind, remove: after the release run, before the next probe */
	K_BOUND,        /* bind: before the device's next REL */
	K_ADDED,        /* add: before the device's first record */
};

struct span {
	size_t off, len;
};

struct line {
	struct span text;
	bool record;            /* a record's first line (not its dictionary) */
	enum op op;
	struct span dev, id;    /* in the text: the device and the node of a DEVRES record */
};

struct unit {
	size_t first, n;        /* its lines in o->ulines */
	enum kind kind;
	struct span dev;        /* in o->utext */
	uint64_t since_ms;
	size_t at;              /* placed before this batch line; SIZE_MAX: not yet */
};

struct uevent_order {
	uevent_order_out_fn fn;
	void *userdata;
	/* held uevents and the lines with them */
	struct strbuf utext;
	struct span *ulines;
	size_t nulines, aulines;
	struct unit *units;
	size_t nunits, aunits;
	/* the records read since the first of them */
	struct strbuf btext;
	struct line *blines;
	size_t nblines, ablines;
	struct uevent_order_stats st;
};

int uevent_order_new(uevent_order_out_fn fn, void *userdata, struct uevent_order **ret)
{
	struct uevent_order *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->fn = fn;
	o->userdata = userdata;
	*ret = o;
	return 0;
}

void uevent_order_free(struct uevent_order *o)
{
	if (!o)
		return;
	strbuf_done(&o->utext);
	strbuf_done(&o->btext);
	free(o->ulines);
	free(o->units);
	free(o->blines);
	free(o);
}

bool uevent_order_holding(const struct uevent_order *o)
{
	return o->nunits > 0;
}

void uevent_order_get_stats(const struct uevent_order *o, struct uevent_order_stats *ret)
{
	*ret = o->st;
}

static int grow(void **p, size_t *alloc, size_t n, size_t size)
{
	void *q;
	size_t a;

	if (n < *alloc)
		return 0;
	a = *alloc ? *alloc * 2 : 64;
	q = realloc(*p, a * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*alloc = a;
	return 0;
}

static bool span_eq(const char *a, struct span x, const char *b, struct span y)
{
	return x.len == y.len && memcmp(a + x.off, b + y.off, x.len) == 0;
}

/* "PRI,SEQ,TS,FLAGS;DRIVER DEVICE: DEVRES OP ID ...": device, op and node */
static void parse_record(const char *s, size_t len, struct line *l)
{
	const char *semi = memchr(s, ';', len), *end = s + len, *m = NULL, *p;
	static const char key[] = ": DEVRES ";

	l->op = OP_NONE;
	if (!semi)
		return;
	for (p = semi + 1; p + sizeof(key) - 1 <= end; p++)
		if (*p == ':' && memcmp(p, key, sizeof(key) - 1) == 0) {
			m = p;
			break;
		}
	if (!m)
		return;
	for (p = m; p > semi + 1 && p[-1] != ' '; p--)
		;
	l->dev = (struct span){ (size_t)(p - s), (size_t)(m - p) };
	p = m + sizeof(key) - 1;
	if (end - p > 4 && memcmp(p, "ADD ", 4) == 0)
		l->op = OP_ADD;
	else if (end - p > 4 && memcmp(p, "REL ", 4) == 0)
		l->op = OP_REL;
	else
		l->op = OP_OTHER;
	while (p < end && *p != ' ')
		p++;
	while (p < end && *p == ' ')
		p++;
	m = p;
	while (p < end && *p != ' ')
		p++;
	l->id = (struct span){ (size_t)(m - s), (size_t)(p - m) };
	if (!l->dev.len)
		l->op = OP_NONE;
}

int uevent_order_kmsg(struct uevent_order *o, const char *line, size_t len)
{
	struct line *l;

	if (!o->nunits)
		return o->fn(o->userdata, line, len);
	if (grow((void **)&o->blines, &o->ablines, o->nblines, sizeof(*o->blines)) < 0)
		return -ENOMEM;
	l = &o->blines[o->nblines];
	*l = (struct line){ .text = { o->btext.len, len }, .record = !(len && line[0] == ' ') };
	if (strbuf_append(&o->btext, line, len) < 0)
		return -ENOMEM;
	if (l->record) {
		parse_record(o->btext.buf + l->text.off, len, l);
		l->dev.off += l->text.off;
		l->id.off += l->text.off;
	}
	o->nblines++;
	return 0;
}

/* What a uevent's header line (source_udev_header()) comes with; @dev
 * its device's name, in @line */
static enum kind header_kind(const char *line, size_t len, struct span *dev)
{
	struct source_udev_header h;

	*dev = (struct span){ 0, 0 };
	if (!source_udev_header(line, len, &h) || !h.name_len)
		return K_HERE;
	*dev = (struct span){ (size_t)(h.name - line), h.name_len };
#define IS(w) (h.action_len == sizeof(w) - 1 && memcmp(h.action, w, h.action_len) == 0)
	if (IS("unbind") || IS("remove"))
		return K_RELEASED;
	if (IS("bind"))
		return K_BOUND;
	if (IS("add"))
		return K_ADDED;
#undef IS
	return K_HERE;
}

int uevent_order_other(struct uevent_order *o, const char *line, size_t len, uint64_t now_ms)
{
	bool header = source_udev_is_header(line, len);
	struct span *s;

	if (!header && !o->nunits)
		return o->fn(o->userdata, line, len);
	if (grow((void **)&o->ulines, &o->aulines, o->nulines, sizeof(*o->ulines)) < 0)
		return -ENOMEM;
	if (header) {
		struct unit *u;

		if (grow((void **)&o->units, &o->aunits, o->nunits, sizeof(*o->units)) < 0)
			return -ENOMEM;
		u = &o->units[o->nunits];
		*u = (struct unit){ .first = o->nulines, .since_ms = now_ms, .at = SIZE_MAX };
		u->kind = header_kind(line, len, &u->dev);
		u->dev.off += o->utext.len;
		o->nunits++;
		o->st.held++;
	}
	s = &o->ulines[o->nulines];
	*s = (struct span){ o->utext.len, len };
	if (strbuf_append(&o->utext, line, len) < 0)
		return -ENOMEM;
	o->nulines++;
	o->units[o->nunits - 1].n++;
	return 0;
}

static bool of_dev(const struct uevent_order *o, const struct line *l, const struct unit *u)
{
	return l->op != OP_NONE && span_eq(o->btext.buf, l->dev, o->utext.buf, u->dev);
}

/*
 * Whether the ADD at @i is inside the device's release run: the device's
 * next REL releases a node not added between them (a release callback's
 * devm call adds to the list release_all no longer walks; a probe that
 * fails, or a group released, releases what it added).
 */
static bool add_in_release(const struct uevent_order *o, size_t i, const struct unit *u)
{
	for (size_t j = i + 1; j < o->nblines; j++) {
		const struct line *r = &o->blines[j];

		if (!of_dev(o, r, u) || r->op != OP_REL)
			continue;
		for (size_t k = i; k < j; k++)
			if (of_dev(o, &o->blines[k], u) && o->blines[k].op == OP_ADD &&
			    span_eq(o->btext.buf, o->blines[k].id, o->btext.buf, r->id))
				return false;
		return true;
	}
	return false;
}

/* The batch line @u goes before, from @from on; SIZE_MAX: not in this batch. */
static size_t place(const struct uevent_order *o, const struct unit *u, size_t from)
{
	for (size_t i = from; i < o->nblines; i++) {
		const struct line *l = &o->blines[i];

		if (!l->record || !of_dev(o, l, u))
			continue;
		if ((u->kind == K_ADDED) || (u->kind == K_BOUND && l->op == OP_REL) ||
		    (u->kind == K_RELEASED && l->op == OP_ADD && !add_in_release(o, i, u)))
			return i;
	}
	return SIZE_MAX;
}

static int out_unit(struct uevent_order *o, const struct unit *u)
{
	for (size_t k = 0; k < u->n; k++) {
		const struct span *s = &o->ulines[u->first + k];
		int r = o->fn(o->userdata, o->utext.buf + s->off, s->len);

		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Places what it can (all when @all), writes the batch with them, keeps the
 * rest. A uevent's mark is searched from the mark of the device's uevent
 * before it (what follows that one follows this one too); and since the
 * kernel sent them in order, a uevent goes no later than any after it.
 */
static int settle(struct uevent_order *o, bool all, uint64_t now_ms)
{
	size_t nplaced = 0, next = 0, at = SIZE_MAX;
	int r = 0;

	for (size_t i = 0; i < o->nunits; i++) {
		struct unit *u = &o->units[i];
		size_t from = 0;

		for (size_t k = i; k-- > 0;)
			if (o->units[k].kind != K_HERE &&
			    span_eq(o->utext.buf, o->units[k].dev, o->utext.buf, u->dev)) {
				from = o->units[k].at;
				break;
			}
		u->at = u->kind == K_HERE || from == SIZE_MAX ? SIZE_MAX : place(o, u, from);
	}
	for (size_t i = o->nunits; i-- > 0;) {
		if (o->units[i].at < at)
			at = o->units[i].at;
		o->units[i].at = at;
	}
	/* the others where they came: with the uevent before them */
	for (size_t i = 0; i < o->nunits; i++)
		if (o->units[i].kind == K_HERE)
			o->units[i].at = i ? o->units[i - 1].at : 0;
	for (; nplaced < o->nunits; nplaced++) {
		struct unit *u = &o->units[nplaced];

		if (u->at == SIZE_MAX) {
			bool late = now_ms >= u->since_ms + UEVENT_ORDER_HOLD_MS ||
				    o->nunits - nplaced > UEVENT_ORDER_HOLD_MAX;

			if (!all && !late)
				break;
			if (late && !all)
				o->st.unplaced++;
			u->at = o->nblines;
		}
		if (u->at > 0)
			o->st.moved++;
	}
	for (size_t i = 0; i <= o->nblines && r >= 0; i++) {
		for (; next < nplaced && o->units[next].at == i && r >= 0; next++)
			r = out_unit(o, &o->units[next]);
		if (i < o->nblines && r >= 0)
			r = o->fn(o->userdata, o->btext.buf + o->blines[i].text.off, o->blines[i].text.len);
	}
	if (r < 0)
		return r;
	o->nblines = 0;
	strbuf_clear(&o->btext);
	if (nplaced == o->nunits) {
		o->nunits = o->nulines = 0;
		strbuf_clear(&o->utext);
		return 0;
	}
	/* the units left, their lines and text moved to the front */
	if (nplaced) {
		size_t f = o->units[nplaced].first, t = o->ulines[f].off;

		memmove(o->units, o->units + nplaced, (o->nunits - nplaced) * sizeof(*o->units));
		o->nunits -= nplaced;
		memmove(o->ulines, o->ulines + f, (o->nulines - f) * sizeof(*o->ulines));
		o->nulines -= f;
		for (size_t k = 0; k < o->nulines; k++)
			o->ulines[k].off -= t;
		for (size_t k = 0; k < o->nunits; k++) {
			o->units[k].first -= f;
			o->units[k].dev.off -= t;
		}
		memmove(o->utext.buf, o->utext.buf + t, o->utext.len - t);
		o->utext.len -= t;
		o->utext.buf[o->utext.len] = '\0';
	}
	return 0;
}

int uevent_order_read_done(struct uevent_order *o, bool at_end, uint64_t now_ms)
{
	if (!o->nunits && !o->nblines)
		return 0;
	return settle(o, at_end, now_ms);
}

int uevent_order_flush(struct uevent_order *o)
{
	if (!o->nunits && !o->nblines)
		return 0;
	return settle(o, true, 0);
}
