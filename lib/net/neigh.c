/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The neighbour cache of both families, in one rte_hash keyed by (family,
 * address, port). IPv4 (RFC 1122 §2.3.2, resolved by ARP in arp.c) goes
 * INCOMPLETE -> REACHABLE -> STALE, and a STALE entry is re-verified when
 * used; IPv6 (RFC 4861 §7.3.2, resolved by ND in nd.c) adds DELAY and
 * PROBE. Timers run on the stack clock. An unresolved neighbour holds a
 * bounded queue of datagrams, sent once it answers and dropped (with an
 * error to connected senders) when it never does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>

#include "core/clock.h"
#include "net/neigh.h"

struct neigh_key {
	struct in6_addr ip;
	uint16_t port;
	uint16_t v6;     /* a v4-mapped IPv6 address is not an IPv4 one */
};

/* What each family counts its drops under. */
static const struct {
	enum dpg_drop_reason hold_full, unresolved, cache_full;
} drops[2] = {
	{ DPG_DROP_arp_hold_full, DPG_DROP_arp_unresolved, DPG_DROP_arp_cache_full },
	{ DPG_DROP_nd_hold_full, DPG_DROP_nd_unresolved, DPG_DROP_nd_cache_full },
};

static struct neigh_key neigh_key(const struct in6_addr *ip, unsigned pi, bool v6)
{
	struct neigh_key k;

	memset(&k, 0, sizeof(k));
	k.ip = *ip;
	k.port = (uint16_t)pi;
	k.v6 = v6;
	return k;
}

/* rte_hash positions run up to entries (+ bucket slack). */
static unsigned neigh_slots(const struct dstack *ds)
{
	return ds->cfg.neigh_entries + 64;
}

