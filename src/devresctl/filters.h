/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "libdevres/libdevres.h"

/*
 * Suppressions file: one entry a line,
 *   RULE  DEVICE  DRIVER  FUNCTION  REASON...
 * the first four are globs ('*' for any), the reason is mandatory free text;
 * '#' starts a comment. A finding is suppressed when an entry matches its
 * rule, device and driver, and FUNCTION matches one of its nodes' release
 * functions (or is '*').
 */
struct suppressions;
/* Reads @path into *@s (created when NULL; later files add entries). Prints
 * "FILE:LINE: what was expected" and returns -EINVAL on a bad line. */
int suppressions_load(const char *path, struct suppressions **s);
/* The reason of the first entry matching @f, or NULL. */
const char *suppressions_match(const struct suppressions *s, const struct drc_finding *f);
/* Marks every entry matching @f as used: for the findings a run kept. */
void suppressions_mark_used(struct suppressions *s, const struct drc_finding *f);
/* Each entry never marked used, in file order: its file, line and text
 * ("RULE DEVICE DRIVER FUNCTION", then the reason). */
typedef void (*suppression_fn)(void *userdata, const char *path, unsigned line, const char *rule,
			       const char *device, const char *driver, const char *function, const char *reason);
void suppressions_for_each_unused(const struct suppressions *s, suppression_fn fn, void *userdata);
void suppressions_free(struct suppressions *s);

/* A baseline: the findings[] of an earlier `check --format=json` run. */
struct baseline;
int baseline_load(const char *path, struct baseline **ret);
bool baseline_has(const struct baseline *b, const char *fingerprint);
void baseline_free(struct baseline *b);
