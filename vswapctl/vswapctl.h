/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * vswapctl's verbs. Every verb and helper returns 0 (or a count) on success and a negative
 * errno on failure, having said why on stderr exactly once; main() alone turns the result into
 * the exit status (vswapctl(8)):
 *   0  success
 *   1  failure (any other errno; validation errors are -EBADMSG)
 *   2  usage: the command line or a value on it is invalid (-EINVAL)
 *   4  not found: a named cgroup, unit, policy or file does not exist (-ENOENT)
 */

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

enum {
	VSWAPCTL_EXIT_OK = 0,
	VSWAPCTL_EXIT_FAILURE = 1,
	VSWAPCTL_EXIT_USAGE = 2,
	VSWAPCTL_EXIT_NOT_FOUND = 4,
};

/* The exit status of a verb's result. */
int vswapctl_exit_status(int r);

/* The options a verb may take (a bit each); others are usage errors for it. */
enum {
	OPT_F_UNIT = 1 << 0,	   /* --unit */
	OPT_F_RUNTIME = 1 << 1,	   /* --runtime */
	OPT_F_NO_RELOAD = 1 << 2,  /* --no-reload */
	OPT_F_INTERVAL = 1 << 3,   /* --interval */
	OPT_F_ITERATIONS = 1 << 4, /* --iterations */
	OPT_F_NO_LEGEND = 1 << 5,  /* --no-legend */
	OPT_F_FORCE = 1 << 6,	   /* --force */
	OPT_F_POLICY = 1 << 7,	   /* --policy */
	OPT_F_PROPERTY = 1 << 8,   /* -p, --property */
	OPT_F_WAIT = 1 << 9,	   /* --wait */
};

/* -p KEY=VALUE given at most this many times. */
#define VSWAPCTL_PROPERTIES_MAX 64

struct vswapctl_options {
	const char *root; /* as given; NULL: $VSWAP_ROOT or "/" */
	bool json;
	const char *unit;    /* --unit UNIT */
	bool runtime;	     /* --runtime: below /run (until reboot) instead of /etc */
	bool no_reload;	     /* --no-reload: do not ask vswapd to reload after a change */
	bool no_legend;	     /* --no-legend: tables without their header line */
	bool force;	     /* --force: replace or keep what would otherwise be refused */
	double interval_s;   /* top: seconds between refreshes */
	unsigned iterations; /* top: refreshes before exiting, 0: until interrupted */
	const char *policy;  /* run --policy NAME|FILE */
	const char *properties[VSWAPCTL_PROPERTIES_MAX]; /* run -p KEY=VALUE, in order */
	size_t n_properties;
	bool wait;	/* run --wait: until every process of the cgroup is gone */
	unsigned given; /* OPT_F_* of the options on the command line */
};

struct vswap_ctx;

/* Open the context of opts->root (a cgroup2 mount needed / configuration files only). */
int vswapctl_open(const struct vswapctl_options *opts, struct vswap_ctx **ret);
int vswapctl_open_config(const struct vswapctl_options *opts, struct vswap_ctx **ret);

/* Without the memory controller on cgroup2 there is nothing to show: -EOPNOTSUPP, said, with
 * a pointer to `vswapctl capabilities`, rather than an empty table. */
int vswapctl_need_memory_controller(const struct vswap_ctx *ctx);

/* Say why on stderr ("vswapctl: ..."). */
void vswapctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Say why and return err: "return vswapctl_fail(-EINVAL, ...)". */
int vswapctl_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A configuration file's path ("/etc/vswapd/...", relative to the root) as an editor opens
 * it: below --root DIR, "DIR/etc/vswapd/...". In buf; returns it.
 */
const char *vswapctl_file(const char *path, char *buf, size_t len);
/* The root those paths are below (main() sets it from --root / $VSWAP_ROOT). */
void vswapctl_set_root(const char *root);

/* FILE:LINE:COLUMN: FIELD: what, on stderr: the one format of every configuration error. */
struct vswap_policy_error;
struct vswap_policy_load_errors;
void vswapctl_print_error(const char *path, const struct vswap_policy_error *err);
void vswapctl_print_load_errors(const struct vswap_policy_load_errors *errs);

struct json_object;
/*
 * One request to vswapd over its control socket (ControlSocket= of vswapd.conf below the
 * root). Returns 1 with the reply when it said "ok", 0 with the reply and *ret_code when it
 * refused (nothing logged: the caller decides), -ECONNREFUSED when no vswapd listens (not
 * logged), or another negative errno (logged).
 */
int vswapctl_call(const struct vswapctl_options *opts, struct json_object *req,
		  struct json_object **ret_reply, enum vswap_error_code *ret_code);

/* vswapctl_call() for verbs that need the daemon: every failure logged once; 0 with the
 * reply when it said "ok". */
int vswapctl_request(const struct vswapctl_options *opts, struct json_object *req,
		     struct json_object **ret_reply);

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
/* run: the command's wait status (>= 0), for run_child_pass_on(), or a negative errno. */
int verb_run(int argc, char **argv, const struct vswapctl_options *opts);
