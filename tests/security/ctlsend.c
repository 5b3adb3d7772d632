/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ctlsend SOCKET: send stdin as one request on vswapd's control socket, close the sending
 * side, print the reply. Exit 0 with a reply, 3 when the daemon closed without one, 1 when
 * it could not connect. Lets tests send what vswapctl never would.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	static char buf[1 << 20];
	size_t len = 0;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: ctlsend SOCKET <REQUEST\n");
		return 2;
	}
	while ((n = read(STDIN_FILENO, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	strcpy(sa.sun_path, argv[1]);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("ctlsend: connect");
		return 1;
	}
	/* The daemon may answer (and close) before taking all of an oversized request. */
	int r = send_all(fd, buf, len);
	if (r == 0)
		(void)shutdown(fd, SHUT_WR);
	size_t got = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		got += (size_t)n;
	}
	close(fd);
	return got ? 0 : 3;
}
