/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The multicast host of the DPDK backend: the interface state of each port
 * (RFC 3376 §3.2 / RFC 3810 §4.2: per group, the sockets' memberships
 * merged into one filter mode and source list), the NIC's multicast MAC
 * filter that follows it, and the IGMPv3 (RFC 3376, with the IGMPv1/v2
 * compatibility of §7) and MLDv2 (RFC 3810, with MLDv1 compatibility of
 * §8) host protocols that report it to queriers.
 *
 * Groups are struct in6_addr: IPv4 groups v4-mapped (::ffff:224.x.y.z),
 * as the rest of lib/net keeps socket addresses. Sources likewise.
 *
 * Files: mcast.c (the interface state and report timers, no packet code),
 * mcast_if.c (the glue below: lookups, the NIC filter, the timers' packets),
 * igmp.c and mld.c (parsing queries, building reports). The rest of the
 * stack uses only the functions declared here.
 */
#ifndef NET_MCAST_H
#define NET_MCAST_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

struct dstack;
struct port;
struct mcast;   /* a stack's multicast state (mcast_if.c); dstack.mc */

/* At stack open, once every port is open: the group table ([mcast]
 * groups/sources), and the all-systems group's MAC (01:00:5e:00:00:01,
 * for IGMP queries) in each port's filter (ff02::1's is nd_start's).
 * 0 or -ENOMEM. */
int mcast_init(struct dstack *ds);
/* At stack close, before the ports close: every group MAC out of the
 * filters, the table freed. The sockets were closed before: their leaves
 * sent one state-change report each (dstack_close flushes them), without
 * retransmissions; the stack's own groups (solicited-node) leave quietly. */
void mcast_fini(struct dstack *ds);

/* One membership of (group, src) on port index pi, made by a socket or by
 * the stack itself (IPv6 solicited-node groups); src NULL: any-source
 * (EXCLUDE {}), else source-specific (INCLUDE {src}). Memberships are
 * counted: n joins need n leaves. A join that changes the interface state
 * sends state-change reports (robustness times, report_ms apart at
 * random); the first join of a group adds its MAC to the port's filter,
 * the last leave removes it.
 * mcast_join: 0, -EINVAL (group not multicast), -ENOBUFS ([mcast] groups
 * or sources exhausted), -ENOSPC (the port's MAC filter is full).
 * mcast_leave: leaves one membership that mcast_join made. */
int mcast_join(struct dstack *ds, unsigned pi, const struct in6_addr *group,
	       const struct in6_addr *src);
void mcast_leave(struct dstack *ds, unsigned pi, const struct in6_addr *group,
		 const struct in6_addr *src);
/* mcast_leave without any report: for the stack's own memberships when
 * it closes (nd_stop), as mcast_fini sends none either. */
void mcast_leave_quiet(struct dstack *ds, unsigned pi, const struct in6_addr *group,
		       const struct in6_addr *src);

/* Whether port pi has joined group (any filter): for accepting queries
 * and other control traffic sent to the group. 224.0.0.1 and ff02::1 are
 * always joined (RFC 3376 §5, RFC 4291 §2.8). */
bool mcast_joined(const struct dstack *ds, unsigned pi, const struct in6_addr *group);
/* Whether port pi's interface state admits a datagram to group from src:
 * joined, and in EXCLUDE mode or src in the INCLUDE list (224.0.0.1 and
 * ff02::1: always). Cost: one rte_hash lookup of (port, group), then in
 * INCLUDE mode a scan of the group's sources ([mcast] sources at most). */
bool mcast_admits(const struct dstack *ds, unsigned pi, const struct in6_addr *group,
		  const struct in6_addr *src);

/* Report timers and compatibility-mode timeouts; called from the stack's
 * timer tick (every 10 ms of stack clock). */
void mcast_timers(struct dstack *ds, uint64_t now);

/* An IGMP message (IPv4 protocol 2) to a multicast or own address; the
 * IGMP header at l2_len + l3_len, up to the end of m (trimmed to the IPv4
 * total length). Owns m. */
void igmp_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip);
/* An MLD message (ICMPv6 types 130, 131, 132, 143) whose ICMPv6 checksum
 * was verified: the header at l2_len + l3_len, len bytes. Owns m. */
void mld_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
	       struct rte_ipv6_hdr *ip, unsigned len);

/* ---- internal to the multicast files (mcast_if.c, igmp.c, mld.c) ---- */
struct mc_state;
/* The interface state of the stack (mcast_state.h). */
struct mc_state *mcast_state(struct dstack *ds);
/* What goes before an IGMP message (IPv4 header with Router Alert) and
 * an MLD one (IPv6 header, Hop-by-Hop header with Router Alert). */
#define IGMP_IP_ROOM 24
#define MLD_IP_ROOM 48
/* A new packet holding room bytes, then len zeroed bytes of message;
 * NULL when the pool is empty (counted). */
struct rte_mbuf *mcast_msg_alloc(struct dstack *ds, unsigned room, unsigned len);
/* Send the IGMP message m holds after IGMP_IP_ROOM bytes (its checksum
 * still to compute) out of port pi to dst, counted in igmp_reports.
 * Owns m. */
void igmp_send(struct dstack *ds, unsigned pi, struct rte_mbuf *m, uint32_t dst);
/* The same for the ICMPv6 message after MLD_IP_ROOM bytes (mld_reports). */
void mld_send(struct dstack *ds, unsigned pi, struct rte_mbuf *m, const struct in6_addr *dst);
/* IGMPv1/v2 report or IGMPv2 leave (v2 true, leave), MLDv1 report or done. */
void igmp_send_old(struct dstack *ds, unsigned pi, bool v2, bool leave,
		   const struct in6_addr *group);
void mld_send_v1(struct dstack *ds, unsigned pi, bool done, const struct in6_addr *group);

/* The multicast MAC of group (RFC 1112 §6.4: 01:00:5e + low 23 bits;
 * RFC 2464 §7: 33:33 + low 32 bits). */
static inline void mcast_mac(const struct in6_addr *group, struct rte_ether_addr *mac)
{
	const uint8_t *g = group->s6_addr;

	if (IN6_IS_ADDR_V4MAPPED(group)) {
		mac->addr_bytes[0] = 0x01;
		mac->addr_bytes[1] = 0x00;
		mac->addr_bytes[2] = 0x5e;
		mac->addr_bytes[3] = g[13] & 0x7f;
		mac->addr_bytes[4] = g[14];
		mac->addr_bytes[5] = g[15];
	} else {
		mac->addr_bytes[0] = 0x33;
		mac->addr_bytes[1] = 0x33;
		mac->addr_bytes[2] = g[12];
		mac->addr_bytes[3] = g[13];
		mac->addr_bytes[4] = g[14];
		mac->addr_bytes[5] = g[15];
	}
}

#endif /* NET_MCAST_H */
