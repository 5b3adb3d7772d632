/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapctl writeback / set-max: one manual action on a cgroup. Through vswapd when it runs
 * and manages the cgroup (it logs the action and remembers the knob, so it can restore it
 * when its policy goes); written directly otherwise.
 */
#include <json-c/json.h>
#include <stdio.h>

#include "cgroup.h"
#include "context.h"
#include "knob.h"
#include "output.h"
#include "size.h"
#include "util.h"
#include "vswapctl.h"

struct manual {
	const char *verb;    /* also the control-socket command */
	const char *knob;    /* the file a direct action writes */
	bool limit;	     /* a limit ("max" allowed), not an amount */
	const char *display; /* "/a/b" */
	const char *rel;     /* "a/b" */
	uint64_t bytes;	     /* UINT64_MAX: "max" */
};

/* 1 done by vswapd, 0 vswapd cannot do it (not running, not managed), < 0 it failed. */
static int via_daemon(const struct vswapctl_options *opts, const struct manual *m, char **ret_error)
{
	struct json_object *req = json_object_new_object(), *e = NULL;
	int r = 0;

	json_object_object_add(req, "command", json_object_new_string(m->verb));
	json_object_object_add(req, "cgroup", json_object_new_string(m->display));
	json_object_object_add(req, "bytes",
			       m->bytes == UINT64_MAX ? json_object_new_string("max")
						      : json_object_new_uint64(m->bytes));
	struct json_object *reply = vswapctl_call(opts, req, &r);
	json_object_put(req);
	if (!reply)
		return 0;
	if (vswapctl_reply_ok(reply))
		r = 1;
	else {
		json_object_object_get_ex(reply, "error", &e);
		const char *msg = e ? json_object_get_string(e) : "request failed";
		r = strstr(msg, "is not managed") ? 0 : -EIO;
		*ret_error = r < 0 ? strdup(msg) : NULL;
	}
	json_object_put(reply);
	return r;
}

static int direct(const struct vswap_ctx *ctx, const struct manual *m, uint64_t *ret_effective)
{
	char value[32];

	if (vswap_cgroup_has(ctx, m->rel, m->knob) <= 0)
		return -EOPNOTSUPP;
	if (m->limit)
		return vswap_knob_set_limit(ctx, m->rel, m->knob, m->bytes, ret_effective);
	snprintf(value, sizeof(value), "%llu", (unsigned long long)m->bytes);
	*ret_effective = m->bytes;
	return vswap_knob_write(ctx, m->rel, m->knob, value);
}

static void report(const struct vswapctl_options *opts, const struct manual *m, const char *how,
		   uint64_t effective)
{
	char buf[VSWAP_SIZE_FORMAT_MAX];

	if (!opts->json) {
		printf("%s: %s %s (%s)\n", m->display,
		       m->limit ? "set memory.vswap.max to" : "wrote back",
		       vswap_size_format(effective, buf), how);
		return;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "cgroup", json_object_new_string(m->display));
	json_object_object_add(o, "action", json_object_new_string(m->verb));
	json_object_object_add(o, "requested_bytes",
			       m->bytes == UINT64_MAX ? json_object_new_string("max")
						      : json_object_new_uint64(m->bytes));
	json_object_object_add(o, "effective_bytes",
			       effective == UINT64_MAX ? json_object_new_string("max")
						       : json_object_new_uint64(effective));
	json_object_object_add(o, "via", json_object_new_string(how));
	json_print(o, stdout);
	json_object_put(o);
}

static int parse_amount(const struct manual *m, const char *arg, uint64_t *ret)
{
	struct vswap_size s;

	if (vswap_size_parse(arg, &s) < 0 || s.kind == VSWAP_SIZE_PERCENT ||
	    (s.kind == VSWAP_SIZE_MAX && !m->limit) ||
	    (s.kind == VSWAP_SIZE_BYTES && s.bytes == 0 && !m->limit)) {
		vswapctl_error("\"%s\" is not a size for %s (bytes, \"512M\"%s)", arg, m->verb,
			       m->limit ? ", \"max\"" : ", more than 0");
		return VSWAPCTL_EXIT_USAGE;
	}
	*ret = s.kind == VSWAP_SIZE_MAX ? UINT64_MAX : s.bytes;
	return 0;
}

static int run_manual(struct manual *m, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	_cleanup_free_ char *rel = NULL, *display = NULL, *daemon_error = NULL;
	uint64_t effective = 0;

	if (vswapctl_open(opts, &ctx) < 0)
		return VSWAPCTL_EXIT_FAILURE;
	if (vswap_cgroup_normalize(ctx, argv[0], &rel) < 0 || !*rel) {
		vswapctl_error("\"%s\" is not a cgroup below the root", argv[0]);
		return VSWAPCTL_EXIT_USAGE;
	}
	if (vswap_cgroup_exists(ctx, rel) < 0) {
		vswapctl_error("no cgroup /%s", rel);
		return VSWAPCTL_EXIT_NOT_FOUND;
	}
	int r = parse_amount(m, argv[1], &m->bytes);
	if (r)
		return r;
	display = vswap_cgroup_display(rel);
	m->display = display;
	m->rel = rel;
	r = via_daemon(opts, m, &daemon_error);
	if (r > 0) {
		report(opts, m, "vswapd", m->bytes);
		return VSWAPCTL_EXIT_OK;
	}
	if (r < 0) {
		vswapctl_error("vswapd: %s", daemon_error);
		return VSWAPCTL_EXIT_FAILURE;
	}
	r = direct(ctx, m, &effective);
	if (r == -EOPNOTSUPP)
		vswapctl_error("%s: this kernel has no %s (it comes with the vswap-tools kernel "
			       "series; see vswapctl capabilities)",
			       display, m->knob);
	else if (r < 0)
		vswapctl_error("%s: cannot write %s: %s", display, m->knob,
			       vswap_knob_strerror(m->knob, r));
	else
		report(opts, m, "direct", effective);
	return r < 0 ? VSWAPCTL_EXIT_FAILURE : VSWAPCTL_EXIT_OK;
}

int verb_writeback(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct manual m = {.verb = "writeback", .knob = "memory.vswap.writeback"};

	return run_manual(&m, argv, opts);
}

int verb_set_max(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct manual m = {.verb = "set-max", .knob = "memory.vswap.max", .limit = true};

	return run_manual(&m, argv, opts);
}
