/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of CIDR ranges and listen addresses (R2.3 trusted networks). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/netaddr.h"

static int
in_list(const struct cxv_netmask_list *l, const char *addr)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)(void *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1)
		in4->sin_family = AF_INET;
	else {
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
	}
	return cxv_netmask_match(l, (struct sockaddr *)&ss);
}

/* R2.3: PIN logins only from configured ranges; the edges of a range. */
static void
test_match(void **state)
{
	struct cxv_netmask_list l;

	(void)state;
	assert_int_equal(cxv_netmask_parse("127.0.0.1/32, 10.0.0.0/8,"
	    "192.168.4.0/23 fd00::/8", &l), CXV_OK);
	assert_int_equal(l.n, 4);
	assert_true(in_list(&l, "127.0.0.1"));
	assert_false(in_list(&l, "127.0.0.2"));
	assert_true(in_list(&l, "10.255.255.255"));
	assert_false(in_list(&l, "11.0.0.0"));
	assert_true(in_list(&l, "192.168.5.200"));
	assert_false(in_list(&l, "192.168.6.1"));
	assert_true(in_list(&l, "fd12::1"));
	assert_false(in_list(&l, "fe80::1"));
	/* An IPv4 client seen through an IPv6 socket. */
	assert_true(in_list(&l, "::ffff:10.1.2.3"));
	assert_false(in_list(&l, "::ffff:11.1.2.3"));
	assert_int_equal(cxv_netmask_parse("", &l), CXV_OK);
	assert_false(in_list(&l, "127.0.0.1"));
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[] = { "10.0.0.1/8", "10.0.0.0/33",
	    "10.0.0/8", "host.example", "::1/129", "10.0.0.0/", "/8",
	    "10.0.0.0/-1" };
	struct cxv_netmask_list l;
	char many[512] = "";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cxv_netmask_parse(bad[i], &l), CXV_ERR_INVALID);
	for (i = 0; i <= CXV_NETMASK_MAX; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "10.0.%zu.0/24,", i);
	assert_int_equal(cxv_netmask_parse(many, &l), CXV_ERR_TOO_LARGE);
}

static void
test_listen(void **state)
{
	struct sockaddr_storage ss;
	char text[CXV_NET_ADDR_STR];
	socklen_t len;

	(void)state;
	assert_int_equal(cxv_net_listen_parse("127.0.0.1:8443", &ss, &len),
	    CXV_OK);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port),
	    8443);
	cxv_net_addr_text((struct sockaddr *)&ss, text);
	assert_string_equal(text, "127.0.0.1");
	assert_int_equal(cxv_net_listen_parse("[::1]:443", &ss, &len), CXV_OK);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(cxv_net_listen_parse("localhost:8443", &ss, &len),
	    CXV_ERR_INVALID);
	assert_int_equal(cxv_net_listen_parse("127.0.0.1:0", &ss, &len),
	    CXV_ERR_INVALID);
	assert_int_equal(cxv_net_listen_parse("127.0.0.1:65536", &ss, &len),
	    CXV_ERR_INVALID);
	assert_int_equal(cxv_net_listen_parse("::1:443", &ss, &len),
	    CXV_ERR_INVALID);
	assert_int_equal(cxv_net_listen_parse(":443", &ss, &len),
	    CXV_ERR_INVALID);
}

/* R8.5: the collector's address. */
static void
test_hostport(void **state)
{
	static const char *const bad[] = { "", "host", "host:", ":514",
	    "host:0", "host:65536", "host:6514x", "a:b:6514", "[::1]6514",
	    "[::1:6514", "ho st:6514", "host/x:6514", "[]:6514" };
	char host[CXV_NET_HOST_MAX], port[6];
	size_t i;

	(void)state;
	assert_int_equal(cxv_net_hostport_parse("logs.example.org:6514", host,
	    port), CXV_OK);
	assert_string_equal(host, "logs.example.org");
	assert_string_equal(port, "6514");
	assert_int_equal(cxv_net_hostport_parse("[2001:db8::1]:10514", host,
	    port), CXV_OK);
	assert_string_equal(host, "2001:db8::1");
	assert_string_equal(port, "10514");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cxv_net_hostport_parse(bad[i], host, port),
		    CXV_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_hostport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
