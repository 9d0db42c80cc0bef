// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading captures into the engine: shared by every command that reads them. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "command.h"
#include "devresd-client.h"
#include "exit-codes.h"
#include "shared/log.h"
#include "sources/source-file.h"
#include "sources/trace-dat.h"
#include "timesel.h"

/* "devresd:SOCKET": what the evidence names, and no file a writer would
 * read again for its excerpts (a "devresd" beside the build is the daemon) */
static char devresd_name[4200];
static char *devresd_inputs[1] = { devresd_name };

char **capture_devresd_inputs(void)
{
	snprintf(devresd_name, sizeof(devresd_name), "devresd:%s", devresd_socket_name());
	return devresd_inputs;
}

int source_option(const struct command *cmd, const char *arg, bool *devresd)
{
	if (strcmp(arg, "capture") == 0)
		*devresd = false;
	else if (strcmp(arg, "devresd") == 0)
		*devresd = true;
	else
		return usage_error(cmd, "invalid --source '%s': expected capture or devresd", arg), -EINVAL;
	return 0;
}

int source_check_args(const struct command *cmd, bool devresd, unsigned nargs)
{
	if (devresd && nargs)
		return usage_error(cmd, "--source=devresd reads what devresd collected: no CAPTURE with it");
	if (devresd)
		return DEVRESCTL_EX_OK;
	if (!nargs)
		return usage_error(cmd, "too few arguments: expected CAPTURE... (- for standard input) or --source=devresd");
	return command_check_args(cmd, nargs);
}

struct progress {
	const char *path;
	bool shown;
};

static void progress_cb(void *userdata, uint64_t pos, uint64_t size)
{
	struct progress *p = userdata;

	if (!size)
		return;
	fprintf(stderr, "\r%s: reading '%s' %3u%%", program_invocation_short_name, p->path,
		(unsigned)(pos * 100 / size));
	p->shown = true;
}

int capture_open_named(const char *path, const char *name, struct source_file **ret)
{
	int r = source_file_open(path, ret);

	if (r == TRACE_DAT_ENOLIB)
		log_error("%s: trace.dat needs libtracecmd (built without it); convert it with `trace-cmd report %s`",
			  name, name);
	else if (r == TRACE_DAT_EBAD)
		log_error("%s: trace.dat cannot be read: cut short or corrupt (libtracecmd cannot read its headers or where its CPUs' data lie)", name);
	else if (r == TRACE_DAT_EDIED)
		log_error("%s: trace.dat cannot be read: corrupt (libtracecmd failed on it)", name);
	else if (r == TRACE_DAT_ENOEVENT)
		log_error("%s: trace.dat without the dev:devres_log event: record it with `trace-cmd record -e "
			  "dev:devres_log`", name);
	else if (r == -EBADMSG)
		log_error("cannot open capture '%s': the compressed data is cut short or corrupt", name);
	else if (r < 0)
		log_error_errno(r, "cannot open capture '%s'", name);
	return r;
}

int capture_open(const char *path, struct source_file **ret)
{
	return capture_open_named(path, path, ret);
}

int capture_read_error(const char *path, int r)
{
	if (r == -ENOMEM)
		return log_oom();
	if (r == -EBADMSG)
		log_error("cannot read capture '%s': the compressed data is cut short or corrupt", path);
	else if (r == TRACE_DAT_EDIED)
		log_error("cannot read capture '%s': the trace.dat is corrupt (libtracecmd failed on it)", path);
	else
		log_error_errno(r, "cannot read capture '%s'", path);
	return r;
}

static int load_one(struct drc_ctx *ctx, const struct capture_opts *o, const char *path)
{
	struct source_file *f;
	struct drc_stream *s;
	struct progress p = { path, false };
	bool show;
	int r;

	r = capture_open(path, &f);
	if (r < 0)
		return r;
	r = drc_stream_new(ctx, path, &s);
	if (r < 0) {
		source_file_close(f);
		return log_oom();
	}
	show = o->progress == 1 ||
	       (o->progress < 0 && !o->quiet && isatty(STDERR_FILENO) &&
		source_file_get_size(f) >= (64u << 20));
	r = source_file_feed(f, s, show ? progress_cb : NULL, &p);
	if (p.shown)
		fprintf(stderr, "\r\033[K");
	if (r < 0) {
		capture_read_error(path, r);
	} else {
		r = drc_stream_finish(s);
		if (r < 0)
			log_oom();
	}
	drc_stream_free(s);
	source_file_close(f);
	return r;
}

