/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 (RFC 8200) for a host: input validation and the extension-header
 * chain, the destinations a host accepts (RFC 4291 §2.8), routing (local,
 * link-local by scope, on-link prefixes, one default gateway), source
 * selection (RFC 6724 basics) and output.
 */
#include <errno.h>
#include <netinet/icmp6.h>

#include "net/net.h"

#define IP6_VERSION RTE_BE32(6u << 28)
#define IP6_VERSION_MASK RTE_BE32(0xfu << 28)
#define IP6_FLOW_LABEL_MASK RTE_BE32(RTE_IPV6_HDR_FL_MASK)

static bool in6_prefix_eq(const struct in6_addr *a, const struct in6_addr *b,
			  unsigned len)
{
	unsigned bytes = len / 8, bits = len % 8;
	uint8_t mask = (uint8_t)(0xff00 >> bits);

	if (memcmp(a, b, bytes) != 0)
		return false;
	return bits == 0 || ((a->s6_addr[bytes] ^ b->s6_addr[bytes]) & mask) == 0;
}

static bool is_all_nodes(const struct in6_addr *a)
{
	static const struct in6_addr all = { .s6_addr = { 0xff, 0x02, [15] = 1 } };

	return in6_equal(a, &all);
}

int ip6_local_ifindex(const struct dstack *ds, const struct in6_addr *a)
{
	if (IN6_IS_ADDR_LOOPBACK(a))
		return LO_IFINDEX;
	for (unsigned i = 0; i < ds->nports; i++)
		for (unsigned k = 0; k < RTE_DIM(ds->p6[i].addr); k++)
			if (addr6_usable(&ds->p6[i].addr[k]) &&
			    in6_equal(&ds->p6[i].addr[k].a, a))
				return (int)ds->ports[i].ifindex;
	return -EADDRNOTAVAIL;
}

int port_of_ifindex(const struct dstack *ds, uint32_t ifindex)
{
	for (unsigned i = 0; i < ds->nports; i++)
		if (ifindex != 0 && ds->ports[i].ifindex == ifindex)
			return (int)i;
	return -1;
}

static void route_local(struct route6 *rt, const struct in6_addr *dst)
{
	rt->port = -1;
	rt->nexthop = *dst;
	rt->src = *dst;
}

/* Out of port pi to next hop nh, from its address in slot k (P6_LL or
 * P6_GLOBAL): RFC 6724 rule 2, a source of the destination's scope. */
static int route_port(const struct dstack *ds, struct route6 *rt, unsigned pi,
		      const struct in6_addr *nh, unsigned k)
{
	const struct addr6 *a = &ds->p6[pi].addr[k];

	if (!addr6_usable(a))
		return -EADDRNOTAVAIL;
	rt->port = (int)pi;
	rt->nexthop = *nh;
	rt->src = a->a;
	return 0;
}

/* fe80::/10 means nothing without an interface: scope names the port. */
static int route_link_local(struct dstack *ds, const struct in6_addr *dst,
			    uint32_t scope, struct route6 *rt)
{
	int pi = port_of_ifindex(ds, scope);
	const struct addr6 *ll;

	if (pi < 0)
		return -EINVAL;
	ll = &ds->p6[pi].addr[P6_LL];
	if (addr6_usable(ll) && in6_equal(&ll->a, dst)) {
		route_local(rt, dst);
		return 0;
	}
	return route_port(ds, rt, (unsigned)pi, dst, P6_LL);
}

int ip6_route(struct dstack *ds, const struct dsock *s, const struct in6_addr *dst,
	      uint32_t scope, struct route6 *rt)
{
	int gw = -1;

	if (IN6_IS_ADDR_MULTICAST(dst))
		return mcast_route6(ds, s, dst, scope, rt);
	if (IN6_IS_ADDR_UNSPECIFIED(dst) || IN6_IS_ADDR_V4MAPPED(dst))
		return -ENETUNREACH;
	if (IN6_IS_ADDR_LINKLOCAL(dst))
		return route_link_local(ds, dst, scope, rt);
	if (ip6_is_local(ds, dst)) {
		route_local(rt, dst);
		return 0;
	}
	for (unsigned i = 0; i < ds->nports; i++) {
		const struct port_cfg *c = ds->ports[i].cfg;

		if (c->has_ip6 && in6_prefix_eq(dst, &c->ip6, c->ip6_prefix))
			return route_port(ds, rt, i, dst, P6_GLOBAL);
		if (gw < 0 && c->has_gw6)
			gw = (int)i;
	}
	if (gw < 0)
		return -ENETUNREACH;
	return route_port(ds, rt, (unsigned)gw, &ds->ports[gw].cfg->gw6, P6_GLOBAL);
}

