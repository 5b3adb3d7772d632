/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "scheduler.h"

#include <limits.h>

#include "log.h"
#include "pacing.h"
#include "psi.h"
#include "util.h"

#define USEC_PER_SEC 1000000ULL

/*
 * A wake-up evaluates at most this many due cgroups: a burst (every cgroup after a reload)
 * then spans several turns of the loop, each with a fresh clock, and PSI events, the control
 * socket, signals and the watchdog get their turns in between.
 */
#define SAMPLING_BATCH 32

struct scheduler {
	sd_event *event;
	int cgroup_fd;
	double max_backoff;
	struct scheduler_hooks hooks;
	struct due_heap due;
	sd_event_source *timer; /* armed at due's head */
	bool in_pass;		/* on_timer() is evaluating: it arms the timer when done */
	bool psi_unavailable;	/* this kernel or tree takes no triggers: logged once */
	bool psi_widened_logged;
};

static uint64_t now_us(const struct scheduler *s)
{
	uint64_t usec = 0;

	(void)sd_event_now(s->event, CLOCK_MONOTONIC, &usec);
	return usec;
}

/* Arm the timer for the cgroup due first; off when none is. */
static void timer_arm(struct scheduler *s)
{
	const struct due_entry *head = due_heap_peek(&s->due);

	if (!head) {
		(void)sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
		return;
	}
	(void)sd_event_source_set_time(s->timer, head->due_us);
	(void)sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
}

/* mc's next evaluation, usec from now (at least 1: a pass ends). */
static void schedule_in(struct scheduler *s, struct managed *mc, uint64_t usec)
{
	int r = due_heap_set(&s->due, &mc->sched.due, now_us(s) + (usec ? usec : 1));

	if (r < 0)
		log_error_errno(r, "%s: cannot schedule the next sample", mc->display);
	if (!s->in_pass) /* else on_timer() arms the timer once, at the end */
		timer_arm(s);
}

/* The next evaluation: later the longer mc has been quiet, never past its next offload step. */
static void schedule(struct scheduler *s, struct managed *mc)
{
	const struct vswap_policy *p = s->hooks.policy(mc, s->hooks.userdata);
	bool trigger = mc->sched.psi_fd >= 0;

	if (!p)
		return; /* its policy went: the next rescan drops it */
	mc->sched.period_s =
	    pacing_sample_period_s(p, mc->sched.quiet_rounds, s->max_backoff, trigger);
	mc->sched.period_max_s = pacing_sample_period_s(p, UINT_MAX, s->max_backoff, trigger);
	double due_s = pacing_offload_due_s(p, &mc->engine, (double)now_us(s) / USEC_PER_SEC);
	schedule_in(s, mc, (uint64_t)(dmin(mc->sched.period_s, due_s) * USEC_PER_SEC));
}

void scheduler_evaluate_now(struct scheduler *s, struct managed *mc, const char *why)
{
	int r = s->hooks.evaluate(mc, why, s->hooks.userdata);

	if (r >= 0)
		mc->sched.quiet_rounds = r == 0 ? mc->sched.quiet_rounds + 1 : 0;
	schedule(s, mc);
}

static struct managed *managed_of_due(struct due_entry *e)
{
	return (struct managed *)((char *)e - offsetof(struct managed, sched.due));
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct scheduler *s = userdata;
	uint64_t now = now_us(s);
	struct due_entry *e;

	s->in_pass = true;
	for (int n = 0; n < SAMPLING_BATCH && (e = due_heap_peek(&s->due)) && e->due_us <= now;
	     n++) {
		due_heap_remove(&s->due, e);
		scheduler_evaluate_now(s, managed_of_due(e), "tick");
	}
	s->in_pass = false;
	timer_arm(s);
	return 0;
}

static int on_psi(sd_event_source *src, int fd, uint32_t revents, void *userdata)
{
	struct managed *mc = userdata;
	struct scheduler *s = mc->sched.owner;

	if (revents & EPOLLERR) {
		/* The cgroup is going away; a rescan sees it gone. */
		(void)sd_event_source_set_enabled(src, SD_EVENT_OFF);
		s->hooks.gone(mc, s->hooks.userdata);
		return 0;
	}
	mc->sched.psi_events++;
	mc->sched.quiet_rounds = 0;
	/* bench/run reaction counts the wake-ups by this line. */
	log_debug("%s: pressure trigger fired", mc->display);
	scheduler_evaluate_now(s, mc, "pressure");
	return 0;
}

