/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapctl set-policy / unset-policy / show-policy: which policy a cgroup or a unit uses.
 * Changes are attachment files (libvswap/attach.h), written atomically after the whole
 * resulting configuration has been checked, then vswapd is asked to reload.
 */
#include <json-c/json.h>
#include <stdio.h>

#include "atomic.h"
#include "attachment.h"
#include "cgroup.h"
#include "context.h"
#include "output.h"
#include "policyset.h"
#include "units.h"
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
		if (!vswap_unit_name_valid(opts->unit) || !vswap_unit_has_cgroup(opts->unit))
			return vswapctl_fail(
			    -EINVAL,
			    "\"%s\" is not the name of a unit with a cgroup "
			    "(app.service, batch.slice, x.scope, .socket, .mount, .swap)",
			    opts->unit);
		*ret = (struct target){.kind = VSWAP_ATTACH_UNIT, .name = strdup(opts->unit)};
		return ret->name ? 0 : -ENOMEM;
	}
	if (*argc < 1)
		return vswapctl_fail(-EINVAL, "name a CGROUP, or a unit with --unit");
	if (vswap_cgroup_normalize(ctx, (*argv)[0], &rel) < 0 || !*rel)
		return vswapctl_fail(-EINVAL,
				     "\"%s\" is not a cgroup below the root (\"/a/b\", no \"..\")",
				     (*argv)[0]);
	(*argc)--;
	(*argv)++;
	*ret = (struct target){.kind = VSWAP_ATTACH_CGROUP, .name = vswap_cgroup_display(rel)};
	return ret->name ? 0 : -ENOMEM;
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
		target_clear(ret);
		r = vswapctl_fail(-EINVAL, "wrong number of arguments (usage: vswapctl %s)", usage);
	}
	return r;
}

/* The configuration in force; its errors printed. */
static int load_set(const struct vswap_ctx *ctx, struct vswap_policy_set **ret)
{
	struct vswap_policy_load_errors errs;
	int r = vswap_policy_set_load(ctx, ret, &errs);

	if (r == -EBADMSG) {
		vswapctl_print_load_errors(&errs);
		vswapctl_error("the policy configuration has errors (above); nothing was changed");
	} else if (r < 0)
		vswapctl_error("cannot load the policies: %s", strerror(-r));
	return r;
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
					     struct unit_resolver *rs,
					     const struct vswap_attachment **ret_by)
{
	const struct vswap_policy *p;

	*ret_by = vswap_attachments_find(&set->attachments, t->kind, t->name);
	if (*ret_by)
		return vswap_policy_set_find(set, (*ret_by)->policy);
	if (t->kind == VSWAP_ATTACH_UNIT && (p = unit_match(set, t->name)))
		return p;
	return cgroup ? vswap_policy_set_match(set, cgroup, unit_resolver_cgroup, rs, ret_by)
		      : NULL;
}

/* Ask a running vswapd to reload: "reloaded", "not running", or why it failed. */
static const char *reload_daemon(const struct vswapctl_options *opts)
{
	struct json_object *reply = NULL;
	enum vswap_error_code code;

	if (opts->no_reload)
		return "not asked (--no-reload)";
	struct json_object *req = vswap_request_new(VSWAP_COMMAND_RELOAD);
	int r = vswapctl_call(opts, req, &reply, &code);
	json_object_put(req);
	json_object_put(reply);
	if (r == -ECONNREFUSED)
		return "not running";
	if (r < 0)
		return "unreachable";
	return r == 1 ? "reloaded" : "reload failed (see journalctl -u vswapd)";
}

/* What a target gets from the files as they are: the policy and the file that decides. */
struct in_force {
	char *policy;  /* NULL: none */
	char *file;    /* the policy's file, NULL: none */
	char *by;      /* the attachment, or the policy file whose match or default applies */
	bool attached; /* by is an attachment */
};

static void in_force_clear(struct in_force *f)
{
	f->policy = mfree(f->policy);
	f->file = mfree(f->file);
	f->by = mfree(f->by);
}

