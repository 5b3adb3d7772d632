/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One reading of a cgroup's memory figures. Which fields a kernel (or the root cgroup) has
 * varies, so each carries a presence bit: absent is not zero.
 */

#include <stdbool.h>
#include <stdint.h>

#include "context.h"
#include "parse.h"

enum vswap_field {
	VSWAP_F_MEMORY_CURRENT,	 /* memory.current, bytes */
	VSWAP_F_MEMORY_MAX,	 /* memory.max, bytes or VSWAP_LIMIT_MAX */
	VSWAP_F_ANON,		 /* memory.stat anon, bytes */
	VSWAP_F_ZSWAP,		 /* memory.stat zswap: compressed bytes in the pool */
	VSWAP_F_ZSWAPPED,	 /* memory.stat zswapped: original bytes of those pages */
	VSWAP_F_SWAP_CURRENT,	 /* memory.swap.current, bytes */
	VSWAP_F_SWAP_MAX,	 /* memory.swap.max */
	VSWAP_F_ZSWAP_MAX,	 /* memory.zswap.max, compressed bytes */
	VSWAP_F_VSWAP_CURRENT,	 /* memory.vswap.current, uncompressed bytes */
	VSWAP_F_VSWAP_MAX,	 /* memory.vswap.max, uncompressed bytes */
	VSWAP_F_ZSWAP_WRITEBACK, /* memory.zswap.writeback, 0 or 1 */
	VSWAP_F_ZSWPIN,		 /* memory.stat counters, pages since boot */
	VSWAP_F_ZSWPOUT,
	VSWAP_F_ZSWPWB,
	VSWAP_F_PSWPIN, /* 6.13+ or our series */
	VSWAP_F_PSWPOUT,
	_VSWAP_F_COUNT,
};

struct vswap_sample {
	uint64_t value[_VSWAP_F_COUNT];
	uint32_t present; /* bit (1 << field) */
	struct vswap_psi memory_pressure;
	bool has_memory_pressure;
	struct vswap_psi io_pressure;
	bool has_io_pressure;
};

static inline bool vswap_sample_has(const struct vswap_sample *s, enum vswap_field f)
{
	return s->present & (1u << f);
}

/*
 * Read the fields of a cgroup. Files this kernel lacks leave their fields absent. -ENOENT when
 * the cgroup itself is gone; -EBADMSG when a file exists but is malformed (err says where;
 * ret_file, when not NULL, gets that file's name, a static string).
 */
int vswap_sample_read(const struct vswap_ctx *ctx, const char *cgroup, struct vswap_sample *ret,
		      const char **ret_file, struct vswap_parse_error *err);
