/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "control.h"

#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <json-c/printbuf.h>

#include "actuator.h"
#include "atomic.h"
#include "cgroup.h"
#include "knob.h"
#include "log.h"
#include "manager.h"
#include "metrics.h"
#include "taskstats.h"
#include "util.h"

/* Requests are one short line: a client that takes longer than this is dropped. */
#define CONTROL_DEADLINE_US	(5 * 1000 * 1000ULL)
#define CONTROL_MAX_CONNECTIONS 32

struct control {
	struct manager *m;
	int fd;
	unsigned n_connections;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* unlinked on exit */
	sd_event_source *source;
};

struct connection {
	struct control *c;
	int fd;
	uid_t uid;
	sd_event_source *source;
	sd_event_source *deadline; /* a client gets this long to send its request */
	size_t len;
	char buf[CONTROL_MAX_REQUEST + 1]; /* one byte more than allowed: a request too long */
};

static struct json_object *error_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct json_object *error_reply(const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "ok", json_object_new_boolean(false));
	json_object_object_add(o, "error", json_object_new_string(msg));
	return o;
}

static struct json_object *ok_reply(void)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(true));
	return o;
}

/*
 * The string at key, or NULL. A "\u0000" in it is refused rather than read as the end:
 * {"command": "status\u0000x"} is not status, nor is "/a\u0000/../.." the cgroup /a.
 */
static const char *get_string(struct json_object *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	const char *s = json_object_get_string(v);
	return strlen(s) == (size_t)json_object_get_string_len(v) ? s : NULL;
}

static struct json_object *managed_json(const struct managed *mc)
{
	struct json_object *o = json_object_new_object();
	struct json_object *acts = json_object_new_object();

	json_object_object_add(o, "cgroup", json_object_new_string(mc->display));
	json_object_object_add(o, "policy", json_object_new_string(mc->policy));
	json_object_object_add(o, "policy_chosen_by",
			       json_object_new_string(mc->chosen_by ? mc->chosen_by : ""));
	json_object_object_add(o, "override",
			       mc->override ? json_object_new_string(mc->override) : NULL);
	json_object_object_add(o, "vswap_max_pinned_bytes",
			       !mc->pinned_vswap_max.set ? NULL
			       : mc->pinned_vswap_max.size.kind == VSWAP_SIZE_MAX
				   ? json_object_new_string("max")
				   : json_object_new_uint64(mc->pinned_vswap_max.size.bytes));
	json_object_object_add(o, "samples", json_object_new_uint64(mc->samples));
	json_object_object_add(o, "pressure_events", json_object_new_uint64(mc->psi_events));
	json_object_object_add(o, "failures", json_object_new_uint64(mc->failures));
	json_object_object_add(o, "pressure_trigger", json_object_new_boolean(mc->psi_fd >= 0));
	json_object_object_add(o, "sample_period_s", json_object_new_double(mc->period_s));
	json_object_object_add(o, "sample_period_max_s", json_object_new_double(mc->period_max_s));
	for (int k = 0; k < _ACTION_KIND_COUNT; k++)
		json_object_object_add(acts, action_kind_name(k),
				       json_object_new_uint64(managed_actions(mc, k)));
	json_object_object_add(o, "actions", acts);
	return o;
}

/*
 * The serializer of status's "managed" array: one cgroup's object at a time, made, written
 * and freed. Built whole, the objects of 1000 cgroups took 3.9 MiB of heap for a reply of
 * 0.5 MB of text (peak RSS 4.9 -> 8.8 MiB, bench/idle-cost).
 */
static int managed_list_to_json(struct json_object *list, struct printbuf *pb, int level, int flags)
{
	const struct manager *m = json_object_get_userdata(list);

	if (printbuf_strappend(pb, "[") < 0)
		return -1;
	for (size_t i = 0; i < m->n_managed; i++) {
		struct json_object *o = managed_json(m->managed[i]);
		const char *text = NULL;
		size_t len = 0;
		int r = -1;

		if (o)
			text = json_object_to_json_string_length(o, flags, &len);
		if (text && (i == 0 || printbuf_strappend(pb, ",") >= 0))
			r = printbuf_memappend(pb, text, (int)len);
		json_object_put(o);
		if (r < 0)
			return -1;
	}
	return printbuf_strappend(pb, "]") < 0 ? -1 : 0;
}

