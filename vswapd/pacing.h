/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * How often to look at a cgroup: the policy's interval, backed off while the cgroup stays
 * quiet, never past its next offload step. Pure; the scheduler asks.
 */

#include <stdbool.h>

#include "engine.h"

/*
 * Seconds until the next sample of a cgroup that has been quiet (nothing changed, nothing
 * done) for quiet_rounds samples in a row: the policy's interval_s, multiplied per quiet
 * round by 2, or by 4 when a PSI trigger is armed on the cgroup (pressure_trigger), at most
 * max_backoff times interval_s; never longer than the offload interval when offload is on.
 * quiet_rounds may be UINT_MAX: the cap.
 */
double pacing_sample_period_s(const struct vswap_policy *p, unsigned quiet_rounds,
			      double max_backoff, bool pressure_trigger);

/*
 * Seconds from now_s until the next offload step may run, INFINITY when offload is off or a
 * step may run now. The next sample must come no later: on the grid of a sample period that
 * differs from the offload interval (5 s against 6 s by default), steps ran every 10 s.
 */
double pacing_offload_due_s(const struct vswap_policy *p, const struct engine_state *st,
			    double now_s);
