// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * devresctl watch: the ncurses screen. Four views (devices with the detail
 * of the selected one, events, findings, references), a header that says
 * where the data comes from, a bottom line for keys, prompts and messages.
 * Frames are drawn only when something changed.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "shared/macro.h"
#include "shared/clock.h"
#include "watch.h"

enum {
	PAIR_HEADER = 1,
	PAIR_TAB,
	PAIR_ERROR,
	PAIR_WARNING,
	PAIR_GOOD,
	PAIR_GROUP,
	PAIR_SELECT,
	PAIR_DIM,
};

struct watch_ui {
	struct watch_state *w;
	bool color;
	bool dirty;
	bool help;
	enum watch_view view;
	/* devices */
	struct drc_device *sel;         /* selected device, kept across re-sorts */
	int list_top;
	bool focus_detail;
	int detail_top;
	bool batches;
	uint64_t rows_activity;         /* w->activity when the rows were built */
	bool rows_valid;
	/* events */
	bool follow;
	int ev_top;                     /* first shown, among the filtered ones */
	/* findings, in watch_finding_get() order */
	int fsel, ftop, fdetail_top;
	uint64_t fsel_seq;              /* the selected one, kept as others come in */
	/* prompt */
	bool prompting;
	char input[WATCH_FILTER_MAX];
	unsigned input_len;
	struct watch_lines lines;
	uint64_t drawn_activity;
	bool frozen;                    /* activity does not redraw */
	/* live references: read at most once a second, or on 'r' */
	struct watch_lines refs;
	struct drc_device *refs_dev;
	uint64_t refs_at;
	bool refs_force;
	uint64_t drawn_at;              /* live: ages advance once a second */
};

static attr_t attr_of(const struct watch_ui *ui, int pair, attr_t mono)
{
	return ui->color ? (attr_t)COLOR_PAIR(pair) : mono;
}

static attr_t line_attr(const struct watch_ui *ui, enum watch_line_style s)
{
	switch (s) {
	case WATCH_LINE_TITLE: return A_BOLD;
	case WATCH_LINE_HEADER: return A_BOLD | attr_of(ui, PAIR_DIM, A_UNDERLINE);
	case WATCH_LINE_GROUP: return attr_of(ui, PAIR_GROUP, A_BOLD);
	case WATCH_LINE_OPEN_GROUP: return A_BOLD | attr_of(ui, PAIR_WARNING, A_UNDERLINE);
	case WATCH_LINE_MARKED: return A_BOLD | attr_of(ui, PAIR_ERROR, A_REVERSE);
	case WATCH_LINE_ERROR: return A_BOLD | attr_of(ui, PAIR_ERROR, A_BOLD);
	case WATCH_LINE_WARNING: return attr_of(ui, PAIR_WARNING, A_BOLD);
	case WATCH_LINE_DIM: return attr_of(ui, PAIR_DIM, A_DIM);
	case WATCH_LINE_PLAIN: break;
	}
	return A_NORMAL;
}

int watch_ui_new(struct watch_state *w, bool color, struct watch_ui **ret)
{
	struct watch_ui *ui = calloc(1, sizeof(*ui));

	if (!ui)
		return -ENOMEM;
	ui->w = w;
	ui->follow = true;
	ui->dirty = true;
	if (!initscr()) {
		free(ui);
		return -ENOTTY;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (color && has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_HEADER, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_TAB, COLOR_BLACK, COLOR_GREEN);
		init_pair(PAIR_ERROR, COLOR_RED, -1);
		init_pair(PAIR_WARNING, COLOR_YELLOW, -1);
		init_pair(PAIR_GOOD, COLOR_GREEN, -1);
		init_pair(PAIR_GROUP, COLOR_BLUE, -1);
		init_pair(PAIR_SELECT, COLOR_BLACK, COLOR_CYAN);
		init_pair(PAIR_DIM, COLOR_CYAN, -1);
		ui->color = true;
	}
	*ret = ui;
	return 0;
}

void watch_ui_free(struct watch_ui *ui)
{
	if (!ui)
		return;
	endwin();
	watch_lines_done(&ui->lines);
	watch_lines_done(&ui->refs);
	free(ui);
}

void watch_ui_touch(struct watch_ui *ui)
{
	ui->dirty = true;
}

