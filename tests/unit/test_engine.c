/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The engine on synthetic sample sequences: what it does, when, and why not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "engine.h"
#include "pacing.h"
#include "sampler.h"
#include "util.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static const struct vswap_caps patched = {
    .mode = VSWAP_MODE_PATCHED,
    .memory_controller = true,
    .memory_reclaim = true,
    .swap_cgroup = true,
    .zswap_cgroup = true,
    .zswap_writeback = true,
    .vswap = true,
    .vswap_writeback = true,
};
static const struct vswap_caps stock = {
    .mode = VSWAP_MODE_STOCK,
    .memory_controller = true,
    .memory_reclaim = true,
    .swap_cgroup = true,
    .zswap_cgroup = true,
    .zswap_writeback = true,
};

static struct vswap_policy *policy(const char *json)
{
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;

	if (vswap_policy_parse(json, strlen(json), "p", "p.json", &p, &err) < 0)
		fail_msg("policy: %u:%u %s: %s", err.line, err.column, err.field, err.what);
	return p;
}

/* A 1 GiB cgroup with 200 MiB of pages compressed 4:1 into 50 MiB, no pressure. */
static struct signals base(void)
{
	return (struct signals){
	    .memory_current = 900 * MiB,
	    .memory_max = GiB,
	    .zswap = 50 * MiB,
	    .zswapped = 200 * MiB,
	    .has_vswap = true,
	    .vswap_current = 200 * MiB,
	    .vswap_max = UINT64_MAX,
	    .zswap_max = UINT64_MAX,
	    .zswap_writeback = 1,
	};
}

static size_t count(const struct decision *d, enum action_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n_actions; i++)
		n += d->actions[i].kind == kind;
	return n;
}

static const struct action *find(const struct decision *d, enum action_kind kind)
{
	for (size_t i = 0; i < d->n_actions; i++)
		if (d->actions[i].kind == kind)
			return &d->actions[i];
	return NULL;
}

static bool noted(const struct decision *d, const char *what)
{
	for (size_t i = 0; i < d->n_notes; i++)
		if (strstr(d->notes[i], what))
			return true;
	return false;
}

/* Decide and report everything as done, as the manager does after a successful write. */
static void step(const struct vswap_policy *p, const struct vswap_caps *c, const struct signals *s,
		 struct engine_state *st, struct decision *d)
{
	bool done[ENGINE_MAX_ACTIONS];

	engine_decide(p, c, s, st, d);
	for (size_t i = 0; i < ENGINE_MAX_ACTIONS; i++)
		done[i] = true;
	engine_update(st, d, done, s->now_s);
}

static void test_vswap_max_patched(void **state)
{
	struct vswap_policy *p = policy("{\"schema_version\": 1, \"vswap\": {\"max\": \"50%\"}}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	engine_state_init(&st);
	engine_decide(p, &patched, &s, &st, &d);
	const struct action *a = find(&d, ACTION_SET_VSWAP_MAX);
	assert_non_null(a);
	assert_true(a->value == 512 * MiB);
	assert_non_null(strstr(a->reason, "vswap.max 512M"));

	s.vswap_max = 512 * MiB; /* already there: nothing to do */
	engine_decide(p, &patched, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_SET_VSWAP_MAX), 0);

	s.memory_max = UINT64_MAX; /* a percentage of "max" */
	engine_decide(p, &patched, &s, &st, &d);
	assert_int_equal(d.n_actions, 0);
	assert_true(noted(&d, "percentage of memory.max"));
	vswap_policy_free(p);
	engine_state_done(&st);
}

static void test_vswap_max_emulated_on_stock(void **state)
{
	struct vswap_policy *p = policy("{\"schema_version\": 1, \"vswap\": {\"max\": \"512M\"}}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	s.has_vswap = false;
	engine_state_init(&st);
	engine_decide(p, &stock, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_SET_VSWAP_MAX), 0);
	const struct action *a = find(&d, ACTION_SET_ZSWAP_MAX);
	assert_non_null(a);
	assert_true(a->value == 128 * MiB); /* 512M at 4:1 */
	assert_non_null(strstr(a->reason, "emulated"));

	s.zswap_max = 120 * MiB; /* within 10 %: no rewrite for ratio jitter */
	engine_decide(p, &stock, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_SET_ZSWAP_MAX), 0);
	s.zswap_max = 100 * MiB; /* 28 % off */
	engine_decide(p, &stock, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_SET_ZSWAP_MAX), 1);

	/* An explicit lower zswap.max wins over the emulation. */
	struct vswap_policy *q = policy("{\"schema_version\": 1, \"vswap\": {\"max\": \"512M\"},"
					" \"zswap\": {\"max\": \"64M\"}}");
	s.zswap_max = UINT64_MAX;
	engine_decide(q, &stock, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_SET_ZSWAP_MAX), 1);
	assert_true(find(&d, ACTION_SET_ZSWAP_MAX)->value == 64 * MiB);
	vswap_policy_free(p);
	vswap_policy_free(q);
	engine_state_done(&st);
}

static void test_zswap_writeback_knob(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"zswap\": {\"writeback\": false}}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;
	struct vswap_caps legacy = {.mode = VSWAP_MODE_LEGACY, .memory_controller = true};

	engine_state_init(&st);
	engine_decide(p, &stock, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_SET_ZSWAP_WRITEBACK), 1);
	assert_true(find(&d, ACTION_SET_ZSWAP_WRITEBACK)->value == 0);
	s.zswap_writeback = 0;
	engine_decide(p, &stock, &s, &st, &d);
	assert_int_equal(d.n_actions, 0);
	s.zswap_writeback = 1;
	engine_decide(p, &legacy, &s, &st, &d);
	assert_int_equal(d.n_actions, 0);
	assert_true(noted(&d, "not on this kernel"));
	vswap_policy_free(p);
	engine_state_done(&st);
}

