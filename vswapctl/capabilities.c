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

static void print_zswap(const struct vswap_zswap_params *zp)
{
	print_open_object("zswap");
	print_bool("enabled", NULL, zp->enabled);
	print_text("zswap:  %s", zp->enabled ? "enabled" : "disabled");
	print_string("compressor", ", compressor %s", zp->compressor);
	print_string("zpool", ", zpool %s", zp->zpool);
	print_uint("max_pool_percent", ", pool at most %s%% of RAM", zp->max_pool_percent);
	print_uint("accept_threshold_percent", ", accepts again below %s%%",
		   zp->accept_threshold_percent);
	print_bool("shrinker_enabled", NULL, zp->shrinker_enabled);
	print_text(", shrinker %s\n", zp->shrinker_enabled ? "on" : "off");
	print_close_object();
}

static void print_caps(const struct vswap_caps *c, const struct vswap_zswap_params *zp)
{
	print_string("kernel_release", NULL, c->kernel_release);
	print_text("Kernel: %s\n", strna(c->kernel_release));
	print_string("mode", "Mode:   %s\n", vswap_kernel_mode_name(c->mode));
	if (zp)
		print_zswap(zp);
	else
		print_null("zswap", NULL);
	print_string("probe_cgroup", "Per-cgroup files probed on /%s\n", c->probe_cgroup);
	if (!c->probe_cgroup)
		print_text("No child cgroup with the memory controller: per-cgroup files not "
			   "probed\n");
	print_text("\n");
	print_open_object("features");
	for (size_t i = 0; i < ELEMENTSOF(features); i++) {
		bool on = feature_on(c, &features[i]);
		print_bool(features[i].key, NULL, on);
		print_text("%-3s %s\n", on ? "yes" : "no", features[i].what);
		if (!on)
			print_text("    -> %s\n", features[i].if_missing);
	}
	print_close_object();
}

int verb_capabilities(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct vswap_zswap_params zp = {};
	struct vswap_caps caps;
	const char *param = NULL;
	int r = vswapctl_open(opts, &ctx);

	if (r < 0)
		return r;
	r = vswap_caps_probe(ctx, &caps);
	if (r < 0)
		return vswapctl_fail(r, "cannot probe the kernel: %s", strerror(-r));
	int zr = vswap_zswap_params_read(ctx, &zp, &param);
	if (zr < 0 && zr != -ENOENT)
		vswapctl_error("cannot read zswap parameter %s: %s, ignoring", param,
			       strerror(-zr));
	print_begin(opts->json, stdout);
	print_caps(&caps, zr == 0 ? &zp : NULL);
	vswap_zswap_params_done(&zp);
	vswap_caps_done(&caps);
	return print_end();
}
