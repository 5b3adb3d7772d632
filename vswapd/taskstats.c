/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "taskstats.h"

#include <errno.h>
#include <linux/taskstats.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Bound the work one explain request does on a cgroup with many processes. */
#define MAX_PIDS 512

struct query {
	struct task_delay *out;
	bool got;
};

static int on_reply(struct nl_msg *msg, void *arg)
{
	struct query *q = arg;
	struct nlattr *attrs[TASKSTATS_TYPE_MAX + 1], *nested[TASKSTATS_TYPE_MAX + 1];
	struct taskstats ts = {};

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, TASKSTATS_TYPE_MAX, NULL) < 0 ||
	    !attrs[TASKSTATS_TYPE_AGGR_PID] ||
	    nla_parse_nested(nested, TASKSTATS_TYPE_MAX, attrs[TASKSTATS_TYPE_AGGR_PID], NULL) <
		0 ||
	    !nested[TASKSTATS_TYPE_STATS])
		return NL_SKIP;
	/* Older kernels send a shorter struct: what they lack stays 0. */
	size_t len = (size_t)nla_len(nested[TASKSTATS_TYPE_STATS]);
	memcpy(&ts, nla_data(nested[TASKSTATS_TYPE_STATS]), len < sizeof(ts) ? len : sizeof(ts));
	q->out->swapin_delay_ns = ts.swapin_delay_total;
	q->out->thrashing_delay_ns = ts.version >= 9 ? ts.thrashing_delay_total : 0;
	snprintf(q->out->comm, sizeof(q->out->comm), "%.*s", (int)sizeof(ts.ac_comm), ts.ac_comm);
	q->got = true;
	return NL_OK;
}

/* 1 with out filled, 0 for a task that is gone, -EPERM without CAP_NET_ADMIN, < 0 else. */
static int query_pid(struct nl_sock *sk, int family, pid_t pid, struct task_delay *out)
{
	struct query q = {.out = out};
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return -ENOMEM;
	bool ok = genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_REQUEST,
			      TASKSTATS_CMD_GET, TASKSTATS_VERSION) &&
		  nla_put_u32(msg, TASKSTATS_CMD_ATTR_PID, (uint32_t)pid) == 0 &&
		  nl_send_auto(sk, msg) >= 0;
	nlmsg_free(msg);
	if (!ok)
		return -EIO;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_reply, &q);
	/* An exited task answers ESRCH: skipped. The command is GENL_ADMIN_PERM. */
	if (nl_recvmsgs_default(sk) == -NLE_PERM)
		return -EPERM;
	out->pid = pid;
	return q.got;
}

static uint64_t weight(const struct task_delay *t)
{
	return t->swapin_delay_ns + t->thrashing_delay_ns;
}

/* Keep the TASKSTATS_TOP heaviest, sorted: the newcomer replaces the last, then rises. */
static void insert(struct taskstats_top *top, const struct task_delay *t)
{
	size_t i;

	if (top->n < TASKSTATS_TOP)
		i = top->n++;
	else if (weight(t) > weight(&top->tasks[TASKSTATS_TOP - 1]))
		i = TASKSTATS_TOP - 1;
	else
		return;
	for (; i > 0 && weight(&top->tasks[i - 1]) < weight(t); i--)
		top->tasks[i] = top->tasks[i - 1];
	top->tasks[i] = *t;
}

void taskstats_top(const char *procs, struct taskstats_top *ret)
{
	struct nl_sock *sk = nl_socket_alloc();
	int family = -1, n = 0;

	*ret = (struct taskstats_top){};
	if (!sk || genl_connect(sk) < 0 ||
	    (family = genl_ctrl_resolve(sk, TASKSTATS_GENL_NAME)) < 0) {
		ret->unavailable = "no taskstats in this kernel (CONFIG_TASKSTATS)";
		nl_socket_free(sk);
		return;
	}
	for (const char *p = procs; *p && n < MAX_PIDS; n++) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		struct task_delay t = {};
		int r = pid > 0 ? query_pid(sk, family, (pid_t)pid, &t) : 0;
		if (r == -EPERM) {
			ret->unavailable = "taskstats needs CAP_NET_ADMIN, which vswapd.service "
					   "does not grant (see vswapd(8))";
			break;
		}
		if (r > 0)
			insert(ret, &t);
		p = end + strspn(end, "\n");
	}
	nl_socket_free(sk);
	if (ret->n > 0 && weight(&ret->tasks[0]) == 0)
		ret->unavailable = "delay accounting is off (boot with delayacct or set "
				   "kernel.task_delayacct=1)";
}
