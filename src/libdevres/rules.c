// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rules: they watch the events as the model applies them and say what
 * looks wrong (DESIGN.md section 3). Each finding names its rule, a
 * severity, the devices, the lines that show it and the usual fix.
 *
 * Two notions carry most of the reasoning:
 *
 *  - a *run* is a stretch of ADD/REM lines with nothing else between them
 *    (no release, no uevent, no boot, no gap longer than the clock allows):
 *    one probe, one bind callback. A node added to a group in a later run
 *    than the group's grp< came after the code that opened the group
 *    returned.
 *  - the *adding context*: an ADD on device B that continues a run of ADDs
 *    on device A, while A is probing and B is not, was made by A's probe on
 *    B's list (a component bind, a devm call on the wrong device).
 *
 * Releases are read in batches (model.c); a batch is judged when it is over,
 * that is when its device does something else or the boot ends.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libdevres-private.h"

#define FINDINGS_MAX 10000
#define FINDING_NODES_MAX 32
#define BATCH_NODES_MAX 256
#define FOREIGN_MAX 256
#define CYCLES_KEPT 8
#define GAP_MIN_USEC 5000               /* a longer silence ends a run */
#define PACE_KEPT 15                    /* line pairs the console's pace is taken from */
#define SAME_TEARDOWN_USEC 1000000      /* releases this close belong together */

static const struct drc_rule_info rule_table[] = {
	{ "leak-after-unbind", DRC_SEVERITY_ERROR,
	  "nodes still live after the unbind of the driver that added them, or added while no driver was bound" },
	{ "never-released", DRC_SEVERITY_ERROR,
	  "a device was removed, or the test that made it ended, with nodes still live" },
	{ "cross-device-release", DRC_SEVERITY_WARNING,
	  "a group on one device released inside another device's unbind while the first stays bound" },
	{ "open-group-swept", DRC_SEVERITY_ERROR,
	  "the release of a never-closed group swept nodes added after the code that opened it returned" },
	{ "release-order", DRC_SEVERITY_WARNING,
	  "releases out of list order, or a runtime-PM action released after the resources it uses" },
	{ "unknown-node", DRC_SEVERITY_INFO,
	  "releases or removals of nodes whose ADD is not in the capture" },
	{ "node-reuse", DRC_SEVERITY_WARNING,
	  "an id added again while still live: the line that freed it is missing" },
	{ "module-gone", DRC_SEVERITY_ERROR,
	  "a module was removed while release callbacks in it are still pending" },
	{ "per-cycle-growth", DRC_SEVERITY_WARNING,
	  "nodes left behind after each bind/unbind cycle keep growing" },
	{ "resources-before-probe", DRC_SEVERITY_ERROR,
	  "a device already had devres nodes when its driver probed" },
	{ "drmm-after-unbind", DRC_SEVERITY_WARNING,
	  "DRM-managed resources outlive the device's unbind (released late or never)" },
	{ "log-loss", DRC_SEVERITY_WARNING,
	  "lines were dropped or cut: findings may be incomplete" },
	{ "fd-after-unbind", DRC_SEVERITY_WARNING,
	  "processes still hold the device's nodes open after its unbind freed devm memory" },
	{ "add-during-release", DRC_SEVERITY_ERROR,
	  "devres added to a device while its release of everything ran (a release callback calling devm): left on an unbound device" },
	{ "no-devres", DRC_SEVERITY_ERROR,
	  "the capture holds no devres operation: nothing was judged" },
};

enum rule_id {
	R_LEAK_AFTER_UNBIND,
	R_NEVER_RELEASED,
	R_CROSS_DEVICE,
	R_OPEN_GROUP_SWEPT,
	R_RELEASE_ORDER,
	R_UNKNOWN_NODE,
	R_NODE_REUSE,
	R_MODULE_GONE,
	R_PER_CYCLE_GROWTH,
	R_RES_BEFORE_PROBE,
	R_DRMM_AFTER_UNBIND,
	R_LOG_LOSS,
	R_FD_AFTER_UNBIND,
	R_ADD_DURING_RELEASE,
	R_NO_DEVRES,
};

/* What a batch released, kept until the batch is judged. */
struct rel_rec {
	const char *name;
	uint64_t size;
	uint64_t id;
	unsigned id_digits;
	struct drc_origin added, ended;
	struct drc_device *ctx_dev;
	unsigned flags;
	bool known;                     /* its ADD is in the capture */
	bool late;                      /* added after the open group's opener returned */
	bool marker;
};

struct rules_batch {
	struct rel_rec *recs;           /* grows up to BATCH_NODES_MAX */
	unsigned nrecs, cap;
	unsigned open_groups, closed_groups, groups_by_other;
	struct drc_device *group_ctx;   /* the device whose probe opened the first group */
	struct drc_origin group_open, group_close;
	uint64_t quiet_at_end;          /* rules_ctx.activity at its last release */
	unsigned memory_nodes;
	uint64_t memory_bytes;
	int suspend_rec;                /* records before a suspend-capable action released late, or -1 */
	struct rel_rec suspend;         /* that action (it may be past the records kept) */
	unsigned hw_before_suspend;
	uint64_t uevents_at_end;        /* rules_ctx.uevents at its last release */
};

/* Where a release of everything ended and what it freed, for the rules that
 * look at what comes after it (DRM-managed releases, open files). */
struct release_mark {
	struct drc_origin end;          /* line 0: none */
	int64_t ts;
	uint64_t activity;              /* rules_ctx.activity at its last release */
	unsigned memory;                /* devm memory nodes freed */
	uint64_t memory_bytes;
};

struct foreign {
	struct drc_device *dev;
	uint64_t id, order;
	bool has_id;
};

/*
 * A capture that starts late hides a group's grp<: a devres_release_group()
 * by another device's teardown then reads like a release of everything. What
 * the device does next tells: a REM, or another release with nothing added
 * in between, or no unbind of its own after the other device's, means it
 * stayed bound and the batch was a group release.
 */
struct late_group {
	struct drc_device *other;
	struct drc_origin first, last;
	uint64_t uevents_at_end;
	bool added;                     /* it added nodes since: a probe may have run */
	struct rel_rec recs[FINDING_NODES_MAX];
	unsigned nrecs;
};

struct rules_dev {
	uint32_t probe_run;             /* the run its current probe started in */
	struct drc_device *probe_outer; /* the probe its own started inside (same run), or NULL */
	bool probed;                    /* a probe started since the last release of everything */
	uint64_t ktap_epoch;            /* KUnit cases ended before its last ADD */
	struct foreign *foreign;        /* nodes its probes put on other devices */
	size_t nforeign, foreign_cap;
	unsigned cycles;
	unsigned leftover[CYCLES_KEPT];
	/* its foreign nodes still live when its release of everything reached
	 * the head of its list (the batch is judged later, when they may be gone
	 * with the other device's own unbind) */
	const struct drc_batch *left_batch;
	unsigned left_at_end;
	bool leak_reported, growth_reported;
	struct drc_origin unbind;       /* its last unbind/remove uevent */
	uint64_t unknown;
	uint64_t unknown_same_id;       /* of those, ids equal to the one before */
	uint64_t unknown_last_id;
	struct drc_origin unknown_first;
	char unknown_names[3][64];
	uint64_t reused;
	struct drc_origin reused_first;
	char reused_name[64];
	char reused_id[20];
	/* its last release of everything, for references recorded after it */
	struct release_mark released;
	bool fd_reported;
	/* DRM-managed resources of the drm_device this device is the parent of */
	uint64_t drm_live, drm_bytes;
	bool drm_seen, drm_releasing, drm_released, drm_late_reported;
	struct release_mark drm_unbind; /* end.line 0: not unbound while drmm was live */
	uint64_t unbind_seq;            /* rules_ctx.uevents at its last unbind/remove uevent */
	struct late_group *late;        /* a release that may have been a group release, or NULL */
	/* the nodes a release callback added during its last release of everything */
	uint64_t during_from, during_to;        /* list orders [from, to) */
	struct drc_origin during_at;
};

struct finding_store {
	struct drc_finding f;
	struct drc_origin *ev;
	struct drc_finding_node *nodes;
	char (*ids)[24];                /* the nodes' ids, interned only if the finding is kept */
};

struct rules_ctx {
	struct finding_store *findings;
	unsigned n, cap;
	unsigned distinct_folded;       /* of those, findings that stand for many ("further ...") */
	uint64_t dropped;               /* findings folded into such a one */
	struct hashmap by_key;          /* finding key -> index + 1 */
	/* the stream of devres events */
	uint32_t run;
	bool run_break;
	struct drc_device *last_dev;
	enum drc_op last_op;
	int64_t last_ts;
	struct drc_device *last_ctx;    /* adding context of the last ADD */
	struct drc_batch *last_batch;   /* batch of the last REL */
	struct drc_device *next_ctx;    /* adding context for the ADD being applied */
	struct drc_device *adj_prev;    /* release on another device right before this REL */
	struct drc_device *cur_dev;     /* the event being applied */
	enum drc_op cur_op;
	int64_t cur_ts;
	int64_t tick;                   /* resolution of the clock, in microseconds */
	/* the console's pace: microseconds per 1024 bytes between consecutive
	 * devres lines, the last PACE_KEPT of them, and the previous line's length */
	uint32_t pace[PACE_KEPT];
	unsigned npace, pace_next;
	unsigned last_len;
	uint64_t activity;              /* events other than releases (and unbind uevents) */
	uint64_t ktap_epoch;
	struct drc_origin ktap_last;
	/* per boot */
	uint64_t lost, survivors;
	struct drc_origin lost_first, lost_last, survivor_first;
	struct drc_device *survivor_dev;
	uint64_t uevents;               /* uevents seen */
};

/* ---- small helpers ---- */

/* A decision and the evidence it used, for --explain (LOG_DEBUG). */
#define explain(ctx, ...) dbg(ctx, __VA_ARGS__)
#define explaining(ctx) ((ctx)->log_fn && (ctx)->log_priority >= LOG_DEBUG)

static struct rules_dev *rd_get(struct drc_device *dev)
{
	if (!dev->rules)
		dev->rules = calloc(1, sizeof(*dev->rules));
	return dev->rules;
}

static char *xstrdup_printf(const char *fmt, ...) _printf_(1, 2);
static char *xstrdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static const char *dev_label(const struct drc_device *dev, char *buf, size_t len)
{
	const char *drv = dev->driver ? dev->driver : dev->prefix;

	if (drv && *drv)
		snprintf(buf, len, "%s %s", drv, dev->name);
	else
		snprintf(buf, len, "%s", dev->name);
	return buf;
}

/*
 * The bytes a console sends for a devres line: dev_err()'s prefix, device
 * and "DEVRES %3s %p %s (%zu bytes)" (drivers/base/devres.c), after the
 * "[%5lu.%06lu] " time.
 */
