// SPDX-License-Identifier: GPL-2.0-or-later
/* devresd's socket, its clients and the protocol (server.h, devresd(8)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "devresctl/output.h"
#include "server.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/root.h"
#include "sources/sysfs.h"

#define REQUEST_MAX (64 * 1024)
#define CATCHUP_CHUNK (64 * 1024)
#define CATCHUP_LOW (256 * 1024)        /* refill the queue below this */

struct client {
	char tag;                       /* epoll data points here */
	int fd;
	struct ucred cred;
	char *in;
	size_t in_len;
	char *out;
	size_t out_len, out_off, out_cap;
	bool events, findings, lines;
	bool catching_up;               /* "lines": still sending the journal */
	int cu_fd;
	uint64_t cu_gen;
	bool dead;
	struct client *next;
};

struct server {
	char tag;
	int listen_fd, epfd;
	char path[4096];
	struct server_opts o;
	struct drc_ctx *ctx;
	struct journal *j;
	struct client *clients;
	unsigned nclients;
	uint64_t dropped;
	unsigned findings_sent;
	uint64_t start_gen, start_off;
	const char *sources;
	struct json_object *sysfs;      /* the last snapshot of sysfs */
	unsigned sysfs_resyncs;
};

/* ---- output ---- */

static void client_kill(struct server *s, struct client *c, const char *why)
{
	if (c->dead)
		return;
	if (why)
		log_info("client pid %d dropped: %s", (int)c->cred.pid, why);
	c->dead = true;
}

static int client_update_epoll(struct server *s, struct client *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = &c->tag };

	if (c->out_len > c->out_off || c->catching_up)
		ev.events |= EPOLLOUT;
	return epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0 ? -errno : 0;
}

/* Queues @len bytes. Pushed data (not a reply) beyond the limit drops the client. */
static void client_queue(struct server *s, struct client *c, const char *data, size_t len, bool pushed)
{
	size_t pending = c->out_len - c->out_off;

	if (c->dead)
		return;
	if (pushed && pending + len > s->o.queue_max) {
		s->dropped++;
		client_kill(s, c, "too slow: its queue is full");
		return;
	}
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len > c->out_cap) {
		size_t cap = MAX(c->out_cap * 2, c->out_len + len + 4096);
		char *p;

		if (c->out_off) {
			memmove(c->out, c->out + c->out_off, pending);
			c->out_len = pending;
			c->out_off = 0;
		}
		if (c->out_len + len > c->out_cap) {
			p = realloc(c->out, cap);
			if (!p) {
				client_kill(s, c, "out of memory");
				return;
			}
			c->out = p;
			c->out_cap = cap;
		}
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
}

static void client_send_json(struct server *s, struct client *c, struct json_object *o, bool pushed)
{
	size_t len;
	const char *txt = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
							    &len);

	client_queue(s, c, txt, len, pushed);
	client_queue(s, c, "\n", 1, pushed);
}

static void send_error(struct server *s, struct client *c, const char *msg)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("error"));
	json_object_object_add(o, "error", json_object_new_string(msg));
	client_send_json(s, c, o, false);
	json_object_put(o);
}

/* The next piece of the journal for a catching-up "lines" client. */
static void catch_up(struct server *s, struct client *c)
{
	char buf[CATCHUP_CHUNK], p[1200];
	ssize_t n;

	while (c->catching_up && !c->dead && c->out_len - c->out_off < CATCHUP_LOW) {
		n = read(c->cu_fd, buf, sizeof(buf));
		if (n > 0) {
			client_queue(s, c, buf, (size_t)n, false);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* the end of this file: the current one means caught up */
		if (c->cu_gen >= s->j->generation) {
			close(c->cu_fd);
			c->cu_fd = -1;
			c->catching_up = false;
			break;
		}
		close(c->cu_fd);
		c->cu_fd = -1;
		c->cu_gen++;
		while (c->cu_gen <= s->j->generation && journal_path(s->j, c->cu_gen, p, sizeof(p)) < 0)
			c->cu_gen++;
		c->cu_fd = c->cu_gen <= s->j->generation ? open(p, O_RDONLY | O_CLOEXEC) : -1;
		if (c->cu_fd < 0) {
			static const char lost[] = "devresctl-lost: journal ? lines rotated away before they were sent\n";

			client_queue(s, c, lost, sizeof(lost) - 1, false);
			c->catching_up = false;
		}
	}
}

static void client_flush(struct server *s, struct client *c)
{
	if (c->catching_up)
		catch_up(s, c);
	while (!c->dead && c->out_len > c->out_off) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				client_kill(s, c, errno == EPIPE || errno == ECONNRESET ? "closed" : strerror(errno));
			break;
		}
		c->out_off += (size_t)n;
		if (c->catching_up && c->out_len - c->out_off < CATCHUP_LOW)
			catch_up(s, c);
	}
	if (!c->dead)
		client_update_epoll(s, c);
}

