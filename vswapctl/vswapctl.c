/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vswapctl.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "caps.h"
#include "context.h"
#include "loaderror.h"
#include "paths.h"
#include "runchild.h"
#include "text.h"
#include "util.h"

struct verb {
	const char *name;
	int min_args;
	int max_args;	/* -1: any number */
	unsigned takes; /* OPT_F_* it accepts */
	int (*fn)(int argc, char **argv, const struct vswapctl_options *opts);
	const char *usage;
	const char *summary; /* one line for vswapctl --help */
	const char *help;
};

/*
 * A bit of verb.takes that is no option: the verb's arguments are a command (run). Options
 * end where it begins (the rest are its own), and a result >= 0 is its wait status, which
 * vswapctl ends with (run_child_pass_on()).
 */
#define VERB_RUNS_COMMAND (1u << 31)

static const struct verb verbs[] = {
    {"status", 0, -1, OPT_F_UNIT | OPT_F_NO_LEGEND, verb_status, "status [CGROUP...]",
     "memory, zswap, swap, vswap and pressure per cgroup",
     "One row per cgroup (all of them without arguments): memory.current, anon, zswap\n"
     "(compressed) and zswapped (original) with their ratio, swap, vswap current/max\n"
     "where the kernel has them, and memory pressure (PSI some/full avg10, %)."},
    {"capabilities", 0, 0, 0, verb_capabilities, "capabilities",
     "what this kernel offers and what it lacks",
     "What the running kernel supports (stock, patched with memory.vswap.*, or legacy)\n"
     "and what each missing feature means for vswapd."},
    {"validate", 0, -1, 0, verb_validate, "validate [FILE|DIR...]",
     "check policy files, attachments or a whole tree (CI)",
     "Check policy files (*.json) and attachments (*.conf; a directory: every one in it)\n"
     "without a daemon, or with no arguments the whole configuration below --root as vswapd\n"
     "would load it (attachments must name existing policies): exit 0 when all is valid,\n"
     "1 otherwise; each error as FILE:LINE:COLUMN: FIELD: message."},
    {"schema", 0, 0, 0, verb_schema, "schema", "the JSON Schema of policy files",
     "Print the JSON Schema (draft 2020-12) of policy files, generated from the same\n"
     "field table the parser uses."},
    {"set-policy", 1, 2, OPT_F_UNIT | OPT_F_RUNTIME | OPT_F_NO_RELOAD | OPT_F_FORCE,
     verb_set_policy, "set-policy CGROUP|--unit UNIT POLICY",
     "attach a policy to a cgroup or a unit",
     "Attach POLICY (a policy's name, or a policy FILE, installed first) to a cgroup or,\n"
     "with --unit, to a systemd unit: writes /etc/vswapd/attach.d/CGROUP.conf or the drop-in\n"
     "/etc/systemd/system/UNIT.d/50-vswap.conf (--runtime: below /run), atomically, after\n"
     "checking the whole resulting configuration, then asks vswapd to reload. Prints what\n"
     "changed; nothing is written when anything is wrong."},
    {"unset-policy", 0, 1, OPT_F_UNIT | OPT_F_RUNTIME | OPT_F_NO_RELOAD, verb_unset_policy,
     "unset-policy CGROUP|--unit UNIT", "remove that attachment",
     "Remove the attachment set-policy wrote (--runtime: the one below /run) and ask vswapd\n"
     "to reload; the target then gets the policy that matches it, if any."},
    {"show-policy", 0, 1, OPT_F_UNIT, verb_show_policy, "show-policy CGROUP|--unit UNIT",
     "the policy in force for a target, and why",
     "The policy in force for a cgroup or unit, why (attachment, match or default), from\n"
     "which files, and every setting with its default filled in."},
    {"list-policies", 0, 0, OPT_F_NO_LEGEND, verb_list_policies, "list-policies",
     "policies and attachments in force",
     "Every policy in force (name, file, what it matches, how many targets it is attached\n"
     "to) and every attachment."},
    {"cat-config", 0, 0, 0, verb_cat_config, "cat-config",
     "every configuration file, in precedence order",
     "Every file that configures vswapd, in precedence order (lowest first), with the ones\n"
     "overridden or masked marked: vswapd.conf, policies, attachments, unit drop-ins."},
    {"writeback", 2, 2, 0, verb_writeback, "writeback CGROUP SIZE",
     "write zswap pages of a cgroup to disk now",
     "Write SIZE (compressed bytes, \"16M\") of the cgroup's zswap pool to disk now: through\n"
     "vswapd when it manages the cgroup, else by writing memory.vswap.writeback."},
    {"set-max", 2, 2, 0, verb_set_max, "set-max CGROUP SIZE", "set a cgroup's virtual swap cap now",
     "Set the cgroup's virtual swap cap (memory.vswap.max; bytes, \"2G\" or \"max\"): through\n"
     "vswapd when it manages the cgroup (the cap then stays until vswapd reloads, when the\n"
     "policy's applies again), else directly."},
    {"top", 0, 0, OPT_F_INTERVAL | OPT_F_ITERATIONS | OPT_F_NO_LEGEND, verb_top, "top",
     "live view of who holds virtual swap",
     "The cgroups holding the most virtual swap with zswap store, writeback and disk swap-out\n"
     "rates, refreshed every --interval seconds (default 2). Redraws a terminal until ^C;\n"
     "otherwise prints --iterations tables (default 1)."},
    {"daemon", 0, 0, 0, verb_daemon, "daemon", "what vswapd manages",
     "What the running vswapd manages: mode, policies, managed cgroups, last reload error."},
    {"explain", 1, 1, 0, verb_explain, "explain CGROUP", "vswapd's last decisions for a cgroup",
     "The last decisions vswapd took for a cgroup that did or noted something: inputs,\n"
     "actions with their reasons and results, and notes on what it could not do."},
    {"reload", 0, 0, 0, verb_reload, "reload", "make vswapd reload its policies and attachments",
     "Make vswapd reload its policies (root only). Exit 1, naming FILE:LINE:COLUMN, when\n"
     "a file is invalid: the previous policies then stay in force."},
    {"metrics", 0, 0, 0, verb_metrics, "metrics", "vswapd's OpenMetrics text",
     "vswapd's metrics in the OpenMetrics text format (for Prometheus)."},
    {"run", 1, -1, OPT_F_POLICY | OPT_F_PROPERTY | OPT_F_UNIT | OPT_F_WAIT | VERB_RUNS_COMMAND,
     verb_run, "run [OPTIONS] [--] COMMAND...",
     "run a command under a policy, in a cgroup of its own",
     "Options: --policy NAME|FILE, -p KEY=VALUE (repeatable), --unit NAME, --wait.\n"
     "Run COMMAND in a new cgroup under a policy: a transient scope NAME.scope where systemd\n"
     "is init, else a cgroup NAME.scope that libcgroup makes next to the caller's (NAME:\n"
     "--unit, else vswap-run-RANDOM). The policy (--policy NAME, or a FILE; -p sets single\n"
     "fields, vswap.max=2G) is attached below /run and COMMAND starts only once vswapd has\n"
     "applied it. The attachment goes when COMMAND ends (--wait: when every process of the\n"
     "cgroup has); vswapctl then ends as COMMAND did: its exit status, or its signal. Needs\n"
     "vswapd."},
};

