/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The control socket (ControlSocket=, /run/vswapd/control): a stream socket; a client sends
 * one JSON object ended by a newline (or by shutting down its write side) and gets one JSON
 * object back, then the connection closes. Requests over 64 KiB, clients silent for 5 s and
 * clients beyond 32 at once are dropped. Commands that
 * change anything (reload, override, clear-override, writeback, set-max) need the peer to
 * be root (SO_PEERCRED). See vswapd(8) for the commands.
 */

#include <json-c/json.h>
#include <sys/types.h>

struct manager;
struct control;

#define CONTROL_MAX_REQUEST (64 * 1024)

int control_new(struct manager *m, struct control **ret);
struct control *control_free(struct control *c);

/* Answer one request from a peer with that uid (the socket-free core, for tests). */
struct json_object *control_handle(struct manager *m, struct json_object *req, uid_t peer_uid);

/*
 * Parse one request as read off the socket: the len bytes at buf (not NUL-terminated; a NUL
 * byte ends the text). Returns 0 with *ret_req a new reference, NULL for the JSON text
 * "null"; -EMSGSIZE past CONTROL_MAX_REQUEST bytes; -EBADMSG for text that is not JSON, with
 * *ret_jerr saying why.
 */
int control_parse_request(const char *buf, size_t len, struct json_object **ret_req,
			  enum json_tokener_error *ret_jerr);

/*
 * The reply to the len bytes a peer sent: control_parse_request(), then control_handle().
 * Never NULL but when out of memory; the caller owns it.
 */
struct json_object *control_request(struct manager *m, const char *buf, size_t len, uid_t peer_uid);

/*
 * A reply as sent, without its newline: one line of JSON, owned by @reply. NULL: no memory.
 * A status reply's "managed" list is written from the manager's cgroups at this call and is
 * empty until then: call it in the same turn of the event loop as the request.
 */
const char *control_reply_text(struct json_object *reply);
