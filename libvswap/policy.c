/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "policy.h"

#include <fnmatch.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>

#include "jsonpos.h"
#include "text.h"
#include "unitname.h"
#include "util.h"

enum field_type {
	T_OBJECT,     /* a nested object of further fields */
	T_VERSION,    /* schema_version: an integer we must understand */
	T_STRING,     /* char * */
	T_SIZE,	      /* struct vswap_opt_size: bytes or "max" */
	T_SIZE_PCT,   /* struct vswap_opt_size: bytes, "max" or "N%" */
	T_BYTES,      /* uint64_t: bytes, never "max" or a percentage */
	T_BOOL,	      /* bool */
	T_TRISTATE,   /* int: -1 unset, 0, 1 */
	T_DOUBLE,     /* double */
	T_OPT_DOUBLE, /* struct vswap_opt_double */
	T_UINT,	      /* uint64_t */
	T_PSI_TYPE,   /* bool full: "some" or "full" */
	T_CONDITIONS, /* the writeback condition array */
};

struct field {
	const char *path;
	enum field_type type;
	size_t offset;
	double min, max;
	const char *def; /* default as JSON text, NULL: unset */
	const char *doc;
};

#define P(m) offsetof(struct vswap_policy, m)
#define C(m) offsetof(struct vswap_condition, m)
#define NONE 0, 0

/* The single source of the policy format: parser, defaults, validation and schema. */
static const struct field policy_fields[] = {
    {"schema_version", T_VERSION, 0, 1, VSWAP_POLICY_SCHEMA_VERSION, NULL,
     "Version of this format the file is written for (required)."},
    {"description", T_STRING, P(description), NONE, NULL, "Free text for people."},
    {"match", T_OBJECT, 0, NONE, NULL,
     "What the policy applies to: exactly one of cgroup, unit, slice. Without it the "
     "policy is the default for cgroups no other policy matches."},
    {"match/cgroup", T_STRING, P(match), NONE, NULL,
     "Cgroup path, glob wildcards allowed (* and ? do not cross '/')."},
    {"match/unit", T_STRING, P(match), NONE, NULL, "systemd unit name (app.service)."},
    {"match/slice", T_STRING, P(match), NONE, NULL, "systemd slice name (batch.slice)."},
    {"vswap", T_OBJECT, 0, NONE, NULL, "Virtual swap (memory-backed swap) limits."},
    {"vswap/max", T_SIZE_PCT, P(vswap_max), NONE, NULL,
     "Cap on memory.vswap.current, uncompressed bytes or % of memory.max. Unset: left alone."},
    {"zswap", T_OBJECT, 0, NONE, NULL, "zswap limits."},
    {"zswap/max", T_SIZE_PCT, P(zswap_max), NONE, NULL,
     "memory.zswap.max, compressed bytes or % of memory.max. Unset: left alone."},
    {"zswap/writeback", T_TRISTATE, P(zswap_writeback), NONE, NULL,
     "memory.zswap.writeback: whether zswap may write pages to disk. Unset: left alone."},
    {"writeback", T_OBJECT, 0, NONE, NULL, "Policy-driven writeback from zswap to disk."},
    {"writeback/enabled", T_BOOL, P(writeback.enabled), NONE, "true", "Whether to act."},
    {"writeback/amount", T_BYTES, P(writeback.amount_bytes), 4096, 1ull << 30, "\"16M\"",
     "Compressed bytes written back per action."},
    {"writeback/max_per_minute", T_BYTES, P(writeback.max_bytes_per_minute), 4096, 1ull << 40,
     "\"256M\"", "Cap on compressed bytes written back per cgroup per minute."},
    {"writeback/cooldown_s", T_DOUBLE, P(writeback.cooldown_s), 0, 3600, "5",
     "Seconds between two writebacks of one cgroup."},
    {"writeback/io_backoff_some_above", T_DOUBLE, P(writeback.io_backoff_some_above), 0, 100, "10",
     "Hold writeback while the cgroup's io PSI some avg10 (%) is above this."},
    {"writeback/when", T_CONDITIONS, 0, NONE, "[{\"vswap_above_percent\": 90}]",
     "Condition sets: writeback runs when every condition of any one set holds."},
    {"offload", T_OBJECT, 0, NONE, NULL,
     "Proactive offload: reclaim cold memory into zswap while pressure stays low."},
    {"offload/enabled", T_BOOL, P(offload.enabled), NONE, "false", "Whether to act."},
    {"offload/pressure_target", T_DOUBLE, P(offload.pressure_target), 0.01, 100, "0.1",
     "Memory PSI some avg10 (%) to stay under."},
    {"offload/step_percent", T_DOUBLE, P(offload.step_percent), 0.01, 10, "1",
     "Share of memory.current reclaimed by the first step, %; calm steps double it, up to 4x."},
    {"offload/max_step", T_BYTES, P(offload.max_step_bytes), 4096, 1ull << 34, "\"64M\"",
     "Most bytes reclaimed per step."},
    {"offload/interval_s", T_DOUBLE, P(offload.interval_s), 1, 600, "6", "Seconds between steps."},
    {"pressure", T_OBJECT, 0, NONE, NULL,
     "The PSI trigger armed on memory.pressure: wakes the daemon early."},
    {"pressure/type", T_PSI_TYPE, P(pressure.full), NONE, "\"some\"", "\"some\" or \"full\"."},
    {"pressure/threshold_us", T_UINT, P(pressure.threshold_us), 1000, 10000000, "100000",
     "Stall time within the window that fires the trigger, microseconds."},
    {"pressure/window_us", T_UINT, P(pressure.window_us), 500000, 10000000, "1000000",
     "Trigger window, microseconds (the kernel allows 0.5 to 10 s)."},
    {"interval_s", T_DOUBLE, P(interval_s), 0.5, 300, "5",
     "Sampling period while the cgroup is quiet, seconds."},
};

