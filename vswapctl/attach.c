/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapctl set-policy / unset-policy / show-policy: which policy a cgroup or a unit uses.
 * Changes are attachment files (libvswap/attach.h), written atomically after the whole
 * resulting configuration has been checked, then vswapd is asked to reload.
 */
#include <json-c/json.h>
#include <stdio.h>

#include "atomic.h"
#include "cgroup.h"
#include "context.h"
#include "output.h"
#include "policyset.h"
#include "unitbus.h"
#include "util.h"
#include "vswapctl.h"

struct target {
	enum vswap_attach_kind kind;
	char *name; /* "/a/b" or "app.service" */
};

static void target_clear(struct target *t)
{
	t->name = mfree(t->name);
}

/* The target of a verb: --unit UNIT, or the cgroup in *argv (consumed). */
static int take_target(const struct vswap_ctx *ctx, const struct vswapctl_options *opts, int *argc,
		       char ***argv, struct target *ret)
{
	_cleanup_free_ char *rel = NULL;

	if (opts->unit) {
		if (!vswap_unit_name_valid(opts->unit)) {
			vswapctl_error("\"%s\" is not a unit name (app.service, batch.slice)",
				       opts->unit);
			return VSWAPCTL_EXIT_USAGE;
		}
		*ret = (struct target){.kind = VSWAP_ATTACH_UNIT, .name = strdup(opts->unit)};
		return ret->name ? 0 : VSWAPCTL_EXIT_FAILURE;
	}
	if (*argc < 1) {
		vswapctl_error("name a CGROUP, or a unit with --unit");
		return VSWAPCTL_EXIT_USAGE;
	}
	if (vswap_cgroup_normalize(ctx, (*argv)[0], &rel) < 0 || !*rel) {
		vswapctl_error("\"%s\" is not a cgroup below the root (\"/a/b\", no \"..\")",
			       (*argv)[0]);
		return VSWAPCTL_EXIT_USAGE;
	}
	(*argc)--;
	(*argv)++;
	*ret = (struct target){.kind = VSWAP_ATTACH_CGROUP, .name = vswap_cgroup_display(rel)};
	return ret->name ? 0 : VSWAPCTL_EXIT_FAILURE;
}

/*
 * The target (--unit UNIT, or the CGROUP in argv, consumed), then exactly n_rest more
 * arguments, which *argv points at afterwards; usage names them in the error.
 */
static int parse_target(const struct vswap_ctx *ctx, const struct vswapctl_options *opts, int *argc,
			char ***argv, int n_rest, const char *usage, struct target *ret)
{
	int r = take_target(ctx, opts, argc, argv, ret);

	if (r == 0 && *argc != n_rest) {
		vswapctl_error("wrong number of arguments (usage: vswapctl %s)", usage);
		target_clear(ret);
		r = VSWAPCTL_EXIT_USAGE;
	}
	return r;
}

/* The configuration in force, or an exit code with the errors printed. */
static int load_set(const struct vswap_ctx *ctx, struct vswap_policy_set **ret)
{
	struct vswap_policy_load_errors errs;
	int r = vswap_policy_set_load(ctx, ret, &errs);

	if (r == -EBADMSG) {
		vswapctl_print_load_errors(&errs);
		vswapctl_error("the policy configuration has errors (above); nothing was changed");
	} else if (r < 0)
		vswapctl_error("cannot load the policies: %s", strerror(-r));
	return r < 0 ? VSWAPCTL_EXIT_FAILURE : 0;
}

/*
 * Units to cgroups over the system bus, for the live system only (no --root), cached for
 * the run: a cgroup target gets the attachment of the unit that owns it, as in vswapd.
 */
struct resolver {
	sd_bus *bus;
	size_t n;
	char *unit[64], *cgroup[64];
};

static const char *resolve_unit(const char *unit, void *userdata)
{
	struct resolver *rs = userdata;

	if (!rs || !rs->bus)
		return NULL;
	for (size_t i = 0; i < rs->n; i++)
		if (streq(rs->unit[i], unit))
			return rs->cgroup[i];
	if (rs->n == ELEMENTSOF(rs->unit))
		return NULL;
	rs->cgroup[rs->n] = NULL;
	(void)vswap_unit_cgroup(rs->bus, unit, &rs->cgroup[rs->n]);
	rs->unit[rs->n] = strdup(unit);
	return rs->cgroup[rs->n++];
}

static void resolver_open(struct resolver *rs, const struct vswap_ctx *ctx)
{
	*rs = (struct resolver){};
	if (!streq(ctx->root, "/") || sd_bus_open_system(&rs->bus) < 0)
		rs->bus = NULL;
}

