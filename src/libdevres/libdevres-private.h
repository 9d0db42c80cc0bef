/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal declarations shared by the engine's files. Never included outside src/libdevres. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#include "libdevres.h"
#include "shared/hashmap.h"
#include "shared/macro.h"
#include "shared/strbuf.h"

#define DRC_DIAG_MAX 64
#define DRC_BATCH_KEEP 8
/* copies of operations one witness printed, kept until the other witness's
 * copy comes (model.c): how far one reader may be behind the other. The
 * ring starts with the records of the default 128 KiB printk ring (a
 * descriptor per 32 bytes, PRB_AVGBITS) and grows to those of an 8 MiB one
 * (log_buf_len=8M, trace_buf_size=8M hold as many), as a reader that lost
 * nothing may be that far behind */
#define DRC_WITNESS_RING 4096
#define DRC_WITNESS_RING_MAX (1u << 18)
/* ... while only one witness was seen and none other declared (a plain log,
 * or the first of two files of one run read one after the other): the
 * records of a 1 MiB printk ring, 5 MiB of copies at most, so that a long
 * log is not held a quarter million lines deep for a twin that never comes */
#define DRC_WITNESS_RING_ALONE (1u << 15)

struct rules_batch;
struct rules_dev;

/*
 * What rule-cross-device-release.c knows of the groups in a group's chain
 * (itself and the groups it was opened in) that were released while still
 * open: the (run that opened it, device whose probe did) of each, summed up
 * so that judging a node's release does not walk the chain. A node is late
 * unless each of those groups was opened in its run or by its probe: unless
 * the pairs lie on the "cross" of its run and its device. The sum keeps the
 * one run and the one device while there is one, else the crosses (at most
 * two) that cover every pair.
 */
struct drc_late_sum {
	bool any;                       /* at least one such group */
	bool multi_run, multi_ctx;      /* their runs differ, their devices differ */
	uint8_t ncand;                  /* with both: how many crosses cover them all */
	uint32_t run;                   /* the one run (!multi_run) */
	const void *ctx;                /* the one device (!multi_ctx); a mark of its own for none */
	uint32_t cand_run[2];
	const void *cand_ctx[2];
};

struct drc_group_late {
	uint64_t stamp;                 /* 1 + the device's such releases when summed (0: never) */
	struct drc_group *walk;         /* scratch while summing */
	uint32_t depth;                 /* groups it was opened in */
	bool has_depth;
	struct drc_late_sum sum;
};

struct drc_group {
	unsigned refs;                  /* marker nodes + member nodes + history */
	enum drc_group_state state;
	struct drc_node *open;          /* grp< (NULL once freed) */
	struct drc_node *close;         /* grp> while it exists */
	struct drc_group *parent;
	struct drc_group *open_next;    /* device's stack of open groups (newest first) */
	struct drc_group *open_prev;
	bool open_listed;               /* on that stack */
	char id_str[20];
	uint32_t open_run;              /* the run of ADDs that opened it */
	bool was_open;                  /* still open when it was released */
	struct drc_device *ctx_dev;     /* another device whose probe opened it, or NULL */
	struct drc_device *outer_dev;   /* opened in its device's own probe, nested in this one's */
	bool ctx_unknown;               /* no ctx_dev, but the capture lacks the lines that would tell */
	struct drc_origin open_origin;
	struct drc_origin close_origin;
	struct drc_group_late late;
};

struct drc_node {
	struct drc_node *prev, *next;   /* live list (kernel order) */
	struct drc_node *hnext;         /* history chain (keep-history only) */
	struct drc_device *dev;
	struct drc_group *group;        /* innermost open group when added; own group for markers */
	struct drc_batch *batch;
	const char *name;               /* interned; NULL for an unrevealed realloc node */
	const char *replaced_name;
	uint64_t id;
	uint64_t size;
	uint64_t replaced_size;
	uint64_t order;                 /* list position order: larger = later in list */
	struct drc_device *ctx_dev;     /* another device whose probe added it, or NULL */
	uint32_t run;                   /* the run of ADDs it came in (rules.c) */
	int64_t ts;
	struct drc_origin origin;
	struct drc_origin end_origin;
	uint8_t kind;                   /* enum drc_node_kind */
	uint8_t state;                  /* enum drc_node_state */
	uint8_t id_digits;
	bool has_id;
	bool unbound_add;               /* its ADD line printed a bus or class, not a driver */
	bool ctx_lost;                  /* added in the run right after a reported loss: who added it is not known */
	bool has_alias;                 /* the other witness printed it as alias_id */
	uint8_t id_witness;             /* the witness whose id it has (enum drc_witness), without an alias */
	uint64_t widx[2];               /* its ADD's place among each witness's devres lines (0: not known) */
	char id_str[20];
	bool twin_guessed;              /* its copies paired by time after a loss (drc_node_order()) */
	uint64_t alias_id;
};

