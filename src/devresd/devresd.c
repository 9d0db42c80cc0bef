// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresd - collects devres events continuously: the kernel log, devresctl's
 * trace instance and udev, fed to the engine, kept in a journal that
 * devresctl report reads, and served to clients over a Unix socket.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "devresctl/command.h"
#include "devresctl/exit-codes.h"
#include "journal.h"
#include "peer.h"
#include "server.h"
#include "shared/log.h"
#include "shared/root.h"
#include "shared/signals.h"
#include "sources/live.h"

enum {
	OPT_ROOT = OPT_COMMAND, OPT_FOREGROUND, OPT_DAEMON, OPT_SOCKET, OPT_GROUP, OPT_JOURNAL, OPT_JOURNAL_SIZE,
	OPT_JOURNAL_FILES, OPT_FSYNC, OPT_QUEUE, OPT_SINCE_BOOT, OPT_NO_KMSG, OPT_NO_TRACE, OPT_NO_UDEV,
	OPT_UEVENTS,
};

static const struct cli_option options[] = {
	{ "foreground", OPT_FOREGROUND, no_argument, NULL, "stay in the foreground (the default; for systemd)" },
	{ "daemon", OPT_DAEMON, no_argument, NULL, "detach from the terminal once ready; messages go to syslog" },
	{ "socket", OPT_SOCKET, required_argument, "PATH", "the socket (default: " DEVRESD_SOCKET ")" },
	{ "group", OPT_GROUP, required_argument, "GROUP", "the group allowed to connect besides root" },
	{ "journal", OPT_JOURNAL, required_argument, "DIR", "the journal directory (default: /var/lib/devresd)" },
	{ "journal-size", OPT_JOURNAL_SIZE, required_argument, "MIB", "rotate the journal at this size (default: 64)" },
	{ "journal-files", OPT_JOURNAL_FILES, required_argument, "N", "rotated journal files kept (default: 4)" },
	{ "fsync", OPT_FSYNC, required_argument, "WHEN", "always, interval (every second, the default) or never" },
	{ "client-queue", OPT_QUEUE, required_argument, "KIB", "drop a client with more queued than this (default: 4096)" },
	{ "since-boot", OPT_SINCE_BOOT, no_argument, NULL, "start with the oldest record of the kernel log" },
	{ "no-kmsg", OPT_NO_KMSG, no_argument, NULL, "do not read /dev/kmsg" },
	{ "no-trace", OPT_NO_TRACE, no_argument, NULL, "do not read the trace instance" },
	{ "no-udev", OPT_NO_UDEV, no_argument, NULL, "do not listen to udev events" },
	{ "uevents", OPT_UEVENTS, required_argument, "FROM", "kernel (the default: no udevd needed) or udev (after its rules)" },
	{ "kb", OPT_KB, required_argument, "FILE", "read another knowledge-base file; repeatable" },
	{ "root", OPT_ROOT, required_argument, "DIR", "read /sys, /proc, /dev and /run below DIR (tests)" },
	COMMON_OPTIONS,
	{ "version", 'V', no_argument, NULL, "display version" },
	{}
};

struct daemon_ctl {
	bool daemonize;
	struct server_opts server;
	const char *journal_dir;
	uint64_t journal_size;
	unsigned journal_files;
	enum journal_sync fsync;
	struct live_opts live;
	struct engine_opts engine;
};

struct daemon {
	struct drc_ctx *ctx;
	struct drc_stream *stream;
	struct journal journal;
	struct server *server;
	/* a restart in the same boot: the kernel-log record journaled last */
	bool resuming;
	uint64_t resume_seq;
	uint64_t kmsg_gap;
};

static void help(void)
{
	printf("Usage:\n %s [OPTIONS]\n\nCollect devres events (kernel log, trace instance, udev) into a journal\n"
	       "and serve them, rebuilt per device with findings, over a Unix socket.\n\nOptions:\n",
	       program_invocation_short_name);
	command_print_options(options);
	printf("\nSee devresd(8) for details.\n");
}