static void resolver_close(struct resolver *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->unit[i]);
		free(rs->cgroup[i]);
	}
	rs->bus = sd_bus_flush_close_unref(rs->bus);
}

/* A policy whose "match" names this unit or slice. */
static const struct vswap_policy *unit_match(const struct vswap_policy_set *set, const char *unit)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct vswap_policy *p = set->policies[i];
		if ((p->match_kind == VSWAP_MATCH_UNIT || p->match_kind == VSWAP_MATCH_SLICE) &&
		    streq(p->match, unit))
			return p;
	}
	return NULL;
}

/*
 * The policy a target gets from set: its attachment; for a unit, a policy matching it by
 * name; else (when the cgroup is known) the best match for the cgroup.
 */
static const struct vswap_policy *policy_for(const struct vswap_policy_set *set,
					     const struct target *t, const char *cgroup,
					     struct resolver *rs,
					     const struct vswap_attachment **ret_by)
{
	const struct vswap_policy *p;

	*ret_by = vswap_attachments_find(&set->attachments, t->kind, t->name);
	if (*ret_by)
		return vswap_policy_set_find(set, (*ret_by)->policy);
	if (t->kind == VSWAP_ATTACH_UNIT && (p = unit_match(set, t->name)))
		return p;
	return cgroup ? vswap_policy_set_match(set, cgroup, resolve_unit, rs, ret_by) : NULL;
}

/* Ask a running vswapd to reload: "reloaded", "not running", or why it failed. */
static const char *reload_daemon(const struct vswapctl_options *opts)
{
	struct json_object *req = json_object_new_object();
	int r = 0;

	if (opts->no_reload) {
		json_object_put(req);
		return "not asked (--no-reload)";
	}
	json_object_object_add(req, "command", json_object_new_string("reload"));
	struct json_object *reply = vswapctl_call(opts, req, &r);
	json_object_put(req);
	if (!reply)
		return r == -ENOENT || r == -ECONNREFUSED ? "not running" : "unreachable";
	bool ok = vswapctl_reply_ok(reply);
	json_object_put(reply);
	return ok ? "reloaded" : "reload failed (see journalctl -u vswapd)";
}

struct change {
	const char *verb;
	const struct target *t;
	const char *policy;	      /* the target's policy now, NULL: none */
	const char *previous;	      /* before, NULL: none */
	const char *file;	      /* written or removed, "/etc/..." */
	const char *policy_installed; /* set-policy FILE: where the policy went, or NULL */
	bool changed;
	const char *daemon;
};

static void print_change(const struct vswapctl_options *opts, const struct change *c)
{
	if (!opts->json && !c->changed && streq(c->verb, "unset-policy")) {
		printf("%s %s: no %s to remove; policy %s.\n",
		       c->t->kind == VSWAP_ATTACH_UNIT ? "Unit" : "Cgroup", c->t->name, c->file,
		       c->policy ? c->policy : "none");
		return;
	}
	if (!opts->json) {
		if (c->policy_installed)
			printf("Installed policy %s as %s.\n", c->policy, c->policy_installed);
		printf("%s %s: policy %s%s%s%s, %s %s; vswapd: %s.\n",
		       c->t->kind == VSWAP_ATTACH_UNIT ? "Unit" : "Cgroup", c->t->name,
		       c->policy ? c->policy : "none", c->changed ? " (was " : " (unchanged",
		       c->changed ? (c->previous ? c->previous : "none") : "", ")",
		       !c->changed			? "kept"
		       : streq(c->verb, "unset-policy") ? "removed"
							: "wrote",
		       c->file, c->daemon);
		return;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "target", json_object_new_string(c->t->name));
	json_object_object_add(
	    o, "target_kind",
	    json_object_new_string(c->t->kind == VSWAP_ATTACH_UNIT ? "unit" : "cgroup"));
	json_object_object_add(o, "policy", c->policy ? json_object_new_string(c->policy) : NULL);
	json_object_object_add(o, "previous_policy",
			       c->previous ? json_object_new_string(c->previous) : NULL);
	json_object_object_add(o, "file", json_object_new_string(c->file));
	json_object_object_add(o, "policy_installed",
			       c->policy_installed ? json_object_new_string(c->policy_installed)
						   : NULL);
	json_object_object_add(o, "changed", json_object_new_boolean(c->changed));
	json_object_object_add(o, "daemon", json_object_new_string(c->daemon));
	json_print(o, stdout);
	json_object_put(o);
}

