/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "manager.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <linux/magic.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <systemd/sd-daemon.h>

#include "cgroup.h"
#include "control.h"
#include "log.h"
#include "metrics.h"
#include "sampler.h"
#include "unit.h"
#include "util.h"

#define USEC_PER_SEC 1000000ULL
/* Batch bursts of mkdir/rmdir (a service starting many scopes) into one rescan. */
#define RESCAN_DELAY_US (100 * 1000ULL)
/* Editors write a file in several steps: wait for them to settle before reloading. */
#define RELOAD_DELAY_US (250 * 1000ULL)

double manager_now(const struct manager *m)
{
	uint64_t usec = 0;

	(void)sd_event_now(m->event, CLOCK_MONOTONIC, &usec);
	return (double)usec / USEC_PER_SEC;
}

/* The policy in force: a runtime override when it still exists, else the matched one. */
static const struct vswap_policy *policy_of(const struct managed *mc)
{
	const struct vswap_policy *p =
	    mc->override ? vswap_policy_set_find(mc->manager->policies, mc->override) : NULL;

	return p ? p : vswap_policy_set_find(mc->manager->policies, mc->policy);
}

static void explain_push(struct managed *mc, const struct signals *s, const struct decision *d,
			 const int *results, const char *why)
{
	struct json_object *o = json_object_new_object();
	struct json_object *acts = json_object_new_array();
	struct json_object *notes = json_object_new_array();

	json_object_object_add(o, "time_s", json_object_new_double(s->now_s));
	json_object_object_add(o, "trigger", json_object_new_string(why));
	json_object_object_add(o, "policy", json_object_new_string(policy_of(mc)->name));
	json_object_object_add(o, "inputs", signals_to_json(s));
	for (size_t i = 0; i < d->n_actions; i++) {
		struct json_object *a = json_object_new_object();
		json_object_object_add(
		    a, "action", json_object_new_string(action_kind_name(d->actions[i].kind)));
		json_object_object_add(a, "value", json_object_new_uint64(d->actions[i].value));
		json_object_object_add(a, "reason", json_object_new_string(d->actions[i].reason));
		json_object_object_add(
		    a, "result",
		    json_object_new_string(results[i] < 0 ? strerror(-results[i]) : "ok"));
		json_object_array_add(acts, a);
	}
	for (size_t i = 0; i < d->n_notes; i++)
		json_object_array_add(notes, json_object_new_string(d->notes[i]));
	json_object_object_add(o, "actions", acts);
	json_object_object_add(o, "notes", notes);

	if (!mc->explain)
		mc->explain = calloc(EXPLAIN_DEPTH, sizeof(*mc->explain));
	if (mc->explain) {
		char **e = &mc->explain[mc->explain_next];
		free(*e);
		*e = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		mc->explain_next = (mc->explain_next + 1) % EXPLAIN_DEPTH;
	}
	json_object_put(o);
}

static void act(struct managed *mc, const struct vswap_policy *p, const struct signals *s,
		const struct decision *d, const char *why)
{
	struct manager *m = mc->manager;
	bool done[ENGINE_MAX_ACTIONS] = {};
	int results[ENGINE_MAX_ACTIONS] = {};

	for (size_t i = 0; i < d->n_actions; i++) {
		const struct action *a = &d->actions[i];
		/* A dry run writes nothing, so it keeps nothing: no memory for the knobs. */
		struct knob_memory *knobs = m->cfg.dry_run ? NULL : managed_knobs(mc);
		int r = m->cfg.dry_run || knobs
			    ? actuator_apply(m->ctx, mc->path, a, m->cfg.dry_run, knobs)
			    : -ENOMEM;
		results[i] = r < 0 ? r : 0;
		done[i] = r >= 0 && !m->cfg.dry_run;
		if (r == -ENOENT && vswap_cgroup_has(m->ctx, mc->path, "memory.current") <= 0) {
			/* Removed between sampling and writing: normal, no failure to report. */
			manager_schedule_rescan(m);
			continue;
		}
		if (done[i])
			managed_count_action(mc, a);
		else if (r < 0)
			mc->failures++;
		log_action(&(struct log_action){.cgroup = mc->display,
						.policy = p->name,
						.action = action_kind_name(a->kind),
						.bytes = a->value,
						.reason = a->reason,
						.dry_run = m->cfg.dry_run,
						.err = r < 0 ? r : 0});
	}
	for (size_t i = 0; i < d->n_notes; i++) {
		char key[256];
		snprintf(key, sizeof(key), "%s:%s", mc->path, d->notes[i]);
		if (log_ratelimit(key, s->now_s, 300))
			log_info("%s: %s", mc->display, d->notes[i]);
	}
	engine_update(&mc->engine, d, done, s->now_s);
	if (d->n_actions || d->n_notes)
		explain_push(mc, s, d, results, why);
}

