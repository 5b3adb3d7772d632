/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "metrics.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "atomic.h"
#include "state.h"
#include "text.h"
#include "policyset.h"
#include "util.h"

enum metric_type {
	METRIC_GAUGE,
	METRIC_COUNTER,
};

struct family {
	const char *name; /* the family's name: without "_total" for a counter */
	enum metric_type type;
	const char *unit; /* OpenMetrics UNIT, the name's last part; NULL: none */
	const char *help;
};

struct out {
	FILE *f;
	enum metrics_format format;
};

/* Label values are valid UTF-8 (a cgroup's name may hold any byte: invalid ones become
 * U+FFFD) and escape backslash, double quote and newline. */
static void put_label(FILE *f, const char *value)
{
	_cleanup_free_ char *valid = vswap_utf8_valid(value);

	for (const char *v = valid ? valid : ""; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* The name samples carry: a counter's ends in "_total" in both formats. */
static const char *sample_suffix(const struct family *fam)
{
	return fam->type == METRIC_COUNTER ? "_total" : "";
}

/*
 * The metadata lines. The Prometheus text format knows no families: HELP and TYPE must name
 * the metric as its samples do, or a reader (node_exporter, promtool) takes them for another
 * metric and the samples arrive untyped. OpenMetrics names the family and adds its unit.
 */
static void family(const struct out *o, const struct family *fam)
{
	static const char *const types[] = {[METRIC_GAUGE] = "gauge", [METRIC_COUNTER] = "counter"};
	const char *suffix = o->format == METRICS_PROMETHEUS_TEXT ? sample_suffix(fam) : "";

	fprintf(o->f, "# HELP %s%s %s\n", fam->name, suffix, fam->help);
	fprintf(o->f, "# TYPE %s%s %s\n", fam->name, suffix, types[fam->type]);
	if (o->format == METRICS_OPENMETRICS && fam->unit)
		fprintf(o->f, "# UNIT %s %s\n", fam->name, fam->unit);
}

static void sample_start(const struct out *o, const struct family *fam, const char *cgroup,
			 const char *action)
{
	fprintf(o->f, "%s%s", fam->name, sample_suffix(fam));
	if (!cgroup)
		return;
	fputs("{cgroup=\"", o->f);
	put_label(o->f, cgroup);
	if (action)
		fprintf(o->f, "\",action=\"%s", action);
	fputs("\"}", o->f);
}

static void sample(const struct out *o, const struct family *fam, const char *cgroup,
		   const char *action, uint64_t v)
{
	sample_start(o, fam, cgroup, action);
	fprintf(o->f, " %llu\n", (unsigned long long)v);
}

/* A limit: "max" (no limit) is +Inf, which both formats spell so. */
static void limit_sample(const struct out *o, const struct family *fam, const char *cgroup,
			 uint64_t v)
{
	if (v != VSWAP_LIMIT_MAX)
		return sample(o, fam, cgroup, NULL, v);
	sample_start(o, fam, cgroup, NULL);
	fputs(" +Inf\n", o->f);
}

static void daemon_metrics(const struct out *o, const struct daemon_state *st)
{
	static const struct family managed = {"vswapd_managed_cgroups", METRIC_GAUGE, NULL,
					      "Cgroups a policy applies to"};
	static const struct family policies = {"vswapd_policies", METRIC_GAUGE, NULL,
					       "Policies in force"};
	static const struct family reloads = {"vswapd_reloads", METRIC_COUNTER, NULL,
					      "Policy reloads attempted since the start"};
	static const struct family refused = {
	    "vswapd_reload_failures", METRIC_COUNTER, NULL,
	    "Policy reloads refused (an invalid file): the previous policies stayed in force"};

	family(o, &managed);
	sample(o, &managed, NULL, NULL, st->managed.n);
	family(o, &policies);
	sample(o, &policies, NULL, NULL, st->policies->n);
	family(o, &reloads);
	sample(o, &reloads, NULL, NULL, st->reloads);
	family(o, &refused);
	sample(o, &refused, NULL, NULL, st->reload_failures);
}

/* One sample per cgroup and kind of action done, with the count or the bytes named. */
static void action_family(const struct out *o, const struct family *fam,
			  const struct daemon_state *st, bool bytes)
{
	family(o, fam);
	for (size_t i = 0; i < st->managed.n; i++)
		for (int k = 0; k < _ACTION_KIND_COUNT; k++)
			if (managed_actions(st->managed.v[i], k))
				sample(o, fam, st->managed.v[i]->display, action_kind_name(k),
				       bytes ? managed_action_bytes(st->managed.v[i], k)
					     : managed_actions(st->managed.v[i], k));
}

static void action_counters(const struct out *o, const struct daemon_state *st)
{
	static const struct family actions = {"vswapd_actions", METRIC_COUNTER, NULL,
					      "Actions carried out, by cgroup and kind"};
	static const struct family bytes = {"vswapd_action_bytes", METRIC_COUNTER, "bytes",
					    "Bytes named by the actions carried out"};
	static const struct family failures = {
	    "vswapd_cgroup_knob_failures", METRIC_COUNTER, NULL,
	    "Knob writes that failed (the daemon's and the control socket's)"};

	action_family(o, &actions, st, false);
	action_family(o, &bytes, st, true);
	family(o, &failures);
	for (size_t i = 0; i < st->managed.n; i++)
		sample(o, &failures, st->managed.v[i]->display, NULL, st->managed.v[i]->failures);
}

static void sample_gauges(const struct out *o, const struct daemon_state *st)
{
	static const struct {
		struct family fam;
		enum vswap_field field;
	} gauges[] = {
	    {{"vswapd_cgroup_memory_current_bytes", METRIC_GAUGE, "bytes", "memory.current"},
	     VSWAP_F_MEMORY_CURRENT},
	    {{"vswapd_cgroup_zswap_compressed_bytes", METRIC_GAUGE, "bytes",
	      "Compressed bytes in zswap"},
	     VSWAP_F_ZSWAP},
	    {{"vswapd_cgroup_zswapped_bytes", METRIC_GAUGE, "bytes",
	      "Original bytes of zswap pages"},
	     VSWAP_F_ZSWAPPED},
	    {{"vswapd_cgroup_swap_current_bytes", METRIC_GAUGE, "bytes", "memory.swap.current"},
	     VSWAP_F_SWAP_CURRENT},
	    {{"vswapd_cgroup_vswap_current_bytes", METRIC_GAUGE, "bytes",
	      "memory.vswap.current (uncompressed)"},
	     VSWAP_F_VSWAP_CURRENT},
	    {{"vswapd_cgroup_vswap_max_bytes", METRIC_GAUGE, "bytes",
	      "memory.vswap.max (uncompressed), +Inf for max"},
	     VSWAP_F_VSWAP_MAX},
	};

	for (size_t g = 0; g < ELEMENTSOF(gauges); g++) {
		family(o, &gauges[g].fam);
		for (size_t i = 0; i < st->managed.n; i++) {
			const struct managed *mc = st->managed.v[i];
			uint64_t v;
			if (sample_memo_get(&mc->memo, gauges[g].field, &v))
				limit_sample(o, &gauges[g].fam, mc->display, v);
		}
	}
}

/* The cap a rate is compared with: only where the policy in force writes back. */
static void writeback_caps(const struct out *o, const struct daemon_state *st)
{
	static const struct family cap = {
	    "vswapd_cgroup_writeback_max_bytes_per_minute", METRIC_GAUGE, NULL,
	    "The policy's writeback/max_per_minute: compressed bytes over any sliding minute"};

	family(o, &cap);
	for (size_t i = 0; i < st->managed.n; i++) {
		const struct managed *mc = st->managed.v[i];
		const struct vswap_policy *p = managed_policy(mc, st->policies);
		if (p && p->writeback.enabled)
			sample(o, &cap, mc->display, NULL, p->writeback.max_bytes_per_minute);
	}
}

char *metrics_render(const struct daemon_state *st, enum metrics_format format)
{
	char *text = NULL;
	size_t len = 0;
	struct out o = {.f = open_memstream(&text, &len), .format = format};

	if (!o.f)
		return NULL;
	daemon_metrics(&o, st);
	action_counters(&o, st);
	sample_gauges(&o, st);
	writeback_caps(&o, st);
	if (format == METRICS_OPENMETRICS)
		fputs("# EOF\n", o.f);
	if (fclose(o.f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int metrics_write_textfile(const struct daemon_state *st)
{
	_cleanup_free_ char *text = metrics_render(st, METRICS_PROMETHEUS_TEXT);

	if (!text)
		return -ENOMEM;
	return vswap_write_atomic(st->ctx->root_fd, st->conf.metrics_file, text, strlen(text),
				  0644);
}
