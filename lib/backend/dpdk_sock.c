/* SPDX-License-Identifier: BSD-3-Clause
 *
 * DPDK backend: the socket ops (backend.h) over lib/net's socket table,
 * routes and output. Addresses reach the tables v4-mapped for IPv4
 * (struct saddr); AF_INET6 sockets are dual stack unless ipv6_only.
 */
#include <errno.h>
#include <string.h>

#include "backend/dpdk.h"

#define DEFAULT_BUF 212992     /* Linux's net.core.[rw]mem_default */

int dsock_open(struct dpg_socket *s)
{
	struct dsock *d = dsock_of(s);

	d->v4 = d->bound_v4 = s->family == AF_INET;
	d->ttl = 64;
	d->mcast_ttl = 1;
	d->mcast_loop = true;
	d->mcast_pi = -1;
	d->rcvbuf = DEFAULT_BUF;
	d->sndbuf = DEFAULT_BUF;
	return 0;
}

void dsock_close(struct dpg_socket *s)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);

	if (s->bound)
		udp_table_unbind(ds, d);
	udp_mship_leave_all(ds, d);
	if (d->on_ready)
		dpdk_ready_remove(ds, d);
	if (d->on_events)
		dpdk_events_remove(ds, d);
	pktq_purge(&d->rxq, s->st, DPG_DROP_rx_socket_closed);
	dpdk_tx_forget_owner(ds, d);
	neigh_forget_owner(ds, d);
}

/* A socket address as the tables see it: IPv4 v4-mapped, with its port
 * and scope id. */
struct saddr {
	struct in6_addr a;
	uint16_t port;
	uint32_t scope;
};

static struct saddr saddr_of(const struct sockaddr_storage *ss)
{
	struct saddr r = { .port = 0 };

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		r.a = in6_mapped(sin->sin_addr.s_addr);
		r.port = sin->sin_port;
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		r.a = sin6->sin6_addr;
		r.port = sin6->sin6_port;
		r.scope = sin6->sin6_scope_id;
	}
	return r;
}

/* The socket address of (a, port) in s's family. */
static void saddr_fill(const struct dpg_socket *s, struct sockaddr_storage *out,
		       const struct in6_addr *a, uint16_t port, uint32_t scope)
{
	memset(out, 0, sizeof(*out));
	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = in6_v4(a);
		sin->sin_port = port;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = *a;
		sin6->sin6_port = port;
		if (IN6_IS_ADDR_LINKLOCAL(a))
			sin6->sin6_scope_id = scope;
	}
}

/* Whether a is an address of the stack a socket may bind (IPv4 0 and ::
 * included); link-local ones on the interface their scope names. Groups
 * and broadcast addresses too, as Linux: the socket then takes only the
 * datagrams sent to them. */
static int bind_check(struct dstack *ds, const struct dpg_socket *s, struct saddr *b)
{
	uint32_t a4 = in6_v4(&b->a);
	int ifindex;

	if (IN6_IS_ADDR_V4MAPPED(&b->a)) {
		if (s->opts.ipv6_only)
			return -EINVAL; /* Linux's inet6_bind */
		if (a4 != 0 && !ip4_is_local(ds, a4) && !ip4_is_bcast(ds, a4) &&
		    !RTE_IS_IPV4_MCAST(rte_be_to_cpu_32(a4)))
			return -EADDRNOTAVAIL;
		return 0;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&b->a) || IN6_IS_ADDR_MULTICAST(&b->a))
		return 0;
	ifindex = ip6_local_ifindex(ds, &b->a);
	if (ifindex < 0)
		return ifindex;
	if (IN6_IS_ADDR_LINKLOCAL(&b->a)) {
		if (b->scope == 0)
			return -EINVAL; /* Linux: a link-local bind names its link */
		if ((uint32_t)ifindex != b->scope)
			return -EADDRNOTAVAIL;
	}
	return 0;
}

int dbind(struct dpg_socket *s, const struct sockaddr_storage *a)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct saddr b = saddr_of(a);
	int rc;

	rc = bind_check(ds, s, &b);
	if (rc == 0)
		rc = udp_table_bind(ds, d, &b.a, b.port);
	if (rc < 0)
		return rc;
	d->scope = IN6_IS_ADDR_LINKLOCAL(&b.a) ? b.scope : 0;
	saddr_fill(s, &s->local, &d->laddr, d->lport, d->scope);
	return 0;
}

