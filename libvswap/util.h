/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Small helpers shared by everything: scope-bound cleanup and ownership transfer.
 * Functions that can fail return a negative errno, >= 0 on success.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* free() that returns NULL: p = mfree(p); */
static inline void *mfree(void *p)
{
	free(p);
	return NULL;
}

#define _cleanup_free_	   _cleanup_(freep)
#define _cleanup_close_	   _cleanup_(closep)
#define _cleanup_fclose_   _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hand a pointer over to a new owner, leaving NULL behind so cleanup does nothing. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		typeof(p) _p = (p);                                                                \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

/* Min and max of doubles that are never NaN, without libm: vswapd maps no libm, whose IFUNC
 * resolvers alone kept 380 KiB of it resident (smaps, 1000 managed cgroups). */
static inline double dmin(double a, double b)
{
	return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
	return a > b ? a : b;
}

static inline const char *strna(const char *s)
{
	return s ? s : "n/a";
}

static inline int streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Return -errno, or -EIO when errno was (wrongly) left at 0 by a failing call. */
static inline int negative_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}
