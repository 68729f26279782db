/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 wire tests: DPDK stacks joined by net_ring pairs (wire6.ini,
 * harness in wire.h, addresses in wire6.h). Stack A owns fd00:6::2/64 and
 * 198.18.0.2/24 on port0 (gateway6: B's link-local address); stack B owns
 * fd00:6::1/64 and 198.18.0.1/24 on port1. This file: Neighbour Discovery
 * address resolution (RFC 4861 §7.2) to global and link-local addresses,
 * the hold queue, a neighbour that never answers, routing through the
 * gateway, and dual-stack sockets over the wire. wire6_nud.c and
 * wire6_dad.c hold the other groups.
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

struct wire_conf wire_conf = {
	.ini = WIRE6_INI, .name = "wire6",
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

/* A's first datagram to B's global address waits for Neighbour Discovery:
 * A solicits once (multicast, to B's solicited-node group), B advertises
 * once, and B, having learnt A from the solicitation's source link-layer
 * address option (RFC 4861 §7.2.3), solicits nothing. Once resolved, the
 * next datagram goes straight out. No ARP on either side. */
static void wire6_nd_resolution(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire6_socket(w->b, rb, false, B6, 0);
	struct dpg_socket *tx = wire6_socket(w->a, NULL, false, A6, 0);
	struct sockaddr_storage dst = wire_addr6(B6, wire_port(rx), 0);
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	wire_send(tx, "over the wire", 13, &dst);
	assert_true(wire_wait_count(w, rb, 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(rb->count, 1);
	assert_int_equal(rb->msg[0].len, 13);
	assert_int_equal(rb->msg[0].rinfo.size, 13);
	assert_memory_equal(rb->msg[0].data, "over the wire", 13);
	assert_from6(&rb->msg[0].rinfo.from, A6, wire_port(tx), 0);
	assert_int_equal(rb->msg[0].rinfo.ifindex, IFINDEX_B);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
	assert_int_equal(DELTA(b1, b0, nd_adverts), 1);
	assert_int_equal(DELTA(b1, b0, nd_solicits), 0);
	assert_int_equal(DELTA(a1, a0, nd_adverts), 0);
	assert_int_equal(DELTA(a1, a0, arp_requests), 0);
	assert_int_equal(DELTA(b1, b0, arp_requests), 0);
	assert_int_equal(DELTA(a1, a0, tx_packets), 1);
	assert_int_equal(DELTA(a1, a0, tx_bytes), 13);
	assert_int_equal(DELTA(b1, b0, rx_packets), 1);
	assert_int_equal(DELTA(b1, b0, rx_bytes), 13);
	assert_int_equal(DROPS(b1, b0, nd_malformed), 0);
	assert_int_equal(DROPS(a1, a0, nd_malformed), 0);

	/* Resolved: the second datagram needs no solicitation. */
	wire_send(tx, "again", 5, &dst);
	assert_true(wire_wait_count(w, rb, 2));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_memory_equal(rb->msg[1].data, "again", 5);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), 1);
	assert_int_equal(DELTA(wire_stats(w->b), b0, nd_adverts), 1);
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
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
	assert_int_equal(DELTA(b1, b0, nd_adverts), 1);
	assert_int_equal(DELTA(b1, b0, nd_solicits), 0);
	assert_int_equal(DELTA(a1, a0, nd_adverts), 0);
}

/* Echo servers on both stacks; each side's client sends 8 numbered
 * datagrams and gets all 8 back, in order, from the server's address. One
 * solicitation and one advertisement serve both directions. */
static void wire6_unicast_both_ways(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *ea = wire_rec(w);
	struct rec *eb = wire_rec(w);
	struct rec *ca = wire_rec(w);
	struct rec *cb = wire_rec(w);
	struct dpg_socket *echo_a = wire6_socket(w->a, ea, true, A6, 0);
	struct dpg_socket *echo_b = wire6_socket(w->b, eb, true, B6, 0);
	struct dpg_socket *cli_a = wire6_socket(w->a, ca, false, A6, 0);
	struct dpg_socket *cli_b = wire6_socket(w->b, cb, false, B6, 0);
	struct sockaddr_storage to_b = wire_addr6(B6, wire_port(echo_b), 0);
	struct sockaddr_storage to_a = wire_addr6(A6, wire_port(echo_a), 0);
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	/* The first one alone: until B is resolved A holds only W6_HOLD. */
	wire_send_seq(cli_a, &to_b, 0, 1);
	assert_true(wire_wait_count(w, ca, 1));
	wire_send_seq(cli_a, &to_b, 1, 7);
	assert_true(wire_wait_count(w, ca, 8));
	wire_send_seq(cli_b, &to_a, 100, 8);
	assert_true(wire_wait_count(w, cb, 8));
	wire_passes(w, WIRE_QUIET_PASSES);

	assert_seq(eb, 0, 8, A6, wire_port(cli_a));
	assert_seq(ca, 0, 8, B6, wire_port(echo_b));
	assert_seq(ea, 100, 8, B6, wire_port(cli_b));
	assert_seq(cb, 100, 8, A6, wire_port(echo_a));
	assert_int_equal(ea->errors + eb->errors + ca->errors + cb->errors, 0);

	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(DELTA(a1, a0, tx_packets), 16);
	assert_int_equal(DELTA(b1, b0, tx_packets), 16);
	assert_int_equal(DELTA(a1, a0, rx_packets), 16);
	assert_int_equal(DELTA(b1, b0, rx_packets), 16);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
	assert_int_equal(DELTA(b1, b0, nd_solicits), 0);
	assert_int_equal(DELTA(b1, b0, nd_adverts), 1);
	assert_int_equal(DELTA(a1, a0, nd_adverts), 0);
}

/* More datagrams than [neigh] hold for an unresolved neighbour: all sends
 * are accepted, the ones beyond the hold queue are dropped at once
 * (nd_hold_full), and the held ones arrive, in order, once B answers. */
static void wire6_hold_queue_overflow(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *rx = wire6_socket(w->b, rb, false, B6, 0);
	struct dpg_socket *tx = wire6_socket(w->a, NULL, false, A6, 0);
	struct sockaddr_storage dst = wire_addr6(B6, wire_port(rx), 0);
	struct dpg_stats a0 = wire_stats(w->a), a1;

	/* No poll in between: B has not answered yet. */
	wire_send_seq(tx, &dst, 0, W6_HOLD + 3);
	a1 = wire_stats(w->a);
	assert_int_equal(DELTA(a1, a0, tx_packets), W6_HOLD + 3);
	assert_int_equal(DROPS(a1, a0, nd_hold_full), 3);
	assert_int_equal(DROPS(a1, a0, arp_hold_full), 0);

	assert_true(wire_wait_count(w, rb, W6_HOLD));
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_seq(rb, 0, W6_HOLD, A6, wire_port(tx));
	a1 = wire_stats(w->a);
	assert_int_equal(DROPS(a1, a0, nd_hold_full), 3);
	assert_int_equal(DROPS(a1, a0, nd_unresolved), 0);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
}

/* Nobody answers for NOBODY6: A solicits [neigh] retries times,
 * retrans_ms apart on the fake clock, then drops what it held
 * (nd_unresolved) and tells the connected sender: one
 * on.error(-EHOSTUNREACH). The unconnected sender hears nothing. The
 * solicitations crossed the wire to a solicited-node group B is not in: B's
 * multicast MAC filter dropped each (eth_not_for_us) and B answered none.
 * The next send starts over. */
static void wire6_unresolved_neighbour(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rconn = wire_rec(w);
	struct rec *ru = wire_rec(w);
	struct dpg_socket *conn = wire6_socket(w->a, rconn, false, A6, 0);
	struct dpg_socket *unconn = wire6_socket(w->a, ru, false, A6, 0);
	struct sockaddr_storage nobody = wire_addr6(NOBODY6, 9, 0);
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;
	unsigned i;

	assert_int_equal(dpg_connect(conn, SA(&nobody)), 0);
	wire_send(conn, "c1", 2, NULL);
	wire_send(conn, "c2", 2, NULL);
	wire_send(unconn, "u1", 2, &nobody);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), 1);

	/* Each retransmission is due retrans_ms after the previous one. */
	for (i = 2; i <= W6_RETRIES; i++) {
		wire_step(W6_RETRANS_MS / 2);
		wire_passes(w, WIRE_QUIET_PASSES);
		assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits),
				 i - 1);
		wire_step_quiet(w, W6_RETRANS_MS / 2 + 1);
		assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits),
				 i);
	}
	a1 = wire_stats(w->a);
	assert_int_equal(DROPS(a1, a0, nd_unresolved), 0);
	assert_int_equal(rconn->errors, 0);

	/* The last solicitation goes unanswered too: give up. */
	wire_step_quiet(w, W6_RETRANS_MS + 1);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(DROPS(a1, a0, nd_unresolved), 3);
	assert_int_equal(DROPS(a1, a0, arp_unresolved), 0);
	assert_int_equal(DELTA(a1, a0, nd_solicits), W6_RETRIES);
	assert_int_equal(rconn->errors, 1);
	assert_int_equal(rconn->last_error, -EHOSTUNREACH);
	assert_int_equal(ru->errors, 0);
	assert_int_equal(rconn->count + ru->count, 0);
	assert_int_equal(DROPS(b1, b0, eth_not_for_us), W6_RETRIES);
	assert_int_equal(DROPS(b1, b0, nd_not_for_us), 0);
	assert_int_equal(DELTA(b1, b0, nd_adverts), 0);

	/* Reported once; the socket stays usable and starts over. */
	wire_step_quiet(w, W6_RETRANS_MS + 1);
	assert_int_equal(rconn->errors, 1);
	wire_send(conn, "c3", 2, NULL);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits),
			 W6_RETRIES + 1);
}

