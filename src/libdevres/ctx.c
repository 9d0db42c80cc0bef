// SPDX-License-Identifier: LGPL-2.1-or-later
/* The engine context: interned strings, boots, diagnostics, knowledge base. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libdevres-private.h"

int drc_ctx_new(struct drc_ctx **ret)
{
	/* aligned as its reader_lines are: on a cache line of their own */
	size_t size = (sizeof(struct drc_ctx) + _Alignof(struct drc_ctx) - 1) & ~(_Alignof(struct drc_ctx) - 1);
	struct drc_ctx *ctx = aligned_alloc(_Alignof(struct drc_ctx), size);

	if (!ctx)
		return -ENOMEM;
	memset(ctx, 0, sizeof(*ctx));
	ctx->refs = 1;
	ctx->witness_window = DRC_WITNESS_RING_MAX;
	ctx->log_priority = LOG_ERR;
	ctx->s_grp_open = drc_interns(ctx, "grp<");
	ctx->s_grp_close = drc_interns(ctx, "grp>");
	ctx->s_null = drc_interns(ctx, "(null)");
	if (!ctx->s_grp_open || !ctx->s_grp_close || !ctx->s_null || drc_rules_init(ctx) < 0) {
		strpool_done(&ctx->pool);
		free(ctx);
		return -ENOMEM;
	}
	*ret = ctx;
	return 0;
}

struct drc_ctx *drc_ctx_ref(struct drc_ctx *ctx)
{
	if (ctx)
		ctx->refs++;
	return ctx;
}

struct drc_ctx *drc_ctx_unref(struct drc_ctx *ctx)
{
	struct drc_device *dev, *next;

	if (!ctx || --ctx->refs > 0)
		return NULL;
	(void)drc_pipe_stop(ctx);
	for (dev = ctx->devices_head; dev; dev = next) {
		next = dev->all_next;
		drc_device_free(dev);
	}
	drc_model_node_cache_free(ctx);
	for (unsigned i = 0; i < ctx->nboots; i++)
		drc_boot_done(&ctx->boots[i]);
	free(ctx->boots);
	for (unsigned i = 0; i < ctx->ndiags; i++)
		free((char *)ctx->diags[i].excerpt);
	free(ctx->kb);
	hashmap_done(&ctx->kb_cache);
	hashmap_done(&ctx->kallsyms);
	drc_rules_free(ctx);
	drc_opres_free(ctx->opres);
	strpool_done(&ctx->pool);
	free(ctx);
	return NULL;
}

void drc_ctx_set_log_fn(struct drc_ctx *ctx, drc_log_fn fn, void *userdata)
{
	(void)drc_pipe_stop(ctx);    /* someone watches the model from here on */
	ctx->log_fn = fn;
	ctx->log_data = userdata;
}

void drc_ctx_set_devres_line_fn(struct drc_ctx *ctx, drc_line_fn fn, void *userdata)
{
	(void)drc_pipe_stop(ctx);    /* someone watches the model from here on */
	ctx->line_fn = fn;
	ctx->line_data = userdata;
}

void drc_ctx_set_decode_only(struct drc_ctx *ctx)
{
	ctx->decode_only = true;
}

void drc_ctx_set_ref_fn(struct drc_ctx *ctx, drc_ref_fn fn, void *userdata)
{
	(void)drc_pipe_stop(ctx);    /* someone watches the model from here on */
	ctx->ref_fn = fn;
	ctx->ref_data = userdata;
}

void drc_ctx_set_log_priority(struct drc_ctx *ctx, int priority)
{
	(void)drc_pipe_stop(ctx);    /* debug lines stay in the order of the input */
	ctx->log_priority = priority;
}

void drc_log(struct drc_ctx *ctx, int prio, const char *file, int line, const char *fn,
	     const char *fmt, ...)
{
	va_list ap;

	if (!ctx->log_fn)
		return;
	va_start(ap, fmt);
	ctx->log_fn(ctx->log_data, prio, file, line, fn, fmt, ap);
	va_end(ap);
}

void drc_ctx_set_keep_history(struct drc_ctx *ctx, bool keep)
{
	ctx->keep_history = keep;
}

void drc_ctx_set_event_fn(struct drc_ctx *ctx, drc_event_fn fn, void *userdata)
{
	(void)drc_pipe_stop(ctx);    /* someone watches the model from here on */
	ctx->event_fn = fn;
	ctx->event_data = userdata;
}

void drc_ctx_set_uevent_fn(struct drc_ctx *ctx, drc_uevent_fn fn, void *userdata)
{
	(void)drc_pipe_stop(ctx);    /* someone watches the model from here on */
	ctx->uevent_fn = fn;
	ctx->uevent_data = userdata;
}

const char *drc_interns(struct drc_ctx *ctx, const char *s)
{
	return s ? drc_intern(ctx, s, strlen(s)) : NULL;
}