static unsigned printed_len(const struct drc_event *ev)
{
	unsigned size_digits = 1;

	for (uint64_t v = ev->size; v >= 10 && ev->size != UINT64_MAX; v /= 10)
		size_digits++;
	return 15 + (ev->prefix ? (unsigned)strlen(ev->prefix) + 1 : 0) + (unsigned)strlen(ev->device) + 10 +
	       (ev->id_digits ? ev->id_digits : 16) + 1 + (unsigned)strlen(ev->name) + 2 + size_digits + 8;
}

/* The median of the pace kept: robust to the real pauses among them. */
static uint32_t pace_median(const struct rules_ctx *rc)
{
	uint32_t v[PACE_KEPT];
	unsigned n = rc->npace;

	if (n < 3)
		return 0;
	memcpy(v, rc->pace, n * sizeof(v[0]));
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/*
 * How long a silence between two devres lines ends a run. A coarse clock
 * (jiffies) puts one probe across two ticks. A slow console stretches time:
 * with a legacy (synchronous) console, printk() returns only once the line
 * was sent, so at 115200 baud (11520 bytes/s) the next line of the same probe
 * comes len/11520 s later, 5-20 ms. The pace is measured, not assumed: the
 * median time per byte between consecutive lines; a run then ends after one
 * and a half times the previous line's sending time plus the fixed minimum.
 */
static int64_t base_gap_limit(const struct rules_ctx *rc)
{
	return MAX((int64_t)GAP_MIN_USEC, 2 * rc->tick + 1);
}

static int64_t gap_limit(const struct rules_ctx *rc)
{
	int64_t limit = base_gap_limit(rc);
	uint32_t pace = pace_median(rc);

	if (pace && rc->last_len)
		limit = MAX(limit, (int64_t)GAP_MIN_USEC + (int64_t)rc->last_len * pace * 3 / 2 / 1024);
	return limit;
}

static void pace_note(struct rules_ctx *rc, const struct drc_event *ev)
{
	if (ev->ts_usec >= 0 && rc->last_ts >= 0 && rc->last_len && ev->ts_usec >= rc->last_ts) {
		uint64_t p = (uint64_t)(ev->ts_usec - rc->last_ts) * 1024 / rc->last_len;

		rc->pace[rc->pace_next] = (uint32_t)MIN(p, (uint64_t)UINT32_MAX);
		rc->pace_next = (rc->pace_next + 1) % PACE_KEPT;
		if (rc->npace < PACE_KEPT)
			rc->npace++;
	}
	rc->last_len = printed_len(ev);
}

static void size_str(char *buf, size_t len, uint64_t size)
{
	if (size == UINT64_MAX)
		snprintf(buf, len, "size unknown");
	else
		snprintf(buf, len, "%" PRIu64 " bytes", size);
}

/* ---- findings ---- */

static struct finding_store *finding_new(struct drc_ctx *ctx, enum rule_id rule, enum drc_severity sev,
					 struct drc_device *dev, struct drc_device *other)
{
	struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;

	if (rc->n == rc->cap) {
		unsigned ncap = rc->cap ? rc->cap * 2 : 16;
		struct finding_store *n = realloc(rc->findings, ncap * sizeof(*n));

		if (!n)
			return NULL;
		rc->findings = n;
		rc->cap = ncap;
	}
	fs = &rc->findings[rc->n++];
	memset(fs, 0, sizeof(*fs));
	fs->f.rule = rule_table[rule].id;
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

static void finding_evidence(struct finding_store *fs, const struct drc_origin *o)
{
	struct drc_origin *n;

	if (!fs || !o || !o->line)
		return;
	for (unsigned i = 0; i < fs->f.n_evidence; i++)
		if (fs->ev[i].line == o->line && fs->ev[i].source == o->source)
			return;
	n = realloc(fs->ev, (fs->f.n_evidence + 1) * sizeof(*n));
	if (!n)
		return;
	fs->ev = n;
	/* keep them in line order within a source */
	unsigned i = fs->f.n_evidence;

	while (i > 0 && fs->ev[i - 1].source == o->source && fs->ev[i - 1].line > o->line) {
		fs->ev[i] = fs->ev[i - 1];
		i--;
	}
	fs->ev[i] = *o;
	fs->f.n_evidence++;
	fs->f.evidence = fs->ev;
}

static void finding_node(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_device *dev,
			 const char *name, uint64_t size, const char *id, const char *role,
			 const struct drc_origin *added, const struct drc_origin *ended)
{
	struct drc_finding_node *n, *nn;
	char (*ids)[24];

	if (!fs || fs->f.n_nodes >= FINDING_NODES_MAX)
		return;
	nn = realloc(fs->nodes, (fs->f.n_nodes + 1) * sizeof(*nn));
	if (!nn)
		return;
	fs->nodes = nn;
	ids = realloc(fs->ids, (fs->f.n_nodes + 1) * sizeof(*ids));
	if (!ids)
		return;
	fs->ids = ids;
	snprintf(ids[fs->f.n_nodes], sizeof(ids[0]), "%s", id && *id ? id : "?");
	n = &nn[fs->f.n_nodes++];
	memset(n, 0, sizeof(*n));
	n->device = dev->name;
	n->name = name ? name : drc_interns(ctx, "?");
	n->size = size == UINT64_MAX ? -1 : (int64_t)size;
	n->id = NULL;                   /* finding_keep() */
	n->class = drc_ctx_classify(ctx, name);
	n->role = role ? drc_interns(ctx, role) : NULL;
	if (added)
		n->added = *added;
	if (ended)
		n->ended = *ended;
	fs->f.nodes = fs->nodes;
	finding_evidence(fs, added);
	finding_evidence(fs, ended);
}

static void finding_live_node(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_node *n,
			      const char *role)
{
	finding_node(ctx, fs, n->dev, n->name, n->size, n->id_str, role, &n->origin, NULL);
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

/*
 * The finding is complete but for its texts: fold it into an earlier
 * occurrence of the same finding (then its texts are never built). Past
 * FINDINGS_MAX distinct findings, warnings and infos of a rule are folded
 * into one "further findings" finding per rule (errors are kept one by one,
 * always): memory stays bounded by the devices and rules, and nothing is
 * lost from the verdict. True when @fs was folded and freed.
 */
static bool finding_fold(struct drc_ctx *ctx, struct finding_store *fs)
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
		unsigned rule = 0;

		rc->dropped++;
		at = (uintptr_t)hashmap_get(&rc->by_key, k);
		if (at) {
			old = &rc->findings[at - 1];
		} else {
			while (rule + 1 < ARRAY_SIZE(rule_table) && strcmp(rule_table[rule].id, f->rule) != 0)
				rule++;
			finding_free(fs);
			memset(fs, 0, sizeof(*fs));
			fs->f = probe;
			fs->f.seq = rc->n;
			fs->f.occurrences = 1;
			fs->f.first = fs->f.last = first;
			fs->f.summary = xstrdup_printf("more %s findings on other devices, counted but not "
						       "listed (over %u distinct findings)", probe.rule, FINDINGS_MAX);
			fs->f.explanation = xstrdup_printf("The capture gave more than %u distinct findings; "
							   "further %s ones are counted here: %s.", FINDINGS_MAX,
							   drc_severity_to_string(probe.severity), rule_table[rule].what);
			fs->f.fix = xstrdup_printf("Narrow the capture or the devices (--device) to list them.");
			if (!fs->f.summary || !fs->f.explanation || !fs->f.fix) {
				finding_free(fs);
				fs->f.summary = fs->f.explanation = fs->f.fix = "";
			}
			rc->distinct_folded++;
			hashmap_put(&rc->by_key, k, (void *)(uintptr_t)rc->n);
			return true;
		}
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
	struct rules_ctx *rc = ctx->rules;
	struct drc_finding *f = &fs->f;
	uint64_t key = finding_key(f);

	f->first = f->last = f->n_evidence ? f->evidence[0] : (struct drc_origin){ 0 };
	for (unsigned i = 0; i < f->n_nodes; i++)
		fs->nodes[i].id = drc_interns(ctx, fs->ids[i]);
	free(fs->ids);
	fs->ids = NULL;
	if (!hashmap_get(&rc->by_key, key))
		hashmap_put(&rc->by_key, key, (void *)(uintptr_t)rc->n);   /* on ENOMEM: not folded */
}

/* The texts are built last, from what the finding holds. */
static void finding_text(struct drc_ctx *ctx, struct finding_store *fs, char *summary, char *explanation,
			 char *fix)
{
	if (!fs) {
		free(summary);
		free(explanation);
		free(fix);
		return;
	}
	fs->f.summary = summary ? summary : "";
	fs->f.explanation = explanation ? explanation : "";
	fs->f.fix = fix ? fix : "";
	finding_keep(ctx, fs);
}

/* A repeat is counted without building its texts. */
#define FINDING_TEXT(ctx, fs, summary, explanation, fix) do {                   \
		if (!(fs) || !finding_fold(ctx, fs))                            \
			finding_text(ctx, fs, summary, explanation, fix);       \
	} while (0)

/* What it costs when a resource of this class goes away behind its user. */
static const char *consequence(const char *class)
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

/* ---- life cycle ---- */

int drc_rules_init(struct drc_ctx *ctx)
{
	ctx->rules = calloc(1, sizeof(*ctx->rules));
	if (!ctx->rules)
		return -ENOMEM;
	ctx->rules->last_ts = -1;
	return 0;
}

void drc_rules_free(struct drc_ctx *ctx)
{
	struct rules_ctx *rc = ctx->rules;

	if (!rc)
		return;
	for (unsigned i = 0; i < rc->n; i++)
		finding_free(&rc->findings[i]);
	free(rc->findings);
	hashmap_done(&rc->by_key);
	free(rc);
	ctx->rules = NULL;
}

void drc_rules_device_free(struct drc_device *dev)
{
	if (dev->rules) {
		free(dev->rules->foreign);
		free(dev->rules->late);
	}
	free(dev->rules);
	dev->rules = NULL;
}

void drc_rules_batch_free(struct drc_batch *b)
{
	if (b->rules)
		free(b->rules->recs);
	free(b->rules);
	b->rules = NULL;
}

/* ---- the stream of events ---- */

static void late_group_fire(struct drc_device *dev, const char *why);

void drc_rules_pre_event(struct drc_ctx *ctx, struct drc_device *dev, const struct drc_event *ev,
			 bool was_bound, bool id_reused)
{
	struct rules_ctx *rc = ctx->rules;
	struct rules_dev *rd = rd_get(dev);
	bool adjacent, new_run = false;
	char la[300], lo[300];

	if (!rd)
		return;
	if (ev->ts_usec > 0) {
		/* the clock's resolution: the greatest common divisor of the
		 * timestamps (10000 on a HZ=100 jiffies clock, 1 with microseconds) */
		int64_t a = ev->ts_usec, b = rc->tick;

		while (b) {
			int64_t t = a % b;

			a = b;
			b = t;
		}
		rc->tick = MIN(a, (int64_t)100000);
	}
	adjacent = rc->last_dev && !rc->run_break && rc->last_dev->boot == dev->boot &&
		   !(ev->ts_usec >= 0 && rc->last_ts >= 0 && ev->ts_usec - rc->last_ts > base_gap_limit(rc) &&
		     ev->ts_usec - rc->last_ts > gap_limit(rc));

	/* releases on two devices back to back: one teardown may have caused the other */
	rc->adj_prev = NULL;
	if (ev->op == DRC_OP_REL && rc->last_op == DRC_OP_REL && adjacent && rc->last_dev != dev) {
		rc->adj_prev = rc->last_dev;
		if (rc->last_batch && rc->last_dev->batch == rc->last_batch && !rc->last_batch->next_dev)
			rc->last_batch->next_dev = dev;
	}
	if (ev->op != DRC_OP_REL)
		rc->activity++;
	if (ev->op == DRC_OP_REM && rd->late && !rd->late->added)
		late_group_fire(dev, "a removal from its list follows, with no probe in between");

	if (ev->op == DRC_OP_REL)
		new_run = rc->last_op != DRC_OP_REL || !adjacent;
	else
		new_run = rc->last_op == DRC_OP_REL || !adjacent || id_reused;
	if (new_run || !rc->last_dev)
		rc->run++;
	if (explaining(ctx) && rc->last_dev && !adjacent && !rc->run_break && rc->last_dev->boot == dev->boot)
		explain(ctx, "line %" PRIu64 ": run %u starts: %" PRId64 " us since the last devres line, more than "
			"the %" PRId64 " us a run allows (clock tick %" PRId64 " us, console pace %u us/KiB)",
			ev->origin.line, rc->run, ev->ts_usec - rc->last_ts, gap_limit(rc), rc->tick, pace_median(rc));

	rc->next_ctx = NULL;
	if (ev->op == DRC_OP_ADD || ev->op == DRC_OP_REPLACE) {
		bool driver_prefix = dev->prefix && *dev->prefix && !dev->prefix_is_bus;

		/* a probe starts: the driver's name appears, or, where lines carry no
		 * prefix (the trace), the first ADD after a release of everything
		 * (or the device's first line). After other releases only, such as
		 * a group released by another device, it is not known to be a probe. */
		if (!was_bound && rd->probe_run != rc->run && !dev->batch &&
		    (driver_prefix || (!ev->prefix && !dev->prefix && !rd->probed &&
				       (rd->cycles || dev->events == 1)))) {
			struct drc_device *up = !new_run && rc->last_dev && rc->last_dev != dev &&
						rc->last_op != DRC_OP_REL ? rc->last_dev : NULL;

			rd->probe_run = rc->run;
			rd->probed = true;
			/* a device created and probed inside another's probe (a bus
			 * driver's ports): the outer probe's context goes on after it */
			rd->probe_outer = NULL;
			if (up && up->rules && up->rules->probe_run == rc->run) {
				rd->probe_outer = up->rules->probe_outer ? up->rules->probe_outer : up;
				explain(ctx, "line %" PRIu64 ": %s probes inside %s's probe (nested)", ev->origin.line,
					dev->name, rd->probe_outer->name);
			}
		}
		if (!new_run && rc->last_op != DRC_OP_REL && rc->last_dev) {
			if (rc->last_dev == dev) {
				rc->next_ctx = rc->last_ctx;
			} else {
				struct drc_device *cand = rc->last_ctx ? rc->last_ctx : rc->last_dev;

				if (cand->rules && cand->rules->probe_run == rc->run && cand->rules->probe_outer &&
				    cand->rules->probe_outer != dev)
					cand = cand->rules->probe_outer;

				if (cand != dev && cand->rules && cand->rules->probe_run == rc->run &&
				    rd->probe_run != rc->run)
					rc->next_ctx = cand;
				if (rc->next_ctx)
					explain(ctx, "line %" PRIu64 ": ADD on %s continues the run of %s's probe: "
						"added by that probe (adding context)", ev->origin.line,
						dev_label(dev, la, sizeof(la)), dev_label(cand, lo, sizeof(lo)));
				else if (cand != dev)
					explain(ctx, "line %" PRIu64 ": ADD on %s follows %s without a break, but "
						"not as its probe's: %s", ev->origin.line, dev_label(dev, la, sizeof(la)),
						dev_label(cand, lo, sizeof(lo)),
						!cand->rules || cand->rules->probe_run != rc->run ?
						"that device is not probing in this run" :
						"this device is probing itself in this run");
			}
		}
	}
	rc->last_ctx = ev->op == DRC_OP_ADD || ev->op == DRC_OP_REPLACE ? rc->next_ctx :
		       rc->last_dev == dev ? rc->last_ctx : NULL;
	rc->last_dev = dev;
	rc->last_op = ev->op;
	pace_note(rc, ev);
	if (ev->ts_usec >= 0)
		rc->last_ts = ev->ts_usec;
	rc->run_break = false;
	rc->cur_dev = dev;
	rc->cur_op = ev->op;
	rc->cur_ts = ev->ts_usec;
	if (ev->op == DRC_OP_ADD)
		rd->ktap_epoch = rc->ktap_epoch;
}

void drc_rules_post_event(struct drc_ctx *ctx)
{
	ctx->rules->cur_dev = NULL;
}

static void check_before_probe(struct drc_device *dev, const struct drc_origin *evidence)
{
	struct drc_ctx *ctx = dev->ctx;
	const struct rules_dev *rd = dev->rules;
	struct finding_store *fs = NULL;
	unsigned count = 0, during = 0;
	uint64_t bytes = 0;
	char a[300];

	for (struct drc_node *n = dev->head; n; n = n->next) {
		bool cb;

		if (n->kind == DRC_NODE_GROUP_CLOSE || (!evidence && !n->unbound_add))
			continue;
		if (!evidence && n->run == ctx->rules->run)
			continue;
		if (!fs) {
			fs = finding_new(ctx, R_RES_BEFORE_PROBE, DRC_SEVERITY_ERROR, dev, NULL);
			if (!fs)
				return;
			finding_evidence(fs, evidence);
		}
		/* added while a release of everything ran (judged, or still open) */
		cb = (rd && n->order >= rd->during_from && n->order < rd->during_to) ||
		     (dev->batch && dev->batch->kind == DRC_BATCH_RELEASE_ALL && n->order >= dev->batch->start_order);
		during += cb;
		finding_live_node(ctx, fs, n, cb ? "added by a release callback during the last unbind" :
				  n->unbound_add ? "added while no driver was bound" : "on the list before the probe");
		count++;
		if (n->size != UINT64_MAX && n->kind != DRC_NODE_GROUP_OPEN)
			bytes += n->size;
	}
	if (!fs)
		return;
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s had %u devres node%s (%" PRIu64 " bytes) before its driver probed",
			       a, count, count == 1 ? "" : "s", bytes),
		during == count ?
		xstrdup_printf("When a driver probes, the device's devres list should be empty. These nodes were "
			       "added by a release callback while the unbind at line %" PRIu64 " released "
			       "everything (see add-during-release), and stay until device_del(). Since v5.12 "
			       "really_probe() refuses such a probe with -EBUSY (\"Resources present before "
			       "probing\").", rd && rd->during_at.line ? rd->during_at.line :
			       dev->batch ? dev->batch->first.line : 0) :
		xstrdup_printf("When a driver probes, the device's devres list should be empty: everything on it "
			       "was added by someone else while no driver was bound (the lines print the bus or "
			       "class, not a driver), and it will only be released at the next unbind or at "
			       "device_del(). Since v5.12 really_probe() refuses such a probe with -EBUSY "
			       "(\"Resources present before probing\")."),
		during == count ?
		xstrdup_printf("Do not call devm_*() from the release callbacks of %s.", dev->name) :
		xstrdup_printf("Find the code that calls devm_*() on %s while it has no driver (often a parent "
			       "or bus driver using the child's struct device) and use its own device, or plain "
			       "allocations it frees itself.", dev->name));
}