void watch_ui_follow(struct watch_ui *ui, bool follow)
{
	ui->follow = follow;
	ui->dirty = true;
}

void watch_ui_freeze(struct watch_ui *ui, bool frozen)
{
	if (ui->frozen != frozen)
		ui->dirty = true;
	ui->frozen = frozen;
}

/* ---- drawing helpers ---- */

/*
 * A line cut to the screen shows it ends in "...". What a capture holds is
 * drawn one byte a column: a control character or a byte outside ASCII
 * (serial line noise in a device name, invalid UTF-8) is drawn as '?',
 * which ncurses would otherwise expand to ^G or M-x and push the columns
 * out of line.
 */
static void put_line(int y, int x, attr_t attr, const char *raw)
{
	char text[1024];
	int room = COLS - x;
	size_t n;

	if (y < 0 || y >= LINES || room <= 0)
		return;
	for (n = 0; raw[n] && n < sizeof(text) - 1; n++)
		text[n] = raw[n] >= 0x20 && raw[n] < 0x7f ? raw[n] : '?';
	text[n] = '\0';
	while (n && text[n - 1] == ' ')
		n--;
	attrset(attr);
	if (n > (size_t)room && room > 3) {
		mvaddnstr(y, x, text, room - 3);
		addstr("...");
	} else {
		mvaddnstr(y, x, text, room);
	}
	for (int c = getcurx(stdscr); c < COLS && getcury(stdscr) == y; c++)
		addch(' ');
	attrset(A_NORMAL);
}

static void clamp_scroll(int *top, int sel, int height, int n)
{
	if (sel < *top)
		*top = sel;
	if (sel >= *top + height)
		*top = sel - height + 1;
	if (*top > n - height)
		*top = n - height;
	if (*top < 0)
		*top = 0;
}

static void draw_lines(struct watch_ui *ui, const struct watch_lines *l, int y, int height, int *top)
{
	if (*top > (int)l->n - height)
		*top = (int)l->n - height;
	if (*top < 0)
		*top = 0;
	for (int i = 0; i < height; i++) {
		int k = *top + i;

		if (k < (int)l->n)
			put_line(y + i, 0, line_attr(ui, l->v[k].style), l->v[k].text);
		else
			put_line(y + i, 0, A_NORMAL, "");
	}
}

static void human_bytes(char *buf, size_t len, uint64_t b)
{
	if (b < 10240)
		snprintf(buf, len, "%" PRIu64, b);
	else if (b < 10240u * 1024)
		snprintf(buf, len, "%" PRIu64 "K", b / 1024);
	else
		snprintf(buf, len, "%" PRIu64 "M", b / (1024 * 1024));
}

/*
 * " [mode] counts | source": the counts always stay; at a narrow width the
 * mode is cut to its word before ':' and the source loses its start (the
 * file name is at its end), or goes.
 */
static void draw_header(struct watch_ui *ui, const struct watch_status *st)
{
	static const char *const tabs[] = { "1 Devices", "2 Events", "3 Findings", "4 References" };
	struct watch_state *w = ui->w;
	unsigned devices = 0, live = 0;
	uint64_t bytes = 0;
	char buf[512], counts[256], src[512], b[32];
	const char *colon = strchr(st->mode, ':');
	int mode_len = (int)strlen(st->mode), room, x = 0;

	for (unsigned i = 0; i < w->nrows; i++) {
		devices++;
		live += drc_device_count_live(w->rows[i].dev);
		bytes += drc_device_live_bytes(w->rows[i].dev);
	}
	human_bytes(b, sizeof(b), bytes);
	snprintf(counts, sizeof(counts), "%" PRIu64 " line%s | %u device%s, %u live (%s) | findings %uE %uW %uI",
		 st->lines, st->lines == 1 ? "" : "s", devices, devices == 1 ? "" : "s", live, b, w->errors,
		 w->warnings, w->infos);
	if (colon && 4 + mode_len + (int)strlen(counts) > COLS)
		mode_len = (int)(colon - st->mode);
	snprintf(buf, sizeof(buf), " [%.*s] %s", mode_len, st->mode, counts);
	room = COLS - (int)strlen(buf) - 3;
	if (room >= 12) {
		watch_cell(src, sizeof(src), st->source, (unsigned)MIN(room, (int)sizeof(src) - 1), true);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " | %.*s", (int)strlen(st->source), src);
	}
	put_line(0, 0, attr_of(ui, PAIR_HEADER, A_REVERSE), buf);
	move(1, 0);
	clrtoeol();
	for (unsigned i = 0; i < ARRAY_SIZE(tabs); i++) {
		attr_t a = i == ui->view ? attr_of(ui, PAIR_TAB, A_REVERSE) | A_BOLD : A_NORMAL;

		attrset(a);
		mvaddnstr(1, x, tabs[i], MAX(COLS - x, 0));
		attrset(A_NORMAL);
		x += (int)strlen(tabs[i]) + 2;
		if (x >= COLS)
			break;
	}
	if (*w->filter && x + 12 < COLS) {
		snprintf(buf, sizeof(buf), "filter: %s", w->filter);
		attrset(A_BOLD);
		mvaddnstr(1, x + 2, buf, COLS - x - 2);
		attrset(A_NORMAL);
	}
}

