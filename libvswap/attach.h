/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Attachments: an explicit "this target uses policy NAME", as `vswapctl set-policy` writes
 * it. One format, an INI section that systemd ignores (it skips sections named X-...):
 *
 *   [X-VSwap]
 *   Policy=batch
 *   Cgroup=/work/batch      (only in attach.d files: the cgroup they are for)
 *
 * cgroups: {usr/lib,run,etc}/vswapd/attach.d/NAME.conf, layered like the policies (/etc
 *          wins, then /run, /dev/null masks);
 * units:   systemd's own drop-ins {usr/lib,run,etc}/systemd/system/UNIT.d/NAME.conf
 *          (systemd's order: /etc wins), so `systemctl edit UNIT` shows and edits the same
 *          thing. Of several drop-ins of a unit the last by file name wins, and an empty
 *          "Policy=" resets, as systemd does with its own settings.
 * An attachment beats every policy's "match" for its target.
 */

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "loaderror.h"
#include "paths.h"
#include "unitname.h"
#include "policy.h"

enum vswap_attach_kind {
	VSWAP_ATTACH_CGROUP,
	VSWAP_ATTACH_UNIT,
};

struct vswap_attachment {
	enum vswap_attach_kind kind;
	char *target;	       /* "/a/b" or "app.service" */
	char *policy;	       /* policy name */
	char *source;	       /* file, "/etc/vswapd/attach.d/a-b.conf" */
	unsigned line, column; /* of the Policy= value, for messages */
};

struct vswap_attachments {
	size_t n;
	struct vswap_attachment *a;
};

/*
 * Parse one file's text. Keys outside [X-VSwap] are systemd's business and ignored; inside
 * it, unknown keys are errors. A file without the section, or whose last Policy= is empty,
 * gives *ret_policy NULL. kind VSWAP_ATTACH_CGROUP requires Cgroup=, UNIT forbids it.
 * -EBADMSG with err (line, column, what) on errors.
 */
int vswap_attach_parse(const char *text, size_t len, enum vswap_attach_kind kind,
		       struct vswap_attachment *ret, struct vswap_policy_error *err);
void vswap_attachment_clear(struct vswap_attachment *a);

/* Every attachment in force; errors are added to errs (the caller decides what they mean). */
int vswap_attachments_load(const struct vswap_ctx *ctx, struct vswap_attachments *ret,
			   struct vswap_policy_load_errors *errs);
void vswap_attachments_clear(struct vswap_attachments *as);

/* The attachment in force for a cgroup or a unit, or NULL. */
const struct vswap_attachment *vswap_attachments_find(const struct vswap_attachments *as,
						      enum vswap_attach_kind kind,
						      const char *target);

/*
 * The file `vswapctl set-policy` writes for a target, relative to the root, in dir
 * ("etc" or "run"): "etc/vswapd/attach.d/a-b\x2dc.conf" (the cgroup path escaped like
 * systemd-escape --path) or "etc/systemd/system/app.service.d/50-vswap.conf".
 * -EINVAL for a target that cannot be one (see vswap_unit_name_valid, cgroup paths "/a/b").
 */
int vswap_attach_file(enum vswap_attach_kind kind, const char *target, const char *dir, char **ret);
