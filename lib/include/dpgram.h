/* SPDX-License-Identifier: BSD-3-Clause
 *
 * dpgram.h — the public API of dpgram, a userspace UDP/IP stack with a socket
 * API modelled on Node.js `dgram` and Bun's `udpSocket`.
 *
 * Conventions (the whole header follows them):
 *  - Every function that can fail returns `int`: >= 0 on success, a negative
 *    errno (-EINVAL, -EADDRINUSE, ...) on failure. dpg_strerror() names it.
 *  - A call that fails changes nothing and fires no callback.
 *  - Constructors return their object through an out-parameter.
 *  - Addresses are POSIX sockaddrs (sockaddr_in / sockaddr_in6); their length
 *    is derived from sa_family, so no socklen_t is passed.
 *  - Config and option structs are zero-initialised for defaults.
 *  - A stack and its sockets belong to one thread; nothing here is locked.
 *  - Buffers passed in are only read during the call (dpgram copies what it
 *    keeps); buffers passed to callbacks are valid only during the callback.
 */
#ifndef DPGRAM_H
#define DPGRAM_H

#include <errno.h> /* the -E... codes every function returns */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DPGRAM_VERSION "0.1.0"

/** Largest UDP payload in one IPv4 datagram: 65535 - 20 (IPv4) - 8 (UDP). */
#define DPG_MAX_PAYLOAD4 65507
/** Largest UDP payload in one IPv6 datagram: 65535 - 8 (UDP). */
#define DPG_MAX_PAYLOAD6 65527
/** Most datagrams dispatched per socket in one poll pass. */
#define DPG_POLL_BATCH 32
/** Buffer size enough for any dpg_addr_format() result ("[addr%ifname]:port"). */
#define DPG_ADDRSTRLEN 80

struct dpg_stack;
struct dpg_socket;

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * Message for a negative (or positive) errno returned by dpgram.
 * Returns a static string; never NULL, also for unknown codes.
 */
const char *dpg_strerror(int err);

/* ------------------------------------------------------------------------ */
/* Addresses                                                                 */
/* ------------------------------------------------------------------------ */

/**
 * Parse a dotted-quad IPv4 address (no DNS) and a port into *out.
 * ip NULL or "" means 0.0.0.0.
 * Returns 0, or -EINVAL if out is NULL or ip is not an IPv4 address.
 */
int dpg_ip4_addr(const char *ip, uint16_t port, struct sockaddr_in *out);

/**
 * Parse an IPv6 address (no DNS) and a port into *out. A scope suffix
 * "%name" (an interface name) or "%N" (an interface index) sets sin6_scope_id:
 * "fe80::1%dpg0". ip NULL or "" means "::". IPv4-mapped forms
 * ("::ffff:198.18.0.1") are accepted.
 * Returns 0, or -EINVAL if out is NULL, ip is not an IPv6 address or the
 * scope names no interface.
 */
int dpg_ip6_addr(const char *ip, uint16_t port, struct sockaddr_in6 *out);

/**
 * Format addr as "a.b.c.d:port" or "[v6addr%scope]:port" into buf (size len,
 * DPG_ADDRSTRLEN is always enough). The scope is printed as an interface name
 * when one exists, else as its index.
 * Returns the string length (>= 0), -EINVAL for a NULL pointer or an
 * unsupported family, -ENOSPC if len is too small (buf then holds "").
 */
int dpg_addr_format(const struct sockaddr *addr, char *buf, size_t len);

/* ------------------------------------------------------------------------ */
/* Stack                                                                     */
/* ------------------------------------------------------------------------ */

/** How to open a stack. All zero: the kernel backend. */
struct dpg_stack_config {
	const char *backend;     /**< "kernel" (default when NULL) or "dpdk" */
	const char *config_file; /**< drivers-cfg INI (dpdk backend); NULL: the
	                          * embedded default, drivers-cfg/net_tap.ini */
	int eal_argc;            /**< extra EAL arguments (dpdk backend) */
	char **eal_argv;
	const char *ports;       /**< dpdk backend: comma-separated [portN]
	                          * sections this stack uses ("port1");
	                          * NULL: every port of the config file */
};

/**
 * Open a stack: one polling context, owned by the calling thread.
 * Returns 0 and *out, or -EINVAL (NULL out, unknown backend name),
 * -ENOTSUP (backend not built yet: "dpdk" until the DPDK backend lands),
 * -ENOMEM, or the errno of the failing system call.
 */
