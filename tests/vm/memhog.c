// SPDX-License-Identifier: GPL-2.0-only
/*
 * memhog: allocate anonymous memory with a chosen content mix, so that swap-out exercises
 * the zero-page, zswap and disk paths in known proportions.
 *
 *   memhog -m MIB [-z ZERO_PCT] [-r RANDOM_PCT] [-p PASSES] [-s SECONDS | -H] [-P] [-T] [-q]
 *
 * Page kinds (the rest after -z and -r is "compressible"):
 *   zero          all bytes 0: swap-out records it in the zeromap, no zswap or disk IO
 *   compressible  a quarter pseudo-random, three quarters a repeated pattern (lzo ~3:1)
 *   random        pseudo-random bytes: zswap stores it barely compressed or rejects it
 * Kinds are spread evenly over the region, not in blocks, so LRU order does not favour one.
 * Every page's content is a function of its index, so each pass re-reads and verifies all
 * pages: a swap path that loses or mixes up data makes memhog exit 1.
 *
 * Prints one line per phase on stdout; "memhog: ready" (flushed) once the region is filled,
 * before holding; "memhog: freed" with the time munmap took to free the region (its pages
 * swapped out as the run left them). Exit: 0 ok, 1 verification failure, 2 usage or system error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

enum page_kind { PAGE_ZERO, PAGE_COMPRESSIBLE, PAGE_RANDOM };

struct options {
	unsigned long mib;
	unsigned int zero_pct;
	unsigned int random_pct;
	unsigned int passes;
	long hold_seconds; /* -1: until signalled, 0: no hold */
	int pageout;
	int thp;
	int quiet;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spread the kinds: page i maps to slot (i * 37) % 100, 37 being coprime with 100. */
static enum page_kind page_kind_of(const struct options *o, size_t index)
{
	unsigned int slot = (unsigned int)((index * 37) % 100);

	if (slot < o->zero_pct)
		return PAGE_ZERO;
	if (slot < o->zero_pct + o->random_pct)
		return PAGE_RANDOM;
	return PAGE_COMPRESSIBLE;
}

static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

/* Write the content page @index must hold into @buf (@words 64-bit words). */
static void page_fill(uint64_t *buf, size_t words, size_t index, enum page_kind kind)
{
	uint64_t state = (index + 1) * 0x9e3779b97f4a7c15ULL;
	size_t i, random_words;

	switch (kind) {
	case PAGE_ZERO:
		memset(buf, 0, words * sizeof(*buf));
		return;
	case PAGE_RANDOM:
		random_words = words;
		break;
	default:
		random_words = words / 4;
		break;
	}
	for (i = 0; i < random_words; i++)
		buf[i] = xorshift64(&state);
	for (; i < words; i++)
		buf[i] = index ^ ((uint64_t)(i % 8) << 56);
}

static int parse_ulong(const char *arg, const char *what, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v > max) {
		fprintf(stderr, "memhog: invalid %s '%s' (0..%lu)\n", what, arg, max);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: memhog -m MIB [-z ZERO_PCT] [-r RANDOM_PCT] [-p PASSES] [-s SECONDS | -H]\n"
	      "              [-P] [-T] [-q]\n"
	      "  -m MIB         anonymous memory to allocate and fill\n"
	      "  -z PCT         percent of zero-filled pages (default 0)\n"
	      "  -r PCT         percent of incompressible pages (default 0); rest compressible\n"
	      "  -p PASSES      re-read and verify every page PASSES times (default 0)\n"
	      "  -P             madvise(MADV_PAGEOUT) the region after filling (and each pass)\n"
	      "  -T             madvise(MADV_HUGEPAGE) the region (default: MADV_NOHUGEPAGE)\n"
	      "  -s SECONDS     hold the memory that long at the end\n"
	      "  -H             hold until SIGINT, SIGTERM or SIGUSR1\n"
	      "  -q             print only errors\n",
	      f);
}

