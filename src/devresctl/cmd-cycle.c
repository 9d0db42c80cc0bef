// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl cycle DEVICE - unbind and bind a device N times through sysfs
 * while recording, then judge the recording: the findings of each cycle,
 * and whether what stays behind grows from cycle to cycle.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "command.h"
#include "exit-codes.h"
#include "output.h"
#include "record.h"
#include "selector.h"
#include "shared/log.h"
#include "shared/clock.h"
#include "shared/root.h"
#include "sources/kernel.h"
#include "sources/sysfs.h"

enum { OPT_FORCE = OPT_COMMAND, OPT_SETTLE, OPT_FAIL_ON, OPT_DRY_RUN };

extern const struct command command_cycle;

static const struct cli_option cycle_options[] = {
	{ "count", 'n', required_argument, "N", "unbind and bind N times (default: 3)" },
	{ "output", 'o', required_argument, "FILE", "keep the recording in FILE (default: a temporary file)" },
	{ "settle", OPT_SETTLE, required_argument, "SECONDS", "wait this long after each unbind and bind (default: 1)" },
	{ "fail-on", OPT_FAIL_ON, required_argument, "SEVERITY", "exit 1 on findings at or above: info, warning, error (default)", "error warning info" },
	{ "force", OPT_FORCE, no_argument, NULL, "cycle even a device the machine needs (a mounted filesystem, swap, "
	  "a network interface that is up, a console, a vsock transport)" },
	{ "dry-run", OPT_DRY_RUN, no_argument, NULL, "say what would be unbound and whether it is safe; change nothing" },
	{ "format", 'f', required_argument, "FORMAT", "output format: text or json (default: text)", "text json" },
	{ "kb", OPT_KB, required_argument, "FILE", "read another knowledge-base file; repeatable" },
	COMMON_OPTIONS,
	{}
};

#define CYCLES_MAX 10000

struct cycler {
	struct recorder *rec;
	char unbind[1200], bind[1200];
	const char *device;
	unsigned n, done;
	unsigned requested;     /* -n; n becomes the cycles done */
	bool unbound;
	double settle;
	uint64_t next_at;
	uint64_t *starts;       /* recording line where cycle i begins */
	int error;
};

/* What unbinding the device takes from the machine (sysfs_for_each_vital). */
struct vitals {
	char list[4096];        /* "the root filesystem (on vda1), the console (ttyS0)" */
	unsigned n;
	bool print;             /* --dry-run: one line each */
};

static int add_vital(void *userdata, const struct sysfs_vital *v)
{
	struct vitals *vs = userdata;
	size_t len = strlen(vs->list);

	if (strstr(vs->list, v->what))
		return 0;       /* the same, through another path (a bind mount, two consoles) */
	if (len < sizeof(vs->list) - 1)
		snprintf(vs->list + len, sizeof(vs->list) - len, "%s%s", vs->n ? ", " : "", v->what);
	vs->n++;
	if (vs->print)
		printf("  not safe: it holds %s: %s\n", v->what, v->holder);
	return 0;
}

static int print_below(void *userdata, const char *devpath)
{
	struct sysfs_device d;
	unsigned *n = userdata;

	if (sysfs_device_read(devpath, &d) < 0 || !d.driver[0])
		return 0;
	if (!(*n)++)
		printf("  the devices below it go with it:\n");
	printf("    %s (%s%s%s)\n", d.name, d.driver, d.subsystem[0] ? ", " : "", d.subsystem);
	return 0;
}

