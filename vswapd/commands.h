/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The control socket's commands (protocol.h; vswapd(8)), on the daemon's state: a request
 * as read off the socket in, a reply object out. No sockets here (control.c has them), so
 * tests and the fuzzer drive the commands directly.
 */

#include <json-c/json.h>
#include <sys/types.h>

#include "state.h"

struct commands {
	struct daemon_state *state;
	/* Reload the configuration: 0, or a negative errno with state->last_reload_error. */
	int (*reload)(void *userdata);
	void *userdata;
};

/* Answer one parsed request from a peer with that uid. Never NULL but out of memory. */
struct json_object *commands_handle(struct commands *c, struct json_object *req, uid_t peer_uid);

/*
 * Parse one request as read off the socket: the len bytes at buf (not NUL-terminated; a NUL
 * byte ends the text). Returns 0 with *ret_req a new reference, NULL for the JSON text
 * "null"; -EMSGSIZE past VSWAP_CONTROL_MAX_REQUEST bytes; -EBADMSG for text that is not JSON,
 * with *ret_jerr saying why.
 */
int commands_parse_request(const char *buf, size_t len, struct json_object **ret_req,
			   enum json_tokener_error *ret_jerr);

/*
 * The reply to the len bytes a peer sent: commands_parse_request(), then commands_handle().
 * Never NULL but out of memory. A status reply's "managed" list is written from the state at
 * serialization: serialize it in the same turn of the event loop.
 */
struct json_object *commands_request(struct commands *c, const char *buf, size_t len,
				     uid_t peer_uid);
