/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The context every path is built from: a root prefix (--root DIR / $VSWAP_ROOT, "/" by
 * default) and the cgroup2 mount found in ROOT/proc/self/mountinfo. Files are opened with
 * openat2(RESOLVE_IN_ROOT / RESOLVE_BENEATH), so neither "..", nor a symlink, nor a cgroup name
 * can lead a read or a write outside the root or the cgroup hierarchy.
 */

#include <stddef.h>

struct vswap_ctx {
	char *root;	    /* as given, for messages */
	int root_fd;	    /* O_PATH directory */
	char *cgroup_mount; /* inside the root, e.g. "/sys/fs/cgroup" */
	int cgroup_fd;	    /* O_PATH directory of the cgroup2 mount */
};

/*
 * root NULL means $VSWAP_ROOT, or "/" when unset. -ENOENT when ROOT/proc/self/mountinfo is
 * missing or lists no cgroup2 mount, -EBADMSG when it is malformed.
 */
int vswap_ctx_new(const char *root, struct vswap_ctx **ret);
/*
 * A context for configuration files only (policies, attachments): no cgroup2 mount needed,
 * cgroup_mount is NULL and cgroup_fd -1, so it suits a staged tree in a fleet's CI.
 */
int vswap_ctx_new_config(const char *root, struct vswap_ctx **ret);
struct vswap_ctx *vswap_ctx_free(struct vswap_ctx *ctx);
static inline void vswap_ctx_freep(struct vswap_ctx **ctx)
{
	*ctx = vswap_ctx_free(*ctx);
}

/* Maximum size of a kernel text file we read (memory.stat is ~2 KiB; mountinfo grows). */
#define VSWAP_READ_MAX_BYTES (1024 * 1024)

/*
 * Read a whole file below dirfd (path relative, may not leave dirfd) into a NUL-terminated
 * buffer. -EFBIG past VSWAP_READ_MAX_BYTES.
 */
int vswap_read_at(int dirfd, const char *path, char **ret, size_t *ret_len);

/* Read fd to its end into a NUL-terminated buffer; -EFBIG past max_bytes. */
int vswap_read_fd(int fd, size_t max_bytes, char **ret, size_t *ret_len);

/* Read a file a user named (a policy file): any path, same size bound. */
int vswap_read_file(const char *path, char **ret, size_t *ret_len);

/*
 * Open below dirfd without leaving it: the openat2(RESOLVE_BENEATH) every access goes through,
 * or, where a seccomp filter refuses openat2 (ENOSYS), vswap_open_beneath_walk().
 */
int vswap_open_beneath(int dirfd, const char *path, int flags);
/* The fallback, RESOLVE_BENEATH done by hand, one component at a time: "..", absolute paths
 * and symlinks that would leave dirfd give -EXDEV. Exported for its tests. */
int vswap_open_beneath_walk(int dirfd, const char *path, int flags);

/* Read a file inside the root ("proc/meminfo"). */
int vswap_read_root(const struct vswap_ctx *ctx, const char *path, char **ret, size_t *ret_len);
