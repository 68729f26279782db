/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Address resolution over the wire, the tests test_wire (ARP, RFC 826) and
 * test_wire6 (Neighbour Discovery, RFC 4861 §7.2) both run: see
 * wire_neigh.h. "Asking" is an ARP request or a Neighbour Solicitation,
 * "answering" an ARP reply or a Neighbour Advertisement.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <dpgram.h>

#include "wire_neigh.h"

/* What the tests count of a family's resolver: questions and answers
 * sent (offsetof(struct dpg_stats, ...)), and the drops (DPG_DROP_*) of a
 * datagram beyond the hold queue, of the held ones when the neighbour
 * never answered, of A's questions about nobody as B drops them, and of a
 * packet at B's MAC address for another IP address. */
struct resolver {
	size_t ask, answer;
	unsigned hold_full, unresolved, ask_dropped, ip_not_for_us;
};

static const struct resolver arp = {
	offsetof(struct dpg_stats, arp_requests),
	offsetof(struct dpg_stats, arp_replies), DPG_DROP_arp_hold_full,
	DPG_DROP_arp_unresolved, DPG_DROP_arp_not_for_us,
	DPG_DROP_ip4_not_for_us,
};

/* IPv6 questions go to the solicited-node group of the address asked
 * for: B's multicast MAC filter drops those about nobody. */
static const struct resolver nd = {
	offsetof(struct dpg_stats, nd_solicits),
	offsetof(struct dpg_stats, nd_adverts), DPG_DROP_nd_hold_full,
	DPG_DROP_nd_unresolved, DPG_DROP_eth_not_for_us,
	DPG_DROP_ip6_not_for_us,
};

static const struct resolver *resolver(void)
{
	return wire_fam.family == AF_INET6 ? &nd : &arp;
}

static uint64_t counter(const struct dpg_stats *s, size_t off)
{
	return *(const uint64_t *)((const char *)s + off);
}

/* Questions and answers sent, from s0 to s1. */
static uint64_t asked(const struct dpg_stats *s1, const struct dpg_stats *s0)
{
	return counter(s1, resolver()->ask) - counter(s0, resolver()->ask);
}

static uint64_t answered(const struct dpg_stats *s1,
			 const struct dpg_stats *s0)
{
	return counter(s1, resolver()->answer) -
	       counter(s0, resolver()->answer);
}

/* How many times A asked since a0. */
static uint64_t asks(struct wire *w, const struct dpg_stats *a0)
{
	struct dpg_stats a1 = wire_stats(w->a);

	return asked(&a1, a0);
}

static uint64_t drops(const struct dpg_stats *s1, const struct dpg_stats *s0,
		      unsigned reason)
{
	return s1->drops[reason] - s0->drops[reason];
}

struct dpg_socket *neigh_pair(struct wire *w, struct rec *rb,
			      struct sockaddr_storage *dst)
{
	struct dpg_socket *rx = wire_socket(w->b, rb, false, wire_fam.b);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, wire_fam.a);

	*dst = wire_addr(wire_fam.b, wire_port(rx));
	return tx;
}

struct dpg_socket *neigh_resolve(struct wire *w, struct rec *rb,
				 struct sockaddr_storage *dst)
{
	struct dpg_socket *tx = neigh_pair(w, rb, dst);

	wire_deliver(w, tx, "1", dst, rb, 1);
	return tx;
}

struct dpg_socket *neigh_stale(struct wire *w, struct rec *rb,
			       struct sockaddr_storage *dst,
			       struct dpg_stats *a0, struct dpg_stats *b0)
{
	struct dpg_socket *tx = neigh_resolve(w, rb, dst);

	*a0 = wire_stats(w->a);
	*b0 = wire_stats(w->b);
	/* Within reachable_ms: no question. */
	wire_step(wire_fam.reachable_ms / 2);
	wire_deliver(w, tx, "2", dst, rb, 2);
	assert_int_equal(asks(w, a0), 0);

	/* Past it: stale, but quiet until there is traffic. */
	wire_step_quiet(w, wire_fam.reachable_ms + 1);
	assert_int_equal(asks(w, a0), 0);

	wire_deliver(w, tx, "3", dst, rb, 3);
	assert_memory_equal(rb->msg[2].data, "3", 1);
	return tx;
}

