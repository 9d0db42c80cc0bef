// SPDX-License-Identifier: GPL-2.0-or-later
/* Command and option tables: getopt, --help and argument checks from one source. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <syslog.h>
#include <unistd.h>

#include "command.h"
#include "exit-codes.h"
#include "output.h"
#include "devresd/protocol.h"
#include "shared/log.h"
#include "shared/root.h"

const char *arg_root;
const char *arg_socket;
int arg_color = -1;
bool arg_no_pager;
unsigned pager_terminal_columns;

const char *devresd_socket_name(void)
{
	const char *env = getenv("DEVRESD_SOCKET");

	if (arg_socket)
		return arg_socket;
	return env && *env ? env : DEVRESD_SOCKET;
}

int devresd_connect(void)
{
	return root_connect(devresd_socket_name());
}

bool use_color(void)
{
	const char *nc = getenv("NO_COLOR");

	if (arg_color >= 0)
		return arg_color;
	if (nc && *nc)
		return false;
	/* through a pager, the terminal is still where the colours go */
	return isatty(STDOUT_FILENO) || pager_terminal_columns;
}

int command_getopt_init(const struct cli_option *opts, struct command_getopt *ret)
{
	size_t n = 0, k = 0;
	char *p;

	while (opts[n].name)
		n++;
	ret->longopts = calloc(n + 1, sizeof(struct option));
	ret->shortopts = calloc(2 * n + 2, 1);
	if (!ret->longopts || !ret->shortopts)
		return log_oom();
	p = ret->shortopts;
	*p++ = '+';
	for (size_t i = 0; i < n; i++) {
		ret->longopts[k++] = (struct option){ opts[i].name, opts[i].has_arg, NULL, opts[i].key };
		if (opts[i].key < 0x100) {
			*p++ = (char)opts[i].key;
			if (opts[i].has_arg == required_argument)
				*p++ = ':';
		}
	}
	return 0;
}

void command_getopt_done(struct command_getopt *g)
{
	free(g->longopts);
	free(g->shortopts);
}

unsigned output_columns(void)
{
	const char *env = getenv("COLUMNS");
	unsigned long n;
	struct winsize ws;

	if (env && parse_ulong(env, 20, 10000, &n) == 0)
		return (unsigned)n;
	if (pager_terminal_columns)
		return pager_terminal_columns;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

void command_print_options(const struct cli_option *opts)
{
	unsigned width = output_columns();

	for (const struct cli_option *o = opts; o->name; o++) {
		char left[64];

		if (o->key < 0x100)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->key, o->name,
				 o->arg_name ? "=" : "", o->arg_name ? o->arg_name : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg_name ? "=" : "",
				 o->arg_name ? o->arg_name : "");
		/* the help text in its column, continued under itself */
		printf(" %-26s ", left);
		if (strlen(left) > 26) {
			printf("\n%28s", "");
		}
		text_wrap(stdout, 28, 28, o->help, width);
	}
}

void command_help(const struct command *cmd)
{
	printf("Usage:\n %s %s %s\n\n%s.\n\nOptions:\n", program_invocation_short_name, cmd->name,
	       cmd->synopsis, cmd->summary);
	command_print_options(cmd->options);
	printf("\nSee devresctl(8) for details.\n");
}

int usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", log_program_name());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "Try '%s %s --help' for more information.\n",
			program_invocation_short_name, cmd->name);
	else
		fprintf(stderr, "Try '%s --help' for more information.\n", program_invocation_short_name);
	return DEVRESCTL_EX_USAGE;
}

int command_check_args(const struct command *cmd, unsigned nargs)
{
	if (nargs < cmd->min_args)
		return usage_error(cmd, "too few arguments: expected %s", cmd->synopsis);
	if (cmd->max_args != ARGS_ANY && nargs > cmd->max_args)
		return usage_error(cmd, "too many arguments: expected %s", cmd->synopsis);
	return DEVRESCTL_EX_OK;
}

int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int parse_positive(const char *s, double max, double *ret)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end || !(d > 0) || d > max)
		return -EINVAL;
	*ret = d;
	return 0;
}

int command_push_arg(const char ***arr, unsigned *n, const char *s)
{
	const char **a = realloc(*arr, (*n + 1) * sizeof(*a));

	if (!a)
		return log_oom();
	a[(*n)++] = s;
	*arr = a;
	return 0;
}

