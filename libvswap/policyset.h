/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The policies in force: every *.json of the policy directories, layered like systemd's
 * configuration. Lowest to highest precedence:
 *   /usr/lib/vswapd/policies.d  (vendor)  <  /etc/vswapd/policies.d  (admin, fleet)
 *   <  /run/vswapd/policies.d  (runtime)
 * A file overrides any file of the same name in a lower directory; a symlink to /dev/null
 * masks it. All paths are inside the context's root.
 */

#include <stddef.h>

#include "context.h"
#include "policy.h"

#define VSWAP_POLICY_DIRS_COUNT 3
extern const char *const vswap_policy_dirs[VSWAP_POLICY_DIRS_COUNT];

struct vswap_policy_set {
	size_t n;
	struct vswap_policy **policies; /* name order */
};

/* A file that could not be loaded: an I/O error (err.what has it) or a policy error. */
struct vswap_policy_load_error {
	char path[512];
	struct vswap_policy_error err;
};

struct vswap_policy_load_errors {
	size_t n;
	struct vswap_policy_load_error errors[16]; /* the first 16; n counts them all */
};

/*
 * Load the set. All or nothing: if any file is invalid (or two files are default policies)
 * returns -EBADMSG with every error in errs and no set, so a caller keeps its old one.
 */
int vswap_policy_set_load(const struct vswap_ctx *ctx, struct vswap_policy_set **ret,
			  struct vswap_policy_load_errors *errs);
struct vswap_policy_set *vswap_policy_set_free(struct vswap_policy_set *set);

/* The unit/slice -> cgroup ("/"-prefixed) resolution the daemon does over D-Bus. */
typedef const char *(*vswap_unit_resolver_t)(const struct vswap_policy *p, void *userdata);

/* The most specific policy for a cgroup ("/a/b"); ties go to the first name. NULL: none. */
const struct vswap_policy *vswap_policy_set_match(const struct vswap_policy_set *set,
						  const char *cgroup, vswap_unit_resolver_t resolve,
						  void *userdata);

/* The policy named name, or NULL. */
const struct vswap_policy *vswap_policy_set_find(const struct vswap_policy_set *set,
						 const char *name);
