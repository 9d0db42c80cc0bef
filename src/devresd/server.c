// SPDX-License-Identifier: GPL-2.0-or-later
/* devresd's socket, its clients and the protocol (server.h, devresd(8)). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <json-c/json.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "devresctl/output.h"
#include "peer.h"
#include "server.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/root.h"
#include "sources/sysfs.h"

/*
 * What one client may cost, so that none can stall collection or exhaust
 * the daemon (devresd(8), LIMITS):
 * - a request is a line of at most REQUEST_MAX bytes;
 * - per turn of the event loop a client gets one read of at most
 *   REQUEST_MAX bytes and at most REQUESTS_PER_TURN requests answered; the
 *   kernel sources get their turn between;
 * - the next request is read only when less than REPLY_LOW of replies is
 *   waiting: a client that asks without reading holds one reply at a time;
 * - pushed data (events, findings, lines) beyond --client-queue drops it.
 */
#define REQUEST_MAX (64 * 1024)
#define REQUESTS_PER_TURN 16
#define REPLY_LOW (64 * 1024)
#define ACCEPT_PER_TURN 64
#define CATCHUP_CHUNK (64 * 1024)
#define CATCHUP_LOW (256 * 1024)        /* refill the queue below this */

struct client {
	char tag;                       /* epoll data points here */
	int fd;
	struct peer peer;
	char *in;
	size_t in_len, in_off;
	char *out;
	size_t out_len, out_off, out_cap;
	bool events, findings, lines;
	bool follow;                    /* "lines": then live; else the end once caught up */
	bool catching_up;               /* "lines": still sending the journal */
	int cu_fd;
	uint64_t cu_gen;
	bool eof;                       /* it hung up: answer what it asked, then close */
	bool dead;
	bool dirty;                     /* pushed data not sent yet */
	bool pending;                   /* a request waits that can be answered now */
	uint32_t epoll_mask;
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
	uint64_t dropped;               /* too slow: the queue passed --client-queue */
	uint64_t bad_requests;          /* dropped for a request over REQUEST_MAX */
	uint64_t refused_busy;          /* out of file descriptors */
	int reserve_fd;                 /* given up to refuse a client at EMFILE */
	bool accept_paused;
	time_t busy_logged;
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
		log_info("client pid %d dropped: %s", (int)c->peer.cred.pid, why);
	c->dead = true;
}

static size_t client_queued(const struct client *c)
{
	return c->out_len - c->out_off;
}

static bool client_has_request(const struct client *c)
{
	return memchr(c->in + c->in_off, '\n', c->in_len - c->in_off) != NULL;
}

