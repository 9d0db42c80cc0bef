// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl status - what this kernel can give, and the exact fix for each
 * missing piece; devresctl enable|disable - turn devres logging on or off.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "devresd/protocol.h"
#include "exit-codes.h"
#include "shared/log.h"
#include "shared/root.h"
#include "shared/jsonw.h"
#include "shared/macro.h"
#include "sources/kernel.h"

static bool arg_json;

extern const struct command command_status, command_enable, command_disable;

static const struct cli_option status_options[] = {
	{ "format", 'f', required_argument, "FORMAT", "output format: text or json (default: text)", "text json" },
	SOCKET_OPTION,
	COMMON_OPTIONS,
	{}
};

static const struct cli_option toggle_options[] = {
	{ "kmsg", 'k', no_argument, NULL, "the kernel log: /sys/module/devres/parameters/log" },
	{ "trace", 't', no_argument, NULL, "the dev:devres_log event in devresctl's own trace instance" },
	COMMON_OPTIONS,
	{}
};

/* Parses options without values; returns -1 after --help, or an exit code. */
static int parse_flags(const struct command *cmd, int argc, char **argv, bool *kmsg, bool *trace)
{
	struct command_getopt g;
	int c, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(cmd->options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK && (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			*kmsg = true;
			break;
		case 't':
			*trace = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)
				arg_json = optarg[0] == 'j';
			else
				status = usage_error(cmd, "invalid --format '%s': expected text or json", optarg);
			break;
		default:
			if (command_common_option(cmd, c, optarg, NULL, NULL,
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
	return command_check_args(cmd, (unsigned)(argc - optind));
}

static bool daemon_running(void)
{
	int fd = devresd_connect();

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* What status found, one row each; printed as text or JSON at the end. */
struct status_row {
	const char *key;        /* JSON key */
	const char *label;      /* text label */
	char value[4224];
	const char *fix;        /* what to do, or NULL */
};

struct status_out {
	struct status_row rows[16];
	unsigned n;
};

static void row(struct status_out *o, const char *key, const char *label, const char *value, const char *fix)
{
	struct status_row *r;

	if (o->n >= ARRAY_SIZE(o->rows))
		return;
	r = &o->rows[o->n++];
	r->key = key;
	r->label = label;
	snprintf(r->value, sizeof(r->value), "%s", value);
	r->fix = fix;
}

static int print_json(const struct status_out *o, bool kmsg_ready, bool trace_ready)
{
	struct strbuf b = STRBUF_INIT;
	struct jw w;
	int r;

	jw_init(&w, &b, true, 0);
	jw_object_begin(&w);
	jw_kbool(&w, "ready", kmsg_ready || trace_ready);
	jw_key(&w, "carriers");
	jw_array_begin(&w);
	if (kmsg_ready)
		jw_string(&w, "kmsg");
	if (trace_ready)
		jw_string(&w, "trace");
	jw_array_end(&w);
	jw_key(&w, "checks");
	jw_array_begin(&w);
	for (unsigned i = 0; i < o->n; i++) {
		jw_object_begin(&w);
		jw_kstring(&w, "check", o->rows[i].key);
		jw_kstring(&w, "value", o->rows[i].value);
		jw_kstring(&w, "fix", o->rows[i].fix);
		jw_object_end(&w);
	}
	jw_array_end(&w);
	jw_object_end(&w);
	r = jw_error(&w);
	if (r == 0)
		printf("%s\n", strbuf_str(&b));
	strbuf_done(&b);
	return r < 0 ? log_oom() : 0;
}

static void print_text(const struct status_out *o, bool kmsg_ready, bool trace_ready)
{
	for (unsigned i = 0; i < o->n; i++) {
		printf("%-22s %s\n", o->rows[i].label, o->rows[i].value);
		if (o->rows[i].fix)
			printf("%-22s   fix: %s\n", "", o->rows[i].fix);
	}
	printf("\n%s\n", kmsg_ready && trace_ready ? "ready: the kernel log and the trace instance carry devres operations" :
		       kmsg_ready ? "ready: the kernel log carries devres operations" :
		       trace_ready ? "ready: the trace instance carries devres operations" :
				     "not ready: nothing carries devres operations yet");
}

static int cmd_status(int argc, char **argv)
{
	struct kernel_caps c;
	struct status_out o = { .n = 0 };
	bool kmsg = false, trace = false, kmsg_ready, trace_ready, daemon;
	char buf[4200];
	int status = parse_flags(&command_status, argc, argv, &kmsg, &trace);

	if (status < 0)
		return DEVRESCTL_EX_OK;
	if (status != DEVRESCTL_EX_OK)
		return status;
	kernel_caps_read(&c);
	if (!c.release[0] && !c.kmsg_present && !c.tracefs) {
		log_error("no kernel interfaces below '%s': /proc, /sys and /dev are not there",
			  root_is_real() ? "/" : root_dir());
		return DEVRESCTL_EX_FAILURE;
	}
	row(&o, "kernel", "kernel", c.release[0] ? c.release : "unknown (/proc/sys/kernel/osrelease unreadable)", NULL);
	row(&o, "debug-devres", "CONFIG_DEBUG_DEVRES", c.debug_devres ? "yes" : "no",
	    c.debug_devres ? NULL : "build the kernel with CONFIG_DEBUG_DEVRES=y, or use the dev:devres_log "
				   "trace event (devresctl enable --trace)");
	if (c.debug_devres)
		row(&o, "devres-log", "devres.log", c.devres_log == 1 ? "on" : c.devres_log == 0 ? "off" : "unreadable",
		    c.devres_log == 1 ? NULL :
		    c.param_writable ? "devresctl enable --kmsg (or devres.log=1 on the kernel command line)" :
				       "as root: devresctl enable --kmsg (or devres.log=1 on the kernel command line)");
	row(&o, "kernel-log", "kernel log", !c.kmsg_present ? "no /dev/kmsg" : c.kmsg_readable ? "readable" : "not readable",
	    !c.kmsg_present || c.kmsg_readable ? NULL :
	    "reading /dev/kmsg needs CAP_SYSLOG (run as root), or set kernel.dmesg_restrict=0");
	row(&o, "pointers", "pointers in the log", c.no_hash_pointers ? "raw (no_hash_pointers)" : "hashed",
	    c.no_hash_pointers ? NULL :
	    "ids are hashes: groups pair by list order; for exact pairing use the trace instance "
	    "(raw pointers) or boot with no_hash_pointers");
	row(&o, "tracefs", "tracefs", c.tracefs ? c.tracefs : c.tracefs_denied ? "not readable" : "not mounted",
	    c.tracefs ? NULL : c.tracefs_denied ? "reading tracefs needs root" :
	    "mount -t tracefs nodev /sys/kernel/tracing");
	if (c.tracefs) {
		row(&o, "tracepoint", "dev:devres_log event", c.tracepoint ? "present" : "absent",
		    c.tracepoint ? NULL : "Linux 5.14 or later with CONFIG_EVENT_TRACING has it");
		if (c.tracepoint) {
			snprintf(buf, sizeof(buf), "%s%s", kernel_trace_made_per_run(&c) ? "made for each run" :
				 !c.instance ? "not created" :
				 c.instance_enabled == 1 ? "enabled" : "created, event off",
				 c.instance && c.hash_ptr == 0 ? ", raw pointers" :
				 c.instance && c.hash_ptr == 1 ? ", hashed pointers" : "");
			row(&o, "trace-instance", "trace instance", buf,
			    c.instance_enabled == 1 || kernel_trace_made_per_run(&c) ? NULL :
			    c.tracefs_writable ? "devresctl enable --trace" : "as root: devresctl enable --trace");
		}
	}
	daemon = daemon_running();
	snprintf(buf, sizeof(buf), "running (%s)", devresd_socket_name());
	row(&o, "devresd", "devresd", daemon ? buf : "not running",
	    daemon ? NULL : "systemctl start devresd (or devresd --daemon); watch and record also read the kernel themselves");
	kmsg_ready = c.devres_log == 1 && c.kmsg_readable;
	trace_ready = c.instance_enabled == 1 || kernel_trace_made_per_run(&c);
	if (arg_json) {
		if (print_json(&o, kmsg_ready, trace_ready) < 0)
			return DEVRESCTL_EX_FAILURE;
	} else {
		print_text(&o, kmsg_ready, trace_ready);
	}
	/* scripts gate on it: 1 when nothing carries devres operations */
	return kmsg_ready || trace_ready ? DEVRESCTL_EX_OK : DEVRESCTL_EX_FINDINGS;
}

static int toggle(const struct command *cmd, int argc, char **argv, bool on)
{
	struct kernel_caps c;
	bool kmsg = false, trace = false;
	int status = parse_flags(cmd, argc, argv, &kmsg, &trace), r;

	if (status < 0)
		return DEVRESCTL_EX_OK;
	if (status != DEVRESCTL_EX_OK)
		return status;
	kernel_caps_read(&c);
	if (!kmsg && !trace) {
		/* both, where the kernel has them */
		kmsg = c.debug_devres;
		trace = c.tracepoint;
		if (!kmsg && !trace && c.tracefs_denied) {
			log_error("tracefs is not readable: turning devres logging on needs root");
			return DEVRESCTL_EX_FAILURE;
		}
		if (!kmsg && !trace) {
			log_error("this kernel has neither CONFIG_DEBUG_DEVRES nor the dev:devres_log trace event "
				  "(devresctl status says what it has)");
			return DEVRESCTL_EX_FAILURE;
		}
	}
	status = DEVRESCTL_EX_OK;
	if (kmsg) {
		r = kernel_devres_log_set(on);
		if (r == -ENOENT) {
			log_error("this kernel has no CONFIG_DEBUG_DEVRES: %s does not exist", DEVRES_LOG_PARAM);
			status = DEVRESCTL_EX_FAILURE;
		} else if (r == -EACCES || r == -EPERM) {
			log_error("writing %s needs root (CAP_SYS_ADMIN)", DEVRES_LOG_PARAM);
			status = DEVRESCTL_EX_FAILURE;
		} else if (r < 0) {
			log_error_errno(r, "cannot write %s", DEVRES_LOG_PARAM);
			status = DEVRESCTL_EX_FAILURE;
		} else {
			log_info("devres logging to the kernel log %s", on ? "on" : "off");
		}
	}
	if (trace) {
		r = on ? kernel_trace_instance_enable() : kernel_trace_instance_disable();
		if (r == -ENOENT && !c.tracefs) {
			log_error("tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing");
			status = DEVRESCTL_EX_FAILURE;
		} else if (r == -EOPNOTSUPP) {
			log_error("this kernel has no dev:devres_log trace event (Linux 5.14 or later has it)");
			status = DEVRESCTL_EX_FAILURE;
		} else if (r == -EACCES || r == -EPERM) {
			log_error("changing trace instances needs root (CAP_SYS_ADMIN)");
			status = DEVRESCTL_EX_FAILURE;
		} else if (r < 0 && on) {
			log_error_errno(r, "cannot set up the trace instance '%s'", TRACE_INSTANCE);
			status = DEVRESCTL_EX_FAILURE;
		} else if (r < 0) {
			log_warning("the event is off, but the trace instance '%s' could not be removed: %s",
				    TRACE_INSTANCE, strerror(-r));
		} else {
			log_info("dev:devres_log in trace instance '%s' %s", TRACE_INSTANCE, on ? "on" : "off, instance removed");
		}
	}
	return status;
}

static int cmd_enable(int argc, char **argv)
{
	return toggle(&command_enable, argc, argv, true);
}

static int cmd_disable(int argc, char **argv)
{
	return toggle(&command_disable, argc, argv, false);
}

const struct command command_status = {
	.name = "status",
	.synopsis = "[OPTIONS]",
	.summary = "show what this kernel can give and how to get the rest",
	.options = status_options,
	.run = cmd_status,
};

const struct command command_enable = {
	.name = "enable",
	.synopsis = "[--kmsg] [--trace]",
	.summary = "turn devres logging on (both ways the kernel has, by default)",
	.options = toggle_options,
	.run = cmd_enable,
};

const struct command command_disable = {
	.name = "disable",
	.synopsis = "[--kmsg] [--trace]",
	.summary = "turn devres logging off and remove the trace instance",
	.options = toggle_options,
	.run = cmd_disable,
};