void assert_resolved_once(const struct dpg_stats *a0,
			  const struct dpg_stats *a1,
			  const struct dpg_stats *b0,
			  const struct dpg_stats *b1)
{
	assert_int_equal(asked(a1, a0), 1);
	assert_int_equal(answered(b1, b0), 1);
	assert_int_equal(asked(b1, b0), 0);
	assert_int_equal(answered(a1, a0), 0);
}

/* A's first datagram to B waits for resolution: A asks once (IPv6: to B's
 * solicited-node group), B answers once, and B, having learnt A from the
 * question (RFC 826; RFC 4861 §7.2.3, the source link-layer address
 * option), asks nothing. Once resolved, the next datagram goes straight
 * out. */
void neigh_resolution(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct sockaddr_storage dst;
	struct dpg_socket *tx = neigh_pair(w, rb, &dst);
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	wire_deliver(w, tx, "over the wire", &dst, rb, 1);
	assert_int_equal(rb->count, 1);
	assert_int_equal(rb->msg[0].len, 13);
	assert_int_equal(rb->msg[0].rinfo.size, 13);
	assert_memory_equal(rb->msg[0].data, "over the wire", 13);
	assert_from(&rb->msg[0].rinfo.from, wire_fam.a, wire_port(tx));
	if (wire_fam.ifindex_b != 0)
		assert_int_equal(rb->msg[0].rinfo.ifindex, wire_fam.ifindex_b);
	else
		assert_int_not_equal(rb->msg[0].rinfo.ifindex, 0);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_resolved_once(&a0, &a1, &b0, &b1);
	assert_int_equal(DELTA(a1, a0, tx_packets), 1);
	assert_int_equal(DELTA(a1, a0, tx_bytes), 13);
	assert_int_equal(DELTA(b1, b0, rx_packets), 1);
	assert_int_equal(DELTA(b1, b0, rx_bytes), 13);
	if (wire_fam.family == AF_INET6) { /* no ARP, no malformed ND */
		assert_int_equal(DELTA(a1, a0, arp_requests), 0);
		assert_int_equal(DELTA(b1, b0, arp_requests), 0);
		assert_int_equal(DROPS(b1, b0, nd_malformed), 0);
		assert_int_equal(DROPS(a1, a0, nd_malformed), 0);
	}

	/* Resolved: the second datagram needs no question (IPv6: not even
	 * one sent late, once the ring is quiet). */
	if (wire_fam.family == AF_INET6) {
		wire_deliver(w, tx, "again", &dst, rb, 2);
	} else {
		wire_send(tx, "again", 5, &dst);
		assert_true(wire_wait_count(w, rb, 2));
	}
	assert_memory_equal(rb->msg[1].data, "again", 5);
	assert_int_equal(asks(w, &a0), 1);
	b1 = wire_stats(w->b);
	assert_int_equal(answered(&b1, &b0), 1);
}

/* Echo servers on both stacks; each side's client sends 8 numbered
 * datagrams and gets all 8 back, in order, from the server's address. One
 * question and one answer serve both directions. */
void neigh_unicast_both_ways(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *ea = wire_rec(w);
	struct rec *eb = wire_rec(w);
	struct rec *ca = wire_rec(w);
	struct rec *cb = wire_rec(w);
	struct dpg_socket *echo_a = wire_socket(w->a, ea, true, wire_fam.a);
	struct dpg_socket *echo_b = wire_socket(w->b, eb, true, wire_fam.b);
	struct dpg_socket *cli_a = wire_socket(w->a, ca, false, wire_fam.a);
	struct dpg_socket *cli_b = wire_socket(w->b, cb, false, wire_fam.b);
	struct sockaddr_storage to_b = wire_addr(wire_fam.b, wire_port(echo_b));
	struct sockaddr_storage to_a = wire_addr(wire_fam.a, wire_port(echo_a));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	/* The first one alone: until B is resolved, A holds only `hold`
	 * datagrams (neigh_hold_queue_overflow). */
	wire_send_seq(cli_a, &to_b, 0, 1);
	assert_true(wire_wait_count(w, ca, 1));
	wire_send_seq(cli_a, &to_b, 1, 7);
	assert_true(wire_wait_count(w, ca, 8));
	wire_send_seq(cli_b, &to_a, 100, 8);
	assert_true(wire_wait_count(w, cb, 8));
	wire_passes(w, WIRE_QUIET_PASSES);

	assert_seq(eb, 0, 8, wire_fam.a, wire_port(cli_a));
	assert_seq(ca, 0, 8, wire_fam.b, wire_port(echo_b));
	assert_seq(ea, 100, 8, wire_fam.b, wire_port(cli_b));
	assert_seq(cb, 100, 8, wire_fam.a, wire_port(echo_a));
	assert_int_equal(ea->errors + eb->errors + ca->errors + cb->errors, 0);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(DELTA(a1, a0, tx_packets), 16);
	assert_int_equal(DELTA(b1, b0, tx_packets), 16);
	assert_int_equal(DELTA(a1, a0, rx_packets), 16);
	assert_int_equal(DELTA(b1, b0, rx_packets), 16);
	assert_int_equal(asked(&a1, &a0), 1);
	assert_int_equal(asked(&b1, &b0), 0);
	assert_int_equal(answered(&b1, &b0), 1);
	if (wire_fam.family == AF_INET6)
		assert_int_equal(answered(&a1, &a0), 0);
}

