/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The daemon's durable record: every line it was fed, as a capture that
 * devresctl report reads. Files rotate by size: "journal.log" is the
 * newest, "journal.log.1" the one before, up to "journal.log.<keep>".
 * Each file has a generation number (the newest has the highest), so a
 * reader can follow rotations; a generation is known by its inode, so a
 * file that was moved or replaced is never taken for another.
 *
 * A record is written whole or not at all: a short write is cut off again.
 * Lines that cannot be written (a full filesystem) are counted; the first
 * write that succeeds afterwards is a "devresctl-lost: journal N lines ..."
 * line. A record torn by a crash at the end of the file is cut off when the
 * journal is opened, and marked the same way.
 */
enum journal_sync { JOURNAL_SYNC_NEVER, JOURNAL_SYNC_INTERVAL, JOURNAL_SYNC_ALWAYS };

struct journal_file {
	uint64_t gen;
	dev_t dev;
	ino_t ino;
};

struct journal {
	char dir[1024];
	int fd;
	uint64_t size, max_size;
	unsigned keep;
	uint64_t generation;
	enum journal_sync sync;
	bool dirty;
	uint64_t lines;
	/* the generations still on disk, by inode: a ring of keep + 1 */
	struct journal_file *files;
	unsigned nfiles;
	/* faults */
	int err;                        /* why lines are not written now (-errno), 0 */
	uint64_t unwritten;             /* lines not written since then */
	uint64_t unwritten_total;
	uint64_t torn;                  /* torn records cut off at open */
	uint64_t torn_bytes;
	int sync_err;
};

/* Opens DIR/journal.log; DIR itself is created (mode 0750) if missing, but
 * not its parents: a mistyped path is an error (-ENOENT). */
int journal_open(struct journal *j, const char *dir, uint64_t max_size, unsigned keep, enum journal_sync sync);
void journal_close(struct journal *j);
/* Appends a line (the newline is added); rotates first when the file is full. */
int journal_append(struct journal *j, const char *line, size_t len);
/* fsync per policy: after each batch (always) or when the timer says (interval). */
int journal_sync(struct journal *j, bool timer);
/* SIGHUP: if "journal.log" was moved away, a new one. Returns 1 when it
 * was (a new generation), 0 when the file is still there (nothing to do). */
int journal_reopen(struct journal *j);
/* Opens generation @gen read-only: a file descriptor, or -ENOENT when it was
 * rotated or moved away. */
int journal_open_gen(const struct journal *j, uint64_t gen);
/* The last kernel-log sequence number in the newest file, or -1. */
int64_t journal_last_kmsg_seq(const struct journal *j);
