/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The control socket (ControlSocket=, /run/vswapd/control): the connections, not the
 * commands (commands.c). A client sends one JSON object ended by a newline (or by shutting
 * down its write side) and gets one JSON object back, then the connection closes (protocol.h).
 *
 * Every local user may connect, so no client can stall or lock out the others: everything
 * is non-blocking from the event loop; a client has CONTROL_REQUEST_DEADLINE to send its
 * request and CONTROL_REPLY_DEADLINE to read the reply; replies waiting to be read are bounded
 * in bytes per user; connections are bounded per user, and some are kept for root.
 */

#include <json-c/json.h>
#include <systemd/sd-event.h>
#include <sys/types.h>

/* Answer the len bytes a peer with that uid sent; the reply is the caller's to keep. */
typedef struct json_object *(*control_handler_t)(const char *buf, size_t len, uid_t uid,
						 void *userdata);

struct control;

/*
 * Listen on socket_rel (relative to the root at root_fd, its directory created 0755 beneath
 * it). root is the root's path, for messages.
 */
int control_new(sd_event *event, int root_fd, const char *root, const char *socket_rel,
		control_handler_t handler, void *userdata, struct control **ret);
struct control *control_free(struct control *c);

/* A reply as sent, without its newline: one line of JSON, owned by @reply. NULL: no memory. */
const char *control_reply_text(struct json_object *reply);
