/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the multicast interface state (lib/net/mcast.c): merging
 * memberships (RFC 3376 §3.2), state-change reports and their
 * retransmissions (§5.1), the groups never reported, a full table. On a
 * fake clock with deterministic random delays (mcast_fake.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mcast_fake.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define G "239.1.1.1"
#define G2 "239.1.1.2"
#define S1 "198.51.100.1"
#define S2 "198.51.100.2"
#define S3 "198.51.100.3"

static bool admits(const struct mc_state *s, const char *group, const char *src)
{
	struct in6_addr g = A(group), a = A(src);

	return mc_admits(s, 0, &g, &a);
}

static bool member(const struct mc_state *s, const char *group)
{
	struct in6_addr g = A(group);

	return mc_member(s, 0, &g) != NULL;
}

/* ---- merging (§3.2) ---- */

/* Any any-source membership makes EXCLUDE {}; without one, the INCLUDE
 * list is the union of the sources; every membership is counted. */
static void merge_asm_and_ssm(void **state)
{
	struct mc_state s;

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	assert_true(join(&s, G, S1));         /* first membership: the MAC goes in */
	assert_false(join(&s, G, S2));
	assert_false(join(&s, G, S1));        /* S1 twice */
	assert_true(admits(&s, G, S1));
	assert_true(admits(&s, G, S2));
	assert_false(admits(&s, G, S3));
	assert_false(join(&s, G, NULL));      /* ASM: EXCLUDE {} */
	assert_true(admits(&s, G, S3));
	assert_false(join(&s, G, NULL));
	assert_false(leave(&s, G, NULL));
	assert_true(admits(&s, G, S3));       /* one ASM membership left */
	assert_false(leave(&s, G, NULL));
	assert_false(admits(&s, G, S3));      /* INCLUDE {S1, S2} again */
	assert_false(leave(&s, G, S1));
	assert_true(admits(&s, G, S1));       /* S1 was joined twice */
	assert_false(leave(&s, G, S2));
	assert_false(admits(&s, G, S2));
	assert_true(member(&s, G));
	assert_true(leave(&s, G, S1));        /* the last one: the MAC goes out */
	assert_false(member(&s, G));
	assert_false(admits(&s, G, S1));
	fake_free(&s);
}

/* Ports are separate interfaces; leaving what was not joined fails and
 * changes nothing; a source of the other family is refused. */
static void membership_errors(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G), g6 = A("ff15::1"), s6 = A("2001:db8::1"), s1 = A(S1);
	bool flag;

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	assert_int_equal(mc_join(&s, 1, &g, NULL, fake_now, &flag), 0);
	assert_true(flag);
	assert_null(mc_member(&s, 0, &g));
	assert_non_null(mc_member(&s, 1, &g));
	assert_int_equal(mc_leave(&s, 0, &g, NULL, fake_now, false, &flag), -ENOENT);
	assert_int_equal(mc_leave(&s, 1, &g, &s1, fake_now, false, &flag), -ENOENT);
	assert_non_null(mc_member(&s, 1, &g));
	assert_int_equal(mc_join(&s, 0, &g, &s6, fake_now, &flag), -EINVAL);
	assert_int_equal(mc_join(&s, 0, &g6, &s1, fake_now, &flag), -EINVAL);
	assert_int_equal(mc_join(&s, MC_PORTS, &g, NULL, fake_now, &flag), -EINVAL);
	fake_free(&s);
}

/* [mcast] groups and sources are limits: -ENOBUFS past them, and a
 * failed join leaves nothing behind. A left group (or source) whose
 * retransmissions are pending gives way to a new join. */
