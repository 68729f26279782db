/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The neighbour tests both binaries run (wire_neigh.c), each on the family
 * its wire_fam describes: test_wire over ARP, test_wire6 over Neighbour
 * Discovery. One body per test, two runs; where the IPv6 run checks more
 * (that ARP had no part in it, that no retransmission leaves early), the
 * body says so.
 */
#ifndef TESTS_WIRE_WIRE_NEIGH_H
#define TESTS_WIRE_WIRE_NEIGH_H

#include "wire.h"

/* What a binary's config gives the neighbour tests: a family on stacks A
 * and B. (What depends on the family alone, the resolver's counters and
 * drops, wire_neigh.c knows.) */
struct wire_fam {
	int family;              /* AF_INET or AF_INET6 */
	const char *a, *b;       /* A's and B's addresses */
	const char *nobody;      /* on the link, nobody answers for it */
	const char *far;         /* off the link: A routes it to B */
	/* A's gateway, with the scope A reaches it by (0: none). */
	const char *gw;
	uint32_t gw_scope;
	/* Where B's receiver in neigh_gateway_routing binds: B's address,
	 * or the wildcard where the gateway is another of B's addresses. */
	const char *b_rx;
	uint32_t ifindex_b;      /* B's interface; 0: only known to be set */
	/* The config's [neigh]. */
	unsigned hold, retries;
	uint64_t retrans_ms, reachable_ms;
};

/* Defined by each binary, as wire_conf is. */
extern const struct wire_fam wire_fam;

/* A receiver on B recording into rb and a sender on A, each bound to its
 * stack's address; *dst is the receiver. Returns the sender. */
struct dpg_socket *neigh_pair(struct wire *w, struct rec *rb,
			      struct sockaddr_storage *dst);
/* The same, with one datagram ("1") through: A knows B, freshly. */
struct dpg_socket *neigh_resolve(struct wire *w, struct rec *rb,
				 struct sockaddr_storage *dst);
/* neigh_resolve, then B goes stale (*a0, *b0: the counters once A knows
 * B): within reachable_ms and past it, A asks nothing, and the next
 * datagram ("3", rb's third) still goes out at once to the address known.
 * Returns the sender. */
struct dpg_socket *neigh_stale(struct wire *w, struct rec *rb,
			       struct sockaddr_storage *dst,
			       struct dpg_stats *a0, struct dpg_stats *b0);
/* From a0 to a1 and b0 to b1, A asked once, B answered once and asked
 * nothing, and A answered nothing. */
void assert_resolved_once(const struct dpg_stats *a0,
			  const struct dpg_stats *a1,
			  const struct dpg_stats *b0,
			  const struct dpg_stats *b1);

/* The tests (state: a struct wire, from wire_setup). */
void neigh_resolution(void **state);
void neigh_unicast_both_ways(void **state);
void neigh_hold_queue_overflow(void **state);
void neigh_unresolved(void **state);
void neigh_gateway_routing(void **state);

#endif /* TESTS_WIRE_WIRE_NEIGH_H */