static void schedule(struct managed *mc, const struct vswap_policy *p);

void manager_evaluate(struct managed *mc, const char *why)
{
	struct manager *m = mc->manager;
	const struct vswap_policy *p = policy_of(mc);
	struct vswap_policy pinned;
	struct vswap_parse_error perr = {};
	const char *file = NULL;
	struct vswap_sample cur;
	struct signals s;
	struct decision d;
	double now = manager_now(m);

	int r = vswap_sample_read(m->ctx, mc->path, &cur, &file, &perr);
	if (r == -ENOENT) {
		/* Removed under us: normal. The rescan frees mc if it is gone for good; if a
		 * cgroup of the same name is back by then, the timer keeps sampling it. */
		manager_schedule_rescan(m);
		schedule(mc, p);
		return;
	}
	if (r < 0) {
		char key[256];
		snprintf(key, sizeof(key), "sample:%s", mc->path);
		if (log_ratelimit(key, now, 300))
			log_warning_errno(r, "%s: cannot read %s (%u:%u %s), skipping", mc->display,
					  strna(file), perr.line, perr.column, perr.what);
		schedule(mc, p);
		return;
	}
	mc->samples++;
	if (mc->pinned_vswap_max.set) { /* shallow: shares the policy's strings, read only */
		pinned = *p;
		pinned.vswap_max = mc->pinned_vswap_max;
		p = &pinned;
	}
	signals_from_samples(&cur, &mc->memo, now, &s);
	engine_decide(p, &m->caps, &s, &mc->engine, &d);
	act(mc, p, &s, &d, why);
	bool quiet = !sample_memo_take(&mc->memo, &cur, now) && d.n_actions == 0;
	mc->quiet_rounds = quiet ? mc->quiet_rounds + 1 : 0;
	schedule(mc, p);
}

/* Arm the sampling timer for the cgroup due first; off when none is. */
static void sampling_arm(struct manager *m)
{
	const struct due_entry *head = due_heap_peek(&m->due);

	if (!m->sampling)
		return;
	if (!head) {
		(void)sd_event_source_set_enabled(m->sampling, SD_EVENT_OFF);
		return;
	}
	(void)sd_event_source_set_time(m->sampling, head->due_us);
	(void)sd_event_source_set_enabled(m->sampling, SD_EVENT_ONESHOT);
}

static struct managed *managed_of_due(struct due_entry *e)
{
	return (struct managed *)((char *)e - offsetof(struct managed, due));
}

/*
 * Sample the cgroups that are due, SAMPLING_BATCH at most: a burst (every cgroup after a
 * reload) then spans several turns of the loop, each with a fresh clock, and PSI events, the
 * control socket, signals and the watchdog get their turns in between, as with one timer
 * per cgroup. Each evaluation queues the cgroup's next sample.
 */
#define SAMPLING_BATCH 32

