/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The report timers of the multicast interface state (mcast_state.h):
 * queries scheduling answers (RFC 3376 §5.2, RFC 3810 §6.2), older-version
 * queriers switching an interface's compatibility mode (RFC 3376 §7.2.1,
 * RFC 3810 §8.2.1, RFC 2236 §3), and the timers that send the answers and
 * the retransmissions of state-change reports (§5.1). No packets here.
 */
#include <string.h>

#include "net/mcast_state.h"

/* RFC 3376 §5.2 on a group timer: "If the resulting Current-State Record
 * has an empty set of source addresses, then no response is sent." */
static void answer_query(struct mc_state *s, struct mc_group *g)
{
	unsigned n = 0;

	if (!mc_is_member(g) || g->quiet) {
		g->nqsrc = 0;
		return;
	}
	if (mc_ifc(s, g)->compat != MC_VNEW) {
		s->prm.out->old(s->prm.ctx, g->port, g->v6, mc_ifc(s, g)->compat, false,
				&g->group);
	} else if (g->nqsrc == 0) {
		mc_emit_state(s, g, true);
	} else {
		/* INCLUDE (A): IS_IN (A*B); EXCLUDE (A): IS_IN (B-A), A = {} */
		for (unsigned i = 0; i < g->nqsrc; i++) {
			int k = mc_src_find(g, &g->qsrc[i]);

			if (g->asm_refs > 0 || (k >= 0 && g->src[k].refs > 0))
				s->scratch[n++] = g->qsrc[i];
		}
		if (n > 0)
			mc_emit(s, g, MC_IS_IN, n);
	}
	g->nqsrc = 0;
}

/* RFC 3810 §6.3 (the retransmissions of RFC 3376 §5.1): "If the report
 * should contain a Filter Mode Change Record, i.e., the Filter Mode
 * Retransmission Counter for that multicast address has a value higher
 * than zero, then, if the current filter mode of the interface is
 * INCLUDE, a TO_IN record is included in the report; otherwise a TO_EX
 * record is included. [...] If instead the report should contain Source
 * List Change Records, [...] an ALLOW and a BLOCK record is included."
 * In compatibility mode, an IGMPv1/v2 report, or a leave (v2) once the
 * group has no state. */
static void send_change(struct mc_state *s, struct mc_group *g, uint64_t now)
{
	struct mc_iface *f = mc_ifc(s, g);
	bool member = mc_is_member(g), pending = false;

	if (f->compat != MC_VNEW) {
		if (g->mode_retx > 0)
			s->prm.out->old(s->prm.ctx, g->port, g->v6, f->compat, !member, &g->group);
		g->mode_retx = member && g->mode_retx > 0 ? g->mode_retx - 1 : 0;
	} else if (g->mode_retx > 0) {
		mc_emit_state(s, g, false);
		g->mode_retx--;
	} else {
		mc_emit_changes(s, g, true);
		mc_emit_changes(s, g, false);
	}
	mc_src_prune(g);
	for (unsigned i = 0; i < g->nsrc; i++)
		pending |= g->src[i].retx > 0;
	if (g->mode_retx > 0 || pending) {
		g->change_due = now + mc_pick(s, s->prm.report_ms);
		mc_arm(s, g->change_due);
	} else {
		g->change_due = MC_NEVER;
		if (!member)
			mc_group_free(s, g);
	}
}

/* §7.2.1: "Whenever a host changes its compatibility mode, it cancels
 * all its pending response and retransmission timers." */
static void compat_update(struct mc_state *s, unsigned port, bool v6, uint64_t now)
{
	struct mc_iface *f = &s->ifc[port][v6];
	enum mc_ver c = f->v1_until > now ? MC_V1 : f->v2_until > now ? MC_V2 : MC_VNEW;

	if (c == f->compat)
		return;
	f->compat = c;
	f->general_due = MC_NEVER;
	for (unsigned i = 0; i < s->prm.slots; i++) {
		struct mc_group *g = &s->g[i];

		if (!g->used || g->port != port || g->v6 != v6)
			continue;
		g->query_due = g->change_due = MC_NEVER;
		g->nqsrc = 0;
		g->mode_retx = 0;
		for (unsigned k = 0; k < g->nsrc; k++)
			g->src[k].retx = 0;
		mc_src_prune(g);
		if (!mc_is_member(g))
			mc_group_free(s, g);
	}
}

