/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* OpenMetrics text of the daemon's counters and the last sample of each managed cgroup. */

struct daemon_state;

/* Newly allocated text ending in "# EOF\n", or NULL on allocation failure. */
char *metrics_render(const struct daemon_state *st);

/* Write the text atomically (tmp + fsync + rename) to the configured textfile. */
int metrics_write_textfile(const struct daemon_state *st);
