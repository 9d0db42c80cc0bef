// SPDX-License-Identifier: GPL-2.0-or-later
/* A trace-cmd record file as the kernel's trace text (trace-dat.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shared/macro.h"
#include "trace-dat.h"

#ifndef HAVE_LIBTRACECMD

int trace_dat_open(int fd, struct trace_dat **ret)
{
	(void)ret;
	close(fd);
	return TRACE_DAT_ENOLIB;
}
void trace_dat_close(struct trace_dat *t) { (void)t; }
int trace_dat_next_line(struct trace_dat *t, const char **line, size_t *len)
{
	(void)t, (void)line, (void)len;
	return 0;
}

#else

#include <trace-cmd.h>

#include "trace-event.h"

/*
 * What libtracecmd exports and only its private header declares
 * (trace-cmd-private.h of trace-cmd 3.1): the steps of tracecmd_open_fd(),
 * taken one by one below, and the kernel's per_cpu/cpuN/stats of each CPU
 * as `trace-cmd record` read them at its end ("CPU: 0\noverrun: 203\n...").
 */
struct tracecmd_input *tracecmd_alloc_fd(int fd, int flags);
int tracecmd_read_headers(struct tracecmd_input *handle, int state);
int tracecmd_cpus(struct tracecmd_input *handle);
const char *tracecmd_get_cpustats(struct tracecmd_input *handle);

#define CPUS_MAX 8192

/* a CPU's "overrun:" in the cpustats */
struct cpustat {
	unsigned cpu;
	uint64_t overrun;
};

/* one CPU's data in the file (its index, not always its number) */
struct dat_cpu {
	struct tep_record *next;        /* its next record, NULL at its end */
	unsigned nr;                    /* the CPU's number, as its records say */
	bool have_overrun;
	uint64_t overrun, accounted;    /* events overwritten; of them, written as lost */
	bool scanned;                   /* its pages to come were looked at */
	uint64_t known_after;           /* what the pages to come count */
	uint64_t unknown_after;         /* pages to come that store no count */
};

/* The reader, in the child (it is never freed: the child exits). */
struct dat {
	struct tracecmd_input *handle;
	struct tep_handle *tep;
	struct devres_event ev;
	int ncpus;
	struct dat_cpu *cpus;
	bool ended;                     /* the rest of the counters written */
	int at_cpu;                     /* the next CPU whose rest is written */
	struct trace_seq seq;
	char line[2][1024];             /* a loss, then the record after it */
	size_t len[2];
	unsigned nlines, at;
	struct cpustat *stats;          /* the cpustats' counters, by CPU number */
	size_t nstats;
};

/* Each CPU's "overrun:" of the cpustats ("CPU: 0\nentries: 23\noverrun:
 * 203\n..."): the events the writer overwrote while trace-cmd recorded (it
 * resets the buffer first). */
static int read_cpustats(struct dat *t)
{
	const char *s = tracecmd_get_cpustats(t->handle);
	size_t cap = 0;
	long cpu = -1;

	for (; s && *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : "") {
		unsigned long long v;

		if (sscanf(s, "CPU: %llu", &v) == 1) {
			cpu = v < CPUS_MAX ? (long)v : -1;
		} else if (cpu >= 0 && sscanf(s, "overrun: %llu", &v) == 1) {
			if (array_grow(&t->stats, &cap, t->nstats, sizeof(*t->stats), 8) < 0)
				return -ENOMEM;
			t->stats[t->nstats++] = (struct cpustat){ (unsigned)cpu, v };
			cpu = -1;
		}
	}
	return 0;
}

/* The CPU of index @i: its number, from its first record, and its counter. */
static void cpu_number(struct dat *t, int i)
{
	struct dat_cpu *c = &t->cpus[i];

	c->nr = c->next ? (unsigned)c->next->cpu : (unsigned)i;
	for (size_t k = 0; k < t->nstats; k++)
		if (t->stats[k].cpu == c->nr) {
			c->overrun = t->stats[k].overrun;
			c->have_overrun = true;
		}
}

