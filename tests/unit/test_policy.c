/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Policy files: accepted values and defaults, and every rejection with its position. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonpos.h"
#include "policy.h"

static struct vswap_policy *parse_ok(const char *text)
{
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;
	int r = vswap_policy_parse(text, strlen(text), "t", "t.json", &p, &err);

	if (r < 0)
		print_error("unexpected error %u:%u %s: %s\n", err.line, err.column, err.field,
			    err.what);
	assert_int_equal(r, 0);
	return p;
}

static void test_defaults(void **state)
{
	struct vswap_policy *p = parse_ok("{\"schema_version\": 1}");

	assert_string_equal(p->name, "t");
	assert_int_equal(p->match_kind, VSWAP_MATCH_DEFAULT);
	assert_null(p->match);
	assert_false(p->vswap_max.set);
	assert_false(p->zswap_max.set);
	assert_int_equal(p->zswap_writeback, -1);
	assert_true(p->writeback.enabled);
	assert_true(p->writeback.amount_bytes == 16u << 20);
	assert_true(p->writeback.max_bytes_per_minute == 256u << 20);
	assert_float_equal(p->writeback.cooldown_s, 5, 0);
	assert_float_equal(p->writeback.io_backoff_some_above, 10, 0);
	assert_int_equal(p->writeback.n_conditions, 1);
	assert_true(p->writeback.conditions[0].vswap_above_percent.set);
	assert_float_equal(p->writeback.conditions[0].vswap_above_percent.value, 90, 0);
	assert_false(p->writeback.conditions[0].ratio_below.set);
	assert_false(p->offload.enabled);
	assert_float_equal(p->offload.pressure_target, 0.1, 1e-12);
	assert_false(p->pressure.full);
	assert_true(p->pressure.threshold_us == 100000);
	assert_true(p->pressure.window_us == 1000000);
	assert_float_equal(p->interval_s, 5, 0);
	vswap_policy_free(p);
}

static void test_full_policy(void **state)
{
	struct vswap_policy *p =
	    parse_ok("{\n"
		     "  \"schema_version\": 1,\n"
		     "  \"description\": \"batch jobs\",\n"
		     "  \"match\": {\"cgroup\": \"/batch.slice/*.service\"},\n"
		     "  \"vswap\": {\"max\": \"25%\"},\n"
		     "  \"zswap\": {\"max\": 1073741824, \"writeback\": false},\n"
		     "  \"writeback\": {\"amount\": \"8M\", \"when\": [\n"
		     "     {\"ratio_below\": 1.5, \"zswap_above\": \"32M\"},\n"
		     "     {\"vswap_above_percent\": 95}]},\n"
		     "  \"offload\": {\"enabled\": true, \"step_percent\": 0.5},\n"
		     "  \"pressure\": {\"type\": \"full\", \"threshold_us\": 50000}\n"
		     "}\n");

	assert_string_equal(p->description, "batch jobs");
	assert_int_equal(p->match_kind, VSWAP_MATCH_CGROUP);
	assert_string_equal(p->match, "/batch.slice/*.service");
	assert_true(p->vswap_max.set);
	assert_int_equal(p->vswap_max.size.kind, VSWAP_SIZE_PERCENT);
	assert_int_equal(p->vswap_max.size.basis_pts, 2500);
	assert_true(p->zswap_max.size.bytes == 1ull << 30);
	assert_int_equal(p->zswap_writeback, 0);
	assert_true(p->writeback.amount_bytes == 8u << 20);
	assert_int_equal(p->writeback.n_conditions, 2);
	assert_float_equal(p->writeback.conditions[0].ratio_below.value, 1.5, 0);
	assert_true(p->writeback.conditions[0].zswap_above.size.bytes == 32u << 20);
	assert_false(p->writeback.conditions[0].vswap_above_percent.set);
	assert_float_equal(p->writeback.conditions[1].vswap_above_percent.value, 95, 0);
	assert_true(p->offload.enabled);
	assert_float_equal(p->offload.step_percent, 0.5, 0);
	assert_true(p->pressure.full);
	assert_true(p->pressure.threshold_us == 50000);
	vswap_policy_free(p);
}

