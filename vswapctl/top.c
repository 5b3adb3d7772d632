/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapctl top: the cgroups holding the most virtual swap, refreshed every interval, with
 * the rates of zswap stores, writebacks and disk swap-outs since the last refresh. On a
 * terminal it redraws the screen until q or ^C; otherwise it prints --iterations tables
 * (default 1) one after another, and with --json one JSON object a line per refresh.
 */
#include <poll.h>
#include <termios.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "output.h"
#include "sample.h"
#include "util.h"
#include "vswapctl.h"

#define PAGE_BYTES 4096.0

struct entry {
	char *path;
	struct vswap_sample s;
};

struct round {
	size_t n;
	struct entry *e;
	const struct vswap_ctx *ctx;
};

enum {
	T_CGROUP,
	T_MEMORY,
	T_ZSWAP,
	T_RATIO,
	T_VSWAP,
	T_VSWAP_MAX,
	T_SWAP,
	T_ZSWPOUT,
	T_ZSWPWB,
	T_PSWPOUT,
	T_SOME
};

static const struct column columns[] = {
    [T_CGROUP] = {"cgroup", "CGROUP", COL_STRING},
    [T_MEMORY] = {"memory_current_bytes", "MEMORY", COL_BYTES},
    [T_ZSWAP] = {"zswap_compressed_bytes", "ZSWAP", COL_BYTES},
    [T_RATIO] = {"zswap_ratio", "RATIO", COL_RATIO},
    [T_VSWAP] = {"vswap_current_bytes", "VSWAP", COL_BYTES},
    [T_VSWAP_MAX] = {"vswap_max", "VSWAP-MAX", COL_LIMIT},
    [T_SWAP] = {"swap_current_bytes", "SWAP", COL_BYTES},
    [T_ZSWPOUT] = {"zswap_store_bytes_per_s", "ZSTORE/s", COL_BYTES},
    [T_ZSWPWB] = {"zswap_writeback_bytes_per_s", "WRITEBACK/s", COL_BYTES},
    [T_PSWPOUT] = {"disk_swapout_bytes_per_s", "DISKOUT/s", COL_BYTES},
    [T_SOME] = {"pressure_some_avg10", "SOME%", COL_PERCENT},
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int collect(const char *cgroup, void *userdata)
{
	struct round *rd = userdata;
	struct vswap_sample s;

	if (!*cgroup || vswap_sample_read(rd->ctx, cgroup, &s, NULL, NULL) < 0)
		return 0; /* the root has no limits; a cgroup may vanish or be unreadable */
	struct entry *ne = reallocarray(rd->e, rd->n + 1, sizeof(*ne));
	if (!ne)
		return -ENOMEM;
	rd->e = ne;
	rd->e[rd->n] = (struct entry){.path = strdup(cgroup), .s = s};
	return rd->e[rd->n++].path ? 0 : -ENOMEM;
}

static void round_clear(struct round *rd)
{
	for (size_t i = 0; i < rd->n; i++)
		free(rd->e[i].path);
	rd->e = mfree(rd->e);
	rd->n = 0;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static uint64_t held(const struct entry *e)
{
	const struct vswap_sample *s = &e->s;

	if (vswap_sample_has(s, VSWAP_F_VSWAP_CURRENT))
		return s->value[VSWAP_F_VSWAP_CURRENT];
	return vswap_sample_has(s, VSWAP_F_ZSWAPPED) ? s->value[VSWAP_F_ZSWAPPED] : 0;
}

/* Most virtual swap first; then by name, so the order is stable. */
static int cmp_held(const void *a, const void *b)
{
	uint64_t x = held(a), y = held(b);

	return x != y ? (x < y ? 1 : -1) : cmp_path(a, b);
}

static void add_rate(struct table *t, size_t col, const struct vswap_sample *now,
		     const struct vswap_sample *before, enum vswap_field f, double dt)
{
	if (!before || dt <= 0 || !vswap_sample_has(now, f) || !vswap_sample_has(before, f) ||
	    now->value[f] < before->value[f])
		return;
	table_add_u64(
	    t, col,
	    (uint64_t)llround((double)(now->value[f] - before->value[f]) * PAGE_BYTES / dt));
}

static void add_entry(struct table *t, const struct entry *e, const struct entry *prev, double dt)
{
	const struct vswap_sample *s = &e->s;
	static const struct {
		enum vswap_field f;
		size_t col;
	} plain[] = {
	    {VSWAP_F_MEMORY_CURRENT, T_MEMORY}, {VSWAP_F_ZSWAP, T_ZSWAP},
	    {VSWAP_F_VSWAP_CURRENT, T_VSWAP},	{VSWAP_F_VSWAP_MAX, T_VSWAP_MAX},
	    {VSWAP_F_SWAP_CURRENT, T_SWAP},
	};
	_cleanup_free_ char *display = vswap_cgroup_display(e->path);

	table_row(t);
	table_add_string(t, T_CGROUP, display ? display : e->path);
	for (size_t i = 0; i < ELEMENTSOF(plain); i++)
		if (vswap_sample_has(s, plain[i].f))
			table_add_u64(t, plain[i].col, s->value[plain[i].f]);
	if (vswap_sample_has(s, VSWAP_F_ZSWAP) && s->value[VSWAP_F_ZSWAP] > 0)
		table_add_double(t, T_RATIO,
				 (double)s->value[VSWAP_F_ZSWAPPED] /
				     (double)s->value[VSWAP_F_ZSWAP]);
	add_rate(t, T_ZSWPOUT, s, prev ? &prev->s : NULL, VSWAP_F_ZSWPOUT, dt);
	add_rate(t, T_ZSWPWB, s, prev ? &prev->s : NULL, VSWAP_F_ZSWPWB, dt);
	add_rate(t, T_PSWPOUT, s, prev ? &prev->s : NULL, VSWAP_F_PSWPOUT, dt);
	if (s->has_memory_pressure)
		table_add_double(t, T_SOME, s->memory_pressure.some.avg10);
}

/* Rows that fit the terminal (all of them when not a terminal). */
static size_t rows_to_show(bool tty, size_t n)
{
	struct winsize ws;

	if (!tty || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_row < 4)
		return n;
	return n < (size_t)ws.ws_row - 3 ? n : (size_t)ws.ws_row - 3;
}

static int show(const struct round *now, struct round *before, double dt, bool tty,
		const struct vswapctl_options *opts)
{
	struct table *t = table_new(columns, ELEMENTSOF(columns));
	size_t shown = rows_to_show(tty, now->n);

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < shown; i++) {
		struct entry key = {.path = now->e[i].path};
		const struct entry *prev =
		    before->n ? bsearch(&key, before->e, before->n, sizeof(key), cmp_path) : NULL;
		add_entry(t, &now->e[i], prev, dt);
	}
	if (opts->json)
		print_begin_line(stdout);
	else
		print_begin(false, stdout);
	print_uint("time_unix_s", NULL, (uint64_t)time(NULL));
	print_double("interval_s", NULL, dt);
	print_text(tty ? "\033[H\033[2J%zu cgroups, by virtual swap held; every %.1f s, q quits\n\n"
		       : "",
		   now->n, dt);
	table_print(t, "cgroups", opts->no_legend);
	print_text(tty ? "" : "\n");
	table_free(t);
	return print_end();
}

/* A terminal's input one key at a time, without echo, while top runs; put back after. */
static bool keys_raw(struct termios *saved)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved) < 0)
		return false;
	raw = *saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	return tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