int dpg_stack_open(const struct dpg_stack_config *cfg, struct dpg_stack **out);

/**
 * Close a stack: closes every socket still open (no callback fires), frees
 * every buffer it holds. NULL is ignored. Must not be called from inside a
 * callback of this stack.
 */
void dpg_stack_close(struct dpg_stack *st);

/**
 * Release process-wide resources (DPDK's EAL and ports). Call after the last
 * dpg_stack_close(); it also runs at process exit. Safe to call at any time
 * when no stack is open; a no-op for the kernel backend.
 */
void dpg_shutdown(void);

/**
 * Packet buffers found missing from their pool when a DPDK stack closed, in
 * this process so far (each also logged). Always 0 for the kernel backend;
 * tests assert it stays 0.
 */
uint64_t dpg_mbuf_leaks(void);

/** Name of the stack's backend ("kernel" or "dpdk"), or NULL for NULL. */
const char *dpg_stack_backend(const struct dpg_stack *st);

/**
 * Receive, dispatch callbacks (data, drain, error), run timers, flush sends.
 * timeout_ms 0: one pass without waiting; > 0: wait up to that long for work;
 * < 0: wait until there is work. At most DPG_POLL_BATCH datagrams are taken
 * from each socket per pass, so one busy socket never starves the others.
 * Returns how many datagrams were delivered (to data callbacks or to pull-mode
 * receive queues), or -EINVAL (NULL stack), -EBUSY (called from one of this
 * stack's callbacks), or a negative errno from the system.
 */
int dpg_poll(struct dpg_stack *st, int timeout_ms);

/**
 * Reasons a datagram or packet is dropped; each has a counter in
 * struct dpg_stats.drops[] and a name from dpg_drop_name().
 */
