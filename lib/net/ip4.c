/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv4 (RFC 791) for a host (RFC 1122 §3.2.1): input validation, the
 * destinations a host accepts (its addresses, broadcast, the groups its
 * ports joined: RFC 1122 §3.3.6, RFC 1112 §7.2), routing (local, connected
 * subnets, one default gateway; groups in udp_mcast.c), source selection,
 * output.
 */
#include <errno.h>

#include "net/net.h"

#define IP4_LOOPBACK_NET RTE_BE32(0x7f000000)
#define IP4_LOOPBACK_MASK RTE_BE32(0xff000000)
#define IP4_LOCALHOST RTE_BE32(0x7f000001)

static uint32_t prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - len));
}

static bool in_subnet(const struct port_cfg *c, uint32_t a)
{
	uint32_t mask = prefix_mask(c->ip4_prefix);

	return c->ip4 != 0 && (a & mask) == (c->ip4 & mask);
}

static uint32_t subnet_bcast(const struct port_cfg *c)
{
	return c->ip4 | ~prefix_mask(c->ip4_prefix);
}

bool ip4_is_local(const struct dstack *ds, uint32_t a)
{
	if ((a & IP4_LOOPBACK_MASK) == IP4_LOOPBACK_NET)
		return true;
	for (unsigned i = 0; i < ds->nports; i++)
		if (ds->ports[i].cfg->ip4 == a && a != 0)
			return true;
	return false;
}

/* Whether a is the subnet broadcast of port config c (not on /31, /32). */
static bool is_subnet_bcast(const struct port_cfg *c, uint32_t a)
{
	return c->ip4 != 0 && c->ip4_prefix < 31 && a == subnet_bcast(c);
}

bool ip4_is_bcast(const struct dstack *ds, uint32_t a)
{
	if (a == RTE_BE32(0xffffffff))
		return true;
	for (unsigned i = 0; i < ds->nports; i++)
		if (is_subnet_bcast(ds->ports[i].cfg, a))
			return true;
	return false;
}

static bool is_bcast_src(const struct dstack *ds, uint32_t a)
{
	return RTE_IS_IPV4_MCAST(rte_be_to_cpu_32(a)) || ip4_is_bcast(ds, a);
}

/* The limited broadcast leaves by the port of s's own address (Linux: the
 * interface of the bound address), else by the first with an address. */
static int bcast_port(const struct dstack *ds, const struct dsock *s)
{
	uint32_t a = s != NULL && s->v4 ? in6_v4(&s->laddr) : 0;
	int first = -1;

	for (unsigned i = 0; i < ds->nports; i++) {
		if (ds->ports[i].cfg->ip4 == 0)
			continue;
		if (ds->ports[i].cfg->ip4 == a)
			return (int)i;
		if (first < 0)
			first = (int)i;
	}
	return first;
}

static int route_port(const struct dstack *ds, int pi, uint32_t dst, bool bcast,
		      struct route4 *rt)
{
	if (pi < 0)
		return -ENETUNREACH;
	rt->port = pi;
	rt->nexthop = dst;
	rt->src = ds->ports[pi].cfg->ip4;
	rt->bcast = bcast;
	return 0;
}

int ip4_route(struct dstack *ds, const struct dsock *s, uint32_t dst,
	      struct route4 *rt)
{
	int gw = -1;

