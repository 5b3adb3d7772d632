/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapctl run [--policy NAME|FILE] [-p KEY=VALUE]... [--unit NAME] [--wait] [--] COMMAND...
 *
 * COMMAND runs in a cgroup of its own (runplace.h) under a policy attached to that cgroup by
 * a runtime attachment (/run/vswapd/attach.d), and starts only once vswapd has applied it:
 *
 *   1. everything that can be checked is, before anything exists: the policy (an installed
 *      one, a FILE, the -p fields through the policy field table), the root, vswapd
 *      listening, the attachment directories writable;
 *   2. a child is forked and held on a pipe (runchild.h): it runs nothing of COMMAND yet;
 *   3. its cgroup is made around it (a systemd scope, or libcgroup);
 *   4. the attachment is written (and, for a FILE or -p, the policy made for this run, named
 *      BASE@NAME, matching only that cgroup), checked and read back like set-policy's;
 *   5. vswapd is asked to reload (root; a user's change reaches it through inotify within
 *      its 2 s debounce) and vswapctl polls `explain` of the cgroup until it is managed with
 *      that policy and policy_samples >= 1: one evaluation under it has written its knobs
 *      (vswapd counts it after acting). Only then is the child released to exec COMMAND.
 *   6. vswapctl waits, forwarding signals, then removes the attachment (and the policy made
 *      for the run) and ends as COMMAND ended.
 *
 * So the cap is in force before COMMAND's first instruction, not only before its first
 * allocation. Without vswapd nothing would apply the policy: run refuses to start.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>

#include "attachment.h"
#include "cgroup.h"
#include "output.h"
#include "parse.h"
#include "policyset.h"
#include "runchild.h"
#include "runplace.h"
#include "unitname.h"
#include "util.h"
#include "vswapctl.h"

/*
 * How long vswapd may take to apply the policy: a reload and one evaluation take
 * milliseconds; a user's change waits for the inotify debounce (2 s at most). Past this,
 * something is wrong with vswapd, and COMMAND does not start.
 */
#define CONFIRM_TIMEOUT_MS 30000
#define CONFIRM_POLL_MS	   20
/* --wait: how often the cgroup is looked at once COMMAND has ended. */
#define WAIT_POLL_MS 100

/* What run attaches, decided before anything starts. */
struct run_plan {
	char *unit;		      /* NAME.scope */
	char *policy;		      /* the name attached */
	struct json_object *derived;  /* a policy made for the run (FILE or -p), or NULL */
	struct vswap_policy_set *set; /* the configuration as it was checked */
};

static void run_plan_clear(struct run_plan *plan)
{
	plan->unit = mfree(plan->unit);
	plan->policy = mfree(plan->policy);
	json_object_put(plan->derived);
	plan->derived = NULL;
	plan->set = vswap_policy_set_free(plan->set);
}

/* --unit NAME or NAME.scope (run starts scopes only), else vswap-run-RANDOM.scope. */
static int plan_unit(const struct vswapctl_options *opts, struct run_plan *plan)
{
	const char *name = opts->unit;
	uint32_t rnd;

	if (!name) {
		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			return vswapctl_fail(-EIO, "getrandom: %s", strerror(errno));
		return asprintf(&plan->unit, "vswap-run-%08x.scope", rnd) < 0 ? -ENOMEM : 0;
	}
	const char *dot = strrchr(name, '.');
	if (dot && !streq(dot, ".scope") && vswap_unit_name_valid(name))
		return vswapctl_fail(-EINVAL, "--unit %s: run starts a scope (NAME or NAME.scope)",
				     name);
	if (asprintf(&plan->unit, "%s%s", name, dot && streq(dot, ".scope") ? "" : ".scope") < 0)
		return -ENOMEM;
	if (!vswap_unit_name_valid(plan->unit))
		return vswapctl_fail(-EINVAL,
				     "--unit %s: not a unit name (letters, digits, "
				     ":_.\\-@)",
				     name);
	return 0;
}

/* The policy --policy names, as JSON to derive from; NULL *ret with neither. */
static int plan_base(const struct vswapctl_options *opts, struct run_plan *plan,
		     struct json_object **ret, char **ret_name)
{
	const char *arg = opts->policy;

