/* SPDX-License-Identifier: BSD-3-Clause
 *
 * TTL / hop limit as seen on the wire: a kernel socket with IP_RECVTTL /
 * IPV6_RECVHOPLIMIT is the judge, so what we assert is what a peer really
 * receives, not what the socket remembers.
 *
 * Linux defaults (and so Node's): unicast TTL 64 (net.ipv4.ip_default_ttl,
 * net.ipv6.conf.*.hop_limit), multicast TTL / hop limit 1 (RFC 1112 §6.1,
 * RFC 3493 §5.2). The two settings are independent of each other.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "conf.h"

/* A kernel receiver bound to ip:0 that reports the TTL of what arrives. */
static int kttl_sock(int family, const char *ip)
{
	int fd = conf_ksock(family, ip, 0);

	conf_ksock_recvttl(fd);
	return fd;
}

/* A kernel receiver on the wildcard joined to group on conf_env->ifname,
 * so it sees the stack's multicast (the looped-back copy on the kernel
 * backend, the wire copy on a NIC backend). */
static int kttl_member(int family, const char *group)
{
	unsigned ifindex = if_nametoindex(conf_env->ifname);
	int fd = kttl_sock(family, family == AF_INET ? "0.0.0.0" : "::");

	assert_true(ifindex > 0);
	if (family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };

		assert_int_equal(inet_pton(AF_INET, group, &mr.imr_multiaddr),
				 1);
		assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP,
					    &mr, sizeof(mr)), 0);
	} else {
		struct ipv6_mreq mr = { .ipv6mr_interface = ifindex };

		assert_int_equal(inet_pton(AF_INET6, group,
					   &mr.ipv6mr_multiaddr), 1);
		assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP,
					    &mr, sizeof(mr)), 0);
	}
	return fd;
}

/* Send "ttl?" from s to the kernel socket kfd at ip (a unicast address or
 * the group it joined); return the TTL it saw. */
static int ttl_seen(struct dpg_stack *st, struct dpg_socket *s, int kfd,
		    const char *ip)
{
	struct sockaddr_storage dst = conf_ss(ip, conf_kport(kfd));
	char buf[16];
	int ttl = -1;

	conf_send(s, "ttl?", 4, CONF_SA(&dst));
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), NULL, &ttl,
					 CONF_ARRIVE_MS), 4);
	assert_memory_equal(buf, "ttl?", 4);
	return ttl;
}

static const char *peer_of(int family)
{
	return family == AF_INET ? conf_env->peer4 : conf_env->peer6;
}

static void unicast_ttl_case(void **state, int family, int set, int want)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, family, NULL);
	int kfd = kttl_sock(family, peer_of(family));

	if (set)
		assert_int_equal(dpg_set_ttl(s, set), 0);
	assert_int_equal(ttl_seen(st, s, kfd, peer_of(family)), want);
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

static void ttl_default_is_64_v4(void **state)
{
	unicast_ttl_case(state, AF_INET, 0, 64);
}

static void hoplimit_default_is_64_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends to peer6");
	unicast_ttl_case(state, AF_INET6, 0, 64);
}

static void ttl_set_7_v4(void **state)
{
	unicast_ttl_case(state, AF_INET, 7, 7);
}

static void hoplimit_set_7_v6(void **state)
{
	conf_require(CONF_CAP_IPV6, "sends to peer6");
	unicast_ttl_case(state, AF_INET6, 7, 7);
}

/* The range ends 1 and 255 are both legal and both reach the wire. */
static void ttl_range_ends_on_wire(void **state)
{
	unicast_ttl_case(state, AF_INET, 1, 1);
	unicast_ttl_case(state, AF_INET, 255, 255);
}

/* A refused option call changes nothing: the TTL set before still applies. */
static void ttl_invalid_keeps_previous(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	int kfd = kttl_sock(AF_INET, conf_env->peer4);

	assert_int_equal(dpg_set_ttl(s, 9), 0);
	assert_int_equal(dpg_set_ttl(s, 0), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, 256), -EINVAL);
	assert_int_equal(dpg_set_ttl(s, -1), -EINVAL);
	assert_int_equal(ttl_seen(st, s, kfd, conf_env->peer4), 9);
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* A TTL set after the socket is connected still applies to its sends. */
static void ttl_set_after_connect(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);
	int kfd = kttl_sock(AF_INET, conf_env->peer4);
	struct sockaddr_in peer = conf_sin(conf_env->peer4, conf_kport(kfd));
	char buf[8];
	int ttl = -1;

	assert_int_equal(dpg_connect(s, (struct sockaddr *)&peer), 0);
	assert_int_equal(dpg_set_ttl(s, 13), 0);
	conf_send(s, "c", 1, NULL);
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), NULL, &ttl,
					 CONF_ARRIVE_MS), 1);
	assert_int_equal(ttl, 13);
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

