// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The devres line itself, once the transport (dmesg, kmsg, journal, syslog,
 * trace) has been taken off:
 *
 *   printk: "<drv-or-bus-or-class> <devname>: DEVRES <OP> <node> <name> (<size> bytes)"
 *   trace:  "<devname> <OP> <node> <name> (<size> bytes)"
 *
 * (drivers/base/devres.c devres_log() and include/trace/events/dev.h)
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "libdevres-private.h"

static const char expected_printk[] =
	"expected '<driver> <device>: DEVRES <ADD|REL|REM|REPLACE> <node> <name> (<size> bytes)'";
static const char expected_trace[] =
	"expected 'devres_log: <device> <ADD|REL|REM|REPLACE> <node> <name> (<size> bytes)'";

static bool parse_op(const char *s, size_t len, enum drc_op *op)
{
	if (len == 3 && memcmp(s, "ADD", 3) == 0)
		*op = DRC_OP_ADD;
	else if (len == 3 && memcmp(s, "REL", 3) == 0)
		*op = DRC_OP_REL;
	else if (len == 3 && memcmp(s, "REM", 3) == 0)
		*op = DRC_OP_REM;
	else if (len == 7 && memcmp(s, "REPLACE", 7) == 0)
		*op = DRC_OP_REPLACE;
	else
		return false;
	return true;
}

