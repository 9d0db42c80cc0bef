// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What mail and terminals do to a line, undone before the transports read
 * it (DESIGN.md 2.3: captures arrive pasted into mail):
 *
 *   <pre>...&lt;3&gt;...</pre>          a list archive's saved web page
 *   ESC [ 31 m                       terminal colours (dmesg --color, script(1))
 *   > , >> , > > , |                 quoting; a quoted copy of a line already
 *                                    taken is the same event, not a new one
 *   =20 =3D =C2=A0, soft breaks "="  quoted-printable
 *   U+00A0                           non-breaking spaces between the words
 *
 * Lines wrapped inside a devres line are joined by the driver (stream.c).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stream-private.h"

#define QUOTE_TRACK_MAX 65536
#define QUOTE_DEPTH_MAX 8

struct quote_entry {
	uint8_t base_depth;
	uint32_t base_count;
	uint32_t copies[QUOTE_DEPTH_MAX];
};

void mail_done(struct stream_mail *m)
{
	hashmap_done_free(&m->quotes);
	strbuf_done(&m->text);
	strbuf_done(&m->plain);
	strbuf_done(&m->tmp);
}

/* ---- quoting ---- */

unsigned mail_unquote_slow(const char **line, size_t *len)
{
	const char *l = *line;
	size_t n = *len;
	unsigned depth = 0;

	/* "> ", ">> ", "> > ", and "| " of some clients and archives */
	while (n && (l[0] == '>' || (l[0] == '|' && n > 1 && l[1] == ' ') ||
		     (l[0] == ' ' && n > 1 && (l[1] == '>' || l[1] == '|') && depth))) {
		if (l[0] == ' ') {
			l++, n--;
			continue;
		}
		depth++;
		l++, n--;
		if (n && l[0] == ' ')
			l++, n--;
	}
	*line = l;
	*len = n;
	return depth;
}

/* true if this line is a quoted copy of one already taken */
bool mail_quote_seen(struct drc_stream *s, const char *l, size_t len, unsigned depth)
{
	uint64_t h = hash_bytes(l, len);
	struct quote_entry *e = hashmap_get(&s->mail.quotes, h);

	if (depth >= QUOTE_DEPTH_MAX)
		depth = QUOTE_DEPTH_MAX - 1;
	if (!e) {
		if (s->mail.nquotes >= QUOTE_TRACK_MAX)
			return false;
		e = calloc(1, sizeof(*e));
		if (!e || hashmap_put(&s->mail.quotes, h, e) < 0) {
			free(e);
			return false;
		}
		s->mail.nquotes++;
		e->base_depth = (uint8_t)depth;
		e->base_count = 1;
		return false;
	}
	if (depth <= e->base_depth) {
		if (depth == e->base_depth)
			e->base_count++;
		return false;
	}
	if (++e->copies[depth] <= e->base_count) {
		s->ctx->stats.quoted_duplicates++;
		return true;
	}
	return false;
}

/* ---- quoted-printable, non-breaking spaces ---- */

/* Decode quoted-printable escapes (=20, =C2=A0 -> ' ', =3D) into s->mail.tmp. */
static bool qp_decode(struct drc_stream *s, const char *l, size_t len)
{
	bool changed = false;

	strbuf_clear(&s->mail.tmp);
	for (size_t i = 0; i < len; i++) {
		if (l[i] == '=' && i + 2 < len && isxdigit((unsigned char)l[i + 1]) &&
		    isxdigit((unsigned char)l[i + 2])) {
			unsigned v = (unsigned)strtoul((char[]){ l[i + 1], l[i + 2], 0 }, NULL, 16);

			if (v == 0xc2 && i + 5 < len && memcmp(l + i + 3, "=A0", 3) == 0)
				i += 3;
			if (strbuf_append(&s->mail.tmp, v == 0xc2 || v == 0x20 ? " " : (char[]){ (char)v }, 1) < 0)
				return false;
			i += 2;
			changed = true;
		} else if (is_nbsp(l, len, i)) {
			if (strbuf_append(&s->mail.tmp, " ", 1) < 0)
				return false;
			i++;
			changed = true;
		} else if (strbuf_append(&s->mail.tmp, l + i, 1) < 0) {
			return false;
		}
	}
	return changed;
}

/* "=XY", upper-case hex: its byte, or -1 */
static int qp_byte(const char *p, const char *end)
{
	if (end - p < 3 || p[0] != '=' || !isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]) ||
	    islower((unsigned char)p[1]) || islower((unsigned char)p[2]))
		return -1;
	return drc_hexval(p[1]) << 4 | drc_hexval(p[2]);
}

