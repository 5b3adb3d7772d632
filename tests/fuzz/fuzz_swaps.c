/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswap_swaps_parse on /proc/swaps. */
#include <errno.h>

#include "fuzz.h"

static void check_swaps(const char *buf, size_t len, const struct vswap_swaps *sw)
{
	fuzz_assert(len >= 8 && memcmp(buf, "Filename", 8) == 0);
	fuzz_assert(sw->n + 1 == fuzz_count_lines(buf, len)); /* a device a line after the header */
	for (size_t i = 0; i < sw->n; i++) {
		const struct vswap_swap_device *d = &sw->devices[i];

		fuzz_assert(d->path && d->type);
		fuzz_assert(strlen(d->path) < len && strlen(d->type) > 0 && strlen(d->type) < len);
		fuzz_assert(d->size_bytes % 1024 == 0 && d->used_bytes % 1024 == 0);
		fuzz_assert(d->priority >= -32768 && d->priority <= 32768);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data; /* exact size, no NUL: ASan sees any over-read */
	/* ret_ is written only on success: it must still point here after a failure. */
	static struct vswap_swaps untouched;
	struct vswap_parse_error err = fuzz_error_unset();
	struct vswap_swaps *sw = &untouched;

	int r = vswap_swaps_parse(buf, size, &sw, &err);
	fuzz_assert(r == 0 || r == -EBADMSG || r == -ENOMEM);
	if (r == 0) {
		check_swaps(buf, size, sw);
		vswap_swaps_free(sw);
	} else
		fuzz_assert(sw == &untouched);
	if (r == -EBADMSG)
		fuzz_check_error(buf, size, &err);

	int r2 = vswap_swaps_parse(buf, size, &sw, NULL);
	fuzz_assert(r2 == r || r2 == -ENOMEM || r == -ENOMEM);
	if (r2 == 0)
		vswap_swaps_free(sw);
	return 0;
}
