// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The model: one ordered devres list per device, as drivers/base/devres.c
 * keeps it (DESIGN.md 2.4).
 *
 *  ADD      appends; "grp<" opens a group, "grp>" closes the latest open one
 *           (or, with raw pointers, exactly the one 0x28 (32-bit: 0x14) before it)
 *  REM      unlinks without release; REM of "grp<" is devres_remove_group():
 *           both markers go, the members stay
 *  REPLACE  devm_krealloc(): the old node's place is taken by a new node whose
 *           id is never printed; it shows itself at its REL or REM
 *  REL      one release in a batch: devres_release_all() or
 *           devres_release_group(). remove_nodes() moves the group markers
 *           last and release_nodes() walks backwards, so a batch logs the
 *           swept grp< markers first, then the nodes in reverse list order.
 *           A released group's grp> is freed without a line.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libdevres-private.h"

/* sizeof(struct devres_node) with CONFIG_DEBUG_DEVRES on 64-bit: grp> - grp< */
#define GROUP_CLOSE_OFFSET_64 0x28
/* and on 32-bit: list_head, release, name, size */
#define GROUP_CLOSE_OFFSET_32 0x14

/* Buses and classes whose names are printed by dev_driver_string() when no
 * driver is bound; a prefix in this list is not a driver. */
static const char *const bus_class_names[] = {
	"platform", "pci", "usb", "i2c", "spi", "acpi", "pnp", "virtio", "serio", "hid",
	"mdio_bus", "scsi", "mmc", "sdio", "nvmem", "auxiliary", "amba", "gpio", "cpu",
	"memory", "node", "soc", "container", "xen", "edac", "thunderbolt", "typec", "wmi",
	"nd", "mei", "mipi-dsi", "drm", "sound", "net", "input", "tty", "block", "misc",
	"hwmon", "thermal", "regulator", "rtc", "watchdog", "power_supply", "leds",
	"backlight", "graphics", "dma", "iommu", "nvme", "nvme-fabrics", "nvme-subsystem",
	"spi_master", "i2c-adapter", "usb-serial", "ieee80211", "bluetooth", "firmware",
	"pci_bus", "scsi_host", "scsi_device", "scsi_disk", "ata_port", "ata_link",
	"ata_device", "counter", "iio", "remoteproc", "rpmsg", "mhi", "ufs", "cxl",
	"gpio-sim", "coresight", "serial", "serial-base", "ptp", "pps", "extcon", "phy",
	"mdio", "devfreq", "devlink", "media", "video4linux", "dvb", "drm_dp_aux_dev",
	"i2c-dev", "hidraw", "usbmisc", "pwm", "fpga_region", "fpga_bridge", "fpga_manager",
	"cdx", "ishtp", "intel_th", "vdpa", "wwan", "tee", "slimbus", "soundwire",
	"spmi", "greybus", "most", "ulpi", "ipack", "mcb", "fsi", "hsi", "siox", "sdw",
	"ac97", "hdaudio", "snd_seq", "zorro", "eisa", "isa", "parport", "pcmcia",
	"ccw", "css", "ap", "vio", "macio", "of_platform", "ps3_system_bus", "vme",
	"mipi-i3c", "i3c", "surface_aggregator", "ssam", "hv_vmbus", "vmbus", "tb",
	"event_source", "clockevents", "clocksource", "workqueue", "machinecheck",
};

static bool is_bus_or_class(const char *s, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(bus_class_names); i++)
		if (strlen(bus_class_names[i]) == len && memcmp(bus_class_names[i], s, len) == 0)
			return true;
	return false;
}

/* ---- groups ---- */

static struct drc_group *group_new(void)
{
	return calloc(1, sizeof(struct drc_group));
}

static struct drc_group *group_ref(struct drc_group *g)
{
	if (g)
		g->refs++;
	return g;
}

static void group_unref(struct drc_group *g)
{
	while (g && --g->refs == 0) {
		struct drc_group *parent = g->parent;

		free(g);
		g = parent;
	}
}

static void open_groups_remove(struct drc_device *dev, struct drc_group *g)
{
	struct drc_group **pp;

	for (pp = &dev->open_groups; *pp; pp = &(*pp)->open_next) {
		if (*pp == g) {
			*pp = g->open_next;
			g->open_next = NULL;
			return;
		}
	}
}

/* ---- nodes and the live list ---- */

