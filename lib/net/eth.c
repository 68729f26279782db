/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Ethernet II input and output.
 */
#include "net/net.h"

/* Our MAC, broadcast, or a multicast MAC the stack asked the port for
 * (port_mc_add): the NIC's filter may pass more (allmulticast, net_tap). */
static bool eth_for_us(const struct port *p, const struct rte_ether_addr *dst)
{
	if (rte_is_same_ether_addr(dst, &p->mac) || rte_is_broadcast_ether_addr(dst))
		return true;
	return rte_is_multicast_ether_addr(dst) && port_mc_has(p, dst);
}

void eth_input(struct dstack *ds, struct port *p, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh;

	if (rte_pktmbuf_data_len(m) < sizeof(*eh)) {
		net_drop(ds, m, DPG_DROP_eth_too_short);
		return;
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	if (!eth_for_us(p, &eh->dst_addr)) {
		net_drop(ds, m, DPG_DROP_eth_not_for_us);
		return;
	}
	m->l2_len = sizeof(*eh);
	switch (eh->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		arp_input(ds, p, m);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		ip4_input(ds, p, m);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		ip6_input(ds, p, m);
		break;
	default:
		net_drop(ds, m, DPG_DROP_eth_unknown_type);
		break;
	}
}

int eth_output(struct dstack *ds, struct port *p, struct rte_mbuf *m,
	       const struct rte_ether_addr *dst, uint16_t ether_type)
{
	struct rte_ether_hdr *eh;

	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eh));
	if (eh == NULL) {
		net_drop(ds, m, DPG_DROP_pool_empty);
		return -ENOBUFS;
	}
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(&p->mac, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ether_type);
	m->l2_len = sizeof(*eh);
	return net_tx(ds, p, m);
}
