/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Context, cgroup paths, walking and knob writes on scratch trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "cgroup.h"
#include "context.h"
#include "knob.h"
#include "parse.h"
#include "tmptree.h"

static int setup(void **state)
{
	char *root = tmptree_new();

	tmptree_mkdir(root, "sys/fs/cgroup/b");
	tmptree_mkdir(root, "sys/fs/cgroup/a.slice/y");
	tmptree_mkdir(root, "sys/fs/cgroup/a.slice/x");
	tmptree_write(root, "sys/fs/cgroup/a.slice/x/memory.max", "max\n");
	tmptree_write(root, "sys/fs/cgroup/a.slice/x/memory.zswap.writeback", "1\n");
	tmptree_write(root, "sys/fs/cgroup/not-a-cgroup", "file\n");
	tmptree_symlink(root, "sys/fs/cgroup/escape", "/etc");
	*state = tmptree_fixture_open(root);
	return 0;
}

static void test_ctx_finds_mount(void **state)
{
	struct tmptree_fixture *f = *state;

	assert_string_equal(f->ctx->cgroup_mount, "/sys/fs/cgroup");
}

static void test_ctx_without_cgroup2(void **state)
{
	char *root = tmptree_new();
	struct vswap_ctx *ctx = NULL;

	tmptree_write(root, "proc/self/mountinfo", "22 1 254:0 / / rw - ext4 /dev/vda rw\n");
	assert_int_equal(vswap_ctx_new(root, &ctx), -ENOENT);
	tmptree_write(root, "proc/self/mountinfo", "garbage\n");
	assert_int_equal(vswap_ctx_new(root, &ctx), -EBADMSG);
	assert_int_equal(vswap_ctx_new("/nonexistent/root", &ctx), -ENOENT);
	assert_null(ctx);
	tmptree_free(root);
}

static void test_normalize(void **state)
{
	static const struct {
		const char *in;
		int ret;
		const char *out;
	} cases[] = {
	    {"/", 0, ""},
	    {"", 0, ""},
	    {"/a.slice/x", 0, "a.slice/x"},
	    {"a.slice/x", 0, "a.slice/x"},
	    {"//a.slice///x/", 0, "a.slice/x"},
	    {"/sys/fs/cgroup/a.slice/x", 0, "a.slice/x"},
	    {"/sys/fs/cgroup", 0, ""},
	    {"/sys/fs/cgroupX/a", 0, "sys/fs/cgroupX/a"},
	    {"a.slice/../../etc", -EINVAL, NULL},
	    {"./a", -EINVAL, NULL},
	    {"a\nb", -EINVAL, NULL},
	    {"...", 0, "..."},
	};
	struct tmptree_fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		print_message("case '%s'\n", cases[i].in);
		assert_int_equal(vswap_cgroup_normalize(f->ctx, cases[i].in, &out), cases[i].ret);
		if (cases[i].out)
			assert_string_equal(out, cases[i].out);
		free(out);
	}
}

struct visits {
	char seen[16][64];
	size_t n;
};

static int record(const char *path, void *userdata)
{
	struct visits *v = userdata;

	snprintf(v->seen[v->n++], sizeof(v->seen[0]), "%s", path);
	return 0;
}

static void test_walk_order_and_boundaries(void **state)
{
	struct tmptree_fixture *f = *state;
	struct visits v = {};

	assert_int_equal(vswap_cgroup_walk(f->ctx, "", record, &v), 0);
	/* Parents first, siblings sorted, files and the symlink out of the tree skipped. */
	assert_int_equal(v.n, 5);
	assert_string_equal(v.seen[0], "");
	assert_string_equal(v.seen[1], "a.slice");
	assert_string_equal(v.seen[2], "a.slice/x");
	assert_string_equal(v.seen[3], "a.slice/y");
	assert_string_equal(v.seen[4], "b");

	v.n = 0;
	assert_int_equal(vswap_cgroup_walk(f->ctx, "a.slice", record, &v), 0);
	assert_int_equal(v.n, 3);
	assert_int_equal(vswap_cgroup_walk(f->ctx, "gone", record, &v), -ENOENT);
}

static void test_no_escape_through_symlinks(void **state)
{
	struct tmptree_fixture *f = *state;
	char *buf = NULL;
	size_t len;

	assert_int_equal(vswap_cgroup_read(f->ctx, "escape", "passwd", &buf, &len), -EXDEV);
	assert_int_not_equal(vswap_cgroup_exists(f->ctx, "escape"), 0);
	assert_null(buf);
}

