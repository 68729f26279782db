/* SPDX-License-Identifier: BSD-3-Clause
 *
 * UDP output (RFC 768) over IPv4 and IPv6: the datagram built in one mbuf
 * (chained beyond a segment), the route's checks (MTU, broadcast, send
 * buffer), checksums offloaded or computed (RFC 8200 §8.1: never 0 over
 * IPv6), then the wire through the neighbour cache, or straight into the
 * receiving socket's queue for the stack's own addresses.
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

/* The outcome of handing a finished, charged packet to the wire: counted,
 * or (rc_send < 0: m not taken) uncharged and freed. */
static int udp_wire(struct dstack *ds, struct rte_mbuf *m, size_t len, int rc_send)
{
	if (rc_send < 0) {
		net_tx_release(ds, m);
		rte_pktmbuf_free(m);
		return rc_send;
	}
	ds->st.stats.tx_packets++;
	ds->st.stats.tx_bytes += len;
	return 0;
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

int udp4_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, uint32_t dst, uint16_t dport)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *u;
	struct route4 rt;
	struct rte_mbuf *m;
	uint32_t src = s->v4 ? in6_v4(&s->laddr) : 0;
	int rc;

	rc = ip4_route(ds, dst, &rt);
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
	ip4_fill(ds, ip, src != 0 ? src : rt.src, dst, IPPROTO_UDP, (uint8_t)s->ttl,
		 (uint16_t)(len + sizeof(*ip) + sizeof(*u)));
	m->l3_len = sizeof(*ip);
	if (rt.port < 0)
		return udp_local(ds, s, m, len, udp_table_lookup(ds, dst, dport,
								 ip->src_addr, s->lport));
	udp_cksum(&ds->ports[rt.port], m, ip, false, u);
	ip4_cksum(&ds->ports[rt.port], m, ip);
	net_tx_charge(s, m, (uint32_t)len);
	return udp_wire(ds, m, len, ip4_send(ds, m, &rt));
}

int udp6_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, const struct in6_addr *dst,
		uint32_t scope, uint16_t dport)
{
	struct rte_ipv6_hdr *ip;
	struct rte_udp_hdr *u;
	struct route6 rt;
	struct rte_mbuf *m;
	const struct in6_addr *src;
	int rc;

	rc = ip6_route(ds, dst, scope != 0 ? scope : s->scope, &rt);
	if (rc < 0)
		return rc;
	src = IN6_IS_ADDR_UNSPECIFIED(&s->laddr) ? &rt.src : &s->laddr;
	rc = udp_room(ds, s, rt.port, len + sizeof(*ip) + sizeof(*u), len);
	if (rc < 0)
		return rc;
	m = udp_build(ds, sizeof(*ip) + sizeof(*u), iov, iovcnt);
	if (m == NULL)
		return -EAGAIN;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	u = (struct rte_udp_hdr *)(ip + 1);
	udp_fill(u, s, dport, len);
	ip6_fill(ip, src, dst, IPPROTO_UDP, (uint8_t)s->ttl,
		 (uint16_t)(len + sizeof(*u)));
	m->l3_len = sizeof(*ip);
	if (rt.port < 0)
		return udp_local(ds, s, m, len, udp_table_lookup6(ds, dst, dport, src,
								  s->lport));
	udp_cksum(&ds->ports[rt.port], m, ip, true, u);
	net_tx_charge(s, m, (uint32_t)len);
	return udp_wire(ds, m, len, ip6_send(ds, m, &rt));
}