static unsigned foreign_leftovers(struct drc_device *dev, struct finding_store *fs, unsigned *uncertain,
				  const struct drc_origin *until);

static void foreign_prune(struct drc_device *dev)
{
	foreign_leftovers(dev, NULL, NULL, NULL);
}

void drc_rules_added(struct drc_device *dev, struct drc_node *n)
{
	struct rules_ctx *rc = dev->ctx->rules;
	struct rules_dev *rd = dev->rules;
	struct drc_device *cx = rc->next_ctx;

	n->run = rc->run;
	n->ctx_dev = cx;
	if (rd && rd->late)
		rd->late->added = true;
	if (n->kind == DRC_NODE_GROUP_OPEN && n->group) {
		n->group->open_run = rc->run;
		n->group->ctx_dev = cx;
	}
	if (!rd)
		return;
	/* the first ADD of a probe: is the list already populated? */
	if (rd->probe_run == rc->run && !n->unbound_add && n->prev && n->prev->run != rc->run)
		check_before_probe(dev, NULL);
	if (cx && cx->rules && n->kind != DRC_NODE_GROUP_CLOSE) {
		struct rules_dev *cr = cx->rules;

		if (cr->nforeign == FOREIGN_MAX) {
			/* forget what is gone; if all is still live, the oldest half */
			foreign_prune(cx);
			if (cr->nforeign == FOREIGN_MAX) {
				memmove(cr->foreign, cr->foreign + FOREIGN_MAX / 2,
					(FOREIGN_MAX / 2) * sizeof(*cr->foreign));
				cr->nforeign = FOREIGN_MAX / 2;
			}
		}
		if (cr->nforeign == cr->foreign_cap && cr->foreign_cap < FOREIGN_MAX) {
			size_t ncap = cr->foreign_cap ? cr->foreign_cap * 2 : 16;
			struct foreign *f = realloc(cr->foreign, ncap * sizeof(*f));

			if (f) {
				cr->foreign = f;
				cr->foreign_cap = ncap;
			}
		}
		if (cr->nforeign < cr->foreign_cap)
			cr->foreign[cr->nforeign++] = (struct foreign){
				.dev = dev, .id = n->id, .order = n->order, .has_id = n->has_id };
	}
}

void drc_rules_node_lost(struct drc_device *dev, struct drc_node *old, const struct drc_event *ev)
{
	struct rules_dev *rd = rd_get(dev);

	(void)ev;
	if (!rd)
		return;
	if (!rd->reused++) {
		rd->reused_first = old->origin;
		snprintf(rd->reused_name, sizeof(rd->reused_name), "%s", old->name ? old->name : "?");
		snprintf(rd->reused_id, sizeof(rd->reused_id), "%s", old->id_str);
	}
}