static const struct field condition_fields[] = {
    {"zswap_above", T_SIZE, C(zswap_above), NONE, NULL, "Compressed bytes in zswap above."},
    {"vswap_above_percent", T_OPT_DOUBLE, C(vswap_above_percent), 0, 100, NULL,
     "memory.vswap.current above this % of the cap (vswap/max)."},
    {"ratio_below", T_OPT_DOUBLE, C(ratio_below), 1, 100, NULL,
     "Compression ratio (zswapped/zswap) below: poorly compressible data is better on disk."},
    {"pressure_some_above", T_OPT_DOUBLE, C(pressure_some_above), 0, 100, NULL,
     "Memory PSI some avg10 above, %."},
    {"zswpin_per_s_below", T_OPT_DOUBLE, C(zswpin_per_s_below), 0, 1e9, NULL,
     "Pages loaded back from zswap per second below: the pool is cold."},
};

struct parser {
	const char *text;
	size_t len;
	struct vswap_policy_errors *errs; /* every error, the first VSWAP_POLICY_ERRORS_MAX kept */
};

/* Keep one error. Returns -EBADMSG. */
static int record(const struct parser *ps, const struct vswap_policy_error *e)
{
	if (ps->errs->n < VSWAP_POLICY_ERRORS_MAX)
		ps->errs->e[ps->errs->n] = *e;
	ps->errs->n++;
	return -EBADMSG;
}

static int fail(const struct parser *ps, const char *path, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(const struct parser *ps, const char *path, bool at_key, const char *fmt, ...)
{
	struct vswap_json_pos pos = {};
	struct vswap_policy_error e = {};
	va_list ap;

	(void)vswap_json_locate(ps->text, ps->len, path, &pos);
	vswap_json_line_column(ps->text, at_key ? pos.key_offset : pos.value_offset, &e.line,
			       &e.column);
	snprintf(e.field, sizeof(e.field), "%s", path);
	va_start(ap, fmt);
	vsnprintf(e.what, sizeof(e.what), fmt, ap);
	va_end(ap);
	return record(ps, &e);
}

static const struct field *find_field(const struct field *table, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (streq(table[i].path, path))
			return &table[i];
	return NULL;
}

/* An unknown key, with the field of the same object it most likely meant. */
static int unknown_field(const struct parser *ps, const struct field *table, size_t n,
			 const char *prefix, const char *path, const char *key)
{
	const char *names[64];
	size_t k = 0, plen = strlen(prefix);

	for (size_t i = 0; i < n && k < ELEMENTSOF(names); i++) {
		const char *rest = table[i].path + (plen ? plen + 1 : 0);
		bool here =
		    plen ? !strncmp(table[i].path, prefix, plen) && table[i].path[plen] == '/'
			 : true;
		if (here && !strchr(rest, '/'))
			names[k++] = rest;
	}
	const char *guess = vswap_closest(key, names, k);
	if (guess)
		return fail(ps, path, true, "unknown field \"%s\": did you mean \"%s\"?", key,
			    guess);
	return fail(ps, path, true, "unknown field \"%s\"", key);
}

/* "\u0000" decodes to a NUL: C would see "1\u0000G" as "1", "/a\u0000b" as "/a". */
static bool has_nul(struct json_object *v)
{
	return strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v);
}