static void node_set_id(struct drc_node *n, uint64_t id, unsigned digits)
{
	n->id = id;
	n->id_digits = (uint8_t)digits;
	n->has_id = true;
	if (digits == 0) {
		snprintf(n->id_str, sizeof(n->id_str), "(ptrval)");
		return;
	}
	/* "%0*llx" by hand: one per node of a capture with millions */
	if (digits > sizeof(n->id_str) - 1)
		digits = sizeof(n->id_str) - 1;
	n->id_str[digits] = '\0';
	for (unsigned i = digits; i-- > 0; id >>= 4)
		n->id_str[i] = "0123456789abcdef"[id & 0xf];
}

static struct drc_node *node_new(struct drc_device *dev, const struct drc_event *ev,
				 enum drc_node_kind kind)
{
	struct drc_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->dev = dev;
	n->kind = (uint8_t)kind;
	n->state = DRC_NODE_LIVE;
	n->ts = ev->ts_usec;
	n->origin = ev->origin;
	if (kind != DRC_NODE_REALLOC) {
		n->name = ev->name;
		n->size = ev->size;
		node_set_id(n, ev->id, ev->id_digits);
	} else {
		snprintf(n->id_str, sizeof(n->id_str), "?");
	}
	if (dev->ctx->keep_history) {
		if (dev->hist_tail)
			dev->hist_tail->hnext = n;
		else
			dev->hist_head = n;
		dev->hist_tail = n;
	}
	return n;
}

static bool node_is_res(const struct drc_node *n)
{
	return n->kind == DRC_NODE_RES || n->kind == DRC_NODE_REALLOC;
}

static void list_link_after(struct drc_device *dev, struct drc_node *after, struct drc_node *n)
{
	n->prev = after;
	n->next = after ? after->next : dev->head;
	if (n->next)
		n->next->prev = n;
	else
		dev->tail = n;
	if (after)
		after->next = n;
	else
		dev->head = n;
}

static void list_unlink(struct drc_device *dev, struct drc_node *n)
{
	struct drc_batch *b = dev->batch;

	if (b) {
		if (b->cursor == n)
			b->cursor = n->prev;
		if (b->range_end == n)
			b->range_end = n->prev;
	}
	if (n->prev)
		n->prev->next = n->next;
	else
		dev->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		dev->tail = n->prev;
	n->prev = n->next = NULL;
}

static void node_release_memory(struct drc_node *n)
{
	struct drc_group *g = n->group;

	if (g) {
		if (g->open == n)
			g->open = NULL;
		if (g->close == n)
			g->close = NULL;
		group_unref(g);
	}
	free(n);
}

/* Take a live node off the list and give it its final state. */
static void node_end(struct drc_device *dev, struct drc_node *n, enum drc_node_state state,
		     const struct drc_origin *o)
{
	list_unlink(dev, n);
	if (n->has_id && n->id_digits)
		hashmap_remove(&dev->ids, n->id);
	if (node_is_res(n)) {
		dev->live--;
		if (n->size != UINT64_MAX)
			dev->live_bytes -= n->size;
		if (n->kind == DRC_NODE_REALLOC && !n->name)
			dev->realloc_live--;
	}
	n->state = (uint8_t)state;
	n->end_origin = *o;
	if (!dev->ctx->keep_history) {
		n->batch = NULL;
		node_release_memory(n);
	}
}

static int node_insert(struct drc_device *dev, struct drc_node *n, struct drc_node *after)
{
	int r;

	if (n->has_id && n->id_digits) {        /* not "(____ptrval____)" */
		r = hashmap_put(&dev->ids, n->id, n);
		if (r < 0)
			return r;
	}
	list_link_after(dev, after, n);
	if (node_is_res(n)) {
		dev->live++;
		if (n->size != UINT64_MAX)
			dev->live_bytes += n->size;
	}
	return 0;
}

/* ---- batches ---- */

static void batch_resolve_kind(struct drc_device *dev, struct drc_batch *b, enum drc_batch_kind kind);

/* The batch in progress is over: the device did something else. */
static void batch_close(struct drc_device *dev)
{
	struct drc_batch *b = dev->batch;

	if (!b)
		return;
	dev->batch = NULL;
	/* a group that starts the list, released whole: devres_release_all()
	 * logs exactly the same lines, and an unbind is far more common */
	if (b->kind == DRC_BATCH_RELEASE_GROUP && !b->probe_failure && b->range_to_tail && !dev->head)
		batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);
	drc_rules_batch_end(dev, b);
}

