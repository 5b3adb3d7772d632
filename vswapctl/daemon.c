/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Verbs that talk to a running vswapd over its control socket. */
#include <json-c/json.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "cgroup.h"
#include "context.h"
#include "output.h"
#include "util.h"
#include "vswapctl.h"

#define CONTROL_SOCKET "run/vswapd/control"
#define REPLY_MAX      (16 * 1024 * 1024)

static int connect_daemon(const struct vswapctl_options *opts)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *root = opts->root ? opts->root : getenv("VSWAP_ROOT");
	int n = snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s",
			 root && *root && !streq(root, "/") ? root : "", CONTROL_SOCKET);

	if (n < 0 || (size_t)n >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return negative_errno();
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = negative_errno();
		close(fd);
		return r;
	}
	return fd;
}

struct json_object *vswapctl_call(const struct vswapctl_options *opts, struct json_object *req,
				  int *ret_errno)
{
	_cleanup_close_ int fd = connect_daemon(opts);
	_cleanup_free_ char *reply = NULL;
	struct json_object *o;

	if (fd < 0) {
		*ret_errno = fd;
		return NULL;
	}
	const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if (write(fd, text, strlen(text)) < 0 || write(fd, "\n", 1) < 0 ||
	    vswap_read_fd(fd, REPLY_MAX, &reply, NULL) < 0 || !(o = json_tokener_parse(reply))) {
		*ret_errno = -EBADMSG;
		return NULL;
	}
	return o;
}

bool vswapctl_reply_ok(struct json_object *reply)
{
	struct json_object *ok;

	return json_object_object_get_ex(reply, "ok", &ok) && json_object_get_boolean(ok);
}

/*
 * Send one request, return the parsed reply. Prints why and returns NULL when the daemon
 * cannot be reached or answers garbage; *ret_ok tells whether it said "ok".
 */
static struct json_object *request(const struct vswapctl_options *opts, struct json_object *req,
				   bool *ret_ok)
{
	int r = 0;
	struct json_object *o = vswapctl_call(opts, req, &r);

	if (!o && r == -EBADMSG)
		vswapctl_error("no valid answer from vswapd");
	else if (!o)
		vswapctl_error("cannot reach vswapd at /%s: %s (is it running?)", CONTROL_SOCKET,
			       strerror(-r));
	if (!o)
		return NULL;
	*ret_ok = vswapctl_reply_ok(o);
	if (!*ret_ok) {
		struct json_object *e = NULL;
		json_object_object_get_ex(o, "error", &e);
		vswapctl_error("vswapd: %s", e ? json_object_get_string(e) : "request failed");
	}
	return o;
}

/* Build {"command": cmd, "cgroup": "/..."} from argv (cgroup optional). */
static struct json_object *command(const char *cmd, const char *cgroup)
{
	struct json_object *req = json_object_new_object();

	json_object_object_add(req, "command", json_object_new_string(cmd));
	if (cgroup)
		json_object_object_add(req, "cgroup", json_object_new_string(cgroup));
	return req;
}

/* Send, print the reply as JSON (or via print_text), map ok to the exit code. */
static int run(const struct vswapctl_options *opts, struct json_object *req,
	       void (*print_text)(struct json_object *reply))
{
	bool ok = false;
	struct json_object *reply = request(opts, req, &ok);

	json_object_put(req);
	if (!reply)
		return VSWAPCTL_EXIT_FAILURE;
	if (ok && opts->json)
		json_print(reply, stdout);
	else if (ok && print_text)
		print_text(reply);
	json_object_put(reply);
	return ok ? VSWAPCTL_EXIT_OK : VSWAPCTL_EXIT_FAILURE;
}

static void print_metrics(struct json_object *reply)
{
	struct json_object *t;

	if (json_object_object_get_ex(reply, "text", &t))
		fputs(json_object_get_string(t), stdout);
}

