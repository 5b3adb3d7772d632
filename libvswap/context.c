/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "context.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "parse.h"
#include "util.h"

/*
 * openat2() answers ENOSYS where a seccomp filter cannot inspect its flags and so refuses it:
 * systemd's RestrictSUIDSGID= (measured with systemd 252), container runtimes' default
 * profiles. Then each component is opened with O_NOFOLLOW relative to the last: stricter
 * than RESOLVE_BENEATH (no symlink at all, where openat2 follows those that stay inside),
 * and just as unable to leave dirfd.
 */
int vswap_open_beneath_walk(int dirfd, const char *path, int flags)
{
	_cleanup_close_ int cur = -1;
	int fd = -1;

	if (path[0] == '/')
		return -EXDEV;
	for (const char *s = path;;) {
		size_t n = strcspn(s, "/");
		const char *next = s + n + strspn(s + n, "/");
		bool last = !*next;
		char comp[256];
		if (n >= sizeof(comp))
			return -ENAMETOOLONG;
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return -EXDEV;
		snprintf(comp, sizeof(comp), "%.*s", (int)n, s);
		if (n == 0)
			comp[0] = '.', comp[1] = '\0';
		int base = cur >= 0 ? cur : dirfd;
		if (last)
			fd = openat(base, comp,
				    flags | O_NOFOLLOW | O_CLOEXEC |
					((flags & O_PATH) ? 0 : O_NOCTTY));
		else
			fd = openat(base, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return negative_errno();
		if (last)
			return fd;
		closep(&cur);
		cur = fd;
		s = next;
	}
}

int vswap_open_beneath(int dirfd, const char *path, int flags)
{
	static bool openat2_missing;
	/* openat2() refuses O_NOCTTY beside O_PATH. */
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY)),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};

	if (openat2_missing)
		return vswap_open_beneath_walk(dirfd, path, flags);
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		openat2_missing = true;
		return vswap_open_beneath_walk(dirfd, path, flags);
	}
	return fd < 0 ? negative_errno() : fd;
}

int vswap_read_fd(int fd, size_t max_bytes, char **ret, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= max_bytes)
				return -EFBIG;
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int vswap_read_at(int dirfd, const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = vswap_open_beneath(dirfd, path, O_RDONLY);

	if (fd < 0)
		return fd;
	return vswap_read_fd(fd, VSWAP_READ_MAX_BYTES, ret, ret_len);
}

int vswap_read_file(const char *path, char **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return negative_errno();
	return vswap_read_fd(fd, VSWAP_READ_MAX_BYTES, ret, ret_len);
}

int vswap_read_root(const struct vswap_ctx *ctx, const char *path, char **ret, size_t *ret_len)
{
	return vswap_read_at(ctx->root_fd, path, ret, ret_len);
}

static int find_cgroup_mount(struct vswap_ctx *ctx)
{
	_cleanup_free_ char *mi = NULL;
	size_t len;
	int r = vswap_read_at(ctx->root_fd, "proc/self/mountinfo", &mi, &len);

	if (r < 0)
		return r;
	r = vswap_mountinfo_cgroup2(mi, len, &ctx->cgroup_mount, NULL);
	if (r < 0)
		return r == -EBADMSG ? -EBADMSG : -ENOENT;
	const char *rel = ctx->cgroup_mount + strspn(ctx->cgroup_mount, "/");
	if (!*rel) {
		ctx->cgroup_fd = fcntl(ctx->root_fd, F_DUPFD_CLOEXEC, 3);
		return ctx->cgroup_fd < 0 ? negative_errno() : 0;
	}
	ctx->cgroup_fd = vswap_open_beneath(ctx->root_fd, rel, O_PATH | O_DIRECTORY);
	return ctx->cgroup_fd < 0 ? ctx->cgroup_fd : 0;
}

static int ctx_new(const char *root, bool cgroups, struct vswap_ctx **ret)
{
	struct vswap_ctx *ctx = calloc(1, sizeof(*ctx));
	int r;

	if (!ctx)
		return -ENOMEM;
	ctx->root_fd = ctx->cgroup_fd = -1;
	if (!root)
		root = getenv("VSWAP_ROOT");
	if (!root || !*root)
		root = "/";
	ctx->root = strdup(root);
	if (!ctx->root) {
		r = -ENOMEM;
		goto fail;
	}
	ctx->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->root_fd < 0) {
		r = negative_errno();
		goto fail;
	}
	r = cgroups ? find_cgroup_mount(ctx) : 0;
	if (r < 0)
		goto fail;
	*ret = ctx;
	return 0;
fail:
	vswap_ctx_free(ctx);
	return r;
}

int vswap_ctx_new(const char *root, struct vswap_ctx **ret)
{
	return ctx_new(root, true, ret);
}

int vswap_ctx_new_config(const char *root, struct vswap_ctx **ret)
{
	return ctx_new(root, false, ret);
}

struct vswap_ctx *vswap_ctx_free(struct vswap_ctx *ctx)
{
	if (!ctx)
		return NULL;
	closep(&ctx->root_fd);
	closep(&ctx->cgroup_fd);
	free(ctx->cgroup_mount);
	free(ctx->root);
	free(ctx);
	return NULL;
}
