/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Value parsers of the drivers-cfg files: strict integers, devices, IPv4 and
 * IPv6 addresses with prefix lengths, gateways inside their port's subnet.
 * Addresses go through inet_pton only (no DNS, no scope ids).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "port/config.h"

#define RINGPAIR_PREFIX "ringpair:"

int cfg_fail(const struct cfg_ctx *c, const char *key, const char *value,
	     const char *what_fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, what_fmt);
	vsnprintf(what, sizeof(what), what_fmt, ap);
	va_end(ap);
	if (key != NULL)
		snprintf(c->err, c->errlen, "%s: [%s] %s: expected %s, got '%s'",
			 c->path, c->section, key, what, value);
	else
		snprintf(c->err, c->errlen, "%s: [%s]: expected %s, got '%s'",
			 c->path, c->section, what, value);
	return -EINVAL;
}

int cfg_parse_uint(const char *s, unsigned long min, unsigned long max,
		   unsigned long *out)
{
	unsigned long v;
	char *end;

	/* strtoul alone would take "+5", " 5", "-1" (as ULONG_MAX) and "5x" */
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int cfg_key_uint(const struct cfg_ctx *c, const struct cfg_key *k,
		 const char *value, void *base)
{
	unsigned long v;
	char *dst = (char *)base + k->off;

	if (cfg_parse_uint(value, k->min, k->max, &v) != 0)
		return cfg_fail(c, k->name, value, "an integer in %lu..%lu", k->min, k->max);
	if (k->size == sizeof(uint16_t))
		*(uint16_t *)dst = (uint16_t)v;
	else
		*(unsigned *)dst = (unsigned)v;
	return 0;
}

int cfg_key_string(const struct cfg_ctx *c, const struct cfg_key *k,
		   const char *value, void *base)
{
	char *dst = (char *)base + k->off;

	if (strlen(value) >= k->size)
		return cfg_fail(c, k->name, value, "at most %zu characters", k->size - 1);
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

int cfg_ringpair_split(const char *device, char *name, size_t namelen, char *side)
{
	const char *p, *colon;
	size_t len;

	if (strncmp(device, RINGPAIR_PREFIX, strlen(RINGPAIR_PREFIX)) != 0)
		return -EINVAL;
	p = device + strlen(RINGPAIR_PREFIX);
	colon = strchr(p, ':');
	if (colon == NULL)
		return -EINVAL;
	len = (size_t)(colon - p);
	/* ring and ethdev names are built from NAME and are short in DPDK */
	if (len == 0 || len > PORT_RINGPAIR_NAME_MAX || len >= namelen)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_')
			return -EINVAL;
	if ((colon[1] != 'a' && colon[1] != 'b') || colon[2] != '\0')
		return -EINVAL;
	memcpy(name, p, len);
	name[len] = '\0';
	*side = colon[1];
	return 0;
}

int cfg_key_device(const struct cfg_ctx *c, const struct cfg_key *k,
		   const char *value, void *base)
{
	struct port_cfg *pc = base;
	char name[PORT_RINGPAIR_NAME_MAX + 1];
	char side;

	if (strncmp(value, RINGPAIR_PREFIX, strlen(RINGPAIR_PREFIX)) == 0) {
		if (cfg_ringpair_split(value, name, sizeof(name), &side) != 0)
			return cfg_fail(c, k->name, value,
					"ringpair:NAME:a or ringpair:NAME:b with NAME of 1..%d "
					"letters, digits or '_'", PORT_RINGPAIR_NAME_MAX);
	} else if (value[0] == '\0' || strpbrk(value, ",= \t") != NULL) {
		/* devargs belong in [eal] args (--vdev=net_tap0,iface=dpg0) */
		return cfg_fail(c, k->name, value,
				"a device name (vdev name, PCI address or ringpair:NAME:a|b) "
				"without arguments");
	}
	snprintf(pc->device, sizeof(pc->device), "%s", value);
	return 0;
}

/* "ADDR/LEN" into addr (inet_pton of family) and len in 1..maxlen.
 * Returns 0, -EINVAL for the address, -ERANGE for the prefix length. */
static int parse_prefix(int family, const char *value, void *addr,
			unsigned maxlen, uint8_t *len)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(value, '/');
	unsigned long l;

	if (slash == NULL || (size_t)(slash - value) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, value, (size_t)(slash - value));
	buf[slash - value] = '\0';
	if (inet_pton(family, buf, addr) != 1)
		return -EINVAL;
	if (cfg_parse_uint(slash + 1, 1, maxlen, &l) != 0)
		return -ERANGE;
	*len = (uint8_t)l;
	return 0;
}

static uint32_t mask4(unsigned len)
{
	return len == 0 ? 0 : htonl(~0u << (32 - len));
}

/* Not an address a host may own: this network (0/8), loopback, multicast
 * and class E (which holds the limited broadcast), RFC 1122 3.2.1.3. */
static int ip4_special(uint32_t a)
{
	uint8_t first = (uint8_t)(ntohl(a) >> 24);

	return first == 0 || first == 127 || first >= 224;
}

int cfg_key_ipv4(const struct cfg_ctx *c, const struct cfg_key *k,
		 const char *value, void *base)
{
	struct port_cfg *pc = base;
	uint32_t a, m;
	uint8_t len;
	int rc = parse_prefix(AF_INET, value, &a, 32, &len);

	if (rc == -ERANGE)
		return cfg_fail(c, k->name, value, "an IPv4 prefix length in 1..32");
	if (rc != 0)
		return cfg_fail(c, k->name, value, "an IPv4 address A.B.C.D/LEN");
	m = mask4(len);
	if (ip4_special(a))
		return cfg_fail(c, k->name, value, "a unicast IPv4 address");
	/* /31 (RFC 3021) and /32 have no network or broadcast address */
	if (len <= 30 && ((a & ~m) == 0 || (a & ~m) == ~m))
		return cfg_fail(c, k->name, value, "a host address, not the network or "
				"broadcast address of its subnet");
	pc->ip4 = a;
	pc->ip4_prefix = len;
	return 0;
}

int cfg_key_gateway4(const struct cfg_ctx *c, const struct cfg_key *k,
		     const char *value, void *base)
{
	struct port_cfg *pc = base;
	uint32_t a;

	if (inet_pton(AF_INET, value, &a) != 1)
		return cfg_fail(c, k->name, value, "an IPv4 address A.B.C.D");
	/* whether it lies inside the subnet is checked once ipv4 is known */
	pc->gw4 = a;
	return 0;
}

/* a and p agree on their first len bits */
static int ip6_prefix_eq(const struct in6_addr *a, const struct in6_addr *p, unsigned len)
{
	uint8_t m = (uint8_t)(0xff << (8 - len % 8));

	if (memcmp(a->s6_addr, p->s6_addr, len / 8) != 0)
		return 0;
	return len % 8 == 0 || (a->s6_addr[len / 8] & m) == (p->s6_addr[len / 8] & m);
}

static int ip6_is(const struct in6_addr *a, const char *text, unsigned len)
{
	struct in6_addr p;

	inet_pton(AF_INET6, text, &p);
	return ip6_prefix_eq(a, &p, len);
}

static int ip6_link_local(const struct in6_addr *a)
{
	return ip6_is(a, "fe80::", 10);
}

/* Addresses a port cannot be given: unspecified, loopback, multicast,
 * v4-mapped (RFC 4291 2.5), and link-local, which the stack makes itself. */
static int ip6_special(const struct in6_addr *a)
{
	return ip6_is(a, "::", 128) || ip6_is(a, "::1", 128) || ip6_is(a, "ff00::", 8) ||
	       ip6_is(a, "::ffff:0:0", 96) || ip6_link_local(a);
}

int cfg_key_ipv6(const struct cfg_ctx *c, const struct cfg_key *k,
		 const char *value, void *base)
{
	struct port_cfg *pc = base;
	struct in6_addr a;
	uint8_t len;
	int rc = parse_prefix(AF_INET6, value, &a, 128, &len);

	if (rc == -ERANGE)
		return cfg_fail(c, k->name, value, "an IPv6 prefix length in 1..128");
	if (rc != 0)
		return cfg_fail(c, k->name, value, "an IPv6 address X::Y/LEN");
	if (ip6_special(&a))
		return cfg_fail(c, k->name, value,
				"a global or unique local unicast IPv6 address "
				"(the link-local one is automatic)");
	pc->ip6 = a;
	pc->ip6_prefix = len;
	pc->has_ip6 = true;
	return 0;
}

int cfg_key_gateway6(const struct cfg_ctx *c, const struct cfg_key *k,
		     const char *value, void *base)
{
	struct port_cfg *pc = base;

	if (inet_pton(AF_INET6, value, &pc->gw6) != 1)
		return cfg_fail(c, k->name, value, "an IPv6 address X::Y");
	pc->has_gw6 = true;
	return 0;
}

static int check_gateway4(const struct cfg_ctx *c, const struct port_cfg *pc,
			  const char *value)
{
	uint32_t m = mask4(pc->ip4_prefix);
	uint32_t net = pc->ip4 & m;
	char nets[INET_ADDRSTRLEN], own[INET_ADDRSTRLEN];

	if (pc->ip4 == 0)
		return cfg_fail(c, "gateway4", value, "an ipv4 key in [%s] to go with it",
				c->section);
	inet_ntop(AF_INET, &net, nets, sizeof(nets));
	inet_ntop(AF_INET, &pc->ip4, own, sizeof(own));
	if ((pc->gw4 & m) != net || pc->gw4 == pc->ip4 ||
	    (pc->ip4_prefix <= 30 && ((pc->gw4 & ~m) == 0 || (pc->gw4 & ~m) == ~m)))
		return cfg_fail(c, "gateway4", value, "a host address in %s/%u other than %s",
				nets, pc->ip4_prefix, own);
	return 0;
}

static int check_gateway6(const struct cfg_ctx *c, const struct port_cfg *pc,
			  const char *value)
{
	struct in6_addr net = pc->ip6;
	char nets[INET6_ADDRSTRLEN], own[INET6_ADDRSTRLEN];

	if (!pc->has_ip6)
		return cfg_fail(c, "gateway6", value, "an ipv6 key in [%s] to go with it",
				c->section);
	for (unsigned i = pc->ip6_prefix; i < 128; i++)
		net.s6_addr[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
	inet_ntop(AF_INET6, &net, nets, sizeof(nets));
	inet_ntop(AF_INET6, &pc->ip6, own, sizeof(own));
	/* routers are usually known by their link-local address (RFC 4861 6.3.4) */
	if (memcmp(&pc->gw6, &pc->ip6, sizeof(pc->gw6)) == 0 ||
	    (!ip6_link_local(&pc->gw6) &&
	     (ip6_special(&pc->gw6) || !ip6_prefix_eq(&pc->gw6, &net, pc->ip6_prefix))))
		return cfg_fail(c, "gateway6", value,
				"a link-local address or one in %s/%u other than %s",
				nets, pc->ip6_prefix, own);
	return 0;
}

int cfg_check_gateways(const struct cfg_ctx *c, const struct port_cfg *pc,
		       const char *value4, const char *value6)
{
	int rc = 0;

	if (pc->gw4 != 0)
		rc = check_gateway4(c, pc, value4);
	if (rc == 0 && pc->has_gw6)
		rc = check_gateway6(c, pc, value6);
	return rc;
}
