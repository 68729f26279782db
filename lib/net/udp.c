/* SPDX-License-Identifier: BSD-3-Clause
 *
 * UDP input (RFC 768, RFC 1122 §4.1) over IPv4 and IPv6 (RFC 8200 §8.1: the
 * checksum is mandatory): length and checksum checks (udp4_check and
 * udp6_check, shared with group and broadcast delivery in udp_mcast.c),
 * unicast demux, delivery to data handlers or receive queues (IPv4 senders
 * of AF_INET6 sockets v4-mapped, link-local senders scoped). Output is
 * udp_out.c.
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

int udp_enqueue(struct dstack *ds, struct dsock *s, struct rte_mbuf *m)
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

struct rte_udp_hdr *udp4_check(struct dstack *ds, struct rte_mbuf *m,
			       const struct rte_ipv4_hdr *ip)
{
	struct rte_udp_hdr *u = udp_check_len(ds, m);

	if (u != NULL && !udp4_cksum_ok(m, ip, u, m->l2_len + m->l3_len)) {
		net_drop(ds, m, DPG_DROP_udp_bad_checksum);
		return NULL;
	}
	return u;
}

struct rte_udp_hdr *udp6_check(struct dstack *ds, struct rte_mbuf *m,
			       const struct rte_ipv6_hdr *ip)
{
	struct rte_udp_hdr *u = udp_check_len(ds, m);
	uint64_t f;

	if (u == NULL)
		return NULL;
	/* The checksum is mandatory over IPv6 (RFC 8200 §8.1). */
	if (u->dgram_cksum == 0) {
		net_drop(ds, m, DPG_DROP_udp6_zero_checksum);
		return NULL;
	}
	f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD ||
	    (f != RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	     !ip6_l4_cksum_ok(m, ip, IPPROTO_UDP, m->l2_len + m->l3_len,
			      rte_be_to_cpu_16(u->dgram_len)))) {
		net_drop(ds, m, DPG_DROP_udp_bad_checksum);
		return NULL;
	}
	return u;
}

void udp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, uint32_t ifindex)
{
	struct rte_udp_hdr *u = udp4_check(ds, m, ip);

	(void)p;
	if (u != NULL)
		udp_input_to(ds, udp_table_lookup(ds, ip->dst_addr, u->dst_port,
						  ip->src_addr, u->src_port),
			     m, ifindex);
}

void udp6_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv6_hdr *ip, uint32_t ifindex)
{
	struct rte_udp_hdr *u = udp6_check(ds, m, ip);

	(void)p;
	if (u != NULL)
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
