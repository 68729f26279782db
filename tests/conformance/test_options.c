/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Socket options: Node's ranges and argument checks for every option,
 * buffer sizes, membership bookkeeping errors, the send-queue counters, and
 * -EINVAL for a NULL socket everywhere. What the options do on the wire is
 * tested by the ttl_wire, bcast and mcast groups.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static void ttl_range(struct dpg_socket *s)
{
	assert_int_equal(dpg_set_ttl(s, 0), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, -1), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, 256), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, INT_MAX), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, INT_MIN), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, 1), 0);
	assert_int_equal(dpg_set_ttl(s, 64), 0);
	assert_int_equal(dpg_set_ttl(s, 255), 0);
}

static void test_options_ttl_range(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	ttl_range(conf_socket(CONF_ST(state), AF_INET, NULL));
	ttl_range(conf_socket(CONF_ST(state), AF_INET6, NULL));
}

static void test_options_ttl_range_v4(void **state)
{
	ttl_range(conf_socket(CONF_ST(state), AF_INET, NULL));
}

/* A refused value leaves the previous TTL in place (checked on the wire). */
static void test_options_ttl_refused_keeps_previous(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage dst = conf_ss(conf_env->peer4, conf_kport(fd));
	char buf[8];
	int ttl = 0;

	conf_ksock_recvttl(fd);
	conf_bind(s, conf_env->own4, 0);
	assert_int_equal(dpg_set_ttl(s, 33), 0);
	assert_int_equal(dpg_set_ttl(s, 0), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, 256), -EINVAL);
	conf_send(s, "t", 1, CONF_SA(&dst));
	assert_int_equal(conf_krecv_poll(st, fd, buf, sizeof(buf), NULL, &ttl,
					 CONF_ARRIVE_MS), 1);
	assert_int_equal(ttl, 33);
	close(fd);
}

static void multicast_ttl_range(struct dpg_socket *s)
{
	assert_int_equal(dpg_set_multicast_ttl(s, -1), -EINVAL);
	assert_int_equal(dpg_set_multicast_ttl(s, 256), -EINVAL);
	assert_int_equal(dpg_set_multicast_ttl(s, INT_MIN), -EINVAL);
	assert_int_equal(dpg_set_multicast_ttl(s, 0), 0);
	assert_int_equal(dpg_set_multicast_ttl(s, 1), 0);
	assert_int_equal(dpg_set_multicast_ttl(s, 255), 0);
}

static void test_options_multicast_ttl_range(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	multicast_ttl_range(conf_socket(CONF_ST(state), AF_INET, NULL));
	multicast_ttl_range(conf_socket(CONF_ST(state), AF_INET6, NULL));
}

static void test_options_multicast_ttl_range_v4(void **state)
{
	multicast_ttl_range(conf_socket(CONF_ST(state), AF_INET, NULL));
}

/* The boolean options accept both values on both families, bound or not. */
/* Broadcast and multicast loopback, on and off, before and after bind. */
static void boolean_options(struct dpg_socket *s)
{
	assert_int_equal(dpg_set_broadcast(s, true), 0);
	assert_int_equal(dpg_set_multicast_loopback(s, false), 0);
	conf_bind(s, NULL, 0);
	assert_int_equal(dpg_set_broadcast(s, false), 0);
	assert_int_equal(dpg_set_multicast_loopback(s, true), 0);
}

static void test_options_boolean_options_accept_both(void **state)
{
	conf_require(CONF_CAP_IPV6, "binds ::");
	boolean_options(conf_socket(CONF_ST(state), AF_INET6, NULL));
}

static void test_options_boolean_options_accept_both_v4(void **state)
{
	boolean_options(conf_socket(CONF_ST(state), AF_INET, NULL));
}