static char *attachment_text(const struct target *t, const char *policy)
{
	char *text = NULL;

	if (t->kind == VSWAP_ATTACH_UNIT)
		(void)asprintf(&text,
			       "# Written by vswapctl set-policy; see vswap-policy(5).\n"
			       "[X-VSwap]\nPolicy=%s\n",
			       policy);
	else
		(void)asprintf(&text,
			       "# Written by vswapctl set-policy; see vswap-policy(5).\n"
			       "[X-VSwap]\nCgroup=%s\nPolicy=%s\n",
			       t->name, policy);
	return text;
}

/* POLICY names a file (has a '/' or ends in .json) rather than an installed policy. */
static bool is_policy_file(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') || (n > 5 && streq(arg + n - 5, ".json"));
}

/* set-policy FILE: read and check it; its name is the file's base name. */
static int read_policy_file(const char *path, char **ret_name, char **ret_text, size_t *ret_len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);
	_cleanup_free_ char *name =
	    strndup(base, n > 5 && streq(base + n - 5, ".json") ? n - 5 : n);
	_cleanup_free_ char *text = NULL;
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;
	size_t len;
	int r = name ? vswap_read_file(path, &text, &len) : -ENOMEM;

	if (r < 0) {
		vswapctl_error("%s: %s", path, strerror(-r));
		return VSWAPCTL_EXIT_FAILURE;
	}
	if (!*name || name[0] == '.') {
		vswapctl_error("%s: no policy name in the file name", path);
		return VSWAPCTL_EXIT_FAILURE;
	}
	if (vswap_policy_parse(text, len, name, path, &p, &err) < 0) {
		vswapctl_print_error(path, &err);
		return VSWAPCTL_EXIT_FAILURE;
	}
	vswap_policy_free(p);
	*ret_name = TAKE_PTR(name);
	*ret_text = TAKE_PTR(text);
	*ret_len = len;
	return 0;
}

/* Write what set-policy decided: the policy file first (if any), then the attachment. */
static int write_files(const struct vswap_ctx *ctx, const char *policy_rel, const char *policy_text,
		       size_t policy_len, const char *attach_rel, const char *attach_text)
{
	_cleanup_free_ char *pdir =
	    policy_rel ? strndup(policy_rel, strrchr(policy_rel, '/') - policy_rel) : NULL;
	_cleanup_free_ char *adir = strndup(attach_rel, strrchr(attach_rel, '/') - attach_rel);
	int r = adir ? 0 : -ENOMEM;

	if (r == 0 && policy_rel)
		r = vswap_mkdir_p(ctx->root_fd, pdir, 0755);
	if (r == 0 && policy_rel)
		r = vswap_write_atomic(ctx->root_fd, policy_rel, policy_text, policy_len, 0644);
	if (r == 0)
		r = vswap_mkdir_p(ctx->root_fd, adir, 0755);
	if (r == 0)
		r = vswap_write_atomic(ctx->root_fd, attach_rel, attach_text, strlen(attach_text),
				       0644);
	if (r < 0)
		vswapctl_error("cannot write /%s: %s", r == 0 ? attach_rel : attach_rel,
			       strerror(-r));
	return r;
}

struct set_request {
	struct target t;
	char *policy;
	char *file_text; /* set-policy FILE */
	size_t file_len;
};

/* After writing: does the target now get the policy, or does another file win? */
static void check_effective(const struct vswap_ctx *ctx, const struct target *t, const char *policy,
			    const char *file)
{
	struct vswap_policy_set *set = NULL;
	struct vswap_policy_load_errors errs;

	if (vswap_policy_set_load(ctx, &set, &errs) < 0) {
		vswapctl_print_load_errors(&errs);
		return;
	}
	const struct vswap_attachment *a =
	    vswap_attachments_find(&set->attachments, t->kind, t->name);
	if (a && !streq(a->policy, policy))
		vswapctl_error("warning: %s still wins for %s (policy %s); %s is overridden",
			       a->source, t->name, a->policy, file);
	vswap_policy_set_free(set);
}

static int do_set(const struct vswap_ctx *ctx, const struct vswapctl_options *opts,
		  struct set_request *req)
{
	struct vswap_policy_set *set = NULL;
	const struct vswap_attachment *by = NULL;
	_cleanup_free_ char *attach_rel = NULL, *policy_rel = NULL, *text = NULL, *old = NULL;
	const char *dir = opts->runtime ? "run" : "etc";
	int r = load_set(ctx, &set);