/*
 * Its headers, then its CPUs' data: 0 or TRACE_DAT_EBAD. The steps of
 * tracecmd_open_fd(), which would call tracecmd_close() when
 * tracecmd_init_data() fails (a CPU's data past the end of the file), and
 * that crashes: the child exits instead.
 */
static int open_handle(struct dat *t, int fd)
{
	t->handle = tracecmd_alloc_fd(fd, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!t->handle || tracecmd_read_headers(t->handle, 0) < 0)
		return TRACE_DAT_EBAD;
	t->tep = tracecmd_get_tep(t->handle);
	if (!t->tep || tracecmd_init_data(t->handle) < 0)
		return TRACE_DAT_EBAD;
	return 0;
}

static int dat_open(struct dat *t, int fd)
{
	int r;

	trace_seq_init(&t->seq);
	/* its warnings are not the user's: the error the parent gives says what failed */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	r = open_handle(t, fd);
	if (r < 0)
		return r;
	if (devres_event_bind(t->tep, &t->ev) < 0)
		return TRACE_DAT_ENOEVENT;
	t->ncpus = tracecmd_cpus(t->handle);
	if (t->ncpus < 0 || t->ncpus > CPUS_MAX)
		return TRACE_DAT_EBAD;
	t->cpus = calloc((size_t)t->ncpus + 1, sizeof(*t->cpus));
	if (!t->cpus)
		return -ENOMEM;
	r = read_cpustats(t);
	if (r < 0)
		return r;
	for (int i = 0; i < t->ncpus; i++) {
		t->cpus[i].next = tracecmd_read_data(t->handle, i);
		cpu_number(t, i);
	}
	return 0;
}

/*
 * A pointer field as libtraceevent prints it for the event's "%s": the
 * string when the file's printk formats have its address, else the
 * address ("%llx", as trace-cmd report shows it).
 */
static void pointer_text(struct dat *t, struct tep_record *rec, struct tep_format_field *f, uint64_t ptr,
			 char *buf, size_t size)
{
	char hex[24];
	const char *s;

	trace_seq_reset(&t->seq);
	tep_print_field_content(&t->seq, rec->data, rec->size, f);
	trace_seq_terminate(&t->seq);
	s = t->seq.buffer;
	snprintf(hex, sizeof(hex), "%" PRIx64, ptr);
	if (!s || !*s || strchr(s, ' ') || strcmp(s, hex) == 0 || (strncmp(s, "0x", 2) == 0 && strcmp(s + 2, hex) == 0))
		s = hex;
	snprintf(buf, size, "%s", s);
}

/* The record as its line; 0 when it is not one devres.c logged. */
static int record_line(struct dat *t, struct tep_record *rec, char *line, size_t size)
{
	struct devres_record d;
	char dev[256], op[40], name[256];

	/* another event's, or one devres.c never logged: no line */
	if (devres_event_decode(t->tep, &t->ev, rec, &d) != DEVRES_RECORD)
		return 0;
	snprintf(dev, sizeof(dev), "%.*s", (int)d.dlen, d.dev);
	pointer_text(t, rec, t->ev.f_op, d.op, op, sizeof(op));
	if (d.name_is_ptr)
		pointer_text(t, rec, t->ev.f_name, d.name_ptr, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "%.*s", (int)d.nlen, d.name);
	return devres_event_line(line, size, &t->ev, d.pid, (unsigned)rec->cpu, rec->ts, dev, op, d.node, name, d.size);
}

/* A loss on @cpu of @count events (-1: unknown) as the next line. */
static void lost_line(struct dat *t, unsigned cpu, int64_t count)
{
	int n = devres_event_lost_line(t->line[t->nlines], sizeof(t->line[0]), cpu, count);

	if (n >= 0)
		t->len[t->nlines++] = (size_t)n;
}

/*
 * At the end: what the counters say was overwritten and no page told (the
 * writer lapped the reader before it stopped), one line per CPU.
 */