#define DPG_DROP_REASONS(X)                                                     \
	X(rx_queue_full, "pull-mode receive queue full (receive buffer size)")  \
	X(rx_not_peer, "datagram from another host than the connected peer")    \
	X(rx_kernel_overflow, "kernel socket receive buffer overflowed")        \
	X(rx_truncated, "datagram larger than the receive buffer")              \
	X(rx_socket_closed, "datagram for a socket closed during its batch")    \
	X(icmp_unconnected, "ICMP error for an unconnected socket (ignored)")   \
	X(eth_too_short, "frame shorter than an Ethernet header")               \
	X(eth_not_for_us, "frame for another MAC address")                      \
	X(eth_unknown_type, "ethertype not handled")                            \
	X(arp_malformed, "ARP packet truncated or not Ethernet/IPv4")           \
	X(arp_not_for_us, "ARP for another host")                               \
	X(arp_hold_full, "datagram dropped: neighbour's hold queue full")       \
	X(arp_unresolved, "datagram dropped: neighbour never answered")         \
	X(arp_cache_full, "neighbour cache full")                               \
	X(arp_claims_ours, "ARP from another host claiming one of our addresses") \
	X(ip4_too_short, "truncated IPv4 header")                               \
	X(ip4_bad_version, "IP version is not 4")                               \
	X(ip4_bad_ihl, "IPv4 header length below 20 or beyond the packet")      \
	X(ip4_bad_length, "IPv4 total length does not fit the frame")           \
	X(ip4_bad_checksum, "IPv4 header checksum wrong")                       \
	X(ip4_bad_source, "IPv4 source is broadcast or multicast")              \
	X(ip4_ttl_zero, "IPv4 TTL 0")                                           \
	X(ip4_not_for_us, "IPv4 destination is not an address of the stack")    \
	X(ip4_unknown_proto, "IPv4 protocol not handled")                       \
	X(ip6_too_short, "truncated IPv6 header or extension header")         \
	X(ip6_bad_version, "IP version is not 6")                               \
	X(ip6_bad_length, "IPv6 payload length does not fit the frame")         \
	X(ip6_bad_source, "IPv6 source multicast, v4-mapped, or :: (but for ND)") \
	X(ip6_bad_option, "IPv6 option whose type says discard")                \
	X(ip6_routing_header, "IPv6 routing header with segments left (RH0 included)") \
	X(frag_bad, "fragment with a bad offset or length (not a multiple of 8 but the last, tiny first fragment)") \
	X(frag_overlap, "fragment overlapping another of its datagram (teardrop; RFC 5722): the whole datagram dropped") \
	X(frag_too_many, "more fragments for one datagram than [frag] fragments: the whole datagram dropped") \
	X(frag_oversize, "fragments reaching beyond 65535 bytes: the whole datagram dropped") \
	X(frag_timeout, "fragment of a datagram not completed within [frag] timeout_ms") \
	X(frag_table_full, "fragment dropped: every reassembly slot ([frag] flows) in use") \
	X(ip6_unknown_header, "IPv6 next header not handled")                   \
	X(ip6_not_for_us, "IPv6 destination is not an address of the stack")    \
	X(ip6_tentative, "IPv6 destination is an address found duplicate by DAD") \
	X(nd_malformed, "Neighbour Discovery message fails RFC 4861 validation") \
	X(nd_not_for_us, "Neighbour Discovery for another host's address")      \
	X(nd_looped, "our own DAD probe or advertisement, looped back by the link") \
	X(nd_claims_ours, "Neighbour Advertisement from another host claiming one of our addresses") \
	X(nd_hold_full, "datagram dropped: IPv6 neighbour's hold queue full")   \
	X(nd_unresolved, "datagram dropped: IPv6 neighbour never answered")     \
	X(nd_cache_full, "neighbour cache full (IPv6)")                         \
	X(icmp_too_short, "ICMP message truncated")                             \
	X(icmp_bad_checksum, "ICMP checksum wrong")                             \
	X(icmp_unhandled, "ICMP type not handled")                              \
	X(udp_too_short, "truncated UDP header")                                \
	X(udp_bad_length, "UDP length does not fit the IP payload")             \
	X(udp_bad_checksum, "UDP checksum wrong")                               \
	X(udp_no_socket, "UDP datagram for a port no socket is bound to")       \
	X(udp6_zero_checksum, "UDP over IPv6 without a checksum (RFC 8200 §8.1)") \
	X(ip4_bcast_not_udp, "broadcast for a protocol other than UDP (ICMP echo ignored, as Linux)") \
	X(mcast_not_member, "multicast for a group not joined on that interface, or from a source its filter excludes") \
	X(udp_mcast_no_socket, "multicast or broadcast datagram no socket on its port takes") \
	X(igmp_too_short, "IGMP message shorter than its type and source count need") \
	X(igmp_bad_checksum, "IGMP checksum wrong")                             \
	X(igmp_bad_query, "IGMP query to another destination than all-systems, its group or an own address, or for a non-multicast group") \
	X(igmp_unhandled, "IGMP message not acted on (other hosts' IGMPv3 reports, unknown types)") \
	X(mld_too_short, "MLD message shorter than its type and source count need") \
	X(mld_bad_query, "MLD query not from a link-local source, hop limit not 1, without Router Alert, or to another destination than all-nodes, its group or an own address") \
	X(mld_unhandled, "MLD message not acted on (other hosts' MLDv2 reports)") \
	X(tx_closed, "unsent datagram dropped when its socket or stack closed") \
	X(tx_ring_full, "held datagram dropped: NIC tx ring full")              \
	X(pool_empty, "no packet buffer to build a reply or a multicast receiver's copy")

enum dpg_drop_reason {
#define DPG_DROP_ENUM_(name, text) DPG_DROP_##name,
	DPG_DROP_REASONS(DPG_DROP_ENUM_)
#undef DPG_DROP_ENUM_
	DPG_DROP_MAX
};

