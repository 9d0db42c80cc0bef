/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "macro.h"

/* Tool-side logging: "devresctl: message". Errors are decided once, here. */
void log_set_quiet(bool quiet);
/* What messages start with: "devresctl report" while a command runs, so
 * every line names the command; the program's name by default. */
void log_set_program(const char *name);
const char *log_program_name(void);
/* Messages go to syslog (a daemon that left its terminal) instead of stderr. */
void log_set_syslog(bool on);
void log_error(const char *fmt, ...) _printf_(1, 2);
void log_warning(const char *fmt, ...) _printf_(1, 2);
void log_info(const char *fmt, ...) _printf_(1, 2);
/* Logs "<message>: <strerror(-r)>" and returns r. */
int log_error_errno(int r, const char *fmt, ...) _printf_(2, 3);
int log_oom(void);