/* Off the link, A sends through its gateway (gateway6 = B's link-local
 * address): it resolves the gateway, not the destination, and the frame
 * reaches B's MAC address, where IPv6 finds it is not for B
 * (ip6_not_for_us, not eth_not_for_us; B is no router). The gateway's
 * link-local address is now resolved; its global address is another
 * neighbour entry (RFC 4861 keys the cache by IP address). B has no
 * gateway: for B the same destination is unreachable. */
static void wire6_gateway_routing(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct dpg_socket *tx = wire6_socket(w->a, NULL, false, A6, 0);
	struct dpg_socket *rx = wire6_socket(w->b, rb, false, "::", 0);
	struct dpg_socket *btx = wire6_socket(w->b, NULL, false, B6, 0);
	struct sockaddr_storage far = wire_addr6(FAR6, 9, 0);
	struct sockaddr_storage to_ll, to_b;
	struct dpg_stats a0 = wire_stats(w->a), b0 = wire_stats(w->b);
	struct dpg_stats a1, b1;

	wire_send(tx, "via gw", 6, &far);
	assert_true(wire_wait_drops(w, w->b, DPG_DROP_ip6_not_for_us,
				    b0.drops[DPG_DROP_ip6_not_for_us] + 1));
	wire_passes(w, WIRE_QUIET_PASSES);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(DROPS(b1, b0, ip6_not_for_us), 1);
	assert_int_equal(DROPS(b1, b0, eth_not_for_us), 0);
	assert_int_equal(DELTA(b1, b0, rx_packets), 0);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
	assert_int_equal(DELTA(b1, b0, nd_adverts), 1);

	/* The solicitation was for B's link-local address: resolved. */
	to_ll = wire_addr6(B_LL, wire_port(rx), IFINDEX_A);
	wire_send(tx, "direct", 6, &to_ll);
	assert_true(wire_wait_count(w, rb, 1));
	assert_memory_equal(rb->msg[0].data, "direct", 6);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), 1);

	/* B's global address is a neighbour of its own. */
	to_b = wire_addr6(B6, wire_port(rx), 0);
	wire_send(tx, "global", 6, &to_b);
	assert_true(wire_wait_count(w, rb, 2));
	assert_memory_equal(rb->msg[1].data, "global", 6);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), 2);

	assert_int_equal(dpg_send(btx, "x", 1, SA(&far)), -ENETUNREACH);
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
	cmocka_unit_test_setup_teardown(wire6_nd_resolution, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_nd_link_local, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_unicast_both_ways, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_hold_queue_overflow, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_unresolved_neighbour,
					wire_setup, wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_gateway_routing, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_dual_stack, wire_setup,
					wire_teardown),
};

int main(void)
{
	int rc = wire_preflight();

	if (rc != 0)
		return rc;
	rc = cmocka_run_group_tests_name("wire6", wire6_tests, NULL, NULL);
	rc += wire6_run_nud();
	rc += wire6_run_dad();
	dpg_shutdown();
	return rc != 0 ? 1 : 0;
}
