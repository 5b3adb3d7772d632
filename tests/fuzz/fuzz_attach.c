/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswap_attach_parse on attachment files and systemd drop-ins (written by hand or by config
 * management), both kinds. An error has a position and a message and leaves nothing behind;
 * a success names a policy without '/' and, for a cgroup attachment, a canonical path.
 */
#include <errno.h>

#include "attach.h"
#include "cgroup.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int kind = VSWAP_ATTACH_CGROUP; kind <= VSWAP_ATTACH_UNIT; kind++) {
		struct vswap_policy_error err = {};
		struct vswap_attachment a = {};
		int r = vswap_attach_parse((const char *)data, size, kind, &a, &err);
		fuzz_assert(r == 0 || r == -EBADMSG);
		if (r < 0) {
			fuzz_assert(!a.policy && !a.target);
			fuzz_assert(err.what[0] != '\0' && err.line >= 1 && err.column >= 1);
			continue;
		}
		fuzz_assert(!a.policy || (a.policy[0] && !strchr(a.policy, '/')));
		if (kind == VSWAP_ATTACH_CGROUP)
			fuzz_assert(a.target && vswap_cgroup_path_valid(a.target));
		else
			fuzz_assert(!a.target);
		vswap_attachment_clear(&a);
	}
	return 0;
}
