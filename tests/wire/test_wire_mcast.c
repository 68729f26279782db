/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Multicast host wire tests (wire_mcast.ini): stack A on one end of the
 * ring pair wiremc, the other end a bare wire (wire_raw.h) where the test
 * reads A's IGMP and MLD messages byte by byte and writes queries as a
 * router would. IGMP here (RFC 3376, RFC 2236), MLD in wire_mld.c.
 *
 * The binary enters a network namespace of its own, so it needs root: exit
 * 77 without. It also exits 77 when the DPDK backend is not built.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <dpgram.h>

#include "port/port.h"
#include "wire_mcast.h"

#define GRP "239.1.2.3"
#define GRP2 "239.1.2.4"
#define SSM_GRP "232.1.1.1"
#define SSM_SRC "198.51.100.7"

const char *const raw_pair = "wiremc";
struct wire_conf wire_conf = { .ini = WIRE_INI, .name = "wire_mcast" };

void assert_addr(const struct in6_addr *a, const char *text)
{
	struct in6_addr b = mc_addr(text);

	assert_memory_equal(a, &b, sizeof(b));
}

/* RFC 3376 §4: TTL 1, Router Alert; from A; checksummed; to the group's
 * MAC (RFC 1112 §6.4). IGMPv3 reports to 224.0.0.22. */
static void assert_igmp(const struct mc_msg *m, uint8_t type)
{
	const uint8_t *d = m->dst.s6_addr;
	const uint8_t mac[6] = { 0x01, 0x00, 0x5e, d[13] & 0x7f, d[14], d[15] };

	assert_false(m->v6);
	assert_int_equal(m->type, type);
	assert_int_equal(m->ttl, 1);
	assert_true(m->router_alert);
	assert_int_equal(m->tos, 0xc0);
	assert_true(m->cksum_ok);
	assert_addr(&m->src, A_IP);
	assert_memory_equal(m->dmac, mac, 6);
	if (type == 0x22)
		assert_addr(&m->dst, "224.0.0.22");
}

/* One v3 report of one record (type, group, nsrc sources). */
static void assert_v3(const struct mc_msg *m, uint8_t rtype, const char *group,
		      unsigned nsrc)
{
	assert_igmp(m, 0x22);
	assert_int_equal(m->nrec, 1);
	assert_int_equal(m->rec[0].type, rtype);
	assert_addr(&m->rec[0].group, group);
	assert_int_equal(m->rec[0].nsrc, nsrc);
}

struct dpg_socket *mc_socket(struct wire *w, bool v6)
{
	return wire_socket(w->a, NULL, false, v6 ? A_IP6 : A_IP);
}

/* ---- state changes (§5.1) ---- */

/* A join: TO_EX {} at once, [Robustness Variable] times in all, at most
 * report_ms apart; then nothing. */
