/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Attachments: the [X-VSwap] format, systemd drop-in layering, and precedence over "match". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "context.h"
#include "policyset.h"
#include "tmptree.h"

#define V1 "{\"schema_version\": 1"

struct parse_case {
	const char *text;
	enum vswap_attach_kind kind;
	int ret;
	const char *policy; /* when ret == 0 */
	const char *target;
	unsigned line, column; /* of the error, or of Policy= */
};

static void test_parse_table(void **state)
{
	static const struct parse_case cases[] = {
	    {"[X-VSwap]\nCgroup=/a/b\nPolicy=batch\n", VSWAP_ATTACH_CGROUP, 0, "batch", "/a/b", 3,
	     8},
	    {"[Service]\nMemoryMax=1G\n\n[X-VSwap]\n# why\n  Policy = db \n", VSWAP_ATTACH_UNIT, 0,
	     "db", NULL, 6, 12},
	    {"[Service]\nPolicy=ignored-outside-the-section\n", VSWAP_ATTACH_UNIT, 0, NULL, NULL, 0,
	     0},
	    {"[X-VSwap]\nPolicy=a\nPolicy=\n", VSWAP_ATTACH_UNIT, 0, NULL, NULL, 3, 8},
	    {"[X-VSwap]\nPolcy=a\n", VSWAP_ATTACH_UNIT, -EBADMSG, NULL, NULL, 2, 1},
	    {"[X-VSwap]\nPolicy\n", VSWAP_ATTACH_UNIT, -EBADMSG, NULL, NULL, 2, 1},
	    {"[X-VSwap]\nCgroup=/a\nPolicy=x\n", VSWAP_ATTACH_UNIT, -EBADMSG, NULL, NULL, 2, 1},
	    {"[X-VSwap]\nPolicy=x\n", VSWAP_ATTACH_CGROUP, -EBADMSG, NULL, NULL, 2, 1},
	    {"[X-VSwap]\nCgroup=/a/../b\nPolicy=x\n", VSWAP_ATTACH_CGROUP, -EBADMSG, NULL, NULL, 2,
	     8},
	    {"[X-VSwap]\nCgroup=/a\nPolicy=../etc/passwd\n", VSWAP_ATTACH_CGROUP, -EBADMSG, NULL,
	     NULL, 3, 8},
	    {"Policy=x\n", VSWAP_ATTACH_CGROUP, -EBADMSG, NULL, NULL, 1, 1},
	    /* a policy name starts with no dot (files named .x.json are skipped) */
	    {"[X-VSwap]\nPolicy=.hidden\n", VSWAP_ATTACH_UNIT, -EBADMSG, NULL, NULL, 2, 8},
	    {"[X-VSwap]\nPolicy=a.b\n", VSWAP_ATTACH_UNIT, 0, "a.b", NULL, 2, 8},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct vswap_attachment a = {};
		struct vswap_policy_error err = {};
		int r = vswap_attach_parse(c->text, strlen(c->text), c->kind, &a, &err);
		printf("case %zu: r=%d line=%u col=%u what=%s\n", i, r, err.line, err.column,
		       err.what);
		assert_int_equal(r, c->ret);
		if (r < 0) {
			assert_int_equal(err.line, c->line);
			assert_int_equal(err.column, c->column);
			assert_true(err.what[0] != '\0');
			continue;
		}
		if (c->policy)
			assert_string_equal(a.policy, c->policy);
		else
			assert_null(a.policy);
		if (c->target)
			assert_string_equal(a.target, c->target);
		assert_int_equal(a.line, c->line);
		assert_int_equal(a.column, c->column);
		vswap_attachment_clear(&a);
	}
}

static void test_parse_nul(void **state)
{
	static const char text[] = "[X-VSwap]\nPolicy=a\0b\n";
	struct vswap_attachment a = {};
	struct vswap_policy_error err = {};

	(void)state;
	assert_int_equal(vswap_attach_parse(text, sizeof(text) - 1, VSWAP_ATTACH_UNIT, &a, &err),
			 -EBADMSG);
	assert_non_null(strstr(err.what, "NUL"));
}

static void test_file_names(void **state)
{
	char *p = NULL;

	(void)state;
	assert_int_equal(vswap_attach_file(VSWAP_ATTACH_CGROUP, "/work/batch-1", "etc", &p), 0);
	assert_string_equal(p, "etc/vswapd/attach.d/work-batch\\x2d1.conf");
	free(p);
	assert_int_equal(vswap_attach_file(VSWAP_ATTACH_UNIT, "app.service", "run", &p), 0);
	assert_string_equal(p, "run/systemd/system/app.service.d/50-vswap.conf");
	free(p);
	assert_int_equal(vswap_attach_file(VSWAP_ATTACH_UNIT, "../x.service", "etc", &p), -EINVAL);
	assert_int_equal(vswap_attach_file(VSWAP_ATTACH_UNIT, "noservice", "etc", &p), -EINVAL);
	assert_int_equal(vswap_attach_file(VSWAP_ATTACH_CGROUP, "/", "etc", &p), -EINVAL);
	assert_int_equal(vswap_attach_file(VSWAP_ATTACH_CGROUP, "a/b", "etc", &p), -EINVAL);
	assert_int_equal(vswap_attach_file(VSWAP_ATTACH_CGROUP, "/a/./b", "etc", &p), -EINVAL);
}

static int setup(void **state)
{
	char *root = tmptree_new();

	tmptree_write(root, "usr/lib/vswapd/policies.d/default.json", V1 "}");
	tmptree_write(root, "etc/vswapd/policies.d/batch.json",
		      V1 ", \"match\": {\"cgroup\": \"/batch/*\"}}");
	tmptree_write(root, "etc/vswapd/policies.d/db.json",
		      V1 ", \"match\": {\"cgroup\": \"/nowhere\"}}");
	*state = tmptree_fixture_open(root);
	return 0;
}

