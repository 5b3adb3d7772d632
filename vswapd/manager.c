/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "manager.h"

#include <malloc.h>
#include <systemd/sd-daemon.h>

#include "control.h"
#include "log.h"
#include "metrics.h"
#include "unit.h"
#include "util.h"
#include "watch.h"

#define USEC_PER_SEC 1000000ULL

struct manager {
	struct daemon_state st;
	struct unit_cache *units;
	struct watch *watch;
	struct control *control;
	struct commands commands;
	sd_event_source *metrics_timer;
};

struct daemon_state *manager_state(struct manager *m)
{
	return &m->st;
}

struct commands *manager_commands(struct manager *m)
{
	return &m->commands;
}

/* --- what the rooms ask of the manager ------------------------------------------------------ */

static int hook_evaluate(struct managed *mc, const char *why, void *userdata)
{
	struct manager *m = userdata;
	struct evaluate_env env = daemon_env(&m->st);
	int r = evaluate_cgroup(&env, mc, daemon_now(&m->st), why);

	/* Gone, or its policy with it: the rescan frees mc; if a cgroup of the same name is back
	 * by then, it is sampled on. */
	if (r == -ENOENT || r == -ENOKEY)
		watch_request_rescan(m->watch);
	return r;
}

static const struct vswap_policy *hook_policy(const struct managed *mc, void *userdata)
{
	struct manager *m = userdata;

	return managed_policy(mc, m->st.policies);
}

static void hook_gone(struct managed *mc, void *userdata)
{
	struct manager *m = userdata;

	watch_request_rescan(m->watch);
}

static void hook_seen(const char *path, void *userdata)
{
	struct manager *m = userdata;

	watch_cgroup(m->watch, path);
}

static void hook_added(struct managed *mc, void *userdata)
{
	struct manager *m = userdata;

	scheduler_add(m->st.scheduler, mc);
}

/* No policy applies any more: put back the knobs vswapd changed. */
static void hook_unmanaged(struct managed *mc, void *userdata)
{
	struct manager *m = userdata;

	if (mc->acts)
		(void)actuator_restore(m->st.ctx, mc->path, &mc->acts->knobs, m->st.conf.dry_run);
}

static void hook_removing(struct managed *mc, void *userdata)
{
	struct manager *m = userdata;

	scheduler_forget(m->st.scheduler, mc);
}

/*
 * When this many records went in one rescan (a burst of jobs ended), give their heap back:
 * glibc keeps freed memory below the heap's top, and a daemon that once managed 1000 cgroups
 * would hold their memory for good (measured by tests/soak/churn.sh: VmRSS at rest after
 * 10 000 cgroups came and went varied by 2 MiB with where the last rescan's frees fell).
 */
#define TRIM_AFTER_DROPPED 256

static int manager_rescan(struct manager *m)
{
	size_t before = m->st.managed.n;

	unit_cache_flush(m->units); /* a unit may have started or stopped since */
	int r = registry_rescan(&m->st.managed, m->st.policies);
	if (before >= m->st.managed.n + TRIM_AFTER_DROPPED)
		(void)malloc_trim(0);
	if (r < 0)
		return log_error_errno(r, "cannot walk the whole cgroup tree");
	log_debug("managing %zu cgroups", m->st.managed.n);
	(void)sd_notifyf(false, "STATUS=Managing %zu cgroups with %zu policies%s", m->st.managed.n,
			 m->st.policies->n, m->st.conf.dry_run ? " (dry run)" : "");
	return 0;
}

static void hook_rescan(void *userdata)
{
	(void)manager_rescan(userdata);
}

static void hook_reload(void *userdata)
{
	(void)manager_reload(userdata);
}

static void hook_units_changed(void *userdata)
{
	struct manager *m = userdata;

	watch_request_rescan(m->watch);
}

static int hook_command_reload(void *userdata)
{
	return manager_reload(userdata);
}

static struct json_object *hook_request(const char *buf, size_t len, uid_t uid, void *userdata)
{
	struct manager *m = userdata;

	return commands_request(&m->commands, buf, len, uid);
}

/* --- reload ----------------------------------------------------------------------------------- */