/* The default condition: vswap above 90 % of its cap. */
static void test_writeback_at_cap_with_cooldown_and_rate(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"writeback\": {\"amount\": \"16M\","
		   " \"max_per_minute\": \"32M\", \"cooldown_s\": 5}}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;
	static const struct {
		double t;
		size_t writebacks;
		const char *note;
	} seq[] = {
	    {0, 1, NULL}, /* 95 % of the cap */
	    {2, 0, NULL}, /* cooling down */
	    {6, 1, NULL}, /* 32M in the minute now */
	    {12, 0, "already this minute"},
	    {59, 0, "already this minute"},
	    {61, 1, NULL}, /* the first left the window */
	};

	s.vswap_max = 200 * MiB;
	s.vswap_current = 190 * MiB;
	engine_state_init(&st);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		s.now_s = seq[i].t;
		step(p, &patched, &s, &st, &d);
		print_message("t=%.0f\n", seq[i].t);
		assert_int_equal(count(&d, ACTION_WRITEBACK), seq[i].writebacks);
		assert_true(d.writeback_wanted);
		if (seq[i].writebacks)
			assert_true(find(&d, ACTION_WRITEBACK)->value == 16 * MiB);
		if (seq[i].note)
			assert_true(noted(&d, seq[i].note));
	}
	assert_true(engine_recent_writeback(&st, 61) == 32 * MiB);
	vswap_policy_free(p);
	engine_state_done(&st);
}

static void test_writeback_hysteresis(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"writeback\": {\"cooldown_s\": 0}}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;
	static const struct {
		uint64_t vswap_mib; /* of a 100 MiB cap */
		bool wanted;
	} seq[] = {
	    {88, false},	      /* below 90: idle */
	    {91, true},		      /* crosses 90 */
	    {88, true},		      /* active: goes on down to 85 */
	    {86, true},	 {84, false}, /* below the band: stops */
	    {88, false},	      /* idle again until 90 */
	};

	s.vswap_max = 100 * MiB;
	engine_state_init(&st);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		s.now_s = (double)i;
		s.vswap_current = seq[i].vswap_mib * MiB;
		step(p, &patched, &s, &st, &d);
		print_message("vswap %llu MiB\n", (unsigned long long)seq[i].vswap_mib);
		assert_int_equal(d.writeback_wanted, seq[i].wanted);
		assert_int_equal(count(&d, ACTION_WRITEBACK), seq[i].wanted ? 1 : 0);
	}
	vswap_policy_free(p);
	engine_state_done(&st);
}

/* The signal a band-edge case sets on top of edge_base(). */
enum edge_knob {
	K_ZSWAP,	/* bytes in the pool */
	K_ZSWAPPED,	/* their original size: the ratio is this / 10 MiB */
	K_VSWAP,	/* memory.vswap.current, of a 100 MiB cap */
	K_VSWAP_MAX,	/* the cap, with 50 MiB held */
	K_NO_VSWAP,	/* a kernel without memory.vswap.* */
	K_SOME,		/* memory PSI some avg10, % */
	K_ZSWPIN,	/* zswpin per second */
	K_FIRST_SAMPLE, /* no rates yet */
};

/* 10 MiB pool at ratio 4, 50 MiB of a 100 MiB vswap cap, no pressure, 100 zswpin/s. */
static struct signals edge_base(void)
{
	return (struct signals){
	    .memory_current = 900 * MiB,
	    .memory_max = GiB,
	    .zswap = 10 * MiB,
	    .zswapped = 40 * MiB,
	    .has_vswap = true,
	    .vswap_current = 50 * MiB,
	    .vswap_max = 100 * MiB,
	    .zswap_max = UINT64_MAX,
	    .zswap_writeback = 1,
	    .has_rates = true,
	    .zswpin_per_s = 100,
	};
}

static void edge_set(struct signals *s, enum edge_knob k, double v)
{
	switch (k) {
	case K_ZSWAP:
		s->zswap = (uint64_t)v;
		break;
	case K_ZSWAPPED:
		s->zswapped = (uint64_t)v;
		break;
	case K_VSWAP:
		s->vswap_current = (uint64_t)v;
		break;
	case K_VSWAP_MAX:
		s->vswap_max = v >= 0x1p64 ? UINT64_MAX : (uint64_t)v;
		break;
	case K_NO_VSWAP:
		s->has_vswap = false;
		s->vswap_current = s->vswap_max = 0;
		break;
	case K_SOME:
		s->memory_some_avg10 = v;
		break;
	case K_ZSWPIN:
		s->zswpin_per_s = v;
		break;
	case K_FIRST_SAMPLE:
		s->has_rates = false;
		s->zswpin_per_s = 0;
		break;
	}
}

/*
 * Every edge of every condition of vswap-policy(5), idle (writeback not running) and active
 * (running: the hysteresis band applies). A condition "above X" holds strictly above X; once
 * started it goes on until the signal is at or past the band's far edge: 5 points lower for
 * vswap_above_percent and pressure_some_above (not under 0), 90 % of the threshold for
 * zswap_above, 0.1 above it for ratio_below. zswpin_per_s_below has no band.
 */
