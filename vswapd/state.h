/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the daemon knows, in one place: its configuration, the kernel, the policies in force
 * and the managed set. The manager owns and updates it; the control socket's commands and the
 * metrics read it (the commands change records only through managed.h and evaluate.h).
 */

#include <stdint.h>
#include <systemd/sd-event.h>

#include "caps.h"
#include "context.h"
#include "daemonconf.h"
#include "evaluate.h"
#include "policyset.h"
#include "registry.h"
#include "scheduler.h"

struct daemon_state {
	struct vswap_daemon_conf conf;
	sd_event *event;
	struct vswap_ctx *ctx;
	struct vswap_caps caps;
	struct vswap_policy_set *policies;
	struct registry managed;
	struct scheduler *scheduler;
	uint64_t reloads;
	uint64_t reload_failures;
	char *last_reload_error; /* NULL when the last reload worked */
};

static inline struct evaluate_env daemon_env(const struct daemon_state *st)
{
	return (struct evaluate_env){.ctx = st->ctx,
				     .caps = &st->caps,
				     .policies = st->policies,
				     .dry_run = st->conf.dry_run};
}

/* Seconds on the monotonic clock, as the event loop saw it last. */
static inline double daemon_now(const struct daemon_state *st)
{
	uint64_t usec = 0;

	(void)sd_event_now(st->event, CLOCK_MONOTONIC, &usec);
	return (double)usec / 1e6;
}
