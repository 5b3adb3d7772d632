/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The daemon's wiring: one sd-event loop, and in it the rooms that do the work: watch
 * (what changed), registry (what is managed), scheduler (when to look), evaluate (sample ->
 * decide -> act), the control socket with its commands, and the metrics textfile. Signals:
 * SIGHUP reloads, SIGTERM and SIGINT stop.
 */

#include "commands.h"
#include "daemonconf.h"
#include "state.h"

struct manager;

/*
 * Set up below root (NULL: $VSWAP_ROOT or "/") with conf, which the manager takes over
 * (conf is left empty). Invalid policies at start are logged and managed as none until
 * fixed; other failures are logged and returned.
 */
int manager_new(const char *root, struct vswap_daemon_conf *conf, struct manager **ret);
struct manager *manager_free(struct manager *m);
int manager_run(struct manager *m);

/* Reload policies: all or nothing. Returns 0, or -EBADMSG with last_reload_error set. */
int manager_reload(struct manager *m);

/* For tests and the fuzzer: the state the commands work on, and the commands. */
struct daemon_state *manager_state(struct manager *m);
struct commands *manager_commands(struct manager *m);
