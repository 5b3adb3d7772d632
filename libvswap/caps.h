/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the running kernel offers, found by looking at which files exist (never by version
 * number: distributions backport). Shared by the daemon and the CLI so both describe a kernel
 * the same way.
 */

#include <stdbool.h>

#include "context.h"

enum vswap_kernel_mode {
	VSWAP_MODE_UNSUPPORTED, /* no memory controller on cgroup2 */
	VSWAP_MODE_LEGACY,	/* memcg v2, but no memory.zswap.writeback (before 6.8) */
	VSWAP_MODE_STOCK,	/* 6.8+: zswap.max, zswap.writeback, memory.reclaim */
	VSWAP_MODE_PATCHED,	/* our series: memory.vswap.* */
};

struct vswap_caps {
	enum vswap_kernel_mode mode;
	char *kernel_release;	/* proc/sys/kernel/osrelease; NULL when unreadable */
	char *probe_cgroup;	/* child cgroup per-cgroup files were probed on; NULL if none */
	bool memory_controller; /* "memory" in the root's cgroup.controllers */
	bool psi;		/* proc/pressure/memory */
	bool swap_active;	/* at least one device in proc/swaps */
	bool zswap_module;	/* sys/module/zswap/parameters */
	bool zswap_enabled;	/* ... /enabled = Y */
	bool memory_reclaim;	/* memory.reclaim */
	bool swap_cgroup;	/* memory.swap.max */
	bool zswap_cgroup;	/* memory.zswap.max */
	bool zswap_writeback;	/* memory.zswap.writeback (6.8+) */
	bool stat_pswp;		/* pswpin/pswpout in memory.stat (6.13+, or our series) */
	bool vswap;		/* memory.vswap.{current,max,peak,events,stat} */
	bool vswap_writeback;	/* memory.vswap.writeback */
};

/* Probe ctx's kernel. Missing files are answers, not errors; only -ENOMEM fails. */
int vswap_caps_probe(const struct vswap_ctx *ctx, struct vswap_caps *ret);
void vswap_caps_done(struct vswap_caps *caps);

const char *vswap_kernel_mode_name(enum vswap_kernel_mode mode);
