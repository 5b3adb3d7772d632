/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswap_parse_bool and vswap_parse_word on module parameters (zswap.enabled, .compressor). */
#include <ctype.h>
#include <errno.h>

#include "fuzz.h"

/* The value without the one trailing newline the kernel adds. */
static size_t chomped(const char *buf, size_t len)
{
	return len > 0 && buf[len - 1] == '\n' ? len - 1 : len;
}

static int check_bool(const char *buf, size_t len)
{
	struct vswap_parse_error err = fuzz_error_unset();
	bool b = false, b2;
	size_t n = chomped(buf, len);

	int r = vswap_parse_bool(buf, len, &b, &err);
	fuzz_assert(r == 0 || r == -EBADMSG);
	if (r == 0) {
		fuzz_assert(n == 1 && strchr("YN10", buf[0]) && buf[0] != '\0');
		fuzz_assert(b == (buf[0] == 'Y' || buf[0] == '1'));
	} else
		fuzz_check_error(buf, len, &err);
	fuzz_assert(vswap_parse_bool(buf, len, &b2, NULL) == r);
	return r;
}

static int check_word(const char *buf, size_t len)
{
	static char untouched;
	struct vswap_parse_error err = fuzz_error_unset();
	char *w = &untouched;
	size_t n = chomped(buf, len);

	int r = vswap_parse_word(buf, len, &w, &err);
	fuzz_assert(r == 0 || r == -EBADMSG || r == -ENOMEM);
	if (r == 0) {
		fuzz_assert(strlen(w) == n && memcmp(w, buf, n) == 0);
		for (size_t i = 0; i < n; i++)
			fuzz_assert(isgraph((unsigned char)w[i]));
		free(w);
	} else
		fuzz_assert(w == &untouched);
	if (r == -EBADMSG)
		fuzz_check_error(buf, len, &err);

	int r2 = vswap_parse_word(buf, len, &w, NULL);
	fuzz_assert(r2 == r || r2 == -ENOMEM || r == -ENOMEM);
	if (r2 == 0)
		free(w);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data; /* exact size, no NUL: ASan sees any over-read */

	int rb = check_bool(buf, size);
	int rw = check_word(buf, size);
	/* Y, N, 1 and 0 are words too. */
	fuzz_assert(rb != 0 || rw == 0);
	return 0;
}
