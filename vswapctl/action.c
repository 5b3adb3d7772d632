/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapctl writeback / set-max: one manual action on a cgroup. Through vswapd when it runs
 * and manages the cgroup (it logs the action, counts it, and remembers the knob, so it can
 * restore it when its policy goes); written directly otherwise. What is reported is read
 * back from the kernel's files afterwards, never the request echoed.
 */
#include <json-c/json.h>
#include <stdio.h>

#include "cgroup.h"
#include "context.h"
#include "knob.h"
#include "output.h"
#include "parse.h"
#include "size.h"
#include "util.h"
#include "vswapctl.h"

struct manual {
	enum vswap_command command;
	const char *knob;    /* the file a direct action writes */
	bool limit;	     /* a limit ("max" allowed), not an amount */
	const char *display; /* "/a/b" */
	const char *rel;     /* "a/b" */
	uint64_t bytes;	     /* UINT64_MAX: "max" */
};

/* What happened, for the report. */
struct outcome {
	const char *via;    /* "vswapd" or "direct" */
	const char *result; /* "done", "partial" (less written back than asked), "dry_run" */
	bool has_before, has_after;
	uint64_t before, after; /* memory.vswap.current (writeback) or .max (set-max) */
};

/* A knob holding a size or "max", read back; false when unreadable. */
static bool read_knob(const struct vswap_ctx *ctx, const char *rel, const char *knob, uint64_t *ret)
{
	_cleanup_free_ char *buf = NULL;
	struct vswap_parse_error err;
	size_t len;

	return vswap_cgroup_read(ctx, rel, knob, &buf, &len) == 0 &&
	       vswap_parse_limit(buf, len, ret, &err) == 0;
}

/* 1 done by vswapd, 0 vswapd cannot do it (not running, not managed), < 0 it failed. */
static int via_daemon(const struct vswapctl_options *opts, const struct manual *m,
		      struct outcome *o)
{
	struct json_object *req = vswap_request_new(m->command), *reply = NULL;
	enum vswap_error_code code = VSWAP_ERROR_INTERNAL;
	const char *msg = NULL;

	json_object_object_add(req, VSWAP_KEY_CGROUP, json_object_new_string(m->display));
	json_object_object_add(req, VSWAP_KEY_BYTES,
			       m->bytes == UINT64_MAX ? json_object_new_string("max")
						      : json_object_new_uint64(m->bytes));
	int r = vswapctl_call(opts, req, &reply, &code);
	json_object_put(req);
	if (r == -ECONNREFUSED)
		return 0;
	if (r < 0)
		return r;
	if (r == 0) {
		(void)vswap_reply_result(reply, &code, &msg);
		if (code != VSWAP_ERROR_NOT_MANAGED)
			vswapctl_error("vswapd: %s", msg);
		json_object_put(reply);
		return code == VSWAP_ERROR_NOT_MANAGED ? 0 : -EREMOTEIO;
	}
	struct json_object *res = json_object_object_get(reply, "result");
	o->via = "vswapd";
	o->result = res && streq(json_object_get_string(res), "dry_run")   ? "dry_run"
		    : res && streq(json_object_get_string(res), "partial") ? "partial"
									   : "done";
	json_object_put(reply);
	return 1;
}

static int direct(const struct vswap_ctx *ctx, const struct manual *m, struct outcome *o)
{
	char value[32];
	uint64_t ignored;

	if (vswap_cgroup_has(ctx, m->rel, m->knob) <= 0)
		return vswapctl_fail(-EOPNOTSUPP,
				     "%s: this kernel has no %s (it comes with the vswap-tools "
				     "kernel series; see vswapctl capabilities)",
				     m->display, m->knob);
	int r = m->limit ? vswap_knob_set_limit(ctx, m->rel, m->knob, m->bytes, &ignored)
			 : (snprintf(value, sizeof(value), "%llu", (unsigned long long)m->bytes),
			    vswap_knob_write(ctx, m->rel, m->knob, value));
	o->via = "direct";
	o->result = r == -EAGAIN && !m->limit ? "partial" : "done";
	if (r < 0 && !(r == -EAGAIN && !m->limit))
		return vswapctl_fail(r, "%s: cannot write %s: %s", m->display, m->knob,
				     vswap_knob_strerror(m->knob, r));
	return 0;
}

