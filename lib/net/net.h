/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The DPDK backend's stack and socket objects and the protocol layers' entry
 * points (the files of lib/net). Receive: port rx -> eth_input -> arp_input |
 * ip4_input -> icmp4_input | igmp_input | udp4_input -> udp_deliver, and
 * ip6_input -> icmp6_input (-> nd_input | mld_input) | udp6_input ->
 * udp_deliver; a group or broadcast destination -> udp_mcast_deliver (a copy
 * to each socket that takes it). Send: udp4_output -> ip4_route -> local
 * delivery | neigh_output (groups, broadcast: their MAC, and a loop copy to
 * udp_mcast_deliver) -> eth header -> net_tx; udp6_output -> ip6_route ->
 * the same with neigh_output6.
 *
 * Addresses: IPv4 as uint32_t in network order; IPv6 as struct in6_addr.
 * Sockets keep both kinds in struct in6_addr, IPv4 v4-mapped
 * (::ffff:a.b.c.d), with dsock.v4 saying which table the socket is in.
 *
 * Ownership: every *_input() owns the mbuf it is given and frees it (or
 * passes it on) on every path; every drop bumps a counter named for it.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <netinet/in.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "core/stack.h"
#include "net/ip6_cksum.h"
#include "net/mcast.h"
#include "port/port.h"
#include "sock/socket.h"

#define LO_IFINDEX 1           /* reported for stack-local traffic, as Linux's lo */
#define EPHEMERAL_LO 32768     /* Linux's ip_local_port_range */
#define EPHEMERAL_HI 60999
#define NET_BURST 32
#define LOCAL_MTU 65535        /* local delivery, like Linux's lo */

struct dsock;

/* Per-mbuf metadata in a dynamic field: who sent it (send-buffer accounting)
 * and a link for the queues dpgram keeps (socket rx, neighbour hold). */
struct pkt_meta {
	struct dsock *owner;
	struct rte_mbuf *next;
	uint32_t charged;            /* bytes charged to owner's send buffer */
};
extern int pkt_meta_offset;
static inline struct pkt_meta *pkt_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, pkt_meta_offset, struct pkt_meta *);
}
int pkt_meta_register(void);

/* A FIFO of whole packets linked through pkt_meta.next; `bytes` counts
 * their pkt_len (headers included: a natural per-datagram overhead). */
struct pktq {
	struct rte_mbuf *head, *tail;
	unsigned count;
	size_t bytes;
};
void pktq_push(struct pktq *q, struct rte_mbuf *m);
struct rte_mbuf *pktq_pop(struct pktq *q);
/* Free every packet (counting each under drop reason `why`). */
void pktq_purge(struct pktq *q, struct dpg_stack *st, enum dpg_drop_reason why);

/* Neighbour cache entry (ARP for IPv4, Neighbour Discovery for IPv6), in
 * one rte_hash (neigh.c). IPv4 uses INCOMPLETE/REACHABLE/STALE (RFC 1122
 * §2.3.2); IPv6 also DELAY and PROBE (RFC 4861 §7.3.2). */
enum neigh_state {
	NEIGH_FREE, NEIGH_INCOMPLETE, NEIGH_REACHABLE, NEIGH_STALE,
	NEIGH_DELAY, NEIGH_PROBE,
};
struct neigh {
	struct in6_addr ip;          /* IPv6, or IPv4 v4-mapped */
	bool v6;
	enum neigh_state state;
	struct rte_ether_addr mac;
	unsigned port;               /* index into dstack.ports */
	uint64_t updated_ms;         /* confirmed at */
	uint64_t next_ms;            /* next retransmission / state change */
	unsigned tries;
	struct pktq hold;            /* datagrams waiting for the reply */
};

/* One own IPv6 address of a port and its Duplicate Address Detection
 * (RFC 4862 §5.4) state. Addresses are optimistic (RFC 4429) while DAD
 * runs: usable at once; a conflict makes them DUPLICATE (never used). */
enum addr6_state { ADDR6_NONE, ADDR6_OPTIMISTIC, ADDR6_PREFERRED, ADDR6_DUPLICATE };
struct addr6 {
	struct in6_addr a;
	uint8_t prefix;
	enum addr6_state state;
	unsigned dad_left;           /* DAD probes still to send */
	uint64_t dad_next_ms;        /* next probe, or the end of DAD */
};
#define P6_LL 0                      /* link-local, from the MAC (EUI-64) */
#define P6_GLOBAL 1                  /* ipv6 = from the port's config */
struct port6 {
	struct addr6 addr[2];        /* indexed by P6_LL / P6_GLOBAL */
};
static inline bool addr6_usable(const struct addr6 *a)
{
	return a->state == ADDR6_OPTIMISTIC || a->state == ADDR6_PREFERRED;
}