void drc_diag_add(struct drc_ctx *ctx, const struct drc_origin *o, const char *expected,
		  const char *line, size_t len)
{
	struct drc_diag *d;
	char *ex;

	ctx->stats.undecoded++;
	if (ctx->ndiags >= DRC_DIAG_MAX)
		return;
	len = MIN(len, (size_t)120);
	ex = malloc(len + 1);
	if (!ex)
		return;
	for (size_t i = 0; i < len; i++)
		ex[i] = (line[i] >= 0x20 && line[i] < 0x7f) ? line[i] : '?';
	ex[len] = '\0';
	d = &ctx->diags[ctx->ndiags++];
	d->origin = *o;
	d->expected = expected;
	d->excerpt = ex;
}

void drc_ctx_get_stats(const struct drc_ctx *ctx, struct drc_stats *ret)
{
	*ret = ctx->stats;
	ret->lines = ctx->reader_lines.n;
	ret->boots = ctx->nboots;
}

unsigned drc_ctx_get_diag_count(const struct drc_ctx *ctx)
{
	return ctx->ndiags;
}

int drc_ctx_get_diag(const struct drc_ctx *ctx, unsigned i, struct drc_diag *ret)
{
	if (i >= ctx->ndiags)
		return -ERANGE;
	*ret = ctx->diags[i];
	return 0;
}

int drc_ctx_new_boot(struct drc_ctx *ctx, const struct drc_origin *o, const char *kernel,
		     const char *boot_id)
{
	struct drc_boot *b;

	PIPE_SYNC(ctx);
	if (ctx->nboots)
		drc_model_boot_end(ctx, ctx->nboots - 1);
	if (ctx->opres)
		drc_opres_new_boot(ctx->opres);
	if (ctx->nboots == ctx->boots_cap) {
		unsigned ncap = ctx->boots_cap ? ctx->boots_cap * 2 : 4;
		struct drc_boot *n = realloc(ctx->boots, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ctx->boots = n;
		ctx->boots_cap = ncap;
	}
	b = &ctx->boots[ctx->nboots++];
	memset(b, 0, sizeof(*b));
	b->origin = *o;
	b->kernel = kernel;
	if (boot_id)
		snprintf(b->boot_id, sizeof(b->boot_id), "%s", boot_id);
	return 0;
}

struct drc_boot *drc_ctx_boot(struct drc_ctx *ctx)
{
	PIPE_SYNC(ctx);
	if (!ctx->nboots) {
		struct drc_origin o = { NULL, 0 };

		if (drc_ctx_new_boot(ctx, &o, NULL, NULL) < 0)
			return NULL;
	}
	return &ctx->boots[ctx->nboots - 1];
}

size_t drc_ctx_get_op_addresses(const struct drc_ctx *ctx, struct drc_op_address *ret, size_t n)
{
	return ctx->opres ? drc_opres_get(ctx->opres, ret, n) : 0;
}

unsigned drc_ctx_get_boot_count(const struct drc_ctx *ctx)
{
	return ctx->nboots;
}

const char *drc_ctx_get_boot_kernel(const struct drc_ctx *ctx, unsigned i)
{
	return i < ctx->nboots ? ctx->boots[i].kernel : NULL;
}

int drc_ctx_get_boot_origin(const struct drc_ctx *ctx, unsigned i, struct drc_origin *ret)
{
	if (i >= ctx->nboots)
		return -ERANGE;
	*ret = ctx->boots[i].origin;
	return 0;
}

/* ---- knowledge base ---- */

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_kb_flags(char *s, unsigned *ret)
{
	static const struct { const char *name; unsigned flag; } names[] = {
		{ "hw", DRC_KB_HW }, { "devref", DRC_KB_DEVREF },
		{ "callback", DRC_KB_CALLBACK }, { "suspend", DRC_KB_SUSPEND },
	};
	char *save = NULL;

	*ret = 0;
	for (char *w = strtok_r(s, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save)) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strcmp(w, names[i].name) == 0)
				break;
		if (i == ARRAY_SIZE(names))
			return -EINVAL;
		*ret |= names[i].flag;
	}
	return 0;
}

int drc_ctx_load_kb(struct drc_ctx *ctx, const char *path, unsigned *bad_line)
{
	char line[512];
	unsigned lineno = 0;
	int count = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *s, *tab, *pattern, *class, *hash;
		unsigned flags = 0;
		struct kb_entry *e;

		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		s = trim(line);
		if (!*s)
			continue;
		tab = strpbrk(s, " \t");
		if (!tab) {
			fclose(f);
			if (bad_line)
				*bad_line = lineno;
			return -EINVAL;
		}
		*tab = '\0';
		pattern = s;
		class = trim(tab + 1);
		tab = strpbrk(class, " \t");
		if (tab)
			*tab++ = '\0';
		if (!*class || (tab && parse_kb_flags(trim(tab), &flags) < 0)) {
			fclose(f);
			if (bad_line)
				*bad_line = lineno;
			return -EINVAL;
		}
		if (ctx->nkb == ctx->kb_cap) {
			size_t ncap = ctx->kb_cap ? ctx->kb_cap * 2 : 64;
			struct kb_entry *n = realloc(ctx->kb, ncap * sizeof(*n));

			if (!n) {
				fclose(f);
				return -ENOMEM;
			}
			ctx->kb = n;
			ctx->kb_cap = ncap;
		}
		e = &ctx->kb[ctx->nkb++];
		e->pattern = drc_interns(ctx, pattern);
		e->class = drc_interns(ctx, class);
		e->glob = strpbrk(pattern, "*?[") != NULL;
		e->flags = flags;
		if (!e->pattern || !e->class) {
			fclose(f);
			return -ENOMEM;
		}
		count++;
	}
	fclose(f);
	hashmap_done(&ctx->kb_cache);       /* answers may have changed */
	return count;
}

