/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The DPDK backend's stack and socket objects and the protocol layers' entry
 * points (the files of lib/net). Receive: port rx -> eth_input -> arp_input |
 * ip4_input -> icmp4_input | udp4_input -> udp_deliver. Send: udp4_output ->
 * ip4_route -> local delivery | neigh_output -> eth header -> net_tx.
 *
 * Ownership: every *_input() owns the mbuf it is given and frees it (or
 * passes it on) on every path; every drop bumps a counter named for it.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <sys/queue.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "core/stack.h"
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

/* Neighbour (ARP) cache entry; IPv4 now, ND joins with the IPv6 issue. */
enum neigh_state { NEIGH_FREE, NEIGH_INCOMPLETE, NEIGH_REACHABLE, NEIGH_STALE };
struct neigh {
	uint32_t ip;                 /* network order */
	enum neigh_state state;
	struct rte_ether_addr mac;
	unsigned port;               /* index into dstack.ports */
	uint64_t updated_ms;         /* confirmed at */
	uint64_t next_ms;            /* next retransmission (INCOMPLETE) */
	unsigned tries;
	struct pktq hold;            /* datagrams waiting for the reply */
};

struct dstack {
	struct dpg_stack st;
	struct dpg_config cfg;
	struct rte_mempool *pool;
	struct port ports[PORT_MAX];
	unsigned nports;
	/* sockets: 4-tuple and (local addr, port) keys -> socket (group head) */
	struct rte_hash *udp_hash;
	struct dsock **by_port;      /* 65536 heads: every socket bound to a port */
	uint16_t next_ephemeral;
	/* neighbours */
	struct rte_hash *neigh_hash;
	struct neigh *neigh;         /* cfg.neigh_entries, indexed by hash position */
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

struct dsock {
	struct dpg_socket s;
	/* addresses in network order; laddr 0 = wildcard */
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t bound_laddr;        /* as bound, before connect chose a source */
	bool hashed, conn_hashed;
	struct dsock *grp_next;      /* next socket with the same (laddr, lport) */
	struct dsock *port_next;     /* next socket on the same port */
	/* options */
	int ttl, mcast_ttl;
	bool mcast_loop;
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

static inline struct dstack *dstack_of(struct dpg_stack *st)
{
	return (struct dstack *)st;
}

static inline struct dsock *dsock_of(struct dpg_socket *s)
{
	return (struct dsock *)s;
}

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

/* ---- arp.c ---- */
int neigh_init(struct dstack *ds);
void neigh_fini(struct dstack *ds);
void arp_input(struct dstack *ds, struct port *p, struct rte_mbuf *m);
/* Transmit IPv4 packet m (IP header ready) on port index pi to next hop nh:
 * at once if resolved, else held while ARP resolves (or dropped and
 * counted). 0, or -EAGAIN with m NOT taken. */
int neigh_output(struct dstack *ds, unsigned pi, uint32_t nh, struct rte_mbuf *m);
void neigh_timers(struct dstack *ds, uint64_t now);
void arp_announce(struct dstack *ds, unsigned pi);
/* Remove every held packet of s (its socket is closing). */
void neigh_forget_owner(struct dstack *ds, struct dsock *s);

/* ---- ip4.c ---- */
struct route4 {
	int port;        /* index into ds->ports, or -1: deliver inside the stack */
	uint32_t nexthop;
	uint32_t src;    /* preferred source address */
	bool bcast;      /* destination is a broadcast address */
};
void ip4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m);
/* Route to dst (network order). 0, or -ENETUNREACH. */
int ip4_route(struct dstack *ds, uint32_t dst, struct route4 *rt);
/* Whether addr is the stack's own (a port address or 127/8). */
bool ip4_is_local(const struct dstack *ds, uint32_t addr);
/* Fill an IPv4 header (no options; checksum left 0). */
void ip4_fill(struct dstack *ds, struct rte_ipv4_hdr *ip, uint32_t src,
	      uint32_t dst, uint8_t proto, uint8_t ttl, uint16_t total_len);
/* Header checksum: offloaded to port p when it can, else computed. */
void ip4_cksum(const struct port *p, struct rte_mbuf *m, struct rte_ipv4_hdr *ip);
/* Send an IPv4 packet (m starts at its IP header) along rt: broadcast frame
 * or through the neighbour cache. 0, or -EAGAIN with m NOT taken. */
int ip4_send(struct dstack *ds, struct rte_mbuf *m, const struct route4 *rt);

/* ---- icmp4.c ---- */
void icmp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		 struct rte_ipv4_hdr *ip);

/* ---- udp.c ---- */
void udp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, uint32_t ifindex);
/* Build and send one datagram from s. 0 or -errno (-EAGAIN backpressure). */
int udp4_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, uint32_t dst, uint16_t dport);
/* Next queued datagram of s, skipping (and counting) any not from its
 * connected peer; NULL when none. */
struct rte_mbuf *udp_rx_pop(struct dstack *ds, struct dsock *s);
/* Dispatch up to budget queued datagrams of s to its data handler. */
unsigned udp_dispatch(struct dstack *ds, struct dsock *s, unsigned budget);
/* Copy one queued datagram into an rmsg; frees m. */
void udp_copy_out(struct dstack *ds, struct rte_mbuf *m, struct dpg_rmsg *out);

/* ---- udp_table.c ---- */
int udp_table_init(struct dstack *ds);
void udp_table_fini(struct dstack *ds);
/* Bind s to (laddr, lport); lport 0 picks an ephemeral port. */
int udp_table_bind(struct dstack *ds, struct dsock *s, uint32_t laddr, uint16_t lport);
void udp_table_unbind(struct dstack *ds, struct dsock *s);
int udp_table_connect(struct dstack *ds, struct dsock *s, uint32_t laddr,
		      uint32_t raddr, uint16_t rport);
void udp_table_disconnect(struct dstack *ds, struct dsock *s);
/* The socket a datagram to (daddr, dport) from (saddr, sport) goes to. */
struct dsock *udp_table_lookup(struct dstack *ds, uint32_t daddr, uint16_t dport,
			       uint32_t saddr, uint16_t sport);
/* The connected socket of a 4-tuple (for ICMP errors), or NULL. */
struct dsock *udp_table_conn(struct dstack *ds, uint32_t laddr, uint16_t lport,
			     uint32_t raddr, uint16_t rport);

#endif /* NET_NET_H */
