// SPDX-License-Identifier: GPL-2.0-or-later
/* The list semantics of DESIGN.md 2.4, one operation at a time. */
#include "config.h"

#include "lib/feed.h"
#include "libdevres/libdevres-private.h"

#define L(op, id, name, size) "[ 1.0] drv d.0: DEVRES " op " " id " " name " (" #size " bytes)\n"

static struct drc_batch *last_batch(struct drc_device *d)
{
	struct drc_batch *b = d ? drc_device_get_first_batch(d) : NULL;

	while (b && drc_batch_next(b))
		b = drc_batch_next(b);
	return b;
}

static void test_groups(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		L("ADD", "00000000000000a1", "kz", 1)
		L("ADD", "00000000000000a2", "grp<", 0)     /* G1 */
		L("ADD", "00000000000000a3", "kz", 2)
		L("ADD", "00000000000000a4", "grp<", 0)     /* G2 inside G1 */
		L("ADD", "00000000000000a5", "kz", 3)
		L("ADD", "00000000000000a6", "grp>", 0)     /* closes G2: the latest open */
		L("ADD", "00000000000000a7", "kz", 4)       /* still inside G1 */
		);
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_node *n;
	struct drc_group *g1, *g2;

	is_str(live_string(d), "kz:1 grp<:0 kz:2 grp<:0 kz:3 grp>:0 kz:4", "list in kernel order");
	n = drc_device_get_first_node(d);
	ok(drc_node_get_group(n) == NULL, "node before any group is in none");
	n = drc_node_next(n);
	g1 = drc_node_get_group(n);
	n = drc_node_next(drc_node_next(n));
	g2 = drc_node_get_group(n);
	ok(g1 && g2 && g1 != g2 && drc_group_get_parent(g2) == g1, "G2 nested in G1");
	is_int(drc_group_get_state(g2), DRC_GROUP_CLOSED, "grp> closed the latest open group");
	is_int(drc_group_get_state(g1), DRC_GROUP_OPEN, "the outer group stays open");
	n = drc_node_next(drc_node_next(drc_node_next(n)));
	ok(drc_node_get_group(n) == g1, "a node added after G2 closed belongs to G1");
	drc_ctx_unref(ctx);
}

static void test_raw_pointer_pairing_32(void)
{
	/* 32-bit: struct devres_node is 0x14 bytes, so grp> = grp< + 0x14 */
	struct drc_ctx *ctx = ctx_from_text("t",
		"[ 1.0] drv d.0: DEVRES ADD c1001000 grp< (0 bytes)\n"
		"[ 1.0] drv d.0: DEVRES ADD c1002000 grp< (0 bytes)\n"
		"[ 1.0] drv d.0: DEVRES ADD c1001014 grp> (0 bytes)\n");
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_node *a = drc_device_get_first_node(d), *b = drc_node_next(a);

	is_int(drc_group_get_state(drc_node_get_group(a)), DRC_GROUP_CLOSED, "32-bit raw pointers: the first group closed");
	is_int(drc_group_get_state(drc_node_get_group(b)), DRC_GROUP_OPEN, "32-bit raw pointers: the latest stays open");
	drc_ctx_unref(ctx);
}

static void test_raw_pointer_pairing(void)
{
	/* two open groups; with raw pointers grp> pairs with grp< + 0x28, not the latest */
	struct drc_ctx *ctx = ctx_from_text("t",
		L("ADD", "ffff888100001000", "grp<", 0)
		L("ADD", "ffff888100002000", "grp<", 0)
		L("ADD", "ffff888100001028", "grp>", 0));
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_node *a = drc_device_get_first_node(d), *b = drc_node_next(a);

	is_int(drc_group_get_state(drc_node_get_group(a)), DRC_GROUP_CLOSED, "raw pointers: the first group closed");
	is_int(drc_group_get_state(drc_node_get_group(b)), DRC_GROUP_OPEN, "raw pointers: the latest stays open");
	drc_ctx_unref(ctx);
}

static void test_remove(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		L("ADD", "00000000000000a1", "kz", 1)
		L("REM", "00000000000000a1", "kz", 1)
		L("ADD", "00000000000000b1", "grp<", 0)
		L("ADD", "00000000000000b2", "kz", 2)
		L("ADD", "00000000000000b3", "grp>", 0)
		L("REM", "00000000000000b1", "grp<", 0));   /* devres_remove_group */
	struct drc_device *d = dev_named(ctx, "d.0");

	is_str(live_string(d), "kz:2", "REM of grp< removes both markers, members stay");
	is_int(drc_device_count_batches(d), 0, "REM releases nothing");
	drc_ctx_unref(ctx);
}

static void test_replace(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		L("ADD", "00000000000000a1", "kz", 40)
		L("ADD", "00000000000000a2", "devm_kzalloc_release", 16)
		L("REPLACE", "00000000000000a2", "devm_kzalloc_release", 16)
		L("ADD", "00000000000000a2", "action", 16)       /* old address reused at once */
		L("REM", "00000000000000a2", "action", 16)
		L("REL", "00000000000000e1", "devm_krealloc_release", 200)
		L("REL", "00000000000000a1", "kz", 40));
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_stats st = stats_of(ctx);
	struct drc_batch *b = last_batch(d);

	is_int(st.realloc_matched, 1, "the krealloc node is identified at its release");
	is_int(st.unknown_nodes, 0, "its unseen id is no unknown node");
	is_int(st.id_reuse, 0, "the replaced id is free again");
	ok(b && drc_batch_count_out_of_order(b) == 0, "release in list order");
	is_str(live_string(d), "", "nothing left");
	drc_ctx_unref(ctx);
}

static void test_batches(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		/* probe: kz1, grp< (open), kz2, kz3 */
		L("ADD", "00000000000000a1", "kz", 1)
		L("ADD", "00000000000000a2", "grp<", 0)
		L("ADD", "00000000000000a3", "kz", 2)
		L("ADD", "00000000000000a4", "kz", 3)
		/* devres_release_group(dev, NULL) from another device's unbind */
		L("REL", "00000000000000a2", "grp<", 0)
		L("REL", "00000000000000a4", "kz", 3)
		L("REL", "00000000000000a3", "kz", 2)
		"[ 1.5] other o.0: DEVRES REL 00000000000000f1 kz (9 bytes)\n"
		/* its own unbind, later */
		"[ 3.0] drv d.0: DEVRES REL 00000000000000a1 kz (1 bytes)\n");
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_batch *b = drc_device_get_first_batch(d);

	is_int(drc_device_count_batches(d), 2, "a group release and a release-all");
	is_int(b ? (long long)drc_batch_get_kind(b) : -1, DRC_BATCH_RELEASE_GROUP, "first batch: release-group");
	is_int(b ? (long long)drc_batch_count_released(b) : -1, 2, "the group swept two nodes");
	b = b ? drc_batch_next(b) : NULL;
	is_int(b ? (long long)drc_batch_get_kind(b) : -1, DRC_BATCH_RELEASE_ALL, "second batch: release-all");
	is_int(drc_device_get_state(d), DRC_DEVICE_UNBOUND, "release-all unbinds");
	drc_ctx_unref(ctx);

	/* the kernel order: all swept grp< first, then nodes backwards */
	ctx = ctx_from_text("t",
		L("ADD", "00000000000000a1", "kz", 1)
		L("ADD", "00000000000000a2", "grp<", 0)
		L("ADD", "00000000000000a3", "kz", 2)
		L("ADD", "00000000000000a4", "grp>", 0)
		L("ADD", "00000000000000a5", "kz", 3)
		L("REL", "00000000000000a2", "grp<", 0)
		L("REL", "00000000000000a5", "kz", 3)
		L("REL", "00000000000000a3", "kz", 2)
		L("REL", "00000000000000a1", "kz", 1));
	d = dev_named(ctx, "d.0");
	b = drc_device_get_first_batch(d);
	is_int(drc_device_count_batches(d), 1, "unbind: one batch");
	is_int(b ? (long long)drc_batch_get_kind(b) : -1, DRC_BATCH_RELEASE_ALL, "unbind: release-all");
	is_int(b ? (long long)drc_batch_count_out_of_order(b) : -1, 0, "unbind: in kernel order");
	is_str(live_string(d), "", "released grp>'s node vanished silently");
	drc_ctx_unref(ctx);

	/* out of order: a lost line or a real bug */
	ctx = ctx_from_text("t",
		L("ADD", "00000000000000a1", "kz", 1)
		L("ADD", "00000000000000a2", "kz", 2)
		L("ADD", "00000000000000a3", "kz", 3)
		L("REL", "00000000000000a3", "kz", 3)
		L("REL", "00000000000000a1", "kz", 1)
		L("REL", "00000000000000a2", "kz", 2));
	b = last_batch(dev_named(ctx, "d.0"));
	ok(b && drc_batch_count_out_of_order(b) >= 1, "releases against list order are counted");
	drc_ctx_unref(ctx);
}