static int parse_args(struct daemon_ctl *ctl, int argc, char **argv)
{
	struct command_getopt g;
	unsigned long v;
	int c, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK && (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FOREGROUND:
			ctl->daemonize = false;
			break;
		case OPT_DAEMON:
			ctl->daemonize = true;
			break;
		case OPT_SOCKET:
			ctl->server.socket_path = optarg;
			break;
		case OPT_GROUP: {
			struct group *gr = getgrnam(optarg);

			if (gr)
				ctl->server.group = gr->gr_gid;
			else if (parse_ulong(optarg, 0, 0x7fffffff, &v) == 0)
				ctl->server.group = (gid_t)v;
			else {
				fprintf(stderr, "%s: unknown group '%s'\n", program_invocation_short_name, optarg);
				status = DEVRESCTL_EX_USAGE;
			}
			break;
		}
		case OPT_JOURNAL:
			ctl->journal_dir = optarg;
			break;
		case OPT_JOURNAL_SIZE:
			if (parse_ulong(optarg, 1, 1024 * 1024, &v) < 0) {
				fprintf(stderr, "%s: invalid --journal-size '%s': expected MiB, 1 or more\n",
					program_invocation_short_name, optarg);
				status = DEVRESCTL_EX_USAGE;
			}
			ctl->journal_size = (uint64_t)v << 20;
			break;
		case OPT_JOURNAL_FILES:
			if (parse_ulong(optarg, 0, 1000, &v) < 0) {
				fprintf(stderr, "%s: invalid --journal-files '%s': expected 0 to 1000\n",
					program_invocation_short_name, optarg);
				status = DEVRESCTL_EX_USAGE;
			}
			ctl->journal_files = (unsigned)v;
			break;
		case OPT_FSYNC:
			if (strcmp(optarg, "always") == 0)
				ctl->fsync = JOURNAL_SYNC_ALWAYS;
			else if (strcmp(optarg, "interval") == 0)
				ctl->fsync = JOURNAL_SYNC_INTERVAL;
			else if (strcmp(optarg, "never") == 0)
				ctl->fsync = JOURNAL_SYNC_NEVER;
			else {
				fprintf(stderr, "%s: invalid --fsync '%s': expected always, interval or never\n",
					program_invocation_short_name, optarg);
				status = DEVRESCTL_EX_USAGE;
			}
			break;
		case OPT_QUEUE:
			if (parse_ulong(optarg, 1, 1024 * 1024, &v) < 0) {
				fprintf(stderr, "%s: invalid --client-queue '%s': expected KiB, 1 or more\n",
					program_invocation_short_name, optarg);
				status = DEVRESCTL_EX_USAGE;
			}
			ctl->server.queue_max = (size_t)v << 10;
			break;
		case OPT_SINCE_BOOT:
			ctl->live.since_boot = true;
			break;
		case OPT_NO_KMSG:
			ctl->live.kmsg = false;
			break;
		case OPT_NO_TRACE:
			ctl->live.trace = false;
			break;
		case OPT_NO_UDEV:
			ctl->live.udev = false;
			break;
		case OPT_UEVENTS:
			if (live_parse_uevents(optarg, &ctl->live) < 0) {
				fprintf(stderr, "%s: invalid --uevents '%s': expected kernel or udev\n",
					program_invocation_short_name, optarg);
				status = DEVRESCTL_EX_USAGE;
			}
			break;
		case OPT_KB:
			if (command_push_arg(&ctl->engine.kb_files, &ctl->engine.nkb, optarg) < 0)
				status = DEVRESCTL_EX_FAILURE;
			break;
		case OPT_ROOT:
			arg_root = optarg;
			break;
		case 'q':
			log_set_quiet(true);
			break;
		case 'h':
			help();
			command_getopt_done(&g);
			return -1;
		case 'V':
			printf("%s %s\n", "devresd", PACKAGE_VERSION);
			command_getopt_done(&g);
			return -1;
		default:
			status = DEVRESCTL_EX_USAGE;
			break;
		}
	}
	command_getopt_done(&g);
	if (status == DEVRESCTL_EX_OK && optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", program_invocation_short_name, argv[optind]);
		status = DEVRESCTL_EX_USAGE;
	}
	if (status == DEVRESCTL_EX_USAGE)
		fprintf(stderr, "Try '%s --help' for more information.\n", program_invocation_short_name);
	return status;
}

