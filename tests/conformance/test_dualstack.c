/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Dual stack (RFC 3493 §3.7, §5.3) and IPv6 scopes (RFC 4007 §11).
 *
 * An AF_INET6 socket is dual stack unless ipv6_only is set (Linux default
 * net.ipv6.bindv6only = 0; Node's ipv6Only option): bound to "::" it also
 * owns the IPv4 wildcard on its port, IPv4 senders appear as ::ffff:a.b.c.d,
 * and it can send to such v4-mapped destinations, with the IPv4 size limit.
 * Link-local senders carry their interface as sin6_scope_id (Node appends
 * "%ifname" to rinfo.address).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "conf.h"

/* "::ffff:<ipv4>", the v4-mapped form of an IPv4 address. */
static const char *mapped(char *buf, size_t len, const char *ip4)
{
	snprintf(buf, len, "::ffff:%s", ip4);
	return buf;
}

/* ip4:port as a v4-mapped IPv6 sockaddr. */
static struct sockaddr_storage mapped_ss(const char *ip4, uint16_t port)
{
	char ip[64];

	return conf_ss(mapped(ip, sizeof(ip), ip4), port);
}

static struct dpg_socket *v6_bound(struct dpg_stack *st, struct conf_rec **rec,
				   bool v6only)
{
	struct dpg_socket_opts o = { .ipv6_only = v6only };
	struct dpg_socket *s;

	*rec = conf_rec_new();
	s = conf_rec_socket(st, AF_INET6, *rec, &o);
	conf_bind(s, "::", 0);
	return s;
}

/* The kernel's link-local address on ifname, as "fe80::...%ifname". */
static void link_local_of(const char *ifname, char *buf, size_t len)
{
	struct ifaddrs *ifa, *p;
	char ip[INET6_ADDRSTRLEN] = "";

	assert_int_equal(getifaddrs(&ifa), 0);
	for (p = ifa; p != NULL && ip[0] == '\0'; p = p->ifa_next) {
		const struct sockaddr_in6 *a = (const void *)p->ifa_addr;

		if (a == NULL || a->sin6_family != AF_INET6 ||
		    strcmp(p->ifa_name, ifname) != 0 ||
		    !IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr))
			continue;
		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
	}
	freeifaddrs(ifa);
	if (ip[0] == '\0')
		fail_msg("no IPv6 link-local address on %s", ifname);
	snprintf(buf, len, "%s%%%s", ip, ifname);
}

/* ---- receiving IPv4 on an IPv6 socket ---- */

