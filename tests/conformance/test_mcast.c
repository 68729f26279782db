/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Multicast: any-source and source-specific membership, the outgoing
 * multicast interface and loopback (Node addMembership,
 * addSourceSpecificMembership, setMulticastInterface, setMulticastLoopback).
 *
 * Delivery follows Linux: a datagram a socket sends to a group is looped
 * back to local members when loopback is on (the default) and the group is
 * joined on the interface it leaves by; members get it when they joined the
 * group on that interface and, for source-specific joins, when its source is
 * the joined source.
 *
 * Linux delivers a group's datagrams to every wildcard-bound socket on the
 * port once any socket joined it there (IP_MULTICAST_ALL defaults to 1), so
 * each test joins only what it asserts about and uses a group of its own.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "conf.h"

/* "::%<ifname>": the IPv6 interface argument for conf_env->ifname. */
static const char *v6_iface(char *buf, size_t len, const char *ifname)
{
	snprintf(buf, len, "::%%%s", ifname);
	return buf;
}

/* Join / leave group any-source on own4's interface. */
static int join_own4(struct dpg_socket *m, const char *group)
{
	return dpg_add_membership(m, group, conf_env->own4);
}

static int leave_own4(struct dpg_socket *m, const char *group)
{
	return dpg_drop_membership(m, group, conf_env->own4);
}

/* Join / leave the channel (source, group) on own4's interface. */
static int ssm_join_own4(struct dpg_socket *m, const char *source,
			 const char *group)
{
	return dpg_add_source_membership(m, source, group, conf_env->own4);
}

static int ssm_leave_own4(struct dpg_socket *m, const char *source,
			  const char *group)
{
	return dpg_drop_source_membership(m, source, group, conf_env->own4);
}

/* A recording member socket bound to the wildcard on an ephemeral port. */
static struct dpg_socket *member(struct dpg_stack *st, int family,
				 struct conf_rec **rec)
{
	*rec = conf_rec_new();
	return conf_rec_bound(st, family, *rec, NULL);
}

/* A sender bound to ip (NULL: unbound) with its multicast interface set. */
static struct dpg_socket *sender(struct dpg_stack *st, int family,
				 const char *ip, const char *iface)
{
	struct dpg_socket *s = conf_socket(st, family, NULL);

	if (ip != NULL)
		conf_bind(s, ip, 0);
	assert_int_equal(dpg_set_multicast_interface(s, iface), 0);
	return s;
}

static void send_group(struct dpg_socket *s, const char *group, uint16_t port,
		       const char *msg)
{
	struct sockaddr_storage dst = conf_ss(group, port);

	conf_send(s, msg, strlen(msg), CONF_SA(&dst));
}

/* rec got exactly one datagram, msg, from ip (NULL: any) and port. */
static void assert_got_one(struct dpg_stack *st, struct conf_rec *rec,
			   const char *msg, const char *ip, uint16_t port)
{
	size_t len = strlen(msg);

	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, 1);
	assert_int_equal(rec->msg[0].len, len);
	assert_memory_equal(rec->msg[0].data, msg, len);
	conf_assert_sa(&rec->msg[0].rinfo.from, ip, port);
}

static void assert_nothing(struct dpg_stack *st, struct conf_rec *rec,
			   unsigned count)
{
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, count);
}

/* ---- any-source membership ---- */

static void mcast_join_receive_v4(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, conf_env->own4,
				      conf_env->own4);

	assert_int_equal(join_own4(m, "239.1.2.3"), 0);
	send_group(s, "239.1.2.3", conf_port(m), "hello-group");
	assert_got_one(st, rec, "hello-group", conf_env->own4, conf_port(s));
	assert_int_equal(rec->msg[0].rinfo.size, 11);
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* Loopback off: the local member gets nothing; back on, it gets the next
 * one (so the silence was the option, not a broken path). */
