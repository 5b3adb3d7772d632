/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caps.h"

#include <fcntl.h>

#include "cgroup.h"
#include "parse.h"
#include "system.h"
#include "util.h"

static bool root_has(const struct vswap_ctx *ctx, const char *path)
{
	_cleanup_close_ int fd = vswap_open_beneath(ctx->root_fd, path, O_PATH);

	return fd >= 0;
}

static bool controllers_have_memory(const char *s)
{
	for (const char *p = s; (p = strstr(p, "memory")); p += 6)
		if ((p == s || p[-1] == ' ') && (p[6] == ' ' || p[6] == '\n' || !p[6]))
			return true;
	return false;
}

/* The first top-level cgroup with memory files: the per-cgroup files are probed there. */
static int find_probe(const char *path, void *userdata)
{
	struct {
		const struct vswap_ctx *ctx;
		char **found;
	} *p = userdata;

	if (!*path)
		return 0;
	if (vswap_cgroup_has(p->ctx, path, "memory.max") > 0) {
		*p->found = strdup(path);
		return *p->found ? -ECANCELED : -ENOMEM;
	}
	return 0;
}

static void probe_system(const struct vswap_ctx *ctx, struct vswap_caps *c)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (vswap_cgroup_read(ctx, "", "cgroup.controllers", &buf, &len) == 0)
		c->memory_controller = controllers_have_memory(buf);
	c->psi = root_has(ctx, "proc/pressure/memory");
	c->zswap_module = root_has(ctx, "sys/module/zswap/parameters");
	struct vswap_zswap_params zp;
	if (vswap_zswap_params_read(ctx, &zp, NULL) == 0) {
		c->zswap_enabled = zp.enabled;
		vswap_zswap_params_done(&zp);
	}
	free(TAKE_PTR(buf));
	struct vswap_swaps *sw = NULL;
	if (vswap_read_root(ctx, "proc/swaps", &buf, &len) == 0 &&
	    vswap_swaps_parse(buf, len, &sw, NULL) == 0)
		c->swap_active = sw->n > 0;
	vswap_swaps_free(sw);
	free(TAKE_PTR(buf));
	if (vswap_read_root(ctx, "proc/sys/kernel/osrelease", &buf, &len) == 0)
		(void)vswap_parse_word(buf, len, &c->kernel_release, NULL);
}

static void probe_cgroup(const struct vswap_ctx *ctx, const char *cg, struct vswap_caps *c)
{
	_cleanup_free_ char *stat = NULL;
	struct vswap_kv *kv = NULL;
	uint64_t v;
	size_t len;

	c->swap_cgroup = vswap_cgroup_has(ctx, cg, "memory.swap.max") > 0;
	c->zswap_cgroup = vswap_cgroup_has(ctx, cg, "memory.zswap.max") > 0;
	c->zswap_writeback = vswap_cgroup_has(ctx, cg, "memory.zswap.writeback") > 0;
	c->vswap = vswap_cgroup_has(ctx, cg, "memory.vswap.max") > 0;
	c->vswap_writeback = vswap_cgroup_has(ctx, cg, "memory.vswap.writeback") > 0;
	if (vswap_cgroup_read(ctx, cg, "memory.stat", &stat, &len) == 0 &&
	    vswap_kv_parse(stat, len, VSWAP_KV_SPACE, &kv, NULL) == 0)
		c->stat_pswp = vswap_kv_get(kv, "pswpin", &v) == 0;
	vswap_kv_free(kv);
}

static enum vswap_kernel_mode mode_of(const struct vswap_caps *c)
{
	if (!c->memory_controller)
		return VSWAP_MODE_UNSUPPORTED;
	if (c->vswap)
		return VSWAP_MODE_PATCHED;
	return c->zswap_writeback ? VSWAP_MODE_STOCK : VSWAP_MODE_LEGACY;
}

int vswap_caps_probe(const struct vswap_ctx *ctx, struct vswap_caps *ret)
{
	struct vswap_caps c = {};
	struct {
		const struct vswap_ctx *ctx;
		char **found;
	} p = {ctx, &c.probe_cgroup};

	probe_system(ctx, &c);
	c.memory_reclaim = vswap_cgroup_has(ctx, "", "memory.reclaim") > 0;
	int r = vswap_cgroup_walk(ctx, "", find_probe, &p);
	if (r == -ENOMEM) {
		vswap_caps_done(&c);
		return r;
	}
	if (c.probe_cgroup)
		probe_cgroup(ctx, c.probe_cgroup, &c);
	c.mode = mode_of(&c);
	*ret = c;
	return 0;
}

void vswap_caps_done(struct vswap_caps *caps)
{
	free(caps->kernel_release);
	free(caps->probe_cgroup);
	*caps = (struct vswap_caps){};
}

const char *vswap_kernel_mode_name(enum vswap_kernel_mode mode)
{
	static const char *const names[] = {
	    [VSWAP_MODE_UNSUPPORTED] = "unsupported",
	    [VSWAP_MODE_LEGACY] = "legacy",
	    [VSWAP_MODE_STOCK] = "stock",
	    [VSWAP_MODE_PATCHED] = "patched",
	};
	return names[mode];
}
