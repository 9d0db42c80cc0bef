// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Signals for an event loop: a handler that notes the signal and writes a
 * byte to a pipe the loop polls (the self-pipe), see signals.h for why not
 * signalfd.
 */
#include "config.h"

#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "macro.h"

static volatile sig_atomic_t caught[65];        /* by signal number; SIGRTMAX is 64 */
static volatile sig_atomic_t stopping;
static volatile sig_atomic_t stop_sigs[65];
static int wake[2] = { -1, -1 };

static void on_signal(int sig)
{
	int e = errno;

	if (sig < 0 || sig >= (int)ARRAY_SIZE(caught))
		return;
	if (stop_sigs[sig]) {
		if (stopping) {
			/* asked again while stopping: at once, as uncaught */
			signal(sig, SIG_DFL);
			raise(sig);
		}
		stopping = sig;
	}
	caught[sig] = 1;
	if (wake[1] >= 0 && write(wake[1], "", 1) < 0) {
		/* the pipe is full: a wakeup is pending already */
	}
	errno = e;
}

static int catch_one(struct sig_catch *c, int sig, bool stop)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	if (c->n >= ARRAY_SIZE(c->sigs) || sig <= 0 || sig >= (int)ARRAY_SIZE(caught))
		return -EINVAL;
	sigemptyset(&sa.sa_mask);
	caught[sig] = 0;
	stop_sigs[sig] = stop;
	c->sigs[c->n] = sig;
	if (sigaction(sig, &sa, &c->old[c->n]) < 0)
		return -errno;
	c->n++;
	return 0;
}

int sig_catch_start(struct sig_catch *c, const int *stop, size_t nstop, const int *other, size_t nother)
{
	sigset_t set;
	int r = 0;

	*c = (struct sig_catch){ 0 };
	stopping = 0;
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		wake[0] = wake[1] = -1;
		return -errno;
	}
	for (size_t i = 0; i < nstop && r == 0; i++)
		r = catch_one(c, stop[i], true);
	for (size_t i = 0; i < nother && r == 0; i++)
		r = catch_one(c, other[i], false);
	sigemptyset(&set);
	for (size_t i = 0; i < c->n; i++)
		sigaddset(&set, c->sigs[i]);
	sigprocmask(SIG_UNBLOCK, &set, &c->old_mask);
	if (r < 0)
		sig_catch_end(c);
	return r;
}

void sig_catch_end(struct sig_catch *c)
{
	for (size_t i = 0; i < c->n; i++) {
		sigaction(c->sigs[i], &c->old[i], NULL);
		stop_sigs[c->sigs[i]] = 0;
	}
	if (c->n)
		sigprocmask(SIG_SETMASK, &c->old_mask, NULL);
	c->n = 0;
	for (int i = 0; i < 2; i++)
		if (wake[i] >= 0) {
			close(wake[i]);
			wake[i] = -1;
		}
}

int sig_catch_fd(void)
{
	return wake[0];
}

int sig_catch_stopping(void)
{
	return stopping;
}

int sig_catch_take(struct sig_catch *c)
{
	char buf[64];

	/* the wakeups first: a signal after this sets its flag, seen below,
	 * and leaves a byte for the next poll() (at worst a wakeup for nothing) */
	while (wake[0] >= 0 && read(wake[0], buf, sizeof(buf)) > 0)
		;
	for (size_t i = 0; i < c->n; i++)
		if (caught[c->sigs[i]]) {
			caught[c->sigs[i]] = 0;
			return c->sigs[i];
		}
	return 0;
}
