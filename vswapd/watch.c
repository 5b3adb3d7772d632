/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "watch.h"

#include <fcntl.h>
#include <sys/inotify.h>

#include "debounce.h"
#include "log.h"
#include "paths.h"
#include "util.h"

/* Batch bursts of mkdir/rmdir (a service starting many scopes) into one rescan, but never
 * leave a new cgroup unmanaged for longer than the maximum wait, however long a burst. */
#define RESCAN_DELAY_US	   (100 * 1000ULL)
#define RESCAN_MAX_WAIT_US (500 * 1000ULL)
/* Editors write a file in several steps: wait for them to settle before reloading. */
#define RELOAD_DELAY_US	   (250 * 1000ULL)
#define RELOAD_MAX_WAIT_US (2000 * 1000ULL)
/*
 * inotify watches are charged to vswapd's user, root, whoever creates the cgroups: users
 * creating many cgroups spend root's fs.inotify.max_user_watches. Past it, the cgroups
 * without a watch are found by a rescan this often instead.
 */
#define WATCHLESS_RESCAN_US (5 * 1000 * 1000ULL)

struct watch {
	const struct vswap_ctx *ctx;
	int fd;
	sd_event_source *source;
	int *config_wd; /* watches of configuration directories */
	size_t n_config_wd;
	struct debounce rescan, reload;
	struct watch_hooks hooks;
	sd_event *event;
	sd_event_source *watchless; /* periodic rescans once a watch could not be added */
};

static bool is_config_wd(const struct watch *w, int wd)
{
	for (size_t i = 0; i < w->n_config_wd; i++)
		if (w->config_wd[i] == wd)
			return true;
	return false;
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct watch *w = userdata;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool rescan = false, reload = false;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (is_config_wd(w, ev->wd))
				reload = true;
			else if (ev->mask & (IN_CREATE | IN_DELETE | IN_Q_OVERFLOW))
				rescan = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (reload)
		debounce_kick(&w->reload);
	if (rescan)
		debounce_kick(&w->rescan);
	return 0;
}

static int on_watchless(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct watch *w = userdata;

	w->hooks.rescan(w->hooks.userdata);
	(void)sd_event_source_set_time_relative(s, WATCHLESS_RESCAN_US);
	return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

/* A watch could not be added: from now on, a rescan every WATCHLESS_RESCAN_US too. */
static void watch_failed(struct watch *w, int err)
{
	if (w->watchless)
		return;
	log_warning_errno(err,
			  "cannot watch every cgroup%s: cgroups created below those without a "
			  "watch are found by a rescan every %llu s",
			  err == -ENOSPC ? " (fs.inotify.max_user_watches reached)" : "",
			  WATCHLESS_RESCAN_US / 1000000);
	(void)sd_event_add_time_relative(w->event, &w->watchless, CLOCK_MONOTONIC,
					 WATCHLESS_RESCAN_US, 0, on_watchless, w);
}

void watch_cgroup(struct watch *w, const char *path)
{
	char full[64 + 4096];

	snprintf(full, sizeof(full), "/proc/self/fd/%d/%s", w->ctx->cgroup_fd, path);
	if (inotify_add_watch(w->fd, full, IN_CREATE | IN_DELETE | IN_ONLYDIR) < 0 &&
	    (errno == ENOSPC || errno == ENOMEM))
		watch_failed(w, negative_errno());
}

static void watch_config_dir(struct watch *w, const char *dir)
{
	_cleanup_free_ char *path = NULL;

	if (vswap_root_path(w->ctx->root, dir, 0, &path) < 0)
		return;
	int wd = inotify_add_watch(w->fd, path,
				   IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
				       IN_CREATE | IN_ONLYDIR);
	if (wd < 0 || is_config_wd(w, wd))
		return;
	int *n = reallocarray(w->config_wd, w->n_config_wd + 1, sizeof(*n));
	if (!n)
		return;
	w->config_wd = n;
	w->config_wd[w->n_config_wd++] = wd;
}

/* Every UNIT.d below a systemd unit directory: a drop-in there may attach a policy. */
static void watch_dropin_dirs(struct watch *w, const char *unit_dir)
{
	_cleanup_close_ int fd =
	    vswap_open_beneath(w->ctx->root_fd, unit_dir, O_RDONLY | O_DIRECTORY);
	_cleanup_closedir_ DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d)
		return;
	fd = -1; /* d owns it */
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		_cleanup_free_ char *sub = NULL;
		if (n > 2 && streq(de->d_name + n - 2, ".d") &&
		    asprintf(&sub, "%s/%s", unit_dir, de->d_name) >= 0)
			watch_config_dir(w, sub);
	}
}

void watch_config(struct watch *w)
{
	for (size_t i = 0; i < VSWAP_LAYER_COUNT; i++) {
		watch_config_dir(w, vswap_policy_dirs[i]);
		watch_config_dir(w, vswap_attach_dirs[i]);
		watch_config_dir(w, vswap_unit_dirs[i]);
		watch_dropin_dirs(w, vswap_unit_dirs[i]);
	}
}

void watch_request_rescan(struct watch *w)
{
	debounce_kick(&w->rescan);
}

static void fire_rescan(void *userdata)
{
	struct watch *w = userdata;

	w->hooks.rescan(w->hooks.userdata);
}

static void fire_reload(void *userdata)
{
	struct watch *w = userdata;

	w->hooks.reload(w->hooks.userdata);
}

int watch_new(sd_event *event, const struct vswap_ctx *ctx, const struct watch_hooks *hooks,
	      struct watch **ret)
{
	struct watch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	*w = (struct watch){.ctx = ctx, .hooks = *hooks, .event = event};
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	r = w->fd < 0 ? negative_errno() : 0;
	if (r == 0)
		r = debounce_init(&w->rescan, event, RESCAN_DELAY_US, RESCAN_MAX_WAIT_US,
				  fire_rescan, w);
	if (r == 0)
		r = debounce_init(&w->reload, event, RELOAD_DELAY_US, RELOAD_MAX_WAIT_US,
				  fire_reload, w);
	if (r == 0)
		r = sd_event_add_io(event, &w->source, w->fd, EPOLLIN, on_inotify, w);
	if (r < 0) {
		watch_free(w);
		return r;
	}
	watch_config(w);
	*ret = w;
	return 0;
}

struct watch *watch_free(struct watch *w)
{
	if (!w)
		return NULL;
	sd_event_source_disable_unref(w->source);
	sd_event_source_disable_unref(w->watchless);
	debounce_done(&w->rescan);
	debounce_done(&w->reload);
	closep(&w->fd);
	free(w->config_wd);
	free(w);
	return NULL;
}
