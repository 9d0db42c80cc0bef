/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Bytes from a capture reach every writer: device, driver and function
 * names are whatever the log held. These keep each output well-formed:
 * JSON and XML need valid UTF-8 (an invalid byte becomes U+FFFD), and a
 * terminal must not take control characters from a log (text shows them
 * as ^G, ^[, ^?; an invalid byte as \xff).
 */

/* The length of the valid UTF-8 sequence at @s (1 to 4), 0 when it is not
 * one, or -1 when @len ends inside what could still become one. Overlong
 * forms, surrogates and code points past U+10FFFF are not valid. */
int utf8_sequence(const unsigned char *s, size_t len);
/* NULL when @s is valid UTF-8; else a copy with U+FFFD for each invalid
 * byte, to free (or NULL, errno ENOMEM). */
char *utf8_valid_dup(const char *s);
/*
 * A stream that writes to @out what it is given, with control characters
 * in caret notation (^G) except newline and tab, DEL as ^?, and bytes that
 * are not UTF-8 as \xNN. With @color, SGR sequences ("ESC [ 1 ; 31 m", the
 * only ones the writers use) pass. fclose() flushes it (not @out) and
 * frees it; NULL on failure.
 */
FILE *text_filter_open(FILE *out, bool color);
