/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parsers against garbage and truncation. Content of real kernel files is tested in
 * test_fixtures.c on trees captured from a 6.12 kernel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Exact-size heap copy without a terminating NUL, so ASan catches any read past len. */
static char *exact_copy(const char *s, size_t len)
{
	char *b = malloc(len ? len : 1);

	assert_non_null(b);
	memcpy(b, s, len);
	return b;
}

static void test_limit(void **state)
{
	static const struct {
		const char *text;
		int ret;
		uint64_t value;
	} cases[] = {
	    {"max\n", 0, VSWAP_LIMIT_MAX},
	    {"max", -EBADMSG, 0},  /* no newline: cut short */
	    {"6710", -EBADMSG, 0}, /* "67108864\n" cut short */
	    {"0\n", 0, 0},
	    {"67108864\n", 0, 67108864},
	    {"18446744073709551615\n", 0, UINT64_MAX},
	    {"18446744073709551616\n", -EBADMSG, 0},
	    {"\n", -EBADMSG, 0},
	    {"", -EBADMSG, 0},
	    {"max\n\n", -EBADMSG, 0},
	    {"12 \n", -EBADMSG, 0},
	    {"-1\n", -EBADMSG, 0},
	    {"1\0002\n", -EBADMSG, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].text);
		if (i == sizeof(cases) / sizeof(cases[0]) - 1)
			len = 4; /* embedded NUL */
		char *b = exact_copy(cases[i].text, len);
		struct vswap_parse_error err = {};
		uint64_t v = 42;
		int r = vswap_parse_limit(b, len, &v, &err);
		assert_int_equal(r, cases[i].ret);
		if (r == 0)
			assert_true(v == cases[i].value);
		else
			assert_int_equal(err.line, 1);
		free(b);
	}
}

static void test_kv_errors(void **state)
{
	static const struct {
		const char *text;
		unsigned line, column;
	} cases[] = {
	    {"anon 1\nfile x\n", 2, 6},
	    {"anon 1\n\nfile 2\n", 2, 1},
	    {"anon\n", 1, 5},
	    {"anon 1 2\n", 1, 7},
	    {"anon  -1\n", 1, 7},
	    {" anon 1\n", 1, 1},
	    {"anon 99999999999999999999\n", 1, 6},
	    {"anon 1\nzswap", 2, 6},
	    {"anon 1\nzswap 12", 2, 9}, /* "zswap 1234\n" cut short */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vswap_parse_error err = {};
		struct vswap_kv *kv = NULL;
		char *b = exact_copy(cases[i].text, strlen(cases[i].text));
		print_message("case %zu\n", i);
		assert_int_equal(
		    vswap_kv_parse(b, strlen(cases[i].text), VSWAP_KV_SPACE, &kv, &err), -EBADMSG);
		assert_null(kv);
		assert_int_equal(err.line, cases[i].line);
		assert_int_equal(err.column, cases[i].column);
		assert_true(strlen(err.what) > 0);
		free(b);
	}
}

