/* SPDX-License-Identifier: BSD-3-Clause
 *
 * UDP output (RFC 768) over IPv4 and IPv6: the datagram built in one mbuf
 * (chained beyond a segment), the route's checks (MTU, broadcast, send
 * buffer), checksums offloaded or computed (RFC 8200 §8.1: never 0 over
 * IPv6), then the wire through the neighbour cache, or straight into the
 * receiving socket's queue for the stack's own addresses. Datagrams to a
 * group or a broadcast address go out to the group's / the broadcast MAC
 * and may also be looped back to the stack's own sockets (struct fanout).
 */
#include <errno.h>
#include <string.h>

#include <rte_udp.h>

#include "net/net.h"

/* Copy len bytes of iov into m, chaining segments as needed. */
static int mbuf_fill(struct dstack *ds, struct rte_mbuf *m,
		     const struct iovec *iov, int iovcnt)
{
	struct rte_mbuf *seg = m;

	for (int i = 0; i < iovcnt; i++) {
		const uint8_t *src = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left > 0) {
			uint16_t room = rte_pktmbuf_tailroom(seg);
			size_t n;

			if (room == 0) {
				struct rte_mbuf *next = rte_pktmbuf_alloc(ds->pool);

				if (next == NULL || rte_pktmbuf_chain(m, next) < 0) {
					rte_pktmbuf_free(next);
					return -EAGAIN;
				}
				seg = next;
				room = rte_pktmbuf_tailroom(seg);
			}
			n = left < room ? left : room;
			memcpy(rte_pktmbuf_mtod_offset(seg, uint8_t *, seg->data_len), src, n);
			seg->data_len += (uint16_t)n;
			m->pkt_len += (uint32_t)n;
			src += n;
			left -= n;
		}
	}
	return 0;
}

/* Local delivery keeps the layout of received frames: room for an
 * Ethernet header first. */
static void local_layout(struct rte_mbuf *m)
{
	rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
	m->l2_len = sizeof(struct rte_ether_hdr);
}

/* A datagram of len payload bytes for the stack itself (to, found by the
 * caller, or NULL): straight into the receiving socket's queue,
 * dispatched by the next poll pass (Linux's lo does the same). */
static int udp_local(struct dstack *ds, struct dsock *from, struct rte_mbuf *m,
		     size_t len, struct dsock *to)
{
	local_layout(m);
	ds->st.stats.tx_packets++;
	ds->st.stats.tx_bytes += len;
	if (to == NULL) {
		/* What Linux's lo answers with ICMP port unreachable. */
		if (from->s.connected) {
			from->pending_err = ECONNREFUSED;
			net_event(ds, from);
		}
		net_drop(ds, m, DPG_DROP_udp_no_socket);
		return 0;
	}
	m->hash.usr = LO_IFINDEX;
	if (!udp_enqueue(ds, to, m))
		return 0;
	if (to->s.opts.on.data != NULL) {
		net_ready(ds, to); /* counted when its handler runs */
		return 0;
	}
	ds->local_delivered++;
	return 0;
}

/* Whether a datagram of len payload bytes, wire_len with its headers,
 * may leave by port index pi (-1: stays in the stack): 0, -EMSGSIZE
 * above the MTU, -EAGAIN when s's send buffer is full. */
static int udp_room(const struct dstack *ds, const struct dsock *s, int pi,
		    size_t wire_len, size_t len)
{
	if (pi < 0)
		return 0;
	if (wire_len > ds->ports[pi].mtu)
		return -EMSGSIZE; /* fragmentation lands with the hardening issue */
	if (s->tx_held_bytes + len > (size_t)s->sndbuf)
		return -EAGAIN;
	return 0;
}

/* A datagram of len bytes from iov in a fresh mbuf (chained as needed)
 * after hlen bytes of headers; NULL when the pool is empty. */
static struct rte_mbuf *udp_build(struct dstack *ds, unsigned hlen,
				  const struct iovec *iov, int iovcnt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ds->pool);

	if (m == NULL)
		return NULL;
	pkt_meta(m)->owner = NULL;
	rte_pktmbuf_append(m, hlen);
	if (mbuf_fill(ds, m, iov, iovcnt) < 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->l2_len = 0;
	return m;
}

static void udp_fill(struct rte_udp_hdr *u, const struct dsock *s, uint16_t dport,
		     size_t len)
{
	u->src_port = s->lport;
	u->dst_port = dport;
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(len + sizeof(*u)));
	u->dgram_cksum = 0;
}