static void diagnostics(struct drc_ctx *ctx, bool quiet)
{
	struct drc_stats st;
	unsigned n = drc_ctx_get_diag_count(ctx);

	drc_ctx_get_stats(ctx, &st);
	for (unsigned i = 0; i < n && i < 5 && !quiet; i++) {
		struct drc_diag d;

		drc_ctx_get_diag(ctx, i, &d);
		fprintf(stderr, "%s:%" PRIu64 ": unrecognized devres line: %s: '%s'\n", d.origin.source,
			d.origin.line, d.expected, d.excerpt);
	}
	if (st.undecoded) {
		struct drc_diag d;

		drc_ctx_get_diag(ctx, 0, &d);
		log_warning("%" PRIu64 " line%s could not be decoded (first: %s:%" PRIu64 ")", st.undecoded,
			    st.undecoded == 1 ? "" : "s", d.origin.source, d.origin.line);
	}
	if (st.long_lines)
		log_warning("%" PRIu64 " line%s longer than %u bytes skipped", st.long_lines,
			    st.long_lines == 1 ? "" : "s", SOURCE_LINE_MAX);
}

static int feed_daemon_line(void *userdata, const char *line, size_t len, bool cut)
{
	struct drc_stream *s = userdata;

	if (cut) {
		drc_stream_note_long_line(s);
		return 0;
	}
	return drc_stream_feed_line(s, line, len);
}

int capture_load_devresd(struct drc_ctx *ctx, const struct capture_opts *o)
{
	struct fd_lines sock = { .fd = -1 };
	struct drc_stream *s;
	int r;

	r = drc_stream_new(ctx, capture_devresd_inputs()[0], &s);
	if (r < 0)
		return log_oom();
	r = devresd_lines_open(&sock, /* follow= */ false, feed_daemon_line, s);
	if (r == -ENOENT || r == -ECONNREFUSED)
		log_error("no devresd at %s (%s): start it (systemctl start devresd), or give captures",
			  devresd_socket_name(), strerror(-r));
	if (r < 0)
		goto out;
	r = devresd_lines_drain(&sock, feed_daemon_line, s);
	if (r == -ENOMEM)
		log_oom();
	else if (r == -ETIMEDOUT)
		log_error("devresd at %s sent nothing for %u s: given up", devresd_socket_name(),
			  DEVRESD_DRAIN_IDLE_MSEC / 1000);
	else if (r < 0)
		log_error_errno(r, "reading from devresd at %s", devresd_socket_name());
	if (r < 0)
		goto out;
	r = drc_stream_finish(s);
	if (r < 0) {
		log_oom();
		goto out;
	}
	r = drc_ctx_finish(ctx);
	if (r < 0) {
		log_oom();
		goto out;
	}
	diagnostics(ctx, o->quiet);
out:
	fd_lines_close(&sock);
	drc_stream_free(s);
	return r;
}

/* ---- several captures, or part of one (timesel.h) ---- */

/* One capture on its second reading: its next line and the time it has. */
struct reader {
	const struct capture_scan *scan;
	struct source_file *f;
	struct drc_stream *s;
	uint64_t lineno;
	const char *line;       /* valid until the next reading of this file */
	size_t len;
	bool cut;
	bool head;              /* line is read and not fed yet */
	bool done;
	bool said;              /* its read error was said */
	int64_t mono;           /* the head's time */
};

static int reader_feed(struct reader *rd)
{
	rd->head = false;
	if (rd->cut) {
		drc_stream_note_long_line(rd->s);
		return 0;
	}
	return drc_stream_feed_line(rd->s, rd->line, rd->len);
}

/* The next line of the chosen boot into rd->line; the lines before it are
 * skipped, those after it end the reading. 1, 0 at the end, or -errno. */
static int reader_next(struct reader *rd)
{
	int r;

	if (rd->done)
		return 0;
	for (;;) {
		r = source_file_next_line(rd->f, &rd->line, &rd->len, &rd->cut);
		if (r < 0) {
			if (r != -ENOMEM)
				capture_read_error(rd->scan->path, r);
			rd->said = r != -ENOMEM;
		}
		if (r <= 0 || ++rd->lineno > rd->scan->boot.last) {
			rd->done = true;
			return r < 0 ? r : 0;
		}
		if (capture_scan_chosen(rd->scan, rd->lineno))
			break;
		drc_stream_skip_lines(rd->s, 1);
	}
	rd->head = true;
	return 1;
}

/* Feed the lines that carry no time of their own (udev properties, kmsg
 * dictionaries, a file's header) with what came before them; stop at the
 * next line with a time, which waits in rd->line. 0 or -errno. */
static int reader_advance(struct reader *rd)
{
	struct line_time t;
	int r;

	for (;;) {
		r = reader_next(rd);
		if (r <= 0)
			return r;
		line_time_read(rd->line, rd->cut ? 0 : rd->len, &t);
		if (t.mono >= 0) {
			rd->mono = t.mono;
			return 0;
		}
		r = reader_feed(rd);
		if (r < 0)
			return r;
	}
}

/*
 * The reader whose line comes first: the earliest time; at the same time
 * the kernel's own stamp before a monitor's (udevadm stamps an event when
 * it receives it, after the kernel sent it; printk and the trace stamp
 * when it happens), then the order the captures were given in.
 */
static struct reader *reader_first(struct reader *rd, unsigned n)
{
	struct reader *best = NULL;