static void batch_keep(struct drc_device *dev, struct drc_batch *b)
{
	if (dev->batches_tail)
		dev->batches_tail->next = b;
	else
		dev->batches_head = b;
	dev->batches_tail = b;
	dev->batches_kept++;
	dev->batches_total++;
	if (!dev->ctx->keep_history && dev->batches_kept > DRC_BATCH_KEEP) {
		struct drc_batch *old = dev->batches_head;

		dev->batches_head = old->next;
		dev->batches_kept--;
		free(old);
	}
}

static struct drc_batch *batch_start(struct drc_device *dev, const struct drc_event *ev)
{
	struct drc_batch *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->dev = dev;
	b->first = b->last = ev->origin;
	b->ts = ev->ts_usec;
	b->first_seq = ev->seq;
	b->start_order = dev->order_next;
	if (dev->probe_failed_line) {
		b->probe_failure = true;
		dev->probe_failed_line = 0;
	}
	batch_keep(dev, b);
	dev->batch = b;
	drc_rules_batch_start(dev, b);
	return b;
}

/* The resource the kernel would release next when walking back from @from. */
static struct drc_node *res_at_or_before(struct drc_node *from)
{
	for (; from; from = from->prev)
		if (node_is_res(from))
			return from;
	return NULL;
}

static void batch_resolve_kind(struct drc_device *dev, struct drc_batch *b, enum drc_batch_kind kind)
{
	b->kind = kind;
	if (kind == DRC_BATCH_RELEASE_ALL && dev->state != DRC_DEVICE_NO_BUS &&
	    dev->state != DRC_DEVICE_REMOVED)
		dev->state = b->probe_failure ? DRC_DEVICE_PROBE_FAILED : DRC_DEVICE_UNBOUND;
}

/* ---- devices ---- */

static struct drc_device *device_new(struct drc_ctx *ctx, struct drc_boot *boot, unsigned bootidx,
				     const char *name, const struct drc_origin *o)
{
	struct drc_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->ctx = ctx;
	dev->name = name;
	dev->boot = bootidx;
	dev->first_origin = *o;
	dev->order_next = 1;
	if (hashmap_put(&boot->by_name, (uint64_t)(uintptr_t)name, dev) < 0) {
		free(dev);
		return NULL;
	}
	if (ctx->devices_tail)
		ctx->devices_tail->all_next = dev;
	else
		ctx->devices_head = dev;
	ctx->devices_tail = dev;
	return dev;
}

void drc_device_free(struct drc_device *dev)
{
	struct drc_node *n, *next;
	struct drc_batch *b, *bn;

	if (dev->ctx->keep_history) {
		for (n = dev->hist_head; n; n = next) {
			next = n->hnext;
			node_release_memory(n);
		}
	} else {
		for (n = dev->head; n; n = next) {
			next = n->next;
			node_release_memory(n);
		}
	}
	drc_rules_device_free(dev);
	for (b = dev->batches_head; b; b = bn) {
		bn = b->next;
		drc_rules_batch_free(b);
		free(b);
	}
	hashmap_done(&dev->ids);
	free(dev);
}

static struct drc_device *device_lookup(struct drc_ctx *ctx, const char *name, const char *devkey,
					const char *subsystem, const struct drc_origin *o)
{
	struct drc_boot *boot = drc_ctx_boot(ctx);
	struct drc_device *dev;

	if (!boot)
		return NULL;
	if (devkey) {
		dev = hashmap_get(&boot->by_key, (uint64_t)(uintptr_t)devkey);
		if (dev)
			return dev;
	}
	dev = hashmap_get(&boot->by_name, (uint64_t)(uintptr_t)name);
	/* the same name on another bus or class is another device */
	if (dev && ((devkey && dev->devkey && dev->devkey != devkey) ||
		    (subsystem && dev->subsystem && dev->subsystem != subsystem)))
		dev = NULL;
	if (!dev) {
		dev = device_new(ctx, boot, ctx->nboots - 1, name, o);
		if (!dev)
			return NULL;
	}
	if (devkey && !dev->devkey) {
		dev->devkey = devkey;
		if (hashmap_put(&boot->by_key, (uint64_t)(uintptr_t)devkey, dev) < 0)
			return NULL;
	}
	if (subsystem && !dev->subsystem)
		dev->subsystem = subsystem;
	return dev;
}

