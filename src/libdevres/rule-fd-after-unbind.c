// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fd-after-unbind: logs do not show open files, so this reads the
 * references recorded next to the log ("devresctl-refs: DEVICE PID COMM
 * PATH", written by record, devresd and live watch at each unbind). A
 * process that still holds a node of the device open after its unbind freed
 * devm memory reaches the driver's structures through that file (seed 004).
 */
#include "config.h"

#include <inttypes.h>

#include "rules.h"

struct fd_dev {
	struct release_mark released;   /* its last release of everything */
	bool reported;
};

static void refs(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_ctx *ctx = c->ctx;
	const struct drc_origin *o = e->refs->origin;
	struct drc_device *dev = NULL;
	const struct drc_batch *b;
	struct finding_store *fs;
	struct fd_dev *fd;
	char a[300];

	if (!e->refs->device || !ctx->nboots || drc_ctx_find_device(ctx, e->refs->device, -1, &dev) <= 0 ||
	    !(fd = rule_dev_state_new(c, dev)))
		return;
	b = release_all_in_progress(dev);
	if (b)
		release_mark_set(&fd->released, b);
	if (!fd->released.end.line || dev->state == DRC_DEVICE_BOUND || fd->reported || !fd->released.memory)
		return;
	fs = finding_new(ctx, &rule_fd_after_unbind, DRC_SEVERITY_WARNING, dev, NULL);
	if (!fs)
		return;
	finding_evidence(ctx, fs, &fd->released.end);
	finding_evidence(ctx, fs, o);
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %s (pid %" PRIu64 ") still holds %s open after the unbind freed %u devm "
			       "memory node%s", a, e->refs->comm, e->refs->pid, e->refs->path, fd->released.memory,
			       fd->released.memory == 1 ? "" : "s"),
		xstrdup_printf("The unbind released all of %s's devres (line %" PRIu64 "), %u memory node%s, %"
			       PRIu64 " bytes, but %s (pid %" PRIu64 ") kept %s open (line %" PRIu64 "). Calls on "
			       "that file reach the driver's structures; if any of them lived in devm memory, "
			       "that is a use-after-free.", dev->name, fd->released.end.line,
			       fd->released.memory, fd->released.memory == 1 ? "" : "s",
			       fd->released.memory_bytes, e->refs->comm, e->refs->pid, e->refs->path, o->line),
		xstrdup_printf("Keep what open files reach in memory tied to the file's lifetime (drmm_*() for "
			       "DRM, a reference-counted object otherwise), and refuse calls after unplug "
			       "(drm_dev_enter()/drm_dev_exit())."));
	fd->reported = true;
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct fd_dev *fd = c->dev_state;

	if (e->kind == DRC_MEV_REFS) {
		refs(c, e);
	} else if (fd && !e->batch->probe_failure) {
		/* a release of everything was judged: the mark for what comes after */
		release_mark_set(&fd->released, e->batch);
		fd->reported = false;
	}
}

const struct drc_rule rule_fd_after_unbind = {
	.info = { "fd-after-unbind", DRC_SEVERITY_WARNING,
		  "processes still hold the device's nodes open after its unbind freed devm memory" },
	.order = 60,
	.events = RULE_EV(DRC_MEV_REFS) | RULE_EV(DRC_MEV_RELEASE_ALL),
	.dev_size = sizeof(struct fd_dev),
	.handle = handle,
};