void ip6_fill(struct rte_ipv6_hdr *ip, const struct in6_addr *src,
	      const struct in6_addr *dst, uint8_t proto, uint8_t hop_limit,
	      uint16_t payload_len)
{
	ip->vtc_flow = IP6_VERSION;
	ip->payload_len = rte_cpu_to_be_16(payload_len);
	ip->proto = proto;
	ip->hop_limits = hop_limit;
	memcpy(ip->src_addr, src, sizeof(ip->src_addr));
	memcpy(ip->dst_addr, dst, sizeof(ip->dst_addr));
}

int ip6_send(struct dstack *ds, struct rte_mbuf *m, const struct route6 *rt)
{
	const struct in6_addr *nh = &rt->nexthop;
	struct rte_ether_addr mac;

	/* RFC 2464 §7: a multicast group's MAC needs no resolution. */
	if (IN6_IS_ADDR_MULTICAST(nh)) {
		mcast_mac(nh, &mac);
		return eth_output(ds, &ds->ports[rt->port], m, &mac,
				  RTE_ETHER_TYPE_IPV6);
	}
	return neigh_output6(ds, (unsigned)rt->port, nh, m);
}

/* RFC 8200 §3 and RFC 4291 checks of the fixed header, in order. Returns
 * the drop reason, or DPG_DROP_MAX when the header is acceptable. */
static enum dpg_drop_reason ip6_check(struct rte_mbuf *m, const struct rte_ipv6_hdr *ip)
{
	uint32_t avail = rte_pktmbuf_pkt_len(m) - m->l2_len;
	struct in6_addr src;
	unsigned plen;

	/* (1) the packet is long enough for the fixed header */
	if (rte_pktmbuf_data_len(m) < m->l2_len + sizeof(*ip))
		return DPG_DROP_ip6_too_short;
	/* (2) version 6 */
	if ((ip->vtc_flow & IP6_VERSION_MASK) != IP6_VERSION)
		return DPG_DROP_ip6_bad_version;
	/* (3) the payload fits the frame; what lies beyond is Ethernet
	 * padding, not payload */
	plen = rte_be_to_cpu_16(ip->payload_len);
	if (sizeof(*ip) + plen > avail)
		return DPG_DROP_ip6_bad_length;
	if (sizeof(*ip) + plen < avail &&
	    rte_pktmbuf_trim(m, (uint16_t)(avail - sizeof(*ip) - plen)) < 0)
		return DPG_DROP_ip6_bad_length;
	/* (4) a source that names one node: never multicast (RFC 4291
	 * §2.7), never v4-mapped (RFC 4291 §2.5.5.2); loopback never
	 * arrives from a wire (§2.5.3) */
	memcpy(&src, ip->src_addr, sizeof(src));
	if (IN6_IS_ADDR_MULTICAST(&src) || IN6_IS_ADDR_V4MAPPED(&src))
		return DPG_DROP_ip6_bad_source;
	if (IN6_IS_ADDR_LOOPBACK(&src))
		return DPG_DROP_ip6_not_for_us;
	return DPG_DROP_MAX;
}

/* (5) The destinations port pi answers to (RFC 4291 §2.8): its own usable
 * addresses, another port's global ones (the weak host model, as IPv4 and
 * Linux; link-local ones are the link's), all-nodes, and the groups it
 * joined (mcast_joined): its sockets', and the solicited-node groups of its
 * addresses, tentative ones included, which nd_start joins. */
