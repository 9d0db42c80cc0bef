/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The line pipeline, shared by its files and private to them:
 *
 *   stream.c           the driver: the stages a line goes through, the
 *                      transport table, hold (wrapped lines), glue, defer
 *   transport-*.c      one transport each: what carried the kernel's message
 *   stream-mail.c      what mail and terminals do to a line
 *   stream-messages.c  kernel messages: the devres line, records, and the
 *                      table of the other messages the model reads
 *   stream-parse.c     times, stamps and headers several transports read
 *
 * Every reader of a line returns what became of it (enum line_fate) or a
 * negative errno; nothing else.
 */
#pragma once

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libdevres-private.h"

/* What became of a line, or of a message a reader took out of one. */
enum line_fate {
	LINE_PASS,      /* not this reader's: the next one is asked */
	LINE_TAKEN,     /* read (or passed over on purpose): nothing more to do */
	LINE_HOLD,      /* the first half of a devres line a mail client wrapped:
			 * the driver keeps it for the next line */
	LINE_DEFER,     /* its op is an address not decided yet (opres.c): the
			 * driver holds it, and every line after it, until it is */
};

/* One line (or a message re-read as one) on its way through the stages. */
struct line {
	const char *text;
	size_t len;
	unsigned depth;                 /* mail quoting levels taken off */
	bool may_hold;                  /* LINE_HOLD allowed (a line as read, not a join) */
	const struct drc_origin *o;
	/* searched once, before the text stage, for all its readers */
	const char *devres;             /* "DEVRES" in it, or NULL */
	const char *marker;             /* "devres_log: " when there is no "DEVRES", or NULL */
	const char *why;                /* set by a record callback that took it (--debug=stream) */
};

/*
 * Where a transport reads a line, in this order; the mail layer cleans it
 * in between (stream-mail.c).
 */
enum stage {
	STAGE_LINE,                     /* as read: a record's first line (journal export) */
	/* mail quoting taken off */
	STAGE_UNQUOTED,                 /* the "{" alone of a JSON object a field a line */
	/* wrapped and glued lines joined (the driver) */
	STAGE_OBJECT,                   /* JSON on one line: its escapes are its own */
	/* quoted-printable decoded */
	STAGE_HEADER,                   /* a record's first line, a file's header */
	/* non-breaking spaces and terminal escapes cleaned */
	STAGE_TEXT,                     /* a line of log text */
	STAGE_COUNT
};
#define STAGE(s) (1u << (s))

/*
 * A transport: one format a kernel message comes in. The table in stream.c
 * lists them in the order they are asked; adding one is a file that
 * defines a struct transport and a line in that table.
 */
struct transport {
	const char *name;               /* for --debug=stream */
	size_t state_size;              /* its state per stream, zeroed at the start */
	unsigned stages;                /* STAGE() bits: where detect() is asked */
	bool text_marker;               /* at STAGE_TEXT, it claims only lines with l->marker */
	/* Per stage, the bytes a line it claims may start with: the lines
	 * that start with another are not shown to it. NULL: any. */
	const char *first[STAGE_COUNT];
	/* Whether the line is this transport's: why (for --debug=stream), or
	 * NULL. May keep what it parsed in @st for feed(). */
	const char *(*detect)(struct drc_stream *s, void *st, const struct line *l, enum stage stage);
	/* Read a line detect() claimed: LINE_TAKEN, LINE_HOLD or LINE_DEFER. */
	int (*feed)(struct drc_stream *s, void *st, struct line *l, enum stage stage);
	/*
	 * Records that span lines: a transport that has them keeps the
	 * struct kv_record of the open one first in its state. While it is
	 * open, every line as read (with record_unquoted, once mail quoting is
	 * taken off) comes here before anything else looks at it: LINE_TAKEN
	 * for a line of the record (l->why says what), else LINE_PASS having
	 * given the record to the model. NULL: none.
	 */
	int (*record)(struct drc_stream *s, void *st, struct line *l);
	bool record_unquoted;
	/* The input ended (or was quiet): give what an open record holds. */
	int (*flush)(struct drc_stream *s, void *st);
	/* The first line of the open record, or UINT64_MAX. */
	uint64_t (*pending)(const void *st);
	void (*done)(void *st);
};

extern const struct transport transport_kmsg;
extern const struct transport transport_udev;
extern const struct transport transport_journal;
extern const struct transport transport_json;
extern const struct transport transport_trace;
extern const struct transport transport_dmesg;
extern const struct transport transport_syslog;

