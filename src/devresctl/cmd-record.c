// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl record - the live sources merged into one capture: kernel log
 * records, devresctl's trace instance, udev events, and the references
 * read when a device unbinds. The file is what report, check and watch
 * read; replayed, it gives exactly what was seen live.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "exit-codes.h"
#include "live-loop.h"
#include "record.h"
#include "selector.h"
#include "shared/log.h"
#include "sources/kernel.h"
#include "sources/live.h"

enum { OPT_SINCE_BOOT = OPT_COMMAND, OPT_NO_KMSG, OPT_NO_TRACE, OPT_NO_UDEV, OPT_UEVENTS };

extern const struct command command_record;

static const struct cli_option record_options[] = {
	{ "output", 'o', required_argument, "FILE", "write the capture to FILE ('-': standard output)" },
	{ "duration", 't', required_argument, "SECONDS", "stop after SECONDS (default: at SIGINT or SIGTERM)" },
	{ "device", 'd', required_argument, "DEVICE", "keep the devres lines and udev events of these devices only (as for report); repeatable" },
	{ "since-boot", OPT_SINCE_BOOT, no_argument, NULL, "start with the oldest record of the kernel log, not with now" },
	{ "no-kmsg", OPT_NO_KMSG, no_argument, NULL, "do not read /dev/kmsg" },
	{ "no-trace", OPT_NO_TRACE, no_argument, NULL, "do not read the trace instance" },
	{ "no-udev", OPT_NO_UDEV, no_argument, NULL, "do not listen to udev events" },
	{ "uevents", OPT_UEVENTS, required_argument, "FROM", "kernel (the default: no udevd needed) or udev (after its rules)", "kernel udev" },
	COMMON_OPTIONS,
	{}
};

/* ---- the device filter ---- */

/* The device a devres line, trace line or refs line is about, or NULL. */
static const char *line_device(const char *line, size_t len, char *buf, size_t size)
{
	const char *p, *start, *end;

	if ((p = memmem(line, len, ": DEVRES ", 9))) {
		end = p;
		start = p;
		while (start > line && start[-1] != ' ' && start[-1] != ';')
			start--;
	} else if ((p = memmem(line, len, "devres_log: ", 12)) || (p = memmem(line, len, "devresctl-refs: ", 16))) {
		start = p[7] == 'l' ? p + 16 : p + 12;
		end = memchr(start, ' ', (size_t)(line + len - start));
		if (!end)
			end = line + len;
	} else {
		return NULL;
	}
	snprintf(buf, size, "%.*s", (int)(end - start), start);
	return buf;
}

static bool device_wanted(const struct record_filter *f, const char *device)
{
	for (unsigned i = 0; i < f->npatterns; i++)
		if (fnmatch(f->patterns[i], device, 0) == 0)
			return true;
	return false;
}

bool record_filter_keep(struct record_filter *f, const char *line, size_t len)
{
	char dev[256];
	const char *d;

	if (!f->npatterns)
		return true;
	/* the lines that belong to the previous one: kmsg dictionary, udev properties */
	if (f->in_udev_block) {
		if (len == 0)
			f->in_udev_block = false;
		return f->keep_block;
	}
	if (len && line[0] == ' ')
		return f->keep_block;
	if (len > 8 && (memcmp(line, "KERNEL[", 7) == 0 || memcmp(line, "UDEV  [", 7) == 0)) {
		const char *paren = memrchr(line, '(', len), *slash;

		f->in_udev_block = true;
		slash = paren ? memrchr(line, '/', (size_t)(paren - line)) : NULL;
		/* modules are kept: module-gone needs their removal, whatever the device */
		if (!slash || paren - slash < 3 || (line + len - paren == 8 && memcmp(paren, "(module)", 8) == 0)) {
			f->keep_block = true;
			return true;
		}
		snprintf(dev, sizeof(dev), "%.*s", (int)(paren - slash - 2), slash + 1);
		f->keep_block = device_wanted(f, dev);
		return f->keep_block;
	}
	d = line_device(line, len, dev, sizeof(dev));
	f->keep_block = !d || device_wanted(f, d);
	return f->keep_block;
}

/* ---- recording ---- */

static int write_line(void *userdata, const char *line, size_t len)
{
	struct recorder *rec = userdata;

	if (!record_filter_keep(&rec->filter, line, len))
		return 0;
	if (fwrite(line, 1, len, rec->out) != len || fputc('\n', rec->out) == EOF)
		return -errno ? -errno : -EIO;
	rec->lines++;
	/* the operations each witness gave, for the closing count */
	if (memmem(line, len, ": DEVRES ", 9))
		rec->kmsg_ops++;
	else if (memmem(line, len, ": devres_log: ", 14))
		rec->trace_ops++;
	return 0;
}

