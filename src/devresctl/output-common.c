// SPDX-License-Identifier: GPL-2.0-or-later
/* What every report output shares: device selection and the group walk. */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "shared/macro.h"

/* Its bus or class: as the capture says, else from a kmsg key "+pci:NAME". */
static bool device_subsystem(struct drc_device *dev, char *buf, size_t len)
{
	const char *sub = drc_device_get_subsystem(dev), *key = drc_device_get_devkey(dev), *colon;

	if (sub) {
		snprintf(buf, len, "%s", sub);
		return true;
	}
	if (key && key[0] == '+' && (colon = strchr(key, ':'))) {
		snprintf(buf, len, "%.*s", (int)(colon - key - 1), key + 1);
		return true;
	}
	return false;
}

static bool target_match(const struct device_target *t, const char *name, const char *devpath, const char *sub)
{
	if (t->devpath[0] && devpath)
		return strcmp(t->devpath, devpath) == 0;
	/* a sysfs path ends in the device's name (its kobject's); NAME is a glob */
	if (t->devpath[0] ? strcmp(t->name, name) != 0 : fnmatch(t->name, name, 0) != 0)
		return false;
	return !t->subsystem[0] || !sub || fnmatch(t->subsystem, sub, 0) == 0;
}

bool device_selector_match(const struct device_selector *s, struct drc_device *dev)
{
	const char *name = drc_device_get_name(dev), *driver = drc_device_get_driver(dev);
	const char *key = drc_device_get_devkey(dev), *devpath = drc_device_get_devpath(dev);
	char sub[256];
	bool has_sub = device_subsystem(dev, sub, sizeof(sub));

	if (s->plain)
		return fnmatch(s->t[0].name, name, 0) == 0 || (driver && fnmatch(s->t[0].name, driver, 0) == 0) ||
		       (key && fnmatch(s->t[0].name, key, 0) == 0);
	for (unsigned i = 0; i < s->n; i++)
		if (target_match(&s->t[i], name, devpath, has_sub ? sub : NULL))
			return true;
	return false;
}

bool report_device_selected(const struct report_view *v, struct drc_device *dev)
{
	if (!v->nselectors)
		return true;
	for (unsigned i = 0; i < v->nselectors; i++)
		if (device_selector_match(&v->selectors[i], dev))
			return true;
	return false;
}

int case_list_push(struct case_list *cl, struct device_case c)
{
	int r = array_grow(&cl->v, &cl->cap, cl->n, sizeof(*cl->v), 64);

	if (r < 0)
		return r;
	cl->v[cl->n++] = c;
	return 0;
}

int case_list_selected(struct drc_ctx *ctx, const struct report_view *v, struct case_list *cl)
{
	struct drc_device_iter *it;
	struct drc_device *dev;
	int r;

	r = drc_device_iter_new(ctx, &it);
	if (r < 0)
		return r;
	while ((r = drc_device_iter_next(it, &dev)) > 0) {
		if (!report_device_selected(v, dev))
			continue;
		r = case_list_push(cl, (struct device_case){ drc_device_get_name(dev), drc_device_get_driver(dev),
							     drc_device_get_boot(dev), /* model= */ true });
		if (r < 0)
			break;
	}
	drc_device_iter_free(it);
	return r < 0 ? r : 0;
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

/*
 * Words of @text from column @col (what the caller printed before it on the
 * line), wrapped before @width with @indent blanks at the start of each
 * further line. A word longer than a line stands alone on its line; a screen too
 * narrow for 20 columns after the indent wraps late rather than a word a
 * line.
 */
void text_wrap(FILE *out, unsigned col, unsigned indent, const char *text, unsigned width)
{
	const char *p = text + strspn(text, " ");
	bool first = true;

	if (width < indent + 20)
		width = indent + 20;
	while (*p) {
		size_t n = strcspn(p, " ");

		if (!first && col + 1 + n > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, n, out);
		col += (unsigned)n;
		first = false;
		p += n;
		p += strspn(p, " ");
	}
	fputc('\n', out);
}