static void print_decision(struct json_object *d)
{
	struct json_object *v;

	json_object_object_get_ex(d, "trigger", &v);
	printf("  at %.1f s (%s):\n", json_object_get_double(json_object_object_get(d, "time_s")),
	       json_object_get_string(v));
	json_object_object_get_ex(d, "actions", &v);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *a = json_object_array_get_idx(v, i);
		printf("    %s %s bytes: %s [%s]\n",
		       json_object_get_string(json_object_object_get(a, "action")),
		       json_object_get_string(json_object_object_get(a, "value")),
		       json_object_get_string(json_object_object_get(a, "reason")),
		       json_object_get_string(json_object_object_get(a, "result")));
	}
	json_object_object_get_ex(d, "notes", &v);
	for (size_t i = 0; i < json_object_array_length(v); i++)
		printf("    note: %s\n", json_object_get_string(json_object_array_get_idx(v, i)));
	printf("    inputs: %s\n", json_object_to_json_string_ext(
				       json_object_object_get(d, "inputs"),
				       JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static void print_explain(struct json_object *reply)
{
	struct json_object *list = json_object_object_get(reply, "decisions");

	printf("%s: policy %s\n", json_object_get_string(json_object_object_get(reply, "cgroup")),
	       json_object_get_string(json_object_object_get(reply, "policy")));
	if (json_object_array_length(list) == 0)
		printf("  no decision acted or noted anything yet\n");
	for (size_t i = 0; i < json_object_array_length(list); i++)
		print_decision(json_object_array_get_idx(list, i));
}

static void print_daemon(struct json_object *reply)
{
	struct json_object *list = json_object_object_get(reply, "managed");
	struct json_object *err = json_object_object_get(reply, "last_reload_error");

	printf("mode %s%s, %zu managed cgroups, pressure triggers %s\n",
	       json_object_get_string(json_object_object_get(reply, "mode")),
	       json_object_get_boolean(json_object_object_get(reply, "dry_run")) ? " (dry run)"
										 : "",
	       json_object_array_length(list),
	       json_object_get_boolean(json_object_object_get(reply, "pressure_triggers")) ? "on"
											   : "off");
	if (err)
		printf("last reload failed: %s\n", json_object_get_string(err));
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *mc = json_object_array_get_idx(list, i);
		printf("  %-40s %s\n", json_object_get_string(json_object_object_get(mc, "cgroup")),
		       json_object_get_string(json_object_object_get(mc, "policy")));
	}
}

int verb_explain(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_free_ char *rel = NULL, *display = NULL;
	struct vswap_ctx *ctx = NULL;

	/* The same path rules and exit codes as status, before asking the daemon. */
	if (vswapctl_open(opts, &ctx) < 0)
		return VSWAPCTL_EXIT_FAILURE;
	int r = vswap_cgroup_normalize(ctx, argv[0], &rel);
	if (r == 0 && !(display = vswap_cgroup_display(rel)))
		r = -ENOMEM;
	if (r == 0 && vswap_cgroup_exists(ctx, rel) < 0) {
		vswap_ctx_free(ctx);
		vswapctl_error("no cgroup %s", display);
		return VSWAPCTL_EXIT_NOT_FOUND;
	}
	vswap_ctx_free(ctx);
	if (r == -EINVAL) {
		vswapctl_error("invalid cgroup path '%s' (no '.', '..' or control characters)",
			       argv[0]);
		return VSWAPCTL_EXIT_USAGE;
	}
	if (r < 0)
		return VSWAPCTL_EXIT_FAILURE;
	return run(opts, command("explain", display), print_explain);
}

int verb_reload(int argc, char **argv, const struct vswapctl_options *opts)
{
	return run(opts, command("reload", NULL), NULL);
}

int verb_metrics(int argc, char **argv, const struct vswapctl_options *opts)
{
	return run(opts, command("metrics", NULL), print_metrics);
}

int verb_daemon(int argc, char **argv, const struct vswapctl_options *opts)
{
	return run(opts, command("status", NULL), print_daemon);
}