/*
 * An escape a quoted-printable encoder writes into a log line: '=' itself,
 * a space or tab, or a UTF-8 lead byte with its continuation ("=C2=A0").
 * Never a printable character, so "devname=0000:00:1f.3" (the fields
 * option) or "=AC" alone are not escapes.
 */
static bool has_qp_escape(const char *l, size_t len)
{
	const char *end = l + len;

	for (const char *p = l; (p = memchr(p, '=', (size_t)(end - p))); p++) {
		int v = qp_byte(p, end), c;

		if (v == 0x3d || v == 0x20 || v == 0x09)
			return true;
		if (v >= 0xc2 && v <= 0xf4 && (c = qp_byte(p + 3, end)) >= 0x80 && c <= 0xbf)
			return true;
	}
	return false;
}

/* ---- terminals ---- */

/*
 * A terminal's colours, kept by dmesg --color=always, script(1) or a serial
 * console logger: CSI ("ESC [ ... m"), OSC ("ESC ] ... BEL") and two- or
 * three-byte escapes are dropped.
 */
static int strip_escapes(struct strbuf *out, const char *l, size_t len)
{
	size_t i = 0;

	strbuf_clear(out);
	while (i < len) {
		const char *e = memchr(l + i, 0x1b, len - i);
		size_t at = e ? (size_t)(e - l) : len;

		if (strbuf_append(out, l + i, at - i) < 0)
			return -ENOMEM;
		if (at == len)
			break;
		i = at + 1;
		if (i < len && l[i] == '[') {
			for (i++; i < len && (unsigned char)l[i] >= 0x20 && (unsigned char)l[i] <= 0x3f; i++)
				;
			if (i < len && (unsigned char)l[i] >= 0x40 && (unsigned char)l[i] <= 0x7e)
				i++;
		} else if (i < len && l[i] == ']') {
			while (i < len && l[i] != 0x07 && !(l[i] == 0x1b && i + 1 < len && l[i + 1] == '\\'))
				i++;
			if (i < len)
				i += l[i] == 0x07 ? 1 : 2;
		} else if (i < len) {
			i += (l[i] == '(' || l[i] == ')') && i + 1 < len ? 2 : 1;
		}
	}
	return 0;
}

/* ---- web pages ---- */

static bool starts_with_nocase(const char *l, size_t len, const char *word)
{
	size_t n = strlen(word);

	return len >= n && strncasecmp(l, word, n) == 0;
}

/*
 * A message saved from a list archive (lore, lkml.iu.edu, marc): the log
 * sits in <pre> with its "<" and ">" as entities, quoted lines inside
 * <span> tags, addresses inside <a> tags. Tags are dropped, entities
 * decoded; "&nbsp;" becomes the U+00A0 the mail readers already handle.
 */
