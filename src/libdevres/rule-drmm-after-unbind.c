// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * drmm-after-unbind: the DRM-managed resources of a drm_device (drm.debug
 * 0x200 "drmres" lines) are released at its final drm_dev_put(), after
 * userspace closed its files; the devm memory of its parent device goes at
 * the unbind. Anything the drmm side points at in devm memory is freed in
 * between (seeds 000 and 004): the release ran long after the unbind, or
 * had not run by the end of the capture.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "rules.h"

#define SAME_TEARDOWN_USEC 1000000      /* releases this close belong together */

/* the DRM-managed resources of the drm_device this device is the parent of */
struct drmm_dev {
	uint64_t live, bytes;
	bool seen, releasing, released, late_reported;
	struct release_mark unbind;     /* end.line 0: not unbound while drmm was live */
};

static void release_begins(struct drc_ctx *ctx, struct drmm_dev *dd, struct drc_device *dev, int64_t ts,
			   const struct drc_origin *o)
{
	const struct drc_batch *b;
	struct finding_store *fs;
	char a[300], when[64] = "";

	dd->releasing = true;
	if (!dd->unbind.end.line && dd->live && (b = release_all_in_progress(dev)))
		release_mark_set(&dd->unbind, b);
	if (!dd->unbind.end.line || dd->late_reported ||
	    (ctx->rules->activity == dd->unbind.activity &&
	     !(ts >= 0 && dd->unbind.ts >= 0 && ts - dd->unbind.ts > SAME_TEARDOWN_USEC)))
		return;
	fs = finding_new(ctx, &rule_drmm_after_unbind, DRC_SEVERITY_WARNING, dev, NULL);
	if (fs) {
		finding_evidence(ctx, fs, &dd->unbind.end);
		finding_evidence(ctx, fs, o);
		if (ts >= 0 && dd->unbind.ts >= 0)
			snprintf(when, sizeof(when), " %.3f s", (double)(ts - dd->unbind.ts) / 1e6);
		dev_label(dev, a, sizeof(a));
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("%s: DRM-managed release ran%s after the unbind (line %" PRIu64
				       " vs %" PRIu64 ")", a, when, o->line, dd->unbind.end.line),
			xstrdup_printf("The devres of %s were released at line %" PRIu64 "%s%u devm "
				       "memory node%s, %" PRIu64 " bytes), but its drm_device's "
				       "managed resources were released only at the final "
				       "drm_dev_put() (line %" PRIu64 "), after userspace closed its "
				       "files. Anything the drmm side still points at in devm memory "
				       "was freed in between.", dev->name, dd->unbind.end.line,
				       " (", dd->unbind.memory, dd->unbind.memory == 1 ? "" : "s",
				       dd->unbind.memory_bytes, o->line),
			xstrdup_printf("Allocate everything the DRM objects use with drmm_*() rather "
				       "than devm_*(), and guard hardware access with "
				       "drm_dev_enter()/drm_dev_exit()."));
	}
	dd->late_reported = true;
}

static void drm_line(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_ctx *ctx = c->ctx;
	struct drc_device *dev = NULL;
	struct drmm_dev *dd;

	if (e->drm->device && *e->drm->device)
		drc_ctx_find_device(ctx, e->drm->device, -1, &dev);
	if (!dev) {
		/* "drmres release end" is printed without the device on some kernels:
		 * it belongs to the device whose release is running */
		for (struct drc_device *d = ctx->devices_head; d; d = d->all_next)
			if ((dd = rule_dev_state(c, d)) && dd->releasing && d->boot + 1 == ctx->nboots)
				dev = d;
	}
	if (!dev || !(dd = rule_dev_state_new(c, dev)))
		return;
	dd->seen = true;
	switch (e->drm->op) {
	case 'A':
		if (dd->released) {
			/* a new drm_device on the same parent */
			dd->released = false;
			dd->late_reported = false;
			dd->unbind = (struct release_mark){ 0 };
		}
		dd->live++;
		dd->bytes += e->drm->size;
		break;
	case 'D':
	case 'R':
		if (dd->live)
			dd->live--;
		break;
	case 'B':
		release_begins(ctx, dd, dev, e->drm->ts, e->drm->origin);
		break;
	case 'E':
		dd->releasing = false;
		dd->released = true;
		dd->live = 0;
		break;
	}
}

static void device_end(struct drc_ctx *ctx, struct drmm_dev *dd, struct drc_device *dev)
{
	struct finding_store *fs;
	char a[300];

	if (!dd->unbind.end.line || dd->late_reported || dd->released || !dd->live)
		return;
	fs = finding_new(ctx, &rule_drmm_after_unbind, DRC_SEVERITY_WARNING, dev, NULL);
	if (fs) {
		finding_evidence(ctx, fs, &dd->unbind.end);
		dev_label(dev, a, sizeof(a));
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("%s: %" PRIu64 " DRM-managed resource%s still live at the end, after "
				       "the unbind at line %" PRIu64, a, dd->live,
				       dd->live == 1 ? "" : "s", dd->unbind.end.line),
			xstrdup_printf("The devres of %s were released at line %" PRIu64 " (%u devm memory "
				       "node%s), but the drm_device was not released by the end of the "
				       "capture: its final drm_dev_put() waits for userspace to close "
				       "/dev/dri files. Until then, anything the drmm side points at in "
				       "devm memory is freed memory.", dev->name, dd->unbind.end.line,
				       dd->unbind.memory, dd->unbind.memory == 1 ? "" : "s"),
			xstrdup_printf("Allocate what DRM objects use with drmm_*(), and guard hardware "
				       "access with drm_dev_enter()/drm_dev_exit()."));
	}
	dd->late_reported = true;
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drmm_dev *dd = c->dev_state;

	switch (e->kind) {
	case DRC_MEV_DRM:
		drm_line(c, e);
		break;
	case DRC_MEV_RELEASE_ALL:
		/* DRM-managed resources still live while devm ones were just freed */
		if (dd && dd->seen && dd->live && !dd->releasing && !dd->released && !dd->unbind.end.line)
			release_mark_set(&dd->unbind, e->batch);
		break;
	case DRC_MEV_DEVICE_END:
		if (dd)
			device_end(c->ctx, dd, e->dev);
		break;
	default:
		break;
	}
}

const struct drc_rule rule_drmm_after_unbind = {
	.info = { "drmm-after-unbind", DRC_SEVERITY_WARNING,
		  "DRM-managed resources outlive the device's unbind (released late or never)" },
	.order = 120,
	.events = RULE_EV(DRC_MEV_DRM) | RULE_EV(DRC_MEV_RELEASE_ALL) | RULE_EV(DRC_MEV_DEVICE_END),
	.dev_size = sizeof(struct drmm_dev),
	.handle = handle,
};