static void log_load_errors(const struct vswap_policy_load_errors *errs, char **ret_summary)
{
	char summary[4096] = "";
	size_t used = 0;

	for (size_t i = 0; i < errs->n && i < ELEMENTSOF(errs->errors); i++) {
		const struct vswap_policy_load_error *e = &errs->errors[i];
		log_full(LOG_ERR, 0, "%s:%u:%u: %s%s%s", e->path, e->err.line, e->err.column,
			 e->err.field, *e->err.field ? ": " : "", e->err.what);
		int n = snprintf(summary + used, sizeof(summary) - used, "%s%s:%u:%u: %s%s%s",
				 used ? "; " : "", e->path, e->err.line, e->err.column,
				 e->err.field, *e->err.field ? ": " : "", e->err.what);
		used = n > 0 && (size_t)n < sizeof(summary) - used ? used + (size_t)n : used;
	}
	free(*ret_summary);
	*ret_summary = strdup(summary);
}

/* Say once per load what each policy cannot do as written on this kernel. */
static void log_degradations(const struct daemon_state *st)
{
	char notes[8][192];

	for (size_t i = 0; i < st->policies->n; i++) {
		const struct vswap_policy *p = st->policies->policies[i];
		size_t n = engine_degradations(p, &st->caps, notes, ELEMENTSOF(notes));
		for (size_t k = 0; k < n; k++)
			log_notice("policy %s (%s): %s", p->name, p->source, notes[k]);
	}
}

int manager_reload(struct manager *m)
{
	struct daemon_state *st = &m->st;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	(void)sd_notify(false, "RELOADING=1");
	st->reloads++;
	watch_config(m->watch);
	int r = vswap_policy_set_load(st->ctx, &set, &errs);
	if (r < 0) {
		st->reload_failures++;
		if (r == -EBADMSG)
			log_load_errors(&errs, &st->last_reload_error);
		log_error_errno(r, "policies not reloaded: the previous ones stay in force");
		/* An administrator is at work: look at every cgroup now, as after a reload
		 * that worked, so the policies in force are seen to be in force. */
		for (size_t i = 0; i < st->managed.n; i++)
			scheduler_wake(st->scheduler, st->managed.v[i]);
	} else {
		vswap_policy_set_free(st->policies);
		st->policies = set;
		st->last_reload_error = mfree(st->last_reload_error);
		log_info("loaded %zu policies", set->n);
		log_degradations(st);
		r = manager_rescan(m);
		for (size_t i = 0; r >= 0 && i < st->managed.n; i++) {
			st->managed.v[i]->pinned_vswap_max.set = false; /* the policy's cap again */
			scheduler_rearm(st->scheduler, st->managed.v[i]);
		}
	}
	(void)sd_notify(false, "READY=1");
	return r;
}

/* --- signals and timers ----------------------------------------------------------------------- */

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	log_info("SIGHUP: reloading policies");
	(void)manager_reload(userdata);
	return 0;
}

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;

	(void)sd_notify(false, "STOPPING=1");
	return sd_event_exit(m->st.event, 0);
}

static int setup_signals(struct manager *m)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return negative_errno();
	int r = sd_event_add_signal(m->st.event, NULL, SIGTERM, on_sigterm, m);
	if (r >= 0)
		r = sd_event_add_signal(m->st.event, NULL, SIGINT, on_sigterm, m);
	if (r >= 0)
		r = sd_event_add_signal(m->st.event, NULL, SIGHUP, on_sighup, m);
	return r;
}

static int on_metrics_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	int r = metrics_write_textfile(&m->st);

	if (r < 0 && log_ratelimit("metrics-textfile", daemon_now(&m->st), 300))
		log_warning_errno(r, "cannot write the metrics file /%s", m->st.conf.metrics_file);
	(void)sd_event_source_set_time_relative(
	    s, (uint64_t)(m->st.conf.metrics_interval_s * USEC_PER_SEC));
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* --- setup ------------------------------------------------------------------------------------ */

static int setup_kernel(struct manager *m, const char *root)
{
	struct daemon_state *st = &m->st;
	int r = vswap_ctx_new(root, &st->ctx);

	if (r < 0)
		return log_error_errno(r, "cannot find the cgroup2 mount below %s",
				       vswap_root_resolve(root));
	r = vswap_caps_probe(st->ctx, &st->caps);
	if (r < 0)
		return log_error_errno(r, "cannot probe the kernel");
	log_info("kernel %s, mode %s%s", strna(st->caps.kernel_release),
		 vswap_kernel_mode_name(st->caps.mode), st->conf.dry_run ? ", dry run" : "");
	return 0;
}

