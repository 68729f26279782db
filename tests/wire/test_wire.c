/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv4 wire tests: two DPDK stacks joined by a net_ring pair (wire.ini,
 * harness in wire.h). Stack A owns 198.18.0.2/24 on port0 (gateway
 * 198.18.0.1); stack B owns 198.18.0.1/24 on port1. Ethernet crosses the
 * ring: ARP resolution, unicast both ways, the neighbour hold queue, a
 * neighbour that never answers, ageing, routing through the gateway, and a
 * stack closing with frames in flight.
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

#include "wire.h"

#define A_IP "198.18.0.2"
#define B_IP "198.18.0.1"
#define NOBODY_IP "198.18.0.77"  /* on the link, nobody answers for it */
#define FAR_IP "198.19.0.5"      /* off the link: A routes it to B */

/* wire.ini's [neigh] section. */
#define WIRE_REACHABLE_MS 1000
#define WIRE_RETRANS_MS 100
#define WIRE_RETRIES 3
#define WIRE_HOLD 4

struct wire_conf wire_conf = { .ini = WIRE_INI, .name = "wire" };

/* ---- tests ---- */

/* A's first datagram to B waits for ARP: A asks once, B answers once, and
 * B, having learnt A from the request (RFC 826), asks nothing. Once
 * resolved, later datagrams go straight out. */
static void wire_arp_resolution(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_storage dst = wire_addr(B_IP, wire_port(rx));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	wire_send(tx, "over the wire", 13, &dst);
	assert_true(wire_wait_count(w, rb, 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(rb->count, 1);
	assert_int_equal(rb->msg[0].len, 13);
	assert_int_equal(rb->msg[0].rinfo.size, 13);
	assert_memory_equal(rb->msg[0].data, "over the wire", 13);
	assert_from(&rb->msg[0].rinfo.from, A_IP, wire_port(tx));
	assert_int_not_equal(rb->msg[0].rinfo.ifindex, 0);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 1);
	assert_int_equal(b1.arp_requests - b0.arp_requests, 0);
	assert_int_equal(a1.arp_replies - a0.arp_replies, 0);
	assert_int_equal(a1.tx_packets - a0.tx_packets, 1);
	assert_int_equal(a1.tx_bytes - a0.tx_bytes, 13);
	assert_int_equal(b1.rx_packets - b0.rx_packets, 1);
	assert_int_equal(b1.rx_bytes - b0.rx_bytes, 13);

	/* Resolved: the second datagram needs no ARP. */
	wire_send(tx, "again", 5, &dst);
	assert_true(wire_wait_count(w, rb, 2));
	assert_memory_equal(rb->msg[1].data, "again", 5);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);
	assert_int_equal(wire_stats(w->b).arp_replies - b0.arp_replies, 1);
}

/* Echo servers on both stacks; each side's client sends 8 numbered
 * datagrams and gets all 8 back, in order, from the server's address. One
 * ARP exchange serves both directions. */
static void wire_unicast_both_ways(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *ea = wire_rec(w);
	struct rec *eb = wire_rec(w);
	struct rec *ca = wire_rec(w);
	struct rec *cb = wire_rec(w);
	struct dpg_socket *echo_a = wire_socket(w->a, ea, true, A_IP);
	struct dpg_socket *echo_b = wire_socket(w->b, eb, true, B_IP);
	struct dpg_socket *cli_a = wire_socket(w->a, ca, false, A_IP);
	struct dpg_socket *cli_b = wire_socket(w->b, cb, false, B_IP);
	struct sockaddr_storage to_b = wire_addr(B_IP, wire_port(echo_b));
	struct sockaddr_storage to_a = wire_addr(A_IP, wire_port(echo_a));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	/* The first one alone: until B is resolved, A holds only
	 * WIRE_HOLD datagrams (wire_hold_queue_overflow). */
	wire_send_seq(cli_a, &to_b, 0, 1);
	assert_true(wire_wait_count(w, ca, 1));
	wire_send_seq(cli_a, &to_b, 1, 7);
	assert_true(wire_wait_count(w, ca, 8));
	wire_send_seq(cli_b, &to_a, 100, 8);
	assert_true(wire_wait_count(w, cb, 8));
	wire_passes(w, WIRE_QUIET_PASSES);

	assert_seq(eb, 0, 8, A_IP, wire_port(cli_a));
	assert_seq(ca, 0, 8, B_IP, wire_port(echo_b));
	assert_seq(ea, 100, 8, B_IP, wire_port(cli_b));
	assert_seq(cb, 100, 8, A_IP, wire_port(echo_a));
	assert_int_equal(ea->errors + eb->errors + ca->errors + cb->errors, 0);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(a1.tx_packets - a0.tx_packets, 16);
	assert_int_equal(b1.tx_packets - b0.tx_packets, 16);
	assert_int_equal(a1.rx_packets - a0.rx_packets, 16);
	assert_int_equal(b1.rx_packets - b0.rx_packets, 16);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
	assert_int_equal(b1.arp_requests - b0.arp_requests, 0);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 1);
}

