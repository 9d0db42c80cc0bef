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
#include "output-kcidb.h"
#include "pager.h"
#include "selector.h"
#include "shared/escape.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/jsonw.h"
#include "shared/strbuf.h"

enum { OPT_FAIL_ON = OPT_COMMAND, OPT_SUPPRESS, OPT_BASELINE, OPT_LIST_RULES, OPT_ALLOW_EMPTY, OPT_EXPLAIN, OPT_DEBUG,
       OPT_KCIDB_ORIGIN, OPT_KCIDB_BUILD_ID, OPT_KCIDB_CHECKOUT_ID, OPT_KCIDB_RUN_ID, OPT_KCIDB_LOG_URL,
       OPT_SOURCE, OPT_BOOT, OPT_SINCE, OPT_UNTIL };
_Static_assert(OPT_SINCE == OPT_BOOT + 1 && OPT_UNTIL == OPT_BOOT + 2, "selection_option() takes them by place");

extern const struct command command_check;

static const struct cli_option check_options[] = {
	{ "format", 'f', required_argument, "FORMAT", "output format: text, json, junit, tap or kcidb (default: text)", "text json junit tap kcidb" },
	{ "fail-on", OPT_FAIL_ON, required_argument, "SEVERITY", "exit 1 on findings of this severity or worse: error, warning or info (default: error)", "error warning info" },
	{ "suppress", OPT_SUPPRESS, required_argument, "FILE", "ignore the findings this file matches; repeatable" },
	{ "baseline", OPT_BASELINE, required_argument, "FILE", "fail only on findings not in this earlier --format=json output" },
	{ "device", 'd', required_argument, "DEVICE", "only findings about these devices (as for report); repeatable" },
	{ "kb", OPT_KB, required_argument, "FILE", "read another knowledge-base file; repeatable" },
	{ "kallsyms", OPT_KALLSYMS, required_argument, "FILE", "a copy of /proc/kallsyms: which module each release function is in" },
	{ "list-rules", OPT_LIST_RULES, no_argument, NULL, "list the rules with their severity and exit" },
	{ "allow-empty", OPT_ALLOW_EMPTY, no_argument, NULL, "pass on a capture that holds no devres operation (default: fail)" },
	{ "explain", OPT_EXPLAIN, no_argument, NULL, "print each decision of the rules and its evidence on standard error" },
	{ "debug", OPT_DEBUG, required_argument, "WHAT", DEBUG_OPTION_HELP, "rules stream" },
	{ "kcidb-origin", OPT_KCIDB_ORIGIN, required_argument, "ORIGIN", "kcidb: the lab's KCIDB origin, the prefix of every id" },
	{ "kcidb-build-id", OPT_KCIDB_BUILD_ID, required_argument, "ID", "kcidb: the KCIDB id of the kernel build the captures come from" },
	{ "kcidb-checkout-id", OPT_KCIDB_CHECKOUT_ID, required_argument, "ID", "kcidb: also submit the build, made from this checkout" },
	{ "kcidb-run-id", OPT_KCIDB_RUN_ID, required_argument, "ID", "kcidb: this test run's id in the lab (default: the build's)" },
	{ "kcidb-log-url", OPT_KCIDB_LOG_URL, required_argument, "URL", "kcidb: where the lab keeps the capture" },
	{ "source", OPT_SOURCE, required_argument, "WHERE", "capture (the CAPTUREs given, the default) or devresd (what it collected until now)", "capture devresd" },
	SELECTION_OPTIONS(OPT_BOOT, OPT_SINCE, OPT_UNTIL),
	SOCKET_OPTION,
	NO_PAGER_OPTION,
	COMMON_OPTIONS,
	{}
};

struct check_ctl {
	enum output_format format;
	struct kcidb_opts kcidb;
	int fail_on;
	struct report_view view;
	struct engine_opts engine;
	const char **suppress;
	unsigned nsuppress;
	const char *baseline;
	bool quiet;
	bool allow_empty;
	bool devresd;           /* --source=devresd */
	struct device_selector *selectors;
	unsigned nselectors;
	struct selection sel;   /* --boot, --since, --until */
	struct capture_window window;
};

