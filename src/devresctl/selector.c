// SPDX-License-Identifier: GPL-2.0-or-later
/* Device selectors (selector.h): --device of report, check and record, and
 * the DEVICE of cycle and refs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selector.h"
#include "shared/log.h"
#include "shared/macro.h"
#include "shared/strbuf.h"

static bool is_path(const char *arg)
{
	return strncmp(arg, "/sys/", 5) == 0 || strncmp(arg, "/devices/", 9) == 0;
}

/* A sysfs path as uevents give it: "/devices/...", without "/sys" or a final '/'. */
static void set_devpath(struct device_target *t, const char *path)
{
	size_t len;

	if (strncmp(path, "/sys/", 5) == 0)
		path += 4;
	snprintf(t->devpath, sizeof(t->devpath), "%s", path);
	len = strlen(t->devpath);
	while (len > 1 && t->devpath[len - 1] == '/')
		t->devpath[--len] = '\0';
}

static void target_from(struct device_target *t, const struct sysfs_device *d)
{
	set_devpath(t, d->devpath);
	snprintf(t->name, sizeof(t->name), "%s", d->name);
	snprintf(t->subsystem, sizeof(t->subsystem), "%s", d->subsystem);
}

/* The device found on this system, and for a class device the one providing it. */
static void from_live(struct device_selector *s, const struct sysfs_device *d)
{
	struct sysfs_device parent;

	target_from(&s->t[0], d);
	s->n = 1;
	if (!d->driver[0] && sysfs_device_is_class(d->devpath) && sysfs_device_bound_parent(d->devpath, &parent) == 0)
		target_from(&s->t[s->n++], &parent);
}

static int parse(struct device_selector *s, const char *arg)
{
	struct sysfs_device d;
	char why[1200];
	const char *slash;
	int r;

	*s = (struct device_selector){ .arg = arg };
	if (!*arg) {
		log_error("--device '': expected a NAME, SUBSYSTEM/NAME, a sysfs path or a /dev node");
		return -EINVAL;
	}
	if (strncmp(arg, "/dev/", 5) == 0) {
		/* only this system can say which device a node is */
		r = sysfs_device_select(arg, &d, why, sizeof(why));
		if (r < 0) {
			log_error("--device '%s': %s", arg, why);
			return r;
		}
		from_live(s, &d);
		return 0;
	}
	if (is_path(arg)) {
		r = sysfs_device_select(arg, &d, why, sizeof(why));
		if (r == 0) {
			from_live(s, &d);
			return 0;
		}
		/* not on this system: a capture from another one knows it by its path */
		if (strncmp(arg, "/sys/devices/", 13) != 0 && strncmp(arg, "/devices/", 9) != 0) {
			log_error("--device '%s': %s", arg, why);
			return r;
		}
		set_devpath(&s->t[0], arg);
		s->n = 1;
		slash = strrchr(s->t[0].devpath, '/');
		snprintf(s->t[0].name, sizeof(s->t[0].name), "%s", slash + 1);
		if (!s->t[0].name[0] || strcmp(s->t[0].devpath, "/devices") == 0) {
			log_error("--device '%s': expected a device's sysfs path, /sys/devices/.../NAME", arg);
			return -EINVAL;
		}
		return 0;
	}
	if (arg[0] == '/') {
		log_error("--device '%s': a path must be a device node (/dev/...) or a sysfs path (/sys/devices/...)", arg);
		return -EINVAL;
	}
	slash = strchr(arg, '/');
	if (slash) {
		if (slash == arg || !slash[1] || strchr(slash + 1, '/')) {
			log_error("--device '%s': expected SUBSYSTEM/NAME (globs), such as pci/0000:00:1f.3", arg);
			return -EINVAL;
		}
		snprintf(s->t[0].subsystem, sizeof(s->t[0].subsystem), "%.*s", (int)(slash - arg), arg);
		snprintf(s->t[0].name, sizeof(s->t[0].name), "%s", slash + 1);
		s->n = 1;
		return 0;
	}
	s->plain = true;
	snprintf(s->t[0].name, sizeof(s->t[0].name), "%s", arg);
	s->n = 1;
	return 0;
}

int device_selector_add(struct device_selector **sels, unsigned *n, const char *arg)
{
	struct device_selector *v = realloc(*sels, (*n + 1) * sizeof(*v));
	int r;

	if (!v)
		return log_oom();
	*sels = v;
	r = parse(&v[*n], arg);
	if (r < 0)
		return r;
	(*n)++;
	return 0;
}

unsigned device_selectors_unmatched(struct drc_ctx *ctx, const struct device_selector *sels, unsigned n,
				    const char *where, bool error)
{
	unsigned unmatched = 0;

	for (unsigned i = 0; i < n; i++) {
		struct strbuf names = STRBUF_INIT;
		struct drc_device_iter *it;
		struct drc_device *dev;
		char shown[6][300];
		unsigned nshown = 0, others = 0;
		bool hit = false;

		if (drc_device_iter_new(ctx, &it) < 0)
			return log_oom(), unmatched;
		while (!hit && drc_device_iter_next(it, &dev) > 0) {
			const char *sub = drc_device_get_subsystem(dev);
			char name[300];
			unsigned k;

			hit = device_selector_match(&sels[i], dev);
			if (hit || !drc_device_count_events(dev))
				continue;
			/* what there is, to spot a typo, as the selector names devices;
			 * a device of several boots once */
			snprintf(name, sizeof(name), "%s%s%s", !sels[i].plain && sub ? sub : "",
				 !sels[i].plain && sub ? "/" : "", drc_device_get_name(dev));
			for (k = 0; k < nshown && strcmp(shown[k], name) != 0; k++)
				;
			if (k < nshown)
				continue;
			if (nshown < ARRAY_SIZE(shown)) {
				strbuf_appendf(&names, "%s%s", nshown ? ", " : "", name);
				snprintf(shown[nshown++], sizeof(shown[0]), "%s", name);
			} else {
				others++;
			}
		}
		drc_device_iter_free(it);
		if (hit) {
			strbuf_done(&names);
			continue;
		}
		unmatched++;
		if (others)
			strbuf_appendf(&names, " and %u more", others);
		if (error)
			log_error("--device '%s' matches no device in %s%s%s", sels[i].arg, where,
				  nshown ? "; it has " : " (it has no device with devres operations)",
				  nshown ? names.buf : "");
		else
			log_warning("--device '%s' matches no device in %s%s%s", sels[i].arg, where,
				    nshown ? "; it has " : " (it has no device with devres operations)",
				    nshown ? names.buf : "");
		strbuf_done(&names);
	}
	return unmatched;
}

int device_select_live(const char *arg, struct sysfs_device *ret)
{
	char why[1200];
	int r = sysfs_device_select(arg, ret, why, sizeof(why));

	if (r < 0)
		log_error("%s", why);
	return r;
}
