/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "policyset.h"

#include <dirent.h>
#include <fcntl.h>

#include "util.h"

const char *const vswap_policy_dirs[VSWAP_POLICY_DIRS_COUNT] = {
    "usr/lib/vswapd/policies.d",
    "etc/vswapd/policies.d",
    "run/vswapd/policies.d",
};

/* One winning file per name. */
struct entry {
	char name[256];
	char path[512]; /* inside the root, for messages "/etc/vswapd/policies.d/x.json" */
	bool masked;
};

struct entries {
	size_t n;
	struct entry *e;
};

static bool is_policy_file(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && name[0] != '.' && streq(name + n - 5, ".json");
}

static bool is_mask(int dirfd, const char *name)
{
	char target[16];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	if (n < 0)
		return false;
	target[n] = '\0';
	return streq(target, "/dev/null");
}

static int put_entry(struct entries *es, const char *dir, const char *file, bool masked)
{
	size_t len = strlen(file) - 5;
	struct entry *e = NULL;

	for (size_t i = 0; i < es->n; i++)
		if (strlen(es->e[i].name) == len && strncmp(es->e[i].name, file, len) == 0)
			e = &es->e[i];
	if (!e) {
		struct entry *ne = reallocarray(es->e, es->n + 1, sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		es->e = ne;
		e = &es->e[es->n++];
		snprintf(e->name, sizeof(e->name), "%.*s", (int)len, file);
	}
	snprintf(e->path, sizeof(e->path), "/%s/%s", dir, file);
	e->masked = masked;
	return 0;
}

static int scan_dir(const struct vswap_ctx *ctx, const char *dir, struct entries *es)
{
	_cleanup_close_ int fd = vswap_open_beneath(ctx->root_fd, dir, O_RDONLY | O_DIRECTORY);
	struct dirent **names = NULL;
	int r = 0;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	int n = scandirat(fd, ".", &names, NULL, alphasort);
	if (n < 0)
		return negative_errno();
	for (int i = 0; i < n; i++) {
		if (r == 0 && is_policy_file(names[i]->d_name))
			r = put_entry(es, dir, names[i]->d_name, is_mask(fd, names[i]->d_name));
		free(names[i]);
	}
	free(names);
	return r;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static void add_error(struct vswap_policy_load_errors *errs, const char *path,
		      const struct vswap_policy_error *err, const char *what)
{
	if (errs->n < ELEMENTSOF(errs->errors)) {
		struct vswap_policy_load_error *e = &errs->errors[errs->n];
		snprintf(e->path, sizeof(e->path), "%s", path);
		if (err)
			e->err = *err;
		else {
			e->err = (struct vswap_policy_error){};
			snprintf(e->err.what, sizeof(e->err.what), "%s", what);
		}
	}
	errs->n++;
}

static int load_one(const struct vswap_ctx *ctx, const struct entry *e, struct vswap_policy **ret,
		    struct vswap_policy_load_errors *errs)
{
	_cleanup_free_ char *text = NULL;
	struct vswap_policy_error perr = {};
	size_t len;
	int r = vswap_read_root(ctx, e->path + 1, &text, &len);

	if (r < 0) {
		add_error(errs, e->path, NULL, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	r = vswap_policy_parse(text, len, e->name, e->path, ret, &perr);
	if (r == -EBADMSG)
		add_error(errs, e->path, &perr, NULL);
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
			add_error(errs, set->policies[i]->source, NULL, what);
		}
		first = first ? first : set->policies[i];
	}
}

int vswap_policy_set_load(const struct vswap_ctx *ctx, struct vswap_policy_set **ret,
			  struct vswap_policy_load_errors *errs)
{
	struct entries es = {};
	struct vswap_policy_set *set = calloc(1, sizeof(*set));
	int r = set ? 0 : -ENOMEM;

	*errs = (struct vswap_policy_load_errors){};
	for (size_t i = 0; r == 0 && i < VSWAP_POLICY_DIRS_COUNT; i++)
		r = scan_dir(ctx, vswap_policy_dirs[i], &es);
	if (r == 0 && es.n > 0) {
		qsort(es.e, es.n, sizeof(*es.e), cmp_entry);
		set->policies = calloc(es.n, sizeof(*set->policies));
		r = set->policies ? 0 : -ENOMEM;
	}
	for (size_t i = 0; r == 0 && i < es.n; i++) {
		struct vswap_policy *p = NULL;
		if (es.e[i].masked)
			continue;
		r = load_one(ctx, &es.e[i], &p, errs);
		if (p)
			set->policies[set->n++] = p;
	}
	free(es.e);
	if (r == 0)
		check_defaults(set, errs);
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
	free(set);
	return NULL;
}

const struct vswap_policy *vswap_policy_set_match(const struct vswap_policy_set *set,
						  const char *cgroup, vswap_unit_resolver_t resolve,
						  void *userdata)
{
	const struct vswap_policy *best = NULL;
	int best_score = -1;

	for (size_t i = 0; i < set->n; i++) {
		const struct vswap_policy *p = set->policies[i];
		const char *resolved = NULL;
		if ((p->match_kind == VSWAP_MATCH_UNIT || p->match_kind == VSWAP_MATCH_SLICE) &&
		    resolve)
			resolved = resolve(p, userdata);
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
