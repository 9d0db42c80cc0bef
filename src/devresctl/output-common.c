// SPDX-License-Identifier: GPL-2.0-or-later
/* What every report output shares: device selection and the group walk. */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "output.h"
#include "shared/macro.h"

bool report_device_selected(const struct report_view *v, struct drc_device *dev)
{
	const char *driver = drc_device_get_driver(dev), *key = drc_device_get_devkey(dev);

	if (!v->npatterns)
		return true;
	for (unsigned i = 0; i < v->npatterns; i++) {
		if (fnmatch(v->patterns[i], drc_device_get_name(dev), 0) == 0 ||
		    (driver && fnmatch(v->patterns[i], driver, 0) == 0) ||
		    (key && fnmatch(v->patterns[i], key, 0) == 0))
			return true;
	}
	return false;
}

#define WALK_DEPTH_MAX 64

/*
 * A node belongs to every group whose grp< precedes it and whose grp> (if
 * any) follows it: walk the list keeping the groups entered so far.
 */
void report_walk_live(struct drc_device *dev, live_walk_fn fn, void *userdata)
{
	struct drc_node *stack[WALK_DEPTH_MAX + 1] = { NULL };
	unsigned depth = 0;

	for (struct drc_node *n = drc_device_get_first_node(dev); n; n = drc_node_next(n)) {
		enum drc_node_kind k = drc_node_get_kind(n);

		if (k == DRC_NODE_GROUP_CLOSE) {
			struct drc_group *g = drc_node_get_group(n);

			for (unsigned i = depth; i-- > 0;) {
				if (drc_node_get_group(stack[i]) == g) {
					memmove(&stack[i], &stack[i + 1], (depth - i - 1) * sizeof(stack[0]));
					depth--;
					break;
				}
			}
			fn(userdata, n, depth, stack);
			continue;
		}
		fn(userdata, n, depth, stack);
		if (k == DRC_NODE_GROUP_OPEN && depth < WALK_DEPTH_MAX)
			stack[depth++] = n;
	}
}

const char *node_kind_to_string(enum drc_node_kind kind)
{
	switch (kind) {
	case DRC_NODE_RES: return "resource";
	case DRC_NODE_GROUP_OPEN: return "group-open";
	case DRC_NODE_GROUP_CLOSE: return "group-close";
	case DRC_NODE_REALLOC: return "realloc";
	}
	return "?";
}
