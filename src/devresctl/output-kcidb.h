/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include "output.h"

/* The KCIDB I/O schema version written (kcidb-io, kcidb_io/schema/v05_03.py). */
#define KCIDB_SCHEMA_MAJOR 5
#define KCIDB_SCHEMA_MINOR 3

/* What the lab says about itself and the tested kernel (check --kcidb-*). */
struct kcidb_opts {
	const char *origin;             /* the CI system's KCIDB origin: "lab" */
	const char *build_id;           /* the tested build: "lab:42", or "42" (origin added) */
	const char *checkout_id;        /* its checkout; NULL: the build is submitted elsewhere */
	const char *run_id;             /* this test run (a LAVA job); NULL: the build's local id */
	const char *log_url;            /* where the capture is kept, or NULL */
};

/* True when some --kcidb-* option was given. */
bool kcidb_opts_given(const struct kcidb_opts *o);
/* Checks the options against the schema's patterns. Returns 0, or -EINVAL
 * with a message for the user in @msg. */
int kcidb_opts_check(const struct kcidb_opts *o, char *msg, size_t len);

/*
 * The findings as one KCIDB submission: a "devres" test for the run, then a
 * test "devres.RULE.DEVICE" for every selected device and every rule (PASS or
 * FAIL, the findings in misc, their lines as log_excerpt), and "devres.RULE"
 * for findings about the capture as a whole. The evidence lines are read
 * again from the captures that are regular files. Returns 0 or -errno.
 */
int findings_print_kcidb(FILE *out, struct drc_ctx *ctx, const struct report_view *v,
			 const struct finding_list *l, const struct kcidb_opts *o, int fail_on);
