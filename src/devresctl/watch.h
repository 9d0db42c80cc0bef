/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * devresctl watch: what the screen shows, kept apart from how it is drawn.
 * The engine holds the devices and their lists; this keeps what the engine
 * does not (the recent events, who held a device, where devices sit in
 * sysfs) and turns the engine's state into rows for the screen.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "libdevres/libdevres.h"
#include "shared/hashmap.h"

#define WATCH_EVENTS_MAX 20000  /* the Events view keeps the newest ones */
#define WATCH_REFS_MAX 1024
#define WATCH_TEXT 200
#define WATCH_FILTER_MAX 64
#define WATCH_MARKS_MAX 32
#define WATCH_NAME 64

enum watch_event_kind {
	WATCH_EV_DEVRES,
	WATCH_EV_UDEV,
	WATCH_EV_MODULE,
	WATCH_EV_REF,
};

struct watch_event {
	enum watch_event_kind kind;
	const char *device;             /* owned by the engine; NULL for module events */
	char text[WATCH_TEXT];
	/* devres operations: what a released batch lists of the nodes it swept */
	enum drc_op op;
	struct drc_origin origin;       /* .source interned by the engine */
	uint64_t size;
	char id[20];                    /* as printed */
	char name[WATCH_NAME];          /* release function, its end if longer */
};

struct watch_ref {
	const char *device;             /* owned by the engine */
	uint64_t pid;
	char comm[32];
	char path[128];
	struct drc_origin origin;
};

enum watch_sort {
	WATCH_SORT_NAME,
	WATCH_SORT_LIVE,
	WATCH_SORT_BYTES,
	WATCH_SORT_FINDINGS,
	WATCH_SORT_STATE,
	WATCH_SORT_DRIVER,
	_WATCH_SORT_MAX,
};

struct watch_row {
	struct drc_device *dev;
	unsigned findings;
};

/* One line of a detail pane. */
enum watch_line_style {
	WATCH_LINE_PLAIN,
	WATCH_LINE_TITLE,
	WATCH_LINE_HEADER,
	WATCH_LINE_GROUP,
	WATCH_LINE_OPEN_GROUP,
	WATCH_LINE_MARKED,              /* a node the selected finding is about */
	WATCH_LINE_ERROR,
	WATCH_LINE_WARNING,
	WATCH_LINE_DIM,
};

struct watch_line {
	enum watch_line_style style;
	char text[WATCH_TEXT + 56];
};

struct watch_lines {
	struct watch_line *v;
	unsigned n, cap;
};

struct watch_state {
	struct drc_ctx *ctx;
	/* newest events, a ring */
	struct watch_event *events;
	unsigned ev_head, ev_n;
	uint64_t ev_total;
	/* references recorded or read live, a ring */
	struct watch_ref *refs;
	unsigned ref_head, ref_n;
	struct hashmap devpaths;        /* hash(device) -> char * (from udev) */
	struct hashmap badges;          /* hash(device) -> findings count */
	unsigned findings_seen;         /* of the engine's, looked at */
	unsigned findings_shown;        /* of them, those kept (forder's length) */
	/* which findings are shown (--since/--until), NULL: all */
	bool (*keep)(const struct drc_finding *f, void *data);
	void *keep_data;
	unsigned errors, warnings, infos;
	unsigned *forder;               /* finding indices, the worst first */
	unsigned forder_cap;
	int64_t now_ts;                 /* newest kernel timestamp seen, or -1 */
	/* live: the kernel's clock now is the monotonic clock minus clock_off */
	bool live;
	bool clock_set;
	bool clock_kernel;              /* timestamps are this machine's monotonic clock */
	int64_t clock_off;              /* usec */
	int64_t clock_ts;               /* now_ts when clock_off was taken */
	uint64_t activity;              /* bumped by every event: the screen is stale */
	/* the device list as shown */
	struct watch_row *rows;
	unsigned nrows, rows_cap;
	enum watch_sort sort;
	bool reverse;
	char filter[WATCH_FILTER_MAX];
	/* nodes marked by the finding last jumped from */
	const char *mark_device;
	char marks[WATCH_MARKS_MAX][24];
	unsigned nmarks;
};

/* Registers the engine observers. Returns 0 or -ENOMEM. */
int watch_state_init(struct watch_state *w, struct drc_ctx *ctx);
void watch_state_done(struct watch_state *w);

/* The @i-th kept event, oldest first. */
const struct watch_event *watch_event_get(const struct watch_state *w, unsigned i);
/* Whether an event passes the filter (a substring of its text). */
bool watch_event_matches(const struct watch_event *e, const char *filter);

