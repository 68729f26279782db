/* SPDX-License-Identifier: BSD-3-Clause
 *
 * One ethdev port: found by name, configured with `queues` rx/tx queue pairs,
 * the checksum offloads it has, the MTU, and started. Rx queues no stack
 * uses are "parked" on a small process-wide pool; a stack's port_open puts
 * its own pool on one (dev_rx_bind) and port_close parks it again, which
 * makes the driver give back every mbuf of the stack's pool it held.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "port/config.h"
#include "port/env.h"

#define PARK_RXD 64   /* rx descriptors of a parked queue, before the PMD's limits */

#define TX_CKSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)
#define RX_CKSUM (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)

static int socket_of(const struct env_port *ep)
{
	int s = rte_eth_dev_socket_id(ep->port_id);

	return s < 0 ? SOCKET_ID_ANY : s;
}

/* See enum rx_bind: what the PMD allows for moving a pool onto a queue. */
static enum rx_bind rx_bind_of(const struct rte_eth_dev_info *di)
{
	if (strcmp(di->driver_name, "net_ring") == 0)
		return RX_BIND_NONE;
	if (strcmp(di->driver_name, "net_af_packet") == 0)
		return RX_BIND_FIXED;
	if (strcmp(di->driver_name, "net_pcap") == 0)
		return RX_BIND_FIXED;
	if (di->dev_capa & RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP)
		return RX_BIND_RUNTIME;
	return RX_BIND_RESTART;
}

int dev_find(struct env_port *ep, const struct dpg_config *cfg, const struct port_cfg *pc)
{
	struct rte_eth_dev_info di;
	char name[PORT_RINGPAIR_NAME_MAX + 1], side;
	int rc;

	ep->cfg = *pc;
	if (cfg_ringpair_split(pc->device, name, sizeof(name), &side) == 0)
		rc = ringpair_create(ep, cfg, pc);
	else if (rte_eth_dev_get_port_by_name(pc->device, &ep->port_id) != 0)
		rc = env_fail(-ENODEV, "%s: no such device (is it in [eal] args of %s?)",
			      pc->device, env_eal_path());
	else
		rc = 0;
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_info_get(ep->port_id, &di);
	if (rc != 0)
		return env_fail(rc, "%s: no device info: %s", pc->device, rte_strerror(-rc));
	if (pc->queues > di.max_rx_queues || pc->queues > di.max_tx_queues)
		return env_fail(-EINVAL, "%s: [%s] queues %u, the device has at most %u",
				pc->device, pc->section, pc->queues,
				RTE_MIN(di.max_rx_queues, di.max_tx_queues));
	ep->rx_bind = rx_bind_of(&di);
	ep->is_tap = strcmp(di.driver_name, "net_tap") == 0;
	ep->park_rxd = PARK_RXD;
	rte_eth_dev_adjust_nb_rx_tx_desc(ep->port_id, &ep->park_rxd, NULL);
	return 0;
}