struct drc_batch {
	struct drc_batch *next;
	struct drc_device *dev;
	enum drc_batch_kind kind;
	struct drc_origin first, last;
	int64_t ts;
	unsigned released, groups, unknown, out_of_order;
	uint64_t walk_floor;            /* the list order of the oldest node it released (0: one never
					 * seen, older than all seen; UINT64_MAX: none yet) */
	uint64_t bytes;
	bool nodes_started;
	bool probe_failure;
	bool group_or_all;              /* a release of everything or a group release, not known which */
	bool whole_group;               /* a group release that took all the capture knew of the list,
					 * read as a release of everything (batch_close()) */
	bool took_adds;                 /* a walk of nodes never seen took ADDs right after it */
	/* where the next release is expected: the live node at or before which
	 * to look (NULL = the list's tail); range_end from released groups */
	struct drc_node *cursor;
	bool have_cursor;
	struct drc_node *range_end;     /* last node inside the released groups' range */
	bool range_to_tail;
	uint64_t range_end_order;       /* list order of the last released group's grp> */
	uint64_t group_start_order;     /* list order of the first released group */
	uint64_t last_seq;              /* engine sequence of its last release */
	uint64_t took_seq;              /* ... of the last operation it took: a release, or an
					 * ADD a release callback made while it ran */
	uint64_t first_seq;
	uint64_t start_order;           /* the device's order_next when it started */
	/* the device's order_next at its last REL: a node added at or above
	 * start_order and below this was followed by a release of the same
	 * walk, so a release callback added it; above it, nothing proves that
	 * the walk was still running (its last RELs may be lost) */
	uint64_t proven_order;
	struct drc_device *prev_dev;    /* device of the release right before it, if adjacent */
	struct drc_device *next_dev;    /* device of the release right after it, if adjacent */
	struct rules_batch *rules;      /* what the rules keep about it while it runs */
	int64_t last_ts;
	uint64_t last_widx[2];          /* its last release's place in each witness (0: not known) */
	char group_id[20];
};

struct drc_device {
	struct drc_ctx *ctx;
	struct drc_device *all_next;    /* ctx's list of every device */
	const char *name;               /* interned */
	const char *driver;
	const char *subsystem;
	const char *prefix;
	bool prefix_is_bus;             /* prefix names a bus or class, not a driver */
	const char *devkey;
	const char *devpath;            /* the last uevent's, interned; NULL without one */
	unsigned boot;
	enum drc_device_state state;
	struct drc_node *head, *tail;   /* live list */
	struct drc_node *hist_head, *hist_tail;
	struct hashmap ids;             /* live id -> node */
	struct drc_group *open_groups;  /* newest first */
	unsigned orphan_closes;         /* live grp> nodes whose grp< is not in the capture */
	/* an unbind that came while its release of everything still walked,
	 * and the device's uevents after it */
	struct drc_uevent *early;
	size_t nearly, early_cap;
	unsigned live;
	unsigned realloc_live;          /* unrevealed devm_krealloc nodes on the list */
	uint64_t live_bytes;
	uint64_t events;
	uint64_t unknown;
	uint64_t order_next;
	uint64_t add_seq;               /* engine sequence of its last ADD */
	struct drc_batch *batch;        /* the batch in progress, or NULL */
	struct drc_batch *batches_head, *batches_tail;
	unsigned batches_kept;
	uint64_t batches_total;
	struct drc_origin first_origin;
	uint64_t probe_failed_line;     /* "probe of X failed" seen and not yet consumed */
	struct rules_dev *rules;        /* rule state (rules.c, rules.h), or NULL */
	unsigned wopen[2];              /* its copies in each witness ring still without a twin */
	uint8_t ahead;                  /* 1 + the witness whose copy came first in its
					 * last twins, 0 unknown */
	bool twins_guessed;             /* its twins were lined up by time after a loss */
};

