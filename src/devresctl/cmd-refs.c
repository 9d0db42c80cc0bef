// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl refs DEVICE - who holds a device now: processes with its nodes
 * (or its children's) open or mapped, device links, children, the driver's
 * module and what holds it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "command.h"
#include "exit-codes.h"
#include "output.h"
#include "pager.h"
#include "selector.h"
#include "shared/log.h"
#include "sources/sysfs.h"

extern const struct command command_refs;

static const struct cli_option refs_options[] = {
	{ "format", 'f', required_argument, "FORMAT", "text, json, or lines: 'devresctl-refs:' lines to add to a capture", "text json lines" },
	NO_PAGER_OPTION,
	COMMON_OPTIONS,
	{}
};

struct refs_print {
	const char *device;
	bool lines, json;
	unsigned n;
};

static int print_ref(void *userdata, const struct proc_ref *ref)
{
	struct refs_print *p = userdata;
	char fd[16];

	if (!p->n++)
		printf("holders:\n  %-8s %-16s %-5s %s\n", "PID", "COMM", "FD", "PATH");
	if (ref->fd >= 0)
		snprintf(fd, sizeof(fd), "%d", ref->fd);
	else
		snprintf(fd, sizeof(fd), "mmap");
	printf("  %-8llu %-16s %-5s %s\n", (unsigned long long)ref->pid, ref->comm, fd, ref->path);
	return 0;
}

static int print_line(void *userdata, const char *line)
{
	(void)userdata;
	printf("%s\n", line);
	return 0;
}

static int print_child(void *userdata, const char *devpath)
{
	unsigned *n = userdata;
	char node[512];

	if (!(*n)++)
		printf("children:\n");
	if (sysfs_devnode(devpath, node, sizeof(node)) == 0)
		printf("  %s  (%s)\n", devpath, node);
	else
		printf("  %s\n", devpath);
	return 0;
}

static int print_link(void *userdata, const char *kind, const char *name)
{
	unsigned *n = userdata;

	if (!(*n)++)
		printf("links:\n");
	printf("  %-9s %s\n", kind, name);
	return 0;
}

static int print_component(void *userdata, const char *role, const char *other, const char *status)
{
	unsigned *n = userdata;

	if (!(*n)++)
		printf("components:\n");
	if (strcmp(role, "aggregate") == 0)
		printf("  aggregates %-30s %s\n", other, status);
	else
		printf("  part of    %-30s %s\n", other, status);
	return 0;
}

static int cmd_refs(int argc, char **argv)
{
	struct command_getopt g;
	struct sysfs_device dev;
	struct refs_print p = { 0 };
	unsigned denied = 0;
	int c, r, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(refs_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK && (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "lines") == 0)
				p.lines = true;
			else if (strcmp(optarg, "json") == 0)
				p.json = true;
			else if (strcmp(optarg, "text") != 0)
				status = usage_error(&command_refs, "invalid --format '%s': expected text, json or lines", optarg);
			break;
		default:
			if (command_common_option(&command_refs, c, optarg, NULL, NULL,
						  &status) == COMMAND_OPTION_HELP) {
				command_getopt_done(&g);
				return DEVRESCTL_EX_OK;
			}
			break;
		}
	}
	command_getopt_done(&g);
	if (status != DEVRESCTL_EX_OK)
		return status;
	status = command_check_args(&command_refs, (unsigned)(argc - optind));
	if (status != DEVRESCTL_EX_OK)
		return status;
	/* a name, SUBSYSTEM/NAME, a sysfs path or a /dev node, as udevadm takes them */
	if (device_select_live(argv[optind], &dev) < 0)
		return DEVRESCTL_EX_FAILURE;
	p.device = dev.name;
	if (p.json) {
		struct json_object *o = refs_json_device(&dev, &r);

		if (!o)
			return log_oom(), DEVRESCTL_EX_FAILURE;
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		if (r < 0) {
			log_error_errno(r, "cannot read the processes in /proc");
			return DEVRESCTL_EX_FAILURE;
		}
		return DEVRESCTL_EX_OK;
	}
	if (!p.lines) {
		struct module_info m;
		unsigned n = 0;

		pager_open();

		printf("%s  subsystem %s  driver %s\n  %s\n", dev.name, dev.subsystem[0] ? dev.subsystem : "-",
		       dev.driver[0] ? dev.driver : "- (unbound)", dev.devpath);
		if (dev.module[0] && sysfs_module_info(dev.module, &m) == 0) {
			printf("module: %s (%s", dev.module, m.state[0] ? m.state : "state unknown");
			if (m.refcnt >= 0)
				printf(", refcount %ld", m.refcnt);
			printf("%s%s)\n", m.holders[0] ? "; held by " : "", m.holders);
		} else if (dev.driver[0]) {
			printf("module: none (built in)\n");
		}
		sysfs_for_each_link(dev.devpath, print_link, &n);
		{
			char reason[512];

			if (sysfs_deferred_reason(dev.name, reason, sizeof(reason)) == 1)
				printf("deferred probe: %s\n", reason[0] ? reason : "(no reason given)");
		}
		n = 0;
		sysfs_for_each_component(dev.name, print_component, &n);
		n = 0;
		sysfs_for_each_descendant(dev.devpath, print_child, &n);
	}
	r = p.lines ? sysfs_device_ref_lines(dev.devpath, p.device, print_line, NULL, &denied) :
		      sysfs_device_refs(dev.devpath, print_ref, &p, &denied);
	if (r < 0) {
		log_error_errno(r, "cannot read the processes in /proc");
		return DEVRESCTL_EX_FAILURE;
	}
	if (!p.lines && !p.n)
		printf("holders: none\n");
	if (denied)
		log_warning("the open files of %u process%s could not be read: reading other users' "
			    "processes needs root (CAP_SYS_PTRACE)", denied, denied == 1 ? "" : "es");
	return DEVRESCTL_EX_OK;
}

const struct command command_refs = {
	.name = "refs",
	.synopsis = "[OPTIONS] DEVICE",
	.summary = "show who holds a device: open nodes, links, children, module",
	.options = refs_options,
	.min_args = 1,
	.max_args = 1,
	.run = cmd_refs,
};
