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
 * Only entries of the kernel's transport are read. -o json and json-pretty
 * are transport-json.c's; the short formats transport-syslog.c's.
 */
#include "config.h"

#include <ctype.h>

#include "stream-private.h"

struct journal_state {
	struct kv_record rec;           /* the entry being read (first: see struct transport) */
};

/* journalctl -o verbose: "Fri 2023-03-10 23:42:01.123456 CET [s=...;i=...;...]",
 * then the entry's fields, indented */
static bool is_verbose_header(const char *l, size_t len)
{
	return len > 30 && l[len - 1] == ']' && isupper((unsigned char)l[0]) && l[3] == ' ' &&
	       is_digit(l[4]) && l[8] == '-' && mem_find(l, len, " [s=", 4) &&
	       mem_find(l, len, ";i=", 3);
}

/* The fields of the open entry, up to the empty line that ends it. */
static int journal_record(struct drc_stream *s, void *st, struct line *l)
{
	struct kv_record *k = &((struct journal_state *)st)->rec;
	const char *f = l->text;
	size_t fl = l->len, eq;
	int r;

	if (k->verbose)
		while (fl && (*f == ' ' || *f == '\t'))
			f++, fl--;
	if (l->len == 0) {
		l->why = "an empty line: the end of its entry";
		r = record_flush(s, k);
		return r < 0 ? r : LINE_TAKEN;
	}
	if ((!k->verbose || fl < l->len) && is_property(f, fl, &eq)) {
		record_field(s, k, f, eq, f + eq + 1, fl - eq - 1);
		l->why = "a field of its entry";
		return LINE_TAKEN;
	}
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
	struct kv_record *k = &((struct journal_state *)st)->rec;

	record_start(k, l->o);
	k->verbose = !MEM_STARTS(l->text, l->len, "__");
	return LINE_TAKEN;
}

static int journal_flush(struct drc_stream *s, void *st)
{
	return record_flush(s, &((struct journal_state *)st)->rec);
}

static uint64_t journal_pending(const void *st)
{
	const struct kv_record *k = &((const struct journal_state *)st)->rec;

	return k->active ? k->origin.line : UINT64_MAX;
}

static void journal_done(void *st)
{
	strbuf_done(&((struct journal_state *)st)->rec.msg);
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