int command_common_option(const struct command *cmd, int opt, const char *arg, struct engine_opts *engine,
			  bool *quiet, int *status)
{
	switch (opt) {
	case 'q':
		if (quiet)
			*quiet = true;
		log_set_quiet(true);
		return 0;
	case 'h':
		command_help(cmd);
		return COMMAND_OPTION_HELP;
	case OPT_KB:
		if (engine) {
			if (command_push_arg(&engine->kb_files, &engine->nkb, arg) < 0)
				*status = DEVRESCTL_EX_FAILURE;
			return 0;
		}
		break;
	case OPT_KALLSYMS:
		if (engine) {
			engine->kallsyms = arg;
			return 0;
		}
		break;
	case OPT_DEVRESD_SOCKET:
		arg_socket = arg;
		return 0;
	case OPT_NO_PAGER:
		arg_no_pager = true;
		return 0;
	case OPT_ENGINE_DEBUG:
		if (engine) {
			int r = engine_debug_option(cmd, arg, &engine->debug);

			if (r)
				*status = r;
			return 0;
		}
		break;
	case '?':
		/* getopt said what was wrong, naming the command (argv[0]) */
		fprintf(stderr, "Try '%s %s --help' for more information.\n",
			program_invocation_short_name, cmd->name);
		*status = DEVRESCTL_EX_USAGE;
		return 0;
	}
	*status = usage_error(cmd, "option not handled");
	return 0;
}

int engine_debug_option(const struct command *cmd, const char *arg, unsigned *debug)
{
	const char *p = arg;

	do {
		size_t n = strcspn(p, ",");

		if (n == 5 && strncmp(p, "rules", 5) == 0)
			*debug |= ENGINE_DEBUG_RULES;
		else if (n == 6 && strncmp(p, "stream", 6) == 0)
			*debug |= ENGINE_DEBUG_STREAM;
		else
			return usage_error(cmd, "invalid --debug '%s': expected rules, stream or both, comma-separated",
					   arg);
		p += n;
	} while (*p++ == ',');
	return 0;
}

/* The rules' decisions (LOG_DEBUG messages of the engine), one a line. */
static void explain_line(void *userdata, int priority, const char *file, int line, const char *func,
			 const char *format, va_list ap)
{
	(void)userdata;
	(void)file;
	(void)line;
	(void)func;
	if (priority < LOG_DEBUG)
		return;
	fputs("explain: ", stderr);
	vfprintf(stderr, format, ap);
	fputc('\n', stderr);
}

/* How a line was read: "stream: FILE:LINE: what took it and why". */
static void stream_line(void *userdata, const struct drc_origin *o, const char *text)
{
	(void)userdata;
	fprintf(stderr, "stream: %s:%" PRIu64 ": %s\n", o->source ? o->source : "-", o->line, text);
}

int engine_new(const struct engine_opts *opts, struct drc_ctx **ret)
{
	const char *kb = getenv("DEVRESCTL_KB");
	struct drc_ctx *ctx;
	unsigned bad = 0;
	int r;

	r = drc_ctx_new(&ctx);
	if (r < 0)
		return log_oom();
	if (!kb)
		kb = KBDIR "/release-functions.tsv";
	if (access(kb, F_OK) < 0) {
		/* not installed: the copy beside an uninstalled build */
		static char beside[4096];
		ssize_t n = readlink("/proc/self/exe", beside, sizeof(beside) - 64);

		if (n > 0) {
			char *slash;

			beside[n] = '\0';
			slash = strrchr(beside, '/');
			if (slash) {
				strcpy(slash, "/data/kb/release-functions.tsv");
				if (access(beside, R_OK) == 0)
					kb = beside;
			}
		}
	}
	r = drc_ctx_load_kb(ctx, kb, &bad);
	if (r == -EINVAL)
		log_warning("%s:%u: malformed knowledge-base line: expected 'PATTERN<TAB>CLASS[<TAB>FLAGS]', ignoring the rest", kb, bad);
	else if (r < 0)
		log_warning("cannot read knowledge base '%s': %s; release functions will not be classified", kb, strerror(-r));
	for (unsigned i = 0; opts && i < opts->nkb; i++) {
		r = drc_ctx_load_kb(ctx, opts->kb_files[i], &bad);
		if (r == -EINVAL) {
			log_error("%s:%u: malformed knowledge-base line: expected 'PATTERN<TAB>CLASS[<TAB>FLAGS]'", opts->kb_files[i], bad);
			drc_ctx_unref(ctx);
			return r;
		}
		if (r < 0) {
			log_error_errno(r, "cannot read knowledge base '%s'", opts->kb_files[i]);
			drc_ctx_unref(ctx);
			return r;
		}
	}
	if (opts && (opts->debug & ENGINE_DEBUG_RULES)) {
		drc_ctx_set_log_fn(ctx, explain_line, NULL);
		drc_ctx_set_log_priority(ctx, LOG_DEBUG);
	}
	if (opts && (opts->debug & ENGINE_DEBUG_STREAM))
		drc_ctx_set_stream_debug_fn(ctx, stream_line, NULL);
	if (opts && opts->kallsyms) {
		r = drc_ctx_load_kallsyms(ctx, opts->kallsyms);
		if (r < 0) {
			log_error_errno(r, "cannot read kallsyms '%s'", opts->kallsyms);
			drc_ctx_unref(ctx);
			return r;
		}
		if (r == 0 && !opts->kallsyms_auto)
			log_warning("%s: no module functions found (expected lines like "
				    "'ffffffffc0a01000 t ata_devres_release [libata]')", opts->kallsyms);
	}
	*ret = ctx;
	return 0;
}
