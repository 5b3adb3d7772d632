/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Parsers for the kernel's text interfaces. Each takes a buffer (not a path) so tests feed
 * captured content directly. On malformed input they return -EBADMSG and, when err is not
 * NULL, say where (1-based line and column) and what was expected.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "max" in a limit file. */
#define VSWAP_LIMIT_MAX UINT64_MAX

struct vswap_parse_error {
	unsigned line;
	unsigned column;
	char what[96];
};

/* Decimal unsigned integer, whole string: -EINVAL if not a number, -ERANGE on overflow. */
int vswap_parse_u64(const char *s, uint64_t *ret);

/* A one-value cgroup file (memory.current, memory.swap.max...): a number or "max" (returned
 * as VSWAP_LIMIT_MAX), one optional trailing newline. */
int vswap_parse_limit(const char *buf, size_t len, uint64_t *ret, struct vswap_parse_error *err);

/* A kernel boolean parameter: Y/N/1/0 with optional newline. */
int vswap_parse_bool(const char *buf, size_t len, bool *ret, struct vswap_parse_error *err);

/* A short text value (e.g. zswap.compressor): the first line, trimmed, newly allocated. */
int vswap_parse_word(const char *buf, size_t len, char **ret, struct vswap_parse_error *err);

enum vswap_kv_format {
	VSWAP_KV_SPACE,	  /* "key value" lines: memory.stat, memory.events, /proc/vmstat */
	VSWAP_KV_MEMINFO, /* "Key:   value kB" lines: /proc/meminfo; kB values become bytes */
};

struct vswap_kv_entry {
	char *key;
	uint64_t value;
};

/* Every key of a flat keyed file in file order, unknown keys included. */
struct vswap_kv {
	size_t n;
	struct vswap_kv_entry *entries;
};

int vswap_kv_parse(const char *buf, size_t len, enum vswap_kv_format format, struct vswap_kv **ret,
		   struct vswap_parse_error *err);
struct vswap_kv *vswap_kv_free(struct vswap_kv *kv);
/* -ENOENT when the key is absent (e.g. a key this kernel does not have). */
int vswap_kv_get(const struct vswap_kv *kv, const char *key, uint64_t *ret);

/* One line of a PSI file; averages are percentages, total is microseconds. */
struct vswap_psi_line {
	double avg10;
	double avg60;
	double avg300;
	uint64_t total_us;
};

struct vswap_psi {
	struct vswap_psi_line some;
	struct vswap_psi_line full;
	bool has_full; /* /proc/pressure/cpu on old kernels has no "full" line */
};

int vswap_psi_parse(const char *buf, size_t len, struct vswap_psi *ret,
		    struct vswap_parse_error *err);

/* One active swap device from /proc/swaps; sizes in bytes. */
struct vswap_swap_device {
	char *path;
	char *type;
	uint64_t size_bytes;
	uint64_t used_bytes;
	int priority;
};

struct vswap_swaps {
	size_t n;
	struct vswap_swap_device *devices;
};

int vswap_swaps_parse(const char *buf, size_t len, struct vswap_swaps **ret,
		      struct vswap_parse_error *err);
struct vswap_swaps *vswap_swaps_free(struct vswap_swaps *swaps);

/* The mount point of the first cgroup2 mount in a mountinfo file (octal escapes decoded);
 * -ENOENT when there is none. */
int vswap_mountinfo_cgroup2(const char *buf, size_t len, char **ret, struct vswap_parse_error *err);
