/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal TAP producer for the engine's unit tests. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok(!!(cond), __VA_ARGS__)
#define is_int(got, want, what) do { long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, "%s", what)) printf("#   got %lld, want %lld\n", g_, w_); } while (0)
#define is_str(got, want, what) do { const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, "%s", what)) \
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } while (0)
/* with the description as a format */
#define is_intf(got, want, ...) do { char m_[256]; snprintf(m_, sizeof(m_), __VA_ARGS__); \
	is_int(got, want, m_); } while (0)
#define is_strf(got, want, ...) do { char m_[256]; snprintf(m_, sizeof(m_), __VA_ARGS__); \
	is_str(got, want, m_); } while (0)

__attribute__((unused))
static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}
