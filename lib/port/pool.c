/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Mempools: one per stack, sized from [pool], and the two kinds the port
 * layer keeps for itself: the parking pool of the rx queues no stack uses,
 * and the rx pool of a port that cannot take a stack's pool (RX_BIND_FIXED).
 */
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "port/env.h"

static struct rte_mempool *pool_create(const char *name, unsigned n, unsigned cache,
				       uint16_t priv, unsigned data_room)
{
	struct rte_mempool *mp;

	/* the private area must keep the mbuf's data aligned */
	priv = (uint16_t)RTE_ALIGN(priv, RTE_MBUF_PRIV_ALIGN);
	mp = rte_pktmbuf_pool_create(name, n, cache, priv, (uint16_t)data_room, SOCKET_ID_ANY);
	if (mp == NULL)
		PORT_LOG(ERR, "pool %s: %u mbufs of %u bytes (cache %u): %s", name, n,
			 data_room, cache, rte_strerror(rte_errno));
	return mp;
}

struct rte_mempool *port_pool_create_priv(const char *name, const struct dpg_config *cfg,
					  uint16_t priv_size)
{
	if (name == NULL || cfg == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	return pool_create(name, cfg->mbufs, cfg->mbuf_cache, priv_size, cfg->mbuf_data);
}

struct rte_mempool *port_pool_create(const char *name, const struct dpg_config *cfg)
{
	return port_pool_create_priv(name, cfg, 0);
}

struct rte_mempool *pool_park_create(unsigned n, unsigned data_room)
{
	/* no per-lcore cache: parked queues are refilled from any thread */
	return pool_create("dpg_park", n, 0, 0, data_room);
}

struct rte_mempool *pool_rx_create(const struct env_port *ep, const struct dpg_config *cfg)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "dpg_rx%u", ep->port_id);
	return pool_create(name, cfg->mbufs, cfg->mbuf_cache, 0, cfg->mbuf_data);
}