/** Counters of one stack, since it was opened. */
struct dpg_stats {
	uint64_t rx_packets;  /**< datagrams delivered to sockets */
	uint64_t rx_bytes;    /**< their payload bytes */
	uint64_t tx_packets;  /**< datagrams accepted for sending */
	uint64_t tx_bytes;    /**< their payload bytes */
	uint64_t tx_eagain;   /**< sends refused by backpressure (-EAGAIN) */
	uint64_t drain_events; /**< on.drain callbacks fired */
	uint64_t icmp_errors; /**< errors reported through on.error */
	uint64_t arp_requests; /**< ARP requests sent (dpdk backend) */
	uint64_t arp_replies;  /**< ARP replies sent (dpdk backend) */
	uint64_t icmp_echo_replies; /**< pings answered, IPv4 and IPv6 (dpdk backend) */
	uint64_t nd_solicits;  /**< Neighbour Solicitations sent, DAD probes included (dpdk backend) */
	uint64_t nd_adverts;   /**< Neighbour Advertisements sent (dpdk backend) */
	uint64_t dad_conflicts; /**< own IPv6 addresses found duplicate (dpdk backend) */
	uint64_t icmp_errors_sent;    /**< ICMP / ICMPv6 errors sent (port unreachable, parameter problem...) (dpdk backend) */
	uint64_t icmp_errors_limited; /**< ICMP / ICMPv6 errors not sent: rate limit ([icmp]) (dpdk backend) */
	uint64_t reassembled;  /**< datagrams reassembled from fragments (dpdk backend) */
	uint64_t fragmented;   /**< datagrams sent in fragments (dpdk backend) */
	uint64_t igmp_reports; /**< IGMP reports (v1, v2, v3) and v2 leaves sent (dpdk backend) */
	uint64_t igmp_queries; /**< IGMP queries received and acted on (dpdk backend) */
	uint64_t mld_reports;  /**< MLD reports (v1, v2) and v1 dones sent (dpdk backend) */
	uint64_t mld_queries;  /**< MLD queries received and acted on (dpdk backend) */
	uint64_t drops[DPG_DROP_MAX]; /**< per reason, see DPG_DROP_REASONS */
};

/** Short name of a drop reason ("rx_queue_full"), or NULL if out of range. */
const char *dpg_drop_name(unsigned reason);
/** One-line description of a drop reason, or NULL if out of range. */
const char *dpg_drop_description(unsigned reason);

/**
 * Copy the stack's counters into *out.
 * Returns 0, or -EINVAL for a NULL argument.
 */
int dpg_stack_stats(struct dpg_stack *st, struct dpg_stats *out);

/* ------------------------------------------------------------------------ */
/* Sockets                                                                   */
/* ------------------------------------------------------------------------ */

/** What a received datagram came with. */
struct dpg_rinfo {
	struct sockaddr_storage from; /**< sender: sockaddr_in, or sockaddr_in6
	                               * (v4-mapped for IPv4 senders on a
	                               * dual-stack socket; scope id set for
	                               * link-local senders) */
	size_t size;                  /**< payload bytes */
	uint32_t ifindex;             /**< receiving interface (0 if unknown) */
};

/**
 * Callbacks, declared once per socket (Bun style). Any may be NULL.
 * data:  one datagram; buf is valid only during the call. Without a data
 *        handler the socket is in pull mode: datagrams wait for
 *        dpg_recv_many().
 * drain: sending may resume after -EAGAIN or a partial dpg_send_many().
 * error: an asynchronous error on a connected socket, e.g. -ECONNREFUSED
 *        when the peer answered with ICMP port unreachable. The socket stays
 *        usable.
 * Callbacks run only inside dpg_poll(). They may send, close the socket
 * (delivery stops at once) or open other sockets; they must not call
 * dpg_poll() or dpg_stack_close() on the same stack.
 */
struct dpg_handlers {
	void (*data)(struct dpg_socket *sock, const void *buf, size_t len,
		     const struct dpg_rinfo *rinfo, void *user);
	void (*drain)(struct dpg_socket *sock, void *user);
	void (*error)(struct dpg_socket *sock, int err, void *user);
};

/**
 * Socket options fixed at creation. family is required; the rest default to
 * off / the backend's default when zero.
 * ipv6_only: AF_INET6 sockets are dual stack unless this is set (IPv4
 * datagrams then arrive with ::ffff:a.b.c.d senders).
 * recv_buffer_size / send_buffer_size: bytes, 0 = default, < 0 is -EINVAL.
 */
struct dpg_socket_opts {
	int family; /**< AF_INET or AF_INET6 */
	bool reuse_addr, reuse_port, ipv6_only;
	int recv_buffer_size, send_buffer_size;
	struct dpg_handlers on;
	void *user; /**< passed to every callback */
};

/** One datagram to send with dpg_send_many(). dst NULL on connected sockets. */
struct dpg_msg {
	const void *buf;
	size_t len;
	const struct sockaddr *dst;
};

/**
 * One datagram slot for dpg_recv_many(): the caller provides buf/cap; dpgram
 * fills len (bytes copied), from, and flags (DPG_RMSG_TRUNC when the
 * datagram was larger than cap and its tail was discarded).
 */
