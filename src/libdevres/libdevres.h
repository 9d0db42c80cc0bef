/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libdevres - rebuild the kernel's per-device managed-resource (devres)
 * lists from what the kernel logs about them.
 *
 * The engine takes lines (from a file, a pipe or a live source), decodes
 * them into events and applies them to a model that mirrors
 * drivers/base/devres.c: one ordered list per struct device, group markers,
 * release batches. It never prints, never exits, keeps no global state, and
 * does no I/O beyond the knowledge-base file it is asked to load.
 *
 * Conventions:
 *  - functions that can fail return 0 (or a positive count) on success and
 *    a negative errno on failure;
 *  - _next() iterators return 1 (got one), 0 (end) or a negative errno;
 *  - pointers returned by getters are borrowed: valid until the context is
 *    released, unless the comment says otherwise.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct drc_ctx;
struct drc_stream;
struct drc_device;
struct drc_node;
struct drc_group;
struct drc_batch;

/* The four list operations the kernel logs. */
enum drc_op {
	DRC_OP_ADD,
	DRC_OP_REL,
	DRC_OP_REM,
	DRC_OP_REPLACE,
};

/* Which kernel facility printed an operation. Both may print each one. */
enum drc_witness {
	DRC_WITNESS_PRINTK,     /* "DEVRES ..." through dev_err(): dmesg, kmsg, journal, syslog */
	DRC_WITNESS_TRACE,      /* the dev:devres_log trace event */
};

enum drc_node_kind {
	DRC_NODE_RES,           /* an ordinary resource */
	DRC_NODE_GROUP_OPEN,    /* "grp<" */
	DRC_NODE_GROUP_CLOSE,   /* "grp>" */
	DRC_NODE_REALLOC,       /* the node devm_krealloc() put in place of a replaced one;
				 * the kernel never logs its ADD, so its id, name and size are
				 * unknown until it is released or removed */
};

enum drc_node_state {
	DRC_NODE_LIVE,
	DRC_NODE_RELEASED,      /* REL: its release callback ran in a batch */
	DRC_NODE_REMOVED,       /* REM: taken off the list without release by the list code */
	DRC_NODE_REPLACED,      /* REPLACE: devm_krealloc() put another node in its place */
	DRC_NODE_LOST,          /* its id was added again while it was live: the line that
				 * removed it is missing from the capture */
};

enum drc_group_state {
	DRC_GROUP_OPEN,
	DRC_GROUP_CLOSED,
	DRC_GROUP_RELEASED,     /* devres_release_group() or devres_release_all() */
	DRC_GROUP_REMOVED,      /* devres_remove_group(): markers gone, members stay */
	DRC_GROUP_LOST,
};

enum drc_device_state {
	DRC_DEVICE_UNKNOWN,
	DRC_DEVICE_BOUND,       /* a driver is bound (driver prefix, udev bind) */
	DRC_DEVICE_UNBOUND,     /* no driver: released on unbind, or bus/class prefix */
	DRC_DEVICE_PROBE_FAILED,/* the last probe failed and unwound */
	DRC_DEVICE_REMOVED,     /* udev remove */
	DRC_DEVICE_NO_BUS,      /* bus-less, class-less device (root_device_register) */
};

enum drc_batch_kind {
	DRC_BATCH_UNKNOWN,
	DRC_BATCH_RELEASE_ALL,  /* devres_release_all(): unbind, probe failure, device_del */
	DRC_BATCH_RELEASE_GROUP,/* devres_release_group() */
};

/* Where an input line came from; copied into diagnostics and nodes. */
struct drc_origin {
	const char *source;     /* file name, "-", "kmsg", ... (interned by the engine) */
	uint64_t line;          /* 1-based line or record number */
};

