/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The managed set: every cgroup below the cgroup2 mount (the root cgroup aside) that a policy
 * applies to, by attachment, by match, or by a runtime override. A rescan walks the tree and
 * brings the set in line with it and with the policies; the hooks let the scheduler and the
 * actuator follow each record in and out.
 */

#include <stddef.h>

#include "managed.h"
#include "policyset.h"

struct registry_hooks {
	/* Every cgroup the walk visits (path relative to the mount, "" the root). */
	void (*seen)(const char *path, void *userdata);
	/* A record that just joined the set. */
	void (*added)(struct managed *mc, void *userdata);
	/* A cgroup still there that no policy applies to any more (knobs to put back). */
	void (*unmanaged)(struct managed *mc, void *userdata);
	/* A record about to be freed: gone, or unmanaged. */
	void (*removing)(struct managed *mc, void *userdata);
	void *userdata;
};

struct registry {
	size_t n;
	struct managed **v; /* sorted by path */
	const struct vswap_ctx *ctx;
	struct registry_hooks hooks;
	vswap_unit_resolver_t resolve; /* units and slices to cgroups; NULL: they match nothing */
	void *resolve_userdata;
};

void registry_init(struct registry *reg, const struct vswap_ctx *ctx,
		   const struct registry_hooks *hooks, vswap_unit_resolver_t resolve,
		   void *resolve_userdata);

/* Free every record (through the removing hook). */
void registry_clear(struct registry *reg);

/*
 * Walk the tree and match set's policies. Returns 0, or the error of a walk that failed part
 * way: records of cgroups it did not reach are then kept while their policy is loaded.
 */
int registry_rescan(struct registry *reg, const struct vswap_policy_set *set);

/* The record of the cgroup shown as display ("/a/b"), or NULL. */
struct managed *registry_find(const struct registry *reg, const char *display);
