// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shell completion from the command and option tables.
 *
 * The completion scripts in data/completion/ hand the words of the command
 * line to "devresctl __complete CWORD WORD..." and offer what it prints, one
 * candidate a line. So the commands, options and option values a shell
 * offers are the ones this binary parses: nothing to keep in step by hand.
 * A first line "@files" or "@dirs" asks the shell to complete file names
 * instead (the candidates that follow, if any, are offered as well).
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "complete.h"
#include "exit-codes.h"
#include "shared/macro.h"
#include "shared/root.h"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void offer(const char *cur, const char *prefix, const char *word)
{
	size_t lp = strlen(prefix);

	/* @cur holds the prefix ("--format=") when the shell kept it in the word */
	if (starts_with(cur, prefix) && starts_with(word, cur + lp))
		printf("%s%s\n", prefix, word);
	else if (!*prefix && starts_with(word, cur))
		printf("%s\n", word);
}

/* Device names as /sys/bus/ and /sys/class/ list them (below --root). */
static void offer_devices(const char *cur, const char *prefix)
{
	static const char *const tops[] = { "/sys/bus", "/sys/class" };

	for (size_t t = 0; t < ARRAY_SIZE(tops); t++) {
		char path[4096];
		DIR *d;
		struct dirent *e;

		if (root_path(path, sizeof(path), tops[t]) < 0 || !(d = opendir(path)))
			continue;
		while ((e = readdir(d))) {
			char sub[4096];
			DIR *dd;
			struct dirent *f;

			if (e->d_name[0] == '.')
				continue;
			if (snprintf(sub, sizeof(sub), "%s/%s%s", path, e->d_name,
				     t == 0 ? "/devices" : "") >= (int)sizeof(sub) || !(dd = opendir(sub)))
				continue;
			while ((f = readdir(dd)))
				if (f->d_name[0] != '.')
					offer(cur, prefix, f->d_name);
			closedir(dd);
		}
		closedir(d);
	}
}

static void offer_values(const struct cli_option *o, const char *cur, const char *prefix)
{
	if (o->values) {
		const char *v = o->values;

		while (*v) {
			char word[64];
			size_t n = strcspn(v, " ");

			if (n < sizeof(word)) {
				memcpy(word, v, n);
				word[n] = '\0';
				offer(cur, prefix, word);
			}
			v += n;
			v += strspn(v, " ");
		}
		return;
	}
	if (o->arg_name && (strcmp(o->arg_name, "PATTERN") == 0 || strcmp(o->arg_name, "DEVICE") == 0)) {
		offer_devices(cur, prefix);
		return;
	}
	if (o->arg_name && strcmp(o->arg_name, "DIR") == 0)
		printf("@dirs\n");
	else if (o->arg_name && (strcmp(o->arg_name, "FILE") == 0 || strcmp(o->arg_name, "CAPTURE") == 0))
		printf("@files\n");
}

