/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dueheap.h"

#include <errno.h>
#include <stdlib.h>

static void place(struct due_heap *h, size_t i, struct due_entry *e)
{
	h->v[i] = e;
	e->idx = i;
}

static void sift_up(struct due_heap *h, size_t i)
{
	struct due_entry *e = h->v[i];

	while (i > 0 && h->v[(i - 1) / 2]->due_us > e->due_us) {
		place(h, i, h->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(h, i, e);
}

static void sift_down(struct due_heap *h, size_t i)
{
	struct due_entry *e = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->due_us < h->v[c]->due_us)
			c++;
		if (h->v[c]->due_us >= e->due_us)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, e);
}

int due_heap_set(struct due_heap *h, struct due_entry *e, uint64_t due_us)
{
	if (e->idx == DUE_NOT_QUEUED) {
		if (h->n == h->cap) {
			size_t cap = h->cap ? 2 * h->cap : 64;
			struct due_entry **v = reallocarray(h->v, cap, sizeof(*v));
			if (!v)
				return -ENOMEM;
			h->v = v;
			h->cap = cap;
		}
		e->due_us = due_us;
		place(h, h->n++, e);
		sift_up(h, e->idx);
		return 0;
	}
	uint64_t was = e->due_us;
	e->due_us = due_us;
	if (due_us < was)
		sift_up(h, e->idx);
	else
		sift_down(h, e->idx);
	return 0;
}

void due_heap_remove(struct due_heap *h, struct due_entry *e)
{
	size_t i = e->idx;

	if (i == DUE_NOT_QUEUED)
		return;
	e->idx = DUE_NOT_QUEUED;
	struct due_entry *last = h->v[--h->n];
	if (i == h->n)
		return;
	place(h, i, last);
	/* The last entry may belong above or below the place it fills. */
	sift_up(h, i);
	sift_down(h, last->idx);
}

void due_heap_done(struct due_heap *h)
{
	free(h->v);
	*h = (struct due_heap){0};
}
