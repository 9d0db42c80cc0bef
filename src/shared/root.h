/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Every path to /sys, /proc, /dev, /run and tracefs goes through here, so
 * that tests run on a fake tree (--root, DEVRESCTL_ROOT). Paths given to
 * these functions are absolute as on the real system; functions return
 * -errno on failure.
 */
void root_set(const char *dir);         /* NULL or "/" for the real root */
const char *root_dir(void);             /* "" for the real root */
bool root_is_real(void);

/* "<root><path>" into @buf; -ENAMETOOLONG when it does not fit. */
int root_path(char *buf, size_t len, const char *path);
int root_open(const char *path, int flags);
bool root_exists(const char *path);
/* The first line of a small file, without its newline; returns its length. */
ssize_t root_read_line(const char *path, char *buf, size_t len);
/* Writes @s (and nothing else) to an existing file. */
int root_write(const char *path, const char *s);
/* A stream socket connected to the Unix socket at @path; returns the
 * descriptor (close-on-exec) or -errno. */
int root_connect(const char *path);
/* The target of a symbolic link. */
ssize_t root_readlink(const char *path, char *buf, size_t len);
/* The last component of a symbolic link's target ("../../bus/platform" -> "platform"). */
int root_link_name(const char *path, char *buf, size_t len);