__attribute__((format(printf, 1, 0))) static void say(const char *fmt, va_list ap)
{
	fputs("vswapctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void vswapctl_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
}

int vswapctl_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap);
	va_end(ap);
	return err;
}

int vswapctl_exit_status(int r)
{
	if (r >= 0)
		return VSWAPCTL_EXIT_OK;
	if (r == -EINVAL)
		return VSWAPCTL_EXIT_USAGE;
	if (r == -ENOENT)
		return VSWAPCTL_EXIT_NOT_FOUND;
	return VSWAPCTL_EXIT_FAILURE;
}

void vswapctl_print_error(const char *path, const struct vswap_policy_error *err)
{
	fprintf(stderr, "%s:%u:%u: %s%s%s\n", path, err->line, err->column, err->field,
		*err->field ? ": " : "", err->what);
}

static const char *display_root = "/";

void vswapctl_set_root(const char *root)
{
	display_root = root;
}

const char *vswapctl_file(const char *path, char *buf, size_t len)
{
	size_t n = strlen(display_root);

	while (n > 0 && display_root[n - 1] == '/')
		n--;
	snprintf(buf, len, "%.*s%s", (int)n, display_root, path);
	return buf;
}

void vswapctl_print_load_errors(const struct vswap_policy_load_errors *errs)
{
	char path[1024];

	for (size_t i = 0; i < errs->n && i < ELEMENTSOF(errs->errors); i++)
		vswapctl_print_error(vswapctl_file(errs->errors[i].path, path, sizeof(path)),
				     &errs->errors[i].err);
	if (errs->n > ELEMENTSOF(errs->errors))
		fprintf(stderr, "... and %zu more errors\n", errs->n - ELEMENTSOF(errs->errors));
}