/* Every live line: journaled, fed to the engine, sent to "lines" clients. */
static int on_line(void *userdata, const char *line, size_t len)
{
	struct daemon *d = userdata;
	int r;

	if (d->resuming) {
		struct kmsg_tracker t = { 0 };
		uint64_t lost;

		kmsg_track(&t, line, len, &lost);
		if (t.seen) {
			/* already journaled (--since-boot): the journal goes on after it */
			if (t.seq <= d->resume_seq)
				return 0;
			d->resuming = false;
			if (t.seq > d->resume_seq + 1) {
				char m[160];
				int n;

				d->kmsg_gap = t.seq - d->resume_seq - 1;
				n = snprintf(m, sizeof(m), "devresctl-lost: kmsg %" PRIu64
					     " records logged while devresd was not running", d->kmsg_gap);
				log_warning("%" PRIu64 " kernel-log records were logged while devresd was not running",
					    d->kmsg_gap);
				r = on_line(d, m, (size_t)n);
				if (r < 0)
					return r;
			}
		}
	}
	/* a failure is logged and counted by the journal; collection goes on */
	journal_append(&d->journal, line, len);
	r = drc_stream_feed_line(d->stream, line, len);
	if (r < 0)
		return r;
	if (d->server)
		server_broadcast_line(d->server, line, len);
	return 0;
}

/*
 * Whether the journal needs the kernel's banner (/proc/version) before the
 * daemon's lines: a new journal, or a boot other than the one it was
 * written in. A restart within the same boot must not start a new boot in
 * the replay.
 */
static bool new_boot(const struct journal *j, const char *jdir)
{
	char cur[64] = "", saved[64] = "", p[4200];
	bool changed;
	FILE *f;

	root_read_line("/proc/sys/kernel/random/boot_id", cur, sizeof(cur));
	snprintf(p, sizeof(p), "%s/boot_id", jdir);
	f = fopen(p, "re");
	if (f) {
		if (!fgets(saved, sizeof(saved), f))
			saved[0] = '\0';
		saved[strcspn(saved, "\n")] = '\0';
		fclose(f);
	}
	changed = j->size == 0 || (cur[0] && strcmp(cur, saved) != 0);
	if (cur[0] && (f = fopen(p, "we"))) {
		fprintf(f, "%s\n", cur);
		fclose(f);
	}
	return changed;
}

/* Detaches; the parent exits once the child says it is ready (or failed). */
static int daemonize(int *ready_fd)
{
	int p[2];
	pid_t pid;
	char c = 1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 1 && c == 0 ? DEVRESCTL_EX_OK : DEVRESCTL_EX_FAILURE);
	}
	close(p[0]);
	setsid();
	if (chdir("/") < 0)
		return -errno;
	{
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			close(null);
		}
	}
	log_set_syslog(true);
	*ready_fd = p[1];
	return 0;
}

static void tell_ready(int *fd, bool ok)
{
	char c = ok ? 0 : 1;

	if (*fd < 0)
		return;
	if (write(*fd, &c, 1) < 0)
		(void)0;
	close(*fd);
	*fd = -1;
}