	*ret = NULL;
	if (!arg)
		return (*ret_name = strdup("run")) ? 0 : -ENOMEM;
	if (policy_arg_is_file(arg)) {
		_cleanup_free_ char *text = NULL;
		struct vswap_policy *p = NULL;
		size_t len;
		int r = policy_file_read(arg, ret_name, &text, &len);
		if (r == 0 && (r = vswap_policy_parse(text, len, *ret_name, arg, &p, NULL)) == 0)
			*ret = vswap_policy_to_json(p);
		vswap_policy_free(p);
		return r;
	}
	if (!vswap_policy_name_valid(arg))
		return vswapctl_fail(-EINVAL, "--policy %s: not a policy name (%s)", arg,
				     VSWAP_POLICY_NAME_RULE);
	const struct vswap_policy *p = vswap_policy_set_find(plan->set, arg);
	const char *guess = p ? NULL : vswap_policy_set_suggest(plan->set, arg);
	if (!p)
		return vswapctl_fail(-ENOENT,
				     "no policy named \"%s\"%s%s%s (see vswapctl "
				     "list-policies); nothing started",
				     arg, guess ? ": did you mean \"" : "", guess ? guess : "",
				     guess ? "\"?" : "");
	*ret_name = strdup(arg);
	if (*ret_name && opts->n_properties)
		*ret = vswap_policy_to_json(p);
	return *ret_name ? 0 : -ENOMEM;
}

/* Each -p KEY=VALUE into the derived policy, through the field table. */
static int plan_properties(const struct vswapctl_options *opts, struct json_object *policy)
{
	for (size_t i = 0; i < opts->n_properties; i++) {
		const char *arg = opts->properties[i];
		const char *eq = strchr(arg, '=');
		struct vswap_policy_error err;
		if (!eq || eq == arg)
			return vswapctl_fail(-EINVAL, "-p %s: expected KEY=VALUE (vswap.max=2G)",
					     arg);
		_cleanup_free_ char *key = strndup(arg, (size_t)(eq - arg));
		if (!key)
			return -ENOMEM;
		if (streq(key, "match") || strncmp(key, "match.", 6) == 0)
			return vswapctl_fail(-EINVAL,
					     "-p %s: run's policy matches its own cgroup "
					     "and nothing else",
					     arg);
		if (vswap_policy_json_set(policy, key, eq + 1, &err) < 0)
			return vswapctl_fail(-EINVAL, "-p %s: %s", arg, err.what);
	}
	return 0;
}

/* The policy made for this run: BASE@NAME, the base's settings and the -p fields. */
static int plan_derived(const struct vswapctl_options *opts, struct run_plan *plan,
			const char *base)
{
	size_t n = strlen(plan->unit) - strlen(".scope");
	json_object_object_del(plan->derived, "match");
	int r = plan_properties(opts, plan->derived);

	if (r == 0 && asprintf(&plan->policy, "%s@%.*s", base, (int)n, plan->unit) < 0)
		return -ENOMEM;
	if (r == 0 && !vswap_policy_name_valid(plan->policy))
		return vswapctl_fail(-EINVAL,
				     "the policy made for this run would be named %s (%s): "
				     "choose a shorter --unit",
				     plan->policy, VSWAP_POLICY_NAME_RULE);
	if (r == 0 && vswap_policy_set_find(plan->set, plan->policy))
		return vswapctl_fail(-EEXIST,
				     "a policy named %s exists already: choose another "
				     "--unit",
				     plan->policy);
	if (r < 0)
		return r;
	/* The whole policy once more: the rules that tie fields together. */
	struct vswap_policy_error err;
	struct vswap_policy *p = NULL;
	const char *text = json_object_to_json_string(plan->derived);
	r = vswap_policy_parse(text, strlen(text), plan->policy, "-p", &p, &err);
	vswap_policy_free(p);
	if (r == -EBADMSG)
		return vswapctl_fail(-EINVAL, "-p: %s: %s", err.field, err.what);
	return r;
}

static int plan_make(const struct vswap_ctx *ctx, const struct vswapctl_options *opts,
		     struct run_plan *plan)
{
	struct vswap_policy_load_errors errs;
	_cleanup_free_ char *base = NULL;