/* More datagrams than [neigh] hold for an unresolved neighbour: all sends
 * are accepted, the ones beyond the hold queue are dropped at once
 * (arp_hold_full), and the held ones arrive, in order, once B answers. */
static void wire_hold_queue_overflow(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_storage dst = wire_addr(B_IP, wire_port(rx));
	struct dpg_stats a0 = wire_stats(w->a), a1;

	/* No poll in between: B has not answered yet. */
	wire_send_seq(tx, &dst, 0, WIRE_HOLD + 3);
	a1 = wire_stats(w->a);
	assert_int_equal(a1.tx_packets - a0.tx_packets, WIRE_HOLD + 3);
	assert_int_equal(a1.drops[DPG_DROP_arp_hold_full] -
			 a0.drops[DPG_DROP_arp_hold_full], 3);

	assert_true(wire_wait_count(w, rb, WIRE_HOLD));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_seq(rb, 0, WIRE_HOLD, A_IP, wire_port(tx));
	a1 = wire_stats(w->a);
	assert_int_equal(a1.drops[DPG_DROP_arp_hold_full] -
			 a0.drops[DPG_DROP_arp_hold_full], 3);
	assert_int_equal(a1.drops[DPG_DROP_arp_unresolved] -
			 a0.drops[DPG_DROP_arp_unresolved], 0);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
}

/* Nobody answers for NOBODY_IP: A asks [neigh] retries times, retrans_ms
 * apart on the fake clock, then drops what it held (arp_unresolved) and
 * tells the connected sender: one on.error(-EHOSTUNREACH). The unconnected
 * sender hears nothing. The requests crossed the wire: B dropped each as
 * not for it. The next send starts a new resolution. */
static void wire_unresolved_neighbour(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rconn = wire_rec(w);
	struct rec *ru = wire_rec(w);
	struct dpg_socket *conn = wire_socket(w->a, rconn, false, A_IP);
	struct dpg_socket *unconn = wire_socket(w->a, ru, false, A_IP);
	struct sockaddr_storage nobody = wire_addr(NOBODY_IP, 9);
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;
	unsigned i;

	assert_int_equal(dpg_connect(conn, SA(&nobody)), 0);
	wire_send(conn, "c1", 2, NULL);
	wire_send(conn, "c2", 2, NULL);
	wire_send(unconn, "u1", 2, &nobody);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);

	/* Each retransmission is due retrans_ms after the previous one. */
	for (i = 2; i <= WIRE_RETRIES; i++) {
		wire_step(WIRE_RETRANS_MS + 1);
		wire_passes(w, WIRE_QUIET_PASSES);
		assert_int_equal(wire_stats(w->a).arp_requests -
				 a0.arp_requests, i);
	}
	a1 = wire_stats(w->a);
	assert_int_equal(a1.drops[DPG_DROP_arp_unresolved] -
			 a0.drops[DPG_DROP_arp_unresolved], 0);
	assert_int_equal(rconn->errors, 0);

	/* The last request goes unanswered too: give up. */
	wire_step(WIRE_RETRANS_MS + 1);
	wire_passes(w, WIRE_QUIET_PASSES);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(a1.drops[DPG_DROP_arp_unresolved] -
			 a0.drops[DPG_DROP_arp_unresolved], 3);
	assert_int_equal(a1.arp_requests - a0.arp_requests, WIRE_RETRIES);
	assert_int_equal(rconn->errors, 1);
	assert_int_equal(rconn->last_error, -EHOSTUNREACH);
	assert_int_equal(ru->errors, 0);
	assert_int_equal(rconn->count + ru->count, 0);
	assert_int_equal(b1.drops[DPG_DROP_arp_not_for_us] -
			 b0.drops[DPG_DROP_arp_not_for_us], WIRE_RETRIES);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 0);

	/* Reported once; the socket stays usable and starts over. */
	wire_step(WIRE_RETRANS_MS + 1);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(rconn->errors, 1);
	wire_send(conn, "c3", 2, NULL);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests,
			 WIRE_RETRIES + 1);
}

