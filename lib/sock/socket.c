/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Public socket entry points: each checks and normalises its arguments, then
 * calls one backend op (libuv's uv-common.c pattern). Everything a backend
 * can rely on is established here, so both backends refuse bad input alike.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/stack.h"
#include "sock/socket.h"

/* Datagrams validated and handed to the backend at a time by send_many. */
#define SEND_CHUNK 64

socklen_t sa_len(int family)
{
	switch (family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

bool sa_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return a6->sin6_port == b6->sin6_port &&
		       memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
	return false;
}

static uint16_t sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* The IPv4 address a destination reaches: its own, or the one inside a
 * v4-mapped IPv6 address. Returns false for a real IPv6 destination. */
static bool sa_ip4(const struct sockaddr_storage *ss, uint32_t *ip)
{
	const struct sockaddr_in6 *sin6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		*ip = ((const struct sockaddr_in *)ss)->sin_addr.s_addr;
		return true;
	}
	if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
		memcpy(ip, &sin6->sin6_addr.s6_addr[12], 4);
		return true;
	}
	return false;
}

/* Copy a user address of the socket's family into *out. */
static int sock_addr_in(const struct dpg_socket *s, const struct sockaddr *in,
			struct sockaddr_storage *out)
{
	if (in->sa_family != AF_INET && in->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (in->sa_family != s->family)
		return -EAFNOSUPPORT;
	memset(out, 0, sizeof(*out));
	memcpy(out, in, sa_len(s->family));
	return 0;
}

/* The wildcard address, port 0, of the socket's family. */
static void sock_any(const struct dpg_socket *s, struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	out->ss_family = (sa_family_t)s->family;
}

static void sock_link(struct dpg_stack *st, struct dpg_socket *s)
{
	TAILQ_INSERT_TAIL(&st->sockets, s, link);
	st->nsockets++;
}

static int sock_open_worker(struct dpg_stack *st, const struct dpg_socket_opts *o,
			    struct dpg_socket *s)
{
	int rc;

	s->magic = SOCK_MAGIC;
	s->st = st;
	s->family = o->family;
	s->opts = *o;
	rc = st->ops->sock_open(s);
	if (rc < 0)
		return rc;
	if (o->recv_buffer_size > 0)
		rc = st->ops->set_opt(s, SOPT_RCVBUF, o->recv_buffer_size);
	if (rc >= 0 && o->send_buffer_size > 0)
		rc = st->ops->set_opt(s, SOPT_SNDBUF, o->send_buffer_size);
	if (rc < 0) {
		st->ops->sock_close(s);
		return rc;
	}
	return 0;
}

int dpg_socket_open(struct dpg_stack *st, const struct dpg_socket_opts *opts,
		    struct dpg_socket **out)
{
	struct dpg_socket *s;
	int rc;

