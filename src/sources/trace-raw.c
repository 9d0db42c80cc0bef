// SPDX-License-Identifier: GPL-2.0-or-later
/* The trace instance's binary records, as the kernel's text (trace-raw.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libdevres/libdevres.h"
#include "shared/clock.h"
#include "shared/hashmap.h"
#include "shared/macro.h"
#include "shared/root.h"
#include "shared/strbuf.h"
#include "source-udev.h"
#include "trace-event.h"
#include "trace-raw.h"

#ifndef HAVE_TRACEFS

int trace_raw_open(const char *tracefs, const char *instance, struct trace_raw **ret)
{
	(void)tracefs, (void)instance, (void)ret;
	return -EOPNOTSUPP;
}
void trace_raw_free(struct trace_raw *t) { (void)t; }
unsigned trace_raw_ncpus(const struct trace_raw *t) { (void)t; return 0; }
int trace_raw_cpu_fd(const struct trace_raw *t, unsigned cpu) { (void)t, (void)cpu; return -1; }
int trace_raw_read(struct trace_raw *t, trace_raw_line_fn fn, void *userdata)
{
	(void)t, (void)fn, (void)userdata;
	return -EOPNOTSUPP;
}
int trace_raw_flush(struct trace_raw *t, bool all, trace_raw_line_fn fn, void *userdata)
{
	(void)t, (void)all, (void)fn, (void)userdata;
	return 0;
}
bool trace_raw_holding(const struct trace_raw *t) { (void)t; return false; }
bool trace_raw_cpu_ended(const struct trace_raw *t, unsigned cpu) { (void)t, (void)cpu; return true; }
int trace_raw_finish(struct trace_raw *t, trace_raw_line_fn fn, void *userdata)
{
	(void)t, (void)fn, (void)userdata;
	return 0;
}
void trace_raw_set_mono(struct trace_raw *t, bool mono) { (void)t, (void)mono; }
int trace_raw_skip(struct trace_raw *t) { (void)t; return 0; }
int trace_raw_hold_line(struct trace_raw *t, uint64_t ts, const char *line, size_t len)
{
	(void)t, (void)ts, (void)line, (void)len;
	return -EOPNOTSUPP;
}
bool trace_raw_ended(const struct trace_raw *t) { (void)t; return true; }
void trace_raw_get_stats(const struct trace_raw *t, struct trace_raw_stats *ret)
{
	(void)t;
	*ret = (struct trace_raw_stats){ 0 };
}

#else

#include <event-parse.h>
#include <kbuffer.h>

#define CPUS_MAX 1024

/* one line of a CPU's text: what it says of a record still in the buffer */
struct peek {
	uint64_t usec, size;
	uint64_t dev_hash;
	char op[16];
	char name[160];
};

struct cpu {
	int fd;
	unsigned nr;
	bool ended;
	struct peek *peek;      /* its text, as read before its pages, oldest first */
	size_t npeek, peek_at;  /* lines, and the first not matched to a record yet */
	bool have_overrun;      /* per_cpu/cpuN/stats can be read */
	uint64_t accounted;     /* its "overrun" counter, as far as lost events were written */
};

/* one record, decoded, until it is written */
struct rec {
	uint64_t ts;            /* ns, the instance's trace clock */
	unsigned cpu;
	int pid;
	size_t dev_off, name_off;       /* into t->text */
	uint64_t op, node, name_ptr, size;
	bool name_is_ptr;
	int64_t lost;           /* > 0: a "[LOST n EVENTS]" line, -1: unknown count */
	bool foreign;           /* another source's line (at dev_off), placed by its time */
	uint64_t order;         /* as read */
	uint64_t held_since;    /* ms, while op or name is not known */
	uint64_t dev_hash;      /* of the device's name (a uevent's, for a uevent line) */
	uint8_t uevent;         /* a uevent line: UEVENT_* */
};

enum { UEVENT_NONE, UEVENT_OTHER, UEVENT_UNBIND, UEVENT_BIND };

struct trace_raw {
	struct tep_handle *tep;
	struct devres_event ev;
	struct kbuffer *kbuf;
	struct cpu *cpus;
	unsigned ncpus;
	void *page;
	size_t page_size;
	char instance[4096];            /* the instance's directory, below the root */
	struct hashmap strings;         /* kernel pointer -> malloc'd string */
	struct hashmap unnamed;         /* name pointers written as addresses */
	struct strbuf names_late;       /* DRC_NAME_LINE lines to write next */
	bool text_hashed;               /* hash-ptr turned back on: the text was broken without */
	bool need_peek;                 /* a record's pointer was unknown (cleared by a read
					 * whose records were all known, not by an empty one) */
	bool saw_unknown;               /* in this read */
	uint64_t peeked_ms;             /* when the text was last read */
	uint64_t records_ms;            /* when a read last found records */
	unsigned ops_learnt;            /* of ADD, REL, REM, REPLACE */
	struct rec *held;               /* read, waiting for a string, in time order */
	size_t nheld, held_cap;
	size_t nsorted;                 /* held[0..nsorted) is in time order */
	struct rec *merge;              /* room to merge the newly held into them */
	size_t merge_cap;
	struct strbuf text;             /* device and name strings of held records */
	size_t text_compacted;          /* its length after the last compaction */
	bool mono;                      /* the trace clock is CLOCK_MONOTONIC */
	uint64_t order;                 /* records held so far */
	struct trace_raw_stats st;
};

