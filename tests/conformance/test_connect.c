/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpg_connect(), dpg_disconnect(), dpg_remote_address(): the implicit bind,
 * the errors, and the peer filter (only the peer's datagrams arrive while
 * connected, everyone's again after disconnect).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

/* A recorder socket bound to 127.0.0.1 and two plain senders there. */
struct trio {
	struct conf_rec *rec;
	struct dpg_socket *s, *a, *b;
	struct sockaddr_storage s_addr, a_addr, b_addr;
};

static void trio_open(struct dpg_stack *st, struct trio *t)
{
	t->rec = conf_rec_new();
	t->s = conf_rec_bound(st, AF_INET, t->rec, "127.0.0.1");
	t->a = conf_socket(st, AF_INET, NULL);
	t->b = conf_socket(st, AF_INET, NULL);
	conf_bind(t->a, "127.0.0.1", 0);
	conf_bind(t->b, "127.0.0.1", 0);
	t->s_addr = conf_ss("127.0.0.1", conf_port(t->s));
	t->a_addr = conf_ss("127.0.0.1", conf_port(t->a));
	t->b_addr = conf_ss("127.0.0.1", conf_port(t->b));
}

/* b then a send one datagram each to s; returns once a's (the last) has
 * had time to arrive and a little more, so that b's would have too. */
static void trio_both_send(struct dpg_stack *st, struct trio *t,
			   unsigned expect)
{
	conf_send(t->b, "from-b", 6, CONF_SA(&t->s_addr));
	conf_send(t->a, "from-a", 6, CONF_SA(&t->s_addr));
	assert_true(conf_wait_count(st, t->rec, expect, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
}

static void test_connect_binds_implicitly(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 9);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_address(s, &ss), -EBADF);
	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_not_equal(conf_sa_port(&ss), 0);
	/* Bound to the wildcard, the address is the source connect chose. */
	conf_assert_sa(&ss, "127.0.0.1", -1);
}

static void test_connect_v6_binds_implicitly(void **state)
{
	conf_require(CONF_CAP_IPV6, "connects to ::1");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_storage peer = conf_ss("::1", 9);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_not_equal(conf_sa_port(&ss), 0);
	conf_assert_sa(&ss, "::1", -1);
}

static void test_connect_keeps_explicit_bind(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 9);
	uint16_t port;

	conf_bind(s, "127.0.0.1", 0);
	port = conf_port(s);
	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(conf_port(s), port);
}

/* Node throws ERR_SOCKET_DGRAM_IS_CONNECTED; Linux would simply
 * re-connect. dpgram returns -EISCONN and keeps the first peer. */
static void test_connect_twice_is_eisconn(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage p1 = conf_ss("127.0.0.1", 9);
	struct sockaddr_storage p2 = conf_ss("127.0.0.1", 10);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, CONF_SA(&p1)), 0);
	assert_int_equal(dpg_connect(s, CONF_SA(&p2)), -EISCONN);
	assert_int_equal(dpg_connect(s, CONF_SA(&p1)), -EISCONN);
	assert_int_equal(dpg_remote_address(s, &ss), 0);
	conf_assert_sa(&ss, "127.0.0.1", 9);
}

static void test_disconnect_not_connected_is_enotconn(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);

	assert_int_equal(dpg_disconnect(s), -ENOTCONN); /* unbound */
	assert_int_equal(dpg_bind(s, NULL), 0);
	assert_int_equal(dpg_disconnect(s), -ENOTCONN); /* bound */
}

static void test_disconnect_twice_is_enotconn(void **state)
{
	conf_require(CONF_CAP_IPV6, "connects to ::1");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_storage peer = conf_ss("::1", 9);

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_disconnect(s), 0);
	assert_int_equal(dpg_disconnect(s), -ENOTCONN);
}

static void test_disconnect_twice_is_enotconn_v4(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 9);

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_disconnect(s), 0);
	assert_int_equal(dpg_disconnect(s), -ENOTCONN);
}

static void test_remote_address_follows_connection(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 4242);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_remote_address(s, &ss), -ENOTCONN);
	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	memset(&ss, 0, sizeof(ss));
	assert_int_equal(dpg_remote_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	conf_assert_sa(&ss, "127.0.0.1", 4242);
	assert_int_equal(dpg_disconnect(s), 0);
	assert_int_equal(dpg_remote_address(s, &ss), -ENOTCONN);
}

static void test_remote_address_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "connects to peer6");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_storage peer = conf_ss(conf_env->peer6, 4243);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_remote_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	conf_assert_sa(&ss, conf_env->peer6, 4243);
}

/* Linux accepts port 0 in connect(); Node rejects it (ERR_SOCKET_BAD_PORT)
 * and so does dpgram. */