static struct dpg_socket *mcast_sender(struct dpg_stack *st, int family)
{
	struct dpg_socket *s = conf_socket(st, family, NULL);
	char iface[IF_NAMESIZE + 4];

	if (family == AF_INET) {
		assert_int_equal(dpg_set_multicast_interface(s, conf_env->own4),
				 0);
	} else {
		snprintf(iface, sizeof(iface), "::%%%s", conf_env->ifname);
		assert_int_equal(dpg_set_multicast_interface(s, iface), 0);
	}
	return s;
}

static void mcast_ttl_case(void **state, int family, const char *group,
			   int set, int want)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = mcast_sender(st, family);
	int kfd = kttl_member(family, group);

	if (set >= 0)
		assert_int_equal(dpg_set_multicast_ttl(s, set), 0);
	assert_int_equal(ttl_seen(st, s, kfd, group), want);
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

static void mcast_ttl_default_is_1_v4(void **state)
{
	conf_require(CONF_CAP_MCAST, "sends to a group");
	mcast_ttl_case(state, AF_INET, "239.1.7.1", -1, 1);
}

static void mcast_ttl_set_3_v4(void **state)
{
	conf_require(CONF_CAP_MCAST, "sends to a group");
	mcast_ttl_case(state, AF_INET, "239.1.7.2", 3, 3);
}

static void mcast_hoplimit_default_is_1_v6(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "sends to a group");
	mcast_ttl_case(state, AF_INET6, "ff15::7:1", -1, 1);
}

static void mcast_hoplimit_set_3_v6(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "sends to a group");
	mcast_ttl_case(state, AF_INET6, "ff15::7:2", 3, 3);
}

/* IP_TTL and IP_MULTICAST_TTL are separate knobs: setting one leaves the
 * other at its default, in both directions. */
static void ttl_and_mcast_ttl_independent(void **state)
{
	conf_require(CONF_CAP_MCAST, "sends to a group");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = mcast_sender(st, AF_INET);
	int kuni = kttl_sock(AF_INET, conf_env->peer4);
	int kmc = kttl_member(AF_INET, "239.1.7.3");

	assert_int_equal(dpg_set_ttl(s, 7), 0);
	assert_int_equal(ttl_seen(st, s, kmc, "239.1.7.3"), 1);
	assert_int_equal(dpg_set_multicast_ttl(s, 3), 0);
	assert_int_equal(ttl_seen(st, s, kuni, conf_env->peer4), 7);
	assert_int_equal(ttl_seen(st, s, kmc, "239.1.7.3"), 3);
	close(kuni);
	close(kmc);
	assert_int_equal(dpg_close(s), 0);
}

/* Node's range for setMulticastTTL is 0..255; a refused value keeps the
 * previous one. */
static void mcast_ttl_invalid_keeps_previous(void **state)
{
	conf_require(CONF_CAP_MCAST, "sends to a group");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = mcast_sender(st, AF_INET);
	int kfd = kttl_member(AF_INET, "239.1.7.4");

	assert_int_equal(dpg_set_multicast_ttl(s, 5), 0);
	assert_int_equal(dpg_set_multicast_ttl(s, -1), -EINVAL);
	assert_int_equal(dpg_set_multicast_ttl(s, 256), -EINVAL);
	assert_int_equal(ttl_seen(st, s, kfd, "239.1.7.4"), 5);
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

static const struct CMUnitTest tests[] = {
	CONF_TEST(ttl_default_is_64_v4),
	CONF_TEST(hoplimit_default_is_64_v6),
	CONF_TEST(ttl_set_7_v4),
	CONF_TEST(hoplimit_set_7_v6),
	CONF_TEST(ttl_range_ends_on_wire),
	CONF_TEST(ttl_invalid_keeps_previous),
	CONF_TEST(ttl_set_after_connect),
	CONF_TEST(mcast_ttl_default_is_1_v4),
	CONF_TEST(mcast_ttl_set_3_v4),
	CONF_TEST(mcast_hoplimit_default_is_1_v6),
	CONF_TEST(mcast_hoplimit_set_3_v6),
	CONF_TEST(ttl_and_mcast_ttl_independent),
	CONF_TEST(mcast_ttl_invalid_keeps_previous),
};

CONF_GROUP(conf_group_ttl_wire, "ttl_wire", tests);
