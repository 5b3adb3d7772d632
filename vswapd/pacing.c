/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pacing.h"

#include <math.h>

#include "util.h"

/*
 * A cgroup with a PSI trigger is woken by the kernel as soon as memory pressure starts, so its
 * timer only has to catch growth without pressure (a pool filling, a limit to follow): it may
 * back off ×4 per quiet round instead of ×2 and reach the same cap in 3 rounds instead of 6
 * (defaults, interval 5 s, MaxBackoff 64: samples at 0, 5, 25, 105 s, then every 320 s,
 * instead of 0, 5, 15, 35, 75, 155, 315 s). A 1000-cgroup host then takes 2000 instead of
 * 3000 samples (80-93 µs each, bench/idle-cost: 0.40-0.47 % of a core over that minute) in
 * the first minute after start and reaches its steady state (3.1 samples/s, 0.028 %) after
 * 105 s instead of 315 s. Without a trigger the timer is the only way to notice pressure: ×2.
 */
double pacing_sample_period_s(const struct vswap_policy *p, unsigned quiet_rounds,
			      double max_backoff, bool pressure_trigger)
{
	unsigned doublings = (quiet_rounds < 30 ? quiet_rounds : 30) * (pressure_trigger ? 2 : 1);
	double period_s = p->interval_s * dmin((double)(UINT64_C(1) << doublings), max_backoff);

	/* Offload steps run on their own clock: backing off must not slow them. */
	if (p->offload.enabled)
		period_s = dmin(period_s, p->offload.interval_s);
	return period_s;
}

double pacing_offload_due_s(const struct vswap_policy *p, const struct engine_state *st,
			    double now_s)
{
	double due_s = st->last_reclaim_s + p->offload.interval_s - now_s;

	return p->offload.enabled && due_s > 0 ? due_s : INFINITY;
}