	for (unsigned i = 0; i < n; i++) {
		if (!rd[i].head)
			continue;
		if (!best || rd[i].mono < best->mono ||
		    (rd[i].mono == best->mono && !rd[i].scan->monitor && best->scan->monitor))
			best = &rd[i];
	}
	return best;
}

/* Why the captures cannot be merged by time, or NULL: they can. */
static const char *merge_refused(const struct capture_scan *sc, unsigned n, const struct selection *sel,
				 const char **who)
{
	for (unsigned i = 0; i < n; i++) {
		*who = sc[i].path;
		if (sc[i].journal)
			return "is a journal export, whose records are not merged";
		if (!sc[i].has_mono)
			return "has no timestamps of the kernel's clock";
		if (sc[i].nboots > 1 && !(sel && sel->have_boot))
			return "holds several boots (give --boot to merge one of each)";
	}
	return NULL;
}

static int load_selected(struct drc_ctx *ctx, char *const *paths, unsigned n, const struct capture_opts *o)
{
	struct capture_window w = { .n = n, .active = o->sel && (o->sel->since.set || o->sel->until.set) };
	struct reader *rd, *last = NULL;
	const char *why = NULL, *who = NULL;
	bool merge;
	int r = 0;

	w.scans = calloc(n, sizeof(*w.scans));
	rd = calloc(n, sizeof(*rd));
	if (!w.scans || !rd) {
		free(rd);
		free(w.scans);
		return log_oom();
	}
	for (unsigned i = 0; i < n && r >= 0; i++)
		r = capture_scan(paths[i], o->sel, &w.scans[i]);
	if (r < 0)
		goto out;
	merge = n > 1 && !(why = merge_refused(w.scans, n, o->sel, &who));
	if (n > 1 && !merge)
		log_warning("'%s' %s: the %u captures are read one after the other, not merged by time", who, why, n);
	for (unsigned i = 0; i < n; i++) {
		rd[i].scan = &w.scans[i];
		r = capture_open_named(capture_scan_path(&w.scans[i]), paths[i], &rd[i].f);
		if (r < 0)
			goto out;
		r = drc_stream_new(ctx, paths[i], &rd[i].s);
		if (r < 0) {
			r = log_oom();
			goto out;
		}
	}
	for (unsigned i = 0; i < n && r >= 0; i++) {
		/* one after the other: every line of one, then the next */
		if (!merge) {
			while (r >= 0 && (r = reader_next(&rd[i])) > 0)
				r = reader_feed(&rd[i]);
			if (r >= 0)
				r = drc_stream_finish(rd[i].s);
			continue;
		}
		/* merged: each reader's lines before its first time, then its first time waits */
		r = reader_advance(&rd[i]);
	}
	while (merge && r >= 0) {
		struct reader *first = reader_first(rd, n);

		if (!first)
			break;
		/* the last capture's record is whole (its next line has a time
		 * of its own): to the model before this capture's line */
		if (last && last != first)
			r = drc_stream_end_records(last->s);
		last = first;
		if (r >= 0)
			r = reader_feed(first);
		if (r >= 0)
			r = reader_advance(first);
	}
	for (unsigned i = 0; merge && i < n && r >= 0; i++)
		r = drc_stream_finish(rd[i].s);
	/* a read error was said by its reader; the engine fails only for memory */
	if (r < 0) {
		bool said = false;

		for (unsigned i = 0; i < n; i++)
			said |= rd[i].said;
		if (!said)
			log_oom();
		goto out;
	}
	r = drc_ctx_finish(ctx);
	if (r < 0) {
		r = log_oom();
		goto out;
	}
	diagnostics(ctx, o->quiet);
out:
	for (unsigned i = 0; i < n; i++) {
		drc_stream_free(rd[i].s);
		source_file_close(rd[i].f);
	}
	free(rd);
	if (r >= 0 && o->window) {
		*o->window = w;
	} else {
		capture_window_done(&w);
	}
	return r;
}

/*
 * The model on a second thread while this one reads and decodes (the
 * engine keeps to one where something watches the model): with two CPUs to
 * run on, unless DEVRESCTL_THREADS=1. On one CPU the hand-over would only
 * cost.
 */
static unsigned model_threads(void)
{
	const char *env = getenv("DEVRESCTL_THREADS");
	cpu_set_t set;

	if (env && *env)
		return strcmp(env, "1") == 0 ? 1 : 2;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return CPU_COUNT(&set) >= 2 ? 2 : 1;
}

int capture_load(struct drc_ctx *ctx, char *const *paths, unsigned n, const struct capture_opts *o)
{
	int r;

	if (n > 1 || selection_active(o->sel))
		return load_selected(ctx, paths, n, o);
	drc_ctx_set_threads(ctx, model_threads());
	for (unsigned i = 0; i < n; i++) {
		r = load_one(ctx, o, paths[i]);
		if (r < 0)
			return r;
	}
	r = drc_ctx_finish(ctx);
	if (r < 0)
		return log_oom();
	diagnostics(ctx, o->quiet);
	return 0;
}