/* ---- requests ---- */

static struct json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void reply_hello(struct server *s, struct client *c)
{
	struct json_object *o = json_object_new_object();
	struct drc_stats st;
	unsigned nb = drc_ctx_get_boot_count(s->ctx);

	drc_ctx_get_stats(s->ctx, &st);
	json_object_object_add(o, "type", json_object_new_string("hello"));
	json_object_object_add(o, "daemon", json_object_new_string(PACKAGE_NAME " " PACKAGE_VERSION));
	json_object_object_add(o, "protocol", json_object_new_int(DEVRESD_PROTOCOL));
	json_object_object_add(o, "sources", jstr(s->sources));
	json_object_object_add(o, "kernel", nb ? jstr(drc_ctx_get_boot_kernel(s->ctx, nb - 1)) : NULL);
	json_object_object_add(o, "lines", json_object_new_int64((int64_t)st.lines));
	json_object_object_add(o, "devres_events", json_object_new_int64((int64_t)st.devres_events));
	json_object_object_add(o, "findings", json_object_new_int((int)drc_ctx_get_finding_count(s->ctx)));
	client_send_json(s, c, o, false);
	json_object_put(o);
}

static void reply_snapshot(struct server *s, struct client *c)
{
	struct json_object *o = json_object_new_object(), *devs = json_object_new_array();
	struct json_object *fs = json_object_new_array(), *stats = json_object_new_object();
	struct drc_device_iter *it;
	struct drc_device *dev;
	struct drc_stats st;

	if (drc_device_iter_new(s->ctx, &it) == 0) {
		while (drc_device_iter_next(it, &dev) > 0)
			if (drc_device_count_events(dev))
				json_object_array_add(devs, report_device_json(s->ctx, dev, false));
		drc_device_iter_free(it);
	}
	for (unsigned i = 0; i < drc_ctx_get_finding_count(s->ctx); i++)
		json_object_array_add(fs, finding_json(drc_ctx_get_finding(s->ctx, i)));
	drc_ctx_get_stats(s->ctx, &st);
	json_object_object_add(stats, "lines", json_object_new_int64((int64_t)st.lines));
	json_object_object_add(stats, "devres_events", json_object_new_int64((int64_t)st.devres_events));
	json_object_object_add(stats, "undecoded", json_object_new_int64((int64_t)st.undecoded));
	json_object_object_add(stats, "uevents", json_object_new_int64((int64_t)st.uevents));
	json_object_object_add(stats, "lost_markers", json_object_new_int64((int64_t)st.lost_markers));
	json_object_object_add(o, "type", json_object_new_string("snapshot"));
	json_object_object_add(o, "devices", devs);
	json_object_object_add(o, "findings", fs);
	json_object_object_add(o, "stats", stats);
	client_send_json(s, c, o, false);
	json_object_put(o);
}

static void reply_device(struct server *s, struct client *c, const char *name)
{
	struct json_object *o;
	struct drc_device *dev = NULL;

	if (!name) {
		send_error(s, c, "device: expected a \"name\"");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("device"));
	if (drc_ctx_find_device(s->ctx, name, -1, &dev) > 0 && dev)
		json_object_object_add(o, "device", report_device_json(s->ctx, dev, false));
	{
		int err;

		json_object_object_add(o, "sysfs", refs_json(name, &err));
	}
	if (!dev && !json_object_object_get(o, "sysfs")) {
		char msg[300];

		json_object_put(o);
		snprintf(msg, sizeof(msg), "no device '%s' in the log or in sysfs", name);
		send_error(s, c, msg);
		return;
	}
	client_send_json(s, c, o, false);
	json_object_put(o);
}