/* Each rejection, the text its reported position must point at ("" = line 1, column 1). */
static const struct {
	const char *text;
	const char *at;
	const char *field;
	const char *what; /* a substring of the message */
} bad_cases[] = {
    {"", "", "", "syntax"},
    {"{\"schema_version\": 1,\n \"vswap\": {\"max\": }}", "}}", "", "syntax"},
    {"{\"schema_version\": 1} x", "x", "", "syntax"},
    {"[]", "", "", "JSON object"},
    {"{}", "", "", "schema_version"},
    {"{\"schema_version\": 2}", "2", "schema_version", "version 2"},
    {"{\"schema_version\": \"1\"}", "\"1\"", "schema_version", "integer"},
    {"{\"schema_version\": 1,\n  \"vswap\": {\"maxx\": \"1G\"}}", "\"maxx\"", "vswap/maxx",
     "unknown field"},
    {"{\"schema_version\": 1, \"vswap\": {\"max\": \"1Q\"}}", "\"1Q\"", "vswap/max", "not a size"},
    {"{\"schema_version\": 1, \"vswap\": {\"max\": -5}}", "-5", "vswap/max", "negative"},
    {"{\"schema_version\": 1, \"vswap\": {\"max\": \"101%\"}}", "\"101%\"", "vswap/max",
     "at most 100%"},
    /* the schema version is checked first, wherever it is: the real problem is the version */
    {"{\"new_field\": 1, \"schema_version\": 2}", "2}", "schema_version", "version 2"},
    /* 8E as text would be written back as an integer json-c saturates (found by fuzz_policy) */
    {"{\"schema_version\": 1, \"vswap\": {\"max\": \"8E\"}}", "\"8E\"", "vswap/max",
     "out of range"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"zswap_above\": \"15E\"}]}}", "\"15E\"",
     "writeback/when/0/zswap_above", "out of range"},
    {"{\"schema_version\": 1, \"vswap\": {\"max\": 9223372036854775807}}", "9223372036854775807",
     "vswap/max", "out of range"},
    {"{\"schema_version\": 1, \"vswap\": 5}", "5}", "vswap", "object"},
    {"{\"schema_version\": 1, \"writeback\": {\"amount\": \"10%\"}}", "\"10%\"", "writeback/amount",
     "percentage"},
    {"{\"schema_version\": 1, \"writeback\": {\"amount\": \"2G\"}}", "\"2G\"", "writeback/amount",
     "out of range"},
    {"{\"schema_version\": 1, \"writeback\": {\"amount\": \"max\"}}", "\"max\"", "writeback/amount",
     "out of range"},
    {"{\"schema_version\": 1, \"writeback\": {\"enabled\": 1}}", "1}", "writeback/enabled",
     "true or false"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{}]}}", "{}", "writeback/when/0",
     "always hold"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"ratio_below\": 0.5}]}}", "0.5",
     "writeback/when/0/ratio_below", "out of range"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"ratio\": 2}]}}", "\"ratio\"",
     "writeback/when/0/ratio", "unknown field"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": {}}}", "{}}", "writeback/when", "array"},
    {"{\"schema_version\": 1, \"writeback\": {\"amount\": \"64M\", \"max_per_minute\": \"32M\"}}",
     "\"32M\"", "writeback/max_per_minute", "less than one"},
    {"{\"schema_version\": 1, \"match\": {}}", "{}", "match", "exactly one"},
    {"{\"schema_version\": 1, \"match\": {\"unit\": \"a.service\", \"slice\": \"b.slice\"}}",
     "{\"unit", "match", "exactly one"},
    {"{\"schema_version\": 1, \"match\": {\"cgroup\": \"a/b\"}}", "\"a/b\"", "match/cgroup",
     "starts with"},
    {"{\"schema_version\": 1, \"match\": {\"unit\": \"../x.service\"}}", "\"../", "match/unit",
     "not the name of a unit"},
    /* a unit name without its type never matches: said, with the likely fix */
    {"{\"schema_version\": 1, \"match\": {\"unit\": \"postgresql\"}}", "\"postgresql\"",
     "match/unit", "did you mean \"postgresql.service\""},
    {"{\"schema_version\": 1, \"match\": {\"slice\": \"batch\"}}", "\"batch\"", "match/slice",
     "did you mean \"batch.slice\""},
    {"{\"schema_version\": 1, \"match\": {\"slice\": \"batch.service\"}}", "\"batch.service\"",
     "match/slice", "ends in \".slice\""},
    {"{\"schema_version\": 1, \"match\": {\"unit\": \"backup.timer\"}}", "\"backup.timer\"",
     "match/unit", "with a cgroup"},
    /* a key given twice would lose its first value */
    {"{\"schema_version\": 1, \"interval_s\": 1, \"interval_s\": 2}", "\"interval_s\": 2",
     "interval_s", "given twice"},
    {"{\"schema_version\": 1, \"match\": {\"unit\": \"\"}}", "\"\"}", "match/unit", "non-empty"},
    {"{\"schema_version\": 1, \"pressure\": {\"type\": \"partial\"}}", "\"partial\"",
     "pressure/type", "some"},
    {"{\"schema_version\": 1, \"pressure\": {\"window_us\": 20000000}}", "20000000",
     "pressure/window_us", "out of range"},
    {"{\"schema_version\": 1, \"pressure\": {\"threshold_us\": 900000, \"window_us\": 500000}}",
     "900000", "pressure/threshold_us", "longer than the window"},
    {"{\"schema_version\": 1, \"interval_s\": 1e400}", "1e400", "interval_s", ""},
    {"{\"schema_version\": 1, \"interval_s\": 0.1}", "0.1", "interval_s", "out of range"},
    /* json-c decodes \u0000 into the string: C would read the text before it (issue 11) */
    {"{\"schema_version\": 1, \"match\": {\"cgroup\": \"/a\\u0000b\"}}", "\"/a", "match/cgroup",
     "NUL"},
    {"{\"schema_version\": 1, \"description\": \"a\\u0000\"}", "\"a", "description", "NUL"},
    {"{\"schema_version\": 1, \"vswap\": {\"max\": \"1\\u0000G\"}}", "\"1", "vswap/max", "NUL"},
    {"{\"schema_version\": 1, \"vswap\": {\"max\": \".5G\"}}", "\".5G", "vswap/max", "not a size"},
    {"{\"schema_version\": 1, \"pressure\": {\"threshold_us\": 1000.5}}", "1000.5",
     "pressure/threshold_us", "integer"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"zswap_above\": \"5%\"}]}}", "\"5%",
     "writeback/when/0/zswap_above", "percentage"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{}, {}, {}, {}, {}, {}, {}, {}, {}]}}",
     "[{}", "writeback/when", "at most 8"},
};

