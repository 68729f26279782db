/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The UDP layer of the DPDK backend: input and delivery (udp.c), output
 * (udp_out.c), multicast and broadcast for sockets (udp_mcast.c) and the
 * socket table (udp_table.c, udp_port.c). Included at the end of net.h,
 * whose types it uses; split from it only to keep each header short.
 */
#ifndef NET_UDP_H
#define NET_UDP_H

#include <rte_udp.h>

/* ---- udp.c (input), udp_out.c (output) ---- */
void udp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, uint32_t ifindex);
/* An IPv6 UDP datagram; ip6_input set l3_len past the extension headers. */
void udp6_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv6_hdr *ip, uint32_t ifindex);
/* The length and checksum checks of a UDP datagram over IPv4 / IPv6 (what
 * lies beyond the UDP length trimmed): its header, or NULL with m dropped
 * and counted. */
struct rte_udp_hdr *udp4_check(struct dstack *ds, struct rte_mbuf *m,
			       const struct rte_ipv4_hdr *ip);
struct rte_udp_hdr *udp6_check(struct dstack *ds, struct rte_mbuf *m,
			       const struct rte_ipv6_hdr *ip);
/* Build and send one datagram from s. 0 or -errno (-EAGAIN backpressure). */
int udp4_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, uint32_t dst, uint16_t dport);
int udp6_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, const struct in6_addr *dst,
		uint32_t scope, uint16_t dport);
/* Next queued datagram of s, skipping (and counting) any not from its
 * connected peer; NULL when none. */
struct rte_mbuf *udp_rx_pop(struct dstack *ds, struct dsock *s);
/* Dispatch up to budget queued datagrams of s to its data handler. */
unsigned udp_dispatch(struct dstack *ds, struct dsock *s, unsigned budget);
/* Queue m on s, bounded by its receive buffer size (else dropped as
 * rx_queue_full). Returns 1 if queued. */
int udp_enqueue(struct dstack *ds, struct dsock *s, struct rte_mbuf *m);
/* Copy one queued datagram of s into an rmsg; frees m. */
void udp_copy_out(struct dstack *ds, struct dsock *s, struct rte_mbuf *m,
		  struct dpg_rmsg *out);

/* ---- udp_mcast.c: multicast and broadcast for sockets ---- */
/* The port a group of the family (v4: IPv4) is joined on and sent out of
 * when the socket names no interface: the first port with an address of
 * the family in the config, else the first port; -1 without ports. */
int mcast_default_port(const struct dstack *ds, bool v4);
/* Join / leave (group, src) on port index pi for s (src NULL: any-source;
 * addresses v4-mapped for IPv4): one mcast_join / mcast_leave each.
 * join: 0, -EADDRINUSE (s has it), -ENOMEM, -ENOBUFS (the interface
 * state or the port's MAC filter is full), or mcast_join's error; a failed
 * join changes nothing. leave: 0 or -EADDRNOTAVAIL. */
int udp_mship_join(struct dstack *ds, struct dsock *s, unsigned pi,
		   const struct in6_addr *group, const struct in6_addr *src);
int udp_mship_leave(struct dstack *ds, struct dsock *s, unsigned pi,
		    const struct in6_addr *group, const struct in6_addr *src);
/* Leave every membership of s and free its list (s is closing). */
void udp_mship_leave_all(struct dstack *ds, struct dsock *s);
/* The route of a datagram from s (NULL: none) to IPv4 group dst: out of
 * s's multicast interface, else the default port; source the interface
 * address s gave, else the port's. 0 or -ENETUNREACH. */
int mcast_route4(const struct dstack *ds, const struct dsock *s, uint32_t dst,
		 struct route4 *rt);
/* The same for IPv6 group dst: out of the port scope names for a
 * link-scope group, else s's multicast interface, else the default port;
 * source the port's link-local address for link-scope groups, else its
 * configured one (RFC 6724 rule 2). 0, -ENETUNREACH, -EINVAL (a scope
 * naming no port), -EADDRNOTAVAIL (no usable source). */
int mcast_route6(const struct dstack *ds, const struct dsock *s,
		 const struct in6_addr *dst, uint32_t scope, struct route6 *rt);
/* Deliver m, a checked UDP datagram to a group or (bcast) a broadcast
 * address received on or looped back to port index pi (l2_len, l3_len
 * set), to every socket bound to its port that takes it: each its own
 * copy, queued and dispatched in this or the next poll pass. Owns m
 * (udp_mcast_no_socket when nobody takes it). */
void udp_mcast_deliver(struct dstack *ds, unsigned pi, struct rte_mbuf *m, bool bcast);

/* ---- udp_table.c ---- */
int udp_table_init(struct dstack *ds);
void udp_table_fini(struct dstack *ds);
/* Bind s to (laddr, lport) (laddr v4-mapped for the IPv4 table); lport 0
 * picks an ephemeral port. Port conflicts follow Linux's rules across
 * both families (dual-stack :: holds 0.0.0.0 unless ipv6_only). */
int udp_table_bind(struct dstack *ds, struct dsock *s, const struct in6_addr *laddr,
		   uint16_t lport);
void udp_table_unbind(struct dstack *ds, struct dsock *s);
/* udp_port.c: the port (host order) s may bind on laddr (v4: an IPv4 table
 * address): port_h itself if no socket there conflicts, an ephemeral one
 * for 0; -EADDRINUSE otherwise. */
int udp_port_claim(struct dstack *ds, const struct dsock *s,
		   const struct in6_addr *laddr, bool v4, uint16_t port_h);
/* Connect s: its 4-tuple into the table of raddr's kind (v4-mapped raddr:
 * IPv4 table, laddr then v4-mapped too). */
int udp_table_connect(struct dstack *ds, struct dsock *s, const struct in6_addr *laddr,
		      const struct in6_addr *raddr, uint16_t rport);
void udp_table_disconnect(struct dstack *ds, struct dsock *s);
/* The socket a datagram to (daddr, dport) from (saddr, sport) goes to:
 * IPv4 (dual-stack :: sockets after IPv4 ones), IPv6. */
struct dsock *udp_table_lookup(struct dstack *ds, uint32_t daddr, uint16_t dport,
			       uint32_t saddr, uint16_t sport);
struct dsock *udp_table_lookup6(struct dstack *ds, const struct in6_addr *daddr,
				uint16_t dport, const struct in6_addr *saddr,
				uint16_t sport);
/* The connected socket of a 4-tuple (for ICMP errors), or NULL. */
struct dsock *udp_table_conn(struct dstack *ds, uint32_t laddr, uint16_t lport,
			     uint32_t raddr, uint16_t rport);
struct dsock *udp_table_conn6(struct dstack *ds, const struct in6_addr *laddr,
			      uint16_t lport, const struct in6_addr *raddr,
			      uint16_t rport);

#endif /* NET_UDP_H */