bool drc_kallsyms_parse(char *line, const char **function, const char **module)
{
	char *p = line, *name, *mod, *end;

	/* "ffffffffc0a01000 t ata_devres_release\t[libata]": address, type, name, [module] */
	p += strcspn(p, " \t");
	p += strspn(p, " \t");
	if ((*p != 't' && *p != 'T') || (p[1] != ' ' && p[1] != '\t'))
		return false;
	name = p + 1 + strspn(p + 1, " \t");
	p = name + strcspn(name, " \t\n");
	if (p == name || !*p || *p == '\n')
		return false;   /* no [module]: built in */
	*p++ = '\0';
	mod = p + strspn(p, " \t");
	end = *mod == '[' ? strchr(mod, ']') : NULL;
	if (!end || end == mod + 1)
		return false;
	*end = '\0';
	*function = name;
	*module = mod + 1;
	return true;
}

int drc_ctx_load_kallsyms(struct drc_ctx *ctx, const char *path)
{
	char line[1024];
	int count = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *fn, *mod;

		if (!drc_kallsyms_parse(line, &fn, &mod))
			continue;
		if (drc_ctx_add_function(ctx, drc_interns(ctx, fn), drc_interns(ctx, mod)) < 0) {
			fclose(f);
			return -ENOMEM;
		}
		count++;
	}
	fclose(f);
	ctx->have_kallsyms = true;
	return count;
}

int drc_ctx_add_function(struct drc_ctx *ctx, const char *function, const char *module)
{
	PIPE_SYNC(ctx);
	if (!function || !module || hashmap_put(&ctx->kallsyms, (uint64_t)(uintptr_t)function, (void *)module) < 0)
		return -ENOMEM;
	return 0;
}

const char *drc_ctx_get_function_module(struct drc_ctx *ctx, const char *name)
{
	const char *key = name ? drc_interns(ctx, name) : NULL;

	return key ? hashmap_get(&ctx->kallsyms, (uint64_t)(uintptr_t)key) : NULL;
}

static const struct kb_entry *kb_search(const struct drc_ctx *ctx, const char *name)
{
	/* later entries win: walk backwards; exact names before globs */
	for (size_t i = ctx->nkb; i-- > 0;)
		if (!ctx->kb[i].glob && strcmp(ctx->kb[i].pattern, name) == 0)
			return &ctx->kb[i];
	for (size_t i = ctx->nkb; i-- > 0;)
		if (ctx->kb[i].glob && fnmatch(ctx->kb[i].pattern, name, 0) == 0)
			return &ctx->kb[i];
	return NULL;
}

const struct kb_entry *drc_kb_lookup(struct drc_ctx *ctx, const char *key)
{
	void *v;

	if (!key)
		return NULL;
	v = hashmap_get(&ctx->kb_cache, (uint64_t)(uintptr_t)key);
	if (v)
		return v == (void *)&ctx->kb_cache ? NULL : v;
	v = (void *)kb_search(ctx, key);
	/* the cache stores a miss as a pointer to itself */
	(void)hashmap_put(&ctx->kb_cache, (uint64_t)(uintptr_t)key, v ? v : (void *)&ctx->kb_cache);
	return v;
}

const char *drc_ctx_classify(struct drc_ctx *ctx, const char *name)
{
	const struct kb_entry *e;

	if (!name)
		return "memory";       /* an unrevealed devm_krealloc node */
	if (strcmp(name, "grp<") == 0 || strcmp(name, "grp>") == 0)
		return "group";
	e = drc_kb_lookup(ctx, drc_interns(ctx, name));
	return e ? e->class : "other";
}

unsigned drc_ctx_get_kb_flags(struct drc_ctx *ctx, const char *name)
{
	const struct kb_entry *e = name ? drc_kb_lookup(ctx, drc_interns(ctx, name)) : NULL;

	return e ? e->flags : 0;
}

const char *drc_op_to_string(enum drc_op op)
{
	switch (op) {
	case DRC_OP_ADD: return "ADD";
	case DRC_OP_REL: return "REL";
	case DRC_OP_REM: return "REM";
	case DRC_OP_REPLACE: return "REPLACE";
	}
	return "?";
}

const char *drc_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}
