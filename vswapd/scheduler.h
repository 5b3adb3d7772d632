/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * When each managed cgroup is evaluated: one sd-event timer armed at the head of a heap of
 * due times, a period that backs off while a cgroup stays quiet (pacing_sample_period_s()),
 * never past its next offload step, and a PSI trigger per cgroup that evaluates it at once
 * when its memory pressure crosses the policy's threshold.
 */

#include <stdbool.h>
#include <systemd/sd-event.h>

#include "managed.h"

struct scheduler_hooks {
	/* Evaluate mc now; returns as evaluate_cgroup() (1 busy, 0 quiet, < 0 not sampled). */
	int (*evaluate)(struct managed *mc, const char *why, void *userdata);
	/* The policy in force for mc (its interval and trigger); NULL: none loaded. */
	const struct vswap_policy *(*policy)(const struct managed *mc, void *userdata);
	/* mc's trigger reported an error: its cgroup is going away. */
	void (*gone)(struct managed *mc, void *userdata);
	void *userdata;
};

struct scheduler;

/* cgroup_fd: the cgroup2 mount, for the triggers. max_backoff: vswapd.conf's MaxBackoff=. */
int scheduler_new(sd_event *event, int cgroup_fd, double max_backoff,
		  const struct scheduler_hooks *hooks, struct scheduler **ret);
struct scheduler *scheduler_free(struct scheduler *s);

/* A newly managed cgroup: its trigger armed, its first evaluation right away. */
void scheduler_add(struct scheduler *s, struct managed *mc);

/* Let go of mc before it is freed: no trigger, no evaluation queued. */
void scheduler_forget(struct scheduler *s, struct managed *mc);

/* After a reload: the trigger of the policy now in force, an evaluation right away. */
void scheduler_rearm(struct scheduler *s, struct managed *mc);

/* An evaluation right away, back-off started over. */
void scheduler_wake(struct scheduler *s, struct managed *mc);

/* Evaluate mc now, in this call, then queue its next evaluation. */
void scheduler_evaluate_now(struct scheduler *s, struct managed *mc, const char *why);

/* Whether this kernel takes PSI triggers (false: every cgroup is sampled by timer only). */
bool scheduler_pressure_triggers(const struct scheduler *s);
