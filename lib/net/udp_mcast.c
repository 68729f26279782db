/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Multicast and broadcast for the DPDK backend's sockets:
 *  - memberships: each socket's joins (port index, group, optional source),
 *    each one mcast_join of that port's interface state (mcast.h), so that
 *    the port reports it and its MAC filter passes the group;
 *  - the default port (a join or a send naming no interface) and the route
 *    and source of a datagram to a group;
 *  - delivery: a datagram to a group or a broadcast address, received on a
 *    port or looped back by a sender of this stack, goes to every socket
 *    bound to its port that takes it, each its own copy.
 *
 * Who takes one (per socket, RFC 3376 §3.2 / RFC 3810 §4.2 socket state,
 * not Linux's IP_MULTICAST_ALL=1 host-wide delivery):
 *  - to a group: a socket bound to the wildcard or to the group that joined
 *    the group on the receiving port, any-source or with the sender among
 *    its sources;
 *  - to a broadcast address: a socket bound to the wildcard (a dual-stack
 *    "::" one too, unless ipv6_only; it sees a v4-mapped sender, as Linux)
 *    or to that broadcast address;
 *  - and a connected socket only from its peer.
 * Copies are queued on the sockets and their data handlers run from the
 * poll pass's dispatch (dispatch_ready, as for local datagrams), so no
 * callback runs while the socket list is walked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

/* ---- memberships ---- */

static int dmship_find(const struct dsock *s, unsigned pi, const struct in6_addr *g,
		       const struct in6_addr *src)
{
	for (unsigned i = 0; i < s->nmships; i++) {
		const struct dmship *m = &s->mships[i];

		if (m->pi == pi && m->has_src == (src != NULL) &&
		    in6_equal(&m->group, g) && (src == NULL || in6_equal(&m->src, src)))
			return (int)i;
	}
	return -1;
}

/* Room for one more membership in s's list. 0 or -ENOMEM. */
static int dmship_room(struct dsock *s)
{
	unsigned cap = s->capmships ? s->capmships * 2 : 4;
	struct dmship *v;

	if (s->nmships < s->capmships)
		return 0;
	v = realloc(s->mships, cap * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	s->mships = v;
	s->capmships = cap;
	return 0;
}

int udp_mship_join(struct dstack *ds, struct dsock *s, unsigned pi,
		   const struct in6_addr *group, const struct in6_addr *src)
{
	struct dmship *m;
	int rc;

	if (dmship_find(s, pi, group, src) >= 0)
		return -EADDRINUSE;
	rc = dmship_room(s);
	if (rc < 0)
		return rc;
	rc = mcast_join(ds, pi, group, src);
	if (rc < 0) /* the MAC filter full is one more membership too many */
		return rc == -ENOSPC ? -ENOBUFS : rc;
	m = &s->mships[s->nmships++];
	memset(m, 0, sizeof(*m));
	m->pi = pi;
	m->group = *group;
	m->has_src = src != NULL;
	if (src != NULL)
		m->src = *src;
	return 0;
}

int udp_mship_leave(struct dstack *ds, struct dsock *s, unsigned pi,
		    const struct in6_addr *group, const struct in6_addr *src)
{
	int i = dmship_find(s, pi, group, src);

	if (i < 0)
		return -EADDRNOTAVAIL;
	mcast_leave(ds, pi, group, src);
	s->mships[i] = s->mships[--s->nmships];
	return 0;
}

void udp_mship_leave_all(struct dstack *ds, struct dsock *s)
{
	while (s->nmships > 0) {
		const struct dmship *m = &s->mships[--s->nmships];

		mcast_leave(ds, m->pi, &m->group, m->has_src ? &m->src : NULL);
	}
	free(s->mships);
	s->mships = NULL;
	s->capmships = 0;
}

/* Whether s joined group on port pi and its join admits src. */
static bool dmship_admits(const struct dsock *s, unsigned pi, const struct in6_addr *g,
			  const struct in6_addr *src)
{
	for (unsigned i = 0; i < s->nmships; i++) {
		const struct dmship *m = &s->mships[i];

		if (m->pi == pi && in6_equal(&m->group, g) &&
		    (!m->has_src || in6_equal(&m->src, src)))
			return true;
	}
	return false;
}

/* ---- routes ---- */

int mcast_default_port(const struct dstack *ds, bool v4)
{
	for (unsigned i = 0; i < ds->nports; i++)
		if (v4 ? ds->ports[i].cfg->ip4 != 0 : ds->ports[i].cfg->has_ip6)
			return (int)i;
	return ds->nports > 0 ? 0 : -1;
}

static int sock_mcast_port(const struct dstack *ds, const struct dsock *s, bool v4)
{
	if (s != NULL && s->mcast_pi >= 0)
		return s->mcast_pi;
	return mcast_default_port(ds, v4);
}

int mcast_route4(const struct dstack *ds, const struct dsock *s, uint32_t dst,
		 struct route4 *rt)
{
	int pi = sock_mcast_port(ds, s, true);

	if (pi < 0)
		return -ENETUNREACH;
	rt->port = pi;
	rt->nexthop = dst;
	rt->src = s != NULL && s->mcast_src4 != 0 ? s->mcast_src4 :
		  ds->ports[pi].cfg->ip4;
	rt->bcast = false;
	rt->mcast = true;
	return 0;
}

/* RFC 4291 §2.7: the scope field of a multicast address. */
static unsigned mc_scope(const struct in6_addr *g)
{
	return g->s6_addr[1] & 0x0f;
}

int mcast_route6(const struct dstack *ds, const struct dsock *s,
		 const struct in6_addr *dst, uint32_t scope, struct route6 *rt)
{
	bool link = mc_scope(dst) <= 2; /* interface- and link-local */
	int pi = sock_mcast_port(ds, s, false);
	const struct addr6 *a;

	/* A zone names the interface of a link-scope group (RFC 4007 §6),
	 * and is ignored for wider ones, as Linux does. */
	if (link && scope != 0) {
		pi = port_of_ifindex(ds, scope);
		if (pi < 0)
			return -EINVAL;
	}
	if (pi < 0)
		return -ENETUNREACH;
	a = &ds->p6[pi].addr[link ? P6_LL : P6_GLOBAL];
	if (!addr6_usable(a))
		a = &ds->p6[pi].addr[P6_LL];
	if (!addr6_usable(a))
		return -EADDRNOTAVAIL;
	rt->port = pi;
	rt->nexthop = *dst;
	rt->src = a->a;
	return 0;
}

/* ---- delivery ---- */

/* A datagram to deliver, as the sockets are matched against it. */
struct mc_dgram {
	bool v4, bcast;
	unsigned pi;
	struct in6_addr dst, src;    /* v4-mapped for IPv4 */
	uint16_t sport, dport;       /* network order */
};

static void mc_dgram_of(struct rte_mbuf *m, unsigned pi, bool bcast, struct mc_dgram *d)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len);
	const struct rte_udp_hdr *u = (const void *)(l3 + m->l3_len);

	d->pi = pi;
	d->bcast = bcast;
	d->v4 = (l3[0] >> 4) == 4;
	if (d->v4) {
		const struct rte_ipv4_hdr *ip = (const void *)l3;

		d->dst = in6_mapped(ip->dst_addr);
		d->src = in6_mapped(ip->src_addr);
	} else {
		const struct rte_ipv6_hdr *ip = (const void *)l3;

		memcpy(&d->dst, ip->dst_addr, sizeof(d->dst));
		memcpy(&d->src, ip->src_addr, sizeof(d->src));
	}
	d->sport = u->src_port;
	d->dport = u->dst_port;
}

