/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The multicast interface state and its report timers (mcast.c): plain C,
 * no DPDK and no packets, so that the unit tests drive it on a fake clock
 * with a deterministic random source. Lookups of (port, group) go through
 * an index the owner supplies (mcast_if.c: an rte_hash); reports leave
 * through output callbacks (mcast_if.c: igmp.c and mld.c build them).
 *
 * One model serves IGMP (v4-mapped groups) and MLD: MLDv2 is IGMPv3 with
 * 128-bit addresses (RFC 3810 §1), MLDv1 is IGMPv2 (RFC 2710). Record
 * types have the same numbers in both (RFC 3376 §4.2.12, RFC 3810
 * §5.2.12).
 *
 * Interface state per (port, group), RFC 3376 §3.2: EXCLUDE {} while any
 * membership is any-source, else INCLUDE (union of the memberships'
 * sources). EXCLUDE lists are therefore always empty here.
 */
#ifndef NET_MCAST_STATE_H
#define NET_MCAST_STATE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define MC_PORTS 4                 /* = PORT_MAX (checked in mcast_if.c) */
#define MC_NEVER UINT64_MAX        /* a timer not running */
#define MC_QI_MS 125000u           /* RFC 3376 §8.2, RFC 3810 §9.2: Query Interval */
#define MC_V1_MAX_RESP_MS 10000u   /* RFC 3376 §7.2.1: an IGMPv1 query's 0 */

/* Group record types (RFC 3376 §4.2.12). */
enum mc_rtype {
	MC_IS_IN = 1, MC_IS_EX = 2,    /* current state */
	MC_TO_IN = 3, MC_TO_EX = 4,    /* filter mode change */
	MC_ALLOW = 5, MC_BLOCK = 6,    /* source list change */
};

/* Host compatibility mode of an interface (RFC 3376 §7.2.1, RFC 3810
 * §8.2.1), and the version of a query: NEW is IGMPv3 / MLDv2, V2 is
 * IGMPv2 / MLDv1 (reports and leaves), V1 is IGMPv1 (reports only). */
enum mc_ver { MC_VNEW = 0, MC_V2 = 2, MC_V1 = 1 };

struct mc_src {
	struct in6_addr a;
	uint32_t refs;          /* source-specific memberships (INCLUDE {a}) */
	uint8_t retx;           /* state-change reports still to carry it (§5.1) */
	bool allow;             /* ... in an ALLOW record, else in a BLOCK one */
};

/* One (port, group) record: a group with memberships, or one left whose
 * state-change retransmissions are still pending. */
struct mc_group {
	struct in6_addr group;
	unsigned port;
	bool used, v6;
	bool quiet;             /* never reported: 224.0.0.1, ff02::1, scopes 0/1 */
	uint32_t asm_refs;      /* any-source memberships */
	uint32_t nmember;       /* src[] entries with refs > 0 */
	uint16_t nsrc;          /* src[] entries in use */
	uint16_t nqsrc;         /* recorded queried sources; 0: group-specific */
	uint8_t mode_retx;      /* Filter Mode Retransmission Counter (§5.1) */
	uint64_t change_due;    /* next state-change report */
	uint64_t query_due;     /* pending answer to a query (§5.2 group timer) */
	struct mc_src *src;     /* max_src entries */
	struct in6_addr *qsrc;  /* max_src entries */
};

/* Per port and family (IGMP, MLD). */
struct mc_iface {
	enum mc_ver compat;
	uint64_t v1_until, v2_until; /* Older Version Querier Present timers */
	uint64_t general_due;        /* §5.2 interface timer */
	uint8_t robustness;          /* the querier's QRV, else the configured one */
	uint32_t qi_ms;              /* the querier's QQI, else MC_QI_MS */
};

/* Who finds the record of (port, group): find returns its slot or < 0,
 * add a new slot (< slots) or < 0, del forgets it. */
struct mc_index_ops {
	int (*find)(void *ctx, unsigned port, const struct in6_addr *group);
	int (*add)(void *ctx, unsigned port, const struct in6_addr *group);
	void (*del)(void *ctx, unsigned port, const struct in6_addr *group);
};

/* Where reports go. record: one IGMPv3 / MLDv2 group record for (port,
 * family), batched into reports until flush. old: one IGMPv1/v2 report
 * or IGMPv2 leave, MLDv1 report or done. */
struct mc_out_ops {
	void (*record)(void *ctx, unsigned port, bool v6, enum mc_rtype type,
		       const struct in6_addr *group, const struct in6_addr *src, unsigned nsrc);
	void (*old)(void *ctx, unsigned port, bool v6, enum mc_ver ver, bool leave,
		    const struct in6_addr *group);
	void (*flush)(void *ctx);
};

struct mc_params {
	unsigned groups, sources;    /* [mcast] groups, sources */
	unsigned slots;              /* positions index->add returns (>= groups); 0: groups */
	unsigned robustness;         /* [mcast] robustness */
	unsigned report_ms;          /* [mcast] report_ms */
	uint64_t (*rand)(void);
	const struct mc_index_ops *index;
	const struct mc_out_ops *out;
	void *ctx;                   /* for index and out */
};