static void test_kv_keeps_unknown_keys_in_order(void **state)
{
	static const char text[] = "anon 4096\nfuture_key 7\nzswap 0\n";
	struct vswap_kv *kv = NULL;
	uint64_t v;

	assert_int_equal(vswap_kv_parse(text, strlen(text), VSWAP_KV_SPACE, &kv, NULL), 0);
	assert_int_equal(kv->n, 3);
	assert_string_equal(kv->entries[1].key, "future_key");
	assert_int_equal(vswap_kv_get(kv, "future_key", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(vswap_kv_get(kv, "zswap", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(vswap_kv_get(kv, "zswapped", &v), -ENOENT);
	vswap_kv_free(kv);
}

static void test_meminfo_units(void **state)
{
	static const char text[] = "MemTotal:         500000 kB\nHugePages_Total:       0\n";
	struct vswap_kv *kv = NULL;
	uint64_t v;

	assert_int_equal(vswap_kv_parse(text, strlen(text), VSWAP_KV_MEMINFO, &kv, NULL), 0);
	assert_int_equal(vswap_kv_get(kv, "MemTotal", &v), 0);
	assert_true(v == 500000ull * 1024);
	assert_int_equal(vswap_kv_get(kv, "HugePages_Total", &v), 0);
	assert_int_equal(v, 0);
	vswap_kv_free(kv);

	static const char bad[] = "MemTotal 5 kB\n";
	struct vswap_parse_error err = {};
	assert_int_equal(vswap_kv_parse(bad, strlen(bad), VSWAP_KV_MEMINFO, &kv, &err), -EBADMSG);
	assert_int_equal(err.column, 9);

	/* The largest kB value that fits in 64 bits as bytes, and the next one. */
	static const char top[] = "MemTotal: 18014398509481983 kB\n";
	assert_int_equal(vswap_kv_parse(top, strlen(top), VSWAP_KV_MEMINFO, &kv, NULL), 0);
	assert_int_equal(vswap_kv_get(kv, "MemTotal", &v), 0);
	assert_true(v == 18014398509481983ull * 1024);
	vswap_kv_free(kv);
	static const char over[] = "MemTotal: 18014398509481984 kB\n";
	assert_int_equal(vswap_kv_parse(over, strlen(over), VSWAP_KV_MEMINFO, &kv, &err), -EBADMSG);
	assert_int_equal(err.column, 11);
	assert_non_null(strstr(err.what, "out of range"));
}

static void test_psi_errors(void **state)
{
	static const char *const bad[] = {
	    "",
	    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
	    "some avg10=0.00 avg60=0.00 avg300=0.00\n",
	    "some avg10=x avg60=0.00 avg300=0.00 total=0\n",
	    "some avg10=0.00 avg60=0.00 avg300=0.00 total=0 extra\n",
	    "some avg60=0.00 avg10=0.00 avg300=0.00 total=0\n",
	    "some avg10=1. avg60=0.00 avg300=0.00 total=0\n",
	    "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
	    "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
	    "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
	    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
	    "full avg10=9.00 avg60=0.00 avg300=0.00 total=9\n",
	    "some avg10=0.1234567 avg60=0.00 avg300=0.00 total=0\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vswap_psi psi;
		char *b = exact_copy(bad[i], strlen(bad[i]));
		print_message("case %zu\n", i);
		assert_int_equal(vswap_psi_parse(b, strlen(bad[i]), &psi, NULL), -EBADMSG);
		free(b);
	}
}

static void test_psi_values(void **state)
{
	static const char text[] = "some avg10=12.34 avg60=0.50 avg300=100.00 total=123456789\n"
				   "full avg10=0.01 avg60=0.00 avg300=0.00 total=5\n";
	struct vswap_psi psi;

	assert_int_equal(vswap_psi_parse(text, strlen(text), &psi, NULL), 0);
	assert_float_equal(psi.some.avg10, 12.34, 1e-9);
	assert_float_equal(psi.some.avg60, 0.5, 1e-9);
	assert_float_equal(psi.some.avg300, 100.0, 1e-9);
	assert_true(psi.some.total_us == 123456789);
	assert_true(psi.has_full);
	assert_float_equal(psi.full.avg10, 0.01, 1e-9);
	assert_true(psi.full.total_us == 5);

	static const char six[] = "some avg10=0.123456 avg60=0.5 avg300=7 total=0\n";
	assert_int_equal(vswap_psi_parse(six, strlen(six), &psi, NULL), 0);
	assert_float_equal(psi.some.avg10, 0.123456, 1e-12);
	assert_float_equal(psi.some.avg60, 0.5, 1e-12);
	assert_float_equal(psi.some.avg300, 7, 0);
	assert_false(psi.has_full);
}

static void test_swaps(void **state)
{
	static const char text[] =
	    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	    "/dev/vda                                partition\t262140\t\t1024\t\t-2\n"
	    "/swap\\040file                           file\t\t1024\t\t0\t\t10\n";
	struct vswap_swaps *sw = NULL;

	assert_int_equal(vswap_swaps_parse(text, strlen(text), &sw, NULL), 0);
	assert_int_equal(sw->n, 2);
	assert_string_equal(sw->devices[0].path, "/dev/vda");
	assert_string_equal(sw->devices[0].type, "partition");
	assert_true(sw->devices[0].size_bytes == 262140ull * 1024);
	assert_true(sw->devices[0].used_bytes == 1024ull * 1024);
	assert_int_equal(sw->devices[0].priority, -2);
	assert_string_equal(sw->devices[1].path, "/swap file");
	assert_int_equal(sw->devices[1].priority, 10);
	vswap_swaps_free(sw);

	static const char bad[] = "Filename Type Size Used Priority\n/dev/vda partition 1 2\n";
	struct vswap_parse_error err = {};
	assert_int_equal(vswap_swaps_parse(bad, strlen(bad), &sw, &err), -EBADMSG);
	assert_int_equal(err.line, 2);
	static const char nohdr[] = "/dev/vda partition 1 2 3\n";
	assert_int_equal(vswap_swaps_parse(nohdr, strlen(nohdr), &sw, NULL), -EBADMSG);

	/* Sizes whose bytes overflow 64 bits, priorities the kernel never prints. */
	static const struct {
		const char *row;
		unsigned column;
	} bad_rows[] = {
	    {"/a file 18014398509481984 0 1\n", 9},
	    {"/a file 1 18014398509481984 1\n", 11},
	    {"/a file 1 0 32769\n", 13},
	    {"/a file 1 0 -32769\n", 13},
	    {"/a file 1 0 -\n", 13},
	};
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		char row[128];
		snprintf(row, sizeof(row), "Filename Type Size Used Priority\n%s", bad_rows[i].row);
		print_message("row %s", bad_rows[i].row);
		assert_int_equal(vswap_swaps_parse(row, strlen(row), &sw, &err), -EBADMSG);
		assert_int_equal(err.line, 2);
		assert_int_equal(err.column, bad_rows[i].column);
	}
	static const char edges[] = "Filename Type Size Used Priority\n"
				    "/a file 18014398509481983 0 32768\n/b file 0 0 -32768\n";
	assert_int_equal(vswap_swaps_parse(edges, strlen(edges), &sw, NULL), 0);
	assert_true(sw->devices[0].size_bytes == 18014398509481983ull * 1024);
	assert_int_equal(sw->devices[0].priority, 32768);
	assert_int_equal(sw->devices[1].priority, -32768);
	vswap_swaps_free(sw);
}

static void test_mountinfo(void **state)
{
	static const char text[] =
	    "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	    "30 22 0:26 / /sys/fs/cgroup\\040v2 rw,nosuid shared:9 master:2 - cgroup2 cgroup2 "
	    "rw,nsdelegate\n";
	char *mp = NULL;

	assert_int_equal(vswap_mountinfo_cgroup2(text, strlen(text), &mp, NULL), 0);
	assert_string_equal(mp, "/sys/fs/cgroup v2");
	free(mp);

	static const char none[] = "22 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n";
	assert_int_equal(vswap_mountinfo_cgroup2(none, strlen(none), &mp, NULL), -ENOENT);
	static const char bad[] = "22 1 254:0 / / rw,relatime ext4 /dev/vda rw x\n";
	assert_int_equal(vswap_mountinfo_cgroup2(bad, strlen(bad), &mp, NULL), -EBADMSG);
}

static void test_bool_and_word(void **state)
{
	bool b;
	char *w = NULL;

	assert_int_equal(vswap_parse_bool("Y\n", 2, &b, NULL), 0);
	assert_true(b);
	assert_int_equal(vswap_parse_bool("N\n", 2, &b, NULL), 0);
	assert_false(b);
	assert_int_equal(vswap_parse_bool("N", 1, &b, NULL), -EBADMSG); /* cut short */
	assert_int_equal(vswap_parse_bool("yes\n", 4, &b, NULL), -EBADMSG);
	assert_int_equal(vswap_parse_word("lzo\n", 4, &w, NULL), 0);
	assert_string_equal(w, "lzo");
	free(w);
	assert_int_equal(vswap_parse_word("l zo\n", 5, &w, NULL), -EBADMSG);
	assert_int_equal(vswap_parse_word("\n", 1, &w, NULL), -EBADMSG);

	/* One word is at most 255 bytes. */
	char long_word[258];
	memset(long_word, 'z', sizeof(long_word));
	long_word[255] = '\n';
	assert_int_equal(vswap_parse_word(long_word, 256, &w, NULL), 0);
	assert_int_equal(strlen(w), 255);
	free(w);
	long_word[255] = 'z'; /* 256 bytes of word */
	long_word[256] = '\n';
	assert_int_equal(vswap_parse_word(long_word, 257, &w, NULL), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_kv_errors),
	    cmocka_unit_test(test_kv_keeps_unknown_keys_in_order),
	    cmocka_unit_test(test_meminfo_units),
	    cmocka_unit_test(test_psi_errors),
	    cmocka_unit_test(test_psi_values),
	    cmocka_unit_test(test_swaps),
	    cmocka_unit_test(test_mountinfo),
	    cmocka_unit_test(test_bool_and_word),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