static int read_in_force(const struct vswap_ctx *ctx, const struct target *t, struct in_force *ret)
{
	struct vswap_policy_set *set = NULL;
	const struct vswap_attachment *by = NULL;
	int r = load_set(ctx, &set);

	if (r < 0)
		return r;
	const char *cgroup = t->kind == VSWAP_ATTACH_CGROUP ? t->name : NULL;
	const struct vswap_policy *p = policy_for(set, t, cgroup, NULL, &by);
	*ret = (struct in_force){.attached = by != NULL};
	if (p && (!(ret->policy = strdup(p->name)) || !(ret->file = strdup(p->source)) ||
		  !(ret->by = strdup(by ? by->source : p->source))))
		r = -ENOMEM;
	vswap_policy_set_free(set);
	if (r < 0)
		in_force_clear(ret);
	return r;
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && streq(a, b));
}

/* A file's content before a change, to put back if the change is refused. */
struct saved_file {
	char *rel;  /* NULL: nothing to put back */
	char *text; /* NULL: the file did not exist */
	size_t len;
};

static int save_file(const struct vswap_ctx *ctx, const char *rel, struct saved_file *ret)
{
	*ret = (struct saved_file){.rel = strdup(rel)};
	if (!ret->rel)
		return -ENOMEM;
	int r = vswap_read_root(ctx, rel, &ret->text, &ret->len);
	return r == -ENOENT ? 0 : r;
}

static int restore_file(const struct vswap_ctx *ctx, struct saved_file *f)
{
	int r = 0;

	if (f->rel && f->text)
		r = vswap_write_atomic(ctx->root_fd, f->rel, f->text, f->len, 0644);
	else if (f->rel)
		r = vswap_remove_durable(ctx->root_fd, f->rel);
	return r == -ENOENT ? 0 : r;
}

static void saved_file_clear(struct saved_file *f)
{
	f->rel = mfree(f->rel);
	f->text = mfree(f->text);
}

/* Write text to rel (its directory created), atomically. */
static int write_file(const struct vswap_ctx *ctx, const char *rel, const char *text, size_t len)
{
	_cleanup_free_ char *dir = strndup(rel, strrchr(rel, '/') - rel);
	int r = dir ? vswap_mkdir_p(ctx->root_fd, dir, 0755) : -ENOMEM;

	if (r == 0)
		r = vswap_write_atomic(ctx->root_fd, rel, text, len, 0644);
	if (r < 0)
		vswapctl_error("cannot write /%s: %s", rel, strerror(-r));
	return r;
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
bool policy_arg_is_file(const char *arg)
{
	size_t n = strlen(arg);

	return strchr(arg, '/') || (n > 5 && streq(arg + n - 5, ".json"));
}

/* set-policy FILE: read and check it; its name is the file's base name. */
int policy_file_read(const char *path, char **ret_name, char **ret_text, size_t *ret_len)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);
	_cleanup_free_ char *name =
	    strndup(base, n > 5 && streq(base + n - 5, ".json") ? n - 5 : n);
	_cleanup_free_ char *text = NULL;
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;
	size_t len;

	if (!name)
		return -ENOMEM;
	if (!vswap_policy_name_valid(name))
		return vswapctl_fail(-EINVAL, "%s: \"%s\" is not a policy name (%s)", path, name,
				     VSWAP_POLICY_NAME_RULE);
	int r = vswap_read_file(path, &text, &len);
	if (r < 0)
		return vswapctl_fail(r, "%s: %s", path, strerror(-r));
	if (vswap_policy_parse(text, len, name, path, &p, &err) < 0) {
		vswapctl_print_error(path, &err);
		return -EBADMSG;
	}
	vswap_policy_free(p);
	*ret_name = TAKE_PTR(name);
	*ret_text = TAKE_PTR(text);
	*ret_len = len;
	return 0;
}

/* "writeback.amount = "4M"" lines of a policy, nested keys joined with "." (sorted by the
 * field table's order). */
static void flatten(struct json_object *o, const char *prefix,
		    void (*fn)(const char *key, const char *value, void *ud), void *ud)
{
	json_object_object_foreach(o, key, v)
	{
		_cleanup_free_ char *path = NULL;
		if (asprintf(&path, "%s%s%s", prefix, *prefix ? "." : "", key) < 0)
			return;
		if (json_object_is_type(v, json_type_object))
			flatten(v, path, fn, ud);
		else
			fn(path,
			   json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE),
			   ud);
	}
}

