// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * journalctl -k -o export and -o verbose: one entry a block of fields,
 * ended by an empty line (systemd's JOURNAL_EXPORT_FORMATS.md):
 *
 *   __CURSOR=s=...;i=...                    -o export: KEY=value a line
 *   __REALTIME_TIMESTAMP=1678488121123456
 *   _TRANSPORT=kernel
 *   _BOOT_ID=...
 *   _SOURCE_MONOTONIC_TIMESTAMP=1920000
 *   _KERNEL_SUBSYSTEM=pci
 *   _KERNEL_DEVICE=+pci:0000:00:1f.3
 *   MESSAGE=drv 0000:00:1f.3: DEVRES ADD ...
 *
 *   Fri 2023-03-10 23:42:01.123456 CET [s=...;i=...;b=...;m=...;t=...;x=...]
 *       _TRANSPORT=kernel                   -o verbose: the fields indented
 *       MESSAGE=...
 *
 * A field whose value is not plain text comes in -o export as its name
 * alone on a line, then its size (64 bits, little-endian), its bytes and a
 * newline: the bytes may hold newlines, and the lines are joined back.
 *
 * An export stream cut by a short write (a full filesystem, a killed
 * journalctl) and written on shows a field cut short with the next
 * entry's "__CURSOR=" glued onto it; an entry may also lack its empty
 * line. __CURSOR and __REALTIME_TIMESTAMP come once per entry: a second
 * one starts the next entry, and a cut entry is reported (file, line, what
 * was expected) and counted, never read into the next. So is a line in an
 * entry that is neither a field nor its end ("Journal file ... is
 * truncated, ignoring file." from journalctl's stderr).
 *
 * Only entries of the kernel's transport are read. -o json and json-pretty
 * are transport-json.c's; the short formats transport-syslog.c's.
 */
#include "config.h"

#include <ctype.h>

#include "stream-private.h"

struct journal_state {
	struct kv_record rec;           /* the entry being read (first: see struct transport) */
	bool has_cursor, has_realtime;  /* its meta-fields (-o export), once per entry */
	/* -o export: a binary field being read */
	bool in_binary;
	char bin_key[64];
	size_t bin_klen;
	struct strbuf bin;              /* its size and bytes so far, the lines' newlines put back */
	uint64_t bin_have;              /* bytes read of it, kept or not */
	struct drc_origin bin_origin;   /* the line of its name */
};

/* A binary field larger than this is skipped, not kept (a kernel message
 * is at most 1 KiB, a /dev/kmsg record 8 KiB; a coredump is megabytes); a
 * size above the second is no size at all. */
#define BINARY_FIELD_MAX (64u << 10)
#define BINARY_FIELD_SANE (1ull << 40)

static const char expected_binary[] =
	"expected a journal export binary field: its name, a 64-bit little-endian size, that many bytes, a newline";
static const char expected_message_size[] =
	"expected a journal export MESSAGE of at most 64 KiB";
static const char expected_glued[] =
	"expected the end of a journal export entry (an empty line) before the next entry's __CURSOR=: "
	"the entry was cut short and the next one written onto it";
static const char expected_field[] =
	"expected a journal export field (KEY=value), a binary field or the empty line that ends the entry";

/* journalctl -o verbose: "Fri 2023-03-10 23:42:01.123456 CET [s=...;i=...;...]",
 * then the entry's fields, indented */
static bool is_verbose_header(const char *l, size_t len)
{
	return len > 30 && l[len - 1] == ']' && isupper((unsigned char)l[0]) && l[3] == ' ' &&
	       is_digit(l[4]) && l[8] == '-' && mem_find(l, len, " [s=", 4) &&
	       mem_find(l, len, ";i=", 3);
}

static void entry_start(struct journal_state *js, const struct drc_origin *o, bool verbose)
{
	record_start(&js->rec, o);
	js->rec.verbose = verbose;
	js->has_cursor = js->has_realtime = false;
	js->in_binary = false;
}

/* The open entry cannot be read: said where, counted, not given to the model. */
static void entry_drop(struct drc_stream *s, struct journal_state *js, const struct drc_origin *o,
		       const char *expected, const char *line, size_t len)
{
	drc_diag_add(s->ctx, o, expected, line, len);
	js->rec.active = false;
	js->in_binary = false;
}

/* "MESSAGE" alone on a line (-o export): a field name, its value binary. */
static bool is_field_name(const char *l, size_t len)
{
	size_t i = 0;

	while (i < len && (isupper((unsigned char)l[i]) || is_digit(l[i]) || l[i] == '_'))
		i++;
	return i == len && len > 0 && len < sizeof(((struct journal_state *)NULL)->bin_key);
}

static uint64_t le64(const char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | (unsigned char)p[i];
	return v;
}

/* A line of a binary field: its bytes, until the size says they are all
 * there. Those of a field too large to keep (a coredump) are counted only. */
static int binary_line(struct drc_stream *s, struct journal_state *js, struct line *l)
{
	struct strbuf *b = &js->bin;
	uint64_t size;

	l->why = "a line of a binary field of its entry";
	js->bin_have += l->len + 1;
	if (b->len < 8 + BINARY_FIELD_MAX + 1 &&
	    (strbuf_append(b, l->text, l->len) < 0 || strbuf_append(b, "\n", 1) < 0))
		return -ENOMEM;
	if (b->len < 9)
		return LINE_TAKEN;      /* a newline in the size: its rest on the next line */
	size = le64(b->buf);
	if (size > BINARY_FIELD_SANE) {
		entry_drop(s, js, &js->bin_origin, expected_binary, js->bin_key, js->bin_klen);
		return LINE_TAKEN;
	}
	if (js->bin_have < 8 + size + 1)
		return LINE_TAKEN;      /* a newline in the bytes */
	js->in_binary = false;
	if (js->bin_have != 8 + size + 1) {
		/* the newline after the bytes is not where a line ended */
		entry_drop(s, js, &js->bin_origin, expected_binary, js->bin_key, js->bin_klen);
		return LINE_TAKEN;
	}
	if (size <= BINARY_FIELD_MAX)
		record_field(s, &js->rec, js->bin_key, js->bin_klen, b->buf + 8, (size_t)size);
	else if (js->bin_klen == 7 && memcmp(js->bin_key, "MESSAGE", 7) == 0)
		entry_drop(s, js, &js->bin_origin, expected_message_size, js->bin_key, js->bin_klen);
	return LINE_TAKEN;
}

/* A field of an -o export entry: its meta-fields come once, and a value
 * with a "__CURSOR=" in it is a cut field with the next entry glued on. */
static int export_field(struct drc_stream *s, struct journal_state *js, struct line *l, size_t eq)
{
	struct kv_record *k = &js->rec;
	const char *v = l->text + eq + 1;
	size_t vl = l->len - eq - 1;
	bool cursor = eq == 8 && memcmp(l->text, "__CURSOR", 8) == 0;
	bool realtime = eq == 20 && memcmp(l->text, "__REALTIME_TIMESTAMP", 20) == 0;
	const char *glue = mem_find(v, vl, "__CURSOR=", 9);
	int r;

	if (glue) {
		entry_drop(s, js, l->o, expected_glued, l->text, l->len);
		entry_start(js, l->o, /* verbose= */ false);
		js->has_cursor = true;
		l->why = "a field cut short, the next entry's first field glued onto it: that entry starts";
		return LINE_TAKEN;
	}
	if ((cursor && js->has_cursor) || (realtime && js->has_realtime)) {
		/* no empty line after the last entry: it ended all the same */
		r = record_flush(s, k);
		if (r < 0)
			return r;
		entry_start(js, l->o, /* verbose= */ false);
		STREAM_DEBUG(s, l->o, "journal: a second %.*s in an entry: the next entry, the empty line was missing",
			     (int)eq, l->text);
	}
	js->has_cursor |= cursor;
	js->has_realtime |= realtime;
	record_field(s, k, l->text, eq, v, vl);
	l->why = "a field of its entry";
	return LINE_TAKEN;
}

/* The fields of the open entry, up to the empty line that ends it. */
static int journal_record(struct drc_stream *s, void *st, struct line *l)
{
	struct journal_state *js = st;
	struct kv_record *k = &js->rec;
	const char *f = l->text;
	size_t fl = l->len, eq;
	int r;

	if (js->in_binary)
		return binary_line(s, js, l);
	if (k->verbose)
		while (fl && (*f == ' ' || *f == '\t'))
			f++, fl--;
	if (l->len == 0) {
		l->why = "an empty line: the end of its entry";
		r = record_flush(s, k);
		return r < 0 ? r : LINE_TAKEN;
	}
	if (!k->verbose && is_property(f, fl, &eq))
		return export_field(s, js, l, eq);
	if (k->verbose && fl < l->len && is_property(f, fl, &eq)) {
		record_field(s, k, f, eq, f + eq + 1, fl - eq - 1);
		l->why = "a field of its entry";
		return LINE_TAKEN;
	}
	if (!k->verbose && is_field_name(f, fl)) {
		js->in_binary = true;
		memcpy(js->bin_key, f, fl);
		js->bin_klen = fl;
		js->bin_origin = *l->o;
		js->bin_have = 0;
		strbuf_clear(&js->bin);
		l->why = "the name of a binary field of its entry: its size and bytes follow";
		return LINE_TAKEN;
	}
	/* -o verbose: the next entry's header ends this one */
	if (!k->verbose)
		drc_diag_add(s->ctx, l->o, expected_field, l->text, l->len);
	r = record_flush(s, k);
	return r < 0 ? r : LINE_PASS;
}

static const char *journal_detect(struct drc_stream *s, void *st, const struct line *l, enum stage stage)
{
	if (MEM_STARTS(l->text, l->len, "__CURSOR=") ||
	    MEM_STARTS(l->text, l->len, "__REALTIME_TIMESTAMP="))
		return "-o export: the first field of an entry";
	if (is_verbose_header(l->text, l->len))
		return "-o verbose: the header of an entry, its fields follow indented";
	return NULL;
}

static int journal_feed(struct drc_stream *s, void *st, struct line *l, enum stage stage)
{
	struct journal_state *js = st;
	bool verbose = !MEM_STARTS(l->text, l->len, "__");
	size_t eq;

	entry_start(js, l->o, verbose);
	if (!verbose && is_property(l->text, l->len, &eq))
		return export_field(s, js, l, eq);
	return LINE_TAKEN;
}

static int journal_flush(struct drc_stream *s, void *st)
{
	struct journal_state *js = st;

	if (js->in_binary && js->rec.active) {
		entry_drop(s, js, &js->bin_origin, expected_binary, js->bin_key, js->bin_klen);
		return 0;
	}
	return record_flush(s, &js->rec);
}

static uint64_t journal_pending(const void *st)
{
	const struct kv_record *k = &((const struct journal_state *)st)->rec;

	return k->active ? k->origin.line : UINT64_MAX;
}

static void journal_done(void *st)
{
	strbuf_done(&((struct journal_state *)st)->rec.msg);
	strbuf_done(&((struct journal_state *)st)->bin);
}

const struct transport transport_journal = {
	.name = "journal",
	.state_size = sizeof(struct journal_state),
	.stages = STAGE(STAGE_LINE),
	.first = { [STAGE_LINE] = "_ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
	.detect = journal_detect,
	.feed = journal_feed,
	.record = journal_record,
	.flush = journal_flush,
	.pending = journal_pending,
	.done = journal_done,
};