static const char *resolve(const char *unit, void *userdata)
{
	(void)userdata;
	if (strcmp(unit, "app.service") == 0)
		return "/system.slice/app.service";
	if (strcmp(unit, "b.service") == 0)
		return "/batch/b.service";
	return NULL;
}

/* Cgroup attachments and systemd drop-ins beat "match"; /etc beats /usr/lib; last name wins. */
static void test_precedence(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;
	const struct vswap_attachment *by = NULL;

	tmptree_write(f->root, "etc/vswapd/attach.d/batch-x.conf",
		      "[X-VSwap]\nCgroup=/batch/x\nPolicy=db\n");
	tmptree_write(f->root, "usr/lib/systemd/system/app.service.d/50-vswap.conf",
		      "[X-VSwap]\nPolicy=batch\n");
	tmptree_write(f->root, "etc/systemd/system/app.service.d/override.conf",
		      "[Service]\nMemoryMax=1G\n[X-VSwap]\nPolicy=db\n");
	tmptree_write(f->root, "etc/systemd/system/b.service.d/50-vswap.conf",
		      "[X-VSwap]\nPolicy=db\n");
	tmptree_write(f->root, "etc/systemd/system/b.service.d/90-reset.conf",
		      "[X-VSwap]\nPolicy=\n");
	tmptree_write(f->root, "etc/systemd/system/other.service.d/x.conf", "[Service]\nNice=1\n");
	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), 0);
	assert_int_equal(set->attachments.n, 2);

	assert_string_equal(vswap_policy_set_match(set, "/batch/x", resolve, NULL, &by)->name,
			    "db");
	assert_string_equal(by->source, "/etc/vswapd/attach.d/batch-x.conf");
	assert_string_equal(vswap_policy_set_match(set, "/batch/y", resolve, NULL, &by)->name,
			    "batch");
	assert_null(by);
	/* override.conf sorts after 50-vswap.conf: its Policy= wins. */
	assert_string_equal(
	    vswap_policy_set_match(set, "/system.slice/app.service", resolve, NULL, &by)->name,
	    "db");
	assert_string_equal(by->source, "/etc/systemd/system/app.service.d/override.conf");
	/* Without systemd a unit attachment cannot match. */
	assert_string_equal(
	    vswap_policy_set_match(set, "/system.slice/app.service", NULL, NULL, &by)->name,
	    "default");
	/* 90-reset.conf's empty Policy= resets b.service: the glob decides. */
	assert_string_equal(
	    vswap_policy_set_match(set, "/batch/b.service", resolve, NULL, &by)->name, "batch");
	vswap_policy_set_free(set);
}

/* A missing policy, a duplicate cgroup and a bad key: every error, no set. */
static void test_errors(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	tmptree_write(f->root, "etc/vswapd/attach.d/a.conf", "[X-VSwap]\nCgroup=/a\nPolicy=nope\n");
	tmptree_write(f->root, "etc/vswapd/attach.d/b.conf", "[X-VSwap]\nCgroup=/a\nPolicy=db\n");
	tmptree_write(f->root, "etc/systemd/system/app.service.d/50-vswap.conf",
		      "[X-VSwap]\nPolicy=db\nMax=1G\n");
	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), -EBADMSG);
	assert_null(set);
	assert_int_equal(errs.n, 3);
	for (size_t i = 0; i < errs.n; i++)
		printf("%s:%u:%u: %s\n", errs.errors[i].path, errs.errors[i].err.line,
		       errs.errors[i].err.column, errs.errors[i].err.what);
	assert_string_equal(errs.errors[0].path, "/etc/vswapd/attach.d/b.conf");
	assert_string_equal(errs.errors[1].path, "/etc/systemd/system/app.service.d/50-vswap.conf");
	assert_int_equal(errs.errors[1].err.line, 3);
	assert_string_equal(errs.errors[2].path, "/etc/vswapd/attach.d/a.conf");
	assert_int_equal(errs.errors[2].err.line, 3);
	assert_int_equal(errs.errors[2].err.column, 8);
	assert_non_null(strstr(errs.errors[2].err.what, "nope"));
}

/* A masked attach.d file attaches nothing; a masked policy cannot be attached. */
static void test_masks(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	tmptree_write(f->root, "usr/lib/vswapd/attach.d/a.conf",
		      "[X-VSwap]\nCgroup=/a\nPolicy=db\n");
	tmptree_mkdir(f->root, "etc/vswapd/attach.d");
	tmptree_symlink(f->root, "etc/vswapd/attach.d/a.conf", "/dev/null");
	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), 0);
	assert_int_equal(set->attachments.n, 0);
	vswap_policy_set_free(set);

	/* /run masks /usr/lib (and nothing in /etc: systemd's order). */
	tmptree_write(f->root, "etc/vswapd/attach.d/b.conf", "[X-VSwap]\nCgroup=/b\nPolicy=db\n");
	tmptree_write(f->root, "usr/lib/vswapd/policies.d/db.json",
		      tmptree_read(f->root, "etc/vswapd/policies.d/db.json"));
	char path[4096];
	snprintf(path, sizeof(path), "%s/etc/vswapd/policies.d/db.json", f->root);
	assert_int_equal(unlink(path), 0);
	tmptree_mkdir(f->root, "run/vswapd/policies.d");
	tmptree_symlink(f->root, "run/vswapd/policies.d/db.json", "/dev/null");
	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), -EBADMSG);
	assert_int_equal(errs.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_table),
	    cmocka_unit_test(test_parse_nul),
	    cmocka_unit_test(test_file_names),
	    cmocka_unit_test_setup_teardown(test_precedence, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_masks, setup, tmptree_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
