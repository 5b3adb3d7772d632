/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * One call for a burst of kicks: the handler runs delay after the last kick of a burst, but
 * never later than max_wait after its first, so a steady stream of kicks (a user churning
 * cgroups every few ms) delays it by max_wait at most instead of for ever.
 */

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

struct debounce {
	sd_event *event;
	sd_event_source *timer;
	uint64_t delay_us, max_wait_us;
	uint64_t first_us; /* the first kick of the pending burst */
	bool pending;
	void (*fire)(void *userdata);
	void *userdata;
};

int debounce_init(struct debounce *d, sd_event *event, uint64_t delay_us, uint64_t max_wait_us,
		  void (*fire)(void *userdata), void *userdata);
void debounce_done(struct debounce *d);

/* A kick at the loop's current time. */
void debounce_kick(struct debounce *d);

/* When the handler is due (CLOCK_MONOTONIC usec) for kicks at first_us and last_us. */
uint64_t debounce_due_us(uint64_t delay_us, uint64_t max_wait_us, uint64_t first_us,
			 uint64_t last_us);
