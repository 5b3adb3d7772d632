/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake-managed-oom: stand-in for systemd (PID 1) towards systemd-oomd, so systemd-oomd can
 * run in a guest without systemd. Listens on SOCKET (systemd-oomd 252 connects to
 * /run/systemd/io.system.ManagedOOM) and answers its varlink call
 * io.systemd.ManagedOOM.SubscribeManagedOOMCGroups with every CGROUP given, as
 * ManagedOOMMemoryPressure=kill (what a unit with that setting reports), then keeps the
 * connection open as systemd does. Exits after one subscriber hangs up.
 *   fake-managed-oom SOCKET CGROUP...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int reply(int fd, int n, char **cgroups)
{
	size_t cap = 256 + (size_t)n * 160, len = 0;
	char *buf = malloc(cap);

	len += (size_t)snprintf(buf + len, cap - len, "{\"parameters\":{\"cgroups\":[");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len,
					"%s{\"mode\":\"kill\",\"path\":\"%s\","
					"\"property\":\"ManagedOOMMemoryPressure\",\"limit\":0}",
					i ? "," : "", cgroups[i]);
	len += (size_t)snprintf(buf + len, cap - len, "]},\"continues\":true}");
	buf[len++] = '\0';
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w < 0) {
			free(buf);
			return -1;
		}
		off += (size_t)w;
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (argc < 2) {
		fprintf(stderr, "usage: fake-managed-oom SOCKET CGROUP...\n");
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	unlink(argv[1]);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0) {
		fprintf(stderr, "fake-managed-oom: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);
		char req[4096];
		ssize_t n;
		if (c < 0)
			continue;
		n = read(c, req, sizeof(req) - 1);
		if (n <= 0) {
			close(c);
			continue;
		}
		req[n] = '\0';
		fprintf(stderr, "fake-managed-oom: request %s\n", req);
		if (!strstr(req, "SubscribeManagedOOMCGroups") ||
		    reply(c, argc - 2, argv + 2) < 0) {
			close(c);
			continue;
		}
		while ((n = read(c, req, sizeof(req))) > 0)
			; /* hold the subscription until systemd-oomd goes away */
		close(c);
		return 0;
	}
}