/* Takes in the findings the engine made since the last call. */
int watch_state_sync_findings(struct watch_state *w);
/* The @i-th finding in the order shown: errors, then warnings, then info;
 * within a severity in the order found (as 'report' prints them). */
const struct drc_finding *watch_finding_get(const struct watch_state *w, unsigned i);
/* Its place in that order, or -1. */
int watch_finding_index(const struct watch_state *w, uint64_t seq);

/*
 * Live, ages run on the wall clock: @kernel_clock when the timestamps are
 * this machine's monotonic clock (the kernel's own log, devresd on it),
 * else they are taken to advance with it from the newest one seen.
 */
void watch_state_set_live(struct watch_state *w, bool kernel_clock);
/* Called as time passes, with now_usec(). */
void watch_state_clock(struct watch_state *w, uint64_t mono_usec);
/* The kernel time ages are measured to: now when live, else the newest
 * timestamp of the capture; -1 when unknown. */
int64_t watch_state_now(const struct watch_state *w, uint64_t mono_usec);
unsigned watch_device_findings(const struct watch_state *w, const char *device);

/* Rebuilds the device rows: filter (a substring of the name, driver, bus or
 * state), sort. Returns 0 or -ENOMEM. */
int watch_state_rows(struct watch_state *w);
const char *watch_sort_to_string(enum watch_sort s);
/* The row of @dev, or -1. */
int watch_row_of(const struct watch_state *w, const struct drc_device *dev);

/* Marks the nodes of a finding; the detail of its device shows them. */
void watch_mark_finding(struct watch_state *w, const struct drc_finding *f);

/* Lines of the detail of a device, @width columns: its list as a tree, its
 * batches (with the nodes each released, while their events are kept). */
int watch_detail(struct watch_state *w, struct drc_device *dev, bool batches, unsigned width,
		 struct watch_lines *out);
/* Lines of a finding: explanation, fix, evidence, nodes. */
int watch_finding_detail(const struct drc_finding *f, unsigned width, struct watch_lines *out);
/* Lines of the References view of a device. */
int watch_references(struct watch_state *w, struct drc_device *dev, bool live, struct watch_lines *out);
void watch_lines_clear(struct watch_lines *l);
/* Cuts @s to @width columns with "..." at its end (@keep_end: at its start,
 * to keep the end), padded with spaces to @width; returns @buf.
 * Names from the kernel are ASCII: a byte is a column. */
char *watch_cell(char *buf, size_t len, const char *s, unsigned width, bool keep_end);
void watch_lines_done(struct watch_lines *l);

/* ---- the screen (watch-screen.c) ---- */

enum watch_view {
	WATCH_VIEW_DEVICES,
	WATCH_VIEW_EVENTS,
	WATCH_VIEW_FINDINGS,
	WATCH_VIEW_REFS,
	_WATCH_VIEW_MAX,
};

/* What the screen asks of the loop after a key. */
enum watch_action {
	WATCH_ACT_NONE,
	WATCH_ACT_QUIT,
	WATCH_ACT_PAUSE,        /* toggle */
	WATCH_ACT_STEP,         /* one more event */
	WATCH_ACT_SAVE,
	WATCH_ACT_FASTER,
	WATCH_ACT_SLOWER,
	WATCH_ACT_REFRESH,
};

/* Where the data comes from and how far it got: the header line. */
struct watch_status {
	const char *source;     /* "replay FILE", ... */
	const char *mode;       /* "loading", "playing x2", "paused", "step: ...", "done";
				 * cut at its ':' when the header is short of room */
	uint64_t lines;         /* played: the lines 's' saves */
	bool live;
	char message[160];      /* shown once on the bottom line */
};

struct watch_ui;
/* Takes the terminal. @color false: monochrome. */
int watch_ui_new(struct watch_state *w, bool color, struct watch_ui **ret);
/* Gives the terminal back; safe to call twice, and from a signal handler path. */
void watch_ui_free(struct watch_ui *ui);
/* Handles the keys waiting on the terminal up to the first one that asks
 * something of the loop; WATCH_ACT_NONE when none is left. */
enum watch_action watch_ui_input(struct watch_ui *ui, struct watch_status *st);
/* Draws a frame if anything changed; returns its time in microseconds, 0 if none. */
uint64_t watch_ui_draw(struct watch_ui *ui, struct watch_status *st);
void watch_ui_touch(struct watch_ui *ui);
/* Live: the screen holds still (p); keys still redraw it. */
void watch_ui_freeze(struct watch_ui *ui, bool frozen);
/* The Events view follows new events (after p resumes) or holds (paused). */
void watch_ui_follow(struct watch_ui *ui, bool follow);