static bool cpu_overrun(const struct trace_raw *t, const struct cpu *c, uint64_t *ret);

void trace_raw_free(struct trace_raw *t)
{
	if (!t)
		return;
	for (unsigned i = 0; i < t->ncpus; i++) {
		if (t->cpus[i].fd >= 0)
			close(t->cpus[i].fd);
		free(t->cpus[i].peek);
	}
	free(t->cpus);
	if (t->kbuf)
		kbuffer_free(t->kbuf);
	if (t->tep)
		tep_free(t->tep);
	free(t->page);
	hashmap_done_free(&t->strings);
	hashmap_done(&t->unnamed);
	strbuf_done(&t->names_late);
	free(t->held);
	free(t->merge);
	strbuf_done(&t->text);
	free(t);
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static int open_cpus(struct trace_raw *t, const char *instance)
{
	char rel[4200], full[4200];
	unsigned nrs[CPUS_MAX], n = 0;
	struct dirent *de;
	DIR *d;
	int r;

	snprintf(rel, sizeof(rel), "%s/per_cpu", instance);
	if ((r = root_path(full, sizeof(full), rel)) < 0)
		return r;
	d = opendir(full);
	if (!d)
		return -errno;
	while ((de = readdir(d)) && n < CPUS_MAX) {
		char *end;
		unsigned long nr;

		if (strncmp(de->d_name, "cpu", 3) != 0)
			continue;
		nr = strtoul(de->d_name + 3, &end, 10);
		if (*end || end == de->d_name + 3)
			continue;
		nrs[n++] = (unsigned)nr;
	}
	closedir(d);
	if (!n)
		return -ENOENT;
	qsort(nrs, n, sizeof(nrs[0]), cmp_uint);
	t->cpus = calloc(n, sizeof(*t->cpus));
	if (!t->cpus)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		snprintf(rel, sizeof(rel), "%s/per_cpu/cpu%u/trace_pipe_raw", instance, nrs[i]);
		t->cpus[i].nr = nrs[i];
		t->cpus[i].fd = root_open(rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		t->ncpus++;
		if (t->cpus[i].fd < 0)
			return t->cpus[i].fd;
	}
	return 0;
}

/* A small file of tracefs, whole; NULL if it cannot be read. */
static char *read_small(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	int fd = root_open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf, sizeof(buf))) > 0 && sb.len < (1u << 20))
		if (strbuf_append(&sb, buf, (size_t)n) < 0)
			break;
	close(fd);
	if (n != 0 || strbuf_append(&sb, "", 1) < 0) {
		strbuf_done(&sb);
		return NULL;
	}
	*len = sb.len - 1;
	return sb.buf;
}

/*
 * The page header and the one event's format: all the records need.
 * (tracefs_local_events() would also read all of /proc/kallsyms, seconds
 * on a big kernel, for symbols this event never prints.)
 */
