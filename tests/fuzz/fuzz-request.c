// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresd's request parser, through the protocol: the input is what one
 * client sends on the daemon's socket (JSON objects a line, or anything
 * else), to a real server (server.c) on a fake root, whose engine has read
 * a capture and whose journal has lines for "lines" to catch up with. The
 * client then shuts its side: the server must answer, drop it and stay
 * usable, which every next input checks.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devresd/journal.h"
#include "devresd/server.h"
#include "fuzz.h"
#include "libdevres/libdevres.h"
#include "shared/log.h"
#include "shared/root.h"

static char root[4096];
static struct drc_ctx *ctx;
static struct journal journal;
static struct server *server;
static int epfd = -1;

static const char capture[] =
	"[    1.000000] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000a1b2c3d4 grp< (0 bytes)\n"
	"[    1.000001] snd_hda_intel 0000:00:1f.3: DEVRES ADD 00000000a1b2c3e0 devm_kzalloc_release (64 bytes)\n"
	"[    1.000002] i915 0000:00:02.0: DEVRES ADD 00000000b1b2c3d4 devm_kzalloc_release (128 bytes)\n"
	"[    2.000000] snd_hda_intel 0000:00:1f.3: DEVRES REL 00000000a1b2c3e0 devm_kzalloc_release (64 bytes)\n"
	"[    2.000001] snd_hda_intel 0000:00:1f.3: DEVRES REL 00000000a1b2c3d4 grp< (0 bytes)\n";

static void cleanup(void)
{
	char p[4200];

	server_free(server);
	journal_close(&journal);
	drc_ctx_unref(ctx);
	if (epfd >= 0)
		close(epfd);
	if (!root[0])
		return;
	snprintf(p, sizeof(p), "rm -rf -- '%s'", root);
	if (system(p) != 0)
		fprintf(stderr, "fuzz-request: could not remove %s\n", root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	struct server_opts o = { .socket_path = DEVRESD_SOCKET, .group = (gid_t)-1, .queue_max = 1u << 20 };
	struct drc_stream *s;
	char jdir[4200], p[4200];
	const char *line, *nl;

	(void)argc, (void)argv;
	signal(SIGPIPE, SIG_IGN);
	log_set_quiet(true);
	snprintf(root, sizeof(root), "%s/drc-fuzz-req-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(root)) {
		root[0] = '\0';
		return 1;
	}
	atexit(cleanup);
	root_set(root);
	snprintf(p, sizeof(p), "%s/run", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/sys", root);
	mkdir(p, 0755);
	if (drc_ctx_new(&ctx) < 0 || drc_stream_new(ctx, "devresd", &s) < 0)
		return 1;
	drc_stream_feed(s, capture, sizeof(capture) - 1);
	drc_stream_finish(s);
	drc_stream_free(s);
	drc_ctx_finish(ctx);
	/* devresd creates only the journal directory itself, as on a real system */
	snprintf(p, sizeof(p), "%s/var", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/var/lib", root);
	mkdir(p, 0755);
	snprintf(jdir, sizeof(jdir), "%s/var/lib/devresd", root);
	if (journal_open(&journal, jdir, 1u << 20, 2, JOURNAL_SYNC_NEVER) < 0)
		return 1;
	for (line = capture; (nl = strchr(line, '\n')); line = nl + 1)
		journal_append(&journal, line, (size_t)(nl - line));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0 || server_new(&o, epfd, ctx, &journal, &server) < 0) {
		fprintf(stderr, "fuzz-request: cannot start a server below %s\n", root);
		return 1;
	}
	server_set_sources(server, "kmsg");
	server_set_journal_start(server, journal.generation, 0);
	return 0;
}

/* Runs the server's events for a moment; reads what the client got. */
static void pump(int fd, size_t *got)
{
	struct epoll_event evs[8];
	char buf[65536];
	int n = epoll_wait(epfd, evs, 8, 0);
	ssize_t k;

	for (int i = 0; i < n; i++)
		if (server_owns(server, evs[i].data.ptr))
			server_handle(server, evs[i].data.ptr, evs[i].events);
	while (fd >= 0 && (k = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		*got += (size_t)k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t sent = 0, got = 0;
	int fd, rounds;

	if (size > 256 * 1024)
		return 0;
	fd = root_connect(DEVRESD_SOCKET);
	if (fd < 0) {
		fprintf(stderr, "fuzz-request: the server stopped answering: %s\n", strerror(-fd));
		abort();
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (rounds = 0; !server_client_count(server) && rounds < 1000; rounds++)
		pump(fd, &got);
	for (rounds = 0; sent < size && rounds < 100000; rounds++) {
		ssize_t k = send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k > 0)
			sent += (size_t)k;
		else if (k < 0 && errno != EAGAIN && errno != EINTR)
			break;      /* dropped (a request too long) */
		pump(fd, &got);
	}
	shutdown(fd, SHUT_WR);
	/* the server must see the end and drop the client */
	for (rounds = 0; server_client_count(server) && rounds < 100000; rounds++)
		pump(fd, &got);
	if (server_client_count(server)) {
		fprintf(stderr, "fuzz-request: a client that hung up is still served\n");
		abort();
	}
	close(fd);
	return 0;
}
