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
 *
 * Built without sanitizers; loaded with LD_PRELOAD (after the sanitizer
 * runtime's link-order check is turned off).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
