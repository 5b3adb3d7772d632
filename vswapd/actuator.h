/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Carries out the engine's actions through libvswap's knob writes, and remembers the value
 * each knob had before vswapd first changed it so that it can be put back when no policy
 * applies any more.
 *
 * Single writer: systemd owns the memory.* properties it manages for its units. vswapd
 * writes memory.vswap.* (systemd does not know them), memory.reclaim and
 * memory.vswap.writeback (triggers, not properties) directly; memory.zswap.max and
 * memory.zswap.writeback are written directly too for now — see vswapd(8).
 */

#include <stdbool.h>

#include "context.h"
#include "engine.h"

/* Knobs whose first value is kept for restoring. */
enum restorable {
	RESTORE_VSWAP_MAX,
	RESTORE_ZSWAP_MAX,
	RESTORE_ZSWAP_WRITEBACK,
	_RESTORE_COUNT,
};

/* Each knob holds "max" or a number: kept as a number, UINT64_MAX for "max" (32 bytes, not
 * the 99 of the text). */
struct knob_memory {
	bool saved[_RESTORE_COUNT];
	uint64_t value[_RESTORE_COUNT];
};

/*
 * Apply one action to a cgroup (relative path). In dry-run mode nothing is written and 0 is
 * returned (mem may then be NULL). -EAGAIN from a trigger (the kernel did less than asked) counts
 * as done: returns
 * 1. Otherwise 0 or the write's -errno.
 */
int actuator_apply(const struct vswap_ctx *ctx, const char *cgroup, const struct action *a,
		   bool dry_run, struct knob_memory *mem);

/*
 * Apply every action of a decision in order, the one way vswapd acts (a tick or a request on
 * the control socket): ret_results[i] is actuator_apply()'s result for actions[i], -ENOMEM
 * for a real run without knob memory (mem NULL). Returns how many failed.
 */
int actuator_run(const struct vswap_ctx *ctx, const char *cgroup, const struct decision *d,
		 bool dry_run, struct knob_memory *mem, int *ret_results);

/* Put back every knob saved in mem; returns the first error, continues past it. */
int actuator_restore(const struct vswap_ctx *ctx, const char *cgroup, struct knob_memory *mem,
		     bool dry_run);

/* The cgroup file an action writes. */
const char *actuator_knob(enum action_kind kind);
