/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* What the running kernel offers for devres logging, read through the root. */
#define DEVRES_LOG_PARAM "/sys/module/devres/parameters/log"
#define TRACE_INSTANCE "devresctl"

struct kernel_caps {
	char release[128];          /* "" when unknown */
	bool debug_devres;          /* CONFIG_DEBUG_DEVRES: the log parameter exists */
	int devres_log;             /* its value, -1 when unreadable */
	bool param_writable;
	const char *tracefs;        /* mount point, or NULL */
	bool tracepoint;            /* events/dev/devres_log */
	bool instance;              /* our trace instance exists */
	int instance_enabled;       /* devres_log enabled in it, -1 unknown */
	int hash_ptr;               /* its options/hash-ptr, -1 when the option is absent */
	bool no_hash_pointers;      /* on the kernel command line */
	bool kmsg_readable;
	bool kmsg_present;
	bool tracefs_writable;
	bool tracefs_denied;        /* mounted, but not ours to read (not root) */
};

void kernel_caps_read(struct kernel_caps *c);
/* "<tracefs><rel>", or -ENOENT when tracefs is not mounted. */
int kernel_trace_path(char *buf, size_t len, const char *rel);
int kernel_devres_log_set(bool on);
/* No trace instance, but the event and the right to make one: the live
 * sources make it for their run (live.c). */
bool kernel_trace_made_per_run(const struct kernel_caps *c);
/* Whether a live run carries devres operations: devres.log on, the event
 * enabled in our trace instance, or one made for the run. */
bool kernel_devres_carried(const struct kernel_caps *c);
/* Our own trace instance: created with devres_log on and pointers not
 * hashed; removed whole. Never touches the global buffer. */
int kernel_trace_instance_enable(void);
int kernel_trace_instance_disable(void);
/*
 * The instance those work on: TRACE_INSTANCE, the one status and enable
 * speak of, unless a live run took one of its own (live.c: another run
 * reads TRACE_INSTANCE, and reads of trace_pipe(_raw) consume, so two runs
 * on one instance would each get part of the events).
 */
const char *kernel_trace_instance(void);
void kernel_trace_instance_use(const char *name);     /* NULL: TRACE_INSTANCE */
/* "<tracefs>/instances/<instance>[/FILE]" (relative to the root) */
int kernel_trace_instance_path(char *buf, size_t len, const char *file);
/* Readers of trace_pipe are woken only when buffer_percent of the buffer is
 * full (50 by default): set our instance's to 0, wake on any event. */
int kernel_trace_instance_wake_early(void);
/* Raw pointers in our instance's text, as kernel_trace_instance_enable()
 * sets them: an instance made by hand may hash them. */
int kernel_trace_instance_raw_pointers(void);