/* one witness's copy of an operation (its strings interned) */
struct witness_rec {
	struct drc_event ev;
	struct drc_device *dev;
	uint64_t arrival;               /* order of arrival, both witnesses */
	bool applied;                   /* given to the model (else held) */
	bool twinned;                   /* the other witness's copy was seen, or never will be */
};

struct witness_ring {
	struct witness_rec *recs;       /* cap entries */
	size_t head, len, cap;
	size_t held;                    /* entries not yet applied */
	size_t applied_below;           /* every entry before this index is applied */
};

/* a uevent or a "probe of X failed" (ev.device, ev.origin only, ev.action
 * NULL) that came while copies before it waited for their twin */
struct witness_uevent {
	struct drc_uevent ev;
	uint64_t arrival;
	unsigned witnesses;             /* bit per witness whose stream it stands in */
};
/* uevents that may wait behind held copies: a bind/unbind cycle has two */
#define DRC_WITNESS_UEVENTS 256

/* whether the two witnesses print a node with the same id (the trace
 * instance's hash-ptr on) or not (off: raw pointers against hashed %p) */
enum witness_ids {
	WITNESS_IDS_UNKNOWN,
	WITNESS_IDS_SAME,
	WITNESS_IDS_DIFFERENT,
};

struct drc_boot {
	const char *kernel;             /* interned release string or NULL */
	struct drc_origin origin;
	struct drc_origin lost_last;    /* the boot's last loss marker (drc_node_is_uncertain()) */
	struct hashmap by_name;         /* interned name pointer -> device (latest of that name) */
	struct hashmap by_key;          /* interned devkey pointer -> device */
	struct {                        /* device_lookup()'s last arguments and answer: most
					 * lines are on the previous line's device */
		const char *name, *devkey, *subsystem;
		struct drc_device *dev;
	} last;
	unsigned witnesses;             /* bit per enum drc_witness seen */
	struct witness_ring ring[2];
	uint64_t arrivals;
	uint64_t widx[2];               /* devres lines seen, per witness */
	uint64_t ids_equal, ids_differ; /* twins whose ids were equal / differed */
	int64_t ts_offset[2];           /* a copy's time less its twin's, by the copy's witness */
	bool have_offset[2];
	int64_t ts_res[2];              /* the step of each witness's clock, as far as seen (0: none yet) */
	unsigned ts_res_seen[2];        /* how many times ts_res is from */
	enum witness_ids ids;
	struct hashmap names;           /* interned name printed as an address -> interned word */
	struct witness_uevent *uq;      /* uevents waiting, in arrival order */
	size_t uq_head, uq_len;
	bool uq_forcing;
	char boot_id[40];
};

struct kb_entry {
	const char *pattern;
	const char *class;
	unsigned flags;                 /* DRC_KB_* */
	bool glob;
};

struct rules_ctx;

