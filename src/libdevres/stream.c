// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Transports: take one line of a capture, find out what carried it, and hand
 * the kernel message (or the udev event) to the decoders. Every line is
 * examined on its own; nothing is configured (DESIGN.md 2.3):
 *
 *   [  126.886032] msg                       dmesg, console (also unpadded, blank,
 *                                            with a [T123] caller field)
 *   [Fri Mar 10 23:42:01 2023] msg           dmesg -T
 *   kern  :err   : [ 1.9] msg                dmesg -x
 *   Mar  8 22:20:36 host kernel: msg         syslog, journalctl -k (short, -precise)
 *   2023-03-10T23:42:01+0100 host kernel:    journalctl -o short-iso, RFC 3339 syslog
 *   [  126.886032] host kernel: msg          journalctl -o short-monotonic
 *   3,64,1920000,-;msg + " KEY=value"        raw /dev/kmsg records with dictionaries
 *   __CURSOR=... blocks / {"MESSAGE":...}    journalctl -o export / -o json, json-pretty
 *   {"pri":6,"time":1.9,"msg":...}           dmesg --json (util-linux), pretty or one line
 *   task-pid [000] d.... 1.9: devres_log:    tracefs trace, trace_pipe, trace-cmd report
 *   KERNEL[1.9] add /devices/... (platform)  udevadm monitor, with --property blocks
 *
 * Mail artefacts: "> " quoting (a quoted copy of a line already seen is the
 * same event, not a new one), CRLF, lines wrapped inside a devres line,
 * quoted-printable (=20, =C2=A0, soft line breaks).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libdevres-private.h"

#define QUOTE_TRACK_MAX 65536
/* mail is short: originals are remembered for quoting only this far into a stream */
#define QUOTE_TRACK_LINES 100000
#define QUOTE_DEPTH_MAX 8
#define HOLD_MAX 4096
/* devres messages glued after a line's first that are read apart (the
 * diagnostic below says 33 in all) */
#define GLUED_MAX 32
/* lines held back while an op printed as an address is undecided: decide
 * once this much is held, whatever the evidence */
#define DEFER_MAX_LINES 200000
#define DEFER_MAX_BYTES (32u << 20)
#define DEFER_MAX_OPS 50000
/* process_line(): the line waits until its op address is decided */
#define LINE_DEFERRED 2

struct quote_entry {
	uint8_t base_depth;
	uint32_t base_count;
	uint32_t copies[QUOTE_DEPTH_MAX];
};

struct kv_record {
	bool active;
	struct strbuf msg;
	const char *subsystem;
	const char *devkey;
	const char *action, *devpath, *driver;
	uint64_t seqnum;
	int64_t ts;
	bool from_udev;
	bool kernel_transport;
	bool verbose;                           /* journalctl -o verbose: fields indented */
	char boot_id[40];
	struct drc_origin origin;
};

struct interned {
	const char *str;                        /* in the ctx's pool, which outlives the stream */
	size_t len;
};

struct drc_stream {
	struct drc_ctx *ctx;
	const char *name;                       /* interned */
	uint64_t lineno;
	struct kv_record kmsg;                  /* a /dev/kmsg record awaiting its dictionary */
	struct kv_record udev;                  /* udevadm monitor block */
	struct kv_record journal;               /* journalctl -o export record */
	struct kv_record pjson;                 /* a JSON object over several lines */
	uint64_t pjson_first;                   /* the line of its "{" */
	bool pjson_bytes;                       /* in its MESSAGE given as a byte array */
	bool seen_kernel_uevent;
	struct hashmap quotes;                  /* hash(line) -> struct quote_entry */
	size_t nquotes;
	struct strbuf held;                     /* a devres line cut by a mail wrap */
	struct strbuf colon;                    /* a line ending in ':' (a wrap after the device?) */
	struct drc_origin colon_origin;
	unsigned colon_depth;
	struct drc_origin held_origin;
	unsigned held_depth;
	struct strbuf tmp;
	struct strbuf plain;                    /* the line without terminal colours */
	bool html;                              /* a web page: a list archive's message */
	struct strbuf text;                     /* its line without tags and entities */
	unsigned glued;                         /* messages read apart from the line's first */
	struct interned last_device, last_prefix;
	bool in_object;                         /* reading a multi-line JSON object's message */
	uint64_t in_objects;                    /* devres messages read so */
	uint64_t cur_last;                      /* last input line of what is being decoded */
	/* held back while an op address is undecided (opres.c): the first line
	 * as process_line() had it, then every line as it came */
	struct deferred *deferred;
	size_t ndeferred, deferred_cap;
	struct strbuf deferred_text;
	bool replaying;
};

struct deferred {
	size_t off, len;
	uint64_t lineno;
	bool processed;                         /* goes to process_line() as it is */
	unsigned depth;
	struct drc_origin origin;
};

static const char expected_op_address[] =
	"expected an op (ADD, REL, REM, REPLACE) or an address the other operations of the capture resolve";

/* a line is read again from several places: joins, replays, glued messages */
static int process_line(struct drc_stream *s, const char *l, size_t len, unsigned depth,
			const struct drc_origin *o, bool may_hold);
static int defer_start(struct drc_stream *s, const char *l, size_t len, unsigned depth,
		       const struct drc_origin *o);

int drc_stream_new(struct drc_ctx *ctx, const char *name, struct drc_stream **ret)
{
	struct drc_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->name = drc_interns(ctx, name ? name : "-");
	if (!s->name) {
		free(s);
		return -ENOMEM;
	}
	*ret = s;
	return 0;
}

struct drc_stream *drc_stream_free(struct drc_stream *s)
{
	if (!s)
		return NULL;
	hashmap_done_free(&s->quotes);
	strbuf_done(&s->kmsg.msg);
	strbuf_done(&s->udev.msg);
	strbuf_done(&s->journal.msg);
	strbuf_done(&s->pjson.msg);
	strbuf_done(&s->held);
	strbuf_done(&s->colon);
	strbuf_done(&s->tmp);
	strbuf_done(&s->plain);
	strbuf_done(&s->text);
	free(s->deferred);
	strbuf_done(&s->deferred_text);
	free(s);
	return NULL;
}

void drc_stream_note_long_line(struct drc_stream *s)
{
	s->lineno++;
	s->ctx->stats.lines++;
	s->ctx->stats.long_lines++;
}

/* ---- small parsers ---- */

static size_t skip_ws(const char *l, size_t len, size_t i)
{
	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i;
}

static bool is_nbsp(const char *l, size_t len, size_t i)
{
	return i + 1 < len && (unsigned char)l[i] == 0xc2 && (unsigned char)l[i + 1] == 0xa0;
}

/* "23:42" somewhere in s */
static bool has_time_of_day(const char *s, size_t len)
{
	for (const char *c = s; (c = memchr(c, ':', len - (size_t)(c - s))); c++)
		if (c > s && c + 1 < s + len && isdigit((unsigned char)c[-1]) && isdigit((unsigned char)c[1]))
			return true;
	return false;
}

/*
 * "439.921733" as microseconds: up to 12 digits of seconds, then decimals,
 * of which six are kept. Returns the characters read; 0 when s does not
 * start with a digit or the seconds are longer.
 */
static size_t parse_seconds(const char *s, size_t len, int64_t *usec)
{
	int64_t sec = 0, frac_us = 0;
	size_t i = 0, frac = 0;

	/* the digits past twelve are only counted: they would overflow */
	for (; i < len && isdigit((unsigned char)s[i]); i++)
		if (i < 12)
			sec = sec * 10 + (s[i] - '0');
	if (i == 0 || i > 12)
		return 0;
	if (i < len && s[i] == '.')
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			if (frac < 6)
				frac_us = frac_us * 10 + (s[i] - '0'), frac++;
	for (; frac < 6; frac++)
		frac_us *= 10;
	*usec = sec * 1000000 + frac_us;
	return i;
}

/*
 * "[  126.886032]", "[7.138679]", "[ ]", "[Fri Mar 10 23:42:01 2023]".
 * On success returns the index after ']' and sets *ts (-1 when unknown).
 */