/* The fallback where openat2() is refused: opens inside, refuses every way out. */
static void test_walk_fallback(void **state)
{
	struct tmptree_fixture *f = *state;
	int cg = f->ctx->cgroup_fd;
	int fd = vswap_open_beneath_walk(cg, "a.slice//x/memory.max", O_RDONLY);
	char buf[8] = "";

	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 4);
	assert_string_equal(buf, "max\n");
	close(fd);
	fd = vswap_open_beneath_walk(cg, "a.slice", O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	close(fd);
	fd = vswap_open_beneath_walk(cg, ".", O_PATH | O_DIRECTORY);
	assert_true(fd >= 0);
	close(fd);
	/* ".." back down the walk and relative symlinks inside (like proc/self) are fine. */
	tmptree_symlink(f->root, "sys/fs/cgroup/b/inside", "../a.slice/x");
	tmptree_symlink(f->root, "sys/fs/cgroup/b/up", "../../../..");
	fd = vswap_open_beneath_walk(cg, "a.slice/y/../x/memory.max", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	fd = vswap_open_beneath_walk(cg, "b/inside/memory.max", O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	/* Every way out is refused, as RESOLVE_BENEATH refuses it. */
	assert_int_equal(vswap_open_beneath_walk(cg, "../../..", O_RDONLY), -EXDEV);
	assert_int_equal(vswap_open_beneath_walk(cg, "a.slice/../../x", O_RDONLY), -EXDEV);
	assert_int_equal(vswap_open_beneath_walk(cg, "/etc/passwd", O_RDONLY), -EXDEV);
	assert_int_equal(vswap_open_beneath_walk(cg, "escape/passwd", O_RDONLY), -EXDEV);
	assert_int_equal(vswap_open_beneath_walk(cg, "escape", O_RDONLY), -EXDEV);
	assert_int_equal(vswap_open_beneath_walk(cg, "b/up/etc/passwd", O_RDONLY), -EXDEV);
	assert_int_equal(vswap_open_beneath_walk(cg, "nope/x", O_RDONLY), -ENOENT);
}

static void test_knob_set_limit(void **state)
{
	struct tmptree_fixture *f = *state;
	uint64_t v = 0;

	assert_int_equal(vswap_knob_set_limit(f->ctx, "a.slice/x", "memory.max", 1 << 20, &v), 0);
	assert_true(v == 1 << 20);
	assert_string_equal(tmptree_read(f->root, "sys/fs/cgroup/a.slice/x/memory.max"),
			    "1048576\n");
	assert_int_equal(
	    vswap_knob_set_limit(f->ctx, "a.slice/x", "memory.max", VSWAP_LIMIT_MAX, &v), 0);
	assert_true(v == VSWAP_LIMIT_MAX);
	assert_string_equal(tmptree_read(f->root, "sys/fs/cgroup/a.slice/x/memory.max"), "max\n");
}

static void test_knob_rejects_before_writing(void **state)
{
	struct tmptree_fixture *f = *state;
	const char *path = "sys/fs/cgroup/a.slice/x/memory.zswap.writeback";

	assert_int_equal(vswap_knob_write(f->ctx, "a.slice/x", "memory.zswap.writeback", "2"),
			 -EINVAL);
	assert_int_equal(vswap_knob_write(f->ctx, "a.slice/x", "memory.max", "12M"), -EINVAL);
	assert_int_equal(vswap_knob_write(f->ctx, "a.slice/x", "cgroup.procs", "1"), -EINVAL);
	assert_int_equal(vswap_knob_write(f->ctx, "a.slice/x", "memory.reclaim", "0"), -EINVAL);
	assert_int_equal(vswap_knob_write(f->ctx, "", "memory.max", "max"), -EPERM);
	assert_string_equal(tmptree_read(f->root, path), "1\n");
	assert_int_equal(vswap_knob_write(f->ctx, "a.slice/x", "memory.zswap.writeback", "0"), 0);
	assert_string_equal(tmptree_read(f->root, path), "0\n");
	/* A knob this kernel lacks. */
	assert_int_equal(vswap_knob_write(f->ctx, "a.slice/y", "memory.vswap.max", "0"), -ENOENT);
	assert_true(strlen(vswap_knob_strerror("memory.vswap.max", -ENOENT)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ctx_finds_mount, setup, tmptree_fixture_teardown),
	    cmocka_unit_test(test_ctx_without_cgroup2),
	    cmocka_unit_test_setup_teardown(test_normalize, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_walk_order_and_boundaries, setup,
					    tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_walk_fallback, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_no_escape_through_symlinks, setup,
					    tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_knob_set_limit, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_knob_rejects_before_writing, setup,
					    tmptree_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
