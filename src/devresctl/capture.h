/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "libdevres/libdevres.h"
#include "timesel.h"

struct command;
struct source_file;

struct capture_opts {
	int progress;           /* -1 auto (a terminal and a big file), 0 never, 1 always */
	bool quiet;             /* no diagnostics on stderr */
	const struct selection *sel;    /* --boot, --since, --until, or NULL */
	struct capture_window *window;  /* filled with the lines chosen, or NULL */
};

/*
 * Opens a capture (source_file_open()); on failure says why, naming it (a
 * trace.dat in a build without libtracecmd: how to convert it), and
 * returns the negative errno. capture_open_named() opens @path and names
 * @name (a copy of standard input read again).
 */
int capture_open(const char *path, struct source_file **ret);
int capture_open_named(const char *path, const char *name, struct source_file **ret);
/* A capture's read failed with @r: says why, naming it; returns @r. */
int capture_read_error(const char *path, int r);

/*
 * Feeds every capture into the engine, then finishes it (end-of-capture
 * rules) and reports what could not be decoded on stderr. Several captures
 * of one boot with the kernel's clock are merged by time; others are read
 * one after the other, with a warning saying why (timesel.h). With a
 * selection, only the chosen boot of each is fed. Returns 0, or a negative
 * errno after printing why.
 */
int capture_load(struct drc_ctx *ctx, char *const *paths, unsigned n, const struct capture_opts *o);

/*
 * The same with what devresd collected since it started (its "lines"
 * stream up to now), read as one capture that ends now, named
 * "devresd:SOCKET" (capture_devresd_inputs()).
 * Returns 0, or a negative errno after printing why.
 */
int capture_load_devresd(struct drc_ctx *ctx, const struct capture_opts *o);
/* The inputs a report names for capture_load_devresd(): { "devresd:SOCKET" }. */
char **capture_devresd_inputs(void);

/* --source=capture|devresd of report and check: sets *@devresd; else says
 * so and returns -EINVAL. */
int source_option(const struct command *cmd, const char *arg, bool *devresd);
/* CAPTUREs: at least one without --source=devresd, none with it. Returns
 * an exit code. */
int source_check_args(const struct command *cmd, bool devresd, unsigned nargs);
