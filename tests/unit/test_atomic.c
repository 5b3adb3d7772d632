/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Atomic writes: content and mode, and the clean-up of temporary files a killed writer left. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "atomic.h"
#include "tmptree.h"

static bool exists(int dfd, const char *name)
{
	struct stat st;

	return fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void age(int dfd, const char *name, time_t seconds)
{
	struct timespec ts[2] = {{.tv_sec = time(NULL) - seconds},
				 {.tv_sec = time(NULL) - seconds}};

	assert_int_equal(utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static void test_write_and_stale_temps(void **state)
{
	char *root = tmptree_new();
	int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	char buf[16] = "";

	(void)state;
	assert_true(dfd >= 0);
	assert_int_equal(vswap_mkdir_p(dfd, "a/b", 0755), 0);
	tmptree_write(root, "a/b/.#x.conf.0000000000000001", "killed long ago");
	tmptree_write(root, "a/b/.#x.conf.0000000000000002", "a writer right now");
	tmptree_write(root, "a/b/.#y.conf.0000000000000003", "another file's");
	age(dfd, "a/b/.#x.conf.0000000000000001", 3600);
	age(dfd, "a/b/.#y.conf.0000000000000003", 3600);

	assert_int_equal(vswap_write_atomic(dfd, "a/b/x.conf", "new\n", 4, 0644), 0);
	int fd = openat(dfd, "a/b/x.conf", O_RDONLY | O_CLOEXEC);
	assert_int_equal(read(fd, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "new\n");
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	close(fd);
	assert_false(exists(dfd, "a/b/.#x.conf.0000000000000001"));
	assert_true(exists(dfd, "a/b/.#x.conf.0000000000000002"));
	assert_true(exists(dfd, "a/b/.#y.conf.0000000000000003"));

	assert_int_equal(vswap_remove_durable(dfd, "a/b/x.conf"), 0);
	assert_false(exists(dfd, "a/b/x.conf"));
	assert_int_equal(vswap_remove_durable(dfd, "a/b/x.conf"), -ENOENT);
	close(dfd);
	tmptree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_and_stale_temps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
