/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The actuator keeps each knob as it was before vswapd's first change and puts it back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "actuator.h"
#include "tmptree.h"

#define CG "sys/fs/cgroup/app.service/"

static int setup(void **state)
{
	char *root = tmptree_new();

	tmptree_write(root, CG "memory.current", "0\n");
	tmptree_write(root, CG "memory.vswap.max", "max\n");
	tmptree_write(root, CG "memory.zswap.max", "1048576\n");
	tmptree_write(root, CG "memory.zswap.writeback", "1\n");
	*state = tmptree_fixture_open(root);
	return 0;
}

static int apply(struct tmptree_fixture *f, enum action_kind kind, uint64_t value,
		 struct knob_memory *mem)
{
	struct action a = {.kind = kind, .value = value};

	return actuator_apply(f->ctx, "app.service", &a, false, mem);
}

/* "max", a number, 0 and 1 all come back as they were; only the first value is kept. */
static void test_restore_first_values(void **state)
{
	struct tmptree_fixture *f = *state;
	struct knob_memory mem = {0};

	assert_int_equal(apply(f, ACTION_SET_VSWAP_MAX, 4096, &mem), 0);
	assert_int_equal(apply(f, ACTION_SET_VSWAP_MAX, 8192, &mem), 0);
	assert_int_equal(apply(f, ACTION_SET_ZSWAP_MAX, UINT64_MAX, &mem), 0);
	assert_int_equal(apply(f, ACTION_SET_ZSWAP_WRITEBACK, 0, &mem), 0);
	assert_string_equal(tmptree_read(f->root, CG "memory.vswap.max"), "8192\n");
	assert_string_equal(tmptree_read(f->root, CG "memory.zswap.max"), "max\n");
	assert_string_equal(tmptree_read(f->root, CG "memory.zswap.writeback"), "0\n");

	assert_int_equal(actuator_restore(f->ctx, "app.service", &mem, false), 0);
	assert_string_equal(tmptree_read(f->root, CG "memory.vswap.max"), "max\n");
	assert_string_equal(tmptree_read(f->root, CG "memory.zswap.max"), "1048576\n");
	assert_string_equal(tmptree_read(f->root, CG "memory.zswap.writeback"), "1\n");

	/* Restored means forgotten: a second restore writes nothing. */
	tmptree_write(f->root, CG "memory.vswap.max", "12345\n");
	assert_int_equal(actuator_restore(f->ctx, "app.service", &mem, false), 0);
	assert_string_equal(tmptree_read(f->root, CG "memory.vswap.max"), "12345\n");

	/* ... and the next change keeps the value of that time. */
	tmptree_write(f->root, CG "memory.zswap.writeback", "0\n");
	assert_int_equal(apply(f, ACTION_SET_ZSWAP_WRITEBACK, 1, &mem), 0);
	assert_int_equal(actuator_restore(f->ctx, "app.service", &mem, false), 0);
	assert_string_equal(tmptree_read(f->root, CG "memory.zswap.writeback"), "0\n");
}

/* A knob that does not read back as a limit is left alone, and nothing is remembered. */
static void test_unreadable_knob_not_changed(void **state)
{
	struct tmptree_fixture *f = *state;
	struct knob_memory mem = {0};

	tmptree_write(f->root, CG "memory.vswap.max", "garbage\n");
	assert_int_equal(apply(f, ACTION_SET_VSWAP_MAX, 4096, &mem), -EBADMSG);
	assert_string_equal(tmptree_read(f->root, CG "memory.vswap.max"), "garbage\n");
	assert_false(mem.saved[RESTORE_VSWAP_MAX]);
}

/* A dry run writes nothing and needs no memory. */
static void test_dry_run(void **state)
{
	struct tmptree_fixture *f = *state;
	struct action a = {.kind = ACTION_SET_VSWAP_MAX, .value = 4096};

	assert_int_equal(actuator_apply(f->ctx, "app.service", &a, true, NULL), 0);
	assert_string_equal(tmptree_read(f->root, CG "memory.vswap.max"), "max\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_restore_first_values, setup,
					    tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable_knob_not_changed, setup,
					    tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_dry_run, setup, tmptree_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