static int list_rules(enum output_format format)
{
	struct strbuf b = STRBUF_INIT;
	struct jw w;
	int r;

	if (format == OUTPUT_TEXT) {
		for (unsigned i = 0; i < drc_rule_count(); i++) {
			const struct drc_rule_info *ri = drc_rule_get(i);

			printf("%-24s %-8s ", ri->id, drc_severity_to_string(ri->severity));
			text_wrap(stdout, 34, 34, ri->what, output_columns());
		}
		return DEVRESCTL_EX_OK;
	}
	if (format != OUTPUT_JSON)
		return usage_error(&command_check, "--list-rules prints text or json");
	jw_init(&w, &b, true, 0);
	jw_array_begin(&w);
	for (unsigned i = 0; i < drc_rule_count(); i++) {
		const struct drc_rule_info *ri = drc_rule_get(i);

		jw_object_begin(&w);
		jw_kstring(&w, "rule", ri->id);
		jw_kstring(&w, "severity", drc_severity_to_string(ri->severity));
		jw_kstring(&w, "what", ri->what);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	r = jw_error(&w);
	if (r == 0)
		printf("%s\n", strbuf_str(&b));
	strbuf_done(&b);
	if (r < 0) {
		log_oom();
		return DEVRESCTL_EX_FAILURE;
	}
	return DEVRESCTL_EX_OK;
}

static int check_parse_args(struct check_ctl *ctl, int argc, char **argv)
{
	struct command_getopt g;
	bool list = false;
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
			else if (strcmp(optarg, "kcidb") == 0)
				ctl->format = OUTPUT_KCIDB;
			else
				status = usage_error(&command_check, "invalid --format '%s': expected text, json, junit, tap or kcidb", optarg);
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
		case OPT_ALLOW_EMPTY:
			ctl->allow_empty = true;
			break;
		case OPT_EXPLAIN:
			ctl->engine.debug |= ENGINE_DEBUG_RULES;
			break;
		case OPT_DEBUG:
			status = engine_debug_option(&command_check, optarg, &ctl->engine.debug);
			break;
		case 'd': {
			int r = device_selector_add(&ctl->selectors, &ctl->nselectors, optarg);

			if (r < 0)
				status = r == -EINVAL ? DEVRESCTL_EX_USAGE : DEVRESCTL_EX_FAILURE;
			break;
		}
		case OPT_LIST_RULES:
			list = true;
			break;
		case OPT_SOURCE:
			if (source_option(&command_check, optarg, &ctl->devresd) < 0)
				status = DEVRESCTL_EX_USAGE;
			break;
		case OPT_BOOT:
		case OPT_SINCE:
		case OPT_UNTIL:         /* in the order of SELECTION_OPTIONS() */
			status = selection_option(&command_check, c - OPT_BOOT, optarg, &ctl->sel);
			break;
		case OPT_KCIDB_ORIGIN:
			ctl->kcidb.origin = optarg;
			break;
		case OPT_KCIDB_BUILD_ID:
			ctl->kcidb.build_id = optarg;
			break;
		case OPT_KCIDB_CHECKOUT_ID:
			ctl->kcidb.checkout_id = optarg;
			break;
		case OPT_KCIDB_RUN_ID:
			ctl->kcidb.run_id = optarg;
			break;
		case OPT_KCIDB_LOG_URL:
			ctl->kcidb.log_url = optarg;
			break;
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
	if (list) {
		/* after every option: --list-rules --format=json as well as the other way round */
		status = list_rules(ctl->format);
		return status == DEVRESCTL_EX_OK ? -1 : status;
	}
	if (ctl->format == OUTPUT_KCIDB) {
		char msg[512];

		if (kcidb_opts_check(&ctl->kcidb, msg, sizeof(msg)) < 0)
			return usage_error(&command_check, "%s", msg);
	} else if (kcidb_opts_given(&ctl->kcidb)) {
		return usage_error(&command_check, "the --kcidb-* options go with --format=kcidb");
	}
	status = selection_check_source(&command_check, &ctl->sel, ctl->devresd);
	if (status != DEVRESCTL_EX_OK)
		return status;
	return source_check_args(&command_check, ctl->devresd, (unsigned)(argc - optind));
}

/* A finding counts for a device selection when it names a selected device
 * (or no device at all: the capture as a whole). */
static bool finding_selected(struct drc_ctx *ctx, const struct report_view *v, const struct drc_finding *f)
{
	struct drc_device *dev = NULL;

	if (!v->nselectors || !f->device)
		return true;
	if (drc_ctx_find_device(ctx, f->device, (int)f->boot, &dev) > 0 && report_device_selected(v, dev))
		return true;
	if (f->other_device && drc_ctx_find_device(ctx, f->other_device, (int)f->boot, &dev) > 0 &&
	    report_device_selected(v, dev))
		return true;
	return false;
}

/* Compressed files are read through their decompressor; other bytes that no
 * text log holds (NUL, most control characters) mean the file is no log. */
static bool looks_binary(const char *path)
{
	static const unsigned char magic[][4] = {
		{ 0x1f, 0x8b }, { 0xfd, '7', 'z', 'X' }, { 0x28, 0xb5, 0x2f, 0xfd }, { 'B', 'Z', 'h' },
	};
	static const size_t magic_len[] = { 2, 4, 4, 3 };
	unsigned char buf[4096];
	size_t n, odd = 0;
	FILE *f;

	if (strcmp(path, "-") == 0 || !(f = fopen(path, "re")))
		return false;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t i = 0; i < ARRAY_SIZE(magic); i++)
		if (n >= magic_len[i] && memcmp(buf, magic[i], magic_len[i]) == 0)
			return false;
	for (size_t i = 0; i < n; i++)
		if (buf[i] == 0 || (buf[i] < 0x20 && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t' &&
				    buf[i] != 0x1b && buf[i] != '\f'))
			odd++;
	return n && odd * 20 > n;      /* more than 5%: not text */
}