void drc_rules_unknown(struct drc_device *dev, const struct drc_event *ev)
{
	struct rules_dev *rd = rd_get(dev);

	if (!rd)
		return;
	if (rd->unknown < ARRAY_SIZE(rd->unknown_names))
		snprintf(rd->unknown_names[rd->unknown], sizeof(rd->unknown_names[0]), "%s", ev->name);
	if (rd->unknown && ev->id == rd->unknown_last_id && ev->id_digits)
		rd->unknown_same_id++;
	rd->unknown_last_id = ev->id;
	if (!rd->unknown++)
		rd->unknown_first = ev->origin;
}

void drc_rules_batch_start(struct drc_device *dev, struct drc_batch *b)
{
	struct rules_ctx *rc = dev->ctx->rules;

	b->prev_dev = rc->adj_prev;
	if (dev->rules && dev->rules->late && !dev->rules->late->added)
		late_group_fire(dev, "it released again later with nothing added in between");
	b->rules = calloc(1, sizeof(*b->rules));
	if (b->rules)
		b->rules->suspend_rec = -1;
}

/* A group being released: was one of the released groups still open, and
 * did this node come after the code that opened it returned? */
static bool node_is_late(const struct drc_node *n)
{
	for (const struct drc_group *g = n->group; g; g = g->parent) {
		if (g->state != DRC_GROUP_RELEASED || !g->was_open)
			continue;
		if (n->run == g->open_run)
			continue;
		if (g->ctx_dev && n->ctx_dev == g->ctx_dev)
			continue;       /* the same probe, after a pause */
		return true;
	}
	return false;
}

void drc_rules_released(struct drc_device *dev, struct drc_batch *b, struct drc_node *n,
			const struct drc_event *ev)
{
	struct drc_ctx *ctx = dev->ctx;
	struct rules_batch *rb = b->rules;
	struct rel_rec *r, rec;
	const struct kb_entry *kb;
	bool marker = strcmp(ev->name, "grp<") == 0 || strcmp(ev->name, "grp>") == 0;

	ctx->rules->last_batch = b;
	if (!rb)
		return;
	rb->quiet_at_end = ctx->rules->activity;
	rb->uevents_at_end = ctx->rules->uevents;
	if (n && n->kind == DRC_NODE_GROUP_OPEN && n->group) {
		struct drc_group *g = n->group;

		g->was_open = g->state == DRC_GROUP_OPEN;
		if (rb->open_groups + rb->closed_groups == 0) {
			rb->group_ctx = g->ctx_dev;
			rb->group_open = g->open_origin;
			rb->group_close = g->close_origin;
		}
		if (g->was_open)
			rb->open_groups++;
		else
			rb->closed_groups++;
		if (g->ctx_dev && g->ctx_dev != dev)
			rb->groups_by_other++;
	}
	kb = marker ? NULL : drc_kb_lookup(ctx, ev->name);        /* ev->name is interned */
	rec = (struct rel_rec){ .name = ev->name, .size = ev->size, .ended = ev->origin, .flags = kb ? kb->flags : 0,
				.marker = marker, .id = ev->id, .id_digits = ev->id_digits };
	if (n) {
		rec.known = true;
		rec.added = n->origin;
		rec.ctx_dev = n->ctx_dev;
		if (n->kind == DRC_NODE_REALLOC && n->size == UINT64_MAX)
			rec.size = ev->size;
	}
	if (!marker) {
		unsigned flags = kb ? kb->flags : 0;

		if (kb && strcmp(kb->class, "memory") == 0) {
			rb->memory_nodes++;
			rb->memory_bytes += ev->size;
		}
		if ((flags & DRC_KB_SUSPEND) && rb->suspend_rec < 0 && rb->hw_before_suspend) {
			/* judged with the records before it, kept or not */
			rb->suspend_rec = (int)rb->nrecs;
			rb->suspend = rec;
		} else if ((flags & DRC_KB_HW) && rb->suspend_rec < 0) {
			rb->hw_before_suspend++;
		}
	}
	if (rb->nrecs >= BATCH_NODES_MAX)
		return;
	if (rb->nrecs == rb->cap) {
		unsigned ncap = rb->cap ? rb->cap * 2 : 8;
		struct rel_rec *nr = realloc(rb->recs, ncap * sizeof(*nr));

		if (!nr)
			return;
		rb->recs = nr;
		rb->cap = ncap;
	}
	r = &rb->recs[rb->nrecs++];
	*r = rec;
	if (n && !n->prev && b->kind == DRC_BATCH_RELEASE_ALL && dev->rules && dev->rules->nforeign) {
		dev->rules->left_batch = b;
		dev->rules->left_at_end = foreign_leftovers(dev, NULL, NULL, NULL);
	}
	if (n) {
		if (!marker)
			r->late = node_is_late(n);
		if (!marker && n->group && n->group->state == DRC_GROUP_RELEASED && n->group->was_open)
			explain(ctx, "line %" PRIu64 ": %s on %s (added at line %" PRIu64 ", run %u) in the never-closed "
				"group opened at line %" PRIu64 " (run %u): %s", ev->origin.line, ev->name, dev->name,
				n->origin.line, n->run, n->group->open_origin.line, n->group->open_run,
				r->late ? "added after the opener returned" :
				n->run == n->group->open_run ? "same run as the opening" :
				"added by the same probe after a pause");
	}
}

/* ---- judging a batch ---- */

static void release_mark_set(struct release_mark *m, const struct drc_batch *b)
{
	*m = (struct release_mark){ .end = b->last, .ts = b->last_ts };
	if (b->rules) {
		m->activity = b->rules->quiet_at_end;
		m->memory = b->rules->memory_nodes;
		m->memory_bytes = b->rules->memory_bytes;
	}
}

/* A release of everything the device is still in (judged only later): a
 * line about something else means it is over. */
static const struct drc_batch *release_all_in_progress(const struct drc_device *dev)
{
	const struct drc_batch *b = dev->batch;

	return b && b->kind == DRC_BATCH_RELEASE_ALL && !b->probe_failure && b->rules ? b : NULL;
}

static void finding_rec(struct drc_ctx *ctx, struct finding_store *fs, struct drc_device *dev,
			const struct rel_rec *r, const char *role)
{
	char id[20];

	snprintf(id, sizeof(id), "%0*" PRIx64, (int)r->id_digits, r->id);
	finding_node(ctx, fs, dev, r->name, r->size, id, role, r->known ? &r->added : NULL, &r->ended);
}

/* The nodes an open group swept although added after it was opened: each
 * as the finding's evidence, and named in @what for its text. */
static void late_nodes(struct drc_ctx *ctx, struct finding_store *fs, struct drc_device *dev,
		       const struct rel_rec *recs, unsigned n, bool skip_markers, const char *note,
		       struct strbuf *what)
{
	char sz[40];

	for (unsigned i = 0; i < n; i++) {
		const struct rel_rec *r = &recs[i];

		if (!r->late || (skip_markers && r->marker))
			continue;
		finding_rec(ctx, fs, dev, r, note);
		size_str(sz, sizeof(sz), r->size);
		if (what->len < 400)
			strbuf_appendf(what, "%s%s (%s, added at line %" PRIu64 ")",
				       what->len ? ", " : "", r->name, sz, r->added.line);
	}
}

static void judge_cross_device(struct drc_device *dev, struct drc_batch *b)
{
	struct drc_ctx *ctx = dev->ctx;
	struct rules_ctx *rc = ctx->rules;
	struct rules_batch *rb = b->rules;
	struct drc_device *other = b->next_dev ? b->next_dev : b->prev_dev;
	struct finding_store *fs;
	char a[300], o[300];
	unsigned late = 0, resources = 0;
	const char *late_class = NULL;
	bool intended, uncertain;

	if (!other || other == dev || !(rb->open_groups + rb->closed_groups)) {
		if (rb->open_groups + rb->closed_groups)
			explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release declined for %s: its "
				"group release is next to no other device's releases", b->first.line, b->last.line,
				dev->name);
		return;
	}
	/* the device's own teardown continuing right after: it is unbinding too */
	if (rc->cur_dev == dev && rc->cur_op == DRC_OP_REL && rc->activity == rb->quiet_at_end &&
	    !(rc->cur_ts >= 0 && b->last_ts >= 0 && rc->cur_ts - b->last_ts > gap_limit(rc))) {
		explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release declined for %s next to %s: "
			"its own release of everything follows without a pause, so it is unbinding too",
			b->first.line, b->last.line, dev->name, other->name);
		return;
	}
	for (unsigned i = 0; i < rb->nrecs; i++) {
		if (rb->recs[i].marker)
			continue;
		resources++;
		if (rb->recs[i].late) {
			late++;
			if (!late_class)
				late_class = drc_ctx_classify(ctx, rb->recs[i].name);
		}
	}
	dev_label(dev, a, sizeof(a));
	dev_label(other, o, sizeof(o));
	intended = !rb->open_groups && rb->group_ctx == other;
	/* the group's grp< fell into a gap the capture itself reports: who
	 * opened it, and whether it was closed, is not known */
	uncertain = !intended && !rb->group_open.line && rc->lost;
	explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release on %s inside %s's teardown: group opened "
		"at line %" PRIu64 " by %s, %s; %s", b->first.line, b->last.line, dev->name, other->name,
		rb->group_open.line, rb->group_ctx ? rb->group_ctx->name : "an unknown context",
		rb->open_groups ? "never closed" : "closed",
		intended ? "all set up by that probe: info" :
		uncertain ? "its opening fell into a counted loss: info (uncertain)" : "warning");

	fs = finding_new(ctx, R_CROSS_DEVICE, intended || uncertain ? DRC_SEVERITY_INFO : DRC_SEVERITY_WARNING,
			 dev, other);
	if (fs) {
		finding_evidence(fs, &rb->group_open);
		finding_evidence(fs, &b->first);
		finding_evidence(fs, &b->last);
		if (other->rules)
			finding_evidence(fs, &other->rules->unbind);
		for (unsigned i = 0; i < rb->nrecs; i++) {
			const struct rel_rec *r = &rb->recs[i];

			finding_rec(ctx, fs, dev, r,
				    r->marker ? "group bookkeeping" :
				    r->late ? "added after the group was opened" :
				    r->ctx_dev == other ? "added during the other device's probe" :
				    r->known ? "group member" : "ADD not in the capture");
		}
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("%s: %u node%s released inside %s's teardown while it stays bound",
				       a, resources, resources == 1 ? "" : "s", o),
			xstrdup_printf("devres_release_group() on %s ran next to %s's own releases (lines %" PRIu64
				       "-%" PRIu64 "), so %s's unbind or remove released a group that lives on %s. "
				       "The group was opened at line %" PRIu64 "%s%s and %s. %s",
				       dev->name, o, b->first.line, b->last.line, other->name, dev->name,
				       rb->group_open.line, rb->group_ctx ? ", during the probe of " : "",
				       rb->group_ctx ? rb->group_ctx->name : "",
				       rb->open_groups ? "was never closed" : "had been closed",
				       intended ? "Everything in it was set up by that probe: this is the usual "
						  "teardown of a component or aggregate bind." :
				       uncertain ? "Uncertain: the group was opened before the operations the "
						   "capture reports lost, so who opened it is not known." :
				       "The device that stays bound may still use what was released."),
			intended ? xstrdup_printf("Nothing to fix if %s keeps no pointer into what the group "
						  "held.", dev->name) :
			xstrdup_printf("Close a group opened on another device's behalf as soon as the bind is "
				       "done (devres_close_group()), so that its release takes only what the bind "
				       "set up."));
	}

	if (!rb->open_groups || !late) {
		explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": open-group-swept declined for %s: %s", b->first.line,
			b->last.line, dev->name, !rb->open_groups ? "the group had been closed" :
			"every node it swept came in the run that opened it, or from the same probe");
		return;
	}
	fs = finding_new(ctx, R_OPEN_GROUP_SWEPT, DRC_SEVERITY_ERROR, dev, other);
	if (!fs)
		return;
	finding_evidence(fs, &rb->group_open);
	finding_evidence(fs, &b->first);
	if (other->rules)
		finding_evidence(fs, &other->rules->unbind);
	{
		struct strbuf what = STRBUF_INIT;

		late_nodes(ctx, fs, dev, rb->recs, rb->nrecs, false, "added after the group was opened", &what);
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("open group on %s swept %u node%s added after it was opened, during %s's unbind",
				       a, late, late == 1 ? "" : "s", o),
			xstrdup_printf("The group opened on %s at line %" PRIu64 "%s%s%s was never closed, so every "
				       "node added to the device afterwards joined it. Its release during %s's unbind "
				       "(line %" PRIu64 ") swept %s, added after the group was opened, while %s "
				       "stays bound: %s.",
				       a, rb->group_open.line, rb->group_ctx ? " (during the probe of " : "",
				       rb->group_ctx ? rb->group_ctx->name : "", rb->group_ctx ? ")" : "", o,
				       b->first.line, what.buf ? what.buf : "", a,
				       consequence(late_class ? late_class : "other")),
			xstrdup_printf("Close the group once the code that opened it is done (devres_close_group(), "
				       "as component.c does since \"component: do not leave master devres group "
				       "open after bind\"), so later devm_*() calls on %s stay outside it.", a));
		strbuf_done(&what);
	}
}