static int parse_size(const struct parser *ps, const char *path, struct json_object *v,
		      bool percent_ok, struct vswap_size *ret)
{
	if (json_object_is_type(v, json_type_int)) {
		int64_t i = json_object_get_int64(v);
		if (i < 0)
			return fail(ps, path, false, "a size cannot be negative");
		/* json-c saturates: 18446744073709551616 reads as INT64_MAX, 8 EiB, absurd anyway.
		 */
		if (i == INT64_MAX)
			return fail(ps, path, false, "size out of range (below 8E)");
		*ret = (struct vswap_size){.kind = VSWAP_SIZE_BYTES, .bytes = (uint64_t)i};
		return 0;
	}
	if (!json_object_is_type(v, json_type_string))
		return fail(ps, path, false, "expected a size: bytes, \"512M\", \"max\"%s",
			    percent_ok ? " or \"25%\"" : "");
	const char *s = json_object_get_string(v);
	if (has_nul(v))
		return fail(ps, path, false, "a NUL character (\\u0000) is not allowed here");
	int r = vswap_size_parse(s, ret);
	size_t n = strlen(s);
	bool percent = r != -EINVAL && n > 0 && s[n - 1] == '%';
	if (percent && !percent_ok)
		return fail(ps, path, false, "a percentage is not allowed here");
	if (percent && r == -ERANGE)
		return fail(ps, path, false, "percentage \"%s\" out of range (at most 100%%)", s);
	/* The same bound as for an integer: "8E" would be written back as a number json-c
	 * cannot read (and no kernel limit goes that high). */
	if (r == -ERANGE || (r == 0 && ret->kind == VSWAP_SIZE_BYTES && ret->bytes >= INT64_MAX))
		return fail(ps, path, false, "size \"%s\" out of range (below 8E)", s);
	if (r < 0)
		return fail(ps, path, false, "\"%s\" is not a size (bytes, \"512M\", \"max\"%s)", s,
			    percent_ok ? ", \"25%\"" : "");
	return 0;
}

static int parse_number(const struct parser *ps, const struct field *f, const char *path,
			struct json_object *v, double *ret)
{
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
		return fail(ps, path, false, "expected a number");
	double d = json_object_get_double(v);
	if (!isfinite(d) || d < f->min || d > f->max)
		return fail(ps, path, false, "%g is out of range [%g, %g]", d, f->min, f->max);
	*ret = d;
	return 0;
}

static int parse_bytes(const struct parser *ps, const struct field *f, const char *path,
		       struct json_object *v, uint64_t *ret)
{
	struct vswap_size s;
	int r = parse_size(ps, path, v, false, &s);

	if (r < 0)
		return r;
	if (s.kind != VSWAP_SIZE_BYTES || (double)s.bytes < f->min || (double)s.bytes > f->max)
		return fail(ps, path, false, "size out of range [%.0f, %.0f] bytes", f->min,
			    f->max);
	*ret = s.bytes;
	return 0;
}

static int parse_bool(const struct parser *ps, const char *path, struct json_object *v, bool *ret)
{
	if (!json_object_is_type(v, json_type_boolean))
		return fail(ps, path, false, "expected true or false");
	*ret = json_object_get_boolean(v);
	return 0;
}

static int parse_uint(const struct parser *ps, const struct field *f, const char *path,
		      struct json_object *v, uint64_t *ret)
{
	if (!json_object_is_type(v, json_type_int))
		return fail(ps, path, false, "expected an integer");
	int64_t i = json_object_get_int64(v);
	if (i < f->min || i > f->max)
		return fail(ps, path, false, "%lld is out of range [%.0f, %.0f]", (long long)i,
			    f->min, f->max);
	*ret = (uint64_t)i;
	return 0;
}

static int parse_object(const struct parser *ps, const struct field *table, size_t n,
			const char *prefix, struct json_object *obj, void *base);

static int parse_conditions(const struct parser *ps, const char *path, struct json_object *v,
			    struct vswap_policy *p)
{
	if (!json_object_is_type(v, json_type_array))
		return fail(ps, path, false, "expected an array of condition objects");
	size_t n = json_object_array_length(v);
	if (n > VSWAP_POLICY_MAX_CONDITIONS)
		return fail(ps, path, false, "at most %d condition sets",
			    VSWAP_POLICY_MAX_CONDITIONS);
	memset(p->writeback.conditions, 0, sizeof(p->writeback.conditions));
	for (size_t i = 0; i < n; i++) {
		char sub[64];
		snprintf(sub, sizeof(sub), "%s/%zu", path, i);
		struct json_object *c = json_object_array_get_idx(v, i);
		if (!json_object_is_type(c, json_type_object))
			return fail(ps, sub, false, "expected a condition object");
		int r = parse_object(ps, condition_fields, ELEMENTSOF(condition_fields), sub, c,
				     &p->writeback.conditions[i]);
		if (r < 0)
			return r;
		if (json_object_object_length(c) == 0)
			return fail(ps, sub, false, "an empty condition set would always hold");
	}
	p->writeback.n_conditions = n;
	return 0;
}

