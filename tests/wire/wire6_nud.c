/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 wire tests, group wire6_nud: Neighbour Unreachability Detection
 * over time (RFC 4861 §7.3.2, §7.3.3, and Appendix C's state table). A
 * resolved neighbour is REACHABLE for reachable_ms, then STALE; a send to
 * a STALE neighbour goes out at once with the cached MAC address and
 * starts DELAY; after delay_ms without confirmation the entry PROBEs with
 * unicast solicitations, retrans_ms apart. An answer makes it REACHABLE
 * again; after `retries` unanswered probes it is deleted.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dpgram.h>

#include "wire6.h"

/* REACHABLE -> STALE -> DELAY -> PROBE -> REACHABLE: ageing alone sends
 * nothing; the send that finds the entry STALE goes out without a
 * solicitation (neigh_stale); one unicast probe follows delay_ms later, B
 * answers it, and the entry is REACHABLE again (no further probe, no
 * hold). */
static void wire6_nud_probe_answered(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct sockaddr_storage dst;
	struct dpg_stats a0, b0, a1, b1;
	struct dpg_socket *tx = neigh_stale(w, rb, &dst, &a0, &b0);
	unsigned i;

	/* STALE: sent at once to the cached MAC address; now DELAY. */
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), 0);

	/* DELAY: no probe before delay_ms. */
	wire_step_quiet(w, W6_DELAY_MS - W6_RETRANS_MS);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), 0);

	/* PROBE: one solicitation, answered. */
	wire_step_quiet(w, W6_RETRANS_MS + 1);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
	assert_int_equal(DELTA(b1, b0, nd_adverts), 1);

	/* REACHABLE again: no retransmission. */
	for (i = 0; i <= W6_RETRIES; i++)
		wire_step_quiet(w, W6_RETRANS_MS + 1);
	wire_deliver(w, tx, "4", &dst, rb, 4);
	a1 = wire_stats(w->a);
	b1 = wire_stats(w->b);
	assert_int_equal(rb->count, 4);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 1);
	assert_int_equal(DELTA(b1, b0, nd_adverts), 1);
	assert_int_equal(DELTA(b1, b0, nd_solicits), 0);
	assert_int_equal(DROPS(a1, a0, nd_unresolved), 0);
	assert_int_equal(DROPS(a1, a0, nd_hold_full), 0);
}

/* B is gone (its stack closed). The send that finds B STALE still goes out
 * (into the ring nobody reads) and nothing is held; after delay_ms, A
 * probes `retries` times retrans_ms apart, then deletes the entry: no drop,
 * since nothing waited. The next send therefore starts address resolution
 * afresh: a solicitation at once, the datagram held, and dropped as
 * nd_unresolved when that fails too. */
static void wire6_nud_probe_unanswered(void **state)
{
	struct wire *w = WIRE(state);
	struct rec *rb = wire_rec(w);
	struct sockaddr_storage dst;
	struct dpg_socket *tx = neigh_resolve(w, rb, &dst);
	struct dpg_stats a0, a1;
	unsigned i;

	dpg_stack_close(w->b);
	w->b = NULL;
	a0 = wire_stats(w->a);

	wire_step_quiet(w, W6_REACHABLE_MS + 1);
	wire_send(tx, "2", 1, &dst);
	wire_passes(w, WIRE_QUIET_PASSES);
	a1 = wire_stats(w->a);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 0);
	assert_int_equal(DELTA(a1, a0, tx_packets), 1);

	wire_step_quiet(w, W6_DELAY_MS + 1);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), 1);
	for (i = 2; i <= W6_RETRIES; i++) {
		wire_step_quiet(w, W6_RETRANS_MS + 1);
		assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits), i);
	}
	wire_step_quiet(w, W6_RETRANS_MS + 1);
	a1 = wire_stats(w->a);
	assert_int_equal(DELTA(a1, a0, nd_solicits), W6_RETRIES);
	assert_int_equal(DROPS(a1, a0, nd_unresolved), 0);

	/* Deleted: resolution starts over and holds the datagram. */
	wire_send(tx, "3", 1, &dst);
	wire_passes(w, WIRE_QUIET_PASSES);
	assert_int_equal(DELTA(wire_stats(w->a), a0, nd_solicits),
			 W6_RETRIES + 1);
	for (i = 0; i < W6_RETRIES; i++)
		wire_step_quiet(w, W6_RETRANS_MS + 1);
	a1 = wire_stats(w->a);
	assert_int_equal(DELTA(a1, a0, nd_solicits), 2 * W6_RETRIES);
	assert_int_equal(DROPS(a1, a0, nd_unresolved), 1);
}

static const struct CMUnitTest wire6_nud_tests[] = {
	cmocka_unit_test_setup_teardown(wire6_nud_probe_answered, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_nud_probe_unanswered,
					wire_setup, wire_teardown),
};

int wire6_run_nud(void)
{
	return cmocka_run_group_tests_name("wire6_nud", wire6_nud_tests, NULL,
					   NULL);
}