/* What the client waits for: input while its replies are sent, output while queued. */
static void client_update(struct server *s, struct client *c)
{
	struct epoll_event ev = { .data.ptr = &c->tag };

	if (c->dead)
		return;
	if (!c->eof && client_queued(c) < REPLY_LOW && c->in_len < REQUEST_MAX)
		ev.events |= EPOLLIN | EPOLLRDHUP;
	if (client_queued(c) || c->catching_up)
		ev.events |= EPOLLOUT;
	c->pending = client_queued(c) < REPLY_LOW && client_has_request(c);
	if (ev.events != c->epoll_mask && epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->epoll_mask = ev.events;
}

/* Queues @len bytes. Pushed data (not a reply) beyond the limit drops the client. */
static void client_queue(struct server *s, struct client *c, const char *data, size_t len, bool pushed)
{
	size_t pending = c->out_len - c->out_off;

	if (c->dead)
		return;
	if (pushed && pending + len > s->o.queue_max) {
		s->dropped++;
		log_warning("client pid %d dropped: too slow, more than %zu KiB queued (%" PRIu64 " dropped so far)",
			    (int)c->peer.cred.pid, s->o.queue_max >> 10, s->dropped);
		client_kill(s, c, NULL);
		return;
	}
	if (pushed)
		c->dirty = true;
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

/* A reply; without root or CAP_SYSLOG, with its kernel pointers hashed (peer.h). */
static void client_send_json(struct server *s, struct client *c, struct json_object *o, bool pushed)
{
	size_t len;
	const char *txt;

	if (!c->peer.privileged)
		redact_json(o);
	txt = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
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

/* The journal is sent: a "lines" client that does not follow is done, and
 * its connection ends once the queue is out (as if it had hung up). */
static void caught_up(struct client *c)
{
	c->catching_up = false;
	if (!c->follow)
		c->eof = true;
}

/* The next piece of the journal for a catching-up "lines" client. */
static void catch_up(struct server *s, struct client *c)
{
	char buf[CATCHUP_CHUNK];
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
			caught_up(c);
			break;
		}
		close(c->cu_fd);
		c->cu_gen++;
		c->cu_fd = journal_open_gen(s->j, c->cu_gen);
		if (c->cu_fd < 0) {
			static const char lost[] = "devresctl-lost: journal ? lines rotated away before they were sent\n";

			client_queue(s, c, lost, sizeof(lost) - 1, false);
			caught_up(c);
		}
	}
}

static void client_flush(struct server *s, struct client *c)
{
	c->dirty = false;
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
#ifdef HAVE_MALLOC_TRIM
	/* the tree was thousands of small objects: glibc keeps their pages in
	 * the heap once freed, and a daemon's resident memory would stay that
	 * of its largest snapshot (40 unread ones grew it by 2.5 MB) */
	malloc_trim(0);
#endif
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

static void start_lines(struct server *s, struct client *c, bool follow)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("lines"));
	json_object_object_add(o, "follow", json_object_new_boolean(follow));
	client_send_json(s, c, o, false);
	json_object_put(o);
	c->lines = true;
	c->follow = follow;
	/* the journal from where this daemon started, then live */
	for (c->cu_gen = s->start_gen; c->cu_gen <= s->j->generation; c->cu_gen++)
		if ((c->cu_fd = journal_open_gen(s->j, c->cu_gen)) >= 0)
			break;
	if (c->cu_fd < 0) {
		/* nothing journaled yet: live from now, or nothing to send */
		c->catching_up = true;
		caught_up(c);
		return;
	}
	if (c->cu_gen == s->start_gen)
		lseek(c->cu_fd, (off_t)s->start_off, SEEK_SET);
	c->catching_up = true;
}

static bool get_bool_or(struct json_object *req, const char *key, bool dflt)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v))
		return dflt;
	return json_object_get_boolean(v);
}

static bool get_bool(struct json_object *req, const char *key)
{
	return get_bool_or(req, key, false);
}

