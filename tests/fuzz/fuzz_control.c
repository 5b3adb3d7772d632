/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswapd's control socket: the bytes a peer sends go through commands_request(), the daemon's
 * own path for a received message (size bound, JSON parse, commands_handle()), to a manager
 * built once over a copy of the captured patched-6.12 tree in a temporary directory, with
 * policies on app-a and app-b and a spare one to override with.
 *
 * The first byte of an input picks the peer: bit 0 set, an unprivileged uid, else root;
 * bit 1 set, a dry run. The rest is the request as read off the socket. So seeds start with
 * '0' (root), '1' (unprivileged), '2' (root, dry run) or '3'.
 *
 * Invariants: every request gets a reply object, with "ok" a boolean and, when false, a
 * non-empty "error" and a known "error_code"; "ok" only for a known command, it and its "cgroup"
 * and "policy" spelled in full (a "\u0000" does not cut them short); the parse agrees with json-c's
 * of the text up to its first NUL (what the daemon parsed before commands_parse_request() took a
 * length); an unprivileged peer never gets "ok" for reload, override, clear-override,
 * writeback or set-max, and changes nothing (overrides, pinned caps, counters, reloads).
 *
 * The manager persists across inputs; after each one the overrides and pinned caps are
 * cleared and the knob files put back to their values before the first change, so one
 * input's writes do not steer the next (counters, engine state and the clock do carry
 * over). Every path the daemon opens is below the temporary root, removed at exit (not
 * after a crash: tests/fuzz/run points $TMPDIR into its own scratch directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actuator.h"
#include "commands.h"
#include "control.h"
#include "daemonconf.h"
#include "fuzz.h"
#include "log.h"
#include "manager.h"
#include "protocol.h"
#include "util.h"

#define PEER_UNPRIVILEGED 65534 /* nobody */
#define MAX_MANAGED	  8

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The commands of vswapd(8): open to every peer, then root's only. */
static const char *const reading[] = {"status", "explain", "metrics"};
static const char *const mutating[] = {"reload", "override", "clear-override", "writeback",
				       "set-max"};

/* Policy files written into the copy: the fixture's two services and a spare. */
static const struct {
	const char *name;
	const char *json;
} policies[] = {
    {"app-a", "{ \"schema_version\": 1,\n"
	      "  \"match\": { \"cgroup\": \"/workload.slice/app-a.service\" },\n"
	      "  \"vswap\": { \"max\": \"50%\" },\n"
	      "  \"zswap\": { \"writeback\": true },\n"
	      "  \"writeback\": { \"amount\": \"4M\", \"cooldown_s\": 0.5,\n"
	      "                 \"when\": [ { \"vswap_above_percent\": 50 } ] },\n"
	      "  \"offload\": { \"enabled\": true, \"pressure_target\": 0.5 },\n"
	      "  \"interval_s\": 0.5 }\n"},
    {"app-b", "{ \"schema_version\": 1,\n"
	      "  \"match\": { \"cgroup\": \"/workload.slice/app-b.service\" },\n"
	      "  \"zswap\": { \"max\": \"8M\", \"writeback\": false },\n"
	      "  \"writeback\": { \"enabled\": false } }\n"},
    {"spare", "{ \"schema_version\": 1,\n"
	      "  \"match\": { \"cgroup\": \"/nothing\" },\n"
	      "  \"vswap\": { \"max\": \"1M\" },\n"
	      "  \"writeback\": { \"amount\": \"1M\", \"max_per_minute\": \"2M\",\n"
	      "                 \"when\": [ { \"vswap_above_percent\": 10 } ] } }\n"},
};

static char root[256]; /* $TMPDIR/vswap-fuzz-control.XXXXXX */
static struct manager *manager;
static struct daemon_state *state;

/* What an unprivileged request must leave as it was. */
struct snapshot {
	uint64_t reloads;
	size_t n_managed;
	struct {
		bool override;
		bool pinned;
		uint64_t samples;
		uint64_t failures;
		uint64_t actions;
	} mc[MAX_MANAGED];
};

static int copy_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char dest[4096], buf[65536];
	const char *rel = path + strlen(FUZZ_FIXTURE_DIR);

	snprintf(dest, sizeof(dest), "%s%s", root, rel);
	if (type == FTW_D)
		return mkdir(dest, 0755) < 0 && errno != EEXIST ? -1 : 0;
	if (type != FTW_F)
		return 0; /* the captured trees hold only directories and files */
	int in = open(path, O_RDONLY | O_CLOEXEC);
	int out = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	ssize_t n = 0;
	fuzz_assert(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		fuzz_assert(write(out, buf, (size_t)n) == n);
	fuzz_assert(n == 0);
	close(in);
	close(out);
	return 0;
}

static void write_file(const char *rel, const char *content)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "we");
	fuzz_assert(f);
	fputs(content, f);
	fuzz_assert(fclose(f) == 0);
}