	if (r)
		return r;
	const struct vswap_policy *prev = policy_for(
	    set, &req->t, req->t.kind == VSWAP_ATTACH_CGROUP ? req->t.name : NULL, NULL, &by);
	_cleanup_free_ char *previous = prev ? strdup(prev->name) : NULL;
	bool known = vswap_policy_set_find(set, req->policy);
	vswap_policy_set_free(set);
	if (!known && !req->file_text) {
		vswapctl_error(
		    "no policy named \"%s\" (see vswapctl list-policies), nothing changed",
		    req->policy);
		return VSWAPCTL_EXIT_FAILURE;
	}
	if (req->file_text &&
	    asprintf(&policy_rel, "%s/vswapd/policies.d/%s.json", dir, req->policy) < 0)
		return VSWAPCTL_EXIT_FAILURE;
	if (vswap_attach_file(req->t.kind, req->t.name, dir, &attach_rel) < 0 ||
	    !(text = attachment_text(&req->t, req->policy)))
		return VSWAPCTL_EXIT_FAILURE;
	(void)vswap_read_root(ctx, attach_rel, &old, NULL);
	bool changed = !old || !streq(old, text) || req->file_text;
	if (changed &&
	    write_files(ctx, policy_rel, req->file_text, req->file_len, attach_rel, text) < 0)
		return VSWAPCTL_EXIT_FAILURE;
	_cleanup_free_ char *file = NULL, *installed = NULL;
	if (asprintf(&file, "/%s", attach_rel) < 0 ||
	    (policy_rel && asprintf(&installed, "/%s", policy_rel) < 0))
		return VSWAPCTL_EXIT_FAILURE;
	check_effective(ctx, &req->t, req->policy, file);
	struct change c = {.verb = "set-policy",
			   .t = &req->t,
			   .policy = req->policy,
			   .previous = previous,
			   .file = file,
			   .policy_installed = installed,
			   .changed = changed,
			   .daemon = changed ? reload_daemon(opts) : "not asked (nothing changed)"};
	print_change(opts, &c);
	return VSWAPCTL_EXIT_OK;
}

int verb_set_policy(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct set_request req = {};
	int r = vswapctl_open(opts, &ctx) < 0 ? VSWAPCTL_EXIT_FAILURE : 0;

	if (r == 0)
		r = parse_target(ctx, opts, &argc, &argv, 1, "set-policy CGROUP|--unit UNIT POLICY",
				 &req.t);
	if (r == 0 && is_policy_file(argv[0]))
		r = read_policy_file(argv[0], &req.policy, &req.file_text, &req.file_len);
	else if (r == 0 && !(req.policy = strdup(argv[0])))
		r = VSWAPCTL_EXIT_FAILURE;
	if (r == 0)
		r = do_set(ctx, opts, &req);
	target_clear(&req.t);
	free(req.policy);
	free(req.file_text);
	return r;
}

static int do_unset(const struct vswap_ctx *ctx, const struct vswapctl_options *opts,
		    const struct target *t)
{
	struct vswap_policy_set *set = NULL;
	const struct vswap_attachment *by = NULL;
	_cleanup_free_ char *rel = NULL, *file = NULL, *previous = NULL, *now = NULL;
	int r = load_set(ctx, &set);

	if (r)
		return r;
	const char *cgroup = t->kind == VSWAP_ATTACH_CGROUP ? t->name : NULL;
	const struct vswap_policy *p = policy_for(set, t, cgroup, NULL, &by);
	previous = p ? strdup(p->name) : NULL;
	vswap_policy_set_free(set);
	if (vswap_attach_file(t->kind, t->name, opts->runtime ? "run" : "etc", &rel) < 0 ||
	    asprintf(&file, "/%s", rel) < 0)
		return VSWAPCTL_EXIT_FAILURE;
	r = vswap_remove_durable(ctx->root_fd, rel);
	if (r < 0 && r != -ENOENT) {
		vswapctl_error("cannot remove %s: %s", file, strerror(-r));
		return VSWAPCTL_EXIT_FAILURE;
	}
	if (load_set(ctx, &set))
		return VSWAPCTL_EXIT_FAILURE;
	p = policy_for(set, t, cgroup, NULL, &by);
	now = p ? strdup(p->name) : NULL;
	bool still = vswap_attachments_find(&set->attachments, t->kind, t->name) != NULL;
	_cleanup_free_ char *winner = still ? strdup(by->source) : NULL;
	vswap_policy_set_free(set);
	if (still)
		vswapctl_error("note: %s attaches policy %s to %s; unset-policy removes only the "
			       "file set-policy writes (%s)",
			       winner, now, t->name, file);
	struct change c = {.verb = "unset-policy",
			   .t = t,
			   .policy = now,
			   .previous = previous,
			   .file = file,
			   .changed = r == 0,
			   .daemon = r == 0 ? reload_daemon(opts) : "not asked (nothing changed)"};
	print_change(opts, &c);
	/* Nothing removed and still attached: the request could not be carried out. */
	return still && r < 0 ? VSWAPCTL_EXIT_FAILURE : VSWAPCTL_EXIT_OK;
}

