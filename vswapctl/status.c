/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl status: a row of memory figures per cgroup. */
#include <stdio.h>

#include "caps.h"
#include "cgroup.h"
#include "output.h"
#include "sample.h"
#include "units.h"
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
    [C_MEMORY_MAX] = {"memory_max", "MEM-MAX", COL_LIMIT},
    [C_ANON] = {"anon_bytes", "ANON", COL_BYTES},
    [C_ZSWAP] = {"zswap_compressed_bytes", "ZSWAP", COL_BYTES},
    [C_ZSWAPPED] = {"zswapped_bytes", "ZSWAPPED", COL_BYTES},
    [C_RATIO] = {"zswap_ratio", "RATIO", COL_RATIO},
    [C_SWAP] = {"swap_current_bytes", "SWAP", COL_BYTES},
    [C_VSWAP] = {"vswap_current_bytes", "VSWAP", COL_BYTES},
    [C_VSWAP_MAX] = {"vswap_max", "VSWAP-MAX", COL_LIMIT},
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
	int err;    /* the first failure of a named cgroup, reported at the end */
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

/* One cgroup's row. A named cgroup that cannot be shown is remembered in st->err; one that
 * vanishes during a walk is skipped. */
static int status_one(const char *cgroup, void *userdata)
{
	struct status *st = userdata;
	struct vswap_parse_error err = {};
	struct vswap_sample s;
	const char *file = NULL;
	int r = vswap_sample_read(st->ctx, cgroup, &s, &file, &err);

	if (r == -ENOENT && !st->named)
		return 0;
	if (r == -ENOENT)
		vswapctl_error("no such cgroup: /%s", cgroup);
	else if (r == -EBADMSG)
		vswapctl_error("%s/%s%s%s:%u:%u: %s", st->ctx->cgroup_mount, cgroup,
			       *cgroup ? "/" : "", file, err.line, err.column, err.what);
	else if (r < 0)
		vswapctl_error("cannot read /%s/%s: %s", cgroup, file, strerror(-r));
	if (r < 0) {
		st->err = st->err ? st->err : r;
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
		if (r == -EINVAL)
			return vswapctl_fail(
			    -EINVAL,
			    "invalid cgroup path '%s' (no '.', '..' or control characters)",
			    argv[i]);
		if (r < 0 || (r = status_one(cg, st)) < 0)
			return r;
	}
	return 0;
}

/* --unit UNIT: the unit's cgroup, from systemd (the live system only). */
static int status_unit(struct status *st, const char *unit)
{
	_cleanup_(unit_resolver_freep) struct unit_resolver *rs = unit_resolver_new(st->ctx);

	if (!rs)
		return -ENOMEM;
	if (!unit_resolver_live(rs))
		return vswapctl_fail(-EOPNOTSUPP,
				     "--unit %s: units resolve through systemd on the live system "
				     "only (no --root, a system bus)",
				     unit);
	const char *cgroup = unit_resolver_cgroup(unit, rs);
	if (!cgroup)
		return vswapctl_fail(-ENOENT,
				     "--unit %s: no such unit, or it has no cgroup "
				     "(not running)",
				     unit);
	char *argv[] = {(char *)cgroup};
	return status_named(st, 1, argv);
}

int verb_status(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct status st = {.named = argc > 0 || opts->unit};
	int r = vswapctl_open(opts, &ctx);

	if (r < 0)
		return r;
	if (opts->unit && argc > 0)
		return vswapctl_fail(-EINVAL, "status: name cgroups or --unit, not both");
	if ((r = vswapctl_need_memory_controller(ctx)) < 0)
		return r;
	st.ctx = ctx;
	st.table = table_new(columns, ELEMENTSOF(columns));
	if (!st.table)
		return -ENOMEM;
	if (opts->unit)
		r = status_unit(&st, opts->unit);
	else if (argc > 0)
		r = status_named(&st, argc, argv);
	else if ((r = vswap_cgroup_walk(ctx, "", status_one, &st)) < 0)
		vswapctl_error("cannot walk the cgroup tree: %s", strerror(-r));
	if (r >= 0 && (!st.err || table_rows(st.table) > 0)) {
		print_begin(opts->json, stdout);
		table_print(st.table, "cgroups", opts->no_legend);
		r = print_end();
		r = r < 0 ? r : st.err;
	} else if (r >= 0)
		r = st.err; /* said already; no empty table */
	table_free(st.table);
	return r;
}
