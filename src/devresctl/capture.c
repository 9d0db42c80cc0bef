// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading captures into the engine: shared by every command that reads them. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "capture.h"
#include "shared/log.h"
#include "sources/source-file.h"

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