static void test_reuse_and_unknown(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		L("REL", "00000000000000c1", "kz", 7)          /* added before the capture */
		L("ADD", "00000000000000a1", "grp<", 0)
		L("ADD", "00000000000000a1", "pcim_iomap_release", 48)   /* REM of the group lost */
		"[ 1.0] drv2 e.0: DEVRES ADD 00000000000000c1 kz (5 bytes)\n");
	struct drc_stats st = stats_of(ctx);

	is_int(st.unknown_nodes, 1, "REL of a node never added is counted, not fatal");
	is_int(st.id_reuse, 1, "ADD of a live id: a capture gap");
	is_str(live_string(dev_named(ctx, "d.0")), "pcim_iomap_release:48", "the newer node replaces the lost one");
	is_str(live_string(dev_named(ctx, "e.0")), "kz:5", "a freed id reused on another device is fine");
	drc_ctx_unref(ctx);
}

/* Early boot: the pointer hash key is not ready and every node prints as
 * "(____ptrval____)"; the nodes are found by their place and their name. */
static void test_unaddressed(void)
{
#define P "(____ptrval____)"
	static const char text[] =
		L("ADD", P, "kz", 8)
		L("ADD", P, "grp<", 0)
		L("ADD", P, "kz", 16)
		L("ADD", P, "devm_action_release", 16)
		L("ADD", P, "kz", 16)
		L("ADD", P, "grp>", 0)
		L("REM", P, "kz", 16)           /* devres_find(): the latest of the kind */
		L("ADD", P, "kz", 32)
		"[ 1.5] drv d.0: DEVRES REL " P " grp< (0 bytes)\n"       /* the unbind */
		"[ 1.5] drv d.0: DEVRES REL " P " kz (32 bytes)\n"
		"[ 1.5] drv d.0: DEVRES REL " P " devm_action_release (16 bytes)\n"
		"[ 1.5] drv d.0: DEVRES REL " P " kz (16 bytes)\n"
		"[ 1.5] drv d.0: DEVRES REL " P " kz (8 bytes)\n"
		"[ 2.0] drv e.0: DEVRES ADD (ptrval) kz (4 bytes)\n";
	struct drc_ctx *ctx;
	struct drc_stream *s;

	if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, "t", &s) < 0)
		abort();
	drc_ctx_set_keep_history(ctx, true);
	if (drc_stream_feed(s, text, strlen(text)) < 0 || drc_stream_finish(s) < 0)
		abort();
	drc_stream_free(s);

	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_batch *b = last_batch(d);
	struct drc_node *h;
	struct drc_stats st = stats_of(ctx);

	is_int(st.devres_events, 14, "every unaddressed line decoded");
	is_int(st.unknown_nodes, 0, "every release found its node");
	is_str(live_string(d), "", "the unbind emptied the list");
	ok(b && drc_batch_get_kind(b) == DRC_BATCH_RELEASE_ALL && drc_batch_count_out_of_order(b) == 0 &&
	   drc_batch_count_released(b) == 4, "one release of all, in order");
	/* the REM took the second kz:16, the one after the action */
	h = d ? drc_device_get_first_history(d) : NULL;
	for (int i = 0; h && i < 4; i++)
		h = drc_node_next_history(h);
	ok(h && strcmp(drc_node_get_name(h), "kz") == 0 && drc_node_get_state(h) == DRC_NODE_REMOVED,
	   "REM of two alike: the latest one");
	is_str(live_string(dev_named(ctx, "e.0")), "kz:4", "32-bit \"(ptrval)\" read");
	drc_ctx_unref(ctx);
#undef P
}

/*
 * Lost lines: a group's grp> address is added again while it is live (the
 * group's release was lost), then its grp< address too. Each ends the old
 * node as lost, the second also the group's grp>, which had ended already:
 * with the history kept, ending it again emptied the whole live list.
 */
static void test_lost_group_ended_once(void)
{
	static const char text[] =
		"[ 1.0] drv d.0: DEVRES ADD 00000000000000a0 grp< (0 bytes)\n"
		"[ 1.0] drv d.0: DEVRES ADD 00000000000000c8 grp> (0 bytes)\n"
		"[ 1.0] drv d.0: DEVRES ADD 00000000000000f0 kz (8 bytes)\n"
		"[ 2.0] drv d.0: DEVRES ADD 00000000000000c8 kz (16 bytes)\n"
		"[ 2.0] drv d.0: DEVRES ADD 00000000000000a0 kz (24 bytes)\n";
	for (int history = 0; history < 2; history++) {
		struct drc_ctx *ctx;
		struct drc_stream *s;

		if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, "t", &s) < 0)
			abort();
		drc_ctx_set_keep_history(ctx, history);
		if (drc_stream_feed(s, text, strlen(text)) < 0 || drc_stream_finish(s) < 0)
			abort();
		drc_stream_free(s);
		is_strf(live_string(dev_named(ctx, "d.0")), "kz:8 kz:16 kz:24",
			"addresses added again over a lost group: the list stays whole (history %s)",
			history ? "kept" : "not kept");
		is_intf((int)drc_device_count_live(dev_named(ctx, "d.0")), 3, "and its count (history %s)",
			history ? "kept" : "not kept");
		drc_ctx_unref(ctx);
	}
}

static void test_witnesses(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		"[ 1.0] drv d.0: DEVRES ADD 00000000000000a1 kz (1 bytes)\n"
		"  x-1 [000] d.... 1.0: devres_log: d.0 ADD 00000000000000a1 kz (1 bytes)\n"
		/* this one only the trace saw */
		"  x-1 [000] d.... 1.1: devres_log: d.0 ADD 00000000000000a2 kz (2 bytes)\n"
		"[ 1.2] drv d.0: DEVRES ADD 00000000000000a3 kz (3 bytes)\n"
		"  x-1 [000] d.... 1.2: devres_log: d.0 ADD 00000000000000a3 kz (3 bytes)\n");
	struct drc_stats st = stats_of(ctx);

	is_int(st.devres_events, 3, "each operation taken once from two witnesses");
	is_int(st.duplicates, 2, "duplicates counted");
	is_str(live_string(dev_named(ctx, "d.0")), "kz:1 kz:2 kz:3", "nothing lost when one witness missed a line");
	drc_ctx_unref(ctx);
}

/* the two witnesses of one operation: printk with hashed ids, a trace
 * instance with hash-ptr off with raw pointers */
#define K(t, op, id, name, size) "[ " t "] drv d.0: DEVRES " op " " id " " name " (" #size " bytes)\n"
#define T(t, op, id, name, size) "  x-1 [000] d.... " t ": devres_log: d.0 " op " " id " " name " (" #size " bytes)\n"

struct order {
	char buf[2048];
	size_t n;
};

static void on_order(void *userdata, const struct drc_event *ev)
{
	struct order *o = userdata;

	if (o->n < sizeof(o->buf))
		o->n += (size_t)snprintf(o->buf + o->n, sizeof(o->buf) - o->n, "%s%s %s:%llu", o->n ? ", " : "",
					 drc_op_to_string(ev->op), ev->name, (unsigned long long)ev->size);
}

static size_t window_limit;     /* 0: the library's witness window */

/* @texts read one after the other, as files given together */
static struct drc_ctx *ctx_from_texts(const char *const *texts, struct order *o)
{
	struct drc_ctx *ctx;

	if (drc_ctx_new(&ctx) < 0)
		abort();
	if (window_limit)
		ctx->witness_window = window_limit;
	if (o) {
		o->n = 0;
		o->buf[0] = '\0';
		drc_ctx_set_event_fn(ctx, on_order, o);
	}
	for (; *texts; texts++) {
		struct drc_stream *s;

		if (drc_stream_new(ctx, "t", &s) < 0 || drc_stream_feed(s, *texts, strlen(*texts)) < 0 ||
		    drc_stream_finish(s) < 0)
			abort();
		drc_stream_free(s);
	}
	if (drc_ctx_finish(ctx) < 0)
		abort();
	return ctx;
}

