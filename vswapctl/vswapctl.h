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
};

struct vswap_ctx;

/* Open the context for opts->root, printing the reason on failure. */
int vswapctl_open(const struct vswapctl_options *opts, struct vswap_ctx **ret);

void vswapctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int verb_status(int argc, char **argv, const struct vswapctl_options *opts);
int verb_capabilities(int argc, char **argv, const struct vswapctl_options *opts);
int verb_validate(int argc, char **argv, const struct vswapctl_options *opts);
int verb_schema(int argc, char **argv, const struct vswapctl_options *opts);
int verb_explain(int argc, char **argv, const struct vswapctl_options *opts);
int verb_reload(int argc, char **argv, const struct vswapctl_options *opts);
int verb_metrics(int argc, char **argv, const struct vswapctl_options *opts);
int verb_daemon(int argc, char **argv, const struct vswapctl_options *opts);