static void test_connect_port_zero_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 0);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), -EINVAL);
	assert_int_equal(dpg_address(s, &ss), -EBADF); /* no implicit bind */
	assert_int_equal(dpg_remote_address(s, &ss), -ENOTCONN);
}

static void test_connect_null_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 9);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, NULL), -EINVAL);
	assert_int_equal(dpg_connect(NULL, CONF_SA(&peer)), -EINVAL);
	assert_int_equal(dpg_disconnect(NULL), -EINVAL);
	assert_int_equal(dpg_remote_address(NULL, &ss), -EINVAL);
	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_remote_address(s, NULL), -EINVAL);
}

static void test_connect_v4_socket_v6_peer_is_eafnosupport(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_in6 peer = conf_sin6("::1", 9);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, (struct sockaddr *)&peer),
			 -EAFNOSUPPORT);
	assert_int_equal(dpg_remote_address(s, &ss), -ENOTCONN);
}

/* Linux connects a dual-stack AF_INET6 socket to a sockaddr_in; dpgram
 * wants the v4-mapped form (::ffff:a.b.c.d) and refuses the family. */
static void test_connect_v6_socket_v4_peer_is_eafnosupport(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_in peer = conf_sin("127.0.0.1", 9);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, (struct sockaddr *)&peer),
			 -EAFNOSUPPORT);
	assert_int_equal(dpg_remote_address(s, &ss), -ENOTCONN);
}

/* No route to the peer: -ENETUNREACH, and the socket stays unconnected. */
static void connect_unrouted(void **state, int family, const char *ip)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), family, NULL);
	struct sockaddr_storage peer, ss;

	if (ip == NULL)
		skip(); /* this backend's config routes everything */
	peer = conf_ss(ip, 9);
	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), -ENETUNREACH);
	assert_int_equal(dpg_remote_address(s, &ss), -ENOTCONN);
}

static void test_connect_no_route_is_enetunreach_v4(void **state)
{
	connect_unrouted(state, AF_INET, conf_env->unrouted4);
}

static void test_connect_no_route_is_enetunreach_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "IPv6 routes");
	connect_unrouted(state, AF_INET6, conf_env->unrouted6);
}

/* "An unspecified peer address means the loopback address, as in Linux." */
static void unspecified_peer(void **state, int family, const char *any,
			     const char *lo)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, family, rec, lo);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	struct sockaddr_storage peer = conf_ss(any, conf_port(r));
	struct sockaddr_storage ss;

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_remote_address(s, &ss), 0);
	conf_assert_sa(&ss, lo, conf_port(r));
	conf_send(s, "any", 3, NULL);
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_memory_equal(rec->msg[0].data, "any", 3);
}

static void test_connect_unspecified_peer_is_loopback_v4(void **state)
{
	unspecified_peer(state, AF_INET, "0.0.0.0", "127.0.0.1");
}

static void test_connect_unspecified_peer_is_loopback_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends over ::1");
	unspecified_peer(state, AF_INET6, "::", "::1");
}

/* While connected to a, datagrams from b are not delivered. */
static void test_connect_delivers_only_peer(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct trio t;

	trio_open(st, &t);
	assert_int_equal(dpg_connect(t.s, CONF_SA(&t.a_addr)), 0);
	trio_both_send(st, &t, 1);
	assert_int_equal(t.rec->count, 1);
	assert_memory_equal(t.rec->msg[0].data, "from-a", 6);
	conf_assert_sa(&t.rec->msg[0].rinfo.from, "127.0.0.1",
		       conf_port(t.a));
}

/* Datagrams from b that reached s before it connected to a (Linux keeps
 * them queued) are not delivered after the connect either. */
static void test_connect_drops_datagrams_queued_before(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct trio t;

	trio_open(st, &t);
	conf_send(t.b, "queued-b", 8, CONF_SA(&t.s_addr));
	conf_settle(); /* no poll: b's datagram waits at s */
	assert_int_equal(dpg_connect(t.s, CONF_SA(&t.a_addr)), 0);
	conf_send(t.a, "from-a", 6, CONF_SA(&t.s_addr));
	assert_true(conf_wait_count(st, t.rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(t.rec->count, 1);
	assert_memory_equal(t.rec->msg[0].data, "from-a", 6);
}

/* After disconnect the port stays and everyone's datagrams arrive. */
static void test_disconnect_keeps_port_and_accepts_all(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct trio t;
	uint16_t port;

	trio_open(st, &t);
	port = conf_port(t.s);
	assert_int_equal(dpg_connect(t.s, CONF_SA(&t.a_addr)), 0);
	assert_int_equal(dpg_disconnect(t.s), 0);
	assert_int_equal(conf_port(t.s), port);
	trio_both_send(st, &t, 2);
	assert_int_equal(t.rec->count, 2);
	assert_memory_equal(t.rec->msg[0].data, "from-b", 6);
	assert_memory_equal(t.rec->msg[1].data, "from-a", 6);
}

/* Disconnected, a send needs a destination again. */
static void test_disconnect_then_send_needs_dst(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", conf_port(r));

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_disconnect(s), 0);
	assert_int_equal(dpg_send(s, "x", 1, NULL), -EDESTADDRREQ);
	conf_send(s, "y", 1, CONF_SA(&peer));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, 50);
	assert_int_equal(rec->count, 1);
	assert_memory_equal(rec->msg[0].data, "y", 1);
}