struct diff {
	struct json_object *old; /* flattened: key -> value text */
	bool print;		 /* else only count */
	size_t n;
};

static void flat_add(const char *key, const char *value, void *ud)
{
	json_object_object_add(ud, key, json_object_new_string(value));
}

static void diff_one(const char *key, const char *value, void *ud)
{
	struct diff *d = ud;
	struct json_object *was = json_object_object_get(d->old, key);
	const char *before = was ? json_object_get_string(was) : "(unset)";

	if (streq(before, value))
		return;
	d->n++;
	if (!d->print)
		return;
	print_open_object(NULL);
	print_string("setting", "  %s: ", key);
	print_string("installed", "%s -> ", before);
	print_string("new", "%s\n", value);
	print_close_object();
}

/*
 * set-policy FILE whose name is an installed policy with other settings: the change reaches
 * every target of that policy. Show what changes and for whom; refuse without --force.
 */
static int check_replace(const struct vswap_ctx *ctx, bool force,
			 const struct vswap_policy_set *set, const char *name, const char *text,
			 size_t len)
{
	const struct vswap_policy *old = vswap_policy_set_find(set, name);
	struct vswap_policy *new = NULL;
	struct vswap_policy_error err;

	if (!old || vswap_policy_parse(text, len, name, old->source, &new, &err) < 0)
		return 0;
	struct json_object *a = vswap_policy_to_json(old), *b = vswap_policy_to_json(new);
	struct diff d = {.old = json_object_new_object()};
	flatten(a, "", flat_add, d.old);
	flatten(b, "", diff_one, &d);
	print_begin(false, stderr);
	if (d.n)
		print_text("Policy %s is installed (%s) with other settings:\n", name, old->source);
	d.print = d.n > 0;
	flatten(b, "", diff_one, &d);
	for (size_t i = 0; d.print && i < set->attachments.n; i++)
		if (streq(set->attachments.a[i].policy, name))
			print_text("  attached to %s (%s)\n", set->attachments.a[i].target,
				   set->attachments.a[i].source);
	if (d.print && old->match)
		print_text("  and to every cgroup its match \"%s\" selects\n", old->match);
	(void)print_end();
	json_object_put(a);
	json_object_put(b);
	json_object_put(d.old);
	vswap_policy_free(new);
	if (d.n && !force)
		return vswapctl_fail(-EEXIST,
				     "not replacing policy %s for all its targets (above); rename "
				     "the file, or use --force",
				     name);
	return 0;
}

struct set_request {
	struct target t;
	char *policy;
	char *file_text; /* set-policy FILE */
	size_t file_len;
	char *policy_rel; /* where FILE goes, or NULL */
	char *attach_rel; /* the attachment set-policy writes */
	struct in_force before, after;
	bool changed;
	bool cgroup_exists;
	const char *daemon;
};

/* Check before writing: the policy exists (or comes as FILE, which may not silently replace
 * an installed one), the cgroup exists (allowed, since units start later, but said). */
static int set_precheck(const struct vswap_ctx *ctx, bool force, struct set_request *req)
{
	struct vswap_policy_set *set = NULL;
	int r = load_set(ctx, &set);

	if (r < 0)
		return r;
	bool known = vswap_policy_set_find(set, req->policy);
	const char *guess = known ? NULL : vswap_policy_set_suggest(set, req->policy);
	if (!known && !req->file_text && guess)
		r = vswapctl_fail(-ENOENT,
				  "no policy named \"%s\": did you mean \"%s\"? Nothing changed",
				  req->policy, guess);
	else if (!known && !req->file_text)
		r = vswapctl_fail(-ENOENT,
				  "no policy named \"%s\" (see vswapctl list-policies), nothing "
				  "changed",
				  req->policy);
	else if (req->file_text)
		r = check_replace(ctx, force, set, req->policy, req->file_text, req->file_len);
	vswap_policy_set_free(set);
	req->cgroup_exists =
	    req->t.kind != VSWAP_ATTACH_CGROUP || vswap_cgroup_exists(ctx, req->t.name + 1) == 0;
	if (r == 0 && !req->cgroup_exists)
		vswapctl_error("note: no cgroup %s yet; the policy applies once it exists",
			       req->t.name);
	return r;
}

