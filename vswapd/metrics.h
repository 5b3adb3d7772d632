/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon's counters and the last sample of each managed cgroup as metrics text, in one of
 * two formats that differ in their metadata, not in their samples:
 *
 * - the Prometheus text format (version 0.0.4), which node_exporter's textfile collector and
 *   promtool read: HELP and TYPE name the metric as its samples do (a counter's
 *   "vswapd_reloads_total"), no end marker;
 * - OpenMetrics 1.0.0, for a scraper that asks for it (the control socket's "metrics"
 *   command): TYPE, UNIT and HELP name the family ("vswapd_reloads"), "# EOF" ends the text.
 *
 * The names, types, labels and units are an API, listed in vswapd(8) under METRICS.
 */

struct daemon_state;

enum metrics_format {
	METRICS_PROMETHEUS_TEXT,
	METRICS_OPENMETRICS,
};

/* Newly allocated text in the format asked for, or NULL on allocation failure. */
char *metrics_render(const struct daemon_state *st, enum metrics_format format);

/* Write the Prometheus text atomically (tmp + fsync + rename) to the configured textfile. */
int metrics_write_textfile(const struct daemon_state *st);
