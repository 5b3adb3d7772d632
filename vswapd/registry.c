/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "registry.h"

#include "cgroup.h"
#include "util.h"

void registry_init(struct registry *reg, const struct vswap_ctx *ctx,
		   const struct registry_hooks *hooks, vswap_unit_resolver_t resolve,
		   void *resolve_userdata)
{
	*reg = (struct registry){
	    .ctx = ctx, .hooks = *hooks, .resolve = resolve, .resolve_userdata = resolve_userdata};
}

static void drop(struct registry *reg, struct managed *mc)
{
	reg->hooks.removing(mc, reg->hooks.userdata);
	managed_free(mc);
}

void registry_clear(struct registry *reg)
{
	for (size_t i = 0; i < reg->n; i++)
		drop(reg, reg->v[i]);
	reg->v = mfree(reg->v);
	reg->n = 0;
}

/* The set a walk builds. */
struct scan {
	struct registry *reg;
	const struct vswap_policy_set *set;
	struct managed **next;
	size_t n, cap;
};

static int scan_push(struct scan *sc, struct managed *mc)
{
	if (sc->n == sc->cap) {
		size_t ncap = sc->cap ? sc->cap * 2 : 16;
		struct managed **nn = reallocarray(sc->next, ncap, sizeof(*nn));
		if (!nn) {
			drop(sc->reg, mc);
			return -ENOMEM;
		}
		sc->next = nn;
		sc->cap = ncap;
	}
	sc->next[sc->n++] = mc;
	return 0;
}

/* The record of path from the old set, taken out of it; NULL: none. */
static struct managed *take_existing(struct registry *reg, const char *path)
{
	for (size_t i = 0; i < reg->n; i++)
		if (reg->v[i] && streq(reg->v[i]->path, path))
			return TAKE_PTR(reg->v[i]);
	return NULL;
}

/* mc (may be NULL) with policy p (may be NULL) chosen by by: into the new set, or out. */
static int place(struct scan *sc, const char *path, struct managed *mc,
		 const struct vswap_policy *p, const struct vswap_attachment *by)
{
	struct registry *reg = sc->reg;
	bool overridden = mc && mc->override && vswap_policy_set_find(sc->set, mc->override);

	if (!p && !overridden) {
		if (mc) {
			reg->hooks.unmanaged(mc, reg->hooks.userdata);
			drop(reg, mc);
		}
		return 0;
	}
	bool added = !mc;
	int r = mc ? 0 : managed_new(path, &mc);
	if (r == 0)
		r = managed_set_policy(mc, p ? p->name : NULL,
				       p ? (by ? by->source : p->source) : NULL);
	if (r < 0) {
		if (mc)
			drop(reg, mc);
		return r;
	}
	if (added)
		reg->hooks.added(mc, reg->hooks.userdata);
	return scan_push(sc, mc);
}

static int scan_visit(const char *path, void *userdata)
{
	struct scan *sc = userdata;
	struct registry *reg = sc->reg;

	reg->hooks.seen(path, reg->hooks.userdata);
	if (!*path || vswap_cgroup_has(reg->ctx, path, "memory.current") <= 0)
		return 0; /* the root cgroup has no limits to manage */
	_cleanup_free_ char *display = vswap_cgroup_display(path);
	if (!display)
		return -ENOMEM;
	const struct vswap_attachment *by = NULL;
	const struct vswap_policy *p =
	    vswap_policy_set_match(sc->set, display, reg->resolve, reg->resolve_userdata, &by);
	return place(sc, path, take_existing(reg, path), p, by);
}

static int cmp_managed(const void *a, const void *b)
{
	return strcmp((*(struct managed *const *)a)->path, (*(struct managed *const *)b)->path);
}

int registry_rescan(struct registry *reg, const struct vswap_policy_set *set)
{
	struct scan sc = {.reg = reg, .set = set};
	int r = vswap_cgroup_walk(reg->ctx, "", scan_visit, &sc);

	for (size_t i = 0; i < reg->n; i++) {
		struct managed *old = reg->v[i];
		/* Not seen: it vanished. Unless the walk failed part-way: then keep it while its
		 * policy is loaded; the next rescan that works sees it as it is then. */
		if (!old)
			continue;
		if (r == 0 || !managed_policy(old, set))
			drop(reg, old);
		else
			(void)scan_push(&sc, old);
	}
	free(reg->v);
	reg->v = sc.next;
	reg->n = sc.n;
	if (reg->n > 1) /* qsort() must not see the NULL of an empty set */
		qsort(reg->v, reg->n, sizeof(*reg->v), cmp_managed);
	return r;
}

static int cmp_display(const void *key, const void *elem)
{
	return strcmp(key, (*(struct managed *const *)elem)->display);
}

struct managed *registry_find(const struct registry *reg, const char *display)
{
	if (!reg->n)
		return NULL;
	struct managed **mc = bsearch(display, reg->v, reg->n, sizeof(*reg->v), cmp_display);
	return mc ? *mc : NULL;
}