static size_t parse_bracket_ts(const char *l, size_t len, size_t i, int64_t *ts)
{
	int64_t sec = 0, usec = 0;
	size_t j = i + 1, digits = 0, frac = 0;
	const char *close;

	if (i >= len || l[i] != '[')
		return 0;
	close = memchr(l + i, ']', MIN(len - i, (size_t)40));
	if (!close)
		return 0;
	while (j < len && (l[j] == ' ' || is_nbsp(l, len, j)))
		j += l[j] == ' ' ? 1 : 2;
	if (l + j == close) {
		*ts = -1;                               /* blanked "[ ]" */
		return (size_t)(close - l) + 1;
	}
	/* dmesg --reltime/-e after the first line: "[  +0.000123]"; dmesg -d
	 * without a time: "[<    0.000123>]" */
	if (l[j] == '+' || l[j] == '<') {
		*ts = -1;
		return (size_t)(close - l) + 1;
	}
	while (j < len && isdigit((unsigned char)l[j]) && digits < 12) {
		sec = sec * 10 + (l[j++] - '0');
		digits++;
	}
	if (digits && j < len && l[j] == '.') {
		j++;
		while (j < len && isdigit((unsigned char)l[j]) && frac < 6) {
			usec = usec * 10 + (l[j++] - '0');
			frac++;
		}
		while (j < len && isdigit((unsigned char)l[j]))
			j++;
		for (; frac < 6; frac++)
			usec *= 10;
		/* dmesg -d: "[    1.920000 <    0.000123>]" */
		if (l + j < close && l[j] == ' ' && memchr(l + j, '<', (size_t)(close - (l + j))))
			j = (size_t)(close - l);
		if (l + j == close) {
			*ts = sec * 1000000 + usec;
			return j + 1;
		}
		return 0;
	}
	/* dmesg -T: "[Fri Mar 10 23:42:01 2023]", in any language ("[木 11月 26
	 * ...]"); dmesg --reltime: "[Mar10 23:42]"; a console logger's date:
	 * "[2026-11-26 11:21:04.123]". A time of day is in it ("[drm:...]" at the
	 * start of a line without a time is no stamp). */
	if (((!digits && (isalpha((unsigned char)l[i + 1]) || (unsigned char)l[i + 1] >= 0x80)) ||
	     (digits == 4 && l[j] == '-')) &&
	    close - (l + i) >= 10 && has_time_of_day(l + i, (size_t)(close - (l + i)))) {
		*ts = -1;
		return (size_t)(close - l) + 1;
	}
	/* kunit.py: "[12:34:56] " before what the test printed */
	if (digits == 2 && j == i + 3 && close == l + i + 9 && l[i + 3] == ':' && l[i + 6] == ':' &&
	    isdigit((unsigned char)l[i + 4]) && isdigit((unsigned char)l[i + 5]) &&
	    isdigit((unsigned char)l[i + 7]) && isdigit((unsigned char)l[i + 8])) {
		*ts = -1;
		return (size_t)(close - l) + 1;
	}
	return 0;
}

/*
 * What may come before everything else: indentation (mail, a Markdown code
 * block) and the "<3>" priority of dmesg -r and /proc/kmsg.
 */
static size_t skip_indent_and_priority(const char *l, size_t len)
{
	size_t i = 0, j;

	while (i < len && (l[i] == ' ' || l[i] == '\t' || is_nbsp(l, len, i)))
		i += l[i] == ' ' || l[i] == '\t' ? 1 : 2;
	if (i < len && l[i] == '<') {
		for (j = i + 1; j < len && j - i <= 3 && isdigit((unsigned char)l[j]); j++)
			;
		if (j > i + 1 && j < len && l[j] == '>')
			i = j + 1;
	}
	return i;
}

