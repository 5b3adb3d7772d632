/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "commands.h"

#include <json-c/printbuf.h>

#include "actuator.h"
#include "cgroup.h"
#include "knob.h"
#include "log.h"
#include "metrics.h"
#include "protocol.h"
#include "taskstats.h"
#include "text.h"
#include "util.h"

/*
 * The string at key, or NULL. A "\u0000" in it is refused rather than read as the end:
 * {"command": "status\u0000x"} is not status, nor is "/a\u0000/../.." the cgroup /a.
 */
static const char *get_string(struct json_object *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	const char *s = json_object_get_string(v);
	return strlen(s) == (size_t)json_object_get_string_len(v) ? s : NULL;
}

/* A string from outside (a cgroup's name may hold any byte) as valid UTF-8; NULL: null. */
static struct json_object *json_name(const char *s)
{
	_cleanup_free_ char *valid = s ? vswap_utf8_valid(s) : NULL;

	return valid ? json_object_new_string(valid) : NULL;
}

static struct json_object *managed_json(const struct daemon_state *st, const struct managed *mc)
{
	struct json_object *o = json_object_new_object();
	struct json_object *acts = json_object_new_object();
	const struct vswap_policy *p = managed_policy(mc, st->policies);

	json_object_object_add(o, "cgroup", json_name(mc->display));
	json_object_object_add(o, "policy", p ? json_object_new_string(p->name) : NULL);
	json_object_object_add(o, "policy_chosen_by",
			       json_object_new_string(managed_chosen_by(mc, st->policies)));
	json_object_object_add(o, "override",
			       mc->override ? json_object_new_string(mc->override) : NULL);
	bool pinned = mc->pinned_vswap_max.set;
	bool unlimited = pinned && mc->pinned_vswap_max.size.kind == VSWAP_SIZE_MAX;
	json_object_object_add(
	    o, "vswap_max_pinned_bytes",
	    pinned && !unlimited ? json_object_new_uint64(mc->pinned_vswap_max.size.bytes) : NULL);
	json_object_object_add(o, "vswap_max_pinned_unlimited",
			       pinned ? json_object_new_boolean(unlimited) : NULL);
	json_object_object_add(o, "samples", json_object_new_uint64(mc->samples));
	json_object_object_add(o, "policy_samples", json_object_new_uint64(mc->policy_samples));
	json_object_object_add(o, "pressure_events", json_object_new_uint64(mc->sched.psi_events));
	json_object_object_add(o, "failures", json_object_new_uint64(mc->failures));
	json_object_object_add(o, "pressure_trigger",
			       json_object_new_boolean(mc->sched.psi_fd >= 0));
	json_object_object_add(o, "sample_period_s", json_object_new_double(mc->sched.period_s));
	json_object_object_add(o, "sample_period_max_s",
			       json_object_new_double(mc->sched.period_max_s));
	for (int k = 0; k < _ACTION_KIND_COUNT; k++)
		json_object_object_add(acts, action_kind_name(k),
				       json_object_new_uint64(managed_actions(mc, k)));
	json_object_object_add(o, "actions", acts);
	return o;
}

/*
 * The serializer of status's "managed" array: one cgroup's object at a time, made, written
 * and freed. Built whole, the objects of 1000 cgroups took 3.9 MiB of heap for a reply of
 * 0.5 MB of text (peak RSS 4.9 -> 8.8 MiB, bench/idle-cost).
 */
static int managed_list_to_json(struct json_object *list, struct printbuf *pb, int level, int flags)
{
	const struct daemon_state *st = json_object_get_userdata(list);

	if (printbuf_strappend(pb, "[") < 0)
		return -1;
	for (size_t i = 0; i < st->managed.n; i++) {
		struct json_object *o = managed_json(st, st->managed.v[i]);
		const char *text = NULL;
		size_t len = 0;
		int r = -1;

		if (o)
			text = json_object_to_json_string_length(o, flags, &len);
		if (text && (i == 0 || printbuf_strappend(pb, ",") >= 0))
			r = printbuf_memappend(pb, text, (int)len);
		json_object_put(o);
		if (r < 0)
			return -1;
	}
	return printbuf_strappend(pb, "]") < 0 ? -1 : 0;
}