/* What the dev_driver_string() prefix says about the binding. */
static void device_note_prefix(struct drc_device *dev, const char *prefix)
{
	size_t len;

	if (!prefix)
		return;
	if (prefix != dev->prefix) {
		dev->prefix = prefix;
		len = strlen(prefix);
		dev->prefix_is_bus = len && ((dev->subsystem && strcmp(dev->subsystem, prefix) == 0) ||
					     is_bus_or_class(prefix, len));
	}
	if (!*prefix) {
		dev->state = DRC_DEVICE_NO_BUS;
		return;
	}
	if (dev->prefix_is_bus) {
		if (!dev->subsystem)
			dev->subsystem = prefix;
		if (dev->state == DRC_DEVICE_UNKNOWN || dev->state == DRC_DEVICE_BOUND)
			dev->state = DRC_DEVICE_UNBOUND;
		return;
	}
	dev->driver = prefix;
	if (dev->state != DRC_DEVICE_REMOVED)
		dev->state = DRC_DEVICE_BOUND;
}

/* ---- the two witnesses ---- */

static bool witness_rec_match(const struct witness_rec *r, const struct drc_event *ev,
			      const struct drc_device *dev)
{
	return r->dev == dev && r->op == ev->op && r->name == ev->name && r->size == ev->size &&
	       r->id == ev->id;
}

/*
 * With devres.log=1 and the tracepoint on, every operation is printed twice.
 * Keep a window of recent operations per witness; an operation that the other
 * witness already delivered is a duplicate. Operations of the same device
 * that the other witness delivered before it and this one never did were lost
 * by this witness: they were applied when they came, and are dropped here.
 */
static bool witness_is_duplicate(struct drc_boot *boot, const struct drc_event *ev,
				 struct drc_device *dev)
{
	struct witness_ring *other = &boot->ring[ev->witness == DRC_WITNESS_PRINTK];
	size_t i, seen = 0;

	if (!other->recs)
		return false;
	for (i = 0; i < other->len && seen < DRC_WITNESS_WINDOW; i++) {
		struct witness_rec *r = &other->recs[(other->head + i) % DRC_WITNESS_RING];

		if (r->consumed)
			continue;
		seen++;
		if (!witness_rec_match(r, ev, dev))
			continue;
		r->consumed = true;
		for (size_t j = 0; j < i; j++) {
			struct witness_rec *e = &other->recs[(other->head + j) % DRC_WITNESS_RING];

			if (e->dev == dev)
				e->consumed = true;
		}
		while (other->len && other->recs[other->head].consumed) {
			other->head = (other->head + 1) % DRC_WITNESS_RING;
			other->len--;
		}
		return true;
	}
	return false;
}

static void witness_push(struct drc_boot *boot, const struct drc_event *ev, struct drc_device *dev)
{
	struct witness_ring *ring = &boot->ring[ev->witness];
	struct witness_rec *r;

	if (!ring->recs) {
		ring->recs = calloc(DRC_WITNESS_RING, sizeof(*ring->recs));
		if (!ring->recs)
			return;         /* without the ring, duplicates are only not detected */
	}
	if (ring->len == DRC_WITNESS_RING) {
		ring->head = (ring->head + 1) % DRC_WITNESS_RING;
		ring->len--;
	}
	r = &ring->recs[(ring->head + ring->len) % DRC_WITNESS_RING];
	*r = (struct witness_rec){ dev, ev->name, ev->id, ev->size, (uint8_t)ev->op, false };
	ring->len++;
}

/* ---- operations ---- */

static struct drc_node *realloc_candidate_latest(struct drc_device *dev)
{
	for (struct drc_node *n = dev->tail; n; n = n->prev)
		if (n->kind == DRC_NODE_REALLOC && !n->name)
			return n;
	return NULL;
}

static void realloc_reveal(struct drc_device *dev, struct drc_node *n, const struct drc_event *ev)
{
	node_set_id(n, ev->id, ev->id_digits);
	n->name = ev->name;
	if (n->size == UINT64_MAX)
		n->size = ev->size;
	dev->live_bytes += ev->size;
	dev->realloc_live--;
	dev->ctx->stats.realloc_matched++;
	hashmap_put(&dev->ids, n->id, n);
}