/* where a node's ADD stands to a release, as the witnesses printed them */
static void test_node_order(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		"[ 1.0] drv d.0: DEVRES ADD 00000000000000a1 kz (1 bytes)\n"
		"  x-1 [000] d.... 1.0: devres_log: d.0 ADD 00000000000000a1 kz (1 bytes)\n"
		"  x-1 [000] d.... 1.1: devres_log: d.0 ADD 00000000000000a2 kz (2 bytes)\n");
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_node *a1 = d ? d->head : NULL, *a2 = a1 ? a1->next : NULL;
	struct drc_node n = { 0 };
	struct drc_batch b = { 0 };

	ok(a1 && a1->widx[DRC_WITNESS_PRINTK] == 1 && a1->widx[DRC_WITNESS_TRACE] == 1,
	   "a node printed by both witnesses has its place in each");
	ok(a2 && a2->widx[DRC_WITNESS_PRINTK] == 0 && a2->widx[DRC_WITNESS_TRACE] == 2,
	   "a node only the trace printed: its place there only");
	drc_ctx_unref(ctx);

	b.last_widx[DRC_WITNESS_PRINTK] = 10;
	n.widx[DRC_WITNESS_PRINTK] = 11;
	is_int(drc_node_order(&n, &b), DRC_ORDER_AFTER, "the same witness printed the ADD after the release");
	n.widx[DRC_WITNESS_PRINTK] = 9;
	is_int(drc_node_order(&n, &b), DRC_ORDER_BEFORE, "near miss: printed before it");
	n.widx[DRC_WITNESS_PRINTK] = 0;
	n.widx[DRC_WITNESS_TRACE] = 40;
	is_int(drc_node_order(&n, &b), DRC_ORDER_UNKNOWN, "no witness printed both: their order is not known");
	b.last_widx[DRC_WITNESS_TRACE] = 41;
	is_int(drc_node_order(&n, &b), DRC_ORDER_BEFORE, "the trace printed both, the ADD first");
	n = (struct drc_node){ 0 };
	is_int(drc_node_order(&n, &b), DRC_ORDER_BEFORE, "a node not from a stream: as applied");

	/* copies paired by time after a loss: one witness's place is no order */
	n = (struct drc_node){ .widx = { [DRC_WITNESS_PRINTK] = 9, [DRC_WITNESS_TRACE] = 40 }, .twin_guessed = true };
	b = (struct drc_batch){ .last_widx = { [DRC_WITNESS_PRINTK] = 10 } };
	is_int(drc_node_order(&n, &b), DRC_ORDER_UNKNOWN, "twins guessed, the release in one witness: not known");
	b.last_widx[DRC_WITNESS_TRACE] = 41;
	is_int(drc_node_order(&n, &b), DRC_ORDER_BEFORE, "near miss: the release in both, before in both");
	b.last_widx[DRC_WITNESS_TRACE] = 0;
	n.twin_guessed = false;
	is_int(drc_node_order(&n, &b), DRC_ORDER_BEFORE, "near miss: twins by order, the release in one witness");
}

/*
 * After a loss a device's first twins are picked by time, and the next
 * ones by order from there: all of them are guesses (two cycles' alike
 * copies each missing its own twin would pair the same way).
 */
static void test_witness_guessed(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		K("1.000000", "ADD", "00000000aaaa0001", "kz", 8)
		T("1.000010", "ADD", "0000000060370a00", "kz", 8)
		"CPU:0 [LOST 1 EVENTS]\n"
		K("2.000000", "ADD", "00000000aaaa0002", "buf", 16)
		T("2.000010", "ADD", "0000000060370b00", "buf", 16)
		K("2.000100", "ADD", "00000000aaaa0003", "irq", 4)
		T("2.000110", "ADD", "0000000060370c00", "irq", 4));
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_node *kz = d ? d->head : NULL, *buf = kz ? kz->next : NULL, *irq = buf ? buf->next : NULL;

	is_int(stats_of(ctx).duplicates, 3, "guessed twins: three pairs");
	ok(kz && !kz->twin_guessed, "guessed twins: the first, by time before any loss, is no guess");
	ok(buf && buf->twin_guessed, "guessed twins: the first after the loss, by time, is a guess");
	ok(irq && irq->twin_guessed, "guessed twins: the next, by order from the guess, too");
	drc_ctx_unref(ctx);
}

static void test_witness_ids_differ(void)
{
	struct order o;
	/* trace first; every id differs between the two */
	const char *text[] = {
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		K("1.00", "ADD", "00000000865cdb29", "kz", 8)
		T("1.01", "ADD", "0000000060370b00", "act", 16)
		K("1.01", "ADD", "00000000c979a481", "act", 16)
		/* devres.log switched off: only the trace from here */
		T("2.00", "REL", "0000000060370b00", "act", 16)
		T("2.01", "REL", "0000000060370a00", "kz", 8),
		NULL,
	};
	struct drc_ctx *ctx = ctx_from_texts(text, &o);
	struct drc_stats st = stats_of(ctx);

	is_int(st.devres_events, 4, "ids differ: four operations");
	is_int(st.duplicates, 2, "ids differ: two taken once");
	is_int(st.unknown_nodes, 0, "ids differ: the trace-only RELs find their nodes by the trace's ids");
	is_str(live_string(dev_named(ctx, "d.0")), "", "ids differ: nothing live");
	is_str(o.buf, "ADD kz:8, ADD act:16, REL act:16, REL kz:8", "ids differ: the kernel's order");
	drc_ctx_unref(ctx);

	/* kmsg first, then kmsg alone: the REL finds the node by its kmsg id,
	 * although the node was made from the trace's copy */
	{
		const char *t2[] = {
			T("1.00", "ADD", "0000000060370a00", "kz", 8)
			K("1.00", "ADD", "00000000865cdb29", "kz", 8)
			K("2.00", "REL", "00000000865cdb29", "kz", 8),
			NULL,
		};

		ctx = ctx_from_texts(t2, NULL);
		is_int(stats_of(ctx).unknown_nodes, 0, "alias: the kmsg-only REL finds the node");
		is_int(stats_of(ctx).devres_events, 2, "alias: two operations");
		drc_ctx_unref(ctx);
	}
}

/* each witness lost what the other saw: an ADD only in the trace, its REL
 * only in the kernel log (ids differ): the REL where the walk is, of the
 * node's name and size, is that node's */
static void test_witness_lost_twins(void)
{
	const char *text[] = {
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		K("1.00", "ADD", "0000000011111111", "kz", 8)
		"devresctl-lost: kmsg 1 records overwritten before they were read\n"
		T("1.01", "ADD", "0000000060370b00", "act", 16)
		T("1.02", "ADD", "0000000060370c00", "res", 24)
		K("1.02", "ADD", "0000000033333333", "res", 24)
		T("2.00", "REL", "0000000060370c00", "res", 24)
		K("2.00", "REL", "0000000033333333", "res", 24)
		"CPU:0 [LOST 2 EVENTS]\n"
		K("2.00", "REL", "0000000022222222", "act", 16)
		K("2.00", "REL", "0000000011111111", "kz", 8),
		NULL,
	};
	struct drc_ctx *ctx = ctx_from_texts(text, NULL);
	struct drc_device *d = dev_named(ctx, "d.0");

	is_str(live_string(d), "", "lost twins: all released");
	is_int(stats_of(ctx).unknown_nodes, 0, "lost twins: the kmsg-only REL found the trace-only ADD's node");
	drc_ctx_unref(ctx);

	/* near miss: another name at the walk's place is another node */
	{
		const char *t2[] = {
			T("1.00", "ADD", "0000000060370a00", "kz", 8)
			K("1.00", "ADD", "0000000011111111", "kz", 8)
			"devresctl-lost: kmsg 1 records overwritten before they were read\n"
			T("1.01", "ADD", "0000000060370b00", "act", 16)
			"CPU:0 [LOST 2 EVENTS]\n"
			K("2.00", "REL", "0000000022222222", "other", 16)
			K("2.00", "REL", "0000000011111111", "kz", 8),
			NULL,
		};

		ctx = ctx_from_texts(t2, NULL);
		is_int(stats_of(ctx).unknown_nodes, 1, "lost twins: a REL of another name stays unknown");
		is_str(live_string(dev_named(ctx, "d.0")), "act:16", "lost twins: and the node stays");
		drc_ctx_unref(ctx);
	}
}

static void test_witness_identical_nodes(void)
{
	struct order o;
	/* three devm_kzalloc_release of one size: the order tells them apart;
	 * the trace lost the second ADD (it sees the second REL) */
	const char *text[] = {
		T("1.00", "ADD", "0000000060370a00", "kz", 48)
		K("1.00", "ADD", "0000000011111111", "kz", 48)
		K("1.00", "ADD", "0000000022222222", "kz", 48)
		K("1.00", "ADD", "0000000033333333", "kz", 48)
		/* the trace's copy of the third ADD is taken for the second's
		 * twin: alike nodes, nothing tells them apart yet */
		T("1.00", "ADD", "0000000060370c00", "kz", 48)
		T("2.00", "REL", "0000000060370c00", "kz", 48)
		K("2.00", "REL", "0000000033333333", "kz", 48)
		T("2.00", "REL", "0000000060370b00", "kz", 48)
		K("2.00", "REL", "0000000022222222", "kz", 48)
		T("2.00", "REL", "0000000060370a00", "kz", 48)
		K("2.00", "REL", "0000000011111111", "kz", 48),
		NULL,
	};
	struct drc_ctx *ctx = ctx_from_texts(text, &o);
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_batch *b = d ? drc_device_get_first_batch(d) : NULL;
	struct drc_stats st = stats_of(ctx);

	is_int(st.devres_events, 6, "identical nodes: six operations");
	is_int(st.duplicates, 5, "identical nodes: five taken once");
	is_str(live_string(d), "", "identical nodes: all released");
	is_int(st.unknown_nodes, 0, "identical nodes: every REL found its node");
	ok(b && !drc_batch_next(b) && drc_batch_count_released(b) == 3 && drc_batch_get_kind(b) == DRC_BATCH_RELEASE_ALL,
	   "identical nodes: one release-all of three");
	drc_ctx_unref(ctx);
}