static void psi_disarm(struct managed *mc)
{
	mc->sched.psi_source = sd_event_source_disable_unref(mc->sched.psi_source);
	closep(&mc->sched.psi_fd);
	mc->sched.psi_fd = -1;
}

static void psi_arm(struct scheduler *s, struct managed *mc)
{
	const struct vswap_policy *p = s->hooks.policy(mc, s->hooks.userdata);
	char trigger[64];
	bool widened = false;

	if (s->psi_unavailable || !p)
		return;
	int fd = psi_trigger_open(s->cgroup_fd, mc->path, p, trigger, sizeof(trigger), &widened);
	int r = fd < 0 ? fd
		       : sd_event_add_io(s->event, &mc->sched.psi_source, fd, EPOLLPRI, on_psi, mc);
	if (r >= 0) {
		mc->sched.psi_fd = fd;
		if (widened && !s->psi_widened_logged)
			log_notice("PSI trigger windows widened to whole 2 s (%s): without "
				   "CAP_SYS_RESOURCE the kernel takes no other",
				   trigger);
		s->psi_widened_logged |= widened;
		return;
	}
	if (fd >= 0)
		close(fd);
	if (r == -ENOENT)
		return; /* the cgroup vanished: not a kernel limitation */
	if (r != -EOPNOTSUPP && r != -EINVAL) {
		/* Out of fds or memory, or this cgroup refuses: it alone is sampled by timer,
		 * and the next rearm (a reload) tries again. */
		if (log_ratelimit("psi-arm", (double)now_us(s) / USEC_PER_SEC, 60))
			log_warning_errno(r, "%s: no PSI trigger, sampled by timer only",
					  mc->display);
		return;
	}
	s->psi_unavailable = true; /* the kernel or tree takes none */
	log_warning_errno(r, "PSI triggers unavailable (%s: %s), sampling by timer only",
			  mc->display, trigger);
}

void scheduler_add(struct scheduler *s, struct managed *mc)
{
	mc->sched.owner = s;
	if (mc->sched.psi_fd < 0)
		psi_arm(s, mc);
	if (mc->sched.due.idx == DUE_NOT_QUEUED)
		schedule_in(s, mc, 0);
}

void scheduler_forget(struct scheduler *s, struct managed *mc)
{
	psi_disarm(mc);
	due_heap_remove(&s->due, &mc->sched.due);
	if (!s->in_pass)
		timer_arm(s);
}

void scheduler_rearm(struct scheduler *s, struct managed *mc)
{
	psi_disarm(mc);
	psi_arm(s, mc);
	scheduler_wake(s, mc);
}

void scheduler_wake(struct scheduler *s, struct managed *mc)
{
	mc->sched.quiet_rounds = 0;
	schedule_in(s, mc, 0);
}

bool scheduler_pressure_triggers(const struct scheduler *s)
{
	return !s->psi_unavailable;
}

int scheduler_new(sd_event *event, int cgroup_fd, double max_backoff,
		  const struct scheduler_hooks *hooks, struct scheduler **ret)
{
	struct scheduler *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*s = (struct scheduler){.event = sd_event_ref(event),
				.cgroup_fd = cgroup_fd,
				.max_backoff = max_backoff,
				.hooks = *hooks};
	/* Armed by timer_arm(); accuracy 0: sd-event's default, 250 ms, to coalesce wake-ups. */
	int r = sd_event_add_time(event, &s->timer, CLOCK_MONOTONIC, UINT64_MAX, 0, on_timer, s);
	if (r < 0) {
		scheduler_free(s);
		return r;
	}
	(void)sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
	*ret = s;
	return 0;
}

struct scheduler *scheduler_free(struct scheduler *s)
{
	if (!s)
		return NULL;
	sd_event_source_disable_unref(s->timer);
	due_heap_done(&s->due);
	sd_event_unref(s->event);
	free(s);
	return NULL;
}