/* One decoded devres operation, as delivered to an event callback. */
struct drc_event {
	enum drc_op op;
	enum drc_witness witness;
	const char *device;     /* dev_name(); "(null)" for unnamed devices in traces */
	const char *prefix;     /* dev_driver_string(): driver, bus or class; "" for root
				 * devices; NULL when the witness does not print it (trace) */
	const char *subsystem;  /* kmsg/journal SUBSYSTEM=, or NULL */
	const char *devkey;     /* kmsg/journal DEVICE= (e.g. "+pci:0000:00:1f.3"), or NULL */
	uint64_t id;            /* the node pointer (hashed or raw) */
	unsigned id_digits;     /* 8 or 16 as printed */
	const char *name;       /* release function name, "grp<" or "grp>" */
	uint64_t size;          /* payload bytes as printed */
	int64_t ts_usec;        /* kernel timestamp, or -1 */
	unsigned boot;          /* boot index, from 0 */
	uint64_t seq;           /* engine sequence number, from 1 */
	uint64_t widx;          /* its place among its witness's devres lines in the boot, from 1 */
	uint64_t twin_widx;     /* the other witness's copy's place, when known as it is applied; or 0 */
	struct drc_origin origin;
};

/* A udev/uevent record (udevadm monitor, uevent dumps, journal). */
struct drc_uevent {
	const char *action;     /* add, remove, bind, unbind, change, move, ... */
	const char *devpath;    /* /devices/... */
	const char *device;     /* basename of devpath */
	const char *subsystem;
	const char *driver;     /* DRIVER=, or NULL */
	uint64_t seqnum;        /* SEQNUM=, or 0 */
	bool from_udev;         /* "UDEV" (after rules) rather than "KERNEL" */
	int64_t ts_usec;        /* the monitor's own clock, or -1 */
	unsigned boot;
	struct drc_origin origin;
};

/* Decoding and model statistics. New fields are only ever added at the end. */
struct drc_stats {
	uint64_t lines;             /* lines read */
	uint64_t devres_events;     /* devres operations applied to the model */
	uint64_t undecoded;         /* looked like devres lines, could not be decoded */
	uint64_t duplicates;        /* operations seen twice (kmsg + trace) and taken once */
	uint64_t quoted_duplicates; /* mail-quoted copies of lines already seen */
	uint64_t uevents;           /* udev events decoded */
	uint64_t long_lines;        /* lines longer than the engine reads, cut */
	uint64_t unknown_nodes;     /* REL/REM/REPLACE of an id never seen added */
	uint64_t id_reuse;          /* ADD of an id still live on the device */
	uint64_t boots;             /* boots seen (at least 1 once anything was read) */
	uint64_t unnamed_devices;   /* events on "(null)" devices */
	uint64_t joined_lines;      /* wrapped lines joined back together */
	uint64_t realloc_matched;   /* devm_krealloc nodes identified at release */
	uint64_t drm_events;        /* DRM-managed (drmres) lines decoded */
	uint64_t lost_markers;      /* "messages dropped", "LOST EVENTS", kmsg overruns */
	uint64_t kmsg_seq_breaks;   /* a recording's kmsg records numbered out of turn, unsaid */
	uint64_t lost_events;       /* what those markers count (a marker without a count: 0) */
	uint64_t empty_records;     /* trace records of zeros, no event: skipped */
	uint64_t rules_nomem;       /* allocations the rules could not make: findings may be
				     * incomplete (a log-loss finding says so) */
};

/* One diagnostic about input that could not be decoded. */
struct drc_diag {
	struct drc_origin origin;
	const char *expected;       /* what the decoder expected */
	const char *excerpt;        /* the start of the offending line */
};

/* ---- context ---- */

/**
 * drc_ctx_new - create an engine context
 * @ret: on success, the new context with one reference
 *
 * Returns: 0 or -ENOMEM.
 */
int drc_ctx_new(struct drc_ctx **ret);
struct drc_ctx *drc_ctx_ref(struct drc_ctx *ctx);
struct drc_ctx *drc_ctx_unref(struct drc_ctx *ctx);