static int set_string(char **dst, const char *s)
{
	char *d = strdup(s);

	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

static int parse_value(const struct parser *ps, const struct field *f, const char *path,
		       struct json_object *v, void *base)
{
	void *dst = (char *)base + f->offset;
	struct vswap_opt_size *os = dst;
	struct vswap_opt_double *od = dst;
	bool b = false;
	int r;

	switch (f->type) {
	case T_OBJECT:
		return fail(ps, path, false, "internal: object parsed as value");
	case T_VERSION: {
		uint64_t version;
		if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1)
			return fail(ps, path, false, "expected a positive integer");
		version = (uint64_t)json_object_get_int64(v);
		if (version > VSWAP_POLICY_SCHEMA_VERSION)
			return fail(ps, path, false,
				    "written for schema version %llu; this vswapd understands "
				    "versions up to %d: upgrade vswap-tools",
				    (unsigned long long)version, VSWAP_POLICY_SCHEMA_VERSION);
		return 0;
	}
	case T_STRING:
		if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v))
			return fail(ps, path, false, "expected a non-empty string");
		if (has_nul(v))
			return fail(ps, path, false,
				    "a NUL character (\\u0000) is not allowed here");
		return set_string(dst, json_object_get_string(v));
	case T_SIZE:
	case T_SIZE_PCT:
		os->set = true;
		return parse_size(ps, path, v, f->type == T_SIZE_PCT, &os->size);
	case T_BYTES:
		return parse_bytes(ps, f, path, v, dst);
	case T_BOOL:
		return parse_bool(ps, path, v, dst);
	case T_TRISTATE:
		r = parse_bool(ps, path, v, &b);
		*(int *)dst = b;
		return r;
	case T_DOUBLE:
		return parse_number(ps, f, path, v, dst);
	case T_OPT_DOUBLE:
		od->set = true;
		return parse_number(ps, f, path, v, &od->value);
	case T_UINT:
		return parse_uint(ps, f, path, v, dst);
	case T_PSI_TYPE: {
		const char *s =
		    json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
		if (!streq(s, "some") && !streq(s, "full"))
			return fail(ps, path, false, "expected \"some\" or \"full\"");
		*(bool *)dst = streq(s, "full");
		return 0;
	}
	case T_CONDITIONS:
		return parse_conditions(ps, path, v, base);
	}
	return -EINVAL;
}

static int parse_object(const struct parser *ps, const struct field *table, size_t n,
			const char *prefix, struct json_object *obj, void *base)
{
	bool bad = false;

	json_object_object_foreach(obj, key, v)
	{
		char path[64];
		/* Condition tables are relative to their array element. */
		const char *rel = table == condition_fields ? key : NULL;
		if (*prefix)
			snprintf(path, sizeof(path), "%s/%s", prefix, key);
		else
			snprintf(path, sizeof(path), "%s", key);
		const struct field *f = find_field(table, n, rel ? rel : path);
		int r;
		if (!f)
			r = unknown_field(ps, table, n, rel ? "" : prefix, path, key);
		else if (f->type == T_OBJECT && !json_object_is_type(v, json_type_object))
			r = fail(ps, path, false, "expected an object");
		else if (f->type == T_OBJECT)
			r = parse_object(ps, table, n, path, v, base);
		else
			r = parse_value(ps, f, path, v, base);
		if (r == -EBADMSG)
			bad = true; /* said; on to the next field */
		else if (r < 0)
			return r;
	}
	return bad ? -EBADMSG : 0;
}