/* More datagrams than [neigh] hold for an unresolved neighbour: all sends
 * are accepted, the ones beyond the hold queue are dropped at once
 * (hold_full), and the held ones arrive, in order, once B answers. */
void neigh_hold_queue_overflow(void **state)
{
	struct wire *w = WIRE(state);
	const struct resolver *r = resolver();
	struct rec *rb = wire_rec(w);
	struct sockaddr_storage dst;
	struct dpg_socket *tx = neigh_pair(w, rb, &dst);
	struct dpg_stats a0 = wire_stats(w->a), a1;

	/* No poll in between: B has not answered yet. */
	wire_send_seq(tx, &dst, 0, wire_fam.hold + 3);
	a1 = wire_stats(w->a);
	assert_int_equal(DELTA(a1, a0, tx_packets), wire_fam.hold + 3);
	assert_int_equal(drops(&a1, &a0, r->hold_full), 3);
	if (wire_fam.family == AF_INET6)
		assert_int_equal(DROPS(a1, a0, arp_hold_full), 0);

	assert_true(wire_wait_count(w, rb, wire_fam.hold));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_seq(rb, 0, wire_fam.hold, wire_fam.a, wire_port(tx));
	a1 = wire_stats(w->a);
	assert_int_equal(drops(&a1, &a0, r->hold_full), 3);
	assert_int_equal(drops(&a1, &a0, r->unresolved), 0);
	assert_int_equal(asked(&a1, &a0), 1);
}

/* Nobody answers for wire_fam.nobody: A asks [neigh] retries times,
 * retrans_ms apart on the fake clock, then drops what it held (unresolved)
 * and tells the connected sender: one on.error(-EHOSTUNREACH). The unconnected
 * sender hears nothing. The questions crossed the wire and B dropped each
 * (ask_dropped: IPv4, ARP for another host; IPv6, at its multicast MAC
 * filter, the solicited-node group not being B's) and answered none. The
 * next send starts over. */
