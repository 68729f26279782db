/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpg_bind() and dpg_address(): ephemeral and explicit ports, the errors of
 * a second bind, a port in use, an address the stack does not own and a
 * wrong family, and that a bound socket really receives on what it bound.
 *
 * Traffic between dpgram sockets uses 127.0.0.1 / ::1 and the stack's own
 * addresses; traffic with the kernel uses own <-> peer, which works on every
 * backend (for the DPDK one the peer is across the wire).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static void test_bind_ephemeral_null_v4(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_bind(s, NULL), 0);
	assert_int_equal(dpg_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	conf_assert_sa(&ss, "0.0.0.0", -1);
	assert_int_not_equal(conf_sa_port(&ss), 0);
}

static void test_bind_ephemeral_null_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "binds ::");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_bind(s, NULL), 0);
	assert_int_equal(dpg_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	conf_assert_sa(&ss, "::", -1);
	assert_int_not_equal(conf_sa_port(&ss), 0);
}

static void test_bind_port_zero_on_own_address(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;

	conf_bind(s, conf_env->own4, 0);
	assert_int_equal(dpg_address(s, &ss), 0);
	conf_assert_sa(&ss, conf_env->own4, -1);
	assert_int_not_equal(conf_sa_port(&ss), 0);
}

static void test_bind_ephemeral_ports_differ(void **state)
{
	struct dpg_socket *a = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *b = conf_socket(CONF_ST(state), AF_INET, NULL);

	assert_int_equal(dpg_bind(a, NULL), 0);
	assert_int_equal(dpg_bind(b, NULL), 0);
	assert_int_not_equal(conf_port(a), conf_port(b));
}

/* Bound to own4:port, the socket reports it and receives there. */
static void test_bind_own_address_and_port_receives(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *s = conf_rec_socket(st, AF_INET, rec, NULL);
	uint16_t port = conf_free_port(AF_INET);
	int fd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage ss;

	conf_bind(s, conf_env->own4, port);
	assert_int_equal(dpg_address(s, &ss), 0);
	conf_assert_sa(&ss, conf_env->own4, port);

	ss = conf_ss(conf_env->own4, port);
	conf_ksend(fd, "bound", 5, CONF_SA(&ss));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].len, 5);
	assert_memory_equal(rec->msg[0].data, "bound", 5);
	conf_assert_sa(&rec->msg[0].rinfo.from, conf_env->peer4,
		       conf_kport(fd));
	close(fd);
}

static void test_bind_twice_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss = conf_ss("127.0.0.1", 0);
	uint16_t port;

	assert_int_equal(dpg_bind(s, NULL), 0);
	port = conf_port(s);
	assert_int_equal(dpg_bind(s, NULL), -EINVAL);
	assert_int_equal(dpg_bind(s, CONF_SA(&ss)), -EINVAL);
	assert_int_equal(conf_port(s), port); /* a failed call changes nothing */
}

static void test_bind_after_connect_is_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage peer = conf_ss("127.0.0.1", 9);

	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_bind(s, NULL), -EINVAL);
}

static void test_bind_after_send_is_einval(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *r = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage dst;

	conf_bind(r, "127.0.0.1", 0);
	dst = conf_ss("127.0.0.1", conf_port(r));
	conf_send(s, "x", 1, CONF_SA(&dst));
	assert_int_equal(dpg_bind(s, NULL), -EINVAL);
}

static void test_bind_port_in_use_is_eaddrinuse(void **state)
{
	struct dpg_socket *a = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *b = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;

	conf_bind(a, conf_env->own4, 0);
	ss = conf_ss(conf_env->own4, conf_port(a));
	assert_int_equal(dpg_bind(b, CONF_SA(&ss)), -EADDRINUSE);
	conf_assert_unbound(b); /* the failed bind left b as it was... */
	assert_int_equal(dpg_bind(b, NULL), 0); /* ...and usable */
	assert_int_not_equal(conf_port(b), conf_port(a));
}

/* Linux: the wildcard on a port conflicts with any address on it. */
static void test_bind_wildcard_conflicts_with_specific(void **state)
{
	struct dpg_socket *a = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *b = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *c = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;

	conf_bind(a, "0.0.0.0", 0);
	ss = conf_ss("127.0.0.1", conf_port(a));
	assert_int_equal(dpg_bind(b, CONF_SA(&ss)), -EADDRINUSE);
	ss = conf_ss(conf_env->own4, conf_port(a));
	assert_int_equal(dpg_bind(c, CONF_SA(&ss)), -EADDRINUSE);
}

/* Two specific addresses on one port do not conflict. */
static void test_bind_same_port_two_addresses(void **state)
{
	struct dpg_socket *a = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *b = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;

	conf_bind(a, "127.0.0.1", 0);
	ss = conf_ss(conf_env->own4, conf_port(a));
	assert_int_equal(dpg_bind(b, CONF_SA(&ss)), 0);
	assert_int_equal(conf_port(b), conf_port(a));
}

