/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IGMP for a host (RFC 3376, with the IGMPv1/v2 compatibility of §7.2.1):
 * queries parsed and handed to the interface state (mcast_state.h), other
 * hosts' v1/v2 reports suppressing ours (RFC 2236 §3), and the messages
 * the state sends: IGMPv3 reports (built in mcast_if.c), IGMPv1/v2
 * reports and IGMPv2 leaves, all with TTL 1 and Router Alert.
 */
#include <errno.h>

#include "core/clock.h"
#include "net/mcast_state.h"
#include "net/net.h"
#include "net/wire.h"

#define IGMP_MIN_LEN 8
#define IGMP_V3_QUERY_LEN 12
#define IGMP_TTL 1

static bool is_group(uint32_t a)
{
	return RTE_IS_IPV4_MCAST(rte_be_to_cpu_32(a));
}

/* §4.1.1 Max Resp Code (in tenths of seconds) and §4.1.7 QQIC (in
 * seconds): "If [the code] >= 128, [it] represents a floating-point value
 * as follows: |1| exp | mant | [...] (mant | 0x10) << (exp + 3)". */
static uint32_t igmp_float(uint8_t code)
{
	if (code < 128)
		return code;
	return (uint32_t)((code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
}

/* ---- output ---- */

void igmp_send(struct dstack *ds, unsigned pi, struct rte_mbuf *m, uint32_t dst)
{
	struct port *p = &ds->ports[pi];
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	uint8_t *ra = (uint8_t *)(ip + 1);
	struct igmp_hdr *h = (struct igmp_hdr *)(ra + IGMP_RA_LEN);
	unsigned len = rte_pktmbuf_pkt_len(m) - IGMP_IP_ROOM;
	struct in6_addr g = in6_mapped(dst);
	struct rte_ether_addr mac;
	int rc;

	static_assert(sizeof(*ip) + IGMP_RA_LEN == IGMP_IP_ROOM, "IHL 6");
	h->cksum = 0;
	h->cksum = (uint16_t)~rte_raw_cksum(h, len);
	/* §4: "sent with an IP Time-to-Live of 1, IP Precedence of
	 * Internetwork Control (e.g., Type of Service 0xc0), and carries an
	 * IP Router Alert option [RFC-2113] in its IP header"; §4.2.13:
	 * "The 0.0.0.0 source address may be used by a system that has not
	 * yet acquired an IP address." */
	ip4_fill(ds, ip, p->cfg->ip4, dst, IPPROTO_IGMP, IGMP_TTL,
		 (uint16_t)(IGMP_IP_ROOM + len));
	ip->version_ihl = (uint8_t)(0x40 | IGMP_IP_ROOM / 4);
	ip->type_of_service = IGMP_TOS;
	ra[0] = 0x94;
	ra[1] = IGMP_RA_LEN;
	ra[2] = ra[3] = 0;
	ip4_cksum(p, m, ip);
	m->l3_len = IGMP_IP_ROOM;
	/* to the group's MAC: no neighbour to resolve (RFC 1112 §6.4) */
	mcast_mac(&g, &mac);
	rc = eth_output(ds, p, m, &mac, RTE_ETHER_TYPE_IPV4);
	if (rc == -EAGAIN)
		net_drop(ds, m, DPG_DROP_tx_ring_full);
	else if (rc == 0)
		ds->st.stats.igmp_reports++;
}

/* RFC 2236 §2: a report to the group, a leave to all-routers; RFC 1112
 * App. I for v1 (no leave). */
void igmp_send_old(struct dstack *ds, unsigned pi, bool v2, bool leave,
		   const struct in6_addr *group)
{
	struct rte_mbuf *m = mcast_msg_alloc(ds, IGMP_IP_ROOM, sizeof(struct igmp_hdr));
	struct igmp_hdr *h;

	if (m == NULL)
		return;
	h = rte_pktmbuf_mtod_offset(m, struct igmp_hdr *, IGMP_IP_ROOM);
	h->type = leave ? IGMP_V2_LEAVE : v2 ? IGMP_V2_REPORT : IGMP_V1_REPORT;
	h->group = in6_v4(group);
	igmp_send(ds, pi, m, leave ? IGMP_ALL_ROUTERS : h->group);
}

/* ---- input ---- */

/* §4.1.12: "General Queries are sent with an IP destination address of
 * 224.0.0.1 [...]. Group-Specific and Group-and-Source-Specific Queries
 * are sent with an IP destination address equal to the multicast address
 * of interest. *However*, a system MUST accept and process any Query
 * whose IP Destination Address field contains *any* of the addresses
 * (unicast or multicast) assigned to the interface". */
static bool query_dst_ok(const struct port *p, uint32_t dst, uint32_t group)
{
	return dst == IGMP_ALL_SYSTEMS || (p->cfg->ip4 != 0 && dst == p->cfg->ip4) ||
	       (group != 0 && dst == group);
}

/* §7.1: "IGMPv1 Query: length = 8 octets AND Max Resp Code field is
 * zero; IGMPv2 Query: length = 8 octets AND Max Resp Code field is
 * non-zero; IGMPv3 Query: length >= 12 octets". */
static enum dpg_drop_reason igmp_query(struct dstack *ds, struct port *p,
				       struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
				       unsigned off, unsigned len)
{
	struct igmpv3_query buf;
	const struct igmpv3_query *q;
	struct mc_query mq = { .v6 = false };
	unsigned nsrc = 0;

	if (len != IGMP_MIN_LEN && len < IGMP_V3_QUERY_LEN)
		return DPG_DROP_igmp_too_short;
	q = rte_pktmbuf_read(m, off, RTE_MIN(len, sizeof(buf)), &buf);
	if (len == IGMP_MIN_LEN) {
		/* §7.2.1: "IGMPv1 [...] Max Resp Code set to 0. This MUST be
		 * interpreted as a value of 100 (10 seconds)"; IGMPv2: linear */
		mq.ver = q->h.code == 0 ? MC_V1 : MC_V2;
		mq.max_resp_ms = q->h.code == 0 ? MC_V1_MAX_RESP_MS : q->h.code * 100u;
	} else {
		nsrc = rte_be_to_cpu_16(q->nsrc);
		if (IGMP_V3_QUERY_LEN + 4 * nsrc > len)
			return DPG_DROP_igmp_too_short;
		mq.ver = MC_VNEW;
		mq.max_resp_ms = igmp_float(q->h.code) * 100;
		mq.qrv = q->s_qrv & 0x07;
		mq.qqi_ms = igmp_float(q->qqic) * 1000;
	}
	mq.general = q->h.group == 0;
	if ((!mq.general && !is_group(q->h.group)) ||
	    !query_dst_ok(p, ip->dst_addr, q->h.group))
		return DPG_DROP_igmp_bad_query;
	mq.group = in6_mapped(q->h.group);
	if (!mq.general && nsrc > 0) {
		mq.nsrc = nsrc;
		mq.src = rte_pktmbuf_read(m, off + IGMP_V3_QUERY_LEN, 4 * nsrc, ds->scratch);
	}
	mc_query(mcast_state(ds), (unsigned)(p - ds->ports), &mq, clock_now_ms());
	ds->st.stats.igmp_queries++;
	return DPG_DROP_MAX;
}

void igmp_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip)
{
	unsigned off = m->l2_len + m->l3_len, len = rte_pktmbuf_pkt_len(m) - off;
	enum dpg_drop_reason why = DPG_DROP_igmp_unhandled;
	struct igmp_hdr buf;
	const struct igmp_hdr *h;
	struct in6_addr group;
	uint16_t sum = 0;

	/* §4: every IGMP message is at least 8 octets */
	if (rte_pktmbuf_pkt_len(m) < off + IGMP_MIN_LEN) {
		net_drop(ds, m, DPG_DROP_igmp_too_short);
		return;
	}
	/* §4.1.2: "the 16-bit one's complement of the one's complement sum
	 * of the whole IGMP message" */
	if (rte_raw_cksum_mbuf(m, off, len, &sum) != 0 || sum != 0xffff) {
		net_drop(ds, m, DPG_DROP_igmp_bad_checksum);
		return;
	}
	h = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
	switch (h->type) {
	case IGMP_QUERY:
		why = ds->mc != NULL ? igmp_query(ds, p, m, ip, off, len) : why;
		break;
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
		/* RFC 2236 §3: another member answered for the group */
		group = in6_mapped(h->group);
		if (ds->mc != NULL && mc_heard(mcast_state(ds), (unsigned)(p - ds->ports),
					       &group, clock_now_ms()))
			why = DPG_DROP_MAX;
		break;
	default:  /* v2 leaves and v3 reports are for routers */
		break;
	}
	if (why != DPG_DROP_MAX)
		net_drop(ds, m, why);
	else
		rte_pktmbuf_free(m);
}
