/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A binary min-heap of due times. Its entries live inside the objects that are due (a
 * managed cgroup embeds one) and know their place, so moving or removing one is O(log n).
 * vswapd samples every managed cgroup from one sd-event timer armed at the heap's head: one
 * sd-event source per cgroup cost 295 bytes of heap each.
 */

#include <stddef.h>
#include <stdint.h>

#define DUE_NOT_QUEUED SIZE_MAX

struct due_entry {
	uint64_t due_us;
	size_t idx; /* place in the heap; DUE_NOT_QUEUED when not in it */
};

struct due_heap {
	struct due_entry **v;
	size_t n, cap;
};

static inline void due_entry_init(struct due_entry *e)
{
	*e = (struct due_entry){.idx = DUE_NOT_QUEUED};
}

/* Queue e at due_us, or move it there when queued. 0, or -ENOMEM (e is left as it was). */
int due_heap_set(struct due_heap *h, struct due_entry *e, uint64_t due_us);

/* Take e out of the heap; nothing when it is not queued. */
void due_heap_remove(struct due_heap *h, struct due_entry *e);

/* The entry due first, NULL when the heap is empty. */
static inline struct due_entry *due_heap_peek(const struct due_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

/* Free the heap's array; the entries are the caller's. */
void due_heap_done(struct due_heap *h);