static void judge_suspend_order(struct drc_device *dev, struct drc_batch *b)
{
	struct drc_ctx *ctx = dev->ctx;
	struct rules_batch *rb = b->rules;
	const struct rel_rec *s = &rb->suspend;
	struct strbuf used = STRBUF_INIT;
	struct finding_store *fs;
	char a[300];

	fs = finding_new(ctx, R_RELEASE_ORDER, DRC_SEVERITY_WARNING, dev, NULL);
	if (!fs)
		return;
	for (unsigned i = 0, listed = 0; i < rb->nrecs && (int)i < rb->suspend_rec; i++) {
		const struct rel_rec *r = &rb->recs[i];

		if (r->marker || !(r->flags & DRC_KB_HW))
			continue;
		/* room is left for the action itself */
		if (++listed < FINDING_NODES_MAX)
			finding_rec(ctx, fs, dev, r, "released before the runtime-PM action");
		if (used.len < 300)
			strbuf_appendf(&used, "%s%s", used.len ? ", " : "", r->name);
	}
	finding_rec(ctx, fs, dev, s, "runtime-PM action released late");
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %s released after %u hardware resource%s it may need", a, s->name,
			       rb->hw_before_suspend, rb->hw_before_suspend == 1 ? "" : "s"),
		xstrdup_printf("In the %s at lines %" PRIu64 "-%" PRIu64 ", %s ran after %s. Releases run in "
			       "reverse order of acquisition, so runtime PM was enabled before these were "
			       "acquired; the runtime-suspend callback it may run then finds them released "
			       "(warnings such as __icc_enable, clock or regulator underflows).",
			       b->probe_failure || b->kind == DRC_BATCH_RELEASE_ALL ? "release of all resources" :
			       "release", b->first.line, b->last.line, s->name, used.buf ? used.buf : "?"),
		xstrdup_printf("Acquire the resources the runtime-PM callbacks use before "
			       "devm_pm_runtime_enable(), so that the PM action is released first."));
	strbuf_done(&used);
}

static void judge_out_of_order(struct drc_device *dev, struct drc_batch *b)
{
	struct drc_ctx *ctx = dev->ctx;
	struct finding_store *fs;
	char a[300];

	fs = finding_new(ctx, R_RELEASE_ORDER, DRC_SEVERITY_WARNING, dev, NULL);
	if (!fs)
		return;
	finding_evidence(fs, &b->first);
	finding_evidence(fs, &b->last);
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %u release%s out of list order in lines %" PRIu64 "-%" PRIu64, a,
			       b->out_of_order, b->out_of_order == 1 ? "" : "s", b->first.line, b->last.line),
		xstrdup_printf("A batch releases nodes in reverse list order; %u release%s did not follow it. "
			       "Either lines are missing from the capture (an ADD or a REL), or something "
			       "released nodes singly (devres_release(), devm_release_action()) while the "
			       "batch ran.", b->out_of_order, b->out_of_order == 1 ? "" : "s"),
		xstrdup_printf("Check the capture for dropped lines first; otherwise look for a release "
			       "callback that releases other devres nodes of %s.", dev->name));
}

/* Nodes a driver's probe put on other devices, still there after its unbind. */
/*
 * A node added before a loss the capture reports, and judged live after it
 * (@until: the line of the judgement, NULL for the end of the capture): the
 * line that released or removed it may be among the lost ones, so its
 * staying is no evidence of a leak.
 */
static bool fate_uncertain(const struct rules_ctx *rc, const struct drc_node *n, const struct drc_origin *until)
{
	return rc->lost && rc->lost_last.line && n->origin.source == rc->lost_last.source &&
	       n->origin.line < rc->lost_last.line &&
	       (!until || until->source != rc->lost_first.source || rc->lost_first.line < until->line);
}

static const char *uncertain_note(const struct rules_ctx *rc, size_t len, char *buf)
{
	snprintf(buf, len, " Uncertain after %" PRIu64 " lost operation%s (line %" PRIu64 "): the nodes were "
		 "added before the loss, and what freed them may be among the lost lines.", rc->lost,
		 rc->lost == 1 ? "" : "s", rc->lost_last.line);
	return buf;
}

static unsigned foreign_leftovers(struct drc_device *dev, struct finding_store *fs, unsigned *uncertain,
				  const struct drc_origin *until)
{
	struct rules_dev *rd = dev->rules;
	unsigned left = 0;
	size_t keep = 0;

	for (size_t i = 0; i < rd->nforeign; i++) {
		struct foreign *f = &rd->foreign[i];
		struct drc_node *n = f->has_id ? hashmap_get(&f->dev->ids, f->id) : NULL;

		if (!n || n->order != f->order || f->dev->boot != dev->boot)
			continue;
		rd->foreign[keep++] = *f;
		if (n->kind == DRC_NODE_GROUP_CLOSE)
			continue;
		left++;
		if (uncertain && fate_uncertain(dev->ctx->rules, n, until))
			++*uncertain;
		if (fs)
			finding_live_node(dev->ctx, fs, n, fate_uncertain(dev->ctx->rules, n, until) ?
					  "added by this driver's probe, before the lost operations" :
					  "added by this driver's probe");
	}
	rd->nforeign = keep;
	return left;
}

/* The late-start group release is shown: report it as judge_cross_device() would. */
static void late_group_fire(struct drc_device *dev, const char *why)
{
	struct drc_ctx *ctx = dev->ctx;
	struct rules_dev *rd = dev->rules;
	struct late_group *lg = rd->late;
	struct drc_device *other = lg->other;
	struct finding_store *fs;
	struct strbuf what = STRBUF_INIT;
	unsigned resources = 0, late = 0;
	const char *late_class = NULL;
	char a[300], o[300];

	rd->late = NULL;
	for (unsigned i = 0; i < lg->nrecs; i++) {
		struct rel_rec *r = &lg->recs[i];

		if (r->marker)
			continue;
		resources++;
		/* seen added by the device's own code: after the unseen grp< */
		r->late = r->known && r->ctx_dev != other;
		if (r->late) {
			late++;
			if (!late_class)
				late_class = drc_ctx_classify(ctx, r->name);
		}
	}
	explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": the release on %s next to %s's was a group release: %s",
		lg->first.line, lg->last.line, dev->name, other->name, why);
	dev_label(dev, a, sizeof(a));
	dev_label(other, o, sizeof(o));
	fs = finding_new(ctx, R_CROSS_DEVICE, DRC_SEVERITY_WARNING, dev, other);
	if (fs) {
		finding_evidence(fs, &lg->first);
		finding_evidence(fs, &lg->last);
		for (unsigned i = 0; i < lg->nrecs; i++) {
			const struct rel_rec *r = &lg->recs[i];

			finding_rec(ctx, fs, dev, r, r->marker ? "group bookkeeping, opened before the capture" :
				    r->late ? "added by the device itself" :
				    r->known ? "group member" : "ADD not in the capture");
		}
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("%s: %u node%s released inside %s's teardown while it stays bound", a,
				       resources, resources == 1 ? "" : "s", o),
			xstrdup_printf("The capture starts after the group was opened (its grp< is not in it), so "
				       "the release at lines %" PRIu64 "-%" PRIu64 " reads like a release of everything "
				       "of %s; but it ran next to %s's own releases and %s stayed bound: %s. It was "
				       "a devres_release_group() by %s's unbind or remove, of a group that lives on "
				       "%s. The device that stays bound may still use what was released.",
				       lg->first.line, lg->last.line, dev->name, other->name, dev->name, why,
				       other->name, dev->name),
			xstrdup_printf("Close a group opened on another device's behalf as soon as the bind is "
				       "done (devres_close_group()), so that its release takes only what the bind "
				       "set up. Capture from boot to see who opened it."));
	}
	if (late) {
		fs = finding_new(ctx, R_OPEN_GROUP_SWEPT, DRC_SEVERITY_ERROR, dev, other);
		if (fs) {
			finding_evidence(fs, &lg->first);
			late_nodes(ctx, fs, dev, lg->recs, lg->nrecs, true,
				   "added by the device itself after the group was opened", &what);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("open group on %s swept %u node%s added after it was opened, during "
					       "%s's unbind", a, late, late == 1 ? "" : "s", o),
				xstrdup_printf("A group on %s opened before the capture started was still open when "
					       "%s itself added %s, so they joined it; its release during %s's unbind "
					       "(line %" PRIu64 ") swept them while %s stays bound: %s.", a, dev->name,
					       what.buf ? what.buf : "", o, lg->first.line, a,
					       consequence(late_class ? late_class : "other")),
				xstrdup_printf("Close the group once the code that opened it is done "
					       "(devres_close_group()), so later devm_*() calls on %s stay outside it.",
					       a));
		}
	}
	strbuf_done(&what);
	free(lg);
}

