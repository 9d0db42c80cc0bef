/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * A JSON writer that appends text to a strbuf as it goes: for output too
 * large to build as objects first (a report of every device of a big
 * capture). Pretty output indents by two spaces, "key": value, starting at
 * @indent; compact output has no whitespace. The caller pairs begin/end;
 * allocation failure is sticky and returned by jw_error().
 */
struct jw {
	struct strbuf *out;
	unsigned depth, indent;
	bool pretty;
	bool first;             /* nothing written yet in the open container */
	bool after_key;
	int error;
};

void jw_init(struct jw *w, struct strbuf *out, bool pretty, unsigned indent);
void jw_object_begin(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array_begin(struct jw *w);
void jw_array_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_string(struct jw *w, const char *s);    /* NULL: null */
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* A value already written as JSON text (by another library); in pretty
 * output its lines after the first are indented to the current level. */
void jw_raw(struct jw *w, const char *json);
/* "key": value shorthands */
void jw_kstring(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, bool v);
int jw_error(const struct jw *w);