void neigh_unresolved(void **state)
{
	struct wire *w = WIRE(state);
	const struct resolver *r = resolver();
	struct rec *rconn = wire_rec(w);
	struct rec *ru = wire_rec(w);
	struct dpg_socket *conn = wire_socket(w->a, rconn, false, wire_fam.a);
	struct dpg_socket *unconn = wire_socket(w->a, ru, false, wire_fam.a);
	struct sockaddr_storage nobody = wire_addr(wire_fam.nobody, 9);
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;
	unsigned i;

	assert_int_equal(dpg_connect(conn, SA(&nobody)), 0);
	wire_send(conn, "c1", 2, NULL);
	wire_send(conn, "c2", 2, NULL);
	wire_send(unconn, "u1", 2, &nobody);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(asks(w, &a0), 1);

	/* Each retransmission is due retrans_ms after the previous one
	 * (IPv6: and is checked not to leave half-way). */
	for (i = 2; i <= wire_fam.retries; i++) {
		if (wire_fam.family == AF_INET6) {
			wire_step_quiet(w, wire_fam.retrans_ms / 2);
			assert_int_equal(asks(w, &a0), i - 1);
			wire_step_quiet(w, wire_fam.retrans_ms / 2 + 1);
		} else {
			wire_step_quiet(w, wire_fam.retrans_ms + 1);
		}
		assert_int_equal(asks(w, &a0), i);
	}
	a1 = wire_stats(w->a);
	assert_int_equal(drops(&a1, &a0, r->unresolved), 0);
	assert_int_equal(rconn->errors, 0);

	/* The last question goes unanswered too: give up. */
	wire_step_quiet(w, wire_fam.retrans_ms + 1);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(drops(&a1, &a0, r->unresolved), 3);
	if (wire_fam.family == AF_INET6)
		assert_int_equal(DROPS(a1, a0, arp_unresolved), 0);
	assert_int_equal(asked(&a1, &a0), wire_fam.retries);
	assert_int_equal(rconn->errors, 1);
	assert_int_equal(rconn->last_error, -EHOSTUNREACH);
	assert_int_equal(ru->errors, 0);
	assert_int_equal(rconn->count + ru->count, 0);
	assert_int_equal(drops(&b1, &b0, r->ask_dropped), wire_fam.retries);
	if (wire_fam.family == AF_INET6)
		assert_int_equal(DROPS(b1, b0, nd_not_for_us), 0);
	assert_int_equal(answered(&b1, &b0), 0);

	/* Reported once; the socket stays usable and starts over. */
	wire_step_quiet(w, wire_fam.retrans_ms + 1);
	assert_int_equal(rconn->errors, 1);
	wire_send(conn, "c3", 2, NULL);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(asks(w, &a0), wire_fam.retries + 1);
}

static struct sockaddr_storage gw_addr(uint16_t port)
{
	if (wire_fam.family == AF_INET6)
		return wire_addr6(wire_fam.gw, port, wire_fam.gw_scope);
	return wire_addr(wire_fam.gw, port);
}

/* Off the link, A sends through its gateway: it resolves the gateway, not
 * the destination, and the frame reaches B's MAC address, where IP finds
 * it is not for B (ip_not_for_us, not eth_not_for_us; B is no router).
 * The gateway is then resolved. Where it is known by another of B's
 * addresses (IPv6: its link-local one), B's own address is a neighbour of
 * its own (RFC 4861 keys the cache by IP address). B has no gateway: for
 * B the same destination is unreachable. */
void neigh_gateway_routing(void **state)
{
	struct wire *w = WIRE(state);
	const struct resolver *r = resolver();
	struct rec *rb = wire_rec(w);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, wire_fam.a);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, wire_fam.b_rx);
	struct dpg_socket *btx = wire_socket(w->b, NULL, false, wire_fam.b);
	struct sockaddr_storage far = wire_addr(wire_fam.far, 9);
	struct sockaddr_storage to_gw = gw_addr(wire_port(rx));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	wire_send(tx, "via gw", 6, &far);
	assert_true(wire_wait_drops(w, w->b, r->ip_not_for_us,
				    b0.drops[r->ip_not_for_us] + 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(drops(&b1, &b0, r->ip_not_for_us), 1);
	assert_int_equal(DROPS(b1, b0, eth_not_for_us), 0);
	assert_int_equal(DELTA(b1, b0, rx_packets), 0);
	assert_int_equal(asked(&a1, &a0), 1);
	assert_int_equal(answered(&b1, &b0), 1);

	/* The question was for the gateway: resolved. */
	wire_send(tx, "direct", 6, &to_gw);
	assert_true(wire_wait_count(w, rb, 1));
	assert_memory_equal(rb->msg[0].data, "direct", 6);
	assert_int_equal(asks(w, &a0), 1);

	/* B's address, when it is not the gateway's: asked for anew. */
	if (strcmp(wire_fam.gw, wire_fam.b) != 0) {
		struct sockaddr_storage to_b;

		to_b = wire_addr(wire_fam.b, wire_port(rx));
		wire_send(tx, "global", 6, &to_b);
		assert_true(wire_wait_count(w, rb, 2));
		assert_memory_equal(rb->msg[1].data, "global", 6);
		assert_int_equal(asks(w, &a0), 2);
	}

	assert_int_equal(dpg_send(btx, "x", 1, SA(&far)), -ENETUNREACH);
}
