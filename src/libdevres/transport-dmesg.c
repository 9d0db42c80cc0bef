// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dmesg (util-linux) and the kernel's console, the kernel's own text:
 *
 *   [  126.886032] msg                      dmesg, a console (also unpadded,
 *   [  126.886032] [T123] msg               blank "[ ]", with a caller id)
 *   [Fri Mar 10 23:42:01 2023] msg          dmesg -T, --reltime, -d
 *   <3>[  126.886032] msg                   dmesg -r, /proc/kmsg
 *   kern  :err   : [  126.886032] msg       dmesg -x
 *   kern  :err   : 2023-03-10T23:42:01,123456+01:00 msg
 *                                           dmesg -x --time-format=iso
 *
 * Indentation (mail, a Markdown code block) may come first. The "[time]"
 * itself is read by kernel_text() (stream-messages.c), which the syslog
 * transport shares; a line with neither header nor time (dmesg -t, KUnit's
 * console) is read by the driver as a message alone.
 */
#include "config.h"

#include <ctype.h>

#include "stream-private.h"

struct dmesg_state {
	size_t at;                      /* detect(): where the printk text starts */
};

/* dmesg -x: "kern  :err   : " */
static size_t parse_facility_level(const char *l, size_t len)
{
	size_t i = 0, j;

	while (i < len && islower((unsigned char)l[i]))
		i++;
	if (i == 0 || i > 8)
		return 0;
	while (i < len && is_digit(l[i]))
		i++;
	i = skip_ws(l, len, i);
	if (i >= len || l[i] != ':')
		return 0;
	j = ++i;
	while (i < len && islower((unsigned char)l[i]))
		i++;
	if (i == j || i - j > 6)
		return 0;
	i = skip_ws(l, len, i);
	if (i >= len || l[i] != ':')
		return 0;
	i++;
	if (i < len && l[i] == ' ')
		i++;
	return i;
}

static const char *dmesg_detect(struct drc_stream *s, void *st, const struct line *ln, enum stage stage)
{
	struct dmesg_state *ds = st;
	const char *l = ln->text;
	size_t len = ln->len, lead = skip_indent_and_priority(l, len), i;

	i = parse_facility_level(l + lead, len - lead);
	if (i) {
		if (lead + i < len && is_digit(l[lead + i])) {
			/* dmesg -x --time-format=iso: the date after "kern  :err   : " */
			bool iso = false;
			size_t k = parse_syslog_header(l + lead + i, len - lead - i, &iso);

			if (k && iso)
				i += k;
		}
		ds->at = lead + i;
		return "-x's 'FACILITY:LEVEL : ' first";
	}
	/* a time, or a bracket that is none ("[drm:...]" without a time);
	 * no logger's header starts with one */
	if (lead < len && l[lead] == '[') {
		ds->at = lead;
		return "'[' first: printk's time";
	}
	return NULL;
}

static int dmesg_feed(struct drc_stream *s, void *st, struct line *l, enum stage stage)
{
	return kernel_text(s, l, ((struct dmesg_state *)st)->at);
}

const struct transport transport_dmesg = {
	.name = "dmesg",
	.state_size = sizeof(struct dmesg_state),
	.stages = STAGE(STAGE_TEXT),
	.detect = dmesg_detect,
	.feed = dmesg_feed,
};
