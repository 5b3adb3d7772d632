/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Where things are: the root every path is below (--root DIR, else $VSWAP_ROOT, else "/"),
 * and every well-known path inside it. Paths here are relative to the root, without a
 * leading '/'. Layered directories are listed lowest precedence first, all in systemd's
 * order: /usr/lib < /run < /etc.
 */

#include <stddef.h>

/* The root to use: given when set and non-empty, else $VSWAP_ROOT when set and non-empty,
 * else "/". The string is the caller's or the environment's: not to be freed. */
const char *vswap_root_resolve(const char *given);

/*
 * The absolute path of rel (relative to root) for the calls that take no directory fd
 * (bind, connect, inotify_add_watch): "/run/x" for root "/", "/srv/r/run/x" for "/srv/r".
 * -ENOMEM, or -ENAMETOOLONG beyond max_len bytes (0: no bound).
 */
int vswap_root_path(const char *root, const char *rel, size_t max_len, char **ret);

#define VSWAP_LAYER_COUNT 3

/* Policy files, *.json. */
extern const char *const vswap_policy_dirs[VSWAP_LAYER_COUNT];
/* Attachments of cgroups, *.conf. */
extern const char *const vswap_attach_dirs[VSWAP_LAYER_COUNT];
/* systemd's unit directories, whose UNIT.d/ drop-ins may attach a policy to a unit. */
extern const char *const vswap_unit_dirs[VSWAP_LAYER_COUNT];
/* vswapd.conf: the first of these that exists is the main file... */
extern const char *const vswap_daemon_conf_main_files[VSWAP_LAYER_COUNT];
/* ...then the *.conf drop-ins of these, layered, applied in file name order. */
extern const char *const vswap_daemon_conf_dirs[VSWAP_LAYER_COUNT];

/* vswapd's runtime directory and its control socket's default (ControlSocket=). */
#define VSWAP_RUNTIME_DIR	     "run/vswapd"
#define VSWAP_CONTROL_SOCKET_DEFAULT "run/vswapd/control"
