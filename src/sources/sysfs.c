// SPDX-License-Identifier: GPL-2.0-or-later
/* Devices, their nodes, links and modules from sysfs; their holders from /proc. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libkmod.h>

#include "shared/macro.h"
#include "shared/root.h"
#include "sysfs.h"

static DIR *root_opendir(const char *path)
{
	char p[4096];

	if (root_path(p, sizeof(p), path) < 0)
		return NULL;
	return opendir(p);
}

static bool is_dot(const char *n)
{
	return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

/* The real path of a root path, given back without the root. */
static int root_realpath(const char *path, char *buf, size_t len)
{
	char p[4096], real[PATH_MAX];
	size_t rl = strlen(root_dir());

	if (root_path(p, sizeof(p), path) < 0)
		return -ENAMETOOLONG;
	if (!realpath(p, real))
		return -errno;
	if (rl && (strncmp(real, root_dir(), rl) != 0 || (real[rl] && real[rl] != '/')))
		return -EXDEV;
	{
		const char *rel = real[rl] ? real + rl : "/";
		size_t n = strlen(rel);

		if (n >= len)
			return -ENAMETOOLONG;
		memcpy(buf, rel, n + 1);
	}
	return 0;
}

int sysfs_device_read(const char *devpath, struct sysfs_device *ret)
{
	char p[1200];
	const char *slash = strrchr(devpath, '/');

	memset(ret, 0, sizeof(*ret));
	snprintf(ret->devpath, sizeof(ret->devpath), "%s", devpath);
	snprintf(ret->name, sizeof(ret->name), "%s", slash ? slash + 1 : devpath);
	snprintf(p, sizeof(p), "%s/subsystem", devpath);
	if (root_link_name(p, ret->subsystem, sizeof(ret->subsystem)) < 0)
		ret->subsystem[0] = '\0';
	snprintf(p, sizeof(p), "%s/driver", devpath);
	if (root_link_name(p, ret->driver, sizeof(ret->driver)) < 0)
		ret->driver[0] = '\0';
	snprintf(p, sizeof(p), "%s/driver/module", devpath);
	if (root_link_name(p, ret->module, sizeof(ret->module)) < 0)
		ret->module[0] = '\0';
	snprintf(p, sizeof(p), "%s/dev", devpath);
	if (root_read_line(p, ret->devt, sizeof(ret->devt)) < 0)
		ret->devt[0] = '\0';
	return 0;
}

