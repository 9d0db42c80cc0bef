// SPDX-License-Identifier: LGPL-2.1-or-later
/* Read-only accessors for devices, nodes, groups and batches. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libdevres-private.h"

struct drc_device_iter {
	struct drc_device *next;
};

int drc_device_iter_new(struct drc_ctx *ctx, struct drc_device_iter **ret)
{
	struct drc_device_iter *it = malloc(sizeof(*it));

	if (!it)
		return -ENOMEM;
	it->next = ctx->devices_head;
	*ret = it;
	return 0;
}

int drc_device_iter_next(struct drc_device_iter *it, struct drc_device **ret)
{
	if (!it->next)
		return 0;
	*ret = it->next;
	it->next = it->next->all_next;
	return 1;
}

struct drc_device_iter *drc_device_iter_free(struct drc_device_iter *it)
{
	free(it);
	return NULL;
}

int drc_ctx_find_device(struct drc_ctx *ctx, const char *name, int boot, struct drc_device **ret)
{
	struct drc_device *found = NULL;

	for (struct drc_device *d = ctx->devices_head; d; d = d->all_next)
		if (strcmp(d->name, name) == 0 && (boot < 0 || d->boot == (unsigned)boot))
			found = d;
	if (!found)
		return 0;
	*ret = found;
	return 1;
}

const char *drc_device_get_name(const struct drc_device *dev) { return dev->name; }
const char *drc_device_get_driver(const struct drc_device *dev) { return dev->driver; }
const char *drc_device_get_subsystem(const struct drc_device *dev) { return dev->subsystem; }
const char *drc_device_get_prefix(const struct drc_device *dev) { return dev->prefix; }
const char *drc_device_get_devkey(const struct drc_device *dev) { return dev->devkey; }
const char *drc_device_get_devpath(const struct drc_device *dev) { return dev->devpath; }
unsigned drc_device_get_boot(const struct drc_device *dev) { return dev->boot; }
enum drc_device_state drc_device_get_state(const struct drc_device *dev) { return dev->state; }
unsigned drc_device_count_live(const struct drc_device *dev) { return dev->live; }
uint64_t drc_device_live_bytes(const struct drc_device *dev) { return dev->live_bytes; }
uint64_t drc_device_count_events(const struct drc_device *dev) { return dev->events; }
uint64_t drc_device_count_unknown(const struct drc_device *dev) { return dev->unknown; }
struct drc_origin drc_device_get_first_origin(const struct drc_device *dev) { return dev->first_origin; }
struct drc_node *drc_device_get_first_node(const struct drc_device *dev) { return dev->head; }
struct drc_node *drc_node_next(const struct drc_node *node) { return node->next; }
struct drc_node *drc_device_get_first_history(const struct drc_device *dev) { return dev->hist_head; }
struct drc_node *drc_node_next_history(const struct drc_node *node) { return node->hnext; }
struct drc_batch *drc_device_get_first_batch(const struct drc_device *dev) { return dev->batches_head; }
struct drc_batch *drc_batch_next(const struct drc_batch *batch) { return batch->next; }
uint64_t drc_device_count_batches(const struct drc_device *dev) { return dev->batches_total; }

const char *drc_device_state_to_string(enum drc_device_state state)
{
	switch (state) {
	case DRC_DEVICE_UNKNOWN: return "unknown";
	case DRC_DEVICE_BOUND: return "bound";
	case DRC_DEVICE_UNBOUND: return "unbound";
	case DRC_DEVICE_PROBE_FAILED: return "probe-failed";
	case DRC_DEVICE_REMOVED: return "removed";
	case DRC_DEVICE_NO_BUS: return "no-bus";
	}
	return "?";
}

enum drc_node_kind drc_node_get_kind(const struct drc_node *node) { return node->kind; }
enum drc_node_state drc_node_get_state(const struct drc_node *node) { return node->state; }
bool drc_node_has_id(const struct drc_node *node) { return node->has_id; }
uint64_t drc_node_get_id(const struct drc_node *node) { return node->id; }
const char *drc_node_get_id_string(const struct drc_node *node) { return node->id_str; }
const char *drc_node_get_name(const struct drc_node *node) { return node->name; }
int64_t drc_node_get_size(const struct drc_node *node)
{
	return node->size == UINT64_MAX ? -1 : (int64_t)node->size;
}
struct drc_origin drc_node_get_origin(const struct drc_node *node) { return node->origin; }
int64_t drc_node_get_ts(const struct drc_node *node) { return node->ts; }
struct drc_origin drc_node_get_end_origin(const struct drc_node *node) { return node->end_origin; }
struct drc_group *drc_node_get_group(const struct drc_node *node) { return node->group; }
const char *drc_node_get_replaced_name(const struct drc_node *node) { return node->replaced_name; }
uint64_t drc_node_get_replaced_size(const struct drc_node *node) { return node->replaced_size; }
struct drc_batch *drc_node_get_batch(const struct drc_node *node) { return node->batch; }

const char *drc_node_state_to_string(enum drc_node_state state)
{
	switch (state) {
	case DRC_NODE_LIVE: return "live";
	case DRC_NODE_RELEASED: return "released";
	case DRC_NODE_REMOVED: return "removed";
	case DRC_NODE_REPLACED: return "replaced";
	case DRC_NODE_LOST: return "lost";
	}
	return "?";
}

enum drc_group_state drc_group_get_state(const struct drc_group *grp) { return grp->state; }
struct drc_node *drc_group_get_open_node(const struct drc_group *grp) { return grp->open; }
const char *drc_group_get_id_string(const struct drc_group *grp) { return grp->id_str; }
struct drc_group *drc_group_get_parent(const struct drc_group *grp) { return grp->parent; }
struct drc_origin drc_group_get_open_origin(const struct drc_group *grp) { return grp->open_origin; }
struct drc_origin drc_group_get_close_origin(const struct drc_group *grp) { return grp->close_origin; }

const char *drc_group_state_to_string(enum drc_group_state state)
{
	switch (state) {
	case DRC_GROUP_OPEN: return "open";
	case DRC_GROUP_CLOSED: return "closed";
	case DRC_GROUP_RELEASED: return "released";
	case DRC_GROUP_REMOVED: return "removed";
	case DRC_GROUP_LOST: return "lost";
	}
	return "?";
}

enum drc_batch_kind drc_batch_get_kind(const struct drc_batch *b) { return b->kind; }
struct drc_origin drc_batch_get_first_origin(const struct drc_batch *b) { return b->first; }
struct drc_origin drc_batch_get_last_origin(const struct drc_batch *b) { return b->last; }
int64_t drc_batch_get_ts(const struct drc_batch *b) { return b->ts; }
unsigned drc_batch_count_released(const struct drc_batch *b) { return b->released; }
unsigned drc_batch_count_groups(const struct drc_batch *b) { return b->groups; }
unsigned drc_batch_count_unknown(const struct drc_batch *b) { return b->unknown; }
uint64_t drc_batch_get_bytes(const struct drc_batch *b) { return b->bytes; }
unsigned drc_batch_count_out_of_order(const struct drc_batch *b) { return b->out_of_order; }
const char *drc_batch_get_group_id(const struct drc_batch *b) { return b->group_id[0] ? b->group_id : NULL; }
bool drc_batch_is_probe_failure(const struct drc_batch *b) { return b->probe_failure; }

const char *drc_batch_kind_to_string(enum drc_batch_kind kind)
{
	switch (kind) {
	case DRC_BATCH_UNKNOWN: return "unknown";
	case DRC_BATCH_RELEASE_ALL: return "release-all";
	case DRC_BATCH_RELEASE_GROUP: return "release-group";
	}
	return "?";
}

bool drc_node_is_uncertain(const struct drc_node *n)
{
	const struct drc_device *dev = n->dev;
	const struct drc_origin *lost;

	if (n->state != DRC_NODE_LIVE || dev->boot >= dev->ctx->nboots)
		return false;
	lost = &dev->ctx->boots[dev->boot].lost_last;
	return lost->line && lost->source == n->origin.source && n->origin.line < lost->line;
}