/* stream-mail.c: what mail and terminals do to a line */
struct stream_mail {
	bool html;                      /* a web page: a list archive's message */
	struct strbuf text;             /* its line without tags and entities */
	struct strbuf plain;            /* a line without its leading terminal colours */
	struct strbuf tmp;              /* a line decoded, to be read again */
	struct hashmap quotes;          /* hash(line) -> struct quote_entry */
	size_t nquotes;
};
enum mail_step {
	MAIL_QP,                        /* before the header stage: quoted-printable */
	MAIL_TEXT,                      /* before the text stage: NBSP, terminal escapes */
};
void mail_done(struct stream_mail *m);
/* The slow paths of the inline functions at the end of this file. */
int mail_page_line_slow(struct drc_stream *s, const char **line, size_t *len);
unsigned mail_unquote_slow(const char **line, size_t *len);
int mail_decode_slow(struct drc_stream *s, const struct line *l, enum mail_step step);
/* true when @l is a quoted copy of a line taken at a lower depth; a line
 * at depth 0 is remembered as taken */
bool mail_quote_seen(struct drc_stream *s, const char *l, size_t len, unsigned depth);
/* mail is short: originals are remembered for quoting only this far into a stream */
#define QUOTE_TRACK_LINES 100000

/* stream-messages.c: a kernel message and the fields a record gives it */
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
	bool journald;                  /* journald's own entry (_TRANSPORT=driver) */
	bool verbose;                   /* journalctl -o verbose: fields indented */
	char boot_id[40];
	struct drc_origin origin;
};
/* A new record at @o (its message buffer kept for reuse). */
void record_start(struct kv_record *k, const struct drc_origin *o);
void record_field(struct drc_stream *s, struct kv_record *k, const char *key, size_t klen,
		  const char *v, size_t vl);
/* The record ended: its message to the model, in its boot. 0 or -errno. */
int record_flush(struct drc_stream *s, struct kv_record *k);
int stream_new_boot(struct drc_stream *s, const struct drc_origin *o, const char *release,
		    size_t rlen, const char *boot_id);
/* journald's "Missed N kernel messages": a loss of N at @o; 1 when it was one */
int journald_missed(struct drc_stream *s, const char *msg, size_t len, int64_t ts, const struct drc_origin *o);
/* The table of the other messages, as the stream asks it. */
void messages_init(struct drc_stream *s);
/* printk's text from @i on: the kernel's "[time] [caller] " if there, then the message. */
int kernel_text(struct drc_stream *s, struct line *l, size_t i);
/* A decoded devres operation to the model. 0 or -errno. */
int stream_emit_devres(struct drc_stream *s, const struct devres_msg *m, enum drc_witness w,
		       int64_t ts, const char *subsystem, const char *devkey,
		       const struct drc_origin *o);

/* stream.c: the driver's services */
/* @text read again from the first stage: LINE_TAKEN, LINE_DEFER or -errno. */
int stream_offer(struct drc_stream *s, const char *text, size_t len, unsigned depth,
		 const struct drc_origin *o, bool may_hold);
/* @text waits for the op addresses to be decided; so does what follows. */
int stream_defer(struct drc_stream *s, const char *text, size_t len, unsigned depth,
		 const struct drc_origin *o);
/* --debug=stream: one sentence about the line at @o */
void stream_debug(struct drc_stream *s, const struct drc_origin *o, const char *fmt, ...)
	_printf_(3, 4);
#define STREAM_DEBUG(s, o, ...) \
	do { \
		if (_unlikely_((s)->ctx->stream_debug_fn != NULL)) \
			stream_debug(s, o, __VA_ARGS__); \
	} while (0)

/* What a held-back line says about the undecided ops (read without any
 * transport's state): transport-trace.c's op of a trace line, transport-
 * udev.c's bind uevent. 0 or -ENOMEM. */
int trace_observe(struct drc_stream *s, const char *l, size_t len);
int udev_observe(struct drc_stream *s, const char *l, size_t len);

/* stream-parse.c */

/* isdigit() without the table lookup: C's decimal digits are '0'-'9' in every locale */
static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

static inline size_t skip_ws(const char *l, size_t len, size_t i)
{
	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	return i;
}

/* U+00A0 in UTF-8 */
static inline bool is_nbsp(const char *l, size_t len, size_t i)
{
	return i + 1 < len && (unsigned char)l[i] == 0xc2 && (unsigned char)l[i + 1] == 0xa0;
}

/*
 * What may come before everything else: indentation (mail, a Markdown code
 * block) and the "<3>" priority of dmesg -r and /proc/kmsg.
 */
static inline size_t skip_indent_and_priority(const char *l, size_t len)
{
	size_t i = 0, j;

	while (i < len && (l[i] == ' ' || l[i] == '\t' || is_nbsp(l, len, i)))
		i += l[i] == ' ' || l[i] == '\t' ? 1 : 2;
	if (i < len && l[i] == '<') {
		for (j = i + 1; j < len && j - i <= 3 && is_digit(l[j]); j++)
			;
		if (j > i + 1 && j < len && l[j] == '>')
			i = j + 1;
	}
	return i;
}

