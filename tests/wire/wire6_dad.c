/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 wire tests, group wire6_dad: Duplicate Address Detection (RFC 4862
 * §5.4) with optimistic addresses (RFC 4429). Every own address (the
 * link-local one and the configured one) is usable at once, probed
 * dad_transmits times retrans_ms apart, and preferred when nobody
 * objected. Stacks A and B have distinct addresses; stacks C and D
 * ([port2], [port3] on ring pair dad6) are both configured with DUP6.
 *
 * A duplicate (dad_conflicts counts it) is never used: binding to it is
 * -EADDRNOTAVAIL. Who loses (RFC 4862 §5.4.3, §5.4.4): a stack whose
 * address is preferred defends it with an advertisement, and the stack
 * probing for it gives it up when the advertisement comes; a stack still
 * checking an address gives it up when it hears another node's probe for
 * it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dpgram.h>

#include "wire6.h"

/* Whether st can bind a socket to ip (scope for link-local). 0 or the
 * dpg_bind error. */
static int dad_bind(struct dpg_stack *st, const char *ip, uint32_t scope)
{
	struct dpg_socket_opts o = { .family = AF_INET6 };
	struct sockaddr_storage ss = wire_addr6(ip, 0, scope);
	struct dpg_socket *s = NULL;
	int rc = dpg_socket_open(st, &o, &s);

	if (rc != 0)
		fail_msg("dpg_socket_open: %d (%s)", rc, dpg_strerror(rc));
	rc = dpg_bind(s, SA(&ss));
	dpg_close(s);
	return rc;
}

/* Step through the DAD window (retrans_ms at a time), polling. */
static void dad_window(struct wire *w)
{
	for (unsigned i = 0; i < W6_SETTLE_STEPS; i++)
		wire_step_quiet(w, W6_RETRANS_MS);
}

/* C and D both configured with DUP6: let the ring go quiet and the DAD
 * window pass, then C has kept DUP6 and D found it duplicate. */
static void dad_c_keeps(struct wire *w, struct dpg_stack *c,
			struct dpg_stack *d, struct dpg_stats *c1,
			struct dpg_stats *d1)
{
	wire_passes(w, WIRE_QUIET_PASSES);
	dad_window(w);
	*c1 = wire_stats(c);
	*d1 = wire_stats(d);
	assert_int_equal(c1->dad_conflicts, 0);
	assert_int_equal(d1->dad_conflicts, 1);
}

/* First time (fake clock) at which st had sent `want` solicitations. */
struct dad_watch {
	struct dpg_stack *st;
	uint64_t done_ms;
	bool done;
};

static void dad_watch(struct dad_watch *d, uint64_t want)
{
	if (!d->done && wire_stats(d->st).nd_solicits >= want) {
		d->done = true;
		d->done_ms = wire_now();
	}
}

/* A and B, distinct addresses, from the moment they open: every address
 * is usable at once (optimistic); each stack probes its two addresses
 * dad_transmits times, not all at once, then stops; nobody defends,
 * nobody conflicts, and the addresses stay usable. */
static void wire6_dad_distinct(void **state)
{
	struct wire *w = WIRE(state);
	uint64_t t0 = wire_now();
	struct dad_watch da = { w->a, 0, false }, db = { w->b, 0, false };
	const uint64_t probes = 2 * W6_DAD_TRANSMITS;
	struct dpg_stats a, b;

	assert_int_equal(dad_bind(w->a, A6, 0), 0);
	assert_int_equal(dad_bind(w->b, B_LL, IFINDEX_B), 0);
	dad_watch(&da, probes);
	dad_watch(&db, probes);
	for (unsigned t = 0; t < W6_DAD_WINDOW_MS; t += W6_TICK_MS) {
		wire_step_quiet(w, W6_TICK_MS);
		dad_watch(&da, probes);
		dad_watch(&db, probes);
	}
	assert_true(da.done && db.done);
	/* The last probe waits retrans_ms after the one before (the first
	 * ones may have left at open, just before t0). */
	assert_true(da.done_ms - t0 >= (W6_DAD_TRANSMITS - 1) * W6_RETRANS_MS
				       - W6_RETRANS_MS / 2);
	assert_true(db.done_ms - t0 >= (W6_DAD_TRANSMITS - 1) * W6_RETRANS_MS
				       - W6_RETRANS_MS / 2);

	/* Over: nothing more, however long. */
	for (unsigned i = 0; i < 10; i++)
		wire_step_quiet(w, W6_REACHABLE_MS / 2);
	a = wire_stats(w->a);
	b = wire_stats(w->b);
	assert_int_equal(a.nd_solicits, probes);
	assert_int_equal(b.nd_solicits, probes);
	assert_int_equal(a.nd_adverts + b.nd_adverts, 0);
	assert_int_equal(a.dad_conflicts + b.dad_conflicts, 0);
	assert_int_equal(dad_bind(w->a, A6, 0), 0);
	assert_int_equal(dad_bind(w->a, A_LL, IFINDEX_A), 0);
	assert_int_equal(dad_bind(w->b, B6, 0), 0);
	assert_int_equal(dad_bind(w->b, B_LL, IFINDEX_B), 0);
}

