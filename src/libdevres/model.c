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
 * driver is bound; a prefix in this list is not a driver. Only names of a
 * struct bus_type or struct class belong here: a driver's name that merely
 * looks like one (gpio-sim, the platform driver of drivers/gpio/gpio-sim.c)
 * is the driver. */
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
	"coresight", "serial", "serial-base", "ptp", "pps", "extcon", "phy",
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

/* O(1): 100,000 nested groups released outermost first (#17) */
static void open_groups_remove(struct drc_device *dev, struct drc_group *g)
{
	if (!g->open_listed)
		return;
	if (g->open_prev)
		g->open_prev->open_next = g->open_next;
	else
		dev->open_groups = g->open_next;
	if (g->open_next)
		g->open_next->open_prev = g->open_prev;
	g->open_next = g->open_prev = NULL;
	g->open_listed = false;
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

/*
 * Freed nodes are kept for the next ADDs: a release batch frees a device's
 * nodes and its next probe adds as many again, and malloc's bins handle such
 * bursts at several times the cost. At most NODE_CACHE_MAX are kept (a
 * device's list rarely holds more; memory stays that of the largest live
 * state). Not under AddressSanitizer, which must see each node freed.
 */
#define NODE_CACHE_MAX 4096
#if defined(__SANITIZE_ADDRESS__)
#define NODE_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NODE_CACHE 0
#endif
#endif
#ifndef NODE_CACHE
#define NODE_CACHE 1
#endif

static struct drc_node *node_alloc(struct drc_ctx *ctx)
{
	struct drc_node *n = ctx->node_cache;

	if (!NODE_CACHE || !n)
		return calloc(1, sizeof(*n));
	ctx->node_cache = n->next;
	ctx->node_cached--;
	memset(n, 0, sizeof(*n));
	return n;
}

static void node_free(struct drc_ctx *ctx, struct drc_node *n)
{
	if (!NODE_CACHE || ctx->node_cached >= NODE_CACHE_MAX) {
		free(n);
		return;
	}
	n->next = ctx->node_cache;
	ctx->node_cache = n;
	ctx->node_cached++;
}

void drc_model_node_cache_free(struct drc_ctx *ctx)
{
	while (ctx->node_cache) {
		struct drc_node *n = ctx->node_cache;

		ctx->node_cache = n->next;
		free(n);
	}
	ctx->node_cached = 0;
}

static struct drc_node *node_new(struct drc_device *dev, const struct drc_event *ev,
				 enum drc_node_kind kind)
{
	struct drc_node *n = node_alloc(dev->ctx);

	if (!n)
		return NULL;
	n->dev = dev;
	n->kind = (uint8_t)kind;
	n->state = DRC_NODE_LIVE;
	n->ts = ev->ts_usec;
	n->origin = ev->origin;
	n->id_witness = (uint8_t)ev->witness;
	n->widx[ev->witness & 1] = ev->widx;
	n->widx[!(ev->witness & 1)] = ev->twin_widx;
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
	node_free(n->dev->ctx, n);
}

/* forget the other witness's id of @n */
static void alias_drop(struct drc_device *dev, struct drc_node *n)
{
	if (n->has_alias && hashmap_get(&dev->ids, n->alias_id) == n)
		hashmap_remove(&dev->ids, n->alias_id);
	n->has_alias = false;
}

/* Take a live node off the list and give it its final state. */
static void node_end(struct drc_device *dev, struct drc_node *n, enum drc_node_state state,
		     const struct drc_origin *o)
{
	/* a node the history keeps can be reached again through its group
	 * after it ended (a grp> whose address came back, then its grp<'s):
	 * unlinking it twice would take the device's head with it */
	if (n->state != DRC_NODE_LIVE)
		return;
	list_unlink(dev, n);
	if (n->kind == DRC_NODE_GROUP_CLOSE && !n->group)
		dev->orphan_closes--;
	if (n->has_id && n->id_digits && hashmap_get(&dev->ids, n->id) == n)
		hashmap_remove(&dev->ids, n->id);
	if (n->has_alias)
		alias_drop(dev, n);
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
static void uevent_device_apply(struct drc_ctx *ctx, struct drc_device *dev, const struct drc_uevent *ev);
static bool batch_walk_pending(const struct drc_batch *b);

/* The uevents that waited for the end of a release: apply them, in order. */
static void early_release(struct drc_device *dev)
{
	size_t n = dev->nearly;

	dev->nearly = 0;
	for (size_t i = 0; i < n; i++)
		uevent_device_apply(dev->ctx, dev, &dev->early[i]);
}

static void batch_close(struct drc_device *dev)
{
	struct drc_batch *b = dev->batch;

	if (!b)
		return;
	dev->batch = NULL;
	/* a group that starts the list, released whole: devres_release_all()
	 * logs exactly the same lines, and an unbind is far more common */
	if (b->kind == DRC_BATCH_RELEASE_GROUP && !b->probe_failure && b->range_to_tail && !dev->head) {
		batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);
		b->whole_group = true;  /* unless the device releases again (rule-cross-device-release.c) */
	}
	/* a grp> whose grp< is not in the capture (a wrapped ring starts inside
	 * a probe) went with this release: a released group's grp> is freed
	 * without a line (DESIGN.md 2.4a) */
	if (dev->orphan_closes && (b->kind == DRC_BATCH_RELEASE_ALL || (b->unknown && b->groups))) {
		/* the list is in order: they are among the first, and the walk
		 * stops at the last of them (#17) */
		unsigned left = dev->orphan_closes;

		for (struct drc_node *n = dev->head, *next; n && left && n->order < b->start_order; n = next) {
			next = n->next;
			if (n->kind == DRC_NODE_GROUP_CLOSE && !n->group) {
				left--;
				node_end(dev, n, DRC_NODE_RELEASED, &b->last);
			}
		}
	}
	DRC_MODEL_NOTIFY(dev->ctx, BATCH_END, .dev = dev, .batch = b);
	early_release(dev);
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
	b->start_order = b->proven_order = dev->order_next;
	b->walk_floor = UINT64_MAX;
	if (dev->probe_failed_line) {
		b->probe_failure = true;
		dev->probe_failed_line = 0;
	}
	batch_keep(dev, b);
	dev->batch = b;
	DRC_MODEL_NOTIFY(dev->ctx, BATCH_START, .dev = dev, .batch = b);
	return b;
}

/* Each witness prints the kernel's operations in the order they were made
 * (one buffer, or per-CPU buffers merged by time): where one holds both
 * copies, its order is the kernel's. */
enum drc_order drc_node_order(const struct drc_node *n, const struct drc_batch *b)
{
	unsigned known = 0;

	if (!b)
		return DRC_ORDER_BEFORE;
	for (unsigned w = 0; w < 2; w++) {
		if (!n->widx[w] || !b->last_widx[w])
			continue;
		if (n->widx[w] > b->last_widx[w])
			return DRC_ORDER_AFTER;
		known++;
	}
	/* copies paired by time after a loss may be two cycles' alike
	 * operations, each missing its own twin (a reader far behind the
	 * other): one witness's place alone then orders nothing */
	if (n->twin_guessed && known == 1)
		return DRC_ORDER_UNKNOWN;
	/* no witness printed both: with each copy's twin lost, nothing orders them */
	if (!known && (n->widx[0] || n->widx[1]) && (b->last_widx[0] || b->last_widx[1]))
		return DRC_ORDER_UNKNOWN;
	return DRC_ORDER_BEFORE;
}

static void walk_took_run_before(struct drc_device *dev, struct drc_batch *b, const struct drc_event *ev);

/* A release of everything whose releases so far were all of nodes never
 * seen: where its walk is on the list is not known. */
static bool walk_unseen(const struct drc_batch *b)
{
	return b && b->kind == DRC_BATCH_RELEASE_ALL && b->nodes_started && !b->have_cursor && b->unknown;
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
	boot->last.dev = NULL;
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
	DRC_MODEL_NOTIFY(dev->ctx, DEVICE_FREE, .dev = dev);
	free(dev->early);
	for (b = dev->batches_head; b; b = bn) {
		bn = b->next;
		DRC_MODEL_NOTIFY(dev->ctx, BATCH_FREE, .dev = dev, .batch = b);
		free(b);
	}
	hashmap_done(&dev->ids);
	free(dev);
}

static struct drc_device *device_lookup_slow(struct drc_ctx *ctx, struct drc_boot *boot, const char *name,
					     const char *devkey, const char *subsystem,
					     const struct drc_origin *o)
{
	struct drc_device *dev;

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

static struct drc_device *device_lookup(struct drc_ctx *ctx, const char *name, const char *devkey,
					const char *subsystem, const struct drc_origin *o)
{
	struct drc_boot *boot = drc_ctx_boot(ctx);
	struct drc_device *dev;

	if (!boot)
		return NULL;
	/* the same arguments give the same device until a device is added:
	 * what the slow path sets on the device makes it find it again */
	if (boot->last.dev && boot->last.name == name && boot->last.devkey == devkey &&
	    boot->last.subsystem == subsystem)
		return boot->last.dev;
	dev = device_lookup_slow(ctx, boot, name, devkey, subsystem, o);
	boot->last.name = name;
	boot->last.devkey = devkey;
	boot->last.subsystem = subsystem;
	boot->last.dev = dev;
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

/*
 * devres_log() in drivers/base/devres.c prints each operation through both
 * witnesses from one call: trace_devres_log(), and dev_err() with
 * devres.log=1. A device's list changes under its devres_lock and its
 * release batches run one at a time, so both witnesses show one device's
 * operations in one order. What differs is the ids (a trace instance with
 * hash-ptr off prints raw pointers, printk hashes %p), the name (a pointer
 * in the trace record before 6.13, printed as an address by whoever formats
 * the record), and how far each reader is behind.
 *
 * So a copy is the twin of the oldest copy of the other witness on the same
 * device still without one, with the same op and size, and the same name
 * where both print it as a word; the ids must be equal only once the twins
 * seen so far had equal ids. Copies of the other witness on that device
 * before the twin were lost by this witness (kmsg EPIPE, a wrapped trace
 * buffer, devres.log switched off), and this witness's own copies without a
 * twin were lost by the other: both come before the twin in the device's
 * order. While both witnesses are seen, a copy is held until its twin comes,
 * so that an operation only one witness kept is applied in its place (before
 * the second witness shows up, only a copy whose name is an address is held,
 * with what follows it). A uevent or a probe failure that comes meanwhile
 * waits behind the held copies of its stream. Held copies go to the model
 * when their twin comes, at a quiet mark, a KUnit result, a loss marker, the
 * end of the input, and when the ring is full: DRC_WITNESS_RING_MAX copies is
 * how far one reader may be behind the other (both are fed by the same
 * devres_log() calls; a reader further behind has lost what it has not read).
 * A twin teaches the other witness's id of the node (an alias on the same
 * node, for the operations only that witness keeps later) and the name the
 * trace printed as an address.
 */

static struct witness_rec *ring_at(struct witness_ring *ring, size_t i)
{
	/* head < cap and i < len <= cap: no division (one per copy kept) */
	size_t at = ring->head + i;

	return &ring->recs[at >= ring->cap ? at - ring->cap : at];
}

/* The oldest entry leaves the ring. */
static void ring_pop(struct witness_ring *ring)
{
	ring->head = ring->head + 1 == ring->cap ? 0 : ring->head + 1;
	ring->len--;
	if (ring->applied_below)
		ring->applied_below--;
}

/* The index of the oldest entry not applied yet (or len): held copies of
 * long single-witness stretches are applied one by one, so this starts
 * where the last search ended, not at the ring's head (a quadratic walk
 * over 32,768 entries otherwise, on every pre-6.13 trace). */
static size_t ring_first_held(struct witness_ring *ring)
{
	while (ring->applied_below < ring->len && ring_at(ring, ring->applied_below)->applied)
		ring->applied_below++;
	return ring->applied_below;
}

/* a name printed as the address of its string: %p of the record's pointer */
static bool name_is_address(const char *name)
{
	size_t n = 0;

	for (; name[n]; n++)
		if (drc_hexval(name[n]) < 0)
			return false;
	return n == 8 || n == 16;
}

static bool names_agree(const char *a, const char *b)
{
	/* interned: one word is one pointer; an address stands for any word */
	return a == b || name_is_address(a) != name_is_address(b);
}

/* The live node @ev's id names on @dev (its own id, or an alias). */
static struct drc_node *id_node(const struct drc_device *dev, const struct drc_event *ev)
{
	return ev->id_digits ? hashmap_get(&dev->ids, ev->id) : NULL;
}

static bool nodes_alike(const struct drc_node *a, const struct drc_node *b)
{
	return a->kind == b->kind && a->name == b->name && a->size == b->size;
}

static bool is_twin(const struct drc_boot *boot, const struct witness_rec *r, const struct drc_event *ev,
		    const struct drc_device *dev, bool equal_ids)
{
	if (r->twinned || r->dev != dev || r->ev.op != ev->op || r->ev.size != ev->size ||
	    !names_agree(r->ev.name, ev->name))
		return false;
	if (!r->ev.id_digits || !ev->id_digits)        /* "(____ptrval____)" */
		return !equal_ids;
	if (equal_ids || boot->ids == WITNESS_IDS_SAME)
		return r->ev.id == ev->id;
	if (ev->op != DRC_OP_ADD) {
		/* ids that name two different live nodes are two operations,
		 * unless the nodes are alike: then the alias that told them
		 * apart came from a twin guessed among alike nodes */
		struct drc_node *x = id_node(dev, &r->ev), *y = id_node(dev, ev);

		if (x && y && x != y && !nodes_alike(x, y))
			return false;
	}
	return true;
}

/* Forget @id as one of @n's ids (it came from a twin guessed among alike nodes). */
static void node_forget_id(struct drc_device *dev, struct drc_node *n, uint64_t id)
{
	if (!n->has_alias)
		return;
	if (n->alias_id == id) {
		alias_drop(dev, n);
		return;
	}
	if (n->id == id) {
		uint64_t keep = n->alias_id;

		if (hashmap_get(&dev->ids, id) == n)
			hashmap_remove(&dev->ids, id);
		n->has_alias = false;
		node_set_id(n, keep, n->id_digits);
	}
}

/*
 * The id a twin pair is applied with, for an op on a node: the first copy's,
 * unless only the other witness's id names a live node (the first witness
 * lost the ADD), or the first copy's names a node made from a twin pair
 * while the other's names one only its own witness printed: a pair guessed
 * among alike nodes gave the first id to the wrong one, which forgets it.
 */
static void twin_pick_id(struct drc_device *dev, struct drc_event *a, const struct drc_event *b)
{
	struct drc_node *x = id_node(dev, a), *y = id_node(dev, b);

	if (!y || x == y)
		return;
	if (x) {
		if (!x->has_alias || y->has_alias)
			return;
		node_forget_id(dev, x, a->id);
	}
	a->id = b->id;
	a->id_digits = b->id_digits;
}

/*
 * The step of a clock, from its times: the largest power of ten up to 10 ms
 * that divides every time seen. Eight times all multiples of a step by chance
 * are one in 10^8 even for a 10 us step; with fewer, a clock is taken not to
 * step.
 */
#define CLOCK_STEP_SAMPLES 8

static void witness_note_clock(struct drc_boot *boot, const struct drc_event *ev)
{
	unsigned w = ev->witness;
	int64_t step = 1;

	if (ev->ts_usec < 0)
		return;
	while (step < 10000 && ev->ts_usec % (step * 10) == 0)
		step *= 10;
	if (!boot->ts_res[w] || step < boot->ts_res[w])
		boot->ts_res[w] = step;
	if (boot->ts_res_seen[w] < CLOCK_STEP_SAMPLES)
		boot->ts_res_seen[w]++;
}

static int64_t clock_step(const struct drc_boot *boot, unsigned w)
{
	return boot->ts_res_seen[w] >= CLOCK_STEP_SAMPLES ? boot->ts_res[w] : 1;
}

/* The other witness's oldest copy without a twin that is @ev's twin;
 * *@by_time set when it was picked by time, not order. */
static struct witness_rec *witness_find(struct drc_boot *boot, struct witness_ring *other, unsigned wo,
					const struct drc_event *ev, struct drc_device *dev, bool equal_ids,
					bool *by_time)
{
	int64_t off = boot->have_offset[ev->witness] ? boot->ts_offset[ev->witness] : 0, best_d = 0;
	struct witness_rec *best = NULL, *first = NULL;
	unsigned seen = 0;

	for (size_t i = 0; i < other->len && seen < dev->wopen[wo]; i++) {
		struct witness_rec *r = ring_at(other, i);
		int64_t d;

		if (r->twinned || r->dev != dev)
			continue;
		seen++;
		if (!is_twin(boot, r, ev, dev, equal_ids))
			continue;
		/* the oldest, once twins were seen on the device: both
		 * witnesses print its operations in one order */
		if (dev->ahead || ev->ts_usec < 0 || r->ev.ts_usec < 0)
			return r;
		/*
		 * The device's first twins, or the first after a loss: a cycle
		 * of bind and unbind repeats ops, names and sizes, so the order
		 * is lost with the lines; one devres_log() call printed both
		 * copies, so the twin is the copy closest in time (less the
		 * clocks' offset the last twins showed).
		 */
		d = llabs(ev->ts_usec - r->ev.ts_usec - off);
		if (!first)
			first = r;
		if (!best || d < best_d) {
			best = r;
			best_d = d;
		}
	}
	/*
	 * A clock that steps (printk's on a kernel whose sched_clock is
	 * jiffies, as User-Mode Linux's: every time a multiple of 10 ms)
	 * stamps one release batch or probe with one time, and the offset
	 * the last twins showed is only good to a step: copies that close
	 * are told apart by order alone, and the oldest is the twin.
	 */
	*by_time = best != NULL;
	if (first && first != best &&
	    llabs(ev->ts_usec - first->ev.ts_usec - off) <= best_d + clock_step(boot, 0) + clock_step(boot, 1))
		return first;
	return best;
}

static int model_apply_one(struct drc_ctx *ctx, struct drc_device *dev, struct drc_event *ev);
static int model_uevent_apply(struct drc_ctx *ctx, struct drc_uevent *ev);
static void model_probe_failed_apply(struct drc_ctx *ctx, const char *device, const struct drc_origin *o);
static void model_probe_attempt_apply(struct drc_ctx *ctx, const char *device);
/* the action of a waiting "uevent" that is a probe's start (drc_model_probe_attempt()) */
static const char probe_attempt[] = "(probe)";
static int witness_drain(struct drc_ctx *ctx, struct drc_boot *boot, struct drc_device *dev,
			 uint64_t limit[2], bool close);

/* The arrival of the oldest copy still held of the witnesses in @mask, or UINT64_MAX. */
static uint64_t held_oldest(struct drc_boot *boot, unsigned mask)
{
	uint64_t oldest = UINT64_MAX;

	for (unsigned w = 0; w < 2; w++) {
		struct witness_ring *ring = &boot->ring[w];

		if ((mask & (1u << w)) && ring->held && ring_first_held(ring) < ring->len)
			oldest = MIN(oldest, ring_at(ring, ring->applied_below)->arrival);
	}
	return oldest;
}

static int uevent_pop(struct drc_ctx *ctx, struct drc_boot *boot)
{
	struct witness_uevent *u = &boot->uq[boot->uq_head];

	boot->uq_head++;
	if (!--boot->uq_len)
		boot->uq_head = 0;
	if (u->ev.action == probe_attempt) {
		model_probe_attempt_apply(ctx, u->ev.device);
		return 0;
	}
	if (u->ev.action)
		return model_uevent_apply(ctx, &u->ev);
	model_probe_failed_apply(ctx, u->ev.device, &u->ev.origin);
	return 0;
}

/* The waiting uevents whose witnesses have nothing held from before them
 * (@all: every one). */
static int uevents_release(struct drc_ctx *ctx, struct drc_boot *boot, bool all)
{
	int r = 0;

	while (boot->uq_len && r >= 0) {
		struct witness_uevent *u = &boot->uq[boot->uq_head];

		if (!all && held_oldest(boot, u->witnesses) < u->arrival)
			break;
		r = uevent_pop(ctx, boot);
	}
	return r;
}

/*
 * A waiting uevent stands in the stream of its witnesses: their copies
 * that came after it come after it. Before @r of witness @w, the ones
 * that came before @r go, each after its witnesses' copies from before it.
 */
static int uevents_before(struct drc_ctx *ctx, struct drc_boot *boot, unsigned w, const struct witness_rec *r)
{
	int ret = 0;

	if (boot->uq_forcing)
		return 0;
	boot->uq_forcing = true;
	while (ret >= 0 && boot->uq_len && boot->uq[boot->uq_head].arrival < r->arrival &&
	       (boot->uq[boot->uq_head].witnesses & (1u << w))) {
		struct witness_uevent *u = &boot->uq[boot->uq_head];
		uint64_t limit[2];

		for (unsigned k = 0; k < 2; k++)
			limit[k] = u->witnesses & (1u << k) ? u->arrival : 0;
		ret = witness_drain(ctx, boot, NULL, limit, false);
		if (ret >= 0)
			ret = uevent_pop(ctx, boot);
	}
	boot->uq_forcing = false;
	return ret;
}

static int rec_apply(struct drc_ctx *ctx, struct drc_boot *boot, unsigned w, struct witness_rec *r)
{
	struct witness_ring *ring = &boot->ring[w];
	int ret;

	if (r->applied)
		return 0;
	ret = uevents_before(ctx, boot, w, r);
	if (ret < 0 || r->applied)      /* applied by the drain */
		return ret;
	/* one witness prints all devices in one order: its copies held from
	 * before @r, on any device, go first (a twin may still come for them) */
	for (size_t i = ring_first_held(ring); ring->held > 1 && i < ring->len && ret >= 0; i++) {
		struct witness_rec *x = ring_at(ring, i);

		if (x == r)
			break;
		if (!x->applied)
			ret = rec_apply(ctx, boot, w, x);
	}
	if (ret < 0 || r->applied)
		return ret;
	r->applied = true;
	boot->ring[w].held--;
	return model_apply_one(ctx, r->dev, &r->ev);
}

static void rec_twinned(struct witness_rec *r, unsigned w)
{
	if (!r->twinned) {
		r->twinned = true;
		r->dev->wopen[w]--;
	}
}

static void ring_compact(struct witness_ring *ring)
{
	while (ring->len && ring->recs[ring->head].twinned && ring->recs[ring->head].applied)
		ring_pop(ring);
}

/* Earlier of two held or open copies: the kernel's time, then arrival. */
static bool rec_before(const struct witness_rec *a, const struct witness_rec *b)
{
	if (a->ev.ts_usec >= 0 && b->ev.ts_usec >= 0 && a->ev.ts_usec != b->ev.ts_usec)
		return a->ev.ts_usec < b->ev.ts_usec;
	return a->arrival < b->arrival;
}

/* A copy without a twin that a drain takes: see witness_drain(). */
static bool drain_takes(const struct witness_rec *x, const struct drc_device *dev, bool close)
{
	return (!dev || x->dev == dev) && !(x->applied && (x->twinned || !close));
}

/* The first copy at or after @i of @ring a drain takes (on @only, if set). */
static struct witness_rec *drain_next(struct witness_ring *ring, size_t *i, uint64_t limit,
				      const struct drc_device *dev, const struct drc_device *only, bool close)
{
	for (size_t j = *i; j < ring->len; j++) {
		struct witness_rec *x = ring_at(ring, j);

		if (x->arrival >= limit)
			break;
		if (!drain_takes(x, dev, close) || (only && x->dev != only))
			continue;
		if (!only)
			*i = j;
		return x;
	}
	if (!only)
		*i = ring->len;
	return NULL;
}

/*
 * Copies of both witnesses without a twin, on @dev only (NULL: every device)
 * and arrived before @limit (NULL: all): the operations one witness lost.
 * Held ones are applied in the kernel's order as far as it can be told:
 * by time, and on one device the copies of the witness that is behind
 * first, as the ones the reader ahead lost came before what it has shown
 * since (the witness behind is the one whose copy came later). With @close
 * they will never have a twin.
 */
static int witness_drain(struct drc_ctx *ctx, struct drc_boot *boot, struct drc_device *dev,
			 uint64_t limit[2], bool close)
{
	/* without @close, only copies not applied yet are taken */
	size_t i[2] = { close ? 0 : ring_first_held(&boot->ring[0]), close ? 0 : ring_first_held(&boot->ring[1]) };
	int r = 0;

	while (r >= 0) {
		struct witness_rec *c[2], *x, *y;
		unsigned w;

		for (w = 0; w < 2; w++)
			c[w] = drain_next(&boot->ring[w], &i[w], limit ? limit[w] : UINT64_MAX, dev, NULL,
					  close);
		if (!c[0] && !c[1])
			break;
		w = !c[0] || (c[1] && rec_before(c[1], c[0]));
		x = c[w];
		/* x's witness is ahead on its device: the other's copies on it
		 * without a twin are what x's witness lost before x, wherever
		 * the drain stops (the ring ahead is cut at a twin, @close) */
		y = NULL;
		if (x->dev->ahead == w + 1)
			y = drain_next(&boot->ring[!w], &(size_t){ close ? i[!w] : 0 },
				       close && limit ? limit[!w] : UINT64_MAX, dev, x->dev, close);
		if (y) {
			x = y;
			w = !w;
		}
		if (close)
			rec_twinned(x, w);
		r = rec_apply(ctx, boot, w, x);
	}
	ring_compact(&boot->ring[0]);
	ring_compact(&boot->ring[1]);
	return r;
}

int drc_model_held_each(struct drc_ctx *ctx, const struct drc_device *dev,
			int (*fn)(void *data, const struct drc_event *ev), void *data)
{
	struct drc_boot *boot;
	size_t i[2];

	PIPE_SYNC(ctx);
	boot = ctx->nboots ? &ctx->boots[ctx->nboots - 1] : NULL;
	if (!boot || (!boot->ring[0].held && !boot->ring[1].held))
		return 0;
	i[0] = ring_first_held(&boot->ring[0]);
	i[1] = ring_first_held(&boot->ring[1]);
	for (;;) {
		struct witness_rec *c[2];
		unsigned w;
		int r;

		for (w = 0; w < 2; w++)
			c[w] = drain_next(&boot->ring[w], &i[w], UINT64_MAX, dev, NULL, false);
		if (!c[0] && !c[1])
			return 0;
		w = !c[0] || (c[1] && rec_before(c[1], c[0]));
		i[w]++;
		r = fn(data, &c[w]->ev);
		if (r)
			return r < 0 ? r : 0;
	}
}

int drc_model_witness_flush(struct drc_ctx *ctx)
{
	struct drc_boot *boot;
	int r = 0;

	PIPE_SYNC(ctx);
	boot = ctx->nboots ? &ctx->boots[ctx->nboots - 1] : NULL;
	if (!boot)
		return 0;
	if (boot->ring[0].held || boot->ring[1].held)
		r = witness_drain(ctx, boot, NULL, NULL, false);
	if (r >= 0)
		r = uevents_release(ctx, boot, true);
	return r;
}

int drc_model_witness_loss(struct drc_ctx *ctx)
{
	int r = drc_model_witness_flush(ctx);

	for (struct drc_device *dev = ctx->devices_head; dev; dev = dev->all_next)
		if (ctx->nboots && dev->boot == ctx->nboots - 1)
			dev->ahead = 0;
	return r;
}

/* The open group whose grp> a raw pointer @ev's id is: node[1] of its
 * struct devres_group. A 32-bit kernel prints raw and hashed pointers alike
 * with 8 digits, and so does a 64-bit one whose memory is below 4 GiB (User-
 * Mode Linux): two hashes 0x14 or 0x28 apart by chance are one in 2^32, taken
 * for a grp> whose name is printed as an address (@low) */
static bool close_offset_ok(uint64_t id, unsigned digits, bool low, uint64_t open_id)
{
	if (digits == 16)
		return ((id >> 32) != 0 || low) && open_id + GROUP_CLOSE_OFFSET_64 == id;
	return digits == 8 && (open_id + GROUP_CLOSE_OFFSET_32 == id || open_id + GROUP_CLOSE_OFFSET_64 == id);
}

static struct drc_group *group_of_close(const struct drc_device *dev, uint64_t id, unsigned digits, bool low)
{
	/* the live grp< at the offset, through the id map (100,000 nested
	 * groups: a walk of the open ones per grp> is quadratic, #17) */
	const uint64_t offs[2] = { GROUP_CLOSE_OFFSET_64, GROUP_CLOSE_OFFSET_32 };

	for (unsigned i = 0; i < 2; i++) {
		const struct drc_node *o = id >= offs[i] ? hashmap_get(&dev->ids, id - offs[i]) : NULL;

		if (o && o->id == id - offs[i] && o->kind == DRC_NODE_GROUP_OPEN && o->group &&
		    o->group->open == o && o->group->open_listed && close_offset_ok(id, digits, low, o->id))
			return o->group;
	}
	return NULL;
}

/*
 * Before 6.13 the dev:devres_log record holds the name as a pointer, and a
 * trace read without the kernel's own formatting (trace.dat, `trace-cmd
 * report`, a raw pipe) prints it as an address: "grp<" and "grp>" are then
 * two addresses like any other name. Both markers have size 0; a closed
 * group's pair lies sizeof(struct devres_node) apart in one struct
 * devres_group (opres.c learns both names from it). A group never closed
 * has no grp>: what tells its grp< is that remove_nodes() moves the markers
 * of the groups it sweeps behind the regular nodes, so that release_nodes()
 * releases them first, out of list order.
 */
static bool maybe_marker(const struct drc_node *n)
{
	return n && n->kind == DRC_NODE_RES && n->size == 0 && n->name && name_is_address(n->name);
}

/*
 * A name learnt after its nodes went in as resources (a live collector that
 * wrote a record before it had the string): grp< nodes become open groups,
 * and grp> nodes close the open group they lie at node[1] of.
 *
 * One walk of each device's list does it, moving each node once, so that
 * 100,000 nested groups learnt late cost a walk, not a walk per group
 * (#17). Every node after the walk's place still has the group it was
 * added in (the "root": a group known then, or none):
 *   - a grp< that becomes group G, in root R, means that what follows it in
 *     R is G's up to G's grp> (R's "tip" is G, then G's parent again);
 *     what is nested in G moves R's tip on to it;
 *   - a grp> that closes G means that what follows it in G is G's
 *     parent's: G stands for its parent from there on, for good, so the
 *     chains are shortened as they are followed.
 * Without memory for the walk's maps a node stays where it is, as a name
 * stays unlearnt above.
 */
struct regroup {
	struct hashmap tip;             /* root (0: none) -> the group that stands for it here */
	struct hashmap ends;            /* a grp> to come -> the adopted group it closes */
	struct hashmap roots;           /* an adopted group -> its root */
};

/* the value that stands for "no group" in a map, which holds no NULL */
static struct drc_group regroup_none;

static uint64_t regroup_key(const struct drc_group *g)
{
	return (uint64_t)(uintptr_t)g;
}

static struct drc_group *regroup_val(struct drc_group *v)
{
	return v == &regroup_none ? NULL : v;
}

static int regroup_set(struct hashmap *m, const struct drc_group *g, struct drc_group *by)
{
	return hashmap_put(m, regroup_key(g), by ? by : &regroup_none);
}

/* where what was added in @root goes (the close walk: a chain, shortened) */
static struct drc_group *regroup_resolve(struct regroup *rg, struct drc_group *root, bool chain)
{
	struct drc_group *r = hashmap_get(&rg->tip, regroup_key(root)), *g, *end;

	if (!r)
		return root;
	if (!chain)
		return regroup_val(r);
	for (end = regroup_val(r); (r = hashmap_get(&rg->tip, regroup_key(end)));)
		end = regroup_val(r);
	for (g = root; g != end && (r = hashmap_get(&rg->tip, regroup_key(g))); g = regroup_val(r))
		(void)regroup_set(&rg->tip, g, end);
	return end;
}

/* @close, a live node added as a resource, was the grp> of the open group @g */
static void group_close_late(struct drc_device *dev, struct drc_group *g, struct drc_node *close)
{
	open_groups_remove(dev, g);
	g->state = DRC_GROUP_CLOSED;
	g->close = close;
	g->close_origin = close->origin;
	group_unref(close->group);
	close->group = group_ref(g);
	close->kind = DRC_NODE_GROUP_CLOSE;
	dev->live--;                    /* a marker is not a resource (size 0) */
}

/* its grp>, by place: the first live resource of size 0 after @p at the
 * offset devres_close_group() leaves, found through the id map */
static struct drc_node *late_close_of(const struct drc_device *dev, const struct drc_node *p)
{
	const uint64_t offs[2] = { GROUP_CLOSE_OFFSET_64, GROUP_CLOSE_OFFSET_32 };
	struct drc_node *best = NULL;

	for (unsigned i = 0; i < 2; i++) {
		struct drc_node *c = hashmap_get(&dev->ids, p->id + offs[i]);

		if (c && c->id == p->id + offs[i] && c->kind == DRC_NODE_RES && c->size == 0 &&
		    c->state == DRC_NODE_LIVE && c->order > p->order &&
		    close_offset_ok(c->id, c->id_digits, true, p->id) && (!best || c->order < best->order))
			best = c;
	}
	return best;
}

/* A live node added as a resource was the grp< of a group still open: it
 * becomes one; what follows it is moved by the walk (@rg). */
static int group_adopt(struct drc_device *dev, struct regroup *rg, struct drc_node *p, struct drc_group *root,
		       const char *word)
{
	struct drc_group *g = group_new(), *parent = p->group, *c, *prev = NULL;
	struct drc_node *close;

	if (!g)
		return -ENOMEM;
	close = late_close_of(dev, p);
	if (regroup_set(&rg->roots, g, root) < 0 ||
	    (close && hashmap_put(&rg->ends, (uint64_t)(uintptr_t)close, g) < 0) ||
	    regroup_set(&rg->tip, root, g) < 0) {
		hashmap_remove(&rg->roots, regroup_key(g));
		if (close)
			hashmap_remove(&rg->ends, (uint64_t)(uintptr_t)close);
		free(g);
		return -ENOMEM;
	}
	g->refs = 1;
	g->state = DRC_GROUP_OPEN;
	g->open = p;
	g->parent = parent;             /* p's reference, taken over */
	g->open_origin = p->origin;
	g->open_run = p->run;
	g->ctx_dev = p->ctx_dev;
	memcpy(g->id_str, p->id_str, sizeof(g->id_str));
	p->group = g;
	p->kind = DRC_NODE_GROUP_OPEN;
	p->name = word;
	dev->live--;                    /* a marker is not a resource (size 0) */
	if (close)
		return 0;               /* closed when the walk reaches its grp> */
	/* the stack of open groups, newest first: below those opened after it */
	for (c = dev->open_groups; c && c->open && c->open->order > p->order; c = c->open_next)
		prev = c;
	g->open_prev = prev;
	g->open_next = c;
	if (c)
		c->open_prev = g;
	if (prev)
		prev->open_next = g;
	else
		dev->open_groups = g;
	g->open_listed = true;
	return 0;
}

static void markers_learnt_dev(struct drc_device *d, const char *word, bool open)
{
	struct regroup rg = { HASHMAP_INIT, HASHMAP_INIT, HASHMAP_INIT };

	for (struct drc_node *n = d->head; n; n = n->next) {
		struct drc_group *g = hashmap_get(&rg.ends, (uint64_t)(uintptr_t)n), *root = n->group, *r;

		if (g) {                /* an adopted group's grp>: its root's tip is its parent again */
			root = regroup_val(hashmap_get(&rg.roots, regroup_key(g)));
			if (g->parent == root)
				hashmap_remove(&rg.tip, regroup_key(root));
			else
				(void)regroup_set(&rg.tip, root, g->parent);
			group_close_late(d, g, n);
			continue;
		}
		/* what was added in a group that now has another standing for it */
		if (n->kind == DRC_NODE_GROUP_OPEN && n->group) {
			if ((r = regroup_resolve(&rg, n->group->parent, !open)) != n->group->parent) {
				group_unref(n->group->parent);
				n->group->parent = group_ref(r);
			}
		} else if (node_is_res(n) && (r = regroup_resolve(&rg, n->group, !open)) != n->group) {
			group_unref(n->group);
			n->group = group_ref(r);
		}
		if (n->name != word || n->kind != DRC_NODE_RES || n->size != 0)
			continue;
		if (open) {
			(void)group_adopt(d, &rg, n, root, word);
		} else if ((g = group_of_close(d, n->id, n->id_digits, true))) {
			group_close_late(d, g, n);
			/* what was added after it to g is g's parent's (without
			 * memory for that, it stays g's) */
			(void)regroup_set(&rg.tip, g, g->parent);
		}
	}
	hashmap_done(&rg.tip);
	hashmap_done(&rg.ends);
	hashmap_done(&rg.roots);
}

static void markers_learnt(struct drc_ctx *ctx, unsigned bootidx, const char *word)
{
	bool open = word == ctx->s_grp_open;

	if (!open && word != ctx->s_grp_close)
		return;
	for (struct drc_device *d = ctx->devices_head; d; d = d->all_next)
		if (d->boot == bootidx)
			markers_learnt_dev(d, word, open);
}

/* A name the trace printed as an address is @word: rename the live nodes. */
static void witness_learn_name(struct drc_ctx *ctx, struct drc_boot *boot, const char *addr, const char *word)
{
	unsigned bootidx = (unsigned)(boot - ctx->boots);

	if (hashmap_get(&boot->names, (uint64_t)(uintptr_t)addr) ||
	    hashmap_put(&boot->names, (uint64_t)(uintptr_t)addr, (void *)word) < 0)
		return;
	for (struct drc_device *d = ctx->devices_head; d; d = d->all_next)
		if (d->boot == bootidx)
			for (struct drc_node *n = d->head; n; n = n->next)
				if (n->name == addr)
					n->name = word;
	for (unsigned w = 0; w < 2; w++)
		for (size_t i = 0; i < boot->ring[w].len; i++) {
			struct witness_rec *x = ring_at(&boot->ring[w], i);

			if (x->ev.name == addr)
				x->ev.name = word;
		}
	markers_learnt(ctx, bootidx, word);
}

int drc_model_learn_name(struct drc_ctx *ctx, const char *addr, size_t alen, const char *word, size_t wlen)
{
	const char *a, *w;

	PIPE_SYNC(ctx);
	if (!ctx->nboots)
		return 0;
	a = drc_intern(ctx, addr, alen);
	w = drc_intern(ctx, word, wlen);
	if (!a || !w)
		return -ENOMEM;
	witness_learn_name(ctx, &ctx->boots[ctx->nboots - 1], a, w);
	return 0;
}

/* @n, the node @applied made, is @id in the other witness. */
static void node_alias(struct drc_device *dev, struct drc_node *n, const struct drc_event *other)
{
	if (!n || n->has_alias || !other->id_digits || (n->has_id && n->id == other->id))
		return;
	if (hashmap_get(&dev->ids, other->id))
		return;         /* live already: the alias would be the wrong node */
	if (hashmap_put(&dev->ids, other->id, n) < 0)
		return;
	n->alias_id = other->id;
	n->has_alias = true;
}

/* The live node an ADD made, if it is still there. */
static struct drc_node *node_of_add(struct drc_device *dev, const struct drc_event *add)
{
	struct drc_node *n = add->id_digits ? hashmap_get(&dev->ids, add->id) : NULL;

	if (n && n->origin.line == add->origin.line && n->origin.source == add->origin.source)
		return n;
	return NULL;
}

/* @ev is the twin of @r, which the other witness @wo printed. */
static int witness_pair(struct drc_ctx *ctx, struct drc_boot *boot, struct witness_rec *r, unsigned wo,
			const struct drc_event *ev, bool guessed)
{
	struct drc_event *a = &r->ev, other = *ev;
	const struct drc_event *printk = ev->witness == DRC_WITNESS_PRINTK ? ev : a;
	int ret = 0;

	if (a->id_digits && ev->id_digits) {
		if (a->id == ev->id)
			boot->ids_equal++;
		else
			boot->ids_differ++;
		boot->ids = boot->ids_equal > boot->ids_differ ? WITNESS_IDS_SAME :
			    boot->ids_differ > boot->ids_equal ? WITNESS_IDS_DIFFERENT : WITNESS_IDS_UNKNOWN;
	}
	if (a->name != ev->name) {
		const char *addr = name_is_address(a->name) ? a->name : ev->name;

		witness_learn_name(ctx, boot, addr, addr == a->name ? ev->name : a->name);
	}
	ctx->stats.duplicates++;
	r->dev->ahead = (uint8_t)(wo + 1);
	if (a->ts_usec >= 0 && ev->ts_usec >= 0) {
		boot->ts_offset[ev->witness] = ev->ts_usec - a->ts_usec;
		boot->ts_offset[wo] = a->ts_usec - ev->ts_usec;
		boot->have_offset[0] = boot->have_offset[1] = true;
	}
	rec_twinned(r, wo);
	if (!r->applied) {
		/* one event with what each witness knows: the printk copy's
		 * binding prefix and kmsg identity, the trace's id for a new
		 * node (raw pointers pair a grp> with its grp<), the printk
		 * id its alias */
		if (a->op == DRC_OP_ADD && a->witness == DRC_WITNESS_PRINTK && ev->id_digits &&
		    boot->ids != WITNESS_IDS_SAME) {
			other.id = a->id;
			other.id_digits = a->id_digits;
			a->id = ev->id;
			a->id_digits = ev->id_digits;
		}
		if (!a->prefix)
			a->prefix = printk->prefix;
		if (!a->subsystem)
			a->subsystem = printk->subsystem;
		if (!a->devkey)
			a->devkey = printk->devkey;
		if (a->op != DRC_OP_ADD && boot->ids != WITNESS_IDS_SAME)
			twin_pick_id(r->dev, a, ev);
		a->twin_widx = ev->widx;
		ret = rec_apply(ctx, boot, wo, r);
	} else if (ev->prefix && !r->dev->prefix) {
		device_note_prefix(r->dev, ev->prefix);
	}
	if (a->op == DRC_OP_ADD) {
		struct drc_node *n = node_of_add(r->dev, a);

		node_alias(r->dev, n, &other);
		if (n && ev->widx)
			n->widx[ev->witness & 1] = ev->widx;    /* a twin that came after it was applied */
		if (n && guessed)
			n->twin_guessed = true;
	}
	ring_compact(&boot->ring[wo]);
	return ret;
}

/* More room in @ring, its copies kept in order; without the memory it stays full. */
static void ring_grow(struct witness_ring *ring, size_t cap)
{
	struct witness_rec *recs = malloc(cap * sizeof(*recs));

	if (!recs)
		return;
	for (size_t i = 0; i < ring->len; i++)
		recs[i] = *ring_at(ring, i);
	free(ring->recs);
	ring->recs = recs;
	ring->head = 0;
	ring->cap = cap;
}

/* How many copies a ring keeps: as many as a reader can be behind once two
 * witnesses were seen or a collector declared both, else fewer. */
static size_t witness_limit(const struct drc_ctx *ctx, const struct drc_boot *boot)
{
	if ((boot->witnesses & 3u) == 3u || (ctx->witnesses_declared & 3u) == 3u)
		return ctx->witness_window;
	return MIN(ctx->witness_window, (size_t)DRC_WITNESS_RING_ALONE);
}

/* Keep @ev in its witness's ring, applied or @held for its twin. */
static int witness_push(struct drc_ctx *ctx, struct drc_boot *boot, const struct drc_event *ev,
			struct drc_device *dev, bool held)
{
	struct witness_ring *ring = &boot->ring[ev->witness];
	struct witness_rec *r;
	int ret = 0;

	if (!ring->recs) {
		ring->cap = MAX(MIN((size_t)DRC_WITNESS_RING, ctx->witness_window), (size_t)1);
		ring->recs = calloc(ring->cap, sizeof(*ring->recs));
		if (!ring->recs)        /* without the ring, twins are only not found */
			return model_apply_one(ctx, dev, (struct drc_event *)ev);
	}
	if (ring->len == ring->cap && ring->cap < witness_limit(ctx, boot))
		ring_grow(ring, MIN(ring->cap * 2, witness_limit(ctx, boot)));
	if (ring->len == ring->cap) {
		/* the oldest copy has waited as long as the ring allows: a
		 * reader this far behind lost it. It was written a ring ago:
		 * the next ones to go, and their devices, are fetched ahead */
		if (ring->len > 16) {
			__builtin_prefetch(ring_at(ring, 16));
			__builtin_prefetch(&ring_at(ring, 8)->dev->wopen[ev->witness]);
		}
		r = ring_at(ring, 0);
		rec_twinned(r, ev->witness);
		ret = rec_apply(ctx, boot, ev->witness, r);
		ring_pop(ring);
	}
	r = ring_at(ring, ring->len++);
	r->ev = *ev;                    /* field by field: no zeroing of the whole copy first */
	r->dev = dev;
	r->arrival = ++boot->arrivals;
	r->applied = !held;
	r->twinned = false;
	dev->wopen[ev->witness]++;
	if (held) {
		ring->held++;
		return ret;
	}
	if (ret < 0)
		return ret;
	return model_apply_one(ctx, dev, &r->ev);
}

/* @ev from one witness while the other is on too. */
static int witness_take(struct drc_ctx *ctx, struct drc_boot *boot, struct drc_event *ev,
			struct drc_device *dev)
{
	unsigned w = ev->witness, wo = !w;
	struct witness_ring *other = &boot->ring[wo];
	struct witness_rec *r = NULL;
	uint64_t limit[2];
	bool by_time = false;
	int ret;

	if (dev->wopen[wo]) {
		/* with the relation of the ids unknown, equal ids find a twin first */
		if (boot->ids == WITNESS_IDS_UNKNOWN)
			r = witness_find(boot, other, wo, ev, dev, true, &by_time);
		if (!r)
			r = witness_find(boot, other, wo, ev, dev, false, &by_time);
	}
	if (!r) {
		ret = witness_push(ctx, boot, ev, dev, true);
		return ret < 0 ? ret : uevents_release(ctx, boot, false);
	}
	/* what came before the twin on this device, from either witness, has
	 * no twin any more */
	limit[wo] = r->arrival;
	limit[w] = UINT64_MAX;
	ret = witness_drain(ctx, boot, dev, limit, true);
	if (ret >= 0) {
		/* the first twins after a loss are picked by time, and those
		 * after them by order from there: if the first were two
		 * cycles' alike copies, so are the rest */
		if (by_time && boot->lost_last.line)
			dev->twins_guessed = true;
		ret = witness_pair(ctx, boot, r, wo, ev, dev->twins_guessed);
	}
	return ret < 0 ? ret : uevents_release(ctx, boot, false);
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

/* @p, a live node, is a grp<: it and every live node of its name become
 * groups, on every device of the boot (markers_learnt()). */
static int learn_group_open(struct drc_device *dev, struct drc_node *p)
{
	struct drc_ctx *ctx = dev->ctx;
	const char *open = drc_interns(ctx, "grp<");

	if (!open)
		return -ENOMEM;
	witness_learn_name(ctx, &ctx->boots[dev->boot], p->name, open);
	return p->kind == DRC_NODE_GROUP_OPEN ? 0 : -ENOMEM;
}

static int apply_add(struct drc_device *dev, const struct drc_event *ev)
{
	struct drc_ctx *ctx = dev->ctx;
	struct drc_event named;
	struct drc_group *close_of = NULL;
	struct drc_node *old, *n;
	enum drc_node_kind kind = DRC_NODE_RES;
	struct drc_group *g;
	int r;

	old = hashmap_get(&dev->ids, ev->id);
	if (old && ev->id_digits) {
		/* the address is live again: the line that freed it is missing */
		ctx->stats.id_reuse++;
		DRC_MODEL_NOTIFY(ctx, NODE_LOST, .dev = dev, .node = old, .ev = ev);
		if (old->kind == DRC_NODE_GROUP_OPEN && old->group) {
			struct drc_group *og = old->group;

			og->state = DRC_GROUP_LOST;
			open_groups_remove(dev, og);
			if (og->close)
				node_end(dev, og->close, DRC_NODE_LOST, &ev->origin);
		}
		node_end(dev, old, DRC_NODE_LOST, &ev->origin);
	}

	if (ev->name == ctx->s_grp_open)
		kind = DRC_NODE_GROUP_OPEN;
	else if (ev->name == ctx->s_grp_close)
		kind = DRC_NODE_GROUP_CLOSE;
	else if (ev->size == 0 && name_is_address(ev->name) && (close_of = group_of_close(dev, ev->id, ev->id_digits, true))) {
		/* a trace before 6.13 prints the name as its address, and
		 * nothing else lives at an open group's node[1]: its grp> */
		struct drc_boot *boot = &ctx->boots[dev->boot];
		const char *word = drc_interns(ctx, "grp>");

		if (!word)
			return -ENOMEM;
		witness_learn_name(ctx, boot, ev->name, word);
		named = *ev;
		named.name = word;
		ev = &named;
		kind = DRC_NODE_GROUP_CLOSE;
	}

	n = node_new(dev, ev, kind);
	if (!n)
		return -ENOMEM;
	n->order = dev->order_next++;

	if (kind == DRC_NODE_GROUP_OPEN) {
		g = group_new();
		if (!g) {
			node_free(ctx, n);
			return -ENOMEM;
		}
		g->refs = 1;
		g->state = DRC_GROUP_OPEN;
		g->open = n;
		g->parent = group_ref(dev->open_groups);
		g->open_origin = ev->origin;
		memcpy(g->id_str, n->id_str, sizeof(g->id_str));
		g->open_next = dev->open_groups;
		if (g->open_next)
			g->open_next->open_prev = g;
		dev->open_groups = g;
		g->open_listed = true;
		n->group = g;
	} else if (kind == DRC_NODE_GROUP_CLOSE) {
		/* raw pointers: grp> is node[1] of the same struct devres_group */
		g = close_of ? close_of : group_of_close(dev, ev->id, ev->id_digits, false);
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
	if (kind == DRC_NODE_GROUP_CLOSE && !n->group)
		dev->orphan_closes++;
	DRC_MODEL_NOTIFY(ctx, ADDED, .dev = dev, .node = n);
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
	if (!dev->realloc_live || drc_name_is_marker(dev->ctx, ev->name))
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
		DRC_MODEL_NOTIFY(dev->ctx, UNKNOWN, .dev = dev, .ev = ev);
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
		DRC_MODEL_NOTIFY(dev->ctx, UNKNOWN, .dev = dev, .ev = ev);
		dev->ctx->stats.unknown_nodes++;
		n->order = 0;
		r = node_insert(dev, n, NULL);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A release of everything still has nodes of its own to release. */
static bool batch_walk_pending(const struct drc_batch *b)
{
	const struct drc_node *next = b->have_cursor ? res_at_or_before(b->cursor) : NULL;

	return next && next->order < b->start_order;
}

static bool batch_takes_add(const struct drc_device *dev);

/*
 * Two witnesses whose ids differ, each losing part: a node whose ADD only
 * one of them printed (no alias) is released by a line of the other, with
 * an id never seen. Where the kernel's walk is (@cand), a node of that name
 * and size that the releasing witness never printed is that node: it takes
 * the id as its alias.
 */
static struct drc_node *twin_lost_match(struct drc_device *dev, const struct drc_event *ev, struct drc_node *cand)
{
	const struct drc_boot *boot = &dev->ctx->boots[dev->boot];

	if (!cand || !ev->id_digits || boot->witnesses != 3u || boot->ids != WITNESS_IDS_DIFFERENT ||
	    cand->has_alias || cand->id_witness == ev->witness || cand->name != ev->name || cand->size != ev->size)
		return NULL;
	node_alias(dev, cand, ev);
	return cand->has_alias ? cand : NULL;
}

/* how far back from the list's end a lost twin's grp< is looked for: the
 * walk is per release of an unknown marker (100,000 nested groups released
 * at once made it quadratic) */
#define TWIN_MARKER_SCAN 4096

/* The same for a group marker, which is released out of the walk: the one
 * live grp< of the device the releasing witness never printed, if only one
 * among the last TWIN_MARKER_SCAN nodes. */
static struct drc_node *twin_lost_marker(struct drc_device *dev, const struct drc_event *ev)
{
	const struct drc_boot *boot = &dev->ctx->boots[dev->boot];
	struct drc_node *cand = NULL;
	unsigned seen = 0;

	if (boot->witnesses != 3u || boot->ids != WITNESS_IDS_DIFFERENT || ev->name != dev->ctx->s_grp_open)
		return NULL;
	for (struct drc_node *m = dev->tail; m; m = m->prev) {
		if (++seen > TWIN_MARKER_SCAN)
			return NULL;
		if (m->kind != DRC_NODE_GROUP_OPEN || m->name != ev->name || m->has_alias ||
		    m->id_witness == ev->witness)
			continue;
		if (cand)
			return NULL;    /* two: nothing tells them apart */
		cand = m;
	}
	return twin_lost_match(dev, ev, cand);
}

/*
 * A release of a size-0 node named by an address, live, where no walk
 * would be: not the list's last resource, no batch's walk running (which
 * releases in list order), with resources after it still live. Only group
 * markers are released so (remove_nodes() puts them behind the regular
 * nodes): a grp< not known as one.
 */
static bool rel_is_unnamed_open(struct drc_device *dev, const struct drc_node *n)
{
	const struct drc_node *after;

	/* inside a walk the list is off the device: no group release can run */
	if (!maybe_marker(n) || n == res_at_or_before(dev->tail) || batch_takes_add(dev))
		return false;
	for (after = n->next; after && !node_is_res(after); after = after->next)
		;
	return after != NULL;
}

/*
 * A group release whose grp< the capture does not hold, on a device whose
 * list holds a grp> without its grp< (the capture started inside a bind,
 * after the group was opened): that grp> is where the group ended, and its
 * release walks back from the node before it. With several such grp>, the
 * newest (the widest group), or NULL.
 */
static struct drc_node *orphan_group_close(const struct drc_device *dev, const struct drc_batch *b)
{
	struct drc_node *close = NULL;
	unsigned left = dev->orphan_closes;

	/* the list is in order: they are among the first (batch_close()) */
	for (struct drc_node *n = dev->head; n && left && n->order < b->start_order; n = n->next)
		if (n->kind == DRC_NODE_GROUP_CLOSE && !n->group) {
			left--;
			close = n;
		}
	return close;
}

static int apply_rel(struct drc_device *dev, const struct drc_event *ev)
{
	struct drc_ctx *ctx = dev->ctx;
	bool is_marker = drc_name_is_marker(ctx, ev->name);
	struct drc_batch *b = dev->batch;
	struct drc_node *n, *expected = NULL, *exp_tail = NULL, *exp_range = NULL, *exp_orphan = NULL;
	struct drc_node *close = NULL;
	struct drc_event named;

	if (!is_marker && ev->id_digits && ev->size == 0 && name_is_address(ev->name) &&
	    rel_is_unnamed_open(dev, n = hashmap_get(&dev->ids, ev->id)) && n->name == ev->name) {
		int r = learn_group_open(dev, n);

		if (r < 0)
			return r;
		named = *ev;
		named.name = n->name;
		ev = &named;
		is_marker = true;
	}

	/* an address is found at once; a node without one by its place, below */
	n = !ev->id_digits ? (is_marker ? lookup_unaddressed(dev, ev, NULL) : NULL) :
			     hashmap_get(&dev->ids, ev->id);
	if (b && is_marker && b->nodes_started)
		b = NULL;       /* group markers come first in a batch: a new batch */
	/* the walk is over, and what a callback added is released later; but
	 * not a REL of a node never seen that follows at once: past the
	 * oldest node the capture saw, the walk goes on with older ones (a
	 * late start), and a new walk could release only what this one left */
	if (b && b->kind == DRC_BATCH_RELEASE_ALL && b->nodes_started && b->start_order < dev->order_next &&
	    !batch_walk_pending(b) && !(walk_unseen(b) && !n && b->took_seq + 1 == ctx->seq) &&
	    !(!n && !is_marker && b->have_cursor && b->last_seq + 1 == ctx->seq))
		b = NULL;
	/* one devres_release_all() is one call: a release of a node never seen,
	 * after other operations and half a second, is another batch (the same
	 * limit as for a group release below) */
	if (b && !is_marker && !n && b->nodes_started && b->kind == DRC_BATCH_RELEASE_ALL &&
	    b->last_seq + 1 != ctx->seq && ev->ts_usec >= 0 && b->last_ts >= 0 && ev->ts_usec - b->last_ts > DRC_ONE_CALL_USEC)
		b = NULL;
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
				(ev->ts_usec >= 0 && b->last_ts >= 0 && ev->ts_usec - b->last_ts > DRC_ONE_CALL_USEC))))
			b = NULL;
	}
	/* the walk took the list off the device when it started: a node added
	 * since is not in it, and its release is another, later walk */
	if (b && !is_marker && n && n->order >= b->start_order)
		b = NULL;
	/*
	 * A group release walks its nodes newest first, and what a capture
	 * saw added is newer than what it did not (added before it started):
	 * a node newer than one the walk already released (seen or not) is
	 * another, later walk. A group release leaves the device's newer
	 * nodes, and its own unbind releases them later (the late start of a
	 * component unbind, the group's grp< not in the capture). Not a
	 * devm_krealloc() node (it keeps its old place), not when a loss was
	 * reported since the node's ADD (an ADD lost after it makes a newer
	 * node unseen) or, with two witnesses, at all (their copies are then
	 * merged by time, and the list order is the merge's), and not after a
	 * release of everything, which cannot leave the node: what was misread
	 * there is not known, and the release stays in the batch, out of order.
	 */
	if (b && !is_marker && n && b->groups && b->kind != DRC_BATCH_RELEASE_ALL &&
	    b->walk_floor != UINT64_MAX && n->order > b->walk_floor && n->kind == DRC_NODE_RES &&
	    !drc_node_is_uncertain(n) &&
	    !(ctx->boots[dev->boot].witnesses == 3u && ctx->boots[dev->boot].lost_last.line))
		b = NULL;
	if (!b) {
		batch_close(dev);
		b = batch_start(dev, ev);
		if (!b)
			return -ENOMEM;
		/* closing the batch may have freed @n (an orphan grp> goes with
		 * the release that closes: batch_close()): look it up again */
		n = !ev->id_digits ? (is_marker ? lookup_unaddressed(dev, ev, NULL) : NULL) :
				     hashmap_get(&dev->ids, ev->id);
	}
	b->last = ev->origin;
	/* the latest known (a copy without a twin leaves the other as it was) */
	if (ev->widx)
		b->last_widx[ev->witness & 1] = ev->widx;
	if (ev->twin_widx)
		b->last_widx[!(ev->witness & 1)] = ev->twin_widx;

	if (is_marker) {
		if (!n && ev->id_digits)
			n = twin_lost_marker(dev, ev);
		DRC_MODEL_NOTIFY(ctx, RELEASED, .dev = dev, .batch = b, .node = n, .ev = ev);
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
			DRC_MODEL_NOTIFY(dev->ctx, UNKNOWN, .dev = dev, .ev = ev);
			ctx->stats.unknown_nodes++;
		}
		b->last_seq = b->took_seq = ctx->seq;
		b->last_ts = ev->ts_usec;
		return 0;
	}

	/* where the kernel's backwards walk would be now */
	if (b->nodes_started) {
		expected = b->have_cursor ? res_at_or_before(b->cursor) : NULL;
	} else {
		exp_tail = res_at_or_before(dev->tail);
		exp_range = b->range_to_tail ? exp_tail : res_at_or_before(b->range_end);
		if (!exp_range && b->groups && b->groups == b->unknown && dev->orphan_closes &&
		    (close = orphan_group_close(dev, b)))
			exp_orphan = res_at_or_before(close->prev);
	}

	if (!n) {
		struct drc_node *pick = b->nodes_started ? expected :
			(b->groups && exp_range ? exp_range : exp_tail);

		n = lookup_or_realloc(dev, ev, pick);
		if (!n && pick && node_is_res(pick))
			n = twin_lost_match(dev, ev, pick);
	}

	if (!b->nodes_started) {
		b->nodes_started = true;
		if (b->groups && n && n == exp_range)
			b->kind = DRC_BATCH_RELEASE_GROUP;
		else if (n && n == exp_tail)
			batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);
		else if (n && n == exp_orphan) {
			/* the group's range, as far as its grp> tells */
			b->kind = DRC_BATCH_RELEASE_GROUP;
			b->range_end = exp_orphan;
			b->range_end_order = close->order;
		} else if (!b->groups && !n) {
			batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);  /* all unseen: unwind */
			walk_took_run_before(dev, b, ev);
		}
		else if (!n && b->groups == b->unknown && !exp_tail) {
			/* an excerpt that starts at the release: groups and nodes
			 * never seen, nothing known live. A group release and a
			 * release of everything look the same: read as the latter
			 * for the rules (a later REM or release shows it was the
			 * former: the late-start group release), the binding
			 * state left as it was */
			b->kind = DRC_BATCH_RELEASE_ALL;
			b->group_or_all = true;
		}
		else if (n)
			b->out_of_order++;
	} else if (n && n != expected) {
		b->out_of_order++;
	}
	if (b->kind == DRC_BATCH_RELEASE_GROUP && n && n->order < b->group_start_order)
		batch_resolve_kind(dev, b, DRC_BATCH_RELEASE_ALL);

	b->last_seq = b->took_seq = ctx->seq;
	b->last_ts = ev->ts_usec;
	b->proven_order = dev->order_next;
	DRC_MODEL_NOTIFY(ctx, RELEASED, .dev = dev, .batch = b, .node = n, .ev = ev);
	if (!n) {
		b->unknown++;
		b->walk_floor = 0;
		dev->unknown++;
		DRC_MODEL_NOTIFY(dev->ctx, UNKNOWN, .dev = dev, .ev = ev);
		ctx->stats.unknown_nodes++;
		return 0;
	}
	b->released++;
	b->bytes += ev->size;
	b->walk_floor = MIN(b->walk_floor, n->order);
	b->cursor = n->prev;
	b->have_cursor = true;
	n->batch = b;
	if (n->kind == DRC_NODE_GROUP_OPEN && n->group)
		group_end(dev, n->group, DRC_GROUP_RELEASED, DRC_NODE_RELEASED, &ev->origin);
	else
		node_end(dev, n, DRC_NODE_RELEASED, &ev->origin);
	return 0;
}

