// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The dev:devres_log trace event as text (include/trace/events/dev.h,
 * DESIGN.md 2.2): tracefs trace and trace_pipe, trace-cmd report, perf script.
 *
 *   # entries-in-buffer/entries-written: 26251/36246   #P:2
 *                                       the header of `cat trace`: events the
 *                                       ring overwrote before it was read
 *   kworker/0:1-25 [000] d.... 439.921733: devres_log: 0000:00:1f.3 ADD 000000001111aaaa grp< (0 bytes)
 *   task 123 [001] 1.9:   dev:devres_log: ...   (trace-cmd report, perf script)
 *
 * trace-cmd report and perf script print the op (and before 6.13 the name)
 * as the address of its string; the list semantics decide which op an
 * address is (opres.c), and until they have, the line is deferred.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stream-private.h"

#define ENTRIES_WRITTEN "entries-in-buffer/entries-written: "

static const char expected_op_address[] =
	"expected an op (ADD, REL, REM, REPLACE) or an address the other operations of the capture resolve";

struct trace_state {
	const char *written;            /* detect(): after ENTRIES_WRITTEN in the header */
};

/* tracefs: "... 439.921733: devres_log: <dev> <OP> <ptr> <name> (<n> bytes)" */
static int trace_line(struct drc_stream *s, const struct line *ln)
{
	const char *l = ln->text, *marker = ln->marker;
	size_t len = ln->len;
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

		while (b > l && (is_digit(b[-1]) || b[-1] == '.'))
			b--;
		if (parse_seconds(b, (size_t)(e - b), &t))
			ts = t;
	}
	r = drc_decode_trace_msg(msg, mlen, &m, &expected);
	if (r == DRC_DECODE_EMPTY) {
		STREAM_DEBUG(s, ln->o, "message: a record of zeros, no event");
		s->ctx->stats.empty_records++;
		return LINE_TAKEN;
	}
	if (r <= 0) {
		if (ln->may_hold && !mem_find(msg, mlen, "bytes)", 6))
			return LINE_HOLD;
		STREAM_DEBUG(s, ln->o, "message: not decoded: %s", expected);
		drc_diag_add(s->ctx, ln->o, expected, l, len);
		return LINE_TAKEN;
	}
	if (m.op_token) {
		if (!s->ctx->opres && drc_opres_new(s->ctx, &s->ctx->opres) < 0)
			return -ENOMEM;
		if (!drc_opres_lookup(s->ctx->opres, m.op_token, &m.op)) {
			if (!s->replaying)
				return LINE_DEFER;
			drc_diag_add(s->ctx, ln->o, expected_op_address, l, len);
			return LINE_TAKEN;
		}
	}
	r = stream_emit_devres(s, &m, DRC_WITNESS_TRACE, ts, NULL, NULL, ln->o);
	return r < 0 ? r : LINE_TAKEN;
}

int trace_observe(struct drc_stream *s, const char *l, size_t len)
{
	const char *marker = mem_find(l, len, "devres_log: ", 12), *expected, *dev;
	struct devres_msg m;

	if (!marker)
		return 0;
	marker += STRLEN("devres_log: ");
	if (drc_decode_trace_msg(marker, len - (size_t)(marker - l), &m, &expected) != 1)
		return 0;
	dev = drc_intern(s->ctx, m.dev, m.dev_len);
	if (!dev)
		return -ENOMEM;
	return drc_opres_observe(s->ctx->opres, dev, m.id, m.op_token, m.op, m.size, m.name, m.name_len);
}

static const char *trace_detect(struct drc_stream *s, void *st, const struct line *l, enum stage stage)
{
	struct trace_state *ts = st;

	if (stage == STAGE_TEXT)
		return l->marker ? "a trace event 'devres_log: '" : NULL;
	ts->written = l->text[0] == '#' ? mem_find(l->text, l->len, ENTRIES_WRITTEN, STRLEN(ENTRIES_WRITTEN))
					 : NULL;
	if (!ts->written)
		return NULL;
	ts->written += STRLEN(ENTRIES_WRITTEN);
	return "a trace file's header: how many events the ring overwrote";
}

static int trace_feed(struct drc_stream *s, void *st, struct line *ln, enum stage stage)
{
	const char *l = ln->text, *marker = ln->marker;
	size_t len = ln->len;
	int r;

	if (stage == STAGE_HEADER) {
		/* "# entries-in-buffer/entries-written: 26251/36246   #P:2" */
		const char *w = ((struct trace_state *)st)->written;
		unsigned long long in, written;
		char num[48];

		snprintf(num, sizeof(num), "%.*s", (int)MIN(len - (size_t)(w - l), sizeof(num) - 1), w);
		if (sscanf(num, "%llu/%llu", &in, &written) == 2 && written > in) {
			STREAM_DEBUG(s, ln->o, "message: lost events, %llu", written - in);
			drc_rules_lost(s->ctx, "trace", written - in, -1, ln->o);
		}
		return LINE_TAKEN;
	}
	if (mail_is_copy(s, marker, len - (size_t)(marker - l), ln->depth)) {
		STREAM_DEBUG(s, ln->o, "mail: a quoted copy of a line already read, not read again");
		return LINE_TAKEN;
	}
	r = trace_line(s, ln);
	if (r == LINE_DEFER)
		return r;
	mail_remember(s, marker, len - (size_t)(marker - l), ln->depth, len);
	return r;
}

const struct transport transport_trace = {
	.name = "trace",
	.state_size = sizeof(struct trace_state),
	.stages = STAGE(STAGE_HEADER) | STAGE(STAGE_TEXT),
	.text_marker = true,
	.first = { [STAGE_HEADER] = "#" },
	.detect = trace_detect,
	.feed = trace_feed,
};
