/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vswapctl.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "context.h"
#include "policyset.h"
#include "util.h"

struct verb {
	const char *name;
	int min_args;
	int max_args; /* -1: any number */
	int (*fn)(int argc, char **argv, const struct vswapctl_options *opts);
	const char *usage;
	const char *summary; /* one line for vswapctl --help */
	const char *help;
};

static const struct verb verbs[] = {
    {"status", 0, -1, verb_status, "status [CGROUP...]",
     "memory, zswap, swap, vswap and pressure per cgroup",
     "One row per cgroup (all of them without arguments): memory.current, anon, zswap\n"
     "(compressed) and zswapped (original) with their ratio, swap, vswap current/max\n"
     "where the kernel has them, and memory pressure (PSI some/full avg10, %)."},
    {"capabilities", 0, 0, verb_capabilities, "capabilities",
     "what this kernel offers and what it lacks",
     "What the running kernel supports (stock, patched with memory.vswap.*, or legacy)\n"
     "and what each missing feature means for vswapd."},
    {"validate", 0, -1, verb_validate, "validate [FILE|DIR...]",
     "check policy files, attachments or a whole tree (CI)",
     "Check policy files (*.json) and attachments (*.conf; a directory: every one in it)\n"
     "without a daemon, or with no arguments the whole configuration below --root as vswapd\n"
     "would load it (attachments must name existing policies): exit 0 when all is valid,\n"
     "1 otherwise; each error as FILE:LINE:COLUMN: FIELD: message."},
    {"schema", 0, 0, verb_schema, "schema", "the JSON Schema of policy files",
     "Print the JSON Schema (draft 2020-12) of policy files, generated from the same\n"
     "field table the parser uses."},
    {"set-policy", 1, 2, verb_set_policy, "set-policy CGROUP|--unit UNIT POLICY",
     "attach a policy to a cgroup or a unit",
     "Attach POLICY (a policy's name, or a policy FILE, installed first) to a cgroup or,\n"
     "with --unit, to a systemd unit: writes /etc/vswapd/attach.d/CGROUP.conf or the drop-in\n"
     "/etc/systemd/system/UNIT.d/50-vswap.conf (--runtime: below /run), atomically, after\n"
     "checking the whole resulting configuration, then asks vswapd to reload. Prints what\n"
     "changed; nothing is written when anything is wrong."},
    {"unset-policy", 0, 1, verb_unset_policy, "unset-policy CGROUP|--unit UNIT",
     "remove that attachment",
     "Remove the attachment set-policy wrote (--runtime: the one below /run) and ask vswapd\n"
     "to reload; the target then gets the policy that matches it, if any."},
    {"show-policy", 0, 1, verb_show_policy, "show-policy CGROUP|--unit UNIT",
     "the policy in force for a target, and why",
     "The policy in force for a cgroup or unit, why (attachment, match or default), from\n"
     "which files, and every setting with its default filled in."},
    {"list-policies", 0, 0, verb_list_policies, "list-policies",
     "policies and attachments in force",
     "Every policy in force (name, file, what it matches, how many targets it is attached\n"
     "to) and every attachment."},
    {"cat-config", 0, 0, verb_cat_config, "cat-config",
     "every configuration file, in precedence order",
     "Every file that configures vswapd, in precedence order (lowest first), with the ones\n"
     "overridden or masked marked: vswapd.conf, policies, attachments, unit drop-ins."},
    {"writeback", 2, 2, verb_writeback, "writeback CGROUP SIZE",
     "write zswap pages of a cgroup to disk now",
     "Write SIZE (compressed bytes, \"16M\") of the cgroup's zswap pool to disk now: through\n"
     "vswapd when it manages the cgroup, else by writing memory.vswap.writeback."},
    {"set-max", 2, 2, verb_set_max, "set-max CGROUP SIZE", "set a cgroup's virtual swap cap now",
     "Set the cgroup's virtual swap cap (memory.vswap.max; bytes, \"2G\" or \"max\"): through\n"
     "vswapd when it manages the cgroup (the cap then stays until vswapd reloads, when the\n"
     "policy's applies again), else directly."},
    {"top", 0, 0, verb_top, "top", "live view of who holds virtual swap",
     "The cgroups holding the most virtual swap with zswap store, writeback and disk swap-out\n"
     "rates, refreshed every --interval seconds (default 2). Redraws a terminal until ^C;\n"
     "otherwise prints --iterations tables (default 1)."},
    {"daemon", 0, 0, verb_daemon, "daemon", "what vswapd manages",
     "What the running vswapd manages: mode, policies, managed cgroups, last reload error."},
    {"explain", 1, 1, verb_explain, "explain CGROUP", "vswapd's last decisions for a cgroup",
     "The last decisions vswapd took for a cgroup that did or noted something: inputs,\n"
     "actions with their reasons and results, and notes on what it could not do."},
    {"reload", 0, 0, verb_reload, "reload", "make vswapd reload its configuration",
     "Make vswapd reload its policies (root only). Exit 1, naming FILE:LINE:COLUMN, when\n"
     "a file is invalid: the previous policies then stay in force."},
    {"metrics", 0, 0, verb_metrics, "metrics", "vswapd's OpenMetrics text",
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

void vswapctl_print_error(const char *path, const struct vswap_policy_error *err)
{
	fprintf(stderr, "%s:%u:%u: %s%s%s\n", path, err->line, err->column, err->field,
		*err->field ? ": " : "", err->what);
}

void vswapctl_print_load_errors(const struct vswap_policy_load_errors *errs)
{
	for (size_t i = 0; i < errs->n && i < ELEMENTSOF(errs->errors); i++)
		vswapctl_print_error(errs->errors[i].path, &errs->errors[i].err);
	if (errs->n > ELEMENTSOF(errs->errors))
		fprintf(stderr, "... and %zu more errors\n", errs->n - ELEMENTSOF(errs->errors));
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

int vswapctl_open_config(const struct vswapctl_options *opts, struct vswap_ctx **ret)
{
	int r = vswap_ctx_new_config(opts->root, ret);

	if (r < 0)
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
		fprintf(f, "  %-38s %s\n", verbs[i].usage, verbs[i].summary);
	fputs("\nOptions:\n"
	      "  --root DIR     Read every path below DIR (default: $VSWAP_ROOT or /)\n"
	      "  --json         Print JSON instead of a table\n"
	      "  --unit UNIT    set-policy, unset-policy, show-policy: act on a systemd unit\n"
	      "  --runtime      set-policy, unset-policy: below /run, until reboot\n"
	      "  --no-reload    set-policy, unset-policy: do not ask vswapd to reload\n"
	      "  --interval S   top: seconds between refreshes (default 2)\n"
	      "  --iterations N top: refreshes before exiting\n"
	      "  -h, --help     Show this help, or a verb's with VERB --help\n"
	      "  --version      Show the version\n\n"
	      "Exit status: 0 success, 1 failure, 2 usage error, 4 no such cgroup.\n"
	      "See vswapctl(8).\n",
	      f);
}

static int parse_seconds(const char *s, double *ret)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end || !(d >= 0.1 && d <= 3600)) {
		vswapctl_error("--interval: \"%s\" is not a number of seconds in [0.1, 3600]", s);
		return -EINVAL;
	}
	*ret = d;
	return 0;
}

static int parse_count(const char *s, unsigned *ret)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (end == s || *end || *s == '-' || n == 0 || n > 1000000) {
		vswapctl_error("--iterations: \"%s\" is not a count in [1, 1000000]", s);
		return -EINVAL;
	}
	*ret = (unsigned)n;
	return 0;
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
	enum {
		OPT_ROOT = 0x100,
		OPT_JSON,
		OPT_VERSION,
		OPT_UNIT,
		OPT_RUNTIME,
		OPT_NO_RELOAD,
		OPT_INTERVAL,
		OPT_ITERATIONS,
	};
	static const struct option options[] = {
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"unit", required_argument, NULL, OPT_UNIT},
	    {"runtime", no_argument, NULL, OPT_RUNTIME},
	    {"no-reload", no_argument, NULL, OPT_NO_RELOAD},
	    {"interval", required_argument, NULL, OPT_INTERVAL},
	    {"iterations", required_argument, NULL, OPT_ITERATIONS},
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
		case OPT_UNIT:
			opts.unit = optarg;
			break;
		case OPT_RUNTIME:
			opts.runtime = true;
			break;
		case OPT_NO_RELOAD:
			opts.no_reload = true;
			break;
		case OPT_INTERVAL:
			if (parse_seconds(optarg, &opts.interval_s) < 0)
				return VSWAPCTL_EXIT_USAGE;
			break;
		case OPT_ITERATIONS:
			if (parse_count(optarg, &opts.iterations) < 0)
				return VSWAPCTL_EXIT_USAGE;
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
