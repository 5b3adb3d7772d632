/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The record of one managed cgroup: which policy is in force and why, what the engine
 * remembers, what vswapd did to it (counts, knobs to restore, the last decisions for
 * explain), and the scheduler's bookkeeping. Most managed cgroups are never acted on, so
 * action state and the explain ring are allocated with their first use.
 */

#include <stdint.h>
#include <systemd/sd-event.h>

#include "actuator.h"
#include "dueheap.h"
#include "engine.h"
#include "policyset.h"
#include "sampler.h"

#define EXPLAIN_DEPTH 8

/* What acting on a cgroup leaves. */
struct managed_acts {
	uint64_t count[_ACTION_KIND_COUNT]; /* actions done, by kind */
	uint64_t bytes[_ACTION_KIND_COUNT]; /* bytes those actions named */
	struct knob_memory knobs;	    /* knobs as they were before the first change */
};

struct scheduler;

/* The scheduler's part (scheduler.c): when to sample next, and the PSI trigger. */
struct managed_sched {
	struct scheduler *owner; /* set by scheduler_add() */
	struct due_entry due;	 /* the next sample, in the scheduler's heap */
	unsigned quiet_rounds;	 /* samples in a row with nothing new: the timer backs off */
	double period_s;	 /* seconds: the period as last set, 0 before */
	double period_max_s;	 /* seconds: the period it backs off to */
	int psi_fd;		 /* the trigger on memory.pressure, -1: none */
	sd_event_source *psi_source;
	uint64_t psi_events;
};

struct managed {
	char *display;	  /* "/"-prefixed */
	const char *path; /* relative to the cgroup2 mount: display + 1 */
	char *policy;	  /* the policy its attachment or a match chose; NULL: none */
	char *chosen_by;  /* the file that chose it: the attachment, the policy (its match) */
	char *override;	  /* runtime override (control socket), NULL: none */
	/* vswap.max set by hand (control socket set-max): beats the policy's until the next
	 * reload or clear-override, so the engine does not undo it on its next tick. */
	struct vswap_opt_size pinned_vswap_max;
	struct engine_state engine;
	struct managed_acts *acts; /* allocated with the first action; NULL: none yet */
	struct sample_memo memo;   /* the last sample, as far as the next one needs it */
	struct managed_sched sched;
	uint64_t failures; /* actions that failed */
	uint64_t samples;
	/* Evaluations done under the policy in force since it was chosen (0 after a change):
	 * vswapctl run starts its command only once this is >= 1, i.e. the policy's knobs are
	 * written. */
	uint64_t policy_samples;
	/* The last EXPLAIN_DEPTH decisions that did or noted something, as JSON text, the oldest
	 * at explain_next; allocated with the first, NULL before. */
	char **explain;
	size_t explain_next;
};

/* A record for the cgroup at path (relative to the mount), no policy yet. -ENOMEM. */
int managed_new(const char *path, struct managed **ret);

/* Free the record (NULL-safe). The scheduler must have let go of it (scheduler_forget()). */
struct managed *managed_free(struct managed *mc);

/* The policy in force: the override while it names a loaded policy, else the chosen one;
 * NULL when neither is loaded. */
const struct vswap_policy *managed_policy(const struct managed *mc,
					  const struct vswap_policy_set *set);

/* The policy its attachment or a policy's match chose, and the file that did (NULL, NULL:
 * none; an override may still keep it managed). -ENOMEM. */
int managed_set_policy(struct managed *mc, const char *policy, const char *chosen_by);

/* Why the policy in force is: "override", or the file that chose it. */
const char *managed_chosen_by(const struct managed *mc, const struct vswap_policy_set *set);

/* Set (name) or clear (NULL) the runtime override; clearing also drops a pinned cap. */
int managed_set_override(struct managed *mc, const char *name);

/* vswap.max as set by hand (UINT64_MAX: "max"), in force until cleared. */
void managed_pin_vswap_max(struct managed *mc, uint64_t bytes);

/* Where an action on mc keeps the knobs it changes (allocated on first use); NULL: ENOMEM. */
struct knob_memory *managed_knobs(struct managed *mc);

/* Count an action done on mc (allocating its action state; not counted without memory). */
void managed_count_action(struct managed *mc, const struct action *a);

static inline uint64_t managed_actions(const struct managed *mc, enum action_kind k)
{
	return mc->acts ? mc->acts->count[k] : 0;
}

static inline uint64_t managed_action_bytes(const struct managed *mc, enum action_kind k)
{
	return mc->acts ? mc->acts->bytes[k] : 0;
}

/* Keep a decision's JSON text (taken over) as the newest of the ring. */
void managed_explain_push(struct managed *mc, char *json_text);

/* The i-th of the EXPLAIN_DEPTH slots, oldest first; NULL for a slot not used yet. */
const char *managed_explain_at(const struct managed *mc, size_t i);
