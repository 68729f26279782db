/* SPDX-License-Identifier: BSD-3-Clause
 *
 * MLD for a host (RFC 3810, with the MLDv1 compatibility of §8.2.1):
 * queries parsed and handed to the interface state (mcast_state.h), other
 * nodes' MLDv1 reports suppressing ours (RFC 2710 §4), and the messages
 * the state sends: MLDv2 reports (built in mcast_if.c), MLDv1 reports and
 * dones, all from the link-local address with hop limit 1 and a
 * Hop-by-Hop Router Alert (RFC 3810 §5, RFC 2711).
 */
#include <errno.h>

#include "core/clock.h"
#include "net/mcast_state.h"
#include "net/net.h"
#include "net/wire.h"

#define MLD_V1_LEN 24
#define MLD_V2_QUERY_LEN 28

static const struct in6_addr all_nodes = { { { 0xff, 0x02, [15] = 1 } } };
static const struct in6_addr all_routers = { { { 0xff, 0x02, [15] = 2 } } };

/* §5.1.3 Maximum Response Code, in milliseconds: "If Maximum Response
 * Code >= 32768, [it] represents a floating-point value as follows:
 * |1| exp | mant | [...] (mant | 0x1000) << (exp + 3)". */
static uint32_t mld_mrc(uint16_t code)
{
	if (code < 32768)
		return code;
	return (uint32_t)((code & 0x0fff) | 0x1000) << (((code >> 12) & 0x07) + 3);
}

