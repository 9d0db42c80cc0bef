/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* A growable NUL-terminated byte buffer. Functions return 0 or -ENOMEM. */
struct strbuf {
	char *buf;
	size_t len;
	size_t size;
};

#define STRBUF_INIT { NULL, 0, 0 }

int strbuf_reserve(struct strbuf *sb, size_t extra);
int strbuf_append(struct strbuf *sb, const char *s, size_t len);
int strbuf_appends(struct strbuf *sb, const char *s);
int strbuf_appendf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
void strbuf_clear(struct strbuf *sb);
void strbuf_done(struct strbuf *sb);
/* Borrowed, NUL-terminated, never NULL. */
const char *strbuf_str(const struct strbuf *sb);