static bool reportable(const struct mc_group *g, unsigned port, bool v6)
{
	return g->used && g->port == port && g->v6 == v6 && mc_is_member(g) && !g->quiet;
}

/* Add the query's sources to those recorded; past prm.sources of them,
 * the answer covers the whole group (a superset is still correct). */
static void qsrc_add(const struct mc_state *s, struct mc_group *g, const struct mc_query *q)
{
	for (unsigned i = 0; i < q->nsrc; i++) {
		struct in6_addr a;
		bool known = false;

		if (q->v6) {
			memcpy(&a, q->src + 16 * i, 16);
		} else {
			memset(&a, 0, sizeof(a));
			a.s6_addr[10] = a.s6_addr[11] = 0xff;
			memcpy(&a.s6_addr[12], q->src + 4 * i, 4);
		}
		for (unsigned k = 0; k < g->nqsrc && !known; k++)
			known = memcmp(&g->qsrc[k], &a, sizeof(a)) == 0;
		if (known)
			continue;
		if (g->nqsrc == s->prm.sources) {
			g->nqsrc = 0;
			return;
		}
		g->qsrc[g->nqsrc++] = a;
	}
}

/* §5.2, its rules "considered in order and only the first matching rule
 * is applied". */
static void query_new(struct mc_state *s, unsigned port, const struct mc_query *q,
		      uint64_t max, uint64_t now)
{
	struct mc_iface *f = &s->ifc[port][q->v6];
	uint64_t due = now + mc_pick(s, max);
	struct mc_group *g = q->general ? NULL : mc_slot(s, port, &q->group);
	bool state = false;

	/* 1. "If there is a pending response to a previous General Query
	 * scheduled sooner than the selected delay, no additional response
	 * needs to be scheduled." */
	if (f->general_due < due)
		return;
	/* 2. "If the received Query is a General Query, the interface timer
	 * is used [...]. Any previously pending response to a General Query
	 * is canceled." (provided the system has state to report) */
	if (q->general) {
		for (unsigned i = 0; i < s->prm.slots && !state; i++)
			state = reportable(&s->g[i], port, q->v6);
		if (state) {
			f->general_due = due;
			mc_arm(s, due);
		}
		return;
	}
	if (g == NULL || !reportable(g, port, q->v6))
		return;
	if (g->query_due == MC_NEVER) {
		/* 3. no pending response for this group: the group timer,
		 * "the list of queried sources is recorded" */
		g->nqsrc = 0;
		qsrc_add(s, g, q);
	} else if (q->nsrc == 0 || g->nqsrc == 0) {
		/* 4. "either the new Query is a Group-Specific Query or the
		 * recorded source-list associated with the group is empty,
		 * then the group source-list is cleared" */
		g->nqsrc = 0;
	} else {
		/* 5. "the group source list is augmented to contain the list
		 * of sources in the new Query" */
		qsrc_add(s, g, q);
	}
	/* 4., 5.: "at the earliest of the remaining time for the pending
	 * report and the selected delay" */
	if (due < g->query_due)
		g->query_due = due;
	mc_arm(s, g->query_due);
}

/* RFC 2236 §3: "If a timer for the group is already running, it is reset
 * to the random value only if the requested Max Response Time is less
 * than the remaining value of the running timer." */
static void query_old_group(struct mc_state *s, struct mc_group *g, uint64_t max,
			    uint64_t now)
{
	if (g->query_due != MC_NEVER && g->query_due <= now + max)
		return;
	g->query_due = now + mc_pick(s, max);
	g->nqsrc = 0;
	mc_arm(s, g->query_due);
}

