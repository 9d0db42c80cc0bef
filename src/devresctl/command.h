/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "libdevres/libdevres.h"

struct cli_option {
	const char *name;       /* long name without dashes */
	int key;                /* short letter, or an OPT_ value >= 0x100 for long-only */
	int has_arg;            /* no_argument, required_argument */
	const char *arg_name;   /* "FILE"; NULL without argument */
	const char *help;       /* one line, lowercase, no final period */
	const char *values;     /* the values a shell completes: "text json";
				 * NULL: by arg_name (FILE, DIR, PATTERN, DEVICE) */
};

#define ARGS_ANY (~0u)

struct command {
	const char *name;
	const char *synopsis;
	const char *summary;
	const struct cli_option *options;     /* terminated by an empty entry */
	unsigned min_args, max_args;
	int (*run)(int argc, char **argv);    /* returns an exit code */
};

#define COMMON_OPTIONS \
	{ "quiet", 'q', no_argument, NULL, "print no informational messages" }, \
	{ "help", 'h', no_argument, NULL, "display this help" }

/* getopt tables from an option table; free with command_getopt_done(). */
struct command_getopt {
	struct option *longopts;
	char *shortopts;
};
int command_getopt_init(const struct cli_option *opts, struct command_getopt *ret);
void command_getopt_done(struct command_getopt *g);

/* The width to wrap text to: $COLUMNS, else the terminal's, else 80. */
unsigned output_columns(void);
/* @text, its words wrapped at @width, continued lines indented by @indent
 * columns (the first line starts at that column already), then a newline. */
/* One aligned help line per option, as --help prints them everywhere. */
void command_print_options(const struct cli_option *opts);
void command_help(const struct command *cmd);
/* Prints the message and "Try ... --help"; returns DEVRESCTL_EX_USAGE. */
int usage_error(const struct command *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends @s to a growing array of option values (repeatable options).
 * Returns 0, or -ENOMEM after saying so. */
int command_push_arg(const char ***arr, unsigned *n, const char *s);
/* Option values: a whole number in [min, max], or a number above 0 and at
 * most @max. Return 0 or -EINVAL. */
int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *ret);
int parse_positive(const char *s, double max, double *ret);
/* Checks the number of positional arguments; returns an exit code. */
int command_check_args(const struct command *cmd, unsigned nargs);

/* Global settings from the main options. */
extern const char *arg_root;
extern int arg_color;   /* -1 auto, 0 never, 1 always */
bool use_color(void);

/* Options that set up the engine, shared by every command that reads captures. */
struct engine_opts {
	const char **kb_files;
	unsigned nkb;
	const char *kallsyms;   /* a copy of /proc/kallsyms, or NULL */
	bool kallsyms_auto;     /* the live one, read unasked: no warning when it has no modules */
	unsigned debug;         /* ENGINE_DEBUG_* bits (--debug, --explain) */
};
#define ENGINE_DEBUG_RULES (1u << 0)    /* each decision of the rules: "explain:" lines */
#define ENGINE_DEBUG_STREAM (1u << 1)   /* how each input line was read: "stream:" lines */
/* Option ids of the engine's options (--kb, --kallsyms, --debug); a
 * command's own long-only options start at OPT_COMMAND. */
enum { OPT_KB = 0x100, OPT_KALLSYMS, OPT_DEVRESD_SOCKET, OPT_NO_PAGER, OPT_ENGINE_DEBUG, OPT_COMMAND };
/* --debug=WHAT on standard error */
#define DEBUG_OPTION_HELP \
	"on stderr: rules (each decision of the rules) or stream (which transport read each line and why); comma-separated"
#define DEBUG_OPTION \
	{ "debug", OPT_ENGINE_DEBUG, required_argument, "WHAT", DEBUG_OPTION_HELP, "rules stream" }
/* "rules", "stream" or both, comma-separated, into *debug. 0, or the exit
 * code of a usage error after saying so. */
int engine_debug_option(const struct command *cmd, const char *arg, unsigned *debug);

/* --socket, for every command that talks to devresd */
#define SOCKET_OPTION \
	{ "socket", OPT_DEVRESD_SOCKET, required_argument, "PATH", "devresd's socket (default: $DEVRESD_SOCKET, else /run/devresd/socket)" }
extern const char *arg_socket;
/* --no-pager; and while a pager runs (pager.c), the terminal's width, else 0:
 * use_color() and output_columns() still answer for the terminal. */
extern bool arg_no_pager;
extern unsigned pager_terminal_columns;

/* --no-pager, for the commands whose text output goes through a pager (pager.h) */
#define NO_PAGER_OPTION \
	{ "no-pager", OPT_NO_PAGER, no_argument, NULL, "do not pipe text on a terminal into a pager" }
/* The socket devresd is reached at: --socket, else $DEVRESD_SOCKET, else
 * /run/devresd/socket; below --root, as devresd --root puts it. */
const char *devresd_socket_name(void);
/* A connection to it, or -errno (-ENOENT, -ECONNREFUSED: none runs). */
int devresd_connect(void);
/*
 * The options every command handles alike, for the default: of its option
 * switch: -q (sets *quiet when given), -h, --kb and --kallsyms (into
 * @engine), and anything else, a usage error in *status. Returns
 * COMMAND_OPTION_HELP after printing --help: the caller stops with success.
 */
#define COMMAND_OPTION_HELP 1
int command_common_option(const struct command *cmd, int opt, const char *arg, struct engine_opts *engine,
			  bool *quiet, int *status);
/* Creates the engine with the installed knowledge base plus @opts. */
int engine_new(const struct engine_opts *opts, struct drc_ctx **ret);
