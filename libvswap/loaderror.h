/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The errors of loading a set of configuration files (policies, attachments, vswapd.conf):
 * each names its file and, where a parser said so, the line, column and field.
 */

#include <stddef.h>

#include "policy.h"

/* A file that could not be loaded: an I/O error (err.what has it) or a parse error. */
struct vswap_policy_load_error {
	char path[512];
	struct vswap_policy_error err;
};

struct vswap_policy_load_errors {
	size_t n;
	struct vswap_policy_load_error errors[16]; /* the first 16; n counts them all */
};

/* Record one error (err NULL: what says it all); past the first 16 they are only counted. */
void vswap_policy_load_error_add(struct vswap_policy_load_errors *errs, const char *path,
				 const struct vswap_policy_error *err, const char *what);
