/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vswapctl list-policies / cat-config: what is configured, and from which files. */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>

#include "confdirs.h"
#include "context.h"
#include "daemonconf.h"
#include "output.h"
#include "policyset.h"
#include "util.h"
#include "vswapctl.h"

static const char *match_kind_name(enum vswap_match_kind k)
{
	static const char *const names[] = {"default", "cgroup", "unit", "slice"};

	return names[k];
}

static size_t attached_count(const struct vswap_policy_set *set, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < set->attachments.n; i++)
		n += streq(set->attachments.a[i].policy, name);
	return n;
}

static struct table *policies_table(const struct vswap_policy_set *set)
{
	static const struct column cols[] = {
	    {"name", "NAME", COL_STRING},	    {"file", "FILE", COL_STRING},
	    {"match_kind", "MATCH", COL_STRING},    {"match", "PATTERN", COL_STRING},
	    {"attachments", "ATTACHED", COL_COUNT},
	};
	struct table *t = table_new(cols, ELEMENTSOF(cols));

	for (size_t i = 0; t && i < set->n; i++) {
		const struct vswap_policy *p = set->policies[i];
		table_row(t);
		table_add_string(t, 0, p->name);
		table_add_string(t, 1, p->source);
		table_add_string(t, 2, match_kind_name(p->match_kind));
		if (p->match)
			table_add_string(t, 3, p->match);
		table_add_u64(t, 4, attached_count(set, p->name));
	}
	return t;
}

static struct table *attachments_table(const struct vswap_policy_set *set)
{
	static const struct column cols[] = {
	    {"target", "TARGET", COL_STRING},
	    {"target_kind", "KIND", COL_STRING},
	    {"policy", "POLICY", COL_STRING},
	    {"file", "FILE", COL_STRING},
	};
	struct table *t = table_new(cols, ELEMENTSOF(cols));

	for (size_t i = 0; t && i < set->attachments.n; i++) {
		const struct vswap_attachment *a = &set->attachments.a[i];
		table_row(t);
		table_add_string(t, 0, a->target);
		table_add_string(t, 1, a->kind == VSWAP_ATTACH_UNIT ? "unit" : "cgroup");
		table_add_string(t, 2, a->policy);
		table_add_string(t, 3, a->source);
	}
	return t;
}

int verb_list_policies(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	struct vswap_policy_load_errors errs;
	struct vswap_policy_set *set = NULL;
	int r = vswapctl_open_config(opts, &ctx);

	if (r < 0)
		return r;
	r = vswap_policy_set_load(ctx, &set, &errs);
	if (r == -EBADMSG)
		vswapctl_print_load_errors(&errs);
	if (r < 0)
		return vswapctl_fail(r, "the policy configuration does not load: %s",
				     r == -EBADMSG ? "errors above" : strerror(-r));
	struct table *pt = policies_table(set), *at = attachments_table(set);
	if (pt && at) {
		print_begin(opts->json, stdout);
		table_print(pt, "policies", opts->no_legend);
		print_text("%s", set->attachments.n ? "\n" : "");
		if (set->attachments.n || print_is_json())
			table_print(at, "attachments", opts->no_legend);
		r = print_end();
	} else
		r = -ENOMEM;
	table_free(pt);
	table_free(at);
	vswap_policy_set_free(set);
	return r;
}

/* One file of cat-config: shown in precedence order, lowest first. */
struct shown_file {
	const char *role;   /* "daemon", "policy", "attachment", "unit_drop_in" */
	const char *path;   /* "/etc/..." */
	const char *state;  /* "in_force", "overridden", "masked" */
	const char *winner; /* for overridden: the file in force */
};

static void show_file(const struct vswap_ctx *ctx, const struct shown_file *sf)
{
	_cleanup_free_ char *text = NULL;
	bool masked = streq(sf->state, "masked");

	if (!masked && vswap_read_root(ctx, sf->path + 1, &text, NULL) < 0)
		return;
	print_open_object(NULL);
	print_string("path", "# %s", sf->path);
	print_string("role", NULL, sf->role);
	print_string("state", NULL, sf->state);
	print_text("%s", masked ? " (masked: -> /dev/null)" : "");
	print_string("overridden_by", ", overridden by %s", sf->winner);
	print_text("\n");
	/* The files' own text, as it is: this is what cat-config is for. */
	print_string("content", NULL, text);
	if (text)
		print_text("%s%s\n", text, *text && text[strlen(text) - 1] != '\n' ? "\n" : "");
	print_close_object();
}

/* Files a section of X-VSwap drop-ins cares about: those with the section. */
static bool has_section(const struct vswap_ctx *ctx, const char *path)
{
	_cleanup_free_ char *text = NULL;

	return vswap_read_root(ctx, path + 1, &text, NULL) == 0 && strstr(text, "[X-VSwap]");
}

