/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Glue between the stack and the multicast interface state (mcast.h,
 * mcast_state.h): its (port, group) index in an rte_hash, the NIC's
 * multicast MAC filter that follows the memberships, the stack clock and
 * rte_rand for its timers, and the IGMPv3 / MLDv2 reports its records go
 * into (split at the port's MTU, RFC 3376 §4.2.16, RFC 3810 §5.2.15).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_log.h>
#include <rte_random.h>

#include "core/clock.h"
#include "net/mcast_state.h"
#include "net/net.h"
#include "net/wire.h"

static_assert(PORT_MAX <= MC_PORTS, "mcast_state.h sizes per-port state by MC_PORTS");

RTE_LOG_REGISTER(mcast_logtype, dpgram.mcast, NOTICE);
#define MC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, mcast_logtype, "dpgram: " fmt "\n", ## __VA_ARGS__)

struct mc_key {
	struct in6_addr group;
	uint32_t port;
};

/* A report being filled for one port and family. */
struct mc_build {
	struct rte_mbuf *m;
	uint16_t nrec;
};

struct mcast {
	struct mc_state st;
	struct dstack *ds;
	struct rte_hash *h;
	struct mc_build out[MC_PORTS][2];
};

static const struct rte_ether_addr all_systems_mac = { { 0x01, 0x00, 0x5e, 0, 0, 1 } };
static const struct in6_addr all_systems = { { { [10] = 0xff, 0xff, 224, 0, 0, 1 } } };
static const struct in6_addr all_nodes = { { { 0xff, 0x02, [15] = 1 } } };
static const struct in6_addr mld_v2_routers = { { { 0xff, 0x02, [15] = 0x16 } } };

struct mc_state *mcast_state(struct dstack *ds)
{
	return &ds->mc->st;
}

/* ---- the index ---- */

static struct mc_key key_of(unsigned port, const struct in6_addr *group)
{
	struct mc_key k;

	memset(&k, 0, sizeof(k));
	k.group = *group;
	k.port = port;
	return k;
}

static int ix_find(void *ctx, unsigned port, const struct in6_addr *group)
{
	struct mc_key k = key_of(port, group);

	return rte_hash_lookup(((struct mcast *)ctx)->h, &k);
}

static int ix_add(void *ctx, unsigned port, const struct in6_addr *group)
{
	struct mc_key k = key_of(port, group);

	return rte_hash_add_key(((struct mcast *)ctx)->h, &k);
}

static void ix_del(void *ctx, unsigned port, const struct in6_addr *group)
{
	struct mc_key k = key_of(port, group);

	rte_hash_del_key(((struct mcast *)ctx)->h, &k);
}

static const struct mc_index_ops index_ops = {
	.find = ix_find, .add = ix_add, .del = ix_del,
};

/* ---- reports ---- */

struct rte_mbuf *mcast_msg_alloc(struct dstack *ds, unsigned room, unsigned len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ds->pool);
	uint8_t *d;

	if (m == NULL) {
		DDROP(ds, pool_empty);
		return NULL;
	}
	pkt_meta(m)->owner = NULL;
	d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(room + len));
	if (d == NULL) {
		net_drop(ds, m, DPG_DROP_pool_empty);
		return NULL;
	}
	memset(d, 0, room + len);
	return m;
}

static unsigned ip_room(bool v6)
{
	return v6 ? MLD_IP_ROOM : IGMP_IP_ROOM;
}

/* The largest report out of port pi: its MTU less the IP headers, and
 * no more than one mbuf holds. */
static unsigned report_max(const struct mcast *mc, unsigned pi, bool v6)
{
	const struct dstack *ds = mc->ds;
	unsigned data = rte_pktmbuf_data_room_size(ds->pool) - RTE_PKTMBUF_HEADROOM;

	return RTE_MIN((unsigned)ds->ports[pi].mtu, data) - ip_room(v6);
}

static void report_send(struct mcast *mc, unsigned pi, bool v6)
{
	struct mc_build *b = &mc->out[pi][v6];
	struct mc_report_hdr *h;

	if (b->m == NULL)
		return;
	h = rte_pktmbuf_mtod_offset(b->m, struct mc_report_hdr *, ip_room(v6));
	h->nrec = rte_cpu_to_be_16(b->nrec);
	if (v6)
		mld_send(mc->ds, pi, b->m, &mld_v2_routers);
	else
		igmp_send(mc->ds, pi, b->m, IGMP_V3_ROUTERS);
	b->m = NULL;
	b->nrec = 0;
}

