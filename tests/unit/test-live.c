// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live sources' own parts: what a /dev/kmsg overrun lost, and the
 * trace's binary records read from a fake tracefs holding a real 6.18
 * kernel's pages.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/feed.h"
#include "shared/macro.h"
#include "shared/root.h"
#include "shared/strbuf.h"
#include "sources/live.h"
#include "sources/trace-raw.h"
#include "sources/uevent-order.h"

static int track(struct kmsg_tracker *t, const char *line, uint64_t *lost)
{
	*lost = 0;
	return kmsg_track(t, line, strlen(line), lost);
}

static void test_kmsg_overrun(void)
{
	struct kmsg_tracker t = { 0 };
	uint64_t lost;

	is_int(track(&t, "6,100,1000,-;first", &lost), 0, "a record: nothing lost");
	is_int(track(&t, " SUBSYSTEM=platform", &lost), 0, "a dictionary line is not a record");
	is_int(track(&t, "6,101,1001,-;second", &lost), 0, "the next record: nothing lost");
	t.overrun = true;       /* read() failed with EPIPE */
	is_int(track(&t, "3,250,2000,-;after the overrun", &lost), 1, "after EPIPE the gap is counted");
	is_int(lost, 148, "records 102 to 249 were lost");
	is_int(track(&t, "3,251,2001,-;next", &lost), 0, "then nothing more");
	t = (struct kmsg_tracker){ .overrun = true };
	is_int(track(&t, "3,7,2000,-;first read", &lost), 2, "an overrun before any record: lost, count unknown");
	is_int(track(&t, "3,8,2000,c;continued", &lost), 0, "flags other than '-' parse too");
	is_int(track(&t, "garbage,x", &lost), 0, "not a record");
}


/* ---- uevents among the kernel log's records ---- */

static char order_got[4096];

/* each line in short: "REL a" for a record of node a, "unbind dfx.1" for a
 * uevent header, else the line */
static int order_collect(void *userdata, const char *line, size_t len)
{
	char l[512], sh[600];
	const char *m;

	(void)userdata;
	snprintf(l, sizeof(l), "%.*s", (int)len, line);
	if ((m = strstr(l, ": DEVRES ")))
		snprintf(sh, sizeof(sh), "%.*s", (int)(strcspn(m + 9, " ") + 1 + strcspn(m + 9 + strcspn(m + 9, " ") + 1, " ")), m + 9);
	else if (strncmp(l, "KERNEL[", 7) == 0 && (m = strchr(l, ']')))
		snprintf(sh, sizeof(sh), "%.*s", (int)strcspn(m + 2, " "), m + 2), strncat(sh, " ", sizeof(sh) - strlen(sh) - 1),
			strncat(sh, strrchr(l, '/') + 1, strcspn(strrchr(l, '/') + 1, " "));
	else
		snprintf(sh, sizeof(sh), "%s", l);
	if (order_got[0])
		strncat(order_got, ", ", sizeof(order_got) - strlen(order_got) - 1);
	strncat(order_got, sh, sizeof(order_got) - strlen(order_got) - 1);
	return 0;
}

static void krec(struct uevent_order *o, const char *dev, const char *op, const char *id)
{
	char l[256];
	int n = snprintf(l, sizeof(l), "6,1,1000,-;devres_fixture %s: DEVRES %s %s devm_kzalloc_release (48 bytes)", dev, op,
			 id);

	uevent_order_kmsg(o, l, (size_t)n);
}

static void uev(struct uevent_order *o, const char *action, const char *dev, uint64_t now)
{
	char l[256];
	int n = snprintf(l, sizeof(l), "KERNEL[12.345678] %-8s /devices/platform/%s (platform)", action, dev);

	uevent_order_other(o, l, (size_t)n, now);
	n = snprintf(l, sizeof(l), "ACTION=%s", action);
	uevent_order_other(o, l, (size_t)n, now);
	uevent_order_other(o, "", 0, now);
}