static const struct {
	const char *when;
	bool active;
	enum edge_knob knob;
	double value;
	bool holds;
} edge_cases[] = {
    /* zswap_above 10M: idle from 10M, active down to 9M (0.9 of it) */
    {"{\"zswap_above\": \"10M\"}", false, K_ZSWAP, 10 * MiB, false},
    {"{\"zswap_above\": \"10M\"}", false, K_ZSWAP, 10 * MiB + 1, true},
    {"{\"zswap_above\": \"10M\"}", false, K_ZSWAP, 10 * MiB - 1, false},
    {"{\"zswap_above\": \"10M\"}", true, K_ZSWAP, 10 * MiB - 1, true},
    {"{\"zswap_above\": \"10M\"}", true, K_ZSWAP, 9 * MiB + 1, true},
    {"{\"zswap_above\": \"10M\"}", true, K_ZSWAP, 9 * MiB, false},
    {"{\"zswap_above\": \"10M\"}", true, K_ZSWAP, 0, false},
    {"{\"zswap_above\": \"max\"}", true, K_ZSWAP, 0x1p63, false},
    /* vswap_above_percent 90 of a 100 MiB cap: idle from 90 %, active down to 85 % */
    {"{\"vswap_above_percent\": 90}", false, K_VSWAP, 90 * MiB, false},
    {"{\"vswap_above_percent\": 90}", false, K_VSWAP, 90 * MiB + 1, true},
    {"{\"vswap_above_percent\": 90}", false, K_VSWAP, 89 * MiB, false},
    {"{\"vswap_above_percent\": 90}", true, K_VSWAP, 89 * MiB, true},
    {"{\"vswap_above_percent\": 90}", true, K_VSWAP, 85 * MiB + 1, true},
    {"{\"vswap_above_percent\": 90}", true, K_VSWAP, 85 * MiB, false},
    {"{\"vswap_above_percent\": 90}", true, K_VSWAP, 84 * MiB, false},
    /* never with the cap at max or 0, nor without memory.vswap.* */
    {"{\"vswap_above_percent\": 0}", false, K_VSWAP_MAX, 0x1p64, false},
    {"{\"vswap_above_percent\": 0}", true, K_VSWAP_MAX, 0x1p64, false},
    {"{\"vswap_above_percent\": 0}", false, K_VSWAP_MAX, 0, false},
    {"{\"vswap_above_percent\": 0}", true, K_VSWAP_MAX, 0, false},
    {"{\"vswap_above_percent\": 0}", false, K_NO_VSWAP, 0, false},
    {"{\"vswap_above_percent\": 0}", false, K_VSWAP_MAX, 200 * MiB, true},
    /* a threshold under the band: active down to 0, not forever */
    {"{\"vswap_above_percent\": 3}", true, K_VSWAP, 1, true},
    {"{\"vswap_above_percent\": 3}", true, K_VSWAP, 0, false},
    /* ratio_below 1.5 (10 MiB pool): idle under 1.5, active up to 1.6 */
    {"{\"ratio_below\": 1.5}", false, K_ZSWAPPED, 15 * MiB, false},
    {"{\"ratio_below\": 1.5}", false, K_ZSWAPPED, 15 * MiB - 1, true},
    {"{\"ratio_below\": 1.5}", false, K_ZSWAPPED, 15.5 * MiB, false},
    {"{\"ratio_below\": 1.5}", true, K_ZSWAPPED, 15.5 * MiB, true},
    {"{\"ratio_below\": 1.5}", true, K_ZSWAPPED, 16 * MiB - 1, true},
    {"{\"ratio_below\": 1.5}", true, K_ZSWAPPED, 16 * MiB, false},
    {"{\"ratio_below\": 1.5}", true, K_ZSWAPPED, 17 * MiB, false},
    /* never with an empty pool, whose ratio reads as 0 */
    {"{\"ratio_below\": 1.5}", false, K_ZSWAP, 0, false},
    {"{\"ratio_below\": 1.5}", true, K_ZSWAP, 0, false},
    /* pressure_some_above 20: idle from 20 %, active down to 15 % */
    {"{\"pressure_some_above\": 20}", false, K_SOME, 20, false},
    {"{\"pressure_some_above\": 20}", false, K_SOME, 20.01, true},
    {"{\"pressure_some_above\": 20}", false, K_SOME, 19, false},
    {"{\"pressure_some_above\": 20}", true, K_SOME, 19, true},
    {"{\"pressure_some_above\": 20}", true, K_SOME, 15.01, true},
    {"{\"pressure_some_above\": 20}", true, K_SOME, 15, false},
    {"{\"pressure_some_above\": 20}", true, K_SOME, 0, false},
    /* a threshold under the band: active down to 0, not forever */
    {"{\"pressure_some_above\": 2}", false, K_SOME, 2.01, true},
    {"{\"pressure_some_above\": 2}", true, K_SOME, 0.01, true},
    {"{\"pressure_some_above\": 2}", true, K_SOME, 0, false},
    {"{\"pressure_some_above\": 0}", false, K_SOME, 0, false},
    {"{\"pressure_some_above\": 0}", true, K_SOME, 0, false},
    {"{\"pressure_some_above\": 0}", false, K_SOME, 0.01, true},
    /* zswpin_per_s_below 10: strictly below, no band, never on a first sample */
    {"{\"zswpin_per_s_below\": 10}", false, K_ZSWPIN, 10, false},
    {"{\"zswpin_per_s_below\": 10}", false, K_ZSWPIN, 9.99, true},
    {"{\"zswpin_per_s_below\": 10}", true, K_ZSWPIN, 10, false},
    {"{\"zswpin_per_s_below\": 10}", true, K_ZSWPIN, 9.99, true},
    {"{\"zswpin_per_s_below\": 10}", false, K_FIRST_SAMPLE, 0, false},
    {"{\"zswpin_per_s_below\": 10}", true, K_FIRST_SAMPLE, 0, false},
    /* a set is an AND: every condition at its own edge */
    {"{\"ratio_below\": 1.5, \"zswap_above\": \"8M\"}", true, K_ZSWAPPED, 15.5 * MiB, true},
    {"{\"ratio_below\": 1.5, \"zswap_above\": \"12M\"}", true, K_ZSWAPPED, 15.5 * MiB, false},
};

