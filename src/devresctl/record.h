/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "live-loop.h"
#include "sources/live.h"

/* Which lines a recording keeps (--device). */
struct record_filter {
	const char **patterns;
	unsigned npatterns;
	bool in_udev_block, keep_block;
};
bool record_filter_keep(struct record_filter *f, const char *line, size_t len);

struct recorder {
	FILE *out;
	const char *path;
	struct record_filter filter;
	uint64_t lines;
	uint64_t kmsg_ops, trace_ops;   /* devres lines written, per witness */
	uint64_t kmsg_lost, kmsg_lost_unknown, trace_lost, trace_lost_unknown, udev_overflows;
};

/* Records until @duration (0: none), SIGINT/SIGTERM/SIGHUP, the end of
 * every source, or @tick asks (live-loop.h). Returns 0 or -errno (said on
 * stderr). */
int record_run(struct recorder *rec, const struct live_opts *o, double duration, live_tick_fn tick,
	       void *userdata);
/* The longest --duration or --settle, in seconds. */
#define DURATION_MAX 1e7
