/* SPDX-License-Identifier: BSD-3-Clause
 *
 * The bare B side of a ring pair, and IGMP / MLD frames: see wire_raw.h.
 * Frames are parsed by byte offsets from the RFCs, not with lib/net's
 * structs, so that the check does not share the code it checks.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_ip.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "wire_raw.h"

#define RAW_POOL "wire_raw"
#define RAW_MBUFS 255

static struct rte_ring *from_a, *to_a;
static struct rte_mempool *pool;

void raw_attach(const char *pair)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "dpg_%s_ab0", pair);
	from_a = rte_ring_lookup(name);
	snprintf(name, sizeof(name), "dpg_%s_ba0", pair);
	to_a = rte_ring_lookup(name);
	if (from_a == NULL || to_a == NULL)
		fail_msg("ring pair %s: rings not found", pair);
	pool = rte_mempool_lookup(RAW_POOL);
	if (pool == NULL)
		pool = rte_pktmbuf_pool_create(RAW_POOL, RAW_MBUFS, 0, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL)
		fail_msg("cannot create the raw side's pool");
}

struct rte_mbuf *raw_next(void)
{
	void *m;

	return rte_ring_dequeue(from_a, &m) == 0 ? m : NULL;
}

void raw_flush(void)
{
	struct rte_mbuf *m;

	while ((m = raw_next()) != NULL)
		rte_pktmbuf_free(m);
}

void raw_send(const void *frame, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *d = m != NULL ? rte_pktmbuf_append(m, (uint16_t)len) : NULL;

	if (d == NULL)
		fail_msg("raw side: no mbuf for a %zu-byte frame", len);
	memcpy(d, frame, len);
	if (rte_ring_enqueue(to_a, m) != 0) {
		rte_pktmbuf_free(m);
		fail_msg("raw side: A's receive ring is full");
	}
}

unsigned raw_in_flight(void)
{
	return pool != NULL ? RAW_MBUFS - rte_mempool_avail_count(pool) : 0;
}

struct in6_addr mc_addr(const char *text)
{
	struct in6_addr a;

	memset(&a, 0, sizeof(a));
	if (strchr(text, ':') != NULL) {
		if (inet_pton(AF_INET6, text, &a) != 1)
			fail_msg("'%s' is not an IPv6 address", text);
	} else {
		a.s6_addr[10] = a.s6_addr[11] = 0xff;
		if (inet_pton(AF_INET, text, &a.s6_addr[12]) != 1)
			fail_msg("'%s' is not an IPv4 address", text);
	}
	return a;
}

static int setup(void **state, bool keep)
{
	int rc = wire_setup_alone(state);

	raw_attach(raw_pair);
	if (!keep)
		raw_flush();
	return rc;
}

int raw_setup(void **state)
{
	return setup(state, false);
}

int raw_setup_keep(void **state)
{
	return setup(state, true);
}

int raw_teardown(void **state)
{
	int rc;

	raw_flush();
	rc = wire_teardown(state);
	if (raw_in_flight() != 0)
		fail_msg("%u frames written to A never came back to the raw pool",
			 raw_in_flight());
	return rc;
}

/* ---- parsing ---- */

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void v4_mapped(struct in6_addr *a, const uint8_t *ip4)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = a->s6_addr[11] = 0xff;
	memcpy(&a->s6_addr[12], ip4, 4);
}

/* Records of an IGMPv3 (alen 4) or MLDv2 (alen 16) report of len bytes. */
static bool parse_records(const uint8_t *msg, unsigned len, unsigned alen, struct mc_msg *o)
{
	unsigned off = 8;

	o->nrec = be16(msg + 6);
	if (o->nrec > MC_RECS)
		return false;
	for (unsigned i = 0; i < o->nrec; i++) {
		struct mc_rec *r = &o->rec[i];

		if (off + 4 + alen > len)
			return false;
		r->type = msg[off];
		r->nsrc = be16(msg + off + 2);
		if (off + 4 + alen * (1 + r->nsrc) > len)
			return false;
		for (unsigned k = 0; k <= r->nsrc && k <= MC_SRCS; k++) {
			struct in6_addr *a = k == 0 ? &r->group : &r->src[k - 1];

			if (alen == 4)
				v4_mapped(a, msg + off + 4 + 4 * k);
			else
				memcpy(a, msg + off + 4 + 16 * k, 16);
		}
		off += 4 + alen * (1 + r->nsrc) + 4u * msg[off + 1];
	}
	return off == len;
}

