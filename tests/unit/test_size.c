/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "size.h"

static const struct {
	const char *text;
	int ret;
	enum vswap_size_kind kind;
	uint64_t bytes;
	uint32_t basis_pts;
} parse_cases[] = {
    {"0", 0, VSWAP_SIZE_BYTES, 0, 0},
    {"4096", 0, VSWAP_SIZE_BYTES, 4096, 0},
    {"512K", 0, VSWAP_SIZE_BYTES, 512ull << 10, 0},
    {"512k", 0, VSWAP_SIZE_BYTES, 512ull << 10, 0},
    {"512M", 0, VSWAP_SIZE_BYTES, 512ull << 20, 0},
    {"8G", 0, VSWAP_SIZE_BYTES, 8ull << 30, 0},
    {"1.5G", 0, VSWAP_SIZE_BYTES, 3ull << 29, 0},
    {"0.001K", 0, VSWAP_SIZE_BYTES, 1, 0},
    {"2T", 0, VSWAP_SIZE_BYTES, 2ull << 40, 0},
    {"16383P", 0, VSWAP_SIZE_BYTES, 16383ull << 50, 0},
    {"16384P", -ERANGE, 0, 0, 0},
    {"18446744073709551615", 0, VSWAP_SIZE_BYTES, UINT64_MAX, 0},
    {"18446744073709551616", -ERANGE, 0, 0, 0},
    {"100B", 0, VSWAP_SIZE_BYTES, 100, 0},
    {"max", 0, VSWAP_SIZE_MAX, UINT64_MAX, 0},
    {"25%", 0, VSWAP_SIZE_PERCENT, 0, 2500},
    {"12.5%", 0, VSWAP_SIZE_PERCENT, 0, 1250},
    {"100%", 0, VSWAP_SIZE_PERCENT, 0, 10000},
    {"100.01%", -ERANGE, 0, 0, 0},
    {"101%", -ERANGE, 0, 0, 0},
    {"1.234%", -EINVAL, 0, 0, 0},
    {"", -EINVAL, 0, 0, 0},
    {"M", -EINVAL, 0, 0, 0},
    {"-1", -EINVAL, 0, 0, 0},
    {"1.5", -EINVAL, 0, 0, 0}, /* a fraction of a byte */
    {"1.G", -EINVAL, 0, 0, 0},
    {"1GB", -EINVAL, 0, 0, 0},
    {"1X", -EINVAL, 0, 0, 0},
    {" 1G", -EINVAL, 0, 0, 0},
    {"1G ", -EINVAL, 0, 0, 0},
    {"MAX", -EINVAL, 0, 0, 0},
    /* issue 11: no integer part */
    {".5G", -EINVAL, 0, 0, 0},
    {".5", -EINVAL, 0, 0, 0},
    {".5%", -EINVAL, 0, 0, 0},
    {".", -EINVAL, 0, 0, 0},
    /* at most three decimals for bytes, two for a percentage */
    {"1.999G", 0, VSWAP_SIZE_BYTES, (1ull << 30) + 999ull * (1ull << 30) / 1000, 0},
    {"1.0001G", -EINVAL, 0, 0, 0},
    {"99.99%", 0, VSWAP_SIZE_PERCENT, 0, 9999},
    {"0.01%", 0, VSWAP_SIZE_PERCENT, 0, 1},
    {"1.5%", 0, VSWAP_SIZE_PERCENT, 0, 150},
    {"100.00%", 0, VSWAP_SIZE_PERCENT, 0, 10000},
    /* 100 times this wraps to 84 in 64 bits */
    {"184467440737095517%", -ERANGE, 0, 0, 0},
    {"1%%", -EINVAL, 0, 0, 0},
    {"15.999E", 0, VSWAP_SIZE_BYTES,
     (15ull << 60) + (uint64_t)(((unsigned __int128)999 << 60) / 1000), 0},
    {"16E", -ERANGE, 0, 0, 0},
    {"1.5B", -EINVAL, 0, 0, 0},
};

static void test_parse_table(void **state)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		struct vswap_size s = {};
		int r = vswap_size_parse(parse_cases[i].text, &s);

		print_message("case '%s'\n", parse_cases[i].text);
		assert_int_equal(r, parse_cases[i].ret);
		if (r < 0)
			continue;
		assert_int_equal(s.kind, parse_cases[i].kind);
		if (s.kind == VSWAP_SIZE_PERCENT)
			assert_int_equal(s.basis_pts, parse_cases[i].basis_pts);
		else
			assert_true(s.bytes == parse_cases[i].bytes);
	}
}

static void test_resolve(void **state)
{
	struct vswap_size s;
	uint64_t v;

	assert_int_equal(vswap_size_parse("25%", &s), 0);
	assert_int_equal(vswap_size_resolve(&s, 1ull << 30, &v), 0);
	assert_true(v == 256ull << 20);
	/* Rounded down to a 4 KiB page, as the kernel stores limits. */
	assert_int_equal(vswap_size_resolve(&s, 10000, &v), 0);
	assert_true(v == 0);
	assert_int_equal(vswap_size_resolve(&s, 40000, &v), 0);
	assert_true(v == 8192);
	/* A percentage of "max" means nothing. */
	assert_int_equal(vswap_size_resolve(&s, UINT64_MAX, &v), -EDOM);
	/* 100% of the largest reference must not overflow. */
	assert_int_equal(vswap_size_parse("100%", &s), 0);
	assert_int_equal(vswap_size_resolve(&s, UINT64_MAX - 1, &v), 0);
	assert_true(v == ((UINT64_MAX - 1) & ~4095ull));
	assert_int_equal(vswap_size_parse("8G", &s), 0);
	assert_int_equal(vswap_size_resolve(&s, 0, &v), 0);
	assert_true(v == 8ull << 30);
}

static void test_format(void **state)
{
	static const struct {
		uint64_t bytes;
		const char *text;
	} cases[] = {
	    {0, "0B"},
	    {1023, "1023B"},
	    {1024, "1K"},
	    {1536, "1.5K"},
	    {512ull << 20, "512M"},
	    {3ull << 29, "1.5G"},
	    {(1ull << 30) + 1, "1G"}, /* one decimal: a byte more does not show */
	    {1023ull << 40, "1023T"},
	    {UINT64_MAX, "max"},
	    {UINT64_MAX - 1, "15.9E"},
	};
	char buf[VSWAP_SIZE_FORMAT_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(vswap_size_format(cases[i].bytes, buf), cases[i].text);
}

/* A whole number of units prints without decimals and parses back to the same bytes. */
static void test_format_parse_roundtrip(void **state)
{
	static const uint64_t counts[] = {1, 7, 15, 512, 1023};
	char buf[VSWAP_SIZE_FORMAT_MAX];
	struct vswap_size s;

	for (unsigned shift = 10; shift <= 60; shift += 10)
		for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
			if (counts[i] > UINT64_MAX >> shift)
				continue; /* 512E and up do not fit in 64 bits */
			uint64_t bytes = counts[i] << shift;
			vswap_size_format(bytes, buf);
			assert_null(strchr(buf, '.'));
			assert_int_equal(vswap_size_parse(buf, &s), 0);
			assert_true(s.bytes == bytes);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_table),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_format),
	    cmocka_unit_test(test_format_parse_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
