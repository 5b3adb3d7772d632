/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hotcold: a workload with a known hot and cold set, for bench/offload. Fills HOT_MIB and
 * COLD_MIB of anonymous memory (each page a quarter pseudo-random, three quarters a repeated
 * pattern: ~3:1 under lzo, like tests/vm/memhog), prints "hotcold: ready", then for SECONDS
 * keeps touching every hot page (read a word, write a word) and never the cold ones.
 * Prints "hotcold: touches=N seconds=S rate=R" (hot page touches per second, the work done:
 * a daemon that offloads hot pages shows up as a lower rate).
 *   hotcold HOT_MIB COLD_MIB SECONDS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define PAGE 4096

static void fill(uint8_t *p, size_t pages, uint64_t seed)
{
	for (size_t i = 0; i < pages; i++) {
		uint64_t x = seed ^ (i * 0x9e3779b97f4a7c15ULL);
		uint64_t *w = (uint64_t *)(p + i * PAGE);
		for (size_t j = 0; j < PAGE / 8; j++) {
			if (j < PAGE / 32) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				w[j] = x;
			} else {
				w[j] = 0x0123456789abcdefULL + (j & 7);
			}
		}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: hotcold HOT_MIB COLD_MIB SECONDS\n");
		return 2;
	}
	size_t hot = strtoul(argv[1], NULL, 10) << 20, cold = strtoul(argv[2], NULL, 10) << 20;
	double secs = atof(argv[3]);
	uint8_t *h = mmap(NULL, hot, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *c = mmap(NULL, cold, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (h == MAP_FAILED || c == MAP_FAILED) {
		perror("hotcold: mmap");
		return 2;
	}
	/* Small pages only: zswap in 6.12 does not take large folios. */
	madvise(h, hot, MADV_NOHUGEPAGE);
	madvise(c, cold, MADV_NOHUGEPAGE);
	fill(c, cold / PAGE, 1);
	fill(h, hot / PAGE, 2);
	printf("hotcold: ready\n");
	fflush(stdout);

	uint64_t touches = 0, sum = 0;
	double t0 = now_s(), t;
	do {
		for (size_t i = 0; i < hot / PAGE; i++) {
			volatile uint64_t *w = (volatile uint64_t *)(h + i * PAGE);
			sum += w[0];
			w[1] = sum;
		}
		touches += hot / PAGE;
	} while ((t = now_s()) - t0 < secs);
	printf("hotcold: touches=%llu seconds=%.3f rate=%.1f (%llu)\n", (unsigned long long)touches,
	       t - t0, (double)touches / (t - t0), (unsigned long long)(sum & 1));
	return 0;
}