/*
 * A release of everything whose first REL is of a node never seen, right
 * after a run of ADDs on the device (nothing between, within one call's
 * time): its walk goes newest first, so those newer nodes were not on the
 * list it took. It began before them (before the capture, or in a batch
 * they ended), and a release callback of it added them: they join the
 * batch as nodes added while it ran, proven by this REL, not nodes it left.
 * A walk whose first REL is a group marker may be a group release, which
 * leaves newer nodes: not that.
 */
static void walk_took_run_before(struct drc_device *dev, struct drc_batch *b, const struct drc_event *ev)
{
	struct drc_node *first = NULL;

	if (!dev->add_seq || dev->add_seq + 1 != ev->seq || !dev->tail)
		return;
	for (struct drc_node *n = dev->tail; n && (n->kind == DRC_NODE_RES || n->kind == DRC_NODE_REALLOC) &&
	     n->run == dev->tail->run && n->state == DRC_NODE_LIVE &&
	     !(ev->ts_usec >= 0 && n->ts >= 0 && ev->ts_usec - n->ts > DRC_ONE_CALL_USEC); n = n->prev)
		first = n;
	if (first && first->order < b->start_order)
		b->start_order = first->order;
}

/*
 * devres_release_all() takes the whole list off the device before it runs the
 * callbacks (remove_nodes(), then release_nodes() without the lock): an ADD
 * while nodes of the batch are still to be released was made by a release
 * callback (a devm call during teardown). It lands on the emptied list and
 * stays; the batch goes on with the nodes before it. A batch that starts
 * with an open group reads as a group release until it walks past the
 * group's start.
 */