static void test_uevent_order(void)
{
	struct uevent_order *o;
	struct uevent_order_stats st;

	ok(uevent_order_new(order_collect, NULL, &o) == 0, "uevent order: made");
	/* nothing held: lines go straight out */
	order_got[0] = '\0';
	krec(o, "dfx.1", "ADD", "a");
	uevent_order_other(o, "devresctl-refs: x", 17, 0);
	is_str(order_got, "ADD a, devresctl-refs: x", "nothing held: lines go out as they come");

	/* an unbind received before its release run was read */
	order_got[0] = '\0';
	uev(o, "unbind", "dfx.1", 0);
	uevent_order_other(o, "devresctl-refs: dfx.1 held by 12", 32, 0);
	is_str(order_got, "", "the unbind waits for the kernel log");
	krec(o, "dfx.1", "REL", "b");
	uevent_order_kmsg(o, " DEVICE=+platform:dfx.1", 23);
	krec(o, "dfx.1", "REL", "a");
	krec(o, "dfx.10", "ADD", "z");
	krec(o, "dfx.1", "ADD", "c");
	krec(o, "dfx.1", "ADD", "d");
	uevent_order_read_done(o, true, 1);
	is_str(order_got, "REL b,  DEVICE=+platform:dfx.1, REL a, ADD z, unbind dfx.1, ACTION=unbind, , "
		  "devresctl-refs: dfx.1 held by 12, ADD c, ADD d",
		  "after its release run (dictionary kept), before the next probe; another device's name is not its");
	ok(!uevent_order_holding(o), "nothing held after the log's end was read");

	/* a release callback's ADD inside the run is not the next probe */
	order_got[0] = '\0';
	uev(o, "unbind", "dfx.1", 0);
	krec(o, "dfx.1", "REL", "d");
	krec(o, "dfx.1", "ADD", "r");
	krec(o, "dfx.1", "REL", "c");
	krec(o, "dfx.1", "ADD", "e");
	uevent_order_read_done(o, true, 1);
	is_str(order_got, "REL d, ADD r, REL c, unbind dfx.1, ACTION=unbind, , ADD e",
	       "an ADD whose node the run does not release is inside it");
	/* near miss: a probe that fails releases what it added */
	order_got[0] = '\0';
	uev(o, "unbind", "dfx.1", 0);
	krec(o, "dfx.1", "REL", "e");
	krec(o, "dfx.1", "ADD", "f");
	krec(o, "dfx.1", "REL", "f");
	uevent_order_read_done(o, true, 1);
	is_str(order_got, "REL e, unbind dfx.1, ACTION=unbind, , ADD f, REL f",
	       "an ADD released by the next REL begins a probe (one that failed)");

	/* not placed and the log not read to its end: held on */
	order_got[0] = '\0';
	uev(o, "unbind", "dfx.2", 0);
	uev(o, "bind", "dfx.3", 0);
	krec(o, "dfx.2", "REL", "g");
	krec(o, "dfx.3", "ADD", "h");
	uevent_order_read_done(o, false, 1);
	is_str(order_got, "REL g, ADD h", "records read go out; uevents not placed wait");
	ok(uevent_order_holding(o), "and are still held");
	order_got[0] = '\0';
	krec(o, "dfx.2", "ADD", "i");
	krec(o, "dfx.3", "REL", "h");
	uevent_order_read_done(o, false, 2);
	is_str(order_got, "unbind dfx.2, ACTION=unbind, , ADD i, bind dfx.3, ACTION=bind, , REL h",
	       "placed by a later read: before the next probe, a bind before the next REL");
	/* the uevents keep their order: a later one is never put before an earlier */
	order_got[0] = '\0';
	uev(o, "unbind", "dfx.4", 0);
	uev(o, "unbind", "dfx.5", 0);
	krec(o, "dfx.5", "ADD", "j");
	krec(o, "dfx.4", "ADD", "k");
	uevent_order_read_done(o, true, 1);
	is_str(order_got, "unbind dfx.4, ACTION=unbind, , unbind dfx.5, ACTION=unbind, , ADD j, ADD k",
	       "uevents in the order the kernel sent them: the later one's probe comes after both");
	/* an add before the device's first record; a change where it came */
	order_got[0] = '\0';
	uev(o, "add", "dfx.6", 0);
	uev(o, "change", "dfx.6", 0);
	krec(o, "dfx.7", "ADD", "l");
	krec(o, "dfx.6", "ADD", "m");
	uevent_order_read_done(o, true, 1);
	is_str(order_got, "ADD l, add dfx.6, ACTION=add, , change dfx.6, ACTION=change, , ADD m",
	       "an add before the device's first record");
	/* held too long without the log's end: let go, counted */
	order_got[0] = '\0';
	uev(o, "unbind", "dfx.8", 0);
	krec(o, "dfx.9", "ADD", "n");
	uevent_order_read_done(o, false, UEVENT_ORDER_HOLD_MS - 1);
	is_str(order_got, "ADD n", "held below UEVENT_ORDER_HOLD_MS");
	krec(o, "dfx.9", "ADD", "p");
	uevent_order_read_done(o, false, UEVENT_ORDER_HOLD_MS);
	is_str(order_got, "ADD n, ADD p, unbind dfx.8, ACTION=unbind, ", "let go at UEVENT_ORDER_HOLD_MS");
	uevent_order_get_stats(o, &st);
	is_int(st.unplaced, 1, "the one let go is counted");
	is_int(st.held, 10, "every uevent was held");
	/* the end: everything out */
	order_got[0] = '\0';
	uev(o, "unbind", "dfx.8", 0);
	krec(o, "dfx.8", "REL", "q");
	uevent_order_flush(o);
	is_str(order_got, "REL q, unbind dfx.8, ACTION=unbind, ", "flushed at the end, after the records");
	uevent_order_free(o);
}


/* ---- binary trace records ---- */
#ifdef HAVE_TRACEFS

static bool copy_file(const char *from, const char *to)
{
	char buf[8192];
	int in = open(from, O_RDONLY | O_CLOEXEC), out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;
	bool good = in >= 0 && out >= 0;

	while (good && (n = read(in, buf, sizeof(buf))) > 0)
		good = write(out, buf, (size_t)n) == n;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return good;
}

static bool write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	bool good = fd >= 0 && write(fd, data, len) == (ssize_t)len;

	if (fd >= 0)
		close(fd);
	return good;
}

static void mkdirs(const char *path)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", path);
	for (char *c = p + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(p, 0755);
			*c = '/';
		}
	mkdir(p, 0755);
}

#define TRACING "/sys/kernel/tracing"
#define INSTANCE TRACING "/instances/devresctl"

/* A tracefs with one instance of @ncpus CPUs below @root. */
static void fake_tracefs(const char *root, const char *fx, const char *format, unsigned ncpus)
{
	char a[1024], b[1024];

	snprintf(a, sizeof(a), "%s" TRACING "/events/dev/devres_log", root);
	mkdirs(a);
	for (unsigned c = 0; c < ncpus; c++) {
		snprintf(a, sizeof(a), "%s" INSTANCE "/per_cpu/cpu%u", root, c);
		mkdirs(a);
	}
	snprintf(a, sizeof(a), "%s/header_page", fx);
	snprintf(b, sizeof(b), "%s" TRACING "/events/header_page", root);
	copy_file(a, b);
	snprintf(a, sizeof(a), "%s/header_event", fx);
	snprintf(b, sizeof(b), "%s" TRACING "/events/header_event", root);
	copy_file(a, b);
	/* libtracefs takes a directory with an "enable" file for a system */
	snprintf(b, sizeof(b), "%s" TRACING "/events/dev/enable", root);
	write_file(b, "0\n", 2);
	snprintf(b, sizeof(b), "%s" TRACING "/events/dev/devres_log/enable", root);
	write_file(b, "0\n", 2);
	snprintf(b, sizeof(b), "%s" TRACING "/events/dev/devres_log/format", root);
	if (format)
		write_file(b, format, strlen(format));
	else {
		snprintf(a, sizeof(a), "%s/devres_log.format", fx);
		copy_file(a, b);
	}
}