static int apply_add(struct drc_device *dev, const struct drc_event *ev)
{
	struct drc_ctx *ctx = dev->ctx;
	struct drc_node *old, *n;
	enum drc_node_kind kind = DRC_NODE_RES;
	struct drc_group *g;
	int r;

	old = hashmap_get(&dev->ids, ev->id);
	if (old && ev->id_digits) {
		/* the address is live again: the line that freed it is missing */
		ctx->stats.id_reuse++;
		drc_rules_node_lost(dev, old, ev);
		if (old->kind == DRC_NODE_GROUP_OPEN && old->group) {
			struct drc_group *og = old->group;

			og->state = DRC_GROUP_LOST;
			open_groups_remove(dev, og);
			if (og->close)
				node_end(dev, og->close, DRC_NODE_LOST, &ev->origin);
		}
		node_end(dev, old, DRC_NODE_LOST, &ev->origin);
	}

	if (strcmp(ev->name, "grp<") == 0)
		kind = DRC_NODE_GROUP_OPEN;
	else if (strcmp(ev->name, "grp>") == 0)
		kind = DRC_NODE_GROUP_CLOSE;

	n = node_new(dev, ev, kind);
	if (!n)
		return -ENOMEM;
	n->order = dev->order_next++;

	if (kind == DRC_NODE_GROUP_OPEN) {
		g = group_new();
		if (!g) {
			free(n);
			return -ENOMEM;
		}
		g->refs = 1;
		g->state = DRC_GROUP_OPEN;
		g->open = n;
		g->parent = group_ref(dev->open_groups);
		g->open_origin = ev->origin;
		memcpy(g->id_str, n->id_str, sizeof(g->id_str));
		g->open_next = dev->open_groups;
		dev->open_groups = g;
		n->group = g;
	} else if (kind == DRC_NODE_GROUP_CLOSE) {
		g = NULL;
		/* raw pointers: grp> is node[1] of the same struct devres_group. A
		 * 32-bit kernel prints raw and hashed pointers alike with 8 digits;
		 * two hashes 0x14 apart by chance are one in 2^32. */
		if ((ev->id_digits == 16 && (ev->id >> 32) != 0) || ev->id_digits == 8) {
			uint64_t off = ev->id_digits == 16 ? GROUP_CLOSE_OFFSET_64 : GROUP_CLOSE_OFFSET_32;

			for (struct drc_group *c = dev->open_groups; c; c = c->open_next)
				if (c->open && c->open->id + off == ev->id)
					g = c;
		}
		if (!g)
			g = dev->open_groups;   /* devres_close_group(dev, NULL): latest open */
		if (g) {
			open_groups_remove(dev, g);
			g->state = DRC_GROUP_CLOSED;
			g->close = n;
			g->close_origin = ev->origin;
			n->group = group_ref(g);
		}
	} else {
		n->group = group_ref(dev->open_groups);
	}
	n->unbound_add = ev->prefix && *ev->prefix && ev->prefix == dev->prefix && dev->prefix_is_bus;
	r = node_insert(dev, n, dev->tail);
	if (r < 0)
		return r;
	drc_rules_added(dev, n);
	return 0;
}

/*
 * "(____ptrval____)" (or "(ptrval)" on 32-bit): the kernel printed no address,
 * as its pointer hash key was not ready yet (early boot). The node is the one
 * where a release batch's walk is, else the latest live one of that name and
 * size, as devres_find() searches the list from its tail.
 */
static struct drc_node *lookup_unaddressed(struct drc_device *dev, const struct drc_event *ev,
					   struct drc_node *expected)
{
	if (expected && expected->has_id && !expected->id_digits && expected->name == ev->name &&
	    expected->size == ev->size)
		return expected;
	for (struct drc_node *n = dev->tail; n; n = n->prev)
		if (n->has_id && !n->id_digits && n->name == ev->name && n->size == ev->size)
			return n;
	return NULL;
}

/* A REL/REM/REPLACE of an id that is not live: a devm_krealloc node, or a
 * node added before the capture started. */
static struct drc_node *lookup_or_realloc(struct drc_device *dev, const struct drc_event *ev,
					  struct drc_node *expected)
{
	struct drc_node *n;