static bool batch_takes_add(const struct drc_device *dev)
{
	const struct drc_batch *b = dev->batch;
	const struct drc_node *next;

	/* a walk of nodes never seen (the capture starts inside it): where it
	 * is cannot be told, but an ADD right after what it took, with nothing
	 * else between, may have come from the release callback that just
	 * ran; the next operation tells (a REL of the walk's own:
	 * add-during-release; the new node's REL: a new batch, apply_rel();
	 * more ADDs: the next probe, rules-core.c) */
	if (walk_unseen(b))
		return dev->ctx->seq == b->took_seq + 1;
	if (!b || b->kind == DRC_BATCH_UNKNOWN || !b->nodes_started || !b->have_cursor)
		return false;
	next = res_at_or_before(b->cursor);
	/* devres_release_group() too detaches its nodes first: an ADD while
	 * the walk is still inside the group came from a callback */
	return next && next->order < b->start_order &&
	       (b->kind == DRC_BATCH_RELEASE_ALL || next->order > b->group_start_order);
}

/* One operation, once: the model takes it. */
static int model_apply_one(struct drc_ctx *ctx, struct drc_device *dev, struct drc_event *ev)
{
	const struct drc_node *old;
	bool was_bound, id_reused;
	int r = 0;

	ev->seq = ++ctx->seq;
	if (ev->op == DRC_OP_ADD)
		dev->add_seq = ev->seq;
	ev->boot = ctx->nboots - 1;
	ctx->stats.devres_events++;
	dev->events++;
	if (ev->device == ctx->s_null)
		ctx->stats.unnamed_devices++;
	if (ev->op == DRC_OP_ADD && batch_takes_add(dev)) {
		dev->batch->took_seq = ev->seq;
		dev->batch->took_adds |= walk_unseen(dev->batch);
	} else if (ev->op != DRC_OP_REL) {
		batch_close(dev);       /* judge a finished batch before this event's state */
	}
	was_bound = dev->state == DRC_DEVICE_BOUND;
	/*
	 * An id added again while still live: the line that freed it is
	 * missing, so lines are missing somewhere since its ADD and the rules
	 * start a new run here. Not when the capture reported a loss since
	 * that ADD: the loss is where the missing lines went, not between this
	 * line and the one before (a probe whose nodes reuse the ids of the
	 * last cycle, after a kmsg overrun took that cycle's release).
	 */
	old = ev->op == DRC_OP_ADD && ev->id_digits ? hashmap_get(&dev->ids, ev->id) : NULL;
	id_reused = old && !drc_node_is_uncertain(old);
	/*
	 * The prefix printk put before an ADD, REM or REPLACE is what the
	 * device had then (dev_driver_string()): a driver's name while one is
	 * bound. Not that of a REL: devres_release_all() runs before dd.c sets
	 * dev->driver to NULL, so an unbind's RELs still print the driver.
	 */
	if (ev->op != DRC_OP_REL || !dev->prefix)
		device_note_prefix(dev, ev->prefix);
	/*
	 * No prefix (the trace): the pattern tells the binding. dd.c unbinds
	 * with remove(), devres_release_all(), then KOBJ_UNBIND, and probes by
	 * adding nodes before KOBJ_BIND; so an ADD on a device whose list was
	 * released whole is a probe, and the device is bound once it returns
	 * (a failing probe releases everything again). A bus or class prefix
	 * printed earlier says the device has no driver at all.
	 */
	if (ev->op == DRC_OP_ADD && !ev->prefix && !(dev->prefix && dev->prefix_is_bus) &&
	    (dev->state == DRC_DEVICE_UNBOUND || dev->state == DRC_DEVICE_PROBE_FAILED))
		dev->state = DRC_DEVICE_BOUND;

	DRC_MODEL_NOTIFY(ctx, OP, .dev = dev, .ev = ev, .op = { was_bound, id_reused });
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
	DRC_MODEL_NOTIFY(ctx, OP_DONE, .dev = dev, .ev = ev);
	if (r < 0)
		return r;
	if (ctx->event_fn)
		ctx->event_fn(ctx->event_data, ev);
	/* the walk an early unbind waited for is over */
	if (dev->nearly && (!dev->batch || !batch_walk_pending(dev->batch)))
		batch_close(dev);
	if (dev->nearly && !dev->batch)
		early_release(dev);
	return 0;
}

