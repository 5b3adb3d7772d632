/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * systemd units to their cgroups over the system bus, for the live system only (no --root:
 * a staged tree has no running systemd), cached for the run.
 */

#include <stdbool.h>

#include "context.h"

struct unit_resolver;

/* Never fails for want of a bus (every unit then resolves to NULL); NULL out of memory. */
struct unit_resolver *unit_resolver_new(const struct vswap_ctx *ctx);
struct unit_resolver *unit_resolver_free(struct unit_resolver *rs);
static inline void unit_resolver_freep(struct unit_resolver **rs)
{
	*rs = unit_resolver_free(*rs);
}

/* vswap_unit_resolver_t: the "/"-prefixed cgroup of a unit, NULL when not known. */
const char *unit_resolver_cgroup(const char *unit, void *resolver);

/* Whether units can be resolved at all (a system bus on the live system). */
bool unit_resolver_live(const struct unit_resolver *rs);