static struct json_object *cmd_status(struct commands *c, struct json_object *req, uid_t uid)
{
	struct daemon_state *st = c->state;
	struct json_object *o = vswap_reply_new_ok();
	struct json_object *list = json_object_new_array();
	struct json_object *pols = json_object_new_array();

	json_object_object_add(o, "mode",
			       json_object_new_string(vswap_kernel_mode_name(st->caps.mode)));
	json_object_object_add(o, "dry_run", json_object_new_boolean(st->conf.dry_run));
	json_object_object_add(o, "pressure_triggers",
			       json_object_new_boolean(scheduler_pressure_triggers(st->scheduler)));
	for (size_t i = 0; i < st->policies->n; i++)
		json_object_array_add(pols,
				      json_object_new_string(st->policies->policies[i]->name));
	json_object_object_add(o, "policies", pols);
	json_object_object_add(o, "last_reload_error",
			       st->last_reload_error ? json_object_new_string(st->last_reload_error)
						     : NULL);
	/* Serialized in the same turn of the event loop, while the managed set stays as it is. */
	json_object_set_serializer(list, managed_list_to_json, st, NULL);
	json_object_object_add(o, "managed", list);
	return o;
}

/* The managed cgroup a request names in "cgroup" (any form vswapctl accepts). */
static struct managed *target(struct commands *c, struct json_object *req, struct json_object **err)
{
	const char *cg = get_string(req, VSWAP_KEY_CGROUP);
	_cleanup_free_ char *rel = NULL, *display = NULL;

	if (!cg || vswap_cgroup_normalize(c->state->ctx, cg, &rel) < 0 ||
	    !(display = vswap_cgroup_display(rel))) {
		*err = vswap_reply_new_error(VSWAP_ERROR_BAD_REQUEST,
					     "\"cgroup\": expected a cgroup path");
		return NULL;
	}
	struct managed *mc = registry_find(&c->state->managed, display);
	_cleanup_free_ char *name = mc ? NULL : vswap_utf8_valid(display);
	if (!mc)
		*err = vswap_reply_new_error(VSWAP_ERROR_NOT_MANAGED,
					     "%s is not managed (no policy applies to it)",
					     strna(name));
	return mc;
}

/*
 * The tasks of the cgroup waiting most on swap-in and thrashing, from taskstats: for root
 * only. The kernel gives per-task delays only to CAP_NET_ADMIN, and pids, commands and delays
 * of other users' tasks are not every local user's to read (nor is a netlink round trip per
 * task theirs to cause).
 */
static struct json_object *tasks_json(const struct daemon_state *st, const struct managed *mc,
				      uid_t peer_uid)
{
	_cleanup_free_ char *procs = NULL;
	struct taskstats_top top = {};
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();

	if (peer_uid != 0)
		top.unavailable = "task details are for root only";
	else if (vswap_cgroup_read(st->ctx, mc->path, "cgroup.procs", &procs, NULL) == 0)
		taskstats_top(procs, &top);
	for (size_t i = 0; i < top.n; i++) {
		struct json_object *t = json_object_new_object();
		json_object_object_add(t, "pid", json_object_new_int(top.tasks[i].pid));
		json_object_object_add(t, "comm", json_name(top.tasks[i].comm));
		json_object_object_add(t, "swapin_delay_ns",
				       json_object_new_uint64(top.tasks[i].swapin_delay_ns));
		json_object_object_add(t, "thrashing_delay_ns",
				       json_object_new_uint64(top.tasks[i].thrashing_delay_ns));
		json_object_array_add(list, t);
	}
	json_object_object_add(o, "top", list);
	json_object_object_add(o, "unavailable",
			       top.unavailable ? json_object_new_string(top.unavailable) : NULL);
	return o;
}

static struct json_object *cmd_explain(struct commands *c, struct json_object *req, uid_t uid)
{
	struct json_object *err = NULL;
	struct managed *mc = target(c, req, &err);

	if (!mc)
		return err;
	struct json_object *o = managed_json(c->state, mc);
	struct json_object *list = json_object_new_array();
	json_object_object_add(o, VSWAP_KEY_OK, json_object_new_boolean(true));
	for (size_t i = 0; i < EXPLAIN_DEPTH; i++) {
		const char *e = managed_explain_at(mc, i);
		if (e)
			json_object_array_add(list, json_tokener_parse(e));
	}
	json_object_object_add(o, "decisions", list);
	json_object_object_add(o, "tasks", tasks_json(c->state, mc, uid));
	return o;
}

