/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "runchild.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "util.h"

/* What vswapctl passes on to its command, and what ends the setup before it runs. */
static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};

static void forwarded_set(sigset_t *set, bool with_chld)
{
	sigemptyset(set);
	for (size_t i = 0; i < ELEMENTSOF(forwarded); i++)
		sigaddset(set, forwarded[i]);
	if (with_chld)
		sigaddset(set, SIGCHLD);
}

/* The child until its release: nothing of the command runs before the byte comes. */
static _Noreturn void held(char **argv, int go_fd, int exec_fd, const sigset_t *saved)
{
	ssize_t n;
	char go;

	do
		n = read(go_fd, &go, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(EXIT_FAILURE); /* vswapctl gave up or died: the command never starts */
	(void)sigprocmask(SIG_SETMASK, saved, NULL);
	execvp(argv[0], argv);
	int e = errno;
	(void)!write(exec_fd, &e, sizeof(e));
	_exit(e == ENOENT ? 127 : 126); /* as shells and env(1) say "not found", "cannot run" */
}

int run_child_spawn(char **argv, struct run_child *ret)
{
	int go[2], ex[2];
	sigset_t set;

	forwarded_set(&set, true);
	if (pipe2(go, O_CLOEXEC) < 0)
		return negative_errno();
	if (pipe2(ex, O_CLOEXEC) < 0) {
		int r = negative_errno();
		close(go[0]);
		close(go[1]);
		return r;
	}
	*ret = (struct run_child){.go_fd = go[1], .exec_fd = ex[0]};
	(void)sigprocmask(SIG_BLOCK, &set, &ret->saved);
	fflush(NULL); /* nothing buffered printed twice */
	ret->pid = fork();
	if (ret->pid == 0) {
		close(go[1]);
		close(ex[0]);
		held(argv, go[0], ex[1], &ret->saved);
	}
	int r = ret->pid < 0 ? negative_errno() : 0;
	close(go[0]);
	close(ex[1]);
	if (r < 0) {
		close(go[1]);
		close(ex[0]);
		(void)sigprocmask(SIG_SETMASK, &ret->saved, NULL);
	}
	return r;
}

int run_child_release(struct run_child *c)
{
	int e = 0;
	ssize_t n;

	n = write(c->go_fd, "g", 1);
	close(c->go_fd);
	c->go_fd = -1;
	if (n != 1) {
		close(c->exec_fd);
		c->exec_fd = -1;
		return -EPIPE;
	}
	do
		n = read(c->exec_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(c->exec_fd);
	c->exec_fd = -1;
	return n == sizeof(e) ? -e : 0;
}

void run_child_abort(struct run_child *c)
{
	if (c->pid > 0) {
		(void)kill(c->pid, SIGKILL);
		while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR)
			;
		c->pid = 0;
	}
	if (c->go_fd >= 0)
		close(c->go_fd);
	if (c->exec_fd >= 0)
		close(c->exec_fd);
	c->go_fd = c->exec_fd = -1;
	(void)sigprocmask(SIG_SETMASK, &c->saved, NULL);
}

int run_child_signal(long timeout_ms)
{
	struct timespec ts = {.tv_sec = timeout_ms / 1000, .tv_nsec = timeout_ms % 1000 * 1000000};
	sigset_t set;

	forwarded_set(&set, false);
	int sig = sigtimedwait(&set, NULL, &ts);
	return sig > 0 ? sig : 0;
}

/* Sent by a process (kill, systemctl), not by the terminal to the whole process group. */
static bool sent_by_process(const siginfo_t *si)
{
	return si->si_code == SI_USER || si->si_code == SI_QUEUE || si->si_code == SI_TKILL;
}

int run_child_wait(struct run_child *c)
{
	sigset_t set;
	siginfo_t si;
	int status;

	forwarded_set(&set, true);
	for (;;) {
		pid_t p = waitpid(c->pid, &status, WNOHANG);
		if (p == c->pid)
			break;
		if (p < 0 && errno != EINTR) {
			status = W_EXITCODE(EXIT_FAILURE, 0); /* not ours any more: cannot happen */
			break;
		}
		if (sigwaitinfo(&set, &si) > 0 && si.si_signo != SIGCHLD && sent_by_process(&si))
			(void)kill(c->pid, si.si_signo);
	}
	c->pid = 0;
	return status;
}

_Noreturn void run_child_pass_on(int wait_status)
{
	if (WIFSIGNALED(wait_status)) {
		int sig = WTERMSIG(wait_status);
		sigset_t one;
		fflush(NULL);
		(void)setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
		signal(sig, SIG_DFL);
		sigemptyset(&one);
		sigaddset(&one, sig);
		(void)sigprocmask(SIG_UNBLOCK, &one, NULL);
		raise(sig);
		exit(128 + sig); /* a signal whose default is not to end the process */
	}
	exit(WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : EXIT_FAILURE);
}