typedef void (*drc_log_fn)(void *userdata, int priority, const char *file, int line,
			   const char *func, const char *format, va_list ap);
void drc_ctx_set_log_fn(struct drc_ctx *ctx, drc_log_fn fn, void *userdata);
void drc_ctx_set_log_priority(struct drc_ctx *ctx, int priority);

/* Keep released nodes and every batch for history queries (memory then grows
 * with the capture, not only with live state). Off by default. */
void drc_ctx_set_keep_history(struct drc_ctx *ctx, bool keep);

/* Observe every devres operation applied (after de-duplication). */
typedef void (*drc_event_fn)(void *userdata, const struct drc_event *ev);
void drc_ctx_set_event_fn(struct drc_ctx *ctx, drc_event_fn fn, void *userdata);
typedef void (*drc_uevent_fn)(void *userdata, const struct drc_uevent *ev);
/* Every input line range decoded as a devres operation, duplicates included:
 * @o is the first line, @last_line the last (kmsg dictionaries, wrapped lines). */
typedef void (*drc_line_fn)(void *userdata, const struct drc_origin *o, uint64_t last_line);
void drc_ctx_set_devres_line_fn(struct drc_ctx *ctx, drc_line_fn fn, void *userdata);
/* Decode only: lines are read and told apart (the devres line callback, the
 * counts), but no list is kept, so memory does not grow with the capture
 * (strip). Before the first line. */
void drc_ctx_set_decode_only(struct drc_ctx *ctx);
/*
 * drc_ctx_set_threads - 2: the model and its rules run on a thread of their
 * own while the caller's thread reads and decodes the lines (1, the default:
 * all on the caller's thread). The results are the same. Taken only while
 * nothing watches the model as it runs: no event, uevent, ref or devres-line
 * callback, no debug log, not decode-only; setting one of those goes back to
 * one thread.
 */
void drc_ctx_set_threads(struct drc_ctx *ctx, unsigned n);
void drc_ctx_set_uevent_fn(struct drc_ctx *ctx, drc_uevent_fn fn, void *userdata);

/* A process that held a device's node open, as recorded next to the log
 * ("devresctl-refs: DEVICE PID COMM PATH"). */
struct drc_ref {
	const char *device;
	uint64_t pid;
	const char *comm;
	const char *path;
	unsigned boot;
	struct drc_origin origin;
};
typedef void (*drc_ref_fn)(void *userdata, const struct drc_ref *ref);
void drc_ctx_set_ref_fn(struct drc_ctx *ctx, drc_ref_fn fn, void *userdata);

/**
 * drc_ctx_load_kb - load a knowledge-base file of release functions
 *
 * Each line: "PATTERN<TAB>CLASS[<TAB>FLAGS]"; '#' starts a comment. Later
 * files take precedence over earlier ones for the same pattern.
 *
 * Returns: the number of entries read, -errno if the file cannot be read,
 * or -EINVAL (with *bad_line set) on a malformed line.
 */
int drc_ctx_load_kb(struct drc_ctx *ctx, const char *path, unsigned *bad_line);
/**
 * drc_ctx_load_kallsyms - learn which module each function lives in
 *
 * Reads a copy of /proc/kallsyms ("ADDR TYPE NAME [MODULE]"; the names and
 * modules are there even when addresses are hidden). The rules then match
 * release functions to a removed module exactly instead of by name prefix.
 *
 * Returns: the number of module functions read, or -errno.
 */
int drc_ctx_load_kallsyms(struct drc_ctx *ctx, const char *path);
/*
 * One line of /proc/kallsyms: true for a text symbol of a module, with
 * *function and *module pointing into @line, which is cut to end them.
 */
bool drc_kallsyms_parse(char *line, const char **function, const char **module);
/* The module a function lives in, or NULL (built in, or not known). */
const char *drc_ctx_get_function_module(struct drc_ctx *ctx, const char *name);

