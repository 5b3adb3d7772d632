/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What makes vswapd look again (inotify): cgroups created or removed anywhere in the tree ask
 * for a rescan, changes in the configuration directories (policies, attachments, unit
 * drop-ins) for a reload. Both are debounced (debounce.h): a burst of changes, one call.
 */

#include <systemd/sd-event.h>

#include "context.h"

struct watch_hooks {
	void (*rescan)(void *userdata);
	void (*reload)(void *userdata);
	void *userdata;
};

struct watch;

int watch_new(sd_event *event, const struct vswap_ctx *ctx, const struct watch_hooks *hooks,
	      struct watch **ret);
struct watch *watch_free(struct watch *w);

/* Watch the cgroup at path (relative to the mount) for children created and removed. */
void watch_cgroup(struct watch *w, const char *path);

/* Watch every configuration directory that exists now (again after each reload: some may
 * have been created since). */
void watch_config(struct watch *w);

/* A rescan soon (debounced), for other causes: a unit started, a cgroup went away. */
void watch_request_rescan(struct watch *w);