struct mc_state {
	struct mc_params prm;
	struct mc_group *g;          /* prm.slots records, up to prm.groups in use */
	struct mc_iface ifc[MC_PORTS][2];
	struct mc_src *src_pool;     /* prm.slots x prm.sources, for g[].src */
	struct in6_addr *qsrc_pool;  /* the same, for g[].qsrc */
	struct in6_addr *scratch;    /* prm.sources: records' source lists */
	unsigned used;               /* slots in use */
	uint64_t next_due;           /* earliest timer of all */
};

/* A query as received (igmp.c, mld.c). */
struct mc_query {
	bool v6;
	enum mc_ver ver;
	bool general;                /* group 0 / :: */
	struct in6_addr group;
	uint32_t max_resp_ms;        /* decoded; 0 taken as 1 */
	uint8_t qrv;                 /* v3: 0 when the querier says none */
	uint32_t qqi_ms;             /* v3: 0 when the querier says none */
	const uint8_t *src;          /* nsrc addresses of 4 (IGMP) or 16 bytes */
	unsigned nsrc;
};

/* 0 or -ENOMEM. */
int mc_init(struct mc_state *s, const struct mc_params *prm);
void mc_fini(struct mc_state *s);

/* One membership of (group, src; src NULL: any-source) on port. 0,
 * -ENOBUFS (groups or sources exhausted) or -EINVAL. *first: port had no
 * membership of group before (its MAC goes into the filter). State-change
 * reports due now go out at the next mc_timers. */
int mc_join(struct mc_state *s, unsigned port, const struct in6_addr *group,
	    const struct in6_addr *src, uint64_t now, bool *first);
/* Leave one membership mc_join made: 0 or -ENOENT. *last: none left on
 * port (its MAC leaves the filter). quiet: no report (stack closing). */
int mc_leave(struct mc_state *s, unsigned port, const struct in6_addr *group,
	     const struct in6_addr *src, uint64_t now, bool quiet, bool *last);

/* The record of (port, group) if it has memberships, else NULL. */
const struct mc_group *mc_member(const struct mc_state *s, unsigned port,
				 const struct in6_addr *group);
/* Interface state admits src (§3.2): EXCLUDE, or src in the INCLUDE list. */
bool mc_admits(const struct mc_state *s, unsigned port, const struct in6_addr *group,
	       const struct in6_addr *src);
/* Whether group is never reported (RFC 3376 §5, RFC 3810 §6). */
bool mc_quiet(const struct in6_addr *group);

/* A valid query on port (§5.2, §7.2.1). */
void mc_query(struct mc_state *s, unsigned port, const struct mc_query *q, uint64_t now);
/* Another host's IGMPv1/v2 or MLDv1 report of group (RFC 2236 §3
 * suppression): true if it cancelled our pending report. */
bool mc_heard(struct mc_state *s, unsigned port, const struct in6_addr *group,
	      uint64_t now);
/* Send what is due at now; cheap when nothing is. */
void mc_timers(struct mc_state *s, uint64_t now);

/* ---- internal to mcast.c (the state) and mcast_timer.c (its timers) ---- */

static inline bool mc_is_member(const struct mc_group *g)
{
	return g->asm_refs > 0 || g->nmember > 0;
}

static inline struct mc_iface *mc_ifc(struct mc_state *s, const struct mc_group *g)
{
	return &s->ifc[g->port][g->v6];
}

static inline void mc_arm(struct mc_state *s, uint64_t t)
{
	if (t < s->next_due)
		s->next_due = t;
}

/* A delay in (0, max] ms: the RFCs' "chosen at random from the range
 * (0, ...)". */
static inline uint64_t mc_pick(const struct mc_state *s, uint64_t max)
{
	return max == 0 ? 0 : 1 + s->prm.rand() % max;
}

/* The record of (port, group), member or not, or NULL. */
struct mc_group *mc_slot(const struct mc_state *s, unsigned port,
			 const struct in6_addr *group);
void mc_group_free(struct mc_state *s, struct mc_group *g);
int mc_src_find(const struct mc_group *g, const struct in6_addr *a);
/* Forget sources with neither memberships nor retransmissions. */
void mc_src_prune(struct mc_group *g);
/* One record of g with the first n addresses of s->scratch. */
void mc_emit(struct mc_state *s, const struct mc_group *g, enum mc_rtype type, unsigned n);
/* g's state: IS_EX / TO_EX ({}), or IS_IN / TO_IN (its sources). */
void mc_emit_state(struct mc_state *s, const struct mc_group *g, bool current);
/* ALLOW (allow) or BLOCK with the sources whose retransmissions are
 * pending, one retransmission fewer each. */
void mc_emit_changes(struct mc_state *s, struct mc_group *g, bool allow);

#endif /* NET_MCAST_STATE_H */
