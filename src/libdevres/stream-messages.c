// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel messages, once a transport has taken its header off: the devres
 * line itself (decoder-devres.c), the fields a record gives it (a kmsg
 * dictionary, a journal entry), printk's own "[time] [caller] " in front of
 * it, and the table of the other messages the model and the rules read:
 *
 *   Linux version 6.1.0 (...)                       boot banner: a new boot
 *   probe of X failed with error -5                 really_probe(): an unwind follows
 *   drv X: probe with driver drv failed with error  the same, newer kernels
 *   drv X: Resources present before probing         really_probe()'s dev_crit()
 *   [drm:drmm_...] drmres ... / drmres release      DRM-managed resources (decoder-drm.c)
 *   CPU:1 [LOST 342 EVENTS]                         the trace lost events
 *   CPU:1 [342 EVENTS DROPPED]                      the same, as trace-cmd report says it
 *   ** 12 printk messages dropped **                the console lost messages
 *   ok 3 name / not ok 3 name                       a KUnit case ended
 *   devresctl-lost: SOURCE N WHY                    a live source lost records
 *   Missed N kernel messages                        journald's own entry: it lost records
 *   devresctl-refs: DEVICE PID COMM PATH            references recorded at unbind
 *   devresctl-kallsyms: MODULE FUNCTION...          a module's functions, live
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream-private.h"

/* devres messages glued after a line's first that are read apart (the
 * diagnostic below says 33 in all) */
#define GLUED_MAX 32

/* ---- boots ---- */

int stream_new_boot(struct drc_stream *s, const struct drc_origin *o, const char *release,
		    size_t rlen, const char *boot_id)
{
	struct drc_ctx *ctx = s->ctx;
	struct drc_boot *cur;
	const char *kernel = rlen ? drc_intern(ctx, release, rlen) : NULL;

	PIPE_SYNC(ctx);
	cur = ctx->nboots ? &ctx->boots[ctx->nboots - 1] : NULL;

	/* the first boot line of a capture names the boot that is already open */
	if (cur && !(cur->witnesses & (1u << DRC_WITNESS_PRINTK)) && !cur->kernel && !cur->boot_id[0]) {
		cur->kernel = kernel;
		cur->origin = *o;
		if (boot_id)
			snprintf(cur->boot_id, sizeof(cur->boot_id), "%s", boot_id);
		return 0;
	}
	return drc_ctx_new_boot(ctx, o, kernel, boot_id);
}

/* ---- devres lines ---- */

/* The device and its prefix are most often the previous line's: compare
 * before hashing. */
static const char *intern_again(struct drc_stream *s, struct interned *last, const char *p, size_t len)
{
	if (last->str && last->len == len && memcmp(last->str, p, len) == 0)
		return last->str;
	last->str = drc_intern(s->ctx, p, len);
	last->len = len;
	return last->str;
}

/* A release function's name: a few dozen per capture, one per line; a
 * hit costs a compare, not a hash, a lock (with a pipeline) and a probe. */
static const char *intern_name(struct drc_stream *s, const char *p, size_t len)
{
	struct interned *slot;

	if (!len)
		return drc_intern(s->ctx, p, len);
	slot = &s->names[(len * 31 + (unsigned char)p[0] + 7u * (unsigned char)p[len - 1]) % ARRAY_SIZE(s->names)];
	return intern_again(s, slot, p, len);
}

int stream_emit_devres(struct drc_stream *s, const struct devres_msg *m, enum drc_witness w,
		       int64_t ts, const char *subsystem, const char *devkey,
		       const struct drc_origin *o)
{
	struct drc_ctx *ctx = s->ctx;
	struct drc_event ev = {
		.op = m->op,
		.witness = w,
		.id = m->id,
		.id_digits = m->id_digits,
		.size = m->size,
		.ts_usec = ts,
		.subsystem = subsystem,
		.devkey = devkey,
		.origin = *o,
	};
	const char *alias;
	int r;

	ev.device = intern_again(s, &s->last_device, m->dev, m->dev_len);
	if (m->op_token && (alias = drc_opres_alias(ctx->opres, m->name, m->name_len)))
		ev.name = drc_interns(ctx, alias);
	else
		ev.name = intern_name(s, m->name, m->name_len);
	if (m->prefix)
		ev.prefix = intern_again(s, &s->last_prefix, m->prefix, m->prefix_len);
	if (!ev.device || !ev.name || (m->prefix && !ev.prefix))
		return -ENOMEM;
	STREAM_DEBUG(s, o, "message: devres %s of %s on %s", drc_op_to_string(ev.op), ev.name, ev.device);
	if (s->in_object)
		s->in_objects++;
	else if (ctx->line_fn)
		ctx->line_fn(ctx->line_data, o, MAX(o->line, s->cur_last));
	if (ctx->decode_only) {
		ctx->stats.devres_events++;
		return 0;
	}
	if (m->op_token) {
		r = drc_opres_track(ctx->opres, ev.device, ev.id, ev.op, ev.size, ev.name);
		if (r < 0)
			return r;
	}
	r = drc_pipe_apply(ctx, &ev);
	return r < 0 ? r : 0;
}

