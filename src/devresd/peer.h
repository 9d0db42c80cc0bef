/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/*
 * Who is at the other end of a connection, from the kernel's own records
 * (SO_PEERCRED, SO_PEERGROUPS, /proc/PID/status), never from the user
 * database: what a process really holds is what counts.
 */
struct peer {
	struct ucred cred;
	bool in_group;          /* holds the socket's group (primary or supplementary) */
	bool privileged;        /* uid 0 or CAP_SYSLOG in its effective set */
};

/* Fills @p for the connected socket @fd; @group (gid_t)-1 is none. */
int peer_identify(int fd, gid_t group, struct peer *p);

/*
 * Kernel pointers for clients that may not see them, as the kernel's %p does
 * under kptr_restrict: a keyed hash (SipHash-2-4, a random key per daemon
 * run), so that one pointer always gives the same id and a release still
 * pairs with its add, but the address cannot be recovered. @hex (with
 * @len hex digits) is replaced in place by as many digits of the hash.
 */
void redact_init(void);
void redact_hex(char *hex, size_t len);
/* Every kernel pointer in @o (a JSON tree), where the report puts them:
 * resource and group ids, and the texts of findings (devresd(8), ACCESS). */
struct json_object;
void redact_json(struct json_object *o);

/*
 * Capabilities after start: the sources are open, what is left to do needs
 * CAP_SYSLOG (kallsyms of a module loaded later), CAP_SYS_PTRACE and
 * CAP_DAC_READ_SEARCH (who holds a device's nodes: /proc/PID/fd of every
 * process). Everything else leaves the effective, permitted, inheritable
 * and bounding sets. Returns 0, or -errno.
 */
int caps_drop(void);
