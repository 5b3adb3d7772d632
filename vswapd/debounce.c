/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "debounce.h"

#include <errno.h>

uint64_t debounce_due_us(uint64_t delay_us, uint64_t max_wait_us, uint64_t first_us,
			 uint64_t last_us)
{
	uint64_t by_delay = last_us + delay_us, by_max = first_us + max_wait_us;

	return by_delay < by_max ? by_delay : by_max;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct debounce *d = userdata;

	d->pending = false;
	d->fire(d->userdata);
	return 0;
}

int debounce_init(struct debounce *d, sd_event *event, uint64_t delay_us, uint64_t max_wait_us,
		  void (*fire)(void *userdata), void *userdata)
{
	*d = (struct debounce){.event = event,
			       .delay_us = delay_us,
			       .max_wait_us = max_wait_us,
			       .fire = fire,
			       .userdata = userdata};
	int r = sd_event_add_time(event, &d->timer, CLOCK_MONOTONIC, UINT64_MAX, 0, on_timer, d);
	if (r < 0)
		return r;
	return sd_event_source_set_enabled(d->timer, SD_EVENT_OFF);
}

void debounce_done(struct debounce *d)
{
	d->timer = sd_event_source_disable_unref(d->timer);
	d->pending = false;
}

void debounce_kick(struct debounce *d)
{
	uint64_t now = 0;

	if (!d->timer)
		return;
	(void)sd_event_now(d->event, CLOCK_MONOTONIC, &now);
	if (!d->pending)
		d->first_us = now;
	d->pending = true;
	(void)sd_event_source_set_time(
	    d->timer, debounce_due_us(d->delay_us, d->max_wait_us, d->first_us, now));
	(void)sd_event_source_set_enabled(d->timer, SD_EVENT_ONESHOT);
}
