/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))
#define _must_check_ __attribute__((warn_unused_result))
#define _nonnull_(...) __attribute__((nonnull(__VA_ARGS__)))
#define _cleanup_(fn) __attribute__((cleanup(fn)))
#define _likely_(x) __builtin_expect(!!(x), 1)
#define _unlikely_(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#define STRLEN(s) (sizeof(s) - 1)

#include <string.h>

/*
 * memmem() for the short needles of a log line: memchr() finds the first
 * byte, memcmp() the rest. glibc's memmem() sets up a general search on
 * every call, which costs more than the search itself on an 80-byte line.
 */
static inline const void *mem_find(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
	const unsigned char *h = hay, *n = needle, *p, *end;

	if (nlen == 0)
		return hay;
	if (hlen < nlen)
		return NULL;
	end = h + hlen - nlen + 1;      /* one past the last possible start */
	for (p = h; (p = memchr(p, n[0], (size_t)(end - p))); p++)
		if (memcmp(p + 1, n + 1, nlen - 1) == 0)
			return p;
	return NULL;
}

#include <errno.h>
#include <stdlib.h>

/*
 * Room for one more element in a growing array: doubles *cap (from @first)
 * when @n has reached it. 0, or -ENOMEM with the array as it was.
 */
static inline int array_grow(void *arrayp, size_t *cap, size_t n, size_t elem, size_t first)
{
	void **array = arrayp, *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : first;
	p = realloc(*array, ncap * elem);
	if (!p)
		return -ENOMEM;
	*array = p;
	*cap = ncap;
	return 0;
}