int main(int argc, char **argv)
{
	struct daemon_ctl ctl = {
		.server = { .socket_path = DEVRESD_SOCKET, .group = (gid_t)-1, .queue_max = 4096u << 10 },
		.journal_dir = "/var/lib/devresd",
		.journal_size = 64u << 20,
		.journal_files = 4,
		.fsync = JOURNAL_SYNC_INTERVAL,
		.live = { .kmsg = true, .trace = true, .udev = true, .refs_on_unbind = true, .version_line = true },
	};
	struct daemon d = { 0 };
	struct live *live = NULL;
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };
	static const int stop_sigs[] = { SIGTERM, SIGINT }, hup[] = { SIGHUP };
	struct sig_catch sc = { 0 };
	char why[1024], jdir[4096], kallsyms[4096];
	int epfd = -1, sfd = -1, tfd = -1, ready = -1, status, r, sig;
	bool stop = false;
	uint64_t udev_overflows = 0;

	if (getenv("DEVRESCTL_ROOT"))
		arg_root = getenv("DEVRESCTL_ROOT");
	status = parse_args(&ctl, argc, argv);
	if (status < 0)
		return DEVRESCTL_EX_OK;
	if (status != DEVRESCTL_EX_OK)
		return status;
	root_set(arg_root);
	status = DEVRESCTL_EX_FAILURE;
	if (ctl.daemonize && daemonize(&ready) < 0) {
		log_error("cannot detach");
		return DEVRESCTL_EX_FAILURE;
	}
	signal(SIGPIPE, SIG_IGN);
	/* a handler and its pipe, as devresctl record: also when started with
	 * these signals ignored or blocked (shared/signals.h) */
	r = sig_catch_start(&sc, stop_sigs, ARRAY_SIZE(stop_sigs), hup, ARRAY_SIZE(hup));
	sfd = r < 0 ? -1 : sig_catch_fd();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (epfd < 0 || sfd < 0 || tfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0) {
		log_error_errno(-errno, "cannot set up the event loop");
		goto out;
	}
	/* which module each release function is in, for module-gone */
	if (root_path(kallsyms, sizeof(kallsyms), "/proc/kallsyms") == 0 && access(kallsyms, R_OK) == 0)
		ctl.engine.kallsyms = kallsyms, ctl.engine.kallsyms_auto = true;
	if (engine_new(&ctl.engine, &d.ctx) < 0 || drc_stream_new(d.ctx, "devresd", &d.stream) < 0)
		goto out;
	/* the journal lives with the other state: below the root in tests */
	if (ctl.journal_dir[0] == '/' && root_path(jdir, sizeof(jdir), ctl.journal_dir) == 0)
		;
	else
		snprintf(jdir, sizeof(jdir), "%s", ctl.journal_dir);
	r = journal_open(&d.journal, jdir, ctl.journal_size, ctl.journal_files, ctl.fsync);
	if (r == -ENOENT) {
		log_error("cannot open the journal in '%s': its parent directory does not exist "
			  "(only the journal directory itself is created)", jdir);
		goto out;
	} else if (r < 0) {
		log_error_errno(r, "cannot open the journal in '%s'", jdir);
		goto out;
	}
	r = server_new(&ctl.server, epfd, d.ctx, &d.journal, &d.server);
	if (r == -EADDRINUSE) {
		log_error("another devresd answers on %s", ctl.server.socket_path);
		goto out;
	} else if (r < 0) {
		log_error_errno(r, "cannot listen on %s%s", ctl.server.socket_path,
				r == -EACCES ? " (it needs root)" : "");
		goto out;
	}
	server_set_journal_start(d.server, d.journal.generation, d.journal.size);
	ctl.live.version_line = new_boot(&d.journal, jdir);
	if (!ctl.live.version_line) {
		int64_t seq = journal_last_kmsg_seq(&d.journal);

		d.resuming = seq >= 0;
		d.resume_seq = seq >= 0 ? (uint64_t)seq : 0;
	}
	r = live_open(&ctl.live, on_line, &d, &live, why, sizeof(why));
	if (r < 0) {
		if (r == -ENODEV)
			log_error("nothing to collect: %s", why[0] ? why : "every source was turned off");
		else
			log_error_errno(r, "cannot open the live sources");
		goto out;
	}
	if (why[0])
		log_warning("not collected: %s", why);
	server_set_sources(d.server, live_describe(live));
	server_sysfs_snapshot(d.server, false);
	/* the sources and the socket are open: what is left needs little */
	redact_init();
	if (geteuid() == 0 && (r = caps_drop()) < 0)
		log_warning("cannot drop capabilities: %s", strerror(-r));
	{
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &live };

		epoll_ctl(epfd, EPOLL_CTL_ADD, live_fd(live), &ev);
		ev.data.ptr = &sfd;
		epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);
		ev.data.ptr = &tfd;
		epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);
	}
	log_info("collecting %s; journal %s/journal.log; socket %s", live_describe(live), jdir, ctl.server.socket_path);
	tell_ready(&ready, true);
	/* plain files (tests) have no readiness: read them once now */
	r = live_dispatch(live);
	server_broadcast_findings(d.server);
	journal_sync(&d.journal, false);
	server_flush(d.server);
	while (!stop && r >= 0) {
		struct epoll_event evs[64];
		bool served = false;
		int n = epoll_wait(epfd, evs, 64, server_pending(d.server) ? 0 : live_timeout(live));

		if (n < 0) {
			if (errno == EINTR)
				continue;       /* the signal's pipe is readable: the next wait says */
			r = -errno;
			break;
		}
		if (n == 0 && server_pending(d.server)) {
			server_run_pending(d.server);
			n = 0;
		}
		if (n == 0) {
			/* the kernel was quiet: the engine judges what is in progress */
			r = live_dispatch(live);
			server_broadcast_findings(d.server);
			journal_sync(&d.journal, false);        /* the quiet mark too */
			server_flush(d.server);
			continue;
		}
		for (int i = 0; i < n && !stop; i++) {
			void *tag = evs[i].data.ptr;

			if (tag == &live) {
				struct live_stats ls;

				r = live_dispatch(live);
				if (r < 0) {
					log_error_errno(r, "reading the live sources");
					break;
				}
				live_get_stats(live, &ls);
				if (ls.udev_overflows != udev_overflows) {
					udev_overflows = ls.udev_overflows;
					server_sysfs_snapshot(d.server, true);
				}
				server_broadcast_findings(d.server);
				/* --fsync=always: on disk before a client hears of it */
				journal_sync(&d.journal, false);
				server_flush(d.server);
			} else if (tag == &sfd) {
				while ((sig = sig_catch_take(&sc)) != 0) {
					if (sig == SIGHUP) {
						r = journal_reopen(&d.journal);
						if (r < 0)
							log_error_errno(r, "cannot reopen the journal");
						else if (r > 0)
							log_info("journal reopened: journal.log was moved away");
						else
							log_info("journal kept: journal.log was not moved");
						r = 0;
					} else {
						stop = true;
					}
				}
			} else if (tag == &tfd) {
				uint64_t ticks;

				if (read(tfd, &ticks, sizeof(ticks)) < 0)
					(void)0;
				journal_sync(&d.journal, true);
				server_tick(d.server);
			} else if (server_owns(d.server, tag)) {
				server_handle(d.server, tag, evs[i].events);
				served = true;
			}
		}
		/*
		 * Clients never starve the kernel: after every batch of them, the
		 * sources get a turn if they have something, whatever order
		 * epoll_wait() returned the descriptors in.
		 */
		if (served && !stop && r >= 0) {
			struct pollfd p = { .fd = live_fd(live), .events = POLLIN };

			if (poll(&p, 1, 0) > 0) {
				r = live_dispatch(live);
				server_broadcast_findings(d.server);
				/* --fsync=always: on disk before a client hears of it */
				journal_sync(&d.journal, false);
				server_flush(d.server);
			}
		}
	}
	/* what the trace source still holds back belongs to the journal */
	if (r >= 0 && (r = live_drain(live)) >= 0)
		journal_sync(&d.journal, true);
	if (r >= 0) {
		struct server_stats ss;

		server_get_stats(d.server, &ss);
		status = DEVRESCTL_EX_OK;
		log_info("stopping: %" PRIu64 " lines journaled, %" PRIu64 " not written, %" PRIu64
			 " torn cut off; clients dropped: %" PRIu64 " too slow, %" PRIu64 " request too long, %" PRIu64
			 " refused when out of descriptors", d.journal.lines, d.journal.unwritten_total, d.journal.torn,
			 ss.dropped_slow, ss.dropped_request, ss.refused_busy);
	}
out:
	tell_ready(&ready, false);
	live_free(live);
	server_free(d.server);
	journal_close(&d.journal);
	drc_stream_free(d.stream);
	drc_ctx_unref(d.ctx);
	free(ctl.engine.kb_files);
	if (epfd >= 0)
		close(epfd);
	sig_catch_end(&sc);
	if (tfd >= 0)
		close(tfd);
	return status;
}
