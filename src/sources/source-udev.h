/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source-file.h"

/* udev events through libudev, written as `udevadm monitor --property`
 * prints them, so that a recording reads like a capture. */
struct source_udev;

/* @udev: the events after udevd's rules ("udev"), else the kernel's own. */
int source_udev_open(bool udev, struct source_udev **ret);
void source_udev_close(struct source_udev *u);
int source_udev_fd(const struct source_udev *u);
/* The SEQNUM of the last event read (0: none yet). */
uint64_t source_udev_seqnum(const struct source_udev *u);

/* Called for each event after its lines, with its action and device name. */
typedef void (*source_udev_event_fn)(void *userdata, const char *action, const char *subsystem,
				     const char *device, const char *devpath);
/* Reads the waiting events, SOURCE_UDEV_READ_MAX at most (the rest stay
 * readable). Returns how many, -ENOBUFS when the kernel dropped
 * events (the socket overflowed: resynchronize), or -errno. */
#define SOURCE_UDEV_READ_MAX 256
int source_udev_read(struct source_udev *u, source_line_fn fn, source_udev_event_fn ev, void *userdata);

/* Whether @line is an event's first line as source_udev_read() writes it:
 * "KERNEL[TIME] ACTION DEVPATH (SUBSYSTEM)", "UDEV  [" for udevd's. */
bool source_udev_is_header(const char *line, size_t len);
/* Such a line's action word and the device's name (the last part of the
 * devpath), pointing into @line; false when it is none or has no devpath. */
struct source_udev_header {
	const char *action, *name;
	size_t action_len, name_len;
};
bool source_udev_header(const char *line, size_t len, struct source_udev_header *h);
