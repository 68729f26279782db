/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Unit tests of the multicast host's answers to queries (RFC 3376 §5.2,
 * RFC 3810 §6.2) and of the older-version compatibility modes (RFC 3376
 * §7.2.1, RFC 2236 §3) in lib/net/mcast_timer.c, on a fake clock with
 * deterministic random delays (mcast_fake.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "mcast_fake.h"

#define G "239.1.1.1"
#define G2 "239.1.1.2"
#define S1 "198.51.100.1"
#define S2 "198.51.100.2"
#define S3 "198.51.100.3"

/* A state with G (any-source) and G2 (INCLUDE {S1, S2}) joined and their
 * state-change reports over. */
static void two_groups(struct mc_state *s, unsigned robustness)
{
	fake_state(s, 8, 8, robustness, 1000);
	join(s, G, NULL);
	join(s, G2, S1);
	join(s, G2, S2);
	fake_run(s, 10000);
	cap_reset();
}

/* General query: one current-state record per group, together, after a
 * delay in (0, Max Resp Time]: never at once. */
static void general_query_answered(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G), g2 = A(G2), both[2] = { A(S1), A(S2) };

	(void)state;
	for (uint64_t seed = 1; seed < 20; seed++) {
		two_groups(&s, 2);
		fake_rand_seed(seed);
		query(&s, NULL, MC_VNEW, 5000, NULL, 0);
		mc_timers(&s, fake_now);
		assert_int_equal(cap.nrec, 0);
		fake_run(&s, 5000);
		assert_int_equal(cap.nrec, 2);
		assert_int_equal(cap.rec[0].flush, cap.rec[1].flush);
		assert_true(cap.rec[0].at > 11000 && cap.rec[0].at <= 16000);
		assert_int_equal(count_recs(&g, MC_IS_EX, 0), 1);
		assert_int_equal(count_recs(&g2, MC_IS_IN, 0), 1);
		for (unsigned i = 0; i < 2; i++)
			if (cap.rec[i].type == MC_IS_IN)
				assert_true(rec_has_sources(&cap.rec[i], both, 2));
		fake_free(&s);
	}
}

/* Group-specific: that group only; for a group not joined, nothing. */
static void group_specific_query(void **state)
{
	struct mc_state s;
	struct in6_addr g2 = A(G2);

	(void)state;
	two_groups(&s, 2);
	query(&s, G2, MC_VNEW, 1000, NULL, 0);
	query(&s, "239.9.9.9", MC_VNEW, 1000, NULL, 0);
	fake_run(&s, 1000);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(count_recs(&g2, MC_IS_IN, 0), 1);
	assert_int_equal(cap.rec[0].nsrc, 2);
	fake_free(&s);
}

/* Group-and-source-specific: INCLUDE (A) answers IS_IN (A*B), EXCLUDE {}
 * answers IS_IN (B); an empty answer is not sent. */
static void group_and_source_query(void **state)
{
	static const char *const q23[] = { S2, S3 }, *const q3[] = { S3 };
	struct mc_state s;
	struct in6_addr g = A(G), g2 = A(G2), s2 = A(S2), s3 = A(S3);

	(void)state;
	two_groups(&s, 2);
	query(&s, G2, MC_VNEW, 1000, q23, 2);
	query(&s, G, MC_VNEW, 1000, q3, 1);
	fake_run(&s, 1000);
	assert_int_equal(cap.nrec, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(cap.rec[i].type, MC_IS_IN);
		if (memcmp(&cap.rec[i].group, &g2, 16) == 0)
			assert_true(rec_has_sources(&cap.rec[i], &s2, 1));
		else
			assert_true(rec_has_sources(&cap.rec[i], &s3, 1));
	}
	cap_reset();
	query(&s, G2, MC_VNEW, 1000, q3, 1);
	fake_run(&s, 2000);
	assert_int_equal(cap.nrec, 0);
	(void)g;
	fake_free(&s);
}

/* §5.2 rule 1: a General Query answer pending sooner than the selected
 * delay makes a later query need nothing more. */
static void rule1_general_pending_sooner(void **state)
{
	struct mc_state s;

	(void)state;
	two_groups(&s, 2);
	fake_rand_fixed(99);
	query(&s, NULL, MC_VNEW, 1000, NULL, 0);     /* due in 100 ms */
	fake_rand_fixed(499);
	query(&s, G2, MC_VNEW, 1000, NULL, 0);       /* would be 500: not scheduled */
	fake_run(&s, 2000);
	assert_int_equal(cap.nrec, 2);
	assert_int_equal(cap.rec[0].at, 11100);
	assert_int_equal(cap.rec[1].at, 11100);
	fake_free(&s);
}

