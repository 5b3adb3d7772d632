/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "policyset.h"

#include "confdirs.h"
#include "text.h"
#include "util.h"

static int load_one(const struct vswap_ctx *ctx, const struct vswap_conf_file *f,
		    struct vswap_policy **ret, struct vswap_policy_load_errors *errs)
{
	_cleanup_free_ char *text = NULL;
	struct vswap_policy_errors perrs;
	char name[sizeof(f->name)];
	size_t len;
	int r = vswap_read_root(ctx, f->path + 1, &text, &len);

	if (r < 0) {
		vswap_policy_load_error_add(errs, f->path, NULL, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(strlen(f->name) - 5), f->name);
	r = vswap_policy_parse_all(text, len, name, f->path, ret, &perrs);
	for (size_t i = 0; r == -EBADMSG && i < perrs.n && i < ELEMENTSOF(perrs.e); i++)
		vswap_policy_load_error_add(errs, f->path, &perrs.e[i], NULL);
	return r == -EBADMSG ? 0 : r;
}

/* At most one policy without "match": two defaults would be a coin toss. */
static void check_defaults(const struct vswap_policy_set *set,
			   struct vswap_policy_load_errors *errs)
{
	const struct vswap_policy *first = NULL;

	for (size_t i = 0; i < set->n; i++) {
		if (set->policies[i]->match_kind != VSWAP_MATCH_DEFAULT)
			continue;
		if (first) {
			char what[160];
			snprintf(what, sizeof(what),
				 "a second default policy (no \"match\"): %s is one",
				 first->source);
			vswap_policy_load_error_add(errs, set->policies[i]->source, NULL, what);
		}
		first = first ? first : set->policies[i];
	}
}

/* Every attachment names a policy that exists (and is not masked). */
static void check_attachments(const struct vswap_policy_set *set,
			      struct vswap_policy_load_errors *errs)
{
	for (size_t i = 0; i < set->attachments.n; i++) {
		const struct vswap_attachment *a = &set->attachments.a[i];
		if (vswap_policy_set_find(set, a->policy))
			continue;
		struct vswap_policy_error e = {.line = a->line, .column = a->column};
		snprintf(e.field, sizeof(e.field), "Policy");
		snprintf(e.what, sizeof(e.what),
			 "no policy named \"%s\" (see vswapctl list-policies)", a->policy);
		vswap_policy_load_error_add(errs, a->source, &e, NULL);
	}
}

int vswap_policy_set_load(const struct vswap_ctx *ctx, struct vswap_policy_set **ret,
			  struct vswap_policy_load_errors *errs)
{
	struct vswap_conf_files fs = {};
	struct vswap_policy_set *set = calloc(1, sizeof(*set));
	int r = set ? 0 : -ENOMEM;

	*errs = (struct vswap_policy_load_errors){};
	if (r == 0)
		r = vswap_conf_files_list(ctx, vswap_policy_dirs, VSWAP_LAYER_COUNT, ".json", &fs);
	if (r == 0 && fs.n > 0) {
		set->policies = calloc(fs.n, sizeof(*set->policies));
		r = set->policies ? 0 : -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < fs.n; i++) {
		struct vswap_policy *p = NULL;
		if (fs.f[i].masked)
			continue;
		r = load_one(ctx, &fs.f[i], &p, errs);
		if (p)
			set->policies[set->n++] = p;
	}
	vswap_conf_files_clear(&fs);
	if (r == 0)
		check_defaults(set, errs);
	if (r == 0)
		r = vswap_attachments_load(ctx, &set->attachments, errs);
	if (r == 0)
		check_attachments(set, errs);
	if (r == 0 && errs->n > 0)
		r = -EBADMSG;
	if (r < 0) {
		vswap_policy_set_free(set);
		return r;
	}
	*ret = set;
	return 0;
}

struct vswap_policy_set *vswap_policy_set_free(struct vswap_policy_set *set)
{
	if (!set)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		vswap_policy_free(set->policies[i]);
	free(set->policies);
	vswap_attachments_clear(&set->attachments);
	free(set);
	return NULL;
}

/* The attachment deciding for cgroup: its own, else one of the unit that owns it. */
static const struct vswap_attachment *attachment_for(const struct vswap_policy_set *set,
						     const char *cgroup,
						     vswap_unit_resolver_t resolve, void *userdata)
{
	const struct vswap_attachments *as = &set->attachments;
	const struct vswap_attachment *a = vswap_attachments_find(as, VSWAP_ATTACH_CGROUP, cgroup);

	for (size_t i = 0; !a && resolve && i < as->n; i++) {
		const char *resolved = NULL;
		if (as->a[i].kind == VSWAP_ATTACH_UNIT)
			resolved = resolve(as->a[i].target, userdata);
		if (resolved && streq(resolved, cgroup))
			a = &as->a[i];
	}
	return a;
}

const struct vswap_policy *vswap_policy_set_match(const struct vswap_policy_set *set,
						  const char *cgroup, vswap_unit_resolver_t resolve,
						  void *userdata,
						  const struct vswap_attachment **ret_by)
{
	const struct vswap_attachment *by = attachment_for(set, cgroup, resolve, userdata);
	const struct vswap_policy *best = NULL;
	int best_score = -1;

	if (ret_by)
		*ret_by = by;
	if (by)
		return vswap_policy_set_find(set, by->policy);
	for (size_t i = 0; i < set->n; i++) {
		const struct vswap_policy *p = set->policies[i];
		const char *resolved = NULL;
		if ((p->match_kind == VSWAP_MATCH_UNIT || p->match_kind == VSWAP_MATCH_SLICE) &&
		    resolve)
			resolved = resolve(p->match, userdata);
		int score = vswap_policy_match(p, cgroup, resolved);
		if (score > best_score) {
			best = p;
			best_score = score;
		}
	}
	return best;
}

const struct vswap_policy *vswap_policy_set_find(const struct vswap_policy_set *set,
						 const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (streq(set->policies[i]->name, name))
			return set->policies[i];
	return NULL;
}

const char *vswap_policy_set_suggest(const struct vswap_policy_set *set, const char *name)
{
	const char *names[64];
	size_t n = 0;

	for (size_t i = 0; i < set->n && n < ELEMENTSOF(names); i++)
		names[n++] = set->policies[i]->name;
	return vswap_closest(name, names, n);
}