static int snapshot_device(void *userdata, const struct sysfs_device *d)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "device", json_object_new_string(d->name));
	json_object_object_add(o, "subsystem", jstr(d->subsystem[0] ? d->subsystem : NULL));
	json_object_object_add(o, "driver", jstr(d->driver[0] ? d->driver : NULL));
	json_object_object_add(o, "module", jstr(d->module[0] ? d->module : NULL));
	json_object_object_add(o, "devpath", json_object_new_string(d->devpath));
	json_object_object_add(o, "devt", jstr(d->devt[0] ? d->devt : NULL));
	json_object_array_add(userdata, o);
	return 0;
}

void server_sysfs_snapshot(struct server *s, bool resync)
{
	struct json_object *arr = json_object_new_array();

	sysfs_for_each_device(snapshot_device, arr);
	json_object_put(s->sysfs);
	s->sysfs = arr;
	if (resync) {
		s->sysfs_resyncs++;
		log_info("udev events were dropped: sysfs read again (%zu devices)", json_object_array_length(arr));
	}
}

static void reply_sysfs(struct server *s, struct client *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("sysfs"));
	json_object_object_add(o, "resyncs", json_object_new_int((int)s->sysfs_resyncs));
	json_object_object_add(o, "devices", s->sysfs ? json_object_get(s->sysfs) : json_object_new_array());
	client_send_json(s, c, o, false);
	json_object_put(o);
}

static void start_lines(struct server *s, struct client *c)
{
	struct json_object *o = json_object_new_object();
	char p[1200];

	json_object_object_add(o, "type", json_object_new_string("lines"));
	client_send_json(s, c, o, false);
	json_object_put(o);
	c->lines = true;
	/* the journal from where this daemon started, then live */
	c->cu_gen = s->start_gen;
	while (c->cu_gen <= s->j->generation && journal_path(s->j, c->cu_gen, p, sizeof(p)) < 0)
		c->cu_gen++;
	c->cu_fd = c->cu_gen <= s->j->generation ? open(p, O_RDONLY | O_CLOEXEC) : -1;
	if (c->cu_fd < 0)
		return;         /* nothing journaled yet: live from now */
	if (c->cu_gen == s->start_gen)
		lseek(c->cu_fd, (off_t)s->start_off, SEEK_SET);
	c->catching_up = true;
}

static bool get_bool(struct json_object *req, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(req, key, &v) && json_object_get_boolean(v);
}

static void handle_request(struct server *s, struct client *c, const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *req, *cmdo, *namev;
	const char *cmd;
	char msg[200];

	req = tok ? json_tokener_parse_ex(tok, line, (int)len) : NULL;
	if (!req || json_tokener_get_error(tok) != json_tokener_success || !json_object_is_type(req, json_type_object)) {
		snprintf(msg, sizeof(msg), "malformed request: expected one JSON object per line%s%s",
			 tok ? ": " : "", tok ? json_tokener_error_desc(json_tokener_get_error(tok)) : "");
		send_error(s, c, msg);
		json_object_put(req);
		json_tokener_free(tok);
		return;
	}
	json_tokener_free(tok);
	cmd = json_object_object_get_ex(req, "cmd", &cmdo) ? json_object_get_string(cmdo) : NULL;
	if (!cmd) {
		send_error(s, c, "malformed request: expected a \"cmd\"");
	} else if (strcmp(cmd, "hello") == 0) {
		reply_hello(s, c);
	} else if (strcmp(cmd, "snapshot") == 0) {
		reply_snapshot(s, c);
	} else if (strcmp(cmd, "device") == 0) {
		reply_device(s, c, json_object_object_get_ex(req, "name", &namev) ? json_object_get_string(namev) : NULL);
	} else if (strcmp(cmd, "subscribe") == 0) {
		struct json_object *o = json_object_new_object();

		c->events = get_bool(req, "events");
		c->findings = get_bool(req, "findings");
		json_object_object_add(o, "type", json_object_new_string("subscribed"));
		json_object_object_add(o, "events", json_object_new_boolean(c->events));
		json_object_object_add(o, "findings", json_object_new_boolean(c->findings));
		client_send_json(s, c, o, false);
		json_object_put(o);
	} else if (strcmp(cmd, "lines") == 0) {
		start_lines(s, c);
	} else if (strcmp(cmd, "sysfs") == 0) {
		reply_sysfs(s, c);
	} else {
		snprintf(msg, sizeof(msg), "unknown command '%.40s': expected hello, snapshot, device, sysfs, subscribe or lines", cmd);
		send_error(s, c, msg);
	}
	json_object_put(req);
}

