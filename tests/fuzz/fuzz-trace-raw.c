// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trace raw-record decoder (trace-raw.c): the input is what
 * trace_pipe_raw gives, ring-buffer pages of one CPU, read through
 * libtraceevent's kbuffer from a fake tracefs whose event format is the
 * real one of a 6.18 kernel (name a string) or of one before 6.13 (name a
 * pointer): the first byte's low bit chooses; the rest are the pages.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "shared/root.h"
#include "sources/trace-raw.h"

#define TRACING "/sys/kernel/tracing"
#define INSTANCE TRACING "/instances/devresctl"

static char roots[2][4096];

static const char format_pre613[] =
	"name: devres_log\nID: 1234\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
	"\tfield:__data_loc char[] devname;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:struct device * dev;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * op;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:void * node;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\tfield:const char * name;\toffset:40;\tsize:8;\tsigned:0;\n"
	"\tfield:size_t size;\toffset:48;\tsize:8;\tsigned:0;\n\n"
	"print fmt: \"%s %3s %p %s (%zu bytes)\", __get_str(devname), REC->op, REC->node, REC->name, REC->size\n";

static int write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = len ? write(fd, data, len) : 0;
	close(fd);
	return n == (ssize_t)len ? 0 : -EIO;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int fd = open(from, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n < 0 ? -EIO : write_file(to, buf, (size_t)n);
}

static void mkdirs(const char *path)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s", path);
	for (char *c = p + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(p, 0755);
			*c = '/';
		}
	mkdir(p, 0755);
}

static int fake_tracefs(char *root, size_t len, bool pre613)
{
	const char *tmp = getenv("TMPDIR"), *fx = FUZZ_SRCDIR "/tests/captures/kernel/fc-6.18.44/raw";
	char a[4200], b[4200];
	int r = 0;

	snprintf(root, len, "%s/drc-fuzz-raw-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root))
		return -errno;
	snprintf(a, sizeof(a), "%s" TRACING "/events/dev/devres_log", root);
	mkdirs(a);
	snprintf(a, sizeof(a), "%s" INSTANCE "/per_cpu/cpu0", root);
	mkdirs(a);
	snprintf(a, sizeof(a), "%s/header_page", fx);
	snprintf(b, sizeof(b), "%s" TRACING "/events/header_page", root);
	r |= copy_file(a, b);
	snprintf(a, sizeof(a), "%s/header_event", fx);
	snprintf(b, sizeof(b), "%s" TRACING "/events/header_event", root);
	r |= copy_file(a, b);
	snprintf(b, sizeof(b), "%s" TRACING "/events/dev/enable", root);
	r |= write_file(b, "0\n", 2);
	snprintf(b, sizeof(b), "%s" TRACING "/events/dev/devres_log/enable", root);
	r |= write_file(b, "0\n", 2);
	snprintf(b, sizeof(b), "%s" TRACING "/events/dev/devres_log/format", root);
	if (pre613) {
		r |= write_file(b, format_pre613, strlen(format_pre613));
	} else {
		snprintf(a, sizeof(a), "%s/devres_log.format", fx);
		r |= copy_file(a, b);
	}
	/* the text the decoder learns strings from */
	snprintf(a, sizeof(a), "%s/trace.txt", fx);
	snprintf(b, sizeof(b), "%s" INSTANCE "/trace", root);
	r |= copy_file(a, b);
	return r ? -EIO : 0;
}

static void remove_tree(void)
{
	static const char *const files[] = { TRACING "/events/header_page", TRACING "/events/header_event",
					     TRACING "/events/dev/enable", TRACING "/events/dev/devres_log/enable",
					     TRACING "/events/dev/devres_log/format", INSTANCE "/trace",
					     INSTANCE "/per_cpu/cpu0/trace_pipe_raw" };
	static const char *const dirs[] = { INSTANCE "/per_cpu/cpu0", INSTANCE "/per_cpu", INSTANCE,
					    TRACING "/instances", TRACING "/events/dev/devres_log",
					    TRACING "/events/dev", TRACING "/events", TRACING, "/sys/kernel", "/sys", "" };
	char p[8300];

	for (unsigned k = 0; k < 2; k++) {
		if (!roots[k][0])
			continue;
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			snprintf(p, sizeof(p), "%s%s", roots[k], files[i]);
			unlink(p);
		}
		for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
			snprintf(p, sizeof(p), "%s%s", roots[k], dirs[i]);
			rmdir(p);
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (fake_tracefs(roots[0], sizeof(roots[0]), false) < 0 || fake_tracefs(roots[1], sizeof(roots[1]), true) < 0) {
		fprintf(stderr, "fuzz-trace-raw: cannot make a fake tracefs below $TMPDIR: %s\n", strerror(errno));
		return 1;
	}
	atexit(remove_tree);
	return 0;
}

static int count_line(void *userdata, const char *line, size_t len)
{
	*(size_t *)userdata += len + (line[0] != 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4200];
	struct trace_raw *t;
	size_t out = 0;
	int r;

	if (!size || size > 16 * 4096 + 1)
		return 0;
	root_set(roots[data[0] & 1]);
	snprintf(path, sizeof(path), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", roots[data[0] & 1]);
	if (write_file(path, data + 1, size - 1) < 0)
		return 0;
	r = trace_raw_open(TRACING, INSTANCE, &t);
	if (r < 0)
		return 0;
	/* every page is read on the first call; the loop bounds a decoder that
	 * would not say its file ended */
	for (int i = 0; i < 100 && !trace_raw_ended(t) && r >= 0; i++)
		r = trace_raw_read(t, count_line, &out);
	trace_raw_flush(t, true, count_line, &out);
	trace_raw_free(t);
	root_set(NULL);
	return 0;
}
