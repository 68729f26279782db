/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The stack object shared by every backend. A backend allocates its own
 * larger struct with `struct dpg_stack` as the first member (ops->stack_size).
 */
#ifndef CORE_STACK_H
#define CORE_STACK_H

#include <sys/queue.h>

#include <dpgram.h>

#define STACK_MAGIC 0x64706773u /* "dpgs" */

struct backend_ops;

TAILQ_HEAD(sock_list, dpg_socket);

struct dpg_stack {
	uint32_t magic;
	const struct backend_ops *ops;
	struct sock_list sockets;   /* open sockets */
	struct sock_list graveyard; /* closed inside poll, freed at its end */
	unsigned nsockets;
	bool in_poll;               /* callbacks may be running */
	struct dpg_stats stats;
};

/* Count one drop of the given reason. */
/* Mbufs missing from their pools at stack close (stats.c). */
extern uint64_t core_mbuf_leaks;

#define STACK_DROP(st, reason, n) ((st)->stats.drops[DPG_DROP_##reason] += (n))

static inline bool stack_valid(const struct dpg_stack *st)
{
	return st != NULL && st->magic == STACK_MAGIC;
}

/* Free sockets closed while callbacks were running (end of a poll pass). */
void stack_reap(struct dpg_stack *st);

#endif /* CORE_STACK_H */
