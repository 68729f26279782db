/* SPDX-License-Identifier: BSD-3-Clause
 *
 * UDP (RFC 768, RFC 1122 §4.1) over IPv4: input checks and demux, delivery
 * to data handlers or receive queues, output with checksum offload or
 * software checksums, and delivery inside the stack for local destinations.
 */
#include <errno.h>
#include <string.h>

#include <rte_udp.h>

#include "net/net.h"

static struct rte_udp_hdr *udp_hdr_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, m->l2_len + m->l3_len);
}

static void rinfo_of(struct rte_mbuf *m, struct dpg_rinfo *ri)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	const struct rte_udp_hdr *u = udp_hdr_of(m);
	struct sockaddr_in *from = (struct sockaddr_in *)&ri->from;

	memset(from, 0, sizeof(*from));
	from->sin_family = AF_INET;
	from->sin_addr.s_addr = ip->src_addr;
	from->sin_port = u->src_port;
	ri->size = rte_be_to_cpu_16(u->dgram_len) - sizeof(*u);
	ri->ifindex = m->hash.usr;
}

/* Hand one datagram to its socket's data handler; frees m. */
static void udp_call(struct dstack *ds, struct dsock *s, struct rte_mbuf *m)
{
	struct dpg_rinfo ri;
	unsigned off = m->l2_len + m->l3_len + sizeof(struct rte_udp_hdr);
	const void *data;

	rinfo_of(m, &ri);
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

void udp4_input(struct dstack *ds, struct port *p, struct rte_mbuf *m,
		struct rte_ipv4_hdr *ip, uint32_t ifindex)
{
	unsigned off = m->l2_len + m->l3_len;
	unsigned avail = rte_pktmbuf_pkt_len(m) - off;
	struct rte_udp_hdr *u;
	unsigned ulen;
	struct dsock *s;

	(void)p;
	if (avail < sizeof(*u) || rte_pktmbuf_data_len(m) < off + sizeof(*u)) {
		net_drop(ds, m, DPG_DROP_udp_too_short);
		return;
	}
	u = udp_hdr_of(m);
	ulen = rte_be_to_cpu_16(u->dgram_len);
	if (ulen < sizeof(*u) || ulen > avail) {
		net_drop(ds, m, DPG_DROP_udp_bad_length);
		return;
	}
	if (ulen < avail)
		rte_pktmbuf_trim(m, avail - ulen);
	if (!udp4_cksum_ok(m, ip, u, off)) {
		net_drop(ds, m, DPG_DROP_udp_bad_checksum);
		return;
	}
	s = udp_table_lookup(ds, ip->dst_addr, u->dst_port, ip->src_addr, u->src_port);
	if (s == NULL) {
		net_drop(ds, m, DPG_DROP_udp_no_socket);
		return;
	}
	m->hash.usr = ifindex;
	ds->delivered += (unsigned)udp_deliver(ds, s, m);
}

/* Whether queued datagram m comes from s's peer (always, unconnected). */
static bool udp_from_peer(const struct dsock *s, struct rte_mbuf *m)
{
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);

	return !s->s.connected ||
	       (ip->src_addr == s->raddr && udp_hdr_of(m)->src_port == s->rport);
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

void udp_copy_out(struct dstack *ds, struct rte_mbuf *m, struct dpg_rmsg *out)
{
	unsigned off = m->l2_len + m->l3_len + sizeof(struct rte_udp_hdr);
	struct dpg_rinfo ri;
	size_t n;
	const void *p;

	rinfo_of(m, &ri);
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

/* A datagram for the stack itself: straight into the receiving socket's
 * queue, dispatched by the next poll pass (Linux's lo does the same). */
static int udp4_local(struct dstack *ds, struct dsock *from, struct rte_mbuf *m,
		      struct rte_ipv4_hdr *ip, struct rte_udp_hdr *u)
{
	struct dsock *to = udp_table_lookup(ds, ip->dst_addr, u->dst_port,
					    ip->src_addr, u->src_port);

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

int udp4_output(struct dstack *ds, struct dsock *s, const struct iovec *iov,
		int iovcnt, size_t len, uint32_t dst, uint16_t dport)
{
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *u;
	struct route4 rt;
	struct rte_mbuf *m;
	uint8_t ttl;
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
	m = rte_pktmbuf_alloc(ds->pool);
	if (m == NULL)
		return -EAGAIN;
	pkt_meta(m)->owner = NULL;
	ip = (struct rte_ipv4_hdr *)rte_pktmbuf_append(m, sizeof(*ip) + sizeof(*u));
	u = (struct rte_udp_hdr *)(ip + 1);
	if (mbuf_fill(ds, m, iov, iovcnt) < 0) {
		rte_pktmbuf_free(m);
		return -EAGAIN;
	}
	u->src_port = s->lport;
	u->dst_port = dport;
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(len + sizeof(*u)));
	u->dgram_cksum = 0;
	ttl = (uint8_t)s->ttl;
	ip4_fill(ds, ip, s->laddr != 0 ? s->laddr : rt.src, dst, IPPROTO_UDP, ttl,
		 (uint16_t)(len + sizeof(*ip) + sizeof(*u)));
	m->l2_len = 0;
	m->l3_len = sizeof(*ip);
	if (rt.port < 0) {
		/* Local: keep the same layout as received frames (l2 first). */
		rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
		m->l2_len = sizeof(struct rte_ether_hdr);
		ds->st.stats.tx_packets++;
		ds->st.stats.tx_bytes += len;
		return udp4_local(ds, s, m, (struct rte_ipv4_hdr *)
				  rte_pktmbuf_mtod_offset(m, void *, m->l2_len), u);
	}
	udp4_cksum(&ds->ports[rt.port], m, ip, u);
	ip4_cksum(&ds->ports[rt.port], m, ip);
	pkt_meta(m)->owner = s;
	net_tx_charge(s, m, (uint32_t)len);
	rc = ip4_send(ds, m, &rt);
	if (rc < 0) {
		net_tx_release(ds, m);
		rte_pktmbuf_free(m);
		return rc;
	}
	ds->st.stats.tx_packets++;
	ds->st.stats.tx_bytes += len;
	return 0;
}