/* The keys at the bottom: as many as fit, the least needed dropped first. */
static void draw_footer(struct watch_ui *ui, struct watch_status *st)
{
	static const struct {
		const char *label;
		unsigned drop;          /* 0: always shown; higher: dropped sooner */
	} items[] = {
		{ "?Help", 0 }, { "1-4/Tab View", 3 }, { "/Filter", 1 }, { "oSort", 2 }, { "Enter Open", 2 },
		{ "bBatches", 2 }, { NULL, 0 }, { "nStep", 1 }, { "sSave", 1 }, { "qQuit", 0 },
	};
	bool held = strncmp(st->mode, "step", 4) == 0 || strcmp(st->mode, "paused") == 0;
	const char *play = held ? "pPlay" : strstr(st->mode, "frozen") ? "pResume" : "pPause";
	char buf[256];

	if (ui->prompting) {
		snprintf(buf, sizeof(buf), "filter: %s", ui->input);
		put_line(LINES - 1, 0, A_BOLD, buf);
		return;
	}
	if (*st->message) {
		put_line(LINES - 1, 0, A_BOLD, st->message);
		return;
	}
	for (unsigned drop = 4;; drop--) {
		size_t len = 0;

		for (size_t i = 0; i < ARRAY_SIZE(items); i++)
			if (items[i].drop < drop)
				len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s ", items[i].label ? items[i].label : play);
		if ((int)len <= COLS || drop == 1)
			break;
	}
	put_line(LINES - 1, 0, attr_of(ui, PAIR_HEADER, A_REVERSE), buf);
}

/* ---- devices view ---- */

static void ensure_rows(struct watch_ui *ui)
{
	struct watch_state *w = ui->w;
	int i;

	if (ui->rows_valid && (ui->rows_activity == w->activity || ui->frozen))
		return;
	if (watch_state_rows(w) < 0)
		return;
	ui->rows_valid = true;
	ui->rows_activity = w->activity;
	i = ui->sel ? watch_row_of(w, ui->sel) : -1;
	if (i < 0)
		ui->sel = w->nrows ? w->rows[0].dev : NULL;
}

static int selected_row(struct watch_ui *ui)
{
	int i = ui->sel ? watch_row_of(ui->w, ui->sel) : -1;

	return i < 0 ? 0 : i;
}

/* A column title, with the sort order's mark when the list is sorted by it. */
static const char *title(char *buf, size_t len, const struct watch_state *w, enum watch_sort key, const char *name)
{
	/* the numbers sort the largest first, the names from A */
	bool down = key == WATCH_SORT_LIVE || key == WATCH_SORT_BYTES || key == WATCH_SORT_FINDINGS;

	if (w->sort != key)
		return name;
	snprintf(buf, len, "%s%s", name, down != w->reverse ? "v" : "^");
	return buf;
}

/*
 * The device list above the selected device's detail. Each pane gets the
 * rows it needs; when both need more, the list gets 2/5 and its detail the
 * rest. The BUS column goes when no device says its bus (dmesg and trace
 * captures do not), names too long for their column are cut with "...".
 */