/* ---- the other messages ---- */

struct kernel_msg {
	const char *msg;
	size_t len;
	int64_t ts;
	const struct drc_origin *o;
};

/* rules hear of something besides devres operations: the copies the model
 * holds for their twin come first */
static void witness_flush(struct drc_stream *s)
{
	(void)drc_model_witness_flush(s->ctx);
}

/* and a witness lost lines here: the order that pairs its copies is broken */
static void witness_loss(struct drc_stream *s)
{
	(void)drc_model_witness_loss(s->ctx);
}

static int boot_banner(struct drc_stream *s, const struct kernel_msg *k)
{
	const char *rel = k->msg + 14, *e;
	int r;

	e = memchr(rel, ' ', k->len - 14);
	r = stream_new_boot(s, k->o, rel, e ? (size_t)(e - rel) : k->len - 14, NULL);
	return r < 0 ? r : 1;
}

static int probe_failure(struct drc_stream *s, const struct kernel_msg *k)
{
	const char *msg = k->msg, *end = msg + k->len;
	const char *p = mem_find(msg, k->len, "probe of ", 9);
	const char *f;
	char name[256];

	if (p && (f = mem_find(p, (size_t)(end - p), " failed with error ", 19))) {
		p += 9;
		if ((size_t)(f - p) < sizeof(name) && f > p) {
			memcpy(name, p, (size_t)(f - p));
			name[f - p] = '\0';
			drc_model_probe_failed(s->ctx, name, k->o);
			return 1;
		}
		return 0;
	}
	/* newer kernels: "<drv> <dev>: probe with driver <drv> failed with error -5" */
	p = mem_find(msg, k->len, ": probe with driver ", 20);
	if (p && mem_find(p, (size_t)(end - p), " failed with error ", 19)) {
		const char *d = p;

		while (d > msg && d[-1] != ' ')
			d--;
		if ((size_t)(p - d) < sizeof(name) && p > d) {
			memcpy(name, d, (size_t)(p - d));
			name[p - d] = '\0';
			drc_model_probe_failed(s->ctx, name, k->o);
			return 1;
		}
	}
	return 0;
}

/* The word before ": <what>" (the device of a dev_printk line). */
static const char *device_before(struct drc_stream *s, const char *msg, const char *colon)
{
	const char *b = colon;

	while (b > msg && b[-1] != ' ')
		b--;
	return b < colon ? drc_intern(s->ctx, b, (size_t)(colon - b)) : NULL;
}

static int resources_present(struct drc_stream *s, const struct kernel_msg *k)
{
	const char *p = mem_find(k->msg, k->len, ": Resources present before probing", 34);
	const char *dev;

	if (!p)
		return 0;
	witness_flush(s);
	dev = device_before(s, k->msg, p);
	drc_model_probe_attempt(s->ctx, dev, k->o);
	drc_rules_marker(s->ctx, DRC_MARK_RES_BEFORE_PROBE, dev, 0, k->ts, k->o);
	return 1;
}

static int drmres(struct drc_stream *s, const struct kernel_msg *k)
{
	struct drm_msg dm;
	const char *dev, *name;

	if (drc_decode_drm_msg(k->msg, k->len, &dm) != 1)
		return 0;
	dev = dm.dev ? drc_intern(s->ctx, dm.dev, dm.dev_len) : NULL;
	name = dm.name ? drc_intern(s->ctx, dm.name, dm.name_len) : NULL;
	witness_flush(s);
	drc_rules_drm(s->ctx, dm.op, dev, dm.id, dm.id_digits, name, dm.size, k->ts, k->o);
	return 1;
}