static int on_sampling(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	uint64_t now = 0;
	struct due_entry *e;

	(void)sd_event_now(m->event, CLOCK_MONOTONIC, &now);
	m->sampling_pass = true;
	for (int n = 0; n < SAMPLING_BATCH && (e = due_heap_peek(&m->due)) && e->due_us <= now;
	     n++) {
		due_heap_remove(&m->due, e);
		manager_evaluate(managed_of_due(e), "tick");
	}
	m->sampling_pass = false;
	sampling_arm(m);
	return 0;
}

static void schedule_in(struct managed *mc, uint64_t usec);

/* The next sample: later the longer the cgroup has been quiet (engine_sample_period_s()). */
static void schedule(struct managed *mc, const struct vswap_policy *p)
{
	double max_backoff = mc->manager->cfg.max_backoff;
	bool trigger = mc->psi_fd >= 0;

	mc->period_s = engine_sample_period_s(p, mc->quiet_rounds, max_backoff, trigger);
	mc->period_max_s = engine_sample_period_s(p, UINT_MAX, max_backoff, trigger);
	double due_s = engine_offload_due_s(p, &mc->engine, manager_now(mc->manager));
	schedule_in(mc, (uint64_t)(dmin(mc->period_s, due_s) * USEC_PER_SEC));
}

/* The cgroup's next sample, usec from now (at least 1: a sampling pass ends). */
static void schedule_in(struct managed *mc, uint64_t usec)
{
	struct manager *m = mc->manager;
	uint64_t now = 0;

	(void)sd_event_now(m->event, CLOCK_MONOTONIC, &now);
	int r = due_heap_set(&m->due, &mc->due, now + (usec ? usec : 1));
	if (r < 0)
		log_error_errno(r, "%s: cannot schedule the next sample", mc->display);
	if (!m->sampling_pass) /* else on_sampling() arms the timer once, at the end */
		sampling_arm(m);
}

static int on_psi(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct managed *mc = userdata;

	if (revents & EPOLLERR) {
		/* The cgroup is going away; the rescan sees it gone. */
		sd_event_source_set_enabled(s, SD_EVENT_OFF);
		(void)manager_rescan(mc->manager);
		return 0;
	}
	mc->psi_events++;
	mc->quiet_rounds = 0;
	/* bench/run reaction counts the wake-ups by this line. */
	log_debug("%s: pressure trigger fired", mc->display);
	manager_evaluate(mc, "pressure");
	return 0;
}

/*
 * Open memory.pressure of a cgroup and write the policy's trigger: the fd then polls
 * POLLPRI when the trigger fires. A tree of plain files (tests, fixtures) gets no trigger:
 * writing one would corrupt it.
 */
/*
 * Unprivileged triggers (no CAP_SYS_RESOURCE, as in vswapd.service's bounding set) must use
 * windows that are multiples of 2 s (kernel/sched/psi.c); the kernel says EINVAL otherwise.
 */
#define PSI_UNPRIVILEGED_WINDOW_US 2000000ULL

static int psi_trigger_write(int fd, const struct vswap_policy *p, uint64_t window_us,
			     char *trigger, size_t len)
{
	snprintf(trigger, len, "%s %llu %llu", p->pressure.full ? "full" : "some",
		 (unsigned long long)p->pressure.threshold_us, (unsigned long long)window_us);
	return write(fd, trigger, strlen(trigger) + 1) < 0 ? negative_errno() : 0;
}

/* The trigger fd; *ret_widened when only a window widened to whole 2 s was accepted. */
static int psi_trigger_open(const struct manager *m, const char *cgroup,
			    const struct vswap_policy *p, char *trigger, size_t len,
			    bool *ret_widened)
{
	_cleanup_free_ char *path = NULL;
	struct statfs sfs;
	uint64_t window = p->pressure.window_us;
	uint64_t widened = (window + PSI_UNPRIVILEGED_WINDOW_US - 1) / PSI_UNPRIVILEGED_WINDOW_US *
			   PSI_UNPRIVILEGED_WINDOW_US;

	*ret_widened = false;
	snprintf(trigger, len, "%s %llu %llu", p->pressure.full ? "full" : "some",
		 (unsigned long long)p->pressure.threshold_us, (unsigned long long)window);
	if (asprintf(&path, "%s/memory.pressure", cgroup) < 0)
		return -ENOMEM;
	_cleanup_close_ int fd = vswap_open_beneath(m->ctx->cgroup_fd, path, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != CGROUP2_SUPER_MAGIC)
		return -EOPNOTSUPP;
	int r = psi_trigger_write(fd, p, window, trigger, len);
	if (r == -EINVAL && widened != window) {
		r = psi_trigger_write(fd, p, widened, trigger, len);
		*ret_widened = r == 0;
	}
	return r < 0 ? r : TAKE_FD(fd);
}

