/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unitbus.h"

#include "util.h"

/* The D-Bus interface that carries ControlGroup for a unit type; NULL for types without. */
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

int vswap_unit_cgroup(sd_bus *bus, const char *unit, char **ret)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path = NULL;
	char *cgroup = NULL;
	const char *iface = interface_of(unit);

	if (!iface)
		return -EINVAL;
	int r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				   "org.freedesktop.systemd1.Manager", "GetUnit", &error, &reply,
				   "s", unit);
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &path);
	if (r >= 0)
		r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, iface,
					       "ControlGroup", &error, &cgroup);
	if (sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit"))
		r = -ENOENT;
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
	if (r >= 0 && (!cgroup || !*cgroup))
		r = -ENOENT;
	if (r < 0) {
		free(cgroup);
		return r;
	}
	*ret = cgroup;
	return 0;
}
