/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Internal to lib/port: the process-wide state behind port_env_init() (EAL,
 * the ports it set up, their queues) shared by env.c, dev.c, ringpair.c,
 * pool.c and port.c. Everything here is used under env_lock() except the
 * data path (port_rx/port_tx/port_flush), which touches no shared state.
 */
#ifndef PORT_ENV_H
#define PORT_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_log.h>
#include <rte_ring.h>

#include "port/port.h"

#define ENV_MAX_QUEUES 16  /* [portN] queues upper bound */
#define ENV_MC_MAX (PORT_MC_MAX * ENV_MAX_QUEUES)  /* union of the stacks' lists */

extern int port_logtype;
#define PORT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, port_logtype, "dpgram.port: " fmt "\n", ## __VA_ARGS__)

/* How a stack's mempool gets onto (and off) an rx queue of the port. */
enum rx_bind {
	/* The PMD sets up rx queues of a running port
	 * (RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP): queue stop, setup, start. */
	RX_BIND_RUNTIME,
	/* Port stop, queue setup, port start: most PMDs, net_tap and net_null
	 * among them. */
	RX_BIND_RESTART,
	/* The PMD never allocates rx mbufs (net_ring: frames are the sender's
	 * mbufs): nothing to bind. */
	RX_BIND_NONE,
	/* The port must not be stopped or its queues set up again, so the rx
	 * mbufs come from the port's own pool (env_port.rx_pool). In DPDK 22.11:
	 * net_af_packet's dev_stop closes its sockets for good; net_pcap's
	 * start rewrites its tx_pcap file from scratch (a stack's capture would
	 * be lost at its close) and replays rx_pcap, and with infinite_rx a
	 * second queue setup collides with its per-queue ring. */
	RX_BIND_FIXED,
};

/* One MAC of a device's multicast list: refs = how many stacks (struct
 * port) have it in their own lists. */
struct env_mc {
	struct rte_ether_addr mac;
	uint16_t refs;
};

/* One port set up by port_env_init. */
struct env_port {
	struct port_cfg cfg;       /* the [portN] that configured it */
	uint16_t port_id;
	bool started;
	enum rx_bind rx_bind;
	bool is_tap;
	bool ringpair;             /* created by ringpair_create */
	uint16_t nb_rxd, nb_txd;   /* descriptors as the driver adjusted them */
	uint16_t park_rxd;         /* descriptors of a parked rx queue */
	uint32_t used;             /* bit q: queue q belongs to an open struct port */
	struct rte_mempool *rx_pool;   /* RX_BIND_FIXED: the port's own rx pool */
	/* ringpair:NAME:a|b: what queue q receives from and sends into */
	struct rte_ring *ring_rx[ENV_MAX_QUEUES], *ring_tx[ENV_MAX_QUEUES];
	/* what every struct port on it reports */
	struct rte_ether_addr mac;
	uint32_t ifindex;          /* 0 without a kernel netdev */
	char ifname[IF_NAMESIZE];
	bool tx_ip4_cksum, tx_udp_cksum, rx_ip4_cksum, rx_udp_cksum;
	bool tx_multi_seg, mc_filter;
	/* multicast MACs of every stack on the port (port_mc_add) */
	struct env_mc mc[ENV_MC_MAX];
	unsigned nmc;
	bool mc_allmulti;          /* allmulticast turned on for them */
};

void env_lock(void);
void env_unlock(void);
/* Store the message for port_env_error(), log it, return rc (< 0). */
int env_fail(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The port set up for that device (port_cfg.device), or NULL. */
struct env_port *env_find(const char *device);
unsigned env_link_wait_ms(void);
/* The config whose [eal] args EAL was started with. */
const char *env_eal_path(void);
struct rte_mempool *env_park_pool(void);

/* dev.c: one port's configuration and queue rebinding. */
int dev_find(struct env_port *ep, const struct dpg_config *cfg, const struct port_cfg *pc);
int dev_setup(struct env_port *ep, const struct dpg_config *cfg, struct rte_mempool *park);
void dev_teardown(struct env_port *ep);
/* Put mp on rx queue q (the parking pool gives the queue back). */
int dev_rx_bind(struct env_port *ep, uint16_t q, struct rte_mempool *mp);
/* Program the device with ep->mc (again after a restart): its multicast
 * list, or allmulticast while the list is not empty where there is none. */
void dev_mc_apply(struct env_port *ep);

/* ringpair.c: ringpair:NAME:a|b devices. */
int ringpair_create(struct env_port *ep, const struct dpg_config *cfg,
		    const struct port_cfg *pc);
/* Free what queue q's rings hold (mbufs in flight on the "wire"). */
void ringpair_purge(struct env_port *ep, uint16_t q);
void ringpair_free_all(void);

/* pool.c: the pools the port layer owns. */
struct rte_mempool *pool_park_create(unsigned n, unsigned data_room);
struct rte_mempool *pool_rx_create(const struct env_port *ep, const struct dpg_config *cfg);

#endif /* PORT_ENV_H */