static void arm_psi(struct managed *mc, const struct vswap_policy *p)
{
	struct manager *m = mc->manager;
	char trigger[64];
	bool widened = false;

	if (m->psi_triggers_unavailable)
		return;
	int fd = psi_trigger_open(m, mc->path, p, trigger, sizeof(trigger), &widened);
	int r = fd < 0 ? fd : sd_event_add_io(m->event, &mc->psi_source, fd, EPOLLPRI, on_psi, mc);
	if (r >= 0) {
		mc->psi_fd = fd;
		if (widened && !m->psi_window_widened_logged)
			log_notice("PSI trigger windows widened to whole 2 s (%s): without "
				   "CAP_SYS_RESOURCE the kernel takes no other",
				   trigger);
		m->psi_window_widened_logged |= widened;
		return;
	}
	if (fd >= 0)
		close(fd);
	if (r == -ENOENT)
		return; /* the cgroup vanished: not a kernel limitation */
	m->psi_triggers_unavailable = true;
	log_warning_errno(r, "PSI triggers unavailable (%s: %s), sampling by timer only",
			  mc->display, trigger);
}

static struct managed *managed_free(struct managed *mc)
{
	if (!mc)
		return NULL;
	sd_event_source_disable_unref(mc->psi_source);
	due_heap_remove(&mc->manager->due, &mc->due);
	closep(&mc->psi_fd);
	engine_state_done(&mc->engine);
	for (size_t i = 0; mc->explain && i < EXPLAIN_DEPTH; i++)
		free(mc->explain[i]);
	free(mc->explain);
	free(mc->acts);
	free(mc->display);
	free(mc->policy);
	free(mc->chosen_by);
	free(mc->override);
	free(mc);
	return NULL;
}

static struct managed_acts *managed_acts(struct managed *mc)
{
	if (!mc->acts)
		mc->acts = calloc(1, sizeof(*mc->acts));
	return mc->acts;
}

struct knob_memory *managed_knobs(struct managed *mc)
{
	struct managed_acts *acts = managed_acts(mc);

	return acts ? &acts->knobs : NULL;
}

void managed_count_action(struct managed *mc, const struct action *a)
{
	struct managed_acts *acts = managed_acts(mc);

	if (!acts)
		return;
	acts->count[a->kind]++;
	acts->bytes[a->kind] += a->value == UINT64_MAX ? 0 : a->value;
}

static struct managed *managed_new(struct manager *m, const char *path,
				   const struct vswap_policy *p)
{
	struct managed *mc = calloc(1, sizeof(*mc));

	if (!mc)
		return NULL;
	mc->manager = m;
	mc->psi_fd = -1;
	due_entry_init(&mc->due);
	mc->display = vswap_cgroup_display(path);
	mc->path = mc->display ? mc->display + 1 : NULL;
	mc->policy = strdup(p->name);
	if (!mc->display || !mc->policy)
		return managed_free(mc);
	engine_state_init(&mc->engine);
	arm_psi(mc, p);
	return mc;
}

static int cmp_managed(const void *a, const void *b)
{
	return strcmp((*(struct managed *const *)a)->path, (*(struct managed *const *)b)->path);
}

struct managed *manager_find(const struct manager *m, const char *display)
{
	for (size_t i = 0; i < m->n_managed; i++)
		if (streq(m->managed[i]->display, display))
			return m->managed[i];
	return NULL;
}