/* Defaults go through the same value parser, so they obey the same ranges. */
static int apply_defaults(struct vswap_policy *p)
{
	struct parser ps = {};

	p->zswap_writeback = -1;
	for (size_t i = 0; i < ELEMENTSOF(policy_fields); i++) {
		const struct field *f = &policy_fields[i];
		if (!f->def)
			continue;
		struct json_object *v = json_tokener_parse(f->def);
		int r = v ? parse_value(&ps, f, f->path, v, p) : -ENOMEM;
		json_object_put(v);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_syntax(const struct parser *ps, struct json_object **ret)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;

	if (!tok)
		return -ENOMEM;
	/* Strict RFC 8259: json-c otherwise takes trailing commas and other things that the
	 * schema validators of a fleet's CI (and every other JSON reader) refuse. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, ps->text, (int)ps->len);
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (e == json_tokener_continue)
		e = json_tokener_error_parse_eof;
	if (e == json_tokener_success && end < ps->len &&
	    ps->text[end + strspn(ps->text + end, " \t\r\n")])
		e = json_tokener_error_parse_unexpected;
	if (e != json_tokener_success || !root) {
		json_object_put(root);
		struct vswap_policy_error pe = {};
		vswap_json_line_column(ps->text, end, &pe.line, &pe.column);
		snprintf(pe.what, sizeof(pe.what), "JSON syntax: %s", json_tokener_error_desc(e));
		return record(ps, &pe);
	}
	*ret = root;
	return 0;
}

static int check_match(const struct parser *ps, struct json_object *root, struct vswap_policy *p)
{
	static const char *const kinds[] = {"cgroup", "unit", "slice"};
	struct json_object *m;

	if (!json_object_object_get_ex(root, "match", &m))
		return 0;
	int found = 0;
	for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
		if (json_object_object_get_ex(m, kinds[i], NULL)) {
			p->match_kind = (enum vswap_match_kind)(VSWAP_MATCH_CGROUP + i);
			found++;
		}
	if (found != 1)
		return fail(ps, "match", false,
			    "needs exactly one of \"cgroup\", \"unit\", \"slice\"");
	if (p->match_kind == VSWAP_MATCH_CGROUP && p->match[0] != '/')
		return fail(ps, "match/cgroup", false, "a cgroup path starts with '/'");
	if (p->match_kind == VSWAP_MATCH_CGROUP)
		return 0;
	bool slice = p->match_kind == VSWAP_MATCH_SLICE;
	const char *field = slice ? "match/slice" : "match/unit";
	size_t n = strlen(p->match);
	if (!strchr(p->match, '.') && !strchr(p->match, '/'))
		return fail(ps, field, false,
			    "\"%s\" can never match a unit: did you mean \"%s.%s\"?", p->match,
			    p->match, slice ? "slice" : "service");
	if (slice && (n < 7 || !streq(p->match + n - 6, ".slice")))
		return fail(ps, field, false, "a slice's name ends in \".slice\"");
	if (!vswap_unit_name_valid(p->match) || !vswap_unit_has_cgroup(p->match))
		return fail(ps, field, false,
			    "not the name of a unit with a cgroup (NAME.service, .scope, .slice, "
			    ".socket, .mount or .swap)");
	return 0;
}

static int check_semantics(const struct parser *ps, struct json_object *root,
			   struct vswap_policy *p)
{
	if (!json_object_object_get_ex(root, "schema_version", NULL))
		return fail(ps, "", false, "\"schema_version\" is required (current: %d)",
			    VSWAP_POLICY_SCHEMA_VERSION);
	int r = check_match(ps, root, p);
	if (r < 0)
		return r;
	if (p->pressure.threshold_us > p->pressure.window_us)
		return fail(ps, "pressure/threshold_us", false,
			    "threshold (%llu us) longer than the window (%llu us)",
			    (unsigned long long)p->pressure.threshold_us,
			    (unsigned long long)p->pressure.window_us);
	if (p->writeback.max_bytes_per_minute < p->writeback.amount_bytes)
		return fail(ps, "writeback/max_per_minute", false,
			    "less than one writeback/amount: no writeback could ever run");
	return 0;
}

/* A file for a newer format says so, whatever else in it this version does not know. */
static int check_version_first(const struct parser *ps, struct json_object *root,
			       struct vswap_policy *p)
{
	struct json_object *v;

	if (!json_object_object_get_ex(root, "schema_version", &v))
		return 0; /* check_semantics() reports it missing */
	return parse_value(ps, &policy_fields[0], "schema_version", v, p);
}

/* A key given twice would silently lose its first value (json-c keeps the last). */
static int check_duplicates(const struct parser *ps)
{
	struct vswap_policy_error e = {};
	size_t offset;

	if (!vswap_json_find_duplicate(ps->text, ps->len, &offset, e.field, sizeof(e.field)))
		return 0;
	vswap_json_line_column(ps->text, offset, &e.line, &e.column);
	snprintf(e.what, sizeof(e.what), "given twice in one object (the first would be ignored)");
	return record(ps, &e);
}

bool vswap_policy_name_valid(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= VSWAP_POLICY_NAME_MAX && name[0] != '.' && name[0] != '-' &&
	       strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.@-") ==
		   n;
}

int vswap_policy_parse_all(const char *text, size_t len, const char *name, const char *source,
			   struct vswap_policy **ret, struct vswap_policy_errors *errs)
{
	struct parser ps = {.text = text, .len = len, .errs = errs};
	struct json_object *root = NULL;
	struct vswap_policy *p = calloc(1, sizeof(*p));
	int r;

	*errs = (struct vswap_policy_errors){};
	if (!p)
		return -ENOMEM;
	r = apply_defaults(p);
	if (r == 0)
		r = set_string(&p->name, name);
	if (r == 0)
		r = set_string(&p->source, source);
	if (r == 0 && !vswap_policy_name_valid(name)) {
		struct vswap_policy_error e = {.line = 1, .column = 1};
		snprintf(e.what, sizeof(e.what), "the file name gives no policy name (%s)",
			 VSWAP_POLICY_NAME_RULE);
		r = record(&ps, &e);
	}
	if (r == 0)
		r = parse_syntax(&ps, &root);
	if (r == 0 && !json_object_is_type(root, json_type_object))
		r = fail(&ps, "", false, "a policy is a JSON object");
	if (r == 0)
		r = check_duplicates(&ps);
	if (r == 0)
		r = check_version_first(&ps, root, p);
	/* Every field's error, not only the first: the semantics only of fields that parsed. */
	if (r == 0)
		r = parse_object(&ps, policy_fields, ELEMENTSOF(policy_fields), "", root, p);
	if (r == 0)
		r = check_semantics(&ps, root, p);
	json_object_put(root);
	if (r < 0) {
		vswap_policy_free(p);
		return r;
	}
	*ret = p;
	return 0;
}

int vswap_policy_parse(const char *text, size_t len, const char *name, const char *source,
		       struct vswap_policy **ret, struct vswap_policy_error *err)
{
	struct vswap_policy_errors errs;
	int r = vswap_policy_parse_all(text, len, name, source, ret, &errs);

	if (r == -EBADMSG && err)
		*err = errs.e[0];
	return r;
}

struct vswap_policy *vswap_policy_free(struct vswap_policy *p)
{
	if (!p)
		return NULL;
	free(p->name);
	free(p->source);
	free(p->description);
	free(p->match);
	free(p);
	return NULL;
}

/* Literal characters of a glob: the more, the more specific. */
static int glob_literals(const char *g)
{
	int n = 0;

	for (; *g; g++)
		n += !strchr("*?[]", *g);
	return n;
}

#define SPECIFIC_EXACT 1000000

int vswap_policy_match(const struct vswap_policy *p, const char *cgroup,
		       const char *resolved_cgroup)
{
	switch (p->match_kind) {
	case VSWAP_MATCH_DEFAULT:
		return 0;
	case VSWAP_MATCH_UNIT:
	case VSWAP_MATCH_SLICE:
		return resolved_cgroup && streq(resolved_cgroup, cgroup) ? SPECIFIC_EXACT : -1;
	case VSWAP_MATCH_CGROUP:
		if (fnmatch(p->match, cgroup, FNM_PATHNAME) != 0)
			return -1;
		return strpbrk(p->match, "*?[") ? 1 + glob_literals(p->match) : SPECIFIC_EXACT;
	}
	return -1;
}

/* Sizes as vswap_size_parse() takes them; the parser still checks ranges the regex cannot. */
#define SIZE_PATTERN	"max|[0-9]+|[0-9]+(\\.[0-9]{1,3})?[BbKkMmGgTtPpEe]"
#define PERCENT_PATTERN "[0-9]+(\\.[0-9]{1,2})?%"

static struct json_object *schema_size(const struct field *f)
{
	struct json_object *one = json_object_new_array();
	struct json_object *i = json_object_new_object();
	struct json_object *s = json_object_new_object();
	bool pct = f->type == T_SIZE_PCT;
	bool bytes = f->type == T_BYTES;

	json_object_object_add(i, "type", json_object_new_string("integer"));
	json_object_object_add(i, "minimum", json_object_new_uint64(bytes ? (uint64_t)f->min : 0));
	json_object_object_add(i, "maximum",
			       json_object_new_uint64(bytes ? (uint64_t)f->max : INT64_MAX - 1));
	json_object_object_add(s, "type", json_object_new_string("string"));
	json_object_object_add(s, "pattern",
			       json_object_new_string(pct ? "^(" SIZE_PATTERN "|" PERCENT_PATTERN
							    ")$"
							  : "^(" SIZE_PATTERN ")$"));
	json_object_array_add(one, i);
	json_object_array_add(one, s);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "oneOf", one);
	return o;
}

static struct json_object *schema_number(const char *type, const struct field *f)
{
	struct json_object *o = json_object_new_object();

	bool integer = streq(type, "integer");

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "minimum",
			       integer ? json_object_new_int64((int64_t)f->min)
				       : json_object_new_double(f->min));
	json_object_object_add(o, "maximum",
			       integer ? json_object_new_int64((int64_t)f->max)
				       : json_object_new_double(f->max));
	return o;
}

