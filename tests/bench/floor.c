// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A yardstick for bench.sh, not part of the tool: the least any reader of a
 * devres capture has to do. It reads the file, splits it into lines, finds
 * each "DEVRES" line and cuts it into device, op, id, name and size, with
 * no model, no rules and no output but a count. Its time over grep's is the
 * ratio no engine on one core can beat.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	unsigned long long lines = 0, devres = 0, ops[4] = { 0 }, bytes = 0;
	uint64_t mix = 0;
	size_t have = 0;
	int fd;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "usage: floor FILE\n");
		return 2;
	}
	for (;;) {
		ssize_t r = read(fd, buf + have, sizeof(buf) - have);
		char *p = buf, *end, *nl;

		if (r <= 0)
			break;
		end = buf + have + r;
		for (; (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1) {
			char *d = memmem(p, (size_t)(nl - p), ": DEVRES ", 9), *q, *dev;
			uint64_t id = 0, h = 0;

			lines++;
			if (!d || nl - d < 16)
				continue;
			devres++;
			for (dev = d; dev > p && dev[-1] != ' '; dev--)
				h = h * 31 + (unsigned char)dev[-1];
			q = d + 9;
			ops[q[2] == 'D' ? 0 : q[2] == 'L' ? 1 : q[2] == 'M' ? 2 : 3]++;
			for (q += 4; q < nl && *q == ' '; q++)
				;
			for (; q < nl && *q != ' '; q++)
				id = id * 16 + (unsigned)(*q <= '9' ? *q - '0' : (*q | 32) - 'a' + 10);
			for (q++; q < nl && *q != ' '; q++)
				h = h * 31 + (unsigned char)*q;
			if (q + 1 < nl && q[1] == '(')
				bytes += strtoull(q + 2, NULL, 10);
			mix += id ^ h;
		}
		have = (size_t)(end - p);
		memmove(buf, p, have);
		if (have == sizeof(buf))
			have = 0;       /* a line longer than the buffer: drop it */
	}
	close(fd);
	printf("%llu lines, %llu devres (%llu ADD, %llu REL), %llu bytes, %llx\n", lines, devres, ops[0], ops[1],
	       bytes, (unsigned long long)mix);
	return 0;
}
