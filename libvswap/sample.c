/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sample.h"

#include "cgroup.h"
#include "util.h"

static const struct {
	const char *file;
	enum vswap_field field;
} single_files[] = {
    {"memory.current", VSWAP_F_MEMORY_CURRENT},
    {"memory.max", VSWAP_F_MEMORY_MAX},
    {"memory.swap.current", VSWAP_F_SWAP_CURRENT},
    {"memory.swap.max", VSWAP_F_SWAP_MAX},
    {"memory.zswap.max", VSWAP_F_ZSWAP_MAX},
    {"memory.vswap.current", VSWAP_F_VSWAP_CURRENT},
    {"memory.vswap.max", VSWAP_F_VSWAP_MAX},
    {"memory.zswap.writeback", VSWAP_F_ZSWAP_WRITEBACK},
};

static const struct {
	const char *key;
	enum vswap_field field;
} stat_keys[] = {
    {"anon", VSWAP_F_ANON},	{"zswap", VSWAP_F_ZSWAP},     {"zswapped", VSWAP_F_ZSWAPPED},
    {"zswpin", VSWAP_F_ZSWPIN}, {"zswpout", VSWAP_F_ZSWPOUT}, {"zswpwb", VSWAP_F_ZSWPWB},
    {"pswpin", VSWAP_F_PSWPIN}, {"pswpout", VSWAP_F_PSWPOUT},
};

/* 1 when read and parsed, 0 when the file does not exist, or -errno. */
typedef int (*parse_fn)(const char *buf, size_t len, void *out, struct vswap_parse_error *err);

static int read_parsed(const struct vswap_ctx *ctx, const char *cgroup, const char *file,
		       parse_fn parse, void *out, struct vswap_parse_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = vswap_cgroup_read(ctx, cgroup, file, &buf, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = parse(buf, len, out, err);
	return r < 0 ? r : 1;
}

static int parse_limit(const char *buf, size_t len, void *out, struct vswap_parse_error *err)
{
	return vswap_parse_limit(buf, len, out, err);
}

static int parse_kv(const char *buf, size_t len, void *out, struct vswap_parse_error *err)
{
	return vswap_kv_parse(buf, len, VSWAP_KV_SPACE, out, err);
}

static int parse_psi(const char *buf, size_t len, void *out, struct vswap_parse_error *err)
{
	return vswap_psi_parse(buf, len, out, err);
}

static int read_stat(const struct vswap_ctx *ctx, const char *cgroup, struct vswap_sample *s,
		     struct vswap_parse_error *err)
{
	struct vswap_kv *kv = NULL;
	int r = read_parsed(ctx, cgroup, "memory.stat", parse_kv, &kv, err);

	if (r <= 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(stat_keys); i++)
		if (vswap_kv_get(kv, stat_keys[i].key, &s->value[stat_keys[i].field]) == 0)
			s->present |= 1u << stat_keys[i].field;
	vswap_kv_free(kv);
	return 0;
}

int vswap_sample_read(const struct vswap_ctx *ctx, const char *cgroup, struct vswap_sample *ret,
		      const char **ret_file, struct vswap_parse_error *err)
{
	struct vswap_sample s = {};
	const char *file = "memory.stat";
	int r = vswap_cgroup_exists(ctx, cgroup);

	if (r == 0)
		r = read_stat(ctx, cgroup, &s, err);
	for (size_t i = 0; r >= 0 && i < ELEMENTSOF(single_files); i++) {
		file = single_files[i].file;
		r = read_parsed(ctx, cgroup, file, parse_limit, &s.value[single_files[i].field],
				err);
		if (r > 0)
			s.present |= 1u << single_files[i].field;
	}
	if (r >= 0) {
		file = "memory.pressure";
		r = read_parsed(ctx, cgroup, file, parse_psi, &s.memory_pressure, err);
		s.has_memory_pressure = r > 0;
	}
	if (r >= 0) {
		file = "io.pressure";
		r = read_parsed(ctx, cgroup, file, parse_psi, &s.io_pressure, err);
		s.has_io_pressure = r > 0;
	}
	if (r < 0) {
		if (ret_file)
			*ret_file = file;
		return r;
	}
	*ret = s;
	return 0;
}
