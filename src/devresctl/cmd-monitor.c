// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl monitor - decoded devres operations, uevents and findings as
 * lines while they happen, like "udevadm monitor" or "dmesg -w": for serial
 * consoles and CI logs, where a full-screen view has no place.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "exit-codes.h"
#include "live-loop.h"
#include "output.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/signals.h"
#include "sources/live.h"
#include "sources/source-fd.h"

enum { OPT_SOURCE = OPT_COMMAND };
enum { SOURCE_AUTO, SOURCE_DEVRESD, SOURCE_KERNEL };

extern const struct command command_monitor;

static const struct cli_option monitor_options[] = {
	{ "format", 'f', required_argument, "FORMAT", "output format: text or json, one object a line (default: text)", "text json" },
	{ "source", OPT_SOURCE, required_argument, "WHERE", "auto (devresd if it runs, else the kernel), devresd or kernel", "auto devresd kernel" },
	SOCKET_OPTION,
	{ "kb", OPT_KB, required_argument, "FILE", "read another knowledge-base file; repeatable" },
	COMMON_OPTIONS,
	{}
};

struct monitor {
	bool json;
	struct drc_ctx *ctx;
	struct drc_stream *s;
	unsigned findings_shown;
	int error;
};

/* One object: as it is in JSON, as a line of text otherwise. */
static void show(struct monitor *m, struct json_object *o)
{
	if (!o)
		return;
	if (m->json)
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		event_text(o, stdout);
}

static void on_event(void *userdata, const struct drc_event *ev)
{
	struct monitor *m = userdata;
	struct json_object *o = event_json(ev);

	show(m, o);
	json_object_put(o);
}

static void on_uevent(void *userdata, const struct drc_uevent *ev)
{
	struct monitor *m = userdata;
	struct json_object *o;

	if (ev->from_udev)
		return;         /* the kernel's copy is shown; udevd's repeats it */
	o = uevent_json(ev);
	show(m, o);
	json_object_put(o);
}

/* The findings the engine made since the last look. */
static void show_findings(struct monitor *m)
{
	unsigned n = drc_ctx_get_finding_count(m->ctx);

	for (; m->findings_shown < n; m->findings_shown++) {
		struct json_object *o = finding_json(drc_ctx_get_finding(m->ctx, m->findings_shown));

		json_object_object_add(o, "type", json_object_new_string("finding"));
		show(m, o);
		json_object_put(o);
	}
}

static int feed_line(void *userdata, const char *line, size_t len)
{
	struct monitor *m = userdata;
	int r = drc_stream_feed_line(m->s, line, len);

	if (r < 0)
		return r;
	show_findings(m);
	return 0;
}

/* The engine in-process, on the kernel's own sources (as devresd would):
 * the loop record has, each line fed to the engine instead of a file. */
static int monitor_kernel(struct monitor *m)
{
	struct live_opts o = { .kmsg = true, .trace = true, .udev = true, .refs_on_unbind = true, .version_line = true };
	struct live_loop lp = {
		.opts = &o, .line = feed_line, .userdata = m, .out = stdout, .out_name = "standard output",
		.nothing_to = "monitor", .not_done = "monitored", .doing = "monitoring", .doing_where = "",
	};
	int r;

	r = drc_stream_new(m->ctx, "kernel", &m->s);
	if (r < 0)
		return log_oom();
	drc_ctx_set_event_fn(m->ctx, on_event, m);
	drc_ctx_set_uevent_fn(m->ctx, on_uevent, m);
	r = live_loop_run(&lp);
	/* what the stream holds back (a record awaiting its dictionary, trace
	 * lines whose ops are undecided) was read: shown, as a quiet mark
	 * would, without the end-of-capture rules */
	if (r >= 0 && drc_stream_settle(m->s) < 0)
		r = log_oom();
	show_findings(m);
	return r;
}

static int daemon_line(void *userdata, const char *line, size_t len, bool cut)
{
	struct monitor *m = userdata;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o, *t;
	const char *type;

	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, line, (int)len);
	json_tokener_free(tok);
	type = o && json_object_object_get_ex(o, "type", &t) ? json_object_get_string(t) : NULL;
	if (cut) {
		log_warning("a message from devresd longer than a line was cut");
	} else if (!type) {
		log_warning("devresd sent something else than a message: '%.*s'", (int)MIN(len, 80u), line);
	} else if (strcmp(type, "error") == 0) {
		struct json_object *e;

		log_error("devresd refused: %s", json_object_object_get_ex(o, "error", &e) ? json_object_get_string(e) : "?");
		m->error = -EACCES;
	} else if (strcmp(type, "subscribed") == 0) {
		/* from here on, what devresd takes in reaches this client */
		log_info("monitoring devresd at %s until SIGINT or SIGTERM", devresd_socket_name());
	} else {
		show(m, o);
	}
	json_object_put(o);
	return 0;
}

