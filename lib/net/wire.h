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

#endif /* NET_WIRE_H */