/* Nothing was judged: say why once, naming the inputs. */
static int check_empty(const struct check_ctl *ctl, struct drc_ctx *ctx)
{
	struct drc_stats st;
	struct strbuf names = STRBUF_INIT;

	drc_ctx_get_stats(ctx, &st);
	if (st.devres_events || st.drm_events)
		return 0;
	for (unsigned i = 0; i < ctl->view.ninputs; i++) {
		if (!ctl->devresd && looks_binary(ctl->view.inputs[i])) {
			log_error("%s: binary data, not a kernel log or trace: expected the text of dmesg, "
				  "journalctl -k, /dev/kmsg or a tracefs trace (compressed is fine)",
				  ctl->view.inputs[i]);
			strbuf_done(&names);
			return -EINVAL;
		}
		strbuf_appendf(&names, "%s%s", i ? ", " : "", ctl->devresd ? "what devresd collected" :
							      ctl->view.inputs[i]);
	}
	if (!ctl->allow_empty && !ctl->quiet)
		log_error("no devres operations in %s: boot a CONFIG_DEBUG_DEVRES kernel with devres.log=1 "
			  "(or echo 1 > /sys/module/devres/parameters/log), or record the dev:devres_log "
			  "trace event; --allow-empty accepts it", names.buf ? names.buf : "the capture");
	strbuf_done(&names);
	return 1;
}

static void warn_unused(void *userdata, const char *path, unsigned line, const char *rule, const char *device,
			const char *driver, const char *function, const char *reason)
{
	(void)userdata;
	log_warning("%s:%u: suppression matched no finding: %s %s %s %s (%s)", path, line, rule, device, driver,
		    function, reason);
}

/* @unmatched: --device selectors that selected nothing, which fail the check */
static void print_summary(const struct check_ctl *ctl, const struct finding_list *l, unsigned unmatched)
{
	fprintf(stdout, "%u error%s, %u warning%s, %u info", l->by_severity[DRC_SEVERITY_ERROR],
		l->by_severity[DRC_SEVERITY_ERROR] == 1 ? "" : "s", l->by_severity[DRC_SEVERITY_WARNING],
		l->by_severity[DRC_SEVERITY_WARNING] == 1 ? "" : "s", l->by_severity[DRC_SEVERITY_INFO]);
	if (l->suppressed || l->known)
		fprintf(stdout, " (%u suppressed, %u in the baseline)", l->suppressed, l->known);
	fprintf(stdout, "; %u at or above --fail-on=%s", l->failing, drc_severity_to_string((enum drc_severity)ctl->fail_on));
	if (unmatched)
		fprintf(stdout, ", %u --device matching nothing", unmatched);
	fprintf(stdout, ": %s\n", l->failing || unmatched ? "FAIL" : "pass");
}

