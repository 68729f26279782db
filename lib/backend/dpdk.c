/* SPDX-License-Identifier: BSD-3-Clause
 *
 * DPDK backend: dpgram's own IPv4/IPv6/UDP stack (lib/net) over DPDK ports
 * (lib/port). One stack = one polling context: its own mempool, one rx/tx
 * queue on each of its ports, its own socket tables and neighbour cache.
 * AF_INET6 sockets are dual stack unless ipv6_only (IPv4 peers appear
 * v4-mapped). Memberships and the multicast interface are kept per socket
 * (lib/net/udp_mcast.c), the ports' interface state in lib/net/mcast*.c.
 *
 * This file: stack open/close, the poll loop, the ops table. dpdk_tx.c:
 * transmit and send-buffer accounting; dpdk_sock.c: the socket ops.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "backend/dpdk.h"
#include "core/clock.h"

#define TIMER_TICK_MS 10

/* ------------------------------------------------------------ events */

void net_event(struct dstack *ds, struct dsock *s)
{
	if (!s->on_events) {
		s->on_events = true;
		TAILQ_INSERT_TAIL(&ds->events, s, ev_link);
		ds->nevents++;
	}
}

void dpdk_events_remove(struct dstack *ds, struct dsock *s)
{
	TAILQ_REMOVE(&ds->events, s, ev_link);
	s->on_events = false;
	ds->nevents--;
}

void net_ready(struct dstack *ds, struct dsock *s)
{
	if (!s->on_ready) {
		s->on_ready = true;
		TAILQ_INSERT_TAIL(&ds->ready, s, ready_link);
		ds->nready++;
	}
}

void dpdk_ready_remove(struct dstack *ds, struct dsock *s)
{
	TAILQ_REMOVE(&ds->ready, s, ready_link);
	s->on_ready = false;
	ds->nready--;
}

/* ------------------------------------------------------------- stack */

static bool env_ready;

static int dstack_load(struct dstack *ds, const struct dpg_stack_config *cfg)
{
	const char *path = cfg->config_file ? cfg->config_file : config_default_path();
	char err[512];
	int rc;

	rc = config_load(path, &ds->cfg, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "dpgram: %s\n", err);
		return rc;
	}
	rc = port_env_init(&ds->cfg, cfg->eal_argc, cfg->eal_argv);
	if (rc < 0) {
		fprintf(stderr, "dpgram: %s\n", port_env_error());
		return rc;
	}
	env_ready = true;
	return pkt_meta_register();
}