struct dstack {
	struct dpg_stack st;
	struct dpg_config cfg;
	struct rte_mempool *pool;
	struct port ports[PORT_MAX];
	unsigned nports;
	/* sockets: 4-tuple and (local addr, port) keys -> socket (group head);
	 * udp_hash for IPv4 addresses, udp6_hash for IPv6 ones */
	struct rte_hash *udp_hash, *udp6_hash;
	struct dsock **by_port;      /* 65536 heads: every socket bound to a port */
	uint16_t next_ephemeral;
	/* neighbours */
	struct rte_hash *neigh_hash;
	struct neigh *neigh;         /* cfg.neigh_entries, indexed by hash position */
	struct port6 p6[PORT_MAX];   /* IPv6 addresses of each port (addr6.c) */
	struct mcast *mc;            /* multicast interface state (mcast.h) */
	uint64_t next_timer_ms;
	/* sockets with local datagrams to dispatch / events to fire */
	TAILQ_HEAD(, dsock) ready;
	TAILQ_HEAD(, dsock) events;
	unsigned nready, nevents;    /* their lengths */
	unsigned nconnected;         /* 4-tuple entries in udp_hash */
	unsigned local_delivered;    /* pull-mode local deliveries since last poll */
	unsigned delivered;          /* datagrams delivered in this poll pass */
	uint16_t ip_id;
	uint8_t *scratch;            /* 64 KiB: linearised multi-segment datagrams */
	char name[16];
};

/* One multicast membership of a socket: group joined on port index pi,
 * any-source or from one source (addresses v4-mapped for IPv4). Each is
 * one mcast_join of the port's interface state. */
struct dmship {
	struct in6_addr group, src;
	unsigned pi;
	bool has_src;
};

struct dsock {
	struct dpg_socket s;
	/* Addresses (network order). v4: the socket is in the IPv4 table
	 * (AF_INET sockets, and AF_INET6 ones bound or connected to
	 * v4-mapped addresses) and its addresses are v4-mapped; else in the
	 * IPv6 table. laddr :: / ::ffff:0.0.0.0 = wildcard. */
	bool v4;
	struct in6_addr laddr, raddr;
	struct in6_addr bound_laddr;  /* as bound, before connect chose a source */
	uint32_t scope;              /* ifindex of a link-local local/peer address */
	uint16_t lport, rport;
	bool hashed, conn_hashed;
	bool bound_v4;               /* v4 as bound (restored by disconnect) */
	struct dsock *grp_next;      /* next socket with the same (laddr, lport) */
	struct dsock *port_next;     /* next socket on the same port */
	/* options */
	int ttl, mcast_ttl;          /* TTL / hop limit */
	bool mcast_loop;
	int mcast_pi;                /* port sends to groups leave by; -1: default */
	uint32_t mcast_src4;         /* IPv4 multicast interface address given, or 0 */
	/* multicast memberships (udp_mcast.c) */
	struct dmship *mships;
	unsigned nmships, capmships;
	int rcvbuf, sndbuf;
	/* receive queue (pull mode, and local datagrams awaiting dispatch) */
	struct pktq rxq;
	bool on_ready;
	TAILQ_ENTRY(dsock) ready_link;
	/* send accounting: datagrams dpgram holds unsent */
	unsigned tx_held;
	size_t tx_held_bytes;
	/* deferred events */
	bool on_events, want_drain;
	int pending_err;
	TAILQ_ENTRY(dsock) ev_link;
};

/* The IPv4 address inside a v4-mapped address. */
static inline uint32_t in6_v4(const struct in6_addr *a)
{
	uint32_t v;

	memcpy(&v, &a->s6_addr[12], 4);
	return v;
}

/* ::ffff:a.b.c.d for IPv4 address ip (network order). */
static inline struct in6_addr in6_mapped(uint32_t ip)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	a.s6_addr[10] = 0xff;
	a.s6_addr[11] = 0xff;
	memcpy(&a.s6_addr[12], &ip, 4);
	return a;
}