/* Both sockets set the same reuse option: both bind one own4 port. */
static void reuse_both(void **state, const struct dpg_socket_opts *o)
{
	struct dpg_socket *a = conf_socket(CONF_ST(state), AF_INET, o);
	struct dpg_socket *b = conf_socket(CONF_ST(state), AF_INET, o);
	struct sockaddr_storage ss;

	conf_bind(a, conf_env->own4, 0);
	ss = conf_ss(conf_env->own4, conf_port(a));
	assert_int_equal(dpg_bind(b, CONF_SA(&ss)), 0);
	assert_int_equal(conf_port(b), conf_port(a));
}

static void test_bind_reuse_addr_on_both(void **state)
{
	struct dpg_socket_opts o = { .reuse_addr = true };

	reuse_both(state, &o);
}

static void test_bind_reuse_port_on_both(void **state)
{
	struct dpg_socket_opts o = { .reuse_port = true };

	reuse_both(state, &o);
}

/* One socket with the option, the other without: the port stays taken,
 * whichever of the two binds first. */
static void reuse_one(void **state, const struct dpg_socket_opts *first,
		      const struct dpg_socket_opts *second)
{
	struct dpg_socket *a = conf_socket(CONF_ST(state), AF_INET, first);
	struct dpg_socket *b = conf_socket(CONF_ST(state), AF_INET, second);
	struct sockaddr_storage ss;

	conf_bind(a, conf_env->own4, 0);
	ss = conf_ss(conf_env->own4, conf_port(a));
	assert_int_equal(dpg_bind(b, CONF_SA(&ss)), -EADDRINUSE);
	conf_assert_unbound(b);
}

static void test_bind_reuse_addr_on_first_only_is_eaddrinuse(void **state)
{
	struct dpg_socket_opts o = { .reuse_addr = true };

	reuse_one(state, &o, NULL);
}

static void test_bind_reuse_addr_on_second_only_is_eaddrinuse(void **state)
{
	struct dpg_socket_opts o = { .reuse_addr = true };

	reuse_one(state, NULL, &o);
}

static void test_bind_reuse_port_on_one_only_is_eaddrinuse(void **state)
{
	struct dpg_socket_opts o = { .reuse_port = true };

	reuse_one(state, &o, NULL);
}

static void test_bind_not_owned4_is_eaddrnotavail(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss = conf_ss(conf_env->not_owned4, 0);

	assert_int_equal(dpg_bind(s, CONF_SA(&ss)), -EADDRNOTAVAIL);
	conf_assert_unbound(s);
}

static void test_bind_not_owned6_is_eaddrnotavail(void **state)
{
	conf_require(CONF_CAP_IPV6, "binds an IPv6 address");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_storage ss = conf_ss(conf_env->not_owned6, 0);

	assert_int_equal(dpg_bind(s, CONF_SA(&ss)), -EADDRNOTAVAIL);
	conf_assert_unbound(s);
}

/* Linux says EAFNOSUPPORT here too (inet_bind). */
static void test_bind_v4_socket_v6_address_is_eafnosupport(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_in6 sin6 = conf_sin6("::1", 0);

	assert_int_equal(dpg_bind(s, (struct sockaddr *)&sin6), -EAFNOSUPPORT);
	conf_assert_unbound(s);
}

/* Linux says EINVAL here (the sockaddr_in is shorter than sockaddr_in6);
 * dpgram has no length argument and names the real problem. */
static void test_bind_v6_socket_v4_address_is_eafnosupport(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_in sin = conf_sin("127.0.0.1", 0);

	assert_int_equal(dpg_bind(s, (struct sockaddr *)&sin), -EAFNOSUPPORT);
	conf_assert_unbound(s);
}

static void test_bind_own6(void **state)
{
	conf_require(CONF_CAP_IPV6, "binds own6");
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET6, NULL);
	struct sockaddr_storage ss;

	conf_bind(s, conf_env->own6, 0);
	assert_int_equal(dpg_address(s, &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	conf_assert_sa(&ss, conf_env->own6, -1);
	assert_int_not_equal(conf_sa_port(&ss), 0);
}

/* Bound to a loopback address: reported as such and reachable on it. */
static void bind_loopback(void **state, int family, const char *lo)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, family, rec, lo);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_address(r, &ss), 0);
	conf_assert_sa(&ss, lo, -1);
	conf_bind(s, lo, 0);
	ss = conf_ss(lo, conf_port(r));
	conf_send(s, "lo", 2, CONF_SA(&ss));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_memory_equal(rec->msg[0].data, "lo", 2);
	conf_assert_sa(&rec->msg[0].rinfo.from, lo, conf_port(s));
}