static void test_rejections(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct vswap_policy_error err = {};
		struct vswap_policy *p = NULL;
		const char *t = bad_cases[i].text;

		print_message("case %zu: %s\n", i, t);
		assert_int_equal(vswap_policy_parse(t, strlen(t), "t", "t.json", &p, &err),
				 -EBADMSG);
		assert_null(p);
		print_message("  -> %u:%u %s: %s\n", err.line, err.column, err.field, err.what);
		const char *at = *bad_cases[i].at ? strstr(t, bad_cases[i].at) : t;
		unsigned line, column;
		assert_non_null(at);
		vswap_json_line_column(t, (size_t)(at - t), &line, &column);
		assert_int_equal(err.line, line);
		assert_int_equal(err.column, column);
		assert_string_equal(err.field, bad_cases[i].field);
		assert_non_null(strstr(err.what, bad_cases[i].what));
	}
}

/*
 * Every range of vswap-policy(5), at both ends: the bound itself is accepted, the next value
 * out is refused naming the field. TEMPLATE has one %s for the value.
 */
static const struct {
	const char *template;
	const char *field;
	const char *min, *max;	   /* accepted */
	const char *below, *above; /* refused */
} range_cases[] = {
    {"{\"schema_version\": 1, \"interval_s\": %s}", "interval_s", "0.5", "300", "0.49", "300.01"},
    {"{\"schema_version\": 1, \"writeback\": {\"amount\": %s, \"max_per_minute\": \"1T\"}}",
     "writeback/amount", "4096", "1073741824", "4095", "1073741825"},
    {"{\"schema_version\": 1, \"writeback\": {\"amount\": 4096, \"max_per_minute\": %s}}",
     "writeback/max_per_minute", "4096", "1099511627776", "4095", "1099511627777"},
    {"{\"schema_version\": 1, \"writeback\": {\"cooldown_s\": %s}}", "writeback/cooldown_s", "0",
     "3600", "-0.01", "3600.01"},
    {"{\"schema_version\": 1, \"writeback\": {\"io_backoff_some_above\": %s}}",
     "writeback/io_backoff_some_above", "0", "100", "-0.01", "100.01"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"vswap_above_percent\": %s}]}}",
     "writeback/when/0/vswap_above_percent", "0", "100", "-0.01", "100.01"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"ratio_below\": %s}]}}",
     "writeback/when/0/ratio_below", "1", "100", "0.99", "100.01"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"pressure_some_above\": %s}]}}",
     "writeback/when/0/pressure_some_above", "0", "100", "-0.01", "100.01"},
    {"{\"schema_version\": 1, \"writeback\": {\"when\": [{\"zswpin_per_s_below\": %s}]}}",
     "writeback/when/0/zswpin_per_s_below", "0", "1000000000", "-0.01", "1000000000.1"},
    {"{\"schema_version\": 1, \"offload\": {\"pressure_target\": %s}}", "offload/pressure_target",
     "0.01", "100", "0.009", "100.01"},
    {"{\"schema_version\": 1, \"offload\": {\"step_percent\": %s}}", "offload/step_percent", "0.01",
     "10", "0.009", "10.01"},
    {"{\"schema_version\": 1, \"offload\": {\"max_step\": %s}}", "offload/max_step", "4096",
     "17179869184", "4095", "17179869185"},
    {"{\"schema_version\": 1, \"offload\": {\"interval_s\": %s}}", "offload/interval_s", "1", "600",
     "0.99", "600.01"},
    {"{\"schema_version\": 1, \"pressure\": {\"threshold_us\": %s, \"window_us\": 10000000}}",
     "pressure/threshold_us", "1000", "10000000", "999", "10000001"},
    {"{\"schema_version\": 1, \"pressure\": {\"threshold_us\": 1000, \"window_us\": %s}}",
     "pressure/window_us", "500000", "10000000", "499999", "10000001"},
    {"{\"schema_version\": %s}", "schema_version", "1", "1", "0", "2"},
};

