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
#define DRC_WITNESS_RING 4096
#define DRC_WITNESS_WINDOW 256

struct drc_group {
	unsigned refs;                  /* marker nodes + member nodes + history */
	enum drc_group_state state;
	struct drc_node *open;          /* grp< (NULL once freed) */
	struct drc_node *close;         /* grp> while it exists */
	struct drc_group *parent;
	struct drc_group *open_next;    /* device's stack of open groups (newest first) */
	char id_str[20];
	struct drc_origin open_origin;
	struct drc_origin close_origin;
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
	int64_t ts;
	struct drc_origin origin;
	struct drc_origin end_origin;
	uint8_t kind;                   /* enum drc_node_kind */
	uint8_t state;                  /* enum drc_node_state */
	uint8_t id_digits;
	bool has_id;
	char id_str[20];
};

struct drc_batch {
	struct drc_batch *next;
	struct drc_device *dev;
	enum drc_batch_kind kind;
	struct drc_origin first, last;
	int64_t ts;
	unsigned released, groups, unknown, out_of_order;
	uint64_t bytes;
	bool nodes_started;
	bool probe_failure;
	/* where the next release is expected: the live node at or before which
	 * to look (NULL = the list's tail); range_end from released groups */
	struct drc_node *cursor;
	bool have_cursor;
	struct drc_node *range_end;     /* last node inside the released groups' range */
	bool range_to_tail;
	uint64_t group_start_order;     /* list order of the first released group */
	uint64_t last_seq;              /* engine sequence of its last release */
	int64_t last_ts;
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
	unsigned boot;
	enum drc_device_state state;
	struct drc_node *head, *tail;   /* live list */
	struct drc_node *hist_head, *hist_tail;
	struct hashmap ids;             /* live id -> node */
	struct drc_group *open_groups;  /* newest first */
	unsigned live;
	unsigned realloc_live;          /* unrevealed devm_krealloc nodes on the list */
	uint64_t live_bytes;
	uint64_t events;
	uint64_t unknown;
	uint64_t order_next;
	struct drc_batch *batch;        /* the batch in progress, or NULL */
	struct drc_batch *batches_head, *batches_tail;
	unsigned batches_kept;
	uint64_t batches_total;
	struct drc_origin first_origin;
	uint64_t probe_failed_line;     /* "probe of X failed" seen and not yet consumed */
};

struct witness_rec {
	struct drc_device *dev;
	const char *name;
	uint64_t id;
	uint64_t size;
	uint8_t op;
	bool consumed;
};

struct witness_ring {
	struct witness_rec *recs;       /* DRC_WITNESS_RING entries */
	size_t head, len;
};

struct drc_boot {
	const char *kernel;             /* interned release string or NULL */
	struct drc_origin origin;
	struct hashmap by_name;         /* interned name pointer -> device (latest of that name) */
	struct hashmap by_key;          /* interned devkey pointer -> device */
	unsigned witnesses;             /* bit per enum drc_witness seen */
	struct witness_ring ring[2];
	char boot_id[40];
};

struct kb_entry {
	const char *pattern;
	const char *class;
	bool glob;
};

struct drc_ctx {
	unsigned refs;
	drc_log_fn log_fn;
	void *log_data;
	int log_priority;
	drc_event_fn event_fn;
	void *event_data;
	drc_uevent_fn uevent_fn;
	void *uevent_data;
	bool keep_history;
	struct strpool pool;
	struct drc_boot *boots;
	unsigned nboots, boots_cap;
	struct drc_device *devices_head, *devices_tail;
	struct drc_stats stats;
	struct drc_diag diags[DRC_DIAG_MAX];
	unsigned ndiags;
	uint64_t seq;
	struct kb_entry *kb;
	size_t nkb, kb_cap;
};

/* ctx.c */
const char *drc_intern(struct drc_ctx *ctx, const char *s, size_t len);
const char *drc_interns(struct drc_ctx *ctx, const char *s);
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

/* model.c */
int drc_model_apply(struct drc_ctx *ctx, struct drc_event *ev);
int drc_model_uevent(struct drc_ctx *ctx, struct drc_uevent *ev);
void drc_model_probe_failed(struct drc_ctx *ctx, const char *device, const struct drc_origin *o);
void drc_device_free(struct drc_device *dev);
void drc_boot_done(struct drc_boot *boot);

/* decoder-devres.c: the message part of one devres line */
struct devres_msg {
	enum drc_op op;
	const char *prefix; size_t prefix_len;   /* NULL for trace form */
	const char *dev; size_t dev_len;
	const char *name; size_t name_len;
	uint64_t id;
	unsigned id_digits;
	uint64_t size;
};
/* 1 = decoded, 0 = not a devres message, -EINVAL = looks like one, malformed
 * (*expected says what was wanted). */
int drc_decode_devres_msg(const char *msg, size_t len, struct devres_msg *ret, const char **expected);
int drc_decode_trace_msg(const char *msg, size_t len, struct devres_msg *ret, const char **expected);

/* Small string helpers */
static inline bool mem_starts(const char *s, size_t len, const char *prefix, size_t plen)
{
	return len >= plen && __builtin_memcmp(s, prefix, plen) == 0;
}
#define MEM_STARTS(s, len, lit) mem_starts(s, len, lit, STRLEN(lit))
