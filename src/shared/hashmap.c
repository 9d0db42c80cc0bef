// SPDX-License-Identifier: LGPL-2.1-or-later
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"

uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ len;
	size_t i = 0;

	/* eight bytes a step: names and devices are interned on every line */
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return hash64(h);
}

static size_t slot_of(const struct hashmap *m, uint64_t key)
{
	return (size_t)hash64(key) & (m->cap - 1);
}

void *hashmap_get(const struct hashmap *m, uint64_t key)
{
	size_t i;

	if (!m->count)
		return NULL;
	for (i = slot_of(m, key); m->slots[i].val; i = (i + 1) & (m->cap - 1))
		if (m->slots[i].key == key)
			return m->slots[i].val;
	return NULL;
}

static int hashmap_grow(struct hashmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16, i;
	struct hashmap n = { calloc(ncap, sizeof(struct hashmap_slot)), ncap, 0 };

	if (!n.slots)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->slots[i].val)
			continue;
		for (j = slot_of(&n, m->slots[i].key); n.slots[j].val; j = (j + 1) & (ncap - 1))
			;
		n.slots[j] = m->slots[i];
		n.count++;
	}
	free(m->slots);
	*m = n;
	return 0;
}

int hashmap_put(struct hashmap *m, uint64_t key, void *val)
{
	size_t i;

	if ((m->count + 1) * 4 > m->cap * 3) {
		int r = hashmap_grow(m);

		if (r < 0)
			return r;
	}
	for (i = slot_of(m, key); m->slots[i].val; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key) {
			m->slots[i].val = val;
			return 0;
		}
	}
	m->slots[i] = (struct hashmap_slot){ key, val };
	m->count++;
	return 0;
}

void *hashmap_remove(struct hashmap *m, uint64_t key)
{
	size_t i, j, mask = m->cap - 1;
	void *v;

	if (!m->count)
		return NULL;
	for (i = slot_of(m, key); m->slots[i].val; i = (i + 1) & mask)
		if (m->slots[i].key == key)
			break;
	if (!m->slots[i].val)
		return NULL;
	v = m->slots[i].val;
	/* backward-shift deletion */
	for (j = (i + 1) & mask; m->slots[j].val; j = (j + 1) & mask) {
		size_t home = slot_of(m, m->slots[j].key);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->count--;
	return v;
}

void hashmap_done(struct hashmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = 0;
}

void hashmap_done_free(struct hashmap *m)
{
	size_t pos = 0;
	void *v;

	while (hashmap_next(m, &pos, NULL, &v))
		free(v);
	hashmap_done(m);
}

bool hashmap_next(const struct hashmap *m, size_t *pos, uint64_t *key, void **val)
{
	for (; *pos < m->cap; (*pos)++) {
		if (m->slots[*pos].val) {
			if (key)
				*key = m->slots[*pos].key;
			if (val)
				*val = m->slots[*pos].val;
			(*pos)++;
			return true;
		}
	}
	return false;
}

struct pool_entry {
	struct pool_entry *next;
	size_t len;
	char s[];
};

const char *strpool_intern(struct strpool *p, const char *s, size_t len)
{
	uint64_t h = hash_bytes(s, len);
	struct pool_entry *head = hashmap_get(&p->map, h), *e;

	for (e = head; e; e = e->next)
		if (e->len == len && memcmp(e->s, s, len) == 0)
			return e->s;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	e->len = len;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	e->next = head;
	if (hashmap_put(&p->map, h, e) < 0) {
		free(e);
		return NULL;
	}
	p->bytes += len + 1;
	return e->s;
}

void strpool_done(struct strpool *p)
{
	size_t pos = 0;
	void *v;

	while (hashmap_next(&p->map, &pos, NULL, &v)) {
		struct pool_entry *e = v;

		while (e) {
			struct pool_entry *n = e->next;

			free(e);
			e = n;
		}
	}
	hashmap_done(&p->map);
	p->bytes = 0;
}