struct dpg_rmsg {
	void *buf;
	size_t cap;
	size_t len;
	struct sockaddr_storage from;
	int flags;
};
#define DPG_RMSG_TRUNC 0x1

/**
 * Create a socket. It exists at once: options may be set before bind.
 * Returns 0 and *out, or -EINVAL (NULL stack/opts/out, negative buffer size),
 * -EAFNOSUPPORT (family not AF_INET / AF_INET6), -ENOMEM, -EMFILE.
 */
int dpg_socket_open(struct dpg_stack *st, const struct dpg_socket_opts *opts,
		    struct dpg_socket **out);

/**
 * Close a socket and free it. After this returns no callback fires for it,
 * memberships are dropped and datagrams dpgram still held for it (receive
 * queue, unsent sends) are freed. May be called from the socket's own
 * callbacks. Returns 0, or -EINVAL for NULL.
 */
int dpg_close(struct dpg_socket *sock);

/**
 * Bind to a local address. addr NULL or port 0: an ephemeral port (addr NULL:
 * on the wildcard address of the socket's family).
 * Errors: -EINVAL already bound (also implicitly, by connect or send);
 * -EADDRINUSE port in use (unless every socket on it set reuse_addr or
 * reuse_port); -EADDRNOTAVAIL address not owned by the stack;
 * -EAFNOSUPPORT address family differs from the socket's.
 */
int dpg_bind(struct dpg_socket *sock, const struct sockaddr *addr);

/**
 * Associate the socket with one peer: sends without a destination go there,
 * and only datagrams from it are delivered. Binds implicitly (ephemeral port
 * on the wildcard address) if unbound. An unspecified peer address
 * (0.0.0.0, ::) means the loopback address, as in Linux.
 * Errors: -EINVAL NULL peer or port 0; -EISCONN already connected;
 * -EAFNOSUPPORT wrong family; -ENETUNREACH no route.
 */
int dpg_connect(struct dpg_socket *sock, const struct sockaddr *peer);

/**
 * Undo dpg_connect(); the socket keeps its local port.
 * Errors: -ENOTCONN not connected; -EINVAL NULL.
 */
int dpg_disconnect(struct dpg_socket *sock);

/**
 * The socket's local address (the source address chosen by connect, if
 * connected to a peer and bound to the wildcard).
 * Errors: -EBADF unbound; -EINVAL NULL argument.
 */
int dpg_address(struct dpg_socket *sock, struct sockaddr_storage *out);

/**
 * The connected peer. Errors: -ENOTCONN not connected; -EINVAL NULL argument.
 */
int dpg_remote_address(struct dpg_socket *sock, struct sockaddr_storage *out);

/**
 * Send one datagram of len bytes (0 is legal). dst must be NULL on a
 * connected socket and given otherwise. Binds implicitly if unbound.
 * buf is copied before the call returns.
 * Returns 0 once the datagram is accepted, or:
 *  -EDESTADDRREQ unconnected and dst NULL; -EISCONN connected and dst given;
 *  -EINVAL port 0 or NULL buf with len > 0; -EAFNOSUPPORT dst family wrong;
 *  -EMSGSIZE len over 65507 (IPv4 destinations) / 65527 (IPv6);
 *  -EACCES broadcast destination without dpg_set_broadcast();
 *  -ENETUNREACH no route;
 *  -EAGAIN backpressure (buffers full): on.drain fires when sending may resume.
 */
int dpg_send(struct dpg_socket *sock, const void *buf, size_t len,
	     const struct sockaddr *dst);

/**
 * Send one datagram gathered from iovcnt buffers (iovcnt 0..IOV_MAX);
 * otherwise exactly as dpg_send().
 */
int dpg_sendv(struct dpg_socket *sock, const struct iovec *iov, int iovcnt,
	      const struct sockaddr *dst);

/**
 * Send n datagrams in order, in as few system calls or bursts as possible.
 * Returns how many were accepted (0..n). Fewer than n means either
 * backpressure (on.drain will fire) or that msgs[returned] is invalid for one
 * of dpg_send()'s reasons; the batch stops there. If msgs[0] is invalid (or
 * nothing could be sent for a reason other than backpressure) the error is
 * returned instead. n == 0 returns 0; NULL msgs with n > 0 is -EINVAL.
 */
int dpg_send_many(struct dpg_socket *sock, const struct dpg_msg *msgs,
		  unsigned n);