	if (!stack_valid(st) || opts == NULL || out == NULL)
		return -EINVAL;
	if (opts->family != AF_INET && opts->family != AF_INET6)
		return -EAFNOSUPPORT;
	if (opts->recv_buffer_size < 0 || opts->send_buffer_size < 0)
		return -EINVAL;
	if (opts->ipv6_only && opts->family != AF_INET6)
		return -EINVAL;
	s = calloc(1, st->ops->sock_size);
	if (s == NULL)
		return -ENOMEM;
	rc = sock_open_worker(st, opts, s);
	if (rc < 0) {
		free(s);
		return rc;
	}
	sock_link(st, s);
	*out = s;
	return 0;
}

int dpg_close(struct dpg_socket *s)
{
	struct dpg_stack *st;

	if (!sock_valid(s))
		return -EINVAL;
	st = s->st;
	st->ops->sock_close(s);
	mship_free(&s->mships);
	s->closed = true;
	TAILQ_REMOVE(&st->sockets, s, link);
	st->nsockets--;
	if (st->in_poll) {
		/* The backend may still hold a pointer from this poll pass
		 * (an event, a batch): free at the end of the pass. */
		TAILQ_INSERT_TAIL(&st->graveyard, s, link);
	} else {
		s->magic = 0;
		free(s);
	}
	return 0;
}

static int sock_bind_worker(struct dpg_socket *s, const struct sockaddr_storage *a)
{
	int rc = s->st->ops->bind(s, a);

	if (rc < 0)
		return rc;
	s->bound = true;
	return 0;
}

int sock_autobind(struct dpg_socket *s)
{
	struct sockaddr_storage any;

	if (s->bound)
		return 0;
	sock_any(s, &any);
	return sock_bind_worker(s, &any);
}

int dpg_bind(struct dpg_socket *s, const struct sockaddr *addr)
{
	struct sockaddr_storage a;
	int rc;

	if (!sock_valid(s))
		return -EINVAL;
	if (s->bound)
		return -EINVAL;
	if (addr == NULL)
		sock_any(s, &a);
	else if ((rc = sock_addr_in(s, addr, &a)) < 0)
		return rc;
	return sock_bind_worker(s, &a);
}

int dpg_connect(struct dpg_socket *s, const struct sockaddr *peer)
{
	struct sockaddr_storage p;
	int rc;

	if (!sock_valid(s) || peer == NULL)
		return -EINVAL;
	if (s->connected)
		return -EISCONN;
	rc = sock_addr_in(s, peer, &p);
	if (rc < 0)
		return rc;
	if (sa_port(&p) == 0)
		return -EINVAL;
	rc = sock_autobind(s);
	if (rc < 0)
		return rc;
	rc = s->st->ops->connect(s, &p);
	if (rc < 0)
		return rc;
	s->connected = true;
	return 0;
}

int dpg_disconnect(struct dpg_socket *s)
{
	int rc;

	if (!sock_valid(s))
		return -EINVAL;
	if (!s->connected)
		return -ENOTCONN;
	rc = s->st->ops->disconnect(s);
	if (rc < 0)
		return rc;
	s->connected = false;
	memset(&s->peer, 0, sizeof(s->peer));
	return 0;
}

int dpg_address(struct dpg_socket *s, struct sockaddr_storage *out)
{
	if (!sock_valid(s) || out == NULL)
		return -EINVAL;
	if (!s->bound)
		return -EBADF;
	return s->st->ops->local_address(s, out);
}

int dpg_remote_address(struct dpg_socket *s, struct sockaddr_storage *out)
{
	if (!sock_valid(s) || out == NULL)
		return -EINVAL;
	if (!s->connected)
		return -ENOTCONN;
	*out = s->peer;
	return 0;
}

/* Check one datagram about to be sent by s: state, destination, size.
 * Fills *ndst with the normalised destination when dst is given. */
static int send_check(const struct dpg_socket *s, size_t len,
		      const struct sockaddr *dst, struct sockaddr_storage *ndst)
{
	const struct sockaddr_storage *to = &s->peer;
	uint32_t ip4;
	size_t limit;
	int rc;

	if (s->connected && dst != NULL)
		return -EISCONN;
	if (!s->connected) {
		if (dst == NULL)
			return -EDESTADDRREQ;
		rc = sock_addr_in(s, dst, ndst);
		if (rc < 0)
			return rc;
		if (sa_port(ndst) == 0)
			return -EINVAL;
		to = ndst;
	}
	limit = DPG_MAX_PAYLOAD6;
	if (sa_ip4(to, &ip4)) {
		limit = DPG_MAX_PAYLOAD4;
		/* Directed broadcasts need the interface table: the backend
		 * refuses those; the limited broadcast is the same everywhere. */
		if (ip4 == htonl(INADDR_BROADCAST) && !s->broadcast)
			return -EACCES;
	}
	if (len > limit)
		return -EMSGSIZE;
	return 0;
}

int dpg_sendv(struct dpg_socket *s, const struct iovec *iov, int iovcnt,
	      const struct sockaddr *dst)
{
	struct sockaddr_storage ndst;
	size_t len = 0;
	int rc;

	if (!sock_valid(s) || iovcnt < 0 || iovcnt > IOV_MAX ||
	    (iov == NULL && iovcnt > 0))
		return -EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		if (iov[i].iov_base == NULL && iov[i].iov_len > 0)
			return -EINVAL;
		if (iov[i].iov_len > DPG_MAX_PAYLOAD6)
			return -EMSGSIZE; /* also keeps the sum from wrapping */
		len += iov[i].iov_len;
	}
	rc = send_check(s, len, dst, &ndst);
	if (rc < 0)
		return rc;
	rc = sock_autobind(s);
	if (rc < 0)
		return rc;
	return s->st->ops->send(s, iov, iovcnt, len, s->connected ? NULL : &ndst);
}

int dpg_send(struct dpg_socket *s, const void *buf, size_t len,
	     const struct sockaddr *dst)
{
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };

	if (buf == NULL && len > 0)
		return -EINVAL;
	return dpg_sendv(s, &iov, 1, dst);
}

/* Validate up to SEND_CHUNK messages; returns how many are valid and sets
 * *err to the error of the first invalid one (0 if all are valid). */
static unsigned send_many_check(const struct dpg_socket *s,
				const struct dpg_msg *msgs, unsigned n,
				struct sockaddr_storage *dsts, int *err)
{
	unsigned i;

	*err = 0;
	for (i = 0; i < n; i++) {
		if (msgs[i].buf == NULL && msgs[i].len > 0) {
			*err = -EINVAL;
			break;
		}
		*err = send_check(s, msgs[i].len, msgs[i].dst, &dsts[i]);
		if (*err < 0)
			break;
	}
	return i;
}

int dpg_send_many(struct dpg_socket *s, const struct dpg_msg *msgs, unsigned n)
{
	struct sockaddr_storage dsts[SEND_CHUNK];
	unsigned done = 0, k, chunk;
	int err, rc;

	if (!sock_valid(s) || (msgs == NULL && n > 0))
		return -EINVAL;
	if (n > INT_MAX)
		n = INT_MAX; /* the return value must fit */
	while (done < n) {
		chunk = n - done < SEND_CHUNK ? n - done : SEND_CHUNK;
		k = send_many_check(s, msgs + done, chunk, dsts, &err);
		if (k > 0) {
			rc = sock_autobind(s);
			if (rc == 0)
				rc = s->st->ops->send_many(s, msgs + done,
					s->connected ? NULL : dsts, k);
			if (rc < 0)
				return done > 0 ? (int)done : rc;
			done += (unsigned)rc;
			if ((unsigned)rc < k)
				return (int)done;
		}
		if (err < 0)
			return done > 0 ? (int)done : err;
	}
	return (int)done;
}

int dpg_recv_many(struct dpg_socket *s, struct dpg_rmsg *msgs, unsigned n)
{
	if (!sock_valid(s) || msgs == NULL || n == 0 || s->opts.on.data != NULL)
		return -EINVAL;
	if (n > INT_MAX)
		n = INT_MAX;
	for (unsigned i = 0; i < n; i++)
		if (msgs[i].buf == NULL && msgs[i].cap > 0)
			return -EINVAL;
	return s->st->ops->recv_many(s, msgs, n);
}

struct dpg_stack *dpg_socket_stack(const struct dpg_socket *s)
{
	return sock_valid(s) ? s->st : NULL;
}

int dpg_socket_family(const struct dpg_socket *s)
{
	return sock_valid(s) ? s->family : -EINVAL;
}