/* The class of a release function ("memory", "iomap", ...), or "other". */
const char *drc_ctx_classify(struct drc_ctx *ctx, const char *name);

void drc_ctx_get_stats(const struct drc_ctx *ctx, struct drc_stats *ret);

/* An op that the capture printed as the address of its string (trace-cmd
 * report, perf script: libtraceevent formats dev:devres_log's "op" pointer),
 * and the op the list semantics gave it. */
struct drc_op_address {
	uint64_t address;
	enum drc_op op;
	uint64_t events;            /* operations read with it */
};
/* Fills at most @n; returns how many there are (0: every op was a word). */
size_t drc_ctx_get_op_addresses(const struct drc_ctx *ctx, struct drc_op_address *ret, size_t n);
/* Diagnostics: at most the first 64 are kept; the count is in stats.undecoded. */
unsigned drc_ctx_get_diag_count(const struct drc_ctx *ctx);
int drc_ctx_get_diag(const struct drc_ctx *ctx, unsigned i, struct drc_diag *ret);

/* Boots: "Linux version" lines, journal boot ids, "-- Boot --" separators. */
unsigned drc_ctx_get_boot_count(const struct drc_ctx *ctx);
/* The kernel release of boot @i ("6.1.192"), or NULL when not logged. */
const char *drc_ctx_get_boot_kernel(const struct drc_ctx *ctx, unsigned i);
/* Where boot @i starts. */
int drc_ctx_get_boot_origin(const struct drc_ctx *ctx, unsigned i, struct drc_origin *ret);

/* ---- input ---- */

/**
 * drc_stream_new - a decoder for one input (a file, stdin, a live source)
 * @name: shown in diagnostics and origins ("dmesg.txt", "-")
 *
 * Lines from one stream share decoder state (kmsg dictionaries, wrapped
 * lines, mail quoting). Formats are detected per line: never ask.
 */
int drc_stream_new(struct drc_ctx *ctx, const char *name, struct drc_stream **ret);
/* Feed one line, without its line terminator. May hold it back until the
 * next line (kmsg dictionaries, wrapped lines). Returns 0 or -ENOMEM. */
int drc_stream_feed_line(struct drc_stream *s, const char *line, size_t len);
/* Count a line that the reader had to cut (longer than it keeps). */
void drc_stream_note_long_line(struct drc_stream *s);
/* Lines of the input the reader chose not to feed (devresctl --boot): the
 * next line fed is @n lines further, so origins keep naming input lines. */
void drc_stream_skip_lines(struct drc_stream *s, uint64_t n);
/* The records open in @s (a kmsg record, a udev event) are complete: give
 * them to the model now, before another stream's lines (devresctl reading
 * captures merged by time). Returns 0 or -ENOMEM. */
int drc_stream_end_records(struct drc_stream *s);
/* Flush what is held back; call at the end of the input. */
int drc_stream_finish(struct drc_stream *s);
struct drc_stream *drc_stream_free(struct drc_stream *s);

/* The first line whose fate is not known yet (held back with a record or a
 * wrapped line); every line before it has been decoded or passed over. */
uint64_t drc_stream_get_undecided_line(const struct drc_stream *s);

/* Devres messages read from a JSON object over several lines (dmesg
 * --json, journalctl -o json-pretty): their lines are not reported to the
 * devres line callback, as dropping them would break the JSON. */
uint64_t drc_stream_count_in_objects(const struct drc_stream *s);

/*
 * How each input line is read (devresctl --debug=stream): which transport
 * took it and why, what mail had done to it, what kernel message it held.
 * @o is the line, @text one sentence, valid during the call only. Set it
 * before the streams read; NULL (the default) costs nothing.
 */
typedef void (*drc_stream_debug_fn)(void *userdata, const struct drc_origin *o, const char *text);
void drc_ctx_set_stream_debug_fn(struct drc_ctx *ctx, drc_stream_debug_fn fn, void *userdata);