int drc_model_apply(struct drc_ctx *ctx, struct drc_event *ev)
{
	struct drc_boot *boot = drc_ctx_boot(ctx);
	struct drc_device *dev;
	const char *word;
	bool twin_may_come;
	int r;

	if (!boot)
		return -ENOMEM;
	dev = device_lookup(ctx, ev->device, ev->devkey, ev->subsystem, &ev->origin);
	if (!dev)
		return -ENOMEM;
	/* a name printed as an address that a twin already gave as a word */
	word = boot->names.count ? hashmap_get(&boot->names, (uint64_t)(uintptr_t)ev->name) : NULL;
	if (word)
		ev->name = word;
	boot->witnesses |= 1u << ev->witness;
	ev->widx = ++boot->widx[ev->witness];
	ev->twin_widx = 0;
	witness_note_clock(boot, ev);
	if (boot->witnesses == 3u)
		return witness_take(ctx, boot, ev, dev);
	/* one witness so far: a name printed as an address waits for a twin
	 * that may give it as a word, and what comes after waits behind it;
	 * not when the capture said which witnesses it holds and the other
	 * is not among them (a recording of the trace alone): no twin comes */
	twin_may_come = !ctx->witnesses_declared || (ctx->witnesses_declared & (1u << !ev->witness));
	r = witness_push(ctx, boot, ev, dev,
			 (twin_may_come && name_is_address(ev->name)) || boot->ring[0].held || boot->ring[1].held);
	return r < 0 ? r : uevents_release(ctx, boot, false);
}

