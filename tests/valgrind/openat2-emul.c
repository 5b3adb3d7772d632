/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LD_PRELOAD shim for running vswapd under valgrind 3.19 (Debian 12), which does not know the
 * openat2 syscall (437): it warns "unhandled amd64-linux syscall: 437" and fails the call with
 * ENOSYS, so libvswap opens nothing. When, and only when, openat2 fails with ENOSYS, this
 * emulates it with openat() for the RESOLVE_BENEATH subset libvswap relies on: an absolute
 * path or a ".." component fails with EXDEV as the kernel's would. Symlinks are followed, so
 * this is for memory checking on trusted fixture trees, never for security tests.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/syscall.h>

long syscall(long number, ...);

static bool has_dotdot(const char *path)
{
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
		p += strspn(p, "/");
	}
	return false;
}

static long openat2_emulated(int dirfd, const char *path, const struct open_how *how)
{
	if (path[0] == '/' || has_dotdot(path)) {
		errno = EXDEV;
		return -1;
	}
	return openat(dirfd, path, (int)how->flags, (mode_t)how->mode);
}

long syscall(long number, ...)
{
	static long (*real)(long, ...);
	long a[6];
	va_list ap;

	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	long r = real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (number == SYS_openat2 && r < 0 && errno == ENOSYS)
		return openat2_emulated((int)a[0], (const char *)a[1],
					(const struct open_how *)a[2]);
	return r;
}
