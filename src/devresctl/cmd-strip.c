// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl strip - print a capture without the devres lines the engine
 * decoded, for dmesg gates (IGT, kselftest error_logs) that fail on any
 * KERN_ERR line: devresctl judges the devres part, the gate the rest.
 *
 * Streaming: a line is printed or dropped as soon as the engine has decided
 * about it (a /dev/kmsg record waits for its dictionary lines, a wrapped
 * line for its second half), so memory does not grow with the capture.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "command.h"
#include "exit-codes.h"
#include "shared/log.h"
#include "sources/source-file.h"
#include "sources/trace-dat.h"
#include "timesel.h"

extern const struct command command_strip;

enum { OPT_BOOT = OPT_COMMAND, OPT_SINCE, OPT_UNTIL };
_Static_assert(OPT_SINCE == OPT_BOOT + 1 && OPT_UNTIL == OPT_BOOT + 2, "selection_option() takes them by place");

static const struct cli_option strip_options[] = {
	SELECTION_OPTIONS(OPT_BOOT, OPT_SINCE, OPT_UNTIL),
	COMMON_OPTIONS,
	{}
};

struct pending {
	uint64_t line;
	char *text;
	size_t len;
	bool hidden;            /* outside --since/--until: read, not printed */
};

struct range {
	uint64_t first, last;
};

struct strip {
	struct drc_stream *s;
	FILE *out;
	struct pending *q;
	size_t qhead, qlen, qcap;
	struct range *drop;
	size_t ndrop, dcap;
	uint64_t lineno, dropped, cut;
	const struct capture_scan *scan;        /* with --boot, --since, --until */
	uint64_t outside;
};

static void on_devres_line(void *userdata, const struct drc_origin *o, uint64_t last)
{
	struct strip *st = userdata;
	struct range *r;

	if (st->ndrop && st->drop[st->ndrop - 1].last + 1 >= o->line && st->drop[st->ndrop - 1].first <= o->line) {
		if (last > st->drop[st->ndrop - 1].last)
			st->drop[st->ndrop - 1].last = last;
		return;
	}
	if (st->ndrop == st->dcap) {
		size_t ncap = st->dcap ? st->dcap * 2 : 16;

		r = realloc(st->drop, ncap * sizeof(*r));
		if (!r)
			return;         /* the line is printed: nothing is lost */
		st->drop = r;
		st->dcap = ncap;
	}
	st->drop[st->ndrop++] = (struct range){ o->line, last };
}

static bool dropped(struct strip *st, uint64_t line)
{
	for (size_t i = 0; i < st->ndrop; i++)
		if (line >= st->drop[i].first && line <= st->drop[i].last)
			return true;
	return false;
}

/* Print or drop every queued line before @upto, then forget ranges behind it. */
static int flush(struct strip *st, uint64_t upto)
{
	size_t keep = 0;

	while (st->qlen && st->q[st->qhead].line < upto) {
		struct pending *p = &st->q[st->qhead];

		if (p->hidden) {
			st->outside++;
		} else if (dropped(st, p->line)) {
			st->dropped++;
		} else if (fwrite(p->text, 1, p->len, st->out) != p->len || fputc('\n', st->out) == EOF) {
			return -errno;
		}
		free(p->text);
		st->qhead = (st->qhead + 1) % st->qcap;
		st->qlen--;
	}
	for (size_t i = 0; i < st->ndrop; i++)
		if (st->drop[i].last >= upto)
			st->drop[keep++] = st->drop[i];
	st->ndrop = keep;
	return 0;
}

static int queue(struct strip *st, const char *line, size_t len)
{
	struct pending *p;

	if (st->qlen == st->qcap) {
		size_t ncap = st->qcap ? st->qcap * 2 : 64;
		struct pending *n = malloc(ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < st->qlen; i++)
			n[i] = st->q[(st->qhead + i) % st->qcap];
		free(st->q);
		st->q = n;
		st->qhead = 0;
		st->qcap = ncap;
	}
	p = &st->q[(st->qhead + st->qlen) % st->qcap];
	p->line = st->lineno;
	p->len = len;
	p->hidden = st->scan && !capture_scan_in_window(st->scan, st->lineno);
	p->text = malloc(len ? len : 1);
	if (!p->text)
		return -ENOMEM;
	memcpy(p->text, line, len);
	st->qlen++;
	return 0;
}

