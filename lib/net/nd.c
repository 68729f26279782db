/* SPDX-License-Identifier: BSD-3-Clause
 *
 * IPv6 Neighbour Discovery (RFC 4861) and the ports' own addresses.
 *
 * Resolution: Neighbour Solicitations out for the cache (neigh.c), NS
 * answered with Advertisements, and the link-layer addresses NS and NA
 * carry learnt (§7.2.3, §7.2.5). Router Advertisements are not processed:
 * a port's gateway6 and prefix come from its config.
 *
 * Addresses: a link-local one from the port's MAC and the configured one,
 * each checked by Duplicate Address Detection (RFC 4862 §5.4). They are
 * optimistic (RFC 4429) while DAD runs, not tentative: a DPDK program
 * expects its addresses to work once dpg_stack_open returns, and tentative
 * ones would wait dad_transmits x retrans_ms first. A conflict makes one
 * DUPLICATE, never used again by this stack.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_log.h>

#include "core/clock.h"
#include "net/neigh.h"
#include "net/wire.h"

RTE_LOG_REGISTER(nd_logtype, dpgram.nd, NOTICE);
#define ND_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, nd_logtype, "dpgram: " fmt "\n", ## __VA_ARGS__)

static const struct rte_ether_addr all_nodes_mac = { { 0x33, 0x33, 0, 0, 0, 1 } };
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

/* RFC 2464 §7: 33:33 and the low 32 bits of a multicast address. */
static struct rte_ether_addr mc_mac(const struct in6_addr *a)
{
	struct rte_ether_addr mac = { { 0x33, 0x33 } };

	memcpy(&mac.addr_bytes[2], &a->s6_addr[12], 4);
	return mac;
}

/* RFC 4291 §2.7.1: ff02::1:ff00:0/104 and the low 24 bits of a. */
static const uint8_t sol_prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

static struct in6_addr solicited_node(const struct in6_addr *a)
{
	struct in6_addr s;

	memcpy(s.s6_addr, sol_prefix, sizeof(sol_prefix));
	memcpy(&s.s6_addr[13], &a->s6_addr[13], 3);
	return s;
}

/* RFC 4291 §2.5.1 / RFC 2464 §5: fe80::/64 and the modified EUI-64 of the
 * MAC (the universal/local bit flipped). */
static struct in6_addr link_local(const struct rte_ether_addr *mac)
{
	const uint8_t *b = mac->addr_bytes;
	struct in6_addr a = { { { 0xfe, 0x80 } } };

	a.s6_addr[8] = b[0] ^ 0x02;
	a.s6_addr[9] = b[1];
	a.s6_addr[10] = b[2];
	a.s6_addr[11] = 0xff;
	a.s6_addr[12] = 0xfe;
	memcpy(&a.s6_addr[13], &b[3], 3);
	return a;
}

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
static int nd_send(struct dstack *ds, unsigned pi, const struct in6_addr *src,
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
	struct in6_addr dst = mcast ? solicited_node(&n->ip) : n->ip;
	struct rte_ether_addr dmac = mcast ? mc_mac(&dst) : n->mac;

	if (src != NULL && nd_send(ds, n->port, &src->a, &dst, &dmac, ND_NS, 0, &n->ip,
				   ND_OPT_SLLA) == 0)
		ds->st.stats.nd_solicits++;
}

/* ---- Duplicate Address Detection (RFC 4862 §5.4) ---- */

/* RFC 4862 §5.4.2: from ::, to the address's solicited-node group, no
 * source link-layer address. */
static void dad_probe(struct dstack *ds, unsigned pi, const struct addr6 *a)
{
	struct in6_addr dst = solicited_node(&a->a);
	struct rte_ether_addr dmac = mc_mac(&dst);

	if (nd_send(ds, pi, &in6addr_any, &dst, &dmac, ND_NS, 0, &a->a, 0) == 0)
		ds->st.stats.nd_solicits++;
}