	rt->bcast = rt->mcast = false;
	if (RTE_IS_IPV4_MCAST(rte_be_to_cpu_32(dst)))
		return mcast_route4(ds, s, dst, rt);
	if (dst == RTE_BE32(0xffffffff))
		return route_port(ds, bcast_port(ds, s), dst, true, rt);
	if (ip4_is_local(ds, dst)) {
		rt->port = -1;
		rt->nexthop = dst;
		rt->src = (dst & IP4_LOOPBACK_MASK) == IP4_LOOPBACK_NET ?
			  IP4_LOCALHOST : dst;
		return 0;
	}
	for (unsigned i = 0; i < ds->nports; i++) {
		const struct port_cfg *c = ds->ports[i].cfg;

		if (c->ip4 == 0)
			continue;
		if (is_subnet_bcast(c, dst) || in_subnet(c, dst))
			return route_port(ds, (int)i, dst, is_subnet_bcast(c, dst), rt);
		if (gw < 0 && c->gw4 != 0)
			gw = (int)i;
	}
	if (gw < 0)
		return -ENETUNREACH;
	rt->port = gw;
	rt->nexthop = ds->ports[gw].cfg->gw4;
	rt->src = ds->ports[gw].cfg->ip4;
	return 0;
}

void ip4_fill(struct dstack *ds, struct rte_ipv4_hdr *ip, uint32_t src,
	      uint32_t dst, uint8_t proto, uint8_t ttl, uint16_t total_len)
{
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16(total_len);
	/* RFC 6864: the ID only matters for fragments; count anyway. */
	ip->packet_id = rte_cpu_to_be_16(ds->ip_id++);
	ip->fragment_offset = 0;
	ip->time_to_live = ttl;
	ip->next_proto_id = proto;
	ip->hdr_checksum = 0;
	ip->src_addr = src;
	ip->dst_addr = dst;
}

void ip4_cksum(const struct port *p, struct rte_mbuf *m, struct rte_ipv4_hdr *ip)
{
	m->l3_len = sizeof(*ip);
	ip->hdr_checksum = 0;
	if (p != NULL && p->tx_ip4_cksum)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	else
		ip->hdr_checksum = rte_ipv4_cksum(ip);
}

int ip4_send(struct dstack *ds, struct rte_mbuf *m, const struct route4 *rt)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_ether_addr mac;
	struct in6_addr g;

	if (rt->bcast)
		return eth_output(ds, &ds->ports[rt->port], m, &bcast,
				  RTE_ETHER_TYPE_IPV4);
	if (rt->mcast) { /* RFC 1112 §6.4: the group's MAC, no resolution */
		g = in6_mapped(rt->nexthop);
		mcast_mac(&g, &mac);
		return eth_output(ds, &ds->ports[rt->port], m, &mac,
				  RTE_ETHER_TYPE_IPV4);
	}
	return neigh_output(ds, (unsigned)rt->port, rt->nexthop, m);
}

static bool ip4_cksum_ok(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
			 unsigned hlen)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;

	if (f == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		return true;
	if (f == RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return false;
	return rte_raw_cksum(ip, hlen) == 0xffff;
}

/* RFC 1122 §3.2.1 / RFC 1812 §5.2.2 checks, in order. Returns the drop
 * reason, or DPG_DROP_MAX when the header is acceptable. */
static enum dpg_drop_reason ip4_check(struct dstack *ds, struct rte_mbuf *m,
				      struct rte_ipv4_hdr *ip)
{
	uint32_t avail = rte_pktmbuf_pkt_len(m) - m->l2_len;
	unsigned hlen, tlen;

	/* (1) the packet is long enough for the basic header */
	if (rte_pktmbuf_data_len(m) < m->l2_len + sizeof(*ip))
		return DPG_DROP_ip4_too_short;
	/* (2) version 4 */
	if ((ip->version_ihl >> 4) != 4)
		return DPG_DROP_ip4_bad_version;
	/* (3) IHL at least 5 words, and present */
	hlen = (ip->version_ihl & 0xf) * 4u;
	if (hlen < sizeof(*ip) || m->l2_len + hlen > rte_pktmbuf_data_len(m))
		return DPG_DROP_ip4_bad_ihl;
	/* (4) header checksum */
	if (!ip4_cksum_ok(m, ip, hlen))
		return DPG_DROP_ip4_bad_checksum;
	/* (5) total length covers the header and fits the frame */
	tlen = rte_be_to_cpu_16(ip->total_length);
	if (tlen < hlen || tlen > avail)
		return DPG_DROP_ip4_bad_length;
	/* (6) a source that cannot send: broadcast or multicast */
	if (is_bcast_src(ds, ip->src_addr))
		return DPG_DROP_ip4_bad_source;
	/* (7) TTL 0 never leaves a conforming host (RFC 1122 §3.2.1.7) */
	if (ip->time_to_live == 0)
		return DPG_DROP_ip4_ttl_zero;
	/* (8) fragments: reassembly lands with the hardening issue */
	if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return DPG_DROP_frag_bad; /* PLACEHOLDER: reassembly (issue 6) */
	/* trailing Ethernet padding is not payload */
	if (tlen < avail)
		rte_pktmbuf_trim(m, avail - tlen);
	m->l3_len = hlen;
	return DPG_DROP_MAX;
}

/* (9a) A group (RFC 1112 §7.2): IGMP to the host's membership state; UDP
 * when the receiving port's interface state admits it (joined, and the
 * source passes the filter its sockets' joins made); nothing else. */
static void ip4_mcast_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
			    struct rte_ipv4_hdr *ip)
{
	unsigned pi = port_index(ds, p);
	struct in6_addr g = in6_mapped(ip->dst_addr), src = in6_mapped(ip->src_addr);