/* What devresd pushes to a subscriber: its events, uevents and findings. */
static int monitor_daemon(struct monitor *m, int fd)
{
	static const char req[] = "{\"cmd\":\"subscribe\",\"events\":true,\"findings\":true}\n";
	static const int stops[] = { SIGINT, SIGTERM, SIGHUP };
	struct fd_lines sock;
	struct sig_catch sc;
	int r;

	r = fd_lines_init(&sock, fd);
	if (r < 0) {
		close(fd);
		return log_oom();
	}
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
		r = log_error_errno(-errno, "cannot talk to devresd at %s", devresd_socket_name());
		fd_lines_close(&sock);
		return r;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);         /* fd_lines_read() reads until EAGAIN */
	r = sig_catch_start(&sc, stops, ARRAY_SIZE(stops), NULL, 0);
	if (r < 0) {
		log_error_errno(r, "cannot catch signals");
		fd_lines_close(&sock);
		return r;
	}
	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { sig_catch_fd(), POLLIN, 0 } };

		if (poll(p, 2, -1) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (sig_catch_stopping())
			break;
		r = fd_lines_read(&sock, daemon_line, m);
		fflush(stdout);
		if (r < 0 || m->error < 0) {
			if (r < 0)
				log_error_errno(r, "reading from devresd");
			break;
		}
		if (sock.ended) {
			log_error("devresd closed the connection");
			r = -ECONNRESET;
			break;
		}
	}
	fd_lines_close(&sock);
	sig_catch_end(&sc);
	return r < 0 ? r : m->error;
}

static int cmd_monitor(int argc, char **argv)
{
	struct command_getopt g;
	struct engine_opts eopts = { 0 };
	struct monitor m = { 0 };
	int c, r, fd = -1, source = SOURCE_AUTO, status = DEVRESCTL_EX_OK;

	if (command_getopt_init(monitor_options, &g) < 0)
		return DEVRESCTL_EX_FAILURE;
	while (status == DEVRESCTL_EX_OK && (c = getopt_long(argc, argv, g.shortopts + 1, g.longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0)
				m.json = optarg[0] == 'j';
			else
				status = usage_error(&command_monitor, "invalid --format '%s': expected text or json", optarg);
			break;
		case OPT_SOURCE:
			if (strcmp(optarg, "auto") == 0)
				source = SOURCE_AUTO;
			else if (strcmp(optarg, "devresd") == 0)
				source = SOURCE_DEVRESD;
			else if (strcmp(optarg, "kernel") == 0)
				source = SOURCE_KERNEL;
			else
				status = usage_error(&command_monitor, "invalid --source '%s': expected auto, devresd or kernel", optarg);
			break;
		default:
			if (command_common_option(&command_monitor, c, optarg, &eopts, NULL, &status) == COMMAND_OPTION_HELP) {
				command_getopt_done(&g);
				free(eopts.kb_files);
				return DEVRESCTL_EX_OK;
			}
			break;
		}
	}
	command_getopt_done(&g);
	if (status == DEVRESCTL_EX_OK)
		status = command_check_args(&command_monitor, (unsigned)(argc - optind));
	if (status != DEVRESCTL_EX_OK)
		goto out;
	/* each line as it is made, also into a pipe or a CI log */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (source != SOURCE_KERNEL) {
		fd = devresd_connect();
		if (fd < 0 && source == SOURCE_DEVRESD) {
			log_error_errno(fd, "cannot attach to devresd at %s", devresd_socket_name());
			status = DEVRESCTL_EX_FAILURE;
			goto out;
		}
		if (fd < 0)
			log_info("no devresd at %s (%s): reading the kernel", devresd_socket_name(), strerror(-fd));
	}
	if (fd >= 0) {
		r = monitor_daemon(&m, fd);
	} else {
		if (engine_new(&eopts, &m.ctx) < 0) {
			status = DEVRESCTL_EX_FAILURE;
			goto out;
		}
		r = monitor_kernel(&m);
		drc_stream_free(m.s);
		drc_ctx_unref(m.ctx);
	}
	if (r < 0)
		status = DEVRESCTL_EX_FAILURE;
out:
	free(eopts.kb_files);
	return status;
}

const struct command command_monitor = {
	.name = "monitor",
	.synopsis = "[OPTIONS]",
	.summary = "print devres operations, uevents and findings as they happen",
	.options = monitor_options,
	.run = cmd_monitor,
};
