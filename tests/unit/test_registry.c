/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The managed set follows the tree and the policies; its hooks see each record in and out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"
#include "tmptree.h"

#define V1 "{\"schema_version\": 1"
#define CG "sys/fs/cgroup/"

/* What the hooks saw, as one line per call: "+/a" added, "~/a" unmanaged, "-/a" removing. */
struct journal {
	char text[4096];
	unsigned seen;
};

static void note(struct journal *j, char what, const struct managed *mc)
{
	size_t n = strlen(j->text);

	snprintf(j->text + n, sizeof(j->text) - n, "%c%s\n", what, mc->display);
}

static void on_seen(const char *path, void *userdata)
{
	((struct journal *)userdata)->seen++;
}

static void on_added(struct managed *mc, void *userdata)
{
	note(userdata, '+', mc);
}

static void on_unmanaged(struct managed *mc, void *userdata)
{
	note(userdata, '~', mc);
}

static void on_removing(struct managed *mc, void *userdata)
{
	note(userdata, '-', mc);
}

struct fixture {
	struct tmptree_fixture *tree;
	struct journal j;
	struct registry reg;
	struct vswap_policy_set *set;
};

static void cgroup(const char *root, const char *path)
{
	char file[512];

	snprintf(file, sizeof(file), CG "%s/memory.current", path);
	tmptree_write(root, file, "0\n");
}

static void load(struct fixture *f)
{
	struct vswap_policy_load_errors errs;

	f->set = vswap_policy_set_free(f->set);
	assert_int_equal(vswap_policy_set_load(f->tree->ctx, &f->set, &errs), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char *root = tmptree_new();
	const struct registry_hooks hooks = {.seen = on_seen,
					     .added = on_added,
					     .unmanaged = on_unmanaged,
					     .removing = on_removing,
					     .userdata = &f->j};

	cgroup(root, "batch.slice/a.scope");
	cgroup(root, "batch.slice/b.scope");
	cgroup(root, "web.service");
	tmptree_write(root, "etc/vswapd/policies.d/batch.json",
		      V1 ", \"match\": {\"cgroup\": \"/batch.slice/*\"}}");
	tmptree_write(root, "etc/vswapd/policies.d/spare.json",
		      V1 ", \"match\": {\"cgroup\": \"/nothing\"}}");
	f->tree = tmptree_fixture_open(root);
	registry_init(&f->reg, f->tree->ctx, &hooks, NULL, NULL);
	load(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	registry_clear(&f->reg);
	vswap_policy_set_free(f->set);
	void *tree = f->tree;
	free(f);
	return tmptree_fixture_teardown(&tree);
}

static void test_rescan_follows_tree_and_policies(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	assert_string_equal(f->j.text, "+/batch.slice/a.scope\n+/batch.slice/b.scope\n");
	assert_true(f->j.seen >= 5); /* the root, batch.slice, a, b, web.service */
	assert_int_equal(f->reg.n, 2);
	struct managed *a = registry_find(&f->reg, "/batch.slice/a.scope");
	assert_non_null(a);
	assert_string_equal(a->policy, "batch");
	assert_string_equal(a->chosen_by, "/etc/vswapd/policies.d/batch.json");
	assert_null(registry_find(&f->reg, "/web.service"));
	assert_null(registry_find(&f->reg, "/batch.slice"));

	/* A second rescan of the same tree keeps the same records: no hook fires. */
	f->j.text[0] = '\0';
	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	assert_string_equal(f->j.text, "");
	assert_ptr_equal(registry_find(&f->reg, "/batch.slice/a.scope"), a);

	/* Gone from the tree: removed, knobs not restored (there is nothing to restore on). */
	char path[4096];
	snprintf(path, sizeof(path), "%s/" CG "batch.slice/b.scope/memory.current", f->tree->root);
	assert_int_equal(unlink(path), 0);
	*strrchr(path, '/') = '\0';
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	assert_string_equal(f->j.text, "-/batch.slice/b.scope\n");

	/* Still there, but no policy applies any more: unmanaged (restore), then removed. */
	f->j.text[0] = '\0';
	tmptree_write(f->tree->root, "etc/vswapd/policies.d/batch.json",
		      V1 ", \"match\": {\"cgroup\": \"/other.slice/*\"}}");
	load(f);
	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	assert_string_equal(f->j.text, "~/batch.slice/a.scope\n-/batch.slice/a.scope\n");
	assert_int_equal(f->reg.n, 0);
}

/* An override keeps a cgroup managed when no policy matches it any more, and only then. */
static void test_override_keeps_record(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	struct managed *a = registry_find(&f->reg, "/batch.slice/a.scope");
	assert_int_equal(managed_set_override(a, "spare"), 0);
	tmptree_write(f->tree->root, "etc/vswapd/policies.d/batch.json",
		      V1 ", \"match\": {\"cgroup\": \"/other.slice/*\"}}");
	load(f);
	f->j.text[0] = '\0';
	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	assert_string_equal(f->j.text, "~/batch.slice/b.scope\n-/batch.slice/b.scope\n");
	assert_ptr_equal(registry_find(&f->reg, "/batch.slice/a.scope"), a);
	assert_null(a->policy);
	assert_string_equal(managed_policy(a, f->set)->name, "spare");
	assert_string_equal(managed_chosen_by(a, f->set), "override");

	/* Cleared: nothing is in force, and the next rescan lets it go. */
	assert_int_equal(managed_set_override(a, NULL), 0);
	assert_null(managed_policy(a, f->set));
	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	assert_int_equal(f->reg.n, 0);
}

/* The set is sorted, so a lookup by name finds every record (bsearch). */
static void test_find_sorted(void **state)
{
	struct fixture *f = *state;
	char name[64];

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "batch.slice/%02d-%c.scope", (i * 17) % 40,
			 'a' + i % 26);
		cgroup(f->tree->root, name);
	}
	assert_int_equal(registry_rescan(&f->reg, f->set), 0);
	assert_int_equal(f->reg.n, 42);
	for (size_t i = 1; i < f->reg.n; i++)
		assert_true(strcmp(f->reg.v[i - 1]->path, f->reg.v[i]->path) < 0);
	for (size_t i = 0; i < f->reg.n; i++)
		assert_ptr_equal(registry_find(&f->reg, f->reg.v[i]->display), f->reg.v[i]);
	assert_null(registry_find(&f->reg, "/batch.slice/zz.scope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rescan_follows_tree_and_policies, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_override_keeps_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_sorted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