/* UDP checksum over the pseudo-header of ip (IPv4 or IPv6 header, v6):
 * offloaded to port p when it can, else computed. */
static void udp_cksum(const struct port *p, struct rte_mbuf *m, const void *ip,
		      bool v6, struct rte_udp_hdr *u)
{
	u->dgram_cksum = 0;
	if (!p->tx_udp_cksum) {
		u->dgram_cksum = v6 ? ip6_l4_cksum(m, ip, IPPROTO_UDP, m->l3_len,
						   rte_be_to_cpu_16(u->dgram_len)) :
				      rte_ipv4_udptcp_cksum_mbuf(m, ip, m->l3_len);
		return;
	}
	m->ol_flags |= (v6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
		       RTE_MBUF_F_TX_UDP_CKSUM;
	m->l4_len = sizeof(*u);
	u->dgram_cksum = v6 ? rte_ipv6_phdr_cksum(ip, m->ol_flags) :
			      rte_ipv4_phdr_cksum(ip, m->ol_flags);
}

/* Where a datagram leaves for (RFC 1112 §6.1, Linux's ip_mc_output): the
 * wire of port pi, unless it goes to a group with TTL 0 (or to an
 * interface-local IPv6 group); and the stack's own sockets on that port
 * (loop): for every broadcast, as Linux loops them all back, and for a
 * group when the sender's multicast loopback is on and the port's
 * interface state admits the datagram. Unicast: the wire only. */
struct fanout {
	int pi;
	bool bcast, wire, loop;
};

/* The copy of m for the stack's own sockets (loop, and a socket is bound
 * to its port): m itself when m does not go on the wire. 0, or -EAGAIN
 * when the pool has no buffer for it (nothing sent then). */
static int loop_copy(struct dstack *ds, struct rte_mbuf *m, const struct fanout *f,
		     uint16_t dport, struct rte_mbuf **c)
{
	*c = NULL;
	if (!f->loop || ds->by_port[rte_be_to_cpu_16(dport)] == NULL)
		return 0;
	*c = f->wire ? rte_pktmbuf_copy(m, ds->pool, 0, UINT32_MAX) : m;
	if (*c == NULL)
		return -EAGAIN;
	pkt_meta(*c)->owner = NULL;
	local_layout(*c);
	return 0;
}

/* The outcome of a send: rc_send is the wire's answer (0 when m did not
 * go on the wire). -EAGAIN: m was not taken, nothing is sent (m uncharged
 * and freed); another error: m was dropped and counted on the way.
 * Otherwise the datagram is counted and the loop copy c delivered. */
static int udp_sent(struct dstack *ds, struct rte_mbuf *m, struct rte_mbuf *c,
		    size_t len, const struct fanout *f, int rc_send)
{
	if (rc_send < 0) {
		if (rc_send == -EAGAIN) {
			net_tx_release(ds, m);
			rte_pktmbuf_free(m);
		}
		rte_pktmbuf_free(c);
		return rc_send;
	}
	/* TTL 0 and no local socket to take it: accepted, and gone */
	if (!f->wire && c != m)
		net_drop(ds, m, DPG_DROP_udp_mcast_no_socket);
	ds->st.stats.tx_packets++;
	ds->st.stats.tx_bytes += len;
	if (c != NULL)
		udp_mcast_deliver(ds, (unsigned)f->pi, c, f->bcast);
	return 0;
}

static void fanout4(const struct dstack *ds, const struct dsock *s,
		    const struct route4 *rt, const struct rte_ipv4_hdr *ip,
		    struct fanout *f)
{
	struct in6_addr g = in6_mapped(ip->dst_addr), src = in6_mapped(ip->src_addr);

	f->pi = rt->port;
	f->bcast = rt->bcast;
	f->wire = !rt->mcast || s->mcast_ttl > 0;
	f->loop = rt->bcast || (rt->mcast && s->mcast_loop &&
				mcast_admits(ds, (unsigned)rt->port, &g, &src));
}

static void fanout6(const struct dstack *ds, const struct dsock *s,
		    const struct route6 *rt, const struct rte_ipv6_hdr *ip,
		    struct fanout *f)
{
	const struct in6_addr *g = (const struct in6_addr *)ip->dst_addr;
	bool mc = IN6_IS_ADDR_MULTICAST(g);

	f->pi = rt->port;
	f->bcast = false;
	/* RFC 4291 §2.7: interface-local scope (1) is for loopback only */
	f->wire = !mc || (s->mcast_ttl > 0 && (g->s6_addr[1] & 0x0f) > 1);
	f->loop = mc && s->mcast_loop &&
		  mcast_admits(ds, (unsigned)rt->port, g,
			       (const struct in6_addr *)ip->src_addr);
}

/* The IPv4 source s's own address gives: the bound (or connect-chosen)
 * address if it is the stack's (the weak host model), else 0 for the
 * route's choice (the wildcard, a group or broadcast address bound to). */
static uint32_t sock_src4(const struct dstack *ds, const struct dsock *s)
{
	uint32_t a = s->v4 ? in6_v4(&s->laddr) : 0;

	return a != 0 && ip4_is_local(ds, a) ? a : 0;
}

int udp4_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, uint32_t dst, uint16_t dport)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *u;
	struct route4 rt;
	struct rte_mbuf *m, *c;
	struct fanout f;
	uint32_t src = sock_src4(ds, s);
	int rc;

	rc = ip4_route(ds, s, dst, &rt);
	if (rc < 0)
		return rc;
	if (rt.bcast && !s->s.broadcast)
		return -EACCES;
	rc = udp_room(ds, s, rt.port, len + sizeof(*ip) + sizeof(*u), len);
	if (rc < 0)
		return rc;
	m = udp_build(ds, sizeof(*ip) + sizeof(*u), iov, iovcnt);
	if (m == NULL)
		return -EAGAIN;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	u = (struct rte_udp_hdr *)(ip + 1);
	udp_fill(u, s, dport, len);
	ip4_fill(ds, ip, src != 0 ? src : rt.src, dst, IPPROTO_UDP,
		 (uint8_t)(rt.mcast ? s->mcast_ttl : s->ttl),
		 (uint16_t)(len + sizeof(*ip) + sizeof(*u)));
	m->l3_len = sizeof(*ip);
	if (rt.port < 0)
		return udp_local(ds, s, m, len, udp_table_lookup(ds, dst, dport,
								 ip->src_addr, s->lport));
	fanout4(ds, s, &rt, ip, &f);
	rc = loop_copy(ds, m, &f, dport, &c);
	if (rc < 0) {
		rte_pktmbuf_free(m);
		return rc;
	}
	if (f.wire) {
		udp_cksum(&ds->ports[rt.port], m, ip, false, u);
		ip4_cksum(&ds->ports[rt.port], m, ip);
		net_tx_charge(s, m, (uint32_t)len);
		rc = ip4_send(ds, m, &rt);
	}
	return udp_sent(ds, m, c, len, &f, rc);
}