/*
 * A uevent that comes while copies before it wait for their twin waits
 * behind them: dd.c sends KOBJ_BIND after the probe's ADDs and KOBJ_UNBIND
 * after the release batch, and the copy that comes second may teach the
 * first's name (a group marker printed as an address) before either is
 * applied.
 */
/* 1: @ev, in the stream of @witnesses, waits behind held copies; 0: apply it now */
static int uevent_wait(struct drc_ctx *ctx, const struct drc_uevent *ev, unsigned witnesses)
{
	struct drc_boot *boot = ctx->nboots ? &ctx->boots[ctx->nboots - 1] : NULL;

	if (!boot || (!boot->ring[0].held && !boot->ring[1].held))
		return 0;
	if (!boot->uq)
		boot->uq = calloc(DRC_WITNESS_UEVENTS, sizeof(*boot->uq));
	if (!boot->uq || boot->uq_head + boot->uq_len == DRC_WITNESS_UEVENTS) {
		int r = drc_model_witness_flush(ctx);

		return r < 0 ? r : 0;
	}
	boot->uq[boot->uq_head + boot->uq_len++] = (struct witness_uevent){ *ev, ++boot->arrivals, witnesses };
	return 1;
}

int drc_model_uevent(struct drc_ctx *ctx, struct drc_uevent *ev)
{
	struct drc_boot *boot;
	struct drc_device *dev = NULL;
	int r;

	PIPE_SYNC(ctx);
	boot = ctx->nboots ? &ctx->boots[ctx->nboots - 1] : NULL;
	if (ctx->decode_only)
		return 0;
	if (boot && ev->device)
		dev = hashmap_get(&boot->by_name, (uint64_t)(uintptr_t)ev->device);
	/* udev is a stream of its own; the record puts a uevent after the
	 * operations it follows in the witness that is ahead on its device */
	r = uevent_wait(ctx, ev, dev && dev->ahead ? 1u << (dev->ahead - 1) : 3u);

	return r < 0 ? r : r ? 0 : model_uevent_apply(ctx, ev);
}