static int end_lines(struct dat *t)
{
	for (; !t->ended && t->at_cpu < t->ncpus; t->at_cpu++) {
		struct dat_cpu *c = &t->cpus[t->at_cpu];

		if (c->have_overrun && c->overrun > c->accounted) {
			t->nlines = t->at = 0;
			lost_line(t, c->nr, (int64_t)(c->overrun - c->accounted));
			c->accounted = c->overrun;
			t->at_cpu++;
			return 1;
		}
	}
	t->ended = true;
	return 0;
}

/*
 * A page said events were missed without their count (one that had no
 * room for it): the counter's rest, less what the CPU's later pages count,
 * is shared among it and the later pages that count nothing. At the first
 * such page the CPU's later records are looked at once, and its reading
 * goes on where it was.
 */
static void scan_missed(struct dat *t, int cpu)
{
	struct dat_cpu *c = &t->cpus[cpu];
	struct tep_record *r;
	unsigned long long resume;

	c->scanned = true;
	if (!c->next)
		return;
	resume = c->next->offset;
	for (r = c->next; r; r = tracecmd_read_data(t->handle, cpu)) {
		if (r->missed_events > 0)
			c->known_after += (uint64_t)r->missed_events;
		else if (r->missed_events < 0)
			c->unknown_after++;
		if (r != c->next)
			tracecmd_free_record(r);
	}
	tracecmd_free_record(c->next);
	c->next = tracecmd_read_at(t->handle, resume, NULL);
}

/* The count to write for a page's missed events (-1: nobody says). */
static int64_t missed_count(struct dat *t, int cpu, long long missed)
{
	struct dat_cpu *c = &t->cpus[cpu];
	uint64_t rest, n;

	if (!c->have_overrun)
		return missed > 0 ? missed : -1;
	if (missed > 0) {
		c->known_after -= MIN((uint64_t)missed, c->known_after);
		return devres_event_missed(true, c->overrun, &c->accounted, missed);
	}
	if (!c->scanned)
		scan_missed(t, cpu);
	rest = c->overrun > c->accounted + c->known_after ? c->overrun - c->accounted - c->known_after : 0;
	n = rest / (c->unknown_after + 1);
	if (!c->unknown_after)
		n = rest;
	else
		c->unknown_after--;
	c->accounted += n;
	return n ? (int64_t)n : -1;
}

/* The lines of the oldest record of all CPUs (a loss before it first). */
static int next_record(struct dat *t)
{
	for (;;) {
		struct tep_record *rec;
		struct dat_cpu *c;
		int best = -1, n;

		for (int i = 0; i < t->ncpus; i++)
			if (t->cpus[i].next && (best < 0 || t->cpus[i].next->ts < t->cpus[best].next->ts))
				best = i;
		if (best < 0)
			return end_lines(t);
		c = &t->cpus[best];
		rec = c->next;
		c->next = tracecmd_read_data(t->handle, best);
		t->nlines = t->at = 0;
		/* the page's count, else the counter's share; a place where
		 * events are missing is written even when the counter has no
		 * overwrite left for it */
		if (rec->missed_events) {
			int64_t count = missed_count(t, best, rec->missed_events);

			lost_line(t, c->nr, count > 0 ? count : -1);
		}
		n = record_line(t, rec, t->line[t->nlines], sizeof(t->line[0]));
		tracecmd_free_record(rec);
		if (n < 0)
			return n;
		if (n > 0)
			t->len[t->nlines++] = (size_t)n;
		if (t->nlines)
			return 1;
	}
}

static int dat_next_line(struct dat *t, const char **line, size_t *len)
{
	int r;

	if (t->at >= t->nlines && (r = next_record(t)) <= 0)
		return r;
	*line = t->line[t->at];
	*len = t->len[t->at];
	t->at++;
	return 1;
}

/* ---- the child that reads, the parent that takes its lines ---- */

/*
 * libtracecmd and libtraceevent trust the file: a corrupt page or section
 * can make them read past a buffer or the mapped file (SIGBUS), crash in
 * tracecmd_close() after a failed tracecmd_init_data(), print on standard
 * output ("File possibly truncated") or leak. So they run in a child of
 * their own, whose standard output is /dev/null and which exits without
 * freeing: it writes its status (an int, 0 or TRACE_DAT_E*), then the
 * lines; the parent reads them from a pipe, and a child that did not end
 * well is TRACE_DAT_EDIED.
 */