static int load_format(struct trace_raw *t, const char *tracefs)
{
	char path[4200], *header, *format;
	size_t hlen, flen;
	int r = 0;

	snprintf(path, sizeof(path), "%s/events/header_page", tracefs);
	header = read_small(path, &hlen);
	snprintf(path, sizeof(path), "%s/events/dev/devres_log/format", tracefs);
	format = read_small(path, &flen);
	t->tep = tep_alloc();
	if (!header || !format || !t->tep) {
		r = !t->tep ? -ENOMEM : -EOPNOTSUPP;
		goto out;
	}
	tep_set_file_bigendian(t->tep, tep_is_bigendian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(t->tep, tep_is_bigendian() ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_long_size(t->tep, (int)sizeof(long));
	tep_set_page_size(t->tep, (int)sysconf(_SC_PAGESIZE));
	if (tep_parse_header_page(t->tep, header, hlen, (int)sizeof(long)) < 0 ||
	    tep_parse_event(t->tep, format, flen, "dev") != 0)
		r = -EOPNOTSUPP;
out:
	free(header);
	free(format);
	return r;
}

int trace_raw_open(const char *tracefs, const char *instance, struct trace_raw **ret)
{
	char rel[4200], buf[32];
	struct trace_raw *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->need_peek = true;
	r = load_format(t, tracefs);
	if (r < 0)
		goto fail;
	r = devres_event_bind(t->tep, &t->ev);
	if (r < 0)
		goto fail;
	t->kbuf = tep_kbuffer(t->tep);
	if (!t->kbuf) {
		r = -ENOMEM;
		goto fail;
	}
	/* a sub-buffer is a page unless the instance says otherwise (v6.8+) */
	t->page_size = (size_t)sysconf(_SC_PAGESIZE);
	snprintf(rel, sizeof(rel), "%s/buffer_subbuf_size_kb", instance);
	if (root_read_line(rel, buf, sizeof(buf)) > 0 && atoi(buf) > 0)
		t->page_size = (size_t)atoi(buf) * 1024;
	/* zeroed room past the page: a __data_loc field's offset and length are
	 * 16 bits each, so a corrupt record cannot point outside this buffer */
	t->page = calloc(1, t->page_size + 2 * 65536);
	if (!t->page) {
		r = -ENOMEM;
		goto fail;
	}
	snprintf(t->instance, sizeof(t->instance), "%s", instance);
	r = open_cpus(t, instance);
	if (r < 0)
		goto fail;
	/* from boot: every overwrite so far is a loss of the capture */
	for (unsigned i = 0; i < t->ncpus; i++) {
		uint64_t over;

		t->cpus[i].have_overrun = cpu_overrun(t, &t->cpus[i], &over);
	}
	*ret = t;
	return 0;
fail:
	trace_raw_free(t);
	return r;
}

unsigned trace_raw_ncpus(const struct trace_raw *t)
{
	return t->ncpus;
}

int trace_raw_cpu_fd(const struct trace_raw *t, unsigned cpu)
{
	return cpu < t->ncpus ? t->cpus[cpu].fd : -1;
}

bool trace_raw_ended(const struct trace_raw *t)
{
	for (unsigned i = 0; i < t->ncpus; i++)
		if (!t->cpus[i].ended)
			return false;
	return !t->nheld;
}

bool trace_raw_cpu_ended(const struct trace_raw *t, unsigned cpu)
{
	return cpu < t->ncpus && t->cpus[cpu].ended;
}

bool trace_raw_holding(const struct trace_raw *t)
{
	return t->nheld > 0;
}

void trace_raw_get_stats(const struct trace_raw *t, struct trace_raw_stats *ret)
{
	*ret = t->st;
}

/* ---- strings from the instance's own text ---- */

/*
 * The lines of one CPU's text to read at most, a read's worth of pages
 * (trace_raw_read() takes TRACE_RAW_PAGES per CPU; a record is 60 bytes
 * or more): only the oldest lines can be the records read next.
 */
#define PEEK_LINES_MAX 8192

/*
 * "  sh-1 [000] d..1.  8422.637698: devres_log: DEV OP NODE NAME (N bytes)".
 * Returns 1 with *p and *cpu set, 0 for another line, -1 for a devres_log
 * line whose fields are not there (the text of 6.1 and others with hash-ptr
 * off: trace_event_format() and trace_check_vprintf() share iter->fmt, and
 * the line stops after "devres_log: ").
 */
static int parse_text_line(const char *line, struct peek *p, unsigned *cpu)
{
	const char *m = strstr(line, ": devres_log: "), *b, *e;
	char dev[256], op[16], node[32], name[160];
	unsigned long long sec, usec, size;
	int n = 0;

	if (!m)
		return 0;
	for (b = m; b > line && b[-1] != ' '; b--)
		;
	if (sscanf(b, "%llu.%6llu", &sec, &usec) != 2)
		return -1;
	/* the CPU field is the last "[NNN]" before the time (a task's name may hold brackets) */
	for (e = b; e > line && e[0] != '['; e--)
		;
	if (e[0] != '[' || sscanf(e, "[%u]", cpu) != 1)
		return -1;
	if (sscanf(m + STRLEN(": devres_log: "), "%255s %15s %31s %159s (%llu bytes)%n", dev, op, node, name, &size,
		   &n) != 5 || !n)
		return -1;
	p->usec = sec * 1000000 + usec;
	p->size = size;
	p->dev_hash = hash_bytes(dev, strlen(dev));
	snprintf(p->op, sizeof(p->op), "%s", op);
	snprintf(p->name, sizeof(p->name), "%s", name);
	return 1;
}

/* Reads @path (a CPU's text, or the instance's with every CPU's) into the
 * CPUs' peek lines. Returns the lines that had no fields, or -errno. */
static int peek_file(struct trace_raw *t, const char *path, int only_cpu)
{
	char line[1024];
	unsigned broken = 0;
	FILE *f;
	int fd = root_open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -ENOENT;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		struct peek p;
		struct cpu *c = NULL;
		unsigned nr;
		int k = parse_text_line(line, &p, &nr);

		if (k < 0)
			broken++;
		if (k <= 0)
			continue;
		if (only_cpu >= 0 && nr != (unsigned)only_cpu)
			continue;
		for (unsigned i = 0; i < t->ncpus && !c; i++)
			if (t->cpus[i].nr == nr)
				c = &t->cpus[i];
		if (!c || c->npeek >= PEEK_LINES_MAX)
			continue;
		if (!c->peek && !(c->peek = malloc(PEEK_LINES_MAX * sizeof(*c->peek)))) {
			fclose(f);
			return -ENOMEM;
		}
		c->peek[c->npeek++] = p;
		if (only_cpu >= 0 && c->npeek >= PEEK_LINES_MAX)
			break;
	}
	fclose(f);
	return (int)broken;
}

/* A CPU's own text file into its peek lines, which start again */
static int peek_cpu(struct trace_raw *t, struct cpu *c)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/per_cpu/cpu%u/trace", t->instance, c->nr);
	c->npeek = c->peek_at = 0;
	return peek_file(t, path, (int)c->nr);
}

/*
 * The text of each CPU, read (it does not consume) just before its pages:
 * its oldest lines are the records read next, in the same order. Each CPU's
 * own file when the instance has them, else the instance's.
 */
