// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static bool log_quiet, log_syslog;
static const char *log_program;

void log_set_program(const char *name)
{
	log_program = name;
}

const char *log_program_name(void)
{
	return log_program ? log_program : program_invocation_short_name;
}

void log_set_syslog(bool on)
{
	if (on && !log_syslog)
		openlog(program_invocation_short_name, LOG_PID, LOG_DAEMON);
	log_syslog = on;
}

void log_set_quiet(bool quiet)
{
	log_quiet = quiet;
}

static void log_va(int prio, const char *fmt, va_list ap, int err)
{
	if (log_syslog) {
		char buf[1024];

		vsnprintf(buf, sizeof(buf), fmt, ap);
		if (err)
			syslog(prio, "%s: %s", buf, strerror(err));
		else
			syslog(prio, "%s", buf);
		return;
	}
	fprintf(stderr, "%s: ", log_program_name());
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va(LOG_ERR, fmt, ap, 0);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va(LOG_WARNING, fmt, ap, 0);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_quiet)
		return;
	va_start(ap, fmt);
	log_va(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

int log_error_errno(int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va(LOG_ERR, fmt, ap, r < 0 ? -r : r);
	va_end(ap);
	return r;
}

int log_oom(void)
{
	log_error("out of memory");
	return -ENOMEM;
}
