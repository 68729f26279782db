/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One stack's use of one port: a queue pair claimed at port_open, the
 * stack's pool on its rx queue, a tx buffer emptied by tx bursts, the
 * multicast MACs it receives, and at port_close everything of the stack's
 * pool back in that pool.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "port/env.h"

#define LINK_POLL_MS 10
#define CLOSE_FLUSH_TRIES 4

static int free_queue(const struct env_port *ep)
{
	for (uint16_t q = 0; q < ep->cfg.queues; q++)
		if (!(ep->used & (1u << q)))
			return q;
	return -1;
}

static void describe(struct port *p, const struct env_port *ep, const struct port_cfg *pc,
		     uint16_t q, struct rte_mempool *mp)
{
	memset(p, 0, sizeof(*p));
	p->cfg = pc;
	p->port_id = ep->port_id;
	p->queue = q;
	p->mac = ep->mac;
	p->mtu = pc->mtu;
	p->ifindex = ep->ifindex != 0 ? ep->ifindex : 1000u + ep->port_id;
	snprintf(p->ifname, sizeof(p->ifname), "%s", ep->ifindex != 0 ? ep->ifname : pc->section);
	p->tx_ip4_cksum = ep->tx_ip4_cksum;
	p->tx_udp_cksum = ep->tx_udp_cksum;
	p->rx_ip4_cksum = ep->rx_ip4_cksum;
	p->rx_udp_cksum = ep->rx_udp_cksum;
	p->tx_multi_seg = ep->tx_multi_seg;
	p->mc_filter = ep->mc_filter;
	p->rx_pool = ep->rx_bind == RX_BIND_FIXED ? ep->rx_pool : mp;
}

/* Bounded by link_wait_ms; a port without link is logged, not refused
 * (a cable may come later, and vdevs report what they like). */