static inline bool in6_equal(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static inline struct dstack *dstack_of(struct dpg_stack *st)
{
	return (struct dstack *)st;
}

static inline struct dsock *dsock_of(struct dpg_socket *s)
{
	return (struct dsock *)s;
}

/* The index in ds->ports of port p. */
static inline unsigned port_index(const struct dstack *ds, const struct port *p)
{
	return (unsigned)(p - ds->ports);
}
/* The port index of interface ifindex, or -1 (ip6.c). */
int port_of_ifindex(const struct dstack *ds, uint32_t ifindex);

#define DDROP(ds, reason) STACK_DROP(&(ds)->st, reason, 1)



/* ---- tx (backend/dpdk.c): accounting-aware transmit and flush ---- */
/* Hand a finished frame to port p. 0, or -EAGAIN (m not taken). */
int net_tx(struct dstack *ds, struct port *p, struct rte_mbuf *m);
void net_flush(struct dstack *ds, struct port *p);
/* Charge m (bytes: its payload, as Node's getSendQueueSize counts) to its
 * sending socket's send buffer (pkt_meta owner), and give it
 * back once m leaves dpgram's hands (sent or dropped). Release is idempotent;
 * received mbufs have no owner (set at rx). */
void net_tx_charge(struct dsock *s, struct rte_mbuf *m, uint32_t bytes);
void net_tx_release(struct dstack *ds, struct rte_mbuf *m);
/* Queue an event for s (error or drain), fired at the end of the poll pass. */
void net_event(struct dstack *ds, struct dsock *s);
/* s has local datagrams for its data handler: dispatch them next pass. */
void net_ready(struct dstack *ds, struct dsock *s);

/* Drop m for `reason`: free it, count it, and if a socket sent it, give
 * back its share of that socket's send buffer. */
static inline void net_drop(struct dstack *ds, struct rte_mbuf *m,
			    enum dpg_drop_reason reason)
{
	net_tx_release(ds, m);
	ds->st.stats.drops[reason]++;
	rte_pktmbuf_free(m);
}

/* ---- eth.c ---- */
void eth_input(struct dstack *ds, struct port *p, struct rte_mbuf *m);
/* Prepend an Ethernet header for (dst MAC, type) and transmit: 0, or
 * -EAGAIN with m NOT taken (tx buffer full after a flush). */
int eth_output(struct dstack *ds, struct port *p, struct rte_mbuf *m,
	       const struct rte_ether_addr *dst, uint16_t ether_type);

/* ---- neigh.c (the cache), arp.c (IPv4), nd.c + addr6.c (IPv6) ---- */
int neigh_init(struct dstack *ds);
void neigh_fini(struct dstack *ds);
void arp_input(struct dstack *ds, struct port *p, struct rte_mbuf *m);
/* Transmit IPv4 packet m (IP header ready) on port index pi to next hop nh:
 * at once if resolved, else held while ARP resolves (or dropped and
 * counted). 0, or -EAGAIN with m NOT taken. */
int neigh_output(struct dstack *ds, unsigned pi, uint32_t nh, struct rte_mbuf *m);
/* The same for IPv6 packet m and next hop nh, resolved by ND. */
int neigh_output6(struct dstack *ds, unsigned pi, const struct in6_addr *nh,
		  struct rte_mbuf *m);
/* Every timer of the cache and of DAD (called every 10 ms of stack clock). */
void neigh_timers(struct dstack *ds, uint64_t now);
void arp_announce(struct dstack *ds, unsigned pi);
/* Remove every held packet of s (its socket is closing). */
void neigh_forget_owner(struct dstack *ds, struct dsock *s);
/* IPv6 on port pi at stack open: link-local address from the MAC, the
 * configured address, both optimistic while DAD runs; the multicast MACs
 * of all-nodes and of their solicited-node groups added to the port's
 * filter. nd_stop undoes the filter entries (stack close). */
void nd_start(struct dstack *ds, unsigned pi);
void nd_stop(struct dstack *ds, unsigned pi);
/* A Neighbour Solicitation or Advertisement whose ICMPv6 checksum was
 * verified (icmp6.c): the ICMPv6 header at l2_len + l3_len, len bytes. */
void nd_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
	      struct rte_ipv6_hdr *ip, unsigned len);

/* ---- ip4.c ---- */
struct route4 {
	int port;        /* index into ds->ports, or -1: deliver inside the stack */
	uint32_t nexthop;
	uint32_t src;    /* preferred source address */
	bool bcast;      /* destination is a broadcast address */
	bool mcast;      /* destination is a group (mcast_route4) */
};
/* RFC 1122 §3.2.1 checks, then by destination: own unicast (UDP, ICMP,
 * IGMP), broadcast (UDP only), group (IGMP, or UDP the port admits). */
void ip4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m);
/* Route to dst (network order) for socket s (NULL: none): groups by
 * mcast_route4, the limited broadcast out of the port of s's address
 * (else the first port with an IPv4 address). 0, or -ENETUNREACH. */