int udp6_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, const struct in6_addr *dst,
		uint32_t scope, uint16_t dport)
{
	struct rte_ipv6_hdr *ip;
	struct rte_udp_hdr *u;
	struct route6 rt;
	struct rte_mbuf *m, *c;
	struct fanout f;
	const struct in6_addr *src = &s->laddr;
	bool mc = IN6_IS_ADDR_MULTICAST(dst);
	int rc;

	rc = ip6_route(ds, s, dst, scope != 0 ? scope : s->scope, &rt);
	if (rc < 0)
		return rc;
	/* the bound (or connect-chosen) address, unless a wildcard or group */
	if (IN6_IS_ADDR_UNSPECIFIED(src) || IN6_IS_ADDR_MULTICAST(src))
		src = &rt.src;
	rc = udp_room(ds, s, rt.port, len + sizeof(*ip) + sizeof(*u), len);
	if (rc < 0)
		return rc;
	m = udp_build(ds, sizeof(*ip) + sizeof(*u), iov, iovcnt);
	if (m == NULL)
		return -EAGAIN;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	u = (struct rte_udp_hdr *)(ip + 1);
	udp_fill(u, s, dport, len);
	ip6_fill(ip, src, dst, IPPROTO_UDP, (uint8_t)(mc ? s->mcast_ttl : s->ttl),
		 (uint16_t)(len + sizeof(*u)));
	m->l3_len = sizeof(*ip);
	if (rt.port < 0)
		return udp_local(ds, s, m, len, udp_table_lookup6(ds, dst, dport, src,
								  s->lport));
	fanout6(ds, s, &rt, ip, &f);
	rc = loop_copy(ds, m, &f, dport, &c);
	if (rc < 0) {
		rte_pktmbuf_free(m);
		return rc;
	}
	if (f.wire) {
		udp_cksum(&ds->ports[rt.port], m, ip, true, u);
		net_tx_charge(s, m, (uint32_t)len);
		rc = ip6_send(ds, m, &rt);
	}
	return udp_sent(ds, m, c, len, &f, rc);
}
