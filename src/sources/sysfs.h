/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Devices as sysfs shows them, read through the root (shared/root.h). */
struct sysfs_device {
	char devpath[1024];     /* "/sys/devices/platform/dfx-hda.0" */
	char name[256];
	char subsystem[64];     /* "" when none */
	char driver[128];       /* "" when unbound */
	char module[128];       /* the driver's module; "" when built in or unbound */
	char devt[24];          /* "MAJOR:MINOR" of its device node, "" when it has none */
};

/* A device by its name, as /sys/bus/,"*",/devices or /sys/class/,"*" list it. */
int sysfs_device_find(const char *name, struct sysfs_device *ret);
int sysfs_device_read(const char *devpath, struct sysfs_device *ret);
/*
 * The device a selector names on this system, as udevadm takes them
 * (devresctl(8), DEVICE SELECTORS): NAME (in /sys/bus/,"*",/devices or
 * /sys/class/,"*"), SUBSYSTEM/NAME (/sys/bus/SUBSYSTEM/devices/NAME or
 * /sys/class/SUBSYSTEM/NAME), a sysfs path (/sys/devices/... or
 * /devices/...) or a device node (/dev/..., through its st_rdev and
 * /sys/dev/{char,block}/MAJOR:MINOR). Returns 0; else -errno and, in
 * @why, the reason in words: -ENOENT nothing there, -ENOTUNIQ a NAME that
 * several devices have (the SUBSYSTEM/NAME of each), -ENODEV a path that
 * is no device node or no device's directory.
 */
int sysfs_device_select(const char *selector, struct sysfs_device *ret, char *why, size_t len);
/* A class device (its subsystem link leads into /sys/class): one no driver
 * ever binds; its bus device is above it. */
bool sysfs_device_is_class(const char *devpath);
/* The nearest device above @devpath that is bound to a driver. */
int sysfs_device_bound_parent(const char *devpath, struct sysfs_device *ret);
/* Every device of every bus. */
typedef int (*sysfs_device_fn)(void *userdata, const struct sysfs_device *dev);
int sysfs_for_each_device(sysfs_device_fn fn, void *userdata);

/* Every device below @devpath (children, grandchildren...), not itself. */
typedef int (*sysfs_path_fn)(void *userdata, const char *devpath);
int sysfs_for_each_descendant(const char *devpath, sysfs_path_fn fn, void *userdata);

/* "/dev/DEVNAME" of a device that has a node; -ENOENT otherwise. */
int sysfs_devnode(const char *devpath, char *buf, size_t len);

/* Device links: @kind is "supplier" or "consumer", @name the other device. */
typedef int (*sysfs_link_fn)(void *userdata, const char *kind, const char *name);
int sysfs_for_each_link(const char *devpath, sysfs_link_fn fn, void *userdata);

struct module_info {
	char state[32];         /* initstate: "live", "coming", "going"; "" unknown */
	long refcnt;            /* -1 unknown */
	char holders[512];      /* space-separated */
};
int sysfs_module_info(const char *module, struct module_info *ret);

/* What holds a device: every open file descriptor and mapping of one of its
 * nodes (its own and its descendants'), from /proc. */
struct proc_ref {
	uint64_t pid;
	char comm[64];
	char path[512];
	int fd;                 /* -1: a mapping */
};
typedef int (*proc_ref_fn)(void *userdata, const struct proc_ref *ref);
/* Returns the number of references found, or -errno; *denied counts the
 * processes whose files could not be read (other users', without root). */
int sysfs_device_refs(const char *devpath, proc_ref_fn fn, void *userdata, unsigned *denied);
/* The same as capture lines, "devresctl-refs: DEVICE PID COMM PATH", one per
 * process and node (not per descriptor). Returns the number of lines or -errno. */
typedef int (*sysfs_line_fn)(void *userdata, const char *line);
int sysfs_device_ref_lines(const char *devpath, const char *device, sysfs_line_fn fn, void *userdata,
			   unsigned *denied);

/*
 * What the running machine needs that unbinding the device at @devpath
 * would take away, because it is held by that device or one below it: the
 * root filesystem and every mounted filesystem on a block device (through
 * partitions, device-mapper and md slaves), active swap, a network
 * interface that is up, a console, a vsock transport or the guest agent's
 * virtio-serial port. @fn is called for each; returns how many, or -errno.
 */
struct sysfs_vital {
	const char *kind;       /* "root", "mount", "swap", "net", "console", "vsock", "agent" */
	char what[2300];        /* "the filesystem mounted on /home (on sda3)" */
	char holder[1024];      /* the sysfs path holding it ("/sys/devices/.../block/sda/sda3") */
};
typedef int (*sysfs_vital_fn)(void *userdata, const struct sysfs_vital *v);
int sysfs_for_each_vital(const char *devpath, sysfs_vital_fn fn, void *userdata);

/* debugfs (/sys/kernel/debug), when mounted and readable. */
/* 1 with the reason (possibly "") when the device waits in devices_deferred,
 * 0 when not, -errno when the file cannot be read. */
int sysfs_deferred_reason(const char *name, char *buf, size_t len);
/* The component framework (device_component/): @role is "aggregate" for a
 * device that aggregates @other, or "component" for one of @other's parts;
 * @status as the kernel prints it ("bound", "not bound", "not registered"). */
typedef int (*sysfs_component_fn)(void *userdata, const char *role, const char *other, const char *status);
int sysfs_for_each_component(const char *name, sysfs_component_fn fn, void *userdata);
