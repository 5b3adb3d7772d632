/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "protocol.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "paths.h"
#include "util.h"

static const struct {
	const char *name;
	bool privileged;
} commands[_VSWAP_COMMAND_COUNT] = {
    [VSWAP_COMMAND_STATUS] = {"status", false},
    [VSWAP_COMMAND_EXPLAIN] = {"explain", false},
    [VSWAP_COMMAND_METRICS] = {"metrics", false},
    [VSWAP_COMMAND_RELOAD] = {"reload", true},
    [VSWAP_COMMAND_OVERRIDE] = {"override", true},
    [VSWAP_COMMAND_CLEAR_OVERRIDE] = {"clear-override", true},
    [VSWAP_COMMAND_WRITEBACK] = {"writeback", true},
    [VSWAP_COMMAND_SET_MAX] = {"set-max", true},
};

static const char *const error_codes[_VSWAP_ERROR_COUNT] = {
    [VSWAP_ERROR_BAD_REQUEST] = "bad_request",
    [VSWAP_ERROR_UNKNOWN_COMMAND] = "unknown_command",
    [VSWAP_ERROR_PERMISSION] = "permission_denied",
    [VSWAP_ERROR_NOT_MANAGED] = "not_managed",
    [VSWAP_ERROR_NO_SUCH_POLICY] = "no_such_policy",
    [VSWAP_ERROR_KNOB] = "knob_write_failed",
    [VSWAP_ERROR_CONFIG] = "config_invalid",
    [VSWAP_ERROR_BUSY] = "busy",
    [VSWAP_ERROR_INTERNAL] = "internal",
};

const char *vswap_command_name(enum vswap_command c)
{
	return (unsigned)c < _VSWAP_COMMAND_COUNT ? commands[c].name : NULL;
}

int vswap_command_from_name(const char *name)
{
	for (size_t i = 0; i < _VSWAP_COMMAND_COUNT; i++)
		if (streq(commands[i].name, name))
			return (int)i;
	return -EINVAL;
}

bool vswap_command_privileged(enum vswap_command c)
{
	return (unsigned)c >= _VSWAP_COMMAND_COUNT || commands[c].privileged;
}

const char *vswap_error_code_name(enum vswap_error_code e)
{
	return (unsigned)e < _VSWAP_ERROR_COUNT ? error_codes[e] : NULL;
}

int vswap_error_code_from_name(const char *name)
{
	for (size_t i = 0; i < _VSWAP_ERROR_COUNT; i++)
		if (streq(error_codes[i], name))
			return (int)i;
	return -EINVAL;
}

struct json_object *vswap_request_new(enum vswap_command c)
{
	struct json_object *o = json_object_new_object();

	if (o && json_object_object_add(o, VSWAP_KEY_COMMAND,
					json_object_new_string(vswap_command_name(c))) < 0)
		o = (json_object_put(o), NULL);
	return o;
}

struct json_object *vswap_reply_new_ok(void)
{
	struct json_object *o = json_object_new_object();

	if (o)
		json_object_object_add(o, VSWAP_KEY_OK, json_object_new_boolean(true));
	return o;
}

struct json_object *vswap_reply_new_error(enum vswap_error_code code, const char *fmt, ...)
{
	struct json_object *o = json_object_new_object();
	char msg[4096]; /* a refused reload lists every error */
	va_list ap;

	if (!o)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, VSWAP_KEY_OK, json_object_new_boolean(false));
	json_object_object_add(o, VSWAP_KEY_ERROR, json_object_new_string(msg));
	json_object_object_add(o, VSWAP_KEY_ERROR_CODE,
			       json_object_new_string(vswap_error_code_name(code)));
	return o;
}

int vswap_reply_result(struct json_object *reply, enum vswap_error_code *ret_code,
		       const char **ret_message)
{
	struct json_object *ok, *msg, *code;

	if (!json_object_object_get_ex(reply, VSWAP_KEY_OK, &ok) ||
	    !json_object_is_type(ok, json_type_boolean))
		return -EBADMSG;
	if (json_object_get_boolean(ok))
		return 1;
	int c = json_object_object_get_ex(reply, VSWAP_KEY_ERROR_CODE, &code) &&
			json_object_is_type(code, json_type_string)
		    ? vswap_error_code_from_name(json_object_get_string(code))
		    : -EINVAL;
	if (ret_code)
		*ret_code = c < 0 ? VSWAP_ERROR_INTERNAL : (enum vswap_error_code)c;
	if (ret_message)
		*ret_message = json_object_object_get_ex(reply, VSWAP_KEY_ERROR, &msg) &&
				       json_object_is_type(msg, json_type_string)
				   ? json_object_get_string(msg)
				   : "request failed";
	return 0;
}

int vswap_control_socket_path(const char *root, const struct vswap_daemon_conf *conf, char **ret)
{
	return vswap_root_path(root, conf->control_socket,
			       sizeof(((struct sockaddr_un *)0)->sun_path), ret);
}

static int send_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vswap_control_call(const char *socket_path, struct json_object *req, size_t max_reply,
		       struct json_object **ret_reply)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_free_ char *reply = NULL;

	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, socket_path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return negative_errno();
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	int r = text ? send_all(fd, text, strlen(text)) : -ENOMEM;
	if (r == 0)
		r = send_all(fd, "\n", 1);
	if (r == 0)
		r = vswap_read_fd(fd, max_reply, &reply, NULL);
	if (r < 0)
		return r;
	struct json_object *o = json_tokener_parse(reply);
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EBADMSG;
	}
	*ret_reply = o;
	return 0;
}
