/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vswapctl.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "context.h"
#include "util.h"

struct verb {
	const char *name;
	int min_args;
	int max_args; /* -1: any number */
	int (*fn)(int argc, char **argv, const struct vswapctl_options *opts);
	const char *usage;
	const char *help;
};

static const struct verb verbs[] = {
    {"status", 0, -1, verb_status, "status [CGROUP...]",
     "One row per cgroup (all of them without arguments): memory.current, anon, zswap\n"
     "(compressed) and zswapped (original) with their ratio, swap, vswap current/max\n"
     "where the kernel has them, and memory pressure (PSI some/full avg10, %)."},
    {"capabilities", 0, 0, verb_capabilities, "capabilities",
     "What the running kernel supports (stock, patched with memory.vswap.*, or legacy)\n"
     "and what each missing feature means for vswapd."},
    {"validate", 1, -1, verb_validate, "validate FILE|DIR...",
     "Check policy files (a directory: every *.json in it) without a daemon: exit 0 when\n"
     "all are valid, 1 otherwise; each error as FILE:LINE:COLUMN: FIELD: message."},
    {"schema", 0, 0, verb_schema, "schema",
     "Print the JSON Schema (draft 2020-12) of policy files, generated from the same\n"
     "field table the parser uses."},
    {"daemon", 0, 0, verb_daemon, "daemon",
     "What the running vswapd manages: mode, policies, managed cgroups, last reload error."},
    {"explain", 1, 1, verb_explain, "explain CGROUP",
     "The last decisions vswapd took for a cgroup that did or noted something: inputs,\n"
     "actions with their reasons and results, and notes on what it could not do."},
    {"reload", 0, 0, verb_reload, "reload",
     "Make vswapd reload its policies (root only). Exit 1, naming FILE:LINE:COLUMN, when\n"
     "a file is invalid: the previous policies then stay in force."},
    {"metrics", 0, 0, verb_metrics, "metrics",
     "vswapd's metrics in the OpenMetrics text format (for Prometheus)."},
};

void vswapctl_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vswapctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vswapctl_open(const struct vswapctl_options *opts, struct vswap_ctx **ret)
{
	int r = vswap_ctx_new(opts->root, ret);

	if (r == -ENOENT)
		vswapctl_error("no cgroup2 mount found in %s/proc/self/mountinfo",
			       opts->root ? opts->root : "");
	else if (r < 0)
		vswapctl_error("cannot open root %s: %s", opts->root ? opts->root : "/",
			       strerror(-r));
	return r;
}

static void print_usage(FILE *f)
{
	fputs("Usage: vswapctl [--root DIR] [--json] VERB [ARGS...]\n\n"
	      "Inspect and configure virtual swap (memory.vswap.*, zswap, swap) per cgroup.\n\n"
	      "Verbs:\n",
	      f);
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		fprintf(f, "  %-28s %.*s\n", verbs[i].usage, (int)strcspn(verbs[i].help, "\n"),
			verbs[i].help);
	fputs("\nOptions:\n"
	      "  --root DIR     Read every path below DIR (default: $VSWAP_ROOT or /)\n"
	      "  --json         Print JSON instead of a table\n"
	      "  -h, --help     Show this help, or a verb's with VERB --help\n"
	      "  --version      Show the version\n\n"
	      "Exit status: 0 success, 1 failure, 2 usage error, 4 no such cgroup.\n"
	      "See vswapctl(8).\n",
	      f);
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		if (streq(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

static int run_verb(const struct verb *v, int argc, char **argv, bool help,
		    const struct vswapctl_options *opts)
{
	if (help) {
		printf("Usage: vswapctl [OPTIONS] %s\n\n%s\n", v->usage, v->help);
		return VSWAPCTL_EXIT_OK;
	}
	if (argc < v->min_args || (v->max_args >= 0 && argc > v->max_args)) {
		vswapctl_error("%s: wrong number of arguments (usage: vswapctl %s)", v->name,
			       v->usage);
		return VSWAPCTL_EXIT_USAGE;
	}
	return v->fn(argc, argv, opts);
}

int main(int argc, char **argv)
{
	enum { OPT_ROOT = 0x100, OPT_JSON, OPT_VERSION };
	static const struct option options[] = {
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {},
	};
	struct vswapctl_options opts = {};
	bool help = false;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
		switch (c) {
		case OPT_ROOT:
			opts.root = optarg;
			break;
		case OPT_JSON:
			opts.json = true;
			break;
		case 'h':
			help = true;
			break;
		case OPT_VERSION:
			puts("vswapctl " VSWAP_VERSION);
			return VSWAPCTL_EXIT_OK;
		default:
			return VSWAPCTL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_usage(help ? stdout : stderr);
		return help ? VSWAPCTL_EXIT_OK : VSWAPCTL_EXIT_USAGE;
	}
	const struct verb *v = find_verb(argv[optind]);
	if (!v) {
		vswapctl_error("unknown verb '%s' (see vswapctl --help)", argv[optind]);
		return VSWAPCTL_EXIT_USAGE;
	}
	return run_verb(v, argc - optind - 1, argv + optind + 1, help, &opts);
}
