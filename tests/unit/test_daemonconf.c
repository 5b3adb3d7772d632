/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapd.conf: which files apply, in which order, and every error as FILE:LINE:COLUMN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "context.h"
#include "daemonconf.h"
#include "tmptree.h"

static int setup(void **state)
{
	*state = tmptree_fixture_open(tmptree_new());
	return 0;
}

static void load_ok(struct tmptree_fixture *f, struct vswap_daemon_conf *c)
{
	struct vswap_policy_load_errors errs;

	assert_int_equal(vswap_daemon_conf_init(c), 0);
	assert_int_equal(vswap_daemon_conf_load(f->ctx, c, &errs), 0);
	assert_int_equal(errs.n, 0);
}

/* No file: the documented defaults. */
static void test_defaults(void **state)
{
	struct vswap_daemon_conf c;

	load_ok(*state, &c);
	assert_false(c.dry_run);
	assert_int_equal(c.log_level, LOG_INFO);
	assert_string_equal(c.control_socket, "run/vswapd/control");
	assert_null(c.metrics_file);
	assert_true(c.metrics_interval_s == 15 && c.max_backoff == 64);
	vswap_daemon_conf_done(&c);
}

/* The main file is the first of /etc, /run, /usr/lib; the others are not read at all. */
static void test_main_file_precedence(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_conf_files files;
	struct vswap_daemon_conf c;

	tmptree_write(f->root, "usr/lib/vswapd/vswapd.conf",
		      "[Daemon]\nMaxBackoff=2\nDryRun=yes\n");
	load_ok(f, &c);
	assert_true(c.max_backoff == 2 && c.dry_run);
	vswap_daemon_conf_done(&c);

	tmptree_write(f->root, "run/vswapd/vswapd.conf", "[Daemon]\nMaxBackoff=3\n");
	tmptree_write(f->root, "etc/vswapd/vswapd.conf", "[Daemon]\nMaxBackoff=4\n");
	load_ok(f, &c);
	assert_true(c.max_backoff == 4);
	assert_false(c.dry_run); /* /usr/lib's file is replaced, not merged */
	vswap_daemon_conf_done(&c);

	assert_int_equal(vswap_daemon_conf_files(f->ctx, &files), 0);
	assert_int_equal(files.n, 1);
	assert_string_equal(files.f[0].path, "/etc/vswapd/vswapd.conf");
	assert_int_equal(files.f[0].n_overridden, 2);
	vswap_conf_files_clear(&files);
}

/*
 * Drop-ins apply after the main file, in name order whatever their directory; a name in
 * /etc replaces it in /run and /usr/lib, and a link to /dev/null masks it.
 */
static void test_dropins(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_conf_files files;
	struct vswap_daemon_conf c;

	tmptree_write(f->root, "etc/vswapd/vswapd.conf", "[Daemon]\nMaxBackoff=4\nLogLevel=err\n");
	tmptree_write(f->root, "usr/lib/vswapd/vswapd.conf.d/10-a.conf",
		      "[Daemon]\nMaxBackoff=8\nMetricsInterval=30\n");
	tmptree_write(f->root, "etc/vswapd/vswapd.conf.d/10-a.conf", "[Daemon]\nMaxBackoff=16\n");
	tmptree_write(f->root, "run/vswapd/vswapd.conf.d/20-b.conf", "[Daemon]\nMaxBackoff=32\n");
	tmptree_write(f->root, "usr/lib/vswapd/vswapd.conf.d/30-c.conf", "[Daemon]\nDryRun=1\n");
	tmptree_mkdir(f->root, "etc/vswapd/vswapd.conf.d");
	tmptree_symlink(f->root, "etc/vswapd/vswapd.conf.d/30-c.conf", "/dev/null");
	load_ok(f, &c);
	assert_true(c.max_backoff == 32);	 /* 20-b.conf comes last */
	assert_true(c.metrics_interval_s == 15); /* /usr/lib's 10-a.conf is replaced whole */
	assert_int_equal(c.log_level, LOG_ERR);
	assert_false(c.dry_run); /* 30-c.conf is masked */
	vswap_daemon_conf_done(&c);

	assert_int_equal(vswap_daemon_conf_files(f->ctx, &files), 0);
	assert_int_equal(files.n, 4);
	assert_string_equal(files.f[0].path, "/etc/vswapd/vswapd.conf");
	assert_string_equal(files.f[1].path, "/etc/vswapd/vswapd.conf.d/10-a.conf");
	assert_int_equal(files.f[1].n_overridden, 1);
	assert_string_equal(files.f[2].path, "/run/vswapd/vswapd.conf.d/20-b.conf");
	assert_true(files.f[3].masked);
	vswap_conf_files_clear(&files);
}

