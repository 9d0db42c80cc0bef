// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --boot, --since and --until (journalctl's options) on captures: the time
 * and boot each line carries, one first reading of a capture that finds
 * its boots and the lines the options choose, and the findings those lines
 * keep. capture.c reads the chosen lines into the engine, several captures
 * merged by time when their clocks agree.
 */
#include "config.h"

#include "timesel.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "capture.h"
#include "command.h"
#include "exit-codes.h"
#include "output.h"
#include "shared/log.h"
#include "sources/source-file.h"

#define USEC_PER_SEC INT64_C(1000000)

/* ---- the options ---- */

int selection_boot_option(const struct command *cmd, const char *arg, struct selection *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno || v < -100000 || v > 100000)
		return usage_error(cmd, "invalid --boot '%s': expected a boot number (1 the first, 0 the last, -1 the one before)", arg);
	s->have_boot = true;
	s->boot = v;
	s->boot_negative = arg[0] == '-';
	return 0;
}

/* "12", "12.5", "12.5s": seconds since boot */
static bool parse_mono(const char *arg, int64_t *usec)
{
	int64_t sec = 0, frac = 0;
	unsigned digits = 0, fd = 0;
	const char *p = arg;

	for (; isdigit((unsigned char)*p) && digits < 12; p++, digits++)
		sec = sec * 10 + (*p - '0');
	if (!digits)
		return false;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			if (fd < 6)
				frac = frac * 10 + (*p - '0'), fd++;
	for (; fd < 6; fd++)
		frac *= 10;
	if (*p == 's')
		p++;
	*usec = sec * USEC_PER_SEC + frac;
	return *p == '\0';
}

/* The local time of @tm (tm_isdst unknown) in usec since the epoch. */
static int64_t local_usec(struct tm *tm)
{
	time_t t;

	tm->tm_isdst = -1;
	t = mktime(tm);
	return t == (time_t)-1 ? -1 : (int64_t)t * USEC_PER_SEC;
}

/*
 * journalctl's absolute forms: "YYYY-MM-DD[ HH:MM[:SS[.frac]]]" (also with
 * a 'T'), "HH:MM[:SS]" today, "now", "today", "yesterday", "@SECONDS" since
 * the epoch; local time.
 */
static bool parse_wall(const char *arg, int64_t *usec)
{
	struct tm tm, now_tm;
	time_t now = time(NULL);
	const char *p;
	int64_t frac = 0, r;
	unsigned fd = 0;

	(void)localtime_r(&now, &now_tm);
	if (arg[0] == '@') {
		if (!parse_mono(arg + 1, usec))
			return false;
		return true;
	}
	if (strcmp(arg, "now") == 0) {
		*usec = (int64_t)now * USEC_PER_SEC;
		return true;
	}
	tm = now_tm;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	if (strcmp(arg, "today") == 0 || strcmp(arg, "yesterday") == 0) {
		if (arg[0] == 'y')
			tm.tm_mday--;
		*usec = local_usec(&tm);
		return *usec >= 0;
	}
	memset(&tm, 0, sizeof(tm));
	p = strptime(arg, "%Y-%m-%d", &tm);
	if (p) {
		if (*p == ' ' || *p == 'T')
			p++;
		else if (*p)
			return false;
	} else {
		tm = now_tm;
		p = arg;
	}
	if (*p) {
		const char *q = strptime(p, "%H:%M:%S", &tm);

		if (!q) {
			tm.tm_sec = 0;
			q = strptime(p, "%H:%M", &tm);
		}
		if (!q)
			return false;
		p = q;
		if (*p == '.')
			for (p++; isdigit((unsigned char)*p); p++)
				if (fd < 6)
					frac = frac * 10 + (*p - '0'), fd++;
		if (*p)
			return false;
		for (; fd < 6; fd++)
			frac *= 10;
	} else {
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	}
	r = local_usec(&tm);
	if (r < 0)
		return false;
	*usec = r + frac;
	return true;
}

int selection_time_option(const struct command *cmd, const char *opt, const char *arg,
			  struct time_point *t)
{
	*t = (struct time_point){ .set = true, .arg = arg };
	if (parse_mono(arg, &t->usec))
		return 0;
	t->wall = true;
	if (parse_wall(arg, &t->usec))
		return 0;
	return usage_error(cmd, "invalid --%s '%s': expected seconds since boot (12.5) or a date and time "
			   "(2026-11-22 10:29:26, 10:29, today, yesterday, now, @EPOCH)", opt, arg);
}

int selection_option(const struct command *cmd, int which, const char *arg, struct selection *s)
{
	if (which == 0)
		return selection_boot_option(cmd, arg, s);
	return which == 1 ? selection_time_option(cmd, "since", arg, &s->since) :
			    selection_time_option(cmd, "until", arg, &s->until);
}