/* A resolved neighbour goes stale once reachable_ms passes without
 * confirmation. Ageing alone sends nothing; the next datagram still goes
 * out at once (to the address known) and triggers one new request, whose
 * answer makes the neighbour reachable again (RFC 1122 §2.3.2.1). */
static void wire_neighbour_ageing(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_storage dst = wire_addr(B_IP, wire_port(rx));
	struct dpg_stats a0, b0;

	wire_send(tx, "1", 1, &dst);
	assert_true(wire_wait_count(w, rb, 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	a0 = wire_stats(w->a);
	b0 = wire_stats(w->b);

	/* Within reachable_ms: no request. */
	wire_step(WIRE_REACHABLE_MS / 2);
	wire_send(tx, "2", 1, &dst);
	assert_true(wire_wait_count(w, rb, 2));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 0);

	/* Past it: stale, but quiet until there is traffic. */
	wire_step(WIRE_REACHABLE_MS + 1);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 0);

	wire_send(tx, "3", 1, &dst);
	assert_true(wire_wait_count(w, rb, 3));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_memory_equal(rb->msg[2].data, "3", 1);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);
	assert_int_equal(wire_stats(w->b).arp_replies - b0.arp_replies, 1);

	/* Confirmed by the answer: reachable again, no further request. */
	wire_send(tx, "4", 1, &dst);
	assert_true(wire_wait_count(w, rb, 4));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(rb->count, 4);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);
	assert_int_equal(wire_stats(w->a).drops[DPG_DROP_arp_unresolved], 0);
}

/* Off the link, A sends through its gateway: it resolves B (the gateway),
 * not the destination, and the frame reaches B's MAC address, where IP
 * finds it is not for B (ip4_not_for_us, not eth_not_for_us). B has no
 * gateway: for B the same destination is unreachable. */
static void wire_gateway_routing(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *btx = wire_socket(w->b, NULL, false, B_IP);
	struct sockaddr_storage far = wire_addr(FAR_IP, 9);
	struct sockaddr_storage to_b = wire_addr(B_IP, wire_port(rx));
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	wire_send(tx, "via gw", 6, &far);
	assert_true(wire_wait_drops(w, w->b, DPG_DROP_ip4_not_for_us,
				    b0.drops[DPG_DROP_ip4_not_for_us] + 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(b1.drops[DPG_DROP_ip4_not_for_us] -
			 b0.drops[DPG_DROP_ip4_not_for_us], 1);
	assert_int_equal(b1.drops[DPG_DROP_eth_not_for_us] -
			 b0.drops[DPG_DROP_eth_not_for_us], 0);
	assert_int_equal(b1.rx_packets - b0.rx_packets, 0);
	assert_int_equal(a1.arp_requests - a0.arp_requests, 1);
	assert_int_equal(b1.arp_replies - b0.arp_replies, 1);

	/* The request was for the gateway: B itself is now resolved. */
	wire_send(tx, "direct", 6, &to_b);
	assert_true(wire_wait_count(w, rb, 1));
	assert_memory_equal(rb->msg[0].data, "direct", 6);
	assert_int_equal(wire_stats(w->a).arp_requests - a0.arp_requests, 1);

	assert_int_equal(dpg_send(btx, "x", 1, SA(&far)), -ENETUNREACH);
}

/* A closes while its frames wait in B's receive ring (B never polled):
 * closing takes them back, so A's pool is whole at once and B receives
 * none of them later (they would be freed into a pool that is gone). The
 * port outlives the stack: a new A talks to B as before. */
static void wire_close_with_frames_in_flight(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire_socket(w->b, rb, false, B_IP);
	struct dpg_socket *tx = wire_socket(w->a, NULL, false, A_IP);
	struct sockaddr_storage dst = wire_addr(B_IP, wire_port(rx));
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
	cmocka_unit_test_setup_teardown(wire_arp_resolution, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_unicast_both_ways, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_hold_queue_overflow, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_unresolved_neighbour, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_neighbour_ageing, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_gateway_routing, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire_close_with_frames_in_flight,
					wire_setup, wire_teardown),
};

int main(void)
{
	int rc = wire_preflight();

	if (rc != 0)
		return rc;
	rc = cmocka_run_group_tests_name("wire", wire_tests, NULL, NULL);
	dpg_shutdown();
	return rc != 0 ? 1 : 0;
}
