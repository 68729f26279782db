/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Socket options with Node dgram's names and ranges, checked here so that
 * every backend refuses the same input, then applied by the backend.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "backend/backend.h"
#include "core/stack.h"
#include "sock/socket.h"

static int set_opt(struct dpg_socket *s, enum sock_opt opt, int v)
{
	if (!sock_valid(s))
		return -EINVAL;
	return s->st->ops->set_opt(s, opt, v);
}

int dpg_set_broadcast(struct dpg_socket *s, bool on)
{
	int rc = set_opt(s, SOPT_BROADCAST, on);

	if (rc == 0)
		s->broadcast = on;
	return rc;
}

int dpg_set_ttl(struct dpg_socket *s, int ttl)
{
	if (ttl < 1 || ttl > 255)
		return -EINVAL;
	return set_opt(s, SOPT_TTL, ttl);
}

int dpg_set_multicast_ttl(struct dpg_socket *s, int ttl)
{
	if (ttl < 0 || ttl > 255)
		return -EINVAL;
	return set_opt(s, SOPT_MCAST_TTL, ttl);
}

int dpg_set_multicast_loopback(struct dpg_socket *s, bool on)
{
	return set_opt(s, SOPT_MCAST_LOOP, on);
}

int dpg_set_recv_buffer_size(struct dpg_socket *s, int size)
{
	if (size <= 0)
		return -EINVAL;
	return set_opt(s, SOPT_RCVBUF, size);
}

int dpg_set_send_buffer_size(struct dpg_socket *s, int size)
{
	if (size <= 0)
		return -EINVAL;
	return set_opt(s, SOPT_SNDBUF, size);
}

int dpg_get_recv_buffer_size(struct dpg_socket *s)
{
	return sock_valid(s) ? s->st->ops->get_opt(s, SOPT_RCVBUF) : -EINVAL;
}

int dpg_get_send_buffer_size(struct dpg_socket *s)
{
	return sock_valid(s) ? s->st->ops->get_opt(s, SOPT_SNDBUF) : -EINVAL;
}

int dpg_send_queue_size(struct dpg_socket *s)
{
	return sock_valid(s) ? s->st->ops->send_queue(s, true) : -EINVAL;
}

int dpg_send_queue_count(struct dpg_socket *s)
{
	return sock_valid(s) ? s->st->ops->send_queue(s, false) : -EINVAL;
}

/* Parse an address string of the socket's family; port 0. */
static int parse_addr(const struct dpg_socket *s, const char *str,
		      struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (str == NULL || str[0] == '\0')
		return -EINVAL;
	if (s->family == AF_INET)
		return dpg_ip4_addr(str, 0, (struct sockaddr_in *)out);
	return dpg_ip6_addr(str, 0, (struct sockaddr_in6 *)out);
}

static bool addr_is_any(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

static bool addr_is_mcast(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return IN_MULTICAST(ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr));
	return IN6_IS_ADDR_MULTICAST(&((const struct sockaddr_in6 *)a)->sin6_addr);
}

static unsigned addr_scope(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ?
	       ((const struct sockaddr_in6 *)a)->sin6_scope_id : 0;
}

/* Interface argument -> interface index (0: the stack's default).
 * IPv4: an own address or 0.0.0.0. IPv6: "::%if", an own address, or "::".
 * *addr gets the parsed address. */
static int parse_iface(const struct dpg_socket *s, const char *iface,
		       struct sockaddr_storage *addr)
{
	int rc = parse_addr(s, iface, addr);

	if (rc < 0)
		return rc;
	if (addr_scope(addr) != 0)
		return (int)addr_scope(addr);
	if (addr_is_any(addr))
		return 0;
	return s->st->ops->iface_by_addr(s->st, addr);
}

int dpg_set_multicast_interface(struct dpg_socket *s, const char *iface)
{
	struct sockaddr_storage addr;
	int ifindex;

	if (!sock_valid(s) || iface == NULL)
		return -EINVAL;
	ifindex = parse_iface(s, iface, &addr);
	if (ifindex < 0)
		return ifindex;
	return s->st->ops->set_mcast_if(s, (unsigned)ifindex,
					ifindex == 0 ? NULL : &addr);
}

/* Build a membership key from the user's strings; source may be NULL.
 * *chosen: the backend chose the interface (none was named). */