static int setup_rooms(struct manager *m)
{
	struct daemon_state *st = &m->st;
	const struct scheduler_hooks sched = {
	    .evaluate = hook_evaluate, .policy = hook_policy, .gone = hook_gone, .userdata = m};
	const struct watch_hooks watch = {
	    .rescan = hook_rescan, .reload = hook_reload, .userdata = m};
	const struct registry_hooks reg = {.seen = hook_seen,
					   .added = hook_added,
					   .unmanaged = hook_unmanaged,
					   .removing = hook_removing,
					   .userdata = m};
	int r;

	if ((r = setup_signals(m)) < 0 ||
	    (r = watch_new(st->event, st->ctx, &watch, &m->watch)) < 0)
		return log_error_errno(r, "cannot set up signals and inotify");
	r = scheduler_new(st->event, st->ctx->cgroup_fd, st->conf.max_backoff, &sched,
			  &st->scheduler);
	if (r < 0)
		return log_error_errno(r, "cannot create the sampling timer");
	r = unit_cache_new(st->event, hook_units_changed, m, &m->units);
	if (r < 0)
		return log_error_errno(r, "cannot set up unit resolution");
	registry_init(&st->managed, st->ctx, &reg, unit_cache_resolve, m->units);
	m->commands = (struct commands){.state = st, .reload = hook_command_reload, .userdata = m};
	r = control_new(st->event, st->ctx->root_fd, st->ctx->root, st->conf.control_socket,
			hook_request, m, &m->control);
	if (r < 0)
		return r;
	if (st->conf.metrics_file)
		r = sd_event_add_time_relative(st->event, &m->metrics_timer, CLOCK_MONOTONIC, 0, 0,
					       on_metrics_timer, m);
	return r;
}

/* The policies at start: invalid ones are logged, and nothing is managed until they are fixed
 * (inotify reloads them). */
static int load_policies(struct manager *m)
{
	struct daemon_state *st = &m->st;
	struct vswap_policy_load_errors errs;
	int r = vswap_policy_set_load(st->ctx, &st->policies, &errs);

	if (r == -EBADMSG) {
		log_load_errors(&errs, &st->last_reload_error);
		log_error_errno(r, "policies invalid: managing nothing until they are fixed");
		st->policies = calloc(1, sizeof(*st->policies));
		return st->policies ? 0 : -ENOMEM;
	}
	if (r < 0)
		return log_error_errno(r, "cannot load policies");
	log_degradations(st);
	return 0;
}

int manager_new(const char *root, struct vswap_daemon_conf *conf, struct manager **ret)
{
	struct manager *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->st.conf = *conf;
	*conf = (struct vswap_daemon_conf){};
	int r = setup_kernel(m, root);
	if (r >= 0) {
		r = sd_event_default(&m->st.event);
		if (r < 0)
			log_error_errno(r, "cannot create the event loop");
	}
	if (r >= 0) {
		(void)sd_event_set_watchdog(m->st.event, true);
		r = setup_rooms(m);
	}
	if (r >= 0)
		r = load_policies(m);
	if (r >= 0)
		r = manager_rescan(m);
	if (r < 0) {
		manager_free(m);
		return r;
	}
	*ret = m;
	return 0;
}

struct manager *manager_free(struct manager *m)
{
	if (!m)
		return NULL;
	struct daemon_state *st = &m->st;
	if (st->scheduler)
		registry_clear(&st->managed);
	control_free(m->control);
	unit_cache_free(m->units);
	watch_free(m->watch);
	scheduler_free(st->scheduler);
	sd_event_source_disable_unref(m->metrics_timer);
	sd_event_unref(st->event);
	vswap_policy_set_free(st->policies);
	vswap_caps_done(&st->caps);
	vswap_ctx_free(st->ctx);
	free(st->last_reload_error);
	vswap_daemon_conf_done(&st->conf);
	free(m);
	return NULL;
}

int manager_run(struct manager *m)
{
	struct daemon_state *st = &m->st;

	(void)sd_notifyf(false, "READY=1\nSTATUS=Managing %zu cgroups with %zu policies%s",
			 st->managed.n, st->policies->n, st->conf.dry_run ? " (dry run)" : "");
	log_info("managing %zu cgroups with %zu policies", st->managed.n, st->policies->n);
	return sd_event_loop(st->event);
}
