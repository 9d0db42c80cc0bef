/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdio.h>

#include "sources/live.h"

/* Called about ten times a second while reading; non-zero stops it. */
typedef int (*live_tick_fn)(void *userdata);

/*
 * The one loop that reads the live sources for a command (record, cycle,
 * monitor): each line to @line in arrival order, at most LIVE_READ_MAX
 * bytes of a source per dispatch so that none starves the others, until
 * @duration, SIGINT/SIGTERM/SIGHUP (taken by a handler: also when
 * inherited ignored or blocked), the end of every source (plain files and
 * FIFOs without a writer, in tests) or @tick asks. Then what the sources
 * still hold is drained to @line, and what was lost is counted in @stats
 * and said on stderr.
 */
struct live_loop {
	const struct live_opts *opts;
	live_line_fn line;
	void *userdata;
	FILE *out;                      /* flushed after each dispatch; a write error ends the loop */
	const char *out_name;           /* for that error */
	double duration;                /* seconds; 0: no limit */
	live_tick_fn tick;              /* NULL: none (the loop then ends with the sources) */
	void *tick_data;
	/* the words of its messages: "record from", "recorded", "recording" */
	const char *nothing_to, *not_done, *doing;
	const char *doing_where;        /* after "<doing> <sources>": " to FILE", or "" */
	struct live_stats stats;        /* out: the sources' counts at the end */
};

/* Returns 0 or -errno (said on stderr). */
int live_loop_run(struct live_loop *lp);