int ip4_route(struct dstack *ds, const struct dsock *s, uint32_t dst,
	      struct route4 *rt);
/* Whether addr is the stack's own (a port address or 127/8). */
bool ip4_is_local(const struct dstack *ds, uint32_t addr);
/* Whether addr is 255.255.255.255 or a port's subnet broadcast. */
bool ip4_is_bcast(const struct dstack *ds, uint32_t addr);
/* Fill an IPv4 header (no options; checksum left 0). */
void ip4_fill(struct dstack *ds, struct rte_ipv4_hdr *ip, uint32_t src,
	      uint32_t dst, uint8_t proto, uint8_t ttl, uint16_t total_len);
/* Header checksum: offloaded to port p when it can, else computed. */
void ip4_cksum(const struct port *p, struct rte_mbuf *m, struct rte_ipv4_hdr *ip);
/* Send an IPv4 packet (m starts at its IP header) along rt: broadcast or
 * group frame, or through the neighbour cache. 0, or -EAGAIN with m NOT
 * taken. */
int ip4_send(struct dstack *ds, struct rte_mbuf *m, const struct route4 *rt);

/* ---- ip6.c ---- */
struct route6 {
	int port;                /* index into ds->ports, or -1: inside the stack */
	struct in6_addr nexthop;
	struct in6_addr src;     /* preferred source (RFC 6724 basics) */
};
/* Validate (RFC 8200), walk extension headers (m->l3_len = fixed header +
 * extension headers), check the destination, hand to udp6_input /
 * icmp6_input. */
void ip6_input(struct dstack *ds, struct port *p, struct rte_mbuf *m);
/* Route to dst for socket s (NULL: none; groups by mcast_route6); scope:
 * its sin6_scope_id (an ifindex; a link-local dst needs one naming a
 * port). 0, -ENETUNREACH, or -EINVAL (link-local without a usable scope),
 * -EADDRNOTAVAIL (no usable source). */
int ip6_route(struct dstack *ds, const struct dsock *s, const struct in6_addr *dst,
	      uint32_t scope, struct route6 *rt);
/* The interface index of a usable own address: LO_IFINDEX for ::1, the
 * port's for its addresses; -EADDRNOTAVAIL otherwise (duplicate too). */
int ip6_local_ifindex(const struct dstack *ds, const struct in6_addr *a);
static inline bool ip6_is_local(const struct dstack *ds, const struct in6_addr *a)
{
	return ip6_local_ifindex(ds, a) >= 0;
}
/* Fill a fixed IPv6 header (traffic class and flow label 0). */
void ip6_fill(struct rte_ipv6_hdr *ip, const struct in6_addr *src,
	      const struct in6_addr *dst, uint8_t proto, uint8_t hop_limit,
	      uint16_t payload_len);
/* Send an IPv6 packet (m starts at its IPv6 header) along rt through the
 * neighbour cache (multicast destinations straight to their 33:33 MAC).
 * 0, or -EAGAIN with m NOT taken. */
int ip6_send(struct dstack *ds, struct rte_mbuf *m, const struct route6 *rt);
/* ---- icmp6.c ---- */
/* An ICMPv6 message (checksum not yet verified): echo request, errors
 * quoting our UDP flows, NS/NA (-> nd_input). ICMPv6 header at
 * l2_len + l3_len, up to the end of m. */
void icmp6_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		 struct rte_ipv6_hdr *ip);
/* Send an ICMPv6 error (RFC 4443 §2.4: never for errors, multicast
 * destinations other than the §2.4(e) exceptions, or unspecified
 * sources) quoting m (from its IPv6 header, as much as fits 1280 bytes)
 * out of port p; m stays the caller's. */
void icmp6_error(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		 uint8_t type, uint8_t code, uint32_t pointer);
/* Build an ICMPv6 packet of len bytes (type-specific body included) from
 * src to dst and send it out of port index pi to MAC dmac (NULL: through
 * the neighbour cache / the multicast MAC). body is copied. */
int icmp6_send(struct dstack *ds, unsigned pi, const struct in6_addr *src,
	       const struct in6_addr *dst, const struct rte_ether_addr *dmac,
	       uint8_t hop_limit, const void *body, unsigned len);

/* ---- icmp4.c ---- */
void icmp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		 struct rte_ipv4_hdr *ip);

/* The UDP layer's entry points (udp.c, udp_out.c, udp_mcast.c, udp_table.c). */
#include "net/udp.h"

#endif /* NET_NET_H */