static struct json_object *schema_object(const struct field *table, size_t n, const char *prefix);

static struct json_object *schema_type(const struct field *f, const char *path)
{
	struct json_object *o;

	switch (f->type) {
	case T_OBJECT:
		return schema_object(policy_fields, ELEMENTSOF(policy_fields), path);
	case T_VERSION:
		return schema_number("integer", f);
	case T_STRING:
		o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string("string"));
		json_object_object_add(o, "minLength", json_object_new_int(1));
		return o;
	case T_SIZE:
	case T_SIZE_PCT:
	case T_BYTES:
		return schema_size(f);
	case T_BOOL:
	case T_TRISTATE:
		o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string("boolean"));
		return o;
	case T_DOUBLE:
	case T_OPT_DOUBLE:
		return schema_number("number", f);
	case T_UINT:
		return schema_number("integer", f);
	case T_PSI_TYPE:
		o = json_object_new_object();
		json_object_object_add(o, "enum", json_tokener_parse("[\"some\", \"full\"]"));
		return o;
	case T_CONDITIONS: {
		struct json_object *item =
		    schema_object(condition_fields, ELEMENTSOF(condition_fields), "");
		json_object_object_add(item, "minProperties", json_object_new_int(1));
		o = json_object_new_object();
		json_object_object_add(o, "type", json_object_new_string("array"));
		json_object_object_add(o, "maxItems",
				       json_object_new_int(VSWAP_POLICY_MAX_CONDITIONS));
		json_object_object_add(o, "items", item);
		return o;
	}
	}
	return json_object_new_object();
}

/* Fields directly below prefix ("" for the top level). */
static bool is_child(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (n == 0)
		return !strchr(path, '/');
	return strncmp(path, prefix, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/');
}

static struct json_object *schema_object(const struct field *table, size_t n, const char *prefix)
{
	struct json_object *o = json_object_new_object();
	struct json_object *props = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("object"));
	for (size_t i = 0; i < n; i++) {
		const struct field *f = &table[i];
		if (!is_child(f->path, prefix))
			continue;
		struct json_object *t = schema_type(f, f->path);
		json_object_object_add(t, "description", json_object_new_string(f->doc));
		if (f->def)
			json_object_object_add(t, "default", json_tokener_parse(f->def));
		json_object_object_add(
		    props, strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path, t);
	}
	json_object_object_add(o, "properties", props);
	json_object_object_add(o, "additionalProperties", json_object_new_boolean(false));
	if (streq(prefix, "match")) {
		json_object_object_add(o, "minProperties", json_object_new_int(1));
		json_object_object_add(o, "maxProperties", json_object_new_int(1));
	}
	return o;
}

