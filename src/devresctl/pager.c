// SPDX-License-Identifier: GPL-2.0-or-later
/* Output through a pager on a terminal (pager.h), the way journalctl and git
 * do it: the pager is a child reading a pipe that replaces standard output. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command.h"
#include "pager.h"
#include "shared/log.h"

static pid_t pager_pid;
static int saved_out = -1, saved_err = -1;
static unsigned columns;
static struct sigaction old_int, old_quit;

static const char *pager_command(void)
{
	const char *p = getenv("DEVRESCTL_PAGER");

	if (!p)
		p = getenv("PAGER");
	return p;
}

/* The child: the pager on the pipe, or a copy to the terminal when none
 * can be run, so that the output is never lost. */
static _Noreturn void run_pager(const char *cmd)
{
	char buf[16384];
	ssize_t n;

	/* the defaults of journalctl and git; the user's own win */
	setenv("LESS", "FRSXMK", /* overwrite= */ 0);
	setenv("LV", "-c", 0);
	if (cmd) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	} else {
		execlp("less", "less", (char *)NULL);
		execlp("more", "more", (char *)NULL);
	}
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) != n)
			break;
	_exit(cmd ? 127 : 0);
}

bool pager_open(void)
{
	const char *cmd = pager_command(), *term = getenv("TERM");
	struct winsize ws;
	int fd[2];
	pid_t pid;

	if (pager_pid > 0 || arg_no_pager || !isatty(STDOUT_FILENO))
		return false;
	if (cmd && (!*cmd || strcmp(cmd, "cat") == 0))
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		columns = ws.ws_col;
	else
		columns = 80;
	fflush(stdout);
	fflush(stderr);
	if (pipe2(fd, O_CLOEXEC) < 0)
		return false;
	saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	saved_err = isatty(STDERR_FILENO) ? fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3) : -1;
	if (saved_out < 0)
		goto fail;
	pid = fork();
	if (pid < 0)
		goto fail;
	if (pid == 0) {
		/* the pager reads the pipe; its output is the terminal */
		if (dup2(fd[0], STDIN_FILENO) < 0)
			_exit(127);
		close(fd[0]);
		close(fd[1]);   /* else the copy below would never see the end */
		signal(SIGPIPE, SIG_DFL);
		run_pager(cmd);
	}
	pager_pid = pid;
	pager_terminal_columns = columns;
	/*
	 * ^C is the pager's (less quits on it with K): were this process to die
	 * of it, the shell would take the terminal back while the pager still
	 * reads it. Once the pager is gone, the next write ends us (SIGPIPE).
	 */
	{
		struct sigaction ign = { .sa_handler = SIG_IGN };

		sigemptyset(&ign.sa_mask);
		sigaction(SIGINT, &ign, &old_int);
		sigaction(SIGQUIT, &ign, &old_quit);
	}
	if (dup2(fd[1], STDOUT_FILENO) < 0 || (saved_err >= 0 && dup2(fd[1], STDERR_FILENO) < 0)) {
		close(fd[0]);
		close(fd[1]);
		pager_close();
		return false;
	}
	close(fd[0]);
	close(fd[1]);
	return true;
fail:
	close(fd[0]);
	close(fd[1]);
	if (saved_out >= 0)
		close(saved_out);
	if (saved_err >= 0)
		close(saved_err);
	saved_out = saved_err = -1;
	return false;
}

void pager_close(void)
{
	if (pager_pid <= 0)
		return;
	fflush(stdout);
	fflush(stderr);
	/* the terminal back in place of the pipe: the pager reads its end */
	if (saved_out >= 0) {
		dup2(saved_out, STDOUT_FILENO);
		close(saved_out);
	}
	if (saved_err >= 0) {
		dup2(saved_err, STDERR_FILENO);
		close(saved_err);
	}
	saved_out = saved_err = -1;
	kill(pager_pid, SIGCONT);
	while (waitpid(pager_pid, NULL, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	pager_pid = 0;
	columns = pager_terminal_columns = 0;
}

bool pager_active(void)
{
	return pager_pid > 0;
}
