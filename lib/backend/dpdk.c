/* SPDX-License-Identifier: BSD-3-Clause
 *
 * DPDK backend: dpgram's own IPv4/IPv6/UDP stack (lib/net) over DPDK ports
 * (lib/port). One stack = one polling context: its own mempool, one rx/tx
 * queue on each of its ports, its own socket tables and neighbour cache.
 * AF_INET6 sockets are dual stack unless ipv6_only (IPv4 peers appear
 * v4-mapped). Multicast/broadcast delivery (issue 5) slots in here later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "backend/backend.h"
#include "core/clock.h"
#include "net/net.h"

#define DEFAULT_BUF 212992     /* Linux's net.core.[rw]mem_default */
#define TIMER_TICK_MS 10

/* ---------------------------------------------------------------- tx */

void net_tx_charge(struct dsock *s, struct rte_mbuf *m, uint32_t bytes)
{
	struct pkt_meta *pm = pkt_meta(m);

	pm->owner = s;
	pm->charged = bytes;
	s->tx_held++;
	s->tx_held_bytes += pm->charged;
}

static void release(struct dsock *s, uint32_t charged)
{
	s->tx_held--;
	s->tx_held_bytes -= charged;
}

void net_tx_release(struct dstack *ds, struct rte_mbuf *m)
{
	struct pkt_meta *pm = pkt_meta(m);

	(void)ds;
	if (pm->owner != NULL) {
		release(pm->owner, pm->charged);
		pm->owner = NULL;
	}
}

void net_flush(struct dstack *ds, struct port *p)
{
	struct dsock *own[PORT_TXB];
	uint32_t charged[PORT_TXB];
	uint16_t n = p->ntx;
	unsigned sent;

	(void)ds;
	if (n == 0)
		return;
	/* The driver may free what it takes at once: note owners first. */
	for (uint16_t i = 0; i < n; i++) {
		own[i] = pkt_meta(p->txb[i])->owner;
		charged[i] = pkt_meta(p->txb[i])->charged;
	}
	sent = port_flush(p);
	for (unsigned i = 0; i < sent; i++)
		if (own[i] != NULL)
			release(own[i], charged[i]);
}

int net_tx(struct dstack *ds, struct port *p, struct rte_mbuf *m)
{
	if (port_tx_room(p) == 0)
		net_flush(ds, p);
	if (port_tx_room(p) == 0)
		return -EAGAIN;
	return port_tx(p, m);
}

void net_event(struct dstack *ds, struct dsock *s)
{
	if (!s->on_events) {
		s->on_events = true;
		TAILQ_INSERT_TAIL(&ds->events, s, ev_link);
		ds->nevents++;
	}
}

static void events_remove(struct dstack *ds, struct dsock *s)
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

static void ready_remove(struct dstack *ds, struct dsock *s)
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

	for (unsigned i = 0; i < ds->nports; i++)
		nd_stop(ds, i);
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
		ready_remove(ds, s);
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
		events_remove(ds, s);
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

/* ------------------------------------------------------------ sockets */

static int dsock_open(struct dpg_socket *s)
{
	struct dsock *d = dsock_of(s);

	d->v4 = d->bound_v4 = s->family == AF_INET;
	d->ttl = 64;
	d->mcast_ttl = 1;
	d->mcast_loop = true;
	d->rcvbuf = DEFAULT_BUF;
	d->sndbuf = DEFAULT_BUF;
	return 0;
}

/* Take s's unsent datagrams out of port p's tx buffer. */
static void txb_forget_owner(struct dstack *ds, struct port *p, struct dsock *s)
{
	uint16_t keep = 0;

	for (uint16_t i = 0; i < p->ntx; i++) {
		struct rte_mbuf *m = p->txb[i];

		if (pkt_meta(m)->owner == s)
			net_drop(ds, m, DPG_DROP_tx_closed);
		else
			p->txb[keep++] = m;
	}
	p->ntx = keep;
}

static void dsock_close(struct dpg_socket *s)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);

	if (s->bound)
		udp_table_unbind(ds, d);
	if (d->on_ready)
		ready_remove(ds, d);
	if (d->on_events)
		events_remove(ds, d);
	pktq_purge(&d->rxq, s->st, DPG_DROP_rx_socket_closed);
	for (unsigned i = 0; i < ds->nports; i++)
		txb_forget_owner(ds, &ds->ports[i], d);
	neigh_forget_owner(ds, d);
}

/* A socket address as the tables see it: IPv4 v4-mapped, with its port
 * and scope id. */
struct saddr {
	struct in6_addr a;
	uint16_t port;
	uint32_t scope;
};

