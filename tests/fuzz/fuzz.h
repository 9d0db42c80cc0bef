/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer targets (tests/fuzz/README). Each defines
 * LLVMFuzzerTestOneInput(); built with clang -fsanitize=fuzzer by `make
 * fuzz`, and with the project's compiler against replay.c, which feeds it
 * the committed inputs in `make check`.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#include <stdlib.h>
#include <unistd.h>

/* The knowledge base the rules classify with: $DEVRESCTL_KB, else the
 * tree's (FUZZ_SRCDIR is set by the build), else none. */
static inline const char *fuzz_kb_path(void)
{
	const char *kb = getenv("DEVRESCTL_KB");

#ifdef FUZZ_SRCDIR
	if (!kb && access(FUZZ_SRCDIR "/data/kb/release-functions.tsv", R_OK) == 0)
		kb = FUZZ_SRCDIR "/data/kb/release-functions.tsv";
#endif
	return kb;
}