static void draw_devices(struct watch_ui *ui, int y, int height)
{
	struct watch_state *w = ui->w;
	int list_h = MAX(3, height * 2 / 5), need_list = MAX(2, (int)w->nrows + 1), detail_y, detail_h;
	int sel = selected_row(ui), name_w, drv_w = 16, fixed;
	bool bus = false, have_detail;
	char buf[512], bytes[32], t[6][24], c1[64], c2[256], c3[64];

	for (unsigned i = 0; i < w->nrows && !bus; i++)
		bus = drc_device_get_subsystem(w->rows[i].dev) != NULL;
	have_detail = ui->sel && watch_detail(w, ui->sel, ui->batches, (unsigned)COLS, &ui->lines) >= 0;
	if (need_list + (have_detail ? (int)ui->lines.n : 0) <= height)
		list_h = need_list;
	else if (have_detail && (int)ui->lines.n < height - list_h)
		list_h = MIN(need_list, height - (int)ui->lines.n);
	else if (need_list < list_h)
		list_h = need_list;
	list_h = MIN(list_h, height);
	/* bus 10, driver 16, state 12, live 6, bytes 7, find 5 and the spaces */
	fixed = (bus ? 11 : 0) + 17 + 13 + 7 + 8 + 6;
	/* as wide as the longest name and driver, as long as the row fits */
	name_w = 12;
	for (unsigned i = 0; i < w->nrows; i++) {
		const char *drv = drc_device_get_driver(w->rows[i].dev);

		name_w = MAX(name_w, (int)strlen(drc_device_get_name(w->rows[i].dev)));
		drv_w = MAX(drv_w, drv ? (int)strlen(drv) : 0);
	}
	name_w = MAX(12, MIN(name_w, COLS - fixed));
	drv_w = MIN(drv_w, 16 + MAX(0, COLS - fixed - name_w));
	if (name_w + fixed > COLS)
		drv_w = MAX(8, drv_w - (name_w + fixed - COLS));
	snprintf(buf, sizeof(buf), "%s%-*s %-*s %-12s %6s %7s %5s", bus ? "BUS        " : "", name_w,
		 title(t[0], sizeof(t[0]), w, WATCH_SORT_NAME, "DEVICE"), drv_w,
		 title(t[1], sizeof(t[1]), w, WATCH_SORT_DRIVER, "DRIVER"),
		 title(t[2], sizeof(t[2]), w, WATCH_SORT_STATE, "STATE"), title(t[3], sizeof(t[3]), w, WATCH_SORT_LIVE, "LIVE"),
		 title(t[4], sizeof(t[4]), w, WATCH_SORT_BYTES, "BYTES"),
		 title(t[5], sizeof(t[5]), w, WATCH_SORT_FINDINGS, "FIND"));
	put_line(y, 0, A_BOLD | attr_of(ui, PAIR_DIM, A_UNDERLINE), buf);
	clamp_scroll(&ui->list_top, sel, list_h - 1, (int)w->nrows);
	for (int i = 0; i < list_h - 1; i++) {
		int k = ui->list_top + i;
		struct drc_device *dev;
		const char *sub, *drv;
		enum drc_device_state s;
		attr_t a = A_NORMAL;
		char badge[16] = "";

		if (k >= (int)w->nrows) {
			put_line(y + 1 + i, 0, A_NORMAL, i == 0 ? "  (no devices yet)" : "");
			continue;
		}
		dev = w->rows[k].dev;
		sub = drc_device_get_subsystem(dev);
		drv = drc_device_get_driver(dev);
		s = drc_device_get_state(dev);
		human_bytes(bytes, sizeof(bytes), drc_device_live_bytes(dev));
		if (w->rows[k].findings)
			snprintf(badge, sizeof(badge), "!%u", w->rows[k].findings);
		snprintf(buf, sizeof(buf), "%s%s%s %s %-12s %6u %7s %5s", bus ? watch_cell(c1, sizeof(c1), sub ? sub : "?", 10, false) : "",
			 bus ? " " : "", watch_cell(c2, sizeof(c2), drc_device_get_name(dev), (unsigned)MIN(name_w, 255), true),
			 watch_cell(c3, sizeof(c3), drv ? drv : "-", (unsigned)drv_w, false), drc_device_state_to_string(s),
			 drc_device_count_live(dev), bytes, badge);
		if (k == sel)
			a = ui->focus_detail ? A_BOLD | A_UNDERLINE : attr_of(ui, PAIR_SELECT, A_REVERSE) | A_BOLD;
		else if (w->rows[k].findings)
			a = attr_of(ui, PAIR_ERROR, A_BOLD);
		else if (s != DRC_DEVICE_BOUND && drc_device_count_live(dev))
			a = attr_of(ui, PAIR_WARNING, A_NORMAL);
		put_line(y + 1 + i, 0, a, buf);
	}
	detail_y = y + list_h;
	detail_h = height - list_h;
	if (detail_h <= 0)
		return;
	if (!have_detail) {
		for (int i = 0; i < detail_h; i++)
			put_line(detail_y + i, 0, A_NORMAL, "");
		return;
	}
	draw_lines(ui, &ui->lines, detail_y, detail_h, &ui->detail_top);
}

