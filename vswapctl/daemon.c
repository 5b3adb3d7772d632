/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verbs that talk to a running vswapd over its control socket (protocol.h). */
#include <json-c/json.h>
#include <stdio.h>
#include <time.h>

#include "cgroup.h"
#include "context.h"
#include "daemonconf.h"
#include "output.h"
#include "paths.h"
#include "util.h"
#include "vswapctl.h"

#define REPLY_MAX (16 * 1024 * 1024)

/* The socket vswapd listens on below the root, as its vswapd.conf says. */
static int socket_path(const struct vswapctl_options *opts, char **ret)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct vswap_policy_load_errors errs;
	struct vswap_daemon_conf conf;
	int r = vswap_daemon_conf_init(&conf);

	if (r == 0)
		r = vswapctl_open_config(opts, &ctx);
	if (r == 0) {
		r = vswap_daemon_conf_load(ctx, &conf, &errs);
		/* A vswapd started before the files went bad still listens where they said, or
		 * at the default: try the default, and say so. */
		if (r == -EBADMSG) {
			vswapctl_print_load_errors(&errs);
			vswapctl_error("vswapd.conf has errors (above): trying the default socket "
				       "/" VSWAP_CONTROL_SOCKET_DEFAULT);
			r = 0;
		} else if (r < 0)
			vswapctl_error("cannot read vswapd.conf: %s", strerror(-r));
	}
	if (r == 0 &&
	    (r = vswap_control_socket_path(vswap_root_resolve(opts->root), &conf, ret)) < 0)
		vswapctl_error("the control socket's path /%s: %s", conf.control_socket,
			       strerror(-r));
	vswap_daemon_conf_done(&conf);
	return r;
}

int vswapctl_call(const struct vswapctl_options *opts, struct json_object *req,
		  struct json_object **ret_reply, enum vswap_error_code *ret_code)
{
	_cleanup_free_ char *path = NULL;
	struct json_object *reply = NULL;
	int r = socket_path(opts, &path);

	if (r < 0)
		return r;
	r = vswap_control_call(path, req, REPLY_MAX, &reply);
	if (r == -ENOENT || r == -ECONNREFUSED)
		return -ECONNREFUSED; /* nobody listens: for the caller to say, or not */
	if (r < 0)
		return vswapctl_fail(r, "vswapd at %s: %s", path,
				     r == -EBADMSG ? "no valid answer" : strerror(-r));
	r = vswap_reply_result(reply, ret_code, NULL);
	if (r < 0) {
		json_object_put(reply);
		return vswapctl_fail(-EBADMSG, "vswapd at %s: no valid answer", path);
	}
	*ret_reply = reply;
	return r;
}

int vswapctl_request(const struct vswapctl_options *opts, struct json_object *req,
		     struct json_object **ret_reply)
{
	enum vswap_error_code code;
	struct json_object *reply = NULL;
	const char *msg = NULL;
	int r = vswapctl_call(opts, req, &reply, &code);

