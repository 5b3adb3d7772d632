/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "attach.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>

#include "cgroup.h"
#include "confdirs.h"
#include "loaderror.h"
#include "paths.h"
#include "unitname.h"
#include "util.h"

#define SECTION "X-VSwap"

static int fail(struct vswap_policy_error *err, unsigned line, unsigned column, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct vswap_policy_error *err, unsigned line, unsigned column, const char *key,
		const char *fmt, ...)
{
	va_list ap;

	if (err) {
		*err = (struct vswap_policy_error){.line = line, .column = column};
		snprintf(err->field, sizeof(err->field), "%s", key);
		va_start(ap, fmt);
		vsnprintf(err->what, sizeof(err->what), fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static char *strip(char *s)
{
	char *e = s + strlen(s);

	while (isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One "Key=Value" line of [X-VSwap]. */
static int parse_setting(char *line, unsigned lineno, char *start, struct vswap_attachment *a,
			 struct vswap_policy_error *err)
{
	char *eq = strchr(line, '=');

	if (!eq)
		return fail(err, lineno, (unsigned)(line - start) + 1, "",
			    "expected Key=Value in [" SECTION "]");
	*eq = '\0';
	char *key = strip(line), *value = strip(eq + 1);
	unsigned column = (unsigned)(value - start) + 1;
	char **dst = streq(key, "Policy") ? &a->policy : streq(key, "Cgroup") ? &a->target : NULL;

	if (!dst)
		return fail(err, lineno, (unsigned)(key - start) + 1, key,
			    "unknown key \"%s\" in [" SECTION "] (known: Policy=, Cgroup=)", key);
	if (dst == &a->target && a->kind != VSWAP_ATTACH_CGROUP)
		return fail(err, lineno, (unsigned)(key - start) + 1, key,
			    "Cgroup= belongs in attach.d files; a unit's drop-in is for its unit");
	if (dst == &a->policy && *value && !vswap_policy_name_valid(value))
		return fail(err, lineno, column, key, "not a policy name (%s)",
			    VSWAP_POLICY_NAME_RULE);
	if (dst == &a->target && !vswap_cgroup_path_valid(value))
		return fail(err, lineno, column, key,
			    "\"%s\" is not a cgroup path (\"/a/b\", no \"..\")", value);
	free(*dst);
	*dst = *value ? strdup(value) : NULL;
	if (*value && !*dst)
		return -ENOMEM;
	if (dst == &a->policy) {
		a->line = lineno;
		a->column = column;
	}
	return 0;
}

int vswap_attach_parse(const char *text, size_t len, enum vswap_attach_kind kind,
		       struct vswap_attachment *ret, struct vswap_policy_error *err)
{
	_cleanup_free_ char *copy = strndup(text, len);
	struct vswap_attachment a = {.kind = kind};
	bool in_section = false, seen = false;
	unsigned lineno = 0;
	int r = copy ? 0 : -ENOMEM;

	if (r == 0 && strlen(copy) != len)
		r = fail(err, 1, 1, "", "a NUL byte in the file");
	for (char *line = copy, *next; r == 0 && line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *s = strip(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			in_section = streq(s, "[" SECTION "]");
			seen = seen || in_section;
		} else if (in_section)
			r = parse_setting(s, lineno, line, &a, err);
	}
	if (r == 0 && seen && kind == VSWAP_ATTACH_CGROUP && !a.target)
		r = fail(err, a.line ? a.line : 1, 1, "Cgroup",
			 "an attach.d file needs Cgroup=/path");
	if (r == 0 && kind == VSWAP_ATTACH_CGROUP && !seen)
		r = fail(err, 1, 1, "", "no [" SECTION "] section");
	if (r < 0) {
		vswap_attachment_clear(&a);
		return r;
	}
	*ret = a;
	return 0;
}

void vswap_attachment_clear(struct vswap_attachment *a)
{
	a->target = mfree(a->target);
	a->policy = mfree(a->policy);
	a->source = mfree(a->source);
}

void vswap_attachments_clear(struct vswap_attachments *as)
{
	for (size_t i = 0; i < as->n; i++)
		vswap_attachment_clear(&as->a[i]);
	as->a = mfree(as->a);
	as->n = 0;
}

const struct vswap_attachment *vswap_attachments_find(const struct vswap_attachments *as,
						      enum vswap_attach_kind kind,
						      const char *target)
{
	for (size_t i = 0; i < as->n; i++)
		if (as->a[i].kind == kind && streq(as->a[i].target, target))
			return &as->a[i];
	return NULL;
}

static int push(struct vswap_attachments *as, struct vswap_attachment *a)
{
	struct vswap_attachment *na = reallocarray(as->a, as->n + 1, sizeof(*na));

	if (!na)
		return -ENOMEM;
	as->a = na;
	as->a[as->n++] = *a;
	*a = (struct vswap_attachment){};
	return 0;
}

/* Read and parse one file; 1 when it attached something, 0 when not (or on a file error). */
static int read_one(const struct vswap_ctx *ctx, const char *path, enum vswap_attach_kind kind,
		    struct vswap_attachment *ret, struct vswap_policy_load_errors *errs)
{
	_cleanup_free_ char *text = NULL;
	struct vswap_policy_error perr = {};
	size_t len;
	int r = vswap_read_root(ctx, path + 1, &text, &len);

	if (r < 0) {
		vswap_policy_load_error_add(errs, path, NULL, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	r = vswap_attach_parse(text, len, kind, ret, &perr);
	if (r == -EBADMSG) {
		vswap_policy_load_error_add(errs, path, &perr, NULL);
		return 0;
	}
	if (r < 0)
		return r;
	ret->source = strdup(path);
	return ret->source ? 1 : -ENOMEM;
}

static int load_cgroups(const struct vswap_ctx *ctx, struct vswap_attachments *as,
			struct vswap_policy_load_errors *errs)
{
	struct vswap_conf_files fs = {};
	int r = vswap_conf_files_list(ctx, vswap_attach_dirs, VSWAP_LAYER_COUNT, ".conf", &fs);

	for (size_t i = 0; r >= 0 && i < fs.n; i++) {
		struct vswap_attachment a = {};
		if (fs.f[i].masked)
			continue;
		r = read_one(ctx, fs.f[i].path, VSWAP_ATTACH_CGROUP, &a, errs);
		const struct vswap_attachment *dup =
		    r > 0 && a.policy ? vswap_attachments_find(as, a.kind, a.target) : NULL;
		if (dup) {
			struct vswap_policy_error e = {.line = a.line, .column = 1};
			snprintf(e.what, sizeof(e.what), "%s is attached by %s already", a.target,
				 dup->source);
			vswap_policy_load_error_add(errs, a.source, &e, NULL);
		} else if (r > 0 && a.policy)
			r = push(as, &a);
		vswap_attachment_clear(&a);
	}
	vswap_conf_files_clear(&fs);
	return r < 0 ? r : 0;
}

/* The drop-ins of one unit, in systemd's order: the last Policy= set wins, "" resets. */
static int load_unit(const struct vswap_ctx *ctx, const char *unit, struct vswap_attachments *as,
		     struct vswap_policy_load_errors *errs)
{
	struct vswap_conf_files fs = {};
	struct vswap_attachment last = {};
	char dirs[VSWAP_LAYER_COUNT][320];
	const char *dirp[VSWAP_LAYER_COUNT];

	for (size_t i = 0; i < VSWAP_LAYER_COUNT; i++) {
		snprintf(dirs[i], sizeof(dirs[i]), "%s/%s.d", vswap_unit_dirs[i], unit);
		dirp[i] = dirs[i];
	}
	int r = vswap_conf_files_list(ctx, dirp, VSWAP_LAYER_COUNT, ".conf", &fs);
	for (size_t i = 0; r >= 0 && i < fs.n; i++) {
		struct vswap_attachment a = {};
		if (fs.f[i].masked)
			continue;
		r = read_one(ctx, fs.f[i].path, VSWAP_ATTACH_UNIT, &a, errs);
		if (r > 0 && (a.policy || a.line)) { /* a Policy= line: set or reset */
			vswap_attachment_clear(&last);
			last = a;
		} else
			vswap_attachment_clear(&a);
	}
	vswap_conf_files_clear(&fs);
	if (r >= 0 && last.policy) {
		last.target = strdup(unit);
		r = last.target ? push(as, &last) : -ENOMEM;
	}
	vswap_attachment_clear(&last);
	return r < 0 ? r : 0;
}

static bool is_dropin_dir(const char *name, char unit[static 256])
{
	size_t n = strlen(name);

	if (n < 3 || n - 2 >= 256 || !streq(name + n - 2, ".d"))
		return false;
	snprintf(unit, 256, "%.*s", (int)(n - 2), name);
	return vswap_unit_name_valid(unit);
}

/* Every UNIT.d of one unit directory, whose unit is not already done. */
static int load_units_in(const struct vswap_ctx *ctx, const char *dir, struct vswap_attachments *as,
			 char ***done, size_t *n_done, struct vswap_policy_load_errors *errs)
{
	_cleanup_close_ int fd = vswap_open_beneath(ctx->root_fd, dir, O_RDONLY | O_DIRECTORY);
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int r = 0;

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0 || !(d = fdopendir(fd)))
		return fd < 0 ? fd : negative_errno();
	fd = -1; /* owned by d now */
	while (r == 0 && (de = readdir(d))) {
		char unit[256];
		bool seen = false;
		if (!is_dropin_dir(de->d_name, unit))
			continue;
		for (size_t i = 0; i < *n_done && !seen; i++)
			seen = streq((*done)[i], unit);
		if (seen)
			continue;
		char **nd = reallocarray(*done, *n_done + 1, sizeof(*nd));
		if (!nd || !(nd[*n_done] = strdup(unit))) {
			*done = nd ? nd : *done;
			return -ENOMEM;
		}
		*done = nd;
		(*n_done)++;
		r = load_unit(ctx, unit, as, errs);
	}
	return r;
}

static int load_units(const struct vswap_ctx *ctx, struct vswap_attachments *as,
		      struct vswap_policy_load_errors *errs)
{
	char **done = NULL;
	size_t n_done = 0;
	int r = 0;

	for (size_t i = 0; r == 0 && i < VSWAP_LAYER_COUNT; i++)
		r = load_units_in(ctx, vswap_unit_dirs[i], as, &done, &n_done, errs);
	for (size_t i = 0; i < n_done; i++)
		free(done[i]);
	free(done);
	return r;
}

int vswap_attachments_load(const struct vswap_ctx *ctx, struct vswap_attachments *ret,
			   struct vswap_policy_load_errors *errs)
{
	struct vswap_attachments as = {};
	int r = load_cgroups(ctx, &as, errs);

	if (r == 0)
		r = load_units(ctx, &as, errs);
	if (r < 0) {
		vswap_attachments_clear(&as);
		return r;
	}
	*ret = as;
	return 0;
}

/* systemd-escape --path: "/a/b-c" -> "a-b\x2dc". */
static int escape_path(const char *path, char **ret)
{
	size_t n = strlen(path);
	char *out = malloc(4 * n + 1), *o = out;

	if (!out)
		return -ENOMEM;
	while (*path == '/')
		path++;
	for (const char *p = path; *p; p++) {
		bool last_slash = *p == '/' && p[1] == '\0';
		if (*p == '/' && !last_slash)
			*o++ = '-';
		else if (last_slash)
			continue;
		else if (isalnum((unsigned char)*p) || *p == '_' || (*p == '.' && p != path))
			*o++ = *p;
		else
			o += sprintf(o, "\\x%02x", (unsigned char)*p);
	}
	*o = '\0';
	*ret = out;
	return 0;
}

int vswap_attach_file(enum vswap_attach_kind kind, const char *target, const char *dir, char **ret)
{
	_cleanup_free_ char *escaped = NULL;
	int r;

	if (kind == VSWAP_ATTACH_UNIT) {
		if (!vswap_unit_name_valid(target))
			return -EINVAL;
		r = asprintf(ret, "%s/systemd/system/%s.d/50-vswap.conf", dir, target);
		return r < 0 ? -ENOMEM : 0;
	}
	if (!vswap_cgroup_path_valid(target) || streq(target, "/"))
		return -EINVAL;
	r = escape_path(target, &escaped);
	if (r < 0)
		return r;
	r = asprintf(ret, "%s/vswapd/attach.d/%s.conf", dir, escaped);
	return r < 0 ? -ENOMEM : 0;
}
