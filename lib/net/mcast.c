/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The multicast interface state (mcast_state.h; its timers: mcast_timer.c):
 * memberships merged per RFC 3376 §3.2, state-change reports (§5.1),
 * answers to queries (§5.2), older-version queriers (§7.2.1, RFC 2236 §3).
 * RFC 3810 says the same for MLD in §4.2, §6.1, §6.2 and §8.2.
 * No packets and no DPDK here: records leave through s->prm.out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/mcast_state.h"

static bool addr_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* RFC 3376 §5: "No IGMP messages are ever sent regarding the all-systems
 * multicast address"; RFC 3810 §6: none for ff02::1 nor "for multicast
 * addresses whose scope is 0 (reserved) or 1 (node-local)". */
bool mc_quiet(const struct in6_addr *g)
{
	static const uint8_t all_systems[16] = { [10] = 0xff, 0xff, 224, 0, 0, 1 };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };

	if (IN6_IS_ADDR_V4MAPPED(g))
		return memcmp(g, all_systems, sizeof(all_systems)) == 0;
	return memcmp(g, all_nodes, sizeof(all_nodes)) == 0 || (g->s6_addr[1] & 0x0f) <= 1;
}

/* ---- records and their sources ---- */

struct mc_group *mc_slot(const struct mc_state *s, unsigned port,
			 const struct in6_addr *group)
{
	int i = port < MC_PORTS ? s->prm.index->find(s->prm.ctx, port, group) : -1;

	return i >= 0 ? &s->g[i] : NULL;
}

void mc_group_free(struct mc_state *s, struct mc_group *g)
{
	struct mc_src *src = g->src;
	struct in6_addr *qsrc = g->qsrc;

	s->prm.index->del(s->prm.ctx, g->port, &g->group);
	memset(g, 0, sizeof(*g));
	g->src = src;
	g->qsrc = qsrc;
	s->used--;
}

/* A full table first gives up a left group's pending retransmissions. */
static struct mc_group *group_new(struct mc_state *s, unsigned port,
				  const struct in6_addr *group)
{
	struct mc_group *g;
	int i;

	for (unsigned k = 0; s->used == s->prm.groups && k < s->prm.slots; k++)
		if (s->g[k].used && !mc_is_member(&s->g[k]))
			mc_group_free(s, &s->g[k]);
	if (s->used == s->prm.groups)
		return NULL;
	i = s->prm.index->add(s->prm.ctx, port, group);
	if (i >= 0 && (unsigned)i >= s->prm.slots)
		s->prm.index->del(s->prm.ctx, port, group);
	if (i < 0 || (unsigned)i >= s->prm.slots)
		return NULL;
	g = &s->g[i];
	g->used = true;
	g->group = *group;
	g->port = port;
	g->v6 = !IN6_IS_ADDR_V4MAPPED(group);
	g->quiet = mc_quiet(group);
	g->change_due = g->query_due = MC_NEVER;
	s->used++;
	return g;
}

int mc_src_find(const struct mc_group *g, const struct in6_addr *a)
{
	for (unsigned i = 0; i < g->nsrc; i++)
		if (addr_eq(&g->src[i].a, a))
			return (int)i;
	return -1;
}

/* Sources with neither memberships nor retransmissions go. */
void mc_src_prune(struct mc_group *g)
{
	for (unsigned i = g->nsrc; i-- > 0;)
		if (g->src[i].refs == 0 && g->src[i].retx == 0)
			g->src[i] = g->src[--g->nsrc];
}

/* A full list first gives up a left source's retransmissions. */
static int src_add(const struct mc_state *s, struct mc_group *g, const struct in6_addr *a)
{
	for (unsigned i = 0; g->nsrc == s->prm.sources && i < g->nsrc; i++)
		if (g->src[i].refs == 0)
			g->src[i] = g->src[--g->nsrc];
	if (g->nsrc == s->prm.sources)
		return -1;
	g->src[g->nsrc] = (struct mc_src){ .a = *a };
	return g->nsrc++;
}

/* ---- records out ---- */