/* printk caller id right after the timestamp: "[T123]", "[  T123]", "[C1]" */
static size_t skip_caller(const char *l, size_t len, size_t i)
{
	size_t j = i;

	if (j < len && l[j] == ' ' && j + 1 < len && l[j + 1] == '[')
		j++;
	if (j >= len || l[j] != '[')
		return i;
	j = skip_ws(l, len, j + 1);
	if (j >= len || (l[j] != 'T' && l[j] != 'C'))
		return i;
	j++;
	if (j >= len || !isdigit((unsigned char)l[j]))
		return i;
	while (j < len && isdigit((unsigned char)l[j]))
		j++;
	if (j >= len || l[j] != ']')
		return i;
	return j + 1;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/*
 * Syslog header "Mar  8 22:20:36[.123456] host ident[pid]: " or
 * "2023-03-10T23:42:01.123+01:00 host ident: ". Returns the index of the
 * message, sets *kernel when the ident is "kernel".
 */
static size_t parse_syslog_header(const char *l, size_t len, bool *kernel)
{
	size_t i = 0, host, ident, e;
	bool ok = false;

	if (len >= 16 && isupper((unsigned char)l[0])) {
		for (size_t m = 0; m < ARRAY_SIZE(months); m++)
			if (memcmp(l, months[m], 3) == 0)
				ok = true;
		if (!ok || l[3] != ' ')
			return 0;
		i = 4;
		if (l[i] == ' ')
			i++;
		while (i < len && isdigit((unsigned char)l[i]))
			i++;
		if (i >= len || l[i] != ' ')
			return 0;
		i++;
		if (i + 8 > len || l[i + 2] != ':' || l[i + 5] != ':')
			return 0;
		i += 8;
		if (i < len && l[i] == '.')
			while (++i < len && isdigit((unsigned char)l[i]))
				;
	} else if (len >= 22 && l[0] == '1' && l[1] == ' ' && isdigit((unsigned char)l[2]) && l[6] == '-' &&
		   l[9] == '-' && l[12] == 'T') {
		/* RFC 5424 after its "<pri>": "1 TIME HOST APP PROCID MSGID SD MSG" */
		size_t f[5];

		i = 2;
		for (int k = 0; k < 5; k++) {
			while (i < len && l[i] != ' ')
				i++;
			f[k] = ++i;
		}
		if (i > len)
			return 0;
		*kernel = f[2] - f[1] == 7 && memcmp(l + f[1], "kernel ", 7) == 0;
		if (i < len && l[i] == '[')     /* structured data */
			while (i < len && l[i - 1] != ']')
				i++;
		else if (i < len && l[i] == '-')
			i++;
		return i < len && l[i] == ' ' ? i + 1 : i;
	} else if (len >= 20 && isdigit((unsigned char)l[0]) && l[4] == '-' && l[7] == '-' &&
		   l[10] == 'T') {
		bool comma = false;

		i = 10;
		while (i < len && l[i] != ' ')
			comma |= l[i++] == ',';
		/* dmesg --time-format=iso ("...T23:42:01,123456+01:00"): the
		 * kernel's message follows, no host, no ident */
		if (comma && i < len) {
			*kernel = true;
			return i + 1;
		}
	} else {
		return 0;
	}
	if (i >= len || l[i] != ' ')
		return 0;
	host = i + 1;
	e = host;
	while (e < len && l[e] != ' ')
		e++;
	if (e >= len || e == host)
		return 0;
	ident = e + 1;
	/* busybox syslogd: "host kern.err kernel: " */
	for (e = ident; e < len && islower((unsigned char)l[e]); e++)
		;
	if (e > ident && e < len && l[e] == '.') {
		size_t f = e + 1;

		for (e = f; e < len && islower((unsigned char)l[e]); e++)
			;
		if (e > f && e < len && l[e] == ' ')
			ident = e + 1;
	}
	e = ident;
	while (e < len && l[e] != ' ' && l[e] != ':' && l[e] != '[')
		e++;
	*kernel = e - ident == 6 && memcmp(l + ident, "kernel", 6) == 0;
	if (e < len && l[e] == '[')
		while (e < len && l[e] != ']')
			e++;
	if (e < len && l[e] == ']')
		e++;
	if (e >= len || l[e] != ':')
		return 0;
	e++;
	if (e < len && l[e] == ' ')
		e++;
	return e;
}

/*
 * A header of another logger's making that ends in " kernel: " (journalctl
 * -o short-full "Fri 2023-03-10 23:42:01 CET host kernel: ", -o short-unix
 * "1678488121.123456 host kernel: ", collectors' own time formats): a time
 * (some digit) and a host before the kernel's identifier, early in the line.
 */
static size_t any_kernel_header(const char *l, size_t len)
{
	const char *k;

	/* dmesg's own lines begin with their "[time]" */
	if (!len || l[0] == '[' || !(k = mem_find(l, MIN(len, (size_t)120), " kernel: ", 9)))
		return 0;
	for (const char *p = l; p < k; p++)
		if (isdigit((unsigned char)*p))
			return (size_t)(k - l) + 9;
	return 0;
}

/* dmesg -x: "kern  :err   : " */
static size_t parse_facility_level(const char *l, size_t len)
{
	size_t i = 0, j;

	while (i < len && islower((unsigned char)l[i]))
		i++;
	if (i == 0 || i > 8)
		return 0;
	while (i < len && isdigit((unsigned char)l[i]))
		i++;
	i = skip_ws(l, len, i);
	if (i >= len || l[i] != ':')
		return 0;
	j = ++i;
	while (i < len && islower((unsigned char)l[i]))
		i++;
	if (i == j || i - j > 6)
		return 0;
	i = skip_ws(l, len, i);
	if (i >= len || l[i] != ':')
		return 0;
	i++;
	if (i < len && l[i] == ' ')
		i++;
	return i;
}

/* "prio,seq,usec,flags[,...];" of /dev/kmsg */
static size_t parse_kmsg_header(const char *l, size_t len, int64_t *ts)
{
	size_t i = 0;
	int64_t usec = 0;
	const char *semi;

	for (int field = 0; field < 3; field++) {
		size_t start = i;

		if (field == 2)
			usec = 0;
		while (i < len && isdigit((unsigned char)l[i])) {
			/* the kernel prints a u64 of microseconds since boot: more
			 * than an int64_t holds (292,000 years) is not a record */
			if (field == 2 && usec > (INT64_MAX - 9) / 10)
				return 0;
			if (field == 2)
				usec = usec * 10 + (l[i] - '0');
			i++;
		}
		if (i == start || i >= len || l[i] != ',')
			return 0;
		i++;
	}
	semi = memchr(l + i, ';', MIN(len - i, (size_t)64));
	if (!semi)
		return 0;
	*ts = usec;
	return (size_t)(semi - l) + 1;
}

/* ---- boots ---- */

static int new_boot(struct drc_stream *s, const struct drc_origin *o, const char *release,
		    size_t rlen, const char *boot_id)
{
	struct drc_ctx *ctx = s->ctx;
	struct drc_boot *cur = ctx->nboots ? &ctx->boots[ctx->nboots - 1] : NULL;
	const char *kernel = rlen ? drc_intern(ctx, release, rlen) : NULL;

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

/* ---- quoted copies ---- */

/* true if this line is a quoted copy of one already taken */
static bool quote_is_copy(struct drc_stream *s, const char *l, size_t len, unsigned depth)
{
	uint64_t h = hash_bytes(l, len);
	struct quote_entry *e = hashmap_get(&s->quotes, h);

	if (depth >= QUOTE_DEPTH_MAX)
		depth = QUOTE_DEPTH_MAX - 1;
	if (!e) {
		if (s->nquotes >= QUOTE_TRACK_MAX)
			return false;
		e = calloc(1, sizeof(*e));
		if (!e || hashmap_put(&s->quotes, h, e) < 0) {
			free(e);
			return false;
		}
		s->nquotes++;
		e->base_depth = (uint8_t)depth;
		e->base_count = 1;
		return false;
	}
	if (depth <= e->base_depth) {
		if (depth == e->base_depth)
			e->base_count++;
		return false;
	}
	if (++e->copies[depth] <= e->base_count) {
		s->ctx->stats.quoted_duplicates++;
		return true;
	}
	return false;
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

static int emit_devres(struct drc_stream *s, const struct devres_msg *m, enum drc_witness w,
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
		ev.name = drc_intern(ctx, m->name, m->name_len);
	if (m->prefix)
		ev.prefix = intern_again(s, &s->last_prefix, m->prefix, m->prefix_len);
	if (!ev.device || !ev.name || (m->prefix && !ev.prefix))
		return -ENOMEM;
	if (s->in_object)
		s->in_objects++;
	else if (ctx->line_fn)
		ctx->line_fn(ctx->line_data, o, MAX(o->line, s->cur_last));
	if (m->op_token) {
		r = drc_opres_track(ctx->opres, ev.device, ev.id, ev.op, ev.size, ev.name);
		if (r < 0)
			return r;
	}
	r = drc_model_apply(ctx, &ev);
	return r < 0 ? r : 0;
}

/* DRC_NAME_LINE's "ADDRESS WORD" */
static int name_line(struct drc_stream *s, const char *line, size_t line_len, const struct drc_origin *o)
{
	const char *l = line + STRLEN(DRC_NAME_LINE);
	size_t len = line_len - STRLEN(DRC_NAME_LINE);
	const char *sp = memchr(l, ' ', len);
	uint64_t v;
	unsigned digits;

	if (!sp || sp == l || sp + 1 == l + len || !drc_parse_ptr(l, (size_t)(sp - l), &v, &digits) ||
	    memchr(sp + 1, ' ', len - (size_t)(sp + 1 - l))) {
		drc_diag_add(s->ctx, o, "\"" DRC_NAME_LINE "ADDRESS WORD\" (a name learnt by the collector)",
			     line, line_len);
		return 0;
	}
	return drc_model_learn_name(s->ctx, l, (size_t)(sp - l), sp + 1, len - (size_t)(sp + 1 - l));
}

/* Decode quoted-printable escapes (=20, =C2=A0 -> ' ', =3D) into s->tmp. */
static bool qp_decode(struct drc_stream *s, const char *l, size_t len)
{
	bool changed = false;

	strbuf_clear(&s->tmp);
	for (size_t i = 0; i < len; i++) {
		if (l[i] == '=' && i + 2 < len && isxdigit((unsigned char)l[i + 1]) &&
		    isxdigit((unsigned char)l[i + 2])) {
			unsigned v = (unsigned)strtoul((char[]){ l[i + 1], l[i + 2], 0 }, NULL, 16);

			if (v == 0xc2 && i + 5 < len && memcmp(l + i + 3, "=A0", 3) == 0)
				i += 3;
			if (strbuf_append(&s->tmp, v == 0xc2 || v == 0x20 ? " " : (char[]){ (char)v }, 1) < 0)
				return false;
			i += 2;
			changed = true;
		} else if (is_nbsp(l, len, i)) {
			if (strbuf_append(&s->tmp, " ", 1) < 0)
				return false;
			i++;
			changed = true;
		} else if (strbuf_append(&s->tmp, l + i, 1) < 0) {
			return false;
		}
	}
	return changed;
}

/* "=XY", upper-case hex: its byte, or -1 */
static int qp_byte(const char *p, const char *end)
{
	if (end - p < 3 || p[0] != '=' || !isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) ||
	    islower((unsigned char)p[1]) || islower((unsigned char)p[2]))
		return -1;
	return drc_hexval(p[1]) << 4 | drc_hexval(p[2]);
}

/*
 * An escape a quoted-printable encoder writes into a log line: '=' itself,
 * a space or tab, or a UTF-8 lead byte with its continuation ("=C2=A0").
 * Never a printable character, so "devname=0000:00:1f.3" (the fields
 * option) or "=AC" alone are not escapes.
 */
static bool has_qp_escape(const char *l, size_t len)
{
	const char *end = l + len;

	for (const char *p = l; (p = memchr(p, '=', (size_t)(end - p))); p++) {
		int v = qp_byte(p, end), c;

		if (v == 0x3d || v == 0x20 || v == 0x09)
			return true;
		if (v >= 0xc2 && v <= 0xf4 && (c = qp_byte(p + 3, end)) >= 0x80 && c <= 0xbf)
			return true;
	}
	return false;
}

static void probe_failed(struct drc_stream *s, const char *msg, size_t len, const struct drc_origin *o)
{
	const char *p = mem_find(msg, len, "probe of ", 9);
	const char *f, *end = msg + len;
	char name[256];

	if (p && (f = mem_find(p, (size_t)(end - p), " failed with error ", 19))) {
		p += 9;
		if ((size_t)(f - p) < sizeof(name) && f > p) {
			memcpy(name, p, (size_t)(f - p));
			name[f - p] = '\0';
			drc_model_probe_failed(s->ctx, name, o);
		}
		return;
	}
	/* newer kernels: "<drv> <dev>: probe with driver <drv> failed with error -5" */
	p = mem_find(msg, len, ": probe with driver ", 20);
	if (p && mem_find(p, (size_t)(end - p), " failed with error ", 19)) {
		const char *d = p;

		while (d > msg && d[-1] != ' ')
			d--;
		if ((size_t)(p - d) < sizeof(name) && p > d) {
			memcpy(name, d, (size_t)(p - d));
			name[p - d] = '\0';
			drc_model_probe_failed(s->ctx, name, o);
		}
	}
}

/* "ok 3 name" / "not ok 3 name" at any indent: a KUnit (KTAP) case ended */
static bool is_ktap_result(const char *msg, size_t len)
{
	size_t i = 0;

	while (i < len && msg[i] == ' ')
		i++;
	if (len - i > 4 && memcmp(msg + i, "not ", 4) == 0)
		i += 4;
	return len - i > 4 && memcmp(msg + i, "ok ", 3) == 0 && isdigit((unsigned char)msg[i + 3]);
}

static uint64_t number_before(const char *msg, const char *p)
{
	const char *b = p;
	uint64_t v = 0;

	while (b > msg && b[-1] == ' ')
		b--;
	while (b > msg && isdigit((unsigned char)b[-1]))
		b--;
	for (; b < p && isdigit((unsigned char)*b); b++)
		v = v * 10 + (uint64_t)(*b - '0');
	return v;
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
	s->ctx->have_kallsyms = true;
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

/* Kernel messages other than devres lines that the model or the rules read. */
static void other_message(struct drc_stream *s, const char *msg, size_t len, int64_t ts,
			  const struct drc_origin *o)
{
	const char *p;

	if (mem_find(msg, len, "prob", 4)) {
		probe_failed(s, msg, len, o);
		p = mem_find(msg, len, ": Resources present before probing", 34);
		if (p) {
			witness_flush(s);
			drc_rules_marker(s->ctx, DRC_MARK_RES_BEFORE_PROBE, device_before(s, msg, p), 0, ts, o);
		}
	}
	if (memchr(msg, '[', len)) {
		struct drm_msg dm;

		if (drc_decode_drm_msg(msg, len, &dm) == 1) {
			const char *dev = dm.dev ? drc_intern(s->ctx, dm.dev, dm.dev_len) : NULL;
			const char *name = dm.name ? drc_intern(s->ctx, dm.name, dm.name_len) : NULL;

			witness_flush(s);
			drc_rules_drm(s->ctx, dm.op, dev, dm.id, dm.id_digits, name, dm.size, ts, o);
			return;
		}
		/* trace: "CPU:1 [LOST 342 EVENTS]" */
		p = mem_find(msg, len, "[LOST ", 6);
		if (p) {
			witness_loss(s);
			drc_rules_marker(s->ctx, DRC_MARK_LOST, NULL,
					 strtoull(p + 6, NULL, 10), ts, o);
			return;
		}
	}
	/* console: "** 12 printk messages dropped **" */
	if (len > 20 && memchr(msg, '*', len) && (p = mem_find(msg, len, " messages dropped", 17))) {
		/* the count stands before " printk" when the word is there */
		const char *printk = mem_find(msg, (size_t)(p - msg), " printk", 7);

		witness_loss(s);
		drc_rules_marker(s->ctx, DRC_MARK_LOST, NULL, number_before(msg, printk ? printk : p), ts, o);
		return;
	}
	if (is_ktap_result(msg, len)) {
		witness_flush(s);
		drc_rules_marker(s->ctx, DRC_MARK_KTAP_RESULT, NULL, 0, ts, o);
		return;
	}
	/* a live source lost records: "devresctl-lost: SOURCE N WHY..." (N may be "?") */
	if (len > 16 && memcmp(msg, "devresctl-lost: ", 16) == 0) {
		const char *sp = memchr(msg + 16, ' ', len - 16);

		if (sp && sp + 1 < msg + len && (isdigit((unsigned char)sp[1]) || sp[1] == '?')) {
			witness_loss(s);
			drc_rules_marker(s->ctx, DRC_MARK_LOST, NULL, strtoull(sp + 1, NULL, 10), ts, o);
		} else
			drc_diag_add(s->ctx, o, "expected 'devresctl-lost: SOURCE COUNT ...'", msg, len);
		return;
	}
	/* a module was loaded while recording: "devresctl-kallsyms: MODULE FUNCTION..." */
	if (len > 20 && memcmp(msg, "devresctl-kallsyms: ", 20) == 0) {
		if (kallsyms_line(s, msg + 20, len - 20) < 0)
			drc_diag_add(s->ctx, o, "expected 'devresctl-kallsyms: MODULE FUNCTION...'", msg, len);
		return;
	}
	/* references recorded next to the log: "devresctl-refs: DEVICE PID COMM PATH" */
	if (len > 16 && memcmp(msg, "devresctl-refs: ", 16) == 0) {
		char dev[256], comm[64], path[512];
		unsigned long long pid;
		char buf[1024];

		snprintf(buf, sizeof(buf), "%.*s", (int)MIN(len - 16, sizeof(buf) - 1), msg + 16);
		if (sscanf(buf, "%255s %llu %63s %511s", dev, &pid, comm, path) == 4) {
			const char *device = drc_interns(s->ctx, dev);

			if (s->ctx->ref_fn && device) {
				struct drc_ref ref = { device, pid, comm, path,
						       s->ctx->nboots ? s->ctx->nboots - 1 : 0, *o };

				s->ctx->ref_fn(s->ctx->ref_data, &ref);
			}
			witness_flush(s);
			drc_rules_refs(s->ctx, device, pid, comm, path, o);
		} else
			drc_diag_add(s->ctx, o, "expected 'devresctl-refs: DEVICE PID COMM PATH'", msg, len);
	}
}

/*
 * One kernel message. Returns 1 if it was a devres line, 0 if not, or
 * -EAGAIN if it looks like the first half of a wrapped devres line.
 */
static int kernel_message_known(struct drc_stream *s, const char *msg, size_t len, int64_t ts,
				const char *subsystem, const char *devkey, const struct drc_origin *o,
				bool may_hold, bool devres)
{
	struct devres_msg m;
	const char *expected = NULL;
	int r;

	if (len > 14 && MEM_STARTS(msg, len, "Linux version ")) {
		const char *rel = msg + 14, *e = memchr(rel, ' ', len - 14);

		r = new_boot(s, o, rel, e ? (size_t)(e - rel) : len - 14, NULL);
		return r < 0 ? r : 0;
	}
	if (!devres) {
		other_message(s, msg, len, ts, o);
		return 0;
	}
	r = drc_decode_devres_msg(msg, len, &m, &expected);
	if (r == -EINVAL) {
		if (may_hold && !mem_find(msg, len, "bytes)", 6))
			return -EAGAIN;
		drc_diag_add(s->ctx, o, expected, msg, len);
		return 0;
	}
	if (r == 0)
		return 0;
	r = emit_devres(s, &m, DRC_WITNESS_PRINTK, ts, subsystem, devkey, o);
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
			return 1;
		}
		s->glued++;
		r = process_line(s, msg + rest, len - rest, 0, o, false);
		s->glued--;
		if (r < 0 || r == LINE_DEFERRED)
			return r;
	}
	return 1;
}

static int kernel_message(struct drc_stream *s, const char *msg, size_t len, int64_t ts,
			  const char *subsystem, const char *devkey, const struct drc_origin *o,
			  bool may_hold)
{
	return kernel_message_known(s, msg, len, ts, subsystem, devkey, o, may_hold,
				    mem_find(msg, len, "DEVRES", 6) != NULL);
}

/* tracefs: "... 439.921733: devres_log: <dev> <OP> <ptr> <name> (<n> bytes)" */
static int trace_line(struct drc_stream *s, const char *l, size_t len, const char *marker,
		      const struct drc_origin *o, bool may_hold)
{
	const char *msg = marker + STRLEN("devres_log: ");
	size_t mlen = len - (size_t)(msg - l);
	int64_t ts = -1;
	struct devres_msg m;
	const char *expected = NULL;
	int r;

	/* the timestamp is the number ending right before ": devres_log:", or
	 * ":   dev:devres_log:" as perf script and trace-cmd name it */
	const char *e = marker - l >= 4 && memcmp(marker - 4, "dev:", 4) == 0 ? marker - 4 : marker;

	while (e > l && e[-1] == ' ')   /* perf script right-aligns the event names */
		e--;
	if (e - l >= 2 && e[-1] == ':') {
		const char *b = --e;
		int64_t t;

		while (b > l && (isdigit((unsigned char)b[-1]) || b[-1] == '.'))
			b--;
		if (parse_seconds(b, (size_t)(e - b), &t))
			ts = t;
	}
	r = drc_decode_trace_msg(msg, mlen, &m, &expected);
	if (r == DRC_DECODE_EMPTY) {
		s->ctx->stats.empty_records++;
		return 1;
	}
	if (r <= 0) {
		if (may_hold && !mem_find(msg, mlen, "bytes)", 6))
			return -EAGAIN;
		drc_diag_add(s->ctx, o, expected, l, len);
		return 0;
	}
	if (m.op_token) {
		if (!s->ctx->opres && drc_opres_new(s->ctx, &s->ctx->opres) < 0)
			return -ENOMEM;
		if (!drc_opres_lookup(s->ctx->opres, m.op_token, &m.op)) {
			if (!s->replaying)
				return LINE_DEFERRED;
			drc_diag_add(s->ctx, o, expected_op_address, l, len);
			return 0;
		}
	}
	r = emit_devres(s, &m, DRC_WITNESS_TRACE, ts, NULL, NULL, o);
	return r < 0 ? r : 1;
}

/* ---- udev ---- */

static int udev_flush(struct drc_stream *s)
{
	struct kv_record *u = &s->udev;
	struct drc_uevent ev = { 0 };
	const char *base;
	int r = 0;

	if (!u->active)
		return 0;
	u->active = false;
	if (u->from_udev && s->seen_kernel_uevent)
		return 0;               /* the KERNEL line of the same event was taken */
	if (!u->from_udev)
		s->seen_kernel_uevent = true;
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

/* "KERNEL[1.942590] add      /devices/platform/dfx-clean.0 (platform)" */
static bool udev_header(struct drc_stream *s, const char *l, size_t len, const struct drc_origin *o)
{
	struct kv_record *u = &s->udev;
	size_t i, a, ae, p, pe;
	int64_t ts = -1;
	bool from_udev;

	if (MEM_STARTS(l, len, "KERNEL"))
		from_udev = false, i = 6;
	else if (MEM_STARTS(l, len, "UDEV"))
		from_udev = true, i = 4;
	else
		return false;
	i = skip_ws(l, len, i);
	i = parse_bracket_ts(l, len, i, &ts);
	if (!i)
		return false;
	a = skip_ws(l, len, i);
	ae = a;
	while (ae < len && islower((unsigned char)l[ae]))
		ae++;
	p = skip_ws(l, len, ae);
	if (ae == a || p >= len || l[p] != '/')
		return false;
	pe = p;
	while (pe < len && l[pe] != ' ')
		pe++;
	*u = (struct kv_record){ .msg = u->msg };
	u->active = true;
	u->from_udev = from_udev;
	u->ts = ts;
	u->origin = *o;
	u->action = drc_intern(s->ctx, l + a, ae - a);
	u->devpath = drc_intern(s->ctx, l + p, pe - p);
	i = skip_ws(l, len, pe);
	if (i < len && l[i] == '(') {
		const char *c = memchr(l + i, ')', len - i);

		if (c)
			u->subsystem = drc_intern(s->ctx, l + i + 1, (size_t)(c - (l + i + 1)));
	}
	return true;
}

static bool is_property(const char *l, size_t len, size_t *eq)
{
	size_t i = 0;

	while (i < len && (isupper((unsigned char)l[i]) || isdigit((unsigned char)l[i]) || l[i] == '_'))
		i++;
	if (i == 0 || i >= len || l[i] != '=')
		return false;
	*eq = i;
	return true;
}

static void udev_property(struct drc_stream *s, const char *l, size_t len, size_t eq)
{
	struct kv_record *u = &s->udev;
	const char *v = l + eq + 1;
	size_t vl = len - eq - 1;

	if (eq == 6 && memcmp(l, "DRIVER", 6) == 0)
		u->driver = drc_intern(s->ctx, v, vl);
	else if (eq == 9 && memcmp(l, "SUBSYSTEM", 9) == 0)
		u->subsystem = drc_intern(s->ctx, v, vl);
	else if (eq == 6 && memcmp(l, "SEQNUM", 6) == 0)
		u->seqnum = strtoull(v, NULL, 10);
}

/* ---- kmsg and journal records ---- */

static int record_flush(struct drc_stream *s, struct kv_record *k)
{
	int r;

	if (!k->active)
		return 0;
	k->active = false;
	if (!k->kernel_transport)
		return 0;
	if (k->boot_id[0]) {
		struct drc_boot *b = drc_ctx_boot(s->ctx);

		if (!b)
			return -ENOMEM;
		if (!b->boot_id[0] && b->by_name.count == 0)
			snprintf(b->boot_id, sizeof(b->boot_id), "%s", k->boot_id);
		else if (strcmp(b->boot_id, k->boot_id) != 0) {
			r = new_boot(s, &k->origin, NULL, 0, k->boot_id);
			if (r < 0)
				return r;
		}
	}
	r = kernel_message(s, k->msg.buf ? k->msg.buf : "", k->msg.len, k->ts, k->subsystem,
			   k->devkey, &k->origin, false);
	return r < 0 ? r : 0;
}

static void record_field(struct drc_stream *s, struct kv_record *k, const char *key, size_t klen,
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


/* One record: journalctl -o json, one of dmesg --json's, or a line of a
 * LAVA job log ({"dt": ..., "lvl": "target", "msg": "[    1.9] ..."}), whose
 * message is a console line with its own time. */
static int json_fields(struct drc_stream *s, struct json_object *obj, const struct drc_origin *o)
{
	struct kv_record k = { 0 };
	struct json_object *lvl;
	int r;

	k.active = true;
	k.ts = -1;
	k.origin = *o;
	json_object_object_foreach(obj, key, val) {
		if (json_object_is_type(val, json_type_array) && strcmp(key, "MESSAGE") == 0) {
			/* non-UTF-8 messages come as byte arrays */
			strbuf_clear(&k.msg);
			for (size_t i = 0; i < json_object_array_length(val); i++) {
				char c = (char)json_object_get_int(json_object_array_get_idx(val, i));

				strbuf_append(&k.msg, &c, 1);
			}
		} else if (json_object_is_type(val, json_type_string)) {
			const char *v = json_object_get_string(val);

			record_field(s, &k, key, strlen(key), v, (size_t)json_object_get_string_len(val));
		} else if ((json_object_is_type(val, json_type_double) || json_object_is_type(val, json_type_int)) &&
			   strcmp(key, "time") == 0) {
			double t = json_object_get_double(val);

			if (t >= 0 && t < 1e12)
				k.ts = (int64_t)(t * 1e6 + 0.5);
		}
	}
	if (json_object_object_get_ex(obj, "lvl", &lvl) && json_object_is_type(lvl, json_type_string)) {
		r = k.msg.len ? process_line(s, k.msg.buf, k.msg.len, 0, o, false) : 0;
		if (r == LINE_DEFERRED)
			r = defer_start(s, k.msg.buf, k.msg.len, 0, o);
	} else {
		r = record_flush(s, &k);
	}
	strbuf_done(&k.msg);
	return r < 0 ? r : 0;
}

static int json_record(struct drc_stream *s, const char *l, size_t len, const struct drc_origin *o)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj, *recs;
	int r = 0;

	if (!tok)
		return -ENOMEM;
	obj = json_tokener_parse_ex(tok, l, (int)MIN(len, (size_t)INT32_MAX));
	json_tokener_free(tok);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return 0;
	}
	/* dmesg --json squeezed onto one line: {"dmesg":[{...},...]} */
	if (json_object_object_get_ex(obj, "dmesg", &recs) && json_object_is_type(recs, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(recs) && r >= 0; i++) {
			struct json_object *rec = json_object_array_get_idx(recs, i);

			if (json_object_is_type(rec, json_type_object))
				r = json_fields(s, rec, o);
		}
	} else {
		r = json_fields(s, obj, o);
	}
	json_object_put(obj);
	return r;
}

/*
 * A JSON object written one field a line: dmesg --json as util-linux prints
 * it ("{", "\"time\":     1.920000,", "\"msg\": \"...\"", "},{") and
 * journalctl -o json-pretty ("\t\"MESSAGE\" : \"...\","). It starts at a line
 * that is only "{" and lasts while its lines are fields; PJSON_NOT_MINE hands
 * any other line back to the transports.
 */
#define PJSON_NOT_MINE 1

static void pjson_start(struct drc_stream *s, const struct drc_origin *o)
{
	struct kv_record *k = &s->pjson;

	*k = (struct kv_record){ .msg = k->msg };
	strbuf_clear(&k->msg);
	k->active = true;
	k->ts = -1;
	k->origin = *o;
	s->pjson_first = o->line;
	s->pjson_bytes = false;
}

static size_t trim_blanks(const char **l, size_t len)
{
	size_t lead;

	while (len && ((*l)[len - 1] == ' ' || (*l)[len - 1] == '\t'))
		len--;
	lead = skip_ws(*l, len, 0);
	*l += lead;
	return len - lead;
}

static bool pjson_opens(const char *l, size_t len)
{
	return trim_blanks(&l, len) == 1 && l[0] == '{';
}

/* The pretty record's message, read like any kernel message. */
static int pjson_flush(struct drc_stream *s)
{
	int r;

	s->in_object = true;
	r = record_flush(s, &s->pjson);
	s->in_object = false;
	return r;
}

static int pjson_line(struct drc_stream *s, const char *line, size_t len, const struct drc_origin *o)
{
	struct kv_record *k = &s->pjson;
	const char *t = line, *key, *p, *end;
	size_t tl = trim_blanks(&t, len), klen;
	int r;

	if (tl == 1 && t[0] == '{') {
		r = pjson_flush(s);
		pjson_start(s, o);
		return r;
	}
	if (!k->active || !tl)
		goto not_mine;
	if (s->pjson_bytes) {
		/* "MESSAGE" : [ then one byte a line: a message that is not UTF-8 */
		if (t[0] == ']') {
			s->pjson_bytes = false;
			return 0;
		}
		if (isdigit((unsigned char)t[0])) {
			char c = (char)strtoul(t, NULL, 10);

			return strbuf_append(&k->msg, &c, 1);
		}
		goto not_mine;
	}
	if (t[0] == '}') {      /* "}", "}," or dmesg's "},{" */
		size_t i = 1;

		r = pjson_flush(s);
		if (i < tl && t[i] == ',')
			i++;
		while (i < tl && (t[i] == ' ' || t[i] == '\t'))
			i++;
		if (r >= 0 && i + 1 == tl && t[i] == '{')
			pjson_start(s, o);
		return r;
	}
	if (t[0] != '"' || !(p = memchr(t + 1, '"', tl - 1)))
		goto not_mine;
	key = t + 1;
	klen = (size_t)(p - key);
	end = t + tl;
	for (p++; p < end && *p == ' '; p++)
		;
	if (p == end || *p != ':')
		goto not_mine;
	for (p++; p < end && *p == ' '; p++)
		;
	if (end > p && end[-1] == ',')
		end--;
	if (p == end)
		goto not_mine;
	if (klen == 7 && memcmp(key, "MESSAGE", 7) == 0 && *p == '[') {
		strbuf_clear(&k->msg);
		s->pjson_bytes = true;
		k->origin = *o;
		return 0;
	}
	if (*p == '"') {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *v;

		if (!tok)
			return -ENOMEM;
		v = json_tokener_parse_ex(tok, p, (int)MIN((size_t)(end - p), (size_t)INT32_MAX));
		json_tokener_free(tok);
		if (v && json_object_is_type(v, json_type_string)) {
			record_field(s, k, key, klen, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		} else {        /* cut short, by a mail client perhaps: the text as it is */
			size_t vl = (size_t)(end - p - 1);

			if (vl && end[-1] == '"')
				vl--;
			record_field(s, k, key, klen, p + 1, vl);
		}
		json_object_put(v);
	} else {
		record_field(s, k, key, klen, p, (size_t)(end - p));
	}
	if ((klen == 3 && memcmp(key, "msg", 3) == 0) || (klen == 7 && memcmp(key, "MESSAGE", 7) == 0))
		k->origin = *o;
	return 0;
not_mine:
	r = pjson_flush(s);
	return r < 0 ? r : PJSON_NOT_MINE;
}

/* ---- the line ---- */


static int hold_line(struct drc_stream *s, const char *l, size_t len, unsigned depth,
		     const struct drc_origin *o)
{
	/* too long to be half of a line a mail client wrapped: read it as it is */
	if (len > HOLD_MAX)
		return process_line(s, l, len, depth, o, false);
	strbuf_clear(&s->held);
	if (strbuf_append(&s->held, l, len) < 0)
		return -ENOMEM;
	s->held_origin = *o;
	s->held_depth = depth;
	return 0;
}

/* The held half-line never found its other half: decode it as it is. */
static int held_flush(struct drc_stream *s)
{
	struct strbuf h = s->held;
	int r;

	if (!h.len)
		return 0;
	s->held = (struct strbuf)STRBUF_INIT;
	r = process_line(s, h.buf, h.len, s->held_depth, &s->held_origin, false);
	if (r == LINE_DEFERRED)
		r = defer_start(s, h.buf, h.len, s->held_depth, &s->held_origin);
	strbuf_done(&h);
	return r;
}

/* The line as qp_decode() left it in s->tmp, read as if it had come so. */
static int process_decoded(struct drc_stream *s, unsigned depth, const struct drc_origin *o, bool may_hold)
{
	struct strbuf copy = s->tmp;
	int r;

	s->tmp = (struct strbuf)STRBUF_INIT;
	r = process_line(s, copy.buf, copy.len, depth, o, may_hold);
	strbuf_done(&s->tmp);
	s->tmp = copy;
	return r;
}

/*
 * A collector's own stamp before the kernel's time, unknown to the
 * transports above: a serial console logger ("[2026-11-26 11:21:04] ",
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

/*
 * A terminal's colours, kept by dmesg --color=always, script(1) or a serial
 * console logger: CSI ("ESC [ ... m"), OSC ("ESC ] ... BEL") and two- or
 * three-byte escapes are dropped.
 */
static int strip_escapes(struct strbuf *out, const char *l, size_t len)
{
	size_t i = 0;

	strbuf_clear(out);
	while (i < len) {
		const char *e = memchr(l + i, 0x1b, len - i);
		size_t at = e ? (size_t)(e - l) : len;

		if (strbuf_append(out, l + i, at - i) < 0)
			return -ENOMEM;
		if (at == len)
			break;
		i = at + 1;
		if (i < len && l[i] == '[') {
			for (i++; i < len && (unsigned char)l[i] >= 0x20 && (unsigned char)l[i] <= 0x3f; i++)
				;
			if (i < len && (unsigned char)l[i] >= 0x40 && (unsigned char)l[i] <= 0x7e)
				i++;
		} else if (i < len && l[i] == ']') {
			while (i < len && l[i] != 0x07 && !(l[i] == 0x1b && i + 1 < len && l[i + 1] == '\\'))
				i++;
			if (i < len)
				i += l[i] == 0x07 ? 1 : 2;
		} else if (i < len) {
			i += (l[i] == '(' || l[i] == ')') && i + 1 < len ? 2 : 1;
		}
	}
	return 0;
}

static int process_line(struct drc_stream *s, const char *l, size_t len, unsigned depth,
			const struct drc_origin *o, bool may_hold)
{
	const char *marker;
	bool devres;
	size_t i, lead;
	int64_t ts = -1;
	bool kernel = true;
	int r;

	if (len == 0)
		return 0;
	if (l[0] == '{')
		return json_record(s, l, len, o);
	if (len > 3 && l[0] == '-' && l[1] == ' ' && l[2] == '{')      /* a YAML list of JSON: LAVA */
		return json_record(s, l + 2, len - 2, o);
	if (has_qp_escape(l, len) && (mem_find(l, len, "DEVRES", 6) || mem_find(l, len, "devres_log", 10)) &&
	    qp_decode(s, l, len))
		return process_decoded(s, depth, o, may_hold);

	/* raw /dev/kmsg: the record waits for its dictionary lines */
	i = parse_kmsg_header(l, len, &ts);
	if (i) {
		struct kv_record *k = &s->kmsg;

		*k = (struct kv_record){ .msg = k->msg };
		strbuf_clear(&k->msg);
		k->active = true;
		k->kernel_transport = true;
		k->ts = ts;
		k->origin = *o;
		return strbuf_append(&k->msg, l + i, len - i);
	}
	if (udev_header(s, l, len, o))
		return 0;
	if (MEM_STARTS(l, len, "-- Boot ") || MEM_STARTS(l, len, "-- Reboot --")) {
		char id[40] = "";

		if (MEM_STARTS(l, len, "-- Boot "))
			snprintf(id, sizeof(id), "%.*s", (int)MIN(len - 8, (size_t)32), l + 8);
		return new_boot(s, o, NULL, 0, id[0] ? id : "reboot");
	}

	/* a trace file read after its ring buffer wrapped says how much it lost:
	 * "# entries-in-buffer/entries-written: 26251/36246   #P:2" */
	if (l[0] == '#' && (marker = mem_find(l, len, "entries-in-buffer/entries-written: ", 35))) {
		char num[48];
		unsigned long long in, written;

		snprintf(num, sizeof(num), "%.*s", (int)MIN(len - (size_t)(marker + 35 - l), sizeof(num) - 1),
			 marker + 35);
		if (sscanf(num, "%llu/%llu", &in, &written) == 2 && written > in)
			drc_rules_marker(s->ctx, DRC_MARK_LOST, NULL, written - in, -1, o);
		return 0;
	}

	/* one search for each marker per line: most lines are neither */
	devres = mem_find(l, len, "DEVRES", 6) != NULL;
	marker = devres ? NULL : mem_find(l, len, "devres_log: ", 12);
	/* a mail client's non-breaking spaces (U+00A0) between the words */
	if ((devres || marker) && memchr(l, 0xc2, len) && qp_decode(s, l, len))
		return process_decoded(s, depth, o, may_hold);
	/* a terminal's colours inside the line */
	if ((devres || marker) && memchr(l, 0x1b, len)) {
		if (strip_escapes(&s->tmp, l, len) < 0)
			return -ENOMEM;
		return process_decoded(s, depth, o, may_hold);
	}
	if (marker) {
		if (depth && quote_is_copy(s, marker, len - (size_t)(marker - l), depth))
			return 0;
		r = trace_line(s, l, len, marker, o, may_hold);
		if (r == LINE_DEFERRED)
			return r;
		if (!depth && len < 4096 && s->lineno <= QUOTE_TRACK_LINES)
			quote_is_copy(s, marker, len - (size_t)(marker - l), 0);
		return r == -EAGAIN ? hold_line(s, l, len, depth, o) : r < 0 ? r : 0;
	}

	/* transports of the kernel log */
	lead = skip_indent_and_priority(l, len);
	i = parse_facility_level(l + lead, len - lead);
	if (i && lead + i < len && isdigit((unsigned char)l[lead + i])) {
		/* dmesg -x --time-format=iso: the date after "kern  :err   : " */
		bool iso = false;
		size_t k = parse_syslog_header(l + lead + i, len - lead - i, &iso);

		if (k && iso)
			i += k;
	}
	if (!i) {
		i = parse_syslog_header(l + lead, len - lead, &kernel);
		if (i && !kernel)
			return 0;
	}
	if (!i)
		i = any_kernel_header(l + lead, len - lead);
	i += lead;
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
		}
	}
	if (devres && ts < 0)
		i = after_kernel_time(l, len, i, &ts);
	if (devres && depth && quote_is_copy(s, l, len, depth))
		return 0;
	if (devres && !depth && len < 4096 && s->lineno <= QUOTE_TRACK_LINES)
		quote_is_copy(s, l, len, 0);
	r = kernel_message_known(s, l + i, len - i, ts, NULL, NULL, o, may_hold, devres);
	if (r == -EAGAIN)
		return hold_line(s, l, len, depth, o);
	return r < 0 ? r : 0;
}