void mc_query(struct mc_state *s, unsigned port, const struct mc_query *q, uint64_t now)
{
	struct mc_iface *f;
	uint64_t max = q->max_resp_ms > 0 ? q->max_resp_ms : 1, until;
	struct mc_group *g;

	if (port >= MC_PORTS)
		return;
	f = &s->ifc[port][q->v6];
	if (q->ver == MC_VNEW) {
		/* §4.1.6, §4.1.7: the querier's QRV and QQI, when given */
		if (q->qrv != 0)
			f->robustness = q->qrv;
		if (q->qqi_ms != 0)
			f->qi_ms = q->qqi_ms;
	} else {
		/* §8.12 Older Version Querier Present Timeout: "([Robustness
		 * Variable] times (the [Query Interval] in the last Query
		 * received)) plus ([Query Response Interval])" */
		until = now + (uint64_t)f->robustness * f->qi_ms + max;
		if (q->ver == MC_V1)
			f->v1_until = until;
		else
			f->v2_until = until;
		mc_arm(s, until);
	}
	compat_update(s, port, q->v6, now);
	if (f->compat == MC_VNEW) {
		query_new(s, port, q, max, now);
	} else if (!q->general) {
		g = mc_slot(s, port, &q->group);
		if (g != NULL && reportable(g, port, q->v6))
			query_old_group(s, g, max, now);
	} else {
		/* RFC 2236 §3: "delay timers for each group (excluding the
		 * all-systems group) of which it is a member" */
		for (unsigned i = 0; i < s->prm.slots; i++)
			if (reportable(&s->g[i], port, q->v6))
				query_old_group(s, &s->g[i], max, now);
	}
}

bool mc_heard(struct mc_state *s, unsigned port, const struct in6_addr *group,
	      uint64_t now)
{
	struct mc_group *g = mc_slot(s, port, group);
	bool v6 = !IN6_IS_ADDR_V4MAPPED(group);

	if (g == NULL)
		return false;
	compat_update(s, port, v6, now);
	/* RFC 2236 §3: "it stops its timer for the specified group and does
	 * not send a Report"; IGMPv3 / MLDv2 hosts do not suppress */
	if (s->ifc[port][v6].compat == MC_VNEW || g->query_due == MC_NEVER)
		return false;
	g->query_due = MC_NEVER;
	return true;
}

void mc_timers(struct mc_state *s, uint64_t now)
{
	bool general[MC_PORTS][2] = { { false } };

	if (now < s->next_due)
		return;
	s->next_due = MC_NEVER;
	for (unsigned p = 0; p < MC_PORTS; p++) {
		for (unsigned v6 = 0; v6 < 2; v6++) {
			struct mc_iface *f = &s->ifc[p][v6];

			compat_update(s, p, v6, now);
			general[p][v6] = f->general_due <= now;
			if (general[p][v6])
				f->general_due = MC_NEVER;
			mc_arm(s, f->general_due);
			mc_arm(s, f->v1_until > now ? f->v1_until : MC_NEVER);
			mc_arm(s, f->v2_until > now ? f->v2_until : MC_NEVER);
		}
	}
	for (unsigned i = 0; i < s->prm.slots; i++) {
		struct mc_group *g = &s->g[i];

		if (!g->used)
			continue;
		/* §5.2: "one Current-State Record is sent for each multicast
		 * address for which the specified interface has reception
		 * state" */
		if (general[g->port][g->v6] && reportable(g, g->port, g->v6))
			mc_emit_state(s, g, true);
		if (g->query_due <= now) {
			g->query_due = MC_NEVER;
			answer_query(s, g);
		}
		if (g->change_due <= now)
			send_change(s, g, now);
		if (g->used) {
			mc_arm(s, g->query_due);
			mc_arm(s, g->change_due);
		}
	}
	s->prm.out->flush(s->prm.ctx);
}
