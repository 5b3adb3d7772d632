/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LD_PRELOAD fault injector for vswapd on fixture trees. VSWAP_FAULTS holds rules separated by
 * ';', each OP:GLOB:ACTION[:SKIP] (the first SKIP matching calls pass), matched with fnmatch()
 * (no FNM_PATHNAME) against the absolute path of the file an fd refers to:
 *
 *   open|openr|openw   openat2 and openat (any / read-only / for writing):
 *                      an errno name (ENOENT, EACCES, ...) fails it;
 *                      "vanish" removes the file's directory (a cgroup going away
 *                      mid-tick) and then fails it with ENOENT
 *   read               an errno name; "truncate" (half the first chunk, then EOF);
 *                      "garbage" (the bytes replaced by non-numeric junk)
 *   write              an errno name (what the kernel answers a knob write with)
 *   statfs             "cgroup2": fstatfs() reports CGROUP2_SUPER_MAGIC, so the daemon
 *                      tries to write a PSI trigger (pair it with a write rule)
 *
 * An fd opened for a write that a write rule will fail loses O_TRUNC: kernfs ignores it, and
 * a fixture file must not be emptied by a write the kernel would refuse.
 * Each injected fault appends "OP PATH ACTION" to the file VSWAP_FAULT_LOG, so a test can
 * tell that its faults fired.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

long syscall(long number, ...);
ssize_t read(int fd, void *buf, size_t count);
int openat(int dirfd, const char *path, int flags, ...);
ssize_t write(int fd, const void *buf, size_t count);
int fstatfs(int fd, struct statfs *buf);

#define MAX_RULES 16

enum op { OP_OPEN, OP_OPENR, OP_OPENW, OP_READ, OP_WRITE, OP_STATFS };

struct rule {
	enum op op;
	char glob[512];
	char action[32];
	int err; /* 0: not an errno action */
	long skip;
};

static struct rule rules[MAX_RULES];
static size_t n_rules;
static int log_fd = -1;
static bool loaded;

static const struct {
	const char *name;
	int err;
} errnos[] = {
    {"ENOENT", ENOENT}, {"EACCES", EACCES}, {"EPERM", EPERM},	{"EBUSY", EBUSY},
    {"EINVAL", EINVAL}, {"EIO", EIO},	    {"EAGAIN", EAGAIN}, {"ENOSPC", ENOSPC},
};

static int op_parse(const char *s, enum op *ret)
{
	static const char *const names[] = {"open", "openr", "openw", "read", "write", "statfs"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], s) == 0) {
			*ret = (enum op)i;
			return 0;
		}
	return -1;
}

static void rule_add(char *spec)
{
	char *op = strtok(spec, ":"), *glob = strtok(NULL, ":"), *action = strtok(NULL, ":");
	char *skip = strtok(NULL, ":");
	struct rule *r = &rules[n_rules];

	if (!op || !glob || !action || n_rules == MAX_RULES || op_parse(op, &r->op) < 0) {
		fprintf(stderr, "fault: bad rule (OP:GLOB:ACTION)\n");
		abort();
	}
	snprintf(r->glob, sizeof(r->glob), "%s", glob);
	snprintf(r->action, sizeof(r->action), "%s", action);
	r->skip = skip ? strtol(skip, NULL, 10) : 0;
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (strcmp(errnos[i].name, action) == 0)
			r->err = errnos[i].err;
	n_rules++;
}

static void load(void)
{
	const char *env = getenv("VSWAP_FAULTS"), *logp = getenv("VSWAP_FAULT_LOG");

	if (loaded)
		return;
	loaded = true;
	if (logp)
		log_fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (!env)
		return;
	char *copy = strdup(env), *save = NULL;
	for (char *s = strtok_r(copy, ";", &save); s; s = strtok_r(NULL, ";", &save))
		rule_add(s);
	free(copy);
}

/* The rule for this call, counting it against the rule's SKIP unless peek. */
static const struct rule *match_ex(enum op op, const char *path, bool peek)
{
	load();
	for (size_t i = 0; i < n_rules; i++) {
		struct rule *r = &rules[i];
		bool op_ok =
		    r->op == op || (r->op == OP_OPEN && (op == OP_OPENR || op == OP_OPENW));
		if (!op_ok || fnmatch(r->glob, path, 0) != 0)
			continue;
		if (peek || r->skip == 0)
			return r;
		r->skip--;
		return NULL;
	}
	return NULL;
}

static const struct rule *match(enum op op, const char *path)
{
	return match_ex(op, path, false);
}

