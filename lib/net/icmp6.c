/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ICMPv6 (RFC 4443) for a host: echo reply, errors quoting our UDP flows
 * reported on the matching connected socket, errors sent under the rules of
 * §2.4, and the builder Neighbour Discovery sends with; NS/NA go to nd.c,
 * MLD queries and reports to mld.c.
 */
#include <errno.h>
#include <netinet/icmp6.h>

#include <rte_icmp.h>
#include <rte_udp.h>

#include "net/net.h"
#include "net/wire.h"

#define ICMP6_HOP_LIMIT 64
/* §2.4 (c): an error carries as much of the offending packet as keeps it
 * within the minimum IPv6 MTU. */
#define ICMP6_QUOTE_MAX (RTE_IPV6_MIN_MTU - sizeof(struct rte_ipv6_hdr) - \
			 sizeof(struct rte_icmp_hdr))

/* What an error about one of our datagrams starts with. */
struct icmp6_quote {
	struct rte_icmp_hdr ic;
	struct rte_ipv6_hdr ip;
	struct rte_udp_hdr udp;
} __rte_packed;

/* The errno an ICMPv6 error stands for (as Linux's icmpv6_err_convert). */
static int icmp6_errno(uint8_t type, uint8_t code)
{
	static const int unreach[] = {
		ENETUNREACH,  /* no route */
		EACCES,       /* administratively prohibited */
		EHOSTUNREACH, /* beyond the scope of the source */
		EHOSTUNREACH, /* address unreachable */
		ECONNREFUSED, /* port unreachable */
		EACCES,       /* source address failed policy */
		EACCES,       /* reject route */
	};

	switch (type) {
	case ICMP6_DST_UNREACH:
		return code < RTE_DIM(unreach) ? unreach[code] : EPROTO;
	case ICMP6_PACKET_TOO_BIG:
		return EMSGSIZE;
	case ICMP6_TIME_EXCEEDED:
		return EHOSTUNREACH;
	default:
		return EPROTO; /* parameter problem */
	}
}

/* The source of a message out of port pi to peer (RFC 6724 basics): ours,
 * if the peer wrote to that unicast address of the stack, else the port's
 * address of the peer's scope (a global falling back to the link-local).
 * NULL when the port has none usable. */
static const struct in6_addr *icmp6_src(const struct dstack *ds, unsigned pi,
					const struct in6_addr *peer,
					const struct in6_addr *ours)
{
	const struct addr6 *ll = &ds->p6[pi].addr[P6_LL];
	const struct addr6 *gl = &ds->p6[pi].addr[P6_GLOBAL];

	if (!IN6_IS_ADDR_MULTICAST(ours) && !IN6_IS_ADDR_LOOPBACK(ours) &&
	    ip6_is_local(ds, ours))
		return ours;
	if (!IN6_IS_ADDR_LINKLOCAL(peer) && addr6_usable(gl))
		return &gl->a;
	return addr6_usable(ll) ? &ll->a : NULL;
}

/* A new packet from src to dst with room for an ICMPv6 message of len
 * bytes (*msg), or NULL (counted). */
static struct rte_mbuf *icmp6_alloc(struct dstack *ds, const struct in6_addr *src,
				    const struct in6_addr *dst, uint8_t hop_limit,
				    uint16_t len, uint8_t **msg)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ds->pool);
	struct rte_ipv6_hdr *ip;

	if (m == NULL) {
		DDROP(ds, pool_empty);
		return NULL;
	}
	pkt_meta(m)->owner = NULL;
	ip = (struct rte_ipv6_hdr *)rte_pktmbuf_append(m, (uint16_t)(sizeof(*ip) + len));
	if (ip == NULL) { /* beyond the pool's data room */
		net_drop(ds, m, DPG_DROP_pool_empty);
		return NULL;
	}
	ip6_fill(ip, src, dst, IPPROTO_ICMPV6, hop_limit, len);
	*msg = (uint8_t *)(ip + 1);
	return m;
}

/* Checksum the message m (from its IPv6 header) carries and send it out of
 * port pi: to dmac, else to the destination's multicast MAC or through the
 * neighbour cache. 0, or a negative errno (m dropped and counted). */
static int icmp6_output(struct dstack *ds, unsigned pi, struct rte_mbuf *m,
			const struct rte_ether_addr *dmac)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	struct rte_icmp_hdr *ic = (struct rte_icmp_hdr *)(ip + 1);
	struct route6 rt = { .port = (int)pi };
	int rc;

	ic->icmp_cksum = 0;
	ic->icmp_cksum = ip6_l4_cksum(m, ip, IPPROTO_ICMPV6, sizeof(*ip),
				      rte_be_to_cpu_16(ip->payload_len));
	m->l3_len = sizeof(*ip);
	memcpy(&rt.nexthop, ip->dst_addr, sizeof(rt.nexthop));
	if (dmac != NULL)
		rc = eth_output(ds, &ds->ports[pi], m, dmac, RTE_ETHER_TYPE_IPV6);
	else
		rc = ip6_send(ds, m, &rt);
	if (rc == -EAGAIN)
		net_drop(ds, m, DPG_DROP_tx_ring_full);
	return rc;
}

