/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* From raw samples to the signals the engine decides on (rates need two samples). */

#include "engine.h"
#include "sample.h"

/*
 * What a cgroup's next sample is compared with, instead of the whole last sample (296 bytes,
 * a third of vswapd's heap per managed cgroup): a digest of everything the sample holds that
 * backing off looks at, and the few fields rates and metrics need (memo_fields in sampler.c).
 */
#define SAMPLE_MEMO_FIELDS 7

struct sample_memo {
	bool set;
	uint8_t present; /* bit i: field i of memo_fields was in the sample */
	double t;	 /* seconds, when the sample was taken */
	uint64_t digest;
	uint64_t value[SAMPLE_MEMO_FIELDS];
};

/* A remembered field: false when it was absent, or is not one the memo keeps. */
bool sample_memo_get(const struct sample_memo *memo, enum vswap_field f, uint64_t *ret_value);

/*
 * Remember sample s, taken at t. Returns whether it differs from the sample remembered before
 * in its fields or its memory pressure total (used to back off): true when there was none.
 * Compares digests: a collision, 2^-64 per sample, costs one step of back-off.
 */
bool sample_memo_take(struct sample_memo *memo, const struct vswap_sample *s, double t);

/*
 * Fill signals from the current sample taken at now_s and, when prev is set, the one before
 * (rates). Absent fields read as "no limit" for limits and 0 otherwise; zswap_writeback is -1
 * when the file is absent.
 */
void signals_from_samples(const struct vswap_sample *cur, const struct sample_memo *prev,
			  double now_s, struct signals *ret);

/* The signals as a JSON object (explain's "inputs"); keys carry units. */
struct json_object;
struct json_object *signals_to_json(const struct signals *s);