static struct json_object *cmd_status(struct manager *m, struct json_object *req)
{
	struct json_object *o = ok_reply();
	struct json_object *list = json_object_new_array();
	struct json_object *pols = json_object_new_array();

	json_object_object_add(o, "mode",
			       json_object_new_string(vswap_kernel_mode_name(m->caps.mode)));
	json_object_object_add(o, "dry_run", json_object_new_boolean(m->cfg.dry_run));
	json_object_object_add(o, "pressure_triggers",
			       json_object_new_boolean(!m->psi_triggers_unavailable));
	for (size_t i = 0; i < m->policies->n; i++)
		json_object_array_add(pols, json_object_new_string(m->policies->policies[i]->name));
	json_object_object_add(o, "policies", pols);
	json_object_object_add(o, "last_reload_error",
			       m->last_reload_error ? json_object_new_string(m->last_reload_error)
						    : NULL);
	/* Serialized in the same turn of the event loop, while m->managed stays as it is. */
	json_object_set_serializer(list, managed_list_to_json, m, NULL);
	json_object_object_add(o, "managed", list);
	return o;
}

/* The managed cgroup a request names in "cgroup" (any form vswapctl accepts). */
static struct managed *target(struct manager *m, struct json_object *req, struct json_object **err)
{
	const char *cg = get_string(req, "cgroup");
	_cleanup_free_ char *rel = NULL, *display = NULL;

	if (!cg || vswap_cgroup_normalize(m->ctx, cg, &rel) < 0 ||
	    !(display = vswap_cgroup_display(rel))) {
		*err = error_reply("\"cgroup\": expected a cgroup path");
		return NULL;
	}
	struct managed *mc = manager_find(m, display);
	if (!mc)
		*err = error_reply("%s is not managed (no policy applies to it)", display);
	return mc;
}

/* The tasks of the cgroup waiting most on swap-in and thrashing, from taskstats. */
static struct json_object *tasks_json(struct manager *m, const struct managed *mc)
{
	_cleanup_free_ char *procs = NULL;
	struct taskstats_top top = {};
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();

	if (vswap_cgroup_read(m->ctx, mc->path, "cgroup.procs", &procs, NULL) == 0)
		taskstats_top(procs, &top);
	for (size_t i = 0; i < top.n; i++) {
		struct json_object *t = json_object_new_object();
		json_object_object_add(t, "pid", json_object_new_int(top.tasks[i].pid));
		json_object_object_add(t, "comm", json_object_new_string(top.tasks[i].comm));
		json_object_object_add(t, "swapin_delay_ns",
				       json_object_new_uint64(top.tasks[i].swapin_delay_ns));
		json_object_object_add(t, "thrashing_delay_ns",
				       json_object_new_uint64(top.tasks[i].thrashing_delay_ns));
		json_object_array_add(list, t);
	}
	json_object_object_add(o, "top", list);
	json_object_object_add(o, "unavailable",
			       top.unavailable ? json_object_new_string(top.unavailable) : NULL);
	return o;
}

static struct json_object *cmd_explain(struct manager *m, struct json_object *req)
{
	struct json_object *err = NULL;
	struct managed *mc = target(m, req, &err);

	if (!mc)
		return err;
	struct json_object *o = managed_json(mc);
	struct json_object *list = json_object_new_array();
	json_object_object_add(o, "ok", json_object_new_boolean(true));
	for (size_t i = 0; mc->explain && i < EXPLAIN_DEPTH; i++) {
		const char *e = mc->explain[(mc->explain_next + i) % EXPLAIN_DEPTH];
		if (e)
			json_object_array_add(list, json_tokener_parse(e));
	}
	json_object_object_add(o, "decisions", list);
	json_object_object_add(o, "tasks", tasks_json(m, mc));
	return o;
}