static void test_witness_loss(void)
{
	struct order o;
	const char *want = "ADD kz:8, ADD act:16, ADD res:24, REL res:24, REL act:16, REL kz:8";
	/* the kmsg reader is ahead and lost "act" (EPIPE) */
	const char *kmsg_ahead[] = {
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		K("1.00", "ADD", "00000000865cdb29", "kz", 8)
		K("1.02", "ADD", "00000000abcdef01", "res", 24)
		"[ 1.02] dfx-rig: a note between the lines\n"
		T("1.01", "ADD", "0000000060370b00", "act", 16)
		T("1.02", "ADD", "0000000060370c00", "res", 24)
		K("2.00", "REL", "00000000abcdef01", "res", 24)
		T("2.00", "REL", "0000000060370c00", "res", 24)
		T("2.01", "REL", "0000000060370b00", "act", 16)
		K("2.01", "REL", "00000000c979a481", "act", 16)
		T("2.02", "REL", "0000000060370a00", "kz", 8)
		K("2.02", "REL", "00000000865cdb29", "kz", 8),
		NULL,
	};
	/* the trace reader is ahead and lost "act" ([LOST 1 EVENTS]) */
	const char *trace_ahead[] = {
		K("1.00", "ADD", "00000000865cdb29", "kz", 8)
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		"CPU:0 [LOST 1 EVENTS]\n"
		T("1.02", "ADD", "0000000060370c00", "res", 24)
		K("1.01", "ADD", "00000000c979a481", "act", 16)
		K("1.02", "ADD", "00000000abcdef01", "res", 24)
		T("2.00", "REL", "0000000060370c00", "res", 24)
		T("2.01", "REL", "0000000060370b00", "act", 16)
		T("2.02", "REL", "0000000060370a00", "kz", 8)
		K("2.00", "REL", "00000000abcdef01", "res", 24)
		K("2.01", "REL", "00000000c979a481", "act", 16)
		K("2.02", "REL", "00000000865cdb29", "kz", 8),
		NULL,
	};
	struct drc_ctx *ctx = ctx_from_texts(kmsg_ahead, &o);
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_batch *b = d ? drc_device_get_first_batch(d) : NULL;

	is_int(stats_of(ctx).devres_events, 6, "kmsg ahead, lost one: six operations");
	is_int(stats_of(ctx).duplicates, 5, "kmsg ahead, lost one: five taken once");
	is_str(o.buf, want, "kmsg ahead, lost one: the lost ADD in its place");
	ok(b && drc_batch_count_out_of_order(b) == 0 && drc_batch_count_unknown(b) == 0,
	   "kmsg ahead, lost one: the release-all in order, every node known");
	drc_ctx_unref(ctx);

	ctx = ctx_from_texts(trace_ahead, &o);
	d = dev_named(ctx, "d.0");
	b = d ? drc_device_get_first_batch(d) : NULL;
	is_int(stats_of(ctx).devres_events, 6, "trace ahead, lost one: six operations");
	is_int(stats_of(ctx).duplicates, 5, "trace ahead, lost one: five taken once");
	is_str(o.buf, want, "trace ahead, lost one: the lost ADD in its place");
	ok(b && drc_batch_count_out_of_order(b) == 0 && drc_batch_count_unknown(b) == 0,
	   "trace ahead, lost one: the release-all in order, every node known");
	is_str(live_string(d), "", "trace ahead, lost one: nothing live");
	drc_ctx_unref(ctx);
}

static void test_witness_files(void)
{
	/* a dmesg file and a trace file given together; the trace file is the
	 * only one with the last REL */
	const char *text[] = {
		K("1.00", "ADD", "00000000865cdb29", "kz", 8)
		K("1.01", "ADD", "00000000c979a481", "act", 16)
		K("2.00", "REL", "00000000c979a481", "act", 16),
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		T("1.01", "ADD", "0000000060370b00", "act", 16)
		T("2.00", "REL", "0000000060370b00", "act", 16)
		T("2.01", "REL", "0000000060370a00", "kz", 8),
		NULL,
	};
	const char *hashed[] = {
		/* hash-ptr on: one id space, so equal ids pick the twin: the trace
		 * lost the first of two like nodes */
		K("1.00", "ADD", "00000000865cdb29", "kz", 8)
		K("1.01", "ADD", "00000000c979a481", "kz", 8)
		K("1.02", "ADD", "00000000abcdef01", "res", 24),
		T("1.01", "ADD", "00000000c979a481", "kz", 8)
		T("1.02", "ADD", "00000000abcdef01", "res", 24)
		T("2.00", "REL", "00000000c979a481", "kz", 8)
		T("2.01", "REL", "00000000865cdb29", "kz", 8),
		NULL,
	};
	struct drc_ctx *ctx = ctx_from_texts(text, NULL);

	is_int(stats_of(ctx).devres_events, 4, "two files: four operations");
	is_int(stats_of(ctx).duplicates, 3, "two files: three taken once");
	is_str(live_string(dev_named(ctx, "d.0")), "", "two files: nothing live");
	is_int(stats_of(ctx).unknown_nodes, 0, "two files: the trace's REL finds the kmsg's node");
	drc_ctx_unref(ctx);

	ctx = ctx_from_texts(hashed, NULL);
	/* the trace's kz is the twin of the second ADD, not of the oldest
	 * alike one: equal ids say so */
	is_int(stats_of(ctx).devres_events, 5, "one id space: five operations");
	is_int(stats_of(ctx).duplicates, 2, "one id space: two taken once");
	is_int(stats_of(ctx).unknown_nodes, 0, "one id space: both RELs found their nodes");
	is_str(live_string(dev_named(ctx, "d.0")), "res:24", "one id space: res stays");
	drc_ctx_unref(ctx);
}

static void test_witness_names(void)
{
	/* 6.1: the trace record holds name (and op) as pointers */
	const char *text[] = {
		T("1.00", "ADD", "0000000060370a00", "0000000060378a54", 48)
		T("1.00", "ADD", "0000000060370b00", "0000000060379870", 16)
		K("1.00", "ADD", "00000000865cdb29", "devm_kzalloc_release", 48)
		K("1.00", "ADD", "00000000c979a481", "dfx_hda_irq_release", 16)
		/* the trace alone from here: the learnt name */
		T("1.10", "ADD", "0000000060370c00", "0000000060378a54", 64),
		NULL,
	};
	const char *trace_only[] = {
		T("1.00", "ADD", "0000000060370a00", "0000000060378a54", 48),
		NULL,
	};
	struct drc_ctx *ctx = ctx_from_texts(text, NULL);

	is_str(live_string(dev_named(ctx, "d.0")), "devm_kzalloc_release:48 dfx_hda_irq_release:16 devm_kzalloc_release:64",
	       "names: learnt from the printk twin, also for a later trace-only node");
	drc_ctx_unref(ctx);
	ctx = ctx_from_texts(trace_only, NULL);
	is_str(live_string(dev_named(ctx, "d.0")), "0000000060378a54:48", "names: nobody knows it, the address stays");
	drc_ctx_unref(ctx);

	/* a modules' name in the stock kernel's trace text */
	ctx = ctx_from_text("t", T("1.00", "ADD", "0000000060370a00",
				   "(0xffffffffc05a1230:ata_devres_release)[UNSAFE-MEMORY]", 8)
				 K("1.00", "ADD", "00000000865cdb29", "ata_devres_release", 8));
	is_str(live_string(dev_named(ctx, "d.0")), "ata_devres_release:8", "names: a module's symbol, taken once");
	is_int(stats_of(ctx).duplicates, 1, "names: the module's name matches its printk twin");
	drc_ctx_unref(ctx);
}

static void test_empty_record(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		"           <...>-0       [000] 0.000000: devres_log:  0000000000000000 0000000000000000 "
		"0000000000000000 (0 bytes)\n"
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		/* near miss: a real node at address zero is still an event */
		"  x-1 [000] d.... 1.01: devres_log: d.0 ADD 0000000000000000 kz (0 bytes)\n");
	struct drc_stats st = stats_of(ctx);

	is_int(st.empty_records, 1, "a record of zeros is counted apart");
	is_int(st.undecoded, 0, "and is not undecodable");
	is_int(st.devres_events, 2, "and is not an operation");
	drc_ctx_unref(ctx);
}

