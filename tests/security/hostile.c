/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * hostile: a local user misbehaving on vswapd's control socket, and root's view of it.
 *
 *   hostile hold SOCKET N       open N connections, send nothing; print "ready", wait
 *   hostile noread SOCKET N     open N connections, send a status request on each, never
 *                               read the replies; print "ready", wait
 *   hostile time SOCKET JSON    send JSON, read the whole reply; print the milliseconds it
 *                               took and the reply's "ok" ("ok true 12.3"); exit 1 without
 *                               a reply
 *
 * "hold" and "noread" wait until killed; on SIGUSR1 they count on stderr the connections
 * the daemon kept open ("kept K of N"; it closes those it refuses, after a "busy" line).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int dial(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Open n connections (sending req on each when not NULL), then wait to be killed. */
__attribute__((noreturn)) static void open_many(const char *path, int n, const char *req)
{
	static int fds[4096];
	int ok = 0;

	for (int i = 0; i < n && i < 4096; i++) {
		int fd = dial(path);
		if (fd < 0)
			continue;
		if (req && send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) {
			close(fd);
			continue;
		}
		fds[ok++] = fd; /* kept open, never read */
	}
	/* The daemon closes what it refuses (after a "busy" line) as it gets to them: count
	 * what stays open when asked (SIGUSR1), once the caller saw its queue drained. */
	sigset_t usr1;
	int sig;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		sigwait(&usr1, &sig);
		int kept = 0;
		for (int i = 0; i < ok; i++) {
			struct pollfd p = {.fd = fds[i], .events = POLLRDHUP};
			kept += !(poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP)));
		}
		fprintf(stderr, "kept %d of %d\n", kept, n);
	}
}

static int timed(const char *path, const char *json)
{
	static char buf[16 << 20];
	size_t got = 0;
	double t0 = now_ms();
	int fd = dial(path);
	ssize_t n;

	if (fd < 0 || send(fd, json, strlen(json), MSG_NOSIGNAL) < 0 ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) < 0)
		return 1;
	while (got < sizeof(buf) - 1 && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(fd);
	if (!got)
		return 1;
	printf("ok %s %.1f\n", strstr(buf, "\"ok\":true") ? "true" : "false", now_ms() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "hold"))
		open_many(argv[2], atoi(argv[3]), NULL);
	if (argc == 4 && !strcmp(argv[1], "noread"))
		open_many(argv[2], atoi(argv[3]), "{\"command\":\"status\"}\n");
	if (argc == 4 && !strcmp(argv[1], "time"))
		return timed(argv[2], argv[3]);
	fprintf(stderr, "usage: hostile hold|noread SOCKET N | hostile time SOCKET JSON\n");
	return 2;
}
