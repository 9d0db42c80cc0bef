/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

/*
 * Long text on a terminal goes through a pager, as journalctl's does: only
 * when standard output is a terminal (never into a pipe or a file), not
 * with --no-pager, not on a dumb terminal. The pager is $DEVRESCTL_PAGER,
 * else $PAGER, else less, else more; an empty value or "cat" means none.
 * less gets LESS=FRSXMK unless LESS is set: one screen or less is printed
 * and less quits at once (F), colours pass (R), long lines are cut, not
 * folded (S), the screen is not cleared (X), ^C quits (K).
 */
/* Starts the pager on standard output (and standard error, when that is
 * the terminal too), if the rules above say so. Colour and the width to
 * wrap to stay those of the terminal. Returns whether a pager runs. */
bool pager_open(void);
/* Flushes, gives the pager the end of its input and waits for it to quit;
 * standard output and error are the terminal again. No-op without one. */
void pager_close(void);
/* Whether pager_open() started one (and it was not closed yet). */
bool pager_active(void);