static void test_binding_from_pattern(void)
{
	/* the trace alone: probe, unbind (release-all), probe again */
	struct drc_ctx *ctx = ctx_from_text("t",
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		T("1.01", "ADD", "0000000060370b00", "act", 16)
		T("2.00", "REL", "0000000060370b00", "act", 16)
		T("2.01", "REL", "0000000060370a00", "kz", 8)
		T("3.00", "ADD", "0000000060370a00", "kz", 8));

	is_int(drc_device_get_state(dev_named(ctx, "d.0")), DRC_DEVICE_BOUND,
	       "pattern: ADDs after a release-all are a probe: bound");
	drc_ctx_unref(ctx);

	/* near miss: the release-all is the last thing */
	ctx = ctx_from_text("t",
		T("1.00", "ADD", "0000000060370a00", "kz", 8)
		T("2.01", "REL", "0000000060370a00", "kz", 8));
	is_int(drc_device_get_state(dev_named(ctx, "d.0")), DRC_DEVICE_UNBOUND, "pattern: released whole: unbound");
	drc_ctx_unref(ctx);

	/* a device whose printk prefix named its bus has no driver */
	ctx = ctx_from_text("t",
		"[ 1.0] platform d.0: DEVRES ADD 00000000865cdb29 kz (8 bytes)\n"
		"[ 1.1] platform d.0: DEVRES REL 00000000865cdb29 kz (8 bytes)\n"
		T("3.00", "ADD", "0000000060370a00", "kz", 8));
	is_int(drc_device_get_state(dev_named(ctx, "d.0")), DRC_DEVICE_UNBOUND,
	       "pattern: a driverless device stays unbound");
	drc_ctx_unref(ctx);
}

/* a copy waits for its twin among the last copies of the other witness
 * (ctx->witness_window): how far one reader may be behind the other */
static void witness_window_declared(unsigned n, bool declared, unsigned want_events, unsigned want_dups,
				    const char *what)
{
	size_t cap = (size_t)n * 2 * 96 + 64;
	char *text = malloc(cap), line[128];
	size_t len = 0;
	struct drc_ctx *ctx;

	if (!text)
		abort();
	if (declared)
		len = (size_t)sprintf(text, "%s", DRC_WITNESSES_LINE "kmsg trace\n");
	/* all of kmsg first, then all of the trace: each op its own size */
	for (unsigned w = 0; w < 2; w++)
		for (unsigned i = 1; i <= n; i++) {
			int k = w ? snprintf(line, sizeof(line), "  x-1 [000] d.... 1.0: devres_log: d.0 ADD %016x kz (%u bytes)\n",
					     0x60000000u + i * 0x40, i) :
				    snprintf(line, sizeof(line), "[ 1.0] drv d.0: DEVRES ADD %016x kz (%u bytes)\n",
					     0x10000000u + i * 0x40, i);

			memcpy(text + len, line, (size_t)k);
			len += (size_t)k;
		}
	text[len] = '\0';
	ctx = ctx_from_texts((const char *const[]){ text, NULL }, NULL);
	is_int(stats_of(ctx).devres_events, want_events, what);
	is_int(stats_of(ctx).duplicates, want_dups, what);
	drc_ctx_unref(ctx);
	free(text);
}

static void witness_window(unsigned n, unsigned want_events, unsigned want_dups, const char *what)
{
	witness_window_declared(n, false, want_events, want_dups, what);
}

static void test_witness_window(void)
{
	/* one witness alone keeps DRC_WITNESS_RING_ALONE copies (32768): the
	 * first 7232 of 40000 have left before the other witness starts */
	witness_window(40000, 47232, 32768, "one witness alone: its ring stops at 32768 copies");
	/* a collector that declared both: as far as a reader can be behind */
	witness_window_declared(40000, true, 40000, 40000,
				"both witnesses declared: 40000 behind, every copy finds its twin");

	/* the ring grows past its first 4096 (DRC_WITNESS_RING): a printk
	 * ring of 8 MiB holds far more, and a reader so far behind lost nothing */
	witness_window(4097, 4097, 4097, "window: 4097 behind, the ring grows, every copy finds its twin");
	witness_window(10000, 10000, 10000, "window: 10000 behind, every copy finds its twin");
	/* where it ends (DRC_WITNESS_RING_MAX, here set to 4096) */
	window_limit = 4096;
	witness_window(4096, 4096, 4096, "window of 4096: 4096 behind, every copy finds its twin");
	/* near miss: the first kmsg copy left the window before its twin came */
	witness_window(4097, 4098, 4096, "window of 4096: 4097 behind, the first twin is missed");
	window_limit = 0;
}

static void test_witness_after_loss(void)
{
	/* three alike nodes a cycle apart (a microsecond clock); the trace
	 * lost the second ADD, then kmsg went quiet and the trace alone
	 * removed the first and third */
	struct drc_ctx *ctx = ctx_from_text("t",
		K("1.000000", "ADD", "00000000aaaa0001", "kz", 8)
		T("1.000000", "ADD", "0000000060370a00", "kz", 8)
		K("1.000100", "ADD", "00000000aaaa0002", "kz", 8)
		K("1.000200", "ADD", "00000000aaaa0003", "kz", 8)
		"CPU:0 [LOST 1 EVENTS]\n"
		T("1.000200", "ADD", "0000000060370c00", "kz", 8)
		T("1.100000", "REM", "0000000060370c00", "kz", 8)
		T("1.100001", "REM", "0000000060370a00", "kz", 8));
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_node *n = d ? drc_device_get_first_node(d) : NULL;

	is_int(stats_of(ctx).devres_events, 5, "after a loss: five operations");
	is_int(stats_of(ctx).unknown_nodes, 0, "after a loss: the trace's REMs find their nodes");
	/* by order the trace's third ADD would pair with the second kmsg ADD;
	 * by time it is the third's twin, and the second stays */
	ok(n && !drc_node_next(n) && drc_node_get_id(n) == 0xaaaa0002, "after a loss: the twin by time, the second stays");
	drc_ctx_unref(ctx);
}


/*
 * printk's clock on a kernel whose sched_clock is jiffies (User-Mode Linux)
 * stamps a whole probe with one time, the trace's does not: a new device's
 * first twins are then told apart by order. @pairs twins on a.0 first (the
 * kmsg copies all at 1.000000: 2 * @pairs stepped times), then b.0's three
 * ADDs, the second kz the closer to the first kmsg kz by the offset a.0 gave.
 */
static uint64_t clock_step_events(unsigned pairs)
{
	char text[4096], *p = text;
	struct drc_ctx *ctx;
	struct drc_device *b;
	uint64_t n;

	for (unsigned op = 0; op < 2; op++)
		for (unsigned i = 0; i < pairs; i++) {
			unsigned k = op ? pairs - 1 - i : i;

			p += sprintf(p, "  x-1 [000] d.... 1.%06u: devres_log: a.0 %s %016x r%u (%u bytes)\n",
				     9000 + op * 100 + i, op ? "REL" : "ADD", 0x60000000u + k * 0x40, k, k + 1);
			p += sprintf(p, "[ 1.000000] drv a.0: DEVRES %s %016x r%u (%u bytes)\n", op ? "REL" : "ADD",
				     0x10000000u + k * 0x40, k, k + 1);
		}
	p += sprintf(p, "  x-1 [000] d.... 1.005246: devres_log: b.0 ADD 0000000070000000 kz (16 bytes)\n"
		     "  x-1 [000] d.... 1.005264: devres_log: b.0 ADD 0000000070000040 buf (32 bytes)\n"
		     "  x-1 [000] d.... 1.005270: devres_log: b.0 ADD 0000000070000080 kz (16 bytes)\n"
		     "[ 1.000000] drv b.0: DEVRES ADD 00000000bbbb0001 kz (16 bytes)\n"
		     "[ 1.000000] drv b.0: DEVRES ADD 00000000bbbb0002 buf (32 bytes)\n"
		     "[ 1.000000] drv b.0: DEVRES ADD 00000000bbbb0003 kz (16 bytes)\n");
	ctx = ctx_from_text("t", text);
	b = dev_named(ctx, "b.0");
	n = b ? drc_device_count_events(b) : 0;
	drc_ctx_unref(ctx);
	return n;
}

static void test_witness_clock_step(void)
{
	/* eight stepped times (and the ninth, b.0's first): the clock steps */
	is_int(clock_step_events(4), 3, "clock step: printk's times in 10 ms steps, the first twins by order");
	/* near miss: seven stepped times are no proof, the twin is the closest */
	is_int(clock_step_events(3), 5, "clock step: seven stepped times, the first twins by time");
}