static int parse_with(const char *template, const char *value, struct vswap_policy_error *err)
{
	char text[256];
	struct vswap_policy *p = NULL;

	const char *at = strstr(template, "%s");

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - template), template, value, at + 2);
	print_message("  %s\n", text);
	int r = vswap_policy_parse(text, strlen(text), "t", "t.json", &p, err);
	vswap_policy_free(p);
	return r;
}

static void test_ranges(void **state)
{
	for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
		const char *in[] = {range_cases[i].min, range_cases[i].max};
		const char *out[] = {range_cases[i].below, range_cases[i].above};

		print_message("%s\n", range_cases[i].field);
		for (size_t k = 0; k < 2; k++) {
			struct vswap_policy_error err = {};
			assert_int_equal(parse_with(range_cases[i].template, in[k], &err), 0);
			assert_int_equal(parse_with(range_cases[i].template, out[k], &err),
					 -EBADMSG);
			assert_string_equal(err.field, range_cases[i].field);
		}
	}
}

/* The edges between the fields: threshold up to the window, the minute's cap from one amount;
 * up to 8 condition sets. */
static void test_cross_field_edges(void **state)
{
	struct vswap_policy *p;

	p = parse_ok("{\"schema_version\": 1, \"pressure\": {\"threshold_us\": 500000,"
		     " \"window_us\": 500000}}");
	vswap_policy_free(p);
	p = parse_ok("{\"schema_version\": 1, \"writeback\": {\"amount\": \"32M\","
		     " \"max_per_minute\": 33554432}}");
	assert_true(p->writeback.max_bytes_per_minute == p->writeback.amount_bytes);
	vswap_policy_free(p);
	p = parse_ok("{\"schema_version\": 1, \"writeback\": {\"when\": [{\"ratio_below\": 2},"
		     " {\"ratio_below\": 2}, {\"ratio_below\": 2}, {\"ratio_below\": 2},"
		     " {\"ratio_below\": 2}, {\"ratio_below\": 2}, {\"ratio_below\": 2},"
		     " {\"zswap_above\": 7}]}}");
	assert_int_equal(p->writeback.n_conditions, 8);
	assert_true(p->writeback.conditions[7].zswap_above.size.bytes == 7);
	vswap_policy_free(p);
}

