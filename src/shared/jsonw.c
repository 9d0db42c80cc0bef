// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "jsonw.h"
#include "macro.h"

void jw_init(struct jw *w, struct strbuf *out, bool pretty, unsigned indent)
{
	*w = (struct jw){ .out = out, .pretty = pretty, .indent = indent, .first = true };
}

static inline __attribute__((always_inline)) void put(struct jw *w, const char *s, size_t len)
{
	struct strbuf *sb = w->out;

	/* most pieces fit: a report writes millions of them */
	if (_likely_(sb->len + len < sb->size)) {
		memcpy(sb->buf + sb->len, s, len);
		sb->len += len;
		sb->buf[sb->len] = '\0';
	} else if (!w->error)
		w->error = strbuf_append(sb, s, len);
}

static void newline(struct jw *w)
{
	/* the line break and the indent in one piece, as far as it goes */
	static const char nl[] = "\n                                                                ";
	unsigned n = w->indent + 2 * w->depth, k = MIN(n, (unsigned)sizeof(nl) - 2);

	put(w, nl, k + 1);
	for (n -= k; n; n -= k) {
		k = MIN(n, (unsigned)sizeof(nl) - 2);
		put(w, nl + 1, k);
	}
}

/* before a value or a key: the comma and line of its container */
static void item(struct jw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first)
		put(w, ",", 1);
	if (w->pretty && w->depth)
		newline(w);
	w->first = false;
}

static void open_container(struct jw *w, char c)
{
	item(w);
	put(w, &c, 1);
	w->depth++;
	w->first = true;
}

static void close_container(struct jw *w, char c)
{
	bool empty = w->first;

	w->depth--;
	if (w->pretty && !empty)
		newline(w);
	put(w, &c, 1);
	w->first = false;
}

void jw_object_begin(struct jw *w) { open_container(w, '{'); }
void jw_object_end(struct jw *w) { close_container(w, '}'); }
void jw_array_begin(struct jw *w) { open_container(w, '['); }
void jw_array_end(struct jw *w) { close_container(w, ']'); }

/* the bytes a JSON string holds as they are: printable ASCII but " and \ */
static bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void quoted(struct jw *w, const char *s)
{
	const char *run = s;

	put(w, "\"", 1);
	/* most strings are plain ASCII: one scan, then one copy below */
	while (plain_byte((unsigned char)*s))
		s++;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		int n = 1;

		/* valid UTF-8 as it is; each byte that is not, U+FFFD (a name
		 * in a capture is any bytes the kernel or a mailer left) */
		if (c >= 0x80 && (n = utf8_sequence((const unsigned char *)s, SIZE_MAX)) > 0) {
			s += n - 1;
			continue;
		}
		if (plain_byte(c))
			continue;
		put(w, run, (size_t)(s - run));
		run = s + 1;
		if (c >= 0x80) {
			put(w, "\\ufffd", 6);
			continue;
		}
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\t': put(w, "\\t", 2); break;
		case '\r': put(w, "\\r", 2); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(w, esc, 6);
		}
	}
	put(w, run, (size_t)(s - run));
	put(w, "\"", 1);
}

void jw_key(struct jw *w, const char *key)
{
	item(w);
	quoted(w, key);
	put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
	w->after_key = true;
}

void jw_string(struct jw *w, const char *s)
{
	if (!s) {
		jw_null(w);
		return;
	}
	item(w);
	quoted(w, s);
}

void jw_int(struct jw *w, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	item(w);
	put(w, p, (size_t)(buf + sizeof(buf) - p));
}

void jw_bool(struct jw *w, bool v)
{
	item(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	item(w);
	put(w, "null", 4);
}

void jw_raw(struct jw *w, const char *json)
{
	const char *nl;

	item(w);
	while (w->pretty && (nl = strchr(json, '\n'))) {
		put(w, json, (size_t)(nl - json));
		newline(w);
		json = nl + 1;
	}
	put(w, json, strlen(json));
}

void jw_kstring(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

void jw_kint(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_kbool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool(w, v);
}

int jw_error(const struct jw *w)
{
	return w->error;
}
