/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * waitstatus COMMAND...: run COMMAND and say how it ended, as its parent sees it: "exited N"
 * or "killed by signal N". A shell shows 128 + N for both an exit with that code and a death
 * by signal N; vswapctl run must pass a signal on as a signal.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;
	pid_t pid;

	if (argc < 2) {
		fputs("usage: waitstatus COMMAND...\n", stderr);
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror(argv[1]);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		perror("waitstatus");
		return 2;
	}
	if (WIFSIGNALED(status))
		printf("killed by signal %d%s\n", WTERMSIG(status),
		       WCOREDUMP(status) ? " (core dumped)" : "");
	else
		printf("exited %d\n", WEXITSTATUS(status));
	return 0;
}