static void test_bind_loopback4(void **state)
{
	bind_loopback(state, AF_INET, "127.0.0.1");
}

static void test_bind_loopback6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends over ::1");
	bind_loopback(state, AF_INET6, "::1");
}

/* A socket bound to 127.0.0.1 does not get datagrams for own4:port. */
static void test_bind_specific_address_filters_destination(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, "127.0.0.1");
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage other = conf_ss(conf_env->own4, conf_port(r));
	struct sockaddr_storage mine = conf_ss("127.0.0.1", conf_port(r));

	conf_bind(s, "127.0.0.1", 0);
	conf_send(s, "no", 2, CONF_SA(&other));
	conf_send(s, "yes", 3, CONF_SA(&mine));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, 1);
	assert_memory_equal(rec->msg[0].data, "yes", 3);
}

/* Bound to the wildcard: datagrams to loopback and to own4 both arrive. */
static void test_bind_wildcard_receives_on_every_address(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *r = conf_rec_bound(st, AF_INET, rec, NULL);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	struct sockaddr_storage lo = conf_ss("127.0.0.1", conf_port(r));
	struct sockaddr_storage own = conf_ss(conf_env->own4, conf_port(r));

	conf_send(s, "1", 1, CONF_SA(&lo));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_send(s, "2", 1, CONF_SA(&own));
	assert_true(conf_wait_count(st, rec, 2, CONF_ARRIVE_MS));
	assert_memory_equal(rec->msg[0].data, "1", 1);
	assert_memory_equal(rec->msg[1].data, "2", 1);
}

static void test_bind_port_free_again_after_close(void **state)
{
	struct dpg_socket *a = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct dpg_socket *b = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;
	uint16_t port;

	conf_bind(a, conf_env->own4, 0);
	port = conf_port(a);
	ss = conf_ss(conf_env->own4, port);
	assert_int_equal(dpg_close(a), 0);
	assert_int_equal(dpg_bind(b, CONF_SA(&ss)), 0);
	assert_int_equal(conf_port(b), port);
}

static void test_bind_address_before_bind_is_ebadf(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	conf_assert_unbound(conf_socket(CONF_ST(state), AF_INET, NULL));
	conf_assert_unbound(conf_socket(CONF_ST(state), AF_INET6, NULL));
}

static void test_bind_null_arguments_are_einval(void **state)
{
	struct dpg_socket *s = conf_socket(CONF_ST(state), AF_INET, NULL);
	struct sockaddr_storage ss;

	assert_int_equal(dpg_bind(NULL, NULL), -EINVAL);
	assert_int_equal(dpg_address(NULL, &ss), -EINVAL);
	assert_int_equal(dpg_bind(s, NULL), 0);
	assert_int_equal(dpg_address(s, NULL), -EINVAL);
}

static const struct CMUnitTest bind_tests[] = {
	CONF_TEST(test_bind_ephemeral_null_v4),
	CONF_TEST(test_bind_ephemeral_null_v6),
	CONF_TEST(test_bind_port_zero_on_own_address),
	CONF_TEST(test_bind_ephemeral_ports_differ),
	CONF_TEST(test_bind_own_address_and_port_receives),
	CONF_TEST(test_bind_twice_is_einval),
	CONF_TEST(test_bind_after_connect_is_einval),
	CONF_TEST(test_bind_after_send_is_einval),
	CONF_TEST(test_bind_port_in_use_is_eaddrinuse),
	CONF_TEST(test_bind_wildcard_conflicts_with_specific),
	CONF_TEST(test_bind_same_port_two_addresses),
	CONF_TEST(test_bind_reuse_addr_on_both),
	CONF_TEST(test_bind_reuse_port_on_both),
	CONF_TEST(test_bind_reuse_addr_on_first_only_is_eaddrinuse),
	CONF_TEST(test_bind_reuse_addr_on_second_only_is_eaddrinuse),
	CONF_TEST(test_bind_reuse_port_on_one_only_is_eaddrinuse),
	CONF_TEST(test_bind_not_owned4_is_eaddrnotavail),
	CONF_TEST(test_bind_not_owned6_is_eaddrnotavail),
	CONF_TEST(test_bind_v4_socket_v6_address_is_eafnosupport),
	CONF_TEST(test_bind_v6_socket_v4_address_is_eafnosupport),
	CONF_TEST(test_bind_own6),
	CONF_TEST(test_bind_loopback4),
	CONF_TEST(test_bind_loopback6),
	CONF_TEST(test_bind_specific_address_filters_destination),
	CONF_TEST(test_bind_wildcard_receives_on_every_address),
	CONF_TEST(test_bind_port_free_again_after_close),
	CONF_TEST(test_bind_address_before_bind_is_ebadf),
	CONF_TEST(test_bind_null_arguments_are_einval),
};

CONF_GROUP(conf_group_bind, "bind", bind_tests);
