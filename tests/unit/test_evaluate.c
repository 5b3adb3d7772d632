/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One cgroup's trip, sample -> decide -> act, on a tree of plain files: what a tick and a
 * request on the control socket leave behind is the same bookkeeping (counts, the knob, the
 * engine's per-minute window, explain).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evaluate.h"
#include "log.h"
#include "tmptree.h"

#define CG  "sys/fs/cgroup/app.service/"
#define MiB (1024ull * 1024)

struct fixture {
	struct tmptree_fixture *tree;
	struct vswap_policy_set *set;
	struct vswap_caps caps;
	struct managed *mc;
	struct evaluate_env env;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vswap_policy_load_errors errs;
	char *root = tmptree_new();

	log_setup(LOG_ERR);
	tmptree_write(root, CG "memory.current", "104857600\n");
	tmptree_write(root, CG "memory.stat",
		      "anon 104857600\nzswap 20971520\nzswapped 62914560\n");
	tmptree_write(root, CG "memory.vswap.current", "62914560\n");
	tmptree_write(root, CG "memory.vswap.max", "104857600\n");
	tmptree_write(root, CG "memory.vswap.writeback", "");
	tmptree_write(root, CG "memory.zswap.writeback", "1\n");
	/* Writeback above 50 % of the cap, 4M a step, 4M a minute: one step per minute. */
	tmptree_write(root, "etc/vswapd/policies.d/app.json",
		      "{\"schema_version\": 1, \"match\": {\"cgroup\": \"/app.service\"},"
		      " \"writeback\": {\"amount\": \"4M\", \"max_per_minute\": \"4M\","
		      " \"cooldown_s\": 0, \"when\": [{\"vswap_above_percent\": 50}]}}");
	f->tree = tmptree_fixture_open(root);
	assert_int_equal(vswap_policy_set_load(f->tree->ctx, &f->set, &errs), 0);
	f->caps =
	    (struct vswap_caps){.vswap = true, .vswap_writeback = true, .zswap_writeback = true};
	assert_int_equal(managed_new("app.service", &f->mc), 0);
	assert_int_equal(managed_set_policy(f->mc, "app", "/etc/vswapd/policies.d/app.json"), 0);
	f->env = (struct evaluate_env){
	    .ctx = f->tree->ctx, .caps = &f->caps, .policies = f->set, .dry_run = false};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	void *tree = f->tree;

	managed_free(f->mc);
	vswap_policy_set_free(f->set);
	free(f);
	return tmptree_fixture_teardown(&tree);
}

/* The newest explain entry, parsed. */
static struct json_object *last_explained(const struct managed *mc)
{
	const char *last = NULL;

	for (size_t i = 0; i < EXPLAIN_DEPTH; i++)
		if (managed_explain_at(mc, i))
			last = managed_explain_at(mc, i);
	assert_non_null(last);
	return json_tokener_parse(last);
}

static const char *first_action_field(struct json_object *e, const char *key)
{
	struct json_object *a = json_object_array_get_idx(json_object_object_get(e, "actions"), 0);

	return json_object_get_string(json_object_object_get(a, key));
}

/* A tick above the threshold writes back one step: the knob, the count, explain. */
static void test_tick_acts(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 100.0, "tick"), 1);
	assert_string_equal(tmptree_read(f->tree->root, CG "memory.vswap.writeback"), "4194304\n");
	assert_int_equal(managed_actions(f->mc, ACTION_WRITEBACK), 1);
	assert_int_equal(managed_action_bytes(f->mc, ACTION_WRITEBACK), 4 * MiB);
	assert_int_equal(engine_recent_writeback(&f->mc->engine, 100.0), 4 * MiB);
	struct json_object *e = last_explained(f->mc);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "trigger")), "tick");
	assert_string_equal(first_action_field(e, "result"), "ok");
	json_object_put(e);

	/* The minute's budget is spent: the next tick holds, and says why. */
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 101.0, "tick"), 0);
	assert_int_equal(managed_actions(f->mc, ACTION_WRITEBACK), 1);
	e = last_explained(f->mc);
	assert_non_null(strstr(json_object_to_json_string(e), "already this minute"));
	json_object_put(e);
}

/*
 * A writeback asked for by hand takes the same path: the knob, the count, explain (no
 * inputs: nothing was sampled), and the engine's window, so the policy's next step waits.
 */
