/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl validate / schema: policy files without a daemon (fleet CI). */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>

#include "context.h"
#include "output.h"
#include "policy.h"
#include "policyset.h"
#include "util.h"
#include "vswapctl.h"

/* Policy name from a file name: "dir/batch.json" -> "batch". */
static char *policy_name(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(base);

	if (n > 5 && streq(base + n - 5, ".json"))
		n -= 5;
	return strndup(base, n);
}

static void report(struct json_object *files, const char *path,
		   const struct vswap_policy_error *err, const char *io_error)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "file", json_object_new_string(path));
	json_object_object_add(o, "valid", json_object_new_boolean(!err && !io_error));
	if (err) {
		json_object_object_add(o, "line", json_object_new_int((int)err->line));
		json_object_object_add(o, "column", json_object_new_int((int)err->column));
		json_object_object_add(o, "field", json_object_new_string(err->field));
		json_object_object_add(o, "message", json_object_new_string(err->what));
	} else if (io_error)
		json_object_object_add(o, "message", json_object_new_string(io_error));
	json_object_array_add(files, o);
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), l = strlen(suffix);

	return n > l && streq(s + n - l, suffix);
}

/* An attachment (*.conf): below an attach.d directory it names its cgroup, else a unit's. */
static int validate_attachment(const char *path, const char *text, size_t len, bool json,
			       struct json_object *files)
{
	enum vswap_attach_kind kind =
	    strstr(path, "attach.d/") ? VSWAP_ATTACH_CGROUP : VSWAP_ATTACH_UNIT;
	struct vswap_policy_error err = {};
	struct vswap_attachment a = {};
	int r = vswap_attach_parse(text, len, kind, &a, &err);

	if (r < 0) {
		if (!json)
			vswapctl_print_error(path, &err);
		report(files, path, &err, r == -EBADMSG ? NULL : strerror(-r));
		return 1;
	}
	if (!json)
		printf("%s: valid (attaches %s)\n", path, a.policy ? a.policy : "nothing");
	report(files, path, NULL, NULL);
	vswap_attachment_clear(&a);
	return 0;
}

/* 0 valid, 1 invalid: never partially "valid". */
/*
 * One file. first_default holds the first policy without "match" seen among the files
 * checked together (a directory, or the files named): vswapd refuses a second one.
 */
static int validate_file(const char *path, bool json, struct json_object *files,
			 char **first_default)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *name = policy_name(path);
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;
	size_t len;
	int r = vswap_read_file(path, &text, &len);

	if (r < 0) {
		if (!json)
			fprintf(stderr, "%s: %s\n", path, strerror(-r));
		report(files, path, NULL, strerror(-r));
		return 1;
	}
	if (has_suffix(path, ".conf"))
		return validate_attachment(path, text, len, json, files);
	r = vswap_policy_parse(text, len, name, path, &p, &err);
	if (r < 0) {
		if (!json)
			vswapctl_print_error(path, &err);
		report(files, path, &err, r == -EBADMSG ? NULL : strerror(-r));
		return 1;
	}
	bool second_default = p->match_kind == VSWAP_MATCH_DEFAULT && *first_default;
	if (second_default) {
		err = (struct vswap_policy_error){.line = 1, .column = 1};
		snprintf(err.what, sizeof(err.what),
			 "a second default policy (no \"match\"): %s is one", *first_default);
		if (!json)
			fprintf(stderr, "%s:1:1: %s\n", path, err.what);
		report(files, path, &err, NULL);
	} else if (!json)
		printf("%s: valid (policy \"%s\")\n", path, p->name);
	if (!second_default)
		report(files, path, NULL, NULL);
	if (p->match_kind == VSWAP_MATCH_DEFAULT && !*first_default)
		*first_default = strdup(path);
	vswap_policy_free(p);
	return second_default;
}

/* Every *.json in a directory, in name order (the order the daemon reads them). */
static int validate_dir(const char *dir, bool json, struct json_object *files)
{
	_cleanup_free_ char *first_default = NULL;
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	int bad = 0;

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		if (name[0] != '.' && (has_suffix(name, ".json") || has_suffix(name, ".conf"))) {
			_cleanup_free_ char *path = NULL;
			if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
				bad = 1;
			else
				bad |= validate_file(path, json, files, &first_default);
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

/* No files named: the whole configuration below the root, as vswapd would load it. */
static int validate_root(const struct vswapctl_options *opts, struct json_object *files)
{
	struct vswap_ctx *ctx = NULL;
	struct vswap_policy_set *set = NULL;
	struct vswap_policy_load_errors errs;

	if (vswapctl_open_config(opts, &ctx) < 0)
		return 1;
	int r = vswap_policy_set_load(ctx, &set, &errs);
	for (size_t i = 0; r == -EBADMSG && i < errs.n && i < ELEMENTSOF(errs.errors); i++) {
		const struct vswap_policy_load_error *e = &errs.errors[i];
		if (!opts->json)
			vswapctl_print_error(e->path, &e->err);
		report(files, e->path, &e->err, NULL);
	}
	if (r < 0 && r != -EBADMSG)
		vswapctl_error("cannot load the configuration: %s", strerror(-r));
	if (r == 0 && !opts->json)
		printf("%s: valid (%zu policies, %zu attachments)\n", ctx->root, set->n,
		       set->attachments.n);
	vswap_policy_set_free(set);
	vswap_ctx_free(ctx);
	return r < 0;
}

int verb_validate(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct json_object *files = json_object_new_array();
	_cleanup_free_ char *first_default = NULL;
	int bad = argc == 0 ? validate_root(opts, files) : 0;

	for (int i = 0; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			bad |= validate_dir(argv[i], opts->json, files);
		else
			bad |= validate_file(argv[i], opts->json, files, &first_default);
	}
	if (opts->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "valid", json_object_new_boolean(!bad));
		json_object_object_add(o, "files", files);
		json_print(o, stdout);
		json_object_put(o);
	} else
		json_object_put(files);
	return bad ? VSWAPCTL_EXIT_FAILURE : VSWAPCTL_EXIT_OK;
}

int verb_schema(int argc, char **argv, const struct vswapctl_options *opts)
{
	vswap_policy_print_schema(stdout);
	return VSWAPCTL_EXIT_OK;
}