static int peek_text(struct trace_raw *t)
{
	char path[4200];
	int broken = 0, r = -ENOENT, k;
	bool any = false;

	for (unsigned i = 0; i < t->ncpus; i++)
		t->cpus[i].npeek = t->cpus[i].peek_at = 0;
	for (unsigned i = 0; i < t->ncpus; i++) {
		k = peek_cpu(t, &t->cpus[i]);
		if (k == -ENOENT)
			break;
		if (k < 0)
			return k;
		broken += k;
		any = true;
	}
	if (!any) {
		snprintf(path, sizeof(path), "%s/trace", t->instance);
		r = peek_file(t, path, -1);
		if (r == -ENOENT)
			return 0;       /* not there (an old test tree): the engine resolves */
		if (r < 0)
			return r;
		broken = r;
	}
	t->st.peeks++;
	/* the kernel's text is broken with hash-ptr off: on, the strings are
	 * right (the nodes are hashed, and the records are matched without them) */
	if (broken && !t->text_hashed) {
		char opt[4200], buf[16];

		snprintf(opt, sizeof(opt), "%s/options/hash-ptr", t->instance);
		if (root_read_line(opt, buf, sizeof(buf)) > 0 && buf[0] == '0' && root_write(opt, "1") >= 0) {
			t->text_hashed = true;
			t->st.text_broken++;
		}
	}
	return 0;
}

static int learn(struct trace_raw *t, uint64_t ptr, const char *s)
{
	char *c;

	if (!ptr || hashmap_get(&t->strings, ptr))
		return 0;
	c = strdup(s);
	if (!c || hashmap_put(&t->strings, ptr, c) < 0) {
		free(c);
		return -ENOMEM;
	}
	t->st.learnt++;
	/* a name already written as its address: the reader renames those */
	if (hashmap_remove(&t->unnamed, ptr) &&
	    strbuf_appendf(&t->names_late, DRC_NAME_LINE "%0*" PRIx64 " %s\n", (int)t->ev.node_digits, ptr, s) < 0)
		return -ENOMEM;
	if (!strcmp(s, "ADD") || !strcmp(s, "REL") || !strcmp(s, "REM") || !strcmp(s, "REPLACE"))
		t->ops_learnt++;
	return 0;
}

/* How far ahead of the expected line a record is looked for: lines whose
 * records were overwritten before the pages were read. */
#define PEEK_RESYNC 512

/*
 * The record read next on a CPU is its text's next line (same time to the
 * microsecond, device and size), unless records were overwritten between
 * the text and the read: then a later one.
 */
static int learn_from_peek(struct trace_raw *t, struct cpu *c, const struct rec *r, const char *dev, size_t dlen)
{
	uint64_t usec = devres_event_usec(r->ts), dh = hash_bytes(dev, dlen);
	size_t end = c->peek_at + PEEK_RESYNC < c->npeek ? c->peek_at + PEEK_RESYNC : c->npeek;
	int e;

	for (size_t k = c->peek_at; k < end; k++) {
		const struct peek *p = &c->peek[k];

		if (p->usec > usec)
			break;  /* the text is in time order: not shown */
		if (p->usec != usec || p->size != r->size || p->dev_hash != dh)
			continue;
		c->peek_at = k + 1;
		e = learn(t, r->op, p->op);
		if (e >= 0 && r->name_is_ptr)
			e = learn(t, r->name_ptr, p->name);
		return e;
	}
	return 0;
}

static bool known(const struct trace_raw *t, const struct rec *r)
{
	return r->lost || r->foreign || (hashmap_get(&t->strings, r->op) &&
			   (!r->name_is_ptr || hashmap_get(&t->strings, r->name_ptr)));
}

/* ---- records ---- */

static int hold(struct trace_raw *t, const struct rec *r, const char *dev, size_t dlen, const char *name,
		size_t nlen)
{
	struct rec *h;

	if (array_grow(&t->held, &t->held_cap, t->nheld, sizeof(*t->held), 64) < 0)
		return -ENOMEM;
	h = &t->held[t->nheld++];
	*h = *r;
	h->order = ++t->order;
	if (!r->foreign)
		h->dev_hash = hash_bytes(dev, dlen);
	h->dev_off = t->text.len;
	if (strbuf_append(&t->text, dev, dlen) < 0 || strbuf_append(&t->text, "", 1) < 0)
		return -ENOMEM;
	h->name_off = t->text.len;
	if (strbuf_append(&t->text, name, nlen) < 0 || strbuf_append(&t->text, "", 1) < 0)
		return -ENOMEM;
	return 0;
}

static void put_string_or_address(char *buf, size_t len, const struct trace_raw *t, uint64_t ptr)
{
	const char *s = hashmap_get(&t->strings, ptr);

	if (s)
		snprintf(buf, len, "%s", s);
	else
		devres_event_address(buf, len, t->ev.node_digits, ptr);
}

static int write_rec(struct trace_raw *t, const struct rec *r, trace_raw_line_fn fn, void *userdata)
{
	char line[1024], op[40], name[256];
	const char *dev = t->text.buf + r->dev_off;
	int n;

	if (r->foreign)
		return fn(userdata, dev, r->name_off - r->dev_off - 1);
	if (r->lost)
		n = devres_event_lost_line(line, sizeof(line), r->cpu, r->lost);
	else {
		put_string_or_address(op, sizeof(op), t, r->op);
		if (r->name_is_ptr)
			put_string_or_address(name, sizeof(name), t, r->name_ptr);
		else
			snprintf(name, sizeof(name), "%s", t->text.buf + r->name_off);
		if (!known(t, r))
			t->st.unresolved++;
		if (r->name_is_ptr && !hashmap_get(&t->strings, r->name_ptr) &&
		    hashmap_put(&t->unnamed, r->name_ptr, (void *)1) < 0)
			return -ENOMEM;
		n = devres_event_line(line, sizeof(line), &t->ev, r->pid, r->cpu, r->ts, dev, op, r->node, name,
				      r->size);
	}
	if (n < 0)
		return n;
	return fn(userdata, line, (size_t)n);
}

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	/* a page's loss before its first record; records of one CPU in the
	 * order it logged them (qsort is not stable) */
	if (!x->lost != !y->lost)
		return x->lost ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static const char *rec_op(const struct trace_raw *t, const struct rec *r)
{
	return r->foreign || r->lost ? NULL : hashmap_get(&t->strings, r->op);
}

