/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Where vswapctl run's command runs: a cgroup of its own, made for it and holding its held
 * child (runchild.h) before the command starts.
 *   systemd as init: a transient scope NAME.scope, started over D-Bus with the child's pid
 *     (the system manager as root, the user's manager otherwise); systemd makes the cgroup,
 *     moves the child and removes the scope once it is empty.
 *   otherwise: libcgroup makes the cgroup NAME.scope on the cgroup2 hierarchy, next to the
 *     caller's own cgroup (below the root cgroup when the caller is in it), and moves the
 *     child there (what cgexec does); run_place_done() removes it once empty.
 * Both run on the live system only: libcgroup reads the fixed /proc/mounts, systemd is the
 * one running here. The cgroup is read back from the kernel (/proc/PID/cgroup).
 */

#include <stdbool.h>
#include <sys/types.h>

#include "context.h"

struct cgroup;
typedef struct sd_bus sd_bus;

struct run_place {
	char *unit;   /* NAME.scope */
	char *cgroup; /* "/"-prefixed, as the kernel says */
	bool systemd; /* a scope (else libcgroup's cgroup) */
	struct cgroup *cg;
};

/* Whether systemd is init here (run then starts scopes). */
bool run_place_systemd(void);

/* A scope NAME.scope holding pid (systemd). Errors said. */
int run_place_scope(const struct vswap_ctx *ctx, const char *unit, pid_t pid,
		    const char *description, struct run_place *p);

/*
 * Whether libcgroup can serve here (before anything is made): cgroup_init() reads the fixed
 * /proc/mounts; the memory controller must be on the cgroup2 hierarchy, not on a v1 one (a
 * hybrid host), nor missing. Refused with a clear error.
 */
int run_place_check_libcgroup(const struct vswap_ctx *ctx);

/*
 * A cgroup NAME.scope holding pid, made by libcgroup (after run_place_check_libcgroup()).
 * Refused with a clear error where libcgroup cannot: ancestors a user may not enable the
 * memory controller in.
 */
int run_place_libcgroup(const struct vswap_ctx *ctx, const char *unit, pid_t pid,
			struct run_place *p);

/*
 * p->cgroup from where the kernel says pid is (/proc/PID/cgroup); -EIO, said, unless that
 * is a cgroup named unit, with the memory controller (else vswapd could not manage it).
 */
int run_place_read_back(const struct vswap_ctx *ctx, pid_t pid, const char *unit,
			struct run_place *p);

/* The caller's own cgroup, "/"-prefixed. */
int run_place_own_cgroup(const struct vswap_ctx *ctx, char **ret);

/* Processes in it (cgroup.events "populated"): 1, 0, or a negative errno. */
int run_place_populated(const struct vswap_ctx *ctx, const struct run_place *p);

/*
 * Let go of it: libcgroup's cgroup is removed when empty (a scope goes by itself). Returns 1
 * when it was left in place because processes remain, else 0; errors said, not returned.
 */
int run_place_done(const struct vswap_ctx *ctx, struct run_place *p);
