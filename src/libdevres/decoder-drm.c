// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DRM-managed resources (drivers/gpu/drm/drm_managed.c, printed with
 * drm.debug=0x200, category DRMRES). They are the drm_device's own list,
 * released at its final drm_dev_put(), not at unbind; they are never devres
 * events:
 *
 *   "<drv> <parent>: [drm:add_dr] ADD <ptr> <name> (<size> bytes)"
 *   "<drv> <parent>: [drm:drm_managed_release [drm]] REL <ptr> <name> (<size> bytes)"
 *   "<drv> <parent>: [drm:drm_managed_release] drmres release begin"
 *   "[drm:drm_managed_release] drmres release end"
 *
 * The "[drm:function]" tag may carry the module ("[drm:add_dr [drm]]"); the
 * device part is missing when the drm_device has no parent.
 */
#include "config.h"

#include <string.h>

#include "libdevres-private.h"

static size_t skip_sp(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] == ' ')
		i++;
	return i;
}

static size_t word_end(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != ' ')
		i++;
	return i;
}

int drc_decode_drm_msg(const char *msg, size_t len, struct drm_msg *m)
{
	const char *tag = mem_find(msg, len, "[drm:", 5), *close;
	size_t i, e;

	if (!tag)
		return 0;
	memset(m, 0, sizeof(*m));
	if (tag - msg >= 2 && tag[-1] == ' ' && tag[-2] == ':') {
		size_t end = (size_t)(tag - msg) - 2, start = end;

		while (start > 0 && msg[start - 1] != ' ')
			start--;
		if (end > start) {
			m->dev = msg + start;
			m->dev_len = end - start;
		}
	}
	close = mem_find(tag, len - (size_t)(tag - msg), "] ", 2);
	if (!close)
		return 0;
	i = skip_sp(msg, len, (size_t)(close - msg) + 2);
	if (len - i >= 20 && memcmp(msg + i, "drmres release begin", 20) == 0) {
		m->op = 'B';
		return 1;
	}
	if (len - i >= 18 && memcmp(msg + i, "drmres release end", 18) == 0) {
		m->op = 'E';
		return 1;
	}
	if (len - i < 4 || msg[i + 3] != ' ')
		return 0;
	if (memcmp(msg + i, "ADD", 3) == 0)
		m->op = 'A';
	else if (memcmp(msg + i, "DEL", 3) == 0)
		m->op = 'D';
	else if (memcmp(msg + i, "REL", 3) == 0)
		m->op = 'R';
	else
		return 0;
	i = skip_sp(msg, len, i + 4);
	e = word_end(msg, len, i);
	if (!drc_parse_ptr(msg + i, e - i, &m->id, &m->id_digits))
		return 0;
	i = skip_sp(msg, len, e);
	e = word_end(msg, len, i);
	if (e == i)
		return 0;
	m->name = msg + i;
	m->name_len = e - i;
	i = skip_sp(msg, len, e);
	return drc_parse_size(msg + i, len - i, &m->size) ? 1 : 0;
}