/* Append a record of n of the sources to the report of (pi, v6). */
static void record_put(struct mcast *mc, unsigned pi, bool v6, enum mc_rtype type,
		       const struct in6_addr *group, const struct in6_addr *src, unsigned n)
{
	struct mc_build *b = &mc->out[pi][v6];
	unsigned alen = v6 ? 16 : 4, hlen = v6 ? sizeof(struct mldv2_grec) :
				  sizeof(struct igmpv3_grec);
	uint8_t *r = (uint8_t *)rte_pktmbuf_append(b->m, (uint16_t)(hlen + n * alen));

	r[0] = (uint8_t)type;
	r[1] = 0;
	r[2] = (uint8_t)(n >> 8);
	r[3] = (uint8_t)n;
	memcpy(r + 4, v6 ? group->s6_addr : &group->s6_addr[12], alen);
	r += hlen;
	for (unsigned i = 0; i < n; i++, r += alen)
		memcpy(r, v6 ? src[i].s6_addr : &src[i].s6_addr[12], alen);
	b->nrec++;
}

/* RFC 3376 §4.2.16: "the Group Records are sent in as many Report
 * messages as needed [...] If its Type is not MODE_IS_EXCLUDE or
 * CHANGE_TO_EXCLUDE_MODE, it is split into multiple Group Records [...]
 * Otherwise [...] the remaining source addresses are not reported." */
static void out_record(void *ctx, unsigned pi, bool v6, enum mc_rtype type,
		       const struct in6_addr *group, const struct in6_addr *src, unsigned nsrc)
{
	struct mcast *mc = ctx;
	struct mc_build *b = &mc->out[pi][v6];
	unsigned alen = v6 ? 16 : 4, hlen = v6 ? sizeof(struct mldv2_grec) :
				  sizeof(struct igmpv3_grec);
	unsigned max = report_max(mc, pi, v6), len, n;
	bool ex = type == MC_IS_EX || type == MC_TO_EX;

	do {
		len = b->m != NULL ? rte_pktmbuf_pkt_len(b->m) - ip_room(v6) : 0;
		if (b->m != NULL && len + hlen + (nsrc > 0 ? alen : 0) > max) {
			report_send(mc, pi, v6);
			len = 0;
		}
		if (b->m == NULL) {
			b->m = mcast_msg_alloc(mc->ds, ip_room(v6), sizeof(struct mc_report_hdr));
			if (b->m == NULL)
				return;
			rte_pktmbuf_mtod_offset(b->m, uint8_t *, ip_room(v6))[0] =
				v6 ? MLD_V2_REPORT : IGMP_V3_REPORT;
			len = sizeof(struct mc_report_hdr);
		}
		if (len + hlen + (nsrc > 0 ? alen : 0) > max)
			return;  /* an MTU below any record: nothing to send */
		n = RTE_MIN(nsrc, (max - len - hlen) / alen);
		record_put(mc, pi, v6, type, group, src, n);
		src += n;
		nsrc -= n;
	} while (nsrc > 0 && !ex);
}

static void out_old(void *ctx, unsigned pi, bool v6, enum mc_ver ver, bool leave,
		    const struct in6_addr *group)
{
	struct mcast *mc = ctx;

	if (v6)
		mld_send_v1(mc->ds, pi, leave, group);
	else
		igmp_send_old(mc->ds, pi, ver == MC_V2, leave, group);
}

static void out_flush(void *ctx)
{
	struct mcast *mc = ctx;

	for (unsigned pi = 0; pi < MC_PORTS; pi++) {
		report_send(mc, pi, false);
		report_send(mc, pi, true);
	}
}

static const struct mc_out_ops out_ops = {
	.record = out_record, .old = out_old, .flush = out_flush,
};

/* ---- life ---- */

