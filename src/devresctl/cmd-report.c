// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl report - rebuild per-device devres lists from captures and show
 * what is still alive, grouped as the kernel groups it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "command.h"
#include "exit-codes.h"
#include "output.h"
#include "pager.h"
#include "selector.h"
#include "shared/escape.h"
#include "shared/log.h"

enum { OPT_PROGRESS = OPT_COMMAND, OPT_SOURCE, OPT_BOOT, OPT_SINCE, OPT_UNTIL, OPT_LIST_BOOTS };
_Static_assert(OPT_SINCE == OPT_BOOT + 1 && OPT_UNTIL == OPT_BOOT + 2, "selection_option() takes them by place");

extern const struct command command_report;

static const struct cli_option report_options[] = {
	{ "format", 'f', required_argument, "FORMAT", "output format: text or json (default: text)", "text json" },
	{ "device", 'd', required_argument, "DEVICE", "only these devices: a name, driver or key (a glob), SUBSYSTEM/NAME, a sysfs path or a /dev node; repeatable" },
	{ "all", 'a', no_argument, NULL, "also show released nodes and devices with nothing live" },
	DEBUG_OPTION,
	{ "kb", OPT_KB, required_argument, "FILE", "read another knowledge-base file; repeatable" },
	{ "kallsyms", OPT_KALLSYMS, required_argument, "FILE", "a copy of /proc/kallsyms: which module each release function is in" },
	{ "progress", OPT_PROGRESS, required_argument, "WHEN", "progress on stderr: auto, always or never", "auto always never" },
	{ "source", OPT_SOURCE, required_argument, "WHERE", "capture (the CAPTUREs given, the default) or devresd (what it collected until now)", "capture devresd" },
	SELECTION_OPTIONS(OPT_BOOT, OPT_SINCE, OPT_UNTIL),
	{ "list-boots", OPT_LIST_BOOTS, no_argument, NULL, "list the boots of each capture (numbers for --boot) and exit" },
	SOCKET_OPTION,
	NO_PAGER_OPTION,
	COMMON_OPTIONS,
	{}
};

struct report_ctl {
	enum output_format format;
	struct report_view view;
	struct engine_opts engine;
	int progress;           /* -1 auto */
	bool quiet;
	bool devresd;           /* --source=devresd */
	struct device_selector *selectors;
	unsigned nselectors;
	struct selection sel;   /* --boot, --since, --until */
	struct capture_window window;
	bool list_boots;
};

static void report_ctl_done(struct report_ctl *ctl)
{
	capture_window_done(&ctl->window);
	free(ctl->selectors);
	free(ctl->engine.kb_files);
}

static int report_parse_args(struct report_ctl *ctl, int argc, char **argv)
{
	struct command_getopt g;
	int c, r, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(report_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK &&
	       (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				ctl->format = OUTPUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				ctl->format = OUTPUT_JSON;
			else
				status = usage_error(&command_report, "invalid --format '%s': expected text or json", optarg);
			break;
		case 'd':
			r = device_selector_add(&ctl->selectors, &ctl->nselectors, optarg);
			if (r < 0)
				status = r == -EINVAL ? DEVRESCTL_EX_USAGE : DEVRESCTL_EX_FAILURE;
			break;
		case 'a':
			ctl->view.all = true;
			break;
		case OPT_PROGRESS:
			if (strcmp(optarg, "auto") == 0)
				ctl->progress = -1;
			else if (strcmp(optarg, "always") == 0)
				ctl->progress = 1;
			else if (strcmp(optarg, "never") == 0)
				ctl->progress = 0;
			else
				status = usage_error(&command_report, "invalid --progress '%s': expected auto, always or never", optarg);
			break;
		case OPT_SOURCE:
			if (source_option(&command_report, optarg, &ctl->devresd) < 0)
				status = DEVRESCTL_EX_USAGE;
			break;
		case OPT_BOOT:
		case OPT_SINCE:
		case OPT_UNTIL:         /* in the order of SELECTION_OPTIONS() */
			status = selection_option(&command_report, c - OPT_BOOT, optarg, &ctl->sel);
			break;
		case OPT_LIST_BOOTS:
			ctl->list_boots = true;
			break;
		default:
			if (command_common_option(&command_report, c, optarg, &ctl->engine, &ctl->quiet,
						  &status) == COMMAND_OPTION_HELP) {
				command_getopt_done(&g);
				return -1;
			}
			break;
		}
	}
	command_getopt_done(&g);
	if (status != DEVRESCTL_EX_OK)
		return status;
	status = selection_check_source(&command_report, &ctl->sel, ctl->devresd);
	if (status != DEVRESCTL_EX_OK)
		return status;
	if (ctl->list_boots && (ctl->devresd || selection_active(&ctl->sel)))
		return usage_error(&command_report, "--list-boots lists the CAPTUREs' boots: not with --source, --boot, --since or --until");
	return source_check_args(&command_report, ctl->devresd, (unsigned)(argc - optind));
}

