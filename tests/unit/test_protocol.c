/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control protocol's one definition: names both ways, replies read back as written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "protocol.h"

static void test_command_names(void **state)
{
	for (int c = 0; c < _VSWAP_COMMAND_COUNT; c++) {
		assert_non_null(vswap_command_name(c));
		assert_int_equal(vswap_command_from_name(vswap_command_name(c)), c);
	}
	assert_int_equal(vswap_command_from_name("Status"), -EINVAL);
	assert_int_equal(vswap_command_from_name(""), -EINVAL);
	assert_null(vswap_command_name(_VSWAP_COMMAND_COUNT));
	/* Only the reading commands are open to every user; anything unknown is root's. */
	assert_false(vswap_command_privileged(VSWAP_COMMAND_STATUS));
	assert_false(vswap_command_privileged(VSWAP_COMMAND_EXPLAIN));
	assert_false(vswap_command_privileged(VSWAP_COMMAND_METRICS));
	for (int c = VSWAP_COMMAND_RELOAD; c <= _VSWAP_COMMAND_COUNT; c++)
		assert_true(vswap_command_privileged(c));
}

static void test_error_codes(void **state)
{
	for (int e = 0; e < _VSWAP_ERROR_COUNT; e++) {
		const char *name = vswap_error_code_name(e);
		assert_non_null(name);
		assert_int_equal(vswap_error_code_from_name(name), e);
		/* snake_case: what JSON keys and values of the API use */
		assert_int_equal(strspn(name, "abcdefghijklmnopqrstuvwxyz_"), strlen(name));
	}
	assert_int_equal(vswap_error_code_from_name("nope"), -EINVAL);
}

static void test_replies(void **state)
{
	enum vswap_error_code code = VSWAP_ERROR_INTERNAL;
	const char *msg = NULL;
	struct json_object *ok = vswap_reply_new_ok();
	struct json_object *err =
	    vswap_reply_new_error(VSWAP_ERROR_NOT_MANAGED, "%s is not managed", "/a");
	struct json_object *junk = json_tokener_parse("{\"ok\": \"yes\"}");
	struct json_object *uncoded = json_tokener_parse("{\"ok\": false}");

	assert_int_equal(vswap_reply_result(ok, &code, &msg), 1);
	assert_int_equal(vswap_reply_result(err, &code, &msg), 0);
	assert_int_equal(code, VSWAP_ERROR_NOT_MANAGED);
	assert_string_equal(msg, "/a is not managed");
	assert_int_equal(vswap_reply_result(junk, &code, &msg), -EBADMSG);
	assert_int_equal(vswap_reply_result(uncoded, &code, &msg), 0);
	assert_int_equal(code, VSWAP_ERROR_INTERNAL);
	assert_string_equal(msg, "request failed");
	json_object_put(ok);
	json_object_put(err);
	json_object_put(junk);
	json_object_put(uncoded);
}

static void test_request(void **state)
{
	struct json_object *req = vswap_request_new(VSWAP_COMMAND_CLEAR_OVERRIDE);

	assert_string_equal(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
			    "{\"command\":\"clear-override\"}");
	json_object_put(req);
}

/* The socket below the root; a path too long for sockaddr_un is refused, not cut. */
static void test_socket_path(void **state)
{
	struct vswap_daemon_conf conf;
	char *path = NULL, longroot[200];

	assert_int_equal(vswap_daemon_conf_init(&conf), 0);
	assert_int_equal(vswap_control_socket_path("/", &conf, &path), 0);
	assert_string_equal(path, "/run/vswapd/control");
	free(path);
	assert_int_equal(vswap_control_socket_path("/srv/staging/", &conf, &path), 0);
	assert_string_equal(path, "/srv/staging/run/vswapd/control");
	free(path);
	memset(longroot, 'x', sizeof(longroot) - 1);
	longroot[0] = '/';
	longroot[sizeof(longroot) - 1] = '\0';
	assert_int_equal(vswap_control_socket_path(longroot, &conf, &path), -ENAMETOOLONG);
	vswap_daemon_conf_done(&conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_command_names), cmocka_unit_test(test_error_codes),
	    cmocka_unit_test(test_replies),	  cmocka_unit_test(test_request),
	    cmocka_unit_test(test_socket_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
