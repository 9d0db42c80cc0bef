/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The daemon's durable record: every line it was fed, as a capture that
 * devresctl report reads. Files rotate by size: "journal.log" is the
 * newest, "journal.log.1" the one before, up to "journal.log.<keep>".
 * Each file has a generation number (the newest has the highest), so a
 * reader can follow rotations.
 */
enum journal_sync { JOURNAL_SYNC_NEVER, JOURNAL_SYNC_INTERVAL, JOURNAL_SYNC_ALWAYS };

struct journal {
	char dir[1024];
	int fd;
	uint64_t size, max_size;
	unsigned keep;
	uint64_t generation;
	enum journal_sync sync;
	bool dirty;
	uint64_t lines;
};

int journal_open(struct journal *j, const char *dir, uint64_t max_size, unsigned keep, enum journal_sync sync);
void journal_close(struct journal *j);
/* Appends a line (the newline is added); rotates first when the file is full. */
int journal_append(struct journal *j, const char *line, size_t len);
/* fsync per policy: after each batch (always) or when the timer says (interval). */
int journal_sync(struct journal *j, bool timer);
/* SIGHUP: the file may have been moved away; open "journal.log" again. */
int journal_reopen(struct journal *j);
/* The path of generation @gen, or -ENOENT when it was rotated away. */
int journal_path(const struct journal *j, uint64_t gen, char *buf, size_t len);
