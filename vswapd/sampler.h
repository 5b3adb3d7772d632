/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* From raw samples to the signals the engine decides on (rates need two samples). */

#include "engine.h"
#include "sample.h"

/*
 * Fill signals from the current sample and, when prev is not NULL, the previous one taken
 * dt_s seconds earlier (rates). Absent fields read as "no limit" for limits and 0 otherwise;
 * zswap_writeback is -1 when the file is absent.
 */
void signals_from_samples(const struct vswap_sample *cur, const struct vswap_sample *prev,
			  double dt_s, double now_s, struct signals *ret);

/* Whether two samples differ in anything the engine looks at (used to back off). */
bool samples_differ(const struct vswap_sample *a, const struct vswap_sample *b);

/* The signals as a JSON object (explain's "inputs"); keys carry units. */
struct json_object;
struct json_object *signals_to_json(const struct signals *s);