static bool parse_igmp(const uint8_t *ip, unsigned avail, struct mc_msg *o)
{
	unsigned ihl = (ip[0] & 0x0f) * 4u, tlen = be16(ip + 2), len;
	const uint8_t *msg = ip + ihl;
	static const uint8_t ra[4] = { 0x94, 0x04, 0, 0 };

	if (avail < 20 || ip[9] != IPPROTO_IGMP || tlen > avail || ihl < 20 || tlen < ihl + 8)
		return false;
	len = tlen - ihl;
	o->ip_len = tlen;
	o->ttl = ip[8];
	o->tos = ip[1];
	o->router_alert = ihl >= 24 && memcmp(ip + 20, ra, sizeof(ra)) == 0;
	v4_mapped(&o->src, ip + 12);
	v4_mapped(&o->dst, ip + 16);
	o->cksum_ok = rte_raw_cksum(msg, len) == 0xffff;
	o->type = msg[0];
	if (o->type == 0x22)
		return parse_records(msg, len, 4, o);
	v4_mapped(&o->group, msg + 4);
	return true;
}

/* The Hop-by-Hop header's options: a Router Alert of value 0 (MLD). */
static bool hbh_router_alert(const uint8_t *h, unsigned hlen)
{
	for (unsigned i = 2; i + 1 < hlen;) {
		if (h[i] == 0) {
			i++;
			continue;
		}
		if (h[i] == 5 && h[i + 1] == 2 && i + 4 <= hlen)
			return be16(h + i + 2) == 0;
		i += 2u + h[i + 1];
	}
	return false;
}

static bool parse_mld(const uint8_t *ip, unsigned avail, struct mc_msg *o)
{
	unsigned plen = be16(ip + 4), off = 40, len;
	uint8_t nh = ip[6];
	const uint8_t *msg;
	uint32_t sum, word;

	if (avail < 40 || 40 + plen > avail)
		return false;
	if (nh == 0) {
		unsigned hlen = (ip[41] + 1u) * 8;

		o->router_alert = hbh_router_alert(ip + 40, hlen);
		nh = ip[40];
		off += hlen;
	}
	if (nh != IPPROTO_ICMPV6 || off + 8 > 40 + plen)
		return false;
	msg = ip + off;
	len = 40 + plen - off;
	o->ip_len = 40 + plen;
	o->ttl = ip[7];
	memcpy(&o->src, ip + 8, 16);
	memcpy(&o->dst, ip + 24, 16);
	/* RFC 8200 §8.1: the pseudo-header, then the message */
	sum = rte_raw_cksum(ip + 8, 32);
	word = htonl(len);
	sum += rte_raw_cksum(&word, 4);
	word = htonl(IPPROTO_ICMPV6);
	sum += rte_raw_cksum(&word, 4);
	sum += rte_raw_cksum(msg, len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	o->cksum_ok = sum == 0xffff;
	o->type = msg[0];
	if (o->type == 143)
		return parse_records(msg, len, 16, o);
	if (o->type < 130 || o->type > 132 || len < 24)
		return false;
	memcpy(&o->group, msg + 8, 16);
	return true;
}

bool mc_parse(const struct rte_mbuf *m, struct mc_msg *o)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned len = rte_pktmbuf_data_len(m), type;

	memset(o, 0, sizeof(*o));
	if (len < 14)
		return false;
	memcpy(o->dmac, f, 6);
	memcpy(o->smac, f + 6, 6);
	type = be16(f + 12);
	o->v6 = type == 0x86dd;
	if (type == 0x0800)
		return parse_igmp(f + 14, len - 14, o);
	return o->v6 && parse_mld(f + 14, len - 14, o);
}

