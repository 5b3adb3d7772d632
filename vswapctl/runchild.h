/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * vswapctl run's command, held: forked at once so that its pid can be placed in a cgroup,
 * it waits on a pipe and execs only when released, once the policy is confirmed in force.
 * Until then it runs no code of the command and allocates nothing worth counting. It keeps
 * vswapctl's terminal, environment, working directory and process group; vswapctl stays its
 * parent, outside its cgroup, and passes its exit status or fatal signal on.
 *
 * The signals vswapctl forwards are blocked from run_child_spawn() on and taken with
 * sigtimedwait(): run_child_signal() for the setup's waits, run_child_wait() after the
 * release.
 */

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct run_child {
	pid_t pid;
	int go_fd;	/* write end: one byte releases the child; closing it ends it */
	int exec_fd;	/* read end: the child's execvp() errno, or EOF once it exec'd */
	sigset_t saved; /* the signal mask before run_child_spawn() */
};

/* Block the forwarded signals and fork the held child of argv (argv[0] looked up in PATH). */
int run_child_spawn(char **argv, struct run_child *ret);

/*
 * Release it: 0 once COMMAND is exec'd, or the negative errno of its execvp() (the child has
 * then exited: run_child_wait() reaps it).
 */
int run_child_release(struct run_child *c);

/* Kill a child never released (SIGKILL) and reap it; restores the signal mask. */
void run_child_abort(struct run_child *c);

/*
 * Wait up to timeout_ms for a forwarded signal sent to vswapctl (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT): its number, 0 on timeout. For the setup's polls: such a signal aborts the setup.
 */
int run_child_signal(long timeout_ms);

/*
 * Wait for the released child, forwarding to it the signals other processes send vswapctl
 * (a terminal's ^C reaches the child directly, being in its process group). Its wait status.
 */
int run_child_wait(struct run_child *c);

/*
 * End vswapctl as the child ended: exit with its status, or die of its signal (core dumps
 * off: the child's core is the one that counts). Does not return; restores nothing but the
 * signal's default action.
 */
_Noreturn void run_child_pass_on(int wait_status);
