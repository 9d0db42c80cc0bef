/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>

#include "command.h"

/* "devresctl __complete CWORD WORDS...": the candidates for word CWORD of a
 * command line, one a line, from the command and option tables (see
 * data/completion/). Returns an exit code. */
int complete_run(const struct command *const *cmds, size_t ncmds, const struct cli_option *main_opts,
		 int argc, char **argv);