/* Whether s's bound address takes d: the wildcard of d's family (a
 * dual-stack "::" for IPv4 unless ipv6_only), or d's destination. The
 * address as bound counts, not the source connect chose. */
static bool takes_addr(const struct dsock *s, const struct mc_dgram *d)
{
	const struct in6_addr *b = &s->bound_laddr;

	if (d->v4 && s->bound_v4)
		return in6_v4(b) == 0 || in6_equal(b, &d->dst);
	if (d->v4)
		return IN6_IS_ADDR_UNSPECIFIED(b) && !s->s.opts.ipv6_only;
	return !s->bound_v4 && (IN6_IS_ADDR_UNSPECIFIED(b) || in6_equal(b, &d->dst));
}

static bool takes(const struct dsock *s, const struct mc_dgram *d)
{
	if (s->s.closed || !takes_addr(s, d))
		return false;
	if (s->conn_hashed &&
	    (s->rport != d->sport || !in6_equal(&s->raddr, &d->src)))
		return false;
	return d->bcast || dmship_admits(s, d->pi, &d->dst, &d->src);
}

/* Queue m for s: its handler runs from this pass's dispatch (or the
 * next's), a pull-mode socket counts it as delivered now. */
static void give(struct dstack *ds, struct dsock *s, struct rte_mbuf *m)
{
	if (!udp_enqueue(ds, s, m))
		return;
	if (s->s.opts.on.data != NULL)
		net_ready(ds, s);
	else
		ds->local_delivered++;
}

static void give_copy(struct dstack *ds, struct dsock *s, struct rte_mbuf *m)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, ds->pool, 0, UINT32_MAX);

	if (c == NULL) {
		ds->st.stats.drops[DPG_DROP_pool_empty]++;
		return;
	}
	pkt_meta(c)->owner = NULL;
	give(ds, s, c);
}

void udp_mcast_deliver(struct dstack *ds, unsigned pi, struct rte_mbuf *m, bool bcast)
{
	struct dsock *last = NULL;
	struct mc_dgram d;

	mc_dgram_of(m, pi, bcast, &d);
	m->hash.usr = ds->ports[pi].ifindex; /* rinfo.ifindex, and link-local scopes */
	for (struct dsock *s = ds->by_port[rte_be_to_cpu_16(d.dport)]; s != NULL;
	     s = s->port_next) {
		if (!takes(s, &d))
			continue;
		/* Every taker but the last gets a copy, the last m itself. */
		if (last != NULL)
			give_copy(ds, last, m);
		last = s;
	}
	if (last == NULL)
		net_drop(ds, m, DPG_DROP_udp_mcast_no_socket);
	else
		give(ds, last, m);
}
