/* SPDX-License-Identifier: BSD-3-Clause
 *
 * UDP socket table: two rte_hash tables, IPv4 and IPv6, keyed by (local
 * address, local port, remote address, remote port). Connected sockets have
 * their full 4-tuple; bound sockets have (laddr, lport, 0, 0), laddr 0 / ::
 * for the wildcard, and sockets sharing a key (reuse_addr / reuse_port) hang
 * off one entry as a group. AF_INET6 sockets on v4-mapped addresses live in
 * the IPv4 table; a dual-stack socket on "::" is found for IPv4 datagrams
 * after the IPv4 wildcard. A datagram costs at most four O(1) lookups
 * however many sockets exist. by_port[] lists every socket on a port, of
 * both families, for bind conflicts (udp_port.c: Linux's rules).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>

#include "net/net.h"

/* IPv4 table key: 16 bytes (rte_hash compares those with one vector op). */
struct udp_key4 {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint32_t pad;
} __rte_packed;

/* IPv6 table key: 48 bytes, likewise. */
struct udp_key6 {
	struct in6_addr laddr, raddr;
	uint16_t lport, rport;
	uint8_t pad[12];
} __rte_packed;

union udp_key {
	struct udp_key4 k4;
	struct udp_key6 k6;
};

static const union udp_key *ukey(union udp_key *k, bool v4, const struct in6_addr *la,
				 uint16_t lp, const struct in6_addr *ra, uint16_t rp)
{
	static const struct in6_addr any;

	memset(k, 0, sizeof(*k));
	if (ra == NULL)
		ra = &any;
	if (v4) {
		k->k4.laddr = in6_v4(la);
		k->k4.raddr = in6_v4(ra);
		k->k4.lport = lp;
		k->k4.rport = rp;
	} else {
		k->k6.laddr = *la;
		k->k6.raddr = *ra;
		k->k6.lport = lp;
		k->k6.rport = rp;
	}
	return k;
}

static struct rte_hash *table_of(struct dstack *ds, bool v4)
{
	return v4 ? ds->udp_hash : ds->udp6_hash;
}

static struct rte_hash *table_create(struct dstack *ds, const char *kind, uint32_t key_len)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = 65536,
		.key_len = key_len,
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
	};

	snprintf(name, sizeof(name), "%s_%s", kind, ds->name);
	return rte_hash_create(&hp);
}

int udp_table_init(struct dstack *ds)
{
	ds->udp_hash = table_create(ds, "udp", sizeof(struct udp_key4));
	ds->udp6_hash = table_create(ds, "udp6", sizeof(struct udp_key6));
	ds->by_port = calloc(65536, sizeof(ds->by_port[0]));
	if (ds->udp_hash == NULL || ds->udp6_hash == NULL || ds->by_port == NULL) {
		udp_table_fini(ds);
		return -ENOMEM;
	}
	ds->next_ephemeral = EPHEMERAL_LO + (uint16_t)(rte_rand() %
					(EPHEMERAL_HI - EPHEMERAL_LO + 1));
	return 0;
}

void udp_table_fini(struct dstack *ds)
{
	rte_hash_free(ds->udp_hash);
	rte_hash_free(ds->udp6_hash);
	free(ds->by_port);
	ds->udp_hash = ds->udp6_hash = NULL;
	ds->by_port = NULL;
}

static struct dsock *hget(struct rte_hash *h, const union udp_key *k)
{
	void *v;

	return rte_hash_lookup_data(h, k, &v) >= 0 ? v : NULL;
}

/* ---- groups: the sockets sharing one (laddr, lport) key ---- */

static int group_add(struct dstack *ds, struct dsock *s)
{
	union udp_key k;
	struct rte_hash *h = table_of(ds, s->v4);
	struct dsock *head;
	int rc;

	ukey(&k, s->v4, &s->laddr, s->lport, NULL, 0);
	head = hget(h, &k);
	/* Newest first: a unicast datagram to a reuse_addr group goes to the
	 * most recently bound socket, as on Linux. */
	s->grp_next = head;
	rc = rte_hash_add_key_data(h, &k, s);
	if (rc < 0)
		return rc;
	s->hashed = true;
	return 0;
}