static void test_condition_edges(void **state)
{
	for (size_t i = 0; i < ELEMENTSOF(edge_cases); i++) {
		char json[256];
		struct signals s = edge_base();
		struct engine_state st;
		struct decision d;

		snprintf(json, sizeof(json),
			 "{\"schema_version\": 1, \"writeback\": {\"when\": [%s]}}",
			 edge_cases[i].when);
		struct vswap_policy *p = policy(json);
		edge_set(&s, edge_cases[i].knob, edge_cases[i].value);
		engine_state_init(&st);
		st.writeback_active = edge_cases[i].active;
		engine_decide(p, &patched, &s, &st, &d);
		print_message("case %zu: %s %s, knob %d = %.17g: %s\n", i, edge_cases[i].when,
			      edge_cases[i].active ? "active" : "idle", edge_cases[i].knob,
			      edge_cases[i].value, d.writeback_wanted ? "holds" : "does not hold");
		assert_int_equal(d.writeback_wanted, edge_cases[i].holds);
		/* What is wanted is done, in full, unless the pool has less than a page. */
		bool acts = edge_cases[i].holds && s.zswap >= 4096;
		assert_int_equal(count(&d, ACTION_WRITEBACK), acts);
		vswap_policy_free(p);
		engine_state_done(&st);
	}
}

/*
 * writeback/cooldown_s is the least time between two writebacks: one exactly that long after
 * the last is allowed. io_backoff_some_above holds writeback strictly above it.
 */
static void test_writeback_cooldown_edge(void **state)
{
	static const struct {
		const char *cooldown;
		double t;
		double io_some;
		size_t writebacks;
	} seq[] = {
	    {"5", 0, 0, 1},	 {"5", 4.999, 0, 0}, {"5", 5, 0, 1},	{"5", 9, 0, 0},
	    {"5", 10, 10.01, 0}, {"5", 10.5, 10, 1}, {"0.5", 11, 0, 1}, {"0.5", 11.25, 0, 0},
	    {"0.5", 11.5, 0, 1}, {"0", 11.5, 0, 1},  {"0", 11.5, 0, 1},
	};
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	s.vswap_max = 200 * MiB;
	s.vswap_current = 195 * MiB;
	engine_state_init(&st);
	for (size_t i = 0; i < ELEMENTSOF(seq); i++) {
		char json[160];
		snprintf(json, sizeof(json),
			 "{\"schema_version\": 1, \"writeback\": {\"cooldown_s\": %s,"
			 " \"max_per_minute\": \"1T\"}}",
			 seq[i].cooldown);
		struct vswap_policy *p = policy(json);
		s.now_s = seq[i].t;
		s.io_some_avg10 = seq[i].io_some;
		step(p, &patched, &s, &st, &d);
		print_message("cooldown %s t=%.17g io %.2f\n", seq[i].cooldown, seq[i].t,
			      seq[i].io_some);
		assert_true(d.writeback_wanted);
		assert_int_equal(count(&d, ACTION_WRITEBACK), seq[i].writebacks);
		vswap_policy_free(p);
	}
	engine_state_done(&st);
}

/* A policy whose writeback always wants to run (1 % memory pressure is above 0). */
static struct vswap_policy *eager(const char *writeback_fields)
{
	char json[256];

	snprintf(json, sizeof(json),
		 "{\"schema_version\": 1, \"writeback\": {\"cooldown_s\": 0, %s,"
		 " \"when\": [{\"pressure_some_above\": 0}]}}",
		 writeback_fields);
	return policy(json);
}

/* One writeback is never under a page: not from a small pool, not from the minute's rest. */
static void test_writeback_amount_edges(void **state)
{
	struct vswap_policy *p = eager("\"amount\": \"8M\", \"max_per_minute\": 8392703");
	struct vswap_policy *q = eager("\"amount\": \"8M\", \"max_per_minute\": 8392704");
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	s.memory_some_avg10 = 1;
	engine_state_init(&st);
	s.zswap = 4095;
	engine_decide(p, &patched, &s, &st, &d);
	assert_true(d.writeback_wanted);
	assert_int_equal(count(&d, ACTION_WRITEBACK), 0);
	s.zswap = 4096;
	engine_decide(p, &patched, &s, &st, &d);
	assert_true(find(&d, ACTION_WRITEBACK)->value == 4096);

	/* 8M + 4095 bytes a minute: after 8M, the 4095 left are no page. */
	s.zswap = 64 * MiB;
	step(p, &patched, &s, &st, &d);
	assert_true(find(&d, ACTION_WRITEBACK)->value == 8 * MiB);
	s.now_s = 1;
	step(p, &patched, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_WRITEBACK), 0);
	assert_true(noted(&d, "already this minute"));
	/* 8M + 4096: exactly one page more. */
	engine_decide(q, &patched, &s, &st, &d);
	assert_true(find(&d, ACTION_WRITEBACK)->value == 4096);
	vswap_policy_free(p);
	vswap_policy_free(q);
	engine_state_done(&st);
}

