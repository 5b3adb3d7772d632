/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Layered configuration directories, the way systemd layers them: the same file name in a
 * later (higher-precedence) directory replaces the earlier one, and a symlink to /dev/null
 * masks the name. Directories are relative to the context's root.
 */

#include <stdbool.h>
#include <stddef.h>

#include "context.h"

struct vswap_conf_file {
	char name[256]; /* file name, suffix included */
	char path[512]; /* "/etc/vswapd/policies.d/x.json": the winning file, for messages */
	bool masked;
	size_t n_overridden; /* files of this name in lower directories */
};

struct vswap_conf_files {
	size_t n;
	struct vswap_conf_file *f; /* sorted by name */
};

/*
 * List the files ending in suffix (hidden files skipped) of dirs, given lowest precedence
 * first. Missing directories are fine. Returns 0 or a negative errno (ret is then empty).
 */
int vswap_conf_files_list(const struct vswap_ctx *ctx, const char *const *dirs, size_t n_dirs,
			  const char *suffix, struct vswap_conf_files *ret);
void vswap_conf_files_clear(struct vswap_conf_files *files);
