/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The live sources together: /dev/kmsg, devresctl's trace instance, udev,
 * and the references read from /proc when a device unbinds. Everything
 * arrives as the lines of a capture, in arrival order (in time order, when
 * the trace's binary records are on the monotonic clock): what a recording
 * holds, what the daemon journals, what the engine is fed. A recording
 * replayed therefore gives exactly the live result.
 */
struct live_opts {
	bool kmsg, trace, udev;     /* which sources to use (absent ones are skipped) */
	bool udev_rules;            /* udev events after udevd's rules, not the kernel's */
	bool since_boot;            /* /dev/kmsg from its first record, not from now */
	bool refs_on_unbind;        /* devresctl-refs lines when a device unbinds */
	bool version_line;          /* first, /proc/version: the boot and kernel of the recording */
};

/* "kernel" or "udev" into o->udev_rules; -EINVAL otherwise. */
int live_parse_uevents(const char *s, struct live_opts *o);

struct live;
typedef int (*live_line_fn)(void *userdata, const char *line, size_t len);

/* Opens the sources. Returns 0, or -errno when none could be opened; *why
 * then says what was missing for each. */
int live_open(const struct live_opts *o, live_line_fn fn, void *userdata, struct live **ret, char *why,
	      size_t whylen);
void live_free(struct live *l);
/* An epoll descriptor: readable when a source has something. */
int live_fd(const struct live *l);
/* Reads what the sources have now. Returns 0 or -errno. */
int live_dispatch(struct live *l);
/*
 * After LIVE_QUIET_MS without a line, live_dispatch() delivers the line
 * DRC_QUIET_LINE once: the engine then judges the batches in progress, and a
 * replay of the recording judges them at the same point. The trace is also
 * read every LIVE_TRACE_POLL_MS: its poll() wakeup can wait for the next
 * interrupt on an idle machine. live_timeout() gives the milliseconds until
 * live_dispatch() has something to do without a readable descriptor (0: now),
 * or -1 when nothing is due.
 */
#define LIVE_QUIET_MS 200
#define LIVE_TRACE_POLL_MS 250
/* With uevents held for the kernel log (uevent-order.h), it is read again
 * after this, however poll() is woken. */
#define LIVE_ORDER_POLL_MS 10
/* The references of an unbound device are read at most once per this. */
#define LIVE_REFS_MIN_MS 100
int live_timeout(const struct live *l);
/* At the end of a recording: reads what the sources hold now (one
 * dispatch's worth of the kernel log, the trace buffer's pages), writes
 * what was overwritten unread as lost, and what a source still holds back
 * (trace records waiting for a string, trace-raw.h). */
int live_drain(struct live *l);
/* Every source has ended (plain files and closed pipes, in tests). */
bool live_ended(const struct live *l);
/* "kmsg, trace, udev" */
const char *live_describe(const struct live *l);

/*
 * /dev/kmsg sequence numbers: after a read failed with EPIPE (the ring
 * overwrote records not yet read), the next record's number says how many
 * were lost. kmsg_track() returns 0 (nothing lost), 1 with *lost set, or 2
 * when records were lost but the count is unknown (no record seen before).
 */
struct kmsg_tracker {
	uint64_t seq;
	bool seen, overrun;
};
int kmsg_track(struct kmsg_tracker *t, const char *line, size_t len, uint64_t *lost);

struct live_stats {
	uint64_t lines;
	uint64_t kmsg_lost;         /* records overwritten before they were read */
	uint64_t kmsg_lost_unknown; /* overruns whose count is not known */
	bool kmsg_unread;           /* the drain stopped before the kernel log's end */
	uint64_t udev_overflows;    /* ENOBUFS */
	uint64_t udev_unread;       /* events the kernel sent that were not read at the end */
	uint64_t refs;              /* devresctl-refs lines written */
	uint64_t refs_skipped;      /* unbinds whose references were not read (LIVE_REFS_MIN_MS) */
	/* the trace's binary records (trace-raw.h) */
	uint64_t trace_records, trace_lost, trace_lost_unknown, trace_bad_pages, trace_non_events;
	uint64_t trace_unresolved;  /* written with an address for op or name */
	/* uevents against the kernel log (uevent-order.h) */
	uint64_t uevents_held, uevents_moved, uevents_unplaced;
};
void live_get_stats(const struct live *l, struct live_stats *ret);
