/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tick-cost: vswapd's per-cgroup tick (sample → signals → decide, the code the daemon runs)
 * against the floor, a minimal loop that only opens, reads and closes the files the tick
 * needs, on a tree of N copies of a captured cgroup in tmpfs.
 *
 *   tick-cost [--rounds R] [--dir TMPFS_DIR] FIXTURE_CGROUP_DIR N...
 *
 * For each N: R rounds, each timing one floor pass and one tick pass in alternating order
 * (passes repeat the whole tree until ~20000 cgroups were visited). Time is this thread's CPU
 * time, so other load on the machine counts less than in wall time. Prints one line per N:
 *   N floor_ns=MEDIAN tick_ns=MEDIAN ratio=MEDIAN ratio_min=MIN ratio_max=MAX rounds=R
 * where every ratio is tick/floor of one round. Exit 1 if a tick fails.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "context.h"
#include "engine.h"
#include "policy.h"
#include "sample.h"
#include "sampler.h"

/* The files vswap_sample_read() opens (libvswap/sample.c), in its order. */
static const char *const tick_files[] = {
    "memory.stat",	    "memory.current",	"memory.max",
    "memory.swap.current",  "memory.swap.max",	"memory.zswap.max",
    "memory.vswap.current", "memory.vswap.max", "memory.zswap.writeback",
    "memory.pressure",	    "io.pressure",
};
#define N_TICK_FILES	(sizeof(tick_files) / sizeof(tick_files[0]))
#define VISITS_PER_PASS 20000

static int is_tick_file(const char *name)
{
	for (size_t i = 0; i < N_TICK_FILES; i++)
		if (strcmp(tick_files[i], name) == 0)
			return 1;
	return 0;
}

struct file_copy {
	char name[64];
	char *data;
	size_t len;
};

static double cpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static size_t load_template(const char *dir, struct file_copy **ret)
{
	DIR *d = opendir(dir);
	struct file_copy *files = NULL;
	size_t n = 0;
	struct dirent *e;

	if (!d) {
		perror(dir);
		exit(2);
	}
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;
		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(files->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		files = realloc(files, (n + 1) * sizeof(*files));
		struct file_copy *f = &files[n++];
		snprintf(f->name, sizeof(f->name), "%s", e->d_name);
		f->data = malloc((size_t)st.st_size + 1);
		FILE *in = fopen(path, "r");
		f->len = in ? fread(f->data, 1, (size_t)st.st_size, in) : 0;
		if (in)
			fclose(in);
	}
	closedir(d);
	*ret = files;
	return n;
}

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
}

/* ROOT/proc/self/mountinfo naming ROOT/sys/fs/cgroup as cgroup2, and N copies of the template. */
static void build_tree(const char *root, const struct file_copy *files, size_t n_files, int n)
{
	static const char mountinfo[] =
	    "1 1 0:2 / / rw - rootfs rootfs rw\n"
	    "30 1 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n";
	char path[8192];
	const char *dirs[] = {"proc",	"proc/self",	 "sys",
			      "sys/fs", "sys/fs/cgroup", "sys/fs/cgroup/bench.slice"};

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		mkdir(path, 0755);
	}
	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	write_file(path, mountinfo, sizeof(mountinfo) - 1);
	for (int c = 0; c < n; c++) {
		snprintf(path, sizeof(path), "%s/sys/fs/cgroup/bench.slice/c%d.service", root, c);
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			perror(path);
			exit(2);
		}
		for (size_t i = 0; i < n_files; i++) {
			char fp[8400];
			if (!is_tick_file(files[i].name) &&
			    strncmp(files[i].name, "cgroup.", 7) != 0)
				continue; /* keeps 10k cgroups quick to build; lookups are hashed */
			snprintf(fp, sizeof(fp), "%s/%s", path, files[i].name);
			write_file(fp, files[i].data, files[i].len);
		}
	}
}

