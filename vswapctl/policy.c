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

/* 0 valid, 1 invalid: never partially "valid". */
static int validate_file(const char *path, bool json, struct json_object *files)
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
	r = vswap_policy_parse(text, len, name, path, &p, &err);
	if (r < 0) {
		if (!json)
			fprintf(stderr, "%s:%u:%u: %s%s%s\n", path, err.line, err.column, err.field,
				*err.field ? ": " : "", err.what);
		report(files, path, &err, r == -EBADMSG ? NULL : strerror(-r));
		return 1;
	}
	if (!json)
		printf("%s: valid (policy \"%s\")\n", path, p->name);
	report(files, path, NULL, NULL);
	vswap_policy_free(p);
	return 0;
}

/* Every *.json in a directory, in name order (the order the daemon reads them). */
static int validate_dir(const char *dir, bool json, struct json_object *files)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	int bad = 0;

	if (n < 0) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		size_t l = strlen(names[i]->d_name);
		if (l > 5 && streq(names[i]->d_name + l - 5, ".json")) {
			_cleanup_free_ char *path = NULL;
			if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
				bad = 1;
			else
				bad |= validate_file(path, json, files);
		}
		free(names[i]);
	}
	free(names);
	return bad;
}

int verb_validate(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct json_object *files = json_object_new_array();
	int bad = 0;

	for (int i = 0; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			bad |= validate_dir(argv[i], opts->json, files);
		else
			bad |= validate_file(argv[i], opts->json, files);
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