static void link_wait(const struct port *p, unsigned ms)
{
	struct rte_eth_link link;

	for (unsigned waited = 0;; waited += LINK_POLL_MS) {
		if (rte_eth_link_get_nowait(p->port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return;
		if (waited >= ms)
			break;
		rte_delay_us_sleep(LINK_POLL_MS * 1000);
	}
	PORT_LOG(WARNING, "%s: link still down after %u ms; going on", p->cfg->device, ms);
}

int port_open(struct port *p, const struct port_cfg *pc, struct rte_mempool *mp)
{
	struct env_port *ep;
	unsigned wait_ms;
	int q, rc;

	if (p == NULL || pc == NULL || mp == NULL)
		return env_fail(-EINVAL, "port_open: NULL argument");
	env_lock();
	ep = env_find(pc->device);
	if (ep == NULL) {
		rc = env_fail(-ENODEV, "%s: not set up (port_env_init first)", pc->device);
		goto out;
	}
	q = free_queue(ep);
	if (q < 0) {
		rc = env_fail(-EBUSY, "%s: all %u queues in use ([%s] queues)", pc->device,
			      ep->cfg.queues, pc->section);
		goto out;
	}
	rc = dev_rx_bind(ep, (uint16_t)q, mp);
	if (rc != 0) {
		rc = env_fail(rc, "%s: rx queue %d cannot take pool %s: %s", pc->device, q,
			      mp->name, rte_strerror(-rc));
		goto out;
	}
	ep->used |= 1u << q;
	describe(p, ep, pc, (uint16_t)q, mp);
out:
	wait_ms = env_link_wait_ms();
	env_unlock();
	if (rc == 0)
		link_wait(p, wait_ms);
	return rc;
}

static struct env_port *env_port_of(const struct port *p)
{
	struct env_port *ep = env_find(p->cfg->device);

	return ep != NULL && ep->port_id == p->port_id ? ep : NULL;
}

static struct env_mc *union_find(struct env_port *ep, const struct rte_ether_addr *mac)
{
	for (unsigned i = 0; i < ep->nmc; i++)
		if (rte_is_same_ether_addr(&ep->mc[i].mac, mac))
			return &ep->mc[i];
	return NULL;
}

/* A stack's first reference to mac (add) or its last (!add) changes the
 * device's union; true when its list changed. Under env_lock. */
static bool union_ref(struct env_port *ep, const struct rte_ether_addr *mac, bool add)
{
	struct env_mc *e = union_find(ep, mac);

	if (add && e != NULL) {
		e->refs++;
		return false;
	}
	if (add) {
		/* room for PORT_MC_MAX per queue: cannot be full */
		if (ep->nmc == ENV_MC_MAX)
			return false;
		ep->mc[ep->nmc++] = (struct env_mc){ .mac = *mac, .refs = 1 };
		return true;
	}
	if (e == NULL || --e->refs > 0)
		return false;
	*e = ep->mc[--ep->nmc];
	return true;
}

static void device_ref(struct port *p, const struct rte_ether_addr *mac, bool add)
{
	struct env_port *ep;

	env_lock();
	ep = env_port_of(p);
	/* without ep the ports are shut down: only the stack's list is left */
	if (ep != NULL && union_ref(ep, mac, add))
		dev_mc_apply(ep);
	env_unlock();
}

static int local_find(const struct port *p, const struct rte_ether_addr *mac)
{
	for (unsigned i = 0; i < p->nmc; i++)
		if (rte_is_same_ether_addr(&p->mc[i], mac))
			return (int)i;
	return -1;
}

int port_mc_add(struct port *p, const struct rte_ether_addr *mac)
{
	int i;

	if (p == NULL || p->cfg == NULL || mac == NULL || !rte_is_multicast_ether_addr(mac) ||
	    rte_is_broadcast_ether_addr(mac))
		return -EINVAL;
	i = local_find(p, mac);
	if (i >= 0) {
		if (p->mc_refs[i] == UINT16_MAX)
			return -ENOSPC;
		p->mc_refs[i]++;
		return 0;
	}
	if (p->nmc == PORT_MC_MAX)
		return -ENOSPC;
	device_ref(p, mac, true);
	p->mc[p->nmc] = *mac;
	p->mc_refs[p->nmc] = 1;
	p->nmc++;
	return 0;
}

int port_mc_del(struct port *p, const struct rte_ether_addr *mac)
{
	int i;

	if (p == NULL || p->cfg == NULL || mac == NULL)
		return -EINVAL;
	i = local_find(p, mac);
	if (i < 0)
		return -ENOENT;
	if (--p->mc_refs[i] > 0)
		return 0;
	p->nmc--;
	p->mc[i] = p->mc[p->nmc];
	p->mc_refs[i] = p->mc_refs[p->nmc];
	device_ref(p, mac, false);
	return 0;
}

/* What the stack did not delete itself leaves the device's list. Under
 * env_lock. */
static void mc_release(struct port *p, struct env_port *ep)
{
	bool changed = false;

	for (unsigned i = 0; i < p->nmc; i++)
		changed |= union_ref(ep, &p->mc[i], false);
	if (changed)
		dev_mc_apply(ep);
	p->nmc = 0;
}

void port_close(struct port *p)
{
	struct env_port *ep;
	int rc;

	if (p == NULL || p->cfg == NULL)
		return;
	env_lock();
	/* gone with port_env_shutdown: so are the pools and the port */
	ep = env_port_of(p);
	if (ep != NULL) {
		for (int i = 0; i < CLOSE_FLUSH_TRIES && p->ntx > 0; i++)
			port_flush(p);
		rte_pktmbuf_free_bulk(p->txb, p->ntx);
		/* what a NIC still holds of what it sent; -ENOTSUP on vdevs,
		 * which free (or pass on) at tx burst */
		rte_eth_tx_done_cleanup(p->port_id, p->queue, 0);
		if (ep->ringpair)
			ringpair_purge(ep, p->queue);
		mc_release(p, ep);
		rc = dev_rx_bind(ep, p->queue, env_park_pool());
		if (rc != 0)
			PORT_LOG(ERR, "%s: rx queue %u not given back: %s; mbufs of pool %s may "
				 "stay in the driver", p->cfg->device, p->queue,
				 rte_strerror(-rc), p->rx_pool->name);
		ep->used &= ~(1u << p->queue);
	}
	env_unlock();
	p->ntx = 0;
	p->nmc = 0;
	p->cfg = NULL;
}

unsigned port_flush(struct port *p)
{
	uint16_t n;

	if (p->ntx == 0)
		return 0;
	n = rte_eth_tx_burst(p->port_id, p->queue, p->txb, p->ntx);
	p->tx_burst_calls++;
	if (n < p->ntx)
		memmove(p->txb, p->txb + n, (size_t)(p->ntx - n) * sizeof(p->txb[0]));
	p->ntx = (uint16_t)(p->ntx - n);
	return n;
}

int port_tx(struct port *p, struct rte_mbuf *m)
{
	if (p->ntx == PORT_TXB) {
		port_flush(p);
		if (p->ntx == PORT_TXB)
			return -EAGAIN;
	}
	p->txb[p->ntx++] = m;
	return 0;
}
