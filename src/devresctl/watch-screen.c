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

static void put_line(int y, int x, attr_t attr, const char *text)
{
	int room = COLS - x;

	if (y < 0 || y >= LINES || room <= 0)
		return;
	attrset(attr);
	mvaddnstr(y, x, text, room);
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

static void draw_header(struct watch_ui *ui, const struct watch_status *st)
{
	static const char *const tabs[] = { "1 Devices", "2 Events", "3 Findings", "4 References" };
	struct watch_state *w = ui->w;
	unsigned devices = 0, live = 0;
	uint64_t bytes = 0;
	char buf[512], b[32];
	int x = 0;

	for (unsigned i = 0; i < w->nrows; i++) {
		devices++;
		live += drc_device_count_live(w->rows[i].dev);
		bytes += drc_device_live_bytes(w->rows[i].dev);
	}
	human_bytes(b, sizeof(b), bytes);
	snprintf(buf, sizeof(buf), " [%s] %" PRIu64 " lines | %u devices, %u live (%s) | findings %uE %uW %uI | %s",
		 st->mode, st->lines, devices, live, b, w->errors, w->warnings, w->infos, st->source);
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

static void draw_footer(struct watch_ui *ui, struct watch_status *st)
{
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
	put_line(LINES - 1, 0, attr_of(ui, PAIR_HEADER, A_REVERSE),
		 " ?Help  1-4/Tab View  /Filter  oSort  Enter Open  bBatches  pPause  nStep  sSave  qQuit");
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

static void draw_devices(struct watch_ui *ui, int y, int height)
{
	struct watch_state *w = ui->w;
	int list_h = MAX(3, height * 2 / 5), detail_y, detail_h, sel = selected_row(ui);
	int name_w = MAX(12, COLS - 62);
	char buf[512], bytes[32];

	if (list_h > (int)w->nrows + 1)
		list_h = MAX(3, (int)w->nrows + 1);
	snprintf(buf, sizeof(buf), "%-10s %-*s %-16s %-12s %6s %7s %5s", "BUS", name_w, "DEVICE", "DRIVER", "STATE", "LIVE",
		 "BYTES", "FIND");
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
		snprintf(buf, sizeof(buf), "%-10.10s %-*.*s %-16.16s %-12.12s %6u %7s %5s", sub ? sub : "?", name_w, name_w,
			 drc_device_get_name(dev), drv ? drv : "-", drc_device_state_to_string(s),
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
	if (!ui->sel) {
		for (int i = 0; i < detail_h; i++)
			put_line(detail_y + i, 0, A_NORMAL, "");
		return;
	}
	if (watch_detail(w, ui->sel, ui->batches, &ui->lines) < 0)
		return;
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
	int n = (int)w->findings_seen;
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

static const char *const help_text[] = {
	"devresctl watch - keys",
	"",
	"  1 2 3 4, Tab    Devices, Events, Findings, References view",
	"  Up Down PgUp PgDn Home End, j k   move (or scroll the focused pane)",
	"  Enter           Devices: focus the device's list; Findings: go to the device",
	"  Esc, Left       back to the device list; clear the filter",
	"  /               filter devices (name, driver, bus, state) and events",
	"  o  O            sort devices by the next column; reverse the order",
	"  b               show or hide the device's released batches",
	"  p, Space        pause or play; from step mode, play on (Events: follow)",
	"  n               one more event (replay)",
	"  + -             replay faster or slower",
	"  s               save the lines played so far as a capture file",
	"  r               read references again (live)",
	"  ?               this help; any key closes it",
	"  q               quit",
};

static void draw_help(struct watch_ui *ui)
{
	int h = (int)ARRAY_SIZE(help_text) + 2, wd = 78;
	int y0 = MAX(0, (LINES - h) / 2), x0 = MAX(0, (COLS - wd) / 2);
	WINDOW *win = newwin(MIN(h, LINES), MIN(wd, COLS), y0, x0);

	if (!win)
		return;
	werase(win);
	box(win, 0, 0);
	for (int i = 0; i < (int)ARRAY_SIZE(help_text) && i + 1 < LINES - 1; i++) {
		if (i == 0)
			wattrset(win, A_BOLD | attr_of(ui, PAIR_DIM, A_NORMAL));
		mvwaddnstr(win, i + 1, 2, help_text[i], MIN(wd, COLS) - 4);
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
	if (drc_ctx_find_device(w->ctx, f->device, (int)f->boot, &dev) <= 0 || !dev)
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