/* ---- events view ---- */

static void draw_events(struct watch_ui *ui, int y, int height)
{
	struct watch_state *w = ui->w;
	const unsigned total = w->ev_n;
	unsigned *idx = NULL, n = 0;

	put_line(y, 0, A_BOLD | attr_of(ui, PAIR_DIM, A_UNDERLINE),
		 "   TIMESTAMP DEVICE               OP      ID / ACTION");
	height--, y++;
	if (total)
		idx = malloc(total * sizeof(*idx));
	for (unsigned i = 0; idx && i < total; i++)
		if (watch_event_matches(watch_event_get(w, i), w->filter))
			idx[n++] = i;
	if (ui->follow)
		ui->ev_top = (int)n - height;
	if (ui->ev_top > (int)n - height)
		ui->ev_top = (int)n - height;
	if (ui->ev_top < 0)
		ui->ev_top = 0;
	for (int i = 0; i < height; i++) {
		unsigned k = (unsigned)(ui->ev_top + i);
		const struct watch_event *e = k < n ? watch_event_get(w, idx[k]) : NULL;
		attr_t a = A_NORMAL;

		if (!e) {
			put_line(y + i, 0, A_NORMAL, i == 0 && !n ? "  (no events yet)" : "");
			continue;
		}
		if (e->kind == WATCH_EV_UDEV || e->kind == WATCH_EV_MODULE)
			a = attr_of(ui, PAIR_GOOD, A_BOLD);
		else if (e->kind == WATCH_EV_REF)
			a = attr_of(ui, PAIR_WARNING, A_BOLD);
		put_line(y + i, 0, a, e->text);
	}
	free(idx);
}

/* ---- findings view ---- */

/* Errors first, then warnings, then info, as 'report' prints them. */
static void draw_findings(struct watch_ui *ui, int y, int height)
{
	struct watch_state *w = ui->w;
	int n = (int)w->findings_shown;
	int list_h = MAX(3, MIN(height / 3, n + 1));
	char buf[512], rule[32], dev[32];

	put_line(y, 0, A_BOLD | attr_of(ui, PAIR_DIM, A_UNDERLINE), "SEVERITY RULE                   DEVICE               SUMMARY");
	if (ui->fsel_seq) {
		int i = watch_finding_index(w, ui->fsel_seq);

		if (i >= 0)
			ui->fsel = i;
	}
	if (ui->fsel >= n)
		ui->fsel = n - 1;
	if (ui->fsel < 0)
		ui->fsel = 0;
	ui->fsel_seq = n ? watch_finding_get(w, (unsigned)ui->fsel)->seq : 0;
	clamp_scroll(&ui->ftop, ui->fsel, list_h - 1, n);
	for (int i = 0; i < list_h - 1; i++) {
		int k = ui->ftop + i;
		const struct drc_finding *f = k < n ? watch_finding_get(w, (unsigned)k) : NULL;
		char times[32] = "";
		attr_t a;

		if (!f) {
			put_line(y + 1 + i, 0, A_NORMAL, i == 0 && !n ? "  (no findings)" : "");
			continue;
		}
		if (f->occurrences > 1)
			snprintf(times, sizeof(times), "(%" PRIu64 " times) ", f->occurrences);
		snprintf(buf, sizeof(buf), "%-8s %s %s %s%s", drc_severity_to_string(f->severity),
			 watch_cell(rule, sizeof(rule), f->rule, 22, false), watch_cell(dev, sizeof(dev), f->device, 20, true),
			 times, f->summary);
		a = f->severity == DRC_SEVERITY_ERROR     ? attr_of(ui, PAIR_ERROR, A_BOLD) :
		    f->severity == DRC_SEVERITY_WARNING ? attr_of(ui, PAIR_WARNING, A_NORMAL) :
							  attr_of(ui, PAIR_DIM, A_DIM);
		if (k == ui->fsel)
			a = attr_of(ui, PAIR_SELECT, A_REVERSE) | A_BOLD;
		put_line(y + 1 + i, 0, a, buf);
	}
	if (!n) {
		for (int i = list_h; i < height; i++)
			put_line(y + i, 0, A_NORMAL, "");
		return;
	}
	if (watch_finding_detail(watch_finding_get(w, (unsigned)ui->fsel), (unsigned)COLS, &ui->lines) < 0)
		return;
	draw_lines(ui, &ui->lines, y + list_h, height - list_h, &ui->fdetail_top);
}