void vswap_policy_print_schema(FILE *f)
{
	struct json_object *body = schema_object(policy_fields, ELEMENTSOF(policy_fields), "");
	struct json_object *o = json_object_new_object();

	json_object_object_add(
	    o, "$schema", json_object_new_string("https://json-schema.org/draft/2020-12/schema"));
	json_object_object_add(o, "$id", json_object_new_string("vswap-policy.schema.json"));
	json_object_object_add(o, "title", json_object_new_string("vswap-tools policy"));
	json_object_object_add(o, "required", json_tokener_parse("[\"schema_version\"]"));
	json_object_object_foreach(body, key, v)
	{
		json_object_object_add(o, key, json_object_get(v));
	}
	json_object_put(body);
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						    JSON_C_TO_STRING_NOSLASHESCAPE),
	      f);
	fputc('\n', f);
	json_object_put(o);
}

/* A size as a policy file would say it: bytes as an integer, "max", or "12.5%". */
static struct json_object *size_json(const struct vswap_size *s)
{
	char pct[16];

	switch (s->kind) {
	case VSWAP_SIZE_BYTES:
		return json_object_new_uint64(s->bytes);
	case VSWAP_SIZE_MAX:
		return json_object_new_string("max");
	case VSWAP_SIZE_PERCENT:
		if (s->basis_pts % 100 == 0)
			snprintf(pct, sizeof(pct), "%u%%", s->basis_pts / 100);
		else if (s->basis_pts % 10 == 0)
			snprintf(pct, sizeof(pct), "%u.%u%%", s->basis_pts / 100,
				 s->basis_pts % 100 / 10);
		else
			snprintf(pct, sizeof(pct), "%u.%02u%%", s->basis_pts / 100,
				 s->basis_pts % 100);
		return json_object_new_string(pct);
	}
	return NULL;
}

/* A number printed the way it was most likely written: 0.1, not 0.10000000000000001. */
static struct json_object *double_json(double d)
{
	char text[32];

	snprintf(text, sizeof(text), "%.15g", d);
	if (!strpbrk(text, ".en")) /* keep it a JSON number with a fraction: 5.0 */
		strcat(text, ".0");
	return json_object_new_double_s(d, text);
}

/* The value of one field of base, or NULL when it is unset. */
static struct json_object *value_json(const struct field *f, const void *base)
{
	const void *src = (const char *)base + f->offset;
	const struct vswap_opt_size *os = src;
	const struct vswap_opt_double *od = src;

	switch (f->type) {
	case T_VERSION:
		return json_object_new_int(VSWAP_POLICY_SCHEMA_VERSION);
	case T_STRING:
		return *(char *const *)src ? json_object_new_string(*(char *const *)src) : NULL;
	case T_SIZE:
	case T_SIZE_PCT:
		return os->set ? size_json(&os->size) : NULL;
	case T_BYTES:
	case T_UINT:
		return json_object_new_uint64(*(const uint64_t *)src);
	case T_BOOL:
		return json_object_new_boolean(*(const bool *)src);
	case T_TRISTATE:
		return *(const int *)src >= 0 ? json_object_new_boolean(*(const int *)src) : NULL;
	case T_DOUBLE:
		return double_json(*(const double *)src);
	case T_OPT_DOUBLE:
		return od->set ? double_json(od->value) : NULL;
	case T_PSI_TYPE:
		return json_object_new_string(*(const bool *)src ? "full" : "some");
	case T_OBJECT:
	case T_CONDITIONS:
		break;
	}
	return NULL;
}

/* Add v at a "/"-separated path below root, creating the objects on the way. */
static void put_path(struct json_object *root, const char *path, struct json_object *v)
{
	const char *slash = strchr(path, '/');
	struct json_object *sub;
	char key[64];

	if (!slash) {
		json_object_object_add(root, path, v);
		return;
	}
	snprintf(key, sizeof(key), "%.*s", (int)(slash - path), path);
	if (!json_object_object_get_ex(root, key, &sub)) {
		sub = json_object_new_object();
		json_object_object_add(root, key, sub);
	}
	put_path(sub, slash + 1, v);
}

static struct json_object *conditions_json(const struct vswap_policy *p)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < p->writeback.n_conditions; i++) {
		struct json_object *c = json_object_new_object();
		for (size_t k = 0; k < ELEMENTSOF(condition_fields); k++) {
			struct json_object *v =
			    value_json(&condition_fields[k], &p->writeback.conditions[i]);
			if (v)
				json_object_object_add(c, condition_fields[k].path, v);
		}
		json_object_array_add(a, c);
	}
	return a;
}

