// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * module-gone: a module was removed (its "remove" uevent) while devices
 * still have release callbacks in it (seed 004): their unbind will call
 * unloaded code. Functions are matched to the module exactly with kallsyms
 * (--kallsyms, devresctl-kallsyms lines), else by the module's name prefix.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rules.h"

static void module_gone(struct drc_ctx *ctx, const char *module, const struct drc_origin *o)
{
	unsigned boot = ctx->nboots ? ctx->nboots - 1 : 0;
	char prefix[128], mod[128];
	size_t plen;

	/* module names use '_' where file names may use '-' */
	plen = (size_t)snprintf(prefix, sizeof(prefix), "%s_", module);
	if (plen >= sizeof(prefix) || plen < 3)
		return;
	for (char *p = prefix; *p; p++)
		if (*p == '-')
			*p = '_';
	snprintf(mod, sizeof(mod), "%.*s", (int)(plen - 1), prefix);
	for (struct drc_device *dev = ctx->devices_head; dev; dev = dev->all_next) {
		struct finding_store *fs = NULL;
		unsigned count = 0;
		char a[300];

		if (dev->boot != boot)
			continue;
		for (struct drc_node *n = dev->head; n; n = n->next) {
			const char *in;

			if (n->kind != DRC_NODE_RES || !n->name)
				continue;
			/* exactly with kallsyms; else by the module's name prefix */
			in = ctx->have_kallsyms ? hashmap_get(&ctx->kallsyms, (uint64_t)(uintptr_t)n->name) : NULL;
			if (in ? strcmp(in, mod) != 0 : strncmp(n->name, prefix, plen) != 0)
				continue;
			if (!fs) {
				fs = finding_new(ctx, &rule_module_gone, DRC_SEVERITY_ERROR, dev, NULL);
				if (!fs)
					return;
				finding_evidence(ctx, fs, o);
			}
			finding_live_node(ctx, fs, n, "release callback in the removed module");
			count++;
		}
		if (!fs)
			continue;
		dev_label(dev, a, sizeof(a));
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("module %s removed at line %" PRIu64 " while %s still has %u pending "
				       "release callback%s in it", module, o->line, a, count,
				       count == 1 ? "" : "s"),
			xstrdup_printf("When %s is unbound or removed, the kernel will call release functions "
				       "whose code was unloaded with module %s: an oops in a freed text page. The "
				       "nodes were matched %s%s%s.", dev->name, module,
				       ctx->have_kallsyms ? "by kallsyms, or by name (" : "by name (", prefix,
				       "*)"),
			xstrdup_printf("A module must not leave devm actions on devices it does not own; undo "
				       "them in its exit path, or hold a module reference (try_module_get()) "
				       "until they run."));
	}
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	const struct drc_uevent *ev = e->uevent;

	/* a module is no device of the model */
	if (!e->dev && strcmp(ev->action, "remove") == 0 && ev->device && *ev->device)
		module_gone(c->ctx, ev->device, &ev->origin);
}

const struct drc_rule rule_module_gone = {
	.info = { "module-gone", DRC_SEVERITY_ERROR,
		  "a module was removed while release callbacks in it are still pending" },
	.order = 130,
	.events = RULE_EV(DRC_MEV_UEVENT),
	.handle = handle,
};
