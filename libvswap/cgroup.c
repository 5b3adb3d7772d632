/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cgroup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "util.h"

static bool valid_component(const char *s, size_t n)
{
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n <= 255;
}

/* Strip the mount point ("/sys/fs/cgroup") when the input is a filesystem path below it. */
static const char *strip_mount(const struct vswap_ctx *ctx, const char *input)
{
	size_t m = strlen(ctx->cgroup_mount);

	while (m > 0 && ctx->cgroup_mount[m - 1] == '/')
		m--;
	if (m > 0 && strncmp(input, ctx->cgroup_mount, m) == 0 && (input[m] == '/' || !input[m]))
		return input + m;
	return input;
}

int vswap_cgroup_normalize(const struct vswap_ctx *ctx, const char *input, char **ret)
{
	const char *s = strip_mount(ctx, input);
	_cleanup_free_ char *out = malloc(strlen(s) + 1);
	size_t o = 0;

	if (!out)
		return -ENOMEM;
	while (*s) {
		size_t skip = strspn(s, "/");
		s += skip;
		size_t n = strcspn(s, "/");
		if (n == 0)
			break;
		if (!valid_component(s, n))
			return -EINVAL;
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, s, n);
		o += n;
		s += n;
	}
	out[o] = '\0';
	*ret = TAKE_PTR(out);
	return 0;
}

bool vswap_cgroup_path_valid(const char *display)
{
	if (display[0] != '/')
		return false;
	if (streq(display, "/"))
		return true;
	for (const char *s = display + 1;; s++) {
		size_t n = strcspn(s, "/");
		if (n == 0 || !valid_component(s, n))
			return false;
		s += n;
		if (!*s)
			return true;
	}
}

char *vswap_cgroup_display(const char *path)
{
	char *d;

	if (asprintf(&d, "/%s", path) < 0)
		return NULL;
	return d;
}

int vswap_cgroup_exists(const struct vswap_ctx *ctx, const char *path)
{
	_cleanup_close_ int fd = -1;

	if (!*path)
		return 0;
	fd = vswap_open_beneath(ctx->cgroup_fd, path, O_PATH | O_DIRECTORY);
	return fd < 0 ? fd : 0;
}

int vswap_cgroup_has(const struct vswap_ctx *ctx, const char *path, const char *file)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "%s%s%s", path, *path ? "/" : "", file) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = vswap_open_beneath(ctx->cgroup_fd, p, O_PATH);
	return fd >= 0 ? 1 : fd == -ENOENT ? 0 : fd;
}

int vswap_cgroup_read(const struct vswap_ctx *ctx, const char *path, const char *file, char **ret,
		      size_t *ret_len)
{
	_cleanup_free_ char *p = NULL;

	if (asprintf(&p, "%s%s%s", path, *path ? "/" : "", file) < 0)
		return -ENOMEM;
	return vswap_read_at(ctx->cgroup_fd, p, ret, ret_len);
}

/* DT_UNKNOWN passes: opening it with O_DIRECTORY sorts it out. */
static int is_subdir(const struct dirent *d)
{
	return (d->d_type == DT_DIR || d->d_type == DT_UNKNOWN) &&
	       !(d->d_name[0] == '.' &&
		 (d->d_name[1] == '\0' || (d->d_name[1] == '.' && d->d_name[2] == '\0')));
}

static int walk_children(int dirfd, const char *path, vswap_cgroup_visit_t visit, void *userdata);

static int walk_one(int parent_fd, const char *path, const char *name, vswap_cgroup_visit_t visit,
		    void *userdata)
{
	_cleanup_free_ char *child = NULL;
	_cleanup_close_ int fd = vswap_open_beneath(parent_fd, name, O_RDONLY | O_DIRECTORY);

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0; /* removed since the directory was listed, or not a directory */
	if (fd < 0)
		return fd;
	if (asprintf(&child, "%s%s%s", path, *path ? "/" : "", name) < 0)
		return -ENOMEM;
	int r = visit(child, userdata);
	if (r < 0)
		return r;
	return walk_children(fd, child, visit, userdata);
}

static int walk_children(int dirfd, const char *path, vswap_cgroup_visit_t visit, void *userdata)
{
	struct dirent **names = NULL;
	int n = scandirat(dirfd, ".", &names, is_subdir, alphasort);
	int r = 0;

	if (n < 0)
		return errno == ENOENT ? 0 : negative_errno();
	for (int i = 0; i < n; i++) {
		if (r == 0)
			r = walk_one(dirfd, path, names[i]->d_name, visit, userdata);
		free(names[i]);
	}
	free(names);
	return r;
}

int vswap_cgroup_walk(const struct vswap_ctx *ctx, const char *path, vswap_cgroup_visit_t visit,
		      void *userdata)
{
	_cleanup_close_ int fd =
	    vswap_open_beneath(ctx->cgroup_fd, *path ? path : ".", O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		return fd;
	int r = visit(path, userdata);
	if (r < 0)
		return r;
	return walk_children(fd, path, visit, userdata);
}