static void table_full(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G), g2 = A(G2), g3 = A("239.1.1.3"), s3 = A(S3);
	bool flag;

	(void)state;
	fake_state(&s, 2, 2, 2, 1000);
	join(&s, G, NULL);
	join(&s, G2, S1);
	assert_int_equal(mc_join(&s, 0, &g3, NULL, fake_now, &flag), -ENOBUFS);
	assert_null(mc_member(&s, 0, &g3));
	assert_int_equal(s.used, 2);
	join(&s, G2, S2);
	assert_int_equal(mc_join(&s, 0, &g2, &s3, fake_now, &flag), -ENOBUFS);
	assert_false(admits(&s, G2, S3));
	assert_true(admits(&s, G2, S1));

	/* G left: TO_IN {} pending, then evicted by a new group */
	leave(&s, G, NULL);
	assert_int_equal(s.used, 2);
	assert_int_equal(count_recs(&g, MC_TO_IN, 0), 1);
	assert_int_equal(mc_join(&s, 0, &g3, NULL, fake_now, &flag), 0);
	/* S1 left: BLOCK pending, then evicted by a new source */
	leave(&s, G2, S1);
	assert_int_equal(mc_join(&s, 0, &g2, &s3, fake_now, &flag), 0);
	assert_true(admits(&s, G2, S3));
	fake_run(&s, 10000);
	assert_int_equal(count_recs(&g, MC_TO_IN, 0), 1);
	assert_int_equal(count_recs(&g2, MC_BLOCK, 0), 1);
	fake_free(&s);
}

/* ---- state-change reports (§5.1) ---- */

/* The first report at once, then [Robustness Variable] - 1 more at
 * random intervals in (0, report_ms]; then nothing. */
static void join_to_ex_retransmitted(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G);

	(void)state;
	fake_state(&s, 8, 8, 3, 1000);
	join(&s, G, NULL);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].type, MC_TO_EX);
	assert_int_equal(cap.rec[0].nsrc, 0);
	assert_int_equal(cap.rec[0].at, 1000);
	assert_false(cap.rec[0].v6);
	fake_run(&s, 20000);
	assert_int_equal(cap.nrec, 3);
	assert_int_equal(count_recs(&g, MC_TO_EX, 0), 3);
	for (unsigned i = 1; i < 3; i++) {
		uint64_t gap = cap.rec[i].at - cap.rec[i - 1].at;

		assert_true(gap >= 1 && gap <= 1000);
	}
	fake_free(&s);
}

/* The spacing is the random draw: 1 + value % report_ms. */
static void retransmission_spacing(void **state)
{
	struct mc_state s;

	(void)state;
	fake_state(&s, 8, 8, 3, 1000);
	fake_rand_fixed(499);
	join(&s, "ff15::1", NULL);
	fake_run(&s, 5000);
	assert_int_equal(cap.nrec, 3);
	assert_true(cap.rec[0].v6);
	assert_int_equal(cap.rec[0].at, 1000);
	assert_int_equal(cap.rec[1].at, 1500);
	assert_int_equal(cap.rec[2].at, 2000);
	fake_free(&s);
}

/* INCLUDE {} -> INCLUDE {S1}: ALLOW {S1}; back: BLOCK {S1}; the record
 * lives until the last BLOCK went. */
static void ssm_allow_then_block(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G), s1 = A(S1);

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	join(&s, G, S1);
	assert_int_equal(cap.rec[0].type, MC_ALLOW);
	assert_true(rec_has_sources(&cap.rec[0], &s1, 1));
	fake_run(&s, 5000);
	assert_int_equal(count_recs(&g, MC_ALLOW, 0), 2);
	assert_int_equal(cap.nrec, 2);
	assert_true(leave(&s, G, S1));
	assert_int_equal(cap.rec[2].type, MC_BLOCK);
	assert_true(rec_has_sources(&cap.rec[2], &s1, 1));
	assert_int_equal(s.used, 1);           /* kept for the retransmission */
	assert_false(member(&s, G));
	fake_run(&s, 5000);
	assert_int_equal(count_recs(&g, MC_BLOCK, 0), 2);
	assert_int_equal(cap.nrec, 4);
	assert_int_equal(s.used, 0);
	fake_free(&s);
}

/* EXCLUDE {} -> INCLUDE {}: TO_IN {}; EXCLUDE {} -> INCLUDE {S1}: TO_IN {S1}. */
static void leave_any_source(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G), g2 = A(G2), s1 = A(S1);

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	join(&s, G, NULL);
	join(&s, G2, NULL);
	join(&s, G2, S1);       /* no change: EXCLUDE {} stays */
	fake_run(&s, 5000);
	assert_int_equal(cap.nrec, 4);
	cap_reset();
	assert_true(leave(&s, G, NULL));
	assert_false(leave(&s, G2, NULL));
	fake_run(&s, 5000);
	assert_int_equal(count_recs(&g, MC_TO_IN, 0), 2);
	assert_int_equal(count_recs(&g2, MC_TO_IN, 0), 2);
	assert_int_equal(cap.nrec, 4);
	for (unsigned i = 0; i < cap.nrec; i++) {
		if (memcmp(&cap.rec[i].group, &g, 16) == 0)
			assert_int_equal(cap.rec[i].nsrc, 0);
		else
			assert_true(rec_has_sources(&cap.rec[i], &s1, 1));
	}
	assert_int_equal(s.used, 1);
	fake_free(&s);
}

