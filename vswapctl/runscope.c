/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl run on systemd hosts: a transient scope for the held child, over D-Bus. */
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "cgroup.h"
#include "runplace.h"
#include "util.h"
#include "vswapctl.h"

/* systemd answers a scope's start job in milliseconds; this bounds a stuck manager. */
#define SCOPE_JOB_TIMEOUT_USEC (30 * 1000000ULL)

bool run_place_systemd(void)
{
	return sd_booted() > 0;
}

struct job_wait {
	char *path;   /* the start job, as StartTransientUnit answered */
	char *result; /* "done", "failed", ...: once the job is removed */
};

/*
 * JobRemoved: sd_bus_call() queues the signals that come before its reply and the loop of
 * wait_job() dispatches them afterwards, so the job's path is known by the time this runs.
 */
static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct job_wait *w = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0 && w->path &&
	    !w->result && streq(path, w->path))
		w->result = strdup(result);
	return 0;
}

/* Our manager: the system's as root, the user's own otherwise (its delegated subtree). */
static int open_manager(sd_bus **ret)
{
	bool user = geteuid() != 0;
	int r = user ? sd_bus_open_user(ret) : sd_bus_open_system(ret);

	if (r < 0) /* no bus socket is no manager to reach, not a name that does not exist */
		return vswapctl_fail(r == -ENOENT ? -ENOTCONN : r,
				     "cannot reach the systemd %s manager over D-Bus: %s%s",
				     user ? "user" : "system", strerror(-r),
				     user ? " (as a user, run needs your own systemd instance: a "
					    "login session, or loginctl enable-linger)"
					  : "");
	return 0;
}

static int append_properties(sd_bus_message *m, pid_t pid, const char *description)
{
	int r = sd_bus_message_open_container(m, 'a', "(sv)");

	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, (uint32_t)pid);
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)", "Description", "s", description);
	/* memory.* files in the scope's cgroup, whatever DefaultMemoryAccounting= says. */
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)", "MemoryAccounting", "b", 1);
	/* A scope whose command failed goes too, not only one that ended well. */
	if (r >= 0)
		r = sd_bus_message_append(m, "(sv)", "CollectMode", "s", "inactive-or-failed");
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "a(sa(sv))", 0);
	return r;
}

static int start_scope(sd_bus *bus, const char *unit, pid_t pid, const char *description,
		       struct job_wait *w)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *m = NULL, *reply = NULL;
	int r = sd_bus_message_new_method_call(
	    bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
	    "org.freedesktop.systemd1.Manager", "StartTransientUnit");

	if (r >= 0)
		r = sd_bus_message_append(m, "ss", unit, "fail");
	if (r >= 0)
		r = append_properties(m, pid, description);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, &error, &reply);
	const char *path = NULL;
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &path);
	if (r >= 0 && !(w->path = strdup(path)))
		r = -ENOMEM;
	if (r < 0 && sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists"))
		r = vswapctl_fail(-EEXIST, "unit %s exists already (choose another --unit)", unit);
	else if (r < 0)
		r = vswapctl_fail(r, "systemd cannot start %s: %s", unit,
				  error.message ? error.message : strerror(-r));
	sd_bus_error_free(&error);
	sd_bus_message_unref(m);
	sd_bus_message_unref(reply);
	return r;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Until the start job of the scope is removed: 0 when systemd says "done". */
static int wait_job(sd_bus *bus, const char *unit, struct job_wait *w)
{
	uint64_t deadline = now_usec() + SCOPE_JOB_TIMEOUT_USEC;

	while (!w->result) {
		int r = sd_bus_process(bus, NULL);
		if (r > 0)
			continue;
		uint64_t now = now_usec();
		if (r == 0 && now >= deadline)
			r = -ETIMEDOUT;
		if (r == 0)
			r = sd_bus_wait(bus, deadline - now);
		if (r < 0)
			return vswapctl_fail(r, "waiting for systemd to start %s: %s", unit,
					     strerror(-r));
	}
	if (!streq(w->result, "done"))
		return vswapctl_fail(-EIO, "systemd could not start %s: its job ended \"%s\"", unit,
				     w->result);
	return 0;
}

int run_place_scope(const struct vswap_ctx *ctx, const char *unit, pid_t pid,
		    const char *description, struct run_place *p)
{
	sd_bus *bus = NULL;
	sd_bus_slot *slot = NULL;
	struct job_wait w = {};
	int r = open_manager(&bus);

	if (r == 0 && (r = sd_bus_match_signal(bus, &slot, "org.freedesktop.systemd1",
					       "/org/freedesktop/systemd1",
					       "org.freedesktop.systemd1.Manager", "JobRemoved",
					       on_job_removed, &w)) < 0)
		vswapctl_error("D-Bus: cannot listen for systemd's jobs: %s", strerror(-r));
	/* The requester of a job hears of its end anyway; subscribing makes sure. */
	if (r >= 0)
		(void)sd_bus_call_method(
		    bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
		    "org.freedesktop.systemd1.Manager", "Subscribe", NULL, NULL, "");
	if (r >= 0)
		r = start_scope(bus, unit, pid, description, &w);
	if (r >= 0)
		r = wait_job(bus, unit, &w);
	*p = (struct run_place){.systemd = true};
	if (r >= 0 && !(p->unit = strdup(unit)))
		r = -ENOMEM;
	if (r >= 0)
		r = run_place_read_back(ctx, pid, unit, p);
	sd_bus_slot_unref(slot);
	sd_bus_flush_close_unref(bus);
	free(w.path);
	free(w.result);
	return r < 0 ? r : 0;
}