int icmp6_send(struct dstack *ds, unsigned pi, const struct in6_addr *src,
	       const struct in6_addr *dst, const struct rte_ether_addr *dmac,
	       uint8_t hop_limit, const void *body, unsigned len)
{
	struct rte_mbuf *m;
	uint8_t *msg;

	if (len < 4 || len > UINT16_MAX - sizeof(struct rte_ipv6_hdr))
		return -EINVAL;
	m = icmp6_alloc(ds, src, dst, hop_limit, (uint16_t)len, &msg);
	if (m == NULL)
		return -ENOBUFS;
	memcpy(msg, body, len);
	return icmp6_output(ds, pi, m, dmac);
}

/* §2.4 (e.1, e.2): whether m carries an ICMPv6 error or a Redirect. A
 * truncated ICMPv6 header counts as one, a truncated extension header
 * chain not (as Linux's is_ineligible). */
static bool icmp6_carries_error(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip)
{
	unsigned off = m->l2_len + sizeof(*ip);
	int proto = ip->proto;
	uint8_t buf[4];
	const uint8_t *h;
	size_t elen;

	for (;;) {
		h = rte_pktmbuf_read(m, off, sizeof(buf), buf);
		if (h == NULL)
			return proto == IPPROTO_ICMPV6;
		if (proto == IPPROTO_ICMPV6)
			return h[0] < ICMP6_ECHO_REQUEST || h[0] == ND_REDIRECT;
		/* a later fragment holds no upper-layer header */
		if (proto == IPPROTO_FRAGMENT && ((h[2] << 8 | h[3]) & ~7) != 0)
			return false;
		proto = rte_ipv6_get_next_ext(h, proto, &elen);
		if (proto < 0)
			return false;
		off += (unsigned)elen;
	}
}

/* §2.4 (e): whether an error of (type, code) may answer m. */
static bool icmp6_may_answer(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip,
			     const struct in6_addr *src, const struct in6_addr *dst,
			     uint8_t type, uint8_t code)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	bool mcast_ok = type == ICMP6_PACKET_TOO_BIG ||
			(type == ICMP6_PARAM_PROB && code == ICMP6_PARAMPROB_OPTION);

	/* (e.5, e.6) a source that names no single node */
	if (IN6_IS_ADDR_UNSPECIFIED(src) || IN6_IS_ADDR_MULTICAST(src))
		return false;
	/* (e.3, e.4) sent to a group, or as a link-layer multicast */
	if (!mcast_ok && (IN6_IS_ADDR_MULTICAST(dst) ||
			  rte_is_multicast_ether_addr(&eh->dst_addr)))
		return false;
	return !icmp6_carries_error(m, ip);
}

void icmp6_error(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		 uint8_t type, uint8_t code, uint32_t pointer)
{
	const struct rte_ipv6_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, m->l2_len);
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	unsigned pi = (unsigned)(p - ds->ports);
	unsigned qlen = rte_pktmbuf_pkt_len(m) - m->l2_len;
	struct in6_addr osrc, odst;
	const struct in6_addr *src;
	struct rte_icmp_hdr *ic;
	const void *quoted;
	struct rte_mbuf *e;
	uint8_t *msg;

	if (m->l2_len < sizeof(*eh) || rte_pktmbuf_data_len(m) < m->l2_len + sizeof(*ip))
		return;
	memcpy(&osrc, ip->src_addr, sizeof(osrc));
	memcpy(&odst, ip->dst_addr, sizeof(odst));
	if (!icmp6_may_answer(m, ip, &osrc, &odst, type, code))
		return;
	src = icmp6_src(ds, pi, &osrc, &odst);
	if (src == NULL)
		return;
	qlen = RTE_MIN(qlen, (unsigned)ICMP6_QUOTE_MAX);
	e = icmp6_alloc(ds, src, &osrc, ICMP6_HOP_LIMIT,
			(uint16_t)(sizeof(*ic) + qlen), &msg);
	if (e == NULL)
		return;
	ic = (struct rte_icmp_hdr *)msg;
	ic->icmp_type = type;
	ic->icmp_code = code;
	pointer = rte_cpu_to_be_32(pointer); /* or the MTU, for Packet Too Big */
	memcpy(&ic->icmp_ident, &pointer, sizeof(pointer));
	quoted = rte_pktmbuf_read(m, m->l2_len, qlen, ic + 1);
	if (quoted != ic + 1) /* contiguous in m: not copied yet */
		memcpy(ic + 1, quoted, qlen);
	/* Back to the MAC it came from: the offender is a neighbour or the
	 * router that forwarded it, and no resolution is needed. */
	icmp6_output(ds, pi, e, &eh->src_addr);
}

/* An echo request: answered in place, out of the same port to the sender's
 * MAC (no Neighbour Discovery needed), without the request's extension
 * headers. */
