/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl capabilities: what this kernel offers and what vswapd can do with it. */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>

#include "caps.h"
#include "context.h"
#include "output.h"
#include "system.h"
#include "util.h"
#include "vswapctl.h"

struct feature {
	const char *key;
	size_t offset; /* of the bool in struct vswap_caps */
	const char *what;
	const char *if_missing;
};

#define FEATURE(field, what, missing)                                                              \
	{                                                                                          \
#field, offsetof(struct vswap_caps, field), what, missing                          \
	}

static const struct feature features[] = {
    FEATURE(memory_controller, "memory controller on cgroup2",
	    "nothing can be managed: enable cgroup v2 with the memory controller"),
    FEATURE(psi, "pressure stall information (PSI)",
	    "no pressure triggers: boot with psi=1; pressure-based rules never fire"),
    FEATURE(swap_active, "an active swap device",
	    "zswap cannot store pages and writeback has nowhere to go: swapon a device"),
    FEATURE(zswap_module, "zswap", "no compressed tier: zswap limits do nothing"),
    FEATURE(zswap_enabled, "zswap enabled", "zswap is built in but off: zswap.enabled=1"),
    FEATURE(memory_reclaim, "memory.reclaim (proactive reclaim)",
	    "no proactive offload: policy 'offload' sections are ignored"),
    FEATURE(swap_cgroup, "memory.swap.max", "per-cgroup swap limits unavailable"),
    FEATURE(zswap_cgroup, "memory.zswap.max (compressed bytes)",
	    "no per-cgroup zswap cap: vswap.max cannot be emulated"),
    FEATURE(zswap_writeback, "memory.zswap.writeback (6.8+)",
	    "zswap writeback cannot be switched per cgroup"),
    FEATURE(stat_pswp, "pswpin/pswpout in memory.stat (6.13+ or vswap series)",
	    "disk swap rates per cgroup unknown; rules on them never fire"),
    FEATURE(vswap, "memory.vswap.{current,max,peak,events,stat} (vswap series)",
	    "vswap.max can only be emulated: memory.zswap.max from the measured compression ratio"),
    FEATURE(vswap_writeback, "memory.vswap.writeback (vswap series)",
	    "policy writeback rules are inert (the kernel's zswap shrinker, "
	    "zswap.shrinker_enabled=Y, writes back on its own)"),
};

static bool feature_on(const struct vswap_caps *c, const struct feature *f)
{
	return *(const bool *)((const char *)c + f->offset);
}

static struct json_object *zswap_json(const struct vswap_zswap_params *zp)
{
	struct json_object *z = json_object_new_object();

	json_object_object_add(z, "enabled", json_object_new_boolean(zp->enabled));
	json_object_object_add(z, "shrinker_enabled",
			       json_object_new_boolean(zp->shrinker_enabled));
	json_object_object_add(z, "compressor", json_object_new_string(zp->compressor));
	json_object_object_add(z, "zpool", zp->zpool ? json_object_new_string(zp->zpool) : NULL);
	json_object_object_add(z, "max_pool_percent", json_object_new_uint64(zp->max_pool_percent));
	json_object_object_add(z, "accept_threshold_percent",
			       json_object_new_uint64(zp->accept_threshold_percent));
	return z;
}

static void print_json_caps(const struct vswap_caps *c, const struct vswap_zswap_params *zp)
{
	struct json_object *o = json_object_new_object();
	struct json_object *fs = json_object_new_object();

	json_object_object_add(o, "mode", json_object_new_string(vswap_kernel_mode_name(c->mode)));
	json_object_object_add(o, "kernel_release",
			       c->kernel_release ? json_object_new_string(c->kernel_release)
						 : NULL);
	json_object_object_add(o, "probe_cgroup",
			       c->probe_cgroup ? json_object_new_string(c->probe_cgroup) : NULL);
	for (size_t i = 0; i < ELEMENTSOF(features); i++)
		json_object_object_add(fs, features[i].key,
				       json_object_new_boolean(feature_on(c, &features[i])));
	json_object_object_add(o, "features", fs);
	json_object_object_add(o, "zswap", zp ? zswap_json(zp) : NULL);
	json_print(o, stdout);
	json_object_put(o);
}

static void print_text_caps(const struct vswap_caps *c, const struct vswap_zswap_params *zp)
{
	printf("Kernel: %s\nMode:   %s\n", strna(c->kernel_release),
	       vswap_kernel_mode_name(c->mode));
	if (zp)
		printf("zswap:  %s, compressor %s, zpool %s, pool at most %" PRIu64
		       "%% of RAM, accepts again below %" PRIu64 "%%, shrinker %s\n",
		       zp->enabled ? "enabled" : "disabled", zp->compressor, strna(zp->zpool),
		       zp->max_pool_percent, zp->accept_threshold_percent,
		       zp->shrinker_enabled ? "on" : "off");
	if (c->probe_cgroup)
		printf("Per-cgroup files probed on /%s\n", c->probe_cgroup);
	else
		printf("No child cgroup with the memory controller: per-cgroup files not probed\n");
	putchar('\n');
	for (size_t i = 0; i < ELEMENTSOF(features); i++) {
		bool on = feature_on(c, &features[i]);
		printf("%-3s %s\n", on ? "yes" : "no", features[i].what);
		if (!on)
			printf("    -> %s\n", features[i].if_missing);
	}
}

int verb_capabilities(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct vswap_ctx *ctx = NULL;
	struct vswap_zswap_params zp = {};
	struct vswap_caps caps;
	const char *param = NULL;

	if (vswapctl_open(opts, &ctx) < 0)
		return VSWAPCTL_EXIT_FAILURE;
	int r = vswap_caps_probe(ctx, &caps);
	if (r < 0) {
		vswapctl_error("cannot probe the kernel: %s", strerror(-r));
		vswap_ctx_free(ctx);
		return VSWAPCTL_EXIT_FAILURE;
	}
	int zr = vswap_zswap_params_read(ctx, &zp, &param);
	if (zr < 0 && zr != -ENOENT)
		vswapctl_error("cannot read zswap parameter %s: %s, ignoring", param,
			       strerror(-zr));
	if (opts->json)
		print_json_caps(&caps, zr == 0 ? &zp : NULL);
	else
		print_text_caps(&caps, zr == 0 ? &zp : NULL);
	vswap_zswap_params_done(&zp);
	vswap_caps_done(&caps);
	vswap_ctx_free(ctx);
	return VSWAPCTL_EXIT_OK;
}