/* Policy and cgroup state gathered by one walk of the tree. */
struct scan {
	struct manager *m;
	struct managed **next;
	size_t n;
	size_t cap;
	int err;
};

static int scan_push(struct scan *sc, struct managed *mc)
{
	if (sc->n == sc->cap) {
		size_t ncap = sc->cap ? sc->cap * 2 : 16;
		struct managed **nn = reallocarray(sc->next, ncap, sizeof(*nn));
		if (!nn) {
			managed_free(mc);
			return -ENOMEM;
		}
		sc->next = nn;
		sc->cap = ncap;
	}
	sc->next[sc->n++] = mc;
	return 0;
}

static struct managed *take_existing(struct manager *m, const char *path)
{
	for (size_t i = 0; i < m->n_managed; i++)
		if (m->managed[i] && streq(m->managed[i]->path, path))
			return TAKE_PTR(m->managed[i]);
	return NULL;
}

static int scan_visit(const char *path, void *userdata)
{
	struct scan *sc = userdata;
	struct manager *m = sc->m;

	if (!*path)
		return 0; /* the root cgroup has no limits to manage */
	if (m->inotify_fd >= 0) {
		_cleanup_free_ char *full = NULL;
		if (asprintf(&full, "/proc/self/fd/%d/%s", m->ctx->cgroup_fd, path) >= 0)
			(void)inotify_add_watch(m->inotify_fd, full,
						IN_CREATE | IN_DELETE | IN_ONLYDIR);
	}
	if (vswap_cgroup_has(m->ctx, path, "memory.current") <= 0)
		return 0;
	_cleanup_free_ char *display = vswap_cgroup_display(path);
	struct managed *mc = take_existing(m, path);
	const struct vswap_attachment *by = NULL;
	const struct vswap_policy *p =
	    mc && mc->override ? vswap_policy_set_find(m->policies, mc->override) : NULL;
	if (!p)
		p = vswap_policy_set_match(m->policies, display, unit_resolve, m, &by);
	if (!p) {
		if (mc && mc->acts) /* no policy any more: put the knobs back */
			(void)actuator_restore(m->ctx, mc->path, &mc->acts->knobs, m->cfg.dry_run);
		managed_free(mc);
		return 0;
	}
	if (mc && !streq(mc->policy, p->name)) {
		free(mc->policy);
		mc->policy = strdup(p->name);
	}
	if (!mc && !(mc = managed_new(m, path, p)))
		return -ENOMEM;
	free(mc->chosen_by);
	mc->chosen_by = strdup(mc->override ? "override" : by ? by->source : p->source);
	if (mc->due.idx == DUE_NOT_QUEUED)
		schedule_in(mc, 0); /* newly managed: a first look right away */
	return scan_push(sc, mc);
}

int manager_rescan(struct manager *m)
{
	struct scan sc = {.m = m};

	unit_cache_flush(m); /* a unit may have started or stopped since */
	int r = vswap_cgroup_walk(m->ctx, "", scan_visit, &sc);

	for (size_t i = 0; i < m->n_managed; i++) {
		struct managed *old = m->managed[i];
		if (!old)
			continue;
		/* Not seen: it vanished. Unless the walk failed part-way: then keep it, if its
		 * policy is still loaded (a reload may have dropped it); the next rescan that
		 * works sees it again as it is then. */
		if (r == 0 || !policy_of(old))
			managed_free(old);
		else
			(void)scan_push(&sc, old);
	}
	free(m->managed);
	m->managed = sc.next;
	m->n_managed = sc.n;
	if (m->n_managed > 1) /* qsort() must not see the NULL of an empty set */
		qsort(m->managed, m->n_managed, sizeof(*m->managed), cmp_managed);
	if (r < 0)
		return log_error_errno(r, "cannot walk the whole cgroup tree");
	log_debug("managing %zu cgroups", m->n_managed);
	(void)sd_notifyf(false, "STATUS=Managing %zu cgroups with %zu policies%s", m->n_managed,
			 m->policies->n, m->cfg.dry_run ? " (dry run)" : "");
	return 0;
}

