/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswap_size_parse on sizes as operators write them (policy files, vswapctl arguments); what
 * parses is resolved against a few references and formatted. vswap_size_format must read
 * back: a whole number of its unit exactly, any other count to within a tenth of the unit.
 * The format side also runs on the input's first 8 bytes taken as a byte count.
 */
#include <errno.h>
#include <inttypes.h>

#include "fuzz.h"
#include "size.h"

/* Shift of the unit vswap_size_format prints a count in: 0 (B) below 1 KiB, at most 60 (E). */
static unsigned format_shift(uint64_t bytes)
{
	return bytes < 1024 ? 0 : (unsigned)(63 - __builtin_clzll(bytes)) / 10 * 10;
}

static uint64_t unit_mask(uint64_t bytes)
{
	return (UINT64_C(1) << format_shift(bytes)) - 1;
}

static void check_format(uint64_t bytes)
{
	char out[VSWAP_SIZE_FORMAT_MAX];
	struct vswap_size back = {};

	memset(out, 0xa5, sizeof(out));
	fuzz_assert(vswap_size_format(bytes, out) == out);
	fuzz_assert(memchr(out, '\0', sizeof(out)) != NULL && out[0] != '\0');

	int r = vswap_size_parse(out, &back);
	bool whole = bytes == UINT64_MAX || (bytes & unit_mask(bytes)) == 0;
	uint64_t tenth = (unit_mask(bytes) + 1) / 10 + 1; /* +1: both sides round down */
	bool ok = r == 0 && back.bytes <= bytes &&
		  (whole ? back.bytes == bytes : bytes - back.bytes <= tenth);
	if (!ok) {
		fprintf(stderr,
			"vswap_size_format(%" PRIu64 ") = \"%s\", which vswap_size_parse reads as "
			"%" PRIu64 " bytes (return %d: %s)\n",
			bytes, out, back.bytes, r, strerror(-r));
		abort();
	}
}

/* References a percentage is resolved against: none, below and at a page, 1 GiB, odd, the
 * largest finite one and "max". */
static const uint64_t refs[] = {
    0, 4095, 4096, UINT64_C(1) << 30, UINT64_C(12345678901), UINT64_MAX - 1, UINT64_MAX,
};

static void check_resolve(const struct vswap_size *sz, uint64_t ref)
{
	uint64_t v = 42;

	int r = vswap_size_resolve(sz, ref, &v);
	fuzz_assert(r == 0 || r == -EDOM);
	fuzz_assert((r == -EDOM) == (sz->kind == VSWAP_SIZE_PERCENT && ref == VSWAP_LIMIT_MAX));
	if (r < 0) {
		fuzz_assert(v == 42);
		return;
	}
	if (sz->kind == VSWAP_SIZE_PERCENT)
		fuzz_assert(v <= ref && v % 4096 == 0);
	else
		fuzz_assert(v == sz->bytes);
	check_format(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size); /* vswap_size_parse takes a C string */
	struct vswap_size sz, untouched;
	uint64_t raw = 0, u;

	memcpy(&raw, data, size < sizeof(raw) ? size : sizeof(raw));
	memset(&sz, 0x5a, sizeof(sz));
	memcpy(&untouched, &sz, sizeof(sz));

	int r = vswap_size_parse(s, &sz);
	fuzz_assert(r == 0 || r == -EINVAL || r == -ERANGE);
	if (r < 0)
		fuzz_assert(memcmp(&sz, &untouched, sizeof(sz)) == 0);
	/* A plain decimal is a byte count. */
	if (vswap_parse_u64(s, &u) == 0)
		fuzz_assert(r == 0 && sz.kind == VSWAP_SIZE_BYTES && sz.bytes == u);
	if (r == 0) {
		fuzz_assert(sz.kind == VSWAP_SIZE_BYTES || sz.kind == VSWAP_SIZE_MAX ||
			    sz.kind == VSWAP_SIZE_PERCENT);
		fuzz_assert(sz.kind != VSWAP_SIZE_MAX || sz.bytes == UINT64_MAX);
		fuzz_assert(sz.kind != VSWAP_SIZE_PERCENT || sz.basis_pts <= 10000);
		for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
			check_resolve(&sz, refs[i]);
		check_resolve(&sz, raw);
	}
	free(s);

	check_format(raw);
	check_format(raw & ~unit_mask(raw));
	return 0;
}
