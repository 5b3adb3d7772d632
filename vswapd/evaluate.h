/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One cgroup's trip: sample (sampler) -> decide (engine) -> act (actuator), then the
 * bookkeeping every action gets, whoever asked for it: counts, failures, the journal, the
 * engine's memory (cooldowns, the per-minute window) and the explain ring. A tick and a
 * request on the control socket act through the same path.
 */

#include <stdbool.h>

#include "caps.h"
#include "context.h"
#include "managed.h"
#include "policyset.h"

/* What evaluating needs of the daemon. */
struct evaluate_env {
	const struct vswap_ctx *ctx;
	const struct vswap_caps *caps;
	const struct vswap_policy_set *policies;
	bool dry_run;
};

/*
 * Sample mc, decide on its policy, act. Returns 1 when the sample changed or something was
 * done (the scheduler then samples again soon), 0 when all was quiet, -ENOENT when the cgroup
 * is gone (a rescan will see it), -ENOKEY when its policy is no longer loaded, or the
 * negative errno of an unreadable sample (logged, rate-limited).
 */
int evaluate_cgroup(const struct evaluate_env *env, struct managed *mc, double now_s,
		    const char *why);

/*
 * Carry out one action asked for by hand, with the same bookkeeping as a tick's (the engine
 * counts a writeback in its per-minute window and cooldown). Returns the action's result:
 * 0 done (or, in a dry run, would be), 1 a trigger did less than asked, or a negative errno.
 */
int evaluate_manual(const struct evaluate_env *env, struct managed *mc, const struct action *a,
		    double now_s, const char *why);