/* ---- ops printed as addresses: hold the lines back until they are decided ---- */

static int defer_push(struct drc_stream *s, const char *l, size_t len, bool processed, unsigned depth,
		      const struct drc_origin *o)
{
	if (array_grow(&s->deferred, &s->deferred_cap, s->ndeferred, sizeof(*s->deferred), 1024) < 0)
		return -ENOMEM;
	s->deferred[s->ndeferred++] = (struct deferred){
		.off = s->deferred_text.len, .len = len, .lineno = s->lineno,
		.processed = processed, .depth = depth, .origin = o ? *o : (struct drc_origin){ 0 },
	};
	return strbuf_append(&s->deferred_text, l, len);
}

/* "KERNEL[12.405107] unbind   /devices/pci0000:00/0000:00:02.0 (pci)": whose
 * uevent, and whether it is a bind (opres.c reads them as evidence) */
static int defer_observe_uevent(struct drc_stream *s, const char *l, size_t len)
{
	size_t i, a, ae, p, pe, n;
	const char *dev;
	int64_t ts;

	if (MEM_STARTS(l, len, "KERNEL"))
		i = 6;
	else if (MEM_STARTS(l, len, "UDEV"))
		i = 4;
	else
		return 0;
	i = parse_bracket_ts(l, len, skip_ws(l, len, i), &ts);
	if (!i)
		return 0;
	a = ae = skip_ws(l, len, i);
	while (ae < len && islower((unsigned char)l[ae]))
		ae++;
	p = skip_ws(l, len, ae);
	if (ae == a || p >= len || l[p] != '/')
		return 0;
	for (pe = p; pe < len && l[pe] != ' '; pe++)
		;
	for (n = pe; n > p && l[n - 1] != '/'; n--)
		;
	if (n == pe)
		return 0;
	dev = drc_intern(s->ctx, l + n, pe - n);
	if (!dev)
		return -ENOMEM;
	return drc_opres_observe_uevent(s->ctx->opres, dev, ae - a == 4 && memcmp(l + a, "bind", 4) == 0);
}