static void late_group_decline(struct drc_device *dev, const char *why)
{
	struct late_group *lg = dev->rules->late;

	explain(dev->ctx, "lines %" PRIu64 "-%" PRIu64 ": cross-device-release declined for %s next to %s: %s",
		lg->first.line, lg->last.line, dev->name, lg->other->name, why);
	free(lg);
	dev->rules->late = NULL;
}

/* A release callback called devm_*() on the device being torn down. */
static void judge_added_during(struct drc_device *dev, struct drc_batch *b, unsigned added)
{
	struct drc_ctx *ctx = dev->ctx;
	/* with lost operations, a missing REL (or a copy of the other witness
	 * that could not be matched) can look the same */
	bool unsure = ctx->rules->lost;
	struct finding_store *fs = finding_new(ctx, R_ADD_DURING_RELEASE,
					       unsure ? DRC_SEVERITY_INFO : DRC_SEVERITY_ERROR, dev, NULL);
	struct strbuf what = STRBUF_INIT;
	char a[300], note[200] = "";

	if (!fs)
		return;
	finding_evidence(fs, &b->first);
	finding_evidence(fs, &b->last);
	if (dev->rules) {
		dev->rules->during_from = b->start_order;
		dev->rules->during_to = dev->order_next;
		dev->rules->during_at = b->first;
	}
	for (struct drc_node *n = dev->head; n; n = n->next) {
		if ((n->kind != DRC_NODE_RES && n->kind != DRC_NODE_REALLOC) || n->order < b->start_order)
			continue;
		finding_live_node(ctx, fs, n, "added while the device's resources were being released");
		if (what.len < 300)
			strbuf_appendf(&what, "%s%s (line %" PRIu64 ")", what.len ? ", " : "",
				       n->name ? n->name : "?", n->origin.line);
	}
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %u node%s added while its release of all resources ran (lines %" PRIu64
			       "-%" PRIu64 "), left on the unbound device", a, added, added == 1 ? "" : "s",
			       b->first.line, b->last.line),
		xstrdup_printf("devres_release_all() takes the whole list off %s before it runs the release "
			       "callbacks, so a devm_*() call from one of them (%s) adds to the emptied list. "
			       "Nothing releases those nodes at this unbind: they stay on a device with no driver, "
			       "and the next probe of %s fails with \"Resources present before probing\".%s",
			       dev->name, what.buf ? what.buf : "?", dev->name,
			       unsure ? uncertain_note(ctx->rules, sizeof(note), note) : ""),
		xstrdup_printf("Do not call devm_*() from a release callback or a devm action; in teardown "
			       "paths shared with probe, use the plain allocation or check that the driver is "
			       "being removed."));
	strbuf_done(&what);
}

/* The capture ends (or the input paused) in the middle of a release batch. */
static void judge_cut_during(struct drc_device *dev, struct drc_batch *b, unsigned pending)
{
	struct drc_ctx *ctx = dev->ctx;
	struct finding_store *fs = finding_new(ctx, R_LOG_LOSS, DRC_SEVERITY_INFO, dev, NULL);
	char a[300];

	if (!fs)
		return;
	finding_evidence(fs, &b->last);
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: the capture ends during a release of all resources (%u node%s not "
			       "released yet at line %" PRIu64 ")", a, pending, pending == 1 ? "" : "s", b->last.line),
		xstrdup_printf("The last devres lines of the capture are a release batch of %s that had not "
			       "reached the head of the list: the rest of it came after the capture was taken. "
			       "Nothing is missing inside the capture.", dev->name),
		xstrdup_printf("Take the capture after the unbind has finished to judge what it leaves."));
}

static void judge_release_all(struct drc_device *dev, struct drc_batch *b)
{
	struct drc_ctx *ctx = dev->ctx;
	struct rules_ctx *rc = ctx->rules;
	struct rules_dev *rd = dev->rules;
	unsigned survivors = 0, left, added = 0, uncertain = 0;
	char unsure_buf[200];

	for (struct drc_node *n = dev->head; n; n = n->next) {
		if (n->kind != DRC_NODE_RES && n->kind != DRC_NODE_REALLOC)
			continue;
		if (n->order < b->start_order)
			survivors++;
		else
			added++;        /* only a release callback can have added it (model.c) */
	}
	if (added)
		judge_added_during(dev, b, added);
	if (survivors)
		explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": release of everything on %s left %u node%s of its list: %s",
			b->first.line, b->last.line, dev->name, survivors, survivors == 1 ? "" : "s",
			ctx->settling && b->last_seq == ctx->seq ? "the capture ends there (info)" :
			"lines are missing (log-loss)");
	if (survivors && ctx->settling && b->last_seq == ctx->seq) {
		/* the last thing the capture holds: it was cut while the batch ran */
		judge_cut_during(dev, b, survivors);
		survivors = 0;
	}
	if (survivors) {
		if (!rc->survivors) {
			rc->survivor_first = b->first;
			rc->survivor_dev = dev;
		}
		rc->survivors += survivors;
	}
	if (!rd)
		return;
	if (rd->late)
		late_group_decline(dev, "a later release of everything was judged first");
	if (b->rules && !b->probe_failure && b->groups && b->unknown &&
	    !(b->rules->open_groups + b->rules->closed_groups)) {
		struct drc_device *other = b->next_dev ? b->next_dev : b->prev_dev;
		struct late_group *lg;

		if (other && other != dev && other->boot == dev->boot && (lg = calloc(1, sizeof(*lg)))) {
			lg->other = other;
			lg->first = b->first;
			lg->last = b->last;
			lg->uevents_at_end = b->rules->uevents_at_end;
			lg->nrecs = MIN(b->rules->nrecs, (unsigned)FINDING_NODES_MAX);
			memcpy(lg->recs, b->rules->recs, lg->nrecs * sizeof(lg->recs[0]));
			rd->late = lg;
			explain(ctx, "lines %" PRIu64 "-%" PRIu64 ": %s released a group not seen opened, then the rest "
				"of its list, next to %s's releases: a release of everything, or a group release "
				"by %s's teardown; what %s does next decides", b->first.line, b->last.line,
				dev->name, other->name, other->name, dev->name);
		}
	}
	rd->probed = false;
	if (!b->probe_failure) {
		release_mark_set(&rd->released, b);
		rd->fd_reported = false;
	}
	left = foreign_leftovers(dev, NULL, &uncertain, &b->last);
	if (rd->nforeign || left)
		explain(ctx, "line %" PRIu64 ": %s released everything; %u of the nodes its probes put on other "
			"devices are still live%s", b->first.line, dev->name, left,
			left && rd->leak_reported ? " (leak-after-unbind already reported)" : "");
	if (left && !rd->leak_reported) {
		bool unsure = uncertain == left;
		struct finding_store *fs = finding_new(ctx, R_LEAK_AFTER_UNBIND,
						       unsure ? DRC_SEVERITY_INFO : DRC_SEVERITY_ERROR, dev, NULL);
		struct drc_device *where = NULL;
		char a[300];

		if (fs) {
			foreign_leftovers(dev, fs, NULL, &b->last);
			finding_evidence(fs, &b->first);
			finding_evidence(fs, &rd->unbind);
			for (size_t i = 0; i < rd->nforeign && !where; i++)
				where = rd->foreign[i].dev;
			if (where) {
				fs->f.other_device = where->name;
				fs->f.other_driver = where->driver;
			}
			dev_label(dev, a, sizeof(a));
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%s's probe added %u node%s to %s that stay%s after its %s%s", a, left,
					       left == 1 ? "" : "s", where ? where->name : "another device",
					       left == 1 ? "s" : "",
					       b->probe_failure ? "failed probe" : "unbind",
					       unsure ? ": uncertain after lost operations" : ""),
				xstrdup_printf("While %s probed, devres nodes were added to %s's list (the lines "
					       "follow %s's own ADDs without a break). %s's resources were all "
					       "released at line %" PRIu64 ", but these stay until %s itself is "
					       "unbound or removed; every bind of %s adds more.%s",
					       dev->name, where ? where->name : "another device", dev->name, dev->name,
					       b->first.line, where ? where->name : "that device", dev->name,
					       unsure ? uncertain_note(rc, sizeof(unsure_buf), unsure_buf) : ""),
				xstrdup_printf("Pass %s's own struct device to the devm_*() calls (not its parent, "
					       "a sibling or a component master), or undo them in the driver's "
					       "remove().", dev->name));
		}
		rd->leak_reported = true;
	}
	if (rd->left_batch == b)
		left = MAX(left, rd->left_at_end);
	rd->left_batch = NULL;
	if (rd->cycles < CYCLES_KEPT)
		rd->leftover[rd->cycles] = left + dev->live;
	else {
		memmove(rd->leftover, rd->leftover + 1, (CYCLES_KEPT - 1) * sizeof(rd->leftover[0]));
		rd->leftover[CYCLES_KEPT - 1] = left + dev->live;
	}
	rd->cycles++;

	/* DRM-managed resources still live while devm ones were just freed */
	if (rd->drm_seen && rd->drm_live && !rd->drm_releasing && !rd->drm_released && !rd->drm_unbind.end.line)
		release_mark_set(&rd->drm_unbind, b);
}

void drc_rules_batch_end(struct drc_device *dev, struct drc_batch *b)
{
	if (b->rules) {
		if (b->kind != DRC_BATCH_RELEASE_ALL && !b->probe_failure)
			judge_cross_device(dev, b);
		if (b->rules->suspend_rec >= 0)
			judge_suspend_order(dev, b);
	}
	if (b->out_of_order)
		judge_out_of_order(dev, b);
	if (b->kind == DRC_BATCH_RELEASE_ALL)
		judge_release_all(dev, b);
	drc_rules_batch_free(b);
}

/* ---- other inputs ---- */

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
				fs = finding_new(ctx, R_MODULE_GONE, DRC_SEVERITY_ERROR, dev, NULL);
				if (!fs)
					return;
				finding_evidence(fs, o);
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