static int parse_options(int argc, char **argv, struct options *o)
{
	unsigned long v;
	int c;

	*o = (struct options){0};
	while ((c = getopt(argc, argv, "m:z:r:p:s:HPTqh")) != -1) {
		int r = 0;

		switch (c) {
		case 'm':
			r = parse_ulong(optarg, "size in MiB", 1UL << 20, &o->mib);
			break;
		case 'z':
			r = parse_ulong(optarg, "zero percentage", 100, &v);
			o->zero_pct = v;
			break;
		case 'r':
			r = parse_ulong(optarg, "random percentage", 100, &v);
			o->random_pct = v;
			break;
		case 'p':
			r = parse_ulong(optarg, "pass count", 1000000, &v);
			o->passes = v;
			break;
		case 's':
			r = parse_ulong(optarg, "seconds", 1UL << 30, &v);
			o->hold_seconds = v;
			break;
		case 'H':
			o->hold_seconds = -1;
			break;
		case 'P':
			o->pageout = 1;
			break;
		case 'T':
			o->thp = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (r < 0)
			return r;
	}
	if (optind != argc || o->mib == 0) {
		usage(stderr);
		return -EINVAL;
	}
	if (o->zero_pct + o->random_pct > 100) {
		fprintf(stderr, "memhog: -z and -r add up to more than 100%%\n");
		return -EINVAL;
	}
	return 0;
}

/* Re-read every page and compare with its expected content; returns the mismatch count. */
static size_t verify_pass(const struct options *o, unsigned char *region, size_t pages,
			  size_t page_bytes, uint64_t *expect)
{
	size_t i, bad = 0;

	for (i = 0; i < pages && !stop_requested; i++) {
		enum page_kind kind = page_kind_of(o, i);

		page_fill(expect, page_bytes / 8, i, kind);
		if (memcmp(region + i * page_bytes, expect, page_bytes)) {
			if (bad < 5)
				fprintf(stderr, "memhog: page %zu (kind %d) has wrong content\n", i,
					kind);
			bad++;
		}
	}
	return bad;
}

static void pageout(const struct options *o, void *region, size_t bytes)
{
	if (o->pageout && madvise(region, bytes, MADV_PAGEOUT))
		fprintf(stderr, "memhog: madvise(MADV_PAGEOUT): %m, ignoring\n");
}

static void hold(const struct options *o)
{
	double until = now_seconds() + o->hold_seconds;

	if (!o->quiet)
		printf("memhog: holding (pid %d)%s\n", getpid(),
		       o->hold_seconds < 0 ? " until SIGINT/SIGTERM/SIGUSR1" : "");
	fflush(stdout);
	while (!stop_requested && (o->hold_seconds < 0 || now_seconds() < until))
		usleep(100 * 1000);
}

int main(int argc, char **argv)
{
	struct options o;
	size_t page_bytes, pages, bytes, i, counts[3] = {0}, bad = 0;
	unsigned char *region;
	uint64_t *expect;
	double t0;
	unsigned int pass;

	if (parse_options(argc, argv, &o) < 0)
		return 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);

	page_bytes = (size_t)sysconf(_SC_PAGESIZE);
	bytes = o.mib << 20;
	pages = bytes / page_bytes;
	expect = malloc(page_bytes);
	region = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!expect || region == MAP_FAILED) {
		fprintf(stderr, "memhog: cannot allocate %lu MiB: %m\n", o.mib);
		return 2;
	}
	if (madvise(region, bytes, o.thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		fprintf(stderr, "memhog: madvise(%s): %m, ignoring\n",
			o.thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE");

	t0 = now_seconds();
	for (i = 0; i < pages && !stop_requested; i++) {
		enum page_kind kind = page_kind_of(&o, i);

		page_fill((uint64_t *)(region + i * page_bytes), page_bytes / 8, i, kind);
		counts[kind]++;
	}
	if (!o.quiet)
		printf("memhog: filled %lu MiB, %zu pages: %zu zero, %zu compressible, %zu random "
		       "in %.4f s\n",
		       o.mib, pages, counts[PAGE_ZERO], counts[PAGE_COMPRESSIBLE],
		       counts[PAGE_RANDOM], now_seconds() - t0);
	pageout(&o, region, bytes);

	for (pass = 1; pass <= o.passes && !stop_requested; pass++) {
		size_t pass_bad;

		t0 = now_seconds();
		pass_bad = verify_pass(&o, region, pages, page_bytes, expect);
		bad += pass_bad;
		if (!o.quiet || pass_bad)
			printf("memhog: pass %u/%u verified %zu pages, %zu wrong, in %.4f s\n",
			       pass, o.passes, pages, pass_bad, now_seconds() - t0);
		pageout(&o, region, bytes);
	}
	if (!o.quiet)
		printf("memhog: ready\n");
	fflush(stdout);
	if (o.hold_seconds)
		hold(&o);
	/* The time to free swapped-out memory: munmap drops every swap entry of the region. */
	t0 = now_seconds();
	munmap(region, bytes);
	if (!o.quiet)
		printf("memhog: freed %lu MiB in %.4f s\n", o.mib, now_seconds() - t0);
	if (bad) {
		fprintf(stderr, "memhog: %zu page reads returned wrong content\n", bad);
		return 1;
	}
	return 0;
}