/* What a held-back line says about the undecided ops: read on its own,
 * without the transports' state (the replay reads it properly). */
static int defer_observe(struct drc_stream *s, const char *l, size_t len)
{
	const char *marker = mem_find(l, len, "devres_log: ", 12), *expected, *dev;
	struct devres_msg m;

	if (!marker)
		return defer_observe_uevent(s, l, len);
	marker += STRLEN("devres_log: ");
	if (drc_decode_trace_msg(marker, len - (size_t)(marker - l), &m, &expected) != 1)
		return 0;
	dev = drc_intern(s->ctx, m.dev, m.dev_len);
	if (!dev)
		return -ENOMEM;
	return drc_opres_observe(s->ctx->opres, dev, m.id, m.op_token, m.op, m.size, m.name, m.name_len);
}

static int feed_line(struct drc_stream *s, const char *line, size_t len);

/* Decide the held-back addresses, then read the held lines as if they came now. */
static int defer_replay(struct drc_stream *s)
{
	struct deferred *d = s->deferred;
	struct strbuf text = s->deferred_text;
	size_t n = s->ndeferred;
	uint64_t lineno = s->lineno;
	int r;

	if (!n)
		return 0;
	r = drc_opres_decide(s->ctx->opres);
	if (r < 0)
		return r;
	s->deferred = NULL;
	s->ndeferred = s->deferred_cap = 0;
	s->deferred_text = (struct strbuf)STRBUF_INIT;
	s->replaying = true;
	for (size_t i = 0; i < n && r >= 0; i++) {
		s->lineno = d[i].lineno;
		if (d[i].processed) {
			r = process_line(s, text.buf + d[i].off, d[i].len, d[i].depth, &d[i].origin, false);
		} else {
			r = feed_line(s, text.buf + d[i].off, d[i].len);
		}
	}
	s->replaying = false;
	s->lineno = lineno;
	free(d);
	strbuf_done(&text);
	return r < 0 ? r : 0;
}

