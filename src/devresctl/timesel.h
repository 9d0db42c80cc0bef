/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * Choosing part of a capture (--boot, --since, --until, journalctl's
 * options) and reading several captures of one boot as one stream, in the
 * order of their times. What the engine sees and what is reported are
 * decided here; devresctl(8), SELECTING BOOTS AND TIMES, says it to users.
 */

#include <stdbool.h>
#include <stdint.h>

#include "libdevres/libdevres.h"

struct command;

/* A time as --since/--until give it. */
struct time_point {
	bool set;
	bool wall;              /* a date or time of day, else seconds since boot */
	int64_t usec;           /* wall: since the epoch; else since boot */
	const char *arg;        /* as given, for messages */
};

struct selection {
	bool have_boot;
	long boot;              /* journalctl: 1 the first, 2 ..., 0 the last, -1 before it */
	bool boot_negative;     /* "-0" */
	struct time_point since, until;
};

static inline bool selection_active(const struct selection *s)
{
	return s && (s->have_boot || s->since.set || s->until.set);
}

/* --boot=N, --since=T, --until=T: 0, or the exit code of a usage error
 * after saying so. */
int selection_boot_option(const struct command *cmd, const char *arg, struct selection *s);
int selection_time_option(const struct command *cmd, const char *opt, const char *arg,
			  struct time_point *t);
/* One of SELECTION_OPTIONS() by its place in them (0 --boot, 1 --since,
 * 2 --until): 0, or the exit code of a usage error. */
int selection_option(const struct command *cmd, int which, const char *arg, struct selection *s);
/* --since after --until: the exit code of a usage error, else 0. */
int selection_check(const struct command *cmd, const struct selection *s);

/* The option table entries, the same in every command that reads captures. */
#define BOOT_OPTION(boot_key) \
	{ "boot", boot_key, required_argument, "N", "read only boot N of each capture: 1 the first, 0 the last, -1 the one before" }
#define SELECTION_OPTIONS(boot_key, since_key, until_key) \
	BOOT_OPTION(boot_key), \
	{ "since", since_key, required_argument, "TIME", "only from TIME on: seconds since boot (12.5) or a date and time" }, \
	{ "until", until_key, required_argument, "TIME", "only up to TIME: seconds since boot or a date and time" }

/* What a line of a capture says about time and boots. */
struct line_time {
	int64_t mono;           /* the kernel's seconds since boot as printed (usec), or -1 */
	int64_t wall;           /* the time of day (usec since the epoch), or -1 */
	bool no_year;           /* wall from a header without the year (BSD syslog) */
	bool monitor;           /* stamped when a monitor received it (udevadm), not by the kernel */
	bool boot;              /* a boot starts ("Linux version", "-- Boot ... --") */
	const char *boot_id;    /* a journal's _BOOT_ID on this line, or NULL */
	unsigned boot_id_len;
	bool record;            /* a journal record's first line: its times come later */
	const char *kernel;     /* the release of a "Linux version" banner, or NULL */
	unsigned kernel_len;
	bool devres;            /* a devres message (printk's "DEVRES ") */
};
void line_time_read(const char *line, size_t len, struct line_time *ret);

/* Line ranges of one capture (1-based, inclusive). */
struct line_range {
	uint64_t first, last;
};

/* One boot of a capture, as --list-boots shows it. */
struct capture_boot {
	struct line_range lines;
	int64_t mono_first, mono_last;  /* seconds since boot of its first and last lines (usec), or -1 */
	int64_t wall_first, wall_last;  /* their time of day (usec since the epoch), or -1 */
	char kernel[64];        /* "6.1.192" from its banner, or "" */
	char boot_id[64];       /* the journal's, or "" */
};

/* What the first reading of a capture found, and what of it is chosen. */
struct capture_scan {
	const char *path;
	char *copy;             /* standard input kept in this file for the second reading */
	uint64_t lines;
	unsigned nboots;
	struct capture_boot *boots;     /* nboots of them */
	struct line_range boot; /* the lines of the chosen boot (all with no --boot) */
	unsigned chosen;        /* its index, from 0 */
	bool has_mono, has_wall;        /* in the chosen boot(s): seconds since boot, a time of day */
	bool monitor;           /* its times are a monitor's (udevadm) */
	bool journal;           /* journal export records: times after a record's first line */
	struct line_range *window;      /* lines inside --since/--until */
	unsigned nwindow;
};

/*
 * Reads @path once: its boots, clocks and the lines @sel chooses. Standard
 * input is copied into a temporary file for the second reading. Returns 0,
 * or a negative errno after saying why (a boot it does not hold, a time
 * its lines cannot be compared with).
 */
int capture_scan(const char *path, const struct selection *sel, struct capture_scan *ret);
void capture_scan_done(struct capture_scan *s);
/* The path the second reading opens (the copy of standard input). */
const char *capture_scan_path(const struct capture_scan *s);
/* Whether line @line is inside --boot. */
bool capture_scan_chosen(const struct capture_scan *s, uint64_t line);
/* Whether line @line is inside --since/--until (and --boot). */
bool capture_scan_in_window(const struct capture_scan *s, uint64_t line);

/* The windows of every capture read, for the findings. */
struct capture_window {
	struct capture_scan *scans;
	unsigned n;
	bool active;            /* --since or --until given */
};
/* Whether a line of @f's evidence lies in the window (always without one;
 * a finding with no line of evidence is kept). */
bool capture_window_keeps(const struct capture_window *w, const struct drc_finding *f);
void capture_window_done(struct capture_window *w);

struct finding_list;
/* Drops the findings outside the window and counts the list again. */
void findings_keep_window(struct finding_list *l, const struct capture_window *w);
/* "N findings of the boot outside --since/--until not reported", for N > 0. */
void capture_window_say_dropped(unsigned n);
/* --boot, --since or --until with --source=devresd: the exit code of a
 * usage error (what devresd collected is read whole), else 0. */
int selection_check_source(const struct command *cmd, const struct selection *s, bool devresd);
/* --list-boots: the boots of each capture, as text or a JSON array, on
 * standard output. Returns 0, or a negative errno after saying why. */
int capture_list_boots(char *const *paths, unsigned n, bool json);