/* ---- references view ---- */

static void draw_refs(struct watch_ui *ui, const struct watch_status *st, int y, int height)
{
	if (!ui->sel) {
		put_line(y, 0, A_NORMAL, "  (select a device in the Devices view)");
		for (int i = 1; i < height; i++)
			put_line(y + i, 0, A_NORMAL, "");
		return;
	}
	if (!st->live || ui->refs_force || ui->refs_dev != ui->sel || now_usec() - ui->refs_at > 1000000) {
		if (watch_references(ui->w, ui->sel, st->live, &ui->refs) < 0)
			return;
		ui->refs_dev = ui->sel;
		ui->refs_at = now_usec();
		ui->refs_force = false;
	}
	draw_lines(ui, &ui->refs, y, height, &ui->detail_top);
}

/* ---- help ---- */

/* Every key, as devresctl(8) lists them. */
static const struct {
	const char *keys, *what;
} help_keys[] = {
	{ "1 2 3 4, Tab", "Devices, Events, Findings, References view" },
	{ "Up Down, j k", "move the selection, or scroll the focused pane" },
	{ "PgUp PgDn Home End", "a page up or down; the first or the last (also g G)" },
	{ "Enter, Right", "Devices: focus its list; Findings: go to its device" },
	{ "Esc, Left", "back to the device list; again: clear the filter" },
	{ "/", "filter devices (name, driver, bus, state) and events" },
	{ "o  O", "sort by the next column (marked v or ^); reverse" },
	{ "b", "show or hide released batches and the nodes swept" },
	{ "p, Space", "pause, or play on (from step mode too); live: freeze" },
	{ "n", "play one more event, then wait (step mode)" },
	{ "+ -", "replay faster or slower (--speed)" },
	{ "s", "save the lines played so far as a capture file" },
	{ "r", "read the references again (live)" },
	{ "?, h, F1", "this help; any key closes it" },
	{ "q, F10", "quit" },
};

#define HELP_KEYS_W 20

static void draw_help(struct watch_ui *ui)
{
	int wd = MIN(78, COLS), inner = wd - 4, room = MAX(inner - HELP_KEYS_W - 2, 16);
	char rows[64][WATCH_TEXT];
	int n = 0, h, y0, x0;
	WINDOW *win;

	snprintf(rows[n++], sizeof(rows[0]), "devresctl watch - keys");
	rows[n++][0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(help_keys) && n < (int)ARRAY_SIZE(rows); i++) {
		const char *t = help_keys[i].what;
		bool first = true;

		/* the text wrapped at a space to the room right of the keys */
		while (*t && n < (int)ARRAY_SIZE(rows)) {
			int len = (int)strlen(t), cut = len;

			if (len > room) {
				cut = room;
				while (cut > room / 2 && t[cut] != ' ')
					cut--;
				if (t[cut] != ' ')
					cut = room;
			}
			snprintf(rows[n++], sizeof(rows[0]), "  %-*s %.*s", HELP_KEYS_W - 1, first ? help_keys[i].keys : "",
				 cut, t);
			first = false;
			t += cut;
			while (*t == ' ')
				t++;
		}
	}
	h = MIN(n + 2, LINES);
	y0 = MAX(0, (LINES - h) / 2);
	x0 = MAX(0, (COLS - wd) / 2);
	win = newwin(h, wd, y0, x0);
	if (!win)
		return;
	werase(win);
	box(win, 0, 0);
	for (int i = 0; i < n && i + 2 < h; i++) {
		/* a terminal too short for it all says so on its last row */
		bool last = i + 3 == h && i + 1 < n;

		if (i == 0)
			wattrset(win, A_BOLD | attr_of(ui, PAIR_DIM, A_NORMAL));
		mvwaddnstr(win, i + 1, 2, last ? "  ... (a taller terminal shows every key)" : rows[i], inner);
		wattrset(win, A_NORMAL);
	}
	wnoutrefresh(win);
	delwin(win);
}