/* Node throws ERR_SOCKET_BAD_BUFFER_SIZE for sizes <= 0. */
static void bad_buffer_sizes(struct dpg_socket *s)
{
	int rcv = dpg_get_recv_buffer_size(s);
	int snd = dpg_get_send_buffer_size(s);

	assert_true(rcv > 0);
	assert_true(snd > 0);
	assert_int_equal(dpg_set_recv_buffer_size(s, 0), -EINVAL);
	assert_int_equal(dpg_set_recv_buffer_size(s, -1), -EINVAL);
	assert_int_equal(dpg_set_recv_buffer_size(s, INT_MIN), -EINVAL);
	assert_int_equal(dpg_set_send_buffer_size(s, 0), -EINVAL);
	assert_int_equal(dpg_set_send_buffer_size(s, -4096), -EINVAL);
	assert_int_equal(dpg_get_recv_buffer_size(s), rcv);
	assert_int_equal(dpg_get_send_buffer_size(s), snd);
}

static void test_options_buffer_size_zero_or_negative_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);

	bad_buffer_sizes(s);
	conf_bind(s, NULL, 0);
	bad_buffer_sizes(s);
}

/* Set, then get what was set: before bind, after bind, both families.
 * (Linux doubles SO_RCVBUF/SO_SNDBUF and Node reports the doubled value;
 * dpgram reports the size in effect as the caller asked for it.) */
static void buffer_set_get(struct dpg_socket *s)
{
	assert_int_equal(dpg_set_recv_buffer_size(s, 65536), 0);
	assert_int_equal(dpg_get_recv_buffer_size(s), 65536);
	assert_int_equal(dpg_set_send_buffer_size(s, 65536), 0);
	assert_int_equal(dpg_get_send_buffer_size(s), 65536);
	conf_bind(s, NULL, 0);
	assert_int_equal(dpg_get_recv_buffer_size(s), 65536);
	assert_int_equal(dpg_get_send_buffer_size(s), 65536);
	assert_int_equal(dpg_set_recv_buffer_size(s, 32768), 0);
	assert_int_equal(dpg_get_recv_buffer_size(s), 32768);
	assert_int_equal(dpg_set_send_buffer_size(s, 16384), 0);
	assert_int_equal(dpg_get_send_buffer_size(s), 16384);
}

static void test_options_buffer_size_set_then_get_v4(void **state)
{
	buffer_set_get(conf_socket(CONF_ST(state), AF_INET, NULL));
}

static void test_options_buffer_size_set_then_get_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "binds ::");
	buffer_set_get(conf_socket(CONF_ST(state), AF_INET6, NULL));
}

/* Node: an IP of the socket's family owned by the host, or the ANY address
 * to return to the default; unparsable -> EINVAL; not owned ->
 * EADDRNOTAVAIL. */
static void test_options_multicast_interface_v4(void **state)
{
	conf_require(CONF_CAP_MCAST, "the multicast interface");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);

	assert_int_equal(dpg_set_multicast_interface(s, NULL), -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, "garbage"), -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, "198.18.0.256"),
			 -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->own6),
			 -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->not_owned4),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->own4), 0);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->other_own4),
			 0);
	assert_int_equal(dpg_set_multicast_interface(s, "0.0.0.0"), 0);
}

/* IPv6: "::%ifname", "::%index", an own address or "::". (Node falls back
 * to the default interface on most scope errors; dpgram reports them.) */
static void test_options_multicast_interface_v6(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "the multicast interface");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	char scoped[32], indexed[32];

	snprintf(scoped, sizeof(scoped), "::%%%s", conf_env->ifname);
	snprintf(indexed, sizeof(indexed), "::%%%u",
		 if_nametoindex(conf_env->other_ifname));
	assert_int_equal(dpg_set_multicast_interface(s, NULL), -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, "garbage"), -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->own4),
			 -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, "::%nosuchif0"),
			 -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->not_owned6),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_set_multicast_interface(s, scoped), 0);
	assert_int_equal(dpg_set_multicast_interface(s, indexed), 0);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->own6), 0);
	assert_int_equal(dpg_set_multicast_interface(s, "::"), 0);
}

/* Groups that are not multicast addresses of the socket's family. */
static void test_options_membership_not_multicast_is_einval(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	struct dpg_socket *s4 = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *s6 = conf_socket(CONF_ST(state), AF_INET6, NULL);

	assert_int_equal(dpg_add_membership(s4, "198.18.0.1", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s4, "255.255.255.255", NULL),
			 -EINVAL);
	assert_int_equal(dpg_add_membership(s4, "garbage", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s4, NULL, NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s4, "ff15::1", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s6, "fd00:dc::1", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s6, "239.1.2.3", NULL), -EINVAL);
	assert_int_equal(dpg_drop_membership(s4, "198.18.0.1", NULL), -EINVAL);
	assert_int_equal(dpg_drop_membership(s6, "fd00:dc::1", NULL), -EINVAL);
}

