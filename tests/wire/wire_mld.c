/* SPDX-License-Identifier: BSD-3-Clause
 *
 * MLD wire tests (RFC 3810, RFC 2710), run by test_wire_mcast: stack A's
 * MLD messages read byte by byte off the bare end of the ring pair,
 * queries written there as a router would (wire_raw.h). A reports the
 * solicited-node groups of its addresses (RFC 4861 §7.2.1) from the
 * moment it opens, never all-nodes (RFC 3810 §6).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "wire_mcast.h"

#define ROUTER_LL "fe80::1"
#define GRP6 "ff15::abcd"
#define SOL_GLOBAL "ff02::1:ff00:2"   /* fd00:6::2's solicited-node group */

/* RFC 3810 §5: link-local source (A's EUI-64 one, RFC 4291 §2.5.1), hop
 * limit 1, Router Alert in a Hop-by-Hop header; ICMPv6 checksum; to the
 * destination's 33:33 MAC (RFC 2464 §7). MLDv2 reports to ff02::16. */
static void assert_mld(const struct mc_msg *m, uint8_t type)
{
	const uint8_t *d = m->dst.s6_addr, *s = m->src.s6_addr, *mac = m->smac;
	const uint8_t dmac[6] = { 0x33, 0x33, d[12], d[13], d[14], d[15] };
	const uint8_t ll[16] = { 0xfe, 0x80, [8] = mac[0] ^ 2, mac[1], mac[2], 0xff, 0xfe,
				 mac[3], mac[4], mac[5] };

	assert_true(m->v6);
	assert_int_equal(m->type, type);
	assert_int_equal(m->ttl, 1);
	assert_true(m->router_alert);
	assert_true(m->cksum_ok);
	assert_memory_equal(s, ll, 16);
	assert_memory_equal(m->dmac, dmac, 6);
	if (type == 143)
		assert_addr(&m->dst, "ff02::16");
}

/* The solicited-node group of A's link-local address (RFC 4291 §2.7.1). */
static struct in6_addr sol_ll(const struct mc_msg *m)
{
	struct in6_addr g = mc_addr("ff02::1:ff00:0");

	memcpy(&g.s6_addr[13], &m->smac[3], 3);
	return g;
}

/* How many records of type for group the n MLDv2 reports in m carry. */
static unsigned records(const struct mc_msg *m, unsigned n, uint8_t type,
			const struct in6_addr *group)
{
	unsigned c = 0;

	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; k < m[i].nrec; k++)
			c += m[i].rec[k].type == type &&
			     memcmp(&m[i].rec[k].group, group, 16) == 0;
	return c;
}

static unsigned all_records(const struct mc_msg *m, unsigned n)
{
	unsigned c = 0;

	for (unsigned i = 0; i < n; i++)
		c += m[i].nrec;
	return c;
}

/* MLDv2 query: Maximum Response Code (ms), group (NULL: general). */
static void query2(uint8_t *q, uint16_t mrc, const char *group)
{
	struct in6_addr g = mc_addr(group != NULL ? group : "::");

	memset(q, 0, 28);
	q[0] = 130;
	q[4] = (uint8_t)(mrc >> 8);
	q[5] = (uint8_t)mrc;
	memcpy(q + 8, &g, 16);
	q[24] = 2;
	q[25] = 125;
}

/* At open: TO_EX {} for the solicited-node group of each address,
 * [Robustness Variable] times each, nothing for ff02::1. */
static void mld_solicited_node_at_open(void **state)
{
	struct wire *w = WIRE(state);
	struct in6_addr sol_global = mc_addr(SOL_GLOBAL), ll;
	struct mc_msg m[16];
	unsigned n = mc_collect(w, 20 * MC_REPORT_MS, true, m, 16);

	assert_true(n >= MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++)
		assert_mld(&m[i], 143);
	ll = sol_ll(&m[0]);
	assert_int_equal(records(m, n, 4 /* TO_EX */, &ll), MC_ROBUSTNESS);
	assert_int_equal(records(m, n, 4, &sol_global), MC_ROBUSTNESS);
	assert_int_equal(all_records(m, n), 2 * MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++)
		for (unsigned k = 0; k < m[i].nrec; k++)
			assert_int_equal(m[i].rec[k].nsrc, 0);
}

