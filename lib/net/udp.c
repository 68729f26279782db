/* SPDX-License-Identifier: BSD-3-Clause
 *
 * UDP (RFC 768, RFC 1122 §4.1) over IPv4 and IPv6 (RFC 8200 §8.1: the
 * checksum is mandatory): input checks and demux, delivery to data handlers
 * or receive queues (IPv4 senders of AF_INET6 sockets v4-mapped, link-local
 * senders scoped), output with checksum offload or software checksums, and
 * delivery inside the stack for local destinations.
 */
#include <errno.h>
#include <string.h>

#include <rte_udp.h>

#include "net/net.h"

static struct rte_udp_hdr *udp_hdr_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, m->l2_len + m->l3_len);
}

static unsigned ip_version(const struct rte_mbuf *m)
{
	return *rte_pktmbuf_mtod_offset(m, const uint8_t *, m->l2_len) >> 4;
}

/* The sender as s's family sees it: sockaddr_in, v4-mapped sockaddr_in6
 * for IPv4 senders of AF_INET6 sockets, sockaddr_in6 with the receiving
 * interface as scope for link-local senders. */
static void rinfo_of(const struct dsock *s, struct rte_mbuf *m, struct dpg_rinfo *ri)
{
	const struct rte_udp_hdr *u = udp_hdr_of(m);
	struct sockaddr_in6 *from6 = (struct sockaddr_in6 *)&ri->from;
	struct sockaddr_in *from = (struct sockaddr_in *)&ri->from;

	memset(&ri->from, 0, sizeof(struct sockaddr_in6));
	if (ip_version(m) == 4) {
		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);

		if (s->s.family == AF_INET) {
			from->sin_family = AF_INET;
			from->sin_addr.s_addr = ip->src_addr;
			from->sin_port = u->src_port;
		} else {
			from6->sin6_family = AF_INET6;
			from6->sin6_addr = in6_mapped(ip->src_addr);
			from6->sin6_port = u->src_port;
		}
	} else {
		const struct rte_ipv6_hdr *ip =
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, m->l2_len);

		from6->sin6_family = AF_INET6;
		memcpy(&from6->sin6_addr, ip->src_addr, 16);
		from6->sin6_port = u->src_port;
		if (IN6_IS_ADDR_LINKLOCAL(&from6->sin6_addr))
			from6->sin6_scope_id = m->hash.usr;
	}
	ri->size = rte_be_to_cpu_16(u->dgram_len) - sizeof(*u);
	ri->ifindex = m->hash.usr;
}

/* Hand one datagram to its socket's data handler; frees m. */
static void udp_call(struct dstack *ds, struct dsock *s, struct rte_mbuf *m)
{
	struct dpg_rinfo ri;
	unsigned off = m->l2_len + m->l3_len + sizeof(struct rte_udp_hdr);
	const void *data;

	rinfo_of(s, m, &ri);
	/* Contiguous in the mbuf, or copied into the stack's scratch. */
	data = rte_pktmbuf_read(m, off, ri.size, ds->scratch);
	ds->st.stats.rx_packets++;
	ds->st.stats.rx_bytes += ri.size;
	s->s.opts.on.data(&s->s, data, ri.size, &ri, s->s.opts.user);
	rte_pktmbuf_free(m);
}

/* Queue m on s: bounded by the receive buffer size. Returns 1 if queued. */
static int udp_enqueue(struct dstack *ds, struct dsock *s, struct rte_mbuf *m)
{
	if (s->rxq.bytes + rte_pktmbuf_pkt_len(m) > (size_t)s->rcvbuf) {
		net_drop(ds, m, DPG_DROP_rx_queue_full);
		return 0;
	}
	pktq_push(&s->rxq, m);
	return 1;
}

/* Deliver a checked datagram (l2/l3 lengths set, ifindex in hash.usr).
 * Returns 1 if it reached the socket (handler or queue). */
static int udp_deliver(struct dstack *ds, struct dsock *s, struct rte_mbuf *m)
{
	if (s->s.opts.on.data != NULL) {
		udp_call(ds, s, m);
		return 1;
	}
	/* Pull mode: counted when dpg_recv_many() hands it over. */
	return udp_enqueue(ds, s, m);
}

static bool udp4_cksum_ok(struct rte_mbuf *m, const struct rte_ipv4_hdr *ip,
			  const struct rte_udp_hdr *u, unsigned off)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;

	if (u->dgram_cksum == 0)
		return true; /* no checksum (RFC 768) */
	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	return rte_ipv4_udptcp_cksum_mbuf_verify(m, ip, (uint16_t)off) == 0;
}

