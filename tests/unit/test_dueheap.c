/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The due-time heap vswapd samples from, against a plain array doing the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdlib.h>

#include "dueheap.h"

#define N 300

/* Every entry knows its place and no parent is due after its children. */
static void check_heap(const struct due_heap *h, const struct due_entry *all, size_t n_all)
{
	size_t queued = 0;

	for (size_t i = 0; i < h->n; i++) {
		assert_int_equal(h->v[i]->idx, i);
		if (i > 0)
			assert_true(h->v[(i - 1) / 2]->due_us <= h->v[i]->due_us);
	}
	for (size_t i = 0; i < n_all; i++)
		if (all[i].idx != DUE_NOT_QUEUED) {
			assert_ptr_equal(h->v[all[i].idx], &all[i]);
			queued++;
		}
	assert_int_equal(queued, h->n);
}

/* The head is the earliest of the queued entries. */
static void check_head(const struct due_heap *h, const struct due_entry *all, size_t n_all)
{
	const struct due_entry *head = due_heap_peek(h);
	uint64_t earliest = UINT64_MAX;

	for (size_t i = 0; i < n_all; i++)
		if (all[i].idx != DUE_NOT_QUEUED && all[i].due_us < earliest)
			earliest = all[i].due_us;
	if (!head)
		assert_int_equal(earliest, UINT64_MAX);
	else
		assert_int_equal(head->due_us, earliest);
}

static void test_random_operations(void **state)
{
	static struct due_entry all[N];
	struct due_heap h = {0};

	srandom(12345);
	for (size_t i = 0; i < N; i++)
		due_entry_init(&all[i]);
	for (int op = 0; op < 20000; op++) {
		struct due_entry *e = &all[random() % N];
		if (random() % 4 == 0)
			due_heap_remove(&h, e);
		else /* insert, or move earlier or later; few distinct times: ties happen */
			assert_int_equal(due_heap_set(&h, e, (uint64_t)(random() % 50)), 0);
		check_heap(&h, all, N);
		check_head(&h, all, N);
	}
	due_heap_done(&h);
}

/* Taking the head each time gives the entries in the order they are due. */
static void test_drain_in_order(void **state)
{
	static struct due_entry all[N];
	struct due_heap h = {0};
	uint64_t last = 0;

	for (size_t i = 0; i < N; i++) {
		due_entry_init(&all[i]);
		assert_int_equal(due_heap_set(&h, &all[i], (uint64_t)((i * 7919) % N)), 0);
	}
	for (size_t i = 0; i < N; i++) {
		struct due_entry *head = due_heap_peek(&h);
		assert_non_null(head);
		assert_true(head->due_us >= last);
		last = head->due_us;
		due_heap_remove(&h, head);
		assert_int_equal(head->idx, DUE_NOT_QUEUED);
	}
	assert_null(due_heap_peek(&h));
	due_heap_remove(&h, &all[0]); /* not queued: nothing happens */
	assert_int_equal(h.n, 0);
	due_heap_done(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_operations),
	    cmocka_unit_test(test_drain_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
