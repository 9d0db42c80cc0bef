// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading captures into the engine: shared by every command that reads them. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "command.h"
#include "devresd-client.h"
#include "exit-codes.h"
#include "shared/log.h"
#include "sources/source-file.h"

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

static int load_one(struct drc_ctx *ctx, const struct capture_opts *o, const char *path)
{
	struct source_file *f;
	struct drc_stream *s;
	struct progress p = { path, false };
	bool show;
	int r;

	r = source_file_open(path, &f);
	if (r < 0)
		return log_error_errno(r, "cannot open capture '%s'", path);
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
	if (r == -ENOMEM) {
		log_oom();
	} else if (r == -EBADMSG) {
		log_error("cannot read capture '%s': the compressed data is cut short or corrupt", path);
	} else if (r < 0) {
		log_error_errno(r, "cannot read capture '%s'", path);
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

int capture_load(struct drc_ctx *ctx, char *const *paths, unsigned n, const struct capture_opts *o)
{
	int r;

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
