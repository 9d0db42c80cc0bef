// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl check - judge captures for driver CI: findings, a threshold,
 * suppressions and a baseline, and an exit code a pipeline can act on.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "command.h"
#include "exit-codes.h"
#include "filters.h"
#include "output.h"
#include "shared/escape.h"
#include "shared/log.h"

enum { OPT_FAIL_ON = OPT_COMMAND, OPT_SUPPRESS, OPT_BASELINE, OPT_LIST_RULES };

extern const struct command command_check;

static const struct cli_option check_options[] = {
	{ "format", 'f', required_argument, "FORMAT", "output format: text, json, junit or tap (default: text)" },
	{ "fail-on", OPT_FAIL_ON, required_argument, "SEVERITY", "exit 1 on findings of this severity or worse: error, warning or info (default: error)" },
	{ "suppress", OPT_SUPPRESS, required_argument, "FILE", "ignore the findings this file matches; repeatable" },
	{ "baseline", OPT_BASELINE, required_argument, "FILE", "fail only on findings not in this earlier --format=json output" },
	{ "device", 'd', required_argument, "PATTERN", "only devices whose name, driver or key matches; repeatable" },
	{ "kb", OPT_KB, required_argument, "FILE", "read another knowledge-base file; repeatable" },
	{ "kallsyms", OPT_KALLSYMS, required_argument, "FILE", "a copy of /proc/kallsyms: which module each release function is in" },
	{ "list-rules", OPT_LIST_RULES, no_argument, NULL, "list the rules with their severity and exit" },
	COMMON_OPTIONS,
	{}
};

struct check_ctl {
	enum output_format format;
	int fail_on;
	struct report_view view;
	struct engine_opts engine;
	const char **suppress;
	unsigned nsuppress;
	const char *baseline;
	bool quiet;
};

static void list_rules(void)
{
	for (unsigned i = 0; i < drc_rule_count(); i++) {
		const struct drc_rule_info *r = drc_rule_get(i);

		printf("%-24s %-8s %s\n", r->id, drc_severity_to_string(r->severity), r->what);
	}
}

