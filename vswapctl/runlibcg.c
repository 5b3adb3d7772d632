/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapctl run without systemd: libcgroup makes the cgroup and moves the held child into it,
 * as cgexec does. libcgroup reads the fixed /proc/mounts once (cgroup_init()) and resolves
 * a cgroup through the mount of its controller, so where it would go wrong here is found out
 * first and said: the memory controller on a cgroup v1 hierarchy (a hybrid host), or none.
 */
#include <fcntl.h>
#include <libcgroup.h>
#include <stdarg.h>
#include <stdio.h>

#include "cgroup.h"
#include "runplace.h"
#include "util.h"
#include "vswapctl.h"

/* libcgroup's error as a negative errno, said with its text and what was being done. */
static int cg_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int cg_fail(int code, const char *fmt, ...)
{
	int e = code == ECGOTHER ? cgroup_get_last_errno() : 0;
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return vswapctl_fail(e > 0 ? -e : -EIO, "libcgroup: %s: %s%s%s", what,
			     cgroup_strerror(code), e > 0 ? ": " : "", e > 0 ? strerror(e) : "");
}

int run_place_check_libcgroup(const struct vswap_ctx *ctx)
{
	_cleanup_free_ char *mount = NULL;
	int r = cgroup_init();

	if (r != 0)
		return cg_fail(r, "reading /proc/mounts (cgroup_init)");
	r = cgroup_get_subsys_mount_point("memory", &mount);
	if (r != 0)
		return vswapctl_fail(-EOPNOTSUPP,
				     "libcgroup finds no memory controller in /proc/mounts (%s): "
				     "run needs it on the cgroup2 hierarchy at %s",
				     cgroup_strerror(r), ctx->cgroup_mount);
	if (!streq(mount, ctx->cgroup_mount))
		return vswapctl_fail(
		    -EOPNOTSUPP,
		    "libcgroup finds the memory controller on a cgroup v1 hierarchy at %s, "
		    "not on cgroup2 at %s (a hybrid host): a cgroup made there has no "
		    "memory.vswap.* and vswapd cannot manage it; run needs the memory controller "
		    "on cgroup2 (boot with systemd.unified_cgroup_hierarchy=1, or unmount it from "
		    "v1)",
		    mount, ctx->cgroup_mount);
	return 0;
}

/* NAME.scope next to the caller's cgroup, relative to the mount ("a/NAME.scope"). */
static int cgroup_name(const struct vswap_ctx *ctx, const char *unit, char **ret)
{
	_cleanup_free_ char *own = NULL;
	int r = run_place_own_cgroup(ctx, &own);

	if (r < 0)
		return vswapctl_fail(r, "cannot read /proc/self/cgroup: %s", strerror(-r));
	char *slash = strrchr(own, '/');
	*slash = 0; /* its parent: "" for "/" and "/a" alike */
	if (asprintf(ret, "%s%s%s", own + 1, *own ? "/" : "", unit) < 0)
		return -ENOMEM;
	if (vswap_cgroup_exists(ctx, *ret) == 0)
		return vswapctl_fail(-EEXIST, "cgroup /%s exists already (choose another --unit)",
				     *ret);
	return 0;
}

/*
 * The kernel's rule for making a cgroup, checked first: libcgroup's error for it ("requested
 * group parameter does not exist") would not say. A user may do it only in a subtree
 * delegated to it: the parent directory and its cgroup.subtree_control writable.
 */
static int check_parent(const struct vswap_ctx *ctx, const char *name)
{
	const char *slash = strrchr(name, '/');
	_cleanup_free_ char *parent = strndup(name, slash ? (size_t)(slash - name) : 0);
	_cleanup_free_ char *control = NULL;

	if (!parent ||
	    asprintf(&control, "%s%scgroup.subtree_control", parent, *parent ? "/" : "") < 0)
		return -ENOMEM;
	if (faccessat(ctx->cgroup_fd, *parent ? parent : ".", W_OK, AT_EACCESS) == 0 &&
	    faccessat(ctx->cgroup_fd, control, W_OK, AT_EACCESS) == 0)
		return 0;
	return vswapctl_fail(-EACCES,
			     "cannot make a cgroup in /%s as uid %u: a user may make one only "
			     "inside a subtree delegated to it (the directory and its "
			     "cgroup.subtree_control its own, as systemd's Delegate=yes makes "
			     "them); nothing started",
			     parent, (unsigned)geteuid());
}

int run_place_libcgroup(const struct vswap_ctx *ctx, const char *unit, pid_t pid,
			struct run_place *p)
{
	_cleanup_free_ char *name = NULL;
	int r = cgroup_name(ctx, unit, &name);

	if (r == 0)
		r = check_parent(ctx, name);

	if (r < 0)
		return r;
	*p = (struct run_place){.unit = strdup(unit), .cg = cgroup_new_cgroup(name)};
	if (!p->unit || !p->cg || !cgroup_add_controller(p->cg, "memory"))
		return -ENOMEM;
	r = cgroup_create_cgroup(p->cg, 1);
	if (r != 0) {
		cgroup_free(&p->cg); /* nothing of ours to remove */
		return cg_fail(r, "creating /%s", name);
	}
	r = cgroup_attach_task_pid(p->cg, pid);
	if (r != 0)
		return cg_fail(r, "moving pid %d into /%s", (int)pid, name);
	return run_place_read_back(ctx, pid, unit, p);
}