/* VSWAP_POLICY_NAME_RULE, case by case: the same rule for file names and attachments. */
static void test_policy_names(void **state)
{
	static const struct {
		const char *name;
		bool valid;
	} cases[] = {
	    {"batch", true},
	    {"a", true},
	    {"db-2.slow_io@host", true},
	    {"_x", true},
	    {"0", true},
	    {"1234567890123456789012345678901234567890123456789012345678901234", true}, /* 64 */
	    {"12345678901234567890123456789012345678901234567890123456789012345", false},
	    {"", false},
	    {".hidden", false},
	    {"-x", false},
	    {"a/b", false},
	    {"a b", false},
	    {"a:b", false},
	    {"é", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("name '%s'\n", cases[i].name);
		assert_int_equal(vswap_policy_name_valid(cases[i].name), cases[i].valid);
	}
	/* A file whose name is no policy name is refused at 1:1, saying the rule. */
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;
	assert_int_equal(
	    vswap_policy_parse("{\"schema_version\": 1}", 21, "-x", "-x.json", &p, &err), -EBADMSG);
	assert_null(p);
	assert_int_equal(err.line, 1);
	assert_non_null(strstr(err.what, "not starting with"));
}

static void test_match_specificity(void **state)
{
	struct vswap_policy *def = parse_ok("{\"schema_version\": 1}");
	struct vswap_policy *glob =
	    parse_ok("{\"schema_version\": 1, \"match\": {\"cgroup\": \"/batch.slice/*\"}}");
	struct vswap_policy *glob2 = parse_ok(
	    "{\"schema_version\": 1, \"match\": {\"cgroup\": \"/batch.slice/job-*.service\"}}");
	struct vswap_policy *exact = parse_ok(
	    "{\"schema_version\": 1, \"match\": {\"cgroup\": \"/batch.slice/job-1.service\"}}");
	struct vswap_policy *unit =
	    parse_ok("{\"schema_version\": 1, \"match\": {\"unit\": \"job-2.service\"}}");
	const char *cg = "/batch.slice/job-1.service";

	assert_int_equal(vswap_policy_match(def, cg, NULL), 0);
	assert_true(vswap_policy_match(glob, cg, NULL) > 0);
	assert_true(vswap_policy_match(glob2, cg, NULL) > vswap_policy_match(glob, cg, NULL));
	assert_true(vswap_policy_match(exact, cg, NULL) > vswap_policy_match(glob2, cg, NULL));
	/* '*' does not cross '/'. */
	assert_true(vswap_policy_match(glob, "/batch.slice/a/b", NULL) < 0);
	assert_true(vswap_policy_match(unit, cg, NULL) < 0);
	assert_true(vswap_policy_match(unit, cg, "/batch.slice/job-2.service") < 0);
	assert_int_equal(
	    vswap_policy_match(unit, "/batch.slice/job-2.service", "/batch.slice/job-2.service"),
	    vswap_policy_match(exact, cg, NULL));
	vswap_policy_free(def);
	vswap_policy_free(glob);
	vswap_policy_free(glob2);
	vswap_policy_free(exact);
	vswap_policy_free(unit);
}

/* Serialized policies parse back to themselves: show-policy prints what the daemon uses. */
static void test_round_trip(void **state)
{
	static const char *const texts[] = {
	    "{\"schema_version\": 1}",
	    "{\"schema_version\": 1, \"description\": \"d\", \"match\": {\"unit\": \"a.service\"},"
	    " \"vswap\": {\"max\": \"12.5%\"}, \"zswap\": {\"max\": \"max\", \"writeback\": true},"
	    " \"writeback\": {\"when\": [{\"zswap_above\": \"1G\", \"ratio_below\": 2},"
	    " {\"pressure_some_above\": 0.25, \"zswpin_per_s_below\": 10}]},"
	    " \"offload\": {\"enabled\": true}, \"pressure\": {\"type\": \"full\"},"
	    " \"interval_s\": 2.5}",
	    "{\"schema_version\": 1, \"match\": {\"cgroup\": \"/a/*\"}, \"vswap\": {\"max\": 4096},"
	    " \"zswap\": {\"max\": \"0.05%\"}, \"writeback\": {\"enabled\": false, \"when\": []}}",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct vswap_policy *p = parse_ok(texts[i]);
		struct json_object *o = vswap_policy_to_json(p);
		const char *once = json_object_to_json_string(o);
		struct vswap_policy *q = parse_ok(once);
		struct json_object *o2 = vswap_policy_to_json(q);
		assert_string_equal(once, json_object_to_json_string(o2));
		assert_int_equal(p->match_kind, q->match_kind);
		assert_int_equal(p->vswap_max.set, q->vswap_max.set);
		assert_memory_equal(&p->vswap_max.size, &q->vswap_max.size,
				    sizeof(p->vswap_max.size));
		assert_memory_equal(&p->zswap_max.size, &q->zswap_max.size,
				    sizeof(p->zswap_max.size));
		assert_int_equal(p->writeback.n_conditions, q->writeback.n_conditions);
		assert_memory_equal(p->writeback.conditions, q->writeback.conditions,
				    sizeof(p->writeback.conditions));
		assert_memory_equal(&p->offload, &q->offload, sizeof(p->offload));
		assert_memory_equal(&p->pressure, &q->pressure, sizeof(p->pressure));
		json_object_put(o);
		json_object_put(o2);
		vswap_policy_free(p);
		vswap_policy_free(q);
	}
}

/* -p KEY=VALUE: one field set through the field table, its JSON as a file would hold it. */
static void test_json_set(void **state)
{
	static const struct {
		const char *key, *value;
		const char *json;  /* the policy afterwards (accepted), or NULL */
		const char *field; /* rejected: the field named */
		const char *what;  /* and a part of why */
	} cases[] = {
	    {"vswap.max", "512M", "{ \"vswap\": { \"max\": \"512M\" } }", NULL, NULL},
	    {"vswap.max", "25%", "{ \"vswap\": { \"max\": \"25%\" } }", NULL, NULL},
	    {"vswap.max", "4096", "{ \"vswap\": { \"max\": 4096 } }", NULL, NULL},
	    {"zswap.writeback", "false", "{ \"zswap\": { \"writeback\": false } }", NULL, NULL},
	    {"writeback.cooldown_s", "0.5", "{ \"writeback\": { \"cooldown_s\": 0.5 } }", NULL,
	     NULL},
	    {"writeback.when", "[{\"ratio_below\": 2}]",
	     "{ \"writeback\": { \"when\": [ { \"ratio_below\": 2 } ] } }", NULL, NULL},
	    {"pressure.type", "full", "{ \"pressure\": { \"type\": \"full\" } }", NULL, NULL},
	    {"description", "123", "{ \"description\": \"123\" }", NULL, NULL},
	    {"vswap.max", "lots", NULL, "vswap/max", "\"lots\" is not a size"},
	    {"vswap.max", "", NULL, "vswap/max", "is not a size"},
	    {"vswap.max", "-1", NULL, "vswap/max", "cannot be negative"},
	    {"writeback.amount", "25%", NULL, "writeback/amount", "percentage is not allowed"},
	    {"writeback.cooldown_s", "3601", NULL, "writeback/cooldown_s",
	     "out of range [0, 3600]"},
	    {"writeback.cooldown_s", "soon", NULL, "writeback/cooldown_s", "expected a number"},
	    {"writeback.enabled", "yes", NULL, "writeback/enabled", "expected true or false"},
	    {"pressure.type", "most", NULL, "pressure/type", "\"some\" or \"full\""},
	    {"writeback.when", "[{}]", NULL, "writeback/when", "would always hold"},
	    {"vswap", "1G", NULL, "vswap", "a group of settings"},
	    {"vswap.maxx", "1G", NULL, "vswap/maxx", "did you mean \"vswap.max\"?"},
	    {"schema_version", "1", NULL, "schema_version", "no setting"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *o = json_object_new_object();
		struct vswap_policy_error err = {};
		int r = vswap_policy_json_set(o, cases[i].key, cases[i].value, &err);
		if (cases[i].json) {
			if (r < 0)
				print_error("%s=%s: %s: %s\n", cases[i].key, cases[i].value,
					    err.field, err.what);
			assert_int_equal(r, 0);
			assert_string_equal(json_object_to_json_string(o), cases[i].json);
		} else {
			assert_int_equal(r, -EINVAL);
			assert_string_equal(err.field, cases[i].field);
			if (!strstr(err.what, cases[i].what))
				print_error("%s=%s: \"%s\" lacks \"%s\"\n", cases[i].key,
					    cases[i].value, err.what, cases[i].what);
			assert_non_null(strstr(err.what, cases[i].what));
			assert_string_equal(json_object_to_json_string(o), "{ }");
		}
		json_object_put(o);
	}
}

/* A set field replaces the one there; the whole policy still parses with it. */
static void test_json_set_replaces(void **state)
{
	struct vswap_policy *p = parse_ok("{\"schema_version\": 1, \"vswap\": {\"max\": \"1G\"}}");
	struct json_object *o = vswap_policy_to_json(p);
	struct vswap_policy_error err;
	(void)state;
	assert_int_equal(vswap_policy_json_set(o, "vswap.max", "8M", &err), 0);
	assert_int_equal(vswap_policy_json_set(o, "interval_s", "2", &err), 0);
	struct vswap_policy *q = parse_ok(json_object_to_json_string(o));
	assert_true(q->vswap_max.set);
	assert_true(q->vswap_max.size.bytes == 8u << 20);
	assert_float_equal(q->interval_s, 2, 0);
	json_object_put(o);
	vswap_policy_free(p);
	vswap_policy_free(q);
}

static void test_json_locate(void **state)
{
	static const char text[] = "{\"a\": {\"b\": [1, {\"c\": \"x\\\"y\"}]}, \"a\": {\"b\": 2}}";
	struct vswap_json_pos pos;

	/* json-c keeps the last duplicate key: so does the locator. */
	assert_int_equal(vswap_json_locate(text, strlen(text), "a/b", &pos), 0);
	assert_int_equal(text[pos.value_offset], '2');
	assert_int_equal(vswap_json_locate(text, strlen(text), "a/c", &pos), -ENOENT);
	static const char arr[] = "{\"w\": [1, {\"c\": \"x\\\"y\"}]}";
	assert_int_equal(vswap_json_locate(arr, strlen(arr), "w/1/c", &pos), 0);
	assert_int_equal(arr[pos.value_offset], '"');
	assert_int_equal(vswap_json_locate(arr, strlen(arr), "w/2", &pos), -ENOENT);

	unsigned line, column;
	vswap_json_line_column("ab\ncd", 4, &line, &column);
	assert_int_equal(line, 2);
	assert_int_equal(column, 2);
	vswap_json_line_column("ab\ncd", 0, &line, &column);
	assert_int_equal(line, 1);
	assert_int_equal(column, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),	      cmocka_unit_test(test_full_policy),
	    cmocka_unit_test(test_rejections),	      cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_cross_field_edges), cmocka_unit_test(test_policy_names),
	    cmocka_unit_test(test_match_specificity), cmocka_unit_test(test_json_locate),
	    cmocka_unit_test(test_round_trip),	      cmocka_unit_test(test_json_set),
	    cmocka_unit_test(test_json_set_replaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
