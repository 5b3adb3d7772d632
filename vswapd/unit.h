/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * systemd units and slices to cgroups, through the ControlGroup property of the unit on the
 * system bus (sd-bus). Without a system bus (no systemd) unit and slice policies match
 * nothing, which is logged once. Answers are cached until the next rescan, since a unit that
 * starts creates its cgroup and so causes one.
 */

#include "policy.h"

struct manager;

void unit_setup(struct manager *m);
void unit_done(struct manager *m);
void unit_cache_flush(struct manager *m);

/* vswap_unit_resolver_t: the "/"-prefixed cgroup of a unit or slice, or NULL. */
const char *unit_resolve(const char *unit, void *userdata);