/* Let the reports of the open go by. */
static void settled(struct wire *w)
{
	struct mc_msg m[16];

	mc_collect(w, 20 * MC_REPORT_MS, true, m, 16);
}

/* An MLDv2 General Query from a link-local router (1 s): IS_EX {} for
 * both solicited-node groups, in one report, within 1 s. */
static void mld_general_query(void **state)
{
	struct wire *w = WIRE(state);
	struct in6_addr sol_global = mc_addr(SOL_GLOBAL), ll;
	struct dpg_stats s0;
	struct mc_msg m[8];
	uint8_t q[28];
	uint64_t t0;
	unsigned n;

	settled(w);
	s0 = wire_stats(w->a);
	t0 = wire_now();
	query2(q, 1000, NULL);
	raw_mld(ROUTER_LL, "ff02::1", 1, true, q, sizeof(q));
	n = mc_collect(w, 1000 + 10, true, m, 8);
	assert_int_equal(n, 1);
	assert_mld(&m[0], 143);
	assert_true(m[0].at > t0 && m[0].at <= t0 + 1000 + 10);
	ll = sol_ll(&m[0]);
	assert_int_equal(m[0].nrec, 2);
	assert_int_equal(records(m, n, 2 /* IS_EX */, &ll), 1);
	assert_int_equal(records(m, n, 2, &sol_global), 1);
	assert_int_equal(DELTA(wire_stats(w->a), s0, mld_queries), 1);
}

/* Queries MLD must discard (RFC 3810 §6.2) and short ones (§8.1). */
static void mld_bad_queries(void **state)
{
	struct wire *w = WIRE(state);
	struct dpg_stats s0;
	struct mc_msg m[8];
	uint8_t q[28];

	settled(w);
	s0 = wire_stats(w->a);
	query2(q, 1000, NULL);
	raw_mld("fd00:6::1", "ff02::1", 1, true, q, sizeof(q));  /* not link-local */
	raw_mld(ROUTER_LL, "ff02::1", 255, true, q, sizeof(q));  /* hop limit */
	raw_mld(ROUTER_LL, "ff02::1", 1, false, q, sizeof(q));   /* no Router Alert */
	raw_mld(ROUTER_LL, "ff02::1", 1, true, q, 26);           /* neither v1 nor v2 */
	q[27] = 3;                                               /* 3 sources missing */
	raw_mld(ROUTER_LL, "ff02::1", 1, true, q, sizeof(q));
	assert_int_equal(mc_collect(w, 2000, true, m, 8), 0);
	assert_int_equal(DROPS(wire_stats(w->a), s0, mld_bad_query), 3);
	assert_int_equal(DROPS(wire_stats(w->a), s0, mld_too_short), 2);
	assert_int_equal(DELTA(wire_stats(w->a), s0, mld_queries), 0);
}

/* An MLDv1 querier (24-byte query, 1 s): MLDv1 reports to each group;
 * a join reported by MLDv1 reports, its leave by a done to ff02::2. */
