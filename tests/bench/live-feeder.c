// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel side of a bind/unbind soak, for the live-rate benchmark: writes
 * OPS devres operations (cycles of 9 ADDs and their 9 RELs on dfx-clean.0,
 * as the rig's soak does) to a fake root's /dev/kmsg FIFO as kmsg records
 * (with their sequence numbers and dictionaries) and to its trace instance's
 * cpu0/trace_pipe_raw FIFO as ring-buffer pages of a 6.18 kernel's
 * dev:devres_log (format in tests/captures/kernel/fc-6.18.44/raw), stamped
 * with CLOCK_MONOTONIC as the instance's "mono" clock. Before the first page
 * it writes the instance's per_cpu/cpu0/trace text of its first records (the
 * op strings are learnt from it). A FIFO blocks the writer while full, so
 * nothing is lost: the time taken is the reader's.
 *
 *   live-feeder ROOT OPS kmsg|trace|both
 * prints "ops N started REALTIME seconds S" on stdout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define EVENT_ID 2184
#define INSTANCE "/sys/kernel/tracing/instances/devresctl"

static const uint64_t OP_ADD = 0xffffffff8283365full, OP_REL = 0xffffffff8281b36aull;
static unsigned char page[PAGE];
static size_t at = 16;
static uint64_t page_ts, last_ts;
static int raw_fd = -1;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int write_all(int fd, const void *buf, size_t len)
{
	for (const char *p = buf; len;) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int page_out(void)
{
	uint64_t commit = at - 16;

	if (at == 16)
		return 0;
	memcpy(page, &page_ts, 8);
	memcpy(page + 8, &commit, 8);
	memset(page + at, 0, PAGE - at);
	at = 16;
	return write_all(raw_fd, page, PAGE);
}

/* one dev:devres_log event of the 6.18 format at @ts */
static int put_event(uint64_t ts, const char *dev, uint64_t op, uint64_t node, const char *name, uint64_t size)
{
	unsigned char d[160] = { 0 };
	size_t dl = strlen(dev) + 1, nl = strlen(name) + 1, len = (56 + dl + nl + 3) & ~(size_t)3;
	uint16_t type = EVENT_ID;
	int32_t pid = 1;
	uint32_t dloc = (uint32_t)(dl << 16 | 56), nloc = (uint32_t)(nl << 16 | (56 + dl)), hdr;

	if (at + 4 + len > PAGE || (at > 16 && ts - last_ts >= (1u << 27))) {
		if (page_out() < 0)
			return -1;
	}
	if (at == 16)
		page_ts = last_ts = ts;
	hdr = (uint32_t)(len / 4) | (uint32_t)(ts - last_ts) << 5;
	last_ts = ts;
	memcpy(d, &type, 2);
	memcpy(d + 4, &pid, 4);
	memcpy(d + 8, &dloc, 4);
	memcpy(d + 24, &op, 8);
	memcpy(d + 32, &node, 8);
	memcpy(d + 40, &nloc, 4);
	memcpy(d + 48, &size, 8);
	memcpy(d + 56, dev, dl);
	memcpy(d + 56 + dl, name, nl);
	memcpy(page + at, &hdr, 4);
	memcpy(page + at + 4, d, len);
	at += 4 + len;
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "devm_kzalloc_release", "dfx_clean_regmap_release",
					     "dfx_clean_irq_release", "dfx_clean_dma_release" };
	char path[4096], buf[512];
	uint64_t ops, seq = 100, start;
	struct timespec start_rt;
	bool kmsg, trace;
	int kfd = -1;

	if (argc != 4) {
		fprintf(stderr, "usage: live-feeder ROOT OPS kmsg|trace|both\n");
		return 2;
	}
	ops = strtoull(argv[2], NULL, 10);
	kmsg = strcmp(argv[3], "trace") != 0;
	trace = strcmp(argv[3], "kmsg") != 0;
	if (trace) {
		/* the text of the first two records: ADD and REL */
		uint64_t t0 = now_ns() + 1000000;
		FILE *f;

		snprintf(path, sizeof(path), "%s" INSTANCE "/per_cpu/cpu0/trace", argv[1]);
		f = fopen(path, "we");
		if (!f)
			return perror(path), 1;
		fprintf(f, "# tracer: nop\n");
		for (int k = 0; k < 2; k++) {
			uint64_t ts = t0 + (uint64_t)k * 1000, us = (ts + 500) / 1000;

			fprintf(f, "  sh-1 [000] ..... %" PRIu64 ".%06" PRIu64 ": devres_log: dfx-clean.0 %s %016" PRIx64
				   " %s (96 bytes)\n", us / 1000000, us % 1000000, k ? "REL" : "ADD",
				   (uint64_t)0xffff888100000000ull, names[0]);
		}
		fclose(f);
		snprintf(path, sizeof(path), "%s" INSTANCE "/per_cpu/cpu0/trace_pipe_raw", argv[1]);
		raw_fd = open(path, O_WRONLY | O_CLOEXEC);
		if (raw_fd < 0)
			return perror(path), 1;
		while (now_ns() < t0)
			;
		if (put_event(t0, "dfx-clean.0", OP_ADD, 0xffff888100000000ull, names[0], 96) < 0 ||
		    put_event(t0 + 1000, "dfx-clean.0", OP_REL, 0xffff888100000000ull, names[0], 96) < 0 ||
		    page_out() < 0)
			return perror("trace_pipe_raw"), 1;
	}
	if (kmsg) {
		snprintf(path, sizeof(path), "%s/dev/kmsg", argv[1]);
		kfd = open(path, O_WRONLY | O_CLOEXEC);
		if (kfd < 0)
			return perror(path), 1;
	}
	/* when the writing started, on the clock `date +%s.%N` reads */
	clock_gettime(CLOCK_REALTIME, &start_rt);
	start = now_ns();
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t cyc = i / 18, k = i % 18, slot = k < 9 ? k : 17 - k;
		uint64_t node = 0xffff888100001000ull + (cyc % 64) * 0x1000 + slot * 0x80, ts = now_ns();
		const char *name = names[slot % 4], *op = k < 9 ? "ADD" : "REL";
		uint64_t size = 16 + slot * 8;

		if (trace && put_event(ts, "dfx-clean.0", k < 9 ? OP_ADD : OP_REL, node, name, size) < 0)
			return perror("trace_pipe_raw"), 1;
		if (kmsg) {
			int n = snprintf(buf, sizeof(buf),
					 "3,%" PRIu64 ",%" PRIu64 ",-;dfx-clean dfx-clean.0: DEVRES %s %016" PRIx64
					 " %s (%" PRIu64 " bytes)\n SUBSYSTEM=platform\n DEVICE=+platform:dfx-clean.0\n",
					 seq++, ts / 1000, op, node ^ (uint64_t)0x5a5a5a5a, name, size);

			if (write_all(kfd, buf, (size_t)n) < 0)
				return perror("kmsg"), 1;
		}
	}
	if (trace && page_out() < 0)
		return perror("trace_pipe_raw"), 1;
	printf("ops %" PRIu64 " started %lld.%09ld seconds %.3f\n", ops, (long long)start_rt.tv_sec, start_rt.tv_nsec,
	       (double)(now_ns() - start) / 1e9);
	return 0;
}
