/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 Neighbour Discovery (RFC 4861) messages.
 *
 * Resolution: Neighbour Solicitations out for the cache (neigh.c), NS
 * answered with Advertisements, and the link-layer addresses NS and NA
 * carry learnt (§7.2.3, §7.2.5). Router Advertisements are not processed:
 * a port's gateway6 and prefix come from its config. The ports' own
 * addresses and their Duplicate Address Detection live in addr6.c; the NS
 * and NA that defend them or reveal a conflict are handled here.
 */
#include <string.h>

#include "net/neigh.h"
#include "net/wire.h"

const struct rte_ether_addr nd_all_nodes_mac = { { 0x33, 0x33, 0, 0, 0, 1 } };
static const struct in6_addr all_nodes = { { { 0xff, 0x02, [15] = 1 } } };

/* An NS or NA that passed validation: what the handlers need of it. */
struct nd_in {
	struct nd_msg h;
	struct in6_addr src, dst;
	bool has_lla;                 /* SLLAO in an NS, TLLAO in an NA */
	struct rte_ether_addr lla;
	struct rte_ether_addr smac;   /* the frame's Ethernet source */
};

/* ---- addresses ---- */

/* Port pi's own address a (whatever its state), or NULL. */
static struct addr6 *own_addr(struct dstack *ds, unsigned pi, const struct in6_addr *a)
{
	struct port6 *p6 = &ds->p6[pi];

	for (unsigned i = 0; i < RTE_DIM(p6->addr); i++)
		if (p6->addr[i].state != ADDR6_NONE && in6_equal(&p6->addr[i].a, a))
			return &p6->addr[i];
	return NULL;
}

/* ---- sending ---- */

/* An NS or NA from port pi, with our link-layer address in option `opt`
 * (0: none). 0 or a negative errno (icmp6_send). */
int nd_send(struct dstack *ds, unsigned pi, const struct in6_addr *src,
	    const struct in6_addr *dst, const struct rte_ether_addr *dmac, uint8_t type,
	    rte_be32_t flags, const struct in6_addr *target, uint8_t opt)
{
	struct {
		struct nd_msg h;
		struct nd_opt_lla o;
	} msg;
	unsigned len = sizeof(msg.h);

	memset(&msg, 0, sizeof(msg));
	msg.h.type = type;
	msg.h.flags = flags;
	msg.h.target = *target;
	if (opt != 0) {
		msg.o.type = opt;
		msg.o.len = 1;
		msg.o.mac = ds->ports[pi].mac;
		len += sizeof(msg.o);
	}
	return icmp6_send(ds, pi, src, dst, dmac, ND_HOP_LIMIT, &msg, len);
}

static void na_send(struct dstack *ds, unsigned pi, const struct addr6 *a,
		    const struct in6_addr *dst, const struct rte_ether_addr *dmac,
		    rte_be32_t flags)
{
	/* RFC 4429 §3.3: an optimistic address must not override caches */
	if (a->state == ADDR6_OPTIMISTIC)
		flags &= ~ND_NA_OVERRIDE;
	if (nd_send(ds, pi, &a->a, dst, dmac, ND_NA, flags, &a->a, ND_OPT_TLLA) == 0)
		ds->st.stats.nd_adverts++;
}

/* The source of an NS for n (§7.2.2): the source of the datagram that
 * waits for it if that is ours, else a usable address of the port, a
 * preferred one before an optimistic one, link-local first for a
 * link-local target. NULL when the port has none usable. */
static const struct addr6 *ns_source(struct dstack *ds, const struct neigh *n)
{
	const struct port6 *p6 = &ds->p6[n->port];
	unsigned first = IN6_IS_ADDR_LINKLOCAL(&n->ip) ? P6_LL : P6_GLOBAL;
	const struct addr6 *a = &p6->addr[first], *b = &p6->addr[first ^ 1], *h;

	if (n->hold.head != NULL) {
		struct in6_addr src;

		memcpy(&src, rte_pktmbuf_mtod(n->hold.head, struct rte_ipv6_hdr *)->src_addr,
		       sizeof(src));
		h = own_addr(ds, n->port, &src);
		if (h != NULL && addr6_usable(h))
			return h;
	}
	if (a->state == ADDR6_PREFERRED)
		return a;
	if (b->state == ADDR6_PREFERRED)
		return b;
	if (addr6_usable(a))
		return a;
	return addr6_usable(b) ? b : NULL;
}

