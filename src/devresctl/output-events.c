// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Events as they happen: the JSON objects devresd pushes to subscribers and
 * "devresctl monitor --format=json" prints, and the one-line text form of
 * each for monitor's default output.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "output.h"

#define jstr json_string_valid

struct json_object *event_json(const struct drc_event *ev)
{
	struct json_object *o = json_object_new_object();
	char id[24];

	snprintf(id, sizeof(id), "%0*" PRIx64, (int)ev->id_digits, ev->id);
	json_object_object_add(o, "type", json_object_new_string("event"));
	json_object_object_add(o, "op", json_object_new_string(drc_op_to_string(ev->op)));
	json_object_object_add(o, "device", jstr(ev->device));
	json_object_object_add(o, "driver", jstr(ev->prefix));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "name", jstr(ev->name));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)ev->size));
	json_object_object_add(o, "ts_usec", json_object_new_int64(ev->ts_usec));
	json_object_object_add(o, "boot", json_object_new_int((int)ev->boot));
	json_object_object_add(o, "line", json_object_new_int64((int64_t)ev->origin.line));
	return o;
}

struct json_object *uevent_json(const struct drc_uevent *ev)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("uevent"));
	json_object_object_add(o, "action", jstr(ev->action));
	json_object_object_add(o, "device", jstr(ev->device));
	json_object_object_add(o, "devpath", jstr(ev->devpath));
	json_object_object_add(o, "subsystem", jstr(ev->subsystem));
	json_object_object_add(o, "driver", jstr(ev->driver));
	json_object_object_add(o, "line", json_object_new_int64((int64_t)ev->origin.line));
	return o;
}

struct json_object *finding_json(const struct drc_finding *f)
{
	struct finding_item it = { .f = f };
	struct finding_list l = { &it, 1, 0, 0, 0, { 0 } };
	struct json_object *arr, *o;

	finding_fingerprint(f, it.fingerprint);
	arr = findings_to_json(&l);
	o = json_object_get(json_object_array_get_idx(arr, 0));
	json_object_put(arr);
	return o;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t num(struct json_object *o, const char *key, int64_t none)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return none;
	return json_object_get_int64(v);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

int event_text(struct json_object *o, FILE *out)
{
	const char *type = str(o, "type");

	if (!type)
		return -EINVAL;
	if (strcmp(type, "event") == 0) {
		int64_t ts = num(o, "ts_usec", -1);
		int64_t size = num(o, "size", 0);

		if (ts >= 0)
			fprintf(out, "[%5" PRId64 ".%06" PRId64 "] ", ts / 1000000, ts % 1000000);
		else
			fprintf(out, "[%12s] ", "-");
		fprintf(out, "%-7s %s %s  %s %s (%" PRId64 " byte%s)\n", or_dash(str(o, "op")),
			or_dash(str(o, "driver")), or_dash(str(o, "device")), or_dash(str(o, "id")),
			or_dash(str(o, "name")), size, size == 1 ? "" : "s");
	} else if (strcmp(type, "uevent") == 0) {
		const char *drv = str(o, "driver");

		fprintf(out, "[%12s] %-7s %s  %s (%s)%s%s\n", "uevent", or_dash(str(o, "action")),
			or_dash(str(o, "device")), or_dash(str(o, "devpath")), or_dash(str(o, "subsystem")),
			drv ? " driver " : "", drv ? drv : "");
	} else if (strcmp(type, "finding") == 0) {
		fprintf(out, "[%12s] %s %s: %s\n", "finding", or_dash(str(o, "severity")), or_dash(str(o, "rule")),
			or_dash(str(o, "summary")));
	} else {
		return -EINVAL;
	}
	return 0;
}