/* Opening a root fails for one of two reasons worth telling apart: it is not there, or it has
 * no cgroup2 mount (-ENOENT from the mountinfo); both are failures, not "not found". */
static int open_failed(const struct vswapctl_options *opts, int r, bool cgroups)
{
	const char *root = vswap_root_resolve(opts->root);

	if (r == -ENOENT && cgroups)
		return vswapctl_fail(-ENODEV, "no cgroup2 mount found in %s%sproc/self/mountinfo",
				     root, streq(root, "/") ? "" : "/");
	return vswapctl_fail(r == -ENOENT ? -ENODEV : r, "cannot open root %s: %s", root,
			     strerror(-r));
}

int vswapctl_open(const struct vswapctl_options *opts, struct vswap_ctx **ret)
{
	int r = vswap_ctx_new(opts->root, ret);

	return r < 0 ? open_failed(opts, r, true) : 0;
}

int vswapctl_open_config(const struct vswapctl_options *opts, struct vswap_ctx **ret)
{
	int r = vswap_ctx_new_config(opts->root, ret);

	return r < 0 ? open_failed(opts, r, false) : 0;
}

int vswapctl_need_memory_controller(const struct vswap_ctx *ctx)
{
	struct vswap_caps caps;
	int r = vswap_caps_probe(ctx, &caps);

	if (r < 0)
		return vswapctl_fail(r, "cannot probe the kernel: %s", strerror(-r));
	bool on = caps.memory_controller;
	vswap_caps_done(&caps);
	if (!on)
		return vswapctl_fail(
		    -EOPNOTSUPP,
		    "the memory controller is not enabled on the cgroup2 hierarchy "
		    "at %s: no cgroup has memory figures (see vswapctl capabilities)",
		    ctx->cgroup_mount);
	return 0;
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
	      "  --json         Print JSON instead of text\n"
	      "  --unit UNIT    status, set-policy, unset-policy, show-policy: a systemd unit;\n"
	      "                 run: the name of the scope (cgroup) it makes\n"
	      "  --runtime      set-policy, unset-policy: below /run, until reboot\n"
	      "  --no-reload    set-policy, unset-policy: do not ask vswapd to reload\n"
	      "  --force        set-policy: replace an installed policy of the same name, or\n"
	      "                 keep an attachment that another file outranks\n"
	      "  --no-legend    status, top, list-policies: tables without headers\n"
	      "  --policy P     run: the policy, a name or a FILE\n"
	      "  -p, --property KEY=VALUE\n"
	      "                 run: set a policy field (vswap.max=2G); repeatable\n"
	      "  --wait         run: until every process of its cgroup has ended\n"
	      "  --interval S   top: seconds between refreshes (default 2)\n"
	      "  --iterations N top: refreshes before exiting (also -n N)\n"
	      "  -h, --help     Show this help, or a verb's with VERB --help\n"
	      "  --version      Show the version\n\n"
	      "Exit status: 0 success, 1 failure, 2 usage error, 4 not found.\n"
	      "See vswapctl(8).\n",
	      f);
}

static int parse_seconds(const char *s, double *ret)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || *end || !(d >= 0.1 && d <= 3600))
		return vswapctl_fail(
		    -EINVAL, "--interval: \"%s\" is not a number of seconds in [0.1, 3600]", s);
	*ret = d;
	return 0;
}

static int parse_count(const char *s, unsigned *ret)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (end == s || *end || *s == '-' || n == 0 || n > 1000000)
		return vswapctl_fail(-EINVAL, "--iterations: \"%s\" is not a count in [1, 1000000]",
				     s);
	*ret = (unsigned)n;
	return 0;
}