static enum dpg_drop_reason ip6_dst_check(const struct dstack *ds, unsigned pi,
					  const struct in6_addr *dst)
{
	bool dup = false;

	if (IN6_IS_ADDR_MULTICAST(dst)) {
		if (is_all_nodes(dst) || mcast_joined(ds, pi, dst))
			return DPG_DROP_MAX;
		return DPG_DROP_ip6_not_for_us;
	}
	for (unsigned i = 0; i < ds->nports; i++) {
		for (unsigned k = 0; k < RTE_DIM(ds->p6[i].addr); k++) {
			const struct addr6 *a = &ds->p6[i].addr[k];

			if ((i != pi && k == P6_LL) || !in6_equal(&a->a, dst))
				continue;
			if (addr6_usable(a))
				return DPG_DROP_MAX;
			dup |= a->state == ADDR6_DUPLICATE;
		}
	}
	return dup ? DPG_DROP_ip6_tentative : DPG_DROP_ip6_not_for_us;
}

/* Where the extension-header walk stands, and the Parameter Problem
 * (RFC 4443 §3.4) to send with a drop. */
struct ip6_walk {
	unsigned off;        /* offset in m of the header named by nh */
	uint8_t nh;
	unsigned nh_ptr;     /* offset of the field naming it, from the IPv6 header */
	bool mcast;          /* the destination is multicast */
	int pp_code;         /* Parameter Problem code, -1 for none */
	unsigned pp_ptr;
};

static enum dpg_drop_reason param_problem(struct ip6_walk *w, int code,
					  unsigned ptr, enum dpg_drop_reason why)
{
	w->pp_code = code;
	w->pp_ptr = ptr;
	return why;
}

/* RFC 8200 §4.2: the TLV options of a Hop-by-Hop or Destination Options
 * header of hlen bytes at h (hoff: its offset from the IPv6 header). An
 * unrecognised option acts by the two high bits of its type. */
static enum dpg_drop_reason ip6_options(struct ip6_walk *w, const uint8_t *h,
					unsigned hlen, unsigned hoff)
{
	unsigned i = 2;

	while (i < hlen) {
		uint8_t type = h[i];

		if (type == 0) { /* Pad1 */
			i++;
			continue;
		}
		if (i + 2 > hlen || i + 2u + h[i + 1] > hlen)
			return DPG_DROP_ip6_too_short;
		switch (type == 1 ? 0 : type >> 6) { /* PadN is skipped */
		case 0: /* skip over this option */
			break;
		case 1: /* discard the packet */
			return DPG_DROP_ip6_bad_option;
		case 2: /* discard, Parameter Problem code 2 even to multicast */
			return param_problem(w, ICMP6_PARAMPROB_OPTION, hoff + i,
					     DPG_DROP_ip6_bad_option);
		default: /* discard, Parameter Problem code 2 unless multicast */
			if (w->mcast)
				return DPG_DROP_ip6_bad_option;
			return param_problem(w, ICMP6_PARAMPROB_OPTION, hoff + i,
					     DPG_DROP_ip6_bad_option);
		}
		i += 2u + h[i + 1];
	}
	return DPG_DROP_MAX;
}

/* One Hop-by-Hop, Destination Options or Routing header at w->off: check
 * it and step past it. */
static enum dpg_drop_reason ip6_ext(struct rte_mbuf *m, struct ip6_walk *w)
{
	const uint8_t *h = rte_pktmbuf_mtod_offset(m, const uint8_t *, w->off);
	unsigned hoff = w->off - m->l2_len, hlen;
	enum dpg_drop_reason why = DPG_DROP_MAX;

	/* Extension headers are read from the first segment only. */
	if (rte_pktmbuf_data_len(m) < w->off + 2)
		return DPG_DROP_ip6_too_short;
	hlen = (h[1] + 1u) * 8;
	if (rte_pktmbuf_data_len(m) < w->off + hlen)
		return DPG_DROP_ip6_too_short;
	if (w->nh != IPPROTO_ROUTING)
		why = ip6_options(w, h, hlen, hoff);
	else if (h[3] != 0)
		/* RFC 8200 §4.4, RFC 5095: segments left on a routing type a
		 * host does not forward (RH0 included) */
		why = param_problem(w, ICMP6_PARAMPROB_HEADER, hoff + 2,
				    DPG_DROP_ip6_routing_header);
	w->nh = h[0];
	w->nh_ptr = hoff;
	w->off += hlen;
	return why;
}

