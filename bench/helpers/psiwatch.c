/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * psiwatch: arm a PSI trigger on a cgroup's memory.pressure and print the CLOCK_MONOTONIC
 * time, in ns, of every firing: "T <ns>". The ground truth for bench/reaction: the moment
 * the kernel says the pressure condition is met. With KNOB files (in CGROUP_DIR) it also
 * prints "W <ns> KNOB" for every write to one: the kernel reports each completed write(2)
 * to inotify (IN_MODIFY), so one process times the firing and the reactions on one clock,
 * whoever the writer is.
 *   psiwatch CGROUP_DIR "some 100000 1000000" [KNOB...]
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define MAX_KNOBS 4

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Print a "W" line per write event waiting on the inotify fd. */
static int report_writes(int in, char knobs[][256], const int *wd, int n_knobs)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len = read(in, buf, sizeof(buf));
	long long t = now_ns();

	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	for (char *p = buf; p < buf + len;) {
		const struct inotify_event *e = (const struct inotify_event *)p;
		for (int k = 0; k < n_knobs; k++)
			if (e->wd == wd[k])
				printf("W %lld %s\n", t, knobs[k]);
		p += sizeof(*e) + e->len;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096], knobs[MAX_KNOBS][256];
	int wd[MAX_KNOBS], n_knobs = argc - 3;

	if (argc < 3 || n_knobs > MAX_KNOBS) {
		fprintf(stderr, "usage: psiwatch CGROUP_DIR TRIGGER [KNOB...] (at most %d)\n",
			MAX_KNOBS);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/memory.pressure", argv[1]);
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || write(fd, argv[2], strlen(argv[2]) + 1) < 0) {
		fprintf(stderr, "psiwatch: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	for (int k = 0; k < n_knobs; k++) {
		snprintf(knobs[k], sizeof(knobs[k]), "%s", argv[3 + k]);
		snprintf(path, sizeof(path), "%s/%s", argv[1], knobs[k]);
		wd[k] = in < 0 ? -1 : inotify_add_watch(in, path, IN_MODIFY);
		if (wd[k] < 0) {
			fprintf(stderr, "psiwatch: watch %s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLPRI}, {.fd = in, .events = POLLIN}};
		int n = poll(p, n_knobs ? 2 : 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (p[0].revents & POLLERR))
			return 1;
		if (p[0].revents & POLLPRI)
			printf("T %lld\n", now_ns());
		if ((p[1].revents & POLLIN) && report_writes(in, knobs, wd, n_knobs) < 0)
			return 1;
	}
}