/* C comes up alone and keeps DUP6 (preferred). D comes up later with the
 * same address: C defends it with one advertisement, D marks it duplicate
 * after its first probe (it sends no second one for it) and keeps its
 * link-local address. C is unharmed. */
static void wire6_dad_defended(void **state)
{
	struct wire *w = WIRE(state);
	struct dpg_stack *c = wire_open_extra(w, "port2");
	struct dpg_stack *d;
	struct dpg_stats c0, c1, d1;

	wire_passes(w, WIRE_QUIET_PASSES);
	dad_window(w);
	c0 = wire_stats(c);
	assert_int_equal(c0.nd_solicits, 2 * W6_DAD_TRANSMITS);
	assert_int_equal(c0.dad_conflicts, 0);
	assert_int_equal(c0.nd_adverts, 0);

	/* C's probes wait in D's receive ring, as old as they are: opening
	 * and closing D empties the ring pair, so that the D opened next
	 * hears only what C says from now on. */
	wire_close_extra(w, wire_open_extra(w, "port3"));
	d = wire_open_extra(w, "port3");
	dad_c_keeps(w, c, d, &c1, &d1);
	assert_int_equal(DELTA(c1, c0, nd_adverts), 1);
	assert_int_equal(DELTA(c1, c0, nd_solicits), 0);
	assert_int_equal(d1.nd_solicits, W6_DAD_TRANSMITS + 1);
	assert_int_equal(d1.nd_adverts, 0);

	assert_int_equal(dad_bind(d, DUP6, 0), -EADDRNOTAVAIL);
	assert_int_equal(dad_bind(d, D_LL, IFINDEX_D), 0);
	assert_int_equal(dad_bind(c, DUP6, 0), 0);
	assert_int_equal(dad_bind(c, C_LL, IFINDEX_C), 0);

	/* Given up for good: no more probes, no second conflict. */
	dad_window(w);
	d1 = wire_stats(d);
	assert_int_equal(d1.dad_conflicts, 1);
	assert_int_equal(d1.nd_solicits, W6_DAD_TRANSMITS + 1);
	assert_int_equal(wire_stats(c).dad_conflicts, 0);
}

/* C and D come up together, both optimistic for DUP6. Polled in turn, C
 * probes first (wire_poll polls extra[0] first) and D reads that probe
 * before its own first one is due: an NS from :: for an address D is
 * still checking means another node is checking it too (§5.4.3), so D
 * gives it up before probing it, and nobody defends it, as nobody owns it
 * yet. C, having heard no objection, keeps it. (True simultaneity, both
 * probes crossing on the wire, cannot happen here: a stack reads its
 * ring before its timers send.) */
static void wire6_dad_probe_heard(void **state)
{
	struct wire *w = WIRE(state);
	struct dpg_stack *c = wire_open_extra(w, "port2");
	struct dpg_stack *d = wire_open_extra(w, "port3");
	struct dpg_stats c1, d1;

	dad_c_keeps(w, c, d, &c1, &d1);
	assert_int_equal(c1.nd_adverts + d1.nd_adverts, 0);
	assert_int_equal(c1.nd_solicits, 2 * W6_DAD_TRANSMITS);
	assert_int_equal(d1.nd_solicits, W6_DAD_TRANSMITS); /* link-local only */
	assert_int_equal(dad_bind(c, DUP6, 0), 0);
	assert_int_equal(dad_bind(d, DUP6, 0), -EADDRNOTAVAIL);
	assert_int_equal(dad_bind(c, C_LL, IFINDEX_C), 0);
	assert_int_equal(dad_bind(d, D_LL, IFINDEX_D), 0);
}

static const struct CMUnitTest wire6_dad_tests[] = {
	cmocka_unit_test_setup_teardown(wire6_dad_distinct,
					wire_setup_unsettled, wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_dad_defended, wire_setup,
					wire_teardown),
	cmocka_unit_test_setup_teardown(wire6_dad_probe_heard, wire_setup,
					wire_teardown),
};

int wire6_run_dad(void)
{
	return cmocka_run_group_tests_name("wire6_dad", wire6_dad_tests, NULL,
					   NULL);
}
