/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Which port a bind may take: Linux's UDP rules across both families
 * (inet_rcv_saddr_equal, ipv6_rcv_saddr_equal): two sockets overlap when
 * their addresses do, with a dual-stack "::" holding 0.0.0.0 unless
 * ipv6_only, and may share a port only when both allow it (reuse_addr or
 * reuse_port); an ephemeral port comes from Linux's ip_local_port_range.
 * Control path: walks the sockets already on the port (by_port[]).
 */
#include <errno.h>

#include "net/net.h"

enum atype { AT_ANY, AT_MAPPED, AT_OTHER };

/* A bound address as Linux's ipv6_addr_type sees it; AF_INET sockets
 * have no IPv6 address and count as mapped. */
static enum atype atype(int family, bool v4, const struct in6_addr *a)
{
	if (family == AF_INET || v4)
		return AT_MAPPED;
	return IN6_IS_ADDR_UNSPECIFIED(a) ? AT_ANY : AT_OTHER;
}

/* The IPv4 receive address Linux gives a socket: its own, 0 for ::, and
 * 127.0.0.6 (LOOPBACK4_IPV6) for an AF_INET6 socket on an IPv6 address. */
static uint32_t rcv4(int family, bool v4, const struct in6_addr *a)
{
	if (family == AF_INET || v4)
		return in6_v4(a);
	return IN6_IS_ADDR_UNSPECIFIED(a) ? 0 : RTE_BE32(0x7f000006);
}

struct bind_req {
	int family;
	bool v4, v6only;
	const struct in6_addr *addr;
};

static bool v4_equal(uint32_t a, uint32_t b, bool b_v6only)
{
	return !b_v6only && (a == b || a == 0 || b == 0);
}

static bool addr_overlap(const struct bind_req *r, const struct dsock *x)
{
	int xf = x->s.family;
	bool xv6only = x->s.opts.ipv6_only;
	enum atype t1, t2;
	uint32_t a4 = rcv4(r->family, r->v4, r->addr);
	uint32_t x4 = rcv4(xf, x->bound_v4, &x->bound_laddr);

	if (r->family == AF_INET)
		return v4_equal(a4, x4, xv6only);
	t1 = atype(r->family, r->v4, r->addr);
	t2 = atype(xf, x->bound_v4, &x->bound_laddr);
	if (t1 == AT_MAPPED && t2 == AT_MAPPED)
		return v4_equal(a4, x4, xv6only);
	if (t1 == AT_ANY && t2 == AT_ANY)
		return true;
	if (t2 == AT_ANY && !(xv6only && t1 == AT_MAPPED))
		return true;
	if (t1 == AT_ANY && !(r->v6only && t2 == AT_MAPPED))
		return true;
	return xf == AF_INET6 && in6_equal(r->addr, &x->bound_laddr);
}

/* Linux's UDP rule: sharing a port needs both sockets to allow it. */
static bool conflicts(const struct dsock *x, const struct dsock *s,
		      const struct bind_req *r)
{
	if (!addr_overlap(r, x))
		return false;
	if (x->s.opts.reuse_addr && s->s.opts.reuse_addr)
		return false;
	if (x->s.opts.reuse_port && s->s.opts.reuse_port)
		return false;
	return true;
}

static bool port_free_for(struct dstack *ds, const struct dsock *s,
			  const struct bind_req *r, uint16_t port_h)
{
	for (struct dsock *x = ds->by_port[port_h]; x != NULL; x = x->port_next)
		if (conflicts(x, s, r))
			return false;
	return true;
}

static int pick_ephemeral(struct dstack *ds, const struct dsock *s,
			  const struct bind_req *r)
{
	unsigned span = EPHEMERAL_HI - EPHEMERAL_LO + 1;

	for (unsigned i = 0; i < span; i++) {
		uint16_t p = ds->next_ephemeral;

		ds->next_ephemeral = p == EPHEMERAL_HI ? EPHEMERAL_LO : p + 1;
		if (ds->by_port[p] == NULL && port_free_for(ds, s, r, p))
			return p;
	}
	return -EADDRINUSE;
}

int udp_port_claim(struct dstack *ds, const struct dsock *s,
		   const struct in6_addr *laddr, bool v4, uint16_t port_h)
{
	struct bind_req r = {
		.family = s->s.family,
		.v4 = v4,
		.v6only = s->s.opts.ipv6_only,
		.addr = laddr,
	};

	if (port_h == 0)
		return pick_ephemeral(ds, s, &r);
	return port_free_for(ds, s, &r, port_h) ? port_h : -EADDRINUSE;
}
