/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libdevres/libdevres.h"

/* Longest line kept; longer lines are cut, counted and skipped. */
#define SOURCE_LINE_MAX (64 * 1024)

struct source_file;

/* Opens a capture ("-" is standard input); gzip, xz and zstd are detected
 * by their magic bytes and decompressed as the file is read. */
int source_file_open(const char *path, struct source_file **ret);
void source_file_close(struct source_file *f);
/* Compressed bytes read so far and the file's size (0 when unknown). */
uint64_t source_file_get_pos(const struct source_file *f);
uint64_t source_file_get_size(const struct source_file *f);
const char *source_file_get_compression(const struct source_file *f);

/* The next line, without its newline, in *line and *len (valid until the next
 * call). A line longer than SOURCE_LINE_MAX is handed out once, cut to that
 * length, with *cut set. Returns 1, 0 at the end, or -errno. */
int source_file_next_line(struct source_file *f, const char **line, size_t *len, bool *cut);

typedef void (*source_progress_fn)(void *userdata, uint64_t pos, uint64_t size);

/* Calls @fn for every line, without its '\n'. A line longer than
 * SOURCE_LINE_MAX is passed once, cut to that length, with @cut set. A
 * negative return from @fn stops the reading and is returned. */
typedef int (*source_line_fn)(void *userdata, const char *line, size_t len, bool cut);
int source_file_for_each_line(struct source_file *f, source_line_fn fn, void *userdata,
			      source_progress_fn progress, void *progress_data);

/* Reads the whole file line by line into @s. Returns 0, or -errno on a read
 * or decompression error (what was read before it is kept). */
int source_file_feed(struct source_file *f, struct drc_stream *s, source_progress_fn progress,
		     void *userdata);