static const struct cli_option *find_long(const struct cli_option *opts, const char *name, size_t len)
{
	for (const struct cli_option *o = opts; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, char c)
{
	for (const struct cli_option *o = opts; o && o->name; o++)
		if (o->key == c)
			return o;
	return NULL;
}

/* The option @w names when it takes its value from the next word, or NULL. */
static const struct cli_option *takes_next(const struct cli_option *opts, const char *w)
{
	const struct cli_option *o = NULL;

	if (starts_with(w, "--") && !strchr(w, '='))
		o = find_long(opts, w + 2, strlen(w + 2));
	else if (w[0] == '-' && w[1] && w[1] != '-' && !w[2])
		o = find_short(opts, w[1]);
	return o && o->has_arg == required_argument ? o : NULL;
}

static void offer_options(const struct cli_option *opts, const char *cur)
{
	for (const struct cli_option *o = opts; o->name; o++) {
		char word[80];

		snprintf(word, sizeof(word), "--%s%s", o->name, o->has_arg == required_argument ? "=" : "");
		offer(cur, "", word);
	}
}

/* What the synopsis says the positional arguments are. */
static void offer_positional(const struct command *cmd, const char *cur)
{
	if (strstr(cmd->synopsis, "DEVICE"))
		offer_devices(cur, "");
	else if (strstr(cmd->synopsis, "CAPTURE") && !strstr(cmd->synopsis, "--replay CAPTURE"))
		printf("@files\n");
}

int complete_run(const struct command *const *cmds, size_t ncmds, const struct cli_option *main_opts,
		 int argc, char **argv)
{
	const struct command *cmd = NULL;
	const struct cli_option *opts = main_opts;
	unsigned long cword;
	char **w, *cur, *prev;
	size_t n = 0;
	int r = DEVRESCTL_EX_OK;

	/* argv: __complete CWORD WORD0 WORD1 ...; WORD0 is the program */
	if (argc < 3 || parse_ulong(argv[1], 0, 1000, &cword) < 0)
		return usage_error(NULL, "usage: __complete CWORD WORDS...");
	w = calloc(cword + 2, sizeof(*w));
	if (!w)
		return DEVRESCTL_EX_FAILURE;
	/* the words up to the cursor, with bash's "--format" "=" "js" put back
	 * together (COMP_WORDBREAKS holds '='); w[n - 1] is the word completed */
	for (unsigned long i = 0; i <= cword; i++) {
		const char *a = (long)i < argc - 2 ? argv[2 + i] : "";
		bool glue = n && (strcmp(a, "=") == 0 ? starts_with(w[n - 1], "--") && !strchr(w[n - 1], '=')
						       : i >= 1 && strcmp(argv[1 + i], "=") == 0 && w[n - 1][strlen(w[n - 1]) - 1] == '=');
		if (glue) {
			char *j = malloc(strlen(w[n - 1]) + strlen(a) + 1);

			if (!j) {
				r = DEVRESCTL_EX_FAILURE;
				goto out;
			}
			strcpy(stpcpy(j, w[n - 1]), a);
			free(w[n - 1]);
			w[n - 1] = j;
		} else if (!(w[n++] = strdup(a))) {
			r = DEVRESCTL_EX_FAILURE;
			goto out;
		}
	}
	cur = w[n - 1];
	prev = n >= 2 ? w[n - 2] : "";

	for (size_t i = 1; i + 1 < n; i++) {
		if (w[i][0] == '-') {
			if (takes_next(opts, w[i]))
				i++;
			continue;
		}
		if (cmd)
			continue;
		for (size_t k = 0; k < ncmds; k++)
			if (strcmp(cmds[k]->name, w[i]) == 0)
				cmd = cmds[k];
		if (!cmd && strcmp(w[i], "help") != 0)
			goto out;               /* an unknown command: nothing to offer */
		if (cmd)
			opts = cmd->options;
	}
	if (n >= 3 && prev[0] == '-' && takes_next(opts, prev)) {
		offer_values(takes_next(opts, prev), cur, "");
	} else if (starts_with(cur, "--") && strchr(cur, '=')) {
		const char *eq = strchr(cur, '=');
		const struct cli_option *o = find_long(opts, cur + 2, (size_t)(eq - cur - 2));
		char prefix[80];

		if (o && o->has_arg == required_argument && (size_t)(eq - cur + 1) < sizeof(prefix)) {
			memcpy(prefix, cur, (size_t)(eq - cur + 1));
			prefix[eq - cur + 1] = '\0';
			offer_values(o, cur, prefix);
		}
	} else if (cur[0] == '-') {
		offer_options(opts, cur);
	} else if (!cmd) {
		for (size_t k = 0; k < ncmds; k++)
			offer(cur, "", cmds[k]->name);
		offer(cur, "", "help");
	} else {
		offer_positional(cmd, cur);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(w[i]);
	free(w);
	return r;
}
