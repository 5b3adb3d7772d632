/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Logging: to the journal with structured fields when systemd connected stderr to it
 * ($JOURNAL_STREAM), else one line on stderr with the fields appended as KEY=value.
 * Warnings about the same thing are rate-limited by the caller's key.
 */

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

void log_setup(int max_priority);
int log_max_priority(void);

/* A plain message. Returns -err when err < 0, so "return log_error(r, ...)" works. */
int log_full(int priority, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define log_debug(...)		    log_full(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)		    log_full(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)		    log_full(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...)	    log_full(LOG_WARNING, 0, __VA_ARGS__)
#define log_error_errno(err, ...)   log_full(LOG_ERR, (err), __VA_ARGS__)
#define log_warning_errno(err, ...) log_full(LOG_WARNING, (err), __VA_ARGS__)

/* The record of an action decided for a cgroup, with its journal fields. */
struct log_action {
	const char *cgroup;
	const char *policy;
	const char *action;
	uint64_t bytes;
	const char *reason;
	bool dry_run;
	int err; /* < 0: the write failed */
};

void log_action(const struct log_action *a);

/*
 * Whether a warning with this key may be logged now: at most once per interval_s per key
 * (a small table of recent keys; the oldest is forgotten first).
 */
bool log_ratelimit(const char *key, double now_s, double interval_s);