/*
 * trace: "CPU:1 [LOST 342 EVENTS]" (tracefs, trace_pipe), "CPU:1 [342
 * EVENTS DROPPED]" or "CPU:1 [EVENTS DROPPED]" (trace-cmd report: a page
 * of the ring buffer said events were missed before it, with or without
 * their count)
 */
static int trace_lost(struct drc_stream *s, const struct kernel_msg *k)
{
	const char *p = mem_find(k->msg, k->len, "[LOST ", 6), *d;
	uint64_t count;

	if (p) {
		count = strtoull(p + 6, NULL, 10);
	} else {
		d = k->len > 8 && memcmp(k->msg, "CPU:", 4) == 0 ? mem_find(k->msg, k->len, "EVENTS DROPPED]", 15) : NULL;
		p = d ? memchr(k->msg, '[', (size_t)(d - k->msg)) : NULL;
		if (!p)
			return 0;
		count = p + 1 < d ? strtoull(p + 1, NULL, 10) : 0;
	}
	witness_loss(s);
	drc_rules_lost(s->ctx, "trace", count, k->ts, k->o);
	return 1;
}

static uint64_t number_before(const char *msg, const char *p)
{
	const char *b = p;
	uint64_t v = 0;

	while (b > msg && b[-1] == ' ')
		b--;
	while (b > msg && is_digit(b[-1]))
		b--;
	for (; b < p && is_digit(*b); b++)
		v = v * 10 + (uint64_t)(*b - '0');
	return v;
}

/* console: "** 12 printk messages dropped **" */
static int console_dropped(struct drc_stream *s, const struct kernel_msg *k)
{
	const char *p, *printk;

	if (k->len <= 20 || !(p = mem_find(k->msg, k->len, " messages dropped", 17)))
		return 0;
	/* the count stands before " printk" when the word is there */
	printk = mem_find(k->msg, (size_t)(p - k->msg), " printk", 7);
	witness_loss(s);
	drc_rules_lost(s->ctx, "console", number_before(k->msg, printk ? printk : p), k->ts, k->o);
	return 1;
}

/*
 * systemd-journald's own entry when the kernel's record numbers jump over
 * records it could not read in time (journald-kmsg.c, dev_kmsg_record():
 * "Missed %"PRIu64" kernel messages", MESSAGE_ID=SD_MESSAGE_JOURNAL_MISSED).
 * It is journald's, not the kernel's (_TRANSPORT=driver, ident
 * systemd-journald; `journalctl -k` leaves it out), and it stands right
 * before the first record read after the gap. 1 when it was one.
 */
int journald_missed(struct drc_stream *s, const char *msg, size_t len, int64_t ts, const struct drc_origin *o)
{
	uint64_t n = 0;
	size_t i = 7;

	while (len && (msg[len - 1] == ' ' || msg[len - 1] == '\r'))
		len--;
	if (!MEM_STARTS(msg, len, "Missed "))
		return 0;
	/* at most 19 digits: a count no 64-bit number overflows with */
	for (; i < len && i < 7 + 19 && is_digit(msg[i]); i++)
		n = n * 10 + (uint64_t)(msg[i] - '0');
	if (i == 7 || len - i != 16 || memcmp(msg + i, " kernel messages", 16) != 0)
		return 0;
	witness_loss(s);
	drc_rules_lost(s->ctx, "journald", n, ts, o);
	return 1;
}

/* "ok 3 name" / "not ok 3 name" at any indent: a KUnit (KTAP) case ended */
static int ktap_result(struct drc_stream *s, const struct kernel_msg *k)
{
	const char *msg = k->msg;
	size_t len = k->len, i = 0;

	while (i < len && msg[i] == ' ')
		i++;
	if (len - i > 4 && memcmp(msg + i, "not ", 4) == 0)
		i += 4;
	if (!(len - i > 4 && memcmp(msg + i, "ok ", 3) == 0 && is_digit(msg[i + 3])))
		return 0;
	witness_flush(s);
	drc_rules_marker(s->ctx, DRC_MARK_KTAP_RESULT, NULL, 0, k->ts, k->o);
	return 1;
}