/* Every error of every file, each at its line and column; nothing applied. */
static void test_errors_all_or_nothing(void **state)
{
	struct tmptree_fixture *f = *state;
	struct vswap_policy_load_errors errs;
	struct vswap_daemon_conf c;

	tmptree_write(f->root, "etc/vswapd/vswapd.conf",
		      "MaxBackoff=2\n"
		      "[Daemon]\n"
		      "  MaxBackoff = 2\n"
		      "LogLevel=loud\n"
		      "Colour=red\n"
		      "ControlSocket=/run/../etc/shadow\n"
		      "no equals sign\n");
	tmptree_write(f->root, "etc/vswapd/vswapd.conf.d/x.conf", "[Daemon]\nMetricsInterval=0\n");
	assert_int_equal(vswap_daemon_conf_init(&c), 0);
	assert_int_equal(vswap_daemon_conf_load(f->ctx, &c, &errs), -EBADMSG);
	assert_int_equal(errs.n, 6);
	const struct {
		unsigned line, column;
		const char *field, *what;
	} want[] = {
	    {1, 1, "", "outside the [Daemon] section"},
	    {4, 10, "LogLevel", "err, warning, notice, info or debug"},
	    {5, 1, "Colour", "unknown key"},
	    {6, 15, "ControlSocket", "\"..\""},
	    {7, 1, "", "expected KEY=VALUE"},
	    {2, 17, "MetricsInterval", "seconds from 1 to 3600"},
	};
	for (size_t i = 0; i < 6; i++) {
		const struct vswap_policy_load_error *e = &errs.errors[i];
		assert_string_equal(e->path, i < 5 ? "/etc/vswapd/vswapd.conf"
						   : "/etc/vswapd/vswapd.conf.d/x.conf");
		assert_int_equal(e->err.line, want[i].line);
		assert_int_equal(e->err.column, want[i].column);
		assert_string_equal(e->err.field, want[i].field);
		assert_non_null(strstr(e->err.what, want[i].what));
	}
	/* Line 3 was valid, but nothing of an invalid set applies. */
	assert_true(c.max_backoff == 64);
	vswap_daemon_conf_done(&c);
}

/* The command line's way in: unknown keys and bad values are told apart. */
static void test_set(void **state)
{
	struct vswap_daemon_conf c;
	const char *what = NULL;

	assert_int_equal(vswap_daemon_conf_init(&c), 0);
	assert_int_equal(vswap_daemon_conf_set(&c, "Nope", "1", &what), -ENOKEY);
	assert_int_equal(vswap_daemon_conf_set(&c, "MaxBackoff", "0.5", &what), -EINVAL);
	assert_non_null(strstr(what, "1 to 1024"));
	assert_int_equal(vswap_daemon_conf_set(&c, "MetricsFile", "..", NULL), -EINVAL);
	assert_int_equal(vswap_daemon_conf_set(&c, "MetricsFile", "/var/lib/x..y.prom", NULL), 0);
	assert_string_equal(c.metrics_file, "var/lib/x..y.prom");
	assert_int_equal(vswap_daemon_conf_set(&c, "DryRun", "on", NULL), 0);
	assert_true(c.dry_run);
	vswap_daemon_conf_done(&c);
}

/* Every value's edges, accepted and refused, as vswapd(8) gives them. */
static void test_value_edges(void **state)
{
	static const struct {
		const char *key, *value;
		int ret;
	} cases[] = {
	    {"MetricsInterval", "1", 0},
	    {"MetricsInterval", "3600", 0},
	    {"MetricsInterval", "0.99", -EINVAL},
	    {"MetricsInterval", "3600.5", -EINVAL},
	    {"MetricsInterval", "15s", -EINVAL},
	    {"MetricsInterval", "", -EINVAL},
	    {"MetricsInterval", "inf", -EINVAL},
	    {"MaxBackoff", "1", 0},
	    {"MaxBackoff", "1024", 0},
	    {"MaxBackoff", "1025", -EINVAL},
	    {"MaxBackoff", "64 ", -EINVAL},
	    {"DryRun", "no", 0},
	    {"DryRun", "On", -EINVAL},
	    {"DryRun", "", -EINVAL},
	    {"LogLevel", "debug", 0},
	    {"LogLevel", "crit", -EINVAL},
	    {"ControlSocket", "/run/x/control", 0},
	    {"ControlSocket", "../etc/x", -EINVAL},
	    {"ControlSocket", "/run/x/..", -EINVAL},
	    {"ControlSocket", "/", -EINVAL},
	    {"ControlSocket", "/run/..x/control", 0},
	    {"MetricsFile", "a/../b", -EINVAL},
	};
	struct vswap_daemon_conf c;

	assert_int_equal(vswap_daemon_conf_init(&c), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *what = NULL;
		print_message("%s=%s\n", cases[i].key, cases[i].value);
		assert_int_equal(vswap_daemon_conf_set(&c, cases[i].key, cases[i].value, &what),
				 cases[i].ret);
		if (cases[i].ret < 0)
			assert_non_null(what);
	}
	vswap_daemon_conf_done(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_defaults, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_main_file_precedence, setup,
					    tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_dropins, setup, tmptree_fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_errors_all_or_nothing, setup,
					    tmptree_fixture_teardown),
	    cmocka_unit_test(test_set),
	    cmocka_unit_test(test_value_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
