/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "libdevres/libdevres.h"

enum output_format { OUTPUT_TEXT, OUTPUT_JSON };

struct report_view {
	bool all;                       /* history and devices with nothing live */
	char **patterns;                /* --device globs */
	unsigned npatterns;
	char **inputs;
	unsigned ninputs;
	bool color;
};

bool report_device_selected(const struct report_view *v, struct drc_device *dev);
/* Walk a device's live list with the group nesting of each node; the
 * callback gets the node and its depth (0 = outside every group). */
typedef void (*live_walk_fn)(void *userdata, struct drc_node *node, unsigned depth,
			     struct drc_node *const *stack);
void report_walk_live(struct drc_device *dev, live_walk_fn fn, void *userdata);
const char *node_kind_to_string(enum drc_node_kind kind);

int output_text(struct drc_ctx *ctx, const struct report_view *v, FILE *out);
int output_json(struct drc_ctx *ctx, const struct report_view *v, FILE *out);