uint64_t watch_ui_draw(struct watch_ui *ui, struct watch_status *st)
{
	uint64_t t0;
	int body_y = 2, body_h;

	t0 = now_usec();
	if (ui->drawn_activity != ui->w->activity && !ui->frozen)
		ui->dirty = true;
	/* live, ages run on: a frame a second */
	if (st->live && !ui->frozen && t0 - ui->drawn_at >= 1000000)
		ui->dirty = true;
	if (!ui->dirty)
		return 0;
	ui->drawn_at = t0;
	ensure_rows(ui);
	body_h = LINES - 3;
	draw_header(ui, st);
	if (body_h > 0) {
		switch (ui->view) {
		case WATCH_VIEW_DEVICES:
			draw_devices(ui, body_y, body_h);
			break;
		case WATCH_VIEW_EVENTS:
			draw_events(ui, body_y, body_h);
			break;
		case WATCH_VIEW_FINDINGS:
			draw_findings(ui, body_y, body_h);
			break;
		default:
			draw_refs(ui, st, body_y, body_h);
			break;
		}
	}
	draw_footer(ui, st);
	wnoutrefresh(stdscr);
	if (ui->help)
		draw_help(ui);
	doupdate();
	ui->dirty = false;
	ui->drawn_activity = ui->w->activity;
	return MAX(now_usec() - t0, 1u);
}

/* ---- keys ---- */

static void move_selection(struct watch_ui *ui, int delta, bool absolute)
{
	struct watch_state *w = ui->w;
	int page = MAX(1, (LINES - 3) * 2 / 5 - 1);

	if (delta == INT16_MAX)
		delta = page;
	else if (delta == -INT16_MAX)
		delta = -page;
	switch (ui->view) {
	case WATCH_VIEW_DEVICES:
		if (ui->focus_detail) {
			ui->detail_top = absolute ? (delta < 0 ? 0 : INT16_MAX) : ui->detail_top + delta;
			break;
		}
		if (w->nrows) {
			int i = absolute ? (delta < 0 ? 0 : (int)w->nrows - 1) : selected_row(ui) + delta;

			i = MAX(0, MIN(i, (int)w->nrows - 1));
			if (w->rows[i].dev != ui->sel)
				ui->detail_top = 0;
			ui->sel = w->rows[i].dev;
		}
		break;
	case WATCH_VIEW_EVENTS:
		ui->follow = absolute && delta > 0;
		if (!ui->follow)
			ui->ev_top = absolute ? 0 : ui->ev_top + delta;
		break;
	case WATCH_VIEW_FINDINGS:
		ui->fsel = absolute ? (delta < 0 ? 0 : INT16_MAX) : ui->fsel + delta;
		ui->fsel_seq = 0;       /* taken again from fsel when drawn */
		ui->fdetail_top = 0;
		break;
	default:
		ui->detail_top = absolute ? (delta < 0 ? 0 : INT16_MAX) : ui->detail_top + delta;
		break;
	}
}

static void jump_to_finding(struct watch_ui *ui)
{
	struct watch_state *w = ui->w;
	const struct drc_finding *f;
	struct drc_device *dev = NULL;

	f = watch_finding_get(w, (unsigned)ui->fsel);
	if (!f)
		return;
	if (!f->device || drc_ctx_find_device(w->ctx, f->device, (int)f->boot, &dev) <= 0 || !dev)
		return;
	watch_mark_finding(w, f);
	w->filter[0] = '\0';
	ui->rows_valid = false;
	ensure_rows(ui);
	ui->sel = dev;
	ui->view = WATCH_VIEW_DEVICES;
	ui->focus_detail = true;
	ui->detail_top = 0;
}

