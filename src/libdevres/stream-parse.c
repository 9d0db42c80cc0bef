// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Times, stamps and headers that several transports read: printk's
 * "[  126.886032]" and its caller id, seconds with decimals, a syslog
 * header, and the "KEY=value" lines of dictionaries and udev events.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "stream-private.h"

/* "23:42" somewhere in s */
static bool has_time_of_day(const char *s, size_t len)
{
	for (const char *c = s; (c = memchr(c, ':', len - (size_t)(c - s))); c++)
		if (c > s && c + 1 < s + len && is_digit(c[-1]) && is_digit(c[1]))
			return true;
	return false;
}

/*
 * "439.921733" as microseconds: up to 12 digits of seconds, then decimals,
 * of which six are kept. Returns the characters read; 0 when s does not
 * start with a digit or the seconds are longer.
 */
size_t parse_seconds(const char *s, size_t len, int64_t *usec)
{
	int64_t sec = 0, frac_us = 0;
	size_t i = 0, frac = 0;

	/* the digits past twelve are only counted: they would overflow */
	for (; i < len && is_digit(s[i]); i++)
		if (i < 12)
			sec = sec * 10 + (s[i] - '0');
	if (i == 0 || i > 12)
		return 0;
	if (i < len && s[i] == '.')
		for (i++; i < len && is_digit(s[i]); i++)
			if (frac < 6)
				frac_us = frac_us * 10 + (s[i] - '0'), frac++;
	for (; frac < 6; frac++)
		frac_us *= 10;
	*usec = sec * 1000000 + frac_us;
	return i;
}

/*
 * "[  126.886032]", "[7.138679]", "[ ]", "[Fri Mar 10 23:42:01 2023]".
 * On success returns the index after ']' and sets *ts (-1 when unknown).
 */
