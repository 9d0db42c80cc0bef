// SPDX-License-Identifier: GPL-2.0-or-later
/* The streaming JSON writer: valid JSON, exact escapes and numbers, both layouts. */
#include "config.h"

#include <json-c/json.h>
#include <stdint.h>

#include "lib/tap.h"
#include "shared/escape.h"
#include "shared/jsonw.h"

static void write_sample(struct jw *w)
{
	jw_object_begin(w);
	jw_kstring(w, "s", "quote \" back \\ nl \n tab \t cr \r bell \a del \x7f utf8 \xc3\xa9 /");
	jw_kstring(w, "null", NULL);
	jw_kint(w, "zero", 0);
	jw_kint(w, "neg", -42);
	jw_kint(w, "min", INT64_MIN);
	jw_kint(w, "max", INT64_MAX);
	jw_kbool(w, "t", true);
	jw_kbool(w, "f", false);
	jw_key(w, "empty_a");
	jw_array_begin(w);
	jw_array_end(w);
	jw_key(w, "empty_o");
	jw_object_begin(w);
	jw_object_end(w);
	jw_key(w, "nested");
	jw_array_begin(w);
	jw_int(w, 1);
	jw_object_begin(w);
	jw_key(w, "k");
	jw_array_begin(w);
	jw_string(w, "x");
	jw_null(w);
	jw_array_end(w);
	jw_object_end(w);
	jw_array_end(w);
	jw_key(w, "raw");
	/* what another library printed, pretty or compact like the rest */
	jw_raw(w, w->pretty ? "[\n  {\n    \"a\": 1\n  }\n]" : "[{\"a\":1}]");
	jw_object_end(w);
}

static void check(bool pretty)
{
	struct strbuf sb = STRBUF_INIT;
	struct json_object *o, *v, *a;
	struct jw w;

	jw_init(&w, &sb, pretty, pretty ? 4 : 0);
	write_sample(&w);
	is_int(jw_error(&w), 0, "no error");
	o = json_tokener_parse(strbuf_str(&sb));
	if (!ok(o != NULL, "%s output parses", pretty ? "pretty" : "compact"))
		printf("#   %s\n", strbuf_str(&sb));
	if (o) {
		is_str(json_object_get_string(json_object_object_get(o, "s")),
		       "quote \" back \\ nl \n tab \t cr \r bell \a del \x7f utf8 \xc3\xa9 /", "string round-trips");
		ok(json_object_object_get_ex(o, "null", &v) && v == NULL, "NULL string is null");
		is_int(json_object_get_int64(json_object_object_get(o, "neg")), -42, "negative");
		ok(json_object_get_int64(json_object_object_get(o, "min")) == INT64_MIN, "INT64_MIN");
		ok(json_object_get_int64(json_object_object_get(o, "max")) == INT64_MAX, "INT64_MAX");
		ok(json_object_get_boolean(json_object_object_get(o, "t")) &&
		   !json_object_get_boolean(json_object_object_get(o, "f")), "booleans");
		is_int(json_object_array_length(json_object_object_get(o, "empty_a")), 0, "empty array");
		a = json_object_object_get(json_object_array_get_idx(json_object_object_get(o, "nested"), 1), "k");
		is_int(json_object_array_length(a), 2, "nested array in object in array");
		a = json_object_array_get_idx(json_object_object_get(o, "raw"), 0);
		is_int(json_object_get_int(json_object_object_get(a, "a")), 1, "raw JSON text embedded as a value");
		json_object_put(o);
	}
	if (pretty) {
		ok(strstr(strbuf_str(&sb), "\n      \"zero\": 0,\n") != NULL,
		   "pretty: one key per line, two spaces a level after the indent, \"key\": value");
		ok(strstr(strbuf_str(&sb), "\n    }") != NULL, "pretty: the closing brace at the indent");
		ok(strstr(strbuf_str(&sb), "\"empty_a\": [],") != NULL, "pretty: an empty array stays on its line");
		ok(strstr(strbuf_str(&sb), "\"raw\": [\n        {\n          \"a\": 1\n        }\n      ]") != NULL,
		   "pretty: raw text re-indented to its level");
	} else {
		ok(!strchr(strbuf_str(&sb), '\n'), "compact: one line");
		ok(strstr(strbuf_str(&sb), "\"zero\":0,\"neg\":-42,") != NULL, "compact: no whitespace between items");
	}
	ok(strstr(strbuf_str(&sb), "\\u0007") && strstr(strbuf_str(&sb), "\\n") && strstr(strbuf_str(&sb), "\\\""),
	   "control characters and quotes are escaped");
	strbuf_done(&sb);
}

/* Names from a capture are any bytes: the output stays valid UTF-8. */
static void check_utf8(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },                   /* valid two bytes: kept */
		{ "\xe2\x82\xac\xf0\x9f\x92\xa1", "\"\xe2\x82\xac\xf0\x9f\x92\xa1\"" },  /* three, four */
		{ "drv\xff\xfe", "\"drv\\ufffd\\ufffd\"" },             /* never UTF-8 */
		{ "dev\xc3(x", "\"dev\\ufffd(x\"" },                      /* a lead without its tail */
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },                   /* overlong '/' */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },       /* a surrogate */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* past U+10FFFF */
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },                   /* cut at the end */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		struct jw w;

		jw_init(&w, &sb, false, 0);
		jw_string(&w, cases[i].in);
		ok(strcmp(strbuf_str(&sb), cases[i].out) == 0, "UTF-8 case %zu: %s", i, strbuf_str(&sb));
		strbuf_done(&sb);
	}
}

/* The text filter: control characters as ^G, bytes that are not UTF-8 as
 * \xff, sequences cut between two writes decided by the next one. */
static void check_text_filter(bool color, const char *const *parts, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len), *f = mem ? text_filter_open(mem, color) : NULL;

	if (!ok(f != NULL, "a text filter")) {
		if (mem)
			fclose(mem);
		free(buf);
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);    /* each part its own write */
	for (; *parts; parts++)
		fputs(*parts, f);
	fclose(f);
	fclose(mem);
	ok(strcmp(buf, want) == 0, "text%s: '%s'", color ? " in colour" : "", color ? "(colour codes)" : buf);
	free(buf);
}

int main(void)
{
	check(false);
	check(true);
	check_utf8();
	check_text_filter(false, (const char *const[]){ "d\001v\177 caf\xc3", "\xa9 \xe2\x82", "\xac\t\n", NULL },
			  "d^Av^? caf\xc3\xa9 \xe2\x82\xac\t\n");
	check_text_filter(false, (const char *const[]){ "drv\xff\xfe \xe2", "x \033[2J", NULL },
			  "drv\\xff\\xfe \\xe2x ^[[2J");
	check_text_filter(true, (const char *const[]){ "\033[1", ";31mred\033[0m \033]0;t\007", "\033[", NULL },
			  "\033[1;31mred\033[0m ^[]0;t^G^[[");
	return tap_done();
}