static void test_options_membership_not_multicast_is_einval_v4(void **state)
{
	struct dpg_socket *s4 = conf_socket(CONF_ST(state), AF_INET, NULL);

	assert_int_equal(dpg_add_membership(s4, "198.18.0.1", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s4, "255.255.255.255", NULL),
			 -EINVAL);
	assert_int_equal(dpg_add_membership(s4, "garbage", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s4, NULL, NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s4, "ff15::1", NULL), -EINVAL);
	assert_int_equal(dpg_add_source_membership(s4, conf_env->own4,
						   "ff35::1:2", NULL), -EINVAL);
	assert_int_equal(dpg_drop_membership(s4, "198.18.0.1", NULL), -EINVAL);
}

static void join_twice(struct dpg_socket *s, const char *group)
{
	assert_int_equal(dpg_add_membership(s, group, NULL), 0);
	assert_int_equal(dpg_add_membership(s, group, NULL), -EADDRINUSE);
}

static void test_options_membership_join_twice_is_eaddrinuse(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins groups");
	join_twice(conf_socket(CONF_ST(state), AF_INET, NULL), "239.1.2.3");
	join_twice(conf_socket(CONF_ST(state), AF_INET6, NULL), "ff15::1:2");
}

static void test_options_membership_drop_unjoined_is_eaddrnotavail(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins a group");
	struct dpg_socket *s4 = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *s6 = conf_socket(CONF_ST(state), AF_INET6, NULL);

	assert_int_equal(dpg_drop_membership(s4, "239.1.2.3", NULL),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_drop_membership(s6, "ff15::1:2", NULL),
			 -EADDRNOTAVAIL);
	/* Another socket's membership is not this one's. */
	assert_int_equal(dpg_add_membership(s4, "239.1.2.4", NULL), 0);
	s4 = conf_socket(CONF_ST(state), AF_INET, NULL);
	assert_int_equal(dpg_drop_membership(s4, "239.1.2.4", NULL),
			 -EADDRNOTAVAIL);
}

static void join_drop_join(struct dpg_socket *s, const char *group)
{
	assert_int_equal(dpg_add_membership(s, group, NULL), 0);
	assert_int_equal(dpg_drop_membership(s, group, NULL), 0);
	assert_int_equal(dpg_drop_membership(s, group, NULL), -EADDRNOTAVAIL);
	assert_int_equal(dpg_add_membership(s, group, NULL), 0);
}

static void test_options_membership_join_drop_join(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins groups");
	join_drop_join(conf_socket(CONF_ST(state), AF_INET, NULL),
		       "239.1.2.3");
	join_drop_join(conf_socket(CONF_ST(state), AF_INET6, NULL),
		       "ff15::1:2");
}

/* One group on two interfaces is two memberships. */
static void test_options_membership_is_per_interface(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins on two interfaces");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	const char *g = "239.1.2.5";

	assert_int_equal(dpg_add_membership(s, g, conf_env->own4), 0);
	assert_int_equal(dpg_add_membership(s, g, conf_env->other_own4), 0);
	assert_int_equal(dpg_add_membership(s, g, conf_env->own4),
			 -EADDRINUSE);
	assert_int_equal(dpg_drop_membership(s, g, conf_env->own4), 0);
	assert_int_equal(dpg_drop_membership(s, g, conf_env->own4),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_drop_membership(s, g, conf_env->other_own4), 0);
}