size_t parse_bracket_ts(const char *l, size_t len, size_t i, int64_t *ts)
{
	int64_t sec = 0, usec = 0;
	size_t j = i + 1, digits = 0, frac = 0;
	const char *close;

	if (i >= len || l[i] != '[')
		return 0;
	/* most lines: "[  126.886032]", read in one pass (the bracket is the
	 * first within 40 bytes, as below; anything else is read below) */
	{
		const char *p = l + i + 1, *end = l + i + MIN(len - i, (size_t)40);
		int64_t s = 0, us = 0;
		unsigned d = 0, f = 0;

		while (p < end && *p == ' ')
			p++;
		for (; p < end && is_digit(*p) && d < 12; p++, d++)
			s = s * 10 + (*p - '0');
		if (d && p < end && *p == '.') {
			for (p++; p < end && is_digit(*p); p++)
				if (f < 6)
					us = us * 10 + (*p - '0'), f++;
			if (p < end && *p == ']') {
				for (; f < 6; f++)
					us *= 10;
				*ts = s * 1000000 + us;
				return (size_t)(p - l) + 1;
			}
		}
	}
	close = memchr(l + i, ']', MIN(len - i, (size_t)40));
	if (!close)
		return 0;
	while (j < len && (l[j] == ' ' || is_nbsp(l, len, j)))
		j += l[j] == ' ' ? 1 : 2;
	if (l + j == close) {
		*ts = -1;                               /* blanked "[ ]" */
		return (size_t)(close - l) + 1;
	}
	/* dmesg --reltime/-e after the first line: "[  +0.000123]"; dmesg -d
	 * without a time: "[<    0.000123>]" */
	if (l[j] == '+' || l[j] == '<') {
		*ts = -1;
		return (size_t)(close - l) + 1;
	}
	while (j < len && is_digit(l[j]) && digits < 12) {
		sec = sec * 10 + (l[j++] - '0');
		digits++;
	}
	if (digits && j < len && l[j] == '.') {
		j++;
		while (j < len && is_digit(l[j]) && frac < 6) {
			usec = usec * 10 + (l[j++] - '0');
			frac++;
		}
		while (j < len && is_digit(l[j]))
			j++;
		for (; frac < 6; frac++)
			usec *= 10;
		/* dmesg -d: "[    1.920000 <    0.000123>]" */
		if (l + j < close && l[j] == ' ' && memchr(l + j, '<', (size_t)(close - (l + j))))
			j = (size_t)(close - l);
		if (l + j == close) {
			*ts = sec * 1000000 + usec;
			return j + 1;
		}
		return 0;
	}
	/* dmesg -T: "[Fri Mar 10 23:42:01 2023]", in any language ("[木 11月 26
	 * ...]"); dmesg --reltime: "[Mar10 23:42]"; a console logger's date:
	 * "[2026-11-26 11:21:04.123]". A time of day is in it ("[drm:...]" at the
	 * start of a line without a time is no stamp). */
	if (((!digits && (isalpha((unsigned char)l[i + 1]) || (unsigned char)l[i + 1] >= 0x80)) ||
	     (digits == 4 && l[j] == '-')) &&
	    close - (l + i) >= 10 && has_time_of_day(l + i, (size_t)(close - (l + i)))) {
		*ts = -1;
		return (size_t)(close - l) + 1;
	}
	/* kunit.py: "[12:34:56] " before what the test printed */
	if (digits == 2 && j == i + 3 && close == l + i + 9 && l[i + 3] == ':' && l[i + 6] == ':' &&
	    is_digit(l[i + 4]) && is_digit(l[i + 5]) &&
	    is_digit(l[i + 7]) && is_digit(l[i + 8])) {
		*ts = -1;
		return (size_t)(close - l) + 1;
	}
	return 0;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/*
 * Syslog header "Mar  8 22:20:36[.123456] host ident[pid]: " or
 * "2023-03-10T23:42:01.123+01:00 host ident: ". Returns the index of the
 * message, sets *kernel when the ident is "kernel".
 */
size_t parse_syslog_header(const char *l, size_t len, bool *kernel)
{
	size_t i = 0, host, ident, e;
	bool ok = false;

	if (len >= 16 && isupper((unsigned char)l[0])) {
		for (size_t m = 0; m < ARRAY_SIZE(months); m++)
			if (memcmp(l, months[m], 3) == 0)
				ok = true;
		if (!ok || l[3] != ' ')
			return 0;
		i = 4;
		if (l[i] == ' ')
			i++;
		while (i < len && is_digit(l[i]))
			i++;
		if (i >= len || l[i] != ' ')
			return 0;
		i++;
		if (i + 8 > len || l[i + 2] != ':' || l[i + 5] != ':')
			return 0;
		i += 8;
		if (i < len && l[i] == '.')
			while (++i < len && is_digit(l[i]))
				;
	} else if (len >= 22 && l[0] == '1' && l[1] == ' ' && is_digit(l[2]) && l[6] == '-' &&
		   l[9] == '-' && l[12] == 'T') {
		/* RFC 5424 after its "<pri>": "1 TIME HOST APP PROCID MSGID SD MSG" */
		size_t f[5];

		i = 2;
		for (int k = 0; k < 5; k++) {
			while (i < len && l[i] != ' ')
				i++;
			f[k] = ++i;
		}
		if (i > len)
			return 0;
		*kernel = f[2] - f[1] == 7 && memcmp(l + f[1], "kernel ", 7) == 0;
		if (i < len && l[i] == '[')     /* structured data */
			while (i < len && l[i - 1] != ']')
				i++;
		else if (i < len && l[i] == '-')
			i++;
		return i < len && l[i] == ' ' ? i + 1 : i;
	} else if (len >= 20 && is_digit(l[0]) && l[4] == '-' && l[7] == '-' &&
		   l[10] == 'T') {
		bool comma = false;

		i = 10;
		while (i < len && l[i] != ' ')
			comma |= l[i++] == ',';
		/* dmesg --time-format=iso ("...T23:42:01,123456+01:00"): the
		 * kernel's message follows, no host, no ident */
		if (comma && i < len) {
			*kernel = true;
			return i + 1;
		}
	} else {
		return 0;
	}
	if (i >= len || l[i] != ' ')
		return 0;
	host = i + 1;
	e = host;
	while (e < len && l[e] != ' ')
		e++;
	if (e >= len || e == host)
		return 0;
	ident = e + 1;
	/* busybox syslogd: "host kern.err kernel: " */
	for (e = ident; e < len && islower((unsigned char)l[e]); e++)
		;
	if (e > ident && e < len && l[e] == '.') {
		size_t f = e + 1;

		for (e = f; e < len && islower((unsigned char)l[e]); e++)
			;
		if (e > f && e < len && l[e] == ' ')
			ident = e + 1;
	}
	e = ident;
	while (e < len && l[e] != ' ' && l[e] != ':' && l[e] != '[')
		e++;
	*kernel = e - ident == 6 && memcmp(l + ident, "kernel", 6) == 0;
	if (e < len && l[e] == '[')
		while (e < len && l[e] != ']')
			e++;
	if (e < len && l[e] == ']')
		e++;
	if (e >= len || l[e] != ':')
		return 0;
	e++;
	if (e < len && l[e] == ' ')
		e++;
	return e;
}

bool is_property(const char *l, size_t len, size_t *eq)
{
	size_t i = 0;

	while (i < len && (isupper((unsigned char)l[i]) || is_digit(l[i]) || l[i] == '_'))
		i++;
	if (i == 0 || i >= len || l[i] != '=')
		return false;
	*eq = i;
	return true;
}

size_t trim_blanks(const char **l, size_t len)
{
	size_t lead;

	while (len && ((*l)[len - 1] == ' ' || (*l)[len - 1] == '\t'))
		len--;
	lead = skip_ws(*l, len, 0);
	*l += lead;
	return len - lead;
}
