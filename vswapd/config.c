/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "log.h"
#include "util.h"

#define CONFIG_FILE    "etc/vswapd/vswapd.conf"
#define CONFIG_DROPINS "etc/vswapd/vswapd.conf.d"

void config_init(struct config *c)
{
	*c = (struct config){
	    .log_level = LOG_INFO,
	    .control_socket = strdup("run/vswapd/control"),
	    .metrics_interval_s = 15,
	    .max_backoff = 64,
	};
}

void config_done(struct config *c)
{
	free(c->root);
	free(c->control_socket);
	free(c->metrics_file);
	*c = (struct config){};
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

static int parse_seconds(const char *v, double lo, double hi, double *ret)
{
	char *end;
	double d = strtod(v, &end);

	if (end == v || *end || !isfinite(d) || d < lo || d > hi)
		return -EINVAL;
	*ret = d;
	return 0;
}

/* A path inside the root, stored without its leading '/'. */
static int set_path(char **dst, const char *v)
{
	if (!*v || strstr(v, ".."))
		return -EINVAL;
	char *d = strdup(v + strspn(v, "/"));
	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

int config_set(struct config *c, const char *key, const char *value)
{
	int level;

	if (streq(key, "DryRun"))
		return parse_bool(value, &c->dry_run);
	if (streq(key, "LogLevel")) {
		level = log_level_from_string(value);
		if (level < 0)
			return level;
		c->log_level = level;
		return 0;
	}
	if (streq(key, "ControlSocket"))
		return set_path(&c->control_socket, value);
	if (streq(key, "MetricsFile"))
		return set_path(&c->metrics_file, value);
	if (streq(key, "MetricsInterval"))
		return parse_seconds(value, 1, 3600, &c->metrics_interval_s);
	if (streq(key, "MaxBackoff"))
		return parse_seconds(value, 1, 1024, &c->max_backoff);
	return -EINVAL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_line(struct config *c, char *line, bool *in_daemon, const char **what)
{
	char *s = trim(line);

	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		*in_daemon = streq(s, "[Daemon]");
		return 0;
	}
	char *eq = strchr(s, '=');
	if (!eq)
		return *what = "expected KEY=VALUE", -EINVAL;
	if (!*in_daemon)
		return *what = "setting outside the [Daemon] section", -EINVAL;
	*eq = '\0';
	if (config_set(c, trim(s), trim(eq + 1)) < 0)
		return *what = "unknown key or invalid value", -EINVAL;
	return 0;
}

static int load_file(struct config *c, int root_fd, const char *path)
{
	_cleanup_free_ char *text = NULL;
	bool in_daemon = false;
	unsigned line = 0;
	size_t len;
	int r = vswap_read_at(root_fd, path, &text, &len);

	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		fprintf(stderr, "vswapd: cannot read /%s: %s\n", path, strerror(-r));
		return r;
	}
	for (char *l = text, *next; l && *l; l = next) {
		const char *what = NULL;
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		if (parse_line(c, l, &in_daemon, &what) < 0) {
			fprintf(stderr, "vswapd: /%s:%u: %s: %s\n", path, line, what, trim(l));
			return -EBADMSG;
		}
	}
	return 0;
}

int config_load(struct config *c, const char *root)
{
	_cleanup_close_ int root_fd = open(root ? root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct dirent **names = NULL;
	int r;

	if (root_fd < 0) {
		r = negative_errno();
		fprintf(stderr, "vswapd: cannot open the root %s: %s\n", root ? root : "/",
			strerror(-r));
		return r;
	}
	r = load_file(c, root_fd, CONFIG_FILE);
	_cleanup_close_ int dfd =
	    vswap_open_beneath(root_fd, CONFIG_DROPINS, O_RDONLY | O_DIRECTORY);
	if (r < 0 || dfd < 0)
		return r;
	int n = scandirat(dfd, ".", &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(names[i]->d_name);
		if (r == 0 && l > 5 && streq(names[i]->d_name + l - 5, ".conf")) {
			char path[512];
			snprintf(path, sizeof(path), CONFIG_DROPINS "/%s", names[i]->d_name);
			r = load_file(c, root_fd, path);
		}
		free(names[i]);
	}
	free(names);
	return r;
}
