// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A devresd client for the tests: connects, sends request lines, prints
 * what comes back.
 *
 *   sockclient SOCKET [-s LINE]... [-n LINES] [-t SECONDS] [-p PARTIAL] [-x]
 *                     [-f KIND:BYTES] [-m CONNECTIONS]
 *
 * -s sends a line; -n stops after that many lines received; -t gives up
 * after that long (exit 1); -p sends PARTIAL without a newline and hangs up;
 * -x never reads: it sleeps -t seconds holding the connection (a slow client).
 *
 * -f floods the socket, without reading, with BYTES (K, M suffixes; 0: until
 * -t runs out) of KIND: "nl" (empty lines), "bin" (binary bytes, newlines
 * included), "long" (one line without a newline), "hello" or "snapshot"
 * (pipelined requests). It writes without blocking for at most -t seconds and
 * prints "sent N" on stderr; then -x holds the connection, else it reads.
 *
 * -m opens CONNECTIONS connections at once, sends the -s lines on each, then
 * reads them all until each got -n lines or -t runs out, and prints
 * "connected C served S refused F closed X lines L" (S: connections that got -n
 * lines, F: those whose first line was an error, closed: those that ended
 * without either).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
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

static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "sockclient: connect %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static unsigned long long parse_bytes(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*end == 'K')
		v <<= 10;
	else if (*end == 'M')
		v <<= 20;
	else if (*end == 'G')
		v <<= 30;
	return v;
}

/* The flood's next chunk of @kind into @buf. */
static size_t flood_chunk(const char *kind, char *buf, size_t len, unsigned *seed)
{
	static const char hello[] = "{\"cmd\":\"hello\"}\n", snap[] = "{\"cmd\":\"snapshot\"}\n";
	const char *unit = NULL;
	size_t n = 0, ul;

	if (strcmp(kind, "nl") == 0) {
		memset(buf, '\n', len);
		return len;
	}
	if (strcmp(kind, "long") == 0) {
		memset(buf, 'x', len);
		return len;
	}
	if (strcmp(kind, "bin") == 0) {
		for (size_t i = 0; i < len; i++) {
			*seed = *seed * 1103515245u + 12345u;
			buf[i] = (char)(*seed >> 16);
		}
		return len;
	}
	unit = strcmp(kind, "hello") == 0 ? hello : strcmp(kind, "snapshot") == 0 ? snap : NULL;
	if (!unit)
		return 0;
	ul = strlen(unit);
	while (n + ul <= len) {
		memcpy(buf + n, unit, ul);
		n += ul;
	}
	return n;
}

