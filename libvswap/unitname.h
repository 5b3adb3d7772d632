/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* systemd unit names, as policies, attachments and the command line take them. */

#include <stdbool.h>

/* A unit name systemd would take: "name.type" with a unit type systemd knows, of
 * [A-Za-z0-9:_.@\-] only, no "/". */
bool vswap_unit_name_valid(const char *name);

/* Whether units of the type of name have a cgroup of their own (service, scope, slice,
 * socket, mount, swap): the only ones a policy can act on. */
bool vswap_unit_has_cgroup(const char *name);
