/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The ports' own IPv6 addresses and Duplicate Address Detection.
 *
 * Addresses (RFC 4291): a link-local one from the port's MAC (§2.5.1) and
 * the configured one; the port receives all-nodes and the solicited-node
 * group of each (§2.7.1), the latter joined through the multicast host
 * (mcast.h) so that MLD reports them. Each is checked by Duplicate Address Detection
 * (RFC 4862 §5.4). They are optimistic (RFC 4429) while DAD runs, not
 * tentative: a DPDK program expects its addresses to work once
 * dpg_stack_open returns, and tentative ones would wait dad_transmits x
 * retrans_ms first. A conflict makes one DUPLICATE, never used again by
 * this stack. The NS and NA that reveal one arrive through nd.c.
 */
#include <arpa/inet.h>
#include <string.h>

#include <rte_log.h>

#include "core/clock.h"
#include "net/neigh.h"
#include "net/wire.h"

/* keeps the name it had in nd.c: log levels are set by it */
RTE_LOG_REGISTER(nd_logtype, dpgram.nd, NOTICE);
#define ND_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, nd_logtype, "dpgram: " fmt "\n", ## __VA_ARGS__)

/* ---- addresses ---- */

/* RFC 4291 §2.7.1: ff02::1:ff00:0/104 and the low 24 bits of a. */
static const uint8_t sol_prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

struct in6_addr nd_solicited_node(const struct in6_addr *a)
{
	struct in6_addr s;

	memcpy(s.s6_addr, sol_prefix, sizeof(sol_prefix));
	memcpy(&s.s6_addr[13], &a->s6_addr[13], 3);
	return s;
}

bool nd_is_solicited_node(const struct in6_addr *a)
{
	return memcmp(a->s6_addr, sol_prefix, sizeof(sol_prefix)) == 0;
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

/* ---- Duplicate Address Detection (RFC 4862 §5.4) ---- */

/* RFC 4862 §5.4.2: from ::, to the address's solicited-node group, no
 * source link-layer address. */
static void dad_probe(struct dstack *ds, unsigned pi, const struct addr6 *a)
{
	struct in6_addr dst = nd_solicited_node(&a->a);
	struct rte_ether_addr dmac;

	mcast_mac(&dst, &dmac);
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
void nd_dad_conflict(struct dstack *ds, const struct port *p, struct addr6 *a,
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

/* What port pi receives for ND: all-nodes, whose MAC goes straight into
 * the filter (it is never reported, RFC 3810 §6), and the solicited-node
 * group of each address, joined as any-source memberships so that MLD
 * reports them (RFC 4861 §7.2.1, RFC 4862 §5.4.2: "the node MUST join
 * [...] the solicited-node multicast address of the tentative address").
 * join false: leave them, without reports (the stack is closing). */
static void nd_groups(struct dstack *ds, unsigned pi, bool join)
{
	struct port *p = &ds->ports[pi];
	int rc = join ? port_mc_add(p, &nd_all_nodes_mac) : port_mc_del(p, &nd_all_nodes_mac);

	if (rc < 0 && join)
		ND_LOG(ERR, "%s: cannot receive multicast for IPv6: %s", p->ifname,
		       strerror(-rc));
	for (unsigned i = 0; i < RTE_DIM(ds->p6[pi].addr); i++) {
		struct in6_addr s = nd_solicited_node(&ds->p6[pi].addr[i].a);

		if (ds->p6[pi].addr[i].state == ADDR6_NONE)
			continue;
		if (!join) {
			mcast_leave_quiet(ds, pi, &s, NULL);
			continue;
		}
		rc = mcast_join(ds, pi, &s, NULL);
		if (rc < 0)
			ND_LOG(ERR, "%s: cannot join the solicited-node group of an "
			       "address: %s", p->ifname, strerror(-rc));
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
