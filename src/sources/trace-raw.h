/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The trace instance's binary records: trace_pipe_raw of every CPU, read
 * through libtraceevent (the event's format from tracefs, kbuffer for the
 * ring buffer pages) and written as the lines the kernel's own text would
 * show, merged in time order. Lost events become "CPU:N [LOST M EVENTS]".
 *
 * The record holds "op" (and "name" before v6.13) as a pointer to the
 * kernel's string (DESIGN.md 2.2). Which string is learnt from the
 * instance's own text (each CPU's per_cpu/cpuN/trace), read (it does not
 * consume) before each read of the pages while a pointer is unknown, at
 * a burst's first read, and whenever the CPU's buffer holds few records: its
 * oldest lines are the records read next, matched in order by time, device
 * and size. A record whose pointer the text did not show waits until
 * another shows it, at most TRACE_RAW_HOLD_MS, then goes out with the
 * address, for the engine to resolve (opres.c). Where the kernel's text
 * has no fields with hash-ptr off (6.1: the line stops after
 * "devres_log: "), hash-ptr is turned back on for the instance: the
 * records keep their raw pointers, the text gives the strings.
 *
 * Pages are checked before kbuffer reads them (the commit word, and each
 * event's length leading forward to the end): one that fails is skipped
 * and written as "[LOST EVENTS]". Losses take their count from the page,
 * bounded by the CPU's overrun counter (per_cpu/cpuN/stats), which also
 * gives the count when the page does not.
 */
#define TRACE_RAW_HOLD_MS 1000
/* A read this long after the last that found records starts a burst: the
 * text is read before it (LIVE_QUIET_MS, the pause that ends a probe's run). */
#define TRACE_RAW_BURST_MS 200
/*
 * A CPU whose buffer holds at most this many records has its text read
 * before every read of its pages, burst or not: that text costs what the
 * buffer holds, a few kilobytes here. A device's release batch can follow
 * its children's within milliseconds (an unbind that removes child devices
 * first), inside one burst, and a string its records bring (REL, a release
 * function) not shown by the time their pages are read is never learnt. A
 * flood fills the buffer past this and reads no text.
 */
#define TRACE_RAW_PEEK_CHEAP 256
/* On the monotonic clock, records also wait this long for the uevents
 * about them (received a little after the kernel sent them). */
#define TRACE_RAW_SETTLE_MS 50

struct trace_raw;
typedef int (*trace_raw_line_fn)(void *userdata, const char *line, size_t len);

struct trace_raw_stats {
	uint64_t records;       /* dev:devres_log records read */
	uint64_t lost;          /* events the ring buffer dropped (counted ones) */
	uint64_t peeks;         /* reads of the "trace" text to learn strings */
	uint64_t repeeks;       /* of a CPU just before its pages: its buffer held more than its text showed, or few records */
	uint64_t learnt;        /* pointers whose string was learnt */
	uint64_t unresolved;    /* records written with an address for op or name */
	uint64_t lost_unknown;  /* losses whose count nobody gave ("[LOST EVENTS]") */
	uint64_t bad_pages;     /* pages kbuffer cannot walk (a lying header or event length) */
	uint64_t non_events;    /* records devres.c cannot have logged (no op): not written */
	uint64_t text_broken;   /* the text had no fields with hash-ptr off: turned on */
	uint64_t compactions;   /* of the held records' strings */
	uint64_t placed;        /* unbind uevents put back after their release batch */
};

/*
 * @instance: the instance's directory below the root ("/sys/kernel/tracing/
 * instances/devresctl"); @tracefs: tracefs itself, for the event formats.
 * Returns 0, -EOPNOTSUPP when built without libtracefs or when tracefs has
 * no dev:devres_log, -errno otherwise.
 */
int trace_raw_open(const char *tracefs, const char *instance, struct trace_raw **ret);
void trace_raw_free(struct trace_raw *t);
unsigned trace_raw_ncpus(const struct trace_raw *t);
int trace_raw_cpu_fd(const struct trace_raw *t, unsigned cpu);
/* The CPU's file ended (a FIFO whose writer went away, in tests). */
bool trace_raw_cpu_ended(const struct trace_raw *t, unsigned cpu);
/*
 * Another source's line, received at @ts (ns; the instance's trace clock
 * must then be "mono", as CLOCK_MONOTONIC): written among the records in
 * time order, lines of one time in the order given.
 */
int trace_raw_hold_line(struct trace_raw *t, uint64_t ts, const char *line, size_t len);
/* The instance's clock is "mono": records can wait TRACE_RAW_SETTLE_MS. */
void trace_raw_set_mono(struct trace_raw *t, bool mono);
/* Drops what the buffer holds now: the trace starts from now. */
int trace_raw_skip(struct trace_raw *t);
/* Reads what every CPU has and writes its lines. Returns 0 or -errno. */
int trace_raw_read(struct trace_raw *t, trace_raw_line_fn fn, void *userdata);
/* At the end: reads what the buffer still holds, writes as lost what the
 * CPUs' overrun counters say was overwritten and no page told, and flushes
 * everything. */
int trace_raw_finish(struct trace_raw *t, trace_raw_line_fn fn, void *userdata);
/* Writes what waits for a string once it has waited TRACE_RAW_HOLD_MS (or
 * now, with @all). */
int trace_raw_flush(struct trace_raw *t, bool all, trace_raw_line_fn fn, void *userdata);
bool trace_raw_holding(const struct trace_raw *t);
/* Every CPU's file ended (plain files, in tests). */
bool trace_raw_ended(const struct trace_raw *t);
void trace_raw_get_stats(const struct trace_raw *t, struct trace_raw_stats *ret);