int mcast_init(struct dstack *ds)
{
	struct mcast *mc = calloc(1, sizeof(*mc));
	char name[RTE_HASH_NAMESIZE];
	/* rte_hash wants at least a bucket's worth of entries; the state
	 * enforces [mcast] groups itself */
	unsigned entries = RTE_MAX(ds->cfg.mc_groups, 16u);
	struct rte_hash_parameters hp = {
		.name = name, .entries = entries, .key_len = sizeof(struct mc_key),
		.hash_func = rte_hash_crc, .socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct mc_params prm = {
		.groups = ds->cfg.mc_groups, .sources = ds->cfg.mc_sources,
		.slots = entries + 64,   /* positions: entries, bucket slack as neigh.c */
		.robustness = ds->cfg.mc_robustness, .report_ms = ds->cfg.mc_report_ms,
		.rand = rte_rand, .index = &index_ops, .out = &out_ops, .ctx = mc,
	};

	if (mc == NULL)
		return -ENOMEM;
	snprintf(name, sizeof(name), "mc_%s", ds->name);
	mc->ds = ds;
	mc->h = rte_hash_create(&hp);
	if (mc->h == NULL || mc_init(&mc->st, &prm) < 0) {
		rte_hash_free(mc->h);
		free(mc);
		return -ENOMEM;
	}
	ds->mc = mc;
	for (unsigned pi = 0; pi < ds->nports; pi++)
		if (port_mc_add(&ds->ports[pi], &all_systems_mac) < 0)
			MC_LOG(ERR, "%s: cannot receive IGMP queries (multicast filter full)",
			       ds->ports[pi].ifname);
	return 0;
}

void mcast_fini(struct dstack *ds)
{
	struct mcast *mc = ds->mc;
	struct rte_ether_addr mac;

	if (mc == NULL)
		return;
	for (unsigned i = 0; i < mc->st.prm.slots; i++) {
		const struct mc_group *g = &mc->st.g[i];

		if (g->used && mc_is_member(g)) {
			mcast_mac(&g->group, &mac);
			port_mc_del(&ds->ports[g->port], &mac);
		}
	}
	for (unsigned pi = 0; pi < ds->nports; pi++) {
		port_mc_del(&ds->ports[pi], &all_systems_mac);
		for (unsigned v6 = 0; v6 < 2; v6++)
			rte_pktmbuf_free(mc->out[pi][v6].m);
	}
	mc_fini(&mc->st);
	rte_hash_free(mc->h);
	free(mc);
	ds->mc = NULL;
}

/* ---- memberships ---- */

static bool is_group(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_V4MAPPED(a))
		return (a->s6_addr[12] & 0xf0) == 0xe0;   /* 224.0.0.0/4 */
	return IN6_IS_ADDR_MULTICAST(a);
}

/* A source names one node of the group's family. */
static bool is_source_of(const struct in6_addr *s, const struct in6_addr *group)
{
	if (IN6_IS_ADDR_V4MAPPED(group) != IN6_IS_ADDR_V4MAPPED(s) || is_group(s))
		return false;
	return IN6_IS_ADDR_V4MAPPED(s) ? in6_v4(s) != 0 && in6_v4(s) != 0xffffffff :
	       !IN6_IS_ADDR_UNSPECIFIED(s);
}

int mcast_join(struct dstack *ds, unsigned pi, const struct in6_addr *group,
	       const struct in6_addr *src)
{
	struct mcast *mc = ds->mc;
	struct rte_ether_addr mac;
	uint64_t now = clock_now_ms();
	bool added = false, first;
	int rc;

	if (mc == NULL || pi >= ds->nports || !is_group(group) ||
	    (src != NULL && !is_source_of(src, group)))
		return -EINVAL;
	mcast_mac(group, &mac);
	if (mc_member(&mc->st, pi, group) == NULL) {
		rc = port_mc_add(&ds->ports[pi], &mac);
		if (rc < 0)
			return rc;
		added = true;
	}
	rc = mc_join(&mc->st, pi, group, src, now, &first);
	if (rc < 0) {
		if (added)
			port_mc_del(&ds->ports[pi], &mac);
		return rc;
	}
	mc_timers(&mc->st, now);   /* the first state-change report goes at once */
	return 0;
}

static void leave(struct dstack *ds, unsigned pi, const struct in6_addr *group,
		  const struct in6_addr *src, bool quiet)
{
	struct mcast *mc = ds->mc;
	struct rte_ether_addr mac;
	uint64_t now = clock_now_ms();
	bool last;

	if (mc == NULL || pi >= ds->nports)
		return;
	if (mc_leave(&mc->st, pi, group, src, now, quiet, &last) < 0)
		return;
	if (last) {
		mcast_mac(group, &mac);
		port_mc_del(&ds->ports[pi], &mac);
	}
	if (!quiet)
		mc_timers(&mc->st, now);
}

void mcast_leave(struct dstack *ds, unsigned pi, const struct in6_addr *group,
		 const struct in6_addr *src)
{
	leave(ds, pi, group, src, false);
}

void mcast_leave_quiet(struct dstack *ds, unsigned pi, const struct in6_addr *group,
		       const struct in6_addr *src)
{
	leave(ds, pi, group, src, true);
}

/* All-systems (RFC 3376 §5: "permanently enabled on all interfaces") and
 * all-nodes (RFC 4291 §2.8) need no join. */
static bool always_joined(const struct in6_addr *group)
{
	return in6_equal(group, &all_systems) || in6_equal(group, &all_nodes);
}

bool mcast_joined(const struct dstack *ds, unsigned pi, const struct in6_addr *group)
{
	if (always_joined(group))
		return true;
	return ds->mc != NULL && mc_member(&ds->mc->st, pi, group) != NULL;
}

bool mcast_admits(const struct dstack *ds, unsigned pi, const struct in6_addr *group,
		  const struct in6_addr *src)
{
	if (always_joined(group))
		return true;
	return ds->mc != NULL && mc_admits(&ds->mc->st, pi, group, src);
}

void mcast_timers(struct dstack *ds, uint64_t now)
{
	if (ds->mc != NULL)
		mc_timers(&ds->mc->st, now);
}
