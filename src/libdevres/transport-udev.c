// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * udevadm monitor (systemd's udevadm-monitor.c), with or without --property:
 *
 *   KERNEL[1.942590] add      /devices/platform/dfx-clean.0 (platform)
 *   ACTION=add
 *   DEVPATH=/devices/platform/dfx-clean.0
 *   SUBSYSTEM=platform
 *   DRIVER=dfx-clean
 *   SEQNUM=2345
 *                                                   (an empty line ends it)
 *   UDEV  [1.950001] add      /devices/platform/dfx-clean.0 (platform)
 *
 * udev's UDEV copy of an event is taken only until a KERNEL event was seen
 * (udevadm monitor --udev has none); after that the kernel's is.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stream-private.h"

/* The pieces of "KERNEL[1.942590] add      /devices/platform/dfx-clean.0 (platform)" */
struct udev_header {
	bool from_udev;
	int64_t ts;
	size_t a, ae, p, pe;            /* action, devpath */
};

static bool udev_header_parse(const char *l, size_t len, struct udev_header *h)
{
	size_t i;

	if (MEM_STARTS(l, len, "KERNEL"))
		h->from_udev = false, i = 6;
	else if (MEM_STARTS(l, len, "UDEV"))
		h->from_udev = true, i = 4;
	else
		return false;
	h->ts = -1;
	i = skip_ws(l, len, i);
	i = parse_bracket_ts(l, len, i, &h->ts);
	if (!i)
		return false;
	h->a = skip_ws(l, len, i);
	h->ae = h->a;
	while (h->ae < len && islower((unsigned char)l[h->ae]))
		h->ae++;
	h->p = skip_ws(l, len, h->ae);
	if (h->ae == h->a || h->p >= len || l[h->p] != '/')
		return false;
	h->pe = h->p;
	while (h->pe < len && l[h->pe] != ' ')
		h->pe++;
	return true;
}

struct udev_state {
	struct kv_record ev;            /* the event being read (first: see struct transport) */
	bool seen_kernel_uevent;
	struct udev_header h;           /* detect(): the header's pieces */
};

static int udev_flush(struct drc_stream *s, void *st)
{
	struct udev_state *us = st;
	struct kv_record *u = &us->ev;
	struct drc_uevent ev = { 0 };
	const char *base;
	int r = 0;

	if (!u->active)
		return 0;
	u->active = false;
	if (u->from_udev && us->seen_kernel_uevent)
		return 0;               /* the KERNEL line of the same event was taken */
	if (!u->from_udev)
		us->seen_kernel_uevent = true;
	ev.action = u->action;
	ev.devpath = u->devpath;
	base = u->devpath ? strrchr(u->devpath, '/') : NULL;
	ev.device = base ? drc_interns(s->ctx, base + 1) : NULL;
	ev.subsystem = u->subsystem;
	ev.driver = u->driver;
	ev.seqnum = u->seqnum;
	ev.from_udev = u->from_udev;
	ev.ts_usec = u->ts;
	ev.origin = u->origin;
	if (ev.action && ev.devpath)
		r = drc_model_uevent(s->ctx, &ev);
	return r;
}

static void udev_property(struct drc_stream *s, struct kv_record *u, const char *l, size_t len, size_t eq)
{
	const char *v = l + eq + 1;
	size_t vl = len - eq - 1;

	if (eq == 6 && memcmp(l, "DRIVER", 6) == 0)
		u->driver = drc_intern(s->ctx, v, vl);
	else if (eq == 9 && memcmp(l, "SUBSYSTEM", 9) == 0)
		u->subsystem = drc_intern(s->ctx, v, vl);
	else if (eq == 6 && memcmp(l, "SEQNUM", 6) == 0)
		u->seqnum = strtoull(v, NULL, 10);
}

static int udev_record(struct drc_stream *s, void *st, struct line *l)
{
	struct kv_record *u = &((struct udev_state *)st)->ev;
	size_t eq;
	int r;

	if (l->len == 0) {
		l->why = "an empty line: the end of its event";
		r = udev_flush(s, st);
		return r < 0 ? r : LINE_TAKEN;
	}
	if (l->text[0] == '#') {
		l->why = "a comment inside its event";
		return LINE_TAKEN;
	}
	if (is_property(l->text, l->len, &eq)) {
		udev_property(s, u, l->text, l->len, eq);
		l->why = "a property of its event";
		return LINE_TAKEN;
	}
	r = udev_flush(s, st);
	return r < 0 ? r : LINE_PASS;
}

static const char *udev_detect(struct drc_stream *s, void *st, const struct line *ln, enum stage stage)
{
	struct udev_state *us = st;

	if (!udev_header_parse(ln->text, ln->len, &us->h))
		return NULL;
	return us->h.from_udev ? "an event as udev passed it on ('UDEV  [time] ACTION DEVPATH')"
			       : "an event as the kernel sent it ('KERNEL[time] ACTION DEVPATH')";
}

static int udev_feed(struct drc_stream *s, void *st, struct line *ln, enum stage stage)
{
	struct udev_state *us = st;
	struct kv_record *u = &us->ev;
	const char *l = ln->text;
	size_t len = ln->len, i;

	*u = (struct kv_record){ .msg = u->msg };
	u->active = true;
	u->from_udev = us->h.from_udev;
	u->ts = us->h.ts;
	u->origin = *ln->o;
	u->action = drc_intern(s->ctx, l + us->h.a, us->h.ae - us->h.a);
	u->devpath = drc_intern(s->ctx, l + us->h.p, us->h.pe - us->h.p);
	i = skip_ws(l, len, us->h.pe);
	if (i < len && l[i] == '(') {
		const char *c = memchr(l + i, ')', len - i);

		if (c)
			u->subsystem = drc_intern(s->ctx, l + i + 1, (size_t)(c - (l + i + 1)));
	}
	return LINE_TAKEN;
}

/* "KERNEL[12.405107] unbind   /devices/pci0000:00/0000:00:02.0 (pci)": whose
 * uevent, and whether it is a bind (opres.c reads them as evidence) */
int udev_observe(struct drc_stream *s, const char *l, size_t len)
{
	struct udev_header h;
	const char *dev;
	size_t n;

	if (!udev_header_parse(l, len, &h))
		return 0;
	for (n = h.pe; n > h.p && l[n - 1] != '/'; n--)
		;
	if (n == h.pe)
		return 0;
	dev = drc_intern(s->ctx, l + n, h.pe - n);
	if (!dev)
		return -ENOMEM;
	return drc_opres_observe_uevent(s->ctx->opres, dev,
					h.ae - h.a == 4 && memcmp(l + h.a, "bind", 4) == 0     ? DRC_OPRES_BIND
					: h.ae - h.a == 6 && memcmp(l + h.a, "unbind", 6) == 0 ? DRC_OPRES_UNBIND
											       : DRC_OPRES_OTHER);
}

static uint64_t udev_pending(const void *st)
{
	const struct kv_record *u = &((const struct udev_state *)st)->ev;

	return u->active ? u->origin.line : UINT64_MAX;
}

static void udev_done(void *st)
{
	strbuf_done(&((struct udev_state *)st)->ev.msg);
}

const struct transport transport_udev = {
	.name = "udev",
	.state_size = sizeof(struct udev_state),
	.stages = STAGE(STAGE_HEADER),
	.first = { [STAGE_HEADER] = "KU" },
	.detect = udev_detect,
	.feed = udev_feed,
	.record = udev_record,
	.flush = udev_flush,
	.pending = udev_pending,
	.done = udev_done,
};
