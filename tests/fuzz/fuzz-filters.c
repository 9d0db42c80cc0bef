// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Suppression and baseline files (filters.c): the input is the file, read
 * as a suppressions file and as a baseline (the findings[] of `check
 * --format=json`), then matched against the findings of a capture with a
 * cross-device release, as `check` does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devresctl/filters.h"
#include "devresctl/output.h"
#include "fuzz.h"
#include "libdevres/libdevres.h"
#include "shared/log.h"

static struct drc_ctx *ctx;
static int fd = -1;
static char path[64];
static volatile unsigned sink;

static const char capture[] =
	"[    1.000000] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000a1b2c3d4 grp< (0 bytes)\n"
	"[    1.000001] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000a1b2c3e0 devm_kzalloc_release (64 bytes)\n"
	"[    1.000002] i915 0000:00:02.0: DEVRES ADD 00000000b1b2c3d4 devm_kzalloc_release (128 bytes)\n"
	"[    2.000000] i915 0000:00:02.0: DEVRES REL 00000000b1b2c3d4 devm_kzalloc_release (128 bytes)\n"
	"[    2.000001] snd_hda_intel 0000:00:1f.3: DEVRES REL 00000000a1b2c3e0 devm_kzalloc_release (64 bytes)\n"
	"[    2.000002] snd_hda_intel 0000:00:1f.3: DEVRES REL 00000000a1b2c3d4 grp< (0 bytes)\n"
	"[    3.000000] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000a1b2c3d4 devm_kzalloc_release (8 bytes)\n"
	"[    3.000001] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000a1b2c3d4 devm_kzalloc_release (8 bytes)\n";

static void cleanup(void)
{
	drc_ctx_unref(ctx);
	if (fd >= 0)
		close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *kb = fuzz_kb_path();
	struct drc_stream *s;

	(void)argc, (void)argv;
	log_set_quiet(true);
	fd = memfd_create("fuzz-filters", MFD_CLOEXEC);
	if (fd < 0 || drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, "fuzz", &s) < 0)
		return 1;
	atexit(cleanup);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (kb)
		drc_ctx_load_kb(ctx, kb, &(unsigned){ 0 });
	drc_stream_feed(s, capture, sizeof(capture) - 1);
	drc_stream_finish(s);
	drc_stream_free(s);
	drc_ctx_finish(ctx);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct suppressions *sup = NULL;
	struct baseline *b = NULL;
	struct finding_list l;
	unsigned hits = 0;

	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	if (suppressions_load(path, &sup) == 0 && findings_collect(ctx, sup, &l) == 0) {
		for (unsigned i = 0; i < drc_ctx_get_finding_count(ctx); i++)
			hits += suppressions_match(sup, drc_ctx_get_finding(ctx, i)) != NULL;
		finding_list_done(&l);
	}
	suppressions_free(sup);
	if (baseline_load(path, &b) == 0 && findings_collect(ctx, NULL, &l) == 0) {
		for (unsigned i = 0; i < l.n; i++)
			hits += baseline_has(b, l.items[i].fingerprint);
		hits += baseline_has(b, "0000000000000000");
		finding_list_done(&l);
	}
	baseline_free(b);
	sink += hits;
	return 0;
}