/* The UDP header checks shared by both families: lengths (trimming what
 * lies beyond the UDP length). Returns the header, or NULL (m dropped). */
static struct rte_udp_hdr *udp_check_len(struct dstack *ds, struct rte_mbuf *m)
{
	unsigned off = m->l2_len + m->l3_len;
	unsigned avail = rte_pktmbuf_pkt_len(m) - off;
	struct rte_udp_hdr *u;
	unsigned ulen;

	if (avail < sizeof(*u) || rte_pktmbuf_data_len(m) < off + sizeof(*u)) {
		net_drop(ds, m, DPG_DROP_udp_too_short);
		return NULL;
	}
	u = udp_hdr_of(m);
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || ulen > avail) {
		net_drop(ds, m, DPG_DROP_udp_bad_length);
		return NULL;
	}
	if (ulen < avail)
		rte_pktmbuf_trim(m, avail - ulen);
	return u;
}

static void udp_input_to(struct dstack *ds, struct dsock *s, struct rte_mbuf *m,
			 uint32_t ifindex)
{
	if (s == NULL) {
		net_drop(ds, m, DPG_DROP_udp_no_socket);
		return;
	}
	m->hash.usr = ifindex;
	ds->delivered += (unsigned)udp_deliver(ds, s, m);
}

void udp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, uint32_t ifindex)
{
	struct rte_udp_hdr *u = udp_check_len(ds, m);

	(void)p;
	if (u == NULL)
		return;
	if (!udp4_cksum_ok(m, ip, u, m->l2_len + m->l3_len)) {
		net_drop(ds, m, DPG_DROP_udp_bad_checksum);
		return;
	}
	udp_input_to(ds, udp_table_lookup(ds, ip->dst_addr, u->dst_port,
					  ip->src_addr, u->src_port), m, ifindex);
}

void udp6_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv6_hdr *ip, uint32_t ifindex)
{
	struct rte_udp_hdr *u = udp_check_len(ds, m);
	uint64_t f;

	(void)p;
	if (u == NULL)
		return;
	/* The checksum is mandatory over IPv6 (RFC 8200 §8.1). */
	if (u->dgram_cksum == 0) {
		net_drop(ds, m, DPG_DROP_udp6_zero_checksum);
		return;
	}
	f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD ||
	    (f != RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	     !ip6_l4_cksum_ok(m, ip, IPPROTO_UDP, m->l2_len + m->l3_len,
			      rte_be_to_cpu_16(u->dgram_len)))) {
		net_drop(ds, m, DPG_DROP_udp_bad_checksum);
		return;
	}
	udp_input_to(ds, udp_table_lookup6(ds, (const struct in6_addr *)ip->dst_addr,
					   u->dst_port,
					   (const struct in6_addr *)ip->src_addr,
					   u->src_port), m, ifindex);
}

/* Whether queued datagram m comes from s's peer (always, unconnected). */
static bool udp_from_peer(const struct dsock *s, struct rte_mbuf *m)
{
	const void *l3 = rte_pktmbuf_mtod_offset(m, const void *, m->l2_len);

	if (!s->s.connected)
		return true;
	if (udp_hdr_of(m)->src_port != s->rport)
		return false;
	if (ip_version(m) == 4)
		return s->v4 && ((const struct rte_ipv4_hdr *)l3)->src_addr ==
				in6_v4(&s->raddr);
	return !s->v4 && memcmp(((const struct rte_ipv6_hdr *)l3)->src_addr,
				&s->raddr, 16) == 0;
}

struct rte_mbuf *udp_rx_pop(struct dstack *ds, struct dsock *s)
{
	struct rte_mbuf *m;

	/* Queued before connect() narrowed the socket: not the peer's. */
	while ((m = pktq_pop(&s->rxq)) != NULL && !udp_from_peer(s, m))
		net_drop(ds, m, DPG_DROP_rx_not_peer);
	return m;
}

unsigned udp_dispatch(struct dstack *ds, struct dsock *s, unsigned budget)
{
	unsigned n = 0;
	struct rte_mbuf *m;

	while (n < budget && !s->s.closed && (m = udp_rx_pop(ds, s)) != NULL) {
		udp_call(ds, s, m);
		n++;
	}
	return n;
}

void udp_copy_out(struct dstack *ds, struct dsock *s, struct rte_mbuf *m,
		  struct dpg_rmsg *out)
{
	unsigned off = m->l2_len + m->l3_len + sizeof(struct rte_udp_hdr);
	struct dpg_rinfo ri;
	size_t n;
	const void *p;

