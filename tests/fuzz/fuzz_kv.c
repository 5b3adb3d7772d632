/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswap_kv_parse on flat keyed files: built twice, as fuzz_kv_space (memory.stat,
 * memory.events, /proc/vmstat) and fuzz_kv_meminfo (/proc/meminfo), by FUZZ_KV_FORMAT.
 */
#include <ctype.h>
#include <errno.h>

#include "fuzz.h"

#ifndef FUZZ_KV_FORMAT
#error "build with -DFUZZ_KV_FORMAT=VSWAP_KV_SPACE or VSWAP_KV_MEMINFO"
#endif

/* Every line became one entry, in file order, keyed by the line's first characters. */
static void check_kv(const char *buf, size_t len, const struct vswap_kv *kv)
{
	const char *p = buf;

	fuzz_assert(kv->n == fuzz_count_lines(buf, len));
	for (size_t i = 0; i < kv->n; i++) {
		const char *key = kv->entries[i].key;
		size_t kl = strlen(key);

		fuzz_assert(kl > 0);
		fuzz_assert(kl <= (size_t)(buf + len - p));
		fuzz_assert(memcmp(key, p, kl) == 0);
		for (size_t j = 0; j < kl; j++)
			fuzz_assert(isgraph((unsigned char)key[j]));
		if (FUZZ_KV_FORMAT == VSWAP_KV_MEMINFO) {
			fuzz_assert(strchr(key, ':') == NULL);
			fuzz_assert(p[kl] == ':');
		}
		const char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		p = nl ? nl + 1 : buf + len;
	}
	if (kv->n > 0) {
		uint64_t v;
		fuzz_assert(vswap_kv_get(kv, kv->entries[0].key, &v) == 0);
		fuzz_assert(v == kv->entries[0].value);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data; /* exact size, no NUL: ASan sees any over-read */
	/* ret_ is written only on success: it must still point here after a failure. */
	static struct vswap_kv untouched;
	struct vswap_parse_error err = fuzz_error_unset();
	struct vswap_kv *kv = &untouched;

	int r = vswap_kv_parse(buf, size, FUZZ_KV_FORMAT, &kv, &err);
	fuzz_assert(r == 0 || r == -EBADMSG || r == -ENOMEM);
	if (r == 0)
		check_kv(buf, size, kv);
	else
		fuzz_assert(kv == &untouched);
	if (r == -EBADMSG)
		fuzz_check_error(buf, size, &err);
	kv = vswap_kv_free(r == 0 ? kv : NULL);

	/* Without an error struct: same verdict, no NULL dereference. */
	int r2 = vswap_kv_parse(buf, size, FUZZ_KV_FORMAT, &kv, NULL);
	fuzz_assert(r2 == r || r2 == -ENOMEM || r == -ENOMEM);
	if (r2 == 0)
		vswap_kv_free(kv);
	return 0;
}
