/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The socket object shared by every backend. A backend allocates its own
 * larger struct with `struct dpg_socket` as the first member (ops->sock_size).
 * Fields here are owned by the socket layer (lib/sock); backends read them
 * and fill local/peer from their bind/connect ops.
 */
#ifndef SOCK_SOCKET_H
#define SOCK_SOCKET_H

#include <sys/queue.h>

#include <dpgram.h>

#include "sock/mship.h"

#define SOCK_MAGIC 0x64707363u /* "dpsc" */

struct dpg_socket {
	uint32_t magic;
	struct dpg_stack *st;
	int family;
	struct dpg_socket_opts opts; /* as given at open: handlers, user, flags */
	bool bound;
	bool connected;
	bool closed;
	bool broadcast;
	struct sockaddr_storage local; /* as bound (before any connect) */
	struct sockaddr_storage peer;  /* when connected */
	struct mship_set mships;
	TAILQ_ENTRY(dpg_socket) link;
};

static inline bool sock_valid(const struct dpg_socket *s)
{
	return s != NULL && s->magic == SOCK_MAGIC && !s->closed;
}

/* Length of a sockaddr of a supported family, 0 otherwise. */
socklen_t sa_len(int family);
/* Whether a and b name the same address and port. */
bool sa_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b);

/* Make sure s is bound (an ephemeral port on the wildcard address). */
int sock_autobind(struct dpg_socket *s);

#endif /* SOCK_SOCKET_H */
