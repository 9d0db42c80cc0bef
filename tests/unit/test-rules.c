// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The finding rules: for each, a capture that must trigger it and a near
 * miss that must not. The lines are written the way the kernel prints them
 * (drivers/base/devres.c, dd.c, drm_managed.c), with timestamps.
 */
#include "config.h"

#include <stdlib.h>

#include "lib/feed.h"
#include "libdevres/libdevres-private.h"       /* drc_rules_fail_after() */
#include "shared/strbuf.h"

/* "[  ts] drv dev: DEVRES OP id name (size bytes)" */
#define D(ts, drv, dev, op, id, name, size) \
	"[" ts "] " drv " " dev ": DEVRES " op " 00000000" id " " name " (" #size " bytes)\n"

static struct drc_ctx *judge(const char *text)
{
	struct drc_ctx *ctx;
	struct drc_stream *s;
	const char *kb = getenv("DEVRESCTL_KB");

	if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, "t", &s) < 0)
		abort();
	if (kb && drc_ctx_load_kb(ctx, kb, NULL) < 0)
		abort();
	if (drc_stream_feed(s, text, strlen(text)) < 0 || drc_stream_finish(s) < 0 || drc_ctx_finish(ctx) < 0)
		abort();
	drc_stream_free(s);
	return ctx;
}

/* "rule/severity/device[>other]" for every finding, space separated */
static const char *findings(struct drc_ctx *ctx)
{
	static char buf[2048];
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < drc_ctx_get_finding_count(ctx); i++) {
		const struct drc_finding *f = drc_ctx_get_finding(ctx, i);

		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s/%s/%s%s%s", n ? " " : "", f->rule,
				      drc_severity_to_string(f->severity), f->device ? f->device : "-",
				      f->other_device ? ">" : "", f->other_device ? f->other_device : "");
		if (n >= sizeof(buf))
			break;
	}
	return buf;
}

/* the first finding of @rule (of severity @sev, unless it is -1) */
static const struct drc_finding *find_rule_sev(struct drc_ctx *ctx, const char *rule, int sev)
{
	for (unsigned i = 0; i < drc_ctx_get_finding_count(ctx); i++) {
		const struct drc_finding *f = drc_ctx_get_finding(ctx, i);

		if (strcmp(f->rule, rule) == 0 && (sev < 0 || (int)f->severity == sev))
			return f;
	}
	return NULL;
}

static const struct drc_finding *find_rule(struct drc_ctx *ctx, const char *rule)
{
	return find_rule_sev(ctx, rule, -1);
}

/* "name:size,name:size" of a finding's nodes */
static const char *nodes(const struct drc_finding *f)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; f && i < f->n_nodes; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s:%lld", n ? "," : "", f->nodes[i].name,
				      (long long)f->nodes[i].size);
	return buf;
}

/* hda probes; gfx probes and, in its bind, opens a group on hda; hda adds
 * more later; gfx's unbind releases the group on hda, then its own nodes. */
