/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * Sizes as operators write them: "4096", "512K", "1.5G" (binary multiples, B K M G T P E,
 * case-insensitive, at most 3 decimals), "max", or "25%" / "12.5%" of a reference that is
 * only known later (e.g. the cgroup's memory.max at the time a policy is applied).
 */

enum vswap_size_kind {
	VSWAP_SIZE_BYTES,
	VSWAP_SIZE_MAX,
	VSWAP_SIZE_PERCENT,
};

struct vswap_size {
	enum vswap_size_kind kind;
	uint64_t bytes;	    /* VSWAP_SIZE_BYTES */
	uint32_t basis_pts; /* VSWAP_SIZE_PERCENT: hundredths of a percent, 0..10000 */
};

/* -EINVAL for text that is not a size, -ERANGE for a size past 2^64-1 bytes or above 100%. */
int vswap_size_parse(const char *s, struct vswap_size *ret);

/*
 * Bytes meant by a size: a percentage of ref_bytes (rounded down to whole pages of 4 KiB, as
 * the kernel would round a limit anyway). ref_bytes UINT64_MAX ("max") has no percentage:
 * -EDOM. "max" resolves to UINT64_MAX.
 */
int vswap_size_resolve(const struct vswap_size *size, uint64_t ref_bytes, uint64_t *ret);

/* Shortest exact-enough human form: "max", "812B", "512K", "1.5G" (one decimal). */
#define VSWAP_SIZE_FORMAT_MAX 16
const char *vswap_size_format(uint64_t bytes, char buf[static VSWAP_SIZE_FORMAT_MAX]);