static void report(const struct vswapctl_options *opts, const struct manual *m,
		   const struct outcome *o)
{
	char req[VSWAP_SIZE_FORMAT_MAX];
	bool dry = streq(o->result, "dry_run");

	vswap_size_format(m->bytes, req);
	print_begin(opts->json, stdout);
	print_string("cgroup", "%s: ", m->display);
	print_string("action", NULL, m->limit ? "set_vswap_max" : "writeback");
	print_string("via", NULL, o->via);
	print_string("result", NULL, o->result);
	if (m->limit) {
		print_limit("requested_vswap_max", NULL, true, m->bytes);
		print_text(dry ? "vswapd would set %s to %s (dry run); " : "set %s to %s; ",
			   m->knob, m->bytes == UINT64_MAX ? "max" : req);
		print_limit("vswap_max", "memory.vswap.max is %s", o->has_after, o->after);
	} else {
		print_bytes("requested_bytes", NULL, m->bytes);
		print_text(dry ? "vswapd would write back %s (compressed; dry run)"
			   : streq(o->result, "partial") ? "wrote back less than %s (compressed)"
							 : "wrote back %s (compressed)",
			   req);
		print_open_object("vswap_current");
		print_text("; memory.vswap.current ");
		if (o->has_before)
			print_bytes("before_bytes", "%s", o->before);
		else
			print_null("before_bytes", "%s");
		if (o->has_after)
			print_bytes("after_bytes", " -> %s", o->after);
		else
			print_null("after_bytes", " -> %s");
		print_close_object();
	}
	print_text(" (%s)\n", o->via);
}

static int parse_amount(const struct manual *m, const char *arg, uint64_t *ret)
{
	struct vswap_size s;

	if (vswap_size_parse(arg, &s) < 0 || s.kind == VSWAP_SIZE_PERCENT ||
	    (s.kind == VSWAP_SIZE_MAX && !m->limit) ||
	    (s.kind == VSWAP_SIZE_BYTES && s.bytes == 0 && !m->limit))
		return vswapctl_fail(-EINVAL, "\"%s\" is not a size for %s (bytes, \"512M\"%s)",
				     arg, vswap_command_name(m->command),
				     m->limit ? ", \"max\"" : ", more than 0");
	*ret = s.kind == VSWAP_SIZE_MAX ? UINT64_MAX : s.bytes;
	return 0;
}

static int run_manual(struct manual *m, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	_cleanup_free_ char *rel = NULL, *display = NULL;
	const char *readback = m->limit ? "memory.vswap.max" : "memory.vswap.current";
	struct outcome o = {};
	int r = vswapctl_open(opts, &ctx);

	if (r < 0)
		return r;
	if (vswap_cgroup_normalize(ctx, argv[0], &rel) < 0 || !*rel)
		return vswapctl_fail(-EINVAL, "\"%s\" is not a cgroup below the root", argv[0]);
	if (vswap_cgroup_exists(ctx, rel) < 0)
		return vswapctl_fail(-ENOENT, "no cgroup /%s", rel);
	if ((r = parse_amount(m, argv[1], &m->bytes)) < 0)
		return r;
	if (!(display = vswap_cgroup_display(rel)))
		return -ENOMEM;
	m->display = display;
	m->rel = rel;
	o.has_before = read_knob(ctx, rel, readback, &o.before);
	r = via_daemon(opts, m, &o);
	if (r == 0)
		r = direct(ctx, m, &o);
	if (r < 0)
		return r;
	o.has_after = read_knob(ctx, rel, readback, &o.after);
	report(opts, m, &o);
	return print_end();
}

int verb_writeback(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct manual m = {.command = VSWAP_COMMAND_WRITEBACK, .knob = "memory.vswap.writeback"};

	return run_manual(&m, argv, opts);
}

int verb_set_max(int argc, char **argv, const struct vswapctl_options *opts)
{
	struct manual m = {
	    .command = VSWAP_COMMAND_SET_MAX, .knob = "memory.vswap.max", .limit = true};

	return run_manual(&m, argv, opts);
}