/* The unspecified address stands for the loopback address (as Linux). */
static uint32_t peer_addr(uint32_t ip)
{
	return ip == 0 ? RTE_BE32(0x7f000001) : ip;
}

static struct in6_addr peer_addr6(const struct in6_addr *a)
{
	struct in6_addr lo = IN6ADDR_LOOPBACK_INIT;

	if (IN6_IS_ADDR_V4MAPPED(a))
		return in6_mapped(peer_addr(in6_v4(a)));
	return IN6_IS_ADDR_UNSPECIFIED(a) ? lo : *a;
}

/* IPv4 from this socket: not when ipv6_only, nor from an IPv6 address
 * (Linux's udpv6_sendmsg / ip6_datagram_connect). */
static bool can_v4(const struct dsock *d)
{
	if (d->s.family == AF_INET)
		return true;
	return !d->s.opts.ipv6_only && (d->v4 || IN6_IS_ADDR_UNSPECIFIED(&d->laddr));
}

/* The source for a connection to peer: the bound address, else the
 * route's choice. */
static int conn_source(struct dstack *ds, struct dsock *d, const struct saddr *peer,
		       struct in6_addr *src)
{
	struct route4 rt;
	struct route6 rt6;
	int rc;

	if (IN6_IS_ADDR_V4MAPPED(&peer->a)) {
		if (!can_v4(d))
			return -ENETUNREACH;
		rc = ip4_route(ds, d, in6_v4(&peer->a), &rt);
		if (rc < 0)
			return rc;
		if (rt.bcast && !d->s.broadcast)
			return -EACCES;
		/* an own bound address, else the route's (not a group or
		 * broadcast address bound to) */
		*src = d->bound_v4 && ip4_is_local(ds, in6_v4(&d->bound_laddr)) ?
		       d->bound_laddr : in6_mapped(rt.src);
		return 0;
	}
	if (d->v4)
		return -ENETUNREACH; /* bound to a v4-mapped address */
	rc = ip6_route(ds, d, &peer->a, peer->scope ? peer->scope : d->scope, &rt6);
	if (rc < 0)
		return rc;
	*src = IN6_IS_ADDR_UNSPECIFIED(&d->bound_laddr) ||
	       IN6_IS_ADDR_MULTICAST(&d->bound_laddr) ? rt6.src : d->bound_laddr;
	return 0;
}

int dconnect(struct dpg_socket *s, const struct sockaddr_storage *p)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct saddr peer = saddr_of(p);
	struct in6_addr src;
	int rc;

	peer.a = peer_addr6(&peer.a);
	rc = conn_source(ds, d, &peer, &src);
	if (rc == 0)
		rc = udp_table_connect(ds, d, &src, &peer.a, peer.port);
	if (rc < 0)
		return rc;
	if (IN6_IS_ADDR_LINKLOCAL(&peer.a) && peer.scope != 0)
		d->scope = peer.scope;
	saddr_fill(s, &s->peer, &peer.a, peer.port, d->scope);
	return 0;
}

int ddisconnect(struct dpg_socket *s)
{
	struct dsock *d = dsock_of(s);

	udp_table_disconnect(dstack_of(s->st), d);
	if (!IN6_IS_ADDR_LINKLOCAL(&d->bound_laddr))
		d->scope = 0;
	return 0;
}

int dlocal(struct dpg_socket *s, struct sockaddr_storage *out)
{
	struct dsock *d = dsock_of(s);

	saddr_fill(s, out, &d->laddr, d->lport, d->scope);
	return 0;
}

/* One datagram to (a, port, scope), by the family a stands for. */
static int send_to(struct dstack *ds, struct dsock *d, const struct iovec *iov,
		   int iovcnt, size_t len, const struct saddr *to)
{
	struct in6_addr a;

	if (IN6_IS_ADDR_V4MAPPED(&to->a)) {
		if (!can_v4(d))
			return -ENETUNREACH;
		return udp4_output(ds, d, iov, iovcnt, len, peer_addr(in6_v4(&to->a)),
				   to->port);
	}
	if (d->v4)
		return -ENETUNREACH;
	a = peer_addr6(&to->a);
	return udp6_output(ds, d, iov, iovcnt, len, &a, to->scope, to->port);
}