static void mld_v1_querier(void **state)
{
	struct wire *w = WIRE(state);
	struct in6_addr grp = mc_addr(GRP6);
	struct dpg_socket *s;
	struct mc_msg m[8];
	uint8_t q[24] = { 130, 0, 0, 0, 0x03, 0xe8 };
	unsigned n;

	settled(w);
	raw_mld(ROUTER_LL, "ff02::1", 1, true, q, sizeof(q));
	n = mc_collect(w, 1000 + 10, true, m, 8);
	assert_int_equal(n, 2);
	for (unsigned i = 0; i < n; i++) {
		assert_mld(&m[i], 131);
		assert_memory_equal(&m[i].dst, &m[i].group, 16);
	}
	s = mc_socket(w, true);
	assert_int_equal(dpg_add_membership(s, GRP6, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, true, m, 8);
	assert_int_equal(n, MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++) {
		assert_mld(&m[i], 131);
		assert_memory_equal(&m[i].group, &grp, 16);
	}
	assert_int_equal(dpg_drop_membership(s, GRP6, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, true, m, 8);
	assert_int_equal(n, 1);
	assert_mld(&m[0], 132);
	assert_memory_equal(&m[0].group, &grp, 16);
	assert_addr(&m[0].dst, "ff02::2");
}

/* A socket's join and leave: TO_EX {}, then TO_IN {}, each twice; a
 * query for the address answered in between. */
static void mld_join_leave(void **state)
{
	struct wire *w = WIRE(state);
	struct in6_addr grp = mc_addr(GRP6);
	struct dpg_socket *s;
	struct mc_msg m[8];
	uint8_t q[28];
	unsigned n;

	settled(w);
	s = mc_socket(w, true);
	assert_int_equal(dpg_add_membership(s, GRP6, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, true, m, 8);
	for (unsigned i = 0; i < n; i++)
		assert_mld(&m[i], 143);
	assert_int_equal(records(m, n, 4 /* TO_EX */, &grp), MC_ROBUSTNESS);
	assert_int_equal(all_records(m, n), MC_ROBUSTNESS);
	/* a Multicast Address Specific Query, to the address itself */
	query2(q, 500, GRP6);
	raw_mld(ROUTER_LL, GRP6, 1, true, q, sizeof(q));
	n = mc_collect(w, 500 + 10, true, m, 8);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].nrec, 1);
	assert_int_equal(records(m, n, 2 /* IS_EX */, &grp), 1);
	assert_int_equal(dpg_drop_membership(s, GRP6, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, true, m, 8);
	assert_int_equal(records(m, n, 3 /* TO_IN */, &grp), MC_ROBUSTNESS);
	assert_int_equal(all_records(m, n), MC_ROBUSTNESS);
}

/* A record too long for the MTU (1500: 89 IPv6 sources a report) is
 * split into records of the same type in several reports (RFC 3810
 * §5.2.15). */
static void mld_report_split_at_mtu(void **state)
{
	struct wire *w = WIRE(state);
	struct in6_addr grp = mc_addr("ff15::5");
	struct dpg_socket *s = mc_socket(w, true);
	unsigned n, recs = 0, srcs = 0;
	struct mc_msg m[8];
	uint8_t q[28];
	char src[64];

	for (unsigned i = 1; i <= 100; i++) {
		snprintf(src, sizeof(src), "2001:db8::%x", i);
		assert_int_equal(dpg_add_source_membership(s, src, "ff15::5", NULL), 0);
	}
	settled(w);
	query2(q, 1000, NULL);
	raw_mld(ROUTER_LL, "ff02::1", 1, true, q, sizeof(q));
	n = mc_collect(w, 1000 + 10, true, m, 8);
	assert_int_equal(n, 2);
	for (unsigned i = 0; i < n; i++) {
		assert_mld(&m[i], 143);
		assert_true(m[i].ip_len <= 1500);
		for (unsigned k = 0; k < m[i].nrec; k++) {
			if (memcmp(&m[i].rec[k].group, &grp, 16) != 0)
				continue;
			assert_int_equal(m[i].rec[k].type, 1 /* IS_IN */);
			recs++;
			srcs += m[i].rec[k].nsrc;
		}
	}
	assert_int_equal(recs, 2);
	assert_int_equal(srcs, 100);
	assert_true(m[0].ip_len > 1500 - 16);      /* the first one full */
}

static const struct CMUnitTest mld_tests[] = {
	cmocka_unit_test_setup_teardown(mld_solicited_node_at_open, raw_setup_keep,
					raw_teardown),
	RAW_TEST(mld_general_query),
	RAW_TEST(mld_bad_queries),
	RAW_TEST(mld_v1_querier),
	RAW_TEST(mld_join_leave),
	RAW_TEST(mld_report_split_at_mtu),
};

int mld_group(void)
{
	return cmocka_run_group_tests_name("wire_mcast_mld", mld_tests, NULL, NULL);
}
