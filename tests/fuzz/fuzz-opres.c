// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The op-address resolver (opres.c): traces whose op is printed as the
 * address of the kernel's string (trace-cmd report, perf script). Each four
 * bytes of the input are one dev:devres_log line: the device, the op (one
 * of eight addresses, or a word), the node, the name (a release function,
 * a group marker, or a name printed as an address) and the size; fed
 * through the public engine API, which resolves the addresses by the list
 * semantics, then finished and asked what it decided.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "libdevres/libdevres.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	return 0;
}

static volatile uint64_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const devs[] = { "VMGENCTR:00", "ACPI0013:00", "(null)", "0000:00:1f.3" };
	static const char *const words[] = { "ADD", "REL", "REM", "REPLACE" };
	static const char *const names[] = { "devm_kzalloc_release", "grp<", "grp>", "devm_memremap_release",
					     "devm_clk_release", "ffffffff82a1c0de", "ffffffff82a1c0e3",
					     "devm_action_release" };
	struct drc_ctx *ctx;
	struct drc_stream *s;
	struct drc_op_address ops[16];
	char line[256];
	size_t n;

	if (size > 4 * 20000 || drc_ctx_new(&ctx) < 0)
		return 0;
	if (drc_stream_new(ctx, "fuzz", &s) < 0) {
		drc_ctx_unref(ctx);
		return 0;
	}
	for (size_t i = 0; i + 4 <= size; i += 4) {
		const uint8_t *b = data + i;
		char op[32];
		int len;

		if (b[0] & 0x80)
			snprintf(op, sizeof(op), "%s", words[(b[0] >> 2) & 3]);
		else
			snprintf(op, sizeof(op), "ffffffff828%05x", 0x3365f + ((b[0] >> 2) & 7) * 0x1234);
		len = snprintf(line, sizeof(line),
			       "           <...>-17512 [001]  %zu.%06zu: devres_log: %s %s 0xffff888104d0%04x %s (%u bytes)",
			       9589 + i / 4000000, (i / 4) % 1000000, devs[b[0] & 3], op, (unsigned)(b[1] & 0x3f) * 0x40,
			       names[b[2] & 7], (unsigned)b[3]);
		drc_stream_feed_line(s, line, (size_t)len);
		if ((b[2] & 0xf8) == 0xf8)
			drc_stream_settle(s);
	}
	drc_stream_finish(s);
	drc_stream_free(s);
	drc_ctx_finish(ctx);
	n = drc_ctx_get_op_addresses(ctx, ops, 16);
	for (size_t i = 0; i < n && i < 16; i++)
		sink += ops[i].address + ops[i].op + ops[i].events + strlen(drc_op_to_string(ops[i].op));
	sink += drc_ctx_get_finding_count(ctx);
	drc_ctx_unref(ctx);
	return 0;
}
