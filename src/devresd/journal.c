// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>
#include <unistd.h>

#include "journal.h"
#include "shared/log.h"
#include "sources/live.h"

/* A new name in the directory is durable only once the directory is synced. */
static void sync_dir(const struct journal *j)
{
	int fd;

	if (j->sync == JOURNAL_SYNC_NEVER)
		return;
	fd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static void remember(struct journal *j, uint64_t gen, const struct stat *st)
{
	struct journal_file *f = &j->files[gen % (j->keep + 1)];

	*f = (struct journal_file){ gen, st->st_dev, st->st_ino };
}

/*
 * The end of the file is a crash's torn record when it has no newline: cut
 * it off, so that the next record does not glue onto it.
 */
static int cut_torn(struct journal *j)
{
	char buf[4096];
	off_t end = (off_t)j->size, at = end;

	if (end == 0)
		return 0;
	while (at > 0) {
		size_t n = (size_t)(at < (off_t)sizeof(buf) ? at : (off_t)sizeof(buf));
		ssize_t r = pread(j->fd, buf, n, at - (off_t)n);

		if (r != (ssize_t)n)
			return r < 0 ? -errno : -EIO;
		if (at == end && buf[n - 1] == '\n')
			return 0;
		for (size_t i = n; i-- > 0;)
			if (buf[i] == '\n') {
				at = at - (off_t)n + (off_t)i + 1;
				goto found;
			}
		at -= (off_t)n;
	}
found:
	if (ftruncate(j->fd, at) < 0)
		return -errno;
	j->torn++;
	j->torn_bytes += (uint64_t)(end - at);
	j->size = (uint64_t)at;
	return 1;
}

static int open_current(struct journal *j)
{
	char p[1100];
	struct stat st;
	bool created;

	snprintf(p, sizeof(p), "%s/journal.log", j->dir);
	created = access(p, F_OK) < 0;
	j->fd = open(p, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (j->fd < 0)
		return -errno;
	if (fstat(j->fd, &st) < 0)
		return -errno;
	j->size = (uint64_t)st.st_size;
	remember(j, j->generation, &st);
	if (created)
		sync_dir(j);
	return 0;
}

int journal_open(struct journal *j, const char *dir, uint64_t max_size, unsigned keep, enum journal_sync sync)
{
	char p[1100];
	struct stat st;
	int r;

	*j = (struct journal){ .fd = -1, .max_size = max_size, .keep = keep, .sync = sync };
	if (strlen(dir) >= sizeof(j->dir) - 32)
		return -ENAMETOOLONG;
	snprintf(j->dir, sizeof(j->dir), "%s", dir);
	/* only the last component: a typo must not grow a tree from / */
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -errno;
	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	j->files = calloc(keep + 1, sizeof(*j->files));
	if (!j->files)
		return -ENOMEM;
	/* generations count from the files already there, oldest first */
	for (unsigned k = keep; k > 0; k--) {
		snprintf(p, sizeof(p), "%s/journal.log.%u", dir, k);
		if (access(p, F_OK) == 0) {
			j->generation = k;
			break;
		}
	}
	for (unsigned k = (unsigned)j->generation; k > 0; k--) {
		snprintf(p, sizeof(p), "%s/journal.log.%u", dir, k);
		if (stat(p, &st) == 0)
			remember(j, j->generation - k, &st);
	}
	r = open_current(j);
	if (r < 0)
		return r;
	r = cut_torn(j);
	if (r < 0)
		return r;
	if (r > 0) {
		log_warning("journal: a torn last record (%" PRIu64 " bytes, no newline) cut off", j->torn_bytes);
		dprintf(j->fd, "devresctl-lost: journal %" PRIu64 " torn record cut off (%" PRIu64
			" bytes): the daemon stopped in the middle of writing it\n", j->torn, j->torn_bytes);
		if (fstat(j->fd, &st) == 0)
			j->size = (uint64_t)st.st_size;
	}
	return 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0) {
		if (j->sync != JOURNAL_SYNC_NEVER)
			fsync(j->fd);
		close(j->fd);
	}
	j->fd = -1;
	free(j->files);
	j->files = NULL;
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
	return open_current(j);     /* syncs the directory: the renames too */
}

/* Writes one record whole, or cuts off what of it was written. */
static int write_record(struct journal *j, const char *line, size_t len)
{
	struct iovec iov[2] = { { (void *)line, len }, { (void *)"\n", 1 } };
	size_t done = 0;
	ssize_t n;

	while (done < len + 1) {
		if (done >= len) {
			iov[0].iov_len = 0;
			iov[1].iov_base = (char *)"\n" + (done - len);
			iov[1].iov_len = 1 - (done - len);
		} else {
			iov[0].iov_base = (char *)line + done;
			iov[0].iov_len = len - done;
		}
		n = writev(j->fd, iov, 2);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int r = n < 0 ? -errno : -ENOSPC;

			if (done && ftruncate(j->fd, (off_t)j->size) < 0)
				log_error_errno(-errno, "journal: cannot cut off a partly written record");
			return r;
		}
		done += (size_t)n;
	}
	j->size += len + 1;
	return 0;
}