/* Writes without blocking until @total bytes (0: no end) or @deadline. */
static unsigned long long flood(int fd, const char *spec, long deadline)
{
	char kind[16], buf[65536];
	const char *colon = strchr(spec, ':');
	unsigned long long total = colon ? parse_bytes(colon + 1) : 0, sent = 0;
	unsigned seed = 1;
	size_t have = 0, off = 0;

	snprintf(kind, sizeof(kind), "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec), spec);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while ((total == 0 || sent < total) && now_ms() < deadline) {
		struct pollfd p = { fd, POLLOUT, 0 };
		ssize_t n;

		if (off == have) {
			have = flood_chunk(kind, buf, sizeof(buf), &seed);
			off = 0;
			if (!have)
				break;
		}
		if (total && have - off > total - sent)
			have = off + (size_t)(total - sent);
		n = send(fd, buf + off, have - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			long left = deadline - now_ms();

			if (left > 0)
				poll(&p, 1, (int)(left < 100 ? left : 100));
			continue;
		}
		if (n <= 0)
			break;
		off += (size_t)n;
		sent += (unsigned long long)n;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return sent;
}

/* -m: many connections; returns the number served. */
static int many(const char *path, int count, const char **sends, int nsend, int want, long deadline)
{
	struct conn {
		int fd, lines;
		bool refused, done;
	} *cs = calloc((size_t)count, sizeof(*cs));
	struct pollfd *ps = calloc((size_t)count, sizeof(*ps));
	int connected = 0, served = 0, refused = 0, closed = 0;
	long lines = 0;
	char buf[65536];

	if (!cs || !ps)
		return -1;
	for (int i = 0; i < count; i++) {
		cs[i].fd = dial(path);
		if (cs[i].fd < 0)
			break;
		connected++;
		for (int k = 0; k < nsend; k++)
			if (write(cs[i].fd, sends[k], strlen(sends[k])) < 0 || write(cs[i].fd, "\n", 1) < 0)
				break;
	}
	while (served + refused + closed < connected && now_ms() < deadline) {
		int np = 0;

		for (int i = 0; i < connected; i++)
			if (cs[i].fd >= 0 && !cs[i].done)
				ps[np++] = (struct pollfd){ cs[i].fd, POLLIN, 0 };
		if (poll(ps, (nfds_t)np, 100) <= 0)
			continue;
		for (int i = 0, k = 0; i < connected; i++) {
			ssize_t n;

			if (cs[i].fd < 0 || cs[i].done)
				continue;
			if (!(ps[k++].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(cs[i].fd, buf, sizeof(buf) - 1);
			if (n > 0 && !cs[i].lines) {
				buf[n] = '\0';
				cs[i].refused = strstr(buf, "\"type\":\"error\"") != NULL;
				refused += cs[i].refused;
			}
			for (ssize_t j = 0; j < n; j++)
				if (buf[j] == '\n') {
					cs[i].lines++;
					lines++;
				}
			if (n <= 0 || (want >= 0 && cs[i].lines >= want)) {
				/* a served connection stays open to the end: what the
				 * daemon holds for it must not go to the next one */
				if ((want < 0 || cs[i].lines >= want) && !cs[i].refused && n > 0) {
					served++;
					cs[i].done = true;
					continue;
				}
				if ((want < 0 || cs[i].lines >= want) && !cs[i].refused)
					served++;
				else if (!cs[i].refused)
					closed++;
				close(cs[i].fd);
				cs[i].fd = -1;
			}
		}
	}
	printf("connected %d served %d refused %d closed %d lines %ld\n", connected, served, refused, closed, lines);
	for (int i = 0; i < connected; i++)
		if (cs[i].fd >= 0)
			close(cs[i].fd);
	free(cs);
	free(ps);
	return served;
}

int main(int argc, char **argv)
{
	const char *sends[32];
	const char *partial = NULL, *flood_spec = NULL;
	int nsend = 0, want = -1, c, fd, got = 0, nconn = 0;
	double timeout = 10;
	bool noread = false;
	long deadline;
	char buf[65536];

	if (argc < 2) {
		fprintf(stderr, "usage: sockclient SOCKET [-s LINE]... [-n LINES] [-t SECONDS] [-p PARTIAL] [-x] "
				"[-f KIND:BYTES] [-m CONNECTIONS]\n");
		return 2;
	}
	optind = 2;
	while ((c = getopt(argc, argv, "s:n:t:p:xf:m:")) != -1) {
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
		case 'f':
			flood_spec = optarg;
			break;
		case 'm':
			nconn = atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	/* a server that refuses us may hang up before reading: read its answer anyway */
	signal(SIGPIPE, SIG_IGN);
	deadline = now_ms() + (long)(timeout * 1000);
	if (nconn > 0)
		return many(argv[1], nconn, sends, nsend, want, deadline) == nconn ? 0 : 1;
	fd = dial(argv[1]);
	if (fd < 0)
		return 3;
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
	if (flood_spec)
		fprintf(stderr, "sent %llu\n", flood(fd, flood_spec, deadline));
	if (noread) {
		long left = deadline - now_ms();

		if (left > 0)
			usleep((useconds_t)left * 1000);
		close(fd);
		return 0;
	}
	/* lines of any length: the bytes go through up to the last newline wanted */
	while (want < 0 || got < want) {
		struct pollfd p = { fd, POLLIN, 0 };
		long left = deadline - now_ms();
		ssize_t n;
		size_t upto;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return want < 0 ? 0 : 1;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return want < 0 || got >= want ? 0 : 1;
		for (upto = 0; upto < (size_t)n && (want < 0 || got < want); upto++)
			if (buf[upto] == '\n')
				got++;
		fwrite(buf, 1, upto, stdout);
	}
	fflush(stdout);
	close(fd);
	return 0;
}
