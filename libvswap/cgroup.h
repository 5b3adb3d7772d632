/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Cgroups are named by their path relative to the cgroup2 mount: "" is the root cgroup,
 * "workload.slice/app.service" a child. vswap_cgroup_display() gives the "/"-prefixed form
 * people and JSON see.
 */

#include <stdbool.h>
#include <stddef.h>

#include "context.h"

/*
 * Turn what a user typed into the canonical relative path. Accepts "/a/b", "a/b", "a//b/",
 * and an absolute filesystem path below the cgroup2 mount ("/sys/fs/cgroup/a/b"). Rejects
 * "." and ".." components and control characters with -EINVAL. Does not check existence.
 */
int vswap_cgroup_normalize(const struct vswap_ctx *ctx, const char *input, char **ret);

/* Whether display is a canonical "/"-prefixed path: "/a/b", no "//", "." or "..", no trailing
 * "/", no control characters. "/" itself is valid. */
bool vswap_cgroup_path_valid(const char *display);

/* "/" + path: for output. Returns a static "/" for the root. */
char *vswap_cgroup_display(const char *path);

/* -ENOENT when the cgroup directory does not exist, -ENOTDIR when it is not a directory. */
int vswap_cgroup_exists(const struct vswap_ctx *ctx, const char *path);

/* 1 when the cgroup has the file (the kernel offers that knob there), 0 when not, or -errno. */
int vswap_cgroup_has(const struct vswap_ctx *ctx, const char *path, const char *file);

/* Read a file of a cgroup (e.g. "memory.stat"). */
int vswap_cgroup_read(const struct vswap_ctx *ctx, const char *path, const char *file, char **ret,
		      size_t *ret_len);

/* Called per cgroup, parents before children, siblings in name order. Return < 0 to stop. */
typedef int (*vswap_cgroup_visit_t)(const char *path, void *userdata);

/*
 * Walk the subtree at path (inclusive). A cgroup removed during the walk is skipped, not an
 * error. Returns the first negative value a visit returned, or an error opening path itself.
 */
int vswap_cgroup_walk(const struct vswap_ctx *ctx, const char *path, vswap_cgroup_visit_t visit,
		      void *userdata);
