/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "actuator.h"

#include <inttypes.h>
#include <stdio.h>

#include "cgroup.h"
#include "knob.h"
#include "parse.h"
#include "util.h"

static const char *const knobs[_ACTION_KIND_COUNT] = {
    [ACTION_SET_VSWAP_MAX] = "memory.vswap.max",
    [ACTION_SET_ZSWAP_MAX] = "memory.zswap.max",
    [ACTION_SET_ZSWAP_WRITEBACK] = "memory.zswap.writeback",
    [ACTION_WRITEBACK] = "memory.vswap.writeback",
    [ACTION_RECLAIM] = "memory.reclaim",
};

static const enum action_kind restorable_kind[_RESTORE_COUNT] = {
    [RESTORE_VSWAP_MAX] = ACTION_SET_VSWAP_MAX,
    [RESTORE_ZSWAP_MAX] = ACTION_SET_ZSWAP_MAX,
    [RESTORE_ZSWAP_WRITEBACK] = ACTION_SET_ZSWAP_WRITEBACK,
};

const char *actuator_knob(enum action_kind kind)
{
	return kind < _ACTION_KIND_COUNT ? knobs[kind] : NULL;
}

static void format_value(uint64_t v, char *buf, size_t len)
{
	if (v == UINT64_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%" PRIu64, v);
}

/* Keep the knob's value before the first change: a knob that does not read back as "max"
 * or a number is not changed (-EBADMSG). */
static int save_original(const struct vswap_ctx *ctx, const char *cgroup, enum action_kind kind,
			 struct knob_memory *mem)
{
	for (size_t i = 0; i < _RESTORE_COUNT; i++) {
		if (restorable_kind[i] != kind || mem->saved[i])
			continue;
		_cleanup_free_ char *buf = NULL;
		struct vswap_parse_error err;
		size_t len;
		int r = vswap_cgroup_read(ctx, cgroup, knobs[kind], &buf, &len);
		if (r < 0)
			return r;
		r = vswap_parse_limit(buf, len, &mem->value[i], &err);
		if (r < 0)
			return r;
		mem->saved[i] = true;
	}
	return 0;
}

int actuator_apply(const struct vswap_ctx *ctx, const char *cgroup, const struct action *a,
		   bool dry_run, struct knob_memory *mem)
{
	char value[32];

	if (dry_run)
		return 0;
	int r = save_original(ctx, cgroup, a->kind, mem);
	if (r < 0)
		return r;
	format_value(a->value, value, sizeof(value));
	r = vswap_knob_write(ctx, cgroup, knobs[a->kind], value);
	if (r == -EAGAIN && (a->kind == ACTION_WRITEBACK || a->kind == ACTION_RECLAIM))
		return 1;
	return r;
}

int actuator_run(const struct vswap_ctx *ctx, const char *cgroup, const struct decision *d,
		 bool dry_run, struct knob_memory *mem, int *ret_results)
{
	int n_failed = 0;

	for (size_t i = 0; i < d->n_actions; i++) {
		ret_results[i] = dry_run || mem
				     ? actuator_apply(ctx, cgroup, &d->actions[i], dry_run, mem)
				     : -ENOMEM;
		n_failed += ret_results[i] < 0;
	}
	return n_failed;
}

int actuator_restore(const struct vswap_ctx *ctx, const char *cgroup, struct knob_memory *mem,
		     bool dry_run)
{
	int ret = 0;

	for (size_t i = 0; i < _RESTORE_COUNT; i++) {
		if (!mem->saved[i])
			continue;
		char value[32];
		format_value(mem->value[i], value, sizeof(value));
		int r =
		    dry_run ? 0 : vswap_knob_write(ctx, cgroup, knobs[restorable_kind[i]], value);
		if (r < 0 && ret == 0)
			ret = r;
		mem->saved[i] = false;
	}
	return ret;
}
