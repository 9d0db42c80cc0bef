// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The findings the rules make: one store for all of them. A finding is made
 * with its evidence and nodes, then either folded into an earlier
 * occurrence of the same finding (its texts are then never built) or kept
 * with its summary, explanation and fix. Past FINDINGS_MAX distinct ones,
 * warnings and infos go into one "further findings" finding per rule, so
 * memory stays bounded by the devices and rules. Every allocation that
 * fails is counted: a log-loss finding says so at the end, and
 * drc_ctx_finish() returns -ENOMEM (rule-log-loss.c).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define FINDINGS_MAX 10000

/* ---- memory ---- */

void rules_nomem(struct drc_ctx *ctx)
{
	ctx->rules->nomem++;
	ctx->stats.rules_nomem++;
}

void drc_rules_fail_after(struct drc_ctx *ctx, unsigned n)
{
	ctx->rules->fail_after = n;
}

static bool fail_now(struct rules_ctx *rc)
{
	return rc->fail_after && --rc->fail_after == 0;
}

void *rules_calloc(struct drc_ctx *ctx, size_t n, size_t size)
{
	void *p = fail_now(ctx->rules) ? NULL : calloc(n, size);

	if (!p)
		rules_nomem(ctx);
	return p;
}

void *rules_realloc(struct drc_ctx *ctx, void *p, size_t n, size_t size)
{
	void *np = fail_now(ctx->rules) || size > SIZE_MAX / n ? NULL : realloc(p, n * size);

	if (!np)
		rules_nomem(ctx);
	return np;
}

/* ---- texts ---- */

char *xstrdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

const char *dev_label(const struct drc_device *dev, char *buf, size_t len)
{
	const char *drv = dev->driver ? dev->driver : dev->prefix;

	if (drv && *drv)
		snprintf(buf, len, "%s %s", drv, dev->name);
	else
		snprintf(buf, len, "%s", dev->name);
	return buf;
}

void size_str(char *buf, size_t len, uint64_t size)
{
	if (size == UINT64_MAX)
		snprintf(buf, len, "size unknown");
	else
		snprintf(buf, len, "%" PRIu64 " bytes", size);
}