/* Whether section `name` is in the comma-separated list (NULL: all). */
static bool port_selected(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (list == NULL)
		return true;
	for (const char *p = list; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return false;
}

static int dstack_ports(struct dstack *ds, const char *list)
{
	int rc;

	for (unsigned i = 0; i < ds->cfg.nports; i++) {
		const struct port_cfg *pc = &ds->cfg.port[i];

		if (!port_selected(list, pc->section))
			continue;
		rc = port_open(&ds->ports[ds->nports], pc, ds->pool);
		if (rc < 0)
			return rc;
		ds->nports++;
	}
	return ds->nports > 0 ? 0 : -EINVAL;
}

static void dstack_release(struct dstack *ds)
{
	unsigned total, avail;

	if (ds->mc != NULL)
		mcast_fini(ds);
	for (unsigned i = 0; i < ds->nports; i++)
		port_close(&ds->ports[i]);
	if (ds->neigh != NULL)
		neigh_fini(ds);
	if (ds->udp_hash != NULL)
		udp_table_fini(ds);
	if (ds->pool != NULL) {
		total = ds->pool->size;
		avail = rte_mempool_avail_count(ds->pool);
		if (avail != total) {
			core_mbuf_leaks += total - avail;
			fprintf(stderr, "dpgram: stack %s: %u mbufs not back in the pool\n",
				ds->name, total - avail);
		}
		rte_mempool_free(ds->pool);
	}
	free(ds->scratch);
}

static int dstack_open(struct dpg_stack *st, const struct dpg_stack_config *cfg)
{
	static unsigned serial;
	struct dstack *ds = dstack_of(st);
	int rc;

	snprintf(ds->name, sizeof(ds->name), "s%u", serial++);
	TAILQ_INIT(&ds->ready);
	TAILQ_INIT(&ds->events);
	rc = dstack_load(ds, cfg);
	if (rc < 0)
		return rc;
	ds->scratch = malloc(LOCAL_MTU + 1);
	ds->pool = port_pool_create(ds->name, &ds->cfg);
	if (ds->scratch == NULL || ds->pool == NULL) {
		dstack_release(ds);
		return -ENOMEM;
	}
	rc = dstack_ports(ds, cfg->ports);
	if (rc == 0)
		rc = udp_table_init(ds);
	if (rc == 0)
		rc = neigh_init(ds);
	if (rc == 0)
		rc = mcast_init(ds);
	if (rc < 0) {
		dstack_release(ds);
		return rc;
	}
	for (unsigned i = 0; i < ds->nports; i++) {
		arp_announce(ds, i);
		nd_start(ds, i);
	}
	return 0;
}

static void dstack_close(struct dpg_stack *st)
{
	struct dstack *ds = dstack_of(st);

	/* The sockets are closed: their last leaves queued one state-change
	 * report per group (no retransmission: the stack is going). Send
	 * them, so that a snooping switch stops forwarding at once. */
	for (unsigned i = 0; i < ds->nports; i++) {
		nd_stop(ds, i);
		net_flush(ds, &ds->ports[i]);
	}
	dstack_release(ds);
}

static int diface_by_addr(struct dpg_stack *st, const struct sockaddr_storage *a)
{
	struct dstack *ds = dstack_of(st);
	uint32_t ip;

	if (a->ss_family == AF_INET6)
		return ip6_local_ifindex(ds, &((const struct sockaddr_in6 *)a)->sin6_addr);
	if (a->ss_family != AF_INET)
		return -EADDRNOTAVAIL;
	ip = ((const struct sockaddr_in *)a)->sin_addr.s_addr;
	if ((ip & RTE_BE32(0xff000000)) == RTE_BE32(0x7f000000))
		return LO_IFINDEX;
	for (unsigned i = 0; i < ds->nports; i++)
		if (ds->ports[i].cfg->ip4 == ip)
			return (int)ds->ports[i].ifindex;
	return -EADDRNOTAVAIL;
}

/* -------------------------------------------------------------- poll */

static uint64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void rx_port(struct dstack *ds, struct port *p)
{
	struct rte_mbuf *pkts[NET_BURST];
	uint16_t n = port_rx(p, pkts, NET_BURST);

	for (uint16_t i = 0; i < n; i++) {
		pkt_meta(pkts[i])->owner = NULL; /* not sent by a socket */
		eth_input(ds, p, pkts[i]);
	}
}

/* Local datagrams: each socket ready at the start of the pass gets up to a
 * batch. Sockets stay on ds->ready while they wait, so a callback closing
 * one unlinks it from the list it is really on. */
static void dispatch_ready(struct dstack *ds)
{
	unsigned n = ds->nready;
	struct dsock *s;

	while (n-- > 0 && (s = TAILQ_FIRST(&ds->ready)) != NULL) {
		dpdk_ready_remove(ds, s);
		ds->delivered += udp_dispatch(ds, s, DPG_POLL_BATCH);
		if (!s->s.closed && s->rxq.count > 0)
			net_ready(ds, s);
	}
}

static bool can_send(const struct dstack *ds, const struct dsock *s)
{
	if (s->tx_held_bytes >= (size_t)s->sndbuf)
		return false;
	for (unsigned i = 0; i < ds->nports; i++)
		if (port_tx_room(&ds->ports[i]) == 0)
			return false;
	return rte_mempool_avail_count(ds->pool) > 0;
}

/* Errors and drains due, for the sockets waiting at the start of the pass
 * (the same list discipline as dispatch_ready). */
static void fire_events(struct dstack *ds)
{
	unsigned n = ds->nevents;
	struct dsock *s;
	int err;

	while (n-- > 0 && (s = TAILQ_FIRST(&ds->events)) != NULL) {
		dpdk_events_remove(ds, s);
		if (s->pending_err != 0) {
			err = s->pending_err;
			s->pending_err = 0;
			ds->st.stats.icmp_errors++;
			if (s->s.opts.on.error != NULL)
				s->s.opts.on.error(&s->s, -err, s->s.opts.user);
		}
		if (s->s.closed || !s->want_drain)
			continue;
		if (!can_send(ds, s)) {
			net_event(ds, s); /* try again next pass */
			continue;
		}
		s->want_drain = false;
		ds->st.stats.drain_events++;
		if (s->s.opts.on.drain != NULL)
			s->s.opts.on.drain(&s->s, s->s.opts.user);
	}
}

/* One pass: receive, dispatch, timers, flush, events. */
static unsigned poll_pass(struct dstack *ds)
{
	uint64_t now;

	ds->delivered = 0;
	for (unsigned i = 0; i < ds->nports; i++)
		rx_port(ds, &ds->ports[i]);
	dispatch_ready(ds);
	ds->delivered += ds->local_delivered;
	ds->local_delivered = 0;
	now = clock_now_ms();
	if (now >= ds->next_timer_ms) {
		neigh_timers(ds, now);
		mcast_timers(ds, now);
		ds->next_timer_ms = now + TIMER_TICK_MS;
	}
	for (unsigned i = 0; i < ds->nports; i++)
		net_flush(ds, &ds->ports[i]);
	fire_events(ds);
	return ds->delivered;
}

static int dpoll(struct dpg_stack *st, int timeout_ms)
{
	struct dstack *ds = dstack_of(st);
	uint64_t deadline = timeout_ms > 0 ? real_ms() + (uint64_t)timeout_ms : 0;
	unsigned total = 0;

	for (;;) {
		total += poll_pass(ds);
		if (timeout_ms == 0 || total > 0)
			break;
		if (timeout_ms > 0 && real_ms() >= deadline)
			break;
		if (timeout_ms < 0 && st->nsockets == 0)
			break;
		rte_pause();
	}
	return (int)total;
}

const struct backend_ops dpdk_backend_ops = {
	.name = "dpdk",
	.stack_size = sizeof(struct dstack),
	.sock_size = sizeof(struct dsock),
	.stack_open = dstack_open,
	.stack_close = dstack_close,
	.poll = dpoll,
	.iface_by_addr = diface_by_addr,
	.sock_open = dsock_open,
	.sock_close = dsock_close,
	.bind = dbind,
	.connect = dconnect,
	.disconnect = ddisconnect,
	.local_address = dlocal,
	.send = dsend,
	.send_many = dsend_many,
	.recv_many = drecv_many,
	.set_opt = dset_opt,
	.get_opt = dget_opt,
	.set_mcast_if = dset_mcast_if,
	.mcast_default_if = dmcast_default_if,
	.membership = dmembership,
	.send_queue = dsend_queue,
};

void dpdk_backend_shutdown(void)
{
	if (env_ready) {
		port_env_shutdown();
		env_ready = false;
	}
}