static void test_manual_counts_in_window(void **state)
{
	struct fixture *f = *state;
	struct action a = {.kind = ACTION_WRITEBACK, .value = 4 * MiB};

	snprintf(a.reason, sizeof(a.reason), "by hand");
	assert_int_equal(evaluate_manual(&f->env, f->mc, &a, 100.0, "request"), 0);
	assert_string_equal(tmptree_read(f->tree->root, CG "memory.vswap.writeback"), "4194304\n");
	assert_int_equal(managed_actions(f->mc, ACTION_WRITEBACK), 1);
	assert_int_equal(engine_recent_writeback(&f->mc->engine, 100.0), 4 * MiB);
	struct json_object *e = last_explained(f->mc);
	assert_string_equal(json_object_get_string(json_object_object_get(e, "trigger")),
			    "request");
	assert_true(json_object_object_get_ex(e, "inputs", NULL));
	assert_null(json_object_object_get(e, "inputs"));
	json_object_put(e);

	tmptree_write(f->tree->root, CG "memory.vswap.writeback", "");
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 101.0, "tick"), 1); /* first sample */
	assert_string_equal(tmptree_read(f->tree->root, CG "memory.vswap.writeback"), "");
	assert_int_equal(managed_actions(f->mc, ACTION_WRITEBACK), 1);
	/* A minute later the window has room again. */
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 161.0, "tick"), 1);
	assert_int_equal(managed_actions(f->mc, ACTION_WRITEBACK), 2);
}

/* A dry run decides and records, writes nothing and counts nothing as done. */
static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	struct action a = {.kind = ACTION_SET_VSWAP_MAX, .value = 8 * MiB};

	f->env.dry_run = true;
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 100.0, "tick"), 1);
	assert_int_equal(evaluate_manual(&f->env, f->mc, &a, 100.0, "request"), 0);
	assert_string_equal(tmptree_read(f->tree->root, CG "memory.vswap.writeback"), "");
	assert_string_equal(tmptree_read(f->tree->root, CG "memory.vswap.max"), "104857600\n");
	assert_int_equal(managed_actions(f->mc, ACTION_WRITEBACK), 0);
	assert_int_equal(managed_actions(f->mc, ACTION_SET_VSWAP_MAX), 0);
	assert_null(f->mc->acts); /* no knob memory either */
	assert_int_equal(engine_recent_writeback(&f->mc->engine, 100.0), 0);
}

/* Back-off's signal: a sample like the last with nothing done is quiet. */
static void test_quiet_and_gone(void **state)
{
	struct fixture *f = *state;

	tmptree_write(f->tree->root, CG "memory.vswap.current", "1048576\n"); /* below 50 % */
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 100.0, "tick"), 1);
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 105.0, "tick"), 0);
	tmptree_write(f->tree->root, CG "memory.current", "104857601\n");
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 110.0, "tick"), 1);
	assert_int_equal(f->mc->samples, 3);
	assert_int_equal(f->mc->policy_samples, 3);
	/* The same policy chosen again (a reload): its samples still count. */
	assert_int_equal(managed_set_policy(f->mc, "app", "other.conf"), 0);
	assert_int_equal(f->mc->policy_samples, 3);

	/* Its policy gone from the set: -ENOKEY, nothing read. */
	assert_int_equal(managed_set_policy(f->mc, "nope", NULL), 0);
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 115.0, "tick"), -ENOKEY);
	assert_int_equal(f->mc->samples, 3);
	assert_int_equal(f->mc->policy_samples, 0);
	assert_int_equal(managed_set_policy(f->mc, "app", NULL), 0);
	/* Back under app: none of its evaluations yet (what vswapctl run waits for). */
	assert_int_equal(f->mc->policy_samples, 0);
	assert_true(evaluate_cgroup(&f->env, f->mc, 116.0, "tick") >= 0);
	assert_int_equal(f->mc->policy_samples, 1);
	assert_int_equal(managed_set_override(f->mc, "app"), 0);
	assert_int_equal(f->mc->policy_samples, 0);
	assert_int_equal(managed_set_override(f->mc, NULL), 0);

	/* The cgroup gone: -ENOENT. */
	char path[4096];
	const char *files[] = {"memory.current",	 "memory.stat",
			       "memory.vswap.current",	 "memory.vswap.max",
			       "memory.vswap.writeback", "memory.zswap.writeback"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/" CG "%s", f->tree->root, files[i]);
		assert_int_equal(unlink(path), 0);
	}
	snprintf(path, sizeof(path), "%s/" CG, f->tree->root);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(evaluate_cgroup(&f->env, f->mc, 120.0, "tick"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tick_acts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_manual_counts_in_window, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quiet_and_gone, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