static int collect(void *userdata, const char *line, size_t len)
{
	struct strbuf *sb = userdata;

	if (strbuf_append(sb, line, len) < 0 || strbuf_append(sb, "\n", 1) < 0)
		return -ENOMEM;
	return 0;
}

/* Reads the instance to its end; the lines, or NULL if it could not be opened. */
/* The instance read whole, with other sources' lines (NULL-terminated,
 * the i-th received at ts[i]) held first. */
static char *read_raw_lines(struct trace_raw_stats *st, const uint64_t *ts, const char *const *foreign)
{
	struct trace_raw *t;
	struct strbuf sb = STRBUF_INIT;
	int r = trace_raw_open(TRACING, INSTANCE, &t);

	if (r < 0) {
		printf("# trace_raw_open: %s\n", strerror(-r));
		return NULL;
	}
	for (size_t i = 0; foreign && foreign[i] && r >= 0; i++)
		r = trace_raw_hold_line(t, ts[i], foreign[i], strlen(foreign[i]));
	for (int i = 0; i < 100 && !trace_raw_ended(t) && r >= 0; i++)
		r = trace_raw_read(t, collect, &sb);
	if (r >= 0)
		r = trace_raw_flush(t, true, collect, &sb);
	trace_raw_get_stats(t, st);
	trace_raw_free(t);
	if (r < 0 || strbuf_append(&sb, "", 1) < 0) {
		strbuf_done(&sb);
		return NULL;
	}
	return sb.buf;
}

static char *read_raw_with(struct trace_raw_stats *st, uint64_t foreign_ts, const char *foreign)
{
	const char *lines[2] = { foreign, NULL };

	return read_raw_lines(st, &foreign_ts, foreign ? lines : NULL);
}

static char *read_raw(struct trace_raw_stats *st)
{
	return read_raw_with(st, 0, NULL);
}

/* "10180.507866: devres_log: ACPI0013:00 REL ffff..." of every devres line */
static char *devres_parts(const char *text)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n'), *m = strstr(l, ": devres_log: "), *b;

		if (!nl)
			nl = l + strlen(l);
		if (m && m < nl) {
			for (b = m; b > l && b[-1] != ' '; b--)
				;
			strbuf_append(&sb, b, (size_t)(nl - b));
			strbuf_append(&sb, "\n", 1);
		}
		l = *nl ? nl + 1 : nl;
	}
	strbuf_append(&sb, "", 1);
	return sb.buf;
}