/*
 * Write the policy file (set-policy FILE) and the attachment, then read back what is in
 * force. When another file still decides for the target, put everything back and refuse,
 * naming that file, unless --force (then it stays, said loudly).
 */
static int set_write(const struct vswap_ctx *ctx, bool force, struct set_request *req)
{
	struct saved_file sp = {}, sa = {};
	_cleanup_free_ char *text = attachment_text(&req->t, req->policy), *old = NULL;
	int r = text ? 0 : -ENOMEM;

	if (r == 0 && req->policy_rel)
		r = save_file(ctx, req->policy_rel, &sp);
	if (r == 0)
		r = save_file(ctx, req->attach_rel, &sa);
	req->changed =
	    r == 0 && (!sa.text || !streq(sa.text, text) ||
		       (req->file_text && (!sp.text || !streq(sp.text, req->file_text))));
	if (r == 0 && req->changed && req->policy_rel)
		r = write_file(ctx, req->policy_rel, req->file_text, req->file_len);
	if (r == 0 && req->changed)
		r = write_file(ctx, req->attach_rel, text, strlen(text));
	if (r == 0)
		r = read_in_force(ctx, &req->t, &req->after);
	if (r == 0 && !same(req->after.policy, req->policy)) {
		vswapctl_error("%s %s: %s decides (policy %s), not /%s",
			       !force ? "refused:" : "warning:", req->t.name, strna(req->after.by),
			       strna(req->after.policy), req->attach_rel);
		if (!force)
			r = -EEXIST;
	} else if (r == 0 && req->policy_rel && !same(req->after.file + 1, req->policy_rel)) {
		/* The name is in force, but from another layer's file: the one installed is not. */
		vswapctl_error("%s %s: policy %s comes from %s, which outranks /%s",
			       !force ? "refused:" : "warning:", req->t.name, req->policy,
			       strna(req->after.file), req->policy_rel);
		if (!force)
			r = -EEXIST;
	}
	if (r < 0 && req->changed) {
		int k = restore_file(ctx, &sa);
		if (k == 0)
			k = restore_file(ctx, &sp);
		if (k < 0)
			vswapctl_error("cannot put the files back: %s", strerror(-k));
		req->changed = false;
	}
	saved_file_clear(&sp);
	saved_file_clear(&sa);
	return r;
}

static void print_target(const struct target *t)
{
	print_string("target", NULL, t->name);
	print_string("target_kind", NULL, t->kind == VSWAP_ATTACH_UNIT ? "unit" : "cgroup");
	print_text("%s %s: ", t->kind == VSWAP_ATTACH_UNIT ? "Unit" : "Cgroup", t->name);
}

/* A path relative to the root as the operator sees it: "/etc/...". */
static const char *shown_path(const char *rel, char *buf, size_t len)
{
	if (!rel)
		return NULL;
	snprintf(buf, len, "/%s", rel);
	return buf;
}

static void print_set(const struct set_request *req)
{
	char file[512], installed[512];

	print_target(&req->t);
	print_string("requested_policy", NULL, req->policy);
	print_string("effective_policy", "policy %s", req->after.policy);
	if (!req->after.policy)
		print_text("no policy");
	print_string("decided_by", " (%s)", req->after.by);
	print_string("previous_policy", req->changed ? ", was %s" : "", req->before.policy);
	print_text(req->changed && !req->before.policy ? ", was none" : "");
	print_bool("changed", NULL, req->changed);
	print_string("file", req->changed ? "; wrote %s" : "; kept %s",
		     shown_path(req->attach_rel, file, sizeof(file)));
	print_string("policy_installed", ", installed %s",
		     req->changed ? shown_path(req->policy_rel, installed, sizeof(installed))
				  : NULL);
	print_bool("cgroup_exists", NULL, req->cgroup_exists);
	print_string("daemon", "; vswapd: %s.\n", req->daemon);
}