struct bench {
	struct vswap_ctx *ctx;
	struct vswap_policy *policy;
	struct vswap_caps caps;
	char **cgroups;	    /* "bench.slice/cI.service" */
	char **floor_paths; /* per cgroup x file, relative to the cgroup2 mount */
	size_t n_floor_files;
	struct sample_memo *last;
	bool *quiet;  /* as manager_evaluate() finds it, to back off */
	double now_s; /* the engine's clock */
	struct engine_state *state;
	int n;
};

/* The floor: open, one read, close, for every file the tick reads. */
static double floor_pass(struct bench *b, int reps)
{
	char buf[8192];
	double t0 = cpu_now_ns();

	for (int r = 0; r < reps; r++)
		for (int c = 0; c < b->n; c++)
			for (size_t i = 0; i < b->n_floor_files; i++) {
				int fd = openat(b->ctx->cgroup_fd,
						b->floor_paths[(size_t)c * b->n_floor_files + i],
						O_RDONLY | O_CLOEXEC);
				if (fd < 0)
					continue;
				if (read(fd, buf, sizeof(buf)) < 0)
					perror("read");
				close(fd);
			}
	return (cpu_now_ns() - t0) / ((double)reps * b->n);
}

/* The tick: what manager_evaluate() does for one cgroup, minus logging and acting. */
static double tick_pass(struct bench *b, int reps)
{
	double t0 = cpu_now_ns();

	for (int r = 0; r < reps; r++, b->now_s += 5.0) /* samples 5 s apart: rates are taken */
		for (int c = 0; c < b->n; c++) {
			struct vswap_sample cur;
			struct vswap_parse_error perr = {};
			struct signals s;
			struct decision d;
			if (vswap_sample_read(b->ctx, b->cgroups[c], &cur, NULL, &perr) < 0) {
				fprintf(stderr, "tick-cost: sample of %s failed\n", b->cgroups[c]);
				exit(1);
			}
			signals_from_samples(&cur, &b->last[c], b->now_s, &s);
			engine_decide(b->policy, &b->caps, &s, &b->state[c], &d);
			b->quiet[c] =
			    !sample_memo_take(&b->last[c], &cur, b->now_s) && d.n_actions == 0;
		}
	return (cpu_now_ns() - t0) / ((double)reps * b->n);
}

static void bench_init(struct bench *b, const char *root, int n)
{
	static const char policy_json[] =
	    "{ \"schema_version\": 1, \"vswap\": { \"max\": \"50%\" },"
	    "  \"writeback\": { \"amount\": \"16M\", \"max_per_minute\": \"256M\","
	    "    \"when\": [ { \"vswap_above_percent\": 90 },"
	    "              { \"ratio_below\": 1.5, \"zswap_above\": \"32M\" } ] } }";
	struct vswap_policy_error perr = {};
	char p[4096];

	*b = (struct bench){.n = n};
	if (vswap_ctx_new(root, &b->ctx) < 0 ||
	    vswap_policy_parse(policy_json, sizeof(policy_json) - 1, "default", "bench", &b->policy,
			       &perr) < 0) {
		fprintf(stderr, "tick-cost: cannot set up the context or the policy\n");
		exit(2);
	}
	/* A patched kernel's capabilities: every decision path is live. */
	b->caps = (struct vswap_caps){.mode = VSWAP_MODE_PATCHED,
				      .memory_controller = true,
				      .psi = true,
				      .swap_active = true,
				      .zswap_module = true,
				      .zswap_enabled = true,
				      .memory_reclaim = true,
				      .swap_cgroup = true,
				      .zswap_cgroup = true,
				      .zswap_writeback = true,
				      .stat_pswp = true,
				      .vswap = true,
				      .vswap_writeback = true};
	b->cgroups = calloc((size_t)n, sizeof(char *));
	b->last = calloc((size_t)n, sizeof(*b->last));
	b->quiet = calloc((size_t)n, sizeof(*b->quiet));
	b->state = calloc((size_t)n, sizeof(*b->state));
	b->floor_paths = calloc((size_t)n * N_TICK_FILES, sizeof(char *));
	for (int c = 0; c < n; c++) {
		snprintf(p, sizeof(p), "bench.slice/c%d.service", c);
		b->cgroups[c] = strdup(p);
		engine_state_init(&b->state[c]);
	}
	/* Only the files this tree has: the floor reads what the tick finds. */
	for (size_t i = 0; i < N_TICK_FILES; i++) {
		snprintf(p, sizeof(p), "bench.slice/c0.service/%s", tick_files[i]);
		if (faccessat(b->ctx->cgroup_fd, p, R_OK, 0) < 0)
			continue;
		for (int c = 0; c < n; c++) {
			snprintf(p, sizeof(p), "bench.slice/c%d.service/%s", c, tick_files[i]);
			b->floor_paths[(size_t)c * N_TICK_FILES + b->n_floor_files] = strdup(p);
		}
		b->n_floor_files++;
	}
	/* Re-pack: row stride is n_floor_files from here on. */
	for (int c = 0; c < n; c++)
		for (size_t i = 0; i < b->n_floor_files; i++)
			b->floor_paths[(size_t)c * b->n_floor_files + i] =
			    b->floor_paths[(size_t)c * N_TICK_FILES + i];
	(void)tick_pass(b, 1); /* prev samples, warm caches */
}

