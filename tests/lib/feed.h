/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the unit tests: build an engine and feed it text. */
#pragma once

#include "libdevres/libdevres.h"
#include "tap.h"

__attribute__((unused))
static struct drc_ctx *ctx_from_text(const char *name, const char *text)
{
	struct drc_ctx *ctx;
	struct drc_stream *s;

	if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, name, &s) < 0)
		abort();
	if (drc_stream_feed(s, text, strlen(text)) < 0 || drc_stream_finish(s) < 0)
		abort();
	drc_stream_free(s);
	return ctx;
}

__attribute__((unused))
static struct drc_device *dev_named(struct drc_ctx *ctx, const char *name)
{
	struct drc_device *d = NULL;

	if (drc_ctx_find_device(ctx, name, -1, &d) <= 0)
		return NULL;
	return d;
}

/* "name:size name:size ..." of the live list, markers included */
__attribute__((unused))
static const char *live_string(struct drc_device *d)
{
	static char buf[4096];
	size_t n = 0;

	buf[0] = '\0';
	if (!d)
		return "(no device)";
	for (struct drc_node *x = drc_device_get_first_node(d); x; x = drc_node_next(x)) {
		const char *nm = drc_node_get_name(x);

		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s:%lld", n ? " " : "",
				      nm ? nm : "?", (long long)drc_node_get_size(x));
		if (n >= sizeof(buf))
			break;
	}
	return buf;
}

__attribute__((unused))
static struct drc_stats stats_of(struct drc_ctx *ctx)
{
	struct drc_stats st;

	drc_ctx_get_stats(ctx, &st);
	return st;
}