/* Multicast to the target's solicited-node group while INCOMPLETE,
 * unicast to its known MAC in PROBE (§7.2.2, §7.3.3). Always with our
 * link-layer address, an optimistic source included: RFC 4429 §3.3 would
 * leave it out, but Linux ignores a multicast NS without one from a host
 * it does not know, and the first datagrams would then wait for DAD. */
void nd_solicit(struct dstack *ds, const struct neigh *n)
{
	const struct addr6 *src = ns_source(ds, n);
	bool mcast = n->state == NEIGH_INCOMPLETE;
	struct in6_addr dst = mcast ? nd_solicited_node(&n->ip) : n->ip;
	struct rte_ether_addr dmac = n->mac;

	if (mcast)
		mcast_mac(&dst, &dmac);
	if (src != NULL && nd_send(ds, n->port, &src->a, &dst, &dmac, ND_NS, 0, &n->ip,
				   ND_OPT_SLLA) == 0)
		ds->st.stats.nd_solicits++;
}

/* ---- input ---- */

/* Options (§4.6): each at least 8 bytes and inside the message; keeps
 * the link-layer address option of type want (Ethernet: length 1). */
static bool nd_options(const struct rte_mbuf *m, unsigned off, unsigned end, uint8_t want,
		       struct nd_in *in)
{
	struct nd_opt_lla buf;
	const struct nd_opt_lla *o;
	unsigned olen;

	while (off < end) {
		o = end - off >= 2 ? rte_pktmbuf_read(m, off, 2, &buf) : NULL;
		olen = o != NULL ? (unsigned)o->len * ND_OPT_UNIT : 0;
		if (olen == 0 || olen > end - off)
			return false;
		if (o->type == want) {
			/* an Ethernet address, or the option is not for this link */
			if (olen != sizeof(buf))
				return false;
			o = rte_pktmbuf_read(m, off, sizeof(buf), &buf);
			if (o == NULL)
				return false;
			in->lla = o->mac;
			in->has_lla = true;
		}
		off += olen;
	}
	return true;
}


/* RFC 4861 §7.1.1 (NS) and §7.1.2 (NA), the checksum verified before
 * (icmp6.c); fills in. */
static bool nd_valid(const struct rte_mbuf *m, const struct rte_ipv6_hdr *ip, unsigned len,
		     struct nd_in *in)
{
	unsigned off = m->l2_len + m->l3_len;
	const struct nd_msg *h;

	memset(in, 0, sizeof(*in));
	memcpy(&in->src, ip->src_addr, sizeof(in->src));
	memcpy(&in->dst, ip->dst_addr, sizeof(in->dst));
	/* - The IP Hop Limit field has a value of 255 */
	/* - ICMP length (derived from the IP length) is 24 or more octets */
	if (ip->hop_limits != ND_HOP_LIMIT || len < sizeof(in->h))
		return false;
	h = rte_pktmbuf_read(m, off, sizeof(in->h), &in->h);
	if (h == NULL)
		return false;
	in->h = *h;
	/* - ICMP Code is 0; - Target Address is not a multicast address */
	if ((in->h.type != ND_NS && in->h.type != ND_NA) || in->h.code != 0 ||
	    IN6_IS_ADDR_MULTICAST(&in->h.target))
		return false;
	/* - All included options have a length that is greater than zero */
	if (!nd_options(m, off + sizeof(in->h), off + len,
			in->h.type == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA, in))
		return false;
	/* NS: - If the IP source address is the unspecified address, the IP
	 * destination address is a solicited-node multicast address, and
	 * there is no source link-layer address option */
	if (in->h.type == ND_NS)
		return !IN6_IS_ADDR_UNSPECIFIED(&in->src) ||
		       (nd_is_solicited_node(&in->dst) && !in->has_lla);
	/* NA: - If the IP Destination Address is a multicast address the
	 * Solicited flag is zero */
	return !IN6_IS_ADDR_MULTICAST(&in->dst) || !(in->h.flags & ND_NA_SOLICITED);
}

/* §7.2.3: the link-layer address of an NS's sender, new or changed,
 * makes a STALE entry (a full cache only means not learning it). */