static int model_uevent_apply(struct drc_ctx *ctx, struct drc_uevent *ev)
{
	struct drc_device *dev;

	ev->boot = ctx->nboots ? ctx->nboots - 1 : 0;
	ctx->stats.uevents++;
	if (ctx->uevent_fn)
		ctx->uevent_fn(ctx->uevent_data, ev);
	if (ev->subsystem && strcmp(ev->subsystem, "module") == 0) {
		/* a module, not a device: only the rules care */
		DRC_MODEL_NOTIFY(ctx, UEVENT, .uevent = ev);
		return 0;
	}
	if (!ev->device || !*ev->device)
		return 0;
	dev = device_lookup(ctx, ev->device, NULL, ev->subsystem, &ev->origin);
	if (!dev)
		return -ENOMEM;
	if (ev->devpath)
		dev->devpath = ev->devpath;     /* where sysfs has it: for --device /sys/devices/... */
	/*
	 * dd.c sends KOBJ_UNBIND once devres_release_all() has returned (and
	 * device_del() KOBJ_REMOVE after it), and that releases every node it
	 * found; the driver core sends no uevent of the device in between. So
	 * a uevent while the device's release of everything still has such
	 * nodes to release came ahead of the copies (the recorder reads udev
	 * and the kernel's logs apart; a soak's uevents come in bursts). It
	 * waits for the end of that walk, or of the batch (a quiet mark,
	 * another operation, the end of the boot), and the device's uevents
	 * after it wait behind it, so what a release callback adds meanwhile is
	 * added during the release, not by a probe, and the batch is whole.
	 */
	if (dev->nearly || (dev->batch && dev->batch->kind == DRC_BATCH_RELEASE_ALL &&
			    batch_walk_pending(dev->batch))) {
		if (dev->nearly == dev->early_cap) {
			size_t cap = dev->early_cap ? dev->early_cap * 2 : 4;
			struct drc_uevent *q = realloc(dev->early, cap * sizeof(*q));

			if (!q)
				return -ENOMEM;
			dev->early = q;
			dev->early_cap = cap;
		}
		dev->early[dev->nearly++] = *ev;
		return 0;
	}
	uevent_device_apply(ctx, dev, ev);
	return 0;
}

