/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conditions.h"
#include "size.h"
#include "util.h"

/* A stock-kernel zswap.max emulating vswap.max is rewritten only past this relative drift. */
#define EMULATION_DRIFT 0.10
#define RATE_WINDOW_S	60.0
#define PAGE_BYTES	4096u

static const char *const action_names[_ACTION_KIND_COUNT] = {
    [ACTION_SET_VSWAP_MAX] = "set_vswap_max",
    [ACTION_SET_ZSWAP_MAX] = "set_zswap_max",
    [ACTION_SET_ZSWAP_WRITEBACK] = "set_zswap_writeback",
    [ACTION_WRITEBACK] = "writeback",
    [ACTION_RECLAIM] = "reclaim",
};

const char *action_kind_name(enum action_kind kind)
{
	return kind < _ACTION_KIND_COUNT ? action_names[kind] : "unknown";
}

void engine_state_init(struct engine_state *st)
{
	*st = (struct engine_state){.last_writeback_s = -INFINITY, .last_reclaim_s = -INFINITY};
}

void engine_state_done(struct engine_state *st)
{
	if (st)
		st->recent = mfree(st->recent);
}

static void add_action(struct decision *d, enum action_kind kind, uint64_t value, const char *fmt,
		       ...) __attribute__((format(printf, 4, 5)));

static void add_action(struct decision *d, enum action_kind kind, uint64_t value, const char *fmt,
		       ...)
{
	va_list ap;

	if (d->n_actions >= ENGINE_MAX_ACTIONS)
		return;
	struct action *a = &d->actions[d->n_actions++];
	a->kind = kind;
	a->value = value;
	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
}

static void add_note(struct decision *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_note(struct decision *d, const char *fmt, ...)
{
	va_list ap;

	if (d->n_notes >= ENGINE_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(d->notes[d->n_notes++], sizeof(d->notes[0]), fmt, ap);
	va_end(ap);
}

static double ratio_of(const struct signals *s)
{
	return s->zswap > 0 ? (double)s->zswapped / (double)s->zswap : 0;
}

/* The policy's size in bytes for this cgroup; false (with a note) when it cannot resolve. */
static bool resolve(const struct vswap_opt_size *o, const char *what, const struct signals *s,
		    struct decision *d, uint64_t *ret)
{
	if (!o->set)
		return false;
	if (vswap_size_resolve(&o->size, s->memory_max, ret) == 0)
		return true;
	add_note(d, "%s is a percentage of memory.max, which is \"max\": left alone", what);
	return false;
}

static void decide_vswap_max(const struct vswap_policy *p, const struct vswap_caps *caps,
			     const struct signals *s, struct decision *d)
{
	char a[VSWAP_SIZE_FORMAT_MAX], b[VSWAP_SIZE_FORMAT_MAX];
	uint64_t target;

	if (!resolve(&p->vswap_max, "vswap.max", s, d, &target))
		return;
	if (caps->vswap) {
		if (s->vswap_max != target)
			add_action(d, ACTION_SET_VSWAP_MAX, target,
				   "policy %s: vswap.max %s (was %s)", p->name,
				   vswap_size_format(target, a),
				   vswap_size_format(s->vswap_max, b));
		return;
	}
	if (!caps->zswap_cgroup) {
		add_note(
		    d, "vswap.max needs memory.vswap.max or memory.zswap.max: not on this kernel");
		return;
	}
	/* Stock kernel: cap the compressed pool at what the cap's pages take compressed now. */
	double ratio = dmax(ratio_of(s), 1.0);
	uint64_t emulated = target == UINT64_MAX ? UINT64_MAX : (uint64_t)((double)target / ratio);
	uint64_t ceiling;
	if (resolve(&p->zswap_max, "zswap.max", s, d, &ceiling) && ceiling < emulated)
		return; /* the explicit zswap.max is lower and decide_zswap_max sets it */
	emulated = emulated / PAGE_BYTES * PAGE_BYTES;
	double drift = s->zswap_max == 0
			   ? INFINITY
			   : fabs((double)emulated - (double)s->zswap_max) / (double)s->zswap_max;
	if (s->zswap_max != emulated &&
	    (emulated == UINT64_MAX || s->zswap_max == UINT64_MAX || drift > EMULATION_DRIFT))
		add_action(d, ACTION_SET_ZSWAP_MAX, emulated,
			   "policy %s: vswap.max %s emulated as zswap.max %s at ratio %.2f "
			   "(no memory.vswap.max on this kernel)",
			   p->name, vswap_size_format(target, a), vswap_size_format(emulated, b),
			   ratio);
}

static void decide_zswap(const struct vswap_policy *p, const struct vswap_caps *caps,
			 const struct signals *s, struct decision *d)
{
	char a[VSWAP_SIZE_FORMAT_MAX];
	uint64_t target;

	if (resolve(&p->zswap_max, "zswap.max", s, d, &target) && s->zswap_max != target) {
		if (caps->zswap_cgroup)
			add_action(d, ACTION_SET_ZSWAP_MAX, target, "policy %s: zswap.max %s",
				   p->name, vswap_size_format(target, a));
		else
			add_note(d, "zswap.max: memory.zswap.max not on this kernel");
	}
	if (p->zswap_writeback >= 0 && s->zswap_writeback != p->zswap_writeback) {
		if (caps->zswap_writeback)
			add_action(d, ACTION_SET_ZSWAP_WRITEBACK, (uint64_t)p->zswap_writeback,
				   "policy %s: zswap.writeback %d", p->name, p->zswap_writeback);
		else
			add_note(d, "zswap.writeback: memory.zswap.writeback not on this kernel");
	}
}

uint64_t engine_recent_writeback(const struct engine_state *st, double now_s)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < st->n_recent; i++)
		if (now_s - st->recent[i].t < RATE_WINDOW_S)
			sum += st->recent[i].bytes;
	return sum;
}