static void group_del(struct dstack *ds, struct dsock *s)
{
	union udp_key k;
	struct rte_hash *h = table_of(ds, s->v4);
	struct dsock *head, **pp;

	if (!s->hashed)
		return;
	ukey(&k, s->v4, &s->laddr, s->lport, NULL, 0);
	head = hget(h, &k);
	s->hashed = false;
	if (head == s) {
		if (s->grp_next != NULL)
			rte_hash_add_key_data(h, &k, s->grp_next);
		else
			rte_hash_del_key(h, &k);
		s->grp_next = NULL;
		return;
	}
	for (pp = &head; *pp != NULL; pp = &(*pp)->grp_next)
		if (*pp == s) {
			*pp = s->grp_next;
			break;
		}
	s->grp_next = NULL;
}

int udp_table_bind(struct dstack *ds, struct dsock *s, const struct in6_addr *laddr,
		   uint16_t lport)
{
	bool v4 = s->s.family == AF_INET || IN6_IS_ADDR_V4MAPPED(laddr);
	int port_h = udp_port_claim(ds, s, laddr, v4, rte_be_to_cpu_16(lport));
	int rc;

	if (port_h < 0)
		return port_h;
	s->v4 = s->bound_v4 = v4;
	s->laddr = s->bound_laddr = *laddr;
	s->lport = rte_cpu_to_be_16((uint16_t)port_h);
	rc = group_add(ds, s);
	if (rc < 0)
		return rc;
	s->port_next = ds->by_port[port_h];
	ds->by_port[port_h] = s;
	return 0;
}

void udp_table_unbind(struct dstack *ds, struct dsock *s)
{
	uint16_t port_h = rte_be_to_cpu_16(s->lport);
	struct dsock **pp;

	if (s->conn_hashed)
		udp_table_disconnect(ds, s);
	group_del(ds, s);
	for (pp = &ds->by_port[port_h]; *pp != NULL; pp = &(*pp)->port_next)
		if (*pp == s) {
			*pp = s->port_next;
			break;
		}
	s->port_next = NULL;
}

int udp_table_connect(struct dstack *ds, struct dsock *s, const struct in6_addr *laddr,
		      const struct in6_addr *raddr, uint16_t rport)
{
	bool v4 = IN6_IS_ADDR_V4MAPPED(raddr);
	struct rte_hash *h = table_of(ds, v4);
	union udp_key k;
	int rc;

	ukey(&k, v4, laddr, s->lport, raddr, rport);
	if (hget(h, &k) != NULL)
		return -EADDRINUSE;
	group_del(ds, s);
	rc = rte_hash_add_key_data(h, &k, s);
	if (rc < 0) {
		group_add(ds, s);
		return rc;
	}
	s->v4 = v4;
	s->laddr = *laddr;
	s->raddr = *raddr;
	s->rport = rport;
	s->conn_hashed = true;
	ds->nconnected++;
	return 0;
}

void udp_table_disconnect(struct dstack *ds, struct dsock *s)
{
	union udp_key k;

	if (!s->conn_hashed)
		return;
	ukey(&k, s->v4, &s->laddr, s->lport, &s->raddr, s->rport);
	rte_hash_del_key(table_of(ds, s->v4), &k);
	s->conn_hashed = false;
	ds->nconnected--;
	memset(&s->raddr, 0, sizeof(s->raddr));
	s->rport = 0;
	s->v4 = s->bound_v4;
	s->laddr = s->bound_laddr;
	group_add(ds, s);
}

/* Whether a group spreads datagrams over its members (reuse_port with
 * more than one): only then is the source worth hashing. */