	if (!ev->id_digits)
		return lookup_unaddressed(dev, ev, expected);
	n = hashmap_get(&dev->ids, ev->id);
	if (n)
		return n;
	if (!dev->realloc_live || strcmp(ev->name, "grp<") == 0 || strcmp(ev->name, "grp>") == 0)
		return NULL;
	if (expected) {
		if (expected->kind == DRC_NODE_REALLOC && !expected->name) {
			realloc_reveal(dev, expected, ev);
			return expected;
		}
		return NULL;
	}
	n = realloc_candidate_latest(dev);
	if (n)
		realloc_reveal(dev, n, ev);
	return n;
}

static void group_end(struct drc_device *dev, struct drc_group *g, enum drc_group_state state,
		      enum drc_node_state nstate, const struct drc_origin *o)
{
	g->state = state;
	open_groups_remove(dev, g);
	if (g->close)
		node_end(dev, g->close, nstate, o);
	if (g->open)
		node_end(dev, g->open, nstate, o);
}

static int apply_rem(struct drc_device *dev, const struct drc_event *ev)
{
	struct drc_node *n;

	n = lookup_or_realloc(dev, ev, NULL);
	if (!n) {
		dev->unknown++;
		drc_rules_unknown(dev, ev);
		dev->ctx->stats.unknown_nodes++;
		return 0;
	}
	if (n->kind == DRC_NODE_GROUP_OPEN && n->group)
		group_end(dev, n->group, DRC_GROUP_REMOVED, DRC_NODE_REMOVED, &ev->origin);
	else
		node_end(dev, n, DRC_NODE_REMOVED, &ev->origin);
	return 0;
}

