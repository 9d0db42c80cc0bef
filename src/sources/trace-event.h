/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One dev:devres_log record as libtraceevent hands it over, and the line
 * the kernel's own text shows for it. The live reader (trace_pipe_raw,
 * trace-raw.c) and the trace-cmd file reader (trace.dat, trace-dat.c) both
 * decode the event here and write it as this text, so that the engine
 * reads one format (transport-trace.c) whichever gave it.
 *
 * The event (drivers/base/trace.h): __string(devname), a struct device *,
 * op as a const char * in every kernel, node as a void *, name as a const
 * char * before v6.13 and a __string since, size as a size_t. Its text:
 * "%s %3s %p %s (%zu bytes)".
 */

struct tep_handle;
struct tep_event;
struct tep_format_field;
struct tep_record;

struct devres_event {
	struct tep_event *event;
	struct tep_format_field *f_devname, *f_op, *f_node, *f_name, *f_size;
	unsigned node_digits;   /* a pointer's hex digits: 8 or 16 */
};

struct devres_record {
	int pid;
	const char *dev;        /* into the record's data, not terminated */
	size_t dlen;
	uint64_t op, node, size;
	bool name_is_ptr;       /* before v6.13: name is the address of the string */
	uint64_t name_ptr;
	const char *name;       /* since: the string, not terminated */
	size_t nlen;
};

enum devres_decode {
	DEVRES_OTHER,           /* another event's record */
	DEVRES_RECORD,          /* a record of devres_log */
	DEVRES_NO_DEVNAME,      /* devres_log, but its devname cannot be read */
	DEVRES_NO_OP,           /* devres_log without an op: never logged by devres.c */
};

/* The event's fields in @tep: 0, or -EOPNOTSUPP when it has no
 * dev:devres_log or the event lacks one of them. */
int devres_event_bind(struct tep_handle *tep, struct devres_event *ev);
enum devres_decode devres_event_decode(struct tep_handle *tep, const struct devres_event *ev,
				       struct tep_record *rec, struct devres_record *out);

/* An address as the engine reads one in place of a string (opres.c). */
void devres_event_address(char *buf, size_t size, unsigned digits, uint64_t ptr);
/* "<...>-PID [CPU] SEC.USEC: devres_log: DEV OP NODE NAME (N bytes)": the
 * length written (cut to @size - 1), or -EIO. */
int devres_event_line(char *buf, size_t size, const struct devres_event *ev, int pid, unsigned cpu, uint64_t ts_ns,
		      const char *dev, const char *op, uint64_t node, const char *name, uint64_t bytes);
/* "CPU:N [LOST M EVENTS]", or "CPU:N [LOST EVENTS]" for @count < 0. */
int devres_event_lost_line(char *buf, size_t size, unsigned cpu, int64_t count);
/*
 * A page of the ring buffer says events were missed before it: @missed
 * their count, -1 when it does not say. @overrun is the CPU's counter of
 * overwritten events (per_cpu/cpuN/stats, a trace.dat's cpustats), when
 * @have_overrun, and *@accounted how many of them were written as lost so
 * far. Returns the count to write: the page's, bounded by the counter (no
 * event counted twice), or the counter's rest when the page gives none; 0
 * when the counter has none left; -1 when nobody says.
 */
int64_t devres_event_missed(bool have_overrun, uint64_t overrun, uint64_t *accounted, int64_t missed);
/* The text rounds nanoseconds to the nearest microsecond (ns2usecs()). */
static inline uint64_t devres_event_usec(uint64_t ns)
{
	return (ns + 500) / 1000;
}