static int html_to_text(struct strbuf *out, const char *l, size_t len)
{
	static const struct { const char *name; const char *text; } entities[] = {
		{ "lt", "<" }, { "gt", ">" }, { "amp", "&" }, { "quot", "\"" }, { "apos", "'" },
		{ "nbsp", "\xc2\xa0" },
	};
	size_t i = 0;

	strbuf_clear(out);
	while (i < len) {
		size_t j = i;

		while (j < len && l[j] != '<' && l[j] != '&')
			j++;
		if (strbuf_append(out, l + i, j - i) < 0)
			return -ENOMEM;
		if (j == len)
			break;
		i = j;
		if (l[i] == '<' && i + 1 < len && (isalpha((unsigned char)l[i + 1]) || l[i + 1] == '/' || l[i + 1] == '!')) {
			const char *gt = memchr(l + i, '>', len - i);

			i = gt ? (size_t)(gt - l) + 1 : len;      /* a tag cut by the line end: to the end */
			continue;
		}
		if (l[i] == '&') {
			const char *semi = memchr(l + i, ';', MIN(len - i, (size_t)10));
			size_t n = semi ? (size_t)(semi - l) - i - 1 : 0;
			bool done = false;

			if (n >= 2 && l[i + 1] == '#') {
				char num[10] = "";
				unsigned long c;

				memcpy(num, l + i + 2, MIN(n - 1, sizeof(num) - 1));
				c = (num[0] == 'x' || num[0] == 'X') ? strtoul(num + 1, NULL, 16) : strtoul(num, NULL, 10);
				if (c > 0 && c < 0x80) {
					char ch = (char)c;

					if (strbuf_append(out, &ch, 1) < 0)
						return -ENOMEM;
					done = true;
				}
			}
			for (size_t e = 0; !done && n && e < ARRAY_SIZE(entities); e++)
				if (strlen(entities[e].name) == n && memcmp(l + i + 1, entities[e].name, n) == 0) {
					if (strbuf_appends(out, entities[e].text) < 0)
						return -ENOMEM;
					done = true;
				}
			if (done) {
				i += n + 2;
				continue;
			}
		}
		if (strbuf_append(out, l + i, 1) < 0)
			return -ENOMEM;
		i++;
	}
	return 0;
}

int mail_page_line_slow(struct drc_stream *s, const char **line, size_t *len)
{
	struct stream_mail *m = &s->mail;
	const char *l = *line;
	size_t n = *len;

	if (!m->html && n && l[0] == '<' &&
	    (starts_with_nocase(l, n, "<!doctype html") || starts_with_nocase(l, n, "<html")))
		m->html = true;
	if (m->html && (memchr(l, '<', n) || memchr(l, '&', n))) {
		if (html_to_text(&m->text, l, n) < 0)
			return -ENOMEM;
		l = m->text.buf ? m->text.buf : "";
		n = m->text.len;
	}
	/* dmesg --color colours the time first; other lines only matter when
	 * they are devres lines, which mail_decode_slow() cleans */
	if (n && l[0] == 0x1b) {
		if (strip_escapes(&m->plain, l, n) < 0)
			return -ENOMEM;
		l = m->plain.buf ? m->plain.buf : "";
		n = m->plain.len;
	}
	*line = l;
	*len = n;
	return 0;
}

int mail_decode_slow(struct drc_stream *s, const struct line *ln, enum mail_step step)
{
	const char *l = ln->text;
	size_t len = ln->len;

	if (step == MAIL_QP) {
		if (has_qp_escape(l, len) &&
		    (mem_find(l, len, "DEVRES", 6) || mem_find(l, len, "devres_log", 10)) && qp_decode(s, l, len)) {
			STREAM_DEBUG(s, ln->o, "mail: quoted-printable escapes decoded, the line read again");
			return 1;
		}
		return 0;
	}
	if (!ln->devres && !ln->marker)
		return 0;
	/* a mail client's non-breaking spaces (U+00A0) between the words */
	if (memchr(l, 0xc2, len) && qp_decode(s, l, len)) {
		STREAM_DEBUG(s, ln->o, "mail: non-breaking spaces made spaces, the line read again");
		return 1;
	}
	/* a terminal's colours inside the line */
	if (memchr(l, 0x1b, len)) {
		if (strip_escapes(&s->mail.tmp, l, len) < 0)
			return -ENOMEM;
		STREAM_DEBUG(s, ln->o, "terminal: escapes taken out, the line read again");
		return 1;
	}
	return 0;
}
