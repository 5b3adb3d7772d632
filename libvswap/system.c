/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "system.h"

#include "util.h"

#define ZSWAP_PARAMS "sys/module/zswap/parameters/"

static int read_param(const struct vswap_ctx *ctx, const char *name, char **ret, size_t *ret_len)
{
	char path[128];

	snprintf(path, sizeof(path), ZSWAP_PARAMS "%s", name);
	return vswap_read_root(ctx, path, ret, ret_len);
}

static int read_bool(const struct vswap_ctx *ctx, const char *name, bool *ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_param(ctx, name, &buf, &len);

	return r < 0 ? r : vswap_parse_bool(buf, len, ret, NULL);
}

static int read_word(const struct vswap_ctx *ctx, const char *name, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_param(ctx, name, &buf, &len);

	return r < 0 ? r : vswap_parse_word(buf, len, ret, NULL);
}

static int read_u64(const struct vswap_ctx *ctx, const char *name, uint64_t *ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_param(ctx, name, &buf, &len);

	/* A percentage is never "max": vswap_parse_limit's number-or-max suits, max refused. */
	if (r == 0)
		r = vswap_parse_limit(buf, len, ret, NULL);
	return r == 0 && *ret == VSWAP_LIMIT_MAX ? -EBADMSG : r;
}

int vswap_zswap_params_read(const struct vswap_ctx *ctx, struct vswap_zswap_params *ret,
			    const char **ret_param)
{
	struct vswap_zswap_params p = {};
	const char *name;
	int r;

	/* shrinker_enabled appeared in 6.8 and zpool went away in 6.15: both may be absent. */
	if ((r = read_bool(ctx, name = "enabled", &p.enabled)) < 0 ||
	    ((r = read_bool(ctx, name = "shrinker_enabled", &p.shrinker_enabled)) < 0 &&
	     r != -ENOENT) ||
	    (r = read_word(ctx, name = "compressor", &p.compressor)) < 0 ||
	    ((r = read_word(ctx, name = "zpool", &p.zpool)) < 0 && r != -ENOENT) ||
	    (r = read_u64(ctx, name = "max_pool_percent", &p.max_pool_percent)) < 0 ||
	    (r = read_u64(ctx, name = "accept_threshold_percent", &p.accept_threshold_percent)) <
		0) {
		vswap_zswap_params_done(&p);
		if (ret_param)
			*ret_param = name;
		return r;
	}
	*ret = p;
	return 0;
}

void vswap_zswap_params_done(struct vswap_zswap_params *p)
{
	free(p->compressor);
	free(p->zpool);
	*p = (struct vswap_zswap_params){};
}

static int read_kv(const struct vswap_ctx *ctx, const char *path, enum vswap_kv_format format,
		   struct vswap_kv **ret, struct vswap_parse_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = vswap_read_root(ctx, path, &buf, &len);

	return r < 0 ? r : vswap_kv_parse(buf, len, format, ret, err);
}

int vswap_meminfo_read(const struct vswap_ctx *ctx, struct vswap_kv **ret,
		       struct vswap_parse_error *err)
{
	return read_kv(ctx, "proc/meminfo", VSWAP_KV_MEMINFO, ret, err);
}

int vswap_vmstat_read(const struct vswap_ctx *ctx, struct vswap_kv **ret,
		      struct vswap_parse_error *err)
{
	return read_kv(ctx, "proc/vmstat", VSWAP_KV_SPACE, ret, err);
}
