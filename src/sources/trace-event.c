// SPDX-License-Identifier: GPL-2.0-or-later
/* One dev:devres_log record, decoded, and its line (trace-event.h). */
#include "config.h"

#if defined(HAVE_TRACEFS) || defined(HAVE_LIBTRACECMD)

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <event-parse.h>

#include "trace-event.h"

int devres_event_bind(struct tep_handle *tep, struct devres_event *ev)
{
	*ev = (struct devres_event){ .event = tep_find_event_by_name(tep, "dev", "devres_log") };
	if (!ev->event)
		return -EOPNOTSUPP;
	ev->f_devname = tep_find_field(ev->event, "devname");
	ev->f_op = tep_find_field(ev->event, "op");
	ev->f_node = tep_find_field(ev->event, "node");
	ev->f_name = tep_find_field(ev->event, "name");
	ev->f_size = tep_find_field(ev->event, "size");
	if (!ev->f_devname || !ev->f_op || !ev->f_node || !ev->f_name || !ev->f_size)
		return -EOPNOTSUPP;
	ev->node_digits = ev->f_node->size == 4 ? 8 : 16;
	return 0;
}

enum devres_decode devres_event_decode(struct tep_handle *tep, const struct devres_event *ev,
				       struct tep_record *rec, struct devres_record *out)
{
	unsigned long long v;
	const char *dev, *name;
	int dlen = 0, nlen = 0;

	if (rec->size < 8 || tep_data_type(tep, rec) != ev->event->id)
		return DEVRES_OTHER;
	*out = (struct devres_record){ .pid = tep_data_pid(tep, rec), .name = "" };
	dev = tep_get_field_raw(NULL, ev->event, "devname", rec, &dlen, 0);
	if (!dev)
		return DEVRES_NO_DEVNAME;
	out->dev = dev;
	out->dlen = strnlen(dev, dlen > 0 ? (size_t)dlen : 0);
	if (tep_read_number_field(ev->f_op, rec->data, &v) == 0)
		out->op = v;
	if (tep_read_number_field(ev->f_node, rec->data, &v) == 0)
		out->node = v;
	if (tep_read_number_field(ev->f_size, rec->data, &v) == 0)
		out->size = v;
	if (ev->f_name->flags & TEP_FIELD_IS_DYNAMIC) {
		name = tep_get_field_raw(NULL, ev->event, "name", rec, &nlen, 0);
		if (name) {
			out->name = name;
			out->nlen = strnlen(name, nlen > 0 ? (size_t)nlen : 0);
		}
	} else if (tep_read_number_field(ev->f_name, rec->data, &v) == 0) {
		out->name_is_ptr = true;
		out->name_ptr = v;
	}
	/* devres.c passes "ADD", "REL", "REM" or "REPLACE" as op in every
	 * kernel: a record without one was never logged by it (a zeroed or
	 * reused slot) */
	return out->op ? DEVRES_RECORD : DEVRES_NO_OP;
}

void devres_event_address(char *buf, size_t size, unsigned digits, uint64_t ptr)
{
	snprintf(buf, size, "%0*" PRIx64, (int)digits, ptr);
}

int64_t devres_event_missed(bool have_overrun, uint64_t overrun, uint64_t *accounted, int64_t missed)
{
	uint64_t avail, n;

	if (!have_overrun)
		return missed > 0 ? missed : -1;
	avail = overrun > *accounted ? overrun - *accounted : 0;
	n = missed > 0 && (uint64_t)missed < avail ? (uint64_t)missed : avail;
	*accounted += n;
	return (int64_t)n;
}

static int cut(int n, size_t size)
{
	if (n < 0)
		return -EIO;
	return (size_t)n < size ? n : (int)size - 1;
}

int devres_event_line(char *buf, size_t size, const struct devres_event *ev, int pid, unsigned cpu, uint64_t ts_ns,
		      const char *dev, const char *op, uint64_t node, const char *name, uint64_t bytes)
{
	uint64_t usec = devres_event_usec(ts_ns);

	return cut(snprintf(buf, size, "           <...>-%-7d [%03u] %" PRIu64 ".%06" PRIu64
			    ": devres_log: %s %s %0*" PRIx64 " %s (%" PRIu64 " bytes)",
			    pid, cpu, usec / 1000000, usec % 1000000, dev, op, (int)ev->node_digits, node, name, bytes),
		   size);
}

int devres_event_lost_line(char *buf, size_t size, unsigned cpu, int64_t count)
{
	if (count > 0)
		return cut(snprintf(buf, size, "CPU:%u [LOST %" PRId64 " EVENTS]", cpu, count), size);
	return cut(snprintf(buf, size, "CPU:%u [LOST EVENTS]", cpu), size);
}

#endif
