// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rules: they watch the events as the model applies them and say what
 * looks wrong (DESIGN.md section 3). Each finding names its rule, a
 * severity, the devices, the lines that show it and the usual fix.
 *
 * The model tells what happened through drc_rules_notify() alone. The core
 * (rules-core.c) reads the event first; then each rule that asked for the
 * event's kind gets it, in the rules' order (struct drc_rule.order), with
 * its own state for the context, the device and the batch. Releases are
 * read in batches (model.c); a batch is judged when it is over, that is
 * when its device does something else or the boot ends.
 *
 * Adding a rule: a file rule-<id>.c with its const struct drc_rule, one line
 * in rule_table[] below (the --list-rules order), its entry in the FINDINGS
 * section of devresctl(8), and a capture in tests/unit/test-rules.c that
 * makes it fire and a near miss that does not.
 */
#include "config.h"

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

/*
 * The order they see an event in (.order), for the events several of them
 * want: no-devres 10, add-during-release 20, log-loss 30,
 * cross-device-release 40, release-order 50, fd-after-unbind 60,
 * leak-after-unbind 70, never-released 80, unknown-node 90, node-reuse
 * 100, per-cycle-growth 110, drmm-after-unbind 120, module-gone 130,
 * resources-before-probe 140.
 */
static const struct drc_rule *const rule_table[] = {
	&rule_leak_after_unbind,
	&rule_never_released,
	&rule_cross_device_release,
	&rule_open_group_swept,
	&rule_release_order,
	&rule_unknown_node,
	&rule_node_reuse,
	&rule_module_gone,
	&rule_per_cycle_growth,
	&rule_resources_before_probe,
	&rule_drmm_after_unbind,
	&rule_log_loss,
	&rule_fd_after_unbind,
	&rule_add_during_release,
	&rule_no_devres,
};

_Static_assert(ARRAY_SIZE(rule_table) <= RULES_MAX, "RULES_MAX too small");
_Static_assert(DRC_MEV_COUNT <= 32, "RULE_EV() needs more bits");

/* ---- life cycle ---- */

static size_t place(size_t *size, size_t n)
{
	size_t at = (*size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);

	*size = at + n;
	return at;
}

int drc_rules_init(struct drc_ctx *ctx)
{
	struct rules_ctx *rc = calloc(1, sizeof(*rc));
	size_t ctx_size = 0;

	if (!rc)
		return -ENOMEM;
	rc->last_ts = -1;
	rc->dev_block = sizeof(struct rules_dev);
	rc->batch_block = sizeof(struct rules_batch);
	for (unsigned i = 0; i < ARRAY_SIZE(rule_table); i++) {
		const struct drc_rule *r = rule_table[i];

		rc->ctx_off[i] = place(&ctx_size, r->ctx_size);
		rc->dev_off[i] = place(&rc->dev_block, r->dev_size);
		rc->batch_off[i] = place(&rc->batch_block, r->batch_size);
	}
	if (ctx_size && !(rc->state = calloc(1, ctx_size))) {
		free(rc);
		return -ENOMEM;
	}
	/* for each kind of event, the rules that want it, in their order */
	for (unsigned k = 0; k < DRC_MEV_COUNT; k++) {
		for (unsigned i = 0; i < ARRAY_SIZE(rule_table); i++) {
			unsigned j;

			if (!rule_table[i]->handle || !(rule_table[i]->events & RULE_EV(k)))
				continue;
			for (j = rc->nsubs[k]; j > 0 && rc->subs[k][j - 1].rule->order > rule_table[i]->order; j--)
				rc->subs[k][j] = rc->subs[k][j - 1];
			rc->subs[k][j] = (struct rule_sub){
				.rule = rule_table[i],
				.state = rule_table[i]->ctx_size ? (char *)rc->state + rc->ctx_off[i] : NULL,
				.dev_off = rule_table[i]->dev_size ? rc->dev_off[i] : 0,
				.batch_off = rule_table[i]->batch_size ? rc->batch_off[i] : 0,
			};
			rc->nsubs[k]++;
		}
	}
	/* and of DRC_MEV_OP, for each operation */
	for (unsigned op = 0; op < RULE_OPS; op++)
		for (unsigned k = 0; k < rc->nsubs[DRC_MEV_OP]; k++)
			if (!rc->subs[DRC_MEV_OP][k].rule->ops || (rc->subs[DRC_MEV_OP][k].rule->ops & RULE_OP(op)))
				rc->op_subs[op][rc->nop_subs[op]++] = rc->subs[DRC_MEV_OP][k];
	for (unsigned i = 0; i < ARRAY_SIZE(rule_table); i++)
		if (rule_table[i]->dev_done)
			rc->done[rc->ndone++] = (struct rule_sub){ .rule = rule_table[i], .dev_off = rc->dev_off[i] };
	ctx->rules = rc;
	return 0;
}

void drc_rules_free(struct drc_ctx *ctx)
{
	struct rules_ctx *rc = ctx->rules;

	if (!rc)
		return;
	rules_findings_free(rc);
	free(rc->state);
	free(rc);
	ctx->rules = NULL;
}

void *rule_dev_state_new(const struct rule_call *c, struct drc_device *dev)
{
	return rules_dev_get(c->ctx, dev) ? (char *)dev->rules + c->dev_off : NULL;
}

void *rules_dev_state_of(struct drc_ctx *ctx, const struct drc_device *dev, const struct drc_rule *rule)
{
	if (!dev->rules)
		return NULL;
	for (unsigned i = 0; i < ARRAY_SIZE(rule_table); i++)
		if (rule_table[i] == rule)
			return rule->dev_size ? (char *)dev->rules + ctx->rules->dev_off[i] : NULL;
	return NULL;
}

/* ---- public ---- */

unsigned drc_rule_count(void)
{
	return ARRAY_SIZE(rule_table);
}

const struct drc_rule_info *drc_rule_get(unsigned i)
{
	return i < ARRAY_SIZE(rule_table) ? &rule_table[i]->info : NULL;
}

const struct drc_rule_info *drc_rule_find(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_table); i++)
		if (strcmp(rule_table[i]->info.id, id) == 0)
			return &rule_table[i]->info;
	return NULL;
}

const char *drc_severity_to_string(enum drc_severity sev)
{
	switch (sev) {
	case DRC_SEVERITY_INFO:
		return "info";
	case DRC_SEVERITY_WARNING:
		return "warning";
	case DRC_SEVERITY_ERROR:
		return "error";
	}
	return "?";
}

int drc_severity_from_string(const char *s)
{
	if (strcmp(s, "info") == 0)
		return DRC_SEVERITY_INFO;
	if (strcmp(s, "warning") == 0)
		return DRC_SEVERITY_WARNING;
	if (strcmp(s, "error") == 0)
		return DRC_SEVERITY_ERROR;
	return -EINVAL;
}