/* --dry-run: what would be written, what goes with it, and whether it is safe */
static int dry_run(const struct sysfs_device *dev, const char *unbind, const char *bind, unsigned n, bool force,
		   bool carried)
{
	struct vitals vs = { .print = true };
	unsigned below = 0;
	int r;

	printf("cycle %s (driver %s, %s): %u time%s\n", dev->name, dev->driver, dev->devpath, n, n == 1 ? "" : "s");
	printf("  would write '%s' to %s, then to %s\n", dev->name, unbind, bind);
	sysfs_for_each_descendant(dev->devpath, print_below, &below);
	r = sysfs_for_each_vital(dev->devpath, add_vital, &vs);
	if (r < 0)
		return log_error_errno(r, "cannot tell what %s holds", dev->name);
	if (!vs.n)
		printf("  safe: it holds no mounted filesystem, active swap, network interface that is up, console, "
		       "vsock transport or guest agent port\n");
	if (!carried)
		printf("  devres operations are not carried (devres.log off, no trace instance): cycle would refuse "
		       "to run blind; 'devresctl enable' first\n");
	if (vs.n && force)
		printf("cycle would unbind it anyway (--force)\n");
	else if (vs.n)
		printf("cycle would refuse: --force does it anyway\n");
	return vs.n && !force ? -EPERM : !carried ? -ENODEV : 0;
}

static int cycle_tick(void *userdata)
{
	struct cycler *c = userdata;
	uint64_t now = now_msec();
	int r;

	if (now < c->next_at)
		return 0;
	if (!c->unbound && c->done == c->n)
		return 1;       /* the last bind has settled */
	if (!c->unbound) {
		fflush(c->rec->out);
		c->starts[c->done] = c->rec->lines + 1;
		log_info("cycle %u/%u: unbinding %s", c->done + 1, c->n, c->device);
		r = root_write(c->unbind, c->device);
	} else {
		r = root_write(c->bind, c->device);
		c->done++;
	}
	if (r < 0) {
		log_error_errno(r, "cannot write '%s' to %s", c->device, c->unbound ? c->bind : c->unbind);
		c->error = r;
		return 1;
	}
	c->unbound = !c->unbound;
	c->next_at = now + (uint64_t)(c->settle * 1000);
	return 0;
}

/* The cycle a finding's first evidence line falls in: 0 before the first
 * unbind, n + 1 for a finding about the cycles together (no line). */
static unsigned cycle_of(const struct cycler *c, const struct drc_finding *f)
{
	uint64_t line = f->n_evidence ? f->evidence[0].line : 0;
	unsigned i = c->n;

	if (!f->n_evidence)
		return c->n + 1;
	while (i > 0 && line < c->starts[i - 1])
		i--;
	return i;       /* 0: before the first unbind */
}

/* The findings of @l that fall in cycle @cy (0: before the first unbind,
 * n + 1: about the cycles together), into @part (room for l->n). */
static void cycle_part(const struct cycler *c, const struct finding_list *l, unsigned cy, struct finding_list *part)
{
	part->n = 0;
	for (unsigned i = 0; i < l->n; i++)
		if (cycle_of(c, l->items[i].f) == cy)
			part->items[part->n++] = l->items[i];
	finding_list_tally(part);
}

static void print_cycles(const struct cycler *c, struct finding_list *l, int fail_on, uint64_t ops)
{
	struct finding_list part = { 0 };

	part.items = calloc(l->n ? l->n : 1, sizeof(*part.items));
	if (!part.items) {
		log_oom();
		return;
	}
	for (unsigned cy = 0; cy <= c->n + 1; cy++) {
		cycle_part(c, l, cy, &part);
		if ((cy == 0 || cy > c->n) && !part.n)
			continue;
		if (cy == 0)
			printf("== before the first unbind: %u finding%s ==\n\n", part.n, part.n == 1 ? "" : "s");
		else if (cy > c->n)
			printf("== across the cycles: %u finding%s ==\n\n", part.n, part.n == 1 ? "" : "s");
		else
			printf("== cycle %u (from line %" PRIu64 "): %u finding%s ==\n\n", cy, c->starts[cy - 1], part.n,
			       part.n == 1 ? "" : "s");
		findings_print_text(stdout, &part, use_color(), false, output_columns());
		if (!part.n)
			printf("\n");
	}
	free(part.items);
	if (!ops)
		printf("No devres operation was seen: the driver uses no devm_*() resources, or they were not logged.\n");
	printf("%u cycle%s of %s, %" PRIu64 " devres operation%s; %u error%s, %u warning%s, %u info; %u at or above "
	       "--fail-on=%s: %s\n", c->n, c->n == 1 ? "" : "s", c->device, ops, ops == 1 ? "" : "s",
	       l->by_severity[DRC_SEVERITY_ERROR],
	       l->by_severity[DRC_SEVERITY_ERROR] == 1 ? "" : "s", l->by_severity[DRC_SEVERITY_WARNING],
	       l->by_severity[DRC_SEVERITY_WARNING] == 1 ? "" : "s", l->by_severity[DRC_SEVERITY_INFO], l->failing,
	       drc_severity_to_string((enum drc_severity)fail_on), l->failing ? "FAIL" : "pass");
}

