/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Internal to the neighbour cache (neigh.c) and its two protocols, ARP
 * (arp.c) and Neighbour Discovery (nd.c, with the ports' own IPv6 addresses
 * in addr6.c). Entries are keyed by (address, port index): IPv4 addresses
 * v4-mapped, and the same IPv6 link-local address may live on two links.
 */
#ifndef NET_NEIGH_H
#define NET_NEIGH_H

#include "net/net.h"

struct neigh *neigh_find(struct dstack *ds, const struct in6_addr *ip, unsigned pi,
			 bool v6);
/* A new INCOMPLETE entry, or NULL when the cache is full. */
struct neigh *neigh_create(struct dstack *ds, const struct in6_addr *ip, unsigned pi,
			   bool v6);
void neigh_delete(struct dstack *ds, struct neigh *n);
/* Record mac as n's link-layer address and move n to state, then send what
 * waited (an IPv6 entry that has something to send from STALE goes to
 * DELAY, RFC 4861 §7.3.3). */
void neigh_update(struct dstack *ds, struct neigh *n, const struct rte_ether_addr *mac,
		  enum neigh_state state);

/* Ask for n's link-layer address once more: a broadcast ARP request
 * (arp.c); an NS, multicast while INCOMPLETE and unicast after (nd.c). */
void arp_solicit(struct dstack *ds, const struct neigh *n);
void nd_solicit(struct dstack *ds, const struct neigh *n);
/* Duplicate Address Detection's timers (addr6.c), run with the cache's. */
void nd_dad_timers(struct dstack *ds, uint64_t now);

/* Shared by nd.c and addr6.c. */
/* 33:33:00:00:00:01, the MAC of all-nodes ff02::1 (nd.c). */
extern const struct rte_ether_addr nd_all_nodes_mac;
/* Send an NS or NA from port pi, our MAC in option opt (0: none): 0 or -errno (nd.c). */
int nd_send(struct dstack *ds, unsigned pi, const struct in6_addr *src,
	    const struct in6_addr *dst, const struct rte_ether_addr *dmac, uint8_t type,
	    rte_be32_t flags, const struct in6_addr *target, uint8_t opt);
/* The solicited-node multicast address of a (addr6.c). */
struct in6_addr nd_solicited_node(const struct in6_addr *a);
/* Whether a is a solicited-node multicast address (addr6.c). */
bool nd_is_solicited_node(const struct in6_addr *a);
/* DAD found own address a on another node: make it DUPLICATE, log it (addr6.c). */
void nd_dad_conflict(struct dstack *ds, const struct port *p, struct addr6 *a,
		     const char *what, const struct rte_ether_addr *from);

#endif /* NET_NEIGH_H */