/* Bytes one writeback may take now under the cooldown and rate cap, 0 (with a note) if none. */
static uint64_t writeback_budget(const struct vswap_policy *p, const struct signals *s,
				 const struct engine_state *st, struct decision *d)
{
	if (s->now_s - st->last_writeback_s < p->writeback.cooldown_s)
		return 0; /* cooling down: expected, not worth a note */
	if (s->io_some_avg10 > p->writeback.io_backoff_some_above) {
		add_note(d, "writeback held: io pressure %.2f%% above %.2f%%", s->io_some_avg10,
			 p->writeback.io_backoff_some_above);
		return 0;
	}
	uint64_t used = engine_recent_writeback(st, s->now_s);
	uint64_t left = used >= p->writeback.max_bytes_per_minute
			    ? 0
			    : p->writeback.max_bytes_per_minute - used;
	uint64_t amount = p->writeback.amount_bytes;
	amount = amount < left ? amount : left;
	amount = amount < s->zswap ? amount : s->zswap;
	if (amount < PAGE_BYTES) {
		if (left < PAGE_BYTES)
			add_note(d, "writeback held: %llu bytes already this minute (cap %llu)",
				 (unsigned long long)used,
				 (unsigned long long)p->writeback.max_bytes_per_minute);
		return 0;
	}
	return amount;
}

static void decide_writeback(const struct vswap_policy *p, const struct vswap_caps *caps,
			     const struct signals *s, const struct engine_state *st,
			     struct decision *d)
{
	char why[128] = "";
	uint64_t cap = s->has_vswap ? s->vswap_max : UINT64_MAX;

	if (!p->writeback.enabled)
		return;
	for (size_t i = 0; i < p->writeback.n_conditions && !d->writeback_wanted; i++) {
		why[0] = '\0';
		d->writeback_wanted = condition_holds(&p->writeback.conditions[i], s, cap,
						      st->writeback_active, why, sizeof(why));
	}
	if (!d->writeback_wanted)
		return;
	if (!caps->vswap_writeback) {
		add_note(d, "writeback wanted (%s) but this kernel has no memory.vswap.writeback",
			 why);
		return;
	}
	if (s->zswap_writeback == 0) {
		add_note(d, "writeback wanted (%s) but memory.zswap.writeback is 0", why);
		return;
	}
	uint64_t amount = writeback_budget(p, s, st, d);
	if (amount > 0)
		add_action(d, ACTION_WRITEBACK, amount, "policy %s: %s", p->name, why);
}

/*
 * Senpai-style: while pressure is under target, reclaim a step of cold memory into zswap.
 * The step starts at step_percent of memory.current and doubles after each step taken in calm
 * (pressure under half the target), up to OFFLOAD_RAMP_MAX doublings and max_step: a fixed
 * 1 % every 6 s needs ~16 minutes to take 60 % of a cgroup's memory. Pressure at or over the
 * target skips the step and starts the ramp over; in between, the step holds.
 */
#define OFFLOAD_RAMP_MAX 2

/*
 * What offload pushed out coming back: if zswap loaded back, at the last interval's rate, at
 * least this share of the step about to be taken, the step would cut into the working set:
 * its pages return at once, at the workload's expense, while memory pressure, which counts
 * only refaults of pages the kernel saw as active, can stay under the target (redis with its
 * hot keys spread over the heap: 31 % slower at 0.2 % pressure, bench/frontier). Hold, and
 * start the ramp over, as at the target.
 */
