/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Layered policy directories: override, mask, all-or-nothing loading, matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "context.h"
#include "policyset.h"
#include "tmptree.h"

#define V1 "{\"schema_version\": 1"

static int setup(void **state)
{
	char *root = tmptree_new();

	tmptree_write(root, "usr/lib/vswapd/policies.d/default.json",
		      V1 ", \"vswap\": {\"max\": \"50%\"}}");
	tmptree_write(root, "usr/lib/vswapd/policies.d/batch.json",
		      V1 ", \"match\": {\"cgroup\": \"/batch.slice/*\"}}");
	tmptree_write(root, "usr/lib/vswapd/policies.d/masked.json",
		      V1 ", \"match\": {\"cgroup\": \"/m\"}}");
	tmptree_write(
	    root, "etc/vswapd/policies.d/batch.json",
	    V1 ", \"match\": {\"cgroup\": \"/batch.slice/*\"}, \"vswap\": {\"max\": \"1G\"}}");
	tmptree_write(root, "etc/vswapd/policies.d/README", "not a policy");
	tmptree_mkdir(root, "run/vswapd/policies.d");
	tmptree_symlink(root, "run/vswapd/policies.d/masked.json", "/dev/null");
	*state = tmptree_fixture_open(root);
	return 0;
}

static void test_layering(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), 0);
	assert_int_equal(set->n, 2); /* masked.json is masked, README is no policy */
	const struct vswap_policy *batch = vswap_policy_set_find(set, "batch");
	assert_non_null(batch);
	assert_string_equal(batch->source, "/etc/vswapd/policies.d/batch.json");
	assert_true(batch->vswap_max.size.bytes == 1ull << 30);
	assert_null(vswap_policy_set_find(set, "masked"));

	assert_ptr_equal(vswap_policy_set_match(set, "/batch.slice/a.service", NULL, NULL, NULL),
			 batch);
	assert_string_equal(vswap_policy_set_match(set, "/other", NULL, NULL, NULL)->name,
			    "default");
	vswap_policy_set_free(set);
}

/* systemd's order for every layer: /etc outranks /run, which outranks /usr/lib. */
static void test_etc_over_run(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	tmptree_write(
	    f->root, "run/vswapd/policies.d/batch.json",
	    V1 ", \"match\": {\"cgroup\": \"/batch.slice/*\"}, \"vswap\": {\"max\": \"2G\"}}");
	tmptree_write(f->root, "run/vswapd/policies.d/runtime.json",
		      V1 ", \"match\": {\"cgroup\": \"/r\"}}");
	tmptree_write(f->root, "run/vswapd/attach.d/x.conf",
		      "[X-VSwap]\nCgroup=/x\nPolicy=runtime\n");
	tmptree_write(f->root, "etc/vswapd/attach.d/x.conf",
		      "[X-VSwap]\nCgroup=/x\nPolicy=batch\n");
	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), 0);
	assert_string_equal(vswap_policy_set_find(set, "batch")->source,
			    "/etc/vswapd/policies.d/batch.json");
	assert_string_equal(vswap_policy_set_find(set, "runtime")->source,
			    "/run/vswapd/policies.d/runtime.json");
	assert_string_equal(vswap_policy_set_match(set, "/x", NULL, NULL, NULL)->name, "batch");
	vswap_policy_set_free(set);
}

static void test_all_or_nothing(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	tmptree_write(f->root, "run/vswapd/policies.d/broken.json", V1 ",\n \"vswap\": 3}");
	tmptree_write(f->root, "etc/vswapd/policies.d/other-default.json", V1 "}");
	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), -EBADMSG);
	assert_null(set);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.errors[0].path, "/run/vswapd/policies.d/broken.json");
	assert_int_equal(errs.errors[0].err.line, 2);
	assert_string_equal(errs.errors[0].err.field, "vswap");
	assert_non_null(strstr(errs.errors[1].err.what, "second default policy"));
}

static void test_empty(void **state)
{
	char *root = tmptree_new();
	struct vswap_ctx *ctx = NULL;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	assert_int_equal(vswap_ctx_new(root, &ctx), 0);
	assert_int_equal(vswap_policy_set_load(ctx, &set, &errs), 0);
	assert_int_equal(set->n, 0);
	assert_null(vswap_policy_set_match(set, "/a", NULL, NULL, NULL));
	vswap_policy_set_free(set);
	vswap_ctx_free(ctx);
	tmptree_free(root);
}

static const char *resolve_db(const char *unit, void *userdata)
{
	return strcmp(unit, "db.service") == 0 ? "/system.slice/db.service" : NULL;
}

static void test_unit_resolution(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	tmptree_write(f->root, "etc/vswapd/policies.d/db.json",
		      V1 ", \"match\": {\"unit\": \"db.service\"}}");
	tmptree_write(f->root, "etc/vswapd/policies.d/system.json",
		      V1 ", \"match\": {\"cgroup\": \"/system.slice/*\"}}");
	assert_int_equal(vswap_policy_set_load(f->ctx, &set, &errs), 0);
	assert_string_equal(
	    vswap_policy_set_match(set, "/system.slice/db.service", resolve_db, NULL, NULL)->name,
	    "db");
	/* Without a resolver (no systemd) the unit policy cannot match: the glob does. */
	assert_string_equal(
	    vswap_policy_set_match(set, "/system.slice/db.service", NULL, NULL, NULL)->name,
	    "system");
	vswap_policy_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_layering, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_etc_over_run, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_all_or_nothing, setup, tmptree_fixture_teardown),
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test_setup_teardown(test_unit_resolution, setup, tmptree_fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
