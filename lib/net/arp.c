/* SPDX-License-Identifier: BSD-3-Clause
 *
 * ARP (RFC 826) and the IPv4 neighbour cache (RFC 1122 §2.3.2): entries in
 * an rte_hash keyed by address, states INCOMPLETE -> REACHABLE -> STALE on
 * the stack clock, a bounded hold queue per unresolved neighbour.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_jhash.h>

#include "core/clock.h"
#include "net/net.h"

int neigh_init(struct dstack *ds)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = ds->cfg.neigh_entries,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
	};

	snprintf(name, sizeof(name), "nb_%s", ds->name);
	ds->neigh_hash = rte_hash_create(&hp);
	if (ds->neigh_hash == NULL)
		return -ENOMEM;
	/* rte_hash positions run up to entries (+ bucket slack). */
	ds->neigh = calloc(ds->cfg.neigh_entries + 64, sizeof(ds->neigh[0]));
	if (ds->neigh == NULL) {
		rte_hash_free(ds->neigh_hash);
		return -ENOMEM;
	}
	return 0;
}

static unsigned neigh_slots(const struct dstack *ds)
{
	return ds->cfg.neigh_entries + 64;
}

/* Release every held packet's send accounting and drop it for `why`. */
static void hold_purge(struct dstack *ds, struct neigh *n, enum dpg_drop_reason why)
{
	struct rte_mbuf *m;

	while ((m = pktq_pop(&n->hold)) != NULL)
		net_drop(ds, m, why); /* also releases the sender's accounting */
}

void neigh_fini(struct dstack *ds)
{
	for (unsigned i = 0; i < neigh_slots(ds); i++)
		if (ds->neigh[i].state != NEIGH_FREE)
			hold_purge(ds, &ds->neigh[i], DPG_DROP_tx_closed);
	rte_hash_free(ds->neigh_hash);
	free(ds->neigh);
}

static struct neigh *neigh_find(struct dstack *ds, uint32_t ip)
{
	int pos = rte_hash_lookup(ds->neigh_hash, &ip);

	return pos >= 0 ? &ds->neigh[pos] : NULL;
}

static struct neigh *neigh_create(struct dstack *ds, uint32_t ip, unsigned pi)
{
	int pos = rte_hash_add_key(ds->neigh_hash, &ip);
	struct neigh *n;

	if (pos < 0 || (unsigned)pos >= neigh_slots(ds))
		return NULL;
	n = &ds->neigh[pos];
	memset(n, 0, sizeof(*n));
	n->ip = ip;
	n->port = pi;
	n->state = NEIGH_INCOMPLETE;
	return n;
}

static void neigh_delete(struct dstack *ds, struct neigh *n)
{
	rte_hash_del_key(ds->neigh_hash, &n->ip);
	n->state = NEIGH_FREE;
}

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

static void arp_request(struct dstack *ds, struct neigh *n, uint64_t now)
{
	arp_send(ds, n->port, RTE_ARP_OP_REQUEST, NULL, n->ip,
		 ds->ports[n->port].cfg->ip4);
	n->tries++;
	n->next_ms = now + ds->cfg.neigh_retrans_ms;
}

void arp_announce(struct dstack *ds, unsigned pi)
{
	uint32_t ip = ds->ports[pi].cfg->ip4;

	/* Gratuitous ARP (RFC 5227 §3): a request for our own address. */
	if (ip != 0)
		arp_send(ds, pi, RTE_ARP_OP_REQUEST, NULL, ip, ip);
}

/* Send what waited for this neighbour. */
static void hold_flush(struct dstack *ds, struct neigh *n)
{
	struct port *p = &ds->ports[n->port];
	struct rte_mbuf *m;

	while ((m = pktq_pop(&n->hold)) != NULL) {
		if (eth_output(ds, p, m, &n->mac, RTE_ETHER_TYPE_IPV4) == -EAGAIN)
			net_drop(ds, m, DPG_DROP_tx_ring_full);
	}
}

