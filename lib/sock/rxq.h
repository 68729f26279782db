/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Pull-mode receive queue for backends that copy datagrams (kernel): a byte
 * ring bounded by the socket's receive buffer size, each record a small
 * header (sender, interface, length) plus the payload. One allocation per
 * socket when it is first used, none per datagram.
 */
#ifndef SOCK_RXQ_H
#define SOCK_RXQ_H

#include <stddef.h>
#include <stdint.h>

#include <dpgram.h>

struct rxq {
	uint8_t *buf;
	size_t cap;    /* bytes allocated */
	size_t limit;  /* bytes allowed in use (the receive buffer size) */
	size_t head;   /* next record to read */
	size_t tail;   /* where the next record goes */
	size_t used;   /* bytes in use, records, headers and wrap gaps */
	unsigned count;
};

/* Bytes a datagram of len bytes takes in the queue. */
size_t rxq_record_size(size_t len);
/* Change the bound. Records already queued are kept (they may exceed a
 * smaller bound until read). 0 or -ENOMEM. */
int rxq_set_limit(struct rxq *q, size_t limit);
/* Queue one datagram; -ENOBUFS when it does not fit (caller counts the
 * drop), -ENOMEM if the ring cannot be allocated. */
int rxq_push(struct rxq *q, const void *data, size_t len,
	     const struct dpg_rinfo *ri);
/* Take up to n datagrams into msgs; returns the count (0 when empty). */
unsigned rxq_pop(struct rxq *q, struct dpg_rmsg *msgs, unsigned n);
void rxq_free(struct rxq *q);

#endif /* SOCK_RXQ_H */
