// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "source-udev.h"

#define UDEV_RCVBUF (128 * 1024 * 1024)

struct source_udev {
	struct udev *udev;
	struct udev_monitor *mon;
	bool from_udev;
	uint64_t seqnum;        /* of the last event read */
};

int source_udev_open(bool udev, struct source_udev **ret)
{
	struct source_udev *u = calloc(1, sizeof(*u));
	int r;

	if (!u)
		return -ENOMEM;
	u->from_udev = udev;
	u->udev = udev_new();
	if (!u->udev) {
		free(u);
		return -ENOMEM;
	}
	u->mon = udev_monitor_new_from_netlink(u->udev, udev ? "udev" : "kernel");
	if (!u->mon) {
		r = errno ? -errno : -EPROTONOSUPPORT;
		source_udev_close(u);
		return r;
	}
	/* a burst of events (a module load, a hotplug) must not overflow it */
	udev_monitor_set_receive_buffer_size(u->mon, UDEV_RCVBUF);
	r = udev_monitor_enable_receiving(u->mon);
	if (r < 0) {
		source_udev_close(u);
		return r;
	}
	*ret = u;
	return 0;
}

void source_udev_close(struct source_udev *u)
{
	if (!u)
		return;
	udev_monitor_unref(u->mon);
	udev_unref(u->udev);
	free(u);
}

uint64_t source_udev_seqnum(const struct source_udev *u)
{
	return u->seqnum;
}

int source_udev_fd(const struct source_udev *u)
{
	return udev_monitor_get_fd(u->mon);
}

bool source_udev_is_header(const char *line, size_t len)
{
	return len > 7 && (memcmp(line, "KERNEL[", 7) == 0 || memcmp(line, "UDEV  [", 7) == 0);
}

bool source_udev_header(const char *line, size_t len, struct source_udev_header *h)
{
	const char *end = line + len, *p, *path, *path_end, *name;

	if (!source_udev_is_header(line, len) || !(p = memmem(line, len, "] ", 2)))
		return false;
	h->action = p + 2;
	path = memchr(h->action, '/', (size_t)(end - h->action));
	path_end = path ? memchr(path, ' ', (size_t)(end - path)) : NULL;
	if (!path_end)
		return false;
	for (p = h->action; p < path && *p != ' '; p++)
		;
	h->action_len = (size_t)(p - h->action);
	for (name = path_end; name > path && name[-1] != '/'; name--)
		;
	h->name = name;
	h->name_len = (size_t)(path_end - name);
	return true;
}

static int emit_property(source_line_fn fn, void *userdata, const char *name, const char *value)
{
	char line[4096];
	int n = snprintf(line, sizeof(line), "%s=%s", name, value ? value : "");

	if (n < 0)
		return -EIO;
	return fn(userdata, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1, false);
}

int source_udev_read(struct source_udev *u, source_line_fn fn, source_udev_event_fn ev, void *userdata)
{
	/* a bounded number per call: under a bind/unbind flood the events keep
	 * coming, and the caller must get back to its other sources */
	unsigned i;

	for (i = 0; i < SOURCE_UDEV_READ_MAX; i++) {
		struct udev_device *d;
		struct udev_list_entry *e;
		struct timespec ts;
		const char *action, *devpath, *subsystem;
		char head[4096];
		int n, r = 0;

		errno = 0;
		d = udev_monitor_receive_device(u->mon);
		if (!d) {
			if (errno == ENOBUFS)
				return -ENOBUFS;
			return (int)i;  /* nothing more now */
		}
		if (udev_device_get_seqnum(d))
			u->seqnum = udev_device_get_seqnum(d);
		action = udev_device_get_action(d);
		devpath = udev_device_get_devpath(d);
		subsystem = udev_device_get_subsystem(d);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		n = snprintf(head, sizeof(head), "%s[%ld.%06ld] %-8s %s (%s)", u->from_udev ? "UDEV  " : "KERNEL",
			     (long)ts.tv_sec, ts.tv_nsec / 1000, action ? action : "?", devpath ? devpath : "?",
			     subsystem ? subsystem : "");
		if (n > 0)
			r = fn(userdata, head, (size_t)n < sizeof(head) ? (size_t)n : sizeof(head) - 1, false);
		udev_list_entry_foreach(e, udev_device_get_properties_list_entry(d)) {
			if (r < 0)
				break;
			r = emit_property(fn, userdata, udev_list_entry_get_name(e), udev_list_entry_get_value(e));
		}
		if (r >= 0)
			r = fn(userdata, "", 0, false);
		if (r >= 0 && ev)
			ev(userdata, action ? action : "", subsystem ? subsystem : "", udev_device_get_sysname(d),
			   devpath ? devpath : "");
		udev_device_unref(d);
		if (r < 0)
			return r;
	}
	return (int)i;
}