static void uevent_device_apply(struct drc_ctx *ctx, struct drc_device *dev, const struct drc_uevent *ev)
{
	batch_close(dev);
	DRC_MODEL_NOTIFY(ctx, UEVENT, .dev = dev, .uevent = ev);
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
}

void drc_model_probe_failed(struct drc_ctx *ctx, const char *device, const struct drc_origin *o)
{
	struct drc_uevent u = { .device = drc_interns(ctx, device), .origin = *o };

	PIPE_SYNC(ctx);
	/* it stands in the kmsg stream with the probe's operations */
	if (u.device && uevent_wait(ctx, &u, 1u << DRC_WITNESS_PRINTK) == 0)
		model_probe_failed_apply(ctx, u.device, o);
}

static void model_probe_failed_apply(struct drc_ctx *ctx, const char *device, const struct drc_origin *o)
{
	struct drc_boot *boot = drc_ctx_boot(ctx);
	struct drc_device *dev;

	if (!boot)
		return;
	dev = device ? hashmap_get(&boot->by_name, (uint64_t)(uintptr_t)device) : NULL;
	if (!dev)
		return;
	batch_close(dev);
	dev->probe_failed_line = o->line ? o->line : 1;
	if (dev->state == DRC_DEVICE_BOUND)
		dev->state = DRC_DEVICE_PROBE_FAILED;
}

