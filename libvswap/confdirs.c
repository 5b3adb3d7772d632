/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "confdirs.h"

#include <dirent.h>
#include <fcntl.h>

#include "util.h"

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n > s && name[0] != '.' && streq(name + n - s, suffix);
}

static bool is_mask(int dirfd, const char *name)
{
	char target[16];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	if (n < 0)
		return false;
	target[n] = '\0';
	return streq(target, "/dev/null");
}

static int put(struct vswap_conf_files *fs, const char *dir, const char *name, bool masked)
{
	struct vswap_conf_file *f = NULL;

	for (size_t i = 0; i < fs->n && !f; i++)
		if (streq(fs->f[i].name, name))
			f = &fs->f[i];
	if (f)
		f->n_overridden++;
	else {
		struct vswap_conf_file *nf = reallocarray(fs->f, fs->n + 1, sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		fs->f = nf;
		f = &fs->f[fs->n++];
		*f = (struct vswap_conf_file){};
		snprintf(f->name, sizeof(f->name), "%s", name);
	}
	snprintf(f->path, sizeof(f->path), "/%s/%s", dir, name);
	f->masked = masked;
	return 0;
}

static int scan(const struct vswap_ctx *ctx, const char *dir, const char *suffix,
		struct vswap_conf_files *fs)
{
	_cleanup_close_ int fd = vswap_open_beneath(ctx->root_fd, dir, O_RDONLY | O_DIRECTORY);
	struct dirent **names = NULL;
	int r = 0;

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	int n = scandirat(fd, ".", &names, NULL, alphasort);
	if (n < 0)
		return negative_errno();
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (r == 0 && has_suffix(name, suffix) && strlen(name) < sizeof(fs->f->name))
			r = put(fs, dir, name, is_mask(fd, name));
		free(names[i]);
	}
	free(names);
	return r;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct vswap_conf_file *)a)->name,
		      ((const struct vswap_conf_file *)b)->name);
}

int vswap_conf_files_list(const struct vswap_ctx *ctx, const char *const *dirs, size_t n_dirs,
			  const char *suffix, struct vswap_conf_files *ret)
{
	struct vswap_conf_files fs = {};
	int r = 0;

	for (size_t i = 0; r == 0 && i < n_dirs; i++)
		r = scan(ctx, dirs[i], suffix, &fs);
	if (r < 0) {
		vswap_conf_files_clear(&fs);
		return r;
	}
	if (fs.n > 1)
		qsort(fs.f, fs.n, sizeof(*fs.f), cmp_name);
	*ret = fs;
	return 0;
}

void vswap_conf_files_clear(struct vswap_conf_files *files)
{
	files->f = mfree(files->f);
	files->n = 0;
}