/* Check, write, read back: what set-policy and attachment_write() share. */
static int set_files(const struct vswap_ctx *ctx, bool force, bool runtime, struct set_request *req)
{
	const char *dir = runtime ? "run" : "etc";
	int r = set_precheck(ctx, force, req);

	if (r == 0)
		r = read_in_force(ctx, &req->t, &req->before);
	if (r == 0 && req->file_text &&
	    asprintf(&req->policy_rel, "%s/vswapd/policies.d/%s.json", dir, req->policy) < 0)
		r = -ENOMEM;
	if (r == 0 && vswap_attach_file(req->t.kind, req->t.name, dir, &req->attach_rel) < 0)
		r = -ENOMEM;
	if (r == 0)
		r = set_write(ctx, force, req);
	return r;
}

static void set_request_clear(struct set_request *req)
{
	target_clear(&req->t);
	req->policy = mfree(req->policy);
	req->file_text = mfree(req->file_text);
	req->policy_rel = mfree(req->policy_rel);
	req->attach_rel = mfree(req->attach_rel);
	in_force_clear(&req->before);
	in_force_clear(&req->after);
}

int attachment_write(const struct vswap_ctx *ctx, const struct attachment_request *ar,
		     struct attachment_files *ret)
{
	struct set_request req = {
	    .t = {.kind = ar->kind, .name = strdup(ar->target)},
	    .policy = strdup(ar->policy),
	    .file_text = ar->policy_text ? strndup(ar->policy_text, ar->policy_len) : NULL,
	    .file_len = ar->policy_len,
	};
	int r = req.t.name && req.policy && (req.file_text || !ar->policy_text) ? 0 : -ENOMEM;

	if (r == 0)
		r = set_files(ctx, false, ar->runtime, &req);
	if (r == 0)
		*ret = (struct attachment_files){.attachment = TAKE_PTR(req.attach_rel),
						 .policy = TAKE_PTR(req.policy_rel)};
	set_request_clear(&req);
	return r;
}

int attachment_remove(const struct vswap_ctx *ctx, struct attachment_files *files)
{
	char *rel[] = {files->attachment, files->policy};
	int r = 0;

	for (size_t i = 0; i < ELEMENTSOF(rel); i++) {
		int k = rel[i] ? vswap_remove_durable(ctx->root_fd, rel[i]) : 0;
		if (k < 0 && k != -ENOENT) {
			vswapctl_error("cannot remove /%s: %s", rel[i], strerror(-k));
			r = k;
		}
	}
	files->attachment = mfree(files->attachment);
	files->policy = mfree(files->policy);
	return r;
}

static int do_set(const struct vswap_ctx *ctx, const struct vswapctl_options *opts,
		  struct set_request *req)
{
	int r = set_files(ctx, opts->force, opts->runtime, req);

	if (r < 0)
		return r;
	req->daemon = req->changed ? reload_daemon(opts) : "not asked (nothing changed)";
	print_begin(opts->json, stdout);
	print_set(req);
	return print_end();
}

int verb_set_policy(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct set_request req = {};
	int r = vswapctl_open(opts, &ctx);

	if (r == 0)
		r = parse_target(ctx, opts, &argc, &argv, 1, "set-policy CGROUP|--unit UNIT POLICY",
				 &req.t);
	if (r == 0 && policy_arg_is_file(argv[0]))
		r = policy_file_read(argv[0], &req.policy, &req.file_text, &req.file_len);
	else if (r == 0 && !vswap_policy_name_valid(argv[0]))
		r = vswapctl_fail(-EINVAL, "\"%s\" is not a policy name (%s)", argv[0],
				  VSWAP_POLICY_NAME_RULE);
	else if (r == 0 && !(req.policy = strdup(argv[0])))
		r = -ENOMEM;
	if (r == 0)
		r = do_set(ctx, opts, &req);
	set_request_clear(&req);
	return r;
}