static int apply_replace(struct drc_device *dev, const struct drc_event *ev)
{
	struct drc_node *old, *n;
	struct drc_event nev = *ev;
	int r;

	old = lookup_or_realloc(dev, ev, NULL);
	/* devm_krealloc() finds its node by devm_kmalloc_release(): never a
	 * group marker. A capture that says so is corrupt; taking the marker
	 * out would leave its group open with nothing holding it. */
	if (old && old->kind != DRC_NODE_RES && old->kind != DRC_NODE_REALLOC)
		old = NULL;
	n = node_new(dev, &nev, DRC_NODE_REALLOC);
	if (!n)
		return -ENOMEM;
	n->replaced_name = ev->name;
	n->replaced_size = ev->size;
	n->size = UINT64_MAX;
	dev->realloc_live++;
	if (old) {
		n->order = old->order;
		n->group = group_ref(old->group);
		r = node_insert(dev, n, old);
		if (r < 0)
			return r;
		node_end(dev, old, DRC_NODE_REPLACED, &ev->origin);
	} else {
		/* replaced a node added before the capture: it sits before all we know */
		dev->unknown++;
		drc_rules_unknown(dev, ev);
		dev->ctx->stats.unknown_nodes++;
		n->order = 0;
		r = node_insert(dev, n, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

static int apply_rel(struct drc_device *dev, const struct drc_event *ev)
{
	struct drc_ctx *ctx = dev->ctx;
	bool is_marker = strcmp(ev->name, "grp<") == 0 || strcmp(ev->name, "grp>") == 0;
	struct drc_batch *b = dev->batch;
	struct drc_node *n, *expected = NULL, *exp_tail = NULL, *exp_range = NULL;

	/* an address is found at once; a node without one by its place, below */
	n = !ev->id_digits ? (is_marker ? lookup_unaddressed(dev, ev, NULL) : NULL) :
			     hashmap_get(&dev->ids, ev->id);
	if (b && is_marker && b->nodes_started)
		b = NULL;       /* group markers come first in a batch: a new batch */
	if (b && !is_marker && b->nodes_started && b->kind == DRC_BATCH_RELEASE_GROUP) {
		/* a group release is done once it walks past its first group; the
		 * next release is another batch if anything happened in between */
		struct drc_node *next = b->have_cursor ? res_at_or_before(b->cursor) : NULL;
		struct drc_node *cand = n ? n : next;

		/* past the released groups' range: the walk never comes back up */
		bool beyond = cand && !b->range_to_tail && b->range_end_order &&
			      cand->order > b->range_end_order;

		if (beyond || ((!cand || cand->order < b->group_start_order) &&
			       (b->last_seq + 1 != ctx->seq ||
				(ev->ts_usec >= 0 && b->last_ts >= 0 && ev->ts_usec - b->last_ts > 500000))))
			b = NULL;
	}
	if (!b) {
		batch_close(dev);
		b = batch_start(dev, ev);
		if (!b)
			return -ENOMEM;
	}
	b->last = ev->origin;

	if (is_marker) {
		drc_rules_released(dev, b, n, ev);
		if (n && n->kind == DRC_NODE_GROUP_OPEN && n->group) {
			struct drc_group *g = n->group;
			struct drc_node *end = g->close ? g->close->prev : dev->tail;

			if (!b->groups) {
				memcpy(b->group_id, g->id_str, sizeof(b->group_id));
				b->group_start_order = n->order;
			}
			if (n->order < b->group_start_order)
				b->group_start_order = n->order;
			if (!g->close)
				b->range_to_tail = true;
			else if (!b->range_end || (end && end->order > b->range_end->order))
				b->range_end = end;
			if (g->close && g->close->order > b->range_end_order)
				b->range_end_order = g->close->order;
			b->groups++;
			group_end(dev, g, DRC_GROUP_RELEASED, DRC_NODE_RELEASED, &ev->origin);
		} else if (n) {
			node_end(dev, n, DRC_NODE_RELEASED, &ev->origin);
			b->groups++;
		} else {
			if (!b->groups)
				snprintf(b->group_id, sizeof(b->group_id), "%0*" PRIx64,
					 (int)ev->id_digits, ev->id);
			b->groups++;
			b->unknown++;
			dev->unknown++;
			drc_rules_unknown(dev, ev);
			ctx->stats.unknown_nodes++;
		}
		b->last_seq = ctx->seq;
		b->last_ts = ev->ts_usec;
		return 0;
	}

	/* where the kernel's backwards walk would be now */
	if (b->nodes_started) {
		expected = b->have_cursor ? res_at_or_before(b->cursor) : NULL;
	} else {
		exp_tail = res_at_or_before(dev->tail);
		exp_range = b->range_to_tail ? exp_tail : res_at_or_before(b->range_end);
	}

	if (!n) {
		struct drc_node *pick = b->nodes_started ? expected :
			(b->groups && exp_range ? exp_range : exp_tail);

		n = lookup_or_realloc(dev, ev, pick);
	}

	if (!b->nodes_started) {
		b->nodes_started = true;
		if (b->groups && n && n == exp_range)
			b->kind = DRC_BATCH_RELEASE_GROUP;
		else if (n && n == exp_tail)
			batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);
		else if (!b->groups && !n)
			batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);  /* all unseen: unwind */
		else if (n)
			b->out_of_order++;
	} else if (n && n != expected) {
		b->out_of_order++;
	}
	if (b->kind == DRC_BATCH_RELEASE_GROUP && n && n->order < b->group_start_order)
		batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);

	b->last_seq = ctx->seq;
	b->last_ts = ev->ts_usec;
	drc_rules_released(dev, b, n, ev);
	if (!n) {
		b->unknown++;
		dev->unknown++;
		drc_rules_unknown(dev, ev);
		ctx->stats.unknown_nodes++;
		return 0;
	}
	b->released++;
	b->bytes += ev->size;
	b->cursor = n->prev;
	b->have_cursor = true;
	n->batch = b;
	if (n->kind == DRC_NODE_GROUP_OPEN && n->group)
		group_end(dev, n->group, DRC_GROUP_RELEASED, DRC_NODE_RELEASED, &ev->origin);
	else
		node_end(dev, n, DRC_NODE_RELEASED, &ev->origin);
	return 0;
}

