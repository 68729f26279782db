/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Wire formats DPDK 22.11 has no struct for. Each is a fixed layout with
 * no padding (checked below); fields in network order.
 */
#ifndef NET_WIRE_H
#define NET_WIRE_H

#include <assert.h>
#include <netinet/in.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

/* ---- Neighbour Discovery (RFC 4861) ---- */
#define ND_HOP_LIMIT 255             /* §7.1: only from the link itself */
#define ND_NS 135                    /* Neighbor Solicitation */
#define ND_NA 136                    /* Neighbor Advertisement */

/* NS (§4.3) and NA (§4.4): the ICMPv6 header, 4 bytes of flags (NA) or
 * reserved (NS), the target; options follow. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t flags;
	struct in6_addr target;
};
static_assert(sizeof(struct nd_msg) == 24, "RFC 4861 §4.3/§4.4 layout");

#define ND_NA_ROUTER RTE_BE32(0x80000000)
#define ND_NA_SOLICITED RTE_BE32(0x40000000)
#define ND_NA_OVERRIDE RTE_BE32(0x20000000)

/* Options (§4.6): type, length in units of 8 bytes (0 is invalid). */
#define ND_OPT_SLLA 1                /* Source Link-Layer Address */
#define ND_OPT_TLLA 2                /* Target Link-Layer Address */
#define ND_OPT_UNIT 8

/* §4.6.1 on Ethernet (RFC 2464 §8): length 1. */
struct nd_opt_lla {
	uint8_t type;
	uint8_t len;
	struct rte_ether_addr mac;
};
static_assert(sizeof(struct nd_opt_lla) == ND_OPT_UNIT, "RFC 2464 §8 layout");

/* ---- IGMP (RFC 3376 §4, RFC 2236 §2, RFC 1112 App. I) ---- */
#define IGMP_QUERY 0x11              /* Membership Query, all versions */
#define IGMP_V1_REPORT 0x12
#define IGMP_V2_REPORT 0x16
#define IGMP_V2_LEAVE 0x17
#define IGMP_V3_REPORT 0x22
#define IGMP_TOS 0xc0                /* §4: IP Precedence of Internetwork Control */
#define IGMP_RA_LEN 4                /* RFC 2113 Router Alert: 0x94 0x04 0x00 0x00 */
#define IGMP_ALL_SYSTEMS RTE_BE32(0xe0000001)  /* 224.0.0.1 */
#define IGMP_ALL_ROUTERS RTE_BE32(0xe0000002)  /* 224.0.0.2: v2 leaves */
#define IGMP_V3_ROUTERS RTE_BE32(0xe0000016)   /* 224.0.0.22: v3 reports */

/* IGMPv1/v2 messages and the start of an IGMPv3 query. */
struct igmp_hdr {
	uint8_t type;
	uint8_t code;                /* Max Resp Code */
	rte_be16_t cksum;
	rte_be32_t group;
};
static_assert(sizeof(struct igmp_hdr) == 8, "RFC 2236 §2 layout");

/* §4.1: the IGMPv3 query; nsrc source addresses follow. */
struct igmpv3_query {
	struct igmp_hdr h;
	uint8_t s_qrv;               /* Resv:4 S:1 QRV:3 */
	uint8_t qqic;
	rte_be16_t nsrc;
};
static_assert(sizeof(struct igmpv3_query) == 12, "RFC 3376 §4.1 layout");

/* §4.2 (and RFC 3810 §5.2 with type 143): the report header; nrec group
 * records follow. */
struct mc_report_hdr {
	uint8_t type;
	uint8_t reserved;
	rte_be16_t cksum;
	rte_be16_t reserved2;
	rte_be16_t nrec;
};
static_assert(sizeof(struct mc_report_hdr) == 8, "RFC 3376 §4.2 layout");

/* §4.2.4: a group record; nsrc sources, then aux_len words, follow. */
struct igmpv3_grec {
	uint8_t type;
	uint8_t aux_len;
	rte_be16_t nsrc;
	rte_be32_t group;
};
static_assert(sizeof(struct igmpv3_grec) == 8, "RFC 3376 §4.2.4 layout");

/* ---- MLD (RFC 3810 §5, RFC 2710 §3) ---- */
#define MLD_QUERY 130                /* Multicast Listener Query, both versions */
#define MLD_V1_REPORT 131
#define MLD_V1_DONE 132
#define MLD_V2_REPORT 143
#define MLD_HOP_LIMIT 1
#define MLD_HBH_LEN 8                /* Hop-by-Hop: Router Alert (RFC 2711) + PadN */
#define IP6_OPT_ROUTER_ALERT 5
#define IP6_OPT_PADN 1
#define IP6_RA_MLD 0                 /* RFC 2711: Router Alert value for MLD */

/* MLDv1 messages (RFC 2710 §3) and the start of an MLDv2 query. */
struct mld_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be16_t max_resp;         /* Maximum Response Code / Delay */
	rte_be16_t reserved;
	struct in6_addr group;
};
static_assert(sizeof(struct mld_msg) == 24, "RFC 2710 §3 layout");

/* RFC 3810 §5.1: the MLDv2 query; nsrc source addresses follow. */
struct mldv2_query {
	struct mld_msg h;
	uint8_t s_qrv;               /* Resv:4 S:1 QRV:3 */
	uint8_t qqic;
	rte_be16_t nsrc;
};
static_assert(sizeof(struct mldv2_query) == 28, "RFC 3810 §5.1 layout");

/* RFC 3810 §5.2.4: a multicast address record. */
struct mldv2_grec {
	uint8_t type;
	uint8_t aux_len;
	rte_be16_t nsrc;
	struct in6_addr group;
};
static_assert(sizeof(struct mldv2_grec) == 20, "RFC 3810 §5.2.4 layout");

#endif /* NET_WIRE_H */