static bool spreads(const struct dsock *head)
{
	return head != NULL && head->grp_next != NULL && head->s.opts.reuse_port;
}

/* One member of a spreading group for a unicast datagram, by the hash of
 * its source (the newest member takes it in any other group). */
static struct dsock *group_pick(struct dsock *head, uint32_t shash)
{
	unsigned n = 0, i;
	struct dsock *x;

	for (x = head; x != NULL; x = x->grp_next)
		n++;
	i = shash % n;
	for (x = head; i > 0; x = x->grp_next)
		i--;
	return x;
}

/* An IPv4 datagram for a dual-stack "::" group: the picked member, or the
 * first that is not ipv6_only. */
static struct dsock *dual_pick(struct dsock *head, uint32_t saddr, uint16_t sport)
{
	struct dsock *x = spreads(head) ?
			  group_pick(head, rte_jhash_2words(saddr, sport, 0)) : head;

	if (x == NULL || !x->s.opts.ipv6_only)
		return x;
	for (x = head; x != NULL && x->s.opts.ipv6_only; x = x->grp_next)
		;
	return x;
}

struct dsock *udp_table_lookup(struct dstack *ds, uint32_t daddr, uint16_t dport,
			       uint32_t saddr, uint16_t sport)
{
	struct udp_key4 k = { .laddr = daddr, .raddr = saddr,
			      .lport = dport, .rport = sport };
	struct udp_key6 k6;
	struct dsock *s;
	void *v;

	/* Connected sockets first, when there are any. */
	if (ds->nconnected > 0 && rte_hash_lookup_data(ds->udp_hash, &k, &v) >= 0)
		return v;
	k.raddr = 0;
	k.rport = 0;
	s = rte_hash_lookup_data(ds->udp_hash, &k, &v) >= 0 ? v : NULL;
	if (s == NULL) {
		k.laddr = 0;
		s = rte_hash_lookup_data(ds->udp_hash, &k, &v) >= 0 ? v : NULL;
	}
	if (s != NULL)
		return spreads(s) ? group_pick(s, rte_jhash_2words(saddr, sport, 0)) : s;
	/* Then the dual-stack sockets on "::" (Linux prefers AF_INET ones). */
	memset(&k6, 0, sizeof(k6));
	k6.lport = dport;
	s = rte_hash_lookup_data(ds->udp6_hash, &k6, &v) >= 0 ? v : NULL;
	return dual_pick(s, saddr, sport);
}

struct dsock *udp_table_lookup6(struct dstack *ds, const struct in6_addr *daddr,
				uint16_t dport, const struct in6_addr *saddr,
				uint16_t sport)
{
	union udp_key k;
	struct dsock *s;

	if (ds->nconnected > 0) {
		s = hget(ds->udp6_hash, ukey(&k, false, daddr, dport, saddr, sport));
		if (s != NULL)
			return s;
	}
	s = hget(ds->udp6_hash, ukey(&k, false, daddr, dport, NULL, 0));
	if (s == NULL) {
		memset(&k.k6.laddr, 0, sizeof(k.k6.laddr));
		s = hget(ds->udp6_hash, &k);
	}
	return spreads(s) ? group_pick(s, rte_jhash(saddr, sizeof(*saddr), sport)) : s;
}

struct dsock *udp_table_conn(struct dstack *ds, uint32_t laddr, uint16_t lport,
			     uint32_t raddr, uint16_t rport)
{
	struct udp_key4 k = { .laddr = laddr, .raddr = raddr,
			      .lport = lport, .rport = rport };
	void *v;

	return rte_hash_lookup_data(ds->udp_hash, &k, &v) >= 0 ? v : NULL;
}

struct dsock *udp_table_conn6(struct dstack *ds, const struct in6_addr *laddr,
			      uint16_t lport, const struct in6_addr *raddr,
			      uint16_t rport)
{
	union udp_key k;

	return hget(ds->udp6_hash, ukey(&k, false, laddr, lport, raddr, rport));
}