int drc_hexval(char c)
{
	/* a digit's value plus one, 0 for anything else: every id is parsed */
	static const unsigned char val[256] = {
		['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
		['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
		['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
		['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	};

	return (int)val[(unsigned char)c] - 1;
}

/* "%p": hex digits, or "(____ptrval____)" / "(ptrval)" printed before the hash key exists. */
bool drc_parse_ptr(const char *s, size_t len, uint64_t *id, unsigned *digits)
{
	uint64_t v = 0;
	size_t i = 0;

	/* 64- and 32-bit kernels before the key is ready (16 bytes, like an address) */
	if ((len == STRLEN("(____ptrval____)") && memcmp(s, "(____ptrval____)", len) == 0) ||
	    (len == STRLEN("(ptrval)") && memcmp(s, "(ptrval)", len) == 0)) {
		*id = 0;
		*digits = 0;
		return true;
	}
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (len - i == 0 || len - i > 16)
		return false;
	for (; i < len; i++) {
		int h = drc_hexval(s[i]);

		if (h < 0)
			return false;
		v = (v << 4) | (uint64_t)h;
	}
	*id = v;
	*digits = (unsigned)(len > 2 && s[1] == 'x' ? len - 2 : len);
	return true;
}

/* Parses "(<n> bytes)" at s; returns the bytes consumed or 0. */
size_t drc_parse_size(const char *s, size_t len, uint64_t *size)
{
	size_t i = 1;
	uint64_t v = 0;

	if (len < STRLEN("(0 bytes)") || s[0] != '(')
		return 0;
	if (s[i] < '0' || s[i] > '9')
		return 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (len - i < STRLEN(" bytes)") || memcmp(s + i, " bytes)", STRLEN(" bytes)")) != 0)
		return 0;
	*size = v;
	return i + STRLEN(" bytes)");
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t token_end(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != ' ' && s[i] != '\t')
		i++;
	return i;
}

/*
 * A name living in a module, printed by the stock kernel's trace output as
 * "(0xffffffffc05xxxxx:ata_devres_release)[UNSAFE-MEMORY]": keep the symbol.
 */
static void normalize_name(const char **name, size_t *len)
{
	const char *s = *name, *colon, *close;
	size_t n = *len;

	if (n < 4 || s[0] != '(' || s[1] != '0' || s[2] != 'x')
		return;
	colon = memchr(s, ':', n);
	close = memchr(s, ')', n);
	if (!colon || !close || close < colon)
		return;
	*name = colon + 1;
	*len = (size_t)(close - colon - 1);
}

/*
 * The op as a tracing library prints it: "op" is a const char * in the
 * event's record, so libtraceevent (trace-cmd report, perf script) prints
 * the address of the kernel's string, "ffffffff8283365f", not the string.
 * Which op an address stands for is worked out later (opres.c).
 */
static bool parse_op_address(const char *s, size_t len, uint64_t *token)
{
	unsigned digits;

	if (len > 2 && s[0] == '0' && s[1] == 'x')
		s += 2, len -= 2;
	if (len != 8 && len != 16)
		return false;
	return drc_parse_ptr(s, len, token, &digits) && *token != 0;
}

/* "0xffff888104881060", "ffff888104881060", "(0x...)": a second address, as
 * %#lx or %px print it */
static bool is_raw_address(const char *s, size_t len)
{
	uint64_t v;
	unsigned digits;

	if (len > 2 && s[0] == '(' && s[len - 1] == ')')
		s++, len -= 2;
	if (len > 2 && s[0] == '0' && s[1] == 'x')
		return len >= 10 && len <= 18 && drc_parse_ptr(s, len, &v, &digits);
	return (len == 8 || len == 16) && drc_parse_ptr(s, len, &v, &digits);
}

/* "<OP> <node> <name> (<size> bytes)[anything]" starting at s[i]. */
static bool parse_tail(const char *s, size_t len, size_t i, struct devres_msg *m, bool strict_end,
		       bool op_address)
{
	size_t e, n;

	i = skip_spaces(s, len, i);
	e = token_end(s, len, i);
	m->op_token = 0;
	if (!parse_op(s + i, e - i, &m->op) &&
	    !(op_address && parse_op_address(s + i, e - i, &m->op_token)))
		return false;
	i = skip_spaces(s, len, e);
	e = token_end(s, len, i);
	if (!drc_parse_ptr(s + i, e - i, &m->id, &m->id_digits)) {
		/* a local print without the node ("DEVRES ADD <name> (<n> bytes)"):
		 * a node with no address, found by its place and name like
		 * "(____ptrval____)" */
		size_t k = skip_spaces(s, len, e);

		if (op_address || e == i || !drc_parse_size(s + k, len - k, &m->size))
			return false;
		m->id = 0;
		m->id_digits = 0;
		e = i;
	}
	i = skip_spaces(s, len, e);
	e = token_end(s, len, i);
	/* a local print that adds the raw address after the hashed one (or the
	 * other way round): "<hashed> 0xffff888104881060 <name>", skipped only
	 * if a name follows */
	if (is_raw_address(s + i, e - i)) {
		size_t j = skip_spaces(s, len, e), ej = token_end(s, len, j);

		if (ej > j && s[j] != '(')
			i = j, e = ej;
	}
	if (e == i)
		return false;
	m->name = s + i;
	m->name_len = e - i;
	normalize_name(&m->name, &m->name_len);
	if (m->name_len == 0)
		return false;
	i = skip_spaces(s, len, e);
	n = drc_parse_size(s + i, len - i, &m->size);
	if (!n) {
		/*
		 * A name with spaces: since 6.4 an action's name is its
		 * devm_add_action() argument as written, a cast perhaps:
		 * "(void(*)(void *))clk_disable_unprepare". Such a name starts
		 * with its cast and holds only what a C expression does; it
		 * runs to the first " (<n> bytes)".
		 */
		const char *p = s + e;

		if (m->name[0] != '(')
			return false;
		while ((p = memchr(p, '(', (size_t)(s + len - p))) &&
		       !(p[-1] == ' ' && (n = drc_parse_size(p, (size_t)(s + len - p), &m->size))))
			p++;
		if (!p)
			return false;
		for (const char *c = m->name; c < p; c++)
			if (!isalnum((unsigned char)*c) && !strchr("_ \t()*&.,->", *c))
				return false;
		m->name_len = (size_t)(p - m->name);
		while (m->name_len && (m->name[m->name_len - 1] == ' ' || m->name[m->name_len - 1] == '\t'))
			m->name_len--;
		i = (size_t)(p - s);
	}
	if (strict_end && skip_spaces(s, len, i + n) != len)
		return false;
	m->end = i + n;
	return true;
}

int drc_decode_devres_msg(const char *msg, size_t len, struct devres_msg *m, const char **expected)
{
	const char *d = NULL, *p;
	size_t i, devstart;

	/* find ": DEVRES " */
	for (p = msg; (p = memchr(p, 'D', len - (size_t)(p - msg))); p++) {
		if ((size_t)(msg + len - p) >= STRLEN("DEVRES ") && memcmp(p, "DEVRES", 6) == 0 &&
		    (p[6] == ' ' || p[6] == '\t') && p - msg >= 2 && (p[-1] == ' ' || p[-1] == '\t') &&
		    p[-2] == ':') {
			d = p;
			break;
		}
	}
	if (!d) {
		/* "DEVRES" without the "<dev>: " before it: a mangled line, or prose;
		 * "<dev>: DEVRES" that ends the message: a line cut right after it */
		if ((len >= 7 && mem_find(msg, len, "DEVRES", 6) && mem_find(msg, len, "bytes)", 6)) ||
		    (len >= 9 && memcmp(msg + len - 8, ": DEVRES", 8) == 0)) {
			*expected = expected_printk;
			return -EINVAL;
		}
		return 0;
	}
	memset(m, 0, sizeof(*m));
	/* device name: the word before ": DEVRES", prefix: everything before it */
	i = (size_t)(d - msg) - 2;
	devstart = i;
	while (devstart > 0 && msg[devstart - 1] != ' ')
		devstart--;
	m->dev = msg + devstart;
	m->dev_len = i - devstart;
	/* dev_printk() writes "<driver> <device>: ", with an empty driver string
	 * " <device>: ": a message that starts with the device lost its prefix
	 * (a mail wrap, a cut line), which says nothing about the binding */
	m->prefix = devstart > 0 ? msg : NULL;
	m->prefix_len = devstart > 0 ? devstart - 1 : 0;
	if (m->dev_len == 0 || !parse_tail(msg, len, (size_t)(d - msg) + STRLEN("DEVRES "), m, false, false)) {
		*expected = expected_printk;
		return -EINVAL;
	}
	return 1;
}

/* A number as the fields option prints it: "0x28 (40)", "40", "0x28". */
static bool parse_number(const char *s, size_t len, uint64_t *v)
{
	unsigned digits;
	size_t i = 0;

	if (len > 2 && s[0] == '0' && s[1] == 'x')
		return drc_parse_ptr(s, len, v, &digits);
	for (*v = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	return i == len && len > 0;
}

/*
 * With the instance option "fields" the kernel prints every field by name:
 * "devname=ACPI0013:00 dev=0x0 (0) op=(0xffff8881025fb01c:REL)
 *  node=0xffff888104c03540 (-131387264846528) name=devm_kzalloc_release
 *  size=0x28 (40)". A value may be followed by its decimal in parentheses.
 */
static int decode_fields(const char *msg, size_t len, struct devres_msg *m)
{
	bool have_op = false, have_node = false, have_size = false;
	size_t i = 0;

	while (i < len) {
		size_t k = skip_spaces(msg, len, i), eq, e;

		if (k >= len)
			break;
		e = token_end(msg, len, k);
		eq = k;
		while (eq < e && msg[eq] != '=')
			eq++;
		i = e;
		if (eq == e) {
			/* "(40)" after a value */
			if (msg[k] == '(')
				continue;
			return 0;
		}
#define KEY(lit) (eq - k == STRLEN(lit) && memcmp(msg + k, lit, STRLEN(lit)) == 0)
		const char *v = msg + eq + 1;
		size_t vl = e - eq - 1;

		if (KEY("devname")) {
			m->dev = v;
			m->dev_len = vl;
		} else if (KEY("op")) {
			const char *n = v, *c = vl > 2 && v[0] == '(' ? memchr(v, ':', vl) : NULL;
			size_t nl = vl;

			if (c && v[vl - 1] == ')') {
				n = c + 1;
				nl = (size_t)(v + vl - 1 - n);
			}
			have_op = parse_op(n, nl, &m->op) || parse_op_address(n, nl, &m->op_token);
		} else if (KEY("node")) {
			have_node = drc_parse_ptr(v, vl, &m->id, &m->id_digits);
		} else if (KEY("name")) {
			/* an action named by a cast has spaces: to " size=" */
			const char *sz = mem_find(v, len - (size_t)(v - msg), " size=", 6);

			if (sz && v[0] == '(' && sz > v + vl) {
				vl = (size_t)(sz - v);
				i = (size_t)(sz - msg);
			}
			m->name = v;
			m->name_len = vl;
			normalize_name(&m->name, &m->name_len);
		} else if (KEY("size")) {
			have_size = parse_number(v, vl, &m->size);
		}
#undef KEY
	}
	return m->dev_len && m->name_len && have_op && have_node && have_size;
}

/*
 * "  0000000000000000 0000000000000000 0000000000000000 (0 bytes)": a record
 * of zeros, no device name and no op. devres_log() always has both (dev_name()
 * of a live device, an op string), so this is no event: a record the reader
 * formatted from a zeroed slot of the ring buffer (a page's padding).
 */
static bool is_empty_record(const char *msg, size_t len)
{
	size_t i = 0;

	for (unsigned k = 0; k < 3; k++) {
		size_t e;

		i = skip_spaces(msg, len, i);
		e = token_end(msg, len, i);
		if (e - i != 8 && e - i != 16)
			return false;
		for (size_t j = i; j < e; j++)
			if (msg[j] != '0')
				return false;
		i = e;
	}
	i = skip_spaces(msg, len, i);
	return len - i >= STRLEN("(0 bytes)") && memcmp(msg + i, "(0 bytes)", STRLEN("(0 bytes)")) == 0 &&
	       skip_spaces(msg, len, i + STRLEN("(0 bytes)")) == len;
}

int drc_decode_trace_msg(const char *msg, size_t len, struct devres_msg *m, const char **expected)
{
	size_t i, e;

	memset(m, 0, sizeof(*m));
	if (is_empty_record(msg, len))
		return DRC_DECODE_EMPTY;
	i = skip_spaces(msg, len, 0);
	if (len - i > 8 && memcmp(msg + i, "devname=", 8) == 0) {
		if (decode_fields(msg + i, len - i, m))
			return 1;
		*expected = expected_trace;
		return -EINVAL;
	}
	/* the device name may hold spaces only in theory; find the op token that
	 * is followed by a pointer, a name and a size */
	i = skip_spaces(msg, len, 0);
	e = token_end(msg, len, i);
	if (e == i) {
		*expected = expected_trace;
		return -EINVAL;
	}
	while (e < len) {
		size_t j = skip_spaces(msg, len, e);
		struct devres_msg t = { 0 };

		if (parse_tail(msg, len, j, &t, false, false) || parse_tail(msg, len, j, &t, false, true)) {
			t.dev = msg + i;
			t.dev_len = e - i;
			t.prefix = NULL;
			*m = t;
			return 1;
		}
		e = token_end(msg, len, j);
	}
	*expected = expected_trace;
	return -EINVAL;
}