static int find_in(const char *top, const char *sub, const char *name, char *devpath, size_t len)
{
	DIR *d = root_opendir(top);
	struct dirent *e;
	char p[4096];
	int r = -ENOENT;

	if (!d)
		return -ENOENT;
	while (r == -ENOENT && (e = readdir(d))) {
		if (is_dot(e->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s%s/%s", top, e->d_name, sub, name);
		if (root_exists(p))
			r = root_realpath(p, devpath, len);
	}
	closedir(d);
	return r;
}

int sysfs_for_each_device(sysfs_device_fn fn, void *userdata)
{
	DIR *buses = root_opendir("/sys/bus");
	struct dirent *b;
	int r = 0;

	if (!buses)
		return -errno;
	while (r >= 0 && (b = readdir(buses))) {
		char p[600];
		struct dirent *e;
		DIR *devs;

		if (is_dot(b->d_name))
			continue;
		snprintf(p, sizeof(p), "/sys/bus/%s/devices", b->d_name);
		devs = root_opendir(p);
		while (devs && r >= 0 && (e = readdir(devs))) {
			struct sysfs_device d;
			char link[900], devpath[1024];

			if (is_dot(e->d_name))
				continue;
			snprintf(link, sizeof(link), "%s/%s", p, e->d_name);
			if (root_realpath(link, devpath, sizeof(devpath)) < 0)
				continue;
			sysfs_device_read(devpath, &d);
			r = fn(userdata, &d);
		}
		if (devs)
			closedir(devs);
	}
	closedir(buses);
	return r;
}

int sysfs_device_find(const char *name, struct sysfs_device *ret)
{
	char devpath[1024];
	int r;

	if (!*name || strchr(name, '/') || is_dot(name))
		return -EINVAL;
	r = find_in("/sys/bus", "/devices", name, devpath, sizeof(devpath));
	if (r == -ENOENT)
		r = find_in("/sys/class", "", name, devpath, sizeof(devpath));
	if (r < 0)
		return r;
	return sysfs_device_read(devpath, ret);
}

/* Every device called @name: in which bus or class, and where. */
struct named {
	char devpath[4][1024];
	char where[4][256];
	unsigned n, more;
};

static void named_in(const char *top, const char *sub, const char *name, struct named *out)
{
	DIR *d = root_opendir(top);
	struct dirent *e;
	char p[4096], real[1024];

	if (!d)
		return;
	while ((e = readdir(d))) {
		unsigned i;

		if (is_dot(e->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/%s%s/%s", top, e->d_name, sub, name);
		if (!root_exists(p) || root_realpath(p, real, sizeof(real)) < 0)
			continue;
		for (i = 0; i < out->n && strcmp(out->devpath[i], real) != 0; i++)
			;
		if (i < out->n)
			continue;       /* the same device through another link */
		if (out->n == ARRAY_SIZE(out->devpath)) {
			out->more++;
			continue;
		}
		snprintf(out->devpath[out->n], sizeof(out->devpath[0]), "%s", real);
		snprintf(out->where[out->n], sizeof(out->where[0]), "%s", e->d_name);
		out->n++;
	}
	closedir(d);
}

/* @p below the root is a device's own directory (it has a uevent file). */
static int select_devpath(const char *p, const char *selector, struct sysfs_device *ret, char *why, size_t len)
{
	char devpath[1024], uevent[1100];
	int r = root_realpath(p, devpath, sizeof(devpath));

	if (r < 0) {
		snprintf(why, len, "no device at %s: %s", selector, strerror(-r));
		return r == -ENOENT ? r : -ENODEV;
	}
	snprintf(uevent, sizeof(uevent), "%s/uevent", devpath);
	if (strncmp(devpath, "/sys/", 5) != 0 || !root_exists(uevent)) {
		snprintf(why, len, "%s is no device's directory in sysfs (it has no uevent file)", selector);
		return -ENODEV;
	}
	return sysfs_device_read(devpath, ret);
}

static int select_node(const char *selector, struct sysfs_device *ret, char *why, size_t len)
{
	char p[4096], link[128];
	struct stat st;
	int r;

	if (root_path(p, sizeof(p), selector) < 0) {
		snprintf(why, len, "%s: %s", selector, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	if (stat(p, &st) < 0) {
		r = -errno;
		snprintf(why, len, "%s: %s", selector, strerror(-r));
		return r;
	}
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(why, len, "%s is not a device node (neither a character nor a block device)", selector);
		return -ENODEV;
	}
	snprintf(link, sizeof(link), "/sys/dev/%s/%u:%u", S_ISCHR(st.st_mode) ? "char" : "block",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!root_exists(link)) {
		snprintf(why, len, "%s (%s %u:%u) has no device in sysfs: %s does not exist", selector,
			 S_ISCHR(st.st_mode) ? "character" : "block", major(st.st_rdev), minor(st.st_rdev), link);
		return -ENOENT;
	}
	return select_devpath(link, selector, ret, why, len);
}

int sysfs_device_select(const char *selector, struct sysfs_device *ret, char *why, size_t len)
{
	struct named found = { .n = 0 };
	const char *slash = strchr(selector, '/');
	char p[4096];

	why[0] = '\0';
	if (!*selector) {
		snprintf(why, len, "an empty device name");
		return -EINVAL;
	}
	if (strncmp(selector, "/dev/", 5) == 0)
		return select_node(selector, ret, why, len);
	if (strncmp(selector, "/sys/", 5) == 0 || strncmp(selector, "/devices/", 9) == 0) {
		snprintf(p, sizeof(p), "%s%s", selector[1] == 'd' ? "/sys" : "", selector);
		return select_devpath(p, selector, ret, why, len);
	}
	if (selector[0] == '/') {
		snprintf(why, len, "'%s': a path must be a device node (/dev/...) or a sysfs path (/sys/devices/...)",
			 selector);
		return -EINVAL;
	}
	if (slash) {
		/* SUBSYSTEM/NAME: a bus, else a class */
		char sub[256];
		const char *name = slash + 1;

		snprintf(sub, sizeof(sub), "%.*s", (int)MIN((size_t)(slash - selector), sizeof(sub) - 1), selector);
		if (!sub[0] || is_dot(sub) || !*name || strchr(name, '/') || is_dot(name)) {
			snprintf(why, len, "'%s': expected NAME, SUBSYSTEM/NAME, a sysfs path or a /dev node", selector);
			return -EINVAL;
		}
		snprintf(p, sizeof(p), "/sys/bus/%s/devices/%s", sub, name);
		if (root_exists(p))
			return select_devpath(p, selector, ret, why, len);
		snprintf(p, sizeof(p), "/sys/class/%s/%s", sub, name);
		if (root_exists(p))
			return select_devpath(p, selector, ret, why, len);
		snprintf(p, sizeof(p), "/sys/bus/%s", sub);
		if (!root_exists(p)) {
			snprintf(p, sizeof(p), "/sys/class/%s", sub);
			if (!root_exists(p)) {
				snprintf(why, len, "no bus or class '%s' (in /sys/bus or /sys/class)", sub);
				return -ENOENT;
			}
		}
		snprintf(why, len, "no device '%s' on %s", name, sub);
		return -ENOENT;
	}
	if (is_dot(selector)) {
		snprintf(why, len, "'%s' is no device name", selector);
		return -EINVAL;
	}
	named_in("/sys/bus", "/devices", selector, &found);
	named_in("/sys/class", "", selector, &found);
	if (!found.n) {
		snprintf(why, len, "no device '%s' in /sys/bus/*/devices or /sys/class/*", selector);
		return -ENOENT;
	}
	if (found.n > 1) {
		size_t o = (size_t)snprintf(why, len, "'%s' names %u devices:", selector, found.n + found.more);
		unsigned order[ARRAY_SIZE(found.where)];

		/* by subsystem, whatever order the directories come in */
		for (unsigned i = 0; i < found.n; i++) {
			unsigned j = i;

			for (; j > 0 && strcmp(found.where[order[j - 1]], found.where[i]) > 0; j--)
				order[j] = order[j - 1];
			order[j] = i;
		}

		for (unsigned i = 0; i < found.n && o < len; i++)
			o += (size_t)snprintf(why + o, len - o, "%s %s/%s", i ? "," : "", found.where[order[i]], selector);
		if (o < len)
			snprintf(why + o, len - o, "%s; say which, as SUBSYSTEM/NAME", found.more ? ", ..." : "");
		return -ENOTUNIQ;
	}
	return sysfs_device_read(found.devpath[0], ret);
}

bool sysfs_device_is_class(const char *devpath)
{
	char p[1100], target[1024];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/subsystem", devpath);
	n = root_readlink(p, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return strstr(target, "/class/") != NULL;
}

int sysfs_device_bound_parent(const char *devpath, struct sysfs_device *ret)
{
	char p[1024], uevent[1100], *slash;

	snprintf(p, sizeof(p), "%s", devpath);
	while ((slash = strrchr(p, '/')) && slash > p + strlen("/sys/devices")) {
		*slash = '\0';
		snprintf(uevent, sizeof(uevent), "%s/uevent", p);
		if (!root_exists(uevent))
			continue;
		sysfs_device_read(p, ret);
		if (ret->driver[0])
			return 0;
	}
	return -ENOENT;
}

static int descend(const char *devpath, sysfs_path_fn fn, void *userdata, unsigned depth)
{
	DIR *d = root_opendir(devpath);
	struct dirent *e;
	char p[4096];
	int r = 0;

	if (!d)
		return 0;
	while (r >= 0 && (e = readdir(d))) {
		struct stat st;
		char full[4096];

		if (is_dot(e->d_name) || strlen(devpath) + strlen(e->d_name) + 10 > sizeof(p))
			continue;
		snprintf(p, sizeof(p), "%s/%s", devpath, e->d_name);
		/* real directories only: links lead up or sideways */
		if (root_path(full, sizeof(full), p) < 0 || lstat(full, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		snprintf(full + strlen(full), sizeof(full) - strlen(full), "/uevent");
		if (access(full, F_OK) == 0)
			r = fn(userdata, p);
		if (r >= 0 && depth < 16)
			r = descend(p, fn, userdata, depth + 1);
	}
	closedir(d);
	return r;
}

int sysfs_for_each_descendant(const char *devpath, sysfs_path_fn fn, void *userdata)
{
	return descend(devpath, fn, userdata, 0);
}

int sysfs_devnode(const char *devpath, char *buf, size_t len)
{
	char p[4096], line[512];
	FILE *f;
	int fd, r = -ENOENT;

	snprintf(p, sizeof(p), "%s/uevent", devpath);
	fd = root_open(p, O_RDONLY);
	if (fd < 0)
		return fd;
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "DEVNAME=", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, len, "%s%s", line[8] == '/' ? "" : "/dev/", line + 8);
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

int sysfs_for_each_link(const char *devpath, sysfs_link_fn fn, void *userdata)
{
	DIR *d = root_opendir(devpath);
	struct dirent *e;
	int r = 0;

	if (!d)
		return -errno;
	while (r >= 0 && (e = readdir(d))) {
		/* "supplier:platform:foo" and "consumer:pci:0000:00:02.0" */
		if (strncmp(e->d_name, "supplier:", 9) == 0) {
			const char *c = strchr(e->d_name + 9, ':');

			r = fn(userdata, "supplier", c ? c + 1 : e->d_name + 9);
		} else if (strncmp(e->d_name, "consumer:", 9) == 0) {
			const char *c = strchr(e->d_name + 9, ':');

			r = fn(userdata, "consumer", c ? c + 1 : e->d_name + 9);
		}
	}
	closedir(d);
	return r;
}

/* On the real system, through libkmod: state, reference count, holders. */
static int kmod_info(const char *module, struct module_info *ret)
{
	struct kmod_ctx *kctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	struct kmod_list *holders, *it;
	size_t len = 0;
	int state, r;

	if (!kctx)
		return -ENOMEM;
	r = kmod_module_new_from_name(kctx, module, &mod);
	if (r < 0) {
		kmod_unref(kctx);
		return r;
	}
	state = kmod_module_get_initstate(mod);
	if (state < 0) {
		kmod_module_unref(mod);
		kmod_unref(kctx);
		return -ENOENT;     /* not loaded, or built in */
	}
	snprintf(ret->state, sizeof(ret->state), "%s", kmod_module_initstate_str(state));
	ret->refcnt = kmod_module_get_refcnt(mod);
	holders = kmod_module_get_holders(mod);
	kmod_list_foreach(it, holders) {
		struct kmod_module *h = kmod_module_get_module(it);

		if (len < sizeof(ret->holders))
			len += (size_t)snprintf(ret->holders + len, sizeof(ret->holders) - len, "%s%s", len ? " " : "",
						kmod_module_get_name(h));
		kmod_module_unref(h);
	}
	kmod_module_unref_list(holders);
	kmod_module_unref(mod);
	kmod_unref(kctx);
	return 0;
}

int sysfs_module_info(const char *module, struct module_info *ret)
{
	char p[512], buf[64];
	DIR *d;
	struct dirent *e;
	size_t len = 0;

	memset(ret, 0, sizeof(*ret));
	ret->refcnt = -1;
	/* libkmod reads the real /sys/module; a test tree is read directly */
	if (root_is_real())
		return kmod_info(module, ret);
	snprintf(p, sizeof(p), "/sys/module/%s", module);
	if (!root_exists(p))
		return -ENOENT;
	snprintf(p, sizeof(p), "/sys/module/%s/initstate", module);
	if (root_read_line(p, ret->state, sizeof(ret->state)) < 0)
		ret->state[0] = '\0';
	snprintf(p, sizeof(p), "/sys/module/%s/refcnt", module);
	if (root_read_line(p, buf, sizeof(buf)) > 0)
		ret->refcnt = strtol(buf, NULL, 10);
	snprintf(p, sizeof(p), "/sys/module/%s/holders", module);
	d = root_opendir(p);
	while (d && (e = readdir(d))) {
		if (is_dot(e->d_name))
			continue;
		len += (size_t)snprintf(ret->holders + len, sizeof(ret->holders) - MIN(len, sizeof(ret->holders)),
					"%s%s", len ? " " : "", e->d_name);
		if (len >= sizeof(ret->holders))
			break;
	}
	if (d)
		closedir(d);
	return 0;
}

/* ---- holders ---- */

struct nodes {
	char (*v)[512];
	unsigned n, cap;
};

static int nodes_add(struct nodes *ns, const char *devpath)
{
	char node[512];

	if (sysfs_devnode(devpath, node, sizeof(node)) < 0)
		return 0;
	if (ns->n == ns->cap) {
		unsigned cap = ns->cap ? ns->cap * 2 : 8;
		char (*v)[512] = realloc(ns->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ns->v = v, ns->cap = cap;
	}
	snprintf(ns->v[ns->n++], sizeof(ns->v[0]), "%s", node);
	return 0;
}

static int collect_node(void *userdata, const char *devpath)
{
	return nodes_add(userdata, devpath);
}

static bool is_node(const struct nodes *ns, const char *path)
{
	for (unsigned i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], path) == 0)
			return true;
	return false;
}

static int scan_process(const char *pid, const struct nodes *ns, proc_ref_fn fn, void *userdata)
{
	struct proc_ref ref = { .pid = strtoull(pid, NULL, 10) };
	char p[512], line[1024];
	struct dirent *e;
	DIR *d;
	FILE *f;
	int fd, n = 0, r = 0;

	snprintf(p, sizeof(p), "/proc/%s/comm", pid);
	if (root_read_line(p, ref.comm, sizeof(ref.comm)) <= 0)
		snprintf(ref.comm, sizeof(ref.comm), "?");
	for (char *c = ref.comm; *c; c++)
		if (*c == ' ')
			*c = '_';       /* one word, for the refs line */
	snprintf(p, sizeof(p), "/proc/%s/fd", pid);
	d = root_opendir(p);
	if (!d && (errno == EACCES || errno == EPERM))
		return -EACCES;
	while (d && r >= 0 && (e = readdir(d))) {
		char link[600];

		if (is_dot(e->d_name))
			continue;
		snprintf(link, sizeof(link), "/proc/%s/fd/%s", pid, e->d_name);
		if (root_readlink(link, ref.path, sizeof(ref.path)) <= 0 || !is_node(ns, ref.path))
			continue;
		ref.fd = atoi(e->d_name);
		r = fn(userdata, &ref);
		n++;
	}
	if (d)
		closedir(d);
	snprintf(p, sizeof(p), "/proc/%s/maps", pid);
	fd = r >= 0 ? root_open(p, O_RDONLY) : -1;
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f && fd >= 0)
		close(fd);
	while (f && r >= 0 && fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');

		if (!path)
			continue;
		path[strcspn(path, "\n")] = '\0';
		if (!is_node(ns, path) || (ref.fd == -1 && strcmp(ref.path, path) == 0))
			continue;       /* one line per mapped node */
		snprintf(ref.path, sizeof(ref.path), "%s", path);
		ref.fd = -1;
		r = fn(userdata, &ref);
		n++;
	}
	if (f)
		fclose(f);
	return r < 0 ? r : n;
}

int sysfs_device_refs(const char *devpath, proc_ref_fn fn, void *userdata, unsigned *denied)
{
	struct nodes ns = { 0 };
	struct dirent *e;
	DIR *d;
	int r, total = 0;

	r = nodes_add(&ns, devpath);
	if (r >= 0)
		r = sysfs_for_each_descendant(devpath, collect_node, &ns);
	if (r < 0 || !ns.n) {
		free(ns.v);
		return r < 0 ? r : 0;
	}
	d = root_opendir("/proc");
	if (!d) {
		free(ns.v);
		return -errno;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		r = scan_process(e->d_name, &ns, fn, userdata);
		if (r == -EACCES)
			(*denied)++;
		else if (r < 0 && r != -ENOENT)
			break;
		total += r > 0 ? r : 0;
		r = 0;
	}
	closedir(d);
	free(ns.v);
	return r < 0 ? r : total;
}

struct ref_lines {
	const char *device;
	sysfs_line_fn fn;
	void *userdata;
	unsigned n;
	uint64_t pid;           /* the last line's */
	char path[512];
};

static int ref_line(void *userdata, const struct proc_ref *ref)
{
	struct ref_lines *rl = userdata;
	char line[1024];

	/* a process's descriptors and mappings of one node come one after the other */
	if (rl->n && rl->pid == ref->pid && strcmp(rl->path, ref->path) == 0)
		return 0;
	rl->pid = ref->pid;
	snprintf(rl->path, sizeof(rl->path), "%s", ref->path);
	rl->n++;
	snprintf(line, sizeof(line), "devresctl-refs: %s %llu %s %s", rl->device, (unsigned long long)ref->pid,
		 ref->comm, ref->path);
	return rl->fn(rl->userdata, line);
}

int sysfs_device_ref_lines(const char *devpath, const char *device, sysfs_line_fn fn, void *userdata,
			   unsigned *denied)
{
	struct ref_lines rl = { .device = device, .fn = fn, .userdata = userdata };
	int r = sysfs_device_refs(devpath, ref_line, &rl, denied);

	return r < 0 ? r : (int)rl.n;
}

/* @path is @devpath or below it */
static bool below(const char *path, const char *devpath)
{
	size_t n = strlen(devpath);

	return strncmp(path, devpath, n) == 0 && (path[n] == '/' || !path[n]);
}

/* ---- what the running machine needs (cycle) ---- */

struct vital_walk {
	const char *devpath;
	sysfs_vital_fn fn;
	void *userdata;
	int count;
	int error;
};

/* @holder (a path below /sys) is held by the device being asked about */
static void vital(struct vital_walk *w, const char *kind, const char *holder, const char *fmt, ...)
	_printf_(4, 5);
static void vital(struct vital_walk *w, const char *kind, const char *holder, const char *fmt, ...)
{
	struct sysfs_vital v = { .kind = kind };
	va_list ap;
	int r;

	if (w->error || !below(holder, w->devpath))
		return;
	snprintf(v.holder, sizeof(v.holder), "%s", holder);
	va_start(ap, fmt);
	vsnprintf(v.what, sizeof(v.what), fmt, ap);
	va_end(ap);
	w->count++;
	r = w->fn(w->userdata, &v);
	if (r < 0)
		w->error = r;
}

/*
 * A block device and what it is built on: a partition's sysfs directory
 * is below its disk's device; device-mapper and md devices are virtual and
 * name what they are built on in slaves/ (followed to a bounded depth).
 */
static void vital_block(struct vital_walk *w, const char *blockpath, unsigned depth, const char *kind,
			const char *what)
{
	char p[1200], real[1024];
	const char *name = strrchr(blockpath, '/');
	struct dirent *de;
	DIR *d;

	vital(w, kind, blockpath, "%s (on %s)", what, name ? name + 1 : blockpath);
	if (depth >= 8)
		return;
	snprintf(p, sizeof(p), "%s/slaves", blockpath);
	d = root_opendir(p);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char link[1600];

		if (is_dot(de->d_name))
			continue;
		snprintf(link, sizeof(link), "%s/%s", p, de->d_name);
		if (root_realpath(link, real, sizeof(real)) == 0)
			vital_block(w, real, depth + 1, kind, what);
	}
	closedir(d);
}

static void vital_devnum(struct vital_walk *w, unsigned maj, unsigned min, const char *kind, const char *what)
{
	char p[64], real[1024];

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u", maj, min);
	if (root_realpath(p, real, sizeof(real)) == 0)
		vital_block(w, real, 0, kind, what);
}

/* "/dev/sda2", "/dev/mapper/vg-root": the block device a path names */
static void vital_devname(struct vital_walk *w, const char *dev, const char *kind, const char *what)
{
	char p[4096], real[1024];
	const char *base;
	struct stat st;

	if (strncmp(dev, "/dev/", 5) != 0)
		return;
	if (root_path(p, sizeof(p), dev) == 0 && stat(p, &st) == 0 && S_ISBLK(st.st_mode)) {
		vital_devnum(w, major(st.st_rdev), minor(st.st_rdev), kind, what);
		return;
	}
	/* no node to stat (a test root): by its name, through its links */
	base = root_realpath(dev, real, sizeof(real)) == 0 ? strrchr(real, '/') : strrchr(dev, '/');
	snprintf(p, sizeof(p), "/sys/class/block/%s", base + 1);
	if (root_realpath(p, real, sizeof(real)) == 0)
		vital_block(w, real, 0, kind, what);
}

/* Every mounted filesystem on a block device (/proc/self/mountinfo). */
static void vital_mounts(struct vital_walk *w)
{
	char p[4096], line[4096];
	FILE *f;

	if (root_path(p, sizeof(p), "/proc/self/mountinfo") < 0 || !(f = fopen(p, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		/* "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw" */
		char mnt[1024], fstype[64], source[1024], what[1200];
		unsigned maj, min;
		const char *sep = strstr(line, " - ");

		if (sscanf(line, "%*u %*u %u:%u %*s %1023s", &maj, &min, mnt) != 3 || !sep ||
		    sscanf(sep + 3, "%63s %1023s", fstype, source) != 2)
			continue;
		snprintf(what, sizeof(what), strcmp(mnt, "/") == 0 ? "the root filesystem" : "the filesystem mounted on %s",
			 mnt);
		if (maj)
			vital_devnum(w, maj, min, "mount", what);
		else
			vital_devname(w, source, "mount", what);       /* btrfs and others: 0:N */
	}
	fclose(f);
}

/* Active swap (/proc/swaps): a partition, or a file on a filesystem. */
static void vital_swaps(struct vital_walk *w)
{
	char p[4096], line[4096];
	FILE *f;

	if (root_path(p, sizeof(p), "/proc/swaps") < 0 || !(f = fopen(p, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[2048], type[32], what[2100];
		struct stat st;

		if (sscanf(line, "%2047s %31s", name, type) != 2 || name[0] != '/')
			continue;       /* the header */
		snprintf(what, sizeof(what), "active swap (%s)", name);
		if (strcmp(type, "partition") == 0)
			vital_devname(w, name, "swap", what);
		else if (root_path(p, sizeof(p), name) == 0 && stat(p, &st) == 0)
			vital_devnum(w, major(st.st_dev), minor(st.st_dev), "swap", what);
	}
	fclose(f);
}

/* Network interfaces that are up (IFF_UP in flags): a session may run on one. */
static void vital_net(struct vital_walk *w)
{
	DIR *d = root_opendir("/sys/class/net");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char p[600], flags[32], real[1024];

		if (is_dot(de->d_name))
			continue;
		snprintf(p, sizeof(p), "/sys/class/net/%s/flags", de->d_name);
		if (root_read_line(p, flags, sizeof(flags)) <= 0 || !(strtoul(flags, NULL, 16) & 0x1))
			continue;
		snprintf(p, sizeof(p), "/sys/class/net/%s", de->d_name);
		if (root_realpath(p, real, sizeof(real)) == 0)
			vital(w, "net", real, "the network interface %s, which is up", de->d_name);
	}
	closedir(d);
}

/* The consoles the kernel writes to (/sys/class/tty/console/active). */
static void vital_console(struct vital_walk *w)
{
	char p[600], real[1024], active[512];

	if (root_read_line("/sys/class/tty/console/active", active, sizeof(active)) <= 0)
		return;
	for (char *save = NULL, *tty = strtok_r(active, " ", &save); tty; tty = strtok_r(NULL, " ", &save)) {
		snprintf(p, sizeof(p), "/sys/class/tty/%s", tty);
		if (root_realpath(p, real, sizeof(real)) == 0)
			vital(w, "console", real, "the console (%s)", tty);
	}
}

/*
 * How a virtual machine's host reaches it besides the network: a vsock
 * transport (the kernel does not list vsock connections in /proc, so every
 * bound transport is taken as carrying one) and the guest agent's
 * virtio-serial port.
 */
static void vital_vm_channels(struct vital_walk *w)
{
	static const char *const transports[] = {
		"/sys/bus/virtio/drivers/vmw_vsock_virtio_transport",
		"/sys/bus/pci/drivers/vmw_vmci",
		"/sys/bus/vmbus/drivers/hv_sock",
	};
	struct dirent *de;
	DIR *d;

	for (size_t i = 0; i < ARRAY_SIZE(transports); i++) {
		const char *drv = strrchr(transports[i], '/') + 1;

		if (!(d = root_opendir(transports[i])))
			continue;
		while ((de = readdir(d))) {
			char p[1200], real[1024];

			if (de->d_type != DT_LNK || !strcmp(de->d_name, "module"))
				continue;
			snprintf(p, sizeof(p), "%s/%s", transports[i], de->d_name);
			if (root_realpath(p, real, sizeof(real)) == 0 && strncmp(real, "/sys/devices/", 13) == 0)
				vital(w, "vsock", real, "the vsock transport (%s, %s) of the host's connections to this machine",
				      de->d_name, drv);
		}
		closedir(d);
	}
	if (!(d = root_opendir("/sys/class/virtio-ports")))
		return;
	while ((de = readdir(d))) {
		char p[600], name[256], real[1024];

		if (is_dot(de->d_name))
			continue;
		snprintf(p, sizeof(p), "/sys/class/virtio-ports/%s/name", de->d_name);
		if (root_read_line(p, name, sizeof(name)) <= 0 || strstr(name, "guest_agent") == NULL)
			continue;
		snprintf(p, sizeof(p), "/sys/class/virtio-ports/%s", de->d_name);
		if (root_realpath(p, real, sizeof(real)) == 0)
			vital(w, "agent", real, "the guest agent's port %s (%s)", name, de->d_name);
	}
	closedir(d);
}

int sysfs_for_each_vital(const char *devpath, sysfs_vital_fn fn, void *userdata)
{
	struct vital_walk w = { .devpath = devpath, .fn = fn, .userdata = userdata };
	char p[4096];
	struct stat st;

	/* the root filesystem even without /proc mounted */
	if (root_path(p, sizeof(p), "/") == 0 && stat(p, &st) == 0)
		vital_devnum(&w, major(st.st_dev), minor(st.st_dev), "root", "the root filesystem");
	vital_mounts(&w);
	vital_swaps(&w);
	vital_net(&w);
	vital_console(&w);
	vital_vm_channels(&w);
	return w.error ? w.error : w.count;
}

/* ---- debugfs ---- */

#define DEBUGFS "/sys/kernel/debug"

static FILE *root_fopen(const char *path)
{
	int fd = root_open(path, O_RDONLY);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

int sysfs_deferred_reason(const char *name, char *buf, size_t len)
{
	char line[1024];
	size_t n = strlen(name);
	FILE *f = root_fopen(DEBUGFS "/devices_deferred");
	int r = 0;

	if (!f)
		return -errno;
	/* "NAME\tREASON" (the reason may be missing) */
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, n) != 0 || (line[n] != '\t' && line[n] != '\n' && line[n]))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, len, "%s", line[n] == '\t' ? line + n + 1 : "");
		r = 1;
		break;
	}
	fclose(f);
	return r;
}

/* "NAME                    STATUS" as component.c prints its rows */
static bool component_row(char *line, char **name, char **status)
{
	char *end;

	line[strcspn(line, "\n")] = '\0';
	end = line + strlen(line);
	while (end > line && end[-1] == ' ')
		*--end = '\0';
	if (end == line || line[0] == '-')
		return false;
	*status = strstr(line, "not registered");
	if (!*status)
		*status = strstr(line, "not bound");
	if (!*status) {
		*status = end >= line + 5 && strcmp(end - 5, "bound") == 0 ? end - 5 : NULL;
	}
	if (!*status || *status == line)
		return false;
	(*status)[-1] = '\0';
	*name = line;
	end = *status - 1;
	while (end > line && end[-1] == ' ')
		*--end = '\0';
	return true;
}

int sysfs_for_each_component(const char *name, sysfs_component_fn fn, void *userdata)
{
	char p[600], line[1024];
	struct dirent *e;
	DIR *d = root_opendir(DEBUGFS "/device_component");
	int r = 0;

	if (!d)
		return -errno;
	while (r >= 0 && (e = readdir(d))) {
		bool self, components = false;
		FILE *f;

		if (is_dot(e->d_name))
			continue;
		self = strcmp(e->d_name, name) == 0;
		snprintf(p, sizeof(p), DEBUGFS "/device_component/%s", e->d_name);
		f = root_fopen(p);
		while (f && r >= 0 && fgets(line, sizeof(line), f)) {
			char *n, *status;

			if (strncmp(line, "device name", 11) == 0) {
				components = true;
				continue;
			}
			if (!components || !component_row(line, &n, &status))
				continue;
			if (self)
				r = fn(userdata, "aggregate", n, status);
			else if (strcmp(n, name) == 0)
				r = fn(userdata, "component", e->d_name, status);
		}
		if (f)
			fclose(f);
	}
	closedir(d);
	return r;
}