/* a live source lost records: "devresctl-lost: SOURCE N WHY..." (N may be "?") */
static int devresctl_lost(struct drc_stream *s, const struct kernel_msg *k)
{
	const char *msg = k->msg, *sp;
	size_t len = k->len;

	sp = memchr(msg + 16, ' ', len - 16);
	if (sp && sp + 1 < msg + len && (is_digit(sp[1]) || sp[1] == '?')) {
		/* the gap it leaves in the kernel log's numbers is said (by the
		 * kernel log's reader, or the daemon's journal for its lines) */
		if (!(sp - msg - 16 == 4 && memcmp(msg + 16, "udev", 4) == 0) &&
		    !(sp - msg - 16 == 5 && memcmp(msg + 16, "trace", 5) == 0))
			s->kmsg_loss_said = true;
		witness_loss(s);
		drc_rules_lost(s->ctx, drc_intern(s->ctx, msg + 16, (size_t)(sp - msg - 16)),
			       strtoull(sp + 1, NULL, 10), k->ts, k->o);
	} else {
		drc_diag_add(s->ctx, k->o, "expected 'devresctl-lost: SOURCE COUNT ...'", msg, len);
	}
	return 1;
}

/*
 * "MODULE FUNCTION...": the text symbols of a module loaded while a live
 * source ran, from /proc/kallsyms. Returns 0, -EINVAL when there is no
 * function, or -ENOMEM.
 */
static int kallsyms_line(struct drc_stream *s, const char *p, size_t len)
{
	const char *end = p + len, *mod = NULL;
	unsigned count = 0;

	while (p < end) {
		const char *w;

		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		for (w = p; p < end && *p != ' '; p++)
			;
		if (!mod) {
			mod = drc_intern(s->ctx, w, (size_t)(p - w));
			if (!mod)
				return -ENOMEM;
			continue;
		}
		if (drc_ctx_add_function(s->ctx, drc_intern(s->ctx, w, (size_t)(p - w)), mod) < 0)
			return -ENOMEM;
		count++;
	}
	if (!count)
		return -EINVAL;
	PIPE_SYNC(s->ctx);
	s->ctx->have_kallsyms = true;
	return 0;
}

/* a module was loaded while recording: "devresctl-kallsyms: MODULE FUNCTION..." */
static int devresctl_kallsyms(struct drc_stream *s, const struct kernel_msg *k)
{
	if (kallsyms_line(s, k->msg + 20, k->len - 20) < 0)
		drc_diag_add(s->ctx, k->o, "expected 'devresctl-kallsyms: MODULE FUNCTION...'", k->msg, k->len);
	return 1;
}

/* references recorded next to the log: "devresctl-refs: DEVICE PID COMM PATH" */
static int devresctl_refs(struct drc_stream *s, const struct kernel_msg *k)
{
	char dev[256], comm[64], path[512];
	unsigned long long pid;
	char buf[1024];

	snprintf(buf, sizeof(buf), "%.*s", (int)MIN(k->len - 16, sizeof(buf) - 1), k->msg + 16);
	if (sscanf(buf, "%255s %llu %63s %511s", dev, &pid, comm, path) == 4) {
		const char *device = drc_interns(s->ctx, dev);

		PIPE_SYNC(s->ctx);
		if (s->ctx->ref_fn && device) {
			struct drc_ref ref = { device, pid, comm, path,
					       s->ctx->nboots ? s->ctx->nboots - 1 : 0, *k->o };

			s->ctx->ref_fn(s->ctx->ref_data, &ref);
		}
		witness_flush(s);
		drc_rules_refs(s->ctx, device, pid, comm, path, k->o);
	} else {
		drc_diag_add(s->ctx, k->o, "expected 'devresctl-refs: DEVICE PID COMM PATH'", k->msg, k->len);
	}
	return 1;
}

/*
 * The kernel messages besides devres lines that the model or the rules
 * read, asked in this order. An entry is asked only of a message that
 * starts with its prefix (or one of its first bytes) and goes on after
 * it, and that holds its needle
 * (each needle is searched once, for all the entries that have it); one
 * that reads the message ends the search unless it says MSG_GOES_ON.
 */
#define MSG_BEFORE_DEVRES (1u << 0)     /* asked of devres lines too, before they are decoded */
#define MSG_GOES_ON (1u << 1)           /* the entries after it are asked all the same */

