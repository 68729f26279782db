/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ARP (RFC 826): requests and replies for the IPv4 side of the neighbour
 * cache (neigh.c), and the gratuitous request announcing a port's address.
 */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>

#include "net/neigh.h"

/* Build and send an ARP packet from port pi. */
static void arp_send(struct dstack *ds, unsigned pi, uint16_t op,
		     const struct rte_ether_addr *tha, uint32_t tip, uint32_t sip)
{
	struct port *p = &ds->ports[pi];
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	struct rte_mbuf *m = rte_pktmbuf_alloc(ds->pool);
	struct rte_arp_hdr *a;

	if (m == NULL) {
		DDROP(ds, pool_empty);
		return;
	}
	pkt_meta(m)->owner = NULL;
	a = (struct rte_arp_hdr *)rte_pktmbuf_append(m, sizeof(*a));
	a->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = sizeof(uint32_t);
	a->arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(&p->mac, &a->arp_data.arp_sha);
	a->arp_data.arp_sip = sip;
	if (tha != NULL)
		rte_ether_addr_copy(tha, &a->arp_data.arp_tha);
	else
		memset(&a->arp_data.arp_tha, 0, sizeof(a->arp_data.arp_tha));
	a->arp_data.arp_tip = tip;
	if (eth_output(ds, p, m, op == RTE_ARP_OP_REPLY && tha ? tha : &bcast,
		       RTE_ETHER_TYPE_ARP) == -EAGAIN)
		net_drop(ds, m, DPG_DROP_tx_ring_full);
	else if (op == RTE_ARP_OP_REQUEST)
		ds->st.stats.arp_requests++;
	else
		ds->st.stats.arp_replies++;
}

void arp_solicit(struct dstack *ds, const struct neigh *n)
{
	arp_send(ds, n->port, RTE_ARP_OP_REQUEST, NULL, in6_v4(&n->ip),
		 ds->ports[n->port].cfg->ip4);
}

void arp_announce(struct dstack *ds, unsigned pi)
{
	uint32_t ip = ds->ports[pi].cfg->ip4;

	/* Gratuitous ARP (RFC 5227 §3): a request for our own address. */
	if (ip != 0)
		arp_send(ds, pi, RTE_ARP_OP_REQUEST, NULL, ip, ip);
}

/* An Ethernet/IPv4 request or reply (RFC 826's hrd/pro/hln/pln/op). */
static bool arp_valid(const struct rte_arp_hdr *a)
{
	return a->arp_hardware == RTE_BE16(RTE_ARP_HRD_ETHER) &&
	       a->arp_protocol == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
	       a->arp_hlen == RTE_ETHER_ADDR_LEN && a->arp_plen == 4 &&
	       (a->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) ||
		a->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY));
}

void arp_input(struct dstack *ds, struct port *p, struct rte_mbuf *m)
{
	unsigned pi = (unsigned)(p - ds->ports);
	struct rte_arp_hdr *a;
	struct neigh *n;
	uint32_t sip, tip;
	struct in6_addr key;
	struct rte_ether_addr sha;
	bool is_request;

	if (rte_pktmbuf_data_len(m) < m->l2_len + sizeof(*a)) {
		net_drop(ds, m, DPG_DROP_arp_malformed);
		return;
	}
	a = rte_pktmbuf_mtod_offset(m, struct rte_arp_hdr *, m->l2_len);
	if (!arp_valid(a)) {
		net_drop(ds, m, DPG_DROP_arp_malformed);
		return;
	}
	sip = a->arp_data.arp_sip;
	tip = a->arp_data.arp_tip;
	rte_ether_addr_copy(&a->arp_data.arp_sha, &sha);
	key = in6_mapped(sip);
	/* RFC 826 "merge": refresh a known sender, whoever was asked. */
	n = sip != 0 && sip != p->cfg->ip4 ? neigh_find(ds, &key, pi, false) : NULL;
	if (n != NULL)
		neigh_update(ds, n, &sha, NEIGH_REACHABLE);
	if (tip == 0 || tip != p->cfg->ip4) {
		net_drop(ds, m, DPG_DROP_arp_not_for_us);
		return;
	}
	if (n == NULL && sip != 0 && sip != p->cfg->ip4) {
		n = neigh_create(ds, &key, pi, false);
		if (n != NULL)
			neigh_update(ds, n, &sha, NEIGH_REACHABLE);
	}
	is_request = a->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_pktmbuf_free(m);
	if (is_request && sip != p->cfg->ip4)
		arp_send(ds, pi, RTE_ARP_OP_REPLY, &sha, sip, tip);
}
