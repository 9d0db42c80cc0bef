// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl - rebuild and judge the kernel's managed-resource (devres) lists
 * from kernel logs, traces and udev events.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "complete.h"
#include "exit-codes.h"
#include "pager.h"
#include "shared/log.h"
#include "shared/root.h"

extern const struct command command_report;
extern const struct command command_check;
extern const struct command command_strip;
extern const struct command command_watch;
extern const struct command command_monitor;
extern const struct command command_status;
extern const struct command command_enable;
extern const struct command command_disable;
extern const struct command command_refs;
extern const struct command command_record;
extern const struct command command_cycle;

static const struct command *const commands[] = {
	&command_report,
	&command_check,
	&command_strip,
	&command_watch,
	&command_monitor,
	&command_status,
	&command_enable,
	&command_disable,
	&command_refs,
	&command_record,
	&command_cycle,
};

enum { OPT_ROOT = 0x100, OPT_COLOR };

static const struct cli_option main_options[] = {
	{ "root", OPT_ROOT, required_argument, "DIR", "read /sys, /proc and /dev below DIR" },
	{ "color", OPT_COLOR, required_argument, "WHEN", "colour: auto, always or never", "auto always never" },
	{ "help", 'h', no_argument, NULL, "display this help" },
	{ "version", 'V', no_argument, NULL, "display version" },
	{}
};

static void main_help(void)
{
	printf("Usage:\n %s [OPTIONS] COMMAND [ARGS...]\n\n"
	       "Rebuild the kernel's per-device managed-resource (devres) lists from kernel\n"
	       "logs and traces, show what is still alive, and say which releases are\n"
	       "suspicious.\n\nCommands:\n",
	       program_invocation_short_name);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf(" %-10s %s\n", commands[i]->name, commands[i]->summary);
	printf("\nOptions:\n");
	command_print_options(main_options);
	printf("\nRun '%s COMMAND --help' for a command's options.\nSee devresctl(8) for details.\n",
	       program_invocation_short_name);
}

static void version(void)
{
	printf("%s %s +udev +kmod +ncursesw +json-c +gzip +xz +zstd %ctracefs\n", PACKAGE_NAME,
	       PACKAGE_VERSION,
#ifdef HAVE_TRACEFS
	       '+'
#else
	       '-'
#endif
	);
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[32], cur[32];

	if (la >= 31 || lb >= 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t c = prev[j - 1] + (a[i - 1] != b[j - 1]);

			c = MIN(c, prev[j] + 1);
			cur[j] = MIN(c, cur[j - 1] + 1);
		}
		memcpy(prev, cur, sizeof(cur));
	}
	return prev[lb];
}

int main(int argc, char **argv)
{
	struct command_getopt g;
	const char *name;
	bool werr;
	int c, status;

	if (getenv("DEVRESCTL_ROOT"))
		arg_root = getenv("DEVRESCTL_ROOT");
	if (command_getopt_init(main_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	argv[0] = program_invocation_short_name;        /* getopt's messages: "devresctl: ..." */
	while ((c = getopt_long(argc, argv, g.shortopts, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			main_help();
			command_getopt_done(&g);
			return DEVRESCTL_EX_OK;
		case 'V':
			version();
			command_getopt_done(&g);
			return DEVRESCTL_EX_OK;
		case OPT_ROOT:
			arg_root = optarg;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				arg_color = -1;
			else if (strcmp(optarg, "always") == 0)
				arg_color = 1;
			else if (strcmp(optarg, "never") == 0)
				arg_color = 0;
			else {
				command_getopt_done(&g);
				return usage_error(NULL, "invalid --color '%s': expected auto, always or never", optarg);
			}
			break;
		default:        /* getopt said what was wrong */
			command_getopt_done(&g);
			fprintf(stderr, "Try '%s --help' for more information.\n", program_invocation_short_name);
			return DEVRESCTL_EX_USAGE;
		}
	}
	command_getopt_done(&g);
	root_set(arg_root);
	if (optind >= argc)
		return usage_error(NULL, "missing command");
	name = argv[optind];
	if (strcmp(name, "__complete") == 0)    /* for data/completion/, not listed */
		return complete_run(commands, ARRAY_SIZE(commands), main_options, argc - optind, argv + optind);
	if (strcmp(name, "help") == 0) {
		if (optind + 1 >= argc) {
			main_help();
			return DEVRESCTL_EX_OK;
		}
		name = argv[optind + 1];
		for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
			if (strcmp(commands[i]->name, name) == 0) {
				command_help(commands[i]);
				return DEVRESCTL_EX_OK;
			}
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i]->name, name) == 0) {
			static char full[64];

			/* "devresctl report: ..." in every message, getopt's too */
			snprintf(full, sizeof(full), "%s %s", program_invocation_short_name, name);
			log_set_program(full);
			argv += optind;
			argc -= optind;
			argv[0] = full;
			optind = 0;     /* a full getopt reset for the command's own options */
			status = commands[i]->run(argc, argv);
			fflush(stdout);
			werr = ferror(stdout);
			pager_close();  /* the terminal back, for the message below */
			if (werr) {
				log_error("write error on standard output");
				return DEVRESCTL_EX_FAILURE;
			}
			return status;
		}
	}
	{
		const char *best = NULL;
		size_t bd = 3;

		for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
			size_t d = edit_distance(name, commands[i]->name);

			if (d < bd)
				bd = d, best = commands[i]->name;
		}
		if (best)
			return usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, best);
	}
	return usage_error(NULL, "unknown command '%s'", name);
}