int selection_check(const struct command *cmd, const struct selection *s)
{
	if (s->since.set && s->until.set && s->since.wall != s->until.wall)
		return usage_error(cmd, "--since '%s' and --until '%s': give both as seconds since boot or both as times of day",
				   s->since.arg, s->until.arg);
	if (s->since.set && s->until.set && s->since.usec > s->until.usec)
		return usage_error(cmd, "--since '%s' is after --until '%s'", s->since.arg, s->until.arg);
	return 0;
}

/* ---- the time a line carries ---- */

static const char *find(const char *l, size_t len, const char *needle)
{
	return memmem(l, len, needle, strlen(needle));
}

/* digits and an optional fraction ("126.886032") as usec; the characters read, 0 for none */
static size_t read_seconds(const char *l, size_t len, int64_t *usec)
{
	int64_t sec = 0, frac = 0;
	size_t i = 0, fd = 0;

	for (; i < len && isdigit((unsigned char)l[i]) && i < 12; i++)
		sec = sec * 10 + (l[i] - '0');
	/* none, or more seconds than 12 digits (the engine's limit too) */
	if (!i || (i < len && isdigit((unsigned char)l[i])))
		return 0;
	if (i < len && l[i] == '.')
		for (i++; i < len && isdigit((unsigned char)l[i]); i++)
			if (fd < 6)
				frac = frac * 10 + (l[i] - '0'), fd++;
	for (; fd < 6; fd++)
		frac *= 10;
	*usec = sec * USEC_PER_SEC + frac;
	return i;
}

/* a decimal number of usec after "KEY=" or "\"KEY\":\"": -1 for none, or
 * one too long for 64 bits (18 digits are 31 years) */
static int64_t read_usec(const char *p, const char *end)
{
	int64_t v = 0;
	size_t n = 0;

	for (; p < end && isdigit((unsigned char)*p); p++, n++) {
		if (n == 18)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return n ? v : -1;
}

/* "[  126.886032]" at @i: the index after ']', 0 if there is none */
static size_t bracket_mono(const char *l, size_t len, size_t i, int64_t *mono)
{
	size_t j = i + 1, n;
	int64_t v;

	if (i >= len || l[i] != '[')
		return 0;
	while (j < len && l[j] == ' ')
		j++;
	n = read_seconds(l + j, len - j, &v);
	if (!n || j + n >= len || l[j + n] != ']')
		return 0;
	*mono = v;
	return j + n + 1;
}

/* "hh:mm:ss[.frac]" into @tm; the characters read, 0 if not */
static size_t read_clock(const char *l, size_t len, struct tm *tm, int64_t *frac)
{
	int v[3];
	size_t i = 0;

	for (int k = 0; k < 3; k++) {
		if (i + 2 > len || !isdigit((unsigned char)l[i]) || !isdigit((unsigned char)l[i + 1]))
			return 0;
		v[k] = (l[i] - '0') * 10 + (l[i + 1] - '0');
		i += 2;
		if (k < 2) {
			if (i >= len || l[i] != ':')
				return 0;
			i++;
		}
	}
	tm->tm_hour = v[0], tm->tm_min = v[1], tm->tm_sec = v[2];
	*frac = 0;
	if (i < len && (l[i] == '.' || l[i] == ',')) {
		size_t fd = 0;

		for (i++; i < len && isdigit((unsigned char)l[i]); i++)
			if (fd < 6)
				*frac = *frac * 10 + (l[i] - '0'), fd++;
		for (; fd < 6; fd++)
			*frac *= 10;
	}
	return i;
}

static int month_of(const char *l, size_t len)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	if (len < 3)
		return -1;
	for (int m = 0; m < 12; m++)
		if (memcmp(l, months + 3 * m, 3) == 0)
			return m;
	return -1;
}

/*
 * The time of day at the start of @l: BSD syslog "Mar  8 22:20:36", ISO
 * "2023-03-10T23:42:01[.frac][Z|+01:00|+0100]", dmesg -T's "Fri Mar 10
 * 23:42:01 2023" (inside its brackets). Local time unless an offset says.
 */