enum needle { NEEDLE_NONE, NEEDLE_PROB, NEEDLE_BRACKET, NEEDLE_STAR, NEEDLE_COUNT };
static const struct {
	const char *s;
	size_t len;
} needles[NEEDLE_COUNT] = {
	[NEEDLE_PROB] = { "prob", 4 },
	[NEEDLE_BRACKET] = { "[", 1 },
	[NEEDLE_STAR] = { "*", 1 },
};
#define PREFIX(p) p, STRLEN(p)

static const struct message_kind {
	const char *name;
	const char *prefix;             /* every such message starts with it, or NULL */
	size_t prefix_len;
	const char *first;              /* without a prefix: the bytes it may start with, or NULL: any */
	enum needle needle;             /* in every such message */
	unsigned flags;
	/* 1: it was one, 0: it was not, or -errno */
	int (*read)(struct drc_stream *s, const struct kernel_msg *k);
} messages[] = {
	{ "boot banner", PREFIX("Linux version "), NULL, NEEDLE_NONE, MSG_BEFORE_DEVRES, boot_banner },
	{ "probe failure", NULL, 0, NULL, NEEDLE_PROB, MSG_GOES_ON, probe_failure },
	{ "resources present before probing", NULL, 0, NULL, NEEDLE_PROB, MSG_GOES_ON, resources_present },
	{ "drmres", NULL, 0, NULL, NEEDLE_BRACKET, 0, drmres },
	{ "lost events", NULL, 0, NULL, NEEDLE_BRACKET, 0, trace_lost },
	{ "lost messages", NULL, 0, NULL, NEEDLE_STAR, 0, console_dropped },
	{ "KUnit result", NULL, 0, " no", NEEDLE_NONE, 0, ktap_result },
	{ "devresctl-lost", PREFIX("devresctl-lost: "), NULL, NEEDLE_NONE, 0, devresctl_lost },
	{ "devresctl-kallsyms", PREFIX("devresctl-kallsyms: "), NULL, NEEDLE_NONE, 0, devresctl_kallsyms },
	{ "devresctl-refs", PREFIX("devresctl-refs: "), NULL, NEEDLE_NONE, 0, devresctl_refs },
};

_Static_assert(ARRAY_SIZE(messages) <= 16, "struct drc_stream has a bit for each message kind");
_Static_assert(NEEDLE_COUNT <= ARRAY_SIZE(((struct drc_stream *)NULL)->msgs.needs), "a mask for each needle");

void messages_init(struct drc_stream *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(messages); i++) {
		const struct message_kind *m = &messages[i];
		uint16_t bit = (uint16_t)(1u << i);

		if (m->flags & MSG_BEFORE_DEVRES)
			s->msgs.before_devres |= bit;
		if (m->needle != NEEDLE_NONE)
			s->msgs.needs[m->needle] |= bit;
		for (unsigned b = 0; b < 256; b++) {
			bool may = m->prefix ? (unsigned char)m->prefix[0] == b
					     : !m->first || (b && strchr(m->first, (int)b));

			if (may)
				s->msgs.claims[b] |= bit;
		}
	}
}

/* Ask the entries (only those read before the devres decoder, for a devres
 * line): 1 when one of them ended the search, 0, or -errno. */
static int other_message(struct drc_stream *s, const struct kernel_msg *k, bool devres)
{
	unsigned ask = s->msgs.claims[k->len ? (unsigned char)k->msg[0] : 0];
	int r;

	if (devres)
		ask &= s->msgs.before_devres;
	for (unsigned n = 1; n < NEEDLE_COUNT; n++)
		if ((ask & s->msgs.needs[n]) &&
		    !(needles[n].len == 1 ? memchr(k->msg, needles[n].s[0], k->len) != NULL
					  : mem_find(k->msg, k->len, needles[n].s, needles[n].len) != NULL))
			ask &= ~(unsigned)s->msgs.needs[n];
	for (; ask; ask &= ask - 1) {
		const struct message_kind *m = &messages[__builtin_ctz(ask)];

		if (m->prefix && (k->len <= m->prefix_len || memcmp(k->msg, m->prefix, m->prefix_len) != 0))
			continue;
		r = m->read(s, k);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		STREAM_DEBUG(s, k->o, "message: %s", m->name);
		if (!(m->flags & MSG_GOES_ON))
			return 1;
	}
	return 0;
}

/* ---- one kernel message ---- */

