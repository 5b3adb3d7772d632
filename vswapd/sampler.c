/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sampler.h"

#include <math.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static uint64_t value_or(const struct vswap_sample *s, enum vswap_field f, uint64_t dflt)
{
	return vswap_sample_has(s, f) ? s->value[f] : dflt;
}

static double rate(const struct vswap_sample *cur, const struct vswap_sample *prev,
		   enum vswap_field f, double dt_s)
{
	if (!vswap_sample_has(cur, f) || !vswap_sample_has(prev, f) ||
	    cur->value[f] < prev->value[f])
		return 0; /* absent, or a counter that went back (cgroup recreated) */
	return (double)(cur->value[f] - prev->value[f]) / dt_s;
}

void signals_from_samples(const struct vswap_sample *cur, const struct vswap_sample *prev,
			  double dt_s, double now_s, struct signals *ret)
{
	*ret = (struct signals){
	    .now_s = now_s,
	    .memory_current = value_or(cur, VSWAP_F_MEMORY_CURRENT, 0),
	    .memory_max = value_or(cur, VSWAP_F_MEMORY_MAX, UINT64_MAX),
	    .zswap = value_or(cur, VSWAP_F_ZSWAP, 0),
	    .zswapped = value_or(cur, VSWAP_F_ZSWAPPED, 0),
	    .has_vswap = vswap_sample_has(cur, VSWAP_F_VSWAP_CURRENT),
	    .vswap_current = value_or(cur, VSWAP_F_VSWAP_CURRENT, 0),
	    .vswap_max = value_or(cur, VSWAP_F_VSWAP_MAX, UINT64_MAX),
	    .zswap_max = value_or(cur, VSWAP_F_ZSWAP_MAX, UINT64_MAX),
	    .zswap_writeback = vswap_sample_has(cur, VSWAP_F_ZSWAP_WRITEBACK)
				   ? (int)cur->value[VSWAP_F_ZSWAP_WRITEBACK]
				   : -1,
	    .memory_some_avg10 = cur->has_memory_pressure ? cur->memory_pressure.some.avg10 : 0,
	    .io_some_avg10 = cur->has_io_pressure ? cur->io_pressure.some.avg10 : 0,
	};
	if (prev && dt_s > 0) {
		ret->has_rates = true;
		ret->zswpin_per_s = rate(cur, prev, VSWAP_F_ZSWPIN, dt_s);
	}
}

bool samples_differ(const struct vswap_sample *a, const struct vswap_sample *b)
{
	if (a->present != b->present || memcmp(a->value, b->value, sizeof(a->value)) != 0)
		return true;
	return a->memory_pressure.some.total_us != b->memory_pressure.some.total_us;
}

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(
	    o, key, v == UINT64_MAX ? json_object_new_string("max") : json_object_new_uint64(v));
}

static void add_double(struct json_object *o, const char *key, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.2f", v);
	json_object_object_add(o, key, json_object_new_double_s(v, buf));
}

struct json_object *signals_to_json(const struct signals *s)
{
	struct json_object *o = json_object_new_object();

	add_u64(o, "memory_current_bytes", s->memory_current);
	add_u64(o, "memory_max_bytes", s->memory_max);
	add_u64(o, "zswap_compressed_bytes", s->zswap);
	add_u64(o, "zswapped_bytes", s->zswapped);
	if (s->has_vswap) {
		add_u64(o, "vswap_current_bytes", s->vswap_current);
		add_u64(o, "vswap_max_bytes", s->vswap_max);
	}
	add_u64(o, "zswap_max_bytes", s->zswap_max);
	json_object_object_add(o, "zswap_writeback", json_object_new_int(s->zswap_writeback));
	add_double(o, "pressure_some_avg10", s->memory_some_avg10);
	add_double(o, "io_pressure_some_avg10", s->io_some_avg10);
	if (s->has_rates)
		add_double(o, "zswpin_per_s", s->zswpin_per_s);
	return o;
}