void mc_emit(struct mc_state *s, const struct mc_group *g, enum mc_rtype type, unsigned n)
{
	s->prm.out->record(s->prm.ctx, g->port, g->v6, type, &g->group, s->scratch, n);
}

/* The current state: IS_EX({}) / TO_EX({}), or IS_IN / TO_IN with the
 * sources of the memberships. */
void mc_emit_state(struct mc_state *s, const struct mc_group *g, bool current)
{
	unsigned n = 0;

	if (g->asm_refs > 0) {
		mc_emit(s, g, current ? MC_IS_EX : MC_TO_EX, 0);
		return;
	}
	for (unsigned i = 0; i < g->nsrc; i++)
		if (g->src[i].refs > 0)
			s->scratch[n++] = g->src[i].a;
	mc_emit(s, g, current ? MC_IS_IN : MC_TO_IN, n);
}

/* ALLOW or BLOCK with the sources whose retransmissions are pending. */
void mc_emit_changes(struct mc_state *s, struct mc_group *g, bool allow)
{
	unsigned n = 0;

	for (unsigned i = 0; i < g->nsrc; i++) {
		struct mc_src *c = &g->src[i];

		if (c->retx > 0 && c->allow == allow) {
			s->scratch[n++] = c->a;
			c->retx--;
		}
	}
	if (n > 0)
		mc_emit(s, g, allow ? MC_ALLOW : MC_BLOCK, n);
}

/* ---- interface state changes (§5.1) ---- */

/* g's state changed from (was_member, was_ex); c, if not NULL, is the
 * source that joined or left the INCLUDE list. The first report goes at
 * once: "each such additional change triggers the immediate transmission
 * of a new State-Change Report". */
static void changed(struct mc_state *s, struct mc_group *g, bool was_member, bool was_ex,
		    struct mc_src *c, uint64_t now)
{
	struct mc_iface *f = mc_ifc(s, g);
	bool ex = g->asm_refs > 0, member = mc_is_member(g);

	if (g->quiet)
		return;
	if (f->compat != MC_VNEW) {
		/* IGMPv1/v2, MLDv1 know joining and leaving only */
		if (member == was_member)
			return;
		if (!member)
			g->query_due = MC_NEVER;
		/* reports [Robustness] times; one leave, and none in v1 */
		g->mode_retx = member ? f->robustness : f->compat == MC_V2;
		if (g->mode_retx == 0)
			return;
	} else if (ex != was_ex) {
		/* RFC 3810 §6.1: "If the per-interface listening change
		 * that triggers the new report is a filter-mode change, then
		 * the next [Robustness Variable] State-Change Reports will
		 * include a Filter-Mode-Change Record" (the current state:
		 * it carries every source, so pending source changes go) */
		g->mode_retx = f->robustness;
		for (unsigned i = 0; i < g->nsrc; i++)
			g->src[i].retx = 0;
	} else if (!ex && c != NULL) {
		/* §5.1's table: INCLUDE (A) to INCLUDE (B) sends ALLOW (B-A),
		 * BLOCK (A-B); a source moves from one list to the other */
		c->retx = f->robustness;
		c->allow = c->refs > 0;
	} else {
		return;  /* EXCLUDE {} stays EXCLUDE {} */
	}
	g->change_due = now;
	mc_arm(s, now);
}

int mc_join(struct mc_state *s, unsigned port, const struct in6_addr *group,
	    const struct in6_addr *src, uint64_t now, bool *first)
{
	struct mc_group *g = mc_slot(s, port, group);
	struct mc_src *c = NULL;
	bool fresh = g == NULL, was_member, was_ex;
	int i;

	if (port >= MC_PORTS ||
	    (src != NULL && IN6_IS_ADDR_V4MAPPED(group) != IN6_IS_ADDR_V4MAPPED(src)))
		return -EINVAL;
	if (fresh && (g = group_new(s, port, group)) == NULL)
		return -ENOBUFS;
	was_member = mc_is_member(g);
	was_ex = g->asm_refs > 0;
	if (src == NULL) {
		g->asm_refs++;
	} else {
		i = mc_src_find(g, src);
		if (i < 0 && (i = src_add(s, g, src)) < 0) {
			if (fresh)
				mc_group_free(s, g);
			return -ENOBUFS;
		}
		if (g->src[i].refs++ == 0) {
			g->nmember++;
			c = &g->src[i];
		}
	}
	*first = !was_member;
	changed(s, g, was_member, was_ex, c, now);
	mc_src_prune(g);
	return 0;
}