/* A line that process_line() could not read yet: it starts the hold. */
static int defer_start(struct drc_stream *s, const char *l, size_t len, unsigned depth,
		       const struct drc_origin *o)
{
	int r = defer_push(s, l, len, true, depth, o);

	return r < 0 ? r : defer_observe(s, l, len) < 0 ? -ENOMEM : 0;
}

static int defer_line(struct drc_stream *s, const char *line, size_t len)
{
	int r;

	/* a quiet mark judges what came before it; a new boot has new addresses */
	if ((len == STRLEN(DRC_QUIET_LINE) && memcmp(line, DRC_QUIET_LINE, len) == 0) ||
	    mem_find(line, len, "Linux version ", 14) || MEM_STARTS(line, len, "-- Boot ") ||
	    MEM_STARTS(line, len, "-- Reboot --")) {
		r = defer_replay(s);
		return r < 0 ? r : feed_line(s, line, len);
	}
	r = defer_push(s, line, len, false, 0, NULL);
	if (r >= 0)
		r = defer_observe(s, line, len);
	if (r < 0)
		return r;
	if (s->ndeferred >= DEFER_MAX_LINES || s->deferred_text.len >= DEFER_MAX_BYTES ||
	    drc_opres_held(s->ctx->opres) >= DEFER_MAX_OPS)
		return defer_replay(s);
	return 0;
}