static void client_read(struct server *s, struct client *c)
{
	for (;;) {
		char *nl;
		ssize_t n;

		if (c->in_len == REQUEST_MAX) {
			send_error(s, c, "request too long");
			client_flush(s, c);
			client_kill(s, c, "request too long");
			return;
		}
		n = recv(c->fd, c->in + c->in_len, REQUEST_MAX - c->in_len, MSG_DONTWAIT);
		if (n == 0) {
			client_kill(s, c, NULL);        /* gone, maybe in the middle of a request */
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				client_kill(s, c, NULL);
			return;
		}
		c->in_len += (size_t)n;
		while (!c->dead && (nl = memchr(c->in, '\n', c->in_len))) {
			size_t len = (size_t)(nl - c->in);

			/* once it streams lines, the client has nothing more to ask */
			if (!c->lines && len)
				handle_request(s, c, c->in, len);
			memmove(c->in, nl + 1, c->in_len - len - 1);
			c->in_len -= len + 1;
		}
	}
}

/* ---- connections ---- */

static bool in_group(uid_t uid, gid_t gid)
{
	struct passwd *pw = getpwuid(uid);
	gid_t groups[256];
	int n = 256;

	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Kernel pointers and logs are root's (CAP_SYSLOG): root, the daemon's own
 * user, and the socket's group only. */
static bool peer_allowed(const struct server *s, const struct ucred *cr)
{
	if (cr->uid == 0 || cr->uid == geteuid())
		return true;
	return s->o.group != (gid_t)-1 && (cr->gid == s->o.group || in_group(cr->uid, s->o.group));
}

static void accept_clients(struct server *s)
{
	for (;;) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
		socklen_t len = sizeof(struct ucred);
		struct client *c;
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (!c || !(c->in = malloc(REQUEST_MAX))) {
			if (c)
				free(c);
			close(fd);
			log_oom();
			return;
		}
		c->fd = fd;
		c->cu_fd = -1;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0 || !peer_allowed(s, &c->cred)) {
			static const char denied[] = "{\"type\":\"error\",\"error\":\"permission denied: devresd serves root, "
						     "its own user and its socket's group\"}\n";

			if (send(fd, denied, sizeof(denied) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				(void)0;
			log_info("refused a client: uid %u is not allowed", (unsigned)c->cred.uid);
			close(fd);
			free(c->in);
			free(c);
			continue;
		}
		ev.data.ptr = &c->tag;
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c->in);
			free(c);
			continue;
		}
		c->next = s->clients;
		s->clients = c;
		s->nclients++;
	}
}

static void client_free(struct server *s, struct client *c)
{
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	if (c->cu_fd >= 0)
		close(c->cu_fd);
	free(c->in);
	free(c->out);
	free(c);
	s->nclients--;
}

static void reap(struct server *s)
{
	for (struct client **pc = &s->clients; *pc;) {
		struct client *c = *pc;

		if (c->dead) {
			*pc = c->next;
			client_free(s, c);
		} else {
			pc = &c->next;
		}
	}
}

bool server_owns(const struct server *s, void *tag)
{
	if (tag == &s->tag)
		return true;
	for (const struct client *c = s->clients; c; c = c->next)
		if (tag == &c->tag)
			return true;
	return false;
}

void server_handle(struct server *s, void *tag, uint32_t events)
{
	struct client *c;

	if (tag == &s->tag) {
		accept_clients(s);
		return;
	}
	c = container_of((char *)tag, struct client, tag);
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		client_read(s, c);
	if (!c->dead)
		client_flush(s, c);
	reap(s);
}

/* ---- pushed data ---- */

static void push_all(struct server *s, struct json_object *o, bool events, bool findings)
{
	size_t len;
	const char *txt = NULL;

	for (struct client *c = s->clients; c; c = c->next) {
		if (c->dead || (events && !c->events) || (findings && !c->findings))
			continue;
		if (!txt)
			txt = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
								&len);
		client_queue(s, c, txt, len, true);
		client_queue(s, c, "\n", 1, true);
		client_flush(s, c);
	}
	reap(s);
}

