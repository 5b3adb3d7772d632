/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Which tasks of a cgroup wait most on memory: per-task delay accounting over the taskstats
 * generic netlink family (libnl-genl). Needs CONFIG_TASKSTATS + CONFIG_TASK_DELAY_ACCT and
 * delay accounting switched on (boot with "delayacct" or sysctl kernel.task_delayacct=1);
 * without them the answer is an empty list and a reason, never an error.
 */

#include <stdint.h>
#include <sys/types.h>

#define TASKSTATS_TOP 5

struct task_delay {
	pid_t pid;
	char comm[32];
	uint64_t swapin_delay_ns;    /* waiting for pages to come back from swap */
	uint64_t thrashing_delay_ns; /* waiting on refaults of recently evicted pages */
};

struct taskstats_top {
	size_t n;
	struct task_delay tasks[TASKSTATS_TOP]; /* largest swapin + thrashing delay first */
	const char *unavailable;		/* why n is 0 when it is not the cgroup's fault */
};

/* The pids are those of the cgroup's cgroup.procs text. */
void taskstats_top(const char *procs, struct taskstats_top *ret);