/* A change while retransmissions are pending is merged into them: the
 * merged report goes at once, and each source is carried in exactly
 * [Robustness Variable] reports. */
static void merged_with_pending(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G), s1 = A(S1), s2 = A(S2), both[2] = { s1, s2 };

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	fake_rand_fixed(499);
	join(&s, G, S1);                       /* ALLOW {S1} at 1000, next at 1500 */
	fake_run(&s, 200);
	join(&s, G, S2);                       /* at 1200 */
	fake_run(&s, 5000);
	assert_int_equal(cap.nrec, 3);
	assert_true(rec_has_sources(&cap.rec[0], &s1, 1));
	assert_int_equal(cap.rec[1].at, 1200);
	assert_int_equal(cap.rec[1].type, MC_ALLOW);
	assert_true(rec_has_sources(&cap.rec[1], both, 2));
	assert_int_equal(cap.rec[2].at, 1700);
	assert_true(rec_has_sources(&cap.rec[2], &s2, 1));

	/* a source left and joined again before its BLOCK was repeated:
	 * it moves to the ALLOW list, whose repeats start over */
	cap_reset();
	leave(&s, G, S2);
	fake_run(&s, 100);
	join(&s, G, S2);
	fake_run(&s, 5000);
	assert_int_equal(count_recs(&g, MC_BLOCK, 0), 1);
	assert_int_equal(count_recs(&g, MC_ALLOW, 0), 2);
	assert_int_equal(cap.rec[0].type, MC_BLOCK);

	/* a filter mode change replaces pending source changes */
	cap_reset();
	leave(&s, G, S1);
	join(&s, G, NULL);
	fake_run(&s, 5000);
	assert_int_equal(count_recs(&g, MC_BLOCK, 0), 1);
	assert_int_equal(count_recs(&g, MC_TO_EX, 0), 2);
	assert_int_equal(cap.nrec, 3);
	fake_free(&s);
}

/* ---- groups never reported ---- */

static void quiet_groups(void **state)
{
	static const char *const quiet[] = { "224.0.0.1", "ff02::1", "ff01::5", "ff00::5" };
	struct mc_state s;

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	for (unsigned i = 0; i < ARRAY_LEN(quiet); i++) {
		struct in6_addr g = A(quiet[i]);

		assert_true(mc_quiet(&g));
		assert_true(join(&s, quiet[i], NULL));
		assert_true(member(&s, quiet[i]));
	}
	query(&s, NULL, MC_VNEW, 1000, NULL, 0);
	query(&s, "::", MC_VNEW, 1000, NULL, 0);
	query(&s, "224.0.0.1", MC_VNEW, 1000, NULL, 0);
	query(&s, NULL, MC_V2, 1000, NULL, 0);
	fake_run(&s, 5000);
	for (unsigned i = 0; i < ARRAY_LEN(quiet); i++)
		assert_true(leave(&s, quiet[i], NULL));
	fake_run(&s, 5000);
	assert_int_equal(cap.nrec, 0);
	assert_int_equal(cap.nold, 0);
	assert_int_equal(s.used, 0);
	/* reported: all-routers, site scope, solicited-node groups */
	assert_false(mc_quiet(&(struct in6_addr){ .s6_addr = { [10] = 0xff, 0xff, 224, 0, 0, 2 } }));
	assert_false(mc_quiet(&(struct in6_addr){ .s6_addr = { 0xff, 0x05, [15] = 1 } }));
	assert_false(mc_quiet(&(struct in6_addr){ .s6_addr = { 0xff, 0x02, [11] = 1, 0xff, 0, 0, 1 } }));
	fake_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_asm_and_ssm),
		cmocka_unit_test(membership_errors),
		cmocka_unit_test(table_full),
		cmocka_unit_test(join_to_ex_retransmitted),
		cmocka_unit_test(retransmission_spacing),
		cmocka_unit_test(ssm_allow_then_block),
		cmocka_unit_test(leave_any_source),
		cmocka_unit_test(merged_with_pending),
		cmocka_unit_test(quiet_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