/**
 * Pull mode (sockets opened without a data handler): take up to n queued
 * datagrams. Datagrams are queued by dpg_poll(), up to the receive buffer
 * size in bytes; beyond it they are dropped and counted (rx_queue_full).
 * Returns the count (1..n), -EAGAIN when none is waiting, -EINVAL for NULL
 * arguments, n == 0, or a socket with a data handler.
 */
int dpg_recv_many(struct dpg_socket *sock, struct dpg_rmsg *msgs, unsigned n);

/* ---- options (Node dgram names and ranges; out of range is -EINVAL) ---- */

/** Allow sending to broadcast addresses (SO_BROADCAST). Returns 0. */
int dpg_set_broadcast(struct dpg_socket *sock, bool on);
/** Unicast TTL / hop limit, 1..255. Returns 0 or -EINVAL. */
int dpg_set_ttl(struct dpg_socket *sock, int ttl);
/** Multicast TTL / hop limit, 0..255 (default 1). Returns 0 or -EINVAL. */
int dpg_set_multicast_ttl(struct dpg_socket *sock, int ttl);
/** Deliver own multicast to local members (default on). Returns 0. */
int dpg_set_multicast_loopback(struct dpg_socket *sock, bool on);

/**
 * Outgoing interface for multicast. IPv4 sockets: an address of the stack
 * ("198.18.0.2"), or "0.0.0.0" to return to the default. IPv6 sockets:
 * "::%ifname" (or "::%N"), an own address, or "::" for the default.
 * Errors: -EINVAL NULL, unparsable or wrong family; -EADDRNOTAVAIL address
 * not owned by the stack.
 */
int dpg_set_multicast_interface(struct dpg_socket *sock, const char *iface);

/**
 * Join group on an interface (iface as for dpg_set_multicast_interface();
 * NULL lets the stack choose: on the dpdk backend the first port with an
 * address of the group's family, on the kernel backend the route). Does
 * not bind the socket. Delivery is per socket on both backends: only
 * sockets that joined get the group's datagrams (IP_MULTICAST_ALL 0).
 * Errors: -EINVAL group not a multicast address of the socket's family, bad
 * iface; -EADDRINUSE already joined there (any-source, or with sources);
 * -EADDRNOTAVAIL iface not owned; -ENOBUFS the stack's group or source
 * table ([mcast] groups / sources) or the port's MAC filter is full.
 */
int dpg_add_membership(struct dpg_socket *sock, const char *group,
		       const char *iface);
/** Leave group. -EADDRNOTAVAIL when not joined; other errors as add. */
int dpg_drop_membership(struct dpg_socket *sock, const char *group,
			const char *iface);
/**
 * Join a source-specific channel (source, group): only datagrams from source
 * are delivered for that group. Errors as dpg_add_membership(), plus -EINVAL
 * for a source that is not a unicast address of the socket's family or a
 * group already joined any-source on that interface.
 */
int dpg_add_source_membership(struct dpg_socket *sock, const char *source,
			      const char *group, const char *iface);
/** Leave a source-specific channel. -EADDRNOTAVAIL when not joined. */
int dpg_drop_source_membership(struct dpg_socket *sock, const char *source,
			       const char *group, const char *iface);

/**
 * Receive / send buffer sizes in bytes (> 0). The getters return the size in
 * effect (what was set, unless the backend had to clamp it), or a negative
 * errno.
 */
int dpg_set_recv_buffer_size(struct dpg_socket *sock, int size);
int dpg_get_recv_buffer_size(struct dpg_socket *sock);
int dpg_set_send_buffer_size(struct dpg_socket *sock, int size);
int dpg_get_send_buffer_size(struct dpg_socket *sock);

/**
 * Bytes / datagrams dpgram holds for this socket that are not yet handed to
 * the NIC or the kernel (Node's getSendQueueSize / getSendQueueCount).
 * Returns >= 0, or -EINVAL for NULL.
 */
int dpg_send_queue_size(struct dpg_socket *sock);
int dpg_send_queue_count(struct dpg_socket *sock);

/** The stack a socket belongs to (NULL for NULL). */
struct dpg_stack *dpg_socket_stack(const struct dpg_socket *sock);
/** The socket's family (AF_INET / AF_INET6), or -EINVAL for NULL. */
int dpg_socket_family(const struct dpg_socket *sock);

#ifdef __cplusplus
}
#endif

#endif /* DPGRAM_H */