/* Convenience: feed a whole buffer of lines ('\n' separated). */
int drc_stream_feed(struct drc_stream *s, const char *buf, size_t len);

/*
 * A live collector saw no kernel line for a while: decide the lines held
 * back (kmsg dictionaries, wrapped halves) and judge the release batches in
 * progress, without the end-of-capture rules. The stream stays usable.
 * Collectors write DRC_QUIET_LINE into their recording at the same point,
 * and a stream that reads that line does the same, so a replay judges
 * exactly where the live run did.
 */
#define DRC_QUIET_LINE "devresctl-quiet"
/*
 * "devresctl-name ADDRESS WORD": a collector that formats the binary trace
 * records learnt, after it had written a name as its address (the record
 * holds a pointer before v6.13, and the kernel's text that tells it came
 * later), that the address is WORD. A stream renames the nodes of the
 * current boot so named, as if the name had been known.
 */
#define DRC_NAME_LINE "devresctl-name "
/*
 * "devresctl-witnesses: kmsg trace": a collector's first lines say which of
 * the two witnesses of every devres operation it reads (the kernel log,
 * the dev:devres_log trace event). Until a second witness shows up, a
 * stream keeps only a few thousand copies for the twins it may bring,
 * unless both were declared: then as many as a reader can be behind.
 */
#define DRC_WITNESSES_LINE "devresctl-witnesses: "
int drc_stream_settle(struct drc_stream *s);

/* ---- devices ---- */

struct drc_device_iter;
int drc_device_iter_new(struct drc_ctx *ctx, struct drc_device_iter **ret);
int drc_device_iter_next(struct drc_device_iter *it, struct drc_device **ret);
struct drc_device_iter *drc_device_iter_free(struct drc_device_iter *it);

/* 1 = found in boot @boot (latest boot when @boot is -1), 0 = none. */
int drc_ctx_find_device(struct drc_ctx *ctx, const char *name, int boot, struct drc_device **ret);

const char *drc_device_get_name(const struct drc_device *dev);
/* The last driver seen bound (log prefix or udev DRIVER=), or NULL. */
const char *drc_device_get_driver(const struct drc_device *dev);
/* Bus or class (SUBSYSTEM=, udev), or NULL when the capture does not say. */
const char *drc_device_get_subsystem(const struct drc_device *dev);
/* The last dev_driver_string() prefix printed for it, or NULL. */
const char *drc_device_get_prefix(const struct drc_device *dev);
/* The kmsg DEVICE= key ("+pci:0000:00:1f.3"), or NULL. */
const char *drc_device_get_devkey(const struct drc_device *dev);
/* The sysfs path of its last uevent ("/devices/platform/dfx-hda.0"), or NULL
 * when the capture has none; valid as long as the context. */
const char *drc_device_get_devpath(const struct drc_device *dev);
unsigned drc_device_get_boot(const struct drc_device *dev);
enum drc_device_state drc_device_get_state(const struct drc_device *dev);
const char *drc_device_state_to_string(enum drc_device_state state);
unsigned drc_device_count_live(const struct drc_device *dev);     /* live resources, not markers */
uint64_t drc_device_live_bytes(const struct drc_device *dev);
uint64_t drc_device_count_events(const struct drc_device *dev);
/* REL/REM/REPLACE lines for nodes whose ADD is not in the capture. */
uint64_t drc_device_count_unknown(const struct drc_device *dev);
struct drc_origin drc_device_get_first_origin(const struct drc_device *dev);

/* The device's live list in kernel order: first node, then drc_node_next(). */
struct drc_node *drc_device_get_first_node(const struct drc_device *dev);
struct drc_node *drc_node_next(const struct drc_node *node);
/* With keep-history: every node ever added, in order of addition. */
struct drc_node *drc_device_get_first_history(const struct drc_device *dev);
struct drc_node *drc_node_next_history(const struct drc_node *node);

