// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl watch - the ncurses view: every device's live list, the events,
 * the findings and who holds a device, as they happen. The data comes from
 * a capture played through the engine (--replay); one poll loop runs the
 * keyboard, the pacing of the replay and the frames.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <curses.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "command.h"
#include "devresd-client.h"
#include "exit-codes.h"
#include "shared/log.h"
#include "shared/clock.h"
#include "shared/root.h"
#include "sources/live.h"
#include "devresd/protocol.h"
#include "sources/source-fd.h"
#include "sources/source-file.h"
#include "timesel.h"
#include "watch.h"

enum { OPT_SPEED = OPT_COMMAND, OPT_STEP, OPT_FRAME_STATS, OPT_SOURCE, OPT_BOOT, OPT_SINCE, OPT_UNTIL };

extern const struct command command_watch;

static const struct cli_option watch_options[] = {
	{ "replay", 'r', required_argument, "FILE", "play a capture through the engine instead of the live system; repeatable" },
	SELECTION_OPTIONS(OPT_BOOT, OPT_SINCE, OPT_UNTIL),
	{ "source", OPT_SOURCE, required_argument, "WHERE", "live data from: auto (devresd if it runs, else the kernel), devresd or kernel", "auto devresd kernel" },
	SOCKET_OPTION,
	{ "speed", OPT_SPEED, required_argument, "X", "replay at X times the pace of the kernel timestamps" },
	{ "step", OPT_STEP, no_argument, NULL, "replay one event per 'n' key" },
	{ "kb", OPT_KB, required_argument, "FILE", "read another knowledge-base file; repeatable" },
	{ "kallsyms", OPT_KALLSYMS, required_argument, "FILE", "a copy of /proc/kallsyms: which module each release function is in" },
	{ "frame-stats", OPT_FRAME_STATS, required_argument, "FILE", "write frame times and CPU use to FILE on exit" },
	COMMON_OPTIONS,
	{}
};

#define LOAD_SLICE_USEC 15000   /* feeding between two looks at the keyboard */
#define FRAME_MIN_USEC 40000    /* frames while loading: at most 25 a second */
#define PAUSE_MAX_USEC 2000000  /* longer gaps between kernel timestamps are cut */

enum feed_kind { FEED_FILES, FEED_DAEMON, FEED_KERNEL };

struct watch_ctl {
	const char **replay;    /* played one after the other */
	unsigned nreplay;
	int source;             /* -1 auto, FEED_DAEMON, FEED_KERNEL */
	double speed;           /* 0: as fast as it reads */
	bool step;
	const char *frame_stats;
	struct engine_opts engine;
	bool quiet;
	struct selection sel;   /* --boot, --since, --until */
};

/* Where lines come from: captures, devresd's "lines" stream, or the kernel. */
struct replay {
	enum feed_kind kind;
	struct fd_lines sockl;  /* devresd */
	struct live *live;      /* the kernel, in-process */
	bool frozen;            /* live: the screen holds still */
	const char *const *paths;
	unsigned n, cur;
	const char *path;       /* the one playing */
	struct source_file **files;
	struct source_file *f;
	struct capture_scan *scans;     /* with --boot, --since, --until: what of each to play */
	struct capture_window window;   /* --since/--until: the findings shown (scans lent) */
	uint64_t file_line;             /* lines of the current capture read */
	uint64_t skipped;               /* of them, not played (another boot) */
	struct drc_stream *s;
	FILE *spool;            /* every line fed, for 's' */
	uint64_t lines;
	uint64_t stream_base;   /* lines fed before the current stream's first */
	double speed;
	bool step, paused, done;
	bool pre_window;        /* --since/--until: the lines before the window are still to read */
	unsigned step_budget;   /* events still to play in step mode */
	int64_t last_ts;
	uint64_t next_at;       /* monotonic time of the next line (speed) */
	int error;
};

static volatile sig_atomic_t quit_signal;

static void on_quit_signal(int sig)
{
	quit_signal = sig;
}

