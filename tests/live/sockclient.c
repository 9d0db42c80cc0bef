// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A devresd client for the tests: connects, sends request lines, prints
 * what comes back.
 *
 *   sockclient SOCKET [-s LINE]... [-n LINES] [-t SECONDS] [-p PARTIAL] [-x]
 *
 * -s sends a line; -n stops after that many lines received; -t gives up
 * after that long (exit 1); -p sends PARTIAL without a newline and hangs up;
 * -x never reads: it sleeps -t seconds holding the connection (a slow client).
 */
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *sends[32];
	const char *partial = NULL;
	int nsend = 0, want = -1, c, fd, got = 0;
	double timeout = 10;
	bool noread = false;
	long deadline;
	char buf[65536];
	size_t have = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: sockclient SOCKET [-s LINE]... [-n LINES] [-t SECONDS] [-p PARTIAL] [-x]\n");
		return 2;
	}
	optind = 2;
	while ((c = getopt(argc, argv, "s:n:t:p:x")) != -1) {
		switch (c) {
		case 's':
			if (nsend < 32)
				sends[nsend++] = optarg;
			break;
		case 'n':
			want = atoi(optarg);
			break;
		case 't':
			timeout = atof(optarg);
			break;
		case 'p':
			partial = optarg;
			break;
		case 'x':
			noread = true;
			break;
		default:
			return 2;
		}
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "sockclient: connect %s: %s\n", argv[1], strerror(errno));
		return 3;
	}
	/* a server that refuses us may hang up before reading: read its answer anyway */
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < nsend; i++) {
		if (write(fd, sends[i], strlen(sends[i])) < 0 || write(fd, "\n", 1) < 0)
			break;
	}
	if (partial) {
		if (write(fd, partial, strlen(partial)) < 0)
			return 3;
		close(fd);
		return 0;
	}
	if (noread) {
		usleep((useconds_t)(timeout * 1e6));
		close(fd);
		return 0;
	}
	deadline = now_ms() + (long)(timeout * 1000);
	while (want < 0 || got < want) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t n;
		char *nl;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return want < 0 ? 0 : 1;
		n = read(fd, buf + have, sizeof(buf) - have - 1);
		if (n <= 0)
			return want < 0 || got >= want ? 0 : 1;
		have += (size_t)n;
		while ((nl = memchr(buf, '\n', have)) && (want < 0 || got < want)) {
			fwrite(buf, 1, (size_t)(nl - buf) + 1, stdout);
			got++;
			have -= (size_t)(nl - buf) + 1;
			memmove(buf, nl + 1, have);
		}
		if (have == sizeof(buf) - 1)
			have = 0;
	}
	fflush(stdout);
	close(fd);
	return 0;
}
