/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemonconf.h"

#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <syslog.h>

#include "paths.h"
#include "text.h"
#include "util.h"

int vswap_daemon_conf_init(struct vswap_daemon_conf *c)
{
	*c = (struct vswap_daemon_conf){
	    .log_level = LOG_INFO,
	    .control_socket = strdup(VSWAP_CONTROL_SOCKET_DEFAULT),
	    .metrics_interval_s = 15,
	    .max_backoff = 64,
	};
	return c->control_socket ? 0 : -ENOMEM;
}

void vswap_daemon_conf_done(struct vswap_daemon_conf *c)
{
	free(c->control_socket);
	free(c->metrics_file);
	*c = (struct vswap_daemon_conf){};
}

int vswap_log_level_from_string(const char *s)
{
	static const char *const names[] = {[LOG_ERR] = "err",
					    [LOG_WARNING] = "warning",
					    [LOG_NOTICE] = "notice",
					    [LOG_INFO] = "info",
					    [LOG_DEBUG] = "debug"};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (names[i] && streq(names[i], s))
			return (int)i;
	return -EINVAL;
}

static int parse_bool(const char *v, bool *ret)
{
	static const char *const yes[] = {"1", "yes", "true", "on"};
	static const char *const no[] = {"0", "no", "false", "off"};

	for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
		if (streq(v, yes[i]))
			return *ret = true, 0;
		if (streq(v, no[i]))
			return *ret = false, 0;
	}
	return -EINVAL;
}

static int parse_number(const char *v, double lo, double hi, double *ret)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v || *end || !isfinite(d) || d < lo || d > hi)
		return -EINVAL;
	*ret = d;
	return 0;
}

/* A path inside the root, kept without its leading '/'; no ".." component. */
static int parse_path(const char *v, char **dst)
{
	const char *p = v + strspn(v, "/");

	if (!*p || streq(p, "..") || !strncmp(p, "../", 3) || strstr(p, "/../") ||
	    (strlen(p) >= 3 && streq(p + strlen(p) - 3, "/..")))
		return -EINVAL;
	char *d = strdup(p);
	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

enum key_type { KEY_BOOL, KEY_LOG_LEVEL, KEY_PATH, KEY_SECONDS, KEY_FACTOR };

static const struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	const char *expected;
} keys[] = {
    {"DryRun", KEY_BOOL, offsetof(struct vswap_daemon_conf, dry_run),
     "a boolean (yes, no, true, false, on, off, 1, 0)"},
    {"LogLevel", KEY_LOG_LEVEL, offsetof(struct vswap_daemon_conf, log_level),
     "err, warning, notice, info or debug"},
    {"ControlSocket", KEY_PATH, offsetof(struct vswap_daemon_conf, control_socket),
     "a path without \"..\" components"},
    {"MetricsFile", KEY_PATH, offsetof(struct vswap_daemon_conf, metrics_file),
     "a path without \"..\" components"},
    {"MetricsInterval", KEY_SECONDS, offsetof(struct vswap_daemon_conf, metrics_interval_s),
     "seconds from 1 to 3600"},
    {"MaxBackoff", KEY_FACTOR, offsetof(struct vswap_daemon_conf, max_backoff),
     "a factor from 1 to 1024"},
};

int vswap_daemon_conf_set(struct vswap_daemon_conf *c, const char *key, const char *value,
			  const char **ret_what)
{
	const struct key *k = NULL;
	int r = -EINVAL;

	for (size_t i = 0; i < ELEMENTSOF(keys) && !k; i++)
		if (streq(keys[i].name, key))
			k = &keys[i];
	if (!k)
		return -ENOKEY;
	void *field = (char *)c + k->offset;
	switch (k->type) {
	case KEY_BOOL:
		r = parse_bool(value, field);
		break;
	case KEY_LOG_LEVEL:
		r = vswap_log_level_from_string(value);
		if (r >= 0)
			*(int *)field = r, r = 0;
		break;
	case KEY_PATH:
		r = parse_path(value, field);
		break;
	case KEY_SECONDS:
		r = parse_number(value, 1, 3600, field);
		break;
	case KEY_FACTOR:
		r = parse_number(value, 1, 1024, field);
		break;
	}
	if (r == -EINVAL && ret_what)
		*ret_what = k->expected;
	return r;
}

/* The main file: the first of vswap_daemon_conf_main_files that exists. 1 found, 0 none. */
static int main_file(const struct vswap_ctx *ctx, struct vswap_conf_file *ret)
{
	bool found = false;

	*ret = (struct vswap_conf_file){};
	for (size_t i = 0; i < VSWAP_LAYER_COUNT; i++) {
		_cleanup_close_ int fd =
		    vswap_open_beneath(ctx->root_fd, vswap_daemon_conf_main_files[i], O_PATH);
		if (fd == -ENOENT || fd == -ENOTDIR)
			continue;
		if (fd < 0)
			return fd;
		if (found) {
			ret->n_overridden++;
			continue;
		}
		found = true;
		snprintf(ret->name, sizeof(ret->name), "vswapd.conf");
		snprintf(ret->path, sizeof(ret->path), "/%s", vswap_daemon_conf_main_files[i]);
	}
	return found;
}