int server_parse_request(const char *line, size_t len, struct json_object **ret, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *req;
	size_t end;

	*ret = NULL;
	if (len > REQUEST_MAX) {
		snprintf(err, errlen, "request too long: more than 64 KiB without a newline");
		return -EMSGSIZE;
	}
	if (memchr(line, '\0', len)) {
		snprintf(err, errlen, "malformed request: expected one JSON object per line: a NUL byte");
		return -EINVAL;
	}
	tok = json_tokener_new();
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	req = json_tokener_parse_ex(tok, line, (int)len);
	if (!req || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(err, errlen, "malformed request: expected one JSON object per line: %s",
			 req ? "incomplete" : json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(req);
		json_tokener_free(tok);
		return -EINVAL;
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	while (end < len && (line[end] == ' ' || line[end] == '\t' || line[end] == '\r'))
		end++;
	if (end < len || !json_object_is_type(req, json_type_object)) {
		snprintf(err, errlen, "malformed request: expected one JSON object per line%s",
			 end < len ? ": bytes after the object" : "");
		json_object_put(req);
		return -EINVAL;
	}
	*ret = req;
	return 0;
}

static void handle_request(struct server *s, struct client *c, const char *line, size_t len)
{
	struct json_object *req, *cmdo, *namev;
	const char *cmd;
	char msg[200];

	if (server_parse_request(line, len, &req, msg, sizeof(msg)) < 0) {
		send_error(s, c, msg);
		return;
	}
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
		/* the raw kernel log, pointers and all: dmesg_restrict's rule */
		if (c->peer.privileged)
			start_lines(s, c, get_bool_or(req, "follow", true));
		else
			send_error(s, c, "permission denied: lines (the raw kernel log) needs root or CAP_SYSLOG");
	} else if (strcmp(cmd, "sysfs") == 0) {
		reply_sysfs(s, c);
	} else {
		snprintf(msg, sizeof(msg), "unknown command '%.40s': expected hello, snapshot, device, sysfs, subscribe or lines", cmd);
		send_error(s, c, msg);
	}
	json_object_put(req);
}

/* The complete requests in the input, within the turn's budget and while the
 * replies before them are under REPLY_LOW. */
static void client_requests(struct server *s, struct client *c, unsigned *budget)
{
	while (!c->dead && *budget && client_queued(c) < REPLY_LOW) {
		char *start = c->in + c->in_off, *nl = memchr(start, '\n', c->in_len - c->in_off);
		size_t len;

		if (!nl)
			break;
		len = (size_t)(nl - start);
		/* once it streams lines, the client has nothing more to ask */
		if (!c->lines && len) {
			handle_request(s, c, start, len);
			(*budget)--;
		}
		c->in_off += len + 1;
	}
	if (c->in_off == c->in_len)
		c->in_off = c->in_len = 0;
}

/* One turn of a client: bounded work (see REQUESTS_PER_TURN). */
static void client_turn(struct server *s, struct client *c, bool readable)
{
	unsigned budget = REQUESTS_PER_TURN;

	client_requests(s, c, &budget);
	if (readable && !c->dead && !c->eof && budget && client_queued(c) < REPLY_LOW) {
		ssize_t n;

		if (c->in_off) {
			memmove(c->in, c->in + c->in_off, c->in_len - c->in_off);
			c->in_len -= c->in_off;
			c->in_off = 0;
		}
		/* a full buffer has no room: recv() of 0 bytes would look like an end */
		n = c->in_len < REQUEST_MAX ? recv(c->fd, c->in + c->in_len, REQUEST_MAX - c->in_len, MSG_DONTWAIT) : -1;
		if (n < 0 && c->in_len == REQUEST_MAX)
			errno = EAGAIN;
		if (n == 0)
			c->eof = true;  /* maybe in the middle of a request: that one is dropped */
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			client_kill(s, c, NULL);
		else if (n > 0)
			c->in_len += (size_t)n;
		client_requests(s, c, &budget);
		if (!c->dead && c->in_len == REQUEST_MAX && !client_has_request(c)) {
			s->bad_requests++;
			send_error(s, c, "request too long: more than 64 KiB without a newline");
			client_flush(s, c);
			client_kill(s, c, "request too long");
		}
	}
	if (!c->dead)
		client_flush(s, c);
	if (!c->dead && c->eof && !client_has_request(c) && !client_queued(c) && !c->catching_up)
		client_kill(s, c, NULL);
	client_update(s, c);
}

/* ---- connections ---- */

/* Kernel pointers and logs are root's (CAP_SYSLOG): root, the daemon's own
 * user, and the processes that really hold the socket's group. */
static bool peer_allowed(const struct server *s, const struct peer *p)
{
	return p->cred.uid == 0 || p->cred.uid == geteuid() || p->in_group;
}

static void refuse(int fd, const char *msg)
{
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0;
	close(fd);
}

static void listen_pause(struct server *s, bool pause)
{
	struct epoll_event ev = { .events = pause ? 0 : EPOLLIN, .data.ptr = &s->tag };

	if (s->accept_paused != pause && epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->listen_fd, &ev) == 0)
		s->accept_paused = pause;
}

/*
 * Out of file descriptors: the connection waits in the backlog and the
 * listening socket stays readable, so the loop would spin. The reserve
 * descriptor is given up to accept it and say why it is refused; if even that
 * fails, accepting pauses until a client goes or the next second.
 */