	if (ip->next_proto_id == IPPROTO_IGMP)
		igmp_input(ds, p, m, ip);
	else if (ip->next_proto_id != IPPROTO_UDP)
		net_drop(ds, m, DPG_DROP_ip4_not_for_us);
	else if (!mcast_admits(ds, pi, &g, &src))
		net_drop(ds, m, DPG_DROP_mcast_not_member);
	else if (udp4_check(ds, m, ip) != NULL)
		udp_mcast_deliver(ds, pi, m, false);
}

/* (9b) A broadcast (RFC 1122 §3.3.6): for UDP sockets only; ICMP echo to a
 * broadcast is ignored, as Linux's icmp_echo_ignore_broadcasts does. */
static void ip4_bcast_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
			    struct rte_ipv4_hdr *ip)
{
	if (ip->next_proto_id != IPPROTO_UDP)
		net_drop(ds, m, DPG_DROP_ip4_bcast_not_udp);
	else if (udp4_check(ds, m, ip) != NULL)
		udp_mcast_deliver(ds, port_index(ds, p), m, true);
}

void ip4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
							  m->l2_len);
	enum dpg_drop_reason why = ip4_check(ds, m, ip);
	uint32_t dst = ip->dst_addr;

	if (why != DPG_DROP_MAX) {
		net_drop(ds, m, why);
		return;
	}
	/* (9) for us: a group, the limited broadcast or the receiving port's
	 * subnet broadcast, or our address on any port (the weak host model
	 * of RFC 1122 §3.3.4.2, as Linux) */
	if (RTE_IS_IPV4_MCAST(rte_be_to_cpu_32(dst))) {
		ip4_mcast_input(ds, p, m, ip);
		return;
	}
	if (dst == RTE_BE32(0xffffffff) || is_subnet_bcast(p->cfg, dst)) {
		ip4_bcast_input(ds, p, m, ip);
		return;
	}
	if (dst == 0 || !ip4_is_local(ds, dst) ||
	    (dst & IP4_LOOPBACK_MASK) == IP4_LOOPBACK_NET) {
		net_drop(ds, m, DPG_DROP_ip4_not_for_us);
		return;
	}
	switch (ip->next_proto_id) {
	case IPPROTO_UDP:
		udp4_input(ds, p, m, ip, p->ifindex);
		break;
	case IPPROTO_ICMP:
		icmp4_input(ds, p, m, ip);
		break;
	case IPPROTO_IGMP: /* a query sent to our address (RFC 3376 §4.1.12) */
		igmp_input(ds, p, m, ip);
		break;
	default:
		net_drop(ds, m, DPG_DROP_ip4_unknown_proto);
		break;
	}
}