	rinfo_of(s, m, &ri);
	ds->st.stats.rx_packets++;
	ds->st.stats.rx_bytes += ri.size;
	n = ri.size < out->cap ? ri.size : out->cap;
	if (n > 0) {
		p = rte_pktmbuf_read(m, off, (uint32_t)n, out->buf);
		if (p != out->buf)
			memcpy(out->buf, p, n);
	}
	out->len = n;
	out->from = ri.from;
	out->flags = n < ri.size ? DPG_RMSG_TRUNC : 0;
	rte_pktmbuf_free(m);
}

/* Copy len bytes of iov into m, chaining segments as needed. */
static int mbuf_fill(struct dstack *ds, struct rte_mbuf *m,
		     const struct iovec *iov, int iovcnt)
{
	struct rte_mbuf *seg = m;

	for (int i = 0; i < iovcnt; i++) {
		const uint8_t *src = iov[i].iov_base;
		size_t left = iov[i].iov_len;

		while (left > 0) {
			uint16_t room = rte_pktmbuf_tailroom(seg);
			size_t n;

			if (room == 0) {
				struct rte_mbuf *next = rte_pktmbuf_alloc(ds->pool);

				if (next == NULL || rte_pktmbuf_chain(m, next) < 0) {
					rte_pktmbuf_free(next);
					return -EAGAIN;
				}
				seg = next;
				room = rte_pktmbuf_tailroom(seg);
			}
			n = left < room ? left : room;
			memcpy(rte_pktmbuf_mtod_offset(seg, uint8_t *, seg->data_len), src, n);
			seg->data_len += (uint16_t)n;
			m->pkt_len += (uint32_t)n;
			src += n;
			left -= n;
		}
	}
	return 0;
}

/* A datagram for the stack itself (to, found by the caller, or NULL):
 * straight into the receiving socket's queue, dispatched by the next poll
 * pass (Linux's lo does the same). */
static int udp_local(struct dstack *ds, struct dsock *from, struct rte_mbuf *m,
		     struct dsock *to)
{
	if (to == NULL) {
		/* What Linux's lo answers with ICMP port unreachable. */
		if (from->s.connected) {
			from->pending_err = ECONNREFUSED;
			net_event(ds, from);
		}
		net_drop(ds, m, DPG_DROP_udp_no_socket);
		return 0;
	}
	m->hash.usr = LO_IFINDEX;
	if (!udp_enqueue(ds, to, m))
		return 0;
	if (to->s.opts.on.data != NULL) {
		net_ready(ds, to); /* counted when its handler runs */
		return 0;
	}
	ds->local_delivered++;
	return 0;
}

/* Local delivery keeps the layout of received frames: room for an
 * Ethernet header first. */
static void local_layout(struct rte_mbuf *m, unsigned l3_len)
{
	rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
	m->l2_len = sizeof(struct rte_ether_hdr);
	m->l3_len = l3_len;
}

/* A datagram of len bytes from iov in a fresh mbuf (chained as needed)
 * after hlen bytes of headers; NULL when the pool is empty. */
static struct rte_mbuf *udp_build(struct dstack *ds, unsigned hlen,
				  const struct iovec *iov, int iovcnt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ds->pool);

	if (m == NULL)
		return NULL;
	pkt_meta(m)->owner = NULL;
	rte_pktmbuf_append(m, hlen);
	if (mbuf_fill(ds, m, iov, iovcnt) < 0) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	m->l2_len = 0;
	return m;
}

static void udp_fill(struct rte_udp_hdr *u, const struct dsock *s, uint16_t dport,
		     size_t len)
{
	u->src_port = s->lport;
	u->dst_port = dport;
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(len + sizeof(*u)));
	u->dgram_cksum = 0;
}

/* The outcome of handing a finished, charged packet to the wire: counted,
 * or (rc_send < 0: m not taken) uncharged and freed. */
static int udp_wire(struct dstack *ds, struct rte_mbuf *m, size_t len, int rc_send)
{
	if (rc_send < 0) {
		net_tx_release(ds, m);
		rte_pktmbuf_free(m);
		return rc_send;
	}
	ds->st.stats.tx_packets++;
	ds->st.stats.tx_bytes += len;
	return 0;
}

/* UDP checksum over the pseudo-header: offloaded, or in software. */
static void udp4_cksum(const struct port *p, struct rte_mbuf *m,
		       struct rte_ipv4_hdr *ip, struct rte_udp_hdr *u)
{
	u->dgram_cksum = 0;
	if (p->tx_udp_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
		m->l4_len = sizeof(*u);
		u->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		u->dgram_cksum = rte_ipv4_udptcp_cksum_mbuf(m, ip, sizeof(*ip));
	}
}

