/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl run: what the two kinds of place have in common. */
#include <libcgroup.h>
#include <stdio.h>

#include "cgroup.h"
#include "runplace.h"
#include "util.h"
#include "vswapctl.h"

/* The cgroup2 path of pid ("0::/a/b" of /proc/PID/cgroup), "/"-prefixed. */
static int pid_cgroup(const struct vswap_ctx *ctx, pid_t pid, char **ret)
{
	_cleanup_free_ char *text = NULL;
	char file[64];

	snprintf(file, sizeof(file), "proc/%d/cgroup", (int)pid);
	int r = vswap_read_root(ctx, file, &text, NULL);
	if (r < 0)
		return r;
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, "0::/", 4) == 0) {
			*ret = strndup(l + 3, strcspn(l + 3, "\n"));
			return *ret ? 0 : -ENOMEM;
		}
	return -ENOENT;
}

int run_place_own_cgroup(const struct vswap_ctx *ctx, char **ret)
{
	return pid_cgroup(ctx, getpid(), ret);
}

int run_place_read_back(const struct vswap_ctx *ctx, pid_t pid, const char *unit,
			struct run_place *p)
{
	_cleanup_free_ char *cgroup = NULL;
	int r = pid_cgroup(ctx, pid, &cgroup);

	if (r < 0)
		return vswapctl_fail(r, "cannot read /proc/%d/cgroup: %s", (int)pid, strerror(-r));
	const char *base = strrchr(cgroup, '/') + 1;
	if (!streq(base, unit))
		return vswapctl_fail(-EIO, "the command's process is in %s, not in a cgroup %s",
				     cgroup, unit);
	if (vswap_cgroup_has(ctx, cgroup + 1, "memory.current") <= 0)
		return vswapctl_fail(-EOPNOTSUPP,
				     "%s has no memory controller (its parent's "
				     "cgroup.subtree_control lacks \"memory\"): vswapd cannot "
				     "manage it",
				     cgroup);
	p->cgroup = TAKE_PTR(cgroup);
	return 0;
}

int run_place_populated(const struct vswap_ctx *ctx, const struct run_place *p)
{
	_cleanup_free_ char *text = NULL;
	int r = vswap_cgroup_read(ctx, p->cgroup + 1, "cgroup.events", &text, NULL);

	if (r == -ENOENT)
		return 0; /* gone: a scope's cgroup once systemd collected it */
	if (r < 0)
		return r;
	const char *line = strstr(text, "populated ");
	return line && line[strlen("populated ")] == '1';
}

int run_place_done(const struct vswap_ctx *ctx, struct run_place *p)
{
	int populated = p->cgroup ? run_place_populated(ctx, p) : 0;
	int r = 0;

	if (!p->systemd && p->cg && populated == 0)
		r = cgroup_delete_cgroup_ext(p->cg, CGFLAG_DELETE_EMPTY_ONLY);
	if (r != 0)
		vswapctl_error("cannot remove %s (libcgroup: %s)", p->cgroup, cgroup_strerror(r));
	if (p->cg)
		cgroup_free(&p->cg);
	p->unit = mfree(p->unit);
	p->cgroup = mfree(p->cgroup);
	return populated > 0;
}
