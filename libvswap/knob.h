/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Writes to cgroup knobs. Every write is validated against the knob's kind before it reaches
 * the kernel, and errors are mapped to a sentence an operator can act on.
 */

#include <stdint.h>

#include "context.h"

enum vswap_knob_kind {
	VSWAP_KNOB_LIMIT,   /* bytes or "max": memory.max, memory.zswap.max, memory.vswap.max... */
	VSWAP_KNOB_BOOL01,  /* "0" or "1": memory.zswap.writeback */
	VSWAP_KNOB_TRIGGER, /* a byte amount to act on now: memory.reclaim, memory.vswap.writeback
			     */
};

/* The kind of a knob we know how to write; -ENOENT for any other file name. */
int vswap_knob_kind(const char *knob, enum vswap_knob_kind *ret);

/*
 * Validate value for the knob's kind and write it to CGROUP/KNOB (cgroup path as from
 * vswap_cgroup_normalize). -EINVAL for a value of the wrong kind (nothing written), else the
 * kernel's -errno.
 */
int vswap_knob_write(const struct vswap_ctx *ctx, const char *cgroup, const char *knob,
		     const char *value);

/*
 * Set a limit knob to bytes (VSWAP_LIMIT_MAX for "max") and read back what the kernel stored:
 * it rounds limits down to whole pages.
 */
int vswap_knob_set_limit(const struct vswap_ctx *ctx, const char *cgroup, const char *knob,
			 uint64_t bytes, uint64_t *ret_effective);

/* What a knob write's -errno means for that knob, as a phrase for "cannot set X: <phrase>". */
const char *vswap_knob_strerror(const char *knob, int err);
