/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * vswapd's own settings (vswapd.conf, INI, section [Daemon]), read by vswapd and by vswapctl
 * (which finds the control socket there). Layered as systemd layers a daemon's configuration:
 * the main file is the first of /etc, /run, /usr/lib/vswapd/vswapd.conf that exists; then the
 * drop-ins vswapd.conf.d/NAME.conf of /usr/lib < /run < /etc (a name in a higher directory
 * replaces the same name below, a symlink to /dev/null masks it), applied in name order
 * whatever their directory. Later settings win; the command line comes last.
 */

#include <stdbool.h>

#include "confdirs.h"
#include "context.h"
#include "loaderror.h"

struct vswap_daemon_conf {
	bool dry_run;		   /* DryRun=: decide and log, write nothing */
	int log_level;		   /* LogLevel=: LOG_ERR .. LOG_DEBUG (err, ..., debug) */
	char *control_socket;	   /* ControlSocket=: inside the root, no leading '/' */
	char *metrics_file;	   /* MetricsFile=: inside the root, no leading '/'; NULL: off */
	double metrics_interval_s; /* MetricsInterval=: seconds between textfile writes */
	double max_backoff; /* MaxBackoff=: a quiet cgroup is sampled every interval x this */
};

/* The defaults of vswapd(8). 0, or -ENOMEM. */
int vswap_daemon_conf_init(struct vswap_daemon_conf *c);
void vswap_daemon_conf_done(struct vswap_daemon_conf *c);

/* "debug", "info", "notice", "warning", "err": the LOG_* value, or -EINVAL. */
int vswap_log_level_from_string(const char *s);

/*
 * Set one key as a file would ("DryRun", "yes"). -ENOKEY for an unknown key, -EINVAL for a
 * bad value (*ret_what, when not NULL, says what was expected), -ENOMEM.
 */
int vswap_daemon_conf_set(struct vswap_daemon_conf *c, const char *key, const char *value,
			  const char **ret_what);

/*
 * The files that configure vswapd below the context's root, in the order they apply: the
 * main file first (when one exists), then the drop-ins. Masked drop-ins are listed, marked.
 */
int vswap_daemon_conf_files(const struct vswap_ctx *ctx, struct vswap_conf_files *ret);

/*
 * Read every file of vswap_daemon_conf_files() into c. All or nothing: on any error returns
 * -EBADMSG with each error in errs (FILE:LINE:COLUMN) and c as it was.
 */
int vswap_daemon_conf_load(const struct vswap_ctx *ctx, struct vswap_daemon_conf *c,
			   struct vswap_policy_load_errors *errs);