unsigned mc_collect(struct wire *w, uint64_t ms, bool v6, struct mc_msg *out, unsigned max)
{
	unsigned n = 0;
	struct rte_mbuf *m;

	for (uint64_t t = 0; t < ms; t += 10) {
		wire_step(10);
		wire_passes(w, 2);
		while ((m = raw_next()) != NULL) {
			if (n < max && mc_parse(m, &out[n]) && out[n].v6 == v6) {
				out[n].at = wire_now();
				n++;
			}
			rte_pktmbuf_free(m);
		}
	}
	return n;
}

/* ---- building ---- */

static void group_mac(uint8_t *mac, const struct in6_addr *dst)
{
	const uint8_t *g = dst->s6_addr;

	if (IN6_IS_ADDR_V4MAPPED(dst)) {
		const uint8_t m[6] = { 0x01, 0x00, 0x5e, g[13] & 0x7f, g[14], g[15] };

		memcpy(mac, m, 6);
	} else {
		const uint8_t m[6] = { 0x33, 0x33, g[12], g[13], g[14], g[15] };

		memcpy(mac, m, 6);
	}
}

static const uint8_t b_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };

void raw_igmp(const char *src, const char *dst, void *msg, size_t len, bool bad_cksum)
{
	uint8_t f[14 + 24 + 512];
	uint8_t *ip = f + 14;
	struct in6_addr s = mc_addr(src), d = mc_addr(dst);
	uint16_t ck;

	assert_true(len <= 512);
	memset(f, 0, sizeof(f));
	group_mac(f, &d);
	memcpy(f + 6, b_mac, 6);
	f[12] = 0x08;
	ip[0] = 0x46;
	ip[1] = 0xc0;
	ip[2] = (uint8_t)((24 + len) >> 8);
	ip[3] = (uint8_t)(24 + len);
	ip[8] = 1;
	ip[9] = IPPROTO_IGMP;
	memcpy(ip + 12, &s.s6_addr[12], 4);
	memcpy(ip + 16, &d.s6_addr[12], 4);
	ip[20] = 0x94;
	ip[21] = 0x04;
	ck = (uint16_t)~rte_raw_cksum(ip, 24);
	memcpy(ip + 10, &ck, 2);
	((uint8_t *)msg)[2] = ((uint8_t *)msg)[3] = 0;
	ck = (uint16_t)(~rte_raw_cksum(msg, len) ^ (bad_cksum ? 0x0101 : 0));
	memcpy((uint8_t *)msg + 2, &ck, 2);
	memcpy(ip + 24, msg, len);
	raw_send(f, 14 + 24 + len);
}

void raw_mld(const char *src, const char *dst, uint8_t hl, bool ra, void *msg, size_t len)
{
	uint8_t f[14 + 48 + 512];
	uint8_t *ip = f + 14;
	static const uint8_t hbh_ra[8] = { IPPROTO_ICMPV6, 0, 5, 2, 0, 0, 1, 0 };
	static const uint8_t hbh_pad[8] = { IPPROTO_ICMPV6, 0, 1, 4, 0, 0, 0, 0 };
	const uint8_t *hbh = ra ? hbh_ra : hbh_pad;
	struct in6_addr s = mc_addr(src), d = mc_addr(dst);
	uint32_t sum, word;
	uint16_t ck;

	assert_true(len <= 512);
	memset(f, 0, sizeof(f));
	group_mac(f, &d);
	memcpy(f + 6, b_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[4] = (uint8_t)((8 + len) >> 8);
	ip[5] = (uint8_t)(8 + len);
	ip[6] = 0;              /* Hop-by-Hop */
	ip[7] = hl;
	memcpy(ip + 8, &s, 16);
	memcpy(ip + 24, &d, 16);
	memcpy(ip + 40, hbh, 8);
	((uint8_t *)msg)[2] = ((uint8_t *)msg)[3] = 0;
	sum = rte_raw_cksum(ip + 8, 32);
	word = htonl((uint32_t)len);
	sum += rte_raw_cksum(&word, 4);
	word = htonl(IPPROTO_ICMPV6);
	sum += rte_raw_cksum(&word, 4);
	sum += rte_raw_cksum(msg, len);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	ck = (uint16_t)~sum;
	memcpy((uint8_t *)msg + 2, &ck, 2);
	memcpy(ip + 48, msg, len);
	raw_send(f, 14 + 48 + len);
}