/* A kernel message: a line_fate (LINE_HOLD only with @may_hold) or -errno. */
static int kernel_message(struct drc_stream *s, const char *msg, size_t len, int64_t ts,
			  const char *subsystem, const char *devkey, const struct drc_origin *o,
			  bool may_hold, bool devres)
{
	const struct kernel_msg k = { msg, len, ts, o };
	struct devres_msg m;
	const char *expected = NULL;
	int r;

	r = other_message(s, &k, devres);
	if (r < 0)
		return r;
	if (r || !devres)
		return LINE_TAKEN;
	r = drc_decode_devres_msg(msg, len, &m, &expected);
	if (r == -EINVAL) {
		if (may_hold && !mem_find(msg, len, "bytes)", 6))
			return LINE_HOLD;
		STREAM_DEBUG(s, o, "message: not decoded: %s", expected);
		drc_diag_add(s->ctx, o, expected, msg, len);
		return LINE_TAKEN;
	}
	if (r == 0) {
		STREAM_DEBUG(s, o, "message: names DEVRES, but is no devres operation");
		return LINE_TAKEN;
	}
	r = stream_emit_devres(s, &m, DRC_WITNESS_PRINTK, ts, subsystem, devkey, o);
	if (r < 0)
		return r;
	/* another message glued on (a mail client that joined the lines,
	 * consoles of two CPUs): read it as a line of its own; an author's
	 * note after the line that only names DEVRES is left alone */
	if (m.end < len && mem_find(msg + m.end, len - m.end, ": DEVRES ", 9)) {
		size_t rest = m.end;

		while (rest < len && (msg[rest] == ' ' || msg[rest] == '\t'))
			rest++;
		if (s->glued >= GLUED_MAX) {    /* each is read one level deeper */
			drc_diag_add(s->ctx, o, "expected at most 33 devres messages on a line",
				     msg + rest, len - rest);
			return LINE_TAKEN;
		}
		STREAM_DEBUG(s, o, "glue: another message after the first, read as a line of its own");
		s->glued++;
		r = stream_offer(s, msg + rest, len - rest, 0, o, false);
		if (r == LINE_DEFER)
			r = stream_defer(s, msg + rest, len - rest, 0, o);
		s->glued--;
		if (r < 0)
			return r;
	}
	return LINE_TAKEN;
}

/*
 * A collector's own stamp before the kernel's time, unknown to the
 * transports: a serial console logger ("[2026-11-26 11:21:04] ",
 * grabserial's "[0.123456 0.000123] "), ts(1), a CI log. The kernel's
 * "[    1.920000] " that comes before the device is where the message
 * starts; @i is returned unchanged when there is none.
 */
static size_t after_kernel_time(const char *l, size_t len, size_t i, int64_t *ts)
{
	const char *d = mem_find(l + i, len - i, ": DEVRES", 8), *p;
	size_t at = i;
	int64_t t;

	if (!d)
		return i;
	for (p = l + i; (p = memchr(p, '[', (size_t)(d - p))); p++) {
		size_t j = parse_bracket_ts(l, len, (size_t)(p - l), &t);

		size_t k = j ? skip_caller(l, len, j) : 0;

		if (j && t >= 0 && k < len && l[k] == ' ' && l + k < d) {
			at = k + 1;
			*ts = t;
		}
	}
	return at;
}

/* journalctl -o short-monotonic's "systemd-journald[PID]: Missed N kernel
 * messages" at @i (after the host, if any): true when it was that loss */
static bool journald_line(struct drc_stream *s, const struct line *ln, size_t i, int64_t ts)
{
	const char *l = ln->text, *c;
	size_t len = ln->len;

	if (len - i < 18 || memcmp(l + i, "systemd-journald", 16) != 0 ||
	    !(c = memchr(l + i + 16, ':', len - i - 16)) || (size_t)(c - l) + 2 > len || c[1] != ' ')
		return false;
	return journald_missed(s, c + 2, len - (size_t)(c + 2 - l), ts, ln->o) == 1;
}

