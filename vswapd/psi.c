/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "psi.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/vfs.h>

#include "context.h"
#include "util.h"

/*
 * Unprivileged triggers (no CAP_SYS_RESOURCE, as in vswapd.service's bounding set) must use
 * windows that are multiples of 2 s (kernel/sched/psi.c); the kernel says EINVAL otherwise.
 */
#define PSI_UNPRIVILEGED_WINDOW_US 2000000ULL

static int trigger_write(int fd, const struct vswap_policy *p, uint64_t window_us, char *trigger,
			 size_t len)
{
	snprintf(trigger, len, "%s %llu %llu", p->pressure.full ? "full" : "some",
		 (unsigned long long)p->pressure.threshold_us, (unsigned long long)window_us);
	return write(fd, trigger, strlen(trigger) + 1) < 0 ? negative_errno() : 0;
}

int psi_trigger_open(int cgroup_fd, const char *cgroup, const struct vswap_policy *p, char *trigger,
		     size_t len, bool *ret_widened)
{
	_cleanup_free_ char *path = NULL;
	struct statfs sfs;
	uint64_t window = p->pressure.window_us;
	uint64_t widened = (window + PSI_UNPRIVILEGED_WINDOW_US - 1) / PSI_UNPRIVILEGED_WINDOW_US *
			   PSI_UNPRIVILEGED_WINDOW_US;

	*ret_widened = false;
	snprintf(trigger, len, "%s %llu %llu", p->pressure.full ? "full" : "some",
		 (unsigned long long)p->pressure.threshold_us, (unsigned long long)window);
	if (asprintf(&path, "%s/memory.pressure", cgroup) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = vswap_open_beneath(cgroup_fd, path, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
		return -EOPNOTSUPP;
	int r = trigger_write(fd, p, window, trigger, len);
	if (r == -EINVAL && widened != window) {
		r = trigger_write(fd, p, widened, trigger, len);
		*ret_widened = r == 0;
	}
	return r < 0 ? r : TAKE_FD(fd);
}
