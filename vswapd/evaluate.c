/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "evaluate.h"

#include <json-c/json.h>
#include <time.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

/* The decision as explain shows it: inputs (NULL for an action asked for by hand), actions
 * with their results, notes. */
static char *explain_text(const struct evaluate_env *env, const char *policy,
			  const struct signals *s, const struct decision *d, const int *results,
			  double now_s, const char *why)
{
	struct json_object *o = json_object_new_object();
	struct json_object *acts = json_object_new_array();
	struct json_object *notes = json_object_new_array();

	/* Wall clock: what an operator compares with the journal and other hosts. */
	json_object_object_add(o, "time_unix_s", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "trigger", json_object_new_string(why));
	json_object_object_add(o, "policy", json_object_new_string(policy));
	json_object_object_add(o, "inputs", s ? signals_to_json(s) : NULL);
	for (size_t i = 0; i < d->n_actions; i++) {
		struct json_object *a = json_object_new_object();
		json_object_object_add(
		    a, "action", json_object_new_string(action_kind_name(d->actions[i].kind)));
		/* Limits may be "max" (UINT64_MAX): null with value_unlimited, as vswapctl
		 * prints limits; memory.zswap.writeback is a 0/1 switch, not bytes. */
		uint64_t v = d->actions[i].value;
		bool is_bool = d->actions[i].kind == ACTION_SET_ZSWAP_WRITEBACK;
		json_object_object_add(a, "value",
				       v == UINT64_MAX ? NULL : json_object_new_uint64(v));
		json_object_object_add(a, "value_unlimited",
				       json_object_new_boolean(v == UINT64_MAX));
		json_object_object_add(a, "unit",
				       json_object_new_string(is_bool ? "boolean" : "bytes"));
		json_object_object_add(a, "reason", json_object_new_string(d->actions[i].reason));
		/* A dry run says what it would have done, never that it did it. */
		json_object_object_add(a, "result",
				       json_object_new_string(env->dry_run ? "dry_run"
							      : results[i] < 0
								  ? strerror(-results[i])
							      : results[i] == 1 ? "partial"
										: "ok"));
		json_object_array_add(acts, a);
	}
	for (size_t i = 0; i < d->n_notes; i++)
		json_object_array_add(notes, json_object_new_string(d->notes[i]));
	json_object_object_add(o, "actions", acts);
	json_object_object_add(o, "notes", notes);
	char *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* The bookkeeping of one carried-out action. false: the cgroup went away meanwhile. */
static bool record_action(const struct evaluate_env *env, struct managed *mc,
			  const struct vswap_policy *p, const struct action *a, int r)
{
	if (r == -ENOENT && vswap_cgroup_has(env->ctx, mc->path, "memory.current") <= 0)
		return false; /* removed between sampling and writing: normal, nothing to report */
	if (r >= 0 && !env->dry_run)
		managed_count_action(mc, a);
	else if (r < 0)
		mc->failures++;
	log_action(&(struct log_action){.cgroup = mc->display,
					.policy = p->name,
					.action = action_kind_name(a->kind),
					.bytes = a->value,
					.reason = a->reason,
					.dry_run = env->dry_run,
					.err = r < 0 ? r : 0});
	return true;
}

static void log_notes(const struct managed *mc, const struct decision *d, double now_s)
{
	for (size_t i = 0; i < d->n_notes; i++) {
		char key[256];
		snprintf(key, sizeof(key), "%s:%s", mc->path, d->notes[i]);
		if (log_ratelimit(key, now_s, 300))
			log_info("%s: %s", mc->display, d->notes[i]);
	}
}

/*
 * Act on a decision and keep its record: results[i] gets each action's result. Returns 0, or
 * -ENOENT when the cgroup went away meanwhile.
 */
static int act(const struct evaluate_env *env, struct managed *mc, const struct vswap_policy *p,
	       const struct signals *s, const struct decision *d, double now_s, const char *why,
	       int *results)
{
	bool done[ENGINE_MAX_ACTIONS] = {};
	bool gone = false;
	/* A dry run writes nothing, so it keeps nothing: no memory for the knobs. */
	struct knob_memory *knobs = env->dry_run || !d->n_actions ? NULL : managed_knobs(mc);

	actuator_run(env->ctx, mc->path, d, env->dry_run, knobs, results);
	for (size_t i = 0; i < d->n_actions; i++) {
		done[i] = results[i] >= 0 && !env->dry_run;
		gone |= !record_action(env, mc, p, &d->actions[i], results[i]);
	}
	log_notes(mc, d, now_s);
	engine_update(&mc->engine, d, done, now_s);
	if (d->n_actions || d->n_notes)
		managed_explain_push(mc, explain_text(env, p->name, s, d, results, now_s, why));
	return gone ? -ENOENT : 0;
}

/* The policy in force, with a cap set by hand in place of its own (shallow: shares the
 * policy's strings, read only). */
static const struct vswap_policy *effective_policy(const struct evaluate_env *env,
						   const struct managed *mc,
						   struct vswap_policy *pinned)
{
	const struct vswap_policy *p = managed_policy(mc, env->policies);

	if (!p || !mc->pinned_vswap_max.set)
		return p;
	*pinned = *p;
	pinned->vswap_max = mc->pinned_vswap_max;
	return pinned;
}

static int sample(const struct evaluate_env *env, struct managed *mc, double now_s,
		  struct vswap_sample *ret)
{
	struct vswap_parse_error perr = {};
	const char *file = NULL;
	int r = vswap_sample_read(env->ctx, mc->path, ret, &file, &perr);

	if (r < 0 && r != -ENOENT) {
		char key[256];
		snprintf(key, sizeof(key), "sample:%s", mc->path);
		if (log_ratelimit(key, now_s, 300))
			log_warning_errno(r, "%s: cannot read %s (%u:%u %s), skipping", mc->display,
					  strna(file), perr.line, perr.column, perr.what);
	}
	return r;
}

int evaluate_cgroup(const struct evaluate_env *env, struct managed *mc, double now_s,
		    const char *why)
{
	struct vswap_policy pinned;
	const struct vswap_policy *p = effective_policy(env, mc, &pinned);
	struct vswap_sample cur;
	struct signals s;
	struct decision d;
	int results[ENGINE_MAX_ACTIONS];

	if (!p)
		return -ENOKEY;
	int r = sample(env, mc, now_s, &cur);
	if (r < 0)
		return r;
	mc->samples++;
	signals_from_samples(&cur, &mc->memo, now_s, &s);
	engine_decide(p, env->caps, &s, &mc->engine, &d);
	r = act(env, mc, p, &s, &d, now_s, why, results);
	bool changed = sample_memo_take(&mc->memo, &cur, now_s);
	if (r < 0)
		return r;
	mc->policy_samples++; /* after act(): its knobs are written (or refused, counted) */
	return changed || d.n_actions > 0;
}

int evaluate_manual(const struct evaluate_env *env, struct managed *mc, const struct action *a,
		    double now_s, const char *why)
{
	struct vswap_policy pinned;
	const struct vswap_policy *p = effective_policy(env, mc, &pinned);
	struct decision d;
	int results[ENGINE_MAX_ACTIONS];

	if (!p)
		return -ENOKEY;
	engine_manual_decision(&mc->engine, a, &d);
	int r = act(env, mc, p, NULL, &d, now_s, why, results);
	return r < 0 ? r : results[0];
}
