/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * When cgroups are evaluated: the first look right away, back-off while quiet, records let go
 * of; and the debounce that batches rescans but never past its maximum wait.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "debounce.h"
#include "log.h"
#include "scheduler.h"
#include "tmptree.h"

struct fixture {
	struct tmptree_fixture *tree;
	sd_event *event;
	struct vswap_policy_set *set;
	struct scheduler *s;
	int answer;	    /* what the evaluate hook returns */
	unsigned evaluated; /* evaluate hook calls */
	struct managed *mc[3];
};

static int hook_evaluate(struct managed *mc, const char *why, void *userdata)
{
	struct fixture *f = userdata;

	f->evaluated++;
	return f->answer;
}

static const struct vswap_policy *hook_policy(const struct managed *mc, void *userdata)
{
	struct fixture *f = userdata;

	return vswap_policy_set_find(f->set, "p");
}

static void hook_gone(struct managed *mc, void *userdata)
{
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct vswap_policy_load_errors errs;
	const struct scheduler_hooks hooks = {
	    .evaluate = hook_evaluate, .policy = hook_policy, .gone = hook_gone, .userdata = f};
	char *root = tmptree_new();

	log_setup(LOG_ERR);
	tmptree_write(root, "etc/vswapd/policies.d/p.json",
		      "{\"schema_version\": 1, \"interval_s\": 1}");
	for (int i = 0; i < 3; i++) {
		char path[64];
		snprintf(path, sizeof(path), "sys/fs/cgroup/c%d/memory.pressure", i);
		tmptree_write(root, path, "");
	}
	f->tree = tmptree_fixture_open(root);
	assert_int_equal(vswap_policy_set_load(f->tree->ctx, &f->set, &errs), 0);
	assert_int_equal(sd_event_new(&f->event), 0);
	assert_int_equal(scheduler_new(f->event, f->tree->ctx->cgroup_fd, 8, &hooks, &f->s), 0);
	for (int i = 0; i < 3; i++) {
		char path[8];
		snprintf(path, sizeof(path), "c%d", i);
		assert_int_equal(managed_new(path, &f->mc[i]), 0);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	void *tree = f->tree;

	for (int i = 0; i < 3; i++) {
		scheduler_forget(f->s, f->mc[i]);
		managed_free(f->mc[i]);
	}
	scheduler_free(f->s);
	sd_event_unref(f->event);
	vswap_policy_set_free(f->set);
	free(f);
	return tmptree_fixture_teardown(&tree);
}

/* Turn the loop until n evaluations happened (a 250 ms timer accuracy: a few turns). */
static void run_until(struct fixture *f, unsigned n)
{
	for (int turns = 0; f->evaluated < n && turns < 40; turns++)
		assert_true(sd_event_run(f->event, 100 * 1000) >= 0);
}

/* A plain file takes no trigger: timers only, said once, not an error. */
static void test_first_look_and_forget(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 3; i++)
		scheduler_add(f->s, f->mc[i]);
	assert_false(scheduler_pressure_triggers(f->s));
	scheduler_forget(f->s, f->mc[1]);
	run_until(f, 2);
	assert_int_equal(f->evaluated, 2);
	/* Each is queued again after its look (1 s later): nothing more right away. */
	assert_true(sd_event_run(f->event, 0) >= 0);
	assert_int_equal(f->evaluated, 2);
	assert_int_not_equal(f->mc[0]->sched.due.idx, DUE_NOT_QUEUED);
	assert_int_equal(f->mc[1]->sched.due.idx, DUE_NOT_QUEUED);
}

/* Quiet looks double the period up to MaxBackoff; a busy one starts over; a failed one
 * (nothing sampled) leaves the count alone. */
static void test_backoff(void **state)
{
	struct fixture *f = *state;
	struct managed *mc = f->mc[0];
	const struct {
		int answer;
		double period_s;
	} steps[] = {{0, 2}, {0, 4}, {0, 8}, {0, 8}, {-EIO, 8}, {1, 1}, {0, 2}, {-ENOENT, 2}};

	scheduler_add(f->s, mc);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		f->answer = steps[i].answer;
		scheduler_evaluate_now(f->s, mc, "test");
		assert_true(mc->sched.period_s == steps[i].period_s);
		assert_true(mc->sched.period_max_s == 8);
	}
	scheduler_wake(f->s, mc);
	assert_int_equal(mc->sched.quiet_rounds, 0);
}

static void test_debounce_due(void **state)
{
	/* delay 100 ms, at most 500 ms after the first kick */
	assert_int_equal(debounce_due_us(100, 500, 1000, 1000), 1100);
	assert_int_equal(debounce_due_us(100, 500, 1000, 1300), 1400);
	assert_int_equal(debounce_due_us(100, 500, 1000, 1450), 1500);
	assert_int_equal(debounce_due_us(100, 500, 1000, 9000), 1500);
}

static void count_fire(void *userdata)
{
	(*(unsigned *)userdata)++;
}

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Kicks every 5 ms for 600 ms (a user churning cgroups) still fire it within each 100 ms. */
static void test_debounce_churn(void **state)
{
	sd_event *e = NULL;
	struct debounce d;
	unsigned fired = 0;

	assert_int_equal(sd_event_new(&e), 0);
	assert_int_equal(debounce_init(&d, e, 20 * 1000, 100 * 1000, count_fire, &fired), 0);
	for (uint64_t end = mono_us() + 600 * 1000; mono_us() < end;) {
		debounce_kick(&d);
		assert_true(sd_event_run(e, 5 * 1000) >= 0);
	}
	assert_true(fired >= 2);
	debounce_done(&d);
	sd_event_unref(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_first_look_and_forget, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_backoff, setup, teardown),
	    cmocka_unit_test(test_debounce_due),
	    cmocka_unit_test(test_debounce_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
