/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * vswapd's control protocol, the one definition both ends use. A client connects to the
 * stream socket (ControlSocket=, vswapd.conf), sends one JSON object ended by a newline and
 * reads one JSON object back, ended by a newline; then the connection closes.
 *
 * Request: {"command": NAME, ...arguments}. Reply: {"ok": true, ...} or
 * {"ok": false, "error": TEXT, "error_code": CODE}: programs act on CODE (stable names,
 * vswapd(8)), people read TEXT.
 */

#include <stdbool.h>
#include <stddef.h>

#include "daemonconf.h"

struct json_object;

enum vswap_command {
	VSWAP_COMMAND_STATUS,	      /* the daemon and every managed cgroup */
	VSWAP_COMMAND_EXPLAIN,	      /* "cgroup": its last decisions and waiting tasks */
	VSWAP_COMMAND_METRICS,	      /* the metrics text */
	VSWAP_COMMAND_RELOAD,	      /* reload the configuration (root) */
	VSWAP_COMMAND_OVERRIDE,	      /* "cgroup", "policy": a runtime override (root) */
	VSWAP_COMMAND_CLEAR_OVERRIDE, /* "cgroup" (root) */
	VSWAP_COMMAND_WRITEBACK,      /* "cgroup", "bytes": compressed bytes to disk now (root) */
	VSWAP_COMMAND_SET_MAX,	      /* "cgroup", "bytes" (or "max"): memory.vswap.max (root) */
	_VSWAP_COMMAND_COUNT,
};

/* "status", "clear-override", ...; NULL out of range. */
const char *vswap_command_name(enum vswap_command c);
/* The command called name, or -EINVAL. */
int vswap_command_from_name(const char *name);
/* Whether only root may send it. */
bool vswap_command_privileged(enum vswap_command c);

enum vswap_error_code {
	VSWAP_ERROR_BAD_REQUEST,     /* not JSON, too large, an argument missing or malformed */
	VSWAP_ERROR_UNKNOWN_COMMAND, /* no such command */
	VSWAP_ERROR_PERMISSION,	     /* root only */
	VSWAP_ERROR_NOT_MANAGED,     /* the cgroup is not managed (no policy applies) */
	VSWAP_ERROR_NO_SUCH_POLICY,  /* override: no policy of that name is loaded */
	VSWAP_ERROR_KNOB,	     /* the kernel refused the write */
	VSWAP_ERROR_CONFIG,	     /* reload: invalid files; the previous configuration stays */
	VSWAP_ERROR_BUSY,	     /* too many connections or requests: try again */
	VSWAP_ERROR_INTERNAL,	     /* out of memory and the like */
	_VSWAP_ERROR_COUNT,
};

/* "not_managed", ...; NULL out of range. */
const char *vswap_error_code_name(enum vswap_error_code e);
/* The code called name, or -EINVAL. */
int vswap_error_code_from_name(const char *name);

/* Request keys. */
#define VSWAP_KEY_COMMAND "command"
#define VSWAP_KEY_CGROUP  "cgroup"
#define VSWAP_KEY_POLICY  "policy"
#define VSWAP_KEY_BYTES	  "bytes" /* an integer, or the string "max" (set-max) */
/* Reply keys every reply has. */
#define VSWAP_KEY_OK	     "ok"
#define VSWAP_KEY_ERROR	     "error"
#define VSWAP_KEY_ERROR_CODE "error_code"

/* Requests and replies are one line of JSON each; larger requests are refused. */
#define VSWAP_CONTROL_MAX_REQUEST (64 * 1024)

/* {"command": NAME}, NULL out of memory. */
struct json_object *vswap_request_new(enum vswap_command c);
/* {"ok": true} */
struct json_object *vswap_reply_new_ok(void);
/* {"ok": false, "error": TEXT, "error_code": CODE} */
struct json_object *vswap_reply_new_error(enum vswap_error_code code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * What a reply says: 1 for "ok", 0 for an error (*ret_code and *ret_message, both optional,
 * say which; a reply without a known code reads as VSWAP_ERROR_INTERNAL), -EBADMSG for an
 * object that is no reply.
 */
int vswap_reply_result(struct json_object *reply, enum vswap_error_code *ret_code,
		       const char **ret_message);

/*
 * The control socket's absolute path for a daemon configured by conf below root (for
 * connect/bind). -ENAMETOOLONG when it does not fit a sockaddr_un.
 */
int vswap_control_socket_path(const char *root, const struct vswap_daemon_conf *conf, char **ret);

/*
 * Send one request to the daemon at the absolute socket path and read its reply (at most
 * max_reply bytes). -ENOENT / -ECONNREFUSED: no daemon listens there; -EBADMSG: the answer
 * is not a JSON object; other negative errno from the socket calls.
 */
int vswap_control_call(const char *socket_path, struct json_object *req, size_t max_reply,
		       struct json_object **ret_reply);
