/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Kernel backend, data path: epoll, recvmmsg into the stack's slots,
 * sendmsg/sendmmsg, the ICMP error queue and drain on EPOLLOUT.
 */
#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>
#include <string.h>
#include <unistd.h>

#include "backend/kernel.h"

/* Control buffer for one received datagram: IPv4 or IPv6 packet info and
 * the socket's drop counter. */
union kcmsg {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) +
		    CMSG_SPACE(sizeof(struct in_pktinfo)) +
		    CMSG_SPACE(sizeof(uint32_t))];
};

/* Per-pass receive state, on the caller's stack: DPG_POLL_BATCH entries. */
struct krx {
	struct mmsghdr mm[DPG_POLL_BATCH];
	struct iovec iov[DPG_POLL_BATCH];
	struct sockaddr_storage from[DPG_POLL_BATCH];
	union kcmsg cmsg[DPG_POLL_BATCH];
};

int kio_arm(struct ksock *ks, uint32_t mask)
{
	struct epoll_event ev = { .events = mask, .data.ptr = ks };
	int op = ks->epmask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;

	if (mask == ks->epmask)
		return 0;
	if (epoll_ctl(kstack_of(ks->s.st)->epfd, op, ks->fd, &ev) < 0)
		return -errno;
	ks->epmask = mask;
	return 0;
}

/* Backpressure: remember to fire drain, and ask epoll for writability
 * (armed only while a drain is owed, so an idle socket never wakes us). */
static int kio_backpressure(struct ksock *ks)
{
	ks->s.st->stats.tx_eagain++;
	ks->want_drain = true;
	(void)kio_arm(ks, EPOLLIN | EPOLLOUT);
	return -EAGAIN;
}

static bool is_backpressure(int err)
{
	return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS;
}

int kio_send(struct dpg_socket *s, const struct iovec *iov, int iovcnt,
	     size_t len, const struct sockaddr_storage *dst)
{
	struct ksock *ks = ksock_of(s);
	struct msghdr mh = {
		.msg_name = (void *)(uintptr_t)dst,
		.msg_namelen = dst != NULL ? sa_len(dst->ss_family) : 0,
		.msg_iov = (struct iovec *)(uintptr_t)iov,
		.msg_iovlen = (size_t)iovcnt,
	};
	ssize_t r;

	r = sendmsg(ks->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	/* A pending ICMP error is returned by the next send and cleared; it is
	 * reported through on.error from the error queue, so send again. */
	if (r < 0 && errno == ECONNREFUSED)
		r = sendmsg(ks->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (r < 0)
		return is_backpressure(errno) ? kio_backpressure(ks) : -errno;
	s->st->stats.tx_packets++;
	s->st->stats.tx_bytes += len;
	return 0;
}

/* One call per datagram (no sendmmsg). */
static int kio_send_each(struct dpg_socket *s, const struct dpg_msg *msgs,
			 const struct sockaddr_storage *dsts, unsigned n)
{
	unsigned i;
	int rc;

	for (i = 0; i < n; i++) {
		struct iovec iov = { (void *)(uintptr_t)msgs[i].buf, msgs[i].len };

		rc = kio_send(s, &iov, 1, msgs[i].len, dsts ? &dsts[i] : NULL);
		if (rc < 0)
			return i > 0 || rc == -EAGAIN ? (int)i : rc;
	}
	return (int)n;
}

int kio_send_many(struct dpg_socket *s, const struct dpg_msg *msgs,
		  const struct sockaddr_storage *dsts, unsigned n)
{
	struct ksock *ks = ksock_of(s);
	struct mmsghdr mm[64];
	struct iovec iov[64];
	unsigned sent = 0;
	bool retried = false;
	int r;

	if (n > 64 || kstack_of(s->st)->no_mmsg)
		return kio_send_each(s, msgs, dsts, n);
	memset(mm, 0, n * sizeof(mm[0]));
	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = (void *)(uintptr_t)msgs[i].buf;
		iov[i].iov_len = msgs[i].len;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		if (dsts != NULL) {
			mm[i].msg_hdr.msg_name = (void *)(uintptr_t)&dsts[i];
			mm[i].msg_hdr.msg_namelen = sa_len(dsts[i].ss_family);
		}
	}
	while (sent < n) {
		r = sendmmsg(ks->fd, mm + sent, n - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0) {
			for (int i = 0; i < r; i++)
				s->st->stats.tx_bytes += msgs[sent + (unsigned)i].len;
			s->st->stats.tx_packets += (unsigned)r;
			sent += (unsigned)r;
			continue;
		}
		if (r < 0 && errno == ECONNREFUSED && !retried) {
			retried = true; /* stale ICMP error, see kio_send() */
			continue;
		}
		if (r < 0 && errno == ENOSYS)
			return (int)sent + kio_send_each(s, msgs + sent,
					dsts ? dsts + sent : NULL, n - sent);
		if (r < 0 && is_backpressure(errno)) {
			kio_backpressure(ks);
			return (int)sent;
		}
		return sent > 0 ? (int)sent : (r < 0 ? -errno : -EIO);
	}
	return (int)sent;
}

/* The interface and drop counter carried by one datagram's ancillary data. */
static uint32_t kio_cmsgs(struct ksock *ks, struct msghdr *mh)
{
	uint32_t ifindex = 0, ovfl;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ifindex = (uint32_t)pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			ifindex = pi.ipi6_ifindex;
		} else if (c->cmsg_level == SOL_SOCKET &&
			   c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&ovfl, CMSG_DATA(c), sizeof(ovfl));
			STACK_DROP(ks->s.st, rx_kernel_overflow,
				   (uint32_t)(ovfl - ks->ovfl_seen));
			ks->ovfl_seen = ovfl;
		}
	}
	return ifindex;
}

