// SPDX-License-Identifier: GPL-2.0-or-later
/* The live sources in one epoll set, delivered as capture lines (live.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <unistd.h>

#include "kernel.h"
#include "libdevres/libdevres.h"
#include "shared/clock.h"
#include "live.h"
#include "shared/root.h"
#include "shared/strbuf.h"
#include "source-fd.h"
#include "source-udev.h"
#include "sysfs.h"
#include "trace-raw.h"
#include "uevent-order.h"

enum { SRC_KMSG = 1, SRC_TRACE, SRC_UDEV };

struct live {
	int epfd;
	live_line_fn fn;
	void *userdata;
	struct fd_lines kmsg, trace;
	struct trace_raw *raw;          /* the trace's binary records, instead of its text */
	bool raw_polled;
	bool made_instance;             /* the trace instance is this run's: removed at the end */
	int instance_lock;              /* flock()ed instance directory: no other run reads it */
	bool trace_mono;                /* its clock is "mono": other lines wait among its records */
	uint64_t block_ns;              /* the time of the record or event being written */
	bool in_udev_block;             /* between a udev event's first line and its blank one */
	struct source_udev *udev;
	struct uevent_order *order;     /* kmsg and uevents without the trace's clock: uevent-order.h */
	bool refs_on_unbind;
	bool udev_rules;                /* udevd's events: their numbers are udevd's */
	uint64_t refs_read_ms;          /* when the references were last read at an unbind */
	bool draining;                  /* live_drain(): no references read any more */
	/* /dev/kmsg sequence numbers, for what an overrun lost */
	struct kmsg_tracker kmsg_t;
	char describe[128];
	uint64_t last_line_ms;          /* when the last kernel line came, 0 when quiet was marked */
	uint64_t clock_ns;              /* CLOCK_MONOTONIC as read last (live_clock()) */
	unsigned clock_uses;            /* times it was given out since */
	uint64_t trace_polled_ms;       /* when the trace was last read */
	struct live_stats st;
	struct strbuf modules;          /* " name name": loaded, kallsyms not written yet */
	struct strbuf written;          /* " name name ": written, not removed since */
	int error;
};

/*
 * The time lines are received at, read from the clock once every
 * LIVE_CLOCK_USES lines: clock_gettime() is a system call on some machines
 * (User-Mode Linux has no vDSO: 100 us each, more than all else a line
 * costs). A line is then stamped at most that many lines early, well
 * inside the TRACE_RAW_SETTLE_MS the records wait for it.
 */
#define LIVE_CLOCK_USES 32

static uint64_t live_clock(struct live *l)
{
	if (!l->clock_ns || ++l->clock_uses >= LIVE_CLOCK_USES) {
		l->clock_ns = now_usec() * 1000;
		l->clock_uses = 0;
	}
	return l->clock_ns;
}

static int emit_now(struct live *l, const char *line, size_t len)
{
	l->st.lines++;
	l->last_line_ms = live_clock(l) / 1000000;
	return l->fn(l->userdata, line, len);
}

static int order_out(void *userdata, const char *line, size_t len)
{
	return emit_now(userdata, line, len);
}

/*
 * A line of kmsg or udev (or one about them). With the trace's binary
 * records on the monotonic clock, it waits among them and goes out in time
 * order: the trace is read in bursts, and a burst read after an unbind
 * uevent arrived would otherwise put the rebind's ADDs before it.
 */
static int emit(struct live *l, const char *line, size_t len)
{
	if (l->raw && l->trace_mono) {
		/* a kmsg record's dictionary and a udev event's properties, up to
		 * its blank line, share its time: nothing may come between them */
		bool header = source_udev_is_header(line, len);
		bool continues = !header && ((len && line[0] == ' ') || l->in_udev_block);

		if (!continues || !l->block_ns)
			l->block_ns = live_clock(l);
		if (header)
			l->in_udev_block = true;
		else if (len == 0)
			l->in_udev_block = false;
		return trace_raw_hold_line(l->raw, l->block_ns, line, len);
	}
	if (l->order)
		return uevent_order_other(l->order, line, len, live_clock(l) / 1000000);
	return emit_now(l, line, len);
}

/* A line of /dev/kmsg, or one about what was read of it. */
static int emit_kmsg(struct live *l, const char *line, size_t len)
{
	if (l->order)
		return uevent_order_kmsg(l->order, line, len);
	return emit(l, line, len);
}

