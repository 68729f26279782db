/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 wire tests: DPDK stacks joined by net_ring pairs (wire6.ini,
 * harness in wire.h, addresses in wire6.h). Stack A owns fd00:6::2/64 and
 * 198.18.0.2/24 on port0 (gateway6: B's link-local address); stack B owns
 * fd00:6::1/64 and 198.18.0.1/24 on port1. Neighbour Discovery address
 * resolution (RFC 4861 §7.2) to global addresses, the hold queue, a
 * neighbour that never answers and routing through the gateway are the
 * tests test_wire runs too (wire_neigh.c); this file adds resolution to
 * link-local addresses and dual-stack sockets over the wire. wire6_nud.c
 * and wire6_dad.c hold the other groups.
 *
 * Every test starts after the stacks' Duplicate Address Detection is over
 * (wire_conf.settle_steps), so that the ND counters count only the test.
 *
 * The binary enters a network namespace of its own, so it needs root: exit
 * 77 without. It also exits 77 when the DPDK backend is not built.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <dpgram.h>

#include "wire6.h"

const struct wire_fam wire_fam = {
	.family = AF_INET6, .a = A6, .b = B6, .nobody = NOBODY6, .far = FAR6,
	.gw = B_LL, .gw_scope = IFINDEX_A, .b_rx = "::",
	.ifindex_b = IFINDEX_B, .hold = W6_HOLD, .retries = W6_RETRIES,
	.retrans_ms = W6_RETRANS_MS, .reachable_ms = W6_REACHABLE_MS,
};

struct wire_conf wire_conf = {
	.ini = WIRE_INI, .name = "wire6",
	.settle_steps = W6_SETTLE_STEPS, .settle_ms = W6_RETRANS_MS,
};

struct dpg_socket *wire6_socket(struct dpg_stack *st, struct rec *r,
				bool echo, const char *ip, uint32_t scope)
{
	struct sockaddr_storage ss;

	if (ip == NULL)
		return wire_socket_bound(st, AF_INET6, r, echo, NULL);
	ss = wire_addr6(ip, 0, scope);
	return wire_socket_bound(st, AF_INET6, r, echo, &ss);
}

/* To B's link-local address: it needs a scope (without one the send and
 * the bind are -EINVAL, as in Linux); with A's interface index as scope it
 * resolves like a global address, from A's link-local address, and B sees
 * the sender with B's interface as scope. B's echo goes back to that
 * sender without soliciting: the solicitation taught it A's address. */
static void wire6_nd_link_local(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *eb = wire_rec(w);
	struct rec *ca = wire_rec(w);
	struct dpg_socket *echo = wire6_socket(w->b, eb, true, NULL, 0);
	struct dpg_socket *cli = wire6_socket(w->a, ca, false, NULL, 0);
	struct sockaddr_storage b_ll = wire_addr6(B_LL, 0, 0);
	struct sockaddr_storage dst, noscope;
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	assert_int_equal(dpg_bind(echo, SA(&b_ll)), -EINVAL);
	b_ll = wire_addr6(B_LL, 0, IFINDEX_B);
	assert_int_equal(dpg_bind(echo, SA(&b_ll)), 0);
	noscope = wire_addr6(B_LL, wire_port(echo), 0);
	dst = wire_addr6(B_LL, wire_port(echo), IFINDEX_A);
	assert_int_equal(dpg_send(cli, "x", 1, SA(&noscope)), -EINVAL);

	wire_send(cli, "link-local", 10, &dst);
	assert_true(wire_wait_count(w, ca, 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(eb->count, 1);
	assert_int_equal(ca->count, 1);
	assert_int_equal(eb->errors + ca->errors, 0);
	assert_memory_equal(eb->msg[0].data, "link-local", 10);
	assert_from6(&eb->msg[0].rinfo.from, A_LL, wire_port(cli), IFINDEX_B);
	assert_int_equal(eb->msg[0].rinfo.ifindex, IFINDEX_B);
	assert_memory_equal(ca->msg[0].data, "link-local", 10);
	assert_from6(&ca->msg[0].rinfo.from, B_LL, wire_port(echo), IFINDEX_A);
	assert_int_equal(ca->msg[0].rinfo.ifindex, IFINDEX_A);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_resolved_once(&a0, &a1, &b0, &b1);
}

/* One AF_INET6 socket on B bound to :: gets IPv4 and IPv6 over the wire:
 * A's AF_INET datagram arrives from ::ffff:198.18.0.2 (v4-mapped, no
 * scope), A's AF_INET6 one from fd00:6::2, and an AF_INET6 socket of A
 * sending to ::ffff:198.18.0.1 sends IPv4 (ARP, not ND, resolved it). */
static void wire6_dual_stack(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire6_socket(w->b, rb, false, "::", 0);
	struct dpg_socket *tx4 = wire_socket(w->a, NULL, false, A_IP);
	struct dpg_socket *tx6 = wire6_socket(w->a, NULL, false, A6, 0);
	struct dpg_socket *txm = wire6_socket(w->a, NULL, false, NULL, 0);
	struct sockaddr_storage to4 = wire_addr(B_IP, wire_port(rx));
	struct sockaddr_storage to6 = wire_addr6(B6, wire_port(rx), 0);
	struct sockaddr_storage tom;
	struct dpg_stats a0 = wire_stats(w->a), a1;

	tom = wire_addr6("::ffff:" B_IP, wire_port(rx), 0);
	wire_send(tx4, "v4", 2, &to4);
	assert_true(wire_wait_count(w, rb, 1));
	wire_send(tx6, "v6", 2, &to6);
	assert_true(wire_wait_count(w, rb, 2));
	wire_send(txm, "mapped", 6, &tom);
	assert_true(wire_wait_count(w, rb, 3));
	wire_passes(w, WIRE_QUIET_PASSES);

	assert_int_equal(rb->count, 3);
	assert_memory_equal(rb->msg[0].data, "v4", 2);
	assert_from6(&rb->msg[0].rinfo.from, "::ffff:" A_IP, wire_port(tx4), 0);
	assert_int_equal(rb->msg[0].rinfo.ifindex, IFINDEX_B);
	assert_memory_equal(rb->msg[1].data, "v6", 2);
	assert_from6(&rb->msg[1].rinfo.from, A6, wire_port(tx6), 0);
	assert_memory_equal(rb->msg[2].data, "mapped", 6);
	assert_from6(&rb->msg[2].rinfo.from, "::ffff:" A_IP, wire_port(txm),
		     0);
	a1 = wire_stats(w->a);
	assert_int_equal(DELTA(a1, a0, arp_requests), 1);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
}

static const struct CMUnitTest wire6_tests[] = {
	WIRE_TEST_AS("wire6_nd_resolution", neigh_resolution),
	WIRE_TEST(wire6_nd_link_local),
	WIRE_TEST_AS("wire6_unicast_both_ways", neigh_unicast_both_ways),
	WIRE_TEST_AS("wire6_hold_queue_overflow", neigh_hold_queue_overflow),
	WIRE_TEST_AS("wire6_unresolved_neighbour", neigh_unresolved),
	WIRE_TEST_AS("wire6_gateway_routing", neigh_gateway_routing),
	WIRE_TEST(wire6_dual_stack),
};

static int wire6_groups(void)
{
	int failed = cmocka_run_group_tests_name("wire6", wire6_tests, NULL,
						 NULL);

	failed += wire6_run_nud();
	failed += wire6_run_dad();
	return failed;
}

int main(void)
{
	return wire_main(wire6_groups);
}
