/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "atomic.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

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

/*
 * Temporary files of this target older than STALE_TEMP_S: left by a writer killed between
 * create and rename. Nothing reads them (hidden names), but they would pile up. A live
 * writer holds its temporary file for milliseconds (one fsync), far less than this.
 */
#define STALE_TEMP_S (10 * 60)

static void remove_stale_temps(int dfd, const char *base)
{
	_cleanup_free_ char *prefix = NULL;
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	time_t now = time(NULL);

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (asprintf(&prefix, ".#%s.", base) < 0)
		return;
	while ((de = readdir(d))) {
		struct stat st;
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0 &&
		    fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && now - st.st_mtime > STALE_TEMP_S)
			(void)unlinkat(dfd, de->d_name, 0);
	}
}

int vswap_write_atomic(int dirfd, const char *path, const char *data, size_t len, mode_t mode)
{
	const char *base;
	char tmp[300];
	_cleanup_close_ int dfd = open_parent(dirfd, path, &base);

	if (dfd < 0)
		return dfd;
	remove_stale_temps(dfd, base);
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
