/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Kernel backend, control path: stacks, sockets, bind/connect, options and
 * memberships over Linux UDP sockets. The data path is in kernel_io.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/kernel.h"
#include "sock/mship.h"

static int kstack_open(struct dpg_stack *st, const struct dpg_stack_config *cfg)
{
	struct kstack *k = kstack_of(st);

	(void)cfg; /* drivers-cfg and EAL arguments are DPDK matters */
	k->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (k->epfd < 0)
		return -errno;
	/* Only touched pages cost memory: large datagrams are rare. */
	k->slots = malloc((size_t)DPG_POLL_BATCH * KSLOT_SIZE);
	if (k->slots == NULL) {
		close(k->epfd);
		return -ENOMEM;
	}
	k->no_mmsg = getenv("DPGRAM_KERNEL_NO_MMSG") != NULL;
	return 0;
}

static void kstack_close(struct dpg_stack *st)
{
	struct kstack *k = kstack_of(st);

	close(k->epfd);
	free(k->slots);
}

static bool ifa_matches(const struct ifaddrs *ifa, const struct sockaddr_storage *a)
{
	const struct sockaddr *sa = ifa->ifa_addr;

	if (sa == NULL || sa->sa_family != a->ss_family)
		return false;
	if (sa->sa_family == AF_INET)
		return ((const struct sockaddr_in *)sa)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)a)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr,
		      &((const struct sockaddr_in6 *)a)->sin6_addr, 16) == 0;
}

static int kiface_by_addr(struct dpg_stack *st, const struct sockaddr_storage *a)
{
	struct ifaddrs *all, *ifa;
	int idx = -EADDRNOTAVAIL;

	(void)st;
	if (getifaddrs(&all) < 0)
		return -errno;
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa_matches(ifa, a)) {
			idx = (int)if_nametoindex(ifa->ifa_name);
			if (idx == 0)
				idx = -EADDRNOTAVAIL;
			break;
		}
	}
	freeifaddrs(all);
	return idx;
}

static int ksetint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v)) < 0 ? -errno : 0;
}

/* Options every socket gets: ancillary data for rinfo and drop counts,
 * errors from ICMP, and multicast delivery only for groups this socket
 * joined (Linux otherwise delivers any group joined by any socket). */
