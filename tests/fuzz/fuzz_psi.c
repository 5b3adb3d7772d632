/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswap_psi_parse on /proc/pressure/{cpu,io,memory} and the cgroup *.pressure files. */
#include <errno.h>
#include <math.h>

#include "fuzz.h"

static void check_line(const struct vswap_psi_line *l)
{
	/* At most 6 decimals of a u64: finite, never negative. */
	fuzz_assert(isfinite(l->avg10) && l->avg10 >= 0);
	fuzz_assert(isfinite(l->avg60) && l->avg60 >= 0);
	fuzz_assert(isfinite(l->avg300) && l->avg300 >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data; /* exact size, no NUL: ASan sees any over-read */
	struct vswap_parse_error err = fuzz_error_unset();
	struct vswap_psi psi, sentinel;

	memset(&psi, 0x5a, sizeof(psi));
	memcpy(&sentinel, &psi, sizeof(psi)); /* ret_ is written only on success */
	int r = vswap_psi_parse(buf, size, &psi, &err);
	fuzz_assert(r == 0 || r == -EBADMSG);
	if (r == 0) {
		fuzz_assert(size >= 5 && memcmp(buf, "some ", 5) == 0);
		fuzz_assert(fuzz_count_lines(buf, size) == 1u + psi.has_full);
		check_line(&psi.some);
		if (psi.has_full)
			check_line(&psi.full);
		else
			fuzz_assert(psi.full.total_us == 0 && psi.full.avg10 == 0);
	} else {
		fuzz_assert(memcmp(&psi, &sentinel, sizeof(psi)) == 0);
		fuzz_check_error(buf, size, &err);
	}

	fuzz_assert(vswap_psi_parse(buf, size, &psi, NULL) == r);
	return 0;
}