static void test_trace_raw_real(const char *captures)
{
	char fx[600], root[] = "/tmp/drc-raw-XXXXXX", a[1024], b[1024], *lines, *want, *got, *text;
	struct trace_raw_stats st;
	struct drc_ctx *cw, *ca;

	snprintf(fx, sizeof(fx), "%s/kernel/fc-6.18.44/raw", captures);
	if (!ok(mkdtemp(root) != NULL, "a fake tracefs"))
		return;
	root_set(root);
	fake_tracefs(root, fx, NULL, 2);
	for (unsigned c = 0; c < 2; c++) {
		snprintf(a, sizeof(a), "%s/cpu%u.raw", fx, c);
		snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu%u/trace_pipe_raw", root, c);
		copy_file(a, b);
	}
	/* the instance's text, as it was before the pages were read */
	snprintf(a, sizeof(a), "%s/trace.txt", fx);
	snprintf(b, sizeof(b), "%s" INSTANCE "/trace", root);
	copy_file(a, b);

	lines = read_raw(&st);
	if (!ok(lines != NULL, "6.18 pages read through libtraceevent"))
		goto out;
	is_int(st.records, 15, "15 dev:devres_log records");
	ok(st.peeks >= 1 && st.learnt == 3 && st.unresolved == 0, "ADD, REL and REM learnt from the instance's text");
	text = NULL;
	{
		FILE *f = fopen(a, "re");
		static char buf[8192];
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = '\0';
		text = buf;
	}
	{
		/* a uevent received between the unbind's last REL (.507870) and
		 * the probe's first ADD (.507971) goes between them */
		char *placed = read_raw_with(&st, 10180507900000ull, "KERNEL[10180.507900] unbind");
		const char *u = placed ? strstr(placed, "KERNEL[") : NULL, *rel, *add;

		rel = placed ? strstr(placed, "10180.507870: devres_log") : NULL;
		add = placed ? strstr(placed, "10180.507971: devres_log") : NULL;
		ok(u && rel && add && rel < u && u < add, "another source's line is placed by its time among the records");
		free(placed);
		/* the unbind uevent received after the rebind's first two ADDs
		 * (.507971, .507992) goes back after the release batch (.507870) */
		placed = read_raw_with(&st, 10180508000000ull,
				       "KERNEL[10180.508000] unbind   /devices/platform/ACPI0013:00 (platform)");
		u = placed ? strstr(placed, "KERNEL[") : NULL;
		rel = placed ? strstr(placed, "10180.507870: devres_log") : NULL;
		add = placed ? strstr(placed, "10180.507971: devres_log") : NULL;
		ok(u && rel && add && rel < u && u < add && st.placed == 1,
		   "an unbind uevent received after the rebind's ADDs goes back after its release batch");
		free(placed);
		{
			/* a slow reader: both cycles' uevents received after both
			 * cycles, in order; each goes back to its own place */
			static const uint64_t late[] = { 10180510000000ull, 10180510001000ull, 10180510002000ull,
							 10180510003000ull };
			static const char *const ue[] = {
				"KERNEL[10180.510000] unbind   /devices/platform/ACPI0013:00 (platform)",
				"KERNEL[10180.510001] bind     /devices/platform/ACPI0013:00 (platform)",
				"KERNEL[10180.510002] unbind   /devices/platform/ACPI0013:00 (platform)",
				"KERNEL[10180.510003] bind     /devices/platform/ACPI0013:00 (platform)", NULL,
			};
			const char *order[] = { "10180.507870: devres_log", "10180.510000] unbind",
					       "10180.508236: devres_log", "10180.510001] bind",
					       "10180.508781: devres_log", "10180.510002] unbind",
					       "10180.509075: devres_log", "10180.510003] bind" };
			const char *at = NULL;
			bool in_order;

			placed = read_raw_lines(&st, late, ue);
			in_order = placed != NULL;
			for (size_t k = 0; in_order && k < ARRAY_SIZE(order); k++) {
				const char *p = strstr(placed, order[k]);

				in_order = p && (!at || p > at);
				at = p;
			}
			ok(in_order && st.placed == 3, "late uevents of two cycles each go back to their own place");
			if (!in_order && placed)
				printf("%s", placed);
			free(placed);
		}
		{
			/* kmsg records read before and after the late uevent, the
			 * one after at the same read time: the uevent's block (to
			 * its blank line) goes back; the kmsg records keep their
			 * order */
			static const uint64_t at[] = { 10180507990000ull, 10180508000000ull, 10180508000000ull,
						       10180508000000ull, 10180508000000ull };
			static const char *const held[] = {
				"3,101,10180507990,-;kmsg record one",
				"KERNEL[10180.508000] unbind   /devices/platform/ACPI0013:00 (platform)",
				"ACTION=unbind",
				"",
				"3,102,10180508000,-;kmsg record two", NULL,
			};
			const char *one, *two;

			placed = read_raw_lines(&st, at, held);
			u = placed ? strstr(placed, "KERNEL[") : NULL;
			rel = placed ? strstr(placed, "10180.507870: devres_log") : NULL;
			one = placed ? strstr(placed, "kmsg record one") : NULL;
			two = placed ? strstr(placed, "kmsg record two") : NULL;
			ok(u && rel && one && two && rel < u && u < one && one < two && st.placed == 1,
			   "a late uevent goes back alone: a kmsg record read with it keeps its order");
			if (!(u && rel && one && two && rel < u && u < one && one < two) && placed)
				printf("%s", placed);
			free(placed);
		}
		placed = read_raw_with(&st, 10180508000000ull,
				       "KERNEL[10180.508000] unbind   /devices/platform/OTHER:00 (platform)");
		ok(placed && st.placed == 0 && strstr(placed, "10180.507992: devres_log") < strstr(placed, "KERNEL["),
		   "another device's uevent stays where its time puts it");
		free(placed);
	}
	want = devres_parts(text);
	got = devres_parts(lines);
	if (!ok(strcmp(got, want) == 0, "the lines are the kernel's own text: time, device, op, node, name, size"))
		printf("# got:\n%s# want:\n%s", got, want);
	free(want);
	free(got);
	free(lines);

	/* without the text (an instance made by a kernel before hash-ptr, say):
	 * the ops go out as addresses, and the engine reads them the same */
	unlink(b);
	lines = read_raw(&st);
	if (ok(lines != NULL, "pages read without the text")) {
		ok(st.unresolved == 15 && !strstr(lines, " ADD "), "every op written as its address");
		cw = ctx_from_text("text", text);
		ca = ctx_from_text("raw", lines);
		is_str(live_string(dev_named(ca, "ACPI0013:00")), live_string(dev_named(cw, "ACPI0013:00")),
		       "the engine reads the addresses into the same acpi-ged list");
		is_str(live_string(dev_named(ca, "VMGENCTR:00")), live_string(dev_named(cw, "VMGENCTR:00")),
		       "and the same vmgenid list (its REM told from REL)");
		drc_ctx_unref(cw);
		drc_ctx_unref(ca);
		free(lines);
	}
out:
	root_set(NULL);
	snprintf(a, sizeof(a), "rm -rf '%s'", root);
	if (system(a) != 0)
		printf("# could not remove %s\n", root);
}

/*
 * Before v6.13 "name" was a const char * too. A page of the ring buffer as
 * the kernel writes it: u64 time stamp, u64 commit (bytes of events), then
 * each event behind a 32-bit header (type_len: 5 bits, time delta: 27).
 */
static const char format_pre613[] =
	"name: devres_log\nID: 1234\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:__data_loc char[] devname;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:struct device * dev;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * op;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:void * node;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * name;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t size;\toffset:48;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%s %3s %p %s (%zu bytes)\", __get_str(devname), REC->op, REC->node, REC->name, REC->size\n";

static size_t put_event(unsigned char *page, size_t at, uint32_t delta, const char *dev, uint64_t op,
			uint64_t node, uint64_t name, uint64_t size)
{
	unsigned char d[128] = { 0 };
	size_t dl = strlen(dev) + 1, len = (56 + dl + 3) & ~(size_t)3;
	uint16_t type = 1234;
	int32_t pid = 77;
	uint32_t loc = (uint32_t)(dl << 16 | 56), hdr = (uint32_t)(len / 4) | delta << 5;

	memcpy(d, &type, 2);
	memcpy(d + 4, &pid, 4);
	memcpy(d + 8, &loc, 4);
	memcpy(d + 24, &op, 8);
	memcpy(d + 32, &node, 8);
	memcpy(d + 40, &name, 8);
	memcpy(d + 48, &size, 8);
	memcpy(d + 56, dev, dl);
	memcpy(page + at, &hdr, 4);
	memcpy(page + at + 4, d, len);
	return at + 4 + len;
}