static void mcast_loopback_off_nothing(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins a group");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	uint16_t port = conf_port(m);

	assert_int_equal(join_own4(m, "239.1.2.10"), 0);
	assert_int_equal(dpg_set_multicast_loopback(s, false), 0);
	send_group(s, "239.1.2.10", port, "silent");
	assert_nothing(st, rec, 0);
	assert_int_equal(dpg_set_multicast_loopback(s, true), 0);
	send_group(s, "239.1.2.10", port, "looped");
	assert_got_one(st, rec, "looped", NULL, conf_port(s));
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* After drop_membership nothing arrives, and a second drop is refused. */
static void mcast_drop_membership_stops(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	uint16_t port = conf_port(m);

	assert_int_equal(join_own4(m, "239.1.2.11"), 0);
	send_group(s, "239.1.2.11", port, "in");
	assert_got_one(st, rec, "in", NULL, conf_port(s));
	assert_int_equal(leave_own4(m, "239.1.2.11"), 0);
	send_group(s, "239.1.2.11", port, "out");
	assert_nothing(st, rec, 1);
	assert_int_equal(leave_own4(m, "239.1.2.11"), -EADDRNOTAVAIL);
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* IP_ADD_MEMBERSHIP twice on one interface is EADDRINUSE in Linux; another
 * interface is a separate membership. */
static void mcast_join_twice_eaddrinuse(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *m = conf_socket(st, AF_INET, NULL);

	assert_int_equal(join_own4(m, "239.1.2.12"), 0);
	assert_int_equal(join_own4(m, "239.1.2.12"), -EADDRINUSE);
	assert_int_equal(dpg_add_membership(m, "239.1.2.12",
					    conf_env->other_own4), 0);
	assert_int_equal(leave_own4(m, "239.1.2.12"), 0);
	assert_int_equal(dpg_drop_membership(m, "239.1.2.12",
					     conf_env->other_own4), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* Group addresses of the other family, and unicast "groups", are EINVAL. */
static void mcast_group_wrong_family_einval(void **state)
{
	conf_require(CONF_CAP_IPV6, "opens an IPv6 socket");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s4 = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *s6 = conf_socket(st, AF_INET6, NULL);

	assert_int_equal(dpg_add_membership(s4, "ff15::1234", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s6, "239.1.2.3", NULL), -EINVAL);
	assert_int_equal(dpg_add_membership(s4, conf_env->peer4, NULL),
			 -EINVAL);
	assert_int_equal(dpg_add_membership(s6, conf_env->peer6, NULL),
			 -EINVAL);
	assert_int_equal(dpg_add_source_membership(s4, conf_env->own4,
						   "ff35::1:2", NULL), -EINVAL);
	assert_int_equal(dpg_add_source_membership(s6, conf_env->own6,
						   "232.1.1.1", NULL), -EINVAL);
	assert_int_equal(dpg_close(s6), 0);
	assert_int_equal(dpg_close(s4), 0);
}

/* Interfaces the stack does not own are EADDRNOTAVAIL, unparsable ones
 * EINVAL (Linux IP_MULTICAST_IF: EADDRNOTAVAIL; IP_ADD_MEMBERSHIP on an
 * unknown interface address: ENODEV, which dpgram reports as the header
 * says, EADDRNOTAVAIL). */
static void mcast_bad_interface(void **state)
{
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET, NULL);

	assert_int_equal(dpg_set_multicast_interface(s, conf_env->not_owned4),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_set_multicast_interface(s, "not-an-ip"), -EINVAL);
	assert_int_equal(dpg_set_multicast_interface(s, "::1"), -EINVAL);
	assert_int_equal(dpg_add_membership(s, "239.1.2.13",
					    conf_env->not_owned4),
			 -EADDRNOTAVAIL);
	assert_int_equal(dpg_add_membership(s, "239.1.2.13", "not-an-ip"),
			 -EINVAL);
	assert_int_equal(dpg_close(s), 0);
}

static void mcast_join_receive_v6(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	char iface[IF_NAMESIZE + 4];
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET6, &rec);
	struct dpg_socket *s;

	v6_iface(iface, sizeof(iface), conf_env->ifname);
	s = sender(st, AF_INET6, NULL, iface);
	assert_int_equal(dpg_add_membership(m, "ff15::1234", iface), 0);
	send_group(s, "ff15::1234", conf_port(m), "hello-v6");
	/* RFC 6724 source selection: the site-scope group gets own6, the
	 * interface's global-scope address, not its link-local one. */
	assert_got_one(st, rec, "hello-v6", conf_env->own6, conf_port(s));
	assert_int_equal(rec->msg[0].rinfo.from.ss_family, AF_INET6);
	assert_int_equal(dpg_add_membership(m, "ff15::1234", iface),
			 -EADDRINUSE);
	assert_int_equal(dpg_drop_membership(m, "ff15::1234", iface), 0);
	send_group(s, "ff15::1234", conf_port(m), "gone");
	assert_nothing(st, rec, 1);
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* The outgoing interface decides who hears: a member on other_own4's
 * interface only gets nothing sent via own4, and gets what is sent via
 * other_own4. */
static void mcast_interface_choice_v4(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	uint16_t port = conf_port(m);
	uint32_t ifindex;

	assert_int_equal(dpg_add_membership(m, "239.1.2.14",
					    conf_env->other_own4), 0);
	send_group(s, "239.1.2.14", port, "via-own4");
	assert_nothing(st, rec, 0);
	assert_int_equal(dpg_set_multicast_interface(s, conf_env->other_own4),
			 0);
	send_group(s, "239.1.2.14", port, "via-other");
	assert_got_one(st, rec, "via-other", conf_env->other_own4,
		       conf_port(s));
	/* The receiving interface, where the backend knows it. */
	ifindex = rec->msg[0].rinfo.ifindex;
	assert_true(ifindex == 0 ||
		    ifindex == if_nametoindex(conf_env->other_ifname));
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* "0.0.0.0" returns the choice to the stack: the route for 224.0.0.0/4 is
 * via conf_env->ifname, so a member joined there hears it again. */
static void mcast_interface_reset_default(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->other_own4);
	uint16_t port = conf_port(m);

	assert_int_equal(join_own4(m, "239.1.2.15"), 0);
	send_group(s, "239.1.2.15", port, "via-other");
	assert_nothing(st, rec, 0);
	assert_int_equal(dpg_set_multicast_interface(s, "0.0.0.0"), 0);
	send_group(s, "239.1.2.15", port, "default");
	assert_got_one(st, rec, "default", NULL, conf_port(s));
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* Two reuse_addr sockets on one port, both joined: each gets a copy. */
static void mcast_reuse_addr_both_receive(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket_opts reuse = { .reuse_addr = true };
	struct conf_rec *ra = conf_rec_new(), *rb = conf_rec_new();
	struct dpg_socket *a = conf_rec_socket(st, AF_INET, ra, &reuse);
	struct dpg_socket *b = conf_rec_socket(st, AF_INET, rb, &reuse);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	uint16_t port;

	conf_bind(a, "0.0.0.0", 0);
	port = conf_port(a);
	conf_bind(b, "0.0.0.0", port);
	assert_int_equal(join_own4(a, "239.1.2.16"), 0);
	assert_int_equal(join_own4(b, "239.1.2.16"), 0);
	send_group(s, "239.1.2.16", port, "both");
	assert_got_one(st, ra, "both", NULL, conf_port(s));
	assert_got_one(st, rb, "both", NULL, conf_port(s));
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(b), 0);
	assert_int_equal(dpg_close(a), 0);
}

/* A kernel member joined on conf_env->ifname gets a dpgram sender's
 * datagram. */
static void mcast_kernel_member_receives(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	int kfd = conf_ksock(AF_INET, "0.0.0.0", 0);
	struct ip_mreqn mr = { 0 };
	struct sockaddr_storage from;
	char buf[32];

	mr.imr_ifindex = (int)if_nametoindex(conf_env->ifname);
	assert_int_equal(inet_pton(AF_INET, "239.1.2.17", &mr.imr_multiaddr),
			 1);
	assert_int_equal(setsockopt(kfd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr,
				    sizeof(mr)), 0);
	send_group(s, "239.1.2.17", conf_kport(kfd), "to-kernel");
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 9);
	assert_memory_equal(buf, "to-kernel", 9);
	conf_assert_sa(&from, conf_env->own4, conf_port(s));
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* A dpgram member joined on own4's interface gets the datagram a kernel
 * sender on the peer's side of that link sends to the group
 * (IP_MULTICAST_IF peer4): it crosses the wire on both backends. */
static void mcast_member_gets_kernel_sender(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_in dst = conf_sin("239.1.2.18", conf_port(m));
	struct in_addr ifaddr;

	assert_int_equal(join_own4(m, "239.1.2.18"), 0);
	assert_int_equal(inet_pton(AF_INET, conf_env->peer4, &ifaddr), 1);
	assert_int_equal(setsockopt(kfd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr,
				    sizeof(ifaddr)), 0);
	conf_ksend(kfd, "from-kernel", 11, (struct sockaddr *)&dst);
	assert_got_one(st, rec, "from-kernel", conf_env->peer4, conf_kport(kfd));
	close(kfd);
	assert_int_equal(dpg_close(m), 0);
}

/* The same over IPv6: a kernel sender bound to peer6 whose multicast
 * interface is the peer's side of the link (IPV6_MULTICAST_IF); the member
 * joined on "::%ifname" gets it from peer6, with the receiving interface
 * in rinfo where the backend knows it. */
static void mcast_member_gets_kernel_sender_v6(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	char iface[IF_NAMESIZE + 4];
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET6, &rec);
	int kfd = conf_ksock(AF_INET6, conf_env->peer6, 0);
	struct sockaddr_in6 dst = conf_sin6("ff15::1:18", conf_port(m));
	int out = (int)conf_ifindex_of(conf_env->peer6);
	uint32_t ifindex;

	v6_iface(iface, sizeof(iface), conf_env->ifname);
	assert_int_equal(dpg_add_membership(m, "ff15::1:18", iface), 0);
	assert_int_equal(setsockopt(kfd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &out,
				    sizeof(out)), 0);
	conf_ksend(kfd, "from-kernel6", 12, (struct sockaddr *)&dst);
	assert_got_one(st, rec, "from-kernel6", conf_env->peer6, conf_kport(kfd));
	ifindex = rec->msg[0].rinfo.ifindex;
	assert_true(ifindex == 0 || ifindex == if_nametoindex(conf_env->ifname));
	close(kfd);
	assert_int_equal(dpg_close(m), 0);
}

/* Without an interface the stack chooses by route (224.0.0.0/4 via
 * conf_env->ifname here): the join is the same membership as one on own4,
 * and a drop without interface leaves it (Linux: both, EADDRINUSE and
 * EADDRNOTAVAIL on the repeats). */
static void mcast_join_without_iface_uses_route(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	uint16_t port = conf_port(m);

	assert_int_equal(dpg_add_membership(m, "239.1.2.23", NULL), 0);
	assert_int_equal(join_own4(m, "239.1.2.23"), -EADDRINUSE);
	send_group(s, "239.1.2.23", port, "routed");
	assert_got_one(st, rec, "routed", NULL, conf_port(s));
	assert_int_equal(dpg_drop_membership(m, "239.1.2.23", NULL), 0);
	assert_int_equal(dpg_drop_membership(m, "239.1.2.23", NULL),
			 -EADDRNOTAVAIL);
	send_group(s, "239.1.2.23", port, "left");
	assert_nothing(st, rec, 1);
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* A drop without interface leaves a membership made on a named one (Node:
 * "the operating system will attempt to drop membership on all valid
 * interfaces"). */
static void mcast_drop_without_iface(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);

	assert_int_equal(join_own4(m, "239.1.2.24"), 0);
	assert_int_equal(dpg_drop_membership(m, "239.1.2.24", NULL), 0);
	send_group(s, "239.1.2.24", conf_port(m), "left");
	assert_nothing(st, rec, 0);
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* TTL 0 keeps a datagram on the host (RFC 1112 §6.1) but the looped-back
 * copy is still delivered to local members, as in Linux. */
static void mcast_ttl_0_still_loops_back(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins a group");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);

	assert_int_equal(join_own4(m, "239.1.2.22"), 0);
	assert_int_equal(dpg_set_multicast_ttl(s, 0), 0);
	send_group(s, "239.1.2.22", conf_port(m), "ttl0");
	assert_got_one(st, rec, "ttl0", NULL, conf_port(s));
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* Group traffic is for sockets bound to the wildcard or to the group: a
 * member bound to own4 gets none of it (Linux __udp4_lib_mcast_deliver
 * matches the bound address against the destination), though unicast to
 * own4:port still reaches it. */
static void mcast_member_bound_to_unicast_gets_nothing(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *m = conf_rec_bound(st, AF_INET, rec, conf_env->own4);
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	struct sockaddr_in uni = conf_sin(conf_env->own4, conf_port(m));

	assert_int_equal(join_own4(m, "239.1.2.25"), 0);
	send_group(s, "239.1.2.25", conf_port(m), "group");
	assert_nothing(st, rec, 0);
	conf_send(s, "unicast", 7, (struct sockaddr *)&uni);
	assert_got_one(st, rec, "unicast", NULL, conf_port(s));
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* Binding to the group address itself (allowed by Linux and used by Node
 * programs to listen to one group only): the group's datagrams arrive,
 * unicast to own4 on that port does not. */
static void mcast_member_bound_to_group_receives(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins groups");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec = conf_rec_new();
	struct dpg_socket *m = conf_rec_bound(st, AF_INET, rec, "239.1.2.26");
	struct dpg_socket *s = sender(st, AF_INET, NULL, conf_env->own4);
	struct sockaddr_in uni = conf_sin(conf_env->own4, conf_port(m));

	assert_int_equal(join_own4(m, "239.1.2.26"), 0);
	assert_int_equal(dpg_send(s, "unicast", 7, (struct sockaddr *)&uni), 0);
	assert_nothing(st, rec, 0);
	send_group(s, "239.1.2.26", conf_port(m), "group");
	assert_got_one(st, rec, "group", NULL, conf_port(s));
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* ---- source-specific membership ---- */

/* A member of (own4, 232.1.1.1) on own4: delivers from a sender bound to
 * own4, not from one bound to other_own4, though both leave via own4. */
static void mcast_ssm_v4_source_filter(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *good = sender(st, AF_INET, conf_env->own4,
					 conf_env->own4);
	struct dpg_socket *bad = sender(st, AF_INET, conf_env->other_own4,
					conf_env->own4);
	uint16_t port = conf_port(m);

	assert_int_equal(ssm_join_own4(m, conf_env->own4, "232.1.1.1"), 0);
	send_group(bad, "232.1.1.1", port, "other-source");
	assert_nothing(st, rec, 0);
	send_group(good, "232.1.1.1", port, "the-source");
	assert_got_one(st, rec, "the-source", conf_env->own4, conf_port(good));
	assert_int_equal(dpg_close(bad), 0);
	assert_int_equal(dpg_close(good), 0);
	assert_int_equal(dpg_close(m), 0);
}

static void mcast_ssm_v4_drop_stops(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, conf_env->own4,
				      conf_env->own4);
	uint16_t port = conf_port(m);

	assert_int_equal(ssm_join_own4(m, conf_env->own4, "232.1.1.2"), 0);
	send_group(s, "232.1.1.2", port, "joined");
	assert_got_one(st, rec, "joined", conf_env->own4, conf_port(s));
	assert_int_equal(ssm_leave_own4(m, conf_env->own4, "232.1.1.2"), 0);
	send_group(s, "232.1.1.2", port, "left");
	assert_nothing(st, rec, 1);
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

static void mcast_ssm_v6_source_filter(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	char iface[IF_NAMESIZE + 4];
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET6, &rec);
	struct dpg_socket *good, *bad;
	uint16_t port = conf_port(m);

	v6_iface(iface, sizeof(iface), conf_env->ifname);
	good = sender(st, AF_INET6, conf_env->own6, iface);
	bad = sender(st, AF_INET6, conf_env->other_own6, iface);
	assert_int_equal(dpg_add_source_membership(m, conf_env->own6,
						   "ff35::1:2", iface), 0);
	send_group(bad, "ff35::1:2", port, "other-source");
	assert_nothing(st, rec, 0);
	send_group(good, "ff35::1:2", port, "the-source");
	assert_got_one(st, rec, "the-source", conf_env->own6, conf_port(good));
	assert_int_equal(dpg_drop_source_membership(m, conf_env->own6,
						    "ff35::1:2", iface), 0);
	send_group(good, "ff35::1:2", port, "left");
	assert_nothing(st, rec, 1);
	assert_int_equal(dpg_close(bad), 0);
	assert_int_equal(dpg_close(good), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* A source-specific join without an interface uses the route, as the
 * any-source one does. */
static void mcast_ssm_without_iface(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *m = member(st, AF_INET, &rec);
	struct dpg_socket *s = sender(st, AF_INET, conf_env->own4,
				      conf_env->own4);

	assert_int_equal(dpg_add_source_membership(m, conf_env->own4,
						   "232.1.1.9", NULL), 0);
	send_group(s, "232.1.1.9", conf_port(m), "routed-ssm");
	assert_got_one(st, rec, "routed-ssm", conf_env->own4, conf_port(s));
	assert_int_equal(dpg_drop_source_membership(m, conf_env->own4,
						    "232.1.1.9", NULL), 0);
	assert_int_equal(dpg_close(s), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* Joining the same channel twice is EADDRINUSE (the header's rule, as for
 * any-source joins; Linux itself says EADDRNOTAVAIL here). A second source
 * in the same group is a separate channel and is accepted. */
static void mcast_ssm_join_twice_eaddrinuse(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *m = conf_socket(st, AF_INET, NULL);

	assert_int_equal(ssm_join_own4(m, conf_env->own4, "232.1.1.3"), 0);
	assert_int_equal(ssm_join_own4(m, conf_env->own4, "232.1.1.3"),
			 -EADDRINUSE);
	assert_int_equal(ssm_join_own4(m, conf_env->other_own4, "232.1.1.3"),
			 0);
	assert_int_equal(dpg_close(m), 0);
}

/* Leaving a channel never joined is EADDRNOTAVAIL: a source not joined in a
 * joined group (Linux: EADDRNOTAVAIL), and a group never joined (Linux:
 * EINVAL; the header asks for EADDRNOTAVAIL). */
static void mcast_ssm_drop_unjoined_eaddrnotavail(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *m = conf_socket(st, AF_INET, NULL);

	assert_int_equal(ssm_join_own4(m, conf_env->own4, "232.1.1.4"), 0);
	assert_int_equal(ssm_leave_own4(m, conf_env->other_own4, "232.1.1.4"),
			 -EADDRNOTAVAIL);
	assert_int_equal(ssm_leave_own4(m, conf_env->own4, "232.1.1.5"),
			 -EADDRNOTAVAIL);
	/* The failed drops changed nothing: the real channel is still there. */
	assert_int_equal(ssm_leave_own4(m, conf_env->own4, "232.1.1.4"), 0);
	assert_int_equal(dpg_close(m), 0);
}

/* A source must be a unicast address of the socket's family (Linux accepts
 * a multicast source silently; the header refuses it). */
static void mcast_ssm_source_not_unicast_einval(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s4 = conf_socket(st, AF_INET, NULL);
	struct dpg_socket *s6 = conf_socket(st, AF_INET6, NULL);
	char iface[IF_NAMESIZE + 4];

	v6_iface(iface, sizeof(iface), conf_env->ifname);
	assert_int_equal(ssm_join_own4(s4, "224.1.1.1", "232.1.1.6"), -EINVAL);
	assert_int_equal(ssm_join_own4(s4, conf_env->own6, "232.1.1.6"),
			 -EINVAL);
	assert_int_equal(dpg_add_source_membership(s6, "ff02::1", "ff35::1:3",
						   iface), -EINVAL);
	/* The refused calls left nothing behind that a valid join trips on. */
	assert_int_equal(ssm_join_own4(s4, conf_env->own4, "232.1.1.6"), 0);
	assert_int_equal(dpg_close(s6), 0);
	assert_int_equal(dpg_close(s4), 0);
}

/* A group joined any-source on an interface cannot also be joined
 * source-specific there (header; Linux would switch the filter mode). */
static void mcast_ssm_on_asm_group_einval(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *m = conf_socket(st, AF_INET, NULL);

	assert_int_equal(join_own4(m, "232.1.1.7"), 0);
	assert_int_equal(ssm_join_own4(m, conf_env->own4, "232.1.1.7"),
			 -EINVAL);
	assert_int_equal(dpg_close(m), 0);
}

/* The reverse: a group joined source-specific on an interface is joined
 * there, so an any-source join is EADDRINUSE (Linux: EADDRINUSE too). */
static void mcast_asm_on_ssm_group_eaddrinuse(void **state)
{
	conf_require(CONF_CAP_MCAST, "joins channels");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *m = conf_socket(st, AF_INET, NULL);

	assert_int_equal(ssm_join_own4(m, conf_env->own4, "232.1.1.8"), 0);
	assert_int_equal(join_own4(m, "232.1.1.8"), -EADDRINUSE);
	assert_int_equal(dpg_close(m), 0);
}

static const struct CMUnitTest tests[] = {
	CONF_TEST(mcast_join_receive_v4),
	CONF_TEST(mcast_loopback_off_nothing),
	CONF_TEST(mcast_drop_membership_stops),
	CONF_TEST(mcast_join_twice_eaddrinuse),
	CONF_TEST(mcast_group_wrong_family_einval),
	CONF_TEST(mcast_bad_interface),
	CONF_TEST(mcast_join_receive_v6),
	CONF_TEST(mcast_interface_choice_v4),
	CONF_TEST(mcast_interface_reset_default),
	CONF_TEST(mcast_reuse_addr_both_receive),
	CONF_TEST(mcast_kernel_member_receives),
	CONF_TEST(mcast_member_gets_kernel_sender),
	CONF_TEST(mcast_member_gets_kernel_sender_v6),
	CONF_TEST(mcast_join_without_iface_uses_route),
	CONF_TEST(mcast_drop_without_iface),
	CONF_TEST(mcast_ttl_0_still_loops_back),
	CONF_TEST(mcast_member_bound_to_unicast_gets_nothing),
	CONF_TEST(mcast_member_bound_to_group_receives),
	CONF_TEST(mcast_ssm_v4_source_filter),
	CONF_TEST(mcast_ssm_v4_drop_stops),
	CONF_TEST(mcast_ssm_v6_source_filter),
	CONF_TEST(mcast_ssm_without_iface),
	CONF_TEST(mcast_ssm_join_twice_eaddrinuse),
	CONF_TEST(mcast_ssm_drop_unjoined_eaddrnotavail),
	CONF_TEST(mcast_ssm_source_not_unicast_einval),
	CONF_TEST(mcast_ssm_on_asm_group_einval),
	CONF_TEST(mcast_asm_on_ssm_group_eaddrinuse),
};

CONF_GROUP(conf_group_mcast, "mcast", tests);
