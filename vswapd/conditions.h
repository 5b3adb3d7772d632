/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * When a writeback condition set holds (vswap-policy(5), "writeback.when"): every condition
 * of the set, each with a hysteresis band once writeback has started (active), so a cgroup
 * hovering at a threshold does not flap. Pure, like the engine that asks.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/*
 * Whether every condition of c holds for signals s; cap is the vswap cap the percentage is
 * of (UINT64_MAX or 0: none, the percentage never holds). why gets a clause per condition.
 */
bool condition_holds(const struct vswap_condition *c, const struct signals *s, uint64_t cap,
		     bool active, char *why, size_t why_len);