void drc_rules_uevent(struct drc_ctx *ctx, struct drc_device *dev, const struct drc_uevent *ev)
{
	struct rules_ctx *rc = ctx->rules;
	bool teardown = strcmp(ev->action, "unbind") == 0 || strcmp(ev->action, "remove") == 0;

	rc->run_break = true;
	rc->uevents++;
	if (!teardown)
		rc->activity++;
	if (!dev) {
		if (strcmp(ev->action, "remove") == 0 && ev->device && *ev->device)
			module_gone(ctx, ev->device, &ev->origin);
		return;
	}
	if (teardown && rd_get(dev)) {
		struct late_group *lg = dev->rules->late;

		dev->rules->unbind = ev->origin;
		dev->rules->unbind_seq = rc->uevents;
		if (lg && lg->other->rules && lg->other->rules->unbind_seq > lg->uevents_at_end)
			late_group_fire(dev, "its own unbind came only after the other device's");
		else if (lg)
			late_group_decline(dev, "its own unbind followed the release");
	}
}

void drc_rules_marker(struct drc_ctx *ctx, enum drc_marker m, const char *device, uint64_t count,
		      int64_t ts, const struct drc_origin *o)
{
	struct rules_ctx *rc = ctx->rules;
	struct drc_device *dev = NULL;

	(void)ts;
	switch (m) {
	case DRC_MARK_KTAP_RESULT:
		rc->ktap_epoch++;
		rc->ktap_last = *o;
		rc->run_break = true;
		rc->activity++;
		break;
	case DRC_MARK_LOST:
		if (!rc->lost)
			rc->lost_first = *o;
		rc->lost_last = *o;
		rc->lost += count ? count : 1;
		ctx->stats.lost_markers++;
		rc->run_break = true;
		break;
	case DRC_MARK_RES_BEFORE_PROBE:
		if (device && ctx->nboots)
			drc_ctx_find_device(ctx, device, -1, &dev);
		if (dev)
			check_before_probe(dev, o);
		break;
	}
}

void drc_rules_drm(struct drc_ctx *ctx, char op, const char *device, uint64_t id, unsigned digits,
		   const char *name, uint64_t size, int64_t ts, const struct drc_origin *o)
{
	struct rules_ctx *rc = ctx->rules;
	struct drc_device *dev = NULL;
	const struct drc_batch *b;
	struct rules_dev *rd;

	(void)id;
	(void)digits;
	(void)name;
	ctx->stats.drm_events++;
	if (device && *device)
		drc_ctx_find_device(ctx, device, -1, &dev);
	if (!dev) {
		/* "drmres release end" is printed without the device on some kernels:
		 * it belongs to the device whose release is running */
		for (struct drc_device *d = ctx->devices_head; d; d = d->all_next)
			if (d->rules && d->rules->drm_releasing && d->boot + 1 == ctx->nboots)
				dev = d;
	}
	if (!dev || !(rd = rd_get(dev)))
		return;
	rd->drm_seen = true;
	switch (op) {
	case 'A':
		if (rd->drm_released) {
			/* a new drm_device on the same parent */
			rd->drm_released = false;
			rd->drm_late_reported = false;
			rd->drm_unbind = (struct release_mark){ 0 };
		}
		rd->drm_live++;
		rd->drm_bytes += size;
		break;
	case 'D':
	case 'R':
		if (rd->drm_live)
			rd->drm_live--;
		break;
	case 'B':
		rd->drm_releasing = true;
		if (!rd->drm_unbind.end.line && rd->drm_live && (b = release_all_in_progress(dev)))
			release_mark_set(&rd->drm_unbind, b);
		if (rd->drm_unbind.end.line && !rd->drm_late_reported &&
		    (rc->activity != rd->drm_unbind.activity ||
		     (ts >= 0 && rd->drm_unbind.ts >= 0 && ts - rd->drm_unbind.ts > SAME_TEARDOWN_USEC))) {
			struct finding_store *fs = finding_new(ctx, R_DRMM_AFTER_UNBIND, DRC_SEVERITY_WARNING,
							       dev, NULL);
			char a[300], when[64] = "";

			if (fs) {
				finding_evidence(fs, &rd->drm_unbind.end);
				finding_evidence(fs, o);
				if (ts >= 0 && rd->drm_unbind.ts >= 0)
					snprintf(when, sizeof(when), " %.3f s", (double)(ts - rd->drm_unbind.ts) / 1e6);
				dev_label(dev, a, sizeof(a));
				FINDING_TEXT(ctx, fs,
					xstrdup_printf("%s: DRM-managed release ran%s after the unbind (line %" PRIu64
						       " vs %" PRIu64 ")", a, when, o->line, rd->drm_unbind.end.line),
					xstrdup_printf("The devres of %s were released at line %" PRIu64 "%s%u devm "
						       "memory node%s, %" PRIu64 " bytes), but its drm_device's "
						       "managed resources were released only at the final "
						       "drm_dev_put() (line %" PRIu64 "), after userspace closed its "
						       "files. Anything the drmm side still points at in devm memory "
						       "was freed in between.", dev->name, rd->drm_unbind.end.line,
						       " (", rd->drm_unbind.memory,
						       rd->drm_unbind.memory == 1 ? "" : "s", rd->drm_unbind.memory_bytes,
						       o->line),
					xstrdup_printf("Allocate everything the DRM objects use with drmm_*() rather "
						       "than devm_*(), and guard hardware access with "
						       "drm_dev_enter()/drm_dev_exit()."));
			}
			rd->drm_late_reported = true;
		}
		break;
	case 'E':
		rd->drm_releasing = false;
		rd->drm_released = true;
		rd->drm_live = 0;
		break;
	}
}

void drc_rules_refs(struct drc_ctx *ctx, const char *device, uint64_t pid, const char *comm,
		    const char *path, const struct drc_origin *o)
{
	struct drc_device *dev = NULL;
	struct rules_dev *rd;
	const struct drc_batch *b;
	struct finding_store *fs;
	char a[300];

	if (!device || !ctx->nboots || drc_ctx_find_device(ctx, device, -1, &dev) <= 0 || !(rd = rd_get(dev)))
		return;
	b = release_all_in_progress(dev);
	if (b)
		release_mark_set(&rd->released, b);
	if (!rd->released.end.line || dev->state == DRC_DEVICE_BOUND || rd->fd_reported || !rd->released.memory)
		return;
	fs = finding_new(ctx, R_FD_AFTER_UNBIND, DRC_SEVERITY_WARNING, dev, NULL);
	if (!fs)
		return;
	finding_evidence(fs, &rd->released.end);
	finding_evidence(fs, o);
	dev_label(dev, a, sizeof(a));
	FINDING_TEXT(ctx, fs,
		xstrdup_printf("%s: %s (pid %" PRIu64 ") still holds %s open after the unbind freed %u devm "
			       "memory node%s", a, comm, pid, path, rd->released.memory,
			       rd->released.memory == 1 ? "" : "s"),
		xstrdup_printf("The unbind released all of %s's devres (line %" PRIu64 "), %u memory node%s, %"
			       PRIu64 " bytes, but %s (pid %" PRIu64 ") kept %s open (line %" PRIu64 "). Calls on "
			       "that file reach the driver's structures; if any of them lived in devm memory, "
			       "that is a use-after-free.", dev->name, rd->released.end.line,
			       rd->released.memory, rd->released.memory == 1 ? "" : "s",
			       rd->released.memory_bytes, comm, pid, path, o->line),
		xstrdup_printf("Keep what open files reach in memory tied to the file's lifetime (drmm_*() for "
			       "DRM, a reference-counted object otherwise), and refuse calls after unplug "
			       "(drm_dev_enter()/drm_dev_exit())."));
	rd->fd_reported = true;
}

/* ---- end of a boot ---- */

static bool growing(const struct rules_dev *rd)
{
	unsigned n = MIN(rd->cycles, (unsigned)CYCLES_KEPT);

	if (n < 3)
		return false;
	for (unsigned i = n - 3; i + 1 < n; i++)
		if (rd->leftover[i + 1] <= rd->leftover[i])
			return false;
	return rd->leftover[n - 1] > 0;
}

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