#define COMPONENT(close_line, late_group_tail) \
	D("2.010000", "hda", "hda.0", "ADD", "00000a01", "devm_kzalloc_release", 128) \
	D("2.010001", "hda", "hda.0", "ADD", "00000a02", "hda_irq_release", 16) \
	D("2.260000", "gfx", "gfx.0", "ADD", "00000b01", "devm_kzalloc_release", 64) \
	D("2.260001", "gfx", "gfx.0", "ADD", "00000b02", "gfx_mmio_release", 32) \
	D("2.260002", "hda", "hda.0", "ADD", "00000a03", "grp<", 0) \
	D("2.260003", "hda", "hda.0", "ADD", "00000a04", "hda_master_bind_release", 32) \
	close_line \
	D("2.500000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48) \
	"[    2.700000] unrelated: message\n" \
	D("2.750000", "hda", "hda.0", "REL", "00000a03", "grp<", 0) \
	late_group_tail \
	D("2.750002", "hda", "hda.0", "REL", "00000a04", "hda_master_bind_release", 32) \
	D("2.750003", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32) \
	D("2.750004", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64) \
	D("2.990000", "hda", "hda.0", "REL", "00000a02", "hda_irq_release", 16) \
	D("2.990001", "hda", "hda.0", "REL", "00000a01", "devm_kzalloc_release", 128)

static void test_open_group_swept(void)
{
	struct drc_ctx *ctx = judge(COMPONENT("",
		D("2.750001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)));
	const struct drc_finding *f = find_rule(ctx, "open-group-swept");

	is_str(findings(ctx), "cross-device-release/warning/hda.0>gfx.0 open-group-swept/error/hda.0>gfx.0",
	       "open group released by another device's unbind: cross-device and swept");
	is_str(nodes(f), "pcim_iomap_release:48", "only the node added after the opener returned is swept");
	ok(f && strstr(f->explanation, "never closed") && strstr(f->explanation, "unmapped iomap"),
	   "the explanation says the group was never closed and what an iomap costs");
	ok(f && f->n_evidence >= 3, "evidence lines: the open, the add, the release");
	drc_ctx_unref(ctx);
}

/* A live collector's quiet mark judges the batches in progress without
 * ending the capture; without it, nothing is judged until more comes. */
static void test_quiet_mark(void)
{
	/* the component bug up to the release of the group, the last line */
	const char *text =
		D("2.010000", "hda", "hda.0", "ADD", "00000a01", "devm_kzalloc_release", 128)
		D("2.260000", "gfx", "gfx.0", "ADD", "00000b01", "devm_kzalloc_release", 64)
		D("2.260002", "hda", "hda.0", "ADD", "00000a03", "grp<", 0)
		D("2.260003", "hda", "hda.0", "ADD", "00000a04", "hda_master_bind_release", 32)
		D("2.500000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		D("2.750000", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.750001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.750002", "hda", "hda.0", "REL", "00000a04", "hda_master_bind_release", 32)
		D("2.750003", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64);
	struct drc_ctx *live, *held;
	struct drc_stream *s1, *s2;
	char *quiet = malloc(strlen(text) + 32);

	if (!quiet || drc_ctx_new(&live) < 0 || drc_ctx_new(&held) < 0 || drc_stream_new(live, "q", &s1) < 0 ||
	    drc_stream_new(held, "h", &s2) < 0)
		abort();
	sprintf(quiet, "%s" DRC_QUIET_LINE "\n", text);
	if (drc_stream_feed(s1, quiet, strlen(quiet)) < 0 || drc_stream_feed(s2, text, strlen(text)) < 0)
		abort();
	ok(find_rule(live, "open-group-swept") != NULL, "a quiet mark judges the release in progress");
	ok(find_rule(held, "open-group-swept") == NULL, "without it, the release is still in progress");
	if (drc_stream_feed(s1, text, strlen(text)) < 0)
		abort();
	ok(stats_of(live).devres_events > 0 && stats_of(live).undecoded == 0, "the stream goes on after the mark");
	drc_stream_free(s1);
	drc_stream_free(s2);
	drc_ctx_unref(live);
	drc_ctx_unref(held);
	free(quiet);
}

static void test_closed_group_intended(void)
{
	/* near miss: the group was closed in the bind; the late node is outside it */
	struct drc_ctx *ctx = judge(
		D("2.010000", "hda", "hda.0", "ADD", "00000a01", "devm_kzalloc_release", 128)
		D("2.260000", "gfx", "gfx.0", "ADD", "00000b01", "devm_kzalloc_release", 64)
		D("2.260002", "hda", "hda.0", "ADD", "00000a03", "grp<", 0)
		D("2.260003", "hda", "hda.0", "ADD", "00000a04", "hda_master_bind_release", 32)
		D("2.260004", "hda", "hda.0", "ADD", "00000a05", "grp>", 0)
		D("2.500000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		D("2.750000", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.750002", "hda", "hda.0", "REL", "00000a04", "hda_master_bind_release", 32)
		D("2.750004", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64));

	is_str(findings(ctx), "cross-device-release/info/hda.0>gfx.0",
	       "a closed group opened in the other device's probe: intended, info only");
	drc_ctx_unref(ctx);
}

static void test_concurrent_unbinds(void)
{
	/* near miss: two unrelated devices unbind at once; a's own group release
	 * and b's release-all interleave, then a releases everything */
	struct drc_ctx *ctx = judge(
		D("1.000000", "da", "a.0", "ADD", "00000a01", "devm_kzalloc_release", 10)
		D("1.000001", "da", "a.0", "ADD", "00000a02", "grp<", 0)
		D("1.000002", "da", "a.0", "ADD", "00000a03", "devm_kzalloc_release", 11)
		D("1.000003", "da", "a.0", "ADD", "00000a04", "grp>", 0)
		D("1.500000", "db", "b.0", "ADD", "00000b01", "devm_kzalloc_release", 20)
		D("1.500001", "db", "b.0", "ADD", "00000b02", "devm_kzalloc_release", 21)
		D("3.000000", "db", "b.0", "REL", "00000b02", "devm_kzalloc_release", 21)
		D("3.000001", "da", "a.0", "REL", "00000a02", "grp<", 0)
		D("3.000002", "da", "a.0", "REL", "00000a03", "devm_kzalloc_release", 11)
		D("3.000003", "db", "b.0", "REL", "00000b01", "devm_kzalloc_release", 20)
		D("3.000004", "da", "a.0", "REL", "00000a01", "devm_kzalloc_release", 10));

	is_str(findings(ctx), "", "interleaved unbinds of unrelated devices: no finding");
	drc_ctx_unref(ctx);
}

static void test_whole_list_group(void)
{
	/* near miss: a probe that opens a group first and never closes it; its
	 * unbind logs exactly what a group release would, next to another
	 * device's unbind. It is a release of everything, and b.0 is unbound. */
	struct drc_ctx *ctx = judge(
		D("1.000000", "da", "a.0", "ADD", "00000a01", "devm_kzalloc_release", 10)
		D("1.500000", "db", "b.0", "ADD", "00000b01", "grp<", 0)
		D("1.500001", "db", "b.0", "ADD", "00000b02", "devm_kzalloc_release", 20)
		D("3.000000", "da", "a.0", "REL", "00000a01", "devm_kzalloc_release", 10)
		D("3.000001", "db", "b.0", "REL", "00000b01", "grp<", 0)
		D("3.000002", "db", "b.0", "REL", "00000b02", "devm_kzalloc_release", 20)
		D("4.000000", "db", "b.0", "ADD", "00000b03", "devm_kzalloc_release", 30));

	is_str(findings(ctx), "", "a whole list in one open group, released next to another unbind: no finding");
	drc_ctx_unref(ctx);
}

static void test_id_reuse_across_devices(void)
{
	/* near miss: a hashed id freed on one device and added on another within
	 * microseconds is an allocator reusing memory */
	struct drc_ctx *ctx = judge(
		D("1.000000", "da", "a.0", "ADD", "0000c0de", "devm_kzalloc_release", 10)
		D("1.000001", "da", "a.0", "REM", "0000c0de", "devm_kzalloc_release", 10)
		D("1.000003", "db", "b.0", "ADD", "0000c0de", "devm_kzalloc_release", 30)
		D("2.000000", "db", "b.0", "REL", "0000c0de", "devm_kzalloc_release", 30));

	is_str(findings(ctx), "", "id reused on another device: not node-reuse, not cross-device");
	drc_ctx_unref(ctx);
}

static void test_node_reuse(void)
{
	struct drc_ctx *ctx = judge(
		D("1.000000", "da", "a.0", "ADD", "0000c0de", "devm_kzalloc_release", 10)
		D("1.000100", "da", "a.0", "ADD", "0000c0de", "devm_kzalloc_release", 12));

	is_str(findings(ctx), "node-reuse/warning/a.0", "an id added twice on one device: a line is missing");
	drc_ctx_unref(ctx);

	/* the capture starts late: another device releases a node it never
	 * saw added, so lines are missing everywhere, and the REL of this
	 * device's first copy is most likely among them */
	ctx = judge(
		D("1.000000", "db", "b.0", "REL", "0000beef", "devm_kzalloc_release", 8)
		D("2.000000", "da", "a.0", "ADD", "0000c0de", "devm_kzalloc_release", 10)
		D("2.000100", "da", "a.0", "ADD", "0000c0de", "devm_kzalloc_release", 12));
	ok(strstr(findings(ctx), "node-reuse/info/a.0") != NULL,
	   "a gap on another device: node-reuse is information (%s)", findings(ctx));
	drc_ctx_unref(ctx);
}

static void test_probe_failure_and_defer(void)
{
	/* near miss: a failed probe and an -EPROBE_DEFER unwind are normal */
	struct drc_ctx *ctx = judge(
		D("1.000000", "df", "f.0", "ADD", "00000f01", "devm_kzalloc_release", 64)
		D("1.000001", "df", "f.0", "ADD", "00000f02", "grp<", 0)
		D("1.000002", "df", "f.0", "ADD", "00000f03", "devm_clk_release", 20)
		"[    1.000003] df: probe of f.0 failed with error -5\n"
		D("1.000004", "df", "f.0", "REL", "00000f02", "grp<", 0)
		D("1.000005", "df", "f.0", "REL", "00000f03", "devm_clk_release", 20)
		D("1.000006", "df", "f.0", "REL", "00000f01", "devm_kzalloc_release", 64)
		D("2.000000", "df", "f.0", "ADD", "00000f01", "devm_kzalloc_release", 64)
		D("2.000001", "df", "f.0", "REL", "00000f01", "devm_kzalloc_release", 64));

	is_str(findings(ctx), "", "probe failure and deferral unwinds: no finding");
	drc_ctx_unref(ctx);
}

#define CYCLE(t, leak_id) \
	D(t "00000", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 96) \
	D(t "00001", "drv", "c.0", "ADD", "00000c02", "devm_clk_release", 16) \
	D(t "00002", "parent", "p.0", "ADD", leak_id, "devm_kzalloc_release", 200) \
	D(t "50000", "drv", "c.0", "REL", "00000c02", "devm_clk_release", 16) \
	D(t "50001", "drv", "c.0", "REL", "00000c01", "devm_kzalloc_release", 96)

static void test_clean_cycles(void)
{
	struct drc_ctx *ctx = judge(
		D("0.500000", "parent", "p.0", "ADD", "00000d01", "devm_kzalloc_release", 8)
		D("1.000000", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 96)
		D("1.000001", "drv", "c.0", "REL", "00000c01", "devm_kzalloc_release", 96)
		D("2.000000", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 96)
		D("2.000001", "drv", "c.0", "REL", "00000c01", "devm_kzalloc_release", 96)
		D("3.000000", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 96)
		D("3.000001", "drv", "c.0", "REL", "00000c01", "devm_kzalloc_release", 96));

	is_str(findings(ctx), "", "bind/unbind/rebind cycles that release everything: no finding");
	drc_ctx_unref(ctx);
}

static void test_leak_after_unbind_and_growth(void)
{
	/* every probe of c.0 puts a node on its parent p.0 that stays */
	struct drc_ctx *ctx = judge(
		D("0.500000", "parent", "p.0", "ADD", "00000d01", "devm_kzalloc_release", 8)
		CYCLE("1.0", "00000e01") CYCLE("2.0", "00000e02") CYCLE("3.0", "00000e03"));
	const struct drc_finding *f = find_rule(ctx, "leak-after-unbind");

	is_str(findings(ctx), "leak-after-unbind/error/c.0>p.0 per-cycle-growth/warning/c.0",
	       "nodes a probe put on another device: leak after unbind, growing per cycle");
	is_str(nodes(f), "devm_kzalloc_release:200", "the node left on the parent is named");
	drc_ctx_unref(ctx);
}

static void test_never_released(void)
{
	struct drc_ctx *ctx = judge(
		D("1.000000", "platform", "x.0", "ADD", "00000101", "devm_kzalloc_release", 10)
		"KERNEL[2.000000] remove   /devices/platform/x.0 (platform)\n"
		"ACTION=remove\nDEVPATH=/devices/platform/x.0\nSUBSYSTEM=platform\nSEQNUM=10\n\n");

	is_str(findings(ctx), "never-released/error/x.0", "removed with nodes live: never released");
	drc_ctx_unref(ctx);
}

static void test_root_device_kunit(void)
{
	/* seeds 000/002: a root device's devres outlive the test case */
	struct drc_ctx *ctx = judge(
		"[    1.000000]     # Subtest: drm_test\n"
		"[    1.100000]  test-root: DEVRES ADD 0000000000000501 devm_drm_dev_init_release (16 bytes)\n"
		"[    1.100001]  test-root: DEVRES ADD 0000000000000502 devm_kzalloc_release (512 bytes)\n"
		"[    1.200000]     ok 1 drm_test_case\n");
	struct drc_ctx *near = judge(
		"[    1.100000]  test-root: DEVRES ADD 0000000000000501 devm_drm_dev_init_release (16 bytes)\n");

	is_str(findings(ctx), "never-released/error/test-root", "bus-less device live after its test ended");
	is_str(findings(near), "never-released/info/test-root", "without a test end: information only");
	{
		struct drc_ctx *v66 = judge("[    0.000000] Linux version 6.8.0-1 (b@h) #1 SMP\n"
			"[    1.100000]  test-root: DEVRES ADD 0000000000000501 devm_kzalloc_release (16 bytes)\n");
		const struct drc_finding *f = find_rule(v66, "never-released");

		ok(f && strstr(f->explanation, "6.8.0-1") && strstr(f->explanation, "still registered"),
		   "on v6.6 or later, live at the end means still registered");
		f = find_rule(near, "never-released");
		ok(f && strstr(f->explanation, "does not say which kernel"), "without a version line, it says so");
		drc_ctx_unref(v66);
	}
	drc_ctx_unref(ctx);
	drc_ctx_unref(near);
}

static void test_resources_before_probe(void)
{
	struct drc_ctx *ctx = judge(
		D("1.000000", "platform", "y.0", "ADD", "00000201", "devm_kzalloc_release", 10)
		D("2.000000", "ydrv", "y.0", "ADD", "00000202", "devm_kzalloc_release", 20));
	struct drc_ctx *line = judge(
		D("1.000000", "platform", "y.0", "ADD", "00000201", "devm_kzalloc_release", 10)
		"[    2.000000] platform y.0: Resources present before probing\n");

	is_str(findings(ctx), "resources-before-probe/error/y.0", "a node added while unbound, then a probe");
	ok(strncmp(findings(line), "resources-before-probe/error/y.0", 32) == 0,
	   "the kernel's own \"Resources present before probing\"");
	drc_ctx_unref(ctx);
	drc_ctx_unref(line);
}

static void test_module_gone(void)
{
	const char *udev =
		"KERNEL[3.000000] remove   /module/mymod (module)\n"
		"ACTION=remove\nDEVPATH=/module/mymod\nSUBSYSTEM=module\nSEQNUM=20\n\n";
	char *text = NULL, *near = NULL;
	struct drc_ctx *ctx, *n;

	if (asprintf(&text, "%s%s", D("1.000000", "other", "z.0", "ADD", "00000301", "mymod_cleanup_action", 16),
		     udev) < 0 ||
	    asprintf(&near, "%s%s", D("1.000000", "other", "z.0", "ADD", "00000301", "devm_kzalloc_release", 16),
		     udev) < 0)
		abort();
	ctx = judge(text);
	n = judge(near);
	is_str(findings(ctx), "module-gone/error/z.0", "a pending callback named after a removed module");
	is_str(findings(n), "", "nodes of other code stay quiet when a module goes");
	drc_ctx_unref(ctx);
	drc_ctx_unref(n);
	free(text);
	free(near);
}

static void test_drmm_after_unbind(void)
{
	struct drc_ctx *ctx = judge(
		D("1.000000", "gpu", "g.0", "ADD", "00000401", "devm_kzalloc_release", 300)
		"[    1.000001] gpu g.0: [drm:add_dr] ADD 0000000000000901 kmalloc (64 bytes)\n"
		D("2.000000", "gpu", "g.0", "REL", "00000401", "devm_kzalloc_release", 300)
		D("3.000000", "other", "o.0", "ADD", "00000501", "devm_kzalloc_release", 8)
		"[    9.000000] gpu g.0: [drm:drm_managed_release [drm]] drmres release begin\n"
		"[    9.000001] gpu g.0: [drm:drm_managed_release [drm]] REL 0000000000000901 kmalloc (64 bytes)\n"
		"[    9.000002] [drm:drm_managed_release [drm]] drmres release end\n");
	struct drc_ctx *near = judge(
		D("1.000000", "gpu", "g.0", "ADD", "00000401", "devm_kzalloc_release", 300)
		"[    1.000001] gpu g.0: [drm:add_dr] ADD 0000000000000901 kmalloc (64 bytes)\n"
		D("2.000000", "gpu", "g.0", "REL", "00000401", "devm_kzalloc_release", 300)
		"[    2.000001] gpu g.0: [drm:drm_managed_release] drmres release begin\n"
		"[    2.000002] gpu g.0: [drm:drm_managed_release] REL 0000000000000901 kmalloc (64 bytes)\n"
		"[    2.000003] gpu g.0: [drm:drm_managed_release] drmres release end\n");
	struct drc_stats st;

	is_str(findings(ctx), "drmm-after-unbind/warning/g.0", "drmm released seconds after the devres");
	is_str(findings(near), "", "drmm released with the unbind: no finding");
	drc_ctx_get_stats(ctx, &st);
	is_int((long long)st.drm_events, 4, "drmres lines are their own stream");
	is_int((long long)st.devres_events, 3, "and never devres events");
	drc_ctx_unref(ctx);
	drc_ctx_unref(near);
}

static void test_fd_after_unbind(void)
{
	/* seed 004: devm memory freed at unbind while a process keeps the node open */
	struct drc_ctx *ctx = judge(
		D("1.000000", "gpu", "g.0", "ADD", "00000401", "devm_kzalloc_release", 300)
		"[    1.500000] devresctl-refs: g.0 812 Xorg /dev/dri/card0\n"
		D("2.000000", "gpu", "g.0", "REL", "00000401", "devm_kzalloc_release", 300)
		"[    2.100000] devresctl-refs: g.0 812 Xorg /dev/dri/card0\n");
	struct drc_ctx *near = judge(
		D("1.000000", "gpu", "g.0", "ADD", "00000401", "devm_clk_release", 16)
		D("2.000000", "gpu", "g.0", "REL", "00000401", "devm_clk_release", 16)
		"[    2.100000] devresctl-refs: g.0 812 Xorg /dev/dri/card0\n");
	const struct drc_finding *f = find_rule(ctx, "fd-after-unbind");

	is_str(findings(ctx), "fd-after-unbind/warning/g.0", "a node held open after devm memory was freed");
	ok(f && strstr(f->summary, "Xorg (pid 812) still holds /dev/dri/card0"), "names the process and the node");
	is_str(findings(near), "", "held open while bound, or no memory freed: no finding");
	drc_ctx_unref(ctx);
	drc_ctx_unref(near);
}

static void test_release_order(void)
{
	/* seed 09: runtime PM released after the interconnect its suspend needs */
	struct drc_ctx *ctx = judge(
		D("7.138679", "geni_spi", "880000.spi", "REL", "81443800", "devm_icc_release", 8)
		D("7.138827", "geni_spi", "880000.spi", "REL", "81443800", "pm_runtime_disable_action", 16)
		D("7.139516", "geni_spi", "880000.spi", "REL", "81443800", "devm_clk_release", 16));
	struct drc_ctx *good = judge(
		D("7.138827", "geni_spi", "880000.spi", "REL", "81443800", "pm_runtime_disable_action", 16)
		D("7.138679", "geni_spi", "880000.spi", "REL", "81443800", "devm_icc_release", 8));
	struct drc_ctx *ooo = judge(
		D("1.000000", "d", "o.0", "ADD", "00000601", "devm_kzalloc_release", 1)
		D("1.000001", "d", "o.0", "ADD", "00000602", "devm_kzalloc_release", 2)
		D("1.000002", "d", "o.0", "ADD", "00000603", "devm_kzalloc_release", 3)
		D("2.000000", "d", "o.0", "REL", "00000603", "devm_kzalloc_release", 3)
		D("2.000001", "d", "o.0", "REL", "00000601", "devm_kzalloc_release", 1)
		D("2.000002", "d", "o.0", "REL", "00000602", "devm_kzalloc_release", 2));

	ok(strstr(findings(ctx), "release-order/warning/880000.spi") != NULL,
	   "a suspend-capable action released after a hardware resource");
	ok(strstr(findings(good), "release-order") == NULL, "PM action released first: in order");
	{
		/* 6.4+: actions named as written, casts and all */
		struct drc_ctx *named = judge(
			"[    7.1] geni_spi 880000.spi: DEVRES REL 0000000081443801 "
			"(void(*)(void *))clk_disable_unprepare (16 bytes)\n"
			D("7.2", "geni_spi", "880000.spi", "REL", "81443802", "pm_runtime_disable_action", 16));

		ok(strstr(findings(named), "release-order/warning/880000.spi") != NULL,
		   "a clock action named by its cast function is hardware for the order rule");
		drc_ctx_unref(named);
	}
	is_str(findings(ooo), "release-order/warning/o.0", "releases against the list order");
	{
		/* a loss the capture reported before the batch may have taken
		 * an ADD or REL of the device: the order as read is uncertain;
		 * one reported after it says nothing about it */
		struct drc_ctx *before = judge(
			D("1.000000", "d", "o.0", "ADD", "00000601", "devm_kzalloc_release", 1)
			D("1.000001", "d", "o.0", "ADD", "00000602", "devm_kzalloc_release", 2)
			D("1.000002", "d", "o.0", "ADD", "00000603", "devm_kzalloc_release", 3)
			"devresctl-lost: kmsg 12 records overwritten before they were read\n"
			D("2.000000", "d", "o.0", "REL", "00000603", "devm_kzalloc_release", 3)
			D("2.000001", "d", "o.0", "REL", "00000601", "devm_kzalloc_release", 1)
			D("2.000002", "d", "o.0", "REL", "00000602", "devm_kzalloc_release", 2));
		struct drc_ctx *after = judge(
			D("1.000000", "d", "o.0", "ADD", "00000601", "devm_kzalloc_release", 1)
			D("1.000001", "d", "o.0", "ADD", "00000602", "devm_kzalloc_release", 2)
			D("1.000002", "d", "o.0", "ADD", "00000603", "devm_kzalloc_release", 3)
			D("2.000000", "d", "o.0", "REL", "00000603", "devm_kzalloc_release", 3)
			D("2.000001", "d", "o.0", "REL", "00000601", "devm_kzalloc_release", 1)
			D("2.000002", "d", "o.0", "REL", "00000602", "devm_kzalloc_release", 2)
			D("3.000000", "d", "o.1", "ADD", "00000701", "devm_kzalloc_release", 1)
			"devresctl-lost: kmsg 12 records overwritten before they were read\n");

		struct drc_ctx *inside = judge(
			D("1.000000", "d", "o.0", "ADD", "00000601", "devm_kzalloc_release", 1)
			D("1.000001", "d", "o.0", "ADD", "00000602", "devm_kzalloc_release", 2)
			D("1.000002", "d", "o.0", "ADD", "00000603", "devm_kzalloc_release", 3)
			D("2.000000", "d", "o.0", "REL", "00000602", "devm_kzalloc_release", 2)
			"devresctl-lost: kmsg 12 records overwritten before they were read\n"
			D("2.000001", "d", "o.0", "REL", "00000603", "devm_kzalloc_release", 3)
			D("2.000002", "d", "o.0", "REL", "00000601", "devm_kzalloc_release", 1));

		ok(strstr(findings(inside), "release-order/info/o.0") != NULL,
		   "a loss reported inside the batch: info");
		drc_ctx_unref(inside);
		ok(strstr(findings(before), "release-order/info/o.0") != NULL,
		   "releases against the list order after a reported loss: info");
		ok(strstr(findings(after), "release-order/warning/o.0") != NULL,
		   "the same with the loss reported after the batch: a warning");
		drc_ctx_unref(before);
		drc_ctx_unref(after);
	}
	{
		/* a live node is uncertain when it was added before a reported
		 * loss, not when it came after one */
		struct drc_ctx *u = judge(
			D("1.000000", "d", "u.0", "ADD", "00000801", "devm_kzalloc_release", 1)
			"devresctl-lost: kmsg 3 records overwritten before they were read\n"
			D("2.000000", "d", "u.0", "ADD", "00000802", "devm_kzalloc_release", 2));
		struct drc_device *dev = NULL;
		struct drc_node *n = NULL;

		if (drc_ctx_find_device(u, "u.0", -1, &dev) > 0 && dev)
			n = drc_device_get_first_node(dev);
		ok(n && drc_node_is_uncertain(n) && drc_node_next(n) && !drc_node_is_uncertain(drc_node_next(n)),
		   "a node added before a reported loss is uncertain, one added after it is not");
		drc_ctx_unref(u);
	}
	drc_ctx_unref(ctx);
	drc_ctx_unref(good);
	drc_ctx_unref(ooo);
	{
		/* the PM action after more releases than a batch's records keep
		 * (256): still judged, and named */
		struct strbuf t = STRBUF_INIT;
		const struct drc_finding *f;

		for (unsigned i = 0; i < 300; i++)
			strbuf_appendf(&t, "[    7.%06u] geni_spi 880000.spi: DEVRES REL %016x devm_clk_release "
				       "(16 bytes)\n", i, 0x81443800 + i * 0x40);
		strbuf_appendf(&t, "[    7.000300] geni_spi 880000.spi: DEVRES REL 0000000081450000 "
			       "pm_runtime_disable_action (16 bytes)\n");
		ctx = judge(strbuf_str(&t));
		f = find_rule(ctx, "release-order");
		ok(f && strstr(f->summary, "pm_runtime_disable_action released after 300 hardware resources"),
		   "a PM action released after 300 hardware resources: judged past the records kept");
		ok(f && f->n_nodes && strcmp(f->nodes[f->n_nodes - 1].name, "pm_runtime_disable_action") == 0,
		   "and listed last among the finding's nodes");
		drc_ctx_unref(ctx);
		strbuf_done(&t);
	}
}

static void test_unknown_and_loss(void)
{
	struct drc_ctx *ctx = judge(
		D("1.000000", "d", "u.0", "REL", "00000701", "devm_kzalloc_release", 1)
		"[    1.500000] ** 12 printk messages dropped **\n"
		D("2.000000", "d", "u.0", "ADD", "00000702", "devm_kzalloc_release", 2));
	const struct drc_finding *f = find_rule(ctx, "log-loss");

	is_str(findings(ctx), "unknown-node/info/u.0 log-loss/warning/-",
	       "a release of an unseen node is information; dropped messages are log loss");
	ok(f && strstr(f->summary, "12 messages"), "the count of dropped messages is given");
	ok(f && !strstr(f->summary, "(console"), "one witness lost some: no breakdown");
	drc_ctx_unref(ctx);

	/* both witnesses of a recording lost some: each one's count, and the
	 * sum is said to be more than the capture lacks */
	ctx = judge(
		D("1.000000", "d", "u.0", "ADD", "00000702", "devm_kzalloc_release", 2)
		"devresctl-lost: kmsg 12 records overwritten before they were read\n"
		"           <...>-1       [000] 2.000000: [LOST 5 EVENTS]\n"
		"devresctl-lost: kmsg 3 records overwritten before they were read\n");
	f = find_rule(ctx, "log-loss");
	ok(f && strstr(f->summary, "20 messages or events lost (kmsg 15, trace 5)"),
	   "both witnesses lost some: the count of each");
	ok(f && strstr(f->explanation, "at most the smaller number"), "and what the sum means");
	drc_ctx_unref(ctx);
}

static void test_add_during_release(void)
{
	/* the action released second calls devm_kzalloc() on its own device:
	 * devres_release_all() goes on with the nodes before it (dd.c, devres.c) */
	struct drc_ctx *ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000a01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000a02", "drv_stop", 8)
		D("1.000002", "drv", "r.0", "ADD", "00000a03", "devm_kzalloc_release", 32)
		D("2.000000", "drv", "r.0", "REL", "00000a03", "devm_kzalloc_release", 32)
		D("2.000001", "drv", "r.0", "REL", "00000a02", "drv_stop", 8)
		D("2.000002", "drv", "r.0", "ADD", "00000a04", "devm_kzalloc_release", 24)
		D("2.000003", "drv", "r.0", "REL", "00000a01", "devm_kzalloc_release", 64));
	const struct drc_finding *f = find_rule(ctx, "add-during-release");

	is_str(findings(ctx), "add-during-release/error/r.0",
	       "devm during a release of everything: its own finding, not log loss or before-probe");
	is_str(nodes(f), "devm_kzalloc_release:24", "the node left on the unbound device is named");
	drc_ctx_unref(ctx);

	/* near miss: the release ends, then the driver probes again */
	ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000a01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000a02", "drv_stop", 8)
		D("2.000000", "drv", "r.0", "REL", "00000a02", "drv_stop", 8)
		D("2.000001", "drv", "r.0", "REL", "00000a01", "devm_kzalloc_release", 64)
		D("2.000002", "drv", "r.0", "ADD", "00000a04", "devm_kzalloc_release", 64)
		D("2.000003", "drv", "r.0", "ADD", "00000a05", "drv_stop", 8));
	is_str(findings(ctx), "", "an ADD after the last release of the batch is a new probe: no finding");
	drc_ctx_unref(ctx);

	/* after lost operations, the same lines are uncertain */
	ctx = judge(
		"[    0.100000] ** 3 printk messages dropped **\n"
		D("1.000000", "drv", "r.0", "ADD", "00000a01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000a02", "drv_stop", 8)
		D("1.000002", "drv", "r.0", "ADD", "00000a03", "devm_kzalloc_release", 32)
		D("2.000000", "drv", "r.0", "REL", "00000a03", "devm_kzalloc_release", 32)
		D("2.000001", "drv", "r.0", "REL", "00000a02", "drv_stop", 8)
		D("2.000002", "drv", "r.0", "ADD", "00000a04", "devm_kzalloc_release", 24)
		D("2.000003", "drv", "r.0", "REL", "00000a01", "devm_kzalloc_release", 64));
	is_str(findings(ctx), "add-during-release/info/r.0 log-loss/warning/-",
	       "after a counted loss, add-during-release is information");
	drc_ctx_unref(ctx);

	/* a loss took the walk's last REL: the next probe's ADDs come while
	 * the model still waits for it, and no REL of the walk follows them */
	ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000a01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000a02", "drv_stop", 8)
		D("2.000000", "drv", "r.0", "REL", "00000a02", "drv_stop", 8)
		"[    2.000001] ** 1 printk messages dropped **\n"
		D("3.000000", "drv", "r.0", "ADD", "00000a04", "devm_kzalloc_release", 64)
		D("3.000001", "drv", "r.0", "ADD", "00000a05", "drv_stop", 8)
		D("4.000000", "drv", "r.0", "REL", "00000a05", "drv_stop", 8)
		D("4.000001", "drv", "r.0", "REL", "00000a04", "devm_kzalloc_release", 64)
		D("5.000000", "drv", "r.0", "ADD", "00000a07", "devm_kzalloc_release", 64));
	ok(!find_rule(ctx, "add-during-release"),
	   "ADDs that no REL of the walk follows are not a release callback's (%s)", findings(ctx));
	f = find_rule(ctx, "log-loss");
	ok(f && strstr(f->summary, "2 nodes left after a release of all resources"),
	   "the loss is stated; left behind: the node from before each walk, not the probe's after it (%s)",
	   f ? f->summary : "none");
	drc_ctx_unref(ctx);

	/* the capture ends on an ADD within one call's time of the walk's last
	 * REL (a release callback's): the release was still running, info;
	 * the same ADD a second later (above) is the next probe's */
	ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000a01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000a02", "drv_stop", 8)
		D("2.000000", "drv", "r.0", "REL", "00000a02", "drv_stop", 8)
		D("2.000100", "drv", "r.0", "ADD", "00000a07", "devm_kzalloc_release", 24));
	f = find_rule(ctx, "log-loss");
	ok(f && f->severity == DRC_SEVERITY_INFO && strstr(f->summary, "the capture ends during a release"),
	   "a capture that ends on an ADD right after the walk's REL: it ends during the release (%s)",
	   f ? f->summary : "none");
	drc_ctx_unref(ctx);
	ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000a01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000a02", "drv_stop", 8)
		D("2.000000", "drv", "r.0", "REL", "00000a02", "drv_stop", 8)
		D("2.500001", "drv", "r.0", "ADD", "00000a07", "devm_kzalloc_release", 24));
	f = find_rule(ctx, "log-loss");
	ok(f && f->severity == DRC_SEVERITY_WARNING,
	   "near miss: the ADD just past DRC_ONE_CALL_USEC after it: a node left, a warning (%s)",
	   f ? f->summary : "none");
	drc_ctx_unref(ctx);

	/* a capture that starts inside a release of everything, right at the
	 * ADDs a release callback made: the walk's next REL is of a node never
	 * seen, older than they are, so they were not on the list it took */
	ctx = judge(
		D("3.500000", "drv", "r.0", "ADD", "00000e01", "devm_kzalloc_release", 24)
		D("3.500001", "drv", "r.0", "ADD", "00000e02", "devm_action_release", 16)
		D("3.500002", "drv", "r.0", "REL", "00000e09", "drv_hw_release", 16)
		D("3.500003", "drv", "r.0", "REL", "00000e08", "devm_kzalloc_release", 64));
	is_str(findings(ctx), "add-during-release/error/r.0 unknown-node/info/r.0",
	       "a late start at a release callback's ADDs: add-during-release, no loss");
	drc_ctx_unref(ctx);
	/* near miss: the same RELs a second after the ADDs: another call, whose
	 * walk left them (lines missing) */
	ctx = judge(
		D("3.500000", "drv", "r.0", "ADD", "00000e01", "devm_kzalloc_release", 24)
		D("3.500001", "drv", "r.0", "ADD", "00000e02", "devm_action_release", 16)
		D("4.500002", "drv", "r.0", "REL", "00000e09", "drv_hw_release", 16)
		D("4.500003", "drv", "r.0", "REL", "00000e08", "devm_kzalloc_release", 64)
		D("6.000000", "drv", "q.0", "ADD", "00000f01", "devm_kzalloc_release", 64));
	ok(!find_rule(ctx, "add-during-release") && find_rule_sev(ctx, "log-loss", DRC_SEVERITY_WARNING),
	   "near miss: a second later, the nodes were on the list and left: log-loss (%s)", findings(ctx));
	drc_ctx_unref(ctx);

	/* the walk reaches the oldest node the capture saw, a callback's ADDs
	 * between, and goes on at once with a node never seen (a late start):
	 * one walk, the ADDs made while it ran */
	ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000e01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000e02", "drv_hw_release", 16)
		D("3.500000", "drv", "r.0", "REL", "00000e02", "drv_hw_release", 16)
		D("3.500001", "drv", "r.0", "ADD", "00000e03", "devm_action_release", 16)
		D("3.500002", "drv", "r.0", "REL", "00000e01", "devm_kzalloc_release", 64)
		D("3.500003", "drv", "r.0", "REL", "00000e09", "devm_kzalloc_release", 32)
		D("6.000000", "drv", "q.0", "ADD", "00000f01", "devm_kzalloc_release", 64));
	is_str(findings(ctx), "add-during-release/error/r.0 unknown-node/info/r.0",
	       "a walk that goes on past the oldest node seen is one walk: no nodes left");
	drc_ctx_unref(ctx);
	/* near miss: a second and another device's operation between: another
	 * release, which could only release what the first left */
	ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000e01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000e02", "drv_hw_release", 16)
		D("3.500000", "drv", "r.0", "REL", "00000e02", "drv_hw_release", 16)
		D("3.500001", "drv", "r.0", "ADD", "00000e03", "devm_action_release", 16)
		D("3.500002", "drv", "r.0", "REL", "00000e01", "devm_kzalloc_release", 64)
		D("4.000000", "drv", "q.0", "ADD", "00000f02", "devm_kzalloc_release", 8)
		D("4.500003", "drv", "r.0", "REL", "00000e09", "devm_kzalloc_release", 32)
		D("6.000000", "drv", "q.0", "ADD", "00000f01", "devm_kzalloc_release", 64));
	ok(find_rule_sev(ctx, "log-loss", DRC_SEVERITY_WARNING) != NULL,
	   "near miss: after a pause and other operations, the node left reads as lost lines (%s)", findings(ctx));
	drc_ctx_unref(ctx);

	/* the capture ends while a release callback tears down another device
	 * (a bus driver's child): both walks were still running */
	ctx = judge(
		D("1.000000", "drv", "p.0", "ADD", "00000b01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "p.0", "ADD", "00000b02", "drv_child_release", 8)
		D("1.000002", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 16)
		D("1.000003", "drv", "c.0", "ADD", "00000c02", "devm_kzalloc_release", 24)
		D("2.000000", "drv", "p.0", "REL", "00000b02", "drv_child_release", 8)
		D("2.000001", "drv", "c.0", "REL", "00000c02", "devm_kzalloc_release", 24));
	ok(!find_rule_sev(ctx, "log-loss", DRC_SEVERITY_WARNING) && find_rule(ctx, "log-loss"),
	   "a capture that ends inside a nested teardown: both releases running, info (%s)", findings(ctx));
	drc_ctx_unref(ctx);
	/* near miss: something else came after the other device's releases */
	ctx = judge(
		D("1.000000", "drv", "p.0", "ADD", "00000b01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "p.0", "ADD", "00000b02", "drv_child_release", 8)
		D("1.000002", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 16)
		D("2.000000", "drv", "p.0", "REL", "00000b02", "drv_child_release", 8)
		D("2.000001", "drv", "c.0", "REL", "00000c01", "devm_kzalloc_release", 16)
		D("3.000000", "drv", "q.0", "ADD", "00000d01", "devm_kzalloc_release", 16));
	ok(find_rule_sev(ctx, "log-loss", DRC_SEVERITY_WARNING) != NULL,
	   "near miss: an ADD after them: the node left is a loss (%s)", findings(ctx));
	drc_ctx_unref(ctx);

	/* near miss: the same loss, but a REL of the walk follows one ADD */
	ctx = judge(
		D("1.000000", "drv", "r.0", "ADD", "00000a01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "r.0", "ADD", "00000a02", "drv_stop", 8)
		D("1.000002", "drv", "r.0", "ADD", "00000a03", "devm_kzalloc_release", 32)
		D("2.000000", "drv", "r.0", "REL", "00000a03", "devm_kzalloc_release", 32)
		D("2.000001", "drv", "r.0", "ADD", "00000a06", "devm_kzalloc_release", 24)
		D("2.000002", "drv", "r.0", "REL", "00000a02", "drv_stop", 8)
		"[    2.000003] ** 1 printk messages dropped **\n"
		D("3.000000", "drv", "r.0", "ADD", "00000a04", "devm_kzalloc_release", 16));
	f = find_rule(ctx, "add-during-release");
	ok(f != NULL, "an ADD a REL of the walk follows is still a release callback's (%s)", findings(ctx));
	is_str(f ? nodes(f) : "", "devm_kzalloc_release:24", "only that node: not the one after the last REL");
	drc_ctx_unref(ctx);
}

/* The capture starts inside the walk: no node of it was seen added. */
static void test_late_start_release(void)
{
	/* a release callback (pcim_intx_restore calling pci_intx()) adds a
	 * node, and the walk goes on with nodes before it */
	struct drc_ctx *ctx = judge(
		D("1.000000", "drv", "r.0", "REL", "00000b01", "devm_kzalloc_release", 64)
		D("1.000010", "drv", "r.0", "REL", "00000b02", "pcim_intx_restore", 4)
		D("1.000020", "drv", "r.0", "ADD", "00000b03", "pcim_intx_restore", 4)
		D("1.000030", "drv", "r.0", "REL", "00000b04", "pcim_msi_release", 16)
		D("1.000040", "drv", "r.0", "REL", "00000b05", "pcim_release", 0));
	const struct drc_finding *f = find_rule(ctx, "add-during-release");

	ok(f && f->severity == DRC_SEVERITY_ERROR, "an ADD inside a walk of nodes never seen: add-during-release (%s)",
	   findings(ctx));
	is_str(f ? nodes(f) : "", "pcim_intx_restore:4", "the node the callback added");
	drc_ctx_unref(ctx);

	/* near miss: the new node is what is released next (a probe that
	 * failed right after the unbind, or its own unwind) */
	ctx = judge(
		D("1.000000", "drv", "r.0", "REL", "00000b01", "devm_kzalloc_release", 64)
		D("1.000010", "drv", "r.0", "REL", "00000b02", "pcim_intx_restore", 4)
		D("1.000020", "drv", "r.0", "ADD", "00000b03", "devm_kzalloc_release", 32)
		D("1.000030", "drv", "r.0", "REL", "00000b03", "devm_kzalloc_release", 32));
	ok(!find_rule(ctx, "add-during-release"), "near miss: the new node released next (%s)", findings(ctx));
	drc_ctx_unref(ctx);

	/* near miss: another device's operation between: a probe after the walk */
	ctx = judge(
		D("1.000000", "drv", "r.0", "REL", "00000b01", "devm_kzalloc_release", 64)
		D("1.000010", "drv", "r.0", "REL", "00000b02", "pcim_intx_restore", 4)
		D("1.000015", "oth", "o.0", "ADD", "00000c01", "devm_kzalloc_release", 8)
		D("1.000020", "drv", "r.0", "ADD", "00000b03", "devm_kzalloc_release", 32));
	ok(!find_rule(ctx, "add-during-release"), "near miss: not right after the walk (%s)", findings(ctx));
	drc_ctx_unref(ctx);

	/* near miss: the walk ends and the driver binds again at once, its
	 * probe opening and closing a group on another device (the fixed
	 * component.c): that group's release at the next unbind is intended */
	ctx = judge(
		D("0.500000", "hda", "h.0", "ADD", "00000e00", "hda_irq_release", 8)
		D("1.000000", "drv", "g.0", "REL", "00000b01", "devm_kzalloc_release", 64)
		D("1.000010", "drv", "g.0", "REL", "00000b02", "drv_mmio_release", 32)
		D("1.000020", "drv", "g.0", "ADD", "00000b03", "devm_kzalloc_release", 64)
		D("1.000030", "drv", "g.0", "ADD", "00000b04", "drv_mmio_release", 32)
		D("1.000040", "hda", "h.0", "ADD", "00000e01", "grp<", 0)
		D("1.000050", "hda", "h.0", "ADD", "00000e02", "hda_bind_release", 32)
		D("1.000060", "hda", "h.0", "ADD", "00000e03", "grp>", 0)
		D("2.000000", "hda", "h.0", "REL", "00000e01", "grp<", 0)
		D("2.000010", "hda", "h.0", "REL", "00000e02", "hda_bind_release", 32)
		D("2.000020", "drv", "g.0", "REL", "00000b04", "drv_mmio_release", 32)
		D("2.000030", "drv", "g.0", "REL", "00000b03", "devm_kzalloc_release", 64)
		D("3.000000", "hda", "h.0", "ADD", "00000e04", "devm_kzalloc_release", 8));
	f = find_rule(ctx, "cross-device-release");
	ok(f && f->severity == DRC_SEVERITY_INFO && !find_rule(ctx, "add-during-release"),
	   "near miss: a probe right after a walk of nodes never seen keeps its context (%s)", findings(ctx));
	drc_ctx_unref(ctx);

	/* the component bug seen from its release only: B's group and nodes
	 * next to A's group release, then B removes a node of its own (it
	 * stayed bound) */
	ctx = judge(
		D("3007.592029", "i915", "g.0", "REL", "0000d001", "grp<", 0)
		D("3007.592038", "sof", "s.0", "REL", "0000d002", "grp<", 0)
		D("3007.592044", "sof", "s.0", "REL", "0000d003", "devm_kzalloc_release", 1816)
		D("3007.592050", "sof", "s.0", "REL", "0000d004", "devm_kzalloc_release", 320)
		D("3007.592160", "sof", "s.0", "REM", "0000d005", "hdac_acomp_release", 64));
	f = find_rule(ctx, "cross-device-release");
	ok(f && f->severity == DRC_SEVERITY_WARNING && !strcmp(f->device, "s.0") && f->other_device &&
	   !strcmp(f->other_device, "g.0"), "a late-start group release, then a REM: cross-device-release (%s)",
	   findings(ctx));
	drc_ctx_unref(ctx);

	/* near miss: nothing after it shows that B stayed bound */
	ctx = judge(
		D("3007.592029", "i915", "g.0", "REL", "0000d001", "grp<", 0)
		D("3007.592038", "sof", "s.0", "REL", "0000d002", "grp<", 0)
		D("3007.592044", "sof", "s.0", "REL", "0000d003", "devm_kzalloc_release", 1816)
		D("3007.592050", "sof", "s.0", "REL", "0000d004", "devm_kzalloc_release", 320));
	ok(!find_rule(ctx, "cross-device-release"), "near miss: the capture ends after it (%s)", findings(ctx));
	drc_ctx_unref(ctx);
}

static void test_capture_ends_in_release(void)
{
	struct drc_ctx *ctx = judge(
		D("1.000000", "drv", "e.0", "ADD", "00000b01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "e.0", "ADD", "00000b02", "drv_stop", 8)
		D("1.000002", "drv", "e.0", "ADD", "00000b03", "devm_kzalloc_release", 32)
		D("2.000000", "drv", "e.0", "REL", "00000b03", "devm_kzalloc_release", 32));
	const struct drc_finding *f = find_rule(ctx, "log-loss");

	is_str(findings(ctx), "log-loss/info/e.0", "a capture cut during a release batch: information");
	ok(f && strstr(f->summary, "ends during a release"), "it says the capture ends during a release");
	drc_ctx_unref(ctx);

	/* near miss: the same batch, then the device does something else */
	ctx = judge(
		D("1.000000", "drv", "e.0", "ADD", "00000b01", "devm_kzalloc_release", 64)
		D("1.000001", "drv", "e.0", "ADD", "00000b02", "drv_stop", 8)
		D("1.000002", "drv", "e.0", "ADD", "00000b03", "devm_kzalloc_release", 32)
		D("2.000000", "drv", "e.0", "REL", "00000b03", "devm_kzalloc_release", 32)
		D("3.000000", "drv", "e.0", "REM", "00000b01", "devm_kzalloc_release", 64));
	ok(strstr(findings(ctx), "log-loss/warning/") != NULL,
	   "nodes left after a release of everything that then goes on: lines are missing");
	drc_ctx_unref(ctx);
}

static void test_repeats_folded(void)
{
	/* hda.0 stays bound; gfx.0 binds three times, each time leaving a group
	 * open on hda.0 that its unbind then releases with a later node */
	struct strbuf sb = STRBUF_INIT;
	const struct drc_finding *f;
	struct drc_ctx *ctx;

	strbuf_appendf(&sb, "[    1.000000] hda hda.0: DEVRES ADD 00000000000000a1 devm_kzalloc_release (128 bytes)\n");
	strbuf_appendf(&sb, "[    1.000001] hda hda.0: DEVRES ADD 00000000000000a2 hda_irq_release (16 bytes)\n");
	for (int i = 0; i < 3; i++) {
		int t = 2 + 2 * i;

		strbuf_appendf(&sb, "[    %d.260000] gfx gfx.0: DEVRES ADD 0000000000000b%02d devm_kzalloc_release (64 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.260001] hda hda.0: DEVRES ADD 0000000000000c%02d grp< (0 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.260002] hda hda.0: DEVRES ADD 0000000000000d%02d hda_master_bind_release (32 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.500000] hda hda.0: DEVRES ADD 0000000000000e%02d pcim_iomap_release (48 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.700000] unrelated: message\n", t);
		strbuf_appendf(&sb, "[    %d.750000] hda hda.0: DEVRES REL 0000000000000c%02d grp< (0 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.750001] hda hda.0: DEVRES REL 0000000000000e%02d pcim_iomap_release (48 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.750002] hda hda.0: DEVRES REL 0000000000000d%02d hda_master_bind_release (32 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.750003] gfx gfx.0: DEVRES REL 0000000000000b%02d devm_kzalloc_release (64 bytes)\n", t, i);
		strbuf_appendf(&sb, "[    %d.900000] unrelated: message\n", t);
	}
	ctx = judge(sb.buf);
	f = find_rule(ctx, "open-group-swept");
	is_str(findings(ctx), "cross-device-release/warning/hda.0>gfx.0 open-group-swept/error/hda.0>gfx.0",
	       "a finding repeated on every cycle is one finding");
	ok(f && f->occurrences == 3, "it counts its three occurrences");
	ok(f && f->first.line == 4 && f->last.line == 24, "first and last lines: the group's opening each time");
	drc_ctx_unref(ctx);
	strbuf_done(&sb);
}

static void test_errors_never_dropped(void)
{
	/* more than 10000 distinct infos (devices each released without a
	 * captured ADD), then the component bug: the error is kept */
	struct strbuf sb = STRBUF_INIT;
	struct drc_ctx *ctx;
	unsigned errors = 0, infos = 0, further = 0;
	const char *tail;

	for (int i = 0; i < 10050; i++)
		strbuf_appendf(&sb, "[1.%06d] drv u.%d: DEVRES REL 00000000%08x devm_kzalloc_release (8 bytes)\n",
			       i, i, 0x1000 + i);
	tail = COMPONENT("", D("2.750001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48));
	strbuf_append(&sb, tail, strlen(tail));
	ctx = judge(sb.buf);
	for (unsigned i = 0; i < drc_ctx_get_finding_count(ctx); i++) {
		const struct drc_finding *f = drc_ctx_get_finding(ctx, i);

		errors += f->severity == DRC_SEVERITY_ERROR;
		infos += f->severity == DRC_SEVERITY_INFO;
		if (f->severity == DRC_SEVERITY_INFO && f->occurrences > 1 && !f->device)
			further += (unsigned)f->occurrences;
	}
	ok(find_rule(ctx, "open-group-swept") != NULL, "the error after 10000 infos is kept");
	is_int(errors, 1, "one error");
	ok(infos <= 10002, "infos beyond the limit are folded, not kept one by one");
	ok(further >= 40, "and counted in a finding that stands for them");
	drc_ctx_unref(ctx);
	strbuf_done(&sb);
}

static void test_trace_declares_loss(void)
{
	struct drc_ctx *ctx = judge(
		"# tracer: nop\n#\n# entries-in-buffer/entries-written: 2/9997   #P:1\n#\n"
		"  sh-1 [000] .....  4.760000: devres_log: t.0 REL 00000000aa000001 devm_kzalloc_release (8 bytes)\n"
		"  sh-1 [000] d....  4.770000: devres_log: t.0 ADD 00000000aa000002 devm_kzalloc_release (8 bytes)\n");
	const struct drc_finding *f = find_rule(ctx, "log-loss"), *u = find_rule(ctx, "unknown-node");

	ok(f && strstr(f->summary, "9995 messages or events lost"), "the header's count of overwritten events");
	ok(u && strstr(u->explanation, "explains them"), "the first releases are explained by it");
	drc_ctx_unref(ctx);

	ctx = judge("# tracer: nop\n#\n# entries-in-buffer/entries-written: 2/2   #P:1\n#\n"
		"  sh-1 [000] d....  4.770000: devres_log: t.0 ADD 00000000aa000002 devm_kzalloc_release (8 bytes)\n");
	is_str(findings(ctx), "", "a header that lost nothing: no finding");
	drc_ctx_unref(ctx);
}

static void test_no_devres(void)
{
	struct drc_ctx *ctx = judge("[    0.000000] Linux version 6.1.0 (gcc)\n[    1.000000] usb 1-1: new device\n");

	is_str(findings(ctx), "no-devres/error/-", "a capture without devres operations fails");
	drc_ctx_unref(ctx);
}

static void test_uncertain_after_loss(void)
{
	/* x.0's node was added before a counted loss: its REL may be lost */
	struct drc_ctx *ctx = judge(
		D("1.000000", "platform", "x.0", "ADD", "00000101", "devm_kzalloc_release", 10)
		"[    1.500000] ** 7 printk messages dropped **\n"
		"KERNEL[2.000000] remove   /devices/platform/x.0 (platform)\n"
		"ACTION=remove\nDEVPATH=/devices/platform/x.0\nSUBSYSTEM=platform\nSEQNUM=10\n\n");
	const struct drc_finding *f = find_rule(ctx, "never-released");

	is_str(findings(ctx), "never-released/info/x.0 log-loss/warning/-",
	       "a node whose fate falls in a counted loss is no never-released error");
	ok(f && strstr(f->explanation, "Uncertain after 7 lost operations"), "it says uncertain after 7 lost operations");
	drc_ctx_unref(ctx);

	/* near miss: added after the loss, the same removal is an error */
	ctx = judge(
		"[    0.500000] ** 7 printk messages dropped **\n"
		D("1.000000", "platform", "x.0", "ADD", "00000101", "devm_kzalloc_release", 10)
		"KERNEL[2.000000] remove   /devices/platform/x.0 (platform)\n"
		"ACTION=remove\nDEVPATH=/devices/platform/x.0\nSUBSYSTEM=platform\nSEQNUM=10\n\n");
	is_str(findings(ctx), "never-released/error/x.0 log-loss/warning/-", "added after the loss: still an error");
	drc_ctx_unref(ctx);

	/* the node a probe left on its parent, added before the loss */
	ctx = judge(
		D("0.500000", "parent", "p.0", "ADD", "00000d01", "devm_kzalloc_release", 8)
		CYCLE("1.0", "00000e01")
		"[    1.700000] ** 3 printk messages dropped **\n");
	ok(strstr(findings(ctx), "leak-after-unbind/error/") != NULL,
	   "the unbind judged before the loss: the leak stays an error");
	drc_ctx_unref(ctx);
	ctx = judge(
		D("0.500000", "parent", "p.0", "ADD", "00000d01", "devm_kzalloc_release", 8)
		D("1.000000", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 96)
		D("1.000001", "drv", "c.0", "ADD", "00000c02", "devm_clk_release", 16)
		D("1.000002", "parent", "p.0", "ADD", "00000e01", "devm_kzalloc_release", 200)
		"[    1.200000] ** 3 printk messages dropped **\n"
		D("1.500000", "drv", "c.0", "REL", "00000c02", "devm_clk_release", 16)
		D("1.500001", "drv", "c.0", "REL", "00000c01", "devm_kzalloc_release", 96)
		D("2.000000", "drv", "c.0", "ADD", "00000c03", "devm_kzalloc_release", 96));
	is_str(findings(ctx), "leak-after-unbind/info/c.0>p.0 log-loss/warning/-",
	       "a leftover added before the loss: leak-after-unbind is information");
	drc_ctx_unref(ctx);
}

#define UEV(t, action, dev) \
	"KERNEL[" t "] " action " /devices/platform/" dev " (platform)\n" \
	"ACTION=" action "\nDEVPATH=/devices/platform/" dev "\nSUBSYSTEM=platform\nSEQNUM=1\n\n"

/* The fixed component driver seen from after its bind: the group release
 * on hda.0 in gfx.0's unbind shows only nodes never seen; hda.0's own
 * unbind releases first what the capture saw it add (a walk goes newest
 * first, and what was seen is newer than what was not), then the rest. */
#define LATE_FIXED(loss) \
	D("2.350000", "hda", "hda.0", "ADD", "00000a07", "devm_kzalloc_release", 256) \
	D("2.350001", "hda", "hda.0", "ADD", "00000a08", "hda_codec_release", 64) \
	loss \
	D("2.590000", "hda", "hda.0", "REL", "00000a03", "grp<", 0) \
	D("2.590001", "hda", "hda.0", "REL", "00000a05", "devm_kzalloc_release", 512) \
	D("2.590002", "hda", "hda.0", "REL", "00000a04", "hda_master_bind_release", 32) \
	D("2.590003", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32) \
	D("2.590004", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64) \
	D("2.830000", "hda", "hda.0", "REL", "00000a08", "hda_codec_release", 64) \
	D("2.830001", "hda", "hda.0", "REL", "00000a07", "devm_kzalloc_release", 256) \
	D("2.830002", "hda", "hda.0", "REL", "00000a02", "hda_irq_release", 16) \
	D("2.830003", "hda", "hda.0", "REL", "00000a01", "devm_kzalloc_release", 128)

static struct drc_device *hda_of(struct drc_ctx *ctx)
{
	struct drc_device *d = NULL;

	return drc_ctx_find_device(ctx, "hda.0", -1, &d) < 0 ? NULL : d;
}

static void test_late_start_fixed_component(void)
{
	struct drc_ctx *ctx = judge(LATE_FIXED(""));
	struct drc_device *d = hda_of(ctx);
	struct drc_batch *b = d ? drc_device_get_first_batch(d) : NULL;

	ok(d && drc_device_count_batches(d) == 2 && b && drc_batch_count_released(b) == 0 &&
	   drc_batch_count_out_of_order(b) == 0,
	   "late start, fixed component: a node seen added and released after nodes never seen is a new walk");
	is_str(findings(ctx), "unknown-node/info/hda.0 unknown-node/info/gfx.0",
	       "late start, fixed component: nothing out of order, nothing to warn about");
	drc_ctx_unref(ctx);

	/* a loss before everything is a late start like any other */
	ctx = judge("devresctl-lost: kmsg 3 records overwritten before they were read\n" LATE_FIXED(""));
	d = hda_of(ctx);
	ok(d && drc_device_count_batches(d) == 2, "a loss before the capture's lines: still two walks");
	drc_ctx_unref(ctx);

	/* near miss: a loss after the nodes' ADDs may have taken newer ADDs,
	 * so a node not seen added can be newer: one walk, as before */
	ctx = judge(LATE_FIXED("devresctl-lost: kmsg 3 records overwritten before they were read\n"));
	d = hda_of(ctx);
	ok(d && drc_device_count_batches(d) == 1, "a loss after the ADDs: the releases stay one walk (%s)",
	   findings(ctx));
	drc_ctx_unref(ctx);

	/* near miss: the node seen added released first, as a walk does it */
	ctx = judge(
		D("2.350000", "hda", "hda.0", "ADD", "00000a07", "devm_kzalloc_release", 256)
		D("2.830000", "hda", "hda.0", "REL", "00000a07", "devm_kzalloc_release", 256)
		D("2.830001", "hda", "hda.0", "REL", "00000a02", "hda_irq_release", 16)
		D("2.830002", "hda", "hda.0", "REL", "00000a01", "devm_kzalloc_release", 128));
	d = hda_of(ctx);
	ok(d && drc_device_count_batches(d) == 1, "seen, then never seen: one walk");
	drc_ctx_unref(ctx);
}

/* The capture starts inside the bind, after its grp<: the grp> without its
 * grp< tells where the group ends, and its release walks back from the node
 * before it; hda.0's own unbind releases the newer nodes later. */
#define ORPHAN_CLOSE(first_rel) \
	D("2.110000", "hda", "hda.0", "ADD", "00000a04", "hda_master_bind_release", 32) \
	D("2.110001", "hda", "hda.0", "ADD", "00000a05", "devm_kzalloc_release", 512) \
	D("2.110002", "hda", "hda.0", "ADD", "00000a06", "grp>", 0) \
	D("2.350000", "hda", "hda.0", "ADD", "00000a07", "devm_kzalloc_release", 256) \
	D("2.350001", "hda", "hda.0", "ADD", "00000a08", "hda_codec_release", 64) \
	D("2.590000", "hda", "hda.0", "REL", "00000a03", "grp<", 0) \
	first_rel \
	D("2.590002", "hda", "hda.0", "REL", "00000a04", "hda_master_bind_release", 32) \
	D("2.590003", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32) \
	D("2.590004", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64) \
	D("2.830000", "hda", "hda.0", "REL", "00000a08", "hda_codec_release", 64) \
	D("2.830001", "hda", "hda.0", "REL", "00000a07", "devm_kzalloc_release", 256) \
	D("2.830002", "hda", "hda.0", "REL", "00000a02", "hda_irq_release", 16)

static void test_late_start_orphan_close(void)
{
	struct drc_ctx *ctx = judge(ORPHAN_CLOSE(D("2.590001", "hda", "hda.0", "REL", "00000a05",
						 "devm_kzalloc_release", 512)));
	struct drc_device *d = hda_of(ctx);
	struct drc_batch *b = d ? drc_device_get_first_batch(d) : NULL;

	ok(b && drc_batch_get_kind(b) == DRC_BATCH_RELEASE_GROUP && drc_batch_count_released(b) == 2 &&
	   drc_batch_count_out_of_order(b) == 0 && drc_device_count_batches(d) == 2,
	   "a grp> without its grp<: the group release starts at the node before it, in order");
	is_str(findings(ctx), "unknown-node/info/hda.0 unknown-node/info/gfx.0",
	       "a grp> without its grp<: nothing to warn about");
	drc_ctx_unref(ctx);

	/* near miss: the walk starts elsewhere (not the node before the grp>):
	 * no group range is known, the batch is read as before */
	ctx = judge(ORPHAN_CLOSE(""));
	d = hda_of(ctx);
	b = d ? drc_device_get_first_batch(d) : NULL;
	ok(b && drc_batch_get_kind(b) != DRC_BATCH_RELEASE_GROUP,
	   "near miss: a walk that does not start before the grp> is no group release by its place");
	drc_ctx_unref(ctx);
}

/* A live recording reads uevents and kmsg in turn: gfx.0's bind uevent
 * (sent after its probe) can come in before the probe's lines. The first
 * devres line after it being gfx.0's, with its list empty at the uevent,
 * the probe is still read, and the group it opens on hda.0 is its. */
#define BIND_FIRST(between) \
	D("1.000000", "hda", "hda.0", "ADD", "00000a01", "devm_kzalloc_release", 128) \
	UEV("2.000000", "bind", "gfx.0") \
	between \
	D("2.100000", "gfx", "gfx.0", "ADD", "00000b01", "devm_kzalloc_release", 64) \
	D("2.100001", "hda", "hda.0", "ADD", "00000a02", "grp<", 0) \
	D("2.100002", "hda", "hda.0", "ADD", "00000a03", "hda_master_bind_release", 32) \
	D("2.100003", "hda", "hda.0", "ADD", "00000a04", "grp>", 0) \
	D("3.000000", "hda", "hda.0", "REL", "00000a02", "grp<", 0) \
	D("3.000001", "hda", "hda.0", "REL", "00000a03", "hda_master_bind_release", 32) \
	D("3.000002", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64) \
	UEV("3.100000", "unbind", "gfx.0") \
	D("4.000000", "hda", "hda.0", "ADD", "00000a05", "devm_kzalloc_release", 8)

static void test_bind_uevent_first(void)
{
	struct drc_ctx *ctx = judge(BIND_FIRST(""));
	const struct drc_finding *f = find_rule(ctx, "cross-device-release");

	ok(f && f->severity == DRC_SEVERITY_INFO,
	   "a bind uevent read before its probe's lines: the bind group is the probe's (%s)", findings(ctx));
	drc_ctx_unref(ctx);

	/* near miss: another device's line first: the uevent says nothing
	 * about what follows, gfx.0 is bound and not probing */
	ctx = judge(BIND_FIRST(D("2.050000", "drv", "c.0", "ADD", "00000c01", "devm_kzalloc_release", 8)));
	f = find_rule(ctx, "cross-device-release");
	ok(f && f->severity == DRC_SEVERITY_WARNING,
	   "near miss: another line between the bind uevent and the probe's (%s)", findings(ctx));
	drc_ctx_unref(ctx);
}

static void test_late_start_group_release(void)
{
	/* the capture starts after hda.0's group was opened: its release in
	 * gfx.0's teardown reads like hda.0's own unbind, until hda.0 releases
	 * again with nothing added in between */
	struct drc_ctx *ctx = judge(
		D("1.000000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		D("2.000000", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.000002", "hda", "hda.0", "REL", "00000a04", "hda_master_bind_release", 32)
		D("2.000003", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		D("2.000004", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64)
		D("3.000000", "hda", "hda.0", "REL", "00000a02", "hda_irq_release", 16)
		D("3.000001", "hda", "hda.0", "REL", "00000a01", "devm_kzalloc_release", 128));
	const struct drc_finding *f = find_rule(ctx, "open-group-swept");

	ok(strstr(findings(ctx), "cross-device-release/warning/hda.0>gfx.0 open-group-swept/error/hda.0>gfx.0") != NULL,
	   "late start: a second release with nothing added shows the first was a group release");
	is_str(nodes(f), "pcim_iomap_release:48", "the node hda.0 added itself is swept");
	drc_ctx_unref(ctx);

	/* the same after a reported loss: the grp< may have gone with it, and
	 * who added the nodes: uncertain, information only */
	ctx = judge(
		"devresctl-lost: kmsg 40 records overwritten before they were read\n"
		D("1.000000", "hda", "hda.0", "ADD", "00000a05", "devm_kzalloc_release", 8)
		D("1.000001", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		D("2.000000", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.000002", "hda", "hda.0", "REL", "00000a04", "hda_master_bind_release", 32)
		D("2.000003", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		D("2.000004", "gfx", "gfx.0", "REL", "00000b01", "devm_kzalloc_release", 64)
		D("3.000000", "hda", "hda.0", "REL", "00000a02", "hda_irq_release", 16)
		D("3.000001", "hda", "hda.0", "REL", "00000a01", "devm_kzalloc_release", 128));
	ok(strstr(findings(ctx), "cross-device-release/info/hda.0>gfx.0") &&
	   !strstr(findings(ctx), "open-group-swept/error"),
	   "a late-start group release after a reported loss: information, uncertain");
	drc_ctx_unref(ctx);

	/* with uevents: hda.0's own unbind only after gfx.0's */
	ctx = judge(
		D("1.000000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		D("2.000000", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.000002", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		UEV("2.100000", "unbind", "gfx.0")
		UEV("3.100000", "unbind", "hda.0"));
	ok(strstr(findings(ctx), "cross-device-release/warning/hda.0>gfx.0") != NULL,
	   "late start with uevents: its own unbind after the other's");
	drc_ctx_unref(ctx);

	/* near miss: hda.0 unbinds itself (its uevent first), then gfx.0 */
	ctx = judge(
		D("1.000000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		D("2.000000", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.000002", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		UEV("2.100000", "unbind", "hda.0")
		UEV("2.200000", "unbind", "gfx.0"));
	is_str(findings(ctx), "unknown-node/info/hda.0 unknown-node/info/gfx.0",
	       "its own unbind follows its release: a release of everything, no finding");
	drc_ctx_unref(ctx);

	/* gfx.0's unbind uevent read before the kernel lines of its teardown
	 * (two sources, read in turn), hda.0's own unbind after it: the
	 * nested unbind of hda.0 would have sent its uevent before gfx.0's */
	ctx = judge(
		D("1.000000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		UEV("1.500000", "bind", "gfx.0")
		UEV("2.000000", "unbind", "gfx.0")
		D("2.000001", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000002", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.000003", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		UEV("3.100000", "unbind", "hda.0"));
	ok(strstr(findings(ctx), "cross-device-release/warning/hda.0>gfx.0") != NULL,
	   "the other's unbind read before its teardown's lines, its own after: a group release");
	drc_ctx_unref(ctx);

	/* near miss: the same lines, but gfx.0 bound again before hda.0's
	 * unbind: which teardown the unbind belonged to is not shown */
	ctx = judge(
		D("1.000000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		UEV("2.000000", "unbind", "gfx.0")
		D("2.000001", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000002", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.000003", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		UEV("3.000000", "bind", "gfx.0")
		UEV("3.100000", "unbind", "hda.0"));
	ok(!strstr(findings(ctx), "cross-device-release"),
	   "the other bound again before its own unbind: no cross-device release");
	drc_ctx_unref(ctx);

	/* near miss: gfx.0 unbinds whole, then hda.0 (its batch after gfx.0's
	 * releases, not inside them): two unbinds one after the other */
	ctx = judge(
		D("1.000000", "hda", "hda.0", "ADD", "00000a06", "pcim_iomap_release", 48)
		D("2.000000", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		UEV("2.000001", "unbind", "gfx.0")
		D("2.000002", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000003", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		UEV("2.100000", "unbind", "hda.0"));
	ok(!strstr(findings(ctx), "cross-device-release"),
	   "two unbinds one after the other: no cross-device release");
	drc_ctx_unref(ctx);

	/* near miss: a probe in between, then a release: nothing shown */
	ctx = judge(
		D("2.000000", "hda", "hda.0", "REL", "00000a03", "grp<", 0)
		D("2.000001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48)
		D("2.000002", "gfx", "gfx.0", "REL", "00000b02", "gfx_mmio_release", 32)
		D("2.500000", "hda", "hda.0", "ADD", "00000a07", "devm_kzalloc_release", 8)
		D("3.000000", "hda", "hda.0", "REL", "00000a07", "devm_kzalloc_release", 8));
	ok(!strstr(findings(ctx), "cross-device-release"), "a probe in between: no cross-device release");
	drc_ctx_unref(ctx);
}

static void test_driver_named_like_a_bus(void)
{
	/* gpio-sim is the platform driver of drivers/gpio/gpio-sim.c, not a bus */
	struct drc_ctx *ctx = judge(
		D("1.000000", "gpio-sim", "gpio-sim.0", "ADD", "00000f01", "devm_kzalloc_release", 16)
		D("1.000001", "gpio-sim", "gpio-sim.0", "ADD", "00000f02", "devm_kzalloc_release", 40));
	struct drc_device *dev = NULL;

	is_str(findings(ctx), "", "a driver named like a bus: its probe's nodes, live and bound at the end");
	ok(drc_ctx_find_device(ctx, "gpio-sim.0", -1, &dev) > 0 && dev &&
	   drc_device_get_driver(dev) && strcmp(drc_device_get_driver(dev), "gpio-sim") == 0,
	   "gpio-sim is the device's driver");
	drc_ctx_unref(ctx);

	/* near miss: the bus's name printed, no driver bound */
	ctx = judge(
		D("1.000000", "platform", "gpio-sim.1", "ADD", "00000f03", "devm_kzalloc_release", 16));
	is_str(findings(ctx), "leak-after-unbind/warning/gpio-sim.1", "the bus's name: added while no driver was bound");
	drc_ctx_unref(ctx);
}

static void test_nested_probe_context(void)
{
	/* bus.0's probe creates port.0, which probes inside it; then bus.0's
	 * probe goes on with a devm call on hub.0 (bound, not probing) */
	const char *lines =
		D("0.500000", "hub", "hub.0", "ADD", "00000101", "devm_kzalloc_release", 8)
		D("1.000000", "bus", "bus.0", "ADD", "00000201", "devm_kzalloc_release", 128)
		D("1.000001", "port", "port.0", "ADD", "00000301", "devm_kzalloc_release", 48)
		D("1.000002", "hub", "hub.0", "ADD", "00000102", "bus_hub_release", 16)
		D("2.000000", "bus", "bus.0", "REL", "00000201", "devm_kzalloc_release", 128);
	struct drc_ctx *ctx = judge(lines);

	is_str(findings(ctx), "leak-after-unbind/error/bus.0>hub.0",
	       "a nested probe keeps the outer probe's context: the node on hub.0 is bus.0's");
	drc_ctx_unref(ctx);

	/* near miss: port.0 not nested (a pause before its probe): its own */
	ctx = judge(
		D("0.500000", "hub", "hub.0", "ADD", "00000101", "devm_kzalloc_release", 8)
		D("1.000000", "bus", "bus.0", "ADD", "00000201", "devm_kzalloc_release", 128)
		D("1.500000", "port", "port.0", "ADD", "00000301", "devm_kzalloc_release", 48)
		D("1.500001", "hub", "hub.0", "ADD", "00000102", "bus_hub_release", 16)
		D("2.000000", "port", "port.0", "REL", "00000301", "devm_kzalloc_release", 48));
	is_str(findings(ctx), "leak-after-unbind/error/port.0>hub.0", "a probe of its own: the node is port.0's");
	drc_ctx_unref(ctx);
}

/* Each allocation the rules make fails in turn: the run never crashes, and
 * the failure is never silent: drc_ctx_finish() says -ENOMEM, the stats
 * count it and the last finding says the findings may be incomplete. */
static void test_allocation_failures_reported(void)
{
	const char *text = COMPONENT("", D("2.750001", "hda", "hda.0", "REL", "00000a06", "pcim_iomap_release", 48));
	const char *kb = getenv("DEVRESCTL_KB");
	unsigned runs = 0, reported = 0, lost = 0, k;

	for (k = 1; k < 1000; k++) {
		struct drc_ctx *ctx;
		struct drc_stream *s;
		struct drc_stats st;
		const struct drc_finding *last;
		int r;

		if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, "t", &s) < 0 || (kb && drc_ctx_load_kb(ctx, kb, NULL) < 0))
			abort();
		drc_rules_fail_after(ctx, k);
		if (drc_stream_feed(s, text, strlen(text)) < 0 || drc_stream_finish(s) < 0)
			abort();
		r = drc_ctx_finish(ctx);
		drc_ctx_get_stats(ctx, &st);
		drc_stream_free(s);
		if (!st.rules_nomem) {
			/* past the run's allocations: nothing failed */
			is_str(findings(ctx), "cross-device-release/warning/hda.0>gfx.0 open-group-swept/error/hda.0>gfx.0",
			       "with every allocation made, the findings of the component bug");
			is_int(r, 0, "and drc_ctx_finish() succeeds");
			drc_ctx_unref(ctx);
			break;
		}
		runs++;
		last = drc_ctx_get_finding_count(ctx) ?
		       drc_ctx_get_finding(ctx, drc_ctx_get_finding_count(ctx) - 1) : NULL;
		if (r == -ENOMEM && last && strcmp(last->rule, "log-loss") == 0 && strstr(last->summary, "out of memory"))
			reported++;
		if (!find_rule(ctx, "open-group-swept"))
			lost++;
		drc_ctx_unref(ctx);
	}
	ok(runs > 10 && k < 1000, "the rules' allocations failed one at a time (%u runs)", runs);
	is_int(reported, runs, "each failure is reported: -ENOMEM and a log-loss finding");
	ok(lost > 0, "among them, failures that cost the finding itself (%u)", lost);
}

/* Nested groups on b.0, some opened by a.0's probes: whether a swept node
 * came after its group's opener returned depends on every released open
 * group around it (summed per group, not walked per node: #17). */
static void test_nested_groups_swept(void)
{
	struct drc_ctx *ctx = judge(
		/* b.0's probe; a.0's probe opens G1 on b.0 */
		D("1.000000", "bdrv", "b.0", "ADD", "00000b00", "devm_kzalloc_release", 8)
		D("2.000000", "adrv", "a.0", "ADD", "00000a01", "devm_kzalloc_release", 8)
		D("2.000001", "adrv", "a.0", "ADD", "00000a02", "devm_kzalloc_release", 8)
		D("2.000002", "adrv", "b.0", "ADD", "00000b01", "grp<", 0)
		D("2.000003", "adrv", "b.0", "ADD", "00000b02", "devm_kzalloc_release", 16)
		/* b.0 adds later, into G1; G2 opened and closed inside it */
		D("3.000000", "bdrv", "b.0", "ADD", "00000b03", "pcim_iomap_release", 48)
		D("3.000001", "bdrv", "b.0", "ADD", "00000b04", "grp<", 0)
		D("3.000002", "bdrv", "b.0", "ADD", "00000b05", "devm_clk_release", 16)
		D("3.000003", "bdrv", "b.0", "ADD", "00000b2c", "grp>", 0)
		/* a.0 unbinds, and probes again: a node in G1, then G3 */
		D("4.000000", "adrv", "a.0", "REL", "00000a02", "devm_kzalloc_release", 8)
		D("4.000001", "adrv", "a.0", "REL", "00000a01", "devm_kzalloc_release", 8)
		D("5.000000", "adrv", "a.0", "ADD", "00000a03", "devm_kzalloc_release", 8)
		D("5.000001", "adrv", "b.0", "ADD", "00000b06", "devm_kzalloc_release", 32)
		D("5.000002", "adrv", "b.0", "ADD", "00000b07", "grp<", 0)
		D("5.000003", "adrv", "b.0", "ADD", "00000b08", "devm_kzalloc_release", 64)
		D("5.000004", "adrv", "a.0", "ADD", "00000a04", "devm_kzalloc_release", 8)
		/* b.0 adds later, into G3 */
		D("6.000000", "bdrv", "b.0", "ADD", "00000b09", "devm_kzalloc_release", 128)
		/* G3 released next to a.0's releases, G1 next to c.0's */
		D("7.000000", "bdrv", "b.0", "REL", "00000b07", "grp<", 0)
		D("7.000001", "bdrv", "b.0", "REL", "00000b09", "devm_kzalloc_release", 128)
		D("7.000002", "bdrv", "b.0", "REL", "00000b08", "devm_kzalloc_release", 64)
		D("7.000003", "adrv", "a.0", "REL", "00000a04", "devm_kzalloc_release", 8)
		D("8.000000", "bdrv", "b.0", "REL", "00000b01", "grp<", 0)
		D("8.000001", "bdrv", "b.0", "REL", "00000b04", "grp<", 0)
		D("8.000002", "bdrv", "b.0", "REL", "00000b06", "devm_kzalloc_release", 32)
		D("8.000003", "bdrv", "b.0", "REL", "00000b05", "devm_clk_release", 16)
		D("8.000004", "bdrv", "b.0", "REL", "00000b03", "pcim_iomap_release", 48)
		D("8.000005", "bdrv", "b.0", "REL", "00000b02", "devm_kzalloc_release", 16)
		D("8.000006", "cdrv", "c.0", "REL", "00000c01", "devm_kzalloc_release", 8)
		/* b.0 unbinds */
		D("9.000000", "bdrv", "b.0", "REL", "00000b00", "devm_kzalloc_release", 8));
	const struct drc_finding *by_a = NULL, *by_c = NULL;
	unsigned swept = 0;

	for (unsigned i = 0; i < drc_ctx_get_finding_count(ctx); i++) {
		const struct drc_finding *f = drc_ctx_get_finding(ctx, i);

		if (strcmp(f->rule, "open-group-swept") != 0)
			continue;
		swept++;
		if (f->other_device && strcmp(f->other_device, "a.0") == 0)
			by_a = f;
		if (f->other_device && strcmp(f->other_device, "c.0") == 0)
			by_c = f;
	}
	is_int(swept, 2, "two open groups swept nodes added later");
	/* G3, opened in a.0's second probe: b.0's own later node */
	is_str(nodes(by_a), "devm_kzalloc_release:128", "the inner group: the node b.0 added in a later run");
	/* G1: the node in the closed G2 inside it and b.0's own node came
	 * later; the one a.0's second probe added after a pause did not */
	is_str(nodes(by_c), "devm_clk_release:16,pcim_iomap_release:48",
	       "the outer group: nodes of later runs, in a closed group inside it too, not its opener's probe's");
	drc_ctx_unref(ctx);

	/* 20 nested open groups, the first 5 opened in runs of their own, the
	 * other 15 and every node in one later run; released in one group
	 * release next to a.0's: each node but the first came after an
	 * opener returned, for the innermost ones 15 groups up the chain */
	{
		struct strbuf t = STRBUF_INIT;
		const struct drc_finding *f;
		double ts = 20.0;

		strbuf_appendf(&t, D("0.500000", "bdrv", "b.0", "ADD", "00000b00", "devm_kzalloc_release", 8)
			       D("0.600000", "adrv", "a.0", "ADD", "00000a01", "devm_kzalloc_release", 8));
		for (unsigned k = 0; k < 20; k++) {
			double at = k < 5 ? 1.0 + k : 10.0 + (k - 5) * 2e-6;

			strbuf_appendf(&t, "[%12.6f] bdrv b.0: DEVRES ADD %016x grp< (0 bytes)\n", at, 0x1000 + k * 0x40);
			strbuf_appendf(&t, "[%12.6f] bdrv b.0: DEVRES ADD %016x devm_kzalloc_release (%u bytes)\n",
				       at + 1e-6, 0x8000 + k * 0x40, 16 + k);
		}
		for (unsigned k = 0; k < 20; k++, ts += 1e-6)
			strbuf_appendf(&t, "[%12.6f] bdrv b.0: DEVRES REL %016x grp< (0 bytes)\n", ts, 0x1000 + k * 0x40);
		for (unsigned k = 20; k-- > 0; ts += 1e-6)
			strbuf_appendf(&t, "[%12.6f] bdrv b.0: DEVRES REL %016x devm_kzalloc_release (%u bytes)\n",
				       ts, 0x8000 + k * 0x40, 16 + k);
		strbuf_appendf(&t, "[%12.6f] adrv a.0: DEVRES REL 0000000000000a01 devm_kzalloc_release (8 bytes)\n", ts);
		ctx = judge(strbuf_str(&t));
		f = find_rule(ctx, "open-group-swept");
		is_int(f ? f->n_nodes : 0, 19, "deep nest: 19 of the 20 nodes swept late");
		ok(f && f->nodes[0].size == 35 && f->nodes[18].size == 17, "from the innermost to the second");
		drc_ctx_unref(ctx);
		strbuf_done(&t);
	}
}

static void test_rule_table(void)
{
	ok(drc_rule_count() >= 13, "at least the rules of DESIGN.md");
	ok(drc_rule_find("open-group-swept") && !drc_rule_find("no-such-rule"), "rules are found by id");
	is_int(drc_severity_from_string("warning"), DRC_SEVERITY_WARNING, "severity names");
	ok(drc_severity_from_string("fatal") < 0, "unknown severity refused");
}

int main(void)
{
	test_open_group_swept();
	test_quiet_mark();
	test_closed_group_intended();
	test_concurrent_unbinds();
	test_whole_list_group();
	test_id_reuse_across_devices();
	test_node_reuse();
	test_probe_failure_and_defer();
	test_clean_cycles();
	test_leak_after_unbind_and_growth();
	test_never_released();
	test_root_device_kunit();
	test_resources_before_probe();
	test_module_gone();
	test_drmm_after_unbind();
	test_fd_after_unbind();
	test_release_order();
	test_unknown_and_loss();
	test_add_during_release();
	test_late_start_release();
	test_capture_ends_in_release();
	test_repeats_folded();
	test_errors_never_dropped();
	test_trace_declares_loss();
	test_no_devres();
	test_uncertain_after_loss();
	test_late_start_group_release();
	test_late_start_fixed_component();
	test_late_start_orphan_close();
	test_bind_uevent_first();
	test_driver_named_like_a_bus();
	test_nested_probe_context();
	test_nested_groups_swept();
	test_allocation_failures_reported();
	test_rule_table();
	return tap_done();
}