static int check_parse_args(struct check_ctl *ctl, int argc, char **argv)
{
	struct command_getopt g;
	int c, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(check_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK &&
	       (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "text") == 0)
				ctl->format = OUTPUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				ctl->format = OUTPUT_JSON;
			else if (strcmp(optarg, "junit") == 0)
				ctl->format = OUTPUT_JUNIT;
			else if (strcmp(optarg, "tap") == 0)
				ctl->format = OUTPUT_TAP;
			else
				status = usage_error(&command_check, "invalid --format '%s': expected text, json, junit or tap", optarg);
			break;
		case OPT_FAIL_ON:
			ctl->fail_on = drc_severity_from_string(optarg);
			if (ctl->fail_on < 0)
				status = usage_error(&command_check, "invalid --fail-on '%s': expected error, warning or info", optarg);
			break;
		case OPT_SUPPRESS:
			if (command_push_arg(&ctl->suppress, &ctl->nsuppress, optarg) < 0)
				status = DEVRESCTL_EX_FAILURE;
			break;
		case OPT_BASELINE:
			ctl->baseline = optarg;
			break;
		case 'd':
			if (command_push_arg(&ctl->view.patterns, &ctl->view.npatterns, optarg) < 0)
				status = DEVRESCTL_EX_FAILURE;
			break;
		case OPT_LIST_RULES:
			list_rules();
			command_getopt_done(&g);
			return -1;
		default:
			if (command_common_option(&command_check, c, optarg, &ctl->engine, &ctl->quiet,
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
	return command_check_args(&command_check, (unsigned)(argc - optind));
}

/* A finding counts for a device selection when it names a selected device
 * (or no device at all: the capture as a whole). */
static bool finding_selected(struct drc_ctx *ctx, const struct report_view *v, const struct drc_finding *f)
{
	struct drc_device *dev = NULL;

	if (!v->npatterns || !f->device)
		return true;
	if (drc_ctx_find_device(ctx, f->device, (int)f->boot, &dev) > 0 && report_device_selected(v, dev))
		return true;
	if (f->other_device && drc_ctx_find_device(ctx, f->other_device, (int)f->boot, &dev) > 0 &&
	    report_device_selected(v, dev))
		return true;
	return false;
}

static void print_summary(const struct check_ctl *ctl, const struct finding_list *l)
{
	fprintf(stdout, "%u error%s, %u warning%s, %u info", l->by_severity[DRC_SEVERITY_ERROR],
		l->by_severity[DRC_SEVERITY_ERROR] == 1 ? "" : "s", l->by_severity[DRC_SEVERITY_WARNING],
		l->by_severity[DRC_SEVERITY_WARNING] == 1 ? "" : "s", l->by_severity[DRC_SEVERITY_INFO]);
	if (l->suppressed || l->known)
		fprintf(stdout, " (%u suppressed, %u in the baseline)", l->suppressed, l->known);
	fprintf(stdout, "; %u at or above --fail-on=%s: %s\n", l->failing,
		drc_severity_to_string((enum drc_severity)ctl->fail_on), l->failing ? "FAIL" : "pass");
}

static int cmd_check(int argc, char **argv)
{
	struct check_ctl ctl = { .format = OUTPUT_TEXT, .fail_on = DRC_SEVERITY_ERROR };
	struct drc_ctx *ctx = NULL;
	struct suppressions *sup = NULL;
	struct baseline *base = NULL;
	struct finding_list l = { 0 };
	struct capture_opts copts;
	int status, r = 0;

	status = check_parse_args(&ctl, argc, argv);
	if (status < 0) {
		status = DEVRESCTL_EX_OK;       /* --help, --list-rules */
		goto out;
	}
	if (status != DEVRESCTL_EX_OK)
		goto out;
	/* the filters first: a typo in them must not cost a long read */
	for (unsigned i = 0; i < ctl.nsuppress; i++) {
		if (suppressions_load(ctl.suppress[i], &sup) < 0) {
			status = DEVRESCTL_EX_FAILURE;
			goto out;
		}
	}
	if (ctl.baseline && baseline_load(ctl.baseline, &base) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	if (engine_new(&ctl.engine, &ctx) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	copts = (struct capture_opts){ .progress = -1, .quiet = ctl.quiet };
	ctl.view.inputs = argv + optind;
	ctl.view.ninputs = (unsigned)(argc - optind);
	if (capture_load(ctx, argv + optind, ctl.view.ninputs, &copts) < 0 ||
	    findings_collect(ctx, sup, &l) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	/* keep the selected devices' findings, then judge them */
	{
		unsigned keep = 0;

		for (unsigned i = 0; i < l.n; i++) {
			struct finding_item it = l.items[i];

			if (!finding_selected(ctx, &ctl.view, it.f))
				continue;
			it.known = !it.suppressed && baseline_has(base, it.fingerprint);
			it.fails = !it.suppressed && !it.known && (int)it.f->severity >= ctl.fail_on;
			l.items[keep++] = it;
		}
		l.n = keep;
		finding_list_tally(&l);
	}
	ctl.view.findings = &l;
	switch (ctl.format) {
	case OUTPUT_TEXT: {
		/* names from the capture: no control characters to the terminal */
		bool color = use_color();
		FILE *text = text_filter_open(stdout, color);

		findings_print_text(text ? text : stdout, &l, color, false);
		if (text)
			fclose(text);
		print_summary(&ctl, &l);
		break;
	}
	case OUTPUT_JSON:
		ctl.view.color = false;
		r = output_json(ctx, &ctl.view, stdout);
		break;
	case OUTPUT_JUNIT:
		r = findings_print_junit(stdout, ctx, &ctl.view, &l);
		break;
	case OUTPUT_TAP:
		r = findings_print_tap(stdout, ctx, &ctl.view, &l);
		break;
	}
	if (r >= 0 && fflush(stdout) != 0)
		r = -errno;
	if (r < 0) {
		log_error_errno(r, "cannot write the result");
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	status = l.failing ? DEVRESCTL_EX_FINDINGS : DEVRESCTL_EX_OK;
out:
	finding_list_done(&l);
	suppressions_free(sup);
	baseline_free(base);
	drc_ctx_unref(ctx);
	free(ctl.view.patterns);
	free(ctl.engine.kb_files);
	free(ctl.suppress);
	return status;
}

const struct command command_check = {
	.name = "check",
	.synopsis = "[OPTIONS] CAPTURE...",
	.summary = "judge captures for driver CI: findings and an exit code",
	.options = check_options,
	.min_args = 1,
	.max_args = ARGS_ANY,
	.run = cmd_check,
};
