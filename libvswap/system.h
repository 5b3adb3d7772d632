/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Host-wide figures: zswap module parameters, /proc/meminfo, /proc/vmstat. */

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "parse.h"

struct vswap_zswap_params {
	bool enabled;
	bool shrinker_enabled; /* false where the parameter does not exist (before 6.8) */
	char *compressor;      /* "lzo", "zstd", ... */
	char *zpool;	       /* "zsmalloc", ...; NULL from 6.15 on (parameter removed) */
	uint64_t max_pool_percent;
	uint64_t accept_threshold_percent;
};

/*
 * Read ROOT/sys/module/zswap/parameters. -ENOENT when zswap is not built in; -EBADMSG when a
 * parameter is malformed (ret_param names it).
 */
int vswap_zswap_params_read(const struct vswap_ctx *ctx, struct vswap_zswap_params *ret,
			    const char **ret_param);
void vswap_zswap_params_done(struct vswap_zswap_params *p);

/* Read and parse ROOT/proc/meminfo (values in bytes) or ROOT/proc/vmstat (counts, pages). */
int vswap_meminfo_read(const struct vswap_ctx *ctx, struct vswap_kv **ret,
		       struct vswap_parse_error *err);
int vswap_vmstat_read(const struct vswap_ctx *ctx, struct vswap_kv **ret,
		      struct vswap_parse_error *err);