static void note(const char *op, const char *path, const char *action)
{
	char line[4200];
	int n = snprintf(line, sizeof(line), "%s %s %s\n", op, path, action);

	if (log_fd >= 0 && n > 0)
		(void)syscall(SYS_write, log_fd, line,
			      (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static bool fd_path(int fd, char *buf, size_t len)
{
	char link[64];

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, buf, len - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return buf[0] == '/';
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

static long fail(int err)
{
	errno = err;
	return -1;
}

/*
 * The fault for opening path at dirfd with these flags: -1 with errno set when the open
 * must fail, else 0 with the flags to open with in *flags.
 */
static int open_fault(int dirfd, const char *path, uint64_t *flags)
{
	char dir[4096], full[8192];
	int acc = (int)(*flags & O_ACCMODE);

	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else if (fd_path(dirfd, dir, sizeof(dir)))
		snprintf(full, sizeof(full), "%s/%s", dir, path);
	else
		return 0;
	const struct rule *r = match(acc == O_RDONLY ? OP_OPENR : OP_OPENW, full);
	if (r && strcmp(r->action, "vanish") == 0) {
		char *slash = strrchr(full, '/');
		*slash = '\0';
		(void)nftw(full, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		*slash = '/';
		note("open", full, "vanish");
		return (int)fail(ENOENT);
	}
	if (r && r->err) {
		note("open", full, r->action);
		return (int)fail(r->err);
	}
	/* The write that follows this open will fail: keep the file whole. */
	const struct rule *w = acc != O_RDONLY ? match_ex(OP_WRITE, full, true) : NULL;
	if (w && w->skip == 0)
		*flags &= ~(uint64_t)O_TRUNC;
	return 0;
}

static long openat2_faulted(long (*real)(long, ...), int dirfd, const char *path,
			    const struct open_how *how, size_t size)
{
	struct open_how h = *how;
	uint64_t flags = h.flags;

	if (open_fault(dirfd, path, &flags) < 0)
		return -1;
	h.flags = flags;
	return real(SYS_openat2, dirfd, path, &h, sizeof(h));
}

/* libvswap's sampler opens with openat(O_NOFOLLOW) below a cgroup's dirfd. */
int openat(int dirfd, const char *path, int flags, ...)
{
	uint64_t f = (uint64_t)flags;
	mode_t mode = 0;
	va_list ap;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (open_fault(dirfd, path, &f) < 0)
		return -1;
	return (int)syscall(SYS_openat, dirfd, path, (int)f, mode);
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
	if (number == SYS_openat2 && a[1])
		return openat2_faulted(real, (int)a[0], (const char *)a[1],
				       (const struct open_how *)a[2], (size_t)a[3]);
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

ssize_t read(int fd, void *buf, size_t count)
{
	char path[4096];
	const struct rule *r = fd_path(fd, path, sizeof(path)) ? match(OP_READ, path) : NULL;

	if (r && r->err) {
		note("read", path, r->action);
		return fail(r->err);
	}
	ssize_t n = syscall(SYS_read, fd, buf, count);
	if (!r || n <= 0)
		return n;
	if (strcmp(r->action, "truncate") == 0) {
		/* Half of what a first read returns, then end of file. */
		if (lseek(fd, 0, SEEK_CUR) != n)
			return 0;
		(void)lseek(fd, 0, SEEK_END);
		note("read", path, "truncate");
		return n / 2;
	}
	if (strcmp(r->action, "garbage") == 0) {
		for (ssize_t i = 0; i < n; i++)
			((char *)buf)[i] = "\x01z?\xff-9e"[i % 7];
		note("read", path, "garbage");
	}
	return n;
}

ssize_t write(int fd, const void *buf, size_t count)
{
	char path[4096];
	const struct rule *r = fd_path(fd, path, sizeof(path)) ? match(OP_WRITE, path) : NULL;

	if (r && r->err) {
		note("write", path, r->action);
		return fail(r->err);
	}
	return syscall(SYS_write, fd, buf, count);
}

int fstatfs(int fd, struct statfs *buf)
{
	char path[4096];
	int r = (int)syscall(SYS_fstatfs, fd, buf);
	const struct rule *rl =
	    r == 0 && fd_path(fd, path, sizeof(path)) ? match(OP_STATFS, path) : NULL;

	if (rl && strcmp(rl->action, "cgroup2") == 0) {
		buf->f_type = CGROUP2_SUPER_MAGIC;
		note("statfs", path, "cgroup2");
	}
	return r;
}
