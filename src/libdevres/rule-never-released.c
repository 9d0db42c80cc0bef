// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * never-released: at the end of a boot, a device that was removed, or a
 * bus-less device whose KUnit test case ended (seeds 000 and 002), still
 * has nodes; and, as information, a bus-less device with nodes at the end
 * of the capture, with what its kernel version says about when they go.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "rules.h"

/* What the boot's kernel version (its "Linux version" line) says about
 * when a bus-less device's devres are released (DESIGN.md 2.5). */
static const char *kernel_says(struct drc_ctx *ctx, unsigned boot, char *buf, size_t len)
{
	const char *k = drc_ctx_get_boot_kernel(ctx, boot);
	unsigned major = 0, minor = 0;

	if (!k || sscanf(k, "%u.%u", &major, &minor) != 2)
		snprintf(buf, len, "Before v6.6 (and its stable backports) its devres are released only at its "
			 "final put_device(), not at unregister; the capture does not say which kernel this is. "
			 "If the device was unregistered before the capture ended, these leaked.");
	else if (major > 6 || (major == 6 && minor >= 6))
		snprintf(buf, len, "This kernel (%s) releases devres at unregister (device_del()), so the "
			 "device was most likely still registered when the capture ended.", k);
	else
		snprintf(buf, len, "This kernel (%s) is older than v6.6: unless the fix was backported (6.1.y "
			 "has it), its devres are released only at its final put_device(), not at "
			 "unregister. If it was unregistered before the capture ended, these leaked.", k);
	return buf;
}

static void removed_or_test_ended(struct drc_ctx *ctx, struct drc_device *dev)
{
	struct rules_ctx *rc = ctx->rules;
	struct rules_dev *rd = dev->rules;
	bool test = dev->state == DRC_DEVICE_NO_BUS;
	unsigned nodes = 0, unsure = 0;
	struct finding_store *fs;
	char a[300], note[200] = "";

	for (struct drc_node *n = dev->head; n; n = n->next)
		if (n->kind != DRC_NODE_GROUP_CLOSE) {
			nodes++;
			unsure += fate_uncertain(rc, n, NULL);
		}
	if (nodes && unsure == nodes) {
		uncertain_note(rc, sizeof(note), note);
		explain(ctx, "%s: never-released is information only: all %u nodes were added before the "
			"%" PRIu64 " lost operations at line %" PRIu64, dev->name, nodes, rc->lost,
			rc->lost_last.line);
	}
	fs = finding_new(ctx, &rule_never_released, *note ? DRC_SEVERITY_INFO : DRC_SEVERITY_ERROR, dev, NULL);
	if (!fs)
		return;
	finding_evidence(ctx, fs, test ? &rc->ktap_last : rd ? &rd->unbind : NULL);
	for (struct drc_node *n = dev->head; n; n = n->next)
		if (n->kind != DRC_NODE_GROUP_CLOSE)
			finding_live_node(ctx, fs, n, fate_uncertain(rc, n, NULL) ?
					  "never released, or its release lost" : "never released");
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %u node%s (%" PRIu64 " bytes) never released after %s%s", a,
			       dev->live, dev->live == 1 ? "" : "s", dev->live_bytes,
			       test ? "its KUnit test case ended" : "the device was removed",
			       *note ? ": uncertain after lost operations" : ""),
		test ? xstrdup_printf("%s is a bus-less device (root_device_register() or similar): "
				      "its devres are released only when its last reference is put "
				      "(before v6.6, not at unregister). The test case that created "
				      "it ended at line %" PRIu64 " and nothing was released, so "
				      "something still holds a reference; a devres action that itself "
				      "holds one (drm_dev_init() does) keeps it alive forever.",
				      dev->name, rc->ktap_last.line) :
		xstrdup_printf("The device was removed (line %" PRIu64 ") but %u node%s stayed on its "
			       "list to the end of the capture: nothing will release them until its "
			       "last reference is put.%s", rd ? rd->unbind.line : 0, dev->live,
			       dev->live == 1 ? "" : "s", note),
		test ? xstrdup_printf("Use a bus device for tests (kunit_device_register(), or a "
				      "platform device) so unregister releases its devres, and do not "
				      "take device references from inside devm actions.") :
		xstrdup_printf("Find who added them after the last unbind (their lines) and who "
			       "still holds the device."));
}

static void live_at_end(struct drc_ctx *ctx, struct drc_device *dev)
{
	struct finding_store *fs = finding_new(ctx, &rule_never_released, DRC_SEVERITY_INFO, dev, NULL);
	char ver[400];

	if (!fs)
		return;
	for (struct drc_node *n = dev->head; n; n = n->next)
		if (n->kind != DRC_NODE_GROUP_CLOSE)
			finding_live_node(ctx, fs, n, "live at the end of the capture");
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("bus-less device %s still has %u node%s at the end of the capture",
			       dev->name, dev->live, dev->live == 1 ? "" : "s"),
		xstrdup_printf("%s has no bus, class or driver (its lines start with a blank "
			       "prefix). %s", dev->name, kernel_says(ctx, dev->boot, ver, sizeof(ver))),
		xstrdup_printf("Check that the device was still registered when the capture "
			       "ended."));
}

static void handle(const struct rule_call *c, const struct drc_model_event *e)
{
	struct drc_device *dev = e->dev;
	const struct rules_dev *rd = dev->rules;

	if (!dev->live)
		return;
	if (dev->state == DRC_DEVICE_REMOVED ||
	    (dev->state == DRC_DEVICE_NO_BUS && rd && rd->ktap_epoch < c->rc->ktap_epoch))
		removed_or_test_ended(c->ctx, dev);
	else if (dev->state == DRC_DEVICE_NO_BUS)
		live_at_end(c->ctx, dev);
}

const struct drc_rule rule_never_released = {
	.info = { "never-released", DRC_SEVERITY_ERROR,
		  "a device was removed, or the test that made it ended, with nodes still live" },
	.order = 80,
	.events = RULE_EV(DRC_MEV_DEVICE_END),
	.handle = handle,
};
