/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The DPDK backend's files, internal to lib/backend: dpdk.c (stack
 * open/close, the poll loop, the ops table), dpdk_tx.c (transmit and
 * send-buffer accounting, declared in net.h) and dpdk_sock.c (the socket
 * ops, backend.h's contract).
 */
#ifndef BACKEND_DPDK_H
#define BACKEND_DPDK_H

#include "backend/backend.h"
#include "net/net.h"

/* dpdk.c: take s off the stack's list of sockets with local datagrams to
 * dispatch / events to fire (s is on it). */
void dpdk_ready_remove(struct dstack *ds, struct dsock *s);
void dpdk_events_remove(struct dstack *ds, struct dsock *s);

/* dpdk_tx.c: drop (as tx_closed) every datagram of s still waiting in a
 * port's tx buffer (s is closing). */
void dpdk_tx_forget_owner(struct dstack *ds, struct dsock *s);

/* dpdk_sock.c: the socket ops of dpdk_backend_ops. */
int dsock_open(struct dpg_socket *s);
void dsock_close(struct dpg_socket *s);
int dbind(struct dpg_socket *s, const struct sockaddr_storage *a);
int dconnect(struct dpg_socket *s, const struct sockaddr_storage *p);
int ddisconnect(struct dpg_socket *s);
int dlocal(struct dpg_socket *s, struct sockaddr_storage *out);
int dsend(struct dpg_socket *s, const struct iovec *iov, int iovcnt, size_t len,
	  const struct sockaddr_storage *dst);
int dsend_many(struct dpg_socket *s, const struct dpg_msg *msgs,
	       const struct sockaddr_storage *dsts, unsigned n);
int drecv_many(struct dpg_socket *s, struct dpg_rmsg *msgs, unsigned n);
int dset_opt(struct dpg_socket *s, enum sock_opt opt, int v);
int dget_opt(struct dpg_socket *s, enum sock_opt opt);
int dset_mcast_if(struct dpg_socket *s, unsigned ifindex,
		  const struct sockaddr_storage *addr);
int dmcast_default_if(const struct dpg_socket *s, const struct sockaddr_storage *group);
int dmembership(struct dpg_socket *s, const struct mship *m, bool join);
int dsend_queue(struct dpg_socket *s, bool bytes);

#endif /* BACKEND_DPDK_H */
