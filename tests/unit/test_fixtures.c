/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every parser on every file of the trees captured from real kernels (tests/fixtures/NAME):
 * the whole file parses, and every truncation of it either parses or fails with -EBADMSG
 * (never anything else, never a read past the end: run under ASan in CI).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "parse.h"

enum kind { K_KV, K_MEMINFO, K_PSI, K_LIMIT, K_BOOL, K_WORD, K_SWAPS, K_MOUNTINFO };

/* Which parser reads which file, by the path's tail (fnmatch, '/' literal). */
static const struct {
	const char *pattern;
	enum kind kind;
} parsers[] = {
    {"*/memory.stat", K_KV},
    {"*/memory.events", K_KV},
    {"*/memory.events.local", K_KV},
    {"*/memory.swap.events", K_KV},
    {"*/memory.vswap.events", K_KV},
    {"*/memory.vswap.stat", K_KV},
    {"*/proc/vmstat", K_KV},
    {"*/proc/meminfo", K_MEMINFO},
    {"*/memory.pressure", K_PSI},
    {"*/io.pressure", K_PSI},
    {"*/cpu.pressure", K_PSI},
    {"*/proc/pressure/*", K_PSI},
    {"*/memory.current", K_LIMIT},
    {"*/memory.max", K_LIMIT},
    {"*/memory.high", K_LIMIT},
    {"*/memory.low", K_LIMIT},
    {"*/memory.min", K_LIMIT},
    {"*/memory.peak", K_LIMIT},
    {"*/memory.swap.current", K_LIMIT},
    {"*/memory.swap.max", K_LIMIT},
    {"*/memory.swap.high", K_LIMIT},
    {"*/memory.swap.peak", K_LIMIT},
    {"*/memory.zswap.current", K_LIMIT},
    {"*/memory.zswap.max", K_LIMIT},
    {"*/memory.zswap.writeback", K_LIMIT},
    {"*/memory.vswap.current", K_LIMIT},
    {"*/memory.vswap.max", K_LIMIT},
    {"*/memory.vswap.peak", K_LIMIT},
    {"*/zswap/parameters/enabled", K_BOOL},
    {"*/zswap/parameters/shrinker_enabled", K_BOOL},
    {"*/zswap/parameters/compressor", K_WORD},
    {"*/zswap/parameters/zpool", K_WORD},
    {"*/zswap/parameters/max_pool_percent", K_LIMIT},
    {"*/zswap/parameters/accept_threshold_percent", K_LIMIT},
    {"*/proc/swaps", K_SWAPS},
    {"*/proc/self/mountinfo", K_MOUNTINFO},
};

static int parse(enum kind kind, const char *buf, size_t len)
{
	struct vswap_parse_error err;
	struct vswap_kv *kv = NULL;
	struct vswap_swaps *sw = NULL;
	struct vswap_psi psi;
	uint64_t v;
	bool b;
	char *s = NULL;
	int r = -EINVAL;

	switch (kind) {
	case K_KV:
	case K_MEMINFO:
		r = vswap_kv_parse(buf, len, kind == K_KV ? VSWAP_KV_SPACE : VSWAP_KV_MEMINFO, &kv,
				   &err);
		vswap_kv_free(kv);
		break;
	case K_PSI:
		r = vswap_psi_parse(buf, len, &psi, &err);
		break;
	case K_LIMIT:
		r = vswap_parse_limit(buf, len, &v, &err);
		break;
	case K_BOOL:
		r = vswap_parse_bool(buf, len, &b, &err);
		break;
	case K_WORD:
		r = vswap_parse_word(buf, len, &s, &err);
		free(s);
		break;
	case K_SWAPS:
		r = vswap_swaps_parse(buf, len, &sw, &err);
		vswap_swaps_free(sw);
		break;
	case K_MOUNTINFO:
		r = vswap_mountinfo_cgroup2(buf, len, &s, &err);
		free(s);
		break;
	}
	return r;
}

static size_t files_checked;
static size_t kinds_seen[K_MOUNTINFO + 1];

static void check_file(const char *path, enum kind kind)
{
	char *text = NULL;
	size_t len;

	assert_int_equal(vswap_read_file(path, &text, &len), 0);
	int r = parse(kind, text, len);
	if (r != 0)
		fail_msg("%s: a captured file does not parse: %d", path, r);
	/* Exact-size copies of every prefix: ASan sees any read past the end. */
	for (size_t cut = 0; cut < len; cut++) {
		char *prefix = malloc(cut ? cut : 1);
		assert_non_null(prefix);
		memcpy(prefix, text, cut);
		r = parse(kind, prefix, cut);
		if (r != 0 && r != -EBADMSG && !(kind == K_MOUNTINFO && r == -ENOENT))
			fail_msg("%s cut at %zu: unexpected %d", path, cut, r);
		free(prefix);
	}
	free(text);
	files_checked++;
	kinds_seen[kind]++;
}

static int visit(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag != FTW_F)
		return 0;
	for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (fnmatch(parsers[i].pattern, path, 0) == 0) {
			check_file(path, parsers[i].kind);
			break;
		}
	return 0;
}

static void test_every_captured_file(void **state)
{
	assert_int_equal(nftw(VSWAP_FIXTURES_DIR, visit, 16, FTW_PHYS), 0);
	print_message("%zu captured files parsed, with every truncation\n", files_checked);
	/* The trees must exist and hold every kind of file: an empty run proves nothing. */
	for (size_t k = 0; k <= K_MOUNTINFO; k++)
		if (kinds_seen[k] == 0)
			fail_msg("no captured file for parser kind %zu", k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_captured_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