static struct json_object *cmd_reload(struct manager *m, struct json_object *req)
{
	if (manager_reload(m) < 0)
		return error_reply("policies not reloaded: %s", strna(m->last_reload_error));
	return ok_reply();
}

static struct json_object *cmd_metrics(struct manager *m, struct json_object *req)
{
	_cleanup_free_ char *text = metrics_render(m, METRICS_OPENMETRICS);
	struct json_object *o = text ? ok_reply() : error_reply("out of memory");

	if (text)
		json_object_object_add(o, "text", json_object_new_string(text));
	return o;
}

static struct json_object *cmd_override(struct manager *m, struct json_object *req)
{
	struct json_object *err = NULL;
	struct managed *mc = target(m, req, &err);
	const char *policy = get_string(req, "policy");

	if (!mc)
		return err;
	if (!policy || !vswap_policy_set_find(m->policies, policy))
		return error_reply("\"policy\": no policy named %s", strna(policy));
	free(mc->override);
	mc->override = strdup(policy);
	log_notice("%s: runtime override: policy %s", mc->display, policy);
	manager_evaluate(mc, "override");
	return ok_reply();
}

static struct json_object *cmd_clear_override(struct manager *m, struct json_object *req)
{
	struct json_object *err = NULL;
	struct managed *mc = target(m, req, &err);

	if (!mc)
		return err;
	mc->override = mfree(mc->override);
	mc->pinned_vswap_max.set = false;
	log_notice("%s: runtime override cleared", mc->display);
	manager_evaluate(mc, "override");
	return ok_reply();
}

/* "bytes": a positive integer, or "max" where a limit is set. */
static int manual_bytes(struct json_object *req, enum action_kind kind, uint64_t *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req, "bytes", &v))
		return -EINVAL;
	if (kind == ACTION_SET_VSWAP_MAX && json_object_is_type(v, json_type_string) &&
	    streq(json_object_get_string(v), "max")) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) <= 0)
		return -EINVAL;
	*ret = (uint64_t)json_object_get_int64(v);
	return 0;
}

/*
 * writeback / set-max: one action now, logged and counted like any other. A cap set by hand
 * stays (pinned) until the next reload or clear-override instead of being undone by the
 * policy at the next tick.
 */
static struct json_object *cmd_manual(struct manager *m, struct json_object *req,
				      enum action_kind kind)
{
	struct json_object *err = NULL;
	struct managed *mc = target(m, req, &err);
	struct action a = {.kind = kind};

	if (!mc)
		return err;
	if (manual_bytes(req, kind, &a.value) < 0)
		return error_reply("\"bytes\": expected a positive integer%s",
				   kind == ACTION_SET_VSWAP_MAX ? " or \"max\"" : "");
	snprintf(a.reason, sizeof(a.reason), "requested on the control socket");
	struct knob_memory *knobs = m->cfg.dry_run ? NULL : managed_knobs(mc);
	int r = m->cfg.dry_run || knobs
		    ? actuator_apply(m->ctx, mc->path, &a, m->cfg.dry_run, knobs)
		    : -ENOMEM;
	log_action(&(struct log_action){.cgroup = mc->display,
					.policy = mc->policy,
					.action = action_kind_name(kind),
					.bytes = a.value,
					.reason = a.reason,
					.dry_run = m->cfg.dry_run,
					.err = r < 0 ? r : 0});
	if (r < 0) {
		mc->failures++;
		return error_reply("%s: %s", actuator_knob(kind),
				   vswap_knob_strerror(actuator_knob(kind), r));
	}
	managed_count_action(mc, &a);
	if (kind == ACTION_SET_VSWAP_MAX)
		mc->pinned_vswap_max = (struct vswap_opt_size){
		    .set = true,
		    .size = a.value == UINT64_MAX
				? (struct vswap_size){.kind = VSWAP_SIZE_MAX}
				: (struct vswap_size){.kind = VSWAP_SIZE_BYTES, .bytes = a.value}};
	return ok_reply();
}