static bool starts_with_nocase(const char *l, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && strncasecmp(l, word, n) == 0;
}

/*
 * A message saved from a list archive (lore, lkml.iu.edu, marc): the log
 * sits in <pre> with its "<" and ">" as entities, quoted lines inside
 * <span> tags, addresses inside <a> tags. Tags are dropped, entities
 * decoded; "&nbsp;" becomes the U+00A0 the mail readers already handle.
 */
static int html_to_text(struct strbuf *out, const char *l, size_t len)
{
	static const struct { const char *name; const char *text; } entities[] = {
		{ "lt", "<" }, { "gt", ">" }, { "amp", "&" }, { "quot", "\"" }, { "apos", "'" },
		{ "nbsp", "\xc2\xa0" },
	};
	size_t i = 0;

	strbuf_clear(out);
	while (i < len) {
		size_t j = i;

		while (j < len && l[j] != '<' && l[j] != '&')
			j++;
		if (strbuf_append(out, l + i, j - i) < 0)
			return -ENOMEM;
		if (j == len)
			break;
		i = j;
		if (l[i] == '<' && i + 1 < len && (isalpha((unsigned char)l[i + 1]) || l[i + 1] == '/' || l[i + 1] == '!')) {
			const char *gt = memchr(l + i, '>', len - i);

			i = gt ? (size_t)(gt - l) + 1 : len;      /* a tag cut by the line end: to the end */
			continue;
		}
		if (l[i] == '&') {
			const char *semi = memchr(l + i, ';', MIN(len - i, (size_t)10));
			size_t n = semi ? (size_t)(semi - l) - i - 1 : 0;
			bool done = false;

			if (n >= 2 && l[i + 1] == '#') {
				char num[10] = "";
				unsigned long c;

				memcpy(num, l + i + 2, MIN(n - 1, sizeof(num) - 1));
				c = (num[0] == 'x' || num[0] == 'X') ? strtoul(num + 1, NULL, 16) : strtoul(num, NULL, 10);
				if (c > 0 && c < 0x80) {
					char ch = (char)c;

					if (strbuf_append(out, &ch, 1) < 0)
						return -ENOMEM;
					done = true;
				}
			}
			for (size_t e = 0; !done && n && e < ARRAY_SIZE(entities); e++)
				if (strlen(entities[e].name) == n && memcmp(l + i + 1, entities[e].name, n) == 0) {
					if (strbuf_appends(out, entities[e].text) < 0)
						return -ENOMEM;
					done = true;
				}
			if (done) {
				i += n + 2;
				continue;
			}
		}
		if (strbuf_append(out, l + i, 1) < 0)
			return -ENOMEM;
		i++;
	}
	return 0;
}

int drc_stream_feed_line(struct drc_stream *s, const char *line, size_t len)
{
	s->lineno++;
	s->ctx->stats.lines++;
	if (!s->html && len && line[0] == '<' &&
	    (starts_with_nocase(line, len, "<!doctype html") || starts_with_nocase(line, len, "<html")))
		s->html = true;
	if (s->html && (memchr(line, '<', len) || memchr(line, '&', len))) {
		if (html_to_text(&s->text, line, len) < 0)
			return -ENOMEM;
		line = s->text.buf ? s->text.buf : "";
		len = s->text.len;
	}
	/* dmesg --color colours the time first; other lines only matter when
	 * they are devres lines, which process_line() cleans */
	if (len && line[0] == 0x1b) {
		if (strip_escapes(&s->plain, line, len) < 0)
			return -ENOMEM;
		line = s->plain.buf ? s->plain.buf : "";
		len = s->plain.len;
	}
	if (s->ndeferred)
		return defer_line(s, line, len);
	return feed_line(s, line, len);
}

