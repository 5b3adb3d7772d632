/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rssfloor: the memory floor of vswapd's libraries, the baseline of bench/idle-cost's RSS. It
 * links what vswapd links (libsystemd, json-c, libnl-genl), uses each the way vswapd starts
 * (an sd-event loop with a timer, a json-c object, a generic netlink socket), prints "ready"
 * and waits to be killed: its peak RSS is what any daemon built on these libraries costs
 * before it manages a single cgroup.
 */
#include <json-c/json.h>
#include <netlink/genl/genl.h>
#include <stdio.h>
#include <systemd/sd-event.h>
#include <time.h>

static int on_time(sd_event_source *s, uint64_t usec, void *userdata)
{
	return 0;
}

int main(void)
{
	sd_event *e = NULL;
	struct nl_sock *nl = nl_socket_alloc();
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ready", json_object_new_boolean(1));
	if (sd_event_default(&e) < 0 || !nl || genl_connect(nl) < 0 ||
	    sd_event_add_time_relative(e, NULL, CLOCK_MONOTONIC, 3600ULL * 1000000, 0, on_time,
				       NULL) < 0) {
		fprintf(stderr, "rssfloor: setup failed\n");
		return 1;
	}
	printf("%s\n", json_object_to_json_string(o));
	fflush(stdout);
	json_object_put(o);
	return sd_event_loop(e) < 0;
}