/* Release batches, oldest first (the last 8 unless keep-history is on). */
struct drc_batch *drc_device_get_first_batch(const struct drc_device *dev);
struct drc_batch *drc_batch_next(const struct drc_batch *batch);
uint64_t drc_device_count_batches(const struct drc_device *dev);

/* ---- nodes ---- */

enum drc_node_kind drc_node_get_kind(const struct drc_node *node);
enum drc_node_state drc_node_get_state(const struct drc_node *node);
const char *drc_node_state_to_string(enum drc_node_state state);
/* false for a devm_krealloc node whose id was never printed */
bool drc_node_has_id(const struct drc_node *node);
uint64_t drc_node_get_id(const struct drc_node *node);
/* The id as the kernel printed it ("00000000865cdb29"), or "?" (static buffer per node). */
const char *drc_node_get_id_string(const struct drc_node *node);
/* NULL for a devm_krealloc node until its release shows the name. */
const char *drc_node_get_name(const struct drc_node *node);
/* Size in bytes; -1 when unknown (devm_krealloc node). */
int64_t drc_node_get_size(const struct drc_node *node);
struct drc_origin drc_node_get_origin(const struct drc_node *node);     /* the ADD */
int64_t drc_node_get_ts(const struct drc_node *node);
/* a live node added before a loss the capture reported: what released it may be
 * among the lost lines, so its being live is no evidence of a leak */
bool drc_node_is_uncertain(const struct drc_node *node);
/* Where it ended (REL/REM/REPLACE line), or line 0 while live. */
struct drc_origin drc_node_get_end_origin(const struct drc_node *node);
/* The innermost group that was open when it was added, or NULL. For group
 * markers: the group they belong to. */
struct drc_group *drc_node_get_group(const struct drc_node *node);
/* For a devm_krealloc node: the name and size of the node it replaced. */
const char *drc_node_get_replaced_name(const struct drc_node *node);
uint64_t drc_node_get_replaced_size(const struct drc_node *node);
/* The batch that released it, or NULL. */
struct drc_batch *drc_node_get_batch(const struct drc_node *node);

/* ---- groups ---- */

enum drc_group_state drc_group_get_state(const struct drc_group *grp);
const char *drc_group_state_to_string(enum drc_group_state state);
/* The grp< node (may be no longer live). */
struct drc_node *drc_group_get_open_node(const struct drc_group *grp);
/* The id of grp<, as printed. */
const char *drc_group_get_id_string(const struct drc_group *grp);
/* The group that was open (innermost) when this one was opened, or NULL. */
struct drc_group *drc_group_get_parent(const struct drc_group *grp);
struct drc_origin drc_group_get_open_origin(const struct drc_group *grp);
/* line 0 while still open */
struct drc_origin drc_group_get_close_origin(const struct drc_group *grp);

/* ---- release batches ---- */

enum drc_batch_kind drc_batch_get_kind(const struct drc_batch *b);
const char *drc_batch_kind_to_string(enum drc_batch_kind kind);
struct drc_origin drc_batch_get_first_origin(const struct drc_batch *b);
struct drc_origin drc_batch_get_last_origin(const struct drc_batch *b);
int64_t drc_batch_get_ts(const struct drc_batch *b);
unsigned drc_batch_count_released(const struct drc_batch *b);    /* resources */
unsigned drc_batch_count_groups(const struct drc_batch *b);      /* group markers */
unsigned drc_batch_count_unknown(const struct drc_batch *b);     /* not seen added */
uint64_t drc_batch_get_bytes(const struct drc_batch *b);
/* Releases out of the order the list dictates (lost lines or a real bug). */
unsigned drc_batch_count_out_of_order(const struct drc_batch *b);
/* The group released first in a group release (by its grp< id), or NULL. */
const char *drc_batch_get_group_id(const struct drc_batch *b);
/* A "probe of ... failed" line came right before this batch. */
bool drc_batch_is_probe_failure(const struct drc_batch *b);

/* ---- findings ---- */

