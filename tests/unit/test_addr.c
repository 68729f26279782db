/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests: address parsing and formatting (lib/core/addr.c), errors and
 * drop names (lib/core/errors.c, stats.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include <dpgram.h>

static void test_ip4_parse(void **state)
{
	struct sockaddr_in sin;

	(void)state;
	assert_int_equal(dpg_ip4_addr("198.18.0.2", 7007, &sin), 0);
	assert_int_equal(sin.sin_family, AF_INET);
	assert_int_equal(ntohs(sin.sin_port), 7007);
	assert_int_equal(ntohl(sin.sin_addr.s_addr), 0xc6120002);
	assert_int_equal(dpg_ip4_addr(NULL, 1, &sin), 0);
	assert_int_equal(sin.sin_addr.s_addr, 0);
	assert_int_equal(dpg_ip4_addr("", 1, &sin), 0);
	assert_int_equal(sin.sin_addr.s_addr, 0);
}

static void test_ip4_rejects(void **state)
{
	static const char *const bad[] = {
		"198.18.0", "198.18.0.256", "198.18.0.2 ", "host.example",
		"::1", "1.2.3.4.5", "0x7f.0.0.1", "198.18.0.2:80",
	};
	struct sockaddr_in sin;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dpg_ip4_addr(bad[i], 0, &sin), -EINVAL);
	assert_int_equal(dpg_ip4_addr("198.18.0.2", 0, NULL), -EINVAL);
}

static void test_ip6_parse(void **state)
{
	struct sockaddr_in6 sin6;
	struct in6_addr want;

	(void)state;
	assert_int_equal(dpg_ip6_addr("fd00:dc::2", 53, &sin6), 0);
	inet_pton(AF_INET6, "fd00:dc::2", &want);
	assert_memory_equal(&sin6.sin6_addr, &want, 16);
	assert_int_equal(ntohs(sin6.sin6_port), 53);
	assert_int_equal(sin6.sin6_scope_id, 0);
	assert_int_equal(dpg_ip6_addr("::ffff:198.18.0.1", 1, &sin6), 0);
	assert_true(IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr));
	assert_int_equal(dpg_ip6_addr(NULL, 1, &sin6), 0);
	assert_true(IN6_IS_ADDR_UNSPECIFIED(&sin6.sin6_addr));
}

static void test_ip6_scope(void **state)
{
	struct sockaddr_in6 sin6;

	(void)state;
	assert_int_equal(dpg_ip6_addr("fe80::1%lo", 0, &sin6), 0);
	assert_int_equal(sin6.sin6_scope_id, if_nametoindex("lo"));
	assert_int_equal(dpg_ip6_addr("fe80::1%7", 0, &sin6), 0);
	assert_int_equal(sin6.sin6_scope_id, 7);
	assert_int_equal(dpg_ip6_addr("::%lo", 0, &sin6), 0);
	assert_int_equal(sin6.sin6_scope_id, if_nametoindex("lo"));
	assert_int_equal(dpg_ip6_addr("fe80::1%", 0, &sin6), -EINVAL);
	assert_int_equal(dpg_ip6_addr("fe80::1%nosuchif0", 0, &sin6), -EINVAL);
	assert_int_equal(dpg_ip6_addr("fe80::1%0", 0, &sin6), -EINVAL);
	assert_int_equal(dpg_ip6_addr("%lo", 0, &sin6), -EINVAL);
}

static void test_ip6_rejects(void **state)
{
	static const char *const bad[] = {
		"fd00:::1", "198.18.0.1", "fd00::g", "[fd00::1]", "fd00::1 ",
		"1:2:3:4:5:6:7:8:9",
		"0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0001",
	};
	struct sockaddr_in6 sin6;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dpg_ip6_addr(bad[i], 0, &sin6), -EINVAL);
	assert_int_equal(dpg_ip6_addr("::1", 0, NULL), -EINVAL);
}

static void test_format(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char buf[DPG_ADDRSTRLEN];

	(void)state;
	dpg_ip4_addr("198.18.0.2", 7, &sin);
	assert_int_equal(dpg_addr_format((struct sockaddr *)&sin, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "198.18.0.2:7");
	dpg_ip6_addr("fe80::1%lo", 65535, &sin6);
	assert_true(dpg_addr_format((struct sockaddr *)&sin6, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "[fe80::1%lo]:65535");
	sin6.sin6_scope_id = 4000000; /* no such interface: printed as a number */
	dpg_addr_format((struct sockaddr *)&sin6, buf, sizeof(buf));
	assert_string_equal(buf, "[fe80::1%4000000]:65535");
}

static void test_format_errors(void **state)
{
	struct sockaddr_in sin;
	struct sockaddr sa = { .sa_family = AF_UNIX };
	char buf[8];

	(void)state;
	dpg_ip4_addr("198.18.0.2", 7007, &sin);
	assert_int_equal(dpg_addr_format((struct sockaddr *)&sin, buf, sizeof(buf)), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(dpg_addr_format(&sa, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(dpg_addr_format(NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(dpg_addr_format((struct sockaddr *)&sin, NULL, 8), -EINVAL);
}

static void test_strerror_and_drops(void **state)
{
	(void)state;
	assert_string_equal(dpg_strerror(-EAGAIN), "Resource temporarily unavailable");
	assert_string_equal(dpg_strerror(EAGAIN), dpg_strerror(-EAGAIN));
	assert_string_equal(dpg_strerror(0), "Success");
	assert_string_equal(dpg_strerror(-99999), "Unknown error");
	assert_string_equal(dpg_drop_name(DPG_DROP_rx_queue_full), "rx_queue_full");
	assert_non_null(dpg_drop_description(DPG_DROP_rx_not_peer));
	assert_null(dpg_drop_name(DPG_DROP_MAX));
	assert_null(dpg_drop_description(DPG_DROP_MAX));
	for (unsigned i = 0; i < DPG_DROP_MAX; i++)
		assert_non_null(dpg_drop_name(i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip4_parse),
		cmocka_unit_test(test_ip4_rejects),
		cmocka_unit_test(test_ip6_parse),
		cmocka_unit_test(test_ip6_scope),
		cmocka_unit_test(test_ip6_rejects),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_strerror_and_drops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
