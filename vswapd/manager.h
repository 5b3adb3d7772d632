/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon's event loop (sd-event): the managed set of cgroups follows the cgroup tree
 * (inotify), each managed cgroup has a PSI trigger on memory.pressure and a sampling timer
 * that backs off while the cgroup is quiet, and each wake-up runs sample -> decide -> act.
 */

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "actuator.h"
#include "caps.h"
#include "config.h"
#include "context.h"
#include "dueheap.h"
#include "engine.h"
#include "policyset.h"
#include "sample.h"
#include "sampler.h"

#define EXPLAIN_DEPTH 8

/* What acting on a cgroup leaves: most managed cgroups are never acted on. */
struct managed_acts {
	uint64_t count[_ACTION_KIND_COUNT]; /* actions done, by kind */
	uint64_t bytes[_ACTION_KIND_COUNT]; /* bytes those actions named */
	struct knob_memory knobs;	    /* knobs as they were before the first change */
};

struct managed {
	char *display;	  /* "/"-prefixed */
	const char *path; /* relative to the cgroup2 mount: display + 1 */
	char *policy;	  /* name of the policy in force */
	char *chosen_by;  /* why: the attachment file, the policy file (its match), "override" */
	char *override;	  /* runtime override (control socket), NULL: none */
	/* vswap.max set by hand (control socket set-max): beats the policy's until the next
	 * reload or clear-override, so the engine does not undo it on its next tick. */
	struct vswap_opt_size pinned_vswap_max;
	struct engine_state engine;
	struct managed_acts *acts; /* allocated with the first action; NULL: none yet */
	struct sample_memo memo;   /* the last sample, as far as the next one needs it */
	unsigned quiet_rounds;	   /* samples in a row with nothing new: the timer backs off */
	double period_s;     /* seconds: the timer's period as last set by schedule(), 0 before */
	double period_max_s; /* seconds: the period it backs off to (shown by the control socket) */
	int psi_fd;
	sd_event_source *psi_source;
	struct due_entry due; /* the next sample, in manager.due */
	uint64_t failures;
	uint64_t samples;
	uint64_t psi_events;
	/* The last EXPLAIN_DEPTH decisions that did or noted something, as JSON text, the oldest
	 * at explain_next; allocated with the first, NULL before (most cgroups have none). */
	char **explain;
	size_t explain_next;
	struct manager *manager;
};

struct manager {
	struct config cfg;
	sd_event *event;
	sd_bus *bus; /* system bus for unit resolution, NULL without systemd */
	struct unit_cache *units;
	struct vswap_ctx *ctx;
	struct vswap_caps caps;
	struct vswap_policy_set *policies;
	size_t n_managed;
	struct managed **managed; /* sorted by path */
	int inotify_fd;
	sd_event_source *inotify_source;
	sd_event_source *sampling; /* one timer for every managed cgroup, armed at due's head */
	struct due_heap due;
	bool sampling_pass; /* on_sampling() is evaluating: it arms the timer when done */
	sd_event_source *rescan_timer;
	sd_event_source *reload_timer;
	sd_event_source *metrics_timer;
	int *config_wd; /* inotify watches of the policy, attachment and drop-in directories */
	size_t n_config_wd;
	bool psi_triggers_unavailable; /* logged once; polling only */
	bool psi_window_widened_logged;
	uint64_t reloads;
	uint64_t reload_failures;
	char *last_reload_error; /* NULL when the last reload worked */
	struct control *control;
};

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

int manager_new(const struct config *cfg, struct manager **ret);
struct manager *manager_free(struct manager *m);
int manager_run(struct manager *m);

/* Reload policies: all or nothing. Returns 0, or -EBADMSG with m->last_reload_error set. */
int manager_reload(struct manager *m);

/* The managed cgroup shown as display ("/a/b"), or NULL. */
struct managed *manager_find(const struct manager *m, const char *display);

/* Run sample -> decide -> act for one cgroup now (also used by the control socket). */
void manager_evaluate(struct managed *mc, const char *why);

/* Seconds on the monotonic clock. */
double manager_now(const struct manager *m);

/* A rescan soon, debounced: after a burst of cgroup or unit changes, one. */
void manager_schedule_rescan(struct manager *m);

/* Re-derive the managed set from the tree and the policies (after a reload or override). */
int manager_rescan(struct manager *m);
