/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-journal.h>
#include <time.h>

/*
 * A knob write the kernel keeps refusing is retried every sampling round (0.5 s at the
 * shortest): its failure is logged once per (cgroup, action, errno) per this many seconds,
 * as the daemon's other repeated warnings are. Counted in `vswapctl daemon` failures.
 */
#define ACTION_FAILURE_LOG_INTERVAL_S 300

static int max_priority = LOG_INFO;
static bool to_journal;

void log_setup(int priority)
{
	max_priority = priority;
	to_journal = getenv("JOURNAL_STREAM") != NULL;
}

int log_max_priority(void)
{
	return max_priority;
}

int log_full(int priority, int err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (priority > max_priority)
		return err < 0 ? err : -err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_journal && err)
		sd_journal_send("MESSAGE=%s: %s", msg, strerror(abs(err)), "PRIORITY=%i", priority,
				"ERRNO=%i", abs(err), NULL);
	else if (to_journal)
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", priority, NULL);
	else if (err)
		fprintf(stderr, "vswapd: %s: %s\n", msg, strerror(abs(err)));
	else
		fprintf(stderr, "vswapd: %s\n", msg);
	return err < 0 ? err : -err;
}

static double monotonic_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void log_action(const struct log_action *a)
{
	int priority = a->err < 0 ? LOG_WARNING : LOG_NOTICE;
	const char *verb = a->dry_run ? "would" : a->err < 0 ? "failed to" : "did";

	if (priority > max_priority)
		return;
	if (a->err < 0) {
		char key[256];
		/* The cgroup last: a key longer than a slot loses its tail, not the errno. */
		snprintf(key, sizeof(key), "action:%s:%d:%s", a->action, a->err, a->cgroup);
		if (!log_ratelimit(key, monotonic_s(), ACTION_FAILURE_LOG_INTERVAL_S))
			return;
	}
	if (to_journal) {
		sd_journal_send("MESSAGE=%s: %s %s %llu bytes: %s%s%s", a->cgroup, verb, a->action,
				(unsigned long long)a->bytes, a->reason, a->err < 0 ? ": " : "",
				a->err < 0 ? strerror(-a->err) : "", "PRIORITY=%i", priority,
				"CGROUP=%s", a->cgroup, "POLICY=%s", a->policy, "ACTION=%s",
				a->action, "BYTES=%llu", (unsigned long long)a->bytes, "REASON=%s",
				a->reason, "DRY_RUN=%i", a->dry_run, NULL);
		return;
	}
	fprintf(stderr,
		"vswapd: %s: %s %s %llu bytes: %s%s%s CGROUP=%s POLICY=%s ACTION=%s BYTES=%llu\n",
		a->cgroup, verb, a->action, (unsigned long long)a->bytes, a->reason,
		a->err < 0 ? ": " : "", a->err < 0 ? strerror(-a->err) : "", a->cgroup, a->policy,
		a->action, (unsigned long long)a->bytes);
}

/*
 * Keys recur per cgroup (a knob write refused on every managed cgroup, each round): with
 * fewer slots than recurring keys the least recently used one is always evicted and every
 * message gets through (tests/fault: 100 cgroups logged 237 times in 3 s with 64 slots).
 * 4096 covers the 1000 managed cgroups of bench/idle-cost a few times over; 136 bytes each,
 * bss that stays untouched until used.
 */
#define RATELIMIT_SLOTS 4096

bool log_ratelimit(const char *key, double now_s, double interval_s)
{
	static struct {
		char key[128];
		double last;
	} slots[RATELIMIT_SLOTS];
	size_t victim = 0;

	for (size_t i = 0; i < RATELIMIT_SLOTS; i++)
		if (slots[i].key[0] && strncmp(slots[i].key, key, sizeof(slots[i].key) - 1) == 0) {
			if (now_s - slots[i].last < interval_s)
				return false;
			slots[i].last = now_s;
			return true;
		}
	/* A new key takes a free slot, else the least recently used. */
	for (size_t i = 0; i < RATELIMIT_SLOTS; i++) {
		if (!slots[i].key[0]) {
			victim = i;
			break;
		}
		if (slots[i].last < slots[victim].last)
			victim = i;
	}
	snprintf(slots[victim].key, sizeof(slots[victim].key), "%s", key);
	slots[victim].last = now_s;
	return true;
}
