/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unit.h"

#include "log.h"
#include "manager.h"
#include "util.h"

#define UNIT_CACHE_MAX 256

struct unit_cache {
	size_t n;
	struct {
		char *unit;
		char *cgroup; /* NULL: not loaded or no cgroup */
	} e[UNIT_CACHE_MAX];
};

void unit_setup(struct manager *m)
{
	int r = sd_bus_open_system(&m->bus);

	if (r >= 0)
		r = sd_bus_attach_event(m->bus, m->event, 0);
	if (r < 0) {
		log_info("no system bus (%s): unit and slice policies cannot match", strerror(-r));
		m->bus = sd_bus_flush_close_unref(m->bus);
	}
	m->units = calloc(1, sizeof(*m->units));
}

void unit_cache_flush(struct manager *m)
{
	if (!m->units)
		return;
	for (size_t i = 0; i < m->units->n; i++) {
		free(m->units->e[i].unit);
		free(m->units->e[i].cgroup);
	}
	m->units->n = 0;
}

void unit_done(struct manager *m)
{
	unit_cache_flush(m);
	m->units = mfree(m->units);
	m->bus = sd_bus_flush_close_unref(m->bus);
}

static const char *interface_of(const char *unit)
{
	static const struct {
		const char *suffix;
		const char *iface;
	} types[] = {
	    {".service", "org.freedesktop.systemd1.Service"},
	    {".slice", "org.freedesktop.systemd1.Slice"},
	    {".scope", "org.freedesktop.systemd1.Scope"},
	    {".socket", "org.freedesktop.systemd1.Socket"},
	    {".mount", "org.freedesktop.systemd1.Mount"},
	    {".swap", "org.freedesktop.systemd1.Swap"},
	};
	size_t n = strlen(unit);

	for (size_t i = 0; i < ELEMENTSOF(types); i++) {
		size_t l = strlen(types[i].suffix);
		if (n > l && streq(unit + n - l, types[i].suffix))
			return types[i].iface;
	}
	return NULL;
}

/* Ask systemd; NULL when the unit is not loaded or has no cgroup. */
static char *query(sd_bus *bus, const char *unit)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path = NULL;
	char *cgroup = NULL;
	const char *iface = interface_of(unit);

	if (!iface)
		return NULL;
	int r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				   "org.freedesktop.systemd1.Manager", "GetUnit", &error, &reply,
				   "s", unit);
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, iface,
					       "ControlGroup", &error, &cgroup);
	if (r < 0)
		log_debug("%s: no cgroup: %s", unit, error.message ? error.message : strerror(-r));
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	if (cgroup && !*cgroup)
		cgroup = mfree(cgroup);
	return cgroup;
}

const char *unit_resolve(const struct vswap_policy *p, void *userdata)
{
	struct manager *m = userdata;
	struct unit_cache *c = m->units;

	if (!m->bus || !c)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (streq(c->e[i].unit, p->match))
			return c->e[i].cgroup;
	if (c->n == UNIT_CACHE_MAX)
		return NULL;
	c->e[c->n].unit = strdup(p->match);
	c->e[c->n].cgroup = query(m->bus, p->match);
	return c->e[c->n++].cgroup;
}