static void krx_prepare(struct krx *rx, uint8_t *slots)
{
	memset(rx->mm, 0, sizeof(rx->mm));
	for (unsigned i = 0; i < DPG_POLL_BATCH; i++) {
		struct msghdr *mh = &rx->mm[i].msg_hdr;

		rx->iov[i].iov_base = slots + (size_t)i * KSLOT_SIZE;
		rx->iov[i].iov_len = KSLOT_SIZE;
		mh->msg_name = &rx->from[i];
		mh->msg_namelen = sizeof(rx->from[i]);
		mh->msg_iov = &rx->iov[i];
		mh->msg_iovlen = 1;
		mh->msg_control = rx->cmsg[i].buf;
		mh->msg_controllen = sizeof(rx->cmsg[i].buf);
	}
}

/* Hand one datagram to the socket: its data callback or its pull queue.
 * Returns 1 if delivered, 0 if dropped. */
static int kio_deliver(struct ksock *ks, const void *buf, size_t len,
		       const struct dpg_rinfo *ri)
{
	struct dpg_socket *s = &ks->s;
	struct dpg_stack *st = s->st;

	if (s->connected && !sa_equal(&ri->from, &s->peer)) {
		/* Queued by the kernel before connect() narrowed the socket. */
		STACK_DROP(st, rx_not_peer, 1);
		return 0;
	}
	if (s->opts.on.data == NULL && rxq_push(&ks->rxq, buf, len, ri) < 0) {
		STACK_DROP(st, rx_queue_full, 1);
		return 0;
	}
	st->stats.rx_packets++;
	st->stats.rx_bytes += len;
	if (s->opts.on.data != NULL)
		s->opts.on.data(s, buf, len, ri, s->opts.user);
	return 1;
}

/* Up to DPG_POLL_BATCH datagrams from one socket. */
static int kio_rx(struct ksock *ks)
{
	struct kstack *k = kstack_of(ks->s.st);
	struct dpg_rinfo ri;
	struct krx rx;
	int n, delivered = 0;

	krx_prepare(&rx, k->slots);
	n = recvmmsg(ks->fd, rx.mm, DPG_POLL_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0; /* EAGAIN, or a pending ICMP error: see kio_errqueue */
	for (int i = 0; i < n; i++) {
		struct msghdr *mh = &rx.mm[i].msg_hdr;

		if (ks->s.closed) {
			/* The data callback closed the socket. */
			STACK_DROP(ks->s.st, rx_socket_closed, 1);
			continue;
		}
		ri.ifindex = kio_cmsgs(ks, mh);
		if (mh->msg_flags & MSG_TRUNC) {
			STACK_DROP(ks->s.st, rx_truncated, 1);
			continue;
		}
		memcpy(&ri.from, &rx.from[i], sizeof(ri.from));
		ri.size = rx.mm[i].msg_len;
		delivered += kio_deliver(ks, rx.iov[i].iov_base, ri.size, &ri);
	}
	return delivered;
}

/* ICMP errors queued by IP_RECVERR: on.error for connected sockets,
 * a counted drop for the others (as Node and Linux without RECVERR). */
static void kio_errqueue(struct ksock *ks)
{
	struct dpg_socket *s = &ks->s;
	union { struct cmsghdr align; uint8_t buf[512]; } cbuf;
	uint8_t data[64];
	int soerr;
	socklen_t len = sizeof(soerr);

	for (;;) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf.buf,
				     .msg_controllen = sizeof(cbuf.buf) };
		int err = 0;

		if (recvmsg(ks->fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			break;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
				struct sock_extended_err ee;

				memcpy(&ee, CMSG_DATA(c), sizeof(ee));
				err = (int)ee.ee_errno;
			}
		}
		if (err == 0)
			continue;
		if (!s->connected) {
			STACK_DROP(s->st, icmp_unconnected, 1);
			continue;
		}
		s->st->stats.icmp_errors++;
		if (s->opts.on.error != NULL)
			s->opts.on.error(s, -err, s->opts.user);
		if (s->closed)
			return;
	}
	/* The error was also latched in SO_ERROR: clear it so that the next
	 * send does not fail with it. */
	(void)getsockopt(ks->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
}

