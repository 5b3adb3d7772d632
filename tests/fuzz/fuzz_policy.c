/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vswap_policy_parse on policy files (operator and fleet input). An error names a position
 * inside the text (line >= 1, column >= 1) and a message; a policy that parses serializes
 * (vswap_policy_to_json) to text that parses again to the same serialization.
 */
#include <errno.h>
#include <json-c/json.h>

#include "fuzz.h"
#include "policy.h"

static void check_error_position(const char *text, size_t len, const struct vswap_policy_error *e)
{
	fuzz_assert(e->what[0] != '\0');
	fuzz_assert(e->line >= 1 && e->column >= 1);
	fuzz_assert(e->line <= fuzz_count_lines(text, len) + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vswap_policy_error err = {};
	struct vswap_policy *p = NULL;
	int r = vswap_policy_parse((const char *)data, size, "f", "f.json", &p, &err);

	fuzz_assert(r == 0 || r == -EBADMSG);
	if (r < 0) {
		fuzz_assert(p == NULL);
		check_error_position((const char *)data, size, &err);
		return 0;
	}
	struct json_object *o = vswap_policy_to_json(p);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	struct vswap_policy *q = NULL;
	fuzz_assert(vswap_policy_parse(text, strlen(text), "f", "f.json", &q, &err) == 0);
	struct json_object *o2 = vswap_policy_to_json(q);
	fuzz_assert(strcmp(text, json_object_to_json_string_ext(o2, JSON_C_TO_STRING_PLAIN)) == 0);
	json_object_put(o);
	json_object_put(o2);
	vswap_policy_free(p);
	vswap_policy_free(q);
	return 0;
}
