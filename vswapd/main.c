/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapd: applies vswap policies to cgroups. See vswapd(8). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "manager.h"
#include "util.h"

static void help(void)
{
	printf(
	    "Usage: vswapd [OPTIONS]\n\n"
	    "Apply virtual swap policies (memory.vswap.*, zswap, writeback, proactive offload)\n"
	    "to cgroups, driven by memory pressure.\n\n"
	    "Options (each overrides /etc/vswapd/vswapd.conf and vswapd.conf.d/*.conf):\n"
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
	    "Policies: /usr/lib/vswapd/policies.d < /etc/vswapd/policies.d <\n"
	    "/run/vswapd/policies.d (*.json, see vswap-policy(5)); reloaded on SIGHUP and on\n"
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

static const char *option_key(int c)
{
	switch (c) {
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

/* Two passes: --root first (it locates the config files), then everything else over them. */
static int parse_args(int argc, char **argv, struct config *cfg)
{
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
	const char *root = getenv("VSWAP_ROOT");
	int c;

	for (int pass = 0; pass < 2; pass++) {
		optind = 1;
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
			if (pass == 0) {
				if (c == OPT_ROOT)
					root = optarg;
				continue;
			}
			if (c == OPT_DRY_RUN)
				cfg->dry_run = true;
			else if (option_key(c) && config_set(cfg, option_key(c), optarg) < 0) {
				fprintf(stderr, "vswapd: invalid value for --%s: %s\n",
					options[c - OPT_ROOT].name, optarg);
				return -EINVAL;
			}
		}
		if (optind < argc) {
			fprintf(stderr, "vswapd: unexpected argument '%s'\n", argv[optind]);
			return -EINVAL;
		}
		if (pass == 0) {
			cfg->root = root && *root ? strdup(root) : NULL;
			if (config_load(cfg, cfg->root) < 0)
				return -EINVAL;
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	struct config cfg;
	struct manager *m = NULL;

	config_init(&cfg);
	log_setup(LOG_INFO);
	int r = parse_args(argc, argv, &cfg);
	if (r <= 0) {
		config_done(&cfg);
		return r < 0 ? 2 : 0;
	}
	log_setup(cfg.log_level);
	r = manager_new(&cfg, &m);
	if (r >= 0)
		r = manager_run(m);
	manager_free(m);
	config_done(&cfg);
	return r < 0 ? 1 : 0;
}
