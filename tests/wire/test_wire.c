/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv4 wire tests: two DPDK stacks joined by a net_ring pair (wire.ini,
 * harness in wire.h). Stack A owns 198.18.0.2/24 on port0 (gateway
 * 198.18.0.1); stack B owns 198.18.0.1/24 on port1. Ethernet crosses the
 * ring: ARP resolution, unicast both ways, the neighbour hold queue, a
 * neighbour that never answers and routing through the gateway (the tests
 * test_wire6 runs too, in wire_neigh.c), and here ageing and a stack
 * closing with frames in flight.
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

#include "wire_neigh.h"

#define A_IP "198.18.0.2"
#define B_IP "198.18.0.1"
#define NOBODY_IP "198.18.0.77"  /* on the link, nobody answers for it */
#define FAR_IP "198.19.0.5"      /* off the link: A routes it to B */

/* wire.ini's [neigh] section. */
#define WIRE_REACHABLE_MS 1000
#define WIRE_RETRANS_MS 100
#define WIRE_RETRIES 3
#define WIRE_HOLD 4

const struct wire_fam wire_fam = {
	.family = AF_INET, .a = A_IP, .b = B_IP, .nobody = NOBODY_IP,
	.far = FAR_IP, .gw = B_IP, .b_rx = B_IP,
	.hold = WIRE_HOLD, .retries = WIRE_RETRIES,
	.retrans_ms = WIRE_RETRANS_MS, .reachable_ms = WIRE_REACHABLE_MS,
};

struct wire_conf wire_conf = { .ini = WIRE_INI, .name = "wire" };

/* ---- tests ---- */

/* A resolved neighbour goes stale once reachable_ms passes without
 * confirmation. Ageing alone sends nothing; the next datagram still goes
 * out at once (to the address known) and triggers one new request, whose
 * answer makes the neighbour reachable again (RFC 1122 §2.3.2.1). */
static void wire_neighbour_ageing(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct sockaddr_storage dst;
	struct dpg_stats a0, b0;
	struct dpg_socket *tx = neigh_stale(w, rb, &dst, &a0, &b0);

	/* The stale neighbour used: one request, answered. */
	assert_int_equal(DELTA(wire_stats(w->a), a0, arp_requests), 1);
	assert_int_equal(DELTA(wire_stats(w->b), b0, arp_replies), 1);

	/* Confirmed by the answer: reachable again, no further request. */
	wire_deliver(w, tx, "4", &dst, rb, 4);
	assert_int_equal(rb->count, 4);
	assert_int_equal(DELTA(wire_stats(w->a), a0, arp_requests), 1);
	assert_int_equal(wire_stats(w->a).drops[DPG_DROP_arp_unresolved], 0);
}

/* A closes while its frames wait in B's receive ring (B never polled):
 * closing takes them back, so A's pool is whole at once and B receives
 * none of them later (they would be freed into a pool that is gone). The
 * port outlives the stack: a new A talks to B as before. */
static void wire_close_with_frames_in_flight(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct sockaddr_storage dst;
	struct dpg_socket *tx = neigh_pair(w, rb, &dst);
	unsigned i;

	wire_send(tx, "resolve", 7, &dst);
	assert_true(wire_wait_count(w, rb, 1));
	wire_send_seq(tx, &dst, 0, 10);
	assert_true(dpg_poll(w->a, 0) >= 0); /* onto the ring, not read */
	dpg_stack_close(w->a);
	w->a = NULL;
	assert_int_equal(dpg_mbuf_leaks(), 0);
	for (i = 0; i < WIRE_QUIET_PASSES; i++)
		assert_true(dpg_poll(w->b, 0) >= 0);
	assert_int_equal(rb->count, 1);

	w->a = wire_open_now("port0");
	tx = wire_socket(w->a, NULL, false, A_IP);
	wire_send(tx, "again", 5, &dst);
	assert_true(wire_wait_count(w, rb, 2));
	assert_memory_equal(rb->msg[1].data, "again", 5);
}

static const struct CMUnitTest wire_tests[] = {
	WIRE_TEST_AS("wire_arp_resolution", neigh_resolution),
	WIRE_TEST_AS("wire_unicast_both_ways", neigh_unicast_both_ways),
	WIRE_TEST_AS("wire_hold_queue_overflow", neigh_hold_queue_overflow),
	WIRE_TEST_AS("wire_unresolved_neighbour", neigh_unresolved),
	WIRE_TEST(wire_neighbour_ageing),
	WIRE_TEST_AS("wire_gateway_routing", neigh_gateway_routing),
	WIRE_TEST(wire_close_with_frames_in_flight),
};

static int wire_groups(void)
{
	return cmocka_run_group_tests_name("wire", wire_tests, NULL, NULL);
}

int main(void)
{
	return wire_main(wire_groups);
}