/* After a reload: the trigger may have changed, and the new policy applies now. */
static void rearm(struct managed *mc)
{
	mc->pinned_vswap_max.set = false; /* the reloaded policy is in force again */
	mc->psi_source = sd_event_source_disable_unref(mc->psi_source);
	closep(&mc->psi_fd);
	mc->psi_fd = -1;
	arm_psi(mc, policy_of(mc));
	mc->quiet_rounds = 0;
	schedule_in(mc, 0);
}

static void log_load_errors(const struct vswap_policy_load_errors *errs, char **ret_summary)
{
	char summary[1024] = "";
	size_t used = 0;

	for (size_t i = 0; i < errs->n && i < ELEMENTSOF(errs->errors); i++) {
		const struct vswap_policy_load_error *e = &errs->errors[i];
		log_full(LOG_ERR, 0, "%s:%u:%u: %s%s%s", e->path, e->err.line, e->err.column,
			 e->err.field, *e->err.field ? ": " : "", e->err.what);
		int n =
		    snprintf(summary + used, sizeof(summary) - used, "%s%s:%u:%u: %s",
			     used ? "; " : "", e->path, e->err.line, e->err.column, e->err.what);
		used = n > 0 && (size_t)n < sizeof(summary) - used ? used + (size_t)n : used;
	}
	free(*ret_summary);
	*ret_summary = strdup(summary);
}

/* Say once per load what each policy cannot do as written on this kernel. */
static void log_degradations(const struct manager *m)
{
	char notes[8][192];

	for (size_t i = 0; i < m->policies->n; i++) {
		const struct vswap_policy *p = m->policies->policies[i];
		size_t n = engine_degradations(p, &m->caps, notes, ELEMENTSOF(notes));
		for (size_t k = 0; k < n; k++)
			log_notice("policy %s (%s): %s", p->name, p->source, notes[k]);
	}
}

static void watch_config_dirs(struct manager *m);

int manager_reload(struct manager *m)
{
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;

	(void)sd_notify(false, "RELOADING=1");
	m->reloads++;
	if (m->inotify_fd >= 0)
		watch_config_dirs(m);
	int r = vswap_policy_set_load(m->ctx, &set, &errs);
	if (r < 0) {
		m->reload_failures++;
		if (r == -EBADMSG)
			log_load_errors(&errs, &m->last_reload_error);
		log_error_errno(r, "policies not reloaded: the previous ones stay in force");
		/* An administrator is at work: look at every cgroup now, as after a reload
		 * that worked, so the policies in force are seen to be in force. */
		for (size_t i = 0; i < m->n_managed; i++) {
			m->managed[i]->quiet_rounds = 0;
			schedule_in(m->managed[i], 0);
		}
	} else {
		vswap_policy_set_free(m->policies);
		m->policies = set;
		m->last_reload_error = mfree(m->last_reload_error);
		log_info("loaded %zu policies", set->n);
		log_degradations(m);
		r = manager_rescan(m);
		for (size_t i = 0; r >= 0 && i < m->n_managed; i++)
			rearm(m->managed[i]);
	}
	(void)sd_notify(false, "READY=1");
	return r;
}

static int on_rescan(sd_event_source *s, uint64_t usec, void *userdata)
{
	(void)manager_rescan(userdata);
	return 0;
}

static int on_reload_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	(void)manager_reload(userdata);
	return 0;
}

/* Arm a one-shot timer delay_us from now, creating it on first use. */
static void arm_oneshot(struct manager *m, sd_event_source **src, uint64_t delay_us,
			sd_event_time_handler_t handler)
{
	if (*src) {
		(void)sd_event_source_set_time_relative(*src, delay_us);
		(void)sd_event_source_set_enabled(*src, SD_EVENT_ONESHOT);
		return;
	}
	int r = sd_event_add_time_relative(m->event, src, CLOCK_MONOTONIC, delay_us, 0, handler, m);
	if (r < 0)
		log_error_errno(r, "cannot arm a timer");
}

