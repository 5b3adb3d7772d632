/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl status: a row of memory figures per cgroup. */
#include <stdio.h>

#include "cgroup.h"
#include "output.h"
#include "sample.h"
#include "util.h"
#include "vswapctl.h"

enum {
	C_CGROUP,
	C_MEMORY,
	C_MEMORY_MAX,
	C_ANON,
	C_ZSWAP,
	C_ZSWAPPED,
	C_RATIO,
	C_SWAP,
	C_VSWAP,
	C_VSWAP_MAX,
	C_SOME,
	C_FULL,
};

static const struct column columns[] = {
    [C_CGROUP] = {"cgroup", "CGROUP", COL_STRING},
    [C_MEMORY] = {"memory_current_bytes", "MEMORY", COL_BYTES},
    [C_MEMORY_MAX] = {"memory_max_bytes", "MEM-MAX", COL_BYTES},
    [C_ANON] = {"anon_bytes", "ANON", COL_BYTES},
    [C_ZSWAP] = {"zswap_compressed_bytes", "ZSWAP", COL_BYTES},
    [C_ZSWAPPED] = {"zswapped_bytes", "ZSWAPPED", COL_BYTES},
    [C_RATIO] = {"zswap_ratio", "RATIO", COL_RATIO},
    [C_SWAP] = {"swap_current_bytes", "SWAP", COL_BYTES},
    [C_VSWAP] = {"vswap_current_bytes", "VSWAP", COL_BYTES},
    [C_VSWAP_MAX] = {"vswap_max_bytes", "VSWAP-MAX", COL_BYTES},
    [C_SOME] = {"pressure_some_avg10", "SOME%", COL_PERCENT},
    [C_FULL] = {"pressure_full_avg10", "FULL%", COL_PERCENT},
};

static const struct {
	enum vswap_field field;
	size_t col;
} field_columns[] = {
    {VSWAP_F_MEMORY_CURRENT, C_MEMORY},
    {VSWAP_F_MEMORY_MAX, C_MEMORY_MAX},
    {VSWAP_F_ANON, C_ANON},
    {VSWAP_F_ZSWAP, C_ZSWAP},
    {VSWAP_F_ZSWAPPED, C_ZSWAPPED},
    {VSWAP_F_SWAP_CURRENT, C_SWAP},
    {VSWAP_F_VSWAP_CURRENT, C_VSWAP},
    {VSWAP_F_VSWAP_MAX, C_VSWAP_MAX},
};

struct status {
	const struct vswap_ctx *ctx;
	struct table *table;
	bool named; /* cgroups named on the command line must exist */
	int exit;
};

static void add_row(struct table *t, const char *cgroup, const struct vswap_sample *s)
{
	_cleanup_free_ char *display = vswap_cgroup_display(cgroup);

	table_add_string(t, C_CGROUP, display ? display : cgroup);
	for (size_t i = 0; i < ELEMENTSOF(field_columns); i++)
		if (vswap_sample_has(s, field_columns[i].field))
			table_add_u64(t, field_columns[i].col, s->value[field_columns[i].field]);
	/* Original over compressed size: how much memory zswap saves per byte it holds. */
	if (vswap_sample_has(s, VSWAP_F_ZSWAP) && vswap_sample_has(s, VSWAP_F_ZSWAPPED) &&
	    s->value[VSWAP_F_ZSWAP] > 0)
		table_add_double(t, C_RATIO,
				 (double)s->value[VSWAP_F_ZSWAPPED] /
				     (double)s->value[VSWAP_F_ZSWAP]);
	if (s->has_memory_pressure) {
		table_add_double(t, C_SOME, s->memory_pressure.some.avg10);
		if (s->memory_pressure.has_full)
			table_add_double(t, C_FULL, s->memory_pressure.full.avg10);
	}
}

static int status_one(const char *cgroup, void *userdata)
{
	struct status *st = userdata;
	struct vswap_parse_error err = {};
	struct vswap_sample s;
	const char *file = NULL;
	int r = vswap_sample_read(st->ctx, cgroup, &s, &file, &err);

	if (r == -ENOENT && !st->named)
		return 0; /* removed while we walked */
	if (r == -ENOENT) {
		vswapctl_error("no such cgroup: /%s", cgroup);
		st->exit = VSWAPCTL_EXIT_NOT_FOUND;
		return 0;
	}
	if (r == -EBADMSG)
		vswapctl_error("%s/%s%s%s:%u:%u: %s", st->ctx->cgroup_mount, cgroup,
			       *cgroup ? "/" : "", file, err.line, err.column, err.what);
	else if (r < 0)
		vswapctl_error("cannot read /%s/%s: %s", cgroup, file, strerror(-r));
	if (r < 0) {
		st->exit = VSWAPCTL_EXIT_FAILURE;
		return 0;
	}
	r = table_row(st->table);
	if (r < 0)
		return r;
	add_row(st->table, cgroup, &s);
	return 0;
}

static int status_named(struct status *st, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		_cleanup_free_ char *cg = NULL;
		int r = vswap_cgroup_normalize(st->ctx, argv[i], &cg);
		if (r == -EINVAL) {
			vswapctl_error(
			    "invalid cgroup path '%s' (no '.', '..' or control characters)",
			    argv[i]);
			return VSWAPCTL_EXIT_USAGE;
		}
		if (r < 0 || (r = status_one(cg, st)) < 0)
			return VSWAPCTL_EXIT_FAILURE;
	}
	return VSWAPCTL_EXIT_OK;
}

int verb_status(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct vswap_ctx *ctx = NULL;
	struct status st = {.named = argc > 0, .exit = VSWAPCTL_EXIT_OK};
	int ret;

	if (vswapctl_open(opts, &ctx) < 0)
		return VSWAPCTL_EXIT_FAILURE;
	st.ctx = ctx;
	st.table = table_new(columns, ELEMENTSOF(columns));
	if (!st.table)
		ret = VSWAPCTL_EXIT_FAILURE;
	else if (argc > 0)
		ret = status_named(&st, argc, argv);
	else
		ret = vswap_cgroup_walk(ctx, "", status_one, &st) < 0 ? VSWAPCTL_EXIT_FAILURE
								      : VSWAPCTL_EXIT_OK;
	if (ret == VSWAPCTL_EXIT_OK)
		ret = st.exit;
	if (ret != VSWAPCTL_EXIT_USAGE && table_print(st.table, opts->json, "cgroups", stdout) < 0)
		ret = VSWAPCTL_EXIT_FAILURE;
	table_free(st.table);
	vswap_ctx_free(ctx);
	return ret;
}