int kernel_text(struct drc_stream *s, struct line *ln, size_t i)
{
	const char *l = ln->text;
	size_t len = ln->len;
	bool devres = ln->devres != NULL;
	int64_t ts = -1;

	if (i < len && l[i] == '[') {
		size_t j = parse_bracket_ts(l, len, i, &ts);

		if (j) {
			i = skip_caller(l, len, j);
			if (i < len && l[i] == ' ')
				i++;
			/* journalctl -o short-monotonic: "[ts] host kernel: msg", and
			 * with --no-hostname "[ts] kernel: msg" */
			size_t h = i, e;

			while (h < len && l[h] != ' ' && l[h] != ':')
				h++;
			e = h + 1;
			if (h < len && l[h] == ' ' && len - e > 8 && memcmp(l + e, "kernel: ", 8) == 0)
				i = e + 8;
			else if (len - i > 8 && memcmp(l + i, "kernel: ", 8) == 0)
				i += 8;
			else if (journald_line(s, ln, h < len && l[h] == ' ' ? e : i, ts))
				return LINE_TAKEN;
		}
	}
	if (devres && ts < 0)
		i = after_kernel_time(l, len, i, &ts);
	if (devres && mail_is_copy(s, l, len, ln->depth)) {
		STREAM_DEBUG(s, ln->o, "mail: a quoted copy of a line already read, not read again");
		return LINE_TAKEN;
	}
	if (devres)
		mail_remember(s, l, len, ln->depth, len);
	return kernel_message(s, l + i, len - i, ts, NULL, NULL, ln->o, ln->may_hold, devres);
}

/* ---- records: a message and its fields ---- */

void record_start(struct kv_record *k, const struct drc_origin *o)
{
	*k = (struct kv_record){ .msg = k->msg };
	strbuf_clear(&k->msg);
	k->active = true;
	k->ts = -1;
	k->origin = *o;
}

int record_flush(struct drc_stream *s, struct kv_record *k)
{
	const char *msg;
	int r;

	if (!k->active)
		return 0;
	k->active = false;
	if (k->journald && k->msg.buf) {
		r = journald_missed(s, k->msg.buf, k->msg.len, k->ts, &k->origin);
		return r < 0 ? r : 0;
	}
	if (!k->kernel_transport)
		return 0;
	if (k->boot_id[0]) {
		struct drc_boot *b = drc_ctx_boot(s->ctx);

		if (!b)
			return -ENOMEM;
		if (!b->boot_id[0] && b->by_name.count == 0)
			snprintf(b->boot_id, sizeof(b->boot_id), "%s", k->boot_id);
		else if (strcmp(b->boot_id, k->boot_id) != 0) {
			r = stream_new_boot(s, &k->origin, NULL, 0, k->boot_id);
			if (r < 0)
				return r;
		}
	}
	msg = k->msg.buf ? k->msg.buf : "";
	r = kernel_message(s, msg, k->msg.len, k->ts, k->subsystem, k->devkey, &k->origin,
			   /* may_hold= */ false, mem_find(msg, k->msg.len, "DEVRES", 6) != NULL);
	return r < 0 ? r : 0;
}

void record_field(struct drc_stream *s, struct kv_record *k, const char *key, size_t klen,
		  const char *v, size_t vl)
{
#define KEY(lit) (klen == STRLEN(lit) && memcmp(key, lit, klen) == 0)
	if (KEY("MESSAGE")) {
		strbuf_clear(&k->msg);
		strbuf_append(&k->msg, v, vl);
	} else if (KEY("SUBSYSTEM") || KEY("_KERNEL_SUBSYSTEM")) {
		k->subsystem = drc_intern(s->ctx, v, vl);
	} else if (KEY("DEVICE") || KEY("_KERNEL_DEVICE")) {
		k->devkey = drc_intern(s->ctx, v, vl);
	} else if (KEY("_SOURCE_MONOTONIC_TIMESTAMP") ||
		   (KEY("__MONOTONIC_TIMESTAMP") && k->ts < 0)) {
		k->ts = (int64_t)strtoull(v, NULL, 10);
	} else if (KEY("_BOOT_ID")) {
		snprintf(k->boot_id, sizeof(k->boot_id), "%.*s", (int)MIN(vl, (size_t)39), v);
	} else if (KEY("_TRANSPORT")) {
		k->kernel_transport = vl == 6 && memcmp(v, "kernel", 6) == 0;
		k->journald = vl == 6 && memcmp(v, "driver", 6) == 0;
	} else if (KEY("msg")) {
		/* dmesg --json: only the kernel's log has this key */
		strbuf_clear(&k->msg);
		strbuf_append(&k->msg, v, vl);
		k->kernel_transport = true;
	} else if (KEY("time")) {
		/* dmesg --json; a newer dmesg may write a date there */
		int64_t t;

		if (vl && parse_seconds(v, vl, &t) == vl)
			k->ts = t;
	}
#undef KEY
}