static void neigh_confirm(struct dstack *ds, struct neigh *n,
			  const struct rte_ether_addr *mac)
{
	rte_ether_addr_copy(mac, &n->mac);
	n->state = NEIGH_REACHABLE;
	n->updated_ms = clock_now_ms();
	n->tries = 0;
	hold_flush(ds, n);
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
	/* RFC 826 "merge": refresh a known sender, whoever was asked. */
	n = sip != 0 && sip != p->cfg->ip4 ? neigh_find(ds, sip) : NULL;
	if (n != NULL)
		neigh_confirm(ds, n, &sha);
	if (tip == 0 || tip != p->cfg->ip4) {
		net_drop(ds, m, DPG_DROP_arp_not_for_us);
		return;
	}
	if (n == NULL && sip != 0 && sip != p->cfg->ip4) {
		n = neigh_create(ds, sip, pi);
		if (n != NULL)
			neigh_confirm(ds, n, &sha);
	}
	is_request = a->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST);
	rte_pktmbuf_free(m);
	if (is_request && sip != p->cfg->ip4)
		arp_send(ds, pi, RTE_ARP_OP_REPLY, &sha, sip, tip);
}

int neigh_output(struct dstack *ds, unsigned pi, uint32_t nh, struct rte_mbuf *m)
{
	struct neigh *n = neigh_find(ds, nh);
	uint64_t now;

	if (n != NULL && n->state != NEIGH_INCOMPLETE) {
		if (n->state == NEIGH_STALE && n->tries == 0)
			arp_request(ds, n, clock_now_ms()); /* re-verify, keep using */
		return eth_output(ds, &ds->ports[pi], m, &n->mac, RTE_ETHER_TYPE_IPV4);
	}
	if (n == NULL) {
		n = neigh_create(ds, nh, pi);
		if (n == NULL) {
			net_drop(ds, m, DPG_DROP_arp_cache_full);
			return 0;
		}
		now = clock_now_ms();
		arp_request(ds, n, now);
	}
	if (n->hold.count >= ds->cfg.neigh_hold) {
		net_drop(ds, m, DPG_DROP_arp_hold_full);
		return 0;
	}
	pktq_push(&n->hold, m);
	return 0;
}

/* Resolution failed: tell connected senders, drop what waited. */
static void neigh_fail(struct dstack *ds, struct neigh *n)
{
	for (struct rte_mbuf *m = n->hold.head; m != NULL; m = pkt_meta(m)->next) {
		struct dsock *s = pkt_meta(m)->owner;

		if (s != NULL && s->s.connected && s->raddr != 0) {
			s->pending_err = EHOSTUNREACH;
			net_event(ds, s);
		}
	}
	hold_purge(ds, n, DPG_DROP_arp_unresolved);
	neigh_delete(ds, n);
}

static void neigh_tick(struct dstack *ds, struct neigh *n, uint64_t now)
{
	switch (n->state) {
	case NEIGH_INCOMPLETE:
		if (now < n->next_ms)
			return;
		if (n->tries >= ds->cfg.neigh_retries)
			neigh_fail(ds, n);
		else
			arp_request(ds, n, now);
		return;
	case NEIGH_REACHABLE:
		if (now - n->updated_ms >= ds->cfg.neigh_reachable_ms) {
			n->state = NEIGH_STALE;
			n->tries = 0;
		}
		return;
	case NEIGH_STALE:
		/* Re-verification unanswered: forget it, the next send starts
		 * over (RFC 1122 §2.3.2.1). */
		if (n->tries > 0 && now >= n->next_ms) {
			if (n->tries >= ds->cfg.neigh_retries)
				neigh_delete(ds, n);
			else
				arp_request(ds, n, now);
		}
		return;
	case NEIGH_FREE:
		return;
	}
}

void neigh_timers(struct dstack *ds, uint64_t now)
{
	for (unsigned i = 0; i < neigh_slots(ds); i++)
		if (ds->neigh[i].state != NEIGH_FREE)
			neigh_tick(ds, &ds->neigh[i], now);
}

void neigh_forget_owner(struct dstack *ds, struct dsock *s)
{
	for (unsigned i = 0; i < neigh_slots(ds); i++) {
		struct neigh *n = &ds->neigh[i];
		struct pktq keep = { 0 };
		struct rte_mbuf *m;

		if (n->state == NEIGH_FREE || n->hold.count == 0)
			continue;
		while ((m = pktq_pop(&n->hold)) != NULL) {
			if (pkt_meta(m)->owner == s)
				net_drop(ds, m, DPG_DROP_tx_closed);
			else
				pktq_push(&keep, m);
		}
		n->hold = keep;
	}
}