static int64_t read_wall(const char *l, size_t len, int year_hint, bool *no_year)
{
	struct tm tm = { 0 };
	int64_t frac, base;
	size_t i = 0, n;
	int m;

	*no_year = false;
	if (len >= 19 && isdigit((unsigned char)l[0]) && l[4] == '-' && l[7] == '-' &&
	    (l[10] == 'T' || l[10] == ' ')) {
		int off = 0;
		bool utc = false;

		if (sscanf(l, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
			return -1;
		tm.tm_year -= 1900;
		tm.tm_mon--;
		n = read_clock(l + 11, len - 11, &tm, &frac);
		if (!n)
			return -1;
		i = 11 + n;
		if (i < len && l[i] == 'Z') {
			utc = true;
		} else if (i + 3 <= len && (l[i] == '+' || l[i] == '-') && isdigit((unsigned char)l[i + 1])) {
			int hh = (l[i + 1] - '0') * 10 + (l[i + 2] - '0'), mm = 0;
			size_t k = i + 3;

			if (k < len && l[k] == ':')
				k++;
			if (k + 2 <= len && isdigit((unsigned char)l[k]) && isdigit((unsigned char)l[k + 1]))
				mm = (l[k] - '0') * 10 + (l[k + 1] - '0');
			off = (hh * 60 + mm) * 60 * (l[i] == '-' ? -1 : 1);
			utc = true;
		}
		if (utc)
			return ((int64_t)timegm(&tm) - off) * USEC_PER_SEC + frac;
		base = local_usec(&tm);
		return base < 0 ? -1 : base + frac;
	}
	/* "Fri Mar 10 23:42:01 2023": the weekday first */
	if (len > 4 && month_of(l, len) < 0 && l[3] == ' ')
		i = 4;
	m = month_of(l + i, len - i);
	if (m < 0 || i + 4 > len || l[i + 3] != ' ')
		return -1;
	i += 4;
	if (i < len && l[i] == ' ')
		i++;
	if (i >= len || !isdigit((unsigned char)l[i]))
		return -1;
	tm.tm_mon = m;
	tm.tm_mday = l[i++] - '0';
	if (i < len && isdigit((unsigned char)l[i]))
		tm.tm_mday = tm.tm_mday * 10 + (l[i++] - '0');
	if (i >= len || l[i] != ' ')
		return -1;
	n = read_clock(l + i + 1, len - i - 1, &tm, &frac);
	if (!n)
		return -1;
	i += 1 + n;
	if (i + 5 <= len && l[i] == ' ' && isdigit((unsigned char)l[i + 1]) && isdigit((unsigned char)l[i + 2]) &&
	    isdigit((unsigned char)l[i + 3]) && isdigit((unsigned char)l[i + 4])) {
		tm.tm_year = (l[i + 1] - '0') * 1000 + (l[i + 2] - '0') * 100 + (l[i + 3] - '0') * 10 +
			     (l[i + 4] - '0') - 1900;
	} else {
		tm.tm_year = year_hint - 1900;
		*no_year = true;
	}
	base = local_usec(&tm);
	return base < 0 ? -1 : base + frac;
}

/* "kern  :err   : " of dmesg -x: the index after it, 0 if not */
static size_t skip_facility(const char *l, size_t len)
{
	size_t i = 0;

	while (i < len && islower((unsigned char)l[i]))
		i++;
	if (!i || i > 8)
		return 0;
	while (i < len && l[i] == ' ')
		i++;
	if (i >= len || l[i] != ':')
		return 0;
	for (i++; i < len && islower((unsigned char)l[i]); i++)
		;
	while (i < len && l[i] == ' ')
		i++;
	if (i >= len || l[i] != ':')
		return 0;
	i++;
	return i < len && l[i] == ' ' ? i + 1 : i;
}

/* /dev/kmsg's "6,1234,126886032,-;": the usec, and true */
static bool kmsg_header(const char *l, size_t len, int64_t *mono)
{
	const char *semi = memchr(l, ';', len < 64 ? len : 64);
	size_t i = 0, commas = 0;
	int64_t v = -1;

	if (!semi || !len || !isdigit((unsigned char)l[0]))
		return false;
	for (; l + i < semi; i++) {
		if (l[i] == ',') {
			if (++commas == 2)
				v = read_usec(l + i + 1, semi);
		} else if (commas < 3 && !isdigit((unsigned char)l[i])) {
			return false;
		}
	}
	if (commas < 3 || v < 0)
		return false;
	*mono = v;
	return true;
}

/* A trace line: "task-pid [000] d.... 1.920000: event: ..." */
static bool trace_time(const char *l, size_t len, int64_t *mono)
{
	const char *cpu = memchr(l, '[', len < 64 ? len : 64), *end = l + (len < 120 ? len : 120);

	if (!cpu || l[0] == '#')
		return false;
	for (const char *p = memchr(cpu, ']', (size_t)(end - cpu)); p && p < end; p++) {
		int64_t v;
		size_t n;

		if (*p != ' ' || p + 1 >= end || !isdigit((unsigned char)p[1]))
			continue;
		n = read_seconds(p + 1, (size_t)(end - p - 1), &v);
		if (n && p + 1 + n < end && p[1 + n] == ':' && memchr(p + 1, '.', n)) {
			*mono = v;
			return true;
		}
	}
	return false;
}

/* printk's "Linux version 6.1.192 (...)" starting the message, as the
 * engine's boot banner reads it: its release in *rel */
static bool boot_banner(const char *l, size_t len, const char **rel, unsigned *rlen)
{
	const char *p = find(l, len, "Linux version "), *e;
	size_t off;

	if (!p)
		return false;
	off = (size_t)(p - l);
	if (off && !(l[off - 1] == ';' || l[off - 1] == '=' ||
		     (off >= 2 && l[off - 1] == ' ' && (l[off - 2] == ']' || l[off - 2] == ':'))))
		return false;
	p += 14;
	for (e = p; e < l + len && *e != ' '; e++)
		;
	*rel = p;
	*rlen = (unsigned)(e - p);
	return true;
}

static void journal_json(const char *l, size_t len, struct line_time *t)
{
	const char *p, *end = l + len;

	t->record = true;
	if ((p = find(l, len, "\"__REALTIME_TIMESTAMP\":\"")))
		t->wall = read_usec(p + 24, end);
	if ((p = find(l, len, "\"__MONOTONIC_TIMESTAMP\":\"")))
		t->mono = read_usec(p + 25, end);
	if ((p = find(l, len, "\"_BOOT_ID\":\""))) {
		const char *q = memchr(p + 12, '"', (size_t)(end - p - 12));

		if (q) {
			t->boot_id = p + 12;
			t->boot_id_len = (unsigned)(q - p - 12);
		}
	}
}

/*
 * The time on a line, in the forms the engine's transports read (DESIGN.md
 * 2.3); the engine decodes the message, this only its time and boot:
 *
 *   [  126.886032] msg                       dmesg, a console, journalctl -o short-monotonic
 *   kern  :err   : [  126.886032] msg        dmesg -x (also "<3>" of dmesg -r before it)
 *   [Fri Mar 10 23:42:01 2023] msg           dmesg -T: a time of day
 *   6,1234,126886032,-;msg                   /dev/kmsg: usec since boot
 *   task-1 [000] d.... 1.920000: devres_log: a trace (its default clock, local)
 *   KERNEL[1.942590] add ...                  udevadm monitor: its own CLOCK_MONOTONIC
 *   Mar  8 22:20:36 host kernel: [ 1.9] msg  syslog: a time of day (no year), then printk's
 *   2023-03-10T23:42:01.123+01:00 host kernel: msg   RFC 3339, journalctl -o short-iso
 *   __REALTIME_TIMESTAMP=, __MONOTONIC_TIMESTAMP=, _BOOT_ID=   journal export fields
 *   {"__CURSOR":..., "__REALTIME_TIMESTAMP":"...", ...}      journalctl -o json
 *   Linux version ..., -- Boot ... --, -- Reboot --          a boot starts
 *
 * A year-less time of day is taken in @year.
 */
static void line_time_read_year(const char *l, size_t len, int year, struct line_time *t)
{
	size_t i = 0, n;
	const char *k;

	*t = (struct line_time){ .mono = -1, .wall = -1 };
	if (len && l[len - 1] == '\r')
		len--;
	t->devres = find(l, len, "DEVRES ") != NULL;
	/* journalctl's separators, and journal export's fields */
	if (len >= 8 && memcmp(l, "-- Boot ", 8) == 0) {
		t->boot = true;
		return;
	}
	if (len >= 12 && memcmp(l, "-- Reboot --", 12) == 0) {
		t->boot = true;
		return;
	}
	if (len >= 9 && memcmp(l, "__CURSOR=", 9) == 0) {
		t->record = true;
		return;
	}
	if (len >= 21 && memcmp(l, "__REALTIME_TIMESTAMP=", 21) == 0) {
		t->wall = read_usec(l + 21, l + len);
		return;
	}
	if (len >= 22 && memcmp(l, "__MONOTONIC_TIMESTAMP=", 22) == 0) {
		t->mono = read_usec(l + 22, l + len);
		return;
	}
	if (len >= 9 && memcmp(l, "_BOOT_ID=", 9) == 0) {
		t->boot_id = l + 9;
		t->boot_id_len = (unsigned)(len - 9);
		return;
	}
	if (len && l[0] == '{' && find(l, len, "\"__CURSOR\"")) {
		journal_json(l, len, t);
		return;
	}
	t->boot = boot_banner(l, len, &t->kernel, &t->kernel_len);
	/* udevadm monitor: "KERNEL[1.942590] add ..." */
	if (len > 7 && (memcmp(l, "KERNEL[", 7) == 0 || memcmp(l, "UDEV", 4) == 0)) {
		const char *b = memchr(l, '[', len < 10 ? len : 10);

		if (b && read_seconds(b + 1, len - (size_t)(b + 1 - l), &t->mono)) {
			t->monitor = true;
			return;
		}
		t->mono = -1;
	}
	if (kmsg_header(l, len, &t->mono))
		return;
	while (i < len && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i < len && l[i] == '<') {
		size_t j = i + 1;

		while (j < len && isdigit((unsigned char)l[j]))
			j++;
		if (j < len && l[j] == '>')
			i = j + 1;
	}
	n = skip_facility(l + i, len - i);
	i += n;
	if (i < len && l[i] == '[') {
		if (bracket_mono(l, len, i, &t->mono))
			return;
		/* dmesg -T */
		t->wall = read_wall(l + i + 1, len - i - 1, year, &t->no_year);
		if (t->wall >= 0)
			return;
	}
	/* syslog, journalctl -o short*: a time of day, a host, "kernel: " */
	t->wall = read_wall(l + i, len - i, year, &t->no_year);
	if (t->wall >= 0) {
		k = find(l, len < 160 ? len : 160, " kernel: ");
		if (k)
			(void)bracket_mono(l, len, (size_t)(k + 9 - l), &t->mono);
		return;
	}
	(void)trace_time(l, len, &t->mono);
}

void line_time_read(const char *line, size_t len, struct line_time *ret)
{
	time_t now = time(NULL);
	struct tm tm;

	(void)localtime_r(&now, &tm);
	line_time_read_year(line, len, tm.tm_year + 1900, ret);
}

/* ---- the first reading ---- */

struct seg {
	struct line_range lines;
	struct line_range window;       /* first > last: none */
	bool named;                     /* a boot line or id named it */
	bool devres;
	bool has_mono, has_wall;
	struct capture_boot info;
};

struct scanner {
	const struct selection *sel;
	int year;
	struct seg *segs;
	unsigned nsegs, cap;
	bool journal;
	bool monitor;
	char boot_id[64];
	uint64_t record_line;           /* a journal record's first line, 0 outside one */
	bool record_timed;
	int64_t cur;                    /* the time the current line is judged by, or INT64_MIN */
	uint64_t lines;
	FILE *copy;
};

static int seg_new(struct scanner *sc, uint64_t first)
{
	if (sc->nsegs == sc->cap) {
		unsigned ncap = sc->cap ? 2 * sc->cap : 4;
		struct seg *n = realloc(sc->segs, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		sc->segs = n;
		sc->cap = ncap;
	}
	if (sc->nsegs)
		sc->segs[sc->nsegs - 1].lines.last = first - 1;
	sc->segs[sc->nsegs++] = (struct seg){
		.lines = { first, UINT64_MAX }, .window = { 1, 0 },
		.info = { .mono_first = -1, .mono_last = -1, .wall_first = -1, .wall_last = -1 },
	};
	sc->cur = INT64_MIN;
	return 0;
}

/* The time @sel's window is judged by on this line, or INT64_MIN for none. */
static int64_t judged_time(const struct scanner *sc, const struct line_time *t)
{
	const struct selection *sel = sc->sel;
	bool wall = (sel->since.set && sel->since.wall) || (sel->until.set && sel->until.wall);

	return wall ? (t->wall >= 0 ? t->wall : INT64_MIN) : (t->mono >= 0 ? t->mono : INT64_MIN);
}

static bool in_window(const struct selection *sel, int64_t t)
{
	if (t == INT64_MIN)     /* before the first time: only with no --since */
		return !sel->since.set;
	return (!sel->since.set || t >= sel->since.usec) && (!sel->until.set || t <= sel->until.usec);
}

static void window_add(struct seg *g, uint64_t first, uint64_t last)
{
	if (g->window.first > g->window.last) {
		g->window = (struct line_range){ first, last };
		return;
	}
	if (first < g->window.first)
		g->window.first = first;
	if (last > g->window.last)
		g->window.last = last;
}

static int scan_line(void *userdata, const char *line, size_t len, bool cut)
{
	struct scanner *sc = userdata;
	uint64_t n = ++sc->lines;
	struct line_time t;
	struct seg *g;
	int64_t jt;
	int r;

	if (sc->copy && (fwrite(line, 1, len, sc->copy) != len || fputc('\n', sc->copy) == EOF))
		return -errno;
	if (!sc->nsegs && (r = seg_new(sc, 1)) < 0)
		return r;
	line_time_read_year(line, cut ? 0 : len, sc->year, &t);
	if (t.record) {
		sc->journal = true;
		sc->record_line = n;
		sc->record_timed = false;
	}
	if (t.monitor)
		sc->monitor = true;
	g = &sc->segs[sc->nsegs - 1];
	/*
	 * A new boot, where the engine starts one (stream-messages.c): a boot
	 * line or a new journal boot id, unless the boot open so far had no
	 * name and no devres message (the first boot line of a capture names
	 * the boot already open).
	 */
	if ((t.boot && !sc->journal) || (t.boot_id && t.boot_id_len < sizeof(sc->boot_id) &&
					(strlen(sc->boot_id) != t.boot_id_len ||
					 memcmp(sc->boot_id, t.boot_id, t.boot_id_len) != 0))) {
		if (g->named || g->devres) {
			r = seg_new(sc, sc->journal && sc->record_line ? sc->record_line : n);
			if (r < 0)
				return r;
			g = &sc->segs[sc->nsegs - 1];
		}
		g->named = true;
		if (t.boot_id) {
			memcpy(sc->boot_id, t.boot_id, t.boot_id_len);
			sc->boot_id[t.boot_id_len] = '\0';
			snprintf(g->info.boot_id, sizeof(g->info.boot_id), "%s", sc->boot_id);
		}
	}
	if (t.kernel && !g->info.kernel[0] && t.kernel_len < sizeof(g->info.kernel)) {
		memcpy(g->info.kernel, t.kernel, t.kernel_len);
		g->info.kernel[t.kernel_len] = '\0';
	}
	g->devres |= t.devres;
	g->has_mono |= t.mono >= 0;
	g->has_wall |= t.wall >= 0;
	if (t.mono >= 0) {
		if (g->info.mono_first < 0)
			g->info.mono_first = t.mono;
		g->info.mono_last = t.mono;
	}
	if (t.wall >= 0) {
		if (g->info.wall_first < 0)
			g->info.wall_first = t.wall;
		g->info.wall_last = t.wall;
	}
	if (!selection_active(sc->sel) || (!sc->sel->since.set && !sc->sel->until.set))
		return 0;
	/* the window: a line is judged by the time of the record or line it
	 * is part of (udev properties, kmsg dictionaries follow their header) */
	jt = judged_time(sc, &t);
	if (jt != INT64_MIN) {
		bool first_time = sc->journal && sc->record_line && !sc->record_timed;

		sc->cur = jt;
		if (first_time) {
			sc->record_timed = true;
			if (in_window(sc->sel, jt))
				window_add(g, sc->record_line, n);
			return 0;
		}
	}
	if (in_window(sc->sel, sc->cur))
		window_add(g, n, n);
	return 0;
}

static const char *boots_word(unsigned n)
{
	return n == 1 ? "boot" : "boots";
}

/* journalctl's numbering: 1 the first, 0 (or -0) the last, -1 the one before */
static int choose_boot(const struct selection *sel, unsigned nboots, unsigned *ret)
{
	long b = sel->boot;

	if (b > 0 && (unsigned long)b <= nboots)
		*ret = (unsigned)(b - 1);
	else if (b <= 0 && (unsigned long)-b < nboots)
		*ret = (unsigned)((long)nboots - 1 + b);
	else
		return -ENOENT;
	return 0;
}

static int open_copy(struct scanner *sc, struct capture_scan *ret)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	int fd;

	snprintf(tmpl, sizeof(tmpl), "%s/devresctl-stdin-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(tmpl);
	if (fd < 0)
		return log_error_errno(-errno, "cannot keep standard input for a second reading in '%s'", tmpl);
	sc->copy = fdopen(fd, "w");
	if (!sc->copy) {
		close(fd);
		unlink(tmpl);
		return log_oom();
	}
	ret->copy = strdup(tmpl);
	if (!ret->copy) {
		fclose(sc->copy);
		unlink(tmpl);
		return log_oom();
	}
	return 0;
}

/* A time the capture's lines cannot be compared with: say so, naming the file. */
static int check_clock(const struct capture_scan *ret, const struct seg *g, const struct time_point *tp,
		       const char *opt)
{
	if (!tp->set)
		return 0;
	if (tp->wall && !g->has_wall) {
		log_error("--%s '%s': '%s' has no time of day on its lines%s: give --%s in seconds since boot",
			  opt, tp->arg, ret->path, g->has_mono ? " (only the kernel's seconds since boot)" : "", opt);
		return -EINVAL;
	}
	if (!tp->wall && !g->has_mono) {
		log_error("--%s '%s': '%s' has no seconds since boot on its lines%s", opt, tp->arg, ret->path,
			  g->has_wall ? ": give --since/--until as a date and time" : ", no clock to select by");
		return -EINVAL;
	}
	return 0;
}

int capture_scan(const char *path, const struct selection *sel, struct capture_scan *ret)
{
	static const struct selection none = { 0 };
	struct scanner sc = { .sel = sel ? sel : &none, .cur = INT64_MIN };
	struct source_file *f = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int r;

	*ret = (struct capture_scan){ .path = path };
	(void)localtime_r(&now, &tm);
	sc.year = tm.tm_year + 1900;
	/* year-less syslog headers: the year of the time asked for */
	if (sc.sel->since.set && sc.sel->since.wall) {
		time_t s = (time_t)(sc.sel->since.usec / USEC_PER_SEC);

		if (localtime_r(&s, &tm))
			sc.year = tm.tm_year + 1900;
	}
	r = capture_open(path, &f);
	if (r < 0)
		return r;
	if (strcmp(path, "-") == 0 && (r = open_copy(&sc, ret)) < 0)
		goto out;
	r = source_file_for_each_line(f, scan_line, &sc, NULL, NULL);
	if (sc.copy && fclose(sc.copy) != 0 && r >= 0)
		r = -errno;
	sc.copy = NULL;
	if (r < 0) {
		capture_read_error(path, r);
		goto out;
	}
	if (!sc.nsegs && (r = seg_new(&sc, 1)) < 0) {
		log_oom();
		goto out;
	}
	sc.segs[sc.nsegs - 1].lines.last = sc.lines;
	ret->lines = sc.lines;
	ret->nboots = sc.nsegs;
	ret->journal = sc.journal;
	ret->monitor = sc.monitor;
	ret->chosen = sc.nsegs - 1;
	if (sc.sel->have_boot && choose_boot(sc.sel, sc.nsegs, &ret->chosen) < 0) {
		log_error("--boot=%s%ld: '%s' holds %u %s%s", sc.sel->boot_negative && !sc.sel->boot ? "-" : "",
			  sc.sel->boot, path, sc.nsegs, boots_word(sc.nsegs),
			  sc.nsegs == 1 ? " (no boot line or boot id after its first)" : "");
		r = -ENOENT;
		goto out;
	}
	ret->boot = sc.sel->have_boot ? sc.segs[ret->chosen].lines : (struct line_range){ 1, sc.lines };
	ret->boots = calloc(sc.nsegs, sizeof(*ret->boots));
	if (!ret->boots) {
		r = log_oom();
		goto out;
	}
	for (unsigned i = 0; i < sc.nsegs; i++) {
		ret->boots[i] = sc.segs[i].info;
		ret->boots[i].lines = sc.segs[i].lines;
	}
	for (unsigned i = 0; i < sc.nsegs; i++) {
		const struct seg *g = &sc.segs[i];

		if (sc.sel->have_boot && i != ret->chosen)
			continue;
		ret->has_mono |= g->has_mono;
		ret->has_wall |= g->has_wall;
	}
	if (sc.sel->since.set || sc.sel->until.set) {
		const struct seg *g0 = &sc.segs[ret->chosen];
		struct seg all = *g0;

		/* without --boot, every boot of the capture is asked */
		if (!sc.sel->have_boot) {
			all.has_mono = ret->has_mono;
			all.has_wall = ret->has_wall;
		}
		r = check_clock(ret, &all, &sc.sel->since, "since");
		if (r >= 0)
			r = check_clock(ret, &all, &sc.sel->until, "until");
		if (r < 0)
			goto out;
		ret->window = calloc(sc.nsegs, sizeof(*ret->window));
		if (!ret->window) {
			r = log_oom();
			goto out;
		}
		for (unsigned i = 0; i < sc.nsegs; i++) {
			const struct seg *g = &sc.segs[i];

			if ((sc.sel->have_boot && i != ret->chosen) || g->window.first > g->window.last)
				continue;
			ret->window[ret->nwindow++] = g->window;
		}
	}
	r = 0;
out:
	if (sc.copy)
		fclose(sc.copy);
	free(sc.segs);
	source_file_close(f);
	if (r < 0)
		capture_scan_done(ret);
	return r;
}

void capture_scan_done(struct capture_scan *s)
{
	if (s->copy) {
		(void)unlink(s->copy);
		free(s->copy);
	}
	free(s->window);
	free(s->boots);
	*s = (struct capture_scan){ .path = s->path };
}

const char *capture_scan_path(const struct capture_scan *s)
{
	return s->copy ? s->copy : s->path;
}

bool capture_scan_chosen(const struct capture_scan *s, uint64_t line)
{
	return line >= s->boot.first && line <= s->boot.last;
}

bool capture_scan_in_window(const struct capture_scan *s, uint64_t line)
{
	if (!capture_scan_chosen(s, line))
		return false;
	if (!s->window)
		return true;
	for (unsigned i = 0; i < s->nwindow; i++)
		if (line >= s->window[i].first && line <= s->window[i].last)
			return true;
	return false;
}

/* ---- the findings a window keeps ---- */

static bool origin_in(const struct capture_window *w, const struct drc_origin *o)
{
	if (!o->source || !o->line)
		return false;
	for (unsigned i = 0; i < w->n; i++)
		if (strcmp(w->scans[i].path, o->source) == 0)
			return capture_scan_in_window(&w->scans[i], o->line);
	return false;
}

bool capture_window_keeps(const struct capture_window *w, const struct drc_finding *f)
{
	if (!w || !w->active)
		return true;
	if (!f->n_evidence && !f->first.line && !f->last.line)
		return true;
	for (unsigned i = 0; i < f->n_evidence; i++)
		if (origin_in(w, &f->evidence[i]))
			return true;
	return origin_in(w, &f->first) || origin_in(w, &f->last);
}

void capture_window_done(struct capture_window *w)
{
	for (unsigned i = 0; i < w->n; i++)
		capture_scan_done(&w->scans[i]);
	free(w->scans);
	*w = (struct capture_window){ 0 };
}

void findings_keep_window(struct finding_list *l, const struct capture_window *w)
{
	unsigned keep = 0;

	if (!w || !w->active)
		return;
	for (unsigned i = 0; i < l->n; i++)
		if (capture_window_keeps(w, l->items[i].f))
			l->items[keep++] = l->items[i];
	capture_window_say_dropped(l->n - keep);
	l->n = keep;
	finding_list_tally(l);
}

void capture_window_say_dropped(unsigned n)
{
	/* the summary counts the window's findings: say what it leaves out */
	if (n)
		log_info("%u finding%s of the boot outside --since/--until not reported", n, n == 1 ? "" : "s");
}

int selection_check_source(const struct command *cmd, const struct selection *s, bool devresd)
{
	if (devresd && selection_active(s))
		return usage_error(cmd, "--boot, --since and --until choose from CAPTUREs: not with --source=devresd");
	return selection_check(cmd, s);
}

/* ---- --list-boots ---- */

static void print_seconds(char *buf, size_t len, int64_t usec)
{
	if (usec < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId64 ".%06" PRId64, usec / USEC_PER_SEC, usec % USEC_PER_SEC);
}

static void print_wall(char *buf, size_t len, int64_t usec)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;

	if (usec < 0 || !localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
}

static struct json_object *json_usec(int64_t usec)
{
	return usec < 0 ? NULL : json_object_new_double((double)usec / USEC_PER_SEC);
}

static struct json_object *boot_json(const struct capture_scan *sc, unsigned i)
{
	const struct capture_boot *b = &sc->boots[i];
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "capture", json_string_valid(sc->path));
	json_object_object_add(o, "boot", json_object_new_int64((int64_t)i + 1));
	json_object_object_add(o, "index", json_object_new_int64((int64_t)i + 1 - sc->nboots));
	json_object_object_add(o, "first_line", json_object_new_int64((int64_t)b->lines.first));
	json_object_object_add(o, "last_line", json_object_new_int64((int64_t)b->lines.last));
	json_object_object_add(o, "first_seconds", json_usec(b->mono_first));
	json_object_object_add(o, "last_seconds", json_usec(b->mono_last));
	json_object_object_add(o, "first_time", json_usec(b->wall_first));
	json_object_object_add(o, "last_time", json_usec(b->wall_last));
	json_object_object_add(o, "kernel", b->kernel[0] ? json_string_valid(b->kernel) : NULL);
	json_object_object_add(o, "boot_id", b->boot_id[0] ? json_string_valid(b->boot_id) : NULL);
	return o;
}

/* journalctl --list-boots: the offset from the last, the number from the
 * first, then where the boot is and what it says of itself */
static void boot_text(const struct capture_scan *sc, unsigned i)
{
	const struct capture_boot *b = &sc->boots[i];
	char lines[48], first[32], last[32];
	bool wall = b->mono_first < 0;

	snprintf(lines, sizeof(lines), "%" PRIu64 "-%" PRIu64, b->lines.first, b->lines.last);
	if (wall) {
		print_wall(first, sizeof(first), b->wall_first);
		print_wall(last, sizeof(last), b->wall_last);
	} else {
		print_seconds(first, sizeof(first), b->mono_first);
		print_seconds(last, sizeof(last), b->mono_last);
	}
	printf("%4d %4u  %-15s %-19s %-19s %s%s%s\n", (int)i + 1 - (int)sc->nboots, i + 1, lines, first, last,
	       b->kernel[0] ? b->kernel : "-", b->boot_id[0] ? " " : "", b->boot_id);
}

int capture_list_boots(char *const *paths, unsigned n, bool json)
{
	struct json_object *arr = json ? json_object_new_array() : NULL;
	int r = 0;

	if (json && !arr)
		return log_oom();
	for (unsigned i = 0; i < n && r >= 0; i++) {
		struct capture_scan sc;

		r = capture_scan(paths[i], NULL, &sc);
		if (r < 0)
			break;
		if (!json)
			printf("%s%s:\n IDX BOOT  %-15s %-19s %-19s %s\n", i ? "\n" : "", sc.path, "LINES", "FIRST",
			       "LAST", "KERNEL");
		for (unsigned b = 0; b < sc.nboots; b++) {
			if (json)
				json_object_array_add(arr, boot_json(&sc, b));
			else
				boot_text(&sc, b);
		}
		capture_scan_done(&sc);
	}
	if (json && r >= 0)
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	if (r >= 0 && (fflush(stdout) != 0 || ferror(stdout)))
		r = log_error_errno(-EIO, "cannot write the boots");
	return r;
}