struct trace_dat {
	pid_t pid;
	int fd;                         /* the pipe's end that reads */
	bool eof;
	size_t have, at;
	char buf[64 * 1024];
};

static int write_all(int fd, const void *buf, size_t len)
{
	for (const char *p = buf; len;) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

static _Noreturn void child(int fd, int out)
{
	struct dat *t = calloc(1, sizeof(*t));
	char buf[64 * 1024];
	size_t have = 0;
	const char *line;
	size_t len;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC), r;

	/* libtracecmd prints "File possibly truncated..." with printf() */
	if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
		_exit(1);
	r = t ? dat_open(t, fd) : -ENOMEM;
	if (write_all(out, &r, sizeof(r)) < 0 || r < 0)
		_exit(0);
	while ((r = dat_next_line(t, &line, &len)) > 0) {
		if (have + len + 1 > sizeof(buf)) {
			if (write_all(out, buf, have) < 0)
				_exit(1);
			have = 0;
		}
		memcpy(buf + have, line, len);
		have += len;
		buf[have++] = '\n';
	}
	if (write_all(out, buf, have) < 0)
		_exit(1);
	_exit(r < 0 ? 1 : 0);
}

/* The child ended: 0 when it read the whole file, else TRACE_DAT_EDIED. */
static int reap(struct trace_dat *t)
{
	int status;
	pid_t p;

	if (t->pid <= 0)
		return 0;
	do
		p = waitpid(t->pid, &status, 0);
	while (p < 0 && errno == EINTR);
	t->pid = 0;
	return p > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : TRACE_DAT_EDIED;
}

static ssize_t read_some(struct trace_dat *t, void *buf, size_t size)
{
	ssize_t n;

	do
		n = read(t->fd, buf, size);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

void trace_dat_close(struct trace_dat *t)
{
	if (!t)
		return;
	if (t->fd >= 0)
		close(t->fd);
	if (t->pid > 0) {
		kill(t->pid, SIGKILL);
		reap(t);
	}
	free(t);
}

int trace_dat_open(int fd, struct trace_dat **ret)
{
	struct trace_dat *t = calloc(1, sizeof(*t));
	int p[2], status = 0;
	size_t got = 0;
	ssize_t n;

	if (!t || pipe2(p, O_CLOEXEC) < 0) {
		close(fd);
		free(t);
		return -ENOMEM;
	}
	t->pid = fork();
	if (t->pid == 0) {
		close(p[0]);
		child(fd, p[1]);
	}
	close(fd);
	close(p[1]);
	t->fd = p[0];
	if (t->pid < 0) {
		t->pid = 0;
		trace_dat_close(t);
		return -errno;
	}
	while (got < sizeof(status) && (n = read_some(t, (char *)&status + got, sizeof(status) - got)) > 0)
		got += (size_t)n;
	if (got < sizeof(status))
		status = TRACE_DAT_EDIED;
	if (status < 0) {
		trace_dat_close(t);
		return status;
	}
	*ret = t;
	return 0;
}

int trace_dat_next_line(struct trace_dat *t, const char **line, size_t *len)
{
	for (;;) {
		char *b = t->buf + t->at, *nl = memchr(b, '\n', t->have - t->at);
		ssize_t n;

		if (nl) {
			*line = b, *len = (size_t)(nl - b);
			t->at += *len + 1;
			return 1;
		}
		if (t->eof)
			return t->have > t->at ? TRACE_DAT_EDIED : reap(t);
		memmove(t->buf, b, t->have - t->at);
		t->have -= t->at, t->at = 0;
		if (t->have == sizeof(t->buf))
			return TRACE_DAT_EDIED;         /* no line is this long */
		n = read_some(t, t->buf + t->have, sizeof(t->buf) - t->have);
		if (n < 0)
			return (int)n;
		if (n == 0)
			t->eof = true;
		t->have += (size_t)n;
	}
}

#endif
