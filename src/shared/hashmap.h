/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * An open-addressing map from a 64-bit key to a pointer, with backward-shift
 * deletion (no tombstones), so memory follows the number of live entries.
 */
struct hashmap_slot {
	uint64_t key;
	void *val;      /* NULL: empty */
};

/* key and value side by side: a probe touches one cache line, not two */
struct hashmap {
	struct hashmap_slot *slots;
	size_t cap;     /* power of two, or 0 */
	size_t count;
};

#define HASHMAP_INIT { NULL, 0, 0 }

uint64_t hash64(uint64_t x);
uint64_t hash_bytes(const void *p, size_t len);

/* NULL if absent. Values must not be NULL. */
void *hashmap_get(const struct hashmap *m, uint64_t key);
/* Inserts or replaces; returns 0 or -ENOMEM. */
int hashmap_put(struct hashmap *m, uint64_t key, void *val);
/* Returns the removed value, or NULL. */
void *hashmap_remove(struct hashmap *m, uint64_t key);
void hashmap_done(struct hashmap *m);
/* hashmap_done(), after free() of every value (malloc'd, owned by the map) */
void hashmap_done_free(struct hashmap *m);
/* Iteration: *pos starts at 0; returns false at the end. */
bool hashmap_next(const struct hashmap *m, size_t *pos, uint64_t *key, void **val);

/* String interning: one copy of every distinct string, freed with the pool. */
struct strpool {
	struct hashmap map;     /* hash -> chain of entries */
	size_t bytes;
};

#define STRPOOL_INIT { HASHMAP_INIT, 0 }

/* Returns the interned copy (borrowed until strpool_done), NULL on ENOMEM. */
const char *strpool_intern(struct strpool *p, const char *s, size_t len);
void strpool_done(struct strpool *p);