void manager_schedule_rescan(struct manager *m)
{
	arm_oneshot(m, &m->rescan_timer, RESCAN_DELAY_US, on_rescan);
}

static bool is_config_wd(const struct manager *m, int wd)
{
	for (size_t i = 0; i < m->n_config_wd; i++)
		if (m->config_wd[i] == wd)
			return true;
	return false;
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool rescan = false, reload = false;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (is_config_wd(m, ev->wd))
				reload = true;
			else if (ev->mask & (IN_CREATE | IN_DELETE | IN_Q_OVERFLOW))
				rescan = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (reload)
		arm_oneshot(m, &m->reload_timer, RELOAD_DELAY_US, on_reload_timer);
	if (rescan)
		arm_oneshot(m, &m->rescan_timer, RESCAN_DELAY_US, on_rescan);
	return 0;
}

static void watch_config_dir(struct manager *m, const char *dir)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s", streq(m->ctx->root, "/") ? "" : m->ctx->root, dir) < 0)
		return;
	int wd = inotify_add_watch(m->inotify_fd, path,
				   IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
				       IN_CREATE | IN_ONLYDIR);
	if (wd < 0 || is_config_wd(m, wd))
		return;
	int *n = reallocarray(m->config_wd, m->n_config_wd + 1, sizeof(*n));
	if (!n)
		return;
	m->config_wd = n;
	m->config_wd[m->n_config_wd++] = wd;
}

/* Every UNIT.d below a systemd unit directory: a drop-in there may attach a policy. */
static void watch_dropin_dirs(struct manager *m, const char *unit_dir)
{
	_cleanup_close_ int fd =
	    vswap_open_beneath(m->ctx->root_fd, unit_dir, O_RDONLY | O_DIRECTORY);
	_cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d)
		return;
	fd = -1; /* d owns it */
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		_cleanup_free_ char *sub = NULL;
		if (n > 2 && streq(de->d_name + n - 2, ".d") &&
		    asprintf(&sub, "%s/%s", unit_dir, de->d_name) >= 0)
			watch_config_dir(m, sub);
	}
}

/*
 * The directories whose changes mean a reload: policies, attachments, and systemd's
 * drop-ins. Called again after each reload, for directories created since.
 */
static void watch_config_dirs(struct manager *m)
{
	for (size_t i = 0; i < VSWAP_POLICY_DIRS_COUNT; i++)
		watch_config_dir(m, vswap_policy_dirs[i]);
	for (size_t i = 0; i < VSWAP_ATTACH_DIRS_COUNT; i++)
		watch_config_dir(m, vswap_attach_dirs[i]);
	for (size_t i = 0; i < VSWAP_UNIT_DIRS_COUNT; i++) {
		watch_config_dir(m, vswap_unit_dirs[i]);
		watch_dropin_dirs(m, vswap_unit_dirs[i]);
	}
}

static int setup_inotify(struct manager *m)
{
	m->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (m->inotify_fd < 0)
		return log_error_errno(negative_errno(), "inotify_init1");
	watch_config_dirs(m);
	return sd_event_add_io(m->event, &m->inotify_source, m->inotify_fd, EPOLLIN, on_inotify, m);
}

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
	return sd_event_exit(m->event, 0);
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
	int r = sd_event_add_signal(m->event, NULL, SIGTERM, on_sigterm, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGINT, on_sigterm, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m);
	return r;
}

