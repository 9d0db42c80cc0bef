// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check --format=kcidb's log excerpts: the evidence lines as the capture
 * holds them, within the schema's 16384 characters (cut at a line's end,
 * saying how many lines were left), without NUL (the schema forbids it),
 * and none for a line of a capture that cannot be read again.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devresctl/output-kcidb.h"
#include "lib/tap.h"

#define NLINES 40
#define LINE_LEN 1000           /* 40 of them: more than the 16384 of an excerpt */

static struct json_object *test_at(struct json_object *doc, const char *path)
{
	struct json_object *tests = json_object_object_get(doc, "tests");

	for (size_t i = 0; i < json_object_array_length(tests); i++) {
		struct json_object *t = json_object_array_get_idx(tests, i);

		if (strcmp(json_object_get_string(json_object_object_get(t, "path")), path) == 0)
			return t;
	}
	return NULL;
}

int main(void)
{
	char path[] = "/tmp/test-kcidb-XXXXXX";
	char *lines[NLINES + 1], *out = NULL;
	struct drc_origin ev[NLINES + 1];
	struct drc_finding f[2] = { 0 };
	struct finding_item items[2] = { 0 };
	struct finding_list l = { .items = items, .n = 2 };
	struct kcidb_opts o = { .origin = "lab", .build_id = "b1" };
	struct report_view v = { 0 };
	struct drc_ctx *ctx = NULL;
	struct json_object *doc, *t;
	const char *ex;
	size_t outlen = 0, kept = 0, left = 0;
	FILE *fp, *mem;
	int n, fd = mkstemp(path);

	if (!ok(fd >= 0, "temporary capture"))
		return tap_done();
	fp = fdopen(fd, "w");
	for (int i = 0; i < NLINES; i++) {
		lines[i] = malloc(LINE_LEN + 1);
		memset(lines[i], 'a' + i % 26, LINE_LEN);
		snprintf(lines[i], 32, "[ %3d.000000] drv dev.0: ", i + 1);
		lines[i][strlen(lines[i])] = 'x';
		lines[i][LINE_LEN] = '\0';
		fprintf(fp, "%s\n", lines[i]);
		ev[i] = (struct drc_origin){ path, (uint64_t)i + 1 };
	}
	/* line 41: a NUL inside, and a CR at its end */
	static const char nul_line[] = "[  41.000000] drv x.0: bell\0after\r\n";
	fwrite(nul_line, 1, sizeof(nul_line) - 1, fp);
	fclose(fp);
	ev[NLINES] = (struct drc_origin){ path, NLINES + 1 };

	f[0] = (struct drc_finding){ .rule = "open-group-swept", .severity = DRC_SEVERITY_ERROR, .device = "dev.0",
				     .driver = "drv", .summary = "s", .explanation = "e", .fix = "x",
				     .evidence = ev, .n_evidence = NLINES, .occurrences = 1, .seq = 1 };
	f[1] = (struct drc_finding){ .rule = "unknown-node", .severity = DRC_SEVERITY_INFO, .device = "x.0",
				     .summary = "s", .explanation = "e", .fix = "x",
				     .evidence = ev + NLINES, .n_evidence = 1, .occurrences = 1, .seq = 2 };
	items[0] = (struct finding_item){ .f = &f[0], .fails = true };
	items[1] = (struct finding_item){ .f = &f[1] };
	finding_list_tally(&l);
	v.inputs = (char *[]){ path };
	v.ninputs = 1;
	if (!ok(drc_ctx_new(&ctx) == 0, "engine context"))
		return tap_done();

	mem = open_memstream(&out, &outlen);
	is_int(findings_print_kcidb(mem, ctx, &v, &l, &o, DRC_SEVERITY_ERROR), 0, "written");
	fclose(mem);
	doc = json_tokener_parse(out);
	if (!ok(doc != NULL, "the output parses"))
		return tap_done();

	t = test_at(doc, "devres.open-group-swept.dev_0");
	ok(t && strcmp(json_object_get_string(json_object_object_get(t, "status")), "FAIL") == 0,
	   "the failing finding's test fails");
	ex = t ? json_object_get_string(json_object_object_get(t, "log_excerpt")) : NULL;
	ok(ex != NULL, "it has an excerpt");
	if (!ex)
		return tap_done();
	ok(strlen(ex) <= 16384, "the excerpt keeps to 16384 characters (%zu)", strlen(ex));
	for (const char *p = ex; kept < NLINES && strncmp(p, lines[kept], LINE_LEN) == 0 && p[LINE_LEN] == '\n';
	     p += LINE_LEN + 1)
		kept++;
	ok(kept > 10 && kept < NLINES, "it holds the first %zu evidence lines whole, in order", kept);
	n = sscanf(ex + kept * (LINE_LEN + 1), "[%zu more lines: see misc.findings]\n", &left);
	ok(n == 1 && kept + left == NLINES, "and says how many it left (%zu)", left);

	t = test_at(doc, "devres.unknown-node.x_0");
	ex = t ? json_object_get_string(json_object_object_get(t, "log_excerpt")) : NULL;
	is_str(ex, "[  41.000000] drv x.0: bellafter\n", "a NUL and the CR are left out of the excerpt");
	json_object_put(doc);
	free(out);

	/* a capture that is not among the inputs (or not a regular file) is not read again */
	v.inputs = (char *[]){ "-" };
	mem = open_memstream(&out, &outlen);
	is_int(findings_print_kcidb(mem, ctx, &v, &l, &o, DRC_SEVERITY_ERROR), 0, "written without the file");
	fclose(mem);
	ok(out && !strstr(out, "log_excerpt"), "no excerpt for lines not read again");
	free(out);

	drc_ctx_unref(ctx);
	unlink(path);
	for (int i = 0; i < NLINES; i++)
		free(lines[i]);
	return tap_done();
}