enum drc_severity {
	DRC_SEVERITY_INFO,
	DRC_SEVERITY_WARNING,
	DRC_SEVERITY_ERROR,
};

/* A node a finding is about. Strings are owned by the context. */
struct drc_finding_node {
	const char *device;
	const char *name;           /* release function, "grp<", or "?" (never named) */
	int64_t size;               /* -1 when unknown */
	const char *id;             /* as printed, or "?" */
	const char *class;          /* knowledge-base class */
	const char *role;           /* why it is listed ("added after the group was opened") */
	struct drc_origin added;    /* line 0: the ADD is not in the capture */
	struct drc_origin ended;    /* line 0: still live */
};

/*
 * One finding: a rule that fired on the capture. Everything is owned by the
 * context and stays valid until it is released.
 */
struct drc_finding {
	const char *rule;           /* stable id: "open-group-swept", ... */
	enum drc_severity severity;
	unsigned boot;
	const char *device;         /* the device it is about */
	const char *driver;         /* its driver, or NULL */
	const char *other_device;   /* the device whose unbind or probe caused it, or NULL */
	const char *other_driver;
	const char *summary;        /* one line */
	const char *explanation;    /* what happened and why it matters */
	const char *fix;            /* the usual fix */
	const struct drc_origin *evidence;  /* lines, in order */
	unsigned n_evidence;
	const struct drc_finding_node *nodes;
	unsigned n_nodes;
	uint64_t seq;               /* order of detection, from 1 */
	/* Repeats are folded: the same rule on the same devices in the same boot
	 * is one finding, counted. first/last: the first line of evidence of its
	 * first and of its last occurrence; the cycles: how many releases of
	 * everything the device had seen before each (0: during its first bind). */
	uint64_t occurrences;
	struct drc_origin first, last;
	unsigned first_cycle, last_cycle;
};

/* Every rule the engine knows, for --help, suppressions and documentation. */
struct drc_rule_info {
	const char *id;
	enum drc_severity severity; /* the highest it reports */
	const char *what;           /* one line */
};
unsigned drc_rule_count(void);
const struct drc_rule_info *drc_rule_get(unsigned i);
const struct drc_rule_info *drc_rule_find(const char *id);

const char *drc_severity_to_string(enum drc_severity sev);
/* -EINVAL when @s is not "info", "warning" or "error" */
int drc_severity_from_string(const char *s);

/**
 * drc_ctx_finish - the input is complete: run the end-of-capture rules
 *
 * Call once after the last stream is finished. Findings that depend on what
 * comes next (a cross-device release, a device still live at the end) are
 * only final after this. Returns 0, or -ENOMEM when the rules could not
 * allocate what they needed at some point of the run (stats.rules_nomem
 * counts it, and a log-loss finding says so): the findings are incomplete.
 */
int drc_ctx_finish(struct drc_ctx *ctx);
unsigned drc_ctx_get_finding_count(const struct drc_ctx *ctx);
const struct drc_finding *drc_ctx_get_finding(const struct drc_ctx *ctx, unsigned i);
/* Warnings and infos beyond the first 10000 distinct findings, folded into one
 * finding per rule (errors are always kept one by one). */
uint64_t drc_ctx_get_findings_dropped(const struct drc_ctx *ctx);

/* Knowledge-base flags of a release function (see release-functions.tsv). */
enum {
	DRC_KB_HW       = 1u << 0,  /* touches hardware when it runs */
	DRC_KB_DEVREF   = 1u << 1,  /* holds a device reference */
	DRC_KB_CALLBACK = 1u << 2,  /* runs driver code */
	DRC_KB_SUSPEND  = 1u << 3,  /* may run the device's runtime-suspend callback */
};
unsigned drc_ctx_get_kb_flags(struct drc_ctx *ctx, const char *name);

const char *drc_op_to_string(enum drc_op op);
const char *drc_strerror(int err);

#ifdef __cplusplus
}
#endif
