/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The port layer: drivers-cfg files, EAL, mempools and DPDK ethdev ports.
 * Everything here is internal to the DPDK backend (lib/backend/dpdk.c), which
 * is its only user; lib/net/ sees ports only through struct port.
 *
 * Lifetimes:
 *  - config_load(): a plain parse, no DPDK call; usable in unit tests.
 *  - port_env_init(): once per process (EAL can be initialised only once):
 *    EAL from [eal] args plus the program's extra arguments, then every
 *    [portN] device probed, configured with `queues` rx/tx queues and left
 *    running. Later calls with another config must describe the same ports
 *    (same devices) or fail with -EBUSY. port_env_shutdown() (also run at
 *    process exit) stops and closes the ports and calls rte_eal_cleanup().
 *  - port_open()/port_close(): one stack's use of one port: it claims a free
 *    queue index, binds its own mempool to that rx queue, and on close gives
 *    the queue back such that every mbuf the driver held from that pool is
 *    back in it (the pool is full again once the stack freed its own mbufs).
 *    Ports and their kernel interfaces (net_tap's dpg0) survive stack close,
 *    so a test or program can open and close stacks many times.
 */
#ifndef PORT_PORT_H
#define PORT_PORT_H

#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define PORT_MAX 4        /* [port0] .. [port3] */
#define PORT_TXB 64       /* tx buffer per stack and port, in mbufs */
#define PORT_MC_MAX 64    /* multicast MACs per stack and port (port_mc_add) */

/* One [portN] section. Addresses in network byte order; 0 / unset = none. */
struct port_cfg {
	char section[16];          /* "port0" */
	char device[256];          /* vdev name, PCI address, or ringpair:NAME:a|b */
	uint32_t ip4;              /* ipv4 = A.B.C.D/LEN */
	uint8_t ip4_prefix;
	uint32_t gw4;              /* gateway4 */
	struct in6_addr ip6;       /* ipv6 = X::Y/LEN (used by the IPv6 issue) */
	uint8_t ip6_prefix;
	bool has_ip6;
	struct in6_addr gw6;       /* gateway6 */
	bool has_gw6;
	uint16_t mtu;              /* default 1500 */
	uint16_t rxq_desc, txq_desc; /* default 1024 */
	uint16_t queues;           /* rx/tx queue pairs = stacks sharing the port; default 1 */
};

/* A whole drivers-cfg file; zero values mean defaults (filled by config_load). */
struct dpg_config {
	char path[PATH_MAX];
	char eal_args[2048];       /* [eal] args */
	unsigned mbufs;            /* [pool] mbufs, default 8191 */
	unsigned mbuf_cache;       /* [pool] cache, default 256 */
	unsigned mbuf_data;        /* [pool] data_room, default RTE_MBUF_DEFAULT_BUF_SIZE */
	unsigned link_wait_ms;     /* [eal] link_wait_ms, default 5000 */
	/* [neigh]: ARP/ND cache (RFC 1122 / RFC 4861 defaults) */
	unsigned neigh_entries;    /* entries, default 1024 */
	unsigned neigh_reachable_ms; /* reachable_ms, default 30000 */
	unsigned neigh_retrans_ms; /* retrans_ms, default 1000 */
	unsigned neigh_retries;    /* retries, default 3 */
	unsigned neigh_hold;       /* hold: datagrams held per unresolved neighbour, default 16 */
	unsigned neigh_delay_ms;   /* delay_ms: IPv6 DELAY before PROBE (RFC 4861 DELAY_FIRST_PROBE_TIME), default 5000 */
	unsigned dad_transmits;    /* dad_transmits: DAD probes per IPv6 address (RFC 4862), default 1; 0 = no DAD */
	/* [mcast]: IGMPv3 / MLDv2 host (RFC 3376, RFC 3810) */
	unsigned mc_groups;        /* groups: (port, group) entries of the interface state, default 256 */
	unsigned mc_sources;       /* sources: sources per group (source-specific joins), default 64 */
	unsigned mc_robustness;    /* robustness: Robustness Variable until a querier says (QRV), default 2 */
	unsigned mc_report_ms;     /* report_ms: Unsolicited Report Interval, default 1000 */
	/* [frag]: IPv4 / IPv6 reassembly */
	unsigned frag_flows;       /* flows: datagrams being reassembled at once, default 1024 */
	unsigned frag_max;         /* fragments: fragments per datagram, default 64 */
	unsigned frag_timeout_ms;  /* timeout_ms: time to complete a datagram, default 30000 */
	/* [icmp]: the token bucket of the ICMP / ICMPv6 errors the stack sends */
	unsigned icmp_rate;        /* rate: errors per second, default 1000; 0 = no errors sent */
	unsigned icmp_burst;       /* burst: bucket depth, default 50 */
	struct port_cfg port[PORT_MAX];
	unsigned nports;
};

/*
 * Parse a drivers-cfg INI file with rte_cfgfile. Unknown sections and keys,
 * missing required keys (port device) and bad values are errors: returns
 * -EINVAL with err set to "FILE: [section] key: expected WHAT, got 'VALUE'"
 * (or -ENOENT/-EACCES "FILE: cannot read: ..."). On success returns 0 with
 * every default filled in.
 */
int config_load(const char *path, struct dpg_config *cfg, char *err, size_t errlen);

/* The embedded default config file (drivers-cfg/net_tap.ini): the installed
 * copy if present, else the one in the source tree. */
const char *config_default_path(void);

/*
 * Initialise EAL and the ports of cfg, once per process (see top comment).
 * argc/argv: extra EAL arguments from the program (appended to [eal] args).
 * Returns 0, or a negative errno with a message logged through rte_log and
 * stored for port_env_error(): -EBUSY when the ports are already set up from
 * a config that differs (devices, or their queues, mtu, rxq_desc, txq_desc),
 * -ENODEV for a device EAL did not probe, -ESHUTDOWN after
 * port_env_shutdown(). If the program started EAL itself, that EAL is used
 * ([eal] args ignored) and left to the program at shutdown.
 */
int port_env_init(const struct dpg_config *cfg, int argc, char **argv);
const char *port_env_error(void);
void port_env_shutdown(void);

/* A per-stack mempool sized from [pool] (cfg as filled by config_load);
 * name must be unique per process and at most RTE_MEMPOOL_NAMESIZE - 1 (25)
 * characters. NULL with rte_errno set on failure (logged). */
struct rte_mempool *port_pool_create(const char *name, const struct dpg_config *cfg);
/* The same with a private area of priv_size bytes per mbuf (rounded up to
 * RTE_MBUF_PRIV_ALIGN), for per-packet metadata (rte_mbuf_to_priv). */
struct rte_mempool *port_pool_create_priv(const char *name, const struct dpg_config *cfg,
					  uint16_t priv_size);

/* One stack's use of one port. */
struct port {
	const struct port_cfg *cfg;
	uint16_t port_id;
	uint16_t queue;
	struct rte_ether_addr mac;
	uint16_t mtu;
	uint32_t ifindex;          /* the kernel's index if the port has a netdev
	                            * (net_tap, af_packet), else 1000 + port_id */
	char ifname[IF_NAMESIZE];  /* kernel name, else the section name */
	/* Offloads in use (detected at port_env_init, logged once). */
	bool tx_ip4_cksum, tx_udp_cksum, rx_ip4_cksum, rx_udp_cksum;
	bool mc_filter;            /* set_mc_addr_list works (else allmulticast) */
	bool tx_multi_seg;         /* the port sends chained mbufs (nb_segs > 1) */
	/* The pool received mbufs come from: the stack's own (mp of port_open),
	 * except on ports that must never be stopped (net_af_packet, net_pcap),
	 * where it is the port's own rx pool, shared by its queues. */
	struct rte_mempool *rx_pool;
	/* tx buffer: filled by port_tx, emptied by port_flush */
	struct rte_mbuf *txb[PORT_TXB];
	uint16_t ntx;
	uint64_t tx_burst_calls;
	/* multicast MACs this stack receives (port_mc_add), each counted */
	struct rte_ether_addr mc[PORT_MC_MAX];
	uint16_t mc_refs[PORT_MC_MAX];
	uint16_t nmc;
};

/* Claim a queue of the port named by pc, bind mp to its rx queue, wait for
 * link (link_wait_ms; a port without link is not an error, it is logged).
 * Returns 0 or -EBUSY (all queues taken), -ENODEV (no port_env_init with that
 * device), or a DPDK error; port_env_error() then says why. p is filled only
 * on success; port_close(p) on a zeroed or closed p does nothing.
 * On PMDs that cannot set up a queue of a running port (most vdevs, net_tap
 * and net_null among them), port_open and port_close stop and restart the
 * port: the other stacks of a multi-queue port must not poll it meanwhile,
 * and net_tap's kernel interface goes down and up (dpgram keeps its IPv6
 * addresses with keep_addr_on_down; routes through it and its neighbour
 * entries are gone). A queue no stack has open still receives its share of
 * the traffic (net_tap: the kernel spreads new flows over all queues); it
 * waits there for the next stack to open that queue. */
int port_open(struct port *p, const struct port_cfg *pc, struct rte_mempool *mp);
/* Flush, drop what stays unsent (rte_pktmbuf_free), release the queue as
 * described above. */
void port_close(struct port *p);

/* Receive up to n mbufs from the stack's rx queue. */
static inline uint16_t port_rx(struct port *p, struct rte_mbuf **pkts, uint16_t n)
{
	return rte_eth_rx_burst(p->port_id, p->queue, pkts, n);
}

/* Send what the tx buffer holds; what the driver refuses stays buffered (in
 * order). Returns the number handed to the driver. */
unsigned port_flush(struct port *p);

/* Queue m for transmission; flushes first when the buffer is full. Returns 0
 * (m is the port's now), or -EAGAIN when the buffer is still full after the
 * flush (m is NOT taken: the caller frees it and reports backpressure). */
int port_tx(struct port *p, struct rte_mbuf *m);

/*
 * The multicast MACs a stack receives on a port (IPv6 all-nodes and
 * solicited-node groups, IPv4/IPv6 group memberships). Each stack keeps its
 * own counted list, which eth_input checks in software (port_mc_has), and
 * the device is programmed with the union of the lists of every stack on
 * it (rte_eth_dev_set_mc_addr_list), or put in allmulticast mode while the
 * union is not empty where the PMD has no list (net_ring, net_null) or
 * refuses one that long.
 *
 * port_mc_add: 0, -EINVAL (not a multicast MAC, or broadcast; p closed),
 * -ENOSPC (PORT_MC_MAX different MACs already). A MAC added n times stays
 * until deleted n times. Programming the device is best effort: a PMD
 * that filters nothing delivers the frames anyway.
 * port_mc_del: 0, or -ENOENT (not in the list).
 * Both take the process-wide port lock; port_close deletes what is left.
 */
int port_mc_add(struct port *p, const struct rte_ether_addr *mac);
int port_mc_del(struct port *p, const struct rte_ether_addr *mac);

/* Whether the stack receives frames for multicast MAC mac on p (lock-free:
 * the stack's own list, for the receive path). */
static inline bool port_mc_has(const struct port *p, const struct rte_ether_addr *mac)
{
	for (unsigned i = 0; i < p->nmc; i++)
		if (rte_is_same_ether_addr(&p->mc[i], mac))
			return true;
	return false;
}

/* Room left in the tx buffer. */
static inline unsigned port_tx_room(const struct port *p)
{
	return PORT_TXB - p->ntx;
}

#endif /* PORT_PORT_H */