int vswap_daemon_conf_files(const struct vswap_ctx *ctx, struct vswap_conf_files *ret)
{
	struct vswap_conf_files drop = {};
	struct vswap_conf_file main;
	int r = main_file(ctx, &main);

	if (r < 0)
		return r;
	int found = r;
	r = vswap_conf_files_list(ctx, vswap_daemon_conf_dirs, VSWAP_LAYER_COUNT, ".conf", &drop);
	if (r < 0)
		return r;
	if (found) {
		struct vswap_conf_file *f = reallocarray(drop.f, drop.n + 1, sizeof(*f));
		if (!f) {
			vswap_conf_files_clear(&drop);
			return -ENOMEM;
		}
		memmove(f + 1, f, drop.n * sizeof(*f));
		f[0] = main;
		drop.f = f;
		drop.n++;
	}
	*ret = drop;
	return 0;
}

/* What to say of an unknown key: the one it most likely meant, or the list. */
static const char *unknown_key(const char *key)
{
	static char what[128];
	const char *names[ELEMENTSOF(keys)];

	for (size_t i = 0; i < ELEMENTSOF(keys); i++)
		names[i] = keys[i].name;
	const char *guess = vswap_closest(key, names, ELEMENTSOF(keys));
	if (!guess)
		return "unknown key (DryRun, LogLevel, ControlSocket, MetricsFile, "
		       "MetricsInterval, MaxBackoff)";
	snprintf(what, sizeof(what), "unknown key: did you mean %s?", guess);
	return what;
}

struct line_error {
	unsigned column;
	const char *field;
	const char *what;
};

static char *trim(char *s, char **ret_end)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	if (ret_end)
		*ret_end = e;
	return s;
}

/* One line; the error's column counts from 1. */
static int parse_line(struct vswap_daemon_conf *c, char *line, bool *in_daemon,
		      struct line_error *err)
{
	char *s = trim(line, NULL);

	*err = (struct line_error){.column = (unsigned)(s - line) + 1, .field = ""};
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		*in_daemon = streq(s, "[Daemon]");
		return 0;
	}
	char *eq = strchr(s, '=');
	if (!eq)
		return err->what = "expected KEY=VALUE", -EINVAL;
	if (!*in_daemon)
		return err->what = "setting outside the [Daemon] section", -EINVAL;
	*eq = '\0';
	const char *key = trim(s, NULL), *value = trim(eq + 1, NULL);
	err->field = key;
	int r = vswap_daemon_conf_set(c, key, value, &err->what);
	if (r == -ENOKEY)
		err->what = unknown_key(key);
	else if (r == -EINVAL)
		err->column = (unsigned)(value - line) + 1;
	return r == -ENOMEM ? r : r < 0 ? -EINVAL : 0;
}

static void add_error(struct vswap_policy_load_errors *errs, const char *path, unsigned line,
		      const struct line_error *le)
{
	struct vswap_policy_error e = {.line = line, .column = le->column};

	snprintf(e.field, sizeof(e.field), "%s", le->field);
	snprintf(e.what, sizeof(e.what), "%s", le->what);
	vswap_policy_load_error_add(errs, path, &e, NULL);
}

static int load_file(const struct vswap_ctx *ctx, const char *path, struct vswap_daemon_conf *c,
		     struct vswap_policy_load_errors *errs)
{
	_cleanup_free_ char *text = NULL;
	bool in_daemon = false;
	unsigned line = 0;
	size_t len;
	int r = vswap_read_root(ctx, path + 1, &text, &len);

	if (r < 0) {
		vswap_policy_load_error_add(errs, path, NULL, strerror(-r));
		return r == -ENOMEM ? r : 0;
	}
	if (strlen(text) != len) {
		vswap_policy_load_error_add(errs, path, NULL, "a NUL byte in the file");
		return 0;
	}
	for (char *l = text, *next; l && *l; l = next) {
		struct line_error le;
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		r = parse_line(c, l, &in_daemon, &le);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			add_error(errs, path, line, &le);
	}
	return 0;
}

static int conf_copy(const struct vswap_daemon_conf *from, struct vswap_daemon_conf *to)
{
	*to = *from;
	to->control_socket = from->control_socket ? strdup(from->control_socket) : NULL;
	to->metrics_file = from->metrics_file ? strdup(from->metrics_file) : NULL;
	if ((from->control_socket && !to->control_socket) ||
	    (from->metrics_file && !to->metrics_file)) {
		vswap_daemon_conf_done(to);
		return -ENOMEM;
	}
	return 0;
}

int vswap_daemon_conf_load(const struct vswap_ctx *ctx, struct vswap_daemon_conf *c,
			   struct vswap_policy_load_errors *errs)
{
	struct vswap_conf_files files = {};
	struct vswap_daemon_conf next;

	*errs = (struct vswap_policy_load_errors){};
	int r = vswap_daemon_conf_files(ctx, &files);
	if (r < 0)
		return r;
	r = conf_copy(c, &next);
	for (size_t i = 0; r == 0 && i < files.n; i++)
		if (!files.f[i].masked)
			r = load_file(ctx, files.f[i].path, &next, errs);
	vswap_conf_files_clear(&files);
	if (r == 0 && errs->n > 0)
		r = -EBADMSG;
	if (r < 0) {
		vswap_daemon_conf_done(&next);
		return r;
	}
	vswap_daemon_conf_done(c);
	*c = next;
	return 0;
}