static void icmp6_echo(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		       struct rte_ipv6_hdr *ip, unsigned len)
{
	unsigned ext = m->l3_len - sizeof(*ip);
	struct in6_addr peer, ours;
	const struct in6_addr *src;
	struct rte_ether_hdr *eh;
	rte_be32_t tc;
	struct rte_icmp_hdr *ic;

	memcpy(&peer, ip->src_addr, sizeof(peer));
	memcpy(&ours, ip->dst_addr, sizeof(ours));
	if (len < sizeof(*ic)) {
		net_drop(ds, m, DPG_DROP_icmp_too_short);
		return;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&peer)) {
		net_drop(ds, m, DPG_DROP_ip6_bad_source);
		return;
	}
	src = icmp6_src(ds, (unsigned)(p - ds->ports), &peer, &ours);
	if (src == NULL) { /* the port's addresses all failed DAD */
		net_drop(ds, m, DPG_DROP_ip6_tentative);
		return;
	}
	if (ext > 0) {
		memmove(rte_pktmbuf_mtod_offset(m, uint8_t *, ext), rte_pktmbuf_mtod(m, uint8_t *),
			m->l2_len + sizeof(*ip));
		rte_pktmbuf_adj(m, (uint16_t)ext);
		m->l3_len = sizeof(*ip);
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, m->l2_len);
	}
	/* Traffic class kept, flow label not reflected (Linux's defaults). */
	tc = ip->vtc_flow & RTE_BE32(RTE_IPV6_HDR_TC_MASK);
	ip6_fill(ip, src, &peer, IPPROTO_ICMPV6, ICMP6_HOP_LIMIT, (uint16_t)len);
	ip->vtc_flow |= tc;
	ic = (struct rte_icmp_hdr *)(ip + 1);
	ic->icmp_type = ICMP6_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = ip6_l4_cksum(m, ip, IPPROTO_ICMPV6, m->l2_len + sizeof(*ip), len);
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	rte_ether_addr_copy(&eh->src_addr, &eh->dst_addr);
	rte_ether_addr_copy(&p->mac, &eh->src_addr);
	m->ol_flags = 0;
	if (net_tx(ds, p, m) < 0) {
		net_drop(ds, m, DPG_DROP_tx_ring_full);
		return;
	}
	ds->st.stats.icmp_echo_replies++;
}

/* An error quoting one of our datagrams: the quoted header is ours, so its
 * source is our socket and its destination the peer. */
static void icmp6_err_input(struct dstack *ds, struct rte_mbuf *m, unsigned off,
			    unsigned len)
{
	struct icmp6_quote buf;
	const struct icmp6_quote *q;
	struct in6_addr ours, peer;
	struct dsock *s;

	if (len < sizeof(buf)) {
		net_drop(ds, m, DPG_DROP_icmp_too_short);
		return;
	}
	q = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	if (q->ip.proto != IPPROTO_UDP) {
		net_drop(ds, m, DPG_DROP_icmp_unhandled);
		return;
	}
	memcpy(&ours, q->ip.src_addr, sizeof(ours));
	memcpy(&peer, q->ip.dst_addr, sizeof(peer));
	s = udp_table_conn6(ds, &ours, q->udp.src_port, &peer, q->udp.dst_port);
	if (s == NULL) {
		net_drop(ds, m, DPG_DROP_icmp_unconnected);
		return;
	}
	s->pending_err = icmp6_errno(q->ic.icmp_type, q->ic.icmp_code);
	net_event(ds, s);
	rte_pktmbuf_free(m);
}

void icmp6_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		 struct rte_ipv6_hdr *ip)
{
	unsigned off = m->l2_len + m->l3_len;
	unsigned len = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) - m->l3_len;
	const struct rte_icmp_hdr *ic;

	if (len < 4 || rte_pktmbuf_data_len(m) < off + 4 ||
	    rte_pktmbuf_pkt_len(m) < off + len) {
		net_drop(ds, m, DPG_DROP_icmp_too_short);
		return;
	}
	if (!ip6_l4_cksum_ok(m, ip, IPPROTO_ICMPV6, off, len)) {
		net_drop(ds, m, DPG_DROP_icmp_bad_checksum);
		return;
	}
	ic = rte_pktmbuf_mtod_offset(m, const struct rte_icmp_hdr *, off);
	switch (ic->icmp_type) {
	case ICMP6_ECHO_REQUEST:
		icmp6_echo(ds, p, m, ip, len);
		break;
	case ICMP6_DST_UNREACH:
	case ICMP6_PACKET_TOO_BIG:
	case ICMP6_TIME_EXCEEDED:
	case ICMP6_PARAM_PROB:
		icmp6_err_input(ds, m, off, len);
		break;
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
		nd_input(ds, p, m, ip, len);
		break;
	case MLD_QUERY:
	case MLD_V1_REPORT:
	case MLD_V1_DONE:
	case MLD_V2_REPORT:
		mld_input(ds, p, m, ip, len);
		break;
	default: /* Router Advertisements too: gateway6 comes from the config */
		net_drop(ds, m, DPG_DROP_icmp_unhandled);
		break;
	}
}