/*
 * dd.c sends a device's unbind uevent right after its release batch and
 * its bind uevent right after the probe's ADDs (DESIGN.md 2.4). Received a
 * little later, they land among the next cycle's records; a slow reader
 * receives several cycles' late, in order. So, from the device's previous
 * uevent on: an unbind or remove goes right after the first run of RELs,
 * a bind right after the first run of ADDs, when the device has records of
 * the other kind after that run (else it is in place already).
 */
static int place_uevents(struct trace_raw *t)
{
	for (size_t i = 0; i < t->nheld; i++) {
		size_t n = 1, from = 0, target = SIZE_MAX;
		const char *want;
		bool in_run = false, after = false;
		uint64_t dh = t->held[i].dev_hash;
		struct rec *block;

		if (!t->held[i].foreign || (t->held[i].uevent != UEVENT_UNBIND && t->held[i].uevent != UEVENT_BIND))
			continue;
		want = t->held[i].uevent == UEVENT_UNBIND ? "REL" : "ADD";
		/* the uevent's own lines: its properties up to the blank line
		 * (they share its time); a kmsg record read right after it may
		 * share the time too (the clock is read once per few lines),
		 * and must not move with it ahead of the records before it */
		while (i + n < t->nheld && t->held[i + n].foreign && t->held[i + n].ts == t->held[i].ts &&
		       t->text.buf[t->held[i + n - 1].dev_off] != '\0')
			n++;
		/* the device's previous uevent */
		for (size_t j = i; j-- > 0;)
			if (t->held[j].foreign && t->held[j].uevent && t->held[j].dev_hash == dh) {
				from = j + 1;
				break;
			}
		for (size_t j = from; j < i; j++) {
			const struct rec *r = &t->held[j];
			const char *op;

			if (r->foreign || r->lost || r->dev_hash != dh)
				continue;
			if (!(op = rec_op(t, r))) {
				target = SIZE_MAX;      /* not known: leave it */
				break;
			}
			if (strcmp(op, want) == 0 && (in_run || target == SIZE_MAX)) {
				target = j;
				in_run = true;
			} else if (target != SIZE_MAX) {
				in_run = false;
				after = true;   /* the run is followed by the device's other records */
			}
		}
		if (target == SIZE_MAX || !after)
			continue;
		block = malloc(n * sizeof(*block));
		if (!block)
			return -ENOMEM;
		memcpy(block, t->held + i, n * sizeof(*block));
		/* its time now the run's end, so that a later sort keeps it there */
		for (size_t k = 0; k < n; k++)
			block[k].ts = t->held[target].ts;
		memmove(t->held + target + 1 + n, t->held + target + 1, (i - target - 1) * sizeof(*block));
		memcpy(t->held + target + 1, block, n * sizeof(*block));
		free(block);
		t->st.placed++;
		i += n - 1;
	}
	return 0;
}

/*
 * The held records in time order. Those held since the last time are
 * sorted alone and merged in: under a flood a flush comes every few
 * thousand records, and sorting everything each time cost more than all
 * the rest of the reading.
 */
static int sort_held(struct trace_raw *t)
{
	size_t a = 0, b = t->nsorted, k = 0;

	if (t->nsorted >= t->nheld)
		return 0;
	qsort(t->held + t->nsorted, t->nheld - t->nsorted, sizeof(*t->held), cmp_rec);
	if (!t->nsorted || cmp_rec(&t->held[t->nsorted - 1], &t->held[t->nsorted]) <= 0) {
		t->nsorted = t->nheld;
		return 0;
	}
	if (t->merge_cap < t->nheld) {
		struct rec *m = realloc(t->merge, t->held_cap * sizeof(*m));

		if (!m)
			return -ENOMEM;
		t->merge = m;
		t->merge_cap = t->held_cap;
	}
	while (a < t->nsorted && b < t->nheld)
		t->merge[k++] = cmp_rec(&t->held[b], &t->held[a]) < 0 ? t->held[b++] : t->held[a++];
	while (a < t->nsorted)
		t->merge[k++] = t->held[a++];
	while (b < t->nheld)
		t->merge[k++] = t->held[b++];
	memcpy(t->held, t->merge, t->nheld * sizeof(*t->held));
	t->nsorted = t->nheld;
	return 0;
}

/*
 * The strings of the records still held, alone: under a steady load
 * something is always held, and the text would only grow.
 */