struct drc_ctx {
	unsigned refs;
	size_t witness_window;          /* DRC_WITNESS_RING_MAX (a test sets less) */
	unsigned witnesses_declared;    /* bit per enum drc_witness a collector said it reads */
	drc_log_fn log_fn;
	void *log_data;
	int log_priority;
	drc_event_fn event_fn;
	void *event_data;
	drc_uevent_fn uevent_fn;
	void *uevent_data;
	drc_line_fn line_fn;
	void *line_data;
	bool decode_only;               /* drc_ctx_set_decode_only() */
	drc_ref_fn ref_fn;
	void *ref_data;
	drc_stream_debug_fn stream_debug_fn;    /* --debug=stream, or NULL */
	void *stream_debug_data;
	bool keep_history;
	/* the pool's copies of the words the model compares on every
	 * operation: every name and device it is given is interned, so a
	 * pointer compare tells them */
	const char *s_grp_open, *s_grp_close, *s_null;
	struct drc_node *node_cache;    /* freed nodes for the next ADDs (model.c), linked by next */
	size_t node_cached;
	struct strpool pool;
	struct drc_boot *boots;
	unsigned nboots, boots_cap;
	struct drc_device *devices_head, *devices_tail;
	struct drc_stats stats;         /* .lines is reader_lines' (drc_ctx_get_stats()) */
	/* the lines read, counted by the stream's thread on a cache line of
	 * its own: beside the model's counters, each line's increment pulled
	 * the line from the model's core (pipe.c) */
	struct {
		_Alignas(64) uint64_t n;
		char pad[64 - sizeof(uint64_t)];
	} reader_lines;
	struct drc_diag diags[DRC_DIAG_MAX];
	unsigned ndiags;
	uint64_t seq;
	struct kb_entry *kb;
	size_t nkb, kb_cap;
	struct hashmap kb_cache;        /* interned name -> kb_entry, or a miss marker */
	struct hashmap kallsyms;        /* interned function -> interned module */
	bool have_kallsyms;
	struct rules_ctx *rules;
	struct drc_opres *opres;        /* ops printed as addresses, or NULL */
	bool finished;
	bool settling;                  /* drc_model_settle() is closing the batches */
	unsigned threads;               /* drc_ctx_set_threads(): 2 runs the model on its own */
	struct drc_pipe *pipe;          /* the model's thread (pipe.c), or NULL */
};

/* pipe.c: the model on a thread of its own. drc_pipe_apply() gives it an
 * operation (applied here without a pipeline); every other entry point of
 * the model, rules, resolver and boots calls drc_pipe_sync() first, which
 * returns once the thread applied all it was given (at once on that thread
 * itself or without a pipeline), with the first error it met */
int drc_pipe_apply(struct drc_ctx *ctx, struct drc_event *ev);
int drc_pipe_sync(struct drc_ctx *ctx);
/* drc_pipe_sync(), then the thread ends (drc_ctx_finish(), drc_ctx_unref()) */
int drc_pipe_stop(struct drc_ctx *ctx);
/* inline: without a pipeline an entry point pays one load, not a call */
#define PIPE_SYNC(ctx) ((void)((ctx)->pipe && drc_pipe_sync(ctx)))

/* ctx.c (drc_intern() in pipe.c: the pool is shared with the thread) */
const char *drc_intern(struct drc_ctx *ctx, const char *s, size_t len);
const char *drc_interns(struct drc_ctx *ctx, const char *s);
/* @function lives in @module (from kallsyms, or a devresctl-kallsyms line);
 * both interned, NULL (interning failed) gives -ENOMEM */
int drc_ctx_add_function(struct drc_ctx *ctx, const char *function, const char *module);
void drc_diag_add(struct drc_ctx *ctx, const struct drc_origin *o, const char *expected,
		  const char *line, size_t len);
void drc_log(struct drc_ctx *ctx, int prio, const char *file, int line, const char *fn,
	     const char *fmt, ...) _printf_(6, 7);
#define dbg(ctx, ...) do { if ((ctx)->log_fn && (ctx)->log_priority >= LOG_DEBUG) \
	drc_log(ctx, LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__); } while (0)
/* Current boot, creating boot 0 on first use. NULL on ENOMEM. */
struct drc_boot *drc_ctx_boot(struct drc_ctx *ctx);
int drc_ctx_new_boot(struct drc_ctx *ctx, const struct drc_origin *o, const char *kernel,
		     const char *boot_id);

/* ctx.c: knowledge base, cached per interned name (@key must be interned) */
const struct kb_entry *drc_kb_lookup(struct drc_ctx *ctx, const char *key);

/*
 * rules.c: the rules observe the model through one function. The model (and
 * the stream, for the kernel messages the rules read) describes what
 * happened in a struct drc_model_event; the rules core keeps what every rule
 * shares (runs, adding context, batches, losses) and hands the event to the
 * rules that asked for its kind, in their order (rules.h).
 */
int drc_rules_init(struct drc_ctx *ctx);
void drc_rules_free(struct drc_ctx *ctx);
/* tests: the rules' @n-th allocation from now fails, as without memory */
void drc_rules_fail_after(struct drc_ctx *ctx, unsigned n);

