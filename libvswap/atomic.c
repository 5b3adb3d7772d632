/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "atomic.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "context.h"
#include "util.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Split "a/b/c" into the directory fd of "a/b" and "c". */
static int open_parent(int dirfd, const char *path, const char **ret_base)
{
	const char *slash = strrchr(path, '/');

	*ret_base = slash ? slash + 1 : path;
	if (!slash)
		return vswap_open_beneath(dirfd, ".", O_RDONLY | O_DIRECTORY);
	_cleanup_free_ char *dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return -ENOMEM;
	return vswap_open_beneath(dirfd, dir, O_RDONLY | O_DIRECTORY);
}

static int create_temp(int dfd, const char *base, mode_t mode, char *ret_name, size_t len)
{
	for (int tries = 0; tries < 16; tries++) {
		uint64_t rnd;
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -EIO;
		snprintf(ret_name, len, ".#%s.%016llx", base, (unsigned long long)rnd);
		int fd = openat(dfd, ret_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
				mode);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : negative_errno();
	}
	return -EEXIST;
}

int vswap_write_atomic(int dirfd, const char *path, const char *data, size_t len, mode_t mode)
{
	const char *base;
	char tmp[300];
	_cleanup_close_ int dfd = open_parent(dirfd, path, &base);

	if (dfd < 0)
		return dfd;
	_cleanup_close_ int fd = create_temp(dfd, base, mode, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	int r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0) /* the umask must not narrow it */
		r = negative_errno();
	if (r == 0 && fsync(fd) < 0)
		r = negative_errno();
	if (r == 0 && renameat(dfd, tmp, dfd, base) < 0)
		r = negative_errno();
	if (r < 0) {
		(void)unlinkat(dfd, tmp, 0);
		return r;
	}
	return fsync(dfd) < 0 ? negative_errno() : 0;
}

int vswap_mkdir_p(int dirfd, const char *path, mode_t mode)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = p;; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = '\0';
		if (*p && mkdirat(dirfd, p, mode) < 0 && errno != EEXIST)
			return negative_errno();
		if (!c)
			return 0;
		*s = c;
	}
}

int vswap_remove_durable(int dirfd, const char *path)
{
	const char *base;
	_cleanup_close_ int dfd = open_parent(dirfd, path, &base);

	if (dfd < 0)
		return dfd;
	if (unlinkat(dfd, base, 0) < 0)
		return negative_errno();
	return fsync(dfd) < 0 ? negative_errno() : 0;
}