static void udp6_cksum(const struct port *p, struct rte_mbuf *m,
		       struct rte_ipv6_hdr *ip, struct rte_udp_hdr *u)
{
	u->dgram_cksum = 0;
	if (p->tx_udp_cksum) {
		m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
		m->l4_len = sizeof(*u);
		u->dgram_cksum = rte_ipv6_phdr_cksum(ip, m->ol_flags);
	} else {
		u->dgram_cksum = ip6_l4_cksum(m, ip, IPPROTO_UDP, sizeof(*ip),
					      rte_be_to_cpu_16(u->dgram_len));
	}
}

int udp4_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, uint32_t dst, uint16_t dport)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *u;
	struct route4 rt;
	struct rte_mbuf *m;
	uint32_t src = s->v4 ? in6_v4(&s->laddr) : 0;
	int rc;

	rc = ip4_route(ds, dst, &rt);
	if (rc < 0)
		return rc;
	if (rt.bcast && !s->s.broadcast)
		return -EACCES;
	if (rt.port >= 0 && len + sizeof(*ip) + sizeof(*u) > ds->ports[rt.port].mtu)
		return -EMSGSIZE; /* fragmentation lands with the hardening issue */
	if (rt.port >= 0 && s->tx_held_bytes + len > (size_t)s->sndbuf)
		return -EAGAIN;
	m = udp_build(ds, sizeof(*ip) + sizeof(*u), iov, iovcnt);
	if (m == NULL)
		return -EAGAIN;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv4_hdr *);
	u = (struct rte_udp_hdr *)(ip + 1);
	udp_fill(u, s, dport, len);
	ip4_fill(ds, ip, src != 0 ? src : rt.src, dst, IPPROTO_UDP, (uint8_t)s->ttl,
		 (uint16_t)(len + sizeof(*ip) + sizeof(*u)));
	m->l3_len = sizeof(*ip);
	if (rt.port < 0) {
		local_layout(m, sizeof(*ip));
		ds->st.stats.tx_packets++;
		ds->st.stats.tx_bytes += len;
		return udp_local(ds, s, m, udp_table_lookup(ds, ip->dst_addr, u->dst_port,
							    ip->src_addr, u->src_port));
	}
	udp4_cksum(&ds->ports[rt.port], m, ip, u);
	ip4_cksum(&ds->ports[rt.port], m, ip);
	net_tx_charge(s, m, (uint32_t)len);
	return udp_wire(ds, m, len, ip4_send(ds, m, &rt));
}

int udp6_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, const struct in6_addr *dst,
		uint32_t scope, uint16_t dport)
{
	struct rte_ipv6_hdr *ip;
	struct rte_udp_hdr *u;
	struct route6 rt;
	struct rte_mbuf *m;
	const struct in6_addr *src;
	int rc;

	rc = ip6_route(ds, dst, scope != 0 ? scope : s->scope, &rt);
	if (rc < 0)
		return rc;
	src = IN6_IS_ADDR_UNSPECIFIED(&s->laddr) ? &rt.src : &s->laddr;
	if (rt.port >= 0 && len + sizeof(*ip) + sizeof(*u) > ds->ports[rt.port].mtu)
		return -EMSGSIZE; /* fragmentation lands with the hardening issue */
	if (rt.port >= 0 && s->tx_held_bytes + len > (size_t)s->sndbuf)
		return -EAGAIN;
	m = udp_build(ds, sizeof(*ip) + sizeof(*u), iov, iovcnt);
	if (m == NULL)
		return -EAGAIN;
	ip = rte_pktmbuf_mtod(m, struct rte_ipv6_hdr *);
	u = (struct rte_udp_hdr *)(ip + 1);
	udp_fill(u, s, dport, len);
	ip6_fill(ip, src, dst, IPPROTO_UDP, (uint8_t)s->ttl,
		 (uint16_t)(len + sizeof(*u)));
	m->l3_len = sizeof(*ip);
	if (rt.port < 0) {
		local_layout(m, sizeof(*ip));
		ds->st.stats.tx_packets++;
		ds->st.stats.tx_bytes += len;
		return udp_local(ds, s, m, udp_table_lookup6(ds, dst, dport, src,
							     s->lport));
	}
	udp6_cksum(&ds->ports[rt.port], m, ip, u);
	net_tx_charge(s, m, (uint32_t)len);
	return udp_wire(ds, m, len, ip6_send(ds, m, &rt));
}