/* RFC 8200 §4: a Next Header value a host does not process. */
static enum dpg_drop_reason unknown_header(struct ip6_walk *w)
{
	return param_problem(w, ICMP6_PARAMPROB_NEXTHEADER, w->nh_ptr,
			     DPG_DROP_ip6_unknown_header);
}

/* (6) RFC 8200 §4: the extension headers, up to the upper-layer header
 * (UDP or ICMPv6) at w->off. Returns the drop reason, or DPG_DROP_MAX. */
static enum dpg_drop_reason ip6_walk(struct rte_mbuf *m, struct ip6_walk *w)
{
	enum dpg_drop_reason why = DPG_DROP_MAX;

	for (bool first = true; why == DPG_DROP_MAX; first = false) {
		switch (w->nh) {
		case IPPROTO_UDP:
		case IPPROTO_ICMPV6:
			return DPG_DROP_MAX;
		case IPPROTO_HOPOPTS: /* §4.1: only right after the IPv6 header */
			why = first ? ip6_ext(m, w) : unknown_header(w);
			break;
		case IPPROTO_DSTOPTS:
		case IPPROTO_ROUTING:
			why = ip6_ext(m, w);
			break;
		case IPPROTO_FRAGMENT: /* reassembly lands with the hardening issue */
			return DPG_DROP_frag_bad; /* PLACEHOLDER: reassembly (issue 6) */
		case IPPROTO_NONE: /* §4.7: nothing follows */
			return DPG_DROP_ip6_unknown_header;
		default:
			return unknown_header(w);
		}
	}
	return why;
}

/* Drop m for why, first answering with a Parameter Problem if one is due. */
static void ip6_reject(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		       const struct ip6_walk *w, enum dpg_drop_reason why)
{
	if (w->pp_code >= 0)
		icmp6_error(ds, p, m, ICMP6_PARAM_PROB, (uint8_t)w->pp_code, w->pp_ptr);
	net_drop(ds, m, why);
}

static bool ip6_unspecified_src(const struct rte_ipv6_hdr *ip)
{
	static const uint8_t any[16];

	return memcmp(ip->src_addr, any, sizeof(any)) == 0;
}

/* (7) UDP to a group: when the receiving port's interface state admits
 * its source (RFC 3810 §6.2), to every socket that takes it. */
static void ip6_mcast_udp(struct dstack *ds, struct port *p, struct rte_mbuf *m,
			  const struct rte_ipv6_hdr *ip, const struct in6_addr *g)
{
	unsigned pi = port_index(ds, p);

	if (!mcast_admits(ds, pi, g, (const struct in6_addr *)ip->src_addr))
		net_drop(ds, m, DPG_DROP_mcast_not_member);
	else if (udp6_check(ds, m, ip) != NULL)
		udp_mcast_deliver(ds, pi, m, false);
}

void ip6_input(struct dstack *ds, struct port *p, struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
							  m->l2_len);
	enum dpg_drop_reason why = ip6_check(m, ip);
	struct ip6_walk w = { .off = m->l2_len + sizeof(*ip), .pp_code = -1,
			      .nh_ptr = offsetof(struct rte_ipv6_hdr, proto) };
	struct in6_addr dst;

	if (why != DPG_DROP_MAX) {
		net_drop(ds, m, why);
		return;
	}
	memcpy(&dst, ip->dst_addr, sizeof(dst));
	why = ip6_dst_check(ds, port_index(ds, p), &dst);
	if (why != DPG_DROP_MAX) {
		net_drop(ds, m, why);
		return;
	}
	w.nh = ip->proto;
	w.mcast = IN6_IS_ADDR_MULTICAST(&dst);
	why = ip6_walk(m, &w);
	if (why != DPG_DROP_MAX) {
		ip6_reject(ds, p, m, &w, why);
		return;
	}
	m->l3_len = w.off - m->l2_len;
	if (w.nh == IPPROTO_ICMPV6)
		icmp6_input(ds, p, m, ip);
	else if (ip6_unspecified_src(ip)) /* a datagram that cannot be answered */
		net_drop(ds, m, DPG_DROP_ip6_bad_source);
	else if (w.mcast)
		ip6_mcast_udp(ds, p, m, ip, &dst);
	else
		udp6_input(ds, p, m, ip, p->ifindex);
}
