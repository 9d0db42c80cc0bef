// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hostile captures for tests/bench/hostile.sh, on stdout:
 *   hostile-gen devices N      N distinct devices, one ADD each
 *   hostile-gen findings N     N devices, each an id added twice: one finding each
 *   hostile-gen nest N         N nested grp< (each with a resource) on one device
 *   hostile-gen nest-rel N     the same, closed, then released by one devres_release_all()
 *   hostile-gen nest-close N   N nested groups with raw pointers, closed outermost first
 *                              (devres_close_group() by id: each grp> at its grp< + 0x28)
 *   hostile-gen line BYTES     one line of BYTES bytes, then one devres line
 *   hostile-gen nest-late N    N nested open groups in a trace whose grp< is an address,
 *                              its name learnt at the end (a live recorder that wrote the
 *                              records before it had the string)
 *   hostile-gen trace-addr N   N trace events as before 6.13 (the name the address of its
 *                              string): each copy is held for a twin that may name it;
 *                              a devresctl-quiet line after each 30,000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long t;

static void line(const char *dev, const char *op, unsigned long long id, const char *name, unsigned size)
{
	printf("[%5llu.%06llu] drv %s: DEVRES %s %016llx %s (%u bytes)\n", t / 1000000, t % 1000000, dev, op, id,
	       name, size);
	t++;
}

int main(int argc, char **argv)
{
	unsigned long long n;
	char dev[32];

	if (argc != 3) {
		fprintf(stderr, "usage: hostile-gen devices|findings|nest|nest-rel|nest-close|nest-late|trace-addr|line N\n");
		return 2;
	}
	n = strtoull(argv[2], NULL, 10);
	if (!strcmp(argv[1], "devices")) {
		for (unsigned long long i = 0; i < n; i++) {
			snprintf(dev, sizeof(dev), "d%llu", i);
			line(dev, "ADD", 0x100000 + i, "devm_kzalloc_release", 8);
		}
	} else if (!strcmp(argv[1], "findings")) {
		for (unsigned long long i = 0; i < n; i++) {
			snprintf(dev, sizeof(dev), "d%llu", i);
			line(dev, "ADD", 0x100000 + i, "devm_kzalloc_release", 8);
			line(dev, "ADD", 0x100000 + i, "devm_kzalloc_release", 8);
		}
	} else if (!strcmp(argv[1], "nest") || !strcmp(argv[1], "nest-rel")) {
		int rel = !strcmp(argv[1], "nest-rel");

		for (unsigned long long i = 0; i < n; i++) {
			line("dev0", "ADD", 0x10000000 + i * 0x40, "grp<", 0);
			line("dev0", "ADD", 0x90000000 + i * 0x40, "devm_kzalloc_release", 8);
		}
		if (rel) {
			for (unsigned long long i = n; i-- > 0;)
				line("dev0", "ADD", 0x50000000 + i * 0x40, "grp>", 0);
			/* devres_release_all(): the group markers first, then the
			 * list from its end */
			for (unsigned long long i = 0; i < n; i++)
				line("dev0", "REL", 0x10000000 + i * 0x40, "grp<", 0);
			for (unsigned long long i = n; i-- > 0;) {
				line("dev0", "REL", 0x50000000 + i * 0x40, "grp>", 0);
				line("dev0", "REL", 0x90000000 + i * 0x40, "devm_kzalloc_release", 8);
			}
		}
	} else if (!strcmp(argv[1], "nest-close")) {
		for (unsigned long long i = 0; i < n; i++) {
			line("dev0", "ADD", 0xffff888100000000ULL + i * 0x80, "grp<", 0);
			line("dev0", "ADD", 0xffff888200000000ULL + i * 0x40, "devm_kzalloc_release", 8);
		}
		for (unsigned long long i = 0; i < n; i++)
			line("dev0", "ADD", 0xffff888100000000ULL + i * 0x80 + 0x28, "grp>", 0);
	} else if (!strcmp(argv[1], "nest-late")) {
		printf("devresctl-witnesses: trace\n");
		for (unsigned long long i = 0; i < n; i++, t++) {
			printf("  kworker/0:1-42 [000] d..1. %llu.%06llu: devres_log: dev0 ffffffff81000000 %016llx "
			       "ffffffff81000100 (0 bytes)\n", t / 1000000, t % 1000000, 0xffff888100000000ULL + i * 0x80);
			t++;
			printf("  kworker/0:1-42 [000] d..1. %llu.%06llu: devres_log: dev0 ffffffff81000000 %016llx "
			       "ffffffff81000300 (8 bytes)\n", t / 1000000, t % 1000000, 0xffff888200000000ULL + i * 0x40);
		}
		printf("devresctl-name ffffffff81000000 ADD\n");
		printf("devresctl-name ffffffff81000100 grp<\n");
		printf("devresctl-name ffffffff81000300 devm_kzalloc_release\n");
	} else if (!strcmp(argv[1], "trace-addr")) {
		/* cycles of 4 ADDs and their RELs on 100 devices, the names as
		 * the addresses of their strings; a live recorder's quiet mark
		 * (the held copies applied) after each 30,000 */
		for (unsigned long long i = 0; i < n; i++, t++) {
			unsigned long long k = i % 8, c = i / 8;

			if (i && i % 30000 == 0)
				printf("devresctl-quiet\n");
			printf("  kworker/0:1-42 [000] d..1. %llu.%06llu: devres_log: d%llu.0 %s %016llx "
			       "ffffffff8%07llx (%u bytes)\n", t / 1000000, t % 1000000, c % 100,
			       k < 4 ? "ADD" : "REL", 0xffff888100000000ULL + (c % 100) * 0x1000 + (k < 4 ? k : 7 - k) * 0x40,
			       0x1000000ULL + (k < 4 ? k : 7 - k) * 0x10, 8u << (k < 4 ? k : 7 - k));
		}
	} else if (!strcmp(argv[1], "line")) {
		static char buf[1 << 16];

		memset(buf, 'x', sizeof(buf));
		for (; n >= sizeof(buf); n -= sizeof(buf))
			fwrite(buf, 1, sizeof(buf), stdout);
		fwrite(buf, 1, n, stdout);
		putchar('\n');
		line("d.0", "ADD", 0xa1, "devm_kzalloc_release", 8);
	} else {
		fprintf(stderr, "hostile-gen: unknown kind '%s'\n", argv[1]);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