int dsend(struct dpg_socket *s, const struct iovec *iov, int iovcnt, size_t len,
	  const struct sockaddr_storage *dst)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct saddr to = { .a = d->raddr, .port = d->rport, .scope = d->scope };
	int rc;

	if (dst != NULL)
		to = saddr_of(dst);
	rc = send_to(ds, d, iov, iovcnt, len, &to);
	if (rc == -EAGAIN) {
		ds->st.stats.tx_eagain++;
		d->want_drain = true;
		net_event(ds, d);
	}
	return rc;
}

int dsend_many(struct dpg_socket *s, const struct dpg_msg *msgs,
	       const struct sockaddr_storage *dsts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct iovec iov = { (void *)(uintptr_t)msgs[i].buf, msgs[i].len };
		int rc = dsend(s, &iov, 1, msgs[i].len, dsts ? &dsts[i] : NULL);

		if (rc < 0)
			return i > 0 || rc == -EAGAIN ? (int)i : rc;
	}
	return (int)n;
}

int drecv_many(struct dpg_socket *s, struct dpg_rmsg *msgs, unsigned n)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct rte_mbuf *m;
	unsigned got = 0;

	while (got < n && (m = udp_rx_pop(ds, d)) != NULL)
		udp_copy_out(ds, d, m, &msgs[got++]);
	return got > 0 ? (int)got : -EAGAIN;
}

int dset_opt(struct dpg_socket *s, enum sock_opt opt, int v)
{
	struct dsock *d = dsock_of(s);

	switch (opt) {
	case SOPT_BROADCAST:
		return 0; /* the socket layer keeps the flag */
	case SOPT_TTL:
		d->ttl = v;
		return 0;
	case SOPT_MCAST_TTL:
		d->mcast_ttl = v;
		return 0;
	case SOPT_MCAST_LOOP:
		d->mcast_loop = v;
		return 0;
	case SOPT_RCVBUF:
		d->rcvbuf = v;
		return 0;
	case SOPT_SNDBUF:
		d->sndbuf = v;
		return 0;
	}
	return -EINVAL;
}

int dget_opt(struct dpg_socket *s, enum sock_opt opt)
{
	struct dsock *d = dsock_of(s);

	if (opt == SOPT_RCVBUF)
		return d->rcvbuf;
	if (opt == SOPT_SNDBUF)
		return d->sndbuf;
	return -EINVAL;
}

/* ifindex 0: the default port again. Interfaces that are no port of the
 * stack (loopback among them) are -EADDRNOTAVAIL. */
int dset_mcast_if(struct dpg_socket *s, unsigned ifindex,
		  const struct sockaddr_storage *addr)
{
	struct dsock *d = dsock_of(s);
	int pi = ifindex == 0 ? -1 : port_of_ifindex(dstack_of(s->st), ifindex);

	if (ifindex != 0 && pi < 0)
		return -EADDRNOTAVAIL;
	d->mcast_pi = pi;
	d->mcast_src4 = addr != NULL && addr->ss_family == AF_INET ?
			((const struct sockaddr_in *)addr)->sin_addr.s_addr : 0;
	return 0;
}

/* The interface a membership naming none uses (lib/sock resolves it before
 * its duplicate checks): the default port of the group's family. */
int dmcast_default_if(const struct dpg_socket *s, const struct sockaddr_storage *group)
{
	struct dstack *ds = dstack_of(s->st);
	int pi = mcast_default_port(ds, group->ss_family == AF_INET);

	return pi < 0 ? -EADDRNOTAVAIL : (int)ds->ports[pi].ifindex;
}

int dmembership(struct dpg_socket *s, const struct mship *m, bool join)
{
	struct dstack *ds = dstack_of(s->st);
	struct saddr g = saddr_of(&m->group), src = saddr_of(&m->source);
	int pi = m->ifindex != 0 ? port_of_ifindex(ds, m->ifindex) :
		 mcast_default_port(ds, s->family == AF_INET);

	if (pi < 0)
		return -EADDRNOTAVAIL; /* no port there (Linux: ENODEV) */
	if (join)
		return udp_mship_join(ds, dsock_of(s), (unsigned)pi, &g.a,
				      m->has_source ? &src.a : NULL);
	return udp_mship_leave(ds, dsock_of(s), (unsigned)pi, &g.a,
			       m->has_source ? &src.a : NULL);
}

int dsend_queue(struct dpg_socket *s, bool bytes)
{
	struct dsock *d = dsock_of(s);

	return bytes ? (int)d->tx_held_bytes : (int)d->tx_held;
}
