/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A systemd unit's cgroup, from the ControlGroup property of the unit on the system bus.
 * Shared by vswapd (unit attachments and unit/slice policies) and vswapctl (show-policy).
 */

#include <systemd/sd-bus.h>

/*
 * The "/"-prefixed cgroup of unit (app.service, batch.slice, ...). -ENOENT when the unit is
 * not loaded or has no cgroup (not running), -EINVAL for a unit type without a cgroup, or
 * another negative errno from the bus.
 */
int vswap_unit_cgroup(sd_bus *bus, const char *unit, char **ret);