static void nd_learn(struct dstack *ds, unsigned pi, const struct nd_in *in)
{
	struct neigh *n = neigh_find(ds, &in->src, pi, true);

	if (n == NULL) {
		n = neigh_create(ds, &in->src, pi, true);
		if (n != NULL)
			neigh_update(ds, n, &in->lla, NEIGH_STALE);
	} else if (n->state == NEIGH_INCOMPLETE || !rte_is_same_ether_addr(&n->mac, &in->lla)) {
		neigh_update(ds, n, &in->lla, NEIGH_STALE);
	}
}

/* §7.2.3, §7.2.4, and RFC 4862 §5.4.3 for NS from :: (DAD). */
static void ns_input(struct dstack *ds, struct port *p, const struct nd_in *in)
{
	unsigned pi = (unsigned)(p - ds->ports);
	struct addr6 *a = own_addr(ds, pi, &in->h.target);

	if (IN6_IS_ADDR_UNSPECIFIED(&in->src)) {
		/* another node's DAD: a conflict while ours runs, else defend */
		if (a->state == ADDR6_OPTIMISTIC)
			nd_dad_conflict(ds, p, a, "NS", &in->smac);
		else
			na_send(ds, pi, a, &all_nodes, &nd_all_nodes_mac, ND_NA_OVERRIDE);
		return;
	}
	if (in->has_lla)
		nd_learn(ds, pi, in);
	/* without SLLAO (a unicast NUD probe) the frame's sender is the one
	 * to answer: no resolution of our own for the reply */
	na_send(ds, pi, a, &in->src, in->has_lla ? &in->lla : &in->smac,
		ND_NA_SOLICITED | ND_NA_OVERRIDE);
}

/* §7.2.5 for an entry n of the target. */
static void na_update(struct dstack *ds, struct neigh *n, const struct nd_in *in)
{
	bool solicited = in->h.flags & ND_NA_SOLICITED;
	bool changed = in->has_lla && !rte_is_same_ether_addr(&in->lla, &n->mac);

	if (n->state == NEIGH_INCOMPLETE) {
		/* without a TLLAO it says nothing we can use */
		if (in->has_lla)
			neigh_update(ds, n, &in->lla, solicited ? NEIGH_REACHABLE : NEIGH_STALE);
		return;
	}
	if (!(in->h.flags & ND_NA_OVERRIDE) && changed) {
		if (n->state == NEIGH_REACHABLE)
			n->state = NEIGH_STALE;
		return;
	}
	if (solicited)
		neigh_update(ds, n, in->has_lla ? &in->lla : &n->mac, NEIGH_REACHABLE);
	else if (changed)
		neigh_update(ds, n, &in->lla, NEIGH_STALE);
}

void nd_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
	      struct rte_ipv6_hdr *ip, unsigned len)
{
	unsigned pi = (unsigned)(p - ds->ports);
	struct nd_in in;
	struct addr6 *a;
	struct neigh *n;

	if (!nd_valid(m, ip, len, &in) || m->l2_len < sizeof(struct rte_ether_hdr)) {
		net_drop(ds, m, DPG_DROP_nd_malformed);
		return;
	}
	in.smac = rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->src_addr;
	a = own_addr(ds, pi, &in.h.target);
	/* Our own DAD probe or advertisement, looped back by the link (RFC
	 * 4862 §5.4.3: ignored). An NS from a unicast source is answered
	 * whatever its MAC: net_tap's kernel side has the port's. */
	if (a != NULL && rte_is_same_ether_addr(&in.smac, &p->mac) &&
	    (in.h.type == ND_NA || IN6_IS_ADDR_UNSPECIFIED(&in.src))) {
		net_drop(ds, m, DPG_DROP_nd_looped);
		return;
	}
	/* NS for an address not (or no longer) ours; NA for one of ours
	 * that DAD already settled: another node claims it (issue 6) */
	if ((in.h.type == ND_NS && (a == NULL || a->state == ADDR6_DUPLICATE)) ||
	    (in.h.type == ND_NA && a != NULL && a->state != ADDR6_OPTIMISTIC)) {
		net_drop(ds, m, DPG_DROP_nd_not_for_us);
		return;
	}
	rte_pktmbuf_free(m);
	if (in.h.type == ND_NS) {
		ns_input(ds, p, &in);
	} else if (a != NULL) {
		nd_dad_conflict(ds, p, a, "NA", &in.smac);    /* RFC 4862 §5.4.4 */
	} else {
		/* §7.2.5: no entry, nothing to update */
		n = neigh_find(ds, &in.h.target, pi, true);
		if (n != NULL)
			na_update(ds, n, &in);
	}
}