/* a trace before 6.13 prints a name it cannot resolve as its address; a
 * size-0 node at node[1] of an open group is that group's grp> */
static enum drc_node_kind close_by_place(const char *id)
{
	char text[1024];
	struct drc_ctx *ctx;
	struct drc_device *d;
	struct drc_node *n;
	enum drc_node_kind k = DRC_NODE_RES;

	snprintf(text, sizeof(text),
		 T("1.000001", "ADD", "000000007fc0c380", "grp<", 0)
		 "  x-1 [000] d.... 1.000002: devres_log: d.0 ADD %s 000000006037443b (0 bytes)\n"
		 T("1.000003", "ADD", "000000007fc0c500", "kz", 8), id);
	ctx = ctx_from_text("t", text);
	d = dev_named(ctx, "d.0");
	n = d ? drc_device_get_first_node(d) : NULL;
	n = n ? drc_node_next(n) : NULL;
	if (n)
		k = drc_node_get_kind(n);
	drc_ctx_unref(ctx);
	return k;
}

static void test_close_by_place(void)
{
	is_int(close_by_place("000000007fc0c3a8"), DRC_NODE_GROUP_CLOSE,
	       "grp> by place: a name as an address at grp< + 0x28 closes the group");
	/* near miss: 8 bytes further, it is some node of its own */
	is_int(close_by_place("000000007fc0c3b0"), DRC_NODE_RES, "grp> by place: at grp< + 0x30, a node of its own");
	/* 8 digits: a 32-bit kernel (+0x14) or a 64-bit one below 4 GiB (+0x28) */
	is_int(close_by_place("7fc0c3a8"), DRC_NODE_GROUP_CLOSE, "grp> by place: 8 digits at grp< + 0x28 (64-bit, low memory)");
	is_int(close_by_place("7fc0c394"), DRC_NODE_GROUP_CLOSE, "grp> by place: 8 digits at grp< + 0x14 (32-bit)");
	is_int(close_by_place("7fc0c3b0"), DRC_NODE_RES, "grp> by place: 8 digits at grp< + 0x30, a node of its own");
}


/* a group never closed, its name an address (trace before 6.13): its
 * release tells it, as remove_nodes() releases swept markers first */
#define G_OPEN "0000000060374436"
static struct drc_ctx *open_by_release(const char *first_rel, const char *size)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 T("1.000001", "ADD", "000000007fc0c100", "0000000060374454", 16)
		 T("1.000002", "ADD", "000000007fc0c200", G_OPEN, 0)     /* devres_open_group(), never closed */
		 T("1.000003", "ADD", "000000007fc0c300", "0000000060374454", 32)
		 T("1.000004", "ADD", "000000007fc0c400", "0000000060374454", 64)
		 "  x-1 [000] d.... 2.000001: devres_log: d.0 REL %s %s (%s bytes)\n"
		 T("2.000002", "REL", "000000007fc0c400", "0000000060374454", 64)
		 T("2.000003", "REL", "000000007fc0c300", "0000000060374454", 32),
		 first_rel, G_OPEN, size);
	return ctx_from_text("t", text);
}

static void test_open_by_release(void)
{
	struct drc_ctx *ctx = open_by_release("000000007fc0c200", "0");
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_batch *b = d ? drc_device_get_first_batch(d) : NULL;

	is_int(b ? (long long)drc_batch_get_kind(b) : -1, DRC_BATCH_RELEASE_GROUP,
	       "open group by its release: a size-0 address released before the tail is a grp<");
	is_int(b ? (long long)drc_batch_count_out_of_order(b) : -1, 0, "open group by its release: in kernel order");
	is_str(live_string(d), "0000000060374454:16", "open group by its release: the node before it stays");
	drc_ctx_unref(ctx);

	/* near miss: the same size-0 node at the tail when released is no proof */
	ctx = ctx_from_text("t",
		T("1.000001", "ADD", "000000007fc0c100", "0000000060374454", 16)
		T("1.000002", "ADD", "000000007fc0c200", G_OPEN, 0)
		T("2.000001", "REL", "000000007fc0c200", G_OPEN, 0)
		T("2.000002", "REL", "000000007fc0c100", "0000000060374454", 16));
	d = dev_named(ctx, "d.0");
	b = d ? drc_device_get_first_batch(d) : NULL;
	is_int(b ? (long long)drc_batch_get_kind(b) : -1, DRC_BATCH_RELEASE_ALL,
	       "open group by its release: at the tail, a release of everything in list order");
	ok(d && drc_device_get_first_node(d) == NULL, "open group by its release: nothing live after it");
	drc_ctx_unref(ctx);

	/* near miss: a node with bytes released first is out of order, no group */
	ctx = open_by_release("000000007fc0c200", "8");
	d = dev_named(ctx, "d.0");
	b = last_batch(d);
	ok(b && drc_batch_count_out_of_order(b) >= 1, "open group by its release: a node of 8 bytes stays out of order");
	drc_ctx_unref(ctx);

	/* near miss: a size-0 node released inside a running walk is no marker */
	ctx = ctx_from_text("t",
		T("1.000001", "ADD", "000000007fc0c100", "0000000060374454", 16)
		T("1.000002", "ADD", "000000007fc0c200", G_OPEN, 0)
		T("1.000003", "ADD", "000000007fc0c300", "0000000060374454", 32)
		T("1.000004", "ADD", "000000007fc0c400", "0000000060374454", 64)
		T("2.000001", "REL", "000000007fc0c400", "0000000060374454", 64)
		T("2.000002", "REL", "000000007fc0c200", G_OPEN, 0)
		T("2.000003", "REL", "000000007fc0c300", "0000000060374454", 32)
		T("2.000004", "REL", "000000007fc0c100", "0000000060374454", 16));
	d = dev_named(ctx, "d.0");
	b = d ? drc_device_get_first_batch(d) : NULL;
	ok(d && drc_device_count_batches(d) == 1 && b && drc_batch_get_kind(b) != DRC_BATCH_RELEASE_GROUP,
	   "open group by its release: inside a release of everything, one batch, no group release");
	drc_ctx_unref(ctx);
}


/* a live collector wrote the markers as addresses before it had their
 * strings, then the names: the nodes become the group they were */
static void test_markers_named_late(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		T("1.000001", "ADD", "000000007fc0c380", "0000000060374436", 0)
		T("1.000002", "ADD", "000000007fc0c400", "0000000060374454", 8)
		T("1.000003", "ADD", "000000007fc0c3a8", "000000006037443b", 0)
		T("1.000004", "ADD", "000000007fc0c500", "0000000060374454", 16)
		DRC_QUIET_LINE "\n"    /* applied as they are: no twin came */
		DRC_NAME_LINE "0000000060374436 grp<\n"
		DRC_NAME_LINE "000000006037443b grp>\n");
	struct drc_device *d = dev_named(ctx, "d.0");
	struct drc_node *n = d ? drc_device_get_first_node(d) : NULL, *in = n ? drc_node_next(n) : NULL;
	struct drc_node *close = in ? drc_node_next(in) : NULL, *after = close ? drc_node_next(close) : NULL;

	ok(n && drc_node_get_kind(n) == DRC_NODE_GROUP_OPEN && close && drc_node_get_kind(close) == DRC_NODE_GROUP_CLOSE,
	   "markers named late: grp< opens, grp> at node[1] closes");
	ok(in && drc_node_get_group(in) && drc_node_get_group(in) == drc_node_get_group(n) &&
	   drc_group_get_state(drc_node_get_group(n)) == DRC_GROUP_CLOSED,
	   "markers named late: the node between is in the closed group");
	ok(after && drc_node_get_group(after) == NULL, "markers named late: the node after the grp> is in none");
	is_str(live_string(d), "grp<:0 0000000060374454:8 grp>:0 0000000060374454:16",
	       "markers named late: the list with its markers");
	drc_ctx_unref(ctx);
}


/* the same, nested: the inner group closed, the outer one open; the names
 * learnt in either order give the same groups (one walk, #17) */
