/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Uevents put among the /dev/kmsg records in the kernel's order.
 *
 * printk() stores a record in the ring before it returns, but wakes the
 * readers of /dev/kmsg later, from an irq_work (kernel/printk/printk.c,
 * wake_up_klogd()); where the architecture cannot raise one (User-Mode
 * Linux) that waits for the next timer tick. A uevent wakes its netlink
 * socket at once. So a recorder that writes lines as they arrive puts an
 * unbind uevent ahead of the REL records the kernel logged before sending
 * it, and under a bind/unbind loop a tick holds several cycles.
 *
 * What is known for certain: every record the kernel stored before it sent
 * a uevent is in the ring when the uevent is received. So a uevent is held
 * until /dev/kmsg has been read to its end after it came, and is then put
 * among the records read meanwhile by what the kernel does around it
 * (drivers/base/dd.c): an unbind (and a device's removal, which releases
 * its resources first) follows the device's release run and comes before
 * its next probe's first ADD; a bind follows the probe's ADDs and comes
 * before the device's next REL; an add comes before the device's first
 * record. An ADD inside the release run (a release callback adding a node:
 * the node is not released with the batch) is told from a next probe's by
 * the device's next REL, which releases a node that ADD began only in a
 * probe that failed or a group released. Other lines (a uevent's
 * properties, the references read at an unbind, kallsyms) stay with the
 * uevent before them. A uevent the records never place goes out at the end
 * of the read that reached the log's end, or when UEVENT_ORDER_HOLD_MS or
 * UEVENT_ORDER_HOLD_MAX is passed (a reader that cannot catch up with the
 * kernel), counted.
 */
#define UEVENT_ORDER_HOLD_MS 2000
#define UEVENT_ORDER_HOLD_MAX 256

typedef int (*uevent_order_out_fn)(void *userdata, const char *line, size_t len);

struct uevent_order_stats {
	uint64_t held;          /* uevents held for the records */
	uint64_t moved;         /* put after records read after them */
	uint64_t unplaced;      /* let go by UEVENT_ORDER_HOLD_MS/_MAX before the log's end was read */
};

struct uevent_order;

int uevent_order_new(uevent_order_out_fn fn, void *userdata, struct uevent_order **ret);
void uevent_order_free(struct uevent_order *o);
/* A line of /dev/kmsg (a record, its dictionary lines, a line about them). */
int uevent_order_kmsg(struct uevent_order *o, const char *line, size_t len);
/* Any other line: a uevent's header ("KERNEL[" or "UDEV  [") starts one. */
int uevent_order_other(struct uevent_order *o, const char *line, size_t len, uint64_t now_ms);
/* A read of /dev/kmsg is over; @at_end: it stopped at the log's end. */
int uevent_order_read_done(struct uevent_order *o, bool at_end, uint64_t now_ms);
/* Everything out, held uevents after the records. */
int uevent_order_flush(struct uevent_order *o);
bool uevent_order_holding(const struct uevent_order *o);
void uevent_order_get_stats(const struct uevent_order *o, struct uevent_order_stats *ret);