static void accept_busy(struct server *s, int err)
{
	time_t now = time(NULL);
	int fd = -1;

	if (s->reserve_fd >= 0) {
		close(s->reserve_fd);
		s->reserve_fd = -1;
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			refuse(fd, "{\"type\":\"error\",\"error\":\"busy: devresd has no file descriptor left\"}\n");
		s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	s->refused_busy++;
	if (fd < 0)
		listen_pause(s, true);
	if (now != s->busy_logged) {
		s->busy_logged = now;
		log_warning("refusing clients: %s (%" PRIu64 " refused so far, %u served)", strerror(err),
			    s->refused_busy, s->nclients);
	}
}

static void accept_clients(struct server *s)
{
	for (unsigned i = 0; i < ACCEPT_PER_TURN; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
		struct client *c;
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				accept_busy(s, errno);
			return;
		}
		c = calloc(1, sizeof(*c));
		if (!c || !(c->in = malloc(REQUEST_MAX))) {
			free(c);
			refuse(fd, "{\"type\":\"error\",\"error\":\"busy: devresd is out of memory\"}\n");
			log_oom();
			return;
		}
		c->fd = fd;
		c->cu_fd = -1;
		if (peer_identify(fd, s->o.group, &c->peer) < 0 || !peer_allowed(s, &c->peer)) {
			refuse(fd, "{\"type\":\"error\",\"error\":\"permission denied: devresd serves root, "
				   "its own user and the processes that hold its socket's group\"}\n");
			log_info("refused a client: uid %u gid %u pid %d does not hold the socket's group",
				 (unsigned)c->peer.cred.uid, (unsigned)c->peer.cred.gid, (int)c->peer.cred.pid);
			free(c->in);
			free(c);
			continue;
		}
		ev.data.ptr = &c->tag;
		c->epoll_mask = ev.events;
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
	listen_pause(s, false);
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
	if (events & (EPOLLHUP | EPOLLERR))
		client_kill(s, c, NULL);        /* gone both ways: nothing to answer */
	else
		client_turn(s, c, events & (EPOLLIN | EPOLLRDHUP));
	reap(s);
}

bool server_pending(const struct server *s)
{
	for (const struct client *c = s->clients; c; c = c->next)
		if (c->pending && !c->dead)
			return true;
	return false;
}

void server_run_pending(struct server *s)
{
	for (struct client *c = s->clients; c; c = c->next)
		if (c->pending && !c->dead)
			client_turn(s, c, false);
	reap(s);
}

void server_flush(struct server *s)
{
	for (struct client *c = s->clients; c; c = c->next)
		if (c->dirty && !c->dead) {
			client_flush(s, c);
			client_update(s, c);
		}
	reap(s);
}

void server_tick(struct server *s)
{
	listen_pause(s, false);
}

/* ---- pushed data ---- */

static void push_all(struct server *s, struct json_object *o, bool events, bool findings)
{
	size_t len[2] = { 0, 0 };
	const char *txt[2] = { NULL, NULL };       /* as it is, and with its pointers hashed */
	struct json_object *red = NULL;

	for (struct client *c = s->clients; c; c = c->next) {
		unsigned k = !c->peer.privileged;

		if (c->dead || (events && !c->events) || (findings && !c->findings))
			continue;
		if (!txt[k]) {
			struct json_object *src = o;

			if (k) {
				if (json_object_deep_copy(o, &red, NULL) < 0)
					continue;
				redact_json(red);
				src = red;
			}
			txt[k] = json_object_to_json_string_length(src, JSON_C_TO_STRING_PLAIN |
									JSON_C_TO_STRING_NOSLASHESCAPE, &len[k]);
		}
		client_queue(s, c, txt[k], len[k], true);
		client_queue(s, c, "\n", 1, true);
	}
	json_object_put(red);
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
	for (struct client *c = s->clients; c; c = c->next) {
		if (c->dead || !c->lines || !c->follow || c->catching_up)
			continue;
		client_queue(s, c, line, len, true);
		client_queue(s, c, "\n", 1, true);
	}
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

void server_get_stats(const struct server *s, struct server_stats *ret)
{
	*ret = (struct server_stats){ s->nclients, s->dropped, s->bad_requests, s->refused_busy };
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
	if (bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s->listen_fd, SOMAXCONN) < 0 ||
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
	/* kept to refuse a client politely when the descriptors run out */
	s->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
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
	if (s->reserve_fd >= 0)
		close(s->reserve_fd);
	if (s->listen_fd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, s->listen_fd, NULL);
		close(s->listen_fd);
		unlink(s->path);
	}
	free(s);
}