/* §5.2 rules 4 and 5: a second Group-and-Source query adds its sources
 * and keeps the earlier time; a group-specific one clears the list. */
static void rules4_and_5_merge(void **state)
{
	static const char *const q1[] = { S1 }, *const q2[] = { S2 };
	struct mc_state s;
	struct in6_addr g2 = A(G2), both[2] = { A(S1), A(S2) };

	(void)state;
	two_groups(&s, 2);
	join(&s, G2, S3);
	fake_run(&s, 10000);
	cap_reset();
	fake_rand_fixed(799);
	query(&s, G2, MC_VNEW, 1000, q1, 1);         /* at +800 */
	fake_rand_fixed(299);
	query(&s, G2, MC_VNEW, 1000, q2, 1);         /* at +300, both sources */
	fake_run(&s, 2000);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].at, 21300);
	assert_true(rec_has_sources(&cap.rec[0], both, 2));

	cap_reset();
	fake_rand_fixed(299);
	query(&s, G2, MC_VNEW, 1000, q1, 1);         /* at +300 */
	fake_rand_fixed(799);
	query(&s, G2, MC_VNEW, 1000, NULL, 0);       /* group-specific: whole state */
	fake_run(&s, 2000);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].at, 23300);
	assert_int_equal(count_recs(&g2, MC_IS_IN, 0), 1);
	assert_int_equal(cap.rec[0].nsrc, 3);
	fake_free(&s);
}

/* An IGMPv2 query: v2 reports answer it, pending state-change
 * retransmissions are cancelled, joins send v2 reports [Robustness]
 * times and leaves one v2 leave; source changes say nothing. */
static void igmpv2_compat(void **state)
{
	struct mc_state s;
	struct in6_addr g3 = A("239.1.1.3");

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	join(&s, G, NULL);                           /* TO_EX, one repeat pending */
	query(&s, NULL, MC_V2, 1000, NULL, 0);
	fake_run(&s, 1000);
	assert_int_equal(cap.nrec, 1);               /* the repeat was cancelled */
	assert_int_equal(cap.nold, 1);
	assert_int_equal(cap.old[0].ver, MC_V2);
	assert_false(cap.old[0].leave);
	assert_true(cap.old[0].at > 1000 && cap.old[0].at <= 2000);
	cap_reset();
	join(&s, "239.1.1.3", S1);
	join(&s, "239.1.1.3", S2);
	fake_run(&s, 5000);
	assert_int_equal(cap.nrec, 0);
	assert_int_equal(cap.nold, 2);
	assert_true(memcmp(&cap.old[1].group, &g3, 16) == 0);
	leave(&s, "239.1.1.3", S1);
	assert_int_equal(cap.nold, 2);
	leave(&s, "239.1.1.3", S2);
	assert_int_equal(cap.nold, 3);
	assert_true(cap.old[2].leave);
	fake_run(&s, 5000);
	assert_int_equal(cap.nold, 3);
	assert_int_equal(s.used, 1);
	fake_free(&s);
}

/* An IGMPv1 query: v1 reports, no leave; an IGMPv1 querier wins over a
 * v2 one. */
static void igmpv1_compat(void **state)
{
	struct mc_state s;

	(void)state;
	two_groups(&s, 2);
	query(&s, NULL, MC_V2, 1000, NULL, 0);
	query(&s, NULL, MC_V1, MC_V1_MAX_RESP_MS, NULL, 0);
	fake_run(&s, MC_V1_MAX_RESP_MS);
	assert_int_equal(cap.nold, 2);
	assert_int_equal(cap.old[0].ver, MC_V1);
	assert_int_equal(cap.old[1].ver, MC_V1);
	leave(&s, G, NULL);
	fake_run(&s, 5000);
	assert_int_equal(cap.nold, 2);
	assert_int_equal(cap.nrec, 0);
	fake_free(&s);
}

/* §8.12: back to IGMPv3 once Robustness x Query Interval + Query
 * Response Interval pass without an older query; QRV and QQIC of a v3
 * query set both. */