static void boot_end_device(struct drc_ctx *ctx, struct drc_device *dev)
{
	struct rules_ctx *rc = ctx->rules;
	struct rules_dev *rd = dev->rules;
	struct finding_store *fs;
	char a[300];

	dev_label(dev, a, sizeof(a));
	if (rd && rd->late) {
		const struct late_group *lg = rd->late;

		if (rc->uevents && lg->other->rules && lg->other->rules->unbind_seq > lg->uevents_at_end &&
		    rd->unbind_seq <= lg->uevents_at_end)
			late_group_fire(dev, "the capture holds uevents, the other device's unbind among them, "
					"and none of its own after the release");
		else
			late_group_decline(dev, "nothing after it shows whether it stayed bound");
	}
	if (dev->live && (dev->state == DRC_DEVICE_REMOVED ||
			  (dev->state == DRC_DEVICE_NO_BUS && rd && rd->ktap_epoch < rc->ktap_epoch))) {
		bool test = dev->state == DRC_DEVICE_NO_BUS;
		unsigned nodes = 0, unsure = 0;
		char note[200] = "";

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
		fs = finding_new(ctx, R_NEVER_RELEASED, *note ? DRC_SEVERITY_INFO : DRC_SEVERITY_ERROR, dev, NULL);
		if (fs) {
			finding_evidence(fs, test ? &rc->ktap_last : &rd->unbind);
			for (struct drc_node *n = dev->head; n; n = n->next)
				if (n->kind != DRC_NODE_GROUP_CLOSE)
					finding_live_node(ctx, fs, n, fate_uncertain(rc, n, NULL) ?
							  "never released, or its release lost" : "never released");
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
	} else if (dev->live && dev->state == DRC_DEVICE_NO_BUS) {
		char ver[400];

		fs = finding_new(ctx, R_NEVER_RELEASED, DRC_SEVERITY_INFO, dev, NULL);
		if (fs) {
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
	} else if (dev->live && (dev->state == DRC_DEVICE_UNBOUND || dev->state == DRC_DEVICE_PROBE_FAILED)) {
		/* added while no driver was bound, and nobody took them back */
		unsigned count = 0;

		fs = NULL;
		for (struct drc_node *n = dev->head; n; n = n->next) {
			if (!n->unbound_add || n->kind == DRC_NODE_GROUP_CLOSE)
				continue;
			if (!fs && !(fs = finding_new(ctx, R_LEAK_AFTER_UNBIND, DRC_SEVERITY_WARNING, dev, NULL)))
				break;
			finding_live_node(ctx, fs, n, "added while no driver was bound");
			count++;
		}
		if (fs)
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%s: %u node%s added while no driver was bound, still live at the end",
					       a, count, count == 1 ? "" : "s"),
				xstrdup_printf("These ADD lines print the bus or class, not a driver: someone added "
					       "devres to %s while it had no driver. They stay until the device is "
					       "removed, and make the next probe fail (\"Resources present before "
					       "probing\").", dev->name),
				xstrdup_printf("Use the struct device of the driver that owns the resource."));
	}

	if (rd && rd->unknown) {
		char lost_note[200] = "";

		if (rc->lost && rc->lost_first.line && rc->lost_first.line <= rd->unknown_first.line &&
		    rc->lost_first.source == rd->unknown_first.source)
			snprintf(lost_note, sizeof(lost_note), " The capture itself reports %" PRIu64 " operation%s "
				 "lost before it was read (line %" PRIu64 "), which explains them.", rc->lost,
				 rc->lost == 1 ? "" : "s", rc->lost_first.line);
		fs = finding_new(ctx, R_UNKNOWN_NODE, DRC_SEVERITY_INFO, dev, NULL);
		if (fs) {
			finding_evidence(fs, &rd->unknown_first);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%s: %" PRIu64 " release%s or removal%s of nodes whose ADD is not in "
					       "the capture (first at line %" PRIu64 ": %s)", a, rd->unknown,
					       rd->unknown == 1 ? "" : "s", rd->unknown == 1 ? "" : "s",
					       rd->unknown_first.line, rd->unknown_names[0]),
				xstrdup_printf("The capture starts after these nodes were added (a late start, a "
					       "wrapped ring buffer, devres.log switched on at run time, or an "
					       "excerpt). This is a gap in the capture, not an error.%s%s",
					       rd->unknown_same_id * 2 >= rd->unknown && rd->unknown > 2 ?
					       " Nearly all of them carry the same pointer, so ids cannot tell "
					       "the nodes apart here: they were read in order." : "",
					       lost_note),
				xstrdup_printf("Capture from boot (devres.log=1 on the command line, or the "
					       "dev:devres_log trace event) to see where they came from."));
		}
	}
	if (rd && rd->reused) {
		/* with a gap the capture shows (late start, counted loss), the
		 * missing line is that gap: information, like unknown-node */
		fs = finding_new(ctx, R_NODE_REUSE, rd->unknown || rc->lost ? DRC_SEVERITY_INFO : DRC_SEVERITY_WARNING,
				 dev, NULL);
		if (fs) {
			finding_evidence(fs, &rd->reused_first);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%s: %" PRIu64 " id%s added again while still live (first %s %s, "
					       "added at line %" PRIu64 ")", a, rd->reused, rd->reused == 1 ? "" : "s",
					       rd->reused_id, rd->reused_name, rd->reused_first.line),
				xstrdup_printf("A node's address can only come back after it was freed, so the "
					       "line that freed it (REL or REM) is missing: an excerpt, or lost "
					       "messages. The model dropped the old node and kept the new one."),
				xstrdup_printf("Use a complete capture; with both the kernel log and the trace "
					       "event, one fills the other's gaps."));
		}
	}
	if (rd && growing(rd) && !rd->growth_reported) {
		unsigned n = MIN(rd->cycles, (unsigned)CYCLES_KEPT);

		fs = finding_new(ctx, R_PER_CYCLE_GROWTH, DRC_SEVERITY_WARNING, dev, NULL);
		if (fs) {
			struct strbuf s = STRBUF_INIT;

			for (unsigned i = 0; i < n; i++)
				strbuf_appendf(&s, "%s%u", i ? ", " : "", rd->leftover[i]);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%s: nodes left behind grow with every unbind (%s)", a,
					       s.buf ? s.buf : ""),
				xstrdup_printf("After each of the last %u unbinds of %s (of %u), the nodes left "
					       "behind by its probes were: %s. Something is added on every bind "
					       "and never released.", n, dev->name, rd->cycles, s.buf ? s.buf : ""),
				xstrdup_printf("See the leak-after-unbind finding for %s for the nodes.",
					       dev->name));
			strbuf_done(&s);
		}
		rd->growth_reported = true;
	}
	if (rd && rd->drm_unbind.end.line && !rd->drm_late_reported && !rd->drm_released && rd->drm_live) {
		fs = finding_new(ctx, R_DRMM_AFTER_UNBIND, DRC_SEVERITY_WARNING, dev, NULL);
		if (fs) {
			finding_evidence(fs, &rd->drm_unbind.end);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%s: %" PRIu64 " DRM-managed resource%s still live at the end, after "
					       "the unbind at line %" PRIu64, a, rd->drm_live,
					       rd->drm_live == 1 ? "" : "s", rd->drm_unbind.end.line),
				xstrdup_printf("The devres of %s were released at line %" PRIu64 " (%u devm memory "
					       "node%s), but the drm_device was not released by the end of the "
					       "capture: its final drm_dev_put() waits for userspace to close "
					       "/dev/dri files. Until then, anything the drmm side points at in "
					       "devm memory is freed memory.", dev->name, rd->drm_unbind.end.line,
					       rd->drm_unbind.memory, rd->drm_unbind.memory == 1 ? "" : "s"),
				xstrdup_printf("Allocate what DRM objects use with drmm_*(), and guard hardware "
					       "access with drm_dev_enter()/drm_dev_exit()."));
		}
		rd->drm_late_reported = true;
	}
}

void drc_rules_boot_end(struct drc_ctx *ctx, unsigned boot)
{
	struct rules_ctx *rc = ctx->rules;
	struct finding_store *fs;

	for (struct drc_device *dev = ctx->devices_head; dev; dev = dev->all_next)
		if (dev->boot == boot)
			boot_end_device(ctx, dev);
	if (rc->lost || rc->survivors) {
		fs = finding_new(ctx, R_LOG_LOSS, DRC_SEVERITY_WARNING, rc->survivor_dev, NULL);
		if (fs) {
			fs->f.boot = boot;
			finding_evidence(fs, &rc->lost_first);
			finding_evidence(fs, &rc->survivor_first);
			FINDING_TEXT(ctx, fs,
				!rc->survivors ?
				xstrdup_printf("boot %u: %" PRIu64 " message%s or event%s lost (line %" PRIu64 ")",
					       boot, rc->lost, rc->lost == 1 ? "" : "s", rc->lost == 1 ? "" : "s",
					       rc->lost_first.line) :
				!rc->lost ?
				xstrdup_printf("boot %u: %" PRIu64 " node%s left after a release of all resources",
					       boot, rc->survivors, rc->survivors == 1 ? "" : "s") :
				xstrdup_printf("boot %u: %" PRIu64 " message%s or event%s reported lost, %" PRIu64
					       " node%s left after a release of all resources", boot, rc->lost,
					       rc->lost == 1 ? "" : "s", rc->lost == 1 ? "" : "s", rc->survivors,
					       rc->survivors == 1 ? "" : "s"),
				!rc->survivors ?
				xstrdup_printf("The capture itself says so (a trace header's entries-in-buffer/"
					       "entries-written, [LOST N EVENTS], a kmsg overrun, dropped printk "
					       "messages). Nodes whose ADD or REL fell into the gap are uncertain: "
					       "releases of nodes never seen added are explained by it, and nodes "
					       "still live from before it are not reported as leaks.") :
				xstrdup_printf("A release of all of a device's resources left nodes behind, which "
					       "the kernel cannot do%s: lines are missing. Findings about these "
					       "devices may be incomplete or wrong.",
					       rc->lost ? ", and the capture reports lost messages or events" : ""),
				xstrdup_printf("Enlarge the buffers (log_buf_len=, trace_buf_size=) or read them "
					       "faster (devresd), and capture from boot."));
		}
	}
	rc->lost = rc->survivors = 0;
	rc->lost_first = rc->lost_last = rc->survivor_first = (struct drc_origin){ 0 };
	rc->survivor_dev = NULL;
	rc->run_break = true;
	rc->last_dev = NULL;
	rc->last_ctx = NULL;
	rc->last_batch = NULL;
	rc->cur_dev = NULL;
	rc->ktap_epoch = 0;
}

/* ---- public ---- */

int drc_ctx_finish(struct drc_ctx *ctx)
{
	struct finding_store *fs;

	if (ctx->finished)
		return 0;
	ctx->finished = true;
	if (ctx->nboots)
		drc_model_boot_end(ctx, ctx->nboots - 1);
	if (!ctx->stats.devres_events && !ctx->stats.undecoded && !ctx->stats.drm_events) {
		/* a CI gate that passes on nothing passes forever */
		fs = finding_new(ctx, R_NO_DEVRES, DRC_SEVERITY_ERROR, NULL, NULL);
		FINDING_TEXT(ctx, fs,
			xstrdup_printf("no devres operations in the capture (%" PRIu64 " line%s read): nothing "
				       "was judged", ctx->stats.lines, ctx->stats.lines == 1 ? "" : "s"),
			xstrdup_printf("The capture holds no DEVRES line and no dev:devres_log trace event. The "
				       "kernel prints DEVRES lines only with CONFIG_DEBUG_DEVRES=y and devres.log=1 "
				       "(kernel command line, or /sys/module/devres/parameters/log at run time); the "
				       "dev:devres_log trace event (since v5.14) needs it enabled in tracefs."),
			xstrdup_printf("Boot with devres.log=1 on a CONFIG_DEBUG_DEVRES kernel, or record with "
				       "'devresctl record' (it enables the trace event); pass --allow-empty to "
				       "accept a capture with nothing in it."));
	}
	if (ctx->stats.long_lines || ctx->stats.undecoded) {
		fs = finding_new(ctx, R_LOG_LOSS, DRC_SEVERITY_WARNING, NULL, NULL);
		if (fs) {
			for (unsigned i = 0; i < ctx->ndiags && i < 4; i++)
				finding_evidence(fs, &ctx->diags[i].origin);
			FINDING_TEXT(ctx, fs,
				xstrdup_printf("%" PRIu64 " devres line%s could not be decoded, %" PRIu64 " line%s "
					       "were too long and cut", ctx->stats.undecoded,
					       ctx->stats.undecoded == 1 ? "" : "s", ctx->stats.long_lines,
					       ctx->stats.long_lines == 1 ? "" : "s"),
				xstrdup_printf("Lines that looked like devres lines were skipped. The model lacks "
					       "their operations, so findings about those devices may be "
					       "incomplete."),
				xstrdup_printf("Look at the lines listed; if the capture was mangled (wrapped by a "
					       "mail client, truncated), get the original file."));
		}
	}
	return 0;
}

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

unsigned drc_rule_count(void)
{
	return ARRAY_SIZE(rule_table);
}

const struct drc_rule_info *drc_rule_get(unsigned i)
{
	return i < ARRAY_SIZE(rule_table) ? &rule_table[i] : NULL;
}

const struct drc_rule_info *drc_rule_find(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(rule_table); i++)
		if (strcmp(rule_table[i].id, id) == 0)
			return &rule_table[i];
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
