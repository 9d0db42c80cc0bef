// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shared/root.h"
#include "source-fd.h"

#define FD_LINES_BUF (64 * 1024)

int fd_lines_init(struct fd_lines *l, int fd)
{
	*l = (struct fd_lines){ .fd = fd, .size = FD_LINES_BUF };
	l->buf = malloc(l->size);
	if (!l->buf) {
		fd_lines_close(l);
		return -ENOMEM;
	}
	return 0;
}

int fd_lines_open(struct fd_lines *l, const char *path)
{
	struct stat st;
	int fd, r;

	*l = (struct fd_lines){ .fd = -1 };
	fd = root_open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -errno;
	}
	if (S_ISFIFO(st.st_mode)) {
		/* the second reader before the first is closed: a writer that
		 * the first open let through may have written already, and a
		 * FIFO left without reader throws away what it holds */
		int rw = root_open(path, O_RDWR | O_NONBLOCK);

		close(fd);
		if (rw < 0)
			return rw;
		fd = rw;
	}
	r = fd_lines_init(l, fd);
	if (r == 0)
		l->chardev = S_ISCHR(st.st_mode);
	return r;
}

void fd_lines_close(struct fd_lines *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->buf);
	*l = (struct fd_lines){ .fd = -1 };
}

static int flush_lines(struct fd_lines *l, source_line_fn fn, void *userdata, bool all)
{
	char *p = l->buf, *end = l->buf + l->have, *nl;
	int r = 0;

	while (r >= 0 && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		r = fn(userdata, p, (size_t)(nl - p), false);
		p = nl + 1;
	}
	if (r >= 0 && all && p < end) {
		r = fn(userdata, p, (size_t)(end - p), false);
		p = end;
	}
	l->have = (size_t)(end - p);
	if (l->have && p != l->buf)
		memmove(l->buf, p, l->have);
	if (r >= 0 && l->have == l->size) {
		/* no end of line in the whole buffer: hand it out cut */
		r = fn(userdata, l->buf, l->have, true);
		l->have = 0;
	}
	return r;
}

int fd_lines_read(struct fd_lines *l, source_line_fn fn, void *userdata)
{
	return fd_lines_read_some(l, fn, userdata, SIZE_MAX);
}

int fd_lines_read_some(struct fd_lines *l, source_line_fn fn, void *userdata, size_t max)
{
	return fd_lines_read_budget(l, fn, userdata, &max);
}

int fd_lines_read_budget(struct fd_lines *l, source_line_fn fn, void *userdata, size_t *budget)
{
	while (*budget) {
		ssize_t n;
		int r;

		if (l->ended)
			return 0;
		n = read(l->fd, l->buf + l->have, l->size - l->have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;  /* EPIPE: /dev/kmsg overran; the next read goes on */
		}
		if (n == 0) {
			l->ended = true;
			return flush_lines(l, fn, userdata, true);
		}
		l->have += (size_t)n;
		*budget -= (size_t)n < *budget ? (size_t)n : *budget;
		r = flush_lines(l, fn, userdata, false);
		if (r < 0)
			return r;
	}
	return 0;
}