const char *consequence(const char *class)
{
	static const struct { const char *class, *text; } t[] = {
		{ "iomap", "the driver will touch an unmapped iomap on its next register access (for instance on the next runtime resume): a page fault" },
		{ "memory", "the driver keeps pointers into freed memory: a use-after-free on next use" },
		{ "irq", "its interrupt handler is gone while the driver still expects interrupts" },
		{ "clk", "the clock is disabled and put while the driver still runs the hardware" },
		{ "regulator", "the supply is turned off under a driver that still drives the hardware" },
		{ "gpio", "the GPIOs are released while the driver still drives them" },
		{ "dma", "DMA memory or channels are freed while the device may still use them" },
		{ "interconnect", "the interconnect path is released while the driver still votes on it" },
		{ "pm", "runtime PM is reset under a driver that still relies on it" },
		{ "drm", "DRM objects are torn down while the driver still uses them" },
		{ "action", "a cleanup callback ran while the driver still uses what it cleans up" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (strcmp(t[i].class, class) == 0)
			return t[i].text;
	return "the driver will use resources that were released behind its back";
}

/* ---- findings ---- */

struct finding_store *finding_new(struct drc_ctx *ctx, const struct drc_rule *rule, enum drc_severity sev,
				  struct drc_device *dev, struct drc_device *other)
{
	struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;

	if (rc->n == rc->cap) {
		unsigned ncap = rc->cap ? rc->cap * 2 : 16;
		struct finding_store *n = rules_realloc(ctx, rc->findings, ncap, sizeof(*n));

		if (!n)
			return NULL;
		rc->findings = n;
		rc->cap = ncap;
	}
	fs = &rc->findings[rc->n++];
	memset(fs, 0, sizeof(*fs));
	fs->rule = rule;
	fs->f.rule = rule->info.id;
	fs->f.severity = sev;
	fs->f.seq = rc->n;
	fs->f.boot = dev ? dev->boot : (ctx->nboots ? ctx->nboots - 1 : 0);
	if (dev) {
		fs->f.device = dev->name;
		fs->f.driver = dev->driver;
	}
	if (other) {
		fs->f.other_device = other->name;
		fs->f.other_driver = other->driver;
	}
	fs->f.occurrences = 1;
	fs->f.first_cycle = fs->f.last_cycle = dev && dev->rules ? dev->rules->cycles : 0;
	return fs;
}

void finding_evidence(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_origin *o)
{
	struct drc_origin *n;
	unsigned i;

	if (!fs || !o || !o->line)
		return;
	for (i = 0; i < fs->f.n_evidence; i++)
		if (fs->ev[i].line == o->line && fs->ev[i].source == o->source)
			return;
	n = rules_realloc(ctx, fs->ev, fs->f.n_evidence + 1, sizeof(*n));
	if (!n)
		return;
	fs->ev = n;
	/* keep them in line order within a source */
	i = fs->f.n_evidence;
	while (i > 0 && fs->ev[i - 1].source == o->source && fs->ev[i - 1].line > o->line) {
		fs->ev[i] = fs->ev[i - 1];
		i--;
	}
	fs->ev[i] = *o;
	fs->f.n_evidence++;
	fs->f.evidence = fs->ev;
}

void finding_node(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_device *dev,
		  const char *name, uint64_t size, const char *id, const char *role,
		  const struct drc_origin *added, const struct drc_origin *ended)
{
	struct drc_finding_node *n, *nn;
	char (*ids)[24];

	if (!fs || fs->f.n_nodes >= FINDING_NODES_MAX)
		return;
	nn = rules_realloc(ctx, fs->nodes, fs->f.n_nodes + 1, sizeof(*nn));
	if (!nn)
		return;
	fs->nodes = nn;
	fs->f.nodes = nn;
	ids = rules_realloc(ctx, fs->ids, fs->f.n_nodes + 1, sizeof(*ids));
	if (!ids)
		return;
	fs->ids = ids;
	snprintf(ids[fs->f.n_nodes], sizeof(ids[0]), "%s", id && *id ? id : "?");
	n = &nn[fs->f.n_nodes++];
	memset(n, 0, sizeof(*n));
	n->device = dev->name;
	n->name = name ? name : drc_interns(ctx, "?");
	n->size = size == UINT64_MAX ? -1 : (int64_t)size;
	n->id = NULL;                   /* finding_done() */
	n->class = drc_ctx_classify(ctx, name);
	n->role = role ? drc_interns(ctx, role) : NULL;
	if (!n->name || (role && !n->role))
		rules_nomem(ctx);
	if (added)
		n->added = *added;
	if (ended)
		n->ended = *ended;
	finding_evidence(ctx, fs, added);
	finding_evidence(ctx, fs, ended);
}

void finding_live_node(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_node *n,
		       const char *role)
{
	finding_node(ctx, fs, n->dev, n->name, n->size, n->id_str, role, &n->origin, NULL);
}

void finding_rec(struct drc_ctx *ctx, struct finding_store *fs, struct drc_device *dev,
		 const struct rel_rec *r, const char *role)
{
	char id[20];

	snprintf(id, sizeof(id), "%0*" PRIx64, (int)r->id_digits, r->id);
	finding_node(ctx, fs, dev, r->name, r->size, id, role, r->known ? &r->added : NULL, &r->ended);
}

static void finding_free(struct finding_store *fs)
{
	if (fs->f.summary && *fs->f.summary)
		free((char *)fs->f.summary);
	if (fs->f.explanation && *fs->f.explanation)
		free((char *)fs->f.explanation);
	if (fs->f.fix && *fs->f.fix)
		free((char *)fs->f.fix);
	free(fs->ev);
	free(fs->nodes);
	free(fs->ids);
}

void rules_findings_free(struct rules_ctx *rc)
{
	for (unsigned i = 0; i < rc->n; i++)
		finding_free(&rc->findings[i]);
	free(rc->findings);
	hashmap_done(&rc->by_key);
}

static uint64_t key_mix(uint64_t h, const char *s)
{
	for (s = s ? s : "\1"; ; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
		if (!*s)
			return h;
	}
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Repeats are one finding: the same rule, severity, boot and devices. */
static bool finding_same(const struct drc_finding *a, const struct drc_finding *b)
{
	return a->rule == b->rule && a->severity == b->severity && a->boot == b->boot &&
	       same_str(a->device, b->device) && same_str(a->other_device, b->other_device);
}

static uint64_t finding_key(const struct drc_finding *f)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)f->severity << 56) ^ f->boot;

	h = key_mix(h, f->rule);
	h = key_mix(h, f->device);
	return key_mix(h, f->other_device) | 1;   /* 0 is no key */
}

static void finding_put_key(struct drc_ctx *ctx, uint64_t key, unsigned at)
{
	/* without memory it is kept, only its repeats are not folded into it */
	if (hashmap_put(&ctx->rules->by_key, key, (void *)(uintptr_t)at) < 0)
		rules_nomem(ctx);
}