int verb_unset_policy(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct target t = {};
	int r = vswapctl_open(opts, &ctx) < 0 ? VSWAPCTL_EXIT_FAILURE : 0;

	if (r == 0)
		r = parse_target(ctx, opts, &argc, &argv, 0, "unset-policy CGROUP|--unit UNIT", &t);
	if (r == 0)
		r = do_unset(ctx, opts, &t);
	target_clear(&t);
	return r;
}

/* "vswap.max = 50%" lines from a policy object, nested keys joined with ".". */
static void print_settings(struct json_object *o, const char *prefix)
{
	json_object_object_foreach(o, key, v)
	{
		_cleanup_free_ char *path = NULL;
		if (asprintf(&path, "%s%s%s", prefix, *prefix ? "." : "", key) < 0)
			return;
		if (json_object_is_type(v, json_type_object))
			print_settings(v, path);
		else
			printf("  %s = %s\n", path,
			       json_object_to_json_string_ext(
				   v, JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
}

static void print_shown(const struct vswapctl_options *opts, const struct target *t,
			const char *cgroup, const struct vswap_policy *p,
			const struct vswap_attachment *by)
{
	struct json_object *o = json_object_new_object();
	const char *reason = by ? "attachment" : !p ? "none" : p->match ? "match" : "default";
	struct json_object *settings = p ? vswap_policy_to_json(p) : NULL;

	json_object_object_add(o, "target", json_object_new_string(t->name));
	json_object_object_add(
	    o, "target_kind",
	    json_object_new_string(t->kind == VSWAP_ATTACH_UNIT ? "unit" : "cgroup"));
	json_object_object_add(o, "cgroup", cgroup ? json_object_new_string(cgroup) : NULL);
	json_object_object_add(o, "policy", p ? json_object_new_string(p->name) : NULL);
	json_object_object_add(o, "policy_file", p ? json_object_new_string(p->source) : NULL);
	json_object_object_add(o, "chosen_by", json_object_new_string(reason));
	json_object_object_add(o, "attachment_file",
			       by ? json_object_new_string(by->source) : NULL);
	json_object_object_add(o, "settings", settings);
	if (opts->json)
		json_print(o, stdout);
	else if (!p)
		printf("%s: no policy (vswapd leaves it alone)\n", t->name);
	else {
		printf("%s: policy %s\n", t->name, p->name);
		if (cgroup && t->kind == VSWAP_ATTACH_UNIT)
			printf("  cgroup: %s\n", cgroup);
		printf("  chosen by: %s %s\n", reason, by ? by->source : p->source);
		printf("  policy file: %s\n", p->source);
		print_settings(settings, "");
	}
	json_object_put(o);
}

int verb_show_policy(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	_cleanup_free_ char *cgroup = NULL;
	struct vswap_policy_set *set = NULL;
	const struct vswap_attachment *by = NULL;
	struct target t = {};
	int r = vswapctl_open(opts, &ctx) < 0 ? VSWAPCTL_EXIT_FAILURE : 0;

	if (r == 0)
		r = parse_target(ctx, opts, &argc, &argv, 0, "show-policy CGROUP|--unit UNIT", &t);
	if (r == 0 && t.kind == VSWAP_ATTACH_CGROUP && vswap_cgroup_exists(ctx, t.name + 1) < 0) {
		vswapctl_error("no cgroup %s", t.name);
		r = VSWAPCTL_EXIT_NOT_FOUND;
	}
	if (r == 0)
		r = load_set(ctx, &set);
	if (r == 0) {
		struct resolver rs;
		resolver_open(&rs, ctx);
		const char *unit_cg =
		    t.kind == VSWAP_ATTACH_UNIT ? resolve_unit(t.name, &rs) : NULL;
		cgroup = t.kind == VSWAP_ATTACH_UNIT ? (unit_cg ? strdup(unit_cg) : NULL)
						     : strdup(t.name);
		const struct vswap_policy *p = policy_for(set, &t, cgroup, &rs, &by);
		print_shown(opts, &t, cgroup, p, by);
		resolver_close(&rs);
	}
	vswap_policy_set_free(set);
	target_clear(&t);
	return r;
}
