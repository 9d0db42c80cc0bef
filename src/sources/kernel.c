// SPDX-License-Identifier: GPL-2.0-or-later
/* What the running kernel offers: CONFIG_DEBUG_DEVRES, devres.log, tracefs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel.h"
#include "shared/root.h"

static const char *const tracefs_mounts[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

/* The tracefs mount point; NULL with *denied set when one is there but
 * cannot be searched (it is root's: mode 0700). */
static const char *find_tracefs_denied(bool *denied)
{
	char p[4096], full[4096];

	*denied = false;
	for (size_t i = 0; i < sizeof(tracefs_mounts) / sizeof(tracefs_mounts[0]); i++) {
		snprintf(p, sizeof(p), "%s/events", tracefs_mounts[i]);
		if (root_exists(p))
			return tracefs_mounts[i];
		if (root_path(full, sizeof(full), p) == 0 && access(full, F_OK) < 0 && errno == EACCES)
			*denied = true;
	}
	return NULL;
}

int kernel_trace_path(char *buf, size_t len, const char *rel)
{
	bool denied;
	const char *t = find_tracefs_denied(&denied);
	int n;

	if (!t)
		return denied ? -EACCES : -ENOENT;
	n = snprintf(buf, len, "%s%s", t, rel);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int read_int(const char *path)
{
	char buf[32];

	if (root_read_line(path, buf, sizeof(buf)) <= 0)
		return -1;
	return buf[0] >= '0' && buf[0] <= '9' ? buf[0] - '0' : -1;
}

static bool root_access(const char *path, int mode)
{
	char p[4096];

	return root_path(p, sizeof(p), path) == 0 && access(p, mode) == 0;
}

void kernel_caps_read(struct kernel_caps *c)
{
	char p[4096], cmdline[4096];

	*c = (struct kernel_caps){ .devres_log = -1, .instance_enabled = -1, .hash_ptr = -1 };
	if (root_read_line("/proc/sys/kernel/osrelease", c->release, sizeof(c->release)) < 0)
		c->release[0] = '\0';
	c->debug_devres = root_exists(DEVRES_LOG_PARAM);
	if (c->debug_devres) {
		c->devres_log = read_int(DEVRES_LOG_PARAM);
		c->param_writable = root_access(DEVRES_LOG_PARAM, W_OK);
	}
	if (root_read_line("/proc/cmdline", cmdline, sizeof(cmdline)) > 0)
		c->no_hash_pointers = strstr(cmdline, "no_hash_pointers") != NULL;
	c->kmsg_present = root_exists("/dev/kmsg");
	c->kmsg_readable = root_access("/dev/kmsg", R_OK);
	c->tracefs = find_tracefs_denied(&c->tracefs_denied);
	if (!c->tracefs)
		return;
	snprintf(p, sizeof(p), "%s/events/dev/devres_log", c->tracefs);
	c->tracepoint = root_exists(p);
	snprintf(p, sizeof(p), "%s/instances", c->tracefs);
	c->tracefs_writable = root_access(p, W_OK);
	snprintf(p, sizeof(p), "%s/instances/" TRACE_INSTANCE, c->tracefs);
	c->instance = root_exists(p);
	if (!c->instance)
		return;
	snprintf(p, sizeof(p), "%s/instances/" TRACE_INSTANCE "/events/dev/devres_log/enable", c->tracefs);
	c->instance_enabled = read_int(p);
	snprintf(p, sizeof(p), "%s/instances/" TRACE_INSTANCE "/options/hash-ptr", c->tracefs);
	c->hash_ptr = read_int(p);
}

bool kernel_trace_made_per_run(const struct kernel_caps *c)
{
	return c->tracepoint && !c->instance && c->tracefs_writable;
}

bool kernel_devres_carried(const struct kernel_caps *c)
{
	return (c->devres_log == 1 && c->kmsg_present) || c->instance_enabled == 1 || kernel_trace_made_per_run(c);
}

int kernel_devres_log_set(bool on)
{
	if (!root_exists(DEVRES_LOG_PARAM))
		return -ENOENT;
	return root_write(DEVRES_LOG_PARAM, on ? "1" : "0");
}

/* Sets a tracefs setting that the kernel may not have; no write when it
 * already holds @v (writing needs root, reading does not). */
static int set_if_present(const char *path, const char *v)
{
	char cur[16];

	if (!root_exists(path) || (root_read_line(path, cur, sizeof(cur)) > 0 && strcmp(cur, v) == 0))
		return 0;
	return root_write(path, v);
}

static char instance_name[300] = TRACE_INSTANCE;

const char *kernel_trace_instance(void)
{
	return instance_name;
}

void kernel_trace_instance_use(const char *name)
{
	snprintf(instance_name, sizeof(instance_name), "%s", name ? name : TRACE_INSTANCE);
}

/* "<tracefs>/instances/<the instance in use>[/file]" */
static int instance_path(char *buf, size_t len, const char *file)
{
	char rel[700];

	snprintf(rel, sizeof(rel), "/instances/%s%s%s", instance_name, file ? "/" : "", file ? file : "");
	return kernel_trace_path(buf, len, rel);
}

int kernel_trace_instance_path(char *buf, size_t len, const char *file)
{
	return instance_path(buf, len, file);
}

int kernel_trace_instance_enable(void)
{
	char rel[256], p[4096], full[4096];
	int r;

	r = kernel_trace_path(rel, sizeof(rel), "/events/dev/devres_log");
	if (r < 0)
		return r;
	if (!root_exists(rel))
		return -EOPNOTSUPP;
	r = instance_path(rel, sizeof(rel), NULL);
	if (r < 0 || (r = root_path(full, sizeof(full), rel)) < 0)
		return r;
	if (mkdir(full, 0750) < 0 && errno != EEXIST)
		return -errno;
	/* raw pointers: exact node identity and grp</grp> pairing */
	snprintf(p, sizeof(p), "%s/options/hash-ptr", rel);
	r = set_if_present(p, "0");
	if (r < 0)
		return r;
	r = kernel_trace_instance_wake_early();
	if (r < 0)
		return r;
	/* time stamps on CLOCK_MONOTONIC, the clock of udev's (live.c) */
	snprintf(p, sizeof(p), "%s/trace_clock", rel);
	if (root_exists(p) && (r = root_write(p, "mono")) < 0)
		return r;
	snprintf(p, sizeof(p), "%s/events/dev/devres_log/enable", rel);
	return root_write(p, "1");
}

/* One setting of our instance, when the kernel has it. */
static int instance_set(const char *file, const char *v)
{
	char rel[256], p[300];
	int r;

	r = instance_path(rel, sizeof(rel), NULL);
	if (r < 0)
		return r;
	snprintf(p, sizeof(p), "%s/%s", rel, file);
	return set_if_present(p, v);
}

int kernel_trace_instance_raw_pointers(void)
{
	return instance_set("options/hash-ptr", "0");
}

int kernel_trace_instance_wake_early(void)
{
	return instance_set("buffer_percent", "0");
}

int kernel_trace_instance_disable(void)
{
	char rel[256], p[4096], full[4096];
	int r;

	r = instance_path(rel, sizeof(rel), NULL);
	if (r < 0)
		return r;
	if (!root_exists(rel))
		return 0;
	snprintf(p, sizeof(p), "%s/events/dev/devres_log/enable", rel);
	set_if_present(p, "0");
	r = root_path(full, sizeof(full), rel);
	if (r < 0)
		return r;
	return rmdir(full) < 0 ? -errno : 0;
}
