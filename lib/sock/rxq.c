/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Byte ring of datagram records. A record that does not fit before the end
 * of the buffer leaves a gap (counted in `used`) and starts again at 0, so a
 * record is always contiguous.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sock/rxq.h"

struct rec_hdr {
	uint32_t len;     /* payload bytes; RXQ_WRAP marks a gap to the end */
	uint32_t ifindex;
	struct sockaddr_storage from;
};
#define RXQ_WRAP UINT32_MAX
#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

size_t rxq_record_size(size_t len)
{
	return sizeof(struct rec_hdr) + ALIGN8(len);
}

/* Allocate cap bytes and move the queued records into them, in order. */
static int rxq_grow(struct rxq *q, size_t cap)
{
	struct rxq nq = { .cap = cap, .limit = q->limit };
	struct rec_hdr *h;

	nq.buf = malloc(cap);
	if (nq.buf == NULL)
		return -ENOMEM;
	while (q->count > 0) {
		h = (struct rec_hdr *)(q->buf + q->head);
		if (q->head == q->cap || h->len == RXQ_WRAP) {
			q->used -= q->cap - q->head;
			q->head = 0;
			continue;
		}
		memcpy(nq.buf + nq.tail, h, rxq_record_size(h->len));
		nq.tail += rxq_record_size(h->len);
		nq.used += rxq_record_size(h->len);
		nq.count++;
		q->head += rxq_record_size(h->len);
		q->count--;
	}
	free(q->buf);
	*q = nq;
	return 0;
}

int rxq_set_limit(struct rxq *q, size_t limit)
{
	q->limit = limit;
	/* Grow lazily (rxq_push); a smaller bound just stops new records. */
	return 0;
}

/* Where a record of `need` bytes goes, or -1 when it does not fit now:
 * in the ring, or within the bound counting the gap a wrap leaves. */
static long rxq_slot(struct rxq *q, size_t need)
{
	size_t gap;

	if (q->count == 0)
		q->head = q->tail = q->used = 0;
	if (q->tail >= q->head && q->tail + need > q->cap) {
		/* Not enough room before the end: wrap, if the start has it. */
		gap = q->cap - q->tail;
		if (need >= q->head || q->used + gap + need > q->limit)
			return -1;
		/* Records are 8-aligned, so a non-empty gap holds the marker
		 * (the reader looks at `len` only). */
		if (gap > 0)
			*(uint32_t *)(q->buf + q->tail) = RXQ_WRAP;
		q->used += gap;
		q->tail = 0;
		return 0;
	}
	if (q->tail < q->head && q->tail + need >= q->head)
		return -1;
	return (long)q->tail;
}

int rxq_push(struct rxq *q, const void *data, size_t len,
	     const struct dpg_rinfo *ri)
{
	size_t need = rxq_record_size(len);
	struct rec_hdr *h;
	long at;
	int rc;

	if (q->used + need > q->limit)
		return -ENOBUFS;
	if (q->cap < q->limit + sizeof(struct rec_hdr)) {
		/* Room for `limit` bytes of records plus one wrap marker. */
		rc = rxq_grow(q, ALIGN8(q->limit) + sizeof(struct rec_hdr));
		if (rc < 0)
			return rc;
	}
	at = rxq_slot(q, need);
	if (at < 0)
		return -ENOBUFS;
	h = (struct rec_hdr *)(q->buf + at);
	h->len = (uint32_t)len;
	h->ifindex = ri->ifindex;
	h->from = ri->from;
	memcpy(h + 1, data, len);
	q->tail = (size_t)at + need;
	q->used += need;
	q->count++;
	return 0;
}

unsigned rxq_pop(struct rxq *q, struct dpg_rmsg *msgs, unsigned n)
{
	unsigned got = 0;
	struct rec_hdr *h;
	size_t copy;

	while (got < n && q->count > 0) {
		h = (struct rec_hdr *)(q->buf + q->head);
		if (q->head == q->cap || h->len == RXQ_WRAP) {
			q->used -= q->cap - q->head;
			q->head = 0;
			continue;
		}
		copy = h->len < msgs[got].cap ? h->len : msgs[got].cap;
		if (copy > 0)
			memcpy(msgs[got].buf, h + 1, copy);
		msgs[got].len = copy;
		msgs[got].from = h->from;
		msgs[got].flags = copy < h->len ? DPG_RMSG_TRUNC : 0;
		q->head += rxq_record_size(h->len);
		q->used -= rxq_record_size(h->len);
		q->count--;
		got++;
	}
	if (q->count == 0)
		q->head = q->tail = q->used = 0;
	return got;
}

void rxq_free(struct rxq *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}
