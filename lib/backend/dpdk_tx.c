/* SPDX-License-Identifier: BSD-3-Clause
 *
 * DPDK backend: transmit through the ports' tx buffers, with each socket's
 * unsent datagrams charged to its send buffer (pkt_meta owner) until the
 * driver takes them or they are dropped (net.h's tx section).
 */
#include <errno.h>

#include "backend/dpdk.h"

void net_tx_charge(struct dsock *s, struct rte_mbuf *m, uint32_t bytes)
{
	struct pkt_meta *pm = pkt_meta(m);

	pm->owner = s;
	pm->charged = bytes;
	s->tx_held++;
	s->tx_held_bytes += pm->charged;
}

static void release(struct dsock *s, uint32_t charged)
{
	s->tx_held--;
	s->tx_held_bytes -= charged;
}

void net_tx_release(struct dstack *ds, struct rte_mbuf *m)
{
	struct pkt_meta *pm = pkt_meta(m);

	(void)ds;
	if (pm->owner != NULL) {
		release(pm->owner, pm->charged);
		pm->owner = NULL;
	}
}

void net_flush(struct dstack *ds, struct port *p)
{
	struct dsock *own[PORT_TXB];
	uint32_t charged[PORT_TXB];
	uint16_t n = p->ntx;
	unsigned sent;

	(void)ds;
	if (n == 0)
		return;
	/* The driver may free what it takes at once: note owners first. */
	for (uint16_t i = 0; i < n; i++) {
		own[i] = pkt_meta(p->txb[i])->owner;
		charged[i] = pkt_meta(p->txb[i])->charged;
	}
	sent = port_flush(p);
	for (unsigned i = 0; i < sent; i++)
		if (own[i] != NULL)
			release(own[i], charged[i]);
}

int net_tx(struct dstack *ds, struct port *p, struct rte_mbuf *m)
{
	if (port_tx_room(p) == 0)
		net_flush(ds, p);
	if (port_tx_room(p) == 0)
		return -EAGAIN;
	return port_tx(p, m);
}

/* Take s's unsent datagrams out of port p's tx buffer. */
static void txb_forget_owner(struct dstack *ds, struct port *p, struct dsock *s)
{
	uint16_t keep = 0;

	for (uint16_t i = 0; i < p->ntx; i++) {
		struct rte_mbuf *m = p->txb[i];

		if (pkt_meta(m)->owner == s)
			net_drop(ds, m, DPG_DROP_tx_closed);
		else
			p->txb[keep++] = m;
	}
	p->ntx = keep;
}

void dpdk_tx_forget_owner(struct dstack *ds, struct dsock *s)
{
	for (unsigned i = 0; i < ds->nports; i++)
		txb_forget_owner(ds, &ds->ports[i], s);
}