static int on_metrics_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct manager *m = userdata;
	int r = metrics_write_textfile(m);

	if (r < 0 && log_ratelimit("metrics-textfile", manager_now(m), 300))
		log_warning_errno(r, "cannot write the metrics file /%s", m->cfg.metrics_file);
	(void)sd_event_source_set_time_relative(
	    s, (uint64_t)(m->cfg.metrics_interval_s * USEC_PER_SEC));
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int setup(struct manager *m)
{
	int r = vswap_ctx_new(m->cfg.root, &m->ctx);

	if (r < 0)
		return log_error_errno(r, "cannot find the cgroup2 mount below %s",
				       m->cfg.root ? m->cfg.root : "/");
	r = vswap_caps_probe(m->ctx, &m->caps);
	if (r < 0)
		return log_error_errno(r, "cannot probe the kernel");
	log_info("kernel %s, mode %s%s", strna(m->caps.kernel_release),
		 vswap_kernel_mode_name(m->caps.mode), m->cfg.dry_run ? ", dry run" : "");
	r = sd_event_default(&m->event);
	if (r < 0)
		return log_error_errno(r, "cannot create the event loop");
	(void)sd_event_set_watchdog(m->event, true);
	if ((r = setup_signals(m)) < 0 || (r = setup_inotify(m)) < 0)
		return log_error_errno(r, "cannot set up signals and inotify");
	/* Armed by sampling_arm(); accuracy 0: sd-event's default, 250 ms, to coalesce wake-ups. */
	r = sd_event_add_time(m->event, &m->sampling, CLOCK_MONOTONIC, UINT64_MAX, 0, on_sampling,
			      m);
	if (r < 0)
		return log_error_errno(r, "cannot create the sampling timer");
	(void)sd_event_source_set_enabled(m->sampling, SD_EVENT_OFF);
	unit_setup(m);
	r = control_new(m, &m->control);
	if (r < 0)
		return r;
	if (m->cfg.metrics_file)
		r = sd_event_add_time_relative(m->event, &m->metrics_timer, CLOCK_MONOTONIC, 0, 0,
					       on_metrics_timer, m);
	return r;
}

int manager_new(const struct config *cfg, struct manager **ret)
{
	struct manager *m = calloc(1, sizeof(*m));
	struct vswap_policy_load_errors errs;

	if (!m)
		return -ENOMEM;
	m->cfg = *cfg;
	m->inotify_fd = -1;
	int r = setup(m);
	if (r >= 0) {
		r = vswap_policy_set_load(m->ctx, &m->policies, &errs);
		if (r == -EBADMSG) {
			/* Run with no policies until the files are fixed (inotify reloads them). */
			log_load_errors(&errs, &m->last_reload_error);
			log_error_errno(r,
					"policies invalid: managing nothing until they are fixed");
			m->policies = calloc(1, sizeof(*m->policies));
			r = m->policies ? 0 : -ENOMEM;
		} else if (r < 0)
			log_error_errno(r, "cannot load policies");
	}
	if (r >= 0) {
		log_degradations(m);
		r = manager_rescan(m);
	}
	if (r < 0) {
		m->cfg = (struct config){}; /* owned by the caller */
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
	for (size_t i = 0; i < m->n_managed; i++)
		managed_free(m->managed[i]);
	free(m->managed);
	control_free(m->control);
	unit_done(m);
	sd_event_source_disable_unref(m->inotify_source);
	sd_event_source_disable_unref(m->rescan_timer);
	sd_event_source_disable_unref(m->reload_timer);
	sd_event_source_disable_unref(m->metrics_timer);
	sd_event_source_disable_unref(m->sampling);
	due_heap_done(&m->due);
	closep(&m->inotify_fd);
	free(m->config_wd);
	sd_event_unref(m->event);
	vswap_policy_set_free(m->policies);
	vswap_caps_done(&m->caps);
	vswap_ctx_free(m->ctx);
	free(m->last_reload_error);
	free(m);
	return NULL;
}

int manager_run(struct manager *m)
{
	(void)sd_notifyf(false, "READY=1\nSTATUS=Managing %zu cgroups with %zu policies%s",
			 m->n_managed, m->policies->n, m->cfg.dry_run ? " (dry run)" : "");
	log_info("managing %zu cgroups with %zu policies", m->n_managed, m->policies->n);
	return sd_event_loop(m->event);
}