int neigh_init(struct dstack *ds)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = ds->cfg.neigh_entries,
		.key_len = sizeof(struct neigh_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
	};

	snprintf(name, sizeof(name), "nb_%s", ds->name);
	ds->neigh_hash = rte_hash_create(&hp);
	if (ds->neigh_hash == NULL)
		return -ENOMEM;
	ds->neigh = calloc(neigh_slots(ds), sizeof(ds->neigh[0]));
	if (ds->neigh == NULL) {
		rte_hash_free(ds->neigh_hash);
		ds->neigh_hash = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* Drop every held packet for `why` (net_drop also gives back its
 * sender's send-buffer share). */
static void hold_purge(struct dstack *ds, struct neigh *n, enum dpg_drop_reason why)
{
	struct rte_mbuf *m;

	while ((m = pktq_pop(&n->hold)) != NULL)
		net_drop(ds, m, why);
}

void neigh_fini(struct dstack *ds)
{
	for (unsigned i = 0; i < neigh_slots(ds); i++)
		if (ds->neigh[i].state != NEIGH_FREE)
			hold_purge(ds, &ds->neigh[i], DPG_DROP_tx_closed);
	rte_hash_free(ds->neigh_hash);
	free(ds->neigh);
	ds->neigh_hash = NULL;
	ds->neigh = NULL;
}

struct neigh *neigh_find(struct dstack *ds, const struct in6_addr *ip, unsigned pi, bool v6)
{
	struct neigh_key k = neigh_key(ip, pi, v6);
	int pos = rte_hash_lookup(ds->neigh_hash, &k);

	return pos >= 0 ? &ds->neigh[pos] : NULL;
}

struct neigh *neigh_create(struct dstack *ds, const struct in6_addr *ip, unsigned pi,
			   bool v6)
{
	struct neigh_key k = neigh_key(ip, pi, v6);
	int pos = rte_hash_add_key(ds->neigh_hash, &k);
	struct neigh *n;

	if (pos < 0 || (unsigned)pos >= neigh_slots(ds))
		return NULL;
	n = &ds->neigh[pos];
	memset(n, 0, sizeof(*n));
	n->ip = *ip;
	n->v6 = v6;
	n->port = pi;
	n->state = NEIGH_INCOMPLETE;
	return n;
}

void neigh_delete(struct dstack *ds, struct neigh *n)
{
	struct neigh_key k = neigh_key(&n->ip, n->port, n->v6);

	hold_purge(ds, n, drops[n->v6].unresolved);
	rte_hash_del_key(ds->neigh_hash, &k);
	n->state = NEIGH_FREE;
}

static uint16_t neigh_ether_type(const struct neigh *n)
{
	return n->v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4;
}

/* Solicit n once more; the next try (or giving up) is retrans_ms away. */
static void neigh_probe(struct dstack *ds, struct neigh *n, uint64_t now)
{
	if (n->v6)
		nd_solicit(ds, n);
	else
		arp_solicit(ds, n);
	n->tries++;
	n->next_ms = now + ds->cfg.neigh_retrans_ms;
}

/* Send what waited for n. */
static void hold_flush(struct dstack *ds, struct neigh *n)
{
	struct port *p = &ds->ports[n->port];
	struct rte_mbuf *m;

	while ((m = pktq_pop(&n->hold)) != NULL)
		if (eth_output(ds, p, m, &n->mac, neigh_ether_type(n)) == -EAGAIN)
			net_drop(ds, m, DPG_DROP_tx_ring_full);
}

void neigh_update(struct dstack *ds, struct neigh *n, const struct rte_ether_addr *mac,
		  enum neigh_state state)
{
	uint64_t now = clock_now_ms();

	rte_ether_addr_copy(mac, &n->mac);
	n->state = state;
	n->updated_ms = now;
	n->tries = 0;
	if (n->hold.count == 0)
		return;
	if (state == NEIGH_STALE) {
		n->state = NEIGH_DELAY;
		n->next_ms = now + ds->cfg.neigh_delay_ms;
	}
	hold_flush(ds, n);
}

/* A datagram goes to resolved neighbour n. */
static void neigh_used(struct dstack *ds, struct neigh *n)
{
	if (n->state != NEIGH_STALE)
		return;
	if (n->v6) {
		/* RFC 4861 §7.3.3: give upper layers delay_ms to confirm */
		n->state = NEIGH_DELAY;
		n->next_ms = clock_now_ms() + ds->cfg.neigh_delay_ms;
	} else if (n->tries == 0) {
		neigh_probe(ds, n, clock_now_ms()); /* re-verify, keep using */
	}
}

static int neigh_send(struct dstack *ds, unsigned pi, const struct in6_addr *ip, bool v6,
		      struct rte_mbuf *m)
{
	struct neigh *n = neigh_find(ds, ip, pi, v6);

	if (n != NULL && n->state != NEIGH_INCOMPLETE) {
		neigh_used(ds, n);
		return eth_output(ds, &ds->ports[pi], m, &n->mac, neigh_ether_type(n));
	}
	if (n == NULL) {
		n = neigh_create(ds, ip, pi, v6);
		if (n == NULL) {
			net_drop(ds, m, drops[v6].cache_full);
			return 0;
		}
		neigh_probe(ds, n, clock_now_ms());
	}
	if (n->hold.count >= ds->cfg.neigh_hold) {
		net_drop(ds, m, drops[v6].hold_full);
		return 0;
	}
	pktq_push(&n->hold, m);
	return 0;
}

int neigh_output(struct dstack *ds, unsigned pi, uint32_t nh, struct rte_mbuf *m)
{
	struct in6_addr ip = in6_mapped(nh);

	return neigh_send(ds, pi, &ip, false, m);
}

int neigh_output6(struct dstack *ds, unsigned pi, const struct in6_addr *nh,
		  struct rte_mbuf *m)
{
	return neigh_send(ds, pi, nh, true, m);
}

/* Resolution failed: tell connected senders, drop what waited. */
static void neigh_fail(struct dstack *ds, struct neigh *n)
{
	for (struct rte_mbuf *m = n->hold.head; m != NULL; m = pkt_meta(m)->next) {
		struct dsock *s = pkt_meta(m)->owner;

		if (s != NULL && s->s.connected) {
			s->pending_err = EHOSTUNREACH;
			net_event(ds, s);
		}
	}
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
			neigh_probe(ds, n, now);
		return;
	case NEIGH_REACHABLE:
		if (now - n->updated_ms >= ds->cfg.neigh_reachable_ms) {
			n->state = NEIGH_STALE;
			n->tries = 0;
		}
		return;
	case NEIGH_DELAY:
		if (now >= n->next_ms) {
			n->state = NEIGH_PROBE;
			n->tries = 0;
			neigh_probe(ds, n, now);
		}
		return;
	case NEIGH_STALE:       /* IPv4 re-verification under way (tries > 0) */
	case NEIGH_PROBE:
		/* Unanswered: forget it, the next send starts over (RFC 1122
		 * §2.3.2.1, RFC 4861 §7.3.3). */
		if (n->tries > 0 && now >= n->next_ms) {
			if (n->tries >= ds->cfg.neigh_retries)
				neigh_delete(ds, n);
			else
				neigh_probe(ds, n, now);
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
	nd_dad_timers(ds, now);
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
