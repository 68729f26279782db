/* SPDX-License-Identifier: BSD-3-Clause
 *
 * UDP socket table: one rte_hash keyed by (local address, local port, remote
 * address, remote port). Connected sockets have their full 4-tuple; bound
 * sockets have (laddr, lport, 0, 0), laddr 0 for the wildcard, and sockets
 * sharing a key (reuse_addr / reuse_port) hang off one entry as a group. A
 * datagram costs at most three O(1) lookups however many sockets exist.
 * by_port[] lists every socket on a port, for bind conflicts (control path).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>

#include "net/net.h"

struct udp_key {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
} __rte_packed;


static struct udp_key ukey(uint32_t la, uint16_t lp, uint32_t ra, uint16_t rp)
{
	struct udp_key k;

	memset(&k, 0, sizeof(k));
	k.laddr = la;
	k.lport = lp;
	k.raddr = ra;
	k.rport = rp;
	return k;
}

int udp_table_init(struct dstack *ds)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = 65536,
		.key_len = sizeof(struct udp_key),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
	};

	snprintf(name, sizeof(name), "udp_%s", ds->name);
	ds->udp_hash = rte_hash_create(&hp);
	if (ds->udp_hash == NULL)
		return -ENOMEM;
	ds->by_port = calloc(65536, sizeof(ds->by_port[0]));
	if (ds->by_port == NULL) {
		rte_hash_free(ds->udp_hash);
		return -ENOMEM;
	}
	ds->next_ephemeral = EPHEMERAL_LO + (uint16_t)(rte_rand() %
					(EPHEMERAL_HI - EPHEMERAL_LO + 1));
	return 0;
}

void udp_table_fini(struct dstack *ds)
{
	rte_hash_free(ds->udp_hash);
	free(ds->by_port);
}

static struct dsock *hget(struct dstack *ds, const struct udp_key *k)
{
	void *v;

	return rte_hash_lookup_data(ds->udp_hash, k, &v) >= 0 ? v : NULL;
}

static bool overlaps(uint32_t a, uint32_t b)
{
	return a == 0 || b == 0 || a == b;
}

/* Linux's UDP rule: sharing a port needs both sockets to allow it. */
static bool conflicts(const struct dsock *x, const struct dsock *s, uint32_t laddr)
{
	if (!overlaps(x->bound_laddr, laddr))
		return false;
	if (x->s.opts.reuse_addr && s->s.opts.reuse_addr)
		return false;
	if (x->s.opts.reuse_port && s->s.opts.reuse_port)
		return false;
	return true;
}

static bool port_free_for(struct dstack *ds, const struct dsock *s,
			  uint32_t laddr, uint16_t port_h)
{
	for (struct dsock *x = ds->by_port[port_h]; x != NULL; x = x->port_next)
		if (conflicts(x, s, laddr))
			return false;
	return true;
}

static int pick_ephemeral(struct dstack *ds, const struct dsock *s, uint32_t laddr)
{
	unsigned span = EPHEMERAL_HI - EPHEMERAL_LO + 1;

	for (unsigned i = 0; i < span; i++) {
		uint16_t p = ds->next_ephemeral;

		ds->next_ephemeral = p == EPHEMERAL_HI ? EPHEMERAL_LO : p + 1;
		if (ds->by_port[p] == NULL && port_free_for(ds, s, laddr, p))
			return p;
	}
	return -EADDRINUSE;
}

static int group_add(struct dstack *ds, struct dsock *s)
{
	struct udp_key k = ukey(s->laddr, s->lport, 0, 0);
	struct dsock *head = hget(ds, &k);
	int rc;

	/* Newest first: a unicast datagram to a reuse_addr group goes to the
	 * most recently bound socket, as on Linux. */
	s->grp_next = head;
	rc = rte_hash_add_key_data(ds->udp_hash, &k, s);
	if (rc < 0)
		return rc;
	s->hashed = true;
	return 0;
}

static void group_del(struct dstack *ds, struct dsock *s)
{
	struct udp_key k = ukey(s->laddr, s->lport, 0, 0);
	struct dsock *head = hget(ds, &k), **pp;

	if (!s->hashed)
		return;
	s->hashed = false;
	if (head == s) {
		if (s->grp_next != NULL)
			rte_hash_add_key_data(ds->udp_hash, &k, s->grp_next);
		else
			rte_hash_del_key(ds->udp_hash, &k);
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

int udp_table_bind(struct dstack *ds, struct dsock *s, uint32_t laddr, uint16_t lport)
{
	uint16_t port_h = rte_be_to_cpu_16(lport);
	int rc;

	if (port_h == 0) {
		rc = pick_ephemeral(ds, s, laddr);
		if (rc < 0)
			return rc;
		port_h = (uint16_t)rc;
	} else if (!port_free_for(ds, s, laddr, port_h)) {
		return -EADDRINUSE;
	}
	s->laddr = s->bound_laddr = laddr;
	s->lport = rte_cpu_to_be_16(port_h);
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

int udp_table_connect(struct dstack *ds, struct dsock *s, uint32_t laddr,
		      uint32_t raddr, uint16_t rport)
{
	struct udp_key k = ukey(laddr, s->lport, raddr, rport);
	int rc;

	if (hget(ds, &k) != NULL)
		return -EADDRINUSE;
	group_del(ds, s);
	rc = rte_hash_add_key_data(ds->udp_hash, &k, s);
	if (rc < 0) {
		group_add(ds, s);
		return rc;
	}
	s->laddr = laddr;
	s->raddr = raddr;
	s->rport = rport;
	s->conn_hashed = true;
	ds->nconnected++;
	return 0;
}

void udp_table_disconnect(struct dstack *ds, struct dsock *s)
{
	struct udp_key k = ukey(s->laddr, s->lport, s->raddr, s->rport);

	if (!s->conn_hashed)
		return;
	rte_hash_del_key(ds->udp_hash, &k);
	s->conn_hashed = false;
	ds->nconnected--;
	s->raddr = 0;
	s->rport = 0;
	s->laddr = s->bound_laddr;
	group_add(ds, s);
}

/* One member of a group for a unicast datagram: reuse_port spreads flows
 * by source, otherwise the newest socket takes it. */
static struct dsock *group_pick(struct dsock *head, uint32_t saddr, uint16_t sport)
{
	unsigned n = 0, i;
	struct dsock *x;

	if (head == NULL || head->grp_next == NULL || !head->s.opts.reuse_port)
		return head;
	for (x = head; x != NULL; x = x->grp_next)
		n++;
	i = rte_jhash_2words(saddr, sport, 0) % n;
	for (x = head; i > 0; x = x->grp_next)
		i--;
	return x;
}

struct dsock *udp_table_lookup(struct dstack *ds, uint32_t daddr, uint16_t dport,
			       uint32_t saddr, uint16_t sport)
{
	struct udp_key k;
	struct dsock *s;

	/* Connected sockets first, when there are any. */
	if (ds->nconnected > 0) {
		k = ukey(daddr, dport, saddr, sport);
		s = hget(ds, &k);
		if (s != NULL)
			return s;
	}
	k = ukey(daddr, dport, 0, 0);
	s = hget(ds, &k);
	if (s == NULL) {
		k.laddr = 0;
		s = hget(ds, &k);
	}
	return group_pick(s, saddr, sport);
}

struct dsock *udp_table_conn(struct dstack *ds, uint32_t laddr, uint16_t lport,
			     uint32_t raddr, uint16_t rport)
{
	struct udp_key k = ukey(laddr, lport, raddr, rport);

	return hget(ds, &k);
}