static struct json_object *cmd_writeback(struct manager *m, struct json_object *req)
{
	return cmd_manual(m, req, ACTION_WRITEBACK);
}

static struct json_object *cmd_set_max(struct manager *m, struct json_object *req)
{
	return cmd_manual(m, req, ACTION_SET_VSWAP_MAX);
}

static const struct {
	const char *name;
	bool privileged;
	struct json_object *(*fn)(struct manager *m, struct json_object *req);
} commands[] = {
    {"status", false, cmd_status},	{"explain", false, cmd_explain},
    {"metrics", false, cmd_metrics},	{"reload", true, cmd_reload},
    {"override", true, cmd_override},	{"clear-override", true, cmd_clear_override},
    {"writeback", true, cmd_writeback}, {"set-max", true, cmd_set_max},
};

struct json_object *control_handle(struct manager *m, struct json_object *req, uid_t peer_uid)
{
	const char *cmd =
	    json_object_is_type(req, json_type_object) ? get_string(req, "command") : NULL;

	if (!cmd)
		return error_reply("expected a JSON object with a \"command\"");
	for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
		if (!streq(commands[i].name, cmd))
			continue;
		if (commands[i].privileged && peer_uid != 0)
			return error_reply("%s: permission denied (root only)", cmd);
		return commands[i].fn(m, req);
	}
	return error_reply("unknown command \"%s\"", cmd);
}

static void connection_free(struct connection *conn)
{
	sd_event_source_disable_unref(conn->source);
	sd_event_source_disable_unref(conn->deadline);
	closep(&conn->fd);
	conn->c->n_connections--;
	free(conn);
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
	connection_free(userdata); /* too slow: no answer, the peer sees the socket close */
	return 0;
}

#define REPLY_TRIM_BYTES (64 * 1024)