static void kio_drain(struct ksock *ks)
{
	(void)kio_arm(ks, EPOLLIN);
	if (!ks->want_drain)
		return;
	ks->want_drain = false;
	ks->s.st->stats.drain_events++;
	if (ks->s.opts.on.drain != NULL)
		ks->s.opts.on.drain(&ks->s, ks->s.opts.user);
}

int kio_poll(struct dpg_stack *st, int timeout_ms)
{
	struct kstack *k = kstack_of(st);
	int n, delivered = 0;

	if (timeout_ms < 0 && st->nsockets == 0)
		return 0; /* nothing could ever wake us */
	n = epoll_wait(k->epfd, k->events, KEVENTS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct ksock *ks = k->events[i].data.ptr;
		uint32_t ev = k->events[i].events;

		/* A callback earlier in this pass may have closed it; its
		 * memory lives until the pass ends (stack_reap). */
		if (ks->s.closed)
			continue;
		if (ev & EPOLLERR)
			kio_errqueue(ks);
		if (!ks->s.closed && (ev & EPOLLIN))
			delivered += kio_rx(ks);
		if (!ks->s.closed && (ev & EPOLLOUT))
			kio_drain(ks);
	}
	return delivered;
}

/* Drop datagrams from others than the connected peer out of msgs[0..n),
 * keeping the order; returns how many remain. */
static unsigned kio_filter_peer(struct ksock *ks, struct dpg_rmsg *msgs, unsigned n)
{
	unsigned kept = 0;

	if (!ks->s.connected)
		return n;
	for (unsigned i = 0; i < n; i++) {
		if (!sa_equal(&msgs[i].from, &ks->s.peer)) {
			STACK_DROP(ks->s.st, rx_not_peer, 1);
			continue;
		}
		if (kept != i) {
			/* Slots may differ in size: the earlier one bounds it. */
			size_t len = msgs[i].len < msgs[kept].cap ?
				     msgs[i].len : msgs[kept].cap;

			memcpy(msgs[kept].buf, msgs[i].buf, len);
			msgs[kept].flags = msgs[i].flags |
					   (len < msgs[i].len ? DPG_RMSG_TRUNC : 0);
			msgs[kept].len = len;
			msgs[kept].from = msgs[i].from;
		}
		kept++;
	}
	return kept;
}

/* Read straight from the kernel into the caller's buffers. */
static unsigned kio_recv_direct(struct ksock *ks, struct dpg_rmsg *msgs, unsigned n)
{
	struct mmsghdr mm[DPG_POLL_BATCH];
	struct iovec iov[DPG_POLL_BATCH];
	unsigned kept;
	int r;

	if (n > DPG_POLL_BATCH)
		n = DPG_POLL_BATCH;
	memset(mm, 0, n * sizeof(mm[0]));
	for (unsigned i = 0; i < n; i++) {
		iov[i].iov_base = msgs[i].buf;
		iov[i].iov_len = msgs[i].cap;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &msgs[i].from;
		mm[i].msg_hdr.msg_namelen = sizeof(msgs[i].from);
	}
	r = recvmmsg(ks->fd, mm, n, MSG_DONTWAIT, NULL);
	if (r <= 0)
		return 0;
	for (int i = 0; i < r; i++) {
		msgs[i].len = mm[i].msg_len;
		msgs[i].flags = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) ? DPG_RMSG_TRUNC : 0;
	}
	kept = kio_filter_peer(ks, msgs, (unsigned)r);
	for (unsigned i = 0; i < kept; i++) {
		ks->s.st->stats.rx_packets++;
		ks->s.st->stats.rx_bytes += msgs[i].len;
	}
	return kept;
}

int kio_recv_many(struct dpg_socket *s, struct dpg_rmsg *msgs, unsigned n)
{
	struct ksock *ks = ksock_of(s);
	unsigned got = rxq_pop(&ks->rxq, msgs, n);

	/* Queued datagrams are older than what the kernel still holds. */
	while (got < n) {
		unsigned r = kio_recv_direct(ks, msgs + got, n - got);

		if (r == 0)
			break;
		got += r;
	}
	return got > 0 ? (int)got : -EAGAIN;
}