static int unknown_verb(const char *name)
{
	const char *names[ELEMENTSOF(verbs)];

	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		names[i] = verbs[i].name;
	const char *guess = vswap_closest(name, names, ELEMENTSOF(verbs));
	if (guess)
		vswapctl_error("unknown verb '%s': did you mean '%s'? (see vswapctl --help)", name,
			       guess);
	else
		vswapctl_error("unknown verb '%s' (see vswapctl --help)", name);
	return VSWAPCTL_EXIT_USAGE;
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
		if (streq(verbs[i].name, name))
			return &verbs[i];
	return NULL;
}

/* The options by bit, for refusing the ones a verb does not take. */
static const struct {
	unsigned bit;
	const char *name;
} option_bits[] = {
    {OPT_F_UNIT, "--unit"},
    {OPT_F_RUNTIME, "--runtime"},
    {OPT_F_NO_RELOAD, "--no-reload"},
    {OPT_F_INTERVAL, "--interval"},
    {OPT_F_ITERATIONS, "--iterations"},
    {OPT_F_NO_LEGEND, "--no-legend"},
    {OPT_F_FORCE, "--force"},
    {OPT_F_POLICY, "--policy"},
    {OPT_F_PROPERTY, "-p/--property"},
    {OPT_F_WAIT, "--wait"},
};

static int run_verb(const struct verb *v, int argc, char **argv, bool help,
		    const struct vswapctl_options *opts)
{
	if (help) {
		printf("Usage: vswapctl [OPTIONS] %s\n\n%s\n", v->usage, v->help);
		return 0;
	}
	for (size_t i = 0; i < ELEMENTSOF(option_bits); i++)
		if ((opts->given & option_bits[i].bit) && !(v->takes & option_bits[i].bit))
			return vswapctl_fail(-EINVAL, "%s: %s does not apply to it", v->name,
					     option_bits[i].name);
	if (argc < v->min_args || (v->max_args >= 0 && argc > v->max_args))
		return vswapctl_fail(-EINVAL, "%s: wrong number of arguments (usage: vswapctl %s)",
				     v->name, v->usage);
	return v->fn(argc, argv, opts);
}

enum {
	OPT_ROOT = 0x100,
	OPT_JSON,
	OPT_VERSION,
	OPT_UNIT,
	OPT_RUNTIME,
	OPT_NO_RELOAD,
	OPT_NO_LEGEND,
	OPT_FORCE,
	OPT_INTERVAL,
	OPT_ITERATIONS,
	OPT_POLICY,
	OPT_WAIT,
};

/* The options that only switch something on: where it lands, and its bit. */
static const struct {
	int opt;
	size_t offset; /* of the bool in struct vswapctl_options */
	unsigned bit;  /* OPT_F_*, 0: every verb takes it */
} switches[] = {
    {OPT_JSON, offsetof(struct vswapctl_options, json), 0},
    {OPT_RUNTIME, offsetof(struct vswapctl_options, runtime), OPT_F_RUNTIME},
    {OPT_NO_RELOAD, offsetof(struct vswapctl_options, no_reload), OPT_F_NO_RELOAD},
    {OPT_NO_LEGEND, offsetof(struct vswapctl_options, no_legend), OPT_F_NO_LEGEND},
    {OPT_FORCE, offsetof(struct vswapctl_options, force), OPT_F_FORCE},
    {OPT_WAIT, offsetof(struct vswapctl_options, wait), OPT_F_WAIT},
};