const char *control_reply_text(struct json_object *reply)
{
	return json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void respond(struct connection *conn, struct json_object *reply)
{
	const char *text = control_reply_text(reply);
	struct timeval tv = {.tv_sec = 2};

	if (!text)
		text = "{\"ok\":false,\"error\":\"out of memory\"}";
	size_t len = strlen(text), len_total = len;

	/* The peer is reading: a blocking write bounded in time is enough. */
	(void)fcntl(conn->fd, F_SETFL, 0);
	(void)setsockopt(conn->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len > 0) {
		ssize_t n = send(conn->fd, text, len, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		text += n;
		len -= (size_t)n;
	}
	(void)send(conn->fd, "\n", 1, MSG_NOSIGNAL);
	json_object_put(reply);
	/* A status of 1000 cgroups is ~0.5 MB of text: glibc would keep that heap for good. */
	if (len_total > REPLY_TRIM_BYTES)
		(void)malloc_trim(0);
}

int control_parse_request(const char *buf, size_t len, struct json_object **ret_req,
			  enum json_tokener_error *ret_jerr)
{
	if (len > CONTROL_MAX_REQUEST)
		return -EMSGSIZE;
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	struct json_object *req = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	/* A number or literal may run to the end of the text: the NUL that ends it finishes
	 * it, as for a NUL-terminated string ("5" is 5, "nul" is cut short). */
	if (!req && jerr == json_tokener_continue) {
		req = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(req);
		*ret_jerr = jerr;
		return -EBADMSG;
	}
	*ret_req = req;
	return 0;
}

struct json_object *control_request(struct manager *m, const char *buf, size_t len, uid_t peer_uid)
{
	enum json_tokener_error jerr = json_tokener_success;
	struct json_object *req = NULL;
	int r = control_parse_request(buf, len, &req, &jerr);

	if (r == -EMSGSIZE)
		return error_reply("request larger than %d bytes", CONTROL_MAX_REQUEST);
	if (r == -EBADMSG)
		return error_reply("malformed JSON: %s", json_tokener_error_desc(jerr));
	if (r < 0)
		return error_reply("cannot parse the request: %s", strerror(-r));
	struct json_object *reply = control_handle(m, req, peer_uid);
	json_object_put(req);
	return reply;
}

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct connection *conn = userdata;
	ssize_t n = read(fd, conn->buf + conn->len, CONTROL_MAX_REQUEST + 1 - conn->len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n > 0)
		conn->len += (size_t)n;
	/* Answer once the request is complete (a newline, or the peer shut its side) or too
	 * large: the buffer holds one byte more than the limit, to see that. */
	if (conn->len > CONTROL_MAX_REQUEST || n == 0 ||
	    (n > 0 && memchr(conn->buf, '\n', conn->len)))
		respond(conn, control_request(conn->c->m, conn->buf, conn->len, conn->uid));
	else if (n > 0)
		return 0; /* more to come */
	connection_free(conn);
	return 0;
}

static int on_accept(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct control *c = userdata;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (cfd < 0)
		return 0;
	if (c->n_connections >= CONTROL_MAX_CONNECTIONS) {
		close(cfd); /* a flood of idle clients must not exhaust the daemon's fds */
		return 0;
	}
	struct connection *conn = calloc(1, sizeof(*conn));
	if (!conn || getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		free(conn);
		close(cfd);
		return 0;
	}
	conn->c = c;
	conn->fd = cfd;
	conn->uid = cred.uid;
	c->n_connections++;
	if (sd_event_add_io(c->m->event, &conn->source, cfd, EPOLLIN, on_readable, conn) < 0 ||
	    sd_event_add_time_relative(c->m->event, &conn->deadline, CLOCK_MONOTONIC,
				       CONTROL_DEADLINE_US, 0, on_deadline, conn) < 0)
		connection_free(conn);
	return 0;
}

/* The socket below the root; its directory is created 0755 like /run/vswapd. */
static int socket_path(struct manager *m, struct sockaddr_un *sa)
{
	_cleanup_free_ char *path = NULL, *dir = strdup(m->cfg.control_socket);
	char *slash = dir ? strrchr(dir, '/') : NULL;

	if (!dir)
		return -ENOMEM;
	if (slash) {
		*slash = '\0';
		int r = vswap_mkdir_p(m->ctx->root_fd, dir, 0755);
		if (r < 0)
			return r;
	}
	if (asprintf(&path, "%s/%s", streq(m->ctx->root, "/") ? "" : m->ctx->root,
		     m->cfg.control_socket) < 0)
		return -ENOMEM;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	*sa = (struct sockaddr_un){.sun_family = AF_UNIX};
	strcpy(sa->sun_path, path);
	return 0;
}

int control_new(struct manager *m, struct control **ret)
{
	struct sockaddr_un sa;
	struct control *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	c->m = m;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	r = c->fd < 0 ? negative_errno() : socket_path(m, &sa);
	if (r == 0) {
		(void)unlink(sa.sun_path);
		snprintf(c->path, sizeof(c->path), "%s", sa.sun_path);
	}
	if (r == 0 && bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		r = negative_errno();
	/* Anyone may ask; only root may change things (checked per request). */
	if (r == 0 && chmod(sa.sun_path, 0666) < 0)
		r = negative_errno();
	if (r == 0 && listen(c->fd, 16) < 0)
		r = negative_errno();
	if (r == 0)
		r = sd_event_add_io(m->event, &c->source, c->fd, EPOLLIN, on_accept, c);
	if (r < 0) {
		log_error_errno(r, "cannot listen on the control socket /%s",
				m->cfg.control_socket);
		control_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

struct control *control_free(struct control *c)
{
	if (!c)
		return NULL;
	sd_event_source_disable_unref(c->source);
	closep(&c->fd);
	if (c->path[0])
		(void)unlink(c->path);
	free(c);
	return NULL;
}