static void test_options_membership_bad_interface(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	struct dpg_socket *s4 = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *s6 = conf_socket(CONF_ST(state), AF_INET6, NULL);

	assert_int_equal(dpg_add_membership(s4, "239.1.2.3",
					    conf_env->not_owned4),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_add_membership(s4, "239.1.2.3", "garbage"),
			 -EINVAL);
	assert_int_equal(dpg_add_membership(s4, "239.1.2.3", conf_env->own6),
			 -EINVAL);
	assert_int_equal(dpg_add_membership(s6, "ff15::1:2",
					    conf_env->not_owned6),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_add_membership(s6, "ff15::1:2", "::%nosuchif0"),
			 -EINVAL);
	/* None of the refused joins happened. */
	assert_int_equal(dpg_drop_membership(s4, "239.1.2.3", NULL),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_drop_membership(s6, "ff15::1:2", NULL),
			 -EADDRNOTAVAIL);
}

/* Node's addMembership binds an unbound socket; dpgram's does not. */
static void test_options_membership_does_not_bind(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins a group");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_add_membership(s, "239.1.2.3", NULL), 0);
	assert_int_equal(dpg_address(s, &ss), -EBADF);
	assert_int_equal(dpg_bind(s, NULL), 0); /* and can still bind */
}

static void source_membership_errors(struct dpg_socket *s, const char *src,
				     const char *group, const char *asm_group,
				     const char *not_unicast,
				     const char *not_group)
{
	assert_int_equal(dpg_add_source_membership(s, not_unicast, group,
						   NULL), -EINVAL);
	assert_int_equal(dpg_add_source_membership(s, "garbage", group, NULL),
			 -EINVAL);
	assert_int_equal(dpg_add_source_membership(s, NULL, group, NULL),
			 -EINVAL);
	assert_int_equal(dpg_add_source_membership(s, src, not_group, NULL),
			 -EINVAL);
	assert_int_equal(dpg_drop_source_membership(s, src, group, NULL),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_add_source_membership(s, src, group, NULL), 0);
	assert_int_equal(dpg_add_source_membership(s, src, group, NULL),
			 -EADDRINUSE);
	assert_int_equal(dpg_drop_source_membership(s, src, group, NULL), 0);
	assert_int_equal(dpg_drop_source_membership(s, src, group, NULL),
			 -EADDRNOTAVAIL);
	/* A group joined any-source cannot also be joined per source. */
	assert_int_equal(dpg_add_membership(s, asm_group, NULL), 0);
	assert_int_equal(dpg_add_source_membership(s, src, asm_group, NULL),
			 -EINVAL);
}

static void test_options_source_membership_errors_v4(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	source_membership_errors(conf_socket(CONF_ST(state), AF_INET, NULL),
				 conf_env->peer4, "232.1.1.1", "232.1.1.2",
				 "239.9.9.9", conf_env->peer4);
}

static void test_options_source_membership_errors_v6(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins channels");
	source_membership_errors(conf_socket(CONF_ST(state), AF_INET6, NULL),
				 conf_env->peer6, "ff35::8000:1",
				 "ff35::8000:2", "ff15::9", conf_env->peer6);
}

static void send_queue_is_empty(struct dpg_socket *s)
{
	assert_int_equal(dpg_send_queue_size(s), 0);
	assert_int_equal(dpg_send_queue_count(s), 0);
}

static void test_options_send_queue_zero_on_fresh_socket(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	send_queue_is_empty(conf_socket(CONF_ST(state), AF_INET, NULL));
	send_queue_is_empty(conf_socket(CONF_ST(state), AF_INET6, NULL));
}

static void test_options_send_queue_zero_after_flush(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst = conf_ss("127.0.0.1", conf_port(r));
	char buf[300] = { 0 };

	conf_send(s, buf, 100, CONF_SA(&dst));
	conf_send(s, buf, 200, CONF_SA(&dst));
	conf_send(s, buf, 300, CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 3, CONF_ARRIVE_MS));
	send_queue_is_empty(s);
}

/* Towards the slow sink some sends may wait in dpgram. However many wait,
 * the byte count is the datagram count times their size, and both fall to
 * zero once the queue has drained. */
struct queue_arg {
	struct dpg_socket *s;
};

static bool queue_drained(void *p)
{
	struct queue_arg *a = p;

	return dpg_send_queue_count(a->s) == 0;
}