static int configure(struct env_port *ep, const struct rte_eth_dev_info *di)
{
	struct rte_eth_conf conf = { 0 };
	uint16_t q = ep->cfg.queues;
	int rc;

	ep->tx_ip4_cksum = di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	ep->tx_udp_cksum = di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	ep->rx_ip4_cksum = di->rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	ep->rx_udp_cksum = di->rx_offload_capa & RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	ep->tx_multi_seg = di->tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	conf.txmode.offloads = di->tx_offload_capa & (TX_CKSUM | RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	conf.rxmode.offloads = di->rx_offload_capa & RX_CKSUM;
	/* ethdev checks this one against the PMD's limits; set_mtu follows */
	if (ep->cfg.mtu >= di->min_mtu && ep->cfg.mtu <= di->max_mtu)
		conf.rxmode.mtu = ep->cfg.mtu;
	rc = rte_eth_dev_configure(ep->port_id, q, q, &conf);
	if (rc != 0)
		return env_fail(rc, "%s: rte_eth_dev_configure: %s", ep->cfg.device,
				rte_strerror(-rc));
	ep->nb_rxd = ep->cfg.rxq_desc;
	ep->nb_txd = ep->cfg.txq_desc;
	rte_eth_dev_adjust_nb_rx_tx_desc(ep->port_id, &ep->nb_rxd, &ep->nb_txd);
	if (ep->nb_rxd != ep->cfg.rxq_desc || ep->nb_txd != ep->cfg.txq_desc)
		PORT_LOG(NOTICE, "%s: descriptors rx %u tx %u (asked %u %u: the driver's limits)",
			 ep->cfg.device, ep->nb_rxd, ep->nb_txd, ep->cfg.rxq_desc,
			 ep->cfg.txq_desc);
	return 0;
}

/* A PMD without an MTU operation (net_pcap, net_ring) is fine as long as
 * the MTU it has is at least the one asked for. */
static int set_mtu(struct env_port *ep)
{
	uint16_t cur = 0;
	int rc = rte_eth_dev_set_mtu(ep->port_id, ep->cfg.mtu);

	if (rc == 0)
		return 0;
	rte_eth_dev_get_mtu(ep->port_id, &cur);
	if (cur >= ep->cfg.mtu) {
		PORT_LOG(INFO, "%s: MTU %u not set (%s); the port's MTU %u is enough",
			 ep->cfg.device, ep->cfg.mtu, rte_strerror(-rc), cur);
		return 0;
	}
	return env_fail(rc, "%s: MTU %u refused: %s (the port's MTU is %u)", ep->cfg.device,
			ep->cfg.mtu, rte_strerror(-rc), cur);
}

static int setup_queues(struct env_port *ep, struct rte_mempool *park)
{
	bool fixed = ep->rx_bind == RX_BIND_FIXED;
	struct rte_mempool *mp = fixed ? ep->rx_pool : park;
	uint16_t nd = fixed ? ep->nb_rxd : ep->park_rxd;
	int rc = 0;

	for (uint16_t q = 0; q < ep->cfg.queues && rc == 0; q++) {
		rc = rte_eth_tx_queue_setup(ep->port_id, q, ep->nb_txd, socket_of(ep), NULL);
		if (rc == 0)
			rc = rte_eth_rx_queue_setup(ep->port_id, q, nd, socket_of(ep), NULL, mp);
		if (rc != 0)
			return env_fail(rc, "%s: queue %u setup: %s", ep->cfg.device, q,
					rte_strerror(-rc));
	}
	return 0;
}

/* net_tap reports every start to secondary processes over EAL's
 * multi-process channel and logs an error when there is none (--no-shconf,
 * which the drivers-cfg files use so that several programs can run). No
 * secondary can exist then: the error says nothing. */
static int start(struct env_port *ep)
{
	int tap_log = ep->is_tap ? rte_log_register("pmd.net.tap") : -1;
	int level = tap_log >= 0 ? rte_log_get_level((uint32_t)tap_log) : -1;
	int rc;

	if (level >= 0)
		rte_log_set_level((uint32_t)tap_log, RTE_LOG_CRIT);
	rc = rte_eth_dev_start(ep->port_id);
	if (level >= 0)
		rte_log_set_level((uint32_t)tap_log, (uint32_t)level);
	ep->started = rc == 0;
	if (rc != 0)
		return env_fail(rc, "%s: rte_eth_dev_start: %s", ep->cfg.device, rte_strerror(-rc));
	return 0;
}

static bool ip6_sysctl(const char *ifname, const char *key, const char *value)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	f = fopen(path, "w");
	if (f == NULL)
		return false;
	ok = fputs(value, f) != EOF;
	return fclose(f) == 0 && ok;
}

/* The kernel side of a net_tap port is the stack's peer on that link.
 * - net_tap brings the interface down at every port stop (each stack's
 *   open and close), and Linux then drops its IPv6 addresses, the kernel
 *   peer's included, unless told to keep them.
 * - net_tap gives the interface the port's own MAC address (and gives it
 *   back at every start), so the kernel would form the stack's link-local
 *   address (modified EUI-64 of that MAC), defend it against the stack's
 *   Duplicate Address Detection and win: the kernel forms a random one
 *   instead (addr_gen_mode 3, Linux 4.15 and later), set before the
 *   interface is first up. */
