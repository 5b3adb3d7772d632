/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * poller: the 1 s polling baseline for bench/reaction. Every second (absolute deadlines) it
 * reads CGROUP_DIR/memory.pressure; when the "some" stall grew by at least THRESHOLD_US since
 * the last read (the PSI trigger's condition over a 1 s window), it writes VALUE to KNOB and
 * prints "W <ns>" (CLOCK_MONOTONIC after the write).
 *   poller CGROUP_DIR THRESHOLD_US KNOB VALUE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long some_total_us(const char *path)
{
	char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	const char *t;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	t = strstr(buf, "total=");
	return t ? atoll(t + 6) : -1;
}

int main(int argc, char **argv)
{
	char path[4096];
	struct timespec next;
	long long last;

	if (argc != 5) {
		fprintf(stderr, "usage: poller CGROUP_DIR THRESHOLD_US KNOB VALUE\n");
		return 2;
	}
	long long threshold = atoll(argv[2]);
	snprintf(path, sizeof(path), "%s/memory.pressure", argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	last = some_total_us(path);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		next.tv_sec += 1;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		long long now = some_total_us(path);
		if (now < 0)
			return 1;
		if (now - last >= threshold) {
			int fd = open(argv[3], O_WRONLY | O_CLOEXEC);
			struct timespec ts;
			if (fd < 0 || write(fd, argv[4], strlen(argv[4])) < 0)
				fprintf(stderr, "poller: %s: %s\n", argv[3], strerror(errno));
			if (fd >= 0)
				close(fd);
			clock_gettime(CLOCK_MONOTONIC, &ts);
			printf("W %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
		}
		last = now;
	}
}