	if (!opts->policy && !opts->n_properties)
		return vswapctl_fail(-EINVAL, "run: name a policy (--policy NAME|FILE) or "
					      "settings (-p vswap.max=2G)");
	int r = plan_unit(opts, plan);
	if (r < 0)
		return r;
	r = vswap_policy_set_load(ctx, &plan->set, &errs);
	if (r == -EBADMSG)
		vswapctl_print_load_errors(&errs);
	if (r == -EBADMSG)
		return vswapctl_fail(r, "the policy configuration has errors (above); nothing "
					"started");
	if (r < 0)
		return vswapctl_fail(r, "cannot load the policies: %s", strerror(-r));
	r = plan_base(opts, plan, &plan->derived, &base);
	if (r == 0 && (plan->derived || opts->n_properties)) {
		if (!plan->derived)
			plan->derived = json_tokener_parse("{\"schema_version\": 1}");
		r = plan->derived ? plan_derived(opts, plan, base) : -ENOMEM;
	} else if (r == 0)
		plan->policy = TAKE_PTR(base);
	return r;
}

/* run starts a process here: no root prefix applies to that. */
static int check_live(const struct vswapctl_options *opts)
{
	const char *root = vswap_root_resolve(opts->root);

	if (streq(root, "/"))
		return 0;
	return vswapctl_fail(-EINVAL,
			     "run starts a process on this host, so --root (or $VSWAP_ROOT) %s "
			     "cannot apply: libcgroup reads the fixed /proc/mounts, and systemd "
			     "is the one running here",
			     root);
}

/* vswapd must be there to apply the policy; any answer will do ("/" is never managed). */
static int check_daemon(const struct vswapctl_options *opts)
{
	struct json_object *req = vswap_request_new(VSWAP_COMMAND_EXPLAIN), *reply = NULL;
	enum vswap_error_code code;

	json_object_object_add(req, VSWAP_KEY_CGROUP, json_object_new_string("/"));
	int r = vswapctl_call(opts, req, &reply, &code);
	json_object_put(req);
	json_object_put(reply);
	if (r == -ECONNREFUSED)
		return vswapctl_fail(-ENOTCONN,
				     "vswapd is not running, so nothing would apply the "
				     "policy: start it (systemctl start vswapd); nothing started");
	return r < 0 ? r : 0;
}

/* The directory rel, or the nearest that exists above it, writable for us. */
static int check_writable(const struct vswap_ctx *ctx, const char *rel)
{
	_cleanup_free_ char *dir = strdup(rel);
	char *slash = NULL;

	if (!dir)
		return -ENOMEM;
	while (faccessat(ctx->root_fd, dir, W_OK, AT_EACCESS) < 0) {
		if (errno != ENOENT || !(slash = strrchr(dir, '/')))
			return vswapctl_fail(
			    -EACCES,
			    "cannot write /%s as uid %u: run attaches its policy "
			    "there, and vswapd takes attachments only from "
			    "directories an administrator controls; run as root, or "
			    "see vswapctl(8), run, for a group that may; nothing "
			    "started",
			    dir, (unsigned)geteuid());
		*slash = 0;
	}
	return 0;
}

static int check_prerequisites(const struct vswap_ctx *ctx, const struct vswapctl_options *opts,
			       const struct run_plan *plan)
{
	int r = run_place_systemd() ? 0 : run_place_check_libcgroup(ctx);

	if (r == 0)
		r = check_daemon(opts);
	if (r == 0)
		r = check_writable(ctx, "run/vswapd/attach.d");
	if (r == 0 && plan->derived)
		r = check_writable(ctx, "run/vswapd/policies.d");
	return r;
}

/* "vswapctl run: COMMAND ARGS", for the scope's Description=. */
static char *description(char **argv)
{
	char text[256] = "vswapctl run:";
	size_t used = strlen(text);

	for (; *argv && used < sizeof(text) - 1; argv++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, " %s", *argv);
	return strdup(text);
}

static int place(const struct vswap_ctx *ctx, const struct run_plan *plan, pid_t pid, char **argv,
		 struct run_place *p)
{
	if (!run_place_systemd())
		return run_place_libcgroup(ctx, plan->unit, pid, p);
	_cleanup_free_ char *what = description(argv);
	return what ? run_place_scope(ctx, plan->unit, pid, what, p) : -ENOMEM;
}

