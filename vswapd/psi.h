/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * PSI triggers: memory.pressure of a cgroup opened and written "some|full THRESHOLD WINDOW";
 * the fd then polls POLLPRI whenever the threshold is crossed within a window.
 */

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

/*
 * Open the trigger of policy p on cgroup (relative to the mount at cgroup_fd). The trigger as
 * written goes to trigger (for messages). Returns the fd, or -EOPNOTSUPP for a tree of plain
 * files (tests, fixtures: writing one would corrupt it), -ENOENT when the cgroup is gone, or
 * the kernel's refusal. *ret_widened: the kernel took only a window widened to whole 2 s
 * (unprivileged triggers, see psi.c).
 */
int psi_trigger_open(int cgroup_fd, const char *cgroup, const struct vswap_policy *p, char *trigger,
		     size_t len, bool *ret_widened);