static int compact_text(struct trace_raw *t)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < t->nheld; i++) {
		struct rec *h = &t->held[i];
		size_t len = h->name_off - h->dev_off + strlen(t->text.buf + h->name_off) + 1;
		size_t at = sb.len;

		if (strbuf_append(&sb, t->text.buf + h->dev_off, len) < 0) {
			strbuf_done(&sb);
			return -ENOMEM;
		}
		h->name_off = at + (h->name_off - h->dev_off);
		h->dev_off = at;
	}
	strbuf_done(&t->text);
	t->text = sb;
	t->text_compacted = sb.len;
	t->st.compactions++;
	return 0;
}

/* The names learnt since the last flush that went out as addresses before. */
static int write_names_late(struct trace_raw *t, trace_raw_line_fn fn, void *userdata)
{
	struct strbuf lines = t->names_late;
	int r = 0;

	t->names_late = (struct strbuf)STRBUF_INIT;
	for (size_t at = 0, nl; at < lines.len && r >= 0; at = nl + 1) {
		nl = (size_t)((char *)memchr(lines.buf + at, '\n', lines.len - at) - lines.buf);
		r = fn(userdata, lines.buf + at, nl - at);
	}
	strbuf_done(&lines);
	return r < 0 ? r : 0;
}

/* Writes the held records in time order, up to the first that still waits
 * (unless it waited long enough, or @all). */
int trace_raw_flush(struct trace_raw *t, bool all, trace_raw_line_fn fn, void *userdata)
{
	uint64_t now = now_msec(), settled = now_usec() * 1000 - TRACE_RAW_SETTLE_MS * 1000000;
	size_t i = 0;
	int r = write_names_late(t, fn, userdata);

	if (r < 0 || !t->nheld)
		return r;
	if ((r = sort_held(t)) < 0 || (r = place_uevents(t)) < 0)
		return r;
	for (; i < t->nheld && r >= 0; i++) {
		struct rec *h = &t->held[i];

		if (!all && !known(t, h) && now < h->held_since + TRACE_RAW_HOLD_MS)
			break;
		/* a uevent about it may still be on its way */
		if (!all && t->mono && h->ts > settled)
			break;
		r = write_rec(t, h, fn, userdata);
	}
	memmove(t->held, t->held + i, (t->nheld - i) * sizeof(*t->held));
	t->nheld -= i;
	t->nsorted -= i;
	if (!t->nheld)
		strbuf_clear(&t->text);
	else if (t->text.len > 256 * 1024 && t->text.len > 2 * t->text_compacted && compact_text(t) < 0 && r >= 0)
		r = -ENOMEM;
	return r;
}

/* The page header: u64 time stamp, then a long whose low 27 bits are the
 * bytes of events, bit 31 "events missed", bit 30 "their count stored
 * after the events" (kernel/trace/ring_buffer.c); no other bit is set. */
#define COMMIT_MASK ((1ull << 27) - 1)
#define MISSED_EVENTS (1ull << 31)
#define MISSED_STORED (1ull << 30)

static uint32_t page_u32(const struct trace_raw *t, size_t at)
{
	uint32_t v;

	memcpy(&v, (const char *)t->page + at, 4);
	return v;
}

/*
 * Whether kbuffer can walk the page: it trusts the commit word and each
 * event's length (a padding event of length -4 makes its next_event() loop
 * on one spot for ever). The walk below computes each event's end as
 * kbuffer's translate_data() does, and the page is handed to kbuffer only
 * when every event ends after it starts and inside the bytes read.
 * @n: the bytes read() gave.
 */
static bool page_walkable(const struct trace_raw *t, size_t n)
{
	size_t lsize = (size_t)tep_get_long_size(t->tep) == 4 ? 4 : 8, hdr = 8 + lsize, off = 0;
	bool big = tep_is_bigendian();
	uint64_t commit = 0, size;

	if (n < hdr)
		return false;
	if (lsize == 4)
		commit = page_u32(t, 8);
	else
		memcpy(&commit, (const char *)t->page + 8, 8);
	/* RB_MISSED_EVENTS is (1 << 31), an int: or'ed into the long commit
	 * word it sets the upper half too (seen on 6.1 under overrun) */
	if (lsize == 8 && (commit & MISSED_EVENTS) && (commit >> 32) == 0xffffffffu)
		commit &= 0xffffffffu;
	if (commit & ~(COMMIT_MASK | MISSED_EVENTS | MISSED_STORED))
		return false;
	size = commit & COMMIT_MASK;
	if (size > n - hdr || size + ((commit & MISSED_STORED) ? lsize : 0) > t->page_size - hdr)
		return false;
	while (off < size) {
		uint32_t h = page_u32(t, hdr + off), type_len = big ? h >> 27 : h & 0x1f;
		int64_t next;

		if (off + 4 > size)
			return false;
		switch (type_len) {
		case 29:        /* padding: its length in the next word */
			if (off + 8 > size)
				return false;
			next = (int64_t)off + 4 + (int32_t)page_u32(t, hdr + off + 4);
			break;
		case 30:        /* time extend */
		case 31:        /* absolute time stamp */
			next = (int64_t)off + 8;
			break;
		case 0:         /* the length in the next word, itself included */
			if (off + 8 > size || page_u32(t, hdr + off + 4) < 8)
				return false;
			next = (int64_t)off + 8 + (((int64_t)page_u32(t, hdr + off + 4) - 4 + 3) & ~(int64_t)3);
			break;
		default:
			next = (int64_t)off + 4 + (int64_t)type_len * 4;
			break;
		}
		if (next <= (int64_t)off || next > (int64_t)size)
			return false;
		off = (size_t)next;
	}
	return true;
}