static void tap_kernel_ip6(const char *ifname)
{
	if (!ip6_sysctl(ifname, "keep_addr_on_down", "1\n"))
		PORT_LOG(WARNING, "%s: cannot set keep_addr_on_down: %s; the kernel drops "
			 "its IPv6 addresses whenever a stack opens or closes", ifname,
			 strerror(errno));
	if (!ip6_sysctl(ifname, "addr_gen_mode", "3\n"))
		PORT_LOG(WARNING, "%s: cannot set addr_gen_mode: %s; the kernel's IPv6 "
			 "link-local address may be the stack's (same MAC address)", ifname,
			 strerror(errno));
}

static void identify(struct env_port *ep, const struct rte_eth_dev_info *di)
{
	if (!ep->ringpair)
		rte_eth_macaddr_get(ep->port_id, &ep->mac);
	if (di->if_index != 0 && if_indextoname(di->if_index, ep->ifname) != NULL)
		ep->ifindex = di->if_index;
	if (ep->is_tap && ep->ifindex != 0)
		tap_kernel_ip6(ep->ifname);
	/* an empty list succeeds only where the PMD filters multicast */
	ep->mc_filter = rte_eth_dev_set_mc_addr_list(ep->port_id, NULL, 0) == 0;
	/* frames for other MACs are not the stack's (net_tap: the kernel
	 * interface leaves promiscuous mode too); -ENOTSUP is fine */
	rte_eth_promiscuous_disable(ep->port_id);
}

static void log_port(const struct env_port *ep)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(mac, sizeof(mac), &ep->mac);
	PORT_LOG(INFO, "%s: port %u %s%s%s, %u queue(s), mtu %u, rx/tx descriptors %u/%u",
		 ep->cfg.device, ep->port_id, mac, ep->ifindex ? ", kernel interface " : "",
		 ep->ifname, ep->cfg.queues, ep->cfg.mtu, ep->nb_rxd, ep->nb_txd);
	PORT_LOG(INFO, "%s: checksums offloaded to the port: tx ipv4 %s, tx udp %s, "
		 "rx ipv4 %s, rx udp %s (the stack computes the others)", ep->cfg.device,
		 ep->tx_ip4_cksum ? "yes" : "no", ep->tx_udp_cksum ? "yes" : "no",
		 ep->rx_ip4_cksum ? "yes" : "no", ep->rx_udp_cksum ? "yes" : "no");
}

int dev_setup(struct env_port *ep, const struct dpg_config *cfg, struct rte_mempool *park)
{
	struct rte_eth_dev_info di;
	int rc = rte_eth_dev_info_get(ep->port_id, &di);

	if (rc == 0)
		rc = configure(ep, &di);
	if (rc == 0)
		rc = set_mtu(ep);
	if (rc == 0 && ep->rx_bind == RX_BIND_FIXED) {
		ep->rx_pool = pool_rx_create(ep, cfg);
		if (ep->rx_pool == NULL)
			rc = env_fail(-rte_errno, "%s: cannot create its rx pool: %s",
				      ep->cfg.device, rte_strerror(rte_errno));
	}
	if (rc == 0)
		rc = setup_queues(ep, park);
	if (rc == 0) {
		identify(ep, &di);
		rc = start(ep);
	}
	if (rc == 0)
		log_port(ep);
	return rc;
}

void dev_teardown(struct env_port *ep)
{
	struct rte_eth_dev_info di;

	if (ep->started)
		rte_eth_dev_stop(ep->port_id);
	ep->started = false;
	/* a ringpair's ethdev is our vdev: removing it frees its name for a
	 * later setup; other ports close (net_tap's kernel interface with
	 * them) and EAL removes their devices at cleanup */
	if (ep->ringpair && rte_eth_dev_info_get(ep->port_id, &di) == 0)
		rte_dev_remove(di.device);
	else if (!ep->ringpair)
		rte_eth_dev_close(ep->port_id);
	rte_mempool_free(ep->rx_pool);
	ep->rx_pool = NULL;
}