static struct json_object *cmd_reload(struct commands *c, struct json_object *req, uid_t uid)
{
	if (c->reload(c->userdata) < 0)
		return vswap_reply_new_error(VSWAP_ERROR_CONFIG, "policies not reloaded: %s",
					     strna(c->state->last_reload_error));
	return vswap_reply_new_ok();
}

static struct json_object *cmd_metrics(struct commands *c, struct json_object *req, uid_t uid)
{
	_cleanup_free_ char *text = metrics_render(c->state, METRICS_OPENMETRICS);
	struct json_object *o = text ? vswap_reply_new_ok()
				     : vswap_reply_new_error(VSWAP_ERROR_INTERNAL, "out of memory");

	if (text)
		json_object_object_add(o, "text", json_object_new_string(text));
	return o;
}

static struct json_object *cmd_override(struct commands *c, struct json_object *req, uid_t uid)
{
	struct json_object *err = NULL;
	struct managed *mc = target(c, req, &err);
	const char *policy = get_string(req, VSWAP_KEY_POLICY);

	if (!mc)
		return err;
	if (!policy || !vswap_policy_set_find(c->state->policies, policy)) {
		const char *guess =
		    policy ? vswap_policy_set_suggest(c->state->policies, policy) : NULL;
		return vswap_reply_new_error(VSWAP_ERROR_NO_SUCH_POLICY,
					     "\"policy\": no policy named %s%s%s%s", strna(policy),
					     guess ? " (did you mean " : "", guess ? guess : "",
					     guess ? "?)" : "");
	}
	if (managed_set_override(mc, policy) < 0)
		return vswap_reply_new_error(VSWAP_ERROR_INTERNAL, "out of memory");
	log_notice("%s: runtime override: policy %s", mc->display, policy);
	scheduler_evaluate_now(c->state->scheduler, mc, "override");
	return vswap_reply_new_ok();
}

static struct json_object *cmd_clear_override(struct commands *c, struct json_object *req,
					      uid_t uid)
{
	struct json_object *err = NULL;
	struct managed *mc = target(c, req, &err);

	if (!mc)
		return err;
	(void)managed_set_override(mc, NULL);
	log_notice("%s: runtime override cleared", mc->display);
	scheduler_evaluate_now(c->state->scheduler, mc, "override");
	return vswap_reply_new_ok();
}

/* "bytes": a positive integer, or "max" where a limit is set. */
static int manual_bytes(struct json_object *req, enum action_kind kind, uint64_t *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, VSWAP_KEY_BYTES, &v))
		return -EINVAL;
	if (kind == ACTION_SET_VSWAP_MAX && json_object_is_type(v, json_type_string) &&
	    streq(json_object_get_string(v), "max")) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0)
		return -EINVAL;
	*ret = (uint64_t)json_object_get_int64(v);
	return 0;
}

/*
 * writeback / set-max: one action now, through the path a tick's actions take. A cap set by
 * hand stays (pinned) until the next reload or clear-override instead of being undone by
 * the policy at the next tick.
 */
static struct json_object *cmd_manual(struct commands *c, struct json_object *req,
				      enum action_kind kind)
{
	struct daemon_state *st = c->state;
	struct json_object *err = NULL;
	struct managed *mc = target(c, req, &err);
	struct action a = {.kind = kind};

	if (!mc)
		return err;
	if (manual_bytes(req, kind, &a.value) < 0)
		return vswap_reply_new_error(VSWAP_ERROR_BAD_REQUEST,
					     "\"bytes\": expected a positive integer%s",
					     kind == ACTION_SET_VSWAP_MAX ? " or \"max\"" : "");
	snprintf(a.reason, sizeof(a.reason), "requested on the control socket");
	/* A dry run says what would happen: not on a kernel without the file. */
	if (vswap_cgroup_has(st->ctx, mc->path, actuator_knob(kind)) <= 0)
		return vswap_reply_new_error(VSWAP_ERROR_KNOB,
					     "%s: this kernel has no such file (see vswapctl "
					     "capabilities)",
					     actuator_knob(kind));
	struct evaluate_env env = daemon_env(st);
	int r = evaluate_manual(&env, mc, &a, daemon_now(st), "request");
	if (r < 0)
		return vswap_reply_new_error(VSWAP_ERROR_KNOB, "%s: %s", actuator_knob(kind),
					     vswap_knob_strerror(actuator_knob(kind), r));
	if (kind == ACTION_SET_VSWAP_MAX && !st->conf.dry_run) /* a dry run changes nothing */
		managed_pin_vswap_max(mc, a.value);
	struct json_object *o = vswap_reply_new_ok();
	/* What became of it: a dry run writes nothing; a writeback may free less than asked. */
	json_object_object_add(o, "result",
			       json_object_new_string(st->conf.dry_run ? "dry_run"
						      : r == 1	       ? "partial"
								       : "done"));
	return o;
}