/*
 * really_probe() (drivers/base/dd.c) found the device's list not empty and
 * said "Resources present before probing": a probe began, so a release of
 * the device's resources in progress is over (what it left stays listed).
 */
void drc_model_probe_attempt(struct drc_ctx *ctx, const char *device, const struct drc_origin *o)
{
	struct drc_uevent u = { .device = device, .action = probe_attempt, .origin = *o };

	PIPE_SYNC(ctx);
	if (device && !ctx->decode_only && uevent_wait(ctx, &u, 1u << DRC_WITNESS_PRINTK) == 0)
		model_probe_attempt_apply(ctx, device);
}

static void model_probe_attempt_apply(struct drc_ctx *ctx, const char *device)
{
	struct drc_boot *boot = drc_ctx_boot(ctx);
	struct drc_device *dev = boot ? hashmap_get(&boot->by_name, (uint64_t)(uintptr_t)device) : NULL;

	if (dev)
		batch_close(dev);
}

/* The input went quiet: the release batches in progress are over. */
void drc_model_settle(struct drc_ctx *ctx, unsigned boot)
{
	PIPE_SYNC(ctx);
	drc_model_witness_flush(ctx);
	ctx->settling = true;
	for (struct drc_device *dev = ctx->devices_head; dev; dev = dev->all_next)
		if (dev->boot == boot)
			batch_close(dev);
	ctx->settling = false;
}

/* The boot is over (a new one starts, or the input ended): close what is
 * still in progress and let the rules judge what is left. */
void drc_model_boot_end(struct drc_ctx *ctx, unsigned boot)
{
	struct drc_boot *b;

	PIPE_SYNC(ctx);
	b = &ctx->boots[boot];
	drc_model_settle(ctx, boot);
	/* the copies still without a twin never get one */
	for (unsigned w = 0; w < 2; w++) {
		free(b->ring[w].recs);
		b->ring[w] = (struct witness_ring){ 0 };
	}
	free(b->uq);
	b->uq = NULL;
	b->uq_head = b->uq_len = 0;
	for (struct drc_device *dev = ctx->devices_head; dev; dev = dev->all_next)
		if (dev->boot == boot)
			dev->wopen[0] = dev->wopen[1] = 0;
	DRC_MODEL_NOTIFY(ctx, BOOT_END, .boot = boot);
}

void drc_boot_done(struct drc_boot *boot)
{
	hashmap_done(&boot->by_name);
	hashmap_done(&boot->by_key);
	hashmap_done(&boot->names);
	free(boot->uq);
	free(boot->ring[0].recs);
	free(boot->ring[1].recs);
}