/* journalctl -o verbose: "Fri 2023-03-10 23:42:01.123456 CET [s=...;i=...;...]",
 * then the entry's fields, indented */
static bool is_verbose_header(const char *l, size_t len)
{
	return len > 30 && l[len - 1] == ']' && isupper((unsigned char)l[0]) && l[3] == ' ' &&
	       isdigit((unsigned char)l[4]) && l[8] == '-' && mem_find(l, len, " [s=", 4) &&
	       mem_find(l, len, ";i=", 3);
}

static int feed_line(struct drc_stream *s, const char *line, size_t len)
{
	struct drc_origin o;
	unsigned depth = 0;
	size_t eq;
	int r;

	o.source = s->name;
	o.line = s->lineno;
	s->cur_last = s->lineno - 1;    /* flushing what came before this line */
	if (len && line[len - 1] == '\r')
		len--;
	/* a live collector's mark: the kernel was quiet, judge what is in progress */
	if (len == STRLEN(DRC_QUIET_LINE) && memcmp(line, DRC_QUIET_LINE, len) == 0)
		return drc_stream_settle(s);
	if (MEM_STARTS(line, len, DRC_NAME_LINE))
		return name_line(s, line, len, &o);

	/* continuation of a multi-line record */
	if (s->kmsg.active) {
		if (len && line[0] == ' ' && is_property(line + 1, len - 1, &eq)) {
			record_field(s, &s->kmsg, line + 1, eq, line + 2 + eq, len - eq - 2);
			return 0;
		}
		r = record_flush(s, &s->kmsg);
		if (r < 0)
			return r;
	}
	if (s->udev.active) {
		if (len == 0)
			return udev_flush(s);
		if (line[0] == '#')
			return 0;
		if (is_property(line, len, &eq)) {
			udev_property(s, line, len, eq);
			return 0;
		}
		r = udev_flush(s);
		if (r < 0)
			return r;
	}
	if (s->journal.active) {
		const char *f = line;
		size_t fl = len;

		if (s->journal.verbose)
			while (fl && (*f == ' ' || *f == '\t'))
				f++, fl--;
		if (len == 0)
			return record_flush(s, &s->journal);
		if ((!s->journal.verbose || fl < len) && is_property(f, fl, &eq)) {
			record_field(s, &s->journal, f, eq, f + eq + 1, fl - eq - 1);
			return 0;
		}
		r = record_flush(s, &s->journal);
		if (r < 0)
			return r;
	}
	if (MEM_STARTS(line, len, "__CURSOR=") || MEM_STARTS(line, len, "__REALTIME_TIMESTAMP=") ||
	    is_verbose_header(line, len)) {
		struct kv_record *k = &s->journal;

		*k = (struct kv_record){ .msg = k->msg };
		strbuf_clear(&k->msg);
		k->active = true;
		k->verbose = !MEM_STARTS(line, len, "__");
		k->ts = -1;
		k->origin = o;
		return 0;
	}

	/* mail quoting: "> ", ">> ", "> > ", and "| " of some clients and archives */
	while (len && (line[0] == '>' || (line[0] == '|' && len > 1 && line[1] == ' ') ||
		       (line[0] == ' ' && len > 1 && (line[1] == '>' || line[1] == '|') && depth))) {
		if (line[0] == ' ') {
			line++, len--;
			continue;
		}
		depth++;
		line++, len--;
		if (len && line[0] == ' ')
			line++, len--;
	}

	if (s->pjson.active || pjson_opens(line, len)) {
		r = pjson_line(s, line, len, &o);
		if (r != PJSON_NOT_MINE)
			return r;
	}

	if (s->held.len) {
		/* the second half of a wrapped line: join and try again */
		s->cur_last = s->lineno;
		bool soft = s->held.buf[s->held.len - 1] == '=';
		struct strbuf j = STRBUF_INIT;
		size_t lead = 0;

		while (lead < len && line[lead] == ' ')
			lead++;
		if (len - lead > 0 && len - lead <= 200 &&
		    strbuf_append(&j, s->held.buf, s->held.len - (soft ? 1 : 0)) == 0 &&
		    (soft || strbuf_append(&j, " ", 1) == 0) &&
		    strbuf_append(&j, line + lead, len - lead) == 0 && mem_find(j.buf, j.len, "bytes)", 6)) {
			struct drc_origin ho = s->held_origin;
			uint64_t before = s->ctx->stats.undecoded;

			strbuf_clear(&s->held);
			r = process_line(s, j.buf, j.len, s->held_depth, &ho, false);
			if (r == LINE_DEFERRED)
				r = defer_start(s, j.buf, j.len, s->held_depth, &ho);
			strbuf_done(&j);
			if (r < 0)
				return r;
			if (s->ctx->stats.undecoded == before) {
				s->ctx->stats.joined_lines++;
				return 0;
			}
			/* did not fit together: the diagnostic stands, go on with this line */
		} else {
			strbuf_done(&j);
			s->cur_last = s->lineno - 1;
			r = held_flush(s);
			if (r < 0)
				return r;
			/* the held line waits for its op: so does this one */
			if (s->ndeferred)
				return defer_start(s, line, len, depth, &o);
		}
	}
	s->cur_last = s->lineno;
	if (s->colon.len) {
		/* "[ts] drv dfx-clean.0:" then "DEVRES ADD ...": wrapped right
		 * after the device; read the two as one */
		size_t lead = skip_ws(line, len, 0);

		if (MEM_STARTS(line + lead, len - lead, "DEVRES ") && len - lead <= 300 &&
		    strbuf_append(&s->colon, " ", 1) == 0 &&
		    strbuf_append(&s->colon, line + lead, len - lead) == 0) {
			uint64_t before = s->ctx->stats.undecoded;
			struct strbuf j = s->colon;

			s->colon = (struct strbuf)STRBUF_INIT;
			r = process_line(s, j.buf, j.len, s->colon_depth, &s->colon_origin, false);
			strbuf_done(&j);
			if (r >= 0 && s->ctx->stats.undecoded == before)
				s->ctx->stats.joined_lines++;
			return r < 0 ? r : 0;
		}
		strbuf_clear(&s->colon);
	}
	if (len && len < HOLD_MAX && line[len - 1] == ':' && strbuf_append(&s->colon, line, len) == 0) {
		s->colon_origin = o;
		s->colon_depth = depth;
	}
	r = process_line(s, line, len, depth, &o, true);
	return r == LINE_DEFERRED ? defer_start(s, line, len, depth, &o) : r;
}

int drc_stream_feed(struct drc_stream *s, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	int r;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		r = drc_stream_feed_line(s, p, l);
		if (r < 0)
			return r;
		p += l + (nl ? 1 : 0);
	}
	return 0;
}

int drc_stream_finish(struct drc_stream *s)
{
	int r;

	s->cur_last = s->lineno;
	r = defer_replay(s);
	if (r < 0)
		return r;
	r = held_flush(s);
	if (r < 0)
		return r;
	r = defer_replay(s);
	if (r < 0)
		return r;
	r = record_flush(s, &s->kmsg);
	if (r < 0)
		return r;
	r = record_flush(s, &s->journal);
	if (r < 0)
		return r;
	r = pjson_flush(s);
	if (r < 0)
		return r;
	r = udev_flush(s);
	if (r < 0)
		return r;
	/* the input ended: no twin comes for what is held */
	return drc_model_witness_flush(s->ctx);
}

int drc_stream_settle(struct drc_stream *s)
{
	int r = drc_stream_finish(s);

	if (r < 0)
		return r;
	if (s->ctx->nboots)
		drc_model_settle(s->ctx, s->ctx->nboots - 1);
	return 0;
}

uint64_t drc_stream_count_in_objects(const struct drc_stream *s)
{
	return s->in_objects;
}

uint64_t drc_stream_get_undecided_line(const struct drc_stream *s)
{
	uint64_t first = s->lineno + 1;

	if (s->kmsg.active && s->kmsg.origin.line < first)
		first = s->kmsg.origin.line;
	if (s->journal.active && s->journal.origin.line < first)
		first = s->journal.origin.line;
	if (s->pjson.active && s->pjson_first < first)
		first = s->pjson_first;
	if (s->udev.active && s->udev.origin.line < first)
		first = s->udev.origin.line;
	if (s->held.len && s->held_origin.line < first)
		first = s->held_origin.line;
	if (s->ndeferred && s->deferred[0].lineno < first)
		first = s->deferred[0].lineno;
	return first;
}
