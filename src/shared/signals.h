/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The signals that end (or steer) a loop, taken by a handler that only
 * notes them and wakes the loop's poll() through a pipe. Not signalfd: a
 * signalfd sees only signals that are blocked, and a signal ignored by
 * inheritance (a shell starts its background jobs with SIGINT ignored,
 * nohup ignores SIGHUP) is discarded before it could be read. A handler is
 * called whatever the disposition inherited; the signals are unblocked too,
 * since a blocked mask is inherited as well. SA_RESTART: a write the signal
 * lands in is not cut short.
 *
 * A second stop signal while the first is being handled (the loop drains
 * what the sources hold) ends the process at once, as if not caught.
 * One set of signals per process at a time.
 */
struct sig_catch {
	int sigs[4];
	struct sigaction old[4];
	size_t n;
	sigset_t old_mask;
};

/* Catches @stop (ending signals) and @other (noted only: SIGHUP for a
 * daemon), up to 4 in all. 0 or -errno (the pipe could not be made). */
int sig_catch_start(struct sig_catch *c, const int *stop, size_t nstop, const int *other, size_t nother);
/* The old dispositions and mask back; the pipe closed. */
void sig_catch_end(struct sig_catch *c);
/* Readable when a signal came since the last sig_catch_take(); -1 if none. */
int sig_catch_fd(void);
/* The signal that asked to stop, or 0. */
int sig_catch_stopping(void);
/* A caught signal not taken yet (its pipe wakeup read), or 0. Call until 0. */
int sig_catch_take(struct sig_catch *c);