/* One option into opts: 0, 1 for --version (done), or -EINVAL. */
static int parse_option(int c, struct vswapctl_options *opts, bool *help)
{
	for (size_t i = 0; i < ELEMENTSOF(switches); i++)
		if (switches[i].opt == c) {
			*(bool *)((char *)opts + switches[i].offset) = true;
			opts->given |= switches[i].bit;
			return 0;
		}
	switch (c) {
	case OPT_ROOT:
		opts->root = optarg;
		return 0;
	case OPT_UNIT:
		opts->unit = optarg;
		opts->given |= OPT_F_UNIT;
		return 0;
	case OPT_POLICY:
		opts->policy = optarg;
		opts->given |= OPT_F_POLICY;
		return 0;
	case 'p':
		if (opts->n_properties == VSWAPCTL_PROPERTIES_MAX)
			return vswapctl_fail(-EINVAL, "-p: at most %d settings",
					     VSWAPCTL_PROPERTIES_MAX);
		opts->properties[opts->n_properties++] = optarg;
		opts->given |= OPT_F_PROPERTY;
		return 0;
	case OPT_INTERVAL:
		opts->given |= OPT_F_INTERVAL;
		return parse_seconds(optarg, &opts->interval_s);
	case 'n':
	case OPT_ITERATIONS:
		opts->given |= OPT_F_ITERATIONS;
		return parse_count(optarg, &opts->iterations);
	case 'h':
		*help = true;
		return 0;
	case OPT_VERSION:
		puts("vswapctl " VSWAP_VERSION);
		return 1;
	}
	return -EINVAL; /* getopt said why */
}

/* getopt said an option is unknown: name the one it most likely meant. */
static void suggest_option(const char *arg, const struct option *options)
{
	const char *names[32];
	char word[64];
	size_t n = 0;

	if (strncmp(arg, "--", 2) != 0)
		return;
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
	for (; options[n].name && n < ELEMENTSOF(names); n++)
		names[n] = options[n].name;
	const char *guess = vswap_closest(word, names, n);
	if (guess)
		vswapctl_error("did you mean --%s?", guess);
}

static const struct option options[] = {
    {"root", required_argument, NULL, OPT_ROOT},
    {"json", no_argument, NULL, OPT_JSON},
    {"unit", required_argument, NULL, OPT_UNIT},
    {"runtime", no_argument, NULL, OPT_RUNTIME},
    {"no-reload", no_argument, NULL, OPT_NO_RELOAD},
    {"no-legend", no_argument, NULL, OPT_NO_LEGEND},
    {"force", no_argument, NULL, OPT_FORCE},
    {"interval", required_argument, NULL, OPT_INTERVAL},
    {"iterations", required_argument, NULL, OPT_ITERATIONS},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"property", required_argument, NULL, 'p'},
    {"wait", no_argument, NULL, OPT_WAIT},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {},
};

/*
 * Options from argv[optind] on, into opts: 0 at the first argument ("+": stop there, else
 * gather them all behind the options), 1 when done (--version), or -EINVAL (said).
 */
static int parse_options(int argc, char **argv, bool stop_at_argument,
			 struct vswapctl_options *opts, bool *help)
{
	int c, r;

	while ((c = getopt_long(argc, argv, stop_at_argument ? "+hn:p:" : "hn:p:", options,
				NULL)) >= 0)
		if ((r = parse_option(c, opts, help)) != 0) {
			if (c == '?')
				suggest_option(argv[optind - 1], options);
			return r > 0 ? 1 : -EINVAL;
		}
	return 0;
}

int main(int argc, char **argv)
{
	struct vswapctl_options opts = {};
	bool help = false;

	/* Options before the verb, then the verb's: run's end where COMMAND begins. */
	int r = parse_options(argc, argv, true, &opts, &help);
	if (r != 0)
		return r > 0 ? VSWAPCTL_EXIT_OK : VSWAPCTL_EXIT_USAGE;
	if (optind >= argc) {
		print_usage(help ? stdout : stderr);
		return help ? VSWAPCTL_EXIT_OK : VSWAPCTL_EXIT_USAGE;
	}
	const struct verb *v = find_verb(argv[optind]);
	if (!v)
		return unknown_verb(argv[optind]);
	int vargc = argc - optind;
	char **vargv = argv + optind;
	optind = 0; /* getopt starts over on the verb's part */
	r = parse_options(vargc, vargv, v->takes & VERB_RUNS_COMMAND, &opts, &help);
	if (r != 0)
		return r > 0 ? VSWAPCTL_EXIT_OK : VSWAPCTL_EXIT_USAGE;
	vswapctl_set_root(vswap_root_resolve(opts.root));
	r = run_verb(v, vargc - optind, vargv + optind, help, &opts);
	if (r >= 0 && (v->takes & VERB_RUNS_COMMAND))
		run_child_pass_on(r);
	return vswapctl_exit_status(r);
}