static int strip_line(void *userdata, const char *line, size_t len, bool cut)
{
	struct strip *st = userdata;
	int r;

	st->lineno++;
	/* the other boots are not read: a boot of its own to the engine */
	if (st->scan && !capture_scan_chosen(st->scan, st->lineno)) {
		st->outside++;
		drc_stream_skip_lines(st->s, 1);
		return 0;
	}
	r = queue(st, line, len);
	if (r < 0)
		return r;
	if (cut) {
		st->cut++;
		drc_stream_note_long_line(st->s);
	} else {
		r = drc_stream_feed_line(st->s, line, len);
		if (r < 0)
			return r;
	}
	return flush(st, drc_stream_get_undecided_line(st->s));
}

static int cmd_strip(int argc, char **argv)
{
	struct command_getopt g;
	struct engine_opts eo = { 0 };
	struct strip st = { .out = stdout };
	struct source_file *f = NULL;
	struct drc_ctx *ctx = NULL;
	struct selection sel = { 0 };
	struct capture_scan scan = { 0 };
	const char *path;
	int c, status = DEVRESCTL_EX_OK, r;

	if (command_getopt_init(strip_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK &&
	       (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BOOT:
		case OPT_SINCE:
		case OPT_UNTIL:         /* in the order of SELECTION_OPTIONS() */
			status = selection_option(&command_strip, c - OPT_BOOT, optarg, &sel);
			break;
		default:
			if (command_common_option(&command_strip, c, optarg, NULL, NULL,
						  &status) == COMMAND_OPTION_HELP) {
				command_getopt_done(&g);
				return DEVRESCTL_EX_OK;
			}
			break;
		}
	}
	command_getopt_done(&g);
	if (status != DEVRESCTL_EX_OK)
		return status;
	status = command_check_args(&command_strip, (unsigned)(argc - optind));
	if (status == DEVRESCTL_EX_OK)
		status = selection_check(&command_strip, &sel);
	if (status != DEVRESCTL_EX_OK)
		return status;
	path = optind < argc ? argv[optind] : "-";

	if (selection_active(&sel)) {
		if (capture_scan(path, &sel, &scan) < 0)
			return DEVRESCTL_EX_FAILURE;
		st.scan = &scan;
	}
	if (capture_open_named(st.scan ? capture_scan_path(&scan) : path, path, &f) < 0)
		return DEVRESCTL_EX_FAILURE;
	if (engine_new(&eo, &ctx) < 0 || drc_stream_new(ctx, path, &st.s) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	drc_ctx_set_devres_line_fn(ctx, on_devres_line, &st);
	drc_ctx_set_decode_only(ctx);
	r = source_file_for_each_line(f, strip_line, &st, NULL, NULL);
	if (r >= 0)
		r = drc_stream_finish(st.s);
	if (r >= 0)
		r = flush(&st, UINT64_MAX);
	if (r >= 0 && fflush(stdout) != 0)
		r = -errno;
	if (r < 0) {
		if (r == TRACE_DAT_EDIED)
			capture_read_error(path, r);
		else
			log_error_errno(r, "cannot strip '%s'", path);
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	if (st.scan)
		log_info("%s: %" PRIu64 " devres line%s removed, %" PRIu64 " kept, %" PRIu64 " outside --boot/--since/--until",
			 path, st.dropped, st.dropped == 1 ? "" : "s", st.lineno - st.dropped - st.outside, st.outside);
	else
		log_info("%s: %" PRIu64 " devres line%s removed, %" PRIu64 " kept", path, st.dropped,
			 st.dropped == 1 ? "" : "s", st.lineno - st.dropped);
	if (drc_stream_count_in_objects(st.s))
		log_warning("%s: %" PRIu64 " devres message%s inside JSON records kept: strip removes lines of "
			    "text logs (dmesg, console, syslog, kmsg, trace)", path, drc_stream_count_in_objects(st.s),
			    drc_stream_count_in_objects(st.s) == 1 ? "" : "s");
	if (st.cut)
		log_warning("%s: %" PRIu64 " line%s longer than %u bytes printed cut", path, st.cut,
			    st.cut == 1 ? "" : "s", SOURCE_LINE_MAX);
out:
	for (size_t i = 0; i < st.qlen; i++)
		free(st.q[(st.qhead + i) % st.qcap].text);
	free(st.q);
	free(st.drop);
	drc_stream_free(st.s);
	drc_ctx_unref(ctx);
	source_file_close(f);
	capture_scan_done(&scan);
	return status;
}

const struct command command_strip = {
	.name = "strip",
	.synopsis = "[OPTIONS] [CAPTURE]",
	.summary = "print a capture without the devres lines it decodes, for dmesg gates",
	.options = strip_options,
	.min_args = 0,
	.max_args = 1,
	.run = cmd_strip,
};