/* max_per_minute counts a sliding minute: what was written 60 s ago has left it. */
static void test_rate_window_edge(void **state)
{
	struct vswap_policy *p = eager("\"amount\": \"16M\", \"max_per_minute\": \"16M\"");
	static const struct {
		double t;
		size_t writebacks;
	} seq[] = {{0, 1}, {30, 0}, {59.999, 0}, {60, 1}, {119.5, 0}, {120, 1}};
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	s.memory_some_avg10 = 1;
	engine_state_init(&st);
	for (size_t i = 0; i < ELEMENTSOF(seq); i++) {
		s.now_s = seq[i].t;
		step(p, &patched, &s, &st, &d);
		print_message("t=%.17g\n", seq[i].t);
		assert_int_equal(count(&d, ACTION_WRITEBACK), seq[i].writebacks);
	}
	assert_true(engine_recent_writeback(&st, 120) == 16 * MiB);
	assert_true(engine_recent_writeback(&st, 179.999) == 16 * MiB);
	assert_true(engine_recent_writeback(&st, 180) == 0);
	vswap_policy_free(p);
	engine_state_done(&st);
}

/* More writebacks in a minute than the window has slots: each byte still counts a minute. */
static void test_rate_window_overflow(void **state)
{
	struct vswap_policy *p = eager("\"amount\": 4096, \"max_per_minute\": \"1T\"");
	const size_t n = ENGINE_RATE_SLOTS + 36;
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	s.memory_some_avg10 = 1;
	engine_state_init(&st);
	for (size_t i = 0; i < n; i++) {
		s.now_s = 0.5 * (double)i;
		step(p, &patched, &s, &st, &d);
		assert_int_equal(count(&d, ACTION_WRITEBACK), 1);
	}
	/* The first left at 59.999 s at the earliest: until then all n count. */
	assert_true(engine_recent_writeback(&st, s.now_s) == n * 4096);
	assert_true(engine_recent_writeback(&st, 59.999) == n * 4096);
	assert_true(engine_recent_writeback(&st, s.now_s + 60) == 0);
	vswap_policy_free(p);
	engine_state_done(&st);
}

/* Pressure at the target skips the step; at half of it the step holds, under it doubles. */
static void test_offload_edges(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"writeback\": {\"enabled\": false},"
		   " \"offload\": {\"enabled\": true, \"pressure_target\": 0.1,"
		   " \"step_percent\": 1, \"max_step\": \"1G\", \"interval_s\": 6}}");
	static const struct {
		double pressure;
		uint64_t reclaim; /* in steps of 1 % of 900 MiB */
	} seq[] = {
	    {0.1, 0}, {0.0999, 1}, {0.05, 1}, {0.0499, 1}, {0.05, 2}, {0.0, 2}, {0.1, 0}, {0.0, 1},
	};
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	engine_state_init(&st);
	for (size_t i = 0; i < ELEMENTSOF(seq); i++) {
		s.now_s = 6.0 * (double)i;
		s.memory_some_avg10 = seq[i].pressure;
		step(p, &patched, &s, &st, &d);
		print_message("step %zu: pressure %.17g\n", i, seq[i].pressure);
		const struct action *a = find(&d, ACTION_RECLAIM);
		assert_true(seq[i].reclaim ? a && a->value == seq[i].reclaim * 9437184 : !a);
	}
	vswap_policy_free(p);
	engine_state_done(&st);
}

/*
 * Stock kernel: zswap.max = vswap.max / ratio (at least 1), in whole pages, rewritten only when
 * it drifts by more than 10 %.
 */
static void test_emulation_edges(void **state)
{
	/* 176 pages at ratio 4: 44 pages of zswap. */
	struct vswap_policy *p = policy("{\"schema_version\": 1, \"vswap\": {\"max\": 720896}}");
	struct vswap_policy *q = policy("{\"schema_version\": 1, \"vswap\": {\"max\": \"512M\"}}");
	static const struct {
		uint64_t zswap_max_pages;
		bool rewrite;
	} drift[] = {{44, false}, {40, false}, {39, true}, {48, false}, {49, true}, {0, true}};
	struct signals s = base(); /* ratio 4 */
	struct engine_state st;
	struct decision d;

	s.has_vswap = false;
	engine_state_init(&st);
	for (size_t i = 0; i < ELEMENTSOF(drift); i++) {
		s.zswap_max = drift[i].zswap_max_pages * 4096;
		engine_decide(p, &stock, &s, &st, &d);
		print_message("zswap.max %llu pages\n",
			      (unsigned long long)drift[i].zswap_max_pages);
		assert_int_equal(count(&d, ACTION_SET_ZSWAP_MAX), drift[i].rewrite);
		if (drift[i].rewrite)
			assert_true(find(&d, ACTION_SET_ZSWAP_MAX)->value == 44 * 4096);
	}

	s.zswap_max = UINT64_MAX;
	s.zswapped = 150 * MiB; /* ratio 3: 512M / 3 = 178956970.67, rounded down to pages */
	engine_decide(q, &stock, &s, &st, &d);
	assert_true(find(&d, ACTION_SET_ZSWAP_MAX)->value == 43690 * 4096);
	s.zswapped = 40 * MiB; /* ratio 0.8: taken as 1 */
	engine_decide(q, &stock, &s, &st, &d);
	assert_true(find(&d, ACTION_SET_ZSWAP_MAX)->value == 512 * MiB);
	s.zswap = s.zswapped = 0; /* an empty pool has no ratio: 1 */
	engine_decide(q, &stock, &s, &st, &d);
	assert_true(find(&d, ACTION_SET_ZSWAP_MAX)->value == 512 * MiB);
	vswap_policy_free(p);
	vswap_policy_free(q);
	engine_state_done(&st);
}