static void test_trace_raw_pre613(const char *captures)
{
	static unsigned char page[4096];
	char fx[600], root[] = "/tmp/drc-raw-XXXXXX", b[1024], *lines;
	struct trace_raw_stats st;
	uint64_t ts = 5000000000ull, commit;
	size_t at = 16;
	const uint64_t ADD = 0xffffffff8283365full, REL = 0xffffffff8281b36aull, KZ = 0xffffffff82a0c1d0ull;
	static const char text[] =
		"# tracer: nop\n"
		"   sh-77 [000] d..1.     5.000001: devres_log: d.0 ADD ffff888100000100 devm_kzalloc_release (64 bytes)\n"
		"   sh-77 [000] d..1.     5.000002: devres_log: d.0 ADD ffff888100000200 devm_kzalloc_release (8 bytes)\n"
		"   sh-77 [000] .....     5.000003: devres_log: d.0 REL ffff888100000200 devm_kzalloc_release (8 bytes)\n";

	snprintf(fx, sizeof(fx), "%s/kernel/fc-6.18.44/raw", captures);
	if (!ok(mkdtemp(root) != NULL, "a fake tracefs of an older kernel"))
		return;
	root_set(root);
	fake_tracefs(root, fx, format_pre613, 1);
	memcpy(page, &ts, 8);
	at = put_event(page, at, 1000, "d.0", ADD, 0xffff888100000100ull, KZ, 64);
	at = put_event(page, at, 1000, "d.0", ADD, 0xffff888100000200ull, KZ, 8);
	at = put_event(page, at, 1000, "d.0", REL, 0xffff888100000200ull, KZ, 8);
	commit = at - 16;
	memcpy(page + 8, &commit, 8);
	snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", root);
	write_file(b, page, sizeof(page));
	snprintf(b, sizeof(b), "%s" INSTANCE "/trace", root);
	write_file(b, text, strlen(text));

	lines = read_raw(&st);
	if (ok(lines != NULL, "an older kernel's page read")) {
		char *got = devres_parts(lines), *want = devres_parts(text);

		is_int(st.records, 3, "three records");
		if (!ok(strcmp(got, want) == 0, "op and name pointers both written as the text's strings"))
			printf("# got:\n%s", got);
		free(got);
		free(want);
		free(lines);
	}
	unlink(b);
	lines = read_raw(&st);
	if (ok(lines != NULL, "read again without the text")) {
		ok(strstr(lines, "d.0 ffffffff8283365f ffff888100000100 ffffffff82a0c1d0 (64 bytes)") != NULL,
		   "without the text: the addresses, as libtraceevent prints them");
		free(lines);
	}

	/* a page the writer overran before it was read: the commit word says
	 * events were missed (bit 31) and stored their count after the data
	 * (bit 30) */
	{
		uint64_t flagged = commit | 1ull << 31 | 1ull << 30, missed = 42;
		struct drc_ctx *ctx;

		memcpy(page + 8, &flagged, 8);
		memcpy(page + 16 + commit, &missed, 8);
		snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", root);
		write_file(b, page, sizeof(page));
		lines = read_raw(&st);
		if (ok(lines != NULL, "a page with missed events read")) {
			ok(st.lost == 42 && strncmp(lines, "CPU:0 [LOST 42 EVENTS]\n", 23) == 0,
			   "the loss comes first, as a [LOST 42 EVENTS] line");
			ctx = ctx_from_text("raw", lines);
			is_int(stats_of(ctx).lost_markers, 1, "the engine counts it as log loss");
			drc_ctx_unref(ctx);
			free(lines);
		}
	}
	{
		/* a page that claims more events than a page holds, then a good one */
		static unsigned char two[8192];
		uint64_t huge = (1u << 27) - 1;

		memcpy(two, page, 4096);
		memcpy(two + 8, &huge, 8);
		memcpy(two + 4096, page, 4096);
		memcpy(two + 4096 + 8, &commit, 8);
		write_file(b, two, sizeof(two));
		lines = read_raw(&st);
		ok(lines && st.bad_pages == 1 && st.records == 3, "a page with a lying header is skipped, the next read");
		ok(lines && strstr(lines, "CPU:0 [LOST EVENTS]"), "and its events are marked lost");
		free(lines);
	}
	{
		/* pages of noise under a plausible header: read to the end, no
		 * access outside the buffers (ASan and valgrind watch this) */
		static unsigned char noise[4096 * 64];
		uint32_t x = 12345;
		bool all_read = true;

		for (size_t i = 0; i < sizeof(noise); i++) {
			x = x * 1103515245u + 12345u;
			noise[i] = (unsigned char)(x >> 16);
		}
		for (size_t pg = 0; pg < 64; pg++) {
			/* events of random length and content, typed as this event */
			unsigned char *pp = noise + pg * 4096;
			size_t at2 = 16;

			while (at2 + 4 + 112 <= 4096 - 16) {
				uint32_t words = 2 + pp[at2] % 27, hdr = words;
				uint16_t type = 1234;

				memcpy(pp + at2, &hdr, 4);
				memcpy(pp + at2 + 4, &type, 2);
				at2 += 4 + words * 4;
			}
			{
				uint64_t c = at2 - 16;

				memcpy(pp + 8, &c, 8);
			}
		}
		write_file(b, noise, sizeof(noise));
		lines = read_raw(&st);
		all_read = lines != NULL;
		ok(all_read, "64 pages of noise read to the end (%llu records, %llu bad pages)",
		   (unsigned long long)st.records, (unsigned long long)st.bad_pages);
		free(lines);
	}
	root_set(NULL);
	snprintf(b, sizeof(b), "rm -rf '%s'", root);
	if (system(b) != 0)
		printf("# could not remove %s\n", root);
}
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	static char buf[4096];
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

/* One page of one record written to the CPU's FIFO, its text beside it,
 * then a read (@r: the result so far; nothing is done after an error). */
static int burst_read(struct trace_raw *t, int w, const char *text, uint64_t ts, uint64_t node, uint64_t name,
		      unsigned size, const char *line, struct strbuf *sb, int r)
{
	static unsigned char page[4096];
	const uint64_t ADD = 0x60375a95ull;     /* the op's pointer */
	uint64_t commit;

	if (r < 0)
		return r;
	memset(page, 0, sizeof(page));
	memcpy(page, &ts, 8);
	commit = put_event(page, 16, 1000, "d.0", ADD, node, name, size) - 16;
	memcpy(page + 8, &commit, 8);
	write_file(text, line, strlen(line));
	if (write(w, page, sizeof(page)) != (ssize_t)sizeof(page))
		return -EIO;
	return trace_raw_read(t, collect, sb);
}

/*
 * Records in bursts, as a rig's probes and unbinds give them, with reads
 * between that find nothing: the text must still be read before the burst
 * that brings an unknown string (an empty read must not end the search).
 */
