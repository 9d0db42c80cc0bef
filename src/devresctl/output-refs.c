// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who holds a device now, as JSON: what "devresctl refs --format=json"
 * prints and devresd's "device" reply carries under "sysfs".
 */
#include "config.h"

#include <json-c/json.h>

#include "output.h"
#include "sources/sysfs.h"

/* an empty sysfs value: none */
static struct json_object *jstr(const char *s)
{
	return s && *s ? json_string_valid(s) : NULL;
}

static int add_ref(void *userdata, const struct proc_ref *ref)
{
	struct json_object *r = json_object_new_object();

	json_object_object_add(r, "pid", json_object_new_int64((int64_t)ref->pid));
	json_object_object_add(r, "comm", json_string_valid(ref->comm));
	json_object_object_add(r, "path", json_string_valid(ref->path));
	json_object_object_add(r, "fd", json_object_new_int(ref->fd));   /* -1: a mapping */
	json_object_array_add(userdata, r);
	return 0;
}

static int add_component(void *userdata, const char *role, const char *other, const char *status)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "role", json_string_valid(role));
	json_object_object_add(c, "device", json_string_valid(other));
	json_object_object_add(c, "status", json_string_valid(status));
	json_object_array_add(userdata, c);
	return 0;
}

static int add_link(void *userdata, const char *kind, const char *name)
{
	struct json_object *l = json_object_new_object();

	json_object_object_add(l, "kind", json_string_valid(kind));
	json_object_object_add(l, "device", json_string_valid(name));
	json_object_array_add(userdata, l);
	return 0;
}

static int add_child(void *userdata, const char *devpath)
{
	struct json_object *c = json_object_new_object();
	char node[512];

	json_object_object_add(c, "devpath", json_string_valid(devpath));
	json_object_object_add(c, "devnode",
			       sysfs_devnode(devpath, node, sizeof(node)) == 0 ? json_string_valid(node) : NULL);
	json_object_array_add(userdata, c);
	return 0;
}

struct json_object *refs_json(const char *name, int *err)
{
	struct sysfs_device d;
	int r = sysfs_device_find(name, &d);

	if (r < 0) {
		*err = r;
		return NULL;
	}
	return refs_json_device(&d, err);
}

struct json_object *refs_json_device(const struct sysfs_device *dev, int *err)
{
	const struct sysfs_device d = *dev;
	struct module_info m;
	struct json_object *o, *refs, *links, *comps, *children;
	unsigned denied = 0;
	char reason[512];
	int r;

	o = json_object_new_object();
	refs = json_object_new_array();
	links = json_object_new_array();
	comps = json_object_new_array();
	children = json_object_new_array();
	json_object_object_add(o, "device", json_string_valid(d.name));
	json_object_object_add(o, "devpath", json_string_valid(d.devpath));
	json_object_object_add(o, "subsystem", jstr(d.subsystem));
	json_object_object_add(o, "driver", jstr(d.driver));
	json_object_object_add(o, "module", jstr(d.module));
	if (d.module[0] && sysfs_module_info(d.module, &m) == 0) {
		json_object_object_add(o, "module_state", jstr(m.state));
		json_object_object_add(o, "module_refcnt", json_object_new_int64(m.refcnt));
		json_object_object_add(o, "module_holders", json_string_valid(m.holders));
	}
	sysfs_for_each_link(d.devpath, add_link, links);
	if (sysfs_deferred_reason(d.name, reason, sizeof(reason)) == 1)
		json_object_object_add(o, "deferred", json_string_valid(reason));
	sysfs_for_each_component(d.name, add_component, comps);
	json_object_object_add(o, "components", comps);
	sysfs_for_each_descendant(d.devpath, add_child, children);
	json_object_object_add(o, "children", children);
	r = sysfs_device_refs(d.devpath, add_ref, refs, &denied);
	json_object_object_add(o, "links", links);
	json_object_object_add(o, "refs", refs);
	json_object_object_add(o, "refs_unreadable", json_object_new_int((int)denied));
	*err = r < 0 ? r : 0;
	return o;
}