static void test_writeback_compound_conditions(void **state)
{
	struct vswap_policy *p = policy(
	    "{\"schema_version\": 1, \"writeback\": {\"when\": ["
	    "{\"ratio_below\": 2.0, \"zswap_above\": \"32M\"}, {\"pressure_some_above\": 50}]}}");
	struct signals s = base(); /* ratio 4, 50M pool */
	struct engine_state st;
	struct decision d;

	engine_state_init(&st);
	engine_decide(p, &patched, &s, &st, &d);
	assert_false(d.writeback_wanted);
	s.zswapped = 75 * MiB; /* ratio 1.5 with a 50M pool: both conditions of set 0 */
	engine_decide(p, &patched, &s, &st, &d);
	assert_true(d.writeback_wanted);
	assert_non_null(strstr(find(&d, ACTION_WRITEBACK)->reason, "ratio 1.50 below 2.00"));
	assert_non_null(strstr(find(&d, ACTION_WRITEBACK)->reason, "zswap"));
	s.zswap = 20 * MiB; /* pool too small now: set 0 fails */
	s.zswapped = 30 * MiB;
	engine_decide(p, &patched, &s, &st, &d);
	assert_false(d.writeback_wanted);
	s.memory_some_avg10 = 60; /* set 1 alone */
	engine_decide(p, &patched, &s, &st, &d);
	assert_true(d.writeback_wanted);
	/* The amount never exceeds the pool. */
	assert_true(find(&d, ACTION_WRITEBACK)->value == 16 * MiB);
	s.zswap = 8 * MiB;
	engine_decide(p, &patched, &s, &st, &d);
	assert_true(find(&d, ACTION_WRITEBACK)->value == 8 * MiB);
	vswap_policy_free(p);
	engine_state_done(&st);
}

static void test_writeback_held(void **state)
{
	struct vswap_policy *p = policy("{\"schema_version\": 1}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;

	s.vswap_max = 200 * MiB;
	s.vswap_current = 199 * MiB;
	engine_state_init(&st);
	s.io_some_avg10 = 25; /* the disk is busy */
	engine_decide(p, &patched, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_WRITEBACK), 0);
	assert_true(noted(&d, "io pressure"));
	s.io_some_avg10 = 0;
	s.zswap_writeback = 0; /* the kernel would refuse */
	engine_decide(p, &patched, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_WRITEBACK), 0);
	assert_true(noted(&d, "memory.zswap.writeback is 0"));
	s.zswap_writeback = 1;
	s.has_vswap = false; /* stock kernel: say so, never pretend */
	engine_decide(p, &stock, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_WRITEBACK), 0);
	vswap_policy_free(p);
	engine_state_done(&st);
}

static void test_offload(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"writeback\": {\"enabled\": false},"
		   " \"offload\": {\"enabled\": true, \"step_percent\": 1,"
		   " \"max_step\": \"8M\", \"interval_s\": 6}}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;
	static const struct {
		double t;
		double pressure;
		uint64_t reclaim;
	} seq[] = {
	    {0, 0.0, 8 * MiB},	/* 1 % of 900M is 9M, capped at 8M */
	    {3, 0.0, 0},	/* interval */
	    {6, 0.5, 0},	/* over target 0.1: back off */
	    {7, 0.05, 8 * MiB}, /* no reclaim since t=0 */
	};

	engine_state_init(&st);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		s.now_s = seq[i].t;
		s.memory_some_avg10 = seq[i].pressure;
		step(p, &patched, &s, &st, &d);
		print_message("t=%.0f\n", seq[i].t);
		const struct action *a = find(&d, ACTION_RECLAIM);
		assert_true(seq[i].reclaim ? a && a->value == seq[i].reclaim : !a);
	}
	vswap_policy_free(p);
	engine_state_done(&st);
}

/* Calm steps double (up to 4x and max_step), pressure between half and all of the target holds
 * the step, pressure at the target skips it and starts over; a failed step grows nothing. */
static void test_offload_ramp(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"writeback\": {\"enabled\": false},"
		   " \"offload\": {\"enabled\": true, \"step_percent\": 1,"
		   " \"max_step\": \"64M\", \"interval_s\": 6}}");
	struct signals s = base(); /* 900 MiB: 1 % is 9437184 bytes, whole pages */
	struct engine_state st;
	struct decision d;
	static const struct {
		double pressure;
		bool done;
		uint64_t reclaim;
	} seq[] = {
	    {0.0, true, 9437184},     {0.0, true, 2 * 9437184},	 {0.0, true, 4 * 9437184},
	    {0.0, true, 4 * 9437184}, {0.07, true, 4 * 9437184}, {0.2, true, 0},
	    {0.0, true, 9437184},     {0.0, false, 2 * 9437184}, {0.0, true, 2 * 9437184},
	};

	engine_state_init(&st);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		bool done[ENGINE_MAX_ACTIONS] = {seq[i].done};
		s.now_s = 6.0 * (double)i;
		s.memory_some_avg10 = seq[i].pressure;
		engine_decide(p, &patched, &s, &st, &d);
		engine_update(&st, &d, done, s.now_s);
		print_message("step %zu\n", i);
		const struct action *a = find(&d, ACTION_RECLAIM);
		assert_true(seq[i].reclaim ? a && a->value == seq[i].reclaim : !a);
	}
	vswap_policy_free(p);
	engine_state_done(&st);
}

/* Pages coming back from zswap at a quarter of the next step (per interval) or more hold the
 * offload and start the ramp over; fewer do not; the first sample has no rates to judge. */
