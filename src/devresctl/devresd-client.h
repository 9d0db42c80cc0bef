/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "sources/source-fd.h"

/*
 * devresd's "lines" stream (devresd(8), PROTOCOL), for the clients that run
 * their own engine on what the daemon collected: watch follows it live,
 * report and check take what the daemon collected until now.
 */

/*
 * Connects to devresd (devresd_connect()), asks for its lines and waits for
 * the reply; capture lines that come with the reply go to @fn already. Then
 * @sock carries the lines: read it with fd_lines_read() and the same @fn.
 * With @follow, the journal since the daemon started, then every new line;
 * without it, the journal up to now, and the connection ends (->ended).
 *
 * Returns 0; -ENOENT or -ECONNREFUSED when no daemon runs there, not said
 * (the caller knows what that means for it); else -errno after saying why:
 * -EACCES when the daemon refused (its reason), -EPROTO when it answered
 * something else (a daemon too old to end the stream), -ETIMEDOUT,
 * -ECONNRESET... On error @sock is closed.
 */
int devresd_lines_open(struct fd_lines *sock, bool follow, source_line_fn fn, void *userdata);

/*
 * Reads the rest of a @follow=false stream into @fn until the daemon ends
 * it; @fn returning < 0 stops with that error. Returns 0 or -errno (not
 * said; -ETIMEDOUT when the daemon sent nothing for DEVRESD_DRAIN_IDLE_MSEC).
 */
#define DEVRESD_DRAIN_IDLE_MSEC 30000
int devresd_lines_drain(struct fd_lines *sock, source_line_fn fn, void *userdata);