int record_run(struct recorder *rec, const struct live_opts *o, double duration, live_tick_fn tick,
	       void *userdata)
{
	char where[1024];
	struct live_loop lp = {
		.opts = o, .line = write_line, .userdata = rec, .out = rec->out, .out_name = rec->path,
		.duration = duration, .tick = tick, .tick_data = userdata,
		.nothing_to = "record from", .not_done = "recorded", .doing = "recording", .doing_where = where,
	};
	int r;

	snprintf(where, sizeof(where), " to %s", rec->path);
	r = live_loop_run(&lp);
	rec->kmsg_lost = lp.stats.kmsg_lost;
	rec->kmsg_lost_unknown = lp.stats.kmsg_lost_unknown;
	rec->trace_lost = lp.stats.trace_lost;
	rec->trace_lost_unknown = lp.stats.trace_lost_unknown;
	rec->udev_overflows = lp.stats.udev_overflows;
	return r;
}

static int cmd_record(int argc, char **argv)
{
	struct command_getopt g;
	struct live_opts o = { .kmsg = true, .trace = true, .udev = true, .refs_on_unbind = true, .version_line = true };
	struct recorder rec = { 0 };
	const char *output = NULL;
	struct device_selector *sels = NULL;
	unsigned nsels = 0;
	double duration = 0;
	int c, r, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(record_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK && (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 't':
			if (parse_positive(optarg, DURATION_MAX, &duration) < 0)
				status = usage_error(&command_record, "invalid --duration '%s': expected seconds above 0", optarg);
			break;
		case 'd':
			r = device_selector_add(&sels, &nsels, optarg);
			if (r < 0)
				status = r == -EINVAL ? DEVRESCTL_EX_USAGE : DEVRESCTL_EX_FAILURE;
			break;
		case OPT_SINCE_BOOT:
			o.since_boot = true;
			break;
		case OPT_NO_KMSG:
			o.kmsg = false;
			break;
		case OPT_NO_TRACE:
			o.trace = false;
			break;
		case OPT_NO_UDEV:
			o.udev = false;
			break;
		case OPT_UEVENTS:
			if (live_parse_uevents(optarg, &o) < 0)
				status = usage_error(&command_record, "invalid --uevents '%s': expected kernel or udev", optarg);
			break;
		default:
			if (command_common_option(&command_record, c, optarg, NULL, NULL,
						  &status) == COMMAND_OPTION_HELP) {
				command_getopt_done(&g);
				free(sels);
				return DEVRESCTL_EX_OK;
			}
			break;
		}
	}
	command_getopt_done(&g);
	if (status == DEVRESCTL_EX_OK)
		status = command_check_args(&command_record, (unsigned)(argc - optind));
	if (status == DEVRESCTL_EX_OK && !output)
		status = usage_error(&command_record, "missing -o FILE");
	if (status != DEVRESCTL_EX_OK)
		goto out;
	/* the kernel's lines name a device, not its bus: kept by the name */
	for (unsigned i = 0; i < nsels; i++)
		for (unsigned j = 0; j < sels[i].n; j++)
			if (command_push_arg(&rec.filter.patterns, &rec.filter.npatterns, sels[i].t[j].name) < 0) {
				status = DEVRESCTL_EX_FAILURE;
				goto out;
			}
	rec.path = output;
	if (strcmp(output, "-") == 0) {
		rec.out = stdout;
	} else {
		int fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);  /* raw kernel pointers */
		rec.out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!rec.out) {
			log_error_errno(-errno, "cannot create '%s'", output);
			status = DEVRESCTL_EX_FAILURE;
			goto out;
		}
	}
	/* written at every dispatch: in blocks, not a write() per 4 KiB (on a
	 * rig whose root is hostfs each write is a round trip to the host) */
	setvbuf(rec.out, NULL, _IOFBF, 1 << 20);
	{
		struct kernel_caps caps;

		kernel_caps_read(&caps);
		if ((o.kmsg || o.trace) && !kernel_devres_carried(&caps))
			log_warning("devres.log is off and the trace instance is not enabled: the recording will hold "
				    "no devres operation ('devresctl enable' turns them on)");
	}
	r = record_run(&rec, &o, duration, NULL, NULL);
	if (rec.out != stdout && fclose(rec.out) != 0 && r >= 0)
		r = log_error_errno(-errno, "cannot write '%s'", output);
	if (r < 0)
		status = DEVRESCTL_EX_FAILURE;
	else
		log_info("%" PRIu64 " lines recorded to %s: %" PRIu64 " devres operations from the kernel log, %" PRIu64
			 " from the trace; lost: %" PRIu64 " kernel log records, %" PRIu64 " trace events%s",
			 rec.lines, output, rec.kmsg_ops, rec.trace_ops, rec.kmsg_lost, rec.trace_lost,
			 rec.kmsg_lost_unknown || rec.trace_lost_unknown ? " and some of unknown count" : "");
out:
	free(rec.filter.patterns);
	free(sels);
	return status;
}

const struct command command_record = {
	.name = "record",
	.synopsis = "[OPTIONS] -o FILE",
	.summary = "record the live sources into one capture",
	.options = record_options,
	.run = cmd_record,
};
