// SPDX-License-Identifier: LGPL-2.1-or-later
/* Output that stays well-formed whatever bytes the capture held (escape.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

int utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char lo = 0x80, hi = 0xbf;     /* the second byte's range (RFC 3629) */
	int need;

	if (!len)
		return -1;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;      /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f;      /* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90;      /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f;      /* past U+10FFFF */
	for (int i = 1; i < need; i++) {
		if ((size_t)i >= len)
			return -1;
		if (i == 1 ? s[i] < lo || s[i] > hi : (s[i] & 0xc0) != 0x80)
			return 0;
	}
	return need;
}

char *utf8_valid_dup(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), bad = 0, o = 0;
	char *out;

	for (size_t i = 0; i < len;) {
		int n = utf8_sequence(p + i, len - i);

		if (n <= 0) {
			bad++;
			i++;
		} else {
			i += (size_t)n;
		}
	}
	if (!bad)
		return NULL;
	out = malloc(len + 2 * bad + 1);
	if (!out) {
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		int n = utf8_sequence(p + i, len - i);

		if (n <= 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		} else {
			memcpy(out + o, s + i, (size_t)n);
			o += (size_t)n;
			i += (size_t)n;
		}
	}
	out[o] = '\0';
	return out;
}

/* ---- the text filter ---- */

struct text_filter {
	FILE *out;
	bool color;
	unsigned char held[16];         /* an unfinished sequence, from the last write */
	size_t nheld;
};

/* The length of an SGR sequence "ESC [ digits/; m" at @s, 0 when it is not
 * one, -1 when it may still become one. */
static int sgr_sequence(const unsigned char *s, size_t len)
{
	size_t i = 2;

	if (len < 2)
		return -1;
	if (s[1] != '[')
		return 0;
	for (; i < len && i < sizeof(((struct text_filter *)0)->held); i++) {
		if (s[i] == 'm')
			return (int)i + 1;
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != ';')
			return 0;
	}
	return i < sizeof(((struct text_filter *)0)->held) ? -1 : 0;
}

/* Writes what can be decided of @s; returns the bytes left undecided
 * (at most an unfinished sequence at the end, unless @final). */
static size_t filter(struct text_filter *t, const unsigned char *s, size_t len, bool final)
{
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned char c = s[i];
		int n;

		if (c >= 0x20 && c < 0x7f) {
			i++;
			continue;
		}
		if (c == '\n' || c == '\t') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_sequence(s + i, len - i);
			if (n > 0) {
				i += (size_t)n;
				continue;
			}
		} else if (c == 0x1b && t->color) {
			n = sgr_sequence(s + i, len - i);
			if (n > 0) {
				i += (size_t)n;
				continue;
			}
		} else {
			n = 0;
		}
		if (n < 0 && !final)
			break;          /* decided by the next write */
		fwrite(s + run, 1, i - run, t->out);
		if (c >= 0x80)
			fprintf(t->out, "\\x%02x", c);
		else
			fprintf(t->out, "^%c", c == 0x7f ? '?' : c + 0x40);
		run = ++i;
	}
	fwrite(s + run, 1, i - run, t->out);
	return len - i;
}

static ssize_t filter_write(void *cookie, const char *buf, size_t size)
{
	struct text_filter *t = cookie;
	size_t used = 0;

	/* first what the last write left: completed by the start of this one */
	while (t->nheld && used < size) {
		size_t left;

		t->held[t->nheld++] = (unsigned char)buf[used++];
		left = filter(t, t->held, t->nheld, false);
		memmove(t->held, t->held + t->nheld - left, left);
		t->nheld = left;
	}
	if (used < size) {
		size_t left = filter(t, (const unsigned char *)buf + used, size - used, false);

		memcpy(t->held, buf + size - left, left);
		t->nheld = left;
	}
	return (ssize_t)size;
}

static int filter_close(void *cookie)
{
	struct text_filter *t = cookie;

	if (t->nheld)
		filter(t, t->held, t->nheld, true);
	fflush(t->out);
	free(t);
	return 0;
}

FILE *text_filter_open(FILE *out, bool color)
{
	cookie_io_functions_t io = { .write = filter_write, .close = filter_close };
	struct text_filter *t = calloc(1, sizeof(*t));
	FILE *f;

	if (!t)
		return NULL;
	t->out = out;
	t->color = color;
	f = fopencookie(t, "w", io);
	if (!f)
		free(t);
	return f;
}