static int attach(const struct vswap_ctx *ctx, const struct run_plan *plan,
		  const struct run_place *p, struct attachment_files *files)
{
	struct attachment_request ar = {.kind = VSWAP_ATTACH_CGROUP,
					.target = p->cgroup,
					.policy = plan->policy,
					.runtime = true};

	if (plan->derived) {
		struct json_object *m = json_object_new_object();
		json_object_object_add(m, "cgroup", json_object_new_string(p->cgroup));
		json_object_object_add(plan->derived, "match", m);
		ar.policy_text = json_object_to_json_string_ext(
		    plan->derived, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
		ar.policy_len = strlen(ar.policy_text);
	}
	return attachment_write(ctx, &ar, files);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Root asks vswapd to reload now; it refuses a configuration with errors, and says why. */
static int reload(const struct vswapctl_options *opts)
{
	struct json_object *reply = NULL;
	enum vswap_error_code code;
	const char *msg = NULL;

	if (geteuid() != 0)
		return 0; /* reload is root's: inotify brings vswapd the change */
	struct json_object *req = vswap_request_new(VSWAP_COMMAND_RELOAD);
	int r = vswapctl_call(opts, req, &reply, &code);
	json_object_put(req);
	if (r == 0) {
		(void)vswap_reply_result(reply, &code, &msg);
		r = vswapctl_fail(-EBADMSG, "vswapd refused the configuration: %s", strna(msg));
	} else if (r == -ECONNREFUSED)
		r = vswapctl_fail(r, "vswapd stopped");
	json_object_put(reply);
	return r < 0 ? r : 0;
}

/* 1 when vswapd manages cgroup with policy and has evaluated it once under it. */
static int applied(const struct vswapctl_options *opts, const char *cgroup, const char *policy,
		   char **ret_now)
{
	struct json_object *req = vswap_request_new(VSWAP_COMMAND_EXPLAIN), *reply = NULL, *v;
	enum vswap_error_code code;

	json_object_object_add(req, VSWAP_KEY_CGROUP, json_object_new_string(cgroup));
	int r = vswapctl_call(opts, req, &reply, &code);
	json_object_put(req);
	if (r == -ECONNREFUSED)
		return vswapctl_fail(r, "vswapd stopped");
	if (r == 0 && code != VSWAP_ERROR_NOT_MANAGED) {
		const char *msg = NULL;
		(void)vswap_reply_result(reply, &code, &msg);
		r = vswapctl_fail(-EREMOTEIO, "vswapd: %s", strna(msg));
	} else if (r == 1) {
		const char *now = json_object_get_string(json_object_object_get(reply, "policy"));
		free(*ret_now);
		*ret_now = now ? strdup(now) : NULL;
		r = now && streq(now, policy) &&
		    json_object_object_get_ex(reply, "policy_samples", &v) &&
		    json_object_get_uint64(v) >= 1;
	}
	json_object_put(reply);
	return r;
}

/*
 * Until vswapd has applied the policy (see the top of the file). A signal for vswapctl ends
 * the wait: -EINTR with *ret_sig.
 */
static int confirm(const struct vswapctl_options *opts, const struct run_plan *plan,
		   const struct run_place *p, int *ret_sig)
{
	_cleanup_free_ char *now = NULL;
	long deadline = now_ms() + CONFIRM_TIMEOUT_MS;
	int r = reload(opts);

	while (r == 0) {
		r = applied(opts, p->cgroup, plan->policy, &now);
		if (r != 0)
			break;
		if ((*ret_sig = run_child_signal(CONFIRM_POLL_MS)))
			return -EINTR;
		if (now_ms() > deadline)
			r = vswapctl_fail(-ETIMEDOUT,
					  "vswapd has not applied policy %s to %s within %d s (it "
					  "%s%s): see vswapctl explain, and vswapd's log; nothing "
					  "started",
					  plan->policy, p->cgroup, CONFIRM_TIMEOUT_MS / 1000,
					  now ? "manages it with policy " : "does not manage it",
					  now ? now : "");
	}
	return r < 0 ? r : 0;
}

/* A limit knob of the cgroup as the kernel holds it now. */
static void print_knob(const struct vswap_ctx *ctx, const char *cgroup, const char *knob,
		       const char *stem)
{
	_cleanup_free_ char *text = NULL;
	struct vswap_parse_error err;
	uint64_t bytes = 0;
	char fmt[64];

	bool present = vswap_cgroup_read(ctx, cgroup + 1, knob, &text, NULL) == 0 &&
		       vswap_parse_limit(text, strlen(text), &bytes, &err) == 0;
	snprintf(fmt, sizeof(fmt), " %s %%s", knob);
	if (present)
		print_limit(stem, fmt, true, bytes);
}

/* What COMMAND runs under, read back: on stderr, COMMAND's output being stdout. */
static void print_started(const struct vswapctl_options *opts, const struct vswap_ctx *ctx,
			  const struct run_plan *plan, const struct run_place *p,
			  const struct attachment_files *files)
{
	char path[512];

	print_begin(opts->json, stderr);
	print_string("unit", "Running as unit %s", p->systemd ? p->unit : NULL);
	print_text(p->systemd ? ", " : "Running in ");
	print_string("cgroup", "cgroup %s", p->cgroup);
	print_string("policy", ", policy %s", plan->policy);
	snprintf(path, sizeof(path), "/%s", files->attachment);
	print_string("attachment_file", NULL, path);
	snprintf(path, sizeof(path), "/%s", strna(files->policy));
	print_string("policy_file", NULL, files->policy ? path : NULL);
	print_text(" in force:");
	print_knob(ctx, p->cgroup, "memory.vswap.max", "vswap_max");
	print_knob(ctx, p->cgroup, "memory.zswap.max", "zswap_max");
	print_text("\n");
	(void)print_end();
}

/* --wait: until no process is left in the cgroup, or a signal for vswapctl (*ret_sig). */
static void wait_empty(const struct vswap_ctx *ctx, const struct run_place *p, int *ret_sig)
{
	while (run_place_populated(ctx, p) > 0)
		if ((*ret_sig = run_child_signal(WAIT_POLL_MS)))
			return;
}

/* Release COMMAND and wait for it (and, with --wait, the rest of its cgroup). */
static int run_command(const struct vswapctl_options *opts, const struct vswap_ctx *ctx,
		       const struct run_place *p, struct run_child *child, char **argv,
		       int *ret_sig)
{
	int e = run_child_release(child);
	int status = run_child_wait(child);

	if (e < 0)
		vswapctl_error("cannot run %s: %s", argv[0], strerror(-e));
	if (opts->wait)
		wait_empty(ctx, p, ret_sig);
	return status;
}

/* Remove what the run made; say what had to stay. */
static void clean_up(const struct vswap_ctx *ctx, struct run_place *p,
		     struct attachment_files *files)
{
	_cleanup_free_ char *cgroup = p->cgroup ? strdup(p->cgroup) : NULL;

	(void)attachment_remove(ctx, files);
	if (run_place_done(ctx, p) > 0)
		vswapctl_error("note: processes of the command remain in %s, now without the "
			       "policy (--wait waits for them)",
			       strna(cgroup));
}

int verb_run(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct run_child child = {.go_fd = -1, .exec_fd = -1};
	struct attachment_files files = {};
	struct run_place p = {};
	struct run_plan plan = {};
	int sig = 0, status = 0;

	int r = check_live(opts);
	if (r == 0)
		r = vswapctl_open(opts, &ctx);
	if (r == 0)
		r = plan_make(ctx, opts, &plan);
	if (r == 0)
		r = check_prerequisites(ctx, opts, &plan);
	if (r < 0) {
		run_plan_clear(&plan);
		return r;
	}
	r = run_child_spawn(argv, &child);
	if (r < 0)
		vswapctl_error("cannot fork: %s", strerror(-r));
	if (r == 0)
		r = place(ctx, &plan, child.pid, argv, &p);
	if (r == 0)
		r = attach(ctx, &plan, &p, &files);
	if (r == 0)
		r = confirm(opts, &plan, &p, &sig);
	if (r == 0) {
		print_started(opts, ctx, &plan, &p, &files);
		status = run_command(opts, ctx, &p, &child, argv, &sig);
	} else if (child.pid > 0)
		run_child_abort(&child);
	clean_up(ctx, &p, &files);
	run_plan_clear(&plan);
	if (sig) /* vswapctl itself was told to stop: so it does, the same way */
		run_child_pass_on(W_EXITCODE(0, sig));
	return r < 0 ? r : status;
}
