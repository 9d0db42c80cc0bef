// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The live-reading loop that record, cycle and monitor share: they differ
 * only in what they do with each line. poll() on the sources' epoll
 * descriptor and the signal pipe; the quiet mark and the trace's own poll
 * interval from live_timeout().
 */
#include "config.h"

#include "live-loop.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>

#include "shared/clock.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/signals.h"

static void say_losses(const struct live_stats *st)
{
	if (st->kmsg_lost || st->kmsg_lost_unknown)
		log_warning("%" PRIu64 " kernel log records were overwritten before they were read%s", st->kmsg_lost,
			    st->kmsg_lost_unknown ? ", and more of a count the kernel did not give" : "");
	if (st->trace_lost || st->trace_lost_unknown)
		log_warning("%" PRIu64 " trace events were overwritten before they were read%s", st->trace_lost,
			    st->trace_lost_unknown ? ", and more of a count the kernel did not give" : "");
	if (st->trace_bad_pages)
		log_warning("%" PRIu64 " trace page%s could not be read (marked lost)", st->trace_bad_pages,
			    st->trace_bad_pages == 1 ? "" : "s");
	if (st->kmsg_unread)
		log_warning("the kernel log was still being written at the end: what came after was not read "
			    "(marked in the recording)");
	if (st->udev_unread)
		log_warning("%" PRIu64 " udev events were not read before the end", st->udev_unread);
	if (st->refs_skipped)
		log_info("references not read at %" PRIu64 " unbind%s (one read per %d ms)", st->refs_skipped,
			 st->refs_skipped == 1 ? "" : "s", LIVE_REFS_MIN_MS);
	if (st->trace_non_events)
		log_info("%" PRIu64 " trace record%s without an op skipped (not logged by devres.c)",
			 st->trace_non_events, st->trace_non_events == 1 ? "" : "s");
	if (st->uevents_unplaced)
		log_info("%" PRIu64 " uevent%s written before the kernel log was read to them (it was behind)",
			 st->uevents_unplaced, st->uevents_unplaced == 1 ? "" : "s");
	if (st->udev_overflows)
		log_warning("udev events were dropped %" PRIu64 " time%s (the socket overflowed)", st->udev_overflows,
			    st->udev_overflows == 1 ? "" : "s");
}

/* The poll() timeout: the end of --duration, the next tick, what the sources have due. */
static int loop_timeout(const struct live_loop *lp, struct live *l, uint64_t end)
{
	uint64_t now = now_msec();
	int timeout = end ? (int)(end > now ? end - now : 0) : -1, quiet;

	if (lp->tick && (timeout < 0 || timeout > 100))
		timeout = 100;
	quiet = live_timeout(l);
	if (quiet >= 0 && (timeout < 0 || quiet < timeout))
		timeout = quiet;
	return timeout;
}

static int loop(struct live_loop *lp, struct live *l, uint64_t end)
{
	int r;

	for (;;) {
		struct pollfd p[2] = { { live_fd(l), POLLIN, 0 }, { sig_catch_fd(), POLLIN, 0 } };

		r = live_dispatch(l);
		if (r < 0)
			return log_error_errno(r, "reading the live sources");
		fflush(lp->out);
		if (ferror(lp->out))
			return log_error_errno(-EIO, "cannot write '%s'", lp->out_name);
		if (sig_catch_stopping())
			return 0;
		if (lp->tick && (r = lp->tick(lp->tick_data)) != 0)
			return r;
		if ((live_ended(l) && !lp->tick) || (end && now_msec() >= end))
			return 0;
		if (poll(p, 2, loop_timeout(lp, l, end)) < 0 && errno != EINTR)
			return -errno;
		if (sig_catch_stopping())
			return 0;
	}
}

int live_loop_run(struct live_loop *lp)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct sig_catch sc;
	struct live *l = NULL;
	char why[1024];
	uint64_t end = lp->duration > 0 ? now_msec() + (uint64_t)(lp->duration * 1000) : 0;
	int r;

	r = sig_catch_start(&sc, stops, ARRAY_SIZE(stops), NULL, 0);
	if (r < 0)
		return log_error_errno(r, "cannot catch signals");
	r = live_open(lp->opts, lp->line, lp->userdata, &l, why, sizeof(why));
	if (r < 0) {
		if (r == -ENODEV)
			log_error("nothing to %s: %s", lp->nothing_to, why[0] ? why : "every source was turned off");
		else
			log_error_errno(r, "cannot open the live sources");
		goto out;
	}
	if (why[0])
		log_warning("not %s: %s", lp->not_done, why);
	log_info("%s %s%s%s", lp->doing, live_describe(l), lp->doing_where, end ? "" : " until SIGINT or SIGTERM");
	r = loop(lp, l, end);
	/* what the trace source still holds back belongs to what was read */
	if (r >= 0)
		r = live_drain(l);
	fflush(lp->out);
	live_get_stats(l, &lp->stats);
	say_losses(&lp->stats);
out:
	live_free(l);
	sig_catch_end(&sc);
	return r < 0 ? r : 0;
}
