/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Per-mbuf metadata (a dynamic field) and FIFOs of packets linked through it:
 * dpgram's queues cost no allocation per packet.
 */
#include <errno.h>

#include "net/net.h"

int pkt_meta_offset = -1;

int pkt_meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "dpgram_pkt_meta",
		.size = sizeof(struct pkt_meta),
		.align = __alignof__(struct pkt_meta),
	};

	if (pkt_meta_offset >= 0)
		return 0;
	pkt_meta_offset = rte_mbuf_dynfield_register(&desc);
	return pkt_meta_offset < 0 ? -rte_errno : 0;
}

void pktq_push(struct pktq *q, struct rte_mbuf *m)
{
	pkt_meta(m)->next = NULL;
	if (q->tail != NULL)
		pkt_meta(q->tail)->next = m;
	else
		q->head = m;
	q->tail = m;
	q->count++;
	q->bytes += rte_pktmbuf_pkt_len(m);
}

struct rte_mbuf *pktq_pop(struct pktq *q)
{
	struct rte_mbuf *m = q->head;

	if (m == NULL)
		return NULL;
	q->head = pkt_meta(m)->next;
	if (q->head == NULL)
		q->tail = NULL;
	q->count--;
	q->bytes -= rte_pktmbuf_pkt_len(m);
	return m;
}

void pktq_purge(struct pktq *q, struct dpg_stack *st, enum dpg_drop_reason why)
{
	struct rte_mbuf *m;

	while ((m = pktq_pop(q)) != NULL) {
		st->stats.drops[why]++;
		rte_pktmbuf_free(m);
	}
}
