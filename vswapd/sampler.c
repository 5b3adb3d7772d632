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

/* FNV-1a, 64 bits */
static uint64_t digest_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t sample_digest(const struct vswap_sample *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	h = digest_bytes(h, &s->present, sizeof(s->present));
	h = digest_bytes(h, s->value, sizeof(s->value));
	return digest_bytes(h, &s->memory_pressure.some.total_us,
			    sizeof(s->memory_pressure.some.total_us));
}

/* The fields a memo keeps: the counter rates are taken of, and vswapd's metrics gauges. */
static const enum vswap_field memo_fields[SAMPLE_MEMO_FIELDS] = {
    VSWAP_F_ZSWPIN,	  VSWAP_F_MEMORY_CURRENT, VSWAP_F_ZSWAP,     VSWAP_F_ZSWAPPED,
    VSWAP_F_SWAP_CURRENT, VSWAP_F_VSWAP_CURRENT,  VSWAP_F_VSWAP_MAX,
};

bool sample_memo_take(struct sample_memo *memo, const struct vswap_sample *s, double t)
{
	uint64_t digest = sample_digest(s);
	bool changed = !memo->set || digest != memo->digest;

	*memo = (struct sample_memo){.set = true, .t = t, .digest = digest};
	for (size_t i = 0; i < SAMPLE_MEMO_FIELDS; i++)
		if (vswap_sample_has(s, memo_fields[i])) {
			memo->present |= 1u << i;
			memo->value[i] = s->value[memo_fields[i]];
		}
	return changed;
}

bool sample_memo_get(const struct sample_memo *memo, enum vswap_field f, uint64_t *ret_value)
{
	for (size_t i = 0; i < SAMPLE_MEMO_FIELDS; i++)
		if (memo_fields[i] == f && memo->set && (memo->present & (1u << i))) {
			*ret_value = memo->value[i];
			return true;
		}
	return false;
}

/* A counter's rate per second; 0 when absent, or when it went back (cgroup recreated). */
static double rate(const struct vswap_sample *cur, const struct sample_memo *prev,
		   enum vswap_field f, double dt_s)
{
	uint64_t before;

	if (!vswap_sample_has(cur, f) || !sample_memo_get(prev, f, &before) ||
	    cur->value[f] < before)
		return 0;
	return (double)(cur->value[f] - before) / dt_s;
}

void signals_from_samples(const struct vswap_sample *cur, const struct sample_memo *prev,
			  double now_s, struct signals *ret)
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
	double dt_s = prev && prev->set ? now_s - prev->t : 0;
	if (dt_s > 0) {
		ret->has_rates = true;
		ret->zswpin_per_s = rate(cur, prev, VSWAP_F_ZSWPIN, dt_s);
	}
}

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/* A limit as vswapctl prints them: STEM_bytes (null for "max") and STEM_unlimited. */
static void add_limit(struct json_object *o, const char *stem, uint64_t v)
{
	char key[64];

	snprintf(key, sizeof(key), "%s_bytes", stem);
	json_object_object_add(o, key, v == UINT64_MAX ? NULL : json_object_new_uint64(v));
	snprintf(key, sizeof(key), "%s_unlimited", stem);
	json_object_object_add(o, key, json_object_new_boolean(v == UINT64_MAX));
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
	add_limit(o, "memory_max", s->memory_max);
	add_u64(o, "zswap_compressed_bytes", s->zswap);
	add_u64(o, "zswapped_bytes", s->zswapped);
	if (s->has_vswap) {
		add_u64(o, "vswap_current_bytes", s->vswap_current);
		add_limit(o, "vswap_max", s->vswap_max);
	}
	add_limit(o, "zswap_max", s->zswap_max);
	json_object_object_add(o, "zswap_writeback", json_object_new_int(s->zswap_writeback));
	add_double(o, "pressure_some_avg10", s->memory_some_avg10);
	add_double(o, "io_pressure_some_avg10", s->io_some_avg10);
	if (s->has_rates)
		add_double(o, "zswpin_per_s", s->zswpin_per_s);
	return o;
}