/* Every file of layered dirs, lowest directory first, marking the ones not in force. */
static int cat_layered(const struct vswap_ctx *ctx, const char *const *dirs, size_t n_dirs,
		       const char *suffix, const char *role, bool only_xvswap)
{
	struct vswap_conf_files winners = {};
	int r = vswap_conf_files_list(ctx, dirs, n_dirs, suffix, &winners);

	for (size_t d = 0; r == 0 && d < n_dirs; d++) {
		const char *one[1] = {dirs[d]};
		struct vswap_conf_files here = {};
		r = vswap_conf_files_list(ctx, one, 1, suffix, &here);
		for (size_t i = 0; r == 0 && i < here.n; i++) {
			const struct vswap_conf_file *w = NULL;
			for (size_t k = 0; k < winners.n && !w; k++)
				if (streq(winners.f[k].name, here.f[i].name))
					w = &winners.f[k];
			bool wins = w && streq(w->path, here.f[i].path);
			struct shown_file sf = {
			    .role = role,
			    .path = here.f[i].path,
			    .state = here.f[i].masked ? "masked"
				     : wins	      ? "in_force"
						      : "overridden",
			    .winner = wins || !w ? NULL : w->path,
			};
			if (!only_xvswap || here.f[i].masked || has_section(ctx, sf.path))
				show_file(ctx, &sf);
		}
		vswap_conf_files_clear(&here);
	}
	vswap_conf_files_clear(&winners);
	return r;
}

static int add_unit(char ***units, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (streq((*units)[i], name))
			return 0;
	char **nu = reallocarray(*units, *n + 1, sizeof(*nu));
	if (!nu)
		return -ENOMEM;
	*units = nu;
	nu[*n] = strndup(name, strlen(name) - 2);
	return nu[(*n)++] ? 0 : -ENOMEM;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Units with a drop-in directory in any of systemd's unit directories, sorted. */
static int list_dropin_units(const struct vswap_ctx *ctx, char ***ret, size_t *ret_n)
{
	char **units = NULL;
	size_t n = 0;
	int r = 0;

	for (size_t d = 0; r == 0 && d < VSWAP_LAYER_COUNT; d++) {
		int fd =
		    vswap_open_beneath(ctx->root_fd, vswap_unit_dirs[d], O_RDONLY | O_DIRECTORY);
		_cleanup_closedir_ DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
		struct dirent *de;
		if (!dir && fd >= 0)
			close(fd);
		while (dir && r == 0 && (de = readdir(dir))) {
			size_t l = strlen(de->d_name);
			if (l > 2 && streq(de->d_name + l - 2, ".d") && de->d_name[0] != '.')
				r = add_unit(&units, &n, de->d_name);
		}
	}
	if (n > 1)
		qsort(units, n, sizeof(*units), cmp_str);
	*ret = units;
	*ret_n = n;
	return r;
}

static int cat_dropins(const struct vswap_ctx *ctx)
{
	char **units = NULL;
	size_t n = 0;
	int r = list_dropin_units(ctx, &units, &n);

	for (size_t i = 0; i < n; i++) {
		char dirs[VSWAP_LAYER_COUNT][320];
		const char *dirp[VSWAP_LAYER_COUNT];
		for (size_t d = 0; d < VSWAP_LAYER_COUNT; d++) {
			snprintf(dirs[d], sizeof(dirs[d]), "%s/%s.d", vswap_unit_dirs[d], units[i]);
			dirp[d] = dirs[d];
		}
		if (r == 0)
			r = cat_layered(ctx, dirp, VSWAP_LAYER_COUNT, ".conf", "unit_drop_in",
					true);
		free(units[i]);
	}
	free(units);
	return r;
}

/* vswapd.conf: the main file in force (the first of /etc, /run, /usr/lib), the others
 * overridden, lowest first. */
static void cat_daemon_main(const struct vswap_ctx *ctx)
{
	const char *winner = NULL;

	for (size_t i = 0; i < VSWAP_LAYER_COUNT && !winner; i++) {
		_cleanup_close_ int fd =
		    vswap_open_beneath(ctx->root_fd, vswap_daemon_conf_main_files[i], O_PATH);
		if (fd >= 0)
			winner = vswap_daemon_conf_main_files[i];
	}
	for (size_t i = VSWAP_LAYER_COUNT; winner && i-- > 0;) {
		char path[256], won[256];
		snprintf(path, sizeof(path), "/%s", vswap_daemon_conf_main_files[i]);
		snprintf(won, sizeof(won), "/%s", winner);
		struct shown_file sf = {.role = "daemon",
					.path = path,
					.state = streq(path, won) ? "in_force" : "overridden",
					.winner = streq(path, won) ? NULL : won};
		show_file(ctx, &sf);
	}
}

int verb_cat_config(int argc, char **argv, const struct vswapctl_options *opts)
{
	_cleanup_(vswap_ctx_freep) struct vswap_ctx *ctx = NULL;
	int r = vswapctl_open_config(opts, &ctx);

	if (r < 0)
		return r;
	print_begin(opts->json, stdout);
	print_open_array("files");
	cat_daemon_main(ctx);
	r = cat_layered(ctx, vswap_daemon_conf_dirs, VSWAP_LAYER_COUNT, ".conf", "daemon", false);
	if (r == 0)
		r = cat_layered(ctx, vswap_policy_dirs, VSWAP_LAYER_COUNT, ".json", "policy",
				false);
	if (r == 0)
		r = cat_layered(ctx, vswap_attach_dirs, VSWAP_LAYER_COUNT, ".conf", "attachment",
				false);
	if (r == 0)
		r = cat_dropins(ctx);
	print_close_array();
	int pr = print_end();
	if (r < 0)
		return vswapctl_fail(r, "cannot read the configuration: %s", strerror(-r));
	return pr;
}
