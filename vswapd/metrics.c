/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "metrics.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "atomic.h"
#include "state.h"
#include "util.h"

/* Label values escape backslash, double quote and newline. */
static void put_label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# TYPE %s %s\n# HELP %s %s\n", name, type, name, help);
}

static void cgroup_metric(FILE *f, const char *name, const char *cgroup, const char *action,
			  uint64_t v)
{
	fprintf(f, "%s{cgroup=\"", name);
	put_label(f, cgroup);
	if (action)
		fprintf(f, "\",action=\"%s", action);
	fprintf(f, "\"} %llu\n", (unsigned long long)v);
}

static void sample_gauges(FILE *f, const struct daemon_state *st)
{
	static const struct {
		const char *name;
		enum vswap_field field;
		const char *help;
	} gauges[] = {
	    {"vswapd_cgroup_memory_current_bytes", VSWAP_F_MEMORY_CURRENT, "memory.current"},
	    {"vswapd_cgroup_zswap_compressed_bytes", VSWAP_F_ZSWAP, "Compressed bytes in zswap"},
	    {"vswapd_cgroup_zswapped_bytes", VSWAP_F_ZSWAPPED, "Original bytes of zswap pages"},
	    {"vswapd_cgroup_swap_current_bytes", VSWAP_F_SWAP_CURRENT, "memory.swap.current"},
	    {"vswapd_cgroup_vswap_current_bytes", VSWAP_F_VSWAP_CURRENT,
	     "memory.vswap.current (uncompressed)"},
	};

	for (size_t g = 0; g < ELEMENTSOF(gauges); g++) {
		family(f, gauges[g].name, "gauge", gauges[g].help);
		for (size_t i = 0; i < st->managed.n; i++) {
			const struct managed *mc = st->managed.v[i];
			uint64_t v;
			if (sample_memo_get(&mc->memo, gauges[g].field, &v))
				cgroup_metric(f, gauges[g].name, mc->display, NULL, v);
		}
	}
}

static void action_counters(FILE *f, const struct daemon_state *st)
{
	family(f, "vswapd_actions", "counter", "Actions carried out, by cgroup and kind");
	for (size_t i = 0; i < st->managed.n; i++)
		for (int k = 0; k < _ACTION_KIND_COUNT; k++)
			if (managed_actions(st->managed.v[i], k))
				cgroup_metric(f, "vswapd_actions_total", st->managed.v[i]->display,
					      action_kind_name(k),
					      managed_actions(st->managed.v[i], k));
	family(f, "vswapd_action_bytes", "counter", "Bytes named by the actions carried out");
	for (size_t i = 0; i < st->managed.n; i++)
		for (int k = 0; k < _ACTION_KIND_COUNT; k++)
			if (managed_actions(st->managed.v[i], k))
				cgroup_metric(f, "vswapd_action_bytes_total",
					      st->managed.v[i]->display, action_kind_name(k),
					      managed_action_bytes(st->managed.v[i], k));
}

char *metrics_render(const struct daemon_state *st)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	family(f, "vswapd_managed_cgroups", "gauge", "Cgroups a policy applies to");
	fprintf(f, "vswapd_managed_cgroups %zu\n", st->managed.n);
	family(f, "vswapd_policies", "gauge", "Policies in force");
	fprintf(f, "vswapd_policies %zu\n", st->policies->n);
	family(f, "vswapd_reloads", "counter", "Policy reloads");
	fprintf(f, "vswapd_reloads_total %llu\n", (unsigned long long)st->reloads);
	family(f, "vswapd_reload_failures", "counter", "Reloads rejected for invalid files");
	fprintf(f, "vswapd_reload_failures_total %llu\n", (unsigned long long)st->reload_failures);
	action_counters(f, st);
	sample_gauges(f, st);
	fputs("# EOF\n", f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int metrics_write_textfile(const struct daemon_state *st)
{
	_cleanup_free_ char *text = metrics_render(st);

	if (!text)
		return -ENOMEM;
	return vswap_write_atomic(st->ctx->root_fd, st->conf.metrics_file, text, strlen(text),
				  0644);
}
