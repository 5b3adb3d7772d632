/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl validate / schema: configuration files without a daemon (fleet CI). */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>

#include "context.h"
#include "daemonconf.h"
#include "output.h"
#include "policy.h"
#include "policyset.h"
#include "util.h"
#include "vswapctl.h"

/* What one run of validate saw. */
struct validation {
	size_t checked; /* files validated */
	bool bad;
	char *first_default; /* the first policy without "match" among the files checked */
	bool missing;	     /* a file named does not exist: exit 4 */
	size_t n_skipped;
	char **skipped; /* files of directories not validated for their name */
};

/* Policy name from a file name: "dir/batch.json" -> "batch". */
static char *policy_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);

	if (n > 5 && streq(base + n - 5, ".json"))
		n -= 5;
	return strndup(base, n);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), l = strlen(suffix);

	return n > l && streq(s + n - l, suffix);
}

/*
 * One file's verdict: in JSON an object of "files" (every key always there), in text a line on
 * stdout when valid, FILE:LINE:COLUMN: what on stderr when not.
 */
static void verdict(struct validation *v, const char *path, const struct vswap_policy_error *err,
		    const char *what_valid)
{
	v->bad |= err != NULL;
	print_open_object(NULL);
	print_string("file", NULL, path);
	print_bool("valid", NULL, !err);
	if (err && err->line) { /* line 0: about the file itself (it cannot be read) */
		print_uint("line", NULL, err->line);
		print_uint("column", NULL, err->column);
	} else {
		print_null("line", NULL);
		print_null("column", NULL);
	}
	print_string("field", NULL, err && *err->field ? err->field : NULL);
	print_string("message", NULL, err ? err->what : NULL);
	print_close_object();
	if (!err)
		print_text("%s: valid (%s)\n", path, what_valid);
	else if (!print_is_json() && !err->line)
		fprintf(stderr, "%s: %s\n", path, err->what);
	else if (!print_is_json())
		vswapctl_print_error(path, err);
}

static void io_verdict(struct validation *v, const char *path, int r)
{
	struct vswap_policy_error err = {};

	snprintf(err.what, sizeof(err.what), "%s", strerror(-r));
	verdict(v, path, &err, NULL);
	v->missing |= r == -ENOENT;
}

/* An attachment (*.conf): below an attach.d directory it names its cgroup, else a unit's. */
static void validate_attachment(struct validation *v, const char *path, const char *text,
				size_t len)
{
	enum vswap_attach_kind kind =
	    strstr(path, "attach.d/") ? VSWAP_ATTACH_CGROUP : VSWAP_ATTACH_UNIT;
	struct vswap_policy_error err = {};
	struct vswap_attachment a = {};
	char what[300];
	int r = vswap_attach_parse(text, len, kind, &a, &err);

	if (r < 0 && r != -EBADMSG)
		snprintf(err.what, sizeof(err.what), "%s", strerror(-r));
	snprintf(what, sizeof(what), "attaches %s", r == 0 && a.policy ? a.policy : "nothing");
	verdict(v, path, r < 0 ? &err : NULL, what);
	vswap_attachment_clear(&a);
}

/* A policy (*.json); vswapd refuses a second default among files loaded together. */
static void validate_policy(struct validation *v, const char *path, const char *text, size_t len)
{
	_cleanup_free_ char *name = policy_name(path);
	struct vswap_policy_errors errs;
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;
	char what[300];
	int r = vswap_policy_parse_all(text, len, name, path, &p, &errs);

	if (r == -EBADMSG) {
		for (size_t i = 0; i < errs.n && i < ELEMENTSOF(errs.e); i++)
			verdict(v, path, &errs.e[i], NULL);
		return;
	}
	if (r < 0) {
		snprintf(err.what, sizeof(err.what), "%s", strerror(-r));
		verdict(v, path, &err, NULL);
		return;
	}
	bool second_default = p->match_kind == VSWAP_MATCH_DEFAULT && v->first_default;
	if (second_default) {
		err = (struct vswap_policy_error){.line = 1, .column = 1};
		snprintf(err.what, sizeof(err.what),
			 "a second default policy (no \"match\"): %s is one", v->first_default);
	}
	snprintf(what, sizeof(what), "policy \"%s\"", p->name);
	verdict(v, path, second_default ? &err : NULL, what);
	if (p->match_kind == VSWAP_MATCH_DEFAULT && !v->first_default)
		v->first_default = strdup(path);
	vswap_policy_free(p);
}

