// SPDX-License-Identifier: GPL-2.0-or-later
/* Which findings a CI run should not fail on: suppressions and baselines. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"
#include "shared/log.h"

struct suppression {
	char *rule, *device, *driver, *function, *reason;
	const char *path;       /* in ->paths */
	unsigned line;
	bool used;
};

struct suppressions {
	struct suppression *v;
	unsigned n;
	char **paths;           /* the files read, for the unused entries' place */
	unsigned npaths;
};

void suppressions_free(struct suppressions *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n; i++) {
		free(s->v[i].rule);
		free(s->v[i].device);
		free(s->v[i].driver);
		free(s->v[i].function);
		free(s->v[i].reason);
	}
	for (unsigned i = 0; i < s->npaths; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->v);
	free(s);
}

static char *next_field(char **p)
{
	char *s = *p, *e;

	s += strspn(s, " \t");
	if (!*s)
		return NULL;
	e = s + strcspn(s, " \t");
	if (*e)
		*e++ = '\0';
	*p = e;
	return s;
}

int suppressions_load(const char *path, struct suppressions **ret)
{
	static const char *const fields[] = { "a rule id or glob", "a device glob", "a driver glob",
					      "a release-function glob" };
	struct suppressions *s = *ret ? *ret : calloc(1, sizeof(*s));
	char line[1024];
	unsigned lineno = 0;
	char **paths, *name;
	FILE *f;
	int r = 0;

	if (!s)
		return log_oom();
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		if (!*ret)
			free(s);
		return log_error_errno(r, "cannot open suppressions file '%s'", path);
	}
	paths = realloc(s->paths, (s->npaths + 1) * sizeof(*paths));
	name = strdup(path);
	if (!paths || !name) {
		if (paths)
			s->paths = paths;
		free(name);
		fclose(f);
		*ret = s;
		return log_oom();
	}
	s->paths = paths;
	s->paths[s->npaths++] = name;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *hash, *v[4], *reason;
		struct suppression *n;
		unsigned i;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			log_error("%s:%u: line too long (at most %zu bytes)", path, lineno, sizeof(line) - 2);
			r = -EINVAL;
			break;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[strspn(line, " \t")])
			continue;
		for (i = 0; i < 4; i++)
			if (!(v[i] = next_field(&p)))
				break;
		reason = p + strspn(p, " \t");
		if (i < 4 || !*reason) {
			log_error("%s:%u: expected %s, then a reason: 'RULE DEVICE DRIVER FUNCTION REASON...'",
				  path, lineno, i < 4 ? fields[i] : "four globs");
			r = -EINVAL;
			break;
		}
		if (strpbrk(v[0], "*?[") == NULL && !drc_rule_find(v[0])) {
			log_error("%s:%u: unknown rule '%s' (devresctl check --list-rules lists them)", path,
				  lineno, v[0]);
			r = -EINVAL;
			break;
		}
		n = realloc(s->v, (s->n + 1) * sizeof(*n));
		if (!n) {
			r = log_oom();
			break;
		}
		s->v = n;
		n = &s->v[s->n++];
		n->rule = strdup(v[0]);
		n->device = strdup(v[1]);
		n->driver = strdup(v[2]);
		n->function = strdup(v[3]);
		n->reason = strdup(reason);
		n->path = name;
		n->line = lineno;
		n->used = false;
		if (!n->rule || !n->device || !n->driver || !n->function || !n->reason) {
			r = log_oom();
			break;
		}
	}
	fclose(f);
	*ret = s;       /* on error too: the caller frees what was read */
	return r;
}

static bool glob_match(const char *pattern, const char *s)
{
	return fnmatch(pattern, s ? s : "", 0) == 0;
}

static bool entry_matches(const struct suppression *e, const struct drc_finding *f)
{
	bool fn = strcmp(e->function, "*") == 0;

	if (!glob_match(e->rule, f->rule) || !glob_match(e->device, f->device) || !glob_match(e->driver, f->driver))
		return false;
	for (unsigned j = 0; j < f->n_nodes && !fn; j++)
		fn = glob_match(e->function, f->nodes[j].name);
	return fn;
}

const char *suppressions_match(const struct suppressions *s, const struct drc_finding *f)
{
	if (!s)
		return NULL;
	for (unsigned i = 0; i < s->n; i++)
		if (entry_matches(&s->v[i], f))
			return s->v[i].reason;
	return NULL;
}

void suppressions_mark_used(struct suppressions *s, const struct drc_finding *f)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n; i++)
		if (!s->v[i].used && entry_matches(&s->v[i], f))
			s->v[i].used = true;
}

void suppressions_for_each_unused(const struct suppressions *s, suppression_fn fn, void *userdata)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->n; i++) {
		const struct suppression *e = &s->v[i];

		if (!e->used)
			fn(userdata, e->path, e->line, e->rule, e->device, e->driver, e->function, e->reason);
	}
}

struct baseline {
	char **fp;
	unsigned n;
};

void baseline_free(struct baseline *b)
{
	if (!b)
		return;
	for (unsigned i = 0; i < b->n; i++)
		free(b->fp[i]);
	free(b->fp);
	free(b);
}

int baseline_load(const char *path, struct baseline **ret)
{
	struct json_object *root = json_object_from_file(path), *arr;
	struct baseline *b;
	size_t n;

	if (!root) {
		log_error("%s: cannot read the baseline: %s (expected the JSON of 'devresctl check "
			  "--format=json')", path, json_util_get_last_err());
		return -EINVAL;
	}
	if (!json_object_object_get_ex(root, "findings", &arr) || !json_object_is_type(arr, json_type_array)) {
		log_error("%s: not a devresctl JSON report: expected a \"findings\" array", path);
		json_object_put(root);
		return -EINVAL;
	}
	b = calloc(1, sizeof(*b));
	n = json_object_array_length(arr);
	if (!b || !(b->fp = calloc(n ? n : 1, sizeof(char *)))) {
		free(b);
		json_object_put(root);
		return log_oom();
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *fo = json_object_array_get_idx(arr, i), *fp;

		if (!json_object_object_get_ex(fo, "fingerprint", &fp) || !json_object_is_type(fp, json_type_string)) {
			log_error("%s: finding %zu has no \"fingerprint\"", path, i);
			baseline_free(b);
			json_object_put(root);
			return -EINVAL;
		}
		b->fp[b->n] = strdup(json_object_get_string(fp));
		if (!b->fp[b->n]) {
			baseline_free(b);
			json_object_put(root);
			return log_oom();
		}
		b->n++;
	}
	json_object_put(root);
	*ret = b;
	return 0;
}

bool baseline_has(const struct baseline *b, const char *fingerprint)
{
	if (!b)
		return false;
	for (unsigned i = 0; i < b->n; i++)
		if (strcmp(b->fp[i], fingerprint) == 0)
			return true;
	return false;
}
