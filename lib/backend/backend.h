/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The backend ops table: everything the public API needs from a backend.
 * The public entry points (lib/sock, lib/core) check and normalise every
 * argument first, so an op only sees valid input:
 *  - socket addresses are sockaddr_storage in the socket's own family
 *    (IPv4 destinations of a dual-stack AF_INET6 socket are v4-mapped);
 *  - sizes, ranges and the socket's state (bound, connected) are checked.
 * An op returns >= 0 or a negative errno and changes nothing on failure.
 */
#ifndef BACKEND_BACKEND_H
#define BACKEND_BACKEND_H

#include <sys/uio.h>

#include "core/stack.h"
#include "sock/socket.h"

/* A multicast membership as the socket layer tracks it. */
struct mship;

enum sock_opt {
	SOPT_BROADCAST,     /* bool */
	SOPT_TTL,           /* 1..255 */
	SOPT_MCAST_TTL,     /* 0..255 */
	SOPT_MCAST_LOOP,    /* bool */
	SOPT_RCVBUF,        /* > 0 bytes */
	SOPT_SNDBUF,        /* > 0 bytes */
};

struct backend_ops {
	const char *name;
	size_t stack_size;  /* sizeof the backend's stack struct */
	size_t sock_size;   /* sizeof the backend's socket struct */

	/* st is zeroed and its generic part initialised. */
	int (*stack_open)(struct dpg_stack *st, const struct dpg_stack_config *cfg);
	/* Every socket is already closed. Frees backend resources only. */
	void (*stack_close)(struct dpg_stack *st);
	int (*poll)(struct dpg_stack *st, int timeout_ms);
	/* Interface index owning addr (a sockaddr_in / sockaddr_in6), or
	 * -EADDRNOTAVAIL. */
	int (*iface_by_addr)(struct dpg_stack *st, const struct sockaddr_storage *addr);

	/* s is zeroed and its generic part (stack, family, opts) set. */
	int (*sock_open)(struct dpg_socket *s);
	/* Release everything the backend holds for s; never fails. */
	void (*sock_close)(struct dpg_socket *s);
	/* Bind to addr (port may be 0); fills s->local with the result. */
	int (*bind)(struct dpg_socket *s, const struct sockaddr_storage *addr);
	/* Connect; fills s->peer (normalised) on success. */
	int (*connect)(struct dpg_socket *s, const struct sockaddr_storage *peer);
	int (*disconnect)(struct dpg_socket *s);
	/* Current local address (after bind; may differ once connected). */
	int (*local_address)(struct dpg_socket *s, struct sockaddr_storage *out);
	/* One datagram; dst NULL on connected sockets. 0 or -errno (-EAGAIN
	 * arms the drain callback). */
	int (*send)(struct dpg_socket *s, const struct iovec *iov, int iovcnt,
		    size_t len, const struct sockaddr_storage *dst);
	/* n valid datagrams (dst[i] NULL-equivalent when connected: dsts NULL).
	 * Returns the count accepted (0..n; < n with backpressure armed), or
	 * -errno if the first could not be sent for another reason. */
	int (*send_many)(struct dpg_socket *s, const struct dpg_msg *msgs,
			 const struct sockaddr_storage *dsts, unsigned n);
	int (*recv_many)(struct dpg_socket *s, struct dpg_rmsg *msgs, unsigned n);
	int (*set_opt)(struct dpg_socket *s, enum sock_opt opt, int value);
	/* Value in effect (buffer sizes). */
	int (*get_opt)(struct dpg_socket *s, enum sock_opt opt);
	/* ifindex 0: back to the default. addr: the interface address given
	 * (IPv4), or NULL. */
	int (*set_mcast_if)(struct dpg_socket *s, unsigned ifindex,
			    const struct sockaddr_storage *addr);
	/* Optional (NULL: the backend resolves interface 0 in membership()
	 * itself, as the kernel does): the interface index a membership of
	 * group naming no interface is made on, so that lib/sock's duplicate
	 * checks compare it with joins naming that interface; or -errno. */
	int (*mcast_default_if)(const struct dpg_socket *s,
				const struct sockaddr_storage *group);
	/* join != 0 joins, else leaves; m->has_source for source-specific. */
	int (*membership)(struct dpg_socket *s, const struct mship *m, bool join);
	/* Bytes / datagrams held unsent. */
	int (*send_queue)(struct dpg_socket *s, bool bytes);
};

extern const struct backend_ops kernel_backend_ops;
extern const struct backend_ops dpdk_backend_ops;
/* Release the DPDK backend's process-wide state (EAL, ports). */
void dpdk_backend_shutdown(void);

#endif /* BACKEND_BACKEND_H */