static int emitf(struct live *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int emitf(struct live *l, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EIO;
	return emit(l, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* "prio,seq,..." of a kmsg record: the sequence number, or -1 for a
 * dictionary line or anything else */
static int64_t kmsg_seq(const char *line, size_t len)
{
	size_t i = 0;
	uint64_t seq = 0;

	while (i < len && line[i] >= '0' && line[i] <= '9')
		i++;
	if (!i || i >= len || line[i] != ',')
		return -1;
	if (++i >= len || line[i] < '0' || line[i] > '9')
		return -1;
	while (i < len && line[i] >= '0' && line[i] <= '9')
		seq = seq * 10 + (uint64_t)(line[i++] - '0');
	return i < len && line[i] == ',' ? (int64_t)seq : -1;
}

int kmsg_track(struct kmsg_tracker *t, const char *line, size_t len, uint64_t *lost)
{
	int64_t seq = kmsg_seq(line, len);
	int r = 0;

	if (seq < 0)
		return 0;       /* a dictionary line: it belongs to the record before */
	if (t->overrun) {
		if (t->seen && (uint64_t)seq > t->seq + 1) {
			*lost = (uint64_t)seq - t->seq - 1;
			r = 1;
		} else {
			r = 2;  /* lost, but how many is unknown */
		}
		t->overrun = false;
	}
	t->seq = (uint64_t)seq;
	t->seen = true;
	return r;
}

static int kmsg_line(void *userdata, const char *line, size_t len, bool cut)
{
	struct live *l = userdata;
	uint64_t lost = 0;
	int r = cut ? 0 : kmsg_track(&l->kmsg_t, line, len, &lost);

	if (r == 1) {
		char msg[128];
		int n;

		l->st.kmsg_lost += lost;
		n = snprintf(msg, sizeof(msg), "devresctl-lost: kmsg %" PRIu64 " records overwritten before they were read",
			     lost);
		r = emit_kmsg(l, msg, (size_t)n);
	} else if (r == 2) {
		static const char msg[] = "devresctl-lost: kmsg ? records overwritten before they were read";

		l->st.kmsg_lost_unknown++;
		r = emit_kmsg(l, msg, sizeof(msg) - 1);
	}
	if (r < 0)
		return r;
	return emit_kmsg(l, line, len);
}

static int trace_line(void *userdata, const char *line, size_t len, bool cut)
{
	(void)cut;
	return emit_now(userdata, line, len);
}

static int raw_line(void *userdata, const char *line, size_t len)
{
	return emit_now(userdata, line, len);
}

static int refs_line(void *userdata, const char *line)
{
	return emit(userdata, line, strlen(line));
}

/* " a b c": whether @w is one of the words */
static bool word_in(const struct strbuf *sb, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = sb->len ? strstr(sb->buf, w) : NULL; p; p = strstr(p + 1, w))
		if (p > sb->buf && p[-1] == ' ' && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void word_remove(struct strbuf *sb, const char *w)
{
	size_t n = strlen(w);

	for (char *p = sb->len ? strstr(sb->buf, w) : NULL; p; p = strstr(p + 1, w))
		if (p > sb->buf && p[-1] == ' ' && (p[n] == ' ' || p[n] == '\0')) {
			/* the word and the space before it */
			memmove(p - 1, p + n, strlen(p + n) + 1);
			sb->len -= n + 1;
			return;
		}
}

static void udev_event(void *userdata, const char *action, const char *subsystem, const char *device,
		       const char *devpath)
{
	struct live *l = userdata;
	char sys[1100];
	unsigned denied = 0;
	int n;

	/* its functions are in kallsyms now; written after this batch of events,
	 * once per load however many add events (kernel's, udev's) come */
	if (device && strcmp(subsystem, "module") == 0 && strlen(device) < 128) {
		if (strcmp(action, "remove") == 0) {
			word_remove(&l->written, device);
			word_remove(&l->modules, device);       /* gone from kallsyms already */
		}
		else if (strcmp(action, "add") == 0 && !word_in(&l->written, device) && !word_in(&l->modules, device) &&
			 (strbuf_appends(&l->modules, " ") < 0 || strbuf_appends(&l->modules, device) < 0))
			l->error = -ENOMEM;
	}
	if (!l->refs_on_unbind || !device || strcmp(action, "unbind") != 0)
		return;
	/*
	 * Reading them walks every process's open files (/proc/PID/fd): a few
	 * milliseconds, 20 ms and more on User-Mode Linux, where a bind/unbind
	 * soak of 2,000 cycles then left half its uevents unread at the end.
	 * At most one walk per LIVE_REFS_MIN_MS: the unbinds between are
	 * counted, and said at the end.
	 */
	if (l->draining || (l->refs_read_ms && now_msec() < l->refs_read_ms + LIVE_REFS_MIN_MS)) {
		l->st.refs_skipped++;
		return;
	}
	l->refs_read_ms = now_msec();
	/* after the unbind released everything: who still has its nodes open */
	snprintf(sys, sizeof(sys), "/sys%s", devpath);
	n = sysfs_device_ref_lines(sys, device, refs_line, l, &denied);
	if (n > 0)
		l->st.refs += (unsigned)n;
}

static int add_fd(struct live *l, int fd, int tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)tag };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* Polled when the file can be; a plain file on disk (tests) cannot, and is
 * read whole instead. */
static int add_lines(struct live *l, struct fd_lines *f, int tag)
{
	int r = add_fd(l, f->fd, tag);

	if (r == -EPERM)
		return 0;
	f->polled = r == 0;
	return r;
}

static void append(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? "; " : "", s);
}

static void describe_add(struct live *l, const char *what)
{
	size_t n = strlen(l->describe);

	snprintf(l->describe + n, sizeof(l->describe) - n, "%s%s", n ? ", " : "", what);
}

/* The binary records, unless DEVRESCTL_TRACE=text or they cannot be read. */
static int open_raw(struct live *l, bool since_boot, char *why, size_t whylen)
{
	char tracefs[512], instance[512], clock[600], buf[256];
	const char *mode = getenv("DEVRESCTL_TRACE");
	int r;

	if (mode && strcmp(mode, "text") == 0)
		return -EOPNOTSUPP;
	if ((r = kernel_trace_path(tracefs, sizeof(tracefs), "")) < 0 ||
	    (r = kernel_trace_instance_path(instance, sizeof(instance), NULL)) < 0)
		return r;
	if (!root_exists(instance))
		return -ENOENT;
	r = trace_raw_open(tracefs, instance, &l->raw);
	if (r < 0) {
		if (r != -EOPNOTSUPP) {
			char msg[200];

			snprintf(msg, sizeof(msg), "trace instance '%s': binary records: %s (reading its text)",
				 kernel_trace_instance(), strerror(-r));
			append(why, whylen, msg);
		}
		return r;
	}
	l->raw_polled = true;
	for (unsigned i = 0; i < trace_raw_ncpus(l->raw); i++) {
		r = add_fd(l, trace_raw_cpu_fd(l->raw, i), SRC_TRACE);
		if (r == -EPERM)
			l->raw_polled = false;  /* plain files (tests): read at every dispatch */
		else if (r < 0)
			return r;
	}
	/* the clock udev's and our own time stamps use; setting it empties the
	 * buffer, which starting from now does anyway */
	snprintf(clock, sizeof(clock), "%s/trace_clock", instance);
	if (l->raw_polled && !since_boot && root_read_line(clock, buf, sizeof(buf)) > 0 && !strstr(buf, "[mono]"))
		root_write(clock, "mono");
	l->trace_mono = root_read_line(clock, buf, sizeof(buf)) > 0 && strstr(buf, "[mono]");
	trace_raw_set_mono(l->raw, l->trace_mono);
	/* like /dev/kmsg: from now on, unless asked for what the buffer kept */
	if (l->raw_polled && !since_boot)
		trace_raw_skip(l->raw);
	return 0;
}

static int udev_line(void *userdata, const char *line, size_t len, bool cut)
{
	(void)cut;
	return emit(userdata, line, len);
}

/* Holds the instance directory for this run; -EWOULDBLOCK when another run does. */
static int lock_instance(struct live *l)
{
	char inst[512], full[4096];
	int fd;

	if (kernel_trace_instance_path(inst, sizeof(inst), NULL) < 0 || root_path(full, sizeof(full), inst) < 0)
		return -ENOENT;
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;

		close(fd);
		return r;
	}
	l->instance_lock = fd;
	return 0;
}

/* Private instances ("devresctl-PID") whose run died without removing them. */
static void remove_stale_instances(void)
{
	char dir[512], full[4096], name[300];
	struct dirent *e;
	DIR *d;

	if (kernel_trace_path(dir, sizeof(dir), "/instances") < 0 || root_path(full, sizeof(full), dir) < 0 ||
	    !(d = opendir(full)))
		return;
	while ((e = readdir(d))) {
		int pid;
		char tail;

		if (sscanf(e->d_name, TRACE_INSTANCE "-%d%c", &pid, &tail) != 1 || pid <= 0 ||
		    kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(name, sizeof(name), "%s", e->d_name);
		kernel_trace_instance_use(name);
		kernel_trace_instance_disable();
	}
	closedir(d);
	kernel_trace_instance_use(NULL);
}

/*
 * The instance this run reads. Reads of trace_pipe and trace_pipe_raw
 * consume the events: two runs on one instance would each get part of
 * them (a record beside a devresd, a cycle beside a watch). So each run
 * holds its instance with flock(): TRACE_INSTANCE when no other run holds
 * it (kept across runs by devresctl enable --trace, or made for this run
 * when there is none), else one of its own, "devresctl-PID", made for the
 * run and gone at its end. Only our instances' settings change, never the
 * global buffer's.
 */
static void choose_instance_locked(struct live *l);

static void choose_instance(struct live *l)
{
	char dir[512], full[4096];
	int fd = -1;

	/* runs started together choose one after the other: who made the
	 * instance, and so removes it, is then known */
	if (kernel_trace_path(dir, sizeof(dir), "/instances") == 0 && root_path(full, sizeof(full), dir) == 0 &&
	    (fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		flock(fd, LOCK_EX);
	choose_instance_locked(l);
	if (fd >= 0)
		close(fd);
}

static void choose_instance_locked(struct live *l)
{
	char inst[512], event[512], name[64];

	kernel_trace_instance_use(NULL);
	if (kernel_trace_instance_path(inst, sizeof(inst), NULL) < 0 ||
	    kernel_trace_path(event, sizeof(event), "/events/dev/devres_log") < 0 || !root_exists(event))
		return;
	if (!root_exists(inst)) {
		if (kernel_trace_instance_enable() == 0)
			l->made_instance = true;
		else
			kernel_trace_instance_disable();    /* what a failed attempt left */
	}
	if (!root_exists(inst) || lock_instance(l) != -EWOULDBLOCK)
		return;         /* ours (or none to be had: the trace source says why) */
	/* another run holds it (and removes it if it made it): one of our own */
	remove_stale_instances();
	snprintf(name, sizeof(name), TRACE_INSTANCE "-%d", (int)getpid());
	kernel_trace_instance_use(name);
	if (kernel_trace_instance_enable() == 0 && lock_instance(l) == 0) {
		l->made_instance = true;
		return;
	}
	kernel_trace_instance_disable();
	kernel_trace_instance_use(NULL);        /* could not: share the busy one */
}

int live_parse_uevents(const char *s, struct live_opts *o)
{
	if (strcmp(s, "kernel") == 0)
		o->udev_rules = false;
	else if (strcmp(s, "udev") == 0)
		o->udev_rules = true;
	else
		return -EINVAL;
	return 0;
}

int live_open(const struct live_opts *o, live_line_fn fn, void *userdata, struct live **ret, char *why,
	      size_t whylen)
{
	struct live *l = calloc(1, sizeof(*l));
	char path[512] = "", msg[600];
	int r, nsrc = 0;

	if (!l)
		return -ENOMEM;
	why[0] = '\0';
	l->fn = fn;
	l->userdata = userdata;
	l->refs_on_unbind = o->refs_on_unbind;
	l->udev_rules = o->udev_rules;
	l->kmsg.fd = l->trace.fd = l->instance_lock = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return -errno;
	}
	if (o->version_line) {
		char v[1024];

		if (root_read_line("/proc/version", v, sizeof(v)) > 0 && (r = emitf(l, "%s", v)) < 0)
			goto fail;
	}
	if (o->kmsg) {
		r = fd_lines_open(&l->kmsg, "/dev/kmsg");
		if (r < 0) {
			snprintf(msg, sizeof(msg), "/dev/kmsg: %s%s", strerror(-r),
				 r == -EACCES || r == -EPERM ? " (reading it needs CAP_SYSLOG)" : "");
			append(why, whylen, msg);
		} else {
			if (!o->since_boot && l->kmsg.chardev)
				lseek(l->kmsg.fd, 0, SEEK_END);   /* from now on */
			if ((r = add_lines(l, &l->kmsg, SRC_KMSG)) < 0)
				goto fail;
			describe_add(l, "kmsg");
			nsrc++;
		}
	}
	if (o->trace)
		choose_instance(l);
	if (o->trace && (r = open_raw(l, o->since_boot, why, whylen)) == 0) {
		if (kernel_trace_instance_wake_early() < 0)
			append(why, whylen, "trace instance: buffer_percent is not 0 and cannot be set: events arrive late");
		/* its text tells the records' strings by their nodes */
		if (kernel_trace_instance_raw_pointers() < 0)
			append(why, whylen, "trace instance: hash-ptr cannot be turned off: ops are read from the records alone");
		describe_add(l, "trace");
		nsrc++;
	} else if (o->trace) {
		trace_raw_free(l->raw);
		l->raw = NULL;
		r = kernel_trace_instance_path(path, sizeof(path), "trace_pipe");
		if (r == 0)
			r = fd_lines_open(&l->trace, path);
		else if (r == -EACCES)
			append(why, whylen, "tracefs is not readable (it needs root)");
		else
			append(why, whylen, "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
		/* an instance made by an older version, or by hand: poll() must wake on each event */
		if (r == 0 && kernel_trace_instance_wake_early() < 0)
			append(why, whylen, "trace instance: buffer_percent is not 0 and cannot be set: events arrive late");
		if (r == 0 && kernel_trace_instance_raw_pointers() < 0)
			append(why, whylen, "trace instance: hash-ptr cannot be turned off: node ids are hashes");
		if (r < 0) {
			snprintf(msg, sizeof(msg), "trace instance '%s': %s (devresctl enable --trace creates it)",
				 kernel_trace_instance(), strerror(-r));
			if (path[0])
				append(why, whylen, msg);
		} else {
			if ((r = add_lines(l, &l->trace, SRC_TRACE)) < 0)
				goto fail;
			/* from now on, as the binary records and /dev/kmsg */
			if (l->trace.polled && !o->since_boot) {
				char sink[16384];

				while (read(l->trace.fd, sink, sizeof(sink)) > 0)
					;
			}
			describe_add(l, "trace");
			nsrc++;
		}
	}
	/* on a fake root, the netlink socket would bring the real system's events;
	 * umockdev (UMOCKDEV_DIR) redirects libudev to its test bed */
	if (o->udev && (root_is_real() || getenv("UMOCKDEV_DIR"))) {
		r = source_udev_open(o->udev_rules, &l->udev);
		if (r < 0) {
			snprintf(msg, sizeof(msg), "udev monitor: %s", strerror(-r));
			append(why, whylen, msg);
		} else {
			if ((r = add_fd(l, source_udev_fd(l->udev), SRC_UDEV)) < 0)
				goto fail;
			describe_add(l, o->udev_rules ? "udev" : "uevents");
			nsrc++;
		}
	}
	if (!nsrc) {
		r = -ENODEV;
		goto fail;
	}
	/* uevents against kmsg records, where the trace's clock does not order them */
	if (l->udev && l->kmsg.fd >= 0 && !(l->raw && l->trace_mono) &&
	    (r = uevent_order_new(order_out, l, &l->order)) < 0)
		goto fail;
	/* which witnesses of the devres operations this recording holds */
	if ((l->kmsg.fd >= 0 || l->raw || l->trace.fd >= 0) &&
	    (r = emitf(l, "%s%s%s%s", DRC_WITNESSES_LINE, l->kmsg.fd >= 0 ? "kmsg" : "",
		       l->kmsg.fd >= 0 && (l->raw || l->trace.fd >= 0) ? " " : "",
		       l->raw || l->trace.fd >= 0 ? "trace" : "")) < 0)
		goto fail;
	*ret = l;
	return 0;
fail:
	live_free(l);
	return r;
}

void live_free(struct live *l)
{
	if (!l)
		return;
	if (l->epfd >= 0)
		close(l->epfd);
	fd_lines_close(&l->kmsg);
	fd_lines_close(&l->trace);
	trace_raw_free(l->raw);
	/* its files closed first: an instance in use cannot be removed */
	if (l->made_instance)
		kernel_trace_instance_disable();
	if (l->instance_lock >= 0)
		close(l->instance_lock);
	kernel_trace_instance_use(NULL);
	source_udev_close(l->udev);
	uevent_order_free(l->order);
	strbuf_done(&l->modules);
	strbuf_done(&l->written);
	free(l);
}

int live_fd(const struct live *l)
{
	return l->epfd;
}

/*
 * At most this much of one source per dispatch: under a flood (a bind/unbind
 * soak logs faster than one reader takes a record per read()) the loop must
 * still get back to the other sources, the writer and the caller's signals.
 * What is left stays readable for the next dispatch.
 */
#define LIVE_READ_MAX (256 * 1024)

/*
 * One dispatch's read of the kernel log. *more: it stopped with records
 * still waiting (its budget spent, or overrun after overrun under a flood),
 * not at the log's end.
 */
static int read_kmsg_some(struct live *l, bool *more)
{
	/* one budget for the call, however many overruns: under a flood EPIPE
	 * comes back every few records */
	size_t budget = LIVE_READ_MAX;

	*more = false;
	for (unsigned i = 0, idle = 0; i < 64 && budget; i++) {
		size_t before = budget;
		int r = fd_lines_read_budget(&l->kmsg, kmsg_line, l, &budget);

		if (r != -EPIPE) {
			*more = r >= 0 && !budget && !l->kmsg.ended;
			return r;
		}
		l->kmsg_t.overrun = true;   /* the ring overwrote records we had not read */
		/* overrun again without a byte read between (seen in a User-Mode
		 * Linux 6.12 soak): nothing is coming */
		idle = budget == before ? idle + 1 : 0;
		if (idle > 1)
			return 0;
	}
	*more = !l->kmsg.ended;
	return 0;
}

/* ...and the uevents held for it placed among what it read */
static int read_kmsg(struct live *l, bool *more)
{
	int r = read_kmsg_some(l, more);

	if (r >= 0 && l->order)
		r = uevent_order_read_done(l->order, !*more, now_msec());
	return r;
}

static int read_trace_text(struct live *l)
{
	return fd_lines_read_some(&l->trace, trace_line, l, LIVE_READ_MAX);
}

static int live_quiet_timeout(const struct live *l)
{
	uint64_t now;

	if (!l->last_line_ms)
		return -1;
	now = now_msec();
	return now >= l->last_line_ms + LIVE_QUIET_MS ? 0 : (int)(l->last_line_ms + LIVE_QUIET_MS - now);
}

int live_timeout(const struct live *l)
{
	int q = live_quiet_timeout(l), t;
	uint64_t now;

	/* uevents held for the kernel log: read it again soon */
	if (l->order && uevent_order_holding(l->order) && (q < 0 || q > LIVE_ORDER_POLL_MS))
		q = LIVE_ORDER_POLL_MS;
	if (!l->raw && (l->trace.fd < 0 || !l->trace.polled || l->trace.ended))
		return q;
	/* records waiting to settle: back soon */
	if (l->raw && trace_raw_holding(l->raw) && (q < 0 || q > TRACE_RAW_SETTLE_MS))
		q = TRACE_RAW_SETTLE_MS;
	now = now_msec();
	t = now >= l->trace_polled_ms + LIVE_TRACE_POLL_MS ? 0 : (int)(l->trace_polled_ms + LIVE_TRACE_POLL_MS - now);
	return q < 0 || t < q ? t : q;
}

static int kallsyms_flush(struct live *l, struct strbuf *line)
{
	int r = 0;

	if (line->len)
		r = emit(l, line->buf, line->len);
	strbuf_clear(line);
	return r;
}

/*
 * "devresctl-kallsyms: MODULE FUNCTION..." for each module loaded since the
 * last call: which module a release callback is in, so that module-gone
 * matches exactly, live and in a replay of the recording alike.
 */
static int write_module_functions(struct live *l)
{
	struct strbuf out = STRBUF_INIT;
	char path[4096], line[1024], cur[128] = "", key[132];
	FILE *f;
	int r = 0;

	if (!l->modules.len)
		return 0;
	if (root_path(path, sizeof(path), "/proc/kallsyms") < 0 || !(f = fopen(path, "re"))) {
		strbuf_clear(&l->modules);
		return 0;       /* no kallsyms: module-gone falls back to name prefixes */
	}
	r = strbuf_appends(&l->modules, " ");
	while (r >= 0 && fgets(line, sizeof(line), f)) {
		const char *fn, *mod;

		if (!drc_kallsyms_parse(line, &fn, &mod) || strlen(mod) >= sizeof(cur))
			continue;
		snprintf(key, sizeof(key), " %s ", mod);
		if (!strstr(l->modules.buf, key))
			continue;
		/* one module per line, a line no longer than a kernel message */
		if (strcmp(cur, mod) != 0 || out.len + strlen(fn) > 900) {
			r = kallsyms_flush(l, &out);
			snprintf(cur, sizeof(cur), "%s", mod);
			if (r >= 0)
				r = strbuf_appendf(&out, "devresctl-kallsyms: %s", mod);
		}
		if (r >= 0)
			r = strbuf_appendf(&out, " %s", fn);
	}
	if (r >= 0)
		r = kallsyms_flush(l, &out);
	fclose(f);
	strbuf_done(&out);
	/* " a b " -> written " ... a b" */
	if (r >= 0)
		r = strbuf_append(&l->written, l->modules.buf, l->modules.len - 1);
	strbuf_clear(&l->modules);
	return r;
}

int live_dispatch(struct live *l)
{
	l->clock_ns = 0;        /* read afresh for this dispatch */
	struct epoll_event evs[8];
	bool trace_read = false, more;
	int n, r = 0;

	/* plain files (tests) are not pollable: read them whole */
	if (l->kmsg.fd >= 0 && !l->kmsg.polled && !l->kmsg.ended && (r = read_kmsg(l, &more)) < 0)
		return r;
	if (l->raw && !l->raw_polled && (r = trace_raw_read(l->raw, raw_line, l)) < 0)
		return r;
	if (l->trace.fd >= 0 && !l->trace.polled && !l->trace.ended && (r = read_trace_text(l)) < 0)
		return r;
	n = epoll_wait(l->epfd, evs, 8, 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n && r >= 0; i++) {
		switch (evs[i].data.u32) {
		case SRC_KMSG:
			r = read_kmsg(l, &more);
			break;
		case SRC_TRACE:
			if (trace_read)
				break;  /* one read takes every CPU */
			r = l->raw ? trace_raw_read(l->raw, raw_line, l) : read_trace_text(l);
			trace_read = true;
			break;
		case SRC_UDEV:
			r = source_udev_read(l->udev, udev_line, udev_event, l);
			if (r > 0)
				r = 0;
			if (r == -ENOBUFS) {
				l->st.udev_overflows++;
				r = emitf(l, "devresctl-lost: udev ? events dropped: the netlink socket overflowed");
			}
			if (r >= 0)
				r = write_module_functions(l);
			if (r >= 0 && l->error < 0)
				r = l->error;
			break;
		}
	}
	/* the ring buffer's wakeup can wait for the next interrupt on an idle
	 * machine: read the trace now and then whether or not poll() said so */
	if (r >= 0 && ((l->trace.fd >= 0 && l->trace.polled) || (l->raw && l->raw_polled)) && !trace_read &&
	    now_msec() >= l->trace_polled_ms + LIVE_TRACE_POLL_MS) {
		uint64_t before = l->st.lines;

		r = l->raw ? trace_raw_read(l->raw, raw_line, l) : read_trace_text(l);
		if (l->st.lines != before)
			n = 1;
		trace_read = true;
	}
	/* when the trace was last read, not when anything was: other sources
	 * busy every few milliseconds must not put the next read off */
	if (trace_read)
		l->trace_polled_ms = now_msec();
	/* a CPU file at its end (a FIFO without writer, in tests) stays readable:
	 * out of the set, or the loop would spin on it */
	if (trace_read && l->raw && l->raw_polled)
		for (unsigned i = 0; i < trace_raw_ncpus(l->raw); i++)
			if (trace_raw_cpu_ended(l->raw, i))
				epoll_ctl(l->epfd, EPOLL_CTL_DEL, trace_raw_cpu_fd(l->raw, i), NULL);

	/* uevents read: the kernel log holds every record logged before them,
	 * though poll() may not say so yet (uevent-order.h) */
	if (r >= 0 && l->order && uevent_order_holding(l->order))
		r = l->kmsg.ended ? uevent_order_flush(l->order) : read_kmsg(l, &more);
	/* held lines go out through trace reads: one per dispatch (those held
	 * after it wait for the next, within the records' settling time) */
	if (r >= 0 && l->raw && l->trace_mono && trace_raw_holding(l->raw) && !trace_read) {
		r = trace_raw_read(l->raw, raw_line, l);
		l->trace_polled_ms = now_msec();
	}
	if (r >= 0 && !n && live_quiet_timeout(l) == 0 && !(l->raw && trace_raw_holding(l->raw)) &&
	    !(l->order && uevent_order_holding(l->order))) {
		r = l->fn(l->userdata, DRC_QUIET_LINE, strlen(DRC_QUIET_LINE));
		l->last_line_ms = 0;
	}
	return r;
}

bool live_ended(const struct live *l)
{
	return (l->kmsg.fd < 0 || l->kmsg.ended) && (l->trace.fd < 0 || l->trace.ended) &&
	       (!l->raw || trace_raw_ended(l->raw)) && !l->udev;
}

/*
 * At the end, the kernel log is read to its end: a reader behind the kernel
 * (a flood, a loaded machine) would otherwise stop thousands of records
 * short with nothing said, as they were neither read nor overwritten. The
 * kernel may still be logging: after LIVE_DRAIN_MS what is left is said.
 */
#define LIVE_DRAIN_MS 5000

static int drain_kmsg(struct live *l)
{
	uint64_t until = now_msec() + LIVE_DRAIN_MS;
	bool more = true;

	while (more) {
		int r = read_kmsg(l, &more);

		if (r < 0)
			return r;
		if (more && now_msec() >= until) {
			l->st.kmsg_unread = true;
			return emitf(l, "devresctl-lost: kmsg ? records not read before the end (the kernel was "
				     "still logging)");
		}
	}
	return 0;
}

int live_drain(struct live *l)
{
	int r = 0;

	/* the udev events received and not read yet (the kernel sent them while
	 * recording), a bounded number */
	l->draining = true;
	for (unsigned i = 0; l->udev && i < 64 && r >= 0; i++) {
		r = source_udev_read(l->udev, udev_line, udev_event, l);
		if (r == -ENOBUFS) {
			l->st.udev_overflows++;
			r = emitf(l, "devresctl-lost: udev ? events dropped: the netlink socket overflowed");
		} else if (r == 0) {
			break;
		}
	}
	if (r >= 0 && l->udev)
		r = write_module_functions(l);
	/* what the kernel sent and was not read: its uevent counter says how
	 * many (the kernel's monitor receives every event) */
	if (r >= 0 && l->udev && !l->udev_rules && source_udev_seqnum(l->udev)) {
		char buf[32];
		uint64_t now_seq;

		if (root_read_line("/sys/kernel/uevent_seqnum", buf, sizeof(buf)) > 0 &&
		    (now_seq = strtoull(buf, NULL, 10)) > source_udev_seqnum(l->udev)) {
			l->st.udev_unread = now_seq - source_udev_seqnum(l->udev);
			r = emitf(l, "devresctl-lost: udev %" PRIu64 " events not read before the end", l->st.udev_unread);
		}
	}
	/* what the kernel log holds now, to its end */
	if (r >= 0 && l->kmsg.fd >= 0 && !l->kmsg.ended)
		r = drain_kmsg(l);
	if (r >= 0 && l->trace.fd >= 0 && !l->trace.ended)
		r = read_trace_text(l);
	if (r >= 0 && l->order)
		r = uevent_order_flush(l->order);
	if (r >= 0 && l->raw)
		r = trace_raw_finish(l->raw, raw_line, l);
	return r;
}

const char *live_describe(const struct live *l)
{
	return l->describe;
}

void live_get_stats(const struct live *l, struct live_stats *ret)
{
	*ret = l->st;
	if (l->raw) {
		struct trace_raw_stats t;

		trace_raw_get_stats(l->raw, &t);
		ret->trace_records = t.records;
		ret->trace_lost = t.lost;
		ret->trace_lost_unknown = t.lost_unknown;
		ret->trace_bad_pages = t.bad_pages;
		ret->trace_non_events = t.non_events;
		ret->trace_unresolved = t.unresolved;
	}
	if (l->order) {
		struct uevent_order_stats o;

		uevent_order_get_stats(l->order, &o);
		ret->uevents_held = o.held;
		ret->uevents_moved = o.moved;
		ret->uevents_unplaced = o.unplaced;
	}
}
