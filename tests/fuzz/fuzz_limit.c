/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswap_parse_limit on one-value cgroup files (memory.max, memory.swap.current...), and
 * vswap_parse_u64 on the same bytes as a C string: the two must agree.
 */
#include <errno.h>

#include "fuzz.h"

static int parse_u64_checked(const char *s, uint64_t *ret)
{
	uint64_t v = 42;

	int r = vswap_parse_u64(s, &v);
	fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE);
	fuzz_assert(r == 0 || v == 42); /* ret_ is written only on success */
	*ret = v;
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data; /* exact size, no NUL: ASan sees any over-read */
	struct vswap_parse_error err = fuzz_error_unset();
	uint64_t limit = 42, u;

	int r = vswap_parse_limit(buf, size, &limit, &err);
	fuzz_assert(r == 0 || r == -EBADMSG);
	if (r < 0) {
		fuzz_assert(limit == 42);
		fuzz_check_error(buf, size, &err);
	}
	fuzz_assert(vswap_parse_limit(buf, size, &u, NULL) == r);

	/*
	 * The C-string API gets a NUL-terminated copy: as is, and without one final newline.
	 * A limit file is a value and the newline the kernel always writes; without it the
	 * read was cut short and must be refused.
	 */
	char *s = fuzz_strdup(data, size);
	parse_u64_checked(s, &u);
	if (strlen(s) == size) {
		bool newline = size > 0 && s[size - 1] == '\n';
		if (newline)
			s[size - 1] = '\0';
		int ru = parse_u64_checked(s, &u);
		if (newline && strcmp(s, "max") == 0)
			fuzz_assert(r == 0 && limit == VSWAP_LIMIT_MAX);
		else if (newline && ru == 0)
			fuzz_assert(r == 0 && limit == u);
		else
			fuzz_assert(r == -EBADMSG);
	}
	free(s);
	return 0;
}