static void test_trace_raw_bursts(const char *captures)
{
	char fx[600], root[] = "/tmp/drc-raw-XXXXXX", fifo[1024], text[1024], statf[1024], stats[64];
	struct trace_raw *t = NULL;
	struct strbuf sb = STRBUF_INIT;
	uint64_t ts = 7000000000ull;
	const uint64_t KZ = 0x60378a54ull, IRQ = 0x60379870ull;
	static const char text1[] = "   sh-77 [000] d..1.     7.000001: devres_log: d.0 ADD 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n";
	static const char text2[] = "   sh-77 [000] d..1.     8.000001: devres_log: d.0 ADD 00000000aaaa0002 dfx_hda_irq_release (16 bytes)\n";
	int w = -1, r = 0;

	snprintf(fx, sizeof(fx), "%s/kernel/fc-6.18.44/raw", captures);
	if (!ok(mkdtemp(root) != NULL, "a fake tracefs whose records come in bursts"))
		return;
	root_set(root);
	fake_tracefs(root, fx, format_pre613, 1);
	snprintf(fifo, sizeof(fifo), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", root);
	snprintf(text, sizeof(text), "%s" INSTANCE "/per_cpu/cpu0/trace", root);
	snprintf(statf, sizeof(statf), "%s" INSTANCE "/per_cpu/cpu0/stats", root);
	if (mkfifo(fifo, 0644) < 0 || trace_raw_open(TRACING, INSTANCE, &t) < 0 ||
	    (w = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		ok(false, "the FIFO and the reader");
		goto out;
	}
	/* a read before anything happened, then the first burst */
	r = trace_raw_read(t, collect, &sb);
	r = burst_read(t, w, text, ts, 0x7d000001ull, KZ, 8, text1, &sb, r);
	/* nothing for a while (a pause longer than TRACE_RAW_BURST_MS), then a
	 * burst with a release function not seen yet */
	if (r >= 0)
		r = trace_raw_read(t, collect, &sb);
	usleep((TRACE_RAW_BURST_MS + 50) * 1000);
	ts += 1000000000ull;
	r = burst_read(t, w, text, ts, 0x7d000002ull, IRQ, 16, text2, &sb, r);
	/* the near miss: a new name right after records whose strings were all
	 * known, no pause between, the buffer holding more than
	 * TRACE_RAW_PEEK_CHEAP records: not looked for (a flood reads no text),
	 * it goes out as its address */
	snprintf(stats, sizeof(stats), "entries: %u\noverrun: 0\n", TRACE_RAW_PEEK_CHEAP + 1);
	write_file(statf, stats, strlen(stats));
	ts += 1000000ull;
	r = burst_read(t, w, text, ts, 0x7d000003ull, 0x60379884ull, 32,
		       "   sh-77 [000] d..1.     8.001001: devres_log: d.0 ADD 00000000aaaa0003 dfx_hda_master_bind_release (32 bytes)\n", &sb, r);
	if (r >= 0)
		r = trace_raw_flush(t, true, collect, &sb);
	/* after a pause the same name again, and the text shows it: the reader
	 * is told what the address it was given is */
	usleep((TRACE_RAW_BURST_MS + 50) * 1000);
	if (r >= 0)
		r = trace_raw_read(t, collect, &sb);
	ts += 1000000000ull;
	r = burst_read(t, w, text, ts, 0x7d000004ull, 0x60379884ull, 32,
		       "   sh-77 [000] d..1.     9.001001: devres_log: d.0 ADD 00000000aaaa0004 dfx_hda_master_bind_release (32 bytes)\n", &sb, r);
	if (r >= 0)
		r = trace_raw_flush(t, true, collect, &sb);
	/* a new name right after, no pause, the buffer holding few records (a
	 * release batch right after its children's): its text is read */
	snprintf(stats, sizeof(stats), "entries: %u\noverrun: 0\n", TRACE_RAW_PEEK_CHEAP);
	write_file(statf, stats, strlen(stats));
	ts += 1000000ull;
	r = burst_read(t, w, text, ts, 0x7d000005ull, 0x60379890ull, 24,
		       "   sh-77 [000] d..1.     9.002001: devres_log: d.0 ADD 00000000aaaa0005 dfx_hda_clk_release (24 bytes)\n", &sb, r);
	if (r >= 0)
		r = trace_raw_flush(t, true, collect, &sb);
	strbuf_append(&sb, "", 1);
	ok(r >= 0 && strstr(sb.buf, "9.002001: devres_log: d.0 ADD 000000007d000005 dfx_hda_clk_release (24 bytes)"),
	   "a new name within a burst, few records in the buffer: resolved from the text");
	ok(r >= 0 && strstr(sb.buf, "8.001001: devres_log: d.0 ADD 000000007d000003 0000000060379884 (32 bytes)"),
	   "a new name within a flood, no pause before it: written as its address");
	{
		const char *nl = strstr(sb.buf, DRC_NAME_LINE "0000000060379884 dfx_hda_master_bind_release\n"),
			   *addr = strstr(sb.buf, "ADD 000000007d000003 0000000060379884"),
			   *later = strstr(sb.buf, "ADD 000000007d000004 dfx_hda_master_bind_release");

		ok(r >= 0 && nl && addr < nl && nl < later && !strstr(nl + 1, DRC_NAME_LINE),
		   "the name learnt later is written once, before the record that has it");
	}
	ok(r >= 0 && strstr(sb.buf, "7.000001: devres_log: d.0 ADD 000000007d000001 devm_kzalloc_release (8 bytes)"),
	   "the first burst, after an empty read, resolved from the text");
	ok(r >= 0 && strstr(sb.buf, "8.000001: devres_log: d.0 ADD 000000007d000002 dfx_hda_irq_release (16 bytes)"),
	   "a later burst with a new name, after another empty read, resolved too");
out:
	if (w >= 0)
		close(w);
	trace_raw_free(t);
	strbuf_done(&sb);
	root_set(NULL);
	snprintf(text, sizeof(text), "rm -rf '%s'", root);
	if (system(text) != 0)
		printf("# could not remove %s\n", root);
}

/*
 * Reading a CPU's pages consumes their text: a CPU whose stats count more
 * entries than its text showed is peeked again just before (a burst goes
 * on), at most REPEEK_MAX times; one whose text showed them all is not.
 */
static void test_trace_raw_repeek(const char *captures)
{
	static unsigned char page[4096];
	static const char line[] = "   sh-77 [000] d..1.     7.000001: devres_log: d.0 ADD 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n";
	static const char *const stats[2] = { "entries: 1\noverrun: 0\n", "entries: 4\noverrun: 0\n" };
	static const unsigned want[2] = { 0, 3 };
	uint64_t ts = 7000000000ull, commit;
	char fx[600], b[1024];

	snprintf(fx, sizeof(fx), "%s/kernel/fc-6.18.44/raw", captures);
	for (unsigned i = 0; i < 2; i++) {
		char root[] = "/tmp/drc-raw-XXXXXX";
		struct trace_raw_stats st;
		char *lines;

		if (!ok(mkdtemp(root) != NULL, "a fake tracefs, its stats counting %s", i ? "more" : "what its text shows"))
			return;
		root_set(root);
		fake_tracefs(root, fx, format_pre613, 1);
		memset(page, 0, sizeof(page));
		memcpy(page, &ts, 8);
		commit = put_event(page, 16, 1000, "d.0", 0x60375a95ull, 0x7d000001ull, 0x60378a54ull, 8) - 16;
		memcpy(page + 8, &commit, 8);
		snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", root);
		write_file(b, (const char *)page, sizeof(page));
		snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/trace", root);
		write_file(b, line, strlen(line));
		snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/stats", root);
		write_file(b, stats[i], strlen(stats[i]));
		lines = read_raw(&st);
		ok(lines && strstr(lines, "devres_log: d.0 ADD 000000007d000001 devm_kzalloc_release (8 bytes)"),
		   "the record resolved from its CPU's text (%s)", i ? "stats count more" : "all shown");
		is_int(st.repeeks, want[i], i ? "its text read again, at most 3 times, before the pages" :
					  "all shown: the text is not read again");
		free(lines);
		root_set(NULL);
		snprintf(b, sizeof(b), "rm -rf '%s'", root);
		if (system(b) != 0)
			printf("# could not remove %s\n", root);
	}
}

/*
 * A 6.1 kernel (the rig's UML 6.1.192): "op" and "name" are pointers, and
 * its text with hash-ptr off stops after "devres_log: " (trace_event_format()
 * and trace_check_vprintf() share iter->fmt). With hash-ptr on the text is
 * right but its nodes are hashed: the records are matched to the CPU's
 * lines in order, by time, device and size.
 */
static void test_trace_raw_61(const char *captures)
{
	static unsigned char page[4096];
	char fx[600], root[] = "/tmp/drc-raw-XXXXXX", b[1024], opt[1024], *lines;
	struct trace_raw_stats st;
	uint64_t ts = 5000000000ull, commit;
	size_t at = 16;
	const uint64_t ADD = 0x60375a95ull, REL = 0x60364dd2ull, KZ = 0x60378a54ull, IRQ = 0x60379870ull,
		       MOD = 0xffffffffc0a1b2c0ull;
	static const char text[] =
		"# tracer: nop\n"
		"   sh-77 [000] d..1.     5.000001: devres_log: dfx-hda.0 ADD 000000007169c344 devm_kzalloc_release (128 bytes)\n"
		"   sh-77 [000] d..1.     5.000002: devres_log: dfx-hda.0 ADD 000000003047678e dfx_hda_irq_release (16 bytes)\n"
		"   sh-77 [000] d..1.     5.000002: devres_log: dfx-hda.0 ADD 00000000abc94f30 devm_kzalloc_release (48 bytes)\n"
		"   sh-77 [000] d..1.     5.000004: devres_log: e1000.0 ADD 00000000aa000001 (0xffffffffc0a1b2c0:e1000_release)[UNSAFE-MEMORY] (8 bytes)\n"
		"   sh-77 [000] .....     5.000005: devres_log: dfx-hda.0 REL 000000003047678e dfx_hda_irq_release (16 bytes)\n";
	static const char broken[] =
		"# tracer: nop\n"
		"   sh-77 [000] d..1.     5.000001: devres_log:    sh-77 [000] d..1.     5.000002: devres_log: ";

	snprintf(fx, sizeof(fx), "%s/kernel/fc-6.18.44/raw", captures);
	if (!ok(mkdtemp(root) != NULL, "a fake tracefs of a 6.1 kernel"))
		return;
	root_set(root);
	fake_tracefs(root, fx, format_pre613, 1);
	memcpy(page, &ts, 8);
	/* the first record: nothing devres.c logs (no op), as a 6.1 rig gave first */
	at = put_event(page, at, 0, "", 0, 0, 0, 0);
	at = put_event(page, at, 1000, "dfx-hda.0", ADD, 0x7d01bc00ull, KZ, 128);
	at = put_event(page, at, 1000, "dfx-hda.0", ADD, 0x7d2dee00ull, IRQ, 16);
	/* the same microsecond: told apart by their order and sizes */
	at = put_event(page, at, 200, "dfx-hda.0", ADD, 0x7d00b480ull, KZ, 48);
	at = put_event(page, at, 1800, "e1000.0", ADD, 0x7d00c000ull, MOD, 8);
	at = put_event(page, at, 1000, "dfx-hda.0", REL, 0x7d2dee00ull, IRQ, 16);
	commit = at - 16;
	memcpy(page + 8, &commit, 8);
	snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", root);
	write_file(b, page, sizeof(page));
	snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/trace", root);
	write_file(b, text, strlen(text));

	lines = read_raw(&st);
	if (ok(lines != NULL, "a 6.1 page read")) {
		ok(strstr(lines, "5.000001: devres_log: dfx-hda.0 ADD 000000007d01bc00 devm_kzalloc_release (128 bytes)") &&
			   strstr(lines, "5.000002: devres_log: dfx-hda.0 ADD 000000007d2dee00 dfx_hda_irq_release (16 bytes)") &&
			   strstr(lines, "5.000002: devres_log: dfx-hda.0 ADD 000000007d00b480 devm_kzalloc_release (48 bytes)") &&
			   strstr(lines, "5.000005: devres_log: dfx-hda.0 REL 000000007d2dee00 dfx_hda_irq_release (16 bytes)"),
		   "op and name pointers learnt from the CPU's hashed text; the raw nodes kept");
		ok(strstr(lines, "e1000.0 ADD 000000007d00c000 (0xffffffffc0a1b2c0:e1000_release)[UNSAFE-MEMORY] (8 bytes)") != NULL,
		   "a module's name as the trace prints it");
		ok(st.non_events == 1 && st.records == 6 && !strstr(lines, "devres_log:  "),
		   "the record without an op is counted, not written");
		is_int(st.unresolved, 0, "nothing written as an address");
		free(lines);
	}
	/* the text of 6.1 with hash-ptr off: no fields; hash-ptr goes back on */
	snprintf(opt, sizeof(opt), "%s" INSTANCE "/options", root);
	mkdirs(opt);
	snprintf(opt, sizeof(opt), "%s" INSTANCE "/options/hash-ptr", root);
	write_file(opt, "0\n", 2);
	write_file(b, broken, strlen(broken));
	lines = read_raw(&st);
	ok(lines && st.text_broken == 1 && slurp(opt)[0] == '1',
	   "a text without fields turns the instance's hash-ptr on");
	ok(lines && strstr(lines, "dfx-hda.0 0000000060375a95 000000007d01bc00 0000000060378a54 (128 bytes)"),
	   "and the records of that read go out with their addresses");
	free(lines);
	write_file(opt, "1\n", 2);
	lines = read_raw(&st);
	ok(lines && st.text_broken == 0, "a broken text is not claimed when hash-ptr is on already");
	free(lines);
	unlink(b);

	/* the reproducer of a libtraceevent hang: a 34-byte page whose commit
	 * word claims 1440 bytes; and a padding event of length -4, on which
	 * kbuffer's next_event() loops for ever */
	{
		char hang[1024];

		snprintf(hang, sizeof(hang), "%s/../live/data/trace-raw-kbuffer-hang.page", captures);
		snprintf(b, sizeof(b), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", root);
		ok(copy_file(hang, b), "the hang page on the fake tracefs");
		lines = read_raw(&st);
		ok(lines && st.bad_pages == 1 && st.records == 0 && strstr(lines, "CPU:0 [LOST EVENTS]"),
		   "the hang page is skipped and marked lost, and the read returns");
		free(lines);
	}
	{
		static unsigned char pad[4096];
		uint32_t hdr = 29, len = (uint32_t)-4;
		uint64_t c = 64;

		memcpy(pad, &ts, 8);
		memcpy(pad + 8, &c, 8);
		memcpy(pad + 16, &hdr, 4);
		memcpy(pad + 20, &len, 4);
		write_file(b, pad, sizeof(pad));
		lines = read_raw(&st);
		ok(lines && st.bad_pages == 1, "a padding event that leads back is skipped");
		free(lines);
	}

	/* losses: the CPU's overrun counter gives the count a page did not
	 * store, and bounds one it did */
	{
		uint64_t flagged = commit | 1ull << 31, stored = commit | 1ull << 31 | 1ull << 30, missed = 42;
		char stats[1024];

		snprintf(stats, sizeof(stats), "%s" INSTANCE "/per_cpu/cpu0/stats", root);
		write_file(stats, "entries: 0\noverrun: 100\ncommit overrun: 0\n", strlen("entries: 0\noverrun: 100\ncommit overrun: 0\n"));
		memcpy(page + 8, &flagged, 8);
		write_file(b, page, sizeof(page));
		lines = read_raw(&st);
		ok(lines && st.lost == 100 && st.lost_unknown == 0 && strstr(lines, "CPU:0 [LOST 100 EVENTS]"),
		   "a page without the count: the overrun counter's 100");
		free(lines);
		/* the kernel's RB_MISSED_EVENTS is an int (1 << 31): or'ed into the
		 * long commit word it sets the upper half as well (6.1 under a soak) */
		flagged = commit | 0xffffffff80000000ull;
		memcpy(page + 8, &flagged, 8);
		write_file(b, page, sizeof(page));
		lines = read_raw(&st);
		ok(lines && st.bad_pages == 0 && st.records == 6 && st.lost == 100,
		   "a commit word with the sign-extended missed flag is read, its records and its loss");
		free(lines);
		write_file(stats, "entries: 0\noverrun: 30\ncommit overrun: 0\n", strlen("entries: 0\noverrun: 30\ncommit overrun: 0\n"));
		memcpy(page + 8, &stored, 8);
		memcpy(page + 16 + commit, &missed, 8);
		write_file(b, page, sizeof(page));
		lines = read_raw(&st);
		ok(lines && st.lost == 30 && strstr(lines, "CPU:0 [LOST 30 EVENTS]"),
		   "a stored 42 bounded by the counter's 30: no event counted twice");
		free(lines);
		unlink(stats);
		lines = read_raw(&st);
		ok(lines && st.lost == 42, "without the counter, the page's own count");
		free(lines);
	}
	root_set(NULL);
	snprintf(b, sizeof(b), "rm -rf '%s'", root);
	if (system(b) != 0)
		printf("# could not remove %s\n", root);
}
#endif

int main(void)
{
	const char *captures = getenv("CAPTURES") ? getenv("CAPTURES") : "tests/captures";

	test_kmsg_overrun();
	test_uevent_order();
#ifdef HAVE_TRACEFS
	test_trace_raw_real(captures);
	test_trace_raw_pre613(captures);
	test_trace_raw_61(captures);
	test_trace_raw_bursts(captures);
	test_trace_raw_repeek(captures);
#else
	(void)captures;
	printf("# built without libtracefs: binary trace records not tested\n");
#endif
	return tap_done();
}