/* kernel messages the rules read (stream.c) */
enum drc_marker {
	DRC_MARK_KTAP_RESULT,       /* "ok 1 test" / "not ok 1 test": a KUnit case ended */
	DRC_MARK_LOST,              /* messages or trace events dropped */
	DRC_MARK_RES_BEFORE_PROBE,  /* "Resources present before probing" */
};

enum drc_model_event_kind {
	DRC_MEV_OP,             /* @ev on @dev, before the model applies it; op.* */
	DRC_MEV_OP_DONE,        /* ... and once it did */
	DRC_MEV_ADDED,          /* @node joined @dev's list */
	DRC_MEV_RELEASED,       /* @ev released @node (NULL when unknown) in @batch, before it is freed */
	DRC_MEV_UNKNOWN,        /* @ev released, removed or replaced a node not on the list */
	DRC_MEV_NODE_LOST,      /* @ev added the id of @node, still live: the line that freed it is missing */
	DRC_MEV_BATCH_START,    /* @batch on @dev starts */
	DRC_MEV_BATCH_END,      /* @batch is over (its device did something else): judge it */
	DRC_MEV_BATCH_FREE,     /* @batch goes: forget it */
	DRC_MEV_DEVICE_FREE,    /* @dev goes */
	DRC_MEV_UEVENT,         /* uevent about @dev, or about no device the model knows (a module) */
	DRC_MEV_MARKER,         /* a kernel message the rules read: marker-> */
	DRC_MEV_DRM,            /* a DRM-managed resource line: drm-> */
	DRC_MEV_REFS,           /* "devresctl-refs: DEVICE PID COMM PATH": refs-> */
	DRC_MEV_BOOT_END,       /* boot is over: what is still live is judged */
	/* derived by the rules core itself, never sent by the model */
	DRC_MEV_RELEASE_ALL,    /* after DRC_MEV_BATCH_END of a release of everything: rall.* */
	DRC_MEV_DEVICE_END,     /* for each device of a boot, before DRC_MEV_BOOT_END */
	DRC_MEV_FINISH,         /* drc_ctx_finish(): the input is complete */
	DRC_MEV_COUNT,
};

struct drc_marker_args {
	enum drc_marker what;
	const char *device;             /* or NULL */
	uint64_t count;
	int64_t ts;
	const struct drc_origin *origin;
	const char *witness;            /* DRC_MARK_LOST: what lost them ("kmsg", "trace", "udev", ...) */
};

struct drc_drm_args {
	char op;                        /* 'A'dd, 'D'el, 'R'el, release 'B'egin, release 'E'nd */
	const char *device;             /* or NULL */
	uint64_t id;
	unsigned digits;
	const char *name;
	uint64_t size;
	int64_t ts;
	const struct drc_origin *origin;
};

struct drc_refs_args {
	const char *device;
	uint64_t pid;
	const char *comm, *path;
	const struct drc_origin *origin;
};

/* one for every operation and then some: kept small, the rarer events' arguments behind pointers */
struct drc_model_event {
	enum drc_model_event_kind kind;
	struct drc_device *dev;
	struct drc_node *node;
	struct drc_batch *batch;
	const struct drc_event *ev;
	union {
		struct {
			bool was_bound;         /* the device was bound before it */
			bool id_reused;         /* an ADD of an id still live */
		} op;
		const struct drc_uevent *uevent;
		const struct drc_marker_args *marker;
		const struct drc_drm_args *drm;
		const struct drc_refs_args *refs;
		unsigned boot;                  /* DRC_MEV_BOOT_END */
		struct {
			unsigned added;         /* nodes on the list added while it ran */
			unsigned survivors;     /* nodes on the list from before it */
		} rall;
	};
};

void drc_rules_notify(struct drc_ctx *ctx, const struct drc_model_event *e);
/* the same from the model itself, which runs on the pipeline's thread or
 * after a sync: no sync needed, and none paid per operation */