static void compat_timeout(void **state)
{
	struct mc_state s;
	struct mc_query q = { .ver = MC_VNEW, .general = true, .max_resp_ms = 1000,
			      .qrv = 3, .qqi_ms = 10000 };

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	q.group = A("0.0.0.0");
	mc_query(&s, 0, &q, fake_now);
	query(&s, NULL, MC_V2, 2000, NULL, 0);       /* 3 x 10 s + 2 s */
	fake_run(&s, 3 * 10000 + 2000 - 1);
	join(&s, G, NULL);                           /* 1 ms before: still v2 */
	leave(&s, G, NULL);
	assert_int_equal(cap.nrec, 0);
	assert_int_equal(cap.nold, 2);
	assert_false(cap.old[0].leave);
	assert_true(cap.old[1].leave);
	fake_run(&s, 1);                             /* the timeout: IGMPv3 */
	join(&s, G, NULL);
	assert_int_equal(cap.nrec, 1);
	assert_int_equal(cap.rec[0].at, 33000);
	fake_run(&s, 5000);
	assert_int_equal(cap.nold, 2);
	assert_int_equal(cap.nrec, 3);               /* QRV 3: three TO_EX */
	assert_int_equal(count_recs(&cap.rec[0].group, MC_TO_EX, 0), 3);
	fake_free(&s);
}

/* RFC 2236 §3: in compatibility mode another host's report cancels ours;
 * an IGMPv3 host does not suppress. A running timer is reset only for a
 * shorter Max Resp Time. */
static void suppression(void **state)
{
	struct mc_state s;
	struct in6_addr g = A(G);

	(void)state;
	two_groups(&s, 2);
	query(&s, G, MC_VNEW, 1000, NULL, 0);
	assert_false(mc_heard(&s, 0, &g, fake_now));
	fake_run(&s, 1000);
	assert_int_equal(cap.nrec, 1);
	fake_rand_fixed(799);
	query(&s, G, MC_V2, 1000, NULL, 0);         /* at +800 */
	fake_rand_fixed(99);
	query(&s, G, MC_V2, 2000, NULL, 0);         /* longer: kept */
	fake_run(&s, 200);
	assert_int_equal(cap.nold, 0);
	query(&s, G, MC_V2, 300, NULL, 0);          /* shorter: reset to +100 */
	fake_run(&s, 100);
	assert_int_equal(cap.nold, 1);
	query(&s, G, MC_V2, 1000, NULL, 0);
	assert_true(mc_heard(&s, 0, &g, fake_now));
	fake_run(&s, 2000);
	assert_int_equal(cap.nold, 1);
	fake_free(&s);
}

/* MLD: the same machinery with IPv6 groups and sources; MLDv1 (MC_V2)
 * reports and dones. */
static void mld_queries(void **state)
{
	static const char *const q[] = { "2001:db8::2", "2001:db8::9" };
	struct mc_state s;
	struct in6_addr g = A("ff15::1"), s2 = A("2001:db8::2");

	(void)state;
	fake_state(&s, 8, 8, 2, 1000);
	join(&s, "ff15::1", "2001:db8::1");
	join(&s, "ff15::1", "2001:db8::2");
	join(&s, "224.1.1.1", NULL);
	fake_run(&s, 5000);
	cap_reset();
	query(&s, "ff15::1", MC_VNEW, 1000, q, 2);
	query(&s, "::", MC_V2, 1000, NULL, 0);       /* MLDv1: IPv4 unaffected */
	fake_run(&s, 1000);
	assert_int_equal(cap.nrec, 0);               /* cancelled by the switch */
	assert_int_equal(cap.nold, 1);
	assert_true(cap.old[0].v6);
	assert_true(memcmp(&cap.old[0].group, &g, 16) == 0);
	cap_reset();
	query(&s, NULL, MC_VNEW, 1000, NULL, 0);     /* IPv4 still v3 */
	fake_run(&s, 1000);
	assert_int_equal(cap.nrec, 1);
	assert_false(cap.rec[0].v6);
	fake_free(&s);

	fake_state(&s, 8, 8, 2, 1000);
	join(&s, "ff15::1", "2001:db8::1");
	join(&s, "ff15::1", "2001:db8::2");
	fake_run(&s, 5000);
	cap_reset();
	query(&s, "ff15::1", MC_VNEW, 1000, q, 2);
	fake_run(&s, 1000);
	assert_int_equal(cap.nrec, 1);
	assert_true(cap.rec[0].v6);
	assert_true(rec_has_sources(&cap.rec[0], &s2, 1));
	fake_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(general_query_answered),
		cmocka_unit_test(group_specific_query),
		cmocka_unit_test(group_and_source_query),
		cmocka_unit_test(rule1_general_pending_sooner),
		cmocka_unit_test(rules4_and_5_merge),
		cmocka_unit_test(igmpv2_compat),
		cmocka_unit_test(igmpv1_compat),
		cmocka_unit_test(compat_timeout),
		cmocka_unit_test(suppression),
		cmocka_unit_test(mld_queries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