static int cmd_report(int argc, char **argv)
{
	struct report_ctl ctl = { .format = OUTPUT_TEXT, .progress = -1 };
	struct drc_ctx *ctx = NULL;
	struct capture_opts copts;
	struct finding_list findings = { 0 };
	int status, r;

	status = report_parse_args(&ctl, argc, argv);
	if (status < 0) {
		status = DEVRESCTL_EX_OK;       /* --help */
		goto out;
	}
	if (status != DEVRESCTL_EX_OK)
		goto out;
	if (ctl.list_boots) {
		status = capture_list_boots(argv + optind, (unsigned)(argc - optind), ctl.format == OUTPUT_JSON) < 0 ?
			 DEVRESCTL_EX_FAILURE : DEVRESCTL_EX_OK;
		goto out;
	}
	if (engine_new(&ctl.engine, &ctx) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	drc_ctx_set_keep_history(ctx, ctl.view.all);
	ctl.view.inputs = argv + optind;
	ctl.view.ninputs = (unsigned)(argc - optind);
	ctl.view.color = ctl.format == OUTPUT_TEXT && use_color();
	ctl.view.width = output_columns();
	copts = (struct capture_opts){ .progress = ctl.progress, .quiet = ctl.quiet, .sel = &ctl.sel,
					.window = &ctl.window };
	if (ctl.devresd) {
		ctl.view.inputs = capture_devresd_inputs();
		ctl.view.ninputs = 1;
	}
	if (ctl.devresd ? capture_load_devresd(ctx, &copts) < 0 :
			  capture_load(ctx, argv + optind, (unsigned)(argc - optind), &copts) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	if (findings_collect(ctx, NULL, &findings) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	findings_keep_window(&findings, &ctl.window);
	ctl.view.selectors = ctl.selectors;
	ctl.view.nselectors = ctl.nselectors;
	device_selectors_unmatched(ctx, ctl.selectors, ctl.nselectors,
				   ctl.devresd ? "what devresd collected" : "the capture", /* error= */ false);
	ctl.view.findings = &findings;
	if (ctl.format == OUTPUT_JSON) {
		r = output_json(ctx, &ctl.view, stdout);
	} else {
		/* names from the capture: no control characters to the terminal */
		FILE *text;

		pager_open();
		text = text_filter_open(stdout, ctl.view.color);

		r = text ? output_text(ctx, &ctl.view, text) : -ENOMEM;
		if (text && fclose(text) != 0 && r >= 0)
			r = -errno;
		if (r >= 0 && ferror(stdout))
			r = -EIO;
	}
	if (r < 0) {
		log_error_errno(r, "cannot write the report");
		status = DEVRESCTL_EX_FAILURE;
	}
out:
	finding_list_done(&findings);
	drc_ctx_unref(ctx);
	report_ctl_done(&ctl);
	return status;
}

const struct command command_report = {
	.name = "report",
	.synopsis = "[OPTIONS] CAPTURE... | --source=devresd",
	.summary = "rebuild device resource lists from kernel log captures",
	.options = report_options,
	.min_args = 1,
	.max_args = ARGS_ANY,
	.run = cmd_report,
};
