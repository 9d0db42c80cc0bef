// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * JSON objects, on one line or a field a line:
 *
 *   {"__CURSOR":"...","_TRANSPORT":"kernel","MESSAGE":"drv dev: DEVRES ..."}
 *                                               journalctl -o json (journal keys
 *                                               as in transport-journal.c)
 *   {                                           journalctl -o json-pretty
 *           "MESSAGE" : "...",
 *   }
 *   {"dmesg":[{"pri":3,"time":1.920000,"msg":"..."},...]}
 *                                               dmesg --json squeezed (jq -c)
 *   {                                           dmesg --json (util-linux)
 *      "dmesg": [
 *         {
 *            "pri": 3,
 *            "time":     1.920000,
 *            "msg": "..."
 *         },{
 *   - {"dt": "...", "lvl": "target", "msg": "[    1.920000] drv dev: DEVRES ..."}
 *                                               a LAVA job log (log.yaml): the
 *                                               target's console, read as a line
 *
 * Which one a record is shows only once it is parsed (its keys), so one
 * transport reads them all: an object is the kernel's when its _TRANSPORT
 * says so or it has dmesg's "msg"; a LAVA line's "msg" is read as a line of
 * its own. MESSAGE given as a byte array is not UTF-8.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "stream-private.h"

struct json_state {
	struct kv_record pretty;        /* an object over lines (first: see struct transport) */
	uint64_t first;                 /* the line of its "{" */
	bool bytes;                     /* in its MESSAGE given as a byte array */
};

/* One record: journalctl -o json, one of dmesg --json's, or a line of a
 * LAVA job log ({"dt": ..., "lvl": "target", "msg": "[    1.9] ..."}), whose
 * message is a console line with its own time. */
static int json_fields(struct drc_stream *s, struct json_object *obj, const struct drc_origin *o)
{
	struct kv_record k = { 0 };
	struct json_object *lvl;
	int r;

	k.active = true;
	k.ts = -1;
	k.origin = *o;
	json_object_object_foreach(obj, key, val) {
		if (json_object_is_type(val, json_type_array) && strcmp(key, "MESSAGE") == 0) {
			/* non-UTF-8 messages come as byte arrays */
			strbuf_clear(&k.msg);
			for (size_t i = 0; i < json_object_array_length(val); i++) {
				char c = (char)json_object_get_int(json_object_array_get_idx(val, i));

				strbuf_append(&k.msg, &c, 1);
			}
		} else if (json_object_is_type(val, json_type_string)) {
			const char *v = json_object_get_string(val);

			record_field(s, &k, key, strlen(key), v, (size_t)json_object_get_string_len(val));
		} else if ((json_object_is_type(val, json_type_double) || json_object_is_type(val, json_type_int)) &&
			   strcmp(key, "time") == 0) {
			double t = json_object_get_double(val);

			if (t >= 0 && t < 1e12)
				k.ts = (int64_t)(t * 1e6 + 0.5);
		}
	}
	if (json_object_object_get_ex(obj, "lvl", &lvl) && json_object_is_type(lvl, json_type_string)) {
		r = k.msg.len ? stream_offer(s, k.msg.buf, k.msg.len, 0, o, /* may_hold= */ false) : 0;
		if (r == LINE_DEFER)
			r = stream_defer(s, k.msg.buf, k.msg.len, 0, o);
	} else {
		r = record_flush(s, &k);
	}
	strbuf_done(&k.msg);
	return r < 0 ? r : 0;
}

static int json_record(struct drc_stream *s, const char *l, size_t len, const struct drc_origin *o)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj, *recs;
	int r = 0;

	if (!tok)
		return -ENOMEM;
	obj = json_tokener_parse_ex(tok, l, (int)MIN(len, (size_t)INT32_MAX));
	json_tokener_free(tok);
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return 0;
	}
	/* dmesg --json squeezed onto one line: {"dmesg":[{...},...]} */
	if (json_object_object_get_ex(obj, "dmesg", &recs) && json_object_is_type(recs, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(recs) && r >= 0; i++) {
			struct json_object *rec = json_object_array_get_idx(recs, i);

			if (json_object_is_type(rec, json_type_object))
				r = json_fields(s, rec, o);
		}
	} else {
		r = json_fields(s, obj, o);
	}
	json_object_put(obj);
	return r;
}

/*
 * A JSON object written one field a line: dmesg --json as util-linux prints
 * it ("{", "\"time\":     1.920000,", "\"msg\": \"...\"", "},{") and
 * journalctl -o json-pretty ("\t\"MESSAGE\" : \"...\","). It starts at a line
 * that is only "{" and lasts while its lines are fields; any other line is
 * handed back to the transports (LINE_PASS).
 */
static void pjson_start(struct json_state *js, const struct drc_origin *o)
{
	record_start(&js->pretty, o);
	js->first = o->line;
	js->bytes = false;
}

static bool pjson_opens(const char *l, size_t len)
{
	return trim_blanks(&l, len) == 1 && l[0] == '{';
}

/* The pretty record's message, read like any kernel message. */
static int pjson_flush(struct drc_stream *s, void *st)
{
	struct json_state *js = st;
	int r;

	s->in_object = true;
	r = record_flush(s, &js->pretty);
	s->in_object = false;
	return r;
}

/* A line of the open object, or the "{" alone that opens one. */
static int pjson_line(struct drc_stream *s, void *st, struct line *l)
{
	struct json_state *js = st;
	struct kv_record *k = &js->pretty;
	const struct drc_origin *o = l->o;
	const char *t = l->text, *key, *p, *end;
	size_t tl, klen;
	int r;

	tl = trim_blanks(&t, l->len);
	if (tl == 1 && t[0] == '{') {
		l->why = "'{' alone: the next object";
		r = pjson_flush(s, js);
		pjson_start(js, o);
		return r < 0 ? r : LINE_TAKEN;
	}
	if (!k->active || !tl)
		goto not_mine;
	if (js->bytes) {
		/* "MESSAGE" : [ then one byte a line: a message that is not UTF-8 */
		if (t[0] == ']') {
			js->bytes = false;
			l->why = "the end of its object's MESSAGE as bytes";
			return LINE_TAKEN;
		}
		if (is_digit(t[0])) {
			char c = (char)strtoul(t, NULL, 10);

			l->why = "a byte of its object's MESSAGE";
			r = strbuf_append(&k->msg, &c, 1);
			return r < 0 ? r : LINE_TAKEN;
		}
		goto not_mine;
	}
	if (t[0] == '}') {      /* "}", "}," or dmesg's "},{" */
		size_t i = 1;

		l->why = "the end of its object";
		r = pjson_flush(s, js);
		if (i < tl && t[i] == ',')
			i++;
		while (i < tl && (t[i] == ' ' || t[i] == '\t'))
			i++;
		if (r >= 0 && i + 1 == tl && t[i] == '{')
			pjson_start(js, o);
		return r < 0 ? r : LINE_TAKEN;
	}
	if (t[0] != '"' || !(p = memchr(t + 1, '"', tl - 1)))
		goto not_mine;
	key = t + 1;
	klen = (size_t)(p - key);
	end = t + tl;
	for (p++; p < end && *p == ' '; p++)
		;
	if (p == end || *p != ':')
		goto not_mine;
	for (p++; p < end && *p == ' '; p++)
		;
	if (end > p && end[-1] == ',')
		end--;
	if (p == end)
		goto not_mine;
	if (klen == 7 && memcmp(key, "MESSAGE", 7) == 0 && *p == '[') {
		strbuf_clear(&k->msg);
		js->bytes = true;
		k->origin = *o;
		l->why = "its object's MESSAGE, as bytes a line (not UTF-8)";
		return LINE_TAKEN;
	}
	if (*p == '"') {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *v;

		if (!tok)
			return -ENOMEM;
		v = json_tokener_parse_ex(tok, p, (int)MIN((size_t)(end - p), (size_t)INT32_MAX));
		json_tokener_free(tok);
		if (v && json_object_is_type(v, json_type_string)) {
			record_field(s, k, key, klen, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		} else {        /* cut short, by a mail client perhaps: the text as it is */
			size_t vl = (size_t)(end - p - 1);

			if (vl && end[-1] == '"')
				vl--;
			record_field(s, k, key, klen, p + 1, vl);
		}
		json_object_put(v);
	} else {
		record_field(s, k, key, klen, p, (size_t)(end - p));
	}
	if ((klen == 3 && memcmp(key, "msg", 3) == 0) || (klen == 7 && memcmp(key, "MESSAGE", 7) == 0))
		k->origin = *o;
	l->why = "a field of its object";
	return LINE_TAKEN;
not_mine:
	r = pjson_flush(s, js);
	return r < 0 ? r : LINE_PASS;
}


static const char *json_detect(struct drc_stream *s, void *st, const struct line *l, enum stage stage)
{
	if (stage == STAGE_UNQUOTED)
		return pjson_opens(l->text, l->len) ?
		       "'{' alone: a JSON object a field a line (dmesg --json, journalctl -o json-pretty)" : NULL;
	if (l->text[0] == '{')
		return "a JSON object on one line (journalctl -o json, dmesg --json | jq -c)";
	if (l->len > 3 && l->text[0] == '-' && l->text[1] == ' ' && l->text[2] == '{')
		return "a YAML list of JSON objects: a LAVA job log";
	return NULL;
}

static int json_feed(struct drc_stream *s, void *st, struct line *l, enum stage stage)
{
	size_t skip;
	int r;

	if (stage == STAGE_UNQUOTED)
		return pjson_line(s, st, l);
	skip = l->text[0] == '{' ? 0 : 2;
	r = json_record(s, l->text + skip, l->len - skip, l->o);
	return r < 0 ? r : LINE_TAKEN;
}

static uint64_t json_pending(const void *st)
{
	const struct json_state *js = st;

	return js->pretty.active ? js->first : UINT64_MAX;
}

static void json_done(void *st)
{
	strbuf_done(&((struct json_state *)st)->pretty.msg);
}

const struct transport transport_json = {
	.name = "json",
	.state_size = sizeof(struct json_state),
	.stages = STAGE(STAGE_UNQUOTED) | STAGE(STAGE_OBJECT),
	.first = { [STAGE_UNQUOTED] = " \t{", [STAGE_OBJECT] = "{-" },
	.detect = json_detect,
	.feed = json_feed,
	.record = pjson_line,
	.record_unquoted = true,
	.flush = pjson_flush,
	.pending = json_pending,
	.done = json_done,
};
