/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "journal.h"
#include "protocol.h"
#include "libdevres/libdevres.h"

/*
 * devresd's clients: a Unix socket speaking one JSON object per line
 * (devresd(8) documents the protocol), with a bounded output queue per
 * client. A client that falls behind is dropped; collection never waits.
 */

struct server_opts {
	const char *socket_path;        /* below the root */
	gid_t group;                    /* (gid_t)-1: none */
	size_t queue_max;               /* bytes queued to one client for pushed data */
};

struct server;
struct client;
struct json_object;

/* A request line (without its newline) into a JSON object; on error, -errno
 * and the message the client gets in @err. The whole of what a client's
 * bytes reach before a command is chosen. */
int server_parse_request(const char *line, size_t len, struct json_object **ret, char *err, size_t errlen);

int server_new(const struct server_opts *o, int epfd, struct drc_ctx *ctx, struct journal *j, struct server **ret);
void server_free(struct server *s);
/* epoll data of the listening socket and clients: pointers, tagged by the server */
bool server_owns(const struct server *s, void *tag);
void server_handle(struct server *s, void *tag, uint32_t events);

/* What hello says the daemon collects ("kmsg, trace, uevents"); borrowed. */
void server_set_sources(struct server *s, const char *sources);
/* Where the daemon's own lines start in the journal: catch-up begins there. */
void server_set_journal_start(struct server *s, uint64_t generation, uint64_t offset);
/* Reads every device of sysfs (bus, driver, module) for "sysfs" requests: at
 * start, and again when udev events were lost (@resync). */
void server_sysfs_snapshot(struct server *s, bool resync);
/* A line fed to the engine: to "lines" subscribers that are live. */
void server_broadcast_line(struct server *s, const char *line, size_t len);
/* Findings the engine made since the last call: to "findings" subscribers. */
void server_broadcast_findings(struct server *s);
/* Engine observers, registered by server_new: events to "events" subscribers. */
unsigned server_client_count(const struct server *s);
uint64_t server_dropped_count(const struct server *s);

/* Pushed data is queued while the sources are read, and sent here. */
void server_flush(struct server *s);
/* Clients with requests left over from their last turn (REQUESTS_PER_TURN):
 * the loop then polls without waiting and gives them another turn. */
bool server_pending(const struct server *s);
void server_run_pending(struct server *s);
/* Once a second: accepting resumes if it was paused (out of descriptors). */
void server_tick(struct server *s);

struct server_stats {
	unsigned clients;
	uint64_t dropped_slow;          /* queue over --client-queue */
	uint64_t dropped_request;       /* a request over 64 KiB */
	uint64_t refused_busy;          /* out of file descriptors */
};
void server_get_stats(const struct server *s, struct server_stats *ret);
