// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The line pipeline's driver: take one line of a capture, find out what
 * carried it, and hand the kernel message (or the udev event) to the
 * decoders. Every line is examined on its own; nothing is configured
 * (DESIGN.md 2.3). A line goes through these steps, and the first reader
 * that takes it ends its way (enum stage names where transports read):
 *
 *   a saved web page's tags, a leading colour         stream-mail.c
 *   the open records that span lines, as read         transport .record
 *   STAGE_LINE: a record's first line, as read
 *   mail quoting taken off                            stream-mail.c
 *   the open records read unquoted (JSON a field a line)
 *   STAGE_UNQUOTED: the "{" that opens one
 *   hold: the rest of a devres line a mail client wrapped, joined to it
 *   glue: a devres message whose device ended the line before
 *   STAGE_OBJECT: JSON on one line
 *   quoted-printable decoded, the line read again     stream-mail.c
 *   STAGE_HEADER: a record's first line, a file's header
 *   non-breaking spaces, terminal escapes cleaned     stream-mail.c
 *   STAGE_TEXT: a line of log text
 *   else a kernel message alone                       stream-messages.c
 *
 * At each stage the transports are asked in the order of the table below
 * (those a line's first byte rules out are skipped); adding a transport is
 * a file (transport-*.c) and a line there. A devres line whose op is an
 * address not decided yet (trace-cmd report, perf script) is deferred,
 * with the lines after it, until the list semantics decide it (opres.c).
 * --debug=stream says at each step what took the line and why.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream-private.h"

/* the order transports are asked in, at each stage */
static const struct transport *const transports[] = {
	&transport_kmsg,        /* raw /dev/kmsg records and their dictionaries */
	&transport_udev,        /* udevadm monitor, with or without --property */
	&transport_journal,     /* journalctl -o export, -o verbose */
	&transport_json,        /* journalctl -o json, json-pretty; dmesg --json; LAVA */
	&transport_trace,       /* trace, trace_pipe, trace-cmd report, perf script */
	&transport_dmesg,       /* dmesg, dmesg -x, a console */
	&transport_syslog,      /* syslog, journalctl -o short-*, "-- Boot --" */
};
#define NTRANSPORTS ARRAY_SIZE(transports)
_Static_assert(ARRAY_SIZE(transports) <= 16, "struct drc_stream has a bit for each transport");

#define HOLD_MAX 4096
/* lines held back while an op printed as an address is undecided: decide
 * once this much is held, whatever the evidence */
#define DEFER_MAX_LINES 200000
#define DEFER_MAX_BYTES (32u << 20)
#define DEFER_MAX_OPS 50000

struct deferred {
	size_t off, len;
	uint64_t lineno;
	bool processed;                 /* goes to stream_offer() as it is */
	unsigned depth;
	struct drc_origin origin;
};

static int feed_line(struct drc_stream *s, const char *line, size_t len);

int drc_stream_new(struct drc_ctx *ctx, const char *name, struct drc_stream **ret)
{
	struct drc_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	s->name = drc_interns(ctx, name ? name : "-");
	s->state = calloc(NTRANSPORTS, sizeof(*s->state));
	if (!s->name || !s->state)
		goto oom;
	for (size_t i = 0; i < NTRANSPORTS; i++) {
		const struct transport *t = transports[i];
		uint16_t bit = (uint16_t)(1u << i);

		s->state[i] = calloc(1, MAX(t->state_size, (size_t)1));
		if (!s->state[i])
			goto oom;
		if (t->record)
			s->records[t->record_unquoted] |= bit;
		if (t->text_marker)
			s->text_marker |= bit;
		for (unsigned st = 0; st < STAGE_COUNT; st++) {
			if (!(t->stages & STAGE(st)))
				continue;
			if (!t->first[st])
				for (unsigned b = 0; b < 256; b++)
					s->claims[st][b] |= bit;
			for (const char *c = t->first[st]; c && *c; c++)
				s->claims[st][(unsigned char)*c] |= bit;
		}
	}
	messages_init(s);
	*ret = s;
	return 0;
oom:
	drc_stream_free(s);
	return -ENOMEM;
}

struct drc_stream *drc_stream_free(struct drc_stream *s)
{
	if (!s)
		return NULL;
	PIPE_SYNC(s->ctx);
	for (size_t i = 0; s->state && i < NTRANSPORTS; i++) {
		if (s->state[i] && transports[i]->done)
			transports[i]->done(s->state[i]);
		free(s->state[i]);
	}
	free(s->state);
	mail_done(&s->mail);
	strbuf_done(&s->held);
	strbuf_done(&s->colon);
	free(s->deferred);
	strbuf_done(&s->deferred_text);
	free(s);
	return NULL;
}

void drc_stream_note_long_line(struct drc_stream *s)
{
	s->lineno++;
	s->ctx->reader_lines.n++;
	s->ctx->stats.long_lines++;
}

void drc_stream_skip_lines(struct drc_stream *s, uint64_t n)
{
	s->lineno += n;
}

int drc_stream_end_records(struct drc_stream *s)
{
	s->cur_last = s->lineno;
	for (size_t i = 0; i < NTRANSPORTS; i++) {
		int r = transports[i]->flush ? transports[i]->flush(s, s->state[i]) : 0;

		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- --debug=stream ---- */

void drc_ctx_set_stream_debug_fn(struct drc_ctx *ctx, drc_stream_debug_fn fn, void *userdata)
{
	(void)drc_pipe_stop(ctx);    /* the debug lines stay in the order of the input */
	ctx->stream_debug_fn = fn;
	ctx->stream_debug_data = userdata;
}

void stream_debug(struct drc_stream *s, const struct drc_origin *o, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->ctx->stream_debug_fn(s->ctx->stream_debug_data, o, text);
}

/* ---- a collector's lines ---- */

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

/* DRC_WITNESSES_LINE's words: "kmsg", "trace" (others are left for later versions) */
static int witnesses_line(struct drc_stream *s, const char *line, size_t line_len)
{
	const char *p = line + STRLEN(DRC_WITNESSES_LINE), *end = line + line_len;

	PIPE_SYNC(s->ctx);      /* the model reads it */
	while (p < end) {
		const char *w = p;

		while (p < end && *p != ' ')
			p++;
		if (p - w == 4 && memcmp(w, "kmsg", 4) == 0)
			s->ctx->witnesses_declared |= 1u << DRC_WITNESS_PRINTK;
		else if (p - w == 5 && memcmp(w, "trace", 5) == 0)
			s->ctx->witnesses_declared |= 1u << DRC_WITNESS_TRACE;
		while (p < end && *p == ' ')
			p++;
	}
	return 0;
}

/* ---- hold: a devres line cut by a mail wrap ---- */

static int offer(struct drc_stream *s, struct line *l);

static int hold_line(struct drc_stream *s, struct line *l)
{
	/* too long to be half of a line a mail client wrapped: read it as it is */
	if (l->len > HOLD_MAX) {
		struct line whole = { l->text, l->len, l->depth, /* may_hold= */ false, l->o };

		return offer(s, &whole);
	}
	STREAM_DEBUG(s, l->o, "hold: a devres line cut short, its rest may be on the next line");
	strbuf_clear(&s->held);
	if (strbuf_append(&s->held, l->text, l->len) < 0)
		return -ENOMEM;
	s->held_origin = *l->o;
	s->held_depth = l->depth;
	return LINE_TAKEN;
}

/* The held half-line never found its other half: decode it as it is. */
static int held_flush(struct drc_stream *s)
{
	struct strbuf h = s->held;
	int r;

	if (!h.len)
		return 0;
	STREAM_DEBUG(s, &s->held_origin, "hold: the next line is not its rest, read as it is");
	s->held = (struct strbuf)STRBUF_INIT;
	r = stream_offer(s, h.buf, h.len, s->held_depth, &s->held_origin, /* may_hold= */ false);
	if (r == LINE_DEFER)
		r = stream_defer(s, h.buf, h.len, s->held_depth, &s->held_origin);
	strbuf_done(&h);
	return r < 0 ? r : 0;
}

/* ---- the stages ---- */

/* The line as mail_decode() left it in s->mail.tmp, read as if it had come so. */
static int offer_decoded(struct drc_stream *s, const struct line *l)
{
	struct strbuf copy = s->mail.tmp;
	struct line d = { copy.buf, copy.len, l->depth, l->may_hold, l->o };
	int r;

	s->mail.tmp = (struct strbuf)STRBUF_INIT;
	r = offer(s, &d);
	strbuf_done(&s->mail.tmp);
	s->mail.tmp = copy;
	return r;
}

/* The transports that read at @stage, in table order: the first that
 * claims the line reads it. */
static int offer_claims(struct drc_stream *s, struct line *l, enum stage stage, unsigned m)
{
	for (; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);
		const struct transport *t = transports[i];
		const char *why = t->detect(s, s->state[i], l, stage);
		int r;

		if (!why)
			continue;
		STREAM_DEBUG(s, l->o, "%s: %s", t->name, why);
		r = t->feed(s, s->state[i], l, stage);
		return r == LINE_HOLD ? hold_line(s, l) : r;
	}
	return LINE_PASS;
}

/* most lines' first byte rules most transports out */
static inline int offer_stage(struct drc_stream *s, struct line *l, enum stage stage)
{
	unsigned m = s->claims[stage][l->len ? (unsigned char)l->text[0] : 0];

	return m ? offer_claims(s, l, stage, m) : LINE_PASS;
}

/* Stage 5: a line, or a message read again as one. LINE_TAKEN, LINE_DEFER or -errno. */
static int offer(struct drc_stream *s, struct line *l)
{
	unsigned m;
	int r;

	if (l->len == 0)
		return LINE_TAKEN;
	r = offer_stage(s, l, STAGE_OBJECT);
	if (r != LINE_PASS)
		return r;
	r = mail_decode(s, l, MAIL_QP);
	if (r)
		return r < 0 ? r : offer_decoded(s, l);
	r = offer_stage(s, l, STAGE_HEADER);
	if (r != LINE_PASS)
		return r;
	/* one search for each marker per line: most lines are neither */
	l->devres = mem_find(l->text, l->len, "DEVRES", 6);
	l->marker = l->devres ? NULL : mem_find(l->text, l->len, "devres_log: ", 12);
	r = mail_decode(s, l, MAIL_TEXT);
	if (r)
		return r < 0 ? r : offer_decoded(s, l);
	m = s->claims[STAGE_TEXT][(unsigned char)l->text[0]];
	if (!l->marker)
		m &= ~(unsigned)s->text_marker;
	r = m ? offer_claims(s, l, STAGE_TEXT, m) : LINE_PASS;
	if (r != LINE_PASS)
		return r;
	/* no transport's header: a kernel message alone (dmesg -t, KUnit's
	 * console, a message pasted on its own) */
	STREAM_DEBUG(s, l->o, "console: no transport's header, read as a kernel message alone");
	r = kernel_text(s, l, skip_indent_and_priority(l->text, l->len));
	return r == LINE_HOLD ? hold_line(s, l) : r;
}

int stream_offer(struct drc_stream *s, const char *text, size_t len, unsigned depth,
		 const struct drc_origin *o, bool may_hold)
{
	struct line l = { text, len, depth, may_hold, o };

	return offer(s, &l);
}

/* The open records that span lines: is this line one of theirs? */
static inline int offer_records(struct drc_stream *s, struct line *l, bool unquoted)
{
	for (unsigned m = s->records[unquoted]; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);
		const struct transport *t = transports[i];
		int r;

		if (!((const struct kv_record *)s->state[i])->active)
			continue;
		l->why = NULL;
		r = t->record(s, s->state[i], l);
		if (r == LINE_PASS)
			continue;
		if (r == LINE_TAKEN && l->why)
			STREAM_DEBUG(s, l->o, "%s: %s", t->name, l->why);
		return r;
	}
	return LINE_PASS;
}

/* ---- ops printed as addresses: hold the lines back until they are decided ---- */

/* What a held-back line says about the undecided ops, read on its own
 * without the transports' state (the replay reads it properly): a trace
 * line's op, or whether a uevent is a bind. 0 or -ENOMEM. */
static int defer_observe(struct drc_stream *s, const char *l, size_t len)
{
	if (mem_find(l, len, "devres_log: ", 12))
		return trace_observe(s, l, len);
	return udev_observe(s, l, len);
}

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

/* Decide the held-back addresses, then read the held lines as if they came now. */
static int defer_replay(struct drc_stream *s)
{
	struct deferred *d = s->deferred;
	struct strbuf text = s->deferred_text;
	size_t n = s->ndeferred;
	uint64_t lineno = s->lineno, cur_last = s->cur_last;
	int r;

	if (!n)
		return 0;
	r = drc_opres_decide(s->ctx->opres);
	if (r < 0)
		return r;
	STREAM_DEBUG(s, &d[0].origin, "defer: the op addresses are decided, %zu lines read again", n);
	s->deferred = NULL;
	s->ndeferred = s->deferred_cap = 0;
	s->deferred_text = (struct strbuf)STRBUF_INIT;
	s->replaying = true;
	for (size_t i = 0; i < n && r >= 0; i++) {
		s->lineno = d[i].lineno;
		/* a line read again ends where it ended, not where the reading
		 * is now (strip would drop every line up to here) */
		s->cur_last = d[i].lineno;
		if (d[i].processed)
			r = stream_offer(s, text.buf + d[i].off, d[i].len, d[i].depth, &d[i].origin,
					 /* may_hold= */ false);
		else
			r = feed_line(s, text.buf + d[i].off, d[i].len);
	}
	s->replaying = false;
	s->lineno = lineno;
	s->cur_last = cur_last;
	free(d);
	strbuf_done(&text);
	return r < 0 ? r : 0;
}

int stream_defer(struct drc_stream *s, const char *text, size_t len, unsigned depth,
		 const struct drc_origin *o)
{
	int r = defer_push(s, text, len, true, depth, o);

	if (!r)
		STREAM_DEBUG(s, o, "defer: an op printed as an address not decided yet, "
			     "the lines from here wait");
	return r < 0 ? r : defer_observe(s, text, len) < 0 ? -ENOMEM : LINE_TAKEN;
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

/* ---- a line as read ---- */

int drc_stream_feed_line(struct drc_stream *s, const char *line, size_t len)
{
	int r;

	s->lineno++;
	s->ctx->reader_lines.n++;
	r = mail_page_line(s, &line, &len);
	if (r < 0)
		return r;
	if (s->ndeferred)
		r = defer_line(s, line, len);
	else
		r = feed_line(s, line, len);
	return r < 0 ? r : 0;
}

static int feed_line(struct drc_stream *s, const char *line, size_t len)
{
	struct drc_origin o;
	struct line l;
	unsigned depth;
	int r;

	o.source = s->name;
	o.line = s->lineno;
	s->cur_last = s->lineno - 1;    /* flushing what came before this line */
	if (len && line[len - 1] == '\r')
		len--;
	/* a live collector's mark: the kernel was quiet, judge what is in progress */
	if (len == STRLEN(DRC_QUIET_LINE) && memcmp(line, DRC_QUIET_LINE, len) == 0) {
		STREAM_DEBUG(s, &o, "quiet: the kernel was quiet, what is in progress is judged");
		return drc_stream_settle(s);
	}
	/* a collector learnt the word of a name it wrote as an address */
	if (MEM_STARTS(line, len, DRC_NAME_LINE)) {
		STREAM_DEBUG(s, &o, "name: the word of a name printed as an address");
		return name_line(s, line, len, &o);
	}
	if (MEM_STARTS(line, len, DRC_WITNESSES_LINE)) {
		STREAM_DEBUG(s, &o, "witnesses: the collector says what it reads");
		return witnesses_line(s, line, len);
	}

	/* a line of a multi-line record, or a record's first line */
	l = (struct line){ line, len, 0, /* may_hold= */ false, &o };
	r = offer_records(s, &l, /* unquoted= */ false);
	if (r == LINE_PASS)
		r = offer_stage(s, &l, STAGE_LINE);
	if (r != LINE_PASS)
		return r;

	depth = mail_unquote(&line, &len);
	if (depth)
		STREAM_DEBUG(s, &o, "mail: quoted %u deep, the quoting taken off", depth);
	l = (struct line){ line, len, depth, /* may_hold= */ false, &o };
	r = offer_records(s, &l, /* unquoted= */ true);
	if (r == LINE_PASS)
		r = offer_stage(s, &l, STAGE_UNQUOTED);
	if (r != LINE_PASS)
		return r;

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

			STREAM_DEBUG(s, &o, "hold: the rest of the devres line held at line %" PRIu64
				     ", joined to it", ho.line);
			strbuf_clear(&s->held);
			r = stream_offer(s, j.buf, j.len, s->held_depth, &ho, /* may_hold= */ false);
			if (r == LINE_DEFER)
				r = stream_defer(s, j.buf, j.len, s->held_depth, &ho);
			strbuf_done(&j);
			if (r < 0)
				return r;
			if (s->ctx->stats.undecoded == before) {
				s->ctx->stats.joined_lines++;
				return LINE_TAKEN;
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
				return stream_defer(s, line, len, depth, &o);
		}
	}
	s->cur_last = s->lineno;
	if (s->colon.len) {
		/* glue: "[ts] drv dfx-clean.0:" then "DEVRES ADD ...": wrapped
		 * right after the device; read the two as one */
		size_t lead = skip_ws(line, len, 0);

		if (MEM_STARTS(line + lead, len - lead, "DEVRES ") && len - lead <= 300 &&
		    strbuf_append(&s->colon, " ", 1) == 0 &&
		    strbuf_append(&s->colon, line + lead, len - lead) == 0) {
			uint64_t before = s->ctx->stats.undecoded;
			struct strbuf j = s->colon;

			STREAM_DEBUG(s, &o, "glue: a devres message whose device ended line %" PRIu64
				     ", joined to it", s->colon_origin.line);
			s->colon = (struct strbuf)STRBUF_INIT;
			r = stream_offer(s, j.buf, j.len, s->colon_depth, &s->colon_origin, /* may_hold= */ false);
			if (r == LINE_DEFER)
				r = stream_defer(s, j.buf, j.len, s->colon_depth, &s->colon_origin);
			strbuf_done(&j);
			if (r >= 0 && s->ctx->stats.undecoded == before)
				s->ctx->stats.joined_lines++;
			return r;
		}
		strbuf_clear(&s->colon);
	}
	if (len && len < HOLD_MAX && line[len - 1] == ':' && strbuf_append(&s->colon, line, len) == 0) {
		s->colon_origin = o;
		s->colon_depth = depth;
	}
	l.may_hold = true;
	r = offer(s, &l);
	return r == LINE_DEFER ? stream_defer(s, line, len, depth, &o) : r;
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
	for (size_t i = 0; i < NTRANSPORTS; i++) {
		if (!transports[i]->flush)
			continue;
		r = transports[i]->flush(s, s->state[i]);
		if (r < 0)
			return r;
	}
	/* the model has every operation read (and says if it met an error) */
	r = drc_pipe_sync(s->ctx);
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

	for (size_t i = 0; i < NTRANSPORTS; i++)
		if (transports[i]->pending)
			first = MIN(first, transports[i]->pending(s->state[i]));
	if (s->held.len && s->held_origin.line < first)
		first = s->held_origin.line;
	if (s->ndeferred && s->deferred[0].lineno < first)
		first = s->deferred[0].lineno;
	return first;
}