static int mship_parse(const struct dpg_socket *s, const char *source,
		       const char *group, const char *iface, struct mship *m,
		       bool *chosen)
{
	struct sockaddr_storage ifaddr;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = parse_addr(s, group, &m->group);
	if (rc < 0 || !addr_is_mcast(&m->group))
		return -EINVAL;
	if (source != NULL) {
		rc = parse_addr(s, source, &m->source);
		if (rc < 0 || addr_is_mcast(&m->source) || addr_is_any(&m->source))
			return -EINVAL;
		if (s->family == AF_INET &&
		    ((struct sockaddr_in *)&m->source)->sin_addr.s_addr ==
		    htonl(INADDR_BROADCAST))
			return -EINVAL;
		if (m->source.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&m->source)->sin6_scope_id = 0;
		m->has_source = true;
	}
	/* A scoped group ("ff02::1%eth0") names its interface. */
	m->ifindex = addr_scope(&m->group);
	if (m->group.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&m->group)->sin6_scope_id = 0;
	if (iface != NULL) {
		rc = parse_iface(s, iface, &ifaddr);
		if (rc < 0)
			return rc;
		m->ifindex = (unsigned)rc;
	}
	*chosen = false;
	if (m->ifindex == 0 && s->st->ops->mcast_default_if != NULL) {
		rc = s->st->ops->mcast_default_if(s, &m->group);
		if (rc < 0)
			return rc;
		m->ifindex = (unsigned)rc;
		*chosen = true;
	}
	return 0;
}

static int join(struct dpg_socket *s, const char *source, const char *group,
		const char *iface)
{
	struct mship m;
	bool chosen;
	int rc;

	if (!sock_valid(s))
		return -EINVAL;
	rc = mship_parse(s, source, group, iface, &m, &chosen);
	if (rc < 0)
		return rc;
	if (mship_find(&s->mships, &m, false) >= 0)
		return -EADDRINUSE;
	/* Any-source and source-specific joins of one group on one interface
	 * exclude each other. An any-source join of a group with sources is
	 * -EADDRINUSE (it is joined; Linux says the same). A source join of a
	 * group joined any-source is -EINVAL: dpgram's rule, as the socket
	 * already receives every source and the filter would mean nothing. */
	if (m.has_source && mship_has_asm(&s->mships, &m))
		return -EINVAL;
	if (!m.has_source && mship_has_ssm(&s->mships, &m))
		return -EADDRINUSE;
	rc = s->st->ops->membership(s, &m, true);
	if (rc < 0)
		return rc;
	rc = mship_add(&s->mships, &m);
	if (rc < 0)
		s->st->ops->membership(s, &m, false);
	return rc;
}

static int leave(struct dpg_socket *s, const char *source, const char *group,
		 const char *iface)
{
	struct mship m;
	bool chosen;
	int idx, rc;

	if (!sock_valid(s))
		return -EINVAL;
	rc = mship_parse(s, source, group, iface, &m, &chosen);
	if (rc < 0)
		return rc;
	/* Without an interface, leave wherever the group was joined (Node:
	 * "drop membership on all valid interfaces" — the first one here),
	 * the backend's default interface first. */
	idx = mship_find(&s->mships, &m, iface == NULL);
	if (idx < 0 && chosen) {
		m.ifindex = 0;
		idx = mship_find(&s->mships, &m, true);
	}
	if (idx < 0)
		return -EADDRNOTAVAIL;
	rc = s->st->ops->membership(s, &s->mships.v[idx], false);
	if (rc < 0)
		return rc;
	mship_remove(&s->mships, (unsigned)idx);
	return 0;
}

int dpg_add_membership(struct dpg_socket *s, const char *group, const char *iface)
{
	return join(s, NULL, group, iface);
}

int dpg_drop_membership(struct dpg_socket *s, const char *group, const char *iface)
{
	return leave(s, NULL, group, iface);
}

int dpg_add_source_membership(struct dpg_socket *s, const char *source,
			      const char *group, const char *iface)
{
	if (source == NULL)
		return -EINVAL;
	return join(s, source, group, iface);
}

int dpg_drop_source_membership(struct dpg_socket *s, const char *source,
			       const char *group, const char *iface)
{
	if (source == NULL)
		return -EINVAL;
	return leave(s, source, group, iface);
}