static int fail(struct journal *j, int r)
{
	if (!j->err)
		log_error_errno(r, "journal: cannot write %s/journal.log; counting the lines not written", j->dir);
	j->err = r;
	j->unwritten++;
	j->unwritten_total++;
	return r;
}

/*
 * After a full filesystem, writing resumes only once there is room for a
 * good many lines again: a short line can still fit in what is left of the
 * last block, and the journal would go on and off with every line, each
 * time a gap marker and a message.
 */
#define JOURNAL_RESUME_ROOM (64 * 1024)

static bool room_again(const struct journal *j)
{
	struct statvfs st;

	if (j->err != -ENOSPC && j->err != -EDQUOT)
		return true;
	if (j->fd < 0 || fstatvfs(j->fd, &st) < 0)
		return true;    /* cannot tell: try */
	return (uint64_t)st.f_bavail * st.f_frsize >= JOURNAL_RESUME_ROOM;
}

int journal_append(struct journal *j, const char *line, size_t len)
{
	int r;

	if (j->unwritten && !room_again(j))
		return fail(j, j->err);

	if (j->fd < 0 && (r = open_current(j)) < 0)
		return fail(j, r);
	if (j->max_size && j->size && j->size + len + 1 > j->max_size && (r = rotate(j)) < 0)
		return fail(j, r);
	if (j->unwritten) {
		char m[200];
		int n = snprintf(m, sizeof(m), "devresctl-lost: journal %" PRIu64 " lines not written: %s",
				 j->unwritten, strerror(-j->err));

		r = write_record(j, m, (size_t)n);
		if (r < 0)
			return fail(j, r);
		log_info("journal: writing again; %" PRIu64 " lines were not written (marked in the journal)",
			 j->unwritten);
		j->unwritten = 0;
		j->err = 0;
	}
	r = write_record(j, line, len);
	if (r < 0)
		return fail(j, r);
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
	if (fdatasync(j->fd) < 0) {
		if (j->sync_err != errno)
			log_error_errno(-errno, "journal: cannot sync %s/journal.log", j->dir);
		j->sync_err = errno;
		return -j->sync_err;
	}
	j->sync_err = 0;
	return 0;
}

int journal_reopen(struct journal *j)
{
	char p[1100];
	struct stat now, ours;
	int r;

	snprintf(p, sizeof(p), "%s/journal.log", j->dir);
	if (j->fd >= 0 && fstat(j->fd, &ours) == 0 && stat(p, &now) == 0 && now.st_dev == ours.st_dev &&
	    now.st_ino == ours.st_ino)
		return 0;       /* not moved: the same generation goes on */
	if (j->fd >= 0) {
		if (j->sync != JOURNAL_SYNC_NEVER)
			fsync(j->fd);
		close(j->fd);
		j->fd = -1;
	}
	j->generation++;
	r = open_current(j);
	return r < 0 ? r : 1;
}

int journal_open_gen(const struct journal *j, uint64_t gen)
{
	const struct journal_file *f = &j->files[gen % (j->keep + 1)];
	char p[1100];

	if (gen > j->generation || f->gen != gen || !f->ino)
		return -ENOENT;
	/* where rotation put it, else wherever among the journal's names it went */
	for (unsigned k = 0; k <= j->keep + 1; k++) {
		uint64_t back = k == 0 ? j->generation - gen : k - 1;
		struct stat st;
		int fd;

		if (back == 0)
			snprintf(p, sizeof(p), "%s/journal.log", j->dir);
		else
			snprintf(p, sizeof(p), "%s/journal.log.%" PRIu64, j->dir, back);
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_dev == f->dev && st.st_ino == f->ino)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

int64_t journal_last_kmsg_seq(const struct journal *j)
{
	struct kmsg_tracker t = { 0 };
	size_t n = j->size < (1u << 20) ? (size_t)j->size : (1u << 20);
	char *buf = n ? malloc(n) : NULL;
	uint64_t lost;
	ssize_t r;

	if (!buf)
		return -1;
	r = pread(j->fd, buf, n, (off_t)(j->size - n));
	for (char *p = buf, *end = buf + (r > 0 ? r : 0), *nl; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		kmsg_track(&t, p, (size_t)(nl - p), &lost);
	}
	free(buf);
	return t.seen ? (int64_t)t.seq : -1;
}
