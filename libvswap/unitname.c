/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "unitname.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

static const struct {
	const char *suffix;
	bool cgroup;
} types[] = {
    {"service", true}, {"scope", true}, {"slice", true},   {"socket", true},
    {"mount", true},   {"swap", true},	{"device", false}, {"automount", false},
    {"target", false}, {"path", false}, {"timer", false},
};

/* The entry of name's type, or -1. */
static int type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < ELEMENTSOF(types); i++)
		if (streq(dot + 1, types[i].suffix))
			return (int)i;
	return -1;
}

bool vswap_unit_name_valid(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t n = strlen(name);

	if (n == 0 || n > 255 || !dot || dot == name || name[0] == '.' || type_of(name) < 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(":_.@-\\", *p))
			return false;
	return true;
}

bool vswap_unit_has_cgroup(const char *name)
{
	int t = type_of(name);

	return t >= 0 && types[t].cgroup;
}