/* Remove the attachment set-policy writes; what is in force afterwards is read back. */
static int do_unset(const struct vswap_ctx *ctx, const struct vswapctl_options *opts,
		    const struct target *t)
{
	_cleanup_free_ char *rel = NULL;
	struct in_force before = {}, after = {};
	int r = read_in_force(ctx, t, &before);

	if (r == 0 && vswap_attach_file(t->kind, t->name, opts->runtime ? "run" : "etc", &rel) < 0)
		r = -ENOMEM;
	int removed = r == 0 ? vswap_remove_durable(ctx->root_fd, rel) : r;
	if (removed < 0 && removed != -ENOENT)
		r = vswapctl_fail(removed, "cannot remove /%s: %s", rel, strerror(-removed));
	if (r == 0)
		r = read_in_force(ctx, t, &after);
	if (r == 0) {
		if (after.attached)
			vswapctl_error(
			    "note: %s still attaches policy %s to %s; unset-policy removes "
			    "only the file set-policy writes (/%s)",
			    after.by, after.policy, t->name, rel);
		print_begin(opts->json, stdout);
		print_target(t);
		print_string("effective_policy", "policy %s", after.policy);
		if (!after.policy)
			print_text("no policy");
		print_string("decided_by", " (%s)", after.by);
		print_string("previous_policy", removed == 0 ? ", was %s" : "", before.policy);
		print_bool("changed", NULL, removed == 0);
		char file[512];
		print_string("file", removed == 0 ? "; removed %s" : "; no %s to remove",
			     shown_path(rel, file, sizeof(file)));
		print_string("daemon", "; vswapd: %s.\n",
			     removed == 0 ? reload_daemon(opts) : "not asked (nothing changed)");
		r = print_end();
	}
	in_force_clear(&before);
	in_force_clear(&after);
	return r;
}

int verb_unset_policy(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct target t = {};
	int r = vswapctl_open(opts, &ctx);

	if (r == 0)
		r = parse_target(ctx, opts, &argc, &argv, 0, "unset-policy CGROUP|--unit UNIT", &t);
	if (r == 0)
		r = do_unset(ctx, opts, &t);
	target_clear(&t);
	return r;
}

static void print_setting(const char *key, const char *value, void *ud)
{
	print_text("  %s = %s\n", key, value);
}

static void print_shown(const struct target *t, const char *cgroup, const struct vswap_policy *p,
			const struct vswap_attachment *by)
{
	const char *reason = by ? "attachment" : !p ? "none" : p->match ? "match" : "default";
	struct json_object *settings = p ? vswap_policy_to_json(p) : NULL;

	print_target(t);
	print_string("cgroup", NULL, cgroup);
	print_string("policy", "policy %s\n", p ? p->name : NULL);
	if (!p)
		print_text("no policy (vswapd leaves it alone)\n");
	if (cgroup && t->kind == VSWAP_ATTACH_UNIT)
		print_text("  cgroup: %s\n", cgroup);
	print_string("chosen_by", p ? "  chosen by: %s" : NULL, reason);
	print_string("attachment_file", " %s", by ? by->source : NULL);
	print_text(p && !by ? " %s" : "", p ? p->source : "");
	print_text(p ? "\n" : "");
	print_string("policy_file", "  policy file: %s\n", p ? p->source : NULL);
	if (settings)
		flatten(settings, "", print_setting, NULL);
	print_json_value("settings", settings);
}

int verb_show_policy(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	_cleanup_(unit_resolver_freep) struct unit_resolver *rs = NULL;
	struct vswap_policy_set *set = NULL;
	const struct vswap_attachment *by = NULL;
	struct target t = {};
	int r = vswapctl_open(opts, &ctx);

	if (r == 0)
		r = parse_target(ctx, opts, &argc, &argv, 0, "show-policy CGROUP|--unit UNIT", &t);
	if (r == 0 && t.kind == VSWAP_ATTACH_CGROUP && vswap_cgroup_exists(ctx, t.name + 1) < 0)
		r = vswapctl_fail(-ENOENT, "no cgroup %s", t.name);
	if (r == 0)
		r = load_set(ctx, &set);
	if (r == 0 && !(rs = unit_resolver_new(ctx)))
		r = -ENOMEM;
	if (r == 0) {
		const char *cgroup =
		    t.kind == VSWAP_ATTACH_UNIT ? unit_resolver_cgroup(t.name, rs) : t.name;
		const struct vswap_policy *p = policy_for(set, &t, cgroup, rs, &by);
		print_begin(opts->json, stdout);
		print_shown(&t, cgroup, p, by);
		r = print_end();
	}
	vswap_policy_set_free(set);
	target_clear(&t);
	return r;
}
