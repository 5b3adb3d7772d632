/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * psiwatch: arm a PSI trigger on a cgroup's memory.pressure and print the CLOCK_MONOTONIC
 * time, in ns, of every firing: "T <ns>". The ground truth for bench/reaction: the moment
 * the kernel says the pressure condition is met.
 *   psiwatch CGROUP_DIR "some 100000 1000000"
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: psiwatch CGROUP_DIR TRIGGER\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/memory.pressure", argv[1]);
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, argv[2], strlen(argv[2]) + 1) < 0) {
		fprintf(stderr, "psiwatch: %s: %s\n", path, strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLPRI};
		struct timespec ts;
		int n = poll(&p, 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (p.revents & POLLERR))
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		printf("T %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	}
}