static void test_offload_refaults(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"writeback\": {\"enabled\": false},"
		   " \"offload\": {\"enabled\": true, \"step_percent\": 1,"
		   " \"max_step\": \"64M\", \"interval_s\": 6}}");
	struct signals s = base(); /* 900 MiB: 1 % is 9437184 bytes = 2304 pages */
	struct engine_state st;
	struct decision d;
	static const struct {
		bool rates;
		double zswpin_per_s; /* pages; x 6 s against a quarter of the step */
		uint64_t reclaim;
	} seq[] = {
	    {false, 1e6, 9437184},    /* no rates yet: no guard */
	    {true, 0, 2 * 9437184},   /* calm: the ramp grows */
	    {true, 191, 4 * 9437184}, /* 1146 pages back < 1152, a quarter of 4608 */
	    {true, 385, 0},	      /* 2310 pages back >= 2304, a quarter of 9216: hold */
	    {true, 95, 9437184},      /* 570 < 576: the ramp started over */
	    {true, 192, 0},	      /* 1152 >= 1152, a quarter of 4608 (ramp 1): hold */
	};

	engine_state_init(&st);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		bool done[ENGINE_MAX_ACTIONS] = {true};
		s.now_s = 6.0 * (double)i;
		s.has_rates = seq[i].rates;
		s.zswpin_per_s = seq[i].zswpin_per_s;
		engine_decide(p, &patched, &s, &st, &d);
		engine_update(&st, &d, done, s.now_s);
		print_message("step %zu\n", i);
		const struct action *a = find(&d, ACTION_RECLAIM);
		assert_true(seq[i].reclaim ? a && a->value == seq[i].reclaim : !a);
		if (!seq[i].reclaim)
			assert_non_null(strstr(d.notes[0], "offload held: zswap loads back"));
	}
	vswap_policy_free(p);
	engine_state_done(&st);
}

/*
 * The daemon's timeline: each sample comes after min(period, time until the offload is due).
 * Default interval_s 5 and offload interval_s 6 gave a step every 10 s; it must be every 6 s.
 */
static void test_offload_on_its_own_clock(void **state)
{
	struct vswap_policy *p =
	    policy("{\"schema_version\": 1, \"writeback\": {\"enabled\": false},"
		   " \"offload\": {\"enabled\": true}}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;
	size_t steps = 0;

	engine_state_init(&st);
	assert_true(pacing_offload_due_s(p, &st, 0) == INFINITY); /* never stepped: due now */
	for (s.now_s = 0; s.now_s < 60;) {
		step(p, &patched, &s, &st, &d);
		if (find(&d, ACTION_RECLAIM)) {
			assert_true(pacing_offload_due_s(p, &st, s.now_s) == 6);
			steps++;
		}
		s.now_s += dmin(pacing_sample_period_s(p, 0, 64, false),
				pacing_offload_due_s(p, &st, s.now_s));
	}
	assert_int_equal(steps, 10); /* t = 0, 6, ..., 54 */
	s.memory_some_avg10 = 1.0;   /* over target: due but held, the sample period applies */
	step(p, &patched, &s, &st, &d);
	assert_null(find(&d, ACTION_RECLAIM));
	assert_true(pacing_offload_due_s(p, &st, s.now_s) == INFINITY);
	vswap_policy_free(p);
	engine_state_done(&st);
}

/* The timer's back-off: ×2 per quiet round, ×4 with a PSI trigger armed, same cap. */
static void test_sample_period(void **state)
{
	struct vswap_policy *p = policy("{\"schema_version\": 1}"); /* interval_s 5 */
	struct vswap_policy *off =
	    policy("{\"schema_version\": 1, \"offload\": {\"enabled\": true, \"interval_s\": 6}}");
	static const struct {
		unsigned quiet_rounds;
		bool trigger;
		double max_backoff;
		double period_s;
		double offload_period_s;
	} cases[] = {
	    {0, false, 64, 5, 5},	   {1, false, 64, 10, 6},      {2, false, 64, 20, 6},
	    {5, false, 64, 160, 6},	   {6, false, 64, 320, 6},     {7, false, 64, 320, 6},
	    {0, true, 64, 5, 5},	   {1, true, 64, 20, 6},       {2, true, 64, 80, 6},
	    {3, true, 64, 320, 6},	   {4, true, 64, 320, 6},      {UINT_MAX, true, 64, 320, 6},
	    {UINT_MAX, false, 64, 320, 6}, {UINT_MAX, false, 1, 5, 5}, {2, true, 10, 50, 6},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("quiet_rounds=%u trigger=%d max_backoff=%g\n", cases[i].quiet_rounds,
			      cases[i].trigger, cases[i].max_backoff);
		assert_true(pacing_sample_period_s(p, cases[i].quiet_rounds, cases[i].max_backoff,
						   cases[i].trigger) == cases[i].period_s);
		assert_true(pacing_sample_period_s(off, cases[i].quiet_rounds, cases[i].max_backoff,
						   cases[i].trigger) == cases[i].offload_period_s);
	}
	vswap_policy_free(p);
	vswap_policy_free(off);
}

static void test_failed_action_not_recorded(void **state)
{
	struct vswap_policy *p = policy("{\"schema_version\": 1}");
	struct signals s = base();
	struct engine_state st;
	struct decision d;
	bool done[ENGINE_MAX_ACTIONS] = {false};

	s.vswap_max = 100 * MiB;
	s.vswap_current = 99 * MiB;
	engine_state_init(&st);
	engine_decide(p, &patched, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_WRITEBACK), 1);
	engine_update(&st, &d, done, 0); /* the write failed */
	assert_true(engine_recent_writeback(&st, 0) == 0);
	assert_null(st.recent); /* the rate window is allocated at the first writeback */
	s.now_s = 1;		/* no cooldown was started: tries again */
	engine_decide(p, &patched, &s, &st, &d);
	assert_int_equal(count(&d, ACTION_WRITEBACK), 1);
	for (size_t i = 0; i < d.n_actions; i++)
		done[i] = true;
	engine_update(&st, &d, done, 1);
	assert_non_null(st.recent);
	assert_true(engine_recent_writeback(&st, 1) == find(&d, ACTION_WRITEBACK)->value);
	vswap_policy_free(p);
	engine_state_done(&st);
}

