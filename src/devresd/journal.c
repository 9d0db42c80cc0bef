// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "journal.h"

static int open_current(struct journal *j)
{
	char p[1100];
	struct stat st;

	snprintf(p, sizeof(p), "%s/journal.log", j->dir);
	j->fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (j->fd < 0)
		return -errno;
	j->size = fstat(j->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return 0;
}

static int mkdir_p(const char *dir)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(p, 0750) < 0 && errno != EEXIST ? -errno : 0;
}

int journal_open(struct journal *j, const char *dir, uint64_t max_size, unsigned keep, enum journal_sync sync)
{
	int r;

	*j = (struct journal){ .fd = -1, .max_size = max_size, .keep = keep, .sync = sync };
	if (strlen(dir) >= sizeof(j->dir))
		return -ENAMETOOLONG;
	snprintf(j->dir, sizeof(j->dir), "%s", dir);
	r = mkdir_p(dir);
	if (r < 0)
		return r;
	/* generations count from the files already there, oldest first */
	for (unsigned k = keep; k > 0; k--) {
		char p[1100];

		snprintf(p, sizeof(p), "%s/journal.log.%u", dir, k);
		if (access(p, F_OK) == 0) {
			j->generation = k;
			break;
		}
	}
	return open_current(j);
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0) {
		if (j->sync != JOURNAL_SYNC_NEVER)
			fsync(j->fd);
		close(j->fd);
	}
	j->fd = -1;
}

static int rotate(struct journal *j)
{
	char from[1100], to[1100];

	if (j->sync != JOURNAL_SYNC_NEVER)
		fsync(j->fd);
	close(j->fd);
	j->fd = -1;
	snprintf(to, sizeof(to), "%s/journal.log.%u", j->dir, j->keep);
	unlink(to);
	for (unsigned k = j->keep; k > 1; k--) {
		snprintf(from, sizeof(from), "%s/journal.log.%u", j->dir, k - 1);
		snprintf(to, sizeof(to), "%s/journal.log.%u", j->dir, k);
		rename(from, to);
	}
	snprintf(from, sizeof(from), "%s/journal.log", j->dir);
	snprintf(to, sizeof(to), "%s/journal.log.1", j->dir);
	if (j->keep)
		rename(from, to);
	else
		unlink(from);
	j->generation++;
	return open_current(j);
}

int journal_append(struct journal *j, const char *line, size_t len)
{
	struct iovec iov[2] = { { (void *)line, len }, { (void *)"\n", 1 } };
	ssize_t n;
	int r;

	if (j->fd < 0)
		return -EBADF;
	if (j->max_size && j->size && j->size + len + 1 > j->max_size && (r = rotate(j)) < 0)
		return r;
	do
		n = writev(j->fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len + 1)
		return -EIO;
	j->size += (uint64_t)n;
	j->lines++;
	j->dirty = true;
	return 0;
}

int journal_sync(struct journal *j, bool timer)
{
	if (!j->dirty || j->fd < 0 || j->sync == JOURNAL_SYNC_NEVER)
		return 0;
	if (j->sync == JOURNAL_SYNC_INTERVAL && !timer)
		return 0;
	j->dirty = false;
	return fdatasync(j->fd) < 0 ? -errno : 0;
}

int journal_reopen(struct journal *j)
{
	journal_close(j);
	j->generation++;
	return open_current(j);
}

int journal_path(const struct journal *j, uint64_t gen, char *buf, size_t len)
{
	uint64_t back;

	if (gen > j->generation)
		return -ENOENT;
	back = j->generation - gen;
	if (back == 0)
		snprintf(buf, len, "%s/journal.log", j->dir);
	else if (back <= j->keep)
		snprintf(buf, len, "%s/journal.log.%llu", j->dir, (unsigned long long)back);
	else
		return -ENOENT;
	return access(buf, F_OK) == 0 ? 0 : -ENOENT;
}