static void run_n(const char *fixture, const char *dir, int n, int rounds)
{
	char root[4096], cmd[4200];
	struct file_copy *files;
	size_t n_files = load_template(fixture, &files);
	struct bench b;
	double floor_ns[64], tick_ns[64], ratio[64];
	int reps = n >= VISITS_PER_PASS ? 1 : VISITS_PER_PASS / n;

	snprintf(root, sizeof(root), "%s/vswap-tick.XXXXXX", dir);
	if (!mkdtemp(root)) {
		perror(root);
		exit(2);
	}
	build_tree(root, files, n_files, n);
	bench_init(&b, root, n);
	for (int r = 0; r < rounds; r++) {
		if (r % 2 == 0) {
			floor_ns[r] = floor_pass(&b, reps);
			tick_ns[r] = tick_pass(&b, reps);
		} else {
			tick_ns[r] = tick_pass(&b, reps);
			floor_ns[r] = floor_pass(&b, reps);
		}
		ratio[r] = tick_ns[r] / floor_ns[r];
	}
	double lo = ratio[0], hi = ratio[0];
	for (int r = 1; r < rounds; r++) {
		lo = ratio[r] < lo ? ratio[r] : lo;
		hi = ratio[r] > hi ? ratio[r] : hi;
	}
	printf("%d floor_ns=%.0f tick_ns=%.0f ratio=%.3f ratio_min=%.3f ratio_max=%.3f rounds=%d "
	       "files=%zu\n",
	       n, median(floor_ns, (size_t)rounds), median(tick_ns, (size_t)rounds),
	       median(ratio, (size_t)rounds), lo, hi, rounds, b.n_floor_files);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "tick-cost: cannot remove %s\n", root);
}

int main(int argc, char **argv)
{
	int rounds = 7, i = 1;
	const char *dir = "/dev/shm";

	for (; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--rounds") == 0)
			rounds = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--dir") == 0)
			dir = argv[i + 1];
		else
			break;
	}
	if (argc - i < 2 || rounds < 1 || rounds > 64) {
		fprintf(stderr,
			"usage: tick-cost [--rounds R] [--dir TMPFS_DIR] FIXTURE_CGROUP_DIR "
			"N...\n");
		return 2;
	}
	for (int a = i + 1; a < argc; a++)
		run_n(argv[i], dir, atoi(argv[a]), rounds);
	return 0;
}