static void make_dirs(const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			fuzz_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
			*p = '/';
		}
	fuzz_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	return remove(path);
}

static void cleanup(void)
{
	manager = manager_free(manager);
	(void)nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void build_tree(void)
{
	char name[256];
	const char *tmp = getenv("TMPDIR");

	int n = snprintf(root, sizeof(root), "%s/vswap-fuzz-control.XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
	fuzz_assert(n > 0 && (size_t)n < sizeof(root) && mkdtemp(root));
	fuzz_assert(nftw(FUZZ_FIXTURE_DIR, copy_one, 16, FTW_PHYS) == 0);
	make_dirs("etc/vswapd/policies.d");
	for (size_t i = 0; i < ELEMENTSOF(policies); i++) {
		snprintf(name, sizeof(name), "etc/vswapd/policies.d/%s.json", policies[i].name);
		write_file(name, policies[i].json);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char bus[sizeof(root) + 32];
	sigset_t mask;

	build_tree();
	atexit(cleanup);
	/* Nothing outside the tree: no system bus (unit matches never hold), no sd_notify, and
	 * log lines on stderr rather than in the journal. */
	snprintf(bus, sizeof(bus), "unix:path=%s/no-bus", root);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", bus, 1);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("JOURNAL_STREAM");
	log_setup(LOG_ERR);
	struct vswap_daemon_conf conf;
	fuzz_assert(vswap_daemon_conf_init(&conf) == 0);
	/* The manager blocks SIGINT and SIGTERM for its signalfd: libFuzzer wants them back. */
	fuzz_assert(sigprocmask(SIG_SETMASK, NULL, &mask) == 0);
	int r = manager_new(root, &conf, &manager);
	vswap_daemon_conf_done(&conf);
	fuzz_assert(sigprocmask(SIG_SETMASK, &mask, NULL) == 0);
	if (r < 0)
		fprintf(stderr, "fuzz_control: manager_new on %s: %s\n", root, strerror(-r));
	fuzz_assert(r == 0);
	state = manager_state(manager);
	fuzz_assert(state->managed.n == 2);
	fuzz_assert(state->policies->n == ELEMENTSOF(policies));
	return 0;
}

static void snapshot_take(struct snapshot *s)
{
	fuzz_assert(state->managed.n <= MAX_MANAGED);
	memset(s, 0, sizeof(*s)); /* padding too: snapshots are compared with memcmp() */
	s->reloads = state->reloads;
	s->n_managed = state->managed.n;
	for (size_t i = 0; i < state->managed.n; i++) {
		const struct managed *mc = state->managed.v[i];
		s->mc[i].override = mc->override != NULL;
		s->mc[i].pinned = mc->pinned_vswap_max.set;
		s->mc[i].samples = mc->samples;
		s->mc[i].failures = mc->failures;
		for (int k = 0; k < _ACTION_KIND_COUNT; k++)
			s->mc[i].actions += managed_actions(mc, k);
	}
}

/* Put back what the last input changed (knobs as before the first change, see header). */
static void reset(void)
{
	for (size_t i = 0; i < state->managed.n; i++) {
		struct managed *mc = state->managed.v[i];
		(void)managed_set_override(mc, NULL);
		if (mc->acts)
			(void)actuator_restore(state->ctx, mc->path, &mc->acts->knobs, false);
	}
}

/* "ok": true, or "ok": false with a non-empty "error". */
static bool check_reply(struct json_object *reply)
{
	struct json_object *ok, *error, *code;

	fuzz_assert(json_object_is_type(reply, json_type_object));
	fuzz_assert(json_object_object_get_ex(reply, "ok", &ok));
	fuzz_assert(json_object_is_type(ok, json_type_boolean));
	if (json_object_get_boolean(ok)) {
		fuzz_assert(!json_object_object_get_ex(reply, "error", NULL));
		return true;
	}
	fuzz_assert(json_object_object_get_ex(reply, "error", &error));
	fuzz_assert(json_object_is_type(error, json_type_string));
	fuzz_assert(json_object_get_string_len(error) > 0);
	fuzz_assert(json_object_object_get_ex(reply, "error_code", &code));
	fuzz_assert(json_object_is_type(code, json_type_string));
	fuzz_assert(vswap_error_code_from_name(json_object_get_string(code)) >= 0);
	return false;
}

/*
 * The reply as the daemon sends it is one line of JSON that says the same: status's
 * "managed" array, written by its own serializer, lists every managed cgroup in order.
 */
static void check_reply_text(struct json_object *reply)
{
	const char *text = control_reply_text(reply);
	struct json_object *back, *list, *o;

	fuzz_assert(text && !strchr(text, '\n'));
	back = json_tokener_parse(text);
	fuzz_assert(back);
	fuzz_assert(json_object_get_boolean(json_object_object_get(back, "ok")) ==
		    json_object_get_boolean(json_object_object_get(reply, "ok")));
	if (json_object_object_get_ex(back, "managed", &list)) {
		fuzz_assert(json_object_array_length(list) == state->managed.n);
		for (size_t i = 0; i < state->managed.n; i++) {
			o = json_object_object_get(json_object_array_get_idx(list, i), "cgroup");
			fuzz_assert(streq(json_object_get_string(o), state->managed.v[i]->display));
		}
	}
	json_object_put(back);
}

/* commands_parse_request() parses what json-c parses of the text up to its first NUL. */
static void check_parse(const char *buf, size_t len, struct json_object *req, int r)
{
	char *text = fuzz_strdup((const uint8_t *)buf, len);
	enum json_tokener_error jerr;
	struct json_object *want = json_tokener_parse_verbose(text, &jerr);

	fuzz_assert((r == 0) == (jerr == json_tokener_success));
	/* As text: json_object_equal() compares doubles with ==, and "NaN" parses. */
	fuzz_assert(streq(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
			  json_object_to_json_string_ext(want, JSON_C_TO_STRING_PLAIN)));
	json_object_put(want);
	free(text);
}

/* The command of a request that parses as an object with one, else NULL (req owns it). */
static const char *command_of(struct json_object *req)
{
	struct json_object *v;

	if (!json_object_is_type(req, json_type_object) ||
	    !json_object_object_get_ex(req, "command", &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool in_list(const char *cmd, const char *const *list, size_t n)
{
	for (size_t i = 0; cmd && i < n; i++)
		if (streq(cmd, list[i]))
			return true;
	return false;
}

static bool is_mutating(const char *cmd)
{
	return in_list(cmd, mutating, ELEMENTSOF(mutating));
}

/* The string at key has no NUL cutting it short (true when it is not a string). */
static bool whole_string(struct json_object *req, const char *key)
{
	struct json_object *v = json_object_object_get(req, key);

	return !json_object_is_type(v, json_type_string) ||
	       strlen(json_object_get_string(v)) == (size_t)json_object_get_string_len(v);
}

/*
 * A request the daemon may carry out: a known command, and it and the arguments that
 * command reads spelled in full.
 */
static bool is_command(struct json_object *req)
{
	const char *cmd = command_of(req);

	if (!cmd || !whole_string(req, "command"))
		return false;
	if (!is_mutating(cmd) && !in_list(cmd, reading, ELEMENTSOF(reading)))
		return false;
	if (!streq(cmd, "status") && !streq(cmd, "metrics") && !streq(cmd, "reload") &&
	    !whole_string(req, "cgroup"))
		return false;
	return !streq(cmd, "override") || whole_string(req, "policy");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot before, after;
	struct json_object *req = NULL;
	enum json_tokener_error jerr;

	if (size < 1)
		return 0;
	uid_t uid = data[0] & 1 ? PEER_UNPRIVILEGED : 0;
	state->conf.dry_run = data[0] & 2;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1;

	snapshot_take(&before);
	struct json_object *reply = commands_request(manager_commands(manager), buf, len, uid);
	fuzz_assert(reply);
	bool ok = check_reply(reply);
	check_reply_text(reply);

	int r = commands_parse_request(buf, len, &req, &jerr);
	if (len > VSWAP_CONTROL_MAX_REQUEST)
		fuzz_assert(r == -EMSGSIZE);
	else {
		fuzz_assert(r == 0 || r == -EBADMSG);
		check_parse(buf, len, req, r);
	}
	fuzz_assert(!ok || is_command(req));
	if (uid != 0) {
		/* "reload\u0000x" is no command at all, refused before the permission check. */
		const char *cmd = whole_string(req, "command") ? command_of(req) : NULL;
		struct json_object *error = NULL;
		if (is_mutating(cmd)) {
			fuzz_assert(!ok);
			json_object_object_get_ex(reply, "error", &error);
			fuzz_assert(strstr(json_object_get_string(error), "permission denied"));
			fuzz_assert(streq(
			    json_object_get_string(json_object_object_get(reply, "error_code")),
			    "permission_denied"));
		}
		snapshot_take(&after);
		fuzz_assert(memcmp(&before, &after, sizeof(before)) == 0);
	}
	json_object_put(req);
	json_object_put(reply);
	reset();
	return 0;
}
