/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "tmptree.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "context.h"

static void mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(path, 0755);
			*p = '/';
		}
	(void)mkdir(path, 0755);
}

void tmptree_mkdir(const char *root, const char *path)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", root, path);
	mkdir_p(buf);
}

void tmptree_write(const char *root, const char *path, const char *content)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", root, path);
	char *slash = strrchr(buf, '/');
	*slash = '\0';
	mkdir_p(buf);
	*slash = '/';
	FILE *f = fopen(buf, "we");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

const char *tmptree_read(const char *root, const char *path)
{
	static char content[4096];
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", root, path);
	FILE *f = fopen(buf, "re");
	assert_non_null(f);
	size_t n = fread(content, 1, sizeof(content) - 1, f);
	content[n] = '\0';
	fclose(f);
	return content;
}

char *tmptree_new(void)
{
	char tmpl[] = "/tmp/vswap-test.XXXXXX";
	char *root = strdup(mkdtemp(tmpl));

	assert_non_null(root);
	tmptree_write(root, "proc/self/mountinfo",
		      "22 1 254:0 / / rw - ext4 /dev/vda rw\n"
		      "30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw\n");
	tmptree_mkdir(root, "sys/fs/cgroup");
	return root;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void tmptree_free(char *root)
{
	if (root)
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

void tmptree_symlink(const char *root, const char *path, const char *target)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", root, path);
	assert_int_equal(symlink(target, buf), 0);
}

struct tmptree_fixture *tmptree_fixture_open(char *root)
{
	struct tmptree_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->root = root;
	assert_int_equal(vswap_ctx_new(root, &f->ctx), 0);
	return f;
}

int tmptree_fixture_teardown(void **state)
{
	struct tmptree_fixture *f = *state;

	vswap_ctx_free(f->ctx);
	tmptree_free(f->root);
	free(f);
	return 0;
}
