/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The B end of a ring pair as a bare wire (test_wire_mcast): no stack on
 * it, the test reads what stack A sends from the ring and writes frames
 * for A into the other one (lib/port/ringpair.c: dpg_NAME_ab0 carries
 * A's frames, dpg_NAME_ba0 those to A). Frames written come from a pool
 * of the harness, given back by A as it frees them. And the parser and
 * builders of the IGMP and MLD messages the tests exchange with A.
 */
#ifndef TESTS_WIRE_WIRE_RAW_H
#define TESTS_WIRE_WIRE_RAW_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "wire.h"

/* Find the rings of ring pair `pair` (after A opened) and the pool. */
void raw_attach(const char *pair);
/* Free every frame A sent that the test has not read. */
void raw_flush(void);
/* The next frame A sent, or NULL; the caller frees it. */
struct rte_mbuf *raw_next(void);
/* Write one frame of len bytes to A. */
void raw_send(const void *frame, size_t len);
/* Mbufs of the raw side's pool not back in it (A still holds them). */
unsigned raw_in_flight(void);

/* The ring pair's name (the test binary's). */
extern const char *const raw_pair;
/* A alone (wire_setup_alone) with the raw side attached; what A sent
 * while opening flushed (raw_setup) or kept (raw_setup_keep). The
 * teardown also checks that A gave back every frame the test wrote. */
int raw_setup(void **state);
int raw_setup_keep(void **state);
int raw_teardown(void **state);
#define RAW_TEST(fn) cmocka_unit_test_setup_teardown(fn, raw_setup, raw_teardown)

/* ---- IGMP and MLD messages ---- */
#define MC_RECS 64
#define MC_SRCS 4

struct mc_rec {
	uint8_t type;
	struct in6_addr group;       /* IPv4 v4-mapped */
	unsigned nsrc;
	struct in6_addr src[MC_SRCS];   /* the first MC_SRCS of them */
};

/* One IGMP or MLD message as it crossed the wire. */
struct mc_msg {
	bool v6;
	uint64_t at;                 /* the fake clock when A sent it */
	unsigned ip_len;             /* the IP packet's length */
	uint8_t smac[6], dmac[6];
	struct in6_addr src, dst;    /* IPv4 v4-mapped */
	uint8_t ttl;                 /* TTL, hop limit */
	uint8_t tos;
	bool router_alert;           /* RFC 2113 option / RFC 2711 value 0 in a Hop-by-Hop */
	bool cksum_ok;
	uint8_t type;
	struct in6_addr group;       /* IGMPv1/v2, MLDv1 messages */
	unsigned nrec;               /* IGMPv3 / MLDv2 reports */
	struct mc_rec rec[MC_RECS];
};

/* Parse an IGMP or MLD (ICMPv6 130..132, 143) frame; false for others. */
bool mc_parse(const struct rte_mbuf *m, struct mc_msg *out);
/* Step the fake clock 10 ms at a time for ms, polling w after each
 * step, and keep A's IGMP (v6 false) or MLD (v6 true) messages (up to
 * max); returns how many. */
unsigned mc_collect(struct wire *w, uint64_t ms, bool v6, struct mc_msg *out, unsigned max);

/* To A: an IGMP message (len bytes, its checksum filled in unless
 * bad_cksum) in IPv4 with TTL 1 and Router Alert, from src to dst
 * ("a.b.c.d"); an ICMPv6 (MLD) message after a Hop-by-Hop header (with
 * a Router Alert if ra, else padding only) from src to dst with hop
 * limit hl. To the destination's group MAC. */
void raw_igmp(const char *src, const char *dst, void *msg, size_t len, bool bad_cksum);
void raw_mld(const char *src, const char *dst, uint8_t hl, bool ra, void *msg, size_t len);

/* The v4-mapped or IPv6 address of text. */
struct in6_addr mc_addr(const char *text);

#endif /* TESTS_WIRE_WIRE_RAW_H */
