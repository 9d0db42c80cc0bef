/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "libdevres/libdevres.h"

enum output_format { OUTPUT_TEXT, OUTPUT_JSON, OUTPUT_JUNIT, OUTPUT_TAP, OUTPUT_KCIDB };

/* A finding as a command sees it: suppressed, known from a baseline, failing. */
struct finding_item {
	const struct drc_finding *f;
	const char *suppressed;         /* the suppression's reason, or NULL */
	bool known;                     /* in the baseline */
	bool fails;                     /* reaches --fail-on and is neither */
	char fingerprint[17];
};

struct finding_list {
	struct finding_item *items;
	unsigned n;
	unsigned failing, suppressed, known;
	unsigned by_severity[3];
};

struct suppressions;
/* Every finding of the engine, in detection order; @sup may be NULL. */
int findings_collect(struct drc_ctx *ctx, const struct suppressions *sup, struct finding_list *ret);
void finding_list_done(struct finding_list *l);
/* Counts the items' flags into the list's totals; call after changing them. */
void finding_list_tally(struct finding_list *l);
/* A stable identity for baselines: rule, devices, drivers and node names. */
void finding_fingerprint(const struct drc_finding *f, char buf[static 17]);

/*
 * A --device selector (devresctl(8), DEVICE SELECTORS), parsed by
 * selector.c: a PATTERN, SUBSYSTEM/NAME, a sysfs path or a /dev node.
 */
struct device_target {
	char name[256];                 /* glob on the device's name (exact for a path) */
	char subsystem[256];            /* glob on its bus or class, "" for any */
	char devpath[1024];             /* "/devices/..." of a path or node, "" for none */
};
struct device_selector {
	const char *arg;                /* as given, for messages */
	bool plain;                     /* a PATTERN: its driver and kmsg key match too */
	/* the device; for a class device (a /dev node's), also the device
	 * bound to a driver above it, which provides it and holds the devres */
	struct device_target t[2];
	unsigned n;
};
/* Whether @dev of a capture is the device @s selects. A device the capture
 * gives no bus or sysfs path for is taken by its name alone. */
bool device_selector_match(const struct device_selector *s, struct drc_device *dev);

struct report_view {
	bool all;                       /* history and devices with nothing live */
	const struct device_selector *selectors;        /* --device */
	unsigned nselectors;
	char **inputs;
	unsigned ninputs;
	bool color;
	unsigned width;                 /* of the text: output_columns() */
	const struct finding_list *findings;    /* shown after the devices, or NULL */
};

bool report_device_selected(const struct report_view *v, struct drc_device *dev);

/* A device a CI report (JUnit, TAP, KCIDB) has test cases for. */
struct device_case {
	const char *name;               /* "0000:00:1f.3"; "capture" for findings about no device */
	const char *driver;             /* NULL when unbound or unknown */
	unsigned boot;
	bool model;                     /* a device of the model, not only of a finding */
};
struct case_list {
	struct device_case *v;
	size_t n, cap;
};
/* One more case. 0 or -ENOMEM (the list as it was). */
int case_list_push(struct case_list *cl, struct device_case c);
/* Every device of the model that @v selects, in the model's order.
 * 0 or -errno; the list is the caller's to free (cl->v). */
int case_list_selected(struct drc_ctx *ctx, const struct report_view *v, struct case_list *cl);
/* Walk a device's live list with the group nesting of each node; the
 * callback gets the node and its depth (0 = outside every group). */
typedef void (*live_walk_fn)(void *userdata, struct drc_node *node, unsigned depth,
			     struct drc_node *const *stack);
void report_walk_live(struct drc_device *dev, live_walk_fn fn, void *userdata);
const char *node_kind_to_string(enum drc_node_kind kind);

/* Findings on their own (text, json array, JUnit XML, TAP). */
/* text wraps before @width columns (output_columns() for the terminal) */
void findings_print_text(FILE *out, const struct finding_list *l, bool color, bool show_suppressed,
			 unsigned width);
void text_wrap(FILE *out, unsigned col, unsigned indent, const char *text, unsigned width);
struct json_object *findings_to_json(const struct finding_list *l);
struct jw;
struct strbuf;
/* findings_to_json()'s array, streamed: flushed to @out after each finding */
int findings_write_json(struct jw *w, struct strbuf *sb, FILE *out, const struct finding_list *l);
int findings_print_junit(FILE *out, struct drc_ctx *ctx, const struct report_view *v,
			 const struct finding_list *l);
int findings_print_tap(FILE *out, struct drc_ctx *ctx, const struct report_view *v,
		       const struct finding_list *l);

int output_text(struct drc_ctx *ctx, const struct report_view *v, FILE *out);
int output_json(struct drc_ctx *ctx, const struct report_view *v, FILE *out);
/* One device as in the report's devices[]: written as it is walked (a report
 * of every device), or as an object (the daemon answers with it). */
struct jw;
void report_device_write(struct jw *w, struct drc_ctx *ctx, struct drc_device *dev, bool history);
struct json_object *report_device_json(struct drc_ctx *ctx, struct drc_device *dev, bool history);
/* What sysfs and /proc say about device @name now: driver, module, links,
 * components, children, the processes holding it (output-refs.c). NULL with
 * *err = -errno when sysfs has no such device; *err < 0 with an object when
 * /proc could not be read. */
struct json_object *refs_json(const char *name, int *err);
struct sysfs_device;
/* The same for a device already looked up (sources/sysfs.h). */
struct json_object *refs_json_device(const struct sysfs_device *d, int *err);
/* A JSON string of @s made valid UTF-8 (json-c writes bytes as they are),
 * or NULL for NULL: for every string that comes from a capture or sysfs. */
struct json_object *json_string_valid(const char *s);

/* What happens, one object each, as devresd pushes them and monitor prints
 * them ({"type":"event"|"uevent",...}; output-events.c). finding_json() is
 * the finding object of the report, without "type" (added when pushed). */
struct json_object *event_json(const struct drc_event *ev);
struct json_object *uevent_json(const struct drc_uevent *ev);
struct json_object *finding_json(const struct drc_finding *f);
/* One such object as one line of text; -EINVAL for another type. */
int event_text(struct json_object *o, FILE *out);
