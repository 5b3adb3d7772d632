/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "context.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "parse.h"
#include "paths.h"
#include "util.h"

/*
 * openat2() answers ENOSYS where a seccomp filter cannot inspect its flags and so refuses it:
 * systemd's RestrictSUIDSGID= (measured with systemd 252), container runtimes' default
 * profiles. Then the path is resolved here the way RESOLVE_BENEATH does: one component at a
 * time relative to the directory reached so far (O_NOFOLLOW), ".." only back down the
 * directories walked, relative symlinks followed in place (proc/self), absolute ones and
 * anything that would leave dirfd refused with EXDEV.
 */
#define WALK_MAX_DEPTH 64
#define WALK_MAX_LINKS 40

struct walk {
	int fd[WALK_MAX_DEPTH + 1]; /* fd[0] is the caller's dirfd, not ours to close */
	size_t depth;
	char todo[PATH_MAX];
	unsigned links;
};

static void walk_close(struct walk *w)
{
	while (w->depth > 0)
		close(w->fd[w->depth--]);
}

/* Replace the symlink comp by its target in front of rest: 0, or -EXDEV/-ELOOP/... */
static int walk_follow(struct walk *w, const char *comp, const char *rest)
{
	char target[PATH_MAX], todo[PATH_MAX];
	ssize_t n = readlinkat(w->fd[w->depth], comp, target, sizeof(target) - 1);

	if (n < 0)
		return negative_errno();
	target[n] = '\0';
	if (target[0] == '/')
		return -EXDEV;
	if (++w->links > WALK_MAX_LINKS)
		return -ELOOP;
	if ((size_t)snprintf(todo, sizeof(todo), "%s/%s", target, rest) >= sizeof(todo))
		return -ENAMETOOLONG;
	memcpy(w->todo, todo, sizeof(todo));
	return 0;
}

static bool is_symlink(int dirfd, const char *name)
{
	char c;

	return readlinkat(dirfd, name, &c, 1) >= 0;
}

/* One component; 1 when the walk is over with *ret_fd, 0 to go on, or -errno. */
static int walk_step(struct walk *w, int flags, int *ret_fd)
{
	char *s = w->todo + strspn(w->todo, "/");
	size_t n = strcspn(s, "/");
	char comp[NAME_MAX + 1], rest[PATH_MAX];
	int fd;

	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	snprintf(comp, sizeof(comp), "%.*s", (int)n, n ? s : ".");
	snprintf(rest, sizeof(rest), "%s", s + n + strspn(s + n, "/"));
	bool last = !rest[0];
	memmove(w->todo, rest, strlen(rest) + 1);
	if (streq(comp, ".") && !last)
		return 0;
	if (streq(comp, "..")) {
		if (w->depth == 0)
			return -EXDEV;
		close(w->fd[w->depth--]);
		if (!last)
			return 0;
		snprintf(comp, sizeof(comp), ".");
	}
	if (!streq(comp, ".") && is_symlink(w->fd[w->depth], comp))
		return walk_follow(w, comp, rest);
	if (last) {
		fd = openat(w->fd[w->depth], comp,
			    flags | O_NOFOLLOW | O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY));
		*ret_fd = fd;
		return fd < 0 ? negative_errno() : 1;
	}
	if (w->depth == WALK_MAX_DEPTH)
		return -ENAMETOOLONG;
	fd = openat(w->fd[w->depth], comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	w->fd[++w->depth] = fd;
	return 0;
}

int vswap_open_beneath_walk(int dirfd, const char *path, int flags)
{
	struct walk w = {.fd = {dirfd}};
	int fd = -1, r = 0;

	if (path[0] == '/')
		return -EXDEV;
	if (strlen(path) >= sizeof(w.todo))
		return -ENAMETOOLONG;
	snprintf(w.todo, sizeof(w.todo), "%s", path);
	while (r == 0)
		r = walk_step(&w, flags, &fd);
	walk_close(&w);
	return r < 0 ? r : fd;
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
	root = vswap_root_resolve(root);
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
