/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "knob.h"

#include <fcntl.h>
#include <inttypes.h>

#include "cgroup.h"
#include "parse.h"
#include "util.h"

static const struct {
	const char *name;
	enum vswap_knob_kind kind;
} knobs[] = {
    {"memory.high", VSWAP_KNOB_LIMIT},
    {"memory.max", VSWAP_KNOB_LIMIT},
    {"memory.swap.high", VSWAP_KNOB_LIMIT},
    {"memory.swap.max", VSWAP_KNOB_LIMIT},
    {"memory.zswap.max", VSWAP_KNOB_LIMIT},
    {"memory.zswap.writeback", VSWAP_KNOB_BOOL01},
    {"memory.vswap.max", VSWAP_KNOB_LIMIT},
    {"memory.reclaim", VSWAP_KNOB_TRIGGER},
    {"memory.vswap.writeback", VSWAP_KNOB_TRIGGER},
};

int vswap_knob_kind(const char *knob, enum vswap_knob_kind *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(knobs); i++)
		if (streq(knobs[i].name, knob)) {
			*ret = knobs[i].kind;
			return 0;
		}
	return -ENOENT;
}

static bool value_valid(enum vswap_knob_kind kind, const char *value)
{
	uint64_t v;

	switch (kind) {
	case VSWAP_KNOB_LIMIT:
		return streq(value, "max") || vswap_parse_u64(value, &v) == 0;
	case VSWAP_KNOB_BOOL01:
		return streq(value, "0") || streq(value, "1");
	case VSWAP_KNOB_TRIGGER:
		return vswap_parse_u64(value, &v) == 0 && v > 0;
	}
	return false;
}

static int write_all(int fd, const char *s, size_t n)
{
	/* cgroup knobs take one write(); a short write means the kernel took part of a value. */
	ssize_t w = write(fd, s, n);

	if (w < 0)
		return negative_errno();
	return (size_t)w == n ? 0 : -EIO;
}

int vswap_knob_write(const struct vswap_ctx *ctx, const char *cgroup, const char *knob,
		     const char *value)
{
	enum vswap_knob_kind kind;
	_cleanup_free_ char *p = NULL;

	if (vswap_knob_kind(knob, &kind) < 0 || !value_valid(kind, value))
		return -EINVAL;
	if (!*cgroup && kind != VSWAP_KNOB_TRIGGER)
		return -EPERM; /* limits do not exist on the root cgroup */
	if (asprintf(&p, "%s%s%s", cgroup, *cgroup ? "/" : "", knob) < 0)
		return -ENOMEM;
	/* O_TRUNC as a shell's "echo > knob" does: kernfs ignores it, a fixture file needs it. */
	_cleanup_close_ int fd = vswap_open_beneath(ctx->cgroup_fd, p, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return fd;
	/* "VALUE\n" as echo writes it: the kernel strips the newline, and a fixture file then
	 * reads back as the kernel's would (parsers refuse text without one: cut short). */
	char line[64];
	int n = snprintf(line, sizeof(line), "%s\n", value);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	return write_all(fd, line, (size_t)n);
}

int vswap_knob_set_limit(const struct vswap_ctx *ctx, const char *cgroup, const char *knob,
			 uint64_t bytes, uint64_t *ret_effective)
{
	char value[24];
	_cleanup_free_ char *back = NULL;
	size_t len;

	if (bytes == VSWAP_LIMIT_MAX)
		strcpy(value, "max");
	else
		snprintf(value, sizeof(value), "%" PRIu64, bytes);
	int r = vswap_knob_write(ctx, cgroup, knob, value);
	if (r < 0)
		return r;
	r = vswap_cgroup_read(ctx, cgroup, knob, &back, &len);
	if (r < 0)
		return r;
	return vswap_parse_limit(back, len, ret_effective, NULL);
}

const char *vswap_knob_strerror(const char *knob, int err)
{
	switch (-err) {
	case ENOENT:
		return "no such cgroup, or this kernel does not have that file";
	case EACCES:
	case EPERM:
		return "permission denied (needs root or a delegated cgroup; limits do not exist "
		       "on the root cgroup)";
	case EINVAL:
		return "invalid value for this knob";
	case EBUSY:
		return "the kernel is busy with this cgroup, try again";
	case EAGAIN:
		return "the kernel did less than asked (not enough to reclaim or write back)";
	case EINTR:
		return "interrupted by a signal";
	case EOPNOTSUPP:
		return "not supported for this cgroup (is zswap writeback disabled?)";
	case EROFS:
		return "the cgroup filesystem is read-only";
	}
	return strerror(-err);
}