static struct saddr saddr_of(const struct sockaddr_storage *ss)
{
	struct saddr r = { .port = 0 };

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		r.a = in6_mapped(sin->sin_addr.s_addr);
		r.port = sin->sin_port;
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		r.a = sin6->sin6_addr;
		r.port = sin6->sin6_port;
		r.scope = sin6->sin6_scope_id;
	}
	return r;
}

/* The socket address of (a, port) in s's family. */
static void saddr_fill(const struct dpg_socket *s, struct sockaddr_storage *out,
		       const struct in6_addr *a, uint16_t port, uint32_t scope)
{
	memset(out, 0, sizeof(*out));
	if (s->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)out;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = in6_v4(a);
		sin->sin_port = port;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = *a;
		sin6->sin6_port = port;
		if (IN6_IS_ADDR_LINKLOCAL(a))
			sin6->sin6_scope_id = scope;
	}
}

/* Whether a is an address of the stack a socket may bind (IPv4 0 and ::
 * included); link-local ones on the interface their scope names. */
static int bind_check(struct dstack *ds, const struct dpg_socket *s, struct saddr *b)
{
	int ifindex;

	if (IN6_IS_ADDR_V4MAPPED(&b->a)) {
		if (s->opts.ipv6_only)
			return -EINVAL; /* Linux's inet6_bind */
		if (in6_v4(&b->a) != 0 && !ip4_is_local(ds, in6_v4(&b->a)))
			return -EADDRNOTAVAIL; /* multicast groups: issue 5 */
		return 0;
	}
	if (IN6_IS_ADDR_UNSPECIFIED(&b->a))
		return 0;
	ifindex = ip6_local_ifindex(ds, &b->a);
	if (ifindex < 0)
		return ifindex;
	if (IN6_IS_ADDR_LINKLOCAL(&b->a)) {
		if (b->scope == 0)
			return -EINVAL; /* Linux: a link-local bind names its link */
		if ((uint32_t)ifindex != b->scope)
			return -EADDRNOTAVAIL;
	}
	return 0;
}

static int dbind(struct dpg_socket *s, const struct sockaddr_storage *a)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct saddr b = saddr_of(a);
	int rc;

	rc = bind_check(ds, s, &b);
	if (rc == 0)
		rc = udp_table_bind(ds, d, &b.a, b.port);
	if (rc < 0)
		return rc;
	d->scope = IN6_IS_ADDR_LINKLOCAL(&b.a) ? b.scope : 0;
	saddr_fill(s, &s->local, &d->laddr, d->lport, d->scope);
	return 0;
}

/* The unspecified address stands for the loopback address (as Linux). */
static uint32_t peer_addr(uint32_t ip)
{
	return ip == 0 ? RTE_BE32(0x7f000001) : ip;
}

static struct in6_addr peer_addr6(const struct in6_addr *a)
{
	struct in6_addr lo = IN6ADDR_LOOPBACK_INIT;

	if (IN6_IS_ADDR_V4MAPPED(a))
		return in6_mapped(peer_addr(in6_v4(a)));
	return IN6_IS_ADDR_UNSPECIFIED(a) ? lo : *a;
}

/* IPv4 from this socket: not when ipv6_only, nor from an IPv6 address
 * (Linux's udpv6_sendmsg / ip6_datagram_connect). */
static bool can_v4(const struct dsock *d)
{
	if (d->s.family == AF_INET)
		return true;
	return !d->s.opts.ipv6_only && (d->v4 || IN6_IS_ADDR_UNSPECIFIED(&d->laddr));
}

/* The source for a connection to peer: the bound address, else the
 * route's choice. */
static int conn_source(struct dstack *ds, struct dsock *d, const struct saddr *peer,
		       struct in6_addr *src)
{
	struct route4 rt;
	struct route6 rt6;
	int rc;

	if (IN6_IS_ADDR_V4MAPPED(&peer->a)) {
		if (!can_v4(d))
			return -ENETUNREACH;
		rc = ip4_route(ds, in6_v4(&peer->a), &rt);
		if (rc < 0)
			return rc;
		if (rt.bcast && !d->s.broadcast)
			return -EACCES;
		*src = d->bound_v4 && in6_v4(&d->bound_laddr) != 0 ? d->bound_laddr :
		       in6_mapped(rt.src);
		return 0;
	}
	if (d->v4)
		return -ENETUNREACH; /* bound to a v4-mapped address */
	rc = ip6_route(ds, &peer->a, peer->scope ? peer->scope : d->scope, &rt6);
	if (rc < 0)
		return rc;
	*src = IN6_IS_ADDR_UNSPECIFIED(&d->bound_laddr) ? rt6.src : d->bound_laddr;
	return 0;
}

