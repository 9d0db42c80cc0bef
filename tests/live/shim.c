// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A preload for the live tests: what the system cannot be made to do on
 * demand, and what a program does not say it did.
 *
 *   DRC_SHIM_ENOBUFS=N    the Nth recvmsg() fails with ENOBUFS, as a netlink
 *                         socket does when the kernel dropped events for it;
 *                         the message stays queued for the next call
 *   DRC_SHIM_SYNC_LOG=F   counts fsync() and fdatasync() calls and writes
 *                         "syncs N" to F at exit
 *   DRC_SHIM_KMSG_EPIPE=S a read() of a file named .../dev/kmsg that would
 *                         return the record of sequence number S fails
 *                         with EPIPE first, as /dev/kmsg does when the ring
 *                         overwrote the records before S (the test writes
 *                         the gap); the data comes with the next read()
 *
 * Built without sanitizers; loaded with LD_PRELOAD (after the sanitizer
 * runtime's link-order check is turned off).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned long recvmsg_calls, syncs;

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*next)(int, struct msghdr *, int);
	const char *fail = getenv("DRC_SHIM_ENOBUFS");

	if (!next)
		next = (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT, "recvmsg");
	if (fail && ++recvmsg_calls == strtoul(fail, NULL, 10)) {
		errno = ENOBUFS;
		return -1;
	}
	return next(fd, msg, flags);
}

/* fsync() and fdatasync(): counted, then done */
#define COUNTED_SYNC(fn)                                                \
	int fn(int fd)                                                  \
	{                                                               \
		static int (*next)(int);                                \
									\
		if (!next)                                              \
			next = (int (*)(int))dlsym(RTLD_NEXT, #fn);     \
		syncs++;                                                \
		return next(fd);                                        \
	}
COUNTED_SYNC(fsync)
COUNTED_SYNC(fdatasync)

__attribute__((destructor)) static void write_sync_log(void)
{
	const char *path = getenv("DRC_SHIM_SYNC_LOG");
	FILE *f;

	if (!path || !(f = fopen(path, "we")))
		return;
	fprintf(f, "syncs %lu\n", syncs);
	fclose(f);
}

/* ---- /dev/kmsg overrun ---- */

static char stash[65536];
static size_t stash_len, stash_off;
static int epipe_state;        /* 0 armed, 1 EPIPE next, 2 done */

static int is_kmsg(int fd)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 9)
		return 0;
	path[n] = '\0';
	return strcmp(path + n - 9, "/dev/kmsg") == 0;
}

/* where a line "PRIO,SEQ,..." of sequence number @seq starts, or -1 */
static long find_record(const char *buf, size_t len, const char *seq)
{
	size_t sl = strlen(seq);

	for (size_t i = 0; i < len; i++) {
		size_t j = i;

		if (i && buf[i - 1] != '\n')
			continue;
		while (j < len && buf[j] >= '0' && buf[j] <= '9')
			j++;
		if (j > i && j + sl + 1 < len && buf[j] == ',' && memcmp(buf + j + 1, seq, sl) == 0 &&
		    buf[j + 1 + sl] == ',')
			return (long)i;
	}
	return -1;
}

ssize_t read(int fd, void *buf, size_t count)
{
	static ssize_t (*next)(int, void *, size_t);
	const char *seq = getenv("DRC_SHIM_KMSG_EPIPE");
	ssize_t r;
	long at;

	if (!next)
		next = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (!seq || epipe_state == 2 || !is_kmsg(fd))
		return next(fd, buf, count);
	if (epipe_state == 1) {
		if (stash_off == 0 && stash_len) {
			epipe_state = 3;
			errno = EPIPE;
			return -1;
		}
	}
	if (epipe_state == 3) {
		size_t n = stash_len - stash_off < count ? stash_len - stash_off : count;

		memcpy(buf, stash + stash_off, n);
		stash_off += n;
		if (stash_off == stash_len)
			epipe_state = 2;
		return (ssize_t)n;
	}
	r = next(fd, buf, count);
	if (r <= 0 || (at = find_record(buf, (size_t)r, seq)) < 0)
		return r;
	/* the records before S now, EPIPE, then S and what follows */
	stash_len = (size_t)r - (size_t)at < sizeof(stash) ? (size_t)r - (size_t)at : sizeof(stash);
	memcpy(stash, (char *)buf + at, stash_len);
	stash_off = 0;
	epipe_state = 1;
	if (at > 0)
		return at;
	epipe_state = 3;
	errno = EPIPE;
	return -1;
}
