// SPDX-License-Identifier: GPL-2.0-or-later
/* devresd's "lines" stream for the clients that run an engine on it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devresd-client.h"
#include "command.h"
#include "shared/log.h"
#include "shared/macro.h"

#define REPLY_TIMEOUT_MSEC 3000

struct opening {
	bool follow;
	bool replied;
	int error;              /* what the reply said, -errno */
	source_line_fn fn;      /* lines after the reply */
	void *userdata;
};

/* The first line is the reply to "lines"; the rest are capture lines. */
static int opening_line(void *userdata, const char *line, size_t len, bool cut)
{
	struct opening *o = userdata;
	struct json_tokener *tok;
	struct json_object *reply, *v;
	const char *type = NULL;

	if (o->replied)
		return o->fn(o->userdata, line, len, cut);
	o->replied = true;
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	reply = cut ? NULL : json_tokener_parse_ex(tok, line, (int)len);
	json_tokener_free(tok);
	if (reply && json_object_object_get_ex(reply, "type", &v))
		type = json_object_get_string(v);
	if (type && strcmp(type, "lines") == 0) {
		/* a daemon that always follows says nothing of it */
		bool follows = !json_object_object_get_ex(reply, "follow", &v) || json_object_get_boolean(v);

		if (follows != o->follow) {
			log_error("devresd at %s cannot send what it collected and stop (it streams forever): "
				  "it is older than this devresctl", devresd_socket_name());
			o->error = -EPROTO;
		}
	} else if (type && strcmp(type, "error") == 0) {
		log_error("devresd refused: %s",
			  json_object_object_get_ex(reply, "error", &v) ? json_object_get_string(v) : "no reason given");
		o->error = -EACCES;
	} else {
		log_error("devresd at %s answered something else than its lines: '%.*s'", devresd_socket_name(),
			  (int)MIN(len, 80u), line);
		o->error = -EPROTO;
	}
	json_object_put(reply);
	/* the lines after a refusal are not the capture's */
	return o->error;
}

int devresd_lines_open(struct fd_lines *sock, bool follow, source_line_fn fn, void *userdata)
{
	struct opening o = { .follow = follow, .fn = fn, .userdata = userdata };
	const char *req = follow ? "{\"cmd\":\"lines\"}\n" : "{\"cmd\":\"lines\",\"follow\":false}\n";
	ssize_t n = (ssize_t)strlen(req);
	int fd, r;

	sock->fd = -1;
	fd = devresd_connect();
	if (fd == -ENOENT || fd == -ECONNREFUSED)
		return fd;              /* none runs there: the caller says what that means */
	if (fd < 0) {
		r = fd;
		goto fail;
	}
	r = fd_lines_init(sock, fd);    /* closes @fd on failure */
	if (r < 0)
		goto fail;
	if (send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		r = errno ? -errno : -EIO;
		goto fail;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);         /* fd_lines_read() reads until EAGAIN */
	while (!o.replied) {
		struct pollfd p = { fd, POLLIN, 0 };

		r = poll(&p, 1, REPLY_TIMEOUT_MSEC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			r = r < 0 ? -errno : -ETIMEDOUT;
			goto fail;
		}
		r = fd_lines_read_some(sock, opening_line, &o, 64 * 1024);
		if (r < 0)
			goto fail;
		if (sock->ended && !o.replied) {
			r = -ECONNRESET;
			goto fail;
		}
	}
	return 0;
fail:
	fd_lines_close(sock);
	if (o.error < 0)
		return o.error;         /* said */
	if (r == -ENOMEM)
		log_oom();
	else
		log_error_errno(r, "cannot attach to devresd at %s", devresd_socket_name());
	return r;
}

int devresd_lines_drain(struct fd_lines *sock, source_line_fn fn, void *userdata)
{
	while (!sock->ended) {
		struct pollfd p = { sock->fd, POLLIN, 0 };
		int r = poll(&p, 1, DEVRESD_DRAIN_IDLE_MSEC);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		r = fd_lines_read(sock, fn, userdata);
		if (r < 0)
			return r;
	}
	return 0;
}