static void ds_v6_any_receives_v4_mapped(void **state)
{
	conf_require(CONF_CAP_IPV6, "dual-stack sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage dst = conf_ss(conf_env->own4, conf_port(s));
	char want[64];

	conf_ksend(kfd, "from-v4", 7, CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_int_equal(rec->msg[0].len, 7);
	assert_int_equal(rec->msg[0].rinfo.size, 7);
	assert_memory_equal(rec->msg[0].data, "from-v4", 7);
	assert_int_equal(rec->msg[0].rinfo.from.ss_family, AF_INET6);
	mapped(want, sizeof(want), conf_env->peer4);
	conf_assert_sa(&rec->msg[0].rinfo.from, want, conf_kport(kfd));
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* One dual-stack socket serves both families; each sender keeps its form. */
static void ds_v6_any_receives_both_families(void **state)
{
	conf_require(CONF_CAP_IPV6, "dual-stack sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	int k4 = conf_ksock(AF_INET, conf_env->peer4, 0);
	int k6 = conf_ksock(AF_INET6, conf_env->peer6, 0);
	struct sockaddr_storage d4 = conf_ss(conf_env->own4, conf_port(s));
	struct sockaddr_storage d6 = conf_ss(conf_env->own6, conf_port(s));
	char want[64];

	conf_ksend(k4, "4", 1, CONF_SA(&d4));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_ksend(k6, "6", 1, CONF_SA(&d6));
	assert_true(conf_wait_count(st, rec, 2, CONF_ARRIVE_MS));
	mapped(want, sizeof(want), conf_env->peer4);
	conf_assert_sa(&rec->msg[0].rinfo.from, want, conf_kport(k4));
	conf_assert_sa(&rec->msg[1].rinfo.from, conf_env->peer6,
		       conf_kport(k6));
	close(k6);
	close(k4);
	assert_int_equal(dpg_close(s), 0);
}

/* ipv6_only: IPv4 does not reach the socket, its port stays free for an
 * IPv4 socket, and IPv6 still arrives. */
static void ds_v6only_ignores_v4(void **state)
{
	conf_require(CONF_CAP_IPV6, "dual-stack sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec, *rec4 = conf_rec_new();
	struct dpg_socket *s = v6_bound(st, &rec, true);
	struct dpg_socket *s4 = conf_rec_socket(st, AF_INET, rec4, NULL);
	int k4 = conf_ksock(AF_INET, conf_env->peer4, 0);
	int k6 = conf_ksock(AF_INET6, conf_env->peer6, 0);
	uint16_t port = conf_port(s);
	struct sockaddr_storage d4 = conf_ss(conf_env->own4, port);
	struct sockaddr_storage d6 = conf_ss(conf_env->own6, port);

	conf_ksend(k4, "lost", 4, CONF_SA(&d4));
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, 0);
	conf_bind(s4, "0.0.0.0", port);
	conf_ksend(k4, "v4", 2, CONF_SA(&d4));
	assert_true(conf_wait_count(st, rec4, 1, CONF_ARRIVE_MS));
	conf_ksend(k6, "v6", 2, CONF_SA(&d6));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_memory_equal(rec->msg[0].data, "v6", 2);
	conf_poll_for(st, CONF_QUIET_MS);
	assert_int_equal(rec->count, 1);
	assert_int_equal(rec4->count, 1);
	close(k6);
	close(k4);
	assert_int_equal(dpg_close(s4), 0);
	assert_int_equal(dpg_close(s), 0);
}

/* Without ipv6_only "::" also holds 0.0.0.0 on the port (Linux: EADDRINUSE). */
static void ds_dual_stack_holds_v4_port(void **state)
{
	conf_require(CONF_CAP_IPV6, "dual-stack sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	struct dpg_socket *s4 = conf_socket(st, AF_INET, NULL);
	struct sockaddr_in any = conf_sin("0.0.0.0", conf_port(s));

	assert_int_equal(dpg_bind(s4, (struct sockaddr *)&any), -EADDRINUSE);
	assert_int_equal(dpg_close(s4), 0);
	assert_int_equal(dpg_close(s), 0);
}

/* ---- sending to v4-mapped destinations ---- */

static void ds_send_to_v4_mapped(void **state)
{
	conf_require(CONF_CAP_IPV6, "dual-stack sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage dst = mapped_ss(conf_env->peer4,
						conf_kport(kfd));
	struct sockaddr_storage from;
	char buf[32];

	conf_send(s, "to-v4", 5, CONF_SA(&dst));
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 5);
	assert_memory_equal(buf, "to-v4", 5);
	assert_int_equal(from.ss_family, AF_INET);
	conf_assert_sa(&from, NULL, conf_port(s));
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* The echo-server case: answer an IPv4 client at the mapped address it
 * arrived from. */
static void ds_reply_to_mapped_sender(void **state)
{
	conf_require(CONF_CAP_IPV6, "dual-stack sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage dst = conf_ss(conf_env->own4, conf_port(s));
	struct sockaddr_storage from;
	char buf[32];

	conf_ksend(kfd, "ping", 4, CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_send(s, "pong", 4, CONF_SA(&rec->msg[0].rinfo.from));
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 4);
	assert_memory_equal(buf, "pong", 4);
	/* The source address is the route's choice (on the kernel backend the
	 * peer's own address: it is local); the port is the socket's. */
	assert_int_equal(from.ss_family, AF_INET);
	conf_assert_sa(&from, NULL, conf_port(s));
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* connect() to a mapped peer: the remote address keeps the mapped form,
 * and traffic flows both ways. */
static void ds_connect_v4_mapped(void **state)
{
	conf_require(CONF_CAP_IPV6, "dual-stack sockets");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	int kfd = conf_ksock(AF_INET, conf_env->peer4, 0);
	struct sockaddr_storage peer = mapped_ss(conf_env->peer4,
						 conf_kport(kfd));
	struct sockaddr_storage remote, from;
	char buf[16], ip[64];

	mapped(ip, sizeof(ip), conf_env->peer4);
	assert_int_equal(dpg_connect(s, CONF_SA(&peer)), 0);
	assert_int_equal(dpg_remote_address(s, &remote), 0);
	assert_int_equal(remote.ss_family, AF_INET6);
	conf_assert_sa(&remote, ip, conf_kport(kfd));
	conf_send(s, "hi", 2, NULL);
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 2);
	conf_ksend(kfd, "back", 4, CONF_SA(&from));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	assert_memory_equal(rec->msg[0].data, "back", 4);
	conf_assert_sa(&rec->msg[0].rinfo.from, ip, conf_kport(kfd));
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* An ipv6_only socket has no IPv4 path: Linux udpv6_sendmsg and
 * ip6_datagram_connect refuse mapped destinations with ENETUNREACH. */
static void ds_v6only_mapped_enetunreach(void **state)
{
	conf_require(CONF_CAP_IPV6, "IPv6 routes");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, true);
	struct sockaddr_storage dst = mapped_ss(conf_env->peer4, 9);

	assert_int_equal(dpg_send(s, "x", 1, CONF_SA(&dst)), -ENETUNREACH);
	assert_int_equal(dpg_connect(s, CONF_SA(&dst)), -ENETUNREACH);
	assert_int_equal(dpg_close(s), 0);
}

/* A mapped destination is IPv4 on the wire: 65507 bytes is its limit
 * (-EMSGSIZE beyond), while 65508 bytes to an IPv6 destination is fine. */
static void ds_v4_mapped_size_limit(void **state)
{
	conf_require(CONF_CAP_IPV6 | CONF_CAP_FRAG,
		     "65507 and 65508 bytes to the peer across the wire");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	int k4 = conf_ksock(AF_INET, conf_env->peer4, 0);
	int k6 = conf_ksock(AF_INET6, conf_env->peer6, 0);
	struct sockaddr_storage d4 = mapped_ss(conf_env->peer4, conf_kport(k4));
	struct sockaddr_storage d6 = conf_ss(conf_env->peer6, conf_kport(k6));
	size_t cap = DPG_MAX_PAYLOAD4 + 16;
	unsigned char *buf = conf_alloc(cap);
	unsigned char *big = conf_alloc(cap);

	memset(big, 0x5a, cap);
	assert_int_equal(dpg_send(s, big, DPG_MAX_PAYLOAD4 + 1, CONF_SA(&d4)),
			 -EMSGSIZE);
	assert_int_equal(dpg_send(s, big, DPG_MAX_PAYLOAD4, CONF_SA(&d4)), 0);
	assert_int_equal(conf_krecv_poll(st, k4, buf, cap, NULL, NULL,
					 CONF_ARRIVE_MS), DPG_MAX_PAYLOAD4);
	assert_memory_equal(buf, big, DPG_MAX_PAYLOAD4);
	assert_int_equal(dpg_send(s, big, DPG_MAX_PAYLOAD4 + 1, CONF_SA(&d6)),
			 0);
	assert_int_equal(conf_krecv_poll(st, k6, buf, cap, NULL, NULL,
					 CONF_ARRIVE_MS), DPG_MAX_PAYLOAD4 + 1);
	close(k6);
	close(k4);
	assert_int_equal(dpg_close(s), 0);
}

/* ---- link-local scope ---- */

/* A link-local sender arrives with its interface as sin6_scope_id. */
static void ds_link_local_sender_has_scope(void **state)
{
	conf_require(CONF_CAP_IPV6, "link-local addresses");
	struct dpg_stack *st = CONF_ST(state);
	struct conf_rec *rec;
	struct dpg_socket *s = v6_bound(st, &rec, false);
	char ll[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	int kfd;
	struct sockaddr_storage dst = conf_ss(conf_env->own6, conf_port(s));
	const struct sockaddr_in6 *from6;

	link_local_of(conf_env->ifname, ll, sizeof(ll));
	kfd = conf_ksock(AF_INET6, ll, 0);
	conf_ksend(kfd, "ll", 2, CONF_SA(&dst));
	assert_true(conf_wait_count(st, rec, 1, CONF_ARRIVE_MS));
	conf_assert_sa(&rec->msg[0].rinfo.from, ll, conf_kport(kfd));
	from6 = (const struct sockaddr_in6 *)&rec->msg[0].rinfo.from;
	assert_int_equal(from6->sin6_scope_id,
			 if_nametoindex(conf_env->ifname));
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* Sending to "fe80::...%ifname" (parsed by dpg_ip6_addr) reaches it, and
 * the source is a link-local address of that interface. */
static void ds_send_to_link_local(void **state)
{
	conf_require(CONF_CAP_IPV6, "link-local addresses");
	struct dpg_stack *st = CONF_ST(state);
	struct dpg_socket *s = conf_socket(st, AF_INET6, NULL);
	char ll[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
	struct sockaddr_in6 dst;
	struct sockaddr_storage from;
	const struct sockaddr_in6 *from6 = (const void *)&from;
	char buf[16];
	int kfd;

	link_local_of(conf_env->ifname, ll, sizeof(ll));
	kfd = conf_ksock(AF_INET6, ll, 0);
	assert_int_equal(dpg_ip6_addr(ll, conf_kport(kfd), &dst), 0);
	assert_int_equal(dpg_send(s, "scoped", 6, (struct sockaddr *)&dst), 0);
	assert_int_equal(conf_krecv_poll(st, kfd, buf, sizeof(buf), &from, NULL,
					 CONF_ARRIVE_MS), 6);
	assert_memory_equal(buf, "scoped", 6);
	assert_int_equal(from.ss_family, AF_INET6);
	assert_true(IN6_IS_ADDR_LINKLOCAL(&from6->sin6_addr));
	conf_assert_sa(&from, NULL, conf_port(s));
	close(kfd);
	assert_int_equal(dpg_close(s), 0);
}

/* dpg_ip6_addr: "%name" and "%index" set the scope; an unknown name is
 * EINVAL and leaves *out alone. */
static void ds_ip6_addr_scope(void **state)
{
	unsigned idx = if_nametoindex(conf_env->ifname);
	struct sockaddr_in6 a, b, ref;
	char text[64];

	(void)state;
	assert_true(idx > 0);
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", &ref.sin6_addr), 1);
	snprintf(text, sizeof(text), "fe80::1%%%s", conf_env->ifname);
	assert_int_equal(dpg_ip6_addr(text, 7, &a), 0);
	assert_int_equal(a.sin6_family, AF_INET6);
	assert_int_equal(ntohs(a.sin6_port), 7);
	assert_int_equal(a.sin6_scope_id, idx);
	assert_memory_equal(&a.sin6_addr, &ref.sin6_addr,
			    sizeof(ref.sin6_addr));
	snprintf(text, sizeof(text), "fe80::1%%%u", idx);
	assert_int_equal(dpg_ip6_addr(text, 7, &b), 0);
	assert_int_equal(b.sin6_scope_id, idx);
	memset(&b, 0xa5, sizeof(b));
	memcpy(&ref, &b, sizeof(b));
	assert_int_equal(dpg_ip6_addr("fe80::1%nosuchif0", 7, &b), -EINVAL);
	assert_memory_equal(&b, &ref, sizeof(b));
}

/* dpg_addr_format(sa) gives want, and returns its length. */
static void assert_format(const void *sa, const char *want)
{
	char buf[DPG_ADDRSTRLEN];

	assert_int_equal(dpg_addr_format(sa, buf, sizeof(buf)),
			 (int)strlen(want));
	assert_string_equal(buf, want);
}

/* dpg_addr_format: "a.b.c.d:port", "[v6%ifname]:port", the mapped form,
 * a scope without an interface as its index, and -ENOSPC with "" when the
 * buffer is one byte short. */
static void ds_addr_format(void **state)
{
	struct sockaddr_in v4 = conf_sin(conf_env->own4, 7);
	struct sockaddr_in6 ll = conf_sin6("fe80::1", 7);
	struct sockaddr_in6 m = conf_sin6("::ffff:198.18.0.1", 9);
	char buf[DPG_ADDRSTRLEN], want[DPG_ADDRSTRLEN];
	char name[IF_NAMESIZE];
	unsigned unused = 4242;

	(void)state;
	snprintf(want, sizeof(want), "%s:7", conf_env->own4);
	assert_format(&v4, want);
	assert_int_equal(dpg_addr_format((struct sockaddr *)&v4, buf,
					 strlen(want)), -ENOSPC);
	assert_string_equal(buf, "");

	ll.sin6_scope_id = if_nametoindex(conf_env->ifname);
	snprintf(want, sizeof(want), "[fe80::1%%%s]:7", conf_env->ifname);
	assert_format(&ll, want);

	assert_format(&m, "[::ffff:198.18.0.1]:9");

	while (if_indextoname(unused, name) != NULL)
		unused++;
	ll.sin6_scope_id = unused;
	snprintf(want, sizeof(want), "[fe80::1%%%u]:7", unused);
	assert_format(&ll, want);
}

static const struct CMUnitTest tests[] = {
	CONF_TEST(ds_v6_any_receives_v4_mapped),
	CONF_TEST(ds_v6_any_receives_both_families),
	CONF_TEST(ds_v6only_ignores_v4),
	CONF_TEST(ds_dual_stack_holds_v4_port),
	CONF_TEST(ds_send_to_v4_mapped),
	CONF_TEST(ds_reply_to_mapped_sender),
	CONF_TEST(ds_connect_v4_mapped),
	CONF_TEST(ds_v6only_mapped_enetunreach),
	CONF_TEST(ds_v4_mapped_size_limit),
	CONF_TEST(ds_link_local_sender_has_scope),
	CONF_TEST(ds_send_to_link_local),
	CONF_TEST(ds_ip6_addr_scope),
	CONF_TEST(ds_addr_format),
};

CONF_GROUP(conf_group_dualstack, "dualstack", tests);
