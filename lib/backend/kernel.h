/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Kernel backend: dpgram's API over non-blocking Linux UDP sockets, one epoll
 * set per stack. kernel.c holds setup and options, kernel_io.c the data path.
 */
#ifndef BACKEND_KERNEL_H
#define BACKEND_KERNEL_H

#include <sys/epoll.h>

#include "backend/backend.h"
#include "sock/rxq.h"

/* Room for one datagram of any size (IPv6 jumbo payloads are not used). */
#define KSLOT_SIZE 65536
/* epoll events taken per wait. */
#define KEVENTS 256

struct kstack {
	struct dpg_stack st;
	int epfd;
	uint8_t *slots;  /* DPG_POLL_BATCH receive slots of KSLOT_SIZE bytes */
	bool no_mmsg;    /* DPGRAM_KERNEL_NO_MMSG set: single send calls */
	struct epoll_event events[KEVENTS];
};

struct ksock {
	struct dpg_socket s;
	int fd;
	uint32_t epmask;      /* events registered with epoll */
	bool want_drain;      /* a send met backpressure: drain due */
	uint32_t ovfl_seen;   /* last SO_RXQ_OVFL counter seen */
	struct rxq rxq;       /* pull mode */
};

static inline struct kstack *kstack_of(struct dpg_stack *st)
{
	return (struct kstack *)st;
}

static inline struct ksock *ksock_of(struct dpg_socket *s)
{
	return (struct ksock *)s;
}

/* kernel_io.c */
int kio_poll(struct dpg_stack *st, int timeout_ms);
int kio_send(struct dpg_socket *s, const struct iovec *iov, int iovcnt,
	     size_t len, const struct sockaddr_storage *dst);
int kio_send_many(struct dpg_socket *s, const struct dpg_msg *msgs,
		  const struct sockaddr_storage *dsts, unsigned n);
int kio_recv_many(struct dpg_socket *s, struct dpg_rmsg *msgs, unsigned n);
/* (Re)register ks with the stack's epoll set for `mask`. */
int kio_arm(struct ksock *ks, uint32_t mask);

#endif /* BACKEND_KERNEL_H */
