/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * systemd units and slices to cgroups, through the ControlGroup property of the unit on the
 * system bus (sd-bus). Without a system bus (no systemd) unit and slice policies match
 * nothing, which is logged once. Answers are cached until the next flush (a rescan): a unit
 * that starts creates its cgroup and so causes one; systemd's JobRemoved signal (a unit
 * started or stopped) is passed on to changed(), since the cgroup may appear before systemd
 * reports it as the unit's.
 */

#include <systemd/sd-event.h>

struct unit_cache;

/* Never fails for want of a bus (then every unit resolves to NULL); -ENOMEM. */
int unit_cache_new(sd_event *event, void (*changed)(void *userdata), void *userdata,
		   struct unit_cache **ret);
struct unit_cache *unit_cache_free(struct unit_cache *c);
void unit_cache_flush(struct unit_cache *c);

/* vswap_unit_resolver_t with the cache as userdata: the "/"-prefixed cgroup of a unit or
 * slice, or NULL. */
const char *unit_cache_resolve(const char *unit, void *cache);