int drc_model_apply(struct drc_ctx *ctx, struct drc_event *ev)
{
	struct drc_boot *boot = drc_ctx_boot(ctx);
	struct drc_device *dev;
	bool was_bound, id_reused;
	int r = 0;

	if (!boot)
		return -ENOMEM;
	dev = device_lookup(ctx, ev->device, ev->devkey, ev->subsystem, &ev->origin);
	if (!dev)
		return -ENOMEM;
	boot->witnesses |= 1u << ev->witness;
	if (boot->witnesses == 3u && witness_is_duplicate(boot, ev, dev)) {
		ctx->stats.duplicates++;
		if (ev->prefix && !dev->prefix)
			device_note_prefix(dev, ev->prefix);
		return 0;
	}
	witness_push(boot, ev, dev);

	ev->seq = ++ctx->seq;
	ev->boot = ctx->nboots - 1;
	ctx->stats.devres_events++;
	dev->events++;
	if (strcmp(ev->device, "(null)") == 0)
		ctx->stats.unnamed_devices++;
	if (ev->op != DRC_OP_REL)
		batch_close(dev);       /* judge a finished batch before this event's state */
	was_bound = dev->state == DRC_DEVICE_BOUND;
	id_reused = ev->op == DRC_OP_ADD && ev->id_digits && hashmap_get(&dev->ids, ev->id);
	if (ev->op == DRC_OP_ADD)
		device_note_prefix(dev, ev->prefix);
	else if (ev->prefix && !dev->prefix)
		device_note_prefix(dev, ev->prefix);

	drc_rules_pre_event(ctx, dev, ev, was_bound, id_reused);
	switch (ev->op) {
	case DRC_OP_ADD:
		r = apply_add(dev, ev);
		break;
	case DRC_OP_REM:
		r = apply_rem(dev, ev);
		break;
	case DRC_OP_REPLACE:
		r = apply_replace(dev, ev);
		break;
	case DRC_OP_REL:
		r = apply_rel(dev, ev);
		break;
	}
	drc_rules_post_event(ctx);
	if (r < 0)
		return r;
	if (ctx->event_fn)
		ctx->event_fn(ctx->event_data, ev);
	return 1;
}

int drc_model_uevent(struct drc_ctx *ctx, struct drc_uevent *ev)
{
	struct drc_device *dev;

	ev->boot = ctx->nboots ? ctx->nboots - 1 : 0;
	ctx->stats.uevents++;
	if (ctx->uevent_fn)
		ctx->uevent_fn(ctx->uevent_data, ev);
	if (ev->subsystem && strcmp(ev->subsystem, "module") == 0) {
		/* a module, not a device: only the rules care */
		drc_rules_uevent(ctx, NULL, ev);
		return 0;
	}
	if (!ev->device || !*ev->device)
		return 0;
	dev = device_lookup(ctx, ev->device, NULL, ev->subsystem, &ev->origin);
	if (!dev)
		return -ENOMEM;
	batch_close(dev);
	drc_rules_uevent(ctx, dev, ev);
	if (strcmp(ev->action, "bind") == 0) {
		if (ev->driver)
			dev->driver = ev->driver;
		dev->state = DRC_DEVICE_BOUND;
	} else if (strcmp(ev->action, "unbind") == 0) {
		if (dev->state != DRC_DEVICE_PROBE_FAILED)
			dev->state = DRC_DEVICE_UNBOUND;
	} else if (strcmp(ev->action, "remove") == 0) {
		dev->state = DRC_DEVICE_REMOVED;
	} else if (strcmp(ev->action, "add") == 0) {
		if (dev->state == DRC_DEVICE_UNKNOWN)
			dev->state = DRC_DEVICE_UNBOUND;
	}
	return 0;
}

void drc_model_probe_failed(struct drc_ctx *ctx, const char *device, const struct drc_origin *o)
{
	struct drc_boot *boot = drc_ctx_boot(ctx);
	struct drc_device *dev;

	if (!boot)
		return;
	device = drc_interns(ctx, device);
	dev = device ? hashmap_get(&boot->by_name, (uint64_t)(uintptr_t)device) : NULL;
	if (!dev)
		return;
	batch_close(dev);
	dev->probe_failed_line = o->line ? o->line : 1;
	if (dev->state == DRC_DEVICE_BOUND)
		dev->state = DRC_DEVICE_PROBE_FAILED;
}

/* The input went quiet: the release batches in progress are over. */
void drc_model_settle(struct drc_ctx *ctx, unsigned boot)
{
	for (struct drc_device *dev = ctx->devices_head; dev; dev = dev->all_next)
		if (dev->boot == boot)
			batch_close(dev);
}

/* The boot is over (a new one starts, or the input ended): close what is
 * still in progress and let the rules judge what is left. */
void drc_model_boot_end(struct drc_ctx *ctx, unsigned boot)
{
	drc_model_settle(ctx, boot);
	drc_rules_boot_end(ctx, boot);
}

void drc_boot_done(struct drc_boot *boot)
{
	hashmap_done(&boot->by_name);
	hashmap_done(&boot->by_key);
	free(boot->ring[0].recs);
	free(boot->ring[1].recs);
}
