/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "source-file.h"

/*
 * Lines from a live file descriptor: /dev/kmsg (one record per read), a
 * trace_pipe, or, in tests, a FIFO or a plain file. Non-blocking: reads
 * what is there and keeps the start of an unfinished line for later.
 */
struct fd_lines {
	int fd;
	bool chardev;           /* /dev/kmsg itself, not a test's file or FIFO */
	bool polled;            /* poll() works on it (not a plain file on disk; sysfs and
				 * tracefs files are regular files that do) */
	bool ended;
	char *buf;
	size_t have, size;
};

/* Takes @fd (it is closed by fd_lines_close()); it should be non-blocking. */
int fd_lines_init(struct fd_lines *l, int fd);
/* Opens @path below the root; a FIFO is opened read-write so that it does
 * not end when its last writer goes away. */
int fd_lines_open(struct fd_lines *l, const char *path);
void fd_lines_close(struct fd_lines *l);
/*
 * Reads until the descriptor has nothing more now, calling @fn for each
 * complete line. Returns 0 (call again when it is readable), -EPIPE once
 * for a /dev/kmsg overrun (records were lost; go on reading), another
 * -errno on failure. Sets ->ended at the end of a plain file or FIFO.
 */
int fd_lines_read(struct fd_lines *l, source_line_fn fn, void *userdata);
/* The same, stopping once about @max bytes were read (what is left stays
 * readable): a long burst must not starve the rest of a loop. */
int fd_lines_read_some(struct fd_lines *l, source_line_fn fn, void *userdata, size_t max);
/* The same, taking the bytes read from *@budget (0: stop), which an EPIPE
 * return leaves as far as it got. */
int fd_lines_read_budget(struct fd_lines *l, source_line_fn fn, void *userdata, size_t *budget);