static enum watch_action prompt_key(struct watch_ui *ui, int c)
{
	if (c == 27) {
		ui->prompting = false;
	} else if (c == '\n' || c == '\r' || c == KEY_ENTER) {
		snprintf(ui->w->filter, sizeof(ui->w->filter), "%s", ui->input);
		ui->prompting = false;
		ui->rows_valid = false;
		ui->follow = true;
		ui->list_top = 0;
	} else if (c == KEY_BACKSPACE || c == 127 || c == 8) {
		if (ui->input_len)
			ui->input[--ui->input_len] = '\0';
	} else if (c >= 32 && c < 127 && ui->input_len + 1 < sizeof(ui->input)) {
		ui->input[ui->input_len++] = (char)c;
		ui->input[ui->input_len] = '\0';
	}
	return WATCH_ACT_NONE;
}

static enum watch_action key(struct watch_ui *ui, int c)
{
	if (ui->prompting)
		return prompt_key(ui, c);
	if (ui->help) {
		ui->help = false;
		return c == 'q' ? WATCH_ACT_QUIT : WATCH_ACT_NONE;
	}
	switch (c) {
	case 'q':
	case KEY_F(10):
		return WATCH_ACT_QUIT;
	case '?':
	case 'h':
	case KEY_F(1):
		ui->help = true;
		break;
	case '1': case '2': case '3': case '4':
		ui->view = (enum watch_view)(c - '1');
		ui->detail_top = 0;
		break;
	case '\t':
		ui->view = (enum watch_view)((ui->view + 1) % _WATCH_VIEW_MAX);
		ui->detail_top = 0;
		break;
	case KEY_BTAB:
		ui->view = (enum watch_view)((ui->view + _WATCH_VIEW_MAX - 1) % _WATCH_VIEW_MAX);
		ui->detail_top = 0;
		break;
	case KEY_UP: case 'k': move_selection(ui, -1, false); break;
	case KEY_DOWN: case 'j': move_selection(ui, 1, false); break;
	case KEY_PPAGE: move_selection(ui, -INT16_MAX, false); break;
	case KEY_NPAGE: move_selection(ui, INT16_MAX, false); break;
	case KEY_HOME: case 'g': move_selection(ui, -1, true); break;
	case KEY_END: case 'G': move_selection(ui, 1, true); break;
	case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT:
		if (ui->view == WATCH_VIEW_DEVICES && ui->sel)
			ui->focus_detail = true;
		else if (ui->view == WATCH_VIEW_FINDINGS)
			jump_to_finding(ui);
		break;
	case 27:
	case KEY_LEFT:
		if (ui->focus_detail)
			ui->focus_detail = false;
		else if (*ui->w->filter) {
			ui->w->filter[0] = '\0';
			ui->rows_valid = false;
		}
		break;
	case '/':
		ui->prompting = true;
		snprintf(ui->input, sizeof(ui->input), "%s", ui->w->filter);
		ui->input_len = (unsigned)strlen(ui->input);
		break;
	case 'o':
		ui->w->sort = (enum watch_sort)((ui->w->sort + 1) % _WATCH_SORT_MAX);
		ui->rows_valid = false;
		break;
	case 'O':
		ui->w->reverse = !ui->w->reverse;
		ui->rows_valid = false;
		break;
	case 'b':
		ui->batches = !ui->batches;
		break;
	case 'p':
	case ' ':
		return WATCH_ACT_PAUSE;         /* the loop says whether to follow */
	case 'n':
		return WATCH_ACT_STEP;
	case 's':
		return WATCH_ACT_SAVE;
	case '+':
		return WATCH_ACT_FASTER;
	case '-':
		return WATCH_ACT_SLOWER;
	case 'r':
		ui->refs_force = true;
		return WATCH_ACT_REFRESH;
	case KEY_RESIZE:
		break;
	default:
		return WATCH_ACT_NONE;
	}
	return WATCH_ACT_NONE;
}

enum watch_action watch_ui_input(struct watch_ui *ui, struct watch_status *st)
{
	enum watch_action act = WATCH_ACT_NONE;
	int c;

	while (act == WATCH_ACT_NONE && (c = getch()) != ERR) {
		st->message[0] = '\0';
		ui->dirty = true;
		if (c == KEY_RESIZE) {
			clearok(stdscr, TRUE);
			continue;
		}
		act = key(ui, c);
		if (!ui->rows_valid)
			ensure_rows(ui);
	}
	return act;
}
