/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "managed.h"

#include "cgroup.h"
#include "util.h"

int managed_new(const char *path, struct managed **ret)
{
	struct managed *mc = calloc(1, sizeof(*mc));

	if (!mc)
		return -ENOMEM;
	mc->sched.psi_fd = -1;
	due_entry_init(&mc->sched.due);
	engine_state_init(&mc->engine);
	mc->display = vswap_cgroup_display(path);
	if (!mc->display) {
		managed_free(mc);
		return -ENOMEM;
	}
	mc->path = mc->display + 1;
	*ret = mc;
	return 0;
}

struct managed *managed_free(struct managed *mc)
{
	if (!mc)
		return NULL;
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

const struct vswap_policy *managed_policy(const struct managed *mc,
					  const struct vswap_policy_set *set)
{
	const struct vswap_policy *p =
	    mc->override ? vswap_policy_set_find(set, mc->override) : NULL;

	return p ? p : mc->policy ? vswap_policy_set_find(set, mc->policy) : NULL;
}

/* Replace *dst by a copy of s (NULL clears). */
static int set_string(char **dst, const char *s)
{
	char *d = NULL;

	if (s && !(d = strdup(s)))
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

/* Whether two policy names (NULL: none) differ. */
static bool other_name(const char *a, const char *b)
{
	return a != b && (!a || !b || !streq(a, b));
}

int managed_set_policy(struct managed *mc, const char *policy, const char *chosen_by)
{
	if (other_name(mc->policy, policy))
		mc->policy_samples = 0;
	int r = set_string(&mc->policy, policy);

	return r < 0 ? r : set_string(&mc->chosen_by, chosen_by);
}

const char *managed_chosen_by(const struct managed *mc, const struct vswap_policy_set *set)
{
	if (mc->override && vswap_policy_set_find(set, mc->override))
		return "override";
	return mc->chosen_by ? mc->chosen_by : "";
}

int managed_set_override(struct managed *mc, const char *name)
{
	if (other_name(mc->override, name))
		mc->policy_samples = 0;
	int r = set_string(&mc->override, name);

	if (r == 0 && !name)
		mc->pinned_vswap_max.set = false;
	return r;
}

void managed_pin_vswap_max(struct managed *mc, uint64_t bytes)
{
	mc->pinned_vswap_max = (struct vswap_opt_size){
	    .set = true,
	    .size = bytes == UINT64_MAX
			? (struct vswap_size){.kind = VSWAP_SIZE_MAX}
			: (struct vswap_size){.kind = VSWAP_SIZE_BYTES, .bytes = bytes}};
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

void managed_explain_push(struct managed *mc, char *json_text)
{
	if (!mc->explain)
		mc->explain = calloc(EXPLAIN_DEPTH, sizeof(*mc->explain));
	if (!mc->explain) {
		free(json_text);
		return;
	}
	free(mc->explain[mc->explain_next]);
	mc->explain[mc->explain_next] = json_text;
	mc->explain_next = (mc->explain_next + 1) % EXPLAIN_DEPTH;
}

const char *managed_explain_at(const struct managed *mc, size_t i)
{
	if (!mc->explain || i >= EXPLAIN_DEPTH)
		return NULL;
	return mc->explain[(mc->explain_next + i) % EXPLAIN_DEPTH];
}