static void on_crash(int sig)
{
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void signals_setup(void)
{
	struct sigaction sa = { .sa_handler = on_quit_signal };
	static const int quit[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	static const int crash[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(quit); i++)
		sigaction(quit[i], &sa, NULL);      /* no SA_RESTART: poll() returns */
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(crash); i++)
		sigaction(crash[i], &sa, NULL);
}

static int watch_parse_args(struct watch_ctl *ctl, int argc, char **argv)
{
	struct command_getopt g;
	int c, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(watch_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK &&
	       (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (command_push_arg(&ctl->replay, &ctl->nreplay, optarg) < 0)
				status = DEVRESCTL_EX_FAILURE;
			break;
		case OPT_SOURCE:
			if (strcmp(optarg, "auto") == 0)
				ctl->source = -1;
			else if (strcmp(optarg, "devresd") == 0)
				ctl->source = FEED_DAEMON;
			else if (strcmp(optarg, "kernel") == 0)
				ctl->source = FEED_KERNEL;
			else
				status = usage_error(&command_watch, "invalid --source '%s': expected auto, devresd or kernel", optarg);
			break;
		case OPT_SPEED:
			if (parse_positive(optarg, 1e6, &ctl->speed) < 0)
				status = usage_error(&command_watch, "invalid --speed '%s': expected a number above 0", optarg);
			break;
		case OPT_STEP:
			ctl->step = true;
			break;
		case OPT_FRAME_STATS:
			ctl->frame_stats = optarg;
			break;
		case OPT_BOOT:
		case OPT_SINCE:
		case OPT_UNTIL:
			status = selection_option(&command_watch, c - OPT_BOOT, optarg, &ctl->sel);
			break;
		default:
			if (command_common_option(&command_watch, c, optarg, &ctl->engine, &ctl->quiet,
						  &status) == COMMAND_OPTION_HELP) {
				command_getopt_done(&g);
				return -1;
			}
			break;
		}
	}
	command_getopt_done(&g);
	if (status != DEVRESCTL_EX_OK)
		return status;
	if ((ctl->speed > 0 || ctl->step) && !ctl->replay)
		return usage_error(&command_watch, "--speed and --step need --replay");
	if (selection_active(&ctl->sel) && !ctl->replay)
		return usage_error(&command_watch, "--boot, --since and --until need --replay");
	if ((status = selection_check(&command_watch, &ctl->sel)) != DEVRESCTL_EX_OK)
		return status;
	if (ctl->replay && ctl->source >= 0)
		return usage_error(&command_watch, "--source and --replay cannot be combined");
	if (ctl->speed > 0 && ctl->step)
		return usage_error(&command_watch, "--speed and --step cannot be combined");
	for (unsigned i = 0; i < ctl->nreplay; i++)
		if (strcmp(ctl->replay[i], "-") == 0)
			return usage_error(&command_watch, "--replay cannot read standard input: the keyboard is there");
	return command_check_args(&command_watch, (unsigned)(argc - optind));
}

/* ---- replay ---- */

/* --since/--until: a finding is shown when a line of its evidence is inside */
static bool window_keeps(const struct drc_finding *f, void *data)
{
	return capture_window_keeps(data, f);
}

static int replay_open(struct replay *rp, struct drc_ctx *ctx, const struct watch_ctl *ctl)
{
	int r;

	*rp = (struct replay){ .sockl = { .fd = -1 }, .paths = ctl->replay, .n = ctl->nreplay, .path = ctl->replay[0], .speed = ctl->speed,
			       .step = ctl->step, .last_ts = -1 };
	rp->files = calloc(rp->n, sizeof(*rp->files));
	if (!rp->files)
		return log_oom();
	/* every capture is opened now, so that a missing one is said before the screen starts */
	for (unsigned i = 0; i < rp->n; i++) {
		r = capture_open(rp->paths[i], &rp->files[i]);
		if (r < 0)
			return r;
	}
	/* --boot, --since, --until: which lines of each, found before the screen starts */
	if (selection_active(&ctl->sel)) {
		rp->scans = calloc(rp->n, sizeof(*rp->scans));
		if (!rp->scans)
			return log_oom();
		for (unsigned i = 0; i < rp->n; i++)
			if (capture_scan(rp->paths[i], &ctl->sel, &rp->scans[i]) < 0)
				return -EINVAL;
		rp->window = (struct capture_window){ rp->scans, rp->n, ctl->sel.since.set || ctl->sel.until.set };
		rp->pre_window = rp->window.active;
	}
	rp->spool = tmpfile();
	if (!rp->spool)
		return log_error_errno(-errno, "cannot create a spool file for 's'");
	rp->f = rp->files[0];
	r = drc_stream_new(ctx, rp->path, &rp->s);
	if (r < 0)
		return log_oom();
	return 0;
}

/* One line into the spool (for 's') and the engine. */
static int feed_line(struct replay *rp, const char *line, size_t len, bool cut)
{
	rp->lines++;
	fwrite(line, 1, len, rp->spool);
	fputc('\n', rp->spool);
	if (cut) {
		drc_stream_note_long_line(rp->s);
		return 0;
	}
	return drc_stream_feed_line(rp->s, line, len);
}

static int feed_live_line(void *userdata, const char *line, size_t len)
{
	return feed_line(userdata, line, len, false);
}

#define DAEMON_SLICE (1024 * 1024)  /* bytes read between two looks at the keyboard */

/* A capture line from devresd (devresd_lines_open() took its reply). */
static int daemon_line(void *userdata, const char *line, size_t len, bool cut)
{
	return feed_line(userdata, line, len, cut);
}

/* Connects to devresd and asks for its lines; -ENOENT/-ECONNREFUSED when none runs. */
static int daemon_open(struct replay *rp, struct drc_ctx *ctx)
{
	int r;

	r = drc_stream_new(ctx, "devresd", &rp->s);
	if (r < 0)
		return r;
	r = devresd_lines_open(&rp->sockl, /* follow= */ true, daemon_line, rp);
	if (r < 0)
		return r;
	rp->kind = FEED_DAEMON;
	rp->path = "devresd";
	return 0;
}

static void daemon_read(struct replay *rp, struct drc_ctx *ctx)
{
	int r = fd_lines_read_some(&rp->sockl, daemon_line, rp, DAEMON_SLICE);

	if (r < 0)
		rp->error = r;
	if (r < 0 || rp->sockl.ended) {
		rp->done = true;        /* the daemon went away */
		if (drc_stream_finish(rp->s) < 0 || drc_ctx_finish(ctx) < 0)
			rp->error = -ENOMEM;
	}
}

/* Reads the kernel in-process, as devresd would. */
static int kernel_open(struct replay *rp, struct drc_ctx *ctx)
{
	struct live_opts o = { .kmsg = true, .trace = true, .udev = true, .refs_on_unbind = true, .version_line = true };
	char why[1024];
	int r;

	rp->kind = FEED_KERNEL;
	rp->path = "the kernel";
	r = drc_stream_new(ctx, "kernel", &rp->s);
	if (r < 0)
		return log_oom();
	r = live_open(&o, feed_live_line, rp, &rp->live, why, sizeof(why));
	if (r == -ENODEV)
		return log_error("nothing to watch: %s; 'devresctl status' says what is missing", why), r;
	if (r < 0)
		return log_error_errno(r, "cannot read the kernel");
	if (why[0])
		log_warning("not watched: %s", why);
	return 0;
}

static void replay_close(struct replay *rp)
{
	fd_lines_close(&rp->sockl);
	live_free(rp->live);
	drc_stream_free(rp->s);
	for (unsigned i = 0; rp->files && i < rp->n; i++)
		source_file_close(rp->files[i]);
	free(rp->files);
	for (unsigned i = 0; rp->scans && i < rp->n; i++)
		capture_scan_done(&rp->scans[i]);
	free(rp->scans);
	if (rp->spool)
		fclose(rp->spool);
}

/* The current capture ended: go on with the next, or finish the engine. */
static void replay_end(struct replay *rp, struct drc_ctx *ctx)
{
	if (drc_stream_finish(rp->s) < 0)
		rp->error = -ENOMEM;
	rp->s = drc_stream_free(rp->s);
	if (rp->cur + 1 < rp->n && !rp->error) {
		rp->cur++;
		rp->path = rp->paths[rp->cur];
		rp->f = rp->files[rp->cur];
		rp->stream_base = rp->lines;
		rp->file_line = rp->skipped = 0;
		rp->pre_window = rp->window.active;
		if (drc_stream_new(ctx, rp->path, &rp->s) == 0)
			return;
		rp->error = -ENOMEM;
	}
	rp->done = true;
	if (drc_ctx_finish(ctx) < 0)
		rp->error = -ENOMEM;
}

/*
 * Feeds lines until @slice is used up, the capture ends, or (--speed,
 * --step) an event was played and the next one must wait.
 */
static void replay_feed(struct replay *rp, struct watch_state *w, struct drc_ctx *ctx, uint64_t slice)
{
	uint64_t start = now_usec(), seen = w->ev_total;
	const char *line;
	size_t len;
	bool cut;
	int r;

	for (unsigned i = 1;; i++) {
		bool unplayed = false;

		/* the window begins: from here the lines are played as asked */
		if (rp->pre_window) {
			const struct capture_scan *sc = &rp->scans[rp->cur];

			if (!sc->nwindow || rp->file_line + 1 >= sc->window[0].first) {
				rp->pre_window = false;
				if (rp->step && !rp->step_budget)
					return;
			}
		}

		r = source_file_next_line(rp->f, &line, &len, &cut);
		/* --boot: the lines of the other boots are not played */
		if (r > 0 && rp->scans && !capture_scan_chosen(&rp->scans[rp->cur], ++rp->file_line)) {
			if (rp->file_line < rp->scans[rp->cur].boot.first) {
				drc_stream_skip_lines(rp->s, 1);
				rp->skipped++;
				continue;
			}
			r = 0;
		}
		/* --since: the boot's lines before it are read at once (the lists
		 * they build are the state the window starts from); --until: the
		 * capture ends after it */
		if (r > 0 && rp->window.active && !capture_scan_in_window(&rp->scans[rp->cur], rp->file_line)) {
			const struct capture_scan *sc = &rp->scans[rp->cur];

			if (!sc->nwindow || rp->file_line > sc->window[sc->nwindow - 1].last)
				r = 0;
			else
				unplayed = true;
		}
		if (r <= 0) {
			if (r < 0)
				rp->error = r;
			replay_end(rp, ctx);
			if (rp->done)
				return;
			continue;
		}
		if (feed_line(rp, line, len, cut) < 0) {
			rp->error = -ENOMEM;
			replay_end(rp, ctx);
			return;
		}
		if (unplayed) {
			seen = w->ev_total;     /* not paced, not a step */
		} else if (w->ev_total != seen && rp->step) {
			if (--rp->step_budget == 0)
				return;
			seen = w->ev_total;
		} else if (w->ev_total != seen && rp->speed > 0) {
			int64_t ts = w->now_ts;

			if (rp->last_ts >= 0 && ts > rp->last_ts) {
				double gap = (double)(ts - rp->last_ts) / rp->speed;

				rp->next_at = now_usec() + (uint64_t)MIN(gap, (double)PAUSE_MAX_USEC);
			}
			if (ts >= 0)
				rp->last_ts = ts;
			return;
		}
		if ((i & 255) == 0 && now_usec() - start >= slice)
			return;
	}
}

static void replay_mode(const struct replay *rp, char *buf, size_t len)
{
	if (rp->kind != FEED_FILES)
		snprintf(buf, len, "%s%s", rp->done ? "disconnected from " : "live from ",
			 rp->kind == FEED_DAEMON ? "devresd" : "the kernel");
	if (rp->kind != FEED_FILES && rp->frozen)
		snprintf(buf + strlen(buf), len - strlen(buf), ", frozen");
	if (rp->kind != FEED_FILES)
		return;
	if (rp->done)
		snprintf(buf, len, "done");
	else if (rp->paused)
		snprintf(buf, len, "paused");
	else if (rp->step)
		snprintf(buf, len, "step: n for the next event");
	else if (rp->speed > 0)
		snprintf(buf, len, "playing x%g", rp->speed);
	else
		snprintf(buf, len, "loading");
}

/*
 * The lines played: every line before the first one the engine still holds
 * back (a kmsg record waits for its dictionary lines, a wrapped line for its
 * rest), so the screen and 's' stop at the same place.
 */
static uint64_t replay_played(const struct replay *rp)
{
	if (!rp->s || rp->done)
		return rp->lines;
	return MIN(rp->lines, rp->stream_base + drc_stream_get_undecided_line(rp->s) - 1 - rp->skipped);
}

static void replay_save(struct replay *rp, struct watch_status *st)
{
	char name[64], buf[65536];
	time_t t = time(NULL);
	uint64_t want = replay_played(rp), copied = 0;
	struct tm tm;
	FILE *out;
	size_t n;
	int err = 0;

	localtime_r(&t, &tm);
	strftime(name, sizeof(name), "devresctl-watch-%Y%m%d-%H%M%S.log", &tm);
	out = fopen(name, "wxe");
	if (!out) {
		snprintf(st->message, sizeof(st->message), "cannot save to %s: %s", name, strerror(errno));
		return;
	}
	fflush(rp->spool);
	rewind(rp->spool);
	/* the spool holds every line read, one '\n' each: the first @want */
	while (copied < want && (n = fread(buf, 1, sizeof(buf), rp->spool)) > 0) {
		size_t use = 0;

		while (use < n && copied < want) {
			const char *nl = memchr(buf + use, '\n', n - use);

			use = nl ? (size_t)(nl - buf) + 1 : n;
			copied += nl != NULL;
		}
		if (fwrite(buf, 1, use, out) != use) {
			err = errno;
			break;
		}
	}
	if (ferror(rp->spool))
		err = EIO;
	fseek(rp->spool, 0, SEEK_END);
	if (fclose(out) != 0 && !err)
		err = errno;
	if (err)
		snprintf(st->message, sizeof(st->message), "cannot save to %s: %s", name, strerror(err));
	else
		snprintf(st->message, sizeof(st->message), "saved %" PRIu64 " line%s to %s", copied,
			 copied == 1 ? "" : "s", name);
}

static void replay_action(struct replay *rp, enum watch_action act, struct watch_status *st)
{
	if (rp->kind != FEED_FILES && act != WATCH_ACT_SAVE && act != WATCH_ACT_NONE) {
		if (act == WATCH_ACT_PAUSE)
			rp->frozen = !rp->frozen;
		else if (act != WATCH_ACT_REFRESH)
			snprintf(st->message, sizeof(st->message), "n, + and - are for replays");
		return;
	}
	switch (act) {
	case WATCH_ACT_PAUSE:
		if (rp->step && !rp->paused && !rp->done) {
			/* out of step mode: play on, at --speed if one was given */
			rp->step = false;
			rp->step_budget = 0;
		} else {
			rp->paused = !rp->paused;
		}
		rp->next_at = 0;
		break;
	case WATCH_ACT_STEP:
		if (rp->done)
			snprintf(st->message, sizeof(st->message), "the capture has ended");
		rp->step = true;
		rp->paused = false;
		rp->step_budget++;
		break;
	case WATCH_ACT_SAVE:
		replay_save(rp, st);
		break;
	case WATCH_ACT_FASTER:
	case WATCH_ACT_SLOWER:
		if (rp->speed <= 0)
			snprintf(st->message, sizeof(st->message), "+ and - change the pace of --speed");
		else
			rp->speed = act == WATCH_ACT_FASTER ? MIN(rp->speed * 2, 1e6) : MAX(rp->speed / 2, 1e-3);
		break;
	case WATCH_ACT_REFRESH:
		snprintf(st->message, sizeof(st->message), "a replay has no live references to read");
		break;
	default:
		break;
	}
}

/* How long poll() may sleep: -1 when nothing will happen without a key. */
static int replay_timeout(const struct replay *rp)
{
	uint64_t now;

	if (rp->kind == FEED_KERNEL)
		return live_timeout(rp->live);
	if (rp->kind == FEED_DAEMON)
		return -1;
	if (rp->done || rp->paused || (rp->step && !rp->step_budget && !rp->pre_window))
		return -1;
	if (rp->speed <= 0 || rp->step)
		return 0;
	now = now_usec();
	return rp->next_at > now ? (int)((rp->next_at - now + 999) / 1000) : 0;
}

struct frame_stats {
	uint64_t frames, total, max;
	uint64_t idle_since_wall, idle_since_cpu;
};

static void frame_stats_write(const struct watch_ctl *ctl, const struct frame_stats *fs, const struct replay *rp)
{
	FILE *f;
	uint64_t wall = now_usec() - fs->idle_since_wall, cpu = cpu_usec() - fs->idle_since_cpu;

	if (!ctl->frame_stats)
		return;
	f = fopen(ctl->frame_stats, "we");
	if (!f) {
		log_error_errno(-errno, "cannot write '%s'", ctl->frame_stats);
		return;
	}
	fprintf(f, "frames %" PRIu64 "\nframe_usec_mean %" PRIu64 "\nframe_usec_max %" PRIu64 "\n", fs->frames,
		fs->frames ? fs->total / fs->frames : 0, fs->max);
	if (rp->done && fs->idle_since_wall)
		fprintf(f, "idle_wall_usec %" PRIu64 "\nidle_cpu_usec %" PRIu64 "\nidle_cpu_percent %.3f\n", wall, cpu,
			wall ? (double)cpu * 100.0 / (double)wall : 0.0);
	fclose(f);
}

static int watch_loop(const struct watch_ctl *ctl, struct drc_ctx *ctx, struct watch_state *w, struct replay *rp)
{
	struct watch_status st = { 0 };
	struct frame_stats fs = { 0 };
	struct watch_ui *ui = NULL;
	char source[300], mode[64];
	uint64_t last_frame = 0;
	int r;

	if (rp->kind == FEED_FILES)
		snprintf(source, sizeof(source), "replay %s%s", rp->paths[0], rp->n > 1 ? " ..." : "");
	else
		snprintf(source, sizeof(source), "%s", rp->kind == FEED_DAEMON ? "devresd" : "kernel");
	st.live = rp->kind != FEED_FILES;
	if (st.live)
		watch_state_set_live(w, root_is_real());
	st.source = source;
	st.mode = mode;
	signals_setup();
	r = watch_ui_new(w, use_color(), &ui);
	if (r < 0)
		return log_error_errno(r, "cannot set up the terminal");
	while (!quit_signal) {
		enum watch_action act;
		struct pollfd pfd[2] = { { .fd = STDIN_FILENO, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
		int timeout;
		bool was_done = rp->done;
		uint64_t t;

		while ((act = watch_ui_input(ui, &st)) != WATCH_ACT_NONE && act != WATCH_ACT_QUIT) {
			replay_action(rp, act, &st);
			/* the Events view follows what plays, and holds when it stops */
			if (act == WATCH_ACT_PAUSE)
				watch_ui_follow(ui, rp->kind == FEED_FILES ? !rp->paused : !rp->frozen);
		}
		if (act == WATCH_ACT_QUIT)
			break;
		if (rp->kind == FEED_DAEMON && !rp->done)
			daemon_read(rp, ctx);
		else if (rp->kind == FEED_KERNEL && live_dispatch(rp->live) < 0)
			rp->error = -EIO;
		else if (rp->kind == FEED_FILES && !rp->done && !rp->paused &&
			 (!rp->step || rp->step_budget || rp->pre_window) &&
			 now_usec() >= rp->next_at)
			replay_feed(rp, w, ctx, LOAD_SLICE_USEC);
		watch_ui_freeze(ui, rp->frozen);
		if (watch_state_sync_findings(w) < 0)
			rp->error = -ENOMEM;
		if (rp->error) {
			snprintf(st.message, sizeof(st.message), "reading %s: %s", rp->path,
				 rp->error == -ENOMEM ? "out of memory" : strerror(-rp->error));
			rp->error = 0;
			watch_ui_touch(ui);
		}
		if (rp->done && !was_done) {
			struct drc_stats s;

			drc_ctx_get_stats(ctx, &s);
			if (s.undecoded && !*st.message)
				snprintf(st.message, sizeof(st.message),
					 "%" PRIu64 " devres lines could not be decoded ('devresctl report' lists them)",
					 s.undecoded);
			watch_ui_touch(ui);
		}
		replay_mode(rp, mode, sizeof(mode));
		st.lines = replay_played(rp);
		timeout = replay_timeout(rp);
		if (st.live) {
			watch_state_clock(w, now_usec());
			/* ages on the screen advance once a second */
			if (timeout < 0 || timeout > 1000)
				timeout = 1000;
		}
		t = now_usec();
		/* while loading, frames are coalesced; a key or the end draws at once */
		if (timeout != 0 || t - last_frame >= FRAME_MIN_USEC) {
			uint64_t took = watch_ui_draw(ui, &st);

			if (took) {
				last_frame = t;
				fs.frames++;
				fs.total += took;
				fs.max = MAX(fs.max, took);
			}
		}
		if (rp->done && !fs.idle_since_wall) {
			fs.idle_since_wall = now_usec();
			fs.idle_since_cpu = cpu_usec();
		}
		if (timeout == 0)
			continue;
		if (rp->kind == FEED_DAEMON && !rp->done)
			pfd[1].fd = rp->sockl.fd;
		else if (rp->kind == FEED_KERNEL)
			pfd[1].fd = live_fd(rp->live);
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR) {
			r = log_error_errno(-errno, "poll");
			break;
		}
	}
	watch_ui_free(ui);
	frame_stats_write(ctl, &fs, rp);
	return r < 0 ? r : 0;
}

static int cmd_watch(int argc, char **argv)
{
	struct watch_ctl ctl = { .source = -1 };
	struct drc_ctx *ctx = NULL;
	struct watch_state w = { 0 };
	struct replay rp = { .sockl = { .fd = -1 } };
	char kallsyms[4096];
	int status;

	status = watch_parse_args(&ctl, argc, argv);
	if (status < 0) {
		status = DEVRESCTL_EX_OK;
		goto out;
	}
	if (status != DEVRESCTL_EX_OK)
		goto out;
	status = DEVRESCTL_EX_FAILURE;
	/* live from the kernel: which module each release function is in */
	if (!ctl.replay && !ctl.engine.kallsyms && root_path(kallsyms, sizeof(kallsyms), "/proc/kallsyms") == 0 &&
	    access(kallsyms, R_OK) == 0)
		ctl.engine.kallsyms = kallsyms, ctl.engine.kallsyms_auto = true;
	if (engine_new(&ctl.engine, &ctx) < 0)
		goto out;
	if (watch_state_init(&w, ctx) < 0) {
		log_oom();
		goto out;
	}
	if (ctl.replay) {
		if (replay_open(&rp, ctx, &ctl) < 0)
			goto out;
		if (rp.window.active) {
			w.keep = window_keeps;
			w.keep_data = &rp.window;
		}
	} else {
		int r;

		rp.spool = tmpfile();
		if (!rp.spool) {
			log_error_errno(-errno, "cannot create a spool file for 's'");
			goto out;
		}
		r = ctl.source == FEED_KERNEL ? -ENOENT : daemon_open(&rp, ctx);

		if (r < 0 && ctl.source == FEED_DAEMON) {
			if (r == -ENOENT || r == -ECONNREFUSED)
				log_error_errno(r, "cannot attach to devresd at %s", devresd_socket_name());
			goto out;
		}
		if (r < 0) {
			/* no daemon: the same engine in-process, on the kernel */
			fd_lines_close(&rp.sockl);
			drc_stream_free(rp.s);
			rp.s = NULL;
			if (kernel_open(&rp, ctx) < 0)
				goto out;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		log_error("watch needs a terminal on standard input and output; 'devresctl report' reads captures without one");
		goto out;
	}
	if (watch_loop(&ctl, ctx, &w, &rp) == 0)
		status = DEVRESCTL_EX_OK;
	if (quit_signal && quit_signal != SIGINT && quit_signal != SIGTERM)
		log_info("stopped by signal %d", (int)quit_signal);
out:
	replay_close(&rp);
	watch_state_done(&w);
	drc_ctx_unref(ctx);
	free(ctl.engine.kb_files);
	free(ctl.replay);
	return status;
}

const struct command command_watch = {
	.name = "watch",
	.synopsis = "[OPTIONS] [--replay CAPTURE]...",
	.summary = "browse devices, their resources, events and findings in a terminal",
	.options = watch_options,
	.min_args = 0,
	.max_args = 0,
	.run = cmd_watch,
};
