// SPDX-License-Identifier: GPL-2.0-or-later
/* Every transport of DESIGN.md 2.3, decoded line by line. */
#include "config.h"

#include "lib/feed.h"

#define LINE " dfx-clean.0: DEVRES ADD 00000000ce4591a1 devm_kzalloc_release (96 bytes)"

/* One ADD of kz96 on dfx-clean.0 must come out of @text. */
static void one_add(const char *what, const char *text, const char *prefix)
{
	struct drc_ctx *ctx = ctx_from_text("t", text);
	struct drc_device *d = dev_named(ctx, "dfx-clean.0");
	struct drc_stats st = stats_of(ctx);
	char msg[128];

	snprintf(msg, sizeof(msg), "%s: one event, live kz96", what);
	ok(st.devres_events == 1 && st.undecoded == 0 && d &&
	   strcmp(live_string(d), "devm_kzalloc_release:96") == 0, "%s", msg);
	if (prefix) {
		snprintf(msg, sizeof(msg), "%s: driver prefix", what);
		is_str(d ? drc_device_get_prefix(d) : NULL, prefix, msg);
	}
	drc_ctx_unref(ctx);
}

static void test_transports(void)
{
	one_add("dmesg", "[  126.886032] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg unpadded", "[7.138679] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg blank ts", "[ ] dfx-clean" LINE "\n", "dfx-clean");
	one_add("no timestamp", "dfx-clean" LINE "\n", "dfx-clean");
	one_add("printk caller", "[    2.340000][    T1] dfx-clean" LINE "\n", "dfx-clean");
	one_add("printk caller spaced", "[    2.340000] [T1] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg -T", "[Fri Mar 10 23:42:01 2023] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg -T, German", "[Fr Mär 10 23:42:01 2023] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg -T, Japanese", "[金  3月 10 23:42:01 2023] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg -x", "kern  :err   : [    1.920000] dfx-clean" LINE "\n", "dfx-clean");
	one_add("syslog", "Mar  8 22:20:36 pc-mtodorov kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("syslog with ts", "Mar 10 23:42:01 host kernel: [ 12.5] dfx-clean" LINE "\n", "dfx-clean");
	one_add("journal short-precise", "Mar 10 23:42:01.123456 host kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("journal short-iso", "2023-03-10T23:42:01+0100 host kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("journal short-monotonic", "[  126.886032] host kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("journal short-monotonic --no-hostname", "[  126.886032] kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("journal --no-hostname", "Mar 10 23:42:01 kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("CRLF", "[  126.886032] dfx-clean" LINE "\r\n", "dfx-clean");
	one_add("kmsg", "3,64,1920000,-;dfx-clean" LINE "\n SUBSYSTEM=platform\n DEVICE=+platform:dfx-clean.0\n", "dfx-clean");
	one_add("kmsg with caller field", "3,64,1920000,-,caller=T1;dfx-clean" LINE "\n", "dfx-clean");
	one_add("journal export",
		"__CURSOR=s=1\n__REALTIME_TIMESTAMP=1\n_TRANSPORT=kernel\n_KERNEL_SUBSYSTEM=platform\n"
		"_KERNEL_DEVICE=+platform:dfx-clean.0\nMESSAGE=dfx-clean" LINE "\n\n", "dfx-clean");
	one_add("journal json",
		"{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"dfx-clean" LINE "\",\"_KERNEL_SUBSYSTEM\":\"platform\"}\n",
		"dfx-clean");
	one_add("trace", "  init.sh-1  [000] d....  1.920000: devres_log: dfx-clean.0 ADD 00000000ce4591a1 devm_kzalloc_release (96 bytes)\n", NULL);
	one_add("trace elided", "...: devres_log: dfx-clean.0 ADD ce4591a1 devm_kzalloc_release (96 bytes)\n", NULL);
	one_add("trace, option fields",
		"  bash-1 [000] ..... 1.920000: devres_log: devname=dfx-clean.0 dev=0x0 (0) op=(0xffff8881025fb01c:ADD) "
		"node=0xffff888104c03540 (-131387264846528) name=devm_kzalloc_release size=0x60 (96)\n", NULL);
	{
		/* "=00" after "devname" is no quoted-printable escape */
		struct drc_ctx *ctx = ctx_from_text("t",
			"  bash-1 [000] ..... 1.920000: devres_log: devname=0000:00:1f.3 dev=0x0 (0) op=(0xffff8881025fb01c:ADD) "
			"node=0xffff888104c03540 (-131387264846528) name=devm_kzalloc_release size=0x60 (96)\n");

		is_str(live_string(dev_named(ctx, "0000:00:1f.3")), "devm_kzalloc_release:96",
		       "option fields: a PCI name read as it is");
		drc_ctx_unref(ctx);
	}
	one_add("trace-cmd report", "     sh-124   [000]   439.921733: devres_log:           dfx-clean.0 ADD ce4591a1 devm_kzalloc_release (96 bytes)\n", NULL);
	one_add("mail quoted only", "> [  126.886032] dfx-clean" LINE "\n", "dfx-clean");
	one_add("quoted-printable NBSP", "[=C2=A0 126.886032] dfx-clean" LINE "\n", "dfx-clean");
	one_add("NBSP between the words", "[    1.920000]\xc2\xa0" "dfx-clean dfx-clean.0: DEVRES\xc2\xa0" "ADD\xc2\xa0"
		"00000000ce4591a1 devm_kzalloc_release (96\xc2\xa0" "bytes)\n", "dfx-clean");
	one_add("a tab between the words", "[    1.920000] dfx-clean dfx-clean.0:\tDEVRES\tADD 00000000ce4591a1 "
		"devm_kzalloc_release (96 bytes)\n", "dfx-clean");
	one_add("quoted with '| '", "| [  126.886032] dfx-clean" LINE "\n", "dfx-clean");
	/* what else dmesg, syslog daemons and mail make of the same line: the
	 * driver prefix must come out clean, or binding state flaps */
	one_add("dmesg -r", "<3>[    1.920000] dfx-clean" LINE "\n", "dfx-clean");
	one_add("/proc/kmsg without time", "<3>dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg --time-format=iso", "2023-03-10T23:42:01,123456+01:00 dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg -x --time-format=iso", "kern  :err   : 2023-03-10T23:42:01,123456+01:00 dfx-clean" LINE "\n",
		"dfx-clean");
	one_add("dmesg --reltime, first line", "[Mar10 23:42] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg --reltime, next lines", "[  +0.000123] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg -d", "[    1.920000 <    0.000123>] dfx-clean" LINE "\n", "dfx-clean");
	one_add("dmesg -d -t", "[<    0.000123>] dfx-clean" LINE "\n", "dfx-clean");
	one_add("indented four spaces", "    [    1.920000] dfx-clean" LINE "\n", "dfx-clean");
	one_add("indented with a tab", "\t[    1.920000] dfx-clean" LINE "\n", "dfx-clean");
	one_add("RFC 5424 syslog", "<3>1 2023-03-10T23:42:01.123456+01:00 host kernel - - - dfx-clean" LINE "\n",
		"dfx-clean");
	one_add("journalctl -o short-full", "Fri 2023-03-10 23:42:01 CET host kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("journalctl -o short-unix", "1678488121.123456 host kernel: dfx-clean" LINE "\n", "dfx-clean");
	one_add("a collector's own time", "2023-03-10 23:42:01.123 host kernel: [ 1.9] dfx-clean" LINE "\n",
		"dfx-clean");
	one_add("busybox syslogd", "Mar 10 23:42:01 host kern.err kernel: [    1.920000] dfx-clean" LINE "\n",
		"dfx-clean");
	one_add("journalctl -o verbose",
		"Fri 2023-03-10 23:42:01.123456 CET [s=6f2a;i=1a2;b=0c1d;m=1d4c0;t=5f6e;x=9a8b]\n"
		"    _TRANSPORT=kernel\n    _KERNEL_SUBSYSTEM=platform\n    _KERNEL_DEVICE=+platform:dfx-clean.0\n"
		"    MESSAGE=dfx-clean" LINE "\n"
		"Fri 2023-03-10 23:42:02.123456 CET [s=6f2a;i=1a3;b=0c1d;m=1d4c1;t=5f6f;x=9a8c]\n"
		"    _TRANSPORT=syslog\n    MESSAGE=dfx-clean dfx-clean.0: DEVRES ADD 00000000aaaaaaaa kz (1 bytes)\n",
		"dfx-clean");
	/* a terminal's colours kept in the capture (dmesg --color=always, script) */
	one_add("dmesg --color=always", "\x1b[32m[    1.920000] \x1b[0m\x1b[33mdfx-clean dfx-clean.0: \x1b[0m"
		"DEVRES ADD 00000000ce4591a1 devm_kzalloc_release (96 bytes)\n", "dfx-clean");
	one_add("OSC and charset escapes", "\x1b]0;minicom\x07\x1b(B[    1.920000] dfx-clean" LINE "\x1b[m\n",
		"dfx-clean");
	/* a console logger's own stamp before the kernel's time */
	one_add("ts(1) stamp", "Nov 26 11:21:04 [    1.920000] dfx-clean" LINE "\n", "dfx-clean");
	one_add("grabserial stamp", "[0.123456 0.000123] [    1.920000] dfx-clean" LINE "\n", "dfx-clean");
	one_add("picocom stamp", "11:21:04.123 [    1.920000] dfx-clean" LINE "\n", "dfx-clean");
	one_add("logger date", "[2026-11-26 11:21:04.123] dfx-clean" LINE "\n", "dfx-clean");
	one_add("kunit.py's time", "[12:34:56] dfx-clean" LINE "\n", "dfx-clean");
	one_add("logger date, kernel time, caller", "[2026-11-26 11:21:04] [    1.920000][  T123] dfx-clean" LINE "\n",
		"dfx-clean");
	{
		struct drc_ctx *ctx = ctx_from_text("t", "11:21:04.123 [ 7.250001] dfx-clean" LINE "\n");
		struct drc_device *d = dev_named(ctx, "dfx-clean.0");
		struct drc_node *nd = d ? drc_device_get_first_node(d) : NULL;

		is_int(nd ? drc_node_get_ts(nd) : -1, 7250001, "behind a logger's stamp: the kernel's time kept");
		drc_ctx_unref(ctx);
	}
	/* util-linux's dmesg --json: pretty as it prints it, then as jq -c makes it */
	one_add("dmesg --json",
		"{\n   \"dmesg\": [\n      {\n         \"pri\": 6,\n         \"time\":     0.000000,\n"
		"         \"msg\": \"Linux version 6.1.0\"\n      },{\n         \"pri\": 3,\n"
		"         \"time\":     1.920000,\n         \"msg\": \"dfx-clean" LINE "\"\n      }\n   ]\n}\n",
		"dfx-clean");
	one_add("dmesg --json -x",
		"{\n   \"dmesg\": [\n      {\n         \"fac\": \"kern\",\n         \"pri\": \"err\",\n"
		"         \"time\":     1.920000,\n         \"msg\": \"dfx-clean" LINE "\"\n      }\n   ]\n}\n",
		"dfx-clean");
	one_add("dmesg --json quoted in mail",
		"> {\n>    \"dmesg\": [\n>       {\n>          \"pri\": 3,\n>          \"time\":     1.920000,\n"
		">          \"msg\": \"dfx-clean" LINE "\"\n>       }\n>    ]\n> }\n", "dfx-clean");
	one_add("dmesg --json | jq -c '.dmesg[]'", "{\"pri\":3,\"time\":1.92,\"msg\":\"dfx-clean" LINE "\"}\n",
		"dfx-clean");
	one_add("dmesg --json | jq -c", "{\"dmesg\":[{\"pri\":6,\"time\":0,\"msg\":\"Linux version 6.1.0\"},"
		"{\"pri\":3,\"time\":1.92,\"msg\":\"dfx-clean" LINE "\"}]}\n", "dfx-clean");
	one_add("journalctl -o json-pretty",
		"{\n\t\"__CURSOR\" : \"s=6f2a;i=1a2\",\n\t\"__MONOTONIC_TIMESTAMP\" : \"1920000\",\n"
		"\t\"_TRANSPORT\" : \"kernel\",\n\t\"_KERNEL_SUBSYSTEM\" : \"platform\",\n"
		"\t\"_KERNEL_DEVICE\" : \"+platform:dfx-clean.0\",\n\t\"MESSAGE\" : \"dfx-clean" LINE "\"\n}\n"
		"{\n\t\"_TRANSPORT\" : \"syslog\",\n"
		"\t\"MESSAGE\" : \"dfx-clean dfx-clean.0: DEVRES ADD 00000000aaaaaaaa kz (1 bytes)\"\n}\n", "dfx-clean");
	/* a message saved from a list archive's web page */
	one_add("list archive page", "<!DOCTYPE html>\n<html><body><pre>\n"
		"<span class=\"q\">&gt; [&nbsp; 126.886032] dfx-clean dfx-clean.0: DEVRES ADD <a href=\"x\">00000000ce4591a1</a> "
		"devm_kzalloc_release (96&#32;bytes)</span>\n</pre></body></html>\n", "dfx-clean");
	{
		struct drc_ctx *ctx = ctx_from_text("t", "<html>\n"
			"[ 1.0] drv d.0: DEVRES ADD 00000000000000a1 grp&lt; (0 bytes)\n"
			"[ 1.0] drv d.0: DEVRES ADD 00000000000000a2 kz&amp (8 bytes) &copy; &#x41; <a href=\"cut\n");

		is_str(live_string(dev_named(ctx, "d.0")), "grp<:0 kz&amp:8", "web page: entities decoded, others kept");
		drc_ctx_unref(ctx);
	}
	{
		/* outside a web page, "<" and "&" are what they are */
		struct drc_ctx *ctx = ctx_from_text("t",
			"[ 1.0] drv d.0: DEVRES ADD 00000000000000a1 grp&lt; (0 bytes)\n");

		is_str(live_string(dev_named(ctx, "d.0")), "grp&lt;:0", "not a web page: no entity decoded");
		drc_ctx_unref(ctx);
	}
	/* a LAVA job log (KernelCI): the target's console lines as YAML-listed JSON */
	one_add("LAVA log.yaml",
		"- {\"dt\": \"2023-01-23T12:37:03.560618\", \"lvl\": \"info\", \"msg\": \"lava-dispatcher\"}\n"
		"- {\"dt\": \"2023-01-23T12:37:09.151124\", \"lvl\": \"target\", \"msg\": \"[    1.920000] dfx-clean" LINE "\"}\n"
		"- {\"dt\": \"2023-01-23T12:37:10.1\", \"lvl\": \"results\", \"msg\": {\"case\": \"x\", \"result\": \"pass\"}}\n",
		"dfx-clean");
	{
		struct drc_ctx *ctx = ctx_from_text("t",
			"- {\"dt\": \"2023-01-23T12:37:08.1\", \"lvl\": \"target\", \"msg\": \"[    0.000000] Linux version 6.1.0 #1\"}\n"
			"- {\"dt\": \"2023-01-23T12:37:09.1\", \"lvl\": \"target\", \"msg\": "
			"\"[    1.920000] dfx-clean dfx-clean.0: DEVRES ADD 00000000ce4591a1 \\\"kz\\\" (8 bytes)\"}\n");
		const char *kernel = drc_ctx_get_boot_count(ctx) ? drc_ctx_get_boot_kernel(ctx, 0) : NULL;

		is_str(kernel, "6.1.0", "LAVA: the boot's kernel from its console line");
		is_str(live_string(dev_named(ctx, "dfx-clean.0")), "\"kz\":8", "LAVA: the message's escapes undone");
		drc_ctx_unref(ctx);
	}
	{
		/* what dmesg --json says besides the message: the time, escapes; and
		 * a journal message that is not UTF-8 comes as one byte a line */
		static const char bytes[] = "d1 d1: DEVRES ADD 00000000ce4591a1 \xff (2 bytes)";
		char text[4096];
		size_t n = (size_t)snprintf(text, sizeof(text), "%s",
			"{\n   \"dmesg\": [\n      {\n         \"pri\": 3,\n         \"time\":  1234.500001,\n"
			"         \"msg\": \"dfx-clean dfx-clean.0: DEVRES ADD 00000000ce4591a1 devm_\\u006bzalloc\\/x (8 bytes)\"\n"
			"      }\n   ]\n}\n{\n\t\"_TRANSPORT\" : \"kernel\",\n\t\"MESSAGE\" : [\n");
		for (size_t i = 0; bytes[i]; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "\t\t%u%s\n", (unsigned char)bytes[i],
					      bytes[i + 1] ? "," : "");
		snprintf(text + n, sizeof(text) - n, "\t]\n}\n");
		struct drc_ctx *ctx = ctx_from_text("t", text);
		struct drc_device *d = dev_named(ctx, "dfx-clean.0");
		struct drc_node *nd = d ? drc_device_get_first_node(d) : NULL;

		is_str(nd ? drc_node_get_name(nd) : NULL, "devm_kzalloc/x", "dmesg --json: the message's escapes undone");
		is_int(nd ? drc_node_get_ts(nd) : -1, 1234500001, "dmesg --json: the record's time kept");
		is_str(live_string(dev_named(ctx, "d1")), "\xff:2", "json-pretty: a MESSAGE given as bytes read");
		is_int(stats_of(ctx).devres_events, 2, "both records read");
		drc_ctx_unref(ctx);
	}
	{
		/* strings cut short (a mail wrap inside a pretty record) */
		struct drc_ctx *cut = ctx_from_text("t",
			"{\n   \"msg\": \"\n}\n{\n   \"msg\": \"dfx-clean" LINE "\n}\n");

		is_str(live_string(dev_named(cut, "dfx-clean.0")), "devm_kzalloc_release:96",
		       "dmesg --json: cut strings read as they are");
		drc_ctx_unref(cut);
	}
	{
		/* a lone "{" in a mail and lines that are no fields go on as before */
		struct drc_ctx *ctx = ctx_from_text("t", "{\n[    1.920000] dfx-clean" LINE "\n\"a\": 1\n}\n");

		is_int(stats_of(ctx).devres_events, 1, "a '{' line does not swallow the next");
		drc_ctx_unref(ctx);
	}
	one_add("perf script", "  bash  1234 [000]     1.920000:     dev:devres_log: dfx-clean.0 ADD 00000000ce4591a1 "
		"devm_kzalloc_release (96 bytes)\n", NULL);
	{
		/* the time before the event's name, however it is named and aligned */
		struct drc_ctx *ctx = ctx_from_text("t",
			"  bash  1234 [000]     1.920000:     dev:devres_log: d.0 ADD 00000000000000a1 kz (8 bytes)\n"
			"  bash-1 [000]  2.500000: dev:devres_log: d.1 ADD 00000000000000a2 kz (8 bytes)\n"
			"...: devres_log: d.2 ADD 00000000000000a3 kz (8 bytes)\n");
		struct drc_node *n0 = dev_named(ctx, "d.0") ? drc_device_get_first_node(dev_named(ctx, "d.0")) : NULL;
		struct drc_node *n1 = dev_named(ctx, "d.1") ? drc_device_get_first_node(dev_named(ctx, "d.1")) : NULL;
		struct drc_node *n2 = dev_named(ctx, "d.2") ? drc_device_get_first_node(dev_named(ctx, "d.2")) : NULL;

		is_int(n0 ? drc_node_get_ts(n0) : -2, 1920000, "perf script: the time read");
		is_int(n1 ? drc_node_get_ts(n1) : -2, 2500000, "trace-cmd with the system's name: the time read");
		is_int(n2 ? drc_node_get_ts(n2) : -2, -1, "an elided time is none");
		drc_ctx_unref(ctx);
	}
	{
		/* since 6.4 an action's name is its argument as written: spaces */
		struct drc_ctx *ctx = ctx_from_text("t",
			"[    1.0] drv d.0: DEVRES ADD 00000000000000a1 (void(*)(void *))clk_disable_unprepare (16 bytes)\n"
			"  bash-1 [000] 1.1: devres_log: d.1 ADD 00000000000000b1 (void (*)(void *)) regulator_disable (16 bytes)\n"
			"[    1.2] drv d.0: DEVRES REL 00000000000000a1 (void(*)(void *))clk_disable_unprepare (16 bytes) x\n");

		is_str(live_string(dev_named(ctx, "d.1")), "(void (*)(void *)) regulator_disable:16",
		       "trace: an action's name with spaces");
		{
			struct drc_ctx *f = ctx_from_text("t",
				"  bash-1 [000] ..... 1.920000: devres_log: devname=d.2 dev=0x0 (0) "
				"op=(0xffff8881025fb01c:ADD) node=0xffff888104c03540 (-131387264846528) "
				"name=(void(*)(void *))clk_disable_unprepare size=0x10 (16)\n");

			is_str(live_string(dev_named(f, "d.2")), "(void(*)(void *))clk_disable_unprepare:16",
			       "trace option fields: an action's name with spaces");
			drc_ctx_unref(f);
		}
		ok(stats_of(ctx).devres_events == 3 && stats_of(ctx).undecoded == 0 &&
		   strcmp(live_string(dev_named(ctx, "d.0")), "") == 0, "printk: added and released by that name");
		drc_ctx_unref(ctx);
	}
	{
		/* local debug prints: the raw address after the hashed one, or no
		 * address at all (matched by place and name) */
		struct drc_ctx *ctx = ctx_from_text("t",
			"[ 1.0] drv d.0: DEVRES ADD 0000000045a3e6d1 0xffff888109a3c000 devm_kzalloc_release (24 bytes)\n"
			"[ 1.0] drv d.0: DEVRES ADD devm_action_release (16 bytes)\n"
			"[ 1.0] drv d.0: DEVRES ADD 0000000045a3e6d3 (0xffff888109a3c080) kz (8 bytes)\n"
			"[ 1.1] drv d.0: DEVRES REL 0000000045a3e6d3 (0xffff888109a3c080) kz (8 bytes)\n"
			"[ 1.1] drv d.0: DEVRES REL devm_action_release (16 bytes)\n"
			"[ 1.2] drv e.0: DEVRES ADD ffff888109a3c0c0 00000000c5a3e6d1 kz (8 bytes)\n");

		is_str(live_string(dev_named(ctx, "d.0")), "devm_kzalloc_release:24",
		       "two addresses on a line, or none: read, released by their own");
		is_int(stats_of(ctx).undecoded, 0, "nothing undecodable");
		is_str(live_string(dev_named(ctx, "e.0")), "kz:8", "the raw address first, without 0x");
		drc_ctx_unref(ctx);
	}
	{
		/* without a time, a line that starts with "[drm:" is no dmesg -T stamp */
		struct drc_ctx *ctx = ctx_from_text("t",
			"[drm:drm_managed_release] drmres release begin\n"
			"[drm:add_dr] ADD 0000000000000901 kmalloc (64 bytes)\n");

		is_int(stats_of(ctx).drm_events, 2, "[drm:...] lines without a time read");
		drc_ctx_unref(ctx);
	}
	{
		/* other programs' lines are not the kernel's */
		struct drc_ctx *ctx = ctx_from_text("t",
			"<14>1 2023-03-10T23:42:01.123456+01:00 host app 1 - - dfx-clean" LINE "\n"
			"Mar 10 23:42:01 host user.info app: dfx-clean" LINE "\n");

		is_int(stats_of(ctx).devres_events, 0, "RFC 5424 and busybox lines of other programs skipped");
		drc_ctx_unref(ctx);
	}
}

static void test_kmsg_dictionary(void)
{
	struct drc_ctx *ctx = ctx_from_text("kmsg",
		"3,64,1920000,-;dfx-clean" LINE "\n SUBSYSTEM=platform\n DEVICE=+platform:dfx-clean.0\n");
	struct drc_device *d = dev_named(ctx, "dfx-clean.0");

	is_str(d ? drc_device_get_subsystem(d) : NULL, "platform", "kmsg: SUBSYSTEM= kept");
	is_str(d ? drc_device_get_devkey(d) : NULL, "+platform:dfx-clean.0", "kmsg: DEVICE= kept");
	is_str(d ? drc_device_get_driver(d) : NULL, "dfx-clean", "kmsg: driver from prefix");
	is_int(d ? (long long)drc_device_get_state(d) : -1, DRC_DEVICE_BOUND, "kmsg: driver prefix means bound");
	drc_ctx_unref(ctx);
}

static void test_root_device_and_names(void)
{
	struct drc_ctx *ctx = ctx_from_text("t",
		"[    2.340000]  dfx-root-plain: DEVRES ADD 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n"
		"[    2.340000] platform dfx-nodrv.0: DEVRES ADD 00000000aaaa0002 devm_kzalloc_release (16 bytes)\n"
		"     sh-124     [000] d..1.   439.921733: devres_log: 40000000.timer:counter ADD f0ecfb01 devm_action_release (8 bytes)\n"
		"     sh-124     [000] d..1.   439.921741: devres_log: (null) ADD 44be06af devm_kzalloc_release (64 bytes)\n"
		"  kworker-7  [001] d..1.  5.1: devres_log: 0000:00:17.0 ADD ffff88810a2b3c40 (0xffffffffc05a1b20:ata_devres_release)[UNSAFE-MEMORY] (24 bytes)\n");
	struct drc_device *root = dev_named(ctx, "dfx-root-plain"), *nodrv = dev_named(ctx, "dfx-nodrv.0");
	struct drc_device *ctr = dev_named(ctx, "40000000.timer:counter"), *nul = dev_named(ctx, "(null)");
	struct drc_device *ata = dev_named(ctx, "0000:00:17.0");

	ok(root != NULL, "root device: name after the leading space");
	is_str(root ? drc_device_get_prefix(root) : NULL, "", "root device: empty driver string");
	is_int(root ? (long long)drc_device_get_state(root) : -1, DRC_DEVICE_NO_BUS, "root device: no bus");
	is_int(nodrv ? (long long)drc_device_get_state(nodrv) : -1, DRC_DEVICE_UNBOUND, "bus prefix: unbound");
	is_str(nodrv ? drc_device_get_subsystem(nodrv) : NULL, "platform", "bus prefix: subsystem");
	ok(ctr && drc_device_count_live(ctr) == 1, "device name with a colon");
	ok(nul && drc_device_count_live(nul) == 1, "(null) device kept as its own device");
	is_int(stats_of(ctx).unnamed_devices, 1, "(null) device counted");
	is_str(ata && drc_device_get_first_node(ata) ? drc_node_get_name(drc_device_get_first_node(ata)) : NULL,
	       "ata_devres_release", "UNSAFE-MEMORY name reduced to the symbol");
	is_str(ctr && drc_device_get_first_node(ctr) ? drc_node_get_id_string(drc_device_get_first_node(ctr)) : NULL,
	       "f0ecfb01", "32-bit pointer kept as printed");
	drc_ctx_unref(ctx);
}

static void test_mail(void)
{
	/* the original, then a reply quoting it, then a reply to the reply */
	const char *text =
		"[  126.886032] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000323ccdc5 devm_component_match_release (24 bytes)\n"
		"[  126.886045] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000865cdb29 grp< (0 bytes)\n"
		"On Tue, someone wrote:\n"
		"> [  126.886032] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000323ccdc5 devm_component_match_release (24 bytes)\n"
		"> [  126.886045] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000865cdb29 grp< (0 bytes)\n"
		">> [  126.886032] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000323ccdc5 devm_component_match_release (24 bytes)\n";
	struct drc_ctx *ctx = ctx_from_text("mail", text);
	struct drc_stats st = stats_of(ctx);

	is_int(st.devres_events, 2, "quoted copies are not new events");
	is_int(st.quoted_duplicates, 3, "quoted copies counted");
	is_int(st.id_reuse, 0, "quoted copies do not look like id reuse");
	drc_ctx_unref(ctx);

	/* a hard wrap inside the line, and a quoted-printable soft break */
	ctx = ctx_from_text("wrap",
		"> [  137.579458] snd_hda_intel 0000:00:1f.3: DEVRES ADD 000000001b480725 pcim_iomap_release\n"
		"> (48 bytes)\n"
		"[  137.6] snd_hda_intel 0000:00:1f.3: DEVRES ADD 000000001b480726 devm_kzalloc_release (8 by=\n"
		"tes)\n");
	st = stats_of(ctx);
	is_int(st.devres_events, 2, "wrapped lines joined");
	is_int(st.joined_lines, 2, "joins counted");
	is_int(st.undecoded, 0, "nothing left undecoded after joining");
	drc_ctx_unref(ctx);

	/* wrapped right after the device's colon */
	ctx = ctx_from_text("wrap",
		"> [  137.579458] snd_hda_intel 0000:00:1f.3:\n"
		"> DEVRES ADD 000000001b480725 pcim_iomap_release (48 bytes)\n"
		"[  137.6] snd_hda_intel 0000:00:1f.3: probe:\n"
		"[  137.7] snd_hda_intel 0000:00:1f.3: DEVRES ADD 000000001b480726 devm_kzalloc_release (8 bytes)\n");
	st = stats_of(ctx);
	is_int(st.devres_events, 2, "wrapped after the colon: joined");
	is_str(live_string(dev_named(ctx, "0000:00:1f.3")), "pcim_iomap_release:48 devm_kzalloc_release:8",
	       "both on their device");
	is_int(st.undecoded, 0, "a line ending in ':' before a whole devres line changes nothing");
	drc_ctx_unref(ctx);

	/* wrapped right after DEVRES; and a line cut there for good is counted */
	ctx = ctx_from_text("wrap",
		"> [  137.579458] snd_hda_intel 0000:00:1f.3: DEVRES\n"
		"> ADD 000000001b480725 pcim_iomap_release (48 bytes)\n"
		"[  137.6] snd_hda_intel 0000:00:1f.3: DEVRES\n"
		"[  137.7] snd_hda_intel 0000:00:1f.3: probe done\n");
	st = stats_of(ctx);
	is_int(st.devres_events, 1, "wrapped after DEVRES: joined");
	is_str(live_string(dev_named(ctx, "0000:00:1f.3")), "pcim_iomap_release:48", "on its device");
	is_int(st.undecoded, 1, "cut after DEVRES and never continued: undecoded, not dropped");
	drc_ctx_unref(ctx);

	/* wrapped before the device (a syslog line in a 72-column mail): the
	 * piece that starts with the device says nothing of the binding */
	ctx = ctx_from_text("wrap",
		"[  126.8] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000ce4591a1 devm_kzalloc_release (96 bytes)\n"
		"> Mar 10 23:42:01 testhost-with-a-long-name kernel: [  126.9] snd_hda_intel\n"
		"> 0000:00:1f.3: DEVRES ADD 00000000ce4591a2 devm_kzalloc_release\n"
		"> (96 bytes)\n");
	{
		struct drc_device *d = dev_named(ctx, "0000:00:1f.3");

		is_int(stats_of(ctx).devres_events, 2, "wrapped before the device: read");
		is_int(d ? (long long)drc_device_get_state(d) : -1, DRC_DEVICE_BOUND, "the binding stays as it was");
		is_str(d ? drc_device_get_driver(d) : NULL, "snd_hda_intel", "and so does the driver");
	}
	drc_ctx_unref(ctx);
	/* lines joined by a mail client (Outlook's "extra line breaks removed"),
	 * or glued by two CPUs' consoles: every message on them is read */
	ctx = ctx_from_text("glued",
		"[  1.0] drv d.0: DEVRES ADD 00000000000000a1 kz (8 bytes) [  1.0] drv d.0: DEVRES ADD "
		"00000000000000a2 kz (16 bytes) [  1.1] drv d.0: DEVRES ADD 00000000000000a3 kz (24 bytes)\n"
		"[  1.2] drv d.0: DEVRES REL 00000000000000a3 kz (24 bytes)drv d.0: DEVRES REL 00000000000000a2 kz "
		"(16 bytes)\n");
	is_str(live_string(dev_named(ctx, "d.0")), "kz:8", "glued messages: each read");
	is_int(stats_of(ctx).undecoded, 0, "glued messages: nothing undecodable");
	is_int(stats_of(ctx).devres_events, 5, "glued messages: five operations");
	drc_ctx_unref(ctx);
	ctx = ctx_from_text("note",
		"[  1.0] drv d.0: DEVRES ADD 00000000000000a1 kz (8 bytes)   <- no DEVRES REL for this (8 bytes) later\n");
	ok(stats_of(ctx).devres_events == 1 && stats_of(ctx).undecoded == 0, "an author's note after a line is no message");
	drc_ctx_unref(ctx);
	{
		static char many[40000];
		size_t n = 0;

		for (unsigned i = 0; i < 300; i++)
			n += (size_t)snprintf(many + n, sizeof(many) - n,
					      "[  1.0] drv d.0: DEVRES ADD %016x kz (8 bytes) ", i + 1);
		ctx = ctx_from_text("glued", many);
		ok(stats_of(ctx).devres_events == 33 && stats_of(ctx).undecoded == 1,
		   "300 glued messages: 33 read, the rest counted once, the stack spared");
		drc_ctx_unref(ctx);
	}
	/* while an empty driver string (" <device>: ") means no bus, no driver,
	 * also behind kunit.py's time */
	ctx = ctx_from_text("t", "[    1.0]  dfx.0: DEVRES ADD 00000000ce4591a1 devm_kzalloc_release (96 bytes)\n"
			    "[12:34:56]  test-root: DEVRES ADD 0000000000000501 devm_drm_dev_init_release (16 bytes)\n");
	is_int(dev_named(ctx, "dfx.0") ? (long long)drc_device_get_state(dev_named(ctx, "dfx.0")) : -1,
	       DRC_DEVICE_NO_BUS, "an empty driver string: no bus");
	is_int(dev_named(ctx, "test-root") ? (long long)drc_device_get_state(dev_named(ctx, "test-root")) : -1,
	       DRC_DEVICE_NO_BUS, "kunit.py: a root device, no bus");
	drc_ctx_unref(ctx);
}

static void test_boots(void)
{
	struct drc_ctx *ctx = ctx_from_text("boots",
		"[    0.000000] Linux version 6.1.192 (root@vm) #6\n"
		"[    1.0] drv d.0: DEVRES ADD 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n"
		"[    0.000000] Linux version 6.6.0 (root@vm) #1\n"
		"[    1.0] drv d.0: DEVRES ADD 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n"
		"-- Boot 0123456789abcdef --\n"
		"[    1.0] drv d.0: DEVRES REL 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n");
	struct drc_stats st = stats_of(ctx);
	struct drc_device_iter *it;
	struct drc_device *d;
	unsigned n = 0, live = 0;

	is_int(st.boots, 3, "three boots");
	is_str(drc_ctx_get_boot_kernel(ctx, 0), "6.1.192", "boot 0 kernel release");
	is_str(drc_ctx_get_boot_kernel(ctx, 1), "6.6.0", "boot 1 kernel release");
	is_int(st.id_reuse, 0, "state resets per boot: the same id in a new boot is no reuse");
	drc_device_iter_new(ctx, &it);
	while (drc_device_iter_next(it, &d) > 0) {
		n++;
		live += drc_device_count_live(d);
	}
	drc_device_iter_free(it);
	is_int(n, 3, "one device per boot");
	is_int(live, 2, "boot 2's release is of a node it never saw added");
	is_int(st.unknown_nodes, 1, "unknown node counted");
	drc_ctx_unref(ctx);
}

static void test_malformed(void)
{
	static const char garbage[] = "\x01\x02\xff\xfe DEVRES \x00\x00 zz\n"
		"[ 1.0] drv dev.0: DEVRES ADD nothex devm_kzalloc_release (8 bytes)\n"
		"[ 1.0] drv dev.0: DEVRES FROB 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n"
		"[ 1.0] drv dev.0: DEVRES ADD 00000000aaaa0001\n"
		"[ 1.0] drv dev.0: DEVRES ADD 00000000aaaa0002 devm_kzalloc_release (8 bytes)\n"
		"[ 1.0] drv dev.0: DEVRES ADD 00000000aaaa0003 devm_kzalloc_release (x bytes)\n";
	struct drc_ctx *ctx;
	struct drc_stream *s;
	struct drc_diag dg;
	struct drc_stats st;

	drc_ctx_new(&ctx);
	drc_stream_new(ctx, "bad.log", &s);
	ok(drc_stream_feed(s, garbage, sizeof(garbage) - 1) == 0, "garbage fed without error");
	drc_stream_finish(s);
	drc_stream_free(s);
	st = stats_of(ctx);
	is_int(st.devres_events, 1, "the one good line among bad ones is taken");
	is_int(st.undecoded, 4, "bad devres lines counted");
	is_int(st.lines, 6, "every line counted");
	ok(drc_ctx_get_diag(ctx, 0, &dg) == 0 && dg.origin.line == 2 && strcmp(dg.origin.source, "bad.log") == 0,
	   "first diagnostic names file and line");
	ok(dg.expected && strstr(dg.expected, "expected"), "diagnostic says what was expected");
	drc_ctx_unref(ctx);

	/* a cut devres line far too long to be half of a wrapped one */
	{
		static char text[13000], xs[6001];
		size_t n;
		int r;

		memset(xs, 'x', sizeof(xs) - 1);
		n = (size_t)snprintf(text, sizeof(text),
				     "[ 1.0] drv dev.0: DEVRES ADD 00000000aaaa0001 %s\n"
				     "  bash-1 [000] 1.0: devres_log: dev.0 ADD 00000000aaaa0002 %s\n"
				     "[ 1.1] drv dev.0: DEVRES ADD 00000000aaaa0003 devm_kzalloc_release (8 bytes)\n", xs, xs);
		drc_ctx_new(&ctx);
		drc_stream_new(ctx, "long.log", &s);
		r = drc_stream_feed(s, text, n);
		ok(r == 0 && drc_stream_finish(s) == 0, "a long cut devres line does not stop the run");
		drc_stream_free(s);
		st = stats_of(ctx);
		ok(st.devres_events == 1 && st.undecoded == 2, "both long lines counted as undecodable, the next read");
		drc_ctx_unref(ctx);
	}
}

static void test_udev(void)
{
	struct drc_ctx *ctx = ctx_from_text("udev",
		"[    1.0] dfx-clean dfx-clean.0: DEVRES ADD 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n"
		"KERNEL[1.946440] bind     /devices/platform/dfx-clean.0 (platform)\n"
		"ACTION=bind\nDEVPATH=/devices/platform/dfx-clean.0\nSUBSYSTEM=platform\nDRIVER=dfx-clean\nSEQNUM=243\n\n"
		"UDEV  [1.950000] bind     /devices/platform/dfx-clean.0 (platform)\n"
		"[    2.0] dfx-clean dfx-clean.0: DEVRES REL 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n"
		"KERNEL[2.190293] unbind   /devices/platform/dfx-clean.0 (platform)\n"
		"# RAW unbind@/devices/platform/dfx-clean.0\nACTION=unbind\n\n"
		"KERNEL[2.3] remove   /devices/platform/dfx-clean.0 (platform)\n");
	struct drc_device *d = dev_named(ctx, "dfx-clean.0");

	is_int(stats_of(ctx).uevents, 3, "KERNEL events taken, the UDEV copy not");
	is_str(d ? drc_device_get_subsystem(d) : NULL, "platform", "subsystem from udev");
	is_int(d ? (long long)drc_device_get_state(d) : -1, DRC_DEVICE_REMOVED, "remove event ends the device");
	drc_ctx_unref(ctx);
}

static void on_ref(void *userdata, const struct drc_ref *ref)
{
	char *out = userdata;

	snprintf(out, 256, "%s %llu %s %s %llu", ref->device, (unsigned long long)ref->pid, ref->comm,
		 ref->path, (unsigned long long)ref->origin.line);
}

static void test_refs(void)
{
	const char *text =
		"[    1.0] dfx-clean dfx-clean.0: DEVRES ADD 00000000aaaa0001 devm_kzalloc_release (8 bytes)\n"
		"devresctl-refs: dfx-clean.0 42 cat /dev/dfx0\n"
		"devresctl-refs: dfx-clean.0 nopid\n";
	struct drc_ctx *ctx;
	struct drc_stream *s;
	char got[256] = "";

	if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, "refs", &s) < 0)
		abort();
	drc_ctx_set_ref_fn(ctx, on_ref, got);
	if (drc_stream_feed(s, text, strlen(text)) < 0 || drc_stream_finish(s) < 0)
		abort();
	drc_stream_free(s);
	is_str(got, "dfx-clean.0 42 cat /dev/dfx0 2", "reference line reaches the observer");
	is_int(stats_of(ctx).undecoded, 1, "a reference line without its fields is counted");
	drc_ctx_unref(ctx);
}

static void test_lost_line(void)
{
	struct drc_ctx *ctx = ctx_from_text("lost",
		"6,12,1000,-;devresctl-lost: kmsg 12 records overwritten before they were read\n"
		"devresctl-lost: udev ? events dropped by the socket\n"
		"devresctl-lost: nothing\n");

	is_int(stats_of(ctx).lost_markers, 2, "devresctl-lost lines are losses, counted or not");
	is_int(stats_of(ctx).undecoded, 1, "a devresctl-lost line without a count is reported");
	drc_ctx_unref(ctx);
}

static void test_kallsyms_parse(void)
{
	char a[] = "ffffffffc0a01000 t ata_devres_release\t[libata]\n";
	char b[] = "0000000000000000 T pcim_release [snd_hda_intel] \n";
	char builtin[] = "ffffffff81000000 T devm_kmalloc_release\n";
	char data[] = "ffffffffc0a02000 d ata_table\t[libata]\n";
	char empty[] = "ffffffffc0a01000 t fn\t[]\n";
	const char *fn = NULL, *mod = NULL;

	ok(drc_kallsyms_parse(a, &fn, &mod), "kallsyms: a module's text symbol");
	is_str(fn, "ata_devres_release", "kallsyms: its function");
	is_str(mod, "libata", "kallsyms: its module");
	ok(drc_kallsyms_parse(b, &fn, &mod) && strcmp(fn, "pcim_release") == 0 && strcmp(mod, "snd_hda_intel") == 0,
	   "kallsyms: hidden address, space before the module");
	ok(!drc_kallsyms_parse(builtin, &fn, &mod), "kallsyms: a built-in function has no module");
	ok(!drc_kallsyms_parse(data, &fn, &mod), "kallsyms: data symbols are not release functions");
	ok(!drc_kallsyms_parse(empty, &fn, &mod), "kallsyms: an empty module name");
}


/* The op printed as the address of its string (libtraceevent: trace-cmd
 * report, perf script); held back until the address is decided, the lines
 * keep their numbers. */
static void test_op_address_forms(void)
{
	static const char text[] =
		"     sh-124   [000]   439.921733: devres_log:           dfx-clean.0 ffffffff8283365f 0xffff888104881060 devm_kzalloc_release (96 bytes)\n"
		"[ 1.0] drv dev.0: DEVRES ADD nothex devm_kzalloc_release (8 bytes)\n"
		"     sh-124   [000]   439.921740: devres_log: dfx-clean.0 ffffffff8283365f 0xffff888104881ab0 bad (x bytes)\n"
		"     sh-124   [000]   439.921741: devres_log: dfx-clean.0 ffffffff8283 0xffff888104881ab0 kz (8 bytes)\n";
	struct drc_ctx *ctx;
	struct drc_diag dg;

	one_add("trace-cmd report, op as an address",
		"     sh-124   [000]   439.921733: devres_log:           dfx-clean.0 ffffffff8283365f 0xffff888104881060 devm_kzalloc_release (96 bytes)\n",
		NULL);
	one_add("perf script",
		"              sh     124 [000]   439.921733: dev:devres_log: dfx-clean.0 0xffffffff8283365f 0xffff888104881060 devm_kzalloc_release (96 bytes)\n",
		NULL);
	one_add("32-bit kernel, op as an address",
		"     sh-124   [000]   439.921733: devres_log: dfx-clean.0 c1a2b3c4 0xc5d6e7f8 devm_kzalloc_release (96 bytes)\n",
		NULL);
	/* before v6.13 the name is an address too: kept as the node's name */
	ctx = ctx_from_text("t",
		"     sh-124   [000]   439.921733: devres_log: dfx-clean.0 ffffffff8283365f 0xffff888104881060 ffffffff82a0c1d0 (96 bytes)\n"
		"     sh-124   [000]   439.921734: devres_log: dfx-clean.0 ffffffff8281b36a 0xffff888104881060 ffffffff82a0c1d0 (96 bytes)\n"
		"     sh-124   [000]   439.921735: devres_log: dfx-clean.0 ffffffff8283365f 0xffff888104881070 ffffffff82a0c1d0 (96 bytes)\n");
	is_str(live_string(dev_named(ctx, "dfx-clean.0")), "ffffffff82a0c1d0:96", "v6.12 and older: the name an address too");
	drc_ctx_unref(ctx);

	ctx = ctx_from_text("ops.log", text);
	is_int(stats_of(ctx).devres_events, 1, "op address: the good line taken");
	is_int(stats_of(ctx).undecoded, 3, "op address: bad lines around it counted");
	ok(drc_ctx_get_diag(ctx, 0, &dg) == 0 && dg.origin.line == 2, "op address: lines held back keep their numbers");
	ok(drc_ctx_get_diag(ctx, 2, &dg) == 0 && dg.origin.line == 4, "op address: 12 hex digits are no address");
	drc_ctx_unref(ctx);
}

/* Feeds @len bytes (NULs included) as the file @name. */
static struct drc_ctx *ctx_from_bytes(const char *name, const char *text, size_t len)
{
	struct drc_ctx *ctx;
	struct drc_stream *s;

	if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, name, &s) < 0)
		abort();
	if (drc_stream_feed(s, text, len) < 0 || drc_stream_finish(s) < 0)
		abort();
	drc_stream_free(s);
	return ctx;
}

#define EXPORT_ADD(id) "MESSAGE=dfx-clean dfx-clean.0: DEVRES ADD 00000000000000" id " devm_kzalloc_release (8 bytes)\n"

/*
 * journalctl -o export under faults (systemd's JOURNAL_EXPORT_FORMATS.md):
 * a short write cut an entry and the next was written onto it; an entry
 * without its empty line; binary fields (name, 64-bit LE size, bytes,
 * newline), with newlines in the size and in the bytes; a line that is no
 * field (journalctl's "is truncated" warning on the same stream). A line
 * the reader cannot read is reported with file, line and what was
 * expected, and never read into the next entry.
 */
static void test_journal_export_faults(void)
{
	static const char glued[] =
		"__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1\n_TRANSPORT=kernel\n_KERNEL_SUBSYSTEM=platform\n"
		"MESSAGE=dfx-clean dfx-clean.0: DEVRES ADD 00000000000000aa devm_kzal__CURSOR=s=1;i=2\n"  /* line 5 */
		"__REALTIME_TIMESTAMP=2\n_TRANSPORT=kernel\n" EXPORT_ADD("bb") "\n"
		"__CURSOR=s=1;i=3\n__REALTIME_TIMESTAMP=3\n_TRANSPORT=kernel\n" EXPORT_ADD("cc")
		"__CURSOR=s=1;i=4\n__REALTIME_TIMESTAMP=4\n_TRANSPORT=kernel\n_KERNEL_SUBSYSTEM=platform\n"
		EXPORT_ADD("dd") "\n";
	static const char binary[] =
		"__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1\n_TRANSPORT=kernel\n_KERNEL_SUBSYSTEM=platform\n"
		"SYSLOG_RAW\n\n\0\0\0\0\0\0\0ab\ncd\1efgh\n"  /* size 10: a newline in the size and in the bytes */
		"MESSAGE\n\x51\0\0\0\0\0\0\0dfx-clean dfx-clean.0: DEVRES ADD 00000000000000ee devm_kzalloc_release (8 bytes)\n"
		"_KERNEL_DEVICE=+platform:dfx-clean.0\n\n"
		"__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=2\n_TRANSPORT=kernel\n" EXPORT_ADD("ff")
		"Journal file /var/log/journal/0/system.journal is truncated, ignoring file.\n\n";
	static const char bad_size[] =
		"__CURSOR=s=1;i=1\n__REALTIME_TIMESTAMP=1\n_TRANSPORT=kernel\n"
		"MESSAGE\n\x05\0\0\0\0\0\0\0dfx-clean dfx-clean.0: DEVRES ADD 00000000000000aa devm_kzalloc_release (8 bytes)\n\n"
		"__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=2\n_TRANSPORT=kernel\n" EXPORT_ADD("bb") "\n";
	struct drc_ctx *ctx;
	struct drc_device *d;
	struct drc_stats st;
	struct drc_diag dg = { 0 };
	struct drc_node *n;

	ctx = ctx_from_bytes("glued.export", glued, sizeof(glued) - 1);
	st = stats_of(ctx);
	d = dev_named(ctx, "dfx-clean.0");
	is_int(st.devres_events, 3, "export, glued: the entries around the cut one are read");
	is_int(st.undecoded, 1, "export, glued: the cut entry is counted");
	ok(drc_ctx_get_diag(ctx, 0, &dg) == 0 && dg.origin.line == 5 && strcmp(dg.origin.source, "glued.export") == 0 &&
	   strstr(dg.expected, "cut short"), "export, glued: reported at its file and line, with what was expected");
	n = d ? drc_device_get_first_node(d) : NULL;
	is_int(n ? drc_node_get_origin(n).line : 0, 5, "export, glued: the next entry starts on the glued line");
	n = n ? drc_node_next(n) : NULL;
	is_int(n ? drc_node_get_origin(n).line : 0, 10, "export, no empty line: the entry is read on its own");
	n = n ? drc_node_next(n) : NULL;
	is_int(n ? drc_node_get_origin(n).line : 0, 14, "export, no empty line: so is the next");
	drc_ctx_unref(ctx);

	ctx = ctx_from_bytes("binary.export", binary, sizeof(binary) - 1);
	st = stats_of(ctx);
	d = dev_named(ctx, "dfx-clean.0");
	is_int(st.devres_events, 2, "export, binary: a binary MESSAGE is read");
	is_str(d ? drc_device_get_subsystem(d) : NULL, "platform", "export, binary: with its entry's other fields");
	n = d ? drc_device_get_first_node(d) : NULL;
	is_int(n ? drc_node_get_origin(n).line : 0, 1, "export, binary: from its entry, not as a line of text");
	is_int(st.undecoded, 1, "export: a line in an entry that is no field is counted");
	ok(drc_ctx_get_diag(ctx, 0, &dg) == 0 && dg.origin.line == 17 && strstr(dg.expected, "KEY=value"),
	   "export: and reported at its line");
	drc_ctx_unref(ctx);

	ctx = ctx_from_bytes("size.export", bad_size, sizeof(bad_size) - 1);
	st = stats_of(ctx);
	is_int(st.devres_events, 1, "export, a binary size that is wrong: the next entry is read");
	ok(drc_ctx_get_diag(ctx, 0, &dg) == 0 && dg.origin.line == 4 && strstr(dg.expected, "binary field"),
	   "export, a binary size that is wrong: reported at the field's name");
	drc_ctx_unref(ctx);
}

int main(void)
{
	test_transports();
	test_kmsg_dictionary();
	test_root_device_and_names();
	test_mail();
	test_boots();
	test_malformed();
	test_op_address_forms();
	test_udev();
	test_refs();
	test_lost_line();
	test_kallsyms_parse();
	test_journal_export_faults();
	return tap_done();
}