/* Wait interval seconds, or until q is pressed (keys: a terminal in raw mode). */
static void wait_interval(double interval, bool keys)
{
	double end = 0;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + interval;
	while (!stop) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		double left = end - ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
		if (left <= 0)
			return;
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		int n = poll(keys ? &p : NULL, keys ? 1 : 0, (int)(left * 1000) + 1);
		char c;
		if (n > 0 && read(STDIN_FILENO, &c, 1) == 1 && (c == 'q' || c == 'Q'))
			stop = 1;
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int verb_top(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	bool tty = isatty(STDOUT_FILENO) && !opts->json;
	unsigned iterations = opts->iterations ? opts->iterations : tty ? 0 : 1;
	double interval = opts->interval_s > 0 ? opts->interval_s : 2.0;
	struct round before = {}, now = {};
	struct termios saved;
	int r = vswapctl_open(opts, &ctx);

	if (r < 0 || (r = vswapctl_need_memory_controller(ctx)) < 0)
		return r;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	bool keys = tty && keys_raw(&saved);
	before.ctx = now.ctx = ctx;
	/* A first look so that the first table already has rates. */
	r = vswap_cgroup_walk(ctx, "", collect, &before);
	qsort(before.e, before.n, sizeof(*before.e), cmp_path);
	double t_before = now_s();
	for (unsigned i = 0; r >= 0 && !stop && (iterations == 0 || i < iterations); i++) {
		wait_interval(interval, keys);
		if (stop)
			break;
		r = vswap_cgroup_walk(ctx, "", collect, &now);
		double t_now = now_s();
		qsort(now.e, now.n, sizeof(*now.e), cmp_held);
		if (r >= 0)
			r = show(&now, &before, t_now - t_before, tty, opts);
		qsort(now.e, now.n, sizeof(*now.e), cmp_path);
		round_clear(&before);
		before = now;
		now = (struct round){.ctx = ctx};
		t_before = t_now;
	}
	if (keys)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	round_clear(&before);
	round_clear(&now);
	if (r < 0)
		return vswapctl_fail(r, "cannot read the cgroup tree: %s", strerror(-r));
	return 0;
}
