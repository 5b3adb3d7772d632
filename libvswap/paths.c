/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "paths.h"

#include "util.h"

/* systemd's order for every *.d directory (units, sysctl.d, tmpfiles.d): the admin's /etc
 * over the runtime /run over the vendor's /usr/lib. */
const char *const vswap_policy_dirs[VSWAP_LAYER_COUNT] = {
    "usr/lib/vswapd/policies.d",
    "run/vswapd/policies.d",
    "etc/vswapd/policies.d",
};

const char *const vswap_attach_dirs[VSWAP_LAYER_COUNT] = {
    "usr/lib/vswapd/attach.d",
    "run/vswapd/attach.d",
    "etc/vswapd/attach.d",
};

const char *const vswap_unit_dirs[VSWAP_LAYER_COUNT] = {
    "usr/lib/systemd/system",
    "run/systemd/system",
    "etc/systemd/system",
};

/* Highest precedence first: the first that exists is the main file (systemd's rule for a
 * daemon's main configuration file). */
const char *const vswap_daemon_conf_main_files[VSWAP_LAYER_COUNT] = {
    "etc/vswapd/vswapd.conf",
    "run/vswapd/vswapd.conf",
    "usr/lib/vswapd/vswapd.conf",
};

const char *const vswap_daemon_conf_dirs[VSWAP_LAYER_COUNT] = {
    "usr/lib/vswapd/vswapd.conf.d",
    "run/vswapd/vswapd.conf.d",
    "etc/vswapd/vswapd.conf.d",
};

const char *vswap_root_resolve(const char *given)
{
	if (given && *given)
		return given;
	const char *env = getenv("VSWAP_ROOT");
	return env && *env ? env : "/";
}

int vswap_root_path(const char *root, const char *rel, size_t max_len, char **ret)
{
	char *path = NULL;
	size_t n = strlen(root);

	while (n > 0 && root[n - 1] == '/')
		n--;
	if (asprintf(&path, "%.*s/%s", (int)n, root, rel + strspn(rel, "/")) < 0)
		return -ENOMEM;
	if (max_len && strlen(path) >= max_len) {
		free(path);
		return -ENAMETOOLONG;
	}
	*ret = path;
	return 0;
}
