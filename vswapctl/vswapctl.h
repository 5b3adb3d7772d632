/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Exit codes, documented in vswapctl(8). */
enum {
	VSWAPCTL_EXIT_OK = 0,
	VSWAPCTL_EXIT_FAILURE = 1,   /* an operation failed, or validation found errors */
	VSWAPCTL_EXIT_USAGE = 2,     /* bad command line */
	VSWAPCTL_EXIT_NOT_FOUND = 4, /* a named cgroup does not exist */
};

struct vswapctl_options {
	const char *root; /* NULL: $VSWAP_ROOT or "/" */
	bool json;
	const char *unit;    /* --unit: set-policy, unset-policy, show-policy act on a unit */
	bool runtime;	     /* --runtime: write below /run (gone at reboot) instead of /etc */
	bool no_reload;	     /* --no-reload: do not ask vswapd to reload after a change */
	double interval_s;   /* top: seconds between refreshes */
	unsigned iterations; /* top: refreshes before exiting, 0: until interrupted */
};

struct vswap_ctx;

/* Open the context for opts->root, printing the reason on failure. */
int vswapctl_open(const struct vswapctl_options *opts, struct vswap_ctx **ret);
/* The same for verbs that read configuration files only (no cgroup2 mount needed). */
int vswapctl_open_config(const struct vswapctl_options *opts, struct vswap_ctx **ret);

void vswapctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* FILE:LINE:COLUMN: FIELD: what, on stderr: the one format of every configuration error. */
struct vswap_policy_error;
struct vswap_policy_load_errors;
void vswapctl_print_error(const char *path, const struct vswap_policy_error *err);
void vswapctl_print_load_errors(const struct vswap_policy_load_errors *errs);

struct json_object;
/*
 * One request to vswapd over its control socket: the reply, or NULL with *ret_errno
 * (-ENOENT / -ECONNREFUSED: vswapd is not running, -EBADMSG: it answered garbage).
 */
struct json_object *vswapctl_call(const struct vswapctl_options *opts, struct json_object *req,
				  int *ret_errno);
/* Whether a reply says "ok": true. */
bool vswapctl_reply_ok(struct json_object *reply);

int verb_status(int argc, char **argv, const struct vswapctl_options *opts);
int verb_capabilities(int argc, char **argv, const struct vswapctl_options *opts);
int verb_validate(int argc, char **argv, const struct vswapctl_options *opts);
int verb_schema(int argc, char **argv, const struct vswapctl_options *opts);
int verb_explain(int argc, char **argv, const struct vswapctl_options *opts);
int verb_reload(int argc, char **argv, const struct vswapctl_options *opts);
int verb_metrics(int argc, char **argv, const struct vswapctl_options *opts);
int verb_set_policy(int argc, char **argv, const struct vswapctl_options *opts);
int verb_unset_policy(int argc, char **argv, const struct vswapctl_options *opts);
int verb_show_policy(int argc, char **argv, const struct vswapctl_options *opts);
int verb_list_policies(int argc, char **argv, const struct vswapctl_options *opts);
int verb_cat_config(int argc, char **argv, const struct vswapctl_options *opts);
int verb_writeback(int argc, char **argv, const struct vswapctl_options *opts);
int verb_set_max(int argc, char **argv, const struct vswapctl_options *opts);
int verb_top(int argc, char **argv, const struct vswapctl_options *opts);
int verb_daemon(int argc, char **argv, const struct vswapctl_options *opts);
