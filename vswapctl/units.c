/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "units.h"

#include "unitbus.h"
#include "util.h"

struct unit_resolver {
	sd_bus *bus; /* NULL: not the live system, or no systemd */
	size_t n;
	char **unit, **cgroup;
};

struct unit_resolver *unit_resolver_new(const struct vswap_ctx *ctx)
{
	struct unit_resolver *rs = calloc(1, sizeof(*rs));

	if (rs && (!streq(ctx->root, "/") || sd_bus_open_system(&rs->bus) < 0))
		rs->bus = NULL;
	return rs;
}

struct unit_resolver *unit_resolver_free(struct unit_resolver *rs)
{
	if (!rs)
		return NULL;
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->unit[i]);
		free(rs->cgroup[i]);
	}
	free(rs->unit);
	free(rs->cgroup);
	sd_bus_flush_close_unref(rs->bus);
	free(rs);
	return NULL;
}

bool unit_resolver_live(const struct unit_resolver *rs)
{
	return rs && rs->bus;
}

const char *unit_resolver_cgroup(const char *unit, void *resolver)
{
	struct unit_resolver *rs = resolver;

	if (!rs || !rs->bus)
		return NULL;
	for (size_t i = 0; i < rs->n; i++)
		if (streq(rs->unit[i], unit))
			return rs->cgroup[i];
	char **u = reallocarray(rs->unit, rs->n + 1, sizeof(*u));
	if (u)
		rs->unit = u;
	char **c = u ? reallocarray(rs->cgroup, rs->n + 1, sizeof(*c)) : NULL;
	if (!c)
		return NULL;
	rs->cgroup = c;
	rs->unit[rs->n] = strdup(unit);
	if (!rs->unit[rs->n])
		return NULL;
	rs->cgroup[rs->n] = NULL;
	(void)vswap_unit_cgroup(rs->bus, unit, &rs->cgroup[rs->n]);
	return rs->cgroup[rs->n++];
}