/* printk caller id right after the timestamp: "[T123]", "[  T123]", "[C1]" */
static inline size_t skip_caller(const char *l, size_t len, size_t i)
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
	if (j >= len || !is_digit(l[j]))
		return i;
	while (j < len && is_digit(l[j]))
		j++;
	if (j >= len || l[j] != ']')
		return i;
	return j + 1;
}

size_t trim_blanks(const char **l, size_t len);
size_t parse_seconds(const char *s, size_t len, int64_t *usec);
size_t parse_bracket_ts(const char *l, size_t len, size_t i, int64_t *ts);
size_t parse_syslog_header(const char *l, size_t len, bool *kernel);
bool is_property(const char *l, size_t len, size_t *eq);

/* The driver's state; the transports keep theirs apart (struct transport). */
struct interned {
	const char *str;                /* in the ctx's pool, which outlives the stream */
	size_t len;
};

struct deferred;

struct drc_stream {
	struct drc_ctx *ctx;
	const char *name;               /* interned */
	uint64_t lineno;
	uint64_t cur_last;              /* last input line of what is being decoded */
	void **state;                   /* each transport's, in table order */
	/* per stage and first byte of a line, the transports that may claim
	 * it (a bit each, in table order) */
	uint16_t claims[STAGE_COUNT][256];
	uint16_t records[2];            /* those with records: read as read, unquoted */
	uint16_t text_marker;           /* those that read only trace lines at STAGE_TEXT */
	/* the table of stream-messages.c, a bit per kind */
	struct {
		uint16_t claims[256];   /* those that may read a message by its first byte */
		uint16_t before_devres; /* those asked of devres lines */
		uint16_t needs[4];      /* those that need each needle (enum needle) */
	} msgs;
	struct stream_mail mail;
	/* hold: a devres line cut by a mail wrap */
	struct strbuf held;
	struct drc_origin held_origin;
	unsigned held_depth;
	/* glue: a line ending in ':' (a wrap after the device?) */
	struct strbuf colon;
	struct drc_origin colon_origin;
	unsigned colon_depth;
	unsigned glued;                 /* messages read apart from the line's first */
	struct interned last_device, last_prefix;
	struct interned names[16];      /* release functions seen last, by length and ends */
	bool in_object;                 /* reading a multi-line JSON object's message */
	bool kmsg_loss_said;            /* a devresctl-lost line of kmsg since its last record */
	uint64_t in_objects;            /* devres messages read so */
	/* defer: held back while an op address is undecided (opres.c): the
	 * first line as the stages had it, then every line as it came */
	struct deferred *deferred;
	size_t ndeferred, deferred_cap;
	struct strbuf deferred_text;
	bool replaying;
};

/* ---- the mail layer's fast paths: most lines have nothing for it ---- */

/* A saved web page's tags and entities, a line's leading colours: *line
 * then points at the text. Returns 0 or -ENOMEM. */
static inline int mail_page_line(struct drc_stream *s, const char **line, size_t *len)
{
	if (_likely_(!s->mail.html && (!*len || ((*line)[0] != '<' && (*line)[0] != 0x1b))))
		return 0;
	return mail_page_line_slow(s, line, len);
}

/* "> ", ">> ", "| " quoting taken off: returns the depth. */
static inline unsigned mail_unquote(const char **line, size_t *len)
{
	if (_likely_(!*len || ((*line)[0] != '>' && (*line)[0] != '|')))
		return 0;
	return mail_unquote_slow(line, len);
}

/* 1 when the line, decoded, is in s->mail.tmp to be read again; 0 when
 * there is nothing to decode; -ENOMEM. Quoted-printable needs a '='; the
 * rest only matters in devres lines, and needs a U+00A0 or an escape. */
static inline int mail_decode(struct drc_stream *s, const struct line *l, enum mail_step step)
{
	if (step == MAIL_QP)
		return memchr(l->text, '=', l->len) ? mail_decode_slow(s, l, step) : 0;
	if (!l->devres && !l->marker)
		return 0;
	if (!memchr(l->text, 0xc2, l->len) && !memchr(l->text, 0x1b, l->len))
		return 0;
	return mail_decode_slow(s, l, step);
}

/* A quoted copy (depth > 0) of a line already taken: skip it. */
static inline bool mail_is_copy(struct drc_stream *s, const char *l, size_t len, unsigned depth)
{
	return depth && mail_quote_seen(s, l, len, depth);
}

/* An unquoted line taken: its quoted copies later are the same event
 * (@line_len: the whole line's, when @l is a part of it; a line that long
 * is not from mail). */
static inline void mail_remember(struct drc_stream *s, const char *l, size_t len, unsigned depth,
				 size_t line_len)
{
	if (!depth && line_len < 4096 && s->lineno <= QUOTE_TRACK_LINES)
		(void)mail_quote_seen(s, l, len, 0);
}