static void validate_file(struct validation *v, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r = vswap_read_file(path, &text, &len);

	v->checked++;
	if (r < 0)
		io_verdict(v, path, r);
	else if (has_suffix(path, ".conf"))
		validate_attachment(v, path, text, len);
	else
		validate_policy(v, path, text, len);
}

/* A file of a directory that is not validated for its name: said, and listed at the end. */
static int skip(struct validation *v, const char *path)
{
	char **n = reallocarray(v->skipped, v->n_skipped + 1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	v->skipped = n;
	if (!(n[v->n_skipped] = strdup(path)))
		return -ENOMEM;
	v->n_skipped++;
	if (!print_is_json())
		fprintf(stderr, "%s: skipped (only *.json policies and *.conf attachments)\n",
			path);
	return 0;
}

/* Every *.json and *.conf of a directory, in name order (the order vswapd reads them). */
static int validate_dir(struct validation *v, const char *dir)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0)
		return vswapctl_fail(negative_errno(), "%s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		_cleanup_free_ char *path = NULL;
		if (name[0] != '.' && asprintf(&path, "%s/%s", dir, name) >= 0) {
			if (has_suffix(name, ".json") || has_suffix(name, ".conf"))
				validate_file(v, path);
			else
				(void)skip(v, path);
		}
		free(names[i]);
	}
	free(names);
	return 0;
}

/* A set's errors, each file named as an editor opens it (below --root: the staged file). */
static void set_errors(struct validation *v, const struct vswap_policy_load_errors *errs)
{
	for (size_t i = 0; i < errs->n && i < ELEMENTSOF(errs->errors); i++) {
		char path[1024];
		verdict(v, vswapctl_file(errs->errors[i].path, path, sizeof(path)),
			&errs->errors[i].err, NULL);
	}
}

/* No files named: the whole configuration below the root, as vswapd would load it. */
static int validate_root(struct validation *v, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct vswap_policy_set *set = NULL;
	struct vswap_policy_load_errors errs;
	struct vswap_daemon_conf conf;
	char what[128];
	int r = vswapctl_open_config(opts, &ctx);

	if (r < 0)
		return r;
	v->checked++; /* the tree, as one */
	if ((r = vswap_daemon_conf_init(&conf)) < 0)
		return r;
	r = vswap_daemon_conf_load(ctx, &conf, &errs);
	vswap_daemon_conf_done(&conf);
	if (r == -EBADMSG)
		set_errors(v, &errs);
	else if (r < 0)
		return vswapctl_fail(r, "cannot load vswapd.conf: %s", strerror(-r));
	r = vswap_policy_set_load(ctx, &set, &errs);
	if (r == -EBADMSG)
		set_errors(v, &errs);
	else if (r < 0)
		return vswapctl_fail(r, "cannot load the configuration: %s", strerror(-r));
	if (r == 0) {
		snprintf(what, sizeof(what), "%zu policies, %zu attachments, vswapd.conf", set->n,
			 set->attachments.n);
		verdict(v, ctx->root, NULL, what);
	}
	vswap_policy_set_free(set);
	return 0;
}

static int validate_args(struct validation *v, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct stat st;
		int r = 0;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			r = validate_dir(v, argv[i]);
		else
			validate_file(v, argv[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int verb_validate(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct validation v = {};

	print_begin(opts->json, stdout);
	print_open_array("files");
	int r = argc == 0 ? validate_root(&v, opts) : validate_args(&v, argc, argv);
	print_close_array();
	print_open_array("skipped");
	for (size_t i = 0; i < v.n_skipped; i++) {
		print_string(NULL, NULL, v.skipped[i]);
		free(v.skipped[i]);
	}
	free(v.skipped);
	print_close_array();
	if (r == 0 && v.checked == 0) {
		vswapctl_error("no policy (*.json) or attachment (*.conf) file to validate");
		v.bad = true;
	}
	print_bool("valid", NULL, r == 0 && !v.bad);
	print_uint("checked", NULL, v.checked);
	free(v.first_default);
	int pr = print_end();
	return r < 0 ? r : v.missing ? -ENOENT : v.bad ? -EBADMSG : pr;
}

int verb_schema(int argc, char **argv, const struct vswapctl_options *opts)
{
	vswap_policy_print_schema(stdout);
	return fflush(stdout) == 0 ? 0 : negative_errno();
}
