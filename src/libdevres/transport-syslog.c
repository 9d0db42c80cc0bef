// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Logs another program wrote the kernel's messages into:
 *
 *   Mar  8 22:20:36 host kernel: [  1.9] msg    syslog (BSD), journalctl -k
 *   Mar  8 22:20:36.123456 host kernel: msg     journalctl -o short-precise
 *   2023-03-10T23:42:01+0100 host kernel: msg   journalctl -o short-iso, RFC 3339
 *   1 2023-03-10T23:42:01Z host kernel - - - msg  RFC 5424 after its "<pri>"
 *   Mar  8 22:20:36 host kern.err kernel: msg   busybox syslogd
 *   Fri 2023-03-10 23:42:01 CET host kernel: msg
 *                                               journalctl -o short-full, -unix,
 *                                               collectors' own time formats
 *   -- Boot 0123456789abcdef... --              journalctl: a new boot
 *   -- Reboot --
 *
 * Lines of other identifiers than "kernel" are passed over, but for
 * systemd-journald's "Missed N kernel messages" (a loss). What follows
 * the header is printk's text (kernel_text(), stream-messages.c); journalctl
 * -o short-monotonic ("[  1.9] host kernel: msg") starts with the kernel's
 * time and is read there.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>

#include "stream-private.h"

struct syslog_state {
	size_t at;                      /* detect(): where the message starts */
	bool kernel;                    /* its identifier is the kernel's */
	bool journald;                  /* or systemd-journald's */
};

/*
 * A header of another logger's making that ends in " kernel: " (journalctl
 * -o short-full "Fri 2023-03-10 23:42:01 CET host kernel: ", -o short-unix
 * "1678488121.123456 host kernel: ", collectors' own time formats): a time
 * (some digit) and a host before the kernel's identifier, early in the line.
 */
static size_t any_kernel_header(const char *l, size_t len)
{
	const char *k;

	/* dmesg's own lines begin with their "[time]" */
	if (!len || l[0] == '[' || !(k = mem_find(l, MIN(len, (size_t)120), " kernel: ", 9)))
		return 0;
	for (const char *p = l; p < k; p++)
		if (is_digit(*p))
			return (size_t)(k - l) + 9;
	return 0;
}

static const char *syslog_detect(struct drc_stream *s, void *st, const struct line *ln, enum stage stage)
{
	struct syslog_state *ss = st;
	const char *l = ln->text;
	size_t len = ln->len, lead, i;
	bool kernel = true;

	if (stage == STAGE_HEADER) {
		if (MEM_STARTS(l, len, "-- Boot ") || MEM_STARTS(l, len, "-- Reboot --"))
			return "journalctl's '-- Boot ID --': a new boot";
		return NULL;
	}
	lead = skip_indent_and_priority(l, len);
	i = parse_syslog_header(l + lead, len - lead, &kernel);
	if (i) {
		ss->at = lead + i;
		ss->kernel = kernel;
		/* its "Missed N kernel messages" says the kernel's log lost records */
		ss->journald = !kernel && mem_find(l + lead, i, " systemd-journald", 17);
		return kernel ? "a logger's 'TIME HOST kernel: '" :
		       ss->journald ? "a logger's 'TIME HOST systemd-journald: ': read for its losses"
				    : "a logger's 'TIME HOST IDENT: ', not the kernel's: passed over";
	}
	i = any_kernel_header(l + lead, len - lead);
	if (i) {
		ss->at = lead + i;
		ss->kernel = true;
		ss->journald = false;
		return "a logger's header: a time, a host, ' kernel: '";
	}
	return NULL;
}

static int syslog_feed(struct drc_stream *s, void *st, struct line *l, enum stage stage)
{
	struct syslog_state *ss = st;
	int r;

	if (stage == STAGE_HEADER) {
		char id[40] = "";

		if (MEM_STARTS(l->text, l->len, "-- Boot "))
			snprintf(id, sizeof(id), "%.*s", (int)MIN(l->len - 8, (size_t)32), l->text + 8);
		r = stream_new_boot(s, l->o, NULL, 0, id[0] ? id : "reboot");
		return r < 0 ? r : LINE_TAKEN;
	}
	if (ss->journald) {
		r = journald_missed(s, l->text + ss->at, l->len - ss->at, -1, l->o);
		return r < 0 ? r : LINE_TAKEN;
	}
	if (!ss->kernel)
		return LINE_TAKEN;
	return kernel_text(s, l, ss->at);
}

const struct transport transport_syslog = {
	.name = "syslog",
	.state_size = sizeof(struct syslog_state),
	.stages = STAGE(STAGE_HEADER) | STAGE(STAGE_TEXT),
	.first = { [STAGE_HEADER] = "-" },
	.detect = syslog_detect,
	.feed = syslog_feed,
};