	json_object_put(req);
	if (r == -ECONNREFUSED)
		return vswapctl_fail(r, "cannot reach vswapd (is it running?)");
	if (r < 0)
		return r;
	if (r == 0) {
		(void)vswap_reply_result(reply, &code, &msg);
		vswapctl_error("vswapd: %s", msg);
		json_object_put(reply);
		return code == VSWAP_ERROR_NOT_MANAGED ? -ENOENT : -EREMOTEIO;
	}
	*ret_reply = reply;
	return 0;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	return json_object_object_get(o, key);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The inputs of a decision as one line of text; JSON as they came. */
static void print_inputs(struct json_object *inputs)
{
	if (!print_is_json() && inputs)
		print_text("    inputs: %s\n",
			   json_object_to_json_string_ext(
			       inputs, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	print_json_value("inputs", json_object_get(inputs));
}

static void print_action(struct json_object *a)
{
	print_open_object(NULL);
	struct json_object *value = get(a, "value");
	bool bytes = !get_str(a, "unit") || streq(get_str(a, "unit"), "bytes");
	print_string("action", "    %s", get_str(a, "action"));
	if (!value)
		print_null("value", " max");
	else if (bytes)
		print_bytes("value", " %s", json_object_get_uint64(value));
	else
		print_uint("value", " %s", json_object_get_uint64(value));
	print_json_value("value_unlimited", json_object_get(get(a, "value_unlimited")));
	print_string("unit", NULL, get_str(a, "unit"));
	print_string("reason", ": %s", get_str(a, "reason"));
	print_string("result", " [%s]\n", get_str(a, "result"));
	print_close_object();
}

static void print_decision(struct json_object *d)
{
	struct json_object *list;

	print_open_object(NULL);
	time_t t = (time_t)json_object_get_int64(get(d, "time_unix_s"));
	char when[32] = "?";
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	print_uint("time_unix_s", NULL, (uint64_t)t);
	print_text("  at %s", when);
	print_string("trigger", " (%s)", get_str(d, "trigger"));
	print_string("policy", ", policy %s:\n", get_str(d, "policy"));
	print_open_array("actions");
	list = get(d, "actions");
	for (size_t i = 0; i < json_object_array_length(list); i++)
		print_action(json_object_array_get_idx(list, i));
	print_close_array();
	print_open_array("notes");
	list = get(d, "notes");
	for (size_t i = 0; i < json_object_array_length(list); i++)
		print_string(NULL, "    note: %s\n",
			     json_object_get_string(json_object_array_get_idx(list, i)));
	print_close_array();
	print_inputs(get(d, "inputs"));
	print_close_object();
}

static void print_task(struct json_object *t)
{
	print_open_object(NULL);
	print_uint("pid", "  %s", (uint64_t)json_object_get_int64(get(t, "pid")));
	print_string("comm", " %s", get_str(t, "comm"));
	print_uint("swapin_delay_ns", ": swap-in delay %s ns",
		   json_object_get_uint64(get(t, "swapin_delay_ns")));
	print_uint("thrashing_delay_ns", ", thrashing delay %s ns\n",
		   json_object_get_uint64(get(t, "thrashing_delay_ns")));
	print_close_object();
}

static void print_explain(struct json_object *reply)
{
	struct json_object *list = get(reply, "decisions");
	struct json_object *tasks = get(reply, "tasks");

	print_string("cgroup", "%s", get_str(reply, "cgroup"));
	print_string("policy", ": policy %s", get_str(reply, "policy"));
	print_string("policy_chosen_by", " (%s)\n", get_str(reply, "policy_chosen_by"));
	print_string("override", NULL, get_str(reply, "override"));
	print_open_array("decisions");
	if (json_object_array_length(list) == 0)
		print_text("  no decision acted or noted anything yet\n");
	for (size_t i = 0; i < json_object_array_length(list); i++)
		print_decision(json_object_array_get_idx(list, i));
	print_close_array();
	print_open_object("tasks");
	print_open_array("top");
	list = get(tasks, "top");
	for (size_t i = 0; i < json_object_array_length(list); i++)
		print_task(json_object_array_get_idx(list, i));
	print_close_array();
	print_string("unavailable", "  tasks: unavailable: %s\n", get_str(tasks, "unavailable"));
	print_close_object();
}

int verb_explain(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	_cleanup_free_ char *rel = NULL, *display = NULL;
	struct json_object *reply = NULL, *req;

	/* The same path rules and exit codes as status, before asking the daemon. */
	int r = vswapctl_open(opts, &ctx);
	if (r < 0)
		return r;
	if (vswap_cgroup_normalize(ctx, argv[0], &rel) < 0)
		return vswapctl_fail(
		    -EINVAL, "invalid cgroup path '%s' (no '.', '..' or control characters)",
		    argv[0]);
	if (!(display = vswap_cgroup_display(rel)))
		return -ENOMEM;
	if (vswap_cgroup_exists(ctx, rel) < 0)
		return vswapctl_fail(-ENOENT, "no cgroup %s", display);
	req = vswap_request_new(VSWAP_COMMAND_EXPLAIN);
	json_object_object_add(req, VSWAP_KEY_CGROUP, json_object_new_string(display));
	r = vswapctl_request(opts, req, &reply);
	if (r < 0)
		return r;
	print_begin(opts->json, stdout);
	print_explain(reply);
	json_object_put(reply);
	return print_end();
}

int verb_reload(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct json_object *reply = NULL;
	int r = vswapctl_request(opts, vswap_request_new(VSWAP_COMMAND_RELOAD), &reply);

	if (r < 0)
		return r;
	json_object_put(reply);
	print_begin(opts->json, stdout);
	print_bool("reloaded", "vswapd reloaded its configuration\n", true);
	return print_end();
}

int verb_metrics(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct json_object *reply = NULL;
	int r = vswapctl_request(opts, vswap_request_new(VSWAP_COMMAND_METRICS), &reply);

	if (r < 0)
		return r;
	print_begin(opts->json, stdout);
	/* The metrics are text themselves: printed as they came for a program, with control
	 * characters (a cgroup's name may hold them) made inert for a terminal. */
	const char *text = strna(get_str(reply, "text"));
	if (print_is_json())
		print_string("text", NULL, text);
	else if (isatty(STDOUT_FILENO))
		for (const char *l = text, *e; *l; l = *e ? e + 1 : e) {
			e = l + strcspn(l, "\n");
			_cleanup_free_ char *line = strndup(l, (size_t)(e - l));
			print_string(NULL, "%s\n", line);
		}
	else
		print_text("%s", text);
	json_object_put(reply);
	return print_end();
}

static void print_managed(struct json_object *mc)
{
	struct json_object *acts = get(mc, "actions");

	print_open_object(NULL);
	print_string("cgroup", "  %-40s", get_str(mc, "cgroup"));
	print_string("policy", " %s", get_str(mc, "policy"));
	print_string("policy_chosen_by", " (%s)", get_str(mc, "policy_chosen_by"));
	print_string("override", NULL, get_str(mc, "override"));
	print_uint("samples", ", %s samples", json_object_get_uint64(get(mc, "samples")));
	print_uint("failures", ", %s failures\n", json_object_get_uint64(get(mc, "failures")));
	print_uint("pressure_events", NULL, json_object_get_uint64(get(mc, "pressure_events")));
	print_bool("pressure_trigger", NULL, json_object_get_boolean(get(mc, "pressure_trigger")));
	print_double("sample_period_s", NULL, json_object_get_double(get(mc, "sample_period_s")));
	print_double("sample_period_max_s", NULL,
		     json_object_get_double(get(mc, "sample_period_max_s")));
	print_json_value("vswap_max_pinned_bytes",
			 json_object_get(get(mc, "vswap_max_pinned_bytes")));
	print_json_value("vswap_max_pinned_unlimited",
			 json_object_get(get(mc, "vswap_max_pinned_unlimited")));
	print_json_value("actions", json_object_get(acts));
	print_close_object();
}

static void print_daemon(struct json_object *reply)
{
	struct json_object *list = get(reply, "managed");
	struct json_object *pols = get(reply, "policies");

	print_string("mode", "mode %s", get_str(reply, "mode"));
	print_bool("dry_run", NULL, json_object_get_boolean(get(reply, "dry_run")));
	print_text("%s", json_object_get_boolean(get(reply, "dry_run")) ? " (dry run)" : "");
	print_text(", %zu managed cgroups", json_object_array_length(list));
	print_bool("pressure_triggers", ", pressure triggers %s\n",
		   json_object_get_boolean(get(reply, "pressure_triggers")));
	print_string("last_reload_error", "last reload failed: %s\n",
		     get_str(reply, "last_reload_error"));
	print_open_array("policies");
	for (size_t i = 0; i < json_object_array_length(pols); i++)
		print_string(NULL, i ? ", %s" : "policies: %s",
			     json_object_get_string(json_object_array_get_idx(pols, i)));
	print_text("%s", json_object_array_length(pols) ? "\n" : "policies: none\n");
	print_close_array();
	print_open_array("managed");
	for (size_t i = 0; i < json_object_array_length(list); i++)
		print_managed(json_object_array_get_idx(list, i));
	print_close_array();
}

int verb_daemon(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct json_object *reply = NULL;
	int r = vswapctl_request(opts, vswap_request_new(VSWAP_COMMAND_STATUS), &reply);

	if (r < 0)
		return r;
	print_begin(opts->json, stdout);
	print_daemon(reply);
	json_object_put(reply);
	return print_end();
}