/* --format=json: one object, the findings of each cycle (devresctl(8), cycle). */
static int print_cycles_json(const struct cycler *c, const struct sysfs_device *dev, const char *recording,
			     struct finding_list *l, int fail_on, uint64_t ops)
{
	struct finding_list part = { 0 };
	struct json_object *o = json_object_new_object(), *cycles = json_object_new_array(), *counts;
	int r = 0;

	part.items = calloc(l->n ? l->n : 1, sizeof(*part.items));
	if (!part.items || !o || !cycles) {
		free(part.items);
		json_object_put(o);
		json_object_put(cycles);
		return log_oom();
	}
	json_object_object_add(o, "device", json_string_valid(dev->name));
	json_object_object_add(o, "subsystem", json_string_valid(dev->subsystem));
	json_object_object_add(o, "driver", json_string_valid(dev->driver));
	json_object_object_add(o, "devpath", json_string_valid(dev->devpath));
	json_object_object_add(o, "cycles_done", json_object_new_int((int)c->n));
	json_object_object_add(o, "cycles_requested", json_object_new_int((int)c->requested));
	json_object_object_add(o, "recording", recording ? json_string_valid(recording) : NULL);
	json_object_object_add(o, "devres_events", json_object_new_int64((int64_t)ops));
	cycle_part(c, l, 0, &part);
	json_object_object_add(o, "before", findings_to_json(&part));
	for (unsigned cy = 1; cy <= c->n; cy++) {
		struct json_object *one = json_object_new_object();

		cycle_part(c, l, cy, &part);
		json_object_object_add(one, "cycle", json_object_new_int((int)cy));
		json_object_object_add(one, "first_line", json_object_new_int64((int64_t)c->starts[cy - 1]));
		json_object_object_add(one, "errors", json_object_new_int((int)part.by_severity[DRC_SEVERITY_ERROR]));
		json_object_object_add(one, "warnings", json_object_new_int((int)part.by_severity[DRC_SEVERITY_WARNING]));
		json_object_object_add(one, "info", json_object_new_int((int)part.by_severity[DRC_SEVERITY_INFO]));
		json_object_object_add(one, "findings", findings_to_json(&part));
		json_object_array_add(cycles, one);
	}
	json_object_object_add(o, "cycles", cycles);
	cycle_part(c, l, c->n + 1, &part);
	json_object_object_add(o, "across", findings_to_json(&part));
	counts = json_object_new_object();
	json_object_object_add(counts, "errors", json_object_new_int((int)l->by_severity[DRC_SEVERITY_ERROR]));
	json_object_object_add(counts, "warnings", json_object_new_int((int)l->by_severity[DRC_SEVERITY_WARNING]));
	json_object_object_add(counts, "info", json_object_new_int((int)l->by_severity[DRC_SEVERITY_INFO]));
	json_object_object_add(counts, "failing", json_object_new_int((int)l->failing));
	json_object_object_add(o, "totals", counts);
	json_object_object_add(o, "fail_on", json_object_new_string(drc_severity_to_string((enum drc_severity)fail_on)));
	json_object_object_add(o, "result", json_object_new_string(l->failing ? "fail" : "pass"));
	if (printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		r = -errno;
	json_object_put(o);
	free(part.items);
	return r;
}

static int cmd_cycle(int argc, char **argv)
{
	struct command_getopt g;
	struct live_opts o = { .kmsg = true, .trace = true, .udev = true, .refs_on_unbind = true, .version_line = true };
	struct engine_opts engine = { 0 };
	struct recorder rec = { 0 };
	struct cycler cy = { .rec = &rec, .n = 3, .settle = 1.0 };
	struct sysfs_device dev;
	struct finding_list l = { 0 };
	struct drc_ctx *ctx = NULL;
	const char *output = NULL;
	struct vitals vs = { 0 };
	char tmp[4096], *path;
	int c, r, fail_on = DRC_SEVERITY_ERROR, status = DEVRESCTL_EX_OK;
	bool force = false, quiet = false, made_tmp = false, dry = false, json = false;

	if (command_getopt_init(cycle_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK && (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'n': {
			unsigned long v = 0;

			if (parse_ulong(optarg, 1, CYCLES_MAX, &v) < 0)
				status = usage_error(&command_cycle, "invalid --count '%s': expected 1 to %d", optarg, CYCLES_MAX);
			cy.n = (unsigned)v;
			break;
		}
		case 'o':
			output = optarg;
			break;
		case OPT_SETTLE:
			if (parse_positive(optarg, DURATION_MAX, &cy.settle) < 0)
				status = usage_error(&command_cycle, "invalid --settle '%s': expected seconds above 0", optarg);
			break;
		case OPT_FAIL_ON:
			fail_on = drc_severity_from_string(optarg);
			if (fail_on < 0)
				status = usage_error(&command_cycle, "invalid --fail-on '%s': expected info, warning or error", optarg);
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_DRY_RUN:
			dry = true;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0 || strcmp(optarg, "json") == 0)
				json = optarg[0] == 'j';
			else
				status = usage_error(&command_cycle, "invalid --format '%s': expected text or json", optarg);
			break;
		default:
			if (command_common_option(&command_cycle, c, optarg, &engine, &quiet,
						  &status) == COMMAND_OPTION_HELP) {
				command_getopt_done(&g);
				return DEVRESCTL_EX_OK;
			}
			break;
		}
	}
	command_getopt_done(&g);
	if (status == DEVRESCTL_EX_OK && dry && json)
		status = usage_error(&command_cycle, "--dry-run prints text: no --format=json with it");
	if (status == DEVRESCTL_EX_OK)
		status = command_check_args(&command_cycle, (unsigned)(argc - optind));
	if (status != DEVRESCTL_EX_OK)
		goto out;
	status = DEVRESCTL_EX_FAILURE;
	cy.requested = cy.n;
	/* a name, SUBSYSTEM/NAME, a sysfs path or a /dev node, as udevadm takes them */
	if (device_select_live(argv[optind], &dev) < 0)
		goto out;
	if (!dev.driver[0] && sysfs_device_is_class(dev.devpath)) {
		/* no driver binds a class device (a /dev node's): its bus device provides it */
		struct sysfs_device parent;

		if (sysfs_device_bound_parent(dev.devpath, &parent) < 0) {
			log_error("%s is a %s class device, and no device above it is bound to a driver: nothing to unbind",
				  dev.name, dev.subsystem);
			goto out;
		}
		log_info("%s is a %s class device: cycling %s (driver %s), which provides it", dev.name,
			 dev.subsystem, parent.name, parent.driver);
		dev = parent;
	}
	cy.device = dev.name;   /* what unbind and bind take: the kernel's name */
	if (!dev.driver[0] || !dev.subsystem[0]) {
		log_error("%s is not bound to a driver: nothing to unbind", cy.device);
		goto out;
	}
	snprintf(cy.unbind, sizeof(cy.unbind), "/sys/bus/%s/drivers/%s/unbind", dev.subsystem, dev.driver);
	snprintf(cy.bind, sizeof(cy.bind), "/sys/bus/%s/drivers/%s/bind", dev.subsystem, dev.driver);
	if (!root_exists(cy.unbind)) {
		log_error("%s does not exist: %s's driver cannot be unbound through sysfs", cy.unbind, cy.device);
		goto out;
	}
	{
		struct kernel_caps caps;

		kernel_caps_read(&caps);
		if (dry) {
			r = dry_run(&dev, cy.unbind, cy.bind, cy.n, force, kernel_devres_carried(&caps));
			status = r == 0 ? DEVRESCTL_EX_OK : DEVRESCTL_EX_FAILURE;
			goto out;
		}
		r = sysfs_for_each_vital(dev.devpath, add_vital, &vs);
		if (r < 0) {
			log_error_errno(r, "cannot tell what %s holds", cy.device);
			goto out;
		}
		if (vs.n && !force) {
			log_error("refusing to unbind %s: it holds %s; --force does it anyway", cy.device, vs.list);
			goto out;
		}
		if (vs.n)
			log_warning("unbinding %s although it holds %s (--force)", cy.device, vs.list);
		/* without a witness the cycles would pass blind */
		if (!kernel_devres_carried(&caps)) {
			log_error("nothing carries devres operations: devres.log is off and the trace instance is "
				  "not enabled; run 'devresctl enable' first ('devresctl status' says what is missing)");
			goto out;
		}
	}
	cy.starts = calloc(cy.n, sizeof(*cy.starts));
	if (!cy.starts) {
		log_oom();
		goto out;
	}
	if (output) {
		path = (char *)output;
		rec.out = fopen(output, "we");
	} else {
		const char *dir = getenv("TMPDIR");
		int fd;

		snprintf(tmp, sizeof(tmp), "%s/devresctl-cycle-XXXXXX", dir && *dir ? dir : "/tmp");
		fd = mkstemp(tmp);

		path = tmp;
		made_tmp = fd >= 0;
		rec.out = fd >= 0 ? fdopen(fd, "w") : NULL;
	}
	if (!rec.out) {
		log_error_errno(-errno, "cannot create '%s'", path);
		goto out;
	}
	rec.path = path;
	r = record_run(&rec, &o, 0, cycle_tick, &cy);
	if (fclose(rec.out) != 0 && r >= 0)
		r = log_error_errno(-errno, "cannot write '%s'", path);
	rec.out = NULL;
	if (r < 0 || cy.error)
		goto out;
	if (cy.done < cy.n)
		log_warning("stopped after %u of %u cycles", cy.done, cy.n);
	cy.n = cy.done;
	/* the recording is a capture: judge it like check does */
	if (engine_new(&engine, &ctx) < 0)
		goto out;
	{
		struct capture_opts copts = { .progress = 0, .quiet = quiet };
		char *paths[] = { path };

		if (capture_load(ctx, paths, 1, &copts) < 0 || findings_collect(ctx, NULL, &l) < 0)
			goto out;
	}
	for (unsigned i = 0; i < l.n; i++)
		l.items[i].fails = (int)l.items[i].f->severity >= fail_on;
	finding_list_tally(&l);
	{
		struct drc_stats st;

		drc_ctx_get_stats(ctx, &st);
		if (!json)
			print_cycles(&cy, &l, fail_on, st.devres_events);
		else if (print_cycles_json(&cy, &dev, output, &l, fail_on, st.devres_events) < 0)
			goto out;
	}
	if (output)
		log_info("the recording is in %s", output);
	status = l.failing ? DEVRESCTL_EX_FINDINGS : DEVRESCTL_EX_OK;
out:
	if (made_tmp)
		unlink(tmp);
	finding_list_done(&l);
	drc_ctx_unref(ctx);
	free(cy.starts);
	free(engine.kb_files);
	return status;
}

const struct command command_cycle = {
	.name = "cycle",
	.synopsis = "[OPTIONS] DEVICE",
	.summary = "unbind and bind a device N times while recording; judge each cycle",
	.options = cycle_options,
	.min_args = 1,
	.max_args = 1,
	.run = cmd_cycle,
};