static int dconnect(struct dpg_socket *s, const struct sockaddr_storage *p)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct saddr peer = saddr_of(p);
	struct in6_addr src;
	int rc;

	peer.a = peer_addr6(&peer.a);
	rc = conn_source(ds, d, &peer, &src);
	if (rc == 0)
		rc = udp_table_connect(ds, d, &src, &peer.a, peer.port);
	if (rc < 0)
		return rc;
	if (IN6_IS_ADDR_LINKLOCAL(&peer.a) && peer.scope != 0)
		d->scope = peer.scope;
	saddr_fill(s, &s->peer, &peer.a, peer.port, d->scope);
	return 0;
}

static int ddisconnect(struct dpg_socket *s)
{
	struct dsock *d = dsock_of(s);

	udp_table_disconnect(dstack_of(s->st), d);
	if (!IN6_IS_ADDR_LINKLOCAL(&d->bound_laddr))
		d->scope = 0;
	return 0;
}

static int dlocal(struct dpg_socket *s, struct sockaddr_storage *out)
{
	struct dsock *d = dsock_of(s);

	saddr_fill(s, out, &d->laddr, d->lport, d->scope);
	return 0;
}

/* One datagram to (a, port, scope), by the family a stands for. */
static int send_to(struct dstack *ds, struct dsock *d, const struct iovec *iov,
		   int iovcnt, size_t len, const struct saddr *to)
{
	struct in6_addr a;

	if (IN6_IS_ADDR_V4MAPPED(&to->a)) {
		if (!can_v4(d))
			return -ENETUNREACH;
		return udp4_output(ds, d, iov, iovcnt, len, peer_addr(in6_v4(&to->a)),
				   to->port);
	}
	if (d->v4)
		return -ENETUNREACH;
	a = peer_addr6(&to->a);
	return udp6_output(ds, d, iov, iovcnt, len, &a, to->scope, to->port);
}

static int dsend(struct dpg_socket *s, const struct iovec *iov, int iovcnt,
		 size_t len, const struct sockaddr_storage *dst)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct saddr to = { .a = d->raddr, .port = d->rport, .scope = d->scope };
	int rc;

	if (dst != NULL)
		to = saddr_of(dst);
	rc = send_to(ds, d, iov, iovcnt, len, &to);
	if (rc == -EAGAIN) {
		ds->st.stats.tx_eagain++;
		d->want_drain = true;
		net_event(ds, d);
	}
	return rc;
}

static int dsend_many(struct dpg_socket *s, const struct dpg_msg *msgs,
		      const struct sockaddr_storage *dsts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct iovec iov = { (void *)(uintptr_t)msgs[i].buf, msgs[i].len };
		int rc = dsend(s, &iov, 1, msgs[i].len, dsts ? &dsts[i] : NULL);

		if (rc < 0)
			return i > 0 || rc == -EAGAIN ? (int)i : rc;
	}
	return (int)n;
}

static int drecv_many(struct dpg_socket *s, struct dpg_rmsg *msgs, unsigned n)
{
	struct dstack *ds = dstack_of(s->st);
	struct dsock *d = dsock_of(s);
	struct rte_mbuf *m;
	unsigned got = 0;

	while (got < n && (m = udp_rx_pop(ds, d)) != NULL)
		udp_copy_out(ds, d, m, &msgs[got++]);
	return got > 0 ? (int)got : -EAGAIN;
}

static int dset_opt(struct dpg_socket *s, enum sock_opt opt, int v)
{
	struct dsock *d = dsock_of(s);

	switch (opt) {
	case SOPT_BROADCAST:
		return 0; /* the socket layer keeps the flag */
	case SOPT_TTL:
		d->ttl = v;
		return 0;
	case SOPT_MCAST_TTL:
		d->mcast_ttl = v;
		return 0;
	case SOPT_MCAST_LOOP:
		d->mcast_loop = v;
		return 0;
	case SOPT_RCVBUF:
		d->rcvbuf = v;
		return 0;
	case SOPT_SNDBUF:
		d->sndbuf = v;
		return 0;
	}
	return -EINVAL;
}

static int dget_opt(struct dpg_socket *s, enum sock_opt opt)
{
	struct dsock *d = dsock_of(s);

	if (opt == SOPT_RCVBUF)
		return d->rcvbuf;
	if (opt == SOPT_SNDBUF)
		return d->sndbuf;
	return -EINVAL;
}

static int dset_mcast_if(struct dpg_socket *s, unsigned ifindex,
			 const struct sockaddr_storage *addr)
{
	(void)s;
	(void)ifindex;
	(void)addr;
	return -ENOTSUP; /* multicast on this backend: issue 5 */
}

static int dmembership(struct dpg_socket *s, const struct mship *m, bool join)
{
	(void)s;
	(void)m;
	(void)join;
	return -ENOTSUP; /* multicast on this backend: issue 5 */
}

static int dsend_queue(struct dpg_socket *s, bool bytes)
{
	struct dsock *d = dsock_of(s);

	return bytes ? (int)d->tx_held_bytes : (int)d->tx_held;
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