static void test_markers_named_late_nested(void)
{
	static const char *const orders[2][2] = {
		{ DRC_NAME_LINE "0000000060374436 grp<\n", DRC_NAME_LINE "000000006037443b grp>\n" },
		{ DRC_NAME_LINE "000000006037443b grp>\n", DRC_NAME_LINE "0000000060374436 grp<\n" },
	};

	for (unsigned o = 0; o < 2; o++) {
		char text[2048];
		struct drc_ctx *ctx;
		struct drc_device *d;
		struct drc_node *n[7] = { NULL };
		struct drc_group *outer, *inner;

		snprintf(text, sizeof(text), "%s%s%s%s",
			 T("1.000001", "ADD", "000000007fc0c380", "0000000060374436", 0)
			 T("1.000002", "ADD", "000000007fc0c500", "0000000060374454", 8)
			 T("1.000003", "ADD", "000000007fc0c600", "0000000060374436", 0)
			 T("1.000004", "ADD", "000000007fc0c700", "0000000060374454", 16)
			 T("1.000005", "ADD", "000000007fc0c628", "000000006037443b", 0)
			 T("1.000006", "ADD", "000000007fc0c800", "0000000060374454", 32)
			 T("1.000007", "ADD", "000000007fc0c900", "0000000060374454", 64),
			 DRC_QUIET_LINE "\n", orders[o][0], orders[o][1]);
		ctx = ctx_from_text("t", text);
		d = dev_named(ctx, "d.0");
		n[0] = d ? drc_device_get_first_node(d) : NULL;
		for (unsigned i = 1; i < 7 && n[i - 1]; i++)
			n[i] = drc_node_next(n[i - 1]);
		outer = n[0] ? drc_node_get_group(n[0]) : NULL;
		inner = n[2] ? drc_node_get_group(n[2]) : NULL;
		ok(n[6] && drc_node_get_kind(n[0]) == DRC_NODE_GROUP_OPEN && drc_node_get_kind(n[2]) == DRC_NODE_GROUP_OPEN &&
		   drc_node_get_kind(n[4]) == DRC_NODE_GROUP_CLOSE && outer && inner && outer != inner,
		   "markers named late, nested (order %u): two groups, the inner one closed", o);
		ok(inner && drc_group_get_parent(inner) == outer && drc_group_get_state(inner) == DRC_GROUP_CLOSED &&
		   outer && drc_group_get_state(outer) == DRC_GROUP_OPEN && !drc_group_get_parent(outer),
		   "markers named late, nested (order %u): the inner group opened in the outer one", o);
		ok(n[6] && drc_node_get_group(n[1]) == outer && drc_node_get_group(n[3]) == inner &&
		   drc_node_get_group(n[4]) == inner && drc_node_get_group(n[5]) == outer &&
		   drc_node_get_group(n[6]) == outer,
		   "markers named late, nested (order %u): each node in the group it was added in", o);
		drc_ctx_unref(ctx);
	}
}

/* libtraceevent's form of a trace line: the op is the address of its string */
#define TL(dev, op, node, name, size) \
	"  sh-1 [000] 1.0: devres_log: " dev " " op " 0x" node " " name " (" size " bytes)\n"
#define A_ADD "ffffffff8283365f"
#define A_REL "ffffffff8281b36a"
#define A_REM "ffffffff82845fce"
#define A_RPL "ffffffff82845fd2"

static enum drc_op op_of(struct drc_ctx *ctx, const char *address)
{
	struct drc_op_address a[8];
	size_t n = drc_ctx_get_op_addresses(ctx, a, 8);

	for (size_t i = 0; i < n && i < 8; i++)
		if (a[i].address == strtoull(address, NULL, 16))
			return a[i].op;
	return (enum drc_op)-1;
}

