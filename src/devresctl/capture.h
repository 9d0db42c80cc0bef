/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "libdevres/libdevres.h"

struct capture_opts {
	int progress;           /* -1 auto (a terminal and a big file), 0 never, 1 always */
	bool quiet;             /* no diagnostics on stderr */
};

/*
 * Feeds every capture into the engine, one after the other, then finishes
 * it (end-of-capture rules) and reports what could not be decoded on
 * stderr. Returns 0, or a negative errno after printing why.
 */
int capture_load(struct drc_ctx *ctx, char *const *paths, unsigned n, const struct capture_opts *o);
