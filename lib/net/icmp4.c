/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ICMP (RFC 792) for a host: echo reply, and errors quoting our UDP flows
 * reported on the matching connected socket (RFC 1122 §3.2.2.1, §4.1.3.3).
 */
#include <errno.h>

#include <rte_icmp.h>
#include <rte_udp.h>

#include "net/net.h"

#define ICMP_DEST_UNREACH 3 /* rte_icmp.h of DPDK 22.11 names echo only */

/* The errno an ICMP error stands for (as Linux's icmp_err_convert). */
static int icmp_errno(uint8_t type, uint8_t code)
{
	if (type == ICMP_DEST_UNREACH) {
		switch (code) {
		case 0: return ENETUNREACH;
		case 2: return ENOPROTOOPT;
		case 3: return ECONNREFUSED;
		case 4: return EMSGSIZE;
		default: return EHOSTUNREACH;
		}
	}
	return EHOSTUNREACH; /* time exceeded, parameter problem */
}

static void icmp4_echo(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		       struct rte_ipv4_hdr *ip, struct rte_icmp_hdr *ic)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr mac;
	uint32_t a;

	/* Answer out of the same port to the sender's MAC: no routing, no
	 * ARP needed for the reply. */
	ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = ~rte_raw_cksum(ic, rte_pktmbuf_data_len(m) - m->l2_len - m->l3_len);
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->packet_id = rte_cpu_to_be_16(ds->ip_id++);
	m->ol_flags = 0;
	ip4_cksum(p, m, ip);
	rte_ether_addr_copy(&eh->src_addr, &mac);
	rte_ether_addr_copy(&eh->dst_addr, &eh->src_addr);
	rte_ether_addr_copy(&mac, &eh->dst_addr);
	if (net_tx(ds, p, m) < 0) {
		net_drop(ds, m, DPG_DROP_tx_ring_full);
		return;
	}
	ds->st.stats.icmp_echo_replies++;
}

/* An error quoting one of our datagrams: the quoted header is ours, so its
 * source is our socket and its destination the peer. */
static void icmp4_error(struct dstack *ds, struct rte_mbuf *m,
			struct rte_icmp_hdr *ic, unsigned icmp_len)
{
	const struct rte_ipv4_hdr *q = (const void *)(ic + 1);
	const struct rte_udp_hdr *qu;
	struct dsock *s;
	unsigned qhlen;

	if (icmp_len < sizeof(*ic) + sizeof(*q) + sizeof(*qu)) {
		net_drop(ds, m, DPG_DROP_icmp_too_short);
		return;
	}
	qhlen = (q->version_ihl & 0xf) * 4u;
	if (q->next_proto_id != IPPROTO_UDP || qhlen < sizeof(*q) ||
	    icmp_len < sizeof(*ic) + qhlen + sizeof(*qu)) {
		net_drop(ds, m, DPG_DROP_icmp_unhandled);
		return;
	}
	qu = (const void *)((const uint8_t *)q + qhlen);
	s = udp_table_conn(ds, q->src_addr, qu->src_port, q->dst_addr, qu->dst_port);
	if (s == NULL) {
		net_drop(ds, m, DPG_DROP_icmp_unconnected);
		return;
	}
	s->pending_err = icmp_errno(ic->icmp_type, ic->icmp_code);
	net_event(ds, s);
	rte_pktmbuf_free(m);
}

void icmp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		 struct rte_ipv4_hdr *ip)
{
	unsigned off = m->l2_len + m->l3_len;
	unsigned len = rte_be_to_cpu_16(ip->total_length) - m->l3_len;
	struct rte_icmp_hdr *ic;

	if (len < sizeof(*ic) || rte_pktmbuf_data_len(m) < off + len) {
		net_drop(ds, m, DPG_DROP_icmp_too_short);
		return;
	}
	ic = rte_pktmbuf_mtod_offset(m, struct rte_icmp_hdr *, off);
	if (rte_raw_cksum(ic, len) != 0xffff) {
		net_drop(ds, m, DPG_DROP_icmp_bad_checksum);
		return;
	}
	switch (ic->icmp_type) {
	case RTE_IP_ICMP_ECHO_REQUEST:
		icmp4_echo(ds, p, m, ip, ic);
		break;
	case ICMP_DEST_UNREACH:
	case 11: /* time exceeded */
	case 12: /* parameter problem */
		icmp4_error(ds, m, ic, len);
		break;
	default:
		net_drop(ds, m, DPG_DROP_icmp_unhandled);
		break;
	}
}
