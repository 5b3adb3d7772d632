/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswap_mountinfo_cgroup2 on /proc/self/mountinfo. */
#include <errno.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data; /* exact size, no NUL: ASan sees any over-read */
	/* ret_ is written only on success: it must still point here after a failure. */
	static char untouched;
	struct vswap_parse_error err = fuzz_error_unset();
	char *mp = &untouched;

	int r = vswap_mountinfo_cgroup2(buf, size, &mp, &err);
	fuzz_assert(r == 0 || r == -EBADMSG || r == -ENOENT || r == -ENOMEM);
	if (r == 0) {
		/* Octal escapes only shrink the field; the mount line has 10 fields at least. */
		fuzz_assert(mp != &untouched && strlen(mp) + 18 <= size);
		fuzz_assert(memmem(buf, size, "cgroup2", 7) != NULL);
		free(mp);
	} else
		fuzz_assert(mp == &untouched);
	if (r == -EBADMSG)
		fuzz_check_error(buf, size, &err);

	int r2 = vswap_mountinfo_cgroup2(buf, size, &mp, NULL);
	fuzz_assert(r2 == r || r2 == -ENOMEM || r == -ENOMEM);
	if (r2 == 0)
		free(mp);
	return 0;
}