/* Implicitly bound by connect, the port survives disconnect too. */
static void test_disconnect_keeps_implicit_port(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 9);
	uint16_t port;

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	port = conf_port(s);
	assert_int_equal(dpg_disconnect(s), 0);
	assert_int_equal(conf_port(s), port);
}

/* Connected to a, disconnected, connected to b: only b's arrive. */
static void test_connect_again_after_disconnect(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct trio t;
	struct sockaddr_storage ss;

	trio_open(st, &t);
	assert_int_equal(dpg_connect(t.s, CONF_SA(&t.a_addr)), 0);
	assert_int_equal(dpg_disconnect(t.s), 0);
	assert_int_equal(dpg_connect(t.s, CONF_SA(&t.b_addr)), 0);
	assert_int_equal(dpg_remote_address(t.s, &ss), 0);
	conf_assert_sa(&ss, "127.0.0.1", conf_port(t.b));
	trio_both_send(st, &t, 1);
	assert_int_equal(t.rec->count, 1);
	assert_memory_equal(t.rec->msg[0].data, "from-b", 6);
}

/* Connected to the kernel peer: sends without a destination reach it from
 * the bound port, and its answer comes back. */
static void connected_kernel_peer(void **state, int family, const char *own,
				  const char *peer)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_bound(st, family, rec, own);
	int fd = conf_ksock(family, peer, 0);
	struct sockaddr_storage dst = conf_ss(peer, conf_kport(fd));
	struct sockaddr_storage from;
	char buf[16];

	assert_int_equal(dpg_connect(s, CONF_SA(&dst)), 0);
	conf_send(s, "hello", 5, NULL);
	assert_int_equal(conf_krecv_poll(st, fd, buf, sizeof(buf), &from,
					 NULL, CONF_ARRIVE_MS), 5);
	assert_memory_equal(buf, "hello", 5);
	conf_assert_sa(&from, own, conf_port(s));
	conf_ksend(fd, "back", 4, CONF_SA(&from));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_memory_equal(rec->msg[0].data, "back", 4);
	conf_assert_sa(&rec->msg[0].rinfo.from, peer, conf_kport(fd));
	close(fd);
}

static void test_connect_kernel_peer_v4(void **state)
{
	connected_kernel_peer(state, AF_INET, conf_env->own4, conf_env->peer4);
}

static void test_connect_kernel_peer_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "talks to peer6");
	connected_kernel_peer(state, AF_INET6, conf_env->own6, conf_env->peer6);
}

static const struct CMUnitTest connect_tests[] = {
	CONF_TEST(test_connect_binds_implicitly),
	CONF_TEST(test_connect_v6_binds_implicitly),
	CONF_TEST(test_connect_keeps_explicit_bind),
	CONF_TEST(test_connect_twice_is_eisconn),
	CONF_TEST(test_disconnect_not_connected_is_enotconn),
	CONF_TEST(test_disconnect_twice_is_enotconn),
	CONF_TEST(test_disconnect_twice_is_enotconn_v4),
	CONF_TEST(test_remote_address_follows_connection),
	CONF_TEST(test_remote_address_v6),
	CONF_TEST(test_connect_port_zero_is_einval),
	CONF_TEST(test_connect_null_is_einval),
	CONF_TEST(test_connect_v4_socket_v6_peer_is_eafnosupport),
	CONF_TEST(test_connect_v6_socket_v4_peer_is_eafnosupport),
	CONF_TEST(test_connect_no_route_is_enetunreach_v4),
	CONF_TEST(test_connect_no_route_is_enetunreach_v6),
	CONF_TEST(test_connect_unspecified_peer_is_loopback_v4),
	CONF_TEST(test_connect_unspecified_peer_is_loopback_v6),
	CONF_TEST(test_connect_delivers_only_peer),
	CONF_TEST(test_connect_drops_datagrams_queued_before),
	CONF_TEST(test_disconnect_keeps_port_and_accepts_all),
	CONF_TEST(test_disconnect_keeps_implicit_port),
	CONF_TEST(test_disconnect_then_send_needs_dst),
	CONF_TEST(test_connect_again_after_disconnect),
	CONF_TEST(test_connect_kernel_peer_v4),
	CONF_TEST(test_connect_kernel_peer_v6),
};

CONF_GROUP(conf_group_connect, "connect", connect_tests);