static int ksock_setup(struct ksock *ks)
{
	const struct dpg_socket_opts *o = &ks->s.opts;
	int fd = ks->fd, rc = 0;

	if (o->reuse_addr)
		rc |= ksetint(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (o->reuse_port)
		rc |= ksetint(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	rc |= ksetint(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
	/* IPv4 options apply to the IPv4 side of dual-stack sockets too. */
	rc |= ksetint(fd, IPPROTO_IP, IP_PKTINFO, 1);
	rc |= ksetint(fd, IPPROTO_IP, IP_RECVERR, 1);
	rc |= ksetint(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0);
	if (ks->s.family == AF_INET6) {
		rc |= ksetint(fd, IPPROTO_IPV6, IPV6_V6ONLY, o->ipv6_only);
		rc |= ksetint(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		rc |= ksetint(fd, IPPROTO_IPV6, IPV6_RECVERR, 1);
		rc |= ksetint(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0);
	}
	return rc < 0 ? -EINVAL : 0;
}

static int ksock_open(struct dpg_socket *s)
{
	struct ksock *ks = ksock_of(s);
	int rc;

	ks->fd = socket(s->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ks->fd < 0)
		return -errno;
	rc = ksock_setup(ks);
	if (rc == 0)
		rc = kio_arm(ks, EPOLLIN);
	if (rc == 0)
		rc = rxq_set_limit(&ks->rxq, (size_t)s->st->ops->get_opt(s, SOPT_RCVBUF));
	if (rc < 0) {
		close(ks->fd);
		return rc;
	}
	return 0;
}

static void ksock_close(struct dpg_socket *s)
{
	struct ksock *ks = ksock_of(s);

	/* close() leaves the memberships and removes the fd from epoll. */
	close(ks->fd);
	ks->fd = -1;
	rxq_free(&ks->rxq);
}

static int kgetname(struct ksock *ks, struct sockaddr_storage *out, bool peer)
{
	socklen_t len = sizeof(*out);
	int rc;

	memset(out, 0, sizeof(*out));
	rc = peer ? getpeername(ks->fd, (struct sockaddr *)out, &len) :
		    getsockname(ks->fd, (struct sockaddr *)out, &len);
	return rc < 0 ? -errno : 0;
}

static int kbind(struct dpg_socket *s, const struct sockaddr_storage *a)
{
	struct ksock *ks = ksock_of(s);

	if (bind(ks->fd, (const struct sockaddr *)a, sa_len(a->ss_family)) < 0)
		return -errno;
	return kgetname(ks, &s->local, false);
}

static int kconnect(struct dpg_socket *s, const struct sockaddr_storage *p)
{
	struct ksock *ks = ksock_of(s);

	if (connect(ks->fd, (const struct sockaddr *)p, sa_len(p->ss_family)) < 0)
		return -errno;
	return kgetname(ks, &s->peer, true);
}

static uint16_t port_of(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET ?
	       ((const struct sockaddr_in *)a)->sin_port :
	       ((const struct sockaddr_in6 *)a)->sin6_port;
}

static int kdisconnect(struct dpg_socket *s)
{
	struct ksock *ks = ksock_of(s);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sockaddr_storage now;

	if (connect(ks->fd, &unspec, sizeof(unspec)) < 0)
		return -errno;
	/* Linux unhashes a socket whose port was chosen by the kernel
	 * (bound to port 0), and Node 20 shows port 0 afterwards; dpgram
	 * promises the socket keeps its port, so bind it again. */
	if (kgetname(ks, &now, false) == 0 && port_of(&now) == 0 &&
	    bind(ks->fd, (const struct sockaddr *)&s->local,
		 sa_len(s->local.ss_family)) < 0)
		return -errno;
	return 0;
}

static int klocal(struct dpg_socket *s, struct sockaddr_storage *out)
{
	return kgetname(ksock_of(s), out, false);
}

/* Set an IPv6 option and, on dual-stack sockets, its IPv4 twin. */
static int kset_both(struct ksock *ks, int opt4, int opt6, int v)
{
	int rc;

	if (ks->s.family == AF_INET)
		return ksetint(ks->fd, IPPROTO_IP, opt4, v);
	rc = ksetint(ks->fd, IPPROTO_IPV6, opt6, v);
	if (rc == 0 && !ks->s.opts.ipv6_only)
		(void)ksetint(ks->fd, IPPROTO_IP, opt4, v);
	return rc;
}

/* Buffer sizes: as root the FORCE variants pass net.core.*mem_max. */
static int kset_buf(struct ksock *ks, int force, int plain, int v)
{
	if (ksetint(ks->fd, SOL_SOCKET, force, v) == 0)
		return 0;
	return ksetint(ks->fd, SOL_SOCKET, plain, v);
}

static int kget_opt(struct dpg_socket *s, enum sock_opt opt)
{
	struct ksock *ks = ksock_of(s);
	socklen_t len = sizeof(int);
	int v = 0, name = opt == SOPT_RCVBUF ? SO_RCVBUF : SO_SNDBUF;

	if (opt != SOPT_RCVBUF && opt != SOPT_SNDBUF)
		return -EINVAL;
	if (getsockopt(ks->fd, SOL_SOCKET, name, &v, &len) < 0)
		return -errno;
	/* Linux doubles the value set to allow for its bookkeeping; report
	 * the size the user asked for (or the clamp applied to it). */
	return v / 2;
}

static int kset_opt(struct dpg_socket *s, enum sock_opt opt, int v)
{
	struct ksock *ks = ksock_of(s);
	int rc;

	switch (opt) {
	case SOPT_BROADCAST:
		return ksetint(ks->fd, SOL_SOCKET, SO_BROADCAST, v);
	case SOPT_TTL:
		return kset_both(ks, IP_TTL, IPV6_UNICAST_HOPS, v);
	case SOPT_MCAST_TTL:
		return kset_both(ks, IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, v);
	case SOPT_MCAST_LOOP:
		return kset_both(ks, IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, v);
	case SOPT_SNDBUF:
		return kset_buf(ks, SO_SNDBUFFORCE, SO_SNDBUF, v);
	case SOPT_RCVBUF:
		rc = kset_buf(ks, SO_RCVBUFFORCE, SO_RCVBUF, v);
		if (rc == 0)
			rc = rxq_set_limit(&ks->rxq, (size_t)kget_opt(s, SOPT_RCVBUF));
		return rc;
	}
	return -EINVAL;
}

static int kset_mcast_if(struct dpg_socket *s, unsigned ifindex,
			 const struct sockaddr_storage *addr)
{
	struct ksock *ks = ksock_of(s);
	struct ip_mreqn mr = { .imr_ifindex = (int)ifindex };
	int rc;

	if (s->family == AF_INET6) {
		rc = ksetint(ks->fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)ifindex);
		if (rc == 0 && !s->opts.ipv6_only)
			(void)setsockopt(ks->fd, IPPROTO_IP, IP_MULTICAST_IF,
					 &mr, sizeof(mr));
		return rc;
	}
	if (addr != NULL)
		mr.imr_address = ((const struct sockaddr_in *)addr)->sin_addr;
	if (setsockopt(ks->fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0)
		return -errno;
	return 0;
}

static int kmembership(struct dpg_socket *s, const struct mship *m, bool join)
{
	struct ksock *ks = ksock_of(s);
	int level = s->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
	struct group_source_req gsr = { .gsr_interface = m->ifindex };
	struct group_req gr = { .gr_interface = m->ifindex };
	int rc;

	if (m->has_source) {
		memcpy(&gsr.gsr_group, &m->group, sa_len(s->family));
		memcpy(&gsr.gsr_source, &m->source, sa_len(s->family));
		rc = setsockopt(ks->fd, level, join ? MCAST_JOIN_SOURCE_GROUP :
				MCAST_LEAVE_SOURCE_GROUP, &gsr, sizeof(gsr));
	} else {
		memcpy(&gr.gr_group, &m->group, sa_len(s->family));
		rc = setsockopt(ks->fd, level, join ? MCAST_JOIN_GROUP :
				MCAST_LEAVE_GROUP, &gr, sizeof(gr));
	}
	if (rc == 0)
		return 0;
	/* No interface for the group (no route, unknown index). */
	return errno == ENODEV ? -EADDRNOTAVAIL : -errno;
}

static int ksend_queue(struct dpg_socket *s, bool bytes)
{
	/* Every accepted datagram is already the kernel's: dpgram holds none
	 * back (backpressure is -EAGAIN, not a queue). */
	(void)s;
	(void)bytes;
	return 0;
}

const struct backend_ops kernel_backend_ops = {
	.name = "kernel",
	.stack_size = sizeof(struct kstack),
	.sock_size = sizeof(struct ksock),
	.stack_open = kstack_open,
	.stack_close = kstack_close,
	.poll = kio_poll,
	.iface_by_addr = kiface_by_addr,
	.sock_open = ksock_open,
	.sock_close = ksock_close,
	.bind = kbind,
	.connect = kconnect,
	.disconnect = kdisconnect,
	.local_address = klocal,
	.send = kio_send,
	.send_many = kio_send_many,
	.recv_many = kio_recv_many,
	.set_opt = kset_opt,
	.get_opt = kget_opt,
	.set_mcast_if = kset_mcast_if,
	.membership = kmembership,
	.send_queue = ksend_queue,
};