void nd_dad_timers(struct dstack *ds, uint64_t now)
{
	for (unsigned pi = 0; pi < ds->nports; pi++) {
		for (unsigned i = 0; i < RTE_DIM(ds->p6[pi].addr); i++) {
			struct addr6 *a = &ds->p6[pi].addr[i];

			if (a->state != ADDR6_OPTIMISTIC || now < a->dad_next_ms)
				continue;
			/* the last probe's retrans_ms passed unanswered */
			if (a->dad_left == 0) {
				a->state = ADDR6_PREFERRED;
				continue;
			}
			dad_probe(ds, pi, a);
			a->dad_left--;
			a->dad_next_ms = now + ds->cfg.neigh_retrans_ms;
		}
	}
}

/* RFC 4862 §5.4.3, §5.4.4: another node has a. */
static void dad_conflict(struct dstack *ds, const struct port *p, struct addr6 *a,
			 const char *what, const struct rte_ether_addr *from)
{
	char ip[INET6_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];

	a->state = ADDR6_DUPLICATE;
	a->dad_left = 0;
	ds->st.stats.dad_conflicts++;
	inet_ntop(AF_INET6, &a->a, ip, sizeof(ip));
	rte_ether_format_addr(mac, sizeof(mac), from);
	ND_LOG(WARNING, "%s on %s: duplicate address detected (%s from MAC %s): "
	       "address not used", ip, p->ifname, what, mac);
}

static void addr_start(struct dstack *ds, struct addr6 *a, const struct in6_addr *ip,
		       uint8_t prefix)
{
	a->a = *ip;
	a->prefix = prefix;
	a->dad_left = ds->cfg.dad_transmits;
	a->state = a->dad_left > 0 ? ADDR6_OPTIMISTIC : ADDR6_PREFERRED;
	a->dad_next_ms = clock_now_ms();   /* first probe at the next timer tick */
}

/* The multicast MACs port pi receives for ND: all-nodes and the
 * solicited-node group of each address (join: add them, else delete). */
static void nd_groups(struct dstack *ds, unsigned pi, bool join)
{
	struct port *p = &ds->ports[pi];
	struct rte_ether_addr mac[1 + RTE_DIM(ds->p6[pi].addr)];
	unsigned n = 0;
	int rc;

	mac[n++] = all_nodes_mac;
	for (unsigned i = 0; i < RTE_DIM(ds->p6[pi].addr); i++) {
		struct in6_addr s = solicited_node(&ds->p6[pi].addr[i].a);

		if (ds->p6[pi].addr[i].state != ADDR6_NONE)
			mac[n++] = mc_mac(&s);
	}
	for (unsigned i = 0; i < n; i++) {
		rc = join ? port_mc_add(p, &mac[i]) : port_mc_del(p, &mac[i]);
		if (rc < 0 && join)
			ND_LOG(ERR, "%s: cannot receive multicast for IPv6: %s", p->ifname,
			       strerror(-rc));
	}
}

void nd_start(struct dstack *ds, unsigned pi)
{
	struct port *p = &ds->ports[pi];
	struct port6 *p6 = &ds->p6[pi];
	struct in6_addr ll = link_local(&p->mac);

	memset(p6, 0, sizeof(*p6));
	addr_start(ds, &p6->addr[P6_LL], &ll, 64);
	if (p->cfg->has_ip6)
		addr_start(ds, &p6->addr[P6_GLOBAL], &p->cfg->ip6, p->cfg->ip6_prefix);
	nd_groups(ds, pi, true);
}

void nd_stop(struct dstack *ds, unsigned pi)
{
	nd_groups(ds, pi, false);
	memset(&ds->p6[pi], 0, sizeof(ds->p6[pi]));
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

static bool is_solicited_node(const struct in6_addr *a)
{
	return memcmp(a->s6_addr, sol_prefix, sizeof(sol_prefix)) == 0;
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
		       (is_solicited_node(&in->dst) && !in->has_lla);
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
			dad_conflict(ds, p, a, "NS", &in->smac);
		else
			na_send(ds, pi, a, &all_nodes, &all_nodes_mac, ND_NA_OVERRIDE);
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
		rte_pktmbuf_free(m);
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
		dad_conflict(ds, p, a, "NA", &in.smac);    /* RFC 4862 §5.4.4 */
	} else {
		/* §7.2.5: no entry, nothing to update */
		n = neigh_find(ds, &in.h.target, pi, true);
		if (n != NULL)
			na_update(ds, n, &in);
	}
}
