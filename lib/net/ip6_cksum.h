/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Upper-layer checksums over IPv6 (RFC 8200 §8.1): the pseudo-header sum
 * and the checksum of a UDP, ICMPv6 or MLD message in an mbuf. Included by
 * net.h; split from it only to keep each header short.
 */
#ifndef NET_IP6_CKSUM_H
#define NET_IP6_CKSUM_H

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

/* Ones'-complement sum (not folded, not inverted) of the IPv6
 * pseudo-header for an upper-layer packet of len bytes (RFC 8200 §8.1). */
static inline uint32_t ip6_phdr_sum(const struct rte_ipv6_hdr *ip, uint8_t proto,
				    uint32_t len)
{
	uint32_t sum = __rte_raw_cksum(ip->src_addr, 32, 0);
	uint32_t l = rte_cpu_to_be_32(len), p = rte_cpu_to_be_32(proto);

	sum = __rte_raw_cksum(&l, 4, sum);
	return __rte_raw_cksum(&p, 4, sum);
}
/* The folded ones'-complement sum of len bytes at offset off of m and
 * the pseudo-header; 0 when m is shorter (never a valid sum: the
 * pseudo-header alone is not 0). */
static inline uint16_t ip6_l4_sum(const struct rte_mbuf *m,
				  const struct rte_ipv6_hdr *ip, uint8_t proto,
				  unsigned off, unsigned len)
{
	uint16_t raw = 0;

	if (len > 0 && rte_raw_cksum_mbuf(m, off, len, &raw) != 0)
		return 0;
	return __rte_raw_cksum_reduce(ip6_phdr_sum(ip, proto, len) + raw);
}
/* The checksum to store in an upper-layer header (checksum field 0 in
 * m): len bytes at offset off of m, with the pseudo-header. */
static inline uint16_t ip6_l4_cksum(const struct rte_mbuf *m,
				    const struct rte_ipv6_hdr *ip, uint8_t proto,
				    unsigned off, unsigned len)
{
	uint16_t sum = (uint16_t)~ip6_l4_sum(m, ip, proto, off, len);

	return sum == 0 ? 0xffff : sum;
}
/* Whether the upper-layer checksum of len bytes at off verifies. */
static inline bool ip6_l4_cksum_ok(const struct rte_mbuf *m,
				   const struct rte_ipv6_hdr *ip, uint8_t proto,
				   unsigned off, unsigned len)
{
	return ip6_l4_sum(m, ip, proto, off, len) == 0xffff;
}

#endif /* NET_IP6_CKSUM_H */