static void test_op_addresses(void)
{
	struct drc_ctx *ctx;

	/* a probe, a devm_kfree in the middle of the list, an unbind */
	ctx = ctx_from_text("t",
		TL("d.0", A_ADD, "ffff8881000000a0", "devm_kzalloc_release", "64")
		TL("d.0", A_ADD, "ffff8881000000b0", "devm_kzalloc_release", "32")
		TL("d.0", A_ADD, "ffff8881000000c0", "devm_action_release", "16")
		TL("d.0", A_REM, "ffff8881000000b0", "devm_kzalloc_release", "32")
		TL("d.0", A_REL, "ffff8881000000c0", "devm_action_release", "16")
		TL("d.0", A_REL, "ffff8881000000a0", "devm_kzalloc_release", "64"));
	ok(op_of(ctx, A_ADD) == DRC_OP_ADD && op_of(ctx, A_REM) == DRC_OP_REM && op_of(ctx, A_REL) == DRC_OP_REL,
	   "op addresses: ADD; REM of a node in the middle; REL newest first");
	is_str(live_string(dev_named(ctx, "d.0")), "", "op addresses: nothing live after the unbind");
	is_int(stats_of(ctx).undecoded, 0, "op addresses: every line read");
	drc_ctx_unref(ctx);

	/* started late: releases of unseen nodes, then a probe, then its unbind */
	ctx = ctx_from_text("t",
		TL("d.0", A_REL, "ffff888100000010", "devm_kzalloc_release", "40")
		TL("d.0", A_REL, "ffff888100000020", "devm_kzalloc_release", "24")
		TL("d.0", A_ADD, "ffff888100000020", "devm_kzalloc_release", "24")
		TL("d.0", A_ADD, "ffff888100000030", "devm_kzalloc_release", "40")
		TL("d.0", A_REL, "ffff888100000030", "devm_kzalloc_release", "40")
		TL("d.0", A_REL, "ffff888100000020", "devm_kzalloc_release", "24")
		TL("d.0", A_ADD, "ffff888100000040", "devm_kzalloc_release", "24"));
	ok(op_of(ctx, A_ADD) == DRC_OP_ADD && op_of(ctx, A_REL) == DRC_OP_REL, "op addresses: a late start");
	is_str(live_string(dev_named(ctx, "d.0")), "devm_kzalloc_release:24", "op addresses: the last probe's node live");
	is_int(stats_of(ctx).unknown_nodes, 2, "op addresses: two nodes released unseen");
	drc_ctx_unref(ctx);

	/* devm_krealloc: the new node is first seen at its release */
	ctx = ctx_from_text("t",
		TL("d.0", A_ADD, "ffff8881000000a0", "devm_kzalloc_release", "8")
		TL("d.0", A_ADD, "ffff8881000000b0", "devm_kmalloc_release", "16")
		TL("d.0", A_ADD, "ffff8881000000c0", "devm_kzalloc_release", "8")
		TL("d.0", A_REM, "ffff8881000000c0", "devm_kzalloc_release", "8")
		TL("d.0", A_RPL, "ffff8881000000b0", "devm_kmalloc_release", "16")
		TL("d.0", A_REL, "ffff8881000000d0", "devm_krealloc_release", "64")
		TL("d.0", A_REL, "ffff8881000000a0", "devm_kzalloc_release", "8"));
	ok(op_of(ctx, A_RPL) == DRC_OP_REPLACE && op_of(ctx, A_REM) == DRC_OP_REM,
	   "op addresses: REPLACE told from REM by the krealloc node it leaves");
	is_int(stats_of(ctx).realloc_matched, 1, "op addresses: the krealloc node matched");
	drc_ctx_unref(ctx);

	/*
	 * A stock kernel's probe: pinctrl_bind_pins() adds dev->pins and the
	 * pinctrl handle and frees both again (ADD ADD REM REM, newest first,
	 * leaving nothing: the shape of a release-all), then the device's
	 * bind uevent. A release-all is never followed by the bind.
	 */
#define PROBE_PINS(op) \
		TL("0000:00:02.0", A_ADD, "ff47ccce29b05600", "devm_kzalloc_release", "40") \
		TL("0000:00:02.0", A_ADD, "ff47ccce055ccd40", "devm_pinctrl_release", "8") \
		TL("0000:00:02.0", op, "ff47ccce055ccd40", "devm_pinctrl_release", "8") \
		TL("0000:00:02.0", op, "ff47ccce29b05600", "devm_kzalloc_release", "40")
	ctx = ctx_from_text("t",
		"KERNEL[12.405107] unbind   /devices/pci0000:00/0000:00:02.0 (pci)\n"
		PROBE_PINS(A_REM)
		"KERNEL[15.170569] bind     /devices/pci0000:00/0000:00:02.0 (pci)\n");
	ok(op_of(ctx, A_REM) == DRC_OP_REM, "op addresses: a run before the bind uevent is no release batch");
	drc_ctx_unref(ctx);
	/* near misses: the same run followed by the unbind uevent (an unbind's
	 * release-all), or by nothing (a probe that failed), reads as REL */
	ctx = ctx_from_text("t",
		PROBE_PINS(A_REL)
		"KERNEL[15.170569] unbind   /devices/pci0000:00/0000:00:02.0 (pci)\n");
	ok(op_of(ctx, A_REL) == DRC_OP_REL, "op addresses: the same run before an unbind uevent is a release-all");
	drc_ctx_unref(ctx);
	ctx = ctx_from_text("t", PROBE_PINS(A_REL));
	ok(op_of(ctx, A_REL) == DRC_OP_REL, "op addresses: the same run with no uevent is a release-all");
	drc_ctx_unref(ctx);
	/* the bind of another device says nothing about this one */
	ctx = ctx_from_text("t",
		PROBE_PINS(A_REL)
		"KERNEL[15.170569] bind     /devices/pci0000:00/0000:00:03.0 (pci)\n");
	ok(op_of(ctx, A_REL) == DRC_OP_REL, "op addresses: another device's bind uevent is no evidence");
	drc_ctx_unref(ctx);
#undef PROBE_PINS

	/*
	 * Started after the probe, ADD and REM known as words (a collector
	 * that learnt them), REL not: an unbind's release-all of nodes never
	 * seen, then the device's unbind uevent. dd.c sends it after
	 * devres_release_all(), so nodes added before it are not live at it:
	 * the address is no ADD.
	 */
#define UNSEEN_RUN \
		TL("0000:00:03.0", "ADD", "ff47ccce29b05600", "devm_kzalloc_release", "40") \
		TL("0000:00:03.0", "REM", "ff47ccce29b05600", "devm_kzalloc_release", "40") \
		TL("0000:00:03.0", A_REL, "ff47ccce29c2a080", "devm_action_release", "16") \
		TL("0000:00:03.0", A_REL, "ff47ccce2971b280", "msi_device_data_release", "72") \
		TL("0000:00:03.0", A_REL, "ff47ccce24a57000", "devm_kzalloc_release", "2072")
	ctx = ctx_from_text("t", UNSEEN_RUN "KERNEL[15.147022] unbind   /devices/pci0000:00/0000:00:03.0 (pci)\n");
	ok(op_of(ctx, A_REL) == DRC_OP_REL, "op addresses: a run of unseen nodes before the unbind uevent is REL");
	is_str(live_string(dev_named(ctx, "0000:00:03.0")), "", "op addresses: nothing live after that unbind");
	drc_ctx_unref(ctx);
	/* near misses: the same run before the bind uevent, or another
	 * device's unbind: nothing says the nodes were live before, ADDs */
	ctx = ctx_from_text("t", UNSEEN_RUN "KERNEL[15.147022] bind     /devices/pci0000:00/0000:00:03.0 (pci)\n");
	ok(op_of(ctx, A_REL) == DRC_OP_ADD, "op addresses: the same run before a bind uevent is the probe's ADDs");
	drc_ctx_unref(ctx);
	ctx = ctx_from_text("t", UNSEEN_RUN "KERNEL[15.147022] unbind   /devices/pci0000:00/0000:00:02.0 (pci)\n");
	ok(op_of(ctx, A_REL) == DRC_OP_ADD, "op addresses: another device's unbind uevent is no evidence");
	drc_ctx_unref(ctx);
#undef UNSEEN_RUN

	/* a collector that learnt a name after it wrote it as its address */
	ctx = ctx_from_text("t",
		TL("d.0", "ADD", "ffff8881000000a0", "ffffffff82a00100", "48")
		TL("d.0", "ADD", "ffff8881000000b0", "ffffffff82a00200", "8")
		DRC_NAME_LINE "ffffffff82a00100 pcim_iomap_release\n"
		TL("d.0", "ADD", "ffff8881000000c0", "ffffffff82a00100", "48")
		DRC_NAME_LINE "ffffffff82a00300\n");
	is_str(live_string(dev_named(ctx, "d.0")), "pcim_iomap_release:48 ffffffff82a00200:8 pcim_iomap_release:48",
	       "a name line renames the nodes so named, and names the later ones; another address stays");
	is_int(stats_of(ctx).undecoded, 1, "a name line without its word is counted undecoded");
	drc_ctx_unref(ctx);

	/* "grp>" is only ever logged by ADD, whatever else the counts say */
	ctx = ctx_from_text("t",
		TL("d.0", A_REL, "ffff888100000100", "devm_kzalloc_release", "8")
		TL("d.0", A_REL, "ffff888100000200", "devm_kzalloc_release", "8")
		TL("d.0", A_REL, "ffff888100000300", "devm_kzalloc_release", "8")
		TL("d.0", A_ADD, "ffff888100000400", "grp<", "0")
		TL("d.0", A_ADD, "ffff888100000428", "grp>", "0"));
	ok(op_of(ctx, A_ADD) == DRC_OP_ADD && op_of(ctx, A_REL) == DRC_OP_REL, "op addresses: grp> decides");
	drc_ctx_unref(ctx);

	/* an address found later than the decision is decided on its own */
	ctx = ctx_from_text("t",
		TL("d.0", A_ADD, "ffff8881000000a0", "devm_kzalloc_release", "8")
		TL("d.0", A_ADD, "ffff8881000000b0", "devm_kzalloc_release", "8")
		DRC_QUIET_LINE "\n"
		TL("d.0", A_REL, "ffff8881000000b0", "devm_kzalloc_release", "8")
		TL("d.0", A_REL, "ffff8881000000a0", "devm_kzalloc_release", "8"));
	ok(op_of(ctx, A_ADD) == DRC_OP_ADD && op_of(ctx, A_REL) == DRC_OP_REL,
	   "op addresses: decided at a quiet mark, then the next one");
	is_int(stats_of(ctx).devres_events, 4, "op addresses: four operations, in order");
	is_str(live_string(dev_named(ctx, "d.0")), "", "op addresses: nothing live");
	drc_ctx_unref(ctx);

	/* before v6.13 the names are addresses too; the group markers are the
	 * two 0-byte nodes 40 bytes apart */
	ctx = ctx_from_text("t",
		TL("d.0", A_ADD, "ffff888100001000", "ffffffff82a00010", "0")
		TL("d.0", A_ADD, "ffff888100002000", "ffffffff82a00100", "8")
		TL("d.0", A_ADD, "ffff888100001028", "ffffffff82a00018", "0")
		TL("d.0", A_ADD, "ffff888100003000", "ffffffff82a00100", "16")
		TL("d.0", A_ADD, "ffff888100004000", "ffffffff82a00010", "0")
		TL("d.0", A_ADD, "ffff888100005000", "ffffffff82a00100", "32")
		TL("d.0", A_REL, "ffff888100001000", "ffffffff82a00010", "0")
		TL("d.0", A_REL, "ffff888100002000", "ffffffff82a00100", "8"));
	is_str(live_string(dev_named(ctx, "d.0")), "ffffffff82a00100:16 grp<:0 ffffffff82a00100:32",
	       "op addresses: group markers known by their place; the closed group released");
	ok(drc_device_get_first_batch(dev_named(ctx, "d.0")) &&
	   drc_batch_get_kind(drc_device_get_first_batch(dev_named(ctx, "d.0"))) == DRC_BATCH_RELEASE_GROUP,
	   "op addresses: a group release");
	drc_ctx_unref(ctx);

	/* a second boot (KASLR): other addresses for the same ops */
	ctx = ctx_from_text("t",
		"[    0.000000] Linux version 6.1.0 (b@h) #1 SMP\n"
		TL("d.0", A_ADD, "ffff8881000000a0", "kz", "8")
		TL("d.0", A_REL, "ffff8881000000a0", "kz", "8")
		"[    0.000000] Linux version 6.1.0 (b@h) #1 SMP\n"
		TL("d.0", "ffffffff9283365f", "ffff8881000000b0", "kz", "8")
		TL("d.0", "ffffffff9283365f", "ffff8881000000c0", "kz", "16")
		TL("d.0", "ffffffff9281b36a", "ffff8881000000c0", "kz", "16"));
	is_int(drc_ctx_get_boot_count(ctx), 2, "op addresses: two boots");
	is_str(live_string(dev_named(ctx, "d.0")), "kz:8", "op addresses: the second boot's addresses read anew");
	is_int(drc_ctx_get_op_addresses(ctx, NULL, 0), 4, "op addresses: two for each boot");
	drc_ctx_unref(ctx);

	/* a kernel's own text with the same lines: no address, nothing held */
	ctx = ctx_from_text("t", "  sh-1 [000] 1.0: devres_log: d.0 ADD ffff8881000000a0 kz (8 bytes)\n");
	is_int(drc_ctx_get_op_addresses(ctx, NULL, 0), 0, "op addresses: none in the kernel's own text");
	drc_ctx_unref(ctx);
}

int main(void)
{
	test_groups();
	test_raw_pointer_pairing();
	test_raw_pointer_pairing_32();
	test_remove();
	test_replace();
	test_batches();
	test_reuse_and_unknown();
	test_unaddressed();
	test_lost_group_ended_once();
	test_witnesses();
	test_witness_ids_differ();
	test_witness_identical_nodes();
	test_witness_lost_twins();
	test_witness_loss();
	test_witness_files();
	test_witness_names();
	test_empty_record();
	test_binding_from_pattern();
	test_witness_window();
	test_witness_after_loss();
	test_witness_clock_step();
	test_witness_guessed();
	test_close_by_place();
	test_node_order();
	test_open_by_release();
	test_markers_named_late();
	test_markers_named_late_nested();
	test_op_addresses();
	return tap_done();
}