void drc_rules_notify_model(struct drc_ctx *ctx, const struct drc_model_event *e);
/* DRC_RULES_NOTIFY(ctx, ADDED, .dev = dev, .node = n) */
#define DRC_RULES_NOTIFY(ctx, kind_, ...) \
	drc_rules_notify(ctx, &(struct drc_model_event){ .kind = DRC_MEV_##kind_, __VA_ARGS__ })
#define DRC_MODEL_NOTIFY(ctx, kind_, ...) \
	drc_rules_notify_model(ctx, &(struct drc_model_event){ .kind = DRC_MEV_##kind_, __VA_ARGS__ })

static inline void drc_rules_marker(struct drc_ctx *ctx, enum drc_marker m, const char *device,
				    uint64_t count, int64_t ts, const struct drc_origin *o)
{
	DRC_RULES_NOTIFY(ctx, MARKER,
			 .marker = &(struct drc_marker_args){ m, device, count, ts, o, NULL });
}

/* @witness (an interned or static string) reports @count lost (0: unknown) */
static inline void drc_rules_lost(struct drc_ctx *ctx, const char *witness, uint64_t count, int64_t ts,
				  const struct drc_origin *o)
{
	DRC_RULES_NOTIFY(ctx, MARKER,
			 .marker = &(struct drc_marker_args){ DRC_MARK_LOST, NULL, count, ts, o, witness });
}

static inline void drc_rules_drm(struct drc_ctx *ctx, char op, const char *device, uint64_t id,
				 unsigned digits, const char *name, uint64_t size, int64_t ts,
				 const struct drc_origin *o)
{
	DRC_RULES_NOTIFY(ctx, DRM,
			 .drm = &(struct drc_drm_args){ op, device, id, digits, name, size, ts, o });
}

static inline void drc_rules_refs(struct drc_ctx *ctx, const char *device, uint64_t pid, const char *comm,
				  const char *path, const struct drc_origin *o)
{
	DRC_RULES_NOTIFY(ctx, REFS, .refs = &(struct drc_refs_args){ device, pid, comm, path, o });
}

/* @name (interned, as every name of an event is) is "grp<" or "grp>" */
static inline bool drc_name_is_marker(const struct drc_ctx *ctx, const char *name)
{
	return name == ctx->s_grp_open || name == ctx->s_grp_close;
}

/* model.c */
void drc_model_settle(struct drc_ctx *ctx, unsigned boot);
void drc_model_boot_end(struct drc_ctx *ctx, unsigned boot);
int drc_model_apply(struct drc_ctx *ctx, struct drc_event *ev);
int drc_model_uevent(struct drc_ctx *ctx, struct drc_uevent *ev);
void drc_model_probe_failed(struct drc_ctx *ctx, const char *device, const struct drc_origin *o);
/*
 * One devres_release_all() or devres_release_group() is one call: its walk
 * logs each REL right before that node's release callback runs, so between
 * two lines of one walk (and a callback's own devm ADDs) is one callback's
 * run. One that sleeps (firmware, a flush, a hardware timeout) may take a
 * few hundred milliseconds; more than this between a walk's lines, with
 * other operations between, is read as another call.
 */
#define DRC_ONE_CALL_USEC 500000
void drc_model_probe_attempt(struct drc_ctx *ctx, const char *device, const struct drc_origin *o);
/* give the model the copies held for their twin: something other than a
 * devres operation is about to be said about the devices */
int drc_model_witness_flush(struct drc_ctx *ctx);
/* the current boot's name printed as the address @addr is @word (DRC_NAME_LINE) */
int drc_model_learn_name(struct drc_ctx *ctx, const char *addr, size_t alen, const char *word, size_t wlen);
/* the same, at a witness's loss marker: the next twins on each device are
 * found by time, not by order */
int drc_model_witness_loss(struct drc_ctx *ctx);
/* Where @n's ADD stands to @b's last release in the kernel's order, as the
 * witnesses printed them: AFTER when one printed the ADD after it (the
 * model, merging two witnesses after losses, applied them out of order),
 * UNKNOWN when no witness printed both, else BEFORE (or not from a stream,
 * or no @b). */
enum drc_order { DRC_ORDER_BEFORE, DRC_ORDER_AFTER, DRC_ORDER_UNKNOWN };
enum drc_order drc_node_order(const struct drc_node *n, const struct drc_batch *b);
/* The copies the model holds for a twin on @dev, in the order its drain
 * would take them (time, then arrival): @fn for each, until it returns
 * non-zero (an error is returned, a stop is 0). */
int drc_model_held_each(struct drc_ctx *ctx, const struct drc_device *dev,
			int (*fn)(void *data, const struct drc_event *ev), void *data);
void drc_device_free(struct drc_device *dev);
void drc_model_node_cache_free(struct drc_ctx *ctx);
void drc_boot_done(struct drc_boot *boot);

/* decoder-devres.c: the message part of one devres line */
struct devres_msg {
	enum drc_op op;         /* meaningless while op_token is set */
	uint64_t op_token;      /* the op printed as the address of its string, or 0 */
	const char *prefix; size_t prefix_len;   /* NULL for trace form */
	const char *dev; size_t dev_len;
	const char *name; size_t name_len;
	uint64_t id;
	unsigned id_digits;
	uint64_t size;
	size_t end;             /* just past "(<size> bytes)" in the message */
};
/* 1 = decoded, 0 = not a devres message, -EINVAL = looks like one, malformed
 * (*expected says what was wanted). */
int drc_decode_devres_msg(const char *msg, size_t len, struct devres_msg *ret, const char **expected);
bool drc_parse_ptr(const char *s, size_t len, uint64_t *id, unsigned *digits);
size_t drc_parse_size(const char *s, size_t len, uint64_t *size);
int drc_hexval(char c);

/* decoder-drm.c: a DRM-managed resource line (drm.debug=0x200) */
struct drm_msg {
	char op;                /* 'A'DD, 'D'EL, 'R'EL, release 'B'egin, release 'E'nd */
	const char *dev; size_t dev_len;        /* the drm device's parent, or NULL */
	uint64_t id;
	unsigned id_digits;
	const char *name; size_t name_len;
	uint64_t size;
};
/* 1 = decoded, 0 = not a drmres line */
int drc_decode_drm_msg(const char *msg, size_t len, struct drm_msg *ret);
/* a trace message: as drc_decode_devres_msg(), or DRC_DECODE_EMPTY for a
 * record of zeros that is no event */
#define DRC_DECODE_EMPTY 2
int drc_decode_trace_msg(const char *msg, size_t len, struct devres_msg *ret, const char **expected);

/* opres.c: ops printed as addresses (trace-cmd report, perf script) */
struct drc_opres;
int drc_opres_new(struct drc_ctx *ctx, struct drc_opres **ret);
struct drc_opres *drc_opres_free(struct drc_opres *r);
/* 1 and *op if @token's op is decided, else 0 */
int drc_opres_lookup(const struct drc_opres *r, uint64_t token, enum drc_op *op);
/* an operation read with its op as an address, as the model takes it */
int drc_opres_track(struct drc_opres *r, const char *dev, uint64_t id, enum drc_op op, uint64_t size,
		    const char *name);
/* an operation held back while an address is undecided (@dev interned),
 * its op the address @token or, when 0, @word; 1 = taken as evidence,
 * 0 = ignored, -ENOMEM */
int drc_opres_observe(struct drc_opres *r, const char *dev, uint64_t id, uint64_t token, enum drc_op word,
		      uint64_t size, const char *name, size_t name_len);
/* a uevent among the held lines, by its action */
enum drc_opres_uevent { DRC_OPRES_BIND, DRC_OPRES_UNBIND, DRC_OPRES_OTHER };
int drc_opres_observe_uevent(struct drc_opres *r, const char *dev, enum drc_opres_uevent kind);
bool drc_opres_pending(const struct drc_opres *r);
size_t drc_opres_held(const struct drc_opres *r);
/* gives every undecided address its op and forgets the evidence */
int drc_opres_decide(struct drc_opres *r);
void drc_opres_new_boot(struct drc_opres *r);
/* "grp<" or "grp>" for a name printed as the address of one, else NULL */
const char *drc_opres_alias(const struct drc_opres *r, const char *name, size_t len);
size_t drc_opres_get(const struct drc_opres *r, struct drc_op_address *ret, size_t n);

/* Small string helpers */
static inline bool mem_starts(const char *s, size_t len, const char *prefix, size_t plen)
{
	return len >= plen && __builtin_memcmp(s, prefix, plen) == 0;
}
#define MEM_STARTS(s, len, lit) mem_starts(s, len, lit, STRLEN(lit))
