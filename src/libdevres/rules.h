/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the rules share (rules.c, rules-core.c, rules-finding.c, rule-*.c;
 * never included elsewhere).
 *
 * A rule is a const struct drc_rule in its own rule-<id>.c (or in the file of
 * the family it belongs to) and one line in rule_table[] (rules.c). The
 * entry gives its id, severity and one-line description (--list-rules, the
 * man page check, suppressions), the events it wants, the size of the state
 * it keeps per context, per device and per release batch (zeroed when made,
 * and dev_done() frees what a device's holds), and its handler. The core
 * (rules-core.c) reads every event first and keeps what all rules use: runs,
 * the adding context, what a batch released, losses, unbinds.
 */
#pragma once

#include <stdint.h>

#include "libdevres-private.h"

#define FINDING_NODES_MAX 32            /* nodes listed in one finding */
#define BATCH_NODES_MAX 256             /* releases of a batch the rules keep */
#define GAP_MIN_USEC 5000               /* a longer silence ends a run */
#define PACE_KEPT 15                    /* line pairs the console's pace is taken from */
#define RULES_MAX 32

#define RULE_EV(kind) (1u << (kind))
#define RULE_OP(op) (1u << (op))
#define RULE_OPS 4                      /* enum drc_op */

struct rules_ctx;
struct drc_rule;

/* What a rule's handler gets besides the event. */
struct rule_call {
	struct drc_ctx *ctx;
	struct rules_ctx *rc;
	const struct drc_rule *rule;
	void *state;                    /* its per-context state, or NULL */
	void *dev_state;                /* its state for e->dev, or NULL (none, or no memory) */
	void *batch_state;              /* its state for e->batch, or NULL */
	size_t dev_off;                 /* where its state is in a device's block */
};

struct drc_rule {
	struct drc_rule_info info;      /* id, highest severity, what it finds */
	/* when it sees an event among the rules that want it, lower first:
	 * findings are kept, and listed in JSON, in the order they are made */
	int order;
	uint32_t events;                /* RULE_EV(DRC_MEV_...) it is called for */
	unsigned ops;                   /* with DRC_MEV_OP: RULE_OP(DRC_OP_...) it wants, 0: all */
	size_t ctx_size, dev_size, batch_size;
	void (*handle)(const struct rule_call *c, const struct drc_model_event *e);
	void (*dev_done)(void *dev_state);      /* frees what its device state holds, or NULL */
};

/* The rules in --list-rules order (rules.c). */
extern const struct drc_rule rule_leak_after_unbind, rule_never_released, rule_cross_device_release,
	rule_open_group_swept, rule_release_order, rule_unknown_node, rule_node_reuse, rule_module_gone,
	rule_per_cycle_growth, rule_resources_before_probe, rule_drmm_after_unbind, rule_log_loss,
	rule_fd_after_unbind, rule_add_during_release, rule_no_devres;

/* ---- what the core keeps ---- */

/* What a batch released, kept until the batch is judged. */
struct rel_rec {
	const char *name;
	uint64_t size;
	uint64_t id;
	unsigned id_digits;
	struct drc_origin added, ended;
	struct drc_device *ctx_dev;
	unsigned flags;                 /* DRC_KB_* */
	bool known;                     /* its ADD is in the capture */
	bool ctx_lost;                  /* its adding context went with a reported loss */
	bool late;                      /* added after the open group's opener returned
					 * (rule-cross-device-release.c) */
	bool marker;
};

/* At the start of every batch's block. */
struct rules_batch {
	struct rel_rec *recs;           /* grows up to BATCH_NODES_MAX */
	unsigned nrecs, cap;
	uint64_t quiet_at_end;          /* rules_ctx.activity at its last release */
	uint64_t uevents_at_end;        /* rules_ctx.uevents at its last release */
	unsigned memory_nodes;          /* devm memory nodes it freed */
	uint64_t memory_bytes;
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

/* At the start of every device's block. */
struct rules_dev {
	uint32_t probe_run;             /* the run its current probe started in */
	struct drc_device *probe_outer; /* the probe its own started inside (same run), or NULL */
	bool probed;                    /* a probe started since the last release of everything */
	uint64_t ktap_epoch;            /* KUnit cases ended before its last ADD */
	unsigned cycles;                /* releases of everything judged */
	struct drc_origin unbind;       /* its last unbind/remove uevent */
	uint64_t unbind_seq;            /* rules_ctx.uevents at it */
	uint64_t bind_seq;              /* rules_ctx.uevents at its last bind uevent */
};

struct finding_store {
	struct drc_finding f;
	const struct drc_rule *rule;
	struct drc_origin *ev;
	struct drc_finding_node *nodes;
	char (*ids)[24];                /* the nodes' ids, interned only if the finding is kept */
};

#define LOST_WITNESSES_MAX 4

struct rules_ctx {
	/* the findings (rules-finding.c) */
	struct finding_store *findings;
	unsigned n, cap;
	unsigned distinct_folded;       /* of those, findings that stand for many ("further ...") */
	uint64_t dropped;               /* findings folded into such a one */
	struct hashmap by_key;          /* finding key -> index + 1 */
	uint64_t nomem;                 /* allocations that failed */
	uint64_t nomem_reported;        /* of those, said in a finding */
	unsigned fail_after;            /* tests: the n-th allocation from now fails (0: none) */
	/* the stream of devres events */
	uint32_t run;
	bool run_break;
	bool cur_adjacent;              /* the event being applied continues the last one */
	uint64_t last_widx[2];          /* the last one's place in each witness's lines, 0 unknown */
	bool cur_new_run;
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
	struct {                        /* printed_len(): the lengths of interned strings seen last */
		const char *s;
		unsigned len;
	} len_memo[32];
	uint64_t activity;              /* events other than releases (and unbind uevents) */
	uint64_t ktap_epoch;
	struct drc_origin ktap_last;
	uint64_t uevents;               /* uevents seen */
	/* a bind uevent read while its device's list was empty: dd.c sends it
	 * after the probe, so when the next devres line is that device's, the
	 * probe's lines came in after their uevent (two sources read in turn) */
	const struct drc_device *bind_first;
	/* per boot */
	uint64_t lost;
	struct drc_origin lost_first, lost_last;
	uint32_t lost_run;              /* the run that starts right after the last loss, or 0 */
	uint32_t first_run;             /* the boot's first run in the capture, or 0 */
	/* this boot's losses by what reported them, in order of the first
	 * report; past LOST_WITNESSES_MAX the last one holds the rest */
	struct { const char *witness; uint64_t n; } lost_by[LOST_WITNESSES_MAX];
	unsigned nlost_by;
	/* the release being handed to the rules (DRC_MEV_RELEASED) */
	struct rel_rec *cur;            /* what the batch's record of it holds */
	struct rel_rec *cur_rec;        /* that record, NULL past BATCH_NODES_MAX: then cur is cur_spare */
	struct rel_rec cur_spare;
	const struct kb_entry *cur_kb;
	bool cur_marker;
	/* the layout of the rules' state in this context */
	void *state;
	size_t ctx_off[RULES_MAX], dev_off[RULES_MAX], batch_off[RULES_MAX];
	size_t dev_block, batch_block;
	/* for each kind of event, the rules that want it, in their order */
	struct rule_sub {
		const struct drc_rule *rule;
		void *state;
		size_t dev_off, batch_off;      /* 0: it keeps none */
	} subs[DRC_MEV_COUNT][RULES_MAX];
	uint8_t nsubs[DRC_MEV_COUNT];
	struct rule_sub op_subs[RULE_OPS][RULES_MAX];   /* DRC_MEV_OP, by operation */
	uint8_t nop_subs[RULE_OPS];
	struct rule_sub done[RULES_MAX];        /* the rules with a dev_done() */
	unsigned ndone;
};

/* ---- rules.c ---- */

static inline void *rule_dev_state(const struct rule_call *c, const struct drc_device *dev)
{
	return dev && dev->rules ? (char *)dev->rules + c->dev_off : NULL;
}
/* the same, making the device's block if it has none: NULL without memory */
void *rule_dev_state_new(const struct rule_call *c, struct drc_device *dev);
/* the state of another rule of the same family on @dev, or NULL */
void *rules_dev_state_of(struct drc_ctx *ctx, const struct drc_device *dev, const struct drc_rule *rule);

/* ---- rules-core.c ---- */

/* the device's block, made on first use; NULL without memory (counted) */
struct rules_dev *rules_dev_get(struct drc_ctx *ctx, struct drc_device *dev);
int64_t rules_gap_limit(const struct rules_ctx *rc);
uint32_t rules_pace_median(const struct rules_ctx *rc);
void release_mark_set(struct release_mark *m, const struct drc_batch *b);
/* a release of everything the device is still in (judged only later), or NULL */
const struct drc_batch *release_all_in_progress(const struct drc_device *dev);
/* a node added before a loss the capture reports and judged live after it
 * (@until: the line of the judgement, NULL for the end of the capture) */
bool fate_uncertain(const struct rules_ctx *rc, const struct drc_node *n, const struct drc_origin *until);
const char *uncertain_note(const struct rules_ctx *rc, size_t len, char *buf);
/* the capture reported a loss in @at's source before line @at (or at it,
 * with @inclusive): what was read up to there may lack what it took */
bool loss_before(const struct rules_ctx *rc, const struct drc_origin *at, bool inclusive);

/* ---- rules-finding.c ---- */

/* A decision and the evidence it used, for --explain (LOG_DEBUG). */
#define explain(ctx, ...) dbg(ctx, __VA_ARGS__)
#define explaining(ctx) ((ctx)->log_fn && (ctx)->log_priority >= LOG_DEBUG)

/* an allocation failed: the findings are incomplete (counted, and said at the end) */
void rules_nomem(struct drc_ctx *ctx);
/* calloc()/realloc() that count their failures */
void *rules_calloc(struct drc_ctx *ctx, size_t n, size_t size);
void *rules_realloc(struct drc_ctx *ctx, void *p, size_t n, size_t size);

char *xstrdup_printf(const char *fmt, ...) _printf_(1, 2);
const char *dev_label(const struct drc_device *dev, char *buf, size_t len);
void size_str(char *buf, size_t len, uint64_t size);
/* what it costs when a resource of @class goes away behind its user */
const char *consequence(const char *class);

/* NULL without memory: every finding_*() takes NULL and does nothing */
struct finding_store *finding_new(struct drc_ctx *ctx, const struct drc_rule *rule, enum drc_severity sev,
				  struct drc_device *dev, struct drc_device *other);
void finding_evidence(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_origin *o);
void finding_node(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_device *dev,
		  const char *name, uint64_t size, const char *id, const char *role,
		  const struct drc_origin *added, const struct drc_origin *ended);
void finding_live_node(struct drc_ctx *ctx, struct finding_store *fs, const struct drc_node *n,
		       const char *role);
void finding_rec(struct drc_ctx *ctx, struct finding_store *fs, struct drc_device *dev,
		 const struct rel_rec *r, const char *role);
/*
 * The finding is complete but for its texts: a repeat is folded into its
 * first occurrence without them (the texts are freed); a new one gets them
 * and is kept. The texts are malloc()ed, NULL when they could not be.
 */
void finding_done(struct drc_ctx *ctx, struct finding_store *fs, char *summary, char *explanation,
		  char *fix);
void rules_findings_free(struct rules_ctx *rc);

/* The texts are only built for a finding that is not a repeat. */
#define FINDING_TEXT(ctx, fs, summary, explanation, fix) do {                   \
		if (!(fs) || !finding_fold(ctx, fs))                            \
			finding_done(ctx, fs, summary, explanation, fix);       \
	} while (0)
/* true when @fs was a repeat, counted in its first occurrence and freed */
bool finding_fold(struct drc_ctx *ctx, struct finding_store *fs);