#define OFFLOAD_REFAULT_SHARE 0.25

static void decide_offload(const struct vswap_policy *p, const struct vswap_caps *caps,
			   const struct signals *s, const struct engine_state *st,
			   struct decision *d)
{
	if (!p->offload.enabled || s->now_s - st->last_reclaim_s < p->offload.interval_s)
		return;
	if (!caps->memory_reclaim) {
		add_note(d, "offload: memory.reclaim not on this kernel");
		return;
	}
	if (s->memory_some_avg10 >= p->offload.pressure_target) {
		d->offload_ramp = 0; /* at or over target: back off this round, start over */
		return;
	}
	bool calm = s->memory_some_avg10 < p->offload.pressure_target / 2;
	d->offload_ramp = (int)st->offload_ramp + (calm && st->offload_ramp < OFFLOAD_RAMP_MAX);
	uint64_t step = (uint64_t)((double)s->memory_current * p->offload.step_percent / 100.0)
			<< st->offload_ramp;
	step = step < p->offload.max_step_bytes ? step : p->offload.max_step_bytes;
	step = step / PAGE_BYTES * PAGE_BYTES;
	double back = s->has_rates ? s->zswpin_per_s * PAGE_BYTES * p->offload.interval_s : 0;
	if (step > 0 && back >= OFFLOAD_REFAULT_SHARE * (double)step) {
		d->offload_ramp = 0;
		add_note(d,
			 "offload held: zswap loads back %.0f KiB per interval, %.0f%% of a step",
			 back / 1024, 100 * back / (double)step);
		return;
	}
	if (step > 0)
		add_action(d, ACTION_RECLAIM, step,
			   "policy %s: offload, memory pressure %.2f%% under target %.2f%%",
			   p->name, s->memory_some_avg10, p->offload.pressure_target);
}

void engine_decide(const struct vswap_policy *p, const struct vswap_caps *caps,
		   const struct signals *s, const struct engine_state *st, struct decision *ret)
{
	*ret = (struct decision){.offload_ramp = -1};
	decide_vswap_max(p, caps, s, ret);
	decide_zswap(p, caps, s, ret);
	decide_writeback(p, caps, s, st, ret);
	decide_offload(p, caps, s, st, ret);
}

static void record_writeback(struct engine_state *st, uint64_t bytes, double now_s)
{
	size_t keep = 0;

	st->last_writeback_s = now_s;
	if (!st->recent && !(st->recent = calloc(ENGINE_RATE_SLOTS, sizeof(*st->recent)))) {
		/* Out of memory: the per-minute cap cannot count this one, so no more writeback
		 * until the window it would have counted in has passed (a longer cooldown). */
		st->last_writeback_s = now_s + RATE_WINDOW_S;
		return;
	}

	/* Drop what left the window. */
	for (size_t i = 0; i < st->n_recent; i++)
		if (now_s - st->recent[i].t < RATE_WINDOW_S)
			st->recent[keep++] = st->recent[i];
	if (keep == ENGINE_RATE_SLOTS) {
		/* Fold the oldest into the next: it then counts a little longer, never less. */
		st->recent[1].bytes += st->recent[0].bytes;
		memmove(st->recent, st->recent + 1, (keep - 1) * sizeof(st->recent[0]));
		keep--;
	}
	st->recent[keep].t = now_s;
	st->recent[keep].bytes = bytes;
	st->n_recent = keep + 1;
}

void engine_update(struct engine_state *st, const struct decision *d, const bool *done,
		   double now_s)
{
	bool reclaimed = false;

	st->writeback_active = d->writeback_wanted;
	for (size_t i = 0; i < d->n_actions; i++) {
		if (!done[i])
			continue;
		if (d->actions[i].kind == ACTION_WRITEBACK)
			record_writeback(st, d->actions[i].value, now_s);
		else if (d->actions[i].kind == ACTION_RECLAIM) {
			st->last_reclaim_s = now_s;
			reclaimed = true;
		}
	}
	/* A step grows the ramp only when it was taken; pressure resets it either way. */
	if (d->offload_ramp == 0 || (reclaimed && d->offload_ramp > 0))
		st->offload_ramp = (unsigned)d->offload_ramp;
}

void engine_manual_decision(const struct engine_state *st, const struct action *a,
			    struct decision *ret)
{
	*ret = (struct decision){
	    .writeback_wanted = st->writeback_active,
	    .offload_ramp = -1,
	    .n_actions = 1,
	    .actions = {*a},
	};
}
