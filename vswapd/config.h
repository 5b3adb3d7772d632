/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon's own settings: /etc/vswapd/vswapd.conf, then the drop-ins
 * /etc/vswapd/vswapd.conf.d/NAME.conf
 * in name order, then the command line (later wins). INI format, section [Daemon].
 */

#include <stdbool.h>

struct config {
	char *root;	      /* --root: every path below it ("/" by default) */
	bool dry_run;	      /* DryRun=: decide and log, write nothing */
	int log_level;	      /* LogLevel=: err, warning, notice, info, debug */
	char *control_socket; /* ControlSocket=: inside the root */
	char *metrics_file;   /* MetricsFile=: node_exporter textfile, inside the root; NULL: off */
	double metrics_interval_s; /* MetricsInterval=: seconds between textfile writes */
	double max_backoff; /* MaxBackoff=: a quiet cgroup is sampled every interval x this */
};

/* Defaults as documented in vswapd(8). */
void config_init(struct config *c);
void config_done(struct config *c);

/*
 * Read vswapd.conf and its drop-ins below root (missing files are fine). On a bad line
 * returns -EBADMSG and prints FILE:LINE: what to stderr.
 */
int config_load(struct config *c, const char *root);

/* Set one key as in the file ("DryRun", "yes"); -EINVAL for an unknown key or bad value. */
int config_set(struct config *c, const char *key, const char *value);
