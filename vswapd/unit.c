/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unit.h"

#include "log.h"
#include "unitbus.h"
#include "util.h"

struct unit_entry {
	char *unit;
	char *cgroup; /* NULL: not loaded or no cgroup */
};

/* Only units the configuration names are ever asked about (policies' matches and
 * attachments, root's files), so the cache grows with the configuration, not with users. */
struct unit_cache {
	sd_bus *bus; /* NULL without systemd */
	size_t n, cap;
	struct unit_entry *e;
	void (*changed)(void *userdata);
	void *userdata;
};

static int on_job_removed(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct unit_cache *c = userdata;

	c->changed(c->userdata);
	return 0;
}

static int subscribe(struct unit_cache *c)
{
	int r = sd_bus_match_signal_async(
	    c->bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
	    "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, NULL, c);
	if (r < 0)
		return r;
	/* Without Subscribe() systemd sends job signals only to clients that asked. */
	return sd_bus_call_method_async(
	    c->bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
	    "org.freedesktop.systemd1.Manager", "Subscribe", NULL, NULL, NULL);
}

int unit_cache_new(sd_event *event, void (*changed)(void *userdata), void *userdata,
		   struct unit_cache **ret)
{
	struct unit_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->changed = changed;
	c->userdata = userdata;
	int r = sd_bus_open_system(&c->bus);
	if (r >= 0)
		r = sd_bus_attach_event(c->bus, event, 0);
	if (r >= 0)
		r = subscribe(c);
	if (r < 0) {
		log_info("no system bus (%s): unit and slice policies cannot match", strerror(-r));
		c->bus = sd_bus_flush_close_unref(c->bus);
	}
	*ret = c;
	return 0;
}

void unit_cache_flush(struct unit_cache *c)
{
	for (size_t i = 0; c && i < c->n; i++) {
		free(c->e[i].unit);
		free(c->e[i].cgroup);
	}
	if (c)
		c->n = 0;
}

struct unit_cache *unit_cache_free(struct unit_cache *c)
{
	if (!c)
		return NULL;
	unit_cache_flush(c);
	free(c->e);
	sd_bus_flush_close_unref(c->bus);
	free(c);
	return NULL;
}

static struct unit_entry *entry_add(struct unit_cache *c, const char *unit)
{
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 16;
		struct unit_entry *e = reallocarray(c->e, ncap, sizeof(*e));
		if (!e)
			return NULL;
		c->e = e;
		c->cap = ncap;
	}
	char *name = strdup(unit);
	if (!name)
		return NULL;
	c->e[c->n] = (struct unit_entry){.unit = name};
	return &c->e[c->n++];
}

const char *unit_cache_resolve(const char *unit, void *cache)
{
	struct unit_cache *c = cache;

	if (!c || !c->bus)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (streq(c->e[i].unit, unit))
			return c->e[i].cgroup;
	struct unit_entry *e = entry_add(c, unit);
	if (!e)
		return NULL;
	int r = vswap_unit_cgroup(c->bus, unit, &e->cgroup);
	if (r < 0)
		log_debug("%s: no cgroup: %s", unit, strerror(-r));
	return e->cgroup;
}
