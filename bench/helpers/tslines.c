/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tslines: copy stdin to stdout, each line prefixed with its CLOCK_MONOTONIC arrival in ns. */
#include <stdio.h>
#include <time.h>

int main(void)
{
	char line[4096];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		printf("%lld %s", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, line);
	}
	return 0;
}
