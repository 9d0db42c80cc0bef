/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "libdevres/libdevres.h"
#include "output.h"
#include "sources/sysfs.h"

/*
 * Devices as udevadm takes them (devresctl(8), DEVICE SELECTORS): a NAME or
 * glob, SUBSYSTEM/NAME (two devices can share a name), a sysfs path
 * (/sys/devices/... or /devices/...) or a device node (/dev/...). Paths
 * and nodes are looked up on this system, below the root.
 */

/* --device @arg of a command reading captures, parsed and appended to
 * *@sels. Returns 0; -EINVAL when it is no selector, another -errno when a
 * path or node cannot be looked up; both said on stderr, naming @arg. */
int device_selector_add(struct device_selector **sels, unsigned *n, const char *arg);

/* After the engine ran: each selector that selects none of its devices is
 * said on stderr (an error with @error, else a warning), with the devices
 * there are. @where names the input ("the capture"). Returns how many. */
unsigned device_selectors_unmatched(struct drc_ctx *ctx, const struct device_selector *sels, unsigned n,
				    const char *where, bool error);

/* DEVICE of a live command: the one device @arg names now. Returns 0, or
 * -errno after saying why (-ENOTUNIQ: a name several devices have). */
int device_select_live(const char *arg, struct sysfs_device *ret);
