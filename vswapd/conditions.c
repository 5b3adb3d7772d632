/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conditions.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/*
 * Hysteresis bands: once writeback runs it goes on until the signal is this far back on
 * the safe side, so a cgroup hovering at a threshold does not flap.
 */
#define BAND_PERCENT 5.0 /* vswap_above_percent, pressure_some_above: points */
#define BAND_BYTES   0.9 /* zswap_above: fraction of the threshold */
#define BAND_RATIO   0.1 /* ratio_below */

static double ratio_of(const struct signals *s)
{
	return s->zswap > 0 ? (double)s->zswapped / (double)s->zswap : 0;
}

/* Append a clause to a reason: "a; b". */
static void because(char *why, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void because(char *why, size_t len, const char *fmt, ...)
{
	size_t used = strlen(why);
	va_list ap;

	if (used > 0 && used + 2 < len) {
		strcpy(why + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * Where a percentage condition stops holding: at its threshold, or once started BAND_PERCENT
 * lower, never under 0 (a signal that cannot go under 0 would otherwise hold forever).
 */
static double percent_floor(double threshold, bool active)
{
	return active ? dmax(threshold - BAND_PERCENT, 0) : threshold;
}

/* One condition set, all of whose conditions must hold; why gets each one's clause. */
bool condition_holds(const struct vswap_condition *c, const struct signals *s, uint64_t cap,
		     bool active, char *why, size_t why_len)
{
	double band = active ? 1.0 : 0.0;
	double ratio = ratio_of(s);
	uint64_t zs;

	if (c->zswap_above.set) {
		zs = c->zswap_above.size.bytes;
		if ((double)s->zswap <= (double)zs * (active ? BAND_BYTES : 1.0))
			return false;
		because(why, why_len, "zswap %llu bytes above %llu", (unsigned long long)s->zswap,
			(unsigned long long)zs);
	}
	if (c->vswap_above_percent.set) {
		if (cap == UINT64_MAX || cap == 0)
			return false;
		double pct = 100.0 * (double)s->vswap_current / (double)cap;
		if (pct <= percent_floor(c->vswap_above_percent.value, active))
			return false;
		because(
		    why, why_len,
		    "vswap at %.1f%% of its cap (threshold %.0f%%; once started, down to %.0f%%)",
		    pct, c->vswap_above_percent.value,
		    percent_floor(c->vswap_above_percent.value, true));
	}
	if (c->ratio_below.set) {
		if (s->zswap == 0 || ratio >= c->ratio_below.value + band * BAND_RATIO)
			return false;
		because(why, why_len, "compression ratio %.2f below %.2f", ratio,
			c->ratio_below.value);
	}
	if (c->pressure_some_above.set) {
		if (s->memory_some_avg10 <= percent_floor(c->pressure_some_above.value, active))
			return false;
		because(why, why_len, "memory pressure %.2f%% above %.2f%%", s->memory_some_avg10,
			c->pressure_some_above.value);
	}
	if (c->zswpin_per_s_below.set) {
		if (!s->has_rates || s->zswpin_per_s >= c->zswpin_per_s_below.value)
			return false;
		because(why, why_len, "cold pool: %.1f zswpin/s below %.1f", s->zswpin_per_s,
			c->zswpin_per_s_below.value);
	}
	return true;
}
