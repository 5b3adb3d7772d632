/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "engine.h"

#include <stdio.h>

#include "util.h"

size_t engine_degradations(const struct vswap_policy *p, const struct vswap_caps *caps,
			   char (*notes)[192], size_t max_notes)
{
	const struct {
		bool applies;
		const char *text;
	} rules[] = {
	    {p->vswap_max.set && !caps->vswap && caps->zswap_cgroup,
	     "vswap.max is emulated: memory.zswap.max = cap / measured compression ratio "
	     "(no memory.vswap.max on this kernel)"},
	    {p->vswap_max.set && !caps->vswap && !caps->zswap_cgroup,
	     "vswap.max has no effect: neither memory.vswap.max nor memory.zswap.max on this "
	     "kernel"},
	    {p->zswap_max.set && !caps->zswap_cgroup,
	     "zswap.max has no effect: no memory.zswap.max on this kernel"},
	    {p->zswap_writeback >= 0 && !caps->zswap_writeback,
	     "zswap.writeback has no effect: no memory.zswap.writeback on this kernel"},
	    {p->writeback.enabled && !caps->vswap_writeback,
	     "writeback rules are inert: no memory.vswap.writeback on this kernel"},
	    {p->offload.enabled && !caps->memory_reclaim,
	     "offload is inert: no memory.reclaim on this kernel"},
	};
	size_t n = 0;

	for (size_t i = 0; i < ELEMENTSOF(rules) && n < max_notes; i++)
		if (rules[i].applies)
			snprintf(notes[n++], 192, "%s", rules[i].text);
	return n;
}