static void test_degradations(void **state)
{
	struct vswap_policy *p = policy("{\"schema_version\": 1, \"vswap\": {\"max\": \"1G\"},"
					" \"offload\": {\"enabled\": true}}");
	char notes[8][192];
	struct vswap_caps legacy = {.mode = VSWAP_MODE_LEGACY, .memory_controller = true};

	assert_int_equal(engine_degradations(p, &patched, notes, 8), 0);
	assert_int_equal(engine_degradations(p, &stock, notes, 8), 2);
	assert_non_null(strstr(notes[0], "vswap.max is emulated"));
	assert_non_null(strstr(notes[1], "no memory.vswap.writeback"));
	assert_int_equal(engine_degradations(p, &legacy, notes, 8), 3);
	assert_non_null(strstr(notes[0], "vswap.max has no effect"));
	assert_non_null(strstr(notes[2], "offload is inert"));
	assert_int_equal(engine_degradations(p, &legacy, notes, 1), 1);
	vswap_policy_free(p);
}

/* A sample with the given fields present; the rest absent. */
static void sample_set(struct vswap_sample *s, enum vswap_field f, uint64_t v)
{
	s->value[f] = v;
	s->present |= 1u << f;
}

/* Whether the memo would see s as changed, leaving the memo as it is. */
static bool sample_differs(const struct vswap_sample *s, const struct sample_memo *memo)
{
	struct sample_memo copy = *memo;

	return sample_memo_take(&copy, s, 0);
}

/* The memo stands in for the last sample: back-off, rates and metrics all read it. */
static void test_sample_memo(void **state)
{
	struct vswap_sample a = {0}, b;
	struct sample_memo memo = {0};
	struct signals s;
	uint64_t v;

	sample_set(&a, VSWAP_F_ZSWPIN, 1000);
	sample_set(&a, VSWAP_F_MEMORY_CURRENT, 64 << 20);
	sample_set(&a, VSWAP_F_MEMORY_MAX, UINT64_MAX);
	a.memory_pressure.some.total_us = 7;

	assert_true(sample_differs(&a, &memo)); /* nothing remembered yet */
	signals_from_samples(&a, &memo, 100, &s);
	assert_false(s.has_rates);
	assert_true(sample_memo_take(&memo, &a, 100)); /* the first: changed */
	assert_false(sample_differs(&a, &memo));

	/* Each thing back-off looks at is seen: a field, its presence, the pressure total. */
	b = a;
	b.value[VSWAP_F_MEMORY_MAX] = 1 << 30; /* not kept in the memo, still in the digest */
	assert_true(sample_differs(&b, &memo));
	b = a;
	sample_set(&b, VSWAP_F_ZSWAP, 0);
	assert_true(sample_differs(&b, &memo));
	b = a;
	b.memory_pressure.some.total_us++;
	assert_true(sample_differs(&b, &memo));
	b = a;
	b.memory_pressure.some.avg10 = 50; /* averages follow the total: not compared */
	assert_false(sample_differs(&b, &memo));

	/* Rates from the remembered counter, over the time between the samples. */
	b = a;
	b.value[VSWAP_F_ZSWPIN] = 1500;
	signals_from_samples(&b, &memo, 105, &s);
	assert_true(s.has_rates);
	assert_true(fabs(s.zswpin_per_s - 100.0) < 1e-9);
	b.value[VSWAP_F_ZSWPIN] = 10; /* a counter that went back: the cgroup was recreated */
	signals_from_samples(&b, &memo, 105, &s);
	assert_true(s.zswpin_per_s == 0);

	/* Kept fields read back; absent or unkept ones do not. */
	assert_true(sample_memo_get(&memo, VSWAP_F_MEMORY_CURRENT, &v));
	assert_int_equal(v, 64 << 20);
	assert_false(sample_memo_get(&memo, VSWAP_F_ZSWAP, &v));
	assert_false(sample_memo_get(&memo, VSWAP_F_MEMORY_MAX, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vswap_max_patched),
	    cmocka_unit_test(test_vswap_max_emulated_on_stock),
	    cmocka_unit_test(test_zswap_writeback_knob),
	    cmocka_unit_test(test_writeback_at_cap_with_cooldown_and_rate),
	    cmocka_unit_test(test_writeback_hysteresis),
	    cmocka_unit_test(test_condition_edges),
	    cmocka_unit_test(test_writeback_cooldown_edge),
	    cmocka_unit_test(test_writeback_amount_edges),
	    cmocka_unit_test(test_rate_window_edge),
	    cmocka_unit_test(test_rate_window_overflow),
	    cmocka_unit_test(test_offload_edges),
	    cmocka_unit_test(test_emulation_edges),
	    cmocka_unit_test(test_writeback_compound_conditions),
	    cmocka_unit_test(test_writeback_held),
	    cmocka_unit_test(test_offload),
	    cmocka_unit_test(test_offload_on_its_own_clock),
	    cmocka_unit_test(test_offload_ramp),
	    cmocka_unit_test(test_offload_refaults),
	    cmocka_unit_test(test_sample_period),
	    cmocka_unit_test(test_failed_action_not_recorded),
	    cmocka_unit_test(test_degradations),
	    cmocka_unit_test(test_sample_memo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
