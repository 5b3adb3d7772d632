/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapd: applies vswap policies to cgroups. See vswapd(8). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "daemonconf.h"
#include "loaderror.h"
#include "log.h"
#include "manager.h"
#include "util.h"

static void help(void)
{
	printf(
	    "Usage: vswapd [OPTIONS]\n\n"
	    "Apply virtual swap policies (memory.vswap.*, zswap, writeback, proactive offload)\n"
	    "to cgroups, driven by memory pressure.\n\n"
	    "Options (each overrides vswapd.conf and its vswapd.conf.d/*.conf drop-ins):\n"
	    "  --root DIR              Every path below DIR (default: $VSWAP_ROOT or /)\n"
	    "  --dry-run               Decide and log, write nothing      (DryRun=no)\n"
	    "  --log-level LEVEL       err|warning|notice|info|debug       (LogLevel=info)\n"
	    "  --control-socket PATH   Control socket                      "
	    "(ControlSocket=/run/vswapd/control)\n"
	    "  --metrics-file PATH     node_exporter textfile, off if unset (MetricsFile=)\n"
	    "  --metrics-interval S    Seconds between textfile writes     (MetricsInterval=15)\n"
	    "  --max-backoff N         Quiet cgroups sampled every interval x N at most "
	    "(MaxBackoff=64)\n"
	    "  -h, --help              Show this help\n"
	    "  --version               Show the version\n\n"
	    "Policies: /usr/lib/vswapd/policies.d < /run/vswapd/policies.d <\n"
	    "/etc/vswapd/policies.d (*.json, see vswap-policy(5)); reloaded on SIGHUP and on\n"
	    "change. See vswapd(8).\n");
}

enum {
	OPT_ROOT = 0x100,
	OPT_DRY_RUN,
	OPT_LOG_LEVEL,
	OPT_SOCKET,
	OPT_METRICS,
	OPT_METRICS_INT,
	OPT_BACKOFF,
	OPT_VERSION
};

static const struct option options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"control-socket", required_argument, NULL, OPT_SOCKET},
    {"metrics-file", required_argument, NULL, OPT_METRICS},
    {"metrics-interval", required_argument, NULL, OPT_METRICS_INT},
    {"max-backoff", required_argument, NULL, OPT_BACKOFF},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {},
};

/* The vswapd.conf key an option sets. */
static const char *option_key(int c)
{
	switch (c) {
	case OPT_DRY_RUN:
		return "DryRun";
	case OPT_LOG_LEVEL:
		return "LogLevel";
	case OPT_SOCKET:
		return "ControlSocket";
	case OPT_METRICS:
		return "MetricsFile";
	case OPT_METRICS_INT:
		return "MetricsInterval";
	case OPT_BACKOFF:
		return "MaxBackoff";
	}
	return NULL;
}

/* The configuration files below root, each error as FILE:LINE:COLUMN on stderr. */
static int load_files(const char *root, struct vswap_daemon_conf *conf)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct vswap_policy_load_errors errs;
	int r = vswap_ctx_new_config(root, &ctx);

	if (r < 0) {
		fprintf(stderr, "vswapd: cannot open the root %s: %s\n", vswap_root_resolve(root),
			strerror(-r));
		return r;
	}
	r = vswap_daemon_conf_load(ctx, conf, &errs);
	for (size_t i = 0; r == -EBADMSG && i < errs.n && i < ELEMENTSOF(errs.errors); i++) {
		const struct vswap_policy_load_error *e = &errs.errors[i];
		fprintf(stderr, "vswapd: %s:%u:%u: %s%s%s\n", e->path, e->err.line, e->err.column,
			e->err.field, *e->err.field ? ": " : "", e->err.what);
	}
	if (r < 0 && r != -EBADMSG)
		fprintf(stderr, "vswapd: cannot read the configuration: %s\n", strerror(-r));
	return r;
}

/* Two passes: --root first (it locates the files), then every other option over them.
 * Returns 1 to run, 0 to exit with success (--help), or -EINVAL. */
static int parse_args(int argc, char **argv, const char **ret_root, struct vswap_daemon_conf *conf)
{
	const char *root = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		if (c == 'h' || c == OPT_VERSION) {
			if (c == 'h')
				help();
			else
				puts("vswapd " VSWAP_VERSION);
			return 0;
		}
		if (c == '?')
			return -EINVAL;
		if (c == OPT_ROOT)
			root = optarg;
	}
	if (optind < argc) {
		fprintf(stderr, "vswapd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (load_files(root, conf) < 0)
		return -EINVAL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		const char *what = "a valid value";
		const char *key = option_key(c);
		if (key && vswap_daemon_conf_set(conf, key, c == OPT_DRY_RUN ? "yes" : optarg,
						 &what) < 0) {
			fprintf(stderr, "vswapd: invalid value for --%s: %s (expected %s)\n",
				options[c - OPT_ROOT].name, optarg, what);
			return -EINVAL;
		}
	}
	*ret_root = root;
	return 1;
}

int main(int argc, char **argv)
{
	struct vswap_daemon_conf conf;
	struct manager *m = NULL;
	const char *root = NULL;

	if (vswap_daemon_conf_init(&conf) < 0)
		return 1;
	log_setup(LOG_INFO);
	int r = parse_args(argc, argv, &root, &conf);
	if (r <= 0) {
		vswap_daemon_conf_done(&conf);
		return r < 0 ? 2 : 0;
	}
	log_setup(conf.log_level);
	r = manager_new(root, &conf, &m);
	if (r >= 0)
		r = manager_run(m);
	manager_free(m);
	vswap_daemon_conf_done(&conf);
	return r < 0 ? 1 : 0;
}