static int rebind_runtime(struct env_port *ep, uint16_t q, uint16_t nd,
			  struct rte_mempool *mp)
{
	int rc;

	rte_eth_dev_rx_queue_stop(ep->port_id, q);
	rc = rte_eth_rx_queue_setup(ep->port_id, q, nd, socket_of(ep), NULL, mp);
	if (rc != 0 && mp != env_park_pool())
		rte_eth_rx_queue_setup(ep->port_id, q, ep->park_rxd, socket_of(ep), NULL,
				       env_park_pool());
	if (rte_eth_dev_rx_queue_start(ep->port_id, q) != 0 && rc == 0)
		rc = -EIO;
	return rc;
}

static int rebind_restart(struct env_port *ep, uint16_t q, uint16_t nd,
			  struct rte_mempool *mp)
{
	int rc = rte_eth_dev_stop(ep->port_id);

	if (rc != 0)
		return rc;
	ep->started = false;
	rc = rte_eth_rx_queue_setup(ep->port_id, q, nd, socket_of(ep), NULL, mp);
	/* a queue the setup failed on has no pool at all: park it again */
	if (rc != 0 && mp != env_park_pool())
		rte_eth_rx_queue_setup(ep->port_id, q, ep->park_rxd, socket_of(ep), NULL,
				       env_park_pool());
	/* always restarted: the port stays up between stacks (net_tap's
	 * interface too) */
	if (start(ep) != 0 && rc == 0)
		rc = -EIO;
	/* a start restores allmulticast, not every PMD's multicast list */
	dev_mc_apply(ep);
	return rc;
}

int dev_rx_bind(struct env_port *ep, uint16_t q, struct rte_mempool *mp)
{
	uint16_t nd = mp == env_park_pool() ? ep->park_rxd : ep->nb_rxd;

	switch (ep->rx_bind) {
	case RX_BIND_RUNTIME:
		return rebind_runtime(ep, q, nd, mp);
	case RX_BIND_RESTART:
		return rebind_restart(ep, q, nd, mp);
	case RX_BIND_NONE:
	case RX_BIND_FIXED:
		break;
	}
	return 0;
}

/* Allmulticast on or off as the stacks' lists need it. -ENOTSUP is as
 * good: such a PMD (net_ring) filters nothing. */
static void mc_allmulti(struct env_port *ep, bool on)
{
	int rc;

	if (on == ep->mc_allmulti)
		return;
	rc = on ? rte_eth_allmulticast_enable(ep->port_id) :
		  rte_eth_allmulticast_disable(ep->port_id);
	if (rc != 0 && rc != -ENOTSUP)
		PORT_LOG(WARNING, "%s: allmulticast %s: %s", ep->cfg.device, on ? "on" : "off",
			 rte_strerror(-rc));
	ep->mc_allmulti = on;
}

void dev_mc_apply(struct env_port *ep)
{
	static struct rte_ether_addr list[ENV_MC_MAX];   /* used under env_lock */
	int rc = -ENOTSUP;

	for (unsigned i = 0; i < ep->nmc; i++)
		list[i] = ep->mc[i].mac;
	if (ep->mc_filter) {
		rc = rte_eth_dev_set_mc_addr_list(ep->port_id, ep->nmc > 0 ? list : NULL,
						  ep->nmc);
		/* a NIC's list is short (a few dozen MACs on some) */
		if (rc != 0 && !ep->mc_allmulti)
			PORT_LOG(NOTICE, "%s: multicast list of %u MACs refused (%s); "
				 "allmulticast instead", ep->cfg.device, ep->nmc,
				 rte_strerror(-rc));
	}
	mc_allmulti(ep, rc != 0 && ep->nmc > 0);
}