static struct json_object *cmd_writeback(struct commands *c, struct json_object *req, uid_t uid)
{
	return cmd_manual(c, req, ACTION_WRITEBACK);
}

static struct json_object *cmd_set_max(struct commands *c, struct json_object *req, uid_t uid)
{
	return cmd_manual(c, req, ACTION_SET_VSWAP_MAX);
}

static struct json_object *(*const handlers[_VSWAP_COMMAND_COUNT])(struct commands *c,
								   struct json_object *req,
								   uid_t uid) = {
    [VSWAP_COMMAND_STATUS] = cmd_status,       [VSWAP_COMMAND_EXPLAIN] = cmd_explain,
    [VSWAP_COMMAND_METRICS] = cmd_metrics,     [VSWAP_COMMAND_RELOAD] = cmd_reload,
    [VSWAP_COMMAND_OVERRIDE] = cmd_override,   [VSWAP_COMMAND_CLEAR_OVERRIDE] = cmd_clear_override,
    [VSWAP_COMMAND_WRITEBACK] = cmd_writeback, [VSWAP_COMMAND_SET_MAX] = cmd_set_max,
};

struct json_object *commands_handle(struct commands *c, struct json_object *req, uid_t peer_uid)
{
	const char *name =
	    json_object_is_type(req, json_type_object) ? get_string(req, VSWAP_KEY_COMMAND) : NULL;

	if (!name)
		return vswap_reply_new_error(VSWAP_ERROR_BAD_REQUEST,
					     "expected a JSON object with a \"command\"");
	int cmd = vswap_command_from_name(name);
	if (cmd < 0)
		return vswap_reply_new_error(VSWAP_ERROR_UNKNOWN_COMMAND, "unknown command \"%s\"",
					     name);
	if (vswap_command_privileged(cmd) && peer_uid != 0)
		return vswap_reply_new_error(VSWAP_ERROR_PERMISSION,
					     "%s: permission denied (root only)", name);
	return handlers[cmd](c, req, peer_uid);
}

int commands_parse_request(const char *buf, size_t len, struct json_object **ret_req,
			   enum json_tokener_error *ret_jerr)
{
	if (len > VSWAP_CONTROL_MAX_REQUEST)
		return -EMSGSIZE;
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	struct json_object *req = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	/* A number or literal may run to the end of the text: the NUL that ends it finishes
	 * it, as for a NUL-terminated string ("5" is 5, "nul" is cut short). */
	if (!req && jerr == json_tokener_continue) {
		req = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(req);
		*ret_jerr = jerr;
		return -EBADMSG;
	}
	*ret_req = req;
	return 0;
}

struct json_object *commands_request(struct commands *c, const char *buf, size_t len,
				     uid_t peer_uid)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *req = NULL;
	int r = commands_parse_request(buf, len, &req, &jerr);

	if (r == -EMSGSIZE)
		return vswap_reply_new_error(VSWAP_ERROR_BAD_REQUEST,
					     "request larger than %d bytes",
					     VSWAP_CONTROL_MAX_REQUEST);
	if (r == -EBADMSG)
		return vswap_reply_new_error(VSWAP_ERROR_BAD_REQUEST, "malformed JSON: %s",
					     json_tokener_error_desc(jerr));
	if (r < 0)
		return vswap_reply_new_error(VSWAP_ERROR_INTERNAL, "cannot parse the request: %s",
					     strerror(-r));
	struct json_object *reply = commands_handle(c, req, peer_uid);
	json_object_put(req);
	return reply;
}
