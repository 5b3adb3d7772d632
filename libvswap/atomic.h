/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Whole-file writes that a crash cannot tear: a temporary file in the same directory,
 * written, fsync()ed, renamed over the target, and the directory fsync()ed. Readers see the
 * old file or the new one, never a part.
 */

#include <stddef.h>
#include <sys/types.h>

/*
 * Write path (relative to dirfd, not leaving it; its directory must exist). Temporary files
 * of the same target left by a writer killed over 10 minutes ago are removed on the way.
 */
int vswap_write_atomic(int dirfd, const char *path, const char *data, size_t len, mode_t mode);

/* mkdir -p of a directory path relative to dirfd (no "..", no leaving dirfd). */
int vswap_mkdir_p(int dirfd, const char *path, mode_t mode);

/* Remove path (relative to dirfd, not leaving it) and fsync() its directory. */
int vswap_remove_durable(int dirfd, const char *path);
