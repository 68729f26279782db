/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ringpair:NAME:a|b: two ethdevs joined back to back by rte_rings, a wire
 * inside one process for tests with two stacks. Per queue q, ring
 * dpg_NAME_abQ carries what side a sends to side b, and dpg_NAME_baQ the
 * other way; each holds txq_desc frames of its sender, so a side whose peer
 * does not read sees its tx refused once that many are in flight.
 * The frames are the sender's mbufs: whoever receives one frees it back to
 * the sender's pool.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "port/config.h"
#include "port/env.h"

/* the rings this file created, freed once their ethdevs are gone */
static struct rte_ring *rings[PORT_MAX * 2 * ENV_MAX_QUEUES];
static unsigned nrings;

/* The other end's [portN] when the same config has it. */
static const struct port_cfg *peer_of(const struct dpg_config *cfg, const char *name,
				      char side)
{
	for (unsigned i = 0; i < cfg->nports; i++) {
		char n[PORT_RINGPAIR_NAME_MAX + 1], s;

		if (cfg_ringpair_split(cfg->port[i].device, n, sizeof(n), &s) == 0 &&
		    strcmp(n, name) == 0 && s != side)
			return &cfg->port[i];
	}
	return NULL;
}

/* The ring of one direction and queue, created by whichever side comes
 * first. */
static struct rte_ring *ring_get(const char *name, const char *dir, uint16_t q,
				 unsigned count)
{
	char rname[RTE_RING_NAMESIZE];
	struct rte_ring *r;

	snprintf(rname, sizeof(rname), "dpg_%s_%s%u", name, dir, q);
	r = rte_ring_lookup(rname);
	if (r != NULL)
		return r;
	/* multi-producer/consumer: port_close drains a ring the peer stack
	 * may be reading from another thread */
	r = rte_ring_create(rname, count, SOCKET_ID_ANY, RING_F_EXACT_SZ);
	if (r != NULL)
		rings[nrings++] = r;
	else
		env_fail(-rte_errno, "ring %s: %s", rname, rte_strerror(rte_errno));
	return r;
}

/* net_ring gives every port the MAC address 00:00:00:00:00:00 and has no
 * operation to change it; it filters nothing either, so the stacks simply
 * use one of ours (struct port.mac). Locally administered, from NAME and the
 * side, the same from run to run: 02:64:70:HH:HH:0a|0b. */
static void set_mac(struct env_port *ep, const char *name, char side)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (const char *c = name; *c != '\0'; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	ep->mac = (struct rte_ether_addr){ { 0x02, 0x64, 0x70, (uint8_t)(h >> 8), (uint8_t)h,
					     (uint8_t)(side == 'a' ? 0x0a : 0x0b) } };
}

int ringpair_create(struct env_port *ep, const struct dpg_config *cfg,
		    const struct port_cfg *pc)
{
	char name[PORT_RINGPAIR_NAME_MAX + 1], side, dev[RTE_RING_NAMESIZE];
	const struct port_cfg *peer;
	const char *out, *in;
	int id;

	cfg_ringpair_split(pc->device, name, sizeof(name), &side);
	peer = peer_of(cfg, name, side);
	out = side == 'a' ? "ab" : "ba";
	in = side == 'a' ? "ba" : "ab";
	for (uint16_t q = 0; q < pc->queues; q++) {
		ep->ring_tx[q] = ring_get(name, out, q, pc->txq_desc);
		ep->ring_rx[q] = ring_get(name, in, q, peer != NULL ? peer->txq_desc :
					  pc->rxq_desc);
		if (ep->ring_tx[q] == NULL || ep->ring_rx[q] == NULL)
			return rte_errno > 0 ? -rte_errno : -ENOMEM;
	}
	snprintf(dev, sizeof(dev), "%s_%c", name, side);
	id = rte_eth_from_rings(dev, ep->ring_rx, pc->queues, ep->ring_tx, pc->queues,
				rte_socket_id());
	if (id < 0)
		return env_fail(-rte_errno, "%s: cannot create net_ring_%s: %s", pc->device,
				dev, rte_strerror(rte_errno));
	ep->port_id = (uint16_t)id;
	ep->ringpair = true;
	set_mac(ep, name, side);
	return 0;
}

/* Bounded by what the ring can hold: a peer still sending from another
 * thread cannot keep this going. */
static void drain(struct rte_ring *r)
{
	struct rte_mbuf *m[32];
	unsigned n, rounds = rte_ring_get_capacity(r) / RTE_DIM(m) + 2;

	while (rounds-- > 0 &&
	       (n = rte_ring_dequeue_burst(r, (void **)m, RTE_DIM(m), NULL)) > 0)
		rte_pktmbuf_free_bulk(m, n);
}

void ringpair_purge(struct env_port *ep, uint16_t q)
{
	/* ours in flight (the peer would otherwise receive mbufs of a pool
	 * about to be freed) and the peer's that no one will read now */
	drain(ep->ring_tx[q]);
	drain(ep->ring_rx[q]);
}

void ringpair_free_all(void)
{
	for (unsigned i = 0; i < nrings; i++) {
		drain(rings[i]);
		rte_ring_free(rings[i]);
	}
	nrings = 0;
}