/* §5.1.9 QQIC, in seconds: the form of IGMPv3's. */
static uint32_t mld_qqic(uint8_t code)
{
	if (code < 128)
		return code;
	return (uint32_t)((code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
}

/* ---- output ---- */

void mld_send(struct dstack *ds, unsigned pi, struct rte_mbuf *m, const struct in6_addr *dst)
{
	static const uint8_t opts[MLD_HBH_LEN - 2] = {
		IP6_OPT_ROUTER_ALERT, 2, 0, IP6_RA_MLD, IP6_OPT_PADN, 0,
	};
	struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	uint8_t *hbh = (uint8_t *)(ip + 1);
	struct mld_msg *h = (struct mld_msg *)(hbh + MLD_HBH_LEN);
	unsigned len = rte_pktmbuf_pkt_len(m) - MLD_IP_ROOM;
	const struct addr6 *ll = &ds->p6[pi].addr[P6_LL];
	struct rte_ether_addr mac;
	int rc;

	static_assert(sizeof(*ip) + MLD_HBH_LEN == MLD_IP_ROOM, "IPv6 + Hop-by-Hop");
	/* §5: "sent with a link-local IPv6 Source Address, an IPv6 Hop
	 * Limit of 1, and an IPv6 Router Alert option"; §5.2.13: the
	 * unspecified address while the node has no valid link-local one */
	ip6_fill(ip, addr6_usable(ll) ? &ll->a : &in6addr_any, dst, IPPROTO_HOPOPTS,
		 MLD_HOP_LIMIT, (uint16_t)(MLD_HBH_LEN + len));
	hbh[0] = IPPROTO_ICMPV6;
	hbh[1] = 0;    /* 8 octets */
	memcpy(hbh + 2, opts, sizeof(opts));
	h->cksum = 0;
	h->cksum = ip6_l4_cksum(m, ip, IPPROTO_ICMPV6, MLD_IP_ROOM, len);
	m->l3_len = MLD_IP_ROOM;
	/* RFC 2464 §7: 33:33 and the group's low 32 bits, no resolution */
	mcast_mac(dst, &mac);
	rc = eth_output(ds, &ds->ports[pi], m, &mac, RTE_ETHER_TYPE_IPV6);
	if (rc == -EAGAIN)
		net_drop(ds, m, DPG_DROP_tx_ring_full);
	else if (rc == 0)
		ds->st.stats.mld_reports++;
}

/* RFC 2710 §3, §4: a report to the address, a done to all-routers. */
void mld_send_v1(struct dstack *ds, unsigned pi, bool done, const struct in6_addr *group)
{
	struct rte_mbuf *m = mcast_msg_alloc(ds, MLD_IP_ROOM, sizeof(struct mld_msg));
	struct mld_msg *h;

	if (m == NULL)
		return;
	h = rte_pktmbuf_mtod_offset(m, struct mld_msg *, MLD_IP_ROOM);
	h->type = done ? MLD_V1_DONE : MLD_V1_REPORT;
	h->group = *group;
	mld_send(ds, pi, m, done ? &all_routers : group);
}

/* ---- input ---- */

/* §5.1.15: "a node MUST accept and process any Query whose IP
 * Destination Address field contains any of the addresses (unicast or
 * multicast) assigned to the interface": all-nodes, the group queried,
 * the port's own addresses. */
static bool query_dst_ok(const struct dstack *ds, unsigned pi, const struct in6_addr *dst,
			 const struct mc_query *q)
{
	const struct port6 *p6 = &ds->p6[pi];

	if (in6_equal(dst, &all_nodes) || (!q->general && in6_equal(dst, &q->group)))
		return true;
	for (unsigned k = 0; k < RTE_DIM(p6->addr); k++)
		if (addr6_usable(&p6->addr[k]) && in6_equal(dst, &p6->addr[k].a))
			return true;
	return false;
}

/* Whether the Hop-by-Hop header (its options' layout checked by
 * ip6_input, in the first segment) has a Router Alert for MLD (RFC 2711
 * value 0). */
static bool mld_router_alert(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip)
{
	const uint8_t *h = rte_pktmbuf_mtod_offset(m, const uint8_t *,
						    m->l2_len + sizeof(*ip));
	unsigned hlen;

	if (ip->proto != IPPROTO_HOPOPTS || m->l3_len < sizeof(*ip) + MLD_HBH_LEN)
		return false;
	hlen = (h[1] + 1u) * 8;
	for (unsigned i = 2; i + 1 < hlen; i += h[i] == 0 ? 1 : 2u + h[i + 1])
		if (h[i] == IP6_OPT_ROUTER_ALERT && h[i + 1] == 2)
			return h[i + 2] == 0 && h[i + 3] == IP6_RA_MLD;
	return false;
}

/* §8.1: "MLDv1 Query: length = 24 octets; MLDv2 Query: length >= 28
 * octets"; §6.2: "the node checks if the source address of the message
 * is a valid link-local address, if the Hop Limit is set to 1, and if
 * the Router Alert option is present in the Hop-By-Hop Options header
 * of the IPv6 packet. If any of these checks fails, the packet is
 * dropped." */
static enum dpg_drop_reason mld_query(struct dstack *ds, unsigned pi, struct rte_mbuf *m,
				      const struct rte_ipv6_hdr *ip, unsigned off,
				      unsigned len)
{
	struct mldv2_query buf;
	const struct mldv2_query *q;
	struct mc_query mq = { .v6 = true };
	struct in6_addr src, dst;
	unsigned nsrc = 0;

	if (len != MLD_V1_LEN && len < MLD_V2_QUERY_LEN)
		return DPG_DROP_mld_too_short;
	q = rte_pktmbuf_read(m, off, RTE_MIN(len, sizeof(buf)), &buf);
	if (len == MLD_V1_LEN) {
		mq.ver = MC_V2;   /* MLDv1 is IGMPv2's kind: reports and dones */
		mq.max_resp_ms = rte_be_to_cpu_16(q->h.max_resp);
	} else {
		nsrc = rte_be_to_cpu_16(q->nsrc);
		if (MLD_V2_QUERY_LEN + 16 * nsrc > len)
			return DPG_DROP_mld_too_short;
		mq.ver = MC_VNEW;
		mq.max_resp_ms = mld_mrc(rte_be_to_cpu_16(q->h.max_resp));
		mq.qrv = q->s_qrv & 0x07;
		mq.qqi_ms = mld_qqic(q->qqic) * 1000;
	}
	memcpy(&src, ip->src_addr, sizeof(src));
	memcpy(&dst, ip->dst_addr, sizeof(dst));
	mq.group = q->h.group;
	mq.general = IN6_IS_ADDR_UNSPECIFIED(&mq.group);
	if (!IN6_IS_ADDR_LINKLOCAL(&src) || ip->hop_limits != MLD_HOP_LIMIT ||
	    !mld_router_alert(m, ip) || (!mq.general && !IN6_IS_ADDR_MULTICAST(&mq.group)) ||
	    !query_dst_ok(ds, pi, &dst, &mq))
		return DPG_DROP_mld_bad_query;
	if (!mq.general && nsrc > 0) {
		mq.nsrc = nsrc;
		mq.src = rte_pktmbuf_read(m, off + MLD_V2_QUERY_LEN, 16 * nsrc, ds->scratch);
	}
	mc_query(mcast_state(ds), pi, &mq, clock_now_ms());
	ds->st.stats.mld_queries++;
	return DPG_DROP_MAX;
}

void mld_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
	       struct rte_ipv6_hdr *ip, unsigned len)
{
	unsigned off = m->l2_len + m->l3_len, pi = (unsigned)(p - ds->ports);
	enum dpg_drop_reason why = DPG_DROP_mld_unhandled;
	struct mld_msg buf;
	const struct mld_msg *h;
	uint8_t type = *rte_pktmbuf_mtod_offset(m, uint8_t *, off);  /* icmp6.c: 4 bytes */

	/* queries and MLDv1 reports are at least 24 octets */
	if (len < MLD_V1_LEN && (type == MLD_QUERY || type == MLD_V1_REPORT)) {
		net_drop(ds, m, DPG_DROP_mld_too_short);
		return;
	}
	h = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	switch (type) {
	case MLD_QUERY:
		why = ds->mc != NULL ? mld_query(ds, pi, m, ip, off, len) : why;
		break;
	case MLD_V1_REPORT:
		/* RFC 2710 §4: another listener answered for the address */
		if (ds->mc != NULL && mc_heard(mcast_state(ds), pi, &h->group, clock_now_ms()))
			why = DPG_DROP_MAX;
		break;
	default:  /* dones and MLDv2 reports are for routers */
		break;
	}
	if (why != DPG_DROP_MAX)
		net_drop(ds, m, why);
	else
		rte_pktmbuf_free(m);
}