/* Events are turned into JSON only when somebody subscribed to them. */
static bool events_wanted(const struct server *s)
{
	for (const struct client *c = s->clients; c; c = c->next)
		if (c->events && !c->dead)
			return true;
	return false;
}

static void on_event(void *userdata, const struct drc_event *ev)
{
	struct server *s = userdata;
	struct json_object *o;

	if (!events_wanted(s))
		return;
	o = event_json(ev);
	push_all(s, o, true, false);
	json_object_put(o);
}

static void on_uevent(void *userdata, const struct drc_uevent *ev)
{
	struct server *s = userdata;
	struct json_object *o;

	if (!events_wanted(s) || ev->from_udev)
		return;
	o = uevent_json(ev);
	push_all(s, o, true, false);
	json_object_put(o);
}

void server_broadcast_findings(struct server *s)
{
	unsigned n = drc_ctx_get_finding_count(s->ctx);

	for (; s->findings_sent < n; s->findings_sent++) {
		struct json_object *o = finding_json(drc_ctx_get_finding(s->ctx, s->findings_sent));

		json_object_object_add(o, "type", json_object_new_string("finding"));
		push_all(s, o, false, true);
		json_object_put(o);
	}
}

void server_broadcast_line(struct server *s, const char *line, size_t len)
{
	bool any = false;

	for (struct client *c = s->clients; c; c = c->next) {
		if (c->dead || !c->lines || c->catching_up)
			continue;
		client_queue(s, c, line, len, true);
		client_queue(s, c, "\n", 1, true);
		client_flush(s, c);
		any = true;
	}
	if (any)
		reap(s);
}

void server_set_sources(struct server *s, const char *sources)
{
	s->sources = sources;
}

void server_set_journal_start(struct server *s, uint64_t generation, uint64_t offset)
{
	s->start_gen = generation;
	s->start_off = offset;
}

unsigned server_client_count(const struct server *s)
{
	return s->nclients;
}

uint64_t server_dropped_count(const struct server *s)
{
	return s->dropped;
}

/* ---- setup ---- */

int server_new(const struct server_opts *o, int epfd, struct drc_ctx *ctx, struct journal *j, struct server **ret)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	char dir[4096], *slash;
	int r;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->epfd = epfd;
	s->ctx = ctx;
	s->j = j;
	s->listen_fd = -1;
	r = root_path(s->path, sizeof(s->path), o->socket_path);
	if (r < 0 || strlen(s->path) >= sizeof(sa.sun_path)) {
		free(s);
		return -ENAMETOOLONG;
	}
	snprintf(dir, sizeof(dir), "%s", s->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			free(s);
			return r;
		}
	}
	/* a socket left by a daemon that died; a live one answers connect() */
	r = root_connect(o->socket_path);
	if (r >= 0) {
		close(r);
		free(s);
		return -EADDRINUSE;
	}
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0) {
		r = -errno;
		free(s);
		return r;
	}
	unlink(s->path);
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s->listen_fd, 16) < 0 ||
	    chmod(s->path, 0660) < 0 || (o->group != (gid_t)-1 && chown(s->path, (uid_t)-1, o->group) < 0)) {
		r = -errno;
		close(s->listen_fd);
		free(s);
		return r;
	}
	ev.data.ptr = &s->tag;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, s->listen_fd, &ev) < 0) {
		r = -errno;
		close(s->listen_fd);
		unlink(s->path);
		free(s);
		return r;
	}
	drc_ctx_set_event_fn(ctx, on_event, s);
	drc_ctx_set_uevent_fn(ctx, on_uevent, s);
	*ret = s;
	return 0;
}

void server_free(struct server *s)
{
	if (!s)
		return;
	while (s->clients) {
		struct client *c = s->clients;

		s->clients = c->next;
		client_free(s, c);
	}
	drc_ctx_set_event_fn(s->ctx, NULL, NULL);
	drc_ctx_set_uevent_fn(s->ctx, NULL, NULL);
	json_object_put(s->sysfs);
	if (s->listen_fd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->listen_fd, NULL);
		close(s->listen_fd);
		unlink(s->path);
	}
	free(s);
}