static int cmd_check(int argc, char **argv)
{
	struct check_ctl ctl = { .format = OUTPUT_TEXT, .fail_on = DRC_SEVERITY_ERROR };
	struct drc_ctx *ctx = NULL;
	struct suppressions *sup = NULL;
	struct baseline *base = NULL;
	struct finding_list l = { 0 };
	struct capture_opts copts;
	unsigned unmatched = 0;
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
	copts = (struct capture_opts){ .progress = -1, .quiet = ctl.quiet, .sel = &ctl.sel, .window = &ctl.window };
	ctl.view.inputs = argv + optind;
	ctl.view.ninputs = (unsigned)(argc - optind);
	if (ctl.devresd) {
		ctl.view.inputs = capture_devresd_inputs();
		ctl.view.ninputs = 1;
	}
	if ((ctl.devresd ? capture_load_devresd(ctx, &copts) : capture_load(ctx, argv + optind, ctl.view.ninputs, &copts)) < 0 ||
	    findings_collect(ctx, sup, &l) < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	r = check_empty(&ctl, ctx);
	if (r < 0) {
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	ctl.view.selectors = ctl.selectors;
	ctl.view.nselectors = ctl.nselectors;
	unmatched = device_selectors_unmatched(ctx, ctl.selectors, ctl.nselectors,
					       ctl.devresd ? "what devresd collected" : "the capture",
					       /* error= */ !ctl.allow_empty);
	if (ctl.allow_empty)
		unmatched = 0;  /* said, and accepted */
	/* keep the selected devices' findings, then judge them */
	{
		unsigned keep = 0, outside = 0;

		for (unsigned i = 0; i < l.n; i++) {
			struct finding_item it = l.items[i];

			if (!finding_selected(ctx, &ctl.view, it.f))
				continue;
			/* outside --since/--until: a suppression matching it is not stale */
			if (!capture_window_keeps(&ctl.window, it.f)) {
				if (it.suppressed)
					suppressions_mark_used(sup, it.f);
				outside++;
				continue;
			}
			if (ctl.allow_empty && strcmp(it.f->rule, "no-devres") == 0)
				continue;
			if (it.suppressed)
				suppressions_mark_used(sup, it.f);
			it.known = !it.suppressed && baseline_has(base, it.fingerprint);
			it.fails = !it.suppressed && !it.known && (int)it.f->severity >= ctl.fail_on;
			l.items[keep++] = it;
		}
		l.n = keep;
		finding_list_tally(&l);
		capture_window_say_dropped(outside);
	}
	/* a stale entry would hide the next regression it happens to match */
	suppressions_for_each_unused(sup, warn_unused, NULL);
	ctl.view.findings = &l;
	switch (ctl.format) {
	case OUTPUT_TEXT: {
		/* names from the capture: no control characters to the terminal */
		bool color = use_color();
		FILE *text;

		pager_open();
		text = text_filter_open(stdout, color);

		/* suppressed ones too, with their reason: what the run chose not to fail on */
		findings_print_text(text ? text : stdout, &l, color, /* show_suppressed= */ true,
				    output_columns());
		if (text)
			fclose(text);
		print_summary(&ctl, &l, unmatched);
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
	case OUTPUT_KCIDB:
		r = findings_print_kcidb(stdout, ctx, &ctl.view, &l, &ctl.kcidb, ctl.fail_on);
		break;
	}
	if (r >= 0 && fflush(stdout) != 0)
		r = -errno;
	if (r < 0) {
		log_error_errno(r, "cannot write the result");
		status = DEVRESCTL_EX_FAILURE;
		goto out;
	}
	/* a selection that judged nothing must not pass, as an empty capture does not */
	status = l.failing || unmatched ? DEVRESCTL_EX_FINDINGS : DEVRESCTL_EX_OK;
	r = 0;
out:
	finding_list_done(&l);
	suppressions_free(sup);
	baseline_free(base);
	drc_ctx_unref(ctx);
	free(ctl.selectors);
	free(ctl.engine.kb_files);
	free(ctl.suppress);
	capture_window_done(&ctl.window);
	return status;
}

const struct command command_check = {
	.name = "check",
	.synopsis = "[OPTIONS] CAPTURE... | --source=devresd",
	.summary = "judge captures for driver CI: findings and an exit code",
	.options = check_options,
	.min_args = 1,
	.max_args = ARGS_ANY,
	.run = cmd_check,
};