static void igmp_join_reports(void **state)
{
	struct wire *w = WIRE(state);
	struct dpg_socket *s = mc_socket(w, false);
	struct dpg_stats s0 = wire_stats(w->a);
	uint64_t t0 = wire_now();
	struct mc_msg m[8];
	unsigned n;

	assert_int_equal(dpg_add_membership(s, GRP, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
	assert_int_equal(n, MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++)
		assert_v3(&m[i], 4 /* TO_EX */, GRP, 0);
	assert_int_equal(m[0].at, t0 + 10);     /* at once: out at the first poll */
	assert_true(m[1].at - m[0].at <= MC_REPORT_MS + 10);
	assert_int_equal(DELTA(wire_stats(w->a), s0, igmp_reports), MC_ROBUSTNESS);
}

/* A leave: TO_IN {}; a source-specific join ALLOW {S}, its leave BLOCK {S}. */
static void igmp_leave_and_sources(void **state)
{
	struct wire *w = WIRE(state);
	struct dpg_socket *s = mc_socket(w, false);
	struct mc_msg m[8];
	unsigned n;

	assert_int_equal(dpg_add_membership(s, GRP, NULL), 0);
	mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
	assert_int_equal(dpg_drop_membership(s, GRP, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
	assert_int_equal(n, MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++)
		assert_v3(&m[i], 3 /* TO_IN */, GRP, 0);

	assert_int_equal(dpg_add_source_membership(s, SSM_SRC, SSM_GRP, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
	assert_int_equal(n, MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++) {
		assert_v3(&m[i], 5 /* ALLOW */, SSM_GRP, 1);
		assert_addr(&m[i].rec[0].src[0], SSM_SRC);
	}
	assert_int_equal(dpg_drop_source_membership(s, SSM_SRC, SSM_GRP, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
	assert_int_equal(n, MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++) {
		assert_v3(&m[i], 6 /* BLOCK */, SSM_GRP, 1);
		assert_addr(&m[i].rec[0].src[0], SSM_SRC);
	}
}

/* ---- queries (§5.2, §7) ---- */

static void joined(struct wire *w, const char *group)
{
	struct mc_msg m[8];

	assert_int_equal(dpg_add_membership(mc_socket(w, false), group, NULL), 0);
	mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
}

/* An IGMPv3 General Query (Max Resp Code 100: 10 s): IS_EX {} for the
 * group, after a delay, within 10 s; then a Group-and-Source one. */
static void igmp_general_query(void **state)
{
	struct wire *w = WIRE(state);
	uint8_t q[12] = { 0x11, 100, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0 };
	uint8_t gsq[16] = { 0x11, 10, 0, 0, 239, 1, 2, 3, 2, 125, 0, 1, 198, 51, 100, 7 };
	struct dpg_stats s0;
	struct mc_msg m[8];
	uint64_t t0;
	unsigned n;

	joined(w, GRP);
	s0 = wire_stats(w->a);
	t0 = wire_now();
	raw_igmp(B_IP, "224.0.0.1", q, sizeof(q), false);
	n = mc_collect(w, 10000 + 10, false, m, 8);
	assert_int_equal(n, 1);
	assert_v3(&m[0], 2 /* IS_EX */, GRP, 0);
	assert_true(m[0].at > t0 && m[0].at <= t0 + 10000 + 10);
	assert_int_equal(DELTA(wire_stats(w->a), s0, igmp_queries), 1);

	/* Group-and-Source-Specific, to the group (1 s): IS_IN (B) in
	 * EXCLUDE {} */
	t0 = wire_now();
	raw_igmp(B_IP, GRP, gsq, sizeof(gsq), false);
	n = mc_collect(w, 1000 + 10, false, m, 8);
	assert_int_equal(n, 1);
	assert_v3(&m[0], 1 /* IS_IN */, GRP, 1);
	assert_addr(&m[0].rec[0].src[0], SSM_SRC);
	assert_true(m[0].at > t0 && m[0].at <= t0 + 1000 + 10);
}

/* An IGMPv2 querier (8-byte query, 5 s): v2 reports to the group within
 * 5 s, a new join reported by v2 reports, a leave by a v2 leave to
 * 224.0.0.2; no IGMPv3 report meanwhile. */
static void igmp_v2_querier(void **state)
{
	struct wire *w = WIRE(state);
	uint8_t q[8] = { 0x11, 50 };
	struct dpg_socket *s;
	struct mc_msg m[8];
	uint64_t t0;
	unsigned n;

	joined(w, GRP);
	t0 = wire_now();
	raw_igmp(B_IP, "224.0.0.1", q, sizeof(q), false);
	n = mc_collect(w, 5000 + 10, false, m, 8);
	assert_int_equal(n, 1);
	assert_igmp(&m[0], 0x16);
	assert_addr(&m[0].group, GRP);
	assert_addr(&m[0].dst, GRP);
	assert_true(m[0].at > t0 && m[0].at <= t0 + 5000 + 10);

	s = mc_socket(w, false);
	assert_int_equal(dpg_add_membership(s, GRP2, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
	assert_int_equal(n, MC_ROBUSTNESS);
	for (unsigned i = 0; i < n; i++) {
		assert_igmp(&m[i], 0x16);
		assert_addr(&m[i].group, GRP2);
	}
	assert_int_equal(dpg_drop_membership(s, GRP2, NULL), 0);
	n = mc_collect(w, 20 * MC_REPORT_MS, false, m, 8);
	assert_int_equal(n, 1);
	assert_igmp(&m[0], 0x17);
	assert_addr(&m[0].group, GRP2);
	assert_addr(&m[0].dst, "224.0.0.2");
}

/* Another host's v2 report for the group while ours waits: ours is not
 * sent (RFC 2236 §3). */
static void igmp_v2_suppression(void **state)
{
	struct wire *w = WIRE(state);
	uint8_t q[8] = { 0x11, 100 }, r[8] = { 0x16, 0, 0, 0, 239, 1, 2, 3 };
	struct dpg_stats s0;
	struct mc_msg m[8];

	joined(w, GRP);
	raw_igmp(B_IP, "224.0.0.1", q, sizeof(q), false);
	wire_passes(w, 2);
	s0 = wire_stats(w->a);
	raw_igmp("198.18.0.9", GRP, r, sizeof(r), false);
	assert_int_equal(mc_collect(w, 10000 + 10, false, m, 8), 0);
	assert_int_equal(DROPS(wire_stats(w->a), s0, igmp_unhandled), 0);
}

/* What A does not act on, each counted under its reason. */
static void igmp_bad_messages(void **state)
{
	struct wire *w = WIRE(state);
	uint8_t gq[12] = { 0x11, 10, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0 };
	uint8_t unicast_group[12] = { 0x11, 10, 0, 0, 10, 0, 0, 1, 2, 125, 0, 0 };
	uint8_t srcs_missing[12] = { 0x11, 10, 0, 0, 239, 1, 2, 3, 2, 125, 0, 5 };
	uint8_t v3_report[16] = { 0x22, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0, 239, 1, 2, 3 };
	uint8_t v2_report[8] = { 0x16, 0, 0, 0, 239, 1, 2, 3 };
	uint8_t v2_leave[8] = { 0x17, 0, 0, 0, 239, 1, 2, 3 };
	struct dpg_stats s0;
	struct mc_msg m[8];

	joined(w, GRP);
	s0 = wire_stats(w->a);
	raw_igmp(B_IP, "224.0.0.1", gq, sizeof(gq), true);
	raw_igmp(B_IP, GRP, gq, sizeof(gq), false);        /* general, to a group */
	raw_igmp(B_IP, "224.0.0.1", unicast_group, sizeof(unicast_group), false);
	raw_igmp(B_IP, "224.0.0.1", gq, 10, false);         /* neither v2 nor v3 */
	raw_igmp(B_IP, GRP, srcs_missing, sizeof(srcs_missing), false);
	/* for routers; and no suppression by IGMPv3 hosts (§7.2.1) */
	raw_igmp("198.18.0.9", GRP, v3_report, sizeof(v3_report), false);
	raw_igmp("198.18.0.9", "224.0.0.1", v2_leave, sizeof(v2_leave), false);
	raw_igmp("198.18.0.9", GRP, v2_report, sizeof(v2_report), false);
	assert_int_equal(mc_collect(w, 2000, false, m, 8), 0);
	assert_int_equal(DROPS(wire_stats(w->a), s0, igmp_bad_checksum), 1);
	assert_int_equal(DROPS(wire_stats(w->a), s0, igmp_bad_query), 2);
	assert_int_equal(DROPS(wire_stats(w->a), s0, igmp_too_short), 2);
	assert_int_equal(DROPS(wire_stats(w->a), s0, igmp_unhandled), 3);
	assert_int_equal(DELTA(wire_stats(w->a), s0, igmp_queries), 0);
}

/* The port's multicast MAC filter full (PORT_MC_MAX entries, four the
 * stack's own: 224.0.0.1, ff02::1 and two solicited-node groups): the
 * join fails and changes nothing, no report; a leave makes room. */
static void igmp_mac_filter_full(void **state)
{
	static struct mc_msg m[4 * PORT_MC_MAX];
	struct wire *w = WIRE(state);
	struct dpg_socket *s = mc_socket(w, false);
	struct in6_addr last;
	unsigned ok = 0, recs = 0, n;
	char g[32];
	int rc = 0;

	for (unsigned i = 1; i <= PORT_MC_MAX && rc == 0; i++) {
		snprintf(g, sizeof(g), "239.1.3.%u", i);
		rc = dpg_add_membership(s, g, NULL);
		ok += rc == 0;
	}
	assert_int_equal(rc, -ENOBUFS);          /* udp_mcast.c's word for -ENOSPC */
	assert_int_equal(ok, PORT_MC_MAX - 4);
	last = mc_addr(g);
	n = mc_collect(w, 20 * MC_REPORT_MS, false, m, RTE_DIM(m));
	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < m[i].nrec; k++) {
			assert_int_equal(m[i].rec[k].type, 4 /* TO_EX */);
			assert_memory_not_equal(&m[i].rec[k].group, &last, 16);
			recs++;
		}
	}
	assert_int_equal(recs, ok * MC_ROBUSTNESS);
	assert_int_equal(dpg_drop_membership(s, "239.1.3.1", NULL), 0);
	assert_int_equal(dpg_add_membership(s, g, NULL), 0);
}

static const struct CMUnitTest igmp_tests[] = {
	RAW_TEST(igmp_join_reports),
	RAW_TEST(igmp_leave_and_sources),
	RAW_TEST(igmp_general_query),
	RAW_TEST(igmp_v2_querier),
	RAW_TEST(igmp_v2_suppression),
	RAW_TEST(igmp_bad_messages),
	RAW_TEST(igmp_mac_filter_full),
};

static int groups(void)
{
	return cmocka_run_group_tests_name("wire_mcast_igmp", igmp_tests, NULL, NULL) +
	       mld_group();
}

int main(void)
{
	return wire_main(groups);
}
