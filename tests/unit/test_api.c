/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenAPI document matches the implementation (issue 4): every
 * route of the API is documented with the permission it checks, and
 * nothing undocumented is served.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/api.h"
#include "records/profile.h"

static const char *
perm_text(int perm)
{
	if (perm == CXV_API_PUBLIC)
		return "public";
	if (perm == CXV_API_SIGNED)
		return "signed";
	return cxv_perm_name(perm);
}

static json_t *
load_doc(void)
{
	json_error_t err;
	json_t *doc = json_loads(cxv_openapi_json, 0, &err);

	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")),
	    "3.0.3");
	return doc;
}

/* R3.3: each route's documented permission is the one it checks. */
static void
test_routes_documented(void **state)
{
	struct cxv_api_route_info ri;
	json_t *doc = load_doc(), *paths, *op;
	char method[8];
	size_t i, k;

	(void)state;
	paths = json_object_get(doc, "paths");
	for (i = 0; i < cxv_api_route_count(); i++) {
		cxv_api_route(i, &ri);
		for (k = 0; ri.method[k] != '\0' && k < sizeof(method) - 1; k++)
			method[k] = (char)(ri.method[k] | 0x20);
		method[k] = '\0';
		op = json_object_get(json_object_get(paths, ri.path), method);
		if (op == NULL)
			fail_msg("%s %s is not documented", ri.method, ri.path);
		assert_string_equal(json_string_value(json_object_get(op,
		    "x-permission")), perm_text(ri.perm));
		if (ri.alt_perm >= 0)
			assert_string_equal(json_string_value(json_object_get(op,
			    "x-permission-alternative")), perm_text(ri.alt_perm));
		else
			assert_null(json_object_get(op, "x-permission-alternative"));
	}
	json_decref(doc);
}

/* Nothing is documented that the API does not serve. */
static void
test_documented_routes_exist(void **state)
{
	struct cxv_api_route_info ri;
	json_t *doc = load_doc(), *ops, *op;
	const char *path, *method;
	size_t i, ndoc = 0;
	int found;

	(void)state;
	json_object_foreach(json_object_get(doc, "paths"), path, ops) {
		json_object_foreach(ops, method, op) {
			ndoc++;
			for (i = 0, found = 0; i < cxv_api_route_count(); i++) {
				cxv_api_route(i, &ri);
				found |= strcmp(ri.path, path) == 0 &&
				    strcasecmp(ri.method, method) == 0;
			}
			if (!found)
				fail_msg("%s %s is documented, not served", method,
				    path);
		}
	}
	assert_int_equal(ndoc, cxv_api_route_count());
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes_documented),
		cmocka_unit_test(test_documented_routes_exist),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