/* "KEY: N" of per_cpu/cpuN/stats */
static bool cpu_stat(const struct trace_raw *t, const struct cpu *c, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);
	char rel[4200], line[256];
	bool found = false;
	FILE *f;
	int fd;

	snprintf(rel, sizeof(rel), "%s/per_cpu/cpu%u/stats", t->instance, c->nr);
	fd = root_open(rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return false;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		char *end;
		unsigned long long v;

		if (strncmp(line, key, klen) != 0 || line[klen] != ':')
			continue;
		errno = 0;
		v = strtoull(line + klen + 1, &end, 10);
		if (end != line + klen + 1 && !errno) {
			*ret = v;
			found = true;
		}
	}
	fclose(f);
	return found;
}

/* "overrun: N": events the writer overwrote so far */
static bool cpu_overrun(const struct trace_raw *t, const struct cpu *c, uint64_t *ret)
{
	return cpu_stat(t, c, "overrun", ret);
}

/*
 * A page says events were missed before it, with their count or without:
 * the CPU's overrun counter, where it can be read, gives the count (and
 * bounds a stored one: no event is counted twice). Returns the count (0
 * when the counter has no overwrite left that was not written), or -1
 * when nobody says.
 */
static int64_t missed_count(struct trace_raw *t, struct cpu *c, int missed)
{
	uint64_t over = 0;
	bool have = c->have_overrun && cpu_overrun(t, c, &over);

	/* 0: the counter says every overwrite is written already */
	return devres_event_missed(have, over, &c->accounted, missed);
}

static int hold_lost(struct trace_raw *t, struct cpu *c, int64_t count, uint64_t ts, uint64_t now)
{
	struct rec lost = { .ts = ts, .cpu = c->nr, .lost = count, .held_since = now };

	if (count > 0)
		t->st.lost += (uint64_t)count;
	else
		t->st.lost_unknown++;
	return hold(t, &lost, "", 0, "", 0);
}

/* The records a page can hold at most: each event takes 4 bytes or more. */
#define PAGE_EVENTS_MAX(size) ((size) / 4 + 1)

static int read_page(struct trace_raw *t, struct cpu *c, uint64_t now)
{
	unsigned long long ts;
	void *data;
	ssize_t n;
	int missed, r, off = -1;
	size_t budget = PAGE_EVENTS_MAX(t->page_size);

	n = read(c->fd, t->page, t->page_size);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0) {
		c->ended = true;
		return 0;
	}
	if ((size_t)n < t->page_size)
		memset((char *)t->page + n, 0, t->page_size - (size_t)n);
	/* a page that says it holds more than it can, or whose events do not
	 * lead to its end, is skipped and counted, never handed to kbuffer */
	if (!page_walkable(t, (size_t)n) || kbuffer_load_subbuffer(t->kbuf, t->page) < 0) {
		int64_t count = missed_count(t, c, -1);

		t->st.bad_pages++;
		return count && hold_lost(t, c, count, 0, now) < 0 ? -ENOMEM : 1;
	}
	missed = kbuffer_missed_events(t->kbuf);
	if (missed) {
		int64_t count = missed_count(t, c, missed);

		data = kbuffer_read_event(t->kbuf, &ts);
		if (count && (r = hold_lost(t, c, count, data ? ts : 0, now)) < 0)
			return r;
	}
	for (data = kbuffer_read_event(t->kbuf, &ts); data && budget; data = kbuffer_next_event(t->kbuf, &ts), budget--) {
		struct tep_record rec = { .ts = ts, .data = data, .size = kbuffer_event_size(t->kbuf), .cpu = (int)c->nr };
		struct devres_record d;
		int at = kbuffer_curr_offset(t->kbuf);
		struct rec out = { .ts = ts, .cpu = c->nr, .held_since = now };
		enum devres_decode k;

		/* no step back: whatever the page says, the walk ends */
		if (at <= off)
			break;
		off = at;
		k = devres_event_decode(t->tep, &t->ev, &rec, &d);
		if (k == DEVRES_OTHER)
			continue;
		t->st.records++;
		if (k == DEVRES_NO_DEVNAME)
			continue;
		/* a record devres.c never logged is counted, not written */
		if (k == DEVRES_NO_OP) {
			t->st.non_events++;
			continue;
		}
		out.pid = d.pid;
		out.op = d.op, out.node = d.node, out.size = d.size;
		out.name_is_ptr = d.name_is_ptr, out.name_ptr = d.name_ptr;
		if ((r = learn_from_peek(t, c, &out, d.dev, d.dlen)) < 0)
			return r;
		if (!known(t, &out))
			t->saw_unknown = true;
		r = hold(t, &out, d.dev, d.dlen, d.name, d.nlen);
		if (r < 0)
			return r;
	}
	return 1;
}

void trace_raw_set_mono(struct trace_raw *t, bool mono)
{
	t->mono = mono;
}