int mc_leave(struct mc_state *s, unsigned port, const struct in6_addr *group,
	     const struct in6_addr *src, uint64_t now, bool quiet, bool *last)
{
	struct mc_group *g = mc_slot(s, port, group);
	struct mc_src *c = NULL;
	bool was_ex;
	int i;

	if (g == NULL || !mc_is_member(g))
		return -ENOENT;
	was_ex = g->asm_refs > 0;
	if (src == NULL) {
		if (g->asm_refs == 0)
			return -ENOENT;
		g->asm_refs--;
	} else {
		i = mc_src_find(g, src);
		if (i < 0 || g->src[i].refs == 0)
			return -ENOENT;
		if (--g->src[i].refs == 0) {
			g->nmember--;
			c = &g->src[i];
		}
	}
	*last = !mc_is_member(g);
	if (!quiet)
		changed(s, g, true, was_ex, c, now);
	mc_src_prune(g);
	if (*last && (quiet || g->change_due == MC_NEVER))
		mc_group_free(s, g);
	return 0;
}

const struct mc_group *mc_member(const struct mc_state *s, unsigned port,
				 const struct in6_addr *group)
{
	const struct mc_group *g = mc_slot(s, port, group);

	return g != NULL && mc_is_member(g) ? g : NULL;
}

bool mc_admits(const struct mc_state *s, unsigned port, const struct in6_addr *group,
	       const struct in6_addr *src)
{
	const struct mc_group *g = mc_member(s, port, group);

	if (g == NULL)
		return false;
	if (g->asm_refs > 0)
		return true;
	for (unsigned i = 0; i < g->nsrc; i++)
		if (g->src[i].refs > 0 && addr_eq(&g->src[i].a, src))
			return true;
	return false;
}

/* ---- life ---- */

int mc_init(struct mc_state *s, const struct mc_params *prm)
{
	size_t n;

	memset(s, 0, sizeof(*s));
	s->prm = *prm;
	if (s->prm.slots < s->prm.groups)
		s->prm.slots = s->prm.groups;
	n = (size_t)s->prm.slots * prm->sources;
	if (s->prm.robustness == 0)
		s->prm.robustness = 2;
	if (s->prm.report_ms == 0)
		s->prm.report_ms = 1000;
	s->g = calloc(s->prm.slots, sizeof(*s->g));
	s->src_pool = calloc(n, sizeof(*s->src_pool));
	s->qsrc_pool = calloc(n, sizeof(*s->qsrc_pool));
	s->scratch = calloc(prm->sources, sizeof(*s->scratch));
	if (prm->groups == 0 || prm->sources == 0 || s->g == NULL || s->src_pool == NULL ||
	    s->qsrc_pool == NULL || s->scratch == NULL) {
		mc_fini(s);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < s->prm.slots; i++) {
		s->g[i].src = s->src_pool + (size_t)i * prm->sources;
		s->g[i].qsrc = s->qsrc_pool + (size_t)i * prm->sources;
	}
	for (unsigned p = 0; p < MC_PORTS; p++) {
		for (unsigned v6 = 0; v6 < 2; v6++) {
			s->ifc[p][v6] = (struct mc_iface){
				.compat = MC_VNEW, .general_due = MC_NEVER,
				.robustness = (uint8_t)s->prm.robustness, .qi_ms = MC_QI_MS,
			};
		}
	}
	s->next_due = MC_NEVER;
	return 0;
}

void mc_fini(struct mc_state *s)
{
	free(s->g);
	free(s->src_pool);
	free(s->qsrc_pool);
	free(s->scratch);
	memset(s, 0, sizeof(*s));
}
