/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The engine decides; it does not read files, look at clocks or write knobs. Inputs: a
 * policy, what the kernel offers, the cgroup's current signals and the engine's memory of
 * its own past actions. Output: the actions it intends, each with its reason, and notes on
 * what it would have done but could not. The manager applies the actions through the
 * actuator and tells the engine which succeeded (engine_update()).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "policy.h"

/* What the engine sees of one cgroup at one moment. Bytes unless named otherwise. */
struct signals {
	double now_s; /* monotonic seconds */
	uint64_t memory_current;
	uint64_t memory_max; /* UINT64_MAX: "max" */
	uint64_t zswap;	     /* compressed bytes in the pool */
	uint64_t zswapped;   /* their original size */
	bool has_vswap;	     /* memory.vswap.* exist (patched kernel) */
	uint64_t vswap_current;
	uint64_t vswap_max;	  /* the knob now (UINT64_MAX "max") */
	uint64_t zswap_max;	  /* the knob now */
	int zswap_writeback;	  /* the knob now: 0, 1, or -1 unknown */
	double memory_some_avg10; /* % */
	double io_some_avg10;	  /* %, 0 where io.pressure is absent */
	bool has_rates;		  /* false on the first sample */
	double zswpin_per_s;	  /* pages */
};

enum action_kind {
	ACTION_SET_VSWAP_MAX,	    /* memory.vswap.max = value (uncompressed bytes) */
	ACTION_SET_ZSWAP_MAX,	    /* memory.zswap.max = value (compressed bytes) */
	ACTION_SET_ZSWAP_WRITEBACK, /* memory.zswap.writeback = value (0/1) */
	ACTION_WRITEBACK,	    /* memory.vswap.writeback: value compressed bytes */
	ACTION_RECLAIM,		    /* memory.reclaim: value bytes */
	_ACTION_KIND_COUNT,
};

struct action {
	enum action_kind kind;
	uint64_t value;
	char reason[192];
};

#define ENGINE_MAX_ACTIONS 8
#define ENGINE_MAX_NOTES   4

struct decision {
	bool writeback_wanted; /* a writeback condition set held (kept for hysteresis) */
	int offload_ramp;      /* the offload ramp after this decision, -1: unchanged */
	size_t n_actions;
	struct action actions[ENGINE_MAX_ACTIONS];
	size_t n_notes;
	char notes[ENGINE_MAX_NOTES][192]; /* why something was not done */
};

/* Past writebacks inside the rate window, oldest first. */
#define ENGINE_RATE_SLOTS 64

struct engine_writeback {
	double t;
	uint64_t bytes;
};

struct engine_state {
	double last_writeback_s;
	double last_reclaim_s;
	unsigned offload_ramp; /* the next offload step is step_percent << offload_ramp */
	bool writeback_active; /* hysteresis: a condition held at the last decision */
	size_t n_recent;
	/* ENGINE_RATE_SLOTS entries, allocated at the first writeback: most cgroups never write
	 * back, and inline these 1 KiB were 43 % of vswapd's heap per managed cgroup (2.36 KiB,
	 * bench/idle-cost, 1000 cgroups). NULL: no writeback yet. */
	struct engine_writeback *recent;
};

/* A state for a cgroup not acted on yet. Release it with engine_state_done(). */
void engine_state_init(struct engine_state *st);

/* Free what the state holds (NULL-safe); it may be initialized again. */
void engine_state_done(struct engine_state *st);

/* Decide for one cgroup. Pure: st is only read. */
void engine_decide(const struct vswap_policy *p, const struct vswap_caps *caps,
		   const struct signals *s, const struct engine_state *st, struct decision *ret);

/*
 * Tell the engine what became of a decision taken at now_s: done[i] says whether actions[i]
 * was carried out. Updates cooldowns, the rate window and hysteresis.
 */
void engine_update(struct engine_state *st, const struct decision *d, const bool *done,
		   double now_s);

/*
 * The decision of one action asked for by hand (the control socket), for engine_update():
 * a writeback done so counts in the per-minute window and the cooldown like the engine's own
 * (the disk took it either way), while hysteresis and the offload ramp stay as they are.
 */
void engine_manual_decision(const struct engine_state *st, const struct action *a,
			    struct decision *ret);

/*
 * What of a policy this kernel cannot do as written, one sentence per field (at most
 * max_notes), so the daemon can say so once when it loads the policy. Returns the count.
 */
size_t engine_degradations(const struct vswap_policy *p, const struct vswap_caps *caps,
			   char (*notes)[192], size_t max_notes);

/* "set_vswap_max", "writeback", ...: stable names for logs, JSON and metrics. */
const char *action_kind_name(enum action_kind kind);

/* Compressed bytes written back in the minute before now_s. */
uint64_t engine_recent_writeback(const struct engine_state *st, double now_s);