int trace_raw_hold_line(struct trace_raw *t, uint64_t ts, const char *line, size_t len)
{
	/* (a foreign line never waits for a string: no time of holding) */
	struct rec r = { .ts = ts, .cpu = UINT_MAX, .foreign = true };
	struct source_udev_header h;

	/* a uevent's action and device, once (place_uevents() reads them at
	 * every flush) */
	if (source_udev_header(line, len, &h)) {
#define IS(w) (h.action_len == sizeof(w) - 1 && memcmp(h.action, w, h.action_len) == 0)
		r.dev_hash = hash_bytes(h.name, h.name_len);
		r.uevent = IS("unbind") || IS("remove") ? UEVENT_UNBIND : IS("bind") ? UEVENT_BIND : UEVENT_OTHER;
#undef IS
	}
	return hold(t, &r, line, len, "", 0);
}

int trace_raw_skip(struct trace_raw *t)
{
	for (unsigned i = 0; i < t->ncpus; i++) {
		for (unsigned pages = 0; pages < 1u << 20; pages++) {
			ssize_t n = read(t->cpus[i].fd, t->page, t->page_size);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
		}
		/* what was overwritten before now is not this run's loss */
		t->cpus[i].have_overrun = cpu_overrun(t, &t->cpus[i], &t->cpus[i].accounted);
	}
	return 0;
}

/* Pages read from one CPU at most per call: one busy CPU must not starve
 * the loop, nor a burst keep the caller from its signals. */
#define TRACE_RAW_PAGES 64

/*
 * Reading a CPU's pages consumes them, and with them the text of their
 * records: a string the text did not show by then is never learnt (a
 * probe's burst written between the peek and the read, before v6.13 where
 * every name is a pointer). So just before the pages are read, a CPU whose
 * buffer holds more entries than its text showed (per_cpu/cpuN/stats) is
 * peeked again, a few times at most while the burst goes on.
 */
#define REPEEK_MAX 3

/* @most: the entries above which the text is not read (UINT64_MAX: any) */
static int repeek_cpu(struct trace_raw *t, struct cpu *c, uint64_t most)
{
	uint64_t entries;

	for (unsigned n = 0; n < REPEEK_MAX && c->npeek < PEEK_LINES_MAX; n++) {
		int k;

		if (!cpu_stat(t, c, "entries", &entries) || entries <= c->npeek || entries > most)
			return 0;
		k = peek_cpu(t, c);
		if (k == -ENOENT)
			return 0;
		if (k < 0)
			return k;
		t->st.repeeks++;
	}
	return 0;
}

int trace_raw_read(struct trace_raw *t, trace_raw_line_fn fn, void *userdata)
{
	uint64_t now = now_msec(), records = t->st.records;
	bool peeked = false;
	int r;

	/* the text before the pages it shows are consumed: when a string was
	 * unknown lately (before v6.13, each release function has its own), at
	 * the first read of a burst (a probe brings its driver's functions
	 * unannounced), and now and then while an op has not been seen yet
	 * (many drivers never REM or REPLACE); not before every read of a flood */
	if (t->need_peek || now >= t->records_ms + TRACE_RAW_BURST_MS ||
	    (t->ops_learnt < 4 && now >= t->peeked_ms + TRACE_RAW_HOLD_MS)) {
		if ((r = peek_text(t)) < 0)
			return r;
		t->peeked_ms = now;
		peeked = true;
	}
	t->saw_unknown = false;
	for (unsigned i = 0; i < t->ncpus; i++) {
		struct cpu *c = &t->cpus[i];

		if (c->ended)
			continue;
		if ((r = repeek_cpu(t, c, peeked ? UINT64_MAX : TRACE_RAW_PEEK_CHEAP)) < 0)
			return r;
		for (unsigned pages = 0; pages < TRACE_RAW_PAGES; pages++) {
			r = read_page(t, c, now);
			if (r < 0)
				return r;
			if (r == 0)
				break;
		}
		c->npeek = c->peek_at = 0;      /* what it showed is read now */
	}
	/* a read that found nothing says nothing: the next burst of records
	 * may bring the unknown string again */
	if (t->st.records != records) {
		t->need_peek = t->saw_unknown;
		t->records_ms = now;
	}
	/* files at their end (tests): nothing more will come to wait for */
	for (unsigned i = 0; i < t->ncpus; i++)
		if (!t->cpus[i].ended)
			return trace_raw_flush(t, false, fn, userdata);
	return trace_raw_flush(t, true, fn, userdata);
}

int trace_raw_finish(struct trace_raw *t, trace_raw_line_fn fn, void *userdata)
{
	uint64_t now = now_msec();
	int r = 0;

	/* what the buffer holds now was logged while recording */
	for (unsigned i = 0; i < t->ncpus && r >= 0; i++)
		for (unsigned pages = 0; pages < TRACE_RAW_PAGES * 16 && !t->cpus[i].ended && r >= 0; pages++)
			if ((r = read_page(t, &t->cpus[i], now)) == 0)
				break;
	if (r < 0)
		return r;
	/* overwritten, and no page told (the writer lapped the reader at the end) */
	for (unsigned i = 0; i < t->ncpus; i++) {
		struct cpu *c = &t->cpus[i];
		uint64_t over;

		if (c->have_overrun && cpu_overrun(t, c, &over) && over > c->accounted) {
			if ((r = hold_lost(t, c, (int64_t)(over - c->accounted), now_usec() * 1000, now)) < 0)
				return r;
			c->accounted = over;
		}
	}
	return trace_raw_flush(t, true, fn, userdata);
}

#endif