static const char *match_path(enum vswap_match_kind kind)
{
	switch (kind) {
	case VSWAP_MATCH_CGROUP:
		return "match/cgroup";
	case VSWAP_MATCH_UNIT:
		return "match/unit";
	case VSWAP_MATCH_SLICE:
		return "match/slice";
	case VSWAP_MATCH_DEFAULT:
		break;
	}
	return "";
}

struct json_object *vswap_policy_to_json(const struct vswap_policy *p)
{
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; i < ELEMENTSOF(policy_fields); i++) {
		const struct field *f = &policy_fields[i];
		struct json_object *v = NULL;
		if (f->type == T_CONDITIONS)
			v = conditions_json(p);
		else if (f->type == T_STRING && f->offset == P(match))
			v = p->match && streq(f->path, match_path(p->match_kind))
				? json_object_new_string(p->match)
				: NULL;
		else if (f->type != T_OBJECT)
			v = value_json(f, p);
		if (v)
			put_path(o, f->path, v);
	}
	return o;
}

/* A command line's VALUE as the JSON a policy file would hold: text for string fields, else
 * the JSON it spells (512 a number, true a boolean, [...] an array), else a string ("512M",
 * "25%"), which the field's own parser then judges. */
static struct json_object *assignment_value(const struct field *f, const char *value)
{
	if (f->type == T_STRING || f->type == T_PSI_TYPE)
		return json_object_new_string(value);
	struct json_tokener *tok = json_tokener_new();
	struct json_object *v = NULL;
	size_t len = strlen(value);

	if (tok) {
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
		/* The terminating NUL included: it ends a number ("4096" alone is unfinished). */
		v = json_tokener_parse_ex(tok, value, (int)len + 1);
		if (json_tokener_get_error(tok) != json_tokener_success ||
		    json_tokener_get_parse_end(tok) < len) {
			json_object_put(v);
			v = NULL;
		}
		json_tokener_free(tok);
	}
	return v ? v : json_object_new_string(value);
}

static int assignment_error(struct vswap_policy_error *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int assignment_error(struct vswap_policy_error *err, const char *path, const char *fmt, ...)
{
	va_list ap;

	*err = (struct vswap_policy_error){};
	snprintf(err->field, sizeof(err->field), "%s", path);
	va_start(ap, fmt);
	vsnprintf(err->what, sizeof(err->what), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The field a dotted key names ("vswap.max" -> "vswap/max"), in path (64 bytes). */
static const struct field *assignment_field(const char *key, char *path,
					    struct vswap_policy_error *err)
{
	const char *names[ELEMENTSOF(policy_fields)];
	char dotted[ELEMENTSOF(policy_fields)][64];
	size_t n = 0;

	snprintf(path, 64, "%s", key);
	for (char *c = path; *c; c++)
		*c = *c == '.' ? '/' : *c;
	const struct field *f = find_field(policy_fields, ELEMENTSOF(policy_fields), path);
	if (f && f->type != T_VERSION && f->type != T_OBJECT)
		return f;
	if (f && f->type == T_OBJECT) {
		assignment_error(err, path,
				 "\"%s\" is a group of settings: set one of them (%s.NAME)", key,
				 key);
		return NULL;
	}
	for (size_t i = 0; i < ELEMENTSOF(policy_fields); i++) {
		if (policy_fields[i].type == T_OBJECT || policy_fields[i].type == T_VERSION)
			continue;
		snprintf(dotted[n], sizeof(dotted[n]), "%s", policy_fields[i].path);
		for (char *c = dotted[n]; *c; c++)
			*c = *c == '/' ? '.' : *c;
		names[n] = dotted[n];
		n++;
	}
	const char *guess = vswap_closest(key, names, n);
	assignment_error(err, path, "no setting \"%s\"%s%s%s", key,
			 guess ? ": did you mean \"" : "", guess ? guess : "", guess ? "\"?" : "");
	return NULL;
}

int vswap_policy_json_set(struct json_object *policy, const char *key, const char *value,
			  struct vswap_policy_error *err)
{
	char path[64];
	const struct field *f = assignment_field(key, path, err);

	if (!f)
		return -EINVAL;
	struct json_object *v = assignment_value(f, value);
	struct json_object *doc = json_object_new_object();
	struct vswap_policy *scratch = calloc(1, sizeof(*scratch));
	struct vswap_policy_errors errs = {};
	int r = v && doc && scratch ? apply_defaults(scratch) : -ENOMEM;

	/* The value alone, through the parser: the same type and range checks as in a file. */
	if (r == 0) {
		put_path(doc, f->path, json_object_get(v));
		const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
		struct parser ps = {.text = text, .len = strlen(text), .errs = &errs};
		r = parse_object(&ps, policy_fields, ELEMENTSOF(policy_fields), "", doc, scratch);
	}
	if (r == -EBADMSG)
		r = assignment_error(err, path, "%s", errs.e[0].what);
	if (r == 0)
		put_path(policy, f->path, json_object_get(v));
	json_object_put(v);
	json_object_put(doc);
	vswap_policy_free(scratch);
	return r;
}
