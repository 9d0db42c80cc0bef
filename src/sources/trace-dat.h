/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A file of `trace-cmd record` (trace.dat, versions 6 and 7), read through
 * libtracecmd: the dev:devres_log records of every CPU, merged in time
 * order, written as the lines the kernel's own text shows (trace-event.c,
 * as the live reader writes them), and each CPU's missed events (a page of
 * the ring buffer that says events were overwritten before it) as
 * "CPU:N [LOST M EVENTS]". The op, and the name before v6.13, are pointers
 * to the kernel's strings: libtraceevent resolves those the file's printk
 * formats hold; the others stay the address (as in `trace-cmd report`),
 * for the engine to resolve (opres.c). libtracecmd runs in a child
 * process, which a corrupt file can crash: the lines come through a pipe.
 */

/* "\x17\x08\x44tracing", then the version as text */
#define TRACE_DAT_MAGIC "\x17\x08\x44tracing"
#define TRACE_DAT_MAGIC_LEN 10

/* built without libtracecmd */
#define TRACE_DAT_ENOLIB (-EPROTONOSUPPORT)
/* libtracecmd cannot read its headers: cut short or corrupt */
#define TRACE_DAT_EBAD (-EPROTO)
/* no dev:devres_log among the events it recorded */
#define TRACE_DAT_ENOEVENT (-ENOMSG)
/* libtracecmd died reading it, or could not go on: corrupt */
#define TRACE_DAT_EDIED (-EUCLEAN)

struct trace_dat;

static inline bool trace_dat_magic(const void *buf, size_t len)
{
	return len >= TRACE_DAT_MAGIC_LEN && __builtin_memcmp(buf, TRACE_DAT_MAGIC, TRACE_DAT_MAGIC_LEN) == 0;
}

/* @fd: the whole file, seekable; closed by trace_dat_close() (and on
 * failure). Returns 0 or TRACE_DAT_E* or -errno. */
int trace_dat_open(int fd, struct trace_dat **ret);
void trace_dat_close(struct trace_dat *t);
/* The next line in *line, *len (valid until the next call): 1, 0 at the
 * end, or -errno. */
int trace_dat_next_line(struct trace_dat *t, const char **line, size_t *len);