static void test_options_send_queue_counts_bytes_and_datagrams(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket_opts o = { .send_buffer_size = 8192 };
	struct dpg_socket *s = conf_socket(st, AF_INET, &o);
	struct sockaddr_storage dst = conf_ss(conf_env->sink4, 9);
	struct queue_arg a = { s };
	static const char payload[500];
	unsigned i;

	conf_bind(s, conf_env->own4, 0);
	for (i = 0; i < 40; i++) {
		int rc = dpg_send(s, payload, sizeof(payload), CONF_SA(&dst));

		if (rc == -EAGAIN)
			break;
		assert_int_equal(rc, 0);
		assert_true(dpg_send_queue_count(s) >= 0);
		assert_int_equal(dpg_send_queue_size(s),
				 dpg_send_queue_count(s) * 500);
	}
	assert_true(conf_poll_until(st, queue_drained, &a, CONF_ARRIVE_MS));
	send_queue_is_empty(s);
}

/* Every option entry point refuses a NULL socket. */
static void test_options_null_socket_is_einval(void **state)
{
	(void)state;
	assert_int_equal(dpg_set_broadcast(NULL, true), -EINVAL);
	assert_int_equal(dpg_set_ttl(NULL, 64), -EINVAL);
	assert_int_equal(dpg_set_multicast_ttl(NULL, 1), -EINVAL);
	assert_int_equal(dpg_set_multicast_loopback(NULL, true), -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(NULL, "0.0.0.0"),
			 -EINVAL);
	assert_int_equal(dpg_add_membership(NULL, "239.1.2.3", NULL), -EINVAL);
	assert_int_equal(dpg_drop_membership(NULL, "239.1.2.3", NULL),
			 -EINVAL);
	assert_int_equal(dpg_add_source_membership(NULL, "198.18.0.1",
						   "232.1.1.1", NULL),
			 -EINVAL);
	assert_int_equal(dpg_drop_source_membership(NULL, "198.18.0.1",
						    "232.1.1.1", NULL),
			 -EINVAL);
	assert_int_equal(dpg_set_recv_buffer_size(NULL, 65536), -EINVAL);
	assert_int_equal(dpg_get_recv_buffer_size(NULL), -EINVAL);
	assert_int_equal(dpg_set_send_buffer_size(NULL, 65536), -EINVAL);
	assert_int_equal(dpg_get_send_buffer_size(NULL), -EINVAL);
	assert_int_equal(dpg_send_queue_size(NULL), -EINVAL);
	assert_int_equal(dpg_send_queue_count(NULL), -EINVAL);
}

static const struct CMUnitTest options_tests[] = {
	CONF_TEST(test_options_ttl_range),
	CONF_TEST(test_options_ttl_range_v4),
	CONF_TEST(test_options_ttl_refused_keeps_previous),
	CONF_TEST(test_options_multicast_ttl_range),
	CONF_TEST(test_options_multicast_ttl_range_v4),
	CONF_TEST(test_options_boolean_options_accept_both),
	CONF_TEST(test_options_boolean_options_accept_both_v4),
	CONF_TEST(test_options_buffer_size_zero_or_negative_is_einval),
	CONF_TEST(test_options_buffer_size_set_then_get_v4),
	CONF_TEST(test_options_buffer_size_set_then_get_v6),
	CONF_TEST(test_options_multicast_interface_v4),
	CONF_TEST(test_options_multicast_interface_v6),
	CONF_TEST(test_options_membership_not_multicast_is_einval),
	CONF_TEST(test_options_membership_not_multicast_is_einval_v4),
	CONF_TEST(test_options_membership_join_twice_is_eaddrinuse),
	CONF_TEST(test_options_membership_drop_unjoined_is_eaddrnotavail),
	CONF_TEST(test_options_membership_join_drop_join),
	CONF_TEST(test_options_membership_is_per_interface),
	CONF_TEST(test_options_membership_bad_interface),
	CONF_TEST(test_options_membership_does_not_bind),
	CONF_TEST(test_options_source_membership_errors_v4),
	CONF_TEST(test_options_source_membership_errors_v6),
	CONF_TEST(test_options_send_queue_zero_on_fresh_socket),
	CONF_TEST(test_options_send_queue_zero_after_flush),
	CONF_TEST(test_options_send_queue_counts_bytes_and_datagrams),
	CONF_TEST(test_options_null_socket_is_einval),
};

CONF_GROUP(conf_group_options, "options", options_tests);
