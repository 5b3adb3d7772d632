/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The policies in force: every *.json of the policy directories, layered like systemd's
 * configuration. Lowest to highest precedence:
 *   /usr/lib/vswapd/policies.d  (vendor)  <  /run/vswapd/policies.d  (runtime)
 *   <  /etc/vswapd/policies.d  (admin, fleet)
 * A file overrides any file of the same name in a lower directory; a symlink to /dev/null
 * masks it. All paths are inside the context's root.
 */

#include <stddef.h>

#include "attach.h"
#include "loaderror.h"
#include "paths.h"
#include "context.h"
#include "policy.h"

struct vswap_policy_set {
	size_t n;
	struct vswap_policy **policies; /* name order */
	struct vswap_attachments attachments;
};

/*
 * Load the set with its attachments (attach.h). All or nothing: if any file is invalid, two
 * files are default policies, or an attachment names no policy of the set, returns -EBADMSG
 * with every error in errs and no set, so a caller keeps its old one.
 */
int vswap_policy_set_load(const struct vswap_ctx *ctx, struct vswap_policy_set **ret,
			  struct vswap_policy_load_errors *errs);
struct vswap_policy_set *vswap_policy_set_free(struct vswap_policy_set *set);

/* A unit or slice -> its cgroup ("/"-prefixed), over D-Bus; NULL: not loaded or unknown. */
typedef const char *(*vswap_unit_resolver_t)(const char *unit, void *userdata);

/*
 * The policy for a cgroup ("/a/b"): its attachment (cgroup, then unit), else the most
 * specific "match" (ties go to the first name). NULL: none. *ret_by (optional) is the
 * attachment that decided, or NULL when a match did.
 */
const struct vswap_policy *vswap_policy_set_match(const struct vswap_policy_set *set,
						  const char *cgroup, vswap_unit_resolver_t resolve,
						  void *userdata,
						  const struct vswap_attachment **ret_by);

/* The loaded policy whose name is closest to name (a likely typo), or NULL. */
const char *vswap_policy_set_suggest(const struct vswap_policy_set *set, const char *name);

/* The policy named name, or NULL. */
const struct vswap_policy *vswap_policy_set_find(const struct vswap_policy_set *set,
						 const char *name);