/* The one finding for all further warnings or infos of a rule. */
static void finding_further(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_finding *probe,
			    uint64_t key, struct drc_origin first)
{
	struct rules_ctx *rc = ctx->rules;
	const struct drc_rule *rule = fs->rule;

	finding_free(fs);
	memset(fs, 0, sizeof(*fs));
	fs->rule = rule;
	fs->f = *probe;
	fs->f.seq = rc->n;
	fs->f.occurrences = 1;
	fs->f.first = fs->f.last = first;
	fs->f.summary = xstrdup_printf("more %s findings on other devices, counted but not "
				       "listed (over %u distinct findings)", probe->rule, FINDINGS_MAX);
	fs->f.explanation = xstrdup_printf("The capture gave more than %u distinct findings; "
					   "further %s ones are counted here: %s.", FINDINGS_MAX,
					   drc_severity_to_string(probe->severity), rule->info.what);
	fs->f.fix = xstrdup_printf("Narrow the capture or the devices (--device) to list them.");
	if (!fs->f.summary || !fs->f.explanation || !fs->f.fix) {
		rules_nomem(ctx);
		finding_free(fs);
		fs->f.summary = fs->f.explanation = fs->f.fix = "";
	}
	rc->distinct_folded++;
	finding_put_key(ctx, key, rc->n);
}

bool finding_fold(struct drc_ctx *ctx, struct finding_store *fs)
{
	struct rules_ctx *rc = ctx->rules;
	struct drc_finding *f = &fs->f;
	uintptr_t at = (uintptr_t)hashmap_get(&rc->by_key, finding_key(f));
	struct drc_origin first = f->n_evidence ? f->evidence[0] : (struct drc_origin){ 0 };
	struct finding_store *old = NULL;

	if (at && finding_same(&rc->findings[at - 1].f, f))
		old = &rc->findings[at - 1];
	if (!old && !at && rc->n > FINDINGS_MAX && f->severity != DRC_SEVERITY_ERROR) {
		/* one finding for all further ones of this rule and severity */
		struct drc_finding probe = { .rule = f->rule, .severity = f->severity, .boot = f->boot,
					     .device = NULL, .other_device = "(further)" };
		uint64_t k = finding_key(&probe);

		rc->dropped++;
		at = (uintptr_t)hashmap_get(&rc->by_key, k);
		if (!at) {
			finding_further(ctx, fs, &probe, k, first);
			return true;
		}
		old = &rc->findings[at - 1];
	}
	if (!old)
		return false;
	explain(ctx, "%s on %s: occurrence %" PRIu64 " of the finding first seen at line %" PRIu64 ", counted",
		f->rule, f->device ? f->device : "the capture", old->f.occurrences + 1, old->f.first.line);
	old->f.occurrences++;
	if (first.line)
		old->f.last = first;
	old->f.last_cycle = f->last_cycle;
	finding_free(fs);
	rc->n--;
	return true;
}

/* The finding is new: keep it, findable for its repeats. */
static void finding_keep(struct drc_ctx *ctx, struct finding_store *fs)
{
	struct drc_finding *f = &fs->f;
	uint64_t key = finding_key(f);

	f->first = f->last = f->n_evidence ? f->evidence[0] : (struct drc_origin){ 0 };
	for (unsigned i = 0; i < f->n_nodes; i++) {
		fs->nodes[i].id = drc_interns(ctx, fs->ids[i]);
		if (!fs->nodes[i].id)
			rules_nomem(ctx);
	}
	free(fs->ids);
	fs->ids = NULL;
	if (!hashmap_get(&ctx->rules->by_key, key))
		finding_put_key(ctx, key, ctx->rules->n);
}

void finding_done(struct drc_ctx *ctx, struct finding_store *fs, char *summary, char *explanation,
		  char *fix)
{
	if (!fs) {
		free(summary);
		free(explanation);
		free(fix);
		return;
	}
	if (!summary || !explanation || !fix)
		rules_nomem(ctx);
	fs->f.summary = summary ? summary : "";
	fs->f.explanation = explanation ? explanation : "";
	fs->f.fix = fix ? fix : "";
	finding_keep(ctx, fs);
}

/* ---- public ---- */

unsigned drc_ctx_get_finding_count(const struct drc_ctx *ctx)
{
	return ctx->rules ? ctx->rules->n : 0;
}

const struct drc_finding *drc_ctx_get_finding(const struct drc_ctx *ctx, unsigned i)
{
	if (!ctx->rules || i >= ctx->rules->n)
		return NULL;
	return &ctx->rules->findings[i].f;
}

uint64_t drc_ctx_get_findings_dropped(const struct drc_ctx *ctx)
{
	return ctx->rules ? ctx->rules->dropped : 0;
}
