/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unit.h"

#include "log.h"
#include "manager.h"
#include "unitbus.h"
#include "util.h"

#define UNIT_CACHE_MAX 256

struct unit_cache {
	size_t n;
	struct {
		char *unit;
		char *cgroup; /* NULL: not loaded or no cgroup */
	} e[UNIT_CACHE_MAX];
};

/*
 * A job finished: a unit started or stopped. Its cgroup may appear before systemd reports
 * it as the unit's ControlGroup, so the inotify rescan can miss it; this one does not.
 */
static int on_job_removed(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	manager_schedule_rescan(userdata);
	return 0;
}

static int subscribe(struct manager *m)
{
	int r = sd_bus_match_signal_async(
	    m->bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
	    "org.freedesktop.systemd1.Manager", "JobRemoved", on_job_removed, NULL, m);
	if (r < 0)
		return r;
	/* Without Subscribe() systemd sends job signals only to clients that asked. */
	return sd_bus_call_method_async(
	    m->bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
	    "org.freedesktop.systemd1.Manager", "Subscribe", NULL, NULL, NULL);
}

void unit_setup(struct manager *m)
{
	int r = sd_bus_open_system(&m->bus);

	if (r >= 0)
		r = sd_bus_attach_event(m->bus, m->event, 0);
	if (r >= 0)
		r = subscribe(m);
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

const char *unit_resolve(const char *unit, void *userdata)
{
	struct manager *m = userdata;
	struct unit_cache *c = m->units;

	if (!m->bus || !c)
		return NULL;
	for (size_t i = 0; i < c->n; i++)
		if (streq(c->e[i].unit, unit))
			return c->e[i].cgroup;
	if (c->n == UNIT_CACHE_MAX)
		return NULL;
	char *cgroup = NULL;
	int r = vswap_unit_cgroup(m->bus, unit, &cgroup);
	if (r < 0)
		log_debug("%s: no cgroup: %s", unit, strerror(-r));
	c->e[c->n].unit = strdup(unit);
	c->e[c->n].cgroup = cgroup;
	return c->e[c->n++].cgroup;
}
