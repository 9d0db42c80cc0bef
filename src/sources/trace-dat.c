// SPDX-License-Identifier: GPL-2.0-or-later
/* A trace-cmd record file as the kernel's trace text (trace-dat.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/*
 * tracecmd_close() of libtracecmd 3.1 crashes on a handle whose
 * tracecmd_init_data() failed (the CPUs' lists were never set up, as when
 * a CPU's data lies past the end of the file), and tracecmd_open_fd()
 * calls it then: such a handle is kept here, reachable, never closed (the
 * command ends on the error).
 */
static struct tracecmd_input *unclosable[8];

/*
 * libtracecmd 3.1 leaks the clock's name that tracecmd_parse_trace_clock()
 * reads with sscanf("%ms") from a version 6 file, once per file: not this
 * program's leak, kept out of LeakSanitizer's report (a build with
 * --enable-sanitizers fails on any leak). Its fast unwinder stops in libc,
 * so the suppression names sscanf's allocation; this program's own sscanf
 * calls allocate nothing (no %m).
 */
const char *__lsan_default_suppressions(void);
__attribute__((used, visibility("default"))) const char *__lsan_default_suppressions(void)
{
	return "leak:tracecmd_parse_trace_clock\nleak:__isoc99_vsscanf\n";
}

/* ... and says nothing of it on stderr, which the tests read */
const char *__lsan_default_options(void);
__attribute__((used, visibility("default"))) const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

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

struct trace_dat {
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

void trace_dat_close(struct trace_dat *t)
{
	if (!t)
		return;
	for (int i = 0; t->cpus && i < t->ncpus; i++)
		if (t->cpus[i].next)
			tracecmd_free_record(t->cpus[i].next);
	free(t->cpus);
	free(t->stats);
	trace_seq_destroy(&t->seq);
	if (t->handle)
		tracecmd_close(t->handle);
	free(t);
}

/* Each CPU's "overrun:" of the cpustats ("CPU: 0\nentries: 23\noverrun:
 * 203\n..."): the events the writer overwrote while trace-cmd recorded (it
 * resets the buffer first). */
static int read_cpustats(struct trace_dat *t)
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
static void cpu_number(struct trace_dat *t, int i)
{
	struct dat_cpu *c = &t->cpus[i];

	c->nr = c->next ? (unsigned)c->next->cpu : (unsigned)i;
	for (size_t k = 0; k < t->nstats; k++)
		if (t->stats[k].cpu == c->nr) {
			c->overrun = t->stats[k].overrun;
			c->have_overrun = true;
		}
}

static uint64_t file_u64(const unsigned char *b, bool big)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b[big ? 7 - i : i] << (8 * i);
	return v;
}

/*
 * Version 6: right after the headers, each CPU's data as offset and size
 * (u64 each, the file's byte order); all of it must lie inside the file.
 * libtracecmd checks that too, but prints its complaint on standard output
 * (where a report goes) and then crashes in tracecmd_close().
 */
static bool v6_cpu_data_fits(struct trace_dat *t, int fd)
{
	bool big = tep_is_file_bigendian(t->tep);
	int cpus = tracecmd_cpus(t->handle);
	off_t pos = lseek(fd, 0, SEEK_CUR);
	struct stat st;

	if (pos < 0 || fstat(fd, &st) < 0 || cpus < 0 || cpus > CPUS_MAX)
		return false;
	for (int i = 0; i < cpus; i++) {
		unsigned char b[16];
		uint64_t off, size, end = (uint64_t)st.st_size;

		if (pread(fd, b, sizeof(b), pos + 16 * (off_t)i) != (ssize_t)sizeof(b))
			return false;
		off = file_u64(b, big), size = file_u64(b + 8, big);
		if (size && (off > end || size > end - off))
			return false;
	}
	return true;
}

/* Its headers, then its CPUs' data: 0 or TRACE_DAT_E* (the fd is the handle's). */
static int open_handle(struct trace_dat *t, int fd)
{
	char version[16] = "";

	if (pread(fd, version, sizeof(version) - 1, TRACE_DAT_MAGIC_LEN) < 1) {
		close(fd);
		return TRACE_DAT_EBAD;
	}
	t->handle = tracecmd_alloc_fd(fd, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!t->handle) {
		close(fd);
		return TRACE_DAT_EBAD;
	}
	if (tracecmd_read_headers(t->handle, 0) < 0)
		return TRACE_DAT_EBAD;
	t->tep = tracecmd_get_tep(t->handle);
	if (!t->tep)
		return TRACE_DAT_EBAD;
	if (strcmp(version, "6") == 0 && !v6_cpu_data_fits(t, fd))
		return TRACE_DAT_EBAD;
	if (tracecmd_init_data(t->handle) < 0) {
		for (size_t i = 0; i < sizeof(unclosable) / sizeof(unclosable[0]); i++)
			if (!unclosable[i]) {
				unclosable[i] = t->handle;
				break;
			}
		t->handle = NULL;
		return TRACE_DAT_EBAD;
	}
	return 0;
}

int trace_dat_open(int fd, struct trace_dat **ret)
{
	struct trace_dat *t = calloc(1, sizeof(*t));
	int r;

	if (!t) {
		close(fd);
		return -ENOMEM;
	}
	trace_seq_init(&t->seq);
	/* its warnings are not the user's: the error below says what failed */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	r = open_handle(t, fd);
	if (r < 0)
		goto fail;
	if (devres_event_bind(t->tep, &t->ev) < 0) {
		r = TRACE_DAT_ENOEVENT;
		goto fail;
	}
	t->ncpus = tracecmd_cpus(t->handle);
	if (t->ncpus < 0 || t->ncpus > CPUS_MAX) {
		r = TRACE_DAT_EBAD;
		goto fail;
	}
	t->cpus = calloc((size_t)t->ncpus + 1, sizeof(*t->cpus));
	if (!t->cpus) {
		r = -ENOMEM;
		goto fail;
	}
	r = read_cpustats(t);
	if (r < 0)
		goto fail;
	for (int i = 0; i < t->ncpus; i++) {
		t->cpus[i].next = tracecmd_read_data(t->handle, i);
		cpu_number(t, i);
	}
	*ret = t;
	return 0;
fail:
	trace_dat_close(t);
	return r;
}

/*
 * A pointer field as libtraceevent prints it for the event's "%s": the
 * string when the file's printk formats have its address, else the
 * address ("%llx", as trace-cmd report shows it).
 */
static void pointer_text(struct trace_dat *t, struct tep_record *rec, struct tep_format_field *f, uint64_t ptr,
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
static int record_line(struct trace_dat *t, struct tep_record *rec, char *line, size_t size)
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
static void lost_line(struct trace_dat *t, unsigned cpu, int64_t count)
{
	int n = devres_event_lost_line(t->line[t->nlines], sizeof(t->line[0]), cpu, count);

	if (n >= 0)
		t->len[t->nlines++] = (size_t)n;
}

/*
 * At the end: what the counters say was overwritten and no page told (the
 * writer lapped the reader before it stopped), one line per CPU.
 */
static int end_lines(struct trace_dat *t)
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
static void scan_missed(struct trace_dat *t, int cpu)
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
static int64_t missed_count(struct trace_dat *t, int cpu, long long missed)
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
static int next_record(struct trace_dat *t)
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

int trace_dat_next_line(struct trace_dat *t, const char **line, size_t *len)
{
	int r;

	if (t->at >= t->nlines && (r = next_record(t)) <= 0)
		return r;
	*line = t->line[t->at];
	*len = t->len[t->at];
	t->at++;
	return 1;
}

#endif
